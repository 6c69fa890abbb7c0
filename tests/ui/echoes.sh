#!/usr/bin/env bash
# echoes.sh - a server that echoes the password back as data: the name
# of a mailbox, and the subject, the sender's name and the sender's
# address of messages in the mailbox opened.  The mailbox list and the
# message list show [secret] where it stood, and never the password
# (the hidden name is what the browser asks STATUS for, and is refused).
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=echoes
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

USER_NAME=alice
PASSWORD='S3cr3t-PW'
DATE='"Mon, 7 Dec 2026 10:00:00 +0000"'

# envelope SUBJECT NAME MAILBOX: an ENVELOPE from NAME <MAILBOX@example.org>.
envelope() {
	printf 'ENVELOPE (%s "%s" (("%s" NIL "%s" "example.org")) NIL NIL NIL' \
		"$DATE" "$1" "$2" "$3"
	printf ' NIL NIL NIL NIL)'
}

# no_secret WHAT: the screen does not show the password.
no_secret() {
	no_secret_shown "$1" "$USER_NAME" "$PASSWORD"
}

need_tmux
setup

start_scripted "sendln * OK [CAPABILITY IMAP4rev1] hi
expect-tag LOGIN
sendln \$TAG OK logged in
expect-tag LIST
sendln * LIST () \"/\" INBOX
sendln * LIST () \"/\" \"$PASSWORD\"
sendln \$TAG OK done
expect-tag STATUS INBOX
sendln * STATUS INBOX (MESSAGES 2 UNSEEN 1)
sendln \$TAG OK done
expect-tag STATUS
sendln \$TAG NO no such mailbox
expect-tag EXAMINE
sendln * 2 EXISTS
sendln \$TAG OK [READ-ONLY] done
expect-tag FETCH
sendln * 1 FETCH (UID 1 FLAGS (\\\\Seen) $(envelope "$PASSWORD" "$PASSWORD" bob))
sendln * 2 FETCH (UID 2 FLAGS () $(envelope 'Hello there' Bob "$PASSWORD"))
sendln \$TAG OK done
expect-tag LOGOUT
sendln * BYE
sendln \$TAG OK
close"
UI_ENV="IMAPCONN_PASSWORD=$PASSWORD" start_ui --starttls=off \
	--allow-plaintext-auth --timeout 3 -u "$USER_NAME" "127.0.0.1:$port"

wait_for "mailboxes: 127.0.0.1"
wait_for "[secret]"
shows "INBOX"
no_secret "mailbox list"

keys Home Enter
wait_for "mailbox: INBOX"
wait_for "Hello there"
wait_for "Bob <[secret]@example.org>"
shows "[secret]"
no_secret "message list"
type_text q
wait_exit
no_secret "after exit"
grep -qaF -- "$PASSWORD" "$tmp/stderr" && fail "stderr holds the password"
say "ok"
