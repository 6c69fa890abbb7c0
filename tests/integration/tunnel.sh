#!/usr/bin/env bash
# tunnel.sh - IMAP over a command's standard input and output (--tunnel):
# Dovecot's imap binary behind it, commands that fail, hang or are
# cancelled, and TLS or a password through a tunnel.
# The tunnel commands are for sh -c, not for this shell:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

DOVECOT_IMAP=${DOVECOT_IMAP:-/usr/lib/dovecot/imap}

# Processes of process group $1 still running (zombies are dead).
group_alive() {
	ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^[ZX]/' |
		wc -l | tr -d ' '
}

# The tunnel's process id, from the tunnel phase's "(pid N)".
tunnel_pid() {
	jf '.phases[] | select(.phase == "tunnel") | .detail' |
		sed -n 's/.*(pid \([0-9]*\))$/\1/p'
}

# assert_group_gone WHAT: no process of the last run's tunnel is left.
assert_group_gone() {
	local pid
	pid=$(tunnel_pid)
	case "$pid" in
	'' | *[!0-9]*)
		fail "$1: the tunnel phase names its pid" "(pid N)" "$pid"
		return 0
		;;
	esac
	assert_eq "$1: no process of the tunnel is left" 0 \
		"$(group_alive "$pid")"
}

check_preauth() {
	say "Dovecot's imap binary as alice behind --tunnel: PREAUTH"
	run_check --tunnel "$IMAP_AS_ALICE" --select INBOX \
		--report "$WORK/report.txt"
	assert_rc 0 null
	assert_jsons \
		"phases in order" '[.phases[] | .phase + "=" + .result]
		 | join(" ")' \
		'tunnel=ok greeting=ok capability=skipped authenticate=skipped list=ok select=ok logout=ok tunnel-exit=ok' \
		"the greeting was PREAUTH" \
		'.phases[] | select(.phase == "greeting") | .detail
		 | startswith("PREAUTH")' true \
		"no lookup, no connection" \
		'[.phases[] | select(.phase == "resolve" or .phase == "connect")]
		 | length' 0 \
		"the tunnel phase shows the command" \
		'.phases[] | select(.phase == "tunnel") | .detail
		 | startswith("sh -c setpriv ")' true \
		"the command's exit status ends the timeline" \
		'.phases[-1].detail' 'exited with status 0' \
		"the endpoint names the tunnel" '.endpoint.tunnel | length > 0' \
		true \
		"INBOX has 3 messages" '.selected.messages' 3 \
		"the note says why there is no TLS" \
		'[.notes[] | select(contains("trusted, as ssh is"))] | length' 1
	assert_eq "the mailbox names are exactly alice's folders" \
		"$(alice_folders)" \
		"$(jf '.mailboxes[].name' | LC_ALL=C sort | paste -sd '|')"
	assert_group_gone "PREAUTH"
	assert_contains "the report holds the tunnel command" \
		"$IMAP_AS_ALICE" "$(cat "$WORK/report.txt")"
	assert_contains "the report holds the command's error output" \
		"error output: imap(alice)" "$(cat "$WORK/report.txt")"
}

check_failing_commands() {
	say "a tunnel command that fails at once"
	run_check --tunnel 'echo "ssh: no route to host" >&2; exit 255'
	assert_rc 74 network greeting
	assert_contains "the failure names the command and its status" \
		"'echo \"ssh: no route to host\" >&2; exit 255' exited with status 255" \
		"$RUN_DETAIL"
	assert_contains "the failure shows its error output" \
		"its error output: ssh: no route to host" "$RUN_DETAIL"
	assert_json "the tunnel-exit phase failed" \
		'.phases[] | select(.phase == "tunnel-exit") | .result' failed
	assert_contains "the hint is about the tunnel command" \
		"tunnel command" "$(jf '.failure.hint')"
	assert_json "the reason is the tunnel's end" '.failure.reason' \
		tunnel-ended

	say "a tunnel command that is not found"
	run_check --tunnel 'imapconn-no-such-command -x'
	assert_rc 74 network greeting
	assert_contains "status 127 is named" \
		"'imapconn-no-such-command -x' exited with status 127" \
		"$RUN_DETAIL"
	assert_contains "the shell's complaint is shown" \
		"imapconn-no-such-command: not found" "$RUN_DETAIL"

	say "false"
	run_check --tunnel false
	assert_rc 74 network greeting
	assert_contains "false: its status" \
		"the tunnel command 'false' exited with status 1" "$RUN_DETAIL"
}

check_hang_timeout() {
	say "a tunnel command that never speaks: the timeout ends it"
	run_check --timeout 1 --tunnel 'sleep 300 & sleep 300'
	assert_rc 75 timeout greeting
	assert_json "the reason is the tunnel's end" '.failure.reason' \
		tunnel-ended
	assert_json "it was ended by SIGTERM" \
		'.phases[] | select(.phase == "tunnel-exit") | .detail' \
		'killed by signal 15 (Terminated) when it was ended'
	assert_group_gone "timeout"
}

check_hang_cancel() {
	local marker=$WORK/started pid rc=0 out=$WORK/cancel.json
	say "a tunnel command that never speaks: cancel (SIGINT) ends it"
	"$IMAPCONN" --check --json --timeout 60 \
		--tunnel "touch '$marker'; sleep 300 & sleep 300" \
		>"$out" 2>"$WORK/cancel.err" </dev/null &
	pid=$!
	wait_until 10 test -e "$marker" || true
	kill -INT "$pid"
	wait "$pid" || rc=$?
	RUN_OUT=$out RUN_RC=$rc
	assert_eq "cancelled: exit status 130" 130 "$rc"
	assert_json "cancelled: class" '.failure.class' cancelled
	assert_json "cancelled: the command was ended" \
		'.phases[] | select(.phase == "tunnel-exit") | .detail' \
		'killed by signal 15 (Terminated) when it was ended'
	assert_group_gone "cancel"
}

check_password_through_tls_tunnel() {
	local pw_out
	say "a password through a tunnel (openssl s_client to port $IMAPS_PORT)"
	local cmd="openssl s_client -quiet -verify_return_error"
	cmd+=" -CAfile '$CA_FILE' -connect 127.0.0.1:$IMAPS_PORT"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" \
		--transcript "$WORK/pw.transcript" --tunnel "$cmd"
	assert_rc 0 null
	assert_json "logged in without --allow-plaintext-auth" \
		'.phases[] | select(.phase == "authenticate") | .result' ok
	assert_json "the timeline says why the password went" \
		'[.notes[] | select(contains("through the tunnel without TLS")
		  and contains("no --allow-plaintext-auth needed"))] | length' 1
	assert_no_secret "no password in the outputs" "$TEST_USER" \
		"$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR" "$WORK/pw.transcript"

	say "the tunnel command does not get IMAPCONN_PASSWORD"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" \
		--tunnel "echo \"env:\${IMAPCONN_PASSWORD-unset}\" >&2; $cmd"
	assert_rc 0 null
	assert_json "the command's environment had no password" \
		'[.notes[] | select(contains("env:unset"))] | length' 1

	say "without a tunnel the same plain login is refused"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls=off -u "$TEST_USER" \
		"127.0.0.1:$IMAP_PORT"
	assert_rc 77 auth
	pw_out=$(jf '.failure.detail')
	assert_contains "refused over plain TCP" "unencrypted" "$pw_out"
}

check_starttls_over_tunnel() {
	local relay
	relay="bash -c 'exec 3<>/dev/tcp/127.0.0.1/$IMAP_PORT || exit 1;"
	relay+=" cat <&3 & exec cat >&3'"
	say "STARTTLS asked for over a tunnel: verified against HOST"
	run_check --starttls --ca-file "$CA_FILE" --tunnel "$relay" localhost
	assert_rc 0 null
	assert_jsons \
		"STARTTLS ran" \
		'.phases[] | select(.phase == "starttls") | .result' ok \
		"the certificate was verified" '.tls[0].verified' true \
		"the relay ended well" '.phases[-1].detail' \
		'exited with status 0'
	say "STARTTLS over a tunnel to a name the certificate does not hold"
	run_check --starttls --ca-file "$CA_FILE" --tunnel "$relay" \
		imap.example.org
	assert_rc 80 tls-verify starttls
}

# A password that appears in the command or its error output is shown
# as [secret], in the timeline, the failure, the JSON and the report.
check_password_in_command() {
	local pw='Tunnel-Pw.6d2f'
	say "the password in the command line and in its error output"
	local cmd="sshpass -p '$pw' ssh h 2>/dev/null ||"
	cmd+=" echo 'bad password $pw' >&2; exit 5"
	IMAPCONN_PASSWORD=$pw run_check -u alice \
		--report "$WORK/pw-report.txt" --tunnel "$cmd"
	assert_rc 74 network greeting
	assert_contains "the status is still named" "exited with status 5" \
		"$RUN_DETAIL"
	assert_contains "the password is shown as [secret]" \
		"bad password [secret]" "$RUN_DETAIL"
	assert_no_secret "no password in the outputs or the report" alice \
		"$pw" "$RUN_OUT" "$RUN_ERR" "$WORK/pw-report.txt"
	IMAPCONN_PASSWORD=$pw "$IMAPCONN" --check -u alice \
		--tunnel "echo '$pw' >&2; exit 5" >"$WORK/pw.txt" 2>&1 || true
	assert_contains "text output: the command is shown" \
		"imapconn: tunnel echo '[secret]'" "$(cat "$WORK/pw.txt")"
	assert_no_secret "no password in the text output" alice "$pw" \
		"$WORK/pw.txt"
}

check_usage() {
	local err
	say "usage errors"
	err=$("$IMAPCONN" --check --tunnel true --port 143 2>&1) || true
	assert_contains "--port with --tunnel is refused" \
		"a port has no meaning" "$err"
	err=$("$IMAPCONN" --check --tunnel true --starttls 2>&1) || true
	assert_contains "TLS over a tunnel needs a name" \
		"give HOST or --server-name" "$err"
}

need_jq
need_imapconn
need_dovecot
[ -x "$DOVECOT_IMAP" ] || skip_all "no $DOVECOT_IMAP (dovecot-imapd)"
dovecot_start
# As Dovecot's mail user, which owns the Maildirs: run as root, imap
# refuses a socket as its input ("started from inetd").
IMAP_AS_ALICE="setpriv --reuid=8 --regid=$(id -g mail) --clear-groups"
IMAP_AS_ALICE+=" env USER=alice HOME=$DOVECOT_DIR_T/home/alice"
IMAP_AS_ALICE+=" $DOVECOT_IMAP -c $DOVECOT_CONF"
check_usage
check_password_in_command
check_preauth
check_failing_commands
check_hang_timeout
check_hang_cancel
check_password_through_tls_tunnel
check_starttls_over_tunnel
finish
