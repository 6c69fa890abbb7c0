/* sasl.c - the client side of one SASL exchange: GNU SASL for the
 * mechanisms it has, OAUTHBEARER (RFC 7628) and XOAUTH2 here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsasl.h>
#include <openssl/crypto.h>

#include "errmsg.h"
#include "sasl.h"

#define SASL_CHALLENGE_MAX 1024	/* bytes of an error challenge kept */
#define SASL_OAUTH_MAX 8192	/* bytes of an OAuth initial response */

enum oauth { OAUTH_NONE, OAUTH_BEARER, OAUTH_XOAUTH2 };

struct sasl {
	Gsasl *ctx;
	Gsasl_session *sess;		/* NULL for OAuth */
	enum oauth oauth;
	char *oauth_ir;			/* secret: the OAuth message */
	size_t oauth_len;
	bool client_first;
	bool complete;
	bool sent;			/* OAuth: the message went out */
	char challenge[SASL_CHALLENGE_MAX + 1];
};

/* Copy s into buf at *off, "," and "=" escaped as RFC 5801 says when
 * esc; false when it does not fit. */
static bool
put(char *buf, size_t cap, size_t *off, const char *s, bool esc)
{
	for (; *s != '\0'; s++) {
		const char *rep = esc && *s == ',' ? "=2C" :
				  esc && *s == '=' ? "=3D" : NULL;
		size_t n = rep != NULL ? 3 : 1;

		if (cap - *off <= n)
			return false;
		memcpy(buf + *off, rep != NULL ? rep : s, n);
		*off += n;
	}
	buf[*off] = '\0';
	return true;
}

/* The OAuth message: RFC 7628's for OAUTHBEARER, Google's for
 * XOAUTH2.  \001 separates its fields. */
static int
oauth_message(struct sasl *x, const struct sasl_input *in)
{
	char port[16];
	size_t off = 0, cap = SASL_OAUTH_MAX;
	bool ok;

	x->oauth_ir = malloc(cap);
	if (x->oauth_ir == NULL)
		return -1;
	snprintf(port, sizeof(port), "%u", in->port);
	if (x->oauth == OAUTH_BEARER)
		ok = put(x->oauth_ir, cap, &off, "n,a=", false)
		     && put(x->oauth_ir, cap, &off, in->user, true)
		     && put(x->oauth_ir, cap, &off, ",\001host=", false)
		     && put(x->oauth_ir, cap, &off, in->host, false)
		     && put(x->oauth_ir, cap, &off, "\001port=", false)
		     && put(x->oauth_ir, cap, &off, port, false)
		     && put(x->oauth_ir, cap, &off, "\001auth=Bearer ", false);
	else
		ok = put(x->oauth_ir, cap, &off, "user=", false)
		     && put(x->oauth_ir, cap, &off, in->user, false)
		     && put(x->oauth_ir, cap, &off, "\001auth=Bearer ", false);
	ok = ok && put(x->oauth_ir, cap, &off, in->token, false)
	     && put(x->oauth_ir, cap, &off, "\001\001", false);
	x->oauth_len = off;
	return ok ? 0 : -1;
}

static struct sasl *
oauth_new(struct sasl *x, const struct sasl_input *in, char *err,
	  size_t cap)
{
	x->oauth = strcasecmp(in->mech, "OAUTHBEARER") == 0 ? OAUTH_BEARER
							     : OAUTH_XOAUTH2;
	x->client_first = true;
	if (in->token == NULL || in->token[0] == '\0') {
		errmsg(err, cap, "%s needs an OAuth 2.0 token", in->mech);
	} else if (in->user == NULL || in->host == NULL
		   || strpbrk(in->user, "\001\r\n") != NULL
		   || strpbrk(in->token, "\001\r\n") != NULL) {
		errmsg(err, cap, "%s: the user or token holds a control "
		       "character", in->mech);
	} else if (oauth_message(x, in) != 0) {
		errmsg(err, cap, "%s: the token is too long", in->mech);
	} else {
		return x;
	}
	sasl_free(x);
	return NULL;
}

/* Channel binding for the -PLUS mechanisms, base64 as GNU SASL takes
 * it.  (GNU SASL refuses to start a SCRAM without -PLUS that has one,
 * so the client says "n" there, not "y".) */
static int
set_binding(struct sasl *x, const struct sasl_input *in)
{
	char *b64 = NULL;
	size_t len;
	Gsasl_property p;

	if (in->cb_type == NULL || in->cb_len == 0)
		return 0;
	p = strcmp(in->cb_type, "tls-unique") == 0 ? GSASL_CB_TLS_UNIQUE
						   : GSASL_CB_TLS_EXPORTER;
	if (gsasl_base64_to((const char *)in->cb, in->cb_len, &b64, &len)
	    != GSASL_OK)
		return -1;
	gsasl_property_set(x->sess, p, b64);
	gsasl_free(b64);
	return 0;
}

static void
set_prop(struct sasl *x, Gsasl_property p, const char *v)
{
	if (v != NULL && v[0] != '\0')
		gsasl_property_set(x->sess, p, v);
}

static struct sasl *
gsasl_new(struct sasl *x, const struct sasl_input *in, char *err,
	  size_t cap)
{
	int rc = gsasl_init(&x->ctx);

	if (rc == GSASL_OK)
		rc = gsasl_client_start(x->ctx, in->mech, &x->sess);
	if (rc != GSASL_OK) {
		errmsg(err, cap, "GNU SASL cannot start %s: %s", in->mech,
		       gsasl_strerror(rc));
		sasl_free(x);
		return NULL;
	}
	x->client_first = strcasecmp(in->mech, "CRAM-MD5") != 0
			  && strcasecmp(in->mech, "LOGIN") != 0;
	if (strcasecmp(in->mech, "EXTERNAL") != 0
	    && strcasecmp(in->mech, "GSSAPI") != 0)
		set_prop(x, GSASL_AUTHID, in->user);
	set_prop(x, GSASL_PASSWORD, in->password);
	set_prop(x, GSASL_SERVICE, in->service);
	set_prop(x, GSASL_HOSTNAME, in->host);
	if (strncasecmp(in->mech, "SCRAM-", 6) == 0
	    && strstr(in->mech, "-PLUS") != NULL
	    && set_binding(x, in) != 0) {
		errmsg(err, cap, "out of memory");
		sasl_free(x);
		return NULL;
	}
	return x;
}

struct sasl *
sasl_new(const struct sasl_input *in, char *err, size_t cap)
{
	struct sasl *x = calloc(1, sizeof(*x));

	if (x == NULL) {
		errmsg(err, cap, "out of memory");
		return NULL;
	}
	if (strcasecmp(in->mech, "OAUTHBEARER") == 0
	    || strcasecmp(in->mech, "XOAUTH2") == 0)
		return oauth_new(x, in, err, cap);
	return gsasl_new(x, in, err, cap);
}

bool
sasl_client_first(const struct sasl *x)
{
	return x->client_first;
}

/* base64 of n bytes of p into *out ("" when n is 0). */
static int
b64_out(const char *p, size_t n, char **out)
{
	size_t len;

	if (n == 0) {
		*out = strdup("");
		return *out != NULL ? 0 : -1;
	}
	return gsasl_base64_to(p, n, out, &len) == GSASL_OK ? 0 : -1;
}

/* The OAuth side: the message first, then the answer to the server's
 * error challenge, which is kept. */
static enum sasl_rc
oauth_step(struct sasl *x, const char *in64, char **out, char *err,
	   size_t cap)
{
	char *raw = NULL;
	size_t len = 0;

	if (!x->sent) {
		x->sent = true;
		x->complete = true;
		if (b64_out(x->oauth_ir, x->oauth_len, out) != 0)
			return SASL_ERROR;
		return SASL_OK;
	}
	if (in64[0] != '\0' && gsasl_base64_from(in64, strlen(in64), &raw,
						 &len) != GSASL_OK) {
		errmsg(err, cap, "the server's error challenge is not "
		       "base64");
		len = 0;
	}
	if (len > SASL_CHALLENGE_MAX)
		len = SASL_CHALLENGE_MAX;
	if (raw != NULL)
		memcpy(x->challenge, raw, len);
	x->challenge[len] = '\0';
	gsasl_free(raw);
	/* RFC 7628 3.2.3: a single %x01 ends the exchange; XOAUTH2 takes
	 * an empty line. */
	return b64_out("\001", x->oauth == OAUTH_BEARER ? 1 : 0, out) == 0
	       ? SASL_OK : SASL_ERROR;
}

enum sasl_rc
sasl_step(struct sasl *x, const char *in64, char **out, char *err,
	  size_t cap)
{
	int rc;

	*out = NULL;
	if (x->oauth != OAUTH_NONE)
		return oauth_step(x, in64, out, err, cap);
	if (x->complete) {
		errmsg(err, cap, "the server sent a challenge after the "
		       "exchange had ended");
		return SASL_BAD_SERVER;
	}
	rc = gsasl_step64(x->sess, in64, out);
	if (rc == GSASL_OK) {
		x->complete = true;
		return SASL_OK;
	}
	if (rc == GSASL_NEEDS_MORE)
		return SASL_OK;
	sasl_out_free(*out);
	*out = NULL;
	errmsg(err, cap, "%s", gsasl_strerror(rc));
	if (rc == GSASL_AUTHENTICATION_ERROR
	    || rc == GSASL_MECHANISM_PARSE_ERROR || rc == GSASL_BASE64_ERROR)
		return SASL_BAD_SERVER;
	return SASL_ERROR;
}

bool
sasl_complete(const struct sasl *x)
{
	return x->complete;
}

const char *
sasl_challenge(const struct sasl *x)
{
	return x->challenge;
}

void
sasl_out_free(char *out)
{
	if (out == NULL)
		return;
	OPENSSL_cleanse(out, strlen(out));
	gsasl_free(out);
}

void
sasl_free(struct sasl *x)
{
	if (x == NULL)
		return;
	if (x->sess != NULL)
		gsasl_finish(x->sess);
	if (x->ctx != NULL)
		gsasl_done(x->ctx);
	if (x->oauth_ir != NULL) {
		OPENSSL_cleanse(x->oauth_ir, SASL_OAUTH_MAX);
		free(x->oauth_ir);
	}
	OPENSSL_cleanse(x, sizeof(*x));
	free(x);
}
