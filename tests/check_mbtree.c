/* check_mbtree.c - the mailbox tree: order, expansion, filter, depth. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "mailbox.h"
#include "mboxname.h"
#include "mbtree.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define BIG 4096
#define NONE ((size_t)-1)
#define ORDERS 8
#define DEEP MBTREE_DEPTH_MAX
#define FOLD_NAMES 8
#define FOLD_LEN ((size_t)1 << 20)

/* Marks in rendered rows, besides "?" for a parent nobody listed. */
enum mark {
	MARK_MATCH = 1u << 0,	/* "*" after a match */
	MARK_OPEN = 1u << 1	/* "-" expanded, "+" collapsed */
};

struct spec {
	const char *raw;
	char delim;
};

#define END { NULL, 0 }

/* An entry as the session makes one. */
static struct mailbox_entry *
entry_make(const char *raw, char delim)
{
	char display[MAILBOX_NAME_MAX];
	size_t len = strlen(raw);
	struct mailbox_entry *e;
	int bad;

	bad = mboxname_display(raw, len, display, sizeof(display));
	e = mailbox_entry_new(raw, len, display);
	ck_assert_ptr_nonnull(e);
	e->name_valid = bad == 0;
	e->delim = delim;
	return e;
}

static void
add(struct mbtree *t, const char *raw, char delim)
{
	ck_assert_int_eq(mbtree_add(t, entry_make(raw, delim)), 0);
}

static size_t
spec_count(const struct spec *s)
{
	size_t n = 0;

	while (s[n].raw != NULL)
		n++;
	return n;
}

/* A small generator, so that orders are the same on every run. */
static uint32_t
rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
}

/* Fill order with 0..n-1: as given (seed 0), reversed (seed 1) or
 * shuffled. */
static void
make_order(size_t *order, size_t n, unsigned seed)
{
	uint64_t st = seed;
	size_t j, tmp;

	for (size_t i = 0; i < n; i++)
		order[i] = seed == 1 ? n - 1 - i : i;
	if (seed < 2)
		return;
	for (size_t i = n; i > 1; i--) {
		j = rnd(&st) % i;
		tmp = order[i - 1];
		order[i - 1] = order[j];
		order[j] = tmp;
	}
}

/* The tree of s, added in order seed, built. */
static struct mbtree *
tree_of(const struct spec *s, unsigned seed)
{
	size_t n = spec_count(s), order[64];
	struct mbtree *t = mbtree_new();

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_le(n, N(order));
	make_order(order, n, seed);
	for (size_t i = 0; i < n; i++)
		add(t, s[order[i]].raw, s[order[i]].delim);
	mbtree_build(t);
	return t;
}

/* The visible rows as "label|.child|..grandchild", a dot per level. */
static const char *
render(const struct mbtree *t, unsigned marks, char *out, size_t cap)
{
	struct mbtree_row r;
	size_t len = 0;
	int n;

	out[0] = '\0';
	for (size_t i = 0; i < mbtree_rows(t); i++) {
		mbtree_row(t, i, &r);
		ck_assert_uint_eq(strlen(r.label), r.label_len);
		n = snprintf(out + len, cap - len, "%s%*s%s%s%s%s",
			     i > 0 ? "|" : "", (int)r.depth, "", r.label,
			     r.entry == NULL ? "?" : "",
			     (marks & MARK_MATCH) && r.match ? "*" : "",
			     !(marks & MARK_OPEN) || !r.has_children ? "" :
			     r.expanded ? "-" : "+");
		ck_assert_int_gt(n, 0);
		ck_assert_uint_lt((size_t)n, cap - len);
		/* Depth as dots: the padding was spaces. */
		for (size_t k = len + (i > 0); k < len + (i > 0) + r.depth;
		     k++)
			out[k] = '.';
		len += (size_t)n;
	}
	return out;
}

/* Building ---------------------------------------------------------- */

struct build_case {
	const char *what;
	struct spec in[12];
	const char *want;	/* all expanded */
	size_t count;
};

static const struct build_case build_cases[] = {
	{ "hierarchy",
	  { { "INBOX", '/' }, { "INBOX/Sent", '/' }, { "INBOX/Drafts", '/' },
	    { "Archive", '/' }, { "Archive/2020", '/' },
	    { "Archive/2019", '/' }, { "zeta", '/' }, { "Alpha", '/' }, END },
	  "INBOX|.Drafts|.Sent|Alpha|Archive|.2019|.2020|zeta", 8 },
	{ "missing parents",
	  { { "a/b/c", '/' }, { "x/y", '/' }, { "x", '/' }, END },
	  "a?|.b?|..c|x|.y", 3 },
	{ "INBOX first at the top only, any case",
	  { { "Aardvark", '/' }, { "inbox", '/' }, { "INBOXES", '/' },
	    { "0zero", '/' }, { "Box/INBOX", '/' }, { "Box/Aa", '/' },
	    END },
	  "inbox|0zero|Aardvark|Box?|.Aa|.INBOX|INBOXES", 6 },
	{ "case-insensitive order",
	  { { "b", '/' }, { "A", '/' }, { "C", '/' }, { "a", '/' }, END },
	  "A|a|b|C", 4 },
	{ "delimiter NIL",
	  { { "a/b", 0 }, { "a.c", 0 }, { "b", 0 }, END },
	  "a.c|a/b|b", 3 },
	{ "mixed delimiters",
	  { { "a.b", '.' }, { "a/c", '/' }, { "a", '/' }, { "x/y.z", '/' },
	    END },
	  "a|.b|.c|x?|.y.z", 4 },
	{ "decoded components",
	  { { "Entw&APw-rfe", '/' }, { "&ZeVnLIqe-/&U,BTFw-", '/' },
	    { "A&-B", '/' }, END },
	  "A&B|Entw\xc3\xbcrfe|\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e?"
	  "|.\xe5\x8f\xb0\xe5\x8c\x97", 3 },
	{ "delimiter inside a shift sequence",
	  { { "x,&U,BTFw-", ',' }, END },
	  "x?|.\xe5\x8f\xb0\xe5\x8c\x97", 1 },
	{ "empty components",
	  { { "a//b", '/' }, { "/lead", '/' }, END },
	  "?|.lead|a?|.?|..b", 2 },
	{ "invalid modified UTF-7 shown raw",
	  { { "caf\xc3\xa9", '/' }, { "Bad&Jjo/x", '/' }, { "ok/&AOk", '/' },
	    { "z\xff", '/' }, END },
	  "Bad&Jjo/x|caf\xc3\xa9|ok?|.&AOk|z\\xff", 4 },
	{ "terminal escapes",
	  { { "a&ABs-b", '/' }, { "back\\slash", '/' }, END },
	  "a\\eb|back\\slash", 2 },
	{ "duplicates",
	  { { "a", '/' }, { "a/b", '/' }, { "a", '/' }, { "a/b", '/' },
	    END },
	  "a|.b", 2 },
};

/* Every order of adding gives the same rows. */
START_TEST(test_build_orders)
{
	const struct build_case *c = &build_cases[_i];
	char got[BIG];
	struct mbtree *t;

	for (unsigned seed = 0; seed < ORDERS; seed++) {
		t = tree_of(c->in, seed);
		mbtree_expand_all(t);
		ck_assert_msg(strcmp(render(t, 0, got, sizeof(got)), c->want)
			      == 0, "%s, order %u: got \"%s\", want \"%s\"",
			      c->what, seed, got, c->want);
		ck_assert_uint_eq(mbtree_count(t), c->count);
		mbtree_free(t);
	}
}
END_TEST

/* Thousands of names, in two orders: the same rows, row by row. */
START_TEST(test_build_many)
{
	struct mbtree *t[2];
	struct mbtree_row a, b;
	char name[64];
	size_t n = 0, order[6000];
	static char names[6000][64];

	for (int i = 0; i < 40; i++)
		for (int j = 0; j < 12; j++)
			for (int k = 0; k < 12; k++) {
				if (k == 0 && j % 3 == 0)
					continue;	/* a missing parent */
				snprintf(name, sizeof(name),
					 k == 0 ? "Team-%03d/List-%02d" :
					 "Team-%03d/List-%02d/F%d", i, j, k);
				memcpy(names[n++], name, sizeof(name));
			}
	for (int s = 0; s < 2; s++) {
		t[s] = mbtree_new();
		ck_assert_ptr_nonnull(t[s]);
		make_order(order, n, (unsigned)s + 7);
		for (size_t i = 0; i < n; i++)
			add(t[s], names[order[i]], '/');
		mbtree_build(t[s]);
		ck_assert_uint_eq(mbtree_rows(t[s]), 40);
		mbtree_expand_all(t[s]);
	}
	ck_assert_uint_eq(mbtree_count(t[0]), n);
	ck_assert_uint_eq(mbtree_rows(t[0]), n + 40 + 40 * 4);
	ck_assert_uint_eq(mbtree_rows(t[1]), mbtree_rows(t[0]));
	for (size_t i = 0; i < mbtree_rows(t[0]); i++) {
		mbtree_row(t[0], i, &a);
		mbtree_row(t[1], i, &b);
		ck_assert_str_eq(a.label, b.label);
		ck_assert_uint_eq(a.depth, b.depth);
		ck_assert_int_eq(a.entry == NULL, b.entry == NULL);
	}
	ck_assert_uint_gt(mbtree_memory(t[0]), n * 64);
	mbtree_free(t[0]);
	mbtree_free(t[1]);
}
END_TEST

/* Expansion --------------------------------------------------------- */

struct start_case {
	int tops, subs;		/* "T%03d" and "T%03d/%03d" */
	size_t rows;		/* after the first build */
};

static const struct start_case start_cases[] = {
	{ 1, 198, 199 },	/* 199 mailboxes: expanded */
	{ 1, 199, 1 },		/* 200: collapsed */
	{ 250, 1, 250 },
	{ 3, 0, 3 },
};

START_TEST(test_start_expansion)
{
	const struct start_case *c = &start_cases[_i];
	struct mbtree *t = mbtree_new();
	char name[32];

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < c->tops; i++) {
		snprintf(name, sizeof(name), "T%03d", i);
		add(t, name, '/');
		for (int j = 0; j < c->subs; j++) {
			snprintf(name, sizeof(name), "T%03d/%03d", i, j);
			add(t, name, '/');
		}
	}
	/* Nothing shows before a build. */
	ck_assert_uint_eq(mbtree_rows(t), 0);
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_rows(t), c->rows);
	mbtree_expand_all(t);
	ck_assert_uint_eq(mbtree_rows(t), (size_t)(c->tops * (c->subs + 1)));
	mbtree_free(t);
}
END_TEST

/* A second build keeps the state of known nodes; new ones start
 * collapsed in a big tree, and adds show only after a build. */
START_TEST(test_rebuild_keeps_state)
{
	struct mbtree *t = mbtree_new();
	char name[32], got[BIG];

	ck_assert_ptr_nonnull(t);
	add(t, "T", '/');
	for (int j = 0; j < 199; j++) {
		snprintf(name, sizeof(name), "T/%03d", j);
		add(t, name, '/');
	}
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_rows(t), 1);
	mbtree_toggle(t, 0);
	ck_assert_uint_eq(mbtree_rows(t), 200);
	add(t, "T/new", '/');
	add(t, "U/x", '/');
	ck_assert_uint_eq(mbtree_rows(t), 200);
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_rows(t), 202);
	mbtree_collapse_all(t);
	ck_assert_str_eq(render(t, MARK_OPEN, got, sizeof(got)), "T+|U?+");
	mbtree_free(t);
}
END_TEST

/* A toggle after adds (no build between) acts on the row the user saw,
 * and brings the adds in. */
START_TEST(test_toggle_after_add)
{
	struct spec in[] = { { "b", '/' }, { "b/x", '/' }, { "c", '/' }, END };
	struct mbtree *t = tree_of(in, 0);
	char got[BIG];

	ck_assert_str_eq(render(t, MARK_OPEN, got, sizeof(got)), "b-|.x|c");
	add(t, "a", '/');
	add(t, "a/y", '/');
	add(t, "c/z", '/');
	mbtree_toggle(t, 0);
	ck_assert_str_eq(render(t, MARK_OPEN, got, sizeof(got)),
			 "a-|.y|b+|c-|.z");
	ck_assert_uint_eq(mbtree_find(t, "c/z", 3), 4);
	ck_assert_uint_eq(mbtree_find(t, "b/x", 3), NONE);
	ck_assert_uint_eq(mbtree_reveal(t, "b/x", 3), 3);
	ck_assert_int_eq(mbtree_set_status(t, "a/y", 3, 2, 0), 0);
	mbtree_free(t);
}
END_TEST

enum op_kind { OP_TOGGLE, OP_EXPAND_ALL, OP_COLLAPSE_ALL };

static const char op_start[] =
	"INBOX-|.Drafts|.Sent|Alpha|Archive-|.2019|.2020|zeta";

struct op_case {
	enum op_kind op;
	size_t row;
	const char *want;
};

static const struct op_case op_cases[] = {
	{ OP_COLLAPSE_ALL, 0, "INBOX+|Alpha|Archive+|zeta" },
	{ OP_TOGGLE, 2, "INBOX+|Alpha|Archive-|.2019|.2020|zeta" },
	{ OP_TOGGLE, 1, "INBOX+|Alpha|Archive-|.2019|.2020|zeta" },
	{ OP_TOGGLE, 6, "INBOX+|Alpha|Archive-|.2019|.2020|zeta" },
	{ OP_TOGGLE, 0,
	  "INBOX-|.Drafts|.Sent|Alpha|Archive-|.2019|.2020|zeta" },
	{ OP_TOGGLE, 4, "INBOX-|.Drafts|.Sent|Alpha|Archive+|zeta" },
	{ OP_TOGGLE, 0, "INBOX+|Alpha|Archive+|zeta" },
	{ OP_EXPAND_ALL, 0,
	  "INBOX-|.Drafts|.Sent|Alpha|Archive-|.2019|.2020|zeta" },
	{ OP_TOGGLE, 3,
	  "INBOX-|.Drafts|.Sent|Alpha|Archive-|.2019|.2020|zeta" },
	{ OP_TOGGLE, 4, "INBOX-|.Drafts|.Sent|Alpha|Archive+|zeta" },
};

START_TEST(test_toggle_steps)
{
	struct mbtree *t = tree_of(build_cases[0].in, 3);
	char got[BIG];

	ck_assert_str_eq(render(t, MARK_OPEN, got, sizeof(got)),
			 op_start);
	for (int i = 0; i < N(op_cases); i++) {
		const struct op_case *c = &op_cases[i];

		if (c->op == OP_TOGGLE)
			mbtree_toggle(t, c->row);
		else if (c->op == OP_EXPAND_ALL)
			mbtree_expand_all(t);
		else
			mbtree_collapse_all(t);
		render(t, MARK_OPEN, got, sizeof(got));
		ck_assert_msg(strcmp(got, c->want) == 0,
			      "step %d: got \"%s\", want \"%s\"", i, got,
			      c->want);
	}
	mbtree_free(t);
}
END_TEST

/* Filtering --------------------------------------------------------- */

static const struct spec filter_tree[] = {
	{ "INBOX", '/' }, { "INBOX/Sent", '/' }, { "INBOX/Drafts", '/' },
	{ "Archive/2019/Q1", '/' }, { "Archive/2020", '/' },
	{ "Lists/dev/&ZeVnLIqe-", '/' }, { "Entw&APw-rfe", '/' },
	{ "zeta", '/' }, { "zeta/Sent Items", '/' }, END,
};

static const struct spec mixed_tree[] = {
	{ "a.b", '.' }, { "a/c", '/' }, { "a", '/' }, { "x/y.z", '/' }, END,
};

static const struct spec nil_tree[] = {
	{ "a/b", 0 }, { "c", 0 }, END,
};

#define JA "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"

struct filter_case {
	const struct spec *tree;
	const char *text;
	const char *want;	/* with MARK_MATCH */
};

static const struct filter_case filter_cases[] = {
	{ filter_tree, "sent", "INBOX|.Sent*|zeta|.Sent Items*" },
	{ filter_tree, "SeNT", "INBOX|.Sent*|zeta|.Sent Items*" },
	{ filter_tree, "inbox/s", "INBOX|.Sent*" },
	{ filter_tree, "x/d", "INBOX|.Drafts*" },
	{ filter_tree, "inbox", "INBOX*|.Drafts*|.Sent*" },
	{ filter_tree, "2019/q", "Archive?|.2019?|..Q1*" },
	{ filter_tree, "hive/201", "Archive?|.2019?*|..Q1*" },
	{ filter_tree, "ve/2019/q1", "Archive?|.2019?|..Q1*" },
	{ filter_tree, "e/2", "Archive?|.2019?*|..Q1*|.2020*" },
	{ filter_tree, "s/d", "Lists?|.dev?*|.." JA "*" },
	{ filter_tree, "\xe6\x97\xa5\xe6\x9c\xac", "Lists?|.dev?|.." JA "*" },
	{ filter_tree, "\xc3\xbcrf", "Entw\xc3\xbcrfe*" },
	{ filter_tree, "\xc3\x9cRF", "" },
	{ filter_tree, "&zevn", "" },
	{ filter_tree, "xyz", "" },
	{ filter_tree, "/",
	  "INBOX|.Drafts*|.Sent*|Archive?|.2019?*|..Q1*|.2020*"
	  "|Lists?|.dev?*|.." JA "*|zeta|.Sent Items*" },
	{ mixed_tree, "a.b", "a|.b*" },
	{ mixed_tree, "A/C", "a|.c*" },
	{ mixed_tree, "a/b", "" },
	{ mixed_tree, "x/y.z", "x?|.y.z*" },
	{ nil_tree, "a/b", "a/b*" },
	{ nil_tree, "/", "a/b*" },
};

START_TEST(test_filter_table)
{
	const struct filter_case *c = &filter_cases[_i];
	char got[BIG];

	for (unsigned seed = 0; seed < 3; seed++) {
		struct mbtree *t = tree_of(c->tree, seed);

		mbtree_collapse_all(t);
		mbtree_filter(t, c->text);
		render(t, MARK_MATCH, got, sizeof(got));
		ck_assert_msg(strcmp(got, c->want) == 0,
			      "\"%s\": got \"%s\", want \"%s\"", c->text, got,
			      c->want);
		mbtree_free(t);
	}
}
END_TEST

/* Clearing the filter gives back the expansion from before, whatever
 * was done under the filter. */
START_TEST(test_filter_clear_restores)
{
	struct mbtree *t = tree_of(build_cases[0].in, 5);
	char before[BIG], got[BIG];

	mbtree_toggle(t, 4);	/* collapse Archive */
	render(t, MARK_OPEN, before, sizeof(before));
	ck_assert_str_eq(before, "INBOX-|.Drafts|.Sent|Alpha|Archive+|zeta");
	mbtree_filter(t, "sent");
	ck_assert_str_eq(render(t, MARK_MATCH | MARK_OPEN, got, sizeof(got)),
			 "INBOX-|.Sent*");
	mbtree_toggle(t, 0);
	ck_assert_uint_eq(mbtree_rows(t), 1);
	mbtree_filter(t, "SENT");	/* the same filter: view kept */
	ck_assert_uint_eq(mbtree_rows(t), 1);
	mbtree_expand_all(t);
	ck_assert_uint_eq(mbtree_rows(t), 2);
	mbtree_filter(t, "zzz");
	ck_assert_uint_eq(mbtree_rows(t), 0);
	mbtree_toggle(t, 0);
	mbtree_filter(t, "a");	/* Drafts, Alpha, Archive, zeta */
	mbtree_collapse_all(t);
	ck_assert_str_eq(render(t, MARK_MATCH | MARK_OPEN, got, sizeof(got)),
			 "INBOX+|Alpha*|Archive*+|zeta*");
	mbtree_filter(t, "");
	ck_assert_str_eq(render(t, MARK_OPEN, got, sizeof(got)), before);
	mbtree_filter(t, NULL);
	ck_assert_str_eq(render(t, MARK_OPEN, got, sizeof(got)), before);
	mbtree_free(t);
}
END_TEST

/* Mailboxes added under a filter are filtered at the next build. */
START_TEST(test_filter_then_add)
{
	struct mbtree *t = tree_of(filter_tree, 2);
	char got[BIG];

	mbtree_filter(t, "sent");
	add(t, "INBOX/Sent/2024", '/');
	add(t, "Other", '/');
	mbtree_build(t);
	ck_assert_str_eq(render(t, MARK_MATCH, got, sizeof(got)),
			 "INBOX|.Sent*|..2024*|zeta|.Sent Items*");
	mbtree_filter(t, NULL);
	ck_assert_uint_eq(mbtree_rows(t), 15);
	mbtree_free(t);
}
END_TEST

/* Depth, status, duplicates, names ---------------------------------- */

/* "x/x/.../x/deep", DEEP components (as deep as a tree goes), and its
 * ancestor of half depth. */
START_TEST(test_deep)
{
	char *deep = malloc(2 * DEEP + 8), *mid = malloc(DEEP + 8);
	struct mbtree *t = mbtree_new();
	struct mbtree_row r;
	size_t len;

	ck_assert_ptr_nonnull(deep);
	ck_assert_ptr_nonnull(mid);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < DEEP - 1; i++)
		memcpy(deep + 2 * i, "x/", 2);
	memcpy(deep + 2 * (DEEP - 1), "deep", 5);
	len = strlen(deep);
	memcpy(mid, deep, DEEP - 1);
	mid[DEEP - 1] = '\0';	/* DEEP / 2 components */
	add(t, deep, '/');
	add(t, mid, '/');
	add(t, "x", '/');
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_count(t), 3);
	ck_assert_uint_eq(mbtree_rows(t), DEEP);
	mbtree_row(t, DEEP - 1, &r);
	ck_assert_uint_eq(r.depth, DEEP - 1);
	ck_assert_str_eq(r.label, "deep");
	ck_assert_ptr_nonnull(r.entry);
	mbtree_row(t, DEEP / 2 - 1, &r);
	ck_assert_ptr_nonnull(r.entry);
	ck_assert_str_eq(r.entry->raw, mid);
	mbtree_row(t, 1, &r);
	ck_assert_ptr_null(r.entry);
	mbtree_row(t, 0, &r);
	ck_assert_ptr_nonnull(r.entry);
	ck_assert_uint_eq(mbtree_find(t, deep, len), DEEP - 1);
	ck_assert_uint_eq(mbtree_parent_row(t, DEEP - 1), DEEP - 2);
	ck_assert_uint_eq(mbtree_parent_row(t, 0), NONE);

	mbtree_collapse_all(t);
	ck_assert_uint_eq(mbtree_rows(t), 1);
	mbtree_toggle(t, 0);
	ck_assert_uint_eq(mbtree_rows(t), 2);
	ck_assert_uint_eq(mbtree_find(t, deep, len), NONE);

	mbtree_filter(t, "deep");
	ck_assert_uint_eq(mbtree_rows(t), DEEP);
	mbtree_row(t, DEEP - 1, &r);
	ck_assert(r.match);
	mbtree_row(t, DEEP - 2, &r);
	ck_assert(!r.match);
	mbtree_filter(t, "x/DEEP");
	ck_assert_uint_eq(mbtree_rows(t), DEEP);
	mbtree_filter(t, "x/x/x");
	ck_assert_uint_eq(mbtree_rows(t), DEEP);
	mbtree_row(t, 1, &r);
	ck_assert(!r.match);
	mbtree_row(t, 2, &r);
	ck_assert(r.match);
	mbtree_filter(t, NULL);
	ck_assert_uint_eq(mbtree_rows(t), 2);

	ck_assert_uint_eq(mbtree_reveal(t, deep, len), DEEP - 1);
	ck_assert_uint_eq(mbtree_rows(t), DEEP);
	ck_assert_int_eq(mbtree_set_status(t, mid, strlen(mid), 7, 1), 0);
	mbtree_row(t, DEEP / 2 - 1, &r);
	ck_assert(r.entry->has_status);
	ck_assert_uint_eq(r.entry->messages, 7);
	mbtree_free(t);
	free(deep);
	free(mid);
}
END_TEST

/* "c/a/a/.../a", a name of 1 MiB for each c: the levels past
 * MBTREE_DEPTH_MAX are one leaf, and the tree stays a small multiple of
 * the names' size (eight million levels would take hundreds of MB). */
/* Names nested under parents of their own, none of them listed, one
 * byte per level: the parents made up stay within their budget, and
 * the memory within a small multiple of the names' size. */
#define WIDE_NAMES 20000
START_TEST(test_parent_budget)
{
	struct mbtree *t = mbtree_new();
	char raw[128];
	size_t len, bytes = 0;
	struct mailbox_entry *e;

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < WIDE_NAMES; i++) {
		len = (size_t)snprintf(raw, sizeof(raw), "x%05d", i);
		for (int d = 1; d < DEEP; d++)
			len += (size_t)snprintf(raw + len, sizeof(raw) - len,
						"/a");
		e = mailbox_entry_new(raw, len, raw);
		ck_assert_ptr_nonnull(e);
		e->delim = '/';
		ck_assert_int_eq(mbtree_add(t, e), 0);
		bytes += len;
	}
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_count(t), WIDE_NAMES);
	ck_assert_uint_gt(mbtree_folded(t), 0);
	ck_assert_uint_le(mbtree_memory(t), 8 * bytes);
	/* A folded name is still found and shown whole. */
	ck_assert_uint_ne(mbtree_find(t, raw, len), (size_t)-1);
	mbtree_free(t);
}
END_TEST

START_TEST(test_folded)
{
	struct mbtree *t = mbtree_new();
	char *raw = malloc(FOLD_LEN + 1);
	struct mailbox_entry *e;
	struct mbtree_row r;
	size_t rest = FOLD_LEN - 2 * (DEEP - 1);

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(raw);
	for (size_t i = 0; i + 1 < FOLD_LEN; i += 2)
		memcpy(raw + i, "a/", 2);
	raw[FOLD_LEN - 1] = 'a';
	raw[FOLD_LEN] = '\0';
	for (int i = 0; i < FOLD_NAMES; i++) {
		raw[0] = (char)('b' + i);
		e = mailbox_entry_new(raw, FOLD_LEN, raw);
		ck_assert_ptr_nonnull(e);
		e->delim = '/';
		ck_assert_int_eq(mbtree_add(t, e), 0);
	}
	mbtree_build(t);
	mbtree_expand_all(t);
	ck_assert_uint_le(mbtree_memory(t), 8 * FOLD_NAMES * FOLD_LEN);
	ck_assert_uint_eq(mbtree_count(t), FOLD_NAMES);
	ck_assert_uint_eq(mbtree_folded(t), FOLD_NAMES);
	ck_assert_uint_eq(mbtree_rows(t), FOLD_NAMES * DEEP);
	mbtree_row(t, DEEP - 1, &r);
	ck_assert_uint_eq(r.depth, DEEP - 1);
	ck_assert_ptr_nonnull(r.entry);
	ck_assert_uint_eq(r.label_len, rest);
	ck_assert(memcmp(r.label, "a/a/", 4) == 0);
	ck_assert_uint_eq(mbtree_find(t, raw, FOLD_LEN),
			  (FOLD_NAMES - 1) * DEEP + DEEP - 1);
	ck_assert_int_eq(mbtree_set_status(t, raw, FOLD_LEN, 3, 1), 0);
	mbtree_filter(t, "i/a/a");
	ck_assert_uint_eq(mbtree_matches(t), 1);
	ck_assert_uint_eq(mbtree_rows(t), DEEP);
	mbtree_free(t);
	free(raw);
}
END_TEST

/* The number of matches does not depend on what is collapsed. */
START_TEST(test_matches_collapsed)
{
	struct mbtree *t = mbtree_new();

	ck_assert_ptr_nonnull(t);
	add(t, "Projects", '/');
	add(t, "Projects/2026", '/');
	add(t, "Projects/2026/Q4", '/');
	add(t, "INBOX", '/');
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_matches(t), 0);
	mbtree_filter(t, "proj");
	ck_assert_uint_eq(mbtree_matches(t), 3);
	ck_assert_uint_eq(mbtree_rows(t), 3);
	mbtree_toggle(t, 0);
	ck_assert_uint_eq(mbtree_rows(t), 1);
	ck_assert_uint_eq(mbtree_matches(t), 3);
	mbtree_free(t);
}
END_TEST

START_TEST(test_status_find)
{
	struct mbtree *t = tree_of(build_cases[1].in, 4);
	struct mbtree_row r;

	/* a?|.b?|..c|x|.y */
	ck_assert_int_eq(mbtree_set_status(t, "a/b/c", 5, 10, 3), 0);
	mbtree_row(t, 2, &r);
	ck_assert_str_eq(r.label, "c");
	ck_assert(r.entry->has_status);
	ck_assert_uint_eq(r.entry->messages, 10);
	ck_assert_uint_eq(r.entry->unseen, 3);
	mbtree_row(t, 3, &r);
	ck_assert(!r.entry->has_status);
	ck_assert_int_eq(mbtree_set_status(t, "a/b", 3, 1, 1), -1);
	ck_assert_int_eq(mbtree_set_status(t, "nope", 4, 1, 1), -1);
	ck_assert_int_eq(mbtree_set_status(t, "a/b/c", 4, 1, 1), -1);

	ck_assert_uint_eq(mbtree_find(t, "a/b/c", 5), 2);
	ck_assert_uint_eq(mbtree_find(t, "a/b", 3), 1);
	ck_assert_uint_eq(mbtree_find(t, "x/y", 3), 4);
	ck_assert_uint_eq(mbtree_find(t, "A/B/C", 5), NONE);
	ck_assert_uint_eq(mbtree_find(t, "a/b/c/", 6), NONE);
	ck_assert_uint_eq(mbtree_parent_row(t, 2), 1);
	ck_assert_uint_eq(mbtree_parent_row(t, 3), NONE);
	ck_assert_uint_eq(mbtree_parent_row(t, 99), NONE);
	mbtree_collapse_all(t);
	ck_assert_uint_eq(mbtree_find(t, "a/b/c", 5), NONE);
	ck_assert_uint_eq(mbtree_reveal(t, "a/b/c", 5), 2);
	ck_assert_uint_eq(mbtree_rows(t), 4);	/* a b c x */
	ck_assert_uint_eq(mbtree_reveal(t, "zz", 2), NONE);
	mbtree_filter(t, "y");
	ck_assert_uint_eq(mbtree_reveal(t, "a/b/c", 5), NONE);
	ck_assert_uint_eq(mbtree_find(t, "x/y", 3), 1);
	mbtree_free(t);
}
END_TEST

/* The display path of a row, a made-up parent's too, cut at the
 * front when the buffer is short. */
START_TEST(test_path)
{
	static const struct spec in[] = {
		{ "Other Users.bob.Sent", '.' }, { "x/&AOk-t&AOk-", '/' }, END
	};
	struct mbtree *t = tree_of(in, 1);
	char buf[64];

	/* Other Users?|.bob?|..Sent|x?|.été */
	ck_assert_uint_eq(mbtree_path(t, 0, buf, sizeof(buf)), 11);
	ck_assert_str_eq(buf, "Other Users");
	mbtree_path(t, 2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Other Users.bob.Sent");
	mbtree_path(t, 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "x/\xc3\xa9t\xc3\xa9");
	ck_assert_uint_eq(mbtree_path(t, 2, buf, 9), 8);
	ck_assert_str_eq(buf, "bob.Sent");
	ck_assert_uint_eq(mbtree_path(t, 99, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	mbtree_free(t);
}
END_TEST

/* The last entry of a name wins; the others are freed (ASan). */
START_TEST(test_duplicates)
{
	struct mbtree *t = mbtree_new();
	struct mailbox_entry *e;
	struct mbtree_row r;

	ck_assert_ptr_nonnull(t);
	e = entry_make("a", '/');
	e->flags = MBOX_MARKED;
	ck_assert_int_eq(mbtree_add(t, e), 0);
	add(t, "x/y", '/');
	e = entry_make("a", '.');
	e->flags = MBOX_NOSELECT;
	ck_assert_int_eq(mbtree_add(t, e), 0);
	add(t, "x/y", '/');
	add(t, "x", '/');
	add(t, "x", '/');
	ck_assert_uint_eq(mbtree_count(t), 3);
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_rows(t), 3);
	mbtree_row(t, 0, &r);
	ck_assert_str_eq(r.label, "a");
	ck_assert_uint_eq(r.entry->flags, MBOX_NOSELECT);
	ck_assert_int_eq(r.entry->delim, '.');
	mbtree_row(t, 1, &r);
	ck_assert_ptr_nonnull(r.entry);
	mbtree_free(t);
}
END_TEST

struct name_case {
	const char *raw;
	size_t row;
	const char *label;
	bool valid;		/* the entry's name_valid */
};

/* Rows of names_tree once built: "Bad&Jjo/x|café|Entwürfe|ok?|.&AOk|
 * z\\xff".  Raw bytes that are valid UTF-8 show as they are, others
 * escaped. */
static const struct spec names_tree[] = {
	{ "caf\xc3\xa9", '/' }, { "Bad&Jjo/x", '/' }, { "ok/&AOk", '/' },
	{ "Entw&APw-rfe", '/' }, { "z\xff", '/' }, END,
};

static const struct name_case name_cases[] = {
	{ "Bad&Jjo/x", 0, "Bad&Jjo/x", false },
	{ "caf\xc3\xa9", 1, "caf\xc3\xa9", false },
	{ "Entw&APw-rfe", 2, "Entw\xc3\xbcrfe", true },
	{ "ok/&AOk", 4, "&AOk", false },
	{ "z\xff", 5, "z\\xff", false },
};

START_TEST(test_invalid_names)
{
	const struct name_case *c = &name_cases[_i];
	struct mbtree *t = tree_of(names_tree, 6);
	struct mbtree_row r;

	ck_assert_uint_eq(mbtree_find(t, c->raw, strlen(c->raw)), c->row);
	mbtree_row(t, c->row, &r);
	ck_assert_str_eq(r.label, c->label);
	ck_assert_ptr_nonnull(r.entry);
	ck_assert_str_eq(r.entry->raw, c->raw);
	ck_assert_int_eq(r.entry->name_valid, c->valid);
	mbtree_free(t);
}
END_TEST

START_TEST(test_empty)
{
	struct mbtree *t = mbtree_new();
	struct mbtree_row r;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(mbtree_add(t, NULL), -1);
	mbtree_build(t);
	ck_assert_uint_eq(mbtree_rows(t), 0);
	mbtree_filter(t, "a");
	ck_assert_uint_eq(mbtree_rows(t), 0);
	mbtree_toggle(t, 0);
	mbtree_expand_all(t);
	mbtree_filter(t, NULL);
	ck_assert_uint_eq(mbtree_rows(t), 0);
	ck_assert_uint_eq(mbtree_count(t), 0);
	ck_assert_uint_eq(mbtree_find(t, "x", 1), NONE);
	ck_assert_uint_eq(mbtree_find(t, "", 0), NONE);
	ck_assert_uint_eq(mbtree_reveal(t, "x", 1), NONE);
	ck_assert_int_eq(mbtree_set_status(t, "", 0, 1, 1), -1);
	mbtree_row(t, 0, &r);
	ck_assert_ptr_null(r.entry);
	ck_assert_str_eq(r.label, "");
	ck_assert_uint_eq(r.label_len, 0);
	ck_assert_uint_gt(mbtree_memory(t), 0);
	mbtree_free(t);
	mbtree_free(NULL);
}
END_TEST

Suite *
suite_mbtree(void)
{
	Suite *s = suite_create("mbtree");
	TCase *tc = units_case(s, "build", test_build_many,
			       test_rebuild_keeps_state, test_toggle_steps,
			       test_toggle_after_add, NULL);

	tcase_add_loop_test(tc, test_build_orders, 0, N(build_cases));
	tcase_add_loop_test(tc, test_start_expansion, 0, N(start_cases));

	tc = units_case(s, "filter", test_filter_clear_restores,
			test_filter_then_add, NULL);
	tcase_add_loop_test(tc, test_filter_table, 0, N(filter_cases));

	tc = units_case(s, "nodes", test_deep, test_folded, test_parent_budget,
			test_matches_collapsed, test_status_find,
			test_duplicates, test_path, test_empty, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_invalid_names, 0, N(name_cases));
	return s;
}
