#!/usr/bin/env bash
# run.sh - runs one libFuzzer target on its seed corpus and dictionary.
#
#   tests/fuzz/run.sh TARGET SECONDS [LIBFUZZER OPTION...]
#
# TARGET is fuzz_imap_parse, fuzz_hostspec, fuzz_mboxname or
# fuzz_session, built by ./configure CC=clang --enable-fuzzing && make.
# New inputs go to FUZZ_WORK (default /tmp/imapconn-fuzz/TARGET); the
# seed corpus is read, never written.  Crashes are written there as
# crash-*, and the run exits non-zero.  FUZZ_BUILDDIR names the build
# tree when it is not the source tree.  Extra options go to libFuzzer
# (-jobs=1, -runs=N).  Crashes found and fixed are kept in crashes/ as
# regression inputs: run one with
#   tests/fuzz/fuzz_session tests/fuzz/crashes/fuzz_session-...
# FUZZ_SESSION_SKIP_CAPS=1 leaves the capability list out of
# fuzz_session's check for terminal-safe text.
set -euo pipefail

usage() {
	echo "usage: $0 TARGET SECONDS [LIBFUZZER OPTION...]" >&2
	exit 64
}

[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case "$target" in
fuzz_imap_parse | fuzz_hostspec | fuzz_mboxname | fuzz_session) ;;
*) usage ;;
esac
case "$seconds" in
'' | *[!0-9]*) usage ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
builddir=${FUZZ_BUILDDIR:-$here/../..}
bin=$builddir/tests/fuzz/$target
if [ ! -x "$bin" ]; then
	echo "$0: no $bin: ./configure CC=clang --enable-fuzzing && make" >&2
	exit 1
fi
work=${FUZZ_WORK:-/tmp/imapconn-fuzz/$target}
mkdir -p "$work/corpus"

opts=(-max_total_time="$seconds" -dict="$here/$target.dict"
	-artifact_prefix="$work/" -print_final_stats=1)
case "$target" in
fuzz_session)
	# Each run is a connection: keep inputs and waits short.
	opts+=(-max_len=8192 -timeout=120 -rss_limit_mb=2048)
	;;
*)
	opts+=(-max_len=16384 -timeout=60)
	;;
esac
exec "$bin" "${opts[@]}" "$@" "$work/corpus" "$here/corpus/$target"
