/* check_session.c - a session ends at once when cancelled in any phase,
 * a silent server ends it as a timeout in the right phase, and a server
 * that answers a FETCH with more than was asked cannot make the session
 * keep it; a long LIST reaches the consumer before its reply ends, and
 * transcript lines are made only when wanted. */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_units.h"
#include "clock.h"
#include "config.h"
#include "event.h"
#include "mailbox.h"
#include "message.h"
#include "session.h"
#include "testnet.h"

/* A loopback listener; with stall_syn its backlog is filled so that
 * further connects hang in SYN_SENT. */
struct listener {
	int fd;
	uint16_t port;
	int fillers[8];
	size_t nfill;
};

static void
listener_open(struct listener *l, bool stall_syn)
{
	struct sockaddr_in a;

	memset(l, 0, sizeof(*l));
	l->fd = test_listen_loopback(stall_syn ? 0 : 8, &l->port);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(l->port);
	/* Fill the backlog: later connects get no SYN-ACK. */
	while (stall_syn && l->nfill < 3) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		connect(c, (struct sockaddr *)&a, sizeof(a));
		l->fillers[l->nfill++] = c;
	}
	if (stall_syn)
		usleep(100000);
}

static void
listener_close(struct listener *l)
{
	for (size_t i = 0; i < l->nfill; i++)
		close(l->fillers[i]);
	close(l->fd);
}

static void
config_for(struct conn_config *c, uint16_t port, bool ssl, double timeout)
{
	config_init(c);
	strcpy(c->ep.host, "127.0.0.1");
	c->ep.kind = ADDR_IPV4;
	c->ep.port = port;
	c->ep.ssl = ssl;
	c->timeout_s = timeout;
}

/* Pop events until one of type a or b in phase p (any phase for
 * PHASE_NONE), returned (caller frees), or the deadline; the failure of
 * an EV_FAILURE seen on the way is kept. */
static struct event *
wait_for_either(struct event_queue *q, enum event_type a, enum event_type b,
		enum phase p, int64_t deadline, struct failure *seen)
{
	for (;;) {
		struct pollfd pfd = { .fd = event_queue_fd(q),
				      .events = POLLIN };
		struct event *ev = event_queue_pop(q);
		int64_t left;

		if (ev != NULL) {
			if (ev->type == EV_FAILURE && seen != NULL)
				*seen = *ev->failure;
			if ((ev->type == a || ev->type == b)
			    && (p == PHASE_NONE || ev->phase == p))
				return ev;
			event_free(ev);
			continue;
		}
		left = deadline - clock_ms();
		if (left <= 0)
			return NULL;
		poll(&pfd, 1, (int)left);
	}
}

static struct event *
wait_for(struct event_queue *q, enum event_type t, enum phase p,
	 int64_t deadline, struct failure *seen)
{
	return wait_for_either(q, t, t, p, deadline, seen);
}

static const struct {
	const char *name;
	bool stall_syn;
	bool ssl;
	enum phase phase;
} cancel_cases[] = {
	{ "connect", true, false, PHASE_CONNECT },
	{ "tls", false, true, PHASE_TLS },
	{ "greeting", false, false, PHASE_GREETING },
};

START_TEST(test_cancel_in_phase)
{
	struct listener l;
	struct conn_config c;
	struct event_queue *q = event_queue_new();
	struct failure f, seen;
	struct session *s;
	struct event *ev;
	int64_t t0;

	listener_open(&l, cancel_cases[_i].stall_syn);
	config_for(&c, l.port, cancel_cases[_i].ssl, 30);
	s = session_start(&c, q, &f);
	ck_assert_ptr_nonnull(s);
	ev = wait_for(q, EV_PHASE_START, cancel_cases[_i].phase,
		      clock_ms() + 10000, NULL);
	ck_assert_msg(ev != NULL, "%s never started", cancel_cases[_i].name);
	event_free(ev);
	usleep(50000);		/* let it block in the wait */
	t0 = clock_ms();
	session_cancel(s);
	memset(&seen, 0, sizeof(seen));
	ev = wait_for(q, EV_DONE, PHASE_NONE, clock_ms() + 20000, &seen);
	ck_assert_msg(ev != NULL, "no EV_DONE after cancel in %s",
		      cancel_cases[_i].name);
	ck_assert(!ev->flag);
	ck_assert_int_eq(seen.cls, FAIL_CANCELLED);
	ck_assert_int_eq(seen.phase, cancel_cases[_i].phase);
	/* Below the 30 s timeout: the cancel ended the wait (the time it
	 * takes is measured by bench/cancel_bench, not asserted here). */
	ck_assert_int_lt(clock_ms() - t0, 25000);
	event_free(ev);
	session_free(s);
	event_queue_free(q);
	listener_close(&l);
}
END_TEST

START_TEST(test_greeting_timeout)
{
	struct listener l;
	struct conn_config c;
	struct event_queue *q = event_queue_new();
	struct failure f, seen;
	struct session *s;
	struct event *ev;

	listener_open(&l, false);
	config_for(&c, l.port, false, 0.3);
	s = session_start(&c, q, &f);
	ck_assert_ptr_nonnull(s);
	memset(&seen, 0, sizeof(seen));
	ev = wait_for(q, EV_DONE, PHASE_NONE, clock_ms() + 10000, &seen);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(seen.cls, FAIL_TIMEOUT);
	ck_assert_int_eq(seen.phase, PHASE_GREETING);
	ck_assert_int_eq(seen.waited_ms, 300);
	ck_assert_ptr_nonnull(strstr(seen.detail, "greeting"));
	event_free(ev);
	session_free(s);
	event_queue_free(q);
	listener_close(&l);
}
END_TEST

START_TEST(test_refused_events)
{
	struct listener l;
	struct conn_config c;
	struct event_queue *q = event_queue_new();
	struct failure f, seen;
	struct session *s;
	struct event *ev;
	uint16_t port;

	listener_open(&l, false);
	port = l.port;
	listener_close(&l);
	config_for(&c, port, false, 5);
	s = session_start(&c, q, &f);
	ck_assert_ptr_nonnull(s);
	ev = wait_for(q, EV_PHASE_END, PHASE_RESOLVE, clock_ms() + 5000,
		      NULL);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->result, PHASE_OK);
	event_free(ev);
	memset(&seen, 0, sizeof(seen));
	ev = wait_for(q, EV_DONE, PHASE_NONE, clock_ms() + 5000, &seen);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(seen.cls, FAIL_REFUSED);
	ck_assert_int_eq(seen.phase, PHASE_CONNECT);
	event_free(ev);
	/* Requests after the end are refused, not queued forever. */
	ck_assert_int_eq(session_request_quit(s), -1);
	session_free(s);
	event_queue_free(q);
}
END_TEST

/* ---- a peer that floods FETCH ------------------------------------ */

#define FLOOD_EXISTS 10
#define FLOOD_ROUNDS 200	/* of FETCH for messages 1..EXISTS + 2 */

static void
peer_send(int fd, const char *text)
{
	size_t off = 0, len = strlen(text);

	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static void
peer_fetch_flood(int fd, const char *tag)
{
	char line[200];

	for (int r = 0; r < FLOOD_ROUNDS; r++) {
		for (int n = 1; n <= FLOOD_EXISTS + 2; n++) {
			snprintf(line, sizeof(line), "* %d FETCH (UID %d "
				 "FLAGS () ENVELOPE (NIL \"m%d\" NIL NIL NIL "
				 "NIL NIL NIL NIL NIL))\r\n", n, n, n);
			peer_send(fd, line);
		}
	}
	snprintf(line, sizeof(line), "%s OK done\r\n", tag);
	peer_send(fd, line);
}

struct list_peer {
	int lfd;
	int release[2];		/* [0] read: the tagged OK to LIST may go;
				 * -1: LIST answers INBOX at once */
};

static void *list_peer(void *arg);

/* Asked for the newest 3 of 10, the session keeps messages 8 to 10
 * once each, whatever else the server sends. */
START_TEST(test_fetch_flood_kept_to_request)
{
	struct conn_config c;
	struct event_queue *q = event_queue_new();
	struct failure f;
	struct session *s;
	struct event *ev;
	uint32_t seqs[8];
	size_t n = 0;
	uint16_t port;
	struct list_peer lp = { .lfd = test_listen_loopback(1, &port),
				.release = { -1, -1 } };
	pthread_t peer;

	ck_assert_int_eq(pthread_create(&peer, NULL, list_peer, &lp), 0);
	config_for(&c, port, false, 10);
	c.stay_open = true;
	s = session_start(&c, q, &f);
	ck_assert_ptr_nonnull(s);
	ev = wait_for(q, EV_READY, PHASE_NONE, clock_ms() + 10000, NULL);
	ck_assert_ptr_nonnull(ev);
	event_free(ev);
	ck_assert_int_eq(session_request_examine(s, "INBOX", 5, 3), 0);
	for (;;) {
		ev = wait_for_either(q, EV_MESSAGE, EV_REQUEST_DONE,
				     PHASE_NONE, clock_ms() + 10000, NULL);
		ck_assert_ptr_nonnull(ev);
		if (ev->type != EV_MESSAGE)
			break;
		ck_assert_uint_lt(n, sizeof(seqs) / sizeof(seqs[0]));
		seqs[n++] = ev->message->seq;
		event_free(ev);
	}
	ck_assert_int_eq(ev->type, EV_REQUEST_DONE);
	event_free(ev);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(seqs[0], 10);
	ck_assert_uint_eq(seqs[1], 9);
	ck_assert_uint_eq(seqs[2], 8);
	ck_assert_int_eq(session_request_quit(s), 0);
	ev = wait_for(q, EV_DONE, PHASE_NONE, clock_ms() + 10000, NULL);
	ck_assert_ptr_nonnull(ev);
	event_free(ev);
	session_free(s);
	event_queue_free(q);
	pthread_join(peer, NULL);
	close(lp.lfd);
}
END_TEST

/* ---- a peer with a long LIST --------------------------------------- */

#define LIST_NAMES 1000

static void
peer_list(int fd, const char *tag, int release_fd)
{
	char line[200], byte;

	for (int i = 0; i < LIST_NAMES; i++) {
		snprintf(line, sizeof(line), "* LIST () \"/\" Box-%04d\r\n",
			 i);
		peer_send(fd, line);
	}
	if (read(release_fd, &byte, 1) < 0)
		return;
	snprintf(line, sizeof(line), "%s OK done\r\n", tag);
	peer_send(fd, line);
}

/* STATUS of a name starting with "Bad" is refused; others count 7.
 * true when answered. */
static bool
peer_status(int fd, const char *tag, const char *line)
{
	char name[64], out[200];

	if (sscanf(line, "%*s %*s %63s", name) != 1)
		return false;
	if (strncmp(name, "Bad", 3) == 0)
		snprintf(out, sizeof(out), "%s NO no such mailbox\r\n", tag);
	else
		snprintf(out, sizeof(out), "* STATUS %s (MESSAGES 7 UNSEEN "
			 "0)\r\n%s OK done\r\n", name, tag);
	peer_send(fd, out);
	return true;
}

/* Answers each command by its name until LOGOUT or the end: LIST with
 * LIST_NAMES names and its tagged OK only once released (or INBOX at
 * once without a release pipe), EXAMINE with 10 EXISTS, FETCH with a
 * flood, STATUS as peer_status, anything else with OK. */
static void *
list_peer(void *arg)
{
	struct list_peer *p = arg;
	int fd = accept(p->lfd, NULL, NULL);
	FILE *in;
	char line[1024], tag[64], cmd[64], out[200];

	if (fd < 0)
		return NULL;
	in = fdopen(dup(fd), "r");
	peer_send(fd, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		if (sscanf(line, "%63s %63s", tag, cmd) != 2)
			continue;
		if (strcasecmp(cmd, "LIST") == 0 && p->release[0] >= 0) {
			peer_list(fd, tag, p->release[0]);
			continue;
		}
		if (strcasecmp(cmd, "LIST") == 0)
			peer_send(fd, "* LIST () \"/\" INBOX\r\n");
		else if (strcasecmp(cmd, "EXAMINE") == 0)
			peer_send(fd, "* 10 EXISTS\r\n");
		if (strcasecmp(cmd, "FETCH") == 0) {
			peer_fetch_flood(fd, tag);
			continue;
		}
		if (strcasecmp(cmd, "STATUS") == 0 &&
		    peer_status(fd, tag, line))
			continue;
		snprintf(out, sizeof(out), "%s OK done\r\n", tag);
		peer_send(fd, out);
		if (strcasecmp(cmd, "LOGOUT") == 0)
			break;
	}
	if (in != NULL)
		fclose(in);
	close(fd);
	return NULL;
}

static struct session *
list_start_cfg(struct list_peer *p, pthread_t *th, struct event_queue *q,
	       bool transcript, bool stay_open)
{
	struct conn_config c;
	struct failure f;
	uint16_t port;
	struct session *s;

	p->lfd = test_listen_loopback(1, &port);
	ck_assert_int_eq(pthread_create(th, NULL, list_peer, p), 0);
	config_for(&c, port, false, 10);
	c.transcript = transcript;
	c.stay_open = stay_open;
	s = session_start(&c, q, &f);
	ck_assert_ptr_nonnull(s);
	return s;
}

static struct session *
list_start(struct list_peer *p, pthread_t *th, struct event_queue *q,
	   bool transcript)
{
	ck_assert_int_eq(pipe(p->release), 0);
	return list_start_cfg(p, th, q, transcript, false);
}

/* Released already (p->release made and written), staying open. */
static struct session *
list_start_open(struct list_peer *p, pthread_t *th, struct event_queue *q)
{
	return list_start_cfg(p, th, q, false, true);
}

static void
list_finish(struct list_peer *p, pthread_t th, struct session *s,
	    struct event_queue *q)
{
	session_free(s);
	event_queue_free(q);
	pthread_join(th, NULL);
	close(p->lfd);
	close(p->release[0]);
	close(p->release[1]);
}

/* Mailboxes cross to the consumer in batches, but none waits for the
 * end of the reply: every name the server sent is there while the
 * session still waits for the tagged OK, but the last (its STATUS
 * might still follow it). */
START_TEST(test_list_delivered_before_reply_ends)
{
	struct event_queue *q = event_queue_new();
	struct list_peer p;
	pthread_t th;
	struct session *s = list_start(&p, &th, q, true);
	struct event *ev;
	struct failure seen;
	size_t n = 0;

	memset(&seen, 0, sizeof(seen));
	while (n < LIST_NAMES - 1) {
		ev = wait_for_either(q, EV_MAILBOX, EV_DONE, PHASE_NONE,
				     clock_ms() + 10000, &seen);
		ck_assert_ptr_nonnull(ev);
		ck_assert_msg(ev->type == EV_MAILBOX, "%s", seen.detail);
		n++;
		event_free(ev);
	}
	ck_assert_int_eq(write(p.release[1], "x", 1), 1);
	ev = wait_for_either(q, EV_MAILBOX, EV_DONE, PHASE_NONE,
			     clock_ms() + 10000, NULL);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->type, EV_MAILBOX);
	event_free(ev);
	ev = wait_for(q, EV_DONE, PHASE_NONE, clock_ms() + 10000, NULL);
	ck_assert_ptr_nonnull(ev);
	ck_assert(ev->flag);
	event_free(ev);
	list_finish(&p, th, s, q);
}
END_TEST

/* Transcript lines are built only when asked for. */
START_TEST(test_transcript_only_when_wanted)
{
	struct event_queue *q = event_queue_new();
	struct list_peer p;
	pthread_t th;
	struct session *s = list_start(&p, &th, q, _i == 1);
	size_t lines = 0, boxes = 0;
	bool done = false;

	ck_assert_int_eq(write(p.release[1], "x", 1), 1);
	while (!done) {
		struct event *ev = wait_for_either(q, EV_TRANSCRIPT, EV_DONE,
						   PHASE_NONE,
						   clock_ms() + 10000, NULL);

		ck_assert_ptr_nonnull(ev);
		done = ev->type == EV_DONE;
		lines += ev->type == EV_TRANSCRIPT;
		boxes += ev->type == EV_TRANSCRIPT &&
			 strstr(ev->text, "* LIST") != NULL;
		event_free(ev);
	}
	if (_i == 1) {
		ck_assert_uint_eq(boxes, LIST_NAMES);
		ck_assert_uint_gt(lines, LIST_NAMES);
	} else {
		ck_assert_uint_eq(lines, 0);
	}
	list_finish(&p, th, s, q);
}
END_TEST

/* STATUS requests queued together are answered in order, each with
 * its counts or its refusal, and the session goes on. */
START_TEST(test_statuses_together)
{
	static const char *const names[] = { "Box-0001", "Bad-1", "Box-0002" };
	static const size_t lens[] = { 8, 5, 8 };
	struct event_queue *q = event_queue_new();
	struct list_peer p;
	pthread_t th;
	struct session *s;
	struct event *ev;
	char got[200] = "";

	ck_assert_int_eq(pipe(p.release), 0);
	ck_assert_int_eq(write(p.release[1], "x", 1), 1);
	s = list_start_open(&p, &th, q);
	ev = wait_for(q, EV_READY, PHASE_NONE, clock_ms() + 10000, NULL);
	ck_assert_ptr_nonnull(ev);
	event_free(ev);
	ck_assert_int_eq(session_request_statuses(s, names, lens, 3), 0);
	for (int done = 0; done < 3;) {
		ev = wait_for_either(q, EV_STATUS, EV_REQUEST_DONE,
				     PHASE_NONE, clock_ms() + 10000, NULL);
		ck_assert_ptr_nonnull(ev);
		if (ev->type == EV_STATUS) {
			ck_assert_uint_eq(ev->mailbox->messages, 7);
			strcat(got, ev->mailbox->raw);
			strcat(got, " ");
		} else {
			strcat(got, ev->failure != NULL ? "no " : "ok ");
			done++;
		}
		event_free(ev);
	}
	ck_assert_str_eq(got, "Box-0001 ok no Box-0002 ok ");
	ck_assert_int_eq(session_request_quit(s), 0);
	ev = wait_for(q, EV_DONE, PHASE_NONE, clock_ms() + 10000, NULL);
	ck_assert_ptr_nonnull(ev);
	ck_assert(ev->flag);
	event_free(ev);
	list_finish(&p, th, s, q);
}
END_TEST

Suite *
suite_session(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("cancel");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_cancel_in_phase, 0,
			    sizeof(cancel_cases) / sizeof(cancel_cases[0]));
	tcase_add_test(tc, test_greeting_timeout);
	tcase_add_test(tc, test_refused_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("fetch");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fetch_flood_kept_to_request);
	suite_add_tcase(s, tc);
	tc = tcase_create("list");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list_delivered_before_reply_ends);
	tcase_add_loop_test(tc, test_transcript_only_when_wanted, 0, 2);
	tcase_add_test(tc, test_statuses_together);
	suite_add_tcase(s, tc);
	return s;
}
