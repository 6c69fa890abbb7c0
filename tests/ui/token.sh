#!/usr/bin/env bash
# token.sh - an OAuth token from a command typed into the form: the
# form shows the command and where the token comes from, and --auth in
# its Auth field; the login
# uses OAUTHBEARER with the command's first line (no password asked
# for), and the token appears nowhere: not on the form, the mailbox
# list, the transcript view, --transcript's file or stderr.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=token
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

USER_NAME=alice
TOKEN=secret-token
COMMAND="printf '$TOKEN\\n'"

# no_token WHAT: neither the screen nor stderr nor --transcript's file
# holds the token, as is or in base64 (alone or in the OAUTHBEARER
# message the server received).
no_token() {
	no_secret_shown "$1" "$USER_NAME" "$TOKEN" "$tmp/stderr" "$tmp/ui.tr"
	screen | tr -d '\n' | grep -qF -- "$OB_B64" &&
		fail "$1: the OAUTHBEARER message shown"
	grep -qF -- "$OB_B64" "$tmp/stderr" "$tmp/ui.tr" 2>/dev/null &&
		fail "$1: the OAUTHBEARER message written"
	return 0
}

need_tmux
setup

start_scripted "sendln * OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER SASL-IR] hi
expect-tag AUTHENTICATE OAUTHBEARER 
sendln \$TAG OK logged in
expect-tag LIST
sendln * LIST () \"/\" INBOX
sendln \$TAG OK done
expect-tag STATUS INBOX
sendln * STATUS INBOX (MESSAGES 0 UNSEEN 0)
sendln \$TAG OK done
expect-tag LOGOUT
sendln * BYE
sendln \$TAG OK
close"
# RFC 7628's message, as the server must receive it.
OB_B64=$(printf 'n,a=%s,\001host=127.0.0.1\001port=%s\001auth=Bearer %s\001\001' \
	"$USER_NAME" "$port" "$TOKEN" | base64 -w0)

start_ui --form --starttls=off --allow-plaintext-auth --timeout 3 \
	--auth oauthbearer \
	--transcript "$tmp/ui.tr" -u "$USER_NAME" "127.0.0.1:$port"
wait_for "connect to an IMAP server"
shows "Token command"
# --auth fills the Auth field.
wait_for_re "Advanced TLS +[a-z]+ +Auth +oauthbearer"
# No password needed for that mechanism: the form starts in Host; the
# token's command goes in the field after Password.
wait_for "a name, an address, host:port"
for _ in $(seq 8); do keys Tab; done
wait_for "its first line is an OAuth 2.0 token, run when connecting"
type_text "$COMMAND"
wait_for_re "Token command +printf '$TOKEN.n' +its first line, read to connect"
screen >"$tmp/form.txt"
keys Enter

wait_for "mailboxes: 127.0.0.1"
wait_for "INBOX"
no_token "mailbox list"
# The transcript view: the login line with its SASL data hidden.
type_text l
wait_for "AUTHENTICATE OAUTHBEARER"
no_token "transcript view"
keys BSpace
wait_for "mailboxes: 127.0.0.1"
type_text q
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"
no_token "after exit"
# The server got the token the command printed, by OAUTHBEARER.
client_lines | grep -qF -- "AUTHENTICATE OAUTHBEARER $OB_B64" ||
	fail "the server did not get the token: $(client_lines)"
grep -qE 'Z C: A[0-9]+ AUTHENTICATE OAUTHBEARER <sasl>$' "$tmp/ui.tr" ||
	fail "--transcript lacks the login line: $(cat "$tmp/ui.tr")"
say "ok"
