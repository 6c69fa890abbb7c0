#!/usr/bin/env bash
# servers.sh - checks the test servers of the SASL mechanisms with
# clients that are not imapconn: a private KDC (tests/servers/imapconn-kdc)
# and the test Dovecot started with --auth all --kdc, then for implicit
# TLS and STARTTLS each: SCRAM-SHA-256 and SCRAM-SHA-1 (gsasl, passwords
# stored as SCRAM hashes), XOAUTH2 (openssl s_client, by hand) and
# OAUTHBEARER (curl) with a signed JWT, EXTERNAL with a client
# certificate (gsasl), GSSAPI with alice's Kerberos tickets (gsasl).
# A login counts when the client succeeds and Dovecot logs alice's login
# with that mechanism; each mechanism is also refused at least once: a
# wrong password, an expired token, another user's token, a bad
# signature, no or an unknown certificate, no tickets, another user's
# name.  gsasl speaks implicit TLS through a socat relay on loopback.
# Exit 0 pass, 1 fail, 77 skip (not root, or a tool missing:
# ./quickstart build installs them).
set -uo pipefail

TEST_NAME='auth-servers'
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
OUT=

need_tools() {
	need_dovecot
	PATH=$PATH:/usr/sbin:/sbin
	local tool
	for tool in gsasl:gsasl curl:curl socat:socat openssl:openssl; do
		command -v "${tool%%:*}" >/dev/null 2>&1 ||
			skip_all "${tool%%:*} is not installed (Debian package" \
				"${tool#*:}; ./quickstart build installs it)"
	done
	need_kdc
}

start_servers() {
	kdc_start
	dovecot_start --auth all --kdc "$KDC_DIR_T"
	# The Kerberos clients find the realm and alice's tickets here.
	export KRB5_CONFIG KRB5CCNAME
	OUT=$WORK/client.out
}

# ---------------------------------------------------------- the clients

# listening PORT: something listens on 127.0.0.1:PORT.
listening() {
	local hex
	printf -v hex '0100007F:%04X' "$1"
	awk -v a="$hex" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp
}

# relay [socat OPENSSL option...]: RELAY_PORT on 127.0.0.1 relays one
# connection to Dovecot's implicit TLS port, verifying its certificate
# for localhost; RELAY_PID is socat.
relay() {
	local opts="cafile=$CA_FILE,commonname=localhost,verify=1" extra
	for extra in "$@"; do opts="$opts,$extra"; done
	for _ in 1 2 3 4 5; do
		RELAY_PORT=$((RANDOM % 30000 + 20000))
		listening "$RELAY_PORT" && continue
		socat "TCP-LISTEN:$RELAY_PORT,bind=127.0.0.1,reuseaddr" \
			"OPENSSL:127.0.0.1:$IMAPS_PORT,$opts" 2>>"$WORK/socat.err" &
		RELAY_PID=$!
		LIB_PIDS+=("$RELAY_PID")
		wait_until 5 listening "$RELAY_PORT" && return 0
		stop_pids "$RELAY_PID"
	done
	hard_fail "socat could not listen on loopback"
}

# with_gsasl MODE MECH [gsasl option...]: one login with gsasl, over
# implicit TLS (MODE tls, through relay) or STARTTLS; its status.  The
# client certificate options go to socat in tls mode.
with_gsasl() {
	local mode=$1 mech=$2 rc=0 arg
	local -a opts=(--imap --hostname localhost --service imap --no-cb
		--quiet -m "$mech") relay_opts=()
	shift 2
	if [ "$mode" = tls ]; then
		for arg in "$@"; do
			case "$arg" in
			--x509-cert-file=*) relay_opts+=("cert=${arg#*=}") ;;
			--x509-key-file=*) relay_opts+=("key=${arg#*=}") ;;
			*) opts+=("$arg") ;;
			esac
		done
		relay "${relay_opts[@]}"
		opts+=(--no-starttls --connect "127.0.0.1:$RELAY_PORT")
	else
		opts+=("$@" --starttls --x509-ca-file="$CA_FILE"
			--connect "127.0.0.1:$IMAP_PORT")
	fi
	timeout 30 gsasl "${opts[@]}" </dev/null >"$OUT" 2>&1 || rc=$?
	[ "$mode" = tls ] && stop_pids "$RELAY_PID"
	return "$rc"
}

# with_curl MODE MECH TOKENFILE: one login with curl and a bearer
# token (given on its standard input, never on a command line).
with_curl() {
	local mode=$1 mech=$2 url
	if [ "$mode" = tls ]; then
		url=imaps://localhost:$IMAPS_PORT/
	else
		url=imap://localhost:$IMAP_PORT/
	fi
	printf 'oauth2-bearer = "%s"\n' "$(cat "$3")" |
		timeout 30 curl -sS -K - --cacert "$CA_FILE" --ssl-reqd \
			--resolve "localhost:$IMAPS_PORT:127.0.0.1" \
			--resolve "localhost:$IMAP_PORT:127.0.0.1" \
			--login-options "AUTH=$mech" -u "$TEST_USER:" \
			-X NOOP "$url" >"$OUT" 2>&1
}

# with_s_client MODE XOAUTH2 TOKENFILE: AUTHENTICATE XOAUTH2 typed by
# hand through openssl s_client (curl 7.88 picks OAUTHBEARER whenever
# the server offers both); 0 when the tagged answer is OK.
with_s_client() {
	local mode=$1 line ir rc=1
	local -a opts=(-connect "127.0.0.1:$IMAP_PORT" -CAfile "$CA_FILE"
		-verify_return_error -verify_hostname localhost -quiet)
	if [ "$mode" = tls ]; then
		opts[1]=127.0.0.1:$IMAPS_PORT
	else
		opts+=(-starttls imap)
	fi
	ir=$(printf 'user=%s\001auth=Bearer %s\001\001' "$TEST_USER" \
		"$(cat "$3")" | base64 -w 0)
	: >"$OUT"
	coproc SCLIENT { exec timeout 30 openssl s_client "${opts[@]}" \
		2>>"$WORK/s_client.err"; }
	# Implicit TLS: the greeting comes first (s_client eats it with
	# -starttls).
	if [ "$mode" = tls ]; then
		IFS= read -r -t 30 -u "${SCLIENT[0]}" line &&
			printf '%s\n' "${line%$'\r'}" >>"$OUT"
	fi
	printf 'a AUTHENTICATE XOAUTH2 %s\r\n' "$ir" >&"${SCLIENT[1]}"
	while IFS= read -r -t 30 -u "${SCLIENT[0]}" line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$OUT"
		case "$line" in
		'+ '* | '+') printf '\r\n' >&"${SCLIENT[1]}" ;;
		'a OK'*) rc=0; break ;;
		'a '*) break ;;
		esac
	done
	local fd=${SCLIENT[1]:-} pid=${SCLIENT_PID:-}
	if [ -n "$fd" ]; then
		printf 'b LOGOUT\r\n' >&"$fd"
		exec {fd}>&-
	fi
	[ -z "$pid" ] || wait "$pid" 2>/dev/null
	return "$rc"
}

# with_ccache CCACHE COMMAND...: COMMAND with KRB5CCNAME=CCACHE.
with_ccache() {
	local saved=$KRB5CCNAME rc=0
	KRB5CCNAME=$1
	shift
	"$@" || rc=$?
	KRB5CCNAME=$saved
	return "$rc"
}

# ------------------------------------------------------------- verdicts

logins() {
	grep -c "Login: user=<$1>, method=$2, " "$DOVECOT_LOG"
}

# login_ok WHAT USER MECH CLIENT ARG...: the client succeeds and Dovecot
# logs one more login of USER with MECH.
login_ok() {
	local what=$1 user=$2 mech=$3 before rc=0
	shift 3
	before=$(logins "$user" "$mech")
	"$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$what" "the client logs in" "exit $rc: $(tail -n 3 "$OUT")"
		return
	fi
	if wait_until 5 eval '[ "$(logins "$user" "$mech")" -gt "$before" ]'
	then
		pass "$what"
	else
		fail "$what" "Dovecot logs $user's $mech login" "no such line"
	fi
}

# login_refused WHAT MECH CLIENT ARG...: the client fails and Dovecot
# logs no login with MECH.
login_refused() {
	local what=$1 mech=$2 before rc=0
	shift 2
	before=$(grep -c "Login: user=<[^>]*>, method=$mech, " "$DOVECOT_LOG")
	"$@" || rc=$?
	if [ "$rc" -eq 0 ]; then
		fail "$what" "the login is refused" "the client logged in"
	elif [ "$(grep -c "Login: user=<[^>]*>, method=$mech, " \
		"$DOVECOT_LOG")" -ne "$before" ]; then
		fail "$what" "no login in Dovecot's log" "a login"
	else
		pass "$what"
	fi
}

# --------------------------------------------------------------- checks

check_env() {
	local name
	for name in AUTH_MECHANISMS SCRAM_PASSWD_FILE OAUTH_KEY_FILE \
		OAUTH_TOKEN_FILE OAUTH_EXPIRED_TOKEN_FILE \
		OAUTH_OTHER_USER_TOKEN_FILE OAUTH_BAD_SIGNATURE_TOKEN_FILE \
		CLIENT_CERT CLIENT_KEY UNKNOWN_CLIENT_CERT UNKNOWN_CLIENT_KEY \
		KRB5_CONFIG KRB5CCNAME KRB5_EMPTY_CCNAME KRB5_REALM MINT_JWT; do
		check "env names $name" test -n "${!name:-}"
	done
	assert_eq "Dovecot offers every mechanism" \
		'PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256 XOAUTH2 OAUTHBEARER EXTERNAL GSSAPI' \
		"$AUTH_MECHANISMS"
	check "alice's password is stored as a SCRAM-SHA-256 hash" \
		grep -q '^alice:{SCRAM-SHA-256}' "$SCRAM_PASSWD_FILE"
	assert_not_contains "the password file holds no plain password" \
		"$TEST_PASSWORD" "$(cat "$SCRAM_PASSWD_FILE")"
}

check_scram() {
	local mode mech
	for mode in tls starttls; do
		for mech in SCRAM-SHA-256 SCRAM-SHA-1; do
			login_ok "$mech over $mode" alice "$mech" \
				with_gsasl "$mode" "$mech" -a "$TEST_USER" \
				-p "$TEST_PASSWORD"
		done
	done
	for mech in SCRAM-SHA-256 SCRAM-SHA-1; do
		login_refused "$mech with a wrong password is refused" "$mech" \
			with_gsasl starttls "$mech" -a "$TEST_USER" -p Wrong.1
	done
	login_ok "PLAIN still works with hashed passwords" bob PLAIN \
		with_gsasl starttls PLAIN -a "$EMPTY_USER" -p "$EMPTY_PASSWORD"
}

check_oauth() {
	local mode
	for mode in tls starttls; do
		login_ok "XOAUTH2 with a valid token over $mode" alice XOAUTH2 \
			with_s_client "$mode" XOAUTH2 "$OAUTH_TOKEN_FILE"
		login_ok "OAUTHBEARER with a valid token over $mode" alice \
			OAUTHBEARER with_curl "$mode" OAUTHBEARER "$OAUTH_TOKEN_FILE"
	done
	login_refused "XOAUTH2 with an expired token is refused" XOAUTH2 \
		with_s_client tls XOAUTH2 "$OAUTH_EXPIRED_TOKEN_FILE"
	assert_contains "XOAUTH2's refusal carries the error challenge" \
		'+ ey' "$(cat "$OUT")"
	login_refused "OAUTHBEARER with an expired token is refused" \
		OAUTHBEARER with_curl starttls OAUTHBEARER \
		"$OAUTH_EXPIRED_TOKEN_FILE"
	login_refused "XOAUTH2 with bob's token for alice is refused" XOAUTH2 \
		with_s_client starttls XOAUTH2 "$OAUTH_OTHER_USER_TOKEN_FILE"
	login_refused "OAUTHBEARER with a bad signature is refused" \
		OAUTHBEARER with_curl tls OAUTHBEARER \
		"$OAUTH_BAD_SIGNATURE_TOKEN_FILE"
	# A token minted now by the script the env names also logs in.
	"$MINT_JWT" "$OAUTH_KEY_FILE" alice --expires 600 \
		>"$WORK/fresh.token" || fail "mint-jwt mints a token"
	login_ok "a token from mint-jwt logs in" alice OAUTHBEARER \
		with_curl tls OAUTHBEARER "$WORK/fresh.token"
}

check_external() {
	local mode
	for mode in tls starttls; do
		login_ok "EXTERNAL with alice's certificate over $mode" alice \
			EXTERNAL with_gsasl "$mode" EXTERNAL -z '' \
			--x509-cert-file="$CLIENT_CERT" \
			--x509-key-file="$CLIENT_KEY"
	done
	login_refused "EXTERNAL without a certificate is refused" EXTERNAL \
		with_gsasl starttls EXTERNAL -z ''
	login_refused "EXTERNAL with a certificate for no user is refused" \
		EXTERNAL with_gsasl tls EXTERNAL -z '' \
		--x509-cert-file="$UNKNOWN_CLIENT_CERT" \
		--x509-key-file="$UNKNOWN_CLIENT_KEY"
}

check_gssapi() {
	local mode
	for mode in tls starttls; do
		login_ok "GSSAPI with alice's tickets over $mode" alice GSSAPI \
			with_gsasl "$mode" GSSAPI -a "$TEST_USER" -z "$TEST_USER"
	done
	login_refused "GSSAPI without tickets fails" GSSAPI \
		with_ccache "$KRB5_EMPTY_CCNAME" with_gsasl starttls GSSAPI \
		-a "$TEST_USER" -z "$TEST_USER"
	login_refused "GSSAPI as bob with alice's tickets is refused" GSSAPI \
		with_gsasl starttls GSSAPI -a "$TEST_USER" -z "$EMPTY_USER"
}

need_tools
lib_workdir auth
start_servers
run_checks check_env check_scram check_oauth check_external check_gssapi
