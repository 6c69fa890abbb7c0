/* caps.c - a server's capabilities and the choices they decide, as
 * pure functions of the names and the settings. */
#include <stdlib.h>
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

bool
caps_mech_allowed(unsigned auth_mechs, enum mech m)
{
	unsigned want = m == MECH_LOGIN ? CONN_AUTH_LOGIN : CONN_AUTH_PLAIN;

	return auth_mechs == 0 || (auth_mechs & want) != 0;
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

enum mech
caps_mech_after_tls(const struct caps *before, unsigned auth_mechs)
{
	/* LOGIN allowed before TLS stays allowed after it; anything else
	 * waits for CAPABILITY, which costs nothing: AUTHENTICATE could
	 * not share its write anyway. */
	if (!caps_has(before, "LOGINDISABLED")
	    && caps_mech_allowed(auth_mechs, MECH_LOGIN))
		return MECH_LOGIN;
	return MECH_NONE;
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
	if (caps_mech_allowed(auth_mechs, MECH_LOGIN))
		return FAIL_R_LOGINDISABLED;
	return FAIL_R_PLAIN_NOT_OFFERED;
}
