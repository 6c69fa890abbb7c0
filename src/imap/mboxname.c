/* mboxname.c - modified UTF-7 mailbox names, their display form and
 * their hierarchy components. */
#include <stdint.h>
#include <stdlib.h>

#include "b64.h"
#include "escape.h"
#include "mboxname.h"
#include "names.h"

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static const char *const err_names[] = {
	[MBOXNAME_OK] = "valid",
	[MBOXNAME_E_RAW_BYTE] = "byte not allowed in a mailbox name",
	[MBOXNAME_E_UNTERMINATED] = "unterminated shift sequence",
	[MBOXNAME_E_BASE64] = "invalid base64 in a shift sequence",
	[MBOXNAME_E_EMPTY] = "empty shift sequence",
	[MBOXNAME_E_BITS] = "shift sequence not ending on a character",
	[MBOXNAME_E_PAD] = "non-zero padding bits in a shift sequence",
	[MBOXNAME_E_DIRECT] = "printable ASCII encoded in a shift sequence",
	[MBOXNAME_E_SURROGATE] = "unpaired UTF-16 surrogate",
	[MBOXNAME_E_ADJACENT] = "adjacent shift sequences",
	[MBOXNAME_E_UTF8] = "invalid UTF-8",
	[MBOXNAME_E_CONTROL] = "control character in a mailbox name",
	[MBOXNAME_E_SPACE] = "output buffer too small",
	[MBOXNAME_E_NOMEM] = "out of memory",
};

/* Bounded output: bytes go to buf until cap - 1 (room for the NUL). */
struct sink {
	char *buf;
	size_t cap;
	size_t len;
};

/* The decoding state of one shift sequence. */
struct shift {
	uint32_t bits;		/* bits not yet forming a UTF-16 unit */
	unsigned nbits;
	uint32_t high;		/* pending high surrogate, or 0 */
	size_t units;
};

const char *
mboxname_strerror(int err)
{
	return NAMES_GET(err_names, err, "unknown error");
}

static bool
printable_ascii(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e;
}

static int
sink_put(struct sink *s, const char *p, size_t n)
{
	if (s->cap == 0 || n > s->cap - 1 - s->len)
		return MBOXNAME_E_SPACE;
	for (size_t i = 0; i < n; i++)
		s->buf[s->len++] = p[i];
	return 0;
}

static int
sink_finish(struct sink *s, size_t *outlen)
{
	if (s->cap == 0)
		return MBOXNAME_E_SPACE;
	s->buf[s->len] = '\0';
	*outlen = s->len;
	return 0;
}

static int
sink_utf8(struct sink *s, uint32_t cp)
{
	char u[4];

	return sink_put(s, u, escape_utf8_encode(cp, u));
}

/* One UTF-16 unit of a shift sequence: pair surrogates, refuse what
 * must have been sent directly, write the character. */
static int
shift_unit(struct shift *sh, uint32_t u, struct sink *s)
{
	uint32_t cp;

	sh->units++;
	if (sh->high != 0) {
		if (u < 0xdc00 || u > 0xdfff)
			return MBOXNAME_E_SURROGATE;
		cp = 0x10000 + ((sh->high - 0xd800) << 10) + (u - 0xdc00);
		sh->high = 0;
	} else if (u >= 0xd800 && u <= 0xdbff) {
		sh->high = u;
		return 0;
	} else if (u >= 0xdc00 && u <= 0xdfff) {
		return MBOXNAME_E_SURROGATE;
	} else {
		cp = u;
	}
	if (cp < 0x80 && printable_ascii((unsigned char)cp))
		return MBOXNAME_E_DIRECT;
	return sink_utf8(s, cp);
}

/* Decode the shift sequence whose "&" is at raw[*pos] (not "&-");
 * on success *pos is just past its "-". */
static int
decode_shift(const char *raw, size_t len, size_t *pos, struct sink *s)
{
	struct shift sh = { 0, 0, 0, 0 };
	size_t i = *pos + 1;
	int v, rc;

	for (; i < len && raw[i] != '-'; i++) {
		v = b64_value((unsigned char)raw[i], ',');
		if (v < 0)
			return MBOXNAME_E_BASE64;
		sh.bits = (sh.bits << 6) | (uint32_t)v;
		sh.nbits += 6;
		if (sh.nbits >= 16) {
			sh.nbits -= 16;
			rc = shift_unit(&sh, (sh.bits >> sh.nbits) & 0xffff,
					s);
			if (rc != 0)
				return rc;
		}
		sh.bits &= (1u << sh.nbits) - 1;
	}
	if (i >= len)
		return MBOXNAME_E_UNTERMINATED;
	*pos = i + 1;
	if (sh.units == 0)
		return MBOXNAME_E_EMPTY;
	if (sh.nbits >= 6)
		return MBOXNAME_E_BITS;
	if (sh.bits != 0)
		return MBOXNAME_E_PAD;
	if (sh.high != 0)
		return MBOXNAME_E_SURROGATE;
	return 0;
}

int
mboxname_decode(const char *raw, size_t len, char *out, size_t cap,
		size_t *outlen)
{
	struct sink s = { out, cap, 0 };
	size_t i = 0;
	bool after_shift = false;
	int rc;

	while (i < len) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '&' && i + 1 < len && raw[i + 1] == '-') {
			rc = sink_put(&s, "&", 1);
			i += 2;
			after_shift = false;
		} else if (c == '&') {
			if (after_shift)
				return MBOXNAME_E_ADJACENT;
			rc = decode_shift(raw, len, &i, &s);
			after_shift = true;
		} else if (printable_ascii(c)) {
			rc = sink_put(&s, raw + i, 1);
			i++;
			after_shift = false;
		} else {
			rc = MBOXNAME_E_RAW_BYTE;
		}
		if (rc != 0)
			return rc;
	}
	return sink_finish(&s, outlen);
}

int
mboxname_display(const char *raw, size_t len, char *out, size_t cap)
{
	size_t tmpcap = 0, n = 0;
	char *tmp = NULL;
	int rc = MBOXNAME_E_NOMEM;

	if (len < (SIZE_MAX - 2) / 9) {
		tmpcap = 9 * len / 8 + 2;
		tmp = malloc(tmpcap);
	}
	if (tmp != NULL)
		rc = mboxname_decode(raw, len, tmp, tmpcap, &n);
	if (rc == 0)
		escape_text(tmp, n, out, cap);
	else
		escape_text(raw, len, out, cap);
	free(tmp);
	return rc;
}

/* Write the bits still held, padded with zeros, and close the run. */
static int
encode_flush(struct shift *sh, struct sink *s)
{
	char c;
	int rc;

	if (sh->nbits > 0) {
		c = b64_chars[(sh->bits << (6 - sh->nbits)) & 0x3f];
		rc = sink_put(s, &c, 1);
		if (rc != 0)
			return rc;
	}
	return sink_put(s, "-", 1);
}

static int
encode_unit(struct shift *sh, uint32_t u, struct sink *s)
{
	char c;
	int rc;

	sh->bits = (sh->bits << 16) | u;
	sh->nbits += 16;
	while (sh->nbits >= 6) {
		sh->nbits -= 6;
		c = b64_chars[(sh->bits >> sh->nbits) & 0x3f];
		rc = sink_put(s, &c, 1);
		if (rc != 0)
			return rc;
	}
	sh->bits &= (1u << sh->nbits) - 1;
	return 0;
}

static int
encode_char(struct shift *sh, uint32_t cp, struct sink *s)
{
	int rc;

	if (cp < 0x10000)
		return encode_unit(sh, cp, s);
	cp -= 0x10000;
	rc = encode_unit(sh, 0xd800 | (cp >> 10), s);
	if (rc != 0)
		return rc;
	return encode_unit(sh, 0xdc00 | (cp & 0x3ff), s);
}

/* Encode the run of characters that are not printable ASCII starting
 * at utf8[*pos] as one shift sequence; *pos ends just past the run. */
static int
encode_run(const char *utf8, size_t len, size_t *pos, struct sink *s)
{
	struct shift sh = { 0, 0, 0, 0 };
	size_t i = *pos, n;
	uint32_t cp;
	int rc;

	rc = sink_put(s, "&", 1);
	while (rc == 0 && i < len &&
	       !printable_ascii((unsigned char)utf8[i])) {
		n = escape_utf8_decode(utf8 + i, len - i, &cp);
		if (n == 0)
			return MBOXNAME_E_UTF8;
		if (cp < 0x20 || cp == 0x7f)
			return MBOXNAME_E_CONTROL;
		rc = encode_char(&sh, cp, s);
		i += n;
	}
	*pos = i;
	if (rc != 0)
		return rc;
	return encode_flush(&sh, s);
}

int
mboxname_encode(const char *utf8, size_t len, char *out, size_t cap,
		size_t *outlen)
{
	struct sink s = { out, cap, 0 };
	size_t i = 0;
	int rc;

	while (i < len) {
		unsigned char c = (unsigned char)utf8[i];

		if (c == '&') {
			rc = sink_put(&s, "&-", 2);
			i++;
		} else if (printable_ascii(c)) {
			rc = sink_put(&s, utf8 + i, 1);
			i++;
		} else {
			rc = encode_run(utf8, len, &i, &s);
		}
		if (rc != 0)
			return rc;
	}
	return sink_finish(&s, outlen);
}

void
mboxname_iter_init(struct mboxname_iter *it, const char *name, size_t len,
		   char delim)
{
	it->name = name;
	it->len = len;
	it->pos = 0;
	it->delim = delim;
	it->done = false;
}

/* Index just past the "-" closing the shift sequence at name[i], or the
 * end of the name when it is unterminated. */
static size_t
skip_shift(const char *name, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (name[i] == '-')
			return i + 1;
	}
	return len;
}

bool
mboxname_iter_next(struct mboxname_iter *it, const char **comp,
		   size_t *complen)
{
	size_t j = it->pos;

	if (it->done)
		return false;
	while (j < it->len && (it->delim == 0 || it->name[j] != it->delim)) {
		if (it->name[j] == '&')
			j = skip_shift(it->name, it->len, j);
		else
			j++;
	}
	*comp = it->name + it->pos;
	*complen = j - it->pos;
	if (j >= it->len)
		it->done = true;
	else
		it->pos = j + 1;
	return true;
}
