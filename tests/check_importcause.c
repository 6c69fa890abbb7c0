/* check_importcause.c - a failure traced to the imported setting
 * behind it, by reason or class, and what is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "importcause.h"
#include "importmbsync.h"

static struct import_list l;

static const char conf[] =
	"IMAPAccount a\n"
	"Host h.example\n"
	"Port 143\n"
	"SSLType None\n"
	"User u\n";

static const struct {
	enum fail_class cls;
	enum fail_reason reason;
	const char *option;	/* the first cause; NULL: an unset role */
	enum import_role role;
} cases[] = {
	{ FAIL_AUTH, FAIL_R_PLAINTEXT_WITHHELD, "starttls",
	  IMPORT_R_SECURITY },
	{ FAIL_AUTH, FAIL_R_LOGINDISABLED, "starttls", IMPORT_R_SECURITY },
	{ FAIL_REFUSED, FAIL_R_NONE, "port", IMPORT_R_PORT },
	{ FAIL_DNS, FAIL_R_DNS_NO_ADDRESS, "host", IMPORT_R_HOST },
	{ FAIL_TLS_HANDSHAKE, FAIL_R_TLS_NOT_TLS, "starttls",
	  IMPORT_R_SECURITY },
	{ FAIL_TLS_VERIFY, FAIL_R_CERT_UNKNOWN_ISSUER, NULL, IMPORT_R_CA },
	{ FAIL_TLS_VERIFY, FAIL_R_CERT_NAME_MISMATCH, "host", IMPORT_R_HOST },
	{ FAIL_AUTH, FAIL_R_LOGIN_REFUSED, "user", IMPORT_R_USER },
	{ FAIL_INPUT, FAIL_R_NONE, NULL, IMPORT_R_PASSWORD },
};

START_TEST(test_find)
{
	struct import_cause c[IMPORTCAUSE_MAX];
	struct failure f;
	size_t n;

	importacct_free(&l);
	importmbsync_parse(conf, strlen(conf), "/h/.mbsyncrc", &l);
	memset(&f, 0, sizeof(f));
	f.cls = cases[_i].cls;
	f.reason = cases[_i].reason;
	n = importcause_find(&l.acc[0], &f, c);
	ck_assert_uint_ge(n, 1);
	ck_assert_int_eq(c[0].role, cases[_i].role);
	if (cases[_i].option == NULL)
		ck_assert_ptr_null(c[0].set);
	else
		ck_assert_str_eq(c[0].set->option, cases[_i].option);
	/* Beyond the first, only settings the file states. */
	for (size_t i = 1; i < n; i++)
		ck_assert_ptr_nonnull(c[i].set);
}
END_TEST

START_TEST(test_print)
{
	struct import_cause c[IMPORTCAUSE_MAX];
	struct failure f;
	char *buf = NULL;
	size_t len = 0, n;
	FILE *out = open_memstream(&buf, &len);

	importacct_free(&l);
	importmbsync_parse(conf, strlen(conf), "/h/.mbsyncrc", &l);
	memset(&f, 0, sizeof(f));
	ck_assert_uint_eq(importcause_find(&l.acc[0], &f, c), 0);
	f.cls = FAIL_AUTH;
	f.reason = FAIL_R_PLAINTEXT_WITHHELD;
	n = importcause_find(&l.acc[0], &f, c);
	importcause_print(&l.acc[0], c, n, out);
	f.cls = FAIL_TLS_VERIFY;
	f.reason = FAIL_R_CERT_EXPIRED;
	n = importcause_find(&l.acc[0], &f, c);
	importcause_print(&l.acc[0], c, n, out);
	fclose(out);
	ck_assert_str_eq(buf,
		"likely cause: /h/.mbsyncrc:4: SSLType None (the security "
		"(TLS, STARTTLS or plain)): it chose an unencrypted "
		"connection, so the password was kept back: choose STARTTLS"
		" or TLS\n"
		"likely cause: /h/.mbsyncrc:1: account a sets no CA "
		"certificates (imapconn's default was used): the server's "
		"certificate is not trusted with the CA certificates chosen\n"
		"also check: /h/.mbsyncrc:4: SSLType None (the security "
		"(TLS, STARTTLS or plain))\n");
	free(buf);
	importacct_free(&l);
}
END_TEST

Suite *
suite_importcause(void)
{
	Suite *s = suite_create("importcause");
	TCase *tc = tcase_create("find");

	tcase_add_loop_test(tc, test_find, 0,
			    sizeof(cases) / sizeof(cases[0]));
	suite_add_tcase(s, tc);
	units_case(s, "print", test_print, NULL);
	return s;
}
