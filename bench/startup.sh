#!/usr/bin/env bash
# startup.sh - how soon imapconn sends its first byte and draws its
# first frame, from the exec, read from strace's timestamps.
#
# Usage: bench/startup.sh [--runs R]
#
# Starts the test Dovecot (12 mailboxes for alice) in a temporary
# directory, then R runs (default 10) of each, under strace -f -ttt:
#   check:  imapconn --check --ca-file CA -u alice imaps://127.0.0.1:P
#           from the execve to the connect() to the server, and to the
#           first write() on that socket (the TLS ClientHello)
#   ui:     the same connection in the interface, in tmux (100x40):
#           from the execve to the first write() to the terminal (the
#           first frame), to the connect() and to the ClientHello
#   version: imapconn --version, whole process (loading alone)
# and prints the medians in ms.  strace slows every system call, so the
# figures are higher than without it; compare them with each other.  A
# measurement: no figure fails the script.
#
# Environment: IMAPCONN (default ./imapconn).  Needs root (for
# Dovecot), strace, tmux.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
imapconn=${IMAPCONN:-$top/imapconn}
harness=$top/tests/dovecot/imapconn-dovecot
runs=10

die() {
	echo "startup: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs) [ $# -ge 2 ] || die "--runs R"; runs=$2; shift 2 ;;
	-h|--help) sed -n 's/^# \(Usage: .*\)/\1/p' "$0"; exit 0 ;;
	*) die "unknown argument $1" ;;
	esac
done
case $runs in ''|*[!0-9]*) die "a number expected, not '$runs'" ;; esac
[ -x "$imapconn" ] || die "$imapconn missing: make"
for t in strace tmux; do
	command -v "$t" >/dev/null || die "$t missing"
done

work=$(mktemp -d /tmp/imapconn-startup.XXXXXX)
chmod 755 "$work"
dovecot_started=0
tmux_sock=imapconn-startup-$$

cleanup() {
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	if [ "$dovecot_started" = 1 ]; then
		"$harness" stop "$work/dovecot" >/dev/null 2>&1 || true
	fi
	[ -n "${STARTUP_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

"$harness" start "$work/dovecot" >"$work/start.log" 2>&1 ||
	{ cat "$work/start.log" >&2; die "Dovecot did not start"; }
dovecot_started=1
# shellcheck disable=SC1091
. "$work/dovecot/env"

# marks TRACE: "connect hello frame" in ms after the execve (- when
# absent).  The socket is the one connect() names the server's port on;
# the frame is the first write to fd 1 (the terminal in the interface).
marks() {
	awk -v port="$IMAPS_PORT" '
	function ms(t) { return (t - t0) * 1000 }
	{ t = $2 }
	/execve\(/ && t0 == "" { t0 = t }
	/connect\(/ && index($0, "htons(" port ")") && conn == "" {
		conn = ms(t); s = $3; sub(/^connect\(/, "", s)
		sub(/,.*/, "", s); fd = s }
	/ write\(/ && fd != "" && hello == "" {
		s = $3; sub(/^write\(/, "", s); sub(/,.*/, "", s)
		if (s == fd) hello = ms(t) }
	/ write\(1, / && frame == "" { frame = ms(t) }
	END { printf "%s %s %s\n", conn == "" ? "-" : conn,
		hello == "" ? "-" : hello, frame == "" ? "-" : frame }' "$1"
}

check_run() {
	IMAPCONN_PASSWORD=$TEST_PASSWORD strace -f -ttt -o "$work/tr" \
		-e trace=execve,connect,write "$imapconn" --check \
		--ca-file "$CA_FILE" -u "$TEST_USER" \
		"imaps://127.0.0.1:$IMAPS_PORT" >/dev/null 2>&1 || true
	marks "$work/tr" >>"$work/check"
}

ui_run() {
	rm -f "$work/tr" "$work/done"
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	tmux -L "$tmux_sock" -f /dev/null new-session -d -x 100 -y 40 \
		"env IMAPCONN_PASSWORD='$TEST_PASSWORD' LANG=C.UTF-8 \
		 strace -f -ttt -o '$work/tr' -e trace=execve,connect,write \
		 '$imapconn' --ca-file '$CA_FILE' -u '$TEST_USER' \
		 'imaps://127.0.0.1:$IMAPS_PORT'; touch '$work/done'; sleep 60"
	sleep 2
	tmux -L "$tmux_sock" send-keys -t 0 q 2>/dev/null || true
	for _ in $(seq 100); do
		[ -f "$work/done" ] && break
		sleep 0.05
	done
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	marks "$work/tr" >>"$work/ui"
}

version_run() {
	strace -f -ttt -o "$work/tr" -e trace=execve,exit_group \
		"$imapconn" --version >/dev/null 2>&1 || true
	awk '/execve\(/ && t0 == "" { t0 = $2 }
	     /exit_group\(/ { e = $2 }
	     END { printf "%s\n", (e - t0) * 1000 }' "$work/tr" \
		>>"$work/version"
}

# median FILE COLUMN
median() {
	awk -v c="$2" '$c != "-" { print $c }' "$1" | sort -n |
		awk '{ v[NR] = $1 }
		     END { if (NR == 0) { print "-"; exit }
			   if (NR % 2) m = v[(NR + 1) / 2]
			   else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			   printf "%.1f\n", m }'
}

echo "startup: $runs rounds (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
check_run
: >"$work/check"
for _ in $(seq "$runs"); do
	check_run
	ui_run
	version_run
done
echo "startup: done (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
printf '%s\n' \
	"medians of $runs runs, ms after execve, under strace:" \
	"--check: connect $(median "$work/check" 1), ClientHello $(median \
"$work/check" 2)" \
	"interface: first frame $(median "$work/ui" 3), connect $(median \
"$work/ui" 1), ClientHello $(median "$work/ui" 2)" \
	"--version: exit $(median "$work/version" 1)"
