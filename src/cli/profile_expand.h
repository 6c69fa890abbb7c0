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

/* An account's arguments (args, n of them, no argv[0]; taken over)
 * with the command line's over them, as for an account chosen in the
 * interface: each option the command line (cmd, n_cmd entries, cmd[0]
 * the program) sets itself is left out of the account's, and the
 * command line's options follow (not its host: the account names its
 * own).  A new vector without argv[0] in *out, *out_n entries, for
 * strv_free().  0, or -1 out of memory (args freed either way). */
int profile_expand_over(int n_cmd, char *const *cmd, int n, char **args,
			int *out_n, char ***out);

#endif
