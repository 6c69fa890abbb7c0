/* tlswarm.h - OpenSSL made ready on a thread of its own while the
 * program reads its options and sets up the connection.
 *
 * The first TLS context of a process costs milliseconds that later ones
 * do not: OpenSSL reads its configuration file and fetches every
 * algorithm of its default provider.  tlswarm_start() does that work
 * at once, on a thread; tls_client_new() calls tlswarm_wait() before it
 * makes its own context, and the program calls it before it ends (no
 * OpenSSL work may run while exit() cleans OpenSSL up). */
#ifndef IMAPCONN_TLSWARM_H
#define IMAPCONN_TLSWARM_H

/* Start the work; does it at once when no thread can start.  Only the
 * first call of a process does anything. */
void tlswarm_start(void);
/* Wait until the work is done; at once when it was never started.
 * Safe from any thread, any number of times. */
void tlswarm_wait(void);

#endif
