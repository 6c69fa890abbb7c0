#!/usr/bin/env bash
# capabilities.sh - a server that names hundreds of capabilities before
# the ones that decide how to log in: none may be dropped.  LOGINDISABLED
# after 300 others still keeps LOGIN from going out in clear, and
# STARTTLS after 300 others is still found.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='S3cr3t-PW'
export IMAPCONN_PASSWORD=$PASSWORD

# greet_with LAST: a greeting whose capability list is IMAP4rev1, 300
# fillers, then LAST.
greet_with() {
	printf '%s\n' 'send * OK [CAPABILITY IMAP4rev1' \
		'repeat 300 \x20X-FILLER' "sendln \\x20$1] hi"
}

check_logindisabled() {
	say "LOGINDISABLED after 300 capabilities, plaintext allowed"
	srv_start "$(greet_with LOGINDISABLED)
$SRV_LOGOUT"
	run_json --starttls=off \
		--timeout 2 -u "$USER_NAME" --allow-plaintext-auth \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_contains "the failure says LOGIN is disabled" LOGINDISABLED \
		"$(jf .failure.detail)"
	if client_lines | grep -qiE ' (LOGIN|AUTHENTICATE) '; then
		fail "no LOGIN sent" "none" "$(client_lines | head -n 3)"
	else
		pass "no LOGIN sent"
	fi
	assert_not_contains "no password reached the server" "$PASSWORD" \
		"$(cat "$SRV_LOG")"
	assert_json "every capability was kept" \
		'[.capabilities[0].list | split(" ") | .[]
		  | select(. == "X-FILLER")] | length' 300
}

check_starttls() {
	say "STARTTLS after 300 capabilities, --starttls"
	srv_start "$(greet_with STARTTLS)
expect-tag STARTTLS
sendln \$TAG OK begin
starttls
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1
sendln \$TAG OK
$SRV_LOGOUT" "${TLS_OPTS[@]}"
	run_json --timeout 2 --starttls --ca-file "$PKI/root.pem" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 0 null
	check "STARTTLS was sent and TLS made" \
		grep -q '^event: starttls-done' "$SRV_LOG"
	assert_json "the starttls phase succeeded" \
		'.phases[] | select(.phase == "starttls") | .result' ok
}

main() {
	need_tools openssl
	pki_basic
	check_logindisabled
	check_starttls
	finish
}

main "$@"
