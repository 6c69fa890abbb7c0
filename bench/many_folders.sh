#!/usr/bin/env bash
# many_folders.sh - time and peak memory of listing 20,000 folders.
#
# Usage: bench/many_folders.sh [--folders N] [--runs R] [--no-results]
#
# Starts the test Dovecot with `--many N` (default 20000; the harness
# writes the Maildir++ folders directly, Dovecot indexes them at the
# first LIST) in a temporary directory, then, over implicit TLS and
# without a proxy:
#   1. imapconn --check --json as the many-folder user: the first LIST
#      (Dovecot builds its indexes during it), reported on its own;
#   2. R runs (default 3) each of imapconn and curl imaps://.../ for the
#      same user, interleaved: medians of wall time and peak RSS;
#   3. the same for the 12-mailbox user, as a baseline.
# Peak RSS is the child's ru_maxrss, from /usr/bin/time -v when it
# works, else from bench/peakrss.  curl 7.88 counts LIST lines against
# its header size limit: what it printed and how it ended is recorded.
# Writes bench/results/many_folders.md unless --no-results.  A
# measurement: the exit status is 0 whatever the clients do.
#
# Environment: IMAPCONN (default ./imapconn), PEAKRSS (default
# bench/peakrss), CURL (default curl).  Needs root (for Dovecot), jq.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
imapconn=${IMAPCONN:-$top/imapconn}
peakrss=${PEAKRSS:-$top/bench/peakrss}
curl_bin=${CURL:-curl}
harness=$top/tests/dovecot/imapconn-dovecot
results=$top/bench/results/many_folders.md
folders=20000
runs=3
write_results=1

usage() {
	sed -n 's/^# \(Usage: .*\)/\1/p' "$0"
}

die() {
	echo "many_folders: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--folders) [ $# -ge 2 ] || die "--folders N"; folders=$2; shift 2 ;;
	--runs) [ $# -ge 2 ] || die "--runs R"; runs=$2; shift 2 ;;
	--no-results) write_results=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $folders in ''|*[!0-9]*) die "--folders: a number" ;; esac
case $runs in ''|*[!0-9]*) die "--runs: a number" ;; esac
[ "$runs" -ge 1 ] || die "--runs: at least 1"

[ -x "$imapconn" ] || die "$imapconn missing: make"
command -v "$curl_bin" >/dev/null || die "curl missing"
command -v jq >/dev/null || die "jq missing"

# How peak memory is measured.
if /usr/bin/time -v -o /dev/null true 2>/dev/null; then
	rss_tool="/usr/bin/time -v"
elif [ -x "$peakrss" ]; then
	rss_tool="bench/peakrss"
else
	die "neither /usr/bin/time -v nor $peakrss (make bench)"
fi

work=$(mktemp -d /tmp/imapconn-many.XXXXXX)
# Dovecot's mail user must be able to reach the mail below it.
chmod 755 "$work"
dovecot_started=0

cleanup() {
	if [ "$dovecot_started" = 1 ]; then
		"$harness" stop "$work/dovecot" >/dev/null 2>&1 || true
	fi
	echo "removing $work (many folders: slow on a slow disk)..." >&2
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
echo "starting Dovecot with $folders folders (this takes a while)..." >&2
dovecot_started=1
t0=$EPOCHREALTIME
"$harness" start "$work/dovecot" --many "$folders" \
	>"$work/dovecot.out" 2>&1 || { cat "$work/dovecot.out" >&2; exit 1; }
t1=$EPOCHREALTIME
start_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
# shellcheck disable=SC1091
. "$work/dovecot/env"

umask 077
printf 'machine 127.0.0.1 login %s password %s\n' "$MANY_USER" \
	"$MANY_PASSWORD" >"$work/netrc.many"
printf 'machine 127.0.0.1 login %s password %s\n' "$TEST_USER" \
	"$TEST_PASSWORD" >"$work/netrc.test"

# measure OUT COMMAND...: run it, stdout to OUT.stdout, stderr to
# OUT.stderr; prints "wall_ms rss_kib exit".
measure() {
	local out=$1 a b rc=0 rss pattern
	pattern='s/.*Maximum resident set size (kbytes): '
	pattern+='\([0-9]*\).*/\1/p'
	shift
	a=$EPOCHREALTIME
	if [ "$rss_tool" = "bench/peakrss" ]; then
		"$peakrss" -o "$out.rss" "$@" >"$out.stdout" \
			2>"$out.stderr" || rc=$?
		pattern='s/.*peak_rss_kib=\([0-9]*\).*/\1/p'
	else
		/usr/bin/time -v -o "$out.rss" "$@" >"$out.stdout" \
			2>"$out.stderr" || rc=$?
	fi
	b=$EPOCHREALTIME
	rss=$(sed -n "$pattern" "$out.rss")
	awk -v a="$a" -v b="$b" -v r="${rss:-NA}" -v c="$rc" \
		'BEGIN { printf "%.0f %s %s\n", (b - a) * 1000, r, c }'
}

# Rows of $work/runs.tsv:
# label client run wall_ms rss_kib exit listed list_ms message
: >"$work/runs.tsv"

# record LABEL CLIENT RUN MEASURED LISTED LIST_MS MESSAGE
record() {
	local m
	read -r -a m <<<"$4"
	printf '%s\t' "$1" "$2" "$3" "${m[@]}" "$5" "$6" >>"$work/runs.tsv"
	printf '%s\n' "$7" >>"$work/runs.tsv"
	printf '  %s %s run %s: wall %s ms, peak RSS %s KiB, exit %s; ' \
		"$1" "$2" "$3" "${m[@]}" >&2
	printf '%s mailboxes, LIST phase %s ms; %s\n' "$5" "$6" "$7" >&2
}

# run_imapconn LABEL RUN USER PASSWORD
run_imapconn() {
	local out=$work/$1-imapconn-$2 m listed list_ms message
	m=$(IMAPCONN_PASSWORD=$4 measure "$out" "$imapconn" --check --json \
		--ca-file "$CA_FILE" -u "$3" "imaps://127.0.0.1:$IMAPS_PORT")
	listed=$(jq -r '.mailboxes | length' "$out.stdout" 2>/dev/null ||
		echo NA)
	list_ms=$(jq -r '[.phases[] | select(.phase == "list") | .ms][0]
		// "NA"' "$out.stdout" 2>/dev/null || echo NA)
	message=$(jq -r 'if .ok then "ok" else .failure.detail // "failed"
		end' "$out.stdout" 2>/dev/null ||
		head -c 200 "$out.stderr" | tr '\n' ' ')
	record "$1" imapconn "$2" "$m" "$listed" "$list_ms" "$message"
}

# run_curl LABEL RUN NETRC
run_curl() {
	local out=$work/$1-curl-$2 m listed message
	m=$(measure "$out" "$curl_bin" -sS --cacert "$CA_FILE" \
		--netrc-file "$3" "imaps://127.0.0.1:$IMAPS_PORT/")
	listed=$(grep -c '^\* LIST ' "$out.stdout" || true)
	message=$(head -c 200 "$out.stderr" | tr '\n' ' ' | sed 's/ *$//')
	record "$1" curl "$2" "$m" "$listed" NA "${message:-ok}"
}

run_imapconn first 1 "$MANY_USER" "$MANY_PASSWORD"
for run in $(seq "$runs"); do
	run_imapconn many "$run" "$MANY_USER" "$MANY_PASSWORD"
	run_curl many "$run" "$work/netrc.many"
done
for run in $(seq "$runs"); do
	run_imapconn base "$run" "$TEST_USER" "$TEST_PASSWORD"
	run_curl base "$run" "$work/netrc.test"
done

# median COLUMN LABEL CLIENT
median() {
	awk -F'\t' -v col="$1" -v l="$2" -v c="$3" \
		'$1 == l && $2 == c && $col != "NA" { print $col }' \
		"$work/runs.tsv" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "NA"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# distinct COLUMN LABEL CLIENT: the values of every run, each once.
distinct() {
	awk -F'\t' -v col="$1" -v l="$2" -v c="$3" '
		$1 == l && $2 == c && !seen[$col]++ {
			printf "%s%s", sep, $col
			sep = "; "
		}' "$work/runs.tsv" | sed 's/|/\\|/g'
}

# row CELL...: one Markdown table row.
row() {
	printf '| %s ' "$@"
	printf '|\n'
}

# line USER LABEL CLIENT: the table row of one label and client.
line() {
	row "$1" "$3" "$(median 4 "$2" "$3")" "$(median 5 "$2" "$3")" \
		"$(distinct 6 "$2" "$3")" "$(distinct 7 "$2" "$3")" \
		"$(median 8 "$2" "$3")" "$(distinct 9 "$2" "$3")"
}

report() {
	local ic_version curl_version dovecot_version many
	ic_version=$("$imapconn" --version 2>/dev/null | head -1)
	curl_version=$("$curl_bin" --version | head -1 | cut -d' ' -f1-2)
	dovecot_version=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
	many="$MANY_USER ($folders folders + 6)"
	cat <<EOF
# Listing $folders folders: imapconn --check and curl

Measured $(date -u '+%Y-%m-%d %H:%M UTC') on Linux $(uname -r), \
$(nproc) CPUs
(load average $load_avg at the start);
$ic_version, $curl_version, Dovecot $dovecot_version,
started with \`--many $folders\` in $start_s s.
Implicit TLS on loopback, no proxy. Peak RSS: $rss_tool (ru_maxrss
of the client). Medians of $runs runs; the first imapconn run, during
which Dovecot indexes the new folders, is shown apart.

Command: \`bench/many_folders.sh --folders $folders --runs $runs\`

$(row user client "wall time (ms)" "peak RSS (KiB)" "exit status" \
	"mailboxes received" "LIST phase (ms)" message)
|---|---|---|---|---|---|---|---|
$(line "$many, first LIST" first imapconn)
$(line "$many" many imapconn)
$(line "$many" many curl)
$(line "$TEST_USER (12 mailboxes)" base imapconn)
$(line "$TEST_USER (12 mailboxes)" base curl)

imapconn: \`imapconn --check --json --ca-file CA -u USER
imaps://127.0.0.1:PORT\` (password from IMAPCONN_PASSWORD); mailboxes
received: the length of "mailboxes" in its JSON; LIST phase: its
"list" phase (LIST sent to tagged OK, every mailbox parsed). curl:
\`curl -sS --cacert CA --netrc-file F imaps://127.0.0.1:PORT/\`;
mailboxes received: the \`* LIST\` lines it printed before it stopped;
message: its error. Several values in a cell: the distinct values of
the runs.
EOF
}

out=$work/report.md
report >"$out"
cat "$out"
if [ "$write_results" = 1 ]; then
	mkdir -p "$(dirname "$results")"
	cp "$out" "$results"
	echo "written: $results" >&2
fi
