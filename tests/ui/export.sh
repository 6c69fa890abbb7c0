#!/usr/bin/env bash
# export.sh - x after a login to the test Dovecot: the neomutt snippet
# with the host, port and user that worked, every format without the
# password (on the screen and in the files saved); saving into a
# missing directory says so; an existing file is only replaced after
# asking.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST="export"
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot

no_password_shown() {
	no_secret_shown "the password is not shown" "$TEST_USER" \
		"$TEST_PASSWORD"
}

no_password_in() {
	no_secret_shown "the password is not in $1" "$TEST_USER" \
		"$TEST_PASSWORD" "$1"
}

# save PATH: s, then PATH instead of the default name.
save() {
	type_text s
	wait_for "save it to: "
	keys C-u
	type_text "$1"
	keys Enter
}

UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD" start_ui -u "$TEST_USER" \
	--ca-file "$CA_FILE" "imaps://localhost:$IMAPS_PORT"
wait_for "mailboxes: localhost port $IMAPS_PORT"
wait_for "x export"
type_text x
wait_for "export: localhost port $IMAPS_PORT, implicit TLS, user $TEST_USER"

# neomutt first: the folder URL holds user, host and port; TLS forced.
url="imaps://$TEST_USER@localhost:$IMAPS_PORT/"
wait_for "set folder = \"$url\""
shows "set spoolfile = \"${url}INBOX\""
shows "set ssl_force_tls = yes"
shows "set certificate_file = \"$CA_FILE\""
no_password_shown

# Every format: what it must hold, and never the password.
keys Right
wait_for "IMAPAccount"
shows "Host \"localhost\""
shows "Port $IMAPS_PORT"
shows "User \"$TEST_USER\""
shows "PassCmd"
no_password_shown
keys Right
wait_for "curl --cacert '$CA_FILE' -u '$TEST_USER' 'imaps://localhost:$IMAPS_PORT/'"
no_password_shown
keys Right
wait_for "openssl s_client"
shows "localhost:$IMAPS_PORT"
no_password_shown
type_text 5
wait_for "(make-imap-connection '(\"localhost\" :port $IMAPS_PORT :ssl t"
no_password_shown
type_text 1
wait_for "set folder = \"$url\""

# A directory that does not exist: the reason, and no file.
save "$tmp/no/such/dir/neomuttrc"
wait_for "could not save the neomutt export: the directory $tmp/no/such/dir does not exist"
[ -e "$tmp/no" ] && fail "something was created for the missing directory"

# Saved where asked, mode 600, the snippet without the password.
save "$tmp/neomuttrc"
wait_for "saved the neomutt export to $tmp/neomuttrc"
grep -qxF "set folder = \"$url\"" "$tmp/neomuttrc" ||
	fail "the saved file has no folder line"
no_password_in "$tmp/neomuttrc"
[ "$(stat -c %a "$tmp/neomuttrc")" = 600 ] || fail "mode is not 600"

# It exists now: n keeps it, y replaces it (with mbsync's this time).
sum=$(md5sum <"$tmp/neomuttrc")
keys Right
wait_for "IMAPAccount"
save "$tmp/neomuttrc"
wait_for "$tmp/neomuttrc exists: overwrite it? (y/n)"
type_text n
wait_for "not saved"
[ "$(md5sum <"$tmp/neomuttrc")" = "$sum" ] || fail "replaced after n"
save "$tmp/neomuttrc"
wait_for "exists: overwrite it? (y/n)"
type_text y
wait_for "saved the mbsync export to $tmp/neomuttrc"
grep -qxF "Port $IMAPS_PORT" "$tmp/neomuttrc" || fail "not replaced after y"
no_password_in "$tmp/neomuttrc"

# The default name, relative to where imapconn runs.
type_text s
wait_for "save it to: ./imapconn-mbsyncrc"
keys Enter
wait_for "saved the mbsync export to $tmp/imapconn-mbsyncrc"
no_password_in "$tmp/imapconn-mbsyncrc"

# Back to the mailboxes, then q.
keys BSpace
wait_for "mailboxes: localhost port $IMAPS_PORT"
quit_ok
say "ok"
