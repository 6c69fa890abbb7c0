/* profile.h - named accounts in the configuration file
 * ($XDG_CONFIG_HOME/imapconn/config, see imapconn.conf(5)): each a
 * section of command-line options, never a password, turned into the
 * options they stand for. */
#ifndef IMAPCONN_PROFILE_H
#define IMAPCONN_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#define PROFILE_ERR_MAX 1024

/* One "key = value" of a profile, with the line it came from. */
struct profile_entry {
	char *key;
	char *value;
	int line;
};

/* One [NAME] section. */
struct profile {
	char *name;
	int line;
	struct profile_entry *entries;
	size_t n;
};

/* The whole file. */
struct profile_file {
	char path[4096];
	struct profile *profiles;
	size_t n;
};

/* The configuration file's path into buf: $XDG_CONFIG_HOME/imapconn/
 * config, else $HOME/.config/imapconn/config.  0, or -1 when neither
 * variable is set. */
int profile_default_path(char *buf, size_t cap);

/* Read and check the file at path into *f: sections, keys known to
 * imapconn (options of the command line, and host), no password, and
 * every host form valid.  0; 1 when the file does not exist (*f
 * empty); -1 with "PATH:LINE: what was wrong" in err. */
int profile_read(const char *path, struct profile_file *f, char *err,
		 size_t cap);

/* Add the account name, its "key = value" lines body, at the end of
 * the file at path (made, mode 600, with its directory when missing),
 * in one step, after checking the whole as profile_read() would: a
 * name already there, a bad name or a bad line is refused.  0, or -1
 * with err. */
int profile_append(const char *path, const char *name, const char *body,
		   char *err, size_t cap);

/* The value of key in p ("" for a key without one), or "" when p does
 * not set key. */
const char *profile_value(const struct profile *p, const char *key);

/* The profile called name, or NULL. */
const struct profile *profile_find(const struct profile_file *f,
				   const char *name);

/* The command-line arguments p stands for, "--key=value" or "--key"
 * (and the host last), in *argv (NULL-terminated, *argc of them),
 * leaving out each key the command line cmd (n_cmd entries, cmd[0]
 * the program) sets itself; free them with strv_free().  0,
 * or -1 out of memory. */
int profile_args(const struct profile *p, int n_cmd, char *const *cmd,
		 int *argc, char ***argv);

/* Whether the command line (cmd, n entries, cmd[0] the program) sets
 * key itself: "--key", "--key=..." or its short form; the ssl family
 * (ssl, tls, no-ssl) counts as one. */
bool profile_given(const char *key, int n, char *const *cmd);

void profile_file_free(struct profile_file *f);

#endif
