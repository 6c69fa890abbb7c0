#!/usr/bin/env bash
# plaintext_rules.sh - no TLS on offer: the password leaves only if allowed.
# The server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

readonly USER_NAME=alice
readonly PASSWORD='Plaintext.Secret-31'

# The end of every script: the client's LOGOUT, and nothing else, is
# answered (anything else is a mismatch in the log and a status of 3).
readonly LOGOUT_TAIL='expect-tag LOGOUT
sendln * BYE bye
sendln $TAG OK bye
close'

# run_plain SCRIPT ARG...: the scripted server plays SCRIPT for imapconn
# -u alice ARG...; waits for the server to end.
run_plain() {
	local script=$1
	shift
	scripted_start "$script
$LOGOUT_TAIL"
	IMAPCONN_PASSWORD=$PASSWORD run_check --timeout 5 -u "$USER_NAME" \
		"$@" "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
}

assert_clean() {
	assert_eq "$1: the client said LOGOUT and nothing more" 0 \
		"$SCRIPTED_STATUS"
	assert_no_credentials_sent "$1" "$USER_NAME" "$PASSWORD"
	assert_no_secret "$1: no password in the outputs" "$USER_NAME" \
		"$PASSWORD" "$RUN_OUT" "$RUN_ERR"
}

# Greetings: LOGINDISABLED and no STARTTLS; AUTH=PLAIN and no STARTTLS.
readonly GREET_LD='sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready'
readonly GREET_PLAIN='sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready'

# The note that says the connection stayed unencrypted.
unencrypted_note='[.notes[] | select(test("UNENCRYPTED"))] | length'

check_logindisabled() {
	local how
	for how in greeting CAPABILITY; do
		say "LOGINDISABLED ($how), no STARTTLS, --allow-plaintext-auth"
		if [ "$how" = greeting ]; then
			run_plain "$GREET_LD" --starttls=off --allow-plaintext-auth
		else
			run_plain 'sendln * OK ready
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 LOGINDISABLED
sendln $TAG OK done' --starttls=off --allow-plaintext-auth
		fi
		assert_rc 77 auth authenticate
		assert_contains "$how: the detail names LOGINDISABLED" \
			LOGINDISABLED "$RUN_DETAIL"
		assert_contains "$how: the detail says nothing was sent" \
			'no credentials were sent' "$RUN_DETAIL"
		assert_clean "LOGINDISABLED in $how"
	done

	say "LOGINDISABLED, --starttls=opportunistic --allow-plaintext-auth"
	run_plain "$GREET_LD" --starttls=opportunistic \
		--allow-plaintext-auth
	assert_rc 77 auth authenticate
	assert_json "a note says the connection stays unencrypted" \
		"$unencrypted_note" 1
	assert_clean "LOGINDISABLED, opportunistic"
}

check_opportunistic() {
	say "--starttls=opportunistic, no STARTTLS on offer, no user"
	scripted_start "$GREET_PLAIN
$LOGOUT_TAIL"
	run_check --timeout 5 --starttls=opportunistic \
		"127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 0 null
	assert_jsons \
		"the starttls phase is skipped" \
		'.phases[] | select(.phase == "starttls") | .result' skipped \
		"a note says the connection stays unencrypted" \
		"$unencrypted_note" 1 \
		"no TLS summary" '.tls | length' 0
	assert_match "the client only said LOGOUT" \
		'^plain: [^ ]+ LOGOUT\\r\\n$' "$(client_lines)"

	say "--starttls=opportunistic, no STARTTLS on offer, a user"
	run_plain "$GREET_PLAIN" --starttls=opportunistic
	assert_rc 77 auth authenticate
	assert_contains "the detail says why" \
		'not sending the password over an unencrypted connection' \
		"$RUN_DETAIL"
	assert_jsons \
		"the starttls phase is skipped" \
		'.phases[] | select(.phase == "starttls") | .result' skipped \
		"a note says the connection stays unencrypted" \
		"$unencrypted_note" 1
	assert_clean "opportunistic"

	say "--starttls=opportunistic, no STARTTLS on offer," \
		"--allow-plaintext-auth: the login goes in clear, as asked"
	run_plain 'sendln * OK [CAPABILITY IMAP4rev1] ready
expect-tag LOGIN
sendln $TAG OK logged in
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK listed' --starttls=opportunistic --allow-plaintext-auth
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 "$SCRIPTED_STATUS"
	assert_jsons \
		"a note says the connection stays unencrypted" \
		"$unencrypted_note" 1 \
		"the list came" '[.mailboxes[].name] | join(" ")' INBOX
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	check_logindisabled
	check_opportunistic
	finish
}

main "$@"
