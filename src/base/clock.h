/* clock.h - monotonic milliseconds for deadlines and phase timings. */
#ifndef IMAPCONN_CLOCK_H
#define IMAPCONN_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC). */
int64_t clock_ms(void);

/* Wall-clock time in milliseconds since the epoch, for transcripts. */
int64_t clock_wall_ms(void);

/* A deadline timeout_s seconds from now; fractions allowed. */
int64_t clock_deadline(double timeout_s);

#endif
