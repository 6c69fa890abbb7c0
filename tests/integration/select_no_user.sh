#!/usr/bin/env bash
# select_no_user.sh - --select without a user opens nothing, so it fails
# as a usage error on the test Dovecot (which does not PREAUTH); the same
# run without --select only connects and succeeds.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

check_select_without_user() {
	local out=$WORK/text.out rc=0
	say "--check --select INBOX without a user"
	run_check --ssl --ca-file "$CA_FILE" --select INBOX \
		"localhost:$IMAPS_PORT"
	assert_rc 64 usage authenticate
	assert_contains "the detail says a user is needed" \
		"a user is needed to open a mailbox" "$RUN_DETAIL"
	assert_jsons \
		"no mailbox was opened" '.selected' null \
		"the connection itself was made" \
		'.phases[] | select(.phase == "greeting") | .result' ok
	timeout -k 5 60 "$IMAPCONN" --check --ssl --ca-file "$CA_FILE" \
		--select INBOX "localhost:$IMAPS_PORT" >"$out" 2>&1 \
		</dev/null || rc=$?
	assert_eq "--check (text) exits with the usage status" 64 "$rc"
	assert_contains "--check (text) says a user is needed" \
		"a user is needed to open a mailbox" "$(cat "$out")"
}

check_no_select_without_user() {
	say "--check without a user or --select"
	run_check --ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "the login is skipped" \
		'.phases[] | select(.phase == "authenticate") | .result' skipped
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start
	check_select_without_user
	check_no_select_without_user
	finish
}

main "$@"
