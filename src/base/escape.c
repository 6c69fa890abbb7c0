/* escape.c - making hostile text safe for a terminal or a one-line report. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

/* Longest escaped form of one input character ("\ufffd", "\u202e"). */
#define UNIT_MAX 8

static const char ellipsis[] = "...";

/* Escapes one character (or one invalid byte) starting at in[0] into u,
 * returns the escaped length and sets *used to the bytes consumed. */
typedef size_t (*escape_unit_fn)(const char *in, size_t len, char *u,
				 size_t *used);

size_t
escape_utf8_decode(const char *in, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)in;
	uint32_t c, min;
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
escape_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Non-ASCII code points that must not reach a terminal raw: C1
 * controls, bidirectional controls, line and paragraph separators. */
static bool
unsafe_code_point(uint32_t c)
{
	if (c >= 0x80 && c <= 0x9f)
		return true;
	if (c == 0x061c || c == 0x200e || c == 0x200f)
		return true;
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return true;
	return c == 0x2028 || c == 0x2029;
}

/* The short escape of a control character (backslash n), or NULL where
 * it has none: the terminal forms know \e, JSON knows \b and \f. */
static const char *
control_short(uint32_t c, bool json)
{
	switch (c) {
	case '\t':
		return "\\t";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case 0x1b:
		return json ? NULL : "\\e";
	case '\b':
		return json ? "\\b" : NULL;
	case '\f':
		return json ? "\\f" : NULL;
	default:
		return NULL;
	}
}

/* A control character as its short escape, else as \xHH (terminal)
 * or \uHHHH (JSON). */
static size_t
control_unit(uint32_t c, char *u, bool json)
{
	const char *s = control_short(c, json);

	if (s != NULL)
		return (size_t)snprintf(u, UNIT_MAX, "%s", s);
	if (json)
		return (size_t)snprintf(u, UNIT_MAX, "\\u%04x", (unsigned)c);
	return (size_t)snprintf(u, UNIT_MAX, "\\x%02x", (unsigned)c);
}

/* Whether a backslash followed by in[0..len) could be read as the
 * start of an escape: unless the next character is printable ASCII
 * other than a backslash or a letter an escape starts with (e t n r x
 * u), the backslash is doubled.  So "back\slash" shows as it is and
 * no text can pass for an escape. */
static bool
backslash_ambiguous(const char *in, size_t len)
{
	unsigned char c;

	if (len == 0)
		return true;
	c = (unsigned char)in[0];
	if (c < 0x20 || c > 0x7e)
		return true;
	return strchr("\\etnrxu", c) != NULL;
}

static size_t
terminal_unit(const char *in, size_t len, char *u, size_t *used,
	      bool double_backslash)
{
	uint32_t c;
	size_t n;

	/* Printable ASCII but the backslash: as it is (most text). */
	if (in[0] >= 0x20 && in[0] <= 0x7e && in[0] != '\\') {
		*used = 1;
		u[0] = in[0];
		return 1;
	}
	n = escape_utf8_decode(in, len, &c);
	if (n == 0) {
		*used = 1;
		return (size_t)snprintf(u, UNIT_MAX, "\\x%02x",
					(unsigned char)in[0]);
	}
	*used = n;
	if (c < 0x20 || c == 0x7f)
		return control_unit(c, u, false);
	if (c == '\\' && double_backslash
	    && backslash_ambiguous(in + 1, len - 1))
		return (size_t)snprintf(u, UNIT_MAX, "\\\\");
	if (unsafe_code_point(c))
		return (size_t)snprintf(u, UNIT_MAX, "\\u%04x", (unsigned)c);
	memcpy(u, in, n);
	return n;
}

static size_t
text_unit(const char *in, size_t len, char *u, size_t *used)
{
	return terminal_unit(in, len, u, used, true);
}

static size_t
line_unit(const char *in, size_t len, char *u, size_t *used)
{
	return terminal_unit(in, len, u, used, false);
}

static size_t
json_unit(const char *in, size_t len, char *u, size_t *used)
{
	uint32_t c;
	size_t n = escape_utf8_decode(in, len, &c);

	if (n == 0) {
		*used = 1;
		return (size_t)snprintf(u, UNIT_MAX, "\\ufffd");
	}
	*used = n;
	if (c < 0x20 || c == 0x7f)
		return control_unit(c, u, true);
	if (c == '"' || c == '\\')
		return (size_t)snprintf(u, UNIT_MAX, "\\%c", (char)c);
	if (unsafe_code_point(c))
		return (size_t)snprintf(u, UNIT_MAX, "\\u%04x", (unsigned)c);
	memcpy(u, in, n);
	return n;
}

static size_t
escaped_len(escape_unit_fn unit, const char *in, size_t len)
{
	char u[UNIT_MAX];
	size_t i = 0, total = 0, used;

	while (i < len) {
		total += unit(in + i, len - i, u, &used);
		i += used;
	}
	return total;
}

/* Copy whole escaped characters while they fit in room bytes. */
static size_t
escape_prefix(escape_unit_fn unit, const char *in, size_t len, char *out,
	      size_t room)
{
	char u[UNIT_MAX];
	size_t i = 0, o = 0, used, n;

	while (i < len) {
		n = unit(in + i, len - i, u, &used);
		if (n > room - o)
			break;
		memcpy(out + o, u, n);
		o += n;
		i += used;
	}
	return o;
}

static size_t
escape_into(escape_unit_fn unit, const char *in, size_t len, char *out,
	    size_t cap)
{
	size_t need, room, o, dots;

	if (cap == 0)
		return 0;
	need = escaped_len(unit, in, len);
	if (need < cap) {
		o = escape_prefix(unit, in, len, out, need);
		out[o] = '\0';
		return o;
	}
	dots = sizeof(ellipsis) - 1;
	room = cap - 1 > dots ? cap - 1 - dots : 0;
	o = escape_prefix(unit, in, len, out, room);
	if (dots > cap - 1 - o)
		dots = cap - 1 - o;
	memcpy(out + o, ellipsis, dots);
	o += dots;
	out[o] = '\0';
	return o;
}

size_t
escape_text(const char *in, size_t len, char *out, size_t cap)
{
	return escape_into(text_unit, in, len, out, cap);
}

size_t
escape_text_len(const char *in, size_t len)
{
	return escaped_len(text_unit, in, len);
}

size_t
escape_line(const char *in, size_t len, char *out, size_t cap)
{
	return escape_into(line_unit, in, len, out, cap);
}

size_t
escape_json(const char *in, size_t len, char *out, size_t cap)
{
	return escape_into(json_unit, in, len, out, cap);
}

size_t
escape_json_len(const char *in, size_t len)
{
	return escaped_len(json_unit, in, len);
}
