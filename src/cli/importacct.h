/* importacct.h - an IMAP account read from another mail client's
 * settings: the imapconn options it stands for, each with the file's
 * line and words, what could not be translated, and the reading
 * helpers the parsers share. */
#ifndef IMAPCONN_IMPORTACCT_H
#define IMAPCONN_IMPORTACCT_H

#include <stdbool.h>
#include <stddef.h>

#define IMPORT_LINE_MAX 4096	/* longer lines are skipped, said */
#define IMPORT_ACCOUNTS_MAX 64	/* per run, all files together */
#define IMPORT_ITEMS_MAX 64	/* settings or notes per account */

enum import_client {
	IMPORT_MBSYNC = 0,
	IMPORT_MUTT,
	IMPORT_NEOMUTT,
	IMPORT_THUNDERBIRD,
	IMPORT_AERC,
	IMPORT_OFFLINEIMAP,
	IMPORT_CLIENT_COUNT
};

/* What a setting decides: a failure is matched to settings by it. */
enum import_role {
	IMPORT_R_HOST = 0,
	IMPORT_R_PORT,
	IMPORT_R_SECURITY,	/* implicit TLS, STARTTLS or plain */
	IMPORT_R_USER,
	IMPORT_R_PASSWORD,	/* a command or a stored password */
	IMPORT_R_AUTH,		/* mechanisms */
	IMPORT_R_CA,		/* the certificates trusted */
	IMPORT_R_CERT,		/* a client certificate */
	IMPORT_R_TUNNEL,
	IMPORT_R_COUNT
};

/* One translated setting.  option is a long option of imapconn(1)
 * without its dashes ("port"), or "host" for the host; value is its
 * argument, NULL for an option that takes none. */
struct import_setting {
	enum import_role role;
	char *option;
	char *value;
	int line;
	char *said;		/* the file's words, escaped, no secret */
};

/* What the file says that imapconn does not translate. */
struct import_note {
	int line;
	char *text;		/* escaped */
};

/* One account, owning every string in it. */
struct import_account {
	enum import_client client;
	char *file;
	char *name;		/* escaped */
	int line;		/* where the account begins */
	struct import_setting set[IMPORT_ITEMS_MAX];
	size_t n_set;
	struct import_note notes[IMPORT_ITEMS_MAX];
	size_t n_notes;
	char *stored_password;	/* never printed; NULL: none */
	int password_line;
};

/* The accounts found, and the notes that belong to no account. */
struct import_list {
	struct import_account acc[IMPORT_ACCOUNTS_MAX];
	size_t n;
	bool full;		/* more accounts than IMPORT_ACCOUNTS_MAX */
};

/* A parser: text (len bytes, hostile, need not end in NUL) of file,
 * its accounts appended to *out.  Pure: reads nothing else. */
typedef void (*import_parse_fn)(const char *text, size_t len,
				const char *file, struct import_list *out);

/* The client's name, "mbsync"; never NULL. */
const char *importacct_client_name(enum import_client c);

/* A new account of client at file:line named name (copied, escaped),
 * appended to l; NULL when l is full (l->full set) or out of memory. */
struct import_account *importacct_add(struct import_list *l,
				      enum import_client client,
				      const char *file, const char *name,
				      int line);

/* Take the last account out of l, freed. */
void importacct_drop_last(struct import_list *l);

/* Set option (a role, the value, NULL for none) from line, the file's
 * words said; an earlier setting of the same option is replaced.
 * Copies every string; said is escaped here. */
void importacct_set(struct import_account *a, enum import_role role,
		    const char *option, const char *value, int line,
		    const char *said);

/* The setting of option, or NULL. */
const struct import_setting *importacct_get(const struct import_account *a,
					    const char *option);

/* Take option out of a (nothing when it is not set). */
void importacct_unset(struct import_account *a, const char *option);

/* A note that line could not be translated: printf-formatted text,
 * escaped here. */
void importacct_note(struct import_account *a, int line, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

/* Keep pw (a password the file stores, copied) with its line. */
void importacct_password(struct import_account *a, const char *pw,
			 int line);

/* The next line of text[*pos..len) into buf (cap bytes, NUL-ended,
 * without its CR LF), *lineno counting.  1 a line; 0 at the end; -1
 * a line longer than cap - 1 or holding NUL (skipped; buf empty). */
int importacct_line(const char *text, size_t len, size_t *pos,
		    char *buf, size_t cap, int *lineno);

/* Each line of text (len bytes) given to fn with its number (buf
 * changeable, NUL-ended); a line too long or holding NUL is skipped
 * and, when *cur is an account, noted in it. */
void importacct_each(const char *text, size_t len,
		     void (*fn)(void *st, char *buf, int line), void *st,
		     struct import_account *const *cur);

/* A key of a client's file that becomes one option, its value as is. */
struct import_direct {
	const char *key;
	const char *option;
	enum import_role role;
};

/* The entry of table (n entries) for key (in any case), or NULL. */
const struct import_direct *importacct_direct(
	const struct import_direct *table, size_t n, const char *key);

/* buf with the spaces at both ends removed, in place. */
char *importacct_trim(char *buf);

/* One word of *p: up to a space, or "double" / 'single' quoted with
 * backslash escapes in double quotes, into out (cap bytes); *p moved
 * past it and the spaces after.  1 a word; 0 none left; -1 an
 * unclosed quote or a word too long. */
int importacct_word(const char **p, char *out, size_t cap);

/* One line of an INI file (buf, changed in place): 1 "[NAME]" with
 * *key the name; 2 "key = value" (or "key: value") with both trimmed;
 * 0 blank or a comment (# or ;); -1 anything else. */
int importacct_ini(char *buf, char **key, char **value);

/* The parts of SCHEME://[user[:pass]@]host[:port][/path]. */
struct import_url {
	char scheme[32];	/* "imaps", "imap+insecure" */
	char user[256];		/* %XX decoded */
	char pass[256];		/* %XX decoded; wipe after use */
	char host[256];		/* [v6] kept in brackets */
	char port[8];
};

/* Split the URL s into *u.  0, or -1 when s is not such a URL or a
 * part is too long. */
int importacct_url(const char *s, struct import_url *u);

/* Whether s says yes ("yes", "true", "on", "1", any case). */
bool importacct_yes(const char *s);

/* The command line that runs a, "imapconn --ssl ... HOST", each value
 * shell-quoted, into out (cap bytes); "" when it does not fit. */
void importacct_command(const struct import_account *a, char *out,
			size_t cap);

/* a's arguments for options_parse(): "--option=value" or "--option"
 * in setting order, the host last; *argc of them in a new
 * NULL-terminated *argv, freed with strv_free().  0, or -1
 * out of memory. */
int importacct_args(const struct import_account *a, int *argc,
		    char ***argv);

/* Free every account of l (the stored passwords wiped). */
void importacct_free(struct import_list *l);

#endif
