/* stats.c - the timings of repeated connections, per run and per
 * phase. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "stats.h"
#include "tls.h"
#include "validity.h"

struct stats {
	struct stats_run *runs;
	size_t n, cap;
	size_t total, failed;		/* every run, kept or not */
	unsigned by_class[FAIL_CLASS_COUNT];
	struct stats_fail *fails;
	size_t nfails;
};

struct stats *
stats_new(void)
{
	return calloc(1, sizeof(struct stats));
}

void
stats_free(struct stats *s)
{
	if (s == NULL)
		return;
	free(s->runs);
	free(s->fails);
	free(s);
}

static void
run_cert(const struct run *r, int64_t now, struct stats_run *out)
{
	const struct run_item *it = run_find(r, EV_TLS, RUN_LAST, true);

	if (it == NULL || it->tls == NULL || it->tls->chain_len < 1)
		return;
	out->have_cert = true;
	out->cert_days = validity_days_left(it->tls->chain[0].not_after_epoch,
					    now);
}

void
stats_run_from(const struct run *r, int64_t now, struct stats_run *out)
{
	memset(out, 0, sizeof(*out));
	for (int p = 0; p < PHASE_COUNT; p++)
		out->ms[p] = -1;
	for (size_t i = 0; i < r->n; i++) {
		const struct run_item *it = &r->items[i];

		if (it->type == EV_PHASE_END && it->phase > PHASE_NONE
		    && it->phase < PHASE_COUNT && it->result != PHASE_SKIPPED
		    && run_in(r, it, RUN_LAST))
			out->ms[it->phase] = it->elapsed_ms;
	}
	out->failed = r->failed;
	if (r->failed) {
		out->fail_phase = r->failure.phase;
		out->cls = r->failure.cls;
	}
	out->total_ms = r->total_ms;
	run_cert(r, now, out);
}

static int
keep_run(struct stats *s, const struct stats_run *one)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct stats_run *p;

		if (cap > STATS_RUNS_MAX)
			cap = STATS_RUNS_MAX;
		if (cap <= s->n)
			return -1;
		p = realloc(s->runs, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		s->runs = p;
		s->cap = cap;
	}
	s->runs[s->n++] = *one;
	return 0;
}

static void
keep_fail(struct stats *s, const struct stats_run *one,
	  const struct failure *f)
{
	struct stats_fail *k;

	if (s->nfails >= STATS_FAILS_MAX)
		return;
	if (s->fails == NULL) {
		s->fails = calloc(STATS_FAILS_MAX, sizeof(*s->fails));
		if (s->fails == NULL)
			return;
	}
	k = &s->fails[s->nfails++];
	k->number = one->number;
	k->phase = one->fail_phase;
	k->cls = one->cls;
	snprintf(k->detail, sizeof(k->detail), "%s", f ? f->detail : "");
	snprintf(k->hint, sizeof(k->hint), "%s", f ? f->hint : "");
}

unsigned
stats_add(struct stats *s, const struct stats_run *one,
	  const struct failure *f)
{
	struct stats_run copy = *one;

	copy.number = (unsigned)++s->total;
	if (copy.failed) {
		s->failed++;
		if (copy.cls < FAIL_CLASS_COUNT)
			s->by_class[copy.cls]++;
		keep_fail(s, &copy, f);
	}
	(void)keep_run(s, &copy);
	return copy.number;
}

size_t
stats_runs(const struct stats *s)
{
	return s->total;
}

size_t
stats_failed(const struct stats *s)
{
	return s->failed;
}

unsigned
stats_by_class(const struct stats *s, enum fail_class c)
{
	return c < FAIL_CLASS_COUNT ? s->by_class[c] : 0;
}

size_t
stats_kept(const struct stats *s)
{
	return s->n;
}

const struct stats_run *
stats_run(const struct stats *s, size_t i)
{
	return i < s->n ? &s->runs[i] : NULL;
}

const struct stats_fail *
stats_fail(const struct stats *s, size_t i)
{
	return i < s->nfails ? &s->fails[i] : NULL;
}

static int
cmp_ms(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank pct-th percentile of the sorted v[0..n), n > 0. */
static int64_t
rank(const int64_t *v, size_t n, unsigned pct)
{
	size_t k = (n * pct + 99) / 100;

	return v[k > 0 ? k - 1 : 0];
}

/* Whether run r counts for p, how it ended, and its time. */
static bool
ended(const struct stats_run *r, enum phase p, bool *failed,
      int64_t *ms)
{
	if (p == PHASE_NONE) {
		*failed = r->failed;
		*ms = r->total_ms;
		return true;
	}
	*failed = r->failed && r->fail_phase == p;
	*ms = r->ms[p];
	return r->ms[p] >= 0 || *failed;
}

int
stats_summary(const struct stats *s, enum phase p,
	      struct stats_summary *out)
{
	int64_t *v = malloc((s->n ? s->n : 1) * sizeof(*v));

	memset(out, 0, sizeof(*out));
	if (v == NULL || p >= PHASE_COUNT) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		bool failed;
		int64_t ms;

		if (!ended(&s->runs[i], p, &failed, &ms))
			continue;
		out->count++;
		if (failed) {
			out->failed++;
			out->by_class[s->runs[i].cls]++;
		} else {
			v[out->timed++] = ms;
		}
	}
	if (out->timed > 0) {
		qsort(v, out->timed, sizeof(*v), cmp_ms);
		out->min = v[0];
		out->median = rank(v, out->timed, 50);
		out->p95 = rank(v, out->timed, 95);
		out->max = v[out->timed - 1];
	}
	free(v);
	return 0;
}

enum phase
stats_slowest(const struct stats *s)
{
	enum phase best = PHASE_NONE;
	int64_t best_p95 = -1;

	for (int p = PHASE_NONE + 1; p < PHASE_COUNT; p++) {
		struct stats_summary sum;

		if (stats_summary(s, (enum phase)p, &sum) != 0
		    || sum.timed == 0 || sum.p95 <= best_p95)
			continue;
		best = (enum phase)p;
		best_p95 = sum.p95;
	}
	return best;
}
