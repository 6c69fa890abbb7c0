/* scripted_server.c - a loopback IMAP server that plays a fault script. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define PROG "scripted_server"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum {
	EXIT_SETUP = 2,		/* usage, script, setup or server error */
	EXIT_MISMATCH = 3,	/* the client did not send what was expected */
	EXIT_TIME_LIMIT = 4	/* --max-seconds ran out */
};

enum {
	IN_MAX = 65536,		/* client bytes held; also the line limit */
	OUT_MAX = 65536,	/* server bytes gathered before one write */
	TAG_MAX = 64,		/* longest tag kept for $TAG */
	SCRIPT_LINE_MAX = 65536,
	FIELD_MAX = 512,	/* escaped text shown in one event field */
	DETAIL_MAX = 256,
	NUM_MAX = 100000000,	/* largest count or delay in a script */
	READ_ALL_MS = 2000,	/* default silence that ends read-all */
	SECONDS_MAX = 3600
};

/* Settings from the command line; strings point into argv. */
struct options {
	const char *script;
	const char *port_file;
	const char *cert;
	const char *key;
	const char *chain;
	const char *log;
	const char *listen;
	int tls_min;		/* 0: TLS 1.0 */
	int tls_max;		/* 0: the highest OpenSSL has */
	long max_seconds;
	bool once;
};

struct conn;
struct directive;

typedef void (*play_fn)(struct conn *, const struct directive *);

enum arg {
	ARG_NONE,
	ARG_TEXT,		/* TEXT, not empty */
	ARG_OPT_TEXT,		/* TEXT, may be empty */
	ARG_NUM,		/* N */
	ARG_OPT_NUM,		/* [N] */
	ARG_NUM_TEXT		/* N TEXT */
};

struct op {
	const char *name;
	enum arg arg;
	bool reads_line;	/* waits for one line from the client */
	play_fn play;
};

/* One script line.  text is the raw text, escapes and $TAG not yet
 * expanded; it is never NULL and belongs to the script. */
struct directive {
	const struct op *op;
	int lineno;
	bool has_num;
	unsigned long num;
	char *text;
	size_t textlen;
};

struct script {
	struct directive *d;
	size_t n;
	size_t cap;
};

enum layer { LAYER_PLAIN, LAYER_TLS };

static const char *const layer_names[] = { "plain", "tls" };

struct log {
	FILE *f;		/* NULL: no log */
	bool midline;		/* a client line is open */
	enum layer layer;	/* the layer of the open line */
};

struct server {
	const struct options *opt;
	struct script script;
	SSL_CTX *ctx;
	struct log log;
	int stop_fd;		/* readable once SIGTERM or SIGINT came */
	int64_t deadline;	/* the hard limit, in now_ms() units */
	bool time_up;
	bool stopping;
	bool failed;
	unsigned long mismatches;
};

/* One client connection, owned by run_conn(). */
struct conn {
	struct server *srv;
	int fd;			/* -1 once the script closed it */
	SSL *ssl;		/* non-NULL once TLS is up */
	const char *end;	/* why the script stopped; NULL: running */
	bool eof;		/* the client closed its side */
	bool skip_to_lf;	/* dropping the rest of an overlong line */
	size_t inlen;
	size_t outlen;
	size_t taglen;
	char tag[TAG_MAX];
	char detail[DETAIL_MAX];
	unsigned char in[IN_MAX];
	unsigned char line[IN_MAX];
	unsigned char out[OUT_MAX];
};

enum io {
	IO_OK,			/* ready, or bytes arrived */
	IO_IDLE,		/* the caller's own wait ran out */
	IO_EOF,			/* the client closed */
	IO_END			/* time limit, stop signal or link failure */
};

enum attempt { AT_DONE, AT_WANT_READ, AT_WANT_WRITE, AT_EOF, AT_FAIL };

static const struct escape {
	char name;
	unsigned char byte;
	bool logged;		/* also used when writing the log */
} escapes[] = {
	{ 'r', '\r', true },
	{ 'n', '\n', true },
	{ '\\', '\\', true },
	{ 't', '\t', false },
	{ '0', '\0', false },
	{ '$', '$', false },
};

static const struct {
	const char *name;
	int version;
} tls_versions[] = {
	{ "1.0", TLS1_VERSION },
	{ "1.1", TLS1_1_VERSION },
	{ "1.2", TLS1_2_VERSION },
	{ "1.3", TLS1_3_VERSION },
};

static int stop_pipe_w = -1;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Escaping ---------------------------------------------------------- */

/* Writes the logged form of one byte to out; quote also escapes '"'. */
static void
escape_byte(unsigned char ch, bool quote, char out[5])
{
	for (size_t i = 0; i < NELEM(escapes); i++) {
		if (escapes[i].logged && escapes[i].byte == ch) {
			out[0] = '\\';
			out[1] = escapes[i].name;
			out[2] = '\0';
			return;
		}
	}
	if (ch >= 0x20 && ch < 0x7f && !(quote && ch == '"')) {
		out[0] = (char)ch;
		out[1] = '\0';
		return;
	}
	snprintf(out, 5, "\\x%02x", ch);
}

/* Escapes p into dst (cap bytes), quotes escaped, "..." when cut. */
static void
escape_field(char *dst, size_t cap, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t len = 0;
	char e[5];

	dst[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t elen;

		escape_byte(s[i], true, e);
		elen = strlen(e);
		if (len + elen + 4 > cap) {
			memcpy(dst + len, "...", 4);
			return;
		}
		memcpy(dst + len, e, elen + 1);
		len += elen;
	}
}

static int
hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes the escape after a backslash (p, n bytes left); returns the
 * byte and sets *used, or returns -1. */
static int
unescape(const char *p, size_t n, size_t *used)
{
	int hi, lo;

	if (n == 0)
		return -1;
	if (p[0] == 'x') {
		if (n < 3)
			return -1;
		hi = hex_value(p[1]);
		lo = hex_value(p[2]);
		if (hi < 0 || lo < 0)
			return -1;
		*used = 3;
		return hi * 16 + lo;
	}
	for (size_t i = 0; i < NELEM(escapes); i++) {
		if (escapes[i].name == p[0]) {
			*used = 1;
			return escapes[i].byte;
		}
	}
	return -1;
}

/* Bytes text_expand() may need for n raw bytes: "$TAG" grows to TAG_MAX. */
static size_t
text_cap(size_t n)
{
	return n * (TAG_MAX / 4 + 1) + 1;
}

/* Expands C escapes and $TAG in raw (n bytes) into out, which holds
 * text_cap(n) bytes.  Returns the length, or -1 with *err set. */
static long
text_expand(const char *raw, size_t n, const char *tag, size_t taglen,
    unsigned char *out, const char **err)
{
	size_t i = 0, len = 0, used = 0;
	int byte;

	while (i < n) {
		if (n - i >= 4 && memcmp(raw + i, "$TAG", 4) == 0) {
			memcpy(out + len, tag, taglen);
			len += taglen;
			i += 4;
		} else if (raw[i] == '\\') {
			byte = unescape(raw + i + 1, n - i - 1, &used);
			if (byte < 0) {
				*err = "bad escape (known: \\r \\n \\t \\\\ "
				    "\\0 \\$ \\xNN)";
				return -1;
			}
			out[len++] = (unsigned char)byte;
			i += 1 + used;
		} else {
			out[len++] = (unsigned char)raw[i++];
		}
	}
	return (long)len;
}

/* The log ---------------------------------------------------------- */

static void
log_endline(struct log *lg)
{
	fputc('\n', lg->f);
	lg->midline = false;
}

/* Logs bytes the client sent, one log line per client line. */
static void
log_client(struct log *lg, enum layer layer, const unsigned char *p,
    size_t n)
{
	char e[5];

	if (lg->f == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (lg->midline && lg->layer != layer)
			log_endline(lg);
		if (!lg->midline) {
			fprintf(lg->f, "%s: ", layer_names[layer]);
			lg->midline = true;
			lg->layer = layer;
		}
		escape_byte(p[i], false, e);
		fputs(e, lg->f);
		if (p[i] == '\n')
			log_endline(lg);
	}
	fflush(lg->f);
}

static void log_event(struct log *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
log_event(struct log *lg, const char *fmt, ...)
{
	va_list ap;

	if (lg->f == NULL)
		return;
	if (lg->midline)
		log_endline(lg);
	fputs("event: ", lg->f);
	va_start(ap, fmt);
	vfprintf(lg->f, fmt, ap);
	va_end(ap);
	fputc('\n', lg->f);
	fflush(lg->f);
}

/* Waiting ----------------------------------------------------------- */

/* Waits until fd (-1: none) is ready for events, until the monotonic
 * time `until`, the hard limit or a stop signal, whichever comes first. */
static enum io
srv_wait(struct server *srv, int fd, short events, int64_t until)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = srv->stop_fd, .events = POLLIN },
			{ .fd = fd, .events = events },
		};
		int64_t now = now_ms();
		int64_t left = (until < srv->deadline ? until : srv->deadline)
		    - now;
		int rc;

		if (srv->stopping || srv->time_up)
			return IO_END;
		if (now >= srv->deadline) {
			srv->time_up = true;
			log_event(&srv->log, "time-limit seconds=%ld",
			    srv->opt->max_seconds);
			return IO_END;
		}
		if (now >= until)
			return IO_IDLE;
		rc = poll(p, 2, left > INT_MAX ? INT_MAX : (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			log_event(&srv->log, "poll-failed %s",
			    strerror(errno));
			srv->failed = srv->stopping = true;
			return IO_END;
		}
		if (p[0].revents != 0) {
			log_event(&srv->log, "stop-signal");
			srv->stopping = true;
			return IO_END;
		}
		if (p[1].revents != 0)
			return IO_OK;
	}
}

/* The connection's link ------------------------------------------- */

static void
conn_end(struct conn *c, const char *why)
{
	if (c->end == NULL)
		c->end = why;
}

/* srv_wait() for the connection: a wait cut short by the hard limit or
 * a stop signal ends the script. */
static enum io
conn_wait_fd(struct conn *c, int fd, short events, int64_t until)
{
	enum io rc = srv_wait(c->srv, fd, events, until);

	if (rc == IO_END)
		conn_end(c, c->srv->time_up ? "time-limit" : "stopped");
	return rc;
}

/* Waits until the link can do what an attempt wanted. */
static enum io
conn_wait(struct conn *c, enum attempt want, int64_t until)
{
	short events = want == AT_WANT_WRITE ? POLLOUT : POLLIN;

	return conn_wait_fd(c, c->fd, events, until);
}

static void
conn_sleep(struct conn *c, unsigned long ms)
{
	conn_wait_fd(c, -1, 0, now_ms() + (int64_t)ms);
}

/* Classifies the result of a socket call; fills c->detail. */
static enum attempt
sock_attempt(struct conn *c, ssize_t r, enum attempt want)
{
	c->detail[0] = '\0';
	if (r > 0)
		return AT_DONE;
	if (r == 0)
		return AT_EOF;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return want;
	if (errno == ECONNRESET) {
		snprintf(c->detail, sizeof(c->detail), "reset");
		return AT_EOF;
	}
	snprintf(c->detail, sizeof(c->detail), "%s", strerror(errno));
	return AT_FAIL;
}

/* Classifies a failed TLS call (ret is its result); fills c->detail. */
static enum attempt
tls_attempt(struct conn *c, SSL *ssl, int ret)
{
	int saved = errno;
	int err = SSL_get_error(ssl, ret);
	unsigned long e = ERR_peek_error();
	const char *reason;

	c->detail[0] = '\0';
	switch (err) {
	case SSL_ERROR_WANT_READ:
		return AT_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return AT_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		snprintf(c->detail, sizeof(c->detail),
		    "tls-close-notify=yes");
		return AT_EOF;
	case SSL_ERROR_SYSCALL:
		if (saved == 0 || saved == ECONNRESET) {
			snprintf(c->detail, sizeof(c->detail), "%s",
			    saved == 0 ? "tls-close-notify=no" : "reset");
			return AT_EOF;
		}
		snprintf(c->detail, sizeof(c->detail), "%s",
		    strerror(saved));
		return AT_FAIL;
	default:
		if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			snprintf(c->detail, sizeof(c->detail),
			    "tls-close-notify=no");
			return AT_EOF;
		}
		reason = ERR_reason_error_string(e);
		snprintf(c->detail, sizeof(c->detail), "%s",
		    reason != NULL ? reason : "unknown TLS error");
		return AT_FAIL;
	}
}

/* Reads once into the free part of c->in; *n gets the count. */
static enum attempt
link_read(struct conn *c, size_t *n)
{
	unsigned char *buf = c->in + c->inlen;
	size_t cap = IN_MAX - c->inlen;
	ssize_t r;

	if (c->ssl != NULL) {
		ERR_clear_error();
		errno = 0;
		if (SSL_read_ex(c->ssl, buf, cap, n) == 1)
			return AT_DONE;
		return tls_attempt(c, c->ssl, 0);
	}
	r = recv(c->fd, buf, cap, 0);
	if (r > 0)
		*n = (size_t)r;
	return sock_attempt(c, r, AT_WANT_READ);
}

static enum attempt
link_write(struct conn *c, const unsigned char *p, size_t n, size_t *done)
{
	ssize_t r;

	if (c->ssl != NULL) {
		ERR_clear_error();
		errno = 0;
		if (SSL_write_ex(c->ssl, p, n, done) == 1)
			return AT_DONE;
		return tls_attempt(c, c->ssl, 0);
	}
	r = send(c->fd, p, n, MSG_NOSIGNAL);
	if (r > 0)
		*done = (size_t)r;
	return sock_attempt(c, r, AT_WANT_WRITE);
}

/* Reads what the client sent into c->in (the caller leaves room),
 * waiting until `until`; logs the bytes and the client's close. */
static enum io
conn_read(struct conn *c, int64_t until)
{
	enum layer layer = c->ssl != NULL ? LAYER_TLS : LAYER_PLAIN;

	if (c->end != NULL)
		return IO_END;
	if (c->eof)
		return IO_EOF;
	for (;;) {
		size_t n = 0;
		enum attempt at = link_read(c, &n);
		enum io rc;

		switch (at) {
		case AT_DONE:
			log_client(&c->srv->log, layer, c->in + c->inlen, n);
			c->inlen += n;
			return IO_OK;
		case AT_EOF:
			c->eof = true;
			log_event(&c->srv->log, "client-closed%s%s",
			    c->detail[0] != '\0' ? " " : "", c->detail);
			return IO_EOF;
		case AT_FAIL:
			c->eof = true;
			log_event(&c->srv->log, "read-failed %s", c->detail);
			conn_end(c, "read-failed");
			return IO_END;
		default:
			rc = conn_wait(c, at, until);
			if (rc != IO_OK)
				return rc;
		}
	}
}

/* Reads and forgets client bytes (they are logged) until the client
 * closes, the script must end, or quiet_ms pass without a byte (-1:
 * never; 0: what has arrived is read, so that closing loses nothing and
 * unread bytes do not turn a close into a reset). */
static void
conn_discard(struct conn *c, long quiet_ms)
{
	enum io rc = IO_OK;

	while (rc == IO_OK) {
		c->inlen = 0;
		c->skip_to_lf = false;
		rc = conn_read(c, quiet_ms < 0 ? INT64_MAX :
		    now_ms() + quiet_ms);
	}
}

static void
conn_write(struct conn *c, const unsigned char *p, size_t n)
{
	while (n > 0 && c->end == NULL) {
		size_t done = 0;
		enum attempt at = link_write(c, p, n, &done);

		if (at == AT_DONE) {
			p += done;
			n -= done;
		} else if (at == AT_WANT_READ || at == AT_WANT_WRITE) {
			conn_wait(c, at, INT64_MAX);
		} else {
			log_event(&c->srv->log, "write-failed %s",
			    c->detail[0] != '\0' ? c->detail : "eof");
			conn_end(c, "write-failed");
		}
	}
}

static void
out_flush(struct conn *c)
{
	if (c->outlen > 0)
		conn_write(c, c->out, c->outlen);
	c->outlen = 0;
}

/* Queues bytes for the client, writing whenever OUT_MAX are queued. */
static void
out_put(struct conn *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n > 0 && c->end == NULL) {
		size_t k = OUT_MAX - c->outlen;

		if (k > n)
			k = n;
		memcpy(c->out + c->outlen, p, k);
		c->outlen += k;
		p += k;
		n -= k;
		if (c->outlen == OUT_MAX)
			out_flush(c);
	}
}

/* Sends TLS close_notify, waiting while the socket is full. */
static void
tls_notify(struct conn *c)
{
	for (;;) {
		int r;

		ERR_clear_error();
		r = SSL_shutdown(c->ssl);
		if (r >= 0)
			return;
		if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_WRITE)
			return;
		if (conn_wait(c, AT_WANT_WRITE, INT64_MAX) != IO_OK)
			return;
	}
}

/* Closes the link; notify sends TLS close_notify first. */
static void
conn_close(struct conn *c, bool notify)
{
	if (c->ssl != NULL) {
		if (notify)
			tls_notify(c);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Lines from the client -------------------------------------------- */

static void
in_consume(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
}

/* Drops the rest of an overlong line, up to and with its LF. */
static void
in_skip(struct conn *c)
{
	unsigned char *lf = memchr(c->in, '\n', c->inlen);

	if (lf == NULL) {
		c->inlen = 0;
		return;
	}
	in_consume(c, (size_t)(lf - c->in) + 1);
	c->skip_to_lf = false;
}

/* Moves n buffered bytes to c->line, without a final CR, and drops
 * `extra` bytes after them. */
static void
take_line(struct conn *c, size_t n, size_t extra, size_t *len)
{
	memcpy(c->line, c->in, n);
	in_consume(c, n + extra);
	if (n > 0 && c->line[n - 1] == '\r')
		n--;
	*len = n;
}

/* Takes the next client line (up to LF, without CR LF) into c->line.  A
 * line longer than IN_MAX is cut there and its rest dropped. */
static enum io
conn_line(struct conn *c, size_t *len)
{
	for (;;) {
		unsigned char *lf = NULL;
		enum io rc;

		if (c->skip_to_lf)
			in_skip(c);
		if (!c->skip_to_lf)
			lf = memchr(c->in, '\n', c->inlen);
		if (lf != NULL) {
			take_line(c, (size_t)(lf - c->in), 1, len);
			return IO_OK;
		}
		if (c->inlen == IN_MAX) {
			take_line(c, IN_MAX, 0, len);
			c->skip_to_lf = true;
			log_event(&c->srv->log, "overlong-line cut=%d",
			    IN_MAX);
			return IO_OK;
		}
		rc = conn_read(c, INT64_MAX);
		if (rc != IO_OK)
			return rc;
	}
}

/* Like conn_line(); a client that closes first ends the script. */
static bool
conn_take_line(struct conn *c, size_t *len)
{
	enum io rc = conn_line(c, len);

	if (rc == IO_EOF)
		conn_end(c, "client-closed");
	return rc == IO_OK;
}

/* Expands d's text with the current $TAG; the caller frees it. */
static unsigned char *
conn_text(struct conn *c, const struct directive *d, size_t *len)
{
	unsigned char *buf = malloc(text_cap(d->textlen));
	const char *err = NULL;
	long n;

	if (buf == NULL) {
		conn_end(c, "out-of-memory");
		return NULL;
	}
	n = text_expand(d->text, d->textlen, c->tag, c->taglen, buf, &err);
	if (n < 0) {
		free(buf);
		conn_end(c, "bad-text");
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* Records that d did not get what it expected (want may be NULL); got
 * is already in its final form (a quoted line or a reason in
 * parentheses). */
static void
mismatch(struct conn *c, const struct directive *d,
    const unsigned char *want, size_t wantlen, const char *got)
{
	bool tagged = strcmp(d->op->name, "expect-tag") == 0;
	char shown[FIELD_MAX];

	c->srv->mismatches++;
	escape_field(shown, sizeof(shown), want, want != NULL ? wantlen : 0);
	log_event(&c->srv->log, "mismatch line=%d expected=\"%s%s\" got=%s",
	    d->lineno, tagged ? "<tag> " : "", shown, got);
	fprintf(stderr, PROG ": script line %d: expected \"%s%s\", got %s\n",
	    d->lineno, tagged ? "<tag> " : "", shown, got);
}

static void
mismatch_line(struct conn *c, const struct directive *d,
    const unsigned char *want, size_t wantlen, size_t len)
{
	char got[FIELD_MAX + 2];

	got[0] = '"';
	escape_field(got + 1, FIELD_MAX, c->line, len);
	strcat(got, "\"");
	mismatch(c, d, want, wantlen, got);
}

/* True when p (n bytes) starts with want (wantlen bytes). */
static bool
has_prefix(const unsigned char *p, size_t n, const unsigned char *want,
    size_t wantlen)
{
	return n >= wantlen && memcmp(p, want, wantlen) == 0;
}

/* Directives --------------------------------------------------------- */

static void
play_send(struct conn *c, const struct directive *d)
{
	size_t len;
	unsigned char *text = conn_text(c, d, &len);

	if (text == NULL)
		return;
	out_put(c, text, len);
	if (strcmp(d->op->name, "sendln") == 0)
		out_put(c, "\r\n", 2);
	free(text);
}

static void
play_expect(struct conn *c, const struct directive *d)
{
	size_t len, wantlen;
	unsigned char *want;

	if (!conn_take_line(c, &len))
		return;
	want = conn_text(c, d, &wantlen);
	if (want == NULL)
		return;
	if (!has_prefix(c->line, len, want, wantlen))
		mismatch_line(c, d, want, wantlen, len);
	free(want);
}

static void
play_expect_tag(struct conn *c, const struct directive *d)
{
	size_t len, wantlen, taglen, skip;
	unsigned char *want, *space;

	if (!conn_take_line(c, &len))
		return;
	space = memchr(c->line, ' ', len);
	taglen = space != NULL ? (size_t)(space - c->line) : len;
	skip = space != NULL ? taglen + 1 : len;
	c->taglen = taglen < TAG_MAX ? taglen : TAG_MAX;
	memcpy(c->tag, c->line, c->taglen);
	want = conn_text(c, d, &wantlen);
	if (want == NULL)
		return;
	if (!has_prefix(c->line + skip, len - skip, want, wantlen))
		mismatch_line(c, d, want, wantlen, len);
	free(want);
}

/* Like expect-tag, and the line must have come alone: nothing else
 * in the same write (a client that sent more behind it pipelined). */
static void
play_expect_alone(struct conn *c, const struct directive *d)
{
	bool behind;

	play_expect_tag(c, d);
	if (c->end != NULL)
		return;
	behind = c->inlen > 0;
	if (!behind && !c->eof && c->inlen < IN_MAX)
		behind = conn_read(c, now_ms() + 150) == IO_OK && c->inlen > 0;
	if (!behind)
		return;
	c->srv->mismatches++;
	log_event(&c->srv->log, "mismatch line=%d expected=\"a line alone\" "
	    "got=\"more bytes in the same write\"", d->lineno);
	fprintf(stderr, PROG ": script line %d: more bytes came in the same "
	    "write\n", d->lineno);
}

/* Ends one connection's part of the script (see section_start()). */
static void
play_next_connection(struct conn *c, const struct directive *d)
{
	(void)c;
	(void)d;
}

static void
play_readline(struct conn *c, const struct directive *d)
{
	size_t len;

	conn_take_line(c, &len);
}

static void
play_read_all(struct conn *c, const struct directive *d)
{
	conn_discard(c, d->has_num ? (long)d->num : READ_ALL_MS);
}

/* Names why a handshake failed, after tls_attempt() gave at. */
static const char *
tls_failure(struct conn *c, enum attempt at)
{
	if (at == AT_FAIL && c->detail[0] != '\0')
		return c->detail;
	if (at == AT_EOF && strcmp(c->detail, "reset") == 0)
		return "client-reset";
	return "client-closed";
}

static void
play_tls(struct conn *c, const struct directive *d)
{
	SSL *ssl;
	int r;

	if (c->inlen > 0) {
		log_event(&c->srv->log, "discarded-plaintext bytes=%zu",
		    c->inlen);
		c->inlen = 0;
		c->skip_to_lf = false;
	}
	ssl = SSL_new(c->srv->ctx);
	if (ssl == NULL || SSL_set_fd(ssl, c->fd) != 1) {
		SSL_free(ssl);
		log_event(&c->srv->log, "tls-failed reason=setup");
		conn_end(c, "tls-failed");
		return;
	}
	for (;;) {
		enum attempt at;

		ERR_clear_error();
		errno = 0;
		r = SSL_accept(ssl);
		if (r == 1)
			break;
		at = tls_attempt(c, ssl, r);
		if (at == AT_WANT_READ || at == AT_WANT_WRITE) {
			if (conn_wait(c, at, INT64_MAX) == IO_OK)
				continue;
		} else {
			log_event(&c->srv->log, "tls-failed reason=%s",
			    tls_failure(c, at));
			conn_end(c, "tls-failed");
		}
		SSL_free(ssl);
		return;
	}
	c->ssl = ssl;
	log_event(&c->srv->log, "%s-done version=%s cipher=%s", d->op->name,
	    SSL_get_version(ssl), SSL_get_cipher_name(ssl));
}

static void
play_sleep(struct conn *c, const struct directive *d)
{
	conn_sleep(c, d->num);
}

static void
play_silent(struct conn *c, const struct directive *d)
{
	conn_discard(c, -1);
}

static void
play_handshake_stall(struct conn *c, const struct directive *d)
{
	log_event(&c->srv->log, "handshake-stall");
	conn_discard(c, -1);
}

static void
play_drip(struct conn *c, const struct directive *d)
{
	size_t len;
	unsigned char *text = conn_text(c, d, &len);

	if (text == NULL)
		return;
	for (size_t i = 0; i < len && c->end == NULL; i++) {
		if (i > 0)
			conn_sleep(c, d->num);
		if (c->end == NULL)
			conn_write(c, text + i, 1);
	}
	free(text);
}

/* close, and drop: the same without TLS close_notify. */
static void
play_close(struct conn *c, const struct directive *d)
{
	bool notify = strcmp(d->op->name, "close") == 0;
	const char *how = "";

	if (c->ssl != NULL)
		how = notify ? " tls-close-notify=yes" :
		    " tls-close-notify=no";
	conn_discard(c, 0);
	conn_close(c, notify);
	log_event(&c->srv->log, "server-closed%s", how);
}

static void
play_reset(struct conn *c, const struct directive *d)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	conn_discard(c, 0);
	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) != 0)
		log_event(&c->srv->log, "so-linger-failed %s",
		    strerror(errno));
	conn_close(c, false);
	log_event(&c->srv->log, "server-reset");
}

static void
play_shutdown_write(struct conn *c, const struct directive *d)
{
	if (c->ssl != NULL)
		tls_notify(c);
	if (shutdown(c->fd, SHUT_WR) != 0)
		log_event(&c->srv->log, "shutdown-failed %s",
		    strerror(errno));
	log_event(&c->srv->log, "server-shutdown-write");
}

static void
play_repeat(struct conn *c, const struct directive *d)
{
	size_t len;
	unsigned char *text = conn_text(c, d, &len);

	if (text == NULL)
		return;
	for (unsigned long i = 0; i < d->num && c->end == NULL; i++)
		out_put(c, text, len);
	free(text);
}

/* Queues t with every "%d" replaced by count (count appended when t has
 * none), then CR LF. */
static void
put_counted(struct conn *c, const unsigned char *t, size_t len,
    unsigned long count)
{
	char num[24];
	int numlen = snprintf(num, sizeof(num), "%lu", count);
	bool placed = false;
	size_t i = 0;

	while (i < len) {
		const unsigned char *pct = memmem(t + i, len - i, "%d", 2);
		size_t k = pct != NULL ? (size_t)(pct - t) - i : len - i;

		out_put(c, t + i, k);
		i += k;
		if (pct == NULL)
			break;
		out_put(c, num, (size_t)numlen);
		i += 2;
		placed = true;
	}
	if (!placed)
		out_put(c, num, (size_t)numlen);
	out_put(c, "\r\n", 2);
}

static void
play_repeat_lines(struct conn *c, const struct directive *d)
{
	size_t len;
	unsigned char *text = conn_text(c, d, &len);

	if (text == NULL)
		return;
	for (unsigned long i = 1; i <= d->num && c->end == NULL; i++)
		put_counted(c, text, len, i);
	free(text);
}

static const struct op ops[] = {
	{ "send", ARG_TEXT, false, play_send },
	{ "sendln", ARG_OPT_TEXT, false, play_send },
	{ "expect", ARG_OPT_TEXT, true, play_expect },
	{ "expect-tag", ARG_OPT_TEXT, true, play_expect_tag },
	{ "expect-alone", ARG_OPT_TEXT, true, play_expect_alone },
	{ "next-connection", ARG_NONE, false, play_next_connection },
	{ "readline", ARG_NONE, true, play_readline },
	{ "read-all", ARG_OPT_NUM, false, play_read_all },
	{ "tls", ARG_NONE, false, play_tls },
	{ "starttls", ARG_NONE, false, play_tls },
	{ "sleep", ARG_NUM, false, play_sleep },
	{ "silent", ARG_NONE, false, play_silent },
	{ "handshake-stall", ARG_NONE, false, play_handshake_stall },
	{ "drip", ARG_NUM_TEXT, false, play_drip },
	{ "close", ARG_NONE, false, play_close },
	{ "drop", ARG_NONE, false, play_close },
	{ "reset", ARG_NONE, false, play_reset },
	{ "shutdown-write", ARG_NONE, false, play_shutdown_write },
	{ "repeat", ARG_NUM_TEXT, false, play_repeat },
	{ "repeat-lines", ARG_NUM_TEXT, false, play_repeat_lines },
};

/* Playing one connection ------------------------------------------- */

static bool
is_section_end(const struct directive *d)
{
	return d->op->play == play_next_connection;
}

/* Logs why the script stopped at directive i; an unplayed line read
 * from i on counts as a mismatch. */
static void
script_stopped(struct conn *c, size_t i)
{
	const struct script *s = &c->srv->script;
	char got[DETAIL_MAX];

	log_event(&c->srv->log, "script-stopped line=%d reason=%s",
	    s->d[i].lineno, c->end);
	snprintf(got, sizeof(got), "(%s)", c->end);
	for (size_t j = i; j < s->n && !is_section_end(&s->d[j]); j++) {
		const struct directive *d = &s->d[j];
		unsigned char *want;
		size_t len;

		if (!d->op->reads_line)
			continue;
		want = conn_text(c, d, &len);
		mismatch(c, d, want, want != NULL ? len : 0, got);
		free(want);
		return;
	}
}

/* Where connection number (from 1) starts: after the number-1'th
 * next-connection, or the last part when there are fewer. */
static size_t
section_start(const struct script *s, unsigned long number)
{
	size_t start = 0;
	unsigned long seen = 1;

	for (size_t i = 0; i < s->n && seen < number; i++)
		if (is_section_end(&s->d[i])) {
			start = i + 1;
			seen++;
		}
	return start;
}

static void
play_script(struct conn *c, unsigned long number)
{
	const struct script *s = &c->srv->script;
	size_t i = section_start(s, number);

	while (i < s->n && !is_section_end(&s->d[i])) {
		if (c->fd < 0) {
			conn_end(c, "closed");
			break;
		}
		s->d[i].op->play(c, &s->d[i]);
		out_flush(c);
		if (c->end != NULL)
			break;
		i++;
	}
	if (c->end != NULL) {
		script_stopped(c, i);
		return;
	}
	log_event(&c->srv->log, "script-done");
	if (c->fd >= 0)
		conn_discard(c, -1);
}

static void
log_peer(struct conn *c, unsigned long number)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
		}
	}
	log_event(&c->srv->log, "connection number=%lu peer=%s port=%d",
	    number, host, port);
}

/* Plays the script on one accepted socket, which it closes. */
static void
run_conn(struct server *srv, int fd, unsigned long number)
{
	struct conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (c == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		close(fd);
		srv->failed = srv->stopping = true;
		return;
	}
	c->srv = srv;
	c->fd = fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	log_peer(c, number);
	play_script(c, number);
	conn_close(c, false);
	free(c);
}

/* Waits for and accepts the next client; -1 when the server must end. */
static int
accept_next(struct server *srv, int lfd)
{
	for (;;) {
		int fd;

		if (srv_wait(srv, lfd, POLLIN, INT64_MAX) != IO_OK)
			return -1;
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR || errno == ECONNABORTED)
			continue;
		fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
		log_event(&srv->log, "accept-failed %s", strerror(errno));
		srv->failed = true;
		return -1;
	}
}

/* Serves connections on lfd, which it closes, until the script was
 * played once (--once), the hard limit or a stop signal. */
static void
serve(struct server *srv, int lfd)
{
	unsigned long number = 0;

	for (;;) {
		int fd = accept_next(srv, lfd);

		if (fd < 0)
			break;
		if (srv->opt->once) {
			close(lfd);
			lfd = -1;
		}
		run_conn(srv, fd, ++number);
		if (srv->opt->once || srv->time_up || srv->stopping)
			break;
	}
	if (lfd >= 0)
		close(lfd);
}

/* The script file --------------------------------------------------- */

static const struct op *
op_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NELEM(ops); i++) {
		if (strlen(ops[i].name) == len &&
		    memcmp(ops[i].name, name, len) == 0)
			return &ops[i];
	}
	return NULL;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Parses the number at *p into d and moves *p past it and its blanks. */
static int
parse_num(char **p, struct directive *d, const char **err)
{
	char *end;

	if (**p < '0' || **p > '9') {
		if (d->op->arg == ARG_OPT_NUM && **p == '\0')
			return 0;
		*err = "a number is needed";
		return -1;
	}
	errno = 0;
	d->num = strtoul(*p, &end, 10);
	if (errno != 0 || d->num > NUM_MAX) {
		*err = "number too large (the most is 100000000)";
		return -1;
	}
	if (*end != '\0' && !is_blank(*end)) {
		*err = "bad number";
		return -1;
	}
	d->has_num = true;
	*p = end + strspn(end, " \t");
	return 0;
}

/* Stores the text at p in d, checking its escapes. */
static int
parse_text(const char *p, struct directive *d, const char **err)
{
	enum arg arg = d->op->arg;
	unsigned char *scratch;
	long rc;

	if ((arg == ARG_NONE || arg == ARG_NUM || arg == ARG_OPT_NUM) &&
	    *p != '\0') {
		*err = "unexpected text after the directive";
		return -1;
	}
	if ((arg == ARG_TEXT || arg == ARG_NUM_TEXT) && *p == '\0') {
		*err = "text is needed";
		return -1;
	}
	d->textlen = strlen(p);
	d->text = strdup(p);
	scratch = malloc(text_cap(d->textlen));
	if (d->text == NULL || scratch == NULL) {
		free(scratch);
		*err = "out of memory";
		return -1;
	}
	rc = text_expand(d->text, d->textlen, "", 0, scratch, err);
	free(scratch);
	return rc < 0 ? -1 : 0;
}

/* Parses one line (no line end) into d: 1 for a directive, 0 for a
 * blank or comment line, -1 with *err set. */
static int
parse_directive(char *line, struct directive *d, const char **err)
{
	char *p = line + strspn(line, " \t");
	size_t namelen;
	enum arg arg;

	if (*p == '\0' || *p == '#')
		return 0;
	namelen = strcspn(p, " \t");
	d->op = op_find(p, namelen);
	if (d->op == NULL) {
		*err = "unknown directive";
		return -1;
	}
	p += namelen;
	p += strspn(p, " \t");
	arg = d->op->arg;
	if (arg == ARG_NUM || arg == ARG_OPT_NUM || arg == ARG_NUM_TEXT) {
		if (parse_num(&p, d, err) != 0)
			return -1;
	}
	if (parse_text(p, d, err) != 0)
		return -1;
	return 1;
}

static int
script_add(struct script *s, const struct directive *d)
{
	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 64 : s->cap * 2;
		struct directive *nd = realloc(s->d, cap * sizeof(*nd));

		if (nd == NULL)
			return -1;
		s->d = nd;
		s->cap = cap;
	}
	s->d[s->n++] = *d;
	return 0;
}

/* Parses one raw line of the script file (len bytes with its LF). */
static int
script_line(struct script *s, char *line, size_t len, int lineno,
    const char **err)
{
	struct directive d = { .lineno = lineno };
	int rc;

	if (len > SCRIPT_LINE_MAX) {
		*err = "line too long";
		return -1;
	}
	if (strlen(line) != len) {
		*err = "NUL byte in the script (write \\0)";
		return -1;
	}
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	rc = parse_directive(line, &d, err);
	if (rc == 1 && script_add(s, &d) != 0) {
		*err = "out of memory";
		rc = -1;
	}
	if (rc != 1)
		free(d.text);
	return rc < 0 ? -1 : 0;
}

static void
script_free(struct script *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->d[i].text);
	free(s->d);
	s->d = NULL;
	s->n = s->cap = 0;
}

static int
script_load(struct script *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;

	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0) {
		const char *err = NULL;
		ssize_t len = getline(&line, &cap, f);

		if (len < 0)
			break;
		lineno++;
		rc = script_line(s, line, (size_t)len, lineno, &err);
		if (rc != 0)
			fprintf(stderr, PROG ": %s:%d: %s\n", path, lineno,
			    err);
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, PROG ": %s: read error\n", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/* Counts the directives that start TLS. */
static int
script_tls_count(const struct script *s)
{
	int n = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->d[i].op->play == play_tls)
			n++;
	}
	return n;
}

/* Setup ----------------------------------------------------------------- */

static int
tls_version(const char *name)
{
	for (size_t i = 0; i < NELEM(tls_versions); i++) {
		if (strcmp(tls_versions[i].name, name) == 0)
			return tls_versions[i].version;
	}
	return -1;
}

static int
tls_fail(const char *what, const char *path)
{
	fprintf(stderr, PROG ": %s %s failed\n", what, path);
	ERR_print_errors_fp(stderr);
	return -1;
}

/* Adds every certificate in the PEM file at path to the chain sent. */
static int
tls_add_chain(SSL_CTX *ctx, const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		X509 *x = PEM_read_X509(f, NULL, NULL, NULL);

		if (x == NULL)
			break;
		if (SSL_CTX_add0_chain_cert(ctx, x) != 1) {
			X509_free(x);
			fclose(f);
			return tls_fail("adding chain certificate from", path);
		}
		n++;
	}
	fclose(f);
	ERR_clear_error();
	if (n == 0) {
		fprintf(stderr, PROG ": %s: no certificate\n", path);
		return -1;
	}
	return 0;
}

/* Builds the server context.  It accepts whatever the client accepts
 * (security level 0, TLS 1.0 up) unless --tls-min/--tls-max narrow it:
 * the client under test is the one that must refuse. */
static SSL_CTX *
tls_setup(const struct options *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	const char *key = o->key != NULL ? o->key : o->cert;
	int rc = -1;

	if (ctx == NULL) {
		tls_fail("creating the", "TLS context");
		return NULL;
	}
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0") != 1)
		tls_fail("setting", "ciphers");
	else if (SSL_CTX_set_min_proto_version(ctx,
	    o->tls_min != 0 ? o->tls_min : TLS1_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, o->tls_max) != 1)
		tls_fail("setting", "TLS versions");
	else if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1)
		tls_fail("loading certificate", o->cert);
	else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		tls_fail("loading key", key);
	else if (SSL_CTX_check_private_key(ctx) != 1)
		tls_fail("matching the key with", o->cert);
	else if (o->chain == NULL || tls_add_chain(ctx, o->chain) == 0)
		rc = 0;
	if (rc != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Opens the listening socket on a loopback address and an ephemeral
 * port; returns it and sets *port, or -1. */
static int
listen_loopback(const char *addr, int *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1 &&
	    (ntohl(in4->sin_addr.s_addr) >> 24) == 127) {
		in4->sin_family = AF_INET;
		sl = sizeof(*in4);
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
		in6->sin6_family = AF_INET6;
		sl = sizeof(*in6);
	} else {
		fprintf(stderr, PROG ": --listen %s: not a loopback address "
		    "(use 127.0.0.1, 127.0.0.N or ::1)\n", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		fprintf(stderr, PROG ": listening on %s: %s\n", addr,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? in6->sin6_port :
	    in4->sin_port);
	return fd;
}

/* Writes the port to a temporary name beside path, then renames it, so
 * that a reader sees no file or the whole number. */
static int
write_port_file(const char *path, int port)
{
	char tmp[PATH_MAX];
	FILE *f;
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid());

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(stderr, PROG ": --port-file: path too long\n");
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
on_stop(int sig)
{
	int saved = errno;
	ssize_t n = write(stop_pipe_w, "s", 1);

	(void)n;
	errno = saved;
}

/* The backstop should a wait ever escape the deadline. */
static void
on_alarm(int sig)
{
	static const char msg[] = PROG ": hard time limit\n";
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)n;
	_exit(EXIT_TIME_LIMIT);
}

static int
signals_setup(struct server *srv)
{
	struct sigaction sa;
	int fds[2];

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
		return -1;
	}
	srv->stop_fd = fds[0];
	stop_pipe_w = fds[1];
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	alarm((unsigned int)srv->opt->max_seconds + 2);
	return 0;
}

/* Loads everything, listens and publishes the port; -1 on failure. */
static int
server_setup(struct server *srv, int *lfd)
{
	const struct options *o = srv->opt;
	int port = 0;

	srv->deadline = now_ms() + o->max_seconds * 1000;
	if (script_load(&srv->script, o->script) != 0)
		return -1;
	if (script_tls_count(&srv->script) > 1) {
		fprintf(stderr, PROG ": %s: TLS can start only once\n",
		    o->script);
		return -1;
	}
	if (script_tls_count(&srv->script) > 0 && o->cert == NULL) {
		fprintf(stderr, PROG ": %s starts TLS: --cert is needed\n",
		    o->script);
		return -1;
	}
	if (o->cert != NULL) {
		srv->ctx = tls_setup(o);
		if (srv->ctx == NULL)
			return -1;
	}
	if (o->log != NULL) {
		srv->log.f = fopen(o->log, "w");
		if (srv->log.f == NULL) {
			fprintf(stderr, PROG ": %s: %s\n", o->log,
			    strerror(errno));
			return -1;
		}
	}
	if (signals_setup(srv) != 0)
		return -1;
	*lfd = listen_loopback(o->listen, &port);
	if (*lfd < 0)
		return -1;
	if (write_port_file(o->port_file, port) != 0) {
		close(*lfd);
		return -1;
	}
	log_event(&srv->log, "listening address=%s port=%d", o->listen,
	    port);
	return 0;
}

static void
server_free(struct server *srv)
{
	script_free(&srv->script);
	SSL_CTX_free(srv->ctx);
	if (srv->log.f != NULL)
		fclose(srv->log.f);
	if (srv->stop_fd >= 0)
		close(srv->stop_fd);
	if (stop_pipe_w >= 0)
		close(stop_pipe_w);
	stop_pipe_w = -1;
}

/* Command line ---------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " --script FILE --port-file FILE\n"
	    "         [--cert PEM [--key PEM] [--chain PEM]]\n"
	    "         [--tls-min V] [--tls-max V]   (V: 1.0 1.1 1.2 1.3)\n"
	    "         [--log FILE] [--once] [--listen 127.0.0.1]\n"
	    "         [--max-seconds N]   (default 60)\n"
	    "Exit: 0 played, 2 usage or setup error, 3 mismatch, "
	    "4 time limit.\n");
}

static int
parse_seconds(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 ||
	    v > SECONDS_MAX)
		return -1;
	*out = v;
	return 0;
}

static int
options_parse(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "script", required_argument, NULL, 's' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "chain", required_argument, NULL, 'C' },
		{ "tls-min", required_argument, NULL, 'm' },
		{ "tls-max", required_argument, NULL, 'M' },
		{ "log", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, 'o' },
		{ "listen", required_argument, NULL, 'L' },
		{ "max-seconds", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1";
	o->max_seconds = 60;
	for (;;) {
		ch = getopt_long(argc, argv, "h", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 's':
			o->script = optarg;
			break;
		case 'p':
			o->port_file = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'C':
			o->chain = optarg;
			break;
		case 'l':
			o->log = optarg;
			break;
		case 'o':
			o->once = true;
			break;
		case 'L':
			o->listen = optarg;
			break;
		case 'm':
			o->tls_min = tls_version(optarg);
			if (o->tls_min < 0)
				goto bad;
			break;
		case 'M':
			o->tls_max = tls_version(optarg);
			if (o->tls_max < 0)
				goto bad;
			break;
		case 't':
			if (parse_seconds(optarg, &o->max_seconds) != 0)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || o->script == NULL || o->port_file == NULL) {
		usage(stderr);
		return -1;
	}
	if (o->cert == NULL && (o->key != NULL || o->chain != NULL)) {
		fprintf(stderr, PROG ": --key and --chain need --cert\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, PROG ": bad value for --%s: %s\n",
	    ch == 't' ? "max-seconds" : ch == 'm' ? "tls-min" : "tls-max",
	    optarg);
	return -1;
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct server srv;
	int lfd = -1, status = 0;

	if (options_parse(&opt, argc, argv) != 0)
		return EXIT_SETUP;
	memset(&srv, 0, sizeof(srv));
	srv.opt = &opt;
	srv.stop_fd = -1;
	if (server_setup(&srv, &lfd) != 0) {
		server_free(&srv);
		return EXIT_SETUP;
	}
	serve(&srv, lfd);
	if (srv.failed)
		status = EXIT_SETUP;
	else if (srv.time_up)
		status = EXIT_TIME_LIMIT;
	else if (srv.mismatches > 0)
		status = EXIT_MISMATCH;
	log_event(&srv.log, "exit status=%d", status);
	server_free(&srv);
	return status;
}
