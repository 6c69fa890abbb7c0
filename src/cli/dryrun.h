/* dryrun.h - --dry-run: the endpoint and the phases, connecting to
 * nothing. */
#ifndef IMAPCONN_DRYRUN_H
#define IMAPCONN_DRYRUN_H

#include <stdio.h>

#include "json.h"
#include "options.h"

/* Print what a connection with *o would do, as text or (o->json) one
 * JSON document.  Never prints a secret.  Returns the exit status, 0. */
int dryrun_print(const struct options *o, FILE *out);

/* The endpoint as the "endpoint" member of a JSON object (shared with
 * --check --json). */
void dryrun_endpoint_json(struct json *j, const struct conn_config *c);

#endif
