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
#include "escape.h"
#include "export.h"
#include "mailbox.h"
#include "mbtree.h"
#include "net.h"
#include "password.h"
#include "report.h"
#include "run.h"
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
	report_print_tls(out, t);
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

/* The mailboxes in the order of the interface's tree (built and
 * expanded by finish()). */
static void
print_mailboxes(const struct check_run *run)
{
	const struct mbtree *t = run->rec->tree;
	struct mbtree_row row;

	for (size_t i = 0; i < mbtree_rows(t); i++) {
		if (i == 0)
			fprintf(run->out, "mailboxes\n");
		mbtree_row(t, i, &row);
		if (row.entry == NULL) {
			print_parent(run->out, t, i);
			continue;
		}
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
	const struct failure *f = &run->rec->failure;

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
	const struct run_item *tls;
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
		tls = run_find(run->rec, EV_TLS, RUN_LAST, true);
		run->tls_pending = tls != NULL ? tls->tls : NULL;
		break;
	default:
		break;
	}
	fflush(out);
}

static void
print_server_id(const struct check_run *run, const struct capdiff *d)
{
	const struct run_item *it = run_find(run->rec, EV_SERVER_ID, RUN_LAST,
					     false);
	const struct server_id *id = it != NULL ? it->server_id : NULL;
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

/* Which of the offered mechanisms imapconn can log in with. */
static void
print_usable(const struct check_run *run, const struct capdiff *d)
{
	char yes[400], no[400];

	capdiff_mechs(d, true, yes, sizeof(yes));
	capdiff_mechs(d, false, no, sizeof(no));
	if (yes[0] == '\0' && no[0] == '\0')
		return;
	fprintf(run->out, "  login mechanisms imapconn can use: %s\n",
		yes[0] != '\0' ? yes : "none");
	if (no[0] != '\0')
		fprintf(run->out, "  offered, not usable by imapconn: %s\n",
			no);
}

/* The capability lists side by side, and who the server says it is. */
static void
print_caps(const struct check_run *run)
{
	struct capdiff d;

	if (run_capdiff(run->rec, RUN_LAST, &d) != 0)
		return;
	if (d.have[CAPDIFF_BEFORE_TLS] || d.have[CAPDIFF_AFTER_TLS]
	    || d.have[CAPDIFF_AFTER_LOGIN]) {
		fprintf(run->out, "capabilities\n");
		capdiff_print(&d, capdiff_tls_of(&run->o->cfg.ep), run->out,
			      "  ", 79);
		print_usable(run, &d);
		print_server_id(run, &d);
	}
	capdiff_free(&d);
}

static void
print_end(const struct check_run *run)
{
	const struct run *rec = run->rec;

	print_caps(run);
	print_mailboxes(run);
	for (size_t i = 0; i < rec->n; i++)
		if (rec->items[i].type == EV_SELECTED
		    && rec->items[i].selected != NULL
		    && run_in(rec, &rec->items[i], RUN_LAST))
			print_selected(run->out, rec->items[i].selected);
	if (rec->failed)
		print_failure(run);
	else
		fprintf(run->out, "result: ok, %lld ms in all\n",
			(long long)rec->total_ms);
}

void
cli_by_signal(const struct check_run *run, struct failure *f)
{
	char was[sizeof(f->detail)];

	if (run->signal == 0 || f->cls != FAIL_CANCELLED)
		return;
	snprintf(was, sizeof(was), "%s", f->detail);
	snprintf(f->detail, sizeof(f->detail), "%s by %s", was,
		 sigwatch_name(run->signal));
}

/* The exit status of the run: 128 + the signal that stopped it, else
 * that of its failure class, else 0. */
static int
cli_exit_code(const struct check_run *run)
{
	if (run->signal != 0)
		return sigwatch_exit_status(run->signal);
	return run->rec->failed ? fail_exit_code(run->rec->failure.cls) : 0;
}

static void
on_event(struct check_run *run, struct event *ev)
{
	transcript_write(run->transcript, ev);
	run_apply(run->rec, ev);
	if (ev->type == EV_FAILURE)
		cli_by_signal(run, &run->rec->failure);
	if (ev->type == EV_RETRY)
		run->tls_pending = NULL;
	if (!run->o->json && !run->quiet)
		print_live(run, ev);
	event_free(ev);
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

int
cli_run_session(struct check_run *run, struct conn_config *cfg,
		struct failure *f)
{
	struct event_queue *q = event_queue_new();
	struct session *s;

	if (q == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return -1;
	}
	s = session_start(cfg, q, f);
	config_wipe(cfg);
	if (s == NULL) {
		event_queue_free(q);
		return -1;
	}
	event_loop(run, q, s);
	session_free(s);
	event_queue_free(q);
	return 0;
}

void
cli_run_quiet(struct check_run *run, const struct options *o, FILE *out,
	      struct run *rec)
{
	memset(run, 0, sizeof(*run));
	run->o = o;
	run->out = out;
	run->rec = rec;
	run->quiet = true;
}

void
cli_connect(struct check_run *run, struct conn_config *cfg)
{
	struct failure f;

	if (cli_run_session(run, cfg, &f) == 0)
		return;
	run->signal = sigwatch_take();
	run_fail(run->rec, &f);
	cli_by_signal(run, &run->rec->failure);
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
	run->report = report_new(&run->o->cfg, run->rec);
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
	report_set_failure(run->report, run->rec->failed ?
			   &run->rec->failure : NULL);
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
	if (run->rec->failed || !run->rec->success) {
		fprintf(run->out, "\nno export: the connection did not "
			"succeed\n");
		return close_export(run, false, rc);
	}
	c = malloc(sizeof(*c));
	if (c == NULL)
		return close_export(run, false, fail_exit_code(FAIL_INTERNAL));
	*c = o->cfg;
	export_settle(c, run_starttls_done(run->rec, RUN_LAST));
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
	mbtree_build(run->rec->tree);
	mbtree_expand_all(run->rec->tree);
	if (run->o->json)
		cli_json_print(run, rc);
	else
		print_end(run);
	finish_report(run);
	rc = print_export(run, rc);
	if (run->failure_out != NULL && run->rec->failed)
		*run->failure_out = run->rec->failure;
	run_free(run->rec);
	if (run->transcript != NULL)
		fclose(run->transcript);
	return rc;
}

int
cli_check(struct options *o, FILE *out)
{
	return cli_check_failure(o, out, NULL);
}

int
cli_check_failure(struct options *o, FILE *out, struct failure *failed)
{
	struct check_run run;
	struct failure f;
	int rc = 0;

	memset(&run, 0, sizeof(run));
	if (failed != NULL)
		memset(failed, 0, sizeof(*failed));
	run.failure_out = failed;
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
	/* Transcript lines are built only for --transcript and
	 * --report, and kept only for --report. */
	o->cfg.transcript = o->cfg.transcript_path[0] != '\0' ||
			    o->report_path[0] != '\0';
	run.rec = run_new(&o->cfg, o->report_path[0] != '\0' ?
			  REPORT_TRANSCRIPT_TAIL : 0);
	if (run.rec == NULL) {
		fprintf(stderr, "imapconn: out of memory\n");
		config_wipe(&o->cfg);
		sigwatch_stop();
		return fail_exit_code(FAIL_INTERNAL);
	}
	/* The files first: a bad path stops the run before the prompt. */
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
		rc = cli_run_session(&run, &o->cfg, &f);
	if (rc != 0) {
		run.signal = sigwatch_take();
		run_fail(run.rec, &f);
		cli_by_signal(&run, &run.rec->failure);
	}
	config_wipe(&o->cfg);
	rc = finish(&run);
	sigwatch_stop();
	return rc;
}
