#!/usr/bin/env bash
# dovecot_harness.sh - checks the private Dovecot of the integration tests.
#
# Starts two instances at once (one plain, one with --many 2000) in fresh
# temporary directories and checks: the env file, every listener, TLS
# verification against the test CA, STARTTLS, LOGINDISABLED on the
# 127.0.0.2 listener only, logins, the users' folders and messages, the
# many-folder user, and that stop ends Dovecot and frees the ports.
# Exit 0 pass, 1 fail, 77 skip (not root, or Dovecot/doveadm/openssl missing).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
harness=$DOVECOT_HARNESS
readonly MANY_N=2000

plain_dir=''
many_dir=''

not() { ! "$@"; }

# stop_both: the two instances, stopped at exit.
stop_both() {
	local dir
	for dir in "$plain_dir" "$many_dir"; do
		[ -n "$dir" ] || continue
		"$harness" stop "$dir" >/dev/null 2>&1 || true
	done
}

# ------------------------------------------------------------ helpers

# imap_session HOST PORT COMMAND...: reads the greeting, then sends each
# command with a tag (t1, t2, ...) and waits for its tagged reply.
# Prints every line received, without CR.
imap_session() {
	local host=$1 port=$2 fd line cmd tag n=0
	shift 2
	exec {fd}<>"/dev/tcp/$host/$port" || return 1
	if ! read -r -t 5 -u "$fd" line; then
		exec {fd}<&-
		return 1
	fi
	printf '%s\n' "${line%$'\r'}"
	for cmd in "$@"; do
		n=$((n + 1))
		tag=t$n
		printf '%s %s\r\n' "$tag" "$cmd" >&"$fd"
		while read -r -t 5 -u "$fd" line; do
			line=${line%$'\r'}
			printf '%s\n' "$line"
			case "$line" in "$tag "*) break ;; esac
		done
	done
	exec {fd}<&-
}

# tls_session COMMANDS-VAR S_CLIENT-ARGS...: runs openssl s_client, sends
# the commands (tagged t1, t2, ...; the last should be LOGOUT) and prints
# everything, s_client's verification report included.
tls_session() {
	local -n cmds=$1
	local i
	shift
	for i in "${!cmds[@]}"; do
		printf 't%s %s\r\n' "$((i + 1))" "${cmds[$i]}"
	done | timeout 20 openssl s_client -ign_eof "$@" 2>&1 | tr -d '\r' ||
		true
}

contains() { grep -q -- "$2" <<<"$1"; }
lacks() { ! grep -q -- "$2" <<<"$1"; }

# contains_all TEXT PATTERN...: every pattern matches a line of TEXT.
contains_all() {
	local text=$1 pattern
	shift
	for pattern in "$@"; do
		grep -q -- "$pattern" <<<"$text" || return 1
	done
}

verified() { contains "$1" 'Verify return code: 0 (ok)'; }
verified_and_greeted() { verified "$1" && contains "$1" '^\* OK '; }
verified_and_logged_in() { verified "$1" && contains "$1" '^t1 OK'; }

greeting_ok() {
	local line='' fd
	{ exec {fd}<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
	read -r -t 5 -u "$fd" line || true
	exec {fd}<&-
	[[ "$line" == '* OK'* ]]
}

refuses() { ! accepts "$1" "$2"; }

is_alive() {
	local stat='' state
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
	state=${stat##*) }
	state=${state%% *}
	[ "$state" != Z ] && [ "$state" != X ]
}

load_env() {
	# shellcheck disable=SC1091
	. "$1/env"
}

# --------------------------------------------------------------- checks

start_both() {
	local t0 rc_plain=0 rc_many=0 pid_plain pid_many f
	lib_workdir harness
	LIB_AT_EXIT+=(stop_both)
	tmp=$WORK
	# The mail and login processes must reach DIR through this folder.
	chmod 0755 "$tmp"
	plain_dir=$tmp/plain
	many_dir=$tmp/many
	t0=$EPOCHREALTIME
	"$harness" start "$plain_dir" >"$tmp/plain.out" 2>"$tmp/plain.err" &
	pid_plain=$!
	"$harness" start "$many_dir" --many "$MANY_N" \
		>"$tmp/many.out" 2>"$tmp/many.err" &
	pid_many=$!
	wait "$pid_plain" || rc_plain=$?
	wait "$pid_many" || rc_many=$?
	say "# both started in $(elapsed_since "$t0") s"
	say "# plain: $(cat "$tmp/plain.err")"
	say "# many:  $(cat "$tmp/many.err")"
	if [ "$rc_plain" -ne 0 ] || [ "$rc_many" -ne 0 ]; then
		fail "start (exit $rc_plain and $rc_many)"
		for f in "$plain_dir/dovecot.log" "$many_dir/dovecot.log"; do
			[ -f "$f" ] && { say "# $f:"; sed 's/^/#   /' "$f"; }
		done
		exit 1
	fi
	pass "two instances start side by side"
	check "start prints nothing on stdout" \
		test ! -s "$tmp/plain.out" -a ! -s "$tmp/many.out"
	check "start prints one line on stderr" \
		test "$(wc -l <"$tmp/plain.err")" -eq 1 -a \
		"$(wc -l <"$tmp/many.err")" -eq 1
}

elapsed_since() {
	local now=${EPOCHREALTIME/[.,]/} then=${1/[.,]/} ms
	ms=$(((now - then) / 1000))
	printf '%d.%03d\n' "$((ms / 1000))" "$((ms % 1000))"
}

plain_env_complete() (
	local var missing=''
	load_env "$plain_dir"
	for var in IMAP_PORT IMAPS_PORT LD_PORT HAVE_IPV6 CA_FILE \
		DOVECOT_DIR TEST_USER TEST_PASSWORD PID; do
		[ -n "${!var:-}" ] || missing="$missing $var"
	done
	if [ -n "$missing" ]; then
		say "# missing:$missing"
		return 1
	fi
	[ -z "${MANY_USER:-}" ] && [ "$TEST_USER" = alice ] &&
		[ "$DOVECOT_DIR" = "$(cd "$plain_dir" && pwd -P)" ] &&
		[ -f "$CA_FILE" ]
)

many_env_complete() (
	load_env "$many_dir"
	[ "${MANY_USER:-}" = many ] && [ -n "${MANY_PASSWORD:-}" ] &&
		[ "${MANY_FOLDERS:-}" = "$MANY_N" ]
)

ports_in_range() {
	local port
	for port in "$@"; do
		[ "$port" -ge 20000 ] && [ "$port" -le 60999 ] || return 1
	done
}

check_env_files() {
	check "env file of the plain instance" plain_env_complete
	check "env file of the many instance names MANY_USER" many_env_complete
	check "env subcommand prints the env file" \
		cmp -s <("$harness" env "$plain_dir") "$plain_dir/env"
	local ports
	ports=$(
		load_env "$plain_dir"
		printf '%s\n' "$IMAP_PORT" "$IMAPS_PORT" "$LD_PORT"
		load_env "$many_dir"
		printf '%s\n' "$IMAP_PORT" "$IMAPS_PORT" "$LD_PORT"
	)
	check "the two instances use six different ports" \
		test "$(sort -u <<<"$ports" | wc -l)" -eq 6
	# shellcheck disable=SC2086
	check "ports are in 20000-60999" ports_in_range $ports
}

check_listeners() {
	load_env "$plain_dir"
	check "master pid $PID runs" is_alive "$PID"
	check "127.0.0.1:$IMAP_PORT greets" greeting_ok 127.0.0.1 "$IMAP_PORT"
	check "127.0.0.1:$IMAPS_PORT accepts" accepts 127.0.0.1 "$IMAPS_PORT"
	check "127.0.0.2:$LD_PORT greets" greeting_ok 127.0.0.2 "$LD_PORT"
	if [ "$HAVE_IPV6" = 1 ]; then
		check "[::1]:$IMAP_PORT greets" greeting_ok ::1 "$IMAP_PORT"
		check "[::1]:$IMAPS_PORT accepts" accepts ::1 "$IMAPS_PORT"
	else
		say "# no IPv6 loopback here: [::1] listeners not checked"
	fi
	check "nothing listens on 127.0.0.1:$LD_PORT" \
		refuses 127.0.0.1 "$LD_PORT"
}

check_certificate() {
	load_env "$plain_dir"
	local server=$DOVECOT_DIR/pki/server.pem start end now sans
	now=$(date +%s)
	start=$(date -d "$(openssl x509 -in "$server" -noout -startdate |
		cut -d= -f2)" +%s)
	end=$(date -d "$(openssl x509 -in "$server" -noout -enddate |
		cut -d= -f2)" +%s)
	check "server certificate valid since yesterday" \
		test "$start" -le "$((now - 20 * 3600))" -a \
		"$start" -ge "$((now - 28 * 3600))"
	check "server certificate valid for 30 days" \
		test "$((end - start))" -eq "$((30 * 86400))"
	sans=$(openssl x509 -in "$server" -noout -ext subjectAltName)
	check "server certificate names localhost, 127.0.0.1, 127.0.0.2, ::1" \
		contains "$sans" "DNS:localhost, IP Address:127.0.0.1, IP Address:127.0.0.2,\
 IP Address:0:0:0:0:0:0:0:1"
}

check_tls() {
	load_env "$plain_dir"
	local out ca=$CA_FILE
	# shellcheck disable=SC2034
	local logout=(LOGOUT)
	# shellcheck disable=SC2034
	local login=("LOGIN \"$TEST_USER\" \"$TEST_PASSWORD\"" CAPABILITY
		LOGOUT)

	out=$(tls_session logout -connect "127.0.0.1:$IMAPS_PORT" \
		-CAfile "$ca" -verify_return_error -verify_hostname localhost)
	check "implicit TLS verifies as localhost and greets" \
		verified_and_greeted "$out"
	out=$(tls_session logout -connect "127.0.0.1:$IMAPS_PORT" \
		-CAfile "$ca" -verify_return_error -verify_ip 127.0.0.1)
	check "implicit TLS verifies as 127.0.0.1" verified "$out"
	out=$(tls_session logout -connect "127.0.0.1:$IMAPS_PORT" \
		-CAfile "$ca" -verify_return_error -verify_hostname wrong.example)
	check "implicit TLS fails for another host name" \
		not verified "$out"
	out=$(tls_session logout -connect "127.0.0.1:$IMAPS_PORT" \
		-no-CAfile -no-CApath -no-CAstore -verify_return_error)
	check "implicit TLS fails without the test CA" not verified "$out"
	# The client would refuse TLS 1.1 itself at its default security level.
	out=$(tls_session logout -connect "127.0.0.1:$IMAPS_PORT" \
		-CAfile "$ca" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0')
	check "the server refuses TLS 1.1" lacks "$out" "^\* OK "
	out=$(tls_session logout -connect "127.0.0.1:$IMAPS_PORT" \
		-CAfile "$ca" -tls1_2)
	check "the server accepts TLS 1.2" contains "$out" "^\* OK "
	if [ "$HAVE_IPV6" = 1 ]; then
		out=$(tls_session logout -connect "[::1]:$IMAPS_PORT" \
			-CAfile "$ca" -verify_return_error -verify_ip ::1)
		check "implicit TLS on [::1] verifies as ::1" \
			verified_and_greeted "$out"
	fi

	out=$(tls_session login -starttls imap -connect "127.0.0.1:$IMAP_PORT" \
		-CAfile "$ca" -verify_return_error -verify_hostname localhost)
	check "STARTTLS on $IMAP_PORT verifies and alice logs in" \
		verified_and_logged_in "$out"
	out=$(tls_session login -starttls imap -connect "127.0.0.2:$LD_PORT" \
		-CAfile "$ca" -verify_return_error -verify_ip 127.0.0.2)
	check "STARTTLS on 127.0.0.2:$LD_PORT verifies and alice logs in" \
		verified_and_logged_in "$out"
	check "no LOGINDISABLED on 127.0.0.2:$LD_PORT after STARTTLS" \
		lacks "$(grep '^\* CAPABILITY' <<<"$out")" LOGINDISABLED
}

check_logindisabled() {
	load_env "$plain_dir"
	local out
	out=$(imap_session 127.0.0.2 "$LD_PORT" CAPABILITY \
		"LOGIN \"$TEST_USER\" \"$TEST_PASSWORD\"" LOGOUT)
	check "127.0.0.2:$LD_PORT advertises LOGINDISABLED in the greeting" \
		contains "$(head -n 1 <<<"$out")" 'LOGINDISABLED'
	check "127.0.0.2:$LD_PORT advertises LOGINDISABLED in CAPABILITY" \
		contains "$out" '^\* CAPABILITY .*LOGINDISABLED'
	check "127.0.0.2:$LD_PORT offers STARTTLS" \
		contains "$out" '^\* CAPABILITY .*STARTTLS'
	check "127.0.0.2:$LD_PORT refuses plaintext LOGIN" \
		contains "$out" '^t2 NO'

	out=$(imap_session 127.0.0.1 "$IMAP_PORT" CAPABILITY LOGOUT)
	check "127.0.0.1:$IMAP_PORT does not say LOGINDISABLED" \
		lacks "$out" 'LOGINDISABLED'
	check "127.0.0.1:$IMAP_PORT offers STARTTLS and AUTH=PLAIN" \
		contains "$out" '^\* CAPABILITY .*STARTTLS.*AUTH=PLAIN'
}

expected_alice_imap() {
	printf '%s\n' INBOX Sent Drafts Trash Junk Archive Projects \
		Projects/2026 Projects/2026/Q4 'Entw&APw-rfe' '&ZeVnLIqe-' \
		'Caf&AOk- &- Co' | sort
}

expected_alice_utf8() {
	printf '%s\n' INBOX Sent Drafts Trash Junk Archive Projects \
		Projects/2026 Projects/2026/Q4 'Entwürfe' '日本語' 'Café & Co' | sort
}

# Mailbox names from LIST or LSUB lines, quotes removed.
list_names() {
	sed -n 's/^\* \(LIST\|LSUB\) ([^)]*) "\/" //p' |
		sed 's/^"\(.*\)"$/\1/' | sort
}

check_alice_over_imap() {
	load_env "$plain_dir"
	local out caps
	out=$(imap_session 127.0.0.1 "$IMAP_PORT" \
		"LOGIN \"$TEST_USER\" \"$TEST_PASSWORD\"" CAPABILITY \
		'LIST "" "*"' 'LIST (SPECIAL-USE) "" "*"' 'LSUB "" "*"' \
		'STATUS INBOX (MESSAGES)' \
		'STATUS "Projects/2026/Q4" (MESSAGES)' 'SELECT INBOX' \
		'FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])' LOGOUT)
	check "alice logs in with plaintext LOGIN on 127.0.0.1" \
		contains "$out" '^t1 OK'
	caps=$(grep '^\* CAPABILITY' <<<"$out" || true)
	check "LIST-STATUS, SPECIAL-USE, LITERAL+, SASL-IR after login" \
		contains_all "$caps" ' LIST-STATUS' ' SPECIAL-USE' ' LITERAL+' \
		' SASL-IR'
	check "alice's LIST is exactly the expected folders (modified UTF-7)" \
		cmp -s <(grep '^\* LIST' <<<"$out" | list_names | sort -u) \
		<(expected_alice_imap)
	check "special-use folders carry their flags" \
		contains_all "$out" \
		'^\* LIST (.*\\Sent.*) "/" Sent$' \
		'^\* LIST (.*\\Drafts.*) "/" Drafts$' \
		'^\* LIST (.*\\Trash.*) "/" Trash$' \
		'^\* LIST (.*\\Junk.*) "/" Junk$' \
		'^\* LIST (.*\\Archive.*) "/" Archive$'
	check "all of alice's folders are subscribed" \
		cmp -s <(grep '^\* LSUB' <<<"$out" | list_names) \
		<(expected_alice_imap | grep -vx INBOX)
	check "alice's INBOX has 3 messages" \
		contains "$out" '^\* STATUS INBOX (MESSAGES 3)'
	check "Projects/2026/Q4 has 1 message" \
		contains "$out" '^\* STATUS "\?Projects/2026/Q4"\? (MESSAGES 1)'
	check "INBOX subjects in UID order: plain, encoded, long" \
		cmp -s <(grep '^Subject:' <<<"$out" | head -n 3 | cut -c1-40) \
		<(printf '%s\n' 'Subject: Welcome to the test server' \
			'Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=' \
			'Subject: A very long subject line that goes on' |
			cut -c1-40)
	check "the encoded subject decodes to Grüße aus Köln" \
		test "$(printf '%s' 'R3LDvMOfZSBhdXMgS8O2bG4=' | base64 -d)" = \
		'Grüße aus Köln'

	out=$(imap_session 127.0.0.1 "$IMAP_PORT" \
		"LOGIN \"$TEST_USER\" \"wrong-password\"" LOGOUT)
	check "a wrong password is refused" contains "$out" '^t1 NO'
	out=$(imap_session 127.0.0.1 "$IMAP_PORT" \
		"LOGIN \"$EMPTY_USER\" \"$EMPTY_PASSWORD\"" \
		'STATUS INBOX (MESSAGES)' LOGOUT)
	check "bob logs in and has an empty INBOX" \
		contains_all "$out" '^t1 OK' '^\* STATUS INBOX (MESSAGES 0)'
}

dirs_exist() {
	local base=$1 name
	shift
	for name in "$@"; do
		[ -d "$base/$name" ] || return 1
	done
}

check_doveadm() {
	load_env "$plain_dir"
	local conf=$DOVECOT_DIR/dovecot.conf out
	out=$(doveadm -c "$conf" mailbox list -u alice 2>&1 | sort)
	check "doveadm lists alice's folders" \
		cmp -s <(printf '%s\n' "$out") <(expected_alice_utf8)
	out=$(doveadm -c "$conf" mailbox list -u bob 2>&1 | sort)
	check "doveadm lists bob's folders (INBOX and special-use only)" \
		cmp -s <(printf '%s\n' "$out") \
		<(printf '%s\n' INBOX Sent Drafts Trash Junk Archive | sort)
	check "alice's folders are stored in modified UTF-7 on disk" \
		dirs_exist "$DOVECOT_DIR/home/alice/Maildir" '.Entw&APw-rfe' \
		'.&ZeVnLIqe-' '.Caf&AOk- &- Co' '.Projects.2026.Q4'
}

check_many() {
	load_env "$many_dir"
	local conf=$DOVECOT_DIR/dovecot.conf out count t0
	t0=$EPOCHREALTIME
	out=$(doveadm -c "$conf" mailbox list -u "$MANY_USER")
	count=$(wc -l <<<"$out")
	say "# doveadm listed $count folders of $MANY_USER" \
		"in $(elapsed_since "$t0") s"
	check "doveadm lists >= $MANY_N folders for $MANY_USER" \
		test "$count" -ge "$MANY_N"
	check "the many tree has Team-001/List-01 and Team-100/List-19" \
		contains_all "$out" '^Team-001/List-01$' '^Team-100/List-19$'
	t0=$EPOCHREALTIME
	out=$(imap_session 127.0.0.1 "$IMAP_PORT" \
		"LOGIN \"$MANY_USER\" \"$MANY_PASSWORD\"" 'LIST "" "*"' LOGOUT)
	count=$(grep -c '^\* LIST' <<<"$out" || true)
	say "# IMAP LIST gave $count folders of $MANY_USER" \
		"in $(elapsed_since "$t0") s"
	check "IMAP LIST gives >= $MANY_N folders for $MANY_USER" \
		test "$count" -ge "$MANY_N"
	check "that LIST completes" contains "$out" '^t2 OK'
}

check_stop() {
	local dir pid ports hp t0
	local -a host_ports
	for dir in "$plain_dir" "$many_dir"; do
		load_env "$dir"
		pid=$PID
		t0=$EPOCHREALTIME
		check "stop ${dir##*/} exits 0" "$harness" stop "$dir"
		say "# stop took $(elapsed_since "$t0") s"
		# A zombie waiting for init to reap it counts as gone.
		check "master pid $pid is gone" not is_alive "$pid"
		host_ports=("127.0.0.1:$IMAP_PORT" "127.0.0.1:$IMAPS_PORT"
			"127.0.0.2:$LD_PORT")
		[ "$HAVE_IPV6" = 1 ] &&
			host_ports+=("::1:$IMAP_PORT" "::1:$IMAPS_PORT")
		ports=ok
		for hp in "${host_ports[@]}"; do
			if accepts "${hp%:*}" "${hp##*:}"; then
				ports="$hp still accepts"
			fi
		done
		check "every port of ${dir##*/} refuses after stop ($ports)" \
			test "$ports" = ok
		check "a second stop of ${dir##*/} exits 0" "$harness" stop "$dir"
	done
	check "stop of a directory without Dovecot exits 0" \
		"$harness" stop "$tmp/never-started"
}

main() {
	need_dovecot
	need_cmds timeout
	start_both
	check_env_files
	check_listeners
	check_certificate
	check_tls
	check_logindisabled
	check_alice_over_imap
	check_doveadm
	check_many
	check_stop
	finish
}

main "$@"
