#!/usr/bin/env bash
# secrets.sh - the password must reach no output, whatever the server.
# A known password against servers that echo it back and fail in
# different ways: --check text, --json, --transcript and stderr are
# searched for it and its base64 forms, and so is --report's file.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-0d15ea5e-Hostile'
export IMAPCONN_PASSWORD=$PASSWORD
PLAIN_B64=$(printf '\0%s\0%s' "$USER_NAME" "$PASSWORD" | base64 -w0)
PW_B64=$(printf '%s' "$PASSWORD" | base64 -w0)

GREET_LOGIN='sendln * OK [CAPABILITY IMAP4rev1] hi'
GREET_PLAIN_IR='sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi'
GREET_PLAIN='sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi'
TAIL='expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK done
'"$SRV_LOGOUT"

# secret_case NAME SENT SCRIPT [CLIENT OPTION...]: runs the server
# SCRIPT twice, for --check and for --check --json, each with a
# transcript, and searches stdout, stderr and the transcript of both for
# the password.  SENT is yes when the password must have reached the
# server (a check that the search would see it).
secret_case() {
	local name=$1 sent=$2 script=$3 mode files=()
	shift 3
	say "$name"
	for mode in text json; do
		srv_start "$script" "${SRV_EXTRA[@]}"
		"run_$mode" --timeout 2 -u "$USER_NAME" \
			--transcript "$WORK/$name.$mode.tr" \
			--report "$WORK/$name.$mode.report" "$@" \
			"127.0.0.1:$SRV_PORT"
		srv_stop
		assert_sane 2000
		files+=("$RUN_OUT" "$RUN_ERR" "$WORK/$name.$mode.tr"
			"$WORK/$name.$mode.report")
		if [ "$sent" = yes ]; then
			check "$name ($mode): the password reached it" \
				grep -qaE -- "$PASSWORD|$PLAIN_B64|$PW_B64" \
				"$SRV_LOG"
		fi
	done
	check "$name: the transcript file exists" test -e "$WORK/$name.json.tr"
	check "$name: the report file exists" test -s "$WORK/$name.json.report"
	assert_no_secret "$name: no password in any output" "$USER_NAME" \
		"$PASSWORD" "${files[@]}"
}

SRV_EXTRA=()

main() {
	need_tools openssl
	pki_basic
	local plain=(--starttls=off --allow-plaintext-auth)

	secret_case login-ok yes "$GREET_LOGIN
expect-tag LOGIN
sendln \$TAG OK logged in
$TAIL" "${plain[@]}"

	secret_case login-no-echo yes "$GREET_LOGIN
expect-tag LOGIN
sendln \$TAG NO [AUTHENTICATIONFAILED] LOGIN $USER_NAME $PASSWORD rejected
read-all 1000" "${plain[@]}"

	secret_case login-bad-echo yes "$GREET_LOGIN
expect-tag LOGIN
sendln \$TAG BAD Error in IMAP command LOGIN: \"$PASSWORD\"
read-all 1000" "${plain[@]}"

	secret_case plain-ir-echo yes "$GREET_PLAIN_IR
expect-tag AUTHENTICATE
sendln \$TAG NO invalid SASL response $PLAIN_B64
read-all 1000" "${plain[@]}"

	secret_case plain-continuation-echo yes "$GREET_PLAIN
expect-tag AUTHENTICATE PLAIN
sendln + 
readline
sendln + $PLAIN_B64
sendln \$TAG NO [ALERT] you sent $PW_B64
read-all 1000" "${plain[@]}"

	secret_case bye-alert-echo yes "$GREET_LOGIN
expect-tag LOGIN
sendln * BYE [ALERT] goodbye $USER_NAME:$PASSWORD
close" "${plain[@]}"

	secret_case list-refused-echo yes "$GREET_LOGIN
expect-tag LOGIN
sendln \$TAG OK [ALERT] welcome, your password is $PASSWORD
expect-tag LIST
sendln \$TAG NO LIST refused for $PASSWORD
read-all 1000" "${plain[@]}"

	secret_case id-echo yes "sendln * OK [CAPABILITY IMAP4rev1 ID] hi
expect-tag ID
sendln * ID (\"name\" \"$PASSWORD\" \"sasl\" \"$PLAIN_B64\")
sendln \$TAG OK
expect-tag LOGIN
sendln \$TAG OK logged in
$TAIL" "${plain[@]}"

	secret_case id-refused-echo yes "sendln * OK [CAPABILITY IMAP4rev1 ID] hi
expect-tag ID
sendln \$TAG BAD not you, $PASSWORD
expect-tag LOGIN
sendln \$TAG OK logged in
$TAIL" "${plain[@]}"

	secret_case silent-after-login yes "$GREET_LOGIN
expect-tag LOGIN
silent" "${plain[@]}"

	secret_case reset-after-login yes "$GREET_LOGIN
expect-tag LOGIN
reset" "${plain[@]}"

	secret_case plaintext-refused no "$GREET_LOGIN
read-all 1000" --starttls=off

	secret_case starttls-missing no "$GREET_LOGIN
read-all 1000" --starttls

	SRV_EXTRA=("${TLS_OPTS[@]}")
	secret_case tls-login-echo yes "tls
$GREET_PLAIN_IR
expect-tag AUTHENTICATE
sendln \$TAG NO [AUTHENTICATIONFAILED] $PLAIN_B64 is not $PASSWORD
read-all 1000" --ssl --ca-file "$PKI/root.pem"

	secret_case tls-untrusted no "tls
$GREET_PLAIN_IR
read-all 1000" --ssl
	SRV_EXTRA=()
	finish
}

main "$@"
