# shellcheck shell=bash
# lib.sh - what the terminal tests add to tests/lib.sh: run imapconn in a
# private tmux server, send keys, and wait (bounded) for text on its
# screen.  Sourced; the caller sets TEST to its name, then calls setup:
# from there the first failed check ends the script, showing the screen.
# The scripts the pane runs are written here with literal $ signs, and
# port and status are set for the caller:
# shellcheck disable=SC2016,SC2034

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WAIT_SECONDS=${WAIT_SECONDS:-10}

tmp=
sock=
spid=
dovecot_dir=

need_tmux() {
	need_cmds tmux
	need_imapconn
}

# new_sock: a tmux server name of its own for the next pane (SOCK_BASE,
# then a random number).  A server just killed may still hold its
# socket, and a new session on the same name then fails with "server
# exited unexpectedly".
new_sock() {
	sock="${SOCK_BASE:-imapconn-ui-$$}-$RANDOM"
}

# setup: the work directory tmp (made once; a short name, as its paths
# are shown in messages on a 100-column screen), a new tmux server name,
# and checks that end the script at the first failure.
setup() {
	if [ -z "$WORK" ]; then
		lib_workdir ui "tmp-ui"
		LIB_AT_EXIT+=('[ -z "$sock" ] || tmux -L "$sock" kill-server')
	fi
	tmp=$WORK
	FAIL_FAST=1
	new_sock
}

# start_dovecot: a private Dovecot; sources its env (IMAP_PORT, ...).
# shellcheck disable=SC2119
start_dovecot() {
	dovecot_start
	dovecot_dir=$DOVECOT_DIR_T
}

# start_scripted SCRIPT-TEXT [--many]: the scripted server for one
# connection (--many: for every connection, one at a time); sets port
# and spid.
start_scripted() {
	local once=--once
	need_scripted_server
	[ "${2:-}" = --many ] && once=
	scripted_launch_or_fail "$1" ${once:+"$once"} --max-seconds 30
	port=$LAUNCH_PORT spid=$LAUNCH_PID
}

# start_ui [ARG...]: imapconn in a 100x30 tmux pane (UI_SIZE=80x24
# for another size, set before the program starts: a resize racing its
# start could go unseen); its exit status goes to $tmp/exit.  Extra
# environment in UI_ENV (NAME=VALUE ...).
start_ui() {
	# A new run: the last one's exit status and pid are not its own.
	rm -f "$tmp/exit" "$tmp/exit.tmp" "$tmp/pid"
	{
		printf '#!/usr/bin/env bash\n'
		printf 'cd %q || exit 1\n' "$tmp"
		# The process keeps the pid written: exec.
		printf 'sh -c '\''echo $$ >"$0"; exec "$@"'\'' %q ' \
			"$tmp/pid"
		printf 'env -u IMAPCONN_PASSWORD LANG=C.UTF-8 LC_ALL=C.UTF-8 '
		# No account of the tester's own: an empty configuration,
		# and a home without other clients' settings.
		printf 'XDG_CONFIG_HOME=%q HOME=%q ' "$tmp/no-config" \
			"$tmp/home"
		# UI_ENV: NAME=VALUE words, split on purpose.
		# shellcheck disable=SC2086
		printf '%s ' ${UI_ENV:-}
		printf '%q ' "$IMAPCONN" "$@"
		printf '2>%q\n' "$tmp/stderr"
		printf 'echo $? >%q\n' "$tmp/exit.tmp"
		printf 'mv %q %q\n' "$tmp/exit.tmp" "$tmp/exit"
		printf 'sleep 600\n'
	} >"$tmp/run.sh"
	chmod +x "$tmp/run.sh"
	mkdir -p "$tmp/home"
	local size=${UI_SIZE:-100x30}
	new_sock
	tmux -L "$sock" -f /dev/null new-session -d -s ui -x "${size%x*}" \
		-y "${size#*x}" "$tmp/run.sh" ||
		{ say "FAIL: tmux did not start"; exit 1; }
}

screen() {
	tmux -L "$sock" capture-pane -p -t ui
}

keys() {
	tmux -L "$sock" send-keys -t ui "$@"
}

# resize COLUMNS LINES: the pane's new size.
resize() { tmux -L "$sock" resize-window -t ui -x "$1" -y "$2"; }

# type_text TEXT: the characters of TEXT, literally.
type_text() {
	tmux -L "$sock" send-keys -t ui -l "$1"
}

# _dump_run: after a failed check, the screen and imapconn's stderr.
_dump_run() {
	say "screen:"
	screen | sed 's/^/    |/'
	[ -s "$tmp/stderr" ] && sed 's/^/    stderr: /' "$tmp/stderr"
	return 0
}

_shown() { screen | grep -qF -- "$1"; }
_matched() { screen | grep -qE -- "$1"; }
_gone() { ! _shown "$1"; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
	wait_until "${2:-$WAIT_SECONDS}" _shown "$1" ||
		fail "waited ${2:-$WAIT_SECONDS} s for \"$1\""
}

# wait_for_re REGEX [SECONDS]: until a line of the screen matches.
wait_for_re() {
	wait_until "${2:-$WAIT_SECONDS}" _matched "$1" ||
		fail "waited ${2:-$WAIT_SECONDS} s for /$1/"
}

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	wait_until "${2:-$WAIT_SECONDS}" _gone "$1" ||
		fail "\"$1\" still shown after ${2:-$WAIT_SECONDS} s"
}

# no_secret_shown WHAT USER PASSWORD [FILE...]: neither the screen (its
# lines joined) nor a FILE holds a form of the password (secret_forms).
no_secret_shown() {
	local found
	screen | tr -d '\n' >"$tmp/screen.txt"
	if found=$(secret_in "$2" "$3" "$tmp/screen.txt" "${@:4}"); then
		fail "$1: a form of the password: $found"
	fi
	return 0
}

# shows TEXT / hides TEXT: the screen now (does not wait).
shows() { screen | grep -qF -- "$1" || fail "\"$1\" not shown"; }
hides() { screen | grep -qF -- "$1" && fail "\"$1\" shown"; return 0; }

# ui_pid: the process id of imapconn.
ui_pid() {
	[ -s "$tmp/pid" ] || fail "no pid file"
	cat "$tmp/pid"
}

# quit_ok [SECONDS]: q, then imapconn ends (within SECONDS) with status 0.
quit_ok() {
	type_text q
	wait_exit "$@"
	[ "$status" -eq 0 ] || fail "exit status $status"
}

# wait_exit [SECONDS]: until imapconn ended; sets status.
wait_exit() {
	wait_until "${1:-$WAIT_SECONDS}" test -f "$tmp/exit" ||
		fail "imapconn did not end within ${1:-$WAIT_SECONDS} s"
	status=$(cat "$tmp/exit")
}
