#!/usr/bin/env bash
# content.sh - hostile response content, shown safely and never trusted.
# NUL in a quoted string, mailbox names whose modified UTF-7 decodes to
# ESC, NUL or bidi controls, printf directives in server text, replies
# for unknown tags, EXISTS beyond 32 bits, EXPUNGE with nothing open.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-e4a019-content'
export IMAPCONN_PASSWORD=$PASSWORD

check_nul_quoted() {
	say "NUL inside a quoted mailbox name"
	list_then 'sendln * LIST () "/" "IN\0BOX"' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol list
	assert_contains "the detail names the NUL" NUL "$(jf .failure.detail)"
	assert_last_sent "nothing sent after LIST" '^plain: A1 LIST '
}

# Names as the server sends them: modified UTF-7 for ESC [2J, NUL and
# U+202E, a raw ESC (invalid), and a raw BEL in a literal (invalid).
NAMES=(
	'sendln * LIST () "/" "&ABs-[2J"'
	'sendln * LIST () "/" "a&AAA-b"'
	'sendln * LIST () "/" "x&IC4-gpj.exe"'
	'sendln * LIST () "/" "bad\x1b]52;c;aGk=\x07"'
	'send * LIST () "/" {6}\r\nb\x07e\x9bl\xc2\r\n'
	'sendln $TAG OK done'
)

check_utf7_names() {
	say "mailbox names that decode to ESC, NUL, U+202E; raw controls"
	list_then "${NAMES[@]}"
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 0 null
	assert_json "five mailboxes" '.mailboxes | length' 5
	# In tree order, by name: raw names pick each one out.
	assert_json "ESC decoded, escaped once, by JSON" \
		'.mailboxes[] | select(.raw == "&ABs-[2J")
		 | .name == "\u001b[2J"' true
	assert_json "... and the name is valid UTF-7" \
		'.mailboxes[] | select(.raw == "&ABs-[2J") | .name_valid' true
	assert_json "NUL decoded, escaped by JSON" \
		'.mailboxes[] | select(.raw == "a&AAA-b")
		 | .name == "a\u0000b"' true
	assert_json "... valid" \
		'.mailboxes[] | select(.raw == "a&AAA-b") | .name_valid' true
	assert_json "U+202E decoded, escaped by JSON" \
		'.mailboxes[] | select(.raw == "x&IC4-gpj.exe")
		 | .name == "x\u202egpj.exe"' true
	assert_json "a raw ESC: invalid, shown escaped" \
		'[.mailboxes[] | select(.raw | startswith("bad"))
		  | .name_valid, .name] | @json' \
		'[false,"bad\\e]52;c;aGk=\\x07"]'
	assert_json "a raw BEL and C1 in a literal: invalid" \
		'.mailboxes[] | select(.raw | startswith("b\u0007"))
		 | .name_valid' false
	assert_terminal_safe "JSON output is terminal-safe" "$RUN_OUT" \
		"$RUN_ERR"

	list_then "${NAMES[@]}"
	run_text --starttls=off --timeout 3 --transcript "$WORK/names.tr" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_eq "text run: exit status 0" 0 "$RUN_RC"
	assert_contains "text run: ESC shown as \\e" '\e[2J' \
		"$(cat "$RUN_OUT")"
	assert_contains "text run: invalid names are marked" \
		'invalid name encoding' "$(cat "$RUN_OUT")"
	assert_terminal_safe "text output and transcript are terminal-safe" \
		"$RUN_OUT" "$RUN_ERR" "$WORK/names.tr"
}

# Flags are atoms, and atoms may hold 8-bit bytes: an opened mailbox's
# FLAGS and PERMANENTFLAGS with C1 and bidi controls, a name with CR LF.
check_flag_escapes() {
	local evil='X\xe2\x80\xaeY \xc2\x9b31m \x9b'
	say "FLAGS and PERMANENTFLAGS with C1 and bidi controls"
	srv_start "sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
send * LIST () \"/\" {5}\\r\\na\\r\\nb\\r\\n
sendln * LIST (\\\\HasNoChildren $evil) \"/\" INBOX
sendln \$TAG OK done
expect-tag EXAMINE
sendln * FLAGS (\\\\Seen $evil)
sendln * OK [PERMANENTFLAGS (\\\\Seen $evil)] ok
sendln * 2 EXISTS
sendln \$TAG OK [READ-ONLY] done
$SRV_LOGOUT"
	run_text --starttls=off \
		--timeout 3 --select INBOX "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_eq "text run: exit status 0" 0 "$RUN_RC"
	assert_contains "the flags are shown, escaped" 'X\u202eY' \
		"$(grep 'flags' "$RUN_OUT" || true)"
	assert_contains "CR LF in a name is shown escaped" 'a\r\nb' \
		"$(cat "$RUN_OUT")"
	assert_terminal_safe "text output is terminal-safe" "$RUN_OUT" \
		"$RUN_ERR"
}

check_printf_text() {
	local fmt='%n%s%s%s%x%p%999999d'
	say "printf directives in server text"
	srv_start "sendln * OK [ALERT] $fmt greeting
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN $fmt
sendln \$TAG OK $fmt
expect-tag AUTHENTICATE
sendln \$TAG NO [AUTHENTICATIONFAILED] $fmt login
read-all 1000"
	run_json --starttls=off \
		--timeout 3 --allow-plaintext-auth -u "$USER_NAME" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 77 auth authenticate
	assert_contains "the login reply is shown literally" "$fmt login" \
		"$(jf .failure.detail)"
	assert_json "the greeting is shown literally" \
		'.phases[] | select(.phase == "greeting") | .detail' \
		"[ALERT] $fmt greeting"
	assert_json "the alert note is literal" \
		'[.notes[] | select(contains("%n%s%s%s%x%p%999999d greeting"))]
		| length' 1
	list_then "sendln * LIST () \"/\" \"$fmt\"" 'sendln $TAG OK done'
	run_text --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_eq "text run: exit status 0" 0 "$RUN_RC"
	assert_contains "a mailbox named $fmt is shown literally" "  $fmt" \
		"$(cat "$RUN_OUT")"
}

check_unknown_tags() {
	local tag
	for tag in Z99 A7 '*1' 'a1' 'A01'; do
		say "a completion for the unknown tag '$tag' during LIST"
		list_then 'sendln * LIST () "/" INBOX' "sendln $tag OK what" \
			'sendln $TAG OK done'
		run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
		srv_stop
		assert_sane 1000
		assert_class 76 protocol list
		assert_last_sent "tag $tag: nothing sent after LIST" \
			'^plain: A1 LIST '
	done
}

check_exists() {
	say "* 4294967296 EXISTS during LIST"
	list_then 'sendln * 4294967296 EXISTS' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol list

	say "* 4294967296 EXISTS in the EXAMINE reply"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK done
expect-tag EXAMINE
sendln * 4294967296 EXISTS
sendln $TAG OK [READ-ONLY] done
'"$SRV_LOGOUT"
	run_json --starttls=off \
		--timeout 3 --select INBOX "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol select
	assert_json "nothing was selected" '.selected' null

	say "* 4294967295 EXISTS (the largest) in the EXAMINE reply"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK done
expect-tag EXAMINE
sendln * 4294967295 EXISTS
sendln * 4294967295 RECENT
sendln $TAG OK [READ-ONLY] done
'"$SRV_LOGOUT"
	run_json --starttls=off \
		--timeout 3 --select INBOX "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 0 null
	assert_json "the count is kept exactly" '.selected.messages' 4294967295
}

check_expunge() {
	say "EXPUNGE with no mailbox selected"
	list_then 'sendln * 1 EXPUNGE' 'sendln * LIST () "/" INBOX' \
		'sendln * 4294967295 EXPUNGE' 'sendln $TAG OK done'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 0 null
	assert_json "the list is intact" '[.mailboxes[].name] | join(",")' \
		INBOX

	say "EXPUNGE in an empty mailbox being opened"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK done
expect-tag EXAMINE
sendln * 0 EXISTS
sendln * 1 EXPUNGE
sendln * 0 EXPUNGE
sendln $TAG OK [READ-ONLY] done
'"$SRV_LOGOUT"
	run_json --starttls=off \
		--timeout 3 --select INBOX "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_eq "exit status 0 or 76" yes "$(case $RUN_RC in 0 | 76)
		echo yes ;; *) echo "no ($RUN_RC)" ;; esac)"
	assert_json "the count never wraps below zero" \
		'(.selected.messages // 0) < 4294967295' true
}

# A backslash before a letter that an escape could start (\t): the
# JSON name is the server's name, escaped once, by JSON.
check_backslash_json() {
	say "a mailbox named C:\\temp"
	list_then 'sendln * LIST () "/" "C:\\\\temp"' \
		'sendln $TAG OK listed'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_class 0 null
	assert_json "the JSON name is C:\\temp, one backslash" \
		'.mailboxes[0].name == "C:\\temp"' true
	assert_json "... and so is raw" '.mailboxes[0].raw == "C:\\temp"' \
		true
}

main() {
	need_tools jq
	check_nul_quoted
	check_utf7_names
	check_backslash_json
	check_flag_escapes
	check_printf_text
	check_unknown_tags
	check_exists
	check_expunge
	finish
}

main "$@"
