/* session.c - a session's life: its thread, cancel, and the events it
 * reports. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "escape.h"
#include "imap_parse.h"
#include "mailbox.h"
#include "message.h"
#include "session.h"
#include "redact.h"
#include "server_id.h"
#include "session_int.h"
#include "thread.h"
#include "tls.h"

static void
redact_server_id(struct session *s, struct server_id *id)
{
	for (size_t i = 0; i < id->n; i++) {
		redact_buf(&s->redact, id->field[i].key,
			   sizeof(id->field[i].key));
		redact_buf(&s->redact, id->field[i].value,
			   sizeof(id->field[i].value));
	}
	redact_buf(&s->redact, id->text, sizeof(id->text));
}

/* in[0..len) with the secret hidden: in itself when it holds none, a
 * copy left in *owned (the caller frees it), or REDACT_MARK when out of
 * memory.  Its length in *outlen. */
static const char *
clean_bytes(const struct redact *r, const char *in, size_t len,
	    size_t *outlen, char **owned)
{
	int oom;

	*owned = redact_bytes(r, in, len, outlen, &oom);
	if (*owned != NULL)
		return *owned;
	*outlen = oom ? strlen(REDACT_MARK) : len;
	return oom ? REDACT_MARK : in;
}

/* A mailbox named with the secret: both names hidden (the raw one is
 * shown too, and in the JSON), the entry replaced by a clean copy, or
 * emptied when there is no memory for one. */
static void
redact_mailbox(struct session *s, struct event *ev)
{
	struct mailbox_entry *m = ev->mailbox, *c;
	const char *raw, *display;
	char *raw_owned, *display_owned;
	size_t raw_len, display_len, dlen = strlen(m->display);

	raw = clean_bytes(&s->redact, m->raw, m->raw_len, &raw_len,
			  &raw_owned);
	display = clean_bytes(&s->redact, m->display, dlen, &display_len,
			      &display_owned);
	if (raw != m->raw || display != m->display) {
		c = mailbox_entry_new(raw, raw_len, display);
		if (c != NULL) {
			c->delim = m->delim;
			c->flags = m->flags;
			c->special = m->special;
			c->name_valid = m->name_valid;
			c->has_status = m->has_status;
			c->messages = m->messages;
			c->unseen = m->unseen;
		}
		OPENSSL_cleanse(m->raw, m->raw_len + 1 + dlen);
		m->raw_len = 0;
		m->display = m->raw;
		if (c != NULL) {
			free(m);
			ev->mailbox = c;
		}
	}
	free(raw_owned);
	free(display_owned);
}

static void
redact_selected(struct session *s, struct mailbox_data *d)
{
	redact_buf(&s->redact, d->name, sizeof(d->name));
	redact_buf(&s->redact, d->flags, sizeof(d->flags));
	redact_buf(&s->redact, d->permanent_flags,
		   sizeof(d->permanent_flags));
}

static void
redact_message(struct session *s, struct message_summary *m)
{
	redact_buf(&s->redact, m->date, sizeof(m->date));
	redact_buf(&s->redact, m->from, sizeof(m->from));
	redact_buf(&s->redact, m->subject, sizeof(m->subject));
}

/* Every text of a failure that may hold the server's words: the
 * detail, the hint, and the facts a hint quotes. */
static void
redact_failure(struct session *s, struct failure *f)
{
	redact_buf(&s->redact, f->detail, sizeof(f->detail));
	redact_buf(&s->redact, f->hint, sizeof(f->hint));
	redact_buf(&s->redact, f->said, sizeof(f->said));
	redact_buf(&s->redact, f->got, sizeof(f->got));
	redact_buf(&s->redact, f->cert_names, sizeof(f->cert_names));
}

/* A server may echo the password back (in a refusal, an ALERT, the
 * SASL message in base64, as a mailbox name, a flag, a sender or a
 * subject): no event leaves the session with it. */
static void
redact_event(struct session *s, struct event *ev)
{
	char *clean;
	int oom;

	if (redact_empty(&s->redact))
		return;
	clean = redact_text(&s->redact, ev->text, &oom);
	if (clean != NULL || oom) {
		OPENSSL_cleanse(ev->text, strlen(ev->text));
		free(ev->text);
		ev->text = clean;
	}
	if (ev->failure != NULL)
		redact_failure(s, ev->failure);
	if (ev->server_id != NULL)
		redact_server_id(s, ev->server_id);
	if (ev->mailbox != NULL)
		redact_mailbox(s, ev);
	if (ev->selected != NULL)
		redact_selected(s, ev->selected);
	if (ev->message != NULL)
		redact_message(s, ev->message);
}

void
sess_emit(struct session *s, struct event *ev)
{
	if (ev == NULL)
		return;
	redact_event(s, ev);
	ev->at_ms = clock_ms() - s->t0;
	ev->wall_ms = clock_wall_ms();
	event_queue_push(s->q, ev);
}

void
sess_note(struct session *s, const char *fmt, ...)
{
	struct event *ev = event_new(EV_NOTE, s->phase);
	char buf[512];
	va_list ap;

	if (ev == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (event_set_text(ev, buf, strlen(buf)) != 0) {
		event_free(ev);
		return;
	}
	sess_emit(s, ev);
}

void
sess_phase_begin(struct session *s, enum phase p)
{
	if (s->phase_open && s->phase == p)
		return;
	s->phase = p;
	s->phase_t0 = clock_ms();
	s->phase_open = true;
	sess_emit(s, event_new(EV_PHASE_START, p));
}

void
sess_phase_end(struct session *s, enum phase_result r, const char *fmt,
	       ...)
{
	struct event *ev;
	char buf[512];
	va_list ap;

	if (!s->phase_open)
		return;
	s->phase_open = false;
	ev = event_new(EV_PHASE_END, s->phase);
	if (ev == NULL)
		return;
	ev->result = r;
	ev->elapsed_ms = clock_ms() - s->phase_t0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0] != '\0')
		event_set_text(ev, buf, strlen(buf));
	sess_emit(s, ev);
}

void
sess_phase_skip(struct session *s, enum phase p, const char *why)
{
	sess_phase_begin(s, p);
	sess_phase_end(s, PHASE_SKIPPED, "%s", why);
}

void
sess_wait_event(struct session *s, int64_t deadline_ms)
{
	struct event *ev = event_new(EV_WAIT, s->phase);

	if (ev == NULL)
		return;
	ev->deadline_ms = deadline_ms;
	ev->end_by_ms = s->end_by;
	if (s->awaiting[0] != '\0'
	    && event_set_text(ev, s->awaiting, strlen(s->awaiting)) != 0) {
		event_free(ev);
		return;
	}
	sess_emit(s, ev);
}

void
sess_password_done(struct session *s)
{
	OPENSSL_cleanse(s->cfg.password, sizeof(s->cfg.password));
}

int64_t
sess_wait_until(const struct session *s)
{
	int64_t d = clock_deadline(s->cfg.timeout_s);

	if (s->end_by != 0 && s->end_by < d)
		return s->end_by;
	return d;
}

int64_t
sess_deadline(struct session *s)
{
	int64_t d = sess_wait_until(s);

	sess_wait_event(s, d);
	return d;
}

void
sess_deadline_check(struct session *s)
{
	struct failure *f = &s->fail;
	int64_t now = clock_ms();

	if (f->cls != FAIL_TIMEOUT || s->end_by == 0 || now < s->end_by
	    || s->end_by_passed)
		return;
	s->end_by_passed = true;
	fail_set_reason(f, f->phase, FAIL_TIMEOUT, FAIL_R_DEADLINE,
			"the whole connection took longer than its deadline "
			"of %g s (--deadline), still in %s after %zu repl%s "
			"since the last completed command: the server "
			"answers each wait within the %g s timeout but never "
			"finishes (trickling)", config_deadline_s(&s->cfg),
			phase_name(f->phase), s->pipe.since_done,
			s->pipe.since_done == 1 ? "y" : "ies",
			s->cfg.timeout_s);
	f->waited_ms = now - s->t0;
}

void
sess_transcript(struct session *s, char dir, const char *text, size_t len)
{
	struct event *ev = event_new(EV_TRANSCRIPT, s->phase);
	char buf[SESS_RAW_MAX * 4 + 64];
	size_t n;

	if (ev == NULL)
		return;
	ev->dir = dir;
	if (len >= 2 && text[len - 2] == '\r' && text[len - 1] == '\n')
		len -= 2;
	n = escape_line(text, len, buf, sizeof(buf));
	if (event_set_text(ev, buf, n) != 0) {
		event_free(ev);
		return;
	}
	sess_emit(s, ev);
}

void
sess_emit_tls(struct session *s)
{
	struct event *ev;
	char *pem;
	size_t len;

	if (s->link.tls == NULL)
		return;
	ev = event_new(EV_TLS, s->phase);
	if (ev == NULL)
		return;
	ev->tls = malloc(sizeof(*ev->tls));
	if (ev->tls == NULL) {
		event_free(ev);
		return;
	}
	tls_get_summary(s->link.tls, ev->tls);
	if (tls_chain_pem(s->link.tls, &pem, &len) == 0) {
		event_set_text(ev, pem, len);
		free(pem);
	}
	sess_emit(s, ev);
}

void
sess_emit_caps(struct session *s, bool after_tls)
{
	struct event *ev = event_new(EV_CAPS, s->phase);
	char buf[4096];
	size_t len = 0;

	if (ev == NULL)
		return;
	buf[0] = '\0';
	/* Capabilities are the server's words: escaped like its text. */
	for (size_t i = 0; i < s->caps.n && len + 2 < sizeof(buf); i++) {
		if (i > 0)
			buf[len++] = ' ';
		len += escape_line(s->caps.name[i], strlen(s->caps.name[i]),
				   buf + len, sizeof(buf) - len);
	}
	ev->flag = after_tls;
	if (event_set_text(ev, buf, len) != 0) {
		event_free(ev);
		return;
	}
	sess_emit(s, ev);
}

void
sess_caps_clear(struct sess_caps *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->name[i]);
	free(c->name);
	c->name = NULL;
	c->n = 0;
}

bool
sess_caps_has(const struct sess_caps *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcasecmp(c->name[i], name) == 0)
			return true;
	return false;
}

static void
emit_failure(struct session *s)
{
	struct event *ev = event_new(EV_FAILURE, s->fail.phase);

	if (ev == NULL)
		return;
	ev->failure = malloc(sizeof(*ev->failure));
	if (ev->failure == NULL) {
		event_free(ev);
		return;
	}
	*ev->failure = s->fail;
	sess_emit(s, ev);
}

/* Forget the connection that failed, to make a new one: what the
 * server said, the tags, the parser; the settings and the secrets
 * stay. */
static void
sess_restart(struct session *s)
{
	sess_link_end(s, true);
	flow_tls_discard(s);
	imap_parser_free(s->parser);
	s->parser = NULL;
	s->rpos = s->rlen = 0;
	imap_response_free(s->held);
	s->held = NULL;
	sess_caps_clear(&s->caps);
	s->cmd_flags = 0;
	s->usable = s->preauth = s->caps_after_tls_needed = false;
	s->mech_before_tls = 0;
	s->id_before_tls = s->id_asked = s->id_with_logout = false;
	s->modern_before_tls = false;
	s->logging_out = false;
	s->awaiting[0] = '\0';
	imap_tagger_init(&s->tagger, "A");
	pipe_reset(&s->pipe);
	memset(&s->fail, 0, sizeof(s->fail));
}

static void
emit_retry(struct session *s)
{
	struct event *ev = event_new(EV_RETRY, s->fail.phase);
	char buf[FAIL_DETAIL_MAX + 160];

	if (ev == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s; trying again on a new connection, "
		 "one command per round trip", s->fail.detail);
	if (event_set_text(ev, buf, strlen(buf)) != 0) {
		event_free(ev);
		return;
	}
	sess_emit(s, ev);
}

/* The connection, once more without pipelining when the server
 * mishandled commands sent together (never when the user cancelled:
 * that failure is not the server's). */
static int
sess_attempts(struct session *s)
{
	int rc = sess_run(s);

	if (rc == 0 || s->fail.cls != FAIL_PIPELINING || s->pipe.off)
		return rc;
	if (s->phase_open)
		sess_phase_end(s, PHASE_FAILED, "%s",
			       fail_class_name(s->fail.cls));
	emit_retry(s);
	sess_restart(s);
	s->pipe.off = true;
	return sess_run(s);
}

static void *
session_main(void *arg)
{
	struct session *s = arg;
	struct event *done;
	int rc;

	s->t0 = clock_ms();
	s->end_by = s->t0 + (int64_t)(config_deadline_s(&s->cfg) * 1000);
	if (!s->cfg.stay_open)
		sess_requests_close(s);
	imap_tagger_init(&s->tagger, "A");
	s->cmd = imap_cmd_new();
	if (s->cmd == NULL) {
		fail_set(&s->fail, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		rc = -1;
	} else {
		rc = sess_attempts(s);
	}
	if (rc != 0) {
		sess_deadline_check(s);
		if (s->phase_open)
			sess_phase_end(s, PHASE_FAILED, "%s",
				       fail_class_name(s->fail.cls));
		if (!s->usable)
			sess_tunnel_close(s, true);
		emit_failure(s);
	}
	sess_requests_close(s);
	sess_logout(s);
	sess_link_end(s, false);
	flow_tls_discard(s);
	config_wipe(&s->cfg);
	imap_parser_free(s->parser);
	s->parser = NULL;
	imap_response_free(s->held);
	s->held = NULL;
	imap_cmd_free(s->cmd);
	s->cmd = NULL;
	sess_caps_clear(&s->caps);
	redact_wipe(&s->redact);
	done = event_new(EV_DONE, s->phase);
	if (done != NULL)
		done->flag = rc == 0;
	sess_emit(s, done);
	return NULL;
}

/* The forms of every secret the session holds, kept until it ends:
 * the password itself is wiped as soon as it is sent. */
static int
redact_secrets(struct session *s)
{
	redact_init(&s->redact);
	if (s->cfg.have_password
	    && redact_add_secret(&s->redact, s->cfg.user, s->cfg.password) != 0)
		return -1;
	if (s->cfg.ep.tls.key_password[0] != '\0'
	    && redact_add_secret(&s->redact, NULL, s->cfg.ep.tls.key_password) != 0)
		return -1;
	return 0;
}

struct session *
session_start(const struct conn_config *cfg, struct event_queue *q,
	      struct failure *f)
{
	struct session *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->q = q;
	s->link.fd = -1;
	s->pipe.off = cfg->no_pipelining;
	if (redact_secrets(s) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&s->cancel_lock, NULL);
	if (pipe2(s->cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "pipe: %s",
			 strerror(errno));
		goto fail;
	}
	if (pipe2(s->req_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "pipe: %s",
			 strerror(errno));
		close(s->cancel[0]);
		close(s->cancel[1]);
		goto fail;
	}
	s->link.cancel_fd = s->cancel[0];
	if (thread_start(&s->thread, NULL, session_main, s) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "cannot start a "
			 "thread");
		close(s->cancel[0]);
		close(s->cancel[1]);
		close(s->req_pipe[0]);
		close(s->req_pipe[1]);
		goto fail;
	}
	return s;
fail:
	redact_wipe(&s->redact);
	config_wipe(&s->cfg);
	pthread_mutex_destroy(&s->cancel_lock);
	free(s);
	return NULL;
}

void
session_cancel(struct session *s)
{
	static const char byte = 'c';

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->cancel_lock);
	if (!s->cancelled) {
		s->cancelled = true;
		if (write(s->cancel[1], &byte, 1) < 0) {
			/* The pipe is new and empty: cannot be full. */
		}
	}
	pthread_mutex_unlock(&s->cancel_lock);
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	pthread_join(s->thread, NULL);
	close(s->cancel[0]);
	close(s->cancel[1]);
	close(s->req_pipe[0]);
	close(s->req_pipe[1]);
	pthread_mutex_destroy(&s->cancel_lock);
	free(s);
}
