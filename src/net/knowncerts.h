/* knowncerts.h - the certificates the user chose to trust, one line per
 * host and port, like ssh's known_hosts:
 *
 *   HOST:PORT sha256//BASE64 FIRST-SEEN LAST-SEEN
 *
 * with the SHA-256 of the server's public key (SubjectPublicKeyInfo)
 * and ISO dates (2026-01-31).  HOST is a name in lower case (its
 * A-labels) or an address, an IPv6 one in brackets.  Blank lines and
 * lines starting with '#' are ignored.  The file lives in
 * $XDG_DATA_HOME/imapconn/known_certs (~/.local/share/... without it)
 * and is replaced as a whole (temporary file, rename, mode 600). */
#ifndef IMAPCONN_KNOWNCERTS_H
#define IMAPCONN_KNOWNCERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "pin.h"

#define KNOWNCERTS_KEY_MAX (CONFIG_HOST_MAX + 8)	/* "[v6]:65535" */
#define KNOWNCERTS_DATE_MAX 11				/* "2026-01-31" */
#define KNOWNCERTS_ENTRIES_MAX 10000
#define KNOWNCERTS_LINE_MAX 1024

struct knowncerts_entry {
	char *raw;		/* a line not understood, kept as it was
				 * (the other fields empty); NULL for an
				 * entry */
	char key[KNOWNCERTS_KEY_MAX];		/* "host:port" */
	char spki[PIN_B64_LEN + 1];		/* base64, no "sha256//" */
	char first_seen[KNOWNCERTS_DATE_MAX];
	char last_seen[KNOWNCERTS_DATE_MAX];
};

/* The entries of one file, in its order.  Owned by its user, freed
 * with knowncerts_free(). */
struct knowncerts {
	struct knowncerts_entry *e;
	size_t n, cap;
};

/* Told of each line that is skipped: msg is "FILE:LINE: why". */
typedef void (*knowncerts_warn_fn)(void *arg, const char *msg);

/* The file's path into buf (cap bytes): $XDG_DATA_HOME/imapconn/
 * known_certs when XDG_DATA_HOME is an absolute path, else
 * $HOME/.local/share/imapconn/known_certs.  Returns 0, or -1 when
 * neither is set (buf is then ""). */
int knowncerts_default_path(char *buf, size_t cap);

/* The key of host (as struct endpoint holds it) and port into buf:
 * "mail.example:993", "[::1]:993"; a name in lower case. */
void knowncerts_key(const char *host, enum addr_kind kind, uint16_t port,
		    char *buf, size_t cap);

void knowncerts_init(struct knowncerts *kc);
void knowncerts_free(struct knowncerts *kc);

/* Add the entries of text (len bytes, the contents of the file named
 * path, for messages) to *kc.  A bad line (a wrong field, a key given
 * twice, a line too long, too many entries) is passed to warn (may be
 * NULL), skipped by the functions below and written back as it was.  Returns 0, or -1 when memory ran out. */
int knowncerts_parse(struct knowncerts *kc, const char *text, size_t len,
		     const char *path, knowncerts_warn_fn warn, void *arg);

/* Read the file at path into *kc (initialized by the caller); a file
 * that does not exist is empty.  Returns 0, or -1 with a one-line
 * reason in err when it cannot be read. */
int knowncerts_load(struct knowncerts *kc, const char *path,
		    knowncerts_warn_fn warn, void *arg, char *err,
		    size_t errcap);

/* The entry for key, or NULL; it stays kc's. */
const struct knowncerts_entry *knowncerts_find(const struct knowncerts *kc,
					       const char *key);

/* Remember spki (base64) for key, seen on date today: a new entry, or
 * the entry's last-seen date when the key is the same, or a new entry
 * in place of one with another key.  Returns 0, or -1 (out of memory,
 * too many entries). */
int knowncerts_remember(struct knowncerts *kc, const char *key,
			const char *spki, const char *today);

/* Remove the entry for what ("host:port"), or for every port of what
 * when it has none ("host", "[::1]").  A name is compared in lower
 * case.  Returns the number of entries removed. */
size_t knowncerts_forget(struct knowncerts *kc, const char *what);

/* The number of entries (lines not understood left out). */
size_t knowncerts_count(const struct knowncerts *kc);

/* The whole file as text: a NUL-terminated buffer the caller frees,
 * its length without the NUL in *len; NULL when memory ran out. */
char *knowncerts_text(const struct knowncerts *kc, size_t *len);

/* Replace the file at path with *kc, making its directory (mode 700)
 * when missing.  Returns 0, or -1 with a one-line reason in err. */
int knowncerts_save(const struct knowncerts *kc, const char *path,
		    char *err, size_t errcap);

/* The date of t in UTC, "2026-01-31", into buf (KNOWNCERTS_DATE_MAX). */
void knowncerts_date(time_t t, char *buf);

#endif
