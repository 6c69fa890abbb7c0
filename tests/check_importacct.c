/* check_importacct.c - the shared readers of imported settings: lines,
 * words, INI lines, URLs, and the command line an account stands for. */
#include <stdio.h>
#include <string.h>

#include "check_units.h"
#include "importacct.h"
#include "strv.h"

START_TEST(test_line)
{
	static const char text[] = "a\r\nbb\n\nlong-line\nc";
	char buf[6];
	size_t pos = 0;
	int line = 0;

	ck_assert_int_eq(importacct_line(text, strlen(text), &pos, buf,
					 sizeof(buf), &line), 1);
	ck_assert_str_eq(buf, "a");
	ck_assert_int_eq(importacct_line(text, strlen(text), &pos, buf,
					 sizeof(buf), &line), 1);
	ck_assert_str_eq(buf, "bb");
	ck_assert_int_eq(importacct_line(text, strlen(text), &pos, buf,
					 sizeof(buf), &line), 1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(importacct_line(text, strlen(text), &pos, buf,
					 sizeof(buf), &line), -1);
	ck_assert_int_eq(line, 4);
	ck_assert_int_eq(importacct_line(text, strlen(text), &pos, buf,
					 sizeof(buf), &line), 1);
	ck_assert_str_eq(buf, "c");
	ck_assert_int_eq(importacct_line(text, strlen(text), &pos, buf,
					 sizeof(buf), &line), 0);
	ck_assert_int_eq(line, 5);
}
END_TEST

START_TEST(test_word)
{
	const char *p = "  plain \"dq \\\" x\" 'sq \\ y' tail";
	char w[32];

	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), 1);
	ck_assert_str_eq(w, "plain");
	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), 1);
	ck_assert_str_eq(w, "dq \" x");
	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), 1);
	ck_assert_str_eq(w, "sq \\ y");
	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), 1);
	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), 0);
	p = "\"unclosed";
	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), -1);
	p = "waytoolongforthebufferofthirtytwo";
	ck_assert_int_eq(importacct_word(&p, w, sizeof(w)), -1);
}
END_TEST

START_TEST(test_ini_url)
{
	char buf[64], *k, *v;
	struct import_url u;

	snprintf(buf, sizeof(buf), "  [ Name ] ");
	ck_assert_int_eq(importacct_ini(buf, &k, &v), 1);
	ck_assert_str_eq(k, "Name");
	snprintf(buf, sizeof(buf), "key : a=b ");
	ck_assert_int_eq(importacct_ini(buf, &k, &v), 2);
	ck_assert_str_eq(k, "key");
	ck_assert_str_eq(v, "a=b");
	snprintf(buf, sizeof(buf), "; c");
	ck_assert_int_eq(importacct_ini(buf, &k, &v), 0);
	snprintf(buf, sizeof(buf), "=x");
	ck_assert_int_eq(importacct_ini(buf, &k, &v), -1);
	ck_assert_int_eq(importacct_url("imaps://a%40b:p%3a@h:993/x", &u), 0);
	ck_assert_str_eq(u.scheme, "imaps");
	ck_assert_str_eq(u.user, "a@b");
	ck_assert_str_eq(u.pass, "p:");
	ck_assert_str_eq(u.host, "h");
	ck_assert_str_eq(u.port, "993");
	ck_assert_int_eq(importacct_url("imap://[::1]:143", &u), 0);
	ck_assert_str_eq(u.host, "[::1]");
	ck_assert_int_eq(importacct_url("imap://", &u), -1);
	ck_assert_int_eq(importacct_url("nocolon", &u), -1);
	ck_assert_int_eq(importacct_url("imap://[::1", &u), -1);
	ck_assert_int_eq(importacct_url("imap://h:123456789", &u), -1);
}
END_TEST

START_TEST(test_args)
{
	static struct import_list l;
	struct import_account *a;
	char cmd[128], **argv;
	int argc;

	a = importacct_add(&l, IMPORT_AERC, "/f", "n\x1b", 1);
	ck_assert_str_eq(a->name, "n\\e");
	importacct_set(a, IMPORT_R_HOST, "host", "h", 2, "h");
	importacct_set(a, IMPORT_R_PORT, "port", "1", 3, "p");
	importacct_set(a, IMPORT_R_PORT, "port", "2", 4, "p");
	importacct_set(a, IMPORT_R_SECURITY, "ssl", NULL, 5, "s");
	importacct_set(a, IMPORT_R_TUNNEL, "tunnel", "a 'b'", 6, "t");
	ck_assert_int_eq(importacct_get(a, "port")->line, 4);
	importacct_command(a, cmd, sizeof(cmd));
	ck_assert_str_eq(cmd, "imapconn --port=2 --ssl "
			 "--tunnel='a '\\''b'\\''' h");
	importacct_command(a, cmd, 10);
	ck_assert_str_eq(cmd, "");
	ck_assert_int_eq(importacct_args(a, &argc, &argv), 0);
	ck_assert_int_eq(argc, 4);
	ck_assert_str_eq(argv[0], "--port=2");
	ck_assert_str_eq(argv[1], "--ssl");
	ck_assert_str_eq(argv[2], "--tunnel=a 'b'");
	ck_assert_str_eq(argv[3], "h");
	ck_assert_ptr_null(argv[4]);
	strv_free(argc, argv);
	importacct_free(&l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

Suite *
suite_importacct(void)
{
	Suite *s = suite_create("importacct");

	units_case(s, "read", test_line, test_word, test_ini_url, test_args,
		   NULL);
	return s;
}
