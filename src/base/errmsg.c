/* errmsg.c - a one-line error message written into the caller's
 * buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"

int
errmsg(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || cap == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}
