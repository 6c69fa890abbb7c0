#!/usr/bin/env bash
# mailbox_order.sh - --check prints the mailboxes in the interface's
# tree order (INBOX first, parents before children, siblings by name,
# case-insensitively) whatever order the server lists them in: the test
# Dovecot in text and JSON, and scripted servers for Courier's shuffled
# LIST and Cyrus' "Other Users" parent that is never listed.
# The server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The names of the text output's mailbox lines (the first column), |
# joined: the lines after "mailboxes" up to the next unindented line.
text_names() {
	awk '/^mailboxes$/ { on = 1; next } /^[^ ]/ { on = 0 }
	     on { sub(/^  /, ""); sub(/  +[ 0-9]*(messages|\[|\().*$/, "");
		  sub(/ +$/, ""); print }' "$1" | paste -sd '|'
}

# scripted_text SCRIPT FILE: one --check text run against the scripted
# server playing SCRIPT, its output in FILE.
scripted_text() {
	scripted_start "$1"
	timeout -k 5 30 "$IMAPCONN" --check --timeout 5 --starttls=off \
		"127.0.0.1:$SCRIPTED_PORT" >"$2" 2>&1 </dev/null || true
	scripted_wait
}

# The tree order of alice's folders on the test Dovecot.
ALICE_TREE='INBOX|Archive|Café & Co|Drafts|Entwürfe|Junk|Projects'
ALICE_TREE+='|Projects/2026|Projects/2026/Q4|Sent|Trash|日本語'

check_dovecot() {
	local txt=$WORK/dovecot.txt
	say "the test Dovecot: text and JSON in tree order"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_eq "JSON: mailboxes in tree order" "$ALICE_TREE" \
		"$(jf '.mailboxes[].name' | paste -sd '|')"
	IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" --check \
		--ssl --ca-file "$CA_FILE" -u "$TEST_USER" \
		"localhost:$IMAPS_PORT" >"$txt" 2>&1 </dev/null || true
	assert_eq "text: mailboxes in tree order" "$ALICE_TREE" \
		"$(text_names "$txt")"
}

# list_script LINE...: a server that pre-authenticates, answers LIST
# with LINE... (LIST replies, without "sendln * LIST "), then LOGOUT.
list_script() {
	printf '%s\n' 'sendln * PREAUTH [CAPABILITY IMAP4rev1] ready' \
		'expect-tag LIST'
	printf 'sendln * LIST %s\n' "$@"
	printf '%s\n' 'sendln $TAG OK LIST completed' 'expect-tag LOGOUT' \
		'sendln * BYE bye' 'sendln $TAG OK bye' close
}

# Courier: INBOX.Name with ".", children before parents, INBOX late.
COURIER=$(list_script '(\\HasNoChildren) "." "INBOX.Work.b"' \
	'(\\HasNoChildren) "." "INBOX.sent"' \
	'(\\HasChildren) "." "INBOX.Work"' \
	'(\\HasNoChildren) "." "INBOX.Work.A"' \
	'(\\HasChildren) "." "INBOX"' \
	'(\\HasNoChildren) "." "INBOX.Drafts"')
COURIER_TREE='INBOX|INBOX.Drafts|INBOX.sent|INBOX.Work|INBOX.Work.A'
COURIER_TREE+='|INBOX.Work.b'

# Cyrus: other users' folders under "Other Users", which is not listed.
CYRUS=$(list_script '(\\HasNoChildren) "." "Other Users.bob.Sent"' \
	'(\\HasNoChildren) "." "Archive"' \
	'(\\HasChildren) "." "Other Users.bob"' \
	'(\\HasNoChildren) "." "INBOX"')

check_scripted() {
	local txt BOB='Other Users.bob'
	say "Courier's shuffled LIST: text and JSON in tree order"
	scripted_start "$COURIER"
	run_check --timeout 5 --starttls=off "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait
	assert_rc 0 null
	assert_eq "JSON: tree order" "$COURIER_TREE" \
		"$(jf '.mailboxes[].name' | paste -sd '|')"
	txt=$WORK/courier.txt
	scripted_text "$COURIER" "$txt"
	assert_eq "text: tree order" "$COURIER_TREE" "$(text_names "$txt")"

	say "Cyrus' unlisted Other Users: shown before its children"
	txt=$WORK/cyrus.txt
	scripted_text "$CYRUS" "$txt"
	assert_eq "text: the made-up parents in place" \
		"INBOX|Archive|Other Users|$BOB|$BOB.Sent" \
		"$(text_names "$txt")"
	assert_line_is "text: Other Users is marked as not listed" \
		'^  Other Users +\(not listed\)$' "$txt"
	scripted_start "$CYRUS"
	run_check --timeout 5 --starttls=off "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait
	assert_eq "JSON: only listed mailboxes, in tree order" \
		"INBOX|Archive|$BOB|$BOB.Sent" \
		"$(jf '.mailboxes[].name' | paste -sd '|')"
}

# assert_line_is WHAT ERE FILE: a line of FILE matches ERE.
assert_line_is() {
	if grep -qE -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "a line matching /$2/" "$(head -c 3000 "$3")"
	fi
}

need_jq
need_imapconn
need_scripted_server
check_scripted
need_dovecot
dovecot_start
check_dovecot
finish
