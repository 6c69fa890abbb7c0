/* phase.h - the phases of one connection, in the order they run. */
#ifndef IMAPCONN_PHASE_H
#define IMAPCONN_PHASE_H

enum phase {
	PHASE_NONE = 0,
	PHASE_RESOLVE,
	PHASE_CONNECT,
	PHASE_TUNNEL,		/* --tunnel: the command started instead */
	PHASE_TLS,		/* implicit TLS handshake */
	PHASE_GREETING,
	PHASE_CAPABILITY,
	PHASE_STARTTLS,		/* the STARTTLS command and its handshake */
	PHASE_CAPABILITY_TLS,	/* CAPABILITY again after STARTTLS */
	PHASE_AUTH,
	PHASE_LIST,
	PHASE_SELECT,
	PHASE_LOGOUT,
	PHASE_TUNNEL_EXIT,	/* --tunnel: the command ended, reaped */
	PHASE_COUNT
};

/* Short lower-case name of a phase ("greeting"); never NULL. */
const char *phase_name(enum phase p);

/* What the program waits for in that phase, for countdowns
 * ("the greeting"); never NULL. */
const char *phase_waiting_for(enum phase p);

#endif
