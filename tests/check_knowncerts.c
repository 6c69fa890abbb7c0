/* check_knowncerts.c - the file of certificates accepted for good:
 * keys, bad lines named and kept, round trip, update, forget, the
 * default path and a safe save. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_units.h"
#include "knowncerts.h"

#define KEY_A "JmBfRUNE95hTjEh/czlOGmA3/maYtNMiOwR8+MqN66g="
#define KEY_B "54jsWVpLuLdnpCTb0Dlw0NhI11yUG4LY9zohEWj/ClM="

struct warnings {
	int n;
	char last[512];
};

static void
warn(void *arg, const char *msg)
{
	struct warnings *w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static void
parse(struct knowncerts *kc, const char *text, struct warnings *w)
{
	knowncerts_init(kc);
	memset(w, 0, sizeof(*w));
	ck_assert_int_eq(knowncerts_parse(kc, text, strlen(text), "kc", warn,
					  w), 0);
}

START_TEST(test_key)
{
	char k[KNOWNCERTS_KEY_MAX];

	knowncerts_key("Mail.Example", ADDR_NAME, 993, k, sizeof(k));
	ck_assert_str_eq(k, "mail.example:993");
	knowncerts_key("::1", ADDR_IPV6, 143, k, sizeof(k));
	ck_assert_str_eq(k, "[::1]:143");
	knowncerts_key("127.0.0.1", ADDR_IPV4, 10993, k, sizeof(k));
	ck_assert_str_eq(k, "127.0.0.1:10993");
}
END_TEST

static const struct {
	const char *line;
	const char *why;
} bad[] = {
	{ "mail.example:993 sha256//" KEY_A " 2026-01-01",
	  "expected HOST:PORT" },
	{ "mail.example sha256//" KEY_A " 2026-01-01 2026-01-02",
	  "not HOST:PORT" },
	{ "mail.example:0 sha256//" KEY_A " 2026-01-01 2026-01-02",
	  "not HOST:PORT" },
	{ "mail.example:65536 sha256//" KEY_A " 2026-01-01 2026-01-02",
	  "not HOST:PORT" },
	{ "mail.example:993 " KEY_A " 2026-01-01 2026-01-02",
	  "not sha256//BASE64" },
	{ "mail.example:993 sha256//short 2026-01-01 2026-01-02",
	  "not sha256//BASE64" },
	{ "mail.example:993 sha256//" KEY_A " 2026-1-01 2026-01-02",
	  "not YYYY-MM-DD" },
	{ "mail.example:993 sha256//" KEY_A " 2026-01-01 yesterday",
	  "not YYYY-MM-DD" },
	{ "[::1:993 sha256//" KEY_A " 2026-01-01 2026-01-02",
	  "not HOST:PORT" },
};

START_TEST(test_bad_lines)
{
	struct knowncerts kc;
	struct warnings w;
	char text[1024];
	size_t len;
	char *out;

	snprintf(text, sizeof(text), "# comment\n\n%s\n"
		 "ok.example:143 sha256//" KEY_B " 2026-01-01 2026-01-02\n",
		 bad[_i].line);
	parse(&kc, text, &w);
	ck_assert_int_eq(w.n, 1);
	ck_assert_msg(strstr(w.last, "kc:3: ") == w.last, "%s", w.last);
	ck_assert_msg(strstr(w.last, bad[_i].why) != NULL, "%s", w.last);
	ck_assert_uint_eq(knowncerts_count(&kc), 1);
	ck_assert_ptr_nonnull(knowncerts_find(&kc, "ok.example:143"));
	ck_assert_ptr_null(knowncerts_find(&kc, "mail.example:993"));
	/* Written back as it was, the comment left out. */
	out = knowncerts_text(&kc, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, bad[_i].line));
	ck_assert_ptr_null(strstr(out, "# comment"));
	free(out);
	knowncerts_free(&kc);
}
END_TEST

START_TEST(test_duplicate_and_long)
{
	struct knowncerts kc;
	struct warnings w;
	char *text = malloc(4096);

	ck_assert_ptr_nonnull(text);
	snprintf(text, 4096, "a:1 sha256//" KEY_A " 2026-01-01 2026-01-02\n"
		 "a:1 sha256//" KEY_B " 2026-01-01 2026-01-02\n");
	parse(&kc, text, &w);
	ck_assert_int_eq(w.n, 1);
	ck_assert_ptr_nonnull(strstr(w.last, "kc:2: "));
	ck_assert_ptr_nonnull(strstr(w.last, "earlier line"));
	ck_assert_str_eq(knowncerts_find(&kc, "a:1")->spki, KEY_A);
	knowncerts_free(&kc);

	memset(text, 'x', 2000);
	text[2000] = '\0';
	parse(&kc, text, &w);
	ck_assert_int_eq(w.n, 1);
	ck_assert_ptr_nonnull(strstr(w.last, "too long"));
	ck_assert_uint_eq(kc.n, 0);
	knowncerts_free(&kc);
	free(text);
}
END_TEST

START_TEST(test_round_trip)
{
	static const char in[] =
		"mail.example:993 sha256//" KEY_A " 2025-03-04 2026-01-02\n"
		"[::1]:143 sha256//" KEY_B " 2026-01-01 2026-01-01\n";
	struct knowncerts kc, again;
	struct warnings w;
	size_t len;
	char *out;

	parse(&kc, in, &w);
	ck_assert_int_eq(w.n, 0);
	out = knowncerts_text(&kc, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), len);
	ck_assert_ptr_nonnull(strstr(out, in));
	parse(&again, out, &w);
	ck_assert_int_eq(w.n, 0);
	ck_assert_uint_eq(again.n, 2);
	ck_assert_str_eq(again.e[1].key, "[::1]:143");
	ck_assert_str_eq(again.e[0].first_seen, "2025-03-04");
	free(out);
	knowncerts_free(&kc);
	knowncerts_free(&again);
}
END_TEST

START_TEST(test_remember)
{
	struct knowncerts kc;
	const struct knowncerts_entry *e;

	knowncerts_init(&kc);
	ck_assert_int_eq(knowncerts_remember(&kc, "a:1", KEY_A, "2026-01-01"),
			 0);
	/* The same key later: last seen moves, first seen stays. */
	ck_assert_int_eq(knowncerts_remember(&kc, "a:1", KEY_A, "2026-02-03"),
			 0);
	e = knowncerts_find(&kc, "a:1");
	ck_assert_str_eq(e->first_seen, "2026-01-01");
	ck_assert_str_eq(e->last_seen, "2026-02-03");
	/* Another key: a new entry in its place. */
	ck_assert_int_eq(knowncerts_remember(&kc, "a:1", KEY_B, "2026-03-01"),
			 0);
	e = knowncerts_find(&kc, "a:1");
	ck_assert_str_eq(e->spki, KEY_B);
	ck_assert_str_eq(e->first_seen, "2026-03-01");
	ck_assert_uint_eq(kc.n, 1);
	knowncerts_free(&kc);
}
END_TEST

START_TEST(test_forget)
{
	static const char in[] =
		"mail.example:993 sha256//" KEY_A " 2026-01-01 2026-01-01\n"
		"mail.example:143 sha256//" KEY_A " 2026-01-01 2026-01-01\n"
		"mail.example.org:993 sha256//" KEY_A " 2026-01-01 2026-01-01\n"
		"[::1]:993 sha256//" KEY_B " 2026-01-01 2026-01-01\n"
		"bad line\n";
	struct knowncerts kc;
	struct warnings w;

	parse(&kc, in, &w);
	ck_assert_uint_eq(knowncerts_forget(&kc, "Mail.Example:143"), 1);
	ck_assert_ptr_nonnull(knowncerts_find(&kc, "mail.example:993"));
	ck_assert_uint_eq(knowncerts_forget(&kc, "mail.example"), 1);
	ck_assert_ptr_nonnull(knowncerts_find(&kc, "mail.example.org:993"));
	ck_assert_uint_eq(knowncerts_forget(&kc, "[::1]"), 1);
	ck_assert_uint_eq(knowncerts_forget(&kc, "[::1]:993"), 0);
	ck_assert_uint_eq(knowncerts_forget(&kc, "bad"), 0);
	ck_assert_uint_eq(knowncerts_count(&kc), 1);
	ck_assert_uint_eq(kc.n, 2);
	knowncerts_free(&kc);
}
END_TEST

START_TEST(test_path)
{
	char p[256];

	setenv("XDG_DATA_HOME", "/x/data", 1);
	ck_assert_int_eq(knowncerts_default_path(p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/x/data/imapconn/known_certs");
	/* A relative XDG_DATA_HOME is ignored, as the spec says. */
	setenv("XDG_DATA_HOME", "rel", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(knowncerts_default_path(p, sizeof(p)), 0);
	ck_assert_str_eq(p, "/home/u/.local/share/imapconn/known_certs");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	ck_assert_int_eq(knowncerts_default_path(p, sizeof(p)), -1);
	ck_assert_str_eq(p, "");
}
END_TEST

START_TEST(test_save_load)
{
	char dir[] = "/tmp/check-knowncerts.XXXXXX", path[128], err[256];
	struct knowncerts kc, back;
	struct warnings w;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/known_certs", dir);
	knowncerts_init(&kc);
	knowncerts_init(&back);
	/* No file yet: empty. */
	ck_assert_int_eq(knowncerts_load(&back, path, warn, &w, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(back.n, 0);
	ck_assert_int_eq(knowncerts_remember(&kc, "a:1", KEY_A, "2026-01-01"),
			 0);
	ck_assert_int_eq(knowncerts_save(&kc, path, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(knowncerts_load(&back, path, warn, &w, err,
					 sizeof(err)), 0);
	ck_assert_str_eq(knowncerts_find(&back, "a:1")->spki, KEY_A);
	knowncerts_free(&kc);
	knowncerts_free(&back);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

Suite *
suite_knowncerts(void)
{
	Suite *s = suite_create("knowncerts");
	TCase *tc;

	units_case(s, "file", test_key, test_duplicate_and_long,
		   test_round_trip, test_remember, test_forget, test_path,
		   test_save_load, NULL);
	tc = units_case(s, "bad", NULL);
	tcase_add_loop_test(tc, test_bad_lines, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	return s;
}
