# shellcheck shell=bash
# assert.sh - the messages, pass/fail counters and assertions the test
# libraries share; sourced first by tests/integration/lib.sh and
# tests/hostile/lib.sh, each of which sets TEST_NAME and defines
# _dump_run (what to show after a failure) and jf (a field of the last
# run's JSON).

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

# stop_pids PID...: the test's servers, ended and reaped.
stop_pids() {
	local pid
	for pid in "$@"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# pass WHAT
pass() {
	PASSES=$((PASSES + 1))
	printf 'ok: %s\n' "$1"
}

# fail WHAT EXPECTED GOT
fail() {
	FAILURES=$((FAILURES + 1))
	printf 'FAIL: %s\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3"
	_dump_run
}

# assert_eq WHAT EXPECTED GOT
assert_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "$2" "$3"; fi
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
