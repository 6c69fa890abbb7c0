/* idna.c - internationalised host names: U-labels to A-labels (IDNA
 * 2008 through libidn2) for lookups and certificates, and back for
 * display. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "escape.h"
#include "idna.h"

#define LABEL_IN_MAX 1024	/* bytes of one label given to libidn2 */
#define LABEL_SHOWN_MAX 80	/* bytes of a label quoted in an error */

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
has_ace_prefix(const char *s, size_t len)
{
	return len >= 4 && strncasecmp(s, "xn--", 4) == 0;
}

static bool
label_is_idn(const char *s, size_t len)
{
	if (has_ace_prefix(s, len))
		return true;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

bool
idna_is_idn(const char *name, size_t len)
{
	size_t label = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '.')
			continue;
		if (label_is_idn(name + label, i - label))
			return true;
		label = i + 1;
	}
	return false;
}

static int
label_error(struct idna_error *err, const char *s, size_t len,
	    size_t pos, const char *why)
{
	char shown[LABEL_SHOWN_MAX];

	escape_text(s, len, shown, sizeof(shown));
	err->pos = pos;
	snprintf(err->why, sizeof(err->why), "host name label '%s' %s",
		 shown, why);
	return -1;
}

/* What libidn2's refusal means, in the words of an input error. */
static const char *
why_text(int rc, bool ace)
{
	switch (rc) {
	case IDN2_ENCODING_ERROR:
		return "is not valid UTF-8";
	case IDN2_PUNYCODE_BAD_INPUT:
	case IDN2_PUNYCODE_BIG_OUTPUT:
	case IDN2_PUNYCODE_OVERFLOW:
		return "is not valid punycode after xn--";
	case IDN2_DISALLOWED:
		return ace ? "decodes to a code point IDNA 2008 disallows" :
		       "holds a code point IDNA 2008 disallows";
	case IDN2_TOO_BIG_LABEL:
		return "is longer than 63 bytes as an A-label";
	default:
		return NULL;
	}
}

/* One label [s, s+len) that IDNA concerns, appended to out at *n. */
static int
label_to_ascii(const char *s, size_t len, size_t pos, char *out,
	       size_t cap, size_t *n, struct idna_error *err)
{
	char in[LABEL_IN_MAX];
	char why[IDNA_WHY_MAX];
	uint8_t *a = NULL;
	size_t alen;
	int rc;

	if (len >= sizeof(in))
		return label_error(err, s, len, pos, "is too long");
	memcpy(in, s, len);
	in[len] = '\0';
	rc = idn2_lookup_u8((const uint8_t *)in, &a, IDN2_NFC_INPUT |
			    IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		const char *w = why_text(rc, has_ace_prefix(s, len));

		snprintf(why, sizeof(why), "is not a valid international "
			 "name: %s", idn2_strerror(rc));
		return label_error(err, s, len, pos, w != NULL ? w : why);
	}
	alen = strlen((const char *)a);
	if (*n + alen + 1 > cap) {
		free(a);
		return label_error(err, s, len, pos, "makes the name too "
				   "long as A-labels");
	}
	memcpy(out + *n, a, alen);
	*n += alen;
	free(a);
	return 0;
}

int
idna_to_ascii(const char *name, size_t len, char *out, size_t cap,
	      struct idna_error *err)
{
	size_t label = 0, n = 0;

	err->pos = 0;
	err->why[0] = '\0';
	if (len > 1 && name[len - 1] == '.')
		len--;
	for (size_t i = 0; i <= len; i++) {
		size_t ll = i - label;

		if (i < len && name[i] != '.')
			continue;
		if (label_is_idn(name + label, ll)) {
			if (label_to_ascii(name + label, ll, label, out, cap,
					   &n, err) != 0)
				return -1;
		} else if (n + ll + 1 > cap) {
			return label_error(err, name + label, ll, label,
					   "makes the name too long");
		} else {
			for (size_t k = 0; k < ll; k++)
				out[n++] = ascii_lower(name[label + k]);
		}
		if (i < len)
			out[n++] = '.';
		label = i + 1;
	}
	out[n] = '\0';
	return 0;
}

int
idna_name(const char *name, char *out, size_t cap, struct idna_error *err)
{
	size_t len = strlen(name);

	if (idna_is_idn(name, len))
		return idna_to_ascii(name, len, out, cap, err);
	err->pos = 0;
	err->why[0] = '\0';
	if (len >= cap) {
		snprintf(err->why, sizeof(err->why), "name too long (%zu "
			 "bytes, at most %zu)", len, cap - 1);
		return -1;
	}
	memcpy(out, name, len + 1);
	return 0;
}

void
idna_to_unicode(const char *ascii, char *out, size_t cap)
{
	char *u = NULL;

	if (cap == 0)
		return;
	if (!idna_is_idn(ascii, strlen(ascii)) ||
	    idn2_to_unicode_8z8z(ascii, &u, 0) != IDN2_OK) {
		snprintf(out, cap, "%s", ascii);
		return;
	}
	snprintf(out, cap, "%s", u);
	free(u);
}
