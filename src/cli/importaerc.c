/* importaerc.c - the IMAP accounts of aerc's accounts.conf: sections
 * whose source is an imap://, imaps:// or imap+insecure:// URL. */
#include <stdio.h>
#include <string.h>

#include "importaerc.h"

/* The security an aerc scheme means: "imaps" TLS, "imap" STARTTLS,
 * "imap+insecure" plain; a "+mechanism" suffix names the SASL
 * mechanism.  0, or -1 when the scheme is not IMAP. */
static int
scheme(struct import_account *a, const char *s, int line)
{
	char said[64];
	const char *plus = strchr(s, '+');
	size_t base = plus != NULL ? (size_t)(plus - s) : strlen(s);

	snprintf(said, sizeof(said), "source = %s://", s);
	if (base == 5 && strncmp(s, "imaps", 5) == 0)
		importacct_set(a, IMPORT_R_SECURITY, "ssl", NULL, line, said);
	else if (base == 4 && strncmp(s, "imap", 4) == 0)
		importacct_set(a, IMPORT_R_SECURITY, "starttls",
			       plus != NULL && strcmp(plus, "+insecure") == 0
			       ? "off" : NULL, line, said);
	else
		return -1;
	if (plus == NULL || strcmp(plus, "+insecure") == 0)
		return 0;
	if (strcmp(plus, "+oauthbearer") == 0 || strcmp(plus, "+xoauth2")
	    == 0 || strcmp(plus, "+plain") == 0)
		importacct_set(a, IMPORT_R_AUTH, "auth", plus + 1, line,
			       said);
	else
		importacct_note(a, line, "%s: a mechanism imapconn does not "
				"know", said);
	return 0;
}

/* source = URL: the account's server. */
static void
source(struct import_account *a, const char *v, int line)
{
	struct import_url u;

	if (importacct_url(v, &u) != 0 || scheme(a, u.scheme, line) != 0) {
		importacct_note(a, line, "source: not an IMAP URL");
		return;
	}
	importacct_set(a, IMPORT_R_HOST, "host", u.host, line, "source");
	if (u.port[0] != '\0')
		importacct_set(a, IMPORT_R_PORT, "port", u.port, line,
			       "the port in source");
	if (u.user[0] != '\0')
		importacct_set(a, IMPORT_R_USER, "user", u.user, line,
			       "the user in source");
	if (u.pass[0] != '\0') {
		importacct_password(a, u.pass, line);
		importacct_note(a, line, "a password in source (used only "
				"with --use-stored-password)");
	}
	explicit_bzero(&u, sizeof(u));
}

static void
key_value(struct import_account *a, const char *key, const char *v,
	  int line)
{
	if (strcmp(key, "source") == 0)
		source(a, v, line);
	else if (strcmp(key, "source-cred-cmd") == 0)
		importacct_set(a, IMPORT_R_PASSWORD, "password-command", v,
			       line, "source-cred-cmd");
	else if (strcmp(key, "outgoing") == 0
		 || strcmp(key, "outgoing-cred-cmd") == 0
		 || strcmp(key, "from") == 0)
		return;
	else if (strncmp(key, "source", 6) == 0)
		importacct_note(a, line, "%s: not translated", key);
}

/* The accounts file being read. */
struct aerc_state {
	struct import_account *a;
	const char *file;
	struct import_list *out;
};

/* An account without an IMAP source is no IMAP account. */
static void
finish(struct aerc_state *st)
{
	if (st->a != NULL && importacct_get(st->a, "host") == NULL)
		importacct_drop_last(st->out);
	st->a = NULL;
}

static void
one_line(void *state, char *buf, int line)
{
	struct aerc_state *st = state;
	char *key, *value;
	int r = importacct_ini(buf, &key, &value);

	if (r == 1) {
		finish(st);
		st->a = importacct_add(st->out, IMPORT_AERC, st->file, key,
				       line);
	} else if (r == 2 && st->a != NULL) {
		key_value(st->a, key, value, line);
	} else if (r < 0 && st->a != NULL) {
		importacct_note(st->a, line, "not key = value");
	}
}

void
importaerc_parse(const char *text, size_t len, const char *file,
		 struct import_list *out)
{
	struct aerc_state st = { NULL, file, out };

	importacct_each(text, len, one_line, &st, &st.a);
	finish(&st);
}
