/* check_sasl.c - the client side of SASL exchanges: SCRAM with and
 * without channel binding against GNU SASL's own server (a server
 * whose nonce or signature is wrong is refused), and the OAuth
 * messages and their error challenges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsasl.h>

#include "check_units.h"
#include "sasl.h"

static const unsigned char cb_data[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static int
server_cb(Gsasl *ctx, Gsasl_session *sess, Gsasl_property prop)
{
	if (prop == GSASL_PASSWORD) {
		gsasl_property_set(sess, prop, "s3cret");
		return GSASL_OK;
	}
	if (prop == GSASL_CB_TLS_EXPORTER) {
		char *b64;
		size_t n;

		gsasl_base64_to((const char *)cb_data, sizeof(cb_data), &b64,
				&n);
		gsasl_property_set(sess, prop, b64);
		gsasl_free(b64);
		return GSASL_OK;
	}
	return GSASL_NO_CALLBACK;
}

/* How the test server spoils its messages. */
enum spoil { SPOIL_NONE, SPOIL_NONCE, SPOIL_SIGNATURE };

/* Replace the byte after "key=" in the base64 message *b64. */
static void
spoil(char **b64, const char *key)
{
	char *raw, *p;
	size_t n;

	ck_assert_int_eq(gsasl_base64_from(*b64, strlen(*b64), &raw, &n),
			 GSASL_OK);
	p = memmem(raw, n, key, strlen(key));	/* raw has no NUL */
	ck_assert_ptr_nonnull(p);
	p += strlen(key);
	*p = *p == 'A' ? 'B' : 'A';
	gsasl_free(*b64);
	ck_assert_int_eq(gsasl_base64_to(raw, n, b64, &n), GSASL_OK);
	gsasl_free(raw);
}

/* Run mech between the client and GNU SASL's server; the client's
 * result at the step that ended it (or SASL_OK), *complete whether
 * the client finished. */
static enum sasl_rc
exchange(const char *mech, const char *password, bool cb, enum spoil sp,
	 bool *complete)
{
	struct sasl_input in = {
		.mech = mech, .user = "alice", .password = password,
		.cb_type = cb ? "tls-exporter" : NULL,
		.cb = cb_data, .cb_len = cb ? sizeof(cb_data) : 0,
	};
	char err[200], *c_out = NULL, *s_out = NULL;
	Gsasl *ctx;
	Gsasl_session *srv;
	struct sasl *x = sasl_new(&in, err, sizeof(err));
	enum sasl_rc rc = SASL_OK;
	int srv_rc = GSASL_NEEDS_MORE, round = 0;

	ck_assert_msg(x != NULL, "%s", err);
	ck_assert_int_eq(gsasl_init(&ctx), GSASL_OK);
	gsasl_callback_set(ctx, server_cb);
	ck_assert_int_eq(gsasl_server_start(ctx, mech, &srv), GSASL_OK);
	rc = sasl_step(x, "", &c_out, err, sizeof(err));
	while (rc == SASL_OK && srv_rc == GSASL_NEEDS_MORE) {
		srv_rc = gsasl_step64(srv, c_out, &s_out);
		sasl_out_free(c_out);
		c_out = NULL;
		if (srv_rc != GSASL_OK && srv_rc != GSASL_NEEDS_MORE)
			break;
		round++;
		if (sp == SPOIL_NONCE && round == 1)
			spoil(&s_out, "r=");
		if (sp == SPOIL_SIGNATURE && srv_rc == GSASL_OK)
			spoil(&s_out, "v=");
		rc = sasl_step(x, s_out, &c_out, err, sizeof(err));
		gsasl_free(s_out);
		s_out = NULL;
		if (rc == SASL_OK && srv_rc == GSASL_OK)
			break;
	}
	*complete = sasl_complete(x) && srv_rc == GSASL_OK;
	sasl_out_free(c_out);
	gsasl_finish(srv);
	gsasl_done(ctx);
	sasl_free(x);
	return rc;
}

static const char *const scrams[] = {
	"SCRAM-SHA-256", "SCRAM-SHA-1", "SCRAM-SHA-256-PLUS",
	"SCRAM-SHA-1-PLUS",
};

START_TEST(test_scram_ok)
{
	bool plus = strstr(scrams[_i], "PLUS") != NULL, done;

	ck_assert_int_eq(exchange(scrams[_i], "s3cret", plus, SPOIL_NONE,
				  &done), SASL_OK);
	ck_assert_msg(done, "%s did not finish", scrams[_i]);
	/* Over TLS a SCRAM without -PLUS is given the binding too. */
	ck_assert_int_eq(exchange(scrams[_i], "s3cret", true, SPOIL_NONE,
				  &done), SASL_OK);
	ck_assert_msg(done, "%s over TLS did not finish", scrams[_i]);
}
END_TEST

START_TEST(test_scram_spoilt)
{
	bool plus = strstr(scrams[_i], "PLUS") != NULL, done;

	ck_assert_int_eq(exchange(scrams[_i], "s3cret", plus, SPOIL_NONCE,
				  &done), SASL_BAD_SERVER);
	ck_assert(!done);
	ck_assert_int_eq(exchange(scrams[_i], "s3cret", plus,
				  SPOIL_SIGNATURE, &done), SASL_BAD_SERVER);
	ck_assert(!done);
}
END_TEST

/* The client's first message, decoded. */
static char *
first_message(const struct sasl_input *in, struct sasl **xp)
{
	char err[200], *out, *raw, *z;
	size_t n;

	*xp = sasl_new(in, err, sizeof(err));
	ck_assert_msg(*xp != NULL, "%s", err);
	ck_assert_int_eq(sasl_step(*xp, "", &out, err, sizeof(err)),
			 SASL_OK);
	ck_assert_int_eq(gsasl_base64_from(out, strlen(out), &raw, &n),
			 GSASL_OK);
	sasl_out_free(out);
	/* The decoded bytes carry no NUL of their own. */
	z = malloc(n + 1);
	ck_assert_ptr_nonnull(z);
	memcpy(z, raw, n);
	z[n] = '\0';
	gsasl_free(raw);
	return z;	/* freed with gsasl_free (free) */
}

START_TEST(test_oauthbearer)
{
	struct sasl_input in = {
		.mech = "OAUTHBEARER", .user = "a,b=c@example.com",
		.token = "tok3n", .host = "imap.example.com", .port = 993,
	};
	static const char json[] = "{\"status\":\"invalid_token\"}";
	char err[200], *raw, *out, *b64;
	struct sasl *x;
	size_t n;

	raw = first_message(&in, &x);
	ck_assert_str_eq(raw, "n,a=a=2Cb=3Dc@example.com,\001"
			 "host=imap.example.com\001port=993\001"
			 "auth=Bearer tok3n\001\001");
	gsasl_free(raw);
	ck_assert(sasl_complete(x));
	ck_assert_str_eq(sasl_challenge(x), "");
	/* The error challenge: kept, answered with a single %x01. */
	gsasl_base64_to(json, strlen(json), &b64, &n);
	ck_assert_int_eq(sasl_step(x, b64, &out, err, sizeof(err)), SASL_OK);
	gsasl_free(b64);
	ck_assert_str_eq(out, "AQ==");
	sasl_out_free(out);
	ck_assert_str_eq(sasl_challenge(x), json);
	sasl_free(x);
}
END_TEST

START_TEST(test_xoauth2)
{
	struct sasl_input in = {
		.mech = "XOAUTH2", .user = "bob@example.com",
		.token = "ya29.tok", .host = "h", .port = 993,
	};
	char err[200], *raw, *out;
	struct sasl *x;

	raw = first_message(&in, &x);
	ck_assert_str_eq(raw, "user=bob@example.com\001"
			 "auth=Bearer ya29.tok\001\001");
	gsasl_free(raw);
	/* An empty line answers XOAUTH2's error challenge. */
	ck_assert_int_eq(sasl_step(x, "eyJzdGF0dXMiOiI0MDAifQ==", &out, err,
				   sizeof(err)), SASL_OK);
	ck_assert_str_eq(out, "");
	sasl_out_free(out);
	ck_assert_str_eq(sasl_challenge(x), "{\"status\":\"400\"}");
	sasl_free(x);
}
END_TEST

START_TEST(test_refused_inputs)
{
	struct sasl_input in = {
		.mech = "XOAUTH2", .user = "bob", .host = "h", .port = 993,
	};
	char err[200];

	ck_assert_ptr_null(sasl_new(&in, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "token"));
	in.token = "a\001b";
	ck_assert_ptr_null(sasl_new(&in, err, sizeof(err)));
	in.mech = "NO-SUCH-MECH";
	ck_assert_ptr_null(sasl_new(&in, err, sizeof(err)));
}
END_TEST

Suite *
suite_sasl(void)
{
	Suite *s = suite_create("sasl");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_scram_ok, 0,
			    sizeof(scrams) / sizeof(scrams[0]));
	tcase_add_loop_test(tc, test_scram_spoilt, 0,
			    sizeof(scrams) / sizeof(scrams[0]));
	tcase_add_test(tc, test_oauthbearer);
	tcase_add_test(tc, test_xoauth2);
	tcase_add_test(tc, test_refused_inputs);
	suite_add_tcase(s, tc);
	return s;
}
