/* password.h - obtain the password from the source the user named. */
#ifndef IMAPCONN_PASSWORD_H
#define IMAPCONN_PASSWORD_H

#include "config.h"
#include "fail.h"
#include "options.h"

/* Fill c->password from o->pw_source: IMAPCONN_PASSWORD, the first
 * line of --password-file, the first line --password-command prints,
 * or (PW_NONE, when interactive is true) a prompt on /dev/tty with echo
 * off, the user name escaped; a signal caught by sigwatch ends the
 * prompt (FAIL_CANCELLED) with echo restored.  Every intermediate
 * buffer is wiped.  The OAuth token first, from o->tok_source
 * (IMAPCONN_OAUTH_TOKEN, or the first line --oauth-token-command
 * prints) into c->oauth_token; with a token, or --auth naming only
 * mechanisms without a password, no password is asked for unless a
 * source was named.  Returns 0, or -1 with *f set (FAIL_INPUT), never
 * quoting the password or token. */
int password_obtain(const struct options *o, struct conn_config *c,
		    bool interactive, struct failure *f);

/* The OAuth token into c->oauth_token (c->have_token set): the first
 * line cmd prints (sh -c; what names it in a failure), or with cmd
 * NULL IMAPCONN_OAUTH_TOKEN.  Every intermediate buffer is wiped.
 * Returns 0, or -1 with *f set (FAIL_INPUT), never quoting the
 * token. */
int password_token(const char *cmd, const char *what,
		   struct conn_config *c, struct failure *f);

/* Whether c's login needs a password: not with a token (have_token),
 * nor when auth_mechs (--auth) names no mechanism that takes one. */
bool password_wanted(const struct conn_config *c);

/* Read the first line of a file into buf (CR/LF stripped); used for
 * the password and the key password.  0, or -1 with *f set. */
int password_read_file(const char *path, char *buf, size_t cap,
		       struct failure *f);

#endif
