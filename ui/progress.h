/* progress.h - the progress screen: every phase of the login with its
 * state and time, the countdown of the running wait, the security of
 * the connection, notes, and on failure the reason and what to try. */
#ifndef IMAPCONN_PROGRESS_H
#define IMAPCONN_PROGRESS_H

struct progress;

/* The screen's state, or NULL when out of memory; free with
 * progress_free() (NULL is fine). */
struct progress *progress_new(void);
void progress_free(struct progress *p);

#endif
