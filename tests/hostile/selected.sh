#!/usr/bin/env bash
# selected.sh - --check --select against a server whose hierarchy
# separator is a terminal control (ESC, or the 8-bit CSI 0x9b): the text
# timeline shows it escaped, never raw; the JSON gives the mailbox's
# flags and permanent flags as arrays, as it does for mailboxes[].flags.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# select_server SEPARATOR: a server that lists INBOX with SEPARATOR (a
# scripted-server escape such as \x1b) and answers EXAMINE.
select_server() {
	list_then "sendln * LIST () \"$1\" INBOX" \
		'sendln $TAG OK listed' \
		'expect-tag EXAMINE' \
		'sendln * FLAGS (\\Answered \\Seen)' \
		'sendln * OK [PERMANENTFLAGS (\\Seen \\*)] ok' \
		'sendln * 3 EXISTS' \
		'sendln * 0 RECENT' \
		'sendln $TAG OK [READ-ONLY] done'
}

check_separator() {
	local sep shown
	for sep in '\x1b' '\x9b'; do
		say "the separator $sep in the text timeline"
		shown=$sep
		[ "$sep" = '\x1b' ] && shown='\e'
		select_server "$sep"
		run_text --starttls=off --select INBOX "127.0.0.1:$SRV_PORT"
		srv_stop
		assert_sane 2000
		assert_eq "$sep: exit status 0" 0 "$RUN_RC"
		assert_contains "$sep: shown escaped" \
			"  separator       $shown" "$(cat "$RUN_OUT")"
		assert_terminal_safe "$sep: no raw control on the terminal" \
			"$RUN_OUT" "$RUN_ERR"
	done
}

check_json_flags() {
	say "the selected mailbox's flags in JSON"
	select_server '/'
	run_json --starttls=off --select INBOX "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 0 null
	assert_json "selected.flags is an array" '.selected.flags | type' \
		array
	assert_json "selected.flags" '.selected.flags | join(" ")' \
		'\Answered \Seen'
	assert_json "selected.permanent_flags is an array" \
		'.selected.permanent_flags | type' array
	assert_json "selected.permanent_flags" \
		'.selected.permanent_flags | join(" ")' '\Seen \*'
	assert_json "mailboxes[].flags is an array too" \
		'.mailboxes[0].flags | type' array
}

main() {
	need_tools
	check_separator
	check_json_flags
	finish
}

main "$@"
