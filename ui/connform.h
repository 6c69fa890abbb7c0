/* connform.h - the connection form: host, port, TLS choices,
 * credentials, timeout and the advanced TLS settings, prefilled from
 * the command line and kept while the program runs. */
#ifndef IMAPCONN_CONNFORM_H
#define IMAPCONN_CONNFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "options.h"

struct connform;
struct detect_params;

/* A form with the values of o (the host as typed, the merged settings,
 * the password from IMAPCONN_PASSWORD, --password-file or
 * --password-command, read now).  The form keeps its own copy of every
 * secret; o may be wiped after.  NULL when out of memory. */
struct connform *connform_new(const struct options *o);

/* Wipe the secrets and free the form.  NULL is fine. */
void connform_free(struct connform *f);

/* Build a configuration from the fields: the Host field parsed again,
 * then every field applied over it.  Returns 0, or -1 with a one-line
 * reason in err (the offending field becomes the current one).  The
 * caller wipes *cfg (config_wipe) when done with it. */
int connform_config(struct connform *f, struct conn_config *cfg,
		    char *err, size_t cap);

/* What to detect for the detect key: the host of the Host field, the
 * ports of --detect-ports (else 993 and 143), the TLS settings of the
 * fields (verification always on) and the timeout when one was given
 * (else DETECT_TIMEOUT_S).  Returns 0, or -1 with a one-line reason in
 * err (the offending field becomes the current one).  The caller wipes
 * p->tls (tls_opts_wipe) when done with it. */
int connform_detect_params(struct connform *f, struct detect_params *p,
			   char *err, size_t cap);

/* Put a detected endpoint in the fields: Host (the bare host), Port,
 * Implicit TLS, STARTTLS and Server name (shown when set: the name the
 * certificate must hold); the other fields keep their values.  The
 * current field becomes User or Password when they are empty. */
void connform_fill(struct connform *f, const struct endpoint *ep);

/* Make User the current field (to log in where a list needs it). */
void connform_focus_user(struct connform *f);

/* Whether the command line gave everything a connection needs (a host
 * that parses and, with a user, a password): then it starts at once. */
bool connform_ready(const struct connform *f);

/* Take the form off the screen (the terminal became too small); the
 * next draw puts it back. */
void connform_hide(struct connform *f);

#endif
