/* session_io.c - a session's protocol I/O: commands out (with their
 * redacted transcript), responses in (one deadline per response). */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
#include "imap_cmd.h"
#include "imap_parse.h"
#include "session_int.h"

/* Send every segment of a finished command.  A command with a
 * synchronising literal waits for the server's "+" between segments;
 * 1 when the server answered with a tagged reply instead (kept for
 * the next read). */
int
sess_send(struct session *s, struct imap_cmd *cmd)
{
	size_t n = imap_cmd_nsegments(cmd);

	for (size_t i = 0; i < n; i++) {
		struct imap_cmd_segment seg;
		int64_t deadline = sess_wait_until(s);

		imap_cmd_segment(cmd, i, &seg);
		if (i == 0)
			pipe_record(s, imap_cmd_tag(cmd), seg.shown);
		sess_transcript(s, 'C', seg.shown, strlen(seg.shown));
		if (link_write_all(&s->link, seg.data, seg.len, deadline,
				   s->phase, &s->fail) != 0) {
			s->usable = false;
			return -1;
		}
		if (seg.wait) {
			int rc = sess_wait_continuation(s);

			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Wait for "+" after a synchronising literal or an AUTHENTICATE
 * without initial response.  A tagged reply instead means the server
 * refused the command: that reply is the caller's to read, so it is
 * kept for the next sess_read_response(). */
int
sess_wait_continuation(struct session *s)
{
	struct imap_response *r;

	for (;;) {
		if (sess_read_response(s, &r) != 0) {
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
sess_buffered(const struct session *s)
{
	return (s->rlen - s->rpos) + imap_parser_pending(s->parser);
}

struct imap_parser *
sess_parser_new(void)
{
	struct imap_limits lim;

	imap_limits_default(&lim);
	lim.literal_max = SESS_LITERAL_MAX;
	lim.response_max = SESS_RESPONSE_MAX;
	return imap_parser_new(&lim);
}

void
sess_reset_parser(struct session *s)
{
	imap_parser_free(s->parser);
	s->parser = sess_parser_new();
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
	sess_transcript(s, 'S', bytes, len);
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

	sess_transcript(s, 'S', s->rbuf, s->rlen);
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
	sess_transcript(s, 'S', (*out)->raw, (*out)->raw_len);
	return 0;
}

int
sess_read_response(struct session *s, struct imap_response **out)
{
	int64_t deadline = sess_wait_until(s);
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
			sess_wait_event(s, deadline);
			announced = true;
		}
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
