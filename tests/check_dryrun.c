/* check_dryrun.c - --dry-run: the endpoint and phases as text and as
 * JSON (checked by a strict parser here), and no secret in either. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "dryrun.h"
#include "options.h"

#define ARGS_MAX 8
#define LIST_MAX 12
#define SECRET "Sup3rS3cret"

/* ---- a strict JSON parser (RFC 8259) into a small tree -------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	bool b;
	long long num;		/* numbers are integers in this output */
	char *s;		/* J_STR, decoded, NUL-terminated */
	size_t n;		/* J_ARR, J_OBJ: members */
	char **keys;		/* J_OBJ */
	struct jv **items;
};

struct jparser {
	const char *start;
	const char *p;
	const char *end;
	int depth;
	char err[128];
};

static struct jv *jparse_value(struct jparser *jp);

static void
jv_free(struct jv *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys != NULL)
			free(v->keys[i]);
		jv_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->s);
	free(v);
}

static struct jv *
jfail(struct jparser *jp, const char *what)
{
	if (jp->err[0] == '\0')
		snprintf(jp->err, sizeof(jp->err), "%s at offset %td", what,
			 jp->p - jp->start);
	return NULL;
}

static void
jskip_ws(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
				   *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static bool
jliteral(struct jparser *jp, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return false;
	jp->p += n;
	return true;
}

/* Length of the valid UTF-8 sequence at s (shortest form, no
 * surrogates, at most U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	unsigned long c;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (avail < n)
		return 0;
	c = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

static int
hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*out |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*out |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t
put_utf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* One \u escape (jp->p after the 'u'), a surrogate pair as one. */
static int
junicode(struct jparser *jp, unsigned long *cp)
{
	unsigned hi, lo;

	if (jp->end - jp->p < 4 || hex4(jp->p, &hi) != 0)
		return -1;
	jp->p += 4;
	*cp = hi;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return 0;
	if (jp->end - jp->p < 6 || jp->p[0] != '\\' || jp->p[1] != 'u' ||
	    hex4(jp->p + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	jp->p += 6;
	*cp = 0x10000 + ((unsigned long)(hi - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* A string at jp->p (after the opening quote), decoded into a new
 * buffer. */
static char *
jstring(struct jparser *jp)
{
	char *out = malloc((size_t)(jp->end - jp->p) + 1);
	size_t o = 0;

	if (out == NULL)
		return (char *)jfail(jp, "out of memory");
	while (jp->p < jp->end && *jp->p != '"') {
		unsigned char c = (unsigned char)*jp->p;
		unsigned long cp;
		size_t n;

		if (c < 0x20) {
			free(out);
			return (char *)jfail(jp, "raw control character");
		}
		if (c != '\\') {
			n = utf8_len((const unsigned char *)jp->p,
				     (size_t)(jp->end - jp->p));
			if (n == 0) {
				free(out);
				return (char *)jfail(jp, "invalid UTF-8");
			}
			memcpy(out + o, jp->p, n);
			o += n;
			jp->p += n;
			continue;
		}
		if (++jp->p >= jp->end) {
			free(out);
			return (char *)jfail(jp, "cut escape");
		}
		c = (unsigned char)*jp->p++;
		switch (c) {
		case '"': case '\\': case '/':
			out[o++] = (char)c;
			break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			if (junicode(jp, &cp) != 0) {
				free(out);
				return (char *)jfail(jp, "bad \\u escape");
			}
			o += put_utf8(out + o, cp);
			break;
		default:
			free(out);
			return (char *)jfail(jp, "unknown escape");
		}
	}
	if (jp->p >= jp->end) {
		free(out);
		return (char *)jfail(jp, "unterminated string");
	}
	jp->p++;
	out[o] = '\0';
	return out;
}

static struct jv *
jnumber(struct jparser *jp, struct jv *v)
{
	const char *start = jp->p;

	if (*jp->p == '-')
		jp->p++;
	if (jp->p < jp->end && *jp->p == '0')
		jp->p++;
	else if (jp->p < jp->end && *jp->p >= '1' && *jp->p <= '9')
		while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	else
		return jfail(jp, "bad number");
	if (jp->p < jp->end && (*jp->p == '.' || *jp->p == 'e' ||
				*jp->p == 'E'))
		return jfail(jp, "a fraction or exponent (not expected)");
	v->t = J_NUM;
	v->num = strtoll(start, NULL, 10);
	return v;
}

static int
jadd(struct jv *v, char *key, struct jv *item)
{
	struct jv **items = realloc(v->items, (v->n + 1) * sizeof(*items));
	char **keys;

	if (items == NULL)
		return -1;
	v->items = items;
	if (v->t == J_OBJ) {
		keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
		if (keys == NULL)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

static struct jv *
jcontainer(struct jparser *jp, struct jv *v, char close)
{
	v->t = close == '}' ? J_OBJ : J_ARR;
	jskip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jv *item;

		jskip_ws(jp);
		if (v->t == J_OBJ) {
			if (jp->p >= jp->end || *jp->p != '"')
				return jfail(jp, "expected a key");
			jp->p++;
			key = jstring(jp);
			if (key == NULL)
				return NULL;
			for (size_t i = 0; i < v->n; i++)
				if (strcmp(v->keys[i], key) == 0) {
					free(key);
					return jfail(jp, "duplicate key");
				}
			jskip_ws(jp);
			if (jp->p >= jp->end || *jp->p++ != ':') {
				free(key);
				return jfail(jp, "expected ':'");
			}
		}
		item = jparse_value(jp);
		if (item == NULL || jadd(v, key, item) != 0) {
			free(key);
			jv_free(item);
			return jfail(jp, "bad member");
		}
		jskip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			return v;
		}
		return jfail(jp, "expected ',' or the closing bracket");
	}
}

static struct jv *
jparse_value(struct jparser *jp)
{
	struct jv *v, *r = NULL;

	jskip_ws(jp);
	if (jp->p >= jp->end)
		return jfail(jp, "expected a value");
	if (++jp->depth > 64)
		return jfail(jp, "too deep");
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return jfail(jp, "out of memory");
	if (*jp->p == '{' || *jp->p == '[') {
		char close = *jp->p == '{' ? '}' : ']';

		jp->p++;
		r = jcontainer(jp, v, close);
	} else if (*jp->p == '"') {
		jp->p++;
		v->t = J_STR;
		v->s = jstring(jp);
		r = v->s != NULL ? v : NULL;
	} else if (jliteral(jp, "true")) {
		v->t = J_BOOL;
		v->b = true;
		r = v;
	} else if (jliteral(jp, "false")) {
		v->t = J_BOOL;
		r = v;
	} else if (jliteral(jp, "null")) {
		v->t = J_NULL;
		r = v;
	} else if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9')) {
		r = jnumber(jp, v);
	} else {
		jfail(jp, "unexpected character");
	}
	jp->depth--;
	if (r == NULL)
		jv_free(v);
	return r;
}

/* The whole text as one JSON document, or NULL with err set. */
static struct jv *
json_parse(const char *text, size_t len, char *err, size_t cap)
{
	struct jparser jp = { text, text, text + len, 0, "" };
	struct jv *v;

	if (strlen(text) != len) {
		snprintf(err, cap, "NUL byte in the document");
		return NULL;
	}
	v = jparse_value(&jp);
	if (v != NULL) {
		jskip_ws(&jp);
		if (jp.p != jp.end) {
			jv_free(v);
			v = jfail(&jp, "text after the document");
		}
	}
	snprintf(err, cap, "%s", jp.err);
	return v;
}

/* The value at a dotted path ("endpoint.tls.verify", "phases.2.what"),
 * or NULL. */
static const struct jv *
jget(const struct jv *v, const char *path)
{
	char part[64];

	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");
		const struct jv *next = NULL;

		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		path += n + (path[n] == '.');
		if (v->t == J_OBJ) {
			for (size_t i = 0; i < v->n; i++)
				if (strcmp(v->keys[i], part) == 0)
					next = v->items[i];
		} else if (v->t == J_ARR) {
			size_t i = strtoul(part, NULL, 10);

			if (i < v->n)
				next = v->items[i];
		}
		v = next;
	}
	return v;
}

/* A scalar as text: null, true, 12, "text"; containers as [n] or {n}. */
static void
jshow(const struct jv *v, char *buf, size_t cap)
{
	if (v == NULL) {
		snprintf(buf, cap, "(missing)");
		return;
	}
	switch (v->t) {
	case J_NULL: snprintf(buf, cap, "null"); break;
	case J_BOOL: snprintf(buf, cap, "%s", v->b ? "true" : "false"); break;
	case J_NUM: snprintf(buf, cap, "%lld", v->num); break;
	case J_STR: snprintf(buf, cap, "\"%s\"", v->s); break;
	case J_ARR: snprintf(buf, cap, "[%zu]", v->n); break;
	case J_OBJ: snprintf(buf, cap, "{%zu}", v->n); break;
	}
}

/* ---- the cases ------------------------------------------------------ */

/* A command line; the phases, in order; text fragments that must and
 * must not appear; JSON values that must be there ("path=value", the
 * value as jshow() writes it). */
struct dry_case {
	const char *args[ARGS_MAX];
	const char *phases;
	const char *text[LIST_MAX];
	const char *not_text[LIST_MAX];
	const char *json[LIST_MAX];
};

#define PH_PLAIN "resolve connect greeting capability"
#define PH_END "list logout"

static const struct dry_case cases[] = {
	/* implicit TLS, name, no user */
	{ { "imaps://imap.example.com" },
	  "resolve connect tls greeting capability authenticate " PH_END,
	  { "  host:         imap.example.com (host name)\n",
	    "  port:         993 (default for implicit TLS)\n",
	    "  implicit TLS: yes\n", "  STARTTLS:     off\n",
	    "  verify:       on\n", "  TLS versions: 1.2 to 1.3\n",
	    "  user:         (none)\n",
	    "  1. resolve        look up imap.example.com (IPv6 and IPv4)\n",
	    "  2. connect        TCP to port 993,",
	    "  3. tls            TLS handshake, certificate checked for "
	    "imap.example.com\n",
	    "  6. authenticate   skipped: no user given\n",
	    "  7. list           only after PREAUTH: LIST \"\" \"*\"\n" },
	  { "warning", "starttls", "log in as" },
	  { "endpoint.host=\"imap.example.com\"",
	    "endpoint.address_kind=\"name\"", "endpoint.port=993",
	    "endpoint.port_given=false", "endpoint.implicit_tls=true",
	    "endpoint.starttls=\"off\"", "endpoint.user=null",
	    "endpoint.tls.verify=true", "endpoint.tls.min_version=\"1.2\"",
	    "endpoint.timeout_ms=30000", "phases.2.phase=\"tls\"" } },
	/* STARTTLS required, a user, port given */
	{ { "--starttls", "-u", "bob", "h:1143" },
	  PH_PLAIN " starttls capability-tls authenticate " PH_END,
	  { "  port:         1143 (given)\n", "  implicit TLS: no\n",
	    "  STARTTLS:     required\n", "  user:         bob\n",
	    "  5. starttls       STARTTLS (required), then a TLS "
	    "handshake\n",
	    "  6. capability-tls CAPABILITY again",
	    "  7. authenticate   log in as bob ",
	    "  8. list           LIST \"\" \"*\"\n" },
	  { "warning", "only after PREAUTH", "skipped" },
	  { "endpoint.port=1143", "endpoint.port_given=true",
	    "endpoint.implicit_tls=false", "endpoint.starttls=\"required\"",
	    "endpoint.user=\"bob\"", "phases.4.phase=\"starttls\"",
	    "phases.5.phase=\"capability-tls\"" } },
	/* both: STARTTLS skipped */
	{ { "--ssl", "--starttls", "-u", "bob", "h" },
	  "resolve connect tls greeting capability starttls authenticate "
	  PH_END,
	  { "  implicit TLS: yes\n", "  STARTTLS:     required\n",
	    "  6. starttls       skipped: implicit TLS is already on" },
	  { "capability-tls", "then a TLS handshake", "warning" },
	  { "endpoint.implicit_tls=true", "endpoint.starttls=\"required\"",
	    "phases.5.phase=\"starttls\"", "phases.6.phase=\"authenticate\"",
	    "phases.9=(missing)" } },
	/* opportunistic: may stay plain */
	{ { "--starttls=opportunistic", "h" },
	  PH_PLAIN " starttls capability-tls authenticate " PH_END,
	  { "  STARTTLS:     opportunistic\n",
	    "  warning:      the connection may stay unencrypted; no password "
	    "is sent over it\n",
	    "STARTTLS (opportunistic), then a TLS handshake" },
	  { "stays unencrypted" },
	  { "endpoint.starttls=\"opportunistic\"" } },
	/* plain IMAP asked for, plain login allowed */
	{ { "--starttls=off", "--allow-plaintext-auth", "-u", "bob", "h" },
	  PH_PLAIN " authenticate " PH_END,
	  { "  warning:      the connection stays unencrypted, and the "
	    "password may be sent in clear\n", "  4. capability     " },
	  { "tls ", "starttls" },
	  { "endpoint.allow_plaintext_auth=true", "endpoint.port=143" } },
	/* IPv4 literal: no lookup */
	{ { "192.0.2.7" },
	  PH_PLAIN " starttls capability-tls authenticate " PH_END,
	  { "  host:         192.0.2.7 (IPv4 address)\n",
	    "  1. resolve        none: an address literal\n" },
	  { "look up" },
	  { "endpoint.host=\"192.0.2.7\"", "endpoint.address_kind=\"ipv4\"",
	    "phases.0.what=\"none: an address literal\"" } },
	/* IPv4 as an integer, IPv6 with a port */
	{ { "--ssl", "3221225991" },
	  "resolve connect tls greeting capability authenticate " PH_END,
	  { "  host:         192.0.2.7 (IPv4 address)\n",
	    "certificate checked for 192.0.2.7\n",
	    "none: an address literal" },
	  { "look up" }, { "endpoint.host=\"192.0.2.7\"" } },
	{ { "imaps://[2001:db8::7]:10993" },
	  "resolve connect tls greeting capability authenticate " PH_END,
	  { "  host:         2001:db8::7 (IPv6 address)\n",
	    "  port:         10993 (given)\n", "none: an address literal" },
	  { "look up" },
	  { "endpoint.address_kind=\"ipv6\"", "endpoint.port=10993",
	    "endpoint.host=\"2001:db8::7\"" } },
	/* --select, read-only and read-write */
	{ { "--ssl", "-u", "bob", "--select=INBOX", "h" },
	  "resolve connect tls greeting capability authenticate list select "
	  "logout",
	  { "  mailbox:      INBOX\n",
	    "  8. select         EXAMINE the mailbox (read-only)\n",
	    "  9. logout         LOGOUT\n" },
	  { "read-write" },
	  { "endpoint.mailbox=\"INBOX\"", "phases.7.phase=\"select\"",
	    "phases.7.what=\"EXAMINE the mailbox (read-only)\"" } },
	{ { "imaps://bob@h/Sent%20Items", "--select-rw" },
	  "resolve connect tls greeting capability authenticate list select "
	  "logout",
	  { "  mailbox:      Sent Items\n",
	    "select         SELECT the mailbox (read-write)\n" },
	  { "read-only" },
	  { "endpoint.mailbox=\"Sent Items\"", "endpoint.user=\"bob\"",
	    "phases.7.what=\"SELECT the mailbox (read-write)\"" } },
	/* TLS settings shown */
	{ { "--insecure", "--tls-min=1.3", "--ca-file=/ca.pem",
	    "--verify-depth=4", "--timeout=2.5", "imaps://h" },
	  "resolve connect tls greeting capability authenticate " PH_END,
	  { "  verify:       OFF (--insecure",
	    "  TLS versions: 1.3 to 1.3\n", "  CA file:      /ca.pem\n",
	    "  verify depth: 4\n", "  timeout:      2.5 s for each wait\n",
	    "certificate checked for nothing (--insecure)" },
	  { "verify:       on" },
	  { "endpoint.tls.verify=false", "endpoint.tls.min_version=\"1.3\"",
	    "endpoint.tls.max_version=\"1.3\"",
	    "endpoint.tls.ca_file=\"/ca.pem\"",
	    "endpoint.tls.verify_depth=4", "endpoint.timeout_ms=2500" } },
	{ { "--server-name=imap.example.com", "--ssl", "192.0.2.7" },
	  "resolve connect tls greeting capability authenticate " PH_END,
	  { "  server name:  imap.example.com\n",
	    "certificate checked for imap.example.com\n" },
	  { "checked for 192.0.2.7" },
	  { "endpoint.tls.server_name=\"imap.example.com\"" } },
	/* a key password in the host specification */
	{ { "(\"h\" :ssl t :key \"/k.pem\" :certificate-password \""
	    SECRET "\")" },
	  "resolve connect tls greeting capability authenticate " PH_END,
	  { "  client key:   /k.pem (with a password)\n" },
	  { SECRET },
	  { "endpoint.tls.key_file=\"/k.pem\"" } },
	/* text that needs escaping in JSON */
	{ { "--select=a\"b\\c", "--ssl", "h" },
	  "resolve connect tls greeting capability authenticate list select "
	  "logout",
	  { "  mailbox:      a\"b\\c\n" }, { NULL },
	  { "endpoint.mailbox=\"a\"b\\c\"" } },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- helpers -------------------------------------------------------- */

static void
parse_args(const char *const *args, bool json, struct options *o)
{
	char *argv[ARGS_MAX + 4];
	char err[OPTIONS_ERR_MAX];
	int argc = 0, rc;

	argv[argc++] = strdup("imapconn");
	argv[argc++] = strdup("--dry-run");
	if (json)
		argv[argc++] = strdup("--json");
	for (size_t i = 0; i < ARGS_MAX && args[i] != NULL; i++)
		argv[argc++] = strdup(args[i]);
	argv[argc] = NULL;
	rc = options_parse(argc, argv, o, err, sizeof(err));
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	ck_assert_msg(rc == 0, "options refused: %s", err);
	ck_assert_int_eq(o->mode, MODE_DRY_RUN);
	ck_assert_int_eq(o->json, json);
}

/* dryrun_print() into memory; the caller frees the text. */
static char *
print_to_memory(const struct options *o, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(dryrun_print(o, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(buf);
	return buf;
}

/* "resolve connect ..." from the numbered lines after "phases"; each
 * "what" in whats[] (up to LIST_MAX). */
static void
text_phases(const char *text, char *out, size_t cap,
	    char whats[][256], size_t *n)
{
	const char *p = strstr(text, "\nphases\n");
	size_t o = 0;

	ck_assert_msg(p != NULL, "no phases section in:\n%s", text);
	p += strlen("\nphases\n");
	out[0] = '\0';
	*n = 0;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		unsigned num;
		char name[32];
		int used = 0;

		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(sscanf(p, "  %u. %31s %n", &num, name, &used) ==
			      2 && used > 0, "bad phase line: %.*s",
			      (int)(nl - p), p);
		ck_assert_uint_eq(num, *n + 1);
		ck_assert_uint_lt(*n, LIST_MAX);
		snprintf(whats[*n], 256, "%.*s", (int)(nl - p - used),
			 p + used);
		(*n)++;
		o += (size_t)snprintf(out + o, cap - o, "%s%s",
				      o > 0 ? " " : "", name);
		p = nl + 1;
	}
}

/* ---- tests ---------------------------------------------------------- */

START_TEST(test_text)
{
	const struct dry_case *c = &cases[_i];
	struct options o;
	char phases[256], whats[LIST_MAX][256];
	size_t len, n;
	char *text;

	parse_args(c->args, false, &o);
	text = print_to_memory(&o, &len);
	ck_assert_uint_eq(strlen(text), len);
	ck_assert_msg(strncmp(text, "endpoint\n", 9) == 0, "%s", text);
	ck_assert_int_eq(text[len - 1], '\n');
	text_phases(text, phases, sizeof(phases), whats, &n);
	ck_assert_msg(strcmp(phases, c->phases) == 0, "phases '%s', want "
		      "'%s'", phases, c->phases);
	for (size_t i = 0; i < LIST_MAX && c->text[i] != NULL; i++)
		ck_assert_msg(strstr(text, c->text[i]) != NULL,
			      "no '%s' in:\n%s", c->text[i], text);
	for (size_t i = 0; i < LIST_MAX && c->not_text[i] != NULL; i++)
		ck_assert_msg(strstr(text, c->not_text[i]) == NULL,
			      "'%s' in:\n%s", c->not_text[i], text);
	free(text);
}
END_TEST

START_TEST(test_json)
{
	const struct dry_case *c = &cases[_i];
	struct options o, ot;
	char err[128], got[512], phases[256], names[256];
	char whats[LIST_MAX][256];
	const struct jv *ph;
	struct jv *doc;
	size_t len, tlen, n;
	char *text, *json;

	parse_args(c->args, true, &o);
	json = print_to_memory(&o, &len);
	ck_assert_msg(len > 0 && json[len - 1] == '\n', "%s", json);
	ck_assert_ptr_null(memchr(json, '\n', len - 1));
	doc = json_parse(json, len, err, sizeof(err));
	ck_assert_msg(doc != NULL, "not JSON (%s):\n%s", err, json);
	ck_assert_int_eq(doc->t, J_OBJ);
	ck_assert_int_eq(jget(doc, "endpoint")->t, J_OBJ);
	for (size_t i = 0; i < LIST_MAX && c->json[i] != NULL; i++) {
		const char *eq = strchr(c->json[i], '=');
		char path[128];

		ck_assert_ptr_nonnull(eq);
		snprintf(path, sizeof(path), "%.*s", (int)(eq - c->json[i]),
			 c->json[i]);
		jshow(jget(doc, path), got, sizeof(got));
		ck_assert_msg(strcmp(got, eq + 1) == 0, "%s is %s, want %s",
			      path, got, eq + 1);
	}
	ck_assert_ptr_null(strstr(json, SECRET));
	/* the same phases, and the same words, as the text */
	ot = o;
	ot.json = false;
	text = print_to_memory(&ot, &tlen);
	text_phases(text, phases, sizeof(phases), whats, &n);
	ph = jget(doc, "phases");
	ck_assert_ptr_nonnull(ph);
	ck_assert_int_eq(ph->t, J_ARR);
	ck_assert_uint_eq(ph->n, n);
	names[0] = '\0';
	for (size_t i = 0, w = 0; i < n; i++) {
		const struct jv *what = jget(ph->items[i], "what");
		const struct jv *name = jget(ph->items[i], "phase");

		ck_assert_ptr_nonnull(what);
		ck_assert_ptr_nonnull(name);
		ck_assert_int_eq(what->t, J_STR);
		ck_assert_int_eq(name->t, J_STR);
		ck_assert_str_eq(what->s, whats[i]);
		ck_assert_int_eq(ph->items[i]->n, 2);
		w += (size_t)snprintf(names + w, sizeof(names) - w, "%s%s",
				      w > 0 ? " " : "", name->s);
	}
	ck_assert_str_eq(names, phases);
	free(text);
	jv_free(doc);
	free(json);
}
END_TEST

/* Every endpoint member is there with its type. */
START_TEST(test_json_members)
{
	static const struct {
		const char *path;
		enum jtype t;
	} members[] = {
		{ "endpoint.host", J_STR }, { "endpoint.address_kind", J_STR },
		{ "endpoint.port", J_NUM }, { "endpoint.port_given", J_BOOL },
		{ "endpoint.implicit_tls", J_BOOL },
		{ "endpoint.starttls", J_STR }, { "endpoint.tls", J_OBJ },
		{ "endpoint.tls.verify", J_BOOL },
		{ "endpoint.tls.min_version", J_STR },
		{ "endpoint.tls.max_version", J_STR },
		{ "endpoint.tls.ca_file", J_NULL },
		{ "endpoint.tls.ca_dir", J_NULL },
		{ "endpoint.tls.server_name", J_NULL },
		{ "endpoint.tls.cert_file", J_NULL },
		{ "endpoint.tls.key_file", J_NULL },
		{ "endpoint.tls.crl_file", J_NULL },
		{ "endpoint.tls.ciphers", J_NULL },
		{ "endpoint.tls.ciphersuites", J_NULL },
		{ "endpoint.tls.verify_depth", J_NUM },
		{ "endpoint.user", J_NULL }, { "endpoint.mailbox", J_NULL },
		{ "endpoint.allow_plaintext_auth", J_BOOL },
		{ "endpoint.timeout_ms", J_NUM }, { "phases", J_ARR },
	};
	static const char *const args[] = { "h", NULL };
	struct options o;
	char err[128];
	struct jv *doc;
	size_t len;
	char *json;

	parse_args(args, true, &o);
	json = print_to_memory(&o, &len);
	doc = json_parse(json, len, err, sizeof(err));
	ck_assert_msg(doc != NULL, "not JSON (%s):\n%s", err, json);
	ck_assert_uint_eq(doc->n, 2);
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const struct jv *v = jget(doc, members[i].path);

		ck_assert_msg(v != NULL, "%s missing", members[i].path);
		ck_assert_msg(v->t == members[i].t, "%s: type %d, not %d",
			      members[i].path, (int)v->t, (int)members[i].t);
	}
	jv_free(doc);
	free(json);
}
END_TEST

/* A login password in the configuration never reaches either output. */
START_TEST(test_no_password)
{
	static const char *const args[] = { "-u", "bob", "imaps://h", NULL };
	struct options o;

	parse_args(args, false, &o);
	for (int json = 0; json <= 1; json++) {
		size_t len;
		char *out;

		o.json = json == 1;
		snprintf(o.cfg.password, sizeof(o.cfg.password), SECRET);
		o.cfg.have_password = true;
		snprintf(o.cfg.ep.tls.key_password,
			 sizeof(o.cfg.ep.tls.key_password), "Key" SECRET);
		out = print_to_memory(&o, &len);
		ck_assert_msg(strstr(out, SECRET) == NULL, "%s", out);
		free(out);
	}
}
END_TEST

/* Bytes from a URL reach the text output terminal-safe: no control
 * characters but the line ends. */
static const char *const unsafe_args[][ARGS_MAX] = {
	{ "imap://bob%1B%5D0%3Btitle%07@h" },
	{ "-u", "bob\x1b[2Jx", "h" },
	{ "--select", "IN\x1b[31mBOX", "h" },
};

START_TEST(test_text_terminal_safe)
{
	struct options o;
	size_t len;
	char *text;

	parse_args(unsafe_args[_i], false, &o);
	text = print_to_memory(&o, &len);
	for (size_t i = 0; i < len; i++)
		ck_assert_msg((unsigned char)text[i] >= 0x20 ||
			      text[i] == '\n', "byte %#x at %zu of the text "
			      "output", (unsigned char)text[i], i);
	free(text);
}
END_TEST

/* The checker itself: it refuses what is not JSON. */
START_TEST(test_checker)
{
	static const struct {
		const char *doc;
		bool ok;
	} docs[] = {
		{ "{\"a\":[1,-2,{\"b\":null}],"
		  "\"c\":\"\\u00e9\\ud83d\\ude00\"}", true },
		{ " [ true , false ] \n", true },
		{ "{\"a\":1,}", false }, { "[1,,2]", false },
		{ "[1 2]", false },
		{ "{\"a\" 1}", false }, { "{a:1}", false }, { "[01]", false },
		{ "\"a\nb\"", false }, { "\"\\x41\"", false },
		{ "\"\xff\"", false }, { "\"\\ud800\"", false },
		{ "{\"a\":1,\"a\":2}", false }, { "[1]]", false },
		{ "[1", false }, { "", false }, { "nul", false },
		{ "\"abc", false }, { "[1.5]", false },
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char err[128];
		struct jv *v = json_parse(docs[i].doc, strlen(docs[i].doc),
					  err, sizeof(err));

		ck_assert_msg((v != NULL) == docs[i].ok, "'%s': %s",
			      docs[i].doc, v != NULL ? "accepted" : err);
		jv_free(v);
	}
}
END_TEST

static void
no_password_env(void)
{
	unsetenv("IMAPCONN_PASSWORD");
}

Suite *
suite_dryrun(void)
{
	Suite *s = suite_create("dryrun");
	TCase *tc = tcase_create("print");

	tcase_add_checked_fixture(tc, no_password_env, NULL);
	tcase_add_test(tc, test_checker);
	tcase_add_loop_test(tc, test_text, 0, (int)N_CASES);
	tcase_add_loop_test(tc, test_json, 0, (int)N_CASES);
	tcase_add_test(tc, test_json_members);
	tcase_add_test(tc, test_no_password);
	tcase_add_loop_test(tc, test_text_terminal_safe, 0,
			    (int)(sizeof(unsafe_args) /
				  sizeof(unsafe_args[0])));
	suite_add_tcase(s, tc);
	return s;
}
