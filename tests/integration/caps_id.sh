#!/usr/bin/env bash
# caps_id.sh - the capabilities before and after TLS side by side, and
# the server's answer to ID: against the test Dovecot (STARTTLS, implicit
# TLS, no user) in text, JSON, report and transcript; against scripted
# servers for what Dovecot never does (hostile, refused, malformed or
# late answers, a login that cannot be pipelined).
# The server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# run_text ARG...: imapconn --check (text) ARG...; RUN_TXT is its output
# (stdout and stderr), TEXT_RC its exit status.
TEXT_COUNT=0
run_text() {
	TEXT_COUNT=$((TEXT_COUNT + 1))
	RUN_TXT=$WORK/text$TEXT_COUNT.out
	TEXT_RC=0
	timeout -k 5 60 "$IMAPCONN" --check "$@" >"$RUN_TXT" 2>&1 \
		</dev/null || TEXT_RC=$?
}

# assert_line WHAT ERE FILE: a line of FILE matches ERE.
assert_line() {
	if grep -qE -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "a line matching /$2/" "$(head -c 3000 "$3")"
	fi
}

# assert_safe WHAT FILE...: no raw ESC, BEL or other C0 control (but
# TAB and LF), DEL, C1 or bidirectional control, and valid UTF-8.
assert_safe() {
	local what=$1 file bad='' hits
	local c0='[\x00-\x08\x0b-\x1f\x7f]' c1='\xc2[\x80-\x9f]'
	local bidi='\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]'
	shift
	for file in "$@"; do
		hits=$(LC_ALL=C grep -caP "$c0|$c1|$bidi" "$file" || true)
		[ "$hits" = 0 ] || bad+="${file##*/}: $hits unsafe line(s) "
		iconv -f UTF-8 -t UTF-8 "$file" >/dev/null 2>&1 ||
			bad+="${file##*/}: invalid UTF-8 "
	done
	if [ -z "$bad" ]; then
		pass "$what"
	else
		fail "$what" "terminal-safe files" "$bad"
	fi
}

# caps_in FILE WHICH: the capability names the transcript FILE shows the
# server sending, as it spelt them, one a line: WHICH "greeting" (the first
# line's [CAPABILITY ...]) or "data" (the first * CAPABILITY line).
caps_in() {
	local line
	if [ "$2" = greeting ]; then
		line=$(grep -m1 ' S: \* OK \[CAPABILITY ' "$1" |
			sed 's/.*\[CAPABILITY \([^]]*\)\].*/\1/')
	else
		line=$(grep -m1 ' S: \* CAPABILITY ' "$1" |
			sed 's/.* S: \* CAPABILITY //')
	fi
	tr ' ' '\n' <<<"$line" | grep -v '^$'
}

# --------------------------------------------------------------- Dovecot

check_starttls_text() {
	local tr=$WORK/starttls.tr before after name re
	local -a auth
	say "STARTTLS: the text output sets the lists side by side"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_text --starttls \
		--ca-file "$CA_FILE" -u "$TEST_USER" --transcript "$tr" \
		"localhost:$IMAP_PORT"
	assert_eq "STARTTLS text run: exit status 0" 0 "$TEXT_RC"
	assert_line "a table headed before TLS | after TLS" \
		'^    before TLS +\| after TLS ' "$RUN_TXT"
	assert_line "STARTTLS is marked gone after TLS" \
		'^  - STARTTLS +\|$' "$RUN_TXT"
	before=$(caps_in "$tr" greeting)
	after=$(caps_in "$tr" data)
	assert_contains "Dovecot offered STARTTLS before TLS" STARTTLS \
		"$before"
	assert_not_contains "and not after TLS" STARTTLS "$after"
	# Every AUTH= name in the column(s) Dovecot sent it in.
	mapfile -t auth < <(grep '^AUTH=' <<<"$before"$'\n'"$after" | sort -u)
	for name in "${auth[@]}"; do
		if grep -qx "$name" <<<"$before" &&
			grep -qx "$name" <<<"$after"; then
			re="^    $name +\\| $name\$"
		elif grep -qx "$name" <<<"$before"; then
			re="^  - $name +\\|$"
		else
			re="^  \\+ +\\| $name\$"
		fi
		assert_line "$name where Dovecot sent it" "$re" "$RUN_TXT"
	done
	assert_match "Dovecot sends some AUTH= before or after TLS" \
		'^AUTH=' "$before"$'\n'"$after"
	assert_line "what came with the login" \
		'^  after login, added: +SORT ' "$RUN_TXT"
	assert_line "what went with the login" \
		'^  after login, removed: .*AUTH=PLAIN' "$RUN_TXT"
	assert_line "the server ID section" '^server ID$' "$RUN_TXT"
	assert_line "the server's name" '^  name +Dovecot$' "$RUN_TXT"
	assert_not_contains "no one-list note with both lists" \
		"no plain-text capabilities" "$(cat "$RUN_TXT")"

	say "STARTTLS: the transcript shows ID and its answer"
	assert_line "ID NIL went out" ' C: [A-Z]+[0-9]+ ID NIL$' "$tr"
	assert_line "the server's * ID line" ' S: \* ID \("name" "Dovecot"' \
		"$tr"
	assert_line "the tagged OK to ID" ' S: [A-Z]+[0-9]+ OK ID ' "$tr"
	# ID rides with the login: right after ID NIL comes CAPABILITY,
	# with no server line between them.
	assert_eq "ID NIL goes out just before CAPABILITY and the login" \
		"ID NIL|CAPABILITY|LOGIN" \
		"$(grep -A2 ' C: [A-Z]*[0-9]* ID NIL$' "$tr" |
			sed 's/.* [CS]: [A-Z]*[0-9]* //; s/ .*//' |
			sed 's/^ID$/ID NIL/' | paste -sd '|')"
	assert_no_secret "no password in the text or transcript" \
		"$TEST_USER" "$TEST_PASSWORD" "$RUN_TXT" "$tr"
}

check_starttls_json() {
	say "STARTTLS: JSON compares the lists and names the server"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls \
		--ca-file "$CA_FILE" -u "$TEST_USER" "localhost:$IMAP_PORT"
	assert_rc 0 null
	assert_jsons \
		"server_id.name is Dovecot" '.server_id.name' Dovecot \
		"the reply to ID was answered" '.server_id_reply.result' \
		answered \
		"nothing left out of it" '.server_id_reply.left_out' 0 \
		"STARTTLS: before, not after, removed" \
		'.capabilities_compared[] | select(.name == "STARTTLS")
		 | [.before_tls, .after_tls, .change] | map(tostring)
		 | join(" ")' 'true false removed' \
		"IMAP4rev1 the same, spelt as Dovecot sends it" \
		'.capabilities_compared[] | select(.name == "IMAP4rev1")
		 | .change' same \
		"the lists keep Dovecot's spelling" \
		'[.capabilities[].list | split(" ") | index("IMAP4rev1")
		  != null] | all' true \
		"no warning for Dovecot" \
		'[.capabilities_compared[] | select(.warning != null)]
		 | length' 0 \
		"the rows agree with the lists" \
		'([.capabilities_compared[] | select(.before_tls)] | length)
		 == (.capabilities[0].list | split(" ") | unique | length)' \
		true \
		"SPECIAL-USE came with the login" \
		'.capabilities_compared[] | select(.name == "SPECIAL-USE")
		 | [.after_tls, .after_login, .after_login_change]
		 | map(tostring) | join(" ")' 'false true added' \
		"no note: both lists are there" '.capabilities_note' null \
		"the old capabilities key is unchanged" \
		'[.capabilities[].when] | join(" ")' \
		'before-tls tls after-login'
}

check_implicit() {
	local r=$WORK/implicit.report
	say "implicit TLS: one list, and it says why"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_text --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --report "$r" "localhost:$IMAPS_PORT"
	assert_eq "implicit text run: exit status 0" 0 "$TEXT_RC"
	assert_line "the one-list note" \
		'^  \(implicit TLS: no plain-text capabilities\)$' "$RUN_TXT"
	assert_not_contains "no empty before-TLS column" "before TLS" \
		"$(cat "$RUN_TXT")"
	assert_line "the list itself, spelt as Dovecot sends it" \
		'^    IMAP4rev1 .*AUTH=' "$RUN_TXT"
	assert_line "the report says it too" \
		'^\(implicit TLS: no plain-text capabilities\)$' "$r"
	assert_line "the report's Server ID section" \
		'^Server ID \(RFC 2971\)$' "$r"
	assert_line "the report names the server" '^name +Dovecot$' "$r"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_jsons \
		"the JSON note" '.capabilities_note' \
		'implicit TLS: no plain-text capabilities' \
		"before_tls is unknown, not false" \
		'[.capabilities_compared[].before_tls] | unique | map(tostring)
		 | join(" ")' null \
		"no TLS change to speak of" \
		'[.capabilities_compared[].change] | unique | map(tostring)
		 | join(" ")' null \
		"server_id.name is Dovecot" '.server_id.name' Dovecot
}

# No user: ID goes with LOGOUT (implicit TLS) or with the CAPABILITY
# after STARTTLS, never on its own.
check_no_user() {
	local tr=$WORK/nouser.tr
	say "no user, implicit TLS: ID rides with LOGOUT"
	run_check --ssl --ca-file "$CA_FILE" --transcript "$tr" \
		"localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "server_id.name is Dovecot" '.server_id.name' Dovecot
	assert_eq "the client sent ID NIL, then LOGOUT" "ID NIL|LOGOUT" \
		"$(grep ' C: ' "$tr" | sed 's/.* C: [A-Z]*[0-9]* //' |
			paste -sd '|')"
	say "no user, STARTTLS: ID rides with CAPABILITY"
	run_check --starttls --ca-file "$CA_FILE" --transcript "$tr" \
		"localhost:$IMAP_PORT"
	assert_rc 0 null
	assert_json "server_id.name is Dovecot" '.server_id.name' Dovecot
	assert_eq "STARTTLS, ID NIL with CAPABILITY, LOGOUT" \
		"STARTTLS|ID NIL|CAPABILITY|LOGOUT" \
		"$(grep ' C: ' "$tr" | sed 's/.* C: [A-Z]*[0-9]* //' |
			paste -sd '|')"
}

# ------------------------------------------------------- scripted servers

readonly S_PASSWORD='Caps.Secret-55'

# run_scripted SCRIPT ARG...: the scripted server plays SCRIPT for one
# --check --json run over plain text, a login allowed by name.
run_scripted() {
	local script=$1
	shift
	scripted_start "$script"
	IMAPCONN_PASSWORD=$S_PASSWORD run_check --starttls=off --allow-plaintext-auth \
		--timeout 5 -u alice "$@" "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
}

# run_scripted_text SCRIPT: the same for one --check text run (RUN_TXT,
# TEXT_RC).
run_scripted_text() {
	scripted_start "$1"
	IMAPCONN_PASSWORD=$S_PASSWORD run_text --starttls=off --allow-plaintext-auth \
		--timeout 5 -u alice "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
}

# The greeting of these scripted servers, ID offered (the rest of the
# login batch: LOGIN_LIST_LOGOUT).
readonly GREET_ID='sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR ID] hi'

check_hostile_id() {
	local tr=$WORK/hostile.tr r=$WORK/hostile.report script answer
	# Escapes that set a title and clear the screen, a bidi override,
	# a C1 CSI in UTF-8 and as a raw byte.
	answer='* ID ("name" "Evil\x1b]0;owned\x07\x1b[2J" "version"'
	answer+=' "1\xe2\x80\xae2" "os" "\xc2\x9b31m\x9b")'
	script="$GREET_ID
expect-tag ID NIL
sendln $answer
sendln \$TAG OK ID done
$LOGIN_LIST_LOGOUT"
	say "a hostile answer to ID: escaped everywhere"
	scripted_start "$script"
	IMAPCONN_PASSWORD=$S_PASSWORD run_text --starttls=off --allow-plaintext-auth \
		--timeout 5 -u alice --transcript "$tr" --report "$r" \
		"127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_eq "text run: exit status 0" 0 "$TEXT_RC"
	assert_eq "the scripted server played its script" 0 \
		"$SCRIPTED_STATUS"
	assert_line "the name, escaped" \
		'^  name +Evil\\e\]0;owned\\x07\\e\[2J$' "$RUN_TXT"
	assert_line "the bidi override, escaped" '^  version +1\\u202e2$' \
		"$RUN_TXT"
	assert_safe "text, transcript and report are terminal-safe" \
		"$RUN_TXT" "$tr" "$r"
	assert_line "the report shows the escaped name" \
		'^name +Evil\\e\]0;owned\\x07\\e\[2J$' "$r"

	scripted_start "$script"
	IMAPCONN_PASSWORD=$S_PASSWORD run_check --starttls=off --allow-plaintext-auth \
		--timeout 5 -u alice "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 0 null
	assert_safe "the JSON is terminal-safe" "$RUN_OUT"
	assert_jsons \
		"JSON: the name as shown, escaped" '.server_id.name' \
		'Evil\e]0;owned\x07\e[2J' \
		"JSON: three pairs" '.server_id | keys | length' 3
}

check_refused_id() {
	say "BAD to ID: noted, the login goes on"
	run_scripted "$GREET_ID
expect-tag ID NIL
sendln \$TAG BAD Unknown command ID
$LOGIN_LIST_LOGOUT"
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 \
		"$SCRIPTED_STATUS"
	assert_jsons \
		"no server_id" '.server_id' null \
		"the reply was refused" '.server_id_reply.result' refused \
		"with the server's words" '.server_id_reply.detail' \
		'BAD: Unknown command ID' \
		"a note says so" '[.notes[] | select(test("refused ID"))]
		 | length' 1 \
		"still logged in and listed" '.mailboxes | length' 1

	say "a malformed answer to ID: noted, ignored"
	run_scripted "$GREET_ID
expect-tag ID NIL
sendln * ID \"just a string\"
sendln \$TAG OK whatever
$LOGIN_LIST_LOGOUT"
	assert_rc 0 null
	assert_jsons \
		"no server_id" '.server_id' null \
		"malformed" '.server_id_reply.result' malformed

	say "a thousand pairs, one key: one kept, the rest counted"
	run_scripted "$GREET_ID
expect-tag ID NIL
send * ID (
repeat 1000 \"k\" \"v\"\\x20
sendln )
sendln \$TAG OK
$LOGIN_LIST_LOGOUT"
	assert_rc 0 null
	assert_jsons \
		"one pair kept" '.server_id | keys | join(" ")' k \
		"999 left out" '.server_id_reply.left_out' 999
}

# ID offered only after login: LOGOUT carries it.
check_late_id() {
	say "ID offered only after login: it goes with LOGOUT"
	run_scripted 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi
expect-tag LOGIN
sendln $TAG OK [CAPABILITY IMAP4rev1 ID MOVE] logged in
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK listed
expect-tag ID NIL
sendln * ID ("name" "Late")
sendln $TAG OK
expect-tag LOGOUT
sendln * BYE bye
sendln $TAG OK bye
close'
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 \
		"$SCRIPTED_STATUS"
	assert_json "server_id.name is Late" '.server_id.name' Late
}

# AUTHENTICATE without SASL-IR waits for "+": the batch is sent one
# command at a time, so ID stays out of it (its reply would be taken
# for the "+") and goes with LOGOUT.
check_unpipelined_login() {
	say "AUTHENTICATE waiting for +: ID waits for LOGOUT"
	run_scripted 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN ID] hi
expect-tag AUTHENTICATE PLAIN
sendln +
readline
sendln $TAG OK logged in
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK listed
expect-tag ID NIL
sendln * ID ("name" "NoIR")
sendln $TAG OK
expect-tag LOGOUT
sendln * BYE bye
sendln $TAG OK bye
close' --auth plain
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 \
		"$SCRIPTED_STATUS"
	assert_json "server_id.name is NoIR" '.server_id.name' NoIR
}

check_send_name() {
	say "--id-send-name: our name and version instead of NIL"
	run_scripted "$GREET_ID
expect-tag ID (\"name\" \"imapconn\" \"version\" \"
sendln * ID NIL
sendln \$TAG OK
$LOGIN_LIST_LOGOUT" --id-send-name
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 \
		"$SCRIPTED_STATUS"
	assert_jsons \
		"ID NIL: no server_id" '.server_id' null \
		"the reply was nil" '.server_id_reply.result' nil
}

check_not_offered() {
	local greet='sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi'
	say "no ID capability: nothing sent, and the text says so"
	run_scripted_text "$greet
$LOGIN_LIST_LOGOUT"
	assert_eq "text run: exit status 0" 0 "$TEXT_RC"
	assert_eq "the scripted server played its script" 0 \
		"$SCRIPTED_STATUS"
	assert_line "not offered" \
		'^server ID: not offered \(no ID capability\)$' "$RUN_TXT"
	assert_line "plain text only" \
		'^  \(no TLS: capabilities seen in plain text only\)$' \
		"$RUN_TXT"
}

# Names are shown as the server spelt them and compared without regard
# to case: lower-case logindisabled still rules LOGIN out, auth=plain
# and Sasl-IR still make the login AUTHENTICATE PLAIN with an initial
# response.
check_spelling() {
	local names='IMAP4rev1 logindisabled auth=plain Sasl-IR RIGHTS=kxten'
	local greet="sendln * OK [CAPABILITY $names] hi"
	say "capability names keep the server's spelling"
	local script
	script="$greet
expect-tag AUTHENTICATE PLAIN AGFsaWNl
$(tail -n +2 <<<"$LOGIN_LIST_LOGOUT")"
	run_scripted_text "$script"
	assert_eq "text run: exit status 0" 0 "$TEXT_RC"
	assert_eq "no LOGIN; AUTHENTICATE PLAIN with its response" 0 \
		"$SCRIPTED_STATUS"
	assert_line "the text shows the names as sent" "^    $names\$" \
		"$RUN_TXT"
	run_scripted "$script"
	assert_rc 0 null
	assert_jsons \
		"the JSON list as sent" '.capabilities[0].list' "$names" \
		"the compared rows as sent" \
		'[.capabilities_compared[].name] | join(" ")' "$names"
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	need_dovecot
	check_hostile_id
	check_refused_id
	check_late_id
	check_unpipelined_login
	check_send_name
	check_not_offered
	check_spelling
	dovecot_start
	check_starttls_text
	check_starttls_json
	check_implicit
	check_no_user
	finish
}

main "$@"
