/* session_tunnel.h - a session over a tunnel command (--tunnel). */
#ifndef IMAPCONN_SESSION_TUNNEL_H
#define IMAPCONN_SESSION_TUNNEL_H

#include <stdbool.h>

struct session;

/* Start the command in place of the lookup and the connection, in its
 * own phase; 0, or -1 with s->fail set. */
int session_tunnel_open(struct session *s);
/* True over a tunnel: trusted as ssh is, a password may go without
 * TLS. */
bool session_tunnel_trusted(const struct session *s);
/* End and reap the command (at once when failing, else after a
 * grace), report its exit status and error output in a phase of their
 * own; when failing, add them to s->fail.  Once only; no-op without a
 * tunnel. */
void session_tunnel_close(struct session *s, bool failing);
/* End the link: over a tunnel, the end of the command's input, its
 * exit reported (session_tunnel_close), then the command freed; the
 * link closed either way.  A new tunnel may start after it. */
void session_tunnel_end(struct session *s, bool failing);

#endif
