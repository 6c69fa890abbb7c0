/* event.h - immutable messages from a session to its consumer (the
 * terminal interface or --check), and the queue that carries them.
 *
 * A session thread creates events and pushes them; the consumer pops
 * them and owns each one it pops (free with event_free).  Nothing in an
 * event points into the session. */
#ifndef IMAPCONN_EVENT_H
#define IMAPCONN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fail.h"
#include "phase.h"

struct tls_summary;
struct mailbox_entry;
struct mailbox_data;
struct message_summary;
struct server_id;

enum event_type {
	EV_PHASE_START,		/* phase begins */
	EV_PHASE_END,		/* phase ends: result, elapsed_ms */
	EV_WAIT,		/* waiting for the server until deadline_ms;
				 * text: what for ("the reply to ID (A1)"),
				 * NULL: what the phase waits for */
	EV_ADDRESS,		/* text: an address the name resolved to */
	EV_ATTEMPT,		/* text: address; result: net_attempt_state */
	EV_TLS,			/* tls: the TLS summary; text: the chain
				 * as sent, PEM (NULL if none) */
	EV_CAPS,		/* text: capabilities; flag: after TLS;
				 * phase PHASE_AUTH: sent with the login
				 * reply */
	EV_SERVER_ID,		/* server_id: the reply to ID */
	EV_NOTE,		/* text: something the user must know */
	EV_RETRY,		/* text: why the connection failed; a new
				 * one follows, one command per round
				 * trip: data events before it are of the
				 * connection given up */
	EV_TRANSCRIPT,		/* text: one line; dir: 'C' or 'S' */
	EV_MAILBOX,		/* mailbox: one entry of the list */
	EV_SELECTED,		/* selected: the opened mailbox's data */
	EV_STATUS,		/* mailbox: counts of one mailbox */
	EV_MESSAGE,		/* message: one message of the opened box */
	EV_REQUEST_DONE,	/* a request ended; failure set if it failed */
	EV_READY,		/* logged in and listed: requests welcome */
	EV_FAILURE,		/* failure: why the session stopped */
	EV_DONE			/* the session ended; flag: success */
};

enum phase_result {
	PHASE_OK = 0,
	PHASE_FAILED,
	PHASE_SKIPPED
};

struct event {
	enum event_type type;
	enum phase phase;
	int64_t at_ms;		/* since the session started */
	int64_t wall_ms;	/* wall clock, for transcripts */
	int64_t elapsed_ms;	/* EV_PHASE_END, EV_ATTEMPT */
	int64_t deadline_ms;	/* EV_WAIT: clock_ms() deadline */
	int64_t end_by_ms;	/* EV_WAIT: clock_ms() bound on the whole
				 * connection; 0: none */
	int result;		/* enum phase_result, or attempt state */
	bool flag;
	char dir;		/* EV_TRANSCRIPT: 'C' client, 'S' server */
	char *text;		/* owned, NUL-terminated, or NULL */
	struct failure *failure;	/* owned, EV_FAILURE */
	struct tls_summary *tls;	/* owned, EV_TLS */
	struct mailbox_entry *mailbox;	/* owned, EV_MAILBOX */
	struct mailbox_data *selected;	/* owned, EV_SELECTED */
	struct message_summary *message;	/* owned, EV_MESSAGE */
	struct server_id *server_id;	/* owned, EV_SERVER_ID */
	struct event *next;	/* queue link; private to the queue */
};

/* A new zeroed event of a type, or NULL when out of memory. */
struct event *event_new(enum event_type type, enum phase p);

/* Set ev->text to a copy of len bytes (NUL added); 0 or -1. */
int event_set_text(struct event *ev, const char *text, size_t len);

/* Attach a copy of *f to the event (replacing any): 0, or -1 when out
 * of memory (the event is unchanged). */
int event_set_failure(struct event *ev, const struct failure *f);

/* Free an event and everything it owns.  NULL is fine. */
void event_free(struct event *ev);

/* Human-readable name of an event type ("phase-start"). */
const char *event_type_name(enum event_type t);

/* Events one producer gathers to push together: one lock and at most
 * one wake-up for all of them. */
struct event_batch {
	struct event *head;
	struct event *tail;
	size_t n;
};

/* Append ev (not NULL) to b, which owns it until pushed. */
void event_batch_add(struct event_batch *b, struct event *ev);

/* Free every event still in b and empty it. */
void event_batch_clear(struct event_batch *b);

struct event_queue;

/* A queue with a wake-up descriptor for poll().  NULL on failure. */
struct event_queue *event_queue_new(void);

/* Append ev; the queue owns it until popped.  Thread-safe. */
void event_queue_push(struct event_queue *q, struct event *ev);

/* Append every event of b in its order (the queue owns them) and empty
 * b; nothing when b is empty.  Thread-safe. */
void event_queue_push_batch(struct event_queue *q, struct event_batch *b);

/* The oldest event, now owned by the caller, or NULL if empty.
 * Thread-safe; drains the wake-up descriptor when empty.  The
 * descriptor is woken only when the queue turns non-empty: a consumer
 * must pop until NULL each time it wakes. */
struct event *event_queue_pop(struct event_queue *q);

/* Readable when events may be waiting (poll for POLLIN). */
int event_queue_fd(const struct event_queue *q);

/* Free the queue and any events still in it. */
void event_queue_free(struct event_queue *q);

#endif
