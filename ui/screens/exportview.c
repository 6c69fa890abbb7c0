/* exportview.c - the export screen: one format at a time, its text
 * made by src/export from the settings that worked (secrets wiped
 * before), wrapped to the screen; s saves it. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "connlife.h"
#include "draw.h"
#include "export.h"
#include "frame.h"
#include "listview.h"
#include "prompt.h"
#include "screen.h"
#include "screens.h"

#define TOP 4			/* the text's first row */
#define LINES_MAX 256		/* lines of one export shown */

struct exportview {
	struct listview lv;		/* scroll-only, over the lines */
	enum export_format fmt;
	char *text;			/* the format's text, as saved */
	size_t len;
	char *shown;			/* a copy, split into lines */
	char *lines[LINES_MAX];		/* into shown */
	size_t n;
	char err[EXPORT_ERR_MAX];	/* why the format cannot say it */
};

/* What each format is, and the file it goes to by default. */
static const struct {
	const char *what;
	const char *file;
} formats[EXPORT_FORMAT_COUNT] = {
	[EXPORT_NEOMUTT] = { "a neomuttrc snippet: folder, spoolfile and "
			     "TLS", "./imapconn-neomuttrc" },
	[EXPORT_MBSYNC] = { "an mbsync (isync) IMAPAccount and IMAPStore; "
			    "fill in PassCmd", "./imapconn-mbsyncrc" },
	[EXPORT_CURL] = { "a curl command that lists the folders; curl asks "
			  "for the password", "./imapconn-curl.sh" },
	[EXPORT_OPENSSL] = { "an openssl s_client command that checks the "
			     "certificate and the name",
			     "./imapconn-openssl.sh" },
	[EXPORT_LISP] = { "the reference's make-imap-connection form",
			  "./imapconn-connection.el" },
};

static void
forget(struct exportview *e)
{
	free(e->text);
	free(e->shown);
	e->text = NULL;
	e->shown = NULL;
	e->len = 0;
	e->n = 0;
	e->err[0] = '\0';
}

static void
exportview_free(void *data)
{
	forget(data);
}

static struct exportview *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_EXPORT);
}

static bool
logged_in(const struct conn *c)
{
	return c != NULL && c->ready && !c->failed;
}

/* The text of fmt for the settings c was made with: 0, or -1 with the
 * reason in e->err. */
static int
make_text(struct exportview *e, const struct conn *c)
{
	struct conn_config *cfg = malloc(sizeof(*cfg));
	FILE *mem;
	int rc = -1;

	if (cfg == NULL) {
		snprintf(e->err, sizeof(e->err), "out of memory");
		return -1;
	}
	/* The settings the session was started with: they worked. */
	*cfg = c->diag_o.cfg;
	export_settle(cfg, c->starttls_done);
	mem = open_memstream(&e->text, &e->len);
	if (mem == NULL)
		snprintf(e->err, sizeof(e->err), "out of memory");
	else
		rc = export_write(e->fmt, cfg, mem, e->err, sizeof(e->err));
	if (mem != NULL && fclose(mem) != 0 && rc == 0) {
		snprintf(e->err, sizeof(e->err), "out of memory");
		rc = -1;
	}
	config_wipe(cfg);
	free(cfg);
	return rc;
}

/* A copy of e->text split into e->lines. */
static void
split(struct exportview *e)
{
	char *p = e->shown = strdup(e->text);

	while (p != NULL && *p != '\0' && e->n < LINES_MAX) {
		char *nl = strchr(p, '\n');

		e->lines[e->n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

static void
build(struct ui *ui)
{
	struct exportview *e = self(ui);

	forget(e);
	listview_init(&e->lv, true);
	if (ui->conn == NULL) {
		snprintf(e->err, sizeof(e->err), "no connection");
		return;
	}
	if (make_text(e, ui->conn) != 0) {
		/* Nothing is written then (export_write's contract). */
		free(e->text);
		e->text = NULL;
		return;
	}
	split(e);
}

/* Only a connection that logged in has something to export. */
static int
exportview_open(struct ui *ui)
{
	if (!logged_in(ui->conn)) {
		frame_message(ui, ROLE_WARN, "nothing to export: only a "
			      "connection that logged in has settings that "
			      "work");
		return -1;
	}
	return 0;
}

static void
exportview_enter(struct ui *ui)
{
	build(ui);
}

/* ------------------------------------------------------------ drawing */

/* The formats in a row, the one shown highlighted. */
static void
draw_tabs(struct ui *ui, int y)
{
	struct exportview *e = self(ui);
	int x = 1;

	for (int f = 0; f < EXPORT_FORMAT_COUNT; f++) {
		int attr = f == (int)e->fmt ? frame_attr(ui, ROLE_CURSOR) :
			   frame_attr(ui, ROLE_LABEL);

		x += draw_textf(stdscr, y, x, COLS - x - 1, attr, " %d %s ",
				f + 1, export_format_name((enum export_format)
							  f)) + 1;
	}
	draw_text(stdscr, y, x + 1, COLS - x - 2, "Left/Right: another",
		  frame_attr(ui, ROLE_DIM));
}

static void
draw_lines(struct ui *ui, int top, int bottom)
{
	struct exportview *e = self(ui);
	int y = top;

	listview_set_height(&e->lv, (size_t)(bottom - top));
	listview_set_len(&e->lv, e->n);
	/* Long lines (commands) wrap, so nothing is hidden. */
	for (size_t i = e->lv.top; i < e->n && y < bottom; i++) {
		const char *l = e->lines[i];
		/* Comments (# and ;;) dimmed: the settings stand out. */
		int attr = l[0] == '#' || l[0] == ';' ?
			   frame_attr(ui, ROLE_DIM) : 0;

		if (l[0] == '\0')
			y++;
		else
			y += draw_wrapped(stdscr, y, 2, COLS - 3, bottom - y,
					  l, attr);
	}
}

static void
exportview_draw(struct ui *ui)
{
	struct exportview *e = self(ui);
	char title[CONN_TEXT_MAX + 32];

	snprintf(title, sizeof(title), "export: %s", ui->conn != NULL ?
		 ui->conn->title : "");
	frame_draw(ui, title);
	draw_tabs(ui, 1);
	draw_textf(stdscr, 2, 1, COLS - 2, frame_attr(ui, ROLE_DIM),
		   "%s (never the password)", formats[e->fmt].what);
	if (e->text == NULL) {
		draw_textf(stdscr, TOP, 2, COLS - 4, frame_attr(ui, ROLE_WARN),
			   "%s cannot express this connection: %s",
			   export_format_name(e->fmt), e->err);
		return;
	}
	draw_lines(ui, TOP, LINES - 1);
}

/* ------------------------------------------------------------ keys */

static void
show_format(struct ui *ui, int f)
{
	struct exportview *e = self(ui);

	e->fmt = (enum export_format)((f + EXPORT_FORMAT_COUNT) %
				      EXPORT_FORMAT_COUNT);
	build(ui);
}

static void
next_format(struct ui *ui)
{
	show_format(ui, (int)self(ui)->fmt + 1);
}

static void
prev_format(struct ui *ui)
{
	show_format(ui, (int)self(ui)->fmt - 1);
}

static bool
exportview_key(struct ui *ui, int key)
{
	if (key < '1' || key >= '1' + EXPORT_FORMAT_COUNT)
		return false;
	show_format(ui, key - '1');
	return true;
}

static int
save_export(struct ui *ui, const char *path, bool overwrite)
{
	struct exportview *e = self(ui);
	char what[64];

	snprintf(what, sizeof(what), "the %s export",
		 export_format_name(e->fmt));
	return prompt_write(ui, path, overwrite, e->text, e->len, 0600,
			    what);
}

static void
ask_path(struct ui *ui)
{
	struct exportview *e = self(ui);

	if (e->text == NULL) {
		frame_message(ui, ROLE_WARN, "nothing to save in this format");
		return;
	}
	prompt_save(ui, "save it to", formats[e->fmt].file, save_export);
}

static struct listview *
exportview_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding exportview_bindings[] = {
	{ { UI_KEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h'), UI_ESC }, "Backspace",
	  "back (also Esc)", screen_close_view, "back" },
	{ { UI_KEY(KEY_RIGHT), '\t' }, "Right", "next format (also Tab)",
	  next_format, "format" },
	{ { UI_KEY(KEY_LEFT), UI_KEY(KEY_BTAB) }, "Left",
	  "previous format (also S-Tab)", prev_format, NULL },
	{ { 0 }, "1 .. 5", "neomutt, mbsync, curl, openssl, lisp", NULL,
	  NULL },
	{ { 's' }, "s", "save the format shown to a file (asks for the name)",
	  ask_path, "save" },
	UI_LIST_BINDINGS,
	UI_HELP_BINDING,
	{ { 'q' }, "q", "log out and quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen exportview_screen = {
	.title = "export",
	.size = sizeof(struct exportview),
	.free = exportview_free,
	.open = exportview_open,
	.enter = exportview_enter,
	.draw = exportview_draw,
	.key = exportview_key,
	.list = exportview_list,
	.bindings = exportview_bindings,
	.conn_keys = true,
};
