#!/usr/bin/env bash
# export.sh - --export after a real --check against the test Dovecot: the
# curl and openssl commands connect (curl lists INBOX, s_client verifies),
# the neomutt and mbsync configurations parse and mbsync lists the
# folders, the Lisp form reads back, values that need quoting survive,
# and no password appears anywhere.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

# A copy of the CA under a name that needs every kind of quoting.
odd_ca() {
	ODD_DIR="$WORK/it's a \$HOME \`dir\`"
	mkdir -p "$ODD_DIR"
	ODD_CA="$ODD_DIR/ca \"file\" \\ x.pem"
	cp "$CA_FILE" "$ODD_CA"
}

# export_run FORMAT MODE: imapconn --check --export FORMAT as alice over
# MODE (implicit or starttls), with the odd CA file.  Sets EXPORT_OUT
# (standard output: the export alone), EXPORT (its text) and EXPORT_RC;
# the timeline is on standard error.
export_run() {
	local fmt=$1 mode=$2 first
	local -a args
	if [ "$mode" = implicit ]; then
		args=(--ssl "localhost:$IMAPS_PORT")
	else
		args=(--starttls "localhost:$IMAP_PORT")
	fi
	EXPORT_OUT=$WORK/export-$fmt-$mode.out
	EXPORT_RC=0
	IMAPCONN_PASSWORD=$TEST_PASSWORD timeout -k 5 60 "$IMAPCONN" \
		--check --ca-file "$ODD_CA" -u "$TEST_USER" --export "$fmt" \
		"${args[@]}" >"$EXPORT_OUT" 2>"$EXPORT_OUT.err" </dev/null ||
		EXPORT_RC=$?
	first='^(#|;;) .*\(imapconn --export '"$fmt"'\)$'
	EXPORT=$(cat "$EXPORT_OUT")
	assert_eq "$fmt over $mode: the check succeeded" 0 "$EXPORT_RC"
	assert_match "$fmt over $mode: the export starts standard output" \
		"$first" "$(head -n 1 "$EXPORT_OUT")"
	assert_not_contains "$fmt over $mode: no timeline on standard output" \
		"result: ok" "$EXPORT"
	assert_contains "$fmt over $mode: the timeline on standard error" \
		"result: ok" "$(cat "$EXPORT_OUT.err")"
	assert_no_secret "$fmt over $mode: no password" "$TEST_USER" \
		"$TEST_PASSWORD" "$EXPORT_OUT" "$EXPORT_OUT.err"
}

check_curl() {
	local mode cmd out rc url
	for mode in implicit starttls; do
		say "curl over $mode"
		export_run curl "$mode"
		cmd=$(grep '^curl ' <<<"$EXPORT" || true)
		if [ "$mode" = starttls ]; then
			url="'imap://localhost:$IMAP_PORT/'"
			assert_match "STARTTLS: curl --ssl-reqd, imap://" \
				"^curl --ssl-reqd .* $url\$" "$cmd"
		else
			url="'imaps://localhost:$IMAPS_PORT/'"
			assert_match "implicit TLS: imaps://" \
				"^curl --cacert .* $url\$" "$cmd"
		fi
		assert_contains "the user, quoted" "-u '$TEST_USER'" "$cmd"
		# The last -u wins: the test adds the password.
		cmd+=" -u '$TEST_USER:$TEST_PASSWORD'"
		rc=0
		out=$(timeout -k 5 30 bash -c "$cmd" 2>"$WORK/curl.err" \
			</dev/null) || rc=$?
		assert_eq "curl over $mode: exit status 0" 0 "$rc"
		assert_match "curl over $mode lists INBOX" \
			'^\* LIST \(.*\) "/" "?INBOX"?'$'\r''?$' "$out"
	done
}

check_openssl() {
	local mode cmd out rc want
	for mode in implicit starttls; do
		say "openssl s_client over $mode"
		export_run openssl "$mode"
		cmd=$(grep '^openssl s_client ' <<<"$EXPORT" || true)
		assert_contains "checks the name" \
			"-verify_hostname 'localhost'" "$cmd"
		assert_contains "stops on a verification error" \
			"-verify_return_error" "$cmd"
		if [ "$mode" = starttls ]; then
			want="-connect 'localhost:$IMAP_PORT' -starttls imap"
			assert_contains "STARTTLS: -starttls imap" "$want" \
				"$cmd"
		fi
		rc=0
		out=$(timeout -k 5 30 bash -c "$cmd" 2>&1 </dev/null) || rc=$?
		assert_eq "s_client over $mode: exit status 0" 0 "$rc"
		assert_match "s_client over $mode: verified" \
			'Verify return code: 0 \(ok\)' "$out"
	done
}

check_neomutt() {
	local mode out rc expect_ca url starttls
	if ! command -v neomutt >/dev/null 2>&1; then
		skip_check "neomutt configuration" "neomutt is not installed"
		return 0
	fi
	for mode in implicit starttls; do
		say "neomutt over $mode"
		export_run neomutt "$mode"
		printf '%s\n' "$EXPORT" >"$WORK/neomuttrc"
		rc=0
		mkdir -p "$WORK/home"
		# (with HOME above the CA file, neomutt shows it as ~/...)
		out=$(HOME=$WORK/home TERM=dumb timeout -k 5 30 neomutt -n \
			-F "$WORK/neomuttrc" -Q folder -Q certificate_file \
			-Q ssl_force_tls -Q ssl_starttls \
			2>"$WORK/neomutt.err" </dev/null) || rc=$?
		assert_eq "neomutt reads it (exit 0)" 0 "$rc"
		assert_eq "neomutt says nothing on stderr" "" \
			"$(cat "$WORK/neomutt.err")"
		if [ "$mode" = implicit ]; then
			url="imaps://$TEST_USER@localhost:$IMAPS_PORT/"
			starttls=no
		else
			url="imap://$TEST_USER@localhost:$IMAP_PORT/"
			starttls=yes
		fi
		assert_contains "folder" "set folder = \"$url\"" "$out"
		assert_contains "STARTTLS $starttls" \
			"set ssl_starttls = $starttls" "$out"
		assert_contains "TLS forced" "set ssl_force_tls = yes" "$out"
		# neomutt -Q shows " and \ escaped
		expect_ca=${ODD_CA//\\/\\\\}
		expect_ca=${expect_ca//\"/\\\"}
		assert_contains "the CA file, as written" \
			"set certificate_file = \"$expect_ca\"" "$out"
	done
}

check_mbsync() {
	local mode out rc mail line
	if ! command -v mbsync >/dev/null 2>&1; then
		skip_check "mbsync configuration" "isync is not installed"
		return 0
	fi
	for mode in implicit starttls; do
		say "mbsync over $mode"
		export_run mbsync "$mode"
		mkdir -p "$WORK/mail-$mode" "$WORK/home"
		mail=$WORK/mail-$mode
		# The placeholder PassCmd becomes one that prints the password.
		while IFS= read -r line; do
			case $line in
			'PassCmd '*)
				printf 'PassCmd "echo %s"\n' \
					"'$TEST_PASSWORD'" ;;
			*) printf '%s\n' "$line" ;;
			esac
		done <<<"$EXPORT" >"$WORK/mbsyncrc"
		{
			printf '\nMaildirStore local\nPath %s/\n' "$mail"
			printf 'Inbox %s/INBOX\n' "$mail"
			printf '\nChannel test\nFar :localhost-remote:\n'
			printf 'Near :local:\nPatterns *\n'
		} >>"$WORK/mbsyncrc"
		rc=0
		out=$(HOME=$WORK/home timeout -k 5 60 mbsync \
			-c "$WORK/mbsyncrc" -l test 2>"$WORK/mbsync.err" \
			</dev/null) || rc=$?
		assert_eq "mbsync over $mode: exit status 0" 0 "$rc"
		[ "$rc" -eq 0 ] || sed 's/^/  | /' "$WORK/mbsync.err"
		assert_match "mbsync over $mode lists INBOX" '^INBOX$' "$out"
		assert_match "mbsync over $mode lists Projects/2026/Q4" \
			'^Projects/2026/Q4$' "$out"
	done
}

check_lisp() {
	local form
	say "lisp: the host form reads back"
	export_run lisp starttls
	form=$(grep '^(make-imap-connection ' <<<"$EXPORT" || true)
	assert_contains "the user" ":user \"$TEST_USER\")" "$form"
	form=${form#"(make-imap-connection '"}
	form=${form%" :user \"$TEST_USER\")"}
	RUN_OUT=$WORK/lisp-dry.json
	"$IMAPCONN" --dry-run --json "$form" >"$RUN_OUT" 2>&1 || true
	assert_jsons \
		"host" .endpoint.host localhost \
		"port" .endpoint.port "$IMAP_PORT" \
		"STARTTLS required" .endpoint.starttls required \
		"no implicit TLS" .endpoint.implicit_tls false \
		"the odd CA file" .endpoint.tls.ca_file "$ODD_CA"
}

check_refusals() {
	local out rc
	say "no export after a failure; openssl needs TLS"
	out=$WORK/failed.out
	rc=0
	IMAPCONN_PASSWORD=Not.The-Password timeout -k 5 60 "$IMAPCONN" \
		--check --ssl --ca-file "$CA_FILE" -u "$TEST_USER" \
		--export curl "localhost:$IMAPS_PORT" >"$out" 2>&1 \
		</dev/null || rc=$?
	assert_eq "wrong password: exit status 77" 77 "$rc"
	assert_contains "says why there is no export" \
		"no export: the connection did not succeed" "$(cat "$out")"
	assert_not_contains "and writes none" "curl " "$(cat "$out")"

	rc=0
	timeout -k 5 60 "$IMAPCONN" --check --starttls=off --export openssl \
		"localhost:$IMAP_PORT" >"$out" 2>"$out.err" </dev/null || rc=$?
	assert_eq "openssl without TLS: exit status 64" 64 "$rc"
	assert_contains "openssl without TLS: the reason" \
		"the connection used no TLS" "$(cat "$out.err")"

	say "STARTTLS if offered, and offered: exported as required"
	rc=0
	timeout -k 5 60 "$IMAPCONN" --check --starttls=opportunistic \
		--ca-file "$CA_FILE" --export curl "localhost:$IMAP_PORT" \
		>"$out" 2>&1 </dev/null || rc=$?
	assert_eq "exit status 0" 0 "$rc"
	assert_match "curl --ssl-reqd" "^curl --ssl-reqd " "$(cat "$out")"

	rc=0
	"$IMAPCONN" --check --json --export curl localhost >/dev/null 2>&1 ||
		rc=$?
	assert_eq "--export with --json: usage error" 64 "$rc"
}

# file_run PASSWORD FILE [ARG...]: --check --export neomutt:FILE over
# implicit TLS as alice; output and errors in $FILE_OUT, status in
# FILE_RC.
file_run() {
	local pw=$1 file=$2
	shift 2
	FILE_OUT=$WORK/file.out
	FILE_RC=0
	IMAPCONN_PASSWORD=$pw timeout -k 5 60 "$IMAPCONN" --check "$@" \
		--ca-file "$CA_FILE" -u "$TEST_USER" --export "neomutt:$file" \
		--ssl "localhost:$IMAPS_PORT" >"$FILE_OUT" 2>"$FILE_OUT.err" \
		</dev/null || FILE_RC=$?
}

# exists PATH: "yes" or "no".
exists() {
	if [ -e "$1" ] || [ -L "$1" ]; then echo yes; else echo no; fi
}

# --export FORMAT:FILE: the export in a new file of its own (mode 600),
# the timeline where it was; an existing file or a symbolic link is
# refused before connecting, and a failed run leaves no file.
check_file() {
	local file=$WORK/export.neomuttrc
	say "--export neomutt:FILE"
	file_run "$TEST_PASSWORD" "$file"
	assert_eq "FILE: exit status 0" 0 "$FILE_RC"
	assert_match "FILE: the export is in it" \
		'^# .*\(imapconn --export neomutt\)$' "$(head -n 1 "$file")"
	assert_contains "FILE: only the export" "set folder" "$(cat "$file")"
	assert_not_contains "FILE: no timeline in it" "result: ok" \
		"$(cat "$file")"
	assert_eq "FILE: mode 600" 600 "$(stat -c %a "$file")"
	assert_contains "FILE: the timeline names it" \
		"export written to $file" "$(cat "$FILE_OUT")"

	say "--export neomutt:FILE refuses an existing file"
	printf 'mine\n' >"$file"
	file_run "$TEST_PASSWORD" "$file"
	assert_eq "existing FILE: exit status 66" 66 "$FILE_RC"
	assert_contains "existing FILE: says so" "--export $file: $file" \
		"$(cat "$FILE_OUT")"
	assert_contains "existing FILE: says what to do" \
		"exists: remove it or name another file" "$(cat "$FILE_OUT")"
	assert_eq "existing FILE: left alone" mine "$(cat "$file")"

	say "--export neomutt:FILE refuses a symbolic link"
	rm -f "$file"
	ln -s "$WORK/link-target" "$file"
	file_run "$TEST_PASSWORD" "$file"
	assert_eq "symbolic link: exit status 66" 66 "$FILE_RC"
	assert_contains "symbolic link: says so" "is a symbolic link" \
		"$(cat "$FILE_OUT")"
	assert_eq "symbolic link: its target not created" no \
		"$(exists "$WORK/link-target")"
	rm -f "$file"

	say "--export neomutt:FILE after a failed login, with --json"
	file_run Not.The-Password "$file" --json
	assert_eq "failed login: exit status 77" 77 "$FILE_RC"
	assert_eq "failed login: JSON on standard output" auth \
		"$(jq -r .failure.class "$FILE_OUT" 2>/dev/null)"
	assert_eq "failed login: no file left" no "$(exists "$file")"
}

main() {
	need_jq
	need_imapconn
	need_dovecot
	command -v curl >/dev/null 2>&1 || skip_all "curl is not installed"
	dovecot_start
	odd_ca
	check_curl
	check_openssl
	check_neomutt
	check_mbsync
	check_lisp
	check_refusals
	check_file
	finish
}

main "$@"
