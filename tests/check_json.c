/* check_json.c - the JSON writer: nesting, commas, escaping, values. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "json.h"

#define OPS_MAX 16

enum op_kind {
	OP_END = 0,	/* end of the script */
	OP_OBJ,
	OP_OBJ_CLOSE,
	OP_ARR,
	OP_ARR_CLOSE,
	OP_STR,		/* json_str(key, s) */
	OP_STRN,	/* json_strn(key, s, n) */
	OP_INT,
	OP_TRUE,
	OP_FALSE,
	OP_NULL
};

struct op {
	enum op_kind kind;
	const char *key;
	const char *s;
	size_t n;
	long long v;
};

/* A script of writer calls and the exact document it must give (the
 * newline of json_end() left out). */
struct json_case {
	const char *name;
	struct op ops[OPS_MAX];
	const char *want;
};

#define OBJ(k) { OP_OBJ, k, NULL, 0, 0 }
#define OBJ_CLOSE { OP_OBJ_CLOSE, NULL, NULL, 0, 0 }
#define ARR(k) { OP_ARR, k, NULL, 0, 0 }
#define ARR_CLOSE { OP_ARR_CLOSE, NULL, NULL, 0, 0 }
#define STR(k, s) { OP_STR, k, s, 0, 0 }
#define STRN(k, s) { OP_STRN, k, s, sizeof(s) - 1, 0 }
#define NSTRN(k, n) { OP_STRN, k, NULL, n, 0 }
#define INT(k, v) { OP_INT, k, NULL, 0, v }
#define TRUE_(k) { OP_TRUE, k, NULL, 0, 0 }
#define FALSE_(k) { OP_FALSE, k, NULL, 0, 0 }
#define NUL(k) { OP_NULL, k, NULL, 0, 0 }

static const struct json_case cases[] = {
	/* structure and commas */
	{ "empty object", { OBJ(NULL), OBJ_CLOSE }, "{}" },
	{ "empty array", { ARR(NULL), ARR_CLOSE }, "[]" },
	{ "members", { OBJ(NULL), INT("a", 1), STR("b", "x"), TRUE_("c"),
		       FALSE_("d"), NUL("e"), OBJ_CLOSE },
	  "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":false,\"e\":null}" },
	{ "elements", { ARR(NULL), INT(NULL, 1), STR(NULL, "x"),
			NUL(NULL), TRUE_(NULL), ARR_CLOSE },
	  "[1,\"x\",null,true]" },
	{ "nesting", { OBJ(NULL), OBJ("a"), ARR("b"), INT(NULL, 1),
		       INT(NULL, 2), OBJ(NULL), NUL("c"), OBJ_CLOSE,
		       ARR_CLOSE, TRUE_("d"), OBJ_CLOSE, FALSE_("e"),
		       OBJ_CLOSE },
	  "{\"a\":{\"b\":[1,2,{\"c\":null}],\"d\":true},\"e\":false}" },
	{ "empty containers in a row", { ARR(NULL), OBJ(NULL), OBJ_CLOSE,
					  ARR(NULL), ARR_CLOSE, OBJ(NULL),
					  OBJ_CLOSE, ARR_CLOSE },
	  "[{},[],{}]" },
	{ "member after an empty object", { OBJ(NULL), OBJ("a"), OBJ_CLOSE,
					     INT("b", 2), OBJ_CLOSE },
	  "{\"a\":{},\"b\":2}" },
	{ "array of objects", { ARR(NULL), OBJ(NULL), INT("i", 0), OBJ_CLOSE,
				OBJ(NULL), INT("i", 1), OBJ_CLOSE, ARR_CLOSE },
	  "[{\"i\":0},{\"i\":1}]" },
	{ "scalar at the top", { STR(NULL, "alone") }, "\"alone\"" },
	/* integers */
	{ "ints", { ARR(NULL), INT(NULL, 0), INT(NULL, -1),
		    INT(NULL, 1234567890123LL), INT(NULL, LLONG_MAX),
		    INT(NULL, LLONG_MIN), ARR_CLOSE },
	  "[0,-1,1234567890123,9223372036854775807,"
	  "-9223372036854775808]" },
	/* null strings */
	{ "null string", { OBJ(NULL), STR("s", NULL), OBJ_CLOSE },
	  "{\"s\":null}" },
	{ "null string with a length", { OBJ(NULL), NSTRN("s", 5),
					  OBJ_CLOSE }, "{\"s\":null}" },
	{ "empty string", { OBJ(NULL), STR("s", ""), OBJ_CLOSE },
	  "{\"s\":\"\"}" },
	/* escaping */
	{ "quotes and backslashes", { OBJ(NULL),
				       STR("q", "say \"hi\" \\o/"),
				       OBJ_CLOSE },
	  "{\"q\":\"say \\\"hi\\\" \\\\o/\"}" },
	{ "key escaped", { OBJ(NULL), STR("k\"e\\y\n", "v"), OBJ_CLOSE },
	  "{\"k\\\"e\\\\y\\n\":\"v\"}" },
	{ "short escapes", { STR(NULL, "\b\f\n\r\t") },
	  "\"\\b\\f\\n\\r\\t\"" },
	{ "other controls", { STR(NULL, "\x01\x1b[0m\x1f\x7f") },
	  "\"\\u0001\\u001b[0m\\u001f\\u007f\"" },
	{ "NUL inside", { STRN(NULL, "a\0b") }, "\"a\\u0000b\"" },
	{ "length shorter than the string", { { OP_STRN, NULL, "abcdef", 3,
						0 } }, "\"abc\"" },
	{ "UTF-8 passes", { STR(NULL, "caf\xc3\xa9 \xe2\x82\xac "
				"\xf0\x9f\x98\x80") },
	  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
	{ "invalid byte", { STR(NULL, "a\xff" "b") }, "\"a\\ufffdb\"" },
	{ "cut sequence", { STR(NULL, "caf\xc3") }, "\"caf\\ufffd\"" },
	{ "overlong", { STR(NULL, "\xc0\xaf") }, "\"\\ufffd\\ufffd\"" },
	{ "surrogate", { STR(NULL, "\xed\xa0\x80") },
	  "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "above U+10FFFF", { STR(NULL, "\xf4\x90\x80\x80") },
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "invalid key", { OBJ(NULL), STR("\xfe", "v"), OBJ_CLOSE },
	  "{\"\\ufffd\":\"v\"}" },
	{ "terminal controls", { STR(NULL, "\xc2\x9b\xe2\x80\xae"
				     "\xe2\x80\xa8") },
	  "\"\\u009b\\u202e\\u2028\"" },
	{ "slash not escaped", { STR(NULL, "a/b") }, "\"a/b\"" },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- helpers -------------------------------------------------------- */

static void
run_op(struct json *j, const struct op *op)
{
	switch (op->kind) {
	case OP_OBJ:
		json_obj_open(j, op->key);
		break;
	case OP_OBJ_CLOSE:
		json_obj_close(j);
		break;
	case OP_ARR:
		json_arr_open(j, op->key);
		break;
	case OP_ARR_CLOSE:
		json_arr_close(j);
		break;
	case OP_STR:
		json_str(j, op->key, op->s);
		break;
	case OP_STRN:
		json_strn(j, op->key, op->s, op->n);
		break;
	case OP_INT:
		json_int(j, op->key, op->v);
		break;
	case OP_TRUE:
		json_bool(j, op->key, true);
		break;
	case OP_FALSE:
		json_bool(j, op->key, false);
		break;
	case OP_NULL:
		json_null(j, op->key);
		break;
	case OP_END:
		break;
	}
}

struct sink {
	FILE *f;
	char *buf;
	size_t len;
};

static void
sink_open(struct sink *s)
{
	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	ck_assert_ptr_nonnull(s->f);
}

/* Close the stream; s->buf holds the document (free it). */
static void
sink_close(struct sink *s)
{
	ck_assert_int_eq(fclose(s->f), 0);
	ck_assert_ptr_nonnull(s->buf);
}

/* ---- tests ---------------------------------------------------------- */

START_TEST(test_script)
{
	const struct json_case *c = &cases[_i];
	struct json j;
	struct sink s;
	size_t wlen = strlen(c->want);

	sink_open(&s);
	json_begin(&j, s.f);
	for (size_t i = 0; i < OPS_MAX && c->ops[i].kind != OP_END; i++)
		run_op(&j, &c->ops[i]);
	json_end(&j);
	/* json_end flushes: the document is complete before the close */
	ck_assert_uint_eq(s.len, wlen + 1);
	sink_close(&s);
	ck_assert_msg(s.len == wlen + 1 && memcmp(s.buf, c->want, wlen) == 0
		      && s.buf[wlen] == '\n', "%s: got '%s', want '%s\\n'",
		      c->name, s.buf, c->want);
	free(s.buf);
}
END_TEST

/* Strings longer than the writer's stack buffer, escaped and not. */
START_TEST(test_long_strings)
{
	static const struct {
		char fill;		/* the byte repeated */
		const char *unit;	/* what each becomes */
	} fills[] = {
		{ 'x', "x" }, { '"', "\\\"" }, { '\x01', "\\u0001" },
		{ '\xff', "\\ufffd" },
	};
	size_t n = 3000;

	for (size_t k = 0; k < sizeof(fills) / sizeof(fills[0]); k++) {
		size_t ulen = strlen(fills[k].unit);
		char *in = malloc(n);
		char *want = malloc(n * ulen + 4);
		struct json j;
		struct sink s;
		size_t w = 0;

		ck_assert_ptr_nonnull(in);
		ck_assert_ptr_nonnull(want);
		memset(in, fills[k].fill, n);
		want[w++] = '"';
		for (size_t i = 0; i < n; i++, w += ulen)
			memcpy(want + w, fills[k].unit, ulen);
		want[w++] = '"';
		want[w++] = '\n';
		want[w] = '\0';
		sink_open(&s);
		json_begin(&j, s.f);
		json_strn(&j, NULL, in, n);
		json_end(&j);
		sink_close(&s);
		ck_assert_msg(strcmp(s.buf, want) == 0,
			      "fill %#x: %zu bytes, want %zu",
			      (unsigned char)fills[k].fill, s.len, w);
		free(s.buf);
		free(want);
		free(in);
	}
}
END_TEST

/* Containers nested at and beyond JSON_DEPTH_MAX still give a valid
 * document: each level holds 1, the next level, then 2. */
START_TEST(test_deep_nesting)
{
	static const int depths[] = {
		1, JSON_DEPTH_MAX - 1, JSON_DEPTH_MAX, JSON_DEPTH_MAX + 1,
		JSON_DEPTH_MAX + 4,
	};

	for (size_t k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
		int depth = depths[k];
		char want[1024];
		size_t w = 0;
		struct json j;
		struct sink s;

		for (int d = 0; d < depth; d++)
			w += (size_t)snprintf(want + w, sizeof(want) - w,
					      "%s[1", d > 0 ? "," : "");
		for (int d = 0; d < depth; d++)
			w += (size_t)snprintf(want + w, sizeof(want) - w,
					      ",2]");
		snprintf(want + w, sizeof(want) - w, "\n");
		sink_open(&s);
		json_begin(&j, s.f);
		for (int d = 0; d < depth; d++) {
			json_arr_open(&j, NULL);
			json_int(&j, NULL, 1);
		}
		for (int d = 0; d < depth; d++) {
			json_int(&j, NULL, 2);
			json_arr_close(&j);
		}
		json_end(&j);
		sink_close(&s);
		ck_assert_msg(strcmp(s.buf, want) == 0,
			      "depth %d:\n got  %s want %s", depth, s.buf,
			      want);
		free(s.buf);
	}
}
END_TEST

Suite *
suite_json(void)
{
	Suite *s = suite_create("json");
	TCase *tc = units_case(s, "writer", test_long_strings,
			       test_deep_nesting, NULL);

	tcase_add_loop_test(tc, test_script, 0, (int)N_CASES);
	return s;
}
