/* knowncmd.h - --known-certs and --forget: the file of certificates
 * accepted for good, listed and edited from the command line. */
#ifndef IMAPCONN_KNOWNCMD_H
#define IMAPCONN_KNOWNCMD_H

#include <stdio.h>

#include "options.h"

/* --known-certs: the file's entries on out, one a line, then their
 * count; bad lines on standard error.  Returns 0, or 66 when the file
 * cannot be read (or no path is known). */
int knowncmd_list(const struct options *o, FILE *out);

/* --forget HOST[:PORT]: remove HOST's entry for PORT, or all of HOST's
 * entries, and say how many went.  Returns 0, 1 when none matched, or
 * 66 when the file cannot be read or written. */
int knowncmd_forget(const struct options *o, FILE *out);

#endif
