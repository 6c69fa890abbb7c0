#!/usr/bin/env bash
# import_accounts.sh - --import against the test Dovecot: the fixtures of
# tests/import/fixtures (mbsync, mutt, neomutt, Thunderbird, aerc,
# offlineimap) in a HOME of their own, each listed with its settings;
# the good accounts connect, and each deliberately wrong setting is named
# with its file and line when the check fails.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

FIXTURES=$top_srcdir/tests/import/fixtures
H=

# fixture NAME DEST: the fixture NAME, its @VARIABLES@ filled, at DEST
# under the test's HOME.
fixture() {
	mkdir -p "$(dirname "$H/$2")"
	sed -e "s|@IMAP_PORT@|$IMAP_PORT|g; s|@IMAPS_PORT@|$IMAPS_PORT|g" \
		-e "s|@LD_PORT@|$LD_PORT|g; s|@CLOSED_PORT@|$CLOSED_PORT|g" \
		-e "s|@CA_FILE@|$CA_FILE|g" \
		-e "s|@WRONG_CA@|$WORK/wrong-ca.pem|g" \
		-e "s|@WORK@|$WORK|g; s|@PASSWORD@|$TEST_PASSWORD|g" \
		"$FIXTURES/$1" >"$H/$2"
}

make_home() {
	H=$WORK/home
	mkdir -p "$H"
	printf '%s\n' "$TEST_PASSWORD" >"$WORK/password"
	chmod 600 "$WORK/password"
	# A CA that signed nothing the server shows.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$WORK/wrong-ca.key" -out "$WORK/wrong-ca.pem" \
		-subj /CN=wrong-ca -days 2 >/dev/null 2>&1 ||
		hard_fail "openssl could not make a CA"
	fixture mbsyncrc .mbsyncrc
	fixture neomuttrc .config/neomutt/neomuttrc
	fixture muttrc .muttrc
	fixture prefs.js .thunderbird/abcd1234.default/prefs.js
	fixture accounts.conf .config/aerc/accounts.conf
	fixture offlineimaprc .offlineimaprc
	find "$H" -type f -exec sha256sum {} + | sort >"$WORK/before.sum"
}

# run_import ARG...: imapconn --import ARG... with HOME at the fixtures;
# RUN_RC, RUN_OUT, RUN_ERR.
run_import() {
	run_begin txt --import "$@"
	HOME=$H XDG_CONFIG_HOME='' timeout -k 5 60 "$IMAPCONN" --import \
		"$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null || RUN_RC=$?
	run_end
}

_dump_run() {
	[ "${RUN_DUMPED:-yes}" = no ] || return 0
	RUN_DUMPED=yes
	printf '  --- run %s: imapconn %s -> exit %s\n' "$RUN_COUNT" \
		"$RUN_ARGS" "$RUN_RC"
	head -n 40 "$RUN_OUT" "$RUN_ERR" | sed 's/^/  | /'
}

out() { cat "$RUN_OUT"; }

check_listing() {
	say "--import lists every IMAP account with its settings"
	run_import
	assert_eq "exit status 0" 0 "$RUN_RC"
	assert_eq "eleven accounts, none that is not IMAP" \
		"mbsync:good mbsync:plain mbsync:inline $(
		)neomutt:alice@127.0.0.2 mutt:alice@localhost $(
		)thunderbird:server1 thunderbird:server2 aerc:Good $(
		)aerc:Wrong offlineimap:GoodRemote offlineimap:WrongCA" \
		"$(sed -n 's/^[0-9]*\. \([^ ]*\) .*/\1/p' "$RUN_OUT" |
			paste -sd ' ')"
	assert_contains "mbsync: the command line" \
		"imapconn --port=$IMAPS_PORT --user=alice $(
		)--password-command='cat $WORK/password' --ssl $(
		)--ca-file=$CA_FILE --auth=PLAIN,LOGIN --no-pipelining $(
		)localhost" \
		"$(out)"
	assert_contains "mbsync: SSLType None is --starttls=off, its line" \
		"$H/.mbsyncrc:33: SSLType None -> --starttls" "$(out)"
	assert_contains "mbsync: an unknown key is named with its line" \
		"$H/.mbsyncrc:34: Timeout: not translated" "$(out)"
	assert_contains "neomutt: ssl_starttls=no is --starttls=off" \
		"imapconn --port=$LD_PORT --starttls=off --user=alice $(
		)--auth=plain,login --ca-file=$CA_FILE 127.0.0.2" \
		"$(out)"
	assert_contains "neomutt: source is said to be left unread" \
		"neomuttrc:11: source: the file it names is not read" "$(out)"
	assert_contains "mutt: imap_pass in backquotes is a command" \
		"$H/.muttrc:5: imap_pass=\`...\` -> --password-command" \
		"$(out)"
	assert_contains "thunderbird: socketType 2, authMethod 3" \
		"imapconn --port=$IMAP_PORT --starttls --user=alice $(
		)--auth=login,plain localhost" \
		"$(out)"
	assert_contains "aerc: the source URL" \
		"imapconn --ssl --port=$IMAPS_PORT --user=alice $(
		)--password-command='cat $WORK/password' localhost" \
		"$(out)"
	assert_contains "offlineimap: the repository" \
		"imapconn --port=$IMAPS_PORT --user=alice $(
		)--password-file=$WORK/password --ca-file=$CA_FILE --ssl $(
		)localhost" \
		"$(out)"
	assert_contains "a profile is shown" "     [GoodRemote]" "$(out)"
	assert_no_secret "no stored password in the listing" alice \
		"$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR"
	assert_no_secret "no neomutt password in the listing" alice \
		'Neo.Stored-7' "$RUN_OUT" "$RUN_ERR"
}

# check_good WHICH [OPTION...]: the account connects.
check_good() {
	local which=$1
	shift
	say "--import --check $which connects"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_import --check "$which" "$@"
	assert_eq "$which: exit status 0" 0 "$RUN_RC"
	assert_not_contains "$which: no cause named" 'likely cause' "$(out)"
	assert_no_secret "$which: no password printed" alice \
		"$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR"
}

# check_wrong WHICH STATUS CAUSE [OPTION...]: the account fails with
# STATUS and names CAUSE (file:line: words) first.
check_wrong() {
	local which=$1 status=$2 cause=$3
	shift 3
	say "--import --check $which names the wrong setting"
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_import --check "$which" "$@"
	assert_eq "$which: exit status $status" "$status" "$RUN_RC"
	assert_contains "$which: the cause, its file and line" \
		"likely cause: $cause" "$(out)"
	assert_no_secret "$which: no password printed" alice \
		"$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR"
}

check_accounts() {
	check_good mbsync:good
	check_good mutt:alice@localhost
	check_good thunderbird:server1 --ca-file "$CA_FILE"
	check_good aerc:Good --ca-file "$CA_FILE"
	check_good offlineimap:GoodRemote

	check_wrong mbsync:plain 77 "$H/.mbsyncrc:33: SSLType None"
	check_wrong neomutt:alice@127.0.0.2 77 \
		"$H/.config/neomutt/neomuttrc:8: ssl_starttls=no" \
		--use-stored-password
	check_wrong thunderbird:server2 81 \
		"$H/.thunderbird/abcd1234.default/prefs.js:19: socketType 3" \
		--ca-file "$CA_FILE"
	check_wrong aerc:Wrong 69 \
		"$H/.config/aerc/accounts.conf:11: the port in source" \
		--ca-file "$CA_FILE"
	check_wrong offlineimap:WrongCA 80 \
		"$H/.offlineimaprc:30: sslcacertfile = $(
		)$WORK/wrong-ca.pem"
}

check_stored_password() {
	say "a stored password is used only with --use-stored-password"
	run_import --check mbsync:inline
	assert_contains "without: said to be left unused, with its line" \
		"not using the password stored at $H/.mbsyncrc:40" \
		"$(cat "$RUN_ERR")"
	assert_eq "without: no password, so it stops (input)" 66 "$RUN_RC"
	assert_contains "without: the cause is the missing password" \
		"likely cause: $H/.mbsyncrc:36: account inline sets no $(
		)password" \
		"$(out)"
	run_import --check mbsync:inline --use-stored-password
	assert_contains "with: said to be used, with its line" \
		"using the password stored at $H/.mbsyncrc:40" \
		"$(cat "$RUN_ERR")"
	assert_eq "with: it connects" 0 "$RUN_RC"
	assert_no_secret "with: the password is not printed" alice \
		"$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR"
}

check_selection() {
	say "an account is named by its number, NAME or CLIENT:NAME"
	run_import 7
	assert_eq "7: one account listed" 'thunderbird:server2' \
		"$(sed -n 's/^[0-9]*\. \([^ ]*\) .*/\1/p' "$RUN_OUT")"
	run_import --port 1
	assert_eq "a listing takes no connection option: 64" 64 "$RUN_RC"
	run_import --check nosuch
	assert_eq "an unknown name: exit status 64" 64 "$RUN_RC"
	run_import --check
	assert_eq "--check without a name among many: 64" 64 "$RUN_RC"
	assert_contains "it says why" "11 accounts: name one" \
		"$(cat "$RUN_ERR")"
}

main() {
	need_jq
	need_imapconn
	need_scripted_server
	need_dovecot
	need_cmds openssl sha256sum
	closed_port
	dovecot_start
	make_home
	check_listing
	check_accounts
	check_stored_password
	check_selection
	assert_eq "the files were only read" "$(cat "$WORK/before.sum")" \
		"$(find "$H" -type f -exec sha256sum {} + | sort)"
	finish
}

main "$@"
