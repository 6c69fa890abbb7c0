# lib.sh - what the integration tests add to tests/lib.sh: the scripted
# server for one connection, the Dovecot log, runs of imapconn --check
# --json and assertions on them.  Sourced, never run; by hand, from
# anywhere:  bash tests/integration/tls_verify.sh
#
# A test script calls need_jq and need_imapconn (and need_scripted_server
# or need_dovecot for what it uses), then its checks, then finish.  Every
# server it starts is stopped at exit (tests/lib.sh).
# Variables set here are read by the scripts that source this file:
# shellcheck shell=bash disable=SC2034

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
lib_workdir it

# need_servers: jq, imapconn, the scripted server, and the test Dovecot
# started: what a script using both servers needs.
need_servers() {
	need_jq
	need_imapconn
	need_scripted_server
	need_dovecot
	dovecot_start
}

# The folders the harness makes for alice, decoded, sorted, joined by |.
alice_folders() {
	printf '%s\n' INBOX Projects Projects/2026 Projects/2026/Q4 \
		'Entwürfe' '日本語' 'Café & Co' Sent Drafts Trash Junk Archive |
		LC_ALL=C sort | paste -sd '|'
}

# Lines in the Dovecot log now; pass it to dovecot_log_since later.
dovecot_log_mark() {
	wc -l <"$DOVECOT_LOG" | tr -d ' '
}

# _log_since_has MARK TEXT: the Dovecot log holds TEXT after line MARK.
_log_since_has() {
	tail -n "+$(($1 + 1))" "$DOVECOT_LOG" | grep -q "$2"
}

# dovecot_log_since MARK: the log lines written after MARK, once the
# login process has logged the end of the connection (it may lag the
# client's exit a little).
dovecot_log_since() {
	wait_until 2 _log_since_has "$1" 'Disconnected' || true
	tail -n "+$(($1 + 1))" "$DOVECOT_LOG"
}

# The usual ends of a scripted server's script: INBOX listed and LOGOUT
# answered; the same after a LOGIN that succeeds.
# shellcheck disable=SC2016
LIST_LOGOUT='expect-tag LIST
sendln * LIST () "/" INBOX
sendln $TAG OK listed
expect-tag LOGOUT
sendln * BYE bye
sendln $TAG OK bye
close'
# shellcheck disable=SC2016
LOGIN_LIST_LOGOUT='expect-tag LOGIN
sendln $TAG OK logged in
'$LIST_LOGOUT

# scripted_start SCRIPT [SERVER OPTION...]: starts the scripted server
# with SCRIPT (text, one directive a line) for one connection.  Sets
# SCRIPTED_PORT, SCRIPTED_LOG and SCRIPTED_PID.
scripted_start() {
	local script=$1
	shift
	scripted_launch_or_fail "$script" --once --max-seconds 20 "$@"
	SCRIPTED_PORT=$LAUNCH_PORT SCRIPTED_LOG=$LAUNCH_LOG
	SCRIPTED_PID=$LAUNCH_PID
}

# scripted_wait [SECONDS]: waits for the server of the last scripted_start
# to end (it ends when the client has closed); kills it after SECONDS
# (default 5).  Sets SCRIPTED_STATUS.
scripted_wait() {
	stop_after "${1:-5}" "$SCRIPTED_PID"
	SCRIPTED_STATUS=$STOP_STATUS
}

# closed_port: CLOSED_PORT, a loopback port that refuses: the scripted
# server's, once it is gone.
closed_port() {
	scripted_start 'silent'
	CLOSED_PORT=$SCRIPTED_PORT
	kill -TERM "$SCRIPTED_PID" 2>/dev/null || true
	scripted_wait 5
}

# --------------------------------------------------------------------- runs

# tls_target MODE: TARGET, the options that reach the started server
# over implicit TLS (tls: IMAPS_PORT) or STARTTLS (starttls: IMAP_PORT)
# as localhost, verified with CA_FILE.
tls_target() {
	if [ "$1" = tls ]; then
		TARGET=(--ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT")
	else
		TARGET=(--starttls --ca-file "$CA_FILE" "localhost:$IMAP_PORT")
	fi
}

# run_check ARG...: imapconn --check --json ARG..., with the environment
# of the caller (IMAPCONN_PASSWORD=... run_check ...).  Sets RUN_RC,
# RUN_MS (wall time), RUN_OUT (stdout file), RUN_ERR (stderr file), and
# from the JSON RUN_CLASS, RUN_EXIT, RUN_PHASE, RUN_DETAIL (the failure's
# class, exit_code, phase and detail; "null" when there is none).
run_check() {
	local -a f=()
	run_begin json --check --json "$@"
	timeout -k 5 60 "$IMAPCONN" --check --json "$@" \
		>"$RUN_OUT" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	run_end
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

# assert_no_credentials_sent WHAT USER PASSWORD: the scripted server's log
# shows no LOGIN, no AUTHENTICATE and no password bytes, plain or tls.
assert_no_credentials_sent() {
	assert_no_login "$1: no LOGIN or AUTHENTICATE" "$SCRIPTED_LOG"
	assert_no_secret "$1: no password bytes" "$2" "$3" "$SCRIPTED_LOG"
}

# probe FIELD HOST PORT MODE: a field of one probe of the last --detect
# --json run (RUN_OUT).
probe() {
	jq -r --arg h "$2" --argjson p "$3" --arg m "$4" \
		"[.probes[] | select(.host == \$h and .port == \$p and
		.mode == \$m)] | if length == 1 then .[0].$1 | tostring
		else \"(\(length) probes)\" end" "$RUN_OUT" 2>/dev/null ||
		printf '(no JSON)'
}
