#!/usr/bin/env bash
# sasl_plus.sh - SCRAM with channel binding against a server that checks
# it (tests/sasl_server: GNU SASL's server on its own TLS session):
# SCRAM-SHA-256-PLUS logs in with tls-exporter under TLS 1.3 (when
# named: servers that offer it there do not all implement tls-exporter,
# so the default is SCRAM-SHA-256) and with tls-unique under TLS 1.2
# (chosen by default); a man in the middle with a trusted certificate
# that relays through a TLS session of its own makes the -PLUS login
# fail, where SCRAM without -PLUS would let it in.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-Plus-Hostile-1'
SASL_SERVER=${SASL_SERVER:-$top_builddir/tests/sasl_server}
export IMAPCONN_PASSWORD=$PASSWORD

# plus_start NAME [SERVER OPTION...]: a sasl_server, its port in
# PLUS_PORT, its stderr in $WORK/NAME.err.
plus_start() {
	local name=$1 pid
	shift
	rm -f "$WORK/$name.port"
	"$SASL_SERVER" --cert "$PKI/server.pem" --key "$PKI/server.key" \
		--port-file "$WORK/$name.port" "$@" 2>"$WORK/$name.err" &
	pid=$!
	LIB_PIDS+=("$pid")
	wait_until 10 _port_or_gone "$WORK/$name.port" "$pid" ||
		hard_fail "sasl_server did not start"
	[ -s "$WORK/$name.port" ] ||
		hard_fail "sasl_server: $(cat "$WORK/$name.err")"
	PLUS_PORT=$(cat "$WORK/$name.port")
}

# login WHAT PORT [OPTION...]: a --check --json run against PORT.
login() {
	say "$1"
	local port=$2
	shift 2
	run_json --timeout 5 -u "$USER_NAME" --ssl --ca-file "$PKI/root.pem" \
		"$@" "localhost:$port"
	assert_sane 5000
}

notes() { jq -r '[.. | strings] | join("\n")' "$RUN_OUT"; }

main() {
	need_tools openssl
	[ -x "$SASL_SERVER" ] ||
		skip_all "no $SASL_SERVER (make tests/sasl_server)"
	pki_basic

	plus_start tls13-default --password "$PASSWORD"
	login "TLS 1.3: SCRAM-SHA-256 without -PLUS by default" "$PLUS_PORT"
	assert_class 0 null
	assert_json "TLS 1.3: the default login did not bind" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $USER_NAME, AUTHENTICATE SCRAM-SHA-256"

	plus_start tls13 --password "$PASSWORD"
	login "TLS 1.3: SCRAM-SHA-256-PLUS when named" "$PLUS_PORT" \
		--auth scram-sha-256-plus
	assert_class 0 null
	assert_json "TLS 1.3: the login used -PLUS" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $USER_NAME, AUTHENTICATE SCRAM-SHA-256-PLUS"
	assert_contains "TLS 1.3: the timeline names tls-exporter" \
		"SCRAM-SHA-256-PLUS: channel binding tls-exporter" "$(notes)"
	assert_contains "TLS 1.3: the server checked the binding" \
		"SCRAM-SHA-256-PLUS Libgsasl success" "$(cat "$WORK/tls13.err")"

	plus_start tls12 --password "$PASSWORD" --tls-max 1.2
	login "TLS 1.2: SCRAM-SHA-256-PLUS with tls-unique by default" \
		"$PLUS_PORT"
	assert_class 0 null
	assert_json "TLS 1.2: the default login bound the channel" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $USER_NAME, AUTHENTICATE SCRAM-SHA-256-PLUS"
	assert_contains "TLS 1.2: the timeline names tls-unique" \
		"SCRAM-SHA-256-PLUS: channel binding tls-unique" "$(notes)"

	plus_start wrongpw --password "not-$PASSWORD"
	login "a wrong password: refused" "$PLUS_PORT" --auth scram-sha-256-plus
	assert_class 77 auth authenticate

	local server
	plus_start mitm-server --password "$PASSWORD"
	server=$PLUS_PORT
	plus_start mitm --relay-to "$server"
	login "a relaying man in the middle: -PLUS fails" "$PLUS_PORT" \
		--auth scram-sha-256-plus
	assert_class 77 auth authenticate
	assert_contains "man in the middle: the server saw another binding" \
		"SCRAM-SHA-256-PLUS Error authenticating user" \
		"$(cat "$WORK/mitm-server.err")"

	plus_start mitm-server2 --password "$PASSWORD"
	server=$PLUS_PORT
	plus_start mitm2 --relay-to "$server"
	login "the same man in the middle, SCRAM without -PLUS: let in" \
		"$PLUS_PORT" --auth scram-sha-256
	assert_class 0 null
	finish
}

main "$@"
