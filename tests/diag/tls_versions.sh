#!/usr/bin/env bash
# tls_versions.sh - hints when client and server share no TLS version or
# no cipher: the version the server offers or accepts, and the option
# that would allow it, marked insecure where it is.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TLS_SCRIPT='tls
sendln * OK [CAPABILITY IMAP4rev1] ready
read-all 1000'

# A ServerHello for TLS 1.0 (legacy_version 3.1, no extensions), as an
# old server sends whatever the client offered.
HELLO_TLS10='\x16\x03\x01\x00\x2a\x02\x00\x00\x26\x03\x01'
HELLO_TLS10+='0123456789abcdef0123456789abcdef\x00\x00\x2f\x00'

tls_server() {
	scripted_start "$TLS_SCRIPT" --cert "$CERTS/leaf.pem" \
		--key "$CERTS/leaf.key" "$@"
}

check_server_too_old() {
	say "a server that speaks TLS 1.0 and 1.1 only (it alerts)"
	tls_server --tls-max 1.1
	run_check --ssl --ca-file "$CERTS/leaf.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 81 tls-handshake tls
	assert_hint tls-handshake tls \
		'the server accepts none of TLS 1.2 to 1.3,' \
		'the versions offered' \
		'TLS min 1.0 (--tls-min 1.0)' '(insecure)'

	say "the option the hint names works (with the trust given)"
	tls_server --tls-max 1.1
	run_check --ssl --ca-file "$CERTS/leaf.pem" --tls-min 1.0 \
		--timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_json "TLS 1.1 was negotiated" '.tls[0].version' TLSv1.1
	assert_jsons \
		"the version is called weak" \
		'.tls[0].weak | startswith("TLSv1.1 is obsolete (RFC 8996), with the cipher ")' \
		true \
		"so does a note" \
		'[.notes[] | select(startswith("WEAK TLS: TLSv1.1 is obsolete"))] | length' \
		1

	say "the same in the text timeline: version, cipher, WEAK"
	tls_server --tls-max 1.1
	timeout -k 5 30 "$IMAPCONN" --check --ssl --ca-file "$CERTS/leaf.pem" \
		--tls-min 1.0 --timeout 5 "127.0.0.1:$SCRIPTED_PORT" \
		>"$WORK/weak.txt" 2>&1 </dev/null || true
	assert_match "the version accepted" '^  version   TLSv1\.1$' \
		"$(cat "$WORK/weak.txt")"
	assert_match "WEAK, with the cipher accepted" \
		'^  WEAK      TLSv1\.1 is obsolete \(RFC 8996\), with the cipher [A-Z0-9-]+$' \
		"$(cat "$WORK/weak.txt")"

	say "TLS 1.2: the key exchange, its group and forward secrecy"
	tls_server --tls-max 1.2
	run_check --ssl --ca-file "$CERTS/leaf.pem" --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_jsons \
		"TLS 1.2" '.tls[0].version' TLSv1.2 \
		"ECDHE" '.tls[0].key_exchange' ECDHE \
		"a group" '.tls[0].group | length > 0' true \
		"forward secrecy" '.tls[0].forward_secrecy' true \
		"the server's key" '.tls[0].key | test("^[A-Z0-9-]+ [0-9]+ bits")' \
		true \
		"its signature algorithm" \
		'.tls[0].signature_algorithm | length > 0' true \
		"no OCSP stapled" '.tls[0].ocsp' 'not stapled' \
		"nothing weak" '.tls[0].weak' null

	say "a server that answers with a TLS 1.0 ServerHello: named"
	scripted_start "read-all 300
send $HELLO_TLS10
read-all 1000"
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 81 tls-handshake tls
	assert_contains "the detail names the version chosen" \
		'the server chose TLS 1.0' "$RUN_DETAIL"
	assert_hint tls-handshake tls \
		'the server offers only TLS 1.0, below TLS min 1.2' \
		'TLS min 1.0 (--tls-min 1.0) allows it (insecure'
}

check_client_too_old() {
	say "TLS max 1.2 against a server that wants TLS 1.3"
	tls_server --tls-min 1.3
	run_check --ssl --ca-file "$CERTS/leaf.pem" --tls-max 1.2 \
		--timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 81 tls-handshake tls
	assert_hint tls-handshake tls \
		'the server does not accept TLS 1.2,' \
		'the only version offered' \
		'raise TLS max (--tls-max 1.3)'
}

check_no_cipher() {
	say "an ECDSA-only cipher list against a server with an RSA key"
	tls_server
	run_check --ssl --ca-file "$CERTS/leaf.pem" --tls-max 1.2 \
		--ciphers ECDHE-ECDSA-AES128-GCM-SHA256 --timeout 5 \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 81 tls-handshake tls
	assert_hint tls-handshake tls \
		'the server accepts none of the ciphers offered' \
		'(ECDHE-ECDSA-AES128-GCM-SHA256)' \
		'drop or widen Ciphers (--ciphers' '(insecure)'
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	need_openssl
	leaf_cert -newkey rsa:2048
	run_checks check_server_too_old check_client_too_old check_no_cipher
}

main "$@"
