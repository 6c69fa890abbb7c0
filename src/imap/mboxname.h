/* mboxname.h - mailbox names: modified UTF-7 (RFC 3501 5.1.3) to UTF-8
 * and back, a terminal-safe display form, and hierarchy components.
 *
 * The raw name, as the server sent it, is what commands use; the
 * decoded name is only for people.  Nothing here allocates memory that
 * the caller must free; every output goes into the caller's buffer. */
#ifndef IMAPCONN_MBOXNAME_H
#define IMAPCONN_MBOXNAME_H

#include <stdbool.h>
#include <stddef.h>

enum mboxname_err {
	MBOXNAME_OK = 0,
	MBOXNAME_E_RAW_BYTE,	/* a byte other than printable ASCII
				 * outside a shift sequence */
	MBOXNAME_E_UNTERMINATED,	/* "&" without its closing "-" */
	MBOXNAME_E_BASE64,	/* a byte outside modified base64 */
	MBOXNAME_E_EMPTY,	/* "&...-" encoding no character (not "&-") */
	MBOXNAME_E_BITS,	/* base64 not ending on a UTF-16 unit */
	MBOXNAME_E_PAD,		/* non-zero bits after the last unit */
	MBOXNAME_E_DIRECT,	/* printable ASCII encoded in base64 */
	MBOXNAME_E_SURROGATE,	/* an unpaired UTF-16 surrogate */
	MBOXNAME_E_ADJACENT,	/* "&...-&...-": must be one sequence */
	MBOXNAME_E_UTF8,	/* encode: input is not valid UTF-8 */
	MBOXNAME_E_CONTROL,	/* encode: a control character */
	MBOXNAME_E_SPACE,	/* the output buffer is too small */
	MBOXNAME_E_NOMEM	/* out of memory */
};

/* Short description of an error ("unterminated shift sequence");
 * never NULL. */
const char *mboxname_strerror(int err);

/* Decode len bytes of a raw modified UTF-7 name into UTF-8 in out (cap
 * bytes, owned by the caller), NUL-terminated, and set *outlen to the
 * length without the NUL.  The decoded name may itself contain NUL and
 * control characters (modified UTF-7 can encode them): never print it
 * without mboxname_display() or escape_text().  Returns 0, or an enum
 * mboxname_err for an invalid name (out's contents are then undefined)
 * or MBOXNAME_E_SPACE when out is too small; 9 * len / 8 + 2 bytes are
 * always enough. */
int mboxname_decode(const char *raw, size_t len, char *out, size_t cap,
		    size_t *outlen);

/* Fill out (cap bytes, owned by the caller; NUL-terminated when
 * cap > 0, truncated as escape_text() does) with a form of the raw
 * name that is safe for a terminal: the decoded name when raw is valid
 * modified UTF-7, else the raw bytes, in both cases passed through
 * escape_text().  Returns 0 when the name was valid, else the reason it
 * was not (then the caller marks the name as invalid), or
 * MBOXNAME_E_NOMEM when it could not be decoded for lack of memory
 * (shown raw as well). */
int mboxname_display(const char *raw, size_t len, char *out, size_t cap);

/* Encode len bytes of UTF-8 (a name the user typed) into modified
 * UTF-7 in out (cap bytes, owned by the caller), NUL-terminated, and
 * set *outlen to the length without the NUL.  Returns 0,
 * MBOXNAME_E_UTF8 for invalid UTF-8, MBOXNAME_E_CONTROL for C0 controls
 * or DEL (no sensible mailbox name holds them), or MBOXNAME_E_SPACE. */
int mboxname_encode(const char *utf8, size_t len, char *out, size_t cap,
		    size_t *outlen);

/* Walks the components of a raw name split by its hierarchy delimiter.
 * Fields are private to mboxname.c. */
struct mboxname_iter {
	const char *name;
	size_t len;
	size_t pos;
	char delim;
	bool done;
};

/* Start walking name (len bytes, borrowed: it must outlive the walk).
 * delim 0 means the server has no hierarchy (NIL): the whole name is
 * one component.  A delimiter inside a "&...-" shift sequence does not
 * split.  n delimiters give n + 1 components, empty ones included
 * ("a//b" is "a", "", "b"; "" is one empty component). */
void mboxname_iter_init(struct mboxname_iter *it, const char *name,
			size_t len, char delim);

/* Set *comp and *complen to the next component (pointing into the
 * name) and return true, or return false after the last one. */
bool mboxname_iter_next(struct mboxname_iter *it, const char **comp,
			size_t *complen);

#endif
