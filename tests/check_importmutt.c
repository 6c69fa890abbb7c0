/* check_importmutt.c - neomutt and mutt configurations: the IMAP URL,
 * the TLS choice and the line that made it, quoting, hostile input. */
#include <string.h>

#include "check_units.h"
#include "importtest.h"
#include "importmutt.h"

static struct import_list l;

static void
parse(const char *file, const char *text)
{
	importacct_free(&l);
	importmutt_parse(text, strlen(text), file, &l);
}

static const char *
val(const char *option)
{
	return importtest_value(&l, 0, option);
}

static int
line_of(const char *option)
{
	return importacct_get(&l.acc[0], option)->line;
}

START_TEST(test_plain)
{
	parse("/h/.neomuttrc",
	      "# neomutt\n"
	      "set imap_user = \"alice@example.com\"\n"
	      "set imap_pass='pw in file'\n"
	      "set folder=imap://mail.example.com:1143/\n"
	      "set spool_file = +INBOX\n"
	      "set ssl_force_tls = no   # comment\n"
	      "set nossl_starttls\n"
	      "set imap_authenticators=\"cram-md5:login\"\n"
	      "set tunnel=\"ssh host imapd\" sort=threads\n"
	      "source ~/.mutt/colours\n"
	      "set imap_keepalive = 300\n");
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.acc[0].client, IMPORT_NEOMUTT);
	ck_assert_str_eq(l.acc[0].name, "alice@example.com@mail.example.com");
	ck_assert_str_eq(val("host"), "mail.example.com");
	ck_assert_str_eq(val("port"), "1143");
	ck_assert_str_eq(val("user"), "alice@example.com");
	ck_assert_int_eq(line_of("user"), 2);
	/* ssl_starttls=no chose plain text: its line. */
	ck_assert_str_eq(val("starttls"), "off");
	ck_assert_int_eq(line_of("starttls"), 7);
	ck_assert_str_eq(importacct_get(&l.acc[0], "starttls")->said,
			 "ssl_starttls=no");
	ck_assert_str_eq(val("auth"), "cram-md5,login");
	ck_assert_str_eq(val("tunnel"), "ssh host imapd");
	ck_assert_str_eq(l.acc[0].stored_password, "pw in file");
	ck_assert_int_eq(l.acc[0].password_line, 3);
	ck_assert_ptr_null(val("password-command"));
	ck_assert_uint_eq(l.acc[0].n_notes, 2);
	ck_assert_int_eq(l.acc[0].notes[1].line, 10);
}
END_TEST

START_TEST(test_defaults)
{
	/* neomutt: ssl_force_tls is yes by default: STARTTLS required,
	 * pinned to the folder line. */
	parse("/h/.config/neomutt/neomuttrc",
	      "set folder = imap://bob@mail.example.com\n");
	ck_assert_str_eq(val("starttls"), "");
	ck_assert_int_eq(line_of("starttls"), 1);
	ck_assert_str_eq(val("user"), "bob");
	/* mutt: not forced; ssl_starttls yes: opportunistic. */
	parse("/h/.muttrc", "set folder = imap://mail.example.com\n");
	ck_assert_int_eq(l.acc[0].client, IMPORT_MUTT);
	ck_assert_str_eq(val("starttls"), "opportunistic");
	/* imaps:// with a command in backquotes and a URL password. */
	parse("/h/.muttrc",
	      "set spoolfile=\"imaps://u:p%40ss@[::1]:993/INBOX\"\n"
	      "set imap_pass=`pass show mail`\n"
	      "set imap_oauth_refresh_command=\"oauth2.py --refresh\"\n");
	ck_assert_str_eq(val("host"), "[::1]");
	ck_assert_str_eq(val("port"), "993");
	ck_assert_str_eq(val("ssl"), "");
	ck_assert_str_eq(val("user"), "u");
	ck_assert_str_eq(l.acc[0].stored_password, "p@ss");
	ck_assert_str_eq(val("oauth-token-command"), "oauth2.py --refresh");
	parse("/h/.muttrc", "set imap_pass=`pass show mail`\n"
	      "set folder=imaps://h/\n");
	ck_assert_str_eq(val("password-command"), "pass show mail");
	ck_assert_ptr_null(l.acc[0].stored_password);
}
END_TEST

START_TEST(test_hostile)
{
	/* Not IMAP, unclosed quotes, junk: no account, no crash. */
	parse("/h/.muttrc", "set folder=~/Mail\nset spoolfile=\"imap://x\n"
	      "set = = =\nset 'a'=b\n\x01\x02\nset folder=imap://\n");
	ck_assert_uint_eq(l.n, 0);
	/* An unknown authenticator is a note, not an option. */
	parse("/h/.muttrc", "set folder=imaps://h\n"
	      "set imap_authenticators=\"ntlm:\x1b]0;x\"\n");
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_null(val("auth"));
	ck_assert_uint_eq(l.acc[0].n_notes, 1);
	ck_assert_ptr_null(strchr(l.acc[0].notes[0].text, '\x1b'));
	importacct_free(&l);
}
END_TEST

Suite *
suite_importmutt(void)
{
	Suite *s = suite_create("importmutt");

	units_case(s, "parse", test_plain, test_defaults, test_hostile, NULL);
	return s;
}
