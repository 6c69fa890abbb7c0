/* check_importtbird.c - Thunderbird's prefs.js: IMAP servers grouped by
 * serverN, socketType and authMethod translated, hostile input. */
#include <string.h>

#include "check_units.h"
#include "importtest.h"
#include "importtbird.h"

static struct import_list l;

static void
parse(const char *text)
{
	importacct_free(&l);
	importtbird_parse(text, strlen(text), "/h/prefs.js", &l);
}

static const char *
val(size_t i, const char *option)
{
	return importtest_value(&l, i, option);
}

static const char prefs[] =
	"// Mozilla User Preferences\n"
	"user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n"
	"user_pref(\"mail.server.server1.port\", 993);\n"
	"user_pref(\"mail.server.server1.socketType\", 3);\n"
	"user_pref(\"mail.server.server1.type\", \"imap\");\n"
	"user_pref(\"mail.server.server1.userName\", \"al\\\"ice\");\n"
	"user_pref(\"mail.server.server1.authMethod\", 10);\n"
	"user_pref(\"mail.server.server2.type\", \"pop3\");\n"
	"user_pref(\"mail.server.server2.hostname\", \"pop.example.com\");\n"
	"user_pref(\"mail.server.server3.type\", \"imap\");\n"
	"user_pref(\"mail.server.server3.hostname\", \"plain.example\");\n"
	"user_pref(\"mail.server.server3.authMethod\", 6);\n"
	"user_pref(\"mail.server.server4.type\", \"imap\");\n"
	"user_pref(\"mail.server.server4.hostname\", \"s.example\");\n"
	"user_pref(\"mail.server.server4.socketType\", 2);\n"
	"user_pref(\"mail.server.server4.authMethod\", 3);\n";

START_TEST(test_servers)
{
	parse(prefs);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.acc[0].name, "server1");
	ck_assert_int_eq(l.acc[0].line, 5);
	ck_assert_str_eq(val(0, "host"), "imap.example.com");
	ck_assert_str_eq(val(0, "port"), "993");
	ck_assert_str_eq(val(0, "ssl"), "");
	ck_assert_int_eq(importacct_get(&l.acc[0], "ssl")->line, 4);
	ck_assert_str_eq(val(0, "user"), "al\"ice");
	ck_assert_str_eq(val(0, "auth"), "oauthbearer,xoauth2");
	ck_assert_uint_eq(l.acc[0].n_notes, 1);	/* the token */
	/* No socketType: plain text, pinned to the server's first line;
	 * NTLM is no mechanism imapconn speaks. */
	ck_assert_str_eq(val(1, "starttls"), "off");
	ck_assert_int_eq(importacct_get(&l.acc[1], "starttls")->line, 10);
	ck_assert_ptr_null(val(1, "auth"));
	ck_assert_int_eq(l.acc[1].notes[0].line, 12);
	ck_assert_str_eq(val(2, "starttls"), "");
	ck_assert_str_eq(val(2, "auth"), "login,plain");
}
END_TEST

START_TEST(test_hostile)
{
	parse("user_pref(\"mail.server.server1.type\", \"imap);\n"
	      "user_pref(\"mail.server.\", 1);\n"
	      "user_pref(\"mail.server.server1.hostname\"\n"
	      "user_pref(\"mail.server.server1x\", \"imap\");\n"
	      "user_pref(\"mail.server.server9.type\", \"imap\");\n"
	      "user_pref(\"mail.server.server9.hostname\", \"\x1b[31m\");\n"
	      "user_pref(\"mail.server.server9.socketType\", 7);\n");
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.acc[0].name, "server9");
	ck_assert_str_eq(importacct_get(&l.acc[0], "host")->said,
			 "hostname");
	ck_assert_ptr_null(val(0, "ssl"));
	ck_assert_ptr_null(val(0, "starttls"));
	ck_assert_uint_eq(l.acc[0].n_notes, 1);
	importacct_free(&l);
}
END_TEST

Suite *
suite_importtbird(void)
{
	Suite *s = suite_create("importtbird");

	units_case(s, "parse", test_servers, test_hostile, NULL);
	return s;
}
