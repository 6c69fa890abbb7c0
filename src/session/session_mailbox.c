/* session_mailbox.c - events about mailboxes that several steps
 * report: a mailbox opened, a mailbox's counts. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "imap_parse.h"
#include "mailbox.h"
#include "mboxname.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_mailbox.h"

static void
join_flags(char **v, size_t n, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && len + 1 < cap; i++) {
		if (i > 0)
			out[len++] = ' ';
		len += escape_line(v[i], strlen(v[i]), out + len, cap - len);
	}
}

void
session_mailbox_selected(struct session *s, const char *raw, size_t len,
			 char delim, const struct imap_mailbox_info *mi)
{
	struct event *ev = event_new(EV_SELECTED, PHASE_SELECT);
	struct mailbox_data *d;

	if (ev == NULL)
		return;
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		event_free(ev);
		return;
	}
	mboxname_display(raw, len, d->name, sizeof(d->name));
	d->delim = delim;
	d->read_only = mi->access == IMAP_ACCESS_READ_ONLY
		       || (mi->access == IMAP_ACCESS_UNKNOWN
			   && !s->cfg.select_rw);
	d->exists = mi->exists;
	d->recent = mi->recent;
	d->have_uidvalidity = mi->has_uidvalidity;
	d->uidvalidity = mi->uidvalidity;
	d->have_uidnext = mi->has_uidnext;
	d->uidnext = mi->uidnext;
	d->have_unseen = mi->has_unseen;
	d->first_unseen = mi->unseen;
	join_flags(mi->flags, mi->n_flags, d->flags, sizeof(d->flags));
	join_flags(mi->permflags, mi->n_permflags, d->permanent_flags,
		   sizeof(d->permanent_flags));
	ev->selected = d;
	session_emit_event(s, ev);
}

int
session_mailbox_status(struct session *s, const struct imap_response *r,
		       void *arg)
{
	struct imap_status_info si;
	struct mailbox_entry *m;
	struct event *ev;
	char display[MAILBOX_NAME_MAX];

	(void)arg;
	memset(&si, 0, sizeof(si));
	if (imap_resp_status(r, &si) != 0)
		return 0;
	mboxname_display(si.name, si.name_len, display, sizeof(display));
	m = mailbox_entry_new(si.name, si.name_len, display);
	ev = event_new(EV_STATUS, s->phase);
	if (m != NULL && ev != NULL) {
		m->has_status = si.has[IMAP_SI_MESSAGES];
		m->messages = (uint32_t)si.value[IMAP_SI_MESSAGES];
		m->unseen = (uint32_t)si.value[IMAP_SI_UNSEEN];
		ev->mailbox = m;
		session_emit_event(s, ev);
	} else {
		free(m);
		event_free(ev);
	}
	imap_status_info_free(&si);
	return 0;
}
