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
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	char abs[PATH_MAX];
	int fd, saved;

	flags |= overwrite ? O_TRUNC : O_EXCL;
	fd = open(path, flags, mode);
	if (fd < 0)
		return !overwrite && errno == EEXIST ? 1 : -1;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0) {
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

/* The directory part of path ("." when it has none). */
static void
dir_of(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, cap, ".");
	else if (slash == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

void
savefile_reason(const char *path, int err, char *buf, size_t cap)
{
	char dir[PATH_MAX];

	dir_of(path, dir, sizeof(dir));
	switch (err) {
	case ENOENT:
		snprintf(buf, cap, "the directory %s does not exist", dir);
		break;
	case ENOTDIR:
		snprintf(buf, cap, "a part of %s is not a directory", dir);
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, cap, "%s: you may not write %s", strerror(err),
			 path);
		break;
	case EISDIR:
		snprintf(buf, cap, "%s is a directory", path);
		break;
	case ELOOP:
		snprintf(buf, cap, "%s is a symbolic link, not followed: "
			 "name the file itself", path);
		break;
	default:
		snprintf(buf, cap, "%s: %s", path, strerror(err));
		break;
	}
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
