/* providers.c - the largest mail providers' documented IMAP settings
 * and login rules (as each documents them), found from a host name. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "providers.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The domains that name each provider, ending a host name. */
static const struct {
	struct provider p;
	const char *domains[5];
} table[] = {
	{ { "Gmail", "imap.gmail.com", false, "an app password (Google "
	    "Account > Security > 2-Step Verification > App passwords) or "
	    "OAuth 2.0 (--oauth-token-command, scope "
	    "https://mail.google.com/)" },
	  { "gmail.com", "googlemail.com", "google.com" } },
	{ { "Outlook.com and Microsoft 365", "outlook.office365.com", false,
	    "OAuth 2.0 only (--oauth-token-command, scope "
	    "https://outlook.office.com/IMAP.AccessAsUser.All)" },
	  { "office365.com", "outlook.com", "hotmail.com", "live.com" } },
	{ { "Yahoo Mail", "imap.mail.yahoo.com", false, "an app password "
	    "(Account Security > Generate app password)" },
	  { "yahoo.com", "yahoo.co.uk", "ymail.com" } },
	{ { "iCloud Mail", "imap.mail.me.com", false, "an app-specific "
	    "password (appleid.apple.com), with the user the part of the "
	    "address before @" },
	  { "me.com", "icloud.com", "mac.com" } },
	{ { "Fastmail", "imap.fastmail.com", false, "an app password "
	    "(Settings > Privacy & Security > App passwords)" },
	  { "fastmail.com", "messagingengine.com" } },
	{ { "GMX", "imap.gmx.net", true, "the account password once IMAP "
	    "is allowed (web mail: Settings > POP3 & IMAP)" },
	  { "gmx.net", "gmx.com", "gmx.de" } },
	{ { "mailbox.org", "imap.mailbox.org", true, "the account "
	    "password" },
	  { "mailbox.org" } },
	{ { "Zoho Mail", "imap.zoho.com", true, "the account password once "
	    "IMAP access is enabled in the settings, or an "
	    "application-specific password with two-factor authentication" },
	  { "zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zoho.jp" } },
};

/* Whether host is domain or ends with "." domain (any case); len is
 * host's length without a trailing dot. */
static bool
in_domain(const char *host, size_t len, const char *domain)
{
	size_t d = strlen(domain);

	if (len < d || strncasecmp(host + len - d, domain, d) != 0)
		return false;
	return len == d || host[len - d - 1] == '.';
}

const struct provider *
providers_find(const char *host)
{
	size_t len = strlen(host);

	if (len > 0 && host[len - 1] == '.')
		len--;
	for (size_t i = 0; i < NELEM(table); i++)
		for (size_t k = 0; k < NELEM(table[i].domains); k++)
			if (table[i].domains[k] != NULL
			    && in_domain(host, len, table[i].domains[k]))
				return &table[i].p;
	return NULL;
}
