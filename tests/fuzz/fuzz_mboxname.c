/* fuzz_mboxname.c - libFuzzer target: mailbox names decoded, displayed,
 * encoded back, and split into components.
 *
 * Input: byte 0 picks the hierarchy delimiter (0 for none, else one of
 * a few) and the display buffer size; the rest is a raw name (any
 * bytes).  Checked: decoding never needs more than the documented
 * space; a valid name without control characters encodes back to the
 * same bytes (the encoding is canonical) and one with them is refused;
 * the input taken as UTF-8 encodes and decodes back to itself; the
 * display form fits, is NUL-terminated, valid UTF-8 and holds no
 * control, C1, bidirectional or separator character; the components
 * joined by the delimiter give the name back. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "mboxname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char delims[] = { '\0', '/', '.', '&', '-', ',', '\\', 'A' };

/* True for code points the display form must never hold raw. */
static bool
unsafe_cp(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)
	       || cp == 0x061c || cp == 0x200e || cp == 0x200f
	       || (cp >= 0x202a && cp <= 0x202e)
	       || (cp >= 0x2066 && cp <= 0x2069)
	       || cp == 0x2028 || cp == 0x2029;
}

/* Is s (len bytes) valid UTF-8 without unsafe characters?  *controls
 * tells whether it holds C0 controls or DEL. */
static bool
utf8_scan(const char *s, size_t len, bool *controls, bool *unsafe)
{
	*controls = false;
	*unsafe = false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = escape_utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			return false;
		if (cp < 0x20 || cp == 0x7f)
			*controls = true;
		if (unsafe_cp(cp))
			*unsafe = true;
		i += n;
	}
	return true;
}

static void
check_display(const char *raw, size_t len, size_t cap, int decode_rc)
{
	char *out = malloc(cap + 1);
	bool controls, unsafe;
	size_t n;
	int rc;

	if (out == NULL)
		abort();
	out[cap] = 'Z';
	rc = mboxname_display(raw, len, out, cap);
	if (out[cap] != 'Z')
		abort();
	if (rc != decode_rc && rc != MBOXNAME_E_NOMEM)
		abort();
	if (cap > 0) {
		n = strnlen(out, cap);
		if (n >= cap)
			abort();
		if (!utf8_scan(out, n, &controls, &unsafe) || unsafe)
			abort();
	}
	free(out);
}

/* Decoding then encoding: back to the same raw bytes. */
static int
check_decode(const char *raw, size_t len)
{
	size_t cap = 9 * len / 8 + 2, outlen = 0, enclen = 0;
	char *dec = malloc(cap);
	char *enc;
	bool controls, unsafe;
	int rc;

	if (dec == NULL)
		abort();
	rc = mboxname_decode(raw, len, dec, cap, &outlen);
	if (rc == MBOXNAME_E_SPACE || rc == MBOXNAME_E_UTF8
	    || rc == MBOXNAME_E_CONTROL)
		abort();
	if (mboxname_strerror(rc) == NULL)
		abort();
	if (rc != MBOXNAME_OK) {
		free(dec);
		return rc;
	}
	if (outlen >= cap || dec[outlen] != '\0')
		abort();
	if (!utf8_scan(dec, outlen, &controls, &unsafe))
		abort();	/* decoded names are UTF-8 */
	enc = malloc(len + 1);
	if (enc == NULL)
		abort();
	rc = mboxname_encode(dec, outlen, enc, len + 1, &enclen);
	if (controls) {
		if (rc != MBOXNAME_E_CONTROL)
			abort();
	} else if (rc != MBOXNAME_OK || enclen != len
		   || memcmp(enc, raw, len) != 0) {
		abort();
	}
	free(enc);
	free(dec);
	return MBOXNAME_OK;
}

/* Encoding the input as UTF-8, then decoding: back to the input. */
static void
check_encode(const char *utf8, size_t len)
{
	size_t cap = 4 * len + 16, enclen = 0, declen = 0;
	char *enc = malloc(cap);
	char *dec;
	bool controls, unsafe, valid;
	int rc;

	if (enc == NULL)
		abort();
	valid = utf8_scan(utf8, len, &controls, &unsafe);
	rc = mboxname_encode(utf8, len, enc, cap, &enclen);
	if (!valid) {
		/* A control before the bad byte may be named first. */
		if (rc != MBOXNAME_E_UTF8
		    && !(controls && rc == MBOXNAME_E_CONTROL))
			abort();
		free(enc);
		return;
	}
	if (controls) {
		if (rc != MBOXNAME_E_CONTROL)
			abort();
		free(enc);
		return;
	}
	if (rc != MBOXNAME_OK || enclen >= cap || enc[enclen] != '\0')
		abort();
	for (size_t i = 0; i < enclen; i++) {
		unsigned char ch = (unsigned char)enc[i];

		if (ch < 0x20 || ch > 0x7e)
			abort();	/* modified UTF-7 is printable ASCII */
	}
	dec = malloc(9 * enclen / 8 + 2);
	if (dec == NULL)
		abort();
	rc = mboxname_decode(enc, enclen, dec, 9 * enclen / 8 + 2, &declen);
	if (rc != MBOXNAME_OK || declen != len || memcmp(dec, utf8, len) != 0)
		abort();
	/* Too small a buffer is refused, never overrun. */
	if (enclen > 0) {
		char small[8];
		size_t scap = enclen < sizeof(small) ? enclen : sizeof(small);

		if (mboxname_encode(utf8, len, small, scap, &declen)
		    != MBOXNAME_E_SPACE)
			abort();
	}
	free(dec);
	free(enc);
}

/* The components joined by the delimiter are the name again. */
static void
check_split(const char *raw, size_t len, char delim)
{
	struct mboxname_iter it;
	const char *comp;
	size_t clen, pos = 0, count = 0;

	mboxname_iter_init(&it, raw, len, delim);
	while (mboxname_iter_next(&it, &comp, &clen)) {
		if (count > 0) {
			if (pos >= len || raw[pos] != delim)
				abort();
			pos++;
		}
		if (comp != raw + pos || clen > len - pos)
			abort();
		pos += clen;
		if (++count > len + 1)
			abort();
	}
	if (pos != len || count == 0)
		abort();
	if (delim == '\0' && count != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw;
	size_t len, cap;
	char delim;
	int rc;

	if (size < 1)
		return 0;
	delim = delims[data[0] & 7];
	cap = (size_t)(data[0] >> 3) * 3;	/* 0 .. 93 */
	raw = (const char *)data + 1;
	len = size - 1;
	rc = check_decode(raw, len);
	check_display(raw, len, cap, rc);
	check_display(raw, len, 8 * len + 16, rc);
	check_encode(raw, len);
	check_split(raw, len, delim);
	return 0;
}
