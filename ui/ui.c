/* ui.c - the terminal interface: made from the table of its screens,
 * then the event loop (keys, session events, a tick only while a
 * countdown shows), the screen changes a connection's life brings, and
 * leaving after LOGOUT. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conn.h"
#include "connlife.h"
#include "formmodel.h"
#include "frame.h"
#include "prompt.h"
#include "reportsave.h"
#include "screen.h"
#include "screens.h"
#include "sigwatch.h"
#include "transcript.h"
#include "ui.h"

#define UI_TICK_MS 100		/* the countdown's refresh */
#define UI_EVENTS_PER_PASS 4096	/* then draw, and go on at once */

/* The write end of the signal pipe: the one thing a handler touches. */
static volatile sig_atomic_t ui_sig_wfd = -1;

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (ui_sig_wfd >= 0 && write(ui_sig_wfd, &c, 1) < 0) {
		/* full pipe: a signal is already waiting */
	}
	errno = saved;
}

/* The screens, by id: the first is where the interface starts. */
static const struct ui_screen *const screens[SCREEN_COUNT] = {
	[SCREEN_FORM] = &connform_screen,
	[SCREEN_PROGRESS] = &progress_screen,
	[SCREEN_BROWSER] = &browser_screen,
	[SCREEN_MBOX] = &mboxview_screen,
	[SCREEN_TLS] = &tlsview_screen,
	[SCREEN_TRANSCRIPT] = &tview_screen,
	[SCREEN_DETECT] = &detectview_screen,
	[SCREEN_EXPORT] = &exportview_screen,
	[SCREEN_TRUST] = &trustview_screen,
	[SCREEN_ACCOUNTS] = &accounts_screen,
	[SCREEN_MONITOR] = &monitor_screen,
};

/* Keys of every screen that shows a connection (conn_keys), the
 * failure screen included: looked up after the screen's own keys, and
 * listed after them. */
static const struct ui_binding conn_bindings[] = {
	{ { 'R' }, "R", "write a report of this connection to a file (no "
	  "password)", reportsave_ask, "report" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

static const struct ui_screen *
shown(const struct ui *ui)
{
	return ui->screens[ui->cur];
}

/* ---------------------------------------------------------------- events */

/* The screens that show what a logged-in session lists. */
static bool
on_session_screen(int id)
{
	return id == SCREEN_BROWSER || id == SCREEN_MBOX;
}

/* Screen changes the connection's life brings. */
static void
route(struct ui *ui, const struct event *ev)
{
	struct conn *c = ui->conn;

	if (ev->type == EV_READY) {
		if (ui->cur == SCREEN_PROGRESS)
			screen_switch(ui, SCREEN_BROWSER);
		else if (ui->back == SCREEN_PROGRESS)
			ui->back = SCREEN_BROWSER;
	}
	/* A certificate the user may choose to trust: ask (the screen
	 * refuses to open when there is nothing to accept). */
	if (ev->type == EV_DONE && c->failed && !c->quitting &&
	    c->fail.cls == FAIL_TLS_VERIFY && ui->cur == SCREEN_PROGRESS)
		screen_switch(ui, SCREEN_TRUST);
	if (ev->type == EV_DONE && c->failed && !c->quitting) {
		if (on_session_screen((int)ui->cur))
			screen_switch(ui, SCREEN_PROGRESS);
		else if (on_session_screen(ui->back))
			ui->back = SCREEN_PROGRESS;
	}
}

/* Take in up to UI_EVENTS_PER_PASS events of c (then draw, and go on
 * at once); those of the current connection the screens see too.  A
 * retiring connection is freed once done. */
static void
drain(struct ui *ui, struct conn *c, bool current)
{
	int n;

	for (n = 0; n < UI_EVENTS_PER_PASS; n++) {
		struct event *ev = conn_pop(c);

		if (ev == NULL)
			break;
		conn_apply(c, ev);
		if (current && shown(ui)->on_event != NULL)
			shown(ui)->on_event(ui, ev);
		if (current)
			route(ui, ev);
		event_free(ev);
	}
	if (n == UI_EVENTS_PER_PASS)
		ui->more_events = true;
	if (n > 0 && current)
		ui->dirty = true;
}

static void
drain_retiring(struct ui *ui)
{
	for (size_t i = 0; i < ui->nretiring;) {
		struct conn *c = ui->retiring[i];

		drain(ui, c, false);
		if (!c->done) {
			i++;
			continue;
		}
		conn_free(c);
		ui->retiring[i] = ui->retiring[--ui->nretiring];
	}
}

/* ------------------------------------------------------------------ keys */

static const struct ui_binding *
find_binding(const struct ui_binding *b, int key)
{
	for (; b != NULL && !UI_BINDING_END(b); b++)
		for (int i = 0; i < 4 && b->keys[i] != 0; i++)
			if (b->keys[i] == key && b->fn != NULL)
				return b;
	return NULL;
}

static bool
too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
}

/* Take what curses keeps drawn off the screen, for every screen. */
static void
hide_all(struct ui *ui)
{
	for (int i = 0; i < SCREEN_COUNT; i++)
		if (ui->screens[i]->hide != NULL)
			ui->screens[i]->hide(ui);
}

static void
on_key(struct ui *ui, int key)
{
	const struct ui_binding *b, *tables[3];

	ui->dirty = true;
	if (key == UI_KEY(KEY_RESIZE)) {
		hide_all(ui);
		return;
	}
	ui->msg[0] = '\0';
	if (ui->help) {
		ui->help = false;
		return;
	}
	if (ui->quitting || too_small()) {
		if (key == 'q' || key == UI_KEY(KEY_F(10)))
			connlife_quit(ui);
		return;
	}
	if (prompt_active(ui->prompt)) {
		prompt_key(ui, key);
		return;
	}
	if (shown(ui)->key != NULL && shown(ui)->key(ui, key))
		return;
	frame_key_tables(ui, tables);
	for (int i = 0; tables[i] != NULL; i++) {
		b = find_binding(tables[i], key);
		if (b != NULL) {
			b->fn(ui);
			return;
		}
	}
	if ((key & UI_FN) == 0 && key >= 0x20)
		frame_message(ui, ROLE_WARN, "that key does nothing here: F1 "
			      "shows the keys of this screen");
}

static void
read_keys(struct ui *ui)
{
	for (;;) {
		wint_t wc;
		int rc = get_wch(&wc);

		if (rc == ERR)
			break;
		on_key(ui, rc == KEY_CODE_YES ? UI_KEY((int)wc) : (int)wc);
		if (ui->leave)
			break;
	}
}

static void
read_signals(struct ui *ui)
{
	char buf[16];

	/* Each byte is a signal: leave with the status --check gives. */
	while (read(ui->sig_fd, buf, sizeof(buf)) > 0) {
		if (ui->exit_status == 0)
			ui->exit_status = sigwatch_exit_status(buf[0]);
		connlife_quit(ui);
	}
}

/* --------------------------------------------------------------- drawing */

static void
draw_small(void)
{
	static const char *const msg[] = {
		"enlarge the terminal to 80x24", "(q quits)"
	};

	erase();
	for (int i = 0; i < 2; i++) {
		int y = LINES / 2 + i, x = (COLS - (int)strlen(msg[i])) / 2;

		if (y < LINES)
			mvaddnstr(y < 0 ? 0 : y, x < 0 ? 0 : x, msg[i], COLS);
	}
	wnoutrefresh(stdscr);
}

static void
draw_all(struct ui *ui)
{
	ui->dirty = false;
	curs_set(0);
	if (too_small()) {
		hide_all(ui);
		draw_small();
		doupdate();
		return;
	}
	/* Each screen clears what it draws over (see frame_draw). */
	touchwin(stdscr);
	shown(ui)->draw(ui);
	/* A question asked over the screen, with the cursor in it. */
	if (prompt_active(ui->prompt))
		prompt_draw(ui);
	wnoutrefresh(stdscr);
	if (ui->help) {
		curs_set(0);
		frame_help(ui);
	}
	doupdate();
}

/* ------------------------------------------------------------------ loop */

/* The descriptor the current screen waits on, or -1. */
static int
screen_fd(struct ui *ui)
{
	return shown(ui)->wake_fd != NULL ? shown(ui)->wake_fd(ui) : -1;
}

static int
poll_timeout(struct ui *ui)
{
	int64_t now = clock_ms();

	if (ui->more_events)
		return 0;
	if (screen_fd(ui) >= 0)
		return UI_TICK_MS;
	if (ui->quitting) {
		int64_t left = ui->quit_deadline - now;

		return left <= 0 ? 0 : left > UI_TICK_MS ? UI_TICK_MS :
		       (int)left;
	}
	if (shown(ui)->ticks != NULL && shown(ui)->ticks(ui))
		return UI_TICK_MS;
	return -1;
}

static void
loop_pass(struct ui *ui)
{
	struct pollfd pfd[4 + UI_RETIRING_MAX];
	nfds_t n = 0;
	int timeout, wake;

	if (ui->dirty)
		draw_all(ui);
	timeout = poll_timeout(ui);
	wake = screen_fd(ui);
	ui->more_events = false;
	pfd[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	pfd[n++] = (struct pollfd){ .fd = ui->sig_fd, .events = POLLIN };
	if (wake >= 0)
		pfd[n++] = (struct pollfd){ .fd = wake, .events = POLLIN };
	if (ui->conn != NULL)
		pfd[n++] = (struct pollfd){ .fd = conn_fd(ui->conn),
					    .events = POLLIN };
	for (size_t i = 0; i < ui->nretiring; i++)
		pfd[n++] = (struct pollfd){ .fd = conn_fd(ui->retiring[i]),
					    .events = POLLIN };
	if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
		ui->leave = true;
		return;
	}
	/* Keys are read on every pass: a resize arrives as EINTR. */
	read_keys(ui);
	read_signals(ui);
	if (ui->conn != NULL)
		drain(ui, ui->conn, true);
	drain_retiring(ui);
	if (shown(ui)->on_wake != NULL)
		shown(ui)->on_wake(ui);
	if ((shown(ui)->ticks != NULL || wake >= 0)
	    && timeout == UI_TICK_MS)
		ui->dirty = true;
	if (ui->quitting && (connlife_all_done(ui)
			     || clock_ms() >= ui->quit_deadline))
		ui->leave = true;
}

/* ----------------------------------------------------------- set up, end */

static int
setup_signals(struct ui *ui, int pipefd[2])
{
	struct sigaction sa;

	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	ui->sig_fd = pipefd[0];
	ui_sig_wfd = pipefd[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

static int
setup_curses(struct ui *ui)
{
	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui->colour = theme_init();
	return 0;
}

/* The form's values, the status-line question and each screen's own
 * data.  0, or -1 when out of memory. */
static int
setup_screens(struct ui *ui)
{
	int rc = 0;

	ui->screens = screens;
	ui->back = -1;
	ui->conn_bindings = conn_bindings;
	ui->form = formmodel_new(ui->o);
	ui->prompt = prompt_new();
	if (ui->form == NULL || ui->prompt == NULL)
		rc = -1;
	for (int i = 0; i < SCREEN_COUNT; i++) {
		const struct ui_screen *s = screens[i];

		if (s->size > 0) {
			ui->data[i] = calloc(1, s->size);
			if (ui->data[i] == NULL) {
				rc = -1;
				continue;
			}
		}
		if (s->init != NULL && s->init(ui) != 0)
			rc = -1;
	}
	return rc;
}

static void
teardown(struct ui *ui)
{
	if (ui->conn != NULL)
		conn_cancel(ui->conn);
	conn_free(ui->conn);
	for (size_t i = 0; i < ui->nretiring; i++)
		conn_free(ui->retiring[i]);
	for (int i = 0; i < SCREEN_COUNT; i++) {
		if (screens[i]->free != NULL && ui->data[i] != NULL)
			screens[i]->free(ui->data[i]);
		free(ui->data[i]);
	}
	formmodel_free(ui->form);
	prompt_free(ui->prompt);
}

/* --transcript: the file, opened before the screen is taken so that
 * an error can be read.  0, or the exit status after saying why. */
static int
open_transcript(const struct options *o, FILE **t)
{
	struct failure f;

	*t = NULL;
	if (o->cfg.transcript_path[0] == '\0')
		return 0;
	*t = transcript_open(o->cfg.transcript_path, &f);
	if (*t != NULL)
		return 0;
	fprintf(stderr, "imapconn: %s\n", f.detail);
	return fail_exit_code(f.cls);
}

static void
start_screen(struct ui *ui)
{
	screen_switch(ui, SCREEN_ACCOUNTS);
	if (ui->cur != SCREEN_ACCOUNTS)
		screen_switch(ui, SCREEN_FORM);
}

int
ui_run(struct options *o)
{
	struct ui *ui;
	int pipefd[2] = { -1, -1 };
	FILE *transcript;
	int rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "imapconn: the interface needs a terminal; "
			"for scripts use --check (see --help)\n");
		config_wipe(&o->cfg);
		return 64;
	}
	rc = open_transcript(o, &transcript);
	if (rc != 0) {
		config_wipe(&o->cfg);
		return rc;
	}
	ui = calloc(1, sizeof(*ui));
	if (ui == NULL || setup_signals(ui, pipefd) != 0) {
		fprintf(stderr, "imapconn: out of resources\n");
		free(ui);
		if (transcript != NULL)
			fclose(transcript);
		config_wipe(&o->cfg);
		return 70;
	}
	ui->o = o;
	ui->transcript = transcript;
	rc = setup_screens(ui);
	/* The form holds the password now; the options keep none. */
	config_wipe(&o->cfg);
	if (rc == 0)
		rc = setup_curses(ui);
	if (rc != 0) {
		fprintf(stderr, "imapconn: cannot start the interface "
			"(TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		ui->exit_status = 70;
	} else {
		/* The accounts when the command line named no host and
		 * the file has some (the screen refuses to open when it
		 * has none); else the form, which connects at once when
		 * the command line said enough. */
		if (o->have_host || o->show_form)
			screen_switch(ui, SCREEN_FORM);
		else
			start_screen(ui);
		while (!ui->leave)
			loop_pass(ui);
		endwin();
	}
	rc = ui->exit_status;
	teardown(ui);
	if (ui->transcript != NULL)
		fclose(ui->transcript);
	ui_sig_wfd = -1;
	close(pipefd[0]);
	close(pipefd[1]);
	free(ui);
	return rc;
}
