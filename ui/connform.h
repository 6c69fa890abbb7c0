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

/* Whether the command line gave everything a connection needs (a host
 * that parses and, with a user, a password): then it starts at once. */
bool connform_ready(const struct connform *f);

/* Take the form off the screen (the terminal became too small); the
 * next draw puts it back. */
void connform_hide(struct connform *f);

#endif
