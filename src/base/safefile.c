/* safefile.c - opening a file the user named: no symbolic link
 * followed, a private mode, a reason that says what to fix. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"

/* open() of an existing symbolic link with O_EXCL says EEXIST: say
 * ELOOP then, so that the reason names the link. */
static int
refused_link(const char *path)
{
	struct stat st;

	if (errno == EEXIST && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		errno = ELOOP;
	return -1;
}

int
safefile_open(const char *path, mode_t mode, bool overwrite)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
	struct stat st;
	int fd, saved;

	flags |= overwrite ? O_TRUNC : O_EXCL;
	fd = open(path, flags, mode);
	if (fd < 0)
		return refused_link(path);
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
		return fd;
	if (fchmod(fd, mode) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
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
safefile_reason(const char *path, int err, char *buf, size_t cap)
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
	case EEXIST:
		snprintf(buf, cap, "%s exists: remove it or name another "
			 "file", path);
		break;
	default:
		snprintf(buf, cap, "%s: %s", path, strerror(err));
		break;
	}
}

FILE *
safefile_fopen(const char *option, const char *path, bool overwrite,
	       struct failure *f)
{
	char why[PATH_MAX + 100];
	int fd = safefile_open(path, 0600, overwrite);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (out != NULL)
		return out;
	safefile_reason(path, errno, why, sizeof(why));
	fail_set(f, PHASE_NONE, FAIL_INPUT, "%s %s: %s", option, path, why);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Write all len bytes of data to fd. */
static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int
safefile_replace(const char *path, const char *data, size_t len,
		 mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == 0)
		return 0;
	fd = -1;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
safefile_mkdirs(const char *dir, mode_t mode)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p)) {
		errno = n == 0 ? ENOENT : ENAMETOOLONG;
		return -1;
	}
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			return -1;
		p[i] = i < n ? '/' : '\0';
	}
	return 0;
}
