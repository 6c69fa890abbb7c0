/* tunnel.h - a command whose standard input and output carry the IMAP
 * session (--tunnel, as mutt's tunnel and isync's Tunnel): spawned,
 * its error output kept, ended and reaped. */
#ifndef IMAPCONN_TUNNEL_H
#define IMAPCONN_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fail.h"

#define TUNNEL_STDERR_MAX 4096	/* bytes of error output kept */
#define TUNNEL_GRACE_MS 2000	/* to exit by itself at the end */
#define TUNNEL_TERM_MS 500	/* after SIGTERM, before SIGKILL */

struct tunnel;

/* Run cmd with /bin/sh -c in a process group of its own, with every
 * signal at its default and unblocked.  Its standard input and output
 * are one end of a socket pair; *fd_out gets the other end
 * (non-blocking, close-on-exec, caller-owned: close it to tell the
 * command the session is over).  Its standard error goes to a pipe
 * whose first TUNNEL_STDERR_MAX bytes are kept (the rest is read and
 * dropped, so the command never blocks on it).  No other descriptor of
 * ours reaches it.  Returns the tunnel (freed by tunnel_free), or NULL
 * with *f set (phase p, FAIL_INTERNAL). */
struct tunnel *tunnel_start(const char *cmd, int *fd_out, enum phase p,
			    struct failure *f);

/* The command's process id (its process group's too). */
pid_t tunnel_pid(const struct tunnel *t);

/* End the command and reap it: wait up to grace_ms for it to exit by
 * itself (0: not at all), then SIGTERM its process group, wait up to
 * TUNNEL_TERM_MS, then SIGKILL.  What is left of its group is killed
 * too.  The error output is then read to its end (or to what is
 * buffered, when another process still holds it).  Idempotent. */
void tunnel_stop(struct tunnel *t, int grace_ms);

/* After tunnel_stop: true when the command exited with status 0. */
bool tunnel_ok(const struct tunnel *t);

/* After tunnel_stop: "exited with status 1", "killed by signal 9
 * (Killed)", "killed by signal 15 (Terminated) when it was ended".
 * Always NUL-terminated when cap > 0. */
void tunnel_status_text(const struct tunnel *t, char *buf, size_t cap);

/* The error output kept so far, escaped as one line (control bytes and
 * invalid UTF-8 as \xNN, line ends as "\n"), trailing white space
 * dropped; "" when none.  Returns the length written. */
size_t tunnel_stderr_text(struct tunnel *t, char *buf, size_t cap);

#define TUNNEL_SHOWN_MAX 400	/* bytes of a command as shown */

/* The command as it may be shown: escaped as one line, cut to fit,
 * and any of the password's forms (user and password may be NULL)
 * replaced by REDACT_MARK.  Always NUL-terminated when cap > 0. */
void tunnel_command_shown(const char *cmd, const char *user,
			  const char *password, char *buf, size_t cap);

/* Stop (without grace) if not stopped, then free.  NULL is ignored. */
void tunnel_free(struct tunnel *t);

#endif
