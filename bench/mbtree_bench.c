/* mbtree_bench.c - times the mailbox tree on a large, realistic list. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mailbox.h"
#include "mboxname.h"
#include "mbtree.h"

#define DEFAULT_FOLDERS 100000
#define DEFAULT_RUNS 5
#define MAX_RUNS 99
#define NAME_MAX_LEN 64
#define LISTS 20
#define SEED 0x5eed2024u

/* What one run measures, in the order printed. */
enum step {
	STEP_ADD,
	STEP_BUILD,
	STEP_ADD_BUILD,
	STEP_FILTER1,
	STEP_FILTER2,
	STEP_CLEAR,
	STEP_FILTER0,
	STEP_EXPAND,
	STEP_READ,
	STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
	[STEP_ADD] = "add all (shuffled)",
	[STEP_BUILD] = "build (order, first rows)",
	[STEP_ADD_BUILD] = "add all + build",
	[STEP_FILTER1] = "filter \"a\" (one key)",
	[STEP_FILTER2] = "filter \"ar\" (second key)",
	[STEP_CLEAR] = "clear the filter",
	[STEP_FILTER0] = "filter \"z\" (no match)",
	[STEP_EXPAND] = "expand all",
	[STEP_READ] = "read all visible rows",
};

/* The generated names, one after another, NUL-terminated. */
struct names {
	char *buf;
	size_t *off;
	size_t n;
};

struct run {
	double ms[STEP_COUNT];
	size_t rows[STEP_COUNT];
	size_t memory;
};

static const char *const leaves[] = {
	"Archive", "Archive/2019", "Archive/2020", "Archive/2021",
	"Drafts", "Sent", "Spam", "Notes",
};

static const char *const intl_leaves[] = {
	"Entw&APw-rfe",		/* Entwürfe */
	"&ZeVnLIqe-",		/* 日本語 */
	"Caf&AOk-",		/* Café */
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
peak_rss_kib(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ru.ru_maxrss;
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
names_put(struct names *nm, const char *name)
{
	size_t at = nm->n == 0 ? 0 : nm->off[nm->n - 1] +
		    strlen(nm->buf + nm->off[nm->n - 1]) + 1;

	nm->off[nm->n] = at;
	memcpy(nm->buf + at, name, strlen(name) + 1);
	nm->n++;
}

/* One team: Team-NNN (every seventh not listed, so that the tree makes
 * it up), its lists, and each list's folders; a few lists hold
 * non-ASCII names.  Stops at want names. */
static void
names_team(struct names *nm, size_t want, unsigned team)
{
	char name[NAME_MAX_LEN];

	if (team % 7 != 3 && nm->n < want) {
		snprintf(name, sizeof(name), "Team-%03u", team);
		names_put(nm, name);
	}
	for (unsigned l = 0; l < LISTS && nm->n < want; l++) {
		snprintf(name, sizeof(name), "Team-%03u/List-%02u", team, l);
		names_put(nm, name);
		for (size_t k = 0; k < sizeof(leaves) / sizeof(leaves[0]) &&
		     nm->n < want; k++) {
			snprintf(name, sizeof(name), "Team-%03u/List-%02u/%s",
				 team, l, leaves[k]);
			names_put(nm, name);
		}
		if (l % 10 == 0 && nm->n < want) {
			snprintf(name, sizeof(name), "Team-%03u/List-%02u/%s",
				 team, l, intl_leaves[(team + l) % 3]);
			names_put(nm, name);
		}
	}
}

static int
names_make(struct names *nm, size_t want)
{
	static const char *const top[] = {
		"INBOX", "INBOX/Sent", "INBOX/Drafts", "INBOX/Trash", "Junk",
	};

	nm->n = 0;
	nm->buf = malloc(want * NAME_MAX_LEN);
	nm->off = malloc(want * sizeof(*nm->off));
	if (nm->buf == NULL || nm->off == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]) && nm->n < want;
	     i++)
		names_put(nm, top[i]);
	for (unsigned team = 0; nm->n < want; team++)
		names_team(nm, want, team);
	return 0;
}

/* Entries as the session makes them, in a shuffled order. */
static int
entries_make(const struct names *nm, const size_t *order,
	     struct mailbox_entry **out)
{
	char display[MAILBOX_NAME_MAX];
	const char *raw;
	int bad;

	for (size_t i = 0; i < nm->n; i++) {
		raw = nm->buf + nm->off[order[i]];
		bad = mboxname_display(raw, strlen(raw), display,
				       sizeof(display));
		out[i] = mailbox_entry_new(raw, strlen(raw), display);
		if (out[i] == NULL)
			return -1;
		out[i]->name_valid = bad == 0;
		out[i]->delim = '/';
	}
	return 0;
}

/* Read every visible row as a screen would; a sum so that the reads
 * are not optimised away. */
static size_t
read_rows(const struct mbtree *t)
{
	struct mbtree_row r;
	size_t sum = 0;

	for (size_t i = 0; i < mbtree_rows(t); i++) {
		mbtree_row(t, i, &r);
		sum += r.label_len + r.depth + (r.entry != NULL);
	}
	return sum;
}

static int
run_once(const struct names *nm, const size_t *order,
	 struct mailbox_entry **entries, struct run *r)
{
	struct mbtree *t = mbtree_new();
	volatile size_t sink;
	double t0;

	if (t == NULL || entries_make(nm, order, entries) != 0)
		return -1;
	t0 = now_ms();
	for (size_t i = 0; i < nm->n; i++) {
		if (mbtree_add(t, entries[i]) != 0)
			return -1;
	}
	r->ms[STEP_ADD] = now_ms() - t0;
	r->rows[STEP_ADD] = mbtree_rows(t);
	t0 = now_ms();
	mbtree_build(t);
	r->ms[STEP_BUILD] = now_ms() - t0;
	r->rows[STEP_BUILD] = mbtree_rows(t);
	r->ms[STEP_ADD_BUILD] = r->ms[STEP_ADD] + r->ms[STEP_BUILD];
	r->rows[STEP_ADD_BUILD] = r->rows[STEP_BUILD];

	t0 = now_ms();
	mbtree_filter(t, "a");
	r->ms[STEP_FILTER1] = now_ms() - t0;
	r->rows[STEP_FILTER1] = mbtree_rows(t);

	t0 = now_ms();
	mbtree_filter(t, "ar");
	r->ms[STEP_FILTER2] = now_ms() - t0;
	r->rows[STEP_FILTER2] = mbtree_rows(t);

	t0 = now_ms();
	mbtree_filter(t, NULL);
	r->ms[STEP_CLEAR] = now_ms() - t0;
	r->rows[STEP_CLEAR] = mbtree_rows(t);

	t0 = now_ms();
	mbtree_filter(t, "z");
	r->ms[STEP_FILTER0] = now_ms() - t0;
	r->rows[STEP_FILTER0] = mbtree_rows(t);
	mbtree_filter(t, NULL);

	t0 = now_ms();
	mbtree_expand_all(t);
	r->ms[STEP_EXPAND] = now_ms() - t0;
	r->rows[STEP_EXPAND] = mbtree_rows(t);

	t0 = now_ms();
	sink = read_rows(t);
	r->ms[STEP_READ] = now_ms() - t0;
	r->rows[STEP_READ] = mbtree_rows(t);
	(void)sink;

	r->memory = mbtree_memory(t);
	mbtree_free(t);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const struct run *runs, int n, enum step s)
{
	double v[MAX_RUNS];

	for (int i = 0; i < n; i++)
		v[i] = runs[i].ms[s];
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
report(const struct run *runs, int nruns, size_t folders, long base_kib)
{
	long peak = peak_rss_kib();
	double ms;

	printf("mbtree_bench: %zu folders, median of %d runs\n", folders,
	       nruns);
	for (int s = 0; s < STEP_COUNT; s++) {
		ms = median(runs, nruns, (enum step)s);
		printf("  %-28s %9.2f ms   %7zu rows", step_names[s], ms,
		       runs[0].rows[s]);
		if (s == STEP_READ && runs[0].rows[s] > 0)
			printf("  (%.1f ns/row)",
			       ms * 1e6 / (double)runs[0].rows[s]);
		printf("\n");
	}
	printf("  %-28s %9.1f MiB\n", "peak RSS", (double)peak / 1024);
	printf("  %-28s %9.0f (peak RSS growth / folders)\n",
	       "bytes per folder", (double)(peak - base_kib) * 1024 /
	       (double)folders);
	printf("  %-28s %9.0f (heap held by the tree, entries "
	       "included)\n", "", (double)runs[0].memory / (double)folders);
}

int
main(int argc, char **argv)
{
	size_t folders = DEFAULT_FOLDERS, *order, j, tmp;
	int nruns = DEFAULT_RUNS;
	struct mailbox_entry **entries;
	struct run runs[MAX_RUNS];
	struct names nm;
	uint64_t rs = SEED;
	long base;

	if (argc > 1)
		folders = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		nruns = atoi(argv[2]);
	if (folders == 0 || nruns < 1 || nruns > MAX_RUNS) {
		fprintf(stderr, "usage: mbtree_bench [folders] [runs <= %d]\n",
			MAX_RUNS);
		return 2;
	}
	order = malloc(folders * sizeof(*order));
	entries = malloc(folders * sizeof(*entries));
	if (order == NULL || entries == NULL || names_make(&nm, folders) != 0)
		goto oom;
	for (size_t i = 0; i < folders; i++)
		order[i] = i;
	for (size_t i = folders; i > 1; i--) {
		j = (size_t)(xorshift(&rs) % i);
		tmp = order[i - 1];
		order[i - 1] = order[j];
		order[j] = tmp;
	}
	base = peak_rss_kib();
	for (int i = 0; i < nruns; i++) {
		if (run_once(&nm, order, entries, &runs[i]) != 0)
			goto oom;
	}
	report(runs, nruns, folders, base);
	free(order);
	free(entries);
	free(nm.buf);
	free(nm.off);
	return 0;
oom:
	fprintf(stderr, "mbtree_bench: out of memory\n");
	return 1;
}
