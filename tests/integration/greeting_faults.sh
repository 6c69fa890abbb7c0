#!/usr/bin/env bash
# greeting_faults.sh - greetings that end the run: BYE, not IMAP, closed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# run_greeting SCRIPT: the scripted server plays SCRIPT for a plain
# imapconn run with a transcript (in TRANSCRIPT).
run_greeting() {
	TRANSCRIPT=$WORK/greeting$((RUN_COUNT + 1)).transcript
	scripted_start "$1"
	run_check --timeout 5 --transcript "$TRANSCRIPT" \
		"127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
}

check_bye() {
	say "a BYE greeting"
	run_greeting 'sendln * BYE Too many connections from your address
close'
	assert_rc 83 server greeting
	assert_contains "the detail has the server's text" \
		'Too many connections from your address' "$RUN_DETAIL"
	assert_match "the transcript has the BYE" \
		' S: \* BYE Too many connections' "$(cat "$TRANSCRIPT")"
	assert_eq "nothing sent after a BYE" '' "$(client_lines)"
}

check_not_imap() {
	say "a server that is not IMAP (an SMTP banner)"
	run_greeting 'sendln 220 smtp.example.test ESMTP ready
close'
	assert_rc 76 protocol greeting
	assert_contains "the detail shows what came instead" \
		'220 smtp.example.test ESMTP ready' "$RUN_DETAIL"
	assert_match "the transcript shows the line that broke the run" \
		' S: 220 smtp\.example\.test ESMTP ready$' \
		"$(cat "$TRANSCRIPT")"
	assert_eq "nothing sent to it" '' "$(client_lines)"
}

check_closed() {
	local how
	for how in drop reset; do
		say "the server closes at once ($how)"
		run_greeting "$how"
		assert_rc 74 network greeting
		assert_match "$how: the detail says the connection ended" \
			'closed|reset' "$RUN_DETAIL"
	done
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	check_bye
	check_not_imap
	check_closed
	finish
}

main "$@"
