/* check_importmbsync.c - the IMAPAccount sections of an mbsync
 * configuration, translated with their lines, and hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "importtest.h"
#include "importmbsync.h"

static struct import_list l;

static void
parse(const char *text, size_t len)
{
	importacct_free(&l);
	importmbsync_parse(text, len, "/h/.mbsyncrc", &l);
}

/* The value of option in account i ("" for none, NULL unset). */
static const char *
val(size_t i, const char *option)
{
	return importtest_value(&l, i, option);
}

static int
line_of(size_t i, const char *option)
{
	return importacct_get(&l.acc[i], option)->line;
}

static const char conf[] =
	"# mbsync\n"
	"IMAPAccount work\n"
	"Host imap.example.com\n"
	"port 993\n"
	"User \"alice smith\"\n"
	"PassCmd \"+pass show 'mail/work'\"\n"
	"SSLType IMAPS\n"
	"CertificateFile /etc/ssl/certs/ca-certificates.crt\n"
	"AuthMechs SCRAM-SHA-256 PLAIN\n"
	"SSLVersions TLSv1.3\n"
	"Pass secret-in-file\n"
	"\n"
	"IMAPStore work-remote\n"
	"Account work\n"
	"\n"
	"MaildirStore local\n"
	"Path ~/Mail/\n"
	"\n"
	"IMAPAccount tun\n"
	"Tunnel \"ssh -q host /usr/lib/dovecot/imap\"\n"
	"\n"
	"IMAPAccount home\n"
	"Host 192.0.2.1\n"
	"SSLType None\n"
	"IMAPStore inline\n"
	"Host mail.example.org\n"
	"User bob\n";

START_TEST(test_accounts)
{
	char cmd[1024];

	parse(conf, strlen(conf));
	ck_assert_uint_eq(l.n, 4);
	ck_assert_str_eq(l.acc[0].name, "work");
	ck_assert_int_eq(l.acc[0].line, 2);
	ck_assert_str_eq(val(0, "host"), "imap.example.com");
	ck_assert_str_eq(val(0, "port"), "993");
	ck_assert_str_eq(val(0, "user"), "alice smith");
	ck_assert_str_eq(val(0, "password-command"), "pass show 'mail/work'");
	ck_assert_str_eq(val(0, "ssl"), "");
	ck_assert_int_eq(line_of(0, "ssl"), 7);
	ck_assert_str_eq(val(0, "ca-file"),
			 "/etc/ssl/certs/ca-certificates.crt");
	ck_assert_str_eq(val(0, "auth"), "SCRAM-SHA-256,PLAIN");
	ck_assert_ptr_null(val(0, "starttls"));
	/* Pass is kept for --use-stored-password, never in the words. */
	ck_assert_str_eq(l.acc[0].stored_password, "secret-in-file");
	ck_assert_int_eq(l.acc[0].password_line, 11);
	for (size_t i = 0; i < l.acc[0].n_set; i++)
		ck_assert_ptr_null(strstr(l.acc[0].set[i].said, "secret"));
	ck_assert_uint_eq(l.acc[0].n_notes, 2);
	ck_assert_int_eq(l.acc[0].notes[0].line, 10);
	importacct_command(&l.acc[0], cmd, sizeof(cmd));
	ck_assert_str_eq(cmd, "imapconn --port=993 --user='alice smith' "
			 "--password-command='pass show '\\''mail/work'\\''' "
			 "--ssl --ca-file=/etc/ssl/certs/ca-certificates.crt"
			 " --auth=SCRAM-SHA-256,PLAIN imap.example.com");
	/* A tunnel and no TLS choice: no STARTTLS default added. */
	ck_assert_str_eq(l.acc[1].name, "tun");
	ck_assert_str_eq(val(1, "tunnel"),
			 "ssh -q host /usr/lib/dovecot/imap");
	ck_assert_ptr_null(val(1, "starttls"));
	ck_assert_str_eq(val(2, "starttls"), "off");
	ck_assert_int_eq(line_of(2, "starttls"), 24);
	/* An IMAPStore with its own Host; STARTTLS by default, said so. */
	ck_assert_str_eq(l.acc[3].name, "inline");
	ck_assert_str_eq(val(3, "starttls"), "");
	ck_assert_int_eq(line_of(3, "starttls"), 25);
}
END_TEST

static const char nul[] = "IMAPAccount y\nHost a\0b\nPort 1\n";

START_TEST(test_hostile)
{
	size_t n = 6000;
	char *text = malloc(n + 200);

	/* A line too long, a NUL, an unclosed quote, CR LF, escapes. */
	strcpy(text, "IMAPAccount x\r\nHost h\r\nUser ");
	memset(text + strlen(text), 'a', n);
	strcpy(text + strlen("IMAPAccount x\r\nHost h\r\nUser ") + n,
	       "\nPassCmd \"unclosed\nTunnel \x1b[2Jx\nBogusKey 1\n");
	parse(text, strlen(text));
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(val(0, "host"), "h");
	ck_assert_ptr_null(val(0, "user"));
	ck_assert_ptr_null(val(0, "password-command"));
	ck_assert_str_eq(importacct_get(&l.acc[0], "tunnel")->said,
			 "Tunnel \\e[2Jx");
	ck_assert_uint_eq(l.acc[0].n_notes, 3);
	ck_assert_int_eq(l.acc[0].notes[0].line, 3);
	ck_assert_int_eq(l.acc[0].notes[1].line, 4);
	ck_assert_int_eq(l.acc[0].notes[2].line, 6);
	/* A NUL inside a line: the line is skipped. */
	parse(nul, sizeof(nul) - 1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_null(val(0, "host"));
	ck_assert_str_eq(val(0, "port"), "1");
	free(text);
}
END_TEST

START_TEST(test_many)
{
	char text[IMPORT_ACCOUNTS_MAX * 40 + 100];
	size_t n = 0;

	for (int i = 0; i < IMPORT_ACCOUNTS_MAX + 5; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "IMAPAccount a%d\nHost h\n", i);
	parse(text, n);
	ck_assert_uint_eq(l.n, IMPORT_ACCOUNTS_MAX);
	ck_assert(l.full);
	importacct_free(&l);
}
END_TEST

Suite *
suite_importmbsync(void)
{
	Suite *s = suite_create("importmbsync");

	units_case(s, "parse", test_accounts, test_hostile, test_many, NULL);
	return s;
}
