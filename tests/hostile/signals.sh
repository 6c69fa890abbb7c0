#!/usr/bin/env bash
# signals.sh - SIGINT, SIGTERM and SIGHUP while --check waits on a
# server that never answers LIST: each ends the run through its normal
# path.  LOGOUT reaches the server, the summary is printed, the --report
# file is written, and the exit status is 128 + the signal (130, 143,
# 129).
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-5c1e-signals'
export IMAPCONN_PASSWORD=$PASSWORD

# A login, then LIST is never answered; LOGOUT is.
STALL_LIST='sendln * OK [CAPABILITY IMAP4rev1] ready
expect-tag LOGIN
sendln $TAG OK logged in
expect-tag LIST
'$SRV_LOGOUT

# signal_run SIGNAL STATUS
signal_run() {
	local sig=$1 status=$2 report pid want
	say "SIG$sig while LIST is unanswered"
	srv_start "$STALL_LIST"
	run_begin out "--check ... (SIG$sig)"
	RUN_MS=0
	RUN_KB=0
	report=$WORK/report-$sig.txt
	timeout -k 5 60 "$IMAPCONN" --check --starttls=off --allow-plaintext-auth \
		-u "$USER_NAME" --report "$report" "127.0.0.1:$SRV_PORT" \
		>"$RUN_OUT" 2>"$RUN_ERR" </dev/null &
	pid=$!
	wait_until 10 grep -qs ' LIST ' "$SRV_LOG" || true
	kill "-$sig" "$pid"
	wait "$pid" || RUN_RC=$?
	srv_stop
	assert_eq "SIG$sig: exit status $status" "$status" "$RUN_RC"
	assert_match "SIG$sig: LOGOUT reached the server" \
		'^plain: [^ ]+ LOGOUT' "$(client_lines | tail -n 1)"
	assert_contains "SIG$sig: the summary" \
		"FAILED in list (cancelled): cancelled by SIG$sig" \
		"$(cat "$RUN_OUT")"
	assert_contains "SIG$sig: the report is named" \
		"report written to $report" "$(cat "$RUN_OUT")"
	want="FAILED in list \\(cancelled\\): cancelled by SIG$sig"
	assert_match "SIG$sig: the report holds the result" \
		"^result    $want\$" "$(cat "$report" 2>/dev/null)"
	assert_no_secret "SIG$sig: no password" "$USER_NAME" "$PASSWORD" \
		"$RUN_OUT" "$RUN_ERR" "$report"
}

main() {
	need_tools
	signal_run INT 130
	signal_run TERM 143
	signal_run HUP 129
	finish
}

main "$@"
