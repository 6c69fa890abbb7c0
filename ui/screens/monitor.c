/* monitor.c - the monitor screen: the form's connection made again and
 * again at an interval, a line per phase with a chart of the last runs,
 * its median and 95th percentile, the failures marked and listed with
 * their hints.  Space pauses, + and - change the interval, R writes
 * every run's timings and the summary to a file. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "clock.h"
#include "connlife.h"
#include "draw.h"
#include "formmodel.h"
#include "frame.h"
#include "prompt.h"
#include "repeat.h"
#include "run.h"
#include "savefile.h"
#include "screen.h"
#include "screens.h"
#include "session.h"
#include "stats.h"

#define NAME_W 15		/* the phase's name */
#define FIGURES_W 30		/* median, p95 and failures */
#define INTERVAL_MIN_MS 100
#define INTERVAL_MAX_MS 3600000

struct monitor {
	struct conn_config *cfg;	/* with the password, owned */
	struct stats *stats;
	struct event_queue *q;		/* the run under way, or NULL */
	struct session *s;
	struct run *rec;
	bool paused;
	int64_t interval_ms;
	int64_t next_at;		/* clock_ms() of the next run */
};

static struct monitor *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_MONITOR);
}

/* Stop the run under way and forget it. */
static void
end_run(struct monitor *m)
{
	if (m->s != NULL)
		session_cancel(m->s);
	session_free(m->s);
	event_queue_free(m->q);
	run_free(m->rec);
	m->s = NULL;
	m->q = NULL;
	m->rec = NULL;
}

static void
drop_cfg(struct monitor *m)
{
	if (m->cfg != NULL)
		config_wipe(m->cfg);
	free(m->cfg);
	m->cfg = NULL;
}

static void
monitor_free(void *data)
{
	struct monitor *m = data;

	end_run(m);
	drop_cfg(m);
	stats_free(m->stats);
}

/* The form's settings, taken once: the runs all use them.  Refuses
 * (saying why) when the form cannot make a connection. */
static int
monitor_open(struct ui *ui)
{
	struct monitor *m = self(ui);
	char err[512];

	end_run(m);
	drop_cfg(m);
	stats_free(m->stats);
	m->stats = stats_new();
	m->cfg = malloc(sizeof(*m->cfg));
	if (m->stats == NULL || m->cfg == NULL) {
		frame_message(ui, ROLE_FAIL, "out of memory");
		return -1;
	}
	if (formmodel_config(ui->form, m->cfg, err, sizeof(err)) != 0) {
		drop_cfg(m);
		frame_message(ui, ROLE_FAIL, "cannot monitor: %s", err);
		return -1;
	}
	m->cfg->stay_open = false;
	m->paused = false;
	m->interval_ms = (int64_t)(ui->o->interval_s * 1000 + 0.5);
	m->next_at = clock_ms();
	return 0;
}

/* The run under way ended: its timings kept. */
static void
finish_run(struct monitor *m)
{
	struct stats_run one;

	stats_run_from(m->rec, (int64_t)time(NULL), &one);
	stats_add(m->stats, &one, m->rec->failed ? &m->rec->failure : NULL);
	end_run(m);
	m->next_at = clock_ms() + m->interval_ms;
}

static void
start_run(struct monitor *m)
{
	struct failure f;

	m->q = event_queue_new();
	m->rec = run_new(m->cfg, 0);
	if (m->q != NULL && m->rec != NULL)
		m->s = session_start(m->cfg, m->q, &f);
	else
		fail_set(&f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
	if (m->s != NULL)
		return;
	if (m->rec != NULL) {
		run_fail(m->rec, &f);
		finish_run(m);
	} else {
		end_run(m);
		m->next_at = clock_ms() + m->interval_ms;
	}
}

static void
drain(struct monitor *m)
{
	struct event *ev;
	bool done = false;

	while (!done && (ev = event_queue_pop(m->q)) != NULL) {
		run_apply(m->rec, ev);
		done = ev->type == EV_DONE;
		event_free(ev);
	}
	if (done)
		finish_run(m);
}

static int
monitor_wake_fd(struct ui *ui)
{
	struct monitor *m = self(ui);

	return m->q != NULL ? event_queue_fd(m->q) : -1;
}

/* After each pass: the events of the run under way, or the next run
 * when its time came. */
static void
monitor_on_wake(struct ui *ui)
{
	struct monitor *m = self(ui);
	size_t before = m->stats != NULL ? stats_runs(m->stats) : 0;

	if (m->cfg == NULL)
		return;
	if (m->q != NULL)
		drain(m);
	else if (!m->paused && clock_ms() >= m->next_at)
		start_run(m);
	if (stats_runs(m->stats) != before)
		ui->dirty = true;
}

static bool
monitor_ticks(const struct ui *ui)
{
	const struct monitor *m = self(ui);

	return m->cfg != NULL && !m->paused;
}

/* ------------------------------------------------------------ drawing */

/* Eight heights of a bar, lowest first. */
static const char *
level_mark(int level)
{
	static const char *const blocks[] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char *const ascii[] = {
		".", ":", "-", "=", "+", "*", "#", "@",
	};

	if (level < 0)
		level = 0;
	if (level > 7)
		level = 7;
	return wcwidth(L'\u2581') == 1 ? blocks[level] : ascii[level];
}

/* Run r's time for phase p (PHASE_NONE: the whole connection), -1
 * when it did not end well; *failed when it failed there. */
static int64_t
run_ms(const struct stats_run *r, enum phase p, bool *failed)
{
	if (p == PHASE_NONE) {
		*failed = r->failed;
		return r->failed ? -1 : r->total_ms;
	}
	*failed = r->failed && r->fail_phase == p;
	return *failed ? -1 : r->ms[p];
}

/* The chart of phase p over the last width runs, the newest right. */
static void
draw_chart(struct ui *ui, int y, int x, int width, enum phase p)
{
	const struct monitor *m = self(ui);
	size_t n = stats_kept(m->stats);
	size_t first = n > (size_t)width ? n - (size_t)width : 0;
	int64_t top = 1;
	bool failed;

	for (size_t i = first; i < n; i++) {
		int64_t ms = run_ms(stats_run(m->stats, i), p, &failed);

		if (ms > top)
			top = ms;
	}
	for (size_t i = first; i < n; i++) {
		int64_t ms = run_ms(stats_run(m->stats, i), p, &failed);
		int col = x + (int)(i - first);

		if (failed)
			draw_text(stdscr, y, col, 1, "x",
				  frame_attr(ui, ROLE_FAIL));
		else if (ms >= 0)
			draw_text(stdscr, y, col, 1,
				  level_mark((int)(ms * 7 / top)),
				  frame_attr(ui, ROLE_OK));
	}
}

static void
draw_phase(struct ui *ui, int y, enum phase p,
	   const struct stats_summary *s)
{
	int chart_w = COLS - NAME_W - FIGURES_W - 4;

	draw_text(stdscr, y, 2, NAME_W, p == PHASE_NONE ? "total" :
		  phase_name(p), frame_attr(ui, ROLE_NORMAL));
	if (chart_w > 0)
		draw_chart(ui, y, 2 + NAME_W, chart_w, p);
	draw_textf(stdscr, y, COLS - FIGURES_W, FIGURES_W,
		   frame_attr(ui, s->failed ? ROLE_FAIL : ROLE_NORMAL),
		   "%7lld %7lld %7zu", (long long)s->median,
		   (long long)s->p95, s->failed);
}

/* The header line: what is monitored, how often, how it went. */
static void
draw_header(struct ui *ui)
{
	const struct monitor *m = self(ui);
	const struct endpoint *ep = &m->cfg->ep;
	int64_t left = m->next_at - clock_ms();
	char state[64];

	if (m->paused)
		snprintf(state, sizeof(state), "PAUSED");
	else if (m->q != NULL)
		snprintf(state, sizeof(state), "connecting...");
	else
		snprintf(state, sizeof(state), "next in %.1f s",
			 (double)(left > 0 ? left : 0) / 1000);
	draw_textf(stdscr, 2, 2, COLS - 4, frame_attr(ui, ROLE_NORMAL),
		   "%s port %u, every %.1f s: %zu runs, %zu ok, %zu failed; "
		   "%s", ep->host[0] ? ep->host : "(tunnel)",
		   endpoint_port(ep), (double)m->interval_ms / 1000,
		   stats_runs(m->stats),
		   stats_runs(m->stats) - stats_failed(m->stats),
		   stats_failed(m->stats), state);
	draw_textf(stdscr, 4, 2, COLS - 4, frame_attr(ui, ROLE_HEADING),
		   "%-*s%-*s%7s %7s %7s", NAME_W, "phase",
		   COLS - NAME_W - FIGURES_W - 4, "last runs (newest right, "
		   "x failed)", "median", "p95", "failed");
}

/* The failures, newest first, each with its hint, down to last. */
static void
draw_failures(struct ui *ui, int y, int last)
{
	const struct monitor *m = self(ui);
	size_t n = 0;

	while (stats_fail(m->stats, n) != NULL)
		n++;
	if (n == 0 || y > last)
		return;
	draw_text(stdscr, y++, 2, COLS - 4, "failures",
		  frame_attr(ui, ROLE_HEADING));
	for (size_t i = n; i-- > 0 && y <= last;) {
		const struct stats_fail *f = stats_fail(m->stats, i);

		draw_textf(stdscr, y++, 2, COLS - 4, frame_attr(ui, ROLE_FAIL),
			   "run %u: %s (%s): %s", f->number,
			   f->phase == PHASE_NONE ? "setup" :
			   phase_name(f->phase), fail_class_name(f->cls),
			   f->detail);
		if (f->hint[0] != '\0' && y <= last)
			y += draw_wrapped(stdscr, y, 4, COLS - 6,
					  last - y + 1, f->hint,
					  frame_attr(ui, ROLE_DIM));
	}
}

static void
monitor_draw(struct ui *ui)
{
	const struct monitor *m = self(ui);
	int y = 5;

	frame_draw(ui, "monitor");
	if (m->cfg == NULL || m->stats == NULL)
		return;
	draw_header(ui);
	for (int p = PHASE_NONE + 1; p <= PHASE_COUNT; p++) {
		enum phase ph = p == PHASE_COUNT ? PHASE_NONE : (enum phase)p;
		struct stats_summary s;

		if (y >= LINES - 2)
			break;
		if (stats_summary(m->stats, ph, &s) != 0 || s.count == 0)
			continue;
		draw_phase(ui, y++, ph, &s);
	}
	draw_failures(ui, y + 1, LINES - 2);
}

/* --------------------------------------------------------------- keys */

static void
toggle_pause(struct ui *ui)
{
	struct monitor *m = self(ui);

	m->paused = !m->paused;
	if (!m->paused && m->next_at < clock_ms())
		m->next_at = clock_ms();
	ui->dirty = true;
}

static void
change_interval(struct ui *ui, bool longer)
{
	struct monitor *m = self(ui);
	int64_t ms = longer ? m->interval_ms * 2 : m->interval_ms / 2;

	if (ms < INTERVAL_MIN_MS)
		ms = INTERVAL_MIN_MS;
	if (ms > INTERVAL_MAX_MS)
		ms = INTERVAL_MAX_MS;
	m->next_at += ms - m->interval_ms;
	m->interval_ms = ms;
	ui->dirty = true;
}

static void
interval_longer(struct ui *ui)
{
	change_interval(ui, true);
}

static void
interval_shorter(struct ui *ui)
{
	change_interval(ui, false);
}

static int
save_runs(struct ui *ui, const char *path, bool overwrite)
{
	const struct monitor *m = self(ui);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;

	if (mem == NULL) {
		frame_message(ui, ROLE_FAIL, "out of memory: nothing written");
		return -1;
	}
	repeat_print_runs(m->stats, mem);
	repeat_print_summary(m->stats, mem);
	if (fclose(mem) != 0) {
		free(text);
		frame_message(ui, ROLE_FAIL, "out of memory: nothing written");
		return -1;
	}
	rc = prompt_write(ui, path, overwrite, text, len, 0600,
			  "the runs' timings");
	free(text);
	return rc;
}

static void
ask_report(struct ui *ui)
{
	const struct monitor *m = self(ui);
	char path[CONFIG_HOST_MAX + 64];

	if (m->stats == NULL || stats_runs(m->stats) == 0) {
		frame_message(ui, ROLE_WARN, "no run to report on yet");
		return;
	}
	savefile_default_name("monitor", m->cfg->ep.host, "txt", path,
			      sizeof(path));
	prompt_save(ui, "write every run's timings (mode 600) to", path,
		    save_runs);
}

/* Esc: the runs stop; the view returns where it was opened. */
static void
leave(struct ui *ui)
{
	struct monitor *m = self(ui);

	end_run(m);
	drop_cfg(m);
	screen_close_view(ui);
}

static void
quit(struct ui *ui)
{
	end_run(self(ui));
	connlife_quit(ui);
}

static const struct ui_binding monitor_bindings[] = {
	{ { ' ' }, "Space", "pause or go on", toggle_pause, "pause" },
	{ { '+' }, "+", "twice the interval", interval_longer, "slower" },
	{ { '-' }, "-", "half the interval", interval_shorter, "faster" },
	{ { 'R' }, "R", "write every run's timings and the summary to a "
	  "file (no password)", ask_report, "report" },
	{ { UI_ESC }, "Esc", "stop and go back", leave, "back" },
	UI_HELP_BINDING,
	{ { 'q' }, "q", "quit", quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen monitor_screen = {
	.title = "monitor",
	.size = sizeof(struct monitor),
	.free = monitor_free,
	.open = monitor_open,
	.draw = monitor_draw,
	.bindings = monitor_bindings,
	.wake_fd = monitor_wake_fd,
	.on_wake = monitor_on_wake,
	.ticks = monitor_ticks,
	.view = true,
};
