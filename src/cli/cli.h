/* cli.h - --check: one session without the terminal interface, its
 * timeline printed as text or JSON from the same events the UI uses. */
#ifndef IMAPCONN_CLI_H
#define IMAPCONN_CLI_H

#include <stdio.h>

#include "fail.h"
#include "options.h"

/* Run one session, print its timeline (or one JSON document with
 * --json) on out and return the exit status of its outcome: 128 +
 * the signal that stopped it (SIGINT, SIGTERM, SIGHUP), else
 * fail_exit_code() of its failure, else 0.  With --export FORMAT (no
 * FILE) out receives the export alone and the timeline goes to
 * standard error.
 * Obtains the password first when a user is given.  o->cfg's password
 * is wiped before returning. */
int cli_check(struct options *o, FILE *out);

/* cli_check(), the run's failure copied into *f (class FAIL_NONE when
 * it connected). */
int cli_check_failure(struct options *o, FILE *out, struct failure *f);

#endif
