/* check_idna.c - international host names: U-labels to A-labels and
 * back, and the errors that name the label. */
#include <string.h>

#include "check_units.h"
#include "idna.h"

static const struct {
	const char *in;
	const char *ascii;
} ok_cases[] = {
	{ "mail.b\xC3\xBC""cher.example", "mail.xn--bcher-kva.example" },
	{ "MAIL.B\xC3\x9C""CHER.Example", "mail.xn--bcher-kva.example" },
	{ "mail.b\xC3\xBC""cher.example.", "mail.xn--bcher-kva.example" },
	/* non-transitional: sharp s stays */
	{ "stra\xC3\x9F""e.de", "xn--strae-oqa.de" },
	/* NFC: u + combining diaeresis is u-umlaut */
	{ "bu\xCC\x88""cher.example", "xn--bcher-kva.example" },
	{ "xn--bcher-kva.example", "xn--bcher-kva.example" },
	{ "XN--BCHER-KVA.example", "xn--bcher-kva.example" },
	{ "\xE6\x97\xA5\xE6\x9C\xAC.jp", "xn--wgv71a.jp" },
	/* ASCII labels beside an international one are only lower-cased */
	{ "a_b--c.b\xC3\xBC""cher.example", "a_b--c.xn--bcher-kva.example" },
};

static const struct {
	const char *in;
	size_t pos;
	const char *why;
} bad_cases[] = {
	{ "mail.b\xE2\x98\x83.example", 5,
	  "label 'b\xE2\x98\x83' holds a code point IDNA 2008 disallows" },
	{ "xn--n3h.example", 0,
	  "label 'xn--n3h' decodes to a code point IDNA 2008 disallows" },
	{ "a.xn--zz.example", 2, "label 'xn--zz' is not valid punycode" },
	{ "m\xFFnchen.example", 0, "label 'm\\xffnchen' is not valid UTF-8" },
	{ "x.b\xC3\xBC-.example", 2, "label 'b\xC3\xBC-' is not a valid "
	  "international name" },
	/* a zero-width joiner out of its context (CONTEXTJ) */
	{ "a\xE2\x80\x8D""b\xC3\xBC.example", 0, "label 'a\xE2\x80\x8D""b" },
	/* control bytes in the label are shown escaped */
	{ "\x1B[2J\xC3\xBC.example", 0, "label '\\e[2J\xC3\xBC'" },
};

START_TEST(test_to_ascii)
{
	char out[256];
	struct idna_error err;
	const char *in = ok_cases[_i].in;

	ck_assert(idna_is_idn(in, strlen(in)));
	ck_assert_msg(idna_to_ascii(in, strlen(in), out, sizeof(out),
				    &err) == 0, "%s: %s", in, err.why);
	ck_assert_str_eq(out, ok_cases[_i].ascii);
}
END_TEST

START_TEST(test_errors)
{
	char out[256];
	struct idna_error err;
	const char *in = bad_cases[_i].in;

	ck_assert_int_eq(idna_to_ascii(in, strlen(in), out, sizeof(out),
				       &err), -1);
	ck_assert_uint_eq(err.pos, bad_cases[_i].pos);
	ck_assert_msg(strstr(err.why, bad_cases[_i].why) != NULL,
		      "'%s' lacks '%s'", err.why, bad_cases[_i].why);
}
END_TEST

START_TEST(test_is_idn)
{
	ck_assert(!idna_is_idn("imap.example.com", 16));
	ck_assert(!idna_is_idn("a--b.xn-.example", 16));
	ck_assert(idna_is_idn("a.Xn--bcher-kva", 15));
	/* only the length given counts */
	ck_assert(!idna_is_idn("abc\xC3\xBC", 3));
}
END_TEST

START_TEST(test_small_output)
{
	char out[12];
	struct idna_error err;

	ck_assert_int_eq(idna_to_ascii("mail.b\xC3\xBC""cher.example", 20, out,
				       sizeof(out), &err), -1);
	ck_assert_uint_eq(err.pos, 5);
	ck_assert_ptr_nonnull(strstr(err.why, "too long"));
}
END_TEST

START_TEST(test_to_unicode)
{
	char out[64];

	idna_to_unicode("mail.xn--bcher-kva.example", out, sizeof(out));
	ck_assert_str_eq(out, "mail.b\xC3\xBC""cher.example");
	idna_to_unicode("imap.example.com", out, sizeof(out));
	ck_assert_str_eq(out, "imap.example.com");
	/* undecodable: shown as it is */
	idna_to_unicode("xn--zz.example", out, sizeof(out));
	ck_assert_str_eq(out, "xn--zz.example");
}
END_TEST

Suite *
suite_idna(void)
{
	Suite *s = suite_create("idna");
	TCase *tc = units_case(s, "convert", test_is_idn, test_small_output,
			       test_to_unicode, NULL);

	tcase_add_loop_test(tc, test_to_ascii, 0,
			    (int)(sizeof(ok_cases) / sizeof(ok_cases[0])));
	tcase_add_loop_test(tc, test_errors, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	return s;
}
