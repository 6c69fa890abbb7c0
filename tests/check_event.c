/* check_event.c - events, their ownership, and the queue with its wake
 * descriptor, under one consumer and many producer threads. */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "event.h"
#include "mailbox.h"
#include "message.h"
#include "server_id.h"
#include "tls.h"

#define PRODUCERS 8
#define PER_PRODUCER 20000
#define WAIT_MS 10000

/* ---- helpers -------------------------------------------------------- */

/* Whether the queue's descriptor is readable right now. */
static bool
readable(const struct event_queue *q)
{
	struct pollfd p = { .fd = event_queue_fd(q), .events = POLLIN };
	int n = poll(&p, 1, 0);

	ck_assert_int_ge(n, 0);
	return n == 1 && (p.revents & POLLIN) != 0;
}

static struct event *
new_event(enum event_type t, enum phase p, int64_t tag)
{
	struct event *ev = event_new(t, p);

	if (ev == NULL)
		ck_abort_msg("out of memory");
	ev->at_ms = tag;
	return ev;
}

/* ---- events --------------------------------------------------------- */

START_TEST(test_new_is_zeroed)
{
	struct event *ev = event_new(EV_NOTE, PHASE_AUTH);

	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->type, EV_NOTE);
	ck_assert_int_eq(ev->phase, PHASE_AUTH);
	ck_assert_int_eq(ev->at_ms, 0);
	ck_assert_int_eq(ev->elapsed_ms, 0);
	ck_assert_int_eq(ev->result, 0);
	ck_assert(!ev->flag);
	ck_assert_ptr_null(ev->text);
	ck_assert_ptr_null(ev->failure);
	ck_assert_ptr_null(ev->tls);
	ck_assert_ptr_null(ev->mailbox);
	ck_assert_ptr_null(ev->selected);
	ck_assert_ptr_null(ev->message);
	ck_assert_ptr_null(ev->server_id);
	ck_assert_ptr_null(ev->next);
	event_free(ev);
}
END_TEST

START_TEST(test_set_text)
{
	static const char bytes[] = "a\0b\r\n";
	struct event *ev = event_new(EV_TRANSCRIPT, PHASE_GREETING);

	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(event_set_text(ev, "first", 5), 0);
	ck_assert_str_eq(ev->text, "first");
	/* replacing frees the old text; a length cuts the copy */
	ck_assert_int_eq(event_set_text(ev, "second line", 6), 0);
	ck_assert_str_eq(ev->text, "second");
	ck_assert_int_eq(event_set_text(ev, bytes, sizeof(bytes) - 1), 0);
	ck_assert(memcmp(ev->text, bytes, sizeof(bytes)) == 0);
	ck_assert_int_eq(event_set_text(ev, "", 0), 0);
	ck_assert_str_eq(ev->text, "");
	event_free(ev);
}
END_TEST

START_TEST(test_set_failure)
{
	struct event *ev = event_new(EV_FAILURE, PHASE_AUTH);
	struct failure f;

	ck_assert_ptr_nonnull(ev);
	fail_set_reason(&f, PHASE_AUTH, FAIL_AUTH, FAIL_R_LOGIN_REFUSED,
			"refused");
	ck_assert_int_eq(event_set_failure(ev, &f), 0);
	ck_assert_ptr_nonnull(ev->failure);
	ck_assert_ptr_ne(ev->failure, &f);
	ck_assert_int_eq(ev->failure->reason, FAIL_R_LOGIN_REFUSED);
	ck_assert_str_eq(ev->failure->detail, "refused");
	/* a copy: changing the source later does not reach the event, and
	 * replacing frees the old copy (ASan would see a leak) */
	fail_set(&f, PHASE_LIST, FAIL_TIMEOUT, "late");
	ck_assert_str_eq(ev->failure->detail, "refused");
	ck_assert_int_eq(event_set_failure(ev, &f), 0);
	ck_assert_int_eq(ev->failure->cls, FAIL_TIMEOUT);
	event_free(ev);
}
END_TEST

/* event_free frees every owned part: under ASan a part left behind is
 * a leak and fails the test. */
START_TEST(test_free_owned)
{
	struct event *ev = event_new(EV_FAILURE, PHASE_TLS);

	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(event_set_text(ev, "-----BEGIN CERTIFICATE-----",
					27), 0);
	ev->failure = calloc(1, sizeof(*ev->failure));
	ev->tls = calloc(1, sizeof(*ev->tls));
	ev->mailbox = mailbox_entry_new("a\0b", 3, "a\\x00b");
	ev->selected = calloc(1, sizeof(*ev->selected));
	ev->message = calloc(1, sizeof(*ev->message));
	ev->server_id = calloc(1, sizeof(*ev->server_id));
	ck_assert_ptr_nonnull(ev->server_id);
	ck_assert_ptr_nonnull(ev->failure);
	ck_assert_ptr_nonnull(ev->tls);
	ck_assert_ptr_nonnull(ev->mailbox);
	ck_assert_ptr_nonnull(ev->selected);
	ck_assert_ptr_nonnull(ev->message);
	fail_set(ev->failure, PHASE_TLS, FAIL_TLS_VERIFY, "self-signed");
	event_free(ev);
	event_free(NULL);
}
END_TEST

/* Events still queued are freed with the queue. */
START_TEST(test_queue_free_owns)
{
	struct event_queue *q = event_queue_new();

	ck_assert_ptr_nonnull(q);
	for (int i = 0; i < 5; i++) {
		struct event *ev = new_event(EV_MAILBOX, PHASE_LIST, i);

		ev->mailbox = mailbox_entry_new("INBOX", 5, "INBOX");
		ck_assert_ptr_nonnull(ev->mailbox);
		ck_assert_int_eq(event_set_text(ev, "x", 1), 0);
		event_queue_push(q, ev);
	}
	event_queue_free(q);
	event_queue_free(NULL);
}
END_TEST

static const struct {
	enum event_type t;
	const char *name;
} type_names[] = {
	{ EV_PHASE_START, "phase-start" },
	{ EV_PHASE_END, "phase-end" },
	{ EV_WAIT, "wait" },
	{ EV_ADDRESS, "address" },
	{ EV_ATTEMPT, "attempt" },
	{ EV_TLS, "tls" },
	{ EV_CAPS, "capabilities" },
	{ EV_SERVER_ID, "server-id" },
	{ EV_NOTE, "note" },
	{ EV_TRANSCRIPT, "transcript" },
	{ EV_MAILBOX, "mailbox" },
	{ EV_SELECTED, "selected" },
	{ EV_STATUS, "status" },
	{ EV_MESSAGE, "message" },
	{ EV_REQUEST_DONE, "request-done" },
	{ EV_READY, "ready" },
	{ EV_FAILURE, "failure" },
	{ EV_DONE, "done" },
	{ (enum event_type)(EV_DONE + 1), "unknown" },
	{ (enum event_type)1000, "unknown" },
	{ (enum event_type)-1, "unknown" },
};

START_TEST(test_type_name)
{
	ck_assert_str_eq(event_type_name(type_names[_i].t),
			 type_names[_i].name);
}
END_TEST

/* Every type has its own name. */
START_TEST(test_type_names_distinct)
{
	for (int a = EV_PHASE_START; a <= EV_DONE; a++) {
		const char *na = event_type_name((enum event_type)a);

		ck_assert_ptr_nonnull(na);
		ck_assert_str_ne(na, "unknown");
		ck_assert_str_ne(na, "");
		for (int b = a + 1; b <= EV_DONE; b++)
			ck_assert_str_ne(na,
					 event_type_name((enum event_type)b));
	}
}
END_TEST

/* ---- the queue, one thread ------------------------------------------ */

START_TEST(test_pop_empty)
{
	struct event_queue *q = event_queue_new();

	ck_assert_ptr_nonnull(q);
	ck_assert_int_ge(event_queue_fd(q), 0);
	ck_assert_ptr_null(event_queue_pop(q));
	ck_assert_ptr_null(event_queue_pop(q));
	ck_assert(!readable(q));
	event_queue_free(q);
}
END_TEST

START_TEST(test_order)
{
	static const struct {
		enum event_type t;
		enum phase p;
	} seq[] = {
		{ EV_PHASE_START, PHASE_RESOLVE },
		{ EV_ADDRESS, PHASE_RESOLVE },
		{ EV_PHASE_END, PHASE_RESOLVE },
		{ EV_PHASE_START, PHASE_CONNECT },
		{ EV_ATTEMPT, PHASE_CONNECT },
		{ EV_FAILURE, PHASE_CONNECT },
		{ EV_DONE, PHASE_NONE },
	};
	size_t n = sizeof(seq) / sizeof(seq[0]);
	struct event_queue *q = event_queue_new();
	struct event *ev;

	ck_assert_ptr_nonnull(q);
	for (size_t i = 0; i < n; i++)
		event_queue_push(q, new_event(seq[i].t, seq[i].p,
					      (int64_t)i));
	for (size_t i = 0; i < n; i++) {
		ev = event_queue_pop(q);
		ck_assert_ptr_nonnull(ev);
		ck_assert_int_eq(ev->type, seq[i].t);
		ck_assert_int_eq(ev->phase, seq[i].p);
		ck_assert_int_eq(ev->at_ms, (int64_t)i);
		ck_assert_ptr_null(ev->next);
		event_free(ev);
	}
	ck_assert_ptr_null(event_queue_pop(q));
	/* the queue works again after running empty */
	event_queue_push(q, new_event(EV_NOTE, PHASE_NONE, 99));
	ev = event_queue_pop(q);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->at_ms, 99);
	event_free(ev);
	ck_assert_ptr_null(event_queue_pop(q));
	event_queue_free(q);
}
END_TEST

/* Readable once the queue holds events, until a pop finds it empty. */
START_TEST(test_wake)
{
	struct event_queue *q = event_queue_new();
	struct event *ev;

	ck_assert_ptr_nonnull(q);
	ck_assert(!readable(q));
	event_queue_push(q, new_event(EV_NOTE, PHASE_NONE, 1));
	ck_assert(readable(q));
	event_queue_push(q, new_event(EV_NOTE, PHASE_NONE, 2));
	ck_assert(readable(q));
	ev = event_queue_pop(q);
	ck_assert_ptr_nonnull(ev);
	event_free(ev);
	ck_assert(readable(q));		/* one still waits */
	ev = event_queue_pop(q);
	ck_assert_ptr_nonnull(ev);
	event_free(ev);
	ck_assert_ptr_null(event_queue_pop(q));
	ck_assert(!readable(q));	/* drained */
	/* and it wakes again */
	event_queue_push(q, new_event(EV_NOTE, PHASE_NONE, 3));
	ck_assert(readable(q));
	ev = event_queue_pop(q);
	event_free(ev);
	ck_assert_ptr_null(event_queue_pop(q));
	ck_assert(!readable(q));
	event_queue_free(q);
}
END_TEST

/* A batch goes in whole, after what the queue holds, in its order, with
 * one wake-up; an empty batch changes nothing; a batch not pushed is
 * freed by event_batch_clear. */
START_TEST(test_batch)
{
	struct event_queue *q = event_queue_new();
	struct event_batch b = { 0 };
	struct event *ev;

	ck_assert_ptr_nonnull(q);
	event_queue_push_batch(q, &b);
	ck_assert(!readable(q));
	event_queue_push(q, new_event(EV_NOTE, PHASE_NONE, 0));
	for (int i = 1; i <= 300; i++)
		event_batch_add(&b, new_event(EV_MAILBOX, PHASE_LIST, i));
	ck_assert_uint_eq(b.n, 300);
	event_queue_push_batch(q, &b);
	ck_assert_ptr_null(b.head);
	ck_assert_uint_eq(b.n, 0);
	for (int i = 0; i <= 300; i++) {
		ev = event_queue_pop(q);
		ck_assert_ptr_nonnull(ev);
		ck_assert_int_eq(ev->at_ms, i);
		event_free(ev);
	}
	ck_assert_ptr_null(event_queue_pop(q));
	ck_assert(!readable(q));
	for (int i = 0; i < 3; i++)
		event_batch_add(&b, new_event(EV_NOTE, PHASE_NONE, i));
	event_batch_clear(&b);
	ck_assert_ptr_null(b.head);
	ck_assert_ptr_null(event_queue_pop(q));
	event_queue_free(q);
}
END_TEST

/* Many pushes while nobody pops: the pipe never blocks a producer and
 * one round of popping takes everything, in order.  (Assertions are
 * kept out of the loops: each one costs a message to the runner.) */
START_TEST(test_many_without_pop)
{
	struct event_queue *q = event_queue_new();
	struct event *ev;
	int64_t n = 0, out_of_order = 0;

	ck_assert_ptr_nonnull(q);
	for (int64_t i = 0; i < 100000; i++)
		event_queue_push(q, new_event(EV_NOTE, PHASE_NONE, i));
	ck_assert(readable(q));
	while ((ev = event_queue_pop(q)) != NULL) {
		out_of_order += ev->at_ms != n;
		n++;
		event_free(ev);
	}
	ck_assert_int_eq(n, 100000);
	ck_assert_int_eq(out_of_order, 0);
	ck_assert(!readable(q));
	event_queue_free(q);
}
END_TEST

/* ---- the queue, many threads ---------------------------------------- */

struct producer {
	pthread_t thread;
	struct event_queue *q;
	int id;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		struct event *ev = event_new(EV_TRANSCRIPT, PHASE_LIST);
		char line[32];
		int n;

		if (ev == NULL)
			abort();
		ev->result = p->id;
		ev->at_ms = i;
		n = snprintf(line, sizeof(line), "%d:%d", p->id, i);
		if (event_set_text(ev, line, (size_t)n) != 0)
			abort();
		event_queue_push(p->q, ev);
		if (i % 997 == 0)
			sched_yield();
	}
	return NULL;
}

/* One event from a producer: the next of its sequence, its text
 * intact.  The first mismatch is kept in bad. */
static void
check_produced(const struct event *ev, int64_t *next, char *bad,
	       size_t cap)
{
	int id = ev->result;
	char line[32];

	if (id < 0 || id >= PRODUCERS) {
		snprintf(bad, cap, "producer %d unknown", id);
		return;
	}
	snprintf(line, sizeof(line), "%d:%lld", id, (long long)next[id]);
	if (bad[0] == '\0' && (ev->at_ms != next[id] || ev->text == NULL
				|| strcmp(ev->text, line) != 0))
		snprintf(bad, cap, "producer %d: event %lld where %lld was "
			 "due", id, (long long)ev->at_ms,
			 (long long)next[id]);
	next[id] = ev->at_ms + 1;
}

/* The consumer sleeps in poll() and pops until empty on each wake, as
 * the contract asks; every event arrives, once, in each producer's
 * order, and no wake-up is lost (poll never times out while events are
 * owed). */
START_TEST(test_producers)
{
	struct producer prod[PRODUCERS];
	int64_t next[PRODUCERS] = { 0 };
	struct event_queue *q = event_queue_new();
	long total = 0;
	char bad[128] = "";

	ck_assert_ptr_nonnull(q);
	for (int i = 0; i < PRODUCERS; i++) {
		prod[i].q = q;
		prod[i].id = i;
		ck_assert_int_eq(pthread_create(&prod[i].thread, NULL,
						produce, &prod[i]), 0);
	}
	while (total < (long)PRODUCERS * PER_PRODUCER) {
		struct pollfd p = {
			.fd = event_queue_fd(q), .events = POLLIN
		};
		struct event *ev;
		int n = poll(&p, 1, WAIT_MS);

		ck_assert_msg(n == 1, "no wake-up with %ld of %ld events "
			      "received", total,
			      (long)PRODUCERS * PER_PRODUCER);
		while ((ev = event_queue_pop(q)) != NULL) {
			check_produced(ev, next, bad, sizeof(bad));
			total++;
			event_free(ev);
		}
		ck_assert_msg(bad[0] == '\0', "%s", bad);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		ck_assert_int_eq(pthread_join(prod[i].thread, NULL), 0);
		ck_assert_int_eq(next[i], PER_PRODUCER);
	}
	ck_assert_ptr_null(event_queue_pop(q));
	ck_assert(!readable(q));
	event_queue_free(q);
}
END_TEST

Suite *
suite_event(void)
{
	Suite *s = suite_create("event");
	TCase *ev = units_case(s, "event", test_new_is_zeroed, test_set_text,
			       test_set_failure, test_free_owned, test_queue_free_owns,
			       test_type_names_distinct, NULL);
	TCase *qu = units_case(s, "queue", test_pop_empty, test_order,
			       test_wake, test_batch, test_many_without_pop,
			       test_producers, NULL);

	tcase_add_loop_test(ev, test_type_name, 0,
			    (int)(sizeof(type_names) / sizeof(type_names[0])));
	tcase_set_timeout(qu, 60);
	return s;
}
