#!/usr/bin/env bash
# sasl.sh - SASL exchanges with servers that lie or refuse: a SCRAM
# server whose nonce does not extend the client's, or that says OK
# without proving it knows the password, is refused by imapconn; a
# mechanism named with --auth and not offered sends nothing, nor do a
# password against OAuth only, a token without OAuth, EXTERNAL without
# a certificate and GSSAPI without a ticket (each with its hint); the
# OAuth error challenges of OAUTHBEARER and XOAUTH2 are answered as
# their specifications say, kept in the failure, explained in the hint
# (escaped), and exit 77; the token reaches no output.  (A wrong SCRAM server signature needs the
# client's random nonce: tests/check_sasl.c checks it against GNU
# SASL's own server.)
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-5c4a-Hostile'
TOKEN='ya29.Tok-0badc0ffee-Hostile'
PLAIN=(--allow-plaintext-auth --timeout 2 -u "$USER_NAME")

# Gmail's documented error challenge (base64 of its JSON).
GMAIL_JSON='{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}'
GMAIL_B64=$(printf '%s' "$GMAIL_JSON" | base64 -w0)
XO_MSG_B64=$(printf 'user=%s\001auth=Bearer %s\001\001' "$USER_NAME" \
	"$TOKEN" | base64 -w0)

# The files of the last run, for the secret checks.
run_files() { printf '%s\n' "$RUN_OUT" "$RUN_ERR" "$WORK/tr$RUN_COUNT"; }

scram_bad_nonce() {
	say "SCRAM-SHA-256: a server nonce that does not extend ours"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=SCRAM-SHA-256 AUTH=PLAIN SASL-IR] hi
expect-tag AUTHENTICATE SCRAM-SHA-256 
sendln + $(printf 'r=forgednonce,s=c2FsdA==,i=4096' | base64 -w0)
expect *
sendln \$TAG BAD cancelled
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off "${PLAIN[@]}" \
		--transcript "$WORK/tr$((RUN_COUNT + 1))" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "bad nonce: reason server-not-proven" .failure.reason \
		server-not-proven
	assert_contains "bad nonce: the failure says so" "could not prove" \
		"$(jf .failure.detail)"
	check "bad nonce: the exchange was cancelled with *" \
		grep -qxF 'plain: *\r\n' <(client_lines)
	assert_last_sent "bad nonce: nothing but LOGOUT after it" LOGOUT
	assert_contains "bad nonce: the transcript hides the payload" \
		"AUTHENTICATE SCRAM-SHA-256 <sasl>" "$(cat "$WORK/tr$RUN_COUNT")"
	assert_no_secret "bad nonce: no password in any output" \
		"$USER_NAME" "$PASSWORD" $(run_files)
}

scram_ok_unproven() {
	say "SCRAM-SHA-256: OK before the server proved it knows the password"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=SCRAM-SHA-256 SASL-IR] hi
expect-tag AUTHENTICATE SCRAM-SHA-256 
sendln \$TAG OK welcome
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "OK unproven: reason server-not-proven" .failure.reason \
		server-not-proven
	if client_lines | grep -q ' LIST '; then
		fail "OK unproven: no LIST after it" "none" \
			"$(client_lines | grep ' LIST ')"
	else
		pass "OK unproven: no LIST after it"
	fi
}

scram_default_and_plain() {
	say "SCRAM-SHA-256 chosen by default, refused: once more without SCRAM"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR] hi
expect-tag AUTHENTICATE SCRAM-SHA-256 
sendln \$TAG NO [AUTHENTICATIONFAILED] no
expect-tag AUTHENTICATE PLAIN 
sendln \$TAG NO [AUTHENTICATIONFAILED] no
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_class 77 auth authenticate
	assert_json "default: refused as login-refused" .failure.reason \
		login-refused
	assert_json "default: no new connection" '.retried | length' 0
	assert_contains "default: the timeline says why PLAIN followed" \
		"without SCRAM on this connection" "$(jq -r '.notes[]' "$RUN_OUT")"
	assert_eq "default: PLAIN went on the same connection" 1 \
		"$(client_lines | grep -c 'AUTHENTICATE PLAIN')"
	assert_no_secret "default: no password after the retry" "$USER_NAME" \
		"$PASSWORD" $(run_files)
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR] hi
expect-tag AUTHENTICATE PLAIN 
sendln \$TAG NO [AUTHENTICATIONFAILED] no
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off \
		"${PLAIN[@]}" --auth plain \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_class 77 auth authenticate
	assert_eq "--auth plain: no SCRAM sent" 0 \
		"$(client_lines | grep -c 'AUTHENTICATE SCRAM')"
}

mech_not_offered() {
	say "--auth scram-sha-256 against a server offering only PLAIN"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off "${PLAIN[@]}" \
		--auth scram-sha-256 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "not offered: reason mech-not-offered" .failure.reason \
		mech-not-offered
	assert_contains "not offered: the failure names it" SCRAM-SHA-256 \
		"$(jf .failure.detail)"
	assert_no_login "not offered: no LOGIN or AUTHENTICATE sent"
	assert_contains "not offered: the hint lists what is offered" \
		"the server offers PLAIN" "$(jf .failure.hint)"
	assert_json "not offered: JSON lists what is offered" \
		'.failure.offered_mechanisms | join(",")' PLAIN
}

token_needed() {
	say "only XOAUTH2 offered and a password given: nothing sent"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2 SASL-IR] hi
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "token needed: reason token-needed" .failure.reason \
		token-needed
	assert_no_login "token needed: no LOGIN or AUTHENTICATE sent"
	assert_contains "token needed: the hint names the server's side" \
		"it offers XOAUTH2" "$(jf .failure.hint)"
	assert_contains "token needed: the hint names the fix" \
		"--oauth-token-command CMD or IMAPCONN_OAUTH_TOKEN" \
		"$(jf .failure.hint)"
	assert_json "token needed: JSON lists what is offered" \
		'.failure.offered_mechanisms | join(",")' XOAUTH2
	assert_json "token needed: XOAUTH2 is usable" \
		'.usable_mechanisms | join(" ")' XOAUTH2
	assert_no_secret "token needed: no password in any output" \
		"$USER_NAME" "$PASSWORD" $(run_files)
}

oauth_not_offered() {
	say "a token given and no OAuth mechanism offered: nothing sent"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=X-ODD SASL-IR] hi
$SRV_LOGOUT"
	IMAPCONN_OAUTH_TOKEN=$TOKEN run_json --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "no OAuth: reason oauth-not-offered" .failure.reason \
		oauth-not-offered
	assert_no_login "no OAuth: no LOGIN or AUTHENTICATE sent"
	assert_contains "no OAuth: the hint names what is offered" \
		"only SCRAM-SHA-256 PLAIN X-ODD" "$(jf .failure.hint)"
	assert_json "no OAuth: the usable mechanisms" \
		'.usable_mechanisms | join(" ")' "SCRAM-SHA-256 PLAIN"
	assert_no_secret "no OAuth: no token in any output" \
		"$USER_NAME" "$TOKEN" $(run_files)
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=X-ODD SASL-IR] hi
$SRV_LOGOUT"
	IMAPCONN_OAUTH_TOKEN=$TOKEN run_text --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	check "no OAuth: --check marks the usable mechanisms" grep -qxF \
		'  login mechanisms imapconn can use: SCRAM-SHA-256 PLAIN' \
		"$RUN_OUT"
	check "no OAuth: --check names the others" grep -qxF \
		'  offered, not usable by imapconn: X-ODD' "$RUN_OUT"
}

oauthbearer_error() {
	say "OAUTHBEARER: Gmail's error challenge, answered with %x01"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER AUTH=PLAIN SASL-IR] hi
expect-tag AUTHENTICATE OAUTHBEARER 
sendln + $GMAIL_B64
expect AQ==
sendln \$TAG NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)
$SRV_LOGOUT"
	local ob_b64
	ob_b64=$(printf 'n,a=%s,\001host=127.0.0.1\001port=%s\001auth=Bearer %s\001\001' \
		"$USER_NAME" "$SRV_PORT" "$TOKEN" | base64 -w0)
	IMAPCONN_OAUTH_TOKEN=$TOKEN run_json --starttls=off \
		--timeout 2 -u "$USER_NAME" \
		--allow-plaintext-auth --transcript "$WORK/tr$((RUN_COUNT + 1))" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "OAUTHBEARER: the challenge is kept" .failure.challenge \
		"$GMAIL_JSON"
	assert_contains "OAUTHBEARER: the detail shows it" '"scope"' \
		"$(jf .failure.detail)"
	assert_json "OAUTHBEARER: reason oauth-refused" .failure.reason \
		oauth-refused
	assert_contains "OAUTHBEARER: the hint says the token expired" \
		"has expired" "$(jf .failure.hint)"
	assert_contains "OAUTHBEARER: the hint quotes the status" \
		'(status "401")' "$(jf .failure.hint)"
	check "OAUTHBEARER: RFC 7628's message reached the server" \
		grep -qaF "$ob_b64" "$SRV_LOG"
	assert_no_secret "OAUTHBEARER: no token in any output" \
		"$USER_NAME" "$TOKEN" $(run_files)
}

xoauth2_error() {
	say "XOAUTH2 without SASL-IR: the error challenge, an empty answer"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] hi
expect-tag AUTHENTICATE XOAUTH2
sendln + 
expect $XO_MSG_B64
sendln + $GMAIL_B64
readline
sendln \$TAG NO [AUTHENTICATIONFAILED] Invalid credentials
$SRV_LOGOUT"
	run_text --starttls=off \
		--timeout 2 -u "$USER_NAME" --allow-plaintext-auth \
		--oauth-token-command "printf '%s\\n' '$TOKEN'" \
		--transcript "$WORK/tr$((RUN_COUNT + 1))" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_eq "XOAUTH2: exit 77" 77 "$RUN_RC"
	check "XOAUTH2: the answer to the challenge was an empty line" \
		grep -qx 'plain: \\r\\n' <(client_lines)
	assert_contains "XOAUTH2: the text shows the challenge" \
		'"status":"401"' "$(cat "$RUN_OUT")"
	assert_contains "XOAUTH2: the text's hint says the token expired" \
		"has expired, was revoked" "$(cat "$RUN_OUT")"
	assert_not_contains "XOAUTH2: no base64 of the message in output" \
		"$XO_MSG_B64" "$(cat $(run_files))"
	assert_no_secret "XOAUTH2: no token in any output" \
		"$USER_NAME" "$TOKEN" $(run_files)
}

# A server that answers XOAUTH2 with the error challenge of JSON $1.
xoauth2_refusing() {
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] hi
expect-tag AUTHENTICATE XOAUTH2 $XO_MSG_B64
sendln + $(printf '%s' "$1" | base64 -w0)
readline
sendln \$TAG NO [AUTHENTICATIONFAILED] Invalid credentials
$SRV_LOGOUT"
}

oauth_scope() {
	say "XOAUTH2: a 403 challenge, the token lacks the mail scope"
	local json='{"status":"insufficient_scope","scope":"https://outlook.office.com/IMAP.AccessAsUser.All"}'
	xoauth2_refusing "$json"
	IMAPCONN_OAUTH_TOKEN=$TOKEN run_json --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "scope: reason oauth-refused" .failure.reason \
		oauth-refused
	assert_contains "scope: the hint says the scope is missing" \
		"lacks the mail scope" "$(jf .failure.hint)"
	assert_contains "scope: the hint names the scope" \
		'"https://outlook.office.com/IMAP.AccessAsUser.All"' \
		"$(jf .failure.hint)"
	assert_no_secret "scope: no token in any output" \
		"$USER_NAME" "$TOKEN" $(run_files)
}

oauth_hostile_challenge() {
	say "XOAUTH2: an error challenge with control bytes, escaped"
	local json
	json=$(printf '{"status":"401","scope":"x\033[2Jy"}')
	xoauth2_refusing "$json"
	IMAPCONN_OAUTH_TOKEN=$TOKEN run_text --starttls=off "${PLAIN[@]}" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_eq "hostile challenge: exit 77" 77 "$RUN_RC"
	if grep -q $'\033' "$RUN_OUT" "$RUN_ERR"; then
		fail "hostile challenge: no raw ESC in the output" "none" \
			"$(grep -c $'\033' "$RUN_OUT")"
	else
		pass "hostile challenge: no raw ESC in the output"
	fi
	assert_contains "hostile challenge: still a hint" "OAuth" \
		"$(cat "$RUN_OUT")"
}

cram_md5() {
	say "--auth cram-md5: the HMAC of the server's challenge"
	local ch='<1896.697170952@postoffice.example.net>' hmac answer
	hmac=$(printf '%s' "$ch" | openssl dgst -md5 -hmac "$PASSWORD" |
		awk '{ print $NF }')
	answer=$(printf '%s %s' "$USER_NAME" "$hmac" | base64 -w0)
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5 AUTH=PLAIN SASL-IR] hi
expect-tag AUTHENTICATE CRAM-MD5\r
sendln + $(printf '%s' "$ch" | base64 -w0)
expect $answer\r
sendln \$TAG OK done
expect-tag LIST
sendln \$TAG OK listed
$SRV_LOGOUT"
	IMAPCONN_PASSWORD=$PASSWORD run_json --starttls=off \
		"${PLAIN[@]}" --auth cram-md5 \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 0 null
	assert_json "CRAM-MD5: the login" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $USER_NAME, AUTHENTICATE CRAM-MD5"
}

external_no_cert() {
	say "--auth external without a client certificate: nothing sent"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=EXTERNAL SASL-IR] hi
$SRV_LOGOUT"
	run_json --starttls=off \
		"${PLAIN[@]}" --auth external "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_json "EXTERNAL: reason external-no-cert" .failure.reason \
		external-no-cert
	assert_no_login "EXTERNAL: no AUTHENTICATE sent"
	assert_contains "EXTERNAL: the hint names --cert and --key" \
		"--cert FILE and --key FILE" "$(jf .failure.hint)"
}

gssapi_no_ticket() {
	say "--auth gssapi without a Kerberos ticket: nothing sent"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=GSSAPI SASL-IR] hi
$SRV_LOGOUT"
	: >"$WORK/empty.ccache"
	KRB5CCNAME=FILE:$WORK/empty.ccache KRB5_CONFIG=/dev/null \
		run_json --starttls=off \
			"${PLAIN[@]}" --auth gssapi "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 77 auth authenticate
	assert_contains "GSSAPI: the failure names it" GSSAPI \
		"$(jf .failure.detail)"
	assert_no_login "GSSAPI: no AUTHENTICATE sent"
	assert_json "GSSAPI: reason no-kerberos-ticket" .failure.reason \
		no-kerberos-ticket
	assert_contains "GSSAPI: the hint says to run kinit" \
		"no Kerberos ticket: run kinit" "$(jf .failure.hint)"
}

main() {
	need_tools openssl
	scram_bad_nonce
	scram_ok_unproven
	scram_default_and_plain
	mech_not_offered
	token_needed
	oauth_not_offered
	oauthbearer_error
	xoauth2_error
	oauth_scope
	oauth_hostile_challenge
	cram_md5
	external_no_cert
	gssapi_no_ticket
	finish
}

main "$@"
