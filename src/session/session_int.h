/* session_int.h - the state of one session, shared by the session's
 * own files (what each offers the files above it is in its own
 * header).  Not for other modules: they use session.h. */
#ifndef IMAPCONN_SESSION_INT_H
#define IMAPCONN_SESSION_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "caps.h"
#include "config.h"
#include "event.h"
#include "fail.h"
#include "link.h"
#include "imap_cmd.h"
#include "knowncerts.h"
#include "phase.h"
#include "pin.h"
#include "redact.h"
#include "session_pipe.h"

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
#define SESS_BATCH_MAX 256	/* events pushed to the consumer at once */
#define SESS_RAW_MAX 1024	/* bytes of a response shown in the
				 * transcript (escaped, then cut) */

struct session {
	struct conn_config cfg;		/* ours; password wiped after use */
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
	bool scram_refused;		/* a SCRAM chosen by default was refused */
	bool scram_off;			/* so this connection logs in without */
	bool usable;			/* LOGOUT may be sent */
	bool preauth;
	bool caps_after_tls_needed;	/* STARTTLS done, CAPABILITY due */
	enum mech mech_before_tls;	/* guessed before TLS */
	bool id_before_tls;		/* ID offered before STARTTLS */
	bool modern_before_tls;		/* ID or SASL-IR before STARTTLS */
	bool id_asked;			/* ID sent: once per connection */
	bool id_with_logout;		/* ID not asked yet may go out
					 * with LOGOUT */
	bool logging_out;		/* BYE is expected now */
	bool logout_sent;		/* LOGOUT (s->cmd) went out with
					 * the last command: its reply is
					 * the next to read */
	struct imap_cmd *logout_id;	/* ID sent before it then; owned */
	struct imap_parser *parser;
	char rbuf[SESS_RBUF];
	size_t rpos, rlen;		/* unparsed bytes: rbuf[rpos..rlen) */
	struct imap_response *held;	/* read early, returned next */
	struct imap_tagger tagger;
	struct imap_cmd *cmd;		/* reused for every command */
	unsigned cmd_flags;		/* imap_cmd flags from caps */
	struct caps caps;
	struct failure fail;
	struct redact redact;		/* secrets' forms, until the end */
	struct session_pipe pipe;
	struct pin_set pins;		/* --pin, parsed; n = 0: none */
	bool known_found;		/* known_certs holds this server */
	struct knowncerts_entry known;	/* its entry then */
	char known_key[KNOWNCERTS_KEY_MAX];	/* "host:port" */
	const char *trusted_by;		/* "pin", "known-certs" or NULL */
	struct event_batch batch;	/* events not yet pushed */
	char awaiting[80];		/* "the reply to ID (A1)" while
					 * waiting for it; "": the phase's */
};

#endif
