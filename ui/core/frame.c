/* frame.c - the frame of every screen: the title line, the status line
 * (the screen's keys, or a message over them) and the key help. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>

#include "draw.h"
#include "frame.h"

int
frame_attr(const struct ui *ui, enum theme_role role)
{
	return theme_attr(ui->colour, role);
}

void
frame_message(struct ui *ui, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_role = role;
	ui->dirty = true;
}

void
frame_key_tables(const struct ui *ui, const struct ui_binding *t[3])
{
	const struct ui_screen *s = ui->screens[ui->cur];

	t[0] = s->bindings_now != NULL ? s->bindings_now(ui) : s->bindings;
	t[1] = s->conn_keys ? ui->conn_bindings : NULL;
	t[2] = NULL;
}

/* The briefs of one key table from column x of row y; returns the
 * column after them. */
static int
draw_briefs(struct ui *ui, const struct ui_binding *b, int y, int x)
{
	int width = COLS, st = frame_attr(ui, ROLE_STATUS);

	for (; b != NULL && !UI_BINDING_END(b) && x < width; b++) {
		if (b->brief == NULL || b->name == NULL)
			continue;
		x += 1 + draw_text(stdscr, y, x + 1, width - x - 1, b->name,
				   frame_attr(ui, ROLE_KEY));
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

	draw_fill(stdscr, y, 0, COLS, frame_attr(ui, ROLE_STATUS));
	if (ui->msg[0] != '\0') {
		draw_text_fill(stdscr, y, 0, COLS, ui->msg,
			       frame_attr(ui, ui->msg_role) | A_REVERSE);
		return;
	}
	frame_key_tables(ui, tables);
	for (int i = 0; tables[i] != NULL; i++)
		x = draw_briefs(ui, tables[i], y, x);
}

void
frame_draw(struct ui *ui, const char *title)
{
	erase();
	frame_bars(ui, title);
}

void
frame_bars(struct ui *ui, const char *title)
{
	int attr = frame_attr(ui, ROLE_TITLE);
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

void
frame_help(struct ui *ui)
{
	const struct ui_binding *tables[3];
	int width = COLS - 4, height, keys, left;
	WINDOW *w;

	frame_key_tables(ui, tables);
	height = help_lines(tables, width, &keys) + 4;
	if (height > LINES - 2)
		height = LINES - 2;
	w = newwin(height, width, (LINES - height) / 2, (COLS - width) / 2);
	if (w == NULL)
		return;
	werase(w);
	box(w, 0, 0);
	draw_textf(w, 0, 2, width - 4, frame_attr(ui, ROLE_HEADING),
		   " keys: %s ", ui->screens[ui->cur]->title);
	left = help_entries(w, tables, width, height - 3);
	if (left > 0)
		draw_textf(w, height - 2, 2, width - 4,
			   frame_attr(ui, ROLE_WARN),
			   "%s %d more (a taller terminal shows them); any "
			   "key closes this help", draw_ellipsis(), left);
	else
		draw_text(w, height - 2, 2, width - 4, "any key closes this "
			  "help", frame_attr(ui, ROLE_DIM));
	wnoutrefresh(w);
	delwin(w);
}
