/* mbtree.h - the mailbox list as a tree by its delimiter: build it,
 * expand and collapse, filter as the user types, and read the visible
 * rows, fast for hundreds of thousands of folders.  No curses here.
 *
 * A mailbox is placed by splitting its raw name with its own delimiter
 * (mboxname_iter), so entries may use different delimiters, or none
 * (NIL: the whole name is one top-level folder).  A node is known by its
 * raw name: it keeps the place the first entry (or child) with that name
 * gave it.  Labels are the display form of each raw component
 * (mboxname_display), so an invalid component shows raw, escaped.
 * Nothing here recurses: trees of any depth are fine.  One tree is used
 * by one thread. */
#ifndef IMAPCONN_MBTREE_H
#define IMAPCONN_MBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"

struct mbtree;

/* Levels a mailbox may have in the tree: the components of a deeper
 * name from this level on are kept as one leaf, the rest of the name
 * (so memory stays bounded by the names' size, however deep). */
#define MBTREE_DEPTH_MAX 32

/* One visible row, filled by mbtree_row() without allocating.  Pointers
 * are owned by the tree and stay valid until the tree changes (add,
 * build, filter, toggle, expand, collapse, reveal) or is freed. */
struct mbtree_row {
	const struct mailbox_entry *entry;	/* NULL for a parent the
						 * server did not list */
	const char *label;	/* last path component, display form,
				 * NUL-terminated, terminal-safe */
	size_t label_len;
	unsigned depth;		/* 0 for top-level folders */
	bool has_children;	/* under a filter: children it shows */
	bool expanded;
	bool match;		/* matches the filter itself (not only an
				 * ancestor of a match); false unfiltered */
};

/* An empty tree, or NULL when out of memory. */
struct mbtree *mbtree_new(void);

/* Free the tree and every entry it owns.  NULL is fine. */
void mbtree_free(struct mbtree *t);

/* Add one listed mailbox; the tree takes ownership of e (allocated
 * with mailbox_entry_new).  Parents missing from the list appear as
 * rows without an entry, and get it if it arrives later.  A second
 * entry with the same raw name replaces the first (which is freed).
 * Entries may come in any order.  The visible rows do not change until
 * the next build, filter, toggle, expand or collapse.  0, or -1 when
 * out of memory or the tree is full (e is freed; parents already made
 * for it stay). */
int mbtree_add(struct mbtree *t, struct mailbox_entry *e);

/* Set the counts of the mailbox whose raw name is raw (len bytes);
 * 0, or -1 when no such mailbox (or only a made-up parent). */
int mbtree_set_status(struct mbtree *t, const char *raw, size_t len,
		      uint32_t messages, uint32_t unseen);

/* After adding: order children (INBOX first at the top level, any
 * case, then by display name, case-insensitively) and compute the
 * visible rows.  Nodes seen by a build for the first time start
 * expanded when the tree holds fewer than 200 mailboxes, else
 * collapsed; the state of the others is kept.  May be called again
 * after more adds; the filter, if any, is applied to them. */
void mbtree_build(struct mbtree *t);

/* Show only mailboxes whose display name or full display path (labels
 * joined with their delimiters) contains text, case-insensitively for
 * ASCII letters (other UTF-8 matches exactly), with their ancestors,
 * expanded.  A folder under a match matches too (its path contains
 * the text).  While a filter is on, toggle, expand and collapse work on
 * the filtered view only.  "" or NULL clears the filter and restores
 * the expansion state from before.  The same text again keeps the
 * filtered view as the user left it.  On out of memory the filter
 * stays as it was. */
void mbtree_filter(struct mbtree *t, const char *text);

/* Number of visible rows, and row i of them (0 <= i < rows; out of
 * range gives an empty row with entry NULL and label ""). */
size_t mbtree_rows(const struct mbtree *t);
void mbtree_row(const struct mbtree *t, size_t i, struct mbtree_row *out);

/* The display path of visible row i (its labels joined with their
 * delimiters) in buf, NUL-terminated, cut at the front to fit cap
 * bytes; its length.  "" for i out of range.  cap must be at least 1. */
size_t mbtree_path(const struct mbtree *t, size_t i, char *buf, size_t cap);

/* Expand or collapse the node at visible row i (no-op on a leaf or out
 * of range). */
void mbtree_toggle(struct mbtree *t, size_t i);
void mbtree_expand_all(struct mbtree *t);
void mbtree_collapse_all(struct mbtree *t);

/* The visible row of the mailbox (or made-up parent) with raw name raw
 * (len bytes, compared exactly), or (size_t)-1 when there is none or
 * it is hidden.  O(len). */
size_t mbtree_find(const struct mbtree *t, const char *raw, size_t len);

/* Expand the ancestors of the mailbox with raw name raw so that it is
 * visible, and return its row; (size_t)-1 when there is no such node or
 * the filter hides it. */
size_t mbtree_reveal(struct mbtree *t, const char *raw, size_t len);

/* The visible row of the parent of row i, or (size_t)-1 for a
 * top-level row or i out of range. */
size_t mbtree_parent_row(const struct mbtree *t, size_t i);

/* Mailboxes added (not counting parents made up for missing ones). */
size_t mbtree_count(const struct mbtree *t);

/* Mailboxes whose deepest levels were kept as one leaf: deeper than
 * MBTREE_DEPTH_MAX, or past the budget of parents made up for names
 * never listed (one for every 64 bytes of names, and a thousand more),
 * which bounds the tree's memory whatever way the names nest. */
size_t mbtree_folded(const struct mbtree *t);

/* Mailboxes (not made-up parents) the filter matches, whether or not
 * their rows are visible; 0 without a filter. */
size_t mbtree_matches(const struct mbtree *t);

/* Bytes of heap the tree holds, its entries included, without the
 * allocator's own overhead. */
size_t mbtree_memory(const struct mbtree *t);

#endif
