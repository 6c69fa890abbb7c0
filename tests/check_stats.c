/* check_stats.c - repeated runs summed up per phase: counts, failures
 * by class, nearest-rank median and 95th percentile, the slowest
 * phase, the failed runs kept with their hints. */
#include <stdio.h>
#include <string.h>

#include "check_units.h"
#include "stats.h"

/* A run whose greeting took greeting_ms and whose login failed with
 * cls (FAIL_NONE: it did not). */
static struct stats_run
one(int64_t greeting_ms, enum fail_class cls)
{
	struct stats_run r;

	memset(&r, 0, sizeof(r));
	for (int p = 0; p < PHASE_COUNT; p++)
		r.ms[p] = -1;
	r.ms[PHASE_CONNECT] = 1;
	r.ms[PHASE_GREETING] = greeting_ms;
	r.ms[PHASE_AUTH] = 2;
	if (cls != FAIL_NONE) {
		r.failed = true;
		r.fail_phase = PHASE_AUTH;
		r.cls = cls;
	} else {
		r.ms[PHASE_LIST] = 3;
	}
	r.total_ms = greeting_ms + 6;
	return r;
}

/* Twenty runs: every third greeting 300 ms late, every fifth login
 * refused. */
static struct stats *
twenty(void)
{
	struct stats *s = stats_new();
	struct failure f;

	ck_assert_ptr_nonnull(s);
	memset(&f, 0, sizeof(f));
	snprintf(f.detail, sizeof(f.detail), "refused");
	snprintf(f.hint, sizeof(f.hint), "check the password");
	for (unsigned i = 1; i <= 20; i++) {
		struct stats_run r = one(i % 3 == 0 ? 300 + i : 1,
					 i % 5 == 0 ? FAIL_AUTH : FAIL_NONE);

		ck_assert_uint_eq(stats_add(s, &r, r.failed ? &f : NULL), i);
	}
	return s;
}

START_TEST(test_counts)
{
	struct stats *s = twenty();
	struct stats_summary sum;

	ck_assert_uint_eq(stats_runs(s), 20);
	ck_assert_uint_eq(stats_failed(s), 4);
	ck_assert_uint_eq(stats_by_class(s, FAIL_AUTH), 4);
	ck_assert_int_eq(stats_summary(s, PHASE_AUTH, &sum), 0);
	ck_assert_uint_eq(sum.count, 20);
	ck_assert_uint_eq(sum.failed, 4);
	ck_assert_uint_eq(sum.by_class[FAIL_AUTH], 4);
	ck_assert_uint_eq(sum.timed, 16);
	ck_assert_int_eq(stats_summary(s, PHASE_LIST, &sum), 0);
	ck_assert_uint_eq(sum.count, 16);
	ck_assert_uint_eq(sum.failed, 0);
	ck_assert_int_eq(stats_summary(s, PHASE_TLS, &sum), 0);
	ck_assert_uint_eq(sum.count, 0);
	ck_assert_int_eq(sum.max, 0);
	ck_assert_int_eq(stats_summary(s, PHASE_NONE, &sum), 0);
	ck_assert_uint_eq(sum.count, 20);
	ck_assert_uint_eq(sum.failed, 4);
	stats_free(s);
}
END_TEST

START_TEST(test_percentiles)
{
	struct stats *s = twenty();
	struct stats_summary sum;

	/* Greetings: 14 of 1 ms, then 303 306 ... 318 ms. */
	ck_assert_int_eq(stats_summary(s, PHASE_GREETING, &sum), 0);
	ck_assert_uint_eq(sum.timed, 20);
	ck_assert_int_eq(sum.min, 1);
	ck_assert_int_eq(sum.median, 1);
	ck_assert_int_eq(sum.p95, 315);
	ck_assert_int_eq(sum.max, 318);
	ck_assert_int_eq(stats_slowest(s), PHASE_GREETING);
	stats_free(s);
}
END_TEST

START_TEST(test_ranks)
{
	struct stats *s = stats_new();
	struct stats_summary sum;

	/* 1..4: the median is the lower middle, the 95th the last. */
	for (int i = 4; i >= 1; i--) {
		struct stats_run r = one(i, FAIL_NONE);

		stats_add(s, &r, NULL);
	}
	ck_assert_int_eq(stats_summary(s, PHASE_GREETING, &sum), 0);
	ck_assert_int_eq(sum.median, 2);
	ck_assert_int_eq(sum.p95, 4);
	ck_assert_int_eq(sum.min, 1);
	stats_free(s);
	s = stats_new();
	ck_assert_int_eq(stats_slowest(s), PHASE_NONE);
	ck_assert_ptr_null(stats_run(s, 0));
	stats_free(s);
}
END_TEST

START_TEST(test_fails_kept)
{
	struct stats *s = twenty();
	const struct stats_fail *f = stats_fail(s, 0);

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->number, 5);
	ck_assert_int_eq(f->phase, PHASE_AUTH);
	ck_assert_int_eq(f->cls, FAIL_AUTH);
	ck_assert_str_eq(f->hint, "check the password");
	ck_assert_uint_eq(stats_fail(s, 3)->number, 20);
	ck_assert_ptr_null(stats_fail(s, 4));
	ck_assert_uint_eq(stats_kept(s), 20);
	ck_assert_uint_eq(stats_run(s, 2)->number, 3);
	stats_free(s);
}
END_TEST

Suite *
suite_stats(void)
{
	Suite *s = suite_create("stats");

	units_case(s, "counts", test_counts, NULL);
	units_case(s, "percentiles", test_percentiles, NULL);
	units_case(s, "ranks", test_ranks, NULL);
	units_case(s, "fails_kept", test_fails_kept, NULL);
	return s;
}
