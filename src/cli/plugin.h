/* plugin.h - --plugin: one connection checked the way monitoring
 * systems run their plugins (Nagios, Icinga, the Monitoring Plugins'
 * guidelines): one status line with performance data, exit 0-3. */
#ifndef IMAPCONN_PLUGIN_H
#define IMAPCONN_PLUGIN_H

#include <stdbool.h>
#include <stdio.h>

#include "options.h"

enum plugin_status {
	PLUGIN_OK = 0,
	PLUGIN_WARNING = 1,
	PLUGIN_CRITICAL = 2,
	PLUGIN_UNKNOWN = 3
};

struct stats_run;
struct failure;

/* Whether the command line asks for --plugin (before any "--"), so
 * that an error in it is reported as UNKNOWN. */
bool plugin_asked(int argc, char **argv);

/* A command line that could not be parsed: "IMAP UNKNOWN - why" on
 * out.  Returns PLUGIN_UNKNOWN, the exit status. */
int plugin_usage_error(const char *why, FILE *out);

/* The status of one connection *one (failure f when it failed) under
 * o's thresholds, and why in words into why (cap bytes): a failure is
 * CRITICAL (UNKNOWN when the fault is the command line's or a file's,
 * or a signal stopped it); then -c, the certificate's days below
 * --cert-days CRIT: CRITICAL; -w, --warn-phase, days below WARN:
 * WARNING. */
enum plugin_status plugin_judge(const struct options *o,
				const struct stats_run *one,
				const struct failure *f, char *why,
				size_t cap);

/* Run one whole connection (login, list and --select when given) and
 * print the status line "IMAP OK - ... | perfdata" on out.  Returns
 * the plugin's exit status, 0-3.  Obtains the password first; o->cfg's
 * password is wiped before returning. */
int plugin_check(struct options *o, FILE *out);

#endif
