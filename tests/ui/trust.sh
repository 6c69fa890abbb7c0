#!/usr/bin/env bash
# trust.sh - a server with a self-signed certificate (the test Dovecot
# behind a TLS front): the trust screen shows its key; accept once lists
# the folders and saves nothing; accept always saves it and the next run
# connects without asking; the certificate replaced on the same port
# stops with the changed-certificate warning, nothing sent after the
# handshake; a certificate from a trusted CA for other names is accepted
# only once the host name is typed.  A private XDG_DATA_HOME.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=trust
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
need_cmds openssl socat
setup
start_dovecot

# self_signed NAME: $tmp/NAME.pem and NAME.key for localhost; its pin.
self_signed() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/$1.key" -out "$tmp/$1.pem" -days 30 \
		-subj "/CN=$1" -addext 'subjectAltName=DNS:localhost' \
		>"$tmp/openssl.log" 2>&1 || fail "openssl: $1"
	printf 'sha256//%s' "$(openssl x509 -in "$tmp/$1.pem" -pubkey -noout |
		openssl pkey -pubin -outform der |
		openssl dgst -sha256 -binary | base64)"
}

old_pin=$(self_signed first)
new_pin=$(self_signed second)
tls_front "$tmp/first.pem" "$tmp/first.key" "$IMAP_PORT"
port=$FRONT_PORT
known=$tmp/data/imapconn/known_certs

run_ui() {
	UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD XDG_DATA_HOME=$tmp/data" \
		start_ui -u "$TEST_USER" "$@" --ssl "localhost:$port"
}

# Accept once: the folders, nothing saved.
run_ui
wait_for "Certificate NOT trusted: (r)eject, accept (o)nce, (a)ccept always"
shows "The certificate of localhost:$port is NOT trusted"
shows "self-signed"
shows "Its key (SPKI SHA-256): $old_pin"
shows "subject   CN=first"
type_text o
wait_for "mailboxes: localhost port $port"
wait_for "INBOX [Inbox]"
[ ! -e "$known" ] || fail "accept once saved the certificate"
quit_ok

# Accept always: saved (mode 600), then the folders.
run_ui
wait_for "Certificate NOT trusted"
type_text a
wait_for "INBOX [Inbox]"
grep -qF "localhost:$port $old_pin " "$known" || fail "not saved in $known"
[ "$(stat -c %a "$known")" = 600 ] || fail "known_certs is not mode 600"
quit_ok

# The next run connects without asking.
run_ui
wait_for "INBOX [Inbox]"
quit_ok

# The certificate replaced on the same port: the warning, no trust
# screen, nothing sent after the handshake.
stop_pids "$FRONT_PID"
tls_front "$tmp/second.pem" "$tmp/second.key" "$IMAP_PORT" "$port"
run_ui --transcript "$tmp/exchange.txt"
wait_for "HAS CHANGED"
shows "FAILED in tls: tls-verify"
shows "--forget localhost:$port"
hides "Certificate NOT trusted"
screen | tr -d ' \n' | grep -qF "${new_pin:8:30}" ||
	fail "the new key is not shown"
quit_ok
[ -f "$tmp/exchange.txt" ] || fail "no transcript written"
grep -q 'C: ' "$tmp/exchange.txt" && fail "a command was sent"

# A name mismatch alone: accepting asks for the host name first.
UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD XDG_DATA_HOME=$tmp/data" \
	start_ui -u "$TEST_USER" --ssl --ca-file "$CA_FILE" \
	--server-name wrong.example "localhost:$IMAPS_PORT"
wait_for "Certificate NOT trusted"
shows "but is for other names"
type_text o
wait_for "type the host name (localhost) to accept it:"
type_text wrong.example
keys Enter
wait_for "not accepted: that is not localhost"
type_text o
wait_for "type the host name (localhost) to accept it:"
type_text localhost
keys Enter
wait_for "INBOX [Inbox]"
quit_ok
say "ok"
