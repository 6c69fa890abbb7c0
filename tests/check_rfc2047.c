/* check_rfc2047.c - rfc2047_decode() on RFC 2047's examples, real
 * mailers' headers and broken encoded-words. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "escape.h"
#include "rfc2047.h"

#define BIG 1024

struct rfc2047_case {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
	size_t want_len;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct rfc2047_case cases[] = {
	/* RFC 2047 section 8, the headers. */
	{ "rfc from us-ascii",
	  S("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
	  S("Keith Moore <moore@cs.utk.edu>") },
	{ "rfc to latin1", S("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="),
	  S("Keld J\xc3\xb8rn Simonsen") },
	{ "rfc cc latin1 then text", S("=?ISO-8859-1?Q?Andr=E9?= Pirard"),
	  S("Andr\xc3\xa9 Pirard") },
	{ "rfc subject, second word in latin2 kept",
	  S("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	    "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
	  S("If you can read this yo\r\n"
	    "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=") },
	{ "rfc subject, both words latin1",
	  S("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	    "    =?ISO-8859-1?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
	  S("If you can read this you understand the example.") },
	{ "rfc from olle", S("=?ISO-8859-1?Q?Olle_J=E4rnefors?="),
	  S("Olle J\xc3\xa4rnefors") },
	{ "rfc hebrew comment kept",
	  S("Nathaniel Borenstein <nsb@thumper.bellcore.com> "
	    "(=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)"),
	  S("Nathaniel Borenstein <nsb@thumper.bellcore.com> "
	    "(=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)") },
	/* RFC 2047 section 8, the table of adjacent words. */
	{ "rfc one word", S("(=?ISO-8859-1?Q?a?=)"), S("(a)") },
	{ "rfc word then text", S("(=?ISO-8859-1?Q?a?= b)"), S("(a b)") },
	{ "rfc two words one space",
	  S("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), S("(ab)") },
	{ "rfc two words two spaces",
	  S("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), S("(ab)") },
	{ "rfc two words folded",
	  S("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), S("(ab)") },
	{ "rfc underscore", S("(=?ISO-8859-1?Q?a_b?=)"), S("(a b)") },
	/* RFC 2047 gives "(a b)": ISO-8859-2 is not decoded here, so the
	 * second word stays and so does the space before it. */
	{ "rfc latin2 word kept",
	  S("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"),
	  S("(a =?ISO-8859-2?Q?_b?=)") },
	/* RFC 2231 section 5. */
	{ "rfc2231 language", S("=?US-ASCII*EN?Q?Keith_Moore?="),
	  S("Keith Moore") },
	{ "rfc2231 language utf-8", S("=?utf-8*de?B?R3LDvMOfZQ==?="),
	  S("Gr\xc3\xbc\xc3\x9f" "e") },

	/* UTF-8. */
	{ "utf-8 base64", S("=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?="),
	  S("Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln") },
	{ "utf-8 q underscores", S("=?utf-8?q?caf=C3=A9_au_lait?="),
	  S("caf\xc3\xa9 au lait") },
	{ "q lower-case hex", S("=?UTF-8?Q?caf=c3=a9?="), S("caf\xc3\xa9") },
	{ "q literal equals-free punctuation", S("=?UTF-8?Q?a+b*c!?="),
	  S("a+b*c!") },
	{ "utf-8 four bytes", S("=?UTF-8?B?8J+YgA==?="),
	  S("\xf0\x9f\x98\x80") },
	{ "utf8 alias", S("=?UTF8?Q?=C3=A9?="), S("\xc3\xa9") },
	{ "base64 without padding", S("=?UTF-8?B?R3I?="), S("Gr") },
	{ "empty encoded text", S("=?UTF-8?Q?\?="), S("") },

	/* Whitespace. */
	{ "adjacent words tab", S("=?UTF-8?Q?a?=\t=?UTF-8?Q?b?="), S("ab") },
	{ "adjacent words crlf tab",
	  S("=?UTF-8?B?R3LDvMOf?=\r\n\t=?UTF-8?B?ZSBhdXM=?="),
	  S("Gr\xc3\xbc\xc3\x9f" "e aus") },
	{ "adjacent words of two charsets",
	  S("=?ISO-8859-1?Q?=E9?= =?UTF-8?B?w6k=?="),
	  S("\xc3\xa9\xc3\xa9") },
	{ "three adjacent words",
	  S("=?UTF-8?Q?a?= =?UTF-8?Q?b?= =?UTF-8?Q?c?="), S("abc") },
	{ "space inside a word is a space", S("=?UTF-8?Q?a_?= =?UTF-8?Q?b?="),
	  S("a b") },
	{ "whitespace after last word kept", S("=?UTF-8?Q?a?= \t"),
	  S("a \t") },
	{ "whitespace before first word kept", S("  =?UTF-8?Q?a?="),
	  S("  a") },
	{ "space before a kept word kept",
	  S("=?UTF-8?Q?a?= =?KOI8-R?Q?b?="), S("a =?KOI8-R?Q?b?=") },
	{ "space after a kept word kept",
	  S("=?KOI8-R?Q?b?= =?UTF-8?Q?a?="), S("=?KOI8-R?Q?b?= a") },

	/* Words in plain text. */
	{ "word inside text",
	  S("Re: [list] =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus Bonn"),
	  S("Re: [list] Gr\xc3\xbc\xc3\x9f" "e aus Bonn") },
	{ "word glued to text", S("Re:=?UTF-8?Q?x?=y"), S("Re:xy") },
	{ "plain text", S("Hello, world"), S("Hello, world") },
	{ "raw 8-bit text passes", S("caf\xc3\xa9 \xff\xfe"),
	  S("caf\xc3\xa9 \xff\xfe") },
	{ "lone equals and question marks", S("a = b? =? c ?= d"),
	  S("a = b? =? c ?= d") },
	{ "empty input", S(""), S("") },

	/* Single-byte charsets. */
	{ "latin1 base64", S("=?ISO-8859-1?B?5Pb8?="),
	  S("\xc3\xa4\xc3\xb6\xc3\xbc") },
	{ "latin1 currency sign", S("=?iso-8859-1?q?=A4?="), S("\xc2\xa4") },
	{ "latin1 c1 control", S("=?ISO-8859-1?Q?=80?="), S("\xc2\x80") },
	{ "latin9 euro", S("=?ISO-8859-15?Q?=A4_=BD?="),
	  S("\xe2\x82\xac \xc5\x93") },
	{ "latin1 alias", S("=?latin1?Q?=FF?="), S("\xc3\xbf") },
	{ "windows-1252 euro", S("=?windows-1252?Q?=80_10?="),
	  S("\xe2\x82\xac 10") },
	{ "windows-1252 quotes", S("=?Windows-1252?Q?=93hi=94=85?="),
	  S("\xe2\x80\x9chi\xe2\x80\x9d\xe2\x80\xa6") },
	{ "windows-1252 unassigned", S("=?cp1252?Q?=81=9F=A0?="),
	  S("\xc2\x81\xc5\xb8\xc2\xa0") },

	/* Kept as sent. */
	{ "unknown charset", S("=?KOI8-R?B?8NLJ18XU?="),
	  S("=?KOI8-R?B?8NLJ18XU?=") },
	{ "invalid base64 symbol", S("=?UTF-8?B?R3L*w6k=?="),
	  S("=?UTF-8?B?R3L*w6k=?=") },
	{ "base64 one symbol over", S("=?UTF-8?B?R3LDv?="),
	  S("=?UTF-8?B?R3LDv?=") },
	{ "base64 too much padding", S("=?UTF-8?B?R3I==?="),
	  S("=?UTF-8?B?R3I==?=") },
	{ "base64 padding inside", S("=?UTF-8?B?Rw==Rw==?="),
	  S("=?UTF-8?B?Rw==Rw==?=") },
	{ "q short hex", S("=?UTF-8?Q?a=4?="), S("=?UTF-8?Q?a=4?=") },
	{ "q bad hex", S("=?UTF-8?Q?a=ZZ?="), S("=?UTF-8?Q?a=ZZ?=") },
	{ "unknown encoding", S("=?UTF-8?X?abc?="), S("=?UTF-8?X?abc?=") },
	{ "space inside encoded text", S("=?UTF-8?Q?a b?="),
	  S("=?UTF-8?Q?a b?=") },
	{ "truncated word", S("Hi =?UTF-8?B?R3LDvMOfZQ"),
	  S("Hi =?UTF-8?B?R3LDvMOfZQ") },
	{ "truncated before ?=", S("=?UTF-8?Q?abc?"), S("=?UTF-8?Q?abc?") },
	{ "truncated in charset", S("=?UTF-8"), S("=?UTF-8") },
	{ "only the opener", S("=?"), S("=?") },
	{ "empty charset", S("=?\?Q?a?="), S("=?\?Q?a?=") },
	{ "us-ascii with 8-bit", S("=?US-ASCII?Q?caf=E9?="),
	  S("=?US-ASCII?Q?caf=E9?=") },
	{ "invalid utf-8", S("=?UTF-8?Q?caf=E9?="), S("=?UTF-8?Q?caf=E9?=") },
	{ "overlong utf-8", S("=?UTF-8?B?wK8=?="), S("=?UTF-8?B?wK8=?=") },
	{ "utf-8 surrogate", S("=?UTF-8?Q?=ED=A0=80?="),
	  S("=?UTF-8?Q?=ED=A0=80?=") },
	{ "bad word then good word", S("=?UTF-8?Q?=FF?= =?UTF-8?Q?ok?="),
	  S("=?UTF-8?Q?=FF?= ok") },

	/* A character split across words. */
	{ "split character q",
	  S("=?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?="),
	  S("Gr\xc3\xbc\xc3\x9f" "e") },
	{ "split character base64", S("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?="),
	  S("\xe2\x82\xac") },
	{ "split over three words",
	  S("=?UTF-8?Q?=F0?= =?UTF-8?Q?=9F=98?= =?UTF-8?Q?=80!?="),
	  S("\xf0\x9f\x98\x80!") },
	{ "split never completed", S("=?UTF-8?Q?a=C3?= b"),
	  S("=?UTF-8?Q?a=C3?= b") },
	{ "split completed wrongly", S("=?UTF-8?Q?a=C3?= =?UTF-8?Q?b?="),
	  S("=?UTF-8?Q?a=C3?= b") },
	{ "split into another charset",
	  S("=?UTF-8?Q?a=C3?= =?ISO-8859-1?Q?=A9?="),
	  S("=?UTF-8?Q?a=C3?= \xc2\xa9") },

	/* Control characters come out raw; the caller escapes. */
	{ "encoded escape", S("=?UTF-8?Q?=1B[2Jx?="), S("\x1b[2Jx") },
	{ "encoded nul", S("=?UTF-8?Q?a=00b?="), S("a\0b") },
	{ "encoded crlf", S("=?UTF-8?B?YQ0KYg==?="), S("a\r\nb") },
};

START_TEST(test_decode_table)
{
	const struct rfc2047_case *c = &cases[_i];
	char out[BIG];
	size_t n;

	memset(out, 'X', sizeof(out));
	n = rfc2047_decode(c->in, c->len, out, sizeof(out));
	ck_assert_msg(n == c->want_len && memcmp(out, c->want, n) == 0,
		      "%s: got \"%.*s\" (%zu bytes)", c->name, (int)n, out, n);
	ck_assert_int_eq(out[n], '\0');
	ck_assert_uint_eq(rfc2047_decode_len(c->in, c->len), c->want_len);
}
END_TEST

/* The decoded escape reaches escape_text() intact and comes out as a
 * visible escape, never as a raw ESC. */
START_TEST(test_escape_after_decode)
{
	static const char in[] = "=?UTF-8?Q?=1B]0;title=07?= ok";
	char dec[64], out[64];
	size_t n;

	n = rfc2047_decode(in, sizeof(in) - 1, dec, sizeof(dec));
	ck_assert_uint_eq(n, 13);
	escape_text(dec, n, out, sizeof(out));
	ck_assert_str_eq(out, "\\e]0;title\\x07 ok");
	ck_assert_ptr_null(strchr(out, 0x1b));
}
END_TEST

/* Length of the unit (character, or a byte that is not UTF-8) at s. */
static size_t
unit_len(const char *s, size_t len)
{
	uint32_t cp;
	size_t n = escape_utf8_decode(s, len, &cp);

	return n == 0 ? 1 : n;
}

static const char *const trunc_inputs[] = {
	"=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=",
	("Re: =?UTF-8?Q?=F0?= =?UTF-8?Q?=9F=98=80?= \xff x "
	 "=?windows-1252?Q?=80=93?= =?KOI8-R?Q?b?= caf\xc3\xa9"),
	"=?ISO-8859-15?Q?=A4=A4?=\t=?UTF-8?B?8J+YgA==?=ab",
	"plain ascii only",
};

/* Every capacity from 0 to need + 2, each in a buffer of exactly that
 * size (ASan reports a write past it): the output is the longest
 * prefix of the whole decoding that ends on a unit and fits. */
START_TEST(test_exact_size)
{
	const char *in = trunc_inputs[_i];
	size_t len = strlen(in), need = rfc2047_decode_len(in, len);
	char full[BIG];

	ck_assert_uint_eq(rfc2047_decode(in, len, full, sizeof(full)), need);
	for (size_t cap = 0; cap <= need + 2; cap++) {
		char *out = malloc(cap == 0 ? 1 : cap);
		size_t n, next;

		ck_assert_ptr_nonnull(out);
		out[0] = 'X';
		n = rfc2047_decode(in, len, out, cap);
		if (cap == 0) {
			ck_assert_uint_eq(n, 0);
			ck_assert_int_eq(out[0], 'X');
			free(out);
			continue;
		}
		ck_assert_uint_lt(n, cap);
		ck_assert_int_eq(out[n], '\0');
		ck_assert_mem_eq(out, full, n);
		if (cap > need) {
			ck_assert_uint_eq(n, need);
		} else {
			ck_assert_uint_lt(n, need);
			next = unit_len(full + n, need - n);
			ck_assert_msg(n + next > cap - 1,
				      "cap %zu: stopped early at %zu", cap, n);
			for (size_t k = 0; k < n; k += next) {
				next = unit_len(full + k, need - k);
				ck_assert_uint_le(k + next, n);
			}
		}
		free(out);
	}
}
END_TEST

/* A long header into a small buffer: decoding stops when full. */
START_TEST(test_many_words)
{
	static const char word[] = "=?UTF-8?Q?=C3=A9?= ";
	size_t wlen = sizeof(word) - 1, count = 5000;
	char *in = malloc(wlen * count);
	char out[64];
	size_t n;

	ck_assert_ptr_nonnull(in);
	for (size_t i = 0; i < count; i++)
		memcpy(in + i * wlen, word, wlen);
	n = rfc2047_decode(in, wlen * count, out, sizeof(out));
	ck_assert_uint_eq(n, 62);
	for (size_t i = 0; i < n; i += 2)
		ck_assert_mem_eq(out + i, "\xc3\xa9", 2);
	/* Only the space after the last word stays. */
	ck_assert_uint_eq(rfc2047_decode_len(in, wlen * count), 2 * count + 1);
	free(in);
}
END_TEST

/* Every prefix of a header with several words decodes without reading
 * past its end (ASan checks) and never grows the text by more than
 * the charsets can. */
START_TEST(test_prefixes)
{
	static const char in[] =
		"=?UTF-8?B?R3LDvMOfZQ==?= =?windows-1252?Q?=80_x?= "
		"=?UTF-8?Q?=F0?= =?UTF-8?Q?=9F=98=80?=";
	char out[BIG];

	for (size_t len = 0; len <= sizeof(in) - 1; len++) {
		char *copy = malloc(len == 0 ? 1 : len);
		size_t n;

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, in, len);
		n = rfc2047_decode(copy, len, out, sizeof(out));
		ck_assert_uint_le(n, 3 * len);
		ck_assert_uint_eq(n, rfc2047_decode_len(copy, len));
		free(copy);
	}
	ck_assert_uint_eq(rfc2047_decode(in, 24, out, sizeof(out)), 7);
	ck_assert_str_eq(out, "Gr\xc3\xbc\xc3\x9f" "e");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_rfc2047(void)
{
	Suite *s = suite_create("rfc2047");
	TCase *tc = units_case(s, "decode", test_escape_after_decode, NULL);

	tcase_add_loop_test(tc, test_decode_table, 0, N(cases));

	tc = units_case(s, "bounds", test_many_words, test_prefixes, NULL);
	tcase_add_loop_test(tc, test_exact_size, 0, N(trunc_inputs));
	return s;
}
