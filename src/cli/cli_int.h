/* cli_int.h - the state of one --check run, shared by its text and
 * JSON outputs.  Private to cli*.c. */
#ifndef IMAPCONN_CLI_INT_H
#define IMAPCONN_CLI_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "fail.h"
#include "options.h"

struct report;
struct run;
struct tls_summary;

struct check_run {
	const struct options *o;
	FILE *out;			/* the timeline (or the JSON) */
	FILE *export_out;		/* --export: where it goes */
	FILE *transcript;
	struct run *rec;		/* what the events told, owned */
	const struct tls_summary *tls_pending;	/* printed after its phase */
	struct report *report;		/* --report: reads rec */
	FILE *report_file;		/* --report: opened at the start */
	int signal;			/* what stopped the run, or 0 */
	bool quiet;			/* no live timeline (--repeat) */
	unsigned number;		/* --repeat: the run's number; 0
					 * for a single run */
	struct failure *failure_out;	/* the failure copied here, or
					 * NULL */
};

struct conn_config;
struct failure;

/* Run one session with *cfg (wiped here) until it ends, each event
 * applied to run->rec and, unless --json or run->quiet, printed as it
 * comes.  A signal (sigwatch) cancels it and is kept in run->signal.
 * 0, or -1 with *f when the session could not start. */
int cli_run_session(struct check_run *run, struct conn_config *cfg,
		    struct failure *f);

/* *run made ready for one connection recorded in rec (the caller's)
 * and printed on out only at the end (no live timeline). */
void cli_run_quiet(struct check_run *run, const struct options *o,
		   FILE *out, struct run *rec);

/* cli_run_session(); a session that could not start becomes the run's
 * failure (said to come from a signal when one came). */
void cli_connect(struct check_run *run, struct conn_config *cfg);

/* A cancel that came from a signal says which, in f's detail. */
void cli_by_signal(const struct check_run *run, struct failure *f);

/* The whole run as one JSON document; exit_code is the status the run
 * ends with.  The mailbox tree of run->rec must be built and
 * expanded already. */
void cli_json_print(const struct check_run *run, int exit_code);

#endif
