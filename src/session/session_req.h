/* session_req.h - requests after the mailbox list. */
#ifndef IMAPCONN_SESSION_REQ_H
#define IMAPCONN_SESSION_REQ_H

#include <stddef.h>

struct session;

enum session_req_type {
	SESSION_REQ_EXAMINE, SESSION_REQ_STATUS, SESSION_REQ_QUIT
};

/* Queue a request (raw: len bytes of a mailbox's raw name, copied)
 * and wake the session; from any thread.  0, or -1 when requests are
 * closed or memory ran out. */
int session_req_push(struct session *s, enum session_req_type type,
		     const char *raw, size_t len, unsigned newest);
/* Queue n STATUS requests (raws[i]: lens[i] bytes, copied) at once,
 * with one wake-up, so that the session sends them in one write.  0,
 * or -1 (none queued) as for session_req_push. */
int session_req_push_statuses(struct session *s, const char *const *raws,
			      const size_t *lens, size_t n);
/* Refuse further requests and drop those not served. */
void session_req_close(struct session *s);
/* Serve requests until quit (0) or a failure (-1 with s->fail set). */
int session_req_serve(struct session *s);

#endif
