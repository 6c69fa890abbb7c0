#!/usr/bin/env bash
# selftest.sh - checks the scripted test server with bash /dev/tcp and
# openssl s_client.  SCRIPTED_SERVER names the binary to check.
# Scripts hold a literal $TAG; helpers run from trap and check:
# shellcheck disable=SC2016,SC2317
set -u

server=${SCRIPTED_SERVER:-./tests/scripted_server}
failures=0
spid=

if [ ! -x "$server" ]; then
	echo "selftest: no scripted server at $server" >&2
	exit 1
fi
if ! command -v openssl >/dev/null 2>&1; then
	echo "selftest: openssl is needed (apt-get install openssl)" >&2
	exit 77
fi

tmp=$(mktemp -d) || exit 1
cleanup() {
	if [ -n "$spid" ]; then
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what" >&2
		failures=$((failures + 1))
	fi
}

# has LINE: the log holds exactly this line.
has() { grep -qxF -- "$1" "$tmp/log"; }
# has_re RE: some log line matches the regular expression.
has_re() { grep -qE -- "$1" "$tmp/log"; }

newcert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj "/CN=$1" \
	    -addext "subjectAltName=DNS:$1,IP:127.0.0.1" \
	    -keyout "$tmp/$1.key" -out "$tmp/$1.pem" 2>/dev/null
}
newcert localhost || { echo "selftest: openssl req failed" >&2; exit 1; }
newcert other || { echo "selftest: openssl req failed" >&2; exit 1; }
tlsopts=(--cert "$tmp/localhost.pem" --key "$tmp/localhost.key")

# start SCRIPT [OPTION...]: starts the server; sets port (empty if none).
start() {
	printf '%s\n' "$1" >"$tmp/script"
	shift
	rm -f "$tmp/port" "$tmp/log"
	"$server" --script "$tmp/script" --port-file "$tmp/port" \
	    --log "$tmp/log" --once --max-seconds 20 "$@" 2>>"$tmp/stderr" &
	spid=$!
	port=
	for _ in $(seq 200); do
		if [ -s "$tmp/port" ]; then
			port=$(cat "$tmp/port")
			return 0
		fi
		kill -0 "$spid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# finish: waits for the server; sets status.
finish() {
	wait "$spid"
	status=$?
	spid=
}

s_client() {
	timeout 10 openssl s_client -connect "127.0.0.1:$port" \
	    -verify_return_error -verify_hostname localhost -quiet "$@" \
	    2>>"$tmp/stderr"
}

test_greeting() {
	local line
	start 'sendln * OK hello\x21 \$TAG
close'
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	read -r -t 5 line <&3
	exec 3<&-
	finish
	check "greeting sent with CR LF and escapes" \
	    [ "$line" = $'* OK hello! $TAG\r' ]
	check "greeting script exits 0" [ "$status" -eq 0 ]
	check "log shows the server close" has 'event: server-closed'
}

test_tag() {
	local greeting reply
	start 'sendln * OK ready
expect-tag NOOP
sendln $TAG OK NOOP done'
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	read -r -t 5 greeting <&3
	printf 'x17 NOOP\r\n' >&3
	read -r -t 5 reply <&3
	exec 3<&-
	finish
	check "greeting before the tagged reply" \
	    [ "$greeting" = $'* OK ready\r' ]
	check "expect-tag answers with the client's tag" \
	    [ "$reply" = $'x17 OK NOOP done\r' ]
	check "tag script exits 0 once the client closed" [ "$status" -eq 0 ]
	check "log records the plain line" has 'plain: x17 NOOP\r\n'
	check "log records the client close" has 'event: client-closed'
}

test_mismatch() {
	start 'sendln * OK
expect a LOGIN
expect b LIST'
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	printf 'a LOGOUT\r\n' >&3
	exec 3<&-
	finish
	check "a mismatch exits 3" [ "$status" -eq 3 ]
	check "log names the mismatch" \
	    has 'event: mismatch line=2 expected="a LOGIN" got="a LOGOUT"'
	check "a line never sent is a mismatch" \
	    has 'event: mismatch line=3 expected="b LIST" got=(client-closed)'
}

test_bytes() {
	local hex
	start 'send A\x00\x1b\t\\\r\n
close'
	hex=$(timeout 5 od -An -tx1 <"/dev/tcp/127.0.0.1/$port" | tr -d ' \n')
	finish
	check "NUL, ESC, tab and backslash sent as given" \
	    [ "$hex" = 41001b095c0d0a ]
}

test_repeat() {
	start 'repeat-lines 1000 * LIST () "/" "F%d"
repeat 5000 (
sendln
close'
	timeout 10 cat <"/dev/tcp/127.0.0.1/$port" >"$tmp/out"
	finish
	check "repeat-lines sends every numbered line" [ "$(grep -c \
	    $'^\\* LIST () "/" "F[0-9]*"\r$' "$tmp/out")" -eq 1000 ]
	check "repeat-lines counts from 1 to N" \
	    [ "$(sed -n '1p;1000p' "$tmp/out" | tr -d '\r' | tr '\n' ' ')" \
	    = '* LIST () "/" "F1" * LIST () "/" "F1000" ' ]
	check "repeat sends the text N times" \
	    [ "$(tail -n 1 "$tmp/out" | tr -cd '(' | wc -c)" -eq 5000 ]
}

test_starttls() {
	local out
	start 'sendln * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 STARTTLS
sendln $TAG OK done
expect-tag STARTTLS
sendln $TAG OK begin TLS
starttls
expect-tag NOOP
sendln $TAG OK noop done
expect-tag LOGOUT
sendln * BYE
sendln $TAG OK bye
close' "${tlsopts[@]}"
	out=$(printf 'a1 NOOP\r\na2 LOGOUT\r\n' |
	    s_client -starttls imap -CAfile "$tmp/localhost.pem")
	finish
	check "starttls script exits 0" [ "$status" -eq 0 ]
	check "client got the reply over TLS" \
	    grep -q '^a1 OK noop done' <<<"$out"
	check "log: STARTTLS in plain" has 'plain: . STARTTLS\r\n'
	check "log: handshake done" has_re '^event: starttls-done version=TLS'
	check "log: NOOP over TLS" has 'tls: a1 NOOP\r\n'
	check "log: layers in order" awk '
	    /^event: starttls-done/ { done = 1 }
	    /^plain:/ && done { bad = 1 }
	    /^tls:/ && !done { bad = 1 }
	    END { exit bad }' "$tmp/log"
}

implicit_script='tls
sendln * OK secure
expect-tag LOGOUT
sendln * BYE
sendln $TAG OK bye
close'

test_implicit_tls() {
	local out
	start "$implicit_script" "${tlsopts[@]}"
	out=$(printf 'z LOGOUT\r\n' | s_client -CAfile "$tmp/localhost.pem")
	finish
	check "implicit TLS script exits 0" [ "$status" -eq 0 ]
	check "implicit TLS greeting and reply" \
	    grep -q '^z OK bye' <<<"$out"
	check "log: implicit handshake" has_re '^event: tls-done version=TLS'
	check "log: LOGOUT over TLS" has 'tls: z LOGOUT\r\n'

	start "$implicit_script" "${tlsopts[@]}" --tls-max 1.2
	printf 'z LOGOUT\r\n' | s_client -CAfile "$tmp/localhost.pem" \
	    >/dev/null
	finish
	check "--tls-max 1.2 caps the version" \
	    has_re '^event: tls-done version=TLSv1\.2 '
}

test_bad_ca() {
	start 'tls
sendln * OK
read-all' "${tlsopts[@]}"
	s_client -CAfile "$tmp/other.pem" </dev/null >/dev/null
	check "a client trusting another CA fails" [ $? -ne 0 ]
	finish
	check "log: handshake refused by the client" \
	    has_re '^event: tls-failed reason=.*alert'
	check "server ends without a mismatch" [ "$status" -eq 0 ]
}

test_handshake_stall() {
	start 'handshake-stall' "${tlsopts[@]}"
	timeout 1 openssl s_client -connect "127.0.0.1:$port" -quiet \
	    </dev/null >/dev/null 2>&1
	finish
	check "handshake-stall logs the ClientHello as plain bytes" \
	    has_re '^plain: \\x16\\x03'
	check "handshake-stall ends when the client gives up" \
	    [ "$status" -eq 0 ]
}

test_time_limit() {
	local t0 t1
	start 'sendln * OK
silent' --max-seconds 2
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	t0=$(date +%s%N)
	finish
	t1=$(date +%s%N)
	exec 3<&-
	check "--max-seconds ends a silent script with status 4" \
	    [ "$status" -eq 4 ]
	check "... within the limit" [ $(((t1 - t0) / 1000000)) -lt 4000 ]
	check "log: time limit" has 'event: time-limit seconds=2'
}

test_bad_script() {
	if start 'bogus directive'; then
		check "a bad script is refused before listening" false
	fi
	finish
	check "a bad script exits 2" [ "$status" -eq 2 ]
	check "a bad script is reported with its line" \
	    grep -q 'script:1: unknown directive' "$tmp/stderr"
}

test_greeting
test_tag
test_mismatch
test_bytes
test_repeat
test_starttls
test_implicit_tls
test_bad_ca
test_handshake_stall
test_time_limit
test_bad_script

if [ "$failures" -ne 0 ]; then
	echo "selftest: $failures check(s) failed; server stderr:" >&2
	cat "$tmp/stderr" >&2
	exit 1
fi
exit 0
