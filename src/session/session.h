/* session.h - one connection, run on its own worker thread, reporting
 * what happens as events.
 *
 * The session copies the configuration it is given (and wipes its copy
 * of the password when done), owns its socket, TLS object and parser,
 * and never prints.  Everything it learns reaches the caller as events
 * on the queue the caller passed in. */
#ifndef IMAPCONN_SESSION_H
#define IMAPCONN_SESSION_H

#include "config.h"
#include "event.h"
#include "fail.h"

struct session;

/* Start a session for *cfg on a new thread; events go to q (which must
 * outlive the session).  Returns NULL with *f set on failure.  The
 * caller's cfg may be wiped right after this returns. */
struct session *session_start(const struct conn_config *cfg,
			      struct event_queue *q, struct failure *f);

/* Requests, once the mailbox list has arrived (the session then stays
 * open while cfg->stay_open is set).  Each is queued and answered by
 * events; they return 0, or -1 when the session is not there to take
 * it (ended, or out of memory).  Thread-safe.
 *
 * Open the mailbox with raw name raw (len bytes) read-only (EXAMINE):
 * answered by EV_SELECTED, then EV_MESSAGE for the newest `newest`
 * messages (newest first), then EV_REQUEST_DONE; or EV_REQUEST_DONE
 * carrying a failure (the session stays usable). */
int session_request_examine(struct session *s, const char *raw,
			    size_t len, unsigned newest);

/* STATUS (MESSAGES UNSEEN) of one mailbox: answered by EV_STATUS (a
 * mailbox_entry with has_status set) then EV_REQUEST_DONE, or by
 * EV_REQUEST_DONE with a failure.  Every request gets exactly one
 * EV_REQUEST_DONE, in the order the requests were made. */
int session_request_status(struct session *s, const char *raw,
			   size_t len);

/* STATUS of n mailboxes (raws[i], lens[i] bytes each): as n calls of
 * session_request_status, queued together; the session sends the
 * STATUS requests it finds queued together (up to 64, each without a
 * literal) in one write and answers each in order.  0, or -1 with none
 * queued. */
int session_request_statuses(struct session *s, const char *const *raws,
			     const size_t *lens, size_t n);

/* LOGOUT and end: answered by the logout phase and EV_DONE. */
int session_request_quit(struct session *s);

/* Ask the session to stop at once, from any thread; its current wait
 * ends and it reports FAIL_CANCELLED, then EV_DONE.  Idempotent. */
void session_cancel(struct session *s);

/* Wait for the thread to end (cancel first to hurry it) and free the
 * session.  NULL is fine. */
void session_free(struct session *s);

#endif
