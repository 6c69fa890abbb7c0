/* names.c - the name of an enum value, from a table indexed by it. */
#include "names.h"

const char *
names_get(const char *const *table, size_t n, unsigned v, const char *dflt)
{
	if (v >= n || table[v] == NULL)
		return dflt;
	return table[v];
}
