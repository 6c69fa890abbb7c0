/* savefile.c - writing a file the user named: no silent overwrite, no
 * symbolic links followed, nothing half-written left behind. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
#include "savefile.h"

#define HOST_IN_NAME_MAX 64

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* A write failed: a new file that holds only part of it helps nobody.
 * Returns -1 with errno kept. */
static int
discard(const char *path, bool created)
{
	int saved = errno;

	if (created)
		unlink(path);
	errno = saved;
	return -1;
}

int
savefile_write(const char *path, const char *data, size_t len, mode_t mode,
	       bool overwrite, char *where, size_t cap)
{
	char abs[PATH_MAX];
	int fd, saved;

	fd = safefile_open(path, mode, overwrite);
	if (fd < 0)
		return !overwrite && errno == EEXIST ? 1 : -1;
	if (write_all(fd, data, len) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return discard(path, !overwrite);
	}
	if (close(fd) != 0)
		return discard(path, !overwrite);
	snprintf(where, cap, "%s", realpath(path, abs) != NULL ? abs : path);
	return 0;
}

int
savefile_expand(const char *in, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	int n;

	if (in[0] != '~' || (in[1] != '\0' && in[1] != '/') || home == NULL
	    || home[0] == '\0')
		n = snprintf(out, cap, "%s", in);
	else
		n = snprintf(out, cap, "%s%s", home, in + 1);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

void
savefile_reason(const char *path, int err, char *buf, size_t cap)
{
	safefile_reason(path, err, buf, cap);
}

static bool
name_byte_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	       || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

void
savefile_default_name(const char *what, const char *host, const char *ext,
		      char *out, size_t cap)
{
	char safe[HOST_IN_NAME_MAX + 1];
	size_t n = 0;

	for (; host[n] != '\0' && n < HOST_IN_NAME_MAX; n++)
		safe[n] = name_byte_ok((unsigned char)host[n]) ? host[n] :
			  '_';
	safe[n] = '\0';
	snprintf(out, cap, "./imapconn-%s%s%s.%s", what, n > 0 ? "-" : "",
		 safe, ext);
}
