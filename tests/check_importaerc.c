/* check_importaerc.c - aerc's accounts.conf: IMAP sources, their
 * schemes, credentials command, and sections that are not IMAP. */
#include <string.h>

#include "check_units.h"
#include "importtest.h"
#include "importaerc.h"

static struct import_list l;

static void
parse(const char *text)
{
	importacct_free(&l);
	importaerc_parse(text, strlen(text), "/h/accounts.conf", &l);
}

static const char *
val(size_t i, const char *option)
{
	return importtest_value(&l, i, option);
}

START_TEST(test_accounts)
{
	parse("[Work]\n"
	      "source = imaps://alice%40example.com@imap.example.com:993\n"
	      "source-cred-cmd = pass show work\n"
	      "outgoing = smtps://alice@smtp.example.com\n"
	      "\n"
	      "[Local]\n"
	      "source = maildir://~/Mail\n"
	      "[Plain]\n"
	      "source = imap+insecure://bob:hunter2@10.0.0.1\n"
	      "source-keepalive-period = 60s\n"
	      "[Start]\n"
	      "source = imap+oauthbearer://c@mail.example\n");
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.acc[0].name, "Work");
	ck_assert_str_eq(val(0, "user"), "alice@example.com");
	ck_assert_str_eq(val(0, "host"), "imap.example.com");
	ck_assert_str_eq(val(0, "port"), "993");
	ck_assert_str_eq(val(0, "ssl"), "");
	ck_assert_str_eq(val(0, "password-command"), "pass show work");
	ck_assert_int_eq(importacct_get(&l.acc[0], "password-command")->line,
			 3);
	ck_assert_str_eq(l.acc[1].name, "Plain");
	ck_assert_str_eq(val(1, "starttls"), "off");
	ck_assert_str_eq(l.acc[1].stored_password, "hunter2");
	for (size_t i = 0; i < l.acc[1].n_set; i++)
		ck_assert_ptr_null(strstr(l.acc[1].set[i].said, "hunter2"));
	ck_assert_uint_eq(l.acc[1].n_notes, 2);
	ck_assert_str_eq(val(2, "starttls"), "");
	ck_assert_str_eq(val(2, "auth"), "oauthbearer");
}
END_TEST

START_TEST(test_hostile)
{
	parse("source = imaps://before-any-section\n[\n[x]\nsource\n"
	      "source = imaps://\n[y]\nsource = imaps://[::1\n"
	      "[z]\nsource = imaps://h:99999999999\n");
	ck_assert_uint_eq(l.n, 0);
	importacct_free(&l);
}
END_TEST

Suite *
suite_importaerc(void)
{
	Suite *s = suite_create("importaerc");

	units_case(s, "parse", test_accounts, test_hostile, NULL);
	return s;
}
