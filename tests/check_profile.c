/* check_profile.c - the configuration file's accounts: reading and
 * checking, with the line of each error, and the command line they
 * expand into. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_units.h"
#include "profile.h"
#include "profile_expand.h"
#include "strv.h"

/* text written to a new temporary file; its path into path. */
static void
write_file(const char *text, char *path, size_t cap)
{
	FILE *f;
	int fd;

	snprintf(path, cap, "/tmp/check_profile.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char good[] =
	"# two accounts\n"
	"\n"
	"[work]\n"
	"host = imaps://mail.example.com\n"
	"user = alice\n"
	"  ca-file =  /etc/ca.pem  \n"
	"insecure = no\n"
	"no-pipelining = yes\n"
	"; a comment\n"
	"[home.list]\n"
	"host = (\"localhost\" :port 10143 :starttls t)\n"
	"password-command = pass show mail\n";

START_TEST(test_read)
{
	struct profile_file f;
	const struct profile *p;
	char path[64], err[PROFILE_ERR_MAX];

	write_file(good, path, sizeof(path));
	ck_assert_int_eq(profile_read(path, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.n, 2);
	p = profile_find(&f, "work");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->line, 3);
	ck_assert_uint_eq(p->n, 5);
	ck_assert_str_eq(p->entries[2].key, "ca-file");
	ck_assert_str_eq(p->entries[2].value, "/etc/ca.pem");
	ck_assert_int_eq(p->entries[2].line, 6);
	ck_assert_ptr_null(profile_find(&f, "Work"));
	profile_file_free(&f);
	unlink(path);
	ck_assert_int_eq(profile_read("/nonexistent/imapconn/config", &f,
				      err, sizeof(err)), 1);
}
END_TEST

/* The options an account stands for: flags set to no are left out,
 * the host goes last, and what the command line sets is its own. */
START_TEST(test_args)
{
	struct profile_file f;
	char path[64], err[PROFILE_ERR_MAX];
	char *cmd[] = { "imapconn", "-u", "bob", "--ca-file=/x", NULL };
	char **v;
	int n;

	write_file(good, path, sizeof(path));
	ck_assert_int_eq(profile_read(path, &f, err, sizeof(err)), 0);
	ck_assert_int_eq(profile_args(profile_find(&f, "work"), 1, cmd, &n,
				      &v), 0);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(v[0], "--user=alice");
	ck_assert_str_eq(v[1], "--ca-file=/etc/ca.pem");
	ck_assert_str_eq(v[2], "--no-pipelining");
	ck_assert_str_eq(v[3], "imaps://mail.example.com");
	strv_free(n, v);
	ck_assert_int_eq(profile_args(profile_find(&f, "work"), 4, cmd, &n,
				      &v), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[0], "--no-pipelining");
	strv_free(n, v);
	profile_file_free(&f);
	unlink(path);
}
END_TEST

/* An account chosen in the interface under the command line's own
 * options: what the command line sets leaves the account's out, its
 * options follow with their values, its host does not. */
START_TEST(test_over)
{
	char *cmd[] = { "imapconn", "-u", "bob", "--timeout=7", "--tls",
			"other.example", "--ca-file", "/y", NULL };
	static const char *const acct[] = {
		"--user=alice", "--ca-file=/x", "--starttls=required",
		"--no-pipelining", "imap.example.org",
	};
	static const char *const want[] = {
		"--starttls=required", "--no-pipelining", "imap.example.org",
		"-u", "bob", "--timeout=7", "--tls", "--ca-file", "/y",
	};
	char **args = calloc(6, sizeof(*args)), **v;
	int n;

	ck_assert_ptr_nonnull(args);
	for (int i = 0; i < 5; i++)
		args[i] = strdup(acct[i]);
	ck_assert_int_eq(profile_expand_over(8, cmd, 5, args, &n, &v), 0);
	ck_assert_int_eq(n, 9);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(v[i], want[i]);
	strv_free(n, v);
	/* No command line: the account as it is. */
	args = calloc(2, sizeof(*args));
	ck_assert_ptr_nonnull(args);
	args[0] = strdup("--user=alice");
	ck_assert_int_eq(profile_expand_over(0, NULL, 1, args, &n, &v), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0], "--user=alice");
	strv_free(n, v);
}
END_TEST

/* Each wrong file: the error names the file and the line. */
static const struct {
	const char *text;
	const char *want;
} bad[] = {
	{ "[a]\nfoo = 1\n", ":2: unknown key 'foo'" },
	{ "[a]\nhost = h\npassword = hunter2\n", ":3: 'password': a "
	  "password or token does not belong" },
	{ "[a]\nPass = x\n", ":2: 'Pass': a password" },
	{ "[a]\nhost = a(b\n", ":2: host: host specification a(b" },
	{ "user = alice\n", ":1: \"key = value\" before any [NAME]" },
	{ "[a]\n[a]\n", ":2: profile [a] is already defined" },
	{ "[a b]\n", ":1: a profile's name is" },
	{ "[a]x\n", ":1: a section is" },
	{ "[a]\njust words\n", ":2: expected \"key = value\"" },
	{ "[a]\nssl = maybe\n", ":2: ssl takes yes or no" },
	{ "[a]\nuser = a\x1b[2Jb\n", ":2: a control character" },
};

START_TEST(test_bad)
{
	struct profile_file f;
	char path[64], err[PROFILE_ERR_MAX] = "";

	write_file(bad[_i].text, path, sizeof(path));
	ck_assert_int_eq(profile_read(path, &f, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) == err, "%s", err);
	ck_assert_msg(strstr(err, bad[_i].want) != NULL, "%s", err);
	ck_assert_ptr_null(strstr(err, "hunter2"));
	unlink(path);
}
END_TEST

/* A HOST naming an account, or --profile: its options first, then the
 * command line's; --config taken out; a name not in the file is a
 * host like any other. */
START_TEST(test_expand)
{
	char path[64], cfg[80], err[PROFILE_ERR_MAX];
	char **v;
	int n;

	write_file(good, path, sizeof(path));
	snprintf(cfg, sizeof(cfg), "--config=%s", path);
	{
		char *argv[] = { "imapconn", cfg, "--check", "-u", "work",
				 "work", NULL };

		ck_assert_int_eq(profile_expand(6, argv, &n, &v, err,
						sizeof(err)), 0);
		ck_assert_int_eq(n, 8);
		ck_assert_str_eq(v[1], "--ca-file=/etc/ca.pem");
		ck_assert_str_eq(v[3], "imaps://mail.example.com");
		ck_assert_str_eq(v[4], cfg);
		ck_assert_str_eq(v[5], "--check");
		ck_assert_str_eq(v[7], "work");
		profile_expand_free(n, v);
	}
	{
		char *argv[] = { "imapconn", "--config", path, "--profile",
				 "home.list", NULL };

		ck_assert_int_eq(profile_expand(5, argv, &n, &v, err,
						sizeof(err)), 0);
		ck_assert_int_eq(n, 5);
		ck_assert_str_eq(v[1], "--password-command=pass show mail");
		ck_assert_str_eq(v[3], "--config");
		profile_expand_free(n, v);
	}
	{
		char *argv[] = { "imapconn", cfg, "mail.example.org", NULL };

		ck_assert_int_eq(profile_expand(3, argv, &n, &v, err,
						sizeof(err)), 0);
		ck_assert_int_eq(n, 3);
		ck_assert_str_eq(v[2], "mail.example.org");
		profile_expand_free(n, v);
	}
	{
		char *argv[] = { "imapconn", cfg, "--profile=nope", NULL };

		ck_assert_int_eq(profile_expand(3, argv, &n, &v, err,
						sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "--profile 'nope': no such "
						 "profile"));
	}
	unlink(path);
}
END_TEST

/* An account appended: made with its directory, read back; the same
 * name again and a bad name are refused, the file left as it was. */
START_TEST(test_append)
{
	char dir[64], path[96], err[PROFILE_ERR_MAX];
	struct profile_file f;
	FILE *in;
	char text[512];
	size_t len;

	snprintf(dir, sizeof(dir), "/tmp/check_profile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/config", dir);
	ck_assert_int_eq(profile_append(path, "one", "host = h\nuser = u\n",
					err, sizeof(err)), 0);
	ck_assert_int_eq(profile_append(path, "two", "host = k\n", err,
					sizeof(err)), 0);
	ck_assert_int_eq(profile_append(path, "one", "host = x\n", err,
					sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "an account [one] is already"));
	ck_assert_int_eq(profile_append(path, "bad name", "host = x\n", err,
					sizeof(err)), -1);
	ck_assert_int_eq(profile_append(path, "three", "password = x\n",
					err, sizeof(err)), -1);
	in = fopen(path, "r");
	ck_assert_ptr_nonnull(in);
	len = fread(text, 1, sizeof(text) - 1, in);
	fclose(in);
	text[len] = '\0';
	ck_assert_str_eq(text, "[one]\nhost = h\nuser = u\n\n[two]\n"
			 "host = k\n");
	ck_assert_int_eq(profile_read(path, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.n, 2);
	profile_file_free(&f);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

Suite *
suite_profile(void)
{
	Suite *s = suite_create("profile");
	TCase *tc;

	units_case(s, "read", test_read, test_args, test_over, test_expand, test_append,
		   NULL);
	tc = tcase_create("bad");
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}
