/* redact.c - hides a secret wherever a server echoes it back. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "escape.h"
#include "mboxname.h"
#include "redact.h"

void
redact_init(struct redact *r)
{
	memset(r, 0, sizeof(*r));
}

int
redact_empty(const struct redact *r)
{
	return r->n == 0;
}

/* Add a copy of len bytes unless empty, already there or full; a form
 * under REDACT_MIN_LEN is kept only as a whole word.  0, or -1 when out
 * of memory. */
static int
add_form(struct redact *r, const char *s, size_t len, bool whole)
{
	if (len == 0 || (len < REDACT_MIN_LEN && !whole)
	    || r->n == REDACT_FORMS)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->len[i] == len && memcmp(r->form[i], s, len) == 0)
			return 0;
	r->whole[r->n] = whole;
	r->form[r->n] = malloc(len + 1);
	if (r->form[r->n] == NULL)
		return -1;
	memcpy(r->form[r->n], s, len);
	r->form[r->n][len] = '\0';
	r->first[(unsigned char)s[0]] = true;
	r->len[r->n++] = len;
	return 0;
}

/* Add s and the two escaped forms of it the session's texts use. */
static int
add_escaped(struct redact *r, const char *s, size_t len, bool whole)
{
	size_t cap = len * 6 + 1, n;
	char *buf = malloc(cap);
	int rc = -1;

	if (buf == NULL)
		return -1;
	if (add_form(r, s, len, whole) != 0)
		goto out;
	n = escape_text(s, len, buf, cap);
	if (add_form(r, buf, n, whole) != 0)
		goto out;
	n = escape_line(s, len, buf, cap);
	if (add_form(r, buf, n, whole) != 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(buf, cap);
	free(buf);
	return rc;
}

/* The inside of an IMAP quoted string holding s: '"' and '\' get a
 * backslash. */
static int
add_quoted(struct redact *r, const char *s, size_t len, bool whole)
{
	char *q = malloc(len * 2 + 1);
	size_t n = 0;
	int rc;

	if (q == NULL)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			q[n++] = '\\';
		q[n++] = s[i];
	}
	rc = n == len ? 0 : add_escaped(r, q, n, whole);
	OPENSSL_cleanse(q, len * 2 + 1);
	free(q);
	return rc;
}

static int
add_base64(struct redact *r, const unsigned char *msg, size_t len,
	   bool whole)
{
	size_t cap = (len + 2) / 3 * 4 + 1;
	unsigned char *b64 = malloc(cap);
	int n, rc;

	if (b64 == NULL)
		return -1;
	n = EVP_EncodeBlock(b64, msg, (int)len);
	rc = add_form(r, (const char *)b64, n > 0 ? (size_t)n : 0, whole);
	OPENSSL_cleanse(b64, cap);
	free(b64);
	return rc;
}

/* base64 of AUTHENTICATE PLAIN's message: "\0user\0secret", and with
 * the user as authorization identity too, "user\0user\0secret". */
static int
add_sasl_plain(struct redact *r, const char *user, const char *secret)
{
	size_t ul = strlen(user), sl = strlen(secret);
	size_t cap = 2 * ul + sl + 2;
	unsigned char *msg = malloc(cap);
	int rc;

	if (msg == NULL)
		return -1;
	memcpy(msg, user, ul);
	msg[ul] = '\0';
	memcpy(msg + ul + 1, user, ul);
	msg[2 * ul + 1] = '\0';
	memcpy(msg + 2 * ul + 2, secret, sl);
	/* The second form is the tail of the first. */
	rc = add_base64(r, msg, cap, false);
	if (rc == 0)
		rc = add_base64(r, msg + ul, cap - ul, false);
	OPENSSL_cleanse(msg, cap);
	free(msg);
	return rc;
}

/* The secret as a server would list a mailbox of that name: modified
 * UTF-7 (when that differs), and its escaped forms. */
static int
add_mutf7(struct redact *r, const char *s, size_t len, bool whole)
{
	size_t cap = 4 * len + 8, n = 0;
	char *m = malloc(cap);
	int rc = 0;

	if (m == NULL)
		return -1;
	if (mboxname_encode(s, len, m, cap, &n) == 0
	    && (n != len || memcmp(m, s, len) != 0))
		rc = add_escaped(r, m, n, whole);
	OPENSSL_cleanse(m, cap);
	free(m);
	return rc;
}

int
redact_add_secret(struct redact *r, const char *user, const char *secret)
{
	size_t len = strlen(secret);
	bool whole = len < REDACT_MIN_LEN;

	if (len == 0)
		return 0;
	if (add_escaped(r, secret, len, whole) != 0
	    || add_quoted(r, secret, len, whole) != 0
	    || add_mutf7(r, secret, len, whole) != 0
	    || add_base64(r, (const unsigned char *)secret, len, whole) != 0)
		return -1;
	if (user != NULL && add_sasl_plain(r, user, secret) != 0)
		return -1;
	return 0;
}

/* A byte that may be part of a word: an ASCII letter or digit, or a
 * byte of a UTF-8 character. */
static bool
word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
	       || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Whether text[i..i+fl) stands as a whole word in text[0..len). */
static bool
whole_word(const char *text, size_t i, size_t fl, size_t len)
{
	if (i > 0 && word_byte((unsigned char)text[i - 1]))
		return false;
	return i + fl == len || !word_byte((unsigned char)text[i + fl]);
}

/* Length of the form that starts at text[i], or 0.  A form cut by the
 * end of the text counts when at least half of it (and the minimum)
 * is there; a whole-word form counts only whole.  Every match starts
 * with a form's first byte, so most bytes are ruled out by one load. */
static size_t
match_at(const struct redact *r, const char *text, size_t i, size_t len)
{
	size_t rest = len - i;

	if (!r->first[(unsigned char)text[i]])
		return 0;

	for (size_t k = 0; k < r->n; k++) {
		size_t fl = r->len[k];

		if (r->whole[k]) {
			if (rest >= fl && memcmp(text + i, r->form[k], fl) == 0
			    && whole_word(text, i, fl, len))
				return fl;
		} else if (rest >= fl) {
			if (memcmp(text + i, r->form[k], fl) == 0)
				return fl;
		} else if (rest >= REDACT_MIN_LEN && 2 * rest >= fl
			   && memcmp(text + i, r->form[k], rest) == 0) {
			return rest;
		}
	}
	return 0;
}

/* Bytes of text once redacted, without the NUL; 0 when nothing
 * matches. */
static size_t
redacted_len(const struct redact *r, const char *text, size_t len)
{
	size_t out = 0, m;
	bool any = false;

	for (size_t i = 0; i < len;) {
		m = match_at(r, text, i, len);
		if (m > 0) {
			out += sizeof(REDACT_MARK) - 1;
			i += m;
			any = true;
		} else {
			out++;
			i++;
		}
	}
	return any ? out : 0;
}

static void
redact_into(const struct redact *r, const char *text, size_t len,
	    char *out)
{
	size_t o = 0, m;

	for (size_t i = 0; i < len;) {
		m = match_at(r, text, i, len);
		if (m > 0) {
			memcpy(out + o, REDACT_MARK, sizeof(REDACT_MARK) - 1);
			o += sizeof(REDACT_MARK) - 1;
			i += m;
		} else {
			out[o++] = text[i++];
		}
	}
	out[o] = '\0';
}

char *
redact_bytes(const struct redact *r, const char *text, size_t len,
	     size_t *outlen, int *oom)
{
	size_t out_len;
	char *out;

	*oom = 0;
	if (r->n == 0 || text == NULL)
		return NULL;
	out_len = redacted_len(r, text, len);
	if (out_len == 0)
		return NULL;
	out = malloc(out_len + 1);
	if (out == NULL) {
		*oom = 1;
		return NULL;
	}
	redact_into(r, text, len, out);
	*outlen = out_len;
	return out;
}

char *
redact_text(const struct redact *r, const char *text, int *oom)
{
	size_t n;

	*oom = 0;
	if (text == NULL)
		return NULL;
	return redact_bytes(r, text, strlen(text), &n, oom);
}

void
redact_buf(const struct redact *r, char *buf, size_t cap)
{
	int oom;
	char *out;
	size_t n;

	if (cap == 0)
		return;
	buf[cap - 1] = '\0';
	out = redact_text(r, buf, &oom);
	if (oom) {
		/* Nothing safe to show but a note that it was hidden. */
		snprintf(buf, cap, "%s", REDACT_MARK);
		return;
	}
	if (out == NULL)
		return;
	n = strlen(out);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, out, n);
	buf[n] = '\0';
	free(out);
}

void
redact_wipe(struct redact *r)
{
	for (size_t i = 0; i < r->n; i++) {
		OPENSSL_cleanse(r->form[i], r->len[i]);
		free(r->form[i]);
	}
	OPENSSL_cleanse(r, sizeof(*r));
	r->n = 0;
}
