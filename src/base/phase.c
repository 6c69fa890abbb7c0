/* phase.c - names of the connection phases. */
#include "phase.h"

static const struct {
	const char *name;
	const char *waiting_for;
} phase_table[PHASE_COUNT] = {
	[PHASE_NONE] = { "none", "nothing" },
	[PHASE_RESOLVE] = { "resolve", "the name lookup" },
	[PHASE_CONNECT] = { "connect", "the TCP connection" },
	[PHASE_TUNNEL] = { "tunnel", "the tunnel command" },
	[PHASE_TLS] = { "tls", "the TLS handshake" },
	[PHASE_GREETING] = { "greeting", "the greeting" },
	[PHASE_CAPABILITY] = { "capability", "the capabilities" },
	[PHASE_STARTTLS] = { "starttls", "STARTTLS" },
	[PHASE_CAPABILITY_TLS] = { "capability-tls",
				   "the capabilities after TLS" },
	[PHASE_AUTH] = { "authenticate", "the login reply" },
	[PHASE_LIST] = { "list", "the mailbox list" },
	[PHASE_SELECT] = { "select", "the mailbox" },
	[PHASE_LOGOUT] = { "logout", "the logout reply" },
	[PHASE_TUNNEL_EXIT] = { "tunnel-exit",
				"the tunnel command to exit" },
};

const char *
phase_name(enum phase p)
{
	if ((unsigned)p >= PHASE_COUNT)
		return "unknown";
	return phase_table[p].name;
}

const char *
phase_waiting_for(enum phase p)
{
	if ((unsigned)p >= PHASE_COUNT)
		return "the server";
	return phase_table[p].waiting_for;
}
