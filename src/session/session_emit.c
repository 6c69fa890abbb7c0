/* session_emit.c - the events a session reports, each built, cleaned
 * of its secrets and pushed on the caller's queue. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "escape.h"
#include "mailbox.h"
#include "message.h"
#include "redact.h"
#include "server_id.h"
#include "session_emit.h"
#include "session_int.h"
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
		c = mailbox_entry_renamed(m, raw, raw_len, display);
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
	redact_buf(&s->redact, f->challenge, sizeof(f->challenge));
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

/* The events a long reply brings by the thousand (mailboxes,
 * counts, messages, lines): they wait in the batch for the next wait
 * or any other event, so that many cross to the consumer at once. */
static bool
is_bulk(enum event_type t)
{
	return t == EV_MAILBOX || t == EV_STATUS || t == EV_MESSAGE ||
	       t == EV_TRANSCRIPT;
}

void
session_emit_event(struct session *s, struct event *ev)
{
	if (ev == NULL)
		return;
	redact_event(s, ev);
	ev->at_ms = clock_ms() - s->t0;
	ev->wall_ms = clock_wall_ms();
	event_batch_add(&s->batch, ev);
	if (!is_bulk(ev->type) || s->batch.n >= SESS_BATCH_MAX)
		session_emit_flush(s);
}

void
session_emit_flush(struct session *s)
{
	event_queue_push_batch(s->q, &s->batch);
}

void
session_emit_note(struct session *s, const char *fmt, ...)
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
	session_emit_event(s, ev);
}

void
session_emit_begin(struct session *s, enum phase p)
{
	if (s->phase_open && s->phase == p)
		return;
	s->phase = p;
	s->phase_t0 = clock_ms();
	s->phase_open = true;
	session_emit_event(s, event_new(EV_PHASE_START, p));
}

void
session_emit_end(struct session *s, enum phase_result r, const char *fmt,
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
	session_emit_event(s, ev);
}

void
session_emit_skip(struct session *s, enum phase p, const char *why)
{
	session_emit_begin(s, p);
	session_emit_end(s, PHASE_SKIPPED, "%s", why);
}

void
session_emit_wait(struct session *s, int64_t deadline_ms)
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
	session_emit_event(s, ev);
}


void
session_emit_transcript(struct session *s, char dir, const char *text,
			size_t len)
{
	struct event *ev;
	char buf[SESS_RAW_MAX * 4 + 64];
	size_t n;

	if (!s->cfg.transcript)
		return;
	ev = event_new(EV_TRANSCRIPT, s->phase);
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
	session_emit_event(s, ev);
}

/* What trusted the key when the session decided it (a pin, a
 * certificate accepted earlier), into the summary. */
static void
tls_decision(const struct session *s, struct tls_summary *sum)
{
	if (s->trusted_by == NULL)
		return;
	snprintf(sum->trusted_by, sizeof(sum->trusted_by), "%s",
		 s->trusted_by);
	if (strcmp(s->trusted_by, "pin") == 0)
		snprintf(sum->trust, sizeof(sum->trust), "the key pinned "
			 "(--pin)%s", sum->verified ? " and the chain" : "");
	else
		snprintf(sum->trust, sizeof(sum->trust), "the key accepted "
			 "on %s (known_certs)", s->known.first_seen);
}

void
session_emit_tls(struct session *s)
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
	tls_decision(s, ev->tls);
	if (tls_chain_pem(s->link.tls, &pem, &len) == 0) {
		event_set_text(ev, pem, len);
		free(pem);
	}
	session_emit_event(s, ev);
}

/* Emit ev (NULL: out of memory, nothing is sent) with a copy of
 * text (len bytes) when text is not NULL, and of *f when f is not
 * NULL; when a copy cannot be made, the event is dropped. */
static void
emit_carrying(struct session *s, struct event *ev, const char *text,
	      size_t len, const struct failure *f)
{
	if (ev == NULL)
		return;
	if ((text != NULL && event_set_text(ev, text, len) != 0)
	    || (f != NULL && event_set_failure(ev, f) != 0)) {
		event_free(ev);
		return;
	}
	session_emit_event(s, ev);
}

void
session_emit_caps(struct session *s, bool after_tls)
{
	struct event *ev = event_new(EV_CAPS, s->phase);
	char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	/* Capabilities are the server's words: escaped like its text. */
	for (size_t i = 0; i < s->caps.n && len + 2 < sizeof(buf); i++) {
		if (i > 0)
			buf[len++] = ' ';
		len += escape_line(s->caps.name[i], strlen(s->caps.name[i]),
				   buf + len, sizeof(buf) - len);
	}
	if (ev != NULL)
		ev->flag = after_tls;
	emit_carrying(s, ev, buf, len, NULL);
}

void
session_emit_failure(struct session *s)
{
	emit_carrying(s, event_new(EV_FAILURE, s->fail.phase), NULL, 0,
		      &s->fail);
}

void
session_emit_retry(struct session *s, const char *how)
{
	char buf[FAIL_DETAIL_MAX + 160];

	snprintf(buf, sizeof(buf), "%s; trying again on a new connection, "
		 "%s", s->fail.detail, how);
	emit_carrying(s, event_new(EV_RETRY, s->fail.phase), buf,
		      strlen(buf), NULL);
}

