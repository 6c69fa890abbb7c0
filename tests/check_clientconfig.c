/* check_clientconfig.c - autoconfig files: the documented form, the
 * username placeholders, and hostile or broken files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "clientconfig.h"

/* The example of Thunderbird's autoconfig file format (clientConfig
 * 1.1), cut to what imapconn reads, with a POP3 server that is not
 * IMAP and must be left out. */
static const char example[] =
	"<?xml version=\"1.0\"?>\n"
	"<clientConfig version=\"1.1\">\n"
	" <emailProvider id=\"example.com\">\n"
	"  <domain>example.com</domain>\n"
	"  <incomingServer type=\"pop3\">\n"
	"   <hostname>pop.example.com</hostname><port>995</port>\n"
	"   <socketType>SSL</socketType>\n"
	"  </incomingServer>\n"
	"  <incomingServer type=\"imap\">\n"
	"   <hostname>IMAP.Example.com</hostname>\n"
	"   <port>993</port>\n"
	"   <socketType>SSL</socketType>\n"
	"   <username>%EMAILLOCALPART%</username>\n"
	"   <authentication>OAuth2</authentication>\n"
	"   <authentication>password-cleartext</authentication>\n"
	"  </incomingServer>\n"
	"  <incomingServer type=\"imap\">\n"
	"   <hostname>imap.example.com</hostname>\n"
	"   <port>143</port>\n"
	"   <socketType>STARTTLS</socketType>\n"
	"   <username>%EMAILADDRESS%</username>\n"
	"  </incomingServer>\n"
	" </emailProvider>\n"
	"</clientConfig>\n";

static int
parse(const char *xml, struct clientconfig_server *sv, size_t *n,
      char *said)
{
	return clientconfig_parse(xml, strlen(xml), "alice@example.com", sv,
				  4, n, said, 200);
}

START_TEST(test_example)
{
	struct clientconfig_server sv[4];
	char said[200];
	size_t n;

	ck_assert_int_eq(parse(example, sv, &n, said), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(said, "2 IMAP servers");
	ck_assert_str_eq(sv[0].host, "imap.example.com");
	ck_assert_uint_eq(sv[0].port, 993);
	ck_assert_int_eq(sv[0].socket, CC_SSL);
	ck_assert_str_eq(sv[0].username, "alice");
	ck_assert_str_eq(sv[0].auth, "OAuth2 password-cleartext");
	ck_assert_uint_eq(sv[1].port, 143);
	ck_assert_int_eq(sv[1].socket, CC_STARTTLS);
	ck_assert_str_eq(sv[1].username, "alice@example.com");
	ck_assert_str_eq(clientconfig_socket_words(sv[1].socket),
			 "STARTTLS");
}
END_TEST

/* A server with one bad field is left out and said so. */
START_TEST(test_invalid_servers)
{
	static const char *const bad[] = {
		"<hostname>imap example.com</hostname><port>993</port>",
		"<hostname>imap.example.com</hostname><port>99999</port>",
		"<hostname>imap.example.com</hostname><port>12x</port>",
		"<hostname>imap.example.com</hostname><port>993</port>"
		"<socketType>maybe</socketType>",
		"<hostname>-</hostname><port>993</port>",
		"<port>993</port>",
		"<hostname>a\x1b[2J.example.com</hostname><port>993</port>",
	};
	struct clientconfig_server sv[4];
	char xml[600], said[200];
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(xml, sizeof(xml), "<clientConfig><emailProvider>"
			 "<incomingServer type=\"imap\">%s</incomingServer>"
			 "</emailProvider></clientConfig>", bad[i]);
		ck_assert_msg(parse(xml, sv, &n, said) == -1, "%s: %s",
			      bad[i], said);
		ck_assert_uint_eq(n, 0);
		if (strchr(bad[i], '\x1b') == NULL)
			ck_assert_str_eq(said, "1 IMAP server, none valid");
	}
}
END_TEST

START_TEST(test_not_config)
{
	struct clientconfig_server sv[4];
	char said[200];
	size_t n;

	ck_assert_int_eq(parse("<html><body>404</body></html>", sv, &n,
			       said), -1);
	ck_assert_str_eq(said, "not a clientConfig file");
	ck_assert_int_eq(parse("not xml at all <", sv, &n, said), -1);
	ck_assert_str_eq(said, "not XML");
	ck_assert_int_eq(parse("<clientConfig/>", sv, &n, said), -1);
	ck_assert_str_eq(said, "no IMAP server in the file");
}
END_TEST

/* Entities are not expanded (a "billion laughs" stays small), and an
 * external entity is never fetched: the host is left empty. */
START_TEST(test_entities)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?><!DOCTYPE c ["
		"<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		"<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<clientConfig><emailProvider><incomingServer type=\"imap\">"
		"<hostname>&x;</hostname><port>993</port>"
		"<username>&c;&c;&c;</username>"
		"</incomingServer></emailProvider></clientConfig>";
	struct clientconfig_server sv[4];
	char said[200];
	size_t n;

	ck_assert_int_eq(parse(laughs, sv, &n, said), -1);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_too_large)
{
	size_t len = CLIENTCONFIG_BODY_MAX + 1;
	char *big = malloc(len + 1);
	struct clientconfig_server sv[4];
	char said[200];
	size_t n;

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', len);
	big[len] = '\0';
	ck_assert_int_eq(clientconfig_parse(big, len, "", sv, 4, &n, said,
					    sizeof(said)), -1);
	ck_assert_str_eq(said, "larger than 64 KiB: not read");
	free(big);
}
END_TEST

/* More servers than room: the first ones, in the file's order. */
START_TEST(test_many)
{
	char xml[4000], one[200], said[200];
	struct clientconfig_server sv[2];
	size_t n, off;

	off = (size_t)snprintf(xml, sizeof(xml), "<clientConfig>"
			       "<emailProvider>");
	for (int i = 0; i < 5; i++) {
		snprintf(one, sizeof(one), "<incomingServer type=\"imap\">"
			 "<hostname>imap%d.example.com</hostname><port>993"
			 "</port><socketType>SSL</socketType>"
			 "</incomingServer>", i);
		off += (size_t)snprintf(xml + off, sizeof(xml) - off, "%s",
					one);
	}
	snprintf(xml + off, sizeof(xml) - off,
		 "</emailProvider></clientConfig>");
	ck_assert_int_eq(clientconfig_parse(xml, strlen(xml), "", sv, 2, &n,
					    said, sizeof(said)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(sv[1].host, "imap1.example.com");
}
END_TEST

Suite *
suite_clientconfig(void)
{
	Suite *s = suite_create("clientconfig");

	units_case(s, "documented", test_example, NULL);
	units_case(s, "hostile", test_invalid_servers, test_not_config,
		   test_entities, test_too_large, test_many, NULL);
	return s;
}
