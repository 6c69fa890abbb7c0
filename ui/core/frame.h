/* frame.h - what every screen draws around itself: the title line, the
 * status line with the keys of the screen or a one-shot message, and
 * the key help over it; the attributes of the terminal's theme. */
#ifndef IMAPCONN_FRAME_H
#define IMAPCONN_FRAME_H

#include "ui_int.h"

/* The attributes of a role on this terminal. */
int frame_attr(const struct ui *ui, enum theme_role role);

/* Show a message over the status line until the next key. */
void frame_message(struct ui *ui, enum theme_role role, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/* The key tables of the current screen, its own first, then those of
 * every screen that shows a connection when it is one; NULL ends. */
void frame_key_tables(const struct ui *ui, const struct ui_binding *t[3]);

/* Clear the screen, then draw the title line (row 0) with title and
 * the status line (last row) from the screen's bindings (or the
 * message). */
void frame_draw(struct ui *ui, const char *title);

/* frame_draw() without clearing the screen. */
void frame_bars(struct ui *ui, const char *title);

/* The keys of the current screen in a popup as wide as the terminal
 * allows, each help wrapped; what does not fit is marked cut. */
void frame_help(struct ui *ui);

#endif
