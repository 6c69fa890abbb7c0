/* config.c - defaults and small helpers for connection settings. */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "config.h"
#include "names.h"
#include "redact.h"

void
tls_opts_init(struct tls_opts *t)
{
	memset(t, 0, sizeof(*t));
	t->verify = true;
	t->verify_depth = -1;
	t->min_version = TLSV_DEFAULT;
	t->max_version = TLSV_DEFAULT;
}

void
endpoint_init(struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->kind = ADDR_NAME;
	ep->starttls = STARTTLS_OFF;
	tls_opts_init(&ep->tls);
}

void
config_init(struct conn_config *c)
{
	memset(c, 0, sizeof(*c));
	endpoint_init(&c->ep);
	c->timeout_s = 30.0;
	c->transcript = true;
}

double
config_deadline_s(const struct conn_config *c)
{
	return c->deadline_s > 0 ? c->deadline_s : 4 * c->timeout_s;
}

uint16_t
endpoint_port(const struct endpoint *ep)
{
	if (ep->port != 0)
		return ep->port;
	return ep->ssl ? 993 : 143;
}

void
endpoint_tls_default(struct endpoint *ep)
{
	if (!ep->ssl_set)
		ep->ssl = !ep->starttls_set && ep->port == 993;
	if (!ep->starttls_set)
		ep->starttls = ep->ssl ? STARTTLS_OFF : STARTTLS_REQUIRED;
}

const char *
starttls_mode_name(enum starttls_mode m)
{
	switch (m) {
	case STARTTLS_OFF:
		return "off";
	case STARTTLS_REQUIRED:
		return "required";
	case STARTTLS_OPPORTUNISTIC:
		return "opportunistic";
	}
	return "unknown";
}

static const char *const tls_version_names[] = {
	[TLSV_DEFAULT] = "default",
	[TLSV_1_0] = "1.0",
	[TLSV_1_1] = "1.1",
	[TLSV_1_2] = "1.2",
	[TLSV_1_3] = "1.3",
};

const char *
tls_version_name(enum tls_version v)
{
	return NAMES_GET(tls_version_names, v, "unknown");
}

int
tls_version_parse(const char *s, enum tls_version *out)
{
	if (strncasecmp(s, "tlsv", 4) == 0)
		s += 4;
	else if (strncasecmp(s, "tls", 3) == 0)
		s += 3;
	for (int v = TLSV_1_0; v <= TLSV_1_3; v++) {
		if (strcmp(s, tls_version_names[v]) == 0) {
			*out = (enum tls_version)v;
			return 0;
		}
	}
	return -1;
}

void
tls_opts_wipe(struct tls_opts *t)
{
	OPENSSL_cleanse(t->key_password, sizeof(t->key_password));
}

void
config_wipe(struct conn_config *c)
{
	struct redact r;

	/* The command stays to be shown: without the password in it. */
	redact_init(&r);
	if (c->tunnel[0] != '\0' && c->password[0] != '\0'
	    && redact_add_secret(&r, c->user, c->password) == 0)
		redact_buf(&r, c->tunnel, sizeof(c->tunnel));
	redact_wipe(&r);
	OPENSSL_cleanse(c->password, sizeof(c->password));
	OPENSSL_cleanse(c->oauth_token, sizeof(c->oauth_token));
	c->have_password = false;
	tls_opts_wipe(&c->ep.tls);
}
