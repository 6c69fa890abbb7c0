/* tview.c - the transcript screen: one line per protocol line, newest
 * last, following the end while the cursor is there; / searches. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "draw.h"
#include "input.h"
#include "listview.h"
#include "tview.h"
#include "ui_int.h"

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

struct tview *
tview_new(void)
{
	struct tview *t = calloc(1, sizeof(*t));

	if (t != NULL)
		listview_init(&t->lv, false);
	return t;
}

void
tview_free(struct tview *t)
{
	free(t);
}

static void
tview_enter(struct ui *ui)
{
	struct tview *t = ui->tview;

	listview_init(&t->lv, false);
	t->searching = false;
	t->hscroll = 0;
	listview_set_len(&t->lv, conn_lines(ui->conn));
	listview_end(&t->lv);
}

static void
tview_on_event(struct ui *ui, const struct event *ev)
{
	struct tview *t = ui->tview;
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
	struct tview *t = ui->tview;
	const char *hit = t->needle[0] ? strcasestr(text, t->needle) : NULL;
	int width = COLS - x - 1;

	if (hit == NULL) {
		draw_text_skip(stdscr, y, x, width, text, t->hscroll, attr);
		return;
	}
	draw_text_hl(stdscr, y, x, width, text, t->hscroll, attr,
		     (size_t)(hit - text), strlen(t->needle),
		     is_cursor ? attr | (int)A_UNDERLINE :
		     ui_attr(ui, ROLE_MATCH));
}

static void
draw_line(struct ui *ui, size_t i, int y, bool is_cursor)
{
	const struct conn_line *l = conn_line(ui->conn, i);
	char st[32];
	int attr = ui_attr(ui, l->dir == 'C' ? ROLE_CLIENT : ROLE_SERVER);

	if (is_cursor) {
		attr = ui_attr(ui, ROLE_CURSOR);
		draw_fill(stdscr, y, 0, COLS, attr);
	}
	stamp(l->wall_ms, st, sizeof(st));
	draw_textf(stdscr, y, 1, STAMP_W, is_cursor ? attr :
		   ui_attr(ui, ROLE_DIM), "%s %c", st, l->dir);
	draw_line_text(ui, l->text, y, 1 + STAMP_W, attr, is_cursor);
}

static void
tview_draw(struct ui *ui)
{
	struct tview *t = ui->tview;
	size_t first, n, total = conn_lines(ui->conn);

	ui_draw_frame(ui, "transcript (passwords and SASL data redacted)");
	draw_textf(stdscr, 1, 1, COLS - 2, ui_attr(ui, ROLE_DIM),
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
			  ui_attr(ui, ROLE_DIM));
	if (t->searching) {
		input_draw(stdscr, LINES - 1, 0, COLS, "search: ", &t->search,
			   ui_attr(ui, ROLE_STATUS));
		curs_set(1);
	}
}

/* ------------------------------------------------------------ search */

/* Move to the next line (dir 1) or the previous one (-1) holding the
 * needle, around the end; false when none does. */
static bool
find(struct ui *ui, int dir)
{
	struct tview *t = ui->tview;
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
	if (ui->tview->needle[0] == '\0')
		ui_message(ui, ROLE_NORMAL, "/ to search first");
	else if (!find(ui, 1))
		ui_message(ui, ROLE_WARN, "\"%s\" is not in the transcript",
			   ui->tview->needle);
}

static void
search_prev(struct ui *ui)
{
	if (ui->tview->needle[0] != '\0' && !find(ui, -1))
		ui_message(ui, ROLE_WARN, "\"%s\" is not in the transcript",
			   ui->tview->needle);
}

static bool
tview_key(struct ui *ui, int key)
{
	struct tview *t = ui->tview;

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
	input_clear(&ui->tview->search);
	ui->tview->searching = true;
}

static void
scroll_right(struct ui *ui)
{
	ui->tview->hscroll += HSCROLL_STEP;
}

static void
scroll_left(struct ui *ui)
{
	struct tview *t = ui->tview;

	t->hscroll = t->hscroll > HSCROLL_STEP ? t->hscroll - HSCROLL_STEP : 0;
}

static struct listview *
tview_list(struct ui *ui)
{
	return &ui->tview->lv;
}

static const struct ui_binding tview_bindings[] = {
	{ { UI_KEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h'), UI_ESC }, "Backspace",
	  "back (also Esc)", ui_close_view, "back" },
	{ { '/' }, "/", "search (case-insensitive)", start_search,
	  "search" },
	{ { 'n' }, "n", "next match", search_next, "next" },
	{ { 'N' }, "N", "previous match", search_prev, NULL },
	{ { UI_KEY(KEY_RIGHT) }, "Right", "scroll right (long lines)",
	  scroll_right, NULL },
	{ { UI_KEY(KEY_LEFT) }, "Left", "scroll left", scroll_left, NULL },
	UI_LIST_BINDINGS,
	{ { 't' }, "t", "TLS: chain, verification, server ID, capabilities",
	  ui_show_tls, "TLS" },
	UI_HELP_BINDING,
	{ { 'q' }, "q", "log out and quit", ui_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen tview_screen = {
	.title = "transcript",
	.enter = tview_enter,
	.draw = tview_draw,
	.key = tview_key,
	.on_event = tview_on_event,
	.list = tview_list,
	.bindings = tview_bindings,
};
