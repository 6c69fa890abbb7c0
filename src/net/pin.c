/* pin.c - public key pins: parsing curl's "sha256//BASE64;..." form
 * and comparing a server's key with it. */
#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "escape.h"
#include "errmsg.h"
#include "pin.h"

#define PIN_PREFIX "sha256//"

/* Whether s[0..len) is the standard base64 of 32 bytes: 43 symbols,
 * the last carrying no stray bits, then one '='. */
static bool
is_sha256_b64(const char *s, size_t len)
{
	int v;

	if (len != PIN_B64_LEN || s[PIN_B64_LEN - 1] != '=')
		return false;
	for (size_t i = 0; i < PIN_B64_LEN - 1; i++)
		if (b64_value((unsigned char)s[i], '/') < 0)
			return false;
	/* 32 bytes = 256 bits: the 43rd symbol holds 4 of them. */
	v = b64_value((unsigned char)s[PIN_B64_LEN - 2], '/');
	return (v & 3) == 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int
bad_pin(const char *s, size_t len, const char *why, char *err,
	size_t errcap)
{
	char shown[80], cut[64];

	snprintf(cut, sizeof(cut), "%.*s", (int)(len < 60 ? len : 60), s);
	escape_text(cut, strlen(cut), shown, sizeof(shown));
	return errmsg(err, errcap, "pin '%s%s': %s", shown,
		      len > 60 ? "..." : "", why);
}

static int
parse_one(const char *s, size_t len, struct pin_set *out, char *err,
	  size_t errcap)
{
	size_t plen = strlen(PIN_PREFIX);

	trim(&s, &len);
	if (len == 0)
		return errmsg(err, errcap, "empty pin: expected "
			      "sha256//BASE64, several joined by ';'");
	if (len < plen || strncmp(s, PIN_PREFIX, plen) != 0)
		return bad_pin(s, len, "expected sha256//BASE64 (the SHA-256 "
			       "of the public key, in base64)", err, errcap);
	if (!is_sha256_b64(s + plen, len - plen))
		return bad_pin(s, len, "the part after sha256// is not the "
			       "base64 of 32 bytes (44 characters ending in "
			       "'=')", err, errcap);
	if (out->n == PIN_MAX)
		return errmsg(err, errcap, "more than %d pins", PIN_MAX);
	memcpy(out->b64[out->n], s + plen, PIN_B64_LEN);
	out->b64[out->n][PIN_B64_LEN] = '\0';
	out->n++;
	return 0;
}

int
pin_parse(const char *text, struct pin_set *out, char *err, size_t errcap)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	for (;;) {
		size_t n = strcspn(p, ";");

		if (parse_one(p, n, out, err, errcap) != 0)
			return -1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

bool
pin_matches(const struct pin_set *p, const char *spki_b64)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->b64[i], spki_b64) == 0)
			return true;
	return false;
}

void
pin_format(const char *spki_b64, char *buf, size_t cap)
{
	snprintf(buf, cap, PIN_PREFIX "%s", spki_b64);
}

void
pin_list_text(const struct pin_set *p, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < p->n && used < cap; i++) {
		int w = snprintf(buf + used, cap - used, "%s" PIN_PREFIX "%s",
				 i > 0 ? ";" : "", p->b64[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}
