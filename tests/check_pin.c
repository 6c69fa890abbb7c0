/* check_pin.c - curl's pin lists: parsed, refused with a reason,
 * matched and written back. */
#include <string.h>

#include "check_units.h"
#include "pin.h"

#define KEY_A "JmBfRUNE95hTjEh/czlOGmA3/maYtNMiOwR8+MqN66g="
#define KEY_B "54jsWVpLuLdnpCTb0Dlw0NhI11yUG4LY9zohEWj/ClM="

START_TEST(test_parse_ok)
{
	struct pin_set p;
	char err[256], text[256];

	ck_assert_int_eq(pin_parse("sha256//" KEY_A, &p, err, sizeof(err)),
			 0);
	ck_assert_int_eq(p.n, 1);
	ck_assert_str_eq(p.b64[0], KEY_A);
	ck_assert_int_eq(pin_parse("sha256//" KEY_A " ; sha256//" KEY_B,
				   &p, err, sizeof(err)), 0);
	ck_assert_int_eq(p.n, 2);
	ck_assert(pin_matches(&p, KEY_B));
	ck_assert(pin_matches(&p, KEY_A));
	ck_assert(!pin_matches(&p, "AAAA"));
	ck_assert(!pin_matches(&p, ""));
	pin_list_text(&p, text, sizeof(text));
	ck_assert_str_eq(text, "sha256//" KEY_A ";sha256//" KEY_B);
	pin_format(KEY_B, text, sizeof(text));
	ck_assert_str_eq(text, "sha256//" KEY_B);
}
END_TEST

static const struct {
	const char *in;
	const char *why;	/* in the reason */
} bad[] = {
	{ "", "empty pin" },
	{ "sha256//" KEY_A ";", "empty pin" },
	{ KEY_A, "expected sha256//BASE64" },
	{ "sha1//" KEY_A, "expected sha256//BASE64" },
	{ "SHA256//" KEY_A, "expected sha256//BASE64" },
	{ "sha256//short", "not the base64 of 32 bytes" },
	{ "sha256//JmBfRUNE95hTjEh/czlOGmA3/maYtNMiOwR8+MqN66g",
	  "not the base64 of 32 bytes" },
	{ "sha256//JmBfRUNE95hTjEh/czlOGmA3/maYtNMiOwR8+MqN6!g=",
	  "not the base64 of 32 bytes" },
	/* 'h' leaves bits set past the 32 bytes */
	{ "sha256//JmBfRUNE95hTjEh/czlOGmA3/maYtNMiOwR8+MqN66h=",
	  "not the base64 of 32 bytes" },
	{ "sha256//\x1b[2J", "\\e[2J" },
};

START_TEST(test_parse_bad)
{
	struct pin_set p;
	char err[256];

	ck_assert_int_eq(pin_parse(bad[_i].in, &p, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad[_i].why) != NULL, "'%s': %s",
		      bad[_i].in, err);
}
END_TEST

START_TEST(test_too_many)
{
	struct pin_set p;
	char list[2048] = "", err[256];

	for (int i = 0; i <= PIN_MAX; i++)
		strcat(strcat(list, i ? ";" : ""), "sha256//" KEY_A);
	ck_assert_int_eq(pin_parse(list, &p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than"));
}
END_TEST

Suite *
suite_pin(void)
{
	Suite *s = suite_create("pin");
	TCase *tc;

	units_case(s, "parse", test_parse_ok, test_too_many, NULL);
	tc = units_case(s, "bad", NULL);
	tcase_add_loop_test(tc, test_parse_bad, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	return s;
}
