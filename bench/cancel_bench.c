/* cancel_bench.c - time session_cancel in the connect, TLS, greeting phase. */

/*
 * Usage: cancel_bench [--reps N] [--settle-ms MS] [--phase NAME]
 *
 * For each case a loopback listener that never lets the phase finish:
 *   connect    a listener whose accept queue is full (backlog 0, filled
 *              by connections of our own, never accepted), so the
 *              kernel drops the session's SYNs and connect() waits;
 *   tls        a listener that accepts and never answers; the session
 *              uses implicit TLS, so it waits for the ServerHello;
 *   greeting   the same, plain: the session waits for "* OK".
 * A session is started (timeout 10 s), its events are read until
 * EV_PHASE_START of the phase, then, SETTLE ms later, session_cancel is
 * called and the time to EV_DONE is measured (monotonic clock, from the
 * call to the moment the event is popped), as well as the time until
 * session_free has joined the thread.  Each case runs with settle 0
 * (cancel as soon as the phase begins) and with --settle-ms (default
 * 200: the session is blocked in its wait by then).  N repetitions
 * (default 20); the median and the maximum are printed as a Markdown
 * table.  The failure reported must be "cancelled" in that phase; any
 * other outcome is counted and shown.  Exit status 0 unless the bench
 * itself could not run: this is a measurement, not a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "fail.h"
#include "phase.h"
#include "session.h"

#define REPS_MAX 1000
#define FILLERS_MAX 16
#define HELD_MAX 16
#define SESSION_TIMEOUT_S 10.0
#define WAIT_DONE_MS 15000

struct bench_case {
	const char *name;
	enum phase phase;
	bool ssl;
	bool full_backlog;
};

static const struct bench_case cases[] = {
	{ "connect", PHASE_CONNECT, false, true },
	{ "tls", PHASE_TLS, true, false },
	{ "greeting", PHASE_GREETING, false, false },
};

/* A listener and the sockets that keep its accept queue full or hold
 * accepted connections open. */
struct server {
	int lfd;
	uint16_t port;
	int filler[FILLERS_MAX];
	size_t nfiller;
	int held[HELD_MAX];
	size_t nheld;
};

struct outcome {
	double cancel_to_done_ms;
	double cancel_to_freed_ms;
	bool reached;		/* the phase began */
	bool cancelled;		/* failure class "cancelled" in the phase */
	char other[160];	/* what happened instead */
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
loopback(struct sockaddr_in *sa, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* A non-blocking connect to port; 1 when it completed within wait_ms,
 * 0 when still pending (*fd set either way), -1 on error. */
static int
connect_probe(uint16_t port, int wait_ms, int *fd)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	int err = 0;
	socklen_t len = sizeof(err);

	*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -1;
	loopback(&sa, port);
	if (connect(*fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 1;
	if (errno != EINPROGRESS) {
		close(*fd);
		*fd = -1;
		return -1;
	}
	pfd.fd = *fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, wait_ms) == 0)
		return 0;
	if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0
	    || err != 0) {
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 1;
}

static void
server_close(struct server *sv)
{
	for (size_t i = 0; i < sv->nfiller; i++)
		close(sv->filler[i]);
	for (size_t i = 0; i < sv->nheld; i++)
		close(sv->held[i]);
	if (sv->lfd >= 0)
		close(sv->lfd);
	memset(sv, 0, sizeof(*sv));
	sv->lfd = -1;
}

static int
server_open(struct server *sv, bool full_backlog)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	memset(sv, 0, sizeof(*sv));
	sv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0);
	if (sv->lfd < 0)
		return -1;
	loopback(&sa, 0);
	if (bind(sv->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0
	    || listen(sv->lfd, full_backlog ? 0 : 16) != 0
	    || getsockname(sv->lfd, (struct sockaddr *)&sa, &len) != 0) {
		perror("cancel_bench: listener");
		server_close(sv);
		return -1;
	}
	sv->port = ntohs(sa.sin_port);
	if (!full_backlog)
		return 0;
	/* Connect until one connection stays pending: the queue is full
	 * and the kernel now drops SYNs. */
	while (sv->nfiller < FILLERS_MAX) {
		int fd;
		int rc = connect_probe(sv->port, 300, &fd);

		if (rc < 0) {
			perror("cancel_bench: filling the backlog");
			server_close(sv);
			return -1;
		}
		sv->filler[sv->nfiller++] = fd;
		if (rc == 0)
			return 0;
	}
	fprintf(stderr, "cancel_bench: the accept queue never filled\n");
	server_close(sv);
	return -1;
}

/* Accept what is waiting and keep it open, silent. */
static void
server_accept(struct server *sv)
{
	for (;;) {
		int fd = accept4(sv->lfd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (sv->nheld < HELD_MAX)
			sv->held[sv->nheld++] = fd;
		else
			close(fd);
	}
}

static void
server_drop_held(struct server *sv)
{
	for (size_t i = 0; i < sv->nheld; i++)
		close(sv->held[i]);
	sv->nheld = 0;
}

static void
make_config(struct conn_config *cfg, const struct bench_case *bc,
	    uint16_t port)
{
	config_init(cfg);
	snprintf(cfg->ep.host, sizeof(cfg->ep.host), "127.0.0.1");
	cfg->ep.kind = ADDR_IPV4;
	cfg->ep.port = port;
	cfg->ep.ssl = bc->ssl;
	cfg->ep.ssl_set = true;
	cfg->ep.starttls = STARTTLS_OFF;
	cfg->ep.starttls_set = true;
	snprintf(cfg->user, sizeof(cfg->user), "nobody");
	cfg->timeout_s = SESSION_TIMEOUT_S;
}

static void
note_failure(struct outcome *o, const struct event *ev,
	     const struct bench_case *bc)
{
	const struct failure *f = ev->failure;

	if (f == NULL)
		return;
	if (f->cls == FAIL_CANCELLED && f->phase == bc->phase) {
		o->cancelled = true;
		return;
	}
	snprintf(o->other, sizeof(o->other), "%s in %s: %.100s",
		 fail_class_name(f->cls), phase_name(f->phase), f->detail);
}

/* What one pass of the wait saw. */
struct watch {
	const struct bench_case *bc;
	struct outcome *o;
	double phase_at, cancel_at;
	bool done;
};

static void
take_events(struct event_queue *q, struct watch *w)
{
	struct event *ev;

	while ((ev = event_queue_pop(q)) != NULL) {
		if (ev->type == EV_PHASE_START && ev->phase == w->bc->phase
		    && !w->o->reached) {
			w->o->reached = true;
			w->phase_at = now_ms();
		} else if (ev->type == EV_FAILURE) {
			note_failure(w->o, ev, w->bc);
		} else if (ev->type == EV_DONE) {
			w->done = true;
			if (w->cancel_at > 0)
				w->o->cancel_to_done_ms =
					now_ms() - w->cancel_at;
			else if (w->o->other[0] == '\0')
				snprintf(w->o->other, sizeof(w->o->other),
					 "ended before the cancel");
		}
		event_free(ev);
	}
}

/* One session: start, wait for the phase, cancel after settle_ms, time
 * until EV_DONE and until freed.  -1 when the bench cannot go on. */
static int
run_once(const struct bench_case *bc, struct server *sv, int settle_ms,
	 struct outcome *o)
{
	struct event_queue *q = event_queue_new();
	struct watch w = { bc, o, 0, 0, false };
	struct conn_config cfg;
	struct session *s;
	struct failure f;
	double limit;

	memset(o, 0, sizeof(*o));
	if (q == NULL)
		return -1;
	make_config(&cfg, bc, sv->port);
	s = session_start(&cfg, q, &f);
	config_wipe(&cfg);
	if (s == NULL) {
		fprintf(stderr, "cancel_bench: session_start: %s\n",
			f.detail);
		event_queue_free(q);
		return -1;
	}
	limit = now_ms() + WAIT_DONE_MS;
	while (!w.done) {
		struct pollfd pfd[2];
		double now = now_ms();
		int timeout = (int)(limit - now) + 1;

		if (now > limit) {
			snprintf(o->other, sizeof(o->other), "no EV_DONE "
				 "within %d ms", WAIT_DONE_MS);
			session_cancel(s);
			break;
		}
		if (o->reached && w.cancel_at == 0) {
			if (now >= w.phase_at + settle_ms) {
				w.cancel_at = now_ms();
				session_cancel(s);
			} else {
				timeout = (int)(w.phase_at + settle_ms - now)
					  + 1;
			}
		}
		pfd[0].fd = event_queue_fd(q);
		pfd[0].events = POLLIN;
		/* The connect case must leave its accept queue full. */
		pfd[1].fd = bc->full_backlog ? -1 : sv->lfd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			server_accept(sv);
		take_events(q, &w);
	}
	session_free(s);
	if (w.cancel_at > 0)
		o->cancel_to_freed_ms = now_ms() - w.cancel_at;
	event_queue_free(q);
	server_drop_held(sv);
	return 0;
}

struct row {
	const char *name;
	int settle_ms;
	int n, ok;
	double median, max, freed_median, freed_max;
	char other[160];
};

static double
median_of(double *v, int n)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
run_case(const struct bench_case *bc, int reps, int settle_ms,
	 struct row *r)
{
	static double done_ms[REPS_MAX], freed_ms[REPS_MAX];
	struct server sv;

	memset(r, 0, sizeof(*r));
	r->name = bc->name;
	r->settle_ms = settle_ms;
	if (server_open(&sv, bc->full_backlog) != 0)
		return -1;
	for (int i = 0; i < reps; i++) {
		struct outcome o;

		if (run_once(bc, &sv, settle_ms, &o) != 0) {
			server_close(&sv);
			return -1;
		}
		r->n++;
		if (o.cancelled && o.other[0] == '\0') {
			done_ms[r->ok] = o.cancel_to_done_ms;
			freed_ms[r->ok] = o.cancel_to_freed_ms;
			r->ok++;
		} else if (r->other[0] == '\0') {
			snprintf(r->other, sizeof(r->other), "%s",
				 o.other[0] ? o.other : o.reached ?
				 "no failure reported" :
				 "the phase never began");
		}
	}
	server_close(&sv);
	if (r->ok > 0) {
		r->median = median_of(done_ms, r->ok);
		r->max = done_ms[r->ok - 1];
		r->freed_median = median_of(freed_ms, r->ok);
		r->freed_max = freed_ms[r->ok - 1];
	}
	return 0;
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: cancel_bench [--reps N] [--settle-ms MS] "
		"[--phase connect|tls|greeting]\n");
}

int
main(int argc, char **argv)
{
	struct row rows[2 * sizeof(cases) / sizeof(cases[0])];
	const char *only = NULL;
	size_t nrows = 0;
	int reps = 20, settle = 200;

	for (int i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (val == NULL) {
			usage(stderr);
			return 2;
		}
		if (strcmp(argv[i], "--reps") == 0)
			reps = atoi(val);
		else if (strcmp(argv[i], "--settle-ms") == 0)
			settle = atoi(val);
		else if (strcmp(argv[i], "--phase") == 0)
			only = val;
		else {
			usage(stderr);
			return 2;
		}
		i++;
	}
	if (reps < 1 || reps > REPS_MAX || settle < 0 || settle > 60000) {
		usage(stderr);
		return 2;
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		if (only != NULL && strcmp(only, cases[c].name) != 0)
			continue;
		for (int k = 0; k < 2; k++) {
			int ms = k == 0 ? 0 : settle;

			if (run_case(&cases[c], reps, ms, &rows[nrows]) != 0)
				return 1;
			nrows++;
		}
	}
	printf("| phase | cancelled after | runs | cancelled | "
	       "cancel -> EV_DONE median / max (ms) | "
	       "cancel -> session_free median / max (ms) | other outcome |\n"
	       "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("| %s | %d ms | %d | %d | %.2f / %.2f | %.2f / %.2f "
		       "| %s |\n", r->name, r->settle_ms, r->n, r->ok,
		       r->median, r->max, r->freed_median, r->freed_max,
		       r->other[0] ? r->other : "-");
	}
	return 0;
}
