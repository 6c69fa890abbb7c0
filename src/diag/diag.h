/* diag.h - one line that names the likely cause of a failure and what
 * to change, from the failure, the settings used and what the session
 * reported before it failed. */
#ifndef IMAPCONN_DIAG_H
#define IMAPCONN_DIAG_H

#include <stdint.h>

#include "config.h"
#include "event.h"
#include "fail.h"
#include "phase.h"

struct tls_summary;

/* What diag_explain() may look at besides the failure.  Every pointer
 * is borrowed: what it points to must stay valid (and unchanged) until
 * diag_explain() returns; *in itself may be a local. */
struct diag_input {
	const struct conn_config *cfg;	/* the settings used; required */
	const struct tls_summary *tls;	/* the last TLS summary (also of a
					 * failed handshake); NULL: none */
	const char *caps_before_tls;	/* capabilities seen before TLS,
					 * space-separated; NULL: none */
	int64_t phase_ms[PHASE_COUNT];	/* how long each phase that ended
					 * (ok or failed) took; -1: none */
	int64_t now;			/* seconds since 1970: certificate
					 * dates are told relative to it */
};

/* Start *in for the settings cfg: nothing seen yet, now = time(NULL). */
void diag_input_init(struct diag_input *in, const struct conn_config *cfg);

/* Take from ev what a hint can use: the summary of EV_TLS, the list of
 * EV_CAPS before TLS, the time of EV_PHASE_END.  Other events are
 * ignored.  in keeps pointers into ev: ev must outlive that use. */
void diag_input_add(struct diag_input *in, const struct event *ev);

/* Fill f->hint with one line (no newline, never cut) that names the
 * likely cause of f and what to change: the command-line option, and
 * the field of the connection form where there is one.  The line is
 * chosen by f's class, phase and reason, and quotes f's facts; f's
 * detail is never read.  FAIL_NONE and
 * FAIL_CANCELLED get none.  A hint already in f (the TLS module sets
 * some) is replaced when *in tells more, kept when only the class's
 * general advice would replace it.  f's phase, class and detail are
 * left alone; explaining twice gives the same line. */
void diag_explain(struct failure *f, const struct diag_input *in);

#endif
