#!/usr/bin/env bash
# monitor.sh - --monitor: connections again and again at the interval,
# a chart per phase that grows with each run, the server's refusal of
# the third connection marked x in the greeting's chart and listed with
# its hint; Space pauses, + doubles the interval, R writes every run's
# timings, Esc goes back to the form.  m on the progress screen of a
# refused connection opens it too, every run marked failed.
# (start_ui and wait_exit take optional arguments.)
# The server scripts hold a literal $TAG:
# shellcheck disable=SC2119,SC2016
TEST=monitor
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

GREET='sendln * OK [CAPABILITY IMAP4rev1] hi
expect-tag LOGOUT
sendln * BYE
sendln $TAG OK
close'

# marks PHASE: the chart's marks on the line of PHASE (bars and x).
marks() {
	screen | grep -E "^  $1 " | sed -E "s/^  $1 +//; s/ {2,}.*//" |
		tr -d ' ' | wc -m
}

# runs: the runs the header counts.
runs() {
	screen | sed -nE 's/.*: ([0-9]+) runs, .*/\1/p'
}

more_runs_than() { [ "$(runs)" -gt "$1" ]; }

need_tmux
setup
start_scripted "$GREET
next-connection
$GREET
next-connection
sendln * BYE not now
close
next-connection
$GREET" --many
start_ui --monitor --interval 0.3 --starttls=off "127.0.0.1:$port"

wait_for "127.0.0.1 port $port, every 0.3 s:"
shows "last runs (newest right, x failed)"
wait_for_re ": [2-9] runs, "
first=$(marks greeting)
wait_for_re ": ([4-9]|[1-9][0-9]) runs, "
second=$(marks greeting)
[ "$second" -gt "$first" ] ||
	fail "the chart did not grow ($first marks, then $second)"

# The third connection was refused: an x in the charts and its hint.
screen | grep -E '^  greeting ' | grep -q x || fail "no x in the chart"
screen | grep -E '^  total ' | grep -q x || fail "no x in the total"
shows "failures"
shows "run 3: greeting (server): the server said BYE: not now"
shows "the server refused the connection at once"
screen | grep -E '^  greeting ' | grep -qE ' 1$' || fail "not 1 failed"

# Space pauses: no more runs until Space again.
type_text ' '
wait_for "PAUSED"
paused=$(runs)
sleep 1
[ "$(runs)" = "$paused" ] || fail "runs went on while paused"
type_text ' '
wait_gone "PAUSED"
wait_until 10 more_runs_than "$paused" || fail "no run after the pause"

# + doubles the interval, - halves it.
type_text +
wait_for "every 0.6 s:"
type_text -
wait_for "every 0.3 s:"

# R: every run's timings and the summary.
type_text R
wait_for "to: ./imapconn-monitor-127.0.0.1.txt"
keys Enter
out=$tmp/imapconn-monitor-127.0.0.1.txt
wait_for "saved the runs' timings to $out"
[ "$(stat -c %a "$out")" = 600 ] || fail "mode is not 600"
grep -qE '^run 1: ok, [0-9]+ ms \(resolve [0-9]+, connect [0-9]+, greeting' \
	"$out" || fail "no line for run 1"
grep -qE '^run 3: FAILED in greeting \(server\)' "$out" ||
	fail "run 3 not failed in the report"
grep -qE '^summary: [0-9]+ connections, [0-9]+ ok, 1 failed \(server 1\)' \
	"$out" || fail "no summary"
grep -qE '^  run 3: in greeting \(server\): the server said BYE' "$out" ||
	fail "the failed run is not listed"

# Esc: back to the form; F10 leaves.
keys Escape
wait_for "connect to an IMAP server"
keys F10
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"

# m on the progress screen of a refused connection: every run fails,
# each marked in the chart.
start_scripted 'sendln * BYE go away
close' --many
rm -f "$tmp/exit"
start_ui --starttls=off --interval 0.3 "127.0.0.1:$port"
wait_for "FAILED in greeting"
type_text m
wait_for "127.0.0.1 port $port, every 0.3 s:"
wait_for_re ": [3-9] runs, 0 ok, [3-9] failed"
screen | grep -E '^  greeting ' | grep -qE 'xxx' || fail "no x marks"
shows "run 1: greeting (server): the server said BYE: go away"
keys Escape
wait_for "FAILED in greeting"
type_text q
wait_exit
say "ok"
