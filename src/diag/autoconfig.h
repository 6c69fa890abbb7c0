/* autoconfig.h - from an address to a server, as Thunderbird looks it
 * up: the domain's autoconfig file (its own host, then .well-known),
 * the Thunderbird ISP database, the same file over plain HTTP (marked
 * unauthenticated), and the domain's MX host when it names a large
 * provider.  Every source is kept with what it said. */
#ifndef IMAPCONN_AUTOCONFIG_H
#define IMAPCONN_AUTOCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clientconfig.h"
#include "config.h"

#define AUTOCONFIG_SERVERS_MAX 4	/* IMAP servers kept per source */

enum autoconfig_kind {
	AC_AUTOCONFIG,		/* https://autoconfig.DOMAIN/mail/... */
	AC_WELL_KNOWN,		/* https://DOMAIN/.well-known/autoconfig/... */
	AC_ISPDB,		/* https://autoconfig.thunderbird.net/v1.1/ */
	AC_AUTOCONFIG_HTTP,	/* http://autoconfig.DOMAIN/mail/...: not
				 * authenticated */
	AC_MX,			/* the MX host names a known provider */
	AC_KIND_COUNT
};

/* What one source said. */
struct autoconfig_source {
	enum autoconfig_kind kind;
	char where[320];	/* the URL asked, or "MX of DOMAIN" */
	bool authenticated;	/* HTTPS with a verified certificate */
	int64_t ms;
	char said[200];		/* "2 IMAP servers", "HTTP 404", ...;
				 * escaped */
	size_t n;
	struct clientconfig_server servers[AUTOCONFIG_SERVERS_MAX];
};

/* Every source for one address or domain. */
struct autoconfig_report {
	char email[CONFIG_STR_MAX];	/* "" when only a domain was given */
	char domain[CONFIG_HOST_MAX];
	struct autoconfig_source src[AC_KIND_COUNT];
};

/* Ask every source at once (the files and the MX record in parallel),
 * each bounded by timeout_s, for name (an
 * address "alice@example.com" or a domain).  ca_file (may be NULL or
 * "") is trusted for HTTPS alongside the system store.  The
 * environment variable IMAPCONN_TEST_CONNECT_TO ("HOST:PORT:ADDR:PORT"
 * entries, comma-separated, as curl's --connect-to) sends the HTTP
 * requests elsewhere: it exists for testing. */
void autoconfig_lookup(struct autoconfig_report *r, const char *name,
		       double timeout_s, const char *ca_file);

/* "autoconfig", "well-known", "ispdb", "autoconfig-http", "mx". */
const char *autoconfig_kind_key(enum autoconfig_kind k);

#endif
