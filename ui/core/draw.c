/* draw.c - UTF-8 text on the screen, measured in display columns. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"

#define DRAW_CHUNK 128

/* Invisible characters that reorder or break what a terminal shows:
 * drawn as '?' even though the core escapes them already. */
static const struct {
	wchar_t lo, hi;
} draw_refused[] = {
	{ 0x061c, 0x061c }, { 0x200e, 0x200f }, { 0x2028, 0x202e },
	{ 0x2066, 0x2069 },
};

static bool
refused(wchar_t wc)
{
	for (size_t i = 0; i < sizeof(draw_refused) / sizeof(draw_refused[0]);
	     i++)
		if (wc >= draw_refused[i].lo && wc <= draw_refused[i].hi)
			return true;
	return false;
}

/* One character of s: its length in bytes (at least 1), the wide
 * character to draw and its width in columns (0 for combining). */
static size_t
next_char(const char *s, size_t left, wchar_t *wc, int *cols)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(wc, s, left, &st);
	if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
		*wc = L'?';
		*cols = 1;
		return 1;
	}
	*cols = wcwidth(*wc);
	if (*cols < 0 || refused(*wc)) {
		*wc = L'?';
		*cols = 1;
	}
	return n;
}

size_t
draw_width(const char *s)
{
	size_t left = strlen(s), cols = 0;

	while (left > 0) {
		wchar_t wc;
		int w;
		size_t n = next_char(s, left, &wc, &w);

		cols += (size_t)w;
		s += n;
		left -= n;
	}
	return cols;
}

struct chunk {
	WINDOW *w;
	wchar_t buf[DRAW_CHUNK + 1];
	int n;
};

static void
chunk_flush(struct chunk *c)
{
	if (c->n > 0)
		waddnwstr(c->w, c->buf, c->n);
	c->n = 0;
}

static void
chunk_add(struct chunk *c, wchar_t wc)
{
	if (c->n == DRAW_CHUNK)
		chunk_flush(c);
	c->buf[c->n++] = wc;
}

int
draw_text_hl(WINDOW *w, int y, int x, int width, const char *s,
	     size_t skip, int attr, size_t hl_off, size_t hl_len,
	     int hl_attr)
{
	struct chunk c = { .w = w, .n = 0 };
	const char *start = s;
	size_t left = strlen(s), at = 0;
	int drawn = 0, now = attr;

	if (width <= 0)
		return 0;
	wmove(w, y, x);
	wattrset(w, attr);
	while (left > 0) {
		size_t off = (size_t)(s - start);
		int want = off >= hl_off && off - hl_off < hl_len ? hl_attr :
			   attr;
		wchar_t wc;
		int cols;
		size_t n = next_char(s, left, &wc, &cols);

		s += n;
		left -= n;
		if (at < skip) {
			at += (size_t)cols;
			/* A wide character cut by the edge: a blank for it. */
			if (at > skip && drawn < width) {
				chunk_add(&c, L' ');
				drawn++;
			}
			continue;
		}
		if (drawn + cols > width)
			break;
		if (cols == 0 && drawn == 0)
			continue;	/* a combining mark with no base */
		if (want != now) {
			chunk_flush(&c);
			wattrset(w, want);
			now = want;
		}
		chunk_add(&c, wc);
		drawn += cols;
	}
	chunk_flush(&c);
	wattrset(w, A_NORMAL);
	return drawn;
}

int
draw_text_skip(WINDOW *w, int y, int x, int width, const char *s,
	       size_t skip, int attr)
{
	return draw_text_hl(w, y, x, width, s, skip, attr, 0, 0, attr);
}

int
draw_text(WINDOW *w, int y, int x, int width, const char *s, int attr)
{
	return draw_text_skip(w, y, x, width, s, 0, attr);
}

const char *
draw_ellipsis(void)
{
	return wcwidth(L'\u2026') == 1 ? "\u2026" : "...";
}

int
draw_text_cut(WINDOW *w, int y, int x, int width, const char *s, int attr)
{
	const char *mark = draw_ellipsis();
	int mw = (int)draw_width(mark), n;

	if ((int)draw_width(s) <= width || width <= mw)
		return draw_text(w, y, x, width, s, attr);
	n = draw_text(w, y, x, width - mw, s, attr);
	return n + draw_text(w, y, x + n, mw, mark, attr);
}

void
draw_fill(WINDOW *w, int y, int x, int width, int attr)
{
	if (width <= 0)
		return;
	wmove(w, y, x);
	wattrset(w, attr);
	for (int i = 0; i < width; i++)
		waddch(w, ' ');
	wattrset(w, A_NORMAL);
}

void
draw_text_fill(WINDOW *w, int y, int x, int width, const char *s,
	       int attr)
{
	int n = draw_text(w, y, x, width, s, attr);

	draw_fill(w, y, x + n, width - n, attr);
}

int
draw_textf(WINDOW *w, int y, int x, int width, int attr, const char *fmt,
	   ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return draw_text(w, y, x, width, buf, attr);
}

/* Bytes of s that fit in width columns, ending at a space when one is
 * there; *next is where the following line starts. */
static size_t
wrap_line(const char *s, int width, const char **next)
{
	size_t left = strlen(s), used = 0, last_space = 0;
	int cols = 0;

	while (used < left) {
		wchar_t wc;
		int w;
		size_t n = next_char(s + used, left - used, &wc, &w);

		if (cols + w > width)
			break;
		if (wc == L' ')
			last_space = used;
		cols += w;
		used += n;
	}
	if (used < left && last_space > 0) {
		*next = s + last_space + 1;
		return last_space;
	}
	if (used == 0 && left > 0)
		used = 1;	/* wider than the line: move on */
	*next = s + used;
	return used;
}

static int
wrap_walk(WINDOW *w, int y, int x, int width, int max_lines,
	  const char *s, int attr)
{
	char line[1024];
	int lines = 0;

	if (width <= 0)
		return 0;
	while (*s != '\0' && (max_lines < 0 || lines < max_lines)) {
		const char *next;
		size_t n = wrap_line(s, width, &next);

		if (w != NULL && *next != '\0' && lines + 1 == max_lines) {
			/* The last line allowed, with more to come. */
			draw_text_cut(w, y + lines, x, width, s, attr);
		} else if (w != NULL) {
			if (n >= sizeof(line))
				n = sizeof(line) - 1;
			memcpy(line, s, n);
			line[n] = '\0';
			draw_text(w, y + lines, x, width, line, attr);
		}
		lines++;
		s = next;
	}
	return lines;
}

int
draw_wrapped(WINDOW *w, int y, int x, int width, int max_lines,
	     const char *s, int attr)
{
	return wrap_walk(w, y, x, width, max_lines, s, attr);
}

int
draw_wrapped_lines(const char *s, int width)
{
	return wrap_walk(NULL, 0, 0, width, -1, s, 0);
}

void
draw_bar(WINDOW *w, int y, int x, int width, double fraction,
	 int attr_full, int attr_empty)
{
	int full;

	if (width <= 0)
		return;
	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	full = (int)(fraction * width + 0.5);
	draw_fill(w, y, x, full, attr_full);
	wmove(w, y, x + full);
	wattrset(w, attr_empty);
	for (int i = full; i < width; i++)
		waddch(w, '.');
	wattrset(w, A_NORMAL);
}
