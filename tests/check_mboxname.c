/* check_mboxname.c - modified UTF-7 names, display and components. */
#include <stdbool.h>
#include <string.h>

#include "check_units.h"
#include "mboxname.h"

#define S(lit) lit, sizeof(lit) - 1
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define BIG 256

struct name_case {
	const char *in;
	size_t len;
	const char *want;
	size_t want_len;
};

/* Valid modified UTF-7 and its UTF-8; each also encodes back to the
 * same raw name (the encoding is canonical). */
static const struct name_case valid_names[] = {
	{ S("INBOX"), S("INBOX") },
	{ S(""), S("") },
	{ S("~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
	  S("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e") },
	{ S("&-"), S("&") },
	{ S("Entw&APw-rfe"), S("Entw\xc3\xbcrfe") },
	{ S("Caf&AOk- &- Co"), S("Caf\xc3\xa9 & Co") },
	{ S("&AOk-&-"), S("\xc3\xa9&") },
	{ S("&-&AOk-"), S("&\xc3\xa9") },
	{ S("&2D3eAA-"), S("\xf0\x9f\x98\x80") },
	{ S("&AOnYPd4A-"), S("\xc3\xa9\xf0\x9f\x98\x80") },
	{ S("&2,,f,w-"), S("\xf4\x8f\xbf\xbf") },
	{ S("&IC4-"), S("\xe2\x80\xae") },
	{ S("a-b &ABs-"), S("a-b \x1b") },
	{ S("&AAA-"), S("\0") },
};

struct bad_case {
	const char *in;
	size_t len;
	int err;
};

static const struct bad_case invalid_names[] = {
	{ S("&"), MBOXNAME_E_UNTERMINATED },
	{ S("abc&"), MBOXNAME_E_UNTERMINATED },
	{ S("&Jjo"), MBOXNAME_E_UNTERMINATED },
	{ S("&AOk"), MBOXNAME_E_UNTERMINATED },
	{ S("&AGE-"), MBOXNAME_E_DIRECT },
	{ S("&ACY-"), MBOXNAME_E_DIRECT },
	{ S("&ACA-"), MBOXNAME_E_DIRECT },
	{ S("&2D0-"), MBOXNAME_E_SURROGATE },
	{ S("&3AA-"), MBOXNAME_E_SURROGATE },
	{ S("&2D0A6Q-"), MBOXNAME_E_SURROGATE },
	{ S("&2D3-"), MBOXNAME_E_PAD },
	{ S("&AOl-"), MBOXNAME_E_PAD },
	{ S("&AP-"), MBOXNAME_E_EMPTY },
	{ S("&A-"), MBOXNAME_E_EMPTY },
	{ S("&AOkA-"), MBOXNAME_E_BITS },
	{ S("&AO!-"), MBOXNAME_E_BASE64 },
	{ S("&AO/-"), MBOXNAME_E_BASE64 },
	{ S("&AO k-"), MBOXNAME_E_BASE64 },
	{ S("&AOk-&AOk-"), MBOXNAME_E_ADJACENT },
	{ S("caf\xc3\xa9"), MBOXNAME_E_RAW_BYTE },
	{ S("a\tb"), MBOXNAME_E_RAW_BYTE },
	{ S("a\0b"), MBOXNAME_E_RAW_BYTE },
	{ S("bad\x1b[2J"), MBOXNAME_E_RAW_BYTE },
};

START_TEST(test_decode_valid)
{
	const struct name_case *c = &valid_names[_i];
	char out[BIG];
	size_t n = 12345;

	ck_assert_int_eq(mboxname_decode(c->in, c->len, out, sizeof(out), &n),
			 MBOXNAME_OK);
	ck_assert_uint_eq(n, c->want_len);
	ck_assert_mem_eq(out, c->want, n);
	ck_assert_int_eq(out[n], '\0');
}
END_TEST

START_TEST(test_decode_invalid)
{
	const struct bad_case *c = &invalid_names[_i];
	char out[BIG];
	size_t n;
	int rc;

	rc = mboxname_decode(c->in, c->len, out, sizeof(out), &n);
	ck_assert_msg(rc == c->err, "%s: got %d (%s), want %d (%s)", c->in,
		      rc, mboxname_strerror(rc), c->err,
		      mboxname_strerror(c->err));
}
END_TEST

START_TEST(test_decode_space)
{
	char out[16];
	size_t n;

	/* "Entwürfe" is 9 bytes: it needs 10 with the NUL. */
	ck_assert_int_eq(mboxname_decode(S("Entw&APw-rfe"), out, 9, &n),
			 MBOXNAME_E_SPACE);
	ck_assert_int_eq(mboxname_decode(S("Entw&APw-rfe"), out, 10, &n),
			 MBOXNAME_OK);
	ck_assert_uint_eq(n, 9);
	ck_assert_int_eq(mboxname_decode(S(""), out, 0, &n),
			 MBOXNAME_E_SPACE);
}
END_TEST

/* The documented bound holds for the densest encoding: a long run of
 * three-byte characters. */
START_TEST(test_decode_bound)
{
	char name[3 * 64], raw[BIG], out[BIG];
	size_t rlen, n;

	for (int i = 0; i < 64; i++)
		memcpy(name + 3 * i, "\xe8\x80\x80", 3);	/* U+8000 */
	ck_assert_int_eq(mboxname_encode(name, sizeof(name), raw, sizeof(raw),
					 &rlen), MBOXNAME_OK);
	ck_assert_uint_eq(rlen, 2 + (64 * 16 + 5) / 6);
	ck_assert_int_eq(mboxname_decode(raw, rlen, out, 9 * rlen / 8 + 2,
					 &n), MBOXNAME_OK);
	ck_assert_uint_eq(n, sizeof(name));
	ck_assert_mem_eq(out, name, n);
}
END_TEST

START_TEST(test_encode_valid)
{
	const struct name_case *c = &valid_names[_i];
	char out[BIG];
	size_t n = 12345;

	if (memchr(c->want, '\0', c->want_len) != NULL ||
	    memchr(c->want, '\x1b', c->want_len) != NULL) {
		/* Controls decode, but are refused when typed. */
		ck_assert_int_eq(mboxname_encode(c->want, c->want_len, out,
						 sizeof(out), &n),
				 MBOXNAME_E_CONTROL);
		return;
	}
	ck_assert_int_eq(mboxname_encode(c->want, c->want_len, out,
					 sizeof(out), &n), MBOXNAME_OK);
	ck_assert_uint_eq(n, c->len);
	ck_assert_str_eq(out, c->in);
}
END_TEST

static const struct bad_case bad_utf8[] = {
	{ S("caf\xc3"), MBOXNAME_E_UTF8 },
	{ S("\xff"), MBOXNAME_E_UTF8 },
	{ S("\xc0\xaf"), MBOXNAME_E_UTF8 },
	{ S("\xed\xa0\x80"), MBOXNAME_E_UTF8 },
	{ S("\xf4\x90\x80\x80"), MBOXNAME_E_UTF8 },
	{ S("a\x01"), MBOXNAME_E_CONTROL },
	{ S("a\x7f"), MBOXNAME_E_CONTROL },
	{ S("a\nb"), MBOXNAME_E_CONTROL },
	{ S("a\0b"), MBOXNAME_E_CONTROL },
	{ S("\xc3\xa9\r"), MBOXNAME_E_CONTROL },
};

START_TEST(test_encode_invalid)
{
	const struct bad_case *c = &bad_utf8[_i];
	char out[BIG];
	size_t n;

	ck_assert_int_eq(mboxname_encode(c->in, c->len, out, sizeof(out), &n),
			 c->err);
}
END_TEST

START_TEST(test_encode_space)
{
	char out[16];
	size_t n;

	/* "Entw&APw-rfe" is 12 bytes. */
	for (size_t cap = 0; cap <= 12; cap++)
		ck_assert_int_eq(mboxname_encode(S("Entw\xc3\xbcrfe"), out,
						 cap, &n), MBOXNAME_E_SPACE);
	ck_assert_int_eq(mboxname_encode(S("Entw\xc3\xbcrfe"), out, 13, &n),
			 MBOXNAME_OK);
	ck_assert_str_eq(out, "Entw&APw-rfe");
}
END_TEST

/* Runs of 1 to 6 characters of each UTF-8 length, so that every bit
 * alignment of the base64 run is met, encode and decode back. */
START_TEST(test_round_trip)
{
	static const char *const chars[] = {
		"\xc2\x80", "\xc3\xbf", "\xc4\x80", "\xdf\xbf", "\xe0\xa0\x80",
		"\xef\xbf\xbd", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
	};
	char name[64], raw[BIG], back[BIG];
	size_t len, rlen, blen;

	for (int c = 0; c < N(chars); c++) {
		for (int count = 1; count <= 6; count++) {
			len = 0;
			name[len++] = 'x';
			for (int k = 0; k < count; k++) {
				const char *ch = chars[(c + k) % N(chars)];

				memcpy(name + len, ch, strlen(ch));
				len += strlen(ch);
			}
			name[len++] = '&';
			ck_assert_int_eq(mboxname_encode(name, len, raw,
							 sizeof(raw), &rlen),
					 MBOXNAME_OK);
			ck_assert_int_eq(mboxname_decode(raw, rlen, back,
							 sizeof(back), &blen),
					 MBOXNAME_OK);
			ck_assert_uint_eq(blen, len);
			ck_assert_mem_eq(back, name, len);
		}
	}
}
END_TEST

struct display_case {
	const char *in;
	size_t len;
	const char *want;
	int err;
};

static const struct display_case display_cases[] = {
	{ S("Entw&APw-rfe"), "Entw\xc3\xbcrfe", MBOXNAME_OK },
	{ S("&ABs-[2J"), "\\e[2J", MBOXNAME_OK },
	{ S("&AAA-"), "\\x00", MBOXNAME_OK },
	{ S("x&IC4-gpj.exe"), "x\\u202egpj.exe", MBOXNAME_OK },
	{ S("a\\b"), "a\\b", MBOXNAME_OK },
	{ S("back\\slash"), "back\\slash", MBOXNAME_OK },
	{ S("Work\\Q4/a\\b"), "Work\\Q4/a\\b", MBOXNAME_OK },
	{ S("C:\\temp"), "C:\\\\temp", MBOXNAME_OK },
	{ S("end\\"), "end\\\\", MBOXNAME_OK },
	{ S("&AGE-"), "&AGE-", MBOXNAME_E_DIRECT },
	{ S("caf\xc3\xa9"), "caf\xc3\xa9", MBOXNAME_E_RAW_BYTE },
	{ S("bad\x1b[2J\xff"), "bad\\e[2J\\xff", MBOXNAME_E_RAW_BYTE },
	{ S("&Jjo"), "&Jjo", MBOXNAME_E_UNTERMINATED },
};

START_TEST(test_display)
{
	const struct display_case *c = &display_cases[_i];
	char out[BIG];

	ck_assert_int_eq(mboxname_display(c->in, c->len, out, sizeof(out)),
			 c->err);
	ck_assert_str_eq(out, c->want);
}
END_TEST

START_TEST(test_display_truncated)
{
	char out[8];

	/* "Entwürfe" is 9 bytes; 7 fit, with "..." after whole
	 * characters: "Entw" and the ellipsis. */
	ck_assert_int_eq(mboxname_display(S("Entw&APw-rfe"), out, sizeof(out)),
			 MBOXNAME_OK);
	ck_assert_str_eq(out, "Entw...");
	ck_assert_int_eq(mboxname_display(S("Entw&APw-rfe"), out, 1),
			 MBOXNAME_OK);
	ck_assert_str_eq(out, "");
}
END_TEST

struct split_case {
	const char *name;
	char delim;
	const char *want;	/* components joined by '|' */
	int count;
};

static const struct split_case split_cases[] = {
	{ "INBOX", '/', "INBOX", 1 },
	{ "INBOX/Sent", '/', "INBOX|Sent", 2 },
	{ "a.b.c", '.', "a|b|c", 3 },
	{ "a//b", '/', "a||b", 3 },
	{ "/a/", '/', "|a|", 3 },
	{ "", '/', "", 1 },
	{ "a/b", '\0', "a/b", 1 },
	{ "&U,BTFw-,x", ',', "&U,BTFw-|x", 2 },
	{ "Entw&APw-rfe.Alt", '.', "Entw&APw-rfe|Alt", 2 },
	{ "&AB/x", '/', "&AB/x", 1 },
};

START_TEST(test_split)
{
	const struct split_case *c = &split_cases[_i];
	struct mboxname_iter it;
	const char *comp;
	size_t clen, used = 0;
	char got[BIG];
	int count = 0;

	mboxname_iter_init(&it, c->name, strlen(c->name), c->delim);
	while (mboxname_iter_next(&it, &comp, &clen)) {
		if (count > 0)
			got[used++] = '|';
		ck_assert_uint_lt(used + clen, sizeof(got));
		memcpy(got + used, comp, clen);
		used += clen;
		count++;
	}
	got[used] = '\0';
	ck_assert_str_eq(got, c->want);
	ck_assert_int_eq(count, c->count);
	ck_assert(!mboxname_iter_next(&it, &comp, &clen));
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(mboxname_strerror(MBOXNAME_OK), "valid");
	ck_assert_str_eq(mboxname_strerror(MBOXNAME_E_UNTERMINATED),
			 "unterminated shift sequence");
	ck_assert_str_eq(mboxname_strerror(-1), "unknown error");
	ck_assert_str_eq(mboxname_strerror(MBOXNAME_E_NOMEM + 1),
			 "unknown error");
}
END_TEST

Suite *
suite_mboxname(void)
{
	Suite *s = suite_create("mboxname");
	TCase *tc = units_case(s, "decode", test_decode_space,
			       test_decode_bound, test_strerror, NULL);

	tcase_add_loop_test(tc, test_decode_valid, 0, N(valid_names));
	tcase_add_loop_test(tc, test_decode_invalid, 0, N(invalid_names));

	tc = units_case(s, "encode", test_encode_space, test_round_trip, NULL);
	tcase_add_loop_test(tc, test_encode_valid, 0, N(valid_names));
	tcase_add_loop_test(tc, test_encode_invalid, 0, N(bad_utf8));

	tc = units_case(s, "display", test_display_truncated, NULL);
	tcase_add_loop_test(tc, test_display, 0, N(display_cases));

	tc = units_case(s, "split", NULL);
	tcase_add_loop_test(tc, test_split, 0, N(split_cases));
	return s;
}
