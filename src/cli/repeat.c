/* repeat.c - --check --repeat: many connections, a line each, and
 * their timings summed up per phase. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "json.h"
#include "mbtree.h"
#include "password.h"
#include "repeat.h"
#include "run.h"
#include "sigwatch.h"
#include "stats.h"

struct series {
	struct options *o;
	FILE *out;
	struct conn_config *cfg;	/* with the password, owned */
	struct stats *stats;
	int last_fail_exit;		/* the last failure's status */
};

/* The phases of one connection that ran, on one line. */
static void
print_phases(FILE *out, const struct stats_run *sr)
{
	const char *sep = " (";

	for (int p = PHASE_NONE + 1; p < PHASE_COUNT; p++) {
		if (sr->ms[p] < 0)
			continue;
		fprintf(out, "%s%s %lld", sep, phase_name((enum phase)p),
			(long long)sr->ms[p]);
		sep = ", ";
	}
	fputs(sep[0] == ',' ? ")\n" : "\n", out);
}

static void
print_line(const struct series *sr, const struct check_run *run,
	   const struct stats_run *one)
{
	const struct failure *f = &run->rec->failure;
	FILE *out = sr->out;

	if (!one->failed) {
		fprintf(out, "run %u: ok, %lld ms", one->number,
			(long long)one->total_ms);
		print_phases(out, one);
		fflush(out);
		return;
	}
	fprintf(out, "run %u: FAILED in %s (%s) after %lld ms: %s\n",
		one->number, f->phase == PHASE_NONE ? "setup" :
		phase_name(f->phase), fail_class_name(f->cls),
		(long long)one->total_ms, f->detail);
	fflush(out);
}

/* The exit status of one connection. */
static int
run_exit(const struct check_run *run)
{
	if (run->signal != 0)
		return sigwatch_exit_status(run->signal);
	return run->rec->failed ? fail_exit_code(run->rec->failure.cls) : 0;
}

/* One connection, recorded, printed.  Returns the signal that stopped
 * it, or 0. */
static int
one_run(struct series *sr, unsigned number)
{
	struct conn_config *work = malloc(sizeof(*work));
	struct check_run run;
	struct stats_run one;

	cli_run_quiet(&run, sr->o, sr->out, run_new(sr->cfg, 0));
	run.number = number;
	if (work == NULL || run.rec == NULL) {
		free(work);
		run_free(run.rec);
		fprintf(stderr, "imapconn: out of memory\n");
		sr->last_fail_exit = fail_exit_code(FAIL_INTERNAL);
		return -1;
	}
	*work = *sr->cfg;
	work->transcript = false;	/* nothing reads the lines */
	cli_connect(&run, work);
	config_wipe(work);
	free(work);
	stats_run_from(run.rec, (int64_t)time(NULL), &one);
	one.number = stats_add(sr->stats, &one, &run.rec->failure);
	if (run.rec->failed)
		sr->last_fail_exit = fail_exit_code(run.rec->failure.cls);
	if (sr->o->json) {
		mbtree_build(run.rec->tree);
		mbtree_expand_all(run.rec->tree);
		cli_json_print(&run, run_exit(&run));
	} else {
		print_line(sr, &run, &one);
	}
	run_free(run.rec);
	return run.signal;
}

/* Wait the interval; returns a signal that came meanwhile, or 0. */
static int
pause_between(const struct series *sr)
{
	int64_t ms = (int64_t)(sr->o->interval_s * 1000 + 0.5);
	struct pollfd pfd = { .fd = sigwatch_fd(), .events = POLLIN };

	while (poll(&pfd, 1, (int)ms) < 0 && errno == EINTR)
		;
	return sigwatch_take();
}

/* "auth 4, timeout 1" into buf: the classes of by_class[]. */
static void
classes_text(const unsigned by_class[FAIL_CLASS_COUNT], char *buf,
	     size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int c = 0; c < FAIL_CLASS_COUNT && n < cap; c++)
		if (by_class[c] != 0)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s %u",
					      n ? ", " : "",
					      fail_class_name(
						      (enum fail_class)c),
					      by_class[c]);
}

static void
print_row(FILE *out, const char *name, const struct stats_summary *s)
{
	char classes[256];

	classes_text(s->by_class, classes, sizeof(classes));
	fprintf(out, "  %-15s %5zu %6zu %7lld %7lld %7lld %7lld%s%s\n",
		name, s->count, s->failed, (long long)s->min,
		(long long)s->median, (long long)s->p95, (long long)s->max,
		classes[0] ? "  " : "", classes);
}

static void
print_fails(const struct stats *st, FILE *out)
{
	const struct stats_fail *f;

	if (stats_fail(st, 0) == NULL)
		return;
	fprintf(out, "failed connections\n");
	for (size_t i = 0; (f = stats_fail(st, i)) != NULL; i++) {
		fprintf(out, "  run %u: in %s (%s): %s\n", f->number,
			f->phase == PHASE_NONE ? "setup" :
			phase_name(f->phase), fail_class_name(f->cls),
			f->detail);
		if (f->hint[0] != '\0')
			fprintf(out, "    hint: %s\n", f->hint);
	}
}

void
repeat_print_summary(const struct stats *st, FILE *out)
{
	struct stats_summary sum;
	unsigned by_class[FAIL_CLASS_COUNT];
	char classes[256];
	enum phase slow = stats_slowest(st);

	for (int c = 0; c < FAIL_CLASS_COUNT; c++)
		by_class[c] = stats_by_class(st, (enum fail_class)c);
	classes_text(by_class, classes, sizeof(classes));
	fprintf(out, "summary: %zu connections, %zu ok, %zu failed%s%s%s\n",
		stats_runs(st), stats_runs(st) - stats_failed(st),
		stats_failed(st), classes[0] ? " (" : "", classes,
		classes[0] ? ")" : "");
	fprintf(out, "  %-15s %5s %6s %7s %7s %7s %7s (ms)\n", "phase",
		"runs", "failed", "min", "median", "p95", "max");
	for (int p = PHASE_NONE; p < PHASE_COUNT; p++) {
		int q = p == PHASE_COUNT - 1 ? PHASE_NONE : p + 1;

		/* The phases in order, then the whole connection. */
		if (stats_summary(st, (enum phase)q, &sum) != 0
		    || sum.count == 0)
			continue;
		print_row(out, q == PHASE_NONE ? "total" :
			  phase_name((enum phase)q), &sum);
	}
	if (slow != PHASE_NONE && stats_summary(st, slow, &sum) == 0)
		fprintf(out, "slowest phase: %s (95th percentile %lld ms, "
			"median %lld ms)\n", phase_name(slow),
			(long long)sum.p95, (long long)sum.median);
	print_fails(st, out);
}

void
repeat_print_runs(const struct stats *st, FILE *out)
{
	const struct stats_run *r;

	for (size_t i = 0; (r = stats_run(st, i)) != NULL; i++) {
		if (r->failed)
			fprintf(out, "run %u: FAILED in %s (%s), %lld ms",
				r->number, r->fail_phase == PHASE_NONE ?
				"setup" : phase_name(r->fail_phase),
				fail_class_name(r->cls),
				(long long)r->total_ms);
		else
			fprintf(out, "run %u: ok, %lld ms", r->number,
				(long long)r->total_ms);
		print_phases(out, r);
	}
}

static void
json_classes(struct json *j, const char *key,
	     const unsigned by_class[FAIL_CLASS_COUNT])
{
	json_obj_open(j, key);
	for (int c = 0; c < FAIL_CLASS_COUNT; c++)
		if (by_class[c] != 0)
			json_int(j, fail_class_name((enum fail_class)c),
				 by_class[c]);
	json_obj_close(j);
}

static void
json_summary_of(struct json *j, const char *key, enum phase p,
		const struct stats_summary *s)
{
	json_obj_open(j, key);
	if (p != PHASE_NONE)
		json_str(j, "phase", phase_name(p));
	json_int(j, "count", (long long)s->count);
	json_int(j, "failed", (long long)s->failed);
	json_classes(j, "failures_by_class", s->by_class);
	json_int(j, "timed", (long long)s->timed);
	json_int(j, "min_ms", s->min);
	json_int(j, "median_ms", s->median);
	json_int(j, "p95_ms", s->p95);
	json_int(j, "max_ms", s->max);
	json_obj_close(j);
}

static void
json_fails(struct json *j, const struct stats *st)
{
	const struct stats_fail *f;

	json_arr_open(j, "failed_runs");
	for (size_t i = 0; (f = stats_fail(st, i)) != NULL; i++) {
		json_obj_open(j, NULL);
		json_int(j, "run", f->number);
		json_str(j, "phase", phase_name(f->phase));
		json_str(j, "class", fail_class_name(f->cls));
		json_str(j, "detail", f->detail);
		json_str(j, "hint", f->hint[0] ? f->hint : NULL);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void
json_summary(const struct series *sr, int exit_code)
{
	const struct stats *st = sr->stats;
	unsigned by_class[FAIL_CLASS_COUNT];
	struct stats_summary sum;
	enum phase slow = stats_slowest(st);
	struct json j;

	for (int c = 0; c < FAIL_CLASS_COUNT; c++)
		by_class[c] = stats_by_class(st, (enum fail_class)c);
	json_begin(&j, sr->out);
	json_obj_open(&j, NULL);
	json_bool(&j, "summary", true);
	json_int(&j, "exit_code", exit_code);
	json_int(&j, "runs", (long long)stats_runs(st));
	json_int(&j, "ok", (long long)(stats_runs(st) - stats_failed(st)));
	json_int(&j, "failed", (long long)stats_failed(st));
	json_classes(&j, "failures_by_class", by_class);
	json_arr_open(&j, "phases");
	for (int p = PHASE_NONE + 1; p < PHASE_COUNT; p++)
		if (stats_summary(st, (enum phase)p, &sum) == 0
		    && sum.count > 0)
			json_summary_of(&j, NULL, (enum phase)p, &sum);
	json_arr_close(&j);
	if (stats_summary(st, PHASE_NONE, &sum) == 0)
		json_summary_of(&j, "total", PHASE_NONE, &sum);
	if (slow != PHASE_NONE)
		json_str(&j, "slowest_phase", phase_name(slow));
	else
		json_null(&j, "slowest_phase");
	json_fails(&j, st);
	json_obj_close(&j);
	json_end(&j);
}

/* The connections, until the count or a signal. */
static int
series_run(struct series *sr)
{
	int sig = 0;

	for (unsigned i = 1; sr->o->repeat == 0 || i <= sr->o->repeat;
	     i++) {
		sig = one_run(sr, i);
		if (sig != 0)
			break;
		if (sr->o->repeat != 0 && i == sr->o->repeat)
			break;
		sig = pause_between(sr);
		if (sig != 0)
			break;
	}
	return sig;
}

static int
series_start(struct series *sr, struct failure *f)
{
	struct options *o = sr->o;

	if (o->cfg.user[0] != '\0'
	    && password_obtain(o, &o->cfg, isatty(STDIN_FILENO), f) != 0)
		return -1;
	sr->cfg = malloc(sizeof(*sr->cfg));
	sr->stats = stats_new();
	if (sr->cfg == NULL || sr->stats == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	*sr->cfg = o->cfg;
	return 0;
}

int
repeat_check(struct options *o, FILE *out)
{
	struct series sr;
	struct failure f;
	int sig, rc;

	memset(&sr, 0, sizeof(sr));
	sr.o = o;
	sr.out = out;
	sigwatch_start();
	if (series_start(&sr, &f) != 0) {
		fprintf(stderr, "imapconn: %s\n", f.detail);
		rc = fail_exit_code(f.cls);
	} else {
		sig = series_run(&sr);
		if (sig == 0)
			sig = sigwatch_take();
		rc = sig > 0 ? sigwatch_exit_status(sig) : sr.last_fail_exit;
		if (o->json)
			json_summary(&sr, rc);
		else
			repeat_print_summary(sr.stats, out);
	}
	config_wipe(&o->cfg);
	if (sr.cfg != NULL)
		config_wipe(sr.cfg);
	free(sr.cfg);
	stats_free(sr.stats);
	sigwatch_stop();
	return rc;
}
