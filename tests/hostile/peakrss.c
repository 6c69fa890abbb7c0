/* peakrss.c - runs a command and writes its peak resident set size.
 *
 *   peakrss FILE COMMAND [ARG...]
 *
 * Writes the command's peak RSS in KiB (getrusage ru_maxrss of the
 * child) as one line to FILE, and exits with the command's status, or
 * 128 + the signal that ended it; 127 when it cannot be started.  Used
 * by tests/hostile/lib.sh when /usr/bin/time is not installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: peakrss FILE COMMAND [ARG...]\n");
		return 64;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "peakrss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "peakrss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "peakrss: wait: %s\n",
				strerror(errno));
			return 127;
		}
	}
	f = fopen(argv[1], "w");
	if (f == NULL || fprintf(f, "%ld\n", ru.ru_maxrss) < 0
	    || fclose(f) != 0) {
		fprintf(stderr, "peakrss: %s: %s\n", argv[1],
			strerror(errno));
		return 127;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
