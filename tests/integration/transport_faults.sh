#!/usr/bin/env bash
# transport_faults.sh - refused port, silent server, stalled TLS handshake.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# A loopback port that refuses: the scripted server's, once it is gone.
check_refused() {
	local port
	say "a closed port: refused"
	closed_port
	port=$CLOSED_PORT
	run_check --timeout 5 "127.0.0.1:$port"
	assert_rc 69 refused connect
	assert_contains "detail says connection refused" \
		"127.0.0.1:$port: connection refused" "$RUN_DETAIL"
	assert_json "the attempt is recorded as refused" \
		'.attempts | map(.address + " " + .result) | join(",")' \
		"127.0.0.1:$port refused"
	assert_between "a refusal is immediate (ms)" 0 3000 "$RUN_MS"
}

check_silent_greeting() {
	say "a listener that accepts and never speaks, --timeout 1"
	scripted_start 'silent'
	run_check --timeout 1 "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 75 timeout greeting
	assert_contains "detail names the wait" 'greeting' "$RUN_DETAIL"
	assert_between "waited_ms about 1000" 900 3000 \
		"$(jf '.failure.waited_ms')"
	assert_json "the connect phase succeeded first" \
		'.phases[] | select(.phase == "connect") | .result' ok
	assert_between "the whole run ends within 10 s (ms)" 0 10000 "$RUN_MS"
	assert_eq "nothing was sent to a server that never greeted" '' \
		"$(client_lines)"
}

check_silent_handshake() {
	say "implicit TLS to a server that never answers the ClientHello"
	scripted_start 'handshake-stall'
	run_check --ssl --timeout 1 "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 75 timeout tls
	# The phase also waits for the TLS context made beside the connect:
	# under sanitizers and load that adds up to a few hundred ms.
	assert_between "the tls phase lasted about 1000 ms" 900 5000 \
		"$(jf '.phases[] | select(.phase == "tls") | .ms')"
	assert_between "waited_ms at most the timeout" 1 3000 \
		"$(jf '.failure.waited_ms')"
	assert_between "the whole run ends within 10 s (ms)" 0 10000 "$RUN_MS"
	assert_match "the server saw a TLS ClientHello" \
		'^plain: \\x16\\x03' "$(client_lines)"
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	check_refused
	check_silent_greeting
	check_silent_handshake
	finish
}

main "$@"
