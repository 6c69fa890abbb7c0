#!/usr/bin/env bash
# imap_session.sh - login, list and EXAMINE on the test Dovecot, both TLS ways.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# check_alice_list HOW: the last run listed exactly alice's folders and
# examined INBOX.
check_alice_list() {
	local how=$1
	assert_eq "$how: the mailbox names are exactly alice's folders" \
		"$(alice_folders)" \
		"$(jf '.mailboxes[].name' | LC_ALL=C sort | paste -sd '|')"
	assert_jsons \
		"$how: no mailbox listed twice" \
		'.mailboxes | length == (map(.name) | unique | length)' true \
		"$how: every name decodes" \
		'[.mailboxes[] | select(.name_valid != true)] | length' 0 \
		"$how: the delimiter is /" \
		'[.mailboxes[].delimiter] | unique | join(" ")' / \
		"$how: modified UTF-7 on the wire" \
		'[.mailboxes[] | select(.name == "Entwürfe" or .name == "日本語"
		  or .name == "Café & Co") | .raw] | sort | join("|")' \
		'&ZeVnLIqe-|Caf&AOk- &- Co|Entw&APw-rfe' \
		"$how: special-use folders" \
		'[.mailboxes[] | select(.special_use != null and .name != "INBOX")
		  | .name + "=" + .special_use] | sort | join(" ")' \
		'Archive=Archive Drafts=Drafts Junk=Junk Sent=Sent Trash=Trash' \
		"$how: no special use on the other folders" \
		'[.mailboxes[] | select(.special_use == null) | .name] | sort
		 | join("|")' \
		'Café & Co|Entwürfe|Projects|Projects/2026|Projects/2026/Q4|日本語' \
		"$how: Projects has children" \
		'.mailboxes[] | select(.name == "Projects") | .flags
		 | index("\\HasChildren") != null' true \
		"$how: selected INBOX" '.selected.name' INBOX \
		"$how: INBOX has 3 messages" '.selected.messages' 3 \
		"$how: the list has INBOX's counts" \
		'.mailboxes[] | select(.name == "INBOX")
		 | [.messages, .unseen] | map(tostring) | join(" ")' '3 3' \
		"$how: and Projects/2026/Q4's" \
		'.mailboxes[] | select(.name == "Projects/2026/Q4")
		 | [.messages, .unseen] | map(tostring) | join(" ")' '1 1' \
		"$how: every mailbox has counts" \
		'[.mailboxes[] | select(.messages == null)] | length' 0 \
		"$how: --select is read-only (EXAMINE)" '.selected.read_only' true \
		"$how: the select phase succeeded" \
		'.phases[] | select(.phase == "select") | .result' ok
}

check_implicit_tls() {
	say "alice over implicit TLS, --select INBOX"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --select INBOX "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_jsons \
		"phases in order" '[.phases[].phase] | join(" ")' \
		'resolve connect tls greeting capability authenticate list select logout' \
		"no phase failed" \
		'[.phases[] | select(.result == "failed")] | length' 0 \
		"logged in as alice" \
		'.phases[] | select(.phase == "authenticate") | .detail
		 | startswith("as alice")' true
	check_alice_list "implicit TLS"
}

check_starttls() {
	local phases='resolve connect greeting capability starttls'
	phases+=' capability-tls authenticate list select logout'
	say "alice over STARTTLS, --select INBOX"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls \
		--ca-file "$CA_FILE" -u "$TEST_USER" --select INBOX \
		"localhost:$IMAP_PORT"
	assert_rc 0 null
	assert_jsons \
		"phases in order" '[.phases[].phase] | join(" ")' \
		"$phases" \
		"STARTTLS succeeded" \
		'.phases[] | select(.phase == "starttls") | .result' ok \
		"TLS came from STARTTLS and is verified" \
		'.tls | map(.phase + " " + (.verified | tostring)) | join(",")' \
		'starttls true' \
		"capabilities before and after TLS" \
		'[.capabilities[].when] | join(" ")' 'before-tls tls after-login' \
		"STARTTLS offered before TLS" \
		'.capabilities[0].list | split(" ") | index("STARTTLS") != null' \
		true
	check_alice_list "STARTTLS"
}

check_select_encoded() {
	say "--select with a nested and a non-ASCII name"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --select Projects/2026/Q4 "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "Projects/2026/Q4 has 1 message" \
		'[.selected.name, .selected.messages] | join(" ")' \
		'Projects/2026/Q4 1'
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --select 'Entwürfe' "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "Entwürfe opens (sent in modified UTF-7), empty" \
		'[.selected.name, .selected.messages] | join(" ")' 'Entwürfe 0'
}

check_ssl_and_starttls() {
	local tr=$WORK/both.transcript
	say "--ssl --starttls together"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --starttls \
		--ca-file "$CA_FILE" -u "$TEST_USER" --transcript "$tr" \
		"localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_jsons \
		"the starttls phase is skipped" \
		'.phases[] | select(.phase == "starttls") | .result' skipped \
		"a note says STARTTLS was skipped" \
		'[.notes[] | select(test("STARTTLS skipped"))] | length' 1 \
		"one TLS, the implicit one" '[.tls[].phase] | join(" ")' tls \
		"the list still came" '.mailboxes | length' 12
	if grep -q ' C: [^ ]* STARTTLS' "$tr"; then
		fail "no STARTTLS command sent" "none" \
			"$(grep ' C: ' "$tr" | head -n 3)"
	else
		pass "no STARTTLS command sent"
	fi
}

check_password_sources() {
	local file=$WORK/password
	say "the password from --password-file and --password-command"
	(umask 077 && printf '%s\n' "$TEST_PASSWORD" >"$file")
	run_check --ssl --ca-file "$CA_FILE" -u "$TEST_USER" \
		--password-file "$file" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "--password-file: logged in and listed" \
		'.mailboxes | length' 12
	run_check --ssl --ca-file "$CA_FILE" -u "$TEST_USER" \
		--password-command "cat $file" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "--password-command: logged in and listed" \
		'.mailboxes | length' 12
}

# Last: after a failed login Dovecot delays the next ones from the same
# address; the STARTTLS case goes over ::1 where there is one.
check_wrong_password() {
	local mode mark host=127.0.0.1
	[ "$HAVE_IPV6" = 1 ] && host='[::1]'
	for mode in implicit STARTTLS; do
		say "wrong password over $mode"
		mark=$(dovecot_log_mark)
		if [ "$mode" = implicit ]; then
			IMAPCONN_PASSWORD=not-the-password run_check --ssl \
				--ca-file "$CA_FILE" -u "$TEST_USER" \
				"127.0.0.1:$IMAPS_PORT"
		else
			IMAPCONN_PASSWORD=not-the-password run_check --starttls \
				--ca-file "$CA_FILE" -u "$TEST_USER" \
				"$host:$IMAP_PORT"
		fi
		assert_rc 77 auth authenticate
		assert_contains "$mode: the server's text in the detail" \
			'[AUTHENTICATIONFAILED] Authentication failed.' \
			"$RUN_DETAIL"
		assert_jsons \
			"$mode: no mailboxes" '.mailboxes | length' 0 \
			"$mode: nothing selected" '.selected' null
		assert_match "$mode: one attempt, no retry" \
			'auth failed, 1 attempts' "$(dovecot_log_since "$mark")"
	done
}

# The text output shows the counts too, whichever way TLS came: the
# LIST goes out before the login reply tells of LIST-STATUS, so the
# counts come in one more round trip, never one per mailbox.
check_text_counts() {
	local out=$WORK/counts.txt tr=$WORK/counts.tr how port lists
	local -a tls
	lists='LIST "" "*"|LIST "" "*" RETURN (STATUS (MESSAGES UNSEEN))'
	for how in implicit starttls; do
		if [ "$how" = implicit ]; then
			tls=(--ssl) port=$IMAPS_PORT
		else
			tls=(--starttls) port=$IMAP_PORT
		fi
		say "$how TLS: --check shows message and unseen counts"
		IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" \
			--check "${tls[@]}" --ca-file "$CA_FILE" \
			-u "$TEST_USER" --transcript "$tr" "localhost:$port" \
			>"$out" 2>&1 </dev/null || true
		assert_match "$how: INBOX with its counts" \
			'^  INBOX +3 messages +3 unseen' "$(cat "$out")"
		assert_match "$how: Projects/2026/Q4 with its counts" \
			'^  Projects/2026/Q4 +1 messages +1 unseen' \
			"$(cat "$out")"
		assert_eq "$how: two LIST commands, no STATUS command" \
			"$lists" "$(grep -E ' C: [A-Z0-9]+ (LIST|STATUS) ' \
				"$tr" | sed 's/.* C: [A-Z]*[0-9]* //' |
				paste -sd '|')"
		rm -f "$tr"
	done
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start
	check_implicit_tls
	check_starttls
	check_select_encoded
	check_ssl_and_starttls
	check_password_sources
	check_wrong_password
	check_text_counts
	finish
}

main "$@"
