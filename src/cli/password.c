/* password.c - the password from the environment, a file, a command or
 * a prompt, the OAuth token from the environment or a command; never
 * echoed, wiped after use. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "escape.h"
#include "password.h"
#include "sigwatch.h"

/* Keep the first line of a read buffer: cut at CR or LF.  A NUL in
 * the line would cut the password short, so it is refused; so is a
 * line that did not fit. */
static int
first_line(char *buf, size_t n, bool overflow, const char *what,
	   struct failure *f)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\r' || buf[i] == '\n')
			break;
		if (buf[i] == '\0') {
			fail_set(f, PHASE_NONE, FAIL_INPUT, "%s: the password "
				 "line contains a NUL byte", what);
			return -1;
		}
	}
	if (i == n && overflow) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "%s: the password is too "
			 "long (at most %zu bytes)", what, n);
		return -1;
	}
	buf[i] = '\0';
	if (i == 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "%s: the password is "
			 "empty", what);
		return -1;
	}
	return 0;
}

/* Wait until fd has bytes, or stop_fd (when not -1) becomes readable:
 * 0 to read, -1 when stopped. */
static int
wait_input(int fd, int stop_fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
	};

	while (stop_fd >= 0) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 0;
		if (p[1].revents & POLLIN)
			return -1;
		if (p[0].revents != 0)
			return 0;
	}
	return 0;
}

/* Read up to cap-1 bytes, stopping at the first newline or EOF.  When
 * the buffer fills before either, one more byte tells whether the line
 * went on (*overflow) or ended right there.  A readable stop_fd (-1:
 * none) ends the wait: -1 with errno EINTR. */
static ssize_t
read_line_fd(int fd, int stop_fd, char *buf, size_t cap, bool *overflow)
{
	size_t n = 0;
	char next;
	ssize_t r;

	*overflow = false;
	while (n + 1 < cap) {
		if (wait_input(fd, stop_fd) != 0) {
			errno = EINTR;
			return -1;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
		if (memchr(buf + n - (size_t)r, '\n', (size_t)r) != NULL)
			break;
	}
	buf[n] = '\0';
	if (n + 1 == cap && memchr(buf, '\n', n) == NULL
	    && memchr(buf, '\r', n) == NULL) {
		do {
			r = read(fd, &next, 1);
		} while (r < 0 && errno == EINTR);
		*overflow = r == 1 && next != '\r' && next != '\n';
	}
	return (ssize_t)n;
}

int
password_read_file(const char *path, char *buf, size_t cap,
		   struct failure *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool overflow;
	ssize_t n;

	if (fd < 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "cannot open %s: %s",
			 path, strerror(errno));
		return -1;
	}
	n = read_line_fd(fd, -1, buf, cap, &overflow);
	close(fd);
	if (n < 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "cannot read %s: %s",
			 path, strerror(errno));
		return -1;
	}
	return first_line(buf, (size_t)n, overflow, path, f);
}

static int
from_command(const char *cmd, const char *what, char *buf, size_t cap,
	     struct failure *f)
{
	FILE *p = popen(cmd, "re");
	bool overflow;
	ssize_t n;
	int status;
	char sink[256];

	if (p == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "%s: cannot run it: %s",
			 what, strerror(errno));
		return -1;
	}
	n = read_line_fd(fileno(p), -1, buf, cap, &overflow);
	while (fread(sink, 1, sizeof(sink), p) > 0)
		;
	OPENSSL_cleanse(sink, sizeof(sink));
	status = pclose(p);
	if (n < 0 || status == -1 || !WIFEXITED(status)
	    || WEXITSTATUS(status) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "%s failed (exit status "
			 "%d)", what, WIFEXITED(status) ? WEXITSTATUS(status)
			 : -1);
		return -1;
	}
	return first_line(buf, (size_t)n, overflow, what, f);
}

static int
from_prompt(const char *user, char *buf, size_t cap, struct failure *f)
{
	char shown[CONFIG_STR_MAX * 4 + 1];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	int saved;
	struct termios old, quiet;
	bool overflow;
	ssize_t n;

	if (fd < 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "no password given and no "
			 "terminal to ask on (use IMAPCONN_PASSWORD, "
			 "--password-file or --password-command)");
		return -1;
	}
	/* The user name may come from a URL: no terminal controls. */
	escape_text(user, strlen(user), shown, sizeof(shown));
	dprintf(fd, "Password for %s: ", shown);
	tcgetattr(fd, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	n = read_line_fd(fd, sigwatch_fd(), buf, cap, &overflow);
	saved = errno;
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	if (n < 0 && saved == EINTR) {
		fail_set(f, PHASE_NONE, FAIL_CANCELLED, "interrupted at the "
			 "password prompt");
		return -1;
	}
	if (n < 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "cannot read the password "
			 "from the terminal");
		return -1;
	}
	return first_line(buf, (size_t)n, overflow, "the prompt", f);
}

static int
from_env(const char *name, char *buf, size_t cap, struct failure *f)
{
	const char *v = getenv(name);
	size_t len = v != NULL ? strlen(v) : 0;

	if (len == 0 || len >= cap) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "%s is %s", name,
			 len == 0 ? "empty" : "too long");
		return -1;
	}
	memcpy(buf, v, len + 1);
	return 0;
}

int
password_token(const char *cmd, const char *what, struct conn_config *c,
	       struct failure *f)
{
	char buf[CONFIG_SECRET_MAX];
	int rc;

	if (cmd != NULL)
		rc = from_command(cmd, what, buf, sizeof(buf), f);
	else
		rc = from_env("IMAPCONN_OAUTH_TOKEN", buf, sizeof(buf), f);
	if (rc == 0) {
		memcpy(c->oauth_token, buf, sizeof(c->oauth_token));
		c->have_token = true;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

bool
password_wanted(const struct conn_config *c)
{
	unsigned with_password = ~(CONN_AUTH_GSSAPI | CONN_AUTH_EXTERNAL
				   | CONN_AUTH_OAUTHBEARER
				   | CONN_AUTH_XOAUTH2);

	if (c->have_token)
		return false;
	return c->auth_mechs == 0 || (c->auth_mechs & with_password) != 0;
}

int
password_obtain(const struct options *o, struct conn_config *c,
		bool interactive, struct failure *f)
{
	char buf[CONFIG_SECRET_MAX];
	int rc = -1;

	if (o->tok_source != TOK_NONE
	    && password_token(o->tok_source == TOK_COMMAND ? o->tok_arg :
			      NULL, "--oauth-token-command", c, f) != 0)
		return -1;
	if (o->pw_source == PW_NONE && !password_wanted(c))
		return 0;
	switch (o->pw_source) {
	case PW_ENV:
		rc = from_env("IMAPCONN_PASSWORD", buf, sizeof(buf), f);
		break;
	case PW_FILE:
		rc = password_read_file(o->pw_arg, buf, sizeof(buf), f);
		break;
	case PW_COMMAND:
		rc = from_command(o->pw_arg, "--password-command", buf,
				  sizeof(buf), f);
		break;
	case PW_NONE:
		if (interactive)
			rc = from_prompt(c->user, buf, sizeof(buf), f);
		else
			fail_set(f, PHASE_NONE, FAIL_INPUT, "no password "
				 "given (use IMAPCONN_PASSWORD, "
				 "--password-file or --password-command)");
		break;
	}
	if (rc == 0) {
		memcpy(c->password, buf, sizeof(c->password));
		c->have_password = true;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}
