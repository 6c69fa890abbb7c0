/* session_io.c - a session's protocol I/O: commands out (with their
 * redacted transcript, alone or several in one write), responses in
 * (one deadline per response), and the wait for a tagged reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "clock.h"
#include "escape.h"
#include "imap_cmd.h"
#include "imap_parse.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_io.h"
#include "session_pipe.h"
#include "session_time.h"

static int wait_continuation(struct session *s);
#include "session_int.h"

/* Send every segment of a finished command.  A command with a
 * synchronising literal waits for the server's "+" between segments;
 * 1 when the server answered with a tagged reply instead (kept for
 * the next read). */
int
session_io_send(struct session *s, struct imap_cmd *cmd)
{
	size_t n = imap_cmd_nsegments(cmd);

	for (size_t i = 0; i < n; i++) {
		struct imap_cmd_segment seg;
		int64_t deadline = session_time_until(s);

		imap_cmd_segment(cmd, i, &seg);
		if (i == 0)
			session_pipe_record(s, imap_cmd_tag(cmd), seg.shown);
		session_emit_transcript(s, 'C', seg.shown, strlen(seg.shown));
		session_emit_flush(s);
		if (link_write_all(&s->link, seg.data, seg.len, deadline,
				   s->phase, &s->fail) != 0) {
			s->usable = false;
			return -1;
		}
		if (seg.wait) {
			int rc = wait_continuation(s);

			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Wait for "+" after a synchronising literal or an AUTHENTICATE
 * without initial response.  A tagged reply instead means the server
 * refused the command: that reply is the caller's to read, so it is
 * kept for the next session_io_read(). */
static int
wait_continuation(struct session *s)
{
	struct imap_response *r;

	for (;;) {
		if (session_io_read(s, &r) != 0) {
			s->usable = false;	/* mid-command */
			return -1;
		}
		if (r->kind == IMAP_RESP_CONTINUATION) {
			imap_response_free(r);
			return 0;
		}
		if (r->kind == IMAP_RESP_TAGGED) {
			s->held = r;
			return 1;
		}
		imap_response_free(r);
	}
}

size_t
session_io_buffered(const struct session *s)
{
	return (s->rlen - s->rpos) + imap_parser_pending(s->parser);
}

struct imap_parser *
session_io_parser_new(void)
{
	struct imap_limits lim;

	imap_limits_default(&lim);
	lim.literal_max = SESS_LITERAL_MAX;
	lim.response_max = SESS_RESPONSE_MAX;
	return imap_parser_new(&lim);
}

void
session_io_reset(struct session *s)
{
	imap_parser_free(s->parser);
	s->parser = session_io_parser_new();
	s->rpos = s->rlen = 0;
	imap_response_free(s->held);
	s->held = NULL;
}

static void
timeout_detail(struct session *s)
{
	if (s->fail.cls != FAIL_TIMEOUT)
		return;
	s->fail.waited_ms = (int64_t)(s->cfg.timeout_s * 1000 + 0.5);
	snprintf(s->fail.detail, sizeof(s->fail.detail), "no answer: waited "
		 "%.1f s for %s", s->cfg.timeout_s,
		 phase_waiting_for(s->phase));
}

/* The server broke the protocol: say how, and show what it sent (the
 * bytes of the read that broke it, up to the end of their line), in
 * the detail and the transcript. */
static int
parse_failed(struct session *s, enum imap_parse_result res,
	     const char *bytes, size_t len)
{
	const char *eol = memchr(bytes, '\n', len);
	char shown[200];

	if (eol != NULL)
		len = (size_t)(eol - bytes) + 1;
	session_emit_transcript(s, 'S', bytes, len);
	escape_line(bytes, len > 2 && bytes[len - 1] == '\n' ?
		    len - (bytes[len - 2] == '\r' ? 2 : 1) : len, shown,
		    sizeof(shown));
	if (s->phase == PHASE_GREETING) {
		fail_set_reason(&s->fail, s->phase,
				imap_parse_fail_class(res),
				FAIL_R_NOT_IMAP_GREETING, "expected an IMAP "
				"greeting (* OK, * PREAUTH or * BYE), got: %s "
				"(%s)", shown, imap_parser_error(s->parser));
		fail_fact(s->fail.got, sizeof(s->fail.got), shown);
	} else
		fail_set(&s->fail, s->phase, imap_parse_fail_class(res),
			 "%s; received: %s", imap_parser_error(s->parser),
			 shown);
	s->usable = false;
	return -1;
}

/* Whether the first bytes of a plain connection, where the greeting
 * belongs, start a TLS record (an alert, a handshake): the port then
 * speaks TLS. */
static bool
tls_record_at_greeting(const struct session *s)
{
	const unsigned char *b = (const unsigned char *)s->rbuf + s->rpos;

	return s->phase == PHASE_GREETING && !link_is_tls(&s->link) &&
	       s->rpos == 0 && imap_parser_pending(s->parser) == 0 &&
	       s->rlen >= 3 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 3 &&
	       b[2] <= 4;
}

static int
tls_record_failed(struct session *s)
{
	char shown[64];
	size_t n = s->rlen < 7 ? s->rlen : 7;

	session_emit_transcript(s, 'S', s->rbuf, s->rlen);
	escape_line(s->rbuf, n, shown, sizeof(shown));
	fail_set_reason(&s->fail, PHASE_GREETING, FAIL_PROTOCOL,
			FAIL_R_TLS_AT_GREETING, "expected an IMAP greeting, "
			"got a TLS record (%s...): this port speaks TLS",
			shown);
	s->usable = false;
	return -1;
}

/* Feed what is buffered; 0 with *out set, 1 when more bytes are
 * needed, -1 on a parse failure. */
static int
feed_buffered(struct session *s, struct imap_response **out)
{
	size_t used = 0, start = s->rpos;
	enum imap_parse_result res;

	if (s->rpos == s->rlen)
		return 1;
	if (tls_record_at_greeting(s))
		return tls_record_failed(s);
	res = imap_parser_feed(s->parser, s->rbuf + s->rpos,
			       s->rlen - s->rpos, &used);
	s->rpos += used;
	if (res == IMAP_PARSE_NEED_MORE)
		return 1;
	if (res != IMAP_PARSE_OK)
		return parse_failed(s, res, s->rbuf + start, s->rlen - start);
	*out = imap_parser_take(s->parser);
	session_emit_transcript(s, 'S', (*out)->raw, (*out)->raw_len);
	return 0;
}

int
session_io_read(struct session *s, struct imap_response **out)
{
	int64_t deadline = session_time_until(s);
	bool announced = false;

	if (s->held != NULL) {
		*out = s->held;
		s->held = NULL;
		return 0;
	}
	for (;;) {
		size_t got;
		int rc = feed_buffered(s, out);

		if (rc <= 0)
			return rc;
		s->rpos = s->rlen = 0;
		if (!announced) {
			session_emit_wait(s, deadline);
			announced = true;
		}
		session_emit_flush(s);
		if (link_read(&s->link, s->rbuf, sizeof(s->rbuf), &got,
			      deadline, s->phase, &s->fail) != 0) {
			/* A read cancelled after the greeting leaves the
			 * stream whole: LOGOUT may still go. */
			s->usable = s->fail.cls == FAIL_CANCELLED &&
				    s->phase != PHASE_GREETING;
			timeout_detail(s);
			return -1;
		}
		s->rlen = got;
	}
}


void
session_io_server_text(const struct imap_response *r, char *buf,
		       size_t cap)
{
	const char *code = imap_code_name(r->code_kind);
	size_t n = 0;

	buf[0] = '\0';
	if (r->code_kind != IMAP_CODE_NONE && r->code.n > 0
	    && r->code.items[0].str != NULL) {
		code = r->code.items[0].str;
		n = (size_t)snprintf(buf, cap, "[");
		n += escape_text(code, strlen(code), buf + n, cap - n);
		if (n + 2 < cap) {
			buf[n++] = ']';
			buf[n++] = ' ';
			buf[n] = '\0';
		}
	}
	if (n < cap)
		escape_text(r->text, r->text_len, buf + n, cap - n);
}

void
session_io_alert(struct session *s, const struct imap_response *r)
{
	char text[600];

	if (r->code_kind != IMAP_CODE_ALERT)
		return;
	escape_text(r->text, r->text_len, text, sizeof(text));
	session_emit_note(s, "server alert: %s", text);
}

int
session_io_bye(struct session *s, const struct imap_response *r)
{
	char text[400];

	session_io_server_text(r, text, sizeof(text));
	fail_set_reason(&s->fail, s->phase, FAIL_SERVER, FAIL_R_BYE,
			"the server said BYE: %s", text);
	fail_fact(s->fail.said, sizeof(s->fail.said), text);
	s->usable = false;
	return -1;
}

int
session_io_until_tagged(struct session *s, const char *tag,
			session_io_untagged_fn fn, void *arg,
			struct imap_response **done)
{
	session_pipe_awaited(s, tag, s->awaiting, sizeof(s->awaiting));
	for (;;) {
		struct imap_response *r;
		int rc = 0;

		if (session_io_read(s, &r) != 0) {
			session_pipe_timed_out(s, tag);
			return -1;
		}
		if (r->kind == IMAP_RESP_TAGGED) {
			rc = session_pipe_tagged(s, r->tag, tag);
			if (rc == 0) {
				s->awaiting[0] = '\0';
				session_io_alert(s, r);
				*done = r;
				return 0;
			}
			imap_response_free(r);
			if (rc < 0)
				return -1;
			continue;
		}
		session_pipe_untagged(s);
		if (imap_resp_is_bye(r) && !s->logging_out) {
			rc = session_io_bye(s, r);
			imap_response_free(r);
			return rc;
		}
		session_io_alert(s, r);
		if (fn != NULL && r->kind == IMAP_RESP_UNTAGGED)
			rc = fn(s, r, arg);
		imap_response_free(r);
		if (rc != 0)
			return -1;
	}
}


int
session_io_send_together(struct session *s, struct imap_cmd *const *cmds,
			 size_t n)
{
	struct imap_cmd_segment seg;
	const char *first = NULL, *last = NULL;
	size_t total = 0, off = 0;
	char *buf;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (cmds[i] != NULL && imap_cmd_segment(cmds[i], 0, &seg) == 0)
			total += seg.len;
	buf = malloc(total);
	if (buf == NULL) {
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (cmds[i] == NULL || imap_cmd_segment(cmds[i], 0, &seg) != 0)
			continue;
		memcpy(buf + off, seg.data, seg.len);
		off += seg.len;
		session_pipe_record(s, imap_cmd_tag(cmds[i]), seg.shown);
		session_emit_transcript(s, 'C', seg.shown, strlen(seg.shown));
		if (first == NULL)
			first = imap_cmd_tag(cmds[i]);
		last = imap_cmd_tag(cmds[i]);
	}
	if (first != NULL)
		session_pipe_together(s, first, last);
	session_emit_flush(s);
	rc = link_write_all(&s->link, buf, total,
			    session_time_until(s), s->phase,
			    &s->fail);
	OPENSSL_cleanse(buf, total);
	free(buf);
	if (rc != 0)
		s->usable = false;
	return rc;
}

