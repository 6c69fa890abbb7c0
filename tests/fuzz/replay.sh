#!/usr/bin/env bash
# replay.sh - every fuzz target's seed corpus and every input that once
# crashed, run through the target's entry point with the normal compiler
# (tests/fuzz/replay_TARGET, no libFuzzer needed).  A target that finds
# a fault aborts, and the test fails.
set -euo pipefail
TEST_NAME=replay
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
for target in fuzz_imap_parse fuzz_hostspec fuzz_mboxname fuzz_session; do
	bin=$top_builddir/tests/fuzz/replay_${target#fuzz_}
	if [ ! -x "$bin" ]; then
		say "no $bin (make check builds it)" >&2
		exit 99
	fi
	inputs=("$top_srcdir/tests/fuzz/corpus/$target")
	for known in "$top_srcdir/tests/fuzz/crashes/$target"-*; do
		[ -e "$known" ] && inputs+=("$known")
	done
	if out=$("$bin" "${inputs[@]}" 2>&1); then
		pass "$target: ${out##*$'\n'}"
	else
		printf '%s\n' "$out" | tail -n 20 >&2
		fail "$target"
	fi
done
finish
