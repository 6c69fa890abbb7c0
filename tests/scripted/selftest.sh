#!/usr/bin/env bash
# selftest.sh - checks the scripted test server with bash /dev/tcp and
# openssl s_client.  SCRIPTED_SERVER names the binary to check.
# Scripts hold a literal $TAG; helpers run from trap and check:
# shellcheck disable=SC2016,SC2317
set -u

TEST_NAME=selftest
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
need_scripted_server
need_cmds openssl
lib_workdir scripted
tmp=$WORK
spid=

# has LINE: the last server's log holds exactly this line.
has() { grep -qxF -- "$1" "$LAUNCH_LOG"; }
# has_re RE: some line of the last server's log matches the expression.
has_re() { grep -qE -- "$1" "$LAUNCH_LOG"; }

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
	scripted_launch "$1" --once --max-seconds 20 "${@:2}"
	local rc=$?
	port=$LAUNCH_PORT spid=$LAUNCH_PID
	return "$rc"
}

# server_done: waits for the server; sets status.
server_done() {
	wait "$spid"
	status=$?
	spid=
}

s_client() {
	timeout 10 openssl s_client -connect "127.0.0.1:$port" \
	    -verify_return_error -verify_hostname localhost -quiet "$@" \
	    2>>"$tmp/s_client.err"
}

test_greeting() {
	local line
	start 'sendln * OK hello\x21 \$TAG
close'
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	read -r -t 5 line <&3
	exec 3<&-
	server_done
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
	server_done
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
	server_done
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
	server_done
	check "NUL, ESC, tab and backslash sent as given" \
	    [ "$hex" = 41001b095c0d0a ]
}

test_repeat() {
	start 'repeat-lines 1000 * LIST () "/" "F%d"
repeat 5000 (
sendln
close'
	timeout 10 cat <"/dev/tcp/127.0.0.1/$port" >"$tmp/out"
	server_done
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
	server_done
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
	    END { exit bad }' "$LAUNCH_LOG"
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
	server_done
	check "implicit TLS script exits 0" [ "$status" -eq 0 ]
	check "implicit TLS greeting and reply" \
	    grep -q '^z OK bye' <<<"$out"
	check "log: implicit handshake" has_re '^event: tls-done version=TLS'
	check "log: LOGOUT over TLS" has 'tls: z LOGOUT\r\n'

	start "$implicit_script" "${tlsopts[@]}" --tls-max 1.2
	printf 'z LOGOUT\r\n' | s_client -CAfile "$tmp/localhost.pem" \
	    >/dev/null
	server_done
	check "--tls-max 1.2 caps the version" \
	    has_re '^event: tls-done version=TLSv1\.2 '
}

test_bad_ca() {
	start 'tls
sendln * OK
read-all' "${tlsopts[@]}"
	s_client -CAfile "$tmp/other.pem" </dev/null >/dev/null
	check "a client trusting another CA fails" [ $? -ne 0 ]
	server_done
	check "log: handshake refused by the client" \
	    has_re '^event: tls-failed reason=.*alert'
	check "server ends without a mismatch" [ "$status" -eq 0 ]
}

test_handshake_stall() {
	start 'handshake-stall' "${tlsopts[@]}"
	timeout 1 openssl s_client -connect "127.0.0.1:$port" -quiet \
	    </dev/null >/dev/null 2>&1
	server_done
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
	server_done
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
	server_done
	check "a bad script exits 2" [ "$status" -eq 2 ]
	check "a bad script is reported with its line" \
	    grep -q 'script:1: unknown directive' "$LAUNCH_DIR/stderr"
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

if [ "$FAILURES" -ne 0 ]; then
	say "the servers' stderr:"
	cat "$WORK"/srv*/stderr >&2
fi
finish
