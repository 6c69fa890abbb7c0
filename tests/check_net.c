/* check_net.c - the deadline wait, resolution and Happy Eyeballs connect,
 * on loopback. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "check_units.h"
#include "clock.h"
#include "diag.h"
#include "fail.h"
#include "net.h"
#include "testopts.h"

/* ---- helpers ------------------------------------------------------ */

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		continue;
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static bool
have_ipv6_loopback(void)
{
	struct sockaddr_in6 sin6;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	int rc;

	if (fd < 0)
		return false;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	rc = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	close(fd);
	return rc == 0;
}

static void
loopback(int family, uint16_t port, struct sockaddr_storage *ss,
	 socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
	}
}

/* The port of the socket's own end (getsockname) or its peer's
 * (getpeername). */
static uint16_t
end_port(int fd, int (*name)(int, struct sockaddr *, socklen_t *))
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	ck_assert_int_eq(name(fd, (struct sockaddr *)&ss, &len), 0);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static uint16_t
local_port(int fd)
{
	return end_port(fd, getsockname);
}

static uint16_t
peer_port(int fd)
{
	return end_port(fd, getpeername);
}

/* A TCP listener on the loopback address of family, ephemeral port. */
static int
listener(int family, int backlog, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	loopback(family, 0, &ss, &len);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(listen(fd, backlog), 0);
	*port = local_port(fd);
	return fd;
}

/* A loopback port that nothing listens on: bound, read, closed. */
static uint16_t
closed_port(int family)
{
	struct sockaddr_storage ss;
	socklen_t len;
	uint16_t port;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	loopback(family, 0, &ss, &len);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	port = local_port(fd);
	close(fd);
	return port;
}

/* A listener that takes SYNs no more: backlog 0, its accept queue
 * filled by connections nobody accepts, so the kernel drops new SYNs
 * and connects to it stay in progress. */
struct stall {
	int lfd;
	int fill[8];
	size_t nfill;
	uint16_t port;
};

static void
stall_open(struct stall *s)
{
	struct sockaddr_storage ss;
	socklen_t len;

	s->lfd = listener(AF_INET, 0, &s->port);
	loopback(AF_INET, s->port, &ss, &len);
	for (s->nfill = 0; s->nfill < 8; s->nfill++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct pollfd pfd = { fd, POLLOUT, 0 };

		ck_assert_int_ge(fd, 0);
		s->fill[s->nfill] = fd;
		connect(fd, (struct sockaddr *)&ss, len);
		if (poll(&pfd, 1, 200) == 0) {
			s->nfill++;
			return;
		}
	}
	ck_abort_msg("could not fill the accept queue of a listener");
}

static void
stall_close(struct stall *s)
{
	for (size_t i = 0; i < s->nfill; i++)
		close(s->fill[i]);
	close(s->lfd);
}

/* Append the loopback address of family with port to *a, built here
 * (no lookup thread) with the text net.h promises. */
static void
addrs_add(struct net_addrs *a, int family, uint16_t port)
{
	struct net_addr *x;

	ck_assert_uint_lt(a->n, NET_ADDRS_MAX);
	x = &a->a[a->n++];
	memset(x, 0, sizeof(*x));
	loopback(family, port, &x->ss, &x->len);
	x->family = family;
	snprintf(x->text, sizeof(x->text),
		 family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u",
		 (unsigned)port);
}

struct cancel_later {
	int fd;
	int after_ms;
};

static void *
cancel_thread(void *p)
{
	const struct cancel_later *c = p;

	sleep_ms(c->after_ms);
	ck_assert_int_eq(write(c->fd, "x", 1), 1);
	return NULL;
}

/* What the attempt callback saw. */
struct seen {
	size_t n;
	struct {
		char text[NET_ADDR_TEXT_MAX];
		enum net_attempt_state state;
		int64_t elapsed_ms;
	} e[32];
};

static void
record(const struct net_attempt *at, void *arg)
{
	struct seen *s = arg;

	ck_assert_uint_lt(s->n, 32);
	snprintf(s->e[s->n].text, sizeof(s->e[s->n].text), "%s",
		 at->addr->text);
	s->e[s->n].state = at->state;
	s->e[s->n].elapsed_ms = at->elapsed_ms;
	s->n++;
}

static void
assert_seen(const struct seen *s, size_t i, const struct net_addr *a,
	    enum net_attempt_state state)
{
	ck_assert_uint_gt(s->n, i);
	ck_assert_str_eq(s->e[i].text, a->text);
	ck_assert_msg(s->e[i].state == state, "event %zu: %s, want %s", i,
		      net_attempt_state_name(s->e[i].state),
		      net_attempt_state_name(state));
}

/* ---- net_wait ----------------------------------------------------- */

static const struct wait_case {
	const char *name;
	short events;
	bool data;		/* the peer wrote a byte */
	bool hangup;		/* the peer closed */
	bool cancel;		/* the cancel pipe holds a byte */
	int deadline_ms;
	enum net_wait_result want;
} wait_cases[] = {
	{ "data is readable", POLLIN, true, false, false, 5000, NET_READY },
	{ "nothing comes", POLLIN, false, false, false, 300, NET_TIMEOUT },
	{ "cancel beats data", POLLIN, true, false, true, 5000,
	  NET_CANCELLED },
	{ "cancel alone", POLLIN, false, false, true, 5000, NET_CANCELLED },
	{ "hangup is ready", POLLIN, false, true, false, 5000, NET_READY },
	{ "writable at once", POLLOUT, false, false, false, 5000, NET_READY },
	{ "deadline already past", POLLIN, false, false, false, -10,
	  NET_TIMEOUT },
};

START_TEST(wait_table)
{
	const struct wait_case *c = &wait_cases[_i];
	int sp[2], cp[2];
	int64_t t0, elapsed;
	enum net_wait_result r;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ck_assert_int_eq(pipe(cp), 0);
	if (c->data)
		ck_assert_int_eq(write(sp[1], "x", 1), 1);
	if (c->cancel)
		ck_assert_int_eq(write(cp[1], "c", 1), 1);
	if (c->hangup) {
		close(sp[1]);
		sp[1] = -1;
	}
	t0 = clock_ms();
	r = net_wait(sp[0], c->events, t0 + c->deadline_ms, cp[0]);
	elapsed = clock_ms() - t0;
	ck_assert_msg(r == c->want, "%s: got %d, want %d", c->name, r,
		      c->want);
	if (c->want == NET_TIMEOUT)
		ck_assert_int_ge(elapsed, c->deadline_ms);
	ck_assert_int_lt(elapsed, 5000);
	close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	close(cp[0]);
	close(cp[1]);
}
END_TEST

START_TEST(wait_no_cancel_fd)
{
	int sp[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ck_assert_int_eq(net_wait(sp[0], POLLIN, clock_ms() + 100, -1),
			 NET_TIMEOUT);
	ck_assert_int_eq(write(sp[1], "x", 1), 1);
	ck_assert_int_eq(net_wait(sp[0], POLLIN, clock_ms() + 5000, -1),
			 NET_READY);
	close(sp[0]);
	close(sp[1]);
}
END_TEST

START_TEST(wait_cancel_from_thread)
{
	int sp[2], cp[2];
	struct cancel_later c;
	pthread_t tid;
	int64_t t0, elapsed;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ck_assert_int_eq(pipe(cp), 0);
	c.fd = cp[1];
	c.after_ms = 100;
	ck_assert_int_eq(pthread_create(&tid, NULL, cancel_thread, &c), 0);
	t0 = clock_ms();
	ck_assert_int_eq(net_wait(sp[0], POLLIN, t0 + 30000, cp[0]),
			 NET_CANCELLED);
	elapsed = clock_ms() - t0;
	pthread_join(tid, NULL);
	ck_assert_int_lt(elapsed, 10000);
	close(sp[0]);
	close(sp[1]);
	close(cp[0]);
	close(cp[1]);
}
END_TEST

/* ---- resolve ------------------------------------------------------ */

static const struct resolve_case {
	const char *host;
	enum addr_kind kind;
	bool ipv6;		/* needs an IPv6 loopback */
	const char *want;
} resolve_cases[] = {
	{ "127.0.0.1", ADDR_IPV4, false, "127.0.0.1:993" },
	{ "127.0.0.1", ADDR_NAME, false, "127.0.0.1:993" },
	{ "::1", ADDR_IPV6, true, "[::1]:993" },
	{ "::1", ADDR_NAME, true, "[::1]:993" },
};

START_TEST(resolve_numeric)
{
	const struct resolve_case *c = &resolve_cases[_i];
	struct net_addrs out;
	struct failure f;
	int rc;

	if (c->ipv6 && !have_ipv6_loopback())
		return;		/* no IPv6 loopback on this machine */
	rc = net_resolve(c->host, 993, c->kind, clock_ms() + 5000, -1, &out,
			 &f);
	ck_assert_msg(rc == 0, "%s: %s", c->host, f.detail);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.a[0].text, c->want);
	ck_assert_int_eq(out.a[0].family, c->ipv6 ? AF_INET6 : AF_INET);
	ck_assert_int_eq(out.a[0].ss.ss_family, out.a[0].family);
	ck_assert_uint_eq(out.a[0].len, c->ipv6 ?
			  sizeof(struct sockaddr_in6) :
			  sizeof(struct sockaddr_in));
}
END_TEST

START_TEST(resolve_localhost)
{
	struct net_addrs out;
	struct failure f;
	int rc;

	rc = net_resolve("localhost", 143, ADDR_NAME, clock_ms() + 10000, -1,
			 &out, &f);
	ck_assert_msg(rc == 0, "localhost: %s", f.detail);
	ck_assert_uint_ge(out.n, 1);
	for (size_t i = 0; i < out.n; i++) {
		const char *t = out.a[i].text;

		ck_assert_msg(strncmp(t, "127.", 4) == 0 ||
			      strcmp(t, "[::1]:143") == 0,
			      "not loopback: %s", t);
		ck_assert_msg(strcmp(t + strlen(t) - 4, ":143") == 0,
			      "wrong port: %s", t);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(out.a[j].text, t);
	}
}
END_TEST

static const struct fail_case {
	const char *host;
	enum addr_kind kind;
	const char *in_detail;
} resolve_fail_cases[] = {
	{ "no-such-host.invalid", ADDR_NAME, "no-such-host.invalid" },
	{ "::1", ADDR_IPV4, "::1" },
	{ "127.0.0.1", ADDR_IPV6, "127.0.0.1" },
	{ "", ADDR_NAME, "resolve" },
	{ "bad\001name.invalid", ADDR_NAME, "bad\\x01name.invalid" },
};

START_TEST(resolve_fails_as_dns)
{
	const struct fail_case *c = &resolve_fail_cases[_i];
	struct net_addrs out;
	struct failure f;
	int rc;

	rc = net_resolve(c->host, 143, c->kind, clock_ms() + 10000, -1, &out,
			 &f);
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_msg(f.cls == FAIL_DNS, "%s: class %s (%s)", c->host,
		      fail_class_name(f.cls), f.detail);
	ck_assert_int_eq(f.phase, PHASE_RESOLVE);
	ck_assert_msg(strstr(f.detail, c->in_detail) != NULL,
		      "detail lacks \"%s\": %s", c->in_detail, f.detail);
}
END_TEST

START_TEST(resolve_too_long)
{
	char host[CONFIG_HOST_MAX + 10];
	struct net_addrs out;
	struct failure f;

	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	ck_assert_int_eq(net_resolve(host, 143, ADDR_NAME, clock_ms() + 1000,
				     -1, &out, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_DNS);
	ck_assert_ptr_nonnull(strstr(f.detail, "too long"));
	ck_assert_int_eq(f.reason, FAIL_R_HOST_TOO_LONG);
}
END_TEST

/* Cancel is already signalled: each lookup returns at once, and its
 * thread, still running or not, frees the shared state when done. */
START_TEST(resolve_cancelled)
{
	struct net_addrs out;
	struct failure f;
	int cp[2];

	ck_assert_int_eq(pipe(cp), 0);
	ck_assert_int_eq(write(cp[1], "c", 1), 1);
	for (int i = 0; i < 20; i++) {
		int64_t t0 = clock_ms();
		int rc = net_resolve("localhost", 143, ADDR_NAME,
				     t0 + 30000, cp[0], &out, &f);

		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(f.cls, FAIL_CANCELLED);
		ck_assert_int_eq(f.phase, PHASE_RESOLVE);
		ck_assert_int_lt(clock_ms() - t0, 5000);
	}
	sleep_ms(300);
	close(cp[0]);
	close(cp[1]);
}
END_TEST

/* A deadline already past: the lookup may win the race, but a timeout
 * is a timeout of the resolve phase with the time waited. */
START_TEST(resolve_deadline_past)
{
	struct net_addrs out;
	struct failure f;
	for (int i = 0; i < 20; i++) {
		int64_t t0 = clock_ms();
		int rc = net_resolve("localhost", 143, ADDR_NAME, t0 - 1, -1,
				     &out, &f);

		ck_assert_int_lt(clock_ms() - t0, 5000);
		if (rc == 0)
			continue;
		ck_assert_int_eq(f.cls, FAIL_TIMEOUT);
		ck_assert_int_eq(f.phase, PHASE_RESOLVE);
		ck_assert_int_ge(f.waited_ms, 0);
	}
	sleep_ms(300);
}
END_TEST

/* An address literal is parsed, not looked up: neither a deadline
 * already past nor a pending cancel can stop it. */
START_TEST(resolve_literal_no_wait)
{
	struct net_addrs out;
	struct failure f;
	int cancel[2];

	ck_assert_int_eq(pipe(cancel), 0);
	ck_assert_int_eq(write(cancel[1], "c", 1), 1);
	ck_assert_int_eq(net_resolve("127.0.0.1", 143, ADDR_IPV4,
				     clock_ms() - 1000, cancel[0], &out, &f),
			 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.a[0].text, "127.0.0.1:143");
	ck_assert_int_eq(net_resolve("::1", 993, ADDR_IPV6, clock_ms() - 1000,
				     cancel[0], &out, &f), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.a[0].text, "[::1]:993");
	ck_assert_int_ne(net_resolve("300.1.2.3", 143, ADDR_IPV4,
				     clock_ms() + 1000, -1, &out, &f), 0);
	ck_assert_int_eq(f.cls, FAIL_DNS);
	ck_assert_int_eq(f.phase, PHASE_RESOLVE);
	close(cancel[0]);
	close(cancel[1]);
}
END_TEST

/* ---- interleaving ------------------------------------------------- */

static const struct interleave_case {
	const char *in;		/* '4' or '6' and a letter per address */
	const char *want;
} interleave_cases[] = {
	{ "", "" },
	{ "4a", "4a" },
	{ "6a6b", "6a6b" },
	{ "4a6a", "4a6a" },
	{ "6a6b6c4a4b", "6a4a6b4b6c" },
	{ "4a4b6a", "4a6a4b" },
	{ "6a4a6b4b", "6a4a6b4b" },
	{ "4a4b4c6a6b6c6d", "4a6a4b6b4c6c6d" },
	{ "6a4a4b4c", "6a4a4b4c" },
};

static void
labels_to_addrs(const char *s, struct net_addrs *a)
{
	memset(a, 0, sizeof(*a));
	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		struct net_addr *x = &a->a[a->n++];

		x->family = s[0] == '6' ? AF_INET6 : AF_INET;
		snprintf(x->text, sizeof(x->text), "%c%c", s[0], s[1]);
	}
}

START_TEST(interleave_table)
{
	const struct interleave_case *c = &interleave_cases[_i];
	struct net_addrs a;
	char got[2 * NET_ADDRS_MAX + 1] = "";

	labels_to_addrs(c->in, &a);
	net_addrs_interleave(&a);
	ck_assert_uint_eq(a.n, strlen(c->in) / 2);
	for (size_t i = 0; i < a.n; i++)
		strcat(got, a.a[i].text);
	ck_assert_str_eq(got, c->want);
}
END_TEST

START_TEST(interleave_full_list)
{
	struct net_addrs a;

	memset(&a, 0, sizeof(a));
	a.n = NET_ADDRS_MAX;
	for (size_t i = 0; i < NET_ADDRS_MAX; i++) {
		a.a[i].family = i < 12 ? AF_INET6 : AF_INET;
		snprintf(a.a[i].text, sizeof(a.a[i].text), "%zu", i);
	}
	net_addrs_interleave(&a);
	ck_assert_str_eq(a.a[0].text, "0");
	ck_assert_str_eq(a.a[1].text, "12");
	ck_assert_str_eq(a.a[7].text, "15");
	ck_assert_str_eq(a.a[8].text, "4");
	ck_assert_str_eq(a.a[15].text, "11");
}
END_TEST

/* ---- connect ------------------------------------------------------ */

START_TEST(state_names)
{
	ck_assert_str_eq(net_attempt_state_name(NET_ATTEMPT_STARTED),
			 "started");
	ck_assert_str_eq(net_attempt_state_name(NET_ATTEMPT_REFUSED),
			 "refused");
	ck_assert_str_eq(net_attempt_state_name(NET_ATTEMPT_TIMEOUT),
			 "timed out");
	ck_assert_str_eq(net_attempt_state_name(NET_ATTEMPT_ABANDONED),
			 "abandoned");
	ck_assert_str_eq(net_attempt_state_name(NET_ATTEMPT_STATE_COUNT),
			 "unknown");
	for (int s = 0; s < NET_ATTEMPT_STATE_COUNT; s++)
		ck_assert_str_ne(net_attempt_state_name(s), "unknown");
}
END_TEST

static const int families[] = { AF_INET, AF_INET6 };

START_TEST(connect_ok)
{
	int family = families[_i];
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct failure f;
	uint16_t port;
	int lfd, fd, afd, flags, nodelay = 0;
	socklen_t len = sizeof(nodelay);

	if (family == AF_INET6 && !have_ipv6_loopback())
		return;		/* no IPv6 loopback on this machine */
	lfd = listener(family, 8, &port);
	addrs_add(&addrs, family, port);
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, record,
				     &seen, &fd, &f), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(seen.n, 2);
	assert_seen(&seen, 0, &addrs.a[0], NET_ATTEMPT_STARTED);
	assert_seen(&seen, 1, &addrs.a[0], NET_ATTEMPT_CONNECTED);
	flags = fcntl(fd, F_GETFL);
	ck_assert(flags & O_NONBLOCK);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay,
				    &len), 0);
	ck_assert_int_ne(nodelay, 0);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	ck_assert_int_eq(write(afd, "* OK\r\n", 6), 6);
	ck_assert_int_eq(net_wait(fd, POLLIN, clock_ms() + 5000, -1),
			 NET_READY);
	close(afd);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(connect_without_callback)
{
	struct net_addrs addrs = { 0 };
	struct failure f;
	uint16_t port;
	int lfd, fd;

	lfd = listener(AF_INET, 8, &port);
	addrs_add(&addrs, AF_INET, port);
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, NULL,
				     NULL, &fd, &f), 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(connect_refused)
{
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct failure f;
	char want[128];
	int fd = 123, fds = open_fds();

	addrs_add(&addrs, AF_INET, closed_port(AF_INET));
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, record,
				     &seen, &fd, &f), -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(f.cls, FAIL_REFUSED);
	ck_assert_int_eq(f.phase, PHASE_CONNECT);
	snprintf(want, sizeof(want), "%s: connection refused",
		 addrs.a[0].text);
	ck_assert_str_eq(f.detail, want);
	ck_assert_uint_eq(seen.n, 2);
	assert_seen(&seen, 0, &addrs.a[0], NET_ATTEMPT_STARTED);
	assert_seen(&seen, 1, &addrs.a[0], NET_ATTEMPT_REFUSED);
	ck_assert_int_eq(open_fds(), fds);
}
END_TEST

/* The hint for failure f on a run to target, and the same with the
 * detail reworded: they must be equal. */
static void
hint_reworded(const struct failure *f, const char *target, char *hint,
	      size_t cap)
{
	struct options *o = calloc(1, sizeof(*o));
	struct diag_input in;
	struct failure g = *f;
	char err[256];

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), target,
					  (char *)NULL), 0);
	diag_input_init(&in, &o->cfg);
	diag_explain(&g, &in);
	snprintf(hint, cap, "%s", g.hint);
	g = *f;
	snprintf(g.detail, sizeof(g.detail), "reworded");
	diag_explain(&g, &in);
	ck_assert_str_eq(g.hint, hint);
	free(o);
}

/* A real refusal: its hint names the port and the address from the
 * attempts, not from the words of the detail. */
START_TEST(connect_refused_hint)
{
	struct net_addrs addrs = { 0 };
	struct failure f;
	char target[64], want[96], hint[FAIL_HINT_MAX];
	uint16_t port = closed_port(AF_INET);
	int fd;

	addrs_add(&addrs, AF_INET, port);
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, NULL,
				     NULL, &fd, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_REFUSED);
	ck_assert_uint_eq(f.n_attempts, 1);
	ck_assert_str_eq(f.attempts[0].host, "127.0.0.1");
	ck_assert_int_eq(f.attempts[0].out, FAIL_OUT_REFUSED);
	snprintf(target, sizeof(target), "127.0.0.1:%u", port);
	hint_reworded(&f, target, hint, sizeof(hint));
	snprintf(want, sizeof(want), "nothing listens on port %u at "
		 "127.0.0.1 (IPv4)", port);
	ck_assert_msg(strstr(hint, want) != NULL, "hint: %s", hint);
}
END_TEST

START_TEST(connect_refused_both_families)
{
	struct net_addrs addrs = { 0 };
	struct failure f;
	char want[256];
	int fd;

	if (!have_ipv6_loopback())
		return;		/* no IPv6 loopback on this machine */
	addrs_add(&addrs, AF_INET, closed_port(AF_INET));
	addrs_add(&addrs, AF_INET6, closed_port(AF_INET6));
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, NULL,
				     NULL, &fd, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_REFUSED);
	snprintf(want, sizeof(want),
		 "%s: connection refused; %s: connection refused",
		 addrs.a[0].text, addrs.a[1].text);
	ck_assert_str_eq(f.detail, want);
}
END_TEST

START_TEST(connect_second_after_refusal)
{
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct failure f;
	uint16_t port;
	int lfd, fd;

	lfd = listener(AF_INET, 8, &port);
	addrs_add(&addrs, AF_INET, closed_port(AF_INET));
	addrs_add(&addrs, AF_INET, port);
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, record,
				     &seen, &fd, &f), 0);
	ck_assert_uint_eq(peer_port(fd), port);
	ck_assert_uint_eq(seen.n, 4);
	assert_seen(&seen, 0, &addrs.a[0], NET_ATTEMPT_STARTED);
	assert_seen(&seen, 1, &addrs.a[0], NET_ATTEMPT_REFUSED);
	assert_seen(&seen, 2, &addrs.a[1], NET_ATTEMPT_STARTED);
	assert_seen(&seen, 3, &addrs.a[1], NET_ATTEMPT_CONNECTED);
	/* Started on the refusal, not after the head start. */
	ck_assert_int_lt(seen.e[2].elapsed_ms, NET_ATTEMPT_DELAY_MS);
	close(fd);
	close(lfd);
}
END_TEST

/* Sixteen refusals: each tried in turn, the detail cut with "...". */
START_TEST(connect_many_refused)
{
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct failure f;
	uint16_t port = closed_port(AF_INET);
	size_t len;
	int fd;

	for (int i = 0; i < NET_ADDRS_MAX; i++)
		addrs_add(&addrs, AF_INET, port);
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 5000, -1, record,
				     &seen, &fd, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_REFUSED);
	ck_assert_uint_eq(seen.n, 2 * NET_ADDRS_MAX);
	for (size_t i = 0; i < seen.n; i++)
		ck_assert_int_eq(seen.e[i].state, i % 2 == 0 ?
				 NET_ATTEMPT_STARTED : NET_ATTEMPT_REFUSED);
	len = strlen(f.detail);
	ck_assert_uint_eq(len, FAIL_DETAIL_MAX - 1);
	ck_assert_str_eq(f.detail + len - 3, "...");
}
END_TEST

START_TEST(connect_stalled_times_out)
{
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct failure f;
	struct stall s;
	int64_t t0;
	int fd, fds;

	stall_open(&s);
	fds = open_fds();
	addrs_add(&addrs, AF_INET, s.port);
	t0 = clock_ms();
	ck_assert_int_eq(net_connect(&addrs, t0 + 300, -1, record, &seen,
				     &fd, &f), -1);
	ck_assert_int_ge(clock_ms() - t0, 300);
	ck_assert_int_eq(f.cls, FAIL_TIMEOUT);
	ck_assert_int_eq(f.phase, PHASE_CONNECT);
	ck_assert_int_ge(f.waited_ms, 300);
	ck_assert_int_lt(f.waited_ms, 10000);
	ck_assert_ptr_nonnull(strstr(f.detail, addrs.a[0].text));
	ck_assert_ptr_nonnull(strstr(f.detail, "timed out"));
	ck_assert_uint_eq(seen.n, 2);
	assert_seen(&seen, 1, &addrs.a[0], NET_ATTEMPT_TIMEOUT);
	ck_assert_int_eq(open_fds(), fds);
	stall_close(&s);
}
END_TEST

/* Refused first, stalled second: any timeout makes the class. */
START_TEST(connect_mixed_times_out)
{
	struct net_addrs addrs = { 0 };
	struct failure f;
	struct stall s;
	char want[256];
	int fd;

	stall_open(&s);
	addrs_add(&addrs, AF_INET, closed_port(AF_INET));
	addrs_add(&addrs, AF_INET, s.port);
	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 300, -1, NULL,
				     NULL, &fd, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_TIMEOUT);
	snprintf(want, sizeof(want), "%s: connection refused; %s: timed out",
		 addrs.a[0].text, addrs.a[1].text);
	ck_assert_msg(strncmp(f.detail, want, strlen(want)) == 0,
		      "detail: %s", f.detail);
	stall_close(&s);
}
END_TEST

/* Stalled first, good second: the second starts after the head start
 * and wins; the first is abandoned. */
START_TEST(connect_happy_eyeballs)
{
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct failure f;
	struct stall s;
	uint16_t port;
	int lfd, fd, afd, fds;
	int64_t t0;

	stall_open(&s);
	lfd = listener(AF_INET, 8, &port);
	fds = open_fds();
	addrs_add(&addrs, AF_INET, s.port);
	addrs_add(&addrs, AF_INET, port);
	t0 = clock_ms();
	ck_assert_int_eq(net_connect(&addrs, t0 + 10000, -1, record, &seen,
				     &fd, &f), 0);
	ck_assert_int_ge(clock_ms() - t0, NET_ATTEMPT_DELAY_MS);
	ck_assert_uint_eq(seen.n, 4);
	assert_seen(&seen, 0, &addrs.a[0], NET_ATTEMPT_STARTED);
	assert_seen(&seen, 1, &addrs.a[1], NET_ATTEMPT_STARTED);
	ck_assert_int_ge(seen.e[1].elapsed_ms, NET_ATTEMPT_DELAY_MS);
	assert_seen(&seen, 2, &addrs.a[1], NET_ATTEMPT_CONNECTED);
	assert_seen(&seen, 3, &addrs.a[0], NET_ATTEMPT_ABANDONED);
	ck_assert_uint_eq(peer_port(fd), port);
	ck_assert_int_eq(open_fds(), fds + 1);
	afd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(afd, 0);
	close(afd);
	close(fd);
	close(lfd);
	stall_close(&s);
}
END_TEST

START_TEST(connect_cancelled)
{
	struct net_addrs addrs = { 0 };
	struct seen seen = { 0 };
	struct cancel_later c;
	struct failure f;
	struct stall s;
	pthread_t tid;
	int64_t t0;
	int cp[2], fd, fds;

	stall_open(&s);
	ck_assert_int_eq(pipe(cp), 0);
	fds = open_fds();
	addrs_add(&addrs, AF_INET, s.port);
	c.fd = cp[1];
	c.after_ms = 100;
	ck_assert_int_eq(pthread_create(&tid, NULL, cancel_thread, &c), 0);
	t0 = clock_ms();
	ck_assert_int_eq(net_connect(&addrs, t0 + 30000, cp[0], record,
				     &seen, &fd, &f), -1);
	ck_assert_int_lt(clock_ms() - t0, 10000);
	pthread_join(tid, NULL);
	ck_assert_int_eq(f.cls, FAIL_CANCELLED);
	ck_assert_int_eq(f.phase, PHASE_CONNECT);
	ck_assert_uint_eq(seen.n, 2);
	assert_seen(&seen, 1, &addrs.a[0], NET_ATTEMPT_CANCELLED);
	ck_assert_int_eq(open_fds(), fds);
	close(cp[0]);
	close(cp[1]);
	stall_close(&s);
}
END_TEST

START_TEST(connect_no_addresses)
{
	struct net_addrs addrs = { 0 };
	struct failure f;
	int fd = 7;

	ck_assert_int_eq(net_connect(&addrs, clock_ms() + 1000, -1, NULL,
				     NULL, &fd, &f), -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(f.cls, FAIL_INTERNAL);
	ck_assert_int_eq(f.phase, PHASE_CONNECT);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_net(void)
{
	Suite *s = suite_create("net");
	TCase *tw = units_case(s, "wait", wait_no_cancel_fd,
			       wait_cancel_from_thread, NULL);
	TCase *tr = units_case(s, "resolve", resolve_localhost,
			       resolve_too_long, resolve_cancelled,
			       resolve_deadline_past, resolve_literal_no_wait,
			       interleave_full_list, NULL);
	TCase *tc = units_case(s, "connect", state_names,
			       connect_without_callback, connect_refused,
			       connect_refused_hint,
			       connect_refused_both_families,
			       connect_second_after_refusal,
			       connect_many_refused, connect_stalled_times_out,
			       connect_mixed_times_out, connect_happy_eyeballs,
			       connect_cancelled, connect_no_addresses, NULL);

	tcase_set_timeout(tw, 20);
	tcase_add_loop_test(tw, wait_table, 0, N(wait_cases));

	tcase_set_timeout(tr, 30);
	tcase_add_loop_test(tr, resolve_numeric, 0, N(resolve_cases));
	tcase_add_loop_test(tr, resolve_fails_as_dns, 0,
			    N(resolve_fail_cases));
	tcase_add_loop_test(tr, interleave_table, 0, N(interleave_cases));

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, connect_ok, 0, N(families));
	return s;
}
