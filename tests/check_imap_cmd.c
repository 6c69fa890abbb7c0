/* check_imap_cmd.c - tags, quoting, segments and redaction of commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "imap_cmd.h"

#define S(lit) lit, sizeof(lit) - 1
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define BIG 8192

/* A finished command flattened for comparison: all bytes, the
 * segments' texts joined by '|', and 'W' or '-' per segment for its
 * wait flag. */
struct flat {
	char bytes[BIG];
	size_t len;
	char shown[BIG];
	char waits[64];
	size_t nsegs;
};

static void
flatten(const struct imap_cmd *cmd, struct flat *f)
{
	struct imap_cmd_segment seg;
	size_t slen = 0;

	memset(f, 0, sizeof(*f));
	f->nsegs = imap_cmd_nsegments(cmd);
	ck_assert_uint_lt(f->nsegs, sizeof(f->waits));
	for (size_t i = 0; i < f->nsegs; i++) {
		ck_assert_int_eq(imap_cmd_segment(cmd, i, &seg), 0);
		ck_assert_uint_le(f->len + seg.len, sizeof(f->bytes));
		memcpy(f->bytes + f->len, seg.data, seg.len);
		f->len += seg.len;
		ck_assert_uint_lt(slen + strlen(seg.shown) + 1,
				  sizeof(f->shown));
		if (i > 0)
			f->shown[slen++] = '|';
		memcpy(f->shown + slen, seg.shown, strlen(seg.shown));
		slen += strlen(seg.shown);
		f->waits[i] = seg.wait ? 'W' : '-';
	}
	ck_assert_int_eq(imap_cmd_segment(cmd, f->nsegs, &seg), -1);
}

static void
assert_flat(const struct flat *f, const char *bytes, const char *shown,
	    const char *waits)
{
	ck_assert_uint_eq(f->len, strlen(bytes));
	ck_assert_mem_eq(f->bytes, bytes, f->len);
	ck_assert_str_eq(f->shown, shown);
	ck_assert_str_eq(f->waits, waits);
}

/* Segment I of CMD holds DATA (a C string), shows SHOWN (NULL: not
 * checked) and waits for a continuation or not. */
static void
assert_segment(const struct imap_cmd *cmd, size_t i, const char *data,
	       const char *shown, bool wait)
{
	struct imap_cmd_segment seg;

	ck_assert_int_eq(imap_cmd_segment(cmd, i, &seg), 0);
	ck_assert_uint_eq(seg.len, strlen(data));
	ck_assert_mem_eq(seg.data, data, seg.len);
	if (shown != NULL)
		ck_assert_str_eq(seg.shown, shown);
	ck_assert(seg.wait == wait);
}

/* Tags ---------------------------------------------------------------- */

START_TEST(test_tags_increment)
{
	struct imap_tagger t;
	char tag[IMAP_CMD_TAG_MAX];

	imap_tagger_init(&t, NULL);
	for (int i = 1; i <= 12; i++) {
		char want[16];

		snprintf(want, sizeof(want), "A%d", i);
		ck_assert_int_eq(imap_tagger_next(&t, tag, sizeof(tag)), 0);
		ck_assert_str_eq(tag, want);
	}
	imap_tagger_init(&t, "imc");
	ck_assert_int_eq(imap_tagger_next(&t, tag, sizeof(tag)), 0);
	ck_assert_str_eq(tag, "imc1");
	/* "A1" needs 3 bytes: a short buffer neither writes nor counts. */
	imap_tagger_init(&t, "A");
	ck_assert_int_eq(imap_tagger_next(&t, tag, 2), -1);
	ck_assert_int_eq(imap_tagger_next(&t, tag, 3), 0);
	ck_assert_str_eq(tag, "A1");
}
END_TEST

struct prefix_case {
	const char *prefix;
	const char *first;
};

static const struct prefix_case prefixes[] = {
	{ "A", "A1" },
	{ "Ab", "Ab1" },
	{ "abcdefg", "abcdefg1" },
	{ "abcdefgh", "A1" },
	{ "", "A1" },
	{ "a1", "A1" },
	{ "a+", "A1" },
	{ "a b", "A1" },
};

START_TEST(test_tag_prefix)
{
	const struct prefix_case *c = &prefixes[_i];
	struct imap_tagger t;
	char tag[IMAP_CMD_TAG_MAX];

	imap_tagger_init(&t, c->prefix);
	ck_assert_int_eq(imap_tagger_next(&t, tag, sizeof(tag)), 0);
	ck_assert_str_eq(tag, c->first);
}
END_TEST

struct ours_case {
	const char *tag;
	bool ours;
};

/* After A1, A2, A3 were given out. */
static const struct ours_case ours_cases[] = {
	{ "A1", true },
	{ "A3", true },
	{ "A4", false },
	{ "A0", false },
	{ "A01", false },
	{ "A", false },
	{ "a1", false },
	{ "B1", false },
	{ "A1x", false },
	{ "A-1", false },
	{ "*", false },
	{ "+", false },
	{ "", false },
	{ "A99999999999999999999999999", false },
};

START_TEST(test_tag_is_ours)
{
	const struct ours_case *c = &ours_cases[_i];
	struct imap_tagger t;
	char tag[IMAP_CMD_TAG_MAX];

	imap_tagger_init(&t, "A");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(imap_tagger_next(&t, tag, sizeof(tag)), 0);
	ck_assert_msg(imap_tagger_is_ours(&t, c->tag, strlen(c->tag)) ==
		      c->ours, "tag \"%s\"", c->tag);
}
END_TEST

/* Quoting ------------------------------------------------------------- */

struct quote_case {
	unsigned flags;
	const char *in;
	size_t len;
	bool astring;		/* else string: never an atom */
	const char *bytes;
	const char *shown;
	const char *waits;
};

static const struct quote_case quote_cases[] = {
	{ 0, S("INBOX"), true, "A1 X INBOX\r\n", "A1 X INBOX", "-" },
	{ 0, S("INBOX"), false, "A1 X \"INBOX\"\r\n", "A1 X \"INBOX\"",
	  "-" },
	{ 0, S("Entw&APw-rfe"), true, "A1 X Entw&APw-rfe\r\n",
	  "A1 X Entw&APw-rfe", "-" },
	{ 0, S("a+b:c.d"), true, "A1 X a+b:c.d\r\n", "A1 X a+b:c.d", "-" },
	{ 0, S(""), true, "A1 X \"\"\r\n", "A1 X \"\"", "-" },
	{ 0, S("two words"), true, "A1 X \"two words\"\r\n",
	  "A1 X \"two words\"", "-" },
	{ 0, S("a\"b\\c"), true, "A1 X \"a\\\"b\\\\c\"\r\n",
	  "A1 X \"a\\\"b\\\\c\"", "-" },
	{ 0, S("\"\\"), false, "A1 X \"\\\"\\\\\"\r\n", "A1 X \"\\\"\\\\\"",
	  "-" },
	{ 0, S("NIL"), true, "A1 X \"NIL\"\r\n", "A1 X \"NIL\"", "-" },
	{ 0, S("nil"), true, "A1 X \"nil\"\r\n", "A1 X \"nil\"", "-" },
	{ 0, S("NILS"), true, "A1 X NILS\r\n", "A1 X NILS", "-" },
	{ 0, S("a]b"), true, "A1 X \"a]b\"\r\n", "A1 X \"a]b\"", "-" },
	{ 0, S("50%"), true, "A1 X \"50%\"\r\n", "A1 X \"50%\"", "-" },
	{ 0, S("a*"), true, "A1 X \"a*\"\r\n", "A1 X \"a*\"", "-" },
	{ 0, S("(x)"), true, "A1 X \"(x)\"\r\n", "A1 X \"(x)\"", "-" },
	{ 0, S("{5}"), true, "A1 X \"{5}\"\r\n", "A1 X \"{5}\"", "-" },
	{ 0, S("\t\x1b\x7f"), true, "A1 X \"\t\x1b\x7f\"\r\n",
	  "A1 X \"\t\x1b\x7f\"", "-" },
	{ 0, S("Entw\xc3\xbcrfe"), true,
	  "A1 X {9}\r\nEntw\xc3\xbcrfe\r\n", "A1 X {9}|Entw\xc3\xbcrfe",
	  "W-" },
	{ 0, S("\xff"), false, "A1 X {1}\r\n\xff\r\n", "A1 X {1}|\xff",
	  "W-" },
	{ IMAP_CMD_LITERAL_PLUS, S("Entw\xc3\xbcrfe"), true,
	  "A1 X {9+}\r\nEntw\xc3\xbcrfe\r\n",
	  "A1 X {9+}\r\nEntw\xc3\xbcrfe", "-" },
	{ IMAP_CMD_LITERAL_MINUS, S("Entw\xc3\xbcrfe"), true,
	  "A1 X {9+}\r\nEntw\xc3\xbcrfe\r\n",
	  "A1 X {9+}\r\nEntw\xc3\xbcrfe", "-" },
	{ IMAP_CMD_LITERAL_PLUS, S("INBOX"), true, "A1 X INBOX\r\n",
	  "A1 X INBOX", "-" },
};

START_TEST(test_quoting)
{
	const struct quote_case *c = &quote_cases[_i];
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	struct flat f;

	ck_assert_ptr_nonnull(cmd);
	imap_tagger_init(&t, "A");
	imap_cmd_set_flags(cmd, c->flags);
	ck_assert_int_eq(imap_cmd_begin(cmd, &t, "X"), 0);
	if (c->astring)
		ck_assert_int_eq(imap_cmd_astring(cmd, c->in, c->len, "f"), 0);
	else
		ck_assert_int_eq(imap_cmd_string(cmd, c->in, c->len, "f"), 0);
	ck_assert_int_eq(imap_cmd_end(cmd), 0);
	flatten(cmd, &f);
	assert_flat(&f, c->bytes, c->shown, c->waits);
	imap_cmd_free(cmd);
}
END_TEST

/* Strings of one repeated byte around the length limits. */
struct long_case {
	unsigned flags;
	char fill;
	size_t len;
	const char *head;	/* bytes before the string */
	const char *tail;	/* bytes after it */
	size_t nsegs;
};

static const struct long_case long_cases[] = {
	{ 0, 'a', 1000, "A1 X ", "\r\n", 1 },
	{ 0, 'a', 1001, "A1 X {1001}\r\n", "\r\n", 2 },
	{ 0, ' ', 1000, "A1 X \"", "\"\r\n", 1 },
	{ 0, ' ', 1001, "A1 X {1001}\r\n", "\r\n", 2 },
	{ IMAP_CMD_LITERAL_MINUS, 'a', 1001, "A1 X {1001+}\r\n", "\r\n", 1 },
	{ IMAP_CMD_LITERAL_MINUS, 'a', 4096, "A1 X {4096+}\r\n", "\r\n", 1 },
	{ IMAP_CMD_LITERAL_MINUS, 'a', 4097, "A1 X {4097}\r\n", "\r\n", 2 },
	{ IMAP_CMD_LITERAL_PLUS, 'a', 5000, "A1 X {5000+}\r\n", "\r\n", 1 },
	{ IMAP_CMD_LITERAL_PLUS | IMAP_CMD_LITERAL_MINUS, 'a', 5000,
	  "A1 X {5000+}\r\n", "\r\n", 1 },
};

START_TEST(test_long_strings)
{
	const struct long_case *c = &long_cases[_i];
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	char *in = malloc(c->len), *want = malloc(BIG);
	size_t hl = strlen(c->head), tl = strlen(c->tail);
	struct flat f;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(want);
	memset(in, c->fill, c->len);
	memcpy(want, c->head, hl);
	memcpy(want + hl, in, c->len);
	memcpy(want + hl + c->len, c->tail, tl);
	imap_tagger_init(&t, "A");
	imap_cmd_set_flags(cmd, c->flags);
	imap_cmd_begin(cmd, &t, "X");
	imap_cmd_astring(cmd, in, c->len, "f");
	ck_assert_int_eq(imap_cmd_end(cmd), 0);
	flatten(cmd, &f);
	ck_assert_uint_eq(f.nsegs, c->nsegs);
	ck_assert_uint_eq(f.len, hl + c->len + tl);
	ck_assert_mem_eq(f.bytes, want, f.len);
	free(in);
	free(want);
	imap_cmd_free(cmd);
}
END_TEST

enum arg_kind {
	ARG_ASTRING,
	ARG_STRING,
	ARG_SECRET
};

struct refuse_case {
	enum arg_kind kind;
	const char *in;
	size_t len;
	const char *field;
	unsigned char byte;
	size_t offset;
	const char *message;
};

static const struct refuse_case refuse_cases[] = {
	{ ARG_ASTRING, S("a\rb"), "mailbox", '\r', 1,
	  "mailbox: carriage return (0x0d) at offset 1 is not allowed" },
	{ ARG_ASTRING, S("\nabc"), "mailbox", '\n', 0,
	  "mailbox: line feed (0x0a) at offset 0 is not allowed" },
	{ ARG_STRING, S("ab\0"), "mailbox", '\0', 2,
	  "mailbox: NUL (0x00) at offset 2 is not allowed" },
	{ ARG_SECRET, S("pw\r\n"), "<password>", '\r', 2,
	  "<password>: carriage return (0x0d) at offset 2 is not allowed" },
	{ ARG_ASTRING, S("Entw\xc3\xbc\nrfe"), "mailbox", '\n', 6,
	  "mailbox: line feed (0x0a) at offset 6 is not allowed" },
	{ ARG_ASTRING, S("x\"\\\r"), "mailbox", '\r', 3,
	  "mailbox: carriage return (0x0d) at offset 3 is not allowed" },
};

START_TEST(test_refused)
{
	const struct refuse_case *c = &refuse_cases[_i];
	struct imap_cmd *cmd = imap_cmd_new();
	const struct imap_cmd_error *e;
	struct imap_tagger t;
	char msg[128];
	int rc;

	imap_tagger_init(&t, "A");
	imap_cmd_begin(cmd, &t, "X");
	if (c->kind == ARG_ASTRING)
		rc = imap_cmd_astring(cmd, c->in, c->len, c->field);
	else if (c->kind == ARG_STRING)
		rc = imap_cmd_string(cmd, c->in, c->len, c->field);
	else
		rc = imap_cmd_secret(cmd, c->in, c->len, c->field);
	ck_assert_int_eq(rc, IMAP_CMD_E_BYTE);
	/* Sticky: later calls keep the first error. */
	ck_assert_int_eq(imap_cmd_atom(cmd, "MORE"), IMAP_CMD_E_BYTE);
	ck_assert_int_eq(imap_cmd_end(cmd), IMAP_CMD_E_BYTE);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 0);
	e = imap_cmd_error(cmd);
	ck_assert_int_eq(e->code, IMAP_CMD_E_BYTE);
	ck_assert_str_eq(e->field, c->field);
	ck_assert_uint_eq(e->byte, c->byte);
	ck_assert_uint_eq(e->offset, c->offset);
	imap_cmd_error_format(e, msg, sizeof(msg));
	ck_assert_str_eq(msg, c->message);
	imap_cmd_free(cmd);
}
END_TEST

START_TEST(test_login_injection)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;

	imap_tagger_init(&t, "A");
	ck_assert_int_eq(imap_cmd_login(cmd, &t, S("bob\r\nA2 DELETE INBOX"),
					S("pw")), IMAP_CMD_E_BYTE);
	ck_assert_str_eq(imap_cmd_error(cmd)->field, "user");
	ck_assert_uint_eq(imap_cmd_error(cmd)->offset, 3);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 0);
	ck_assert_int_eq(imap_cmd_authenticate_plain(cmd, &t, S("bob"),
						     S("p\0w"), true),
			 IMAP_CMD_E_BYTE);
	ck_assert_str_eq(imap_cmd_error(cmd)->field, "<password>");
	ck_assert_uint_eq(imap_cmd_error(cmd)->offset, 1);
	ck_assert_int_eq(imap_cmd_authenticate_plain(cmd, &t, S("b\nob"),
						     S("pw"), false),
			 IMAP_CMD_E_BYTE);
	ck_assert_str_eq(imap_cmd_error(cmd)->field, "user");
	imap_cmd_free(cmd);
}
END_TEST

/* Segments -------------------------------------------------------------- */

START_TEST(test_segments_sync_literals)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;

	imap_tagger_init(&t, "A");
	imap_cmd_begin(cmd, &t, "X");
	imap_cmd_astring(cmd, S("\xc3\xa9"), "a");
	imap_cmd_atom(cmd, "MID");
	imap_cmd_astring(cmd, S("\xc3\xbc"), "b");
	ck_assert_int_eq(imap_cmd_end(cmd), 0);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 3);

	assert_segment(cmd, 0, "A1 X {2}\r\n", "A1 X {2}", true);
	assert_segment(cmd, 1, "\xc3\xa9 MID {2}\r\n", "\xc3\xa9 MID {2}",
		       true);
	assert_segment(cmd, 2, "\xc3\xbc\r\n", "\xc3\xbc", false);

	/* With LITERAL+ the same command is one segment. */
	imap_cmd_set_flags(cmd, IMAP_CMD_LITERAL_PLUS);
	imap_cmd_begin(cmd, &t, "X");
	imap_cmd_astring(cmd, S("\xc3\xa9"), "a");
	imap_cmd_atom(cmd, "MID");
	imap_cmd_astring(cmd, S("\xc3\xbc"), "b");
	ck_assert_int_eq(imap_cmd_end(cmd), 0);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 1);
	assert_segment(cmd, 0, "A2 X {2+}\r\n\xc3\xa9 MID {2+}\r\n"
		       "\xc3\xbc\r\n", NULL, false);
	imap_cmd_free(cmd);
}
END_TEST

START_TEST(test_parentheses)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	struct flat f;

	imap_tagger_init(&t, "A");
	imap_cmd_begin(cmd, &t, "X");
	imap_cmd_open(cmd);
	imap_cmd_open(cmd);
	imap_cmd_atom(cmd, "a");
	imap_cmd_close(cmd);
	imap_cmd_string(cmd, S("b"), "f");
	imap_cmd_close(cmd);
	imap_cmd_raw(cmd, "(c d)");
	ck_assert_int_eq(imap_cmd_end(cmd), 0);
	flatten(cmd, &f);
	assert_flat(&f, "A1 X ((a) \"b\") (c d)\r\n", "A1 X ((a) \"b\") (c d)",
		    "-");
	imap_cmd_free(cmd);
}
END_TEST

/* Redaction ------------------------------------------------------------- */

struct secret_case {
	unsigned flags;
	const char *password;
	size_t len;
	const char *bytes;
	const char *shown;
	const char *waits;
};

static const struct secret_case secret_cases[] = {
	{ 0, S("s3cret"), "A1 LOGIN bob \"s3cret\"\r\n",
	  "A1 LOGIN bob <password>", "-" },
	{ 0, S("with space"), "A1 LOGIN bob \"with space\"\r\n",
	  "A1 LOGIN bob <password>", "-" },
	{ 0, S("quo\"te\\"), "A1 LOGIN bob \"quo\\\"te\\\\\"\r\n",
	  "A1 LOGIN bob <password>", "-" },
	{ 0, S("NIL"), "A1 LOGIN bob \"NIL\"\r\n",
	  "A1 LOGIN bob <password>", "-" },
	{ 0, S(""), "A1 LOGIN bob \"\"\r\n", "A1 LOGIN bob <password>", "-" },
	{ 0, S("p\xc3\xa4sswort"), "A1 LOGIN bob {9}\r\np\xc3\xa4sswort\r\n",
	  "A1 LOGIN bob <password>|", "W-" },
	{ IMAP_CMD_LITERAL_PLUS, S("p\xc3\xa4sswort"),
	  "A1 LOGIN bob {9+}\r\np\xc3\xa4sswort\r\n",
	  "A1 LOGIN bob <password>", "-" },
};

/* The transcript never holds the secret; the bytes sent do. */
static void
assert_redacted(const struct flat *f, const char *secret, size_t len,
		const char *sent)
{
	ck_assert_uint_gt(len, 0);
	ck_assert_ptr_null(memmem(f->shown, strlen(f->shown), secret, len));
	ck_assert_ptr_nonnull(memmem(f->bytes, f->len, sent, strlen(sent)));
}

START_TEST(test_login_redacted)
{
	const struct secret_case *c = &secret_cases[_i];
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	struct flat f;

	imap_tagger_init(&t, "A");
	imap_cmd_set_flags(cmd, c->flags);
	ck_assert_int_eq(imap_cmd_login(cmd, &t, S("bob"), c->password,
					c->len), 0);
	ck_assert_str_eq(imap_cmd_tag(cmd), "A1");
	flatten(cmd, &f);
	assert_flat(&f, c->bytes, c->shown, c->waits);
	if (c->len > 0)
		ck_assert_ptr_null(memmem(f.shown, strlen(f.shown),
					  c->password, c->len));
	imap_cmd_free(cmd);
}
END_TEST

START_TEST(test_login_long_password)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	char pw[1500];
	struct flat f;

	memset(pw, 'k', sizeof(pw));
	imap_tagger_init(&t, "A");
	ck_assert_int_eq(imap_cmd_login(cmd, &t, S("bob"), pw, sizeof(pw)),
			 0);
	flatten(cmd, &f);
	ck_assert_str_eq(f.shown, "A1 LOGIN bob <password>|");
	ck_assert_str_eq(f.waits, "W-");
	ck_assert_mem_eq(f.bytes, "A1 LOGIN bob {1500}\r\n", 21);
	ck_assert_ptr_null(memmem(f.shown, strlen(f.shown), pw, sizeof(pw)));
	ck_assert_mem_eq(f.bytes + 21, pw, sizeof(pw));
	imap_cmd_free(cmd);
}
END_TEST

struct plain_case {
	const char *user;
	size_t ulen;
	const char *password;
	size_t plen;
	bool sasl_ir;
	const char *b64;
	const char *bytes;
	const char *shown;
	const char *waits;
};

static const struct plain_case plain_cases[] = {
	{ S("bob"), S("s3cret"), true, "AGJvYgBzM2NyZXQ=",
	  "A1 AUTHENTICATE PLAIN AGJvYgBzM2NyZXQ=\r\n",
	  "A1 AUTHENTICATE PLAIN <sasl>", "-" },
	{ S("bob"), S("s3cret"), false, "AGJvYgBzM2NyZXQ=",
	  "A1 AUTHENTICATE PLAIN\r\nAGJvYgBzM2NyZXQ=\r\n",
	  "A1 AUTHENTICATE PLAIN|<sasl>", "W-" },
	/* RFC 4616, section 4. */
	{ S("tim"), S("tanstaaftanstaaf"), true,
	  "AHRpbQB0YW5zdGFhZnRhbnN0YWFm",
	  "A1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n",
	  "A1 AUTHENTICATE PLAIN <sasl>", "-" },
	{ S("j\xc3\xb6rg"), S("p\xc3\xa4ss"), false, "AGrDtnJnAHDDpHNz",
	  "A1 AUTHENTICATE PLAIN\r\nAGrDtnJnAHDDpHNz\r\n",
	  "A1 AUTHENTICATE PLAIN|<sasl>", "W-" },
};

START_TEST(test_auth_plain)
{
	const struct plain_case *c = &plain_cases[_i];
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	struct flat f;

	imap_tagger_init(&t, "A");
	ck_assert_int_eq(imap_cmd_authenticate_plain(cmd, &t, c->user, c->ulen,
						     c->password, c->plen,
						     c->sasl_ir), 0);
	flatten(cmd, &f);
	assert_flat(&f, c->bytes, c->shown, c->waits);
	assert_redacted(&f, c->b64, strlen(c->b64), c->b64);
	assert_redacted(&f, c->password, c->plen, c->b64);
	imap_cmd_free(cmd);
}
END_TEST

/* Ready-made commands --------------------------------------------------- */

static int
b_capability(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_capability(c, t);
}

static int
b_starttls(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_starttls(c, t);
}

static int
b_logout(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_logout(c, t);
}

static int
b_list(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_list(c, t, 0);
}

static int
b_list_special(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_list(c, t, IMAP_LIST_CHILDREN | IMAP_LIST_SPECIAL_USE);
}

static int
b_list_all(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_list(c, t, IMAP_LIST_CHILDREN | IMAP_LIST_SPECIAL_USE |
			     IMAP_LIST_STATUS);
}

static int
b_list_status(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_list(c, t, IMAP_LIST_STATUS);
}

static int
b_list_unknown(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_list(c, t, 1u << 20);
}

static int
b_status(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_status(c, t, S("INBOX"));
}

static int
b_status_quoted(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_status(c, t, S("Sent Items"));
}

static int
b_examine(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_select(c, t, S("Entw&APw-rfe"), false);
}

static int
b_select(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_select(c, t, S("INBOX"), true);
}

static int
b_fetch(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_fetch_newest(c, t, 10, 3);
}

static int
b_fetch_all(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_fetch_newest(c, t, 2, 50);
}

static int
b_fetch_one(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_fetch_newest(c, t, 1, 1);
}

static int
b_fetch_max(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_fetch_newest(c, t, UINT32_MAX, 2);
}

static int
b_id_nil(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_id_nil(c, t);
}

static int
b_id(struct imap_cmd *c, struct imap_tagger *t)
{
	return imap_cmd_id(c, t, "0.1");
}

struct ready_case {
	int (*build)(struct imap_cmd *, struct imap_tagger *);
	const char *bytes;
};

static const struct ready_case ready_cases[] = {
	{ b_capability, "A1 CAPABILITY\r\n" },
	{ b_starttls, "A1 STARTTLS\r\n" },
	{ b_logout, "A1 LOGOUT\r\n" },
	{ b_list, "A1 LIST \"\" \"*\"\r\n" },
	{ b_list_special,
	  "A1 LIST \"\" \"*\" RETURN (CHILDREN SPECIAL-USE)\r\n" },
	{ b_list_all, "A1 LIST \"\" \"*\" RETURN (CHILDREN SPECIAL-USE "
	  "STATUS (MESSAGES UNSEEN))\r\n" },
	{ b_list_status,
	  "A1 LIST \"\" \"*\" RETURN (STATUS (MESSAGES UNSEEN))\r\n" },
	{ b_list_unknown, "A1 LIST \"\" \"*\"\r\n" },
	{ b_status, "A1 STATUS INBOX (MESSAGES UNSEEN)\r\n" },
	{ b_status_quoted, "A1 STATUS \"Sent Items\" (MESSAGES UNSEEN)\r\n" },
	{ b_examine, "A1 EXAMINE Entw&APw-rfe\r\n" },
	{ b_select, "A1 SELECT INBOX\r\n" },
	{ b_fetch, "A1 FETCH 8:10 (UID FLAGS ENVELOPE)\r\n" },
	{ b_fetch_all, "A1 FETCH 1:2 (UID FLAGS ENVELOPE)\r\n" },
	{ b_fetch_one, "A1 FETCH 1:1 (UID FLAGS ENVELOPE)\r\n" },
	{ b_fetch_max,
	  "A1 FETCH 4294967294:4294967295 (UID FLAGS ENVELOPE)\r\n" },
	{ b_id_nil, "A1 ID NIL\r\n" },
	{ b_id, "A1 ID (\"name\" \"imapconn\" \"version\" \"0.1\")\r\n" },
};

START_TEST(test_ready_made)
{
	const struct ready_case *c = &ready_cases[_i];
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	struct flat f;
	char shown[256];

	imap_tagger_init(&t, "A");
	ck_assert_int_eq(c->build(cmd, &t), 0);
	flatten(cmd, &f);
	snprintf(shown, sizeof(shown), "%.*s", (int)strlen(c->bytes) - 2,
		 c->bytes);
	assert_flat(&f, c->bytes, shown, "-");
	imap_cmd_free(cmd);
}
END_TEST

START_TEST(test_ready_made_errors)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;

	imap_tagger_init(&t, "A");
	ck_assert_int_eq(imap_cmd_fetch_newest(cmd, &t, 0, 5), IMAP_CMD_E_ARG);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 0);
	ck_assert_int_eq(imap_cmd_fetch_newest(cmd, &t, 5, 0), IMAP_CMD_E_ARG);
	ck_assert_int_eq(imap_cmd_id(cmd, &t, NULL), IMAP_CMD_E_ARG);
	ck_assert_int_eq(imap_cmd_select(cmd, &t, NULL, 3, false),
			 IMAP_CMD_E_ARG);
	ck_assert_str_eq(imap_cmd_error(cmd)->field, "mailbox");
	imap_cmd_free(cmd);
}
END_TEST

/* Limits, state and reuse ----------------------------------------------- */

START_TEST(test_too_big)
{
	/* "A1 X " + "{n+}\r\n" + n + "\r\n" with a 7-digit n: n + 19. */
	size_t n = IMAP_CMD_MAX - 19;
	char *in = malloc(n + 1);
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_cmd_segment seg;
	struct imap_tagger t;

	ck_assert_ptr_nonnull(in);
	memset(in, 'z', n + 1);
	imap_tagger_init(&t, "A");
	imap_cmd_set_flags(cmd, IMAP_CMD_LITERAL_PLUS);
	imap_cmd_begin(cmd, &t, "X");
	imap_cmd_astring(cmd, in, n, "big");
	ck_assert_int_eq(imap_cmd_end(cmd), 0);
	ck_assert_int_eq(imap_cmd_segment(cmd, 0, &seg), 0);
	ck_assert_uint_eq(seg.len, IMAP_CMD_MAX);

	imap_cmd_begin(cmd, &t, "X");
	imap_cmd_astring(cmd, in, n + 1, "big");
	ck_assert_int_eq(imap_cmd_end(cmd), IMAP_CMD_E_TOO_BIG);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 0);
	free(in);
	imap_cmd_free(cmd);
}
END_TEST

START_TEST(test_state_and_syntax)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	char msg[128];

	imap_tagger_init(&t, "A");
	ck_assert_str_eq(imap_cmd_tag(cmd), "");
	ck_assert_int_eq(imap_cmd_atom(cmd, "X"), IMAP_CMD_E_STATE);
	ck_assert_int_eq(imap_cmd_end(cmd), IMAP_CMD_E_STATE);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 0);

	ck_assert_int_eq(imap_cmd_begin(cmd, &t, "bad name"), IMAP_CMD_E_ARG);
	ck_assert_str_eq(imap_cmd_error(cmd)->field, "command");

	imap_cmd_begin(cmd, &t, "X");
	ck_assert_str_eq(imap_cmd_tag(cmd), "A1");
	ck_assert_int_eq(imap_cmd_atom(cmd, "RE TURN"), IMAP_CMD_E_ARG);
	imap_cmd_error_format(imap_cmd_error(cmd), msg, sizeof(msg));
	ck_assert_str_eq(msg, "atom: invalid command syntax");

	imap_cmd_begin(cmd, &t, "X");
	ck_assert_int_eq(imap_cmd_raw(cmd, "(a)\r\nA9 LOGOUT"),
			 IMAP_CMD_E_ARG);
	imap_cmd_begin(cmd, &t, "X");
	ck_assert_int_eq(imap_cmd_secret(cmd, S("pw"), "<pass\nword>"),
			 IMAP_CMD_E_ARG);

	/* A finished command is not changed by a stray call. */
	ck_assert_int_eq(imap_cmd_capability(cmd, &t), 0);
	ck_assert_str_eq(imap_cmd_tag(cmd), "A4");
	ck_assert_int_eq(imap_cmd_atom(cmd, "X"), IMAP_CMD_E_STATE);
	ck_assert_int_eq(imap_cmd_error(cmd)->code, IMAP_CMD_OK);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 1);
	imap_cmd_free(cmd);
}
END_TEST

START_TEST(test_reuse)
{
	struct imap_cmd *cmd = imap_cmd_new();
	struct imap_tagger t;
	struct flat f;

	imap_tagger_init(&t, "A");
	ck_assert_int_eq(imap_cmd_login(cmd, &t, S("bob"),
					S("p\xc3\xa4sswort")), 0);
	ck_assert_uint_eq(imap_cmd_nsegments(cmd), 2);
	ck_assert_int_eq(imap_cmd_select(cmd, &t, S("INBOX"), false), 0);
	flatten(cmd, &f);
	assert_flat(&f, "A2 EXAMINE INBOX\r\n", "A2 EXAMINE INBOX", "-");
	ck_assert(imap_tagger_is_ours(&t, "A2", 2));
	ck_assert(!imap_tagger_is_ours(&t, "A3", 2));
	imap_cmd_free(cmd);
	imap_cmd_free(NULL);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(imap_cmd_strerror(IMAP_CMD_E_TOO_BIG),
			 "command too large");
	ck_assert_str_eq(imap_cmd_strerror(IMAP_CMD_E_COUNT),
			 "unknown error");
}
END_TEST

Suite *
suite_imap_cmd(void)
{
	Suite *s = suite_create("imap_cmd");
	TCase *tc = units_case(s, "tags", test_tags_increment, NULL);

	tcase_add_loop_test(tc, test_tag_prefix, 0, N(prefixes));
	tcase_add_loop_test(tc, test_tag_is_ours, 0, N(ours_cases));

	tc = units_case(s, "quoting", test_login_injection, NULL);
	tcase_add_loop_test(tc, test_quoting, 0, N(quote_cases));
	tcase_add_loop_test(tc, test_long_strings, 0, N(long_cases));
	tcase_add_loop_test(tc, test_refused, 0, N(refuse_cases));

	units_case(s, "segments", test_segments_sync_literals,
		   test_parentheses, NULL);

	tc = units_case(s, "redaction", test_login_long_password, NULL);
	tcase_add_loop_test(tc, test_login_redacted, 0, N(secret_cases));
	tcase_add_loop_test(tc, test_auth_plain, 0, N(plain_cases));

	tc = units_case(s, "commands", test_ready_made_errors, test_too_big,
			test_state_and_syntax, test_reuse, test_strerror,
			NULL);
	tcase_add_loop_test(tc, test_ready_made, 0, N(ready_cases));
	return s;
}
