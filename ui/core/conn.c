/* conn.c - one connection's session, the record of its events and
 * what the interface shows of them. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conn.h"
#include "mbtree.h"
#include "net.h"
#include "report.h"
#include "run.h"
#include "session.h"
#include "tls.h"
#include "transcript.h"

static const char *const state_names[CONN_STATE_COUNT] = {
	[CONN_WAITING] = "waiting",
	[CONN_RUNNING] = "running",
	[CONN_OK] = "ok",
	[CONN_FAILED] = "FAILED",
	[CONN_SKIPPED] = "skipped",
};

const char *
conn_state_name(enum conn_state s)
{
	if ((unsigned)s >= CONN_STATE_COUNT)
		return "?";
	return state_names[s];
}

enum conn_state
conn_phase_state(const struct conn *c, enum phase p)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].kind == CONN_ROW_PHASE && c->rows[i].phase == p)
			return c->rows[i].state;
	return CONN_WAITING;
}

/* ---------------------------------------------------------------- rows */

static struct conn_row *
insert_row(struct conn *c, size_t at)
{
	if (c->nrows == CONN_ROWS_MAX)
		return NULL;
	memmove(&c->rows[at + 1], &c->rows[at],
		(c->nrows - at) * sizeof(c->rows[0]));
	c->nrows++;
	memset(&c->rows[at], 0, sizeof(c->rows[0]));
	return &c->rows[at];
}

/* The row of phase p, or NULL. */
static struct conn_row *
phase_row(struct conn *c, enum phase p)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].kind == CONN_ROW_PHASE && c->rows[i].phase == p)
			return &c->rows[i];
	return NULL;
}

/* Where a row of phase p goes: after the rows of earlier phases and,
 * for a sub-row (after_own), after its phase's row and sub-rows. */
static size_t
row_slot(const struct conn *c, enum phase p, bool after_own)
{
	size_t at = 0;

	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].phase < p
		    || (after_own && c->rows[i].phase == p))
			at = i + 1;
	return at;
}

static struct conn_row *
add_phase_row(struct conn *c, enum phase p)
{
	struct conn_row *r = phase_row(c, p);

	if (r != NULL)
		return r;
	r = insert_row(c, row_slot(c, p, false));
	if (r != NULL) {
		r->kind = CONN_ROW_PHASE;
		r->phase = p;
	}
	return r;
}

static void
plan_rows(struct conn *c, const struct conn_config *cfg)
{
	if (cfg->tunnel[0] != '\0') {
		add_phase_row(c, PHASE_TUNNEL);
	} else {
		add_phase_row(c, PHASE_RESOLVE);
		add_phase_row(c, PHASE_CONNECT);
	}
	if (cfg->ep.ssl)
		add_phase_row(c, PHASE_TLS);
	add_phase_row(c, PHASE_GREETING);
	add_phase_row(c, PHASE_CAPABILITY);
	if (cfg->ep.starttls != STARTTLS_OFF) {
		add_phase_row(c, PHASE_STARTTLS);
		add_phase_row(c, PHASE_CAPABILITY_TLS);
	}
	if (cfg->user[0] != '\0')
		add_phase_row(c, PHASE_AUTH);
	add_phase_row(c, PHASE_LIST);
}

static void
set_text(char *dst, size_t cap, const char *text)
{
	snprintf(dst, cap, "%s", text != NULL ? text : "");
}

static void
row_phase(struct conn *c, const struct run_item *it)
{
	struct conn_row *r = add_phase_row(c, it->phase);
	static const enum conn_state result_state[] = {
		[PHASE_OK] = CONN_OK,
		[PHASE_FAILED] = CONN_FAILED,
		[PHASE_SKIPPED] = CONN_SKIPPED,
	};

	if (r == NULL)
		return;
	if (it->type == EV_PHASE_START) {
		r->state = CONN_RUNNING;
		r->has_ms = false;
		r->text[0] = '\0';
		return;
	}
	r->state = (unsigned)it->result <= PHASE_SKIPPED ?
		   result_state[it->result] : CONN_FAILED;
	r->has_ms = r->state != CONN_SKIPPED;
	r->ms = it->elapsed_ms;
	set_text(r->text, sizeof(r->text), it->text);
}

static void
row_address(struct conn *c, const struct run_item *it)
{
	struct conn_row *r = insert_row(c, row_slot(c, PHASE_RESOLVE, true));

	if (r == NULL)
		return;
	r->kind = CONN_ROW_ADDRESS;
	r->phase = PHASE_RESOLVE;
	r->state = CONN_OK;
	set_text(r->text, sizeof(r->text), it->text);
}

static enum conn_state
attempt_state(int s)
{
	static const enum conn_state map[NET_ATTEMPT_STATE_COUNT] = {
		[NET_ATTEMPT_STARTED] = CONN_RUNNING,
		[NET_ATTEMPT_CONNECTED] = CONN_OK,
		[NET_ATTEMPT_REFUSED] = CONN_FAILED,
		[NET_ATTEMPT_UNREACHABLE] = CONN_FAILED,
		[NET_ATTEMPT_TIMEOUT] = CONN_FAILED,
		[NET_ATTEMPT_ERROR] = CONN_FAILED,
		[NET_ATTEMPT_CANCELLED] = CONN_SKIPPED,
		[NET_ATTEMPT_ABANDONED] = CONN_SKIPPED,
	};

	if (s < 0 || s >= NET_ATTEMPT_STATE_COUNT)
		return CONN_FAILED;
	return map[s];
}

static void
row_attempt(struct conn *c, const struct run_item *it)
{
	const char *addr = it->text != NULL ? it->text : "?";
	struct conn_row *r = NULL;

	for (size_t i = 0; i < c->nrows && r == NULL; i++)
		if (c->rows[i].kind == CONN_ROW_ATTEMPT
		    && strcmp(c->rows[i].text, addr) == 0)
			r = &c->rows[i];
	if (r == NULL) {
		add_phase_row(c, PHASE_CONNECT);
		r = insert_row(c, row_slot(c, PHASE_CONNECT, true));
		if (r == NULL)
			return;
		r->kind = CONN_ROW_ATTEMPT;
		r->phase = PHASE_CONNECT;
		set_text(r->text, sizeof(r->text), addr);
	}
	r->state = attempt_state(it->result);
	r->has_ms = it->result != NET_ATTEMPT_STARTED;
	r->ms = it->elapsed_ms;
	r->outcome = net_attempt_state_name((enum net_attempt_state)
					    it->result);
}

/* The rows again from the record: those planned, then each phase,
 * address and attempt in order; once the session ended, a row still
 * running took the session's outcome. */
static void
follow_rows(struct conn *c)
{
	const struct run *r = c->run;

	c->nrows = 0;
	plan_rows(c, &r->cfg);
	for (size_t i = 0; i < r->n; i++) {
		const struct run_item *it = &r->items[i];

		if (it->type == EV_PHASE_START || it->type == EV_PHASE_END)
			row_phase(c, it);
		else if (it->type == EV_ADDRESS)
			row_address(c, it);
		else if (it->type == EV_ATTEMPT)
			row_attempt(c, it);
	}
	for (size_t i = 0; r->done && i < c->nrows; i++)
		if (c->rows[i].state == CONN_RUNNING)
			c->rows[i].state = r->success ? CONN_OK : CONN_FAILED;
}

/* ---------------------------------------------------------- transcript */

size_t
conn_lines(const struct conn *c)
{
	size_t n = run_lines(c->run);

	return n < CONN_LINES_MAX ? n : CONN_LINES_MAX;
}

const struct conn_line *
conn_line(const struct conn *c, size_t i)
{
	size_t n = conn_lines(c);
	const struct run_line *l;

	if (i >= n)
		return NULL;
	l = run_line(c->run, run_lines(c->run) - n + i);
	if (l == NULL)
		return NULL;
	c->line_shown->wall_ms = l->wall_ms;
	c->line_shown->dir = l->dir;
	c->line_shown->text = l->text;
	return c->line_shown;
}

/* ------------------------------------------------------ status asked */

static uint64_t
name_hash(const char *raw, size_t len)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)raw[i];
		h *= 1099511628211ULL;
	}
	return h == 0 ? 1 : h;
}

static bool
asked_find(const struct conn *c, uint64_t h, size_t *slot)
{
	size_t i;

	if (c->asked_cap == 0)
		return false;
	i = (size_t)h & (c->asked_cap - 1);
	while (c->asked[i] != 0) {
		if (c->asked[i] == h)
			return true;
		i = (i + 1) & (c->asked_cap - 1);
	}
	*slot = i;
	return false;
}

static int
asked_grow(struct conn *c)
{
	size_t cap = c->asked_cap ? c->asked_cap * 2 : 256;
	uint64_t *old = c->asked, *v = calloc(cap, sizeof(*v));
	size_t old_cap = c->asked_cap;

	if (v == NULL)
		return -1;
	c->asked = v;
	c->asked_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		size_t slot = 0;

		if (old[i] != 0 && !asked_find(c, old[i], &slot))
			c->asked[slot] = old[i];
	}
	free(old);
	return 0;
}

static int
asked_add(struct conn *c, const char *raw, size_t len)
{
	uint64_t h = name_hash(raw, len);
	size_t slot = 0;

	if ((c->asked_n + 1) * 2 > c->asked_cap && asked_grow(c) != 0)
		return -1;
	if (asked_find(c, h, &slot))
		return 0;
	c->asked[slot] = h;
	c->asked_n++;
	return 0;
}

bool
conn_status_asked(const struct conn *c, const char *raw, size_t len)
{
	size_t slot;

	return asked_find(c, name_hash(raw, len), &slot);
}

/* ------------------------------------------------------------ requests */

static struct conn_req *
req_head(struct conn *c)
{
	return c->req_n > 0 ? &c->reqs[c->req_first] : NULL;
}

static int
req_push(struct conn *c, enum conn_req_type type, unsigned *id)
{
	struct conn_req *r;

	if (c->req_n == CONN_REQ_MAX)
		return -1;
	r = &c->reqs[(c->req_first + c->req_n) % CONN_REQ_MAX];
	r->type = type;
	r->id = ++c->next_id;
	c->req_n++;
	if (type == CONN_REQ_STATUS)
		c->status_inflight++;
	*id = r->id;
	return 0;
}

static void
req_pop(struct conn *c)
{
	if (c->req_n == 0)
		return;
	if (c->reqs[c->req_first].type == CONN_REQ_STATUS
	    && c->status_inflight > 0)
		c->status_inflight--;
	c->req_first = (c->req_first + 1) % CONN_REQ_MAX;
	c->req_n--;
}

int
conn_request_statuses(struct conn *c, const struct mailbox_entry *const *e,
		      size_t n)
{
	const char *raws[CONN_STATUS_INFLIGHT];
	size_t lens[CONN_STATUS_INFLIGHT], k = 0;
	unsigned id;

	if (!c->ready || c->done || c->quitting)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (conn_status_asked(c, e[i]->raw, e[i]->raw_len))
			continue;
		if (c->status_inflight + k >= CONN_STATUS_INFLIGHT
		    || c->req_n + k >= CONN_REQ_MAX)
			break;
		raws[k] = e[i]->raw;
		lens[k++] = e[i]->raw_len;
	}
	if (k == 0)
		return 0;
	if (session_request_statuses(c->s, raws, lens, k) != 0)
		return -1;
	for (size_t i = 0; i < k; i++) {
		req_push(c, CONN_REQ_STATUS, &id);
		asked_add(c, raws[i], lens[i]);
	}
	return (int)k;
}

int
conn_open(struct conn *c, const char *raw, size_t len, const char *display,
	  char delim)
{
	struct conn_view *v = &c->view;
	char name[MAILBOX_NAME_MAX];

	if (!c->ready || c->done || c->quitting || c->req_n == CONN_REQ_MAX)
		return -1;
	if (session_request_examine(c->s, raw, len, CONN_NEWEST) != 0)
		return -1;
	/* raw and display may point into the view itself. */
	snprintf(name, sizeof(name), "%s", display);
	if (len < sizeof(v->raw))
		memmove(v->raw, raw, len);
	memset(v, 0, offsetof(struct conn_view, raw));
	v->raw_len = len < sizeof(v->raw) ? len : 0;
	v->delim = delim;
	req_push(c, CONN_REQ_EXAMINE, &v->id);
	v->loading = true;
	memcpy(v->name, name, sizeof(v->name));
	return 0;
}

/* Whether the answer at the head of the requests is the view's. */
static bool
for_view(struct conn *c)
{
	struct conn_req *r = req_head(c);

	return r != NULL && r->type == CONN_REQ_EXAMINE && r->id == c->view.id;
}

static void
on_request_done(struct conn *c, const struct event *ev)
{
	struct conn_view *v = &c->view;

	if (for_view(c)) {
		v->loading = false;
		if (ev->failure != NULL) {
			v->failed = true;
			v->fail = *ev->failure;
			run_explain(c->run, &v->fail);
		}
	}
	req_pop(c);
}

static void
on_selected(struct conn *c, const struct event *ev)
{
	if (!for_view(c) || ev->selected == NULL)
		return;
	c->view.data = *ev->selected;
	if (c->view.data.delim == '\0')
		c->view.data.delim = c->view.delim;
	c->view.have_data = true;
}

static void
on_message(struct conn *c, const struct event *ev)
{
	struct conn_view *v = &c->view;

	if (!for_view(c) || ev->message == NULL || v->nmsgs == CONN_NEWEST)
		return;
	v->msgs[v->nmsgs++] = *ev->message;
}

/* -------------------------------------------------------------- events */

/* The TLS summary and chain, capabilities and ID the record holds. */
static void
follow_server(struct conn *c)
{
	const struct run_item *tls = run_find(c->run, EV_TLS, RUN_ALL, true);
	const struct run_item *caps = run_find(c->run, EV_CAPS, RUN_ALL,
					       true);
	const struct run_item *id = run_find(c->run, EV_SERVER_ID, RUN_ALL,
					     true);

	c->tls = tls != NULL ? tls->tls : NULL;
	c->pem = tls != NULL ? tls->text : NULL;
	c->starttls_done = run_starttls_done(c->run, RUN_ALL);
	c->caps = caps != NULL ? caps->text : NULL;
	c->caps_after_tls = caps != NULL && caps->flag;
	run_caps_lists(c->run, RUN_ALL, c->caps_slot);
	c->server_id = id != NULL ? id->server_id : NULL;
}

/* The notes and retries of the record, each once. */
static void
follow_notes(struct conn *c)
{
	const struct run *r = c->run;

	c->nnotes = 0;
	for (size_t i = 0; i < r->n && c->nnotes < CONN_NOTES_MAX; i++) {
		const struct run_item *it = &r->items[i];
		char *note = c->notes[c->nnotes];
		bool seen = false;

		if ((it->type != EV_NOTE && it->type != EV_RETRY)
		    || it->text == NULL)
			continue;
		snprintf(note, sizeof(c->notes[0]), "%s%s",
			 it->type == EV_RETRY ? "retried: " : "", it->text);
		for (size_t j = 0; j < c->nnotes && it->type == EV_NOTE; j++)
			seen |= strcmp(c->notes[j], note) == 0;
		if (!seen)
			c->nnotes++;
	}
}

static void
on_wait(struct conn *c, const struct event *ev)
{
	c->wait_phase = ev->phase;
	snprintf(c->wait_what, sizeof(c->wait_what), "%s",
		 ev->text != NULL ? ev->text : "");
	c->wait_deadline = ev->deadline_ms;
	c->wait_end_by = ev->end_by_ms;
	c->wait_total = (int64_t)(c->run->cfg.timeout_s * 1000);
	if (c->wait_total <= 0)
		c->wait_total = ev->deadline_ms - clock_ms();
}

static void
on_ready(struct conn *c, const struct event *ev)
{
	(void)ev;
	c->ready = true;
	if (c->tree != NULL)
		mbtree_build(c->tree);
}

static void
on_done(struct conn *c, const struct event *ev)
{
	(void)ev;
	c->done = true;
	c->wait_deadline = 0;
	while (c->req_n > 0)
		req_pop(c);
	c->view.loading = false;
}

/* The wait of a phase that ended is over. */
static void
on_phase_end(struct conn *c, const struct event *ev)
{
	if (c->wait_phase == ev->phase)
		c->wait_deadline = 0;
}

static void
on_transcript(struct conn *c, const struct event *ev)
{
	transcript_write(c->transcript, ev);
}

/* What the screens show of the record, ev just applied to it. */
static void
follow_run(struct conn *c, enum event_type t)
{
	c->tree = c->run->tree;
	c->listed = c->run->listed;
	if (t == EV_PHASE_START || t == EV_PHASE_END || t == EV_ADDRESS
	    || t == EV_ATTEMPT || t == EV_DONE)
		follow_rows(c);
	if (t == EV_TLS || t == EV_CAPS || t == EV_SERVER_ID)
		follow_server(c);
	if (t == EV_NOTE || t == EV_RETRY)
		follow_notes(c);
	if (t == EV_FAILURE && c->run->failed) {
		c->fail = c->run->failure;
		c->failed = true;
	}
}

/* What the interface does with an event besides recording it. */
static void (*const handlers[])(struct conn *, const struct event *) = {
	[EV_PHASE_END] = on_phase_end, [EV_WAIT] = on_wait,
	[EV_TRANSCRIPT] = on_transcript,
	[EV_SELECTED] = on_selected, [EV_MESSAGE] = on_message,
	[EV_REQUEST_DONE] = on_request_done, [EV_READY] = on_ready,
	[EV_DONE] = on_done,
};

void
conn_apply(struct conn *c, struct event *ev)
{
	run_apply(c->run, ev);
	follow_run(c, ev->type);
	if ((size_t)ev->type < sizeof(handlers) / sizeof(handlers[0])
	    && handlers[ev->type] != NULL)
		handlers[ev->type](c, ev);
}

/* ------------------------------------------------------------ the rest */

int
conn_capdiff(const struct conn *c, struct capdiff *d)
{
	return run_capdiff(c->run, RUN_ALL, d);
}

/* Why a connection that ended had no TLS. */
static enum conn_security
ended_without_tls(const struct conn *c, char *buf, size_t cap)
{
	const struct failure *f = &c->fail;

	if (c->failed
	    && (f->phase == PHASE_TLS || f->phase == PHASE_STARTTLS)) {
		snprintf(buf, cap, "TLS FAILED: %s", f->detail);
		return CONN_SEC_FAILED;
	}
	if (conn_phase_state(c, PHASE_STARTTLS) == CONN_SKIPPED) {
		snprintf(buf, cap, "no TLS: plain text (the server did not "
			 "offer STARTTLS)");
		return CONN_SEC_PLAIN;
	}
	if (conn_phase_state(c, PHASE_GREETING) == CONN_OK) {
		snprintf(buf, cap, "no TLS: plain text (it ended before TLS)");
		return CONN_SEC_PLAIN;
	}
	snprintf(buf, cap, "no TLS: the connection ended before TLS%s%s",
		 c->failed ? " in " : "", c->failed ? phase_name(f->phase) :
		 "");
	return CONN_SEC_FAILED;
}

enum conn_security
conn_security(const struct conn *c, char *buf, size_t cap)
{
	const struct tls_summary *t = c->tls;

	if (t != NULL && t->version[0] != '\0' && t->verified) {
		snprintf(buf, cap, "%s %s, certificate verified for %s",
			 t->version, t->cipher, t->expected_name);
		return CONN_SEC_VERIFIED;
	}
	if (t != NULL && t->version[0] != '\0') {
		snprintf(buf, cap, "%s %s, certificate NOT VERIFIED%s%s",
			 t->version, t->cipher, t->verify_enabled ? ": " :
			 " (verification off)", t->verify_enabled ?
			 t->verify_error_text : "");
		return CONN_SEC_UNVERIFIED;
	}
	if (!c->plan_tls) {
		snprintf(buf, cap, "UNENCRYPTED: no TLS was chosen "
			 "(TLS: none, --starttls=off)");
		return CONN_SEC_PLAIN;
	}
	if (c->ready) {
		snprintf(buf, cap, "UNENCRYPTED: the server did not offer "
			 "STARTTLS (opportunistic mode went on without)");
		return CONN_SEC_PLAIN;
	}
	if (!c->done && !c->failed) {
		snprintf(buf, cap, "TLS not negotiated yet");
		return CONN_SEC_PENDING;
	}
	return ended_without_tls(c, buf, cap);
}

int64_t
conn_wait_left(const struct conn *c, int64_t now, int64_t *total)
{
	const struct conn_row *r = NULL;

	if (c->wait_deadline == 0 || c->done)
		return -1;
	for (size_t i = 0; i < c->nrows && r == NULL; i++)
		if (c->rows[i].kind == CONN_ROW_PHASE
		    && c->rows[i].phase == c->wait_phase)
			r = &c->rows[i];
	if (r == NULL || r->state != CONN_RUNNING)
		return -1;
	*total = c->wait_total > 0 ? c->wait_total : 1;
	return c->wait_deadline > now ? c->wait_deadline - now : 0;
}

static void
make_title(struct conn *c, const struct conn_config *cfg)
{
	const struct endpoint *ep = &cfg->ep;
	static const char *const starttls_text[] = {
		[STARTTLS_OFF] = "no TLS",
		[STARTTLS_REQUIRED] = "STARTTLS required",
		[STARTTLS_OPPORTUNISTIC] = "STARTTLS if offered",
	};
	bool v6 = ep->kind == ADDR_IPV6;
	char where[32];

	if (cfg->tunnel[0] != '\0')
		snprintf(where, sizeof(where), "through the tunnel");
	else
		snprintf(where, sizeof(where), "port %u", endpoint_port(ep));
	snprintf(c->title, sizeof(c->title), "%s%s%s %s, %s%s%s%s",
		 v6 ? "[" : "", ep->host, v6 ? "]" : "", where,
		 ep->ssl ? "implicit TLS" : starttls_text[ep->starttls],
		 ep->ssl && ep->starttls != STARTTLS_OFF ? " + STARTTLS" : "",
		 cfg->user[0] != '\0' ? ", user " : "", cfg->user);
}

/* The session gets cfg without the mailbox to open.  The form has no
 * field for --id-send-name, --auth, --no-pipelining or --deadline: the
 * command line (o) decides them. */
static struct session *
start_session(struct conn *c, const struct conn_config *cfg,
	      const struct options *o, struct failure *f)
{
	struct conn_config *copy = malloc(sizeof(*copy));
	struct session *s;

	if (copy == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return NULL;
	}
	*copy = *cfg;
	copy->select[0] = '\0';
	copy->select_rw = false;
	copy->id_send_name = cfg->id_send_name || o->cfg.id_send_name;
	if (copy->auth_mechs == 0)
		copy->auth_mechs = o->cfg.auth_mechs;
	copy->no_pipelining = cfg->no_pipelining || o->cfg.no_pipelining;
	if (copy->deadline_s <= 0)
		copy->deadline_s = o->cfg.deadline_s;
	s = session_start(copy, c->q, f);
	config_wipe(copy);
	free(copy);
	return s;
}

struct conn *
conn_start(const struct conn_config *cfg, const struct options *o,
	   struct failure *f)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->line_shown = calloc(1, sizeof(*c->line_shown));
	if (c != NULL)
		c->run = run_new(cfg, CONN_LINES_MAX);
	if (c != NULL)
		c->q = event_queue_new();
	if (c != NULL && c->run != NULL)
		c->report = report_new(cfg, c->run);
	if (c == NULL || c->line_shown == NULL || c->run == NULL
	    || c->q == NULL || c->report == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		conn_free(c);
		return NULL;
	}
	c->diag_o = *o;
	c->diag_o.cfg = *cfg;
	config_wipe(&c->diag_o.cfg);
	c->tree = c->run->tree;
	c->plan_tls = cfg->ep.ssl || cfg->ep.starttls != STARTTLS_OFF;
	c->started_ms = clock_ms();
	make_title(c, cfg);
	follow_rows(c);
	snprintf(c->open_first, sizeof(c->open_first), "%s", cfg->select);
	c->s = start_session(c, cfg, o, f);
	if (c->s == NULL) {
		conn_free(c);
		return NULL;
	}
	return c;
}

void
conn_set_transcript(struct conn *c, FILE *t)
{
	c->transcript = t;
}

int
conn_fd(const struct conn *c)
{
	return event_queue_fd(c->q);
}

struct event *
conn_pop(struct conn *c)
{
	return event_queue_pop(c->q);
}

void
conn_cancel(struct conn *c)
{
	c->quitting = true;
	session_cancel(c->s);
}

void
conn_quit(struct conn *c)
{
	if (c->done)
		return;
	if (!c->quitting && c->ready && session_request_quit(c->s) == 0) {
		c->quitting = true;
		return;
	}
	conn_cancel(c);
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	report_free(c->report);
	run_free(c->run);
	if (c->s != NULL) {
		session_cancel(c->s);
		session_free(c->s);
	}
	event_queue_free(c->q);
	free(c->line_shown);
	free(c->asked);
	free(c);
}
