/* mbtree.c - the mailbox tree: nodes in one array, names in one arena,
 * a hash from raw name to node, and the array of visible rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbtree.h"
#include "mboxname.h"

/* Node 0 is the root: the parent of top-level nodes, never a row, never
 * in the hash.  So 0 also means "none" for children, siblings and hash
 * slots. */
#define ROOT 0u
#define MAX_NODES ((size_t)1 << 30)
#define MIN_NODES 64
#define MIN_ARENA 4096
#define SMALL_TREE 200		/* fewer mailboxes: start expanded */

enum node_flag {
	NF_EXPANDED = 1u << 0,	/* open without a filter */
	NF_FEXPANDED = 1u << 1,	/* open under the filter */
	NF_MATCH = 1u << 2,	/* matches the filter */
	NF_SHOWN = 1u << 3,	/* a match or an ancestor of one */
	NF_FKIDS = 1u << 4,	/* has a shown child */
	NF_INBOX = 1u << 5,	/* top-level INBOX, any case */
	NF_PLACED = 1u << 6,	/* while renumbering */
	NF_FOLDED = 1u << 7	/* holds the rest of a name too deep */
};

#define NF_FILTER (NF_FEXPANDED | NF_MATCH | NF_SHOWN | NF_FKIDS)

/* A node's raw name is its parent's raw name, its sep and its raw
 * component (top-level nodes: the component alone).  A parent always
 * has a smaller index than its children. */
struct node {
	struct mailbox_entry *entry;	/* owned; NULL: made-up parent */
	uint32_t parent;
	uint32_t first_child;
	uint32_t next_sibling;
	uint32_t depth;			/* 0 at the top level */
	uint32_t row;			/* valid when rows[row] is this */
	uint32_t hash;			/* of the raw name */
	uint32_t comp_off, comp_len;	/* raw component, in the arena */
	uint32_t label_off, label_len;	/* display, NUL-terminated */
	char sep;			/* delimiter before the component */
	uint8_t flags;			/* enum node_flag */
};

/* One component of a name being added, and the hash of the raw name up
 * to its end. */
struct comp {
	size_t start, end;
	uint32_t hash;
};

struct mbtree {
	struct node *nodes;
	size_t n, cap;		/* nodes used (root included), room */
	uint32_t *rows;		/* visible rows (node indexes), cap */
	uint32_t *sortbuf;	/* scratch for sorting, cap long */
	size_t nrows;
	uint32_t *slots;	/* hash table, open addressing */
	size_t nslots;		/* a power of two, at least 2 n */
	char *arena;
	size_t arena_len, arena_cap;
	struct comp *comps;	/* scratch for mbtree_add */
	size_t comps_cap;
	char *scratch;		/* labels being made, filter windows */
	size_t scratch_cap;
	char *needle;		/* the filter, lower-cased; or NULL */
	size_t needle_len;
	uint64_t seed;
	size_t count;		/* nodes with an entry */
	size_t folded;		/* entries whose deepest levels were folded */
	size_t made_up;		/* parents made for names never listed */
	size_t name_bytes;	/* of every name added */
	size_t nmatch;		/* entries the filter matches */
	size_t built;		/* nodes below this have had a build */
	bool sorted;
};

/* Hashing ---------------------------------------------------------- */

static uint64_t
make_seed(const struct mbtree *t)
{
	struct timespec ts;
	uint64_t s = (uint64_t)(uintptr_t)t;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		s ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull
		     ^ (uint64_t)ts.tv_sec;
	return s;
}

static uint64_t
hash_start(const struct mbtree *t)
{
	return 0xcbf29ce484222325ull ^ t->seed;
}

static uint64_t
hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ull;
}

static uint32_t
hash_final(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint32_t
hash_name(const struct mbtree *t, const char *raw, size_t len)
{
	uint64_t h = hash_start(t);

	for (size_t i = 0; i < len; i++)
		h = hash_step(h, (unsigned char)raw[i]);
	return hash_final(h);
}

/* Whether node idx has the raw name raw (len bytes): compare it
 * component by component from the end, or with the first entry met. */
static bool
node_raw_eq(const struct mbtree *t, uint32_t idx, const char *raw,
	    size_t len)
{
	const struct node *nd;
	size_t end = len;

	for (;;) {
		nd = &t->nodes[idx];
		if (nd->entry != NULL)
			return nd->entry->raw_len == end &&
			       memcmp(nd->entry->raw, raw, end) == 0;
		if (nd->comp_len > end ||
		    memcmp(raw + end - nd->comp_len, t->arena + nd->comp_off,
			   nd->comp_len) != 0)
			return false;
		end -= nd->comp_len;
		if (nd->parent == ROOT)
			return end == 0;
		if (end == 0 || raw[end - 1] != nd->sep)
			return false;
		end--;
		idx = nd->parent;
	}
}

/* The node with raw name raw and hash h, or 0. */
static uint32_t
hash_lookup(const struct mbtree *t, const char *raw, size_t len,
	    uint32_t h)
{
	size_t mask = t->nslots - 1;
	uint32_t idx;

	for (size_t i = h & mask; t->slots[i] != 0; i = (i + 1) & mask) {
		idx = t->slots[i];
		if (t->nodes[idx].hash == h && node_raw_eq(t, idx, raw, len))
			return idx;
	}
	return 0;
}

static void
hash_insert(struct mbtree *t, uint32_t idx)
{
	size_t mask = t->nslots - 1;
	size_t i = t->nodes[idx].hash & mask;

	while (t->slots[i] != 0)
		i = (i + 1) & mask;
	t->slots[i] = idx;
}

/* Make the table at most half full with want nodes. */
static int
hash_reserve(struct mbtree *t, size_t want)
{
	size_t ns = t->nslots != 0 ? t->nslots : 2 * MIN_NODES;
	uint32_t *slots;

	while (ns / 2 < want)
		ns *= 2;
	if (ns == t->nslots)
		return 0;
	slots = calloc(ns, sizeof(*slots));
	if (slots == NULL)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	for (size_t i = 1; i < t->n; i++)
		hash_insert(t, (uint32_t)i);
	return 0;
}

/* Storage ---------------------------------------------------------- */

static int
grow_array(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);

	if (q == NULL)
		return -1;
	*p = q;
	return 0;
}

/* Room for extra more nodes in the node, row and sort arrays and the
 * hash table. */
static int
reserve_nodes(struct mbtree *t, size_t extra)
{
	size_t want, cap;

	if (extra > MAX_NODES - t->n)
		return -1;
	want = t->n + extra;
	if (hash_reserve(t, want) != 0)
		return -1;
	if (want <= t->cap)
		return 0;
	cap = t->cap < MIN_NODES ? MIN_NODES : t->cap;
	while (cap < want)
		cap *= 2;
	if (grow_array((void **)&t->nodes, cap, sizeof(*t->nodes)) != 0 ||
	    grow_array((void **)&t->rows, cap, sizeof(*t->rows)) != 0 ||
	    grow_array((void **)&t->sortbuf, cap, sizeof(*t->sortbuf)) != 0)
		return -1;
	t->cap = cap;
	return 0;
}

static int
reserve_bytes(char **buf, size_t *cap, size_t want)
{
	size_t c = *cap < MIN_ARENA ? MIN_ARENA : *cap;

	if (want <= *cap)
		return 0;
	while (c < want) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (grow_array((void **)buf, c, 1) != 0)
		return -1;
	*cap = c;
	return 0;
}

/* Copy s (len bytes) and a NUL into the arena; its offset in *off. */
static int
arena_put(struct mbtree *t, const char *s, size_t len, uint32_t *off)
{
	if (len >= UINT32_MAX - t->arena_len)
		return -1;
	if (reserve_bytes(&t->arena, &t->arena_cap, t->arena_len + len + 1)
	    != 0)
		return -1;
	memcpy(t->arena + t->arena_len, s, len);
	t->arena[t->arena_len + len] = '\0';
	*off = (uint32_t)t->arena_len;
	t->arena_len += len + 1;
	return 0;
}

static const char *
node_label(const struct mbtree *t, const struct node *nd)
{
	return t->arena + nd->label_off;
}

/* Names ------------------------------------------------------------ */

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int
ci_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	unsigned char x, y;

	for (size_t i = 0; i < n; i++) {
		x = lower((unsigned char)a[i]);
		y = lower((unsigned char)b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* Whether needle (m > 0 bytes, lower-case) occurs in hay. */
static bool
ci_find(const char *hay, size_t hlen, const char *needle, size_t m)
{
	size_t j;

	for (size_t i = 0; i + m <= hlen; i++) {
		if (lower((unsigned char)hay[i]) != (unsigned char)needle[0])
			continue;
		for (j = 1; j < m; j++) {
			if (lower((unsigned char)hay[i + j]) !=
			    (unsigned char)needle[j])
				break;
		}
		if (j == m)
			return true;
	}
	return false;
}

/* A component whose display form is itself: printable ASCII without
 * "&" (shift) or "\" (escaped). */
static bool
plain(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '&' || s[i] == '\\')
			return false;
	}
	return true;
}

/* The display form of a raw component, in the scratch buffer; NULL
 * when out of memory.  A decoded byte escapes to at most 4 and decoding
 * gives at most 9 / 8 as many: 5 per raw byte always fit. */
static const char *
display_of(struct mbtree *t, const char *comp, size_t len, size_t *outlen)
{
	size_t cap;

	if (len > (SIZE_MAX - 16) / 5)
		return NULL;
	cap = 5 * len + 16;
	if (reserve_bytes(&t->scratch, &t->scratch_cap, cap) != 0)
		return NULL;
	mboxname_display(comp, len, t->scratch, cap);
	*outlen = strlen(t->scratch);
	return t->scratch;
}

/* Split raw into t->comps with the hash of each prefix; the number of
 * components (at least one, at most max_comps: the last one then holds
 * the rest of the name), or 0 when out of memory.  *folded tells
 * whether the rest held more than one component. */
static size_t
split(struct mbtree *t, const char *raw, size_t len, char delim,
      size_t max_comps, bool *folded)
{
	struct mboxname_iter it;
	uint64_t h = hash_start(t);
	const char *c;
	size_t cl, k = 0, pos = 0, cap;
	void *p;

	*folded = false;
	mboxname_iter_init(&it, raw, len, delim);
	while (mboxname_iter_next(&it, &c, &cl)) {
		if (k + 1 == max_comps && c + cl != raw + len) {
			cl = len - (size_t)(c - raw);
			*folded = true;
		}
		if (k == t->comps_cap) {
			cap = k < 16 ? 16 : 2 * k;
			p = t->comps;
			if (grow_array(&p, cap, sizeof(*t->comps)) != 0)
				return 0;
			t->comps = p;
			t->comps_cap = cap;
		}
		t->comps[k].start = (size_t)(c - raw);
		t->comps[k].end = t->comps[k].start + cl;
		for (; pos < t->comps[k].end; pos++)
			h = hash_step(h, (unsigned char)raw[pos]);
		t->comps[k].hash = hash_final(h);
		k++;
		if (*folded)
			break;
	}
	return k;
}

/* Building --------------------------------------------------------- */

/* Fill node nd's component and label from raw component c (clen
 * bytes); the label shares the component's bytes when it is plain. */
static int
node_names(struct mbtree *t, struct node *nd, const char *c, size_t clen)
{
	const char *label;
	size_t llen;

	if (arena_put(t, c, clen, &nd->comp_off) != 0)
		return -1;
	nd->comp_len = (uint32_t)clen;
	if (plain(c, clen)) {
		nd->label_off = nd->comp_off;
		nd->label_len = nd->comp_len;
		return 0;
	}
	label = display_of(t, c, clen, &llen);
	if (label == NULL || arena_put(t, label, llen, &nd->label_off) != 0)
		return -1;
	nd->label_len = (uint32_t)llen;
	return 0;
}

/* Make the node for component cp of raw (split by sep) under parent,
 * owning e (may be NULL); its index, or 0 when out of memory.  Room in
 * the arrays is reserved by the caller. */
static uint32_t
node_new(struct mbtree *t, uint32_t parent, const struct comp *cp,
	 const char *raw, char sep, struct mailbox_entry *e)
{
	uint32_t idx = (uint32_t)t->n;
	struct node *nd = &t->nodes[idx];
	struct node *p = &t->nodes[parent];

	memset(nd, 0, sizeof(*nd));
	if (node_names(t, nd, raw + cp->start, cp->end - cp->start) != 0)
		return 0;
	nd->entry = e;
	nd->parent = parent;
	nd->sep = parent == ROOT ? '\0' : sep;
	nd->depth = parent == ROOT ? 0 : p->depth + 1;
	nd->hash = cp->hash;
	if (parent == ROOT && ci_cmp(raw, cp->end, "INBOX", 5) == 0)
		nd->flags |= NF_INBOX;
	nd->next_sibling = p->first_child;
	p->first_child = idx;
	t->n++;
	hash_insert(t, idx);
	t->sorted = false;
	if (e != NULL)
		t->count++;
	return idx;
}

/* Give node idx the entry e, freeing the one it had. */
static void
node_attach(struct mbtree *t, uint32_t idx, struct mailbox_entry *e)
{
	struct node *nd = &t->nodes[idx];

	if (nd->entry == NULL)
		t->count++;
	free(nd->entry);
	nd->entry = e;
}

/* How many parents may be made for names the server never listed: one
 * for every 64 bytes of names, and a thousand more (an account lists
 * nearly all its parents).  Each takes at most about 140 bytes (node,
 * row, hash slot, room to grow), so they cost about twice the names'
 * size at most, however the names nest (one-byte components, each
 * name under parents of its own). */
static size_t
made_up_budget(const struct mbtree *t)
{
	return 1024 + t->name_bytes / 64;
}

int
mbtree_add(struct mbtree *t, struct mailbox_entry *e)
{
	uint32_t idx, parent = ROOT;
	size_t k, j;
	bool folded;

	if (t == NULL || e == NULL)
		goto fail;
	t->name_bytes += e->raw_len;
	k = split(t, e->raw, e->raw_len, e->delim, MBTREE_DEPTH_MAX,
		  &folded);
	if (k == 0)
		goto fail;
	idx = hash_lookup(t, e->raw, e->raw_len, t->comps[k - 1].hash);
	if (idx != 0) {
		if (folded && t->nodes[idx].entry == NULL)
			t->folded++;
		node_attach(t, idx, e);
		return 0;
	}
	/* The deepest ancestor already there, of j components. */
	for (j = k - 1; j > 0; j--) {
		parent = hash_lookup(t, e->raw, t->comps[j - 1].end,
				     t->comps[j - 1].hash);
		if (parent != 0)
			break;
	}
	/* Past the budget of made-up parents, the rest of the name below
	 * that ancestor is one leaf. */
	if (t->made_up + (k - 1 - j) > made_up_budget(t)) {
		k = split(t, e->raw, e->raw_len, e->delim, j + 1, &folded);
		if (k == 0)
			goto fail;
	}
	if (reserve_nodes(t, k - j) != 0)
		goto fail;
	t->made_up += k - 1 - j;
	for (; j + 1 < k; j++) {
		parent = node_new(t, parent, &t->comps[j], e->raw, e->delim,
				  NULL);
		if (parent == 0)
			goto fail;
	}
	idx = node_new(t, parent, &t->comps[k - 1], e->raw, e->delim, e);
	if (idx == 0)
		goto fail;
	if (folded) {
		t->nodes[idx].flags |= NF_FOLDED;
		t->folded++;
	}
	return 0;
fail:
	free(e);
	return -1;
}

/* Sibling order: INBOX first at the top level, then labels without
 * case, then with it, then the raw components (unique among
 * siblings, so the order does not depend on the order of adding). */
static int
node_cmp(const struct mbtree *t, uint32_t a, uint32_t b)
{
	const struct node *x = &t->nodes[a], *y = &t->nodes[b];
	int c;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if ((x->flags ^ y->flags) & NF_INBOX)
		return (x->flags & NF_INBOX) ? -1 : 1;
	c = ci_cmp(node_label(t, x), x->label_len, node_label(t, y),
		   y->label_len);
	if (c == 0)
		c = bytes_cmp(node_label(t, x), x->label_len,
			      node_label(t, y), y->label_len);
	if (c == 0 && x->sep != y->sep)
		c = (unsigned char)x->sep < (unsigned char)y->sep ? -1 : 1;
	if (c == 0)
		c = bytes_cmp(t->arena + x->comp_off, x->comp_len,
			      t->arena + y->comp_off, y->comp_len);
	return c;
}

static void
merge(const struct mbtree *t, const uint32_t *in, uint32_t *out,
      size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi) {
		if (node_cmp(t, in[j], in[i]) < 0)
			out[k++] = in[j++];
		else
			out[k++] = in[i++];
	}
	while (i < mid)
		out[k++] = in[i++];
	while (j < hi)
		out[k++] = in[j++];
}

/* Sort the n indexes at a (b is as long, scratch) with a bottom-up
 * merge sort; the array that holds the result. */
static uint32_t *
sort_run(const struct mbtree *t, uint32_t *a, uint32_t *b, size_t n)
{
	uint32_t *tmp;
	size_t mid, hi;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			merge(t, a, b, lo, mid, hi);
		}
		tmp = a;
		a = b;
		b = tmp;
	}
	return a;
}

/* Sort each child list: gather it in the row array, sort it there,
 * link it again in that order.  The rows must be rebuilt after. */
static void
sort_children(struct mbtree *t)
{
	uint32_t *run, c;
	size_t pos = 0, k;

	for (size_t p = 0; p < t->n; p++) {
		k = 0;
		for (c = t->nodes[p].first_child; c != 0;
		     c = t->nodes[c].next_sibling)
			t->rows[pos + k++] = c;
		if (k < 2)
			continue;
		run = sort_run(t, t->rows + pos, t->sortbuf + pos, k);
		t->nodes[p].first_child = run[0];
		for (size_t i = 0; i + 1 < k; i++)
			t->nodes[run[i]].next_sibling = run[i + 1];
		t->nodes[run[k - 1]].next_sibling = 0;
		pos += k;
	}
	t->nrows = 0;
}

/* Set map[old] to each node's place in a preorder walk of the whole
 * tree (no stack: down, else next sibling, else up). */
static void
preorder_map(const struct mbtree *t, uint32_t *map)
{
	uint32_t v = t->nodes[ROOT].first_child, next;
	uint32_t k = 1;

	map[ROOT] = ROOT;
	while (v != 0) {
		map[v] = k++;
		next = t->nodes[v].first_child;
		while (next == 0 && v != ROOT) {
			next = t->nodes[v].next_sibling;
			v = t->nodes[v].parent;
		}
		v = next;
	}
}

/* Renumber the nodes in preorder, in place, so that walks over the
 * tree read memory in order.  Parents keep smaller indexes than their
 * children.  The rows must be rebuilt after. */
static void
renumber(struct mbtree *t)
{
	uint32_t *map = t->sortbuf;
	struct node *nd, cur, tmp;
	size_t j, k;

	preorder_map(t, map);
	for (size_t i = 0; i < t->n; i++) {
		nd = &t->nodes[i];
		nd->parent = map[nd->parent];
		nd->first_child = map[nd->first_child];
		nd->next_sibling = map[nd->next_sibling];
	}
	for (size_t i = 0; i < t->nslots; i++)
		t->slots[i] = map[t->slots[i]];
	/* Follow each cycle of the permutation, placing one node a step. */
	for (size_t i = 0; i < t->n; i++) {
		if (t->nodes[i].flags & NF_PLACED)
			continue;
		cur = t->nodes[i];
		j = i;
		do {
			k = map[j];
			tmp = t->nodes[k];
			t->nodes[k] = cur;
			t->nodes[k].flags |= NF_PLACED;
			cur = tmp;
			j = k;
		} while (k != i);
	}
	for (size_t i = 0; i < t->n; i++)
		t->nodes[i].flags &= (uint8_t)~NF_PLACED;
	t->nrows = 0;
}

/* Filtering -------------------------------------------------------- */

/* Write the last want bytes (or fewer, when shorter) of the display
 * path of node p so that they end at w + want; the number written. */
static size_t
path_tail(const struct mbtree *t, uint32_t p, char *w, size_t want)
{
	const struct node *nd;
	size_t got = 0, take;

	while (p != ROOT && got < want) {
		nd = &t->nodes[p];
		take = want - got < nd->label_len ? want - got : nd->label_len;
		memcpy(w + want - got - take,
		       node_label(t, nd) + nd->label_len - take, take);
		got += take;
		if (got < want && nd->parent != ROOT) {
			w[want - got - 1] = nd->sep;
			got++;
		}
		p = nd->parent;
	}
	return got;
}

/* Whether node i matches: its parent's path does, its label does, or
 * the text spans the end of the parent's path, the delimiter and the
 * start of the label.  Parents are decided before their children. */
static bool
node_matches(struct mbtree *t, uint32_t i)
{
	const struct node *nd = &t->nodes[i];
	size_t m = t->needle_len, lp, got;
	char *w = t->scratch;

	if (nd->parent == ROOT)
		return ci_find(node_label(t, nd), nd->label_len, t->needle, m);
	if (t->nodes[nd->parent].flags & NF_MATCH)
		return true;
	if (ci_find(node_label(t, nd), nd->label_len, t->needle, m))
		return true;
	got = path_tail(t, nd->parent, w, m - 1);
	w[m - 1] = nd->sep;
	lp = nd->label_len < m - 1 ? nd->label_len : m - 1;
	memcpy(w + m, node_label(t, nd), lp);
	return ci_find(w + m - 1 - got, got + 1 + lp, t->needle, m);
}

/* Mark matches, then (children before parents) what they show. */
static void
filter_apply(struct mbtree *t)
{
	struct node *nd;

	t->nmatch = 0;
	for (size_t i = 0; i < t->n; i++) {
		nd = &t->nodes[i];
		nd->flags &= (uint8_t)~NF_FILTER;
		if (i == ROOT || !node_matches(t, (uint32_t)i))
			continue;
		nd->flags |= NF_MATCH | NF_SHOWN;
		t->nmatch += nd->entry != NULL;
	}
	for (size_t i = t->n; i-- > 1;) {
		nd = &t->nodes[i];
		if (nd->flags & NF_SHOWN)
			t->nodes[nd->parent].flags |=
				NF_SHOWN | NF_FKIDS | NF_FEXPANDED;
	}
}

/* Visible rows ----------------------------------------------------- */

/* x or the first sibling after it that the view shows; 0 if none. */
static uint32_t
next_shown(const struct mbtree *t, uint32_t x)
{
	if (t->needle == NULL)
		return x;
	while (x != 0 && !(t->nodes[x].flags & NF_SHOWN))
		x = t->nodes[x].next_sibling;
	return x;
}

static bool
node_open(const struct mbtree *t, const struct node *nd)
{
	return (nd->flags & (t->needle != NULL ? NF_FEXPANDED : NF_EXPANDED))
	       != 0;
}

/* Walk the open part of the tree in order, without a stack: down to
 * the first child, else on to the next sibling, else up. */
static void
rows_rebuild(struct mbtree *t)
{
	uint32_t v = next_shown(t, t->nodes[ROOT].first_child), next;
	size_t n = 0;

	while (v != 0) {
		t->nodes[v].row = (uint32_t)n;
		t->rows[n++] = v;
		next = 0;
		if (node_open(t, &t->nodes[v]))
			next = next_shown(t, t->nodes[v].first_child);
		while (next == 0 && v != ROOT) {
			next = next_shown(t, t->nodes[v].next_sibling);
			v = t->nodes[v].parent;
		}
		v = next;
	}
	t->nrows = n;
}

/* Bring the order, the first expansion of new nodes and the filter up
 * to date after adds.  The rows must be rebuilt after. */
static void
prepare(struct mbtree *t)
{
	bool open = t->count < SMALL_TREE;

	if (t->sorted)
		return;
	sort_children(t);
	for (size_t i = t->built; i < t->n; i++) {
		if (open)
			t->nodes[i].flags |= NF_EXPANDED;
	}
	renumber(t);
	t->built = t->n;
	if (t->needle != NULL)
		filter_apply(t);
	t->sorted = true;
}

/* The API ---------------------------------------------------------- */

struct mbtree *
mbtree_new(void)
{
	struct mbtree *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->seed = make_seed(t);
	if (reserve_nodes(t, 1) != 0 ||
	    reserve_bytes(&t->arena, &t->arena_cap, MIN_ARENA) != 0) {
		mbtree_free(t);
		return NULL;
	}
	memset(&t->nodes[ROOT], 0, sizeof(t->nodes[ROOT]));
	t->n = 1;
	t->built = 1;
	t->sorted = true;
	return t;
}

void
mbtree_free(struct mbtree *t)
{
	if (t == NULL)
		return;
	for (size_t i = 1; i < t->n; i++)
		free(t->nodes[i].entry);
	free(t->nodes);
	free(t->rows);
	free(t->sortbuf);
	free(t->slots);
	free(t->arena);
	free(t->comps);
	free(t->scratch);
	free(t->needle);
	free(t);
}

int
mbtree_set_status(struct mbtree *t, const char *raw, size_t len,
		  uint32_t messages, uint32_t unseen)
{
	struct mailbox_entry *e;
	uint32_t idx;

	if (t == NULL || raw == NULL)
		return -1;
	idx = hash_lookup(t, raw, len, hash_name(t, raw, len));
	e = t->nodes[idx].entry;
	if (idx == 0 || e == NULL)
		return -1;
	e->has_status = true;
	e->messages = messages;
	e->unseen = unseen;
	return 0;
}

void
mbtree_build(struct mbtree *t)
{
	if (t == NULL)
		return;
	prepare(t);
	rows_rebuild(t);
}

/* Whether text is the current filter. */
static bool
same_filter(const struct mbtree *t, const char *text, size_t m)
{
	return t->needle != NULL && t->needle_len == m &&
	       ci_cmp(text, m, t->needle, m) == 0;
}

/* Make text the filter and mark what it shows; unchanged when out of
 * memory. */
static void
set_filter(struct mbtree *t, const char *text, size_t m)
{
	char *needle;

	if (m > SIZE_MAX / 2 - 1 ||
	    reserve_bytes(&t->scratch, &t->scratch_cap, 2 * m + 1) != 0)
		return;
	needle = malloc(m + 1);
	if (needle == NULL)
		return;
	for (size_t i = 0; i < m; i++)
		needle[i] = (char)lower((unsigned char)text[i]);
	needle[m] = '\0';
	free(t->needle);
	t->needle = needle;
	t->needle_len = m;
	filter_apply(t);
}

void
mbtree_filter(struct mbtree *t, const char *text)
{
	size_t m = text != NULL ? strlen(text) : 0;

	if (t == NULL)
		return;
	prepare(t);
	if (m == 0) {
		free(t->needle);
		t->needle = NULL;
		t->needle_len = 0;
	} else if (!same_filter(t, text, m)) {
		set_filter(t, text, m);
	}
	rows_rebuild(t);
}

size_t
mbtree_rows(const struct mbtree *t)
{
	return t != NULL ? t->nrows : 0;
}

void
mbtree_row(const struct mbtree *t, size_t i, struct mbtree_row *out)
{
	const struct node *nd;

	memset(out, 0, sizeof(*out));
	out->label = "";
	if (t == NULL || i >= t->nrows)
		return;
	nd = &t->nodes[t->rows[i]];
	out->entry = nd->entry;
	out->label = node_label(t, nd);
	out->label_len = nd->label_len;
	out->depth = nd->depth;
	if (t->needle != NULL) {
		out->has_children = (nd->flags & NF_FKIDS) != 0;
		out->match = (nd->flags & NF_MATCH) != 0;
	} else {
		out->has_children = nd->first_child != 0;
	}
	out->expanded = out->has_children && node_open(t, nd);
}

size_t
mbtree_path(const struct mbtree *t, size_t i, char *buf, size_t cap)
{
	size_t len = 0, got;
	uint32_t idx;

	buf[0] = '\0';
	if (t == NULL || i >= t->nrows)
		return 0;
	idx = t->rows[i];
	for (uint32_t p = idx; p != ROOT; p = t->nodes[p].parent)
		len += t->nodes[p].label_len +
		       (t->nodes[p].parent != ROOT ? 1 : 0);
	got = path_tail(t, idx, buf, len < cap ? len : cap - 1);
	buf[got] = '\0';
	return got;
}

void
mbtree_toggle(struct mbtree *t, size_t i)
{
	struct node *nd;

	if (t == NULL || i >= t->nrows)
		return;
	/* Before prepare(), which may renumber the nodes. */
	nd = &t->nodes[t->rows[i]];
	if (t->needle != NULL && (nd->flags & NF_FKIDS))
		nd->flags ^= NF_FEXPANDED;
	else if (t->needle == NULL && nd->first_child != 0)
		nd->flags ^= NF_EXPANDED;
	prepare(t);
	rows_rebuild(t);
}

static void
set_all(struct mbtree *t, bool open)
{
	uint8_t bit;

	if (t == NULL)
		return;
	prepare(t);
	bit = t->needle != NULL ? NF_FEXPANDED : NF_EXPANDED;
	for (size_t i = 1; i < t->n; i++) {
		if (open)
			t->nodes[i].flags |= bit;
		else
			t->nodes[i].flags &= (uint8_t)~bit;
	}
	rows_rebuild(t);
}

void
mbtree_expand_all(struct mbtree *t)
{
	set_all(t, true);
}

void
mbtree_collapse_all(struct mbtree *t)
{
	set_all(t, false);
}

static size_t
row_of(const struct mbtree *t, uint32_t idx)
{
	uint32_t row = t->nodes[idx].row;

	if (idx == 0 || row >= t->nrows || t->rows[row] != idx)
		return (size_t)-1;
	return row;
}

size_t
mbtree_find(const struct mbtree *t, const char *raw, size_t len)
{
	if (t == NULL || raw == NULL)
		return (size_t)-1;
	return row_of(t, hash_lookup(t, raw, len, hash_name(t, raw, len)));
}

size_t
mbtree_reveal(struct mbtree *t, const char *raw, size_t len)
{
	uint8_t bit;
	uint32_t idx;

	if (t == NULL || raw == NULL)
		return (size_t)-1;
	prepare(t);
	idx = hash_lookup(t, raw, len, hash_name(t, raw, len));
	if (idx != 0 && (t->needle == NULL ||
			 (t->nodes[idx].flags & NF_SHOWN))) {
		bit = t->needle != NULL ? NF_FEXPANDED : NF_EXPANDED;
		for (uint32_t p = t->nodes[idx].parent; p != ROOT;
		     p = t->nodes[p].parent)
			t->nodes[p].flags |= bit;
	}
	rows_rebuild(t);
	return row_of(t, idx);
}

size_t
mbtree_parent_row(const struct mbtree *t, size_t i)
{
	if (t == NULL || i >= t->nrows)
		return (size_t)-1;
	return row_of(t, t->nodes[t->rows[i]].parent);
}

size_t
mbtree_count(const struct mbtree *t)
{
	return t != NULL ? t->count : 0;
}

size_t
mbtree_folded(const struct mbtree *t)
{
	return t != NULL ? t->folded : 0;
}

size_t
mbtree_matches(const struct mbtree *t)
{
	return t != NULL && t->needle != NULL ? t->nmatch : 0;
}

size_t
mbtree_memory(const struct mbtree *t)
{
	const struct mailbox_entry *e;
	size_t sum;

	if (t == NULL)
		return 0;
	sum = sizeof(*t) + t->cap * (sizeof(*t->nodes) + 2 * sizeof(uint32_t))
	      + t->nslots * sizeof(*t->slots) + t->arena_cap
	      + t->comps_cap * sizeof(*t->comps) + t->scratch_cap
	      + (t->needle != NULL ? t->needle_len + 1 : 0);
	for (size_t i = 1; i < t->n; i++) {
		e = t->nodes[i].entry;
		if (e != NULL)
			sum += sizeof(*e) + e->raw_len + 1 +
			       strlen(e->display) + 1;
	}
	return sum;
}
