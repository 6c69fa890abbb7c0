/* check_password.c - the password from a file, a command, the
 * environment, or nowhere; errors never quote it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_units.h"
#include "config.h"
#include "fail.h"
#include "options.h"
#include "password.h"

#define S(lit) lit, sizeof(lit) - 1
#define SECRET "s3cr3t-Pw"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_password.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("IMAPCONN_PASSWORD");
}

static void
teardown(void)
{
	char cmd[64 + sizeof(dir)];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* A file in the test's directory holding len bytes; its path in path. */
static void
write_file(const char *name, const char *data, size_t len, char *path,
	   size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* An options struct naming a source, and a fresh configuration. */
static void
source(struct options *o, struct conn_config *c, enum password_source s,
       const char *arg)
{
	memset(o, 0, sizeof(*o));
	config_init(&o->cfg);
	o->pw_source = s;
	snprintf(o->pw_arg, sizeof(o->pw_arg), "%s", arg);
	config_init(c);
	snprintf(c->user, sizeof(c->user), "bob");
}

static void
check_got(const struct conn_config *c, int rc, const struct failure *f,
	  const char *want)
{
	ck_assert_msg(rc == 0, "refused: %s", f->detail);
	ck_assert(c->have_password);
	ck_assert_str_eq(c->password, want);
}

/* Refused with FAIL_INPUT: the detail has every needle and no trace of
 * the secret; the configuration holds no password. */
static void
check_refused(const struct conn_config *c, int rc, const struct failure *f,
	      const char *const *needles, const char *secret)
{
	ck_assert_msg(rc == -1, "accepted (a %zu-byte password)",
		      strlen(c->password));
	ck_assert_int_eq(f->cls, FAIL_INPUT);
	ck_assert(!c->have_password);
	ck_assert_str_eq(c->password, "");
	for (size_t i = 0; needles[i] != NULL; i++)
		ck_assert_msg(strstr(f->detail, needles[i]) != NULL,
			      "detail '%s' lacks '%s'", f->detail, needles[i]);
	if (secret != NULL && secret[0] != '\0') {
		ck_assert_msg(strstr(f->detail, secret) == NULL,
			      "detail '%s' quotes the password", f->detail);
		ck_assert_msg(strstr(f->hint, secret) == NULL,
			      "hint '%s' quotes the password", f->hint);
	}
}

/* ---- files ---------------------------------------------------------- */

struct file_case {
	const char *data;
	size_t len;
	const char *want;		/* NULL: refused */
	const char *needle;		/* in the detail when refused */
};

static const struct file_case file_cases[] = {
	{ S(SECRET "\n"), SECRET, NULL },
	{ S(SECRET), SECRET, NULL },
	{ S(SECRET "\r\n"), SECRET, NULL },
	{ S(SECRET "\r\nsecond line\n"), SECRET, NULL },
	{ S(SECRET "\nsecond line\n"), SECRET, NULL },
	{ S(SECRET "\rold mac line"), SECRET, NULL },
	{ S(" spaces\tand tabs \n"), " spaces\tand tabs ", NULL },
	{ S("caf\xc3\xa9\n"), "caf\xc3\xa9", NULL },
	{ S("x"), "x", NULL },
	{ S(""), NULL, "empty" },
	{ S("\n" SECRET "\n"), NULL, "empty" },
	{ S("\r\n" SECRET), NULL, "empty" },
	{ S(SECRET "\0tail\n"), NULL, "NUL" },
};

START_TEST(test_file)
{
	const struct file_case *t = &file_cases[_i];
	char path[256];
	struct options o;
	struct conn_config c;
	struct failure f;
	int rc;

	write_file("pw", t->data, t->len, path, sizeof(path));
	source(&o, &c, PW_FILE, path);
	rc = password_obtain(&o, &c, false, &f);
	if (t->want != NULL) {
		check_got(&c, rc, &f, t->want);
	} else {
		const char *needles[] = { path, t->needle, NULL };

		check_refused(&c, rc, &f, needles, SECRET);
	}
}
END_TEST

/* A missing file is named; nothing else is said about it. */
START_TEST(test_file_missing)
{
	char path[256];
	struct options o;
	struct conn_config c;
	struct failure f;
	const char *needles[] = { NULL, "No such file", NULL };

	snprintf(path, sizeof(path), "%s/no-such-file", dir);
	needles[0] = path;
	source(&o, &c, PW_FILE, path);
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, needles,
		      NULL);
	ck_assert_int_eq(f.phase, PHASE_NONE);
}
END_TEST

START_TEST(test_file_directory)
{
	struct options o;
	struct conn_config c;
	struct failure f;
	const char *needles[] = { dir, NULL };

	source(&o, &c, PW_FILE, dir);
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, needles,
		      NULL);
}
END_TEST

/* password_read_file() on its own, into buffers of several sizes. */
START_TEST(test_read_file)
{
	char path[256], buf[64];
	struct failure f;

	write_file("kp", S("key pass\r\nmore\n"), path, sizeof(path));
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(password_read_file(path, buf, sizeof(buf), &f), 0);
	ck_assert_str_eq(buf, "key pass");
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(password_read_file(path, buf, 9, &f), 0);
	ck_assert_str_eq(buf, "key pass");
	ck_assert_int_eq(buf[9], 'Z');
}
END_TEST

/* A line longer than the password buffer is refused, not cut short:
 * a cut password fails later as a wrong password, far from the cause
 * (IMAPCONN_PASSWORD says "too long" for the same length). */
START_TEST(test_file_too_long)
{
	size_t len = CONFIG_SECRET_MAX + 100;
	char *data = malloc(len + 1);
	char path[256];
	struct options o;
	struct conn_config c;
	struct failure f;
	int rc;

	ck_assert_ptr_nonnull(data);
	memset(data, 'p', len);
	data[len] = '\n';
	write_file("long", data, len + 1, path, sizeof(path));
	free(data);
	source(&o, &c, PW_FILE, path);
	rc = password_obtain(&o, &c, false, &f);
	ck_assert_msg(rc == -1, "a %zu-byte password line was accepted as "
		      "%zu bytes", len, strlen(c.password));
	ck_assert_int_eq(f.cls, FAIL_INPUT);
	ck_assert_ptr_nonnull(strstr(f.detail, "too long"));
}
END_TEST

/* ---- commands ------------------------------------------------------- */

struct command_case {
	const char *cmd;
	const char *want;		/* NULL: refused */
	const char *needles[3];		/* in the detail when refused */
};

static const struct command_case command_cases[] = {
	{ "printf '" SECRET "\\nrest'", SECRET, { NULL } },
	{ "printf '" SECRET "'", SECRET, { NULL } },
	{ "printf '" SECRET "\\r\\n'", SECRET, { NULL } },
	{ "echo " SECRET "; echo more; echo more", SECRET, { NULL } },
	{ "printf '" SECRET "\\n'; head -c 200000 /dev/zero", SECRET,
	  { NULL } },
	{ "exit 3", NULL, { "--password-command", "exit status 3" } },
	{ "printf '" SECRET "\\n'; exit 2", NULL, { "exit status 2" } },
	{ "/nonexistent/command 2>/dev/null", NULL, { "exit status 127" } },
	{ "printf '" SECRET "\\n'; kill -9 $$", NULL,
	  { "--password-command" } },
	{ "true", NULL, { "--password-command", "empty" } },
	{ "printf '\\n" SECRET "\\n'", NULL, { "empty" } },
	{ "printf '" SECRET "\\000x\\n'", NULL, { "NUL" } },
	/* longer than the buffer: refused, as in test_file_too_long */
	{ "head -c 1100 /dev/zero | tr '\\000' p", NULL, { "too long" } },
};

START_TEST(test_command)
{
	const struct command_case *t = &command_cases[_i];
	struct options o;
	struct conn_config c;
	struct failure f;
	int rc;

	source(&o, &c, PW_COMMAND, t->cmd);
	rc = password_obtain(&o, &c, false, &f);
	if (t->want != NULL)
		check_got(&c, rc, &f, t->want);
	else
		check_refused(&c, rc, &f, t->needles, SECRET);
}
END_TEST

/* ---- the environment and nothing ------------------------------------ */

START_TEST(test_env)
{
	struct options o;
	struct conn_config c;
	struct failure f;

	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", SECRET " x\ty", 1), 0);
	source(&o, &c, PW_ENV, "");
	check_got(&c, password_obtain(&o, &c, false, &f), &f,
		  SECRET " x\ty");
}
END_TEST

START_TEST(test_env_bad)
{
	static const char *const empty[] = { "IMAPCONN_PASSWORD", "empty",
					     NULL };
	static const char *const too_long[] = { "IMAPCONN_PASSWORD",
						"too long", NULL };
	char big[CONFIG_SECRET_MAX + 1];
	struct options o;
	struct conn_config c;
	struct failure f;

	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", "", 1), 0);
	source(&o, &c, PW_ENV, "");
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, empty,
		      NULL);
	ck_assert_int_eq(unsetenv("IMAPCONN_PASSWORD"), 0);
	source(&o, &c, PW_ENV, "");
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, empty,
		      NULL);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", big, 1), 0);
	source(&o, &c, PW_ENV, "");
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, too_long,
		      "qqqqqqqq");
	/* the longest that fits */
	big[sizeof(big) - 2] = '\0';
	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", big, 1), 0);
	source(&o, &c, PW_ENV, "");
	check_got(&c, password_obtain(&o, &c, false, &f), &f, big);
}
END_TEST

/* No source and no prompt allowed: say how to give one. */
START_TEST(test_none)
{
	static const char *const needles[] = {
		"no password", "IMAPCONN_PASSWORD", "--password-file",
		"--password-command", NULL
	};
	struct options o;
	struct conn_config c;
	struct failure f;

	/* even with the variable set, PW_NONE does not read it */
	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", SECRET, 1), 0);
	source(&o, &c, PW_NONE, "");
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, needles,
		      SECRET);
}
END_TEST

/* An OAuth token from a command or the environment; no password is
 * asked for then, nor when --auth names only mechanisms without one. */
START_TEST(test_token)
{
	static const char *const failed[] = { "--oauth-token-command",
					      "exit status 4", NULL };
	struct options o;
	struct conn_config c;
	struct failure f;

	source(&o, &c, PW_NONE, "");
	o.tok_source = TOK_COMMAND;
	snprintf(o.tok_arg, sizeof(o.tok_arg), "printf 'ya29.t\\nx\\n'");
	ck_assert_int_eq(password_obtain(&o, &c, false, &f), 0);
	ck_assert(c.have_token);
	ck_assert_str_eq(c.oauth_token, "ya29.t");
	ck_assert(!c.have_password);

	ck_assert_int_eq(setenv("IMAPCONN_OAUTH_TOKEN", "env.tok", 1), 0);
	source(&o, &c, PW_NONE, "");
	o.tok_source = TOK_ENV;
	ck_assert_int_eq(password_obtain(&o, &c, false, &f), 0);
	ck_assert_str_eq(c.oauth_token, "env.tok");
	ck_assert_int_eq(unsetenv("IMAPCONN_OAUTH_TOKEN"), 0);

	source(&o, &c, PW_NONE, "");
	o.tok_source = TOK_COMMAND;
	snprintf(o.tok_arg, sizeof(o.tok_arg), "exit 4");
	check_refused(&c, password_obtain(&o, &c, false, &f), &f, failed,
		      NULL);
	ck_assert(!c.have_token);

	source(&o, &c, PW_NONE, "");
	c.auth_mechs = CONN_AUTH_GSSAPI;
	ck_assert_int_eq(password_obtain(&o, &c, false, &f), 0);
	ck_assert(!c.have_password);
}
END_TEST

/* A password already in the configuration is replaced whole. */
START_TEST(test_replaces)
{
	struct options o;
	struct conn_config c;
	struct failure f;

	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", "short", 1), 0);
	source(&o, &c, PW_ENV, "");
	memset(c.password, 'L', sizeof(c.password) - 1);
	check_got(&c, password_obtain(&o, &c, false, &f), &f, "short");
}
END_TEST

Suite *
suite_password(void)
{
	Suite *s = suite_create("password");
	TCase *tc = units_case(s, "sources", test_file_missing,
			       test_file_directory, test_read_file,
			       test_file_too_long, test_env, test_env_bad,
			       test_none, test_replaces, test_token, NULL);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_file, 0,
			    (int)(sizeof(file_cases) / sizeof(file_cases[0])));
	tcase_add_loop_test(tc, test_command, 0,
			    (int)(sizeof(command_cases) /
				  sizeof(command_cases[0])));
	return s;
}
