/* session_id.c - asking the server who it is (ID, RFC 2971) and
 * reporting its answer, without a round trip of its own. */
#include <stdlib.h>

#include "ac_config.h"
#include "imap_parse.h"
#include "server_id.h"
#include "session_emit.h"
#include "session_id.h"
#include "session_int.h"
#include "session_io.h"

bool
session_id_wanted(const struct session *s)
{
	if (s->id_asked)
		return false;
	if (s->caps_after_tls_needed)
		return s->id_before_tls;
	return caps_has(&s->caps, "ID");
}

int
session_id_build(struct session *s, struct imap_cmd *c, struct imap_tagger *t)
{
	char why[200];
	int rc;

	/* By default the server learns nothing about us: NIL. */
	if (s->cfg.id_send_name)
		rc = imap_cmd_id(c, t, PACKAGE_VERSION);
	else
		rc = imap_cmd_id_nil(c, t);
	if (rc != 0) {
		imap_cmd_error_format(imap_cmd_error(c), why, sizeof(why));
		fail_set(&s->fail, s->phase, FAIL_INTERNAL, "cannot send ID: "
			 "%s", why);
		return -1;
	}
	s->id_asked = true;
	return 0;
}

static int
id_untagged(struct session *s, const struct imap_response *r, void *arg)
{
	(void)s;
	if (arg != NULL)
		server_id_take(arg, r);
	return 0;
}

/* Say when the answer was not what RFC 2971 asks for. */
static void
id_note(struct session *s, const struct server_id *id)
{
	if (id->result == SERVER_ID_REFUSED)
		session_emit_note(s, "the server refused ID (%s); going on "
				  "without its identity", id->text);
	else if (id->result == SERVER_ID_MALFORMED)
		session_emit_note(s, "the server's answer to ID is malformed; "
				  "ignored");
	else if (id->left_out > 0)
		session_emit_note(s, "%zu pair%s of the server's answer to "
				  "ID left out (more than %d, malformed or "
				  "repeated)", id->left_out,
				  id->left_out == 1 ? "" : "s",
				  SERVER_ID_PAIRS_MAX);
}

int
session_id_read(struct session *s, const char *tag)
{
	struct server_id *id = malloc(sizeof(*id));
	struct imap_response *done;
	struct event *ev;

	if (id != NULL)
		server_id_init(id);
	if (session_io_until_tagged(s, tag, id_untagged, id, &done) != 0) {
		free(id);
		return -1;
	}
	if (id != NULL)
		server_id_finish(id, done);
	imap_response_free(done);
	if (id == NULL)
		return 0;	/* out of memory: the answer is lost */
	id_note(s, id);
	ev = event_new(EV_SERVER_ID, s->phase);
	if (ev == NULL) {
		free(id);
		return 0;
	}
	ev->server_id = id;
	session_emit_event(s, ev);
	return 0;
}
