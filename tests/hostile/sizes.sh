#!/usr/bin/env bash
# sizes.sh - hostile sizes: right failure class, bounded memory.
# Literal counts {0}, 2^32, 2^64-1, -1, a literal cut short, the
# largest literal and response allowed and one byte more, a line that never ends, 10,000 nested
# parentheses, 200,000 mailboxes.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

check_literal_counts() {
	say "{0}: an empty literal is a valid (empty) name"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
send * LIST () "/" {0}\r\n\r\n
sendln * LIST () "/" INBOX
sendln $TAG OK done
'"$SRV_LOGOUT"
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 0 null
	assert_json "{0}: two mailboxes, INBOX first, then the empty one" \
		'[.mailboxes[] | .raw] | join(",")' "INBOX,"
	assert_json "{0}: the empty name is valid" '.mailboxes[1].name_valid' \
		true

	local count
	for count in 4294967296 18446744073709551615 \
		18446744073709551616 99999999999999999999999999999999; do
		say "literal count {$count}"
		list_then "send * LIST () \"/\" {$count}\\r\\n"
		run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
		srv_stop
		assert_sane 1000
		assert_class 76 response-too-large list
		assert_last_sent "{$count}: nothing sent after LIST" \
			'^plain: A1 LIST '
	done

	say "literal count {-1}"
	list_then 'send * LIST () "/" {-1}\r\n'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol list

	say "a literal cut short by the server closing"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
send * LIST () "/" {10}\r\nabc
close'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 74 network list
	assert_json "cut short: no mailbox came of it" '.mailboxes | length' 0
}

# 1 MiB is the largest literal the session takes, 4 MiB the largest
# response (it fetches no message bodies): what the limits allow must
# fit the memory budget, and what they refuse is refused from its
# length, before the bytes arrive.
check_largest_literal() {
	say "a 1 MiB literal as a mailbox name (the largest allowed)"
	list_then 'send * LIST () "/" {1048576}\r\n' \
		'repeat 65536 abcdefghijklmnop' 'sendln' \
		'sendln $TAG OK done'
	run_json --starttls=off --timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 0 null
	assert_json "1 MiB: one mailbox of 1 MiB" '.mailboxes[0].raw |
		length' 1048576
	say "1 MiB literal: peak RSS $RUN_KB KB"

	say "a literal one byte over 1 MiB"
	list_then 'send * LIST () "/" {1048577}\r\n' \
		'repeat 65536 abcdefghijklmnop' 'sendln x' \
		'sendln $TAG OK done'
	run_json --starttls=off --timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 76 response-too-large list
	assert_json "1 MiB + 1: the detail names the limit" \
		'.failure.detail | test("1048576")' true
	assert_last_sent "1 MiB + 1: nothing sent after LIST" '^plain: A1 LIST '

	say "four literals in one response, just under 4 MiB"
	list_then 'send * LIST () "/" {1048576}\r\n' \
		'repeat 65536 abcdefghijklmnop' \
		'send \x20({1048576}\r\n' 'repeat 65536 abcdefghijklmnop' \
		'send \x20{1048576}\r\n' 'repeat 65536 abcdefghijklmnop' \
		'send \x20{1048000}\r\n' 'repeat 65500 abcdefghijklmnop' \
		'sendln )' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 0 null
	say "just under 4 MiB: peak RSS $RUN_KB KB"

	say "five 1 MiB literals in one response (over 4 MiB)"
	list_then 'send * LIST () "/" {1048576}\r\n' \
		'repeat 65536 abcdefghijklmnop' \
		'send \x20({1048576}\r\n' 'repeat 65536 abcdefghijklmnop' \
		'send \x20{1048576}\r\n' 'repeat 65536 abcdefghijklmnop' \
		'send \x20{1048576}\r\n' 'repeat 65536 abcdefghijklmnop' \
		'send \x20{1048576}\r\n' 'repeat 65536 abcdefghijklmnop' \
		'sendln )' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 76 response-too-large list

	say "a 16 MiB literal: refused from its length"
	list_then 'send * LIST () "/" {16777216}\r\n' \
		'repeat 1048576 abcdefghijklmnop' 'sendln' \
		'sendln $TAG OK done'
	run_json --starttls=off --timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 76 response-too-large list
	say "16 MiB literal: peak RSS $RUN_KB KB"
}

check_endless_line() {
	say "a greeting line that never ends (200 MB, no CRLF)"
	srv_start 'send * OK 
repeat 20000000 xxxxxxxxxx'
	run_json --starttls=off --timeout 5 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 76 response-too-large greeting
	assert_eq "endless line: nothing sent" "" "$(client_lines)"
	say "endless line: peak RSS $RUN_KB KB"

	say "a LIST line that never ends"
	list_then 'send * LIST () "/" x' 'repeat 20000000 yyyyyyyyyy'
	run_json --starttls=off --timeout 5 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 5000
	assert_class 76 response-too-large list
}

check_nesting() {
	say "10,000 nested parentheses"
	list_then 'send * LIST ' 'repeat 10000 (' 'repeat 10000 )' \
		'sendln \x20"/" x' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 response-too-large list

	say "10,000 nested parentheses in an unknown response"
	list_then 'send * XNEST ' 'repeat 10000 (' 'repeat 10000 )' \
		'sendln' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 response-too-large list
}

check_many_mailboxes() {
	local n=200000
	say "$n LIST replies"
	srv_start "sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
repeat-lines $n * LIST (\\\\HasNoChildren) \"/\" \"Folder%d\"
sendln \$TAG OK done
$SRV_LOGOUT"
	RUN_LIMIT_S=180 run_json --starttls=off \
		--timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 60000
	assert_class 0 null
	assert_json "all $n mailboxes are listed" '.mailboxes | length' "$n"
	assert_json "Folder$n, the last one sent, is there" \
		"any(.mailboxes[]; .name == \"Folder$n\")" true
	say "$n mailboxes (JSON): peak RSS $RUN_KB KB in $RUN_MS ms"
}

# Past the limits (200,000 mailboxes, 8 MiB of names) the rest are
# counted and said, not kept: a server that lists without end cannot
# take the memory.
check_mailbox_limit() {
	local max=200000 extra=40000
	say "$((max + extra)) LIST replies: $max kept"
	list_then "repeat-lines $((max + extra)) * LIST () \"/\" \"F%d\"" \
		'sendln $TAG OK done'
	RUN_LIMIT_S=180 run_json --starttls=off \
		--timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 60000
	assert_class 0 null
	assert_json "$max mailboxes are kept" '.mailboxes | length' "$max"
	assert_json "the last kept is F$max" \
		"[.mailboxes[].name | select(. == \"F$max\" or
		 . == \"F$((max + 1))\")] | join(\",\")" "F$max"
	assert_contains "a note says how many were not kept" \
		"listed $extra more mailboxes than are kept" \
		"$(jf '[.notes[]?] | join("|")')"
	say "$((max + extra)) LIST replies: peak RSS $RUN_KB KB in $RUN_MS ms"

	say "nine names of 1 MiB: eight kept (8 MiB of names)"
	local lines=() c
	for c in a b c d e f g h i; do
		lines+=('sendln * LIST () "/" {1048576}' "repeat 1048576 $c"
			'sendln')
	done
	list_then "${lines[@]}" 'sendln $TAG OK done'
	run_json --starttls=off --timeout 10 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 20000
	assert_class 0 null
	assert_json "eight mailboxes are kept" '.mailboxes | length' 8
	assert_contains "a note says one was not kept" \
		"listed 1 more mailbox than are kept" \
		"$(jf '[.notes[]?] | join("|")')"
}

main() {
	need_tools jq
	check_literal_counts
	check_largest_literal
	check_endless_line
	check_nesting
	check_many_mailboxes
	check_mailbox_limit
	finish
}

main "$@"
