/* clientconfig.c - the IMAP servers of a Thunderbird clientConfig 1.1
 * file, parsed with libxml2 (no entities, no network) and validated:
 * host names, ports and socket types checked, text escaped. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clientconfig.h"
#include "escape.h"
#include "hostname.h"
#include "weblibs.h"

/* The text of element e, trimmed, into buf ("" when none or too long). */
static void
text_of(xmlNode *e, char *buf, size_t cap)
{
	const struct weblibs_xml *xa = weblibs_xml(NULL, 0);
	xmlChar *t = xa->node_get_content(e);
	const char *p = (const char *)t;
	size_t n;

	buf[0] = '\0';
	if (p == NULL)
		return;
	while (isspace((unsigned char)*p))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n < cap) {
		memcpy(buf, p, n);
		buf[n] = '\0';
	}
	xa->free(t);
}

static bool
named(const xmlNode *e, const char *name)
{
	return e->type == XML_ELEMENT_NODE
	       && strcmp((const char *)e->name, name) == 0;
}

/* The username template with the address's parts put in. */
static void
fill_user(const char *tmpl, const char *email, char *out, size_t cap)
{
	const char *at = strchr(email, '@');
	size_t local = at != NULL ? (size_t)(at - email) : strlen(email);
	const char *domain = at != NULL ? at + 1 : "";
	char raw[256];
	size_t o = 0;

	for (const char *p = tmpl; *p != '\0' && o + 1 < sizeof(raw);) {
		const char *put = NULL;
		size_t len = 0, skip = 1;

		if (strncmp(p, "%EMAILADDRESS%", 14) == 0)
			put = email, len = strlen(email), skip = 14;
		else if (strncmp(p, "%EMAILLOCALPART%", 16) == 0)
			put = email, len = local, skip = 16;
		else if (strncmp(p, "%EMAILDOMAIN%", 13) == 0)
			put = domain, len = strlen(domain), skip = 13;
		else
			put = p, len = 1;
		if (o + len >= sizeof(raw))
			break;
		memcpy(raw + o, put, len);
		o += len;
		p += skip;
	}
	raw[o] = '\0';
	escape_text(raw, o, out, cap);
}

static int
parse_socket(const char *s, enum clientconfig_socket *out)
{
	static const struct {
		const char *name;
		enum clientconfig_socket v;
	} names[] = {
		{ "SSL", CC_SSL }, { "TLS", CC_SSL },
		{ "STARTTLS", CC_STARTTLS }, { "plain", CC_PLAIN },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].v;
			return 0;
		}
	return -1;
}

/* Append an authentication value, escaped, to the server's list. */
static void
add_auth(struct clientconfig_server *sv, const char *v)
{
	char shown[48];
	size_t n = strlen(sv->auth);

	escape_text(v, strlen(v), shown, sizeof(shown));
	snprintf(sv->auth + n, sizeof(sv->auth) - n, "%s%s",
		 n > 0 ? " " : "", shown);
}

/* One child of an incomingServer into sv; false when it is invalid. */
static bool
server_field(xmlNode *c, struct clientconfig_server *sv, const char *email)
{
	char v[256];
	char *end;
	long port;

	text_of(c, v, sizeof(v));
	if (named(c, "hostname")) {
		for (char *p = v; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		snprintf(sv->host, sizeof(sv->host), "%s", v);
		return hostname_valid(sv->host);
	}
	if (named(c, "port")) {
		port = strtol(v, &end, 10);
		sv->port = (uint16_t)port;
		return v[0] != '\0' && *end == '\0' && port > 0
		       && port < 65536;
	}
	if (named(c, "socketType"))
		return parse_socket(v, &sv->socket) == 0;
	if (named(c, "username"))
		fill_user(v, email, sv->username, sizeof(sv->username));
	else if (named(c, "authentication") && v[0] != '\0')
		add_auth(sv, v);
	return true;
}

/* An incomingServer of type imap into sv: 0, or -1 when a field is
 * missing or invalid. */
static int
parse_server(xmlNode *e, const char *email, struct clientconfig_server *sv)
{
	bool ok = true;

	memset(sv, 0, sizeof(*sv));
	sv->socket = CC_PLAIN;
	for (xmlNode *c = e->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			ok = server_field(c, sv, email) && ok;
	return ok && sv->host[0] != '\0' && sv->port != 0 ? 0 : -1;
}

static bool
is_imap(xmlNode *e)
{
	const struct weblibs_xml *xa = weblibs_xml(NULL, 0);
	xmlChar *type = xa->get_prop(e, (const xmlChar *)"type");
	bool imap = type != NULL && strcmp((const char *)type, "imap") == 0;

	xa->free(type);
	return imap;
}

/* Every IMAP server of every emailProvider of the root. */
static void
collect(xmlNode *root, const char *email, struct clientconfig_server *out,
	size_t max, size_t *n, size_t *bad)
{
	for (xmlNode *p = root->children; p != NULL; p = p->next) {
		if (!named(p, "emailProvider"))
			continue;
		for (xmlNode *e = p->children; e != NULL; e = e->next) {
			if (!named(e, "incomingServer") || !is_imap(e))
				continue;
			if (*n < max && parse_server(e, email, &out[*n]) == 0)
				(*n)++;
			else if (*n < max)
				(*bad)++;
		}
	}
}

/* What the root said: 0 and how many servers, or -1. */
static int
report(size_t n, size_t bad, char *said, size_t cap)
{
	if (n == 0) {
		snprintf(said, cap, bad > 0 ? "%zu IMAP server%s, none valid"
			 : "no IMAP server in the file", bad,
			 bad == 1 ? "" : "s");
		return -1;
	}
	snprintf(said, cap, "%zu IMAP server%s%s", n, n == 1 ? "" : "s",
		 bad > 0 ? " (and invalid ones left out)" : "");
	return 0;
}

int
clientconfig_parse(const char *xml, size_t len, const char *email,
		   struct clientconfig_server *out, size_t max, size_t *n,
		   char *said, size_t cap)
{
	char why[200];
	const struct weblibs_xml *xa = weblibs_xml(why, sizeof(why));
	xmlDoc *doc;
	xmlNode *root;
	size_t bad = 0;
	int rc;

	*n = 0;
	if (xa == NULL) {
		escape_text(why, strlen(why), said, cap);
		return -1;
	}
	if (len > CLIENTCONFIG_BODY_MAX) {
		snprintf(said, cap, "larger than %d KiB: not read",
			 CLIENTCONFIG_BODY_MAX / 1024);
		return -1;
	}
	doc = xa->read_memory(xml, (int)len, "config-v1.1.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR
			    | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
	root = doc != NULL ? xa->doc_get_root_element(doc) : NULL;
	if (root == NULL || !named(root, "clientConfig")) {
		snprintf(said, cap, root == NULL ? "not XML" :
			 "not a clientConfig file");
		xa->free_doc(doc);
		return -1;
	}
	collect(root, email, out, max, n, &bad);
	rc = report(*n, bad, said, cap);
	xa->free_doc(doc);
	return rc;
}

const char *
clientconfig_socket_words(enum clientconfig_socket s)
{
	switch (s) {
	case CC_SSL:
		return "implicit TLS";
	case CC_STARTTLS:
		return "STARTTLS";
	default:
		return "plain";
	}
}
