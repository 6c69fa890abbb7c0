/* safefile.h - the one rule for writing a file the user named, on the
 * command line (--report, --transcript, --export FMT:FILE) or in the
 * interface: a symbolic link is never followed (an existing one is
 * refused), a regular file is given the mode asked for, and a failure
 * is said in words that name what to fix. */
#ifndef IMAPCONN_SAFEFILE_H
#define IMAPCONN_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "fail.h"

/* Open path for writing, close-on-exec, never through a symbolic link:
 * created with mode, or (overwrite true) an existing file truncated and
 * given mode when it is a regular file (a device such as /dev/null is
 * written as it is, its mode left alone).  With overwrite false an
 * existing path fails with EEXIST.  An existing symbolic link fails
 * with ELOOP either way.  Returns the descriptor (the caller's to
 * close), or -1 with errno set. */
int safefile_open(const char *path, mode_t mode, bool overwrite);

/* Why writing path failed with errno err, in words that name what to
 * fix (cap bytes into buf): "the directory /x/y does not exist",
 * "/x/y/f is a symbolic link, not followed: name the file itself",
 * "Permission denied: you may not write /x/y/f", else "PATH: " and the
 * system's text. */
void safefile_reason(const char *path, int err, char *buf, size_t cap);

/* safefile_open() with mode 0600 as a stream, for the file of a
 * command-line option (option is its name, "--report").  NULL with *f
 * set (PHASE_NONE, FAIL_INPUT, "--report FILE: " and the reason) when
 * it cannot be opened. */
FILE *safefile_fopen(const char *option, const char *path, bool overwrite,
		     struct failure *f);

/* Replace path with len bytes of data as one step: written to a new
 * file beside it (PATH.XXXXXX) with mode, synced, then renamed over
 * path, so that a reader sees the old contents or the new ones and
 * never a part.  A symbolic link at path is replaced, not followed.
 * Returns 0, or -1 with errno set (the temporary file removed). */
int safefile_replace(const char *path, const char *data, size_t len,
		     mode_t mode);

/* Make dir and its missing parents with mode (existing ones are left
 * as they are).  Returns 0, or -1 with errno set. */
int safefile_mkdirs(const char *dir, mode_t mode);

#endif
