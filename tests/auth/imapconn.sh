#!/usr/bin/env bash
# imapconn.sh - imapconn --check logs in with each SASL mechanism against
# the test Dovecot started with --auth all and a private KDC, in implicit
# TLS and after STARTTLS: SCRAM-SHA-256 by default with a password,
# SCRAM-SHA-1 and PLAIN when --auth names them, a wrong password refused
# (exit 77); OAUTHBEARER and XOAUTH2 with a token from
# IMAPCONN_OAUTH_TOKEN and from --oauth-token-command, an expired token
# refused (exit 77) and found in no output, transcript or report;
# EXTERNAL with alice's client certificate; GSSAPI with alice's tickets,
# and without tickets refused (exit 77).  A login counts when imapconn
# lists alice's mailboxes, its timeline names the mechanism and
# Dovecot logs alice's login with it.
# Exit 0 pass, 1 fail, 77 skip (not root, or a tool missing).
set -uo pipefail

TEST_NAME='auth-imapconn'
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

# logins_since MARK MECH: alice's logins with MECH in Dovecot's log
# after line MARK.
logins_since() {
	dovecot_log_since "$1" |
		grep -c "Login: user=<$TEST_USER>, method=$2, " || true
}

# run_logged MODE ARG...: imapconn --check as alice over MODE (tls or
# starttls) with ARG..., a transcript (WORK/trN) and a report
# (WORK/reportN); RUN_MARK is where Dovecot's log stood before it.
run_logged() {
	tls_target "$1"
	shift
	RUN_MARK=$(dovecot_log_mark)
	run_check -u "$TEST_USER" --transcript "$WORK/tr$((RUN_COUNT + 1))" \
		--report "$WORK/report$((RUN_COUNT + 1))" "$@" "${TARGET[@]}"
}

# login_ok WHAT MECH MODE ARG...: imapconn (with the caller's
# environment) logs in over MODE with MECH: exit 0, the timeline's
# authenticate phase names MECH, the mailboxes are alice's, and Dovecot
# logged alice's login with MECH.
login_ok() {
	local what=$1 mech=$2
	shift 2
	run_logged "$@"
	assert_eq "$what: exit 0" 0 "$RUN_RC"
	assert_jsons "$what: the login used $mech" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $TEST_USER, AUTHENTICATE $mech" \
		"$what: alice's mailboxes listed" \
		'[.mailboxes[].name] | sort | join("|")' "$(alice_folders)"
	assert_eq "$what: Dovecot logged alice's $mech login" 1 \
		"$(logins_since "$RUN_MARK" "$mech")"
}

# login_refused WHAT MODE ARG...: imapconn fails with exit 77 in the
# authenticate phase, and Dovecot logged no login.
login_refused() {
	local what=$1
	shift
	run_logged "$@"
	assert_eq "$what: exit 77" 77 "$RUN_RC"
	assert_eq "$what: failed in the authenticate phase" authenticate \
		"$RUN_PHASE"
	assert_eq "$what: Dovecot logged no login" 0 \
		"$(dovecot_log_since "$RUN_MARK" | grep -c 'Login: user=' ||
			true)"
}

# no_token_in WHAT TOKEN: the token, or its signature alone, is in
# neither the last run's output, stderr, transcript nor report.
no_token_in() {
	local what=$1 token=$2 file found=''
	for file in "$RUN_OUT" "$RUN_ERR" "$WORK/tr$RUN_COUNT" \
		"$WORK/report$RUN_COUNT"; do
		[ -e "$file" ] || continue
		if grep -qaF -e "$token" -e "${token##*.}" "$file"; then
			found="$found $file"
		fi
	done
	if [ -n "$found" ]; then
		fail "$what" "no token anywhere" "in$found"
	else
		pass "$what"
	fi
	check "$what: the transcript was written" test -s "$WORK/tr$RUN_COUNT"
	check "$what: the report was written" test -s "$WORK/report$RUN_COUNT"
}

start_servers() {
	need_jq
	need_imapconn
	need_dovecot
	need_kdc
	kdc_start
	dovecot_start --auth all --kdc "$KDC_DIR_T"
	export KRB5_CONFIG KRB5CCNAME
}

check_passwords() {
	local mode
	for mode in tls starttls; do
		IMAPCONN_PASSWORD=$TEST_PASSWORD login_ok \
			"$mode: a password logs in" SCRAM-SHA-256 "$mode"
		assert_no_secret "$mode: no password in any output" \
			"$TEST_USER" "$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR" \
			"$WORK/tr$RUN_COUNT"
		IMAPCONN_PASSWORD=$TEST_PASSWORD login_ok \
			"$mode: --auth scram-sha-1" SCRAM-SHA-1 "$mode" \
			--auth scram-sha-1
		IMAPCONN_PASSWORD=$TEST_PASSWORD login_ok \
			"$mode: --auth plain" PLAIN "$mode" --auth plain
		IMAPCONN_PASSWORD=Wrong.1 login_refused \
			"$mode: a wrong password" "$mode"
	done
}

check_oauth() {
	local mode mech token expired
	token=$(cat "$OAUTH_TOKEN_FILE")
	expired=$(cat "$OAUTH_EXPIRED_TOKEN_FILE")
	for mode in tls starttls; do
		for mech in OAUTHBEARER XOAUTH2; do
			IMAPCONN_OAUTH_TOKEN=$token login_ok \
				"$mode: $mech, IMAPCONN_OAUTH_TOKEN" "$mech" \
				"$mode" --auth "${mech,,}"
			no_token_in "$mode: $mech: no token in any output" \
				"$token"
			login_ok "$mode: $mech, --oauth-token-command" "$mech" \
				"$mode" --auth "${mech,,}" \
				--oauth-token-command "cat '$OAUTH_TOKEN_FILE'"
			IMAPCONN_OAUTH_TOKEN=$expired login_refused \
				"$mode: $mech, an expired token" "$mode" \
				--auth "${mech,,}"
			no_token_in "$mode: $mech, an expired token: hidden" \
				"$expired"
			login_refused \
				"$mode: $mech, an expired token from a command" \
				"$mode" --auth "${mech,,}" \
				--oauth-token-command \
				"cat '$OAUTH_EXPIRED_TOKEN_FILE'"
			no_token_in \
				"$mode: $mech, a command's expired token: hidden" \
				"$expired"
		done
	done
	# Without --auth, a token picks OAUTHBEARER.
	IMAPCONN_OAUTH_TOKEN=$token login_ok "a token alone" OAUTHBEARER tls
}

check_external() {
	local mode
	for mode in tls starttls; do
		login_ok "$mode: EXTERNAL with alice's certificate" EXTERNAL \
			"$mode" --auth external --cert "$CLIENT_CERT" \
			--key "$CLIENT_KEY"
	done
}

check_gssapi() {
	local mode
	for mode in tls starttls; do
		login_ok "$mode: GSSAPI with alice's tickets" GSSAPI "$mode" \
			--auth gssapi
		KRB5CCNAME=$KRB5_EMPTY_CCNAME login_refused \
			"$mode: GSSAPI without tickets" "$mode" --auth gssapi
	done
	# The ticket is for the name the server is known by (imap/localhost),
	# not for the address connected to.
	say "GSSAPI to 127.0.0.1 with --server-name localhost"
	RUN_MARK=$(dovecot_log_mark)
	run_check -u "$TEST_USER" --auth gssapi --ssl --ca-file "$CA_FILE" \
		--server-name localhost "127.0.0.1:$IMAPS_PORT"
	assert_eq "GSSAPI, --server-name: exit 0" 0 "$RUN_RC"
	assert_eq "GSSAPI, --server-name: Dovecot logged the login" 1 \
		"$(logins_since "$RUN_MARK" GSSAPI)"
}

start_servers
run_checks check_passwords check_oauth check_external check_gssapi
