/* check_mailbox.c - LIST entries, attribute flags and special uses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "mailbox.h"

#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *raw;
	size_t raw_len;
	const char *display;
} entry_cases[] = {
	{ S("INBOX"), "INBOX" },
	{ S(""), "" },
	{ S("a\0b"), "a\\x00b" },
	{ S("\0"), "\\x00" },
	{ S("\0\0\0"), "" },
	{ S("Sent\0"), "Sent" },
	{ S("&AOQ-rger"), "\xc3\xa4rger" },
	{ S("\xff\xfe\r\n"), "\\xff\\xfe\\r\\n" },
	{ S("Archive/2024/\"q\""), "Archive/2024/\"q\"" },
};

/* The entry holds exact copies of both names, each terminated, in one
 * allocation that free() releases (the test runs under ASan). */
START_TEST(test_entry_new)
{
	const char *raw = entry_cases[_i].raw;
	size_t len = entry_cases[_i].raw_len;
	const char *display = entry_cases[_i].display;
	char *copy = malloc(len > 0 ? len : 1);
	struct mailbox_entry *e;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, raw, len);
	e = mailbox_entry_new(copy, len, display);
	memset(copy, 'X', len);
	free(copy);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->raw_len, len);
	ck_assert(memcmp(e->raw, raw, len) == 0);
	ck_assert_int_eq(e->raw[len], '\0');
	ck_assert_str_eq(e->display, display);
	ck_assert(e->name_valid);
	ck_assert_uint_eq(e->flags, 0);
	ck_assert_int_eq(e->special, SPECIAL_NONE);
	ck_assert_int_eq(e->delim, 0);
	ck_assert(!e->has_status);
	ck_assert_uint_eq(e->messages, 0);
	ck_assert_uint_eq(e->unseen, 0);
	/* the names do not overlap */
	ck_assert(e->display > e->raw + len || e->display + strlen(display)
		  < e->raw);
	free(e);
}
END_TEST

/* A long name with NUL bytes throughout. */
START_TEST(test_entry_long)
{
	size_t len = 70000;
	char *raw = malloc(len);
	struct mailbox_entry *e;

	ck_assert_ptr_nonnull(raw);
	for (size_t i = 0; i < len; i++)
		raw[i] = (char)(i % 7 == 0 ? 0 : 'a' + i % 26);
	e = mailbox_entry_new(raw, len, "long");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->raw_len, len);
	ck_assert(memcmp(e->raw, raw, len) == 0);
	ck_assert_int_eq(e->raw[len], '\0');
	ck_assert_str_eq(e->display, "long");
	free(raw);
	free(e);
}
END_TEST

#define NO_SPECIAL SPECIAL_COUNT	/* *special left as it was */

static const struct {
	const char *attr;
	unsigned flag;
	enum special_use special;
} flag_cases[] = {
	{ "\\Noselect", MBOX_NOSELECT, NO_SPECIAL },
	{ "\\NOSELECT", MBOX_NOSELECT, NO_SPECIAL },
	{ "\\noselect", MBOX_NOSELECT, NO_SPECIAL },
	{ "\\NoInferiors", MBOX_NOINFERIORS, NO_SPECIAL },
	{ "\\noinferiors", MBOX_NOINFERIORS, NO_SPECIAL },
	{ "\\HasChildren", MBOX_HASCHILDREN, NO_SPECIAL },
	{ "\\HASCHILDREN", MBOX_HASCHILDREN, NO_SPECIAL },
	{ "\\HasNoChildren", MBOX_HASNOCHILDREN, NO_SPECIAL },
	{ "\\hasnochildren", MBOX_HASNOCHILDREN, NO_SPECIAL },
	{ "\\Marked", MBOX_MARKED, NO_SPECIAL },
	{ "\\Unmarked", MBOX_UNMARKED, NO_SPECIAL },
	{ "\\Subscribed", MBOX_SUBSCRIBED, NO_SPECIAL },
	{ "\\NonExistent", MBOX_NONEXISTENT | MBOX_NOSELECT, NO_SPECIAL },
	{ "\\nonexistent", MBOX_NONEXISTENT | MBOX_NOSELECT, NO_SPECIAL },
	{ "\\Remote", MBOX_REMOTE, NO_SPECIAL },
	{ "\\All", 0, SPECIAL_ALL },
	{ "\\Archive", 0, SPECIAL_ARCHIVE },
	{ "\\Drafts", 0, SPECIAL_DRAFTS },
	{ "\\Flagged", 0, SPECIAL_FLAGGED },
	{ "\\Junk", 0, SPECIAL_JUNK },
	{ "\\Sent", 0, SPECIAL_SENT },
	{ "\\Trash", 0, SPECIAL_TRASH },
	{ "\\SENT", 0, SPECIAL_SENT },
	{ "\\trash", 0, SPECIAL_TRASH },
	{ "\\jUnK", 0, SPECIAL_JUNK },
	/* unknown: no flag, *special untouched */
	{ "Noselect", 0, NO_SPECIAL },
	{ "\\Noselect ", 0, NO_SPECIAL },
	{ "\\Noselec", 0, NO_SPECIAL },
	{ "\\Noselectx", 0, NO_SPECIAL },
	{ "\\\\Noselect", 0, NO_SPECIAL },
	{ "\\Inbox", 0, NO_SPECIAL },
	{ "\\Important", 0, NO_SPECIAL },
	{ "\\Spam", 0, NO_SPECIAL },
	{ "", 0, NO_SPECIAL },
	{ "\\", 0, NO_SPECIAL },
	{ "Sent", 0, NO_SPECIAL },
};

START_TEST(test_entry_renamed)
{
	static const char raw[] = "a\0b";
	struct mailbox_entry *m = mailbox_entry_new("Old", 3, "Old"), *c;

	ck_assert_ptr_nonnull(m);
	m->delim = '/';
	m->flags = MBOX_NOSELECT | MBOX_HASCHILDREN;
	m->special = SPECIAL_SENT;
	m->name_valid = false;
	m->has_status = true;
	m->messages = 7;
	m->unseen = 2;
	c = mailbox_entry_renamed(m, raw, sizeof(raw) - 1, "New name");
	ck_assert_ptr_nonnull(c);
	/* every fact copied, the names the new ones, in c's own block */
	ck_assert_int_eq(c->delim, '/');
	ck_assert_uint_eq(c->flags, MBOX_NOSELECT | MBOX_HASCHILDREN);
	ck_assert_int_eq(c->special, SPECIAL_SENT);
	ck_assert(!c->name_valid);
	ck_assert(c->has_status);
	ck_assert_uint_eq(c->messages, 7);
	ck_assert_uint_eq(c->unseen, 2);
	ck_assert_uint_eq(c->raw_len, 3);
	ck_assert(memcmp(c->raw, raw, 4) == 0);
	ck_assert_str_eq(c->display, "New name");
	ck_assert_ptr_eq(c->raw, (char *)(c + 1));
	free(m);	/* c must not point into m (ASan) */
	ck_assert_str_eq(c->display, "New name");
	free(c);
}
END_TEST

START_TEST(test_flag_name)
{
	enum special_use sp = SPECIAL_NONE;

	ck_assert_str_eq(mailbox_flag_name(MBOX_NOSELECT), "\\Noselect");
	ck_assert_str_eq(mailbox_flag_name(MBOX_NONEXISTENT),
			 "\\NonExistent");
	ck_assert_str_eq(mailbox_flag_name(MBOX_REMOTE), "\\Remote");
	ck_assert_ptr_null(mailbox_flag_name(0));
	ck_assert_ptr_null(mailbox_flag_name(MBOX_REMOTE << 1));
	/* every bit's name parses back to that bit */
	for (unsigned bit = 1; bit <= MBOX_REMOTE; bit <<= 1) {
		ck_assert_ptr_nonnull(mailbox_flag_name(bit));
		ck_assert_uint_ne(mailbox_flag_parse(mailbox_flag_name(bit),
						     &sp) & bit, 0);
	}
}
END_TEST

START_TEST(test_flag_parse)
{
	/* start from a value no case sets, to see whether it is written */
	enum special_use sp = SPECIAL_INBOX;
	enum special_use want = flag_cases[_i].special == NO_SPECIAL ?
				SPECIAL_INBOX : flag_cases[_i].special;
	unsigned got = mailbox_flag_parse(flag_cases[_i].attr, &sp);

	ck_assert_msg(got == flag_cases[_i].flag, "'%s': flags %#x, not %#x",
		      flag_cases[_i].attr, got, flag_cases[_i].flag);
	ck_assert_msg(sp == want, "'%s': special %d, not %d",
		      flag_cases[_i].attr, (int)sp, (int)want);
}
END_TEST

/* Attributes of one LIST line accumulate. */
START_TEST(test_flag_accumulate)
{
	static const char *const attrs[] = {
		"\\HasNoChildren", "\\Sent", "\\Marked", "\\X-Custom",
	};
	enum special_use sp = SPECIAL_NONE;
	unsigned flags = 0;

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		flags |= mailbox_flag_parse(attrs[i], &sp);
	ck_assert_uint_eq(flags, MBOX_HASNOCHILDREN | MBOX_MARKED);
	ck_assert_int_eq(sp, SPECIAL_SENT);
}
END_TEST

/* Every flag bit is distinct. */
START_TEST(test_flag_bits)
{
	static const unsigned bits[] = {
		MBOX_NOSELECT, MBOX_NOINFERIORS, MBOX_HASCHILDREN,
		MBOX_HASNOCHILDREN, MBOX_MARKED, MBOX_UNMARKED,
		MBOX_SUBSCRIBED, MBOX_NONEXISTENT, MBOX_REMOTE,
	};
	unsigned seen = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		ck_assert_uint_ne(bits[i], 0);
		ck_assert_uint_eq(bits[i] & (bits[i] - 1), 0);
		ck_assert_uint_eq(seen & bits[i], 0);
		seen |= bits[i];
	}
}
END_TEST

START_TEST(test_special_name)
{
	static const struct {
		enum special_use s;
		const char *name;
	} names[] = {
		{ SPECIAL_NONE, "" }, { SPECIAL_INBOX, "Inbox" },
		{ SPECIAL_ALL, "All" }, { SPECIAL_ARCHIVE, "Archive" },
		{ SPECIAL_DRAFTS, "Drafts" }, { SPECIAL_FLAGGED, "Flagged" },
		{ SPECIAL_JUNK, "Junk" }, { SPECIAL_SENT, "Sent" },
		{ SPECIAL_TRASH, "Trash" }, { SPECIAL_COUNT, "" },
		{ (enum special_use)100, "" },
		{ (enum special_use)-1, "" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *got = mailbox_special_name(names[i].s);

		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, names[i].name);
	}
}
END_TEST

/* The special-use attribute and the name agree for every use. */
START_TEST(test_special_round_trip)
{
	for (int s = SPECIAL_ALL; s < SPECIAL_COUNT; s++) {
		char attr[32];
		enum special_use got = SPECIAL_NONE;

		snprintf(attr, sizeof(attr), "\\%s",
			 mailbox_special_name((enum special_use)s));
		ck_assert_uint_eq(mailbox_flag_parse(attr, &got), 0);
		ck_assert_msg(got == (enum special_use)s, "%s: %d", attr,
			      (int)got);
	}
}
END_TEST

Suite *
suite_mailbox(void)
{
	Suite *s = suite_create("mailbox");
	TCase *tc = units_case(s, "mailbox", test_entry_long,
			       test_entry_renamed, test_flag_name,
			       test_flag_accumulate, test_flag_bits,
			       test_special_name, test_special_round_trip,
			       NULL);

	tcase_add_loop_test(tc, test_entry_new, 0,
			    (int)(sizeof(entry_cases) /
				  sizeof(entry_cases[0])));
	tcase_add_loop_test(tc, test_flag_parse, 0,
			    (int)(sizeof(flag_cases) / sizeof(flag_cases[0])));
	return s;
}
