#!/usr/bin/env bash
# tls_fail.sh - implicit TLS to the test Dovecot without its CA: the
# certificate rejected, the failure names its class, detail and hint;
# the TLS view shows every problem and the chain the server sent; s
# saves it as PEM (mode 0644) where it says.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=tls_fail
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot
# A taller pane: the problems come before the chain in the TLS view.
UI_SIZE=100x40 UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD" start_ui \
	-u "$TEST_USER" "imaps://localhost:$IMAPS_PORT"

# A host on the command line connects at once; the certificate is not
# trusted: rejected on the screen that asks, the failure shows.
wait_for "Certificate NOT trusted"
type_text r
wait_for "FAILED in tls: tls-verify"
wait_for "unable to get local issuer certificate"
shows "hint:"
shows "NOT VERIFIED"
screen | grep "TLS handshake" | grep -q FAILED || fail "TLS row not failed"
screen | grep -qE "Greeting +not run" || fail "the greeting shown as run"

# The TLS view: the chain as sent and why it was not trusted.
type_text t
wait_for "TLS: certificate chain and verification"
wait_for "Chain as sent (1 certificate)"
shows "CN=localhost"
shows "issuer     O=imapconn tests,CN=imapconn test CA"
shows "NOT VERIFIED: unable to get local issuer certificate"
# Every problem, as --check and the report list them.
shows "Problems (1, the most important first)"
shows "1. unable to get local issuer certificate: CN=localhost (depth 0)"
shows "DNS:localhost"
shows "days left"
shows "SHA-256"

# Save the chain, then check it is the certificate shown.
type_text s
wait_for "save the chain (PEM) to: ./imapconn-chain.pem"
keys C-u
type_text "$tmp/saved.pem"
keys Enter
wait_for "saved 1 certificate (PEM) to $tmp/saved.pem"
[ "$(stat -c %a "$tmp/saved.pem")" = 644 ] || fail "mode is not 0644"
fp=$(openssl x509 -in "$tmp/saved.pem" -noout -fingerprint -sha256 |
	sed 's/.*=//')
[ -n "$fp" ] || fail "the saved file is not a certificate"
screen | tr -d ' \n' | grep -qF "${fp:0:40}" ||
	fail "the saved certificate is not the one shown ($fp)"

# Saving again asks before overwriting.
type_text s
keys C-u
type_text "$tmp/saved.pem"
keys Enter
wait_for "exists: overwrite it? (y/n)"
type_text n
wait_for "not saved"

# Back to the failure, then e: the form with the command line's values.
keys BSpace
wait_for "FAILED in tls: tls-verify"
type_text e
wait_for "connect to an IMAP server"
shows "imaps://localhost:$IMAPS_PORT"
screen | grep -E '^  User' | grep -qF "$TEST_USER" || fail "user lost"
keys F10
wait_exit
[ "$status" -eq 0 ] || fail "exit status $status"
say "ok"
