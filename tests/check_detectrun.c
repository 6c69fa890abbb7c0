/* check_detectrun.c - a detection on its own thread: the descriptor
 * wakes a poll when it is done, Esc (a cancel) ends the probes at once,
 * and letting go of a run still probing neither waits nor crashes.
 * Loopback only: a port nothing listens on, and a listener that never
 * speaks.  (The time bounds leave room for valgrind.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_units.h"
#include "clock.h"
#include "detectrun.h"
#include "testnet.h"

static void
params(struct detect_params *p, uint16_t tls, uint16_t starttls,
       double timeout_s)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "127.0.0.1");
	p->port_tls = tls;
	p->port_starttls = starttls;
	p->timeout_s = timeout_s;
	tls_opts_init(&p->tls);
}

/* Poll the run's descriptor as the interface does, at most ms. */
static bool
woken(struct detectrun *d, int ms)
{
	struct pollfd pfd = { .fd = detectrun_fd(d), .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

START_TEST(test_done_wakes)
{
	struct detect_params p;
	struct detectrun *d;
	const struct detect_result *r;
	uint16_t port;
	int fd = test_listen_loopback(8, &port);

	/* Nothing listens there any more: both probes are refused. */
	close(fd);
	params(&p, port, port, 5);
	d = detectrun_start(&p);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_le(detectrun_limit_ms(d), 5 * 4000 + 1000);
	ck_assert(woken(d, 15000));
	ck_assert(detectrun_done(d));
	ck_assert(detectrun_done(d));
	r = detectrun_result(d);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n, 2);
	ck_assert(r->probes[0].implicit_tls && !r->probes[1].implicit_tls);
	for (size_t i = 0; i < r->n; i++)
		ck_assert_int_eq(r->probes[i].outcome, DETECT_REFUSED);
	ck_assert_int_eq(r->recommended, -1);
	detectrun_free(d);
}
END_TEST

START_TEST(test_cancel)
{
	struct detect_params p;
	struct detectrun *d;
	const struct detect_result *r;
	uint16_t port;
	int fd = test_listen_loopback(8, &port);
	int64_t t0 = clock_ms();

	params(&p, port, port, 60);
	d = detectrun_start(&p);
	ck_assert_ptr_nonnull(d);
	ck_assert(!woken(d, 300));
	ck_assert(!detectrun_done(d));
	ck_assert(!detectrun_wait(d, 100));
	ck_assert_ptr_null(detectrun_result(d));
	detectrun_cancel(d);
	ck_assert(detectrun_wait(d, 15000));
	ck_assert(detectrun_done(d));
	ck_assert_int_lt(clock_ms() - t0, 15000);
	r = detectrun_result(d);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < r->n; i++)
		ck_assert_int_eq(r->probes[i].outcome, DETECT_CANCELLED);
	detectrun_free(d);
	close(fd);
}
END_TEST

/* Leaving while it probes: free returns at once; the thread ends and
 * frees the run by itself, closing its pipe, which a copy of the
 * descriptor sees as the end of the file (after the "done" byte, when
 * the thread got that far).  (valgrind would see a leak
 * or a bad access.) */
START_TEST(test_free_running)
{
	struct detect_params p;
	struct detectrun *d;
	struct pollfd pfd = { .events = POLLIN };
	uint16_t port;
	int fd = test_listen_loopback(8, &port);
	int64_t t0;
	char c;

	params(&p, port, port, 60);
	d = detectrun_start(&p);
	ck_assert_ptr_nonnull(d);
	pfd.fd = dup(detectrun_fd(d));
	ck_assert_int_ge(pfd.fd, 0);
	usleep(100 * 1000);
	t0 = clock_ms();
	detectrun_free(d);
	ck_assert_int_lt(clock_ms() - t0, 1000);
	/* The thread may say "done" before it closes the pipe: the byte
	 * comes first, then the end of the file. */
	for (int i = 0; i < 2; i++) {
		ssize_t n;

		ck_assert_int_eq(poll(&pfd, 1, 30000), 1);
		n = read(pfd.fd, &c, 1);
		if (n == 0)
			break;
		ck_assert_int_eq(n, 1);
		ck_assert_int_eq(c, 'd');
		ck_assert_int_eq(i, 0);
	}
	close(pfd.fd);
	close(fd);
	detectrun_free(NULL);
}
END_TEST

Suite *
suite_detectrun(void)
{
	Suite *s = suite_create("detectrun");
	TCase *tc = tcase_create("thread");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_done_wakes);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_free_running);
	suite_add_tcase(s, tc);
	return s;
}
