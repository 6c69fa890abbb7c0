/* check_hostname.c - DNS host names as --detect and the autoconfig
 * documents' servers are checked, and arrays of owned strings freed. */
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "hostname.h"
#include "strv.h"

START_TEST(test_valid)
{
	static const char *const good[] = {
		"example.org", "example.org.", "a", "x-1.b_2.example",
		"xn--caf-dma.example", "A.B.C",
		/* 63 characters: the longest label. */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(hostname_valid(good[i]), "%s", good[i]);
}
END_TEST

START_TEST(test_invalid)
{
	static const char *const bad[] = {
		"", ".", "example..org", ".example.org", "example.org..",
		"-a.org", "a-.org", "a b.org", "a/b", "caf\xc3\xa9.org",
		"host:993", "a@b", "[::1]",
		/* 64 characters: one too many for a label. */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!hostname_valid(bad[i]), "%s", bad[i]);
}
END_TEST

/* 253 characters in all at most, the trailing dot not counted. */
START_TEST(test_length)
{
	char name[260];

	/* 63 labels "abc." make 252 characters; one more 'a' is 253. */
	name[0] = '\0';
	for (int i = 0; i < 63; i++)
		strcat(name, "abc.");
	strcat(name, "a");
	ck_assert_uint_eq(strlen(name), 253);
	ck_assert(hostname_valid(name));
	strcat(name, ".");
	ck_assert(hostname_valid(name));
	name[253] = 'b';
	name[254] = '\0';
	ck_assert(!hostname_valid(name));
}
END_TEST

START_TEST(test_strv_free)
{
	char **v = calloc(3, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	v[0] = strdup("--user=alice");
	v[1] = strdup("example.org");
	strv_free(2, v);
	strv_free(0, NULL);
}
END_TEST

Suite *
suite_hostname(void)
{
	Suite *s = suite_create("hostname");

	units_case(s, "core", test_valid, test_invalid, test_length,
		   test_strv_free, NULL);
	return s;
}
