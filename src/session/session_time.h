/* session_time.h - how long a session's next wait may last. */
#ifndef IMAPCONN_SESSION_TIME_H
#define IMAPCONN_SESSION_TIME_H

#include <stdint.h>

struct session;

/* The sooner of now + the configured timeout and the bound on the
 * whole connection (clock_ms() time). */
int64_t session_time_until(const struct session *s);
/* The same, announced by an EV_WAIT event so a countdown can show
 * it. */
int64_t session_time_deadline(struct session *s);
/* After a timeout (s->fail): when it was the bound on the whole
 * connection that ran out, say so, with the server's trickle.  Once
 * per session. */
void session_time_check(struct session *s);

#endif
