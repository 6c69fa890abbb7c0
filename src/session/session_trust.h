/* session_trust.h - trust decided by the session after the handshake:
 * the keys pinned with --pin and the certificates the user accepted
 * for good (known_certs). */
#ifndef IMAPCONN_SESSION_TRUST_H
#define IMAPCONN_SESSION_TRUST_H

#include <stdbool.h>

struct session;
struct tls_client;

/* Read the pins and this server's entry in known_certs (bad lines
 * become notes) into the session.  Returns true when either may trust
 * the server, so that a failed verification must wait for the end of
 * the handshake (tls_client_defer_verify). */
bool session_trust_prepare(struct session *s);

/* After the handshake on t ended with rc (tls_handshake's result,
 * s->fail set when -1): the pins, then the entry in known_certs,
 * decide.  A key that matches makes the connection trusted (rc 0, the
 * verification failure kept as a note, its last-seen date updated); a
 * key that does not stops it (FAIL_TLS_VERIFY with
 * FAIL_R_CERT_PIN_MISMATCH or FAIL_R_CERT_CHANGED, both keys in the
 * detail) before anything is sent.  Returns the outcome: 0 or -1. */
int session_trust_check(struct session *s, struct tls_client *t, int rc);

#endif
