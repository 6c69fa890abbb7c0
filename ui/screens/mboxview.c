/* mboxview.c - the mailbox screen: messages, recent, UIDVALIDITY,
 * UIDNEXT, flags, permanent flags and separator of an examined mailbox,
 * and its newest messages (date, from, subject). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "connlife.h"
#include "draw.h"
#include "frame.h"
#include "listview.h"
#include "screen.h"
#include "screens.h"

#define TOP 8			/* first message row */
#define DATE_W 18
#define FROM_W 28

struct mboxview {
	struct listview lv;
};

static struct mboxview *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_MBOX);
}

static void
mboxview_enter(struct ui *ui)
{
	listview_init(&self(ui)->lv, false);
}

/* "Tue, 03 Nov 2026 10:00:00 +0000" as "03 Nov 2026 10:00". */
static void
short_date(const char *date, char *out, size_t cap)
{
	const char *colon;
	size_t len;

	if (strlen(date) > 5 && date[3] == ',' && date[4] == ' ')
		date += 5;
	colon = strchr(date, ':');
	len = colon != NULL && strlen(colon) >= 3 ?
	      (size_t)(colon - date) + 3 : strlen(date);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, date, len);
	out[len] = '\0';
}

static void
draw_data(struct ui *ui, const struct mailbox_data *d)
{
	int h = frame_attr(ui, ROLE_HEADING), y = 2, x = 2;
	char uv[16] = "-", un[16] = "-", fu[16] = "-";

	if (d->have_uidvalidity)
		snprintf(uv, sizeof(uv), "%u", d->uidvalidity);
	if (d->have_uidnext)
		snprintf(un, sizeof(un), "%u", d->uidnext);
	if (d->have_unseen)
		snprintf(fu, sizeof(fu), "%u", d->first_unseen);
	x += draw_text(stdscr, y, x, 10, "Messages", h) + 1;
	x += draw_textf(stdscr, y, x, 12, A_BOLD, "%u", d->exists) + 3;
	x += draw_text(stdscr, y, x, 8, "Recent", h) + 1;
	x += draw_textf(stdscr, y, x, 12, 0, "%u", d->recent) + 3;
	x += draw_text(stdscr, y, x, 14, "First unseen", h) + 1;
	x += draw_text(stdscr, y, x, 12, fu, 0) + 3;
	x += draw_text(stdscr, y, x, 10, "Separator", h) + 1;
	draw_textf(stdscr, y, x, 4, 0, "%c", d->delim ? d->delim : '-');
	y++;
	x = 2;
	x += draw_text(stdscr, y, x, 12, "UIDVALIDITY", h) + 1;
	x += draw_text(stdscr, y, x, 12, uv, 0) + 3;
	x += draw_text(stdscr, y, x, 8, "UIDNEXT", h) + 1;
	x += draw_text(stdscr, y, x, 12, un, 0) + 3;
	draw_text(stdscr, y, x, 30, d->read_only ? "read-only (EXAMINE)" :
		  "read-write", frame_attr(ui, ROLE_DIM));
	draw_text(stdscr, 4, 2, 16, "Flags", h);
	draw_text(stdscr, 4, 19, COLS - 21, d->flags[0] ? d->flags : "-", 0);
	draw_text(stdscr, 5, 2, 16, "Permanent flags", h);
	draw_text(stdscr, 5, 19, COLS - 21, d->permanent_flags[0] ?
		  d->permanent_flags : "(none: changes would not be kept)",
		  0);
}

static void
draw_message(struct ui *ui, const struct message_summary *m, int y,
	     bool is_cursor)
{
	int attr = is_cursor ? frame_attr(ui, ROLE_CURSOR) :
		   !m->seen ? (int)A_BOLD : 0;
	char date[40];
	int x = 1;

	if (is_cursor)
		draw_fill(stdscr, y, 0, COLS, attr);
	draw_textf(stdscr, y, x, 2, attr, "%c%c", m->seen ? ' ' : 'N',
		   m->flagged ? '!' : ' ');
	x += 3;
	short_date(m->date, date, sizeof(date));
	draw_text(stdscr, y, x, DATE_W - 1, date, attr);
	x += DATE_W;
	draw_text(stdscr, y, x, FROM_W - 1, m->from, attr);
	x += FROM_W;
	draw_text(stdscr, y, x, COLS - x - 1, m->subject, attr);
}

/* Under the list: the current message's sender and whole subject. */
static void
draw_detail(struct ui *ui, const struct message_summary *m)
{
	int h = frame_attr(ui, ROLE_HEADING);

	draw_text(stdscr, LINES - 4, 2, 8, "From", h);
	draw_textf(stdscr, LINES - 4, 11, COLS - 13, 0, "%s   (UID %u)",
		   m->from, m->uid);
	draw_text(stdscr, LINES - 3, 2, 8, "Subject", h);
	draw_wrapped(stdscr, LINES - 3, 11, COLS - 13, 2, m->subject, 0);
}

static void
draw_messages(struct ui *ui, const struct conn_view *v)
{
	struct listview *lv = &self(ui)->lv;
	int h = frame_attr(ui, ROLE_HEADING);
	size_t first, n;

	draw_textf(stdscr, 6, 2, COLS - 4, h, "%s",
		   v->data.exists > v->nmsgs ? "Newest messages" :
		   "Messages");
	if (v->data.exists > v->nmsgs)
		draw_textf(stdscr, 6, 18, 30, frame_attr(ui, ROLE_DIM),
			   "(%zu of %u)", v->nmsgs, v->data.exists);
	draw_text(stdscr, TOP - 1, 4, DATE_W, "Date", h);
	draw_text(stdscr, TOP - 1, 4 + DATE_W, FROM_W, "From", h);
	draw_text(stdscr, TOP - 1, 4 + DATE_W + FROM_W, 20, "Subject", h);
	listview_set_height(lv, (size_t)(LINES - TOP - 4));
	listview_set_len(lv, v->nmsgs);
	n = listview_visible(lv, &first);
	for (size_t i = 0; i < n; i++)
		draw_message(ui, &v->msgs[first + i], TOP + (int)i,
			     first + i == lv->cursor);
	if (v->nmsgs == 0)
		draw_text(stdscr, TOP, 4, COLS - 6, v->loading ?
			  "fetching the newest messages..." :
			  v->data.exists == 0 ? "(the mailbox is empty)" :
			  "(no message summaries came back)",
			  frame_attr(ui, ROLE_DIM));
	else
		draw_detail(ui, &v->msgs[lv->cursor]);
}

static void
mboxview_draw(struct ui *ui)
{
	const struct conn_view *v = &ui->conn->view;
	char title[MAILBOX_NAME_MAX + 16];

	snprintf(title, sizeof(title), "mailbox: %s", v->name);
	frame_draw(ui, title);
	if (v->failed) {
		draw_textf(stdscr, 2, 2, COLS - 4, frame_attr(ui, ROLE_FAIL),
			   "could not open %s (%s)", v->name,
			   fail_class_name(v->fail.cls));
		draw_wrapped(stdscr, 3, 4, COLS - 6, 4, v->fail.detail, 0);
		if (v->fail.hint[0] != '\0')
			draw_wrapped(stdscr, 8, 4, COLS - 6, 2, v->fail.hint,
				     frame_attr(ui, ROLE_WARN));
		return;
	}
	if (!v->have_data) {
		draw_textf(stdscr, 2, 2, COLS - 4,
			   frame_attr(ui, ROLE_RUNNING),
			   "opening %s read-only...", v->name);
		return;
	}
	draw_data(ui, &v->data);
	draw_messages(ui, v);
}

static void
back(struct ui *ui)
{
	screen_switch(ui, SCREEN_BROWSER);
}

static void
reopen(struct ui *ui)
{
	struct conn_view *v = &ui->conn->view;

	if (v->loading)
		return;
	if (v->raw_len == 0
	    || conn_open(ui->conn, v->raw, v->raw_len, v->name,
			 v->delim) != 0) {
		frame_message(ui, ROLE_WARN, "cannot open it again now");
		return;
	}
	listview_init(&self(ui)->lv, false);
}

static struct listview *
mboxview_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding mboxview_bindings[] = {
	{ { UI_KEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h'), UI_ESC }, "Backspace",
	  "back to the mailboxes (also Esc, Left)", back, "back" },
	{ { UI_KEY(KEY_LEFT) }, "Left", "back to the mailboxes", back, NULL },
	{ { 'r' }, "r", "open it again (refresh)", reopen, "refresh" },
	UI_LIST_BINDINGS,
	{ { 't' }, "t", "TLS: chain, verification, server ID, capabilities",
	  screen_show_tls, "TLS" },
	{ { 'l' }, "l", "transcript of the exchange", screen_show_transcript,
	  "transcript" },
	UI_HELP_BINDING,
	{ { 'q' }, "q", "log out and quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen mboxview_screen = {
	.title = "mailbox",
	.size = sizeof(struct mboxview),
	.enter = mboxview_enter,
	.draw = mboxview_draw,
	.list = mboxview_list,
	.bindings = mboxview_bindings,
	.conn_keys = true,
};
