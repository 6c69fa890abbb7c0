/* draw.h - putting UTF-8 text on the screen by display columns: wide
 * characters take two, combining ones none, and nothing is drawn past
 * the width given. */
#ifndef IMAPCONN_DRAW_H
#define IMAPCONN_DRAW_H

#include <curses.h>
#include <stddef.h>

/* Columns s takes on a terminal (bytes that are not valid UTF-8, or
 * characters without a width, count as one column each, as drawn). */
size_t draw_width(const char *s);

/* Draw s at y, x with attr, at most width columns of it, after skipping
 * its first skip columns (horizontal scrolling).  Characters that do
 * not fit whole are left out; invalid bytes and control characters are
 * drawn as '?'.  Returns the columns drawn. */
int draw_text_skip(WINDOW *w, int y, int x, int width, const char *s,
		   size_t skip, int attr);

/* draw_text_skip() with the hl_len bytes from byte hl_off of s drawn
 * in hl_attr (a search match). */
int draw_text_hl(WINDOW *w, int y, int x, int width, const char *s,
		 size_t skip, int attr, size_t hl_off, size_t hl_len,
		 int hl_attr);

/* draw_text_skip() without skipping. */
int draw_text(WINDOW *w, int y, int x, int width, const char *s,
	      int attr);

/* As draw_text(), then spaces in attr up to width columns. */
void draw_text_fill(WINDOW *w, int y, int x, int width, const char *s,
		    int attr);

/* printf-formatted draw_text(); the text is cut at 512 bytes. */
int draw_textf(WINDOW *w, int y, int x, int width, int attr,
	       const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The mark of cut text: "\u2026", or "..." where the terminal has no
 * such character. */
const char *draw_ellipsis(void);

/* As draw_text(), but a text wider than width ends with an ellipsis
 * ("...": without UTF-8) to show that it was cut. */
int draw_text_cut(WINDOW *w, int y, int x, int width, const char *s,
		  int attr);

/* Spaces in attr over width columns. */
void draw_fill(WINDOW *w, int y, int x, int width, int attr);

/* Draw s wrapped at spaces into lines of width columns, from line y,
 * at most max_lines lines (the last one cut, with an ellipsis).
 * Returns the lines used. */
int draw_wrapped(WINDOW *w, int y, int x, int width, int max_lines,
		 const char *s, int attr);

/* Lines draw_wrapped() would use for s, without a limit. */
int draw_wrapped_lines(const char *s, int width);

/* A bar of width columns: the first fraction (0..1) of it blanks in
 * attr_full (give it a reverse or coloured background), the rest dots
 * in attr_empty. */
void draw_bar(WINDOW *w, int y, int x, int width, double fraction,
	      int attr_full, int attr_empty);

#endif
