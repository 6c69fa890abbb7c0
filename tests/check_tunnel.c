/* check_tunnel.c - the tunnel command: its input and output, exit
 * status, error output, ending, and what it inherits. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_units.h"
#include "redact.h"
#include "tunnel.h"

/* Everything the command writes until it closes its output. */
static size_t
read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;

	while (len + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		ck_assert_int_eq(poll(&p, 1, 10000), 1);
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static struct tunnel *
start(const char *cmd, int *fd)
{
	struct failure f;
	struct tunnel *t = tunnel_start(cmd, fd, PHASE_TUNNEL, &f);

	ck_assert_msg(t != NULL, "%s", f.detail);
	ck_assert_int_gt(tunnel_pid(t), 0);
	return t;
}

/* Processes of group pgid that still run (zombies left to init are
 * dead already). */
static int
group_alive(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], line[512], *p, state;
		long grp;
		FILE *fp;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fp = fopen(path, "r");
		if (fp == NULL)
			continue;
		p = fgets(line, sizeof(line), fp);
		fclose(fp);
		if (p == NULL || (p = strrchr(line, ')')) == NULL)
			continue;
		/* ") S ppid pgrp" */
		if (sscanf(p, ") %c %*d %ld", &state, &grp) == 2 &&
		    grp == (long)pgid && state != 'Z' && state != 'X')
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_echo)
{
	char buf[64], status[128];
	int fd;
	struct tunnel *t = start("cat", &fd);

	ck_assert_int_eq(write(fd, "a1 NOOP\r\n", 9), 9);
	shutdown(fd, SHUT_WR);
	ck_assert_uint_eq(read_all(fd, buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "a1 NOOP\r\n");
	close(fd);
	tunnel_stop(t, TUNNEL_GRACE_MS);
	ck_assert(tunnel_ok(t));
	tunnel_status_text(t, status, sizeof(status));
	ck_assert_str_eq(status, "exited with status 0");
	tunnel_free(t);
}
END_TEST

START_TEST(test_exit_status_and_stderr)
{
	char status[128], err[256];
	int fd;
	struct tunnel *t = start("printf 'no\\033[31m route\\n' >&2; exit 3",
				 &fd);

	tunnel_stop(t, TUNNEL_GRACE_MS);
	ck_assert(!tunnel_ok(t));
	tunnel_status_text(t, status, sizeof(status));
	ck_assert_str_eq(status, "exited with status 3");
	tunnel_stderr_text(t, err, sizeof(err));
	ck_assert_str_eq(err, "no\\e[31m route");
	close(fd);
	tunnel_free(t);
}
END_TEST

START_TEST(test_not_found)
{
	char status[128], err[256];
	int fd;
	struct tunnel *t = start("no-such-command-imapconn", &fd);

	tunnel_stop(t, TUNNEL_GRACE_MS);
	tunnel_status_text(t, status, sizeof(status));
	ck_assert_str_eq(status, "exited with status 127");
	tunnel_stderr_text(t, err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "no-such-command-imapconn"));
	close(fd);
	tunnel_free(t);
}
END_TEST

/* A chatty command never blocks on its error output; what is kept is
 * bounded. */
START_TEST(test_stderr_bounded)
{
	static char err[TUNNEL_STDERR_MAX * 4 + 8];
	char buf[16];
	int fd;
	struct tunnel *t = start("head -c 300000 /dev/zero | tr '\\0' x >&2;"
				 " echo done", &fd);

	ck_assert_uint_eq(read_all(fd, buf, sizeof(buf)), 5);
	tunnel_stop(t, TUNNEL_GRACE_MS);
	ck_assert(tunnel_ok(t));
	ck_assert_uint_eq(tunnel_stderr_text(t, err, sizeof(err)),
			  TUNNEL_STDERR_MAX);
	close(fd);
	tunnel_free(t);
}
END_TEST

/* The command and everything it started end. */
START_TEST(test_hang_ended)
{
	char status[128];
	int fd;
	struct tunnel *t = start("sleep 100 & sleep 100; true", &fd);
	pid_t pid = tunnel_pid(t);

	ck_assert_int_ge(group_alive(pid), 1);
	tunnel_stop(t, 0);
	tunnel_status_text(t, status, sizeof(status));
	ck_assert_str_eq(status, "killed by signal 15 (Terminated) when it "
			 "was ended");
	ck_assert_int_eq(group_alive(pid), 0);
	close(fd);
	tunnel_free(t);
}
END_TEST

START_TEST(test_term_ignored)
{
	char status[128];
	int fd;
	struct tunnel *t = start("trap '' TERM; echo ready; exec sleep 100",
				 &fd);
	char buf[16];

	ck_assert_uint_eq(read_all(fd, buf, 7), 6);
	tunnel_stop(t, 0);
	tunnel_status_text(t, status, sizeof(status));
	ck_assert_str_eq(status, "killed by signal 9 (Killed) when it was "
			 "ended");
	ck_assert_int_eq(group_alive(tunnel_pid(t)), 0);
	close(fd);
	tunnel_free(t);
}
END_TEST

/* Only its standard input, output and error reach the command, even a
 * descriptor opened without close-on-exec. */
START_TEST(test_no_descriptor_leaks)
{
	char buf[256];
	int fd, stray = dup(2);
	struct tunnel *t;

	ck_assert_int_ge(stray, 3);
	t = start("ls /proc/self/fd | sort -n | tr '\\n' ' '", &fd);
	read_all(fd, buf, sizeof(buf));
	close(stray);
	/* 3 is ls's own listing of the directory. */
	ck_assert_str_eq(buf, "0 1 2 3 ");
	tunnel_stop(t, TUNNEL_GRACE_MS);
	ck_assert(tunnel_ok(t));
	close(fd);
	tunnel_free(t);
}
END_TEST

START_TEST(test_command_shown)
{
	char buf[128];

	tunnel_command_shown("sshpass -p 'Se-cret.77' ssh h\x1b[2J", "bob",
			     "Se-cret.77", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sshpass -p '" REDACT_MARK "' ssh h\\e[2J");
	tunnel_command_shown("ssh h imapd", NULL, NULL, buf, 8);
	ck_assert_str_eq(buf, "ssh ...");
}
END_TEST

Suite *
suite_tunnel(void)
{
	Suite *s = suite_create("tunnel");
	TCase *tc = units_case(s, "command", test_echo,
			       test_exit_status_and_stderr, test_not_found,
			       test_stderr_bounded, test_hang_ended,
			       test_term_ignored, test_no_descriptor_leaks,
			       test_command_shown, NULL);

	tcase_set_timeout(tc, 30);
	return s;
}
