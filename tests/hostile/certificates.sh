#!/usr/bin/env bash
# certificates.sh - implicit TLS to servers with bad certificates.
# Self-signed, expired, not yet valid, wrong host, unknown CA, missing
# intermediate, wildcard edge cases, hostile names, a TLS 1.0-only
# server: class and detail each time, and nothing sent.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-2b8e44-certs'
export IMAPCONN_PASSWORD=$PASSWORD

# What the server plays once the handshake is done.
SERVE='tls
sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] secure
expect-tag AUTHENTICATE
sendln $TAG OK logged in
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK done
'"$SRV_LOGOUT"

make_pki() {
	pki_basic
	local now_san="DNS:localhost,IP:127.0.0.1"
	pki_self selfsigned localhost "$now_san"
	pki_sign expired localhost root leaf "$now_san" "-10 days" "-1 day"
	pki_sign future localhost root leaf "$now_san" "+1 day" "+30 days"
	pki_sign wronghost other.example root leaf \
		"DNS:other.example,IP:10.9.9.9"
	pki_root otherca "Some Other Root"
	pki_sign unknownca localhost otherca leaf "$now_san"
	pki_sign mid "Hostile Intermediate" root ca_ext "DNS:unused"
	pki_sign viamid localhost mid leaf "$now_san"
	pki_sign wildcard "*.example.org" root leaf "DNS:*.example.org"
	pki_sign idn mail.xn--bcher-kva.example root leaf \
		"DNS:mail.xn--bcher-kva.example"
	local esc bel rlo
	esc=$(printf '\033')
	bel=$(printf '\007')
	rlo=$(printf '\342\200\256')
	pki_self evilnames "evil${esc}[2J${esc}]52;c;aGk=$bel$rlo" \
		"DNS:evil${esc}[31m.example,IP:127.0.0.1"
}

# tls_run CERT [CLIENT OPTION...]: the scripted server with CERT (and
# SERVER_EXTRA options), imapconn --ssl trusting root.pem with a user.
SERVER_EXTRA=()
tls_run() {
	local cert=$1
	shift
	srv_start "$SERVE" --cert "$PKI/$cert.pem" --key "$PKI/$cert.key" \
		"${SERVER_EXTRA[@]}"
	run_json --ssl --ca-file "$PKI/root.pem" --timeout 3 \
		-u "$USER_NAME" "$@" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1500
}

# refused WHAT EXIT CLASS DETAIL: the handshake was refused with this
# class, the detail holds DETAIL, and nothing was sent over it.
refused() {
	local what=$1
	assert_class "$2" "$3" tls
	assert_contains "$what: detail says '$4'" "$4" "$(jf .failure.detail)"
	assert_eq "$what: nothing was sent over TLS" "" \
		"$(client_lines | grep '^tls:' || true)"
	assert_no_secret "$what: the password is nowhere" "$USER_NAME" \
		"$PASSWORD" "$SRV_LOG" "$RUN_OUT" "$RUN_ERR"
}

# accepted WHAT: the positive control logged in and listed.
accepted() {
	assert_class 0 null
	assert_json "$1: verified" '.tls[0].verified' true
	assert_json "$1: listed" '[.mailboxes[].name] | join(",")' INBOX
}

check_chain_errors() {
	say "control: a good certificate"
	tls_run server
	accepted "good certificate"

	say "a self-signed certificate"
	tls_run selfsigned
	refused "self-signed" 80 tls-verify "self-signed certificate"
	assert_json "self-signed: the summary says so" \
		'.tls[0].chain[0].self_signed' true

	say "an expired certificate"
	tls_run expired
	refused "expired" 80 tls-verify "certificate has expired"

	say "a certificate not yet valid"
	tls_run future
	refused "not yet valid" 80 tls-verify "certificate is not yet valid"

	say "a certificate for another host"
	tls_run wronghost
	refused "wrong host (IP)" 80 tls-verify "mismatch"
	tls_run wronghost --server-name localhost
	refused "wrong host (name)" 80 tls-verify "hostname mismatch"

	say "a certificate from an unknown CA"
	tls_run unknownca
	refused "unknown CA" 80 tls-verify \
		"unable to get local issuer certificate"
}

check_intermediate() {
	say "control: leaf and intermediate sent, root trusted"
	SERVER_EXTRA=(--chain "$PKI/mid.pem")
	tls_run viamid
	accepted "leaf and intermediate"
	SERVER_EXTRA=()

	say "missing intermediate: leaf only, root trusted"
	tls_run viamid
	refused "missing intermediate" 80 tls-verify \
		"unable to get local issuer certificate"
	assert_json "missing intermediate: one certificate was sent" \
		'.tls[0].chain_sent' 1
}

check_wildcard() {
	say "control: *.example.org for x.example.org"
	tls_run wildcard --server-name x.example.org
	accepted "wildcard, one label"

	say "*.example.org for a.b.example.org"
	tls_run wildcard --server-name a.b.example.org
	refused "wildcard, two labels" 80 tls-verify "hostname mismatch"

	say "*.example.org for example.org"
	tls_run wildcard --server-name example.org
	refused "wildcard, no label" 80 tls-verify "hostname mismatch"
}

# An international name is sent (SNI) and checked in its A-labels,
# whichever way the U-label came.
check_idn() {
	local alabel=mail.xn--bcher-kva.example
	say "a certificate for $alabel, asked for as mail.bücher.example"
	tls_run idn --server-name mail.bücher.example
	accepted "U-label by --server-name"
	assert_json "U-label by --server-name: SNI is the A-label" \
		'.tls[0].sni' "$alabel"
	assert_json "U-label by --server-name: the A-label is checked" \
		'.tls[0].expected_name' "$alabel"

	say "the same through the list form's :server-name"
	srv_start "$SERVE" --cert "$PKI/idn.pem" --key "$PKI/idn.key"
	run_json --ca-file "$PKI/root.pem" --timeout 3 -u "$USER_NAME" \
		"(\"127.0.0.1\" :port $SRV_PORT :ssl t :server-name \"Mail.BÜCHER.example\")"
	srv_stop
	assert_sane 1500
	accepted "U-label by :server-name"
	assert_json "U-label by :server-name: the A-label is checked" \
		'.tls[0].expected_name' "$alabel"

	say "the certificate for $alabel, asked for as mail.büchers.example"
	tls_run idn --server-name mail.büchers.example
	refused "another U-label" 80 tls-verify "hostname mismatch"
	assert_json "another U-label: its own A-label was checked" \
		'.tls[0].expected_name' mail.xn--bchers-3ya.example

	say "a certificate for localhost, asked for as mail.bücher.example"
	tls_run server --server-name mail.bücher.example
	refused "U-label, other certificate" 80 tls-verify "hostname mismatch"
	assert_contains "U-label, other certificate: detail names the A-label" \
		"$alabel" "$(jf .failure.detail)"
}

check_tls10() {
	say "a server that speaks TLS 1.0 only"
	SERVER_EXTRA=(--tls-min 1.0 --tls-max 1.0)
	tls_run server
	SERVER_EXTRA=()
	refused "TLS 1.0 only" 81 tls-handshake "protocol version"
	assert_match "TLS 1.0 only: the server saw a refused handshake" \
		'^event: tls-failed' "$(grep '^event: tls' "$SRV_LOG")"
}

# Certificate fields are server data: their escapes must not reach the
# terminal, in the text output (which prints the chain) or the JSON.
check_evil_names() {
	say "a certificate whose names hold terminal escapes"
	tls_run evilnames
	refused "escapes in names" 80 tls-verify "self-signed certificate"
	assert_terminal_safe "escapes in names: JSON output is safe" \
		"$RUN_OUT" "$RUN_ERR"
	srv_start "$SERVE" --cert "$PKI/evilnames.pem" \
		--key "$PKI/evilnames.key"
	run_text --ssl --ca-file "$PKI/root.pem" --timeout 3 \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1500
	assert_eq "escapes in names (text): exit status 80" 80 "$RUN_RC"
	assert_contains "escapes in names (text): the subject is shown" \
		"evil" "$(grep 'subject' "$RUN_OUT" || true)"
	assert_terminal_safe "escapes in names: text output is safe" \
		"$RUN_OUT" "$RUN_ERR"
}

main() {
	need_tools openssl
	make_pki
	check_chain_errors
	check_intermediate
	check_wildcard
	check_idn
	check_tls10
	check_evil_names
	finish
}

main "$@"
