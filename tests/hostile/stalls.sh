#!/usr/bin/env bash
# stalls.sh - servers that stall: each ends as a timeout, on time.
# Silent after accept, silent in the TLS handshake (implicit and
# STARTTLS), a reply dripped one byte every two seconds, a literal
# announced and never sent.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-90d2aa-stalls'
export IMAPCONN_PASSWORD=$PASSWORD
# How late a timeout may fire on a busy machine; a wait stretched by a
# drip would be later by whole drip intervals (2 s).
SLACK_MS=1500

# phase_ms PHASE: how long the last run's PHASE lasted.
phase_ms() {
	jf "[.phases[] | select(.phase == \"$1\") | .ms] | last"
}

check_silent() {
	say "silent after accept, --timeout 2"
	srv_start 'silent'
	run_json --starttls=off \
		--timeout 2 -u "$USER_NAME" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout greeting
	assert_between "waited_ms is the timeout" 1900 2200 \
		"$(jf .failure.waited_ms)"
	assert_between "the greeting phase lasted the timeout (ms)" 1900 \
		$((2000 + SLACK_MS)) "$(phase_ms greeting)"
	assert_eq "nothing was sent" "" "$(client_lines)"
}

check_handshake_stall() {
	say "implicit TLS: the server never answers the ClientHello"
	srv_start 'handshake-stall'
	run_json --ssl --timeout 2 -u "$USER_NAME" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout tls
	assert_between "the tls phase lasted the timeout (ms)" 1900 \
		$((2000 + SLACK_MS)) "$(phase_ms tls)"
	assert_match "only a ClientHello was sent" '^plain: \\x16\\x03' \
		"$(client_lines | head -n 1)"
	assert_no_secret "the password is nowhere" "$USER_NAME" "$PASSWORD" \
		"$SRV_LOG" "$RUN_OUT" "$RUN_ERR"

	say "STARTTLS: OK, then the server never answers the ClientHello"
	srv_start 'sendln * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi
expect-tag STARTTLS
sendln $TAG OK Begin TLS negotiation now
handshake-stall'
	run_json --starttls --timeout 2 -u "$USER_NAME" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout starttls
	assert_between "the starttls phase lasted about the timeout (ms)" \
		1900 $((2000 + SLACK_MS)) "$(phase_ms starttls)"
	assert_eq "STARTTLS was the first line sent" 'plain: A1 STARTTLS\r\n' \
		"$(client_lines | head -n 1)"
	assert_match "then a ClientHello" '^plain: \\x16\\x03' \
		"$(client_lines | sed -n 2p)"
	assert_no_login "no LOGIN or AUTHENTICATE"
}

# The timeout is per wait for a whole response: bytes trickling in must
# not keep a reply alive past it.
check_drip() {
	local t
	say "a CAPABILITY reply dripped one byte every 2 s, --timeout 3"
	srv_start 'sendln * OK hi
expect-tag CAPABILITY
drip 2000 * CAPABILITY IMAP4rev1 AUTH=PLAIN STARTTLS ID ENABLE IDLE\r\n
sendln $TAG OK done'
	run_json --starttls=off --timeout 3 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 3000
	assert_class 75 timeout capability
	t=$(phase_ms capability)
	assert_between "the timeout came 3 s after the command (ms)" 2800 \
		$((3000 + SLACK_MS)) "$t"
	assert_between "waited_ms is the timeout, not stretched" 2900 3100 \
		"$(jf .failure.waited_ms)"
	assert_json "no capabilities were taken from the partial reply" \
		'.capabilities | length' 0
}

# One complete LIST line every timeout-minus-one seconds satisfies every
# wait: the bound on the whole connection ends it, named as trickling.
check_trickle() {
	local script='sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST' i
	for ((i = 1; i <= 30; i++)); do
		script+=$'\nsleep 1500\nsendln * LIST () "/" Trickle'$i
	done
	script+=$'\nsleep 1500\nsendln $TAG OK listed\nread-all 60000'
	say "a LIST line every 1.5 s, --timeout 2 --deadline 6"
	srv_start "$script"
	run_json --starttls=off --timeout 2 --deadline 6 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 6000
	assert_class 75 timeout list
	assert_contains "the detail names the deadline" "deadline of 6 s" \
		"$(jf .failure.detail)"
	assert_contains "the detail says the server was trickling" \
		"trickling" "$(jf .failure.detail)"
	assert_contains "the hint names --deadline" "--deadline" \
		"$(jf .failure.hint)"
	assert_eq "the reason is the deadline" deadline \
		"$(jf .failure.reason)"
	assert_between "waited_ms is the whole connection (ms)" 5900 \
		$((6000 + SLACK_MS)) "$(jf .failure.waited_ms)"

	say "the default deadline is four timeouts"
	srv_start "$script"
	run_text --starttls=off --timeout 1.6 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 6400
	assert_eq "default deadline: exit status 75" 75 "$RUN_RC"
	assert_contains "default deadline: 6.4 s in all" \
		"timeout 1.6 s per wait, 6.4 s in all" "$(head -n 1 "$RUN_OUT")"
	assert_contains "default deadline: named" "deadline of 6.4 s" \
		"$(cat "$RUN_OUT")"
}

check_literal_stall() {
	say "a LIST reply announcing {10}, then silence"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
send * LIST () "/" {10}\r\n
silent'
	run_json --starttls=off --timeout 2 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout list
	assert_between "the list phase lasted the timeout (ms)" 1900 \
		$((2000 + SLACK_MS)) "$(phase_ms list)"
	assert_json "no mailbox came of it" '.mailboxes | length' 0
	assert_last_sent "nothing was sent after LIST" \
		'^plain: A1 LIST "" "\*"\\r\\n$'

	say "{10} and three bytes of the literal, then silence"
	srv_start 'sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
send * LIST () "/" {10}\r\nabc
silent'
	run_json --starttls=off --timeout 2 "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_class 75 timeout list
}

main() {
	need_tools jq
	check_silent
	check_handshake_stall
	check_drip
	check_trickle
	check_literal_stall
	finish
}

main "$@"
