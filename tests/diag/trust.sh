#!/usr/bin/env bash
# trust.sh - trust decided after the handshake: --pin with the right key
# connects and with a wrong one stops (exit 80, both keys shown, the
# handshake stopped, nothing sent); a certificate accepted in known_certs connects and its last-seen
# date moves; a changed one stops with the warning and the --forget that
# accepts the new one; bad lines of the file are named and skipped;
# --known-certs lists and --forget removes.  A private XDG_DATA_HOME.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

TLS_SCRIPT='tls
sendln * OK [CAPABILITY IMAP4rev1] ready
read-all 1000'

export XDG_DATA_HOME=$WORK/data
KNOWN=$XDG_DATA_HOME/imapconn/known_certs

self_server() {
	scripted_start "$TLS_SCRIPT" --cert "$CERTS/$1.pem" \
		--key "$CERTS/$1.key"
}

make_certs() {
	make_cert self - -1 30 leaf 'DNS:localhost,IP:127.0.0.1'
	make_cert other - -1 30 leaf 'DNS:localhost,IP:127.0.0.1'
	SELF_PIN=$(spki_pin "$CERTS/self.pem")
	OTHER_PIN=$(spki_pin "$CERTS/other.pem")
}

# nothing_sent: the last scripted server got no line after the handshake.
nothing_sent() {
	scripted_wait 5
	assert_eq "nothing sent after the handshake" "" "$(client_lines)"
}

check_pin() {
	say "--pin with the server's key: trusted"
	self_server self
	run_check --ssl --timeout 5 --pin "$OTHER_PIN;$SELF_PIN" \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 0 null
	assert_json "the pin decided" '.tls[0].trusted_by' pin
	assert_contains "the verification failure is a note" \
		"self-signed certificate" "$(jf '.notes | join(" ")')"

	say "--pin with another key: stopped, both keys shown"
	self_server self
	run_check --ssl --timeout 5 --pin "$OTHER_PIN" \
		"127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_reason cert-pin-mismatch
	assert_contains "expected key shown" "expected $OTHER_PIN" "$RUN_DETAIL"
	assert_contains "actual key shown" "got $SELF_PIN" "$RUN_DETAIL"
	nothing_sent
	assert_contains "the handshake stopped at the certificate" \
		"event: tls-failed" "$(cat "$SCRIPTED_LOG")"

	say "--pin that is not a pin: a usage error"
	local rc=0 err
	err=$("$IMAPCONN" --check --ssl --pin sha256//short 127.0.0.1:1 \
		2>&1 >/dev/null) || rc=$?
	assert_eq "exit 64" 64 "$rc"
	assert_contains "the pin is named" "--pin: pin 'sha256//short'" "$err"

	say ":pin in the host form"
	self_server self
	run_check --timeout 5 "(\"127.0.0.1\" :port $SCRIPTED_PORT :ssl t \
:pin \"$SELF_PIN\")"
	assert_rc 0 null
	assert_json "the pin decided" '.tls[0].trusted_by' pin
}

check_self_signed_hint() {
	say "self-signed, nothing accepted: the hint gives the pin"
	rm -f "$KNOWN"
	self_server self
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 80 tls-verify tls
	assert_hint tls-verify tls "--pin $SELF_PIN" \
		'accept it in the interface'
}

check_known() {
	local today
	today=$(date -u +%Y-%m-%d)
	say "a certificate accepted for good: trusted, last seen today"
	self_server self
	mkdir -p "${KNOWN%/*}"
	printf '%s\n' 'not an entry' \
		"127.0.0.1:$SCRIPTED_PORT $SELF_PIN 2026-01-02 2026-01-03" \
		>"$KNOWN"
	run_check --ssl --timeout 5 "127.0.0.1:$SCRIPTED_PORT"
	assert_rc 0 null
	assert_json "known_certs decided" '.tls[0].trusted_by' known-certs
	assert_contains "the bad line is named" "$KNOWN:1:" \
		"$(jf '.notes | join(" ")')"
	assert_contains "last seen today, first seen kept" \
		"127.0.0.1:$SCRIPTED_PORT $SELF_PIN 2026-01-02 $today" \
		"$(cat "$KNOWN")"
	assert_contains "the bad line is kept" "not an entry" "$(cat "$KNOWN")"
	assert_eq "mode 600" 600 "$(stat -c %a "$KNOWN")"

	say "--known-certs lists it"
	assert_contains "listed" "127.0.0.1:$SCRIPTED_PORT $SELF_PIN" \
		"$("$IMAPCONN" --known-certs 2>/dev/null)"
}

check_changed() {
	local port
	say "the certificate changed: stopped, old and new keys, --forget"
	self_server other
	port=$SCRIPTED_PORT
	printf '%s\n' "127.0.0.1:$port $SELF_PIN 2026-01-02 2026-01-03" \
		>"$KNOWN"
	run_check --ssl --timeout 5 "127.0.0.1:$port"
	assert_rc 80 tls-verify tls
	assert_reason cert-changed
	assert_contains "the warning" "HAS CHANGED" "$RUN_DETAIL"
	assert_contains "the old key and its dates" \
		"$SELF_PIN (first seen 2026-01-02, last seen 2026-01-03)" \
		"$RUN_DETAIL"
	assert_contains "the new key" "now shows $OTHER_PIN" "$RUN_DETAIL"
	assert_hint tls-verify tls "imapconn --forget 127.0.0.1:$port"
	nothing_sent
	assert_contains "the handshake stopped at the certificate" \
		"event: tls-failed" "$(cat "$SCRIPTED_LOG")"

	say "--forget removes it"
	assert_contains "forgotten" "forgot 1 certificate" \
		"$("$IMAPCONN" --forget "127.0.0.1:$port")"
	assert_not_contains "gone from the file" "127.0.0.1:$port" \
		"$(cat "$KNOWN")"
	assert_eq "forgetting it again finds nothing" 1 \
		"$("$IMAPCONN" --forget "127.0.0.1:$port" >/dev/null; echo $?)"
}

check_dovecot() {
	say "the test Dovecot without its CA, its key pinned: logged in"
	dovecot_start
	run_check --ssl --timeout 5 "localhost:$IMAPS_PORT"
	assert_rc 80 tls-verify tls
	local pin
	pin=sha256//$(jf '.tls[0].chain[0].spki_sha256')
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --timeout 10 \
		--pin "$pin" -u "$TEST_USER" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_json "the pin decided" '.tls[0].trusted_by' pin
	check "listed" [ "$(jf '.mailboxes | length')" -gt 0 ]
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	need_openssl
	need_dovecot
	make_certs
	check_pin
	check_self_signed_hint
	check_known
	check_changed
	check_dovecot
	finish
}

main "$@"
