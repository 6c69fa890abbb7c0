#!/usr/bin/env bash
# detect.sh - --detect against the test Dovecot's listeners: both found,
# implicit TLS recommended, certificate problems, refusals, timeouts and
# no STARTTLS told apart, no credentials sent, SRV lookups that fail
# reported cleanly and quickly.
#
# Where unshare(1) can make a private mount namespace, every run uses a
# resolv.conf naming 127.0.0.1 (where no DNS server listens): no query
# leaves the machine and the SRV lookups fail at once, as on a machine
# without DNS.  Otherwise the machine's own resolver is used.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

PRIVATE_DNS=no
# For sh -c, in a new mount namespace: $1 becomes /etc/resolv.conf, then
# the rest runs.
# shellcheck disable=SC2016
readonly IN_NS='mount --bind "$1" /etc/resolv.conf && shift && exec "$@"'

setup_private_dns() {
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		>"$WORK/resolv.conf"
	if command -v unshare >/dev/null 2>&1 &&
		unshare -m sh -c "$IN_NS" sh "$WORK/resolv.conf" true \
			2>/dev/null; then
		PRIVATE_DNS=yes
	fi
	say "private DNS (resolv.conf -> 127.0.0.1): $PRIVATE_DNS"
}

# detect OUT ARG...: imapconn --detect ... into OUT (stdout); sets
# RUN_RC, RUN_MS and RUN_OUT (for jf and the assertions of lib.sh).
detect() {
	local out=$1
	shift
	run_begin out "$@"
	RUN_OUT=$out RUN_ERR=$out.err
	if [ "$PRIVATE_DNS" = yes ]; then
		timeout -k 5 60 unshare -m sh -c "$IN_NS" sh \
			"$WORK/resolv.conf" "$IMAPCONN" "$@" \
			>"$out" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	else
		timeout -k 5 60 "$IMAPCONN" "$@" >"$out" 2>"$RUN_ERR" \
			</dev/null || RUN_RC=$?
	fi
	run_end
}

check_both_found() {
	local mark log re
	say "localhost on the two listeners, CA given: both ok, implicit first"
	mark=$(dovecot_log_mark)
	detect "$WORK/both.json" --detect localhost --json --timeout 5 \
		--detect-ports "$IMAPS_PORT,$IMAP_PORT" --ca-file "$CA_FILE"
	assert_eq "exit status 0 (a server is recommended)" 0 "$RUN_RC"
	assert_json "the name" .name localhost
	assert_eq "implicit TLS: ok" ok \
		"$(probe result localhost "$IMAPS_PORT" implicit-tls)"
	assert_eq "implicit TLS: verified" true \
		"$(probe verified localhost "$IMAPS_PORT" implicit-tls)"
	assert_match "implicit TLS: a TLS version" '^TLSv1\.[23]$' \
		"$(probe tls_version localhost "$IMAPS_PORT" implicit-tls)"
	assert_eq "implicit TLS: mechanisms after TLS" '["PLAIN","LOGIN"]' \
		"$(probe 'auth | tojson' localhost "$IMAPS_PORT" implicit-tls)"
	assert_eq "STARTTLS: ok" ok \
		"$(probe result localhost "$IMAP_PORT" starttls)"
	assert_eq "STARTTLS: verified" true \
		"$(probe verified localhost "$IMAP_PORT" starttls)"
	assert_eq "STARTTLS: mechanisms after TLS" '["PLAIN","LOGIN"]' \
		"$(probe 'auth | tojson' localhost "$IMAP_PORT" starttls)"
	assert_eq "checked for the name typed" localhost \
		"$(probe checked_name localhost "$IMAP_PORT" starttls)"
	assert_eq "implicit TLS: the server's ID answer names it" Dovecot \
		"$(probe server localhost "$IMAPS_PORT" implicit-tls)"
	assert_jsons \
		"recommended: localhost" .recommended.host localhost \
		"recommended: the implicit TLS port" .recommended.port \
		"$IMAPS_PORT" \
		"recommended: implicit TLS (RFC 8314)" .recommended.mode \
		implicit-tls \
		"the guesses are probed too" \
		'[.probes[].host] | unique | join(" ")' \
		'imap.localhost localhost mail.localhost' \
		"the guesses are checked for themselves" \
		'[.probes[] | select(.origin == "guess") |
		 .host == .checked_name] | all' true \
		"two SRV lookups" '[.srv_lookups[].name] | join(" ")' \
		'_imaps._tcp.localhost _imap._tcp.localhost' \
		"no SRV records found" '[.srv_records[]] | length' 0
	assert_match "the SRV lookups say: no SRV records" \
		'^no SRV records( \(.*\))?$' "$(jf '.srv_lookups[0].result')"
	re="^imapconn --check --ssl --ca-file '.*' -u USER"
	re+=" localhost:$IMAPS_PORT\$"
	assert_match "the recommended command" "$re" \
		"$(jf .recommended.command)"
	log=$(dovecot_log_since "$mark")
	assert_not_contains "no login reached Dovecot" "Login: user=" "$log"
	assert_not_contains "no authentication was tried" "auth failed" "$log"
	assert_contains "the connections ended without authentication" \
		"no auth attempts" "$log"
}

check_text() {
	local out want tail=' +ok +TLSv1\.[23] +PLAIN LOGIN$'
	say "the same as a table"
	detect "$WORK/both.txt" --detect localhost --timeout 5 \
		--detect-ports "$IMAPS_PORT,$IMAP_PORT" --ca-file "$CA_FILE"
	out=$(cat "$RUN_OUT")
	assert_eq "exit status 0" 0 "$RUN_RC"
	assert_match "the implicit TLS row" \
		"^  localhost +$IMAPS_PORT  implicit TLS$tail" "$out"
	assert_match "the STARTTLS row" \
		"^  localhost +$IMAP_PORT  STARTTLS$tail" "$out"
	assert_match "the guesses' rows" \
		"^  imap\.localhost +$IMAPS_PORT  implicit TLS  [a-z]" "$out"
	want="recommended: localhost port $IMAPS_PORT, implicit TLS,"
	want+=" certificate verified for localhost"
	assert_contains "the recommendation" "$want" "$out"
	assert_match "the SRV lines" \
		'^  _imaps\._tcp\.localhost +no SRV records' "$out"
	assert_contains "says that no credentials are sent" \
		"No credentials are sent." "$out"
}

check_no_ca() {
	say "without the test CA: certificate problems, nothing recommended"
	detect "$WORK/noca.json" --detect localhost --json --timeout 5 \
		--detect-ports "$IMAPS_PORT,$IMAP_PORT"
	assert_eq "exit status 69 (nothing usable)" 69 "$RUN_RC"
	assert_eq "implicit TLS: certificate problem" certificate \
		"$(probe result localhost "$IMAPS_PORT" implicit-tls)"
	assert_eq "STARTTLS: certificate problem" certificate \
		"$(probe result localhost "$IMAP_PORT" starttls)"
	assert_match "the detail names the reason" \
		'certificate verify failed' \
		"$(probe detail localhost "$IMAPS_PORT" implicit-tls)"
	assert_json "nothing recommended" .recommended null
}

# --server-name and --ca-file are what every probe uses, and the output
# says so.
check_named() {
	local out
	say "--server-name: every probe checks that name, and says so"
	detect "$WORK/named.json" --detect 127.0.0.1 --json --timeout 5 \
		--detect-ports "$IMAPS_PORT,$IMAP_PORT" --ca-file "$CA_FILE" \
		--server-name wrong.example.test
	assert_eq "implicit TLS: checked for the name given" \
		wrong.example.test \
		"$(probe checked_name 127.0.0.1 "$IMAPS_PORT" implicit-tls)"
	assert_eq "implicit TLS: the name is not the certificate's" \
		certificate \
		"$(probe result 127.0.0.1 "$IMAPS_PORT" implicit-tls)"
	assert_eq "STARTTLS: checked for the name given" wrong.example.test \
		"$(probe checked_name 127.0.0.1 "$IMAP_PORT" starttls)"

	say "--server-name localhost against 127.0.0.1: verified for it"
	detect "$WORK/named.txt" --detect 127.0.0.1 --timeout 5 \
		--detect-ports "$IMAPS_PORT,$IMAP_PORT" --ca-file "$CA_FILE" \
		--server-name localhost
	out=$(cat "$RUN_OUT")
	assert_contains "the recommendation names it" \
		"certificate verified for localhost" "$out"
	assert_contains "the command carries it" "--server-name 'localhost'" \
		"$out"
	assert_contains "the trust and the name are said" \
		"Certificates: trusting the system store and --ca-file $CA_FILE; every certificate checked for localhost (--server-name)" \
		"$out"

	say "a CA file given that is not the issuer: not told to give one"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$WORK/other.key" -out "$WORK/other-ca.pem" \
		-days 2 -subj /CN=other >/dev/null 2>&1 ||
		hard_fail "could not make a CA"
	detect "$WORK/other.txt" --detect localhost --timeout 5 \
		--detect-ports "$IMAPS_PORT,$IMAP_PORT" \
		--ca-file "$WORK/other-ca.pem"
	out=$(cat "$RUN_OUT")
	assert_contains "says the CAs given did not help" \
		"certificate problems even with the CAs given" "$out"
	assert_not_contains "does not ask for a CA file again" \
		"a private CA needs" "$out"
}

check_address() {
	say "127.0.0.2: STARTTLS only (LOGINDISABLED before TLS), no SRV"
	detect "$WORK/addr.json" --detect 127.0.0.2 --json --timeout 5 \
		--detect-ports "$IMAPS_PORT,$LD_PORT" --ca-file "$CA_FILE"
	assert_eq "exit status 0" 0 "$RUN_RC"
	assert_jsons \
		"an address: no SRV lookup" '.srv_lookups | length' 0 \
		"an address: no guesses" '.probes | length' 2 \
		"recommended: STARTTLS when implicit TLS is refused" \
		.recommended.mode starttls \
		"checked for the address" .recommended.checked_name 127.0.0.2
	assert_eq "implicit TLS: refused" refused \
		"$(probe result 127.0.0.2 "$IMAPS_PORT" implicit-tls)"
	assert_eq "STARTTLS: ok" ok \
		"$(probe result 127.0.0.2 "$LD_PORT" starttls)"
	assert_eq "STARTTLS: no LOGINDISABLED once under TLS" false \
		"$(probe login_disabled 127.0.0.2 "$LD_PORT" starttls)"
}

check_crossed_ports() {
	say "ports crossed: TLS to the plain port, STARTTLS to the TLS port"
	detect "$WORK/crossed.json" --detect localhost --json --timeout 1 \
		--detect-ports "$IMAP_PORT,$IMAPS_PORT" --ca-file "$CA_FILE"
	assert_eq "exit status 69" 69 "$RUN_RC"
	assert_eq "implicit TLS on the plain port: TLS failed" tls-handshake \
		"$(probe result localhost "$IMAP_PORT" implicit-tls)"
	assert_eq "STARTTLS on the TLS port: no greeting, timeout" timeout \
		"$(probe result localhost "$IMAPS_PORT" starttls)"
	assert_between "bounded by the timeout (ms)" 0 6000 "$RUN_MS"
}

# A server without STARTTLS, from the scripted server.
check_no_starttls() {
	say "a server that offers no STARTTLS"
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
read-all 3000
close'
	# 127.0.0.1:LD_PORT: Dovecot's LD listener is on 127.0.0.2 only.
	detect "$WORK/nostarttls.json" --detect 127.0.0.1 --json --timeout 3 \
		--detect-ports "$LD_PORT,$SCRIPTED_PORT"
	scripted_wait 5
	assert_eq "exit status 69" 69 "$RUN_RC"
	assert_eq "STARTTLS: no STARTTLS" no-starttls \
		"$(probe result 127.0.0.1 "$SCRIPTED_PORT" starttls)"
	assert_eq "implicit TLS where nothing listens: refused" refused \
		"$(probe result 127.0.0.1 "$LD_PORT" implicit-tls)"
	assert_no_credentials_sent "no STARTTLS" "" "Wonder-land.42"
}

check_usage() {
	local err
	say "usage errors"
	err=$("$IMAPCONN" --detect 'exa mple.com' 2>&1 >/dev/null) &&
		fail "a bad name is refused" "exit 64" "exit 0"
	assert_contains "a bad name is named" \
		"expected a domain or host name" "$err"
	err=$("$IMAPCONN" --detect localhost --detect-ports 993 2>&1 \
		>/dev/null) && fail "one port is refused" "exit 64" "exit 0"
	assert_contains "--detect-ports wants two ports" "two ports" "$err"
	err=$("$IMAPCONN" --detect localhost localhost 2>&1 >/dev/null) &&
		fail "a HOST as well is refused" "exit 64" "exit 0"
	assert_contains "--detect takes no HOST" "give no HOST" "$err"
}

main() {
	need_servers
	setup_private_dns
	run_checks check_both_found check_text check_no_ca check_named \
		check_address \
		check_crossed_ports check_no_starttls check_usage
}

main "$@"
