/* session_trust.h - trust decided by the session after the handshake:
 * the keys pinned with --pin and the certificates the user accepted
 * for good (known_certs). */
#ifndef IMAPCONN_SESSION_TRUST_H
#define IMAPCONN_SESSION_TRUST_H

#include <stdbool.h>

struct session;
struct tls_client;

/* Read the pins and this server's entry in known_certs (bad lines
 * become notes) into the session, and give their keys to t: the only
 * keys a failed verification may still let through
 * (tls_client_trust_keys). */
void session_trust_prepare(struct session *s, struct tls_client *t);

/* After the handshake on t ended with rc (tls_handshake's result,
 * s->fail set when -1): the pins, then the entry in known_certs,
 * decide.  A key that matches makes the connection trusted (rc 0, the
 * verification failure kept as a note, its last-seen date updated); a
 * key that does not stops it (FAIL_TLS_VERIFY with
 * FAIL_R_CERT_PIN_MISMATCH or FAIL_R_CERT_CHANGED, both keys in the
 * detail) before anything is sent: when it failed verification too,
 * during the handshake.  Returns the outcome: 0 or -1. */
int session_trust_check(struct session *s, struct tls_client *t, int rc);

#endif
