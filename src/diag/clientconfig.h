/* clientconfig.h - the IMAP servers of a Thunderbird clientConfig 1.1
 * file (autoconfig), parsed with libxml2 and validated. */
#ifndef IMAPCONN_CLIENTCONFIG_H
#define IMAPCONN_CLIENTCONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CLIENTCONFIG_BODY_MAX (64 * 1024)	/* larger files are refused */

enum clientconfig_socket { CC_SSL, CC_STARTTLS, CC_PLAIN };

/* One incomingServer of type imap. */
struct clientconfig_server {
	char host[CONFIG_HOST_MAX];	/* a valid host name, lower case */
	uint16_t port;
	enum clientconfig_socket socket;
	char username[128];	/* placeholders replaced; escaped */
	char auth[96];		/* the authentication values, "OAuth2
				 * password-cleartext"; escaped */
};

/* Parse a clientConfig document (len bytes, hostile) into at most max
 * servers (*n of them): each incomingServer of type "imap" with a
 * valid host name, port and socket type, in the file's order (its
 * preference); %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% in
 * the username replaced from email (may be "").  0 with said telling
 * how many ("2 IMAP servers"); -1 with said telling what was wrong
 * (not XML, not a clientConfig, no IMAP server, too large).  No entity
 * is expanded and nothing is fetched from the network. */
int clientconfig_parse(const char *xml, size_t len, const char *email,
		       struct clientconfig_server *out, size_t max,
		       size_t *n, char *said, size_t cap);

/* "implicit TLS", "STARTTLS", "plain". */
const char *clientconfig_socket_words(enum clientconfig_socket s);

#endif
