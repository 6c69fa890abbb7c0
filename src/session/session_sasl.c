/* session_sasl.c - AUTHENTICATE with a SASL exchange: the command and
 * its initial response, each challenge answered (a note on the
 * timeline each, "<sasl>" in the transcript), the outcome checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "escape.h"
#include "imap_cmd.h"
#include "imap_parse.h"
#include "sasl.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_io.h"
#include "session_sasl.h"
#include "session_time.h"
#include "tls.h"

/* Up to this many challenges: no mechanism here needs more. */
#define SASL_STEPS_MAX 10

static bool
is_plus(enum mech m)
{
	return m == MECH_SCRAM_SHA256_PLUS || m == MECH_SCRAM_SHA1_PLUS;
}

static bool
is_scram(enum mech m)
{
	return m >= MECH_SCRAM_SHA256_PLUS && m <= MECH_SCRAM_SHA1;
}

/* The channel binding of the link into in, and its type on the
 * timeline for -PLUS; -1 when -PLUS has none. */
static int
binding(struct session *s, enum mech m, struct sasl_input *in,
	unsigned char *cb, size_t cap)
{
	if (s->link.tls == NULL
	    || tls_channel_binding(s->link.tls, cb, cap, &in->cb_len,
				   &in->cb_type) != 0) {
		in->cb_type = NULL;
		in->cb_len = 0;
		if (!is_plus(m))
			return 0;
		fail_set(&s->fail, PHASE_AUTH, FAIL_AUTH, "%s: no channel "
			 "binding on this connection", caps_mech_name(m));
		return -1;
	}
	in->cb = cb;
	if (is_plus(m))
		session_emit_note(s, "%s: channel binding %s",
				  caps_mech_name(m), in->cb_type);
	return 0;
}

static struct sasl *
start(struct session *s, enum mech m)
{
	struct sasl_input in;
	unsigned char cb[64];
	char err[200];
	struct sasl *x;

	memset(&in, 0, sizeof(in));
	in.mech = caps_mech_name(m);
	in.user = s->cfg.user;
	in.password = s->cfg.have_password ? s->cfg.password : NULL;
	in.token = s->cfg.have_token ? s->cfg.oauth_token : NULL;
	in.service = "imap";
	/* The name the server is known by: GSSAPI asks a ticket for
	 * imap/NAME, and --server-name is the name it was checked for. */
	in.host = s->cfg.ep.tls.server_name[0] != '\0'
		  ? s->cfg.ep.tls.server_name : s->cfg.ep.host;
	in.port = endpoint_port(&s->cfg.ep);
	if (is_scram(m) && binding(s, m, &in, cb, sizeof(cb)) != 0)
		return NULL;
	x = sasl_new(&in, err, sizeof(err));
	OPENSSL_cleanse(cb, sizeof(cb));
	if (x == NULL)
		fail_set(&s->fail, PHASE_AUTH, FAIL_AUTH, "%s", err);
	return x;
}

/* Why the first step of m failed on this side: GSSAPI's first step
 * fails when the credential cache holds no ticket it can use. */
static enum fail_reason
step_reason(enum mech m, int step)
{
	return m == MECH_GSSAPI && step == 1 ? FAIL_R_NO_KERBEROS_TICKET
					      : FAIL_R_NONE;
}

struct sasl *
session_sasl_start(struct session *s, enum mech m, struct imap_cmd *c)
{
	struct sasl *x = start(s, m);
	char err[200], *ir = NULL;
	int rc;

	if (x == NULL)
		return NULL;
	if (caps_has(&s->caps, "SASL-IR") && sasl_client_first(x)
	    && sasl_step(x, "", &ir, err, sizeof(err)) != SASL_OK) {
		fail_set_reason(&s->fail, PHASE_AUTH, FAIL_AUTH,
				step_reason(m, 1), "%s: %s; nothing was sent",
				caps_mech_name(m), err);
		sasl_free(x);
		return NULL;
	}
	imap_cmd_set_flags(c, s->cmd_flags);
	rc = imap_cmd_authenticate(c, &s->tagger, caps_mech_name(m), ir);
	sasl_out_free(ir);
	if (rc != 0) {
		fail_set(&s->fail, PHASE_AUTH, FAIL_USAGE, "cannot send "
			 "AUTHENTICATE %s", caps_mech_name(m));
		sasl_free(x);
		return NULL;
	}
	if (ir != NULL)
		session_emit_note(s, "%s step 1: initial response sent with "
				  "the command (SASL-IR)", caps_mech_name(m));
	return x;
}

/* The state of one exchange: the mechanism, its command's tag, the
 * step about to be answered, and when the client last sent. */
struct exchange {
	struct sasl *x;
	enum mech m;
	const char *tag;
	int step;
	int trips;		/* writes the server answered, so far */
	int64_t sent_ms;
};

/* One line of the exchange: base64 and CRLF, shown as "<sasl>". */
static int
send_line(struct session *s, struct exchange *e, const char *b64,
	  const char *shown)
{
	size_t n = strlen(b64);
	char *line = malloc(n + 3);
	int rc;

	if (line == NULL) {
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	memcpy(line, b64, n);
	memcpy(line + n, "\r\n", 3);
	session_emit_transcript(s, 'C', shown, strlen(shown));
	session_emit_flush(s);
	rc = link_write_all(&s->link, line, n + 2, session_time_until(s),
			    s->phase, &s->fail);
	OPENSSL_cleanse(line, n + 2);
	free(line);
	e->sent_ms = clock_ms();
	if (rc != 0)
		s->usable = false;
	return rc;
}

/* The mechanism refused what the server sent: cancel with "*" (RFC
 * 3501 6.2.2), read the reply, fail. */
static int
refuse(struct session *s, struct exchange *e, const char *err,
       bool bad_server)
{
	struct imap_response *done = NULL;
	const char *name = caps_mech_name(e->m);

	if (send_line(s, e, "*", "*") == 0
	    && session_io_until_tagged(s, e->tag, NULL, NULL, &done) == 0)
		imap_response_free(done);
	if (bad_server && is_scram(e->m))
		fail_set_reason(&s->fail, PHASE_AUTH, FAIL_AUTH,
				FAIL_R_SERVER_NOT_PROVEN, "%s: the server "
				"could not prove it knows the password (%s); "
				"the login was abandoned", name, err);
	else
		fail_set_reason(&s->fail, PHASE_AUTH, bad_server ?
				FAIL_PROTOCOL : FAIL_AUTH, bad_server ?
				FAIL_R_NONE : step_reason(e->m, e->step),
				"%s: %s; the login was abandoned", name, err);
	return -1;
}

/* The note of a step, with how long the server took to challenge. */
static void
note_step(struct session *s, const struct exchange *e, long long took)
{
	const char *name = caps_mech_name(e->m);

	if (e->m >= MECH_OAUTHBEARER && e->step > 1)
		session_emit_note(s, "%s: the server sent an error "
				  "challenge after %lld ms; answered as the "
				  "mechanism says, its NO follows", name,
				  took);
	else
		session_emit_note(s, "%s step %d: the server's challenge "
				  "after %lld ms, answered", name, e->step,
				  took);
}

static int
answer(struct session *s, struct exchange *e, const struct imap_response *r)
{
	long long took = (long long)(clock_ms() - e->sent_ms);
	char err[200], *out = NULL;
	enum sasl_rc rc;
	int sent;

	if (e->step > SASL_STEPS_MAX)
		return refuse(s, e, "too many challenges", true);
	err[0] = '\0';
	rc = sasl_step(e->x, r->text, &out, err, sizeof(err));
	if (rc != SASL_OK)
		return refuse(s, e, err, rc == SASL_BAD_SERVER);
	note_step(s, e, took);
	sent = send_line(s, e, out, out[0] != '\0' ? "<sasl>" : "");
	sasl_out_free(out);
	e->step++;
	e->trips++;
	return sent;
}

/* The tagged reply ended the exchange: how long it took after the
 * client's last message, and how many round trips the login cost
 * (the command and each answer). */
static void
note_verdict(struct session *s, const struct exchange *e)
{
	session_emit_note(s, "%s: the server's reply after %lld ms; %d "
			  "round trip%s for the login", caps_mech_name(e->m),
			  (long long)(clock_ms() - e->sent_ms), e->trips,
			  e->trips == 1 ? "" : "s");
}

int
session_sasl_exchange(struct session *s, struct sasl *x, enum mech m,
		      const char *tag)
{
	/* Step 1 was the initial response when SASL-IR sent one. */
	struct exchange e = {
		x, m, tag, caps_has(&s->caps, "SASL-IR")
			   && sasl_client_first(x) ? 2 : 1,
		1, clock_ms()
	};

	for (;;) {
		struct imap_response *r;

		if (session_io_read(s, &r) != 0) {
			s->usable = false;
			return -1;
		}
		if (r->kind == IMAP_RESP_TAGGED) {
			note_verdict(s, &e);
			s->held = r;
			return 0;
		}
		if (r->kind == IMAP_RESP_CONTINUATION) {
			int rc = answer(s, &e, r);

			imap_response_free(r);
			if (rc != 0)
				return -1;
			continue;
		}
		if (imap_resp_is_bye(r)) {
			int rc = session_io_bye(s, r);

			imap_response_free(r);
			return rc;
		}
		imap_response_free(r);
	}
}

int
session_sasl_outcome(struct session *s, const struct sasl *x, enum mech m,
		     const struct imap_response *done)
{
	const char *ch = sasl_challenge(x);

	if (done->status != IMAP_ST_OK) {
		size_t n = strlen(s->fail.detail);

		if (ch[0] == '\0')
			return 0;
		escape_text(ch, strlen(ch), s->fail.challenge,
			    sizeof(s->fail.challenge));
		if (m >= MECH_OAUTHBEARER)
			s->fail.reason = FAIL_R_OAUTH_REFUSED;
		snprintf(s->fail.detail + n, sizeof(s->fail.detail) - n,
			 "; its error challenge said: %s", s->fail.challenge);
		return 0;
	}
	if (sasl_complete(x))
		return 0;
	if (is_scram(m))
		fail_set_reason(&s->fail, PHASE_AUTH, FAIL_AUTH,
				FAIL_R_SERVER_NOT_PROVEN, "%s: the server "
				"accepted the login without proving it knows "
				"the password (no server signature)",
				caps_mech_name(m));
	else
		fail_set(&s->fail, PHASE_AUTH, FAIL_PROTOCOL, "%s: the server "
			 "accepted the login before the exchange ended",
			 caps_mech_name(m));
	return -1;
}
