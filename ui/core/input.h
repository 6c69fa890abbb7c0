/* input.h - a one-line text input (filter, search, file name): wide
 * characters, a cursor, the usual editing keys. */
#ifndef IMAPCONN_INPUT_H
#define IMAPCONN_INPUT_H

#include <curses.h>
#include <stddef.h>
#include <wchar.h>

#define INPUT_MAX 512

struct input {
	wchar_t buf[INPUT_MAX + 1];	/* NUL-terminated */
	size_t len;
	size_t pos;			/* cursor, 0..len */
};

enum input_result {
	INPUT_IGNORED = 0,	/* not an editing key */
	INPUT_EDITED,		/* the text changed */
	INPUT_MOVED,		/* only the cursor moved */
	INPUT_ENTER,
	INPUT_ESCAPE
};

/* Empty the input. */
void input_clear(struct input *in);

/* Set the text from UTF-8 (invalid bytes dropped), cursor at the end. */
void input_set(struct input *in, const char *utf8);

/* Apply one key (a ui key code, see ui_int.h): printable characters
 * insert; Backspace, Delete, Ctrl-U (clear), Ctrl-W (word), Left,
 * Right, Home, End, Ctrl-A, Ctrl-E edit and move; Enter and Esc end. */
enum input_result input_key(struct input *in, int key);

/* The text as UTF-8 into out (cap bytes, NUL-terminated; cut at a
 * character boundary).  Returns its length. */
size_t input_utf8(const struct input *in, char *out, size_t cap);

/* Draw prompt and text at y, x over width columns in attr, scrolled so
 * the cursor shows, and leave the terminal cursor there. */
void input_draw(WINDOW *w, int y, int x, int width, const char *prompt,
		const struct input *in, int attr);

#endif
