/* importtest.c - what the import suites share: a setting's value. */
#include "importtest.h"

const char *
importtest_value(const struct import_list *l, size_t i, const char *option)
{
	const struct import_setting *s = importacct_get(&l->acc[i], option);

	return s == NULL ? NULL : s->value != NULL ? s->value : "";
}
