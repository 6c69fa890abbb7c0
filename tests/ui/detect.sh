#!/usr/bin/env bash
# detect.sh - F5 on the form against the test Dovecot's two listeners:
# both rows ok with TLS and mechanisms, implicit TLS recommended and
# chosen; Enter fills Host, Port and the TLS mode, and the login then
# works; the STARTTLS row fills the other mode; Esc cancels probes that
# hang and leaves the form as it was.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=detect
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot

# The form's fields, as shown.
field() { screen | grep -E "^  $1 " | head -1; }
assert_field() {
	field "$1" | grep -qE -- "$2" || fail "$1 is not /$2/: $(field "$1")"
}

start_ui --detect-ports "$IMAPS_PORT,$IMAP_PORT" --ca-file "$CA_FILE"
wait_for "connect to an IMAP server"
wait_for "F5 detect"
type_text localhost
wait_for "-> localhost (a name)"
keys F5
wait_for "detect: localhost"
wait_for "probes in" 30
shows "no credentials sent; certificates checked for localhost as typed"

# Both listeners answer over TLS with a verified certificate and offer
# PLAIN and LOGIN; implicit TLS is recommended (RFC 8314) and marked.
imp="localhost +$IMAPS_PORT implicit TLS +ok +TLSv1\.[23] +PLAIN LOGIN"
sta="localhost +$IMAP_PORT STARTTLS +ok +TLSv1\.[23] +PLAIN LOGIN"
screen | grep -qE -- "^\* $imp *\$" ||
	fail "no recommended implicit TLS row"
screen | grep -qE -- "^  $sta *\$" ||
	fail "no STARTTLS row (or it is marked)"
[ "$(screen | grep -cE '^\* ')" = 1 ] || fail "not one row marked"
shows "* recommended: localhost port $IMAPS_PORT, implicit TLS, certificate verified for localhost"
# The guesses are there too, and nothing of them answers.
screen | grep -qE "^  imap\.localhost +$IMAPS_PORT implicit TLS" ||
	fail "imap.localhost not probed"

# The recommended row is the chosen one: Enter fills the form.
shows "localhost port $IMAPS_PORT, implicit TLS: certificate checked for localhost"
shows "then LOGOUT; its ID answer says Dovecot"
keys Enter
wait_for "connect to an IMAP server"
wait_for "form filled: localhost port $IMAPS_PORT, implicit TLS (ok in the detection)"
assert_field "Host" "Host +localhost *$"
assert_field "Port" "Port +$IMAPS_PORT "
assert_field "TLS" "TLS +implicit( |$)"
shows "TLS from the first byte, certificate and host name verified"

# Again, the STARTTLS row: the other mode and port.
keys F5
wait_for "probes in" 30
keys Down
wait_for "localhost port $IMAP_PORT, STARTTLS: certificate checked for localhost"
keys Enter
wait_for "form filled: localhost port $IMAP_PORT, STARTTLS (ok in the detection)"
assert_field "Port" "Port +$IMAP_PORT "
assert_field "TLS" "TLS +STARTTLS( |$)"

# Esc on the table goes back unchanged.
keys F5
wait_for "probes in" 30
keys Down Down Escape
wait_for "connect to an IMAP server"
assert_field "Port" "Port +$IMAP_PORT "

# The recommended row once more, then log in with what it filled: the
# current field is User, then Password.
keys F5
wait_for "probes in" 30
keys Enter
wait_for "form filled: localhost port $IMAPS_PORT, implicit TLS"
type_text "$TEST_USER"
keys Tab
type_text "$TEST_PASSWORD"
assert_field "User" "User +$TEST_USER"
keys Enter
wait_for "mailboxes: localhost port $IMAPS_PORT, implicit TLS, user $TEST_USER" 20
wait_for "INBOX [Inbox]"
quit_ok

# Probes that hang (a server that never speaks): the screen stays live
# with its spinner and time, Esc cancels at once and the form is as it
# was; quitting while probing does not wait for the timeouts.
tmux -L "$sock" kill-server
rm -f "$tmp/exit"
# Every connection is kept waiting (one at a time, the rest in the
# backlog): a connection from elsewhere cannot end the server early and
# turn the hanging probes into refused ones.
start_scripted silent --many
start_ui --detect-ports "$port,$port" --form 127.0.0.1
wait_for "connect to an IMAP server"
before=$(screen | grep -E '^  (Host|Port|TLS) ')
keys F5
wait_for "probing 127.0.0.1 without credentials"
shows "(at most 21 s)"
shows "the address on ports $port (implicit TLS) and $port (STARTTLS)"
keys Escape
wait_for "detection cancelled; the form is as it was" 3
[ "$(screen | grep -E '^  (Host|Port|TLS) ')" = "$before" ] ||
	fail "the form changed"
# Quitting while it probes ends the probes and the program at once.
keys F5
wait_for "probing 127.0.0.1 without credentials"
keys F10
wait_exit 5
[ "$status" -eq 0 ] || fail "exit status $status"
say "ok"
