/* imap_parse.c - resumable IMAP response parser and its typed helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap_parse.h"
#include "names.h"

#define ERR_MAX 160
#define BUF_MIN 256
#define DEPTH_CEILING 1000
#define NUM32_MAX 4294967295u

/*
 * Assembly.  Bytes are collected into one buffer until it holds a whole
 * response: line segments, each ended by LF, and between them the bytes
 * of the literals announced by "{n}" at the end of a segment.  Whether a
 * trailing "{n}" announces a literal depends on where it stands: after
 * "* OK" (and NO, BAD, PREAUTH, BYE, tagged status, "+") and past the
 * response code it is free text.  lex_mode follows that, segment by
 * segment, with the same rules the parser uses below.
 */
enum asm_state {
	AS_LINE,		/* reading a line segment */
	AS_LITERAL,		/* reading owed literal bytes */
	AS_FAILED		/* an error was returned; final */
};

enum lex_mode {
	LM_HEAD,		/* first segment not classified yet */
	LM_DATA,		/* structured: trailing {n} is a literal */
	LM_CODE,		/* inside "[...]" of a status response */
	LM_TEXT			/* free text: trailing {n} is text */
};

struct imap_parser {
	struct imap_limits lim;
	enum asm_state state;
	enum lex_mode mode;
	enum imap_parse_result fail;
	char *buf;		/* the response so far */
	size_t len;
	size_t cap;
	size_t seg_start;	/* offset of the current line segment */
	size_t owed;		/* literal bytes still to come */
	unsigned literals;	/* literals in this response */
	struct imap_response *ready;
	char err[ERR_MAX];
};

/* Parsing position over one assembled response. */
struct cursor {
	const char *b;
	size_t end;		/* content end: the final line end excluded */
	size_t pos;
	const struct imap_limits *lim;
	unsigned items;		/* values made so far */
	bool in_code;		/* inside "[...]": "]" ends atoms */
	char *err;		/* ERR_MAX bytes */
};

/* Tables ------------------------------------------------------------ */

static const char *const result_names[] = {
	[IMAP_PARSE_OK] = "ok",
	[IMAP_PARSE_NEED_MORE] = "need-more",
	[IMAP_PARSE_BAD] = "bad",
	[IMAP_PARSE_TOO_LARGE] = "too-large",
	[IMAP_PARSE_NOMEM] = "nomem",
};

static const char *const status_names[] = {
	[IMAP_ST_NONE] = "",
	[IMAP_ST_OK] = "OK",
	[IMAP_ST_NO] = "NO",
	[IMAP_ST_BAD] = "BAD",
	[IMAP_ST_PREAUTH] = "PREAUTH",
	[IMAP_ST_BYE] = "BYE",
};

static const char *const code_names[IMAP_CODE_COUNT] = {
	[IMAP_CODE_NONE] = "",
	[IMAP_CODE_UNKNOWN] = "UNKNOWN",
	[IMAP_CODE_ALERT] = "ALERT",
	[IMAP_CODE_CAPABILITY] = "CAPABILITY",
	[IMAP_CODE_PERMANENTFLAGS] = "PERMANENTFLAGS",
	[IMAP_CODE_UIDVALIDITY] = "UIDVALIDITY",
	[IMAP_CODE_UIDNEXT] = "UIDNEXT",
	[IMAP_CODE_UNSEEN] = "UNSEEN",
	[IMAP_CODE_READ_ONLY] = "READ-ONLY",
	[IMAP_CODE_READ_WRITE] = "READ-WRITE",
	[IMAP_CODE_TRYCREATE] = "TRYCREATE",
	[IMAP_CODE_REFERRAL] = "REFERRAL",
	[IMAP_CODE_BADCHARSET] = "BADCHARSET",
	[IMAP_CODE_PARSE] = "PARSE",
	[IMAP_CODE_UNAVAILABLE] = "UNAVAILABLE",
	[IMAP_CODE_AUTHENTICATIONFAILED] = "AUTHENTICATIONFAILED",
	[IMAP_CODE_AUTHORIZATIONFAILED] = "AUTHORIZATIONFAILED",
	[IMAP_CODE_EXPIRED] = "EXPIRED",
	[IMAP_CODE_PRIVACYREQUIRED] = "PRIVACYREQUIRED",
	[IMAP_CODE_CONTACTADMIN] = "CONTACTADMIN",
	[IMAP_CODE_NOPERM] = "NOPERM",
	[IMAP_CODE_INUSE] = "INUSE",
	[IMAP_CODE_EXPUNGEISSUED] = "EXPUNGEISSUED",
	[IMAP_CODE_CORRUPTION] = "CORRUPTION",
	[IMAP_CODE_SERVERBUG] = "SERVERBUG",
	[IMAP_CODE_CLIENTBUG] = "CLIENTBUG",
	[IMAP_CODE_CANNOT] = "CANNOT",
	[IMAP_CODE_LIMIT] = "LIMIT",
	[IMAP_CODE_OVERQUOTA] = "OVERQUOTA",
	[IMAP_CODE_ALREADYEXISTS] = "ALREADYEXISTS",
	[IMAP_CODE_NONEXISTENT] = "NONEXISTENT",
	[IMAP_CODE_APPENDUID] = "APPENDUID",
	[IMAP_CODE_COPYUID] = "COPYUID",
	[IMAP_CODE_UIDNOTSTICKY] = "UIDNOTSTICKY",
	[IMAP_CODE_HIGHESTMODSEQ] = "HIGHESTMODSEQ",
	[IMAP_CODE_NOMODSEQ] = "NOMODSEQ",
	[IMAP_CODE_CLOSED] = "CLOSED",
};

static const struct {
	const char *name;
	bool wide;		/* 64-bit value */
} status_item_table[IMAP_SI_COUNT] = {
	[IMAP_SI_MESSAGES] = { "MESSAGES", false },
	[IMAP_SI_RECENT] = { "RECENT", false },
	[IMAP_SI_UIDNEXT] = { "UIDNEXT", false },
	[IMAP_SI_UIDVALIDITY] = { "UIDVALIDITY", false },
	[IMAP_SI_UNSEEN] = { "UNSEEN", false },
	[IMAP_SI_DELETED] = { "DELETED", false },
	[IMAP_SI_SIZE] = { "SIZE", true },
	[IMAP_SI_HIGHESTMODSEQ] = { "HIGHESTMODSEQ", true },
};

const char *
imap_parse_result_name(enum imap_parse_result res)
{
	return NAMES_GET(result_names, res, "unknown");
}

enum fail_class
imap_parse_fail_class(enum imap_parse_result res)
{
	switch (res) {
	case IMAP_PARSE_OK:
	case IMAP_PARSE_NEED_MORE:
		return FAIL_NONE;
	case IMAP_PARSE_BAD:
		return FAIL_PROTOCOL;
	case IMAP_PARSE_TOO_LARGE:
		return FAIL_TOO_LARGE;
	case IMAP_PARSE_NOMEM:
		return FAIL_INTERNAL;
	}
	return FAIL_INTERNAL;
}

const char *
imap_status_name(enum imap_status s)
{
	return NAMES_GET(status_names, s, "");
}

const char *
imap_code_name(enum imap_code c)
{
	return NAMES_GET(code_names, c, "UNKNOWN");
}

void
imap_limits_default(struct imap_limits *l)
{
	l->line_max = 64 * 1024;
	l->literal_max = 16 * 1024 * 1024;
	l->response_max = 32 * 1024 * 1024;
	l->depth_max = 64;
	l->items_max = 100000;
}

/* Small byte helpers ------------------------------------------------ */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
ascii_upper(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	return c;
}

/* Case-insensitive: do the n bytes at s spell the NUL-terminated w? */
static bool
word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i] == '\0' || ascii_upper(s[i]) != ascii_upper(w[i]))
			return false;
	}
	return w[n] == '\0';
}

/* Decimal digits to a number; false when it does not fit max. */
static bool
digits_value(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Length of the response keyword at b[i..end): letters, digits, "-",
 * "_", ".".  Shared by assembly and parsing so both agree. */
static size_t
kw_span(const char *b, size_t i, size_t end)
{
	size_t j = i;

	while (j < end) {
		char c = b[j];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      is_digit(c) || c == '-' || c == '_' || c == '.'))
			break;
		j++;
	}
	return j - i;
}

static enum imap_status
status_word(const char *s, size_t n)
{
	enum imap_status st;

	for (st = IMAP_ST_OK; st <= IMAP_ST_BYE; st++) {
		if (word_is(s, n, status_names[st]))
			return st;
	}
	return IMAP_ST_NONE;
}

/* Offset of the "]" closing a response code whose contents start at
 * from, skipping quoted strings; end when a line end or end comes
 * first.  Shared by assembly and parsing so both agree. */
static size_t
code_close(const char *b, size_t from, size_t end)
{
	bool quoted = false;
	size_t i;

	for (i = from; i < end; i++) {
		char c = b[i];

		if (c == '\r' || c == '\n')
			return end;
		if (quoted) {
			if (c == '\\' && i + 1 < end && b[i + 1] != '\r' &&
			    b[i + 1] != '\n')
				i++;
			else if (c == '"')
				quoted = false;
		} else if (c == '"') {
			quoted = true;
		} else if (c == ']') {
			return i;
		}
	}
	return end;
}

/* Values ------------------------------------------------------------ */

static void
value_free(struct imap_value *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		value_free(&v->items[i]);
	free(v->items);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

/* Append a zeroed item to a list; NULL when out of memory.  Capacity
 * is implied by n: 4, then doubling. */
static struct imap_value *
list_add(struct imap_value *list)
{
	size_t n = list->n;
	struct imap_value *items;

	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		items = realloc(list->items,
				(n == 0 ? 4 : n * 2) * sizeof(*items));
		if (items == NULL)
			return NULL;
		list->items = items;
	}
	memset(&list->items[n], 0, sizeof(list->items[n]));
	list->n++;
	return &list->items[n];
}

static char *
bytes_dup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Deep copy; on failure *dst is left freeable and -1 returned. */
static int
value_copy(struct imap_value *dst, const struct imap_value *src)
{
	size_t i;

	*dst = *src;
	dst->str = NULL;
	dst->items = NULL;
	dst->n = 0;
	if (src->str != NULL) {
		dst->str = bytes_dup(src->str, src->len);
		if (dst->str == NULL)
			return -1;
	}
	if (src->n == 0)
		return 0;
	dst->items = calloc(src->n, sizeof(*dst->items));
	if (dst->items == NULL)
		return -1;
	for (i = 0; i < src->n; i++) {
		dst->n = i + 1;
		if (value_copy(&dst->items[i], &src->items[i]) != 0)
			return -1;
	}
	return 0;
}

void
imap_response_free(struct imap_response *r)
{
	if (r == NULL)
		return;
	value_free(&r->code);
	value_free(&r->data);
	free(r->text);
	free(r->raw);
	free(r);
}

/* Parser object ----------------------------------------------------- */

struct imap_parser *
imap_parser_new(const struct imap_limits *l)
{
	struct imap_parser *p = calloc(1, sizeof(*p));
	struct imap_limits d;

	if (p == NULL)
		return NULL;
	imap_limits_default(&d);
	p->lim = l != NULL ? *l : d;
	if (p->lim.line_max == 0)
		p->lim.line_max = d.line_max;
	if (p->lim.literal_max == 0)
		p->lim.literal_max = d.literal_max;
	if (p->lim.response_max == 0)
		p->lim.response_max = d.response_max;
	if (p->lim.response_max > SIZE_MAX / 4)
		p->lim.response_max = SIZE_MAX / 4;
	if (p->lim.depth_max == 0)
		p->lim.depth_max = d.depth_max;
	if (p->lim.depth_max > DEPTH_CEILING)
		p->lim.depth_max = DEPTH_CEILING;
	if (p->lim.items_max == 0)
		p->lim.items_max = d.items_max;
	p->state = AS_LINE;
	p->mode = LM_HEAD;
	return p;
}

void
imap_parser_free(struct imap_parser *p)
{
	if (p == NULL)
		return;
	imap_response_free(p->ready);
	free(p->buf);
	free(p);
}

struct imap_response *
imap_parser_take(struct imap_parser *p)
{
	struct imap_response *r = p->ready;

	p->ready = NULL;
	return r;
}

const char *
imap_parser_error(const struct imap_parser *p)
{
	return p->err;
}

size_t
imap_parser_pending(const struct imap_parser *p)
{
	return p->len;
}

static void
assembly_reset(struct imap_parser *p)
{
	p->buf = NULL;
	p->len = 0;
	p->cap = 0;
	p->seg_start = 0;
	p->owed = 0;
	p->literals = 0;
	p->state = AS_LINE;
	p->mode = LM_HEAD;
}

/* Make the error final; the message is already in p->err. */
static enum imap_parse_result
set_failed(struct imap_parser *p, enum imap_parse_result rc)
{
	free(p->buf);
	assembly_reset(p);
	p->state = AS_FAILED;
	p->fail = rc;
	return rc;
}

static enum imap_parse_result
p_fail(struct imap_parser *p, enum imap_parse_result rc, const char *fmt,
       ...) __attribute__((format(printf, 3, 4)));

static enum imap_parse_result
p_fail(struct imap_parser *p, enum imap_parse_result rc, const char *fmt,
       ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return set_failed(p, rc);
}

/* Append n bytes, keeping room for a terminating NUL. */
static enum imap_parse_result
buf_append(struct imap_parser *p, const char *data, size_t n)
{
	size_t need, ncap;
	char *nb;

	if (n > p->lim.response_max - p->len)
		return p_fail(p, IMAP_PARSE_TOO_LARGE,
			      "response longer than %zu bytes",
			      p->lim.response_max);
	need = p->len + n + 1;
	if (need > p->cap) {
		ncap = p->cap != 0 ? p->cap : BUF_MIN;
		while (ncap < need)
			ncap *= 2;
		if (ncap > p->lim.response_max + 1)
			ncap = p->lim.response_max + 1;
		nb = realloc(p->buf, ncap);
		if (nb == NULL)
			return p_fail(p, IMAP_PARSE_NOMEM, "out of memory");
		p->buf = nb;
		p->cap = ncap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return IMAP_PARSE_NEED_MORE;
}

/* After a status word or "+": code or text from b[i]. */
static void
classify_resp_text(struct imap_parser *p, size_t i, size_t end)
{
	while (i < end && p->buf[i] == ' ')
		i++;
	if (i < end && p->buf[i] == '[') {
		p->mode = LM_CODE;
		if (code_close(p->buf, i + 1, end) < end)
			p->mode = LM_TEXT;
	} else {
		p->mode = LM_TEXT;
	}
}

/* Classify the first segment, b[0..end) with b[end] its LF. */
static void
classify_head(struct imap_parser *p, size_t end)
{
	const char *b = p->buf;
	size_t i = 0, w;
	bool star;

	p->mode = LM_DATA;
	if (b[0] == '+') {
		classify_resp_text(p, 1, end);
		return;
	}
	while (i < end && b[i] != ' ')
		i++;
	if (i >= end)
		return;
	star = i == 1 && b[0] == '*';
	while (i < end && b[i] == ' ')
		i++;
	if (star && i < end && is_digit(b[i]))
		return;
	w = kw_span(b, i, end);
	if (status_word(b + i, w) != IMAP_ST_NONE)
		classify_resp_text(p, i + w, end);
}

/* Does the segment s[0..n) (without its LF) end with a literal count
 * "{123}", "{123+}" or "~{123}"?  0: no; 1: yes, *val set; -1: yes,
 * but the count does not fit 64 bits. */
static int
literal_marker(const char *s, size_t n, uint64_t *val)
{
	size_t e = n, d;

	if (e > 0 && s[e - 1] == '\r')
		e--;
	if (e == 0 || s[e - 1] != '}')
		return 0;
	e--;
	if (e > 0 && s[e - 1] == '+')
		e--;
	d = e;
	while (d > 0 && is_digit(s[d - 1]))
		d--;
	if (d == e || d == 0 || s[d - 1] != '{')
		return 0;
	return digits_value(s + d, e - d, UINT64_MAX, val) ? 1 : -1;
}

/* A segment ended (its LF is the last byte).  OK when the response is
 * complete, NEED_MORE when a literal follows, or an error. */
static enum imap_parse_result
segment_end(struct imap_parser *p)
{
	size_t start = p->seg_start, end = p->len - 1;
	uint64_t n = 0;
	int m;

	if (p->mode == LM_HEAD)
		classify_head(p, end);
	else if (p->mode == LM_CODE && code_close(p->buf, start, end) < end)
		p->mode = LM_TEXT;
	if (p->mode == LM_TEXT)
		return IMAP_PARSE_OK;
	m = literal_marker(p->buf + start, end - start, &n);
	if (m == 0)
		return IMAP_PARSE_OK;
	if (m < 0)
		return p_fail(p, IMAP_PARSE_TOO_LARGE,
			      "literal length beyond 64 bits announced");
	if (n > p->lim.literal_max)
		return p_fail(p, IMAP_PARSE_TOO_LARGE,
			      "literal of %llu bytes announced, over the "
			      "%zu-byte limit", (unsigned long long)n,
			      p->lim.literal_max);
	if (n > p->lim.response_max - p->len)
		return p_fail(p, IMAP_PARSE_TOO_LARGE,
			      "response longer than %zu bytes",
			      p->lim.response_max);
	p->literals++;
	if (p->literals > p->lim.items_max)
		return p_fail(p, IMAP_PARSE_TOO_LARGE,
			      "more than %u literals in one response",
			      p->lim.items_max);
	p->owed = (size_t)n;
	p->state = AS_LITERAL;
	if (p->owed == 0) {
		p->state = AS_LINE;
		p->seg_start = p->len;
	}
	return IMAP_PARSE_NEED_MORE;
}

static enum imap_parse_result
feed_literal(struct imap_parser *p, const char *buf, size_t len,
	     size_t *off)
{
	size_t take = len - *off;
	enum imap_parse_result rc;

	if (take > p->owed)
		take = p->owed;
	rc = buf_append(p, buf + *off, take);
	if (rc != IMAP_PARSE_NEED_MORE)
		return rc;
	*off += take;
	p->owed -= take;
	if (p->owed == 0) {
		p->state = AS_LINE;
		p->seg_start = p->len;
	}
	return IMAP_PARSE_NEED_MORE;
}

static enum imap_parse_result
feed_line(struct imap_parser *p, const char *buf, size_t len, size_t *off)
{
	size_t seg = p->len - p->seg_start;
	size_t room = seg < p->lim.line_max ? p->lim.line_max - seg : 0;
	size_t avail = len - *off;
	size_t look = avail < room ? avail : room;
	const char *lf = memchr(buf + *off, '\n', look);
	size_t n;
	enum imap_parse_result rc;

	if (lf == NULL) {
		if (avail > room)
			return p_fail(p, IMAP_PARSE_TOO_LARGE,
				      "line longer than %zu bytes",
				      p->lim.line_max);
		rc = buf_append(p, buf + *off, avail);
		if (rc == IMAP_PARSE_NEED_MORE)
			*off += avail;
		return rc;
	}
	n = (size_t)(lf - (buf + *off)) + 1;
	rc = buf_append(p, buf + *off, n);
	if (rc != IMAP_PARSE_NEED_MORE)
		return rc;
	*off += n;
	return segment_end(p);
}

/* Parsing ----------------------------------------------------------- */

static enum imap_parse_result
cur_fail(struct cursor *c, enum imap_parse_result rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum imap_parse_result
cur_fail(struct cursor *c, enum imap_parse_result rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, ERR_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

static enum imap_parse_result
cur_nomem(struct cursor *c)
{
	return cur_fail(c, IMAP_PARSE_NOMEM, "out of memory");
}

/* Skip spaces; true when at least one was skipped. */
static bool
skip_spaces(struct cursor *c)
{
	size_t from = c->pos;

	while (c->pos < c->end && c->b[c->pos] == ' ')
		c->pos++;
	return c->pos > from;
}

static enum imap_parse_result parse_value(struct cursor *c,
					  struct imap_value *v,
					  unsigned depth);

static enum imap_parse_result
parse_quoted(struct cursor *c, struct imap_value *v)
{
	size_t i, n = 0, o = 0;

	for (i = c->pos + 1; i < c->end && c->b[i] != '"'; i++, n++) {
		char ch = c->b[i];

		if (ch == '\\') {
			if (i + 1 >= c->end ||
			    (c->b[i + 1] != '"' && c->b[i + 1] != '\\'))
				return cur_fail(c, IMAP_PARSE_BAD,
						"bad escape in quoted string"
						" at byte %zu", i);
			i++;
		} else if (ch == '\0') {
			return cur_fail(c, IMAP_PARSE_BAD,
					"quoted string contains NUL at byte"
					" %zu", i);
		} else if (ch == '\r' || ch == '\n') {
			return cur_fail(c, IMAP_PARSE_BAD,
					"line break in quoted string at byte"
					" %zu", i);
		}
	}
	if (i >= c->end)
		return cur_fail(c, IMAP_PARSE_BAD,
				"unterminated quoted string at byte %zu",
				c->pos);
	v->kind = IMAP_V_STRING;
	v->str = malloc(n + 1);
	if (v->str == NULL)
		return cur_nomem(c);
	for (i = c->pos + 1; c->b[i] != '"'; i++) {
		if (c->b[i] == '\\')
			i++;
		v->str[o++] = c->b[i];
	}
	v->str[o] = '\0';
	v->len = n;
	c->pos = i + 1;
	return IMAP_PARSE_OK;
}

/* "{n}" or "~{n}" (optionally "{n+}"), a line end, then n bytes. */
static enum imap_parse_result
parse_literal(struct cursor *c, struct imap_value *v)
{
	size_t i = c->pos, d;
	uint64_t n = 0;

	v->binary = c->b[i] == '~';
	i += v->binary ? 2 : 1;
	for (d = i; i < c->end && is_digit(c->b[i]); i++)
		;
	if (i == d)
		return cur_fail(c, IMAP_PARSE_BAD,
				"literal without a length at byte %zu",
				c->pos);
	if (!digits_value(c->b + d, i - d, c->lim->literal_max, &n))
		return cur_fail(c, IMAP_PARSE_TOO_LARGE,
				"literal longer than %zu bytes announced",
				c->lim->literal_max);
	if (i < c->end && c->b[i] == '+')
		i++;
	if (i >= c->end || c->b[i] != '}')
		return cur_fail(c, IMAP_PARSE_BAD,
				"malformed literal length at byte %zu",
				c->pos);
	i++;
	if (i < c->end && c->b[i] == '\r')
		i++;
	if (i >= c->end || c->b[i] != '\n')
		return cur_fail(c, IMAP_PARSE_BAD,
				"no line end after literal length at byte %zu",
				c->pos);
	i++;
	if (n > c->end - i)
		return cur_fail(c, IMAP_PARSE_BAD,
				"literal cut short at byte %zu", c->pos);
	v->kind = IMAP_V_STRING;
	v->literal = true;
	v->str = bytes_dup(c->b + i, (size_t)n);
	if (v->str == NULL)
		return cur_nomem(c);
	v->len = (size_t)n;
	c->pos = i + (size_t)n;
	return IMAP_PARSE_OK;
}

/* Where the atom starting at c->pos ends.  Atoms stop at space, parens,
 * quote, "{" and control bytes, and at "]" inside a response code
 * (elsewhere "]" is an ASTRING-CHAR).  A "[...]" inside (BODY[HEADER])
 * may hold anything but control bytes.  end+1 when a "[" is open. */
static size_t
atom_end(const struct cursor *c)
{
	size_t i;
	unsigned bracket = 0;

	for (i = c->pos; i < c->end; i++) {
		unsigned char ch = (unsigned char)c->b[i];

		if (ch < 0x20 || ch == 0x7f)
			break;
		if (bracket > 0) {
			if (ch == '[')
				bracket++;
			else if (ch == ']')
				bracket--;
			continue;
		}
		if (ch == ' ' || ch == '(' || ch == ')' || ch == '"' ||
		    ch == '{' || (ch == ']' && c->in_code))
			break;
		if (ch == '[')
			bracket++;
	}
	return bracket > 0 ? c->end + 1 : i;
}

static enum imap_parse_result
parse_atom(struct cursor *c, struct imap_value *v)
{
	size_t e = atom_end(c), n, i;

	if (e > c->end)
		return cur_fail(c, IMAP_PARSE_BAD,
				"unbalanced '[' in atom at byte %zu", c->pos);
	n = e - c->pos;
	if (n == 0)
		return cur_fail(c, IMAP_PARSE_BAD,
				"unexpected byte 0x%02x at byte %zu",
				(unsigned char)c->b[c->pos], c->pos);
	v->str = bytes_dup(c->b + c->pos, n);
	if (v->str == NULL)
		return cur_nomem(c);
	v->len = n;
	v->kind = IMAP_V_ATOM;
	for (i = 0; i < n && is_digit(v->str[i]); i++)
		;
	if (i == n && digits_value(v->str, n, UINT64_MAX, &v->num))
		v->kind = IMAP_V_NUMBER;
	else if (word_is(v->str, n, "NIL"))
		v->kind = IMAP_V_NIL;
	c->pos = e;
	return IMAP_PARSE_OK;
}

/* Items up to closer (')' or ']'), or to the end when closer is 0.
 * Items are separated by spaces, except that a list may follow a list
 * directly ("(...)(...)" in BODYSTRUCTURE). */
static enum imap_parse_result
parse_items(struct cursor *c, struct imap_value *list, unsigned depth,
	    char closer)
{
	bool first = true, prev_list = false, spaced;
	struct imap_value *v;
	enum imap_parse_result rc;

	for (;;) {
		spaced = skip_spaces(c);
		if (c->pos >= c->end) {
			if (closer == 0)
				return IMAP_PARSE_OK;
			return cur_fail(c, IMAP_PARSE_BAD, "missing '%c' at"
					" end of response", closer);
		}
		if (closer != 0 && c->b[c->pos] == closer) {
			c->pos++;
			return IMAP_PARSE_OK;
		}
		if (c->b[c->pos] == ')' || (c->in_code && c->b[c->pos] == ']'))
			return cur_fail(c, IMAP_PARSE_BAD, "unbalanced '%c' at"
					" byte %zu", c->b[c->pos], c->pos);
		if (!first && !spaced && !(prev_list && c->b[c->pos] == '('))
			return cur_fail(c, IMAP_PARSE_BAD, "missing space"
					" before byte %zu", c->pos);
		v = list_add(list);
		if (v == NULL)
			return cur_nomem(c);
		rc = parse_value(c, v, depth);
		if (rc != IMAP_PARSE_OK)
			return rc;
		prev_list = v->kind == IMAP_V_LIST;
		first = false;
	}
}

static enum imap_parse_result
parse_value(struct cursor *c, struct imap_value *v, unsigned depth)
{
	char ch = c->b[c->pos];

	c->items++;
	if (c->items > c->lim->items_max)
		return cur_fail(c, IMAP_PARSE_TOO_LARGE,
				"more than %u items in one response",
				c->lim->items_max);
	if (ch == '(') {
		if (depth >= c->lim->depth_max)
			return cur_fail(c, IMAP_PARSE_TOO_LARGE,
					"lists nested deeper than %u",
					c->lim->depth_max);
		v->kind = IMAP_V_LIST;
		c->pos++;
		return parse_items(c, v, depth + 1, ')');
	}
	if (ch == '"')
		return parse_quoted(c, v);
	if (ch == '{' || (ch == '~' && c->pos + 1 < c->end &&
			  c->b[c->pos + 1] == '{'))
		return parse_literal(c, v);
	return parse_atom(c, v);
}

static enum imap_code
code_lookup(const char *s, size_t n)
{
	int i;

	for (i = IMAP_CODE_ALERT; i < IMAP_CODE_COUNT; i++) {
		if (word_is(s, n, code_names[i]))
			return (enum imap_code)i;
	}
	return IMAP_CODE_UNKNOWN;
}

/* No code after all: the "[" at open starts the text. */
static enum imap_parse_result
no_code(struct cursor *c, struct imap_response *r, size_t open)
{
	value_free(&r->code);
	r->code.kind = IMAP_V_NIL;
	r->code_kind = IMAP_CODE_NONE;
	c->pos = open;
	return IMAP_PARSE_OK;
}

/* The code's arguments did not parse as values: keep them as one
 * string up to the closing "]", or, without one on this line, treat
 * the whole "[..." as text.  from is the first argument byte, open the
 * offset of "[". */
static enum imap_parse_result
code_fallback(struct cursor *c, struct imap_response *r, size_t open,
	      size_t from)
{
	size_t close = code_close(c->b, from, c->end);
	struct imap_value *v;

	while (r->code.n > 1) {
		r->code.n--;
		value_free(&r->code.items[r->code.n]);
	}
	c->err[0] = '\0';
	if (close >= c->end)
		return no_code(c, r, open);
	if (memchr(c->b + from, '\0', close - from) != NULL)
		return cur_fail(c, IMAP_PARSE_BAD,
				"NUL in response code at byte %zu", open);
	v = list_add(&r->code);
	if (v == NULL)
		return cur_nomem(c);
	v->kind = IMAP_V_STRING;
	v->str = bytes_dup(c->b + from, close - from);
	if (v->str == NULL)
		return cur_nomem(c);
	v->len = close - from;
	c->pos = close + 1;
	return IMAP_PARSE_OK;
}

/* "[NAME args]" at c->pos. */
static enum imap_parse_result
parse_code(struct cursor *c, struct imap_response *r)
{
	size_t open = c->pos, i = open + 1, n;
	struct imap_value *name;
	enum imap_parse_result rc;

	while (i < c->end && (unsigned char)c->b[i] > 0x20 &&
	       c->b[i] != 0x7f && strchr("[]()\"{", c->b[i]) == NULL)
		i++;
	n = i - (open + 1);
	if (n == 0)
		return no_code(c, r, open);
	r->code.kind = IMAP_V_LIST;
	name = list_add(&r->code);
	if (name == NULL)
		return cur_nomem(c);
	name->str = bytes_dup(c->b + open + 1, n);
	if (name->str == NULL)
		return cur_nomem(c);
	name->len = n;
	r->code_kind = code_lookup(name->str, n);
	if (i < c->end && c->b[i] == ']') {
		c->pos = i + 1;
		return IMAP_PARSE_OK;
	}
	if (i >= c->end || c->b[i] != ' ')
		return code_fallback(c, r, open, i);
	c->pos = i + 1;
	c->in_code = true;
	rc = parse_items(c, &r->code, 1, ']');
	c->in_code = false;
	if (rc == IMAP_PARSE_BAD)
		return code_fallback(c, r, open, i + 1);
	return rc;
}

/* Free text up to the end; no NUL, CR or LF. */
static enum imap_parse_result
parse_text(struct cursor *c, struct imap_response *r)
{
	size_t i, n = c->end - c->pos;

	for (i = c->pos; i < c->end; i++) {
		char ch = c->b[i];

		if (ch == '\0' || ch == '\r' || ch == '\n')
			return cur_fail(c, IMAP_PARSE_BAD,
					"%s in text at byte %zu",
					ch == '\0' ? "NUL" : "line break", i);
	}
	free(r->text);
	r->text = bytes_dup(c->b + c->pos, n);
	if (r->text == NULL)
		return cur_nomem(c);
	r->text_len = n;
	c->pos = c->end;
	return IMAP_PARSE_OK;
}

/* resp-text: an optional code, then text (possibly empty). */
static enum imap_parse_result
parse_resp_text(struct cursor *c, struct imap_response *r)
{
	enum imap_parse_result rc;

	skip_spaces(c);
	if (c->pos < c->end && c->b[c->pos] == '[') {
		rc = parse_code(c, r);
		if (rc != IMAP_PARSE_OK)
			return rc;
		skip_spaces(c);
	}
	return parse_text(c, r);
}

static enum imap_parse_result
parse_tag(struct cursor *c, struct imap_response *r)
{
	size_t i;

	for (i = 0; i < c->end && c->b[i] != ' '; i++) {
		unsigned char ch = (unsigned char)c->b[i];

		if (ch <= 0x20 || ch >= 0x7f || strchr("(){\"%", ch) != NULL ||
		    (ch == '*' && !(i == 0 && (c->end == 1 ||
					       c->b[1] == ' '))))
			return cur_fail(c, IMAP_PARSE_BAD,
					"byte 0x%02x in tag at byte %zu",
					ch, i);
	}
	if (i == 0)
		return cur_fail(c, IMAP_PARSE_BAD, "missing tag");
	if (i > IMAP_TAG_MAX)
		return cur_fail(c, IMAP_PARSE_BAD,
				"tag longer than %d bytes", IMAP_TAG_MAX);
	if (i >= c->end)
		return cur_fail(c, IMAP_PARSE_BAD,
				"response has nothing after its tag");
	memcpy(r->tag, c->b, i);
	r->tag[i] = '\0';
	c->pos = i;
	skip_spaces(c);
	return IMAP_PARSE_OK;
}

/* The keyword at c->pos, upper-cased into r->keyword; its length. */
static size_t
parse_keyword(struct cursor *c, struct imap_response *r)
{
	size_t n = kw_span(c->b, c->pos, c->end), i;

	for (i = 0; i < n && i < sizeof(r->keyword) - 1; i++)
		r->keyword[i] = ascii_upper(c->b[c->pos + i]);
	r->keyword[i] = '\0';
	c->pos += n;
	return n;
}

/* "* 23 EXISTS": the message number. */
static enum imap_parse_result
parse_msgno(struct cursor *c, struct imap_response *r)
{
	size_t from = c->pos;

	while (c->pos < c->end && is_digit(c->b[c->pos]))
		c->pos++;
	if (!digits_value(c->b + from, c->pos - from, NUM32_MAX, &r->number))
		return cur_fail(c, IMAP_PARSE_BAD,
				"number out of range at byte %zu", from);
	r->has_number = true;
	if (!skip_spaces(c))
		return cur_fail(c, IMAP_PARSE_BAD,
				"no space after number at byte %zu", c->pos);
	return IMAP_PARSE_OK;
}

static enum imap_parse_result
parse_untagged(struct cursor *c, struct imap_response *r)
{
	enum imap_parse_result rc;
	size_t n;

	r->kind = IMAP_RESP_UNTAGGED;
	if (c->pos < c->end && is_digit(c->b[c->pos])) {
		rc = parse_msgno(c, r);
		if (rc != IMAP_PARSE_OK)
			return rc;
	}
	n = parse_keyword(c, r);
	if (n == 0)
		return cur_fail(c, IMAP_PARSE_BAD,
				"missing response keyword at byte %zu",
				c->pos);
	if (!r->has_number)
		r->status = status_word(c->b + c->pos - n, n);
	if (r->status != IMAP_ST_NONE)
		return parse_resp_text(c, r);
	if (c->pos < c->end && c->b[c->pos] != ' ')
		return cur_fail(c, IMAP_PARSE_BAD,
				"unexpected byte 0x%02x after %s",
				(unsigned char)c->b[c->pos], r->keyword);
	return parse_items(c, &r->data, 0, 0);
}

static enum imap_parse_result
parse_tagged(struct cursor *c, struct imap_response *r)
{
	size_t n;

	r->kind = IMAP_RESP_TAGGED;
	n = parse_keyword(c, r);
	r->status = status_word(c->b + c->pos - n, n);
	if (r->status != IMAP_ST_OK && r->status != IMAP_ST_NO &&
	    r->status != IMAP_ST_BAD)
		return cur_fail(c, IMAP_PARSE_BAD,
				"tagged response is not OK, NO or BAD");
	return parse_resp_text(c, r);
}

static enum imap_parse_result
parse_response(struct cursor *c, struct imap_response *r)
{
	enum imap_parse_result rc;

	r->code.kind = IMAP_V_NIL;
	r->data.kind = IMAP_V_LIST;
	r->text = bytes_dup("", 0);
	if (r->text == NULL)
		return cur_nomem(c);
	if (c->end == 0)
		return cur_fail(c, IMAP_PARSE_BAD, "empty line");
	if (c->b[0] == '+') {
		r->kind = IMAP_RESP_CONTINUATION;
		strcpy(r->tag, "+");
		c->pos = 1;
		return parse_resp_text(c, r);
	}
	rc = parse_tag(c, r);
	if (rc != IMAP_PARSE_OK)
		return rc;
	if (strcmp(r->tag, "*") == 0)
		return parse_untagged(c, r);
	return parse_tagged(c, r);
}

/* The buffer holds a whole response: parse it into p->ready. */
static enum imap_parse_result
finish(struct imap_parser *p)
{
	struct imap_response *r = calloc(1, sizeof(*r));
	size_t term = 1;
	struct cursor c;
	enum imap_parse_result rc;

	if (r == NULL)
		return p_fail(p, IMAP_PARSE_NOMEM, "out of memory");
	if (p->len - p->seg_start >= 2 && p->buf[p->len - 2] == '\r')
		term = 2;
	memset(&c, 0, sizeof(c));
	c.b = p->buf;
	c.end = p->len - term;
	c.lim = &p->lim;
	c.err = p->err;
	rc = parse_response(&c, r);
	if (rc != IMAP_PARSE_OK) {
		imap_response_free(r);
		return set_failed(p, rc);
	}
	p->err[0] = '\0';
	p->buf[p->len] = '\0';
	r->raw = p->buf;
	r->raw_len = p->len;
	assembly_reset(p);
	p->ready = r;
	return IMAP_PARSE_OK;
}

enum imap_parse_result
imap_parser_feed(struct imap_parser *p, const char *buf, size_t len,
		 size_t *used)
{
	size_t off = 0;
	enum imap_parse_result rc = IMAP_PARSE_NEED_MORE;

	*used = 0;
	if (p->ready != NULL)
		return IMAP_PARSE_OK;
	if (p->state == AS_FAILED)
		return p->fail;
	while (off < len && rc == IMAP_PARSE_NEED_MORE) {
		if (p->state == AS_LITERAL)
			rc = feed_literal(p, buf, len, &off);
		else
			rc = feed_line(p, buf, len, &off);
	}
	*used = off;
	if (rc == IMAP_PARSE_OK)
		rc = finish(p);
	return rc;
}

/* Typed helpers ----------------------------------------------------- */

static bool
is_data(const struct imap_response *r, const char *keyword)
{
	return r->kind == IMAP_RESP_UNTAGGED && !r->has_number &&
	       strcmp(r->keyword, keyword) == 0;
}

void
imap_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Strings of n atoms (and numbers when numbers_ok), upper-cased when
 * upper.  0, or -1 for another kind of item or out of memory. */
static int
strv_from(const struct imap_value *items, size_t n, bool upper,
	  bool numbers_ok, char ***out, size_t *outn)
{
	char **v = calloc(n + 1, sizeof(*v));
	size_t i, j;

	if (v == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (items[i].kind != IMAP_V_ATOM &&
		    !(numbers_ok && items[i].kind == IMAP_V_NUMBER)) {
			imap_strv_free(v, i);
			return -1;
		}
		v[i] = bytes_dup(items[i].str, items[i].len);
		if (v[i] == NULL) {
			imap_strv_free(v, i);
			return -1;
		}
		for (j = 0; upper && j < items[i].len; j++)
			v[i][j] = ascii_upper(v[i][j]);
	}
	*out = v;
	*outn = n;
	return 0;
}

int
imap_resp_capabilities(const struct imap_response *r, char ***caps,
		       size_t *n)
{
	if (is_data(r, "CAPABILITY"))
		return strv_from(r->data.items, r->data.n, false, true, caps,
				 n);
	if (r->code_kind == IMAP_CODE_CAPABILITY && r->code.n >= 1)
		return strv_from(r->code.items + 1, r->code.n - 1, false, true,
				 caps, n);
	return 1;
}

int
imap_resp_enabled(const struct imap_response *r, char ***names, size_t *n)
{
	if (!is_data(r, "ENABLED"))
		return 1;
	return strv_from(r->data.items, r->data.n, true, true, names, n);
}

/* An astring (atom, number, string, or NIL spelling a name): true. */
static bool
is_astring(const struct imap_value *v)
{
	return v->kind != IMAP_V_LIST;
}

/* The delimiter of LIST: a one-byte string, or NIL. */
static int
list_delim(const struct imap_value *v, char *out)
{
	if (v->kind == IMAP_V_NIL) {
		*out = '\0';
		return 0;
	}
	if ((v->kind != IMAP_V_STRING && v->kind != IMAP_V_ATOM) ||
	    v->len != 1 || v->str[0] == '\0')
		return -1;
	*out = v->str[0];
	return 0;
}

int
imap_resp_list(const struct imap_response *r, struct imap_list_entry *out)
{
	const struct imap_value *d = r->data.items;
	struct imap_list_entry e;

	if (!is_data(r, "LIST") && !is_data(r, "LSUB") && !is_data(r, "XLIST"))
		return 1;
	memset(&e, 0, sizeof(e));
	e.ext.kind = IMAP_V_NIL;
	if (r->data.n < 3 || r->data.n > 4 || d[0].kind != IMAP_V_LIST ||
	    list_delim(&d[1], &e.delim) != 0 || !is_astring(&d[2]) ||
	    (r->data.n == 4 && d[3].kind != IMAP_V_LIST))
		return -1;
	strcpy(e.keyword, r->keyword);
	if (strv_from(d[0].items, d[0].n, false, false, &e.flags,
		      &e.n_flags) != 0)
		return -1;
	e.name = bytes_dup(d[2].str, d[2].len);
	e.name_len = d[2].len;
	if (e.name == NULL || (r->data.n == 4 &&
			       value_copy(&e.ext, &d[3]) != 0)) {
		imap_list_entry_free(&e);
		return -1;
	}
	*out = e;
	return 0;
}

void
imap_list_entry_free(struct imap_list_entry *e)
{
	imap_strv_free(e->flags, e->n_flags);
	free(e->name);
	value_free(&e->ext);
	memset(e, 0, sizeof(*e));
	e->ext.kind = IMAP_V_NIL;
}

/* One "NAME number" pair of STATUS into *si; unknown names are
 * skipped.  0 or -1. */
static int
status_pair(const struct imap_value *k, const struct imap_value *v,
	    struct imap_status_info *si)
{
	int i;

	if (k->kind != IMAP_V_ATOM)
		return -1;
	for (i = 0; i < IMAP_SI_COUNT; i++) {
		if (!word_is(k->str, k->len, status_item_table[i].name))
			continue;
		if (v->kind != IMAP_V_NUMBER ||
		    (!status_item_table[i].wide && v->num > NUM32_MAX))
			return -1;
		si->has[i] = true;
		si->value[i] = v->num;
	}
	return 0;
}

int
imap_resp_status(const struct imap_response *r,
		 struct imap_status_info *out)
{
	const struct imap_value *d = r->data.items, *a;
	struct imap_status_info si;
	size_t i;

	if (!is_data(r, "STATUS"))
		return 1;
	if (r->data.n != 2 || !is_astring(&d[0]) ||
	    d[1].kind != IMAP_V_LIST || d[1].n % 2 != 0)
		return -1;
	memset(&si, 0, sizeof(si));
	a = d[1].items;
	for (i = 0; i < d[1].n; i += 2) {
		if (status_pair(&a[i], &a[i + 1], &si) != 0)
			return -1;
	}
	si.name = bytes_dup(d[0].str, d[0].len);
	if (si.name == NULL)
		return -1;
	si.name_len = d[0].len;
	*out = si;
	return 0;
}

void
imap_status_info_free(struct imap_status_info *si)
{
	free(si->name);
	memset(si, 0, sizeof(*si));
}

/* A flag list into *v / *n, replacing what was there. */
static int
replace_flags(const struct imap_value *list, char ***v, size_t *n)
{
	char **nv;
	size_t nn;

	if (list->kind != IMAP_V_LIST ||
	    strv_from(list->items, list->n, false, false, &nv, &nn) != 0)
		return -1;
	imap_strv_free(*v, *n);
	*v = nv;
	*n = nn;
	return 0;
}

/* The number argument of a code, at most max. */
static int
code_number(const struct imap_response *r, uint64_t max, uint64_t *out)
{
	if (r->code.n != 2 || r->code.items[1].kind != IMAP_V_NUMBER ||
	    r->code.items[1].num > max)
		return -1;
	*out = r->code.items[1].num;
	return 0;
}

/* A uint32_t code value into *dst, setting *has. */
static int
code_u32(const struct imap_response *r, uint32_t *dst, bool *has)
{
	uint64_t v;

	if (code_number(r, NUM32_MAX, &v) != 0)
		return -1;
	*dst = (uint32_t)v;
	*has = true;
	return 0;
}

static int
mailbox_code(const struct imap_response *r, struct imap_mailbox_info *mi)
{
	switch (r->code_kind) {
	case IMAP_CODE_UIDVALIDITY:
		return code_u32(r, &mi->uidvalidity, &mi->has_uidvalidity);
	case IMAP_CODE_UIDNEXT:
		return code_u32(r, &mi->uidnext, &mi->has_uidnext);
	case IMAP_CODE_UNSEEN:
		return code_u32(r, &mi->unseen, &mi->has_unseen);
	case IMAP_CODE_HIGHESTMODSEQ:
		if (code_number(r, UINT64_MAX, &mi->highestmodseq) != 0)
			return -1;
		mi->has_highestmodseq = true;
		return 0;
	case IMAP_CODE_NOMODSEQ:
		mi->nomodseq = true;
		return 0;
	case IMAP_CODE_READ_ONLY:
		mi->access = IMAP_ACCESS_READ_ONLY;
		return 0;
	case IMAP_CODE_READ_WRITE:
		mi->access = IMAP_ACCESS_READ_WRITE;
		return 0;
	case IMAP_CODE_PERMANENTFLAGS:
		if (r->code.n != 2 || replace_flags(&r->code.items[1],
						    &mi->permflags,
						    &mi->n_permflags) != 0)
			return -1;
		mi->has_permflags = true;
		return 0;
	default:
		return 1;
	}
}

int
imap_resp_mailbox(const struct imap_response *r,
		  struct imap_mailbox_info *mi)
{
	bool exists;

	if (r->kind == IMAP_RESP_UNTAGGED && r->has_number) {
		exists = strcmp(r->keyword, "EXISTS") == 0;
		if (!exists && strcmp(r->keyword, "RECENT") != 0)
			return 1;
		if (r->data.n != 0)
			return -1;
		if (exists) {
			mi->exists = (uint32_t)r->number;
			mi->has_exists = true;
		} else {
			mi->recent = (uint32_t)r->number;
			mi->has_recent = true;
		}
		return 0;
	}
	if (is_data(r, "FLAGS")) {
		if (r->data.n != 1 || replace_flags(&r->data.items[0],
						    &mi->flags,
						    &mi->n_flags) != 0)
			return -1;
		mi->has_flags = true;
		return 0;
	}
	if (r->status == IMAP_ST_NONE)
		return 1;
	return mailbox_code(r, mi);
}

void
imap_mailbox_info_free(struct imap_mailbox_info *mi)
{
	imap_strv_free(mi->flags, mi->n_flags);
	imap_strv_free(mi->permflags, mi->n_permflags);
	memset(mi, 0, sizeof(*mi));
}

void
imap_id_free(struct imap_id_field *fields, size_t n)
{
	size_t i;

	if (fields == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(fields[i].key);
		free(fields[i].value);
	}
	free(fields);
}

/* One key/value pair of ID into *f. */
static int
id_field(const struct imap_value *k, const struct imap_value *v,
	 struct imap_id_field *f)
{
	if (k->kind == IMAP_V_LIST || k->kind == IMAP_V_NIL ||
	    v->kind == IMAP_V_LIST)
		return -1;
	f->key = bytes_dup(k->str, k->len);
	if (f->key == NULL)
		return -1;
	if (v->kind == IMAP_V_NIL)
		return 0;
	f->value = bytes_dup(v->str, v->len);
	return f->value != NULL ? 0 : -1;
}

int
imap_resp_id(const struct imap_response *r, struct imap_id_field **fields,
	     size_t *n)
{
	const struct imap_value *d = r->data.items;
	struct imap_id_field *f;
	size_t i, count;

	if (!is_data(r, "ID"))
		return 1;
	if (r->data.n != 1 ||
	    (d[0].kind != IMAP_V_NIL && d[0].kind != IMAP_V_LIST) ||
	    d[0].n % 2 != 0)
		return -1;
	count = d[0].n / 2;
	f = calloc(count + 1, sizeof(*f));
	if (f == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		if (id_field(&d[0].items[2 * i], &d[0].items[2 * i + 1],
			     &f[i]) != 0) {
			imap_id_free(f, i + 1);
			return -1;
		}
	}
	if (count == 0) {
		free(f);
		f = NULL;
	}
	*fields = f;
	*n = count;
	return 0;
}

bool
imap_resp_is_bye(const struct imap_response *r)
{
	return r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_BYE;
}
