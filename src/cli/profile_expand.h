/* profile_expand.h - a command line that names a profile, expanded into
 * the profile's options followed by its own. */
#ifndef IMAPCONN_PROFILE_EXPAND_H
#define IMAPCONN_PROFILE_EXPAND_H

#include <stddef.h>

/* Expand a command line: "--config FILE" (the file, instead of
 * profile_default_path()), "--profile NAME", or a HOST that names a
 * profile of the file, become the profile's options followed by the
 * rest of the command line (which overrides them); --profile is taken
 * out, --config kept (the interface lists the file's accounts).  *out is a new vector for
 * profile_expand_free() (argv[0] kept).  0, or -1 with a message in
 * err: a file that cannot be read or is wrong (with its line), a
 * --profile the file lacks. */
int profile_expand(int argc, char **argv, int *out_argc, char ***out,
		   char *err, size_t cap);

void profile_expand_free(int argc, char **argv);

#endif
