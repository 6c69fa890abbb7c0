/* strv.c - arrays of strings the caller owns. */
#include <stdlib.h>

#include "strv.h"

void
strv_free(int n, char **v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
