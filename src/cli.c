/* cli.c - --check: run one session without the terminal interface and
 * print its timeline as it happens, or one JSON document at the end. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <unistd.h>

#include "capdiff.h"
#include "cli.h"
#include "cli_int.h"
#include "diag.h"
#include "escape.h"
#include "export.h"
#include "mailbox.h"
#include "mbtree.h"
#include "net.h"
#include "password.h"
#include "report.h"
#include "safefile.h"
#include "server_id.h"
#include "session.h"
#include "sigwatch.h"
#include "tls.h"
#include "transcript.h"
#include "tunnel.h"

static const char *
result_name(int r)
{
	switch (r) {
	case PHASE_OK:
		return "ok";
	case PHASE_FAILED:
		return "FAILED";
	default:
		return "skipped";
	}
}

static void
print_header(const struct check_run *run)
{
	const struct conn_config *c = &run->o->cfg;
	const struct endpoint *ep = &c->ep;

	char tunnel[TUNNEL_SHOWN_MAX];

	tunnel_command_shown(c->tunnel, c->user, c->password, tunnel,
			     sizeof(tunnel));
	if (c->tunnel[0] != '\0')
		fprintf(run->out, "imapconn: tunnel %s%s%s, ", tunnel,
			ep->host[0] ? " for " : "", ep->host);
	else
		fprintf(run->out, "imapconn: %s port %u, ", ep->host,
			endpoint_port(ep));
	fprintf(run->out, "%s, timeout %g s per wait, %g s in all\n",
		ep->ssl ? "implicit TLS" :
		ep->starttls == STARTTLS_REQUIRED ? "STARTTLS required" :
		ep->starttls == STARTTLS_OPPORTUNISTIC ?
		"STARTTLS if offered" : "NO TLS (plain text)", c->timeout_s,
		config_deadline_s(c));
	if (!ep->tls.verify && (ep->ssl || ep->starttls != STARTTLS_OFF))
		fprintf(run->out, "WARNING: certificate verification is OFF "
			"(--insecure)\n");
}

static void
print_tls(const struct check_run *run, const struct tls_summary *t)
{
	FILE *out = run->out;

	fprintf(out, "TLS\n");
	fprintf(out, "  version   %s\n", t->version[0] ? t->version : "-");
	fprintf(out, "  cipher    %s\n", t->cipher[0] ? t->cipher : "-");
	fprintf(out, "  SNI       %s\n", t->sni_sent ? t->sni : "(none)");
	fprintf(out, "  checked   %s\n", t->expected_name);
	if (t->verified)
		fprintf(out, "  verified  yes\n");
	else
		fprintf(out, "  verified  NO%s: %s (depth %d)\n",
			t->verify_enabled ? "" : " (--insecure)",
			t->verify_error_text[0] ? t->verify_error_text :
			"not checked", t->verify_error_depth);
	fprintf(out, "  trust     %s\n", t->trust[0] ? t->trust : "-");
	for (int i = 0; i < t->chain_len; i++)
		report_print_cert(out, i, &t->chain[i]);
	if (t->chain_sent > t->chain_len)
		fprintf(out, "  (%d more certificates not shown)\n",
			t->chain_sent - t->chain_len);
}

static void
print_attempt(const struct check_run *run, const struct event *ev)
{
	if (ev->result == NET_ATTEMPT_STARTED)
		return;
	fprintf(run->out, "    %-28s %s (%lld ms)\n", ev->text,
		net_attempt_state_name((enum net_attempt_state)ev->result),
		(long long)ev->elapsed_ms);
}

/* Print s padded to width columns, counting what a terminal shows
 * (wide characters take two). */
static void
print_padded(FILE *out, const char *s, int width)
{
	int cols = 0;
	mbstate_t st;
	const char *p = s;
	size_t left = strlen(s);

	memset(&st, 0, sizeof(st));
	while (left > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, left, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			cols += (int)left;
			break;
		}
		w = wcwidth(wc);
		cols += w > 0 ? w : 0;
		p += n;
		left -= n;
	}
	fputs(s, out);
	for (; cols < width; cols++)
		fputc(' ', out);
}

/* One line of the mailbox list: the name, then extra after column 40
 * when there is any. */
static void
print_name(FILE *out, const char *name, const char *extra)
{
	fputs("  ", out);
	if (extra[0] == '\0') {
		fprintf(out, "%s\n", name);
		return;
	}
	print_padded(out, name, 40);
	fprintf(out, "%s\n", extra);
}

static void
print_mailbox(FILE *out, const struct mailbox_entry *m)
{
	const char *special = mailbox_special_name(m->special);
	char extra[200];
	size_t n = 0;

	extra[0] = '\0';
	if (m->has_status)
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, " %6u "
				      "messages %5u unseen", m->messages,
				      m->unseen);
	if (special[0] != '\0' && n < sizeof(extra))
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "  [%s]",
				      special);
	if ((m->flags & MBOX_NOSELECT) && n < sizeof(extra))
		n += (size_t)snprintf(extra + n, sizeof(extra) - n,
				      "  (not selectable)");
	if (!m->name_valid && n < sizeof(extra))
		snprintf(extra + n, sizeof(extra) - n, "  (invalid name "
			 "encoding, shown raw)");
	print_name(out, m->display, extra);
}

/* A parent the server did not list, as the interface shows it. */
static void
print_parent(FILE *out, const struct mbtree *t, size_t row)
{
	char path[MAILBOX_NAME_MAX * 4];

	mbtree_path(t, row, path, sizeof(path));
	print_name(out, path, "  (not listed)");
}

struct mbtree *
cli_tree(const struct check_run *run)
{
	mbtree_build(run->tree);
	mbtree_expand_all(run->tree);
	return run->tree;
}

/* The mailboxes in the order of the interface's tree. */
static void
print_mailboxes(struct check_run *run)
{
	const struct mbtree *t = cli_tree(run);
	struct mbtree_row row;

	for (size_t i = 0; i < mbtree_rows(t); i++) {
		if (i == 0)
			fprintf(run->out, "mailboxes\n");
		mbtree_row(t, i, &row);
		if (row.entry == NULL) {
			print_parent(run->out, t, i);
			continue;
		}
		run->mailboxes++;
		print_mailbox(run->out, row.entry);
	}
}

static void
print_selected(FILE *out, const struct mailbox_data *d)
{
	char delim[8];

	/* The separator is a byte from the server: ESC or 0x9b too. */
	escape_line(&d->delim, 1, delim, sizeof(delim));
	fprintf(out, "mailbox %s (%s)\n", d->name, d->read_only ?
		"read-only" : "read-write");
	fprintf(out, "  messages        %u\n", d->exists);
	fprintf(out, "  recent          %u\n", d->recent);
	if (d->have_uidvalidity)
		fprintf(out, "  uidvalidity     %u\n", d->uidvalidity);
	if (d->have_uidnext)
		fprintf(out, "  uidnext         %u\n", d->uidnext);
	if (d->have_unseen)
		fprintf(out, "  first unseen    %u\n", d->first_unseen);
	fprintf(out, "  flags           %s\n", d->flags);
	fprintf(out, "  permanent flags %s\n", d->permanent_flags);
	if (d->delim != '\0')
		fprintf(out, "  separator       %s\n", delim);
}

static void
print_failure(const struct check_run *run)
{
	const struct failure *f = &run->failure;

	/* Before any phase, the detail names the option at fault. */
	if (f->phase == PHASE_NONE)
		fprintf(run->out, "FAILED before connecting (%s): %s\n",
			fail_class_name(f->cls), f->detail);
	else
		fprintf(run->out, "FAILED in %s (%s): %s\n",
			phase_name(f->phase), fail_class_name(f->cls),
			f->detail);
	if (f->hint[0] != '\0')
		fprintf(run->out, "hint: %s\n", f->hint);
}

static void
print_live(struct check_run *run, const struct event *ev)
{
	FILE *out = run->out;

	switch (ev->type) {
	case EV_PHASE_END:
		fprintf(out, "  %-15s %6lld ms  %-7s %s\n",
			phase_name(ev->phase), (long long)ev->elapsed_ms,
			result_name(ev->result), ev->text ? ev->text : "");
		/* The TLS details read best under their phase's line. */
		if (run->tls_pending != NULL)
			print_tls(run, run->tls_pending);
		run->tls_pending = NULL;
		break;
	case EV_ATTEMPT:
		print_attempt(run, ev);
		break;
	case EV_NOTE:
		fprintf(out, "  note: %s\n", ev->text);
		break;
	case EV_RETRY:
		fprintf(out, "  retried: %s\n", ev->text);
		break;
	case EV_TLS:
		run->tls_pending = ev->tls;
		break;
	default:
		break;
	}
	fflush(out);
}

int
cli_capdiff(const struct check_run *run, struct capdiff *d)
{
	const char *lists[CAPDIFF_SLOTS] = { NULL, NULL, NULL };

	for (size_t i = 0; i < run->n; i++) {
		const struct event *ev = run->ev[i];

		if (ev->type == EV_CAPS && ev->text != NULL)
			lists[capdiff_slot_of(ev->phase, ev->flag)] = ev->text;
	}
	return capdiff_build(d, lists);
}

const struct server_id *
cli_server_id(const struct check_run *run)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->ev[i]->type == EV_SERVER_ID)
			return run->ev[i]->server_id;
	return NULL;
}

static void
print_server_id(const struct check_run *run, const struct capdiff *d)
{
	const struct server_id *id = cli_server_id(run);
	bool offered = false;

	for (int s = 0; s < CAPDIFF_SLOTS; s++)
		offered |= capdiff_has(d, (enum capdiff_slot)s, "ID");
	if (id != NULL) {
		fprintf(run->out, "server ID\n");
		server_id_print(id, run->out, "  ");
	} else if (!offered) {
		fprintf(run->out, "server ID: not offered (no ID "
			"capability)\n");
	}
}

/* The capability lists side by side, and who the server says it is. */
static void
print_caps(const struct check_run *run)
{
	struct capdiff d;

	memset(&d, 0, sizeof(d));
	if (cli_capdiff(run, &d) != 0)
		return;
	if (d.have[CAPDIFF_BEFORE_TLS] || d.have[CAPDIFF_AFTER_TLS]
	    || d.have[CAPDIFF_AFTER_LOGIN]) {
		fprintf(run->out, "capabilities\n");
		capdiff_print(&d, capdiff_tls_of(&run->o->cfg.ep), run->out,
			      "  ", 79);
		print_server_id(run, &d);
	}
	capdiff_free(&d);
}

static void
print_end(struct check_run *run)
{
	print_caps(run);
	print_mailboxes(run);
	for (size_t i = 0; i < run->n; i++)
		if (run->ev[i]->type == EV_SELECTED)
			print_selected(run->out, run->ev[i]->selected);
	if (run->failed)
		print_failure(run);
	else
		fprintf(run->out, "result: ok, %lld ms in all\n",
			(long long)run->total_ms);
}

/* Keep an event; 0, or -1 when out of memory (the event is freed). */
static int
keep(struct check_run *run, struct event *ev)
{
	if (run->n == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 256;
		struct event **v = realloc(run->ev, cap * sizeof(*v));

		if (v == NULL) {
			event_free(ev);
			return -1;
		}
		run->ev = v;
		run->cap = cap;
	}
	run->ev[run->n++] = ev;
	return 0;
}

/* A new connection follows a failed one: what the failed one
 * reported of the server (TLS, capabilities, ID, mailboxes) goes;
 * its timeline and notes stay. */
static void
forget_given_up(struct check_run *run)
{
	size_t kept = 0;

	for (size_t i = 0; i < run->n; i++) {
		enum event_type t = run->ev[i]->type;

		if (t == EV_TLS || t == EV_CAPS || t == EV_SERVER_ID
		    || t == EV_MAILBOX || t == EV_SELECTED || t == EV_STATUS) {
			event_free(run->ev[i]);
			continue;
		}
		run->ev[kept++] = run->ev[i];
	}
	run->n = kept;
	run->tls_pending = NULL;
	mbtree_free(run->tree);
	run->tree = mbtree_new();
}

/* Fill f's hint from the settings and the events kept so far. */
static void
explain(const struct check_run *run, struct failure *f)
{
	struct diag_input in;

	diag_input_init(&in, &run->o->cfg);
	for (size_t i = 0; i < run->n; i++)
		diag_input_add(&in, run->ev[i]);
	diag_explain(f, &in);
}

/* A cancel that came from a signal says which. */
static void
by_signal(const struct check_run *run, struct failure *f)
{
	char was[sizeof(f->detail)];

	if (run->signal == 0 || f->cls != FAIL_CANCELLED)
		return;
	snprintf(was, sizeof(was), "%s", f->detail);
	snprintf(f->detail, sizeof(f->detail), "%s by %s", was,
		 sigwatch_name(run->signal));
}

int
cli_exit_code(const struct check_run *run)
{
	if (run->signal != 0)
		return sigwatch_exit_status(run->signal);
	return run->failed ? fail_exit_code(run->failure.cls) : 0;
}

/* A listed mailbox goes into the tree, which owns it from then on;
 * counts that come later go to their mailbox. */
static void
on_mailbox(struct check_run *run, struct event *ev)
{
	const struct mailbox_entry *m = ev->mailbox;

	if (m == NULL || run->tree == NULL)
		return;
	if (ev->type == EV_STATUS) {
		if (m->has_status)
			mbtree_set_status(run->tree, m->raw, m->raw_len,
					  m->messages, m->unseen);
		return;
	}
	/* mbtree_add() owns the entry from now, even when it fails. */
	mbtree_add(run->tree, ev->mailbox);
	ev->mailbox = NULL;
}

static void
on_event(struct check_run *run, struct event *ev)
{
	transcript_write(run->transcript, ev);
	report_event(run->report, ev);
	if (ev->type == EV_FAILURE) {
		run->failure = *ev->failure;
		by_signal(run, &run->failure);
		explain(run, &run->failure);
		run->failed = true;
	}
	if (ev->type == EV_DONE) {
		run->success = ev->flag;
		run->total_ms = ev->at_ms;
	}
	if (ev->type == EV_RETRY)
		forget_given_up(run);
	if (!run->o->json)
		print_live(run, ev);
	if (ev->type == EV_MAILBOX || ev->type == EV_STATUS) {
		on_mailbox(run, ev);
		event_free(ev);
		return;
	}
	if (ev->type == EV_TRANSCRIPT || ev->type == EV_WAIT) {
		event_free(ev);
		return;
	}
	keep(run, ev);
}

/* Wait for events until the session says it is done.  SIGINT, SIGTERM
 * or SIGHUP cancels the session, which then logs out (briefly) and ends
 * on its own. */
static void
event_loop(struct check_run *run, struct event_queue *q, struct session *s)
{
	bool done = false;

	while (!done) {
		struct pollfd pfd[2] = {
			{ .fd = event_queue_fd(q), .events = POLLIN },
			{ .fd = sigwatch_fd(), .events = POLLIN },
		};
		struct event *ev;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			run->signal = sigwatch_take();
			session_cancel(s);
		}
		for (ev = event_queue_pop(q); ev != NULL;
		     ev = event_queue_pop(q)) {
			if (ev->type == EV_DONE)
				done = true;
			on_event(run, ev);
		}
	}
}

static int
open_transcript(struct check_run *run, struct failure *f)
{
	const char *path = run->o->cfg.transcript_path;

	if (path[0] == '\0')
		return 0;
	run->transcript = transcript_open(path, f);
	return run->transcript != NULL ? 0 : -1;
}

static int
run_session(struct check_run *run, struct options *o, struct failure *f)
{
	struct event_queue *q = event_queue_new();
	struct session *s;

	if (q == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	s = session_start(&o->cfg, q, f);
	config_wipe(&o->cfg);
	if (s == NULL) {
		event_queue_free(q);
		return -1;
	}
	event_loop(run, q, s);
	session_free(s);
	event_queue_free(q);
	return 0;
}

/* --report: create the file now, so that a bad path stops the run
 * before it connects. */
static int
open_report(struct check_run *run, struct failure *f)
{
	const char *path = run->o->report_path;

	if (path[0] == '\0')
		return 0;
	run->report_file = report_create(path, f);
	if (run->report_file == NULL)
		return -1;
	run->report = report_new(&run->o->cfg);
	if (run->report == NULL) {
		fclose(run->report_file);
		run->report_file = NULL;
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

static void
finish_report(struct check_run *run)
{
	const char *path = run->o->report_path;

	if (run->report == NULL)
		return;
	report_set_failure(run->report, run->failed ? &run->failure : NULL);
	report_print(run->report, run->report_file);
	if (fclose(run->report_file) != 0)
		fprintf(stderr, "imapconn: --report %s: %s\n", path,
			strerror(errno));
	else if (!run->o->json)
		fprintf(run->out, "report written to %s\n", path);
	report_free(run->report);
	run->report = NULL;
	run->report_file = NULL;
}

static bool
starttls_done(const struct check_run *run)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->ev[i]->type == EV_TLS &&
		    run->ev[i]->phase == PHASE_STARTTLS)
			return true;
	return false;
}

/* --export FORMAT:FILE: the new file, created now so that a bad FILE
 * stops the run before it connects.  (Without FILE the export goes to
 * the standard output cli_check() was given.) */
static int
open_export(struct check_run *run, struct failure *f)
{
	const char *path = run->o->export_path;

	if (!run->o->have_export || path[0] == '\0')
		return 0;
	run->export_out = safefile_fopen("--export", path, false, f);
	return run->export_out != NULL ? 0 : -1;
}

/* The export file closed, and kept only when it holds the export.
 * Returns rc, or the exit status of a failed close. */
static int
close_export(struct check_run *run, bool written, int rc)
{
	const char *path = run->o->export_path;

	if (path[0] == '\0' || run->export_out == NULL)
		return rc;
	if (fclose(run->export_out) != 0 && written) {
		fprintf(stderr, "imapconn: --export %s: %s\n", path,
			strerror(errno));
		written = false;
		rc = fail_exit_code(FAIL_INPUT);
	}
	run->export_out = NULL;
	if (!written)
		unlink(path);
	else if (!run->o->json)
		fprintf(run->out, "export written to %s\n", path);
	return rc;
}

/* --export: the settings that worked, alone on their stream.  Returns
 * the exit status: rc, or 64 when the format cannot express them. */
static int
print_export(struct check_run *run, int rc)
{
	const struct options *o = run->o;
	char err[EXPORT_ERR_MAX];
	struct conn_config *c;
	bool written = false;

	if (!o->have_export)
		return rc;
	if (run->failed || !run->success) {
		fprintf(run->out, "\nno export: the connection did not "
			"succeed\n");
		return close_export(run, false, rc);
	}
	c = malloc(sizeof(*c));
	if (c == NULL)
		return close_export(run, false, fail_exit_code(FAIL_INTERNAL));
	*c = o->cfg;
	export_settle(c, starttls_done(run));
	if (export_write(o->export_fmt, c, run->export_out, err,
			 sizeof(err)) != 0) {
		fprintf(stderr, "imapconn: --export %s: %s\n",
			export_format_name(o->export_fmt), err);
		rc = fail_exit_code(FAIL_USAGE);
	} else {
		written = true;
	}
	config_wipe(c);
	free(c);
	return close_export(run, written, rc);
}

static int
finish(struct check_run *run)
{
	int rc;

	run->signal = sigwatch_take();
	rc = cli_exit_code(run);
	if (run->o->json)
		cli_json_print(run);
	else
		print_end(run);
	finish_report(run);
	rc = print_export(run, rc);
	for (size_t i = 0; i < run->n; i++)
		event_free(run->ev[i]);
	free(run->ev);
	mbtree_free(run->tree);
	if (run->transcript != NULL)
		fclose(run->transcript);
	return rc;
}

int
cli_check(struct options *o, FILE *out)
{
	struct check_run run;
	struct failure f;
	int rc = 0;

	memset(&run, 0, sizeof(run));
	run.o = o;
	run.out = out;
	/* --export without a file: out holds the export alone. */
	if (o->have_export && o->export_path[0] == '\0') {
		run.out = stderr;
		run.export_out = out;
	}
	sigwatch_start();
	/* A tunnel's command is shown once the password is known, so
	 * that it can be hidden in it. */
	if (!o->json && o->cfg.tunnel[0] == '\0')
		print_header(&run);
	run.tree = mbtree_new();
	if (run.tree == NULL) {
		fail_set(&f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		rc = -1;
	}
	/* The files first: a bad path stops the run before the prompt. */
	if (rc == 0)
		rc = open_transcript(&run, &f);
	if (rc == 0)
		rc = open_report(&run, &f);
	if (rc == 0)
		rc = open_export(&run, &f);
	if (rc == 0 && o->cfg.user[0] != '\0')
		rc = password_obtain(o, &o->cfg, isatty(STDIN_FILENO), &f);
	if (rc == 0 && o->cfg.tunnel[0] != '\0') {
		report_set_config(run.report, &o->cfg);
		if (!o->json)
			print_header(&run);
	}
	if (rc == 0)
		rc = run_session(&run, o, &f);
	if (rc != 0) {
		run.signal = sigwatch_take();
		run.failure = f;
		by_signal(&run, &run.failure);
		explain(&run, &run.failure);
		run.failed = true;
	}
	config_wipe(&o->cfg);
	rc = finish(&run);
	sigwatch_stop();
	return rc;
}
