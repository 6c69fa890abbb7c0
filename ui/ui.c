/* ui.c - the terminal interface: the event loop (keys, session events,
 * a tick only while a countdown shows), screens and their switching,
 * the frame, the key help, and leaving after LOGOUT. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "browser.h"
#include "clock.h"
#include "conn.h"
#include "connform.h"
#include "detectview.h"
#include "draw.h"
#include "exportview.h"
#include "listview.h"
#include "mboxview.h"
#include "progress.h"
#include "prompt.h"
#include "reportsave.h"
#include "sigwatch.h"
#include "tlsview.h"
#include "transcript.h"
#include "tview.h"
#include "ui.h"
#include "ui_int.h"

#define UI_TICK_MS 100		/* the countdown's refresh */
#define UI_QUIT_MS 3000		/* how long LOGOUT may take on q */
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

int
ui_attr(const struct ui *ui, enum theme_role role)
{
	return theme_attr(ui->colour, role);
}

void
ui_message(struct ui *ui, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_role = role;
	ui->dirty = true;
}

void
ui_switch(struct ui *ui, const struct ui_screen *s)
{
	ui->screen = s;
	ui->help = false;
	if (s->enter != NULL)
		s->enter(ui);
	ui->dirty = true;
}

void
ui_open_view(struct ui *ui, const struct ui_screen *s)
{
	if (ui->screen != &tlsview_screen && ui->screen != &tview_screen)
		ui->back = ui->screen;
	ui_switch(ui, s);
}

void
ui_close_view(struct ui *ui)
{
	ui_switch(ui, ui->back != NULL ? ui->back : &connform_screen);
}

void
ui_show_help(struct ui *ui)
{
	ui->help = true;
	ui->dirty = true;
}

void
ui_show_tls(struct ui *ui)
{
	if (ui->conn == NULL || ui->conn->tls == NULL) {
		ui_message(ui, ROLE_WARN, "no TLS yet on this connection: "
			   "nothing to show");
		return;
	}
	ui_open_view(ui, &tlsview_screen);
}

void
ui_show_transcript(struct ui *ui)
{
	if (ui->conn == NULL) {
		ui_message(ui, ROLE_WARN, "no connection: no transcript");
		return;
	}
	ui_open_view(ui, &tview_screen);
}

static struct listview *
screen_list(struct ui *ui)
{
	return ui->screen->list != NULL ? ui->screen->list(ui) : NULL;
}

void
ui_list_down(struct ui *ui)
{
	if (screen_list(ui) != NULL)
		listview_move(screen_list(ui), 1);
}

void
ui_list_up(struct ui *ui)
{
	if (screen_list(ui) != NULL)
		listview_move(screen_list(ui), -1);
}

void
ui_list_page_down(struct ui *ui)
{
	if (screen_list(ui) != NULL)
		listview_page(screen_list(ui), 1);
}

void
ui_list_page_up(struct ui *ui)
{
	if (screen_list(ui) != NULL)
		listview_page(screen_list(ui), -1);
}

void
ui_list_home(struct ui *ui)
{
	if (screen_list(ui) != NULL)
		listview_home(screen_list(ui));
}

void
ui_list_end(struct ui *ui)
{
	if (screen_list(ui) != NULL)
		listview_end(screen_list(ui));
}

/* ---------------------------------------------------------- connections */

/* Let c end in the background: its events are drained until EV_DONE,
 * then it is freed. */
static void
retire(struct ui *ui, struct conn *c)
{
	if (c == NULL)
		return;
	conn_quit(c);
	if (c->done || ui->nretiring == UI_RETIRING_MAX) {
		conn_free(c);
		return;
	}
	ui->retiring[ui->nretiring++] = c;
}

void
ui_connect(struct ui *ui)
{
	struct conn_config cfg;
	struct failure f;
	char err[512];

	if (connform_config(ui->form, &cfg, err, sizeof(err)) != 0) {
		ui_switch(ui, &connform_screen);
		ui_message(ui, ROLE_FAIL, "%s", err);
		return;
	}
	retire(ui, ui->conn);
	ui->conn = conn_start(&cfg, ui->o, &f);
	config_wipe(&cfg);
	if (ui->conn == NULL) {
		ui_switch(ui, &connform_screen);
		ui_message(ui, ROLE_FAIL, "cannot start: %s", f.detail);
		return;
	}
	/* Every connection of the run goes to the one file, in order. */
	conn_set_transcript(ui->conn, ui->transcript);
	ui->back = NULL;
	ui_switch(ui, &progress_screen);
}

void
ui_edit(struct ui *ui)
{
	retire(ui, ui->conn);
	ui->conn = NULL;
	ui->back = NULL;
	ui_switch(ui, &connform_screen);
}

void
ui_quit(struct ui *ui)
{
	if (ui->quitting) {
		ui->leave = true;	/* a second q: do not wait */
		return;
	}
	ui->quitting = true;
	ui->quit_deadline = clock_ms() + UI_QUIT_MS;
	if (ui->conn != NULL)
		conn_quit(ui->conn);
	for (size_t i = 0; i < ui->nretiring; i++)
		conn_cancel(ui->retiring[i]);
	ui_message(ui, ROLE_RUNNING, "logging out...");
}

static bool
all_done(const struct ui *ui)
{
	return (ui->conn == NULL || ui->conn->done) && ui->nretiring == 0;
}

/* ---------------------------------------------------------------- events */

static bool
on_session_screen(const struct ui_screen *s)
{
	return s == &browser_screen || s == &mboxview_screen;
}

/* Screen changes the connection's life brings. */
static void
route(struct ui *ui, const struct event *ev)
{
	struct conn *c = ui->conn;

	if (ev->type == EV_READY) {
		if (ui->screen == &progress_screen)
			ui_switch(ui, &browser_screen);
		else if (ui->back == &progress_screen)
			ui->back = &browser_screen;
	}
	if (ev->type == EV_DONE && c->failed && !c->quitting) {
		if (on_session_screen(ui->screen))
			ui_switch(ui, &progress_screen);
		else if (on_session_screen(ui->back))
			ui->back = &progress_screen;
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
		if (current && ui->screen->on_event != NULL)
			ui->screen->on_event(ui, ev);
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

/* Keys of every screen that shows a connection (the form and the
 * detection show none), the failure screen included: looked up after
 * the screen's own keys, and listed after them. */
static const struct ui_binding conn_bindings[] = {
	{ { 'R' }, "R", "write a report of this connection to a file (no "
	  "password)", reportsave_ask, "report" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

/* The key tables of the current screen, its own first; NULL ends. */
static void
key_tables(const struct ui *ui, const struct ui_binding *t[3])
{
	bool conn_screen = ui->screen != &connform_screen
			   && ui->screen != &detectview_screen;

	t[0] = ui->screen->bindings_now != NULL ?
	       ui->screen->bindings_now(ui) : ui->screen->bindings;
	t[1] = conn_screen ? conn_bindings : NULL;
	t[2] = NULL;
}

static bool
too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
}

static void
on_key(struct ui *ui, int key)
{
	const struct ui_binding *b, *tables[3];

	ui->dirty = true;
	if (key == UI_KEY(KEY_RESIZE)) {
		connform_hide(ui->form);
		return;
	}
	ui->msg[0] = '\0';
	if (ui->help) {
		ui->help = false;
		return;
	}
	if (ui->quitting || too_small()) {
		if (key == 'q' || key == UI_KEY(KEY_F(10)))
			ui_quit(ui);
		return;
	}
	if (prompt_active(ui->prompt)) {
		prompt_key(ui, key);
		return;
	}
	if (ui->screen->key != NULL && ui->screen->key(ui, key))
		return;
	key_tables(ui, tables);
	for (int i = 0; tables[i] != NULL; i++) {
		b = find_binding(tables[i], key);
		if (b != NULL) {
			b->fn(ui);
			return;
		}
	}
	if ((key & UI_FN) == 0 && key >= 0x20)
		ui_message(ui, ROLE_WARN, "that key does nothing here: F1 "
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
		ui_quit(ui);
	}
}

/* --------------------------------------------------------------- drawing */

/* The briefs of one key table from column x of row y; returns the
 * column after them. */
static int
draw_briefs(struct ui *ui, const struct ui_binding *b, int y, int x)
{
	int width = COLS, st = ui_attr(ui, ROLE_STATUS);

	for (; b != NULL && !UI_BINDING_END(b) && x < width; b++) {
		if (b->brief == NULL || b->name == NULL)
			continue;
		x += 1 + draw_text(stdscr, y, x + 1, width - x - 1, b->name,
				   ui_attr(ui, ROLE_KEY));
		x += 1 + draw_text(stdscr, y, x + 1, width - x - 1, b->brief,
				   st);
		x++;
	}
	return x;
}

static void
draw_status(struct ui *ui, int y)
{
	const struct ui_binding *tables[3];
	int x = 0;

	draw_fill(stdscr, y, 0, COLS, ui_attr(ui, ROLE_STATUS));
	if (ui->msg[0] != '\0') {
		draw_text_fill(stdscr, y, 0, COLS, ui->msg,
			       ui_attr(ui, ui->msg_role) | A_REVERSE);
		return;
	}
	key_tables(ui, tables);
	for (int i = 0; tables[i] != NULL; i++)
		x = draw_briefs(ui, tables[i], y, x);
}

void
ui_draw_frame(struct ui *ui, const char *title)
{
	erase();
	ui_draw_bars(ui, title);
}

void
ui_draw_bars(struct ui *ui, const char *title)
{
	int attr = ui_attr(ui, ROLE_TITLE);
	int n;

	draw_fill(stdscr, 0, 0, COLS, attr);
	n = draw_text(stdscr, 0, 1, COLS - 2, "imapconn", attr | A_BOLD);
	draw_text(stdscr, 0, n + 3, COLS - n - 4, title, attr);
	draw_status(ui, LINES - 1);
}

#define HELP_NAME_COL 2
#define HELP_TEXT_COL 16

/* Lines the help of the key tables takes in a popup width wide, and
 * the entries it lists. */
static int
help_lines(const struct ui_binding *const *tables, int width, int *keys)
{
	const struct ui_binding *b;
	int n = 0;

	*keys = 0;
	for (int i = 0; tables[i] != NULL; i++)
		for (b = tables[i]; !UI_BINDING_END(b); b++) {
			if (b->name == NULL)
				continue;
			n += draw_wrapped_lines(b->help, width -
						HELP_TEXT_COL - 2);
			(*keys)++;
		}
	return n;
}

/* The entries from rows 1 to last of w (wrapped, the last one cut with
 * an ellipsis when the rows run out); the entries left out. */
static int
help_entries(WINDOW *w, const struct ui_binding *const *tables,
	     int width, int last)
{
	const struct ui_binding *b;
	int y = 1, shown = 0, keys, tw = width - HELP_TEXT_COL - 2;

	help_lines(tables, width, &keys);
	for (int i = 0; tables[i] != NULL; i++)
		for (b = tables[i]; !UI_BINDING_END(b) && y <= last; b++) {
			if (b->name == NULL)
				continue;
			draw_text(w, y, HELP_NAME_COL, HELP_TEXT_COL -
				  HELP_NAME_COL - 1, b->name, A_BOLD);
			y += draw_wrapped(w, y, HELP_TEXT_COL, tw,
					  last - y + 1, b->help, 0);
			shown++;
		}
	return keys - shown;
}

/* The keys of the current screen in a popup as wide as the terminal
 * allows, each help wrapped; what does not fit is marked cut. */
static void
draw_help(struct ui *ui)
{
	const struct ui_binding *tables[3];
	int width = COLS - 4, height, keys, left;
	WINDOW *w;

	key_tables(ui, tables);
	height = help_lines(tables, width, &keys) + 4;
	if (height > LINES - 2)
		height = LINES - 2;
	w = newwin(height, width, (LINES - height) / 2, (COLS - width) / 2);
	if (w == NULL)
		return;
	werase(w);
	box(w, 0, 0);
	draw_textf(w, 0, 2, width - 4, ui_attr(ui, ROLE_HEADING),
		   " keys: %s ", ui->screen->title);
	left = help_entries(w, tables, width, height - 3);
	if (left > 0)
		draw_textf(w, height - 2, 2, width - 4, ui_attr(ui, ROLE_WARN),
			   "%s %d more (a taller terminal shows them); any "
			   "key closes this help", draw_ellipsis(), left);
	else
		draw_text(w, height - 2, 2, width - 4, "any key closes this "
			  "help", ui_attr(ui, ROLE_DIM));
	wnoutrefresh(w);
	delwin(w);
}

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
		connform_hide(ui->form);
		draw_small();
		doupdate();
		return;
	}
	/* Each screen clears what it draws over (see ui_draw_frame). */
	touchwin(stdscr);
	ui->screen->draw(ui);
	/* A question asked over the screen, with the cursor in it. */
	if (prompt_active(ui->prompt))
		prompt_draw(ui);
	wnoutrefresh(stdscr);
	if (ui->help) {
		curs_set(0);
		draw_help(ui);
	}
	doupdate();
}

/* ------------------------------------------------------------------ loop */

/* The descriptor the current screen waits on, or -1. */
static int
screen_fd(struct ui *ui)
{
	return ui->screen->wake_fd != NULL ? ui->screen->wake_fd(ui) : -1;
}

static int
poll_timeout(struct ui *ui)
{
	int64_t now = clock_ms(), total;

	if (ui->more_events)
		return 0;
	if (screen_fd(ui) >= 0)
		return UI_TICK_MS;
	if (ui->quitting) {
		int64_t left = ui->quit_deadline - now;

		return left <= 0 ? 0 : left > UI_TICK_MS ? UI_TICK_MS :
		       (int)left;
	}
	if (ui->screen == &progress_screen && ui->conn != NULL
	    && conn_wait_left(ui->conn, now, &total) >= 0)
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
	if (ui->screen->on_wake != NULL)
		ui->screen->on_wake(ui);
	if ((ui->screen == &progress_screen || wake >= 0)
	    && timeout == UI_TICK_MS)
		ui->dirty = true;
	if (ui->quitting && (all_done(ui) || clock_ms() >= ui->quit_deadline))
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

static int
setup_screens(struct ui *ui)
{
	ui->form = connform_new(ui->o);
	ui->progress = progress_new();
	ui->browser = browser_new();
	ui->mbox = mboxview_new();
	ui->tlsview = tlsview_new();
	ui->tview = tview_new();
	ui->prompt = prompt_new();
	ui->detect = detectview_new();
	ui->exportview = exportview_new();
	if (ui->form == NULL || ui->progress == NULL || ui->browser == NULL
	    || ui->mbox == NULL || ui->tlsview == NULL || ui->tview == NULL
	    || ui->prompt == NULL || ui->detect == NULL
	    || ui->exportview == NULL)
		return -1;
	return 0;
}

static void
teardown(struct ui *ui)
{
	if (ui->conn != NULL)
		conn_cancel(ui->conn);
	conn_free(ui->conn);
	for (size_t i = 0; i < ui->nretiring; i++)
		conn_free(ui->retiring[i]);
	connform_free(ui->form);
	progress_free(ui->progress);
	browser_free(ui->browser);
	mboxview_free(ui->mbox);
	tlsview_free(ui->tlsview);
	tview_free(ui->tview);
	prompt_free(ui->prompt);
	detectview_free(ui->detect);
	exportview_free(ui->exportview);
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
		ui_switch(ui, &connform_screen);
		if (connform_ready(ui->form))
			ui_connect(ui);
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
