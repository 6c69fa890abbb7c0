/* oautherr.c - an OAuth 2.0 SASL error challenge (RFC 7628 3.2.2):
 * base64, one flat JSON object, what its status means and the hint. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "escape.h"
#include "names.h"
#include "oautherr.h"

#define NAME_MAX_BYTES 64	/* bytes kept of a member's name */
#define SHOWN_MAX 200		/* bytes of a value as shown, escaped */
#define LINE_MAX_BYTES 2048	/* a summary or hint before it is cut */

/* ---- base64 ---- */

/* Decode len bytes of base64 into out (at least len / 4 * 3 + 3 bytes).
 * Padding is optional but, when present, must make a whole quantum;
 * the bits a short quantum leaves over must be zero (one spelling per
 * byte string).  Returns the decoded length, or -1. */
static long
b64_decode(const char *in, size_t len, unsigned char *out)
{
	size_t n = len, o = 0;
	uint32_t acc = 0;
	size_t syms = 0;

	while (n > 0 && in[n - 1] == '=' && len - n < 2)
		n--;
	if (n < len && len % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)in[i], '/');

		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		if (++syms == 4) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			syms = 0;
		}
	}
	if (syms == 1)
		return -1;
	if (syms == 2) {
		if ((acc & 0x0f) != 0)
			return -1;
		out[o++] = (unsigned char)(acc >> 4);
	} else if (syms == 3) {
		if ((acc & 0x03) != 0)
			return -1;
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	return (long)o;
}

/* ---- the JSON object ---- */

struct cursor {
	const char *p;
	size_t len;
	size_t pos;
};

/* Where a string's decoded bytes go: cap bytes with room for a NUL;
 * characters that do not fit are counted but dropped. */
struct sink {
	char *buf;
	size_t cap;
	size_t len;
	bool truncated;
};

static void
skip_ws(struct cursor *c)
{
	while (c->pos < c->len && (c->p[c->pos] == ' ' || c->p[c->pos] == '\t'
				   || c->p[c->pos] == '\n'
				   || c->p[c->pos] == '\r'))
		c->pos++;
}

static int
peek(const struct cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->p[c->pos] : -1;
}

/* Append one whole character (n bytes) or drop it and all after it. */
static void
sink_put(struct sink *s, const char *ch, size_t n)
{
	if (s->truncated || s->len + n >= s->cap) {
		s->truncated = true;
		return;
	}
	memcpy(s->buf + s->len, ch, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void
sink_put_cp(struct sink *s, uint32_t cp)
{
	char u[4];

	sink_put(s, u, escape_utf8_encode(cp, u));
}

/* Four hex digits at the cursor; -1 when they are not. */
static long
hex4(struct cursor *c)
{
	long v = 0;

	if (c->len - c->pos < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int ch = (unsigned char)c->p[c->pos++];
		int d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* \uXXXX after the "\u" (a surrogate pair as two of them): the code
 * point, or -1 for bad hex, U+0000 or a lone surrogate. */
static long
unicode_escape(struct cursor *c)
{
	long hi = hex4(c), lo;

	if (hi <= 0 || (hi >= 0xdc00 && hi <= 0xdfff))
		return -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return hi;
	if (c->len - c->pos < 2 || c->p[c->pos] != '\\'
	    || c->p[c->pos + 1] != 'u')
		return -1;
	c->pos += 2;
	lo = hex4(c);
	if (lo < 0xdc00 || lo > 0xdfff)
		return -1;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* One escape after the backslash; -1 when it is not a JSON escape. */
static int
string_escape(struct cursor *c, struct sink *s)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	long cp;

	if (c->pos == c->len)
		return -1;
	if (c->p[c->pos] == 'u') {
		c->pos++;
		cp = unicode_escape(c);
		if (cp < 0)
			return -1;
		sink_put_cp(s, (uint32_t)cp);
		return 0;
	}
	hit = memchr(from, c->p[c->pos], sizeof(from) - 1);
	if (hit == NULL)
		return -1;
	sink_put(s, &to[hit - from], 1);
	c->pos++;
	return 0;
}

/* A string at the cursor (on its opening quote) into s. */
static int
parse_string(struct cursor *c, struct sink *s)
{
	c->pos++;
	for (;;) {
		uint32_t cp;
		size_t n;
		unsigned char ch;

		if (c->pos == c->len)
			return -1;
		ch = (unsigned char)c->p[c->pos];
		if (ch == '"') {
			c->pos++;
			return 0;
		}
		if (ch == '\\') {
			c->pos++;
			if (string_escape(c, s) != 0)
				return -1;
			continue;
		}
		if (ch < 0x20)
			return -1;
		n = escape_utf8_decode(c->p + c->pos, c->len - c->pos, &cp);
		if (n == 0)
			return -1;
		sink_put(s, c->p + c->pos, n);
		c->pos += n;
	}
}

static size_t
digits(struct cursor *c)
{
	size_t start = c->pos;

	while (c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '9')
		c->pos++;
	return c->pos - start;
}

/* A number as RFC 8259 spells it; its text goes into s. */
static int
parse_number(struct cursor *c, struct sink *s)
{
	size_t start = c->pos, n;

	if (peek(c) == '-')
		c->pos++;
	n = digits(c);
	if (n == 0 || (n > 1 && c->p[c->pos - n] == '0'))
		return -1;
	if (peek(c) == '.') {
		c->pos++;
		if (digits(c) == 0)
			return -1;
	}
	if (peek(c) == 'e' || peek(c) == 'E') {
		c->pos++;
		if (peek(c) == '+' || peek(c) == '-')
			c->pos++;
		if (digits(c) == 0)
			return -1;
	}
	for (size_t i = start; i < c->pos; i++)
		sink_put(s, c->p + i, 1);
	return 0;
}

static int
parse_literal(struct cursor *c, struct sink *s)
{
	static const char *const words[] = { "true", "false", "null" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		if (c->len - c->pos >= n
		    && memcmp(c->p + c->pos, words[i], n) == 0) {
			sink_put(s, words[i], n);
			c->pos += n;
			return 0;
		}
	}
	return -1;
}

/* A member's value at the cursor, its text into s. */
static enum oautherr_error
parse_value(struct cursor *c, struct sink *s)
{
	int ch = peek(c);
	int rc;

	if (ch == '{' || ch == '[')
		return OAUTHERR_NESTED;
	if (ch == '"')
		rc = parse_string(c, s);
	else if (ch == '-' || (ch >= '0' && ch <= '9'))
		rc = parse_number(c, s);
	else
		rc = parse_literal(c, s);
	return rc == 0 ? OAUTHERR_OK : OAUTHERR_BAD_JSON;
}

static struct oautherr_value *
known_value(struct oautherr *e, const struct sink *name)
{
	static const struct {
		const char *name;
		size_t off;
	} known[] = {
		{ "status", offsetof(struct oautherr, status) },
		{ "schemes", offsetof(struct oautherr, schemes) },
		{ "scope", offsetof(struct oautherr, scope) },
		{ "openid-configuration", offsetof(struct oautherr, openid) },
	};

	if (name->truncated)
		return NULL;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(name->buf, known[i].name) == 0)
			return (struct oautherr_value *)((char *)e
							 + known[i].off);
	return NULL;
}

/* One "name": value pair at the cursor, kept when the name is known
 * and not seen before. */
static enum oautherr_error
parse_member(struct cursor *c, struct oautherr *e)
{
	char name[NAME_MAX_BYTES], scratch[OAUTHERR_VALUE_MAX];
	struct sink ns = { name, sizeof(name), 0, false };
	struct sink vs = { scratch, sizeof(scratch), 0, false };
	struct oautherr_value *v;
	enum oautherr_error err;

	name[0] = '\0';
	scratch[0] = '\0';
	if (peek(c) != '"' || parse_string(c, &ns) != 0)
		return OAUTHERR_BAD_JSON;
	skip_ws(c);
	if (peek(c) != ':')
		return OAUTHERR_BAD_JSON;
	c->pos++;
	skip_ws(c);
	err = parse_value(c, &vs);
	if (err != OAUTHERR_OK)
		return err;
	v = known_value(e, &ns);
	if (v == NULL)
		return OAUTHERR_OK;
	if (v->present) {
		e->duplicate = true;
		return OAUTHERR_OK;
	}
	v->present = true;
	v->truncated = vs.truncated;
	v->len = vs.len;
	memcpy(v->text, scratch, vs.len + 1);
	return OAUTHERR_OK;
}

/* The object's members, the cursor just inside its "{". */
static enum oautherr_error
parse_members(struct cursor *c, struct oautherr *e)
{
	size_t count = 0;

	skip_ws(c);
	if (peek(c) == '}') {
		c->pos++;
		return OAUTHERR_OK;
	}
	for (;;) {
		enum oautherr_error err;

		if (++count > OAUTHERR_MEMBERS_MAX)
			return OAUTHERR_TOO_MANY;
		err = parse_member(c, e);
		if (err != OAUTHERR_OK)
			return err;
		skip_ws(c);
		if (peek(c) == '}') {
			c->pos++;
			return OAUTHERR_OK;
		}
		if (peek(c) != ',')
			return OAUTHERR_BAD_JSON;
		c->pos++;
		skip_ws(c);
	}
}

/* Whether v, whole, is the HTTP code or the RFC 6750 error code,
 * without regard to case. */
static bool
status_is(const struct oautherr_value *v, const char *code, const char *err)
{
	return !v->truncated && (strcasecmp(v->text, code) == 0
				 || strcasecmp(v->text, err) == 0);
}

static enum oautherr_reason
reason_of(const struct oautherr_value *status)
{
	/* RFC 6750 section 3.1 pairs each error code with its HTTP
	 * status; Google's XOAUTH2 sends the number, RFC 7628 the code. */
	if (!status->present)
		return OAUTHERR_REASON_UNKNOWN;
	if (status_is(status, "401", "invalid_token"))
		return OAUTHERR_REASON_TOKEN;
	if (status_is(status, "403", "insufficient_scope"))
		return OAUTHERR_REASON_SCOPE;
	if (status_is(status, "400", "invalid_request"))
		return OAUTHERR_REASON_REQUEST;
	return OAUTHERR_REASON_UNKNOWN;
}

/* Whether ch can start a JSON value other than an object. */
static bool
starts_value(int ch)
{
	return ch == '[' || ch == '"' || ch == '-' || (ch >= '0' && ch <= '9')
	       || ch == 't' || ch == 'f' || ch == 'n';
}

enum oautherr_error
oautherr_parse_json(struct oautherr *e, const char *json, size_t len)
{
	struct cursor c = { json, len, 0 };
	enum oautherr_error err;

	memset(e, 0, sizeof(*e));
	if (len == 0)
		return OAUTHERR_EMPTY;
	if (len > OAUTHERR_JSON_MAX)
		return OAUTHERR_TOO_LONG;
	skip_ws(&c);
	if (peek(&c) != '{')
		return starts_value(peek(&c)) ? OAUTHERR_NOT_OBJECT :
		       OAUTHERR_BAD_JSON;
	c.pos++;
	err = parse_members(&c, e);
	skip_ws(&c);
	if (err == OAUTHERR_OK && c.pos != c.len)
		err = OAUTHERR_BAD_JSON;
	if (err != OAUTHERR_OK) {
		memset(e, 0, sizeof(*e));
		return err;
	}
	e->reason = reason_of(&e->status);
	return OAUTHERR_OK;
}

enum oautherr_error
oautherr_decode(struct oautherr *e, const char *b64, size_t len)
{
	unsigned char json[OAUTHERR_INPUT_MAX / 4 * 3 + 3];
	long n;

	memset(e, 0, sizeof(*e));
	if (len == 0)
		return OAUTHERR_EMPTY;
	if (len > OAUTHERR_INPUT_MAX)
		return OAUTHERR_TOO_LONG;
	n = b64_decode(b64, len, json);
	if (n < 0)
		return OAUTHERR_BAD_BASE64;
	return oautherr_parse_json(e, (const char *)json, (size_t)n);
}

const char *
oautherr_strerror(enum oautherr_error err)
{
	static const char *const names[] = {
		[OAUTHERR_OK] = "ok",
		[OAUTHERR_EMPTY] = "empty challenge",
		[OAUTHERR_TOO_LONG] = "challenge too long",
		[OAUTHERR_BAD_BASE64] = "invalid base64",
		[OAUTHERR_NOT_OBJECT] = "JSON but not an object",
		[OAUTHERR_NESTED] = "nested JSON value",
		[OAUTHERR_TOO_MANY] = "too many JSON members",
		[OAUTHERR_BAD_JSON] = "invalid JSON",
	};

	return NAMES_GET(names, err, "unknown error");
}

const char *
oautherr_reason_name(enum oautherr_reason r)
{
	switch (r) {
	case OAUTHERR_REASON_TOKEN:
		return "token";
	case OAUTHERR_REASON_SCOPE:
		return "scope";
	case OAUTHERR_REASON_REQUEST:
		return "request";
	case OAUTHERR_REASON_UNKNOWN:
		break;
	}
	return "unknown";
}

/* ---- the lines people read ---- */

/* Copy line (len bytes, valid UTF-8 and printable) into out, cut after
 * a whole character with "..." when it does not fit. */
static size_t
put_line(const char *line, size_t len, char *out, size_t cap)
{
	size_t n;

	if (cap == 0)
		return 0;
	if (len < cap) {
		memcpy(out, line, len + 1);
		return len;
	}
	n = cap > 4 ? cap - 4 : 0;
	while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, line, n);
	memcpy(out + n, "...", cap - 1 - n < 3 ? cap - 1 - n : 3);
	n += cap - 1 - n < 3 ? cap - 1 - n : 3;
	out[n] = '\0';
	return n;
}

/* The value escaped for a terminal, "..." after a cut one. */
static void
shown(const struct oautherr_value *v, char out[SHOWN_MAX])
{
	size_t n = escape_text(v->text, v->len, out, SHOWN_MAX);

	if (v->truncated && n + 3 < SHOWN_MAX)
		memcpy(out + n, "...", 4);
}

size_t
oautherr_summary(const struct oautherr *e, char *out, size_t cap)
{
	const struct {
		const char *label;
		const struct oautherr_value *v;
	} rows[] = {
		{ "status", &e->status },
		{ "schemes", &e->schemes },
		{ "scope", &e->scope },
		{ "openid-configuration", &e->openid },
	};
	char line[LINE_MAX_BYTES], val[SHOWN_MAX];
	size_t len = 0;
	int n;

	line[0] = '\0';
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!rows[i].v->present)
			continue;
		shown(rows[i].v, val);
		n = snprintf(line + len, sizeof(line) - len, "%s%s \"%s\"",
			     len > 0 ? ", " : "", rows[i].label, val);
		if (n > 0)
			len += (size_t)n;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	if (len == 0)
		len = (size_t)snprintf(line, sizeof(line), "no members");
	return put_line(line, len, out, cap);
}

/* The hint's clause about the scope the server names, or "". */
static void
scope_clause(const struct oautherr *e, const char *lead, char *out,
	     size_t cap)
{
	char val[SHOWN_MAX];

	out[0] = '\0';
	if (!e->scope.present || e->scope.len == 0)
		return;
	shown(&e->scope, val);
	snprintf(out, cap, "%s\"%s\"", lead, val);
}

/*
 * A token issued for another account than the user named has no
 * status of its own in any document: RFC 6750 section 3.1 offers
 * invalid_request (400: the request is malformed or has a bad
 * parameter), invalid_token (401: "expired, revoked, malformed, or
 * invalid for other reasons") and insufficient_scope (403); RFC 7628
 * section 3.1 makes the user (authzid) a parameter of the request, and
 * Google's XOAUTH2 page documents only the 401 challenge.  So 400 is
 * read as the request's parameters being wrong, of which a user name
 * that does not match the token's account is the usual one, and 401
 * as the token itself being refused; a token for another account may
 * still come back as 401, which the 401 hint cannot tell apart.
 */
size_t
oautherr_hint(const struct oautherr *e, const char *user, char *out,
	      size_t cap)
{
	char line[LINE_MAX_BYTES], status[SHOWN_MAX], scope[SHOWN_MAX + 64];
	char who[SHOWN_MAX + 4];
	int n = 0;

	shown(&e->status, status);
	who[0] = '\0';
	if (user != NULL && user[0] != '\0') {
		char u[SHOWN_MAX];

		escape_text(user, strlen(user), u, sizeof(u));
		snprintf(who, sizeof(who), " \"%s\"", u);
	}
	switch (e->reason) {
	case OAUTHERR_REASON_TOKEN:
		scope_clause(e, ", issued with the scope ", scope,
			     sizeof(scope));
		n = snprintf(line, sizeof(line), "the server refused the "
			     "OAuth token (status \"%s\"): it has expired, was "
			     "revoked or is not an access token; get a fresh "
			     "one (the token command's first line must be a "
			     "current access token%s)", status, scope);
		break;
	case OAUTHERR_REASON_SCOPE:
		scope_clause(e, "; the server asks for ", scope,
			     sizeof(scope));
		n = snprintf(line, sizeof(line), "the OAuth token lacks the "
			     "mail scope (status \"%s\")%s: get a token issued "
			     "with that scope", status,
			     scope[0] != '\0' ? scope :
			     "; the provider documents which");
		break;
	case OAUTHERR_REASON_REQUEST:
		n = snprintf(line, sizeof(line), "the server refused the "
			     "OAuth request itself (status \"%s\"): check that "
			     "the user%s is the account the token was issued "
			     "for", status, who);
		break;
	case OAUTHERR_REASON_UNKNOWN:
		n = snprintf(line, sizeof(line), "the server refused the "
			     "OAuth login (%s%s%s): check that the token is "
			     "current, carries the mail scope and was issued "
			     "for the user%s",
			     e->status.present ? "status \"" : "no status",
			     e->status.present ? status : "",
			     e->status.present ? "\"" : "", who);
		break;
	}
	if (n < 0)
		n = 0;
	return put_line(line, (size_t)n < sizeof(line) ? (size_t)n :
			sizeof(line) - 1, out, cap);
}
