/* session_login.h - login, mailbox list and select. */
#ifndef IMAPCONN_SESSION_LOGIN_H
#define IMAPCONN_SESSION_LOGIN_H

struct session;

/* Log in (unless no user or PREAUTH), list the mailboxes and open the
 * one asked for, pipelined where safe, with ID and the CAPABILITY due
 * after STARTTLS in the same writes; the password is wiped after.  0,
 * or -1 with s->fail set. */
int session_login_and_list(struct session *s);

#endif
