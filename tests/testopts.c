/* testopts.c - command lines the unit tests share. */
#include <stdarg.h>

#include "testopts.h"

int
test_parse_words(struct options *o, char *err, size_t errcap, ...)
{
	char name[] = "imapconn";
	char *argv[16] = { name };
	int argc = 1;
	va_list ap;

	va_start(ap, errcap);
	for (const char *w = va_arg(ap, const char *); w != NULL &&
	     argc < 15; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	return options_parse(argc, argv, o, err, errcap);
}
