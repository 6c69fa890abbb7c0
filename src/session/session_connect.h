/* session_connect.h - the connection under IMAP: lookup and TCP
 * connection or a tunnel, and TLS.  Each int function is 0, or -1
 * with s->fail set. */
#ifndef IMAPCONN_SESSION_CONNECT_H
#define IMAPCONN_SESSION_CONNECT_H

#include "phase.h"

struct session;

/* Start making the TLS client when TLS will be needed, then open the
 * link: the tunnel command (--tunnel), else the name looked up and
 * connected to, each in its phase. */
int session_connect_open(struct session *s);
/* Implicit TLS (--ssl) in its own phase; no-op without it. */
int session_connect_implicit_tls(struct session *s);
/* TLS on the open link in phase p (already begun); ends the phase.
 * The TLS summary is reported either way. */
int session_connect_tls(struct session *s, enum phase p);
/* Wait for and free a TLS client made early but never used. */
void session_connect_discard(struct session *s);

#endif
