#!/usr/bin/env bash
# logindisabled.sh - Dovecot's LOGINDISABLED port: STARTTLS or no credential.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# assert_no_login_sent WHAT TRANSCRIPT MARK: neither the transcript nor
# the Dovecot log (after MARK) shows a login attempt.
assert_no_login_sent() {
	local what=$1 tr=$2 mark=$3 log
	if grep -qE ' C: [^ ]+ (LOGIN|AUTHENTICATE)( |$)' "$tr"; then
		fail "$what: the transcript has no LOGIN/AUTHENTICATE" "none" \
			"$(grep ' C: ' "$tr")"
	else
		pass "$what: the transcript has no LOGIN/AUTHENTICATE"
	fi
	assert_eq "$what: the client only said LOGOUT" 'LOGOUT' \
		"$(sed -n 's/^[^ ]* C: [^ ]* //p' "$tr" | paste -sd ' ')"
	log=$(dovecot_log_since "$mark")
	assert_match "$what: Dovecot saw no auth attempts" \
		'no auth attempts.*lip=127\.0\.0\.2' "$log"
	assert_not_contains "$what: Dovecot logged no login" 'Login:' "$log"
	assert_not_contains "$what: Dovecot logged no auth failure" \
		'auth failed' "$log"
	assert_no_secret "$what: no password in the outputs" "$TEST_USER" \
		"$TEST_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"
}

check_starttls_works() {
	local tr=$WORK/starttls.transcript mark
	say "LOGINDISABLED listener with --starttls: STARTTLS, then login"
	mark=$(dovecot_log_mark)
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls \
		--ca-file "$CA_FILE" -u "$TEST_USER" --transcript "$tr" \
		"127.0.0.2:$LD_PORT"
	assert_rc 0 null
	assert_jsons \
		"LOGINDISABLED before TLS" \
		'.capabilities[] | select(.when == "before-tls") | .list
		 | split(" ") | index("LOGINDISABLED") != null' true \
		"no LOGINDISABLED after TLS" \
		'.capabilities[] | select(.when == "tls") | .list
		 | split(" ") | index("LOGINDISABLED") == null' true \
		"starttls then authenticate" \
		'[.phases[] | select(.phase == "starttls" or
		  .phase == "authenticate") | .phase + "=" + .result] | join(" ")' \
		'starttls=ok authenticate=ok' \
		"the list came" '.mailboxes | length' 12
	assert_eq "STARTTLS went before the login" 'STARTTLS LOGIN' \
		"$(sed -n 's/^[^ ]* C: [^ ]* \(STARTTLS\|AUTHENTICATE\|LOGIN\).*/\1/p' \
			"$tr" | paste -sd ' ')"
	assert_match "Dovecot logged the login over TLS" \
		'Login: user=<alice>.*lip=127\.0\.0\.2.*TLS' \
		"$(dovecot_log_since "$mark")"
}

check_plaintext_allowed() {
	local tr=$WORK/allowed.transcript mark
	say "LOGINDISABLED, no STARTTLS, --allow-plaintext-auth: refused"
	mark=$(dovecot_log_mark)
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls=off \
		--allow-plaintext-auth -u "$TEST_USER" --transcript "$tr" \
		"127.0.0.2:$LD_PORT"
	assert_rc 77 auth authenticate
	assert_contains "the detail names LOGINDISABLED" LOGINDISABLED \
		"$RUN_DETAIL"
	assert_no_login_sent "allowed" "$tr" "$mark"
}

check_plaintext_refused() {
	local tr=$WORK/refused.transcript mark
	say "LOGINDISABLED, no TLS, no --allow-plaintext-auth: refused"
	mark=$(dovecot_log_mark)
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls=off \
		-u "$TEST_USER" --transcript "$tr" "127.0.0.2:$LD_PORT"
	assert_rc 77 auth authenticate
	assert_contains "the detail says why" \
		'not sending the password over an unencrypted connection' \
		"$RUN_DETAIL"
	assert_no_login_sent "not allowed" "$tr" "$mark"
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start
	check_starttls_works
	check_plaintext_allowed
	check_plaintext_refused
	finish
}

main "$@"
