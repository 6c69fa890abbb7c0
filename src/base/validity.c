/* validity.c - a certificate's validity in words. */
#include <stdio.h>

#include "validity.h"

#define DAY_SECONDS 86400

long
validity_days_left(int64_t not_after, int64_t now)
{
	return (long)((not_after - now) / DAY_SECONDS);
}

static const char *
days_word(long n)
{
	return n == 1 ? "day" : "days";
}

long
validity_words(int64_t not_before, int64_t not_after, int64_t now,
	       char *buf, size_t cap)
{
	long n;

	if (not_before > now) {
		/* Rounded up: a few hours to go is "another 1 day". */
		n = (long)((not_before - now + DAY_SECONDS - 1) / DAY_SECONDS);
		snprintf(buf, cap, "not valid for another %ld %s", n,
			 days_word(n));
		return -1;
	}
	if (not_after < now) {
		n = (long)((now - not_after) / DAY_SECONDS);
		snprintf(buf, cap, "EXPIRED %ld %s ago", n, days_word(n));
		return -1;
	}
	n = validity_days_left(not_after, now);
	snprintf(buf, cap, "%ld %s left", n, days_word(n));
	return n;
}
