/* check_envelope.c - envelope_from_fetch() on FETCH responses as
 * Dovecot and Gmail send them, through the real parser. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "envelope.h"
#include "escape.h"
#include "imap_parse.h"
#include "message.h"

struct envelope_case {
	const char *name;
	const char *in;
	size_t len;
	uint32_t seq, uid;
	bool seen, flagged;
	const char *date, *from, *subject;
};

#define S(lit) lit, sizeof(lit) - 1

/* The envelope fields after From, when they do not matter. */
#define REST "NIL NIL NIL NIL NIL NIL NIL"
#define ALICE "((\"Alice Example\" NIL \"alice\" \"example.org\"))"
#define DATE "\"Tue, 3 Nov 2020 10:00:00 +0100\""
/* An envelope with date, subject and from given. */
#define ENV(date, subj, from) "ENVELOPE (" date " " subj " " from " " REST ")"
#define FETCH(n, items) "* " n " FETCH (" items ")\r\n"

static const struct envelope_case ok_cases[] = {
	{ "dovecot plain",
	  S(FETCH("1", "UID 101 FLAGS (\\Seen) ENVELOPE (" DATE
		  " \"Hello there\" " ALICE " " ALICE " " ALICE
		  " ((NIL NIL \"bob\" \"example.net\")) NIL NIL NIL "
		  "\"<1@example.org>\")")),
	  1, 101, true, false, "Tue, 3 Nov 2020 10:00:00 +0100",
	  "Alice Example <alice@example.org>", "Hello there" },
	{ "dovecot literal 8-bit subject, encoded name",
	  S(FETCH("2", "UID 102 FLAGS () ENVELOPE (\"Wed, 4 Nov 2020 "
		  "08:15:00 +0000\" {11}\r\nGr\xc3\xbc\xc3\x9f" "e Dir "
		  "((\"=?ISO-8859-1?Q?Andr=E9?= Pirard\" NIL \"pirard\" "
		  "\"vm1.ulg.ac.be\")) " REST ")")),
	  2, 102, false, false, "Wed, 4 Nov 2020 08:15:00 +0000",
	  "Andr\xc3\xa9 Pirard <pirard@vm1.ulg.ac.be>",
	  "Gr\xc3\xbc\xc3\x9f" "e Dir" },
	{ "dovecot literal subject with quotes",
	  S(FETCH("3", "ENVELOPE (" DATE " {11}\r\nHi \"there\"! NIL "
		  REST ")")),
	  3, 0, false, false, "Tue, 3 Nov 2020 10:00:00 +0100", "",
	  "Hi \"there\"!" },
	{ "gmail with labels and ids",
	  S(FETCH("5", "X-GM-THRID 1278455344230334865 X-GM-MSGID "
		  "1278455344230334865 X-GM-LABELS (\\Inbox \\Important "
		  "\"Work stuff\") UID 5 FLAGS (\\Seen \\Flagged) "
		  "ENVELOPE (\"Mon, 07 Feb 1994 21:52:25 -0800\" "
		  "\"=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\" "
		  "((\"Google\" NIL \"no-reply\" \"accounts.google.com\")) "
		  "((\"Google\" NIL \"no-reply\" \"accounts.google.com\")) "
		  "((\"Google\" NIL \"no-reply\" \"accounts.google.com\")) "
		  "((NIL NIL \"me\" \"gmail.com\")) NIL NIL NIL "
		  "\"<x@mail.gmail.com>\")")),
	  5, 5, true, true, "Mon, 07 Feb 1994 21:52:25 -0800",
	  "Google <no-reply@accounts.google.com>",
	  "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln" },
	{ "gmail empty name",
	  S(FETCH("6", "UID 6 FLAGS () " ENV(DATE, "\"x\"",
		  "((\"\" NIL \"noreply\" \"example.com\"))"))),
	  6, 6, false, false, "Tue, 3 Nov 2020 10:00:00 +0100",
	  "noreply@example.com", "x" },
	{ "header section literal before envelope",
	  S(FETCH("7", "UID 7 BODY[HEADER.FIELDS (SUBJECT)] {18}\r\n"
		  "Subject: hello\r\n\r\n " ENV(DATE, "\"hello\"", ALICE))),
	  7, 7, false, false, "Tue, 3 Nov 2020 10:00:00 +0100",
	  "Alice Example <alice@example.org>", "hello" },
	{ "all fields nil",
	  S(FETCH("8", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL "
		  "NIL)")),
	  8, 0, false, false, "", "", "" },
	{ "name nil",
	  S(FETCH("9", ENV("NIL", "\"s\"",
			   "((NIL NIL \"mooch\" \"owatagu.siam.edu\"))"))),
	  9, 0, false, false, "", "mooch@owatagu.siam.edu", "s" },
	{ "first of two senders",
	  S(FETCH("10", ENV("NIL", "NIL",
		  "((\"A\" NIL \"a\" \"x.org\")"
		  "(\"B\" NIL \"b\" \"x.org\"))"))),
	  10, 0, false, false, "", "A <a@x.org>", "" },
	{ "empty group",
	  S(FETCH("11", ENV("NIL", "NIL", "((NIL NIL \"undisclosed-"
		  "recipients\" NIL)(NIL NIL NIL NIL))"))),
	  11, 0, false, false, "", "undisclosed-recipients:;", "" },
	{ "group with members",
	  S(FETCH("12", ENV("NIL", "NIL", "((NIL NIL \"team\" NIL)"
		  "(\"Carol\" NIL \"carol\" \"example.com\")(NIL NIL NIL NIL)"
		  "(\"Dave\" NIL \"dave\" \"example.com\"))"))),
	  12, 0, false, false, "", "Carol <carol@example.com>", "" },
	{ "empty group then mailbox",
	  S(FETCH("13", ENV("NIL", "NIL", "((NIL NIL \"list\" NIL)"
		  "(NIL NIL NIL NIL)(NIL NIL \"owner\" \"example.com\"))"))),
	  13, 0, false, false, "", "owner@example.com", "" },
	{ "encoded group name",
	  S(FETCH("14", ENV("NIL", "NIL", "((NIL NIL \"=?UTF-8?Q?Kunden_"
		  "K=C3=B6ln?=\" NIL)(NIL NIL NIL NIL))"))),
	  14, 0, false, false, "", "Kunden K\xc3\xb6ln:;", "" },
	{ "only an end-of-group marker",
	  S(FETCH("15", ENV("NIL", "NIL", "((NIL NIL NIL NIL))"))),
	  15, 0, false, false, "", "", "" },
	{ "empty address list",
	  S(FETCH("16", ENV("NIL", "NIL", "()"))),
	  16, 0, false, false, "", "", "" },
	{ "encoded escape in subject",
	  S(FETCH("17", ENV(DATE, "\"=?UTF-8?Q?=1B]0;owned=07red?=\"",
			    ALICE))),
	  17, 0, false, false, "Tue, 3 Nov 2020 10:00:00 +0100",
	  "Alice Example <alice@example.org>", "\\e]0;owned\\x07red" },
	{ "raw escape in date and name, bidi in subject",
	  S(FETCH("18", ENV("\"Mon\x1b[2J\"",
			    "\"=?UTF-8?Q?=E2=80=AEfdp.exe?=\"",
			    "((\"Ev\x1bil\" NIL \"e\" \"x.org\"))"))),
	  18, 0, false, false, "Mon\\e[2J", "Ev\\eil <e@x.org>",
	  "\\u202efdp.exe" },
	{ "raw latin-1 subject",
	  S(FETCH("19", ENV("NIL", "{4}\r\ncaf\xe9", "NIL"))),
	  19, 0, false, false, "", "", "caf\\xe9" },
	{ "raw utf-8 subject and mailbox",
	  S(FETCH("20", ENV("NIL", "\"caf\xc3\xa9\"",
		  "((NIL NIL \"j\xc3\xb6rg\" "
		  "\"b\xc3\xbc" "cher.example\"))"))),
	  20, 0, false, false, "", "j\xc3\xb6rg@b\xc3\xbc" "cher.example",
	  "caf\xc3\xa9" },
	{ "literal subject with nul",
	  S(FETCH("21", ENV("NIL", "{3}\r\na\0b", "NIL"))),
	  21, 0, false, false, "", "", "a\\x00b" },
	{ "flags in any case",
	  S(FETCH("22", "FLAGS (\\FLAGGED $Forwarded \\seen) UID 9 "
		  ENV("NIL", "NIL", "NIL"))),
	  22, 9, true, true, "", "", "" },
	{ "other flags only",
	  S(FETCH("23", "FLAGS (\\Recent \\Answered Seen) "
		  ENV("NIL", "NIL", "NIL"))),
	  23, 0, false, false, "", "", "" },
	{ "item names in lower case",
	  S(FETCH("24", "uid 77 envelope (NIL \"s\" NIL " REST ") "
		  "flags (\\Seen)")),
	  24, 77, true, false, "", "", "s" },
	{ "largest numbers",
	  S(FETCH("4294967295", "UID 4294967295 " ENV("NIL", "NIL",
		  "NIL"))),
	  4294967295u, 4294967295u, false, false, "", "", "" },
	{ "mailbox nil with a host",
	  S(FETCH("25", ENV("NIL", "NIL", "((\"X\" NIL NIL \"h.org\"))"))),
	  25, 0, false, false, "", "X <@h.org>", "" },
	{ "dovecot missing domain",
	  S(FETCH("26", ENV("NIL", "NIL", "((NIL NIL \"root\" "
		  "\"MISSING_DOMAIN\"))"))),
	  26, 0, false, false, "", "root@MISSING_DOMAIN", "" },
	{ "encoded name with control bytes",
	  S(FETCH("27", ENV("NIL", "NIL", "((\"=?UTF-8?B?QgpD?=\" NIL "
		  "\"b\" \"c.org\"))"))),
	  27, 0, false, false, "", "B\\nC <b@c.org>", "" },
	{ "name decoding to nothing",
	  S(FETCH("28", ENV("NIL", "NIL", "((\"=?UTF-8?Q?\?=\" NIL "
		  "\"b\" \"c.org\"))"))),
	  28, 0, false, false, "", "b@c.org", "" },

};

/* Responses that are not a FETCH carrying ENVELOPE (1) or that are
 * malformed (-1). */
struct reject_case {
	const char *name;
	const char *in;
	size_t len;
	int rc;
};

static const struct reject_case reject_cases[] = {
	/* Not a FETCH carrying ENVELOPE. */
	{ "fetch without envelope",
	  S(FETCH("3", "FLAGS (\\Seen)")), 1 },
	{ "fetch of a header section",
	  S(FETCH("3", "UID 7 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] "
		  "{18}\r\nSubject: hello\r\n\r\n")), 1 },
	{ "exists", S("* 3 EXISTS\r\n"), 1 },
	{ "untagged ok", S("* OK [UIDVALIDITY 1] UIDs valid\r\n"), 1 },
	{ "tagged ok", S("a5 OK Fetch completed.\r\n"), 1 },
	{ "search", S("* SEARCH 1 2 3\r\n"), 1 },
	{ "continuation", S("+ go ahead\r\n"), 1 },

	/* Malformed. */
	{ "sequence zero", S(FETCH("0", ENV("NIL", "NIL", "NIL"))), -1 },
	{ "no number", S("* FETCH (" ENV("NIL", "NIL", "NIL") ")\r\n"), -1 },
	{ "no item list", S("* 3 FETCH ENVELOPE\r\n"), -1 },
	{ "two item lists", S("* 3 FETCH (UID 1) (FLAGS ())\r\n"), -1 },
	{ "empty item list", S("* 3 FETCH ()\r\n"), -1 },
	{ "odd item count", S(FETCH("3", "UID 1 ENVELOPE")), -1 },
	{ "item name not an atom",
	  S(FETCH("3", "\"UID\" 1 " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "uid not a number",
	  S(FETCH("3", "UID abc " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "uid zero", S(FETCH("3", "UID 0 " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "uid too large",
	  S(FETCH("3", "UID 4294967296 " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "uid as string",
	  S(FETCH("3", "UID \"5\" " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "flags not a list",
	  S(FETCH("3", "FLAGS \\Seen " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "flag as string",
	  S(FETCH("3", "FLAGS (\"\\\\Seen\") " ENV("NIL", "NIL", "NIL"))),
	  -1 },
	{ "flags nested",
	  S(FETCH("3", "FLAGS ((\\Seen)) " ENV("NIL", "NIL", "NIL"))), -1 },
	{ "envelope nil", S(FETCH("3", "ENVELOPE NIL")), -1 },
	{ "envelope string", S(FETCH("3", "ENVELOPE \"x\"")), -1 },
	{ "envelope nine fields",
	  S(FETCH("3", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL)")),
	  -1 },
	{ "envelope eleven fields",
	  S(FETCH("3", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL "
		  "NIL)")), -1 },
	{ "envelope empty", S(FETCH("3", "ENVELOPE ()")), -1 },
	{ "date a list", S(FETCH("3", ENV("(\"x\")", "NIL", "NIL"))), -1 },
	{ "date a number", S(FETCH("3", ENV("123", "NIL", "NIL"))), -1 },
	{ "subject an atom", S(FETCH("3", ENV("NIL", "Subject", "NIL"))),
	  -1 },
	{ "from a string",
	  S(FETCH("3", ENV("NIL", "NIL", "\"alice@example.org\""))), -1 },
	{ "address of three fields",
	  S(FETCH("3", ENV("NIL", "NIL", "((NIL \"a\" \"b\"))"))), -1 },
	{ "address of five fields",
	  S(FETCH("3", ENV("NIL", "NIL", "((NIL NIL \"a\" \"b\" NIL))"))),
	  -1 },
	{ "address not a list",
	  S(FETCH("3", ENV("NIL", "NIL", "(\"a\")"))), -1 },
	{ "address field a list",
	  S(FETCH("3", ENV("NIL", "NIL", "((NIL NIL (\"a\") \"b\"))"))),
	  -1 },
	{ "address field an atom",
	  S(FETCH("3", ENV("NIL", "NIL", "((NIL NIL a \"b\"))"))), -1 },
	{ "malformed to list",
	  S(FETCH("3", "ENVELOPE (NIL NIL NIL NIL NIL \"x\" NIL NIL NIL "
		  "NIL)")), -1 },
	{ "malformed bcc address",
	  S(FETCH("3", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL ((NIL)) NIL "
		  "NIL)")), -1 },
	{ "message-id a list",
	  S(FETCH("3", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL "
		  "(\"<a@b>\"))")), -1 },
	{ "in-reply-to a number",
	  S(FETCH("3", "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL 5 NIL)")),
	  -1 },
	{ "good envelope, bad uid after it",
	  S(FETCH("3", ENV("NIL", "NIL", "NIL") " UID x")), -1 },
};

/* Parse one complete response with the real parser. */
static struct imap_response *
parse(const char *in, size_t len)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	size_t used = 0;

	ck_assert_ptr_nonnull(p);
	ck_assert_msg(imap_parser_feed(p, in, len, &used) == IMAP_PARSE_OK,
		      "parser: %s", imap_parser_error(p));
	ck_assert_uint_eq(used, len);
	r = imap_parser_take(p);
	ck_assert_ptr_nonnull(r);
	imap_parser_free(p);
	return r;
}

START_TEST(test_envelope_table)
{
	const struct envelope_case *c = &ok_cases[_i];
	struct imap_response *r = parse(c->in, c->len);
	struct message_summary m;
	int rc;

	memset(&m, 0x5a, sizeof(m));
	rc = envelope_from_fetch(r, &m);
	ck_assert_msg(rc == 0, "%s: rc %d", c->name, rc);
	ck_assert_uint_eq(m.seq, c->seq);
	ck_assert_uint_eq(m.uid, c->uid);
	ck_assert_int_eq(m.seen, c->seen);
	ck_assert_int_eq(m.flagged, c->flagged);
	ck_assert_str_eq(m.date, c->date);
	ck_assert_str_eq(m.from, c->from);
	ck_assert_str_eq(m.subject, c->subject);
	imap_response_free(r);
}
END_TEST

/* Refused responses leave *out as it was. */
START_TEST(test_reject_table)
{
	const struct reject_case *c = &reject_cases[_i];
	struct imap_response *r = parse(c->in, c->len);
	struct message_summary m, before;
	int rc;

	memset(&m, 0x5a, sizeof(m));
	before = m;
	rc = envelope_from_fetch(r, &m);
	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
	ck_assert_msg(memcmp(&m, &before, sizeof(m)) == 0, "%s: out changed",
		      c->name);
	imap_response_free(r);
}
END_TEST

/* Code points escape_text() never lets through. */
static bool
unsafe_code_point(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return true;
	if (c == 0x061c || c == 0x200e || c == 0x200f)
		return true;
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return true;
	return c == 0x2028 || c == 0x2029;
}

/* Is s NUL-terminated within cap, valid UTF-8 and free of anything a
 * terminal acts on? */
static bool
terminal_safe(const char *s, size_t cap)
{
	size_t n, k;
	uint32_t cp;

	if (memchr(s, '\0', cap) == NULL)
		return false;
	n = strlen(s);
	for (size_t i = 0; i < n; i += k) {
		k = escape_utf8_decode(s + i, n - i, &cp);
		if (k == 0 || unsafe_code_point(cp))
			return false;
	}
	return true;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* A response with a subject literal of n copies of unit and a From
 * name literal of n copies of name_unit. */
static struct imap_response *
parse_long(const char *unit, size_t n, const char *name_unit,
	   const char *mailbox)
{
	size_t ul = strlen(unit), nl = strlen(name_unit);
	size_t cap = 256 + strlen(mailbox) + n * (ul + nl);
	char *buf = malloc(cap);
	struct imap_response *r;
	size_t len;

	ck_assert_ptr_nonnull(buf);
	len = (size_t)snprintf(buf, cap, "* 1 FETCH (UID 1 ENVELOPE (NIL "
			       "{%zu}\r\n", n * ul);
	for (size_t i = 0; i < n; i++, len += ul)
		memcpy(buf + len, unit, ul);
	len += (size_t)snprintf(buf + len, cap - len, " ((\"");
	for (size_t i = 0; i < n; i++, len += nl)
		memcpy(buf + len, name_unit, nl);
	len += (size_t)snprintf(buf + len, cap - len,
				"\" NIL \"%s\" \"example.org\")) " REST
				"))\r\n", mailbox);
	ck_assert_uint_lt(len, cap);
	r = parse(buf, len);
	free(buf);
	return r;
}

START_TEST(test_long_ascii)
{
	struct imap_response *r = parse_long("x", 2000, "N", "a");
	struct message_summary m;

	ck_assert_int_eq(envelope_from_fetch(r, &m), 0);
	ck_assert_uint_eq(strlen(m.subject), sizeof(m.subject) - 1);
	ck_assert(ends_with(m.subject, "xx..."));
	/* The name gives way to the address. */
	ck_assert(ends_with(m.from, "NN... <a@example.org>"));
	ck_assert_uint_eq(strlen(m.from), sizeof(m.from) - 1);
	ck_assert(terminal_safe(m.subject, sizeof(m.subject)));
	imap_response_free(r);
}
END_TEST

/* Multi-byte text is cut between characters, escapes are not split. */
START_TEST(test_long_multibyte)
{
	struct imap_response *r = parse_long("\xc3\xa9", 600, "\x1b", "a");
	struct message_summary m;
	size_t n, i = 0;
	uint32_t cp;

	ck_assert_int_eq(envelope_from_fetch(r, &m), 0);
	n = strlen(m.subject);
	ck_assert_uint_eq(n, 2 * 254 + 3);
	while (i < n - 3) {
		ck_assert_uint_eq(escape_utf8_decode(m.subject + i, n - i,
						     &cp), 2);
		ck_assert_uint_eq(cp, 0xe9);
		i += 2;
	}
	ck_assert_str_eq(m.subject + n - 3, "...");
	ck_assert(ends_with(m.from, "\\e\\e... <a@example.org>"));
	ck_assert(terminal_safe(m.from, sizeof(m.from)));
	imap_response_free(r);
}
END_TEST

/* An encoded subject far longer than the field, full of escapes. */
START_TEST(test_long_encoded)
{
	struct imap_response *r = parse_long("=?UTF-8?Q?=1B=1B?= ", 500,
					     "=?UTF-8?Q?=E2=80=AE?=", "b");
	struct message_summary m;

	ck_assert_int_eq(envelope_from_fetch(r, &m), 0);
	ck_assert(terminal_safe(m.subject, sizeof(m.subject)));
	ck_assert(ends_with(m.subject, "..."));
	ck_assert_uint_eq(strncmp(m.subject, "\\e\\e\\e\\e", 8), 0);
	ck_assert(terminal_safe(m.from, sizeof(m.from)));
	ck_assert(ends_with(m.from, "... <b@example.org>"));
	ck_assert_uint_eq(strncmp(m.from, "\\u202e\\u202e", 12), 0);
	imap_response_free(r);
}
END_TEST

/* An address too long for the field leaves no room for the name. */
START_TEST(test_long_address)
{
	char mailbox[401];
	struct imap_response *r;
	struct message_summary m;

	memset(mailbox, 'm', sizeof(mailbox) - 1);
	mailbox[sizeof(mailbox) - 1] = '\0';
	r = parse_long("s", 1, "Name", mailbox);
	ck_assert_int_eq(envelope_from_fetch(r, &m), 0);
	ck_assert_uint_eq(strlen(m.from), sizeof(m.from) - 1);
	ck_assert(strncmp(m.from, "mmmm", 4) == 0);
	ck_assert(ends_with(m.from, "m..."));
	ck_assert_str_eq(m.subject, "s");
	imap_response_free(r);
}
END_TEST

/* Collect pointers to every value in the tree under v. */
static void
collect(struct imap_value *v, struct imap_value **all, size_t *n,
	size_t max)
{
	ck_assert_uint_lt(*n, max);
	all[(*n)++] = v;
	if (v->kind != IMAP_V_LIST)
		return;
	for (size_t i = 0; i < v->n; i++)
		collect(&v->items[i], all, n, max);
}

/* Replace each value of a real response, one at a time, by a value of
 * every other shape: whatever the tree, the result is 0, 1 or -1,
 * *out is untouched unless 0, and what is filled is terminal-safe. */
START_TEST(test_every_shape)
{
	static const char in[] = FETCH("5", "X-GM-MSGID 1278455344230334865 "
		"UID 5 FLAGS (\\Seen \\Flagged) ENVELOPE (" DATE " "
		"\"=?UTF-8?Q?=1Bhi?=\" ((NIL NIL \"g\" NIL)(\"=?UTF-8?B?"
		"R3LDvMOf?=\" NIL \"a\" \"b.org\")(NIL NIL NIL NIL)) " ALICE
		" NIL ((NIL NIL \"c\" \"d.org\")) NIL NIL \"<r@x>\" "
		"\"<m@x>\")");
	struct imap_response *r = parse(in, sizeof(in) - 1);
	struct imap_value *all[256], saved, sub[5];
	struct message_summary m, before;
	char atom[] = "X", num[] = "7", str[] = "\x1b";
	size_t n = 0;
	int count[3] = { 0, 0, 0 }, rc;

	memset(sub, 0, sizeof(sub));
	sub[0].kind = IMAP_V_ATOM;
	sub[0].str = atom;
	sub[0].len = 1;
	sub[1].kind = IMAP_V_NUMBER;
	sub[1].str = num;
	sub[1].len = 1;
	sub[1].num = 7;
	sub[2].kind = IMAP_V_STRING;
	sub[2].str = str;
	sub[2].len = 1;
	sub[3].kind = IMAP_V_NIL;
	sub[4].kind = IMAP_V_LIST;

	ck_assert_int_eq(envelope_from_fetch(r, &m), 0);
	ck_assert_str_eq(m.from, "Gr\xc3\xbc\xc3\x9f <a@b.org>");
	ck_assert_str_eq(m.subject, "\\ehi");
	collect(&r->data, all, &n, sizeof(all) / sizeof(all[0]));
	ck_assert_uint_gt(n, 40);
	for (size_t i = 0; i < n; i++) {
		saved = *all[i];
		for (size_t k = 0; k < sizeof(sub) / sizeof(sub[0]); k++) {
			*all[i] = sub[k];
			memset(&m, 0x5a, sizeof(m));
			before = m;
			rc = envelope_from_fetch(r, &m);
			ck_assert(rc >= -1 && rc <= 1);
			count[rc + 1]++;
			if (rc != 0) {
				ck_assert(memcmp(&m, &before, sizeof(m)) == 0);
				continue;
			}
			ck_assert(terminal_safe(m.date, sizeof(m.date)));
			ck_assert(terminal_safe(m.from, sizeof(m.from)));
			ck_assert(terminal_safe(m.subject,
						sizeof(m.subject)));
		}
		*all[i] = saved;
	}
	ck_assert_int_gt(count[0], 0);
	ck_assert_int_gt(count[1], 0);
	ck_assert_int_gt(count[2], 0);
	imap_response_free(r);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_envelope(void)
{
	Suite *s = suite_create("envelope");
	TCase *tc = units_case(s, "fetch", NULL);

	tcase_add_loop_test(tc, test_envelope_table, 0, N(ok_cases));
	tcase_add_loop_test(tc, test_reject_table, 0, N(reject_cases));

	units_case(s, "limits", test_long_ascii, test_long_multibyte,
		   test_long_encoded, test_long_address, test_every_shape,
		   NULL);
	return s;
}
