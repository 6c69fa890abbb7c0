/* listview.c - cursor, scrolling and paging of a list, without curses. */
#include "listview.h"

void
listview_init(struct listview *lv, bool scroll_only)
{
	lv->len = 0;
	lv->cursor = 0;
	lv->top = 0;
	lv->height = 0;
	lv->scroll_only = scroll_only;
}

/* The lowest first row that still fills the screen. */
static size_t
max_top(const struct listview *lv)
{
	if (lv->height == 0 || lv->len <= lv->height)
		return lv->len > 0 && lv->height == 0 ? lv->len - 1 : 0;
	return lv->len - lv->height;
}

/* Restore the invariants after any change. */
static void
settle(struct listview *lv)
{
	if (lv->len == 0) {
		lv->cursor = 0;
		lv->top = 0;
		return;
	}
	if (lv->scroll_only) {
		if (lv->top > max_top(lv))
			lv->top = max_top(lv);
		lv->cursor = lv->top;
		return;
	}
	if (lv->cursor >= lv->len)
		lv->cursor = lv->len - 1;
	if (lv->height == 0) {
		lv->top = lv->cursor;
		return;
	}
	if (lv->cursor < lv->top)
		lv->top = lv->cursor;
	if (lv->cursor >= lv->top + lv->height)
		lv->top = lv->cursor - lv->height + 1;
	if (lv->top > max_top(lv))
		lv->top = max_top(lv);
}

void
listview_set_len(struct listview *lv, size_t len)
{
	lv->len = len;
	settle(lv);
}

void
listview_set_height(struct listview *lv, size_t height)
{
	lv->height = height;
	settle(lv);
}

/* index + delta, clamped to 0 .. limit. */
static size_t
offset(size_t index, long delta, size_t limit)
{
	if (delta < 0) {
		size_t back = (size_t)-(delta + 1) + 1;

		return back >= index ? 0 : index - back;
	}
	if (index >= limit || (size_t)delta >= limit - index)
		return limit;
	return index + (size_t)delta;
}

void
listview_move(struct listview *lv, long delta)
{
	if (lv->len == 0)
		return;
	if (lv->scroll_only)
		lv->top = offset(lv->top, delta, max_top(lv));
	else
		lv->cursor = offset(lv->cursor, delta, lv->len - 1);
	settle(lv);
}

void
listview_page(struct listview *lv, long pages)
{
	long step = lv->height > 1 ? (long)lv->height : 1;

	if (lv->len == 0)
		return;
	if (lv->scroll_only) {
		listview_move(lv, pages * step);
		return;
	}
	/* View and cursor move together; at either end the cursor goes on
	 * alone as far as the list lets it. */
	lv->top = offset(lv->top, pages * step, max_top(lv));
	lv->cursor = offset(lv->cursor, pages * step, lv->len - 1);
	settle(lv);
}

void
listview_home(struct listview *lv)
{
	lv->cursor = 0;
	lv->top = 0;
	settle(lv);
}

void
listview_end(struct listview *lv)
{
	if (lv->len == 0)
		return;
	lv->cursor = lv->len - 1;
	lv->top = max_top(lv);
	settle(lv);
}

void
listview_set_cursor(struct listview *lv, size_t i)
{
	if (lv->len == 0)
		return;
	if (lv->scroll_only)
		lv->top = i;
	else
		lv->cursor = i;
	settle(lv);
}

size_t
listview_visible(const struct listview *lv, size_t *first)
{
	size_t n;

	*first = lv->top;
	if (lv->len == 0 || lv->height == 0)
		return 0;
	n = lv->len - lv->top;
	return n < lv->height ? n : lv->height;
}
