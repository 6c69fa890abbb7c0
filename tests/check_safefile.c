/* check_safefile.c - the rule for files the user names: created with
 * the mode asked for, an existing file made private, a symbolic link
 * never followed (whether or not it points anywhere), and failures
 * that name the option and what to fix. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_units.h"
#include "safefile.h"

static char dir[] = "/tmp/check_safefile.XXXXXX";

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
suite_safefile(void)
{
	Suite *s = suite_create("safefile");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_and_truncate);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_fopen_names_the_option);
	suite_add_tcase(s, tc);
	return s;
}
