/* report.h - one text file about one connection, for a support ticket:
 * versions, settings, the timeline, the capabilities before and after
 * TLS compared, the server's ID, the TLS chain, the failure and its
 * hint, and the redacted transcript.
 *
 * A report reads the record of the run (src/run.h), which the caller
 * keeps growing, and copies the settings it is made with, leaving out
 * every secret: it holds no password, no key password, no password
 * file or command. */
#ifndef IMAPCONN_REPORT_H
#define IMAPCONN_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "fail.h"
#include "tls.h"

/* Transcript lines shown: the first and the last this many each.  The
 * run a report reads must keep them (run_new()); RUN_LINES_HEAD is at
 * least REPORT_TRANSCRIPT_HEAD. */
#define REPORT_TRANSCRIPT_HEAD 2000
#define REPORT_TRANSCRIPT_TAIL 2000

struct report;
struct run;

/* A new report about a connection made with *c (its secrets are not
 * copied) and recorded in *run (borrowed: it must outlive the report),
 * or NULL when out of memory.  Free with report_free(). */
struct report *report_new(const struct conn_config *c,
			  const struct run *run);

/* The settings again, once the password is known (a tunnel command
 * that holds it is then kept with it hidden).  NULL r is fine. */
void report_set_config(struct report *r, const struct conn_config *c);

/* The final failure, with its hint (overrides the run's); NULL when
 * the connection succeeded. */
void report_set_failure(struct report *r, const struct failure *f);

/* Write the report to out.  Never writes a secret.  Text from servers
 * and certificates is escaped (escape_line) before it is written. */
void report_print(const struct report *r, FILE *out);

/* The lines of a TLS summary the report and the --check timeline
 * share: version, cipher, SNI, the name checked, whether the chain was
 * verified, and the trust store, two-space indented. */
void report_print_tls(FILE *out, const struct tls_summary *t);

/* Whether the session had forward secrecy, in words ("yes (always with
 * TLS 1.3)", "NO (RSA key exchange: ...)"), or NULL when not known. */
const char *report_tls_fs_words(const struct tls_summary *t);

/* Every verification problem of t, the most important first, as the
 * report, the --check timeline and the TLS view show them: line(arg,
 * text) is called once per problem with "N. " and the problem's text
 * (terminal-safe, one line).  Nothing when there is none. */
void report_tls_problems(const struct tls_summary *t,
			 void (*line)(void *arg, const char *text),
			 void *arg);

/* One certificate of a chain, number i, as the report and the --check
 * timeline show it: subject, issuer, validity (validity_words), names
 * and fingerprints, two-space indented. */
void report_print_cert(FILE *out, int i, const struct tls_cert_info *ci);

/* Create (or truncate) path for a report by the rule of safefile_open()
 * with mode 0600 (also when it existed with another mode; a symbolic
 * link is refused).  Returns the stream, or NULL with *f set
 * (FAIL_INPUT naming --report, the file and what to fix). */
FILE *report_create(const char *path, struct failure *f);

/* report_create(), report_print() and close: 0, or -1 with *f set. */
int report_write(const struct report *r, const char *path,
		 struct failure *f);

/* Free a report; NULL is fine. */
void report_free(struct report *r);

#endif
