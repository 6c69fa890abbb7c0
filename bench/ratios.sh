#!/usr/bin/env bash
# ratios.sh - imapconn beside curl and a piped openssl s_client, in one run.
#
# Usage: bench/ratios.sh [--runs R] [--folders N] [--delay-ms MS]
#                        [--no-results]
#
# Starts the test Dovecot with `--many N` (default 20000) in a temporary
# directory and two bench/delayproxy instances in front of its implicit
# TLS and STARTTLS ports (MS ms each way, default 50, a round trip of
# 2 MS).  Then R runs (default 10) of each, interleaved (each pair
# 0.3 s after the last, imapconn first in odd rounds and the peer first
# in even ones), every process timed by bench/peakrss (wall time, user
# + system CPU, peak RSS):
#   small:  imapconn --check -u alice imaps://127.0.0.1:P  (12 mailboxes)
#           curl --cacert CA --netrc-file F imaps://127.0.0.1:P/
#   many:   imapconn --check -u many imaps://...           (N + 6)
#           openssl s_client -quiet -no_ign_eof -CAfile CA -connect
#           127.0.0.1:P with "a LOGIN" and "b LIST "" *" piped in, its
#           input closed once b's tagged reply is in its output
#   the same through the proxies, with STARTTLS for the small account
#   too (imapconn --starttls imap://..., curl --ssl-reqd imap://...);
#   counts:  the interface (tmux, 100x40) as the many user through the
#           implicit TLS proxy with --transcript: from the LIST's tagged
#           reply to the last STATUS reply of the first screen, split in
#           the time to the first STATUS sent (the tree built and drawn)
#           and from it to the last reply, read from the transcript's
#           times (one run per round).
# Medians are printed and, unless --no-results, written to
# bench/results/ratios.md.  A measurement: no figure fails the script.
#
# Environment: IMAPCONN (default ./imapconn), PEAKRSS, DELAYPROXY, CURL,
# OPENSSL.  Needs root (for Dovecot), tmux.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
imapconn=${IMAPCONN:-$top/imapconn}
peakrss=${PEAKRSS:-$top/bench/peakrss}
delayproxy=${DELAYPROXY:-$top/bench/delayproxy}
curl_bin=${CURL:-curl}
openssl_bin=${OPENSSL:-openssl}
harness=$top/tests/dovecot/imapconn-dovecot
results=$top/bench/results/ratios.md
runs=10
folders=20000
delay_ms=50
write_results=1

die() {
	echo "ratios: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs) [ $# -ge 2 ] || die "--runs R"; runs=$2; shift 2 ;;
	--folders) [ $# -ge 2 ] || die "--folders N"; folders=$2; shift 2 ;;
	--delay-ms) [ $# -ge 2 ] || die "--delay-ms MS"; delay_ms=$2
		shift 2 ;;
	--no-results) write_results=0; shift ;;
	-h|--help) sed -n 's/^# \(Usage: .*\)/\1/p' "$0"; exit 0 ;;
	*) die "unknown argument $1" ;;
	esac
done
for n in "$runs" "$folders" "$delay_ms"; do
	case $n in ''|*[!0-9]*) die "a number expected, not '$n'" ;; esac
done
for f in "$imapconn" "$peakrss" "$delayproxy"; do
	[ -x "$f" ] || die "$f missing: make && make bench"
done
command -v "$curl_bin" >/dev/null || die "curl missing"
command -v "$openssl_bin" >/dev/null || die "openssl missing"
command -v tmux >/dev/null || die "tmux missing"

work=$(mktemp -d /tmp/imapconn-ratios.XXXXXX)
chmod 755 "$work"
dovecot_started=0
proxies=()
tmux_sock=imapconn-ratios-$$

cleanup() {
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	for p in "${proxies[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	if [ "$dovecot_started" = 1 ]; then
		"$harness" stop "$work/dovecot" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "ratios: starting Dovecot with $folders folders..." >&2
"$harness" start "$work/dovecot" --many "$folders" >"$work/start.log" 2>&1 ||
	{ cat "$work/start.log" >&2; die "Dovecot did not start"; }
dovecot_started=1
# shellcheck disable=SC1091
. "$work/dovecot/env"
printf 'machine 127.0.0.1 login %s password %s\n' "$TEST_USER" \
	"$TEST_PASSWORD" >"$work/netrc"
chmod 600 "$work/netrc"

# start_proxy NAME PORT: a delay proxy to PORT; its port in $work/NAME.port.
start_proxy() {
	"$delayproxy" --target "$2" --delay-ms "$delay_ms" --time-limit 3600 \
		--port-file "$work/$1.port" --report /dev/null 2>/dev/null &
	proxies+=("$!")
	for _ in $(seq 100); do
		[ -s "$work/$1.port" ] && return 0
		sleep 0.05
	done
	die "the $1 proxy did not start"
}
start_proxy tls "$IMAPS_PORT"
start_proxy starttls "$IMAP_PORT"
p_tls=$(cat "$work/tls.port")
p_starttls=$(cat "$work/starttls.port")

# peakrss's "k=v" words to "wall cpu rss status".
rss_line() {
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	       cpu = v["user_ms"] + v["sys_ms"]
	       print v["wall_ms"], cpu, v["peak_rss_kib"], v["status"] }'
}

# timed OUT CMD...: run CMD under peakrss; one line "wall cpu rss status"
# appended to OUT.
timed() {
	local out=$1 m
	shift
	"$peakrss" -o "$work/rss" "$@" >/dev/null 2>"$work/last.err" || true
	m=$(cat "$work/rss")
	rss_line <<<"$m" >>"$out"
}

# imapconn_check OUT USER PASSWORD ARGS...: one timed --check.
imapconn_check() {
	local out=$1 user=$2 pass=$3
	shift 3
	(
		export IMAPCONN_PASSWORD=$pass
		timed "$out" "$imapconn" --check --ca-file "$CA_FILE" \
			-u "$user" "$@"
	)
}

# sclient_list OUT PORT: the piped s_client, timed alone: LOGIN and LIST
# at once, then its standard input closes (-no_ign_eof: it leaves at
# once) when LIST's tagged reply is in its output (looked for every
# 10 ms, which its wall time includes).
sclient_list() {
	local port=$2 so=$work/sc.out m
	: >"$so"
	{ printf 'a LOGIN %s %s\r\nb LIST "" "*"\r\n' "$MANY_USER" \
		"$MANY_PASSWORD"
	  for _ in $(seq 3000); do
		tail -c 300 "$so" | grep -q '^b OK' && break
		sleep 0.01
	  done; } |
		"$peakrss" -o "$work/rss" "$openssl_bin" s_client -quiet \
			-no_ign_eof -CAfile "$CA_FILE" \
			-connect "127.0.0.1:$port" >"$so" 2>/dev/null || true
	m=$(cat "$work/rss")
	rss_line <<<"$m" >>"$1"
}

# pair A B: the two commands (each a quoted command line) one after the
# other, imapconn first in odd rounds and the peer first in even ones,
# after a pause: whoever went first would otherwise meet the server
# still busy with the work before (a 20,000-mailbox session ending).
flip=0
pair() {
	sleep 0.3
	if [ "$flip" = 0 ]; then eval "$1"; eval "$2"
	else eval "$2"; eval "$1"; fi
}

one_round() {
	pair 'imapconn_check "$work/small-imapconn" "$TEST_USER" \
		"$TEST_PASSWORD" "imaps://127.0.0.1:$IMAPS_PORT"' \
	     'timed "$work/small-curl" "$curl_bin" -sS --cacert "$CA_FILE" \
		--netrc-file "$work/netrc" "imaps://127.0.0.1:$IMAPS_PORT/"'
	pair 'imapconn_check "$work/many-imapconn" "$MANY_USER" \
		"$MANY_PASSWORD" "imaps://127.0.0.1:$IMAPS_PORT"' \
	     'sclient_list "$work/many-sclient" "$IMAPS_PORT"'
	pair 'imapconn_check "$work/dsmall-imapconn" "$TEST_USER" \
		"$TEST_PASSWORD" "imaps://127.0.0.1:$p_tls"' \
	     'timed "$work/dsmall-curl" "$curl_bin" -sS --cacert "$CA_FILE" \
		--netrc-file "$work/netrc" "imaps://127.0.0.1:$p_tls/"'
	pair 'imapconn_check "$work/dstls-imapconn" "$TEST_USER" \
		"$TEST_PASSWORD" --starttls "imap://127.0.0.1:$p_starttls"' \
	     'timed "$work/dstls-curl" "$curl_bin" -sS --cacert "$CA_FILE" \
		--ssl-reqd --netrc-file "$work/netrc" \
		"imap://127.0.0.1:$p_starttls/"'
	pair 'imapconn_check "$work/dmany-imapconn" "$MANY_USER" \
		"$MANY_PASSWORD" "imaps://127.0.0.1:$p_tls"' \
	     'sclient_list "$work/dmany-sclient" "$p_tls"'
	flip=$((1 - flip))
}

# The interface through the proxy: ms from the LIST's tagged reply to
# the last reply of the first screen's STATUS commands, and how many.
counts_round() {
	local tr=$work/ui.transcript list_tag
	rm -f "$tr"
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	tmux -L "$tmux_sock" -f /dev/null new-session -d -x 100 -y 40 \
		"env IMAPCONN_PASSWORD='$MANY_PASSWORD' LANG=C.UTF-8 \
		 '$imapconn' --ca-file '$CA_FILE' -u '$MANY_USER' \
		 --transcript '$tr' 'imaps://127.0.0.1:$p_tls'; sleep 60"
	for _ in $(seq 300); do
		[ -f "$tr" ] && grep -qi ' S: [^ ]* OK status' "$tr" &&
			sleep 1 && break
		sleep 0.05
	done
	tmux -L "$tmux_sock" send-keys -t ui q 2>/dev/null || true
	sleep 0.5
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	list_tag=$(awk '/ C: [^ ]+ LIST /{ print $3; exit }' "$tr")
	awk -v lt="$list_tag" '
	function ms(ts,   t, h, m) { t = substr(ts, 12, 12)
		h = substr(t, 1, 2); m = h * 60 + substr(t, 4, 2)
		return (m * 60 + substr(t, 7, 6)) * 1000 }
	$3 == lt && $2 == "S:" { list = ms($1) }
	$2 == "C:" && $4 == "STATUS" { asked[$3] = 1; n++
		if (!first) first = ms($1) }
	$2 == "S:" && ($3 in asked) { last = ms($1) }
	END { printf "%d %d %d %d\n", last - list, n, first - list,
		     last - first }' "$tr" >>"$work/counts"
}

echo "ratios: warm-up, then $runs rounds (load: $(cut -d' ' -f1-3 \
/proc/loadavg))..." >&2
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
one_round
rm -f "$work"/small-* "$work"/many-* "$work"/d*-*
for r in $(seq "$runs"); do
	one_round
	counts_round
	echo "ratios: round $r done" >&2
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# median FILE COLUMN
median() {
	cut -d' ' -f"$2" "$1" | sort -n |
		awk '{ v[NR] = $1 }
		     END { if (NR % 2) print v[(NR + 1) / 2]
			   else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
statuses() { cut -d' ' -f4 "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

row() {
	local what=$1 a=$work/$2-imapconn b=$work/$2-$3 peer=$4
	local aw ac ar bw bc br
	aw=$(median "$a" 1); ac=$(median "$a" 2); ar=$(median "$a" 3)
	bw=$(median "$b" 1); bc=$(median "$b" 2); br=$(median "$b" 3)
	printf '| %s | %s / %s / %s | %s | %s / %s / %s | %s | %s | %s |\n' \
		"$what" "$aw" "$ac" "$ar" "$peer" "$bw" "$bc" "$br" \
		"$(ratio "$aw" "$bw")" "$(ratio "$ac" "$bc")" \
		"$(statuses "$a"); $(statuses "$b")"
}

table() {
	echo "| work | imapconn: wall / CPU (ms) / peak RSS (KiB) | peer" \
		"| peer: wall / CPU / RSS | wall ratio | CPU ratio | exit |"
	echo "|---|---|---|---|---|---|---|"
	row "12 mailboxes, implicit TLS, loopback" small curl curl
	row "$((folders + 6)) mailboxes, implicit TLS, loopback" many sclient \
		"s_client"
	row "12 mailboxes, implicit TLS, ${delay_ms} ms each way" dsmall \
		curl curl
	row "12 mailboxes, STARTTLS, ${delay_ms} ms each way" dstls curl curl
	row "$((folders + 6)) mailboxes, implicit TLS, ${delay_ms} ms each way" \
		dmany sclient "s_client"
	echo
	printf 'Interface, %s mailboxes, %s ms each way: the first screen'"'"'s' \
		"$((folders + 6))" "$delay_ms"
	printf ' %s STATUS replies all in %s ms after the list'"'"'s (median' \
		"$(median "$work/counts" 2)" "$(median "$work/counts" 1)"
	printf ' of %s; a round trip is %s ms): asked %s ms after the' \
		"$runs" $((2 * delay_ms)) "$(median "$work/counts" 3)"
	printf ' list'"'"'s reply (the tree built and drawn), all answered %s' \
		"$(median "$work/counts" 4)"
	printf ' ms after the first was sent.\n'
}

out=$(table)
echo "$out"
if [ "$write_results" = 1 ]; then
	{
		echo "# imapconn beside curl and a piped openssl s_client"
		echo
		echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC on" \
			"$(uname -sr), $(nproc) CPUs (load average $load_start" \
			"at the start, $load_end at the end);"
		echo "imapconn $("$imapconn" --version 2>/dev/null |
			head -1 | awk '{ print $NF }'), $("$curl_bin" --version |
			head -1 | cut -d' ' -f1-2), $("$openssl_bin" version |
			cut -d' ' -f1-2), Dovecot $(dovecot --version |
			cut -d' ' -f1)."
		echo
		echo "Command: \`bench/ratios.sh --runs $runs --folders" \
			"$folders --delay-ms $delay_ms\`; medians of $runs" \
			"interleaved runs after a warm-up (imapconn first in" \
			"odd rounds, the peer first in even ones, 0.3 s apart)," \
			"each process timed by bench/peakrss (CPU: user +" \
			"system)."
		echo
		echo "$out"
	} >"$results"
	echo "ratios: wrote $results" >&2
fi
