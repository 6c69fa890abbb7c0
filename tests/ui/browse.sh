#!/usr/bin/env bash
# browse.sh - the whole way through against the test Dovecot: fill the
# form by typing, connect, see the folder tree with decoded names, filter
# it, open INBOX, see its count and a subject, quit after LOGOUT.  The
# counts of the rows on screen are asked for in one write.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=browse
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot
start_ui --transcript "$tmp/browse.transcript"

wait_for "connect to an IMAP server"
# Host, then Port (its value replaced by what is typed), Timeout, TLS
# (following the port: STARTTLS; Left: implicit), Verify, CA file,
# User, Password.
type_text localhost
wait_for "-> localhost (a name)"
keys Tab
type_text "$IMAPS_PORT"
keys Tab Tab
wait_for_re '^  TLS +STARTTLS( |$)'
keys Left Tab Tab
type_text "$CA_FILE"
keys Tab
type_text "$TEST_USER"
keys Tab
type_text "$TEST_PASSWORD"
wait_for "TLS from the first byte, certificate and host name verified"
screen | grep -F "Password" | grep -qF -- "$TEST_PASSWORD" &&
	fail "the password is shown"
keys Enter

# The tree, names decoded from modified UTF-7, counts asked for.
wait_for "mailboxes: localhost port $IMAPS_PORT"
for name in "INBOX [Inbox]" "Entwürfe" "日本語" "Café & Co" "Q4" \
	"Sent [Sent]" "Drafts [Drafts]" "Trash [Trash]" "Junk [Junk]" \
	"Archive [Archive]"; do
	wait_for "$name"
done
hides "Entw&APw-rfe"
# Counts arrive in the background (STATUS for the rows shown).
wait_for_re 'INBOX \[Inbox\] +3 +3 *$'
wait_for_re ' Q4 +1 +1 *$'
# The counts of the whole screen in one round trip: every STATUS went
# out (one write) before the first reply came back.
together=$(awk '/ C: [^ ]+ STATUS /{ n++; next }
		n > 0 && / S: /{ print n; exit }' "$tmp/browse.transcript")
[ "${together:-0}" -ge 10 ] ||
	fail "STATUS went out ${together:-0} at a time, not the screen's 10+"
# CJK names take two columns a character: the counts still line up.
width() { screen | grep -F -- "$1" | LC_ALL=C.UTF-8 wc -L; }
[ "$(width "日本語")" = "$(width "Trash [Trash]")" ] ||
	fail "the counts of the CJK row do not line up"
[ "$(width "Entwürfe")" = "$(width "Trash [Trash]")" ] ||
	fail "the counts of the accented row do not line up"

# A tree by the separator: Q4 under 2026 under Projects.
indent() { screen | grep -E -- "$1" | sed 's/[^ ].*//' | head -1 | wc -c; }
if [ "$(indent '▾ Projects')" -ge "$(indent '▾ 2026')" ] ||
	[ "$(indent '▾ 2026')" -ge "$(indent ' Q4 ')" ]; then
	fail "Projects/2026/Q4 is not shown as a tree"
fi
# Collapse and expand: the filter puts the cursor on Projects, Esc
# clears it and the cursor stays.
type_text /Projects
keys Enter
wait_for 'filter "Projects"'
# The count is of the matching mailboxes, whatever is collapsed.
matches=$(screen | grep -oE 'filter "Projects": [0-9]+ of 12')
if [ -z "$matches" ] || [ "$matches" = 'filter "Projects": 1 of 12' ]; then
	fail "not every match under Projects counted"
fi
keys Left
wait_for "▸ Projects"
shows "$matches mailboxes match"
keys Right
wait_for " Q4 "
keys Escape
wait_gone 'filter "Projects"'
keys Left
wait_for "▸ Projects"
hides " Q4 "
keys Space
wait_for "▾ Projects"
wait_for " Q4 "

# Raw names on r, decoded again on r.
type_text r
wait_for "Entw&APw-rfe"
type_text r
wait_for "Entwürfe"

# Filter as you type; Esc clears.
type_text "/entw"
wait_for 'filter "entw": 1 of 12 mailboxes match'
hides "INBOX [Inbox]"
shows "Entwürfe"
keys Escape
wait_for "INBOX [Inbox]"
wait_gone 'filter "entw"'

# Open INBOX: its data and the newest messages.
keys Home Enter
wait_for "mailbox: INBOX"
wait_for "Messages 3"
wait_for "UIDVALIDITY"
wait_for "Welcome to the test server"
wait_for "Grüße aus Köln"
keys BSpace
wait_for "mailboxes: localhost"

# The transcript has the exchange, the password redacted.
type_text l
wait_for "transcript (passwords and SASL data redacted)"
screen | grep -qF -- "$TEST_PASSWORD" &&
	fail "the password is in the transcript"
keys BSpace
wait_for "mailboxes: localhost"

# q logs out, then leaves.
quit_ok
grep -q "imap($TEST_USER).*Logged out" "$dovecot_dir/dovecot.log" ||
	fail "no LOGOUT reached the server"
say "ok"
