/* plugin.c - --plugin: one connection judged against thresholds, one
 * status line and performance data, exit 0-3. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_int.h"
#include "password.h"
#include "plugin.h"
#include "run.h"
#include "sigwatch.h"
#include "stats.h"

static const char *const status_names[] = {
	[PLUGIN_OK] = "OK",
	[PLUGIN_WARNING] = "WARNING",
	[PLUGIN_CRITICAL] = "CRITICAL",
	[PLUGIN_UNKNOWN] = "UNKNOWN",
};

bool
plugin_asked(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--plugin") == 0)
			return true;
	}
	return false;
}

/* s with '|' (which starts the performance data) and control
 * characters replaced, so that it stays the text of one line. */
static void
plugin_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '|' || (unsigned char)*s < 0x20 ? '/' : *s, out);
}

int
plugin_usage_error(const char *why, FILE *out)
{
	fputs("IMAP UNKNOWN - ", out);
	plugin_text(out, why);
	fputc('\n', out);
	return PLUGIN_UNKNOWN;
}

/* Append "; " and the printf-formatted text to why. */
static void add_why(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add_why(char *why, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	if (n > 0 && n < cap)
		n += (size_t)snprintf(why + n, cap - n, "; ");
	if (n >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(why + n, cap - n, fmt, ap);
	va_end(ap);
}

static enum plugin_status
judge_failure(const struct failure *f, char *why, size_t cap)
{
	bool ours = f->cls == FAIL_USAGE || f->cls == FAIL_INPUT
		    || f->cls == FAIL_CANCELLED || f->cls == FAIL_INTERNAL;

	if (f->phase == PHASE_NONE)
		snprintf(why, cap, "before connecting (%s): %s",
			 fail_class_name(f->cls), f->detail);
	else
		snprintf(why, cap, "failed in %s (%s): %s",
			 phase_name(f->phase), fail_class_name(f->cls),
			 f->detail);
	return ours ? PLUGIN_UNKNOWN : PLUGIN_CRITICAL;
}

static enum plugin_status
judge_cert(const struct options *o, const struct stats_run *one,
	   char *why, size_t cap)
{
	if (!o->have_cert_days || !one->have_cert)
		return PLUGIN_OK;
	if (one->cert_days < o->cert_crit_days) {
		add_why(why, cap, "certificate %ld days left, fewer than "
			"%ld", one->cert_days, o->cert_crit_days);
		return PLUGIN_CRITICAL;
	}
	if (one->cert_days < o->cert_warn_days) {
		add_why(why, cap, "certificate %ld days left, fewer than "
			"%ld", one->cert_days, o->cert_warn_days);
		return PLUGIN_WARNING;
	}
	return PLUGIN_OK;
}

static enum plugin_status
worse(enum plugin_status a, enum plugin_status b)
{
	return a > b ? a : b;
}

enum plugin_status
plugin_judge(const struct options *o, const struct stats_run *one,
	     const struct failure *f, char *why, size_t cap)
{
	enum plugin_status st = PLUGIN_OK;

	why[0] = '\0';
	if (one->failed)
		return judge_failure(f, why, cap);
	if (o->crit_ms != 0 && one->total_ms > o->crit_ms) {
		add_why(why, cap, "total %lld ms above %ld ms",
			(long long)one->total_ms, o->crit_ms);
		st = PLUGIN_CRITICAL;
	} else if (o->warn_ms != 0 && one->total_ms > o->warn_ms) {
		add_why(why, cap, "total %lld ms above %ld ms",
			(long long)one->total_ms, o->warn_ms);
		st = PLUGIN_WARNING;
	}
	for (int p = PHASE_NONE + 1; p < PHASE_COUNT; p++) {
		if (o->warn_phase_ms[p] == 0
		    || one->ms[p] <= o->warn_phase_ms[p])
			continue;
		add_why(why, cap, "%s %lld ms above %ld ms",
			phase_name((enum phase)p), (long long)one->ms[p],
			o->warn_phase_ms[p]);
		st = worse(st, PLUGIN_WARNING);
	}
	return worse(st, judge_cert(o, one, why, cap));
}

/* The threshold of a performance value: "" when none. */
static void
perf_limit(char *buf, size_t cap, long v)
{
	if (v == 0)
		buf[0] = '\0';
	else
		snprintf(buf, cap, "%ld", v);
}

/* Performance data: each phase that ran in ms, the whole connection,
 * and the certificate's days left ("30:": fewer is a problem). */
static void
print_perfdata(const struct options *o, const struct stats_run *one,
	       FILE *out)
{
	char w[24], c[24];

	fputs(" |", out);
	for (int p = PHASE_NONE + 1; p < PHASE_COUNT; p++) {
		if (one->ms[p] < 0)
			continue;
		perf_limit(w, sizeof(w), o->warn_phase_ms[p]);
		fprintf(out, " %s=%lldms;%s;;0;", phase_name((enum phase)p),
			(long long)one->ms[p], w);
	}
	perf_limit(w, sizeof(w), o->warn_ms);
	perf_limit(c, sizeof(c), o->crit_ms);
	fprintf(out, " total=%lldms;%s;%s;0;", (long long)one->total_ms, w,
		c);
	if (!one->have_cert)
		return;
	if (o->have_cert_days)
		fprintf(out, " cert_days=%ld;%ld:;%ld:;;", one->cert_days,
			o->cert_warn_days, o->cert_crit_days);
	else
		fprintf(out, " cert_days=%ld;;;;", one->cert_days);
}

/* What the connection did, when it did it well: "greeted", "logged
 * in, listed 12 mailboxes, opened INBOX". */
static void
print_done(const struct options *o, const struct run *rec,
	   const struct stats_run *one, FILE *out)
{
	const struct endpoint *ep = &o->cfg.ep;

	plugin_text(out, ep->host[0] ? ep->host : "tunnel");
	fputs(one->ms[PHASE_AUTH] >= 0 ? ": logged in" : ": greeted", out);
	if (one->ms[PHASE_LIST] >= 0)
		fprintf(out, ", listed %zu mailbox%s", rec->listed,
			rec->listed == 1 ? "" : "es");
	if (one->ms[PHASE_SELECT] >= 0) {
		fputs(", opened ", out);
		plugin_text(out, o->cfg.select);
	}
	fprintf(out, " in %lld ms", (long long)one->total_ms);
}

static void
print_status(const struct options *o, const struct run *rec,
	     const struct stats_run *one, enum plugin_status st,
	     const char *why, FILE *out)
{
	fprintf(out, "IMAP %s - ", status_names[st]);
	if (why[0] != '\0')
		plugin_text(out, why);
	else
		print_done(o, rec, one, out);
	print_perfdata(o, one, out);
	fputc('\n', out);
}

/* The connection into rec; its signal, or 0. */
static int
plugin_connect(struct options *o, FILE *out, struct run *rec)
{
	struct check_run run;
	struct failure f;

	cli_run_quiet(&run, o, out, rec);
	if (o->cfg.user[0] != '\0'
	    && password_obtain(o, &o->cfg, isatty(STDIN_FILENO), &f) != 0)
		run_fail(rec, &f);
	else
		cli_connect(&run, &o->cfg);
	return run.signal != 0 ? run.signal : sigwatch_take();
}

int
plugin_check(struct options *o, FILE *out)
{
	struct stats_run one;
	enum plugin_status st;
	char why[FAIL_DETAIL_MAX + 128];
	struct run *rec = run_new(&o->cfg, 0);

	if (rec == NULL) {
		config_wipe(&o->cfg);
		return plugin_usage_error("out of memory", out);
	}
	o->cfg.transcript = false;	/* nothing reads the lines */
	sigwatch_start();
	if (plugin_connect(o, out, rec) != 0) {
		snprintf(why, sizeof(why), "stopped by a signal");
		st = PLUGIN_UNKNOWN;
		stats_run_from(rec, (int64_t)time(NULL), &one);
	} else {
		stats_run_from(rec, (int64_t)time(NULL), &one);
		st = plugin_judge(o, &one, &rec->failure, why, sizeof(why));
	}
	config_wipe(&o->cfg);
	print_status(o, rec, &one, st, why, out);
	run_free(rec);
	sigwatch_stop();
	return (int)st;
}
