/* importmbsync.c - the IMAPAccount sections of an mbsync (isync)
 * configuration, and IMAPStore sections that name their own Host,
 * translated into imapconn options. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "importmbsync.h"
#include "options.h"

/* The account being read, and the line of its security choice. */
struct mbsync_state {
	struct import_account *a;
	int sec_line;		/* SSLType or TLSType; 0: none */
	bool store;		/* an IMAPStore: dropped without a Host */
	const char *file;
	struct import_list *out;
};

/* "LOGIN PLAIN" (mbsync's names) as --auth's list; "" for "*". */
static int
auth_list(const char *v, char *out, size_t cap)
{
	char word[64], err[256];
	const char *p = v;
	unsigned bits;
	size_t n = 0;
	int r;

	out[0] = '\0';
	while ((r = importacct_word(&p, word, sizeof(word))) == 1) {
		if (strcmp(word, "*") == 0)
			return 0;
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s",
				      n > 0 ? "," : "", word);
		if (n >= cap)
			return -1;
	}
	if (r < 0)
		return -1;
	return options_parse_auth(out, &bits, err, sizeof(err));
}

static void
security(struct mbsync_state *st, const char *v, int line,
	 const char *said)
{
	if (strcasecmp(v, "IMAPS") == 0) {
		importacct_unset(st->a, "starttls");
		importacct_set(st->a, IMPORT_R_SECURITY, "ssl", NULL, line,
			       said);
	} else if (strcasecmp(v, "STARTTLS") == 0) {
		importacct_unset(st->a, "ssl");
		importacct_set(st->a, IMPORT_R_SECURITY, "starttls", NULL,
			       line, said);
	} else if (strcasecmp(v, "None") == 0) {
		importacct_unset(st->a, "ssl");
		importacct_set(st->a, IMPORT_R_SECURITY, "starttls", "off",
			       line, said);
	} else {
		importacct_note(st->a, line, "%s: not None, STARTTLS or "
				"IMAPS", said);
		return;
	}
	st->sec_line = line;
}

/* Keys that become one option with the value as it is. */
static const struct import_direct direct[] = {
	{ "Host", "host", IMPORT_R_HOST },
	{ "Port", "port", IMPORT_R_PORT },
	{ "User", "user", IMPORT_R_USER },
	{ "PassCmd", "password-command", IMPORT_R_PASSWORD },
	{ "Tunnel", "tunnel", IMPORT_R_TUNNEL },
	{ "CertificateFile", "ca-file", IMPORT_R_CA },
	{ "ClientCertificate", "cert", IMPORT_R_CERT },
	{ "ClientKey", "key", IMPORT_R_CERT },
	{ "CipherString", "ciphers", IMPORT_R_SECURITY },
};

static void
key_value(struct mbsync_state *st, const char *key, const char *v,
	  int line, const char *said)
{
	const struct import_direct *d = importacct_direct(direct,
		sizeof(direct) / sizeof(direct[0]), key);
	char list[256];

	if (d != NULL) {
		/* "+cmd": mbsync's mark for a command it reruns. */
		if (d->role == IMPORT_R_PASSWORD && *v == '+')
			v++;
		importacct_set(st->a, d->role, d->option, v, line, said);
		return;
	}
	if (strcasecmp(key, "SSLType") == 0 || strcasecmp(key, "TLSType")
	    == 0)
		security(st, v, line, said);
	else if (strcasecmp(key, "Pass") == 0) {
		importacct_password(st->a, v, line);
		importacct_note(st->a, line, "Pass: a stored password (used "
				"only with --use-stored-password)");
	} else if (strcasecmp(key, "AuthMechs") == 0
		   || strcasecmp(key, "AuthMech") == 0) {
		if (auth_list(v, list, sizeof(list)) != 0)
			importacct_note(st->a, line, "%s: a mechanism imapconn"
					" does not know", said);
		else if (list[0] != '\0')
			importacct_set(st->a, IMPORT_R_AUTH, "auth", list,
				       line, said);
	} else if (strcasecmp(key, "PipelineDepth") == 0
		   && strcmp(v, "1") == 0)
		importacct_set(st->a, IMPORT_R_SECURITY, "no-pipelining",
			       NULL, line, said);
	else
		importacct_note(st->a, line, "%s: not translated", key);
}

/* The account's defaults once its section has ended. */
static void
finish_account(struct mbsync_state *st)
{
	if (st->a == NULL)
		return;
	if (st->store && importacct_get(st->a, "host") == NULL
	    && importacct_get(st->a, "tunnel") == NULL) {
		importacct_drop_last(st->out);
		st->a = NULL;
		return;
	}
	if (st->sec_line == 0 && importacct_get(st->a, "tunnel") == NULL)
		importacct_set(st->a, IMPORT_R_SECURITY, "starttls", NULL,
			       st->a->line, "no SSLType: STARTTLS by default");
	if (importacct_get(st->a, "host") == NULL
	    && importacct_get(st->a, "tunnel") == NULL)
		importacct_note(st->a, st->a->line, "no Host and no Tunnel");
	st->a = NULL;
	st->sec_line = 0;
}

/* A section keyword: IMAPAccount starts an account, IMAPStore with a
 * Host of its own too (seen when the Host comes). */
static void
section(struct mbsync_state *st, const char *key, const char *name,
	int line)
{
	finish_account(st);
	st->store = strcasecmp(key, "IMAPStore") == 0;
	if (strcasecmp(key, "IMAPAccount") == 0
	    || strcasecmp(key, "IMAPStore") == 0)
		st->a = importacct_add(st->out, IMPORT_MBSYNC, st->file,
				       name, line);
}

static bool
is_section(const char *key)
{
	static const char *const keys[] = {
		"IMAPAccount", "IMAPStore", "MaildirStore", "Channel",
		"Group", "MaildirAccount"
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcasecmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* The value after a key: one quoted string, else the rest of the line
 * ("AuthMechs PLAIN LOGIN").  0, or -1 an unclosed quote. */
static int
value_of(const char *p, char *out, size_t cap)
{
	if (*p == '"' || *p == '\'')
		return importacct_word(&p, out, cap) < 0 ? -1 : 0;
	snprintf(out, cap, "%s", p);
	return 0;
}

static void
one_line(void *state, char *buf, int line)
{
	struct mbsync_state *st = state;
	char key[64], value[IMPORT_LINE_MAX], said[IMPORT_LINE_MAX + 80];
	const char *p = importacct_trim(buf);

	if (*p == '#' || *p == '\0')
		return;
	if (importacct_word(&p, key, sizeof(key)) != 1)
		return;
	if (value_of(p, value, sizeof(value)) < 0) {
		if (st->a != NULL)
			importacct_note(st->a, line, "%s: an unclosed quote",
					key);
		return;
	}
	if (is_section(key)) {
		section(st, key, value, line);
		return;
	}
	if (st->a == NULL)
		return;
	/* Only the key: a stored password stays out of the words. */
	snprintf(said, sizeof(said), "%s %s", key,
		 strcasecmp(key, "Pass") == 0 ? "..." : value);
	if (!st->store || strcasecmp(key, "Account") != 0)
		key_value(st, key, value, line, said);
}

void
importmbsync_parse(const char *text, size_t len, const char *file,
		   struct import_list *out)
{
	struct mbsync_state st = { NULL, 0, false, file, out };

	importacct_each(text, len, one_line, &st, &st.a);
	finish_account(&st);
}
