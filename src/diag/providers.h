/* providers.h - the largest mail providers' documented IMAP settings
 * and login rules, found from a host name, for hints. */
#ifndef IMAPCONN_PROVIDERS_H
#define IMAPCONN_PROVIDERS_H

#include <stdbool.h>

struct provider {
	const char *name;	/* "Gmail" */
	const char *host;	/* its IMAP server, "imap.gmail.com" */
	bool password_taken;	/* the account password works over IMAP
				 * (once IMAP is enabled) */
	const char *fix;	/* what to log in with instead of the account
				 * password, one clause */
};

/* The provider whose domains host (a name, any case, a trailing dot
 * allowed) belongs to, or NULL: "imap.gmail.com" and "gmail.com" give
 * Gmail; "notgmail.com" gives none. */
const struct provider *providers_find(const char *host);

#endif
