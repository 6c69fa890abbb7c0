#!/usr/bin/env bash
# profiles.sh - accounts of the configuration file against the test
# Dovecot: three accounts (implicit TLS with options, STARTTLS as a URL,
# the reference's list form), each found by name as HOST or with
# --profile, from $XDG_CONFIG_HOME/imapconn/config or --config; options
# on the command line override the account's; an unknown key, a
# password in the file and a bad host form are each refused with the
# file and the line, before anything connects, and the password is in
# no output.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# write_config: four accounts in XDG_CONFIG_HOME's file.
write_config() {
	export XDG_CONFIG_HOME=$WORK/xdg
	mkdir -p "$XDG_CONFIG_HOME/imapconn"
	CONFIG=$XDG_CONFIG_HOME/imapconn/config
	cat >"$CONFIG" <<EOF
# imapconn accounts for the test Dovecot
[tls]
host = localhost
port = $IMAPS_PORT
ssl = yes
ca-file = $CA_FILE
user = $TEST_USER
select = INBOX

[starttls]
host = imap://$TEST_USER@localhost:$IMAP_PORT
starttls = required
ca-file = $CA_FILE
auth = plain

[list.form]
host = ("localhost" :port $IMAPS_PORT :ssl t)
ca-file = $CA_FILE
user = $TEST_USER

[pinned]
host = localhost
port = $IMAPS_PORT
ssl = yes
pin = $(spki_pin "$DOVECOT_DIR/pki/server.pem")
user = $TEST_USER
EOF
}

# account_ok WHAT MODE ARG...: the run with ARG... logs in over MODE
# (implicit-tls or starttls) and lists alice's mailboxes.
account_ok() {
	local what=$1 mode=$2
	shift 2
	IMAPCONN_PASSWORD=$TEST_PASSWORD run_check "$@"
	assert_rc 0 null
	assert_jsons "$what: the mode" \
		'if .endpoint.implicit_tls then "implicit-tls"
		else .endpoint.starttls end' \
		"$( [ "$mode" = implicit-tls ] && echo implicit-tls ||
			echo required)" \
		"$what: alice's mailboxes" '[.mailboxes[].name] | sort |
		join("|")' "$(alice_folders)"
}

check_accounts() {
	say "each account by name, from XDG_CONFIG_HOME"
	account_ok "tls" implicit-tls tls
	assert_jsons "tls: its select" '.selected.name' INBOX
	account_ok "starttls" starttls starttls
	assert_jsons "starttls: its auth" \
		'.phases[] | select(.phase == "authenticate") | .detail' \
		"as $TEST_USER, AUTHENTICATE PLAIN"
	account_ok "list form" implicit-tls --profile list.form
	account_ok "a pinned key, no CA file" implicit-tls pinned
	assert_jsons "pinned: trusted by the pin" '.tls[-1].trusted_by' pin
	say "--config names another file"
	cp "$CONFIG" "$WORK/other"
	XDG_CONFIG_HOME=$WORK/none account_ok "--config" implicit-tls \
		--config "$WORK/other" tls
}

check_overrides() {
	say "the command line overrides the account"
	IMAPCONN_PASSWORD=$EMPTY_PASSWORD run_check tls --user "$EMPTY_USER"
	assert_rc 0 null
	assert_jsons "the user of the command line" '.endpoint.user' \
		"$EMPTY_USER" "the account's select kept" '.selected.name' INBOX
	IMAPCONN_PASSWORD=$EMPTY_PASSWORD run_check tls -u "$EMPTY_USER" \
		--port "$IMAP_PORT" --starttls --no-ssl
	assert_rc 0 null
	assert_jsons "another port, STARTTLS" '[.endpoint.port,
		.endpoint.starttls] | map(tostring) | join(" ")' \
		"$IMAP_PORT required"
}

# refused WHAT LINE PATTERN TEXT: a file holding TEXT is refused with
# exit 64 and "FILE:LINE: ..." matching PATTERN, nothing connected.
refused() {
	local what=$1 line=$2 pattern=$3 file=$WORK/bad$RUN_COUNT
	printf '%s' "$4" >"$file"
	run_begin out --config "$file" --check acct
	"$IMAPCONN" --config "$file" --check acct >"$RUN_OUT" \
		2>"$RUN_ERR" </dev/null || RUN_RC=$?
	run_end
	assert_eq "$what: exit 64" 64 "$RUN_RC"
	assert_match "$what: file and line" \
		"^imapconn: $file:$line: $pattern" "$(cat "$RUN_ERR")"
	assert_eq "$what: nothing printed on stdout" 0 \
		"$(wc -c <"$RUN_OUT")"
}

check_refusals() {
	say "wrong files, each refused with its line"
	refused "unknown key" 3 "unknown key 'colour'" \
		$'[acct]\nhost = localhost\ncolour = blue\n'
	refused "a password" 4 "'password': a password or token does not" \
		$'# x\n[acct]\nhost = localhost\npassword = '"$TEST_PASSWORD"$'\n'
	assert_no_secret "the password is in no output" "$TEST_USER" \
		"$TEST_PASSWORD" "$RUN_OUT" "$RUN_ERR"
	refused "a bad host form" 2 "host: host specification" \
		$'[acct]\nhost = ("localhost" :port)\n'
}

need_jq
need_imapconn
need_dovecot
dovecot_start
write_config
check_accounts
check_overrides
check_refusals
finish
