/* transcript.h - the protocol exchange written to a file as it happens
 * (--transcript), by --check and the interface alike.  The lines are
 * the session's EV_TRANSCRIPT texts, already escaped and with the
 * password and SASL data replaced: "2026-01-05T09:00:00.123Z C: ...". */
#ifndef IMAPCONN_TRANSCRIPT_H
#define IMAPCONN_TRANSCRIPT_H

#include <stdio.h>

#include "event.h"
#include "fail.h"

/* Create (or empty) the file at path, mode 0600, by the rule of
 * safefile_open() (a symbolic link is refused).  NULL with *f set
 * (FAIL_INPUT, naming --transcript, the path and what to fix) when it
 * cannot be opened. */
FILE *transcript_open(const char *path, struct failure *f);

/* Write ev when it is an EV_TRANSCRIPT (anything else is ignored), and
 * flush: a transcript is most wanted when the program is stopped. */
void transcript_write(FILE *t, const struct event *ev);

#endif
