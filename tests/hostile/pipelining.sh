#!/usr/bin/env bash
# pipelining.sh - servers that mishandle commands sent together.
# Nothing goes behind AUTHENTICATE in its write; a second completion for
# a tag, a reply for a tag never sent, or silence after an earlier
# command of the same write is named as the server's pipelining, and a
# new connection, one command per round trip, follows once; the password
# goes out at most once per connection; --no-pipelining sends every
# command alone; each wait names the command it waits for.
# Server scripts hold a literal $TAG:
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PASSWORD='Pw-pipe-7c1d'
export IMAPCONN_PASSWORD=$PASSWORD
GREET='sendln * OK [CAPABILITY IMAP4rev1 ID AUTH=PLAIN SASL-IR] hi'

# The second connection, as a server that takes one command at a time
# sees it: every command alone, ID with LOGOUT.
SEQUENTIAL="next-connection
$GREET
expect-alone LOGIN alice
sendln \$TAG OK logged in
expect-alone LIST
sendln * LIST () \"/\" INBOX
sendln * LIST () \"/\" Sequential
sendln \$TAG OK listed
expect-alone ID NIL
sendln * ID NIL
sendln \$TAG OK
expect-alone LOGOUT
sendln * BYE
sendln \$TAG OK
close"

# logins_per_connection: the largest number of LOGIN or AUTHENTICATE
# lines the last server got on one connection.
logins_per_connection() {
	awk '/^event: connection /{ n = 0 }
	     /^(plain|tls): [^ ]+ (LOGIN|AUTHENTICATE)/{ if (++n > max) max = n }
	     END { print max + 0 }' "$SRV_LOG"
}

# assert_played WHAT: the server saw every line it expected, in order.
assert_played() {
	assert_eq "$1: the server saw what it expected" 0 \
		"$(grep -c '^event: mismatch' "$SRV_LOG" || true)"
}

# login_alone WHAT CAPABILITIES COMMAND: a server greeting with
# CAPABILITIES gets COMMAND (the login) alone in its write, then lists
# on the same connection.
login_alone() {
	local what=$1 caps=$2 command=$3
	say "$what: nothing else in the login's write"
	srv_start "sendln * OK [CAPABILITY $caps] hi
expect-alone $command
sendln \$TAG OK logged in
expect-tag LIST
sendln * LIST () \"/\" INBOX
sendln \$TAG OK listed
expect-tag LOGOUT
sendln * BYE
sendln \$TAG OK
close"
	run_json --starttls=off --allow-plaintext-auth --timeout 5 -u alice \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 2000
	assert_eq "$what: exit status 0" 0 "$RUN_RC"
	assert_played "$what"
	assert_json "$what: INBOX listed" '[.mailboxes[].name] | join(",")' \
		INBOX
	assert_json "$what: no retry" '.retried | length' 0
}

check_login_alone() {
	# LOGINDISABLED: AUTHENTICATE, which nothing may share a write with.
	login_alone "AUTHENTICATE" \
		"IMAP4rev1 LOGINDISABLED AUTH=PLAIN SASL-IR" \
		"AUTHENTICATE PLAIN"
	# Neither ID nor SASL-IR (as Courier IMAP): the server may lose
	# what follows LOGIN.
	login_alone "LOGIN, no ID or SASL-IR" "IMAP4rev1 AUTH=PLAIN IDLE" \
		"LOGIN alice"
}

# retried WHAT SCRIPT WHY: the first connection mishandles pipelining
# (SCRIPT), the second takes one command at a time; WHY is in the
# reason given.
retried() {
	local what=$1 script=$2 why=$3
	say "$what: named, then one command per round trip"
	srv_start "$script
$SEQUENTIAL" --many
	run_json --starttls=off --allow-plaintext-auth --timeout 2 -u alice \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 3000
	assert_eq "$what: exit status 0 after the retry" 0 "$RUN_RC"
	assert_eq "$what: two connections" 2 "$(connections "$SRV_LOG")"
	assert_played "$what"
	assert_contains "$what: the reason is given" "$why" \
		"$(jf '.retried[0] // ""')"
	assert_contains "$what: the retry is named" "one command per round" \
		"$(jf '.retried[0] // ""')"
	assert_json "$what: a phase failed as pipelining" \
		'[.phases[] | select(.result == "failed") | .detail] | join(",")' \
		pipelining
	assert_json "$what: the second connection's list" \
		'[.mailboxes[].name] | join(",")' INBOX,Sequential
	assert_eq "$what: the password at most once per connection" 1 \
		"$(logins_per_connection)"
}

# A first connection that completes ID twice.
TWICE="$GREET
expect-tag ID NIL
sendln * ID NIL
sendln \$TAG OK
sendln \$TAG OK
expect-tag LOGIN
expect-tag LIST
read-all 5000"

check_retries() {
	retried "a second completion for ID" "$TWICE" "a second time"

	retried "a reply for a tag never sent" "$GREET
expect-tag ID NIL
sendln * ID NIL
sendln A77 OK
expect-tag LOGIN
expect-tag LIST
read-all 5000" "not sent"

	retried "LIST answered before LOGIN" "$GREET
expect-tag ID NIL
sendln * ID NIL
sendln \$TAG OK
expect-tag LOGIN
expect-tag LIST
sendln \$TAG OK listed
read-all 5000" "a later command first"

	retried "no reply to LIST sent behind LOGIN" "$GREET
expect-tag ID NIL
sendln * ID NIL
sendln \$TAG OK
expect-tag LOGIN
sendln \$TAG OK logged in
expect-tag LIST
read-all 5000" "the reply to LIST"
}

# Over --tunnel, the retry ends and reports the first command before
# the second starts.
check_retry_tunnel() {
	local relay
	say "a retry over a tunnel: one command per connection, both reaped"
	srv_start "$TWICE
$SEQUENTIAL" --many
	relay="bash -c 'exec 3<>/dev/tcp/127.0.0.1/$SRV_PORT || exit 1;"
	relay+=" cat <&3 & exec cat >&3'"
	run_json --timeout 2 -u alice --tunnel "$relay"
	srv_stop
	assert_sane 3000
	assert_eq "tunnel retry: exit status 0" 0 "$RUN_RC"
	assert_eq "tunnel retry: two connections" 2 "$(connections "$SRV_LOG")"
	assert_json "tunnel retry: a tunnel phase per connection" \
		'[.phases[] | select(.phase == "tunnel") | .result] | join(",")' \
		ok,ok
	assert_json "tunnel retry: each command's end is reported" \
		'[.phases[] | select(.phase == "tunnel-exit")] | length' 2
	assert_json "tunnel retry: the second connection's list" \
		'[.mailboxes[].name] | join(",")' INBOX,Sequential
}

# The retry fails too: its failure is the one reported, and there is
# no third connection.
check_retry_fails() {
	say "the connection without pipelining fails too"
	srv_start "$GREET
expect-tag ID NIL
sendln \$TAG OK
sendln \$TAG OK
read-all 5000
next-connection
$GREET
expect-alone LOGIN alice
sendln \$TAG OK logged in
sendln \$TAG OK logged in
read-all 5000" --many
	run_json --starttls=off --allow-plaintext-auth --timeout 2 -u alice \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 3000
	assert_class 76 protocol
	assert_eq "retry fails: two connections, no third" 2 \
		"$(connections "$SRV_LOG")"
	assert_contains "retry fails: the detail says what the server did" \
		"a second time" "$(jf .failure.detail)"
}

# --no-pipelining: every command alone on the first connection; a
# stalled reply names its command and is a plain timeout, not retried.
check_no_pipelining() {
	say "--no-pipelining: one command per round trip, no retry"
	srv_start "$GREET
expect-alone LOGIN alice
sendln \$TAG OK logged in
expect-alone LIST
read-all 5000" --many
	run_json --starttls=off \
		--no-pipelining --allow-plaintext-auth --timeout 1.5 \
		-u alice "127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 3000
	assert_class 75 timeout list
	assert_played "--no-pipelining"
	assert_eq "--no-pipelining: one connection" 1 \
		"$(connections "$SRV_LOG")"
	assert_contains "--no-pipelining: the wait names LIST" \
		"the reply to LIST" "$(jf .failure.detail)"
}

# ID goes first in the login's write: when its reply stalls, the
# failure says so (not "the login reply"), and it is a timeout.
check_id_wait_named() {
	say "a stalled reply to ID is named as such"
	srv_start "$GREET
expect-tag ID NIL
expect-tag LOGIN
expect-tag LIST
read-all 5000"
	run_json --starttls=off --allow-plaintext-auth --timeout 1.5 -u alice \
		"127.0.0.1:$SRV_PORT"
	srv_stop
	assert_sane 3000
	assert_class 75 timeout
	assert_contains "stalled ID: the detail names ID" "the reply to ID" \
		"$(jf .failure.detail)"
	assert_contains "stalled ID: the hint names ID" "the reply to ID" \
		"$(jf .failure.hint)"
}

main() {
	need_tools
	check_login_alone
	check_retries
	check_retry_fails
	check_retry_tunnel
	check_no_pipelining
	check_id_wait_named
	finish
}

main "$@"
