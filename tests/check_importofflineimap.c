/* check_importofflineimap.c - offlineimap's [Repository] sections of
 * type IMAP: host, port, ssl and starttls, password sources. */
#include <string.h>

#include "check_units.h"
#include "importtest.h"
#include "importofflineimap.h"

static struct import_list l;

static void
parse(const char *text)
{
	importacct_free(&l);
	importofflineimap_parse(text, strlen(text), "/h/.offlineimaprc", &l);
}

static const char *
val(size_t i, const char *option)
{
	return importtest_value(&l, i, option);
}

START_TEST(test_repositories)
{
	parse("[general]\naccounts = A\n\n"
	      "[Repository Local]\ntype = Maildir\n"
	      "[Repository Remote]\n"
	      "type = IMAP\n"
	      "remotehost: imap.example.com\n"
	      "remoteuser = alice\n"
	      "remotepasseval = get_pass()\n"
	      "auth_mechanisms = GSSAPI, CRAM-MD5, PLAIN\n"
	      "sslcacertfile = OS-DEFAULT\n"
	      "[Repository Old]\n"
	      "type = IMAP\n"
	      "remotehost = old.example\n"
	      "remotepass = pw\n"
	      "ssl = no\n"
	      "starttls = no\n");
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.acc[0].name, "Remote");
	ck_assert_str_eq(val(0, "host"), "imap.example.com");
	ck_assert_str_eq(val(0, "ssl"), "");
	ck_assert_int_eq(importacct_get(&l.acc[0], "ssl")->line, 6);
	ck_assert_str_eq(val(0, "auth"), "GSSAPI,CRAM-MD5,PLAIN");
	ck_assert_ptr_null(val(0, "ca-file"));
	ck_assert_uint_eq(l.acc[0].n_notes, 1);
	ck_assert_int_eq(l.acc[0].notes[0].line, 10);
	ck_assert_str_eq(val(1, "starttls"), "off");
	ck_assert_int_eq(importacct_get(&l.acc[1], "starttls")->line, 18);
	ck_assert_str_eq(l.acc[1].stored_password, "pw");
	importacct_free(&l);
}
END_TEST

Suite *
suite_importofflineimap(void)
{
	Suite *s = suite_create("importofflineimap");

	units_case(s, "parse", test_repositories, NULL);
	return s;
}
