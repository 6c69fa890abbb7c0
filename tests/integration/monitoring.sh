#!/usr/bin/env bash
# monitoring.sh - --plugin and --check --repeat against the test
# Dovecot: the whole connection checked (login, list, --select) over
# implicit TLS and STARTTLS is OK with its performance data, a wrong
# password is CRITICAL; three repeated connections all succeed and the
# summary counts them, each phase once per run.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# plugin ARG...: imapconn --plugin ARG... as TEST_USER; PLUGIN_LINE
# and PLUGIN_RC.
plugin() {
	PLUGIN_RC=0
	PLUGIN_LINE=$(timeout -k 5 60 "$IMAPCONN" --plugin -u "$TEST_USER" \
		"$@" </dev/null 2>"$WORK/plugin.err") || PLUGIN_RC=$?
}

check_plugin() {
	local mode
	for mode in tls starttls; do
		say "--plugin over $mode: OK"
		tls_target "$mode"
		IMAPCONN_PASSWORD=$TEST_PASSWORD plugin -w 5000 -c 10000 \
			--cert-days 1,0 --select INBOX "${TARGET[@]}"
		assert_eq "$mode: exit 0" 0 "$PLUGIN_RC"
		assert_match "$mode: the whole connection" \
			'^IMAP OK - localhost: logged in, listed [0-9]+ mailboxes, opened INBOX in [0-9]+ ms \| ' \
			"$PLUGIN_LINE"
		assert_match "$mode: the select's time" ' select=[0-9]+ms;;;0; ' \
			"$PLUGIN_LINE"
		assert_match "$mode: the certificate's days" \
			' cert_days=[0-9]+;1:;0:;;$' "$PLUGIN_LINE"
		assert_no_secret "$mode: no password" "$TEST_USER" \
			"$TEST_PASSWORD" <(printf '%s\n' "$PLUGIN_LINE") \
			"$WORK/plugin.err"
	done
	say "--plugin with a wrong password: CRITICAL"
	tls_target tls
	IMAPCONN_PASSWORD=not-the-password plugin "${TARGET[@]}"
	assert_eq "wrong password: exit 2" 2 "$PLUGIN_RC"
	assert_match "wrong password: the failure" \
		'^IMAP CRITICAL - failed in authenticate \(auth\): ' \
		"$PLUGIN_LINE"
}

check_repeat() {
	say "--check --repeat 3"
	tls_target tls
	run_begin txt --check --repeat 3
	IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" --check \
		--repeat 3 --interval 0.1 -u "$TEST_USER" "${TARGET[@]}" \
		>"$RUN_OUT" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	run_end
	assert_eq "exit 0" 0 "$RUN_RC"
	assert_eq "three lines, each ok" 3 \
		"$(grep -cE '^run [1-3]: ok, ' "$RUN_OUT")"
	assert_contains "the counts" "summary: 3 connections, 3 ok, 0 failed" \
		"$(cat "$RUN_OUT")"
	assert_match "tls in each run" '^  tls +3 +0 ' "$(cat "$RUN_OUT")"
	assert_match "the list in each run" '^  list +3 +0 ' \
		"$(cat "$RUN_OUT")"
}

main() {
	need_servers
	check_plugin
	check_repeat
	finish
}

main "$@"
