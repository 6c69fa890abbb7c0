#!/usr/bin/env bash
# prompt.sh - --check's password prompt on a terminal: Ctrl-C there ends
# the run with status 130 and the terminal's echo back on; a user name
# from a URL is shown escaped, so that its ESC cannot clear the screen
# (or write the clipboard).
TEST=prompt
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
command -v stty >/dev/null 2>&1 || skip_all "stty not found"
setup

# echo_state: "echo" or "-echo", as stty shows the pane's terminal.
echo_state() {
	local tty

	tty=$(tmux -L "$sock" display-message -p -t ui '#{pane_tty}')
	stty -F "$tty" -a | tr ' ;' '\n\n' | grep -xE -- '-?echo'
}

# Ctrl-C at the prompt.  (Port 1: nothing is reached before it.)
start_ui --check -u alice "127.0.0.1:1"
wait_for "Password for alice:"
[ "$(echo_state)" = "-echo" ] || fail "echo is on at the prompt"
keys C-c
wait_exit
[ "$status" = 130 ] || fail "Ctrl-C at the prompt: exit status $status"
[ "$(echo_state)" = "echo" ] ||
	fail "Ctrl-C at the prompt left the terminal with $(echo_state)"
tmux -L "$sock" kill-server
sock=$sock-2	# a server of its own: the first may still be ending
rm -f "$tmp/exit" "$tmp/pid"

# A user name with ESC [ 2 J (clear the screen) in a URL.
start_ui --check 'imap://x%1B%5B2Jy@127.0.0.1:1/'
wait_for "imapconn: 127.0.0.1 port 1"
wait_for 'Password for x\e[2Jy:'
shows "imapconn: 127.0.0.1 port 1"
keys C-c
wait_exit
[ "$status" = 130 ] || fail "the second prompt: exit status $status"

say "PASS"
