/* detectrun.h - a detection (src/detect.h) run on a thread of its own,
 * so that the interface stays live while it probes: a descriptor to
 * poll, a cancel the probes hear at once, and the result once done.
 * No curses here. */
#ifndef IMAPCONN_DETECTRUN_H
#define IMAPCONN_DETECTRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "detect.h"

struct detectrun;

/* Start detect_collect() for *p (copied; the copy's secrets are wiped
 * when the run ends) on a new thread.  NULL when out of resources. */
struct detectrun *detectrun_start(const struct detect_params *p);

/* A descriptor that becomes readable when the run is done. */
int detectrun_fd(const struct detectrun *d);

/* Whether the run is done; once it is, detectrun_result() holds what
 * it found.  Never waits. */
bool detectrun_done(struct detectrun *d);

/* Wait at most ms milliseconds for the run to be done; whether it is.
 * (For leaving the program: threads still probing must not outlive
 * it while the TLS library is torn down.) */
bool detectrun_wait(struct detectrun *d, int ms);

/* What the run found (owned by d, valid until detectrun_free()), or
 * NULL while it runs or when it could not start its probes. */
const struct detect_result *detectrun_result(const struct detectrun *d);

/* Ask the run to stop: the probes end at once (cancelled), SRV lookups
 * under way within their timeout.  The run is then done as usual. */
void detectrun_cancel(struct detectrun *d);

/* Milliseconds since the start at clock_ms() now, and the most the run
 * can take (SRV lookups, then three waits, and a second to spare). */
int64_t detectrun_elapsed_ms(const struct detectrun *d, int64_t now);
int64_t detectrun_limit_ms(const struct detectrun *d);

/* Cancel the run and let it go without waiting: a thread still
 * running frees the run itself when it ends.  NULL is fine. */
void detectrun_free(struct detectrun *d);

#endif
