/* delayproxy.c - loopback TCP proxy with a fixed delay, counting exchanges. */

/*
 * Usage:
 *   delayproxy --target PORT [--listen PORT] [--delay-ms MS]
 *              [--connections N] [--time-limit SECONDS]
 *              [--report FILE] [--port-file FILE] [--verbose]
 *
 * Listens on 127.0.0.1:LISTEN (0, the default, picks a free port; it is
 * written to --port-file and to stderr) and connects each client to
 * 127.0.0.1:TARGET.  Every chunk read from one side is written to the
 * other side MS milliseconds after it arrived, bytes unchanged and in
 * order, so a round trip through the proxy costs 2 * MS more than
 * without it.  An end of stream (FIN) is passed on with the same delay.
 * The proxy cannot delay the TCP handshake itself: the kernel completes
 * it before the proxy sees the connection.
 *
 * Exchanges.  The proxy sees each side's bytes in the order they reach
 * it (the same order in which it relays them, as both directions are
 * delayed alike).  Consecutive chunks in one direction, with no chunk in
 * the other direction between them, form a burst; bursts therefore
 * alternate between client->server (C) and server->client (S).
 *   - An exchange is a C burst together with the S burst that follows
 *     it: one round trip the client had to wait for.
 *   - An S burst with no C burst before it (the server speaking first
 *     on a new connection: the IMAP greeting) is an exchange of its own.
 *   - A C burst that no S burst follows before the connection ends
 *     (bytes sent while closing, such as a TLS close_notify) is not an
 *     exchange; its size is reported as trailing_client_bytes.
 * A server that spoke unprompted in the middle of a connection would
 * add an exchange although nobody waited; IMAP servers answering
 * commands do not.
 *
 * Report: one JSON object per connection, written when it closes (or
 * when the proxy exits with it still open) to --report FILE, else to
 * stdout, one per line:
 *   conn                 1, 2, ... in accept order
 *   start_wall_us        wall-clock time of the accept (microseconds
 *                        since the epoch), to compare with client logs
 *   exchanges            as defined above
 *   bytes_c2s, bytes_s2c bytes relayed each way
 *   trailing_client_bytes
 *   duration_ms          accept to close (both ends of stream relayed,
 *                        or an error)
 *   last_byte_ms         accept to the last byte written to either side
 *   closed               false when the proxy exited first
 *   error                "" or what ended the connection early
 *   xs                   the first XCHG_MAX exchanges: c_ms (first byte
 *                        of the C burst reached the proxy; -1 for a
 *                        greeting), c_bytes, s_ms (first byte of the S
 *                        burst), s_end_ms (its last chunk), s_bytes; all
 *                        times since the accept, as received (the peer
 *                        gets them delay_ms later)
 * A one-line summary per connection goes to stderr at exit.
 *
 * Bounds: at most CONN_MAX connections at once, at most QUEUE_MAX bytes
 * in at most CHUNKS_MAX chunks queued per direction (reading stops until
 * it drains), chunks of at most CHUNK_MAX bytes.  Loopback only: it
 * binds and connects to 127.0.0.1 and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONN_MAX 64
#define CHUNK_MAX 16384
#define QUEUE_MAX (1024 * 1024)
#define CHUNKS_MAX 4096
#define XCHG_MAX 64
#define DEFAULT_TIME_LIMIT_S 600
#define CONNECT_TIMEOUT_S 5

enum { SIDE_CLIENT = 0, SIDE_SERVER = 1 };
enum { DIR_C2S = 0, DIR_S2C = 1 };

struct chunk {
	struct chunk *next;
	int64_t due_us;		/* when it may be written */
	size_t len, off;
	bool eof;		/* end of stream: shutdown the destination */
	unsigned char data[];
};

/* One direction: from fd[d] to fd[1 - d]. */
struct flow {
	struct chunk *head, *tail;
	size_t queued;		/* bytes not yet written */
	size_t nchunks;
	bool read_eof;		/* end of stream read from the source */
	bool done;		/* ... and passed on to the destination */
	bool blocked;		/* the last write would block */
	uint64_t bytes;		/* relayed (written) */
};

struct xchg {
	int64_t c_us, c_bytes;	/* c_us -1: no client burst */
	int64_t s_us, s_end_us, s_bytes;
};

struct conn {
	bool used;
	unsigned id;
	int fd[2];		/* SIDE_CLIENT, SIDE_SERVER */
	struct flow flow[2];	/* DIR_C2S, DIR_S2C */
	int64_t start_us;
	int64_t start_wall_us;
	int64_t last_write_us;
	int last_dir;		/* -1 before any byte */
	int64_t pend_c_us;	/* the C burst awaiting its reply */
	int64_t pend_c_bytes;
	unsigned nx;
	struct xchg xs[XCHG_MAX];
	char error[96];
};

struct opts {
	int listen_port;
	int target_port;
	int64_t delay_us;
	unsigned connections;	/* 0: no limit */
	double time_limit_s;
	const char *report;
	const char *port_file;
	bool verbose;
};

struct proxy {
	struct opts o;
	int lfd;
	FILE *report;
	unsigned accepted, finished;
	struct conn conn[CONN_MAX];
	/* Summaries printed at exit; bounded. */
	char summary[CONN_MAX * 4][160];
	size_t nsummary;
};

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	stop_flag = sig;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: delayproxy --target PORT [--listen PORT] "
		"[--delay-ms MS]\n"
		"                  [--connections N] [--time-limit SECONDS]\n"
		"                  [--report FILE] [--port-file FILE] "
		"[--verbose]\n"
		"Relays 127.0.0.1:LISTEN <-> 127.0.0.1:TARGET, each chunk "
		"MS ms late,\nand reports the exchanges (request/response "
		"round trips) per connection.\n");
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	long v;

	memset(o, 0, sizeof(*o));
	o->target_port = -1;
	o->time_limit_s = DEFAULT_TIME_LIMIT_S;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(a, "--verbose") == 0) {
			o->verbose = true;
			continue;
		}
		if (val == NULL) {
			fprintf(stderr, "delayproxy: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--listen") == 0
		    && parse_long(val, 0, 65535, &v) == 0) {
			o->listen_port = (int)v;
		} else if (strcmp(a, "--target") == 0
			   && parse_long(val, 1, 65535, &v) == 0) {
			o->target_port = (int)v;
		} else if (strcmp(a, "--delay-ms") == 0
			   && parse_long(val, 0, 60000, &v) == 0) {
			o->delay_us = (int64_t)v * 1000;
		} else if (strcmp(a, "--connections") == 0
			   && parse_long(val, 0, INT_MAX, &v) == 0) {
			o->connections = (unsigned)v;
		} else if (strcmp(a, "--time-limit") == 0
			   && parse_long(val, 1, 86400, &v) == 0) {
			o->time_limit_s = (double)v;
		} else if (strcmp(a, "--report") == 0) {
			o->report = val;
		} else if (strcmp(a, "--port-file") == 0) {
			o->port_file = val;
		} else {
			fprintf(stderr, "delayproxy: bad option or value: "
				"%s %s\n", a, val);
			return -1;
		}
	}
	if (o->target_port < 0) {
		fprintf(stderr, "delayproxy: --target PORT is required\n");
		return -1;
	}
	return 0;
}

static void
loopback(struct sockaddr_in *sa, int port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

static void
set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int
write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *fp;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	fp = fopen(tmp, "w");
	if (fp == NULL)
		return -1;
	fprintf(fp, "%d\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

static int
open_listener(struct proxy *p)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int one = 1;

	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->lfd < 0) {
		perror("delayproxy: socket");
		return -1;
	}
	setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	loopback(&sa, p->o.listen_port);
	if (bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0
	    || listen(p->lfd, 64) != 0
	    || getsockname(p->lfd, (struct sockaddr *)&sa, &len) != 0
	    || set_nonblock(p->lfd) != 0) {
		perror("delayproxy: listen");
		return -1;
	}
	fprintf(stderr, "delayproxy: 127.0.0.1:%d -> 127.0.0.1:%d, "
		"%lld ms each way\n", ntohs(sa.sin_port), p->o.target_port,
		(long long)(p->o.delay_us / 1000));
	if (p->o.port_file != NULL
	    && write_port_file(p->o.port_file, ntohs(sa.sin_port)) != 0) {
		perror("delayproxy: --port-file");
		return -1;
	}
	return 0;
}

static int
connect_target(int port)
{
	struct timeval tv = { CONNECT_TIMEOUT_S, 0 };
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* A blocking connect bounded by the send timeout; on loopback it
	 * completes or fails at once unless the target's backlog is full. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	loopback(&sa, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0
	    || set_nonblock(fd) != 0) {
		close(fd);
		return -1;
	}
	set_nodelay(fd);
	return fd;
}

static double
ms_of(int64_t us)
{
	return (double)us / 1000.0;
}

static void
report_conn(struct proxy *p, const struct conn *c, int64_t end_us,
	    bool closed)
{
	FILE *fp = p->report != NULL ? p->report : stdout;
	int64_t last = c->last_write_us ? c->last_write_us - c->start_us : 0;
	unsigned shown = c->nx < XCHG_MAX ? c->nx : XCHG_MAX;

	fprintf(fp, "{\"conn\":%u,\"start_wall_us\":%" PRId64
		",\"delay_ms\":%.3f,\"exchanges\":%u,\"bytes_c2s\":%" PRIu64
		",\"bytes_s2c\":%" PRIu64 ",\"trailing_client_bytes\":%"
		PRId64 ",\"duration_ms\":%.3f,\"last_byte_ms\":%.3f,"
		"\"closed\":%s,\"error\":\"%s\",\"xs\":[",
		c->id, c->start_wall_us, ms_of(p->o.delay_us), c->nx,
		c->flow[DIR_C2S].bytes, c->flow[DIR_S2C].bytes,
		c->last_dir == DIR_C2S ? c->pend_c_bytes : 0,
		ms_of(end_us - c->start_us), ms_of(last),
		closed ? "true" : "false", c->error);
	for (unsigned i = 0; i < shown; i++) {
		const struct xchg *x = &c->xs[i];

		fprintf(fp, "%s{\"c_ms\":%.3f,\"c_bytes\":%" PRId64
			",\"s_ms\":%.3f,\"s_end_ms\":%.3f,\"s_bytes\":%"
			PRId64 "}", i ? "," : "",
			x->c_us < 0 ? -1.0 : ms_of(x->c_us - c->start_us),
			x->c_bytes, ms_of(x->s_us - c->start_us),
			ms_of(x->s_end_us - c->start_us), x->s_bytes);
	}
	fprintf(fp, "]}\n");
	fflush(fp);

	if (p->nsummary < sizeof(p->summary) / sizeof(p->summary[0]))
		snprintf(p->summary[p->nsummary++], sizeof(p->summary[0]),
			 "conn %u: %u exchanges, %" PRIu64 " B c->s, %" PRIu64
			 " B s->c, duration %.1f ms, last byte %.1f ms%s%s",
			 c->id, c->nx, c->flow[DIR_C2S].bytes,
			 c->flow[DIR_S2C].bytes, ms_of(end_us - c->start_us),
			 ms_of(last), closed ? "" : " (open at exit)",
			 c->error[0] ? ", error" : "");
}

static void
free_flow(struct flow *f)
{
	struct chunk *ch = f->head;

	while (ch != NULL) {
		struct chunk *next = ch->next;

		free(ch);
		ch = next;
	}
	f->head = f->tail = NULL;
	f->queued = 0;
	f->nchunks = 0;
}

static void
close_conn(struct proxy *p, struct conn *c, bool closed)
{
	report_conn(p, c, now_us(), closed);
	for (int i = 0; i < 2; i++) {
		free_flow(&c->flow[i]);
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	}
	memset(c, 0, sizeof(*c));
	p->finished++;
}

static void
conn_error(struct conn *c, const char *what, int err)
{
	if (c->error[0] == '\0')
		snprintf(c->error, sizeof(c->error), "%s: %s", what,
			 strerror(err));
}

static void
accept_one(struct proxy *p)
{
	struct conn *c = NULL;
	int64_t t, wall;
	int cfd, sfd;

	for (size_t i = 0; i < CONN_MAX; i++)
		if (!p->conn[i].used) {
			c = &p->conn[i];
			break;
		}
	if (c == NULL)
		return;
	cfd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	t = now_us();
	wall = wall_us();
	set_nodelay(cfd);
	sfd = connect_target(p->o.target_port);
	if (sfd < 0) {
		fprintf(stderr, "delayproxy: cannot connect to "
			"127.0.0.1:%d: %s\n", p->o.target_port,
			strerror(errno));
		close(cfd);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->id = ++p->accepted;
	c->fd[SIDE_CLIENT] = cfd;
	c->fd[SIDE_SERVER] = sfd;
	c->start_us = t;
	c->start_wall_us = wall;
	c->last_dir = -1;
	c->pend_c_us = -1;
}

/* Account n bytes read in direction d at time t (see the top comment). */
static void
count(struct proxy *p, struct conn *c, int d, size_t n, int64_t t)
{
	struct xchg *x;

	if (d == DIR_C2S) {
		if (c->last_dir != DIR_C2S) {
			c->pend_c_us = t;
			c->pend_c_bytes = 0;
		}
		c->pend_c_bytes += (int64_t)n;
		c->last_dir = DIR_C2S;
		return;
	}
	if (c->last_dir == DIR_S2C) {
		if (c->nx > 0 && c->nx <= XCHG_MAX) {
			x = &c->xs[c->nx - 1];
			x->s_end_us = t;
			x->s_bytes += (int64_t)n;
		}
		return;
	}
	c->nx++;
	if (c->nx <= XCHG_MAX) {
		x = &c->xs[c->nx - 1];
		x->c_us = c->last_dir == DIR_C2S ? c->pend_c_us : -1;
		x->c_bytes = c->last_dir == DIR_C2S ? c->pend_c_bytes : 0;
		x->s_us = x->s_end_us = t;
		x->s_bytes = (int64_t)n;
	}
	if (p->o.verbose)
		fprintf(stderr, "conn %u: exchange %u at %.1f ms\n", c->id,
			c->nx, ms_of(t - c->start_us));
	c->pend_c_us = -1;
	c->pend_c_bytes = 0;
	c->last_dir = DIR_S2C;
}

static void
enqueue(struct flow *f, struct chunk *ch)
{
	ch->next = NULL;
	if (f->tail != NULL)
		f->tail->next = ch;
	else
		f->head = ch;
	f->tail = ch;
	f->queued += ch->len;
	f->nchunks++;
}

static bool
room(const struct flow *f)
{
	return f->queued < QUEUE_MAX && f->nchunks < CHUNKS_MAX;
}

/* Read what the source of direction d has; -1 when out of memory. */
static int
read_side(struct proxy *p, struct conn *c, int d)
{
	struct flow *f = &c->flow[d];
	struct chunk *ch;
	int64_t t;
	ssize_t n;

	if (f->read_eof || !room(f))
		return 0;
	ch = malloc(sizeof(*ch) + CHUNK_MAX);
	if (ch == NULL)
		return -1;
	n = recv(c->fd[d], ch->data, CHUNK_MAX, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK
		      || errno == EINTR)) {
		free(ch);
		return 0;
	}
	t = now_us();
	ch->due_us = t + p->o.delay_us;
	ch->off = 0;
	if (n <= 0) {
		if (n < 0)
			conn_error(c, d == DIR_C2S ? "client read" :
				   "server read", errno);
		ch->len = 0;
		ch->eof = true;
		f->read_eof = true;
	} else {
		struct chunk *small = realloc(ch, sizeof(*ch) + (size_t)n);

		if (small != NULL)
			ch = small;
		ch->len = (size_t)n;
		ch->eof = false;
		count(p, c, d, (size_t)n, t);
	}
	enqueue(f, ch);
	return 0;
}

/* Write the due chunks of direction d; -1 when the connection must end
 * now (a write failed). */
static int
flush_flow(struct conn *c, int d, int64_t now)
{
	struct flow *f = &c->flow[d];
	int dst = c->fd[1 - d];

	while (f->head != NULL && f->head->due_us <= now) {
		struct chunk *ch = f->head;

		if (ch->eof) {
			shutdown(dst, SHUT_WR);
			f->done = true;
		} else {
			ssize_t n = send(dst, ch->data + ch->off,
					 ch->len - ch->off, MSG_NOSIGNAL);

			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK
				      || errno == EINTR)) {
				f->blocked = true;
				return 0;
			}
			if (n < 0) {
				conn_error(c, d == DIR_C2S ? "server write" :
					   "client write", errno);
				return -1;
			}
			ch->off += (size_t)n;
			f->queued -= (size_t)n;
			f->bytes += (uint64_t)n;
			c->last_write_us = now_us();
			if (ch->off < ch->len) {
				f->blocked = true;
				return 0;
			}
		}
		f->head = ch->next;
		if (f->head == NULL)
			f->tail = NULL;
		f->nchunks--;
		free(ch);
	}
	f->blocked = false;
	return 0;
}

static bool
limits_reached(const struct proxy *p)
{
	return p->o.connections > 0 && p->finished >= p->o.connections;
}

/* Milliseconds poll may sleep: until the next chunk is due, at most
 * until the time limit. */
static int
poll_timeout(const struct proxy *p, int64_t now, int64_t end_us)
{
	int64_t next = end_us;

	for (size_t i = 0; i < CONN_MAX; i++) {
		const struct conn *c = &p->conn[i];

		if (!c->used)
			continue;
		for (int d = 0; d < 2; d++) {
			const struct flow *f = &c->flow[d];

			if (f->head != NULL && !f->blocked
			    && f->head->due_us < next)
				next = f->head->due_us;
		}
	}
	if (next <= now)
		return 0;
	/* Round up so the chunk is due when poll returns. */
	return (int)((next - now + 999) / 1000);
}

static int
run(struct proxy *p)
{
	int64_t end_us = now_us() + (int64_t)(p->o.time_limit_s * 1e6);
	struct pollfd pfd[1 + CONN_MAX * 2];
	struct conn *owner[1 + CONN_MAX * 2];
	int oside[1 + CONN_MAX * 2];

	while (!stop_flag && !limits_reached(p)) {
		int64_t now = now_us();
		nfds_t n = 0;
		int rc;

		if (now >= end_us) {
			fprintf(stderr, "delayproxy: time limit reached\n");
			break;
		}
		/* Relay what is due; end connections done both ways. */
		for (size_t i = 0; i < CONN_MAX; i++) {
			struct conn *c = &p->conn[i];

			if (!c->used)
				continue;
			if (flush_flow(c, DIR_C2S, now) != 0
			    || flush_flow(c, DIR_S2C, now) != 0
			    || (c->flow[0].done && c->flow[1].done))
				close_conn(p, c, true);
		}
		if (limits_reached(p))
			break;

		if (p->o.connections == 0 || p->accepted < p->o.connections) {
			pfd[n].fd = p->lfd;
			pfd[n].events = POLLIN;
			oside[n] = -1;
			owner[n++] = NULL;
		}
		for (size_t i = 0; i < CONN_MAX; i++) {
			struct conn *c = &p->conn[i];

			if (!c->used)
				continue;
			for (int side = 0; side < 2; side++) {
				/* fd[side] is the source of flow[side] and
				 * the destination of flow[1 - side]. */
				const struct flow *in = &c->flow[side];
				const struct flow *out = &c->flow[1 - side];

				pfd[n].fd = c->fd[side];
				pfd[n].events = 0;
				if (!in->read_eof && room(in))
					pfd[n].events |= POLLIN;
				if (out->blocked)
					pfd[n].events |= POLLOUT;
				/* Nothing wanted: keep a hung-up socket from
				 * waking poll until there is. */
				if (pfd[n].events == 0)
					pfd[n].fd = -1;
				oside[n] = side;
				owner[n++] = c;
			}
		}
		rc = poll(pfd, n, poll_timeout(p, now, end_us));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			perror("delayproxy: poll");
			return -1;
		}
		for (nfds_t k = 0; k < n; k++) {
			struct conn *c = owner[k];
			int side;

			if (pfd[k].revents == 0)
				continue;
			if (c == NULL) {
				accept_one(p);
				continue;
			}
			if (!c->used)
				continue;
			side = oside[k];
			if (pfd[k].revents & POLLOUT)
				c->flow[1 - side].blocked = false;
			if ((pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
			    && read_side(p, c, side) != 0) {
				fprintf(stderr, "delayproxy: out of memory\n");
				return -1;
			}
		}
	}
	for (size_t i = 0; i < CONN_MAX; i++)
		if (p->conn[i].used)
			close_conn(p, &p->conn[i], false);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct proxy p;
	struct sigaction sa;
	int rc;

	if (parse_opts(argc, argv, &p.o) != 0) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (p.o.report != NULL) {
		p.report = fopen(p.o.report, "w");
		if (p.report == NULL) {
			perror("delayproxy: --report");
			return 2;
		}
	}
	if (open_listener(&p) != 0)
		return 2;
	rc = run(&p);
	close(p.lfd);
	for (size_t i = 0; i < p.nsummary; i++)
		fprintf(stderr, "delayproxy: %s\n", p.summary[i]);
	if (p.report != NULL)
		fclose(p.report);
	return rc == 0 ? 0 : 1;
}
