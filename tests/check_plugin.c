/* check_plugin.c - --plugin's judgement: failures, -w, -c,
 * --warn-phase and --cert-days, the worst one winning. */
#include <string.h>

#include "check_units.h"
#include "plugin.h"
#include "stats.h"

static struct stats_run
run_of(int64_t greeting_ms, int64_t total_ms, long cert_days)
{
	struct stats_run r;

	memset(&r, 0, sizeof(r));
	for (int p = 0; p < PHASE_COUNT; p++)
		r.ms[p] = -1;
	r.ms[PHASE_GREETING] = greeting_ms;
	r.total_ms = total_ms;
	r.have_cert = cert_days != 9999;
	r.cert_days = cert_days;
	return r;
}

static struct options *
limits(void)
{
	static struct options o;

	memset(&o, 0, sizeof(o));
	o.warn_ms = 200;
	o.crit_ms = 1000;
	o.warn_phase_ms[PHASE_GREETING] = 100;
	o.have_cert_days = true;
	o.cert_warn_days = 30;
	o.cert_crit_days = 7;
	return &o;
}

START_TEST(test_levels)
{
	static const struct {
		int64_t greeting, total;
		long days;
		enum plugin_status want;
		const char *why;
	} cases[] = {
		{ 10, 50, 90, PLUGIN_OK, "" },
		{ 10, 50, 9999, PLUGIN_OK, "" },
		{ 10, 201, 90, PLUGIN_WARNING, "total 201 ms above 200 ms" },
		{ 101, 150, 90, PLUGIN_WARNING,
		  "greeting 101 ms above 100 ms" },
		{ 10, 50, 29, PLUGIN_WARNING,
		  "certificate 29 days left, fewer than 30" },
		{ 10, 1001, 90, PLUGIN_CRITICAL,
		  "total 1001 ms above 1000 ms" },
		{ 10, 50, 6, PLUGIN_CRITICAL,
		  "certificate 6 days left, fewer than 7" },
		{ 101, 1001, 29, PLUGIN_CRITICAL,
		  "total 1001 ms above 1000 ms; greeting 101 ms above 100 "
		  "ms; certificate 29 days left, fewer than 30" },
	};
	struct failure f;
	char why[512];

	memset(&f, 0, sizeof(f));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stats_run r = run_of(cases[i].greeting, cases[i].total,
					    cases[i].days);

		ck_assert_int_eq(plugin_judge(limits(), &r, &f, why,
					      sizeof(why)), cases[i].want);
		ck_assert_str_eq(why, cases[i].why);
	}
}
END_TEST

START_TEST(test_failures)
{
	struct stats_run r = run_of(10, 50, 90);
	struct failure f;
	char why[512];

	r.failed = true;
	fail_set(&f, PHASE_AUTH, FAIL_AUTH, "refused");
	ck_assert_int_eq(plugin_judge(limits(), &r, &f, why, sizeof(why)),
			 PLUGIN_CRITICAL);
	ck_assert_str_eq(why, "failed in authenticate (auth): refused");
	fail_set(&f, PHASE_NONE, FAIL_INPUT, "no such file");
	ck_assert_int_eq(plugin_judge(limits(), &r, &f, why, sizeof(why)),
			 PLUGIN_UNKNOWN);
	fail_set(&f, PHASE_GREETING, FAIL_TIMEOUT, "no greeting");
	ck_assert_int_eq(plugin_judge(limits(), &r, &f, why, sizeof(why)),
			 PLUGIN_CRITICAL);
}
END_TEST

START_TEST(test_asked)
{
	char *yes[] = { "imapconn", "-w", "x", "--plugin", NULL };
	char *no[] = { "imapconn", "--check", "--", "--plugin", NULL };

	ck_assert(plugin_asked(4, yes));
	ck_assert(!plugin_asked(4, no));
}
END_TEST

Suite *
suite_plugin(void)
{
	Suite *s = suite_create("plugin");

	units_case(s, "judge", test_levels, test_failures, test_asked,
		   NULL);
	return s;
}
