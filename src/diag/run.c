/* run.c - the record of one run, grown from a session's events and
 * read by every output. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mailbox.h"
#include "mbtree.h"
#include "run.h"
#include "server_id.h"
#include "tls.h"

struct run *
run_new(const struct conn_config *cfg, size_t tail_lines)
{
	struct run *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->tree = mbtree_new();
	if (r->tree == NULL) {
		free(r);
		return NULL;
	}
	r->tail_max = tail_lines;
	r->cfg = *cfg;
	config_wipe(&r->cfg);
	r->cfg.have_password = false;
	return r;
}

static void
free_line(struct run_line *l)
{
	free(l->text);
	l->text = NULL;
}

void
run_free(struct run *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].text);
		free(r->items[i].tls);
		free(r->items[i].server_id);
		free(r->items[i].selected);
	}
	free(r->items);
	for (size_t i = 0; i < r->nhead; i++)
		free_line(&r->head[i]);
	for (size_t i = 0; i < r->tail_cap; i++)
		free_line(&r->tail[i]);
	free(r->head);
	free(r->tail);
	mbtree_free(r->tree);
	free(r);
}

/* ---- collecting ----------------------------------------------------- */

/* A copy of len bytes at p; NULL when p is NULL, or (r->lost set)
 * when out of memory. */
static void *
copy_of(struct run *r, const void *p, size_t len)
{
	void *c;

	if (p == NULL)
		return NULL;
	c = malloc(len);
	if (c == NULL) {
		r->lost = true;
		return NULL;
	}
	memcpy(c, p, len);
	return c;
}

static struct run_item *
new_item(struct run *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct run_item *v = realloc(r->items, cap * sizeof(*v));

		if (v == NULL) {
			r->lost = true;
			return NULL;
		}
		r->items = v;
		r->cap = cap;
	}
	return &r->items[r->n++];
}

static void
keep_item(struct run *r, const struct event *ev)
{
	struct run_item *it = new_item(r);

	if (it == NULL)
		return;
	*it = (struct run_item){
		.type = ev->type, .phase = ev->phase, .conn = r->conns,
		.at_ms = ev->at_ms, .elapsed_ms = ev->elapsed_ms,
		.result = ev->result, .flag = ev->flag,
	};
	if (ev->text != NULL)
		it->text = copy_of(r, ev->text, strlen(ev->text) + 1);
	if (ev->type == EV_TLS)
		it->tls = copy_of(r, ev->tls, sizeof(*it->tls));
	if (ev->type == EV_SERVER_ID)
		it->server_id = copy_of(r, ev->server_id,
					sizeof(*it->server_id));
	if (ev->type == EV_SELECTED)
		it->selected = copy_of(r, ev->selected,
				       sizeof(*it->selected));
}

/* Room for one more line after the head: the ring grows to
 * r->tail_max, then the oldest line gives way. */
static struct run_line *
tail_slot(struct run *r)
{
	size_t at = r->tail_seen % r->tail_max;

	if (at >= r->tail_cap) {
		size_t cap = r->tail_cap ? r->tail_cap * 2 : 256;
		struct run_line *v;

		if (cap > r->tail_max)
			cap = r->tail_max;
		v = realloc(r->tail, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		memset(v + r->tail_cap, 0, (cap - r->tail_cap) * sizeof(*v));
		r->tail = v;
		r->tail_cap = cap;
	}
	r->tail_seen++;
	free_line(&r->tail[at]);
	return &r->tail[at];
}

static void
keep_line(struct run *r, const struct event *ev)
{
	struct run_line *l = NULL;

	if (r->tail_max == 0)
		return;
	if (r->head == NULL)
		r->head = calloc(RUN_LINES_HEAD, sizeof(*r->head));
	if (r->head != NULL && ev->text != NULL)
		l = r->nhead < RUN_LINES_HEAD ? &r->head[r->nhead++] :
		    tail_slot(r);
	if (l == NULL) {
		r->lost = true;
		return;
	}
	l->wall_ms = ev->wall_ms;
	l->dir = ev->dir;
	l->text = strdup(ev->text);
	if (l->text == NULL)
		r->lost = true;
}

/* A listed mailbox goes into the tree, which owns it from then on;
 * counts that come later go to their mailbox. */
static void
keep_mailbox(struct run *r, struct event *ev)
{
	const struct mailbox_entry *m = ev->mailbox;

	if (ev->type == EV_MAILBOX)
		r->listed++;
	if (m == NULL || r->tree == NULL)
		return;
	if (ev->type == EV_STATUS) {
		if (m->has_status)
			mbtree_set_status(r->tree, m->raw, m->raw_len,
					  m->messages, m->unseen);
		return;
	}
	/* mbtree_add() owns the entry from now, even when it fails. */
	mbtree_add(r->tree, ev->mailbox);
	ev->mailbox = NULL;
}

/* A new connection follows, one command per round trip: what the
 * connection given up listed goes; its other data stays, marked as
 * its own. */
static void
next_connection(struct run *r)
{
	struct mbtree *t = mbtree_new();

	if (t != NULL) {
		mbtree_free(r->tree);
		r->tree = t;
	}
	r->conns++;
}

void
run_apply(struct run *r, struct event *ev)
{
	switch (ev->type) {
	case EV_TRANSCRIPT:
		keep_line(r, ev);
		break;
	case EV_MAILBOX:
	case EV_STATUS:
		keep_mailbox(r, ev);
		break;
	case EV_FAILURE:
		if (ev->failure != NULL)
			run_fail(r, ev->failure);
		break;
	case EV_READY:
		r->ready = true;
		r->ready_ms = ev->at_ms;
		break;
	case EV_DONE:
		r->done = true;
		r->success = ev->flag;
		r->total_ms = ev->at_ms;
		break;
	case EV_RETRY:
		keep_item(r, ev);
		next_connection(r);
		break;
	case EV_PHASE_START:
	case EV_PHASE_END:
	case EV_ADDRESS:
	case EV_ATTEMPT:
	case EV_TLS:
	case EV_CAPS:
	case EV_SERVER_ID:
	case EV_NOTE:
	case EV_SELECTED:
		keep_item(r, ev);
		break;
	default:
		break;
	}
}

void
run_fail(struct run *r, const struct failure *f)
{
	r->failure = *f;
	run_explain(r, &r->failure);
	r->failed = true;
}

/* ---- reading -------------------------------------------------------- */

bool
run_in(const struct run *r, const struct run_item *it, enum run_scope s)
{
	switch (it->type) {
	case EV_TLS:
	case EV_CAPS:
	case EV_SERVER_ID:
	case EV_SELECTED:
		return s == RUN_ALL || it->conn == r->conns;
	default:
		return true;
	}
}

const struct run_item *
run_find(const struct run *r, enum event_type t, enum run_scope s,
	 bool last)
{
	const struct run_item *found = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct run_item *it = &r->items[i];

		if (it->type != t || !run_in(r, it, s))
			continue;
		found = it;
		if (!last)
			break;
	}
	return found;
}

bool
run_starttls_done(const struct run *r, enum run_scope s)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].type == EV_TLS
		    && r->items[i].phase == PHASE_STARTTLS
		    && run_in(r, &r->items[i], s))
			return true;
	return false;
}

void
run_explain(const struct run *r, struct failure *f)
{
	struct diag_input in;

	diag_input_init(&in, &r->cfg);
	for (size_t i = 0; i < r->n; i++) {
		const struct run_item *it = &r->items[i];
		struct event ev;

		if (!run_in(r, it, RUN_LAST))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = it->type;
		ev.phase = it->phase;
		ev.elapsed_ms = it->elapsed_ms;
		ev.result = it->result;
		ev.flag = it->flag;
		ev.text = it->text;
		ev.tls = it->tls;
		diag_input_add(&in, &ev);
	}
	diag_explain(f, &in);
}

void
run_caps_lists(const struct run *r, enum run_scope s,
	       const char *lists[CAPDIFF_SLOTS])
{
	for (int i = 0; i < CAPDIFF_SLOTS; i++)
		lists[i] = NULL;
	for (size_t i = 0; i < r->n; i++) {
		const struct run_item *it = &r->items[i];

		if (it->type == EV_CAPS && it->text != NULL
		    && run_in(r, it, s))
			lists[capdiff_slot_of(it->phase, it->flag)] = it->text;
	}
}

int
run_capdiff(const struct run *r, enum run_scope s, struct capdiff *d)
{
	const char *lists[CAPDIFF_SLOTS];

	run_caps_lists(r, s, lists);
	memset(d, 0, sizeof(*d));
	return capdiff_build(d, lists);
}

size_t
run_lines(const struct run *r)
{
	return r->nhead + r->tail_seen;
}

const struct run_line *
run_line(const struct run *r, size_t i)
{
	size_t kept = r->tail_seen < r->tail_max ? r->tail_seen : r->tail_max;

	if (i < r->nhead)
		return &r->head[i];
	i -= r->nhead;
	if (i >= r->tail_seen || i < r->tail_seen - kept)
		return NULL;
	return &r->tail[i % r->tail_max];
}
