/* reportsave.h - R, on every screen that shows a connection (the
 * failure too, where a report matters most): write the report of the
 * connection (src/report.h: timeline, TLS, capabilities, failure and
 * hint, redacted transcript, versions; never a password) to a file the
 * user names. */
#ifndef IMAPCONN_REPORTSAVE_H
#define IMAPCONN_REPORTSAVE_H

struct ui;

/* Ask for the file (./imapconn-report-HOST.txt to start with), then
 * write it with mode 600 and say where, or why not. */
void reportsave_ask(struct ui *ui);

#endif
