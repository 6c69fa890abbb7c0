/* check_listview.c - the list widget model: moving, paging, scrolling,
 * resizing, empty lists and lengths changing under the cursor. */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "check_units.h"
#include "listview.h"

/* The invariants every operation must keep. */
static void
check_invariants(const struct listview *lv)
{
	size_t first, n = listview_visible(lv, &first);

	if (lv->len == 0) {
		ck_assert_uint_eq(lv->cursor, 0);
		ck_assert_uint_eq(lv->top, 0);
		ck_assert_uint_eq(n, 0);
		return;
	}
	ck_assert_uint_lt(lv->cursor, lv->len);
	ck_assert_uint_eq(first, lv->top);
	if (lv->height > 0) {
		ck_assert_uint_le(lv->top, lv->cursor);
		ck_assert_uint_lt(lv->cursor, lv->top + lv->height);
		/* No blank rows at the bottom while the list could fill
		 * them. */
		if (lv->len >= lv->height)
			ck_assert_uint_le(lv->top, lv->len - lv->height);
		else
			ck_assert_uint_eq(lv->top, 0);
		ck_assert_uint_eq(n, lv->len - lv->top < lv->height ?
				  lv->len - lv->top : lv->height);
	}
	if (lv->scroll_only)
		ck_assert_uint_eq(lv->cursor, lv->top);
}

static void
make(struct listview *lv, bool scroll_only, size_t len, size_t height)
{
	listview_init(lv, scroll_only);
	listview_set_height(lv, height);
	listview_set_len(lv, len);
	check_invariants(lv);
}

START_TEST(test_empty)
{
	struct listview lv;
	size_t first = 99;

	make(&lv, false, 0, 10);
	ck_assert_uint_eq(listview_visible(&lv, &first), 0);
	listview_move(&lv, 1);
	check_invariants(&lv);
	listview_move(&lv, -1);
	check_invariants(&lv);
	listview_page(&lv, 1);
	check_invariants(&lv);
	listview_page(&lv, -1);
	listview_home(&lv);
	listview_end(&lv);
	listview_set_cursor(&lv, 5);
	check_invariants(&lv);
	ck_assert_uint_eq(lv.cursor, 0);
	/* A list that empties under the cursor. */
	make(&lv, false, 50, 10);
	listview_set_cursor(&lv, 42);
	listview_set_len(&lv, 0);
	check_invariants(&lv);
	ck_assert_uint_eq(lv.top, 0);
}
END_TEST

/* One step of a table-driven walk and where the cursor and the first
 * row must then be. */
enum op { MOVE, PAGE, HOME, END, SET, LEN, HEIGHT };

struct step {
	enum op op;
	long arg;
	size_t cursor, top;
};

struct walk {
	const char *name;
	bool scroll_only;
	size_t len, height;
	struct step steps[12];
	size_t nsteps;
};

static const struct walk walks[] = {
	{ "down and up by lines", false, 10, 5, {
		{ MOVE, 1, 1, 0 }, { MOVE, 2, 3, 0 }, { MOVE, 1, 4, 0 },
		{ MOVE, 1, 5, 1 }, { MOVE, 3, 8, 4 }, { MOVE, 100, 9, 5 },
		{ MOVE, 1, 9, 5 }, { MOVE, -1, 8, 5 }, { MOVE, -4, 4, 4 },
		{ MOVE, -100, 0, 0 }, { MOVE, -1, 0, 0 } }, 11 },
	{ "paging", false, 100, 10, {
		{ MOVE, 3, 3, 0 }, { PAGE, 1, 13, 10 }, { PAGE, 2, 33, 30 },
		{ END, 0, 99, 90 }, { PAGE, 1, 99, 90 }, { PAGE, -1, 89, 80 },
		{ HOME, 0, 0, 0 }, { PAGE, -1, 0, 0 }, { MOVE, 95, 95, 86 },
		{ PAGE, 1, 99, 90 } }, 10 },
	{ "resizing keeps the cursor shown", false, 100, 10, {
		{ SET, 50, 50, 41 }, { HEIGHT, 3, 50, 48 },
		{ HEIGHT, 40, 50, 48 }, { HEIGHT, 200, 50, 0 },
		{ HEIGHT, 1, 50, 50 }, { HEIGHT, 0, 50, 50 },
		{ HEIGHT, 10, 50, 50 } }, 7 },
	{ "filtered lengths under the cursor", false, 100, 10, {
		{ SET, 80, 80, 71 }, { LEN, 20, 19, 10 }, { LEN, 5, 4, 0 },
		{ LEN, 0, 0, 0 }, { LEN, 50, 0, 0 }, { SET, 30, 30, 21 },
		{ LEN, 35, 30, 21 }, { LEN, 31, 30, 21 }, { LEN, 30, 29, 20 },
		{ LEN, 25, 24, 15 }, { LEN, 200, 24, 15 } }, 11 },
	{ "a short list", false, 3, 10, {
		{ MOVE, 5, 2, 0 }, { PAGE, 1, 2, 0 }, { PAGE, -1, 0, 0 },
		{ END, 0, 2, 0 }, { LEN, 1, 0, 0 } }, 5 },
	{ "a document scrolls without a cursor", true, 30, 10, {
		{ MOVE, 1, 1, 1 }, { MOVE, 5, 6, 6 }, { END, 0, 20, 20 },
		{ MOVE, 5, 20, 20 }, { PAGE, -1, 10, 10 },
		{ PAGE, -5, 0, 0 }, { SET, 25, 20, 20 }, { LEN, 15, 5, 5 },
		{ HEIGHT, 20, 0, 0 }, { LEN, 0, 0, 0 } }, 10 },
	{ "extreme moves do not wrap", false, 7, 3, {
		{ MOVE, LONG_MAX, 6, 4 }, { MOVE, LONG_MIN, 0, 0 },
		{ PAGE, LONG_MAX / 100, 6, 4 }, { SET, 1000, 6, 4 } }, 4 },
};

static void
apply(struct listview *lv, const struct step *s)
{
	switch (s->op) {
	case MOVE:
		listview_move(lv, s->arg);
		break;
	case PAGE:
		listview_page(lv, s->arg);
		break;
	case HOME:
		listview_home(lv);
		break;
	case END:
		listview_end(lv);
		break;
	case SET:
		listview_set_cursor(lv, (size_t)s->arg);
		break;
	case LEN:
		listview_set_len(lv, (size_t)s->arg);
		break;
	case HEIGHT:
		listview_set_height(lv, (size_t)s->arg);
		break;
	}
}

START_TEST(test_walks)
{
	const struct walk *w = &walks[_i];
	struct listview lv;

	make(&lv, w->scroll_only, w->len, w->height);
	for (size_t i = 0; i < w->nsteps; i++) {
		apply(&lv, &w->steps[i]);
		check_invariants(&lv);
		ck_assert_msg(lv.cursor == w->steps[i].cursor
			      && lv.top == w->steps[i].top,
			      "%s, step %zu: cursor %zu top %zu, want %zu %zu",
			      w->name, i, lv.cursor, lv.top,
			      w->steps[i].cursor, w->steps[i].top);
	}
}
END_TEST

/* Every move from every place keeps the cursor on the screen. */
START_TEST(test_cursor_always_visible)
{
	static const long deltas[] = { 1, -1, 3, -7, 9, -9, 10, -10, 25 };
	struct listview lv;

	for (size_t height = 1; height <= 12; height++) {
		make(&lv, false, 40, height);
		for (size_t k = 0; k < 200; k++) {
			size_t nd = sizeof(deltas) / sizeof(deltas[0]);
			long d = deltas[k % nd];
			size_t before = lv.cursor;

			if (k % 5 == 4)
				listview_page(&lv, d > 0 ? 1 : -1);
			else
				listview_move(&lv, d);
			check_invariants(&lv);
			if (k % 5 != 4 && d > 0)
				ck_assert_uint_ge(lv.cursor, before);
			if (k % 5 != 4 && d < 0)
				ck_assert_uint_le(lv.cursor, before);
		}
	}
}
END_TEST

START_TEST(test_height_unknown)
{
	struct listview lv;
	size_t first;

	make(&lv, false, 20, 0);
	ck_assert_uint_eq(listview_visible(&lv, &first), 0);
	listview_set_cursor(&lv, 12);
	ck_assert_uint_eq(lv.cursor, 12);
	ck_assert_uint_eq(lv.top, 12);
	listview_set_height(&lv, 5);
	check_invariants(&lv);
	ck_assert_uint_eq(lv.cursor, 12);
	ck_assert_uint_eq(listview_visible(&lv, &first), 5);
	ck_assert_uint_eq(first, 12);
}
END_TEST

Suite *
suite_listview(void)
{
	Suite *s = suite_create("listview");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_empty);
	tcase_add_loop_test(tc, test_walks, 0,
			    (int)(sizeof(walks) / sizeof(walks[0])));
	tcase_add_test(tc, test_cursor_always_visible);
	tcase_add_test(tc, test_height_unknown);
	suite_add_tcase(s, tc);
	return s;
}
