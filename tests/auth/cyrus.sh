#!/usr/bin/env bash
# cyrus.sh - imapconn --check logs in to the private Cyrus of
# tests/servers/imapconn-cyrus with the SASL mechanisms its sasldb
# serves as configured there (Cyrus SASL 2.1.28 offers SCRAM-SHA-*,
# their -PLUS forms, DIGEST-MD5, CRAM-MD5, NTLM, PLAIN and LOGIN), in
# implicit TLS and after STARTTLS: SCRAM-SHA-256, SCRAM-SHA-1 and
# CRAM-MD5 named by --auth, a wrong password refused (exit 77); in TLS
# 1.2 the default login takes SCRAM-SHA-256-PLUS with tls-unique channel
# binding, and --auth scram-sha-1-plus SCRAM-SHA-1-PLUS; in
# TLS 1.3 Cyrus 3.6 refuses the tls-exporter binding, so the default
# login there is SCRAM-SHA-256, and a -PLUS named by --auth is an error
# (exit 77), never a fallback.
# Exit 0 pass, 1 fail, 77 skip (not root, or Cyrus's packages missing).
set -uo pipefail

TEST_NAME='auth-cyrus'
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
CYRUS_HARNESS=$top_srcdir/tests/servers/imapconn-cyrus
CYRUS_DIR_T=

cyrus_stop() {
	[ -n "$CYRUS_DIR_T" ] || return 0
	"$CYRUS_HARNESS" stop "$CYRUS_DIR_T"
	[ "${IMAPCONN_TEST_KEEP:-0}" = 1 ] || rm -rf "$CYRUS_DIR_T"
}

start_cyrus() {
	need_jq
	need_imapconn
	[ "$(id -u)" -eq 0 ] || skip_all "needs root to start Cyrus"
	# shellcheck disable=SC2016
	if [ -n "$(PROG=check bash -c '. "$1"; srv_missing_deps cyrus' \
		_ "$top_srcdir/tests/servers/lib.sh")" ]; then
		skip_all "the packages Cyrus needs are not installed" \
			"(./quickstart build installs them)"
	fi
	CYRUS_DIR_T=$(mktemp -d "${TMPDIR:-/tmp}/imapconn-it-cyrus.XXXXXX") ||
		hard_fail "no directory for Cyrus"
	LIB_AT_EXIT+=(cyrus_stop)
	if ! "$CYRUS_HARNESS" start "$CYRUS_DIR_T" >"$WORK/cyrus.out" 2>&1
	then
		cat "$WORK/cyrus.out" >&2
		hard_fail "the test Cyrus did not start"
	fi
	# shellcheck source=/dev/null
	. "$CYRUS_DIR_T/env"
	MAILBOX_COUNT=$(printf '%s\n' "$ALICE_MAILBOXES" | grep -c .)
}

# login_ok WHAT MECH MODE ARG...: exit 0, the login used MECH, alice's
# mailboxes listed, no password in any output.
login_ok() {
	local what=$1 mech=$2 tr=$WORK/tr$((RUN_COUNT + 1))
	tls_target "$3"
	shift 3
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" \
		--transcript "$tr" "$@" "${TARGET[@]}"
	assert_eq "$what: exit 0" 0 "$RUN_RC"
	assert_jsons "$what: the login used $mech" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $TEST_USER, AUTHENTICATE $mech" \
		"$what: alice's mailboxes listed" '.mailboxes | length' \
		"$MAILBOX_COUNT"
	assert_no_secret "$what: no password in any output" "$TEST_USER" \
		"$TEST_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"
}

check_mechanisms() {
	local mode
	for mode in tls starttls; do
		login_ok "$mode: --auth scram-sha-256" SCRAM-SHA-256 "$mode" \
			--auth scram-sha-256
		login_ok "$mode: --auth cram-md5" CRAM-MD5 "$mode" \
			--auth cram-md5
		login_ok "$mode, TLS 1.3: the default" SCRAM-SHA-256 "$mode"
		login_ok "$mode, TLS 1.2: the default" SCRAM-SHA-256-PLUS \
			"$mode" --tls-max 1.2
		assert_contains "$mode, TLS 1.2: bound with tls-unique" \
			"SCRAM-SHA-256-PLUS: channel binding tls-unique" \
			"$(jf '.notes[]')"
		login_ok "$mode: --auth scram-sha-1" SCRAM-SHA-1 "$mode" \
			--auth scram-sha-1
		login_ok "$mode, TLS 1.2: --auth scram-sha-1-plus" \
			SCRAM-SHA-1-PLUS "$mode" --tls-max 1.2 \
			--auth scram-sha-1-plus
		assert_contains "$mode: SCRAM-SHA-1-PLUS bound with tls-unique" \
			"SCRAM-SHA-1-PLUS: channel binding tls-unique" \
			"$(jf '.notes[]')"
		assert_match "$mode: each exchange timed" \
			"SCRAM-SHA-1-PLUS step 3: the server's challenge after [0-9]+ ms" \
			"$(jf '.notes[]')"
		assert_contains "$mode: the login's round trips counted" \
			"SCRAM-SHA-1-PLUS: the server's reply after" \
			"$(jf '.notes[]')"
	done
}

check_refusals() {
	tls_target tls
	say "SCRAM-SHA-256 with a wrong password"
	IMAPCONN_PASSWORD=Wrong.1 run_check -u "$TEST_USER" \
		--auth scram-sha-256 "${TARGET[@]}"
	assert_rc 77 auth authenticate
	say "TLS 1.3: --auth scram-sha-256-plus, whose tls-exporter Cyrus refuses"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" \
		--transcript "$WORK/plus.tr" --auth scram-sha-256-plus \
		--tls-min 1.3 "${TARGET[@]}"
	assert_rc 77 auth authenticate
	assert_eq "-PLUS refused: no other mechanism tried" \
		"AUTHENTICATE SCRAM-SHA-256-PLUS" \
		"$(grep -oE ' C: [^ ]+ AUTHENTICATE [^ ]+' "$WORK/plus.tr" |
			cut -d' ' -f4- | sort -u | paste -sd '|')"
}

start_cyrus
run_checks check_mechanisms check_refusals
