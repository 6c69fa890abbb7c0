/* names.h - the name of an enum value, from a table of names indexed by
 * the value. */
#ifndef IMAPCONN_NAMES_H
#define IMAPCONN_NAMES_H

#include <stddef.h>

/* table[v] when v < n and that entry is set, else dflt: a value from
 * outside (a cast, a newer enum) never reads past the table. */
const char *names_get(const char *const *table, size_t n, unsigned v,
		      const char *dflt);

/* names_get for a table whose size the compiler knows. */
#define NAMES_GET(table, v, dflt) \
	names_get((table), sizeof(table) / sizeof((table)[0]), \
		  (unsigned)(v), (dflt))

#endif
