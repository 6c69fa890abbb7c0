/* importmutt.c - the IMAP account of a neomutt or mutt configuration:
 * its folder or spoolfile imap:// or imaps:// URL and the imap_ and
 * ssl_ variables that decide how it connects. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importmutt.h"
#include "options.h"

/* The variables read, each the last value set and its line. */
enum mutt_var {
	MV_FOLDER = 0, MV_SPOOLFILE, MV_USER, MV_PASS, MV_FORCE_TLS,
	MV_STARTTLS, MV_TUNNEL, MV_AUTHENTICATORS, MV_OAUTH, MV_CA,
	MV_CERT, MV_COUNT
};

static const char *const var_names[MV_COUNT] = {
	"folder", "spoolfile", "imap_user", "imap_pass", "ssl_force_tls",
	"ssl_starttls", "tunnel", "imap_authenticators",
	"imap_oauth_refresh_command", "ssl_ca_certificates_file",
	"ssl_client_cert"
};

#define MUTT_NOTES_MAX 16

struct mutt_state {
	char *value[MV_COUNT];
	int line[MV_COUNT];
	int note_line[MUTT_NOTES_MAX];
	char note[MUTT_NOTES_MAX][128];
	size_t n_notes;
};

static enum mutt_var
var_of(const char *name)
{
	int i;

	/* neomutt's newer spelling */
	if (strcmp(name, "spool_file") == 0)
		return MV_SPOOLFILE;
	for (i = 0; i < MV_COUNT; i++)
		if (strcmp(name, var_names[i]) == 0)
			return (enum mutt_var)i;
	return MV_COUNT;
}

static void
note(struct mutt_state *st, int line, const char *what)
{
	if (st->n_notes >= MUTT_NOTES_MAX)
		return;
	st->note_line[st->n_notes] = line;
	snprintf(st->note[st->n_notes++], sizeof(st->note[0]), "%s", what);
}

static void
assign(struct mutt_state *st, const char *name, const char *value,
       int line)
{
	enum mutt_var v = var_of(name);

	if (v == MV_COUNT)
		return;
	free(st->value[v]);
	st->value[v] = strdup(value);
	st->line[v] = line;
}

/* A value after "=": `command` kept with its backticks, else a word. */
static int
value_word(const char **p, char *out, size_t cap)
{
	const char *s = *p, *end;

	if (*s != '`')
		return importacct_word(p, out, cap);
	end = strchr(s + 1, '`');
	if (end == NULL || (size_t)(end - s + 1) >= cap)
		return -1;
	memcpy(out, s, (size_t)(end - s + 1));
	out[end - s + 1] = '\0';
	*p = end + 1;
	while (**p == ' ' || **p == '\t')
		(*p)++;
	return 1;
}

/* The assignments of a set line after "set": name=value, name,
 * noname, invname. */
static void
set_line(struct mutt_state *st, const char *p, int line, bool unset)
{
	char name[64], value[IMPORT_LINE_MAX];
	size_t n;

	while (*p != '\0' && *p != '#') {
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz_0123456789");
		if (n == 0 || n >= sizeof(name))
			return;
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + strspn(p + n, " \t");
		if (*p == '=' && !unset) {
			p += 1 + strspn(p + 1, " \t");
			if (value_word(&p, value, sizeof(value)) != 1) {
				note(st, line, "a value that does not end");
				return;
			}
		} else if (strncmp(name, "no", 2) == 0 && !unset) {
			memmove(name, name + 2, strlen(name + 2) + 1);
			snprintf(value, sizeof(value), "no");
		} else {
			snprintf(value, sizeof(value), unset ? "no" : "yes");
		}
		assign(st, name, value, line);
	}
}

static void
one_line(struct mutt_state *st, char *buf, int line)
{
	char *p = importacct_trim(buf);
	size_t n = strcspn(p, " \t");

	if (*p == '#' || *p == '\0')
		return;
	if (n == 3 && strncmp(p, "set", 3) == 0)
		set_line(st, p + 3 + strspn(p + 3, " \t"), line, false);
	else if ((n == 5 && strncmp(p, "unset", 5) == 0)
		 || (n == 5 && strncmp(p, "reset", 5) == 0))
		set_line(st, p + 5 + strspn(p + 5, " \t"), line, true);
	else if (n == 6 && strncmp(p, "source", 6) == 0)
		note(st, line, "source: the file it names is not read");
}

/* The URL s if it is imap:// or imaps://; -1 otherwise. */
static int
parse_url(const char *s, struct import_url *u)
{
	if (importacct_url(s, u) != 0)
		return -1;
	return strcmp(u->scheme, "imaps") == 0
	       || strcmp(u->scheme, "imap") == 0 ? 0 : -1;
}

/* "`cmd`" is a command whose output is the value. */
static bool
backticked(const char *v, char *cmd, size_t cap)
{
	size_t n = strlen(v);

	if (n < 3 || v[0] != '`' || v[n - 1] != '`' || n - 2 >= cap)
		return false;
	memcpy(cmd, v + 1, n - 2);
	cmd[n - 2] = '\0';
	return true;
}

/* Whether a yes-or-no variable is yes; def when it is not set. */
static bool
flag(const struct mutt_state *st, enum mutt_var v, bool def)
{
	if (st->value[v] == NULL)
		return def;
	return importacct_yes(st->value[v])
	       || strcmp(st->value[v], "ask-yes") == 0;
}

static void
security(struct import_account *a, const struct mutt_state *st,
	 const struct import_url *u, enum mutt_var url, bool neomutt)
{
	char said[128];
	bool force = flag(st, MV_FORCE_TLS, neomutt);
	bool start = flag(st, MV_STARTTLS, true);
	int fl = st->line[MV_FORCE_TLS], sl = st->line[MV_STARTTLS];

	if (strcmp(u->scheme, "imaps") == 0) {
		importacct_set(a, IMPORT_R_SECURITY, "ssl", NULL,
			       st->line[url], "imaps://");
		return;
	}
	if (force) {
		snprintf(said, sizeof(said), "ssl_force_tls=yes%s",
			 fl != 0 ? "" : " (its default)");
		importacct_set(a, IMPORT_R_SECURITY, "starttls", NULL,
			       fl != 0 ? fl : st->line[url], said);
	} else if (start) {
		snprintf(said, sizeof(said), "ssl_starttls=yes%s without "
			 "ssl_force_tls", sl != 0 ? "" : " (its default)");
		importacct_set(a, IMPORT_R_SECURITY, "starttls",
			       "opportunistic", sl != 0 ? sl : st->line[url],
			       said);
	} else {
		importacct_set(a, IMPORT_R_SECURITY, "starttls", "off", sl,
			       "ssl_starttls=no");
	}
}

/* user, password and mechanisms. */
static void
login(struct import_account *a, const struct mutt_state *st,
      const struct import_url *u, enum mutt_var url)
{
	char cmd[IMPORT_LINE_MAX], err[256];
	const char *au = st->value[MV_AUTHENTICATORS];
	unsigned bits;

	if (u->user[0] != '\0')
		importacct_set(a, IMPORT_R_USER, "user", u->user,
			       st->line[url], "the user in the URL");
	else if (st->value[MV_USER] != NULL)
		importacct_set(a, IMPORT_R_USER, "user", st->value[MV_USER],
			       st->line[MV_USER], "imap_user");
	if (u->pass[0] != '\0')
		importacct_password(a, u->pass, st->line[url]);
	else if (st->value[MV_PASS] != NULL
		 && backticked(st->value[MV_PASS], cmd, sizeof(cmd)))
		importacct_set(a, IMPORT_R_PASSWORD, "password-command", cmd,
			       st->line[MV_PASS], "imap_pass=`...`");
	else if (st->value[MV_PASS] != NULL)
		importacct_password(a, st->value[MV_PASS], st->line[MV_PASS]);
	if (a->stored_password != NULL)
		importacct_note(a, a->password_line, "a stored password "
				"(used only with --use-stored-password)");
	if (au == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "%s", au);
	for (char *c = cmd; *c != '\0'; c++)
		if (*c == ':')
			*c = ',';
	if (options_parse_auth(cmd, &bits, err, sizeof(err)) == 0)
		importacct_set(a, IMPORT_R_AUTH, "auth", cmd,
			       st->line[MV_AUTHENTICATORS],
			       "imap_authenticators");
	else
		importacct_note(a, st->line[MV_AUTHENTICATORS],
				"imap_authenticators: %s", err);
}

static void
others(struct import_account *a, const struct mutt_state *st)
{
	static const struct {
		enum mutt_var v;
		const char *option;
		enum import_role role;
	} map[] = {
		{ MV_TUNNEL, "tunnel", IMPORT_R_TUNNEL },
		{ MV_OAUTH, "oauth-token-command", IMPORT_R_PASSWORD },
		{ MV_CA, "ca-file", IMPORT_R_CA },
		{ MV_CERT, "cert", IMPORT_R_CERT },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (st->value[map[i].v] != NULL
		    && st->value[map[i].v][0] != '\0')
			importacct_set(a, map[i].role, map[i].option,
				       st->value[map[i].v],
				       st->line[map[i].v],
				       var_names[map[i].v]);
	for (size_t i = 0; i < st->n_notes; i++)
		importacct_note(a, st->note_line[i], "%s", st->note[i]);
}

static void
build(const struct mutt_state *st, const char *file,
      struct import_list *out)
{
	enum mutt_var url = MV_FOLDER;
	bool neomutt = strstr(file, "neomutt") != NULL;
	struct import_account *a;
	struct import_url u;
	char name[600];

	if (st->value[url] == NULL || parse_url(st->value[url], &u) != 0) {
		url = MV_SPOOLFILE;
		if (st->value[url] == NULL
		    || parse_url(st->value[url], &u) != 0)
			return;
	}
	snprintf(name, sizeof(name), "%s%s%s", u.user[0] != '\0' ? u.user
		 : st->value[MV_USER] != NULL ? st->value[MV_USER] : "",
		 u.user[0] != '\0' || st->value[MV_USER] != NULL ? "@" : "",
		 u.host);
	a = importacct_add(out, neomutt ? IMPORT_NEOMUTT : IMPORT_MUTT,
			   file, name, st->line[url]);
	if (a == NULL)
		return;
	importacct_set(a, IMPORT_R_HOST, "host", u.host, st->line[url],
		       var_names[url]);
	if (u.port[0] != '\0')
		importacct_set(a, IMPORT_R_PORT, "port", u.port,
			       st->line[url], "the port in the URL");
	security(a, st, &u, url, neomutt);
	login(a, st, &u, url);
	others(a, st);
	explicit_bzero(&u, sizeof(u));
}

void
importmutt_parse(const char *text, size_t len, const char *file,
		 struct import_list *out)
{
	struct mutt_state st;
	char buf[IMPORT_LINE_MAX];
	size_t pos = 0;
	int line = 0, r;

	memset(&st, 0, sizeof(st));
	while ((r = importacct_line(text, len, &pos, buf, sizeof(buf),
				    &line)) != 0) {
		if (r < 0)
			note(&st, line, "line too long or holding NUL: "
			     "skipped");
		else
			one_line(&st, buf, line);
	}
	build(&st, file, out);
	explicit_bzero(buf, sizeof(buf));
	for (int i = 0; i < MV_COUNT; i++) {
		if (st.value[i] != NULL)
			explicit_bzero(st.value[i], strlen(st.value[i]));
		free(st.value[i]);
	}
}
