/* session_pipe.c - which commands went out together in one write, which
 * were answered, and naming a server that mishandles commands sent
 * together (a second completion for a tag, a reply for a tag never
 * sent, silence after an earlier command of the same write). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "imap_cmd.h"
#include "imap_parse.h"
#include "session_int.h"
#include "session_pipe.h"
#include "session_time.h"

/* The number of one of our tags ("A12" -> 12); 0 when not ours. */
static unsigned long
tag_num(const struct session *s, const char *tag)
{
	if (!imap_tagger_is_ours(&s->tagger, tag, strlen(tag)))
		return 0;
	return strtoul(tag + strlen(s->tagger.prefix), NULL, 10);
}

/* "LOGIN" from "A3 LOGIN <user> <password>". */
static void
verb_of(const char *shown, char *verb, size_t cap)
{
	const char *p = strchr(shown, ' ');
	size_t n;

	p = p != NULL ? p + 1 : shown;
	n = strcspn(p, " ");
	if (n >= cap)
		n = cap - 1;
	memcpy(verb, p, n);
	verb[n] = '\0';
}

void
session_pipe_record(struct session *s, const char *tag, const char *shown)
{
	struct session_pipe *p = &s->pipe;
	struct session_sent *e = &p->sent[p->nsent++ % SESS_PIPE_SENT];

	e->num = tag_num(s, tag);
	verb_of(shown, e->verb, sizeof(e->verb));
}

void
session_pipe_together(struct session *s, const char *first, const char *last)
{
	struct session_pipe *p = &s->pipe;
	unsigned long lo = tag_num(s, first), hi = tag_num(s, last);

	if (lo == 0 || hi <= lo)
		return;
	p->used = true;
	p->behind_lo = lo + 1;
	p->behind_hi = hi;
}

/* The verb of a command sent with this tag, or NULL. */
static const char *
verb_sent(const struct session *s, unsigned long num)
{
	const struct session_pipe *p = &s->pipe;
	size_t n = p->nsent < SESS_PIPE_SENT ? p->nsent : SESS_PIPE_SENT;

	for (size_t i = 0; i < n && num != 0; i++)
		if (p->sent[i].num == num)
			return p->sent[i].verb;
	return NULL;
}

void
session_pipe_awaited(const struct session *s, const char *tag, char *buf,
		     size_t cap)
{
	const char *verb = verb_sent(s, tag_num(s, tag));

	if (verb != NULL)
		snprintf(buf, cap, "the reply to %s (%s)", verb, tag);
	else
		snprintf(buf, cap, "the reply to %s", tag);
}

static bool
done_has(const struct session_pipe *p, unsigned long num)
{
	size_t n = p->ndone < SESS_PIPE_DONE ? p->ndone : SESS_PIPE_DONE;

	for (size_t i = 0; i < n; i++)
		if (p->done[i] == num)
			return true;
	return false;
}

static void
done_add(struct session_pipe *p, unsigned long num)
{
	if (num == 0)
		return;
	p->done[p->ndone++ % SESS_PIPE_DONE] = num;
	if (num >= p->behind_hi)
		p->behind_lo = p->behind_hi = 0;
}

/* Whether the failure is the server's handling of commands sent
 * together: only then may a connection without pipelining do better. */
static enum fail_class
pipe_class(const struct session *s)
{
	return s->pipe.used ? FAIL_PIPELINING : FAIL_PROTOCOL;
}

static int
pipe_misbehaved(struct session *s, const char *tag, const char *awaited,
		const char *what)
{
	char t[IMAP_TAG_MAX * 4], wait[80];

	escape_text(tag, strlen(tag), t, sizeof(t));
	session_pipe_awaited(s, awaited, wait, sizeof(wait));
	fail_set(&s->fail, s->phase, pipe_class(s), "a reply for tag %s while "
		 "waiting for %s: %s", t, wait, what);
	s->usable = false;
	return -1;
}

int
session_pipe_tagged(struct session *s, const char *tag, const char *awaited)
{
	unsigned long n = tag_num(s, tag), want = tag_num(s, awaited);

	if (strcmp(tag, awaited) == 0) {
		done_add(&s->pipe, n);
		s->pipe.since_done = 0;
		return 0;
	}
	if (n != 0 && done_has(&s->pipe, n))
		return pipe_misbehaved(s, tag, awaited, "the server completed "
				       "that command a second time");
	if (n != 0 && n < want) {
		/* Abandoned: sent behind a command that failed. */
		done_add(&s->pipe, n);
		return 1;
	}
	if (n != 0)
		return pipe_misbehaved(s, tag, awaited, "the server answered "
				       "a later command first");
	return pipe_misbehaved(s, tag, awaited, "the server answered a "
			       "command that was not sent");
}

void
session_pipe_untagged(struct session *s)
{
	s->pipe.since_done++;
}

void
session_pipe_timed_out(struct session *s, const char *awaited)
{
	struct session_pipe *p = &s->pipe;
	unsigned long n = tag_num(s, awaited);
	char wait[80];

	session_time_check(s);
	if (s->fail.cls != FAIL_TIMEOUT || s->end_by_passed)
		return;
	session_pipe_awaited(s, awaited, wait, sizeof(wait));
	if (n == 0 || n < p->behind_lo || n > p->behind_hi
	    || p->since_done > 0) {
		snprintf(s->fail.detail, sizeof(s->fail.detail), "no answer: "
			 "waited %.1f s for %s", s->cfg.timeout_s, wait);
		snprintf(s->fail.awaited, sizeof(s->fail.awaited), "%s",
			 wait);
		return;
	}
	long long waited = s->fail.waited_ms;

	fail_set(&s->fail, s->phase, FAIL_PIPELINING, "no answer: waited %.1f "
		 "s for %s, sent in one write behind a command the server "
		 "did answer: the server drops commands sent together",
		 s->cfg.timeout_s, wait);
	s->fail.waited_ms = waited;
	snprintf(s->fail.awaited, sizeof(s->fail.awaited), "%s", wait);
}

void
session_pipe_reset(struct session_pipe *p)
{
	bool off = p->off;

	memset(p, 0, sizeof(*p));
	p->off = off;
}
