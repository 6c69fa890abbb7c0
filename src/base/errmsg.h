/* errmsg.h - a one-line error message written into the caller's
 * buffer, for functions that answer -1 and say why. */
#ifndef IMAPCONN_ERRMSG_H
#define IMAPCONN_ERRMSG_H

#include <stddef.h>

/* Format the message into err (cut to cap bytes, NUL-terminated;
 * nothing is written when cap is 0) and return -1, so that a caller
 * can write "return errmsg(err, cap, ...);". */
int errmsg(char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
