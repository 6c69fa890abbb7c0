/* testopts.h - command lines the unit tests share. */
#ifndef IMAPCONN_TESTOPTS_H
#define IMAPCONN_TESTOPTS_H

#include <stddef.h>

#include "options.h"

/* options_parse() on the words given (NULL-terminated, after argv[0];
 * at most 14 are taken). */
int test_parse_words(struct options *o, char *err, size_t errcap, ...);

#endif
