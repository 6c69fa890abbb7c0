#!/usr/bin/env bash
# form.sh - the form without a server: a value entered with Tab is
# replaced by what is typed and edited by the editing keys, fields show
# their whole value and keep to their length, the plan line says what
# happens to the password without TLS, F1 shows the keys where ? is
# typed, Ctrl-C leaves with 130 (SIGTERM 143), and the TLS field
# follows the port.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=form
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
setup
start_ui --form --starttls=off 127.0.0.1
wait_for "connect to an IMAP server"

# Tab into Port (143, following TLS): the number typed replaces it.
keys Tab
type_text 10993
wait_for_re '^  Port +10993 +Timeout'
hides "14310993"
# Timeout (30): replaced, and twelve characters all shown.
keys Tab
type_text 123456789.25
wait_for_re 'Timeout \(s\) +123456789\.25$'
# Back into it: Backspace keeps the value and edits it.
keys BTab Tab BSpace
wait_for_re 'Timeout \(s\) +123456789\.2$'
type_text 7
wait_for_re 'Timeout \(s\) +123456789\.27$'
# Up into Port: Left moves and keeps the value; the field is full
# (five characters), a sixth is refused; Backspace edits.
keys Up Left
type_text 7
sleep 0.3
wait_for_re '^  Port +10993 '
keys BSpace
type_text 5
wait_for_re '^  Port +10953 '

# The plan line: no TLS, no user; a user; Clear login allowed.
wait_for "NO TLS: plain text; no user, so no login"
keys Down Down Down Down Down
type_text someone
wait_for_re '^  User +someone'
wait_for "NO TLS: plain text; the password will not be sent (Clear login: refuse)"
hides "would travel unencrypted"
keys F2
wait_for "Clear login"
for _ in $(seq 16); do keys Tab; done
wait_for "allow the password over a connection without TLS"
keys Space
wait_for "NO TLS: plain text; the password WILL be sent in clear (Clear login: allow)"

# On to Host (selected): End keeps the value, and ? is typed into it.
keys Tab
wait_for "a name, an address, host:port"
keys End
type_text '?'
wait_for_re '^  Host +127\.0\.0\.1\?'
keys F1
wait_for "keys: connection form"
keys Escape
wait_gone "keys: connection form"

# Ctrl-C leaves as --check does, and so does SIGTERM.
keys C-c
wait_exit
[ "$status" -eq 130 ] || fail "exit status $status after Ctrl-C, not 130"
tmux -L "$sock" kill-server
rm -f "$tmp/exit" "$tmp/pid"
start_ui --form 127.0.0.1
wait_for "connect to an IMAP server"
# Encrypted by default (RFC 8314): the TLS field follows the port until
# it is chosen, STARTTLS on 143 and implicit TLS on 993.
wait_for_re '^  TLS +STARTTLS( |$)'
wait_for "STARTTLS required, certificate and host name verified"
keys Tab
type_text 993
wait_for_re '^  TLS +implicit( |$)'
wait_for "TLS from the first byte, certificate and host name verified"
keys BSpace
wait_for_re '^  TLS +STARTTLS( |$)'
kill -TERM "$(ui_pid)"
wait_exit
[ "$status" -eq 143 ] || fail "exit status $status after SIGTERM, not 143"
say "ok"
