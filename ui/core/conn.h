/* conn.h - one connection as the interface sees it: the session and
 * its event queue, the record of what the events told so far
 * (src/run.h: TLS, capabilities, notes, failure, transcript, the
 * mailbox tree), and what the screens show of it (the progress rows,
 * the wait, the mailbox opened last).  No curses here: conn_apply() is
 * the only writer, the screens read the fields. */
#ifndef IMAPCONN_UI_CONN_H
#define IMAPCONN_UI_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capdiff.h"
#include "config.h"
#include "event.h"
#include "fail.h"
#include "mailbox.h"
#include "message.h"
#include "options.h"
#include "phase.h"

struct mbtree;
struct report;
struct run;
struct server_id;
struct session;
struct tls_summary;

enum conn_state {
	CONN_WAITING = 0,	/* not started (yet) */
	CONN_RUNNING,
	CONN_OK,
	CONN_FAILED,
	CONN_SKIPPED,
	CONN_STATE_COUNT
};

enum conn_row_kind {
	CONN_ROW_PHASE = 0,
	CONN_ROW_ADDRESS,	/* an address the name resolved to */
	CONN_ROW_ATTEMPT	/* a connection attempt to one address */
};

#define CONN_TEXT_MAX 256
#define CONN_ROWS_MAX 64
#define CONN_NOTES_MAX 16
#define CONN_NEWEST 20		/* messages listed when a mailbox opens */
#define CONN_LINES_MAX 100000	/* transcript lines kept (the newest) */
#define CONN_REQ_MAX 64		/* requests outstanding */
#define CONN_STATUS_INFLIGHT 64	/* STATUS requests outstanding: a
					 * screen of rows at once */

/* One row of the progress list. */
struct conn_row {
	enum conn_row_kind kind;
	enum phase phase;
	enum conn_state state;
	bool has_ms;
	int64_t ms;
	char text[CONN_TEXT_MAX];	/* detail, escaped by the core; the
					 * address of an address or attempt */
	const char *outcome;	/* an attempt's outcome ("refused") */
};

/* One transcript line; text is escaped and redacted by the core.  A
 * copy of the record's line (struct run_line). */
struct conn_line {
	int64_t wall_ms;
	char dir;		/* 'C' sent, 'S' received */
	char *text;
};

enum conn_security {
	CONN_SEC_PENDING = 0,	/* TLS expected, not negotiated yet */
	CONN_SEC_VERIFIED,	/* TLS, certificate and name verified */
	CONN_SEC_UNVERIFIED,	/* TLS, but NOT verified */
	CONN_SEC_PLAIN,		/* no TLS: unencrypted */
	CONN_SEC_FAILED		/* ended without TLS: it failed or was
				 * never reached */
};

/* The mailbox opened last, from its EXAMINE request. */
struct conn_view {
	unsigned id;		/* the request; 0: none */
	bool loading;		/* the request is still running */
	bool have_data;
	bool failed;
	struct mailbox_data data;
	struct message_summary msgs[CONN_NEWEST];
	size_t nmsgs;
	struct failure fail;
	char name[MAILBOX_NAME_MAX];	/* display name, as asked */
	char raw[MAILBOX_NAME_MAX];	/* raw name, to open it again */
	size_t raw_len;
	char delim;			/* the hierarchy separator listed */
};

enum conn_req_type { CONN_REQ_STATUS, CONN_REQ_EXAMINE };

struct conn_req {
	enum conn_req_type type;
	unsigned id;
};

struct conn {
	struct event_queue *q;
	struct session *s;
	struct options diag_o;	/* the settings used, without secrets:
				 * the screens read its cfg */
	char title[CONN_TEXT_MAX];	/* "localhost port 993, TLS" */
	bool plan_tls;		/* implicit TLS or STARTTLS asked for */
	int64_t started_ms;	/* clock_ms() at the start */
	FILE *transcript;	/* --transcript, not owned, or NULL */

	struct conn_row rows[CONN_ROWS_MAX];
	size_t nrows;
	enum phase wait_phase;	/* the last EV_WAIT */
	char wait_what[80];	/* what it waits for; "": the phase's */
	int64_t wait_deadline;	/* clock_ms() units; 0: none */
	int64_t wait_total;	/* its length in ms */
	int64_t wait_end_by;	/* the whole connection's bound; 0: none */

	/* What the events told (run_apply() is its only writer); the
	 * pointers below point into it. */
	struct run *run;
	const struct tls_summary *tls;	/* the last one; NULL until EV_TLS */
	bool starttls_done;	/* a TLS handshake after STARTTLS */
	const char *pem;	/* its chain as PEM, or NULL */
	const char *caps;	/* the latest capabilities, or NULL */
	bool caps_after_tls;
	/* The latest list of each enum capdiff_slot (before TLS, after
	 * TLS, after login), escaped by the core, or NULL. */
	const char *caps_slot[CAPDIFF_SLOTS];
	const struct server_id *server_id;	/* the last answer to ID,
						 * or NULL */
	char notes[CONN_NOTES_MAX][CONN_TEXT_MAX * 2];	/* the first of
					 * the record's notes and retries */
	size_t nnotes;
	struct failure fail;	/* the record's failure, hint filled */
	bool failed;
	bool ready;		/* listed: requests welcome */
	bool done;		/* EV_DONE arrived */
	bool quitting;		/* LOGOUT or cancel asked */

	struct mbtree *tree;	/* the mailboxes: the record's tree */
	size_t listed;		/* mailboxes listed: the record's count */
	char open_first[CONFIG_STR_MAX];	/* to open once listed */

	struct conn_view view;

	/* A report on the record (src/report.h): it can be written at
	 * any time. */
	struct report *report;

	/* Private: the line conn_line() shows, requests, STATUS already
	 * asked. */
	struct conn_line *line_shown;
	struct conn_req reqs[CONN_REQ_MAX];
	size_t req_first, req_n, status_inflight;
	unsigned next_id;
	uint64_t *asked;
	size_t asked_cap, asked_n;
};

/* Start a session for *cfg (copied; the caller wipes its own) and make
 * its model; o supplies what the form has no field for and is copied
 * without secrets.  A mailbox in cfg->select is not opened during the login but
 * kept in c->open_first for the browser to open (read-only) once the
 * list is there.  Returns NULL with *f filled on failure.  Free with
 * conn_free(). */
struct conn *conn_start(const struct conn_config *cfg,
			const struct options *o, struct failure *f);

/* Write the exchange to t (--transcript) from now on; t stays the
 * caller's and must outlive the connection. */
void conn_set_transcript(struct conn *c, FILE *t);

/* The descriptor to poll for POLLIN; events then come from conn_pop()
 * until it returns NULL. */
int conn_fd(const struct conn *c);
struct event *conn_pop(struct conn *c);

/* Update the model (and the report) from ev (still the caller's, to
 * free after; a mailbox entry moves into the tree and ev->mailbox
 * becomes NULL). */
void conn_apply(struct conn *c, struct event *ev);

/* Stop now: the session reports a cancel, then EV_DONE. */
void conn_cancel(struct conn *c);

/* End politely: LOGOUT when the session is listed and idle, else a
 * cancel.  EV_DONE follows. */
void conn_quit(struct conn *c);

/* Wait for the session's thread (cancel first to hurry it) and free
 * everything.  NULL is fine. */
void conn_free(struct conn *c);

/* Ask for the counts of the n mailboxes e[] that were not asked for
 * before, as many as CONN_STATUS_INFLIGHT allows, in one go: the
 * session sends them in one write.  Returns how many were asked, or -1
 * when the session cannot take requests. */
int conn_request_statuses(struct conn *c, const struct mailbox_entry *const *e,
			  size_t n);

/* Whether the counts of the mailbox raw were asked for. */
bool conn_status_asked(const struct conn *c, const char *raw, size_t len);

/* Open the mailbox with raw name raw (len bytes; display is its name
 * for people, delim its separator as listed) read-only with its newest
 * CONN_NEWEST messages: resets c->view, which fills as the answer
 * arrives.  0, or -1 when the session cannot take requests. */
int conn_open(struct conn *c, const char *raw, size_t len,
	      const char *display, char delim);

/* Transcript lines kept (the newest CONN_LINES_MAX), and line i of
 * them (0 is the oldest kept), valid until the next call. */
size_t conn_lines(const struct conn *c);
const struct conn_line *conn_line(const struct conn *c, size_t i);

/* The capability lists compared into *d (free with capdiff_free); 0,
 * or -1 when out of memory. */
int conn_capdiff(const struct conn *c, struct capdiff *d);

/* How protected the connection is, with a one-line description. */
enum conn_security conn_security(const struct conn *c, char *buf,
				 size_t cap);

/* Milliseconds left of the wait of the running phase at time now
 * (clock_ms()), with its whole length in *total; -1 when no phase is
 * waiting. */
int64_t conn_wait_left(const struct conn *c, int64_t now, int64_t *total);

/* The state of phase p (CONN_WAITING when it has no row). */
enum conn_state conn_phase_state(const struct conn *c, enum phase p);

/* "ok", "running", "FAILED", ... */
const char *conn_state_name(enum conn_state s);

#endif
