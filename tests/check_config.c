/* check_config.c - connection defaults, names, versions and wiping. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_units.h"
#include "config.h"

static bool
all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
check_tls_defaults(const struct tls_opts *t)
{
	ck_assert(t->verify);
	ck_assert_int_eq(t->verify_depth, -1);
	ck_assert_int_eq(t->min_version, TLSV_DEFAULT);
	ck_assert_int_eq(t->max_version, TLSV_DEFAULT);
	ck_assert_str_eq(t->ca_file, "");
	ck_assert_str_eq(t->ca_dir, "");
	ck_assert_str_eq(t->cert_file, "");
	ck_assert_str_eq(t->key_file, "");
	ck_assert_str_eq(t->key_password_file, "");
	ck_assert_str_eq(t->crl_file, "");
	ck_assert_str_eq(t->ciphers, "");
	ck_assert_str_eq(t->ciphersuites, "");
	ck_assert_str_eq(t->server_name, "");
	ck_assert(all_zero(t->key_password, sizeof(t->key_password)));
}

/* Every default, starting from memory that is not zero. */
START_TEST(test_defaults)
{
	struct conn_config c;
	const struct endpoint *ep = &c.ep;

	memset(&c, 0xa5, sizeof(c));
	config_init(&c);
	check_tls_defaults(&ep->tls);
	ck_assert_str_eq(ep->host, "");
	ck_assert_int_eq(ep->kind, ADDR_NAME);
	ck_assert_uint_eq(ep->port, 0);
	ck_assert(!ep->ssl);
	ck_assert(!ep->ssl_set);
	ck_assert_int_eq(ep->starttls, STARTTLS_OFF);
	ck_assert(!ep->starttls_set);
	ck_assert_str_eq(ep->user, "");
	ck_assert_str_eq(ep->mailbox, "");
	ck_assert_str_eq(c.user, "");
	ck_assert(all_zero(c.password, sizeof(c.password)));
	ck_assert(!c.have_password);
	ck_assert(c.timeout_s == 30.0);
	ck_assert(!c.allow_plaintext_auth);
	ck_assert_str_eq(c.select, "");
	ck_assert(!c.select_rw);
	ck_assert_str_eq(c.transcript_path, "");
	ck_assert(!c.stay_open);
	ck_assert_uint_eq(endpoint_port(ep), 143);
}
END_TEST

START_TEST(test_endpoint_tls_init)
{
	struct endpoint ep;
	struct tls_opts t;

	memset(&ep, 0xff, sizeof(ep));
	endpoint_init(&ep);
	check_tls_defaults(&ep.tls);
	ck_assert_uint_eq(ep.port, 0);
	ck_assert(!ep.ssl);
	memset(&t, 0x5a, sizeof(t));
	tls_opts_init(&t);
	check_tls_defaults(&t);
}
END_TEST

/* The port in use: given, else 993 with implicit TLS, else 143. */
static const struct {
	uint16_t port;
	bool ssl;
	enum starttls_mode starttls;
	uint16_t want;
} port_cases[] = {
	{ 0, false, STARTTLS_OFF, 143 },
	{ 0, true, STARTTLS_OFF, 993 },
	{ 0, false, STARTTLS_REQUIRED, 143 },
	{ 0, false, STARTTLS_OPPORTUNISTIC, 143 },
	{ 0, true, STARTTLS_REQUIRED, 993 },
	{ 993, false, STARTTLS_OFF, 993 },
	{ 143, true, STARTTLS_OFF, 143 },
	{ 1, false, STARTTLS_OFF, 1 },
	{ 65535, true, STARTTLS_OFF, 65535 },
};

START_TEST(test_port)
{
	struct endpoint ep;

	endpoint_init(&ep);
	ep.port = port_cases[_i].port;
	ep.ssl = port_cases[_i].ssl;
	ep.starttls = port_cases[_i].starttls;
	ck_assert_uint_eq(endpoint_port(&ep), port_cases[_i].want);
}
END_TEST

static const struct {
	const char *in;
	int rc;
	enum tls_version want;
} version_cases[] = {
	{ "1.0", 0, TLSV_1_0 },
	{ "1.1", 0, TLSV_1_1 },
	{ "1.2", 0, TLSV_1_2 },
	{ "1.3", 0, TLSV_1_3 },
	{ "tls1.2", 0, TLSV_1_2 },
	{ "TLS1.0", 0, TLSV_1_0 },
	{ "TLSv1.3", 0, TLSV_1_3 },
	{ "tlsv1.1", 0, TLSV_1_1 },
	{ "TlSv1.2", 0, TLSV_1_2 },
	{ "", -1, 0 },
	{ "1", -1, 0 },
	{ "1.4", -1, 0 },
	{ "0.9", -1, 0 },
	{ "1.2 ", -1, 0 },
	{ " 1.2", -1, 0 },
	{ "1.2.0", -1, 0 },
	{ "tls", -1, 0 },
	{ "tlsv", -1, 0 },
	{ "TLS 1.2", -1, 0 },
	{ "tls-1.2", -1, 0 },
	{ "v1.2", -1, 0 },
	{ "ssl3", -1, 0 },
	{ "sslv3", -1, 0 },
	{ "default", -1, 0 },
	{ "12", -1, 0 },
};

START_TEST(test_version_parse)
{
	enum tls_version v = (enum tls_version)99;
	int rc = tls_version_parse(version_cases[_i].in, &v);

	ck_assert_msg(rc == version_cases[_i].rc, "'%s': rc %d",
		      version_cases[_i].in, rc);
	if (rc == 0)
		ck_assert_int_eq(v, version_cases[_i].want);
	else
		ck_assert_int_eq(v, 99);
}
END_TEST

START_TEST(test_names)
{
	static const struct {
		enum tls_version v;
		const char *name;
	} versions[] = {
		{ TLSV_DEFAULT, "default" }, { TLSV_1_0, "1.0" },
		{ TLSV_1_1, "1.1" }, { TLSV_1_2, "1.2" }, { TLSV_1_3, "1.3" },
		{ (enum tls_version)5, "unknown" },
		{ (enum tls_version)-1, "unknown" },
	};
	static const struct {
		enum starttls_mode m;
		const char *name;
	} modes[] = {
		{ STARTTLS_OFF, "off" }, { STARTTLS_REQUIRED, "required" },
		{ STARTTLS_OPPORTUNISTIC, "opportunistic" },
		{ (enum starttls_mode)7, "unknown" },
	};

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		ck_assert_str_eq(tls_version_name(versions[i].v),
				 versions[i].name);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		ck_assert_str_eq(starttls_mode_name(modes[i].m),
				 modes[i].name);
}
END_TEST

/* Every version name parses back to its version. */
START_TEST(test_version_round_trip)
{
	for (int v = TLSV_1_0; v <= TLSV_1_3; v++) {
		enum tls_version got = TLSV_DEFAULT;

		ck_assert_int_eq(tls_version_parse(
			tls_version_name((enum tls_version)v), &got), 0);
		ck_assert_int_eq(got, v);
	}
}
END_TEST

/* The secrets are zeroed to their last byte; nothing else changes. */
START_TEST(test_wipe)
{
	struct conn_config c;

	config_init(&c);
	snprintf(c.user, sizeof(c.user), "bob");
	snprintf(c.ep.host, sizeof(c.ep.host), "imap.example.com");
	snprintf(c.ep.tls.key_password_file,
		 sizeof(c.ep.tls.key_password_file), "/kp");
	memset(c.password, 'p', sizeof(c.password));
	memset(c.ep.tls.key_password, 'k', sizeof(c.ep.tls.key_password));
	c.have_password = true;
	config_wipe(&c);
	ck_assert(all_zero(c.password, sizeof(c.password)));
	ck_assert(all_zero(c.ep.tls.key_password,
			   sizeof(c.ep.tls.key_password)));
	ck_assert(!c.have_password);
	ck_assert_str_eq(c.user, "bob");
	ck_assert_str_eq(c.ep.host, "imap.example.com");
	ck_assert_str_eq(c.ep.tls.key_password_file, "/kp");
	ck_assert(c.timeout_s == 30.0);
}
END_TEST

/* The tunnel command stays, without the password in it. */
START_TEST(test_wipe_tunnel)
{
	struct conn_config c;

	config_init(&c);
	snprintf(c.user, sizeof(c.user), "bob");
	snprintf(c.password, sizeof(c.password), "Tun-pw.91");
	snprintf(c.tunnel, sizeof(c.tunnel), "sshpass -p Tun-pw.91 ssh h");
	c.have_password = true;
	config_wipe(&c);
	ck_assert_str_eq(c.tunnel, "sshpass -p [secret] ssh h");
	ck_assert(all_zero(c.password, sizeof(c.password)));
}
END_TEST

START_TEST(test_tls_wipe)
{
	struct tls_opts t;

	tls_opts_init(&t);
	memset(t.key_password, 'k', sizeof(t.key_password));
	snprintf(t.key_file, sizeof(t.key_file), "/k.pem");
	tls_opts_wipe(&t);
	ck_assert(all_zero(t.key_password, sizeof(t.key_password)));
	ck_assert_str_eq(t.key_file, "/k.pem");
	ck_assert(t.verify);
}
END_TEST

Suite *
suite_config(void)
{
	Suite *s = suite_create("config");
	TCase *tc = units_case(s, "config", test_defaults,
			       test_endpoint_tls_init, test_names,
			       test_version_round_trip, test_wipe,
			       test_wipe_tunnel, test_tls_wipe, NULL);

	tcase_add_loop_test(tc, test_port, 0,
			    (int)(sizeof(port_cases) / sizeof(port_cases[0])));
	tcase_add_loop_test(tc, test_version_parse, 0,
			    (int)(sizeof(version_cases) /
				  sizeof(version_cases[0])));
	return s;
}
