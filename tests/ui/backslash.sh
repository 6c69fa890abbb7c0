#!/usr/bin/env bash
# backslash.sh - a mailbox named back\slash on the test Dovecot: the
# browser lists it with one backslash, a filter typed with one backslash
# finds it, and it opens under that name.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=backslash
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

NAME='back\slash'

need_tmux
need_dovecot
setup
start_dovecot
doveadm -c "$DOVECOT_CONF" mailbox create -u "$EMPTY_USER" "$NAME" ||
	fail "doveadm could not create $NAME"
UI_ENV="IMAPCONN_PASSWORD=$EMPTY_PASSWORD" start_ui --ssl \
	--ca-file "$CA_FILE" -u "$EMPTY_USER" "localhost:$IMAPS_PORT"

wait_for "mailboxes: localhost port $IMAPS_PORT"
wait_for "Archive"
shows " $NAME "
hides 'back\\slash'

type_text '/k\s'
wait_for 'filter "k\s": 1 of 7 mailboxes match'
shows " $NAME "
# Enter ends the typing, the next one opens the row.
keys Enter Enter
wait_for "mailbox: $NAME"
hides 'back\\slash'
type_text q
wait_exit
say "ok"
