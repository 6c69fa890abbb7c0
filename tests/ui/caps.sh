#!/usr/bin/env bash
# caps.sh - STARTTLS to the test Dovecot at 80x24: the progress screen
# says what TLS changed in the capabilities and who the server is; the
# TLS view says where trust came from and shows both lists side by side,
# within the screen's width.
# (start_ui and wait_exit take optional arguments.)
# shellcheck disable=SC2119
TEST=caps
# shellcheck source=tests/ui/lib.sh
. "${top_srcdir:-.}/tests/ui/lib.sh"

need_tmux
need_dovecot
setup
start_dovecot
UI_SIZE=80x24 UI_ENV="IMAPCONN_PASSWORD=$TEST_PASSWORD" start_ui \
	--starttls --ca-file "$CA_FILE" -u "$TEST_USER" "localhost:$IMAP_PORT"

# Logged in, the browser shows; p goes back to the phases.
wait_for "mailboxes: localhost port $IMAP_PORT"
type_text p
wait_for "Before/after TLS:"
screen | grep -F "Before/after TLS:" | grep -qF -- "-STARTTLS" ||
	fail "STARTTLS not shown as gone after TLS"
screen | grep -F "Before/after TLS:" | grep -qF "(t: both lists)" ||
	fail "no pointer to the side-by-side lists"
wait_for "Server ID: name=Dovecot"

# Both lists, side by side, to the end of the view.
type_text t
wait_for "TLS: certificate chain and verification"
# Where trust came from, in the Connection section.
wait_for "Trusted by"
screen | grep -F "Trusted by" | grep -qF -- "--ca-file $CA_FILE" ||
	fail "the TLS view does not say the CA file made the trust"
keys End
wait_for "Capabilities before and after TLS"
wait_for_re '^ +before TLS +after TLS$'
screen | grep -qE '^ +IMAP4rev1 +IMAP4rev1$' ||
	fail "IMAP4rev1 not in both columns"
screen | grep -qE '^ +AUTH=PLAIN +AUTH=PLAIN$' ||
	fail "AUTH=PLAIN not in both columns"
screen | grep -qE '^ +- STARTTLS$' || fail "STARTTLS not marked gone"
shows "+ after login"
shows "- after login  AUTH=PLAIN AUTH=LOGIN"
keys PageUp
wait_for "Server ID (its answer to ID, RFC 2971)"
screen | grep -qE '^ +name +Dovecot$' || fail "the server's name not shown"
[ "$(screen | awk '{ if (length($0) > 80) n++ } END { print n + 0 }')" \
	-eq 0 ] || fail "drawn past 80 columns"
[ "$(screen | wc -l)" -le 24 ] || fail "drawn past 24 lines"

keys BSpace
wait_for "Before/after TLS:"
quit_ok
say "ok"
