/* hostname.c - whether a text is a DNS host name. */
#include <string.h>

#include "hostname.h"

#define LABEL_MAX_LEN 63
#define NAME_MAX_LEN 253

static bool
name_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether the label s[0..len) is 1-63 name characters, neither first
 * nor last a '-'. */
static bool
label_ok(const char *s, size_t len)
{
	if (len == 0 || len > LABEL_MAX_LEN || s[0] == '-' ||
	    s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char_ok((unsigned char)s[i]))
			return false;
	return true;
}

bool
hostname_valid(const char *s)
{
	size_t len = strlen(s);

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	while (len > 0) {
		size_t w = strcspn(s, ".");

		if (w > len)
			w = len;
		if (!label_ok(s, w))
			return false;
		if (w == len)
			return true;
		s += w + 1;
		len -= w + 1;
		if (len == 0)
			return false;
	}
	return false;
}
