#!/usr/bin/env bash
# report.sh - --report after real runs against the test Dovecot (success
# over implicit TLS and STARTTLS, wrong password) and a scripted server
# (LOGIN without SASL): the sections are there, the file is private
# (mode 600), and no form of the password is in it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

readonly WRONG='Wrong.Pass-77'

assert_common() {
	local what=$1 r=$2
	assert_eq "$what: the report is private (mode 600)" 600 \
		"$(stat -c %a "$r")"
	assert_match "$what: imapconn's version" \
		'^imapconn  [0-9]+\.[0-9]+\.[0-9]+$' "$(cat "$r")"
	assert_contains "$what: OpenSSL's version" \
		"OpenSSL   $(openssl version | cut -d' ' -f1-2)" "$(cat "$r")"
	assert_contains "$what: the kernel" \
		"system    $(uname -s) $(uname -r)" "$(cat "$r")"
	assert_contains "$what: the user" "user            $TEST_USER" \
		"$(cat "$r")"
	assert_contains "$what: says the password is not in it" \
		"password        never written to this report" "$(cat "$r")"
}

check_success() {
	local r=$WORK/ok.report out re
	say "success over implicit TLS"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		--auth plain -u "$TEST_USER" --report "$r" \
		"localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_common "implicit TLS" "$r"
	out=$(cat "$r")
	assert_contains "the result" "result    ok, " "$out"
	assert_match "the timeline: tls" \
		'^ +[0-9]+  tls +[0-9]+ ms  ok +TLSv1\.' "$out"
	assert_match "the timeline: authenticate" \
		'^ +[0-9]+  authenticate +[0-9]+ ms  ok +as alice' "$out"
	assert_match "the timeline: the mailbox count" \
		'^ +12 mailboxes listed$' "$out"
	assert_contains "the TLS chain: subject" \
		"subject   O=imapconn tests,CN=localhost" "$out"
	assert_contains "the TLS chain: issuer" \
		"issuer    O=imapconn tests,CN=imapconn test CA" "$out"
	re='^    valid     [0-9T:-]+Z \.\. [0-9T:-]+Z'
	assert_match "the TLS chain: validity" "$re \\([0-9]+ days left\\)\$" \
		"$out"
	assert_contains "the TLS chain: names" \
		"names     DNS:localhost, IP:127.0.0.1" "$out"
	assert_match "the TLS chain: fingerprint" \
		'^    SHA-256   ([0-9A-F]{2}:){31}[0-9A-F]{2}$' "$out"
	assert_contains "the chain as PEM" "-----BEGIN CERTIFICATE-----" "$out"
	assert_match "capabilities with TLS" '^with TLS +IMAP4rev1 ' "$out"
	assert_match "capabilities after login" '^after login +IMAP4rev1 ' \
		"$out"
	assert_contains "no failure" $'Failure\n-------\n(none)' "$out"
	assert_match "the transcript: the greeting" \
		' S: \* OK .*Dovecot \(Debian\) ready\.$' "$out"
	assert_match "the transcript: AUTHENTICATE redacted" \
		' C: [^ ]+ AUTHENTICATE PLAIN <sasl>$' "$out"
	assert_no_secret "implicit TLS: no password in the report or output" \
		"$TEST_USER" "$TEST_PASSWORD" "$r" "$RUN_OUT" "$RUN_ERR"
}

check_starttls() {
	local r=$WORK/starttls.report out
	say "success over STARTTLS, text output"
	out=$WORK/starttls.out
	IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" --check \
		--starttls --ca-file "$CA_FILE" -u "$TEST_USER" --report "$r" \
		"localhost:$IMAP_PORT" >"$out" 2>&1 </dev/null ||
		fail "the STARTTLS run succeeded" "exit 0" "exit $?"
	assert_common "STARTTLS" "$r"
	assert_contains "the output names the report" "report written to $r" \
		"$(cat "$out")"
	assert_match "capabilities before TLS" \
		'^before TLS +IMAP4rev1 .*STARTTLS' "$(cat "$r")"
	assert_contains "the handshake's phase" \
		"handshake in the starttls phase" "$(cat "$r")"
	assert_no_secret "STARTTLS: no password in the report or output" \
		"$TEST_USER" "$TEST_PASSWORD" "$r" "$out"
}

check_wrong_password() {
	local r=$WORK/wrong.report out
	say "wrong password"
	IMAPCONN_PASSWORD=$WRONG run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --report "$r" "localhost:$IMAPS_PORT"
	assert_rc 77 auth authenticate
	assert_common "wrong password" "$r"
	out=$(cat "$r")
	assert_match "the result names the failure" \
		'^result    FAILED in authenticate \(auth\): ' "$out"
	assert_match "the hint" '^hint      .+' "$out"
	assert_match "the failure section" \
		'^class     auth \(exit status 77\)$' "$out"
	assert_match "the server's refusal is in the transcript" \
		' S: [^ ]+ NO .*' "$out"
	assert_no_secret "wrong password: not in the report or output" \
		"$TEST_USER" "$WRONG" "$r" "$RUN_OUT" "$RUN_ERR"
	assert_no_secret "wrong password: the real one neither" \
		"$TEST_USER" "$TEST_PASSWORD" "$r"
}

# LOGIN sends the password as an IMAP string: the report shows the
# transcript's <password>.
check_login() {
	local r=$WORK/login.report pw='Report.Secret-55'
	say "LOGIN without SASL (scripted server)"
	# shellcheck disable=SC2016
	scripted_start "sendln * OK [CAPABILITY IMAP4rev1] ready
$LOGIN_LIST_LOGOUT"
	IMAPCONN_PASSWORD=$pw run_check --starttls=off --allow-plaintext-auth \
		--timeout 5 -u alice --report "$r" "127.0.0.1:$SCRIPTED_PORT"
	scripted_wait 5
	assert_rc 0 null
	assert_match "the password really went out" \
		"^plain: [^ ]+ LOGIN .*${pw//./\\.}" "$(client_lines)"
	assert_match "the report shows LOGIN alice <password>" \
		' C: [^ ]+ LOGIN "?alice"? <password>$' "$(cat "$r")"
	assert_contains "plain text is said" "no TLS (plain text)" \
		"$(cat "$r")"
	assert_no_secret "LOGIN: no password in the report" alice "$pw" "$r" \
		"$RUN_OUT" "$RUN_ERR"
}

check_files() {
	local r=$WORK/existing.report rc=0
	say "an existing file becomes private; a bad path stops the run"
	printf 'old\n' >"$r"
	chmod 644 "$r"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --report "$r" "localhost:$IMAPS_PORT"
	assert_rc 0 null
	assert_eq "mode 600 now" 600 "$(stat -c %a "$r")"
	assert_not_contains "the old text is gone" $'\nold\n' "$(cat "$r")"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check --ssl --ca-file "$CA_FILE" \
		-u "$TEST_USER" --report "$WORK/no/such/dir/r" \
		"localhost:$IMAPS_PORT"
	assert_rc 66 input
	assert_json "no phase ran" '.phases | length' 0
	check_file_refusals
	"$IMAPCONN" --report "$r" localhost >/dev/null 2>&1 || rc=$?
	assert_eq "--report without --check: usage error" 64 "$rc"
}

# --report and --transcript name files by one rule: no symbolic link
# followed (the target is left as it was), and a reason that names the
# option and what to fix, not a phase.
check_file_refusals() {
	local target=$WORK/target link=$WORK/link opt out rc want
	for opt in --report --transcript; do
		say "$opt: a symbolic link is refused"
		printf 'keep me\n' >"$target"
		chmod 644 "$target"
		ln -sf "$target" "$link"
		out=$WORK/link.out
		rc=0
		timeout -k 5 60 "$IMAPCONN" --check "$opt" "$link" \
			"127.0.0.1:1" >"$out" 2>&1 </dev/null || rc=$?
		assert_eq "$opt symlink: exit status 66" 66 "$rc"
		assert_eq "$opt symlink: the target is untouched" "keep me" \
			"$(cat "$target")"
		assert_eq "$opt symlink: the target keeps its mode" 644 \
			"$(stat -c %a "$target")"
		want="FAILED before connecting (input): $opt $link: $link"
		assert_contains "$opt symlink: says so" \
			"$want is a symbolic link, not followed" "$(cat "$out")"
		rc=0
		timeout -k 5 60 "$IMAPCONN" --check "$opt" \
			"$WORK/nonexistent/dir/f.txt" "127.0.0.1:1" >"$out" \
			2>&1 </dev/null || rc=$?
		assert_eq "$opt missing directory: exit status 66" 66 "$rc"
		want="FAILED before connecting (input): $opt"
		want+=" $WORK/nonexistent/dir/f.txt: the directory"
		assert_contains "$opt missing directory: says which" \
			"$want $WORK/nonexistent/dir does not exist" \
			"$(cat "$out")"
		assert_not_contains "$opt missing directory: no phase none" \
			"in none" "$(cat "$out")"
	done
}

main() {
	need_servers
	run_checks check_success check_starttls check_wrong_password \
		check_login check_files
}

main "$@"
