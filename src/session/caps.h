/* caps.h - a server's capabilities and what they allow: the login
 * mechanism, commands after LOGIN, STARTTLS, LIST options, literals.
 * Pure functions: no socket, no session. */
#ifndef IMAPCONN_CAPS_H
#define IMAPCONN_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "fail.h"

struct imap_response;

/* Every capability the server named: no count limit but the size of
 * the response that carried them, so none that matters
 * (LOGINDISABLED, STARTTLS, AUTH=) can be dropped. */
struct caps {
	size_t n;
	char **name;	/* n names as the server spelt them (compare with
			 * caps_has); array and names owned */
};

enum mech {
	MECH_NONE = 0,		/* LOGINDISABLED and no AUTH=PLAIN */
	MECH_PLAIN_IR,		/* AUTHENTICATE PLAIN with SASL-IR */
	MECH_PLAIN,		/* AUTHENTICATE PLAIN, then "+" */
	MECH_LOGIN,
	/* AUTHENTICATE with a SASL exchange (session_sasl.c): */
	MECH_SCRAM_SHA256_PLUS,
	MECH_SCRAM_SHA1_PLUS,
	MECH_SCRAM_SHA256,
	MECH_SCRAM_SHA1,
	MECH_GSSAPI,
	MECH_EXTERNAL,
	MECH_CRAM_MD5,
	MECH_OAUTHBEARER,
	MECH_XOAUTH2,
	MECH_COUNT
};

/* What a login can use besides what the server offers. */
struct mech_creds {
	unsigned auth_mechs;	/* CONN_AUTH_* from --auth; 0: any */
	bool password;		/* a password was given */
	bool token;		/* an OAuth 2.0 token was given */
	bool client_cert;	/* a TLS client certificate is in use */
	bool tls;		/* the connection is TLS */
	bool exporter;		/* its channel binding is tls-exporter
				 * (TLS 1.3) rather than tls-unique */
	bool no_scram;		/* SCRAM only when named with --auth */
};

/* Free the names; c is empty after (and may be reused). */
void caps_clear(struct caps *c);

/* Whether c names name, compared without regard to case as IMAP does
 * (the names keep the server's spelling). */
bool caps_has(const struct caps *c, const char *name);

/* Replace c with the capabilities r carries ("* CAPABILITY ..." or a
 * [CAPABILITY ...] code); true when it had some, else c is left as it
 * was.  r stays the caller's. */
bool caps_take(struct caps *c, const struct imap_response *r);

/* The imap_cmd flags c allows: literals as {n+} with LITERAL+, small
 * ones with LITERAL-, else none. */
unsigned caps_cmd_flags(const struct caps *c);

/* The LIST RETURN options (IMAP_LIST_*) c allows: none without
 * LIST-EXTENDED. */
unsigned caps_list_options(const struct caps *c);

/* Whether auth_mechs (CONN_AUTH_* from --auth; 0: any) allows m. */
bool caps_mech_allowed(unsigned auth_mechs, enum mech m);

/* The SASL name of m ("SCRAM-SHA-256-PLUS"; "PLAIN" for both PLAIN
 * forms); "" for MECH_NONE. */
const char *caps_mech_name(enum mech m);

/* Whether m runs as a SASL exchange (session_sasl.c) rather than
 * LOGIN or the one-line AUTHENTICATE PLAIN. */
bool caps_mech_is_sasl(enum mech m);

/* The CONN_AUTH_* bit of the --auth name (any case) of len bytes; 0
 * when imapconn knows no such mechanism. */
unsigned caps_mech_bit(const char *name, size_t len);

/* The --auth names, for messages: "login, plain, scram-sha-256, ..." */
const char *caps_mech_names(void);

/* AUTHENTICATE PLAIN when c offers it and auth_mechs allows it: with
 * SASL-IR MECH_PLAIN_IR, else MECH_PLAIN; MECH_NONE when not. */
enum mech caps_plain_mech(const struct caps *c, unsigned auth_mechs);

/* The login mechanism c and auth_mechs allow with a password only:
 * LOGIN first (it shares a write with LIST) unless LOGINDISABLED,
 * then AUTHENTICATE PLAIN; MECH_NONE when neither. */
enum mech caps_choose_mech(const struct caps *c, unsigned auth_mechs);

/* The strongest mechanism c offers that cr can serve and allows: with
 * a token OAUTHBEARER then XOAUTH2; with a password SCRAM-SHA-256-PLUS
 * and SCRAM-SHA-1-PLUS (over TLS), SCRAM-SHA-256, SCRAM-SHA-1, then
 * as caps_choose_mech(), then CRAM-MD5 when named; GSSAPI when named;
 * EXTERNAL when named, or with a client certificate and nothing else
 * to log in with.  MECH_NONE when none. */
enum mech caps_best_mech(const struct caps *c, const struct mech_creds *cr);

/* The mechanism to use right after STARTTLS from before, what was
 * said before TLS: LOGIN when allowed then (it stays allowed after
 * it) and nothing stronger was offered, else MECH_NONE: only
 * CAPABILITY can tell. */
enum mech caps_mech_after_tls(const struct caps *before,
			      const struct mech_creds *cr);

/* Whether commands may follow LOGIN in its write: c offers ID or
 * SASL-IR.  Servers without either, such as Courier IMAP, hand the
 * connection to another process after the login and lose what came
 * behind it. */
bool caps_login_pipelines(const struct caps *c);

/* Why STARTTLS cannot run on a plain connection whose greeting was
 * PREAUTH (preauth) or whose capabilities are c: FAIL_R_NONE when it
 * can. */
enum fail_reason caps_starttls_refusal(const struct caps *c, bool preauth);

/* Why no login mechanism can be used when c allows none of those
 * auth_mechs allows: LOGINDISABLED unless only PLAIN was allowed;
 * FAIL_R_MECH_NOT_OFFERED when --auth named a mechanism other than
 * LOGIN and PLAIN. */
enum fail_reason caps_no_mech_reason(unsigned auth_mechs);

/* Whether imapconn can log in with the SASL mechanism name of len
 * bytes (any case, without "AUTH="): one it implements. */
bool caps_mech_usable(const char *name, size_t len);

/* The mechanisms c offers (its AUTH= names without "AUTH=", as the
 * server spelt them, space-separated) into buf of cap bytes, cut at a
 * name that does not fit; "" when none.  Not escaped. */
void caps_offered_mechs(const struct caps *c, char *buf, size_t cap);

/* Why the mechanisms c offers and the credentials cr do not meet,
 * when caps_best_mech() found none: FAIL_R_EXTERNAL_NO_CERT (--auth
 * names EXTERNAL, offered, and no client certificate),
 * FAIL_R_OAUTH_NOT_OFFERED (a token and neither OAUTHBEARER nor
 * XOAUTH2 offered and allowed), FAIL_R_TOKEN_NEEDED (a password, no
 * token, and an OAuth mechanism offered and allowed); FAIL_R_NONE
 * when none of these. */
enum fail_reason caps_creds_mismatch(const struct caps *c,
				     const struct mech_creds *cr);

#endif
