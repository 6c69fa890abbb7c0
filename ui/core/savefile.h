/* savefile.h - writing a file the user named from the interface (a
 * certificate chain, an export, a report): never over an existing file
 * unless asked, with the mode given, and with reasons people can act
 * on.  No curses here, so it is unit-tested. */
#ifndef IMAPCONN_SAVEFILE_H
#define IMAPCONN_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Write len bytes of data to path with mode (an existing file replaced
 * is given that mode too), by the rule of safefile_open().  With
 * overwrite false an existing file is left alone; a symbolic link is
 * never followed.  Returns 0, 1 when
 * path exists and overwrite is false, or -1 with errno set (a file
 * this call created is removed again).  The absolute path goes to
 * where (cap bytes) when known, else path. */
int savefile_write(const char *path, const char *data, size_t len,
		   mode_t mode, bool overwrite, char *where, size_t cap);

/* in with a leading "~" or "~/" replaced by $HOME, into out (cap
 * bytes); other forms ("~user") are copied as they are.  Returns 0, or
 * -1 when the result does not fit (out is then empty). */
int savefile_expand(const char *in, char *out, size_t cap);

/* safefile_reason(): why writing path failed with errno err, in words
 * that name what to fix (cap bytes into buf). */
void savefile_reason(const char *path, int err, char *buf, size_t cap);

/* A file name in the current directory for what about host:
 * "./imapconn-WHAT-HOST.EXT", each byte of host that has no place in a
 * file name (anything but letters, digits, '.', '-' and '_') as '_',
 * host cut at 64 bytes.  An empty host leaves "-HOST" out. */
void savefile_default_name(const char *what, const char *host,
			   const char *ext, char *out, size_t cap);

#endif
