/* session_int.h - what the session's own files share: the session
 * struct, its event helpers and its protocol I/O.  Not for other
 * modules: they use session.h. */
#ifndef IMAPCONN_SESSION_INT_H
#define IMAPCONN_SESSION_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "fail.h"
#include "link.h"
#include "imap_cmd.h"
#include "phase.h"
#include "redact.h"

struct imap_parser;
struct imap_response;
struct request;
struct tls_client;
struct tunnel;

#define SESS_RBUF 16384
/* What one server may make the session hold.  It fetches no message
 * bodies, only names, counts, flags and envelopes: a literal over
 * 1 MiB or a response over 4 MiB is an attack or a broken server, and
 * smaller bounds keep the peak memory far under 64 MB. */
#define SESS_LITERAL_MAX (1024 * 1024)
#define SESS_RESPONSE_MAX (4 * 1024 * 1024)
/* What one LIST may make the session keep: 200,000 mailboxes of short
 * names take about 50 MB, and 8 MiB of names is 40 bytes for each of
 * them.  Replies past either bound are counted, not kept. */
#define SESS_MAILBOXES_MAX 200000
#define SESS_MAILBOX_BYTES_MAX (8 * 1024 * 1024)
#define SESS_RAW_MAX 1024	/* bytes of a response shown in the
				 * transcript (escaped, then cut) */

/* Every capability the server named: no count limit but the size of
 * the response that carried them (SESS_RESPONSE_MAX), so none that
 * matters (LOGINDISABLED, STARTTLS, AUTH=) can be dropped. */
struct sess_caps {
	size_t n;
	char **name;	/* n names as the server spelt them (compare with
			 * sess_caps_has); array and names owned */
};

/* Commands sent together in one write, and the replies read
 * (session_pipe.c).  Tags are numbers here: "A12" is 12. */
#define SESS_PIPE_DONE 64
#define SESS_PIPE_SENT 16
struct sess_sent {
	unsigned long num;
	char verb[16];			/* "LOGIN", for naming waits */
};
struct sess_pipe {
	bool off;			/* one command per round trip */
	bool used;			/* a write carried several */
	unsigned long behind_lo;	/* tags sent behind another in */
	unsigned long behind_hi;	/* the last such write; 0: none */
	unsigned long done[SESS_PIPE_DONE];	/* completions read */
	size_t ndone;
	struct sess_sent sent[SESS_PIPE_SENT];	/* the last commands */
	size_t nsent;
	size_t since_done;		/* responses since a completion */
};

struct session {
	struct conn_config cfg;		/* our copy; password wiped after use */
	struct event_queue *q;		/* not owned */
	pthread_t thread;
	int cancel[2];			/* [1] written by session_cancel */
	pthread_mutex_t cancel_lock;	/* also guards the requests */
	bool cancelled;
	int req_pipe[2];		/* [0] readable: a request waits */
	struct request *req_head;
	bool req_closed;

	/* Owned by the worker thread from here on. */
	int64_t t0;			/* clock_ms() at start */
	int64_t end_by;			/* clock_ms() bound on the whole
					 * connection; 0: none (requests) */
	bool end_by_passed;		/* a wait was cut by end_by */
	enum phase phase;		/* the phase running now */
	int64_t phase_t0;
	bool phase_open;
	struct link link;
	struct tunnel *tunnel;		/* --tunnel's command; owned */
	bool tunnel_closed;		/* its exit is reported */
	pthread_t tls_thread;		/* makes the TLS client early */
	bool tls_preparing;
	struct tls_client *tls_ready;	/* made, not yet in use */
	struct failure tls_fail;	/* why it could not be made */
	bool usable;			/* LOGOUT may be sent */
	bool preauth;
	bool caps_after_tls_needed;	/* STARTTLS done, CAPABILITY due */
	int mech_before_tls;		/* enum mech guessed before TLS */
	bool id_before_tls;		/* ID offered before STARTTLS */
	bool modern_before_tls;		/* ID or SASL-IR before STARTTLS */
	bool id_asked;			/* ID sent: once per connection */
	bool id_with_logout;		/* ID not asked yet may go out
					 * with LOGOUT */
	bool logging_out;		/* BYE is expected now */
	struct imap_parser *parser;
	char rbuf[SESS_RBUF];
	size_t rpos, rlen;		/* unparsed bytes: rbuf[rpos..rlen) */
	struct imap_response *held;	/* read early, returned next */
	struct imap_tagger tagger;
	struct imap_cmd *cmd;		/* reused for every command */
	unsigned cmd_flags;		/* imap_cmd flags from caps */
	struct sess_caps caps;
	struct failure fail;
	struct redact redact;		/* secrets' forms, until the end */
	struct sess_pipe pipe;
	char awaiting[80];		/* "the reply to ID (A1)" while
					 * waiting for it; "": the phase's */
};

/* Events.  Each builds one event and pushes it; out of memory drops
 * the event (the session goes on). */
void sess_emit(struct session *s, struct event *ev);
void sess_note(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sess_phase_begin(struct session *s, enum phase p);
void sess_phase_end(struct session *s, enum phase_result r,
		    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sess_phase_skip(struct session *s, enum phase p, const char *why);
void sess_wait_event(struct session *s, int64_t deadline_ms);
void sess_transcript(struct session *s, char dir, const char *text,
		     size_t len);
void sess_emit_tls(struct session *s);
void sess_emit_caps(struct session *s, bool after_tls);

/* Wipe the password: no connection will send it again. */
void sess_password_done(struct session *s);

/* A deadline for the next wait: now + the configured timeout, and an
 * EV_WAIT event so a countdown can show it. */
int64_t sess_deadline(struct session *s);
/* The same without the event: the sooner of now + the timeout and the
 * bound on the whole connection. */
int64_t sess_wait_until(const struct session *s);
/* After a timeout (s->fail): when it was the bound on the whole
 * connection that ran out, say so, with the server's trickle. */
void sess_deadline_check(struct session *s);

/* Protocol I/O (session_io.c).  Each is 0, or -1 with s->fail set. */
/* Send a finished command, every segment; 1 when the server refused
 * a literal or AUTHENTICATE with a tagged reply (read it next). */
int sess_send(struct session *s, struct imap_cmd *cmd);
/* The next response, caller-owned; the wait for it has its own
 * deadline, so a long reply arriving line by line is never cut off. */
int sess_read_response(struct session *s, struct imap_response **out);
/* Wait for "+"; 1 when a tagged reply came instead (kept for the next
 * sess_read_response). */
int sess_wait_continuation(struct session *s);
void sess_reset_parser(struct session *s);
/* A parser with the session's limits, or NULL when out of memory. */
struct imap_parser *sess_parser_new(void);
size_t sess_buffered(const struct session *s);

/* Capabilities: clear frees them; has compares without regard to case,
 * as IMAP does (the names keep the server's spelling). */
void sess_caps_clear(struct sess_caps *c);
bool sess_caps_has(const struct sess_caps *c, const char *name);

/* The phases, in order (session_flow.c).  0 or -1 with s->fail set. */
int sess_run(struct session *s);
/* TLS on the open link in phase p (already begun); ends the phase. */
int flow_tls(struct session *s, enum phase p);
/* Wait for and free a TLS client made early but never used. */
void flow_tls_discard(struct session *s);
/* --tunnel (session_tunnel.c).  Start the command in place of the
 * lookup and the connection, in its own phase; 0 or -1. */
int flow_tunnel_open(struct session *s);
/* True over a tunnel: trusted as ssh is, a password may go without
 * TLS. */
bool sess_tunnel_trusted(const struct session *s);
/* End and reap the command (at once when failing, else after a
 * grace), report its exit status and error output in a phase of their
 * own; when failing, add them to s->fail.  Once only; no-op without a
 * tunnel. */
void sess_tunnel_close(struct session *s, bool failing);
/* End the link: over a tunnel, the end of the command's input, its
 * exit reported (sess_tunnel_close), then the command freed; the link
 * closed either way.  A new tunnel may start after it. */
void sess_link_end(struct session *s, bool failing);
/* Greeting, capabilities, STARTTLS (session_imap.c). */
int flow_greeting(struct session *s);
int flow_capability(struct session *s);
int flow_starttls(struct session *s);
/* The reply to CAPABILITY (sent now when tag is NULL, else already
 * sent with that tag), in the phase already begun; ends the phase. */
int flow_read_caps(struct session *s, const char *tag);
/* Read responses until the tagged reply to tag (caller frees *done);
 * untagged ones go to fn (may be NULL) and are freed after.  An
 * untagged BYE or a reply to a tag never sent ends it as a failure. */
typedef int (*flow_untagged_fn)(struct session *s,
				const struct imap_response *r, void *arg);
int flow_until_tagged(struct session *s, const char *tag,
		      flow_untagged_fn fn, void *arg,
		      struct imap_response **done);
/* Learn capabilities from r (data or code); true when it had some. */
bool flow_learn_caps(struct session *s, const struct imap_response *r);
/* Server text, escaped for a detail or note. */
void flow_server_text(const struct imap_response *r, char *buf,
		      size_t cap);
enum mech {
	MECH_NONE = 0,		/* LOGINDISABLED and no AUTH=PLAIN */
	MECH_PLAIN_IR,		/* AUTHENTICATE PLAIN with SASL-IR */
	MECH_PLAIN,		/* AUTHENTICATE PLAIN, then "+" */
	MECH_LOGIN
};

/* Whether commands may follow LOGIN in its write: the server offers
 * ID or SASL-IR (before STARTTLS, while the capabilities after it are
 * unknown).  Servers without either, such as Courier IMAP, hand the
 * connection to another process after the login and lose what came
 * behind it. */
bool flow_login_pipelines(const struct session *s);
/* Whether cfg->auth_mechs (--auth) allows m. */
bool flow_mech_allowed(const struct conn_config *cfg, enum mech m);
/* The login mechanism the capabilities and cfg->auth_mechs allow:
 * LOGIN first (it shares a write with LIST), then AUTHENTICATE PLAIN. */
enum mech flow_choose_mech(const struct sess_caps *c,
			   const struct conn_config *cfg);
/* The mechanism to use right after STARTTLS, from what was said
 * before TLS; MECH_NONE when only CAPABILITY can tell. */
enum mech flow_guess_mech_after_tls(const struct sess_caps *before,
				    const struct conn_config *cfg);
/* Login, list and select, pipelined where safe (session_login.c). */
int flow_login_and_list(struct session *s);
/* EV_SELECTED for a mailbox opened with EXAMINE or SELECT. */
struct imap_mailbox_info;
void flow_emit_selected(struct session *s, const char *raw, size_t len,
			char delim, const struct imap_mailbox_info *mi);
/* Requests after the list (session_req.c): serve until quit (0) or a
 * failure (-1); close refuses further ones. */
int sess_serve_requests(struct session *s);
/* A flow_untagged_fn: "* STATUS" as an EV_STATUS event (others are
 * ignored); arg unused. */
int sess_status_untagged(struct session *s, const struct imap_response *r,
			 void *arg);
void sess_requests_close(struct session *s);
/* LOGOUT when the link is still usable; never fails the session.
 * ID goes in the same write when id_with_logout and still wanted. */
void sess_logout(struct session *s);
/* Send finished one-segment commands (NULL entries skipped) in one
 * write, in order; 0, or -1 with s->fail set (session_login.c). */
int flow_send_together(struct session *s, struct imap_cmd *const *cmds,
		       size_t n);

/* Pipelining (session_pipe.c). */
/* A command about to go out: its tag and transcript text ("A3 LOGIN
 * <user> <password>"), so that a wait can name what it waits for. */
void pipe_record(struct session *s, const char *tag, const char *shown);
/* Commands from tag first to tag last went out in one write. */
void pipe_sent_together(struct session *s, const char *first,
			const char *last);
/* "the reply to LOGIN (A3)" for the command sent with tag. */
void pipe_awaited(const struct session *s, const char *tag, char *buf,
		  size_t cap);
/* A tagged reply came while waiting for awaited: 0 it is the one, 1 it
 * completes an abandoned earlier command (skip it), -1 the server
 * misbehaved (s->fail set: class FAIL_PIPELINING when this connection
 * sent commands together, else FAIL_PROTOCOL). */
int pipe_tagged(struct session *s, const char *tag, const char *awaited);
/* An untagged response was read. */
void pipe_untagged(struct session *s);
/* The wait for awaited timed out (s->fail): name the command, and
 * call it the server's pipelining when a command sent behind another
 * in one write got nothing while the one before it was answered. */
void pipe_timed_out(struct session *s, const char *awaited);
/* Forget everything but the mode, for a new connection. */
void pipe_reset(struct sess_pipe *p);

/* ID, RFC 2971 (session_id.c).  Never a round trip of its own: it
 * rides with commands sent anyway. */
/* Whether to ask now: the capabilities known offer ID (while those
 * after STARTTLS are unknown, those before it tell) and it was not
 * asked yet. */
bool flow_id_wanted(const struct session *s);
/* Build ID NIL (our name with cfg.id_send_name) into c with the next
 * tag of t and count it as asked; 0, or -1 with s->fail set. */
int flow_id_build(struct session *s, struct imap_cmd *c,
		  struct imap_tagger *t);
/* Read the reply to ID (sent with tag) and report it as EV_SERVER_ID.
 * A NO, BAD or malformed answer is noted and the session goes on;
 * -1 (s->fail set) only when the link or the protocol failed. */
int flow_id_read(struct session *s, const char *tag);

#endif
