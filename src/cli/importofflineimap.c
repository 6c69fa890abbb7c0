/* importofflineimap.c - the IMAP repositories of an offlineimap
 * configuration: [Repository NAME] sections of type IMAP or Gmail. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importofflineimap.h"
#include "options.h"

/* The repository being read, and its security keys. */
struct oi_state {
	struct import_account *a;
	bool imap;		/* type = IMAP or Gmail seen */
	int ssl_line, starttls_line;
	bool ssl, starttls;	/* offlineimap's defaults: both yes */
	const char *file;
	struct import_list *out;
};

static const struct import_direct direct[] = {
	{ "remotehost", "host", IMPORT_R_HOST },
	{ "remoteport", "port", IMPORT_R_PORT },
	{ "remoteuser", "user", IMPORT_R_USER },
	{ "remotepassfile", "password-file", IMPORT_R_PASSWORD },
	{ "sslcacertfile", "ca-file", IMPORT_R_CA },
	{ "sslclientcert", "cert", IMPORT_R_CERT },
	{ "sslclientkey", "key", IMPORT_R_CERT },
	{ "preauthtunnel", "tunnel", IMPORT_R_TUNNEL },
};

static void
auth(struct import_account *a, const char *v, int line)
{
	char list[256], err[256];
	unsigned bits;
	size_t n = 0;

	/* "GSSAPI, XOAUTH2, CRAM-MD5, PLAIN, LOGIN" */
	for (; *v != '\0' && n + 1 < sizeof(list); v++)
		if (*v != ' ' && *v != '\t')
			list[n++] = *v;
	list[n] = '\0';
	if (options_parse_auth(list, &bits, err, sizeof(err)) == 0)
		importacct_set(a, IMPORT_R_AUTH, "auth", list, line,
			       "auth_mechanisms");
	else
		importacct_note(a, line, "auth_mechanisms: %s", err);
}

static void
key_value(struct oi_state *st, const char *key, const char *v, int line)
{
	const struct import_direct *d = importacct_direct(direct,
		sizeof(direct) / sizeof(direct[0]), key);
	char said[IMPORT_LINE_MAX + 8];

	snprintf(said, sizeof(said), "%s = %s", key, v);
	if (d != NULL) {
		if (d->role != IMPORT_R_CA || strcmp(v, "OS-DEFAULT") != 0)
			importacct_set(st->a, d->role, d->option, v, line,
				       said);
		return;
	}
	if (strcasecmp(key, "type") == 0)
		st->imap = strcasecmp(v, "IMAP") == 0
			   || strcasecmp(v, "Gmail") == 0;
	else if (strcasecmp(key, "ssl") == 0)
		st->ssl = importacct_yes(v), st->ssl_line = line;
	else if (strcasecmp(key, "starttls") == 0)
		st->starttls = importacct_yes(v), st->starttls_line = line;
	else if (strcasecmp(key, "auth_mechanisms") == 0)
		auth(st->a, v, line);
	else if (strcasecmp(key, "remotepass") == 0) {
		importacct_password(st->a, v, line);
		importacct_note(st->a, line, "remotepass: a stored password "
				"(used only with --use-stored-password)");
	} else if (strncasecmp(key, "remote", 6) == 0
		   || strncasecmp(key, "ssl", 3) == 0
		   || strcasecmp(key, "cert_fingerprint") == 0)
		importacct_note(st->a, line, "%s: not translated", key);
}

static void
security(struct oi_state *st)
{
	struct import_account *a = st->a;

	if (st->ssl)
		importacct_set(a, IMPORT_R_SECURITY, "ssl", NULL,
			       st->ssl_line ? st->ssl_line : a->line,
			       st->ssl_line ? "ssl = yes"
					    : "no ssl: yes by default");
	else if (st->starttls)
		importacct_set(a, IMPORT_R_SECURITY, "starttls",
			       "opportunistic", st->starttls_line
			       ? st->starttls_line : st->ssl_line,
			       "ssl = no, starttls = yes");
	else
		importacct_set(a, IMPORT_R_SECURITY, "starttls", "off",
			       st->starttls_line, "starttls = no");
}

/* The repository's end: kept if it is IMAP. */
static void
finish(struct oi_state *st)
{
	const char *file = st->file;
	struct import_list *out = st->out;

	if (st->a == NULL)
		return;
	if (!st->imap) {
		importacct_drop_last(out);
	} else {
		if (importacct_get(st->a, "host") == NULL
		    && importacct_get(st->a, "tunnel") == NULL)
			importacct_note(st->a, st->a->line, "no remotehost");
		if (importacct_get(st->a, "tunnel") == NULL)
			security(st);
	}
	memset(st, 0, sizeof(*st));
	st->ssl = st->starttls = true;
	st->file = file;
	st->out = out;
}

static void
section(struct oi_state *st, char *name, int line)
{
	finish(st);
	if (strncasecmp(name, "Repository ", 11) == 0)
		st->a = importacct_add(st->out, IMPORT_OFFLINEIMAP, st->file,
				       importacct_trim(name + 11),
				       line);
}

static void
one_line(void *state, char *buf, int line)
{
	struct oi_state *st = state;
	char *key, *value;
	int r = importacct_ini(buf, &key, &value);

	if (r == 1)
		section(st, key, line);
	else if (r == 2 && st->a != NULL)
		key_value(st, key, value, line);
}

void
importofflineimap_parse(const char *text, size_t len, const char *file,
			struct import_list *out)
{
	struct oi_state st = { NULL, false, 0, 0, true, true, file, out };

	importacct_each(text, len, one_line, &st, &st.a);
	finish(&st);
}
