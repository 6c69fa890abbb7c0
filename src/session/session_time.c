/* session_time.c - how long a session's next wait may last: the
 * configured timeout, bounded by the deadline of the whole
 * connection. */
#include "clock.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_time.h"

int64_t
session_time_until(const struct session *s)
{
	int64_t d = clock_deadline(s->cfg.timeout_s);

	if (s->end_by != 0 && s->end_by < d)
		return s->end_by;
	return d;
}

int64_t
session_time_deadline(struct session *s)
{
	int64_t d = session_time_until(s);

	session_emit_wait(s, d);
	return d;
}

void
session_time_check(struct session *s)
{
	struct failure *f = &s->fail;
	int64_t now = clock_ms();

	if (f->cls != FAIL_TIMEOUT || s->end_by == 0 || now < s->end_by
	    || s->end_by_passed)
		return;
	s->end_by_passed = true;
	fail_set_reason(f, f->phase, FAIL_TIMEOUT, FAIL_R_DEADLINE,
			"the whole connection took longer than its deadline "
			"of %g s (--deadline), still in %s after %zu repl%s "
			"since the last completed command: the server "
			"answers each wait within the %g s timeout but never "
			"finishes (trickling)", config_deadline_s(&s->cfg),
			phase_name(f->phase), s->pipe.since_done,
			s->pipe.since_done == 1 ? "y" : "ies",
			s->cfg.timeout_s);
	f->waited_ms = now - s->t0;
}
