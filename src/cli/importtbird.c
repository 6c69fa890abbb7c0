/* importtbird.c - the IMAP servers of a Thunderbird profile's prefs.js:
 * user_pref("mail.server.serverN.KEY", VALUE) lines grouped by N. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importtbird.h"

enum tb_key {
	TB_TYPE = 0, TB_HOST, TB_PORT, TB_SOCKET, TB_USER, TB_AUTH,
	TB_NAME, TB_KEY_COUNT
};

static const char *const tb_keys[TB_KEY_COUNT] = {
	"type", "hostname", "port", "socketType", "userName", "authMethod",
	"name"
};

#define TB_SERVERS_MAX 64
#define TB_VALUE_MAX 256

struct tb_server {
	char id[16];		/* "server3" */
	char value[TB_KEY_COUNT][TB_VALUE_MAX];
	int line[TB_KEY_COUNT];
	int first;		/* the line of its first pref */
};

struct tb_state {
	struct tb_server s[TB_SERVERS_MAX];
	size_t n;
};

/* A JavaScript string at p ("...", with backslash escapes) or a bare
 * number or boolean into out; -1 when it is neither or too long. */
static int
js_value(const char *p, char *out, size_t cap)
{
	size_t n = 0;

	if (*p != '"') {
		n = strspn(p, "0123456789-truefals");
		if (n == 0 || n >= cap)
			return -1;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	for (p++; *p != '"'; p++) {
		if (*p == '\0' || n + 1 >= cap)
			return -1;
		if (*p == '\\' && p[1] != '\0')
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
	return 0;
}

static struct tb_server *
server(struct tb_state *st, const char *id, size_t len, int line)
{
	for (size_t i = 0; i < st->n; i++)
		if (strlen(st->s[i].id) == len
		    && memcmp(st->s[i].id, id, len) == 0)
			return &st->s[i];
	if (st->n >= TB_SERVERS_MAX || len >= sizeof(st->s[0].id))
		return NULL;
	memcpy(st->s[st->n].id, id, len);
	st->s[st->n].first = line;
	return &st->s[st->n++];
}

/* user_pref("mail.server.ID.KEY", VALUE); */
static void
one_line(void *state, char *buf, int line)
{
	struct tb_state *st = state;
	const char *p = buf;
	static const char head[] = "user_pref(\"mail.server.";
	const char *id, *key, *q;
	struct tb_server *s;
	size_t klen;

	p += strspn(p, " \t");
	if (strncmp(p, head, sizeof(head) - 1) != 0)
		return;
	id = p + sizeof(head) - 1;
	key = strchr(id, '.');
	q = key != NULL ? strchr(key, '"') : NULL;
	if (q == NULL || strncmp(id, "server", 6) != 0)
		return;
	klen = (size_t)(q - key - 1);
	for (int k = 0; k < TB_KEY_COUNT; k++) {
		if (strlen(tb_keys[k]) != klen
		    || memcmp(key + 1, tb_keys[k], klen) != 0)
			continue;
		s = server(st, id, (size_t)(key - id), line);
		q += 1 + strspn(q + 1, " \t");
		if (s == NULL || *q != ',')
			return;
		q += 1 + strspn(q + 1, " \t");
		if (js_value(q, s->value[k], TB_VALUE_MAX) == 0)
			s->line[k] = line;
		return;
	}
}

static void
security(struct import_account *a, const struct tb_server *s)
{
	const char *v = s->value[TB_SOCKET];
	int line = s->line[TB_SOCKET];
	char said[64];

	snprintf(said, sizeof(said), "socketType %s", line ? v : "unset");
	if (line == 0 || strcmp(v, "0") == 0)
		importacct_set(a, IMPORT_R_SECURITY, "starttls", "off",
			       line ? line : s->first, said);
	else if (strcmp(v, "3") == 0)
		importacct_set(a, IMPORT_R_SECURITY, "ssl", NULL, line, said);
	else if (strcmp(v, "2") == 0 || strcmp(v, "1") == 0)
		importacct_set(a, IMPORT_R_SECURITY, "starttls",
			       strcmp(v, "1") == 0 ? "opportunistic" : NULL,
			       line, said);
	else
		importacct_note(a, line, "%s: not 0, 2 or 3", said);
}

/* authMethod (nsMsgAuthMethod) as --auth's list; NULL: none fits. */
static const char *
auth_of(const char *v)
{
	static const struct {
		const char *num, *auth;
	} map[] = {
		{ "3", "login,plain" }, { "4", "cram-md5" },
		{ "5", "gssapi" }, { "7", "external" },
		{ "10", "oauthbearer,xoauth2" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(v, map[i].num) == 0)
			return map[i].auth;
	return NULL;
}

static void
login(struct import_account *a, const struct tb_server *s)
{
	const char *v = s->value[TB_AUTH], *au;
	char said[64];

	if (s->line[TB_USER] != 0)
		importacct_set(a, IMPORT_R_USER, "user", s->value[TB_USER],
			       s->line[TB_USER], "userName");
	if (s->line[TB_AUTH] == 0 || strcmp(v, "9") == 0)
		return;
	snprintf(said, sizeof(said), "authMethod %s", v);
	au = auth_of(v);
	if (au != NULL)
		importacct_set(a, IMPORT_R_AUTH, "auth", au, s->line[TB_AUTH],
			       said);
	else
		importacct_note(a, s->line[TB_AUTH], "%s: no mechanism "
				"imapconn speaks", said);
	if (strcmp(v, "10") == 0)
		importacct_note(a, s->line[TB_AUTH], "OAuth 2.0: Thunderbird"
				" keeps the token; give "
				"--oauth-token-command");
}

static void
build(const struct tb_server *s, const char *file,
      struct import_list *out)
{
	struct import_account *a;

	if (strcmp(s->value[TB_TYPE], "imap") != 0)
		return;
	a = importacct_add(out, IMPORT_THUNDERBIRD, file, s->id,
			   s->line[TB_TYPE]);
	if (a == NULL)
		return;
	if (s->line[TB_NAME] != 0)
		importacct_note(a, s->line[TB_NAME], "name: \"%s\"",
				s->value[TB_NAME]);
	if (s->line[TB_HOST] != 0)
		importacct_set(a, IMPORT_R_HOST, "host", s->value[TB_HOST],
			       s->line[TB_HOST], "hostname");
	else
		importacct_note(a, s->first, "no hostname");
	if (s->line[TB_PORT] != 0)
		importacct_set(a, IMPORT_R_PORT, "port", s->value[TB_PORT],
			       s->line[TB_PORT], "port");
	security(a, s);
	login(a, s);
}

void
importtbird_parse(const char *text, size_t len, const char *file,
		  struct import_list *out)
{
	struct tb_state *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return;
	importacct_each(text, len, one_line, st, NULL);
	for (size_t i = 0; i < st->n; i++)
		build(&st->s[i], file, out);
	free(st);
}
