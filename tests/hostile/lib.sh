# lib.sh - what the hostile-server tests add to tests/lib.sh: scripted
# servers, a small PKI, measured runs of imapconn --check, and the checks
# every scenario makes.  Sourced, never run; by hand:
#   bash tests/hostile/greeting.sh
# Peak memory is measured with /usr/bin/time (package time), else with
# tests/hostile/peakrss (make tests/hostile/peakrss; HOSTILE_RSS_TOOL=
# peakrss prefers it).
# Variables set here are read by the scripts that source this file:
# shellcheck shell=bash disable=SC2034

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PEAKRSS=${PEAKRSS:-$top_builddir/tests/hostile/peakrss}
lib_workdir hostile

# Peak RSS allowed for one run, in KiB; 0: not checked.
RSS_LIMIT_KB=$((64 * 1024))
# Extra wall time allowed beyond what a scenario expects, in ms.
MARGIN_MS=${HOSTILE_MARGIN_MS:-3000}

# ------------------------------------------------------------ prerequisites

# need_tools TOOL...: these tools, jq, a peak-memory tool and the
# binaries; skips (77) when a tool is missing.
need_tools() {
	need_cmds jq timeout iconv od "$@"
	need_imapconn
	need_scripted_server
	if [ "${HOSTILE_RSS_TOOL:-}" != peakrss ] && [ -x /usr/bin/time ] &&
		/usr/bin/time -f %M -o "$WORK/probe" true 2>/dev/null; then
		RSS_TOOL='time'
	elif [ -x "$PEAKRSS" ]; then
		RSS_TOOL=peakrss
	else
		skip_all "no /usr/bin/time (apt-get install time) and no" \
			"$PEAKRSS (make tests/hostile/peakrss)"
	fi
	# AddressSanitizer's shadow memory, redzones and quarantine are not
	# ours: a sanitizer build's peak RSS is shown, not checked.
	if grep -qa __asan_init "$IMAPCONN"; then
		RSS_LIMIT_KB=0
		say "sanitizer build: peak RSS is reported, not checked"
	fi
}

# ------------------------------------------------------------------ servers

# srv_start SCRIPT [SERVER OPTION...]: starts a scripted server playing
# SCRIPT (text, one directive a line) for one connection.  Sets SRV_PORT,
# SRV_LOG, SRV_PID and SRV_DIR.  --many instead of the first option
# serves every connection (the log then counts them).
SRV_COUNT=0

# The usual end of a script: LOGOUT answered with BYE and OK.
# shellcheck disable=SC2016
SRV_LOGOUT='expect-tag LOGOUT
sendln * BYE
sendln $TAG OK
close'

# list_then LINES...: a server that pre-authenticates and answers LIST
# with LINES (script directives), then LOGOUT when the client gets
# there.
list_then() {
	local body
	body=$(printf '%s\n' "$@")
	srv_start "sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST
$body
$SRV_LOGOUT"
}

srv_start() {
	local script=$1 once=--once
	shift
	if [ "${1:-}" = --many ]; then
		once=
		shift
	fi
	scripted_launch_or_fail "$script" ${once:+"$once"} \
		--max-seconds 120 "$@"
	SRV_DIR=$LAUNCH_DIR SRV_LOG=$LAUNCH_LOG SRV_PID=$LAUNCH_PID
	SRV_PORT=$LAUNCH_PORT
}

# srv_stop: waits up to 3 s for the last server to end by itself, then
# stops it.
srv_stop() {
	stop_after 3 "$SRV_PID"
}

# connections LOG: how many connections that server accepted.
connections() {
	grep -c '^event: connection ' "$1" || true
}

# ------------------------------------------------------------- certificates

# A small PKI under $PKI made with the openssl command line: P-256 keys,
# `openssl ca` so that validity dates can lie in the past or future.
PKI=$WORK/pki

_pki_init() {
	[ -e "$PKI/ca.cnf" ] && return 0
	mkdir -p "$PKI/new"
	: >"$PKI/index.txt"
	cat >"$PKI/ca.cnf" <<-EOF
		[ ca ]
		default_ca = tca
		[ tca ]
		database = $PKI/index.txt
		new_certs_dir = $PKI/new
		rand_serial = yes
		default_md = sha256
		policy = any
		unique_subject = no
		email_in_dn = no
		[ any ]
		commonName = supplied
		[ leaf ]
		basicConstraints = critical, CA:FALSE
		keyUsage = critical, digitalSignature
		extendedKeyUsage = serverAuth
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
		subjectAltName = \${ENV::PKI_SAN}
		[ ca_ext ]
		basicConstraints = critical, CA:TRUE
		keyUsage = critical, keyCertSign, cRLSign
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
		[ req ]
		distinguished_name = dn
		[ dn ]
	EOF
}

# _pki_date OFFSET: a UTC time OFFSET from now ("-2 days") for openssl ca.
_pki_date() {
	date -u -d "$1" +%Y%m%d%H%M%SZ
}

# pki_root NAME CN: a self-signed root CA, $PKI/NAME.pem and NAME.key.
pki_root() {
	_pki_init
	PKI_SAN=DNS:unused openssl req -x509 -new -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=$2" \
		-config "$PKI/ca.cnf" \
		-extensions ca_ext -keyout "$PKI/$1.key" -out "$PKI/$1.pem" \
		2>"$PKI/$1.err" || hard_fail "openssl: root $1: $(cat \
		"$PKI/$1.err")"
}

# pki_sign NAME CN ISSUER EXT SAN [FROM TO]: a certificate signed by
# ISSUER with the extensions EXT (leaf or ca_ext), names SAN
# ("DNS:localhost,IP:127.0.0.1"), valid FROM TO (date offsets; default
# from a day ago for 30 days).  CN may hold any bytes but NUL.
pki_sign() {
	local name=$1 cn=$2 issuer=$3 ext=$4 san=$5
	local from=${6:--1 day} to=${7:-+30 days}
	_pki_init
	PKI_SAN=$san openssl req -new -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -utf8 -subj "/CN=$cn" \
		-config "$PKI/ca.cnf" \
		-keyout "$PKI/$name.key" -out "$PKI/$name.csr" \
		2>"$PKI/$name.err" ||
		hard_fail "openssl: request $name: $(cat "$PKI/$name.err")"
	PKI_SAN=$san openssl ca -batch -notext -utf8 -config "$PKI/ca.cnf" \
		-cert "$PKI/$issuer.pem" -keyfile "$PKI/$issuer.key" \
		-extensions "$ext" -startdate "$(_pki_date "$from")" \
		-enddate "$(_pki_date "$to")" -in "$PKI/$name.csr" \
		-out "$PKI/$name.pem" >"$PKI/$name.err" 2>&1 ||
		hard_fail "openssl: sign $name: $(cat "$PKI/$name.err")"
}

# pki_self NAME CN SAN: a self-signed leaf (not a CA).
pki_self() {
	_pki_init
	PKI_SAN=$3 openssl req -x509 -new -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -utf8 \
		-subj "/CN=$2" -config "$PKI/ca.cnf" -extensions leaf \
		-keyout "$PKI/$1.key" -out "$PKI/$1.pem" 2>"$PKI/$1.err" ||
		hard_fail "openssl: self-signed $1: $(cat "$PKI/$1.err")"
}

# pki_basic: root CA "root" and a leaf "server" for localhost and
# 127.0.0.1 signed by it: the usual TLS server of a scenario, whose
# scripted server options are in TLS_OPTS (clients trust root.pem).
TLS_OPTS=()
pki_basic() {
	TLS_OPTS=(--cert "$PKI/server.pem" --key "$PKI/server.key")
	[ -e "$PKI/server.pem" ] && return 0
	pki_root root "Hostile Test Root"
	pki_sign server localhost root leaf "DNS:localhost,IP:127.0.0.1"
}

# --------------------------------------------------------------------- runs

# run_client ARG...: imapconn ARG... under a hard timeout, measured: sets
# RUN_RC, RUN_MS (wall), RUN_KB (peak RSS), RUN_OUT and RUN_ERR (files).
# The caller's environment passes through (IMAPCONN_PASSWORD=...).
run_client() {
	local rss
	run_begin out "$@"
	rss=$WORK/run$RUN_COUNT.rss
	if [ "$RSS_TOOL" = time ]; then
		timeout -k 5 "${RUN_LIMIT_S:-60}" \
			/usr/bin/time -f %M -o "$rss" "$IMAPCONN" "$@" \
			>"$RUN_OUT" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	else
		timeout -k 5 "${RUN_LIMIT_S:-60}" "$PEAKRSS" "$rss" \
			"$IMAPCONN" "$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null ||
			RUN_RC=$?
	fi
	run_end
	RUN_KB=$(tail -n 1 "$rss" 2>/dev/null | tr -cd '0-9')
	RUN_KB=${RUN_KB:-0}
}

# run_json ARG...: run_client --check --json ARG...; the output must be
# one JSON object.
run_json() {
	run_client --check --json "$@"
	if ! jq -e 'type == "object"' "$RUN_OUT" >/dev/null 2>&1; then
		fail "run $RUN_COUNT printed one JSON document" \
			"a JSON object on stdout" "$(head -c 600 "$RUN_OUT")"
	fi
}

# run_text ARG...: run_client --check ARG... (the text timeline).
run_text() {
	run_client --check "$@"
}

_dump_run() {
	[ "${RUN_DUMPED:-yes}" = no ] || return 0
	RUN_DUMPED=yes
	printf '  --- run %s: imapconn %s -> exit %s in %s ms, %s KB\n' \
		"$RUN_COUNT" "$RUN_ARGS" "$RUN_RC" "$RUN_MS" "$RUN_KB"
	if jq -e . "$RUN_OUT" >/dev/null 2>&1; then
		printf '  --- failure: %s\n' "$(jq -c '.failure' "$RUN_OUT")"
		printf '  --- phases:  %s\n' "$(jq -c '[.phases[] |
			[.phase, .result, .detail]]' "$RUN_OUT")"
	else
		head -n 30 "$RUN_OUT" | sed 's/^/  | /'
	fi
	if [ -s "$RUN_ERR" ]; then
		printf '  --- stderr:\n'
		head -n 20 "$RUN_ERR" | sed 's/^/  | /'
	fi
	if [ -n "${SRV_LOG:-}" ] && [ -s "$SRV_LOG" ]; then
		printf '  --- server log (last):\n'
		tail -n 12 "$SRV_LOG" | sed 's/^/  | /'
	fi
}

# ---------------------------------------------------------------- asserts

# assert_sane MAX_MS: no crash, no sanitizer report, memory bounded,
# done within MAX_MS plus the margin.  Every run is checked this way.
assert_sane() {
	local max=$1 mb=$((RSS_LIMIT_KB / 1024))
	if [ "$RUN_RC" -ge 124 ]; then
		fail "run $RUN_COUNT ended by itself (no crash, no hang)" \
			"exit status below 124" "$RUN_RC"
	else
		pass "run $RUN_COUNT: no crash (exit $RUN_RC)"
	fi
	if grep -qE 'Sanitizer|runtime error:|SUMMARY: ' "$RUN_ERR"; then
		fail "run $RUN_COUNT: no sanitizer report" "clean stderr" \
			"$(grep -m 3 -E 'Sanitizer|runtime error:' "$RUN_ERR")"
	else
		pass "run $RUN_COUNT: no sanitizer report"
	fi
	printf 'info: run %s: exit %s, %s ms, peak RSS %s KB\n' "$RUN_COUNT" \
		"$RUN_RC" "$RUN_MS" "$RUN_KB"
	if [ "$RSS_LIMIT_KB" -gt 0 ]; then
		assert_between "run $RUN_COUNT: peak RSS under $mb MB (KB)" 1 \
			"$RSS_LIMIT_KB" "$RUN_KB"
	fi
	assert_between "run $RUN_COUNT: done within $max ms + margin (ms)" \
		0 $((max + MARGIN_MS)) "$RUN_MS"
}

# assert_class EXIT CLASS [PHASE]: exit status, class and exit_code of a
# --json run (CLASS null for success), and the phase it failed in.
assert_class() {
	assert_eq "run $RUN_COUNT: exit status $1" "$1" "$RUN_RC"
	assert_json "run $RUN_COUNT: failure class $2" \
		'.failure.class // "null"' "$2"
	assert_json "run $RUN_COUNT: exit_code field $1" '.exit_code' "$1"
	if [ $# -ge 3 ]; then
		assert_json "run $RUN_COUNT: failed in phase $3" \
			'.failure.phase' "$3"
	fi
}

# terminal_unsafe FILE: prints the first lines holding a byte or
# character that a terminal would act on (C0 but TAB and LF, DEL, C1,
# bidirectional controls, line separators) or invalid UTF-8; fails
# (returns 1) when there is none.
terminal_unsafe() {
	local bad
	local c0='[\x00-\x08\x0b-\x1f\x7f]' c1='\xc2[\x80-\x9f]'
	local bidi='\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]'
	bad=$(LC_ALL=C grep -naP "$c0|$c1|$bidi" "$1" | head -n 3)
	if [ -n "$bad" ]; then
		od -c <<<"$bad" | head -n 12
		return 0
	fi
	if ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
		printf 'invalid UTF-8\n'
		return 0
	fi
	return 1
}

# assert_terminal_safe WHAT FILE...
assert_terminal_safe() {
	local what=$1 file found=''
	shift
	for file in "$@"; do
		[ -e "$file" ] || continue
		if terminal_unsafe "$file" >"$WORK/unsafe" 2>&1; then
			found+="${file##*/}: $(cat "$WORK/unsafe") "
		fi
	done
	if [ -z "$found" ]; then
		pass "$what"
	else
		fail "$what" "no raw ESC, BEL, C0, C1 or bidi bytes" "$found"
	fi
}

# assert_last_sent WHAT ERE: the client's last line (as logged) matches
# ERE: nothing was sent after that point.
assert_last_sent() {
	assert_match "$1" "$2" "$(client_lines | tail -n 1)"
}
