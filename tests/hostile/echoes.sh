#!/usr/bin/env bash
# echoes.sh - a server that echoes the password back as data, not text:
# as a mailbox name (alone and as the leaf of a path), as a flag and a
# permanent flag of the opened mailbox.  --check, --json, --transcript
# and --report hold none of it and show [secret] where it stood.  A
# 3-byte password is hidden where it is a whole name, and a longer name
# that holds it is shown as it is.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

USER_NAME=alice
PASSWORD='S3cr3t-PW'

# echo_script PW: logs in, lists INBOX, PW and Archive/PW, opens INBOX
# with PW among its flags and permanent flags.
echo_script() {
	printf '%s\n' 'sendln * OK [CAPABILITY IMAP4rev1] hi' \
		'expect-tag LOGIN' 'sendln $TAG OK logged in' \
		'expect-tag LIST' 'sendln * LIST () "/" INBOX' \
		"sendln * LIST () \"/\" \"$1\"" \
		"sendln * LIST (\\\\HasNoChildren) \"/\" \"Archive/$1\"" \
		'sendln * LIST () "/" Fabcmail' \
		'sendln $TAG OK done' 'expect-tag EXAMINE' \
		"sendln * FLAGS (\\\\Seen $1)" \
		"sendln * OK [PERMANENTFLAGS (\\\\Seen $1)] ok" \
		'sendln * 2 EXISTS' 'sendln $TAG OK [READ-ONLY] done' \
		"$SRV_LOGOUT"
}

# run_echo MODE PW: the server of echo_script PW for imapconn --check
# (MODE text) or --check --json (MODE json), with a transcript and a
# report; the outputs' files are in FILES.
FILES=()
run_echo() {
	local mode=$1 pw=$2 name=$1.${#2}
	srv_start "$(echo_script "$pw")"
	IMAPCONN_PASSWORD=$pw "run_$mode" --timeout 2 -u "$USER_NAME" \
		--starttls=off --allow-plaintext-auth --select INBOX \
		--transcript "$WORK/$name.tr" --report "$WORK/$name.report" \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	FILES=("$RUN_OUT" "$RUN_ERR" "$WORK/$name.tr" "$WORK/$name.report")
	check "the password reached the server" \
		grep -qaF -- "$pw" "$SRV_LOG"
}

check_text() {
	say "--check: the password as a mailbox name and a flag"
	run_echo text "$PASSWORD"
	assert_eq "exit status 0" 0 "$RUN_RC"
	assert_no_secret "--check: no password in any output" "$USER_NAME" \
		"$PASSWORD" "${FILES[@]}"
	assert_contains "the mailbox is listed as [secret]" "  [secret]" \
		"$(cat "$RUN_OUT")"
	assert_contains "the path keeps its parent" "  Archive/[secret]" \
		"$(cat "$RUN_OUT")"
	assert_match "the flags show [secret]" \
		'flags +\\Seen \[secret\]' "$(cat "$RUN_OUT")"
	assert_match "the permanent flags show [secret]" \
		'permanent flags +\\Seen \[secret\]' "$(cat "$RUN_OUT")"
}

check_json() {
	say "--json: the password as a mailbox name and a flag"
	run_echo json "$PASSWORD"
	assert_class 0 null
	assert_no_secret "--json: no password in any output" "$USER_NAME" \
		"$PASSWORD" "${FILES[@]}"
	assert_json "names" '[.mailboxes[].name] | join(",")' \
		'INBOX,[secret],Archive/[secret],Fabcmail'
	assert_json "raw names" '[.mailboxes[].raw] | join(",")' \
		'INBOX,[secret],Archive/[secret],Fabcmail'
	assert_json "flags" '.selected.flags | join(" ")' '\Seen [secret]'
	assert_json "permanent flags" \
		'.selected.permanent_flags | join(" ")' '\Seen [secret]'
}

check_short() {
	say "--json: a 3-byte password as a whole name, and inside a word"
	run_echo json abc
	assert_class 0 null
	assert_json "a whole name or flag is hidden, a longer word is not" \
		'[.mailboxes[].name] | join(",")' \
		'INBOX,[secret],Archive/[secret],Fabcmail'
	assert_json "the flag is hidden" '.selected.flags | join(" ")' \
		'\Seen [secret]'
	assert_not_contains "the JSON holds no whole-word abc" '"abc"' \
		"$(cat "$RUN_OUT")"
	run_echo text abc
	assert_eq "exit status 0" 0 "$RUN_RC"
	assert_match "--check lists [secret] and Fabcmail" \
		'  \[secret\].*  Fabcmail' "$(tr '\n' ' ' <"$RUN_OUT")"
	assert_not_contains "--check shows no abc alone" ' abc ' \
		"$(tr '\n' ' ' <"$RUN_OUT")"
}

main() {
	need_tools grep
	check_text
	check_json
	check_short
	finish
}

main "$@"
