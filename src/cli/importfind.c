/* importfind.c - the known places of other clients' settings: each
 * file opened read-only, bounded, and given to its client's parser. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "importaerc.h"
#include "importfind.h"
#include "importmbsync.h"
#include "importmutt.h"
#include "importofflineimap.h"
#include "importtbird.h"

/* The files, relative to home ("~") or the configuration directory
 * ("@"), each with its parser. */
static const struct {
	const char *path;
	import_parse_fn parse;
} places[] = {
	{ "~/.mbsyncrc", importmbsync_parse },
	{ "~/.neomuttrc", importmutt_parse },
	{ "@/neomutt/neomuttrc", importmutt_parse },
	{ "~/.muttrc", importmutt_parse },
	{ "~/.mutt/muttrc", importmutt_parse },
	{ "~/.thunderbird/*/prefs.js", importtbird_parse },
	{ "@/aerc/accounts.conf", importaerc_parse },
	{ "~/.offlineimaprc", importofflineimap_parse },
};

/* The whole regular file at path into a new buffer (*len bytes);
 * NULL with errno (EFBIG when too large). */
static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	ssize_t r;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		errno = EINVAL;
	} else if (st.st_size > IMPORT_FILE_MAX) {
		errno = EFBIG;
	} else if ((buf = malloc((size_t)st.st_size + 1)) != NULL) {
		*len = 0;
		while ((r = read(fd, buf + *len, (size_t)st.st_size - *len))
		       > 0)
			*len += (size_t)r;
		buf[*len] = '\0';
	}
	close(fd);
	return buf;
}

/* "read PATH: what" on log. */
static void
say(FILE *log, const char *path, const char *what)
{
	char esc[8192];

	if (log == NULL)
		return;
	escape_text(path, strlen(path), esc, sizeof(esc));
	fprintf(log, "read %s: %s\n", esc, what);
}

static int
one_file(const char *path, import_parse_fn parse, struct import_list *out,
	 FILE *log)
{
	size_t len = 0, before = out->n;
	char *text = slurp(path, &len), what[64];

	if (text == NULL) {
		if (errno != ENOENT)
			say(log, path, errno == EFBIG ? "larger than 1 MiB, "
			    "skipped" : strerror(errno));
		return 0;
	}
	parse(text, len, path, out);
	explicit_bzero(text, len);
	free(text);
	snprintf(what, sizeof(what), "%zu IMAP account%s", out->n - before,
		 out->n - before == 1 ? "" : "s");
	say(log, path, what);
	return 1;
}

int
importfind_all(const char *home, const char *config,
	       struct import_list *out, FILE *log)
{
	char path[4096], cfg[4096];
	int files = 0;
	glob_t g;

	if (config == NULL || config[0] == '\0')
		snprintf(cfg, sizeof(cfg), "%s/.config", home);
	else
		snprintf(cfg, sizeof(cfg), "%s", config);
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		const char *p = places[i].path;

		snprintf(path, sizeof(path), "%s%s", p[0] == '~' ? home : cfg,
			 p + 1);
		if (strchr(path, '*') == NULL) {
			files += one_file(path, places[i].parse, out, log);
			continue;
		}
		if (glob(path, 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++)
			files += one_file(g.gl_pathv[j], places[i].parse, out,
					  log);
		globfree(&g);
	}
	return files;
}
