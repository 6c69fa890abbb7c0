/* session_id.h - ID, RFC 2971.  Never a round trip of its own: it
 * rides with commands sent anyway. */
#ifndef IMAPCONN_SESSION_ID_H
#define IMAPCONN_SESSION_ID_H

#include <stdbool.h>

struct imap_cmd;
struct imap_tagger;
struct session;

/* Whether to ask now: the capabilities known offer ID (while those
 * after STARTTLS are unknown, those before it tell) and it was not
 * asked yet. */
bool session_id_wanted(const struct session *s);
/* Build ID NIL (our name with cfg.id_send_name) into c with the next
 * tag of t and count it as asked; 0, or -1 with s->fail set. */
int session_id_build(struct session *s, struct imap_cmd *c,
		     struct imap_tagger *t);
/* Read the reply to ID (sent with tag) and report it as EV_SERVER_ID.
 * A NO, BAD or malformed answer is noted and the session goes on;
 * -1 (s->fail set) only when the link or the protocol failed. */
int session_id_read(struct session *s, const char *tag);

#endif
