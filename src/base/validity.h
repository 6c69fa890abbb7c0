/* validity.h - a certificate's validity in words, the same in every
 * output: the --check timeline, the report, the JSON and the
 * interface's TLS view. */
#ifndef IMAPCONN_VALIDITY_H
#define IMAPCONN_VALIDITY_H

#include <stddef.h>
#include <stdint.h>

/* Whole days from now until not_after (epoch seconds), negative when
 * it is past: -2501 for a certificate that expired 2501 days ago. */
long validity_days_left(int64_t not_after, int64_t now);

/* The validity of a certificate valid from not_before to not_after
 * (epoch seconds) at now, into buf (cap bytes): "29 days left",
 * "EXPIRED 2501 days ago" or "not valid for another 3 days" ("1 day"
 * for one).  Returns the days left when the certificate is valid now,
 * else -1. */
long validity_words(int64_t not_before, int64_t not_after, int64_t now,
		    char *buf, size_t cap);

#endif
