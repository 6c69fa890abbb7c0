#!/usr/bin/env bash
# plugin.sh - --plugin as monitoring systems run it: one status line,
# exit 0-3, performance data in the plugins' format.  OK for a sound
# TLS server; WARNING for a greeting later than -w and --warn-phase,
# and for a certificate with fewer days left than --cert-days WARN;
# CRITICAL for an expired certificate, one with fewer days than CRIT,
# a refused login; UNKNOWN for bad arguments.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='Pw-5d1e-plugin'
export IMAPCONN_PASSWORD=$PASSWORD

# What the server plays once the handshake is done; $1: the greeting's
# delay in ms (0: none).
serve() {
	printf 'tls\n'
	[ "${1:-0}" -eq 0 ] || printf 'sleep %s\n' "$1"
	printf '%s\n' 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi' \
		'expect-tag' "sendln \$TAG ${2:-OK logged in}"
	if [ -z "${2:-}" ]; then
		printf '%s\n' 'expect-tag LIST' 'sendln * LIST () "/" INBOX' \
			'sendln $TAG OK done'
	fi
	printf '%s\n' "$SRV_LOGOUT"
}

make_pki() {
	local san="DNS:localhost,IP:127.0.0.1"
	pki_root root "Plugin Test Root"
	pki_sign good localhost root leaf "$san" "-1 day" "+400 days"
	pki_sign soon localhost root leaf "$san" "-1 day" "+20 days"
	pki_sign sooner localhost root leaf "$san" "-1 day" "+5 days"
	pki_sign expired localhost root leaf "$san" "-10 days" "-1 day"
}

# plugin_run CERT DELAY REPLY ARG...: a TLS server with certificate
# CERT, its greeting DELAY ms late, REPLY to the login ("": OK), and
# imapconn --plugin ARG... against it.
plugin_run() {
	local cert=$1 delay=$2 reply=$3
	shift 3
	srv_start "$(serve "$delay" "$reply")" --cert "$PKI/$cert.pem" \
		--key "$PKI/$cert.key"
	run_client --plugin --ssl --ca-file "$PKI/root.pem" --timeout 3 \
		-u "$USER_NAME" "$@" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 10000
}

# One item of performance data: 'label'=value[UOM];[warn];[crit];
# [min];[max], the thresholds plain numbers or ranges N: .
PERF_ITEM='[a-z][a-z_-]*=-?[0-9]+(ms)?;([0-9]+:?)?;([0-9]+:?)?;[0-9]*;[0-9]*'

# status WHAT EXIT WORD: the exit status, one line, its status word,
# valid performance data after the bar.
status() {
	local line perf item bad=
	assert_eq "$1: exit status $2" "$2" "$RUN_RC"
	assert_eq "$1: one line" 1 "$(wc -l <"$RUN_OUT")"
	line=$(head -n 1 "$RUN_OUT")
	assert_match "$1: IMAP $3" "^IMAP $3 - [^|]+ \\| " "$line"
	perf=${line#*| }
	for item in $perf; do
		grep -qxE -- "$PERF_ITEM" <<<"$item" || bad="$bad $item"
	done
	assert_eq "$1: performance data well formed" "" "$bad"
	assert_no_secret "$1: no password" "$USER_NAME" "$PASSWORD" \
		"$RUN_OUT" "$RUN_ERR"
}

check_ok() {
	say "a sound server: OK"
	plugin_run good 0 "" -w 5000 -c 10000 --cert-days 30,7
	status ok 0 OK
	local line
	line=$(cat "$RUN_OUT")
	assert_contains "ok: logged in and listed" \
		"127.0.0.1: logged in, listed 1 mailbox in" "$line"
	assert_match "ok: the total with -w and -c" \
		' total=[0-9]+ms;5000;10000;0;( |$)' "$line"
	assert_match "ok: each phase" \
		' greeting=[0-9]+ms;;;0; .*authenticate=[0-9]+ms;;;0; ' "$line"
	assert_match "ok: the certificate's days left" \
		' cert_days=(399|400);30:;7:;;$' "$line"
}

check_warning() {
	say "a late greeting: WARNING"
	plugin_run good 300 "" -w 200 -c 10000 --warn-phase greeting=250
	status late 1 WARNING
	assert_match "late: the total above -w" 'total [0-9]+ ms above 200 ms' \
		"$(cat "$RUN_OUT")"
	assert_match "late: the greeting above its threshold" \
		'greeting [0-9]+ ms above 250 ms' "$(cat "$RUN_OUT")"
	assert_match "late: its threshold in the data" \
		' greeting=[0-9]+ms;250;;0; ' "$(cat "$RUN_OUT")"

	say "20 days left, --cert-days 30,7: WARNING"
	plugin_run soon 0 "" --cert-days 30,7
	status soon 1 WARNING
	assert_contains "soon: says why" "fewer than 30" "$(cat "$RUN_OUT")"
}

check_critical() {
	say "5 days left: CRITICAL"
	plugin_run sooner 0 "" --cert-days 30,7
	status sooner 2 CRITICAL
	assert_contains "sooner: says why" "fewer than 7" "$(cat "$RUN_OUT")"

	say "an expired certificate: CRITICAL"
	plugin_run expired 0 "" -w 200 -c 1000 --cert-days 30,7
	status expired 2 CRITICAL
	assert_contains "expired: the failure" "failed in tls (tls-verify)" \
		"$(cat "$RUN_OUT")"
	assert_match "expired: days left negative" ' cert_days=-[0-9]+;' \
		"$(cat "$RUN_OUT")"

	say "a refused login: CRITICAL"
	plugin_run good 0 "NO [AUTHENTICATIONFAILED] no" -w 5000
	status refused 2 CRITICAL
	assert_contains "refused: the failure" "failed in authenticate (auth)" \
		"$(cat "$RUN_OUT")"
}

# unknown WHAT ARG...: imapconn --plugin ARG... is UNKNOWN, exit 3.
unknown() {
	local what=$1
	shift
	run_client --plugin "$@"
	assert_eq "$what: exit status 3" 3 "$RUN_RC"
	assert_match "$what: IMAP UNKNOWN" '^IMAP UNKNOWN - .+' \
		"$(cat "$RUN_OUT")"
	assert_eq "$what: one line" 1 "$(wc -l <"$RUN_OUT")"
}

check_unknown() {
	say "bad arguments: UNKNOWN"
	unknown "-w not a number" -w fast 127.0.0.1
	unknown "-w above -c" -w 500 -c 100 127.0.0.1
	unknown "no host" -w 500
	unknown "an unknown phase" --warn-phase hello=5 127.0.0.1
	unknown "--cert-days WARN below CRIT" --cert-days 7,30 127.0.0.1
	unknown "an unknown option" --no-such-option 127.0.0.1
	run_client --check -w 500 127.0.0.1
	assert_eq "-w without --plugin: a usage error" 64 "$RUN_RC"
}

main() {
	need_tools openssl
	make_pki
	check_ok
	check_warning
	check_critical
	check_unknown
	finish
}

main "$@"
