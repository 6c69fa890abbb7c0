#!/usr/bin/env bash
# stall.sh - a server that accepts and never speaks: the greeting phase
# runs with a countdown that goes down; Esc cancels at once and the form
# comes back with every value kept.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=stall
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
setup
start_scripted silent
start_ui

wait_for "connect to an IMAP server"
# The Host field is parsed as it is typed; what it says fills the form.
type_text '("127.0.0.1" :port'
wait_for "at character"
type_text " $port)"
wait_for "-> 127.0.0.1 (an IPv4 address), port $port"
screen | grep -E '^  Port' | grep -qF "$port" || fail "port not taken"
keys Tab Tab
type_text 20
# TLS follows the port (STARTTLS): none, as this server never speaks.
keys Tab
wait_for_re '^  TLS +STARTTLS( |$)'
keys Right Right
wait_for_re '^  TLS +none( |$)'
keys Tab Tab
type_text /nonexistent/ca.pem
keys Tab
type_text someone
keys Tab
type_text secret-word
wait_for "/nonexistent/ca.pem"
keys Enter

# Connected, then waiting for the greeting with a countdown.
wait_for "waiting for the greeting:"
first=$(screen | sed -n 's/.*the greeting: \([0-9]*\) s left.*/\1/p')
if [ -z "$first" ] || [ "$first" -gt 20 ]; then
	fail "no countdown"
fi
shows "Connect (TCP)"
screen | grep "Connect (TCP)" | grep -q " ok " || fail "connect not ok"
sleep 2.2
second=$(screen | sed -n 's/.*the greeting: \([0-9]*\) s left.*/\1/p')
if [ -z "$second" ] || [ "$second" -ge "$first" ]; then
	fail "the countdown did not move ($first, then $second)"
fi

# Esc: back to the form at once, values kept.
keys Escape
wait_for "connect to an IMAP server" 2
shows "(\"127.0.0.1\" :port $port)"
screen | grep -E '^  Port' | grep -qF "$port" || fail "port lost"
screen | grep -E 'Timeout' | grep -qF " 20" || fail "timeout lost"
screen | grep -qE '^  TLS +none( |$)' || fail "TLS choice lost"
shows "/nonexistent/ca.pem"
screen | grep -E '^  User' | grep -qF someone || fail "user lost"
screen | grep -E '^  Password' | grep -qF '***********' ||
	fail "password lost"
hides "secret-word"

# The form still takes keys, and F10 leaves.
keys F10
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"
say "ok"
