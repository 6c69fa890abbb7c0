/* message.h - one message as the mailbox browser lists it: from a
 * FETCH (UID FLAGS ENVELOPE) response, decoded and terminal-safe. */
#ifndef IMAPCONN_MESSAGE_H
#define IMAPCONN_MESSAGE_H

#include <stdbool.h>
#include <stdint.h>

struct message_summary {
	uint32_t seq;
	uint32_t uid;
	bool seen;
	bool flagged;
	char date[64];		/* as sent, escaped ("Tue, 3 Nov ...") */
	char from[256];		/* "Name <addr>", RFC 2047 decoded, escaped */
	char subject[512];	/* RFC 2047 decoded, escaped */
};

#endif
