#!/usr/bin/env bash
# login.sh - hints for STARTTLS not offered or refused, LOGINDISABLED, a
# refused login and its RFC 5530 code, and a BYE instead of a greeting.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PASSWORD=Not-sent.7

check_starttls_not_offered() {
	say "--starttls, the server does not offer it"
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi
read-all 1000'
	IMAPCONN_PASSWORD=$PASSWORD run_check --starttls --timeout 5 -u bob \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 82 starttls starttls
	assert_reason starttls-not-offered
	assert_hint starttls starttls 'does not offer STARTTLS' \
		'possible downgrade: password not sent' \
		'use Implicit TLS (--ssl, port 993)'
	scripted_wait 5
	assert_no_credentials_sent "not offered" bob "$PASSWORD"
}

check_starttls_by_default() {
	say "no TLS option (STARTTLS by default), the server does not offer it"
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi
read-all 1000'
	IMAPCONN_PASSWORD=$PASSWORD run_check --timeout 5 -u bob \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 82 starttls starttls
	assert_reason starttls-not-offered
	assert_hint starttls starttls 'does not offer STARTTLS' \
		'use Implicit TLS (--ssl, port 993)' '--starttls=off' \
		'still needs --allow-plaintext-auth'
	scripted_wait 5
	assert_eq "nothing was sent after the greeting" "" "$(client_lines)"
	assert_no_credentials_sent "by default" bob "$PASSWORD"
}

check_starttls_refused() {
	say "--starttls, the server refuses it"
	# shellcheck disable=SC2016 # $TAG is the scripted server's
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 STARTTLS] hi
expect-tag STARTTLS
sendln $TAG NO [UNAVAILABLE] not now
read-all 1000'
	IMAPCONN_PASSWORD=$PASSWORD run_check --starttls --timeout 5 -u bob \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 82 starttls starttls
	assert_reason starttls-refused
	assert_hint starttls starttls 'refused STARTTLS' \
		'possible downgrade: password not sent'
	scripted_wait 5
	assert_no_credentials_sent "refused" bob "$PASSWORD"
}

check_logindisabled() {
	say "Dovecot's LOGINDISABLED port without STARTTLS: turn it on"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls=off \
		--allow-plaintext-auth --timeout 5 -u "$TEST_USER" \
		"127.0.0.2:$LD_PORT"
	assert_rc 77 auth authenticate
	assert_reason logindisabled
	assert_hint auth authenticate \
		'refuses logins before TLS (LOGINDISABLED)' \
		'and offers STARTTLS' \
		'turn on STARTTLS (--starttls)'

	say "the same without --allow-plaintext-auth: STARTTLS is offered"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls=off \
		--timeout 5 -u "$TEST_USER" "127.0.0.2:$LD_PORT"
	assert_reason plaintext-withheld
	assert_hint auth authenticate 'the password was not sent' \
		'the server offers STARTTLS, turn it on (--starttls)'

	say "LOGINDISABLED and no STARTTLS: no way to TLS on this port"
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED] hi
read-all 1000'
	IMAPCONN_PASSWORD=$PASSWORD run_check --starttls=off \
		--allow-plaintext-auth --timeout 5 -u bob \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 77 auth authenticate
	assert_hint auth authenticate \
		'offers no STARTTLS, so there is no way to TLS on this port' \
		'use Implicit TLS (--ssl, port 993)'
	scripted_wait 5
	assert_no_credentials_sent "LOGINDISABLED" bob "$PASSWORD"
}

check_wrong_password() {
	say "Dovecot refuses a wrong password: AUTHENTICATIONFAILED"
	IMAPCONN_PASSWORD=wrong-$TEST_PASSWORD run_check --starttls \
		--ca-file "$CA_FILE" --timeout 10 -u "$TEST_USER" \
		"127.0.0.1:$IMAP_PORT"
	assert_rc 77 auth authenticate
	assert_reason login-refused
	assert_hint auth authenticate \
		'the server said "Authentication failed."' \
		'with AUTHENTICATIONFAILED (RFC 5530)' \
		'the user name or password is wrong'
}

check_bye_greeting() {
	say "a BYE instead of a greeting"
	scripted_start 'sendln * BYE [UNAVAILABLE] Too many connections
read-all 1000'
	run_check --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 83 server greeting
	assert_reason bye
	assert_hint server greeting \
		'the server refused the connection at once' \
		'(BYE "Too many connections")' \
		'not available now' 'try again later'
}

main() {
	need_servers
	run_checks check_starttls_not_offered check_starttls_by_default \
		check_starttls_refused \
		check_logindisabled check_wrong_password check_bye_greeting
}

main "$@"
