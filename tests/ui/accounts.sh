#!/usr/bin/env bash
# accounts.sh - the interface starts with the configuration file's
# accounts when no host is named: Enter connects with one (its password
# from its password-file, no form), s in the mailbox list saves the
# connection as a new account (no password in the file), the next start
# lists it and connects with it; e opens an account in the form, and n
# an empty form, the command line's options over the account's.  An
# account of ~/.mbsyncrc is listed after them, with its file and line,
# and connects the same way.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=accounts
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot

CONFIG=$tmp/xdg/imapconn/config
mkdir -p "$(dirname "$CONFIG")"
printf '%s\n' "$TEST_PASSWORD" >"$tmp/pw"
chmod 600 "$tmp/pw"
cat >"$CONFIG" <<END
[dove]
host = localhost
port = $IMAPS_PORT
ssl = yes
ca-file = $CA_FILE
user = $TEST_USER
password-file = $tmp/pw

[elsewhere]
host = imap.example.invalid
user = nobody
END

mkdir -p "$tmp/home"
cat >"$tmp/home/.mbsyncrc" <<END
IMAPAccount mine
Host localhost
Port $IMAPS_PORT
User $TEST_USER
PassCmd "cat $tmp/pw"
SSLType IMAPS
CertificateFile $CA_FILE
END

UI_ENV="XDG_CONFIG_HOME=$tmp/xdg" start_ui
wait_for "accounts"
shows "from $CONFIG and other mail clients' settings"
wait_for_re "mbsync:mine +$TEST_USER +localhost port $IMAPS_PORT +\\(/tmp/"
wait_for_re "dove +$TEST_USER +localhost port $IMAPS_PORT"
shows "elsewhere"
keys Enter
wait_for "mailboxes: localhost"
wait_for "INBOX"

# s saves the connection under a new name.
type_text s
wait_for "save these settings as the account named:"
type_text "again"
keys Enter
wait_for "saved the account again"
grep -qxF "[again]" "$CONFIG" || fail "no [again] in the file"
grep -qxF "port = $IMAPS_PORT" "$CONFIG" || fail "no port saved"
grep -qxF "password-file = $tmp/pw" "$CONFIG" ||
	fail "the password's file not saved"
grep -qF -- "$TEST_PASSWORD" "$CONFIG" && fail "the password was saved"
# The same name again is refused.
type_text s
wait_for "save these settings as the account named:"
type_text "again"
keys Enter
wait_for "an account [again] is already there"
quit_ok

# The next start lists it, and connects with it.
UI_ENV="XDG_CONFIG_HOME=$tmp/xdg" start_ui
wait_for_re "again +$TEST_USER +localhost port $IMAPS_PORT"
keys End
keys Up
keys Enter
wait_for "mailboxes: localhost"
wait_for "INBOX"
quit_ok

# The account of ~/.mbsyncrc connects with its own settings.
UI_ENV="XDG_CONFIG_HOME=$tmp/xdg" start_ui
wait_for "mbsync:mine"
keys End
keys Enter
wait_for "mailboxes: localhost"
wait_for "INBOX"
quit_ok

# e opens an account in the form without connecting; n an empty form.
UI_ENV="XDG_CONFIG_HOME=$tmp/xdg" start_ui
wait_for "accounts"
keys Down
type_text e
wait_for "connect to an IMAP server"
shows "imap.example.invalid"
hides "mailboxes:"
keys F10
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"

# The command line's options go over the account chosen: its user and
# timeout replace the account's, what it does not name stays.
UI_ENV="XDG_CONFIG_HOME=$tmp/xdg" start_ui -u carol --timeout 7
wait_for "accounts"
keys Down
type_text e
wait_for "connect to an IMAP server"
shows "imap.example.invalid"
wait_for_re '^  User +carol( |$)'
wait_for_re 'Timeout \(s\) +7$'
hides "nobody"
keys F10
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"
say "all checks passed"
