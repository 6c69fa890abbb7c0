/* importcause.h - which setting of an imported account a failure
 * points at: the file, the line and why. */
#ifndef IMAPCONN_IMPORTCAUSE_H
#define IMAPCONN_IMPORTCAUSE_H

#include <stdio.h>

#include "fail.h"
#include "importacct.h"

#define IMPORTCAUSE_MAX 3

/* One likely cause: a setting, or a role the account leaves unset
 * (set NULL: imapconn used its default). */
struct import_cause {
	enum import_role role;
	const struct import_setting *set;
	const char *why;	/* static text */
};

/* The settings of a most likely behind f, best first, into out (at
 * most IMPORTCAUSE_MAX); how many.  Chosen by f's reason, else its
 * class, never by its detail text.  0 when f is no failure. */
size_t importcause_find(const struct import_account *a,
			const struct failure *f, struct import_cause *out);

/* "likely cause: FILE:LINE: WORDS: WHY" on out, one line a cause. */
void importcause_print(const struct import_account *a,
		       const struct import_cause *c, size_t n, FILE *out);

/* The role's name in words, "the port"; never NULL. */
const char *importcause_role_name(enum import_role r);

#endif
