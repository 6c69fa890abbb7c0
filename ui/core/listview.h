/* listview.h - the model of one scrolling list on screen: length,
 * cursor, first row shown and height.  No curses here, so every list
 * of the interface moves the same way and the model is unit-tested.
 *
 * A list either has a cursor (a selected row that scrolling keeps in
 * view) or is scroll-only (a document: the keys move the view, and the
 * cursor stays equal to the first row shown).  Every function keeps the
 * invariants: cursor < len (0 when empty), top <= cursor < top + height
 * when height > 0, and top no further down than needed to fill the
 * screen (top <= len - height when len >= height, else 0). */
#ifndef IMAPCONN_LISTVIEW_H
#define IMAPCONN_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>

struct listview {
	size_t len;		/* rows in the list */
	size_t cursor;		/* the selected row; 0 when empty */
	size_t top;		/* first row on screen */
	size_t height;		/* rows on screen; 0 until known */
	bool scroll_only;	/* a document without a cursor */
};

/* An empty list of height 0. */
void listview_init(struct listview *lv, bool scroll_only);

/* The list now has len rows (filtering, rows arriving, a collapse):
 * the cursor stays on its index when it still exists, else moves to
 * the last row; the view follows. */
void listview_set_len(struct listview *lv, size_t len);

/* The screen now shows height rows (a resize). */
void listview_set_height(struct listview *lv, size_t height);

/* Move the cursor (or, scroll-only, the view) by delta rows, stopping
 * at either end. */
void listview_move(struct listview *lv, long delta);

/* Move by whole screens: pages > 0 down, < 0 up.  The cursor keeps
 * its place on the screen when the view can scroll that far. */
void listview_page(struct listview *lv, long pages);

/* First and last row. */
void listview_home(struct listview *lv);
void listview_end(struct listview *lv);

/* Put the cursor on row i (clamped to the list) and scroll it into
 * view; scroll-only lists bring row i to the top as far as they can. */
void listview_set_cursor(struct listview *lv, size_t i);

/* The rows on screen: returns how many (0 when empty or height 0) and
 * sets *first to the first of them. */
size_t listview_visible(const struct listview *lv, size_t *first);

#endif
