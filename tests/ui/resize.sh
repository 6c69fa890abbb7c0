#!/usr/bin/env bash
# resize.sh - 80x24 and back: the form keeps its values and takes keys,
# a smaller terminal is asked to grow, the countdown survives resizes,
# the help fits, and an idle screen uses no CPU.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=resize
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
setup
start_scripted silent
start_ui

# CPU time (clock ticks) imapconn has used so far.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$(ui_pid)/stat"
}

wait_for "connect to an IMAP server"
# Keys right behind a resize reach the form (none is lost before the
# form is drawn again).
tmux -L "$sock" resize-window -t ui -x 80 -y 24 \; \
	send-keys -t ui -l 127.0.0.1
wait_for "F10 quit"
shows "Timeout (s)"
keys Tab
type_text "$port"
keys Tab
type_text 15
wait_for "Timeout (s)  15"
shows "Host           127.0.0.1"

# Idle: no tick, no CPU.
before=$(cpu_ticks)
sleep 2
after=$(cpu_ticks)
[ $((after - before)) -le 2 ] ||
	fail "idle form used $((after - before)) ticks of CPU in 2 s"

resize 60 20
wait_for "enlarge the terminal to 80x24"
resize 100 30
wait_for "connect to an IMAP server"
shows "Host           127.0.0.1"
screen | grep -E '^  Port' | grep -qF "$port" || fail "port lost"

# The help fits in 80x24 and any key closes it.
resize 80 24
keys F1
wait_for "keys: connection form"
shows "any key closes this help"
type_text x
wait_gone "keys: connection form"
hides "127.0.0.1x"

# Progress at 80x24, then larger, then back: the countdown goes on.
keys Enter
wait_for "waiting for the greeting:"
screen | grep -q "Esc cancel" || fail "no status line at 80x24"
resize 100 30
wait_for "waiting for the greeting:"
resize 80 24
wait_for "waiting for the greeting:"
[ "$(screen | wc -l)" -le 24 ] || fail "drawn past 24 lines"
keys Escape
wait_for "connect to an IMAP server"
resize 100 30
wait_for "Host           127.0.0.1"
keys F10
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"
say "ok"
