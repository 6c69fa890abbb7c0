/* input.c - a one-line text input with wide characters. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "draw.h"
#include "input.h"
#include "ui_int.h"

void
input_clear(struct input *in)
{
	in->len = 0;
	in->pos = 0;
	in->buf[0] = L'\0';
}

void
input_set(struct input *in, const char *utf8)
{
	mbstate_t st;
	size_t left = strlen(utf8);

	input_clear(in);
	memset(&st, 0, sizeof(st));
	while (left > 0 && in->len < INPUT_MAX) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, utf8, left, &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			n = 1;
		} else if (iswprint((wint_t)wc)) {
			in->buf[in->len++] = wc;
		}
		utf8 += n;
		left -= n;
	}
	in->buf[in->len] = L'\0';
	in->pos = in->len;
}

static enum input_result
insert(struct input *in, wchar_t wc)
{
	if (in->len == INPUT_MAX)
		return INPUT_MOVED;
	wmemmove(in->buf + in->pos + 1, in->buf + in->pos, in->len - in->pos);
	in->buf[in->pos++] = wc;
	in->buf[++in->len] = L'\0';
	return INPUT_EDITED;
}

/* Remove n characters starting at at. */
static enum input_result
cut(struct input *in, size_t at, size_t n)
{
	if (n == 0)
		return INPUT_MOVED;
	wmemmove(in->buf + at, in->buf + at + n, in->len - at - n);
	in->len -= n;
	in->buf[in->len] = L'\0';
	in->pos = at;
	return INPUT_EDITED;
}

static enum input_result
erase_word(struct input *in)
{
	size_t at = in->pos;

	while (at > 0 && in->buf[at - 1] == L' ')
		at--;
	while (at > 0 && in->buf[at - 1] != L' ')
		at--;
	return cut(in, at, in->pos - at);
}

static enum input_result
move_to(struct input *in, size_t pos)
{
	in->pos = pos;
	return INPUT_MOVED;
}

enum input_result
input_key(struct input *in, int key)
{
	if (key == '\n' || key == '\r' || key == UI_KEY(KEY_ENTER))
		return INPUT_ENTER;
	if (key == UI_ESC)
		return INPUT_ESCAPE;
	if (key == UI_KEY(KEY_BACKSPACE) || key == 127 || key == UI_CTRL('h'))
		return in->pos > 0 ? cut(in, in->pos - 1, 1) : INPUT_MOVED;
	if (key == UI_KEY(KEY_DC) || key == UI_CTRL('d'))
		return cut(in, in->pos, in->pos < in->len ? 1 : 0);
	if (key == UI_CTRL('u'))
		return cut(in, 0, in->len);
	if (key == UI_CTRL('w'))
		return erase_word(in);
	if (key == UI_KEY(KEY_LEFT))
		return move_to(in, in->pos > 0 ? in->pos - 1 : 0);
	if (key == UI_KEY(KEY_RIGHT))
		return move_to(in, in->pos < in->len ? in->pos + 1 : in->len);
	if (key == UI_KEY(KEY_HOME) || key == UI_CTRL('a'))
		return move_to(in, 0);
	if (key == UI_KEY(KEY_END) || key == UI_CTRL('e'))
		return move_to(in, in->len);
	if ((key & UI_FN) == 0 && key >= 0x20 && key <= WCHAR_MAX
	    && iswprint((wint_t)key))
		return insert(in, (wchar_t)key);
	return INPUT_IGNORED;
}

size_t
input_utf8(const struct input *in, char *out, size_t cap)
{
	size_t used = 0;
	mbstate_t st;

	if (cap == 0)
		return 0;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < in->len; i++) {
		char mb[MB_LEN_MAX];
		size_t n = wcrtomb(mb, in->buf[i], &st);

		if (n == (size_t)-1)
			continue;
		if (used + n >= cap)
			break;
		memcpy(out + used, mb, n);
		used += n;
	}
	out[used] = '\0';
	return used;
}

static int
wc_cols(wchar_t wc)
{
	int w = wcwidth(wc);

	return w < 0 ? 1 : w;
}

void
input_draw(WINDOW *w, int y, int x, int width, const char *prompt,
	   const struct input *in, int attr)
{
	int pw = draw_text(w, y, x, width, prompt, attr | A_BOLD);
	int room = width - pw - 1, cols = 0;
	size_t first = 0;

	draw_fill(w, y, x + pw, width - pw, attr);
	if (room <= 0)
		return;
	/* Scroll so the cursor is on the screen. */
	for (size_t i = 0; i < in->pos; i++)
		cols += wc_cols(in->buf[i]);
	while (cols >= room && first < in->pos)
		cols -= wc_cols(in->buf[first++]);
	wmove(w, y, x + pw);
	wattrset(w, attr);
	for (size_t i = first, used = 0; i < in->len; i++) {
		int c = wc_cols(in->buf[i]);

		if ((int)used + c > room)
			break;
		waddnwstr(w, &in->buf[i], 1);
		used += (size_t)c;
	}
	wattrset(w, A_NORMAL);
	wmove(w, y, x + pw + cols);
}
