/* check_session.c - a session ends at once when cancelled in any phase,
 * and a silent server ends it as a timeout in the right phase. */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_units.h"
#include "clock.h"
#include "config.h"
#include "event.h"
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

/* Pop events until one of type t (returned, caller frees) or the
 * deadline; the failure of an EV_FAILURE seen on the way is kept. */
static struct event *
wait_for(struct event_queue *q, enum event_type t, enum phase p,
	 int64_t deadline, struct failure *seen)
{
	for (;;) {
		struct pollfd pfd = { .fd = event_queue_fd(q),
				      .events = POLLIN };
		struct event *ev = event_queue_pop(q);
		int64_t left;

		if (ev != NULL) {
			if (ev->type == EV_FAILURE && seen != NULL)
				*seen = *ev->failure;
			if (ev->type == t && (p == PHASE_NONE || ev->phase == p))
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
	return s;
}
