/* sigwatch.c - the signals that end --check, as bytes on a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sigwatch.h"

static const int watched[] = { SIGINT, SIGTERM, SIGHUP };
#define NWATCHED (sizeof(watched) / sizeof(watched[0]))

/* A handler can reach nothing else: the pipe's write end. */
static volatile sig_atomic_t wfd = -1;
static int rfd = -1;
static int first;		/* the first signal taken from the pipe */
static struct sigaction saved[NWATCHED];

static void
on_signal(int sig)
{
	int saved_errno = errno;
	unsigned char c = (unsigned char)sig;

	if (wfd >= 0 && write(wfd, &c, 1) < 0) {
		/* full: a signal is already waiting */
	}
	errno = saved_errno;
}

int
sigwatch_start(void)
{
	struct sigaction sa;
	int p[2];

	if (rfd >= 0)
		return 0;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	rfd = p[0];
	wfd = p[1];
	first = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NWATCHED; i++)
		sigaction(watched[i], &sa, &saved[i]);
	return 0;
}

int
sigwatch_fd(void)
{
	return rfd;
}

int
sigwatch_take(void)
{
	unsigned char c;

	if (rfd < 0)
		return first;
	while (read(rfd, &c, 1) == 1)
		if (first == 0)
			first = c;
	return first;
}

int
sigwatch_exit_status(int sig)
{
	return 128 + sig;
}

const char *
sigwatch_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	default:
		return "a signal";
	}
}

void
sigwatch_stop(void)
{
	int w = wfd;

	if (rfd < 0)
		return;
	for (size_t i = 0; i < NWATCHED; i++)
		sigaction(watched[i], &saved[i], NULL);
	wfd = -1;
	close(w);
	close(rfd);
	rfd = -1;
}
