/* tview.c - the transcript screen: one line per protocol line, newest
 * last, following the end while the cursor is there; / searches. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "connlife.h"
#include "draw.h"
#include "frame.h"
#include "input.h"
#include "listview.h"
#include "screen.h"
#include "screens.h"

#define TOP 2
#define STAMP_W 16		/* "12:00:01.123 C " */
#define HSCROLL_STEP 16

struct tview {
	struct listview lv;
	struct input search;
	bool searching;			/* typing the search */
	char needle[INPUT_MAX * 4 + 1];	/* the last search, UTF-8 */
	size_t hscroll;			/* columns scrolled left */
};

static struct tview *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_TRANSCRIPT);
}

static int
tview_open(struct ui *ui)
{
	if (ui->conn == NULL) {
		frame_message(ui, ROLE_WARN, "no connection: no transcript");
		return -1;
	}
	return 0;
}

static void
tview_enter(struct ui *ui)
{
	struct tview *t = self(ui);

	listview_init(&t->lv, false);
	t->searching = false;
	t->hscroll = 0;
	listview_set_len(&t->lv, conn_lines(ui->conn));
	listview_end(&t->lv);
}

static void
tview_on_event(struct ui *ui, const struct event *ev)
{
	struct tview *t = self(ui);
	bool at_end = t->lv.cursor + 1 >= t->lv.len;

	/* On the last line, the view follows new lines as they come. */
	if (ev->type != EV_TRANSCRIPT)
		return;
	listview_set_len(&t->lv, conn_lines(ui->conn));
	if (at_end)
		listview_end(&t->lv);
}

static void
stamp(int64_t wall_ms, char *buf, size_t cap)
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;
	char hms[16];

	localtime_r(&secs, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(buf, cap, "%s.%03d", hms, (int)(wall_ms % 1000));
}

/* Draw one line's text, the first match of the search highlighted. */
static void
draw_line_text(struct ui *ui, const char *text, int y, int x, int attr,
	       bool is_cursor)
{
	struct tview *t = self(ui);
	const char *hit = t->needle[0] ? strcasestr(text, t->needle) : NULL;
	int width = COLS - x - 1;

	if (hit == NULL) {
		draw_text_skip(stdscr, y, x, width, text, t->hscroll, attr);
		return;
	}
	draw_text_hl(stdscr, y, x, width, text, t->hscroll, attr,
		     (size_t)(hit - text), strlen(t->needle),
		     is_cursor ? attr | (int)A_UNDERLINE :
		     frame_attr(ui, ROLE_MATCH));
}

static void
draw_line(struct ui *ui, size_t i, int y, bool is_cursor)
{
	const struct conn_line *l = conn_line(ui->conn, i);
	char st[32];
	int attr = frame_attr(ui, l->dir == 'C' ? ROLE_CLIENT : ROLE_SERVER);

	if (is_cursor) {
		attr = frame_attr(ui, ROLE_CURSOR);
		draw_fill(stdscr, y, 0, COLS, attr);
	}
	stamp(l->wall_ms, st, sizeof(st));
	draw_textf(stdscr, y, 1, STAMP_W, is_cursor ? attr :
		   frame_attr(ui, ROLE_DIM), "%s %c", st, l->dir);
	draw_line_text(ui, l->text, y, 1 + STAMP_W, attr, is_cursor);
}

static void
tview_draw(struct ui *ui)
{
	struct tview *t = self(ui);
	size_t first, n, total = conn_lines(ui->conn);

	frame_draw(ui, "transcript (passwords and SASL data redacted)");
	draw_textf(stdscr, 1, 1, COLS - 2, frame_attr(ui, ROLE_DIM),
		   "%zu lines%s%s%s   C: sent  S: received%s", total,
		   t->needle[0] ? "   search: \"" : "", t->needle,
		   t->needle[0] ? "\"" : "", t->hscroll ?
		   "   (scrolled right: Left goes back)" : "");
	listview_set_height(&t->lv, (size_t)(LINES - TOP - 1));
	listview_set_len(&t->lv, total);
	n = listview_visible(&t->lv, &first);
	for (size_t i = 0; i < n; i++)
		draw_line(ui, first + i, TOP + (int)i,
			  first + i == t->lv.cursor);
	if (total == 0)
		draw_text(stdscr, TOP, 2, COLS - 4, "nothing exchanged yet",
			  frame_attr(ui, ROLE_DIM));
	if (t->searching) {
		input_draw(stdscr, LINES - 1, 0, COLS, "search: ", &t->search,
			   frame_attr(ui, ROLE_STATUS));
		curs_set(1);
	}
}

/* ------------------------------------------------------------ search */

/* Move to the next line (dir 1) or the previous one (-1) holding the
 * needle, around the end; false when none does. */
static bool
find(struct ui *ui, int dir)
{
	struct tview *t = self(ui);
	size_t total = conn_lines(ui->conn), at = t->lv.cursor;

	if (t->needle[0] == '\0' || total == 0)
		return false;
	for (size_t k = 1; k <= total; k++) {
		size_t i = dir > 0 ? (at + k) % total :
			   (at + total - k % total) % total;

		if (strcasestr(conn_line(ui->conn, i)->text, t->needle)) {
			listview_set_cursor(&t->lv, i);
			return true;
		}
	}
	return false;
}

static void
search_next(struct ui *ui)
{
	if (self(ui)->needle[0] == '\0')
		frame_message(ui, ROLE_NORMAL, "/ to search first");
	else if (!find(ui, 1))
		frame_message(ui, ROLE_WARN, "\"%s\" is not in the transcript",
			      self(ui)->needle);
}

static void
search_prev(struct ui *ui)
{
	if (self(ui)->needle[0] != '\0' && !find(ui, -1))
		frame_message(ui, ROLE_WARN, "\"%s\" is not in the transcript",
			      self(ui)->needle);
}

static bool
tview_key(struct ui *ui, int key)
{
	struct tview *t = self(ui);

	if (!t->searching)
		return false;
	switch (input_key(&t->search, key)) {
	case INPUT_ENTER:
		t->searching = false;
		input_utf8(&t->search, t->needle, sizeof(t->needle));
		search_next(ui);
		return true;
	case INPUT_ESCAPE:
		t->searching = false;
		return true;
	default:
		return true;
	}
}

static void
start_search(struct ui *ui)
{
	input_clear(&self(ui)->search);
	self(ui)->searching = true;
}

static void
scroll_right(struct ui *ui)
{
	self(ui)->hscroll += HSCROLL_STEP;
}

static void
scroll_left(struct ui *ui)
{
	struct tview *t = self(ui);

	t->hscroll = t->hscroll > HSCROLL_STEP ? t->hscroll - HSCROLL_STEP : 0;
}

static struct listview *
tview_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding tview_bindings[] = {
	{ { UI_KEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h'), UI_ESC }, "Backspace",
	  "back (also Esc)", screen_close_view, "back" },
	{ { '/' }, "/", "search (case-insensitive)", start_search,
	  "search" },
	{ { 'n' }, "n", "next match", search_next, "next" },
	{ { 'N' }, "N", "previous match", search_prev, NULL },
	{ { UI_KEY(KEY_RIGHT) }, "Right", "scroll right (long lines)",
	  scroll_right, NULL },
	{ { UI_KEY(KEY_LEFT) }, "Left", "scroll left", scroll_left, NULL },
	UI_LIST_BINDINGS,
	{ { 't' }, "t", "TLS: chain, verification, server ID, capabilities",
	  screen_show_tls, "TLS" },
	UI_HELP_BINDING,
	{ { 'q' }, "q", "log out and quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen tview_screen = {
	.title = "transcript",
	.size = sizeof(struct tview),
	.open = tview_open,
	.enter = tview_enter,
	.draw = tview_draw,
	.key = tview_key,
	.on_event = tview_on_event,
	.list = tview_list,
	.bindings = tview_bindings,
	.view = true,
	.conn_keys = true,
};
