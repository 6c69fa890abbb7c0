/* session_imap.h - IMAP from the greeting to LOGOUT but for the login
 * (session_login.h).  Each int function is 0, or -1 with s->fail
 * set. */
#ifndef IMAPCONN_SESSION_IMAP_H
#define IMAPCONN_SESSION_IMAP_H

#include <stdbool.h>

struct imap_cmd;
struct imap_response;
struct session;

/* Read the greeting in its phase: OK or PREAUTH, with any
 * capabilities it carries. */
int session_imap_greeting(struct session *s);
/* CAPABILITY in its phase unless the greeting carried them; both
 * reported. */
int session_imap_capability(struct session *s);
/* STARTTLS in its phase, as the settings ask: 1 when the server
 * accepted it and the TLS handshake must follow now (then
 * session_imap_tls_started); 0 when not used (the phase ended, or
 * skipped); -1 on failure (also when it is required but cannot
 * run). */
int session_imap_starttls(struct session *s);
/* After the STARTTLS handshake: forget what was said before TLS, but
 * keep what its capabilities allow until CAPABILITY is read again. */
int session_imap_tls_started(struct session *s);

/* What the login can use: --auth, the credentials given, whether a
 * client certificate is in use and the link is TLS. */
struct mech_creds;
void session_imap_creds(const struct session *s, struct mech_creds *cr);
/* The reply to CAPABILITY (sent now when tag is NULL, else already
 * sent with that tag), in the phase already begun; ends the phase. */
int session_imap_read_caps(struct session *s, const char *tag);
/* Learn capabilities from r (data or code); true when it had some. */
bool session_imap_learn_caps(struct session *s,
			     const struct imap_response *r);
/* Send c, the last command of --check, and LOGOUT after it in the
 * same write (with ID between them when ID is to go with LOGOUT): a
 * round trip less.  c goes alone when commands go one at a time.  -1
 * when the write failed. */
int session_imap_send_last(struct session *s, struct imap_cmd *c);
/* LOGOUT when the link is still usable; never fails the session.
 * ID goes in the same write when id_with_logout and still wanted.
 * When session_imap_send_last sent LOGOUT already, only its reply is
 * read. */
void session_imap_logout(struct session *s);

#endif
