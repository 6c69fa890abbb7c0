#!/usr/bin/env bash
# tls_verify.sh - implicit TLS to the test Dovecot: verified or not.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

check_verified() {
	say "--ssl --ca-file to localhost: every phase, TLS 1.3, verified"
	run_check --ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_jsons \
		"ok is true" '.ok' true \
		"not insecure" '.insecure' false \
		"phases in order" '[.phases[].phase] | join(" ")' \
		'resolve connect tls greeting capability authenticate list logout' \
		"resolve, connect, tls and greeting succeeded" \
		'[.phases[] | select(.phase == "resolve" or .phase == "connect"
		  or .phase == "tls" or .phase == "greeting") | .result]
		 | join(" ")' 'ok ok ok ok' \
		"without a user, login and list are skipped" \
		'[.phases[] | select(.phase == "authenticate" or .phase == "list")
		  | .result] | join(" ")' 'skipped skipped' \
		"every phase has its times" \
		'[.phases[] | select((.ms | type) != "number" or
		  (.at_ms | type) != "number")] | length' 0 \
		"connect names the peer" \
		'.phases[] | select(.phase == "connect") | .detail' \
		"127.0.0.1:$IMAPS_PORT" \
		"the tls phase says TLS 1.3, verified" \
		'.phases[] | select(.phase == "tls") | .detail
		 | test("^TLSv1\\.3, .+, verified$")' true \
		"greeting detail is Dovecot's text" \
		'.phases[] | select(.phase == "greeting") | .detail' \
		'[CAPABILITY] Dovecot (Debian) ready.' \
		"one TLS summary" '.tls | length' 1 \
		"TLS 1.3" '.tls[0].version' TLSv1.3 \
		"verified true" '.tls[0].verified' true \
		"no verify error" '.tls[0].verify_error_text' null \
		"SNI localhost" '.tls[0].sni' localhost \
		"checked name localhost" '.tls[0].expected_name' localhost \
		"leaf certificate subject" '.tls[0].chain[0].subject' \
		'O=imapconn tests,CN=localhost' \
		"leaf names" '.tls[0].chain[0].names' \
		'DNS:localhost, IP:127.0.0.1, IP:127.0.0.2, IP:::1'
}

check_untrusted() {
	local detail
	say "--ssl without --ca-file: the test CA is not trusted"
	run_check --ssl "localhost:$IMAPS_PORT"
	assert_rc 80 tls-verify tls
	detail=$RUN_DETAIL
	assert_match "detail gives OpenSSL's reason" \
		'unable to get local issuer certificate|self[- ]signed' "$detail"
	assert_match "detail gives a depth" 'depth [0-9]+' "$detail"
	assert_jsons \
		"tls section: not verified" '.tls[0].verified' false \
		"tls section: the reason" '.tls[0].verify_error_text' \
		'unable to get local issuer certificate' \
		"tls section: the depth" '.tls[0].verify_error_depth' 0 \
		"tls section: the chain is shown" '.tls[0].chain[0].issuer' \
		'O=imapconn tests,CN=imapconn test CA' \
		"a hint is given" '.failure.hint | length > 0' true \
		"no greeting phase after the failure" \
		'[.phases[] | select(.phase == "greeting")] | length' 0
}

check_wrong_name() {
	local detail
	say "--server-name wrong.example.test against 127.0.0.1 with the CA"
	run_check --ssl --ca-file "$CA_FILE" --server-name wrong.example.test \
		"127.0.0.1:$IMAPS_PORT"
	assert_rc 80 tls-verify tls
	detail=$RUN_DETAIL
	assert_contains "detail: hostname mismatch" 'hostname mismatch' "$detail"
	assert_contains "detail names the name checked" wrong.example.test \
		"$detail"
	assert_contains "detail names localhost" 'DNS:localhost' "$detail"
	assert_contains "detail names 127.0.0.1" 'IP:127.0.0.1' "$detail"
	assert_jsons \
		"SNI is the name given" '.tls[0].sni' wrong.example.test \
		"expected_name is the name given" '.tls[0].expected_name' \
		wrong.example.test \
		"tls section: not verified" '.tls[0].verified' false
}

# Encrypted by default (RFC 8314): no TLS option on the STARTTLS port
# means STARTTLS, required; on 993 implicit TLS.
check_default_starttls() {
	local tr=$WORK/default.transcript
	say "no TLS option, a user, the STARTTLS port: STARTTLS, then login"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ca-file "$CA_FILE" \
		-u "$TEST_USER" --transcript "$tr" "localhost:$IMAP_PORT"
	assert_rc 0 null
	assert_jsons \
		"starttls, then the login, then the list" \
		'[.phases[] | select(.phase == "starttls" or
		  .phase == "authenticate" or .phase == "list")
		  | .phase + "=" + .result] | join(" ")' \
		'starttls=ok authenticate=ok list=ok' \
		"verified" '.tls[0].verified' true \
		"no note of an unencrypted connection" \
		'[.notes[] | select(test("UNENCRYPTED"))] | length' 0
	assert_no_secret "no password in the outputs" "$TEST_USER" \
		"$TEST_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"

	say "--starttls=off: the reference's plain text, asked for"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls=off \
		-u "$TEST_USER" "localhost:$IMAP_PORT"
	assert_rc 77 auth authenticate
	assert_json "no starttls phase" \
		'[.phases[] | select(.phase == "starttls")] | length' 0
	assert_contains "the password was not sent in clear" \
		'not sending the password over an unencrypted connection' \
		"$RUN_DETAIL"
}

check_ipv6() {
	if [ "$HAVE_IPV6" != 1 ]; then
		skip_check "IPv6 [::1]" "no IPv6 loopback here"
		return 0
	fi
	say "--ssl --ca-file to [::1]: the certificate has IP:::1"
	run_check --ssl --ca-file "$CA_FILE" "[::1]:$IMAPS_PORT"
	assert_rc 0 null
	assert_jsons \
		"connected over IPv6" \
		'.phases[] | select(.phase == "connect") | .detail' \
		"[::1]:$IMAPS_PORT" \
		"address literal, no lookup" '.addresses | join(" ")' \
		"[::1]:$IMAPS_PORT" \
		"verified over [::1]" '.tls[0].verified' true \
		"checked the address ::1" '.tls[0].expected_name' '::1'
}

# Every output says where trust came from: the CA file, the CA
# directory, the system store, or nowhere.
check_trust_source() {
	local dir=$WORK/cadir txt=$WORK/trust.txt report=$WORK/trust.report
	say "trust: --ca-file, in JSON, text and report, both TLS ways"
	run_check --ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "implicit TLS: trusted by the CA file" '.tls[0].trust' \
		"--ca-file $CA_FILE"
	run_check --starttls --ca-file "$CA_FILE" "localhost:$IMAP_PORT"
	assert_rc 0 null
	assert_json "STARTTLS: trusted by the CA file" '.tls[0].trust' \
		"--ca-file $CA_FILE"
	timeout -k 5 60 "$IMAPCONN" --check --ssl --ca-file "$CA_FILE" \
		--report "$report" "localhost:$IMAPS_PORT" >"$txt" 2>&1 \
		</dev/null || true
	assert_eq "text: a trust line under TLS" \
		"  trust     --ca-file $CA_FILE" \
		"$(grep '^  trust ' "$txt" || true)"
	assert_eq "report: the same trust line" \
		"  trust     --ca-file $CA_FILE" \
		"$(grep '^  trust ' "$report" || true)"

	say "trust: --ca-dir"
	mkdir -p "$dir"
	cp "$CA_FILE" "$dir/test-ca.pem"
	openssl rehash "$dir" >/dev/null 2>&1 ||
		hard_fail "openssl rehash $dir failed"
	run_check --ssl --ca-dir "$dir" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "trusted by the CA directory" '.tls[0].trust' \
		"--ca-dir $dir"

	say "trust: the system store (SSL_CERT_FILE)"
	SSL_CERT_FILE=$CA_FILE run_check --ssl "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "trusted by the system store" '.tls[0].trust' \
		'the system store'

	say "trust: none"
	run_check --ssl --insecure "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "--insecure: none" '.tls[0].trust' 'none (--insecure)'
	run_check --ssl --ca-file "$dir/test-ca.pem" --server-name x.invalid \
		"localhost:$IMAPS_PORT"
	assert_rc 80 tls-verify tls
	assert_json "not verified: the stores searched" '.tls[0].trust' \
		"none of --ca-file $dir/test-ca.pem, the system store"
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start
	check_verified
	check_untrusted
	check_wrong_name
	check_default_starttls
	check_ipv6
	check_trust_source
	finish
}

main "$@"
