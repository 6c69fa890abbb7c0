/* repeat.h - --check --repeat: connections one after another, a line
 * each, then per phase the count, failures, minimum, median, 95th
 * percentile and maximum, and the connections that failed. */
#ifndef IMAPCONN_REPEAT_H
#define IMAPCONN_REPEAT_H

#include <stdio.h>

#include "options.h"

/* Make o->repeat connections (0: until SIGINT, SIGTERM or SIGHUP)
 * o->interval_s apart, each a whole --check connection with its own
 * deadline; print a line for each (with --json one JSON document a
 * line, as --check --json writes it, with "run") and the summary at
 * the end (with --json one more document, "summary": true).  A signal
 * cancels the connection under way and ends the series.
 * Returns 128 + the signal that stopped it, else 0 when every
 * connection succeeded, else the exit status of the last failure.
 * Obtains the password once, first; o->cfg's password and every copy
 * of it are wiped before returning. */
int repeat_check(struct options *o, FILE *out);

struct stats;

/* The summary of the runs in st as --repeat prints it at the end: the
 * counts, a line per phase (count, failed, min, median, p95, max and
 * the failures by class), the slowest phase, the failed runs with
 * their hints. */
void repeat_print_summary(const struct stats *st, FILE *out);

/* Every run kept in st, a line each: its result and each phase's
 * time. */
void repeat_print_runs(const struct stats *st, FILE *out);

#endif
