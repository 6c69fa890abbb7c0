#!/usr/bin/env bash
# starttls.sh - a hostile server around STARTTLS.
# Wrong kinds of answer, replies for tags never sent, responses
# injected before the tagged OK, CAPABILITY after TLS never answered,
# BYE right after the OK.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-7c1e9a-hostile'
export IMAPCONN_PASSWORD=$PASSWORD

GREETING='sendln * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR] ready'

# tls_client_args: connect with STARTTLS required, trusting the test CA.
tls_client_args() {
	printf '%s\n' --starttls --ca-file "$PKI/root.pem" --timeout 2 \
		-u "$USER_NAME" "127.0.0.1:$SRV_PORT"
}

# The checks shared by every refused STARTTLS: no handshake, nothing
# sent after the STARTTLS command, no credentials anywhere.
assert_stopped_at_starttls() {
	local what=$1
	if grep -q '^event: starttls-done' "$SRV_LOG"; then
		fail "$what: no TLS handshake completed" "none" \
			"$(grep '^event: starttls' "$SRV_LOG")"
	else
		pass "$what: no TLS handshake completed"
	fi
	assert_last_sent "$what: nothing sent after STARTTLS" \
		'^plain: A1 STARTTLS\\r\\n$'
	assert_no_login "$what: no LOGIN or AUTHENTICATE"
	assert_no_secret "$what: the password is nowhere" "$USER_NAME" \
		"$PASSWORD" "$SRV_LOG" "$RUN_OUT" "$RUN_ERR"
}

check_untagged_ok() {
	local args
	say "STARTTLS answered with an untagged OK only"
	srv_start "$GREETING
expect-tag STARTTLS
sendln * OK Begin TLS negotiation now
starttls
read-all" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json "${args[@]}"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout starttls
	assert_stopped_at_starttls "untagged OK"
}

check_continuation() {
	local args
	say "STARTTLS answered with a continuation (+)"
	srv_start "$GREETING
expect-tag STARTTLS
sendln + go ahead
starttls
read-all" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json "${args[@]}"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout starttls
	assert_stopped_at_starttls "continuation"
}

check_future_tag() {
	local args
	say "STARTTLS (tag A1) completed by a reply for tag A2, never sent"
	srv_start "$GREETING
expect-tag STARTTLS
sendln A2 OK Begin TLS negotiation now
starttls
read-all" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json "${args[@]}"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol starttls
	assert_contains "detail names the tag never sent" "tag A2" \
		"$(jf .failure.detail)"
	assert_stopped_at_starttls "reply for A2"
}

# Untagged data before the tagged OK is plaintext an attacker could have
# written: none of it may survive TLS.  The server behind TLS lists
# other folders and other capabilities.
check_untagged_injection() {
	local args
	say "untagged CAPABILITY, LIST, EXISTS, STATUS, FETCH before the OK"
	srv_start "$GREETING
expect-tag STARTTLS
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR XPRETLSINJECTED
sendln * LIST (\\\\HasNoChildren) \"/\" PreTlsInjected
sendln * 7 EXISTS
sendln * STATUS PreTlsInjected (MESSAGES 9 UNSEEN 9)
sendln * STATUS INBOX (MESSAGES 9 UNSEEN 9)
sendln * 1 FETCH (FLAGS (\\\\Seen))
sendln \$TAG OK Begin TLS negotiation now
starttls
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR XPOSTTLS
sendln \$TAG OK done
expect-tag LOGIN
sendln \$TAG OK logged in
expect-tag LIST
sendln * LIST (\\\\HasNoChildren) \"/\" INBOX
sendln * LIST (\\\\HasNoChildren) \"/\" PostTlsReal
sendln \$TAG OK done
expect-tag EXAMINE
sendln * FLAGS (\\\\Seen)
sendln * 3 EXISTS
sendln \$TAG OK [READ-ONLY] done
expect-tag LOGOUT
sendln * BYE
sendln \$TAG OK
close" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json --select INBOX "${args[@]}"
	srv_stop
	assert_sane 2000
	assert_class 0 null
	assert_json "only the folders listed over TLS" \
		'[.mailboxes[].name] | join(",")' "INBOX,PostTlsReal"
	assert_json "the injected capability is nowhere" \
		'[.capabilities[].list | select(test("XPRETLSINJECTED"))] |
		length' 0
	assert_json "the capabilities after TLS are the server's" \
		'.capabilities[] | select(.when == "tls") | .list |
		test("XPOSTTLS")' true
	assert_json "EXISTS comes from the EXAMINE over TLS" \
		'.selected.messages' 3
	assert_json "no STATUS counts were taken from before TLS" \
		'[.mailboxes[] | select(.messages != null)] | length' 0
	assert_not_contains "the injected folder is not in the output" \
		PreTlsInjected "$(cat "$RUN_OUT")"
	check "the login went over TLS" grep -q \
		'^tls: A[0-9]* LOGIN ' "$SRV_LOG"
	assert_match "the client sent nothing in plain text after STARTTLS" \
		'^plain: A1 STARTTLS' \
		"$(grep '^plain:' "$SRV_LOG" | tail -n 1)"
	# The text timeline must not show it either.
	srv_start "$GREETING
expect-tag STARTTLS
sendln * LIST (\\\\HasNoChildren) \"/\" PreTlsInjected
sendln * CAPABILITY IMAP4rev1 XPRETLSINJECTED
sendln \$TAG OK Begin TLS negotiation now
starttls
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR XPOSTTLS
sendln \$TAG OK done
expect-tag LOGIN
sendln \$TAG OK logged in
expect-tag LIST
sendln * LIST (\\\\HasNoChildren) \"/\" PostTlsReal
sendln \$TAG OK done
expect-tag LOGOUT
sendln * BYE
sendln \$TAG OK
close" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_text "${args[@]}"
	srv_stop
	assert_sane 2000
	assert_eq "text run: exit status 0" 0 "$RUN_RC"
	assert_not_contains "text run: no injected folder" PreTlsInjected \
		"$(cat "$RUN_OUT")"
	assert_not_contains "text run: no injected capability" \
		XPRETLSINJECTED "$(cat "$RUN_OUT")"
	assert_contains "text run: the real folder" PostTlsReal \
		"$(cat "$RUN_OUT")"
}

# With LOGINDISABLED and no AUTH=PLAIN before TLS only the capabilities
# after TLS can say how to log in: CAPABILITY goes alone, and the
# client must wait for its answer, never reuse what came before TLS.
check_caps_after_tls_unanswered() {
	local args
	say "CAPABILITY after TLS never answered"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED \
AUTH=LOGIN] ready
expect-tag STARTTLS
sendln \$TAG OK Begin TLS negotiation now
starttls
expect-tag CAPABILITY
silent" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json "${args[@]}"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout capability-tls
	assert_between "waited about the timeout (ms)" 1900 2100 \
		"$(jf .failure.waited_ms)"
	assert_json "no capabilities reported for the TLS link" \
		'[.capabilities[] | select(.when != "before-tls")] | length' 0
	assert_json "no mailboxes" '.mailboxes | length' 0
	assert_no_login "nothing but CAPABILITY was sent over TLS"
	assert_last_sent "CAPABILITY is the last line sent" \
		'^tls: A2 CAPABILITY\\r\\n$'
	assert_no_secret "the password is nowhere" "$USER_NAME" "$PASSWORD" \
		"$SRV_LOG" "$RUN_OUT" "$RUN_ERR"

	say "CAPABILITY after TLS never answered, without a user"
	srv_start "sendln * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready
expect-tag STARTTLS
sendln \$TAG OK Begin TLS negotiation now
starttls
expect-tag CAPABILITY
silent" "${TLS_OPTS[@]}"
	run_json --starttls --ca-file "$PKI/root.pem" --timeout 2 \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout capability-tls
	assert_json "no capabilities reported for the TLS link" \
		'[.capabilities[] | select(.when != "before-tls")] | length' 0
}

check_bye_after_ok() {
	local args
	say "BYE in the same packet as the STARTTLS OK"
	srv_start "$GREETING
expect-tag STARTTLS
send \$TAG OK Begin TLS negotiation now\\r\\n* BYE shutting down\\r\\n
starttls
read-all" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json "${args[@]}"
	srv_stop
	assert_sane 1000
	assert_class 76 protocol starttls
	assert_contains "detail names the injection" "injection" \
		"$(jf .failure.detail)"
	assert_stopped_at_starttls "BYE with the OK"

	say "BYE 200 ms after the STARTTLS OK, during the handshake"
	srv_start "$GREETING
expect-tag STARTTLS
sendln \$TAG OK Begin TLS negotiation now
sleep 200
sendln * BYE shutting down
read-all" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json "${args[@]}"
	srv_stop
	assert_sane 1000
	assert_class 81 tls-handshake starttls
	assert_no_login "BYE during the handshake: no LOGIN or AUTHENTICATE"
	assert_match "only STARTTLS and a ClientHello were sent" \
		'^plain: A1 STARTTLS\\r\\n plain: \\x16\\x03' \
		"$(client_lines | head -n 2 | cut -c 1-30 | tr '\n' ' ')"
}

# Not hostile, but a path of its own: AUTHENTICATE PLAIN without SASL-IR
# after STARTTLS waits for "+", so CAPABILITY's reply must be read
# before the login goes out, not taken for a refusal of it.
check_plain_without_ir() {
	local args
	say "STARTTLS, then AUTHENTICATE PLAIN without SASL-IR"
	srv_start 'sendln * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready
expect-tag STARTTLS
sendln $TAG OK go
starttls
expect-tag CAPABILITY
sendln * CAPABILITY IMAP4rev1 AUTH=PLAIN XAFTER
sendln $TAG OK caps
expect-tag AUTHENTICATE PLAIN
sendln +
readline
sendln $TAG OK logged in
expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK listed
'"$SRV_LOGOUT" "${TLS_OPTS[@]}"
	mapfile -t args < <(tls_client_args)
	run_json --auth plain "${args[@]}"
	srv_stop
	assert_sane 2000
	assert_class 0 null
	assert_json "no SASL-IR: the capabilities after TLS were kept" \
		'[.capabilities[] | select(.when == "tls") | .list] |
		 any(test("XAFTER"))' true
	assert_json "no SASL-IR: INBOX listed" '[.mailboxes[].name] |
		join(",")' INBOX
	assert_no_secret "no SASL-IR: the password is nowhere" "$USER_NAME" \
		"$PASSWORD" "$RUN_OUT" "$RUN_ERR"
}

main() {
	need_tools openssl
	pki_basic
	check_untagged_ok
	check_continuation
	check_future_tag
	check_untagged_injection
	check_caps_after_tls_unanswered
	check_bye_after_ok
	check_plain_without_ir
	finish
}

main "$@"
