/* check_caps.c - capabilities as the server sends them, and what they
 * decide without a socket: the login mechanism (LOGINDISABLED, --auth,
 * AUTH=PLAIN, SASL-IR), the mechanism kept over STARTTLS, whether
 * commands may follow LOGIN, STARTTLS's refusals, LIST options and
 * literals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "check_units.h"
#include "config.h"
#include "imap_cmd.h"
#include "imap_parse.h"

/* The capabilities of "* CAPABILITY <names>", through the parser. */
static struct caps
caps_of(const char *names)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct caps c = { 0, NULL };
	char line[512];
	size_t used = 0;
	int n;

	n = snprintf(line, sizeof(line), "* CAPABILITY %s\r\n", names);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(imap_parser_feed(p, line, (size_t)n, &used),
			 IMAP_PARSE_OK);
	r = imap_parser_take(p);
	ck_assert_ptr_nonnull(r);
	ck_assert(caps_take(&c, r));
	imap_response_free(r);
	imap_parser_free(p);
	return c;
}

START_TEST(test_take_and_has)
{
	struct caps c = caps_of("IMAP4rev1 Auth=Plain STARTTLS");

	ck_assert_uint_eq(c.n, 3);
	/* The server's spelling is kept; the comparison ignores case. */
	ck_assert_str_eq(c.name[1], "Auth=Plain");
	ck_assert(caps_has(&c, "AUTH=PLAIN"));
	ck_assert(caps_has(&c, "starttls"));
	ck_assert(!caps_has(&c, "STARTTLS2"));
	ck_assert(!caps_has(&c, "AUTH"));
	caps_clear(&c);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_ptr_null(c.name);
	ck_assert(!caps_has(&c, "IMAP4rev1"));
}
END_TEST

START_TEST(test_take_keeps_without_caps)
{
	struct imap_parser *p = imap_parser_new(NULL);
	static const char ok[] = "* OK ready\r\n";
	struct caps c = caps_of("IMAP4rev1 ID");
	struct imap_response *r;
	size_t used = 0;

	ck_assert_int_eq(imap_parser_feed(p, ok, sizeof(ok) - 1, &used),
			 IMAP_PARSE_OK);
	r = imap_parser_take(p);
	ck_assert(!caps_take(&c, r));
	ck_assert_uint_eq(c.n, 2);
	ck_assert(caps_has(&c, "ID"));
	imap_response_free(r);
	imap_parser_free(p);
	caps_clear(&c);
}
END_TEST

/* Each list of capabilities and --auth, with the mechanism chosen, the
 * AUTHENTICATE PLAIN it allows, and the mechanism kept for after
 * STARTTLS (only LOGIN: AUTHENTICATE waits for the capabilities over
 * TLS). */
static const struct {
	const char *caps;
	unsigned auth;		/* CONN_AUTH_*; 0: any */
	enum mech choose, plain, after_tls;
} mech_cases[] = {
	{ "IMAP4rev1", 0, MECH_LOGIN, MECH_NONE, MECH_LOGIN },
	{ "IMAP4rev1 AUTH=PLAIN SASL-IR", 0,
	  MECH_LOGIN, MECH_PLAIN_IR, MECH_LOGIN },
	{ "IMAP4rev1 LOGINDISABLED", 0, MECH_NONE, MECH_NONE, MECH_NONE },
	{ "IMAP4rev1 LOGINDISABLED AUTH=PLAIN", 0,
	  MECH_PLAIN, MECH_PLAIN, MECH_NONE },
	{ "IMAP4rev1 logindisabled auth=plain sasl-ir", 0,
	  MECH_PLAIN_IR, MECH_PLAIN_IR, MECH_NONE },
	{ "IMAP4rev1 AUTH=PLAIN", CONN_AUTH_PLAIN,
	  MECH_PLAIN, MECH_PLAIN, MECH_NONE },
	{ "IMAP4rev1 AUTH=PLAIN SASL-IR", CONN_AUTH_PLAIN,
	  MECH_PLAIN_IR, MECH_PLAIN_IR, MECH_NONE },
	{ "IMAP4rev1", CONN_AUTH_PLAIN, MECH_NONE, MECH_NONE, MECH_NONE },
	{ "IMAP4rev1 LOGINDISABLED AUTH=PLAIN", CONN_AUTH_LOGIN,
	  MECH_NONE, MECH_NONE, MECH_NONE },
	{ "IMAP4rev1 AUTH=PLAIN", CONN_AUTH_LOGIN,
	  MECH_LOGIN, MECH_NONE, MECH_LOGIN },
	{ "IMAP4rev1 AUTH=PLAIN", CONN_AUTH_LOGIN | CONN_AUTH_PLAIN,
	  MECH_LOGIN, MECH_PLAIN, MECH_LOGIN },
	/* SASL-IR alone names no mechanism, nor does AUTH=LOGIN. */
	{ "IMAP4rev1 LOGINDISABLED SASL-IR", 0,
	  MECH_NONE, MECH_NONE, MECH_NONE },
	{ "IMAP4rev1 AUTH=LOGIN SASL-IR", 0,
	  MECH_LOGIN, MECH_NONE, MECH_LOGIN },
};

START_TEST(test_mechs)
{
	struct caps c = caps_of(mech_cases[_i].caps);
	unsigned auth = mech_cases[_i].auth;

	ck_assert_msg(caps_choose_mech(&c, auth) == mech_cases[_i].choose,
		      "chosen for %s, --auth %u", mech_cases[_i].caps, auth);
	ck_assert_msg(caps_plain_mech(&c, auth) == mech_cases[_i].plain,
		      "PLAIN for %s, --auth %u", mech_cases[_i].caps, auth);
	struct mech_creds cr = { .auth_mechs = auth, .password = true };

	ck_assert_msg(caps_best_mech(&c, &cr) == mech_cases[_i].choose,
		      "best for %s, --auth %u", mech_cases[_i].caps, auth);
	ck_assert_msg(caps_mech_after_tls(&c, &cr)
		      == mech_cases[_i].after_tls, "after TLS for %s, "
		      "--auth %u", mech_cases[_i].caps, auth);
	caps_clear(&c);
}
END_TEST

/* The strongest mechanism the credentials serve, over TLS unless
 * said. */
static const struct {
	const char *caps;
	unsigned auth;
	bool password, token, cert, plain_text;
	enum mech best, after_tls;
} best_cases[] = {
	/* SCRAM before PLAIN and LOGIN; -PLUS only over TLS. */
	{ "IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256", 0, true, false, false,
	  false, MECH_SCRAM_SHA256, MECH_NONE },
	{ "IMAP4rev1 AUTH=SCRAM-SHA-1 AUTH=SCRAM-SHA-256-PLUS", 0, true,
	  false, false, false, MECH_SCRAM_SHA256_PLUS, MECH_NONE },
	{ "IMAP4rev1 AUTH=SCRAM-SHA-1 AUTH=SCRAM-SHA-256-PLUS", 0, true,
	  false, false, true, MECH_SCRAM_SHA1, MECH_NONE },
	{ "IMAP4rev1 AUTH=SCRAM-SHA-1-PLUS AUTH=SCRAM-SHA-256", 0, true,
	  false, false, false, MECH_SCRAM_SHA1_PLUS, MECH_NONE },
	/* --auth plain keeps PLAIN even when SCRAM is offered. */
	{ "IMAP4rev1 LOGINDISABLED AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR",
	  CONN_AUTH_PLAIN, true, false, false, false, MECH_PLAIN_IR,
	  MECH_NONE },
	{ "IMAP4rev1 AUTH=PLAIN AUTH=SCRAM-SHA-256", CONN_AUTH_LOGIN, true,
	  false, false, false, MECH_LOGIN, MECH_LOGIN },
	/* A named mechanism not offered: none, never another. */
	{ "IMAP4rev1 AUTH=PLAIN", CONN_AUTH_SCRAM_SHA256, true, false,
	  false, false, MECH_NONE, MECH_NONE },
	{ "IMAP4rev1 AUTH=SCRAM-SHA-256", CONN_AUTH_SCRAM_SHA256_PLUS,
	  true, false, false, false, MECH_NONE, MECH_NONE },
	/* CRAM-MD5, GSSAPI and EXTERNAL only when named (or EXTERNAL
	 * with a certificate and nothing else). */
	{ "IMAP4rev1 LOGINDISABLED AUTH=CRAM-MD5 AUTH=GSSAPI", 0, true,
	  false, false, false, MECH_NONE, MECH_NONE },
	{ "IMAP4rev1 AUTH=CRAM-MD5 AUTH=PLAIN", CONN_AUTH_CRAM_MD5, true,
	  false, false, false, MECH_CRAM_MD5, MECH_NONE },
	{ "IMAP4rev1 AUTH=GSSAPI AUTH=PLAIN", CONN_AUTH_GSSAPI, false,
	  false, false, false, MECH_GSSAPI, MECH_NONE },
	{ "IMAP4rev1 AUTH=EXTERNAL AUTH=PLAIN", 0, false, false, true,
	  false, MECH_EXTERNAL, MECH_NONE },
	{ "IMAP4rev1 LOGINDISABLED AUTH=EXTERNAL AUTH=PLAIN", 0, true,
	  false, true, false, MECH_PLAIN, MECH_NONE },
	{ "IMAP4rev1 AUTH=EXTERNAL", CONN_AUTH_EXTERNAL, false, false,
	  false, false, MECH_NONE, MECH_NONE },
	/* A token: OAUTHBEARER, then XOAUTH2; never LOGIN. */
	{ "IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER AUTH=PLAIN", 0, false,
	  true, false, false, MECH_OAUTHBEARER, MECH_NONE },
	{ "IMAP4rev1 AUTH=XOAUTH2 AUTH=PLAIN", 0, false, true, false,
	  false, MECH_XOAUTH2, MECH_NONE },
	{ "IMAP4rev1 AUTH=PLAIN", 0, false, true, false, false, MECH_NONE,
	  MECH_NONE },
	/* Only XOAUTH2 offered and a password given. */
	{ "IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2", 0, true, false, false,
	  false, MECH_NONE, MECH_NONE },
};

START_TEST(test_best_mech)
{
	struct caps c = caps_of(best_cases[_i].caps);
	struct mech_creds cr = {
		.auth_mechs = best_cases[_i].auth,
		.password = best_cases[_i].password,
		.token = best_cases[_i].token,
		.client_cert = best_cases[_i].cert,
		.tls = !best_cases[_i].plain_text,
	};

	ck_assert_msg(caps_best_mech(&c, &cr) == best_cases[_i].best,
		      "best for %s: %d", best_cases[_i].caps,
		      (int)caps_best_mech(&c, &cr));
	ck_assert_msg(caps_mech_after_tls(&c, &cr) == best_cases[_i].after_tls,
		      "after TLS for %s", best_cases[_i].caps);
	caps_clear(&c);
}
END_TEST

START_TEST(test_mech_names)
{
	ck_assert_str_eq(caps_mech_name(MECH_PLAIN_IR), "PLAIN");
	ck_assert_str_eq(caps_mech_name(MECH_SCRAM_SHA256_PLUS),
			 "SCRAM-SHA-256-PLUS");
	ck_assert_str_eq(caps_mech_name(MECH_NONE), "");
	ck_assert_uint_eq(caps_mech_bit("Scram-Sha-1", 11),
			  CONN_AUTH_SCRAM_SHA1);
	ck_assert_uint_eq(caps_mech_bit("xoauth2,plain", 7),
			  CONN_AUTH_XOAUTH2);
	ck_assert_uint_eq(caps_mech_bit("scram", 5), 0);
	ck_assert(caps_mech_is_sasl(MECH_GSSAPI));
	ck_assert(!caps_mech_is_sasl(MECH_PLAIN_IR));
	ck_assert(!caps_mech_is_sasl(MECH_LOGIN));
	ck_assert_int_eq(caps_no_mech_reason(CONN_AUTH_PLAIN |
					     CONN_AUTH_SCRAM_SHA256),
			 FAIL_R_MECH_NOT_OFFERED);
}
END_TEST

START_TEST(test_mech_allowed)
{
	ck_assert(caps_mech_allowed(0, MECH_LOGIN));
	ck_assert(caps_mech_allowed(0, MECH_PLAIN_IR));
	ck_assert(caps_mech_allowed(CONN_AUTH_LOGIN, MECH_LOGIN));
	ck_assert(!caps_mech_allowed(CONN_AUTH_LOGIN, MECH_PLAIN));
	ck_assert(!caps_mech_allowed(CONN_AUTH_LOGIN, MECH_PLAIN_IR));
	ck_assert(!caps_mech_allowed(CONN_AUTH_PLAIN, MECH_LOGIN));
	ck_assert(caps_mech_allowed(CONN_AUTH_PLAIN, MECH_PLAIN_IR));
}
END_TEST

START_TEST(test_login_pipelines)
{
	struct caps c = caps_of("IMAP4rev1 ID");

	ck_assert(caps_login_pipelines(&c));
	caps_clear(&c);
	c = caps_of("IMAP4rev1 SASL-IR");
	ck_assert(caps_login_pipelines(&c));
	caps_clear(&c);
	/* Courier IMAP: neither, and what follows LOGIN is lost. */
	c = caps_of("IMAP4rev1 UIDPLUS CHILDREN NAMESPACE "
		    "THREAD=ORDEREDSUBJECT SORT QUOTA IDLE STARTTLS");
	ck_assert(!caps_login_pipelines(&c));
	caps_clear(&c);
}
END_TEST

START_TEST(test_starttls_refusal)
{
	struct caps c = caps_of("IMAP4rev1 STARTTLS");

	ck_assert_int_eq(caps_starttls_refusal(&c, false), FAIL_R_NONE);
	/* PREAUTH on plain text: nothing can be protected any more. */
	ck_assert_int_eq(caps_starttls_refusal(&c, true),
			 FAIL_R_PREAUTH_BEFORE_STARTTLS);
	caps_clear(&c);
	c = caps_of("IMAP4rev1 AUTH=PLAIN");
	ck_assert_int_eq(caps_starttls_refusal(&c, false),
			 FAIL_R_STARTTLS_NOT_OFFERED);
	ck_assert_int_eq(caps_starttls_refusal(&c, true),
			 FAIL_R_PREAUTH_BEFORE_STARTTLS);
	caps_clear(&c);
}
END_TEST

START_TEST(test_no_mech_reason)
{
	ck_assert_int_eq(caps_no_mech_reason(0), FAIL_R_LOGINDISABLED);
	ck_assert_int_eq(caps_no_mech_reason(CONN_AUTH_LOGIN),
			 FAIL_R_LOGINDISABLED);
	ck_assert_int_eq(caps_no_mech_reason(CONN_AUTH_PLAIN),
			 FAIL_R_PLAIN_NOT_OFFERED);
}
END_TEST

/* Which side is missing when the credentials and the offer do not
 * meet. */
START_TEST(test_creds_mismatch)
{
	struct caps oauth = caps_of("IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2");
	struct caps pw = caps_of("IMAP4rev1 AUTH=SCRAM-SHA-256 AUTH=PLAIN");
	struct caps ext = caps_of("IMAP4rev1 AUTH=EXTERNAL AUTH=PLAIN");
	struct mech_creds cr = { .password = true, .tls = true };

	ck_assert_int_eq(caps_best_mech(&oauth, &cr), MECH_NONE);
	ck_assert_int_eq(caps_creds_mismatch(&oauth, &cr),
			 FAIL_R_TOKEN_NEEDED);
	ck_assert_int_eq(caps_creds_mismatch(&pw, &cr), FAIL_R_NONE);
	/* --auth scram-sha-256 leaves XOAUTH2 out of the offer */
	cr.auth_mechs = CONN_AUTH_SCRAM_SHA256;
	ck_assert_int_eq(caps_creds_mismatch(&oauth, &cr), FAIL_R_NONE);
	cr.auth_mechs = 0;
	cr.password = false;
	cr.token = true;
	ck_assert_int_eq(caps_creds_mismatch(&pw, &cr),
			 FAIL_R_OAUTH_NOT_OFFERED);
	ck_assert_int_eq(caps_creds_mismatch(&oauth, &cr), FAIL_R_NONE);
	cr.token = false;
	cr.auth_mechs = CONN_AUTH_EXTERNAL;
	ck_assert_int_eq(caps_creds_mismatch(&ext, &cr),
			 FAIL_R_EXTERNAL_NO_CERT);
	cr.client_cert = true;
	ck_assert_int_eq(caps_creds_mismatch(&ext, &cr), FAIL_R_NONE);
	caps_clear(&oauth);
	caps_clear(&pw);
	caps_clear(&ext);
}
END_TEST

START_TEST(test_offered_mechs)
{
	struct caps c = caps_of("IMAP4rev1 AUTH=SCRAM-SHA-256 IDLE "
				"auth=plain AUTH=X-ODD");
	char buf[64], small[20];

	caps_offered_mechs(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "SCRAM-SHA-256 plain X-ODD");
	caps_offered_mechs(&c, small, sizeof(small));
	ck_assert_str_eq(small, "SCRAM-SHA-256 plain");
	ck_assert(caps_mech_usable("scram-sha-256", 13));
	ck_assert(caps_mech_usable("XOAUTH2", 7));
	ck_assert(!caps_mech_usable("X-ODD", 5));
	ck_assert(!caps_mech_usable("NTLM", 4));
	caps_clear(&c);
	caps_offered_mechs(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_list_options)
{
	struct caps c = caps_of("IMAP4rev1 CHILDREN SPECIAL-USE LIST-STATUS");

	/* Without LIST-EXTENDED there is no RETURN to ask with. */
	ck_assert_uint_eq(caps_list_options(&c), 0);
	caps_clear(&c);
	c = caps_of("IMAP4rev1 LIST-EXTENDED CHILDREN SPECIAL-USE "
		    "LIST-STATUS");
	ck_assert_uint_eq(caps_list_options(&c), IMAP_LIST_CHILDREN
			  | IMAP_LIST_SPECIAL_USE | IMAP_LIST_STATUS);
	caps_clear(&c);
	c = caps_of("IMAP4rev1 LIST-EXTENDED SPECIAL-USE");
	ck_assert_uint_eq(caps_list_options(&c), IMAP_LIST_SPECIAL_USE);
	caps_clear(&c);
}
END_TEST

START_TEST(test_cmd_flags)
{
	struct caps c = caps_of("IMAP4rev1 LITERAL- LITERAL+");

	/* LITERAL+ covers every size: it wins over LITERAL-. */
	ck_assert_uint_eq(caps_cmd_flags(&c), IMAP_CMD_LITERAL_PLUS);
	caps_clear(&c);
	c = caps_of("IMAP4rev1 LITERAL-");
	ck_assert_uint_eq(caps_cmd_flags(&c), IMAP_CMD_LITERAL_MINUS);
	caps_clear(&c);
	c = caps_of("IMAP4rev1");
	ck_assert_uint_eq(caps_cmd_flags(&c), 0);
	caps_clear(&c);
}
END_TEST

Suite *
suite_caps(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_take_and_has);
	tcase_add_test(tc, test_take_keeps_without_caps);
	tcase_add_loop_test(tc, test_mechs, 0,
			    sizeof(mech_cases) / sizeof(mech_cases[0]));
	tcase_add_loop_test(tc, test_best_mech, 0,
			    sizeof(best_cases) / sizeof(best_cases[0]));
	tcase_add_test(tc, test_mech_names);
	tcase_add_test(tc, test_mech_allowed);
	tcase_add_test(tc, test_login_pipelines);
	tcase_add_test(tc, test_starttls_refusal);
	tcase_add_test(tc, test_no_mech_reason);
	tcase_add_test(tc, test_creds_mismatch);
	tcase_add_test(tc, test_offered_mechs);
	tcase_add_test(tc, test_list_options);
	tcase_add_test(tc, test_cmd_flags);
	suite_add_tcase(s, tc);
	return s;
}
