#!/usr/bin/env bash
# backslash_name.sh - a mailbox named back\slash on the test Dovecot is
# listed, shown and opened under that name: the backslash is neither
# doubled in --check, in the JSON (once decoded) nor in what is sent.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

NAME='back\slash'

# make_folder: bob's back\slash, with one message in it.
make_folder() {
	doveadm -c "$DOVECOT_CONF" mailbox create -u "$EMPTY_USER" "$NAME" ||
		hard_fail "doveadm could not create $NAME"
	printf 'From: a@example.org\r\nSubject: in back\\slash\r\n\r\nhi\r\n' |
		doveadm -c "$DOVECOT_CONF" save -u "$EMPTY_USER" -m "$NAME" ||
		hard_fail "doveadm could not save into $NAME"
}

check_json() {
	say "--json lists and opens $NAME"
	IMAPCONN_PASSWORD=$EMPTY_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$EMPTY_USER" --select "$NAME" --transcript "$WORK/json.tr" \
		"localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_jsons \
		"the name has one backslash" \
		'[.mailboxes[].name | select(contains("slash"))] | join("|")' \
		"$NAME" \
		"the raw name too" \
		'[.mailboxes[].raw | select(contains("slash"))] | join("|")' \
		"$NAME" \
		"the name is valid" \
		'.mailboxes[] | select(.raw == "back\\slash") | .name_valid' \
		true \
		"the opened mailbox is $NAME" '.selected.name' "$NAME" \
		"it holds the one message saved" '.selected.messages' 1
	assert_contains "EXAMINE sent it as one quoted string" \
		'EXAMINE "back\\slash"' "$(grep ' C: ' "$WORK/json.tr")"
}

check_text() {
	local out=$WORK/check.out rc=0
	say "--check shows $NAME"
	IMAPCONN_PASSWORD=$EMPTY_PASSWORD timeout -k 5 60 "$IMAPCONN" --check \
		--ssl --ca-file "$CA_FILE" -u "$EMPTY_USER" --select "$NAME" \
		"localhost:$IMAPS_PORT" >"$out" 2>&1 </dev/null || rc=$?
	assert_eq "--check exits 0" 0 "$rc"
	assert_contains "the list shows $NAME" "  $NAME" "$(cat "$out")"
	assert_contains "the opened mailbox is $NAME" "mailbox $NAME (" \
		"$(cat "$out")"
	assert_not_contains "no doubled backslash" 'back\\slash' \
		"$(cat "$out")"
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start
	make_folder
	check_json
	check_text
	finish
}

main "$@"
