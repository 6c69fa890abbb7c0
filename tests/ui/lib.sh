# shellcheck shell=bash
# lib.sh - shared by the terminal tests: run imapconn in a private tmux
# server, send keys, and wait (bounded) for text on its screen.
# Sourced; the caller sets TEST to its name.  Environment from make check:
# IMAPCONN (the binary), top_srcdir, SCRIPTED_SERVER.
# The scripts the pane runs are written here with literal $ signs, and
# port and status are set for the caller:
# shellcheck disable=SC2016,SC2034

IMAPCONN=${IMAPCONN:-./imapconn}
top_srcdir=${top_srcdir:-.}
WAIT_SECONDS=${WAIT_SECONDS:-10}

tmp=
sock=
spid=
dovecot_dir=

say() { printf '%s: %s\n' "$TEST" "$*"; }

skip() {
	say "SKIP: $*"
	exit 77
}

need_tmux() {
	command -v tmux >/dev/null 2>&1 || skip "tmux not found"
	[ -x "$IMAPCONN" ] || { say "no imapconn at $IMAPCONN"; exit 1; }
}

need_dovecot() {
	[ "$(id -u)" -eq 0 ] || skip "the test Dovecot needs root"
	command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] ||
		skip "dovecot not found (apt-get install dovecot-imapd)"
}

cleanup() {
	if [ -n "$sock" ]; then
		tmux -L "$sock" kill-server >/dev/null 2>&1
	fi
	if [ -n "$spid" ]; then
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
	fi
	if [ -n "$dovecot_dir" ]; then
		"$top_srcdir/tests/dovecot/imapconn-dovecot" stop \
			"$dovecot_dir" >/dev/null 2>&1
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}

# new_sock: a tmux server name of its own for the next pane (SOCK_BASE,
# then a random number).  A server just killed may still hold its
# socket, and a new session on the same name then fails with "server
# exited unexpectedly".
new_sock() {
	sock="${SOCK_BASE:-imapconn-ui-$$}-$RANDOM"
}

setup() {
	tmp=$(mktemp -d) || exit 1
	new_sock
	trap cleanup EXIT
	trap 'exit 1' INT TERM
}

# start_dovecot: a private Dovecot; sources its env (IMAP_PORT, ...).
start_dovecot() {
	dovecot_dir=$tmp/dovecot
	chmod 755 "$tmp"
	if ! "$top_srcdir/tests/dovecot/imapconn-dovecot" start \
		"$dovecot_dir" >"$tmp/dovecot.out" 2>&1; then
		cat "$tmp/dovecot.out" >&2
		say "FAIL: the test Dovecot did not start"
		exit 1
	fi
	# shellcheck disable=SC1091
	. "$dovecot_dir/env"
}

# start_scripted SCRIPT-TEXT [--many]: the scripted server for one
# connection (--many: for every connection, one at a time); sets port.
start_scripted() {
	local server=${SCRIPTED_SERVER:-$top_srcdir/tests/scripted_server}

	if [ ! -x "$server" ]; then
		say "FAIL: no scripted server at $server"
		exit 1
	fi
	local once=--once
	[ "${2:-}" = --many ] && once=
	printf '%s\n' "$1" >"$tmp/script"
	rm -f "$tmp/port"
	"$server" --script "$tmp/script" --port-file "$tmp/port" ${once:+"$once"} \
		--max-seconds 30 2>"$tmp/scripted.err" &
	spid=$!
	for _ in $(seq 100); do
		if [ -s "$tmp/port" ]; then
			port=$(cat "$tmp/port")
			return 0
		fi
		sleep 0.1
	done
	say "FAIL: the scripted server did not start"
	exit 1
}

# start_ui [ARG...]: imapconn in a 100x30 tmux pane (UI_SIZE=80x24
# for another size, set before the program starts: a resize racing its
# start could go unseen); its exit status goes to $tmp/exit.  Extra
# environment in UI_ENV (NAME=VALUE ...).
start_ui() {
	{
		printf '#!/usr/bin/env bash\n'
		printf 'cd %q || exit 1\n' "$tmp"
		# The process keeps the pid written: exec.
		printf 'sh -c '\''echo $$ >"$0"; exec "$@"'\'' %q ' \
			"$tmp/pid"
		printf 'env -u IMAPCONN_PASSWORD LANG=C.UTF-8 LC_ALL=C.UTF-8 '
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

# type_text TEXT: the characters of TEXT, literally.
type_text() {
	tmux -L "$sock" send-keys -t ui -l "$1"
}

fail() {
	say "FAIL: $*"
	say "screen:"
	screen | sed 's/^/    |/'
	[ -s "$tmp/stderr" ] && sed 's/^/    stderr: /' "$tmp/stderr"
	exit 1
}

# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
	local limit=$(( ${2:-$WAIT_SECONDS} * 10 ))

	for _ in $(seq "$limit"); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "waited ${2:-$WAIT_SECONDS} s for \"$1\""
}

# wait_for_re REGEX [SECONDS]: until a line of the screen matches.
wait_for_re() {
	local limit=$(( ${2:-$WAIT_SECONDS} * 10 ))

	for _ in $(seq "$limit"); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	fail "waited ${2:-$WAIT_SECONDS} s for /$1/"
}

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	local limit=$(( ${2:-$WAIT_SECONDS} * 10 ))

	for _ in $(seq "$limit"); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	fail "\"$1\" still shown after ${2:-$WAIT_SECONDS} s"
}

# shows TEXT / hides TEXT: the screen now (does not wait).
shows() { screen | grep -qF -- "$1" || fail "\"$1\" not shown"; }
hides() { screen | grep -qF -- "$1" && fail "\"$1\" shown"; return 0; }

# ui_pid: the process id of imapconn.
ui_pid() {
	[ -s "$tmp/pid" ] || fail "no pid file"
	cat "$tmp/pid"
}

# wait_exit [SECONDS]: until imapconn ended; sets status.
wait_exit() {
	local limit=$(( ${1:-$WAIT_SECONDS} * 10 ))

	for _ in $(seq "$limit"); do
		if [ -f "$tmp/exit" ]; then
			status=$(cat "$tmp/exit")
			return 0
		fi
		sleep 0.1
	done
	fail "imapconn did not end within ${1:-$WAIT_SECONDS} s"
}
