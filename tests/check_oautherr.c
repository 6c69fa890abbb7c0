/* check_oautherr.c - OAuth 2.0 error challenges: the documented ones of
 * Google, Microsoft and RFC 7628, hostile ones, the summary and hints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "escape.h"
#include "oautherr.h"

/* The example challenge on Google's XOAUTH2 protocol page, as sent: it
 * decodes to the object followed by a newline. */
static const char google_doc[] =
	"eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0"
	"cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K";

static const char gmail[] =
	"{\"status\":\"401\",\"schemes\":\"Bearer\","
	"\"scope\":\"https://mail.google.com/\"}";
static const char microsoft[] =
	"{\"status\":\"401\",\"schemes\":\"bearer\","
	"\"scope\":\"https://outlook.office365.com/.default\"}";
/* RFC 7628 section 4.3, the failed exchange. */
static const char rfc7628[] =
	"{\"status\":\"invalid_token\",\"scope\":\"example_scope\","
	"\"openid-configuration\":"
	"\"https://example.com/.well-known/openid-configuration\"}";

/* Base64 of s[0..len) (RFC 4648, padded), malloc'd. */
static char *
b64(const char *s, size_t len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(len / 3 * 4 + 5), *o = out;

	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)s[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (unsigned long)(unsigned char)s[i + 1] << 8;
		if (left > 2)
			v |= (unsigned char)s[i + 2];
		*o++ = a[v >> 18 & 63];
		*o++ = a[v >> 12 & 63];
		*o++ = left > 1 ? a[v >> 6 & 63] : '=';
		*o++ = left > 2 ? a[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* Encode json and decode it as a challenge. */
static enum oautherr_error
decode_json(struct oautherr *e, const char *json, size_t len)
{
	char *enc = b64(json, len);
	enum oautherr_error err = oautherr_decode(e, enc, strlen(enc));

	free(enc);
	return err;
}

static enum oautherr_error
parse(struct oautherr *e, const char *json)
{
	return oautherr_parse_json(e, json, strlen(json));
}

static void
assert_zeroed(const struct oautherr *e)
{
	ck_assert(!e->status.present);
	ck_assert(!e->scope.present);
	ck_assert(!e->duplicate);
	ck_assert_int_eq(e->reason, OAUTHERR_REASON_UNKNOWN);
}

START_TEST(test_google_doc)
{
	struct oautherr e;
	char hint[512];

	ck_assert_int_eq(oautherr_decode(&e, google_doc, strlen(google_doc)),
			 OAUTHERR_OK);
	ck_assert_str_eq(e.status.text, "401");
	ck_assert_str_eq(e.schemes.text, "bearer mac");
	ck_assert_str_eq(e.scope.text, "https://mail.google.com/");
	ck_assert(!e.openid.present);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_TOKEN);
	oautherr_hint(&e, "alice@gmail.com", hint, sizeof(hint));
	ck_assert_ptr_nonnull(strstr(hint, "get a fresh one"));
	ck_assert_ptr_nonnull(strstr(hint, "\"https://mail.google.com/\""));
}
END_TEST

START_TEST(test_gmail)
{
	struct oautherr e;
	char line[256];
	size_t n;

	ck_assert_int_eq(decode_json(&e, gmail, strlen(gmail)), OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_TOKEN);
	ck_assert_uint_eq(e.scope.len, strlen("https://mail.google.com/"));
	n = oautherr_summary(&e, line, sizeof(line));
	ck_assert_str_eq(line, "status \"401\", schemes \"Bearer\", scope "
			 "\"https://mail.google.com/\"");
	ck_assert_uint_eq(n, strlen(line));
}
END_TEST

START_TEST(test_microsoft)
{
	struct oautherr e;
	char hint[512];

	ck_assert_int_eq(decode_json(&e, microsoft, strlen(microsoft)),
			 OAUTHERR_OK);
	ck_assert_str_eq(e.schemes.text, "bearer");
	ck_assert_str_eq(e.scope.text,
			 "https://outlook.office365.com/.default");
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_TOKEN);
	oautherr_hint(&e, NULL, hint, sizeof(hint));
	ck_assert_ptr_nonnull(strstr(hint, "expired"));
	ck_assert_ptr_nonnull(
		strstr(hint, "\"https://outlook.office365.com/.default\""));
}
END_TEST

START_TEST(test_rfc7628)
{
	struct oautherr e;
	char line[512];

	ck_assert_int_eq(decode_json(&e, rfc7628, strlen(rfc7628)),
			 OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_TOKEN);
	ck_assert(!e.schemes.present);
	ck_assert_str_eq(e.openid.text,
			 "https://example.com/.well-known/openid-configuration");
	oautherr_summary(&e, line, sizeof(line));
	ck_assert_str_eq(line, "status \"invalid_token\", scope "
			 "\"example_scope\", openid-configuration "
			 "\"https://example.com/.well-known/"
			 "openid-configuration\"");
}
END_TEST

START_TEST(test_scope)
{
	static const char *const cases[] = {
		"{\"status\":\"insufficient_scope\","
		"\"scope\":\"https://mail.google.com/\"}",
		"{\"status\":\"403\",\"scope\":\"https://mail.google.com/\"}",
		"{ \"scope\" : \"https://mail.google.com/\" , \"status\" : 403 }",
		"{\"status\":\"Insufficient_Scope\","
		"\"scope\":\"https://mail.google.com/\"}",
	};
	struct oautherr e;
	char hint[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(parse(&e, cases[i]), OAUTHERR_OK);
		ck_assert_int_eq(e.reason, OAUTHERR_REASON_SCOPE);
		oautherr_hint(&e, "u", hint, sizeof(hint));
		ck_assert_ptr_nonnull(strstr(hint, "lacks the mail scope"));
		ck_assert_ptr_nonnull(strstr(hint, "the server asks for "
					     "\"https://mail.google.com/\""));
	}
	ck_assert_int_eq(parse(&e, "{\"status\":\"insufficient_scope\"}"),
			 OAUTHERR_OK);
	oautherr_hint(&e, "u", hint, sizeof(hint));
	ck_assert_ptr_nonnull(strstr(hint, "the provider documents which"));
}
END_TEST

START_TEST(test_request_names_user)
{
	struct oautherr e;
	char hint[512];

	ck_assert_int_eq(parse(&e, "{\"status\":\"invalid_request\"}"),
			 OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_REQUEST);
	ck_assert_int_eq(parse(&e, "{\"status\":\"400\"}"), OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_REQUEST);
	oautherr_hint(&e, "bob\x1b[31m", hint, sizeof(hint));
	ck_assert_ptr_nonnull(strstr(hint, "\"bob\\e[31m\""));
	ck_assert_ptr_nonnull(strstr(hint, "the account the token was issued"));
	ck_assert_ptr_null(strchr(hint, '\x1b'));
}
END_TEST

START_TEST(test_unknown)
{
	struct oautherr e;
	char hint[512];

	ck_assert_int_eq(parse(&e, "{\"status\":\"500\"}"), OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_UNKNOWN);
	oautherr_hint(&e, "carol", hint, sizeof(hint));
	ck_assert_ptr_nonnull(strstr(hint, "(status \"500\")"));
	ck_assert_ptr_nonnull(strstr(hint, "\"carol\""));
	ck_assert_int_eq(parse(&e, "{\"scope\":\"s\"}"), OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_UNKNOWN);
	oautherr_hint(&e, NULL, hint, sizeof(hint));
	ck_assert_ptr_nonnull(strstr(hint, "(no status)"));
	/* Names are case-sensitive: this is no status. */
	ck_assert_int_eq(parse(&e, "{\"Status\":\"401\"}"), OAUTHERR_OK);
	ck_assert(!e.status.present);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_UNKNOWN);
	ck_assert_str_eq(oautherr_reason_name(OAUTHERR_REASON_SCOPE), "scope");
}
END_TEST

START_TEST(test_bad_base64)
{
	static const char *const cases[] = {
		"eyJ!", "e30=e30=", "=e30", "e30 ", " e30=", "e30===",
		"e", "e30=A", "QR==", "QUF=", "e30\n", "e-0=",
	};
	struct oautherr e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(oautherr_decode(&e, cases[i], strlen(cases[i]))
			      == OAUTHERR_BAD_BASE64, "%s", cases[i]);
	/* The same object padded and unpadded; "QQ==" is "A". */
	ck_assert_int_eq(oautherr_decode(&e, "e30=", 4), OAUTHERR_OK);
	ck_assert_int_eq(oautherr_decode(&e, "e30", 3), OAUTHERR_OK);
	ck_assert_int_eq(oautherr_decode(&e, "QQ==", 4),
			 OAUTHERR_BAD_JSON);
	ck_assert_int_eq(oautherr_decode(&e, "", 0), OAUTHERR_EMPTY);
	ck_assert_str_eq(oautherr_strerror(OAUTHERR_BAD_BASE64),
			 "invalid base64");
}
END_TEST

START_TEST(test_too_long)
{
	char *big = malloc(OAUTHERR_INPUT_MAX + 1);
	struct oautherr e;

	ck_assert_ptr_nonnull(big);
	memset(big, 'A', OAUTHERR_INPUT_MAX + 1);
	ck_assert_int_eq(oautherr_decode(&e, big, OAUTHERR_INPUT_MAX + 1),
			 OAUTHERR_TOO_LONG);
	/* At the limit it is decoded (NUL bytes: not JSON). */
	ck_assert_int_eq(oautherr_decode(&e, big, OAUTHERR_INPUT_MAX),
			 OAUTHERR_BAD_JSON);
	free(big);
}
END_TEST

START_TEST(test_truncated_json)
{
	static const char *const cases[] = {
		"{", "{\"status\"", "{\"status\":", "{\"status\":\"40",
		"{\"status\":\"401\"", "{\"status\":\"401\",",
		"{\"status\":\"401\",}", "{\"status\" \"401\"}", "{,}",
		"{\"status\":\"401\"}}", "{}{}", "{} x", "{\"a\":tru}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}",
		"{status:\"401\"}", "{'status':'401'}", "xyz", "",
	};
	struct oautherr e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum oautherr_error err = decode_json(&e, cases[i],
						      strlen(cases[i]));

		ck_assert_msg(err == (cases[i][0] == '\0' ? OAUTHERR_EMPTY :
				      OAUTHERR_BAD_JSON), "%s: %s", cases[i],
			      oautherr_strerror(err));
		assert_zeroed(&e);
	}
}
END_TEST

START_TEST(test_numbers_literals)
{
	struct oautherr e;

	ck_assert_int_eq(parse(&e, "{\"status\":-1.5e+3,\"x\":true,"
			       "\"y\":null,\"z\":false}"), OAUTHERR_OK);
	ck_assert_str_eq(e.status.text, "-1.5e+3");
	ck_assert_int_eq(parse(&e, "{\"status\":401}"), OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_TOKEN);
	ck_assert_int_eq(parse(&e, "{\"status\":null}"), OAUTHERR_OK);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_UNKNOWN);
}
END_TEST

START_TEST(test_huge_values)
{
	size_t n = 3000;
	char *json = malloc(n * 2 + 64);
	struct oautherr e;
	size_t len;

	ck_assert_ptr_nonnull(json);
	/* A status of 1,400 two-byte characters: kept cut, whole. */
	len = (size_t)sprintf(json, "{\"status\":\"");
	for (size_t i = 0; i < 1400; i++) {
		memcpy(json + len, "\xc3\xa9", 2);
		len += 2;
	}
	len += (size_t)sprintf(json + len, "\"}");
	ck_assert_int_eq(decode_json(&e, json, len), OAUTHERR_OK);
	ck_assert(e.status.present);
	ck_assert(e.status.truncated);
	ck_assert_uint_eq(e.status.len, OAUTHERR_VALUE_MAX - 2);
	ck_assert_uint_eq(strlen(e.status.text), e.status.len);
	for (size_t i = 0; i < e.status.len; i += 2) {
		uint32_t cp;

		ck_assert_uint_eq(escape_utf8_decode(e.status.text + i,
						     e.status.len - i, &cp),
				  2);
	}
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_UNKNOWN);
	/* Over the JSON limit: refused before parsing. */
	memset(json, ' ', OAUTHERR_JSON_MAX + 1);
	json[0] = '{';
	json[OAUTHERR_JSON_MAX] = '}';
	ck_assert_int_eq(parse(&e, "{}"), OAUTHERR_OK);
	ck_assert_int_eq(oautherr_parse_json(&e, json, OAUTHERR_JSON_MAX + 1),
			 OAUTHERR_TOO_LONG);
	ck_assert_int_eq(oautherr_parse_json(&e, json, OAUTHERR_JSON_MAX),
			 OAUTHERR_BAD_JSON);
	json[OAUTHERR_JSON_MAX - 1] = '}';
	ck_assert_int_eq(oautherr_parse_json(&e, json, OAUTHERR_JSON_MAX),
			 OAUTHERR_OK);
	free(json);
}
END_TEST

START_TEST(test_control_bytes)
{
	static const char *const bad[] = {
		"{\"status\":\"4\x01" "01\"}", "{\"status\":\"\x1b[2J\"}",
		"{\"status\":\"a\nb\"}", "{\"status\":\"\\u0000\"}",
		"{\"status\":\"\\x41\"}", "{\"status\":\"\\u12\"}",
		"{\"status\":\"\\ud800\"}", "{\"status\":\"\\udc00x\"}",
		"{\"status\":\"\\ud800\\u0041\"}", "{\"status\":\"\xff\"}",
		"{\"status\":\"\xc0\xaf\"}", "{\"status\":\"\\\"}",
		"{\"st\x01\":\"1\"}",
	};
	struct oautherr e;
	char line[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(&e, bad[i]) == OAUTHERR_BAD_JSON, "%zu",
			      i);
	/* Escaped controls are decoded, then escaped again when shown. */
	ck_assert_int_eq(parse(&e, "{\"scope\":\"a\\u001b[2Jb\\n\\ud83d"
			       "\\ude00\\u202e\"}"), OAUTHERR_OK);
	ck_assert_str_eq(e.scope.text,
			 "a\x1b[2Jb\n\xf0\x9f\x98\x80\xe2\x80\xae");
	oautherr_summary(&e, line, sizeof(line));
	ck_assert_str_eq(line, "scope \"a\\e[2Jb\\n\xf0\x9f\x98\x80"
			 "\\u202e\"");
}
END_TEST

START_TEST(test_nested_and_not_object)
{
	static const char *const nested[] = {
		"{\"status\":{\"a\":1}}", "{\"status\":[\"401\"]}",
		"{\"x\":[]}", "{\"x\":{}}",
	};
	static const char *const not_object[] = {
		"\"401\"", "[{\"status\":\"401\"}]", "401", "null", " true",
	};
	struct oautherr e;

	for (size_t i = 0; i < sizeof(nested) / sizeof(nested[0]); i++)
		ck_assert_int_eq(decode_json(&e, nested[i],
					     strlen(nested[i])),
				 OAUTHERR_NESTED);
	for (size_t i = 0; i < sizeof(not_object) / sizeof(not_object[0]);
	     i++)
		ck_assert_int_eq(decode_json(&e, not_object[i],
					     strlen(not_object[i])),
				 OAUTHERR_NOT_OBJECT);
}
END_TEST

START_TEST(test_duplicates_and_members)
{
	char json[32 * 16 + 16];
	size_t len = 1;
	struct oautherr e;

	ck_assert_int_eq(parse(&e, "{\"status\":\"401\",\"status\":\"403\"}"),
			 OAUTHERR_OK);
	ck_assert_str_eq(e.status.text, "401");
	ck_assert(e.duplicate);
	ck_assert_int_eq(e.reason, OAUTHERR_REASON_TOKEN);
	ck_assert_int_eq(parse(&e, "{\"x\":1,\"x\":2}"), OAUTHERR_OK);
	ck_assert(!e.duplicate);
	/* OAUTHERR_MEMBERS_MAX members pass, one more does not. */
	json[0] = '{';
	for (int i = 0; i < OAUTHERR_MEMBERS_MAX; i++)
		len += (size_t)sprintf(json + len, "%s\"m%d\":%d",
				       i > 0 ? "," : "", i, i);
	memcpy(json + len, "}", 2);
	ck_assert_int_eq(parse(&e, json), OAUTHERR_OK);
	memcpy(json + len, ",\"n\":0}", 8);
	ck_assert_int_eq(parse(&e, json), OAUTHERR_TOO_MANY);
}
END_TEST

START_TEST(test_lines_cut)
{
	struct oautherr e;
	char small[12];
	size_t n;

	ck_assert_int_eq(parse(&e, gmail), OAUTHERR_OK);
	n = oautherr_summary(&e, small, sizeof(small));
	ck_assert_uint_eq(n, sizeof(small) - 1);
	ck_assert_str_eq(small, "status \"...");
	n = oautherr_hint(&e, NULL, small, sizeof(small));
	ck_assert_uint_eq(n, strlen(small));
	ck_assert_str_eq(small + n - 3, "...");
	ck_assert_uint_eq(oautherr_summary(&e, small, 0), 0);
	ck_assert_int_eq(parse(&e, "{}"), OAUTHERR_OK);
	oautherr_summary(&e, small, sizeof(small));
	ck_assert_str_eq(small, "no members");
}
END_TEST

Suite *
suite_oautherr(void)
{
	Suite *s = suite_create("oautherr");

	units_case(s, "documented", test_google_doc, test_gmail,
		   test_microsoft, test_rfc7628, NULL);
	units_case(s, "reasons", test_scope, test_request_names_user,
		   test_unknown, NULL);
	units_case(s, "hostile", test_bad_base64, test_too_long,
		   test_truncated_json, test_numbers_literals,
		   test_huge_values, test_control_bytes,
		   test_nested_and_not_object, test_duplicates_and_members,
		   NULL);
	units_case(s, "lines", test_lines_cut, NULL);
	return s;
}
