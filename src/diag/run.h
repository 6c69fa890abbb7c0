/* run.h - the record of one run: what a session's events told, kept
 * once for every reader (--check's timeline and JSON, --report and the
 * interface).
 *
 * run_apply() is the only writer.  Items keep the timeline (phases
 * started and ended, addresses, attempts, notes, retries) and the server's data (TLS,
 * capabilities, ID, the mailbox opened) in the order they came, each
 * tagged with its connection: a retry starts a new connection, and a
 * reader shows either every connection's data (the report) or the last
 * one's (--check).  Nothing in the record is a secret: the settings are
 * kept with their passwords wiped, and transcript lines come redacted
 * by the session. */
#ifndef IMAPCONN_RUN_H
#define IMAPCONN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capdiff.h"
#include "config.h"
#include "event.h"
#include "fail.h"

struct mailbox_data;
struct mbtree;
struct server_id;
struct tls_summary;

/* Transcript lines kept: the first RUN_LINES_HEAD, and the last few
 * of those after them (run_new() says how many). */
#define RUN_LINES_HEAD 2000

/* One event as the record keeps it. */
struct run_item {
	enum event_type type;	/* EV_PHASE_START, EV_PHASE_END,
				 * EV_ADDRESS, EV_ATTEMPT, EV_TLS, EV_CAPS,
				 * EV_SERVER_ID, EV_NOTE, EV_RETRY or
				 * EV_SELECTED */
	enum phase phase;
	unsigned conn;		/* its connection: the retries before it */
	int64_t at_ms;
	int64_t elapsed_ms;
	int result;
	bool flag;
	char *text;			/* owned, or NULL */
	struct tls_summary *tls;	/* owned, EV_TLS, or NULL */
	struct server_id *server_id;	/* owned, EV_SERVER_ID, or NULL */
	struct mailbox_data *selected;	/* owned, EV_SELECTED, or NULL */
};

/* One transcript line, redacted and escaped by the session. */
struct run_line {
	int64_t wall_ms;
	char dir;		/* 'C' sent, 'S' received */
	char *text;		/* owned */
};

/* Whose data a reader looks at. */
enum run_scope {
	RUN_ALL,		/* every connection's */
	RUN_LAST		/* the last connection's (the timeline stays
				 * whole) */
};

struct run {
	struct conn_config cfg;	/* the settings, secrets wiped */
	struct run_item *items;
	size_t n, cap;
	unsigned conns;		/* retries so far */
	struct mbtree *tree;	/* the last connection's mailboxes (the
				 * record owns it); NULL when out of
				 * memory */
	size_t listed;		/* mailboxes listed, every connection */
	struct failure failure;	/* the last failure, its hint filled */
	bool failed;
	bool ready;		/* logged in and listed */
	int64_t ready_ms;
	bool done;		/* EV_DONE came */
	bool success;		/* what EV_DONE said */
	int64_t total_ms;
	bool lost;		/* something did not fit in memory */
	/* Private: the transcript lines. */
	struct run_line *head;
	size_t nhead;
	struct run_line *tail;	/* a ring of the lines after the head */
	size_t tail_max, tail_cap, tail_seen;
};

/* A new empty record for a connection made with *cfg (its secrets are
 * not copied), keeping the first RUN_LINES_HEAD transcript lines and
 * the last tail_lines after them (0: no line at all), or NULL when out
 * of memory.  Free with run_free(). */
struct run *run_new(const struct conn_config *cfg, size_t tail_lines);

/* Take from ev what the record keeps, in order, for every event: ev
 * stays the caller's, except a listed mailbox, which moves into the
 * tree (ev->mailbox becomes NULL).  A failure gets its hint here.  Out
 * of memory drops what did not fit and sets r->lost. */
void run_apply(struct run *r, struct event *ev);

/* Make *f the run's failure, its hint filled (run_explain()). */
void run_fail(struct run *r, const struct failure *f);

/* Fill f's hint (diag_explain()) from the settings and what the last
 * connection told: its TLS summary, its capabilities before TLS and
 * how long each phase took. */
void run_explain(const struct run *r, struct failure *f);

/* Whether item it is seen in scope s. */
bool run_in(const struct run *r, const struct run_item *it,
	    enum run_scope s);

/* The first (or, with last, the last) item of type t in scope s, or
 * NULL when none came. */
const struct run_item *run_find(const struct run *r, enum event_type t,
				enum run_scope s, bool last);

/* Whether a TLS handshake after STARTTLS is in scope s. */
bool run_starttls_done(const struct run *r, enum run_scope s);

/* The last capability list of each enum capdiff_slot in scope s into
 * lists (NULL: none came); they point into the record. */
void run_caps_lists(const struct run *r, enum run_scope s,
		    const char *lists[CAPDIFF_SLOTS]);

/* The capability lists of scope s (the last one of each slot) compared
 * into *d (zeroed here; free with capdiff_free).  0, or -1 when out of
 * memory. */
int run_capdiff(const struct run *r, enum run_scope s, struct capdiff *d);

/* Transcript lines seen in all, and line i of them (0 the first), or
 * NULL when it was not kept (between the head and the tail). */
size_t run_lines(const struct run *r);
const struct run_line *run_line(const struct run *r, size_t i);

/* Free a record and everything it owns; NULL is fine. */
void run_free(struct run *r);

#endif
