/* progress.c - the progress screen: phases, attempts, countdown,
 * security line, capabilities and what TLS changed in them, the
 * server's ID, notes and the failure with its hint. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capdiff.h"
#include "clock.h"
#include "conn.h"
#include "connlife.h"
#include "draw.h"
#include "frame.h"
#include "listview.h"
#include "screen.h"
#include "screens.h"
#include "server_id.h"

#define COL_LABEL 2
#define COL_STATE 29
#define COL_TIME 37
#define COL_DETAIL 48
#define CAPS_LINES 2
#define NOTES_SHOWN 4

struct progress {
	struct listview lv;	/* the rows, scroll-only */
};

static const char *const phase_labels[PHASE_COUNT] = {
	[PHASE_NONE] = "Start",
	[PHASE_RESOLVE] = "Resolve the name",
	[PHASE_CONNECT] = "Connect (TCP)",
	[PHASE_TUNNEL] = "Start the tunnel command",
	[PHASE_TLS] = "TLS handshake",
	[PHASE_GREETING] = "Greeting",
	[PHASE_CAPABILITY] = "Capabilities",
	[PHASE_STARTTLS] = "STARTTLS + TLS handshake",
	[PHASE_CAPABILITY_TLS] = "Capabilities over TLS",
	[PHASE_AUTH] = "Log in",
	[PHASE_LIST] = "List mailboxes",
	[PHASE_SELECT] = "Open mailbox",
	[PHASE_LOGOUT] = "Log out",
	[PHASE_TUNNEL_EXIT] = "Tunnel command exit",
};

static const enum theme_role state_roles[CONN_STATE_COUNT] = {
	[CONN_WAITING] = ROLE_DIM,
	[CONN_RUNNING] = ROLE_RUNNING,
	[CONN_OK] = ROLE_OK,
	[CONN_FAILED] = ROLE_FAIL,
	[CONN_SKIPPED] = ROLE_DIM,
};

static const enum theme_role security_roles[] = {
	[CONN_SEC_PENDING] = ROLE_DIM,
	[CONN_SEC_VERIFIED] = ROLE_OK,
	[CONN_SEC_UNVERIFIED] = ROLE_FAIL,
	[CONN_SEC_PLAIN] = ROLE_FAIL,
	[CONN_SEC_FAILED] = ROLE_FAIL,
};

static struct progress *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_PROGRESS);
}

/* A wait's countdown shows: redrawn every tick. */
static bool
progress_ticks(const struct ui *ui)
{
	int64_t total;

	return ui->conn != NULL
	       && conn_wait_left(ui->conn, clock_ms(), &total) >= 0;
}

static void
progress_enter(struct ui *ui)
{
	listview_init(&self(ui)->lv, true);
}

/* The detail of the running phase: its countdown, as text and bar (the
 * whole sentence is under the rows, see draw_waiting). */
static void
draw_countdown(struct ui *ui, const struct conn_row *r, int y, int x,
	       int width)
{
	const struct conn *c = ui->conn;
	int64_t total, left = conn_wait_left(c, clock_ms(), &total);
	int n;

	if (left < 0 || c->wait_phase != r->phase) {
		draw_text(stdscr, y, x, width, r->text, 0);
		return;
	}
	if (r->phase == PHASE_LIST && c->listed > 0)
		n = draw_textf(stdscr, y, x, width,
			       frame_attr(ui, ROLE_RUNNING),
			       "%zu listed, %lld s ", c->listed,
			       (long long)((left + 999) / 1000));
	else
		n = draw_textf(stdscr, y, x, width,
			       frame_attr(ui, ROLE_RUNNING), "%lld s left ",
			       (long long)((left + 999) / 1000));
	if (width - n >= 6)
		draw_bar(stdscr, y, x + n, width - n > 20 ? 20 : width - n,
			 (double)left / (double)total,
			 frame_attr(ui, ROLE_CURSOR),
			 frame_attr(ui, ROLE_DIM));
}

/* "waiting for the greeting: 27 s left, 117 s in all" while a phase
 * waits (the second figure: the bound on the whole connection). */
static void
draw_waiting(struct ui *ui, int y)
{
	const struct conn *c = ui->conn;
	int64_t now = clock_ms(), total, left = conn_wait_left(c, now,
							       &total);
	char all[48] = "";

	if (left < 0)
		return;
	if (c->wait_end_by != 0)
		snprintf(all, sizeof(all), ", %lld s in all", (long long)
			 ((c->wait_end_by > now ? c->wait_end_by - now : 0)
			  + 999) / 1000);
	draw_textf(stdscr, y, COL_LABEL, COLS - 4,
		   frame_attr(ui, ROLE_RUNNING),
		   "waiting for %s: %lld s left%s (Esc cancels)",
		   c->wait_what[0] != '\0' ? c->wait_what :
		   phase_waiting_for(c->wait_phase),
		   (long long)((left + 999) / 1000), all);
}

static void
draw_row(struct ui *ui, const struct conn_row *r, int y)
{
	const struct conn *c = ui->conn;
	bool not_run = r->state == CONN_WAITING && c->done;
	const char *state = not_run ? "not run" : conn_state_name(r->state);
	int detail_w = COLS - COL_DETAIL - 1;

	if (r->kind == CONN_ROW_PHASE)
		draw_text(stdscr, y, COL_LABEL, COL_STATE - COL_LABEL - 1,
			  phase_labels[r->phase], r->state == CONN_RUNNING ?
			  A_BOLD : 0);
	else
		draw_textf(stdscr, y, COL_LABEL + 2, COL_STATE - COL_LABEL - 3,
			   frame_attr(ui, ROLE_DIM), "%s %s", r->kind ==
			   CONN_ROW_ADDRESS ? "address" : "try", r->text);
	if (r->kind != CONN_ROW_ADDRESS)
		draw_text(stdscr, y, COL_STATE, COL_TIME - COL_STATE - 1,
			  state, frame_attr(ui, state_roles[r->state]));
	if (r->has_ms)
		draw_textf(stdscr, y, COL_TIME, COL_DETAIL - COL_TIME - 1, 0,
			   "%7lld ms", (long long)r->ms);
	if (r->kind == CONN_ROW_ATTEMPT)
		draw_text(stdscr, y, COL_DETAIL, detail_w, r->outcome ?
			  r->outcome : "", frame_attr(ui, ROLE_DIM));
	else if (r->kind == CONN_ROW_PHASE && r->state == CONN_RUNNING)
		draw_countdown(ui, r, y, COL_DETAIL, detail_w);
	else if (r->kind == CONN_ROW_PHASE)
		draw_text(stdscr, y, COL_DETAIL, detail_w, r->text,
			  r->state == CONN_FAILED ? frame_attr(ui, ROLE_FAIL) :
			  0);
}

/* Whether a capability list came: the line of TLS changes shows. */
static bool
have_caps(const struct conn *c)
{
	for (int s = 0; s < CAPDIFF_SLOTS; s++)
		if (c->caps_slot[s] != NULL)
			return true;
	return false;
}

/* Lines the part under the rows needs. */
static int
bottom_lines(const struct conn *c)
{
	int n = 2 + CAPS_LINES;	/* waiting, security, capabilities */
	size_t notes = c->nnotes < NOTES_SHOWN ? c->nnotes : NOTES_SHOWN;

	n += have_caps(c) ? 1 : 0;	/* before/after TLS */
	n += c->server_id != NULL ? 1 : 0;
	n += (int)notes;
	if (c->failed)
		n += 1 + 1 + 3 + 4;	/* gap, heading, detail, hint */
	return n;
}

static int
draw_failure(struct ui *ui, int y)
{
	const struct failure *f = &ui->conn->fail;
	int w = COLS - 4;

	y++;
	draw_textf(stdscr, y++, COL_LABEL, w, frame_attr(ui, ROLE_FAIL),
		   "FAILED in %s: %s", phase_name(f->phase),
		   fail_class_name(f->cls));
	y += draw_wrapped(stdscr, y, COL_LABEL + 2, w - 2, 3, f->detail, 0);
	if (f->hint[0] != '\0') {
		draw_text(stdscr, y, COL_LABEL, 6, "hint:",
			  frame_attr(ui, ROLE_HEADING));
		y += draw_wrapped(stdscr, y, COL_LABEL + 6, w - 6, 4, f->hint,
				  frame_attr(ui, ROLE_WARN));
	}
	return y;
}

/* "-STARTTLS -LOGINDISABLED +AUTH=PLAIN" from x on, each name in the
 * colour of its change (a suspicious one as a failure), as many as fit
 * before the hint to see both lists.  Returns the columns used. */
static int
draw_changes(struct ui *ui, const struct capdiff *d, int y, int x,
	     int width)
{
	static const char hint[] = "  (t: both lists)";
	int used = 0, room = width - (int)sizeof(hint) + 1;

	for (size_t i = 0; i < d->n; i++) {
		const struct capdiff_row *r = &d->rows[i];
		enum capdiff_change c = capdiff_change(d, r,
			CAPDIFF_BEFORE_TLS, CAPDIFF_AFTER_TLS);
		int need = (int)draw_width(r->name) + 2;

		if (c != CAPDIFF_ADDED && c != CAPDIFF_REMOVED)
			continue;
		if (used + need > room) {
			used += draw_text(stdscr, y, x + used, room - used,
					  "...", frame_attr(ui, ROLE_DIM));
			break;
		}
		used += draw_textf(stdscr, y, x + used, need, frame_attr(ui,
				   capdiff_tls_warning(d, r) != NULL ?
				   ROLE_FAIL : c == CAPDIFF_ADDED ? ROLE_OK :
				   ROLE_WARN), "%c%s ", c == CAPDIFF_ADDED ?
				   '+' : '-', r->name);
	}
	if (used == 0)
		used = draw_text(stdscr, y, x, room, "no change",
				 frame_attr(ui, ROLE_DIM));
	return used + draw_text(stdscr, y, x + used, width - used, hint,
				frame_attr(ui, ROLE_DIM));
}

/* What TLS changed in the capabilities, or why there is no pair. */
static void
draw_tls_caps(struct ui *ui, int y, int w)
{
	const struct conn *c = ui->conn;
	struct capdiff d;
	const char *note;
	int n;

	memset(&d, 0, sizeof(d));
	if (conn_capdiff(c, &d) != 0)
		return;
	n = draw_text(stdscr, y, COL_LABEL, 18, "Before/after TLS:",
		      frame_attr(ui, ROLE_HEADING));
	note = capdiff_note(&d, capdiff_tls_of(&c->diag_o.cfg.ep));
	if (note != NULL)
		draw_text(stdscr, y, COL_LABEL + n + 1, w - n - 1, note,
			  frame_attr(ui, ROLE_DIM));
	else
		draw_changes(ui, &d, y, COL_LABEL + n + 1, w - n - 1);
	capdiff_free(&d);
}

static void
draw_server_id(struct ui *ui, int y, int w)
{
	const struct server_id *id = ui->conn->server_id;
	char line[512];
	int n;

	n = draw_text(stdscr, y, COL_LABEL, 11, "Server ID:",
		      frame_attr(ui, ROLE_HEADING));
	server_id_line(id, line, sizeof(line));
	draw_text(stdscr, y, COL_LABEL + n + 1, w - n - 1, line,
		  id->result == SERVER_ID_REFUSED ? frame_attr(ui, ROLE_WARN) :
		  0);
}

static void
draw_bottom(struct ui *ui, int y)
{
	const struct conn *c = ui->conn;
	char sec[512];
	enum conn_security s = conn_security(c, sec, sizeof(sec));
	int w = COLS - 4, n;

	draw_waiting(ui, y++);
	n = draw_text(stdscr, y, COL_LABEL, 10, "Security:",
		      frame_attr(ui, ROLE_HEADING));
	draw_text(stdscr, y++, COL_LABEL + n + 1, w - n - 1, sec,
		  frame_attr(ui, security_roles[s]));
	n = draw_text(stdscr, y, COL_LABEL, 14, "Capabilities:",
		      frame_attr(ui, ROLE_HEADING));
	draw_wrapped(stdscr, y, COL_LABEL + n + 1, w - n - 1, CAPS_LINES,
		     c->caps != NULL ? c->caps : "-",
		     frame_attr(ui, ROLE_DIM));
	y += CAPS_LINES;
	if (have_caps(c))
		draw_tls_caps(ui, y++, w);
	if (c->server_id != NULL)
		draw_server_id(ui, y++, w);
	for (size_t i = 0; i < c->nnotes && i < NOTES_SHOWN; i++)
		draw_textf(stdscr, y++, COL_LABEL, w,
			   frame_attr(ui, ROLE_WARN), "note: %s",
			   c->notes[i]);
	if (c->failed)
		draw_failure(ui, y);
}

static void
progress_draw(struct ui *ui)
{
	const struct conn *c = ui->conn;
	struct listview *lv = &self(ui)->lv;
	int top = 3, height;
	size_t first, n;
	char title[CONN_TEXT_MAX + 32];

	if (c == NULL) {
		frame_draw(ui, "no connection");
		return;
	}
	snprintf(title, sizeof(title), "%s %s", c->done ? (c->failed ?
		 "failed:" : "ended:") : c->ready ? "connected:" :
		 "connecting:", c->title);
	frame_draw(ui, title);
	draw_text(stdscr, 2, COL_LABEL, COLS - 4, "Phase", 
		  frame_attr(ui, ROLE_HEADING));
	draw_text(stdscr, 2, COL_STATE, 8, "State",
		  frame_attr(ui, ROLE_HEADING));
	draw_text(stdscr, 2, COL_TIME + 6, 5, "Time",
		  frame_attr(ui, ROLE_HEADING));
	draw_text(stdscr, 2, COL_DETAIL, 20, "Detail",
		  frame_attr(ui, ROLE_HEADING));
	height = LINES - 1 - top - 1 - bottom_lines(c);
	if (height < 3)
		height = 3;
	listview_set_height(lv, (size_t)height);
	listview_set_len(lv, c->nrows);
	n = listview_visible(lv, &first);
	for (size_t i = 0; i < n; i++)
		draw_row(ui, &c->rows[first + i], top + (int)i);
	if (first + n < c->nrows)
		draw_textf(stdscr, top + height - 1, COLS - 16, 15,
			   frame_attr(ui, ROLE_DIM), "(%zu more)",
			   c->nrows - first - n);
	draw_bottom(ui, top + height + 1);
}

/* ------------------------------------------------------------ keys */

static void
cancel_or_edit(struct ui *ui)
{
	connlife_edit(ui);
}

static void
to_browser(struct ui *ui)
{
	if (ui->conn != NULL && ui->conn->ready && !ui->conn->done)
		screen_switch(ui, SCREEN_BROWSER);
	else
		frame_message(ui, ROLE_WARN, "not connected: no mailboxes to "
			      "show");
}

static struct listview *
progress_list(struct ui *ui)
{
	return &self(ui)->lv;
}

/* The keys of both tables: Esc cancels only while something runs. */
#define PROGRESS_BINDINGS						\
	{ { 'e' }, "e", "edit the settings (cancels a running attempt)", \
	  cancel_or_edit, "edit" },					\
	{ { 'r' }, "r", "retry with the same settings", connlife_start,	\
	  "retry" },							\
	{ { 't' }, "t", "TLS: chain, verification, server ID, "	\
	  "capabilities", screen_show_tls, "TLS" },			\
	{ { 'l' }, "l", "transcript of the exchange",			\
	  screen_show_transcript, "transcript" },			\
	{ { 'm' }, "m", "monitor: connect again and again, a chart "	\
	  "per phase", screen_show_monitor, NULL },			\
	{ { '\r', '\n', UI_KEY(KEY_ENTER), UI_KEY(KEY_BACKSPACE) },	\
	  "Enter", "back to the mailboxes when connected", to_browser,	\
	  NULL },							\
	UI_LIST_BINDINGS,						\
	UI_HELP_BINDING,						\
	{ { 'q' }, "q", "quit (logs out first)", connlife_quit,	\
	  "quit" },							\
	{ { 0 }, NULL, NULL, NULL, NULL }

static const struct ui_binding progress_bindings[] = {
	{ { UI_ESC }, "Esc", "cancel and go back to the form (values kept)",
	  cancel_or_edit, "cancel" },
	PROGRESS_BINDINGS
};

/* Once the phases are over (connected, or ended) there is nothing to
 * cancel. */
static const struct ui_binding progress_done_bindings[] = {
	{ { UI_ESC }, "Esc", "back to the form (values kept; logs out "
	  "first)", cancel_or_edit, NULL },
	PROGRESS_BINDINGS
};

static const struct ui_binding *
progress_keys(const struct ui *ui)
{
	const struct conn *c = ui->conn;

	return c != NULL && (c->done || c->ready) ? progress_done_bindings :
	       progress_bindings;
}

const struct ui_screen progress_screen = {
	.title = "progress",
	.size = sizeof(struct progress),
	.enter = progress_enter,
	.draw = progress_draw,
	.list = progress_list,
	.bindings = progress_bindings,
	.ticks = progress_ticks,
	.bindings_now = progress_keys,
	.conn_keys = true,
};
