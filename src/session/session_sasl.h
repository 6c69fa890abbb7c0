/* session_sasl.h - AUTHENTICATE with a SASL exchange: the command, the
 * server's challenges answered, the outcome checked. */
#ifndef IMAPCONN_SESSION_SASL_H
#define IMAPCONN_SESSION_SASL_H

#include "caps.h"

struct imap_cmd;
struct imap_response;
struct sasl;
struct session;

/* Start mechanism m (caps_mech_is_sasl) and build "AUTHENTICATE m"
 * into c, with the initial response when the server offers SASL-IR
 * and the client speaks first.  NULL with s->fail set when it cannot
 * start. */
struct sasl *session_sasl_start(struct session *s, enum mech m,
				struct imap_cmd *c);

/* After the command went out: answer each "+" until the tagged reply
 * to tag, which is left for the next read; each step and the reply
 * are notes on the timeline with the time the server took.  0, or -1
 * with s->fail set (a server message the mechanism refused: the
 * exchange is cancelled with "*" and its reply read). */
int session_sasl_exchange(struct session *s, struct sasl *x, enum mech m,
			  const char *tag);

/* The tagged reply done ended the exchange.  On OK: 0 when the
 * mechanism finished (SCRAM: the server proved it knows the
 * password), else -1 with s->fail set.  On NO: the server's error
 * challenge, if any, goes into s->fail.challenge; 0. */
int session_sasl_outcome(struct session *s, const struct sasl *x,
			 enum mech m, const struct imap_response *done);

#endif
