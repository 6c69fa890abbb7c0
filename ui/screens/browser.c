/* browser.c - the mailbox browser screen: a tree of the listed folders
 * (expand, collapse, filter as you type, raw or decoded names), counts
 * asked for in the background for the rows on screen, Enter opens. */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "accountsave.h"
#include "connlife.h"
#include "draw.h"
#include "escape.h"
#include "formmodel.h"
#include "frame.h"
#include "input.h"
#include "listview.h"
#include "mailbox.h"
#include "mbtree.h"
#include "screen.h"
#include "screens.h"

#define COUNT_W 9		/* width of a count column */
#define NOTES_SHOWN 2		/* the newest notes, over the list */

struct browser {
	struct listview lv;
	struct input filter;
	bool filtering;			/* typing in the filter */
	bool raw;			/* raw names instead of decoded */
	bool utf8;			/* the terminal takes UTF-8 */
	const struct conn *conn;	/* the connection shown */
	bool auto_opened;		/* --select handled */
	char text[INPUT_MAX * 4 + 1];	/* the filter as UTF-8 */
};

static struct browser *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_BROWSER);
}

static int
browser_init(struct ui *ui)
{
	const char *cs = nl_langinfo(CODESET);

	self(ui)->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	return 0;
}

static struct mbtree *
tree(struct ui *ui)
{
	return ui->conn != NULL ? ui->conn->tree : NULL;
}

static bool
current_row(struct ui *ui, struct mbtree_row *row)
{
	struct browser *b = self(ui);

	if (tree(ui) == NULL || b->lv.len == 0)
		return false;
	mbtree_row(tree(ui), b->lv.cursor, row);
	return true;
}

static bool
selectable(const struct mailbox_entry *e)
{
	return e != NULL && (e->flags & MBOX_NOSELECT) == 0;
}

/* The first row that matches the filter itself, or 0. */
static size_t
first_match(struct mbtree *t)
{
	size_t n = mbtree_rows(t);
	struct mbtree_row row;

	for (size_t i = 0; i < n; i++) {
		mbtree_row(t, i, &row);
		if (row.match)
			return i;
	}
	return 0;
}

/* Apply the filter text, keeping the cursor on its mailbox when it is
 * still shown, else on the first match. */
static void
apply_filter(struct ui *ui)
{
	struct browser *b = self(ui);
	struct mbtree *t = tree(ui);
	struct mbtree_row row;
	char raw[MAILBOX_NAME_MAX];
	size_t len = 0, at;

	if (t == NULL)
		return;
	if (current_row(ui, &row) && row.entry != NULL) {
		len = row.entry->raw_len < sizeof(raw) ? row.entry->raw_len :
		      sizeof(raw);
		memcpy(raw, row.entry->raw, len);
	}
	input_utf8(&b->filter, b->text, sizeof(b->text));
	mbtree_filter(t, b->text);
	listview_set_len(&b->lv, mbtree_rows(t));
	at = len > 0 ? mbtree_find(t, raw, len) : (size_t)-1;
	if (at != (size_t)-1 && b->text[0] != '\0') {
		mbtree_row(t, at, &row);
		if (!row.match)
			at = (size_t)-1;
	}
	if (at == (size_t)-1)
		at = b->text[0] != '\0' ? first_match(t) : 0;
	listview_set_cursor(&b->lv, at);
}

/* Open the mailbox the URL or --select named, once per connection. */
static void
auto_open(struct ui *ui)
{
	struct browser *b = self(ui);
	const char *want = ui->conn->open_first;
	struct mbtree *t = tree(ui);
	struct mbtree_row row;
	size_t n;
	int rc;

	if (b->auto_opened || want[0] == '\0' || t == NULL)
		return;
	b->auto_opened = true;
	mbtree_filter(t, want);
	n = mbtree_rows(t);
	for (size_t i = 0; i < n; i++) {
		mbtree_row(t, i, &row);
		if (!selectable(row.entry)
		    || (strcmp(row.entry->display, want) != 0
			&& strcmp(row.entry->raw, want) != 0))
			continue;
		/* Rows are valid until the tree changes: open, then clear. */
		rc = conn_open(ui->conn, row.entry->raw, row.entry->raw_len,
			       row.entry->display, row.entry->delim);
		mbtree_filter(t, NULL);
		if (rc == 0)
			screen_switch(ui, SCREEN_MBOX);
		return;
	}
	mbtree_filter(t, NULL);
	frame_message(ui, ROLE_WARN, "%s: no such mailbox in the list", want);
}

static void
browser_enter(struct ui *ui)
{
	struct browser *b = self(ui);

	if (b->conn != ui->conn) {
		listview_init(&b->lv, false);
		input_clear(&b->filter);
		b->text[0] = '\0';
		b->filtering = false;
		b->raw = false;
		b->auto_opened = false;
		b->conn = ui->conn;
	}
	if (tree(ui) != NULL)
		listview_set_len(&b->lv, mbtree_rows(tree(ui)));
	if (ui->conn != NULL && ui->conn->ready)
		auto_open(ui);
}

/* ------------------------------------------------------------ drawing */

/* The name shown for a row: decoded, or (r) the raw last component. */
static const char *
row_name(const struct browser *b, const struct mbtree_row *row, char *buf,
	 size_t cap)
{
	const struct mailbox_entry *e = row->entry;
	const char *start;
	size_t len;

	if (!b->raw || e == NULL) {
		len = row->label_len < cap - 1 ? row->label_len : cap - 1;
		memcpy(buf, row->label, len);
		buf[len] = '\0';
		return buf;
	}
	start = e->raw;
	if (e->delim != '\0') {
		const char *p = memrchr(e->raw, e->delim, e->raw_len);

		if (p != NULL)
			start = p + 1;
	}
	escape_text(start, e->raw_len - (size_t)(start - e->raw), buf, cap);
	return buf;
}

static void
draw_counts(struct ui *ui, const struct mailbox_entry *e, int y, int attr)
{
	const char *wait = self(ui)->utf8 ? "\u2026" : "...";
	int xm = COLS - 2 * COUNT_W - 1, xu = COLS - COUNT_W - 1;

	if (!selectable(e))
		return;
	if (!e->has_status) {
		if (conn_status_asked(ui->conn, e->raw, e->raw_len))
			draw_text(stdscr, y, xm + COUNT_W - 2, 2, wait,
				  attr | frame_attr(ui, ROLE_DIM));
		return;
	}
	draw_textf(stdscr, y, xm, COUNT_W, attr, "%*u", COUNT_W - 1,
		   e->messages);
	draw_textf(stdscr, y, xu, COUNT_W, e->unseen > 0 && attr == 0 ?
		   frame_attr(ui, ROLE_RUNNING) : attr, "%*u", COUNT_W - 1,
		   e->unseen);
}

static void
draw_row(struct ui *ui, size_t i, int y, bool is_cursor)
{
	struct browser *b = self(ui);
	struct mbtree_row row;
	const struct mailbox_entry *e;
	char name[MAILBOX_NAME_MAX * 4];
	const char *glyph = " ";
	int attr = is_cursor ? frame_attr(ui, ROLE_CURSOR) : 0;
	int x = 1, width = COLS - 2 * COUNT_W - 3, n;

	mbtree_row(tree(ui), i, &row);
	e = row.entry;
	if (is_cursor)
		draw_fill(stdscr, y, 0, COLS, attr);
	if (row.has_children)
		glyph = row.expanded ? (b->utf8 ? "\u25be" : "-") :
			(b->utf8 ? "\u25b8" : "+");
	x += (int)(row.depth * 2 < 40 ? row.depth * 2 : 40);
	draw_text(stdscr, y, x, 2, glyph, attr);
	x += 2;
	if (!is_cursor && (!selectable(e) || (b->text[0] && !row.match)))
		attr = frame_attr(ui, ROLE_DIM);
	else if (!is_cursor && b->text[0] && row.match)
		attr = frame_attr(ui, ROLE_MATCH);
	n = draw_text(stdscr, y, x, width - x, row_name(b, &row, name,
		      sizeof(name)), attr);
	if (e != NULL && e->special != SPECIAL_NONE && x + n + 3 < width)
		draw_textf(stdscr, y, x + n + 1, width - x - n - 1,
			   is_cursor ? attr : frame_attr(ui, ROLE_BADGE),
			   "[%s]", mailbox_special_name(e->special));
	if (e != NULL)
		draw_counts(ui, e, y, is_cursor ? attr : 0);
}

/* Ask for the counts of the rows on screen that have none, all in one
 * request: the session sends them in one write. */
static void
request_counts(struct ui *ui, size_t first, size_t n)
{
	const struct mailbox_entry *want[CONN_STATUS_INFLIGHT];
	struct mbtree_row row;
	size_t k = 0;

	for (size_t i = 0; i < n && k < CONN_STATUS_INFLIGHT; i++) {
		mbtree_row(tree(ui), first + i, &row);
		if (!selectable(row.entry) || row.entry->has_status ||
		    conn_status_asked(ui->conn, row.entry->raw,
				      row.entry->raw_len))
			continue;
		want[k++] = row.entry;
	}
	if (k > 0)
		conn_request_statuses(ui->conn, want, k);
}

static void
flags_text(const struct mailbox_entry *e, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit <= MBOX_REMOTE; bit <<= 1) {
		if ((e->flags & bit) == 0 || n >= cap)
			continue;
		n += (size_t)snprintf(buf + n, cap - n, " %s",
				      mailbox_flag_name(bit));
	}
}

/* The line under the list: the whole name of the current mailbox. */
static void
draw_detail(struct ui *ui, int y)
{
	struct mbtree_row row;
	const struct mailbox_entry *e;
	char flags[200], raw[MAILBOX_NAME_MAX * 4];

	if (!current_row(ui, &row))
		return;
	e = row.entry;
	if (e == NULL) {
		draw_text(stdscr, y, 1, COLS - 2, "(a parent the server did "
			  "not list: it only holds other folders)",
			  frame_attr(ui, ROLE_DIM));
		return;
	}
	flags_text(e, flags, sizeof(flags));
	escape_text(e->raw, e->raw_len, raw, sizeof(raw));
	draw_textf(stdscr, y, 1, COLS - 2, frame_attr(ui, ROLE_DIM),
		   "%s%s%s%s%s%s", e->display, strcmp(raw, e->display) ?
		   "  raw: " : "", strcmp(raw, e->display) ? raw : "",
		   flags[0] ? "  " : "", flags, e->name_valid ? "" :
		   "  (invalid modified UTF-7, shown raw)");
}

/* The protection of the connection, short, at the right of line 1. */
static void
draw_security(struct ui *ui)
{
	static const struct {
		const char *text;
		enum theme_role role;
	} sec[] = {
		[CONN_SEC_PENDING] = { "", ROLE_DIM },
		[CONN_SEC_VERIFIED] = { "TLS, verified", ROLE_OK },
		[CONN_SEC_UNVERIFIED] = { "TLS NOT VERIFIED", ROLE_FAIL },
		[CONN_SEC_PLAIN] = { "UNENCRYPTED", ROLE_FAIL },
		[CONN_SEC_FAILED] = { "NO TLS", ROLE_FAIL },
	};
	char line[512];
	enum conn_security k = conn_security(ui->conn, line, sizeof(line));
	int w = (int)strlen(sec[k].text);

	draw_text(stdscr, 1, COLS - w - 1, w, sec[k].text,
		  frame_attr(ui, sec[k].role));
}

/* The newest notes (what the session says must be seen); returns the
 * lines used. */
static int
draw_notes(struct ui *ui, int y)
{
	const struct conn *c = ui->conn;
	size_t first = c->nnotes > NOTES_SHOWN ? c->nnotes - NOTES_SHOWN : 0;

	size_t folded = mbtree_folded(c->tree);
	int used = 0;

	if (folded > 0)
		draw_textf(stdscr, y + used++, 1, COLS - 2,
			   frame_attr(ui, ROLE_WARN), "note: %zu mailbox%s "
			   "nested deeper than %d levels: the rest of each "
			   "such name "
			   "shows as one folder on level %d", folded,
			   folded == 1 ? "" : "es", MBTREE_DEPTH_MAX,
			   MBTREE_DEPTH_MAX);
	for (size_t i = first; i < c->nnotes; i++)
		draw_textf(stdscr, y + used++, 1, COLS - 2,
			   frame_attr(ui, ROLE_WARN), "note: %s", c->notes[i]);
	return used;
}

static void
draw_summary(struct ui *ui)
{
	struct browser *b = self(ui);
	struct mbtree *t = tree(ui);

	if (b->text[0] != '\0') {
		draw_textf(stdscr, 1, 1, COLS - 20, frame_attr(ui, ROLE_MATCH),
			   "filter \"%s\": %zu of %zu mailboxes match%s",
			   b->text, mbtree_matches(t), mbtree_count(t),
			   b->filtering ?
			   "" : "   (Esc clears it)");
		return;
	}
	draw_textf(stdscr, 1, 1, COLS - 20, frame_attr(ui, ROLE_DIM),
		   "%zu mailboxes%s   Enter opens  / filters  Right/Left "
		   "expand", mbtree_count(t), b->raw ?
		   ", raw names" : "");
}

/* Whether the list was skipped for want of a login. */
static bool
not_logged_in(const struct ui *ui)
{
	return ui->conn != NULL
	       && conn_phase_state(ui->conn, PHASE_LIST) == CONN_SKIPPED;
}

/* Why the list shows no rows. */
static void
draw_empty(struct ui *ui, int y)
{
	if (self(ui)->text[0] != '\0')
		draw_text(stdscr, y, 3, COLS - 4, "no mailbox matches the "
			  "filter", frame_attr(ui, ROLE_DIM));
	else if (not_logged_in(ui))
		draw_wrapped(stdscr, y, 3, COLS - 4, 2, "not logged in: the "
			     "server lists mailboxes only after a login (no "
			     "user was given).  Press u to enter a user.",
			     frame_attr(ui, ROLE_WARN));
	else
		draw_text(stdscr, y, 3, COLS - 4, "the server listed no "
			  "mailboxes", frame_attr(ui, ROLE_DIM));
}

static void
browser_draw(struct ui *ui)
{
	struct browser *b = self(ui);
	char title[CONN_TEXT_MAX + 16];
	int head, top;
	size_t first, n;

	snprintf(title, sizeof(title), "mailboxes: %s",
		 ui->conn != NULL ? ui->conn->title : "");
	frame_draw(ui, title);
	if (tree(ui) == NULL)
		return;
	draw_summary(ui);
	draw_security(ui);
	head = 2 + draw_notes(ui, 2);
	top = head + 1;
	draw_text(stdscr, head, 3, 20, "Mailbox",
		  frame_attr(ui, ROLE_HEADING));
	draw_text(stdscr, head, COLS - 2 * COUNT_W - 1, COUNT_W, " Messages",
		  frame_attr(ui, ROLE_HEADING));
	draw_text(stdscr, head, COLS - COUNT_W - 1, COUNT_W, "   Unseen",
		  frame_attr(ui, ROLE_HEADING));
	listview_set_height(&b->lv, (size_t)(LINES - top - 2));
	listview_set_len(&b->lv, mbtree_rows(tree(ui)));
	n = listview_visible(&b->lv, &first);
	for (size_t i = 0; i < n; i++)
		draw_row(ui, first + i, top + (int)i,
			 first + i == b->lv.cursor);
	if (n == 0)
		draw_empty(ui, top);
	draw_detail(ui, LINES - 2);
	request_counts(ui, first, n);
	if (b->filtering) {
		input_draw(stdscr, LINES - 1, 0, COLS, "filter: ", &b->filter,
			   frame_attr(ui, ROLE_STATUS));
		curs_set(1);
	}
}

/* ------------------------------------------------------------ keys */

static bool
browser_key(struct ui *ui, int key)
{
	struct browser *b = self(ui);

	if (!b->filtering)
		return false;
	switch (input_key(&b->filter, key)) {
	case INPUT_EDITED:
		apply_filter(ui);
		return true;
	case INPUT_MOVED:
		return true;
	case INPUT_ENTER:
		b->filtering = false;
		return true;
	case INPUT_ESCAPE:
		b->filtering = false;
		input_clear(&b->filter);
		apply_filter(ui);
		return true;
	case INPUT_IGNORED:
		break;
	}
	return false;
}

static void
start_filter(struct ui *ui)
{
	self(ui)->filtering = true;
}

static void
clear_filter(struct ui *ui)
{
	struct browser *b = self(ui);

	if (b->text[0] == '\0') {
		frame_message(ui, ROLE_NORMAL, "Esc clears the filter; e "
			      "disconnects, q quits");
		return;
	}
	input_clear(&b->filter);
	apply_filter(ui);
}

static void
toggle(struct ui *ui)
{
	struct mbtree_row row;

	if (!current_row(ui, &row) || !row.has_children)
		return;
	mbtree_toggle(tree(ui), self(ui)->lv.cursor);
	listview_set_len(&self(ui)->lv, mbtree_rows(tree(ui)));
}

static void
expand_or_child(struct ui *ui)
{
	struct mbtree_row row;

	if (!current_row(ui, &row) || !row.has_children)
		return;
	if (!row.expanded)
		toggle(ui);
	else
		listview_move(&self(ui)->lv, 1);
}

static void
collapse_or_parent(struct ui *ui)
{
	struct listview *lv = &self(ui)->lv;
	struct mbtree_row row;
	unsigned depth;

	if (!current_row(ui, &row))
		return;
	if (row.has_children && row.expanded) {
		toggle(ui);
		return;
	}
	depth = row.depth;
	for (size_t i = lv->cursor; depth > 0 && i-- > 0;) {
		mbtree_row(tree(ui), i, &row);
		if (row.depth < depth) {
			listview_set_cursor(lv, i);
			return;
		}
	}
}

static void
open_mailbox(struct ui *ui)
{
	struct mbtree_row row;

	if (!current_row(ui, &row))
		return;
	if (!selectable(row.entry)) {
		if (row.has_children)
			toggle(ui);
		else
			frame_message(ui, ROLE_WARN, "not selectable "
				      "(\\Noselect): this name only holds "
				      "other folders");
		return;
	}
	if (conn_open(ui->conn, row.entry->raw, row.entry->raw_len,
		      row.entry->display, row.entry->delim) != 0) {
		frame_message(ui, ROLE_FAIL, "the connection cannot take "
			      "requests now");
		return;
	}
	screen_switch(ui, SCREEN_MBOX);
}

static void
expand_all(struct ui *ui)
{
	mbtree_expand_all(tree(ui));
	listview_set_len(&self(ui)->lv, mbtree_rows(tree(ui)));
}

static void
collapse_all(struct ui *ui)
{
	mbtree_collapse_all(tree(ui));
	listview_set_len(&self(ui)->lv, mbtree_rows(tree(ui)));
}

static void
toggle_raw(struct ui *ui)
{
	self(ui)->raw = !self(ui)->raw;
	frame_message(ui, ROLE_NORMAL, "%s names", self(ui)->raw ?
		      "raw (as the server sends them)" : "decoded");
}

/* u: back to the form, on User, to log in this time. */
static void
enter_user(struct ui *ui)
{
	connlife_edit(ui);
	formmodel_focus_user(ui->form);
}

static void
show_progress(struct ui *ui)
{
	screen_switch(ui, SCREEN_PROGRESS);
}

/* x: the export view (it says why not before a login). */
static void
show_export(struct ui *ui)
{
	screen_open_view(ui, SCREEN_EXPORT);
}

static struct listview *
browser_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding browser_bindings[] = {
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "Enter",
	  "open the mailbox read-only (EXAMINE)", open_mailbox, "open" },
	{ { ' ' }, "Space", "expand or collapse", toggle, NULL },
	{ { UI_KEY(KEY_RIGHT) }, "Right", "expand, or go to the first child",
	  expand_or_child, NULL },
	{ { UI_KEY(KEY_LEFT) }, "Left", "collapse, or go to the parent",
	  collapse_or_parent, NULL },
	{ { '/' }, "/", "filter as you type (Enter keeps it, Esc clears)",
	  start_filter, "filter" },
	{ { UI_ESC }, "Esc", "clear the filter", clear_filter, NULL },
	{ { 'r' }, "r", "raw names (as sent) or decoded", toggle_raw,
	  NULL },
	{ { '+', '*' }, "+", "expand all", expand_all, NULL },
	{ { '-' }, "-", "collapse all", collapse_all, NULL },
	UI_LIST_BINDINGS,
	{ { 't' }, "t", "TLS: chain, verification, server ID, capabilities",
	  screen_show_tls, "TLS" },
	{ { 'l' }, "l", "transcript of the exchange", screen_show_transcript,
	  "transcript" },
	{ { 'p' }, "p", "the login's phases and timings", show_progress,
	  NULL },
	{ { 'm' }, "m", "monitor: connect again and again, a chart per "
	  "phase", screen_show_monitor, NULL },
	{ { 'x' }, "x", "export the settings that worked for neomutt, "
	  "mbsync, curl, ...", show_export, "export" },
	{ { 's' }, "s", "save these settings as an account of the "
	  "configuration file (never the password)", accountsave_ask,
	  NULL },
	{ { 'e' }, "e", "log out and edit the settings", connlife_edit, NULL },
	{ { 'u' }, "u", "log out and enter a user on the form (mailboxes "
	  "are listed after a login)", enter_user, NULL },
	UI_HELP_BINDING,
	{ { 'q' }, "q", "log out and quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen browser_screen = {
	.title = "mailboxes",
	.size = sizeof(struct browser),
	.init = browser_init,
	.enter = browser_enter,
	.draw = browser_draw,
	.key = browser_key,
	.list = browser_list,
	.bindings = browser_bindings,
	.conn_keys = true,
};
