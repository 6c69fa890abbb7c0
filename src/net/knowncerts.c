/* knowncerts.c - the file of certificates the user chose to trust:
 * reading it (bad lines skipped and told), finding, remembering,
 * forgetting and writing it back safely. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"
#include "escape.h"
#include "knowncerts.h"
#include "safefile.h"

#define KNOWNCERTS_FILE_MAX (4 * 1024 * 1024)

int
knowncerts_default_path(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	buf[0] = '\0';
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, cap, "%s/imapconn/known_certs", xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(buf, cap, "%s/.local/share/imapconn/known_certs",
			     home);
	else
		return -1;
	if (n < 0 || (size_t)n >= cap) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

void
knowncerts_key(const char *host, enum addr_kind kind, uint16_t port,
	       char *buf, size_t cap)
{
	char lower[CONFIG_HOST_MAX];
	size_t i;

	for (i = 0; host[i] != '\0' && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)host[i]);
	lower[i] = '\0';
	if (kind == ADDR_IPV6)
		snprintf(buf, cap, "[%s]:%u", lower, (unsigned)port);
	else
		snprintf(buf, cap, "%s:%u", lower, (unsigned)port);
}

void
knowncerts_init(struct knowncerts *kc)
{
	memset(kc, 0, sizeof(*kc));
}

void
knowncerts_free(struct knowncerts *kc)
{
	for (size_t i = 0; i < kc->n; i++)
		free(kc->e[i].raw);
	free(kc->e);
	knowncerts_init(kc);
}

static struct knowncerts_entry *
add_entry(struct knowncerts *kc)
{
	if (kc->n == kc->cap) {
		size_t cap = kc->cap ? kc->cap * 2 : 16;
		struct knowncerts_entry *e = realloc(kc->e, cap * sizeof(*e));

		if (e == NULL)
			return NULL;
		kc->e = e;
		kc->cap = cap;
	}
	memset(&kc->e[kc->n], 0, sizeof(kc->e[0]));
	return &kc->e[kc->n++];
}

/* ---------------------------------------------------------------- */
/* Reading                                                          */

/* "2026-01-31": digits and dashes where they belong. */
static bool
is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i])
				    : s[i] != shape[i])
			return false;
	return true;
}

/* "host:port": printable, no spaces, a port 1-65535 after the last
 * ':' (an IPv6 address is in brackets). */
static bool
is_key(const char *s)
{
	const char *colon = strrchr(s, ':');
	unsigned long port = 0;

	if (colon == NULL || colon == s || colon[1] == '\0' ||
	    strlen(s) >= KNOWNCERTS_KEY_MAX)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	for (const char *p = colon + 1; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || p - colon > 5)
			return false;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (s[0] == '[' && colon[-1] != ']')
		return false;
	return port >= 1 && port <= 65535;
}

/* Why the fields of one line are not an entry, or NULL. */
static const char *
line_fault(char *field[], int n, const struct knowncerts *kc)
{
	struct pin_set pin;
	char why[160];

	if (n != 4)
		return "expected HOST:PORT sha256//BASE64 FIRST-SEEN "
		       "LAST-SEEN";
	if (!is_key(field[0]))
		return "the first field is not HOST:PORT";
	if (pin_parse(field[1], &pin, why, sizeof(why)) != 0 || pin.n != 1)
		return "the second field is not sha256//BASE64 (the SHA-256 "
		       "of a public key)";
	if (!is_date(field[2]) || !is_date(field[3]))
		return "the dates are not YYYY-MM-DD";
	if (knowncerts_find(kc, field[0]) != NULL)
		return "this HOST:PORT was given on an earlier line";
	if (kc->n >= KNOWNCERTS_ENTRIES_MAX)
		return "too many entries";
	return NULL;
}

static void
warn_line(knowncerts_warn_fn warn, void *arg, const char *path,
	  size_t line, const char *why)
{
	char msg[CONFIG_PATH_MAX + 256];
	char shown[CONFIG_PATH_MAX];

	if (warn == NULL)
		return;
	escape_text(path, strlen(path), shown, sizeof(shown));
	snprintf(msg, sizeof(msg), "%s:%zu: %s (line skipped)", shown, line,
		 why);
	warn(arg, msg);
}

/* A line not understood, kept to be written back. */
static int
keep_raw(struct knowncerts *kc, const char *line, size_t len)
{
	struct knowncerts_entry *e;
	char *raw;

	if (kc->n >= 2 * KNOWNCERTS_ENTRIES_MAX)
		return 0;
	raw = strndup(line, len);
	if (raw == NULL)
		return -1;
	e = add_entry(kc);
	if (e == NULL) {
		free(raw);
		return -1;
	}
	e->raw = raw;
	return 0;
}

/* One line (NUL-terminated, changed in place) into *kc. */
static int
parse_line(struct knowncerts *kc, char *s, const char *path, size_t no,
	   knowncerts_warn_fn warn, void *arg)
{
	char copy[KNOWNCERTS_LINE_MAX];
	char *field[5];
	int n = 0;
	const char *why;
	struct knowncerts_entry *e;

	s += strspn(s, " \t\r");
	if (*s == '\0' || *s == '#')
		return 0;
	snprintf(copy, sizeof(copy), "%s", s);
	for (char *tok = strtok(s, " \t\r"); tok != NULL && n < 5;
	     tok = strtok(NULL, " \t\r"))
		field[n++] = tok;
	why = line_fault(field, n, kc);
	if (why != NULL) {
		warn_line(warn, arg, path, no, why);
		return keep_raw(kc, copy, strcspn(copy, "\r"));
	}
	e = add_entry(kc);
	if (e == NULL)
		return -1;
	snprintf(e->key, sizeof(e->key), "%s", field[0]);
	snprintf(e->spki, sizeof(e->spki), "%s", field[1] + 8);
	snprintf(e->first_seen, sizeof(e->first_seen), "%s", field[2]);
	snprintf(e->last_seen, sizeof(e->last_seen), "%s", field[3]);
	return 0;
}

int
knowncerts_parse(struct knowncerts *kc, const char *text, size_t len,
		 const char *path, knowncerts_warn_fn warn, void *arg)
{
	char line[KNOWNCERTS_LINE_MAX];
	size_t no = 0, pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		no++;
		if (n >= sizeof(line) || memchr(text + pos, '\0', n) != NULL) {
			/* Not kept: it could not be written back whole. */
			warn_line(warn, arg, path, no, n >= sizeof(line) ?
				  "line too long, dropped" : "a NUL byte, "
				  "dropped");
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			if (parse_line(kc, line, path, no, warn, arg) != 0)
				return -1;
		}
		pos += n + 1;
	}
	return 0;
}

/* The whole file at path into a buffer the caller frees; NULL with
 * errno set (ENOENT when there is none). */
static char *
read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf = NULL;
	struct stat st;
	ssize_t r;
	int saved;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > KNOWNCERTS_FILE_MAX) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		goto fail;
	*len = 0;
	while ((r = read(fd, buf + *len, (size_t)st.st_size - *len)) > 0)
		*len += (size_t)r;
	if (r < 0)
		goto fail;
	buf[*len] = '\0';
	close(fd);
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

int
knowncerts_load(struct knowncerts *kc, const char *path,
		knowncerts_warn_fn warn, void *arg, char *err, size_t errcap)
{
	size_t len = 0;
	char *text = read_file(path, &len);
	int rc;

	if (text == NULL && errno == ENOENT)
		return 0;
	if (text == NULL)
		return errmsg(err, errcap, "cannot read %s: %s", path,
			      errno == EINVAL ? "not a regular file" :
			      strerror(errno));
	rc = knowncerts_parse(kc, text, len, path, warn, arg);
	free(text);
	if (rc != 0)
		return errmsg(err, errcap, "%s: out of memory", path);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Changing                                                         */

const struct knowncerts_entry *
knowncerts_find(const struct knowncerts *kc, const char *key)
{
	for (size_t i = 0; i < kc->n; i++)
		if (kc->e[i].raw == NULL && strcmp(kc->e[i].key, key) == 0)
			return &kc->e[i];
	return NULL;
}

int
knowncerts_remember(struct knowncerts *kc, const char *key,
		    const char *spki, const char *today)
{
	struct knowncerts_entry *e =
		(struct knowncerts_entry *)knowncerts_find(kc, key);

	if (e != NULL && strcmp(e->spki, spki) == 0) {
		snprintf(e->last_seen, sizeof(e->last_seen), "%s", today);
		return 0;
	}
	if (e == NULL) {
		if (kc->n >= KNOWNCERTS_ENTRIES_MAX)
			return -1;
		e = add_entry(kc);
		if (e == NULL)
			return -1;
	}
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->spki, sizeof(e->spki), "%s", spki);
	snprintf(e->first_seen, sizeof(e->first_seen), "%s", today);
	snprintf(e->last_seen, sizeof(e->last_seen), "%s", today);
	return 0;
}

/* Whether the entry's key is what, or what with any port. */
static bool
forget_matches(const char *key, const char *what, bool any_port)
{
	size_t n = strlen(what);

	if (!any_port)
		return strcasecmp(key, what) == 0;
	return strncasecmp(key, what, n) == 0 && key[n] == ':' &&
	       strchr(key + n + 1, ':') == NULL;
}

size_t
knowncerts_forget(struct knowncerts *kc, const char *what)
{
	const char *colon = strrchr(what, ':');
	bool any_port;
	size_t kept = 0, n = kc->n;

	/* "host", "[v6]" and a bare IPv6 address name no port. */
	any_port = colon == NULL || (what[0] != '[' &&
				     strchr(what, ':') != colon) ||
		   (what[0] == '[' && colon < strrchr(what, ']'));
	for (size_t i = 0; i < n; i++) {
		if (kc->e[i].raw == NULL &&
		    forget_matches(kc->e[i].key, what, any_port))
			continue;
		kc->e[kept++] = kc->e[i];
	}
	kc->n = kept;
	return n - kept;
}

/* Entries, not counting the lines not understood. */
size_t
knowncerts_count(const struct knowncerts *kc)
{
	size_t n = 0;

	for (size_t i = 0; i < kc->n; i++)
		n += kc->e[i].raw == NULL;
	return n;
}

/* ---------------------------------------------------------------- */
/* Writing                                                          */

char *
knowncerts_text(const struct knowncerts *kc, size_t *len)
{
	static const char head[] = "# imapconn: certificates accepted "
				   "for good (HOST:PORT sha256//KEY "
				   "FIRST-SEEN LAST-SEEN)\n";
	size_t cap = sizeof(head) + kc->n * (KNOWNCERTS_LINE_MAX + 2);
	char *buf = malloc(cap);
	size_t used = sizeof(head) - 1;

	if (buf == NULL)
		return NULL;
	memcpy(buf, head, used + 1);
	for (size_t i = 0; i < kc->n; i++) {
		const struct knowncerts_entry *e = &kc->e[i];
		int w = e->raw != NULL ?
			snprintf(buf + used, cap - used, "%s\n", e->raw) :
			snprintf(buf + used, cap - used,
				 "%s sha256//%s %s %s\n", e->key, e->spki,
				 e->first_seen, e->last_seen);

		if (w < 0 || (size_t)w >= cap - used) {
			free(buf);
			return NULL;
		}
		used += (size_t)w;
	}
	*len = used;
	return buf;
}

static int
make_dir_of(const char *path, char *err, size_t errcap)
{
	char dir[CONFIG_PATH_MAX];
	const char *slash = strrchr(path, '/');
	char why[CONFIG_PATH_MAX + 100];

	if (slash == NULL || slash == path)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (safefile_mkdirs(dir, 0700) == 0)
		return 0;
	safefile_reason(dir, errno, why, sizeof(why));
	return errmsg(err, errcap, "cannot make the directory %s: %s", dir,
		      why);
}

int
knowncerts_save(const struct knowncerts *kc, const char *path, char *err,
		size_t errcap)
{
	size_t len = 0;
	char *text = knowncerts_text(kc, &len);
	char why[CONFIG_PATH_MAX + 100];
	int rc;

	if (text == NULL)
		return errmsg(err, errcap, "out of memory");
	if (make_dir_of(path, err, errcap) != 0) {
		free(text);
		return -1;
	}
	rc = safefile_replace(path, text, len, 0600);
	free(text);
	if (rc == 0)
		return 0;
	safefile_reason(path, errno, why, sizeof(why));
	return errmsg(err, errcap, "cannot write %s", why);
}

void
knowncerts_date(time_t t, char *buf)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, KNOWNCERTS_DATE_MAX, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, KNOWNCERTS_DATE_MAX, "1970-01-01");
}
