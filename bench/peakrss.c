/* peakrss.c - run a command, report its wall time and peak RSS (ru_maxrss). */

/*
 * Usage: peakrss [-o FILE] COMMAND [ARG]...
 *
 * Runs COMMAND with its standard streams untouched, waits for it, and
 * writes one line to FILE (default: standard error):
 *   peak_rss_kib=N wall_ms=M user_ms=U sys_ms=S status=X
 * where status is the exit status, or 128 + the signal number.  The
 * exit status of peakrss is the same.  127 when COMMAND cannot run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

/* Pass an interrupt or a termination on to the child; its exit is then
 * reported as usual. */
static void
forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

int
main(int argc, char **argv)
{
	const char *out_path = NULL;
	struct sigaction sa;
	struct rusage ru;
	FILE *out = stderr;
	double t0, t1;
	int argi = 1, status, code;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out_path = argv[2];
		argi = 3;
	}
	if (argi < argc && strcmp(argv[argi], "--") == 0)
		argi++;
	if (argi >= argc) {
		fprintf(stderr, "usage: peakrss [-o FILE] COMMAND [ARG]...\n");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "peakrss: %s: %s\n", argv[argi],
			strerror(errno));
		_exit(127);
	}
	child = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("peakrss: wait4");
			return 127;
		}
	}
	t1 = now_ms();
	code = WIFEXITED(status) ? WEXITSTATUS(status) :
	       WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
	if (out_path != NULL) {
		out = fopen(out_path, "w");
		if (out == NULL) {
			perror("peakrss: -o");
			return 127;
		}
	}
	fprintf(out, "peak_rss_kib=%ld wall_ms=%.1f user_ms=%.1f "
		"sys_ms=%.1f status=%d\n", ru.ru_maxrss, t1 - t0,
		tv_ms(&ru.ru_utime), tv_ms(&ru.ru_stime), code);
	if (out != stderr)
		fclose(out);
	return code;
}
