#!/usr/bin/env bash
# report.sh - R writes the report: on the failure screen of a refused
# port (the timeline, the failure and its hint, mode 600, asked before
# it is replaced, a missing directory said), and in the browser after a
# login to the test Dovecot (the timeline and the redacted transcript);
# never the password, nor the SASL data that carries it.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=report
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot

# no_secret_in FILE: no password, no SASL PLAIN data (RFC 4616, base64)
# in FILE or on the screen.
no_secret_in() {
	no_secret_shown "no password in $1" "$TEST_USER" "$TEST_PASSWORD" "$1"
}

has() {
	grep -qE -- "$2" "$1" || fail "$1 has no line like /$2/"
}

# A closed port: the scripted server's, once it has stopped.
start_scripted silent
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
spid=

UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD" start_ui -u "$TEST_USER" \
	"127.0.0.1:$port"
wait_for "FAILED in connect: refused"
wait_for "hint:"
shows "R report"
type_text R
wait_for "write the report (mode 600) to: ./imapconn-report-127.0.0.1.txt"
keys Enter
report=$tmp/imapconn-report-127.0.0.1.txt
wait_for "saved the report to $report"
[ "$(stat -c %a "$report")" = 600 ] || fail "mode is not 600"
has "$report" '^result +FAILED in connect \(refused\)'
has "$report" '^Timeline'
has "$report" '^ +[0-9]+ +connect +[0-9]+ ms +FAILED +refused'
has "$report" "^hint +nothing listens on port $port at 127\\.0\\.0\\.1"
has "$report" "^user +$TEST_USER\$"
has "$report" '^password +never written to this report'
no_secret_in "$report"

# Again: asked first; n keeps it, y replaces it.
touch -d '2001-01-01' "$report"
type_text R
keys Enter
wait_for "./imapconn-report-127.0.0.1.txt exists: overwrite it? (y/n)"
type_text n
wait_for "not saved"
[ "$(stat -c %Y "$report")" = "$(date -d 2001-01-01 +%s)" ] ||
	fail "replaced after n"
type_text R
keys Enter
wait_for "exists: overwrite it? (y/n)"
type_text y
wait_for "saved the report to $report"
[ "$(stat -c %Y "$report")" != "$(date -d 2001-01-01 +%s)" ] ||
	fail "not replaced after y"

# A directory that does not exist.
type_text R
keys C-u
type_text "$tmp/gone/r.txt"
keys Enter
wait_for "could not save the report: the directory $tmp/gone does not exist"
type_text q
wait_exit
tmux -L "$sock" kill-server
rm -f "$tmp/exit"

# After a login: from the browser, then from the transcript view.
UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD" start_ui -u "$TEST_USER" \
	--ca-file "$CA_FILE" "imaps://localhost:$IMAPS_PORT"
wait_for "mailboxes: localhost port $IMAPS_PORT"
wait_for "INBOX [Inbox]"
wait_for "R report"
type_text R
wait_for "write the report (mode 600) to: ./imapconn-report-localhost.txt"
keys C-u
type_text "$tmp/ok.txt"
keys Enter
wait_for "saved the report to $tmp/ok.txt"
has "$tmp/ok.txt" '^Timeline'
has "$tmp/ok.txt" '^ +[0-9]+ +tls +[0-9]+ ms +ok +TLSv1\.[23]'
has "$tmp/ok.txt" "^ +[0-9]+ +authenticate +[0-9]+ ms +ok +as $TEST_USER"
has "$tmp/ok.txt" '^ +[0-9]+ +list +[0-9]+ ms +ok +12 mailboxes'
has "$tmp/ok.txt" '^  verified  yes'
has "$tmp/ok.txt" '^with TLS +.*AUTH=PLAIN'
has "$tmp/ok.txt" '^Transcript'
has "$tmp/ok.txt" ' C: A[0-9]+ LOGIN "?'"$TEST_USER"'"? <password>'
has "$tmp/ok.txt" ' S: A[0-9]+ OK .*Logged in'
[ "$(sed -n '/^Failure$/{n;n;p;}' "$tmp/ok.txt")" = "(none)" ] ||
	fail "a failure in the report of a login that worked"
no_secret_in "$tmp/ok.txt"

# R works on the other screens of the connection too.
type_text l
wait_for "transcript (passwords and SASL data redacted)"
type_text R
wait_for "write the report (mode 600) to:"
keys C-u
type_text "$tmp/from-transcript.txt"
keys Enter
wait_for "saved the report to $tmp/from-transcript.txt"
no_secret_in "$tmp/from-transcript.txt"
keys BSpace
wait_for "mailboxes: localhost port $IMAPS_PORT"
quit_ok
say "ok"
