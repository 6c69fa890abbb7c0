/* check_providers.c - the providers' table found from host names. */
#include <string.h>

#include "check_units.h"
#include "providers.h"

START_TEST(test_hosts)
{
	static const struct {
		const char *host;
		const char *name;	/* NULL: none */
	} cases[] = {
		{ "imap.gmail.com", "Gmail" },
		{ "IMAP.GMAIL.COM.", "Gmail" },
		{ "gmail.com", "Gmail" },
		{ "imap.googlemail.com", "Gmail" },
		{ "outlook.office365.com", "Outlook.com and Microsoft 365" },
		{ "imap-mail.outlook.com", "Outlook.com and Microsoft 365" },
		{ "imap.mail.yahoo.com", "Yahoo Mail" },
		{ "imap.mail.me.com", "iCloud Mail" },
		{ "imap.fastmail.com", "Fastmail" },
		{ "imap.gmx.net", "GMX" },
		{ "imap.mailbox.org", "mailbox.org" },
		{ "imappro.zoho.eu", "Zoho Mail" },
		{ "notgmail.com", NULL },
		{ "gmail.com.example.net", NULL },
		{ "localhost", NULL },
		{ "127.0.0.1", NULL },
		{ "", NULL },
		{ ".", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct provider *p = providers_find(cases[i].host);

		if (cases[i].name == NULL) {
			ck_assert_msg(p == NULL, "%s: found %s", cases[i].host,
				      p != NULL ? p->name : "");
			continue;
		}
		ck_assert_msg(p != NULL, "%s: none", cases[i].host);
		ck_assert_str_eq(p->name, cases[i].name);
	}
}
END_TEST

START_TEST(test_rules)
{
	const struct provider *g = providers_find("imap.gmail.com");
	const struct provider *m = providers_find("outlook.office365.com");
	const struct provider *x = providers_find("imap.gmx.net");

	ck_assert(!g->password_taken);
	ck_assert_ptr_nonnull(strstr(g->fix, "app password"));
	ck_assert_ptr_nonnull(strstr(g->fix, "https://mail.google.com/"));
	ck_assert(!m->password_taken);
	ck_assert_ptr_nonnull(strstr(m->fix, "OAuth 2.0 only"));
	ck_assert(x->password_taken);
	ck_assert_str_eq(g->host, "imap.gmail.com");
}
END_TEST

Suite *
suite_providers(void)
{
	Suite *s = suite_create("providers");

	units_case(s, "find", test_hosts, test_rules, NULL);
	return s;
}
