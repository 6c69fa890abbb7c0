/* session_trust.c - after the handshake, before a byte of IMAP: the
 * server's key against the pins given and the certificate the user
 * accepted for this host and port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "knowncerts.h"
#include "pin.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_trust.h"
#include "tls.h"

static void
warn_note(void *arg, const char *msg)
{
	session_emit_note(arg, "known_certs: %s", msg);
}

static void
load_known(struct session *s)
{
	const struct endpoint *ep = &s->cfg.ep;
	struct knowncerts kc;
	const struct knowncerts_entry *e;
	char err[CONFIG_PATH_MAX + 128];

	if (s->cfg.known_certs[0] == '\0' || !ep->tls.verify)
		return;
	knowncerts_key(ep->host, ep->kind, endpoint_port(ep), s->known_key,
		       sizeof(s->known_key));
	knowncerts_init(&kc);
	if (knowncerts_load(&kc, s->cfg.known_certs, warn_note, s, err,
			    sizeof(err)) != 0)
		session_emit_note(s, "known_certs not read: %s", err);
	e = knowncerts_find(&kc, s->known_key);
	if (e != NULL) {
		s->known = *e;
		s->known_found = true;
	}
	knowncerts_free(&kc);
}

void
session_trust_prepare(struct session *s, struct tls_client *t)
{
	const char *keys[PIN_MAX + 1];
	int n = 0;
	char err[256];

	s->pins.n = 0;
	s->known_found = false;
	s->trusted_by = NULL;
	/* The options were checked when parsed: a bad pin here pins
	 * nothing that could match. */
	if (s->cfg.ep.tls.pin[0] != '\0' &&
	    pin_parse(s->cfg.ep.tls.pin, &s->pins, err, sizeof(err)) != 0) {
		session_emit_note(s, "--pin ignored: %s", err);
		s->pins.n = 0;
	}
	load_known(s);
	/* The pins decide when given: the file is then not consulted. */
	for (int i = 0; i < s->pins.n; i++)
		keys[n++] = s->pins.b64[i];
	if (n == 0 && s->known_found)
		keys[n++] = s->known.spki;
	tls_client_trust_keys(t, keys, n);
}

/* The key is trusted by what; a failed verification becomes a note. */
static int
trusted(struct session *s, int rc, const char *what, const char *by)
{
	s->trusted_by = by;
	if (rc == 0)
		return 0;
	session_emit_note(s, "the certificate failed verification (%s), "
			  "but its key is %s: trusted", s->fail.detail,
			  what);
	memset(&s->fail, 0, sizeof(s->fail));
	return 0;
}

static int
pin_check(struct session *s, const char *leaf, int rc)
{
	char want[CONFIG_STR_MAX], got[PIN_TEXT_MAX];

	if (pin_matches(&s->pins, leaf))
		return trusted(s, rc, "the one pinned (--pin)", "pin");
	pin_list_text(&s->pins, want, sizeof(want));
	pin_format(leaf, got, sizeof(got));
	fail_set_reason(&s->fail, s->phase, FAIL_TLS_VERIFY,
			FAIL_R_CERT_PIN_MISMATCH, "the server's key is not "
			"the one pinned: expected %s, got %s", want, got);
	return -1;
}

/* Update the last-seen date of the entry when it is not today's. */
static void
known_seen(struct session *s)
{
	struct knowncerts kc;
	char today[KNOWNCERTS_DATE_MAX], err[CONFIG_PATH_MAX + 128];

	knowncerts_date(time(NULL), today);
	if (strcmp(today, s->known.last_seen) == 0)
		return;
	knowncerts_init(&kc);
	if (knowncerts_load(&kc, s->cfg.known_certs, NULL, NULL, err,
			    sizeof(err)) != 0 ||
	    knowncerts_remember(&kc, s->known_key, s->known.spki, today) != 0
	    || knowncerts_save(&kc, s->cfg.known_certs, err,
			       sizeof(err)) != 0)
		session_emit_note(s, "known_certs: last-seen date not "
				  "updated: %s", err);
	knowncerts_free(&kc);
}

static int
known_check(struct session *s, const char *leaf, int rc)
{
	char old[PIN_TEXT_MAX], now[PIN_TEXT_MAX];

	if (strcmp(leaf, s->known.spki) == 0) {
		char what[80];

		snprintf(what, sizeof(what), "the one accepted for good on "
			 "%s (known_certs)", s->known.first_seen);
		known_seen(s);
		return trusted(s, rc, what, "known-certs");
	}
	pin_format(s->known.spki, old, sizeof(old));
	pin_format(leaf, now, sizeof(now));
	fail_set_reason(&s->fail, s->phase, FAIL_TLS_VERIFY,
			FAIL_R_CERT_CHANGED, "THE CERTIFICATE OF %s HAS "
			"CHANGED: the key accepted for it is %s (first seen "
			"%s, last seen %s), the server now shows %s",
			s->known_key, old, s->known.first_seen,
			s->known.last_seen, now);
	return -1;
}

int
session_trust_check(struct session *s, struct tls_client *t, int rc)
{
	struct tls_summary *sum;
	char leaf[PIN_B64_LEN + 1];

	if (s->pins.n == 0 && !s->known_found)
		return rc;
	if (rc != 0 && s->fail.cls != FAIL_TLS_VERIFY)
		return rc;
	sum = malloc(sizeof(*sum));
	if (sum == NULL)
		return rc;
	tls_get_summary(t, sum);
	snprintf(leaf, sizeof(leaf), "%s",
		 sum->chain_len > 0 ? sum->chain[0].spki_sha256 : "");
	free(sum);
	if (leaf[0] == '\0')
		return rc;
	rc = s->pins.n > 0 ? pin_check(s, leaf, rc) : known_check(s, leaf, rc);
	/* A key trusted lets the handshake through (tls_client_trust_keys);
	 * should it not have, the connection is not there to use. */
	if (rc == 0 && !tls_established(t)) {
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "the trusted key "
			 "did not let the handshake through");
		return -1;
	}
	return rc;
}
