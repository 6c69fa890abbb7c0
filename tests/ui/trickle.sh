#!/usr/bin/env bash
# trickle.sh - a server that sends one LIST line every 1.5 s satisfies
# every 2 s wait: the countdown shows the bound on the whole connection,
# which ends it, and the failure says the server was trickling.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=trickle
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
setup
script='sendln * PREAUTH [CAPABILITY IMAP4rev1] hi
expect-tag LIST'
for ((i = 1; i <= 30; i++)); do
	script+=$'\nsleep 1500\nsendln * LIST () "/" Trickle'$i
done
script+=$'\nread-all 60000'
start_scripted "$script"
start_ui --starttls=off --timeout 2 --deadline 6 "127.0.0.1:$port"

wait_for "s in all"
wait_for "FAILED in list: timeout" 15
shows "deadline of 6 s"
shows "trickling"
type_text q
wait_exit
say "ok"
