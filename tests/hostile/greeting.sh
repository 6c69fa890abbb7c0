#!/usr/bin/env bash
# greeting.sh - hostile greetings and hostile server text.
# Garbage, tagged, NO, BAD and BYE greetings; PREAUTH on a plain link
# when TLS was asked for; terminal escapes in ALERTs and capabilities
# before and after TLS; a REFERRAL that must never be followed.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-51f0d3-greeting'
export IMAPCONN_PASSWORD=$PASSWORD

# Terminal attacks, as scripted server escapes: clear screen, OSC 52
# (write the clipboard) ended by BEL, RIGHT-TO-LEFT OVERRIDE, C1 CSI as
# UTF-8 and as a raw byte.
EVIL='\x1b[2J\x1b]52;c;aGFja2Vk\x07 \xe2\x80\xaegpj.exe \xc2\x9b31m \x9b0m'

# assert_nothing_sent WHAT: the client sent no byte at all.
assert_nothing_sent() {
	assert_eq "$1" "" "$(client_lines)"
}

check_garbage() {
	say "garbage instead of a greeting"
	srv_start 'send HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n
read-all'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol greeting
	assert_nothing_sent "garbage: nothing sent"

	say "binary garbage with escapes instead of a greeting"
	srv_start "send \\xff\\xfe$EVIL\\r\\n
read-all"
	run_text --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_eq "binary garbage: exit status 76" 76 "$RUN_RC"
	assert_terminal_safe "binary garbage: text output is terminal-safe" \
		"$RUN_OUT" "$RUN_ERR"
	assert_nothing_sent "binary garbage: nothing sent"
}

check_tagged() {
	say "a tagged reply instead of a greeting"
	srv_start 'sendln A1 OK welcome
read-all'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol greeting
	assert_nothing_sent "tagged greeting: nothing sent"
}

# refusal STATUS: a greeting * STATUS with terminal escapes in its text
# is a refusal by the server, shown escaped.
check_refusal() {
	local status=$1
	say "greeting * $status with escapes in its text"
	srv_start "sendln * $status $EVIL %n%s go away
read-all"
	run_json --starttls=off \
		--timeout 3 -u "$USER_NAME" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 83 server greeting
	assert_contains "$status: the detail shows ESC escaped" '\e[2J' \
		"$(jf .failure.detail)"
	assert_contains "$status: the detail shows the text literally" \
		'%n%s go away' "$(jf .failure.detail)"
	assert_nothing_sent "$status greeting: nothing sent"
	srv_start "sendln * $status $EVIL %n%s go away
read-all"
	run_text --starttls=off \
		--timeout 3 -u "$USER_NAME" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_eq "$status (text): exit status 83" 83 "$RUN_RC"
	assert_terminal_safe "$status: text output is terminal-safe" \
		"$RUN_OUT" "$RUN_ERR"
	assert_contains "$status (text): the server's words are shown" \
		'go away' "$(cat "$RUN_OUT")"
}

check_preauth_plain() {
	say "PREAUTH on a plain link with STARTTLS required"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi
read-all'
	run_json --starttls --timeout 3 -u "$USER_NAME" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 82 starttls starttls
	assert_nothing_sent "PREAUTH, STARTTLS required: nothing sent"
	assert_json "no mailboxes" '.mailboxes | length' 0

	say "PREAUTH on a plain link with STARTTLS opportunistic"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK done
'"$SRV_LOGOUT"
	run_json --starttls=opportunistic --timeout 3 -u "$USER_NAME" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 0 null
	assert_json "the note says the link is unencrypted" \
		'[.notes[] | select(test("UNENCRYPTED"))] | length > 0' true
	assert_no_login "PREAUTH, opportunistic: no LOGIN or AUTHENTICATE"
	assert_no_secret "PREAUTH, opportunistic: no password sent" \
		"$USER_NAME" "$PASSWORD" "$SRV_LOG"
}

# ALERTs with terminal escapes before TLS (greeting) and after it
# (untagged during CAPABILITY, and in the login reply).
check_alerts() {
	local script
	say "ALERTs with terminal escapes before and after TLS"
	script="sendln * OK [ALERT] pre-TLS $EVIL
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR
sendln \$TAG OK done
expect-tag STARTTLS
sendln \$TAG OK Begin TLS negotiation now
starttls
expect-tag CAPABILITY
sendln * OK [ALERT] post-TLS $EVIL
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
sendln \$TAG OK done
expect-tag AUTHENTICATE
sendln \$TAG OK [ALERT] login $EVIL
expect-tag LIST
sendln * LIST () \"/\" INBOX
sendln \$TAG OK done
expect-tag LOGOUT
sendln * BYE $EVIL
sendln \$TAG OK
close"
	srv_start "$script" "${TLS_OPTS[@]}"
	run_json --starttls --ca-file "$PKI/root.pem" --timeout 3 \
		-u "$USER_NAME" --transcript "$WORK/alert-json.tr" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 0 null
	assert_json "three alerts are noted" \
		'[.notes[] | select(test("alert"))] | length' 3
	assert_json "the pre-TLS alert is noted, ESC escaped" \
		'[.notes[] | select(test("pre-TLS \\\\e\\[2J"))] | length' 1
	assert_json "the post-TLS alert is noted, ESC escaped" \
		'[.notes[] | select(test("post-TLS \\\\e\\[2J"))] | length' 1
	assert_terminal_safe "JSON, transcript and stderr are terminal-safe" \
		"$RUN_OUT" "$RUN_ERR" "$WORK/alert-json.tr"
	srv_start "$script" "${TLS_OPTS[@]}"
	run_text --starttls --ca-file "$PKI/root.pem" --timeout 3 \
		-u "$USER_NAME" --transcript "$WORK/alert-text.tr" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_eq "text run: exit status 0" 0 "$RUN_RC"
	assert_contains "text run: the alert is shown" 'post-TLS \e[2J' \
		"$(cat "$RUN_OUT")"
	assert_terminal_safe "text, transcript and stderr are terminal-safe" \
		"$RUN_OUT" "$RUN_ERR" "$WORK/alert-text.tr"
}

# Capability names are atoms, and atoms may hold 8-bit bytes: C1 and
# bidirectional controls in UTF-8, and raw C1 bytes.
check_capability_escapes() {
	local script
	say "capability names with C1 and bidirectional controls"
	local caps='X\xe2\x80\xaeY Z\xc2\x9b2J W\x9b1m'
	script="sendln * OK [CAPABILITY IMAP4rev1 $caps] hi
$SRV_LOGOUT"
	srv_start "$script"
	run_text --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_eq "text run: exit status 0" 0 "$RUN_RC"
	assert_terminal_safe "capabilities in the text output are escaped" \
		"$RUN_OUT" "$RUN_ERR"
	srv_start "$script"
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 1000
	assert_class 0 null
	assert_terminal_safe "capabilities in the JSON output are escaped" \
		"$RUN_OUT" "$RUN_ERR"
}

# A login reply with a REFERRAL to another server: imapconn reports it
# and never connects there (nor reconnects here).
check_referral() {
	local other_log other_pid other_port
	say "REFERRAL in the login reply"
	srv_start 'silent' --many
	other_log=$SRV_LOG
	other_pid=$SRV_PID
	other_port=$SRV_PORT
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR \
LOGIN-REFERRALS] hi
expect-tag AUTHENTICATE
sendln \$TAG NO [REFERRAL imap://$USER_NAME@127.0.0.1:$other_port/] go there
expect-tag LIST
sendln \$TAG NO not logged in
$SRV_LOGOUT" --many
	run_json --starttls=off \
		--allow-plaintext-auth --timeout 2 -u "$USER_NAME" \
		"127.0.0.1:$SRV_PORT"
	sleep 0.5
	srv_stop
	stop_after 3 "$other_pid"
	assert_sane 1000
	assert_class 77 auth authenticate
	assert_contains "the detail shows the referral" "REFERRAL" \
		"$(jf .failure.detail)"
	assert_eq "the referred server got no connection" 0 \
		"$(connections "$other_log")"
	assert_eq "the first server got one connection" 1 \
		"$(connections "$SRV_LOG")"
}

main() {
	need_tools openssl
	pki_basic
	check_garbage
	check_tagged
	check_refusal NO
	check_refusal BAD
	check_refusal BYE
	check_preauth_plain
	check_alerts
	check_capability_escapes
	check_referral
	finish
}

main "$@"
