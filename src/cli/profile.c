/* profile.c - named accounts in the configuration file: read and
 * checked line by line (a section per account, a command-line option
 * per line, never a password), then turned into the options they stand
 * for, ahead of the command line's own. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "escape.h"
#include "hostspec.h"
#include "options.h"
#include "profile.h"
#include "safefile.h"
#include "strv.h"

#define FILE_MAX (256 * 1024)	/* a larger configuration is refused */
#define LINE_MAX_LEN 4096

enum key_kind { K_ARG, K_FLAG, K_HOST };

/* What a profile may hold: the connection's options. */
static const struct {
	const char *key;
	enum key_kind kind;
} keys[] = {
	{ "host", K_HOST }, { "port", K_ARG }, { "user", K_ARG },
	{ "ssl", K_FLAG }, { "tls", K_FLAG }, { "no-ssl", K_FLAG },
	{ "starttls", K_ARG }, { "insecure", K_FLAG },
	{ "ca-file", K_ARG }, { "ca-dir", K_ARG }, { "cert", K_ARG },
	{ "key", K_ARG }, { "key-password-file", K_ARG },
	{ "crl-file", K_ARG }, { "ciphers", K_ARG },
	{ "ciphersuites", K_ARG }, { "server-name", K_ARG },
	{ "verify-depth", K_ARG }, { "tls-min", K_ARG }, { "tls-max", K_ARG },
	{ "timeout", K_ARG }, { "deadline", K_ARG },
	{ "password-file", K_ARG }, { "password-command", K_ARG },
	{ "oauth-token-command", K_ARG }, { "auth", K_ARG },
	{ "allow-plaintext-auth", K_FLAG }, { "select", K_ARG },
	{ "select-rw", K_FLAG }, { "id-send-name", K_FLAG },
	{ "no-pipelining", K_FLAG }, { "tunnel", K_ARG }, { "pin", K_ARG },
};

/* Keys that would hold a secret: refused, whatever their value. */
static const char *const secret_keys[] = {
	"password", "pass", "passwd", "secret", "token", "oauth-token",
	"key-password",
};

static int
fail_at(char *err, size_t cap, const char *path, int line, const char *fmt,
	...) __attribute__((format(printf, 5, 6)));

static int
fail_at(char *err, size_t cap, const char *path, int line, const char *fmt,
	...)
{
	char shown[300];
	va_list ap;
	int n;

	escape_text(path, strlen(path), shown, sizeof(shown));
	n = line > 0 ? snprintf(err, cap, "%s:%d: ", shown, line)
		     : snprintf(err, cap, "%s: ", shown);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
key_index(const char *key)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

static bool
is_secret_key(const char *key)
{
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]);
	     i++)
		if (strcasecmp(secret_keys[i], key) == 0)
			return true;
	return false;
}

int
profile_default_path(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, cap, "%s/imapconn/config", xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(buf, cap, "%s/.config/imapconn/config", home);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Trim spaces at both ends, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.@", *s) == NULL)
			return false;
	return true;
}

/* "[NAME]": a new profile. */
static int
add_section(struct profile_file *f, char *line, int ln, char *err,
	    size_t cap)
{
	char *end = strchr(line, ']');
	struct profile *grown;
	char *name;

	if (end == NULL || trim(end + 1)[0] != '\0')
		return fail_at(err, cap, f->path, ln, "a section is "
			       "\"[NAME]\" alone on its line");
	*end = '\0';
	name = trim(line + 1);
	if (!name_ok(name))
		return fail_at(err, cap, f->path, ln, "a profile's name is 1 "
			       "to 64 letters, digits, '-', '_', '.' or '@'");
	if (profile_find(f, name) != NULL)
		return fail_at(err, cap, f->path, ln, "profile [%s] is "
			       "already defined above", name);
	grown = realloc(f->profiles, (f->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return fail_at(err, cap, f->path, ln, "out of memory");
	f->profiles = grown;
	memset(&grown[f->n], 0, sizeof(grown[f->n]));
	grown[f->n].line = ln;
	grown[f->n].name = strdup(name);
	f->n++;
	return grown[f->n - 1].name != NULL ? 0 :
	       fail_at(err, cap, f->path, ln, "out of memory");
}

/* Whether key = value may stand in a profile; err says why not. */
static int
check_entry(const struct profile_file *f, const char *key,
	    const char *value, int ln, char *err, size_t cap)
{
	struct hostspec_error herr;
	struct endpoint ep;
	char why[512], shown[200];
	int k;

	escape_text(key, strlen(key), shown, sizeof(shown));
	key = shown;
	if (is_secret_key(key))
		return fail_at(err, cap, f->path, ln, "'%s': a password or "
			       "token does not belong in this file; use "
			       "password-command, password-file or "
			       "oauth-token-command", key);
	k = key_index(key);
	if (k < 0)
		return fail_at(err, cap, f->path, ln, "unknown key '%s' (a "
			       "profile holds host and the long options of "
			       "the command line, without --)", key);
	if (keys[k].kind == K_FLAG && strcmp(value, "yes") != 0
	    && strcmp(value, "no") != 0)
		return fail_at(err, cap, f->path, ln, "%s takes yes or no",
			       key);
	if (keys[k].kind != K_HOST)
		return 0;
	endpoint_init(&ep);
	if (hostspec_parse(value, strlen(value), &ep, &herr) == 0)
		return 0;
	hostspec_error_format(&herr, value, strlen(value), why, sizeof(why));
	return fail_at(err, cap, f->path, ln, "host: %s", why);
}

/* "key = value" into the last profile. */
static int
add_entry(struct profile_file *f, char *line, int ln, char *err, size_t cap)
{
	char *eq = strchr(line, '='), *key, *value;
	struct profile *p;
	struct profile_entry *grown;

	if (eq == NULL)
		return fail_at(err, cap, f->path, ln, "expected \"key = "
			       "value\", \"[NAME]\" or a # comment");
	if (f->n == 0)
		return fail_at(err, cap, f->path, ln, "\"key = value\" before "
			       "any [NAME]");
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (check_entry(f, key, value, ln, err, cap) != 0)
		return -1;
	p = &f->profiles[f->n - 1];
	grown = realloc(p->entries, (p->n + 1) * sizeof(*grown));
	if (grown == NULL)
		return fail_at(err, cap, f->path, ln, "out of memory");
	p->entries = grown;
	grown[p->n].key = strdup(key);
	grown[p->n].value = strdup(value);
	grown[p->n].line = ln;
	p->n++;
	return grown[p->n - 1].key != NULL && grown[p->n - 1].value != NULL
	       ? 0 : fail_at(err, cap, f->path, ln, "out of memory");
}

static int
parse_line(struct profile_file *f, char *raw, int ln, char *err, size_t cap)
{
	char *line = trim(raw);

	if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
		return 0;
	for (const char *c = line; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' && *c != '\t')
			return fail_at(err, cap, f->path, ln, "a control "
				       "character");
	if (line[0] == '[')
		return add_section(f, line, ln, err, cap);
	return add_entry(f, line, ln, err, cap);
}

static int
parse_all(struct profile_file *f, FILE *in, char *err, size_t cap)
{
	char line[LINE_MAX_LEN + 2];
	int ln = 0;

	while (fgets(line, sizeof(line), in) != NULL) {
		ln++;
		if (strchr(line, '\n') == NULL && !feof(in))
			return fail_at(err, cap, f->path, ln, "line longer "
				       "than %d characters", LINE_MAX_LEN);
		line[strcspn(line, "\n")] = '\0';
		if (parse_line(f, line, ln, err, cap) != 0)
			return -1;
	}
	return ferror(in) ? fail_at(err, cap, f->path, 0, "cannot read: "
				    "%s", strerror(errno)) : 0;
}

/* The file's whole text (NUL-terminated, *len bytes) into *out, for
 * the caller to free; "" when it does not exist.  0 or -1 (err). */
static int
slurp(const char *path, char **out, size_t *len, char *err, size_t cap)
{
	FILE *in = fopen(path, "r");
	struct stat st;
	size_t got = 0;

	*out = NULL;
	*len = 0;
	if (in == NULL && errno == ENOENT)
		return (*out = calloc(1, 1)) != NULL ? 0 :
		       fail_at(err, cap, path, 0, "out of memory");
	if (in == NULL)
		return fail_at(err, cap, path, 0, "cannot open: %s",
			       strerror(errno));
	if (fstat(fileno(in), &st) == 0 && st.st_size > FILE_MAX) {
		fclose(in);
		return fail_at(err, cap, path, 0, "larger than %d KiB",
			       FILE_MAX / 1024);
	}
	*out = malloc(FILE_MAX + 1);
	if (*out != NULL)
		got = fread(*out, 1, FILE_MAX, in);
	fclose(in);
	if (*out == NULL)
		return fail_at(err, cap, path, 0, "out of memory");
	(*out)[got] = '\0';
	*len = got;
	return 0;
}

/* Parse text (len bytes) as the file at path into *f. */
static int
parse_text(const char *path, const char *text, size_t len,
	   struct profile_file *f, char *err, size_t cap)
{
	FILE *in = fmemopen((void *)text, len, "r");
	int rc;

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (len == 0)
		return 0;
	if (in == NULL)
		return fail_at(err, cap, path, 0, "out of memory");
	rc = parse_all(f, in, err, cap);
	fclose(in);
	if (rc != 0)
		profile_file_free(f);
	return rc;
}

int
profile_read(const char *path, struct profile_file *f, char *err,
	     size_t cap)
{
	char *text;
	size_t len;
	int rc;

	memset(f, 0, sizeof(*f));
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 1;
	if (slurp(path, &text, &len, err, cap) != 0)
		return -1;
	rc = parse_text(path, text, len, f, err, cap);
	free(text);
	return rc;
}

/* The file's text with the account appended. */
static char *
appended(const char *old, size_t len, const char *name, const char *body)
{
	const char *sep = len == 0 ? "" :
			  old[len - 1] == '\n' ? "\n" : "\n\n";
	char *out = NULL;

	if (asprintf(&out, "%s%s[%s]\n%s", old, sep, name, body) < 0)
		return NULL;
	return out;
}

/* The directory of path, made when missing (mode 700). */
static int
make_dir(const char *path, char *err, size_t cap)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (safefile_mkdirs(dir, 0700) == 0)
		return 0;
	return fail_at(err, cap, dir, 0, "cannot make the directory: %s",
		       strerror(errno));
}

/* Check new as the file would read, then write it in one step. */
static int
write_checked(const char *path, const char *name, const char *new,
	      char *err, size_t cap)
{
	struct profile_file f;
	char why[512];

	if (parse_text(path, new, strlen(new), &f, err, cap) != 0)
		return -1;
	profile_file_free(&f);
	if (make_dir(path, err, cap) != 0)
		return -1;
	if (safefile_replace(path, new, strlen(new), 0600) == 0)
		return 0;
	safefile_reason(path, errno, why, sizeof(why));
	return fail_at(err, cap, path, 0, "account %s not saved: %s", name,
		       why);
}

int
profile_append(const char *path, const char *name, const char *body,
	       char *err, size_t cap)
{
	struct profile_file f;
	char *old, *new;
	size_t len;
	int rc;

	if (!name_ok(name))
		return fail_at(err, cap, path, 0, "a profile's name is 1 to "
			       "64 letters, digits, '-', '_', '.' or '@'");
	if (slurp(path, &old, &len, err, cap) != 0)
		return -1;
	rc = parse_text(path, old, len, &f, err, cap);
	if (rc == 0 && profile_find(&f, name) != NULL) {
		profile_file_free(&f);
		rc = fail_at(err, cap, path, 0, "an account [%s] is already "
			     "there: choose another name", name);
	} else if (rc == 0) {
		profile_file_free(&f);
	}
	new = rc == 0 ? appended(old, len, name, body) : NULL;
	if (rc == 0 && new == NULL)
		rc = fail_at(err, cap, path, 0, "out of memory");
	if (rc == 0)
		rc = write_checked(path, name, new, err, cap);
	free(new);
	free(old);
	return rc;
}

const char *
profile_value(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->entries[i].key, key) == 0)
			return p->entries[i].value != NULL ? p->entries[i].value
							   : "";
	return "";
}

const struct profile *
profile_find(const struct profile_file *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->profiles[i].name, name) == 0)
			return &f->profiles[i];
	return NULL;
}

/* The argument for entry e: "--key=value", "--key" or the host. */
static char *
entry_arg(const struct profile_entry *e)
{
	char *out = NULL;
	int k = key_index(e->key), rc;

	if (keys[k].kind == K_HOST)
		return strdup(e->value);
	if (keys[k].kind == K_FLAG)
		rc = asprintf(&out, "--%s", e->key);
	else
		rc = asprintf(&out, "--%s=%s", e->key, e->value);
	return rc < 0 ? NULL : out;
}

bool
profile_given(const char *key, int n, char *const *cmd)
{
	static const char *const family[] = { "ssl", "tls", "no-ssl" };
	bool tls = false;

	for (size_t i = 0; i < sizeof(family) / sizeof(family[0]); i++)
		tls |= strcmp(key, family[i]) == 0;
	for (int i = 1; i < n; i++) {
		const char *a = cmd[i];
		size_t len;

		if ((strcmp(a, "-u") == 0 && strcmp(key, "user") == 0)
		    || (strcmp(a, "-p") == 0 && strcmp(key, "port") == 0))
			return true;
		if (strncmp(a, "--", 2) != 0)
			continue;
		a += 2;
		len = strcspn(a, "=");
		if (strlen(key) == len && strncmp(a, key, len) == 0)
			return true;
		for (size_t f = 0; tls && f < sizeof(family) /
		     sizeof(family[0]); f++)
			if (strlen(family[f]) == len
			    && strncmp(a, family[f], len) == 0)
				return true;
	}
	return false;
}

int
profile_args(const struct profile *p, int n_cmd, char *const *cmd,
	     int *argc, char ***argv)
{
	char **v = calloc(p->n + 1, sizeof(*v));
	int n = 0;

	if (v == NULL)
		return -1;
	/* Options first, the host last (it is a positional argument). */
	for (int host = 0; host < 2; host++)
		for (size_t i = 0; i < p->n; i++) {
			const struct profile_entry *e = &p->entries[i];
			int k = key_index(e->key);

			if ((keys[k].kind == K_HOST) != host
			    || (keys[k].kind == K_FLAG
				&& strcmp(e->value, "no") == 0)
			    || profile_given(e->key, n_cmd, cmd))
				continue;
			v[n] = entry_arg(e);
			if (v[n++] == NULL) {
				strv_free(n, v);
				return -1;
			}
		}
	*argc = n;
	*argv = v;
	return 0;
}

void
profile_file_free(struct profile_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		for (size_t k = 0; k < f->profiles[i].n; k++) {
			free(f->profiles[i].entries[k].key);
			free(f->profiles[i].entries[k].value);
		}
		free(f->profiles[i].entries);
		free(f->profiles[i].name);
	}
	free(f->profiles);
	f->profiles = NULL;
	f->n = 0;
}
