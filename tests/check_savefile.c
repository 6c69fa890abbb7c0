/* check_savefile.c - saving files from the interface and the rule it
 * shares with the command line (safefile): no silent overwrite, no
 * symbolic link followed, the mode given, reasons in words that name
 * the option, "~/" expanded, default names safe for any host. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_units.h"
#include "safefile.h"
#include "savefile.h"

static char dir[] = "/tmp/check_savefile.XXXXXX";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[sizeof(dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static void
put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
read_back(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(test_write_new_then_exists)
{
	char path[PATH_MAX], where[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/a.txt", dir);
	ck_assert_int_eq(savefile_write(path, "one\n", 4, 0600, false, where,
					sizeof(where)), 0);
	ck_assert_str_eq(where, path);
	read_back(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "one\n");
	ck_assert_uint_eq(mode_of(path), 0600);
	/* There now: left alone unless overwriting is asked for. */
	ck_assert_int_eq(savefile_write(path, "two\n", 4, 0600, false, where,
					sizeof(where)), 1);
	read_back(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "one\n");
	ck_assert_int_eq(savefile_write(path, "three\n", 6, 0644, true, where,
					sizeof(where)), 0);
	read_back(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "three\n");
	ck_assert_uint_eq(mode_of(path), 0644);
}
END_TEST

START_TEST(test_relative_where)
{
	char cwd[PATH_MAX], where[PATH_MAX], want[PATH_MAX];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(savefile_write("./r.txt", "x", 1, 0600, false, where,
					sizeof(where)), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/r.txt", dir);
	ck_assert_str_eq(where, want);
}
END_TEST

START_TEST(test_missing_directory)
{
	char path[PATH_MAX], where[PATH_MAX] = "", why[PATH_MAX + 256];
	char missing[PATH_MAX];

	snprintf(missing, sizeof(missing), "%s/no/such", dir);
	snprintf(path, sizeof(path), "%s/file.txt", missing);
	errno = 0;
	ck_assert_int_eq(savefile_write(path, "x", 1, 0600, false, where,
					sizeof(where)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(where, "");
	savefile_reason(path, ENOENT, why, sizeof(why));
	snprintf(path, sizeof(path), "the directory %s does not exist",
		 missing);
	ck_assert_str_eq(why, path);
}
END_TEST

START_TEST(test_no_symlink_followed)
{
	char target[PATH_MAX], link[PATH_MAX], where[PATH_MAX], buf[64];
	char why[PATH_MAX + 256];

	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(savefile_write(target, "keep", 4, 0600, false, where,
					sizeof(where)), 0);
	ck_assert_int_eq(symlink(target, link), 0);
	/* Not "exists, overwrite?": a link is refused outright. */
	errno = 0;
	ck_assert_int_eq(savefile_write(link, "evil", 4, 0600, false, where,
					sizeof(where)), -1);
	ck_assert_int_eq(errno, ELOOP);
	errno = 0;
	ck_assert_int_eq(savefile_write(link, "evil", 4, 0600, true, where,
					sizeof(where)), -1);
	ck_assert_int_eq(errno, ELOOP);
	read_back(target, buf, sizeof(buf));
	ck_assert_str_eq(buf, "keep");
	savefile_reason(link, ELOOP, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "symbolic link"));
}
END_TEST

START_TEST(test_reasons)
{
	char why[512], want[512];

	savefile_reason("/etc/x/report.txt", EACCES, why, sizeof(why));
	snprintf(want, sizeof(want), "%s: you may not write "
		 "/etc/x/report.txt", strerror(EACCES));
	ck_assert_str_eq(why, want);
	savefile_reason("report.txt", ENOENT, why, sizeof(why));
	ck_assert_str_eq(why, "the directory . does not exist");
	savefile_reason("/a/report.txt", ENOTDIR, why, sizeof(why));
	ck_assert_str_eq(why, "a part of /a is not a directory");
	savefile_reason("/report.txt", ENOTDIR, why, sizeof(why));
	ck_assert_str_eq(why, "a part of / is not a directory");
	savefile_reason("/tmp", EISDIR, why, sizeof(why));
	ck_assert_str_eq(why, "/tmp is a directory");
	savefile_reason("r", ENOSPC, why, sizeof(why));
	snprintf(want, sizeof(want), "r: %s", strerror(ENOSPC));
	ck_assert_str_eq(why, want);
}
END_TEST

START_TEST(test_expand)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "~/r.txt", "/home/alice/r.txt" },
		{ "~", "/home/alice" },
		{ "~/", "/home/alice/" },
		{ "~bob/r.txt", "~bob/r.txt" },
		{ "./~/r.txt", "./~/r.txt" },
		{ "/tmp/r.txt", "/tmp/r.txt" },
		{ "", "" },
	};
	char out[64], small[8];
	/* The suites may share one process (CK_FORK=no): HOME goes back
	 * as it was. */
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	ck_assert_int_eq(setenv("HOME", "/home/alice", 1), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(savefile_expand(cases[i].in, out,
						 sizeof(out)), 0);
		ck_assert_str_eq(out, cases[i].out);
	}
	ck_assert_int_eq(savefile_expand("~/long-name", small,
					 sizeof(small)), -1);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(unsetenv("HOME"), 0);
	ck_assert_int_eq(savefile_expand("~/r", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "~/r");
	if (home != NULL)
		ck_assert_int_eq(setenv("HOME", home, 1), 0);
	free(home);
}
END_TEST

START_TEST(test_default_names)
{
	static const struct {
		const char *host, *out;
	} cases[] = {
		{ "localhost", "./imapconn-report-localhost.txt" },
		{ "imap.example.com",
		  "./imapconn-report-imap.example.com.txt" },
		{ "2001:db8::7", "./imapconn-report-2001_db8__7.txt" },
		{ "../../etc/x", "./imapconn-report-.._.._etc_x.txt" },
		{ "a b\x1b[1m\xc3\xa9", "./imapconn-report-a_b__1m__.txt" },
		{ "", "./imapconn-report.txt" },
	};
	char out[256], host[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		savefile_default_name("report", cases[i].host, "txt", out,
				      sizeof(out));
		ck_assert_str_eq(out, cases[i].out);
	}
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	savefile_default_name("report", host, "txt", out, sizeof(out));
	ck_assert_uint_eq(strlen(out), strlen("./imapconn-report-.txt") + 64);
}
END_TEST

/* The rule under savefile_write(), for the command line too. */

START_TEST(test_create_and_truncate)
{
	char path[PATH_MAX], buf[64];
	int fd;

	snprintf(path, sizeof(path), "%s/new", dir);
	fd = safefile_open(path, 0600, false);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "one", 3), 3);
	close(fd);
	ck_assert_uint_eq(mode_of(path), 0600);
	errno = 0;
	ck_assert_int_eq(safefile_open(path, 0600, false), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* Overwriting: emptied and made private. */
	put(path, "old text\n", 0644);
	fd = safefile_open(path, 0600, true);
	ck_assert_int_ge(fd, 0);
	close(fd);
	read_back(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(mode_of(path), 0600);
}
END_TEST

START_TEST(test_symlink_refused)
{
	char target[PATH_MAX], link[PATH_MAX], dangling[PATH_MAX];
	char nowhere[PATH_MAX], buf[64];

	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(nowhere, sizeof(nowhere), "%s/nowhere", dir);
	snprintf(dangling, sizeof(dangling), "%s/dangling", dir);
	put(target, "keep", 0644);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(symlink(nowhere, dangling), 0);
	for (int overwrite = 0; overwrite < 2; overwrite++) {
		errno = 0;
		ck_assert_int_eq(safefile_open(link, 0600, overwrite), -1);
		ck_assert_int_eq(errno, ELOOP);
		errno = 0;
		ck_assert_int_eq(safefile_open(dangling, 0600, overwrite),
				 -1);
		ck_assert_int_eq(errno, ELOOP);
	}
	read_back(target, buf, sizeof(buf));
	ck_assert_str_eq(buf, "keep");
	ck_assert_uint_eq(mode_of(target), 0644);
	ck_assert_int_eq(access(nowhere, F_OK), -1);
}
END_TEST

START_TEST(test_fopen_names_the_option)
{
	char path[PATH_MAX], link[PATH_MAX], want[PATH_MAX * 3];
	struct failure f;

	snprintf(path, sizeof(path), "%s/no/dir/r.txt", dir);
	ck_assert_ptr_null(safefile_fopen("--report", path, true, &f));
	ck_assert_int_eq(f.phase, PHASE_NONE);
	ck_assert_int_eq(f.cls, FAIL_INPUT);
	snprintf(want, sizeof(want), "--report %s: the directory %s/no/dir "
		 "does not exist", path, dir);
	ck_assert_str_eq(f.detail, want);

	snprintf(path, sizeof(path), "%s/t", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	put(path, "", 0600);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_ptr_null(safefile_fopen("--transcript", link, true, &f));
	snprintf(want, sizeof(want), "--transcript %s: %s is a symbolic "
		 "link, not followed: name the file itself", link, link);
	ck_assert_str_eq(f.detail, want);
	ck_assert_ptr_null(safefile_fopen("--export", path, false, &f));
	snprintf(want, sizeof(want), "--export %s: %s exists: remove it or "
		 "name another file", path, path);
	ck_assert_str_eq(f.detail, want);
}
END_TEST

Suite *
suite_savefile(void)
{
	Suite *s = suite_create("savefile");
	TCase *tc = units_case(s, "write", test_write_new_then_exists,
			       test_relative_where, test_missing_directory,
			       test_no_symlink_followed, NULL);

	tcase_add_checked_fixture(tc, setup, teardown);

	tc = units_case(s, "rule", test_create_and_truncate,
			test_symlink_refused, test_fopen_names_the_option,
			NULL);
	tcase_add_checked_fixture(tc, setup, teardown);

	units_case(s, "words", test_reasons, test_expand, test_default_names,
		   NULL);
	return s;
}
