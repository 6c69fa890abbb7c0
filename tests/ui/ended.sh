#!/usr/bin/env bash
# ended.sh - against the scripted server: without a user the browser
# says the list needs a login and u goes to the form's User field; the
# key help is as wide as the terminal, wraps, and marks what it cuts;
# once the phases are over, Esc no longer offers to cancel and the
# security line says why there was no TLS (plain text, or TLS failed).
# (start_ui and wait_exit take optional arguments.)
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016,SC2119
TEST=ended
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
setup

# next_run: end imapconn and the server before the next connection.
next_run() {
	tmux -L "$sock" kill-server
	rm -f "$tmp/exit" "$tmp/pid"
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	spid=
}

# No user: nothing is listed, and the browser says why.
start_scripted 'sendln * OK [CAPABILITY IMAP4rev1] hi
expect-tag LOGOUT
sendln * BYE bye
sendln $TAG OK bye'
start_ui --starttls=off "127.0.0.1:$port"
wait_for "mailboxes: 127.0.0.1 port $port"
wait_for "not logged in: the server lists mailboxes only after a login"
wait_for "Press u to"
hides "the server listed no mailboxes"

# The help: as wide as the terminal, no line cut at 120 columns.
resize 120 40
keys F1
wait_for "keys: mailboxes"
shows "export the settings that worked for neomutt, mbsync, curl, ..."
shows "log out and enter a user on the form"
keys Escape
wait_gone "keys: mailboxes"
# At 80x24 the help wraps, and says what did not fit.
resize 80 24
type_text '?'
wait_for "keys: mailboxes"
wait_for "more (a taller terminal shows them)"
screen | grep -qF "…" || fail "no ellipsis marks the cut help"
keys Escape
wait_gone "keys: mailboxes"
resize 100 30

# u: back to the form, on User.
type_text u
wait_for "connect to an IMAP server"
wait_for "log in as this user"
type_text someone
wait_for_re '^  User +someone'
next_run

# Opportunistic STARTTLS, not offered: plain text, the login refused.
start_scripted 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi
read-all 3000'
UI_ENV="IMAPCONN_PASSWORD=not-sent" start_ui --starttls=opportunistic \
	-u someone "127.0.0.1:$port"
wait_for "FAILED in authenticate"
wait_for "Security: no TLS: plain text (the server did not offer STARTTLS)"
wait_for "failed: 127.0.0.1"
wait_for "e edit"
hides "Esc cancel"
hides "TLS not negotiated yet"
# F1 shows the keys here too.
keys F1
wait_for "keys: progress"
keys Escape
wait_gone "keys: progress"
next_run

# Implicit TLS to a server that closes at once: TLS failed.
start_scripted 'close'
start_ui --ssl "127.0.0.1:$port"
wait_for "failed: 127.0.0.1"
wait_for "Security: TLS FAILED: "
hides "Esc cancel"
hides "TLS not negotiated yet"
quit_ok
say "ok"
