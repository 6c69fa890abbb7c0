/* check_run.c - the record of a run: what it keeps of the events, the
 * connections a retry separates, the capability lists compared, the
 * transcript's head and tail, the failure's hint and no secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "diag.h"
#include "mailbox.h"
#include "mbtree.h"
#include "run.h"
#include "server_id.h"
#include "tls.h"

#define SECRET "Sup3rS3cret"
#define TAIL 50

/* A record keeping tail transcript lines after the head. */
static struct run *
new_run_lines(size_t tail)
{
	struct conn_config c;
	struct run *r;

	config_init(&c);
	strcpy(c.ep.host, "imap.example.com");
	c.ep.starttls = STARTTLS_REQUIRED;
	strcpy(c.user, "alice");
	strcpy(c.password, SECRET);
	c.have_password = true;
	c.timeout_s = 7;
	r = run_new(&c, tail);
	config_wipe(&c);
	ck_assert_ptr_nonnull(r);
	return r;
}

static struct run *
new_run(void)
{
	return new_run_lines(TAIL);
}

/* Apply an event of type t with text (NULL: none), then free it. */
static void
feed(struct run *r, enum event_type t, enum phase p, const char *text)
{
	struct event *ev = event_new(t, p);

	ck_assert_ptr_nonnull(ev);
	if (text != NULL)
		ck_assert_int_eq(event_set_text(ev, text, strlen(text)), 0);
	ev->flag = t == EV_CAPS && p == PHASE_CAPABILITY_TLS;
	if (t == EV_TLS) {
		ev->tls = calloc(1, sizeof(*ev->tls));
		ck_assert_ptr_nonnull(ev->tls);
	}
	if (t == EV_SERVER_ID) {
		ev->server_id = calloc(1, sizeof(*ev->server_id));
		ck_assert_ptr_nonnull(ev->server_id);
		server_id_init(ev->server_id);
	}
	run_apply(r, ev);
	event_free(ev);
}

static void
feed_mailbox(struct run *r, const char *name)
{
	struct event *ev = event_new(EV_MAILBOX, PHASE_LIST);

	ck_assert_ptr_nonnull(ev);
	ev->mailbox = mailbox_entry_new(name, strlen(name), name);
	ck_assert_ptr_nonnull(ev->mailbox);
	ev->mailbox->delim = '/';
	run_apply(r, ev);
	ck_assert_ptr_null(ev->mailbox);
	event_free(ev);
}

/* One connection up to the list, as a retried connection repeats it. */
static void
feed_connection(struct run *r, const char *after_tls)
{
	feed(r, EV_PHASE_END, PHASE_CONNECT, "192.0.2.7:143");
	feed(r, EV_CAPS, PHASE_CAPABILITY, "IMAP4rev1 STARTTLS");
	feed(r, EV_TLS, PHASE_STARTTLS, "PEM");
	feed(r, EV_CAPS, PHASE_CAPABILITY_TLS, after_tls);
	feed(r, EV_SERVER_ID, PHASE_AUTH, NULL);
	feed_mailbox(r, "INBOX");
}

START_TEST(test_keeps_in_order)
{
	struct run *r = new_run();
	const struct run_item *it;

	feed(r, EV_PHASE_START, PHASE_RESOLVE, NULL);
	feed(r, EV_WAIT, PHASE_RESOLVE, NULL);
	feed(r, EV_ADDRESS, PHASE_RESOLVE, "192.0.2.7:143");
	feed(r, EV_PHASE_END, PHASE_RESOLVE, "1 address");
	feed(r, EV_NOTE, PHASE_RESOLVE, "a note");
	ck_assert_uint_eq(r->n, 4);
	ck_assert_int_eq(r->items[0].type, EV_PHASE_START);
	ck_assert_int_eq(r->items[1].type, EV_ADDRESS);
	ck_assert_int_eq(r->items[2].type, EV_PHASE_END);
	ck_assert_str_eq(r->items[3].text, "a note");
	it = run_find(r, EV_TLS, RUN_ALL, false);
	ck_assert_ptr_null(it);
	feed(r, EV_READY, PHASE_LIST, NULL);
	feed(r, EV_DONE, PHASE_LOGOUT, NULL);
	ck_assert(r->ready);
	ck_assert(r->done);
	ck_assert(!r->success);
	ck_assert(!r->failed);
	ck_assert(!r->lost);
	run_free(r);
}
END_TEST

/* A retry starts a new connection: --check reads the last one's
 * data, the report every connection's; the timeline stays whole. */
START_TEST(test_retry_scopes)
{
	struct run *r = new_run();
	const struct run_item *first, *last;
	struct mbtree *before;
	struct capdiff d;

	feed_connection(r, "IMAP4rev1 AUTH=PLAIN");
	before = r->tree;
	feed(r, EV_RETRY, PHASE_LIST, "the server mishandled pipelining");
	ck_assert_ptr_ne(r->tree, before);
	ck_assert_uint_eq(mbtree_count(r->tree), 0);
	feed_connection(r, "IMAP4rev1 AUTH=LOGIN");
	ck_assert_uint_eq(r->conns, 1);
	ck_assert_uint_eq(r->listed, 2);
	ck_assert_uint_eq(mbtree_count(r->tree), 1);

	first = run_find(r, EV_TLS, RUN_ALL, false);
	last = run_find(r, EV_TLS, RUN_LAST, false);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(last);
	ck_assert_ptr_ne(first, last);
	ck_assert_ptr_eq(last, run_find(r, EV_TLS, RUN_ALL, true));
	ck_assert_ptr_eq(run_find(r, EV_PHASE_END, RUN_LAST, false),
			 run_find(r, EV_PHASE_END, RUN_ALL, false));
	ck_assert(run_starttls_done(r, RUN_LAST));

	ck_assert_int_eq(run_capdiff(r, RUN_LAST, &d), 0);
	ck_assert(capdiff_has(&d, CAPDIFF_AFTER_TLS, "AUTH=LOGIN"));
	ck_assert(!capdiff_has(&d, CAPDIFF_AFTER_TLS, "AUTH=PLAIN"));
	capdiff_free(&d);
	run_free(r);
}
END_TEST

/* Only the connection given up had TLS: the last one shows none. */
START_TEST(test_retry_forgets_tls)
{
	struct run *r = new_run();
	struct capdiff d;

	feed_connection(r, "IMAP4rev1");
	feed(r, EV_RETRY, PHASE_LIST, "again");
	ck_assert_ptr_null(run_find(r, EV_TLS, RUN_LAST, true));
	ck_assert_ptr_null(run_find(r, EV_SERVER_ID, RUN_LAST, true));
	ck_assert_ptr_nonnull(run_find(r, EV_SERVER_ID, RUN_ALL, true));
	ck_assert(!run_starttls_done(r, RUN_LAST));
	ck_assert(run_starttls_done(r, RUN_ALL));
	ck_assert_int_eq(run_capdiff(r, RUN_LAST, &d), 0);
	ck_assert(!d.have[CAPDIFF_BEFORE_TLS]);
	capdiff_free(&d);
	ck_assert_int_eq(run_capdiff(r, RUN_ALL, &d), 0);
	ck_assert(d.have[CAPDIFF_BEFORE_TLS]);
	capdiff_free(&d);
	run_free(r);
}
END_TEST

/* The failure gets the hint diag gives for the same settings. */
START_TEST(test_failure_hint)
{
	struct run *r = new_run();
	struct event *ev = event_new(EV_FAILURE, PHASE_GREETING);
	struct diag_input in;
	struct failure want;

	ck_assert_ptr_nonnull(ev);
	ev->failure = calloc(1, sizeof(*ev->failure));
	ck_assert_ptr_nonnull(ev->failure);
	fail_set(ev->failure, PHASE_GREETING, FAIL_TIMEOUT, "no greeting");
	want = *ev->failure;
	run_apply(r, ev);
	event_free(ev);
	ck_assert(r->failed);
	ck_assert_int_eq(r->failure.cls, FAIL_TIMEOUT);
	diag_input_init(&in, &r->cfg);
	diag_explain(&want, &in);
	ck_assert_str_ne(r->failure.hint, "");
	ck_assert_str_eq(r->failure.hint, want.hint);
	run_free(r);
}
END_TEST

static void
feed_lines(struct run *r, size_t n)
{
	char line[32];

	for (size_t i = 0; i < n; i++) {
		struct event *ev = event_new(EV_TRANSCRIPT, PHASE_LIST);

		ck_assert_ptr_nonnull(ev);
		snprintf(line, sizeof(line), "line %zu", i);
		ck_assert_int_eq(event_set_text(ev, line, strlen(line)), 0);
		ev->dir = 'S';
		run_apply(r, ev);
		event_free(ev);
	}
}

/* The first lines and the last are kept; the middle is counted. */
START_TEST(test_transcript_head_tail)
{
	struct run *r = new_run();
	size_t total = RUN_LINES_HEAD + TAIL + 5;
	char line[32];

	feed_lines(r, total);
	ck_assert_uint_eq(run_lines(r), total);
	ck_assert_str_eq(run_line(r, 0)->text, "line 0");
	ck_assert_str_eq(run_line(r, RUN_LINES_HEAD - 1)->text, "line 1999");
	ck_assert_ptr_null(run_line(r, RUN_LINES_HEAD));
	ck_assert_ptr_null(run_line(r, RUN_LINES_HEAD + 4));
	ck_assert_str_eq(run_line(r, RUN_LINES_HEAD + 5)->text, "line 2005");
	snprintf(line, sizeof(line), "line %zu", total - 1);
	ck_assert_str_eq(run_line(r, total - 1)->text, line);
	ck_assert_int_eq(run_line(r, total - 1)->dir, 'S');
	ck_assert_ptr_null(run_line(r, total));
	run_free(r);
}
END_TEST

/* A record made to keep no line keeps none, and counts none. */
START_TEST(test_transcript_none)
{
	struct run *r = new_run_lines(0);

	feed_lines(r, 10);
	ck_assert_uint_eq(run_lines(r), 0);
	ck_assert_ptr_null(run_line(r, 0));
	ck_assert(!r->lost);
	run_free(r);
}
END_TEST

START_TEST(test_no_secret)
{
	struct run *r = new_run();

	ck_assert_ptr_null(memmem(r, sizeof(*r), SECRET, strlen(SECRET)));
	ck_assert(!r->cfg.have_password);
	run_free(r);
	run_free(NULL);
}
END_TEST

Suite *
suite_run(void)
{
	Suite *s = suite_create("run");

	units_case(s, "run", test_keeps_in_order, test_retry_scopes,
		   test_retry_forgets_tls, test_failure_hint,
		   test_transcript_head_tail, test_transcript_none,
		   test_no_secret, NULL);
	return s;
}
