/* fuzz_session.c - libFuzzer target: a whole session against a server
 * whose byte stream is the fuzz input.
 *
 * A listener on 127.0.0.1 is opened once.  For each input the fuzzer's
 * thread plays the server: it accepts the session's connection, writes
 * the stream (after byte 0) and shuts its side down, takes the events
 * until the session ends, then reads whatever the client sent (the
 * socket buffers hold it: inputs and the client's bytes are small).
 * A session that gives a connection up for one without pipelining
 * gets the same stream on the new one.
 * No thread of its own and no hand-over keep each run cheap.  Byte 0
 * picks the settings: STARTTLS mode, a user
 * (with plain-text login allowed or not), a mailbox to open read-only
 * or read-write.  The session runs with a short timeout and does not
 * stay open; every event is taken from the queue.
 *
 * Checked beyond memory safety: the session ends with EV_DONE; every
 * text meant for a terminal (phase lines, notes, transcript, failure
 * details, mailbox names and data) is valid UTF-8 without C0, DEL, C1,
 * bidirectional or separator characters; a failure has a class; the
 * password (or its SASL PLAIN form) never appears in what the client
 * sent, unless plain-text login was allowed and STARTTLS not required
 * (no TLS handshake can succeed against this server).
 * FUZZ_SESSION_SKIP_CAPS=1 in the environment leaves the capability
 * list out of the text check. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "escape.h"
#include "event.h"
#include "mailbox.h"
#include "server_id.h"
#include "session.h"

#define USER "fuzz user"
#define PASSWORD "s3cr3t-Pw"
/* base64 of "\0" USER "\0" PASSWORD: AUTHENTICATE PLAIN's message */
#define PLAIN_B64 "AGZ1enogdXNlcgBzM2NyM3QtUHc="
#define CLIENT_MAX 16384	/* client bytes kept per run */
#define IO_WAIT_MS 3000		/* a stuck peer ends the run */
#define THREAD_STACK (1024 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct server_run {
	const uint8_t *data;
	size_t size;
	char got[CLIENT_MAX];	/* what the client sent */
	size_t got_len;
};

static int listen_fd = -1;
static uint16_t listen_port;
static bool skip_caps;
static struct server_run the_run;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	const char *e = getenv("FUZZ_SESSION_SKIP_CAPS");
	pthread_attr_t attr;

	(void)argc;
	(void)argv;
	/* Every run starts threads: small stacks keep that cheap under
	 * the sanitizers (they clear a stack's shadow at thread exit). */
	if (pthread_attr_init(&attr) != 0
	    || pthread_attr_setstacksize(&attr, THREAD_STACK) != 0
	    || pthread_setattr_default_np(&attr) != 0)
		abort();
	pthread_attr_destroy(&attr);
	skip_caps = e != NULL && strcmp(e, "1") == 0;
	/* No handshake with this server can succeed, so the trust store
	 * is never consulted; a bundle named by SSL_CERT_FILE would still
	 * be parsed whole for every run (50 ms, five times the rest). */
	unsetenv("SSL_CERT_FILE");
	signal(SIGPIPE, SIG_IGN);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			   0);
	if (listen_fd < 0)
		abort();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0
	    || listen(listen_fd, 8) != 0
	    || getsockname(listen_fd, (struct sockaddr *)&sa, &len) != 0)
		abort();
	listen_port = ntohs(sa.sin_port);
	return 0;
}

static bool
wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, IO_WAIT_MS) == 1;
}

/* Keep up to CLIENT_MAX client bytes; false at EOF or error. */
static bool
server_read(int fd, struct server_run *r)
{
	char buf[4096];
	ssize_t n;

	if (!wait_fd(fd, POLLIN))
		return false;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	if ((size_t)n > CLIENT_MAX - r->got_len)
		n = (ssize_t)(CLIENT_MAX - r->got_len);
	memcpy(r->got + r->got_len, buf, (size_t)n);
	r->got_len += (size_t)n;
	return true;
}

/* Accept the session's connection, write the stream and shut the
 * writing side; the connection, or -1 if the session never came. */
static int
serve_start(struct server_run *r)
{
	size_t off = 0;
	int fd;

	if (!wait_fd(listen_fd, POLLIN))
		return -1;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	while (off < r->size) {
		ssize_t n;

		if (!wait_fd(fd, POLLOUT))
			break;
		n = send(fd, r->data + off, r->size - off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (n > 0)
			off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	return fd;
}

/* After the session ended: keep what the client sent, then close.  A
 * connection still waiting to be accepted is this run's, come too late
 * for serve_start() on a loaded machine: left there, the next run
 * would take it for its own, and so would every run after it. */
static void
serve_finish(int fd, struct server_run *r)
{
	int late;

	if (fd >= 0) {
		while (server_read(fd, r))
			;
		close(fd);
	}
	while ((late = accept4(listen_fd, NULL, NULL,
			       SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
		close(late);
}

static bool
unsafe_cp(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)
	       || cp == 0x061c || cp == 0x200e || cp == 0x200f
	       || (cp >= 0x202a && cp <= 0x202e)
	       || (cp >= 0x2066 && cp <= 0x2069)
	       || cp == 0x2028 || cp == 0x2029;
}

/* s must be safe to print on a terminal. */
static void
check_text(const char *s, size_t cap, const char *what)
{
	size_t len;

	if (s == NULL)
		return;
	len = strnlen(s, cap);
	if (len == cap) {
		fprintf(stderr, "%s: not NUL-terminated\n", what);
		abort();
	}
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = escape_utf8_decode(s + i, len - i, &cp);

		if (n == 0 || unsafe_cp(cp)) {
			fprintf(stderr, "%s: unsafe byte 0x%02x at %zu\n",
				what, (unsigned char)s[i], i);
			abort();
		}
		i += n;
	}
}

/* Checks one event; true for EV_DONE. */
static bool
check_event(const struct event *ev)
{
	switch (ev->type) {
	case EV_CAPS:
		if (!skip_caps)
			check_text(ev->text, SIZE_MAX, "capabilities");
		break;
	case EV_TLS:
		break;		/* PEM of the chain, not shown as text */
	case EV_SERVER_ID:
		if (ev->server_id == NULL
		    || ev->server_id->n > SERVER_ID_PAIRS_MAX)
			abort();
		for (size_t i = 0; i < ev->server_id->n; i++) {
			check_text(ev->server_id->field[i].key,
				   SERVER_ID_KEY_SHOWN, "ID key");
			check_text(ev->server_id->field[i].value,
				   SERVER_ID_VALUE_SHOWN, "ID value");
		}
		check_text(ev->server_id->text, SERVER_ID_TEXT_MAX,
			   "ID refusal");
		break;
	case EV_FAILURE:
		if (ev->failure == NULL || ev->failure->cls == FAIL_NONE
		    || ev->failure->cls >= FAIL_CLASS_COUNT)
			abort();
		check_text(ev->failure->detail, FAIL_DETAIL_MAX,
			   "failure detail");
		check_text(ev->failure->hint, FAIL_HINT_MAX, "failure hint");
		break;
	case EV_MAILBOX:
	case EV_STATUS:
		if (ev->mailbox == NULL)
			abort();
		check_text(ev->mailbox->display, SIZE_MAX, "mailbox name");
		break;
	case EV_SELECTED:
		if (ev->selected == NULL)
			abort();
		check_text(ev->selected->name, MAILBOX_NAME_MAX,
			   "selected name");
		check_text(ev->selected->flags, MAILBOX_FLAGS_MAX, "flags");
		check_text(ev->selected->permanent_flags, MAILBOX_FLAGS_MAX,
			   "permanent flags");
		break;
	default:
		break;
	}
	if (ev->type != EV_TLS && ev->type != EV_CAPS)
		check_text(ev->text, SIZE_MAX, event_type_name(ev->type));
	return ev->type == EV_DONE;
}

/* The connection given up for a new one without pipelining: keep what
 * the client sent on it, then play the same stream on the new one. */
static void
serve_again(int *fd, struct server_run *r)
{
	if (*fd >= 0) {
		while (server_read(*fd, r))
			;
		close(*fd);
	}
	*fd = serve_start(r);
}

static void
drain(struct event_queue *q, int *fd, struct server_run *r)
{
	bool done = false;

	while (!done) {
		struct pollfd p = {
			.fd = event_queue_fd(q), .events = POLLIN
		};
		struct event *ev;

		/* A session that never ends is libFuzzer's -timeout. */
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			abort();
		for (ev = event_queue_pop(q); ev != NULL;
		     ev = event_queue_pop(q)) {
			if (check_event(ev))
				done = true;
			if (ev->type == EV_RETRY)
				serve_again(fd, r);
			event_free(ev);
		}
	}
}

static void
configure(struct conn_config *c, uint8_t sel)
{
	static const char *const boxes[] = {
		"INBOX", "Entw\xc3\xbcrfe", "a \"quoted\" \\ name",
		"\xe2\x80\xae"
	};

	config_init(c);
	snprintf(c->ep.host, sizeof(c->ep.host), "127.0.0.1");
	c->ep.kind = ADDR_IPV4;
	c->ep.port = listen_port;
	c->ep.starttls = (enum starttls_mode)((sel & 3) % 3);
	c->timeout_s = 0.25;
	c->stay_open = false;
	if (sel & 4) {
		snprintf(c->user, sizeof(c->user), USER);
		snprintf(c->password, sizeof(c->password), PASSWORD);
		c->have_password = true;
		c->allow_plaintext_auth = (sel & 8) != 0;
	}
	if (sel & 16)
		snprintf(c->select, sizeof(c->select), "%s",
			 boxes[(sel >> 6) & 3]);
	c->select_rw = (sel & 32) != 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct server_run *run = &the_run;
	struct conn_config cfg;
	struct event_queue *q;
	struct session *s;
	struct failure f;
	bool plain_ok;
	int fd;

	if (size < 1)
		return 0;
	run->data = data + 1;
	run->size = size - 1;
	run->got_len = 0;
	configure(&cfg, data[0]);
	/* No TLS ever succeeds here: with STARTTLS required the password
	 * must never leave, whatever else is allowed. */
	plain_ok = cfg.allow_plaintext_auth
		   && cfg.ep.starttls != STARTTLS_REQUIRED;
	q = event_queue_new();
	if (q == NULL)
		abort();
	s = session_start(&cfg, q, &f);
	config_wipe(&cfg);
	if (s == NULL)
		abort();
	fd = serve_start(run);
	drain(q, &fd, run);
	session_free(s);
	serve_finish(fd, run);
	event_queue_free(q);
	if (!plain_ok && (memmem(run->got, run->got_len, PASSWORD,
				 strlen(PASSWORD)) != NULL
			  || memmem(run->got, run->got_len, PLAIN_B64,
				    strlen(PLAIN_B64)) != NULL)) {
		fprintf(stderr, "the password went out in plain text\n");
		abort();
	}
	return 0;
}
