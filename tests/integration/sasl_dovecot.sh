#!/usr/bin/env bash
# sasl_dovecot.sh - SCRAM against a real Dovecot: the test Dovecot
# started with --auth scram (SCRAM-SHA-1 and SCRAM-SHA-256, passwords
# stored as SCRAM hashes).  By default the login takes SCRAM-SHA-256, in
# implicit TLS and after STARTTLS; --auth picks SCRAM-SHA-1 or PLAIN; a
# wrong password is refused; -PLUS, which this Dovecot does not offer,
# is an error when named, never a fallback.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# login_with WHAT MECH ARG...: a successful run whose login used MECH,
# each SCRAM step on the timeline, the payloads hidden.
login_with() {
	local what=$1 mech=$2 tr=$WORK/tr$((RUN_COUNT + 1))
	shift 2
	say "$what"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" \
		--transcript "$tr" "$@"
	assert_rc 0 null
	assert_jsons "$what: the login used $mech" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $TEST_USER, AUTHENTICATE $mech"
	assert_match "$what: the transcript hides the client's messages" \
		" C: [^ ]+ AUTHENTICATE $mech <sasl>" "$(cat "$tr")"
	if [ "${mech#SCRAM}" != "$mech" ]; then
		assert_match "$what: step 2 on the timeline, timed" \
			"$mech step 2: the server's challenge after [0-9]+ ms" \
			"$(jq -r '.notes[]' "$RUN_OUT")"
		assert_contains "$what: the login's three round trips" \
			"$mech: the server's reply after" \
			"$(jq -r '.notes[] | select(test("round trips"))' \
				"$RUN_OUT")"
		assert_contains "$what: ... counted" "3 round trips for the login" \
			"$(jq -r '.notes[]' "$RUN_OUT")"
	fi
	assert_no_secret "$what: no password in any output" "$TEST_USER" \
		"$TEST_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	dovecot_start --auth scram
	login_with "implicit TLS: SCRAM-SHA-256 by default" SCRAM-SHA-256 \
		--ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT"
	login_with "STARTTLS: SCRAM-SHA-256 by default" SCRAM-SHA-256 \
		--starttls --ca-file "$CA_FILE" "localhost:$IMAP_PORT"
	login_with "--auth scram-sha-1" SCRAM-SHA-1 --auth scram-sha-1 \
		--ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT"
	login_with "--auth plain keeps PLAIN" PLAIN --auth plain \
		--ssl --ca-file "$CA_FILE" "localhost:$IMAPS_PORT"

	say "SCRAM-SHA-256 with a wrong password"
	IMAPCONN_PASSWORD=not-the-password run_check -u "$TEST_USER" --ssl \
		--ca-file "$CA_FILE" "localhost:$IMAPS_PORT"
	assert_rc 77 auth authenticate
	assert_jsons "wrong password: refused by the server" \
		.failure.reason login-refused

	say "--auth scram-sha-256-plus, not offered by this Dovecot"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check -u "$TEST_USER" --ssl \
		--auth scram-sha-256-plus --ca-file "$CA_FILE" \
		"localhost:$IMAPS_PORT"
	assert_rc 77 auth authenticate
	assert_jsons "-PLUS: an error, no fallback" \
		.failure.reason mech-not-offered
	finish
}

main "$@"
