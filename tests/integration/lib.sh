# lib.sh - shared helpers for the integration tests: servers, runs of
# imapconn --check --json, and assertions.  Sourced, never run.
#
# From make check: top_srcdir, top_builddir, IMAPCONN, SCRIPTED_SERVER and
# DOVECOT come from TESTS_ENVIRONMENT.  By hand, from anywhere, they
# default to this source tree:  bash tests/integration/tls_verify.sh
#
# A test script calls need_jq and need_imapconn (and need_scripted_server
# or need_dovecot for what it uses), then its checks, then finish.  Every
# server it starts is stopped by the EXIT trap set here.
# IMAPCONN_TEST_KEEP=1 keeps the temporary files.
# Variables set here are read by the scripts that source this file:
# shellcheck shell=bash disable=SC2034

_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../assert.sh
. "$_lib_dir/../assert.sh"
top_srcdir=${top_srcdir:-$(cd "$_lib_dir/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
IMAPCONN=${IMAPCONN:-$top_builddir/imapconn}
SCRIPTED_SERVER=${SCRIPTED_SERVER:-$top_builddir/tests/scripted_server}
DOVECOT=${DOVECOT-$(command -v dovecot 2>/dev/null ||
	{ [ -x /usr/sbin/dovecot ] && echo /usr/sbin/dovecot; } || true)}
DOVECOT_HARNESS=$top_srcdir/tests/dovecot/imapconn-dovecot

TEST_NAME=$(basename "$0" .sh)
FAILURES=0
PASSES=0

# One temporary directory per script; Dovecot gets its own (the harness
# opens it to its unprivileged users, which a 0700 parent would block).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/imapconn-it-$TEST_NAME.XXXXXX")
DOVECOT_DIR_T=
SCRIPTED_PIDS=()

_cleanup() {
	local rc=$?
	stop_pids "${SCRIPTED_PIDS[@]}"
	if [ -n "$DOVECOT_DIR_T" ]; then
		"$DOVECOT_HARNESS" stop "$DOVECOT_DIR_T" >/dev/null 2>&1 || true
	fi
	if [ "${IMAPCONN_TEST_KEEP:-0}" = 1 ]; then
		say "kept $WORK${DOVECOT_DIR_T:+ and $DOVECOT_DIR_T}"
	else
		rm -rf "$WORK"
		[ -n "$DOVECOT_DIR_T" ] && rm -rf "$DOVECOT_DIR_T"
	fi
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ prerequisites

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

# ------------------------------------------------------------------ servers

# dovecot_start: starts a private Dovecot and sources its env (IMAP_PORT,
# IMAPS_PORT, LD_PORT, HAVE_IPV6, CA_FILE, TEST_USER, ...).
dovecot_start() {
	_dovecot_start
}

# dovecot_start_many N: the same with N more folders for MANY_USER.
dovecot_start_many() {
	_dovecot_start --many "$1"
}

_dovecot_start() {
	DOVECOT_DIR_T=$(mktemp -d "${TMPDIR:-/tmp}/imapconn-it-dovecot.XXXXXX")
	if ! "$DOVECOT_HARNESS" start "$DOVECOT_DIR_T" "$@" \
		>"$WORK/dovecot-start.out" 2>&1; then
		cat "$WORK/dovecot-start.out" >&2
		hard_fail "the test Dovecot did not start"
	fi
	# shellcheck source=/dev/null
	. "$DOVECOT_DIR_T/env"
	DOVECOT_LOG=$DOVECOT_DIR_T/dovecot.log
}

# Lines in the Dovecot log now; pass it to dovecot_log_since later.
dovecot_log_mark() {
	wc -l <"$DOVECOT_LOG" | tr -d ' '
}

# dovecot_log_since MARK: the log lines written after MARK, once the
# login process has logged the end of the connection (it may lag the
# client's exit a little).
dovecot_log_since() {
	local mark=$1 i
	for ((i = 0; i < 40; i++)); do
		if tail -n "+$((mark + 1))" "$DOVECOT_LOG" |
			grep -q 'Disconnected'; then
			break
		fi
		sleep 0.05
	done
	tail -n "+$((mark + 1))" "$DOVECOT_LOG"
}

# scripted_start SCRIPT [SERVER OPTION...]: starts the scripted server
# with SCRIPT (text, one directive a line) for one connection.  Sets
# SCRIPTED_PORT, SCRIPTED_LOG and SCRIPTED_PID.
SCRIPTED_COUNT=0
scripted_start() {
	local script=$1 dir i
	shift
	SCRIPTED_COUNT=$((SCRIPTED_COUNT + 1))
	dir=$WORK/scripted$SCRIPTED_COUNT
	mkdir -p "$dir"
	printf '%s\n' "$script" >"$dir/script"
	SCRIPTED_LOG=$dir/log
	"$SCRIPTED_SERVER" --script "$dir/script" --port-file "$dir/port" \
		--log "$SCRIPTED_LOG" --once --max-seconds 20 "$@" \
		>"$dir/stdout" 2>"$dir/stderr" &
	SCRIPTED_PID=$!
	SCRIPTED_PIDS+=("$SCRIPTED_PID")
	SCRIPTED_PORT=
	for ((i = 0; i < 200; i++)); do
		if [ -s "$dir/port" ]; then
			SCRIPTED_PORT=$(cat "$dir/port")
			return 0
		fi
		kill -0 "$SCRIPTED_PID" 2>/dev/null || break
		sleep 0.025
	done
	cat "$dir/stderr" >&2
	hard_fail "the scripted server did not start"
}

# scripted_wait [SECONDS]: waits for the server of the last scripted_start
# to end (it ends when the client has closed); kills it after SECONDS
# (default 5).  Sets SCRIPTED_STATUS.
scripted_wait() {
	local limit=${1:-5} i
	for ((i = 0; i < limit * 20; i++)); do
		kill -0 "$SCRIPTED_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -TERM "$SCRIPTED_PID" 2>/dev/null || true
	SCRIPTED_STATUS=0
	wait "$SCRIPTED_PID" 2>/dev/null || SCRIPTED_STATUS=$?
}

# What the client sent, one line per client line of the scripted server's
# log (`plain: ...` or `tls: ...`).
client_lines() {
	grep -E '^(plain|tls): ' "$SCRIPTED_LOG" || true
}

# --------------------------------------------------------------------- runs

# run_check ARG...: imapconn --check --json ARG..., with the environment
# of the caller (IMAPCONN_PASSWORD=... run_check ...).  Sets RUN_RC,
# RUN_MS (wall time), RUN_OUT (stdout file), RUN_ERR (stderr file), and
# from the JSON RUN_CLASS, RUN_EXIT, RUN_PHASE, RUN_DETAIL (the failure's
# class, exit_code, phase and detail; "null" when there is none).
RUN_COUNT=0
run_check() {
	local t0 t1
	local -a f=()
	RUN_COUNT=$((RUN_COUNT + 1))
	RUN_OUT=$WORK/run$RUN_COUNT.json
	RUN_ERR=$WORK/run$RUN_COUNT.err
	RUN_ARGS="--check --json $*"
	RUN_DUMPED=no
	t0=${EPOCHREALTIME/[.,]/}
	RUN_RC=0
	timeout -k 5 60 "$IMAPCONN" --check --json "$@" \
		>"$RUN_OUT" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	t1=${EPOCHREALTIME/[.,]/}
	RUN_MS=$(((t1 - t0) / 1000))
	mapfile -d '' -t f < <(jq -j 'if type == "object" then
		(.failure.class // "null"), "\u0000", (.exit_code | tostring),
		"\u0000", (.failure.phase // "null"), "\u0000",
		(.failure.detail // "null"), "\u0000" else empty end' \
		"$RUN_OUT" 2>/dev/null || true)
	if [ "${#f[@]}" -ne 4 ]; then
		fail "run $RUN_COUNT printed one JSON document" \
			"a JSON object on stdout" "$(head -c 600 "$RUN_OUT")"
		f=('(no JSON)' '(no JSON)' '(no JSON)' '(no JSON)')
	fi
	RUN_CLASS=${f[0]} RUN_EXIT=${f[1]} RUN_PHASE=${f[2]} RUN_DETAIL=${f[3]}
}

# jf FILTER: a field of the last run's JSON, jq -r style (null as "null").
jf() {
	jq -r "$1" "$RUN_OUT" 2>/dev/null || printf '(no JSON)'
}

_dump_run() {
	[ "${RUN_DUMPED:-yes}" = no ] || return 0
	RUN_DUMPED=yes
	printf '  --- run %s: imapconn %s -> exit %s in %s ms\n' \
		"$RUN_COUNT" "$RUN_ARGS" "$RUN_RC" "$RUN_MS"
	printf '  --- failure: %s\n' "$(jq -c '.failure' "$RUN_OUT" 2>/dev/null)"
	printf '  --- phases:  %s\n' "$(jq -c '[.phases[] |
		[.phase, .result, .detail]]' "$RUN_OUT" 2>/dev/null)"
	printf '  --- notes:   %s\n' "$(jq -c '.notes' "$RUN_OUT" 2>/dev/null)"
	if [ -s "$RUN_ERR" ]; then
		printf '  --- stderr:\n'
		head -n 20 "$RUN_ERR" | sed 's/^/  | /'
	fi
}

# ---------------------------------------------------------------- asserts

skip_check() {
	printf 'skip: %s (%s)\n' "$1" "$2"
}



# assert_jsons WHAT FILTER EXPECTED [WHAT FILTER EXPECTED]...: fields of
# the last run, read with one jq (each as jq -r would print it).
assert_jsons() {
	local args=("$@") n=$# prog='' i
	local -a got=()
	[ $((n % 3)) -eq 0 ] || hard_fail "assert_jsons takes triples"
	for ((i = 0; i < n; i += 3)); do
		prog+="([(${args[i + 1]}) | if type == \"string\" then . "
		prog+="else tojson end] | join(\"\\n\")), \"\\u0000\", "
	done
	mapfile -d '' -t got < <(jq -j "${prog%, }" "$RUN_OUT" 2>/dev/null ||
		true)
	for ((i = 0; i < n; i += 3)); do
		if [ "${#got[@]}" -eq $((n / 3)) ]; then
			assert_eq "${args[i]}" "${args[i + 2]}" "${got[i / 3]}"
		else
			# One filter failed: each on its own, to show which.
			assert_json "${args[i]}" "${args[i + 1]}" "${args[i + 2]}"
		fi
	done
}

# assert_rc EXPECTED CLASS [PHASE]: exit status, failure class (and
# phase) of the last run; CLASS "null" for success.
assert_rc() {
	assert_eq "exit status $1" "$1" "$RUN_RC"
	assert_eq "failure class $2" "$2" "$RUN_CLASS"
	assert_eq "exit_code in the JSON is $1" "$1" "$RUN_EXIT"
	[ $# -lt 3 ] || assert_eq "failed in the $3 phase" "$3" "$RUN_PHASE"
}





# secret_file USER PASSWORD: sets SECRET_FILE to a file holding, one a
# line, the forms a password can travel in: as is, and base64 of the SASL
# PLAIN message (\0user\0password, user\0user\0password) and of the bare
# password (AUTH=LOGIN).
declare -A _SECRET_FILES=()
secret_file() {
	local key="$1:$2" file
	file=${_SECRET_FILES[$key]:-}
	if [ -z "$file" ]; then
		file=$WORK/secrets${#_SECRET_FILES[@]}
		{
			printf '%s\n' "$2"
			printf '\0%s\0%s' "$1" "$2" | base64 -w0
			printf '\n'
			printf '%s\0%s\0%s' "$1" "$1" "$2" | base64 -w0
			printf '\n'
			printf '%s' "$2" | base64 -w0
			printf '\n'
		} >"$file"
		_SECRET_FILES[$key]=$file
	fi
	SECRET_FILE=$file
}

# assert_no_secret WHAT USER PASSWORD FILE...: no form of the password in
# any FILE (missing files are skipped).
assert_no_secret() {
	local what=$1 secrets file
	local -a files=()
	secret_file "$2" "$3"
	secrets=$SECRET_FILE
	shift 3
	for file in "$@"; do
		[ -e "$file" ] && files+=("$file")
	done
	if [ "${#files[@]}" -eq 0 ] ||
		! grep -qaF -f "$secrets" -- "${files[@]}"; then
		pass "$what"
	else
		fail "$what" "no password, no base64 of it" \
			"$(grep -naHF -f "$secrets" -- "${files[@]}" | head -n 3)"
	fi
}

# assert_no_credentials_sent WHAT USER PASSWORD: the scripted server's log
# shows no LOGIN, no AUTHENTICATE and no password bytes, plain or tls.
assert_no_credentials_sent() {
	local what=$1 re='^(plain|tls): [^ ]+ (LOGIN|AUTHENTICATE)( |\\r)'
	if grep -qiE "$re" "$SCRIPTED_LOG"; then
		fail "$what: no LOGIN or AUTHENTICATE" "none" \
			"$(grep -iE "$re" "$SCRIPTED_LOG")"
	else
		pass "$what: no LOGIN or AUTHENTICATE"
	fi
	assert_no_secret "$what: no password bytes" "$2" "$3" "$SCRIPTED_LOG"
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
