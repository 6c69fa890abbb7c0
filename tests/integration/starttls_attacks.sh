#!/usr/bin/env bash
# starttls_attacks.sh - STARTTLS hidden, refused or attacked: no credential.
# The server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

readonly USER_NAME=alice
readonly PASSWORD='Scripted.Secret-77'

# run_starttls SCRIPT: the scripted server plays SCRIPT for imapconn
# --starttls with a user and a password; waits for the server to end.
run_starttls() {
	scripted_start "$1"
	IMAPCONN_PASSWORD=$PASSWORD run_check --starttls --timeout 5 \
		-u "$USER_NAME" --transcript "$WORK/run$((RUN_COUNT + 1)).tr" \
		"127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
}

# assert_sent WHAT LINES: the client's lines in the server's log, joined
# by a space (CR LF and the layer prefix kept).
assert_sent() {
	assert_eq "$1" "$2" "$(client_lines | paste -sd ' ')"
}

assert_clean() {
	assert_no_credentials_sent "$1" "$USER_NAME" "$PASSWORD"
	assert_no_secret "$1: no password in the outputs" "$USER_NAME" \
		"$PASSWORD" "$RUN_OUT" "$RUN_ERR" "$WORK/run$RUN_COUNT.tr"
	assert_json "$1: nothing listed" '.mailboxes | length' 0
}

check_not_advertised() {
	say "STARTTLS required, not in the greeting's capabilities"
	run_starttls 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
read-all 3000'
	assert_rc 82 starttls starttls
	assert_contains "the detail says it is not offered" \
		'does not offer STARTTLS' "$RUN_DETAIL"
	assert_sent "nothing sent at all" ''
	assert_clean "not in the greeting"

	say "STARTTLS required, not in the CAPABILITY reply"
	run_starttls 'sendln * OK ready
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN
sendln $TAG OK done
read-all 3000'
	assert_rc 82 starttls starttls
	assert_sent "nothing sent after CAPABILITY" 'plain: A1 CAPABILITY\r\n'
	assert_clean "not in CAPABILITY"
}

check_refused() {
	local answer
	for answer in NO BAD; do
		say "STARTTLS answered $answer"
		run_starttls "sendln * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready
expect-tag STARTTLS
sendln \$TAG $answer [UNAVAILABLE] TLS is out of order
read-all 3000"
		assert_rc 82 starttls starttls
		assert_contains "$answer: the detail has the server's text" \
			'TLS is out of order' "$RUN_DETAIL"
		assert_sent "$answer: nothing sent after STARTTLS" \
			'plain: A1 STARTTLS\r\n'
		assert_clean "STARTTLS $answer"
	done
}

check_injection() {
	say "bytes injected after the STARTTLS OK, in the same segment"
	run_starttls 'sendln * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
expect-tag STARTTLS
sendln $TAG OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected
read-all 3000'
	assert_rc 76 protocol starttls
	assert_contains "the detail says injection" 'injection' \
		"$RUN_DETAIL"
	assert_sent "nothing sent after STARTTLS, no TLS handshake" \
		'plain: A1 STARTTLS\r\n'
	assert_json "no TLS summary" '.tls | length' 0
	assert_clean "injection"
}

check_preauth() {
	say "PREAUTH on an unencrypted connection with --starttls"
	run_starttls 'sendln * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome back
read-all 3000'
	assert_rc 82 starttls starttls
	assert_contains "the detail names PREAUTH" PREAUTH \
		"$RUN_DETAIL"
	assert_sent "nothing sent at all" ''
	assert_clean "PREAUTH"
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	check_not_advertised
	check_refused
	check_injection
	check_preauth
	finish
}

main "$@"
