/* cli_int.h - what --check collects from a session's events, shared by
 * its text and JSON outputs.  Private to cli*.c. */
#ifndef IMAPCONN_CLI_INT_H
#define IMAPCONN_CLI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "options.h"

struct capdiff;
struct mbtree;
struct server_id;
struct tls_summary;
struct report;

/* Every event is kept, in order: the outputs walk them. */
struct check_run {
	const struct options *o;
	FILE *out;			/* the timeline (or the JSON) */
	FILE *export_out;		/* --export: where it goes */
	FILE *transcript;
	struct event **ev;
	size_t n, cap;
	struct failure failure;
	bool failed;
	bool success;
	int64_t total_ms;
	size_t mailboxes;
	struct mbtree *tree;		/* the listed mailboxes, owned */
	const struct tls_summary *tls_pending;	/* printed after its phase */
	struct report *report;		/* --report: what it collects */
	FILE *report_file;		/* --report: opened at the start */
	int signal;			/* what stopped the run, or 0 */
};

/* The exit status of the run: 128 + the signal that stopped it, else
 * that of its failure class, else 0. */
int cli_exit_code(const struct check_run *run);

/* The mailbox tree of the run, built and fully expanded: its rows are
 * the mailboxes in the interface's order (INBOX first, parents before
 * children, siblings by name).  NULL when out of memory. */
struct mbtree *cli_tree(const struct check_run *run);

/* The whole run as one JSON document. */
void cli_json_print(const struct check_run *run);

/* The capability lists of the run (the last one of each slot)
 * compared into *d (zeroed by the caller; free with capdiff_free).
 * 0, or -1 when out of memory. */
int cli_capdiff(const struct check_run *run, struct capdiff *d);

/* The server's answer to ID, or NULL when none came. */
const struct server_id *cli_server_id(const struct check_run *run);

#endif
