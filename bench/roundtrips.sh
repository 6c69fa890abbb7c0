#!/usr/bin/env bash
# roundtrips.sh - round trips to the mailbox list, imapconn against curl.
#
# Usage: bench/roundtrips.sh [--runs N] [--delay-ms MS] [--no-results]
#
# Starts the test Dovecot (tests/dovecot/imapconn-dovecot) in a temporary
# directory, one bench/delayproxy in front of its implicit TLS port and
# one in front of its STARTTLS port (MS ms each way, default 25, so a
# round trip costs 50 ms more), and runs through them, interleaved, one
# unmeasured warm-up and then N measured runs (default 5) of:
#   imapconn --check --json imaps://...            implicit TLS
#   imapconn --check --json --starttls imap://...  STARTTLS
#   curl imaps://.../                              implicit TLS, LIST
#   curl --ssl-reqd imap://.../                    STARTTLS, LIST
# Per run the proxy reports the exchanges it relayed (see delayproxy.c);
# the client's own log (imapconn --transcript, curl --trace-ascii
# --trace-time) tells when the tagged reply to LIST arrived.  The
# exchanges up to the one that carried it are the round trips to the
# list; those after it (LOGOUT) count in "exchanges in all" only.
# Prints a Markdown table of medians and, for the median run of each
# client and mode, what was relayed per exchange; writes the same to
# bench/results/roundtrips.md unless --no-results.  A measurement: the
# exit status is 0 whatever the figures are.
#
# Environment: IMAPCONN (default ./imapconn), DELAYPROXY (default
# bench/delayproxy), CURL (default curl).  Needs root (for Dovecot), jq.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
imapconn=${IMAPCONN:-$top/imapconn}
delayproxy=${DELAYPROXY:-$top/bench/delayproxy}
curl_bin=${CURL:-curl}
harness=$top/tests/dovecot/imapconn-dovecot
results=$top/bench/results/roundtrips.md
runs=5
delay_ms=25
write_results=1
target_tls=3
target_starttls=4

usage() {
	sed -n 's/^# \(Usage: .*\)/\1/p' "$0"
}

die() {
	echo "roundtrips: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs) [ $# -ge 2 ] || die "--runs N"; runs=$2; shift 2 ;;
	--delay-ms)
		[ $# -ge 2 ] || die "--delay-ms MS"
		delay_ms=$2
		shift 2
		;;
	--no-results) write_results=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $runs in ''|*[!0-9]*) die "--runs: a number" ;; esac
case $delay_ms in ''|*[!0-9]*) die "--delay-ms: a number" ;; esac
[ "$runs" -ge 1 ] || die "--runs: at least 1"

for f in "$imapconn" "$delayproxy"; do
	[ -x "$f" ] || die "$f missing: make && make bench"
done
command -v "$curl_bin" >/dev/null || die "curl missing"
command -v jq >/dev/null || die "jq missing"

work=$(mktemp -d /tmp/imapconn-roundtrips.XXXXXX)
# Dovecot's mail user must be able to reach the mail below it.
chmod 755 "$work"
pids=()
dovecot_started=0

cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "$dovecot_started" = 1 ]; then
		"$harness" stop "$work/dovecot" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
echo "starting Dovecot..." >&2
dovecot_started=1
"$harness" start "$work/dovecot" >"$work/dovecot.out" 2>&1 ||
	{ cat "$work/dovecot.out" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/dovecot/env"

per_proxy=$(( (runs + 1) * 2 ))

# start_proxy NAME TARGET_PORT: a delay proxy; its port in $work/NAME.port.
start_proxy() {
	"$delayproxy" --target "$2" --delay-ms "$delay_ms" \
		--connections "$per_proxy" --time-limit 900 \
		--port-file "$work/$1.port" --report "$work/$1.jsonl" \
		2>"$work/$1.err" &
	pids+=("$!")
	for _ in $(seq 50); do
		[ -s "$work/$1.port" ] && return 0
		sleep 0.1
	done
	echo "roundtrips: the proxy did not start:" >&2
	cat "$work/$1.err" >&2
	exit 1
}
start_proxy tls "$IMAPS_PORT"
start_proxy starttls "$IMAP_PORT"
port_tls=$(cat "$work/tls.port")
port_starttls=$(cat "$work/starttls.port")

umask 077
printf 'machine localhost login %s password %s\n' "$TEST_USER" \
	"$TEST_PASSWORD" >"$work/netrc"

# wait_report NAME N: until the proxy's report has N lines.
wait_report() {
	local have
	for _ in $(seq 200); do
		have=0
		[ -f "$work/$1.jsonl" ] && have=$(wc -l <"$work/$1.jsonl")
		[ "$have" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "roundtrips: no report from the $1 proxy" >&2
	return 1
}

# Client logs are normalised to JSON lines {"t": wall-clock us, "d": "C"
# or "S", "x": the line}; no secret is written (imapconn's transcript
# has none, curl's AUTHENTICATE and LOGIN arguments are dropped).
jq_imapconn=$(cat <<'EOF'
capture("^(?<ts>[0-9T:-]+)\\.(?<ms>[0-9]+)Z (?<d>[CS]): (?<x>.*)$")
| {t: ((.ts + "Z" | fromdateiso8601) * 1000000
       + (.ms | tonumber) * 1000), d, x}
EOF
)

norm_imapconn() {
	jq -R -c "$jq_imapconn" "$1"
}

# curl's --trace-time shows the time of day from its own clock, whose
# offset from the wall clock is only known to the second: the times are
# taken relative to its "Connected to" line and placed at the proxy's
# accept ($2, wall us), which happens at the same moment on loopback.
awk_curl=$(cat <<'EOF'
function redact(s,   n, f) {
	n = split(s, f, " ")
	if (n >= 2 && toupper(f[2]) == "AUTHENTICATE")
		return f[1] " AUTHENTICATE " f[3] " <sasl>"
	if (n >= 2 && toupper(f[2]) == "LOGIN")
		return f[1] " LOGIN <user> <password>"
	return s
}
/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]+ / {
	split($1, hms, /[:.]/)
	us = ((hms[1] * 60 + hms[2]) * 60 + hms[3]) * 1000000 + hms[4]
	if (anchor == "" && $2 == "==" && $4 == "Connected")
		anchor = us
	dir = ""
	if ($2 == "=>" && $3 == "Send" && $4 == "header,")
		dir = "C"
	if ($2 == "<=" && $3 == "Recv" && $4 == "header,")
		dir = "S"
	next
}
/^0000: / && dir != "" && anchor != "" {
	t = us - anchor
	if (t < -43200000000)
		t += 86400000000
	x = substr($0, 7)
	sub(/\r$/, "", x)
	if (dir == "C")
		x = redact(x)
	printf "%.0f\t%s\t%s\n", start + t, dir, x
}
EOF
)

norm_curl() {
	awk -v start="$2" "$awk_curl" "$1" |
		jq -R -c 'split("\t")
			| {t: (.[0] | tonumber), d: .[1], x: .[2]}'
}

# The wall-clock time of the tagged reply to LIST in a normalised log.
jq_list_done=$(cat <<'EOF'
(map(select(.d == "C" and (.x | test("^[^ ]+ LIST "))) | .x
     | split(" ")[0]) | first) as $tag
| if $tag == null then empty
  else map(select(.d == "S" and (.x | startswith($tag + " "))))
       | first | .t // empty
  end
EOF
)

# From the proxy's line for a run and that time ($cut): the round trips
# to the list, connect -> list (ms), and where that time went.  The
# exchanges whose server burst reached the proxy by $cut carried the
# reply (the last of them) or came before it; a later one (LOGOUT) began
# after the client had the reply, two delays later, which leaves a
# delay of slack for the two clocks.  Client time: from the accept, or
# from the delivery of the previous reply, to the client's next burst;
# server time: from the delivery of a request, or the accept for a
# greeting, to the reply's first byte.
jq_split=$(cat <<'EOF'
. as $c | .delay_ms as $d
| [.xs[] | select(.s_ms * 1000 + $c.start_wall_us <= $cut)] as $x
| ($x | length) as $n
| if $n == 0 then "0 NA NA NA"
  else
    [range(0; $n) | . as $i | $x[$i]
     | if .c_ms < 0 then 0
       elif $i == 0 then .c_ms
       else .c_ms - ($x[$i - 1].s_end_ms + $d) end] as $cl
    | [$x[] | if .c_ms < 0 then .s_ms
              else .s_ms - (.c_ms + $d) end] as $sv
    | "\($n) \($x[-1].s_end_ms + $d | round)"
      + " \($cl | add | round) \($sv | add | round)"
  end
EOF
)

# Rows of $work/runs.tsv: client mode run exchanges to_list list_ms
# wall_ms rc client_ms server_ms
: >"$work/runs.tsv"

# client_args CLIENT MODE PORT LOG: the client's command line.
client_args() {
	local port=$3 log=$4 url
	if [ "$1" = imapconn ]; then
		if [ "$2" = tls ]; then
			args=(imaps://127.0.0.1:"$port")
		else
			args=(--starttls imap://127.0.0.1:"$port")
		fi
		args=("$imapconn" --check --json --ca-file "$CA_FILE"
		      --server-name localhost --transcript "$log.transcript"
		      -u "$TEST_USER" "${args[@]}")
		return
	fi
	if [ "$2" = tls ]; then
		url=imaps://localhost:$port/
		args=()
	else
		url=imap://localhost:$port/
		args=(--ssl-reqd)
	fi
	args=("$curl_bin" -sS --cacert "$CA_FILE" --netrc-file "$work/netrc"
	      --resolve "localhost:$port:127.0.0.1"
	      --trace-ascii "$log.trace" --trace-time "${args[@]}" "$url")
}

# run_one CLIENT MODE RUN
run_one() {
	local client=$1 mode=$2 run=$3 port log t0 t1 rc=0 before line
	local cutoff start all wall_ms split=''
	local to_list list_ms client_ms server_ms
	local -a args
	if [ "$mode" = tls ]; then port=$port_tls; else port=$port_starttls; fi
	before=0
	[ -f "$work/$mode.jsonl" ] && before=$(wc -l <"$work/$mode.jsonl")
	log=$work/$client-$mode-$run
	client_args "$client" "$mode" "$port" "$log"
	t0=$EPOCHREALTIME
	IMAPCONN_PASSWORD=$TEST_PASSWORD "${args[@]}" >"$log.out" \
		2>"$log.err" || rc=$?
	t1=$EPOCHREALTIME
	wait_report "$mode" $((before + 1))
	line=$(sed -n "$((before + 1))p" "$work/$mode.jsonl")
	printf '%s\n' "$line" >"$log.proxy.json"
	start=$(jq -r .start_wall_us <<<"$line")
	if [ "$client" = imapconn ]; then
		norm_imapconn "$log.transcript" >"$log.log"
	else
		norm_curl "$log.trace" "$start" >"$log.log"
	fi
	cutoff=$(jq -s -r "$jq_list_done" "$log.log")
	all=$(jq -r .exchanges <<<"$line")
	if [ -n "$cutoff" ]; then
		split=$(jq -r --argjson cut "$cutoff" "$jq_split" <<<"$line")
	fi
	read -r to_list list_ms client_ms server_ms <<<"${split:-NA NA NA NA}"
	wall_ms=$(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.0f", (b - a) * 1000 }')
	printf '%s\t' "$client" "$mode" "$run" "$all" "$to_list" "$list_ms" \
		"$wall_ms" "$rc" "$client_ms" >>"$work/runs.tsv"
	printf '%s\n' "$server_ms" >>"$work/runs.tsv"
	printf '  %s %s run %s: %s to the list, %s in all, list at %s ms' \
		"$client" "$mode" "$run" "$to_list" "$all" "$list_ms" >&2
	printf ' (client %s, server %s), wall %s ms, exit %s\n' \
		"$client_ms" "$server_ms" "$wall_ms" "$rc" >&2
}

for run in $(seq 0 "$runs"); do
	for mode in tls starttls; do
		for client in imapconn curl; do
			run_one "$client" "$mode" "$run"
		done
	done
done

# median COLUMN CLIENT MODE: over the measured runs (run >= 1).
median() {
	awk -F'\t' -v col="$1" -v c="$2" -v m="$3" '
		$1 == c && $2 == m && $3 >= 1 && $col != "NA" { print $col }' \
		"$work/runs.tsv" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "NA"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# values COLUMN CLIENT MODE: every measured value, for the record.
values() {
	awk -F'\t' -v col="$1" -v c="$2" -v m="$3" '
		$1 == c && $2 == m && $3 >= 1 {
			printf "%s%s", sep, $col
			sep = " "
		}' "$work/runs.tsv"
}

mode_name() {
	if [ "$1" = tls ]; then echo "implicit TLS"; else echo "STARTTLS"; fi
}

# row CELL...: one Markdown table row.
row() {
	printf '| %s ' "$@"
	printf '|\n'
}

# split_cell CLIENT MODE: "client / server" medians.
split_cell() {
	echo "$(median 9 "$1" "$2") / $(median 10 "$1" "$2")"
}

table() {
	local c m
	row client mode "round trips to the list" "exchanges in all" \
		"connect → list (ms)" "of which client / server (ms)" \
		"wall time (ms)" exit
	echo "|---|---|---|---|---|---|---|---|"
	for m in tls starttls; do
		for c in imapconn curl; do
			row "$c" "$(mode_name "$m")" \
				"$(median 5 "$c" "$m")" \
				"$(median 4 "$c" "$m")" \
				"$(median 6 "$c" "$m")" \
				"$(split_cell "$c" "$m")" \
				"$(median 7 "$c" "$m")" \
				"$(values 8 "$c" "$m")"
		done
	done
}

# median_run CLIENT MODE: the measured run whose connect -> list time is
# the median (the lower of the two middle ones for an even count).
median_run() {
	awk -F'\t' -v c="$1" -v m="$2" '
		$1 == c && $2 == m && $3 >= 1 && $6 != "NA" {
			print $6 "\t" $3
		}' \
		"$work/runs.tsv" | sort -n | awk -F'\t' '
		{ r[NR] = $2 }
		END { print (NR ? r[int((NR + 1) / 2)] : 1) }'
}

# The exchanges of one run as a Markdown table, with the client's log
# lines placed in the exchange they belong to: a line the client sent
# goes with the last C burst that began no later, a line it received
# with the last S burst that reached it no later; bursts are two delays
# apart, so one delay of slack absorbs the difference of the clocks.
jq_detail=$(cat <<'EOF'
def esc: gsub("\\|"; "\\|")
	 | if length > 70 then .[0:67] + "..." else . end;
def ms: . * 10 | round / 10 | tostring;
def cell($l; $none):
	if ($l | length) == 0 then $none
	elif ($l | length) > 3 then
		$l[0:2] + ["... \(($l | length) - 3) more ...", $l[-1]]
		| join("<br>")
	else $l | join("<br>") end;
. as $c | ($c.delay_ms * 1000) as $d
| [.xs | to_entries[] | {i: (.key + 1)} + .value] as $xs
| [$log[] | (.t - $c.start_wall_us) as $off
   | . + {ex: (if .d == "C" then
		 [$xs[] | select(.c_ms >= 0 and .c_ms * 1000 <= $off + $d)
		  | .i] | max
	       else
		 [$xs[] | select(.s_ms * 1000 <= $off) | .i] | max
	       end)}] as $lines
| "| # | C at (ms) | C bytes | client sent | S at (ms) | S bytes "
  + "| server sent |",
  "|---|---|---|---|---|---|---|",
  ($xs[] | . as $x
   | [$lines[] | select(.ex == $x.i and .d == "C") | .x | esc] as $cl
   | [$lines[] | select(.ex == $x.i and .d == "S") | .x | esc] as $sl
   | "| \($x.i) | \(if $x.c_ms < 0 then "-" else $x.c_ms | ms end) "
     + "| \($x.c_bytes) "
     + "| \(cell($cl; if $x.c_ms < 0
		       then "(nothing: the server speaks first)"
		       else "(TLS records only)" end)) "
     + "| \($x.s_ms | ms) | \($x.s_bytes) "
     + "| \(cell($sl; "(TLS records only)")) |"),
  "",
  "Trailing client bytes after the last reply (TLS close_notify): "
  + "\(.trailing_client_bytes); connection "
  + (if .error == "" then "closed" else "ended: " + .error end) + "."
EOF
)

# detail CLIENT MODE: the exchanges of the median run.
detail() {
	local log
	log=$work/$1-$2-$(median_run "$1" "$2")
	jq -r --slurpfile log "$log.log" "$jq_detail" "$log.proxy.json"
}

verdict() {
	local mode target got word
	for mode in tls starttls; do
		target=$target_starttls
		[ "$mode" = tls ] && target=$target_tls
		got=$(median 5 imapconn "$mode")
		if [ "$got" = NA ]; then
			echo "- $(mode_name "$mode"): imapconn's round trips" \
				"could not be counted (see the runs)."
			continue
		fi
		word="**met**"
		if ! awk -v a="$got" -v b="$target" 'BEGIN { exit !(a <= b) }'
		then
			word="**NOT met** (see its exchanges below)"
		fi
		printf -- '- %s: imapconn %s round trips to the list, ' \
			"$(mode_name "$mode")" "$got"
		printf 'target %s: %s; curl %s; ' "$target" "$word" \
			"$(median 5 curl "$mode")"
		printf 'connect → list %s ms against curl %s ms.\n' \
			"$(median 6 imapconn "$mode")" \
			"$(median 6 curl "$mode")"
	done
}

report() {
	local client mode ic_version curl_version dovecot_version
	ic_version=$("$imapconn" --version 2>/dev/null | head -1)
	curl_version=$("$curl_bin" --version | head -1 | cut -d' ' -f1-2)
	dovecot_version=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
	cat <<EOF
# Round trips to the mailbox list, imapconn and curl

Measured $(date -u '+%Y-%m-%d %H:%M UTC') on Linux $(uname -r), \
$(nproc) CPUs
(load average $load_avg at the start);
$ic_version, $curl_version, Dovecot $dovecot_version
(tests/dovecot/imapconn-dovecot, user $TEST_USER, 12 mailboxes).
Through bench/delayproxy with $delay_ms ms each way \
($((2 * delay_ms)) ms per round trip);
median of $runs runs after one warm-up, runs interleaved.

Command: \`bench/roundtrips.sh --runs $runs --delay-ms $delay_ms\`

$(table)

Round trips to the list: the exchanges the proxy relayed (a client
burst and the server burst that answers it; the greeting alone is one)
up to the one that carried the tagged reply to LIST, found with the
client's log (imapconn --transcript, curl --trace-time). "Exchanges in
all" adds those after it (LOGOUT). Connect → list: from the proxy's
accept to the moment it delivered the last byte of that reply (proxy
clock). Of which client / server: the time the next move was the
client's (accept or reply delivered → its next burst: TLS set-up,
parsing, building commands) and the server's (request delivered →
first byte of its reply); the rest is the $((2 * delay_ms)) ms per \
round trip and the
bursts' own length. Wall time: the whole client process, start to exit
(program start-up and LOGOUT included). Targets for imapconn:
$target_tls with implicit TLS 1.3, $target_starttls with STARTTLS.

$(verdict)
EOF
	for mode in tls starttls; do
		for client in imapconn curl; do
			echo
			printf '## %s, %s: exchanges of run %s' \
				"$client" "$(mode_name "$mode")" \
				"$(median_run "$client" "$mode")"
			printf ' (the median)\n\n'
			detail "$client" "$mode"
		done
	done
	cat <<EOF

Times are when the proxy received the first byte of each burst, from
its accept; the other side got them $delay_ms ms later. Lines come from
the client's own log with secrets redacted; curl does not trace its
LOGOUT, sent while cleaning up.
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
