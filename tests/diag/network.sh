#!/usr/bin/env bash
# network.sh - hints for names that do not resolve, ports that refuse or
# do not answer, and addresses of one family or of several failing each
# its own way.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

check_no_such_name() {
	say "a name in .invalid (RFC 6761: never resolves)"
	run_check --timeout 5 nohost.invalid
	assert_rc 68 dns resolve
	assert_hint dns resolve 'nohost.invalid does not resolve here' \
		'getent hosts nohost.invalid'
}

check_no_dns_server() {
	say "no DNS server answers (a private resolv.conf naming a closed" \
		"loopback port)"
	private_etc resolv.conf 'nameserver 127.0.0.9' \
		'options timeout:1 attempts:1' || return 0
	run_check --timeout 5 mail.example.test
	private_etc_end
	assert_hint dns resolve 'no DNS server answered for mail.example.test'
	assert_reason dns-temporary
}

# A listener on 127.0.0.1 only: an address of the other family refuses.
check_wrong_family() {
	say "[::1] to a listener on 127.0.0.1 only: the hint names IPv6"
	scripted_start 'silent'
	run_check --timeout 5 "[::1]:$SCRIPTED_PORT"
	assert_rc 69 refused connect
	assert_hint refused connect \
		"nothing listens on port $SCRIPTED_PORT at [::1] (IPv6)" \
		'try 127.0.0.1 if it listens on IPv4 only'

	say "a name that resolves to ::1 only, listener on 127.0.0.1 only"
	private_etc hosts '::1 v6only.test' || return 0
	run_check --timeout 5 "v6only.test:$SCRIPTED_PORT"
	private_etc_end
	assert_hint refused connect \
		'(IPv6), the only family v6only.test resolves to' \
		'try 127.0.0.1 if it listens on IPv4 only'

	say "a name that resolves to 127.0.0.1 only, listener on ::1 only"
	scripted_start 'silent' --listen ::1
	private_etc hosts '127.0.0.1 v4only.test' || return 0
	run_check --timeout 5 "v4only.test:$SCRIPTED_PORT"
	private_etc_end
	assert_hint refused connect \
		'at 127.0.0.1 (IPv4),' \
		'the only family v4only.test resolves to' \
		'try [::1] if it listens on IPv6 only'
}

check_refused() {
	local port
	say "a closed port: refused"
	closed_port
	port=$CLOSED_PORT
	run_check --timeout 5 "127.0.0.1:$port"
	assert_rc 69 refused connect
	assert_hint refused connect "nothing listens on port $port at" \
		'check Port (--port; 993 for TLS, 143 for STARTTLS)'
}

# A listener whose queue is full answers no new connection: on the wire
# the same as a firewall that drops packets.
check_no_answer() {
	local p
	say "a listener with a full backlog, --timeout 1: connect times out"
	listener_start 'silent'
	backlog_fill "$SCRIPTED_PORT"
	run_check --timeout 1 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 75 timeout connect
	assert_hint timeout connect \
		"no answer from 127.0.0.1 (IPv4) on port $SCRIPTED_PORT" \
		"port $SCRIPTED_PORT within 1 s" \
		'a firewall may drop the connection' '--timeout 3'

	say "a name for ::1 and 127.0.0.1: ::1 refuses, 127.0.0.1 is full"
	private_etc hosts '::1 dual.test' '127.0.0.1 dual.test' || return 0
	run_check --timeout 1 "dual.test:$SCRIPTED_PORT"
	private_etc_end
	assert_rc 75 timeout connect
	p=$SCRIPTED_PORT
	assert_jsons "both addresses were tried" \
		'.attempts | map(.address + " " + .result) | join(",")' \
		"[::1]:$p refused,127.0.0.1:$p timed out"
	assert_hint timeout connect '[::1] (IPv6) refused' \
		'127.0.0.1 (IPv4) did not answer in 1 s' \
		'a firewall for the silent one'
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	check_no_such_name
	check_no_dns_server
	check_refused
	check_wrong_family
	check_no_answer
	finish
}

main "$@"
