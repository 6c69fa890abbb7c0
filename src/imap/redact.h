/* redact.h - hides a secret wherever a server echoes it back.
 *
 * A server may quote what it was sent: "LOGIN alice "pw" rejected",
 * a SASL response in base64, an ALERT with the password in it.  That
 * text goes to the screen, --check, JSON, transcripts and reports, so
 * the session passes every text it reports through redact_text().
 * The forms searched: the secret as typed, as the escape functions and
 * an IMAP quoted string would show it, and the base64 of the secret and
 * of AUTHENTICATE PLAIN's message, and the secret as a mailbox name in
 * modified UTF-7.  Text cut in the middle of a form (a transcript line
 * at its length limit) loses the cut part too.
 *
 * A secret shorter than REDACT_MIN_LEN bytes would blank every word that
 * holds it ("abc" in "abcdef"), so its forms are hidden only where they
 * stand as a whole word: the bytes on either side, if any, are neither
 * ASCII letters or digits nor part of a UTF-8 character.  A mailbox, a
 * flag or a subject that is exactly the secret is hidden; a longer word
 * that holds it is left alone. */
#ifndef IMAPCONN_REDACT_H
#define IMAPCONN_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define REDACT_FORMS 40
/* Shorter secrets are hidden only as whole words (see above). */
#define REDACT_MIN_LEN 4
#define REDACT_MARK "[secret]"

struct redact {
	size_t n;
	char *form[REDACT_FORMS];	/* owned, wiped when freed */
	size_t len[REDACT_FORMS];
	bool whole[REDACT_FORMS];	/* hidden only as a whole word */
	bool first[256];		/* a form starts with this byte */
};

/* Empty set: redact_text() changes nothing. */
void redact_init(struct redact *r);

/* Add the forms of a secret; user is the login name (for SASL PLAIN's
 * message) or NULL.  0, or -1 when out of memory (forms added so far
 * stay). */
int redact_add_secret(struct redact *r, const char *user,
		      const char *secret);

/* True when the set has no form. */
int redact_empty(const struct redact *r);

/* A copy of text with every form replaced by REDACT_MARK, or NULL when
 * text holds none (or out of memory: then *oom is set). */
char *redact_text(const struct redact *r, const char *text, int *oom);

/* The same for len bytes of any kind (NUL included): a copy with the
 * forms replaced, its length in *outlen, or NULL when none is there (or
 * out of memory: then *oom is set). */
char *redact_bytes(const struct redact *r, const char *text, size_t len,
		   size_t *outlen, int *oom);

/* The same, in place, in a buffer of cap bytes (cut to fit). */
void redact_buf(const struct redact *r, char *buf, size_t cap);

/* Wipe (OPENSSL_cleanse) and free every form; the set is empty after. */
void redact_wipe(struct redact *r);

#endif
