/* session_io.h - a session's protocol I/O: send, read, wait for a
 * tagged reply.  Each int function is 0, or -1 with s->fail set. */
#ifndef IMAPCONN_SESSION_IO_H
#define IMAPCONN_SESSION_IO_H

#include <stddef.h>

struct imap_cmd;
struct imap_parser;
struct imap_response;
struct session;

/* Send a finished command, every segment; 1 when the server refused
 * a literal or AUTHENTICATE with a tagged reply (read it next). */
int session_io_send(struct session *s, struct imap_cmd *cmd);
/* Send finished one-segment commands (NULL entries skipped) in one
 * write, in order. */
int session_io_send_together(struct session *s,
			     struct imap_cmd *const *cmds, size_t n);
/* The next response, caller-owned; the wait for it has its own
 * deadline, so a long reply arriving line by line is never cut off. */
int session_io_read(struct session *s, struct imap_response **out);
/* Read responses until the tagged reply to tag (caller frees *done);
 * untagged ones go to fn (may be NULL) and are freed after.  An
 * untagged BYE (unless logging out) or a reply to a tag never sent
 * ends it as a failure. */
typedef int (*session_io_untagged_fn)(struct session *s,
				      const struct imap_response *r,
				      void *arg);
int session_io_until_tagged(struct session *s, const char *tag,
			    session_io_untagged_fn fn, void *arg,
			    struct imap_response **done);
/* The server said BYE in r: s->fail set, the link unusable; -1. */
int session_io_bye(struct session *s, const struct imap_response *r);
/* A note with the text of r when it carries [ALERT]. */
void session_io_alert(struct session *s, const struct imap_response *r);
/* Server text of r ("[CODE] text"), escaped for a detail or note. */
void session_io_server_text(const struct imap_response *r, char *buf,
			    size_t cap);
/* Drop the parser and everything buffered; a new parser (NULL when out
 * of memory). */
void session_io_reset(struct session *s);
/* A parser with the session's limits, or NULL when out of memory. */
struct imap_parser *session_io_parser_new(void);
/* Bytes received and not yet parsed into a response. */
size_t session_io_buffered(const struct session *s);

#endif
