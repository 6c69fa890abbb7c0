/* net.h - name resolution, non-blocking connect, and the one wait that
 * every network operation goes through (deadline + cancel descriptor). */
#ifndef IMAPCONN_NET_H
#define IMAPCONN_NET_H

#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/socket.h>

#include "config.h"
#include "fail.h"

enum net_wait_result {
	NET_READY = 0,		/* the descriptor is ready */
	NET_TIMEOUT,		/* the deadline passed first */
	NET_CANCELLED,		/* the cancel descriptor became readable */
	NET_ERROR		/* poll failed; errno is set */
};

/* Wait until fd is ready for events (POLLIN and/or POLLOUT), the
 * monotonic deadline (clock_ms() units) passes, or cancel_fd becomes
 * readable.  cancel_fd may be -1.  Cancel wins over readiness, and
 * readiness over a deadline that passed in the same poll.  Interrupted
 * polls are resumed.  POLLERR/POLLHUP count as ready (the following
 * read or write reports the error). */
enum net_wait_result net_wait(int fd, short events, int64_t deadline_ms,
			      int cancel_fd);

#define NET_ADDRS_MAX 16	/* addresses kept from one resolution */
#define NET_ADDR_TEXT_MAX 64
#define NET_ATTEMPT_DELAY_MS 250	/* head start of each attempt */

/* One resolved address, ready for connect(). */
struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;			/* bytes of ss in use */
	int family;			/* AF_INET or AF_INET6 */
	char text[NET_ADDR_TEXT_MAX];	/* "127.0.0.1:993", "[::1]:993" */
};

/* The addresses of one name, in the order to try them. */
struct net_addrs {
	size_t n;
	struct net_addr a[NET_ADDRS_MAX];
};

/* Resolve host (a name, or an address when kind is ADDR_IPV4 or
 * ADDR_IPV6) for TCP port.  An address is parsed in place.  A name's
 * lookup runs on a detached thread; the caller waits for it with the
 * deadline and cancel_fd (may be -1) of net_wait() and returns as soon
 * as either ends the wait, leaving the thread to free its own state
 * when the lookup returns.  On success returns 0 and fills *out
 * (caller-owned) with at most NET_ADDRS_MAX distinct addresses in the
 * order of net_addrs_interleave().  On error returns -1 and fills *f
 * with phase PHASE_RESOLVE and class FAIL_DNS, FAIL_TIMEOUT (waited_ms
 * set), FAIL_CANCELLED or FAIL_INTERNAL. */
int net_resolve(const char *host, uint16_t port, enum addr_kind kind,
		int64_t deadline_ms, int cancel_fd, struct net_addrs *out,
		struct failure *f);

/* Reorder *a in place as RFC 8305 asks: families alternate, starting
 * with the family of the first address; the relative order within each
 * family is kept, and what is left of the longer family goes last. */
void net_addrs_interleave(struct net_addrs *a);

enum net_attempt_state {
	NET_ATTEMPT_STARTED = 0,	/* connect() issued */
	NET_ATTEMPT_CONNECTED,		/* this attempt won */
	NET_ATTEMPT_REFUSED,		/* ECONNREFUSED */
	NET_ATTEMPT_UNREACHABLE,	/* ENETUNREACH, EHOSTUNREACH,
					 * EADDRNOTAVAIL, EAFNOSUPPORT */
	NET_ATTEMPT_TIMEOUT,		/* still in flight at the deadline */
	NET_ATTEMPT_ERROR,		/* any other errno */
	NET_ATTEMPT_CANCELLED,		/* still in flight at the cancel */
	NET_ATTEMPT_ABANDONED,		/* still in flight when another won */
	NET_ATTEMPT_STATE_COUNT
};

/* One report about one connection attempt.  addr points into the
 * caller's struct net_addrs.  err is the errno of the outcome (0 if
 * none).  elapsed_ms is, for STARTED, the time since net_connect() was
 * called and, for every final state, the time since that attempt
 * started. */
struct net_attempt {
	const struct net_addr *addr;
	enum net_attempt_state state;
	int err;
	int64_t elapsed_ms;
};

/* Called on the connecting thread, twice per attempt started: once
 * with NET_ATTEMPT_STARTED and once with its final state.  The struct
 * is valid only during the call. */
typedef void (*net_attempt_cb)(const struct net_attempt *, void *arg);

/* Connect to one of addrs (Happy Eyeballs, RFC 8305, simplified): the
 * addresses are tried in order, each one NET_ATTEMPT_DELAY_MS after the
 * previous started or at once when the previous failed, with several
 * attempts in flight; the first to connect wins and the others are
 * closed.  Every wait honours deadline_ms and cancel_fd (may be -1) as
 * net_wait() does.  cb may be NULL.  On success returns 0 and stores in
 * *fd_out a connected socket, non-blocking, close-on-exec, TCP_NODELAY;
 * the caller owns it.  On error returns -1, no descriptor stays open,
 * and *f has phase PHASE_CONNECT, a class from the outcomes (cancel ->
 * FAIL_CANCELLED; any timeout -> FAIL_TIMEOUT with waited_ms; all
 * refused -> FAIL_REFUSED; all unreachable -> FAIL_UNREACHABLE;
 * otherwise the class of the first address's outcome) and a detail
 * naming every address with its own outcome. */
int net_connect(const struct net_addrs *addrs, int64_t deadline_ms,
		int cancel_fd, net_attempt_cb cb, void *arg, int *fd_out,
		struct failure *f);

/* Short name of an attempt state ("refused", "timed out"); never
 * NULL. */
const char *net_attempt_state_name(enum net_attempt_state s);

#endif
