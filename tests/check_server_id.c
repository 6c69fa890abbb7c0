/* check_server_id.c - the pairs of a server's ID answer, from parsed
 * responses: bounds, escaping, malformed and hostile answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "imap_parse.h"
#include "server_id.h"

/* One complete response parsed from len bytes; the caller frees it. */
static struct imap_response *
parse(const char *bytes, size_t len)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	size_t used = 0;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(imap_parser_feed(p, bytes, len, &used),
			 IMAP_PARSE_OK);
	r = imap_parser_take(p);
	ck_assert_ptr_nonnull(r);
	imap_parser_free(p);
	return r;
}

/* The answer *id gives for the untagged response in bytes. */
static void
take(struct server_id *id, const char *bytes, size_t len)
{
	struct imap_response *r = parse(bytes, len);

	server_id_init(id);
	ck_assert_int_eq(server_id_take(id, r), 0);
	imap_response_free(r);
}

#define TAKE(id, s) take((id), (s), sizeof(s) - 1)

/* Nothing a terminal would act on: no C0 control, DEL, C1 or the
 * bidirectional and separator characters escape_text() escapes. */
static void
assert_safe(const char *s)
{
	static const char *const bad[] = {
		"\xc2\x80", "\xc2\x9b", "\xe2\x80\xae", "\xe2\x80\xa8",
		"\xe2\x81\xa6", "\xd8\x9c",
	};

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p != 0x7f, "control 0x%02x in "
			      "'%s'", *p, s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(strstr(s, bad[i]) == NULL, "unsafe in '%s'", s);
}

static void
assert_all_safe(const struct server_id *id)
{
	char line[1024];

	for (size_t i = 0; i < id->n; i++) {
		assert_safe(id->field[i].key);
		assert_safe(id->field[i].value);
	}
	assert_safe(id->text);
	server_id_line(id, line, sizeof(line));
	assert_safe(line);
}

/* ---- ordinary answers ----------------------------------------------- */

START_TEST(test_dovecot)
{
	struct server_id id;

	TAKE(&id, "* ID (\"name\" \"Dovecot\" \"version\" \"2.3.19\" "
	     "\"support-url\" NIL)\r\n");
	ck_assert_int_eq(id.result, SERVER_ID_ANSWERED);
	ck_assert_uint_eq(id.n, 3);
	ck_assert_uint_eq(id.left_out, 0);
	ck_assert_str_eq(id.field[0].key, "name");
	ck_assert_str_eq(id.field[0].value, "Dovecot");
	ck_assert(!id.field[0].nil);
	ck_assert(id.field[2].nil);
	ck_assert_str_eq(id.field[2].value, "");
	ck_assert_str_eq(server_id_get(&id, "NAME"), "Dovecot");
	ck_assert_str_eq(server_id_get(&id, "version"), "2.3.19");
	ck_assert_ptr_null(server_id_get(&id, "support-url"));
	ck_assert_ptr_null(server_id_get(&id, "vendor"));
	ck_assert_str_eq(server_id_result_name(id.result), "answered");
}
END_TEST

START_TEST(test_nil_and_empty)
{
	struct server_id id;

	TAKE(&id, "* ID NIL\r\n");
	ck_assert_int_eq(id.result, SERVER_ID_NIL);
	ck_assert_uint_eq(id.n, 0);
	TAKE(&id, "* ID ()\r\n");
	ck_assert_int_eq(id.result, SERVER_ID_ANSWERED);
	ck_assert_uint_eq(id.n, 0);
	ck_assert_uint_eq(id.left_out, 0);
}
END_TEST

/* Only "* ID" is taken; the first answer counts. */
START_TEST(test_not_id_and_first_counts)
{
	static const char cap[] = "* CAPABILITY IMAP4rev1 ID\r\n";
	static const char num[] = "* 3 EXISTS\r\n";
	static const char tagged[] = "A1 OK ID completed\r\n";
	static const char again[] = "* ID (\"name\" \"Other\")\r\n";
	struct imap_response *r;
	struct server_id id;

	server_id_init(&id);
	ck_assert_int_eq(id.result, SERVER_ID_NO_DATA);
	r = parse(cap, sizeof(cap) - 1);
	ck_assert_int_eq(server_id_take(&id, r), 1);
	imap_response_free(r);
	r = parse(num, sizeof(num) - 1);
	ck_assert_int_eq(server_id_take(&id, r), 1);
	imap_response_free(r);
	r = parse(tagged, sizeof(tagged) - 1);
	ck_assert_int_eq(server_id_take(&id, r), 1);
	imap_response_free(r);
	ck_assert_int_eq(id.result, SERVER_ID_NO_DATA);

	TAKE(&id, "* ID (\"name\" \"Dovecot\")\r\n");
	r = parse(again, sizeof(again) - 1);
	ck_assert_int_eq(server_id_take(&id, r), 0);
	imap_response_free(r);
	ck_assert_uint_eq(id.n, 1);
	ck_assert_str_eq(id.field[0].value, "Dovecot");
}
END_TEST

/* ---- the tagged reply ----------------------------------------------- */

START_TEST(test_finish)
{
	static const char ok[] = "A1 OK ID completed\r\n";
	static const char bad[] = "A1 BAD Unknown \x1b[31mcommand\r\n";
	static const char no[] = "A1 NO [CLIENTBUG] not now\r\n";
	struct imap_response *r;
	struct server_id id;

	server_id_init(&id);
	r = parse(ok, sizeof(ok) - 1);
	server_id_finish(&id, r);
	imap_response_free(r);
	ck_assert_int_eq(id.result, SERVER_ID_NO_DATA);
	ck_assert_str_eq(server_id_result_name(id.result), "no-data");

	server_id_init(&id);
	r = parse(bad, sizeof(bad) - 1);
	server_id_finish(&id, r);
	imap_response_free(r);
	ck_assert_int_eq(id.result, SERVER_ID_REFUSED);
	ck_assert_str_eq(id.text, "BAD: Unknown \\e[31mcommand");
	assert_all_safe(&id);

	/* A refusal after a "* ID" wins: the command failed. */
	TAKE(&id, "* ID (\"name\" \"x\")\r\n");
	r = parse(no, sizeof(no) - 1);
	server_id_finish(&id, r);
	imap_response_free(r);
	ck_assert_int_eq(id.result, SERVER_ID_REFUSED);
	ck_assert_str_eq(id.text, "NO: not now");
}
END_TEST

/* ---- hostile answers ------------------------------------------------ */

START_TEST(test_escapes)
{
	struct server_id id;

	TAKE(&id, "* ID (\"name\" \"Evil\x1b]0;owned\x07\x1b[2J\" "
	     "\"vers\xe2\x80\xaeion\" \"1\xc2\x9b" "2\" "
	     "\"os\" \"a\\\\b \xff\xfe\")\r\n");
	ck_assert_int_eq(id.result, SERVER_ID_ANSWERED);
	ck_assert_uint_eq(id.n, 3);
	ck_assert_str_eq(id.field[0].value,
			 "Evil\\e]0;owned\\x07\\e[2J");
	ck_assert_str_eq(id.field[1].key, "vers\\u202eion");
	ck_assert_str_eq(id.field[1].value, "1\\u009b2");
	/* A backslash that cannot start an escape stays single. */
	ck_assert_str_eq(id.field[2].value, "a\\b \\xff\\xfe");
	assert_all_safe(&id);
}
END_TEST

/* NUL can only come in a literal; it is shown, not a string end. */
START_TEST(test_nul_in_literal)
{
	static const char bytes[] = "* ID (\"name\" {7}\r\nDo\0vec\n)\r\n";
	struct server_id id;
	struct imap_response *r;

	static const char quoted[] = "* ID (\"k\0\" \"v\")\r\n";
	struct imap_parser *p = imap_parser_new(NULL);
	size_t used;

	/* A NUL in a quoted string breaks the protocol: the parser says
	 * so before anything reaches here. */
	ck_assert_int_eq(imap_parser_feed(p, quoted, sizeof(quoted) - 1,
					  &used), IMAP_PARSE_BAD);
	imap_parser_free(p);
	r = parse(bytes, sizeof(bytes) - 1);
	server_id_init(&id);
	ck_assert_int_eq(server_id_take(&id, r), 0);
	imap_response_free(r);
	ck_assert_uint_eq(id.n, 1);
	ck_assert_str_eq(id.field[0].value, "Do\\x00vec\\n");
	assert_all_safe(&id);
}
END_TEST

/* Long keys and values are cut with "...", never past their fields,
 * never inside an escape or a UTF-8 sequence. */
START_TEST(test_overlong)
{
	size_t klen = 200, vlen = 5000;
	size_t cap = klen + vlen + 64;
	char *buf = malloc(cap);
	struct server_id id;
	struct imap_response *r;
	size_t n;

	ck_assert_ptr_nonnull(buf);
	n = (size_t)snprintf(buf, cap, "* ID (\"");
	memset(buf + n, 'k', klen);
	n += klen;
	n += (size_t)snprintf(buf + n, cap - n, "\" {%zu}\r\n", vlen);
	for (size_t i = 0; i < vlen; i += 2) {
		buf[n + i] = (char)0xc3;	/* U+00E9, two bytes */
		buf[n + i + 1] = (char)0xa9;
	}
	n += vlen;
	n += (size_t)snprintf(buf + n, cap - n, ")\r\n");
	r = parse(buf, n);
	server_id_init(&id);
	ck_assert_int_eq(server_id_take(&id, r), 0);
	imap_response_free(r);
	ck_assert_uint_eq(id.n, 1);
	ck_assert_uint_lt(strlen(id.field[0].key), SERVER_ID_KEY_SHOWN);
	ck_assert_uint_lt(strlen(id.field[0].value), SERVER_ID_VALUE_SHOWN);
	ck_assert_ptr_nonnull(strstr(id.field[0].key, "..."));
	n = strlen(id.field[0].value);
	ck_assert_str_eq(id.field[0].value + n - 3, "...");
	/* Whole characters only before the dots. */
	ck_assert_uint_eq((n - 3) % 2, 0);
	ck_assert_int_eq((unsigned char)id.field[0].value[n - 5], 0xc3);
	free(buf);
}
END_TEST

/* A thousand pairs: thirty kept, the rest counted. */
START_TEST(test_many_pairs)
{
	size_t cap = 1000 * 24 + 32, n;
	char *buf = malloc(cap);
	struct imap_response *r;
	struct server_id id;

	ck_assert_ptr_nonnull(buf);
	n = (size_t)snprintf(buf, cap, "* ID (");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s\"k%d\" \"v%d\"",
				      i > 0 ? " " : "", i, i);
	n += (size_t)snprintf(buf + n, cap - n, ")\r\n");
	r = parse(buf, n);
	server_id_init(&id);
	ck_assert_int_eq(server_id_take(&id, r), 0);
	imap_response_free(r);
	ck_assert_uint_eq(id.n, SERVER_ID_PAIRS_MAX);
	ck_assert_uint_eq(id.left_out, 1000 - SERVER_ID_PAIRS_MAX);
	ck_assert_str_eq(id.field[29].key, "k29");
	ck_assert_str_eq(id.field[29].value, "v29");
	free(buf);
}
END_TEST

struct odd_case {
	const char *bytes;
	enum server_id_result result;
	size_t n, left_out;
	const char *first_key;	/* NULL: none kept */
};

static const struct odd_case odd_cases[] = {
	/* a key without a value */
	{ "* ID (\"name\" \"Dovecot\" \"version\")\r\n", SERVER_ID_ANSWERED,
	  1, 1, "name" },
	{ "* ID (\"name\")\r\n", SERVER_ID_ANSWERED, 0, 1, NULL },
	/* keys that are not strings: atom, number, NIL, list */
	{ "* ID (name \"a\" 42 \"b\" NIL \"c\" (\"x\") \"d\" "
	  "\"ok\" \"e\")\r\n", SERVER_ID_ANSWERED, 1, 4, "ok" },
	/* values that are neither string nor NIL */
	{ "* ID (\"a\" atom \"b\" 7 \"c\" (\"x\" \"y\") \"d\" {1}\r\nz)\r\n",
	  SERVER_ID_ANSWERED, 1, 3, "d" },
	/* an empty key; a key repeated (in another case) */
	{ "* ID (\"\" \"x\" \"name\" \"A\" \"NAME\" \"B\")\r\n",
	  SERVER_ID_ANSWERED, 1, 2, "name" },
	/* not a list or NIL at all */
	{ "* ID \"name\"\r\n", SERVER_ID_MALFORMED, 0, 0, NULL },
	{ "* ID\r\n", SERVER_ID_MALFORMED, 0, 0, NULL },
	{ "* ID NIL NIL\r\n", SERVER_ID_MALFORMED, 0, 0, NULL },
	{ "* ID (\"a\" \"b\") (\"c\" \"d\")\r\n", SERVER_ID_MALFORMED, 0, 0,
	  NULL },
};

START_TEST(test_odd_answers)
{
	const struct odd_case *t = &odd_cases[_i];
	struct server_id id;

	take(&id, t->bytes, strlen(t->bytes));
	ck_assert_int_eq(id.result, t->result);
	ck_assert_uint_eq(id.n, t->n);
	ck_assert_uint_eq(id.left_out, t->left_out);
	if (t->first_key != NULL)
		ck_assert_str_eq(id.field[0].key, t->first_key);
	assert_all_safe(&id);
}
END_TEST

/* ---- text ----------------------------------------------------------- */

START_TEST(test_line)
{
	struct server_id id;
	char buf[64], tiny[12];

	TAKE(&id, "* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n");
	ck_assert_uint_eq(server_id_line(&id, buf, sizeof(buf)),
			  strlen("name=Dovecot; version=NIL"));
	ck_assert_str_eq(buf, "name=Dovecot; version=NIL");
	/* Cut after the last whole pair. */
	ck_assert_uint_eq(server_id_line(&id, tiny, sizeof(tiny)), 3);
	ck_assert_str_eq(tiny, "...");
	server_id_line(&id, buf, 20);
	ck_assert_str_eq(buf, "name=Dovecot; ...");
	ck_assert_uint_eq(server_id_line(&id, buf, 0), 0);

	TAKE(&id, "* ID NIL\r\n");
	server_id_line(&id, buf, sizeof(buf));
	ck_assert_str_eq(buf, "nothing told (ID NIL)");
	server_id_init(&id);
	id.result = SERVER_ID_REFUSED;
	strcpy(id.text, "BAD: no");
	server_id_line(&id, buf, sizeof(buf));
	ck_assert_str_eq(buf, "refused (BAD: no)");
}
END_TEST

START_TEST(test_print)
{
	struct server_id id;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	TAKE(&id, "* ID (\"name\" \"Dovecot\" \"x\" NIL \"name\" \"y\")\r\n");
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	server_id_print(&id, f, "  ");
	fclose(f);
	ck_assert_str_eq(text, "  name           Dovecot\n"
			 "  x              NIL\n"
			 "  (1 pair left out: past 30, malformed or "
			 "repeated)\n");
	free(text);
}
END_TEST

START_TEST(test_result_names)
{
	ck_assert_str_eq(server_id_result_name(SERVER_ID_NIL), "nil");
	ck_assert_str_eq(server_id_result_name(SERVER_ID_MALFORMED),
			 "malformed");
	ck_assert_str_eq(server_id_result_name(SERVER_ID_REFUSED), "refused");
	ck_assert_str_eq(server_id_result_name((enum server_id_result)77),
			 "unknown");
}
END_TEST

Suite *
suite_server_id(void)
{
	Suite *s = suite_create("server_id");
	TCase *tc = units_case(s, "server_id", test_dovecot,
			       test_nil_and_empty,
			       test_not_id_and_first_counts, test_finish,
			       test_escapes, test_nul_in_literal,
			       test_overlong, test_many_pairs, test_line,
			       test_print, test_result_names, NULL);

	tcase_add_loop_test(tc, test_odd_answers, 0,
			    sizeof(odd_cases) / sizeof(odd_cases[0]));
	return s;
}
