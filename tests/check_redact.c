/* check_redact.c - a secret echoed back by a server is hidden in every
 * form the session's texts can hold it, and nothing else is touched. */
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "redact.h"

#define USER "alice"
#define SECRET "Pw-0d15ea5e-Hostile"
/* base64 of "\0alice\0Pw-0d15ea5e-Hostile" and of the password */
#define PLAIN_B64 "AGFsaWNlAFB3LTBkMTVlYTVlLUhvc3RpbGU="
#define AUTHZ_B64 "YWxpY2UAYWxpY2UAUHctMGQxNWVhNWUtSG9zdGlsZQ=="
#define PW_B64 "UHctMGQxNWVhNWUtSG9zdGlsZQ=="

static struct redact r;

static void
setup(void)
{
	redact_init(&r);
	ck_assert_int_eq(redact_add_secret(&r, USER, SECRET), 0);
}

static void
teardown(void)
{
	redact_wipe(&r);
}

/* text redacted by q, compared with want (NULL: unchanged). */
static void
expect_in(const struct redact *q, const char *text, const char *want)
{
	int oom = 1;
	char *got = redact_text(q, text, &oom);

	ck_assert_int_eq(oom, 0);
	if (want == NULL) {
		ck_assert_msg(got == NULL, "changed: \"%s\" -> \"%s\"", text,
			      got);
		return;
	}
	ck_assert_msg(got != NULL, "unchanged: \"%s\"", text);
	ck_assert_str_eq(got, want);
	free(got);
}

/* The same with the fixture's set. */
static void
expect(const char *text, const char *want)
{
	expect_in(&r, text, want);
}

START_TEST(plain_forms)
{
	expect("LOGIN alice " SECRET " rejected",
	       "LOGIN alice " REDACT_MARK " rejected");
	expect(SECRET, REDACT_MARK);
	expect(SECRET SECRET, REDACT_MARK REDACT_MARK);
	expect("invalid SASL response " PLAIN_B64,
	       "invalid SASL response " REDACT_MARK);
	expect(AUTHZ_B64 " no", REDACT_MARK " no");
	expect("you sent " PW_B64, "you sent " REDACT_MARK);
}
END_TEST

START_TEST(other_text_untouched)
{
	expect("", NULL);
	expect("* OK [CAPABILITY IMAP4rev1] hi", NULL);
	expect("x Pw-0d15ea5e-Hostil y", NULL);	/* one byte short */
	expect("pw-0d15ea5e-hostile", NULL);	/* case matters */
	expect(USER, NULL);
	ck_assert_ptr_null(redact_text(&r, NULL, &(int){ 0 }));
}
END_TEST

START_TEST(cut_at_the_end)
{
	/* A line cut at its length limit keeps no half of the secret. */
	expect("refused: Pw-0d15ea5e", "refused: " REDACT_MARK);
	/* Under half of it is left alone: it says too little. */
	expect("refused: Pw-0d", NULL);
	/* In the middle, a prefix is not the secret. */
	expect("Pw-0d15ea5e and more", NULL);
}
END_TEST

START_TEST(escaped_and_quoted_forms)
{
	struct redact q;

	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, USER, "a\"b\\tc\x1b" "d"), 0);
	{
		const char *texts[] = {
			"x a\"b\\tc\x1b" "d y",	/* as typed */
			"x a\\\"b\\\\tc\x1b" "d y",	/* quoted string */
			"x a\"b\\\\tc\\ed y",	/* escape_text */
			"x a\"b\\tc\\ed y",	/* escape_line */
			"x a\\\"b\\\\\\\\tc\\ed y",	/* both */
		};

		for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]);
		     i++) {
			int oom;
			char *got = redact_text(&q, texts[i], &oom);

			ck_assert_msg(got != NULL, "form %zu not found", i);
			ck_assert_str_eq(got, "x " REDACT_MARK " y");
			free(got);
		}
	}
	redact_wipe(&q);
}
END_TEST

START_TEST(in_place_buffer)
{
	char buf[24] = "no " SECRET;
	char small[8] = "x abcd";
	struct redact q;

	redact_buf(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "no " REDACT_MARK);
	/* A short secret's mark is longer than it: cut to fit. */
	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, NULL, "abcd"), 0);
	redact_buf(&q, small, sizeof(small));
	ck_assert_str_eq(small, "x [secr");
	redact_wipe(&q);
}
END_TEST

START_TEST(wipe_empties)
{
	ck_assert(!redact_empty(&r));
	redact_wipe(&r);
	ck_assert(redact_empty(&r));
	ck_assert_ptr_null(redact_text(&r, SECRET, &(int){ 0 }));
	/* Wiping twice is harmless (teardown does it again). */
	redact_wipe(&r);
}
END_TEST

/* A secret under four bytes is hidden where it stands as a whole word
 * (a mailbox, a flag, a subject that is exactly it; a word of a
 * refusal) and nowhere inside a longer word. */
START_TEST(short_secret_whole_words)
{
	struct redact q;

	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, USER, "abc"), 0);
	ck_assert(!redact_empty(&q));
	expect_in(&q, "abc", REDACT_MARK);
	expect_in(&q, "\\abc", "\\" REDACT_MARK);
	expect_in(&q, "Archive/abc", "Archive/" REDACT_MARK);
	expect_in(&q, "LOGIN alice abc rejected",
		  "LOGIN alice " REDACT_MARK " rejected");
	expect_in(&q, "LOGIN alice \"abc\"", "LOGIN alice \"" REDACT_MARK
		  "\"");
	expect_in(&q, "abcdef", NULL);
	expect_in(&q, "xabc", NULL);
	expect_in(&q, "abc1", NULL);
	expect_in(&q, "caf\xc3\xa9" "abc", NULL);
	expect_in(&q, "Fabcmail Archive", NULL);
	/* No half of it at a cut end: too short to tell. */
	expect_in(&q, "refused: ab", NULL);
	redact_wipe(&q);

	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, NULL, "x"), 0);
	expect_in(&q, "x", REDACT_MARK);
	expect_in(&q, "a x b", "a " REDACT_MARK " b");
	expect_in(&q, "xx max", NULL);
	redact_wipe(&q);

	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, NULL, ""), 0);
	ck_assert(redact_empty(&q));
	redact_wipe(&q);
}
END_TEST

/* A secret listed back as a mailbox name comes in modified UTF-7 in the
 * raw name; the decoded one is the secret as typed. */
START_TEST(mailbox_name_form)
{
	struct redact q;
	char *got;
	size_t n = 0;
	int oom = 1;

	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, USER, "P\xc3\xa4sswort&1"),
			 0);
	expect_in(&q, "P&AOQ-sswort&-1", REDACT_MARK);
	expect_in(&q, "Inbox/P\xc3\xa4sswort&1", "Inbox/" REDACT_MARK);
	got = redact_bytes(&q, "a\0P&AOQ-sswort&-1", 17, &n, &oom);
	ck_assert_int_eq(oom, 0);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(n, 2 + strlen(REDACT_MARK));
	ck_assert_mem_eq(got, "a\0" REDACT_MARK, n);
	free(got);
	redact_wipe(&q);
}
END_TEST

/* Forms whose first byte is not ASCII, or that start like other text
 * over and over, are found at any place. */
START_TEST(any_first_byte)
{
	struct redact q;

	redact_init(&q);
	ck_assert_int_eq(redact_add_secret(&q, NULL, "\xc3\xa4rger-1"), 0);
	expect_in(&q, "x \xc3\xa4rger-1", "x " REDACT_MARK);
	expect_in(&q, "\xc3\xa4\xc3\xa4rger-1", "\xc3\xa4" REDACT_MARK);
	expect_in(&q, "\xc3\xa4rger-2 \xc3\xa4r", NULL);
	redact_wipe(&q);
	expect("PPPw-0d15ea5e-Hostile", "PP" REDACT_MARK);
	expect("Pw-Pw-0d15ea5e-Hostile", "Pw-" REDACT_MARK);
}
END_TEST

Suite *
suite_redact(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = units_case(s, "redact", plain_forms, other_text_untouched,
			       cut_at_the_end, escaped_and_quoted_forms,
			       in_place_buffer, wipe_empties,
			       short_secret_whole_words, mailbox_name_form,
			       any_first_byte, NULL);

	tcase_add_checked_fixture(tc, setup, teardown);
	return s;
}
