/* net.c - resolve, connect and the deadline-aware wait. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "clock.h"
#include "names.h"
#include "net.h"
#include "thread.h"

#define WAIT_SLICE_MS (60 * 60 * 1000)	/* longest single poll */
#define HOST_TEXT_MAX (CONFIG_HOST_MAX * 4)	/* host name, escaped */

/* ---- waiting ------------------------------------------------------ */

static bool
any_ready(const struct pollfd *pfd, nfds_t n)
{
	for (nfds_t i = 0; i < n; i++)
		if (pfd[i].revents != 0)
			return true;
	return false;
}

/* net_wait() for the n descriptors of pfd (events already set).  pfd
 * has room for one more entry, where cancel_fd goes. */
static enum net_wait_result
wait_fds(struct pollfd *pfd, nfds_t n, int64_t deadline_ms, int cancel_fd)
{
	nfds_t total = n;

	if (cancel_fd >= 0) {
		pfd[n].fd = cancel_fd;
		pfd[n].events = POLLIN;
		total = n + 1;
	}
	for (;;) {
		int64_t left = deadline_ms - clock_ms();
		int rc;

		if (left < 0)
			left = 0;
		if (left > WAIT_SLICE_MS)
			left = WAIT_SLICE_MS;
		for (nfds_t i = 0; i < total; i++)
			pfd[i].revents = 0;
		rc = poll(pfd, total, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return NET_ERROR;
		if (total > n && pfd[n].revents != 0)
			return NET_CANCELLED;
		if (any_ready(pfd, n))
			return NET_READY;
		if (clock_ms() >= deadline_ms)
			return NET_TIMEOUT;
	}
}

enum net_wait_result
net_wait(int fd, short events, int64_t deadline_ms, int cancel_fd)
{
	struct pollfd pfd[2];

	pfd[0].fd = fd;
	pfd[0].events = events;
	return wait_fds(pfd, 1, deadline_ms, cancel_fd);
}

/* ---- addresses ---------------------------------------------------- */

/* Copy host into buf for a failure detail: printable ASCII as is,
 * anything else as \xNN. */
static void
host_escape(const char *host, char *buf, size_t size)
{
	size_t len = 0;

	for (const unsigned char *p = (const unsigned char *)host;
	     *p != '\0' && len + 5 < size; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			buf[len++] = (char)*p;
		else
			len += (size_t)snprintf(buf + len, size - len,
						"\\x%02x", *p);
	}
	buf[len] = '\0';
}

static void
addr_format_v4(struct net_addr *a)
{
	const struct sockaddr_in *sin = (const void *)&a->ss;
	char host[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host)) == NULL)
		strcpy(host, "?");
	if (snprintf(a->text, sizeof(a->text), "%s:%u", host,
		     (unsigned)ntohs(sin->sin_port)) < 0)
		a->text[0] = '\0';
}

static void
addr_format_v6(struct net_addr *a)
{
	const struct sockaddr_in6 *sin6 = (const void *)&a->ss;
	char host[INET6_ADDRSTRLEN];
	char scope[IF_NAMESIZE + 12] = "";
	char ifname[IF_NAMESIZE];

	if (inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host)) == NULL)
		strcpy(host, "?");
	if (sin6->sin6_scope_id != 0 &&
	    if_indextoname(sin6->sin6_scope_id, ifname) != NULL)
		snprintf(scope, sizeof(scope), "%%%s", ifname);
	else if (sin6->sin6_scope_id != 0)
		snprintf(scope, sizeof(scope), "%%%u",
			 (unsigned)sin6->sin6_scope_id);
	if (snprintf(a->text, sizeof(a->text), "[%s%s]:%u", host, scope,
		     (unsigned)ntohs(sin6->sin6_port)) < 0)
		a->text[0] = '\0';
}

static bool
addrs_contain(const struct net_addrs *list, const struct net_addr *a)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct net_addr *b = &list->a[i];

		if (b->family == a->family && b->len == a->len &&
		    memcmp(&b->ss, &a->ss, a->len) == 0)
			return true;
	}
	return false;
}

/* Append the IPv4 and IPv6 addresses of res to *out, skipping
 * duplicates, up to NET_ADDRS_MAX. */
static void
addrs_collect(const struct addrinfo *res, struct net_addrs *out)
{
	struct net_addr cand;

	for (const struct addrinfo *ai = res;
	     ai != NULL && out->n < NET_ADDRS_MAX; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (ai->ai_addr == NULL || ai->ai_addrlen > sizeof(cand.ss))
			continue;
		memset(&cand, 0, sizeof(cand));
		memcpy(&cand.ss, ai->ai_addr, ai->ai_addrlen);
		cand.len = ai->ai_addrlen;
		cand.family = ai->ai_family;
		if (addrs_contain(out, &cand))
			continue;
		if (cand.family == AF_INET)
			addr_format_v4(&cand);
		else
			addr_format_v6(&cand);
		out->a[out->n++] = cand;
	}
}

void
net_addrs_interleave(struct net_addrs *a)
{
	struct net_addrs tmp;
	size_t first[NET_ADDRS_MAX], other[NET_ADDRS_MAX];
	size_t nf = 0, no = 0, k = 0;
	size_t n = a->n < NET_ADDRS_MAX ? a->n : NET_ADDRS_MAX;

	for (size_t i = 0; i < n; i++) {
		if (a->a[i].family == a->a[0].family)
			first[nf++] = i;
		else
			other[no++] = i;
	}
	for (size_t j = 0; k < n; j++) {
		if (j < nf)
			tmp.a[k++] = a->a[first[j]];
		if (j < no)
			tmp.a[k++] = a->a[other[j]];
	}
	memcpy(a->a, tmp.a, n * sizeof(a->a[0]));
}

/* ---- resolving ---------------------------------------------------- */

/* Shared by the caller and the lookup thread; whoever drops the last
 * reference frees it. */
struct resolve_job {
	pthread_mutex_t lock;
	int refs;
	int pipe_rd;			/* readable once the lookup ended */
	int pipe_wr;
	char host[CONFIG_HOST_MAX];
	char service[8];
	struct addrinfo hints;
	bool done;			/* the fields below are set */
	int rc;				/* getaddrinfo()'s result */
	int err;			/* errno, for EAI_SYSTEM */
	struct addrinfo *res;
};

static void
job_release(struct resolve_job *j)
{
	int left;

	pthread_mutex_lock(&j->lock);
	left = --j->refs;
	pthread_mutex_unlock(&j->lock);
	if (left > 0)
		return;
	if (j->res != NULL)
		freeaddrinfo(j->res);
	close(j->pipe_rd);
	close(j->pipe_wr);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static void *
resolve_thread(void *p)
{
	struct resolve_job *j = p;
	struct addrinfo *res = NULL;
	char byte = 1;
	ssize_t w;
	int rc, err;

	rc = getaddrinfo(j->host, j->service, &j->hints, &res);
	err = errno;
	pthread_mutex_lock(&j->lock);
	j->rc = rc;
	j->err = err;
	j->res = res;
	j->done = true;
	pthread_mutex_unlock(&j->lock);
	do
		w = write(j->pipe_wr, &byte, 1);
	while (w < 0 && errno == EINTR);
	job_release(j);
	return NULL;
}

/* Start the detached lookup thread with every asynchronous signal
 * blocked, so that signals stay with the program's own threads. */
static int
job_start(struct resolve_job *j)
{
	pthread_attr_t attr;
	pthread_t tid;
	int rc;

	rc = pthread_attr_init(&attr);
	if (rc != 0)
		return rc;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = thread_start(&tid, &attr, resolve_thread, j);
	pthread_attr_destroy(&attr);
	return rc;
}

static void
job_hints(struct addrinfo *h, enum addr_kind kind)
{
	memset(h, 0, sizeof(*h));
	h->ai_socktype = SOCK_STREAM;
	h->ai_flags = AI_NUMERICSERV;
	switch (kind) {
	case ADDR_IPV4:
		h->ai_family = AF_INET;
		h->ai_flags |= AI_NUMERICHOST;
		break;
	case ADDR_IPV6:
		h->ai_family = AF_INET6;
		h->ai_flags |= AI_NUMERICHOST;
		break;
	case ADDR_NAME:
	default:
		h->ai_family = AF_UNSPEC;
		break;
	}
}

/* Create a job for host and start its thread; on success *out holds
 * the caller's reference. */
static int
job_new(const char *host, uint16_t port, enum addr_kind kind,
	struct resolve_job **out, struct failure *f)
{
	struct resolve_job *j;
	int fds[2];
	int rc;

	j = calloc(1, sizeof(*j));
	if (j == NULL) {
		fail_set(f, PHASE_RESOLVE, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		fail_set(f, PHASE_RESOLVE, FAIL_INTERNAL, "pipe: %s",
			 strerror(errno));
		free(j);
		return -1;
	}
	pthread_mutex_init(&j->lock, NULL);
	j->pipe_rd = fds[0];
	j->pipe_wr = fds[1];
	snprintf(j->host, sizeof(j->host), "%s", host);
	snprintf(j->service, sizeof(j->service), "%u", (unsigned)port);
	job_hints(&j->hints, kind);
	j->refs = 2;
	rc = job_start(j);
	if (rc != 0) {
		fail_set(f, PHASE_RESOLVE, FAIL_INTERNAL,
			 "cannot start the lookup thread: %s", strerror(rc));
		j->refs = 1;
		job_release(j);
		return -1;
	}
	*out = j;
	return 0;
}

static void
gai_failure(struct failure *f, const char *name, int rc, int err)
{
	switch (rc) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		fail_set(f, PHASE_RESOLVE, FAIL_DNS, "cannot resolve %s: %s",
			 name, gai_strerror(rc));
		break;
	case EAI_AGAIN:
		fail_set_reason(f, PHASE_RESOLVE, FAIL_DNS,
				FAIL_R_DNS_TEMPORARY,
			 "cannot resolve %s: temporary failure (%s)", name,
			 gai_strerror(rc));
		break;
	case EAI_SYSTEM:
		fail_set(f, PHASE_RESOLVE, FAIL_DNS, "cannot resolve %s: %s",
			 name, strerror(err));
		break;
	default:
		fail_set(f, PHASE_RESOLVE, FAIL_DNS, "cannot resolve %s: %s",
			 name, gai_strerror(rc));
		break;
	}
}

/* Turn a finished lookup (getaddrinfo()'s rc, errno and list) into
 * *out or *f. */
static int
lookup_result(int rc, int err, const struct addrinfo *res, const char *name,
	      struct net_addrs *out, struct failure *f)
{
	if (rc != 0) {
		gai_failure(f, name, rc, err);
		return -1;
	}
	addrs_collect(res, out);
	if (out->n == 0) {
		fail_set_reason(f, PHASE_RESOLVE, FAIL_DNS,
				FAIL_R_DNS_NO_ADDRESS,
				"%s has no IPv4 or IPv6 address", name);
		return -1;
	}
	net_addrs_interleave(out);
	return 0;
}

/* Turn the finished lookup of job j into *out or *f. */
static int
job_result(struct resolve_job *j, const char *name, struct net_addrs *out,
	   struct failure *f)
{
	int rc, err;

	pthread_mutex_lock(&j->lock);
	rc = j->done ? j->rc : EAI_SYSTEM;
	err = j->done ? j->err : EINVAL;
	pthread_mutex_unlock(&j->lock);
	return lookup_result(rc, err, j->res, name, out, f);
}

/* An address literal needs no lookup: AI_NUMERICHOST never asks a
 * resolver, so it is parsed here rather than on a thread. */
static int
resolve_literal(const char *host, uint16_t port, enum addr_kind kind,
		const char *name, struct net_addrs *out, struct failure *f)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	int rc, err;

	job_hints(&hints, kind);
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	rc = getaddrinfo(host, service, &hints, &res);
	err = errno;
	rc = lookup_result(rc, err, res, name, out, f);
	if (res != NULL)
		freeaddrinfo(res);
	return rc;
}

int
net_resolve(const char *host, uint16_t port, enum addr_kind kind,
	    int64_t deadline_ms, int cancel_fd, struct net_addrs *out,
	    struct failure *f)
{
	struct resolve_job *j = NULL;
	char name[HOST_TEXT_MAX];
	int64_t t0 = clock_ms();
	enum net_wait_result w;
	int rc;

	out->n = 0;
	host_escape(host, name, sizeof(name));
	if (strlen(host) >= CONFIG_HOST_MAX) {
		fail_set_reason(f, PHASE_RESOLVE, FAIL_DNS,
				FAIL_R_HOST_TOO_LONG,
				"host name too long (%zu bytes)", strlen(host));
		return -1;
	}
	if (kind == ADDR_IPV4 || kind == ADDR_IPV6)
		return resolve_literal(host, port, kind, name, out, f);
	rc = job_new(host, port, kind, &j, f);
	if (rc != 0)
		return rc;
	w = net_wait(j->pipe_rd, POLLIN, deadline_ms, cancel_fd);
	if (w == NET_READY) {
		rc = job_result(j, name, out, f);
	} else if (w == NET_CANCELLED) {
		fail_set(f, PHASE_RESOLVE, FAIL_CANCELLED,
			 "lookup of %s cancelled", name);
		rc = -1;
	} else if (w == NET_TIMEOUT) {
		fail_set(f, PHASE_RESOLVE, FAIL_TIMEOUT,
			 "no answer for %s in time", name);
		f->waited_ms = clock_ms() - t0;
		rc = -1;
	} else {
		fail_set(f, PHASE_RESOLVE, FAIL_INTERNAL, "poll: %s",
			 strerror(errno));
		rc = -1;
	}
	job_release(j);
	return rc;
}

/* ---- connecting --------------------------------------------------- */

static const char *const attempt_state_names[NET_ATTEMPT_STATE_COUNT] = {
	[NET_ATTEMPT_STARTED] = "started",
	[NET_ATTEMPT_CONNECTED] = "connected",
	[NET_ATTEMPT_REFUSED] = "refused",
	[NET_ATTEMPT_UNREACHABLE] = "unreachable",
	[NET_ATTEMPT_TIMEOUT] = "timed out",
	[NET_ATTEMPT_ERROR] = "error",
	[NET_ATTEMPT_CANCELLED] = "cancelled",
	[NET_ATTEMPT_ABANDONED] = "abandoned",
};

const char *
net_attempt_state_name(enum net_attempt_state s)
{
	return NAMES_GET(attempt_state_names, s, "unknown");
}

/* One address's attempt. */
struct slot {
	bool tried;
	int fd;				/* open while in flight, or won */
	enum net_attempt_state state;	/* STARTED while in flight */
	int err;
	int64_t started;
	int64_t elapsed;		/* from start to the final state */
};

/* All attempts of one net_connect() call. */
struct eyeballs {
	const struct net_addrs *addrs;
	size_t n;
	net_attempt_cb cb;
	void *arg;
	int64_t t0;
	size_t next;			/* next address to start */
	size_t in_flight;
	int64_t next_at;		/* when to start it */
	int winner;			/* index of the winner, or -1 */
	int poll_err;			/* errno of a failed poll */
	struct slot t[NET_ADDRS_MAX];
};

static bool
in_flight(const struct slot *t)
{
	return t->tried && t->state == NET_ATTEMPT_STARTED;
}

static enum net_attempt_state
state_of_errno(int err)
{
	switch (err) {
	case 0:
		return NET_ATTEMPT_CONNECTED;
	case ECONNREFUSED:
		return NET_ATTEMPT_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return NET_ATTEMPT_UNREACHABLE;
	case ETIMEDOUT:
		return NET_ATTEMPT_TIMEOUT;
	default:
		return NET_ATTEMPT_ERROR;
	}
}

static void
report(const struct eyeballs *e, size_t i, int64_t elapsed)
{
	struct net_attempt at;

	if (e->cb == NULL)
		return;
	at.addr = &e->addrs->a[i];
	at.state = e->t[i].state;
	at.err = e->t[i].err;
	at.elapsed_ms = elapsed;
	e->cb(&at, e->arg);
}

/* Give the in-flight attempt i its final state s: close its socket
 * unless it won, and report it.  A failure lets the next start now. */
static void
finish(struct eyeballs *e, size_t i, enum net_attempt_state s, int err)
{
	struct slot *t = &e->t[i];
	int64_t now = clock_ms();

	if (s == NET_ATTEMPT_CONNECTED) {
		e->winner = (int)i;
	} else if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	t->state = s;
	t->err = err;
	t->elapsed = now - t->started;
	e->in_flight--;
	if (s != NET_ATTEMPT_CONNECTED)
		e->next_at = now;
	report(e, i, t->elapsed);
}

static void
start_next(struct eyeballs *e)
{
	size_t i = e->next++;
	struct slot *t = &e->t[i];
	const struct net_addr *a = &e->addrs->a[i];
	int rc;

	t->tried = true;
	t->state = NET_ATTEMPT_STARTED;
	t->started = clock_ms();
	e->next_at = t->started + NET_ATTEMPT_DELAY_MS;
	e->in_flight++;
	report(e, i, t->started - e->t0);
	t->fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0);
	if (t->fd < 0) {
		finish(e, i, state_of_errno(errno), errno);
		return;
	}
	rc = connect(t->fd, (const struct sockaddr *)&a->ss, a->len);
	if (rc == 0) {
		finish(e, i, NET_ATTEMPT_CONNECTED, 0);
		return;
	}
	if (errno == EINPROGRESS || errno == EINTR)
		return;
	finish(e, i, state_of_errno(errno), errno);
}

/* Attempt i's socket is ready: see whether it connected. */
static void
check_attempt(struct eyeballs *e, size_t i)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(e->t[i].fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	/* A reset can only come once the handshake is done: the server
	 * accepted and dropped the connection before we looked.  That is
	 * a connection, and the first read says it ended (at the greeting,
	 * where it belongs), not a failure to connect. */
	if (err == ECONNRESET) {
		finish(e, i, NET_ATTEMPT_CONNECTED, 0);
		return;
	}
	if (err == 0 &&
	    getpeername(e->t[i].fd, (struct sockaddr *)&peer, &plen) != 0)
		err = errno;
	finish(e, i, state_of_errno(err), err);
}

/* Wait, until the time given, for any attempt in flight to end. */
static enum net_wait_result
wait_flight(struct eyeballs *e, int64_t until, int cancel_fd)
{
	struct pollfd pfd[NET_ADDRS_MAX + 1];
	size_t idx[NET_ADDRS_MAX];
	enum net_wait_result w;
	nfds_t n = 0;

	for (size_t i = 0; i < e->next; i++) {
		if (!in_flight(&e->t[i]) || e->t[i].fd < 0)
			continue;
		pfd[n].fd = e->t[i].fd;
		pfd[n].events = POLLOUT;
		idx[n++] = i;
	}
	w = wait_fds(pfd, n, until, cancel_fd);
	if (w == NET_ERROR)
		e->poll_err = errno;
	if (w != NET_READY)
		return w;
	for (nfds_t k = 0; k < n && e->winner < 0; k++)
		if (pfd[k].revents != 0)
			check_attempt(e, idx[k]);
	return NET_READY;
}

/* Run the attempts until one wins, all fail (both NET_READY), the
 * deadline passes, the cancel descriptor fires, or poll fails. */
static enum net_wait_result
eyeballs_run(struct eyeballs *e, int64_t deadline_ms, int cancel_fd)
{
	for (;;) {
		enum net_wait_result w;
		int64_t until = deadline_ms;

		if (e->winner >= 0)
			return NET_READY;
		if (e->next < e->n &&
		    (e->in_flight == 0 || clock_ms() >= e->next_at)) {
			start_next(e);
			continue;
		}
		if (e->in_flight == 0)
			return NET_READY;
		if (e->next < e->n && e->next_at < until)
			until = e->next_at;
		w = wait_flight(e, until, cancel_fd);
		if (w == NET_CANCELLED || w == NET_ERROR)
			return w;
		if (w == NET_TIMEOUT && clock_ms() >= deadline_ms)
			return NET_TIMEOUT;
	}
}

/* Give every attempt still in flight the final state s. */
static void
finish_in_flight(struct eyeballs *e, enum net_attempt_state s, int err)
{
	for (size_t i = 0; i < e->next; i++)
		if (in_flight(&e->t[i]))
			finish(e, i, s, err);
}

static enum fail_class
class_of_state(enum net_attempt_state s)
{
	switch (s) {
	case NET_ATTEMPT_REFUSED:
		return FAIL_REFUSED;
	case NET_ATTEMPT_UNREACHABLE:
		return FAIL_UNREACHABLE;
	case NET_ATTEMPT_TIMEOUT:
		return FAIL_TIMEOUT;
	case NET_ATTEMPT_CANCELLED:
		return FAIL_CANCELLED;
	default:
		return FAIL_NETWORK;
	}
}

static bool
all_in_state(const struct eyeballs *e, enum net_attempt_state s)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->t[i].state != s)
			return false;
	return true;
}

static enum fail_class
outcome_class(const struct eyeballs *e, enum net_wait_result w)
{
	if (w == NET_CANCELLED)
		return FAIL_CANCELLED;
	if (w == NET_ERROR)
		return FAIL_INTERNAL;
	for (size_t i = 0; i < e->n; i++)
		if (e->t[i].state == NET_ATTEMPT_TIMEOUT)
			return FAIL_TIMEOUT;
	if (all_in_state(e, NET_ATTEMPT_REFUSED))
		return FAIL_REFUSED;
	if (all_in_state(e, NET_ATTEMPT_UNREACHABLE))
		return FAIL_UNREACHABLE;
	return class_of_state(e->t[0].state);
}

static void
append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append to the NUL-terminated text of buf; the end is marked "..."
 * when it does not fit. */
static void
append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	*len += (size_t)w;
	if (*len + 1 >= size && size > 4) {
		*len = size - 1;
		memcpy(buf + size - 4, "...", 4);
	}
}

/* What happened to attempt t, in words. */
static void
describe_slot(const struct slot *t, char *buf, size_t size)
{
	if (!t->tried) {
		snprintf(buf, size, "not tried");
		return;
	}
	switch (t->state) {
	case NET_ATTEMPT_REFUSED:
		snprintf(buf, size, "connection refused");
		break;
	case NET_ATTEMPT_UNREACHABLE:
		snprintf(buf, size, "unreachable (%s)", strerror(t->err));
		break;
	case NET_ATTEMPT_TIMEOUT:
		snprintf(buf, size, "timed out after %lld ms",
			 (long long)t->elapsed);
		break;
	case NET_ATTEMPT_CANCELLED:
		snprintf(buf, size, "cancelled after %lld ms",
			 (long long)t->elapsed);
		break;
	default:
		snprintf(buf, size, "%s (%s)",
			 net_attempt_state_name(t->state),
			 t->err != 0 ? strerror(t->err) : "no error");
		break;
	}
}

/* The attempts made, for the hint: address without port, outcome. */
static void
attempts_to_failure(const struct eyeballs *e, struct failure *f)
{
	for (size_t i = 0; i < e->n && f->n_attempts < FAIL_ATTEMPTS_MAX;
	     i++) {
		struct fail_attempt *a = &f->attempts[f->n_attempts];
		const char *text = e->addrs->a[i].text;
		const char *colon = strrchr(text, ':');
		size_t hl = colon != NULL ? (size_t)(colon - text) :
			    strlen(text);

		if (!e->t[i].tried || hl >= sizeof(a->host))
			continue;
		memcpy(a->host, text, hl);
		a->host[hl] = '\0';
		switch (e->t[i].state) {
		case NET_ATTEMPT_REFUSED:
			a->out = FAIL_OUT_REFUSED;
			break;
		case NET_ATTEMPT_TIMEOUT:
			a->out = FAIL_OUT_TIMEOUT;
			break;
		case NET_ATTEMPT_UNREACHABLE:
			a->out = FAIL_OUT_UNREACHABLE;
			break;
		default:
			a->out = FAIL_OUT_OTHER;
			break;
		}
		f->n_attempts++;
	}
}

static void
connect_failure(const struct eyeballs *e, enum net_wait_result w,
		struct failure *f)
{
	char detail[FAIL_DETAIL_MAX];
	char what[128];
	size_t len = 0;
	enum fail_class c = outcome_class(e, w);

	detail[0] = '\0';
	if (w == NET_ERROR)
		append(detail, sizeof(detail), &len, "poll: %s; ",
		       strerror(e->poll_err));
	for (size_t i = 0; i < e->n; i++) {
		describe_slot(&e->t[i], what, sizeof(what));
		append(detail, sizeof(detail), &len, "%s%s: %s",
		       i == 0 ? "" : "; ", e->addrs->a[i].text, what);
	}
	fail_set(f, PHASE_CONNECT, c, "%s", detail);
	attempts_to_failure(e, f);
	if (c == FAIL_TIMEOUT)
		f->waited_ms = clock_ms() - e->t0;
}

static void
eyeballs_init(struct eyeballs *e, const struct net_addrs *addrs,
	      net_attempt_cb cb, void *arg)
{
	memset(e, 0, sizeof(*e));
	e->addrs = addrs;
	e->n = addrs->n < NET_ADDRS_MAX ? addrs->n : NET_ADDRS_MAX;
	e->cb = cb;
	e->arg = arg;
	e->t0 = clock_ms();
	e->next_at = e->t0;
	e->winner = -1;
	for (size_t i = 0; i < NET_ADDRS_MAX; i++)
		e->t[i].fd = -1;
}

int
net_connect(const struct net_addrs *addrs, int64_t deadline_ms,
	    int cancel_fd, net_attempt_cb cb, void *arg, int *fd_out,
	    struct failure *f)
{
	struct eyeballs e;
	enum net_wait_result w;
	int one = 1;
	int fd;

	*fd_out = -1;
	eyeballs_init(&e, addrs, cb, arg);
	if (e.n == 0) {
		fail_set(f, PHASE_CONNECT, FAIL_INTERNAL,
			 "no address to connect to");
		return -1;
	}
	w = eyeballs_run(&e, deadline_ms, cancel_fd);
	if (w == NET_READY && e.winner >= 0) {
		finish_in_flight(&e, NET_ATTEMPT_ABANDONED, 0);
		fd = e.t[e.winner].fd;
		/* Only a latency optimisation: a socket without it works. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				 sizeof(one));
		*fd_out = fd;
		return 0;
	}
	if (w == NET_CANCELLED)
		finish_in_flight(&e, NET_ATTEMPT_CANCELLED, 0);
	else if (w == NET_TIMEOUT)
		finish_in_flight(&e, NET_ATTEMPT_TIMEOUT, 0);
	else if (w == NET_ERROR)
		finish_in_flight(&e, NET_ATTEMPT_ERROR, e.poll_err);
	connect_failure(&e, w, f);
	return -1;
}
