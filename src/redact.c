/* redact.c - hides a secret wherever a server echoes it back. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "escape.h"
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

/* Add a copy of len bytes unless too short, already there or full;
 * 0, or -1 when out of memory. */
static int
add_form(struct redact *r, const char *s, size_t len)
{
	if (len < REDACT_MIN_LEN || r->n == REDACT_FORMS)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->len[i] == len && memcmp(r->form[i], s, len) == 0)
			return 0;
	r->form[r->n] = malloc(len + 1);
	if (r->form[r->n] == NULL)
		return -1;
	memcpy(r->form[r->n], s, len);
	r->form[r->n][len] = '\0';
	r->len[r->n++] = len;
	return 0;
}

/* Add s and the two escaped forms of it the session's texts use. */
static int
add_escaped(struct redact *r, const char *s, size_t len)
{
	size_t cap = len * 6 + 1, n;
	char *buf = malloc(cap);
	int rc = -1;

	if (buf == NULL)
		return -1;
	if (add_form(r, s, len) != 0)
		goto out;
	n = escape_text(s, len, buf, cap);
	if (add_form(r, buf, n) != 0)
		goto out;
	n = escape_line(s, len, buf, cap);
	if (add_form(r, buf, n) != 0)
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
add_quoted(struct redact *r, const char *s, size_t len)
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
	rc = n == len ? 0 : add_escaped(r, q, n);
	OPENSSL_cleanse(q, len * 2 + 1);
	free(q);
	return rc;
}

static int
add_base64(struct redact *r, const unsigned char *msg, size_t len)
{
	size_t cap = (len + 2) / 3 * 4 + 1;
	unsigned char *b64 = malloc(cap);
	int n, rc;

	if (b64 == NULL)
		return -1;
	n = EVP_EncodeBlock(b64, msg, (int)len);
	rc = add_form(r, (const char *)b64, n > 0 ? (size_t)n : 0);
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
	rc = add_base64(r, msg, cap);
	if (rc == 0)
		rc = add_base64(r, msg + ul, cap - ul);
	OPENSSL_cleanse(msg, cap);
	free(msg);
	return rc;
}

int
redact_add_secret(struct redact *r, const char *user, const char *secret)
{
	size_t len = strlen(secret);

	if (len < REDACT_MIN_LEN)
		return 0;
	if (add_escaped(r, secret, len) != 0
	    || add_quoted(r, secret, len) != 0
	    || add_base64(r, (const unsigned char *)secret, len) != 0)
		return -1;
	if (user != NULL && add_sasl_plain(r, user, secret) != 0)
		return -1;
	return 0;
}

/* Length of the form that starts at text[i], or 0.  A form cut by the
 * end of the text counts when at least half of it (and the minimum)
 * is there. */
static size_t
match_at(const struct redact *r, const char *text, size_t i, size_t len)
{
	size_t rest = len - i;

	for (size_t k = 0; k < r->n; k++) {
		size_t fl = r->len[k];

		if (rest >= fl) {
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
redact_text(const struct redact *r, const char *text, int *oom)
{
	size_t len, out_len;
	char *out;

	*oom = 0;
	if (r->n == 0 || text == NULL)
		return NULL;
	len = strlen(text);
	out_len = redacted_len(r, text, len);
	if (out_len == 0)
		return NULL;
	out = malloc(out_len + 1);
	if (out == NULL) {
		*oom = 1;
		return NULL;
	}
	redact_into(r, text, len, out);
	return out;
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
