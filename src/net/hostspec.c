/* hostspec.c - parse every host form of make-imap-connection. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "hostspec.h"
#include "idna.h"

#define NAME_MAX_LEN 253	/* a DNS name without its trailing dot */
#define LABEL_MAX_LEN 63
#define ZONE_MAX_LEN 64
#define V6_TEXT_MAX 45		/* INET6_ADDRSTRLEN - 1 */
#define PORT_MAX 65535u
#define DEPTH_MAX 100u
#define IPV4_INT_MAX 4294967295ull
#define SHOW_MAX 40		/* characters of input shown in a message */
#define WINDOW 64		/* bytes of input quoted by the formatter */

/* One parse: the input, how far it has got, and where results go. */
struct parser {
	const char *text;
	size_t end;		/* parsing stops here (no trailing space) */
	size_t pos;
	struct endpoint *ep;
	struct hostspec_error *err;
	unsigned seen;		/* keywords given so far, one bit each */
};

/* A value after a keyword: a string (contents, escapes not yet
 * decoded) or a token (symbol, keyword, number); OTHER is anything
 * else, such as a nested list. */
enum value_type {
	VAL_STRING,
	VAL_TOKEN,
	VAL_OTHER
};

struct value {
	enum value_type type;
	size_t pos;		/* first byte: the quote or the token */
	size_t start, end;	/* contents of a string, or the token */
};

struct keyword;
typedef int (*keyword_fn)(struct parser *, const struct keyword *,
			  const struct value *);

/* A keyword of the list form; string keywords say where in tls. */
struct keyword {
	const char *name;
	keyword_fn set;
	size_t offset;		/* of the field in struct tls_opts */
	size_t cap;		/* its size */
	bool secret;		/* never quoted, control bytes allowed */
};

/* Appends to a fixed buffer, always NUL-terminated, dropping what
 * does not fit. */
struct out {
	char *buf;
	size_t cap;
	size_t n;
};

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- characters ---------------------------------------------------- */

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

static bool
is_delim(unsigned char c)
{
	return is_space(c) || c == '(' || c == ')' || c == '"' || c == '\'';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned
hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

static bool
is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool
is_name_char(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

/* ---- output buffers and quoting ------------------------------------ */

static void
out_char(struct out *o, char c)
{
	if (o->cap == 0 || o->n + 1 >= o->cap)
		return;
	o->buf[o->n++] = c;
	o->buf[o->n] = '\0';
}

static void
out_str(struct out *o, const char *s)
{
	while (*s != '\0')
		out_char(o, *s++);
}

/* A byte as shown to people: printable ASCII as is, else \xNN. */
static void
out_byte(struct out *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	if (c >= 0x20 && c < 0x7f) {
		out_char(o, (char)c);
		return;
	}
	out_str(o, "\\x");
	out_char(o, hex[c >> 4]);
	out_char(o, hex[c & 15]);
}

/* text[s..e) escaped, cut with "..." after about SHOW_MAX bytes. */
static void
show_span(const char *text, size_t s, size_t e, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	size_t i;

	buf[0] = '\0';
	for (i = s; i < e && o.n < SHOW_MAX; i++)
		out_byte(&o, (unsigned char)text[i]);
	if (i < e)
		out_str(&o, "...");
}

/* A byte quoted for a message: 'x' or \xNN. */
static void
show_char(unsigned char c, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };

	buf[0] = '\0';
	if (c >= 0x20 && c < 0x7f) {
		out_char(&o, '\'');
		out_char(&o, (char)c);
		out_char(&o, '\'');
	} else {
		out_byte(&o, c);
	}
}

/* ---- errors and small scanners ------------------------------------- */

static int
fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	p->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
fail_char(struct parser *p, size_t pos, const char *where)
{
	char c[8];

	show_char((unsigned char)p->text[pos], c, sizeof(c));
	return fail(p, pos, "invalid character %s in %s", c, where);
}

static void
skip_space(struct parser *p)
{
	while (p->pos < p->end && is_space((unsigned char)p->text[p->pos]))
		p->pos++;
}

/* First position in [s, e) holding c, or e. */
static size_t
find_char(const char *text, size_t s, size_t e, char c)
{
	for (size_t i = s; i < e; i++)
		if (text[i] == c)
			return i;
	return e;
}

static size_t
token_end(const char *text, size_t s, size_t e)
{
	while (s < e && !is_delim((unsigned char)text[s]))
		s++;
	return s;
}

/* Decimal digits [s, e) into *out, saturating at cap + 1.  False if
 * the span is empty or holds anything but digits. */
static bool
parse_decimal(const char *text, size_t s, size_t e,
	      unsigned long long cap, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == e)
		return false;
	for (size_t i = s; i < e; i++) {
		if (!is_digit((unsigned char)text[i]))
			return false;
		if (v <= cap)
			v = v * 10 + (unsigned)(text[i] - '0');
	}
	*out = v > cap ? cap + 1 : v;
	return true;
}

static bool
span_equals(const char *text, size_t s, size_t e, const char *word)
{
	size_t n = strlen(word);

	return e - s == n && strncasecmp(text + s, word, n) == 0;
}

static void
copy_span(char *dst, const char *text, size_t s, size_t e)
{
	memcpy(dst, text + s, e - s);
	dst[e - s] = '\0';
}

/* ---- ports and addresses ------------------------------------------- */

static int
parse_port(struct parser *p, size_t s, size_t e)
{
	unsigned long long v;

	if (!parse_decimal(p->text, s, e, PORT_MAX, &v) || v == 0 ||
	    v > PORT_MAX)
		return fail(p, s, "port must be a number 1-65535");
	p->ep->port = (uint16_t)v;
	return 0;
}

static int
ipv4_integer(struct parser *p, size_t s, size_t e)
{
	unsigned long long v;
	unsigned long a;

	if (e - s > 1 && p->text[s] == '0')
		return fail(p, s, "leading zero in an integer IPv4 address "
			    "(some programs read it as octal)");
	if (!parse_decimal(p->text, s, e, IPV4_INT_MAX, &v) ||
	    v > IPV4_INT_MAX)
		return fail(p, s, "an IPv4 address as an integer must be "
			    "0-4294967295");
	a = (unsigned long)v;
	snprintf(p->ep->host, sizeof(p->ep->host), "%lu.%lu.%lu.%lu",
		 (a >> 24) & 255, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	p->ep->kind = ADDR_IPV4;
	return 0;
}

static int
ipv4_part(struct parser *p, size_t s, size_t e)
{
	unsigned long long v;

	if (s == e)
		return fail(p, s, "empty part in IPv4 address");
	if (e - s > 1 && p->text[s] == '0')
		return fail(p, s, "leading zero in IPv4 address part "
			    "(some programs read it as octal)");
	if (!parse_decimal(p->text, s, e, 255, &v) || v > 255)
		return fail(p, s, "IPv4 address part must be 0-255");
	return 0;
}

/* [s, e) holds only digits and dots. */
static int
ipv4_dotted(struct parser *p, size_t s, size_t e)
{
	size_t part = s;
	int parts = 0;

	for (size_t i = s; i <= e; i++) {
		if (i < e && p->text[i] != '.')
			continue;
		if (ipv4_part(p, part, i) != 0)
			return -1;
		if (++parts == 4 && i < e)
			return fail(p, i, "IPv4 address has more than 4 "
				    "parts");
		part = i + 1;
	}
	if (parts != 4)
		return fail(p, e, "IPv4 address must have 4 parts, "
			    "like 192.0.2.7");
	copy_span(p->ep->host, p->text, s, e);
	p->ep->kind = ADDR_IPV4;
	return 0;
}

static int
v6_zone(struct parser *p, size_t s, size_t e)
{
	if (s == e)
		return fail(p, s, "empty IPv6 zone after '%%'");
	for (size_t i = s; i < e; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (i - s == ZONE_MAX_LEN)
			return fail(p, i, "IPv6 zone longer than %d "
				    "characters", ZONE_MAX_LEN);
		if (!is_name_char(c) && c != '.')
			return fail_char(p, i, "IPv6 zone");
	}
	return 0;
}

/* An IPv6 address [s, e), maybe with a zone.  In a URL the zone is
 * introduced by "%25" (RFC 6874), elsewhere by '%'. */
static int
ipv6(struct parser *p, size_t s, size_t e, bool url)
{
	char addr[V6_TEXT_MAX + 1];
	struct in6_addr a6;
	size_t pct = find_char(p->text, s, e, '%');
	size_t zone = pct + 1;

	for (size_t i = s; i < pct; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (!is_hex(c) && c != ':' && c != '.')
			return fail_char(p, i, "IPv6 address");
	}
	if (pct - s > V6_TEXT_MAX)
		return fail(p, s, "not a valid IPv6 address (too long)");
	copy_span(addr, p->text, s, pct);
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return fail(p, s, "not a valid IPv6 address");
	if (pct < e && url) {
		if (e - pct < 3 || p->text[pct + 1] != '2' ||
		    p->text[pct + 2] != '5')
			return fail(p, pct, "an IPv6 zone in a URL is written "
				    "%%25zone");
		zone = pct + 3;
	}
	if (pct < e && v6_zone(p, zone, e) != 0)
		return -1;
	snprintf(p->ep->host, sizeof(p->ep->host), "%s", addr);
	if (pct < e) {
		size_t n = strlen(p->ep->host);

		p->ep->host[n++] = '%';
		copy_span(p->ep->host + n, p->text, zone, e);
	}
	p->ep->kind = ADDR_IPV6;
	return 0;
}

/* "[v6]" starting at s, the ']' before e; *after is past the ']'. */
static int
ipv6_bracketed(struct parser *p, size_t s, size_t e, bool url,
	       size_t *after)
{
	size_t close = find_char(p->text, s + 1, e, ']');

	if (close == e)
		return fail(p, e, "missing ']' after the IPv6 address");
	if (close == s + 1)
		return fail(p, close, "expected an IPv6 address in brackets");
	if (ipv6(p, s + 1, close, url) != 0)
		return -1;
	*after = close + 1;
	return 0;
}

/* Rejects names that inet_aton() would take for an address, such as
 * 0x7f.1, so that every program reads the host the same way. */
static int
name_not_numeric(struct parser *p, size_t s)
{
	struct in_addr a4;

	if (inet_aton(p->ep->host, &a4) != 0)
		return fail(p, s, "a numeric address in a form programs read "
			    "differently; write it dotted, like 192.0.2.7");
	return 0;
}

/* One character of a host name at i, in a label that began at label. */
static int
name_char(struct parser *p, size_t s, size_t label, size_t i)
{
	unsigned char c = (unsigned char)p->text[i];

	if (c >= 0x80)
		return fail(p, i, "invalid character \\x%02X in host name",
			    c);
	if (!is_name_char(c))
		return fail_char(p, i, "host name");
	if (i - label == LABEL_MAX_LEN)
		return fail(p, i, "host name label longer than %d characters",
			    LABEL_MAX_LEN);
	return 0;
}

static int
name_label_end(struct parser *p, size_t label, size_t i)
{
	if (i == label)
		return fail(p, i, "empty label in host name");
	if (p->text[label] == '-')
		return fail(p, label, "host name label must not begin "
			    "with '-'");
	if (p->text[i - 1] == '-')
		return fail(p, i - 1, "host name label must not end with '-'");
	return 0;
}

static int host_name_ascii(struct parser *p, size_t s, size_t e);

/* An international host name [s, e): its A-labels are checked as any
 * name is (an error then points at the name), kept in host, and their
 * U-labels in host_unicode for display. */
static int
host_name_idn(struct parser *p, size_t s, size_t e)
{
	char ascii[CONFIG_HOST_MAX];
	struct idna_error ierr;
	struct parser q = *p;

	if (idna_to_ascii(p->text + s, e - s, ascii, sizeof(ascii),
			  &ierr) != 0)
		return fail(p, s + ierr.pos, "%s", ierr.why);
	q.text = ascii;
	q.end = strlen(ascii);
	q.pos = 0;
	if (host_name_ascii(&q, 0, q.end) != 0) {
		p->err->pos = s;
		return -1;
	}
	idna_to_unicode(p->ep->host, p->ep->host_unicode,
			sizeof(p->ep->host_unicode));
	return 0;
}

/* A host name [s, e), with U-labels or xn-- labels converted. */
static int
host_name(struct parser *p, size_t s, size_t e)
{
	p->ep->host_unicode[0] = '\0';
	if (!idna_is_idn(p->text + s, e - s))
		return host_name_ascii(p, s, e);
	/* ASCII mistakes first, where they are. */
	for (size_t i = s; i < e; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (c < 0x80 && c != '.' && !is_name_char(c))
			return fail_char(p, i, "host name");
	}
	return host_name_idn(p, s, e);
}

/* An ASCII host name [s, e); a single trailing dot is dropped. */
static int
host_name_ascii(struct parser *p, size_t s, size_t e)
{
	size_t label = s;

	if (e - s > 1 && p->text[e - 1] == '.')
		e--;
	else if (e - s == 1 && p->text[s] == '.')
		return fail(p, s, "empty label in host name");
	for (size_t i = s; i <= e; i++) {
		int rc;

		/* Every byte counts, dots too: ep->host holds 253. */
		if (i < e && i - s == NAME_MAX_LEN)
			return fail(p, i, "host name longer than %d characters",
				    NAME_MAX_LEN);
		if (i == e || p->text[i] == '.') {
			rc = name_label_end(p, label, i);
			label = i + 1;
		} else {
			rc = name_char(p, s, label, i);
		}
		if (rc != 0)
			return rc;
	}
	copy_span(p->ep->host, p->text, s, e);
	p->ep->kind = ADDR_NAME;
	return name_not_numeric(p, s);
}

/* Which shape a host without brackets has. */
enum host_shape {
	SHAPE_INTEGER,
	SHAPE_DOTTED,
	SHAPE_NAME,
	SHAPE_COLON
};

static enum host_shape
host_shape(const char *text, size_t s, size_t e)
{
	bool dot = false, digit = false, other = false;

	for (size_t i = s; i < e; i++) {
		if (text[i] == ':')
			return SHAPE_COLON;
		if (text[i] == '.')
			dot = true;
		else if (is_digit((unsigned char)text[i]))
			digit = true;
		else
			other = true;
	}
	if (other || !digit)
		return SHAPE_NAME;
	return dot ? SHAPE_DOTTED : SHAPE_INTEGER;
}

/* A host with no port: name, dotted or integer IPv4, or (when v6 is
 * true) an IPv6 address, bare or in brackets. */
static int
host_only(struct parser *p, size_t s, size_t e, bool v6)
{
	size_t after = 0;

	if (s == e)
		return fail(p, s, "expected a host name or address");
	if (v6 && p->text[s] == '[') {
		if (ipv6_bracketed(p, s, e, false, &after) != 0)
			return -1;
		if (after != e)
			return fail(p, after, "unexpected text after ']'");
		return 0;
	}
	switch (host_shape(p->text, s, e)) {
	case SHAPE_INTEGER:
		return ipv4_integer(p, s, e);
	case SHAPE_DOTTED:
		return ipv4_dotted(p, s, e);
	case SHAPE_NAME:
		return host_name(p, s, e);
	case SHAPE_COLON:
		break;
	}
	if (v6)
		return ipv6(p, s, e, false);
	return fail_char(p, find_char(p->text, s, e, ':'), "host name");
}

/* ---- plain forms: host, host:port, v6, [v6]:port ------------------- */

static int
parse_plain(struct parser *p, size_t s, size_t e)
{
	size_t colon, after = 0;

	if (p->text[s] == '[') {
		if (ipv6_bracketed(p, s, e, false, &after) != 0)
			return -1;
		if (after == e)
			return 0;
		if (p->text[after] != ':')
			return fail(p, after, "expected ':port' after ']'");
		return parse_port(p, after + 1, e);
	}
	colon = find_char(p->text, s, e, ':');
	if (colon == e)
		return host_only(p, s, e, false);
	if (find_char(p->text, colon + 1, e, ':') != e)
		return ipv6(p, s, e, false);
	if (colon == s)
		return fail(p, s, "missing host before ':'");
	if (host_only(p, s, colon, false) != 0)
		return -1;
	return parse_port(p, colon + 1, e);
}

static int url_or_plain(struct parser *p, size_t s, size_t e);

/* "host" in double quotes, as pasted from a Lisp call: the contents
 * are read as a plain form or a URL. */
static int
parse_quoted(struct parser *p, size_t s, size_t e)
{
	for (size_t i = s + 1; i < e; i++) {
		if (p->text[i] == '\\')
			return fail_char(p, i, "a quoted host");
		if (p->text[i] != '"')
			continue;
		if (i + 1 != e)
			return fail(p, i + 1, "unexpected text after the "
				    "quoted host");
		if (i == s + 1)
			return fail(p, i, "expected a host name or address");
		return url_or_plain(p, s + 1, i);
	}
	return fail(p, s, "unterminated string (missing closing '\"')");
}

/* ---- URLs: imap://user;AUTH=x@host:port/mailbox -------------------- */

/* The byte of "%XX" at i (before e) into *c; false if malformed. */
static bool
pct_byte(const char *text, size_t i, size_t e, unsigned char *c)
{
	unsigned char hi, lo;

	if (e - i < 3)
		return false;
	hi = (unsigned char)text[i + 1];
	lo = (unsigned char)text[i + 2];
	if (!is_hex(hi) || !is_hex(lo))
		return false;
	*c = (unsigned char)(hex_value(hi) * 16 + hex_value(lo));
	return true;
}

/* Percent-decodes [s, e) into dst (cap bytes with the NUL). */
static int
pct_decode(struct parser *p, size_t s, size_t e, char *dst, size_t cap,
	   const char *what)
{
	size_t n = 0;

	for (size_t i = s; i < e; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (c == '%' && !pct_byte(p->text, i, e, &c))
			return fail(p, i, "bad percent escape in %s "
				    "(expected %%XX, two hex digits)", what);
		if (p->text[i] == '%' &&
		    (c == '\r' || c == '\n' || c == '\0'))
			return fail(p, i, "%s contains CR, LF or NUL", what);
		if (p->text[i] != '%' && is_control(c))
			return fail(p, i, "control character in %s", what);
		if (n + 1 >= cap)
			return fail(p, s, "%s longer than %zu bytes", what,
				    cap - 1);
		dst[n++] = (char)c;
		if (p->text[i] == '%')
			i += 2;
	}
	dst[n] = '\0';
	return 0;
}

/* user[;AUTH=mech] in [s, e); a password is refused. */
static int
url_userinfo(struct parser *p, size_t s, size_t e)
{
	size_t semi = find_char(p->text, s, e, ';');
	size_t colon = find_char(p->text, s, e, ':');

	if (colon != e)
		return fail(p, colon + 1, "a password in the URL is not "
			    "accepted; use IMAPCONN_PASSWORD or "
			    "--password-file");
	if (semi != e) {
		if (e - semi < 6 ||
		    strncasecmp(p->text + semi, ";AUTH=", 6) != 0)
			return fail(p, semi, "expected ;AUTH=<mechanism> "
				    "after the user name");
		if (semi + 6 == e)
			return fail(p, e, "missing mechanism after ;AUTH=");
	}
	if (semi == s && semi == e)
		return fail(p, s, "empty user name before '@'");
	return pct_decode(p, s, semi, p->ep->user, sizeof(p->ep->user),
			  "user name");
}

static int
url_hostport(struct parser *p, size_t s, size_t e)
{
	size_t next = 0;

	if (s == e || p->text[s] == ':')
		return fail(p, s, "expected a host name or address in the "
			    "URL (an IPv6 address in brackets)");
	if (p->text[s] == '[') {
		if (ipv6_bracketed(p, s, e, true, &next) != 0)
			return -1;
	} else {
		next = find_char(p->text, s, e, ':');
		if (host_only(p, s, next, false) != 0)
			return -1;
	}
	if (next == e)
		return 0;
	if (p->text[next] != ':')
		return fail(p, next, "expected ':port' after the host");
	return parse_port(p, next + 1, e);
}

/* The path [s, e): a mailbox, maybe ";UIDVALIDITY=n" after it. */
static int
url_path(struct parser *p, size_t s, size_t e)
{
	size_t me = s;
	unsigned long long v;

	while (me < e && p->text[me] != ';' && p->text[me] != '?' &&
	       p->text[me] != '#')
		me++;
	if (pct_decode(p, s, me, p->ep->mailbox, sizeof(p->ep->mailbox),
		       "mailbox name") != 0)
		return -1;
	if (me == e)
		return 0;
	if (e - me > 13 && strncasecmp(p->text + me, ";UIDVALIDITY=", 13) == 0
	    && parse_decimal(p->text, me + 13, e, IPV4_INT_MAX, &v))
		return 0;
	return fail(p, me, "unexpected text after the mailbox name (a URL "
		    "here names a server and at most a mailbox)");
}

static int
parse_url(struct parser *p, size_t s, size_t colon, size_t e)
{
	char scheme[SHOW_MAX + 8];
	size_t a = colon + 3, ae, at;

	if (span_equals(p->text, s, colon, "imaps")) {
		p->ep->ssl = true;
		p->ep->ssl_set = true;
	} else if (!span_equals(p->text, s, colon, "imap")) {
		show_span(p->text, s, colon, scheme, sizeof(scheme));
		return fail(p, s, "unsupported URL scheme %s (expected "
			    "imap:// or imaps://)", scheme);
	}
	ae = find_char(p->text, a, e, '/');
	at = ae;
	for (size_t i = a; i < ae; i++)
		if (p->text[i] == '@')
			at = i;
	if (at != ae && url_userinfo(p, a, at) != 0)
		return -1;
	if (url_hostport(p, at == ae ? a : at + 1, ae) != 0)
		return -1;
	if (ae == e)
		return 0;
	return url_path(p, ae + 1, e);
}

/* If [s, e) begins with "scheme://", where its ':' is. */
static bool
url_scheme(const char *text, size_t s, size_t e, size_t *colon)
{
	size_t i = s;

	if (i == e || !is_alpha((unsigned char)text[i]))
		return false;
	while (i < e && (is_alpha((unsigned char)text[i]) ||
			 is_digit((unsigned char)text[i]) ||
			 text[i] == '+' || text[i] == '-' || text[i] == '.'))
		i++;
	if (e - i < 3 || memcmp(text + i, "://", 3) != 0)
		return false;
	*colon = i;
	return true;
}

static int
url_or_plain(struct parser *p, size_t s, size_t e)
{
	size_t colon;

	if (url_scheme(p->text, s, e, &colon))
		return parse_url(p, s, colon, e);
	return parse_plain(p, s, e);
}

/* ---- the list forms: ("host" . port), ("host" :key value ...) ------ */

/* A string starting at the quote at p->pos; leaves pos past it. */
static int
lex_string(struct parser *p, struct value *v)
{
	size_t i = p->pos + 1;

	v->type = VAL_STRING;
	v->pos = p->pos;
	v->start = i;
	for (; i < p->end; i++) {
		if (p->text[i] == '"') {
			v->end = i;
			p->pos = i + 1;
			return 0;
		}
		if (p->text[i] != '\\')
			continue;
		if (i + 1 == p->end)
			break;
		if (p->text[i + 1] != '"' && p->text[i + 1] != '\\')
			return fail(p, i, "unknown escape in string (only "
				    "\\\" and \\\\ are escapes)");
		i++;
	}
	return fail(p, v->pos, "unterminated string (missing closing '\"')");
}

/* The value at p->pos (p->pos < p->end, not ')'). */
static int
lex_value(struct parser *p, struct value *v)
{
	if (p->text[p->pos] == '"')
		return lex_string(p, v);
	v->pos = p->pos;
	v->start = p->pos;
	v->end = token_end(p->text, p->pos, p->end);
	v->type = v->end == v->start ? VAL_OTHER : VAL_TOKEN;
	p->pos = v->end;
	return 0;
}

static bool
value_is(const struct parser *p, const struct value *v, const char *word)
{
	return v->type == VAL_TOKEN &&
	    span_equals(p->text, v->start, v->end, word);
}

static bool
value_number(const struct parser *p, const struct value *v,
	     unsigned long long cap, unsigned long long *n)
{
	return v->type == VAL_TOKEN &&
	    parse_decimal(p->text, v->start, v->end, cap, n) && *n <= cap;
}

/* A true/false value: t or nil, or the two extra symbols given. */
static int
value_bool(const struct parser *p, const struct value *v, const char *yes,
	   const char *no, bool *out)
{
	if (value_is(p, v, "t") || (yes != NULL && value_is(p, v, yes)))
		*out = true;
	else if (value_is(p, v, "nil") || (no != NULL && value_is(p, v, no)))
		*out = false;
	else
		return -1;
	return 0;
}

static int
kw_port(struct parser *p, const struct keyword *kw, const struct value *v)
{
	unsigned long long n;

	if (value_is(p, v, "nil")) {
		p->ep->port = 0;
		return 0;
	}
	if (!value_number(p, v, PORT_MAX, &n) || n == 0)
		return fail(p, v->pos, "port must be a number 1-65535");
	p->ep->port = (uint16_t)n;
	return 0;
}

static int
kw_ssl(struct parser *p, const struct keyword *kw, const struct value *v)
{
	if (value_bool(p, v, NULL, NULL, &p->ep->ssl) != 0)
		return fail(p, v->pos, "ssl must be t or nil");
	p->ep->ssl_set = true;
	return 0;
}

static int
kw_starttls(struct parser *p, const struct keyword *kw,
	    const struct value *v)
{
	bool on;

	if (value_is(p, v, ":opportunistic"))
		p->ep->starttls = STARTTLS_OPPORTUNISTIC;
	else if (value_bool(p, v, NULL, NULL, &on) == 0)
		p->ep->starttls = on ? STARTTLS_REQUIRED : STARTTLS_OFF;
	else
		return fail(p, v->pos, "starttls must be t, nil or "
			    ":opportunistic");
	p->ep->starttls_set = true;
	return 0;
}

static int
kw_verify(struct parser *p, const struct keyword *kw,
	  const struct value *v)
{
	if (value_bool(p, v, ":peer", ":none", &p->ep->tls.verify) != 0)
		return fail(p, v->pos, "verify must be t, nil, :peer or "
			    ":none");
	return 0;
}

static int
kw_depth(struct parser *p, const struct keyword *kw, const struct value *v)
{
	unsigned long long n;

	if (value_is(p, v, "nil")) {
		p->ep->tls.verify_depth = -1;
		return 0;
	}
	if (!value_number(p, v, DEPTH_MAX, &n))
		return fail(p, v->pos, "max-depth must be a number 0-%u",
			    DEPTH_MAX);
	p->ep->tls.verify_depth = (int)n;
	return 0;
}

/* The name of a method ("tlsv1.2+") into buf, lower case: the text of
 * a keyword without its ':', or of a string. */
static bool
method_name(const struct parser *p, const struct value *v, char *buf,
	    size_t cap)
{
	size_t s = v->start;

	if (v->type == VAL_TOKEN && p->text[s] == ':')
		s++;
	else if (v->type != VAL_STRING)
		return false;
	if (v->end - s >= cap)
		return false;
	for (size_t i = s; i < v->end; i++) {
		char c = p->text[i];

		buf[i - s] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a')
		    : c;
	}
	buf[v->end - s] = '\0';
	return true;
}

static int
kw_method(struct parser *p, const struct keyword *kw,
	  const struct value *v)
{
	char name[16];
	enum tls_version ver = TLSV_DEFAULT;
	size_t n;
	bool plus;

	if (!method_name(p, v, name, sizeof(name)))
		goto bad;
	n = strlen(name);
	plus = n > 0 && name[n - 1] == '+';
	if (plus)
		name[--n] = '\0';
	if (strcmp(name, "sslv2") == 0 || strcmp(name, "sslv3") == 0)
		return fail(p, v->pos, "method :%s is insecure and not "
			    "supported by OpenSSL 3; use :tlsv1.2+", name);
	if (strcmp(name, "sslv23") == 0)
		ver = TLSV_DEFAULT;
	else if (strcmp(name, "tlsv1") == 0)
		ver = TLSV_1_0;
	else if (n == 0 || tls_version_parse(name, &ver) != 0)
		goto bad;
	p->ep->tls.min_version = ver;
	p->ep->tls.max_version = plus ? TLSV_DEFAULT : ver;
	return 0;
bad:
	return fail(p, v->pos, "method must be :sslv23, :tlsv1, :tlsv1.1, "
		    ":tlsv1.2 or :tlsv1.3 (with a trailing + for that "
		    "version or newer)");
}

/* :server-name with U-labels: its A-labels are what TLS sends and
 * checks. */
static int
server_name_idn(struct parser *p, const struct value *v, char *name,
		size_t cap)
{
	char ascii[CONFIG_HOST_MAX];
	struct idna_error ierr;

	if (idna_name(name, ascii, sizeof(ascii), &ierr) != 0)
		return fail(p, v->start + ierr.pos, "server-name: %s",
			    ierr.why);
	snprintf(name, cap, "%s", ascii);
	return 0;
}

/* A string keyword: the decoded string, or nil for "not given".
 * Control characters are refused except in the secret. */
static int
kw_string(struct parser *p, const struct keyword *kw,
	  const struct value *v)
{
	char *dst = (char *)&p->ep->tls + kw->offset;
	size_t n = 0;

	if (value_is(p, v, "nil")) {
		dst[0] = '\0';
		return 0;
	}
	if (v->type != VAL_STRING)
		return fail(p, v->pos, "%s must be a string in double "
			    "quotes", kw->name);
	for (size_t i = v->start; i < v->end; i++) {
		if (p->text[i] == '\\')
			i++;
		if (!kw->secret && is_control((unsigned char)p->text[i]))
			return fail(p, i, "control character in %s",
				    kw->name);
		if (n + 1 >= kw->cap)
			return fail(p, v->pos, "%s longer than %zu bytes",
				    kw->name, kw->cap - 1);
		dst[n++] = p->text[i];
	}
	dst[n] = '\0';
	if (kw->offset == offsetof(struct tls_opts, server_name))
		return server_name_idn(p, v, dst, kw->cap);
	return 0;
}

#define TLS_STRING(name, field, secret) \
	{ name, kw_string, offsetof(struct tls_opts, field), \
	  sizeof(((struct tls_opts *)0)->field), secret }

static const struct keyword keywords[] = {
	{ "port", kw_port, 0, 0, false },
	{ "ssl", kw_ssl, 0, 0, false },
	{ "starttls", kw_starttls, 0, 0, false },
	TLS_STRING("certificate", cert_file, false),
	TLS_STRING("key", key_file, false),
	TLS_STRING("certificate-password", key_password, true),
	TLS_STRING("ca-file", ca_file, false),
	TLS_STRING("ca-directory", ca_dir, false),
	{ "verify", kw_verify, 0, 0, false },
	{ "max-depth", kw_depth, 0, 0, false },
	{ "method", kw_method, 0, 0, false },
	TLS_STRING("ciphers", ciphers, false),
	TLS_STRING("ciphersuites", ciphersuites, false),
	TLS_STRING("server-name", server_name, false),
	TLS_STRING("crl-file", crl_file, false),
	TLS_STRING("pin", pin, false),
};

#define KEYWORD_COUNT (sizeof(keywords) / sizeof(keywords[0]))

static int
unknown_keyword(struct parser *p, size_t s, size_t e)
{
	char name[SHOW_MAX + 8], list[HOSTSPEC_MSG_MAX];
	struct out o = { list, sizeof(list), 0 };

	list[0] = '\0';
	for (size_t k = 0; k < KEYWORD_COUNT; k++) {
		out_str(&o, k == 0 ? ":" : " :");
		out_str(&o, keywords[k].name);
	}
	show_span(p->text, s, e, name, sizeof(name));
	return fail(p, s, "unknown keyword %s (expected one of %s)", name,
		    list);
}

/* The keyword at p->pos and its value. */
static int
keyword_pair(struct parser *p)
{
	size_t s = p->pos, e = token_end(p->text, s, p->end);
	struct value v;
	size_t k;

	for (k = 0; k < KEYWORD_COUNT; k++)
		if (span_equals(p->text, s + 1, e, keywords[k].name))
			break;
	if (k == KEYWORD_COUNT)
		return unknown_keyword(p, s, e);
	if (p->seen & (1u << k))
		return fail(p, s, "keyword :%s given twice", keywords[k].name);
	p->seen |= 1u << k;
	p->pos = e;
	skip_space(p);
	if (p->pos == p->end || p->text[p->pos] == ')')
		return fail(p, p->pos, "missing value after :%s",
			    keywords[k].name);
	if (lex_value(p, &v) != 0)
		return -1;
	return keywords[k].set(p, &keywords[k], &v);
}

static int
keyword_list(struct parser *p)
{
	for (;;) {
		skip_space(p);
		if (p->pos == p->end)
			return fail(p, p->pos, "missing ')' at the end of the "
				    "list");
		if (p->text[p->pos] == ')') {
			p->pos++;
			return 0;
		}
		if (p->text[p->pos] != ':')
			return fail(p, p->pos, "expected a keyword such as "
				    ":port, or ')'");
		if (keyword_pair(p) != 0)
			return -1;
	}
}

/* " . port)" with p->pos on the dot. */
static int
pair_rest(struct parser *p)
{
	struct value v;
	unsigned long long n;

	p->pos++;
	skip_space(p);
	if (p->pos == p->end || p->text[p->pos] == ')')
		return fail(p, p->pos, "missing port after '.'");
	if (lex_value(p, &v) != 0)
		return -1;
	if (!value_number(p, &v, PORT_MAX, &n) || n == 0)
		return fail(p, v.pos, "port must be a number 1-65535");
	p->ep->port = (uint16_t)n;
	skip_space(p);
	if (p->pos == p->end)
		return fail(p, p->pos, "missing ')' after the port");
	if (p->text[p->pos] != ')')
		return fail(p, p->pos, "expected ')' after the port");
	p->pos++;
	return 0;
}

/* The first element: a string or an integer. */
static int
form_host(struct parser *p)
{
	struct value v;

	if (p->pos == p->end || p->text[p->pos] == ')')
		return fail(p, p->pos, "expected a host (a string or an "
			    "integer) after '('");
	if (lex_value(p, &v) != 0)
		return -1;
	if (v.type == VAL_STRING) {
		size_t colon = find_char(p->text, v.start, v.end, ':');

		if (colon != v.end &&
		    find_char(p->text, colon + 1, v.end, ':') == v.end)
			return fail(p, colon, "a host string takes no "
				    ":port; give it as :port N or . N");
		return host_only(p, v.start, v.end, true);
	}
	if (v.type == VAL_TOKEN &&
	    host_shape(p->text, v.start, v.end) == SHAPE_INTEGER)
		return ipv4_integer(p, v.start, v.end);
	return fail(p, v.pos, "the host must be a string in double quotes "
		    "or an integer IPv4 address");
}

static int
parse_form(struct parser *p)
{
	if (p->text[p->pos] == '\'') {
		p->pos++;
		skip_space(p);
		if (p->pos == p->end || p->text[p->pos] != '(')
			return fail(p, p->pos, "expected '(' after the quote");
	}
	p->pos++;
	skip_space(p);
	if (form_host(p) != 0)
		return -1;
	skip_space(p);
	if (p->pos < p->end && p->text[p->pos] == '.' &&
	    token_end(p->text, p->pos, p->end) == p->pos + 1) {
		if (pair_rest(p) != 0)
			return -1;
	} else if (keyword_list(p) != 0) {
		return -1;
	}
	skip_space(p);
	if (p->pos != p->end)
		return fail(p, p->pos, "unexpected text after the closing "
			    "')'");
	return 0;
}

/* ---- entry points -------------------------------------------------- */

static int
parse_all(struct parser *p, size_t len)
{
	const char *nul;
	size_t s = 0, e = len;
	char c;

	if (p->text == NULL || len == 0)
		return fail(p, 0, "empty host specification");
	nul = memchr(p->text, '\0', len);
	if (nul != NULL)
		return fail(p, (size_t)(nul - p->text), "NUL byte in the "
			    "host specification");
	while (s < e && is_space((unsigned char)p->text[s]))
		s++;
	while (e > s && is_space((unsigned char)p->text[e - 1]))
		e--;
	if (s == e)
		return fail(p, 0, "empty host specification");
	p->pos = s;
	p->end = e;
	c = p->text[s];
	if (c == '(' || c == '\'')
		return parse_form(p);
	if (c == '"')
		return parse_quoted(p, s, e);
	return url_or_plain(p, s, e);
}

int
hostspec_parse(const char *text, size_t len, struct endpoint *ep,
	       struct hostspec_error *err)
{
	struct parser p = { text, len, 0, ep, err, 0 };
	int rc;

	endpoint_init(ep);
	err->pos = 0;
	err->msg[0] = '\0';
	rc = parse_all(&p, len);
	if (rc != 0) {
		tls_opts_wipe(&ep->tls);
		endpoint_init(ep);
	}
	return rc;
}

/* ---- formatting errors without secrets ----------------------------- */

/* Finds secrets while the formatter walks the input byte by byte:
 * the value after any password-like keyword (":certificate-password",
 * also misspelt) and the password of a URL ("scheme://user:pw@"). */
struct redact {
	const char *text;
	size_t len;
	size_t url_s, url_e;	/* URL password, or url_s == url_e */
	size_t cur_e;		/* end of the keyword value now hidden */
	size_t next_s, next_e;	/* a value found ahead, if next_e > 0 */
};

static bool
secret_keyword(const char *text, size_t s, size_t e)
{
	static const char *const words[] = { "pass", "pasw", "pwd",
					     "secret" };

	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t n = strlen(words[w]);

		for (size_t i = s; i + n <= e; i++)
			if (strncasecmp(text + i, words[w], n) == 0)
				return true;
	}
	return false;
}

/* End of the value starting at s: a string (to its closing quote, or
 * the end), a parenthesised group, or a token. */
static size_t
secret_value_end(const char *text, size_t len, size_t s)
{
	size_t close;

	if (text[s] == '(') {
		close = find_char(text, s, len, ')');
		return close < len ? close + 1 : len;
	}
	if (text[s] != '"')
		return token_end(text, s, len);
	for (size_t i = s + 1; i < len; i++) {
		if (text[i] == '\\')
			i++;
		else if (text[i] == '"')
			return i + 1;
	}
	return len;
}

static void
redact_keyword(struct redact *r, size_t i)
{
	size_t ke, vs;

	if (r->text[i] != ':' || (i > 0 &&
	    !is_delim((unsigned char)r->text[i - 1])))
		return;
	ke = token_end(r->text, i + 1, r->len);
	if (!secret_keyword(r->text, i + 1, ke))
		return;
	vs = ke;
	while (vs < r->len && (is_space((unsigned char)r->text[vs]) ||
			       r->text[vs] == '\''))
		vs++;
	if (vs == r->len || r->text[vs] == ')')
		return;
	r->next_s = vs;
	r->next_e = secret_value_end(r->text, r->len, vs);
	if (r->next_e > r->len)
		r->next_e = r->len;
}

/* Whether byte i is secret; called for i = 0, 1, 2, ... in turn. */
static bool
redact_at(struct redact *r, size_t i)
{
	if (r->next_e > 0 && i == r->next_s) {
		if (r->next_e > r->cur_e)
			r->cur_e = r->next_e;
		r->next_e = 0;
	}
	redact_keyword(r, i);
	return i < r->cur_e || (i >= r->url_s && i < r->url_e);
}

static void
redact_init(struct redact *r, const char *text, size_t len)
{
	size_t a = 0, at, colon;

	memset(r, 0, sizeof(*r));
	r->text = text;
	r->len = len;
	while (a + 3 <= len && memcmp(text + a, "://", 3) != 0)
		a++;
	if (a + 3 > len)
		return;
	a += 3;
	at = len;
	for (size_t i = a; i < len; i++)
		if (text[i] == '@')
			at = i;
	colon = find_char(text, a, at, ':');
	if (at < len && colon < at) {
		r->url_s = colon + 1;
		r->url_e = at;
	}
}

/* The input, secrets as ***, at most WINDOW bytes around pos. */
static void
quote_input(struct out *o, const char *text, size_t len, size_t pos)
{
	struct redact r;
	size_t ws = 0, we = len;
	bool hidden = false;

	if (len > WINDOW) {
		ws = pos > WINDOW / 2 ? pos - WINDOW / 2 : 0;
		we = ws + WINDOW < len ? ws + WINDOW : len;
		ws = we - WINDOW;
	}
	if (ws > 0)
		out_str(o, "...");
	redact_init(&r, text, len);
	for (size_t i = 0; i < we; i++) {
		bool secret = redact_at(&r, i);

		if (i >= ws && secret && !hidden)
			out_str(o, "***");
		if (i >= ws && !secret)
			out_byte(o, (unsigned char)text[i]);
		hidden = secret && i >= ws;
	}
	if (we < len)
		out_str(o, "...");
}

void
hostspec_error_format(const struct hostspec_error *err, const char *text,
		      size_t len, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	size_t pos = err->pos, n;
	char num[32];

	if (cap == 0)
		return;
	buf[0] = '\0';
	if (text == NULL)
		len = 0;
	if (pos > len)
		pos = len;
	out_str(&o, "host specification ");
	if (len == 0)
		out_str(&o, "\"\"");
	else
		quote_input(&o, text, len, pos);
	snprintf(num, sizeof(num), " at character %zu: ", pos + 1);
	out_str(&o, num);
	n = strnlen(err->msg, sizeof(err->msg));
	if (n == 0)
		out_str(&o, "invalid host specification");
	for (size_t i = 0; i < n; i++)
		out_byte(&o, (unsigned char)err->msg[i]);
}
