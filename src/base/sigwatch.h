/* sigwatch.h - SIGINT, SIGTERM and SIGHUP caught as bytes on a pipe
 * (the self-pipe), so that --check ends through its normal path: the
 * password prompt gives up with the terminal restored, a session is
 * cancelled and logs out, the summary and the report are written.  The
 * handler only writes one byte; everything else happens in the caller's
 * loop.  One watch per process. */
#ifndef IMAPCONN_SIGWATCH_H
#define IMAPCONN_SIGWATCH_H

/* Catch the three signals from now on (not restarting interrupted
 * calls).  0, or -1 with errno set when no pipe could be made (the
 * signals then keep their actions). */
int sigwatch_start(void);

/* The pipe's read end: readable once a signal came.  -1 when not
 * started.  Poll it; sigwatch_take() empties it. */
int sigwatch_fd(void);

/* Empty the pipe.  Returns the first signal caught since
 * sigwatch_start() (also when taken before), or 0 when none came. */
int sigwatch_take(void);

/* The exit status for a run stopped by sig: 128 + sig (130 for
 * SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
int sigwatch_exit_status(int sig);

/* "SIGINT", "SIGTERM", "SIGHUP", else "a signal". */
const char *sigwatch_name(int sig);

/* Give the signals back their earlier actions and close the pipe. */
void sigwatch_stop(void);

#endif
