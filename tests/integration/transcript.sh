#!/usr/bin/env bash
# transcript.sh - --transcript lines and redaction; no password anywhere.
# The server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# 2026-01-05T09:00:00.123Z C: ...
readonly STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z [CS]: '

# assert_transcript_form WHAT FILE: every line is "TIME C: ..." or
# "TIME S: ...", and both directions are there.
assert_transcript_form() {
	local what=$1 file=$2 bad
	bad=$(grep -cvE "$STAMP" "$file" || true)
	assert_eq "$what: every line is a timestamped C: or S: line" 0 "$bad"
	assert_eq "$what: both directions" 'C S' \
		"$(grep -oE ' [CS]: ' "$file" | tr -d ' :' | sort -u | paste -sd ' ')"
}

# redacted_line FILE VERB: the transcript's line for the client's VERB.
redacted_line() {
	grep -m1 -E " C: [^ ]+ $2( |$)" "$1" || true
}

check_dovecot() {
	local mode tr text
	for mode in implicit STARTTLS; do
		tr=$WORK/dovecot-$mode.transcript
		say "alice over $mode with --transcript"
		if [ "$mode" = implicit ]; then
			IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl \
				--auth plain \
				--ca-file "$CA_FILE" -u "$TEST_USER" --select INBOX \
				--transcript "$tr" "localhost:$IMAPS_PORT"
		else
			IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --starttls \
				--auth plain \
				--ca-file "$CA_FILE" -u "$TEST_USER" --select INBOX \
				--transcript "$tr" "localhost:$IMAP_PORT"
		fi
		assert_rc 0 null
		assert_transcript_form "$mode" "$tr"
		assert_match "$mode: AUTHENTICATE PLAIN with the data redacted" \
			' C: [^ ]+ AUTHENTICATE PLAIN <sasl>$' \
			"$(redacted_line "$tr" AUTHENTICATE)"
		assert_match "$mode: the server's answers are there" \
			' S: [^ ]+ OK .*Logged in' "$(cat "$tr")"
		assert_match "$mode: ID NIL went out" ' C: [^ ]+ ID NIL$' \
			"$(cat "$tr")"
		assert_match "$mode: the server's answer to ID" \
			' S: \* ID \("name" "Dovecot"' "$(cat "$tr")"
		assert_match "$mode: the greeting is there" \
			' S: \* OK .*Dovecot \(Debian\) ready\.' "$(head -n 1 "$tr")"
		assert_no_secret "$mode: no password anywhere" "$TEST_USER" \
			"$TEST_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"
		assert_eq "$mode: the transcript is private (mode 600)" 600 \
			"$(stat -c %a "$tr")"
	done

	say "the text timeline (no --json) shows no password"
	text=$WORK/text.out
	IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" --check \
		--ssl --ca-file "$CA_FILE" -u "$TEST_USER" --select INBOX \
		"localhost:$IMAPS_PORT" >"$text" 2>&1 </dev/null || true
	assert_match "the text run succeeded" '^result: ok' "$(tail -n 1 "$text")"
	assert_no_secret "no password in the text output" "$TEST_USER" \
		"$TEST_PASSWORD" "$text"
}

readonly S_PASSWORD='Transcript.Secret-55'

# The password goes as LOGIN when the server offers no AUTH=PLAIN.
check_login_redacted() {
	local tr=$WORK/login.transcript
	say "LOGIN (no AUTH=PLAIN) over a plain connection, allowed by name"
	scripted_start "sendln * OK [CAPABILITY IMAP4rev1] ready
$LOGIN_LIST_LOGOUT"
	IMAPCONN_PASSWORD=$S_PASSWORD run_check --starttls=off --allow-plaintext-auth \
		--timeout 5 -u alice --transcript "$tr" \
		"127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 "$SCRIPTED_STATUS"
	assert_match "the password really went out as LOGIN" \
		"^plain: [^ ]+ LOGIN .*${S_PASSWORD//./\\.}" "$(client_lines)"
	assert_transcript_form "LOGIN" "$tr"
	assert_match "the transcript shows LOGIN alice <password>" \
		' C: [^ ]+ LOGIN "?alice"? <password>$' \
		"$(redacted_line "$tr" LOGIN)"
	assert_no_secret "LOGIN: no password in transcript or outputs" alice \
		"$S_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"
}

# AUTHENTICATE PLAIN without SASL-IR: the data goes on its own line.
check_sasl_line_redacted() {
	local tr=$WORK/sasl.transcript
	say "AUTHENTICATE PLAIN without SASL-IR: the continuation is redacted"
	scripted_start 'sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
expect-tag AUTHENTICATE PLAIN
sendln + go ahead
readline
sendln $TAG OK authenticated
'"$LIST_LOGOUT"
	IMAPCONN_PASSWORD=$S_PASSWORD run_check --starttls=off --allow-plaintext-auth \
		--auth plain --timeout 5 -u alice --transcript "$tr" \
		"127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 0 null
	assert_eq "the scripted server played its script" 0 "$SCRIPTED_STATUS"
	assert_transcript_form "SASL" "$tr"
	assert_match "the command line is there" \
		' C: [^ ]+ AUTHENTICATE PLAIN$' \
		"$(redacted_line "$tr" AUTHENTICATE)"
	assert_match "the data line is shown as <sasl>" ' C: <sasl>$' \
		"$(grep ' C: ' "$tr")"
	assert_match "the SASL data really went out, as base64" \
		"^plain: $(secret_forms alice "$S_PASSWORD" | sed -n 2p)" \
		"$(client_lines)"
	assert_no_secret "SASL: no password in transcript or outputs" alice \
		"$S_PASSWORD" "$tr" "$RUN_OUT" "$RUN_ERR"
}

main() {
	need_servers
	run_checks check_dovecot check_login_redacted \
		check_sasl_line_redacted
}

main "$@"
