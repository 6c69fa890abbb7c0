/* capdiff.h - the capability lists of one connection side by side:
 * before TLS, after TLS and after login, which names each list has,
 * what changed from one to the next and which changes look wrong.
 *
 * The lists are the space-separated, already escaped names EV_CAPS
 * carries; this module only compares them.  Every consumer (--check
 * text and JSON, the report, the terminal interface) builds the same
 * rows from here, so they cannot disagree about what changed. */
#ifndef IMAPCONN_CAPDIFF_H
#define IMAPCONN_CAPDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "phase.h"

/* Names kept over all lists; a longer union is cut (truncated set). */
#define CAPDIFF_NAMES_MAX 1024

enum capdiff_slot {
	CAPDIFF_BEFORE_TLS = 0,	/* on the plain link */
	CAPDIFF_AFTER_TLS,	/* over TLS (implicit or STARTTLS), before
				 * login */
	CAPDIFF_AFTER_LOGIN,	/* sent with the login reply */
	CAPDIFF_SLOTS
};

enum capdiff_change {
	CAPDIFF_NONE = 0,	/* not comparable: a list is missing */
	CAPDIFF_SAME,		/* in both lists */
	CAPDIFF_ADDED,		/* only in the later list */
	CAPDIFF_REMOVED,	/* only in the earlier list */
	CAPDIFF_ABSENT		/* in neither (but in another slot) */
};

/* How the connection was protected, for the note on a single list. */
enum capdiff_tls {
	CAPDIFF_TLS_NONE = 0,	/* plain text throughout */
	CAPDIFF_TLS_IMPLICIT,	/* TLS from the first byte */
	CAPDIFF_TLS_STARTTLS	/* STARTTLS asked for */
};

struct capdiff_row {
	char *name;		/* owned; spelt as the first list has it */
	unsigned in;		/* bit (1u << slot): that slot's list has it */
};

/* A plain value: zero it, fill it with capdiff_build(), free what it
 * holds with capdiff_free(). */
struct capdiff {
	bool have[CAPDIFF_SLOTS];	/* a list was given for the slot */
	size_t n;
	struct capdiff_row *rows;	/* owned, n of them */
	bool truncated;			/* more than CAPDIFF_NAMES_MAX */
};

/* The slot of an EV_CAPS event's list, from its phase and flag. */
enum capdiff_slot capdiff_slot_of(enum phase p, bool after_tls);

/* The protection planned by an endpoint (implicit TLS wins). */
enum capdiff_tls capdiff_tls_of(const struct endpoint *ep);

/* Compare lists[slot] (NULL: none received for that slot).  Names
 * compare without regard to case; a name repeated within one list
 * counts once.  Rows come in order of first appearance, slot by slot:
 * the names before TLS, then those new after TLS, then those new
 * after login.  Returns 0, or -1 when out of memory (*d is then
 * empty).  Any earlier content of *d is freed first. */
int capdiff_build(struct capdiff *d, const char *const lists[CAPDIFF_SLOTS]);

/* Free what *d holds and empty it; the struct itself is the caller's. */
void capdiff_free(struct capdiff *d);

/* What happened to row r from the list of slot from to that of to. */
enum capdiff_change capdiff_change(const struct capdiff *d,
				   const struct capdiff_row *r,
				   enum capdiff_slot from,
				   enum capdiff_slot to);

/* "same", "added", "removed", "absent"; NULL for CAPDIFF_NONE. */
const char *capdiff_change_name(enum capdiff_change c);

/* Whether the list of slot s has name (without regard to case). */
bool capdiff_has(const struct capdiff *d, enum capdiff_slot s,
		 const char *name);

/* Rows whose change from from to to is c. */
size_t capdiff_count(const struct capdiff *d, enum capdiff_slot from,
		     enum capdiff_slot to, enum capdiff_change c);

/* Why row r's change between before and after TLS deserves a warning,
 * as a short phrase, or NULL when it does not: a login mechanism
 * offered in plain text but withdrawn over TLS, LOGINDISABLED or
 * STARTTLS appearing only once encrypted.  (STARTTLS and LOGINDISABLED
 * going away after TLS, and AUTH= appearing, are what servers do.) */
const char *capdiff_tls_warning(const struct capdiff *d,
				const struct capdiff_row *r);

/* The list the login reply's is compared with: after TLS when there is
 * one, else before TLS; CAPDIFF_SLOTS when neither was received. */
enum capdiff_slot capdiff_login_base(const struct capdiff *d);

/* The names of the rows whose change from from to to is want, or with
 * from == to the names of that list, space-separated into buf (cap
 * bytes, NUL-terminated), ending with "..." when they do not all fit.
 * Returns the length written. */
size_t capdiff_join(const struct capdiff *d, enum capdiff_slot from,
		    enum capdiff_slot to, enum capdiff_change want, char *buf,
		    size_t cap);

/* A one-line note when there is no before/after TLS pair to show side
 * by side ("implicit TLS: no plain-text capabilities"), else NULL. */
const char *capdiff_note(const struct capdiff *d, enum capdiff_tls mode);

/* The comparison as text lines, each after indent: two columns
 * "before TLS | after TLS" with "-" on names gone after TLS, "+" on
 * names added and a WARNING after suspicious ones, or the note and the
 * one list; then what changed after login.  Names already escaped by
 * the core are printed as they are; width is the line length to wrap
 * lists at. */
void capdiff_print(const struct capdiff *d, enum capdiff_tls mode,
		   FILE *out, const char *indent, int width);

/* Whether row r is a mechanism imapconn can log in with: "AUTH=" and
 * a name caps_mech_usable() knows. */
bool capdiff_usable(const struct capdiff_row *r);

/* The mechanisms (AUTH= names without "AUTH=") of the list the login
 * uses (capdiff_login_base()) that imapconn can use (usable true) or
 * cannot, space-separated into buf as capdiff_join() writes: "" when
 * none.  Returns the length written. */
size_t capdiff_mechs(const struct capdiff *d, bool usable, char *buf,
		     size_t cap);

#endif
