/* sasl.h - the client side of one SASL exchange, base64 in and out:
 * SCRAM (with channel binding), GSSAPI, EXTERNAL, CRAM-MD5, PLAIN and
 * LOGIN through GNU SASL; OAUTHBEARER and XOAUTH2 written here.  No
 * socket, no session. */
#ifndef IMAPCONN_SASL_H
#define IMAPCONN_SASL_H

#include <stdbool.h>
#include <stddef.h>

struct sasl;

/* What the mechanism may need; strings stay the caller's and only
 * need to live through sasl_new(). */
struct sasl_input {
	const char *mech;	/* SASL name: "SCRAM-SHA-256-PLUS" */
	const char *user;
	const char *password;	/* NULL: none */
	const char *token;	/* OAuth 2.0 bearer token; NULL: none */
	const char *service;	/* GSSAPI: "imap" */
	const char *host;	/* GSSAPI, OAUTHBEARER: the server's name */
	unsigned port;		/* OAUTHBEARER */
	const char *cb_type;	/* "tls-exporter", "tls-unique"; NULL:
				 * not TLS */
	const unsigned char *cb;	/* cb_len bytes of channel binding */
	size_t cb_len;
};

enum sasl_rc {
	SASL_OK = 0,		/* *out is the answer to send */
	SASL_BAD_SERVER,	/* the server's message is wrong: a SCRAM
				 * nonce or signature that does not
				 * match, or one that does not parse */
	SASL_ERROR		/* anything else (err says what) */
};

/* A new exchange for in->mech; NULL with err filled when the
 * mechanism or what it needs is missing. */
struct sasl *sasl_new(const struct sasl_input *in, char *err, size_t cap);

/* Whether the client speaks first (the initial response of SASL-IR):
 * false for CRAM-MD5 and LOGIN. */
bool sasl_client_first(const struct sasl *x);

/* Answer the server's challenge in64 (base64; "" for the first step
 * of a client-first mechanism or an empty "+").  *out is base64, ""
 * for an empty answer; free it with sasl_out_free().  A challenge
 * after an OAuth login is the server's error: it is kept (see
 * sasl_challenge()) and answered as RFC 7628 says. */
enum sasl_rc sasl_step(struct sasl *x, const char *in64, char **out,
		       char *err, size_t cap);

/* Whether the client's side ended well: SCRAM verified the server's
 * signature, the other mechanisms sent all they had. */
bool sasl_complete(const struct sasl *x);

/* The server's OAuth error challenge, decoded (raw bytes, hostile);
 * "" when none. */
const char *sasl_challenge(const struct sasl *x);

/* Wipe and free an answer. */
void sasl_out_free(char *out);

/* End the exchange: secrets wiped. */
void sasl_free(struct sasl *x);

#endif
