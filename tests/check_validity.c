/* check_validity.c - a certificate's validity in the same words
 * everywhere: days left, EXPIRED days ago, not valid for another days. */
#include <string.h>

#include "check_units.h"
#include "validity.h"

#define DAY 86400

START_TEST(test_words)
{
	static const struct {
		int64_t before, after;	/* seconds from now */
		const char *words;
		long ret;
	} cases[] = {
		{ -DAY, 30 * DAY + 60, "30 days left", 30 },
		{ -DAY, DAY + 60, "1 day left", 1 },
		{ -DAY, 60, "0 days left", 0 },
		{ -3000 * DAY, -2501 * DAY - 60, "EXPIRED 2501 days ago", -1 },
		{ -3000 * DAY, -DAY - 60, "EXPIRED 1 day ago", -1 },
		{ -3000 * DAY, -60, "EXPIRED 0 days ago", -1 },
		{ 3 * DAY - 60, 30 * DAY, "not valid for another 3 days", -1 },
		{ 60, 30 * DAY, "not valid for another 1 day", -1 },
	};
	const int64_t now = 1800000000;
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long ret = validity_words(now + cases[i].before,
					  now + cases[i].after, now, buf,
					  sizeof(buf));

		ck_assert_str_eq(buf, cases[i].words);
		ck_assert_int_eq(ret, cases[i].ret);
	}
	ck_assert_int_eq(validity_days_left(now - 2501 * DAY - 60, now),
			 -2501);
	ck_assert_int_eq(validity_days_left(now + 29 * DAY + 60, now), 29);
}
END_TEST

Suite *
suite_validity(void)
{
	Suite *s = suite_create("validity");

	units_case(s, "words", test_words, NULL);
	return s;
}
