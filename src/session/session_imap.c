/* session_imap.c - IMAP from the greeting to LOGOUT but for the login:
 * greeting, capabilities, STARTTLS's command and what follows its
 * handshake, and LOGOUT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "escape.h"
#include "imap_parse.h"
#include "session_emit.h"
#include "session_id.h"
#include "session_imap.h"
#include "session_int.h"
#include "session_io.h"
#include "tls.h"

bool
session_imap_learn_caps(struct session *s, const struct imap_response *r)
{
	if (!caps_take(&s->caps, r))
		return false;
	s->cmd_flags = caps_cmd_flags(&s->caps);
	return true;
}

static int
greeting_check(struct session *s, const struct imap_response *r)
{
	char text[300];

	if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_BYE)
		return session_io_bye(s, r);
	if (r->kind == IMAP_RESP_UNTAGGED && (r->status == IMAP_ST_NO
					      || r->status == IMAP_ST_BAD)) {
		session_io_server_text(r, text, sizeof(text));
		fail_set(&s->fail, PHASE_GREETING, FAIL_SERVER, "the server "
			 "refused the connection in its greeting (%s): %s",
			 imap_status_name(r->status), text);
		s->usable = false;
		return -1;
	}
	if (r->kind == IMAP_RESP_UNTAGGED && (r->status == IMAP_ST_OK
					      || r->status == IMAP_ST_PREAUTH))
		return 0;
	escape_text(r->raw, r->raw_len > 200 ? 200 : r->raw_len, text,
		    sizeof(text));
	fail_set_reason(&s->fail, PHASE_GREETING, FAIL_PROTOCOL,
			FAIL_R_NOT_IMAP_GREETING, "expected an IMAP greeting "
			"(* OK, * PREAUTH or * BYE), got: %s", text);
	fail_fact(s->fail.got, sizeof(s->fail.got), text);
	s->usable = false;
	return -1;
}

int
session_imap_greeting(struct session *s)
{
	struct imap_response *r;
	char text[300];

	session_emit_begin(s, PHASE_GREETING);
	if (session_io_read(s, &r) != 0)
		return -1;
	if (greeting_check(s, r) != 0) {
		imap_response_free(r);
		return -1;
	}
	s->preauth = r->status == IMAP_ST_PREAUTH;
	session_imap_learn_caps(s, r);
	session_io_alert(s, r);
	session_io_server_text(r, text, sizeof(text));
	imap_response_free(r);
	session_emit_end(s, PHASE_OK, "%s%s", s->preauth ? "PREAUTH: " : "",
			 text);
	return 0;
}

static int
caps_untagged(struct session *s, const struct imap_response *r, void *arg)
{
	bool *seen = arg;

	if (session_imap_learn_caps(s, r))
		*seen = true;
	return 0;
}

int
session_imap_read_caps(struct session *s, const char *tag)
{
	struct imap_response *done;
	bool seen = false;
	char text[300];

	if (tag == NULL) {
		if (imap_cmd_capability(s->cmd, &s->tagger) != 0
		    || session_io_send(s, s->cmd) < 0)
			return -1;
		tag = imap_cmd_tag(s->cmd);
	}
	if (session_io_until_tagged(s, tag, caps_untagged, &seen, &done) != 0)
		return -1;
	if (done->status != IMAP_ST_OK || !seen) {
		session_io_server_text(done, text, sizeof(text));
		fail_set(&s->fail, s->phase, FAIL_PROTOCOL, "CAPABILITY %s: "
			 "%s", done->status != IMAP_ST_OK ? "refused" :
			 "answered without capabilities", text);
		imap_response_free(done);
		return -1;
	}
	imap_response_free(done);
	session_emit_end(s, PHASE_OK, "%zu capabilities", s->caps.n);
	return 0;
}

int
session_imap_capability(struct session *s)
{
	if (s->caps.n > 0) {
		session_emit_skip(s, PHASE_CAPABILITY, "from the greeting");
	} else {
		session_emit_begin(s, PHASE_CAPABILITY);
		if (session_imap_read_caps(s, NULL) != 0)
			return -1;
	}
	session_emit_caps(s, link_is_tls(&s->link));
	return 0;
}

/* STARTTLS cannot run: stop when required, else say the connection
 * stays unencrypted and go on. */
static int
starttls_unavailable(struct session *s, enum fail_reason r, const char *why)
{
	if (s->cfg.ep.starttls == STARTTLS_REQUIRED) {
		fail_set_reason(&s->fail, PHASE_STARTTLS, FAIL_STARTTLS, r,
				"%s; STARTTLS is required, so nothing more "
				"was sent (no password)", why);
		s->usable = false;
		return -1;
	}
	session_emit_end(s, PHASE_SKIPPED, "%s", why);
	session_emit_note(s, "STARTTLS could not be used (%s): the "
			  "connection stays UNENCRYPTED", why);
	return 0;
}

static int
starttls_command(struct session *s)
{
	struct imap_response *done;
	char text[300];
	int ok;

	if (imap_cmd_starttls(s->cmd, &s->tagger) != 0
	    || session_io_send(s, s->cmd) < 0)
		return -1;
	if (session_io_until_tagged(s, imap_cmd_tag(s->cmd), NULL, NULL, &done)
	    != 0)
		return -1;
	ok = done->status == IMAP_ST_OK;
	session_io_server_text(done, text, sizeof(text));
	imap_response_free(done);
	if (!ok) {
		char why[400];

		snprintf(why, sizeof(why), "the server refused STARTTLS: %s",
			 text);
		return starttls_unavailable(s, FAIL_R_STARTTLS_REFUSED, why)
		       == 0 ? 1 : -1;
	}
	return 0;
}

/* After the OK, anything already received came before TLS and cannot
 * be trusted: a server (or a man in the middle) that sends it is
 * injecting responses. */
static int
check_injection(struct session *s)
{
	size_t n = session_io_buffered(s) + link_pending(&s->link);

	if (n == 0)
		return 0;
	fail_set_reason(&s->fail, PHASE_STARTTLS, FAIL_PROTOCOL,
			FAIL_R_STARTTLS_INJECTION, "%zu byte%s arrived after "
			"the STARTTLS OK and before the TLS handshake: "
			"response injection (an attack or a broken server); "
			"stopped without sending anything more", n,
			n == 1 ? "" : "s");
	s->usable = false;
	return -1;
}

/* Whether SCRAM -PLUS would bind this connection with tls-exporter. */
static bool
binding_is_exporter(const struct session *s)
{
	unsigned char cb[64];
	size_t len;
	const char *type;

	if (tls_channel_binding(s->link.tls, cb, sizeof(cb), &len,
				&type) != 0)
		return false;
	OPENSSL_cleanse(cb, sizeof(cb));
	return strcmp(type, "tls-exporter") == 0;
}

void
session_imap_creds(const struct session *s, struct mech_creds *cr)
{
	memset(cr, 0, sizeof(*cr));
	cr->auth_mechs = s->cfg.auth_mechs;
	cr->password = s->cfg.have_password;
	cr->token = s->cfg.have_token;
	cr->client_cert = s->cfg.ep.tls.cert_file[0] != '\0';
	cr->tls = link_is_tls(&s->link) != 0;
	cr->exporter = cr->tls && binding_is_exporter(s);
	cr->no_scram = s->scram_off;
}

int
session_imap_tls_started(struct session *s)
{
	struct mech_creds cr;

	session_imap_creds(s, &cr);
	/* Forget everything said before TLS. */
	session_io_reset(s);
	if (s->parser == NULL) {
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	s->mech_before_tls = caps_mech_after_tls(&s->caps, &cr);
	s->id_before_tls = caps_has(&s->caps, "ID");
	s->modern_before_tls = caps_login_pipelines(&s->caps);
	caps_clear(&s->caps);
	s->cmd_flags = 0;
	s->caps_after_tls_needed = true;
	return 0;
}

/* Why STARTTLS cannot run, for people. */
static const char *
starttls_why(enum fail_reason r)
{
	if (r == FAIL_R_PREAUTH_BEFORE_STARTTLS)
		return "the server sent PREAUTH on an unencrypted "
		       "connection, before STARTTLS could run";
	return "the server does not offer STARTTLS (a possible downgrade)";
}

int
session_imap_starttls(struct session *s)
{
	const struct endpoint *ep = &s->cfg.ep;
	enum fail_reason why;
	int rc;

	if (ep->starttls == STARTTLS_OFF)
		return 0;
	if (ep->ssl) {
		session_emit_skip(s, PHASE_STARTTLS, "implicit TLS is "
				  "already on");
		session_emit_note(s, "STARTTLS skipped: the connection is "
				  "already TLS (implicit TLS comes first, as "
				  "the reference does)");
		return 0;
	}
	session_emit_begin(s, PHASE_STARTTLS);
	why = caps_starttls_refusal(&s->caps, s->preauth);
	if (why != FAIL_R_NONE)
		return starttls_unavailable(s, why, starttls_why(why));
	rc = starttls_command(s);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (check_injection(s) != 0)
		return -1;
	return 1;
}

/* ID to send with LOGOUT, when nothing earlier carried it (no user,
 * or ID offered only after login): LOGOUT costs its round trip anyway.
 * NULL when not. */
static struct imap_cmd *
logout_id(struct session *s)
{
	struct imap_cmd *c;

	if (!s->id_with_logout || !session_id_wanted(s))
		return NULL;
	c = imap_cmd_new();
	if (c != NULL && session_id_build(s, c, &s->tagger) == 0)
		return c;
	imap_cmd_free(c);
	return NULL;
}

int
session_imap_send_last(struct session *s, struct imap_cmd *c)
{
	struct imap_cmd *all[3] = { c, NULL, s->cmd };
	size_t n = 1;

	if (s->cfg.stay_open || s->pipe.off)
		return session_io_send(s, c) < 0 ? -1 : 0;
	s->logout_id = logout_id(s);
	if (s->logout_id != NULL)
		all[n++] = s->logout_id;
	if (imap_cmd_logout(s->cmd, &s->tagger) != 0) {
		imap_cmd_free(s->logout_id);
		s->logout_id = NULL;
		return session_io_send(s, c) < 0 ? -1 : 0;
	}
	all[n++] = s->cmd;
	s->logout_sent = true;
	return session_io_send_together(s, all, n);
}

/* LOGOUT, and ID before it when ID is still to go. */
static int
logout_send(struct session *s)
{
	struct imap_cmd *id = logout_id(s);
	struct imap_cmd *both[2] = { id, s->cmd };
	int rc;

	rc = imap_cmd_logout(s->cmd, &s->tagger);
	if (rc == 0 && id != NULL && !s->pipe.off)
		rc = session_io_send_together(s, both, 2);
	else if (rc == 0 && id != NULL && session_io_send(s, id) < 0)
		rc = -1;
	if (rc == 0 && id != NULL)
		rc = session_id_read(s, imap_cmd_tag(id));
	if (rc == 0 && (id == NULL || s->pipe.off)
	    && session_io_send(s, s->cmd) < 0)
		rc = -1;
	imap_cmd_free(id);
	return rc;
}

/* The reply to the ID sent with LOGOUT by session_imap_send_last. */
static int
logout_id_read(struct session *s)
{
	int rc = 0;

	if (s->logout_id != NULL)
		rc = session_id_read(s, imap_cmd_tag(s->logout_id));
	imap_cmd_free(s->logout_id);
	s->logout_id = NULL;
	return rc;
}

static int
logout_exchange(struct session *s, struct imap_response **done)
{
	int rc = s->logout_sent ? logout_id_read(s) : logout_send(s);

	if (rc == 0)
		rc = session_io_until_tagged(s, imap_cmd_tag(s->cmd), NULL,
					     NULL, done);
	return rc;
}

void
session_imap_logout(struct session *s)
{
	struct imap_response *done = NULL;
	double saved = s->cfg.timeout_s;
	char c;

	if (!s->usable || s->link.fd < 0 || s->parser == NULL)
		return;
	session_emit_begin(s, PHASE_LOGOUT);
	s->logging_out = true;
	/* LOGOUT has a short wait of its own, even past the deadline. */
	s->end_by = 0;
	if (s->cfg.timeout_s > 5)
		s->cfg.timeout_s = 5;
	/* Cancelled: LOGOUT still goes, waited for 2 s at most. */
	if (s->fail.cls == FAIL_CANCELLED)
		while (read(s->cancel[0], &c, 1) > 0)
			;
	if ((s->end_by_passed || s->fail.cls == FAIL_CANCELLED)
	    && s->cfg.timeout_s > 2)
		s->cfg.timeout_s = 2;
	if (logout_exchange(s, &done) == 0)
		session_emit_end(s, PHASE_OK, "%s", "");
	else
		session_emit_end(s, PHASE_FAILED, "%s", s->fail.detail);
	imap_response_free(done);
	s->cfg.timeout_s = saved;
}
