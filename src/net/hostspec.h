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
 * success; -1 with *err filled on error: err->pos <= len is the byte
 * offset where the input went wrong, err->msg says what was expected
 * and never contains a secret.  On error *ep is wiped and reset, so no
 * key password is left in it.  Leading and trailing white space is
 * ignored; a port not given stays 0 (see endpoint_port()).  Never
 * reads past len; the caller keeps ownership of text. */
int hostspec_parse(const char *text, size_t len, struct endpoint *ep,
		   struct hostspec_error *err);

/* One error line: quotes the input (non-printable and non-ASCII bytes
 * as \xNN, long input shortened with "..." around the position, the
 * value of :certificate-password and of any password-like keyword and
 * the password of a URL shown as ***), names the position (err->pos +
 * 1) and says what was expected, e.g.
 *   host specification ("h" :port "x") at character 12: port must be
 *   a number 1-65535
 * text is the input given to hostspec_parse().  Writes at most cap
 * bytes and always NUL-terminates buf when cap > 0. */
void hostspec_error_format(const struct hostspec_error *err,
			   const char *text, size_t len,
			   char *buf, size_t cap);

#endif
