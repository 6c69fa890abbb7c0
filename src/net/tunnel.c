/* tunnel.c - a command whose standard input and output carry the IMAP
 * session: spawned, its error output kept, ended and reaped. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "redact.h"
#include "thread.h"
#include "tunnel.h"

extern char **environ;

struct tunnel {
	pid_t pid;
	bool stopped;
	int status;			/* from waitpid, once stopped */
	int sent_signal;		/* what we ended it with; 0: none */
	int err_fd;			/* read end of its standard error */
	int wake[2];			/* tells the reader to finish */
	pthread_t reader;
	bool reading;
	pthread_mutex_t lock;		/* guards err and err_len */
	char err[TUNNEL_STDERR_MAX];
	size_t err_len;
};

static void
keep_err(struct tunnel *t, const char *buf, size_t n)
{
	size_t room;

	pthread_mutex_lock(&t->lock);
	room = sizeof(t->err) - t->err_len;
	if (n > room)
		n = room;
	memcpy(t->err + t->err_len, buf, n);
	t->err_len += n;
	pthread_mutex_unlock(&t->lock);
}

/* Read what the descriptor holds now; false at its end or an error. */
static bool
drain_err(struct tunnel *t)
{
	char buf[1024];

	for (;;) {
		ssize_t n = read(t->err_fd, buf, sizeof(buf));

		if (n > 0) {
			keep_err(t, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

/* Reads the error output until its end or until woken to finish. */
static void *
reader_main(void *arg)
{
	struct tunnel *t = arg;
	struct pollfd p[2] = {
		{ .fd = t->err_fd, .events = POLLIN },
		{ .fd = t->wake[0], .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents != 0 && !drain_err(t))
			return NULL;
		if (p[1].revents != 0)
			break;
	}
	drain_err(t);
	return NULL;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int
spawn_attrs(posix_spawnattr_t *a)
{
	sigset_t none, all;

	sigemptyset(&none);
	sigfillset(&all);
	if (posix_spawnattr_init(a) != 0)
		return -1;
	posix_spawnattr_setflags(a, POSIX_SPAWN_SETPGROUP |
				 POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(a, 0);
	posix_spawnattr_setsigmask(a, &none);
	posix_spawnattr_setsigdefault(a, &all);
	return 0;
}

/* The environment less IMAPCONN_PASSWORD: the command has no use for
 * the password, and one that passes its environment on (ssh's SendEnv)
 * would carry it away.  The strings stay environ's; NULL when out of
 * memory. */
static char **
env_without_password(void)
{
	static const char name[] = "IMAPCONN_PASSWORD=";
	size_t n = 0, k = 0;
	char **v;

	while (environ[n] != NULL)
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], name, sizeof(name) - 1) != 0)
			v[k++] = environ[i];
	return v;
}

/* /bin/sh -c cmd with io as its standard input and output and errw as
 * its standard error; every other descriptor is closed. */
static int
spawn_shell(const char *cmd, int io, int errw, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t a;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **envp;
	int rc;

	if (spawn_attrs(&a) != 0)
		return ENOMEM;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		posix_spawnattr_destroy(&a);
		return ENOMEM;
	}
	posix_spawn_file_actions_adddup2(&fa, io, 0);
	posix_spawn_file_actions_adddup2(&fa, io, 1);
	posix_spawn_file_actions_adddup2(&fa, errw, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	envp = env_without_password();
	rc = envp == NULL ? ENOMEM :
	     posix_spawn(pid, "/bin/sh", &fa, &a, argv, envp);
	free(envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	return rc;
}

static struct tunnel *
tunnel_new(void)
{
	struct tunnel *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->pid = -1;
	t->err_fd = t->wake[0] = t->wake[1] = -1;
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

static struct tunnel *
start_failed(struct tunnel *t, int sv[2], int errp[2], enum phase p,
	     struct failure *f, const char *what, int err)
{
	fail_set(f, p, FAIL_INTERNAL, "cannot start the tunnel command: "
		 "%s: %s", what, strerror(err));
	close_fd(&sv[0]);
	close_fd(&sv[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	if (t != NULL) {
		t->err_fd = -1;
		tunnel_free(t);
	}
	return NULL;
}

struct tunnel *
tunnel_start(const char *cmd, int *fd_out, enum phase p, struct failure *f)
{
	struct tunnel *t = tunnel_new();
	int sv[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int rc;

	if (t == NULL)
		return start_failed(t, sv, errp, p, f, "memory", ENOMEM);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return start_failed(t, sv, errp, p, f, "socketpair", errno);
	if (pipe2(errp, O_CLOEXEC) != 0 ||
	    pipe2(t->wake, O_CLOEXEC | O_NONBLOCK) != 0)
		return start_failed(t, sv, errp, p, f, "pipe", errno);
	rc = spawn_shell(cmd, sv[1], errp[1], &t->pid);
	if (rc != 0) {
		t->pid = -1;
		return start_failed(t, sv, errp, p, f, "/bin/sh", rc);
	}
	close_fd(&sv[1]);
	close_fd(&errp[1]);
	t->err_fd = errp[0];
	fcntl(t->err_fd, F_SETFL, O_NONBLOCK);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	t->reading = thread_start(&t->reader, NULL, reader_main, t) == 0;
	*fd_out = sv[0];
	return t;
}

pid_t
tunnel_pid(const struct tunnel *t)
{
	return t->pid;
}

/* Wait up to ms for the command to exit, leaving it unreaped. */
static bool
exited_within(pid_t pid, int ms)
{
	int64_t end = clock_ms() + ms;
	struct timespec nap = { 0, 10 * 1000 * 1000 };

	for (;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
			   WNOWAIT) != 0)
			return errno != EINTR;
		if (si.si_pid == pid)
			return true;
		if (clock_ms() >= end)
			return false;
		nanosleep(&nap, NULL);
	}
}

static void
end_process(struct tunnel *t, int grace_ms)
{
	if (grace_ms > 0 && exited_within(t->pid, grace_ms))
		goto reap;
	if (exited_within(t->pid, 0))
		goto reap;
	t->sent_signal = SIGTERM;
	kill(-t->pid, SIGTERM);
	if (exited_within(t->pid, TUNNEL_TERM_MS))
		goto reap;
	t->sent_signal = SIGKILL;
reap:
	/* The exited leader still holds its pid, so the group is ours:
	 * nothing it started stays behind. */
	kill(-t->pid, SIGKILL);
	while (waitpid(t->pid, &t->status, 0) < 0 && errno == EINTR)
		;
}

void
tunnel_stop(struct tunnel *t, int grace_ms)
{
	static const char byte = 'x';

	if (t == NULL || t->stopped)
		return;
	t->stopped = true;
	if (t->pid > 0)
		end_process(t, grace_ms);
	if (t->reading) {
		if (write(t->wake[1], &byte, 1) < 0) {
			/* New, empty pipe: cannot be full. */
		}
		pthread_join(t->reader, NULL);
		t->reading = false;
	}
}

bool
tunnel_ok(const struct tunnel *t)
{
	return t->stopped && t->pid > 0 && WIFEXITED(t->status) &&
	       WEXITSTATUS(t->status) == 0;
}

void
tunnel_status_text(const struct tunnel *t, char *buf, size_t cap)
{
	if (cap == 0)
		return;
	if (!t->stopped || t->pid <= 0)
		snprintf(buf, cap, "still running");
	else if (WIFEXITED(t->status))
		snprintf(buf, cap, "exited with status %d",
			 WEXITSTATUS(t->status));
	else if (WIFSIGNALED(t->status))
		snprintf(buf, cap, "killed by signal %d (%s)%s",
			 WTERMSIG(t->status), strsignal(WTERMSIG(t->status)),
			 t->sent_signal == WTERMSIG(t->status) ?
			 " when it was ended" : "");
	else
		snprintf(buf, cap, "ended (wait status %d)", t->status);
}

size_t
tunnel_stderr_text(struct tunnel *t, char *buf, size_t cap)
{
	size_t n, len;

	if (cap == 0)
		return 0;
	pthread_mutex_lock(&t->lock);
	n = t->err_len;
	while (n > 0 && (t->err[n - 1] == '\n' || t->err[n - 1] == '\r' ||
			 t->err[n - 1] == ' ' || t->err[n - 1] == '\t'))
		n--;
	len = escape_text(t->err, n, buf, cap);
	pthread_mutex_unlock(&t->lock);
	return len;
}

void
tunnel_command_shown(const char *cmd, const char *user,
		     const char *password, char *buf, size_t cap)
{
	struct redact r;

	if (cap == 0)
		return;
	escape_text(cmd, strlen(cmd), buf, cap);
	if (password == NULL || password[0] == '\0')
		return;
	redact_init(&r);
	if (redact_add_secret(&r, user, password) != 0) {
		snprintf(buf, cap, "%s", REDACT_MARK);
		redact_wipe(&r);
		return;
	}
	redact_buf(&r, buf, cap);
	redact_wipe(&r);
}

void
tunnel_free(struct tunnel *t)
{
	if (t == NULL)
		return;
	tunnel_stop(t, 0);
	close_fd(&t->err_fd);
	close_fd(&t->wake[0]);
	close_fd(&t->wake[1]);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
