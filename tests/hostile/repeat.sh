#!/usr/bin/env bash
# repeat.sh - --check --repeat against a flaky server: every third
# greeting comes 300 ms late, every fifth login is refused.  The summary
# counts exactly the connections and failures the server caused, lists
# the refused runs with their hint, names the greeting as the slow
# phase, and its percentiles are those of the runs' own timings (the
# JSON documents, one a line).  Ctrl-C ends a --repeat 0 series with
# its summary.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RUNS=20
USER_NAME=alice
PASSWORD='Pw-71c2-repeat'
export IMAPCONN_PASSWORD=$PASSWORD

# flaky_script: one part per connection; connection i greets 300 ms
# late when i is a multiple of 3, refuses the login when a multiple
# of 5.
flaky_script() {
	local i
	for ((i = 1; i <= RUNS; i++)); do
		[ "$i" -eq 1 ] || echo next-connection
		[ $((i % 3)) -ne 0 ] || echo 'sleep 300'
		echo 'sendln * OK [CAPABILITY IMAP4rev1] hi'
		echo 'expect-tag LOGIN'
		if [ $((i % 5)) -eq 0 ]; then
			echo 'sendln $TAG NO [AUTHENTICATIONFAILED] refused'
		else
			printf '%s\n' 'sendln $TAG OK logged in' \
				'expect-tag LIST' 'sendln * LIST () "/" INBOX' \
				'sendln $TAG OK done'
		fi
		echo "$SRV_LOGOUT"
	done
}

CLIENT=(--repeat "$RUNS" --interval 0.2 --timeout 5 -u "$USER_NAME"
	--starttls=off --allow-plaintext-auth)

# row NAME: the summary's line for phase NAME, blanks squeezed.
row() {
	grep -E "^  $1 " "$RUN_OUT" | tr -s ' ' || true
}

check_text() {
	say "twenty connections, the text summary"
	srv_start "$(flaky_script)" --many
	run_text "${CLIENT[@]}" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 30000
	assert_eq "exit status of the last failure (auth)" 77 "$RUN_RC"
	assert_eq "the server saw $RUNS connections" "$RUNS" \
		"$(connections "$SRV_LOG")"
	assert_eq "a line per connection" "$RUNS" \
		"$(grep -cE '^run [0-9]+: (ok|FAILED)' "$RUN_OUT")"
	assert_eq "the refused ones" "5 10 15 20" \
		"$(sed -nE 's/^run ([0-9]+): FAILED in authenticate .*/\1/p' \
			"$RUN_OUT" | xargs)"
	assert_contains "the counts" \
		"summary: 20 connections, 16 ok, 4 failed (auth 4)" \
		"$(cat "$RUN_OUT")"
	assert_match "greeting: 20 runs, none failed" \
		'^ greeting 20 0 [0-9]+ [0-9]+ [0-9]+ [0-9]+$' "$(row greeting)"
	assert_match "authenticate: 20 runs, 4 failed as auth" \
		'^ authenticate 20 4 .* auth 4$' "$(row authenticate)"
	assert_match "list: 16 runs" '^ list 16 0 ' "$(row list)"
	assert_match "total: 20 runs, 4 failed" '^ total 20 4 ' "$(row total)"
	assert_contains "the slow phase is named" "slowest phase: greeting" \
		"$(cat "$RUN_OUT")"
	assert_eq "the failed runs listed" "5 10 15 20" \
		"$(sed -nE 's/^  run ([0-9]+): in authenticate \(auth\).*/\1/p' \
			"$RUN_OUT" | xargs)"
	assert_eq "each with its hint" 4 "$(grep -c '^    hint: ' "$RUN_OUT")"
	assert_no_secret "no password in the output" "$USER_NAME" \
		"$PASSWORD" "$RUN_OUT" "$RUN_ERR"
}

# The summary's figures recomputed from the runs' documents (nearest
# rank over the phases that ended well): the phases that differ.
RECOMPUTE='(.[:-1]) as $runs | .[-1] as $s |
	[$s.phases[] | . as $p |
	 ([$runs[] | .phases[] | select(.phase == $p.phase and
	   .result == "ok") | .ms] | sort) as $v | ($v | length) as $n |
	 select($n != $p.timed or $v[0] != $p.min_ms or
		$v[-1] != $p.max_ms or
		$v[(($n * 50 + 99) / 100 | floor) - 1] != $p.median_ms or
		$v[(($n * 95 + 99) / 100 | floor) - 1] != $p.p95_ms) |
	 .phase] | join(",")'

check_json() {
	say "twenty connections, JSON lines"
	srv_start "$(flaky_script)" --many
	run_client --check --json "${CLIENT[@]}" "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 30000
	assert_eq "a document per run and the summary" $((RUNS + 1)) \
		"$(jq -c . "$RUN_OUT" | wc -l)"
	assert_eq "one document a line" $((RUNS + 1)) "$(wc -l <"$RUN_OUT")"
	assert_eq "runs numbered" "$(seq -s ' ' 1 "$RUNS")" \
		"$(jq -r 'select(.run) | .run' "$RUN_OUT" | xargs)"
	assert_eq "the refused runs" "5 10 15 20" \
		"$(jq -r 'select(.run and (.ok | not)) | .run' "$RUN_OUT" |
			xargs)"
	assert_eq "the late greetings took their 300 ms" "3 6 9 12 15 18" \
		"$(jq -r 'select(.run) | select(any(.phases[];
			.phase == "greeting" and .ms >= 300)) | .run' \
			"$RUN_OUT" | xargs)"
	RUN_OUT_ALL=$RUN_OUT
	tail -n 1 "$RUN_OUT_ALL" >"$WORK/summary.json"
	RUN_OUT=$WORK/summary.json
	assert_json "the summary document" .summary true
	assert_json "runs" .runs 20
	assert_json "failed" .failed 4
	assert_json "by class" '.failures_by_class | tojson' '{"auth":4}'
	assert_json "slowest phase" .slowest_phase greeting
	assert_json "greeting: 20 counted" \
		'.phases[] | select(.phase == "greeting") | .count' 20
	assert_json "failed runs" '[.failed_runs[].run] | join(",")' \
		5,10,15,20
	assert_json "exit_code" .exit_code 77
	RUN_OUT=$RUN_OUT_ALL
	assert_eq "min, median, p95 and max are the runs' own" "" \
		"$(jq -rs "$RECOMPUTE" "$RUN_OUT")"
}

# Called through wait_until:
# shellcheck disable=SC2317
three_connections() {
	[ "$(connections "$SRV_LOG")" -ge 3 ]
}

check_interrupt() {
	say "--repeat 0 until SIGINT"
	srv_start "$(flaky_script)" --many
	run_begin out --check --repeat 0 "${CLIENT[@]:2}"
	"$IMAPCONN" --check --repeat 0 "${CLIENT[@]:2}" \
		"127.0.0.1:$SRV_PORT" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null &
	local pid=$!
	LIB_PIDS+=("$pid")
	wait_until 20 three_connections || true
	kill -INT "$pid"
	wait "$pid" || RUN_RC=$?
	run_end
	srv_stop
	assert_eq "exit status 130" 130 "$RUN_RC"
	assert_match "the summary after the signal" \
		'^summary: [0-9]+ connections' "$(cat "$RUN_OUT")"
}

main() {
	need_tools
	check_text
	check_json
	check_interrupt
	finish
}

main "$@"
