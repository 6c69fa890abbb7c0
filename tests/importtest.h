/* importtest.h - what the import suites share: a setting's value. */
#ifndef IMAPCONN_IMPORTTEST_H
#define IMAPCONN_IMPORTTEST_H

#include "importacct.h"

/* The value of option in account i of l: "" for an option without
 * one, NULL when the account does not set it. */
const char *importtest_value(const struct import_list *l, size_t i,
			     const char *option);

#endif
