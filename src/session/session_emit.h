/* session_emit.h - the events a session reports (the bottom of the
 * session: every other session file reports through it).  Each builds
 * one event, hides the session's secrets in it and pushes it on the
 * session's queue; out of memory drops the event (the session goes
 * on). */
#ifndef IMAPCONN_SESSION_EMIT_H
#define IMAPCONN_SESSION_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "phase.h"

struct session;

/* Push ev (NULL is ignored; the session, then the queue, owns it
 * after), stamped with the time since the session started.  Mailboxes,
 * counts, messages and transcript lines wait in the session's batch
 * (at most SESS_BATCH_MAX) until another event comes or
 * session_emit_flush() is called; every other event goes at once with
 * those before it. */
void session_emit_event(struct session *s, struct event *ev);
/* Push what waits in the batch: before every wait, so that the consumer
 * sees everything that arrived before it. */
void session_emit_flush(struct session *s);
/* EV_NOTE with the formatted text (cut at 511 bytes). */
void session_emit_note(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Begin phase p (no-op when p is already open). */
void session_emit_begin(struct session *s, enum phase p);
/* End the open phase with r and the formatted text; no-op when no
 * phase is open. */
void session_emit_end(struct session *s, enum phase_result r,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Phase p begun and ended as skipped, for why. */
void session_emit_skip(struct session *s, enum phase p, const char *why);
/* EV_WAIT until deadline_ms, naming s->awaiting when set. */
void session_emit_wait(struct session *s, int64_t deadline_ms);
/* EV_TRANSCRIPT of a line sent ('C') or received ('S'), escaped, its
 * CRLF dropped; nothing at all unless s->cfg.transcript. */
void session_emit_transcript(struct session *s, char dir, const char *text,
			     size_t len);
/* EV_TLS with the link's summary and chain; no-op without TLS. */
void session_emit_tls(struct session *s);
/* EV_CAPS with the capabilities known, escaped; after_tls marks those
 * learnt over TLS. */
void session_emit_caps(struct session *s, bool after_tls);
/* EV_FAILURE carrying a copy of s->fail. */
void session_emit_failure(struct session *s);
/* EV_RETRY: s->fail, and how the new connection differs ("one command
 * per round trip"). */
void session_emit_retry(struct session *s, const char *how);

#endif
