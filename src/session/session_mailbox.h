/* session_mailbox.h - events about mailboxes that several steps
 * report. */
#ifndef IMAPCONN_SESSION_MAILBOX_H
#define IMAPCONN_SESSION_MAILBOX_H

#include <stddef.h>

struct imap_mailbox_info;
struct imap_response;
struct session;

/* EV_SELECTED for the mailbox with raw name raw (len bytes) opened
 * with EXAMINE or SELECT, from what its reply said in mi. */
void session_mailbox_selected(struct session *s, const char *raw,
			      size_t len, char delim,
			      const struct imap_mailbox_info *mi);
/* A session_io_untagged_fn: "* STATUS" as an EV_STATUS event (others
 * are ignored); arg unused; always 0. */
int session_mailbox_status(struct session *s, const struct imap_response *r,
			   void *arg);

#endif
