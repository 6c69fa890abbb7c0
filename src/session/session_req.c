/* session_req.c - after the mailbox list, a session that stays open
 * takes requests from its consumer (open a mailbox, count one, quit)
 * and answers them with events. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envelope.h"
#include "imap_cmd.h"
#include "imap_parse.h"
#include "mailbox.h"
#include "message.h"
#include "mboxname.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_io.h"
#include "session_mailbox.h"
#include "session_req.h"

/* STATUS commands sent in one write at most. */
#define REQ_STATUS_BATCH 64

struct request {
	enum session_req_type type;
	unsigned newest;
	size_t len;
	struct request *next;
	char raw[];		/* the mailbox's raw name, NUL-terminated */
};

static struct request *
request_new(enum session_req_type type, const char *raw, size_t len,
	    unsigned newest)
{
	struct request *r = calloc(1, sizeof(*r) + len + 1);

	if (r == NULL)
		return NULL;
	r->type = type;
	r->newest = newest;
	r->len = len;
	if (len > 0)
		memcpy(r->raw, raw, len);
	return r;
}

static void
requests_free(struct request *r)
{
	while (r != NULL) {
		struct request *next = r->next;

		free(r);
		r = next;
	}
}

/* Queue the chain from first at once, with one wake-up. */
static int
queue_chain(struct session *s, struct request *first)
{
	struct request **tail;
	int rc = 0;

	pthread_mutex_lock(&s->cancel_lock);
	if (s->req_closed) {
		rc = -1;
		requests_free(first);
	} else {
		tail = &s->req_head;
		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = first;
		if (write(s->req_pipe[1], "r", 1) < 0 && errno != EAGAIN)
			rc = -1;
	}
	pthread_mutex_unlock(&s->cancel_lock);
	return rc;
}

int
session_req_push(struct session *s, enum session_req_type type,
		 const char *raw, size_t len, unsigned newest)
{
	struct request *r = request_new(type, raw, len, newest);

	if (r == NULL)
		return -1;
	return queue_chain(s, r);
}

int
session_req_push_statuses(struct session *s, const char *const *raws,
			  const size_t *lens, size_t n)
{
	struct request *first = NULL, **tail = &first, *last = NULL;

	for (size_t i = 0; i < n; i++) {
		last = request_new(SESSION_REQ_STATUS, raws[i], lens[i], 0);
		if (last == NULL) {
			requests_free(first);
			return -1;
		}
		*tail = last;
		tail = &last->next;
	}
	if (first == NULL)
		return 0;
	return queue_chain(s, first);
}

static struct request *
pop_request(struct session *s)
{
	struct request *r;
	char buf[64];

	pthread_mutex_lock(&s->cancel_lock);
	r = s->req_head;
	if (r != NULL)
		s->req_head = r->next;
	else
		while (read(s->req_pipe[0], buf, sizeof(buf)) > 0)
			;
	pthread_mutex_unlock(&s->cancel_lock);
	return r;
}

void
session_req_close(struct session *s)
{
	struct request *r, *next;

	pthread_mutex_lock(&s->cancel_lock);
	s->req_closed = true;
	r = s->req_head;
	s->req_head = NULL;
	pthread_mutex_unlock(&s->cancel_lock);
	for (; r != NULL; r = next) {
		next = r->next;
		free(r);
	}
}

static void
request_done(struct session *s, const struct failure *f)
{
	struct event *ev = event_new(EV_REQUEST_DONE, s->phase);

	if (ev == NULL)
		return;
	/* Out of memory, the request still ends, with no reason given. */
	if (f != NULL)
		(void)event_set_failure(ev, f);
	session_emit_event(s, ev);
}

/* The command could not be built (a name with CR, LF or NUL): the
 * request fails, the session goes on. */
static int
build_refused(struct session *s)
{
	struct failure f;
	char why[200];

	imap_cmd_error_format(imap_cmd_error(s->cmd), why, sizeof(why));
	fail_set(&f, s->phase, FAIL_USAGE, "cannot send the command: %s",
		 why);
	request_done(s, &f);
	return 0;
}

/* A command whose refusal ends only the request: 0 done, 1 refused
 * (reported), -1 the session failed. */
static int
run_command(struct session *s, session_io_untagged_fn fn, void *arg,
	    struct imap_response **done)
{
	char text[400];
	struct failure f;

	if (session_io_send(s, s->cmd) < 0)
		return -1;
	if (session_io_until_tagged(s, imap_cmd_tag(s->cmd), fn, arg, done)
	    != 0)
		return -1;
	if ((*done)->status == IMAP_ST_OK)
		return 0;
	session_io_server_text(*done, text, sizeof(text));
	fail_set(&f, s->phase, FAIL_SERVER, "%s refused: %s",
		 phase_name(s->phase), text);
	request_done(s, &f);
	imap_response_free(*done);
	*done = NULL;
	return 1;
}

static int
serve_status(struct session *s, const struct request *r)
{
	struct imap_response *done = NULL;
	int rc;

	s->phase = PHASE_LIST;
	imap_cmd_set_flags(s->cmd, s->cmd_flags);
	if (imap_cmd_status(s->cmd, &s->tagger, r->raw, r->len) != 0)
		return build_refused(s);
	rc = run_command(s, session_mailbox_status, NULL, &done);
	if (rc == 0)
		request_done(s, NULL);
	imap_response_free(done);
	return rc < 0 ? -1 : 0;
}

/* The STATUS command of r in a command of its own, when it fits in one
 * write with others (no literal); NULL otherwise. */
static struct imap_cmd *
status_cmd(struct session *s, const struct request *r)
{
	struct imap_cmd *c = imap_cmd_new();

	if (c == NULL)
		return NULL;
	imap_cmd_set_flags(c, s->cmd_flags);
	if (imap_cmd_status(c, &s->tagger, r->raw, r->len) != 0 ||
	    imap_cmd_nsegments(c) != 1) {
		imap_cmd_free(c);
		return NULL;
	}
	return c;
}

/* The STATUS requests queued behind the first (itself one), as long as
 * each is one plain command, up to REQ_STATUS_BATCH in all: they go out
 * in one write, so that a page of counts costs one round trip.  The
 * first request that does not fit goes back to the queue. */
static size_t
take_statuses(struct session *s, struct request **reqs,
	      struct imap_cmd **cmds)
{
	size_t n = 1;

	pthread_mutex_lock(&s->cancel_lock);
	while (n < REQ_STATUS_BATCH && s->req_head != NULL &&
	       s->req_head->type == SESSION_REQ_STATUS) {
		struct request *r = s->req_head;

		cmds[n] = status_cmd(s, r);
		if (cmds[n] == NULL)
			break;
		s->req_head = r->next;
		r->next = NULL;
		reqs[n++] = r;
	}
	pthread_mutex_unlock(&s->cancel_lock);
	return n;
}

/* Send the n STATUS commands together, then read each reply in order:
 * every request gets its EV_STATUS and EV_REQUEST_DONE, or a refusal,
 * as if served one by one. */
static int
run_statuses(struct session *s, struct imap_cmd *const *cmds, size_t n)
{
	char text[400];
	struct failure f;

	if (session_io_send_together(s, cmds, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct imap_response *done = NULL;

		if (session_io_until_tagged(s, imap_cmd_tag(cmds[i]),
					    session_mailbox_status, NULL,
					    &done) != 0)
			return -1;
		if (done->status == IMAP_ST_OK) {
			request_done(s, NULL);
		} else {
			session_io_server_text(done, text, sizeof(text));
			fail_set(&f, s->phase, FAIL_SERVER,
				 "%s refused: %s", phase_name(s->phase),
				 text);
			request_done(s, &f);
		}
		imap_response_free(done);
	}
	return 0;
}

/* r and the STATUS requests right behind it.  r itself is served alone
 * when its command needs a literal (or cannot be built). */
static int
serve_statuses(struct session *s, struct request *r)
{
	struct request *reqs[REQ_STATUS_BATCH];
	struct imap_cmd *cmds[REQ_STATUS_BATCH];
	size_t n;
	int rc;

	s->phase = PHASE_LIST;
	cmds[0] = status_cmd(s, r);
	if (cmds[0] == NULL)
		return serve_status(s, r);
	reqs[0] = r;
	n = take_statuses(s, reqs, cmds);
	rc = run_statuses(s, cmds, n);
	for (size_t i = 0; i < n; i++) {
		imap_cmd_free(cmds[i]);
		if (i > 0)
			free(reqs[i]);
	}
	return rc;
}

/* The FETCH answers kept: only for the messages asked for (lo..hi) and
 * no more than were asked for, whatever else the server sends. */
struct fetched {
	struct message_summary *m;
	size_t n, cap, max;
	uint32_t lo, hi;
};

static int
fetch_untagged(struct session *s, const struct imap_response *r, void *arg)
{
	struct fetched *f = arg;
	struct message_summary one;

	(void)s;
	if (envelope_from_fetch(r, &one) != 0)
		return 0;
	if (one.seq < f->lo || one.seq > f->hi || f->n >= f->max)
		return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		struct message_summary *v = realloc(f->m, cap * sizeof(*v));

		if (v == NULL)
			return 0;
		f->m = v;
		f->cap = cap;
	}
	f->m[f->n++] = one;
	return 0;
}

static int
newest_first(const void *a, const void *b)
{
	const struct message_summary *x = a, *y = b;

	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

static void
emit_messages(struct session *s, struct fetched *f)
{
	qsort(f->m, f->n, sizeof(*f->m), newest_first);
	for (size_t i = 0; i < f->n; i++) {
		struct event *ev = event_new(EV_MESSAGE, PHASE_SELECT);

		if (ev == NULL)
			continue;
		ev->message = malloc(sizeof(*ev->message));
		if (ev->message == NULL) {
			event_free(ev);
			continue;
		}
		*ev->message = f->m[i];
		session_emit_event(s, ev);
	}
}

static int
fetch_newest(struct session *s, uint32_t exists, unsigned newest)
{
	struct imap_response *done = NULL;
	struct fetched f;
	int rc;

	if (exists == 0 || newest == 0)
		return 0;
	memset(&f, 0, sizeof(f));
	f.max = newest;
	f.hi = exists;
	f.lo = newest >= exists ? 1 : exists - newest + 1;
	if (imap_cmd_fetch_newest(s->cmd, &s->tagger, exists, newest) != 0)
		return 0;	/* nothing to fetch: the request is done */
	rc = run_command(s, fetch_untagged, &f, &done);
	if (rc == 0)
		emit_messages(s, &f);
	imap_response_free(done);
	free(f.m);
	return rc;
}

static int
examine_untagged(struct session *s, const struct imap_response *r,
		 void *arg)
{
	(void)s;
	imap_resp_mailbox(r, arg);
	return 0;
}

static int
serve_examine(struct session *s, const struct request *r)
{
	struct imap_mailbox_info mi;
	struct imap_response *done = NULL;
	int rc;

	memset(&mi, 0, sizeof(mi));
	session_emit_begin(s, PHASE_SELECT);
	imap_cmd_set_flags(s->cmd, s->cmd_flags);
	if (imap_cmd_select(s->cmd, &s->tagger, r->raw, r->len, false)
	    != 0) {
		s->phase_open = false;
		return build_refused(s);
	}
	rc = run_command(s, examine_untagged, &mi, &done);
	if (rc == 0) {
		imap_resp_mailbox(done, &mi);
		session_mailbox_selected(s, r->raw, r->len, 0, &mi);
		session_emit_end(s, PHASE_OK, "%u messages", mi.exists);
		rc = fetch_newest(s, mi.exists, r->newest);
		if (rc == 0)
			request_done(s, NULL);
	} else {
		s->phase_open = false;
	}
	imap_response_free(done);
	imap_mailbox_info_free(&mi);
	return rc < 0 ? -1 : 0;
}

/* Something arrived while idle: read it; BYE ends the session. */
static int
unsolicited(struct session *s)
{
	struct imap_response *r;

	if (session_io_read(s, &r) != 0)
		return -1;
	if (imap_resp_is_bye(r)) {
		session_io_bye(s, r);
		imap_response_free(r);
		return -1;
	}
	imap_response_free(r);
	return 0;
}

/* Wait for a request, the cancel, or the server.  1 when a request
 * may be waiting, 0 when the server spoke, -1 on failure. */
static int
idle_wait(struct session *s)
{
	struct pollfd pfd[3] = {
		{ .fd = s->req_pipe[0], .events = POLLIN },
		{ .fd = s->cancel[0], .events = POLLIN },
		{ .fd = s->link.fd, .events = POLLIN },
	};

	if (session_io_buffered(s) > 0 || link_pending(&s->link) > 0)
		return unsolicited(s);
	session_emit_flush(s);
	while (poll(pfd, 3, -1) < 0)
		if (errno != EINTR)
			return 1;
	if (pfd[1].revents != 0) {
		fail_set(&s->fail, s->phase, FAIL_CANCELLED, "cancelled");
		s->usable = false;
		return -1;
	}
	if (pfd[0].revents != 0)
		return 1;
	return unsolicited(s);
}

int
session_req_serve(struct session *s)
{
	session_emit_event(s, event_new(EV_READY, s->phase));
	for (;;) {
		struct request *r = pop_request(s);
		int rc = 0;

		if (r == NULL) {
			rc = idle_wait(s);
			if (rc < 0)
				return -1;
			continue;
		}
		if (r->type == SESSION_REQ_QUIT) {
			free(r);
			return 0;
		}
		if (r->type == SESSION_REQ_EXAMINE)
			rc = serve_examine(s, r);
		else
			rc = serve_statuses(s, r);
		free(r);
		if (rc != 0)
			return -1;
	}
}
