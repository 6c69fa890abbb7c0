/* session_imap.c - greeting, capabilities, STARTTLS and LOGOUT, and the
 * reading of replies they share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "imap_parse.h"
#include "session_int.h"

void
flow_server_text(const struct imap_response *r, char *buf, size_t cap)
{
	const char *code = imap_code_name(r->code_kind);
	size_t n = 0;

	buf[0] = '\0';
	if (r->code_kind != IMAP_CODE_NONE && r->code.n > 0
	    && r->code.items[0].str != NULL) {
		code = r->code.items[0].str;
		n = (size_t)snprintf(buf, cap, "[");
		n += escape_text(code, strlen(code), buf + n, cap - n);
		if (n + 2 < cap) {
			buf[n++] = ']';
			buf[n++] = ' ';
			buf[n] = '\0';
		}
	}
	if (n < cap)
		escape_text(r->text, r->text_len, buf + n, cap - n);
}

bool
flow_learn_caps(struct session *s, const struct imap_response *r)
{
	char **names = NULL;
	size_t n = 0;

	if (imap_resp_capabilities(r, &names, &n) != 0)
		return false;
	sess_caps_clear(&s->caps);
	s->caps.name = names;
	s->caps.n = n;
	s->cmd_flags = 0;
	if (sess_caps_has(&s->caps, "LITERAL+"))
		s->cmd_flags |= IMAP_CMD_LITERAL_PLUS;
	else if (sess_caps_has(&s->caps, "LITERAL-"))
		s->cmd_flags |= IMAP_CMD_LITERAL_MINUS;
	return true;
}

static void
alert_note(struct session *s, const struct imap_response *r)
{
	char text[600];

	if (r->code_kind != IMAP_CODE_ALERT)
		return;
	escape_text(r->text, r->text_len, text, sizeof(text));
	sess_note(s, "server alert: %s", text);
}

static int
bye_failure(struct session *s, const struct imap_response *r)
{
	char text[400];

	flow_server_text(r, text, sizeof(text));
	fail_set_reason(&s->fail, s->phase, FAIL_SERVER, FAIL_R_BYE,
			"the server said BYE: %s", text);
	fail_fact(s->fail.said, sizeof(s->fail.said), text);
	s->usable = false;
	return -1;
}

int
flow_until_tagged(struct session *s, const char *tag, flow_untagged_fn fn,
		  void *arg, struct imap_response **done)
{
	pipe_awaited(s, tag, s->awaiting, sizeof(s->awaiting));
	for (;;) {
		struct imap_response *r;
		int rc = 0;

		if (sess_read_response(s, &r) != 0) {
			pipe_timed_out(s, tag);
			return -1;
		}
		if (r->kind == IMAP_RESP_TAGGED) {
			rc = pipe_tagged(s, r->tag, tag);
			if (rc == 0) {
				s->awaiting[0] = '\0';
				alert_note(s, r);
				*done = r;
				return 0;
			}
			imap_response_free(r);
			if (rc < 0)
				return -1;
			continue;
		}
		pipe_untagged(s);
		if (imap_resp_is_bye(r) && !s->logging_out) {
			rc = bye_failure(s, r);
			imap_response_free(r);
			return rc;
		}
		alert_note(s, r);
		if (fn != NULL && r->kind == IMAP_RESP_UNTAGGED)
			rc = fn(s, r, arg);
		imap_response_free(r);
		if (rc != 0)
			return -1;
	}
}

static int
greeting_check(struct session *s, const struct imap_response *r)
{
	char text[300];

	if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_BYE)
		return bye_failure(s, r);
	if (r->kind == IMAP_RESP_UNTAGGED && (r->status == IMAP_ST_NO
					      || r->status == IMAP_ST_BAD)) {
		flow_server_text(r, text, sizeof(text));
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
flow_greeting(struct session *s)
{
	struct imap_response *r;
	char text[300];

	sess_phase_begin(s, PHASE_GREETING);
	if (sess_read_response(s, &r) != 0)
		return -1;
	if (greeting_check(s, r) != 0) {
		imap_response_free(r);
		return -1;
	}
	s->preauth = r->status == IMAP_ST_PREAUTH;
	flow_learn_caps(s, r);
	alert_note(s, r);
	flow_server_text(r, text, sizeof(text));
	imap_response_free(r);
	sess_phase_end(s, PHASE_OK, "%s%s", s->preauth ? "PREAUTH: " : "",
		       text);
	return 0;
}

static int
caps_untagged(struct session *s, const struct imap_response *r, void *arg)
{
	bool *seen = arg;

	if (flow_learn_caps(s, r))
		*seen = true;
	return 0;
}

int
flow_read_caps(struct session *s, const char *tag)
{
	struct imap_response *done;
	bool seen = false;
	char text[300];

	if (tag == NULL) {
		if (imap_cmd_capability(s->cmd, &s->tagger) != 0
		    || sess_send(s, s->cmd) < 0)
			return -1;
		tag = imap_cmd_tag(s->cmd);
	}
	if (flow_until_tagged(s, tag, caps_untagged, &seen, &done) != 0)
		return -1;
	if (done->status != IMAP_ST_OK || !seen) {
		flow_server_text(done, text, sizeof(text));
		fail_set(&s->fail, s->phase, FAIL_PROTOCOL, "CAPABILITY %s: %s",
			 done->status != IMAP_ST_OK ? "refused" :
			 "answered without capabilities", text);
		imap_response_free(done);
		return -1;
	}
	imap_response_free(done);
	sess_phase_end(s, PHASE_OK, "%zu capabilities", s->caps.n);
	return 0;
}

int
flow_capability(struct session *s)
{
	if (s->caps.n > 0) {
		sess_phase_skip(s, PHASE_CAPABILITY, "from the greeting");
	} else {
		sess_phase_begin(s, PHASE_CAPABILITY);
		if (flow_read_caps(s, NULL) != 0)
			return -1;
	}
	sess_emit_caps(s, link_is_tls(&s->link));
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
	sess_phase_end(s, PHASE_SKIPPED, "%s", why);
	sess_note(s, "STARTTLS could not be used (%s): the connection stays "
		  "UNENCRYPTED", why);
	return 0;
}

static int
starttls_command(struct session *s)
{
	struct imap_response *done;
	char text[300];
	int ok;

	if (imap_cmd_starttls(s->cmd, &s->tagger) != 0
	    || sess_send(s, s->cmd) < 0)
		return -1;
	if (flow_until_tagged(s, imap_cmd_tag(s->cmd), NULL, NULL, &done)
	    != 0)
		return -1;
	ok = done->status == IMAP_ST_OK;
	flow_server_text(done, text, sizeof(text));
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
	size_t n = sess_buffered(s) + link_pending(&s->link);

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

static int
starttls_handshake(struct session *s)
{
	if (check_injection(s) != 0)
		return -1;
	if (flow_tls(s, PHASE_STARTTLS) != 0)
		return -1;
	/* Forget everything said before TLS. */
	sess_reset_parser(s);
	if (s->parser == NULL) {
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	s->mech_before_tls = flow_guess_mech_after_tls(&s->caps, &s->cfg);
	s->id_before_tls = sess_caps_has(&s->caps, "ID");
	s->modern_before_tls = s->id_before_tls
			       || sess_caps_has(&s->caps, "SASL-IR");
	sess_caps_clear(&s->caps);
	s->cmd_flags = 0;
	s->caps_after_tls_needed = true;
	return 0;
}

int
flow_starttls(struct session *s)
{
	const struct endpoint *ep = &s->cfg.ep;
	int rc;

	if (ep->starttls == STARTTLS_OFF)
		return 0;
	if (ep->ssl) {
		sess_phase_skip(s, PHASE_STARTTLS, "implicit TLS is already "
				"on");
		sess_note(s, "STARTTLS skipped: the connection is already TLS "
			  "(implicit TLS comes first, as the reference "
			  "does)");
		return 0;
	}
	sess_phase_begin(s, PHASE_STARTTLS);
	if (s->preauth)
		return starttls_unavailable(s, FAIL_R_PREAUTH_BEFORE_STARTTLS,
					    "the server sent PREAUTH on an "
					    "unencrypted connection, before "
					    "STARTTLS could run");
	if (!sess_caps_has(&s->caps, "STARTTLS"))
		return starttls_unavailable(s, FAIL_R_STARTTLS_NOT_OFFERED,
					    "the server does not offer "
					    "STARTTLS (a possible downgrade)");
	rc = starttls_command(s);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	return starttls_handshake(s);
}

/* ID to send with LOGOUT, when nothing earlier carried it (no user,
 * or ID offered only after login): LOGOUT costs its round trip anyway.
 * NULL when not. */
static struct imap_cmd *
logout_id(struct session *s)
{
	struct imap_cmd *c;

	if (!s->id_with_logout || !flow_id_wanted(s))
		return NULL;
	c = imap_cmd_new();
	if (c != NULL && flow_id_build(s, c, &s->tagger) == 0)
		return c;
	imap_cmd_free(c);
	return NULL;
}

static int
logout_exchange(struct session *s, struct imap_response **done)
{
	struct imap_cmd *id = logout_id(s);
	struct imap_cmd *both[2] = { id, s->cmd };
	int rc;

	rc = imap_cmd_logout(s->cmd, &s->tagger);
	if (rc == 0 && id != NULL && !s->pipe.off)
		rc = flow_send_together(s, both, 2);
	else if (rc == 0 && id != NULL && sess_send(s, id) < 0)
		rc = -1;
	if (rc == 0 && id != NULL)
		rc = flow_id_read(s, imap_cmd_tag(id));
	if (rc == 0 && (id == NULL || s->pipe.off)
	    && sess_send(s, s->cmd) < 0)
		rc = -1;
	if (rc == 0)
		rc = flow_until_tagged(s, imap_cmd_tag(s->cmd), NULL, NULL,
				       done);
	imap_cmd_free(id);
	return rc;
}

void
sess_logout(struct session *s)
{
	struct imap_response *done = NULL;
	double saved = s->cfg.timeout_s;
	char c;

	if (!s->usable || s->link.fd < 0 || s->parser == NULL)
		return;
	sess_phase_begin(s, PHASE_LOGOUT);
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
		sess_phase_end(s, PHASE_OK, "%s", "");
	else
		sess_phase_end(s, PHASE_FAILED, "%s", s->fail.detail);
	imap_response_free(done);
	s->cfg.timeout_s = saved;
}
