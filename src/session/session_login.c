/* session_login.c - ID, login, mailbox list and select, sent together
 * in one write where that is safe, read back in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "escape.h"
#include "imap_cmd.h"
#include "imap_parse.h"
#include "mailbox.h"
#include "mboxname.h"
#include "sasl.h"
#include "session_emit.h"
#include "session_id.h"
#include "session_imap.h"
#include "session_int.h"
#include "session_io.h"
#include "session_login.h"
#include "session_mailbox.h"
#include "session_sasl.h"
#include "session_tunnel.h"

#define MECH_SHOWN_MAX 48	/* "AUTHENTICATE SCRAM-SHA-256-PLUS" */

/* At most this many listed mailboxes get their counts in a LIST after
 * the login: the server opens each one, seconds per thousand. */
#define COUNTS_MAX 500

/* The commands of a batch, in the order they are sent and answered. */
enum { CMD_ID, CMD_CAPS, CMD_AUTH, CMD_LIST, CMD_SELECT, CMD_COUNT };

struct batch {
	struct imap_cmd *cmd[CMD_COUNT];	/* NULL: not sent */
	enum mech mech;
	struct sasl *sasl;		/* the exchange of a SASL mech */
	char select_raw[MAILBOX_NAME_MAX];
	size_t select_len;
	char select_delim;
	struct mailbox_entry *pending;	/* waits for its STATUS */
	size_t listed;
	size_t name_bytes;		/* of the mailboxes kept */
	size_t unkept;			/* LIST replies past the limits */
	unsigned list_ret;		/* the LIST's RETURN options */
};

/* Wipe the password and token: no connection will send them again. */
static void
password_done(struct session *s)
{
	OPENSSL_cleanse(s->cfg.password, sizeof(s->cfg.password));
	OPENSSL_cleanse(s->cfg.oauth_token, sizeof(s->cfg.oauth_token));
}

/* Whether a failed login (rc != 0) is followed by a new connection
 * that sends the password again (session.c's attempts). */
static bool
retry_follows(const struct session *s, int rc)
{
	return rc != 0 && ((s->fail.cls == FAIL_PIPELINING && !s->pipe.off)
			   || (s->scram_refused && !s->scram_off));
}

/* Whether a later login may still send the password: a new connection
 * without pipelining, or a login without SCRAM after a refused one. */
static bool
password_needed_again(const struct session *s)
{
	return !s->pipe.off || (!s->scram_off && s->cfg.auth_mechs == 0);
}

/* Whether anything to log in with was given: a password, a token, a
 * client certificate, or --auth naming GSSAPI or EXTERNAL. */
static bool
have_credentials(const struct session *s)
{
	return s->cfg.have_password || s->cfg.have_token
	       || s->cfg.ep.tls.cert_file[0] != '\0'
	       || (s->cfg.auth_mechs & (CONN_AUTH_GSSAPI
					| CONN_AUTH_EXTERNAL)) != 0;
}

static int
refuse_auth(struct session *s, enum fail_class cls, enum fail_reason r,
	    const char *why)
{
	session_emit_begin(s, PHASE_AUTH);
	fail_set_reason(&s->fail, PHASE_AUTH, cls, r, "%s", why);
	return -1;
}

/* Whether to log in: 1 yes, 0 no (no user, or PREAUTH), -1 refused
 * before anything is sent. */
static int
want_auth(struct session *s)
{
	if (s->preauth)
		return 0;
	if (s->cfg.user[0] == '\0')
		return 0;
	if (!link_is_tls(&s->link) && !s->cfg.allow_plaintext_auth
	    && !session_tunnel_trusted(s))
		return refuse_auth(s, FAIL_AUTH, FAIL_R_PLAINTEXT_WITHHELD,
				   "not sending the password "
				   "over an unencrypted connection");
	if (!have_credentials(s))
		return refuse_auth(s, FAIL_INPUT, FAIL_R_NONE,
				   "no password given");
	if (!link_is_tls(&s->link) && session_tunnel_trusted(s))
		session_emit_note(s, "the password goes through the tunnel "
				  "without TLS: a tunnel is trusted as ssh "
				  "is (no --allow-plaintext-auth needed)");
	return 1;
}

static int
build_failed(struct session *s, struct imap_cmd *c, enum phase p)
{
	char why[200];

	imap_cmd_error_format(imap_cmd_error(c), why, sizeof(why));
	fail_set(&s->fail, p, FAIL_USAGE, "cannot send the command: %s", why);
	return -1;
}

static int
build_login(struct session *s, struct imap_cmd *c, enum mech m)
{
	const struct conn_config *cfg = &s->cfg;

	imap_cmd_set_flags(c, s->cmd_flags);
	if (m == MECH_LOGIN)
		return imap_cmd_login(c, &s->tagger, cfg->user,
				      strlen(cfg->user), cfg->password,
				      strlen(cfg->password));
	return imap_cmd_authenticate_plain(c, &s->tagger, cfg->user,
					   strlen(cfg->user), cfg->password,
					   strlen(cfg->password),
					   m == MECH_PLAIN_IR);
}

/* LOGIN that needs a synchronising literal waits for "+" before the
 * password: AUTHENTICATE PLAIN (base64, one line) is quicker when the
 * capabilities known offer it. */
static enum mech
plain_instead(const struct session *s, const struct imap_cmd *c,
	      enum mech m)
{
	enum mech plain;

	if (m != MECH_LOGIN || imap_cmd_nsegments(c) == 1
	    || s->caps_after_tls_needed)
		return m;
	plain = caps_plain_mech(&s->caps, s->cfg.auth_mechs);
	return plain != MECH_NONE ? plain : m;
}

static int
build_auth(struct session *s, struct batch *b)
{
	struct imap_cmd *c = b->cmd[CMD_AUTH];
	struct imap_tagger t = s->tagger;
	enum mech m;

	if (caps_mech_is_sasl(b->mech)) {
		b->sasl = session_sasl_start(s, b->mech, c);
		return b->sasl != NULL ? 0 : -1;
	}
	if (build_login(s, c, b->mech) != 0)
		return build_failed(s, c, PHASE_AUTH);
	m = plain_instead(s, c, b->mech);
	if (m != b->mech) {
		s->tagger = t;
		b->mech = m;
		if (build_login(s, c, m) != 0)
			return build_failed(s, c, PHASE_AUTH);
	}
	if (!password_needed_again(s))
		password_done(s);
	return 0;
}

static int
build_select(struct session *s, struct batch *b)
{
	struct imap_cmd *c = b->cmd[CMD_SELECT];
	int rc;

	rc = mboxname_encode(s->cfg.select, strlen(s->cfg.select),
			     b->select_raw, sizeof(b->select_raw),
			     &b->select_len);
	if (rc != 0) {
		fail_set(&s->fail, PHASE_SELECT, FAIL_USAGE, "mailbox name: "
			 "%s", mboxname_strerror(rc));
		return -1;
	}
	imap_cmd_set_flags(c, s->cmd_flags);
	if (imap_cmd_select(c, &s->tagger, b->select_raw, b->select_len,
			    s->cfg.select_rw) != 0)
		return build_failed(s, c, PHASE_SELECT);
	return 0;
}

static int
new_cmd(struct session *s, struct batch *b, int which)
{
	b->cmd[which] = imap_cmd_new();
	if (b->cmd[which] != NULL)
		return 0;
	fail_set(&s->fail, s->phase, FAIL_INTERNAL, "out of memory");
	return -1;
}

/* Every command after ID, tags in the order they are sent. */
static int
build_rest(struct session *s, struct batch *b, bool auth)
{
	if (s->caps_after_tls_needed) {
		if (new_cmd(s, b, CMD_CAPS) != 0)
			return -1;
		imap_cmd_capability(b->cmd[CMD_CAPS], &s->tagger);
	}
	if (auth && (new_cmd(s, b, CMD_AUTH) != 0 || build_auth(s, b) != 0))
		return -1;
	if (new_cmd(s, b, CMD_LIST) != 0)
		return -1;
	b->list_ret = caps_list_options(&s->caps);
	if (imap_cmd_list(b->cmd[CMD_LIST], &s->tagger, b->list_ret) != 0)
		return build_failed(s, b->cmd[CMD_LIST], PHASE_LIST);
	if (s->cfg.select[0] == '\0')
		return 0;
	if (new_cmd(s, b, CMD_SELECT) != 0)
		return -1;
	return build_select(s, b);
}

/* Whether commands may follow LOGIN in its write: from what was said
 * before STARTTLS while the capabilities after it are unknown. */
static bool
login_pipelines(const struct session *s)
{
	if (s->caps_after_tls_needed)
		return s->modern_before_tls;
	return caps_login_pipelines(&s->caps);
}

/* Where the batch's writes begin and end.  Nothing shares a write with
 * AUTHENTICATE; nothing follows LOGIN in its write on a server that may
 * lose it; everything else goes with its neighbours.  Fills from[] with
 * the first command of each group (ending with CMD_COUNT); returns the
 * count. */
static int
batch_groups(const struct session *s, const struct batch *b, int *from)
{
	int n = 0;

	from[n++] = 0;
	if (b->cmd[CMD_AUTH] != NULL && b->mech != MECH_LOGIN)
		from[n++] = CMD_AUTH;
	if (b->cmd[CMD_AUTH] != NULL && (b->mech != MECH_LOGIN
					 || !login_pipelines(s)))
		from[n++] = CMD_AUTH + 1;
	from[n] = CMD_COUNT;
	return n;
}

/* True when commands [from, to) can go in one write: pipelining is on
 * and every command is one segment (none waits for "+"). */
static bool
group_one_write(const struct session *s, const struct batch *b, int from,
		int to)
{
	if (s->pipe.off)
		return false;
	for (int i = from; i < to; i++)
		if (b->cmd[i] != NULL && imap_cmd_nsegments(b->cmd[i]) != 1)
			return false;
	return true;
}

/* ID goes first, with the tag kept for it (t), so that even a refused
 * login learns who the server is; but only when it shares the first
 * write with another command.  Alone it would cost a round trip of
 * its own: LOGOUT carries ID then, and the kept tag stays unused. */
static int
add_id(struct session *s, struct batch *b, struct imap_tagger *t)
{
	int from[CMD_COUNT + 1];
	bool other = false;

	batch_groups(s, b, from);
	for (int i = from[0]; i < from[1]; i++)
		other |= b->cmd[i] != NULL;
	if (!other || !group_one_write(s, b, from[0], from[1]))
		return 0;
	if (new_cmd(s, b, CMD_ID) != 0)
		return -1;
	return session_id_build(s, b->cmd[CMD_ID], t);
}

/* Build every command of the batch, tags in the order they are sent. */
static int
build_batch(struct session *s, struct batch *b, bool auth)
{
	struct imap_tagger id_tags = s->tagger;
	char tag[IMAP_CMD_TAG_MAX];
	bool id = session_id_wanted(s);
	int rc;

	if (id && imap_tagger_next(&s->tagger, tag, sizeof(tag)) != 0)
		id = false;
	rc = build_rest(s, b, auth);
	if (rc == 0 && id)
		rc = add_id(s, b, &id_tags);
	return rc;
}

static void
batch_free(struct batch *b)
{
	for (int i = 0; i < CMD_COUNT; i++)
		imap_cmd_free(b->cmd[i]);
	free(b->pending);
	sasl_free(b->sasl);
}

/* How the login is named on the timeline: LOGIN, or AUTHENTICATE and
 * the mechanism's SASL name; written into buf (cap bytes). */
static const char *
mech_shown(enum mech m, char *buf, size_t cap)
{
	if (m == MECH_NONE)
		return "none";
	snprintf(buf, cap, "%s%s", m == MECH_LOGIN ? "" : "AUTHENTICATE ",
		 caps_mech_name(m));
	return buf;
}

static int
read_caps_reply(struct session *s, struct batch *b)
{
	struct mech_creds cr;
	enum mech now;
	char sent[MECH_SHOWN_MAX], offered[MECH_SHOWN_MAX];

	session_emit_begin(s, PHASE_CAPABILITY_TLS);
	if (session_imap_read_caps(s, imap_cmd_tag(b->cmd[CMD_CAPS])) != 0)
		return -1;
	s->caps_after_tls_needed = false;
	session_emit_caps(s, true);
	session_imap_creds(s, &cr);
	now = caps_best_mech(&s->caps, &cr);
	if (b->cmd[CMD_AUTH] != NULL && now != b->mech
	    && !(now == MECH_PLAIN_IR && b->mech == MECH_PLAIN))
		session_emit_note(s, "the login was sent with %s, chosen "
				  "from what the server said before TLS; "
				  "after TLS it offers %s",
				  mech_shown(b->mech, sent, sizeof(sent)),
				  now == MECH_NONE ? "neither" :
				  mech_shown(now, offered, sizeof(offered)));
	return 0;
}

/* Whether a refused login may be tried again without SCRAM: it was a
 * SCRAM imapconn chose (nothing named with --auth) and the server only
 * said NO.  Never after -PLUS, whose failure may be a man in the middle
 * that a password sent next would reach, nor when the server could not
 * prove it knows the password. */
static bool
scram_may_fall_back(const struct session *s, const struct batch *b)
{
	const char *name = caps_mech_name(b->mech);
	size_t n = strlen(name);

	return b->sasl != NULL && s->cfg.auth_mechs == 0
	       && s->fail.reason == FAIL_R_LOGIN_REFUSED
	       && strncmp(name, "SCRAM-", 6) == 0
	       && !(n > 5 && strcmp(name + n - 5, "-PLUS") == 0);
}

static int
read_auth_reply(struct session *s, struct batch *b)
{
	struct imap_response *done;
	char text[400], user[160], shown[MECH_SHOWN_MAX];

	escape_text(s->cfg.user, strlen(s->cfg.user), user, sizeof(user));
	if (b->sasl != NULL
	    && session_sasl_exchange(s, b->sasl, b->mech,
				     imap_cmd_tag(b->cmd[CMD_AUTH])) != 0)
		return -1;
	if (session_io_until_tagged(s, imap_cmd_tag(b->cmd[CMD_AUTH]), NULL,
				    NULL, &done) != 0)
		return -1;
	if (done->status == IMAP_ST_OK && b->sasl != NULL
	    && session_sasl_outcome(s, b->sasl, b->mech, done) != 0) {
		imap_response_free(done);
		return -1;
	}
	if (done->status == IMAP_ST_OK) {
		if (session_imap_learn_caps(s, done))
			session_emit_caps(s, link_is_tls(&s->link));
		session_io_server_text(done, text, sizeof(text));
		imap_response_free(done);
		session_emit_end(s, PHASE_OK, "as %s, %s", user,
				 mech_shown(b->mech, shown, sizeof(shown)));
		return 0;
	}
	session_io_server_text(done, text, sizeof(text));
	fail_set_reason(&s->fail, PHASE_AUTH, FAIL_AUTH,
			FAIL_R_LOGIN_REFUSED, "the server refused the login "
			"as %s: %s", user, text);
	fail_fact(s->fail.said, sizeof(s->fail.said), text);
	if (b->sasl != NULL)
		session_sasl_outcome(s, b->sasl, b->mech, done);
	s->scram_refused = scram_may_fall_back(s, b);
	imap_response_free(done);
	return -1;
}

static void
emit_pending(struct session *s, struct batch *b)
{
	struct event *ev;

	if (b->pending == NULL)
		return;
	if (b->select_len > 0 && b->pending->raw_len == b->select_len
	    && memcmp(b->pending->raw, b->select_raw, b->select_len) == 0)
		b->select_delim = b->pending->delim;
	ev = event_new(EV_MAILBOX, PHASE_LIST);
	if (ev == NULL) {
		free(b->pending);
	} else {
		ev->mailbox = b->pending;
		session_emit_event(s, ev);
	}
	b->pending = NULL;
	b->listed++;
}

/* Mailbox flags and special use from the attributes as sent. */
static unsigned
entry_flags(const struct imap_list_entry *e, enum special_use *special)
{
	unsigned flags = 0;

	for (size_t i = 0; i < e->n_flags; i++)
		flags |= mailbox_flag_parse(e->flags[i], special);
	return flags;
}

static int
on_list(struct session *s, struct batch *b, const struct imap_list_entry *e)
{
	char display[MAILBOX_NAME_MAX];
	struct mailbox_entry *m;
	enum special_use special = SPECIAL_NONE;
	int bad;

	emit_pending(s, b);
	if (b->listed >= SESS_MAILBOXES_MAX
	    || e->name_len > SESS_MAILBOX_BYTES_MAX - b->name_bytes) {
		b->unkept++;
		return 0;
	}
	b->name_bytes += e->name_len;
	bad = mboxname_display(e->name, e->name_len, display,
			       sizeof(display));
	m = mailbox_entry_new(e->name, e->name_len, display);
	if (m == NULL) {
		fail_set(&s->fail, PHASE_LIST, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	m->name_valid = bad == 0;
	m->delim = e->delim;
	m->flags = entry_flags(e, &special);
	if (special == SPECIAL_NONE && strcasecmp(e->name, "INBOX") == 0)
		special = SPECIAL_INBOX;
	m->special = special;
	b->pending = m;
	return 0;
}

static void
on_status(struct batch *b, const struct imap_status_info *si)
{
	struct mailbox_entry *m = b->pending;

	if (m == NULL || m->raw_len != si->name_len
	    || memcmp(m->raw, si->name, si->name_len) != 0)
		return;
	if (si->has[IMAP_SI_MESSAGES] && si->has[IMAP_SI_UNSEEN]) {
		m->has_status = true;
		m->messages = (uint32_t)si->value[IMAP_SI_MESSAGES];
		m->unseen = (uint32_t)si->value[IMAP_SI_UNSEEN];
	}
}

static int
list_untagged(struct session *s, const struct imap_response *r, void *arg)
{
	struct batch *b = arg;
	struct imap_list_entry e;
	struct imap_status_info si;
	int rc = 0;

	if (strcmp(r->keyword, "LIST") == 0) {
		memset(&e, 0, sizeof(e));
		if (imap_resp_list(r, &e) != 0)
			return 0;
		rc = on_list(s, b, &e);
		imap_list_entry_free(&e);
	} else if (strcmp(r->keyword, "STATUS") == 0) {
		memset(&si, 0, sizeof(si));
		if (imap_resp_status(r, &si) == 0)
			on_status(b, &si);
		imap_status_info_free(&si);
	}
	return rc;
}

static int
read_list_reply(struct session *s, struct batch *b)
{
	struct imap_response *done;
	char text[400];

	session_emit_begin(s, PHASE_LIST);
	if (session_io_until_tagged(s, imap_cmd_tag(b->cmd[CMD_LIST]),
				    list_untagged, b, &done) != 0)
		return -1;
	emit_pending(s, b);
	if (done->status != IMAP_ST_OK) {
		session_io_server_text(done, text, sizeof(text));
		fail_set(&s->fail, PHASE_LIST, FAIL_SERVER, "LIST refused: %s",
			 text);
		imap_response_free(done);
		return -1;
	}
	imap_response_free(done);
	if (b->unkept > 0) {
		session_emit_note(s, "the server listed %zu more mailbox%s "
				  "than are kept (at most %d, with %d MiB of "
				  "names); %s not shown", b->unkept,
				  b->unkept == 1 ? "" : "es",
				  SESS_MAILBOXES_MAX,
				  SESS_MAILBOX_BYTES_MAX / (1024 * 1024),
				  b->unkept == 1 ? "it is" : "they are");
		session_emit_end(s, PHASE_OK, "%zu mailboxes (%zu more not "
				 "kept)", b->listed, b->unkept);
		return 0;
	}
	session_emit_end(s, PHASE_OK, "%zu mailbox%s", b->listed,
			 b->listed == 1 ? "" : "es");
	return 0;
}

static int
select_untagged(struct session *s, const struct imap_response *r,
		void *arg)
{
	imap_resp_mailbox(r, arg);
	return 0;
}

static int
read_select_reply(struct session *s, struct batch *b)
{
	struct imap_mailbox_info mi;
	struct imap_response *done;
	char text[400];
	int rc = -1;

	memset(&mi, 0, sizeof(mi));
	session_emit_begin(s, PHASE_SELECT);
	if (session_io_until_tagged(s, imap_cmd_tag(b->cmd[CMD_SELECT]),
				    select_untagged, &mi, &done) != 0)
		goto out;
	imap_resp_mailbox(done, &mi);
	session_io_server_text(done, text, sizeof(text));
	if (done->status != IMAP_ST_OK) {
		char name[160];

		escape_text(s->cfg.select, strlen(s->cfg.select), name,
			    sizeof(name));
		fail_set(&s->fail, PHASE_SELECT, FAIL_SERVER, "cannot open "
			 "%s: %s", name, text);
	} else {
		session_mailbox_selected(s, b->select_raw, b->select_len,
					 b->select_delim, &mi);
		session_emit_end(s, PHASE_OK, "%u message%s, %s", mi.exists,
				 mi.exists == 1 ? "" : "s",
				 mi.access == IMAP_ACCESS_READ_WRITE ?
				 "read-write" : "read-only");
		rc = 0;
	}
	imap_response_free(done);
out:
	imap_mailbox_info_free(&mi);
	return rc;
}

/* The phase a group of commands starting at i runs in: that of its
 * first command other than ID, which shares the phase of the command
 * after it. */
static enum phase
group_phase(const struct batch *b, int i)
{
	static const enum phase of[CMD_COUNT] = {
		[CMD_CAPS] = PHASE_CAPABILITY_TLS,
		[CMD_AUTH] = PHASE_AUTH,
		[CMD_LIST] = PHASE_LIST,
		[CMD_SELECT] = PHASE_SELECT,
	};

	while (i + 1 < CMD_COUNT && (i == CMD_ID || b->cmd[i] == NULL))
		i++;
	return of[i];
}

/* Read the reply to command i of the batch. */
static int
read_reply(struct session *s, struct batch *b, int i)
{
	switch (i) {
	case CMD_ID:
		return session_id_read(s, imap_cmd_tag(b->cmd[CMD_ID]));
	case CMD_CAPS:
		return read_caps_reply(s, b);
	case CMD_AUTH:
		/* After CAPABILITY the login has a phase of its own. */
		if (b->cmd[CMD_CAPS] != NULL)
			session_emit_begin(s, PHASE_AUTH);
		return read_auth_reply(s, b);
	case CMD_LIST:
		return read_list_reply(s, b);
	default:
		return read_select_reply(s, b);
	}
}

/* Commands [from, to) of the batch: in one write when they can go
 * together, then their replies in the order the commands went out;
 * else one at a time, each reply read before the next goes out (a
 * literal or AUTHENTICATE without SASL-IR waits for the server's "+":
 * an earlier command's reply arriving then would be taken for a
 * refusal, and what it carried lost). */
static int
run_group(struct session *s, struct batch *b, int from, int to)
{
	bool together = group_one_write(s, b, from, to);

	if (from < to)
		session_emit_begin(s, group_phase(b, from));
	if (together && session_io_send_together(s, b->cmd + from,
						 (size_t)(to - from)) != 0)
		return -1;
	for (int i = from; i < to; i++) {
		if (b->cmd[i] == NULL)
			continue;
		if (!together && session_io_send(s, b->cmd[i]) < 0)
			return -1;
		if (read_reply(s, b, i) != 0)
			return -1;
	}
	return 0;
}

/* Send the batch and read its replies, write by write. */
static int
run_batch(struct session *s, struct batch *b)
{
	int from[CMD_COUNT + 1];
	int n = batch_groups(s, b, from);

	for (int g = 0; g < n; g++)
		if (run_group(s, b, from[g], from[g + 1]) != 0)
			return -1;
	return 0;
}

/* --check shows counts, but the LIST could not ask for them: it was
 * built from the capabilities known before the login, and only those
 * learnt since (the login's reply) offer LIST-STATUS.  The interface
 * asks for the counts of the rows it shows instead. */
static bool
counts_missing(const struct session *s, const struct batch *b)
{
	return !s->cfg.stay_open && b->listed > 0 &&
	       !(b->list_ret & IMAP_LIST_STATUS) &&
	       (caps_list_options(&s->caps) & IMAP_LIST_STATUS);
}

/* The counts of every listed mailbox in one more round trip: LIST
 * RETURN (STATUS (MESSAGES UNSEEN)), whose STATUS replies become
 * EV_STATUS events (its LIST replies were seen already), with LOGOUT
 * in the same write: nothing follows.  A refusal only leaves the
 * counts out; so do more than COUNTS_MAX mailboxes. */
static int
list_counts(struct session *s, const struct batch *b)
{
	struct imap_response *done = NULL;
	struct imap_cmd *c;
	char text[400];
	int rc;

	if (!counts_missing(s, b))
		return 0;
	if (b->listed + b->unkept > COUNTS_MAX) {
		session_emit_note(s, "no message counts: %zu mailboxes, more "
				  "than the %d whose counts are asked for",
				  b->listed + b->unkept, COUNTS_MAX);
		return 0;
	}
	c = imap_cmd_new();
	if (c == NULL || imap_cmd_list(c, &s->tagger, IMAP_LIST_STATUS) != 0) {
		imap_cmd_free(c);
		return 0;
	}
	rc = session_imap_send_last(s, c) != 0 ? -1 :
	     session_io_until_tagged(s, imap_cmd_tag(c),
				     session_mailbox_status, NULL, &done);
	if (rc == 0 && done->status != IMAP_ST_OK) {
		session_io_server_text(done, text, sizeof(text));
		session_emit_note(s, "no message counts: the server refused "
				  "LIST RETURN (STATUS): %s", text);
	}
	imap_response_free(done);
	imap_cmd_free(c);
	return rc;
}

/* CAPABILITY after STARTTLS on its own (no login follows, or none can
 * be chosen before it is answered), with ID in the same write when it
 * was offered before TLS. */
static int
caps_with_id(struct session *s)
{
	struct batch b;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = new_cmd(s, &b, CMD_CAPS);
	if (rc == 0 && session_id_wanted(s) && !s->pipe.off) {
		rc = new_cmd(s, &b, CMD_ID);
		if (rc == 0)
			rc = session_id_build(s, b.cmd[CMD_ID], &s->tagger);
	}
	if (rc == 0 && imap_cmd_capability(b.cmd[CMD_CAPS], &s->tagger) != 0)
		rc = build_failed(s, b.cmd[CMD_CAPS], PHASE_CAPABILITY_TLS);
	if (rc == 0)
		rc = run_group(s, &b, 0, CMD_COUNT);
	batch_free(&b);
	return rc;
}

/* After STARTTLS the capabilities are unknown until CAPABILITY is
 * answered.  LOGIN, allowed before TLS, may still be chosen from what
 * was said then: the choice cannot weaken anything (the password goes
 * over verified TLS either way).  Anything else waits for CAPABILITY,
 * at no cost: AUTHENTICATE goes in a write of its own anyway. */
static int
choose_batch_mech(struct session *s, struct batch *b)
{
	struct mech_creds cr;

	if (!s->caps_after_tls_needed) {
		session_imap_creds(s, &cr);
		b->mech = caps_best_mech(&s->caps, &cr);
		return 0;
	}
	b->mech = (enum mech)s->mech_before_tls;
	if (b->mech != MECH_NONE)
		return 0;
	if (caps_with_id(s) != 0)
		return -1;
	session_imap_creds(s, &cr);
	b->mech = caps_best_mech(&s->caps, &cr);
	return 0;
}

/* The mechanisms --auth named, "SCRAM-SHA-256, PLAIN". */
static void
named_mechs(unsigned mechs, char *buf, size_t cap)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int m = MECH_PLAIN; m < MECH_COUNT; m++) {
		if (!caps_mech_allowed(mechs, (enum mech)m))
			continue;
		off += (size_t)snprintf(buf + off, cap - off, "%s%s",
					off > 0 ? ", " : "",
					caps_mech_name((enum mech)m));
		if (off >= cap)
			break;
	}
}

/* Refuse the login for reason r, the mechanisms the server offers
 * kept for the hint. */
static int
refuse_mechs(struct session *s, enum fail_reason r, const char *why)
{
	char offered[sizeof(s->fail.mechs)];

	refuse_auth(s, FAIL_AUTH, r, why);
	caps_offered_mechs(&s->caps, offered, sizeof(offered));
	escape_text(offered, strlen(offered), s->fail.mechs,
		    sizeof(s->fail.mechs));
	return -1;
}

/* The credentials given and the mechanisms offered do not meet: name
 * both sides.  0 when it is none of these cases. */
static int
creds_mismatch(struct session *s)
{
	struct mech_creds cr;

	session_imap_creds(s, &cr);
	switch (caps_creds_mismatch(&s->caps, &cr)) {
	case FAIL_R_EXTERNAL_NO_CERT:
		return refuse_mechs(s, FAIL_R_EXTERNAL_NO_CERT, "--auth "
				    "external: EXTERNAL logs in with the TLS "
				    "client certificate, and none was given; "
				    "no credentials were sent");
	case FAIL_R_OAUTH_NOT_OFFERED:
		return refuse_mechs(s, FAIL_R_OAUTH_NOT_OFFERED, "an OAuth "
				    "token was given, but the server offers "
				    "neither OAUTHBEARER nor XOAUTH2, which "
				    "it needs; no credentials were sent");
	case FAIL_R_TOKEN_NEEDED:
		return refuse_mechs(s, FAIL_R_TOKEN_NEEDED, "the server "
				    "offers only OAuth 2.0 (OAUTHBEARER, "
				    "XOAUTH2) for this login, and a password "
				    "was given, not a token; no credentials "
				    "were sent");
	default:
		return 0;
	}
}

/* No mechanism the server offers serves the credentials given. */
static int
no_mech_for_creds(struct session *s)
{
	return refuse_mechs(s, FAIL_R_MECH_NOT_OFFERED, "the server offers "
			    "no mechanism the credentials given can serve; "
			    "no credentials were sent");
}

/* No mechanism the server offers is one the user allows. */
static int
login_refused_mech(struct session *s)
{
	unsigned mechs = s->cfg.auth_mechs;
	enum fail_reason r = caps_no_mech_reason(mechs);
	char names[300], why[500];

	if (creds_mismatch(s) != 0)
		return -1;
	if (r == FAIL_R_MECH_NOT_OFFERED) {
		named_mechs(mechs, names, sizeof(names));
		snprintf(why, sizeof(why), "--auth: the server offers none "
			 "of %s on this connection (or the credentials given "
			 "cannot serve it); no credentials were sent", names);
		return refuse_mechs(s, r, why);
	}
	if (!s->cfg.have_password)
		return no_mech_for_creds(s);

	if (r == FAIL_R_LOGINDISABLED
	    && caps_mech_allowed(mechs, MECH_PLAIN))
		return refuse_auth(s, FAIL_AUTH, r, "the server disables "
				   "LOGIN on this connection (LOGINDISABLED) "
				   "and offers no AUTHENTICATE PLAIN; no "
				   "credentials were sent");
	if (r == FAIL_R_LOGINDISABLED)
		return refuse_auth(s, FAIL_AUTH, r, "--auth login: the "
				   "server disables LOGIN on this "
				   "connection (LOGINDISABLED); no "
				   "credentials were sent");
	return refuse_auth(s, FAIL_AUTH, r, "--auth plain: the server does "
			   "not offer AUTHENTICATE PLAIN (no AUTH=PLAIN) on "
			   "this connection; no credentials were sent");
}

/* No user: nothing to log in with.  After STARTTLS the capabilities
 * are still read, ID beside them; otherwise ID waits for LOGOUT.  A
 * mailbox to open needs a login (or PREAUTH, known only from the
 * greeting, so this is checked here rather than with the options). */
static int
no_login(struct session *s)
{
	if (s->cfg.select[0] != '\0')
		return refuse_auth(s, FAIL_USAGE, FAIL_R_NONE,
				   "a user is needed to open "
				   "a mailbox (--select): no user given and "
				   "the server did not PREAUTH");
	if (s->caps_after_tls_needed && caps_with_id(s) != 0)
		return -1;
	s->id_with_logout = !s->cfg.stay_open;
	session_emit_skip(s, PHASE_AUTH, "no user given");
	session_emit_skip(s, PHASE_LIST, "not logged in");
	return 0;
}

/* A SCRAM login imapconn chose was refused with NO: once more on this
 * connection, without SCRAM.  Some servers offer SCRAM they cannot
 * serve (GNU Mailutils 3.15), and LOGIN or PLAIN is what the user
 * would have had before SCRAM was offered. */
static int
again_without_scram(struct session *s, struct batch *b)
{
	char said[sizeof(s->fail.said)];

	memcpy(said, s->fail.said, sizeof(said));
	session_emit_note(s, "the server refused %s (%s); logging in "
			  "without SCRAM on this connection",
			  caps_mech_name(b->mech), said);
	s->scram_off = true;
	s->scram_refused = false;
	batch_free(b);
	memset(b, 0, sizeof(*b));
	memset(&s->fail, 0, sizeof(s->fail));
	if (choose_batch_mech(s, b) != 0)
		return -1;
	if (b->mech == MECH_NONE)
		return login_refused_mech(s);
	if (build_batch(s, b, true) != 0)
		return -1;
	return run_batch(s, b);
}

int
session_login_and_list(struct session *s)
{
	struct batch b;
	int auth, rc;

	memset(&b, 0, sizeof(b));
	auth = want_auth(s);
	if (auth < 0)
		return -1;
	if (auth == 0 && !s->preauth)
		return no_login(s);
	if (auth > 0 && choose_batch_mech(s, &b) != 0)
		return -1;
	if (auth > 0 && b.mech == MECH_NONE)
		return login_refused_mech(s);
	if (auth == 0)
		session_emit_skip(s, PHASE_AUTH, "PREAUTH: already logged in");
	/* ID offered only after login, or left out of the batch: LOGOUT
	 * carries it (--check).  The terminal interface logs out much
	 * later, when the answer is of no use. */
	s->id_with_logout = !s->cfg.stay_open;
	rc = build_batch(s, &b, auth > 0);
	if (rc == 0)
		rc = run_batch(s, &b);
	if (rc != 0 && s->scram_refused && !s->scram_off && s->usable)
		rc = again_without_scram(s, &b);
	if (rc == 0)
		rc = list_counts(s, &b);
	if (!retry_follows(s, rc))
		password_done(s);
	batch_free(&b);
	return rc;
}
