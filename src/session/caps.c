/* caps.c - a server's capabilities and the choices they decide, as
 * pure functions of the names and the settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "config.h"
#include "imap_cmd.h"
#include "imap_parse.h"

void
caps_clear(struct caps *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->name[i]);
	free(c->name);
	c->name = NULL;
	c->n = 0;
}

bool
caps_has(const struct caps *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcasecmp(c->name[i], name) == 0)
			return true;
	return false;
}

bool
caps_take(struct caps *c, const struct imap_response *r)
{
	char **names = NULL;
	size_t n = 0;

	if (imap_resp_capabilities(r, &names, &n) != 0)
		return false;
	caps_clear(c);
	c->name = names;
	c->n = n;
	return true;
}

unsigned
caps_cmd_flags(const struct caps *c)
{
	if (caps_has(c, "LITERAL+"))
		return IMAP_CMD_LITERAL_PLUS;
	if (caps_has(c, "LITERAL-"))
		return IMAP_CMD_LITERAL_MINUS;
	return 0;
}

unsigned
caps_list_options(const struct caps *c)
{
	unsigned ret = 0;

	if (!caps_has(c, "LIST-EXTENDED"))
		return 0;
	if (caps_has(c, "CHILDREN"))
		ret |= IMAP_LIST_CHILDREN;
	if (caps_has(c, "SPECIAL-USE"))
		ret |= IMAP_LIST_SPECIAL_USE;
	if (caps_has(c, "LIST-STATUS"))
		ret |= IMAP_LIST_STATUS;
	return ret;
}

/* What a mechanism needs, in the order of preference. */
enum cred { CRED_PASSWORD, CRED_TOKEN, CRED_TICKET, CRED_CERT };

static const struct mech_info {
	enum mech m;
	const char *name;	/* as in AUTH= */
	const char *opt;	/* as --auth takes it */
	unsigned bit;
	enum cred cred;
	bool plus;		/* channel binding: TLS only */
	bool by_default;	/* chosen without --auth */
} mechs[] = {
	{ MECH_OAUTHBEARER, "OAUTHBEARER", "oauthbearer",
	  CONN_AUTH_OAUTHBEARER, CRED_TOKEN, false, true },
	{ MECH_XOAUTH2, "XOAUTH2", "xoauth2", CONN_AUTH_XOAUTH2, CRED_TOKEN,
	  false, true },
	{ MECH_SCRAM_SHA256_PLUS, "SCRAM-SHA-256-PLUS", "scram-sha-256-plus",
	  CONN_AUTH_SCRAM_SHA256_PLUS, CRED_PASSWORD, true, true },
	{ MECH_SCRAM_SHA1_PLUS, "SCRAM-SHA-1-PLUS", "scram-sha-1-plus",
	  CONN_AUTH_SCRAM_SHA1_PLUS, CRED_PASSWORD, true, true },
	{ MECH_SCRAM_SHA256, "SCRAM-SHA-256", "scram-sha-256",
	  CONN_AUTH_SCRAM_SHA256, CRED_PASSWORD, false, true },
	{ MECH_SCRAM_SHA1, "SCRAM-SHA-1", "scram-sha-1",
	  CONN_AUTH_SCRAM_SHA1, CRED_PASSWORD, false, true },
	/* LOGIN and PLAIN come here, chosen by caps_choose_mech(). */
	{ MECH_LOGIN, "LOGIN", "login", CONN_AUTH_LOGIN, CRED_PASSWORD,
	  false, true },
	{ MECH_PLAIN, "PLAIN", "plain", CONN_AUTH_PLAIN, CRED_PASSWORD,
	  false, true },
	{ MECH_CRAM_MD5, "CRAM-MD5", "cram-md5", CONN_AUTH_CRAM_MD5,
	  CRED_PASSWORD, false, false },
	{ MECH_GSSAPI, "GSSAPI", "gssapi", CONN_AUTH_GSSAPI, CRED_TICKET,
	  false, false },
	{ MECH_EXTERNAL, "EXTERNAL", "external", CONN_AUTH_EXTERNAL,
	  CRED_CERT, false, false },
};

#define N_MECHS (sizeof(mechs) / sizeof(mechs[0]))

static const struct mech_info *
mech_info(enum mech m)
{
	if (m == MECH_PLAIN_IR)
		m = MECH_PLAIN;
	for (size_t i = 0; i < N_MECHS; i++)
		if (mechs[i].m == m)
			return &mechs[i];
	return NULL;
}

bool
caps_mech_allowed(unsigned auth_mechs, enum mech m)
{
	const struct mech_info *mi = mech_info(m);

	if (mi == NULL)
		return false;
	return auth_mechs == 0 || (auth_mechs & mi->bit) != 0;
}

const char *
caps_mech_name(enum mech m)
{
	const struct mech_info *mi = mech_info(m);

	return mi != NULL ? mi->name : "";
}

bool
caps_mech_is_sasl(enum mech m)
{
	return m > MECH_LOGIN && m < MECH_COUNT;
}

unsigned
caps_mech_bit(const char *name, size_t len)
{
	for (size_t i = 0; i < N_MECHS; i++)
		if (strlen(mechs[i].opt) == len
		    && strncasecmp(mechs[i].opt, name, len) == 0)
			return mechs[i].bit;
	return 0;
}

const char *
caps_mech_names(void)
{
	return "login, plain, scram-sha-256-plus, scram-sha-1-plus, "
	       "scram-sha-256, scram-sha-1, cram-md5, gssapi, external, "
	       "oauthbearer, xoauth2";
}

enum mech
caps_plain_mech(const struct caps *c, unsigned auth_mechs)
{
	if (!caps_has(c, "AUTH=PLAIN")
	    || !caps_mech_allowed(auth_mechs, MECH_PLAIN))
		return MECH_NONE;
	return caps_has(c, "SASL-IR") ? MECH_PLAIN_IR : MECH_PLAIN;
}

/* LOGIN first: LIST goes in the same write as LOGIN, while nothing
 * may follow AUTHENTICATE in its write (RFC 4422: a mechanism may
 * install a security layer, and servers such as Cyrus reset their
 * input after it), so AUTHENTICATE costs a round trip more. */
enum mech
caps_choose_mech(const struct caps *c, unsigned auth_mechs)
{
	if (!caps_has(c, "LOGINDISABLED")
	    && caps_mech_allowed(auth_mechs, MECH_LOGIN))
		return MECH_LOGIN;
	return caps_plain_mech(c, auth_mechs);
}

/* Whether cr can serve mi: its credential is there and, unless named
 * with --auth, it is one chosen by default. */
static bool
creds_serve(const struct mech_creds *cr, const struct mech_info *mi)
{
	bool named = (cr->auth_mechs & mi->bit) != 0;

	if (cr->auth_mechs != 0 && !named)
		return false;
	if (mi->plus && !cr->tls)
		return false;
	/* Servers that offer -PLUS over TLS 1.3 do not all bind with
	 * tls-exporter (Cyrus IMAP 3.6 and GNU Mailutils 3.15 refuse the
	 * login): there it is used only when named. */
	if (mi->plus && cr->exporter && !named)
		return false;
	if (cr->no_scram && !named && strncmp(mi->name, "SCRAM-", 6) == 0)
		return false;
	switch (mi->cred) {
	case CRED_PASSWORD:
		return cr->password && (named || mi->by_default);
	case CRED_TOKEN:
		return cr->token;
	case CRED_TICKET:
		return named;
	default:
		return cr->client_cert && (named || (!cr->password
						     && !cr->token));
	}
}

static bool
caps_offers(const struct caps *c, const struct mech_info *mi)
{
	char want[40] = "AUTH=";

	strncat(want, mi->name, sizeof(want) - strlen(want) - 1);
	return caps_has(c, want);
}

enum mech
caps_best_mech(const struct caps *c, const struct mech_creds *cr)
{
	for (size_t i = 0; i < N_MECHS; i++) {
		const struct mech_info *mi = &mechs[i];
		enum mech m;

		if (mi->m == MECH_LOGIN || mi->m == MECH_PLAIN) {
			/* Both at once, as before SCRAM existed. */
			m = cr->password ? caps_choose_mech(c, cr->auth_mechs)
					 : MECH_NONE;
			if (m != MECH_NONE)
				return m;
			continue;
		}
		if (!creds_serve(cr, mi))
			continue;
		if (caps_offers(c, mi))
			return mi->m;
	}
	return MECH_NONE;
}

enum mech
caps_mech_after_tls(const struct caps *before, const struct mech_creds *cr)
{
	struct mech_creds tls = *cr;

	/* LOGIN allowed before TLS stays allowed after it; anything else
	 * waits for CAPABILITY, which costs nothing: AUTHENTICATE could
	 * not share its write anyway. */
	tls.tls = true;
	if (caps_best_mech(before, &tls) != MECH_LOGIN)
		return MECH_NONE;
	return MECH_LOGIN;
}

bool
caps_login_pipelines(const struct caps *c)
{
	return caps_has(c, "ID") || caps_has(c, "SASL-IR");
}

enum fail_reason
caps_starttls_refusal(const struct caps *c, bool preauth)
{
	if (preauth)
		return FAIL_R_PREAUTH_BEFORE_STARTTLS;
	if (!caps_has(c, "STARTTLS"))
		return FAIL_R_STARTTLS_NOT_OFFERED;
	return FAIL_R_NONE;
}

enum fail_reason
caps_no_mech_reason(unsigned auth_mechs)
{
	if ((auth_mechs & ~(CONN_AUTH_LOGIN | CONN_AUTH_PLAIN)) != 0)
		return FAIL_R_MECH_NOT_OFFERED;
	if (caps_mech_allowed(auth_mechs, MECH_LOGIN))
		return FAIL_R_LOGINDISABLED;
	return FAIL_R_PLAIN_NOT_OFFERED;
}

bool
caps_mech_usable(const char *name, size_t len)
{
	return caps_mech_bit(name, len) != 0;
}

void
caps_offered_mechs(const struct caps *c, char *buf, size_t cap)
{
	size_t off = 0;

	if (cap == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < c->n; i++) {
		const char *name = c->name[i];
		size_t n;

		if (strncasecmp(name, "AUTH=", 5) != 0 || name[5] == '\0')
			continue;
		n = strlen(name + 5) + (off > 0);
		if (off + n >= cap)
			break;
		snprintf(buf + off, cap - off, "%s%s", off > 0 ? " " : "",
			 name + 5);
		off += n;
	}
}

/* Whether c offers m and auth_mechs allows it. */
static bool
offered_allowed(const struct caps *c, unsigned auth_mechs, enum mech m)
{
	const struct mech_info *mi = mech_info(m);

	return mi != NULL && caps_offers(c, mi)
	       && caps_mech_allowed(auth_mechs, m);
}

enum fail_reason
caps_creds_mismatch(const struct caps *c, const struct mech_creds *cr)
{
	bool oauth = offered_allowed(c, cr->auth_mechs, MECH_OAUTHBEARER)
		     || offered_allowed(c, cr->auth_mechs, MECH_XOAUTH2);

	if ((cr->auth_mechs & CONN_AUTH_EXTERNAL) != 0 && !cr->client_cert
	    && offered_allowed(c, cr->auth_mechs, MECH_EXTERNAL))
		return FAIL_R_EXTERNAL_NO_CERT;
	if (cr->token && !oauth)
		return FAIL_R_OAUTH_NOT_OFFERED;
	if (cr->password && !cr->token && oauth)
		return FAIL_R_TOKEN_NEEDED;
	return FAIL_R_NONE;
}
