#!/usr/bin/env bash
# timeouts.sh - hints for a timeout in each phase: which phase, how long
# the phases before it took, and a timeout that would have been enough
# for a server that is only slow.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

SLOW_GREETING='sleep 1500
sendln * OK [CAPABILITY IMAP4rev1] slow but here
read-all 1000'

check_slow_greeting() {
	say "a greeting after 1.5 s with --timeout 1"
	scripted_start "$SLOW_GREETING"
	run_check --timeout 1 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 75 timeout greeting
	assert_hint timeout greeting 'no answer within 1 s for the greeting' \
		'(after resolve ' ' ms, connect ' \
		'if the server is only slow, try --timeout 3'

	say "the timeout it suggests is enough for the same server"
	scripted_start "$SLOW_GREETING"
	run_check --starttls=off --timeout 3 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 0 null
}

check_slow_after_tls() {
	say "implicit TLS, then a greeting after 1.5 s, --timeout 1"
	scripted_start "tls
$SLOW_GREETING" --cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key"
	run_check --ssl --ca-file "$CERTS/leaf.pem" --timeout 1 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 75 timeout greeting
	assert_hint timeout greeting 'for the greeting (after resolve' \
		' ms, tls ' 'try --timeout 3'
	assert_not_contains "no advice to turn on TLS: it is on" \
		'turn on Implicit TLS' "$(jf '.failure.hint')"
}

check_stalled_handshake() {
	say "implicit TLS to a server that never answers the ClientHello"
	scripted_start 'handshake-stall'
	run_check --ssl --timeout 1 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 75 timeout tls
	assert_hint timeout tls 'no answer within 1 s for the TLS handshake' \
		'(after resolve ' 'use STARTTLS (--no-ssl --starttls)' \
		'try --timeout 3'
}

check_silent_login() {
	say "a server that never answers the login, --timeout 1"
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi
silent'
	IMAPCONN_PASSWORD=Secret.1 run_check --starttls=off --allow-plaintext-auth \
		--timeout 1 -u bob "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 75 timeout authenticate
	assert_hint timeout authenticate \
		'no answer within 1 s for the reply to LOGIN (A1) (after resolve ' \
		' ms, greeting ' \
		'servers delay the answer to a wrong password' \
		'try --timeout 3'
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	need_openssl
	leaf_cert -newkey ec -pkeyopt ec_paramgen_curve:P-256
	run_checks check_slow_greeting check_slow_after_tls \
		check_stalled_handshake check_silent_login
}

main "$@"
