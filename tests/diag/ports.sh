#!/usr/bin/env bash
# ports.sh - hints for the TLS choice that does not fit the port: implicit
# TLS to a plain IMAP port, plain IMAP to a TLS port (a TLS record, or
# silence), and another protocol where IMAP was expected.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

check_tls_to_plain_port() {
	say "implicit TLS to Dovecot's plain IMAP port"
	run_check --ssl --ca-file "$CA_FILE" --timeout 5 \
		"127.0.0.1:$IMAP_PORT"
	assert_rc 81 tls-handshake tls
	assert_reason tls-not-tls
	assert_hint tls-handshake tls \
		"this port ($IMAP_PORT) speaks plain IMAP, not TLS" \
		'use STARTTLS here (--no-ssl --starttls' 'or port 993 with TLS'
}

check_plain_to_tls_port() {
	say "plain IMAP to Dovecot's implicit TLS port: silence, --timeout 1"
	run_check --timeout 1 "127.0.0.1:$IMAPS_PORT"
	assert_rc 75 timeout greeting
	assert_reason null
	assert_hint timeout greeting 'no answer within 1 s for the greeting' \
		'if this port expects TLS, turn on Implicit TLS (--ssl)'

	say "STARTTLS to Dovecot's implicit TLS port: the same silence"
	run_check --starttls --ca-file "$CA_FILE" --timeout 1 \
		"127.0.0.1:$IMAPS_PORT"
	assert_hint timeout greeting 'turn on Implicit TLS (--ssl)'
}

check_tls_record() {
	say "a TLS alert record where the greeting belongs"
	scripted_start 'send \x15\x03\x03\x00\x02\x02\x46
read-all 1000'
	run_check --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 76 protocol greeting
	assert_reason tls-at-greeting
	assert_contains "the detail says a TLS record came" 'a TLS record' \
		"$RUN_DETAIL"
	assert_hint protocol greeting 'this port expects TLS' \
		'turn on Implicit TLS (--ssl)'
	scripted_wait 5
	assert_eq "nothing was sent to it" '' "$(client_lines)"
}

check_other_protocol() {
	say "a POP3 server where IMAP was expected"
	scripted_start 'sendln +OK POP3 server ready
read-all 1000'
	run_check --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 76 protocol greeting
	assert_reason not-imap-greeting
	assert_hint protocol greeting 'this port speaks POP3, not IMAP' \
		'143 for IMAP with STARTTLS, 993 for IMAP over TLS'
}

main() {
	need_servers
	run_checks check_tls_to_plain_port check_plain_to_tls_port \
		check_tls_record check_other_protocol
}

main "$@"
