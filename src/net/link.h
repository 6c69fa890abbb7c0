/* link.h - one connection's byte stream: a socket, plain or wrapped in
 * TLS, read and written only through deadline- and cancel-aware waits. */
#ifndef IMAPCONN_LINK_H
#define IMAPCONN_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fail.h"
#include "phase.h"

struct tls_client;

struct link {
	int fd;			/* connected, non-blocking; -1 if none */
	int cancel_fd;		/* readable when the user cancels */
	struct tls_client *tls;	/* NULL while plain; owned */
};

/* A link over fd (owned from now on). */
void link_init(struct link *l, int fd, int cancel_fd);

/* Read at least one byte (up to cap) before deadline_ms.  0 with *got
 * set, or -1 with *f: FAIL_TIMEOUT, FAIL_CANCELLED, FAIL_NETWORK
 * (closed or reset) or a TLS failure. */
int link_read(struct link *l, void *buf, size_t cap, size_t *got,
	      int64_t deadline_ms, enum phase p, struct failure *f);

/* Write all len bytes; the deadline bounds each wait. */
int link_write_all(struct link *l, const void *buf, size_t len,
		   int64_t deadline_ms, enum phase p, struct failure *f);

/* Bytes the peer sent that are already readable without waiting, as a
 * non-blocking peek (plain) or TLS's buffered count.  Used to catch
 * bytes injected before a STARTTLS handshake. */
size_t link_pending(struct link *l);

/* Wrap the link in TLS and run the handshake.  t is a client made by
 * tls_client_new (the link owns it from now on, failure or not); on
 * failure it stays attached (for its summary) until link_close. */
int link_start_tls(struct link *l, struct tls_client *t,
		   int64_t deadline_ms, enum phase p, struct failure *f);

/* True when TLS is on. */
int link_is_tls(const struct link *l);

/* Tell the peer nothing more comes (TLS close_notify, then the end of
 * the stream) while the descriptor stays open: a tunnel command sees
 * the end of its input, not a reset from what it still had to send. */
void link_end_output(struct link *l);

/* Close: TLS close_notify (best effort), socket closed, TLS freed. */
void link_close(struct link *l);

#endif
