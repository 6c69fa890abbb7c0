/* stats.h - the timings of repeated connections: each run's phases
 * kept in order, and per phase its count, failures by class, minimum,
 * median, 95th percentile and maximum.  Pure: no I/O, no clock. */
#ifndef IMAPCONN_STATS_H
#define IMAPCONN_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fail.h"
#include "phase.h"

struct run;

/* Runs kept; later ones are counted in the summary but not kept. */
#define STATS_RUNS_MAX 100000
/* Failed runs whose detail and hint are kept. */
#define STATS_FAILS_MAX 200

/* One connection's timings. */
struct stats_run {
	unsigned number;		/* 1 the first, set by stats_add() */
	int64_t ms[PHASE_COUNT];	/* each phase's time when it ended,
					 * ok or failed; -1 when it did
					 * not run or was skipped */
	bool failed;
	enum phase fail_phase;		/* PHASE_NONE: before connecting */
	enum fail_class cls;		/* FAIL_NONE when it succeeded */
	int64_t total_ms;		/* the whole connection */
	bool have_cert;			/* a server certificate came */
	long cert_days;			/* its whole days left (negative:
					 * expired) */
};

/* A failed run as the summary lists it. */
struct stats_fail {
	unsigned number;
	enum phase phase;
	enum fail_class cls;
	char detail[FAIL_DETAIL_MAX];
	char hint[FAIL_HINT_MAX];
};

/* One phase (or the whole connection) over the runs.  The times are
 * those of the runs in which it ended well; a percentile is the
 * nearest-rank one, a time some run really took (the median of an
 * even count is the lower middle one). */
struct stats_summary {
	size_t count;			/* runs in which it ended */
	size_t failed;			/* ... and failed */
	unsigned by_class[FAIL_CLASS_COUNT];	/* failures by class */
	size_t timed;			/* ended well: the times below */
	int64_t min, median, p95, max;	/* 0 when timed is 0 */
};

struct stats;

/* A new empty set of runs, or NULL when out of memory.  Free with
 * stats_free(). */
struct stats *stats_new(void);

/* Free s; NULL is fine. */
void stats_free(struct stats *s);

/* Read run record r into *out (its number 0): the last connection's
 * phase times, its failure, and the days the server's certificate has
 * left at now (epoch seconds). */
void stats_run_from(const struct run *r, int64_t now,
		    struct stats_run *out);

/* Add one run, numbered after the others (*one is copied); f, when
 * the run failed, gives its detail and hint.  Returns the number
 * given. */
unsigned stats_add(struct stats *s, const struct stats_run *one,
		   const struct failure *f);

/* Runs added, and how many of them failed. */
size_t stats_runs(const struct stats *s);
size_t stats_failed(const struct stats *s);

/* Failed runs by class over all runs. */
unsigned stats_by_class(const struct stats *s, enum fail_class c);

/* Run i (0 the first) of those kept, or NULL past the end. */
const struct stats_run *stats_run(const struct stats *s, size_t i);

/* Runs kept (at most STATS_RUNS_MAX). */
size_t stats_kept(const struct stats *s);

/* The summary of phase p over the runs kept, or with PHASE_NONE of
 * the whole connection (its count: every run; its failures: the failed
 * runs).  0, or -1 when out of memory. */
int stats_summary(const struct stats *s, enum phase p,
		  struct stats_summary *out);

/* The phase with the largest 95th percentile, PHASE_NONE when no
 * phase ended well. */
enum phase stats_slowest(const struct stats *s);

/* Failed run i (0 the first) of those kept, or NULL past the end. */
const struct stats_fail *stats_fail(const struct stats *s, size_t i);

#endif
