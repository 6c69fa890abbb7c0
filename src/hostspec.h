/* hostspec.h - every host form of make-imap-connection, into an endpoint.
 *
 * Accepted forms (see doc/imapconn.1, HOST SPECIFICATIONS):
 *   imap.example.com            a host name
 *   192.0.2.7                   a dotted IPv4 address
 *   3221225991                  an IPv4 address as an integer
 *   2001:db8::7, [2001:db8::7]:993
 *   host:port                   and the pair ("host" . port)
 *   ("host" :port 993 :ssl t :starttls t :ca-file "..." ...)
 *   imap://user@host:port, imaps://user@host:port (percent-decoded)
 */
#ifndef IMAPCONN_HOSTSPEC_H
#define IMAPCONN_HOSTSPEC_H

#include <stddef.h>

#include "config.h"

#define HOSTSPEC_MSG_MAX 256

struct hostspec_error {
	size_t pos;			/* byte offset in the input */
	char msg[HOSTSPEC_MSG_MAX];	/* what was expected */
};

/* Parse len bytes of text (any bytes, not necessarily NUL-terminated)
 * into *ep, which is first reset with endpoint_init().  Returns 0 on
 * success; -1 with *err filled on error.  Never reads past len. */
int hostspec_parse(const char *text, size_t len, struct endpoint *ep,
		   struct hostspec_error *err);

/* One error line: quotes the input (non-printable bytes escaped),
 * names the position and says what was expected, e.g.
 *   host specification ("h" :port "x") at character 12: port must be
 *   a number 1-65535
 * Always NUL-terminates buf when cap > 0. */
void hostspec_error_format(const struct hostspec_error *err,
			   const char *text, size_t len,
			   char *buf, size_t cap);

#endif
