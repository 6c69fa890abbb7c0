#!/usr/bin/env bash
# secrets.sh - a server that echoes the password back (in the refusal,
# as the SASL message in base64, in an ALERT): the failure screen and
# the transcript view show none of it, and neither --transcript's file
# nor stderr holds it.  An unwritable --transcript is refused at once.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=secrets
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

USER_NAME=alice
PASSWORD='Pw-0d15ea5e-Hostile'
PLAIN_B64=$(printf '\0%s\0%s' "$USER_NAME" "$PASSWORD" | base64 -w0)
PW_B64=$(printf '%s' "$PASSWORD" | base64 -w0)

# no_secret WHAT: neither the screen nor stderr nor --transcript's file
# holds a form of it, or its first 12 characters.
no_secret() {
	no_secret_shown "$1" "$USER_NAME" "$PASSWORD" "$tmp/stderr" "$tmp/ui.tr"
	no_secret_shown "$1 (its start)" "$USER_NAME" "${PASSWORD:0:12}" \
		"$tmp/stderr" "$tmp/ui.tr"
}

need_tmux
setup

# A transcript that cannot be written stops the program before the
# screen is taken, with the reason.
start_ui --transcript "$tmp/missing/dir/t.txt" 127.0.0.1:9
wait_exit
[ "$status" -eq 66 ] || fail "unwritable --transcript: exit $status"
grep -qF -- "--transcript $tmp/missing/dir/t.txt: the directory" \
	"$tmp/stderr" || fail "unwritable --transcript: $(cat "$tmp/stderr")"
tmux -L "$sock" kill-server 2>/dev/null || true
rm -f "$tmp/exit"

start_scripted "sendln * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi
expect-tag AUTHENTICATE
sendln * OK [ALERT] you are $USER_NAME with $PASSWORD
sendln \$TAG NO [AUTHENTICATIONFAILED] $PLAIN_B64 is not $PW_B64
read-all 1000"
UI_ENV="IMAPCONN_PASSWORD=$PASSWORD" start_ui --starttls=off \
	--allow-plaintext-auth --auth plain --timeout 3 \
	--transcript "$tmp/ui.tr" -u "$USER_NAME" "127.0.0.1:$port"

wait_for "FAILED in authenticate: auth"
# The refusal is shown, with the secret hidden where it stood.
wait_for "[secret] is not [secret]"
no_secret "failure screen"

# The transcript view: the client's line is masked, the server's
# echo hidden.
type_text l
wait_for "AUTHENTICATE PLAIN"
shows "[secret]"
no_secret "transcript view"
keys BSpace
wait_for "FAILED in authenticate: auth"
type_text q
wait_exit
no_secret "after exit"
# --transcript: the client's line masked, the server's echo hidden.
grep -qE 'Z C: A[0-9]+ AUTHENTICATE PLAIN <sasl>$' "$tmp/ui.tr" ||
	fail "--transcript lacks the login line: $(cat "$tmp/ui.tr")"
grep -qF 'S: A1 NO [AUTHENTICATIONFAILED] [secret] is not [secret]' \
	"$tmp/ui.tr" || fail "--transcript lacks the refusal"
[ "$(stat -c %a "$tmp/ui.tr")" = 600 ] || fail "--transcript not 0600"
say "ok"
