/* link.c - plain or TLS byte stream with deadline- and cancel-aware
 * waits. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link.h"
#include "net.h"
#include "tls.h"

void
link_init(struct link *l, int fd, int cancel_fd)
{
	l->fd = fd;
	l->cancel_fd = cancel_fd;
	l->tls = NULL;
}

/* The failure of a wait that did not end in readiness. */
static int
wait_failed(enum net_wait_result w, enum phase p, struct failure *f)
{
	if (w == NET_TIMEOUT)
		fail_set(f, p, FAIL_TIMEOUT, "no answer from the server in "
			 "time");
	else if (w == NET_CANCELLED)
		fail_set(f, p, FAIL_CANCELLED, "cancelled");
	else
		fail_set(f, p, FAIL_NETWORK, "poll: %s", strerror(errno));
	return -1;
}

/* After a recv or send that did not move data: 0 to try again (it
 * was interrupted, or the socket is ready now), -1 with f set when the
 * call failed (what: "read" or "write") or the wait ended. */
static int
retry_after(struct link *l, short events, const char *what,
	    int64_t deadline_ms, enum phase p, struct failure *f)
{
	enum net_wait_result w;

	if (errno == EINTR)
		return 0;
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		fail_set(f, p, FAIL_NETWORK, "%s: %s", what, strerror(errno));
		return -1;
	}
	w = net_wait(l->fd, events, deadline_ms, l->cancel_fd);
	if (w != NET_READY)
		return wait_failed(w, p, f);
	return 0;
}

static int
plain_read(struct link *l, void *buf, size_t cap, size_t *got,
	   int64_t deadline_ms, enum phase p, struct failure *f)
{
	for (;;) {
		ssize_t n = recv(l->fd, buf, cap, MSG_DONTWAIT);

		if (n > 0) {
			*got = (size_t)n;
			return 0;
		}
		if (n == 0) {
			fail_set_reason(f, p, FAIL_NETWORK,
					FAIL_R_SERVER_CLOSED, "the server "
					"closed the connection");
			return -1;
		}
		if (retry_after(l, POLLIN, "read", deadline_ms, p, f) != 0)
			return -1;
	}
}

static int
plain_write(struct link *l, const char *buf, size_t len,
	    int64_t deadline_ms, enum phase p, struct failure *f)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(l->fd, buf + done, len - done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0)
			errno = EAGAIN;	/* nothing taken: wait for room */
		if (retry_after(l, POLLOUT, "write", deadline_ms, p, f) != 0)
			return -1;
	}
	return 0;
}

int
link_read(struct link *l, void *buf, size_t cap, size_t *got,
	  int64_t deadline_ms, enum phase p, struct failure *f)
{
	if (l->tls != NULL)
		return tls_read(l->tls, buf, cap, got, deadline_ms,
				l->cancel_fd, p, f);
	return plain_read(l, buf, cap, got, deadline_ms, p, f);
}

int
link_write_all(struct link *l, const void *buf, size_t len,
	       int64_t deadline_ms, enum phase p, struct failure *f)
{
	if (l->tls != NULL)
		return tls_write_all(l->tls, buf, len, deadline_ms,
				     l->cancel_fd, p, f);
	return plain_write(l, buf, len, deadline_ms, p, f);
}

size_t
link_pending(struct link *l)
{
	char peek[256];
	ssize_t n;

	if (l->tls != NULL)
		return tls_pending(l->tls);
	n = recv(l->fd, peek, sizeof(peek), MSG_DONTWAIT | MSG_PEEK);
	return n > 0 ? (size_t)n : 0;
}

int
link_start_tls(struct link *l, struct tls_client *t, int64_t deadline_ms,
	       enum phase p, struct failure *f)
{
	l->tls = t;
	return tls_handshake(l->tls, l->fd, deadline_ms, l->cancel_fd, p, f);
}

int
link_is_tls(const struct link *l)
{
	return l->tls != NULL;
}

void
link_end_output(struct link *l)
{
	if (l->tls != NULL)
		tls_shutdown(l->tls);
	if (l->fd >= 0)
		shutdown(l->fd, SHUT_WR);
}

void
link_close(struct link *l)
{
	if (l->tls != NULL) {
		tls_shutdown(l->tls);
		tls_client_free(l->tls);
		l->tls = NULL;
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
