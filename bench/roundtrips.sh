#!/usr/bin/env bash
# roundtrips.sh - round trips to the mailbox list, imapconn against curl,
# on every test server kind.
#
# Usage: bench/roundtrips.sh [--runs N] [--delay-ms MS] [--servers LIST]
#                            [--timeout S] [--no-results]
#
# Starts, at once, each test server of LIST (default "dovecot cyrus
# courier mailutils sasl": tests/dovecot/imapconn-dovecot and
# tests/servers/imapconn-KIND; sasl is the test Dovecot with --auth all
# and a private KDC, tests/servers/imapconn-kdc) in a temporary
# directory; a kind whose
# harness is missing or fails is named in the report and left out.  In
# front of each server's implicit TLS port and of its STARTTLS port goes
# one bench/delayproxy (MS ms each way, default 25, so a round trip
# costs 50 ms more); through them run, interleaved, one unmeasured
# warm-up and then N measured runs (default 5) of:
#   imapconn --check --json imaps://...            implicit TLS
#   imapconn --check --json --starttls imap://...  STARTTLS
#   curl imaps://.../                              implicit TLS, LIST
#   curl --ssl-reqd imap://.../                    STARTTLS, LIST
# On sasl, imapconn only, once per SASL mechanism (client
# imapconn-MECH): --auth plain, --auth scram-sha-256, --auth oauthbearer
# with --oauth-token-command, --auth external with alice's client
# certificate, --auth gssapi with alice's Kerberos tickets.
# imapconn waits at most S seconds each time (--timeout, default 5): a
# server that drops commands sent together costs one such wait before
# imapconn tries again on a new connection, one command per round trip
# (the table's "connections" column).
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
# bench/delayproxy), CURL (default curl).  Needs root (for the servers),
# jq.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
imapconn=${IMAPCONN:-$top/imapconn}
delayproxy=${DELAYPROXY:-$top/bench/delayproxy}
curl_bin=${CURL:-curl}
servers='dovecot cyrus courier mailutils sasl'
results=$top/bench/results/roundtrips.md
runs=5
delay_ms=25
write_results=1
wait_s=5
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
	--timeout)
		[ $# -ge 2 ] || die "--timeout S"
		wait_s=$2
		shift 2
		;;
	--servers)
		[ $# -ge 2 ] || die "--servers LIST"
		servers=$2
		shift 2
		;;
	--no-results) write_results=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $runs in ''|*[!0-9]*) die "--runs: a number" ;; esac
case $delay_ms in ''|*[!0-9]*) die "--delay-ms: a number" ;; esac
case $wait_s in ''|*[!0-9.]*) die "--timeout: seconds" ;; esac
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
started=()
declare -A start_pid=()

harness_of() {
	if [ "$1" = dovecot ] || [ "$1" = sasl ]; then
		echo "$top/tests/dovecot/imapconn-dovecot"
	else
		echo "$top/tests/servers/imapconn-$1"
	fi
}

cleanup() {
	local pid kind
	for pid in "${pids[@]}" "${start_pid[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}" "${start_pid[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	for kind in "${started[@]}"; do
		"$(harness_of "$kind")" stop "$work/$kind" >/dev/null 2>&1 ||
			true
	done
	[ ! -d "$work/kdc" ] || "$kdc_harness" stop "$work/kdc" >/dev/null 2>&1 ||
		true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
kdc_harness=$top/tests/servers/imapconn-kdc

# start_args KIND: the harness's options after "start DIR".  sasl's KDC
# is started first, here.
start_args() {
	[ "$1" = sasl ] || return 0
	mkdir -p "$work/kdc"
	PATH=$PATH:/usr/sbin:/sbin "$kdc_harness" start "$work/kdc" \
		>"$work/kdc.out" 2>&1 || return 1
	echo --auth all --kdc "$work/kdc"
}

# Every server at once; those that do not start are left out.
kinds=()
not_run=()
echo "starting $servers..." >&2
for kind in $servers; do
	if [ ! -x "$(harness_of "$kind")" ]; then
		not_run+=("$kind (no harness)")
		continue
	fi
	if ! extra=$(start_args "$kind"); then
		not_run+=("$kind (the KDC did not start: $(tail -n 1 \
			"$work/kdc.out"))")
		continue
	fi
	started+=("$kind")
	# shellcheck disable=SC2086
	"$(harness_of "$kind")" start "$work/$kind" $extra \
		>"$work/$kind.out" 2>&1 </dev/null &
	start_pid[$kind]=$!
done
for kind in "${started[@]}"; do
	rc=0
	wait "${start_pid[$kind]}" || rc=$?
	unset 'start_pid[$kind]'
	if [ "$rc" -eq 0 ]; then
		kinds+=("$kind")
	else
		not_run+=("$kind (harness exit $rc: $(tail -n 1 "$work/$kind.out"))")
		echo "roundtrips: $kind did not start:" >&2
		tail -n 5 "$work/$kind.out" >&2
	fi
done
[ "${#kinds[@]}" -gt 0 ] || die "no server started"

# Each server's env, read in a subshell: ports, CA, alice's password.
declare -A port_of=() ca_of=() user_of=() pass_of=()
for kind in "${kinds[@]}"; do
	read -r tls_port starttls_port ca user pass < <(
		# shellcheck source=/dev/null
		. "$work/$kind/env"
		echo "$IMAPS_PORT $IMAP_PORT $CA_FILE $TEST_USER $TEST_PASSWORD")
	port_of[$kind-tls]=$tls_port
	port_of[$kind-starttls]=$starttls_port
	ca_of[$kind]=$ca
	user_of[$kind]=$user
	pass_of[$kind]=$pass
done
# sasl's token, client certificate and Kerberos tickets (given to the
# GSSAPI client only: other servers offer GSSAPI too).
if [ -f "$work/sasl/env" ]; then
	read -r token_file cert_file key_file krb5_config krb5_ccname < <(
		# shellcheck source=/dev/null
		. "$work/sasl/env"
		echo "$OAUTH_TOKEN_FILE $CLIENT_CERT $CLIENT_KEY $KRB5_CONFIG" \
			"$KRB5CCNAME")
fi

# clients KIND: the clients run against KIND.
clients() {
	if [ "$1" = sasl ]; then
		echo imapconn-plain imapconn-scram-sha-256 \
			imapconn-oauthbearer imapconn-external imapconn-gssapi
	else
		echo imapconn curl
	fi
}

# mech_args CLIENT: MECH, imapconn's options for the mechanism of CLIENT
# (none for plain imapconn).
mech_args() {
	case $1 in
	imapconn-oauthbearer)
		MECH=(--auth oauthbearer --oauth-token-command "cat $token_file") ;;
	imapconn-external)
		MECH=(--auth external --cert "$cert_file" --key "$key_file") ;;
	imapconn-*) MECH=(--auth "${1#imapconn-}") ;;
	*) MECH=() ;;
	esac
}

# Two clients a run; imapconn opens a second connection to a server
# that drops pipelined commands.
per_proxy=$(( (runs + 1) * 10 ))

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
declare -A proxy_port=()
for kind in "${kinds[@]}"; do
	for mode in tls starttls; do
		start_proxy "$kind-$mode" "${port_of[$kind-$mode]}"
		proxy_port[$kind-$mode]=$(cat "$work/$kind-$mode.port")
	done
done

umask 077
for kind in "${kinds[@]}"; do
	printf 'machine localhost login %s password %s\n' "${user_of[$kind]}" \
		"${pass_of[$kind]}" >"$work/$kind.netrc"
done

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

# Rows of $work/runs.tsv: server client mode run exchanges to_list
# list_ms wall_ms rc client_ms server_ms connections
: >"$work/runs.tsv"

# client_args KIND CLIENT MODE PORT LOG: the client's command line.
client_args() {
	local kind=$1 port url log
	shift
	port=$3 log=$4
	if [ "${1%%-*}" = imapconn ]; then
		# GSSAPI asks for a ticket for the host name imapconn
		# connects to: imap/localhost, the service the KDC knows.
		local host=127.0.0.1
		[ "$1" != imapconn-gssapi ] || host=localhost
		if [ "$2" = tls ]; then
			args=(imaps://"$host":"$port")
		else
			args=(--starttls imap://"$host":"$port")
		fi
		args=("$imapconn" --check --json --timeout "$wait_s"
		      --ca-file "${ca_of[$kind]}"
		      --server-name localhost --transcript "$log.transcript"
		      -u "${user_of[$kind]}" "${args[@]}")
		mech_args "$1"
		args=("${args[0]}" "${MECH[@]}" "${args[@]:1}")
		[ "$1" != imapconn-gssapi ] || args=(env
			"KRB5_CONFIG=$krb5_config" "KRB5CCNAME=$krb5_ccname"
			"${args[@]}")
		return
	fi
	if [ "$2" = tls ]; then
		url=imaps://localhost:$port/
		args=()
	else
		url=imap://localhost:$port/
		args=(--ssl-reqd)
	fi
	args=("$curl_bin" -sS --cacert "${ca_of[$kind]}"
	      --netrc-file "$work/$kind.netrc"
	      --resolve "localhost:$port:127.0.0.1"
	      --trace-ascii "$log.trace" --trace-time "${args[@]}" "$url")
}

# run_one KIND CLIENT MODE RUN: one run; a run that took more than one
# connection counts the exchanges of the earlier ones in its round trips
# and measures connect -> list from the first accept.
run_one() {
	local kind=$1 client=$2 mode=$3 run=$4 port log t0 t1 rc=0 before
	local line cutoff start all wall_ms split='' proxy=$1-$3 conns=1
	local to_list list_ms client_ms server_ms earlier=0 first
	local -a args
	port=${proxy_port[$proxy]}
	before=0
	[ -f "$work/$proxy.jsonl" ] && before=$(wc -l <"$work/$proxy.jsonl")
	log=$work/$kind-$client-$mode-$run
	client_args "$kind" "$client" "$mode" "$port" "$log"
	t0=$EPOCHREALTIME
	IMAPCONN_PASSWORD=${pass_of[$kind]} "${args[@]}" >"$log.out" \
		2>"$log.err" || rc=$?
	t1=$EPOCHREALTIME
	if [ "${client%%-*}" = imapconn ]; then
		conns=$(jq -r '[.attempts | length, 1] | max' "$log.out" \
			2>/dev/null || echo 1)
	fi
	wait_report "$proxy" $((before + conns))
	sed -n "$((before + 1)),$((before + conns))p" "$work/$proxy.jsonl" \
		>"$log.proxy.all"
	line=$(tail -n 1 "$log.proxy.all")
	printf '%s\n' "$line" >"$log.proxy.json"
	start=$(jq -r .start_wall_us <<<"$line")
	if [ "$conns" -gt 1 ]; then
		read -r earlier first < <(jq -s -r '(.[:-1] | map(.exchanges)
			| add) as $e | "\($e) \(.[0].start_wall_us)"' \
			"$log.proxy.all")
	fi
	if [ "${client%%-*}" = imapconn ]; then
		norm_imapconn "$log.transcript" >"$log.log"
	else
		norm_curl "$log.trace" "$start" >"$log.log"
	fi
	cutoff=$(jq -s -r "$jq_list_done" "$log.log")
	all=$(($(jq -r .exchanges <<<"$line") + earlier))
	if [ -n "$cutoff" ]; then
		split=$(jq -r --argjson cut "$cutoff" "$jq_split" <<<"$line")
	fi
	read -r to_list list_ms client_ms server_ms <<<"${split:-NA NA NA NA}"
	if [ "$conns" -gt 1 ] && [ "$to_list" != NA ]; then
		to_list=$((to_list + earlier))
		list_ms=$(((start - first) / 1000 + list_ms))
	fi
	wall_ms=$(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.0f", (b - a) * 1000 }')
	printf '%s\t' "$kind" "$client" "$mode" "$run" "$all" "$to_list" \
		"$list_ms" "$wall_ms" "$rc" "$client_ms" >>"$work/runs.tsv"
	printf '%s\t%s\n' "$server_ms" "$conns" >>"$work/runs.tsv"
	printf '  %s %s %s run %s: %s to the list, %s in all, list at %s ms' \
		"$kind" "$client" "$mode" "$run" "$to_list" "$all" "$list_ms" >&2
	[ "$conns" -eq 1 ] || printf ', %s connections' "$conns" >&2
	printf ' (client %s, server %s), wall %s ms, exit %s\n' \
		"$client_ms" "$server_ms" "$wall_ms" "$rc" >&2
}

for run in $(seq 0 "$runs"); do
	for kind in "${kinds[@]}"; do
		for mode in tls starttls; do
			for client in $(clients "$kind"); do
				run_one "$kind" "$client" "$mode" "$run"
			done
		done
	done
done

# median COLUMN KIND CLIENT MODE: over the measured runs (run >= 1).
median() {
	awk -F'\t' -v col="$1" -v k="$2" -v c="$3" -v m="$4" '
		$1 == k && $2 == c && $3 == m && $4 >= 1 && $col != "NA" {
			print $col
		}' \
		"$work/runs.tsv" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "NA"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# values COLUMN KIND CLIENT MODE: every measured value, for the record.
values() {
	awk -F'\t' -v col="$1" -v k="$2" -v c="$3" -v m="$4" '
		$1 == k && $2 == c && $3 == m && $4 >= 1 {
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

# split_cell KIND CLIENT MODE: "client / server" medians.
split_cell() {
	echo "$(median 10 "$@") / $(median 11 "$@")"
}

table() {
	local k c m
	row server client mode "round trips to the list" "exchanges in all" \
		"connect → list (ms)" "of which client / server (ms)" \
		"wall time (ms)" connections exit
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for k in "${kinds[@]}"; do
		for m in tls starttls; do
			for c in $(clients "$k"); do
				row "$k" "$c" "$(mode_name "$m")" \
					"$(median 6 "$k" "$c" "$m")" \
					"$(median 5 "$k" "$c" "$m")" \
					"$(median 7 "$k" "$c" "$m")" \
					"$(split_cell "$k" "$c" "$m")" \
					"$(median 8 "$k" "$c" "$m")" \
					"$(values 12 "$k" "$c" "$m")" \
					"$(values 9 "$k" "$c" "$m")"
			done
		done
	done
}

# median_run KIND CLIENT MODE: the measured run whose connect -> list
# time is the median (the lower of the two middle ones for an even
# count).
median_run() {
	awk -F'\t' -v k="$1" -v c="$2" -v m="$3" '
		$1 == k && $2 == c && $3 == m && $4 >= 1 && $7 != "NA" {
			print $7 "\t" $4
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

# detail KIND CLIENT MODE: the exchanges of the median run.
detail() {
	local log
	log=$work/$1-$2-$3-$(median_run "$1" "$2" "$3")
	jq -r --slurpfile log "$log.log" "$jq_detail" "$log.proxy.json"
}

# The targets hold for Dovecot; the other servers' figures are stated.
verdict() {
	local kind mode target got word
	for kind in "${kinds[@]}"; do
		[ "$kind" != sasl ] || continue
		for mode in tls starttls; do
			got=$(median 6 "$kind" imapconn "$mode")
			if [ "$got" = NA ]; then
				echo "- $kind, $(mode_name "$mode"): imapconn's" \
					"round trips could not be counted (see" \
					"the runs)."
				continue
			fi
			printf -- '- %s, %s: imapconn %s round trips to the list' \
				"$kind" "$(mode_name "$mode")" "$got"
			if [ "$kind" = dovecot ]; then
				target=$target_starttls
				[ "$mode" = tls ] && target=$target_tls
				word="**met**"
				if ! awk -v a="$got" -v b="$target" \
					'BEGIN { exit !(a <= b) }'; then
					word="**NOT met** (see its exchanges below)"
				fi
				printf ', target %s: %s' "$target" "$word"
			fi
			printf '; curl %s; ' "$(median 6 "$kind" curl "$mode")"
			printf 'connect → list %s ms against curl %s ms.\n' \
				"$(median 7 "$kind" imapconn "$mode")" \
				"$(median 7 "$kind" curl "$mode")"
		done
	done
}

# What each server's ID answer calls it (from imapconn's first run).
server_names() {
	local kind name sep=''
	for kind in "${kinds[@]}"; do
		name=$(jq -r '[.server_id.name, .server_id.version]
			| map(select(. != null)) | join(" ")
			| if . == "" then "no ID answer" else . end' \
			"$work/$kind-$(clients "$kind" | cut -d' ' -f1)-tls-0.out" \
			2>/dev/null ||
			echo "?")
		printf '%s%s: %s' "$sep" "$kind" "$name"
		sep='; '
	done
	echo
}

report() {
	local kind client mode ic_version curl_version dovecot_version
	ic_version=$("$imapconn" --version 2>/dev/null | head -1)
	curl_version=$("$curl_bin" --version | head -1 | cut -d' ' -f1-2)
	dovecot_version=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
	cat <<EOF
# Round trips to the mailbox list, imapconn and curl

Measured $(date -u '+%Y-%m-%d %H:%M UTC') on Linux $(uname -r), \
$(nproc) CPUs
(load average $load_avg at the start);
$ic_version, $curl_version, Dovecot $dovecot_version.
Servers (tests/dovecot/imapconn-dovecot, tests/servers/imapconn-KIND;
user alice, INBOX and about a dozen folders), as their ID answers name
them: $(server_names)
${not_run[*]:+Not run: ${not_run[*]}.}
Through bench/delayproxy with $delay_ms ms each way \
($((2 * delay_ms)) ms per round trip);
median of $runs runs after one warm-up, runs interleaved.

Command: \`bench/roundtrips.sh --runs $runs --delay-ms $delay_ms --timeout $wait_s\`
(servers: ${kinds[*]})

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
(program start-up and LOGOUT included). Targets for imapconn on
Dovecot: $target_tls with implicit TLS 1.3, $target_starttls with STARTTLS.

$(verdict)
EOF
	for kind in "${kinds[@]}"; do
		for mode in tls starttls; do
			for client in $(clients "$kind"); do
				echo
				printf '## %s, %s, %s: exchanges of run %s' \
					"$kind" "$client" "$(mode_name "$mode")" \
					"$(median_run "$kind" "$client" "$mode")"
				printf ' (the median)\n\n'
				detail "$kind" "$client" "$mode"
			done
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
