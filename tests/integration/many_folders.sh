#!/usr/bin/env bash
# many_folders.sh - a 2,000-folder user on the test Dovecot: the whole list.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

readonly FOLDERS=2000

check_many() {
	local expected note
	say "$FOLDERS folders over implicit TLS"
	IMAPCONN_PASSWORD=$MANY_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$MANY_USER" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	# The harness's folders, INBOX and the five special-use ones.
	expected=$((MANY_FOLDERS + 6))
	note="no message counts: $expected mailboxes, more than the 500"
	assert_eq "the harness made $FOLDERS folders" "$FOLDERS" \
		"$MANY_FOLDERS"
	assert_jsons \
		"all $expected mailboxes listed" '.mailboxes | length' \
		"$expected" \
		"every name once" '.mailboxes | map(.name) | unique | length' \
		"$expected" \
		"the list phase counts them" \
		'.phases[] | select(.phase == "list") | .detail' \
		"$expected mailboxes" \
		"the first and last teams are there" \
		'[.mailboxes[].name | select(. == "Team-001" or
		  . == "Team-001/List-01" or . == "Team-100/List-19")] | sort
		 | join(" ")' 'Team-001 Team-001/List-01 Team-100/List-19' \
		"INBOX is there" \
		'[.mailboxes[] | select(.name == "INBOX")] | length' 1 \
		"every name decodes" \
		'[.mailboxes[] | select(.name_valid != true)] | length' 0 \
		"past 500 mailboxes no counts are asked for" \
		'[.mailboxes[] | select(.messages != null)] | length' 0 \
		"and a note says so" \
		"[.notes[] | select(startswith(\"$note\"))] | length" 1
	assert_between "listed within 30 s (ms)" 0 30000 "$RUN_MS"
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start --many "$FOLDERS"
	check_many
	finish
}

main "$@"
