#!/usr/bin/env bash
# autoconfig.sh - --detect with an address asks the sources Thunderbird
# asks, and they disagree: the domain's autoconfig file over HTTPS (two
# servers of the test Dovecot), the .well-known file (HTTP 404), the
# ISP database (a server where nothing listens), the autoconfig file
# over plain HTTP (another name for the Dovecot), SRV records (a target
# whose certificate does not name the domain) and an MX record naming
# Google's servers.  Every source is shown with what it said; the
# recommendation comes from the verified HTTPS file and was probed; the
# plain-HTTP answer is probed but never preferred.  Then, with only the
# plain-HTTP file answering, its server is recommended and said to come
# from an unauthenticated source.
#
# Runs in a private mount namespace whose resolv.conf names a dnsmasq
# on 127.0.0.54 serving the test domain's SRV and MX records and
# nothing else: no query leaves the machine.  The HTTP(S) servers are
# socat on loopback, reached through IMAPCONN_TEST_CONNECT_TO.
# Exit 0 pass, 1 fail, 77 skip (not root, or a tool missing).
set -uo pipefail

TEST_NAME='detect-autoconfig'
# shellcheck source-path=SCRIPTDIR
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

readonly DOMAIN=example.test ADDRESS=alice@example.test DNS_ADDR=127.0.0.54
# shellcheck disable=SC2016
readonly IN_NS='mount --bind "$1" /etc/resolv.conf && shift && exec "$@"'

# make_certs: an HTTPS CA of the test's own, a certificate for the
# autoconfig hosts, and BUNDLE trusting it and the Dovecot's CA.
make_certs() {
	local d=$WORK/http
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 \
		-subj '/CN=autoconfig test CA' 2>/dev/null || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/srv.key" -out "$d/srv.csr" \
		-subj "/CN=autoconfig.$DOMAIN" 2>/dev/null || return 1
	printf 'subjectAltName=DNS:autoconfig.%s,DNS:%s,%s\n' "$DOMAIN" \
		"$DOMAIN" 'DNS:autoconfig.thunderbird.net' >"$d/ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" \
		-CAkey "$d/ca.key" -CAcreateserial -days 2 \
		-extfile "$d/ext" -out "$d/srv.pem" 2>/dev/null || return 1
	cat "$CA_FILE" "$d/ca.pem" >"$d/bundle.pem"
	BUNDLE=$d/bundle.pem
}

# config_xml HOST PORT SOCKET...: a clientConfig file naming each
# HOST PORT SOCKET triple as an IMAP server.
config_xml() {
	printf '<?xml version="1.0"?>\n<clientConfig version="1.1">\n'
	printf '<emailProvider id="%s"><domain>%s</domain>\n' "$DOMAIN" \
		"$DOMAIN"
	while [ $# -ge 3 ]; do
		printf '<incomingServer type="imap"><hostname>%s</hostname>' "$1"
		printf '<port>%s</port><socketType>%s</socketType>' "$2" "$3"
		printf '<username>%%EMAILADDRESS%%</username>'
		printf '<authentication>password-cleartext</authentication>'
		printf '</incomingServer>\n'
		shift 3
	done
	printf '</emailProvider></clientConfig>\n'
}

# response FILE STATUS [BODY-FILE]: an HTTP/1.0 response.
response() {
	local len=0
	[ -z "${3:-}" ] || len=$(wc -c <"$3")
	{
		printf 'HTTP/1.0 %s\r\nContent-Type: text/xml\r\n' "$2"
		printf 'Content-Length: %s\r\nConnection: close\r\n\r\n' "$len"
		[ -z "${3:-}" ] || cat "$3"
	} >"$1"
}

# serve VAR TLS RESPONSE: a socat on a free loopback port answering
# every request with RESPONSE (after reading the request's head), over
# TLS with the test certificate when TLS is yes; its port into VAR.
serve() {
	local var=$1 tls=$2 resp=$3 port pid addr i
	for ((i = 0; i < 20; i++)); do
		port=$((20000 + RANDOM % 40000))
		if [ "$tls" = yes ]; then
			addr="OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork"
			addr+=",cert=$WORK/http/srv.pem,key=$WORK/http/srv.key"
			addr+=",verify=0"
		else
			addr="TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork"
		fi
		socat "$addr" SYSTEM:"sh $WORK/respond.sh $resp" \
			2>>"$WORK/socat.log" &
		pid=$!
		if wait_until 5 accepts 127.0.0.1 "$port"; then
			LIB_PIDS+=("$pid")
			printf -v "$var" '%s' "$port"
			return 0
		fi
		stop_pids "$pid"
	done
	hard_fail "no port for a test HTTP server"
}

# start_dns: dnsmasq on DNS_ADDR with the domain's SRV and MX records,
# and the resolv.conf that names it.
start_dns() {
	dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll \
		--bind-interfaces --listen-address="$DNS_ADDR" --port=53 \
		--user=root --pid-file="$WORK/dnsmasq.pid" \
		--srv-host="_imaps._tcp.$DOMAIN,localhost,$IMAPS_PORT,0,0" \
		--mx-host="$DOMAIN,aspmx.l.google.com,10" \
		--log-facility="$WORK/dnsmasq.log" &
	LIB_PIDS+=($!)
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$DNS_ADDR" \
		>"$WORK/resolv.conf"
	wait_until 5 test -s "$WORK/dnsmasq.pid" ||
		hard_fail "dnsmasq did not start ($(cat "$WORK/dnsmasq.log"))"
}

# detect OUT ARG...: imapconn --detect in the namespace, JSON into OUT.
detect() {
	local out=$1
	shift
	run_begin out "$@"
	RUN_OUT=$out RUN_ERR=$out.err
	IMAPCONN_TEST_CONNECT_TO=$CONNECT_TO timeout -k 5 60 unshare -m \
		sh -c "$IN_NS" sh "$WORK/resolv.conf" "$IMAPCONN" "$@" \
		>"$out" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	run_end
}

# source FIELD KEY: a field of one autoconfig source of the last run.
source_of() {
	jq -r --arg k "$2" ".autoconfig.sources[] | select(.source == \$k)
		| .$1 | tostring" "$RUN_OUT" 2>/dev/null || printf '(no JSON)'
}

setup() {
	need_jq
	need_imapconn
	need_dovecot
	need_cmds socat dnsmasq unshare openssl
	[ "$(id -u)" = 0 ] || skip_all "not root (dnsmasq on port 53)"
	unshare -m true 2>/dev/null || skip_all "no private mount namespace"
	lib_workdir detect
	dovecot_start
	make_certs || hard_fail "cannot make the test certificates"
	# Read the request's head, then answer with the file named.
	printf '%s\n' 'while IFS= read -r l; do' \
		'  [ -n "$(printf %s "$l" | tr -d "\r")" ] || break' \
		'done' 'cat "$1"' >"$WORK/respond.sh"
	config_xml localhost "$IMAPS_PORT" SSL localhost "$IMAP_PORT" \
		STARTTLS >"$WORK/ac.xml"
	config_xml localhost 1 SSL >"$WORK/ispdb.xml"
	config_xml 127.0.0.1 "$IMAPS_PORT" SSL >"$WORK/plain.xml"
	response "$WORK/ac.http" '200 OK' "$WORK/ac.xml"
	response "$WORK/wk.http" '404 Not Found'
	response "$WORK/ispdb.http" '200 OK' "$WORK/ispdb.xml"
	response "$WORK/plain.http" '200 OK' "$WORK/plain.xml"
	serve AC_PORT yes "$WORK/ac.http"
	serve WK_PORT yes "$WORK/wk.http"
	serve ISPDB_PORT yes "$WORK/ispdb.http"
	serve PLAIN_PORT no "$WORK/plain.http"
	start_dns
}

check_disagreeing_sources() {
	say "$ADDRESS: every source asked, the verified file preferred"
	CONNECT_TO="autoconfig.$DOMAIN:443:127.0.0.1:$AC_PORT"
	CONNECT_TO+=",$DOMAIN:443:127.0.0.1:$WK_PORT"
	CONNECT_TO+=",autoconfig.thunderbird.net:443:127.0.0.1:$ISPDB_PORT"
	CONNECT_TO+=",autoconfig.$DOMAIN:80:127.0.0.1:$PLAIN_PORT"
	detect "$WORK/all.json" --detect "$ADDRESS" --json --timeout 3 \
		--ca-file "$BUNDLE"
	assert_eq "exit 0: a server is recommended" 0 "$RUN_RC"
	assert_json "the domain is probed" .name "$DOMAIN"
	assert_json "the address is kept" .autoconfig.address "$ADDRESS"
	assert_eq "autoconfig: two servers" "2 IMAP servers" \
		"$(source_of result autoconfig)"
	assert_eq "autoconfig: verified HTTPS" true \
		"$(source_of authenticated autoconfig)"
	assert_contains "autoconfig: the address asked for" \
		"emailaddress=alice%40$DOMAIN" "$(source_of where autoconfig)"
	assert_eq "autoconfig: the username filled in" "$ADDRESS" \
		"$(source_of 'servers[0].username' autoconfig)"
	assert_eq "well-known: HTTP 404" "HTTP 404" \
		"$(source_of result well-known)"
	assert_eq "ISP database: one server" "1 IMAP server" \
		"$(source_of result ispdb)"
	assert_eq "plain HTTP: one server" "1 IMAP server" \
		"$(source_of result autoconfig-http)"
	assert_eq "plain HTTP: not authenticated" false \
		"$(source_of authenticated autoconfig-http)"
	assert_contains "MX: Google's servers named" \
		"aspmx.l.google.com: Gmail's servers" "$(source_of result mx)"
	assert_json "SRV: the record found" '.srv_lookups[0].records' 1
	assert_eq "the ISP database's server probed: refused" refused \
		"$(probe result localhost 1 implicit-tls)"
	assert_eq "the plain-HTTP server probed: ok" ok \
		"$(probe result 127.0.0.1 "$IMAPS_PORT" implicit-tls)"
	assert_eq "... from an unauthenticated source" autoconfig-http \
		"$(probe origin 127.0.0.1 "$IMAPS_PORT" implicit-tls)"
	assert_eq "the MX provider probed (no DNS answer)" dns \
		"$(probe result imap.gmail.com 993 implicit-tls)"
	assert_json "recommended: the verified file's implicit TLS" \
		'[.recommended.host, .recommended.port, .recommended.mode] |
		join(" ")' "localhost $IMAPS_PORT implicit-tls"
	assert_contains "recommended: the source named" \
		"the autoconfig file at https://autoconfig.$DOMAIN/" \
		"$(jf .recommended.source)"
	assert_contains "recommended: the command logs in as the file says" \
		"-u 'alice@example.test' localhost:$IMAPS_PORT" \
		"$(jf .recommended.command)"
	assert_eq "recommended: probed and verified" true \
		"$(probe verified localhost "$IMAPS_PORT" implicit-tls)"
	detect "$WORK/all.txt" --detect "$ADDRESS" --timeout 3 \
		--ca-file "$BUNDLE"
	assert_contains "text: the sources listed" \
		"Autoconfiguration for $ADDRESS" "$(cat "$RUN_OUT")"
	assert_contains "text: the recommendation's source" \
		"from the autoconfig file at https://autoconfig.$DOMAIN/" \
		"$(cat "$RUN_OUT")"
}

check_only_plain_http() {
	say "only the plain-HTTP file answers: recommended, said unverified"
	CONNECT_TO="autoconfig.$DOMAIN:443:127.0.0.1:$WK_PORT"
	CONNECT_TO+=",$DOMAIN:443:127.0.0.1:$WK_PORT"
	CONNECT_TO+=",autoconfig.thunderbird.net:443:127.0.0.1:$WK_PORT"
	CONNECT_TO+=",autoconfig.$DOMAIN:80:127.0.0.1:$PLAIN_PORT"
	detect "$WORK/plain.json" --detect "$ADDRESS" --json --timeout 3 \
		--ca-file "$BUNDLE"
	assert_json "recommended: the plain-HTTP server" \
		'[.recommended.host, .recommended.port] | join(" ")' \
		"127.0.0.1 $IMAPS_PORT"
	assert_contains "recommended: said to be unauthenticated" \
		"plain HTTP: not authenticated" "$(jf .recommended.source)"
}

check_untrusted_https() {
	say "the autoconfig host's certificate is not trusted: not used"
	CONNECT_TO="autoconfig.$DOMAIN:443:127.0.0.1:$AC_PORT"
	CONNECT_TO+=",$DOMAIN:443:127.0.0.1:$WK_PORT"
	CONNECT_TO+=",autoconfig.thunderbird.net:443:127.0.0.1:$WK_PORT"
	CONNECT_TO+=",autoconfig.$DOMAIN:80:127.0.0.1:$WK_PORT"
	detect "$WORK/untrusted.json" --detect "$ADDRESS" --json \
		--timeout 3 --ca-file "$CA_FILE"
	assert_eq "autoconfig: no servers taken" 0 \
		"$(source_of 'servers | length' autoconfig)"
	assert_contains "autoconfig: the certificate problem said" \
		"certificate" "$(source_of result autoconfig)"
	assert_json "nothing recommended" .recommended null
}

main() {
	setup
	check_disagreeing_sources
	check_only_plain_http
	check_untrusted_https
	finish
}

main "$@"
