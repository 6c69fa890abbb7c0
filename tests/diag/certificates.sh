#!/usr/bin/env bash
# certificates.sh - hints for certificates that do not verify: self-signed,
# an issuer not trusted, a private root CA not trusted, an intermediate
# the server does not send, expired, not yet valid, and names that do not
# match.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TLS_SCRIPT='tls
sendln * OK [CAPABILITY IMAP4rev1] ready
read-all 1000'

# tls_server CERT KEY [CHAIN]: an implicit TLS server that sends CERT (a
# file in $CERTS, maybe several certificates) and the chain file CHAIN.
tls_server() {
	local -a chain=()
	[ $# -lt 3 ] || chain=(--chain "$CERTS/$3")
	scripted_start "$TLS_SCRIPT" --cert "$CERTS/$1" --key "$CERTS/$2" \
		"${chain[@]}"
}

make_certs() {
	make_cert test-root - -10 3650 ca
	make_cert test-intermediate test-root -10 3650 ca
	make_cert good test-intermediate -1 30 leaf \
		'DNS:mail.example.test,DNS:imap.example.test,IP:127.0.0.1'
	make_cert expired test-intermediate -100 -40 leaf \
		'DNS:localhost,IP:127.0.0.1'
	make_cert future test-intermediate 20 110 leaf \
		'DNS:localhost,IP:127.0.0.1'
	make_cert self - -1 30 leaf 'DNS:localhost,IP:127.0.0.1'
	make_cert expired-self - -100 -40 leaf 'DNS:localhost,IP:127.0.0.1'
	make_cert revoked test-intermediate -1 30 leaf \
		'DNS:localhost,IP:127.0.0.1'
	revoke_cert revoked test-intermediate
	make_cert by-name test-intermediate -1 30 leaf \
		'DNS:localhost,DNS:mail.example.test'
	make_cert idn test-intermediate -1 30 leaf \
		'DNS:mail.xn--bcher-kva.example'
	make_cert private-root - -10 3650 ca
	make_cert direct private-root -1 30 leaf 'DNS:localhost,IP:127.0.0.1'
	cat_certs direct+root.pem direct private-root
	cat_certs good+mid.pem good test-intermediate
	cat_certs good+mid+root.pem good test-intermediate test-root
}

check_self_signed() {
	say "a self-signed certificate"
	tls_server self.pem self.key
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_reason cert-self-signed
	assert_hint tls-verify tls '(CN=self) is self-signed, not from a CA' \
		'give it as CA file (--ca-file FILE)'
}

check_issuer_unknown() {
	say "the chain ends in a root not trusted here (the server sends it)"
	tls_server good+mid+root.pem good.key
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_hint tls-verify tls \
		'the chain the server sent ends in the root CA CN=test-root,' \
		'a private CA not trusted here' \
		'give that root as CA file (--ca-file FILE)'
	assert_hint_lacks "the root is not called an intermediate" \
		intermediate

	say "the chain ends at an intermediate whose issuer is not trusted"
	tls_server good+mid.pem good.key
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_hint tls-verify tls \
		'ends at CN=test-intermediate, issued by CN=test-root,' \
		'which is not trusted here' \
		'if CN=test-root is your private root CA, give it as CA file'
}

# A private CA without intermediates: the server's certificate comes
# straight from a root nobody trusts but its owner.
check_private_root() {
	say "a private root CA the server sends, not trusted here"
	tls_server direct+root.pem direct.key
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_hint tls-verify tls \
		'ends in the root CA CN=private-root, a private CA not' \
		'give that root as CA file (--ca-file FILE)'
	assert_hint_lacks "the root is not called an intermediate" \
		intermediate

	say "the same root given as CA file: verified"
	tls_server direct+root.pem direct.key
	run_check --ssl --ca-file "$CERTS/private-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 0 null
	assert_json "verified" '.tls[0].verified' true

	say "another CA file: it does not hold the root"
	tls_server direct+root.pem direct.key
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_hint tls-verify tls 'the root CA CN=private-root' \
		'the CA file given does not hold it'
}

# assert_hint_lacks WHAT WORD: the last run's hint does not say WORD.
assert_hint_lacks() {
	assert_not_contains "$1" "$2" "$(jf .failure.hint)"
}

check_missing_intermediate() {
	say "the root is trusted, but the server sends only its own" \
		"certificate"
	tls_server good.pem good.key
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_json "one certificate was sent" '.tls[0].chain_sent' 1
	assert_hint tls-verify tls 'the server sent only its own certificate' \
		'its issuer CN=test-intermediate is not in the CAs given' \
		'the server must also send that intermediate certificate'
	assert_hint_lacks "a missing intermediate is not a private root" \
		'private root'

	say "the same server with the intermediate: verified"
	tls_server good.pem good.key test-intermediate.pem
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_json "verified" '.tls[0].verified' true
}

check_dates() {
	local ended started now
	ended=$(date -u -d "@$(($(date +%s) - 40 * 86400))" +%Y-%m-%d)
	started=$(date -u -d "@$(($(date +%s) + 20 * 86400))" +%Y-%m-%d)
	now=$(date -u +%Y-%m-%d)
	say "an expired certificate: its dates and how long ago"
	tls_server expired.pem expired.key test-intermediate.pem
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_reason cert-expired
	assert_hint tls-verify tls \
		"the server's certificate (CN=expired) expired on $ended," \
		"$ended, 40 days ago (valid from" \
		'must renew it' "it says $now"

	say "a certificate not valid yet: its dates and how soon"
	tls_server future.pem future.key test-intermediate.pem
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_reason cert-not-yet-valid
	assert_hint tls-verify tls "is valid only from $started, in 20 days" \
		"check this machine's clock (it says $now)"
}

# A name mismatch: the names the certificate holds are listed, and none
# is offered as the one to use (an impostor's certificate would get the
# user to adopt its name).
check_names() {
	say "a name the certificate does not hold: its names, none adopted"
	tls_server good.pem good.key test-intermediate.pem
	run_check --ssl --ca-file "$CERTS/test-root.pem" \
		--server-name imap.exmaple.test --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_reason cert-name-mismatch
	assert_hint tls-verify tls \
		'the certificate is for mail.example.test, imap.example.test' \
		'127.0.0.1, not imap.exmaple.test' \
		'either imap.exmaple.test is not this server' \
		'or it has the wrong certificate'
	assert_hint_lacks "no Server name from the certificate" \
		'--server-name'
	assert_hint_lacks "no name offered as the closest" closest

	say "an address the certificate does not hold: connect by name"
	tls_server by-name.pem by-name.key test-intermediate.pem
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_hint tls-verify tls 'not 127.0.0.1' \
		"connect by the server's host name, not by address"
	assert_hint_lacks "no Server name from the certificate" \
		'--server-name'
}

# Every problem of the chain is named, the most important first, with
# its dates or names, in the JSON, the text timeline and the report.
check_every_problem() {
	local ended txt=$WORK/problems.txt report=$WORK/problems.report
	ended=$(date -u -d "@$(($(date +%s) - 40 * 86400))" +%Y-%m-%d)
	say "an expired self-signed certificate: both problems, renew first"
	tls_server expired-self.pem expired-self.key
	run_check --ssl --timeout 5 --report "$report" \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_reason cert-expired
	assert_jsons \
		"two problems" '.tls[0].problems | length' 2 \
		"expired first, then self-signed" \
		'[.tls[0].problems[].code] | map(tostring) | join(",")' 10,18 \
		"the expiry date in the first" \
		".tls[0].problems[0].text | contains(\"expired on ${ended}T\")" \
		true \
		"the first is verify_error" '.tls[0].verify_error' 10
	assert_contains "the detail names the expiry date" "expired on $ended" \
		"$RUN_DETAIL"
	assert_contains "the detail counts the other problem" '1 more problem' \
		"$RUN_DETAIL"
	assert_hint tls-verify tls "expired on $ended" 'must renew it'
	assert_hint_lacks "no trusting an expired certificate" --ca-file
	assert_hint_lacks "no looking past it" --insecure
	assert_hint_lacks "no trusting it" trust
	assert_contains "the report lists the expiry" \
		"1. certificate has expired: CN=expired-self (depth 0), expired on" \
		"$(cat "$report")"
	assert_contains "the report lists the self-signature" \
		'2. self-signed certificate: CN=expired-self (depth 0)' \
		"$(cat "$report")"

	say "the same in the text timeline"
	tls_server expired-self.pem expired-self.key
	timeout -k 5 30 "$IMAPCONN" --check --ssl --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT" >"$txt" 2>&1 </dev/null || true
	assert_contains "text: problems counted" 'problems  2' "$(cat "$txt")"
	assert_contains "text: expired first" \
		'1. certificate has expired: CN=expired-self' "$(cat "$txt")"
	assert_contains "text: self-signed second" \
		'2. self-signed certificate: CN=expired-self' "$(cat "$txt")"

	say "expired, for another name, from a CA not trusted: all three"
	tls_server expired.pem expired.key test-intermediate.pem
	run_check --ssl --server-name other.example.test --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_reason cert-name-mismatch
	assert_jsons \
		"name, expired, then the issuer" \
		'[.tls[0].problems[] | "\(.code)@\(.depth)"] | join(",")' \
		'62@0,10@0,20@1' \
		"the names in the mismatch" \
		'.tls[0].problems[0].text | contains("checked other.example.test, the certificate is for DNS:localhost, IP:127.0.0.1")' \
		true \
		"the issuer named in the last" \
		'.tls[0].problems[2].text | contains("its issuer CN=test-root")' \
		true

	say "revoked (with the CRL given) and for another name: revoked first"
	tls_server revoked.pem revoked.key test-intermediate.pem
	run_check --ssl --ca-file "$CERTS/test-root.pem" \
		--crl-file "$CERTS/test-intermediate.crl" \
		--server-name other.example.test --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_reason cert-revoked
	assert_jsons \
		"revoked, then the name" \
		'[.tls[0].problems[] | "\(.code)@\(.depth)"] | join(",")' \
		'23@0,62@0' \
		"the revoked one named" \
		'.tls[0].problems[0].text | startswith("certificate revoked: CN=revoked (depth 0)")' \
		true
	assert_hint tls-verify tls 'revoked by its CA' 'must get a new one'

	say "the server sends only its own certificate: a missing intermediate"
	tls_server good.pem good.key
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_json "the problem says so" \
		'.tls[0].problems[0].text | contains("a missing intermediate")' \
		true
}

# An international HOST: looked up and checked in its A-labels, both
# forms in the timeline.  A private /etc/hosts maps the A-label to
# loopback.  The script holds a literal $TAG:
# shellcheck disable=SC2016
IDN_SCRIPT='tls
sendln * OK [CAPABILITY IMAP4rev1] ready
expect-tag LOGOUT
sendln * BYE bye
sendln $TAG OK bye
close'
check_idn_names() {
	local alabel=mail.xn--bcher-kva.example ulabel=mail.bücher.example
	say "$ulabel, whose certificate names $alabel"
	scripted_start "$IDN_SCRIPT" --cert "$CERTS/idn.pem" \
		--key "$CERTS/idn.key" --chain "$CERTS/test-intermediate.pem"
	private_etc hosts "127.0.0.1 $alabel" || return 0
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"$ulabel:$SCRIPTED_PORT"
	assert_rc 0 null
	assert_jsons \
		"the A-label was looked up" '.addresses | join(",")' \
		"127.0.0.1:$SCRIPTED_PORT" \
		"SNI is the A-label" '.tls[0].sni' "$alabel" \
		"the certificate was checked for the A-label" \
		'.tls[0].expected_name' "$alabel" \
		"verified" '.tls[0].verified' true \
		"the endpoint holds both forms" \
		'.endpoint.host + " " + .endpoint.host_unicode' \
		"$alabel $ulabel" \
		"the resolve phase's note names both forms" \
		'[.notes[] | select(contains("'"$ulabel"'") and
		  contains("'"$alabel"'"))] | length' 1

	say "$ulabel, whose certificate names other hosts"
	scripted_start "$IDN_SCRIPT" --cert "$CERTS/good.pem" \
		--key "$CERTS/good.key" --chain "$CERTS/test-intermediate.pem"
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 5 \
		"$ulabel:$SCRIPTED_PORT"
	private_etc_end
	assert_rc 80 tls-verify tls
	assert_json "the A-label was checked" '.tls[0].expected_name' \
		"$alabel"
	assert_hint tls-verify tls "not $alabel"
}

# A server that staples an OCSP answer (openssl s_server: no IMAP, so
# the run ends in the greeting; the TLS block is there all the same).
# Its standard input stays open: at its end s_server stops.
check_ocsp_stapled() {
	local ocsp=$WORK/good.ocsp out=$WORK/s_server.out pid port
	say "a stapled OCSP answer: good, with its dates, signature checked"
	openssl ocsp -index "$CERTS/db/index.txt" \
		-rsigner "$CERTS/test-intermediate.pem" \
		-rkey "$CERTS/test-intermediate.key" \
		-CA "$CERTS/test-intermediate.pem" \
		-issuer "$CERTS/test-intermediate.pem" -cert "$CERTS/good.pem" \
		-respout "$ocsp" -ndays 1 >>"$CERTS/openssl.log" 2>&1 ||
		hard_fail "could not make an OCSP answer"
	openssl s_server -accept 127.0.0.1:0 -cert "$CERTS/good.pem" \
		-key "$CERTS/good.key" -cert_chain "$CERTS/test-intermediate.pem" \
		-status_file "$ocsp" -naccept 1 >"$out" 2>&1 < <(sleep 20) &
	pid=$!
	LIB_PIDS+=("$pid")
	wait_until 10 grep -q '^ACCEPT ' "$out" ||
		hard_fail "openssl s_server did not listen"
	port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$out")
	run_check --ssl --ca-file "$CERTS/test-root.pem" --timeout 1 \
		"127.0.0.1:$port"
	assert_jsons \
		"verified" '.tls[0].verified' true \
		"OCSP: good, with its dates" \
		'.tls[0].ocsp | test("^good \\(this update [0-9T:-]+Z, next update [0-9T:-]+Z\\)$")' \
		true
	stop_after 3 "$pid"
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	need_openssl
	make_certs
	check_self_signed
	check_issuer_unknown
	check_private_root
	check_missing_intermediate
	check_dates
	check_names
	check_every_problem
	check_ocsp_stapled
	check_idn_names
	finish
}

main "$@"
