/* importacct.c - an account read from another client's settings: its
 * translated options with their lines, its notes, and the line and
 * word readers the parsers share. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "escape.h"
#include "importacct.h"

static const char *const client_names[IMPORT_CLIENT_COUNT] = {
	"mbsync", "mutt", "neomutt", "thunderbird", "aerc", "offlineimap"
};

const char *
importacct_client_name(enum import_client c)
{
	return (unsigned)c < IMPORT_CLIENT_COUNT ? client_names[c] : "?";
}

/* s escaped into a new string; NULL out of memory. */
static char *
escaped(const char *s)
{
	size_t len = strlen(s), need = escape_text_len(s, len) + 1;
	char *out = malloc(need);

	if (out != NULL)
		escape_text(s, len, out, need);
	return out;
}

static char *
copy(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct import_account *
importacct_add(struct import_list *l, enum import_client client,
	       const char *file, const char *name, int line)
{
	struct import_account *a;

	if (l->n >= IMPORT_ACCOUNTS_MAX) {
		l->full = true;
		return NULL;
	}
	a = &l->acc[l->n];
	memset(a, 0, sizeof(*a));
	a->client = client;
	a->line = line;
	a->file = copy(file);
	a->name = escaped(name);
	if (a->file == NULL || a->name == NULL) {
		free(a->file);
		free(a->name);
		return NULL;
	}
	l->n++;
	return a;
}

static void
setting_free(struct import_setting *s)
{
	free(s->option);
	free(s->value);
	free(s->said);
}

static ssize_t
find(const struct import_account *a, const char *option)
{
	for (size_t i = 0; i < a->n_set; i++)
		if (strcmp(a->set[i].option, option) == 0)
			return (ssize_t)i;
	return -1;
}

void
importacct_unset(struct import_account *a, const char *option)
{
	ssize_t i = find(a, option);

	if (i < 0)
		return;
	setting_free(&a->set[i]);
	memmove(&a->set[i], &a->set[i + 1],
		(a->n_set - (size_t)i - 1) * sizeof(a->set[0]));
	a->n_set--;
}

void
importacct_set(struct import_account *a, enum import_role role,
	       const char *option, const char *value, int line,
	       const char *said)
{
	struct import_setting s = { role, copy(option), copy(value), line,
				    escaped(said) };

	importacct_unset(a, option);
	if (s.option == NULL || s.said == NULL
	    || (value != NULL && s.value == NULL)
	    || a->n_set >= IMPORT_ITEMS_MAX) {
		setting_free(&s);
		return;
	}
	a->set[a->n_set++] = s;
}

const struct import_setting *
importacct_get(const struct import_account *a, const char *option)
{
	ssize_t i = find(a, option);

	return i < 0 ? NULL : &a->set[i];
}

void
importacct_note(struct import_account *a, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (a->n_notes >= IMPORT_ITEMS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	a->notes[a->n_notes].line = line;
	a->notes[a->n_notes].text = escaped(text);
	if (a->notes[a->n_notes].text != NULL)
		a->n_notes++;
}

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
importacct_password(struct import_account *a, const char *pw, int line)
{
	wipe_free(a->stored_password);
	a->stored_password = copy(pw);
	a->password_line = line;
}

int
importacct_line(const char *text, size_t len, size_t *pos, char *buf,
		size_t cap, int *lineno)
{
	const char *s = text + *pos, *nl;
	size_t n;

	buf[0] = '\0';
	if (*pos >= len)
		return 0;
	nl = memchr(s, '\n', len - *pos);
	n = nl != NULL ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl != NULL);
	++*lineno;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n >= cap || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 1;
}

void
importacct_each(const char *text, size_t len,
		void (*fn)(void *st, char *buf, int line), void *st,
		struct import_account *const *cur)
{
	char buf[IMPORT_LINE_MAX];
	size_t pos = 0;
	int line = 0, r;

	while ((r = importacct_line(text, len, &pos, buf, sizeof(buf),
				    &line)) != 0) {
		if (r > 0)
			fn(st, buf, line);
		else if (cur != NULL && *cur != NULL)
			importacct_note(*cur, line, "line too long or holding "
					"NUL: skipped");
	}
	explicit_bzero(buf, sizeof(buf));
}

const struct import_direct *
importacct_direct(const struct import_direct *table, size_t n,
		  const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(table[i].key, key) == 0)
			return &table[i];
	return NULL;
}

char *
importacct_trim(char *buf)
{
	size_t n;

	while (*buf == ' ' || *buf == '\t')
		buf++;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return buf;
}

static const char *
skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int
importacct_word(const char **p, char *out, size_t cap)
{
	const char *s = skip_spaces(*p);
	char quote = 0;
	size_t n = 0;

	if (*s == '\0')
		return 0;
	if (*s == '"' || *s == '\'')
		quote = *s++;
	for (; *s != '\0'; s++) {
		if (quote == 0 && (*s == ' ' || *s == '\t'))
			break;
		if (quote != 0 && *s == quote) {
			quote = 0;
			s++;
			break;
		}
		if (quote == '"' && *s == '\\' && s[1] != '\0')
			s++;
		if (n + 1 >= cap)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	if (quote != 0)
		return -1;
	*p = skip_spaces(s);
	return 1;
}

/* len bytes of s, %XX decoded, into out (cap bytes); -1 too long. */
static int
decoded(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	for (size_t i = 0; i < len; i++) {
		if (n + 1 >= cap)
			return -1;
		if (s[i] == '%' && i + 2 < len
		    && isxdigit((unsigned char)s[i + 1])
		    && isxdigit((unsigned char)s[i + 2])
		    && sscanf(s + i + 1, "%2x", &v) == 1 && v != 0) {
			out[n++] = (char)v;
			i += 2;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return 0;
}

/* The user and password before at (s up to at). */
static int
url_userinfo(const char *s, const char *at, struct import_url *u)
{
	const char *colon = memchr(s, ':', (size_t)(at - s));
	const char *uend = colon != NULL ? colon : at;

	if (decoded(s, (size_t)(uend - s), u->user, sizeof(u->user)) != 0)
		return -1;
	if (colon != NULL && decoded(colon + 1, (size_t)(at - colon - 1),
				     u->pass, sizeof(u->pass)) != 0)
		return -1;
	return 0;
}

int
importacct_url(const char *s, struct import_url *u)
{
	const char *sep = strstr(s, "://"), *end, *at, *hend, *colon;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (sep == NULL || sep == s || (size_t)(sep - s) >= sizeof(u->scheme))
		return -1;
	memcpy(u->scheme, s, (size_t)(sep - s));
	s = sep + 3;
	end = s + strcspn(s, "/?#");
	at = memrchr(s, '@', (size_t)(end - s));
	if (at != NULL && url_userinfo(s, at, u) != 0)
		return -1;
	if (at != NULL)
		s = at + 1;
	hend = *s == '[' ? memchr(s, ']', (size_t)(end - s)) : s;
	if (hend == NULL)
		return -1;
	colon = memchr(hend, ':', (size_t)(end - hend));
	n = (size_t)((colon != NULL ? colon : end) - s);
	if (n == 0 || n >= sizeof(u->host))
		return -1;
	memcpy(u->host, s, n);
	if (colon == NULL)
		return 0;
	n = (size_t)(end - colon - 1);
	if (n >= sizeof(u->port))
		return -1;
	memcpy(u->port, colon + 1, n);
	return 0;
}

int
importacct_ini(char *buf, char **key, char **value)
{
	char *p = importacct_trim(buf), *eq;
	size_t n = strlen(p);

	*key = *value = NULL;
	if (*p == '\0' || *p == '#' || *p == ';')
		return 0;
	if (*p == '[' && p[n - 1] == ']') {
		p[n - 1] = '\0';
		*key = importacct_trim(p + 1);
		return 1;
	}
	eq = p + strcspn(p, "=:");
	if (*eq == '\0' || eq == p)
		return -1;
	*eq = '\0';
	*key = importacct_trim(p);
	*value = importacct_trim(eq + 1);
	return 2;
}

bool
importacct_yes(const char *s)
{
	return strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0
	       || strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0;
}

/* Append s to out (at *n; cap when full), single-quoted when the
 * shell needs it. */
static void
put_quoted(char *out, size_t cap, size_t *n, const char *s)
{
	bool plain = *s != '\0'
		     && strspn(s, "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       "@%+=:,./-_") == strlen(s);

	if (!plain && *n < cap)
		out[(*n)++] = '\'';
	for (; *s != '\0' && *n < cap; s++) {
		if (!plain && *s == '\'' && *n + 4 < cap) {
			memcpy(out + *n, "'\\''", 4);
			*n += 4;
		} else {
			out[(*n)++] = *s;
		}
	}
	if (!plain && *n < cap)
		out[(*n)++] = '\'';
	if (*n < cap)
		out[*n] = '\0';
}

void
importacct_command(const struct import_account *a, char *out, size_t cap)
{
	const struct import_setting *host = importacct_get(a, "host");
	size_t n = 0;
	int w = snprintf(out, cap, "imapconn");

	n = w < 0 ? cap : (size_t)w;
	for (size_t i = 0; i < a->n_set && n < cap; i++) {
		const struct import_setting *s = &a->set[i];

		if (s == host)
			continue;
		w = snprintf(out + n, cap - n, " --%s%s", s->option,
			     s->value != NULL ? "=" : "");
		n = w < 0 || n + (size_t)w >= cap ? cap : n + (size_t)w;
		if (s->value != NULL && n < cap)
			put_quoted(out, cap, &n, s->value);
	}
	if (host != NULL && n + 1 < cap) {
		out[n++] = ' ';
		put_quoted(out, cap, &n, host->value);
	}
	if (n >= cap)
		out[0] = '\0';
}

/* "--option=value" or "--option" for s, new; NULL out of memory. */
static char *
arg_of(const struct import_setting *s)
{
	size_t len = strlen(s->option) + 4
		     + (s->value != NULL ? strlen(s->value) : 0);
	char *v = malloc(len);

	if (v != NULL)
		snprintf(v, len, "--%s%s%s", s->option,
			 s->value != NULL ? "=" : "",
			 s->value != NULL ? s->value : "");
	return v;
}

int
importacct_args(const struct import_account *a, int *argc, char ***argv)
{
	const struct import_setting *host = importacct_get(a, "host");
	char **v = calloc(a->n_set + 1, sizeof(*v));
	int n = 0;

	*argc = 0;
	*argv = v;
	if (v == NULL)
		return -1;
	for (size_t i = 0; i < a->n_set; i++)
		if (&a->set[i] != host && (v[n++] = arg_of(&a->set[i]))
		    == NULL) {
			*argc = n;
			return -1;
		}
	if (host != NULL && (v[n++] = strdup(host->value)) == NULL) {
		*argc = n;
		return -1;
	}
	*argc = n;
	return 0;
}

static void
account_free(struct import_account *a)
{
	for (size_t i = 0; i < a->n_set; i++)
		setting_free(&a->set[i]);
	for (size_t i = 0; i < a->n_notes; i++)
		free(a->notes[i].text);
	wipe_free(a->stored_password);
	free(a->file);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

void
importacct_drop_last(struct import_list *l)
{
	if (l->n > 0)
		account_free(&l->acc[--l->n]);
}

void
importacct_free(struct import_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		account_free(&l->acc[i]);
	l->n = 0;
	l->full = false;
}
