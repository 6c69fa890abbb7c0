/* session.c - a session's life: the public API, its thread, and the
 * one function that runs the steps of a connection in order. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "imap_parse.h"
#include "redact.h"
#include "session.h"
#include "session_connect.h"
#include "session_emit.h"
#include "session_imap.h"
#include "session_int.h"
#include "session_io.h"
#include "session_login.h"
#include "session_pipe.h"
#include "session_req.h"
#include "session_time.h"
#include "session_tunnel.h"
#include "thread.h"

/* Forget the connection that failed, to make a new one: what the
 * server said, the tags, the parser; the settings and the secrets
 * stay. */
static void
restart(struct session *s)
{
	session_tunnel_end(s, true);
	session_connect_discard(s);
	imap_parser_free(s->parser);
	s->parser = NULL;
	s->rpos = s->rlen = 0;
	imap_response_free(s->held);
	s->held = NULL;
	caps_clear(&s->caps);
	s->cmd_flags = 0;
	s->usable = s->preauth = s->caps_after_tls_needed = false;
	s->mech_before_tls = MECH_NONE;
	s->id_before_tls = s->id_asked = s->id_with_logout = false;
	s->modern_before_tls = false;
	s->logging_out = s->logout_sent = false;
	imap_cmd_free(s->logout_id);
	s->logout_id = NULL;
	s->scram_refused = false;
	s->awaiting[0] = '\0';
	imap_tagger_init(&s->tagger, "A");
	session_pipe_reset(&s->pipe);
	memset(&s->fail, 0, sizeof(s->fail));
}

/* The steps of one connection, in order: the link (a tunnel, or the
 * lookup and the TCP connection), implicit TLS, the greeting, the
 * capabilities, STARTTLS and its handshake, the login with the list
 * and select, then the requests while the session stays open. */
static int
run(struct session *s)
{
	int rc;

	if (session_connect_open(s) != 0
	    || session_connect_implicit_tls(s) != 0)
		return -1;
	s->parser = session_io_parser_new();
	if (s->parser == NULL) {
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	s->usable = true;
	if (session_imap_greeting(s) != 0
	    || session_imap_capability(s) != 0)
		return -1;
	rc = session_imap_starttls(s);
	if (rc < 0)
		return -1;
	if (rc > 0 && (session_connect_tls(s, PHASE_STARTTLS) != 0
		       || session_imap_tls_started(s) != 0))
		return -1;
	if (session_login_and_list(s) != 0)
		return -1;
	if (!s->cfg.stay_open)
		return 0;
	/* Browsing has no end the server could stretch. */
	s->end_by = 0;
	return session_req_serve(s);
}

/* Start over on a new connection, saying why and how it differs. */
static int
again(struct session *s, const char *how)
{
	if (s->phase_open)
		session_emit_end(s, PHASE_FAILED, "%s",
				 fail_class_name(s->fail.cls));
	session_emit_retry(s, how);
	restart(s);
	return run(s);
}

/* The connection, once more without pipelining when the server
 * mishandled commands sent together (never when the user cancelled:
 * that failure is not the server's), and once more without SCRAM when
 * a SCRAM login imapconn chose was refused: some servers offer SCRAM
 * they cannot serve (GNU Mailutils 3.15), and LOGIN or PLAIN is what
 * the user would have had before SCRAM was offered. */
static int
attempts(struct session *s)
{
	int rc = run(s);

	if (rc != 0 && s->fail.cls == FAIL_PIPELINING && !s->pipe.off) {
		s->pipe.off = true;
		rc = again(s, "one command per round trip");
	}
	if (rc != 0 && s->scram_refused && !s->scram_off) {
		s->scram_off = true;
		rc = again(s, "logging in without SCRAM");
	}
	return rc;
}

static void *
session_main(void *arg)
{
	struct session *s = arg;
	struct event *done;
	int rc;

	s->t0 = clock_ms();
	s->end_by = s->t0 + (int64_t)(config_deadline_s(&s->cfg) * 1000);
	if (!s->cfg.stay_open)
		session_req_close(s);
	imap_tagger_init(&s->tagger, "A");
	s->cmd = imap_cmd_new();
	if (s->cmd == NULL) {
		fail_set(&s->fail, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		rc = -1;
	} else {
		rc = attempts(s);
	}
	if (rc != 0) {
		session_time_check(s);
		if (s->phase_open)
			session_emit_end(s, PHASE_FAILED, "%s",
					 fail_class_name(s->fail.cls));
		if (!s->usable)
			session_tunnel_close(s, true);
		session_emit_failure(s);
	}
	session_req_close(s);
	session_imap_logout(s);
	session_tunnel_end(s, false);
	session_connect_discard(s);
	config_wipe(&s->cfg);
	imap_parser_free(s->parser);
	s->parser = NULL;
	imap_response_free(s->held);
	s->held = NULL;
	imap_cmd_free(s->cmd);
	s->cmd = NULL;
	imap_cmd_free(s->logout_id);
	s->logout_id = NULL;
	caps_clear(&s->caps);
	redact_wipe(&s->redact);
	done = event_new(EV_DONE, s->phase);
	if (done != NULL)
		done->flag = rc == 0;
	session_emit_event(s, done);
	session_emit_flush(s);
	return NULL;
}

/* The forms of every secret the session holds, kept until it ends:
 * the password itself is wiped as soon as it is sent. */
static int
redact_secrets(struct session *s)
{
	const struct conn_config *c = &s->cfg;

	redact_init(&s->redact);
	if (c->have_password
	    && redact_add_secret(&s->redact, c->user, c->password) != 0)
		return -1;
	if (c->have_token
	    && redact_add_secret(&s->redact, c->user, c->oauth_token) != 0)
		return -1;
	if (c->ep.tls.key_password[0] != '\0'
	    && redact_add_secret(&s->redact, NULL, c->ep.tls.key_password)
	       != 0)
		return -1;
	return 0;
}

struct session *
session_start(const struct conn_config *cfg, struct event_queue *q,
	      struct failure *f)
{
	struct session *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->q = q;
	s->link.fd = -1;
	s->pipe.off = cfg->no_pipelining;
	if (redact_secrets(s) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&s->cancel_lock, NULL);
	if (pipe2(s->cancel, O_CLOEXEC | O_NONBLOCK) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "pipe: %s",
			 strerror(errno));
		goto fail;
	}
	if (pipe2(s->req_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "pipe: %s",
			 strerror(errno));
		close(s->cancel[0]);
		close(s->cancel[1]);
		goto fail;
	}
	s->link.cancel_fd = s->cancel[0];
	if (thread_start(&s->thread, NULL, session_main, s) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "cannot start a "
			 "thread");
		close(s->cancel[0]);
		close(s->cancel[1]);
		close(s->req_pipe[0]);
		close(s->req_pipe[1]);
		goto fail;
	}
	return s;
fail:
	redact_wipe(&s->redact);
	config_wipe(&s->cfg);
	pthread_mutex_destroy(&s->cancel_lock);
	free(s);
	return NULL;
}

void
session_cancel(struct session *s)
{
	static const char byte = 'c';

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->cancel_lock);
	if (!s->cancelled) {
		s->cancelled = true;
		if (write(s->cancel[1], &byte, 1) < 0) {
			/* The pipe is new and empty: cannot be full. */
		}
	}
	pthread_mutex_unlock(&s->cancel_lock);
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	pthread_join(s->thread, NULL);
	close(s->cancel[0]);
	close(s->cancel[1]);
	close(s->req_pipe[0]);
	close(s->req_pipe[1]);
	pthread_mutex_destroy(&s->cancel_lock);
	free(s);
}

int
session_request_examine(struct session *s, const char *raw, size_t len,
			unsigned newest)
{
	return session_req_push(s, SESSION_REQ_EXAMINE, raw, len, newest);
}

int
session_request_status(struct session *s, const char *raw, size_t len)
{
	return session_req_push(s, SESSION_REQ_STATUS, raw, len, 0);
}

int
session_request_statuses(struct session *s, const char *const *raws,
			 const size_t *lens, size_t n)
{
	return session_req_push_statuses(s, raws, lens, n);
}

int
session_request_quit(struct session *s)
{
	return session_req_push(s, SESSION_REQ_QUIT, NULL, 0, 0);
}
