/* session_tunnel.c - a session over a tunnel command (--tunnel): the
 * command starts in place of the name lookup and the TCP connection,
 * and its exit status and error output end the timeline. */
#include <stdio.h>
#include <string.h>

#include "session_emit.h"
#include "session_int.h"
#include "session_tunnel.h"
#include "tunnel.h"

int
session_tunnel_open(struct session *s)
{
	char shown[TUNNEL_SHOWN_MAX];
	int fd = -1;

	session_emit_begin(s, PHASE_TUNNEL);
	tunnel_command_shown(s->cfg.tunnel, NULL, NULL, shown,
			     sizeof(shown));
	s->tunnel = tunnel_start(s->cfg.tunnel, &fd, PHASE_TUNNEL, &s->fail);
	if (s->tunnel == NULL)
		return -1;
	link_init(&s->link, fd, s->cancel[0]);
	session_emit_end(s, PHASE_OK, "sh -c %s (pid %ld)", shown,
			 (long)tunnel_pid(s->tunnel));
	session_emit_note(s, "a tunnel: no name lookup and no TCP "
			  "connection; the command's standard input and "
			  "output carry IMAP%s", s->cfg.ep.ssl ||
			  s->cfg.ep.starttls != STARTTLS_OFF ? "" :
			  ", without TLS (the tunnel is trusted, as ssh is)");
	return 0;
}

bool
session_tunnel_trusted(const struct session *s)
{
	return s->tunnel != NULL;
}

/* " (tunnel command 'false' exited with status 1; its error output:
 * ...)" added to the failure, so the reason is where it is read. */
static void
add_to_failure(struct session *s, const char *status, const char *err)
{
	char cmd[120];
	size_t len = strlen(s->fail.detail);

	tunnel_command_shown(s->cfg.tunnel, NULL, NULL, cmd, sizeof(cmd));
	snprintf(s->fail.detail + len, sizeof(s->fail.detail) - len,
		 "; the tunnel command '%s' %s%s%s", cmd, status,
		 err[0] != '\0' ? "; its error output: " : "", err);
	/* The command's end explains a broken, silent or refused
	 * session; a protocol error stays the server's own. */
	if (s->fail.cls == FAIL_NETWORK || s->fail.cls == FAIL_TIMEOUT ||
	    s->fail.cls == FAIL_SERVER)
		s->fail.reason = FAIL_R_TUNNEL_ENDED;
	if (s->fail.hint[0] == '\0')
		fail_hint(&s->fail, "run the tunnel command by hand: it must "
			  "speak IMAP on its standard input and output");
}

/* The whole error output kept, as a note (session_emit_note would cut it). */
static void
note_stderr(struct session *s, const char *err)
{
	static const char lead[] = "the tunnel command's error output: ";
	char buf[sizeof(lead) + TUNNEL_STDERR_MAX * 4 + 8];
	struct event *ev = event_new(EV_NOTE, s->phase);

	if (ev == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s%s", lead, err);
	if (event_set_text(ev, buf, strlen(buf)) != 0) {
		event_free(ev);
		return;
	}
	session_emit_event(s, ev);
}

void
session_tunnel_end(struct session *s, bool failing)
{
	if (s->tunnel != NULL)
		link_end_output(&s->link);
	session_tunnel_close(s, failing);
	link_close(&s->link);
	tunnel_free(s->tunnel);
	s->tunnel = NULL;
	s->tunnel_closed = false;
}

void
session_tunnel_close(struct session *s, bool failing)
{
	char status[160];
	char err[TUNNEL_STDERR_MAX * 4 + 8];

	if (s->tunnel == NULL || s->tunnel_closed)
		return;
	s->tunnel_closed = true;
	session_emit_begin(s, PHASE_TUNNEL_EXIT);
	tunnel_stop(s->tunnel, failing ? 0 : TUNNEL_GRACE_MS);
	tunnel_status_text(s->tunnel, status, sizeof(status));
	tunnel_stderr_text(s->tunnel, err, sizeof(err));
	session_emit_end(s, tunnel_ok(s->tunnel) ? PHASE_OK : PHASE_FAILED,
			 "%s", status);
	if (err[0] != '\0')
		note_stderr(s, err);
	if (failing)
		add_to_failure(s, status, err);
}
