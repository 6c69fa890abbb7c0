# shellcheck shell=bash
# lib.sh - the one library of the shell tests: paths, messages, a work
# directory cleaned at exit, waiting, starting and stopping the scripted
# server and the test Dovecot, assertions, and the checks that no form
# of a password reaches an output, a transcript or a file.  Sourced
# (once; a second source does nothing) by every suite's script or lib.sh.
#
# From make check: top_srcdir, top_builddir, IMAPCONN, SCRIPTED_SERVER and
# DOVECOT come from TESTS_ENVIRONMENT.  By hand, from anywhere, they
# default to this source tree.  IMAPCONN_TEST_KEEP=1 (or HOSTILE_KEEP=1)
# keeps the temporary files.
# Variables set here are read by the scripts that source this file:
# shellcheck disable=SC2034

[ -z "${_TESTS_LIB:-}" ] || return 0
_TESTS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$_TESTS_LIB/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
IMAPCONN=${IMAPCONN:-$top_builddir/imapconn}
SCRIPTED_SERVER=${SCRIPTED_SERVER:-$top_builddir/tests/scripted_server}
DOVECOT=${DOVECOT-$(command -v dovecot 2>/dev/null ||
	{ [ -x /usr/sbin/dovecot ] && echo /usr/sbin/dovecot; } || true)}
DOVECOT_HARNESS=$top_srcdir/tests/dovecot/imapconn-dovecot

TEST_NAME=${TEST_NAME:-${TEST:-$(basename "$0" .sh)}}
FAILURES=0
PASSES=0
# FAIL_FAST=1: the first failed check ends the script.
FAIL_FAST=${FAIL_FAST:-0}

# ----------------------------------------------------------------- messages

say() { printf '%s: %s\n' "$TEST_NAME" "$*"; }

# skip_all WHY: the whole script is skipped (exit 77).
skip_all() {
	say "SKIP: $*"
	exit 77
}

# hard_fail WHY: the script cannot go on.
hard_fail() {
	say "ERROR: $*" >&2
	exit 1
}

# skip_check WHAT WHY: one check this machine cannot make.
skip_check() {
	printf 'skip: %s (%s)\n' "$1" "$2"
}

# ------------------------------------------------------------ prerequisites

# need_cmds TOOL...: skips the script (77) when a tool is missing.
need_cmds() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
			skip_all "$tool is not installed"
	done
}

need_imapconn() {
	[ -x "$IMAPCONN" ] ||
		hard_fail "no imapconn binary at $IMAPCONN (run make first)"
}

need_jq() {
	command -v jq >/dev/null 2>&1 ||
		skip_all "jq is not installed (apt-get install jq)"
}

need_scripted_server() {
	[ -x "$SCRIPTED_SERVER" ] || hard_fail "no scripted server at" \
		"$SCRIPTED_SERVER (make tests/scripted_server)"
}

# need_dovecot: root, Dovecot and the harness's tools, found in PATH.
need_dovecot() {
	local tool
	[ "$(id -u)" -eq 0 ] || skip_all "needs root to run a private Dovecot"
	if [ -z "$DOVECOT" ] || [ ! -x "$DOVECOT" ]; then
		skip_all "dovecot not found (apt-get install dovecot-imapd)"
	fi
	# The harness looks its tools up in PATH.
	PATH=$(dirname "$DOVECOT"):$PATH:/usr/sbin:/sbin
	export PATH
	for tool in doveadm openssl setpriv; do
		command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not found"
	done
	[ -x "$DOVECOT_HARNESS" ] || hard_fail "no harness at $DOVECOT_HARNESS"
}

# ------------------------------------------------- work directory and exit

WORK=
LIB_PIDS=()
LIB_AT_EXIT=()

# lib_workdir KIND [NAME]: WORK, a fresh directory for the script's
# files (TMPDIR/imapconn-KIND-TEST_NAME.XXXXXX, or NAME.XXXXXX), removed
# at exit after the commands of LIB_AT_EXIT ran and every server started
# here was stopped.
lib_workdir() {
	local name=${2:-imapconn-$1-$TEST_NAME}
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") ||
		hard_fail "no temporary directory"
	trap lib_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

lib_cleanup() {
	local rc=$? cmd
	for cmd in "${LIB_AT_EXIT[@]}"; do
		eval "$cmd" >/dev/null 2>&1 || true
	done
	stop_pids "${LIB_PIDS[@]}"
	dovecot_stop
	if [ "${IMAPCONN_TEST_KEEP:-${HOSTILE_KEEP:-0}}" = 1 ]; then
		say "kept $WORK${DOVECOT_DIR_T:+ and $DOVECOT_DIR_T}"
	else
		[ -z "$WORK" ] || rm -rf "$WORK"
		[ -z "$DOVECOT_DIR_T" ] || rm -rf "$DOVECOT_DIR_T"
	fi
	exit "$rc"
}

# stop_pids PID...: the test's servers, ended and reaped.
stop_pids() {
	local pid
	for pid in "$@"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# --------------------------------------------------------------- waiting

# wait_until SECONDS COMMAND...: runs COMMAND every 50 ms until it
# succeeds (returns 0) or SECONDS have passed (returns 1).
wait_until() {
	local i tries=$(($1 * 20))
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# alive PID: the process still runs.
alive() { kill -0 "$1" 2>/dev/null; }

# dead PID: the process has ended.
dead() { ! kill -0 "$1" 2>/dev/null; }

# stop_after SECONDS PID: waits up to SECONDS for PID to end by itself,
# then ends it; sets STOP_STATUS to its exit status.
stop_after() {
	wait_until "$1" dead "$2" || true
	kill -TERM "$2" 2>/dev/null || true
	STOP_STATUS=0
	wait "$2" 2>/dev/null || STOP_STATUS=$?
}

# accepts HOST PORT: a TCP connection to HOST:PORT is accepted.
accepts() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# _port_or_gone FILE PID: FILE is written, or PID has ended.
_port_or_gone() {
	[ -s "$1" ] || dead "$2"
}

# ------------------------------------------------------------- servers

# scripted_launch SCRIPT [SERVER OPTION...]: starts the scripted server
# playing SCRIPT (text, one directive a line) in a directory of its own
# under WORK, with its log there; the options follow --script,
# --port-file and --log (give --once, --max-seconds ...).  Sets
# LAUNCH_DIR (script, port, log, stdout, stderr), LAUNCH_LOG, LAUNCH_PID
# and LAUNCH_PORT.  Returns 1, LAUNCH_PORT empty, when the server ended
# before it listened; it is stopped at exit.
LAUNCH_COUNT=0
scripted_launch() {
	local script=$1
	shift
	LAUNCH_COUNT=$((LAUNCH_COUNT + 1))
	LAUNCH_DIR=$WORK/srv$LAUNCH_COUNT
	mkdir -p "$LAUNCH_DIR"
	printf '%s\n' "$script" >"$LAUNCH_DIR/script"
	LAUNCH_LOG=$LAUNCH_DIR/log
	"$SCRIPTED_SERVER" --script "$LAUNCH_DIR/script" \
		--port-file "$LAUNCH_DIR/port" --log "$LAUNCH_LOG" "$@" \
		>"$LAUNCH_DIR/stdout" 2>"$LAUNCH_DIR/stderr" &
	LAUNCH_PID=$!
	LIB_PIDS+=("$LAUNCH_PID")
	LAUNCH_PORT=
	wait_until 10 _port_or_gone "$LAUNCH_DIR/port" "$LAUNCH_PID"
	[ -s "$LAUNCH_DIR/port" ] || return 1
	LAUNCH_PORT=$(cat "$LAUNCH_DIR/port")
}

# scripted_launch_or_fail SCRIPT [OPTION...]: scripted_launch, and the
# script ends (with the server's stderr) when the server did not start.
scripted_launch_or_fail() {
	scripted_launch "$@" && return 0
	cat "$LAUNCH_DIR/stderr" >&2
	hard_fail "the scripted server did not start"
}

# tls_front PEM KEY TARGET [PORT]: socat on 127.0.0.1:PORT (default: a
# free one) speaking implicit TLS with the certificate PEM and its KEY,
# each connection relayed in plain text to 127.0.0.1:TARGET (a Dovecot
# behind a certificate of the test's choosing).  Sets FRONT_PORT and
# FRONT_PID; stopped at exit.  Start it again on the same PORT with
# another key for a server whose certificate was replaced.
tls_front() {
	local i
	need_cmds socat
	for i in 1 2 3 4 5; do
		FRONT_PORT=${4:-$((RANDOM % 30000 + 20000))}
		accepts 127.0.0.1 "$FRONT_PORT" && [ -z "${4:-}" ] && continue
		socat "OPENSSL-LISTEN:$FRONT_PORT,bind=127.0.0.1,reuseaddr,fork,\
cert=$1,key=$2,verify=0" "TCP:127.0.0.1:$3" 2>>"$WORK/socat.err" &
		FRONT_PID=$!
		LIB_PIDS+=("$FRONT_PID")
		wait_until 5 accepts 127.0.0.1 "$FRONT_PORT" && return 0
		stop_pids "$FRONT_PID"
	done
	hard_fail "socat could not listen on 127.0.0.1:$FRONT_PORT"
}

# client_lines [LOG]: what the client sent, one line per client line of
# a scripted server's log (`plain: ...` or `tls: ...`); default: the
# last one started.
client_lines() {
	grep -E '^(plain|tls): ' "${1:-$LAUNCH_LOG}" || true
}

# dovecot_start [HARNESS OPTION...]: a private Dovecot (--many N: N more
# folders for MANY_USER), stopped at exit; sources its env (IMAP_PORT,
# IMAPS_PORT, HAVE_IPV6, CA_FILE, TEST_USER, ...) and sets DOVECOT_DIR_T
# and DOVECOT_LOG.  Dovecot gets a directory of its own: the harness
# opens it to its unprivileged users, which a 0700 parent would block.
DOVECOT_DIR_T=
dovecot_start() {
	local out=${WORK:-${TMPDIR:-/tmp}}/dovecot-start.out
	DOVECOT_DIR_T=$(mktemp -d "${TMPDIR:-/tmp}/imapconn-it-dovecot.XXXXXX")
	if ! "$DOVECOT_HARNESS" start "$DOVECOT_DIR_T" "$@" >"$out" 2>&1; then
		cat "$out" >&2
		hard_fail "the test Dovecot did not start"
	fi
	# shellcheck source=/dev/null
	. "$DOVECOT_DIR_T/env"
	DOVECOT_LOG=$DOVECOT_DIR_T/dovecot.log
}

# dovecot_stop: the Dovecot of dovecot_start, if any, stopped.
dovecot_stop() {
	[ -n "$DOVECOT_DIR_T" ] || return 0
	"$DOVECOT_HARNESS" stop "$DOVECOT_DIR_T" >/dev/null 2>&1 || true
}

# need_kdc: the tools of the private KDC (tests/servers/imapconn-kdc)
# and Dovecot's GSSAPI module, found in PATH; skips (77) without them.
need_kdc() {
	local tool
	PATH=$PATH:/usr/sbin:/sbin
	for tool in krb5kdc:krb5-kdc kadmin.local:krb5-admin-server \
		kinit:krb5-user; do
		command -v "${tool%%:*}" >/dev/null 2>&1 ||
			skip_all "${tool%%:*} is not installed (Debian package" \
				"${tool#*:}; ./quickstart build installs it)"
	done
	[ -e /usr/lib/dovecot/modules/auth/libmech_gssapi.so ] ||
		skip_all "Dovecot's GSSAPI module is missing (dovecot-gssapi)"
}

# kdc_start: a private MIT KDC on loopback, stopped and removed at exit;
# KDC_DIR_T is its directory (for dovecot_start --auth ... --kdc
# "$KDC_DIR_T").  Start it before Dovecot, which copies its keytab.
KDC_HARNESS=$top_srcdir/tests/servers/imapconn-kdc
KDC_DIR_T=
kdc_start() {
	local out=${WORK:-${TMPDIR:-/tmp}}/kdc-start.out
	KDC_DIR_T=$(mktemp -d "${TMPDIR:-/tmp}/imapconn-it-kdc.XXXXXX") ||
		hard_fail "no directory for the KDC"
	LIB_AT_EXIT+=(kdc_stop)
	if ! "$KDC_HARNESS" start "$KDC_DIR_T" >"$out" 2>&1; then
		cat "$out" >&2
		hard_fail "the test KDC did not start"
	fi
}

# kdc_stop: the KDC of kdc_start, if any, stopped and its directory
# removed (kept with IMAPCONN_TEST_KEEP=1).
kdc_stop() {
	[ -n "$KDC_DIR_T" ] || return 0
	"$KDC_HARNESS" stop "$KDC_DIR_T"
	[ "${IMAPCONN_TEST_KEEP:-0}" = 1 ] || rm -rf "$KDC_DIR_T"
}

# ------------------------------------------------------------------ runs

# run_begin EXT ARG...: the next run of imapconn ARG...: RUN_COUNT, its
# files RUN_OUT (runN.EXT) and RUN_ERR, RUN_ARGS, RUN_RC 0, the clock.
RUN_COUNT=0
run_begin() {
	RUN_COUNT=$((RUN_COUNT + 1))
	RUN_OUT=$WORK/run$RUN_COUNT.$1
	RUN_ERR=$WORK/run$RUN_COUNT.err
	shift
	RUN_ARGS="$*"
	RUN_DUMPED=no
	RUN_RC=0
	RUN_T0=${EPOCHREALTIME/[.,]/}
}

# run_end: RUN_MS, the wall time since run_begin.
run_end() {
	local t1=${EPOCHREALTIME/[.,]/}
	RUN_MS=$(((t1 - RUN_T0) / 1000))
}

# ------------------------------------------------------------ assertions

# _dump_run: what a suite shows after a failed check (a suite's lib.sh
# defines its own: the last run, the screen ...).
_dump_run() { :; }

# pass WHAT
pass() {
	PASSES=$((PASSES + 1))
	printf 'ok: %s\n' "$1"
}

# fail WHAT [EXPECTED GOT]
fail() {
	FAILURES=$((FAILURES + 1))
	printf 'FAIL: %s\n' "$1"
	[ $# -lt 3 ] ||
		printf '  expected: %s\n  got:      %s\n' "$2" "$3"
	_dump_run
	[ "$FAIL_FAST" != 1 ] || exit 1
}

# check WHAT COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what" "true: $*" "false"; fi
}

# assert_eq WHAT EXPECTED GOT
assert_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "$2" "$3"; fi
}

# jf FILTER: a field of the last run's JSON (RUN_OUT), jq -r style
# (null as "null").
jf() {
	jq -r "$1" "$RUN_OUT" 2>/dev/null || printf '(no JSON)'
}

# assert_json WHAT FILTER EXPECTED: a field of the last run.
assert_json() {
	assert_eq "$1" "$3" "$(jf "$2")"
}

# assert_contains WHAT NEEDLE HAYSTACK (fixed string)
assert_contains() {
	case "$3" in
	*"$2"*) pass "$1" ;;
	*) fail "$1" "text containing '$2'" "$3" ;;
	esac
}

# assert_not_contains WHAT NEEDLE HAYSTACK (fixed string)
assert_not_contains() {
	case "$3" in
	*"$2"*) fail "$1" "no '$2'" "$3" ;;
	*) pass "$1" ;;
	esac
}

# assert_match WHAT ERE TEXT
assert_match() {
	if grep -qE -- "$2" <<<"$3"; then
		pass "$1"
	else
		fail "$1" "text matching /$2/" "$3"
	fi
}

# assert_between WHAT LOW HIGH GOT (integers, inclusive)
assert_between() {
	case "$4" in
	'' | *[!0-9-]*)
		fail "$1" "a number in $2..$3" "$4"
		return 0
		;;
	esac
	if [ "$4" -ge "$2" ] && [ "$4" -le "$3" ]; then
		pass "$1"
	else
		fail "$1" "$2..$3" "$4"
	fi
}

# run_checks CHECK...: each check function in turn, then finish.
run_checks() {
	local check
	for check in "$@"; do
		"$check"
	done
	finish
}

# finish: the script's result.
finish() {
	if [ "$FAILURES" -gt 0 ]; then
		say "$FAILURES check(s) failed, $PASSES passed"
		exit 1
	fi
	say "all $PASSES checks passed"
	exit 0
}

# --------------------------------------------------------------- secrets

# secret_forms USER PASSWORD: the forms a password can travel in, one a
# line: as is, and base64 of the SASL PLAIN message (\0user\0password,
# user\0user\0password) and of the bare password (AUTH=LOGIN).
secret_forms() {
	printf '%s\n' "$2"
	printf '\0%s\0%s' "$1" "$2" | base64 -w0
	printf '\n'
	printf '%s\0%s\0%s' "$1" "$1" "$2" | base64 -w0
	printf '\n'
	printf '%s' "$2" | base64 -w0
	printf '\n'
}

# secret_in USER PASSWORD FILE...: prints the first line of each FILE
# (missing ones are skipped) that holds a form of the password; returns
# 1 when none does.
secret_in() {
	local forms file
	local -a files=()
	forms=$(secret_forms "$1" "$2")
	shift 2
	for file in "$@"; do
		[ -e "$file" ] && files+=("$file")
	done
	[ "${#files[@]}" -gt 0 ] || return 1
	grep -naHF -m 1 -e "$forms" -- "${files[@]}"
}

# assert_no_secret WHAT USER PASSWORD FILE...: no form of the password in
# any FILE (missing files are skipped).
assert_no_secret() {
	local what=$1 found
	if found=$(secret_in "${@:2}"); then
		fail "$what" "no password, no base64 of it" "$found"
	else
		pass "$what"
	fi
}

# assert_no_login WHAT [LOG]: the scripted server (default: the last one
# started) saw no LOGIN or AUTHENTICATE.
assert_no_login() {
	local re='^(plain|tls): [^ ]+ (LOGIN|AUTHENTICATE)( |\\r)'
	local lines
	lines=$(client_lines "${2:-}")
	if grep -qiE "$re" <<<"$lines"; then
		fail "$1" "no LOGIN or AUTHENTICATE sent" \
			"$(grep -iE "$re" <<<"$lines")"
	else
		pass "$1"
	fi
}

# spki_pin PEM: the pin of the certificate's public key, sha256//BASE64
# (the SHA-256 of its SubjectPublicKeyInfo, as curl's --pinnedpubkey).
spki_pin() {
	printf 'sha256//%s' "$(openssl x509 -in "$1" -pubkey -noout |
		openssl pkey -pubin -outform der |
		openssl dgst -sha256 -binary | base64)"
}
