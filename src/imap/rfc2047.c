/* rfc2047.c - encoded-words (RFC 2047) in a header value, decoded to
 * UTF-8. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "rfc2047.h"

/* What wbytes_next() returns when it has no byte. */
#define WB_END (-1)		/* the word's text is used up */
#define WB_BAD (-2)		/* invalid base64 or Q */

enum cs_kind {
	CS_UTF8,		/* validated; split characters joined */
	CS_ASCII,		/* 7-bit bytes only */
	CS_BYTE			/* one byte, one character */
};

/* A byte of a single-byte charset whose character is not the Latin-1
 * character of the same value. */
struct byte_map {
	unsigned char byte;
	uint16_t cp;
};

struct charset {
	const char *name;	/* upper case */
	enum cs_kind kind;
	const struct byte_map *map;	/* CS_BYTE only; NULL: Latin-1 */
	size_t n_map;
};

static const struct byte_map latin9_map[] = {
	{ 0xa4, 0x20ac }, { 0xa6, 0x0160 }, { 0xa8, 0x0161 },
	{ 0xb4, 0x017d }, { 0xb8, 0x017e }, { 0xbc, 0x0152 },
	{ 0xbd, 0x0153 }, { 0xbe, 0x0178 },
};

/* 0x80-0x9F; the unassigned 0x81, 0x8D, 0x8F, 0x90 and 0x9D stay the
 * C1 controls of the same value, as in the WHATWG Encoding Standard. */
static const struct byte_map cp1252_map[] = {
	{ 0x80, 0x20ac }, { 0x82, 0x201a }, { 0x83, 0x0192 },
	{ 0x84, 0x201e }, { 0x85, 0x2026 }, { 0x86, 0x2020 },
	{ 0x87, 0x2021 }, { 0x88, 0x02c6 }, { 0x89, 0x2030 },
	{ 0x8a, 0x0160 }, { 0x8b, 0x2039 }, { 0x8c, 0x0152 },
	{ 0x8e, 0x017d }, { 0x91, 0x2018 }, { 0x92, 0x2019 },
	{ 0x93, 0x201c }, { 0x94, 0x201d }, { 0x95, 0x2022 },
	{ 0x96, 0x2013 }, { 0x97, 0x2014 }, { 0x98, 0x02dc },
	{ 0x99, 0x2122 }, { 0x9a, 0x0161 }, { 0x9b, 0x203a },
	{ 0x9c, 0x0153 }, { 0x9e, 0x017e }, { 0x9f, 0x0178 },
};

#define MAP(m) m, sizeof(m) / sizeof((m)[0])

static const struct charset charsets[] = {
	{ "UTF-8", CS_UTF8, NULL, 0 },
	{ "UTF8", CS_UTF8, NULL, 0 },
	{ "US-ASCII", CS_ASCII, NULL, 0 },
	{ "ASCII", CS_ASCII, NULL, 0 },
	{ "ISO-8859-1", CS_BYTE, NULL, 0 },
	{ "ISO8859-1", CS_BYTE, NULL, 0 },
	{ "ISO_8859-1", CS_BYTE, NULL, 0 },
	{ "LATIN1", CS_BYTE, NULL, 0 },
	{ "ISO-8859-15", CS_BYTE, MAP(latin9_map) },
	{ "ISO8859-15", CS_BYTE, MAP(latin9_map) },
	{ "ISO_8859-15", CS_BYTE, MAP(latin9_map) },
	{ "LATIN9", CS_BYTE, MAP(latin9_map) },
	{ "WINDOWS-1252", CS_BYTE, MAP(cp1252_map) },
	{ "CP1252", CS_BYTE, MAP(cp1252_map) },
};

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One syntactically valid encoded-word: "=?" charset "?" B or Q "?"
 * encoded-text "?=", where charset and encoded-text are printable
 * ASCII without "?" or space. */
struct word {
	size_t start, end;	/* in the input: at "=?", just past "?=" */
	const char *text;	/* the encoded text */
	size_t text_len;
	bool base64;		/* B; else Q */
	const struct charset *cs;	/* NULL: a charset not decoded here */
};

/* Reads the decoded bytes of one word. */
struct wbytes {
	const struct word *w;
	size_t pos;		/* in w->text */
	unsigned char q[3];	/* the current base64 quantum */
	unsigned nq, iq;	/* its bytes, and those already read */
};

/* Bounded output: whole units (a character, or a byte that is not
 * UTF-8) go to buf while they fit in cap - 1 bytes. */
struct sink {
	char *buf;
	size_t cap;
	size_t len;		/* bytes written */
	size_t need;		/* bytes of the whole decoded text */
	bool full;		/* a unit did not fit: nothing more written */
	bool stop;		/* stop decoding once full */
};

/* A UTF-8 character being assembled from the bytes of a chain. */
struct utf8_acc {
	unsigned char u[4];
	size_t have, want;
};

static unsigned char
ascii_upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

static bool
token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '?';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t
skip_space(const char *in, size_t len, size_t i)
{
	while (i < len && is_space(in[i]))
		i++;
	return i;
}

/* The charset named by name[0..len), without its RFC 2231 "*language"
 * suffix; NULL when it is not one decoded here. */
static const struct charset *
charset_find(const char *name, size_t len)
{
	const char *star = memchr(name, '*', len);
	size_t i;

	if (star != NULL)
		len = (size_t)(star - name);
	for (size_t c = 0; c < sizeof(charsets) / sizeof(charsets[0]); c++) {
		if (strlen(charsets[c].name) != len)
			continue;
		for (i = 0; i < len; i++) {
			if (ascii_upper((unsigned char)name[i]) !=
			    (unsigned char)charsets[c].name[i])
				break;
		}
		if (i == len)
			return &charsets[c];
	}
	return NULL;
}

/* The character of byte b in a single-byte charset. */
static uint32_t
charset_code_point(const struct charset *cs, unsigned char b)
{
	for (size_t i = 0; i < cs->n_map; i++) {
		if (cs->map[i].byte == b)
			return cs->map[i].cp;
	}
	return b;
}

/* Is there an encoded-word at in[at]?  Fills *w when there is. */
static bool
word_parse(const char *in, size_t len, size_t at, struct word *w)
{
	size_t i = at + 2, cs_start, text_start;
	unsigned char enc;

	if (at >= len || len - at < 2 || in[at] != '=' || in[at + 1] != '?')
		return false;
	cs_start = i;
	while (i < len && token_char((unsigned char)in[i]))
		i++;
	if (i == cs_start || len - i < 3 || in[i] != '?' || in[i + 2] != '?')
		return false;
	enc = ascii_upper((unsigned char)in[i + 1]);
	if (enc != 'B' && enc != 'Q')
		return false;
	w->cs = charset_find(in + cs_start, i - cs_start);
	i += 3;
	text_start = i;
	while (i < len && token_char((unsigned char)in[i]))
		i++;
	if (len - i < 2 || in[i] != '?' || in[i + 1] != '=')
		return false;
	w->start = at;
	w->end = i + 2;
	w->text = in + text_start;
	w->text_len = i - text_start;
	w->base64 = enc == 'B';
	return true;
}

/* The next encoded-word after whitespace from in[i]. */
static bool
word_next(const char *in, size_t len, size_t i, struct word *w)
{
	return word_parse(in, len, skip_space(in, len, i), w);
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_upper(c);
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
b64_value(unsigned char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = memchr(b64_chars, c, sizeof(b64_chars) - 1);
	return p == NULL ? -1 : (int)(p - b64_chars);
}

/* Q: "_" is a space, "=XX" a byte in hex, anything else itself. */
static int
q_next(struct wbytes *it)
{
	const char *t = it->w->text;
	size_t n = it->w->text_len;
	int hi, lo;

	if (it->pos >= n)
		return WB_END;
	if (t[it->pos] == '_') {
		it->pos++;
		return ' ';
	}
	if (t[it->pos] != '=')
		return (unsigned char)t[it->pos++];
	if (n - it->pos < 3)
		return WB_BAD;
	hi = hex_value((unsigned char)t[it->pos + 1]);
	lo = hex_value((unsigned char)t[it->pos + 2]);
	if (hi < 0 || lo < 0)
		return WB_BAD;
	it->pos += 3;
	return hi << 4 | lo;
}

/* Decode the next base64 quantum into it->q: 2 to 4 symbols, "="
 * padding only at the end of the text and only to a whole quantum
 * (unpadded text is accepted). */
static int
b64_quantum(struct wbytes *it)
{
	const char *t = it->w->text;
	size_t n = it->w->text_len;
	uint32_t bits = 0;
	unsigned k = 0, pad = 0;
	int v;

	while (k < 4 && it->pos < n && t[it->pos] != '=') {
		v = b64_value((unsigned char)t[it->pos]);
		if (v < 0)
			return WB_BAD;
		bits = bits << 6 | (uint32_t)v;
		k++;
		it->pos++;
	}
	while (it->pos < n && t[it->pos] == '=') {
		pad++;
		it->pos++;
	}
	if (pad > 0 && (it->pos != n || k + pad != 4))
		return WB_BAD;
	if (k == 0)
		return pad > 0 ? WB_BAD : WB_END;
	if (k == 1)
		return WB_BAD;
	bits <<= 6 * (4 - k);
	it->q[0] = (unsigned char)(bits >> 16);
	it->q[1] = (unsigned char)(bits >> 8);
	it->q[2] = (unsigned char)bits;
	it->nq = k - 1;
	it->iq = 0;
	return 0;
}

/* The next decoded byte (0-255), WB_END or WB_BAD. */
static int
wbytes_next(struct wbytes *it)
{
	int rc;

	if (!it->w->base64)
		return q_next(it);
	if (it->iq >= it->nq) {
		rc = b64_quantum(it);
		if (rc != 0)
			return rc;
	}
	return it->q[it->iq++];
}

static void
wbytes_init(struct wbytes *it, const struct word *w)
{
	memset(it, 0, sizeof(*it));
	it->w = w;
}

static bool
sink_done(const struct sink *s)
{
	return s->full && s->stop;
}

static void
sink_put(struct sink *s, const char *p, size_t n)
{
	s->need += n;
	if (s->full || s->cap == 0 || n > s->cap - 1 - s->len) {
		s->full = true;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void
sink_utf8(struct sink *s, uint32_t cp)
{
	char u[4];

	sink_put(s, u, escape_utf8_encode(cp, u));
}

/* Copy one character of in (one byte when it is not UTF-8); returns
 * the bytes copied. */
static size_t
put_raw_unit(struct sink *s, const char *in, size_t len)
{
	uint32_t cp;
	size_t n = escape_utf8_decode(in, len, &cp);

	if (n == 0)
		n = 1;
	sink_put(s, in, n);
	return n;
}

static void
put_raw(struct sink *s, const char *in, size_t len)
{
	size_t i = 0;

	while (i < len && !sink_done(s))
		i += put_raw_unit(s, in + i, len - i);
}

/* Check (s NULL) or decode a word in a single-byte charset. */
static bool
byte_word(const struct word *w, struct sink *s)
{
	struct wbytes it;
	int b;

	wbytes_init(&it, w);
	for (;;) {
		b = wbytes_next(&it);
		if (b == WB_END)
			return true;
		if (b == WB_BAD)
			return false;
		if (w->cs->kind == CS_ASCII && b >= 0x80)
			return false;
		if (s != NULL)
			sink_utf8(s, charset_code_point(w->cs,
							(unsigned char)b));
	}
}

/* Length of the UTF-8 sequence that b starts; 0 when none. */
static size_t
utf8_lead_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

/* Add one byte; false when the bytes so far cannot be UTF-8.  Each
 * character completed goes to s when s is not NULL. */
static bool
utf8_feed(struct utf8_acc *a, unsigned char b, struct sink *s)
{
	uint32_t cp;

	if (a->have == 0) {
		a->want = utf8_lead_len(b);
		if (a->want == 0)
			return false;
	} else if ((b & 0xc0) != 0x80) {
		return false;
	}
	a->u[a->have++] = b;
	if (a->have < a->want)
		return true;
	if (escape_utf8_decode((const char *)a->u, a->have, &cp) != a->have)
		return false;
	if (s != NULL)
		sink_put(s, (const char *)a->u, a->have);
	a->have = 0;
	return true;
}

/* Check (s NULL) or decode the chain of UTF-8 words that starts with
 * *first: while a word ends inside a character, the chain goes on
 * with the next word if only whitespace comes before it.  True when
 * the whole chain is valid UTF-8; *end is then just past its last
 * word. */
static bool
utf8_chain(const char *in, size_t len, const struct word *first,
	   struct sink *s, size_t *end)
{
	struct utf8_acc acc;
	struct word w = *first;
	struct wbytes it;
	int b;

	memset(&acc, 0, sizeof(acc));
	for (;;) {
		wbytes_init(&it, &w);
		for (;;) {
			b = wbytes_next(&it);
			if (b == WB_BAD)
				return false;
			if (b == WB_END)
				break;
			if (!utf8_feed(&acc, (unsigned char)b, s))
				return false;
		}
		if (acc.have == 0) {
			*end = w.end;
			return true;
		}
		if (!word_next(in, len, w.end, &w) || w.cs == NULL ||
		    w.cs->kind != CS_UTF8)
			return false;
	}
}

/* Decode w (for UTF-8, with the words its last character runs into)
 * to s, or only check it when s is NULL; *end is set past what was
 * decoded.  False, nothing written, when w is kept as it was sent. */
static bool
word_decode(const char *in, size_t len, const struct word *w,
	    struct sink *s, size_t *end)
{
	if (w->cs == NULL)
		return false;
	if (w->cs->kind == CS_UTF8) {
		if (!utf8_chain(in, len, w, NULL, end))
			return false;
		if (s != NULL)
			utf8_chain(in, len, w, s, end);
		return true;
	}
	if (!byte_word(w, NULL))
		return false;
	if (s != NULL)
		byte_word(w, s);
	*end = w->end;
	return true;
}

/* Does a word that will be decoded start at in[i]? */
static bool
decoded_word_at(const char *in, size_t len, size_t i)
{
	struct word w;
	size_t end;

	return word_parse(in, len, i, &w) &&
	       word_decode(in, len, &w, NULL, &end);
}

static void
decode(const char *in, size_t len, struct sink *s)
{
	struct word w;
	size_t i = 0, end, next;
	bool after_word = false;

	while (i < len && !sink_done(s)) {
		if (after_word && is_space(in[i])) {
			next = skip_space(in, len, i);
			if (decoded_word_at(in, len, next))
				i = next;
		}
		after_word = false;
		if (!word_parse(in, len, i, &w)) {
			i += put_raw_unit(s, in + i, len - i);
		} else if (word_decode(in, len, &w, s, &end)) {
			i = end;
			after_word = true;
		} else {
			put_raw(s, in + w.start, w.end - w.start);
			i = w.end;
		}
	}
}

size_t
rfc2047_decode(const char *in, size_t len, char *out, size_t cap)
{
	struct sink s = { out, cap, 0, 0, false, true };

	decode(in, len, &s);
	if (cap > 0)
		out[s.len] = '\0';
	return s.len;
}

size_t
rfc2047_decode_len(const char *in, size_t len)
{
	struct sink s = { NULL, 0, 0, 0, false, false };

	decode(in, len, &s);
	return s.need;
}
