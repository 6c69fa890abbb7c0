/* check_escape.c - escape_text() and escape_json() on hostile text. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "escape.h"

#define BIG 512

struct escape_case {
	const char *in;
	size_t len;
	const char *want;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct escape_case text_cases[] = {
	{ S("hello, world"), "hello, world" },
	{ S(""), "" },
	{ S("\x1b[31mred\x1b[0m"), "\\e[31mred\\e[0m" },
	{ S("\x1b]0;title\x07"), "\\e]0;title\\x07" },
	{ S("a\0b"), "a\\x00b" },
	{ S("\r\n\t"), "\\r\\n\\t" },
	{ S("\x01\x1f\x7f"), "\\x01\\x1f\\x7f" },
	{ S("back\\slash \\e"), "back\\slash \\\\e" },
	{ S("caf\xc3\xa9 \xe5\x8f\xb0\xe5\x8c\x97"),
	  "caf\xc3\xa9 \xe5\x8f\xb0\xe5\x8c\x97" },
	{ S("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80" },
	{ S("\xc2\x9b" "2J"), "\\u009b2J" },
	{ S("\xc2\x80\xc2\x9f\xc2\xa0"), "\\u0080\\u009f\xc2\xa0" },
	{ S("abc\xe2\x80\xae" "fdp.exe"), "abc\\u202efdp.exe" },
	{ S("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
	  "\\u202a\\u202b\\u202c\\u202d" },
	{ S("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
	  "\\u2066\\u2067\\u2068\\u2069" },
	{ S("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), "\\u200e\\u200f\\u061c" },
	{ S("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "a\\u2028b\\u2029" },
	{ S("\xff\xfe"), "\\xff\\xfe" },
	{ S("caf\xc3"), "caf\\xc3" },
	{ S("\xc3("), "\\xc3(" },
	{ S("\xc0\xaf"), "\\xc0\\xaf" },
	{ S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf" },
	{ S("\xed\xa0\x80"), "\\xed\\xa0\\x80" },
	{ S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80" },
	{ S("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf" },
	{ S("\x80x"), "\\x80x" },
	/* A backslash is doubled only where it could start an escape. */
	{ S("a\\b c\\d"), "a\\b c\\d" },
	{ S("C:\\temp"), "C:\\\\temp" },
	{ S("\\e\\t\\n\\r\\x41\\u202e"),
	  "\\\\e\\\\t\\\\n\\\\r\\\\x41\\\\u202e" },
	{ S("a\\\\b"), "a\\\\\\b" },
	{ S("end\\"), "end\\\\" },
	{ S("\\\x1b"), "\\\\\\e" },
	{ S("\\\xc3\xa9"), "\\\\\xc3\xa9" },
};

static const struct escape_case json_cases[] = {
	{ S("plain / text"), "plain / text" },
	{ S("a\"b\\c"), "a\\\"b\\\\c" },
	{ S("\b\f\n\r\t"), "\\b\\f\\n\\r\\t" },
	{ S("\x1b[0m"), "\\u001b[0m" },
	{ S("a\0b"), "a\\u0000b" },
	{ S("\x7f"), "\\u007f" },
	{ S("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ S("\xc2\x85"), "\\u0085" },
	{ S("\xe2\x80\xae"), "\\u202e" },
	{ S("\xe2\x80\xa8"), "\\u2028" },
	{ S("\xff"), "\\ufffd" },
	{ S("x\xc3"), "x\\ufffd" },
	{ S("\xed\xb0\x80"), "\\ufffd\\ufffd\\ufffd" },
};

START_TEST(test_text_table)
{
	const struct escape_case *c = &text_cases[_i];
	char out[BIG];
	size_t n;

	n = escape_text(c->in, c->len, out, sizeof(out));
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_eq(n, strlen(c->want));
	ck_assert_uint_eq(escape_text_len(c->in, c->len), n);
}
END_TEST

START_TEST(test_json_table)
{
	const struct escape_case *c = &json_cases[_i];
	char out[BIG];
	size_t n;

	n = escape_json(c->in, c->len, out, sizeof(out));
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_eq(n, strlen(c->want));
	ck_assert_uint_eq(escape_json_len(c->in, c->len), n);
}
END_TEST

/* Escaped output never holds a raw control byte, ESC above all. */
/* escape_line: backslashes pass through; everything else as
 * escape_text. */
static const struct {
	const char *in;
	size_t len;
	const char *out;
} line_cases[] = {
	{ S("* LIST (\\HasNoChildren) \"/\" INBOX"),
	  "* LIST (\\HasNoChildren) \"/\" INBOX" },
	{ S("\\Seen\x1b[2J\r\n"), "\\Seen\\e[2J\\r\\n" },
	{ S("a\xe2\x80\xae" "b\xff"), "a\\u202eb\\xff" },
};

START_TEST(test_line_table)
{
	char out[256];
	size_t n = escape_line(line_cases[_i].in, line_cases[_i].len, out,
			       sizeof(out));

	ck_assert_str_eq(out, line_cases[_i].out);
	ck_assert_uint_eq(n, strlen(line_cases[_i].out));
}
END_TEST

START_TEST(test_text_all_bytes)
{
	char in[256], out[2048];
	size_t n;

	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	n = escape_text(in, sizeof(in), out, sizeof(out));
	ck_assert_uint_eq(n, strlen(out));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		ck_assert_msg(c >= 0x20 && c < 0x7f,
			      "byte 0x%02x at %zu", c, i);
	}
}
END_TEST

START_TEST(test_utf8_decode)
{
	uint32_t cp = 0;

	ck_assert_uint_eq(escape_utf8_decode("A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 'A');
	ck_assert_uint_eq(escape_utf8_decode("\xc3\xa9", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xe9);
	ck_assert_uint_eq(escape_utf8_decode("\xe2\x80\xae", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x202e);
	ck_assert_uint_eq(escape_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x1f600);
	ck_assert_uint_eq(escape_utf8_decode("\xe2\x80\xae", 2, &cp), 0);
	ck_assert_uint_eq(escape_utf8_decode("\xc1\xbf", 2, &cp), 0);
	ck_assert_uint_eq(escape_utf8_decode("\xbf", 1, &cp), 0);
}
END_TEST

/* Every boundary of the encoding's lengths, decoded back. */
START_TEST(test_utf8_encode)
{
	static const uint32_t cps[] = {
		0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff,
		0x10000, 0x1f600, 0x10ffff,
	};
	static const size_t lens[] = { 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4 };

	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		char u[4];
		uint32_t back = 0;
		size_t n = escape_utf8_encode(cps[i], u);

		ck_assert_uint_eq(n, lens[i]);
		ck_assert_uint_eq(escape_utf8_decode(u, n, &back), n);
		ck_assert_uint_eq(back, cps[i]);
	}
}
END_TEST

typedef size_t (*escape_fn)(const char *, size_t, char *, size_t);

/* Inputs for truncation: each mixes escapes of several lengths with
 * multi-byte characters that must not be split. */
static const struct escape_case trunc_inputs[] = {
	{ S("abcdefghij"), NULL },
	{ S("\x1b[2J\xe2\x80\xae" "evil\xff caf\xc3\xa9 \xf0\x9f\x98\x80 end"),
	  NULL },
	{ S("\xe5\x8f\xb0\xe5\x8c\x97\x00\"\\\r\n"), NULL },
	{ S("\xc2\x9b"), NULL },
};

/* Is out[0..n) the escaped form of some prefix of in ending on a
 * character boundary?  Then it is a prefix of the full escape. */
static bool
on_boundary(escape_fn fn, const char *in, size_t len, const char *body,
	    size_t n)
{
	char all[BIG], part[BIG];

	fn(in, len, all, sizeof(all));
	if (memcmp(all, body, n) != 0)
		return false;
	for (size_t k = 0; k <= len; k++) {
		if (fn(in, k, part, sizeof(part)) == n &&
		    memcmp(part, body, n) == 0)
			return true;
	}
	return false;
}

/* The longest boundary length not above room. */
static size_t
best_boundary(escape_fn fn, const char *in, size_t len, size_t room)
{
	char all[BIG], part[BIG];
	size_t best = 0, m;

	fn(in, len, all, sizeof(all));
	for (size_t k = 0; k <= len; k++) {
		m = fn(in, k, part, sizeof(part));
		if (m <= room && m > best && memcmp(part, all, m) == 0)
			best = m;
	}
	return best;
}

/* Every capacity from 1 to need + 2, each in a buffer of exactly that
 * size (ASan reports any write past it). */
static void
check_truncation(escape_fn fn, size_t (*len_fn)(const char *, size_t),
		 const char *in, size_t len)
{
	char full[BIG];
	size_t need = len_fn(in, len);

	ck_assert_uint_eq(fn(in, len, full, sizeof(full)), need);
	for (size_t cap = 1; cap <= need + 2; cap++) {
		char *out = malloc(cap);
		size_t n, dots, body;

		ck_assert_ptr_nonnull(out);
		n = fn(in, len, out, cap);
		ck_assert_uint_lt(n, cap);
		ck_assert_int_eq(out[n], '\0');
		ck_assert_uint_eq(strlen(out), n);
		if (cap > need) {
			ck_assert_str_eq(out, full);
			free(out);
			continue;
		}
		dots = cap - 1 < 3 ? cap - 1 : 3;
		ck_assert_uint_ge(n, dots);
		body = n - dots;
		ck_assert_msg(memcmp(out + body, "...", dots) == 0,
			      "cap %zu: no ellipsis in \"%s\"", cap, out);
		ck_assert_msg(on_boundary(fn, in, len, out, body),
			      "cap %zu: split character in \"%s\"", cap, out);
		ck_assert_uint_eq(body, best_boundary(fn, in, len,
				  cap - 1 - dots));
		free(out);
	}
}

START_TEST(test_text_truncation)
{
	const struct escape_case *c = &trunc_inputs[_i];

	check_truncation(escape_text, escape_text_len, c->in, c->len);
}
END_TEST

START_TEST(test_json_truncation)
{
	const struct escape_case *c = &trunc_inputs[_i];

	check_truncation(escape_json, escape_json_len, c->in, c->len);
}
END_TEST

START_TEST(test_exact_fit)
{
	char out[6];

	/* "\e" + "abc" needs 5 bytes and the NUL: fits in 6, not in 5,
	 * where "\e" and "..." do not fit together. */
	ck_assert_uint_eq(escape_text("\x1b" "abc", 4, out, 6), 5);
	ck_assert_str_eq(out, "\\eabc");
	ck_assert_uint_eq(escape_text("\x1b" "abc", 4, out, 5), 3);
	ck_assert_str_eq(out, "...");
	ck_assert_uint_eq(escape_text("\x1b" "abcd", 5, out, 6), 5);
	ck_assert_str_eq(out, "\\e...");
}
END_TEST

START_TEST(test_zero_cap)
{
	char out[1] = { 'x' };

	ck_assert_uint_eq(escape_text("abc", 3, NULL, 0), 0);
	ck_assert_uint_eq(escape_json("abc", 3, NULL, 0), 0);
	ck_assert_uint_eq(escape_text("abc", 3, out, 0), 0);
	ck_assert_int_eq(out[0], 'x');
	ck_assert_uint_eq(escape_text("abc", 3, out, 1), 0);
	ck_assert_int_eq(out[0], '\0');
}
END_TEST

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Read escape_text()'s output back into bytes (\uNNNN only for the
 * code points it uses, all three bytes long in UTF-8): a backslash not
 * starting an escape is itself. */
static size_t
unescape(const char *in, char *out)
{
	static const char simple[] = "\\\\e\x1bt\tn\nr\r";
	size_t o = 0;
	const char *p;

	while (*in != '\0') {
		p = in[0] == '\\' && in[1] != '\0' ? strchr(simple, in[1])
						   : NULL;
		if (p != NULL && (p - simple) % 2 == 0) {
			out[o++] = p[1];
			in += 2;
		} else if (in[0] == '\\' && in[1] == 'x'
			   && hex_digit(in[2]) >= 0 && hex_digit(in[3]) >= 0) {
			out[o++] = (char)(hex_digit(in[2]) * 16
					  + hex_digit(in[3]));
			in += 4;
		} else {
			out[o++] = *in++;
		}
	}
	return o;
}

/* Every string of up to four characters from a set of backslashes,
 * escape letters, hex digits, controls and invalid bytes escapes into
 * text that reads back as the string: no text passes for an escape. */
START_TEST(test_text_backslash_unambiguous)
{
	static const char alphabet[] = "\\ex4tsu\x1b\xff";
	const size_t k = sizeof(alphabet) - 1;
	char in[4], out[BIG], back[BIG];
	size_t total = 1, len, n, v;

	for (len = 1; len <= 4; len++) {
		total *= k;
		for (size_t idx = 0; idx < total; idx++) {
			v = idx;
			for (size_t i = 0; i < len; i++, v /= k)
				in[i] = alphabet[v % k];
			escape_text(in, len, out, sizeof(out));
			n = unescape(out, back);
			ck_assert_msg(n == len && memcmp(in, back, len) == 0,
				      "\"%s\" reads back differently", out);
		}
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_escape(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = units_case(s, "text", test_text_all_bytes,
			       test_utf8_decode, test_utf8_encode, NULL);

	tcase_add_loop_test(tc, test_text_table, 0, N(text_cases));
	tcase_add_loop_test(tc, test_line_table, 0, N(line_cases));

	tc = units_case(s, "json", NULL);
	tcase_add_loop_test(tc, test_json_table, 0, N(json_cases));

	tc = units_case(s, "truncation", test_exact_fit, test_zero_cap, NULL);
	tcase_add_loop_test(tc, test_text_truncation, 0, N(trunc_inputs));
	tcase_add_loop_test(tc, test_json_truncation, 0, N(trunc_inputs));

	units_case(s, "backslash", test_text_backslash_unambiguous, NULL);
	return s;
}
