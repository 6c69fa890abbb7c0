/* detectview.c - the detection screen: a spinner and the time it may
 * take while the probes run, then the table of what answered with the
 * recommended row chosen; Enter fills the form from a row. */
#include <arpa/inet.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "connlife.h"
#include "detect.h"
#include "detectrun.h"
#include "draw.h"
#include "escape.h"
#include "formmodel.h"
#include "frame.h"
#include "listview.h"
#include "screen.h"
#include "screens.h"

#define TOP 4			/* the table's first row */
#define BOTTOM_LINES 5		/* the chosen row, then the advice */
#define HOST_W_MAX 28
#define ESCAPED(n) ((n) * 4 + 1)	/* room escape_text() may need */

/* How long to wait for a cancelled run to end before letting it go:
 * probes end at once when cancelled; only an SRV lookup, which uses no
 * TLS, may take longer (a thread in OpenSSL must not outlive the
 * program, whose exit tears the library down). */
#define EXIT_WAIT_MS 3000

struct detectview {
	struct listview lv;
	struct detectrun *run;		/* NULL before the first F5 */
	bool done;			/* the run ended: the table shows */
	bool cancelled;			/* Esc: its result is not wanted */
	char name[CONFIG_HOST_MAX];	/* as typed, checked */
	uint16_t port_tls, port_starttls;
};

/* Where the table's columns start. */
struct cols {
	int host, port, mode, result, tls, auth;
};

/* Cancel the run there is and free it, waiting a little for its
 * threads to end (see EXIT_WAIT_MS). */
static void
end_run(struct detectview *d)
{
	if (d->run != NULL) {
		detectrun_cancel(d->run);
		detectrun_wait(d->run, EXIT_WAIT_MS);
	}
	detectrun_free(d->run);
	d->run = NULL;
}

static void
detectview_free(void *data)
{
	end_run(data);
}

static const struct detect_result *
result(const struct detectview *d)
{
	return d->run != NULL && d->done && !d->cancelled ?
	       detectrun_result(d->run) : NULL;
}

static struct detectview *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_DETECT);
}

/* Start detecting what the form's values say, or say why not (then
 * the screen does not show). */
static int
detectview_open(struct ui *ui)
{
	struct detectview *d = self(ui);
	struct detect_params p;
	char err[512];

	if (d->run != NULL && !d->done && !d->cancelled) {
		frame_message(ui, ROLE_WARN, "already probing: wait for the "
			      "table, or Esc to cancel");
		return -1;
	}
	if (formmodel_detect_params(ui->form, &p, err, sizeof(err)) != 0) {
		frame_message(ui, ROLE_FAIL, "cannot detect: %s", err);
		return -1;
	}
	/* A run cancelled with Esc has ended by now, or does at once. */
	end_run(d);
	d->run = detectrun_start(&p);
	tls_opts_wipe(&p.tls);
	d->done = false;
	d->cancelled = false;
	if (d->run == NULL) {
		frame_message(ui, ROLE_FAIL, "cannot start the detection: "
			      "out of resources");
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%s", p.name);
	d->port_tls = p.port_tls;
	d->port_starttls = p.port_starttls;
	listview_init(&d->lv, false);
	return 0;
}

static int
detectview_wake_fd(struct ui *ui)
{
	struct detectview *d = self(ui);

	return d->run != NULL && !d->done && !d->cancelled ?
	       detectrun_fd(d->run) : -1;
}

/* The run ended: the table, the recommended row chosen. */
static void
detectview_on_wake(struct ui *ui)
{
	struct detectview *d = self(ui);
	const struct detect_result *r;

	if (d->run == NULL || d->done || d->cancelled
	    || !detectrun_done(d->run))
		return;
	d->done = true;
	r = result(d);
	listview_set_len(&d->lv, r != NULL ? r->n : 0);
	if (r != NULL && r->recommended >= 0)
		listview_set_cursor(&d->lv, (size_t)r->recommended);
	ui->dirty = true;
}

/* ------------------------------------------------------------ words */

static enum theme_role
result_role(const struct detect_probe *p)
{
	switch (p->outcome) {
	case DETECT_OK:
		return p->verified ? ROLE_OK : ROLE_WARN;
	case DETECT_CERT:
	case DETECT_TLS:
	case DETECT_NO_STARTTLS:
	case DETECT_ERROR:
		return ROLE_FAIL;
	default:
		return ROLE_DIM;	/* nothing there: the usual case */
	}
}

static bool
is_address(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1
	       || inet_pton(AF_INET6, s, buf) == 1;
}

/* ------------------------------------------------------------ drawing */

static void
draw_running(struct ui *ui)
{
	static const char spin[] = "|/-\\";
	struct detectview *d = self(ui);
	int64_t el = detectrun_elapsed_ms(d->run, clock_ms());
	int64_t lim = detectrun_limit_ms(d->run);

	draw_textf(stdscr, 2, 1, COLS - 2, frame_attr(ui, ROLE_RUNNING),
		   "%c probing %s without credentials: %lld s (at most "
		   "%lld s)", spin[(el / 125) % 4], d->name,
		   (long long)(el / 1000), (long long)((lim + 999) / 1000));
	if (is_address(d->name))
		draw_textf(stdscr, 3, 3, COLS - 4, frame_attr(ui, ROLE_DIM),
			   "the address on ports %u (implicit TLS) and %u "
			   "(STARTTLS)", d->port_tls, d->port_starttls);
	else
		draw_textf(stdscr, 3, 3, COLS - 4, frame_attr(ui, ROLE_DIM),
			   "SRV records, then %s, imap.%s and mail.%s on "
			   "ports %u (implicit TLS) and %u (STARTTLS)",
			   d->name, d->name, d->name, d->port_tls,
			   d->port_starttls);
	draw_text(stdscr, 5, 3, COLS - 4, "Esc cancels and goes back to the "
		  "form", frame_attr(ui, ROLE_DIM));
}

static void
layout(const struct detect_result *r, struct cols *c)
{
	int w = 4;

	for (size_t i = 0; i < r->n; i++)
		if ((int)strlen(r->probes[i].host) > w)
			w = (int)strlen(r->probes[i].host);
	if (w > HOST_W_MAX)
		w = HOST_W_MAX;
	c->host = 2;
	c->port = c->host + w + 1;
	c->mode = c->port + 6;
	c->result = c->mode + 13;
	c->tls = c->result + 20;
	c->auth = c->tls + 8;
}

static void
draw_heading(struct ui *ui, const struct cols *c, int y)
{
	int h = frame_attr(ui, ROLE_HEADING);

	draw_text(stdscr, y, c->host, c->port - c->host - 1, "host", h);
	draw_text(stdscr, y, c->port + 1, 4, "port", h);
	draw_text(stdscr, y, c->mode, 12, "mode", h);
	draw_text(stdscr, y, c->result, 19, "result", h);
	draw_text(stdscr, y, c->tls, 7, "TLS", h);
	draw_text(stdscr, y, c->auth, COLS - c->auth - 1, "authentication",
		  h);
}

/* One probe; what the server sent (mechanisms, TLS version) and the
 * host an SRV record named are escaped before they are drawn. */
static void
draw_row(struct ui *ui, const struct detect_result *r, size_t i, int y,
	 bool is_cursor, const struct cols *c)
{
	const struct detect_probe *p = &r->probes[i];
	int attr = is_cursor ? frame_attr(ui, ROLE_CURSOR) : 0;
	char host[ESCAPED(CONFIG_HOST_MAX)], auth[ESCAPED(sizeof(p->auth))];
	char tls[ESCAPED(sizeof(p->tls_version))], res[40];
	size_t n;

	if (is_cursor)
		draw_fill(stdscr, y, 0, COLS, attr);
	if ((int)i == r->recommended)
		draw_text(stdscr, y, 0, 1, "*", is_cursor ? attr :
			  frame_attr(ui, ROLE_OK) | (int)A_BOLD);
	escape_text(p->host, strlen(p->host), host, sizeof(host));
	draw_text(stdscr, y, c->host, c->port - c->host - 1, host, attr);
	draw_textf(stdscr, y, c->port, 5, attr, "%5u", p->port);
	draw_text(stdscr, y, c->mode, 12, detect_mode_words(p->implicit_tls), attr);
	detect_result_words(p, res, sizeof(res));
	draw_text(stdscr, y, c->result, 19, res, is_cursor ? attr :
		  frame_attr(ui, result_role(p)));
	escape_line(p->tls_version, strlen(p->tls_version), tls, sizeof(tls));
	draw_text(stdscr, y, c->tls, 7, tls[0] ? tls : "-", attr);
	n = escape_line(p->auth, strlen(p->auth), auth, sizeof(auth));
	if (p->login_disabled && n + 17 < sizeof(auth))
		snprintf(auth + n, sizeof(auth) - n, "%sLOGINDISABLED",
			 n > 0 ? " " : "");
	draw_text(stdscr, y, c->auth, COLS - c->auth - 1, auth[0] ? auth :
		  "-", attr);
}

/* Under the table: the chosen row, whole, with what it found. */
static void
draw_chosen(struct ui *ui, const struct detect_result *r, int y)
{
	const struct detect_probe *p = &r->probes[self(ui)->lv.cursor];
	char host[ESCAPED(CONFIG_HOST_MAX)], from[400];
	char detail[ESCAPED(sizeof(p->detail))];

	escape_text(p->host, strlen(p->host), host, sizeof(host));
	detect_probe_source(r, self(ui)->lv.cursor, from, sizeof(from));
	draw_textf(stdscr, y, 1, COLS - 2, frame_attr(ui, ROLE_HEADING),
		   "%s port %u, %s: certificate checked for %s%s; from %s",
		   host, p->port, detect_mode_words(p->implicit_tls),
		   p->check_name, p->origin == DETECT_FROM_SRV ? " (learned "
		   "from DNS: not trusted for its own name)" : "", from);
	if (p->detail[0] != '\0') {
		escape_line(p->detail, strlen(p->detail), detail,
			    sizeof(detail));
		draw_wrapped(stdscr, y + 1, 3, COLS - 4, 2, detail,
			     frame_attr(ui, result_role(p)));
	} else if (p->outcome == DETECT_OK) {
		draw_textf(stdscr, y + 1, 3, COLS - 4,
			   frame_attr(ui, ROLE_DIM),
			   "greeting and capabilities read over TLS in %lld "
			   "ms, then LOGOUT%s%s", (long long)p->ms,
			   p->server[0] ? "; its ID answer says " : "",
			   p->server);
	}
}

static bool
any_cert_problem(const struct detect_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->probes[i].outcome == DETECT_CERT)
			return true;
	return false;
}

/* The recommendation (RFC 8314), or why there is none. */
static void
draw_advice(struct ui *ui, const struct detect_result *r, int y)
{
	const struct detect_probe *p;
	char host[ESCAPED(CONFIG_HOST_MAX)];

	if (r->recommended < 0) {
		draw_text(stdscr, y, 1, COLS - 2, "nothing to recommend: "
			  "nothing answered over TLS with a verified "
			  "certificate", frame_attr(ui, ROLE_FAIL));
		if (any_cert_problem(r)) {
			char advice[256];

			detect_cert_advice(r, "the form's CA file field",
					   advice, sizeof(advice));
			draw_text(stdscr, y + 1, 3, COLS - 4, advice,
				  frame_attr(ui, ROLE_WARN));
		}
		return;
	}
	p = &r->probes[r->recommended];
	escape_text(p->host, strlen(p->host), host, sizeof(host));
	draw_textf(stdscr, y, 1, COLS - 2, frame_attr(ui, ROLE_OK),
		   "* recommended: %s port %u, %s, certificate verified for "
		   "%s", host, p->port, detect_mode_words(p->implicit_tls),
		   p->check_name);
	draw_text(stdscr, y + 1, 3, COLS - 4, "(RFC 8314: implicit TLS "
		  "first.)  Enter fills the form from the chosen row.",
		  frame_attr(ui, ROLE_DIM));
}

static void
draw_table(struct ui *ui, const struct detect_result *r)
{
	struct detectview *d = self(ui);
	int bottom = LINES - 1 - BOTTOM_LINES;
	struct cols c;
	size_t first, n;
	char trust[3 * CONFIG_PATH_MAX];

	detect_trust_words(r, trust, sizeof(trust));
	draw_textf(stdscr, 1, 1, COLS - 2, frame_attr(ui, ROLE_DIM),
		   "%zu probes in %lld ms, no credentials sent; certificates "
		   "checked for %s%s; %s", r->n, (long long)r->total_ms,
		   r->params.tls.server_name[0] ? r->params.tls.server_name :
		   r->params.name, r->params.tls.server_name[0] ? "" :
		   " as typed", trust);
	layout(r, &c);
	draw_heading(ui, &c, TOP - 1);
	listview_set_height(&d->lv, (size_t)(bottom - 1 - TOP));
	listview_set_len(&d->lv, r->n);
	n = listview_visible(&d->lv, &first);
	for (size_t i = 0; i < n; i++)
		draw_row(ui, r, first + i, TOP + (int)i, first + i ==
			 d->lv.cursor, &c);
	if (r->n == 0) {
		draw_text(stdscr, TOP, 2, COLS - 4, "nothing to probe",
			  frame_attr(ui, ROLE_DIM));
		return;
	}
	draw_chosen(ui, r, bottom);
	draw_advice(ui, r, bottom + 3);
}

static void
detectview_draw(struct ui *ui)
{
	struct detectview *d = self(ui);
	const struct detect_result *r = result(d);
	char title[CONFIG_HOST_MAX + 16];

	snprintf(title, sizeof(title), "detect: %s", d->name);
	frame_draw(ui, title);
	if (d->run == NULL)
		return;
	if (!d->done) {
		draw_running(ui);
		return;
	}
	if (r == NULL) {
		draw_text(stdscr, 2, 1, COLS - 2, "the detection could not "
			  "start its probes (out of memory)",
			  frame_attr(ui, ROLE_FAIL));
		return;
	}
	draw_table(ui, r);
}

/* ------------------------------------------------------------ keys */

static void
choose(struct ui *ui)
{
	struct detectview *d = self(ui);
	const struct detect_result *r = result(d);
	const struct detect_probe *p;
	struct endpoint ep;
	char res[40];

	if (d->run != NULL && !d->done) {
		frame_message(ui, ROLE_WARN, "still probing: wait for the "
			      "table, or Esc to cancel");
		return;
	}
	if (r == NULL || r->n == 0) {
		frame_message(ui, ROLE_WARN, "nothing to choose: Esc goes "
			      "back");
		return;
	}
	p = &r->probes[d->lv.cursor];
	detect_probe_endpoint(r, d->lv.cursor, &ep);
	formmodel_fill(ui->form, &ep);
	screen_switch(ui, SCREEN_FORM);
	detect_result_words(p, res, sizeof(res));
	frame_message(ui, p->outcome == DETECT_OK && p->verified ? ROLE_OK :
		      ROLE_WARN, "form filled: %s port %u, %s (%s in the "
		      "detection)", ep.host, p->port,
		      detect_mode_words(p->implicit_tls), res);
}

static void
back(struct ui *ui)
{
	struct detectview *d = self(ui);

	screen_switch(ui, SCREEN_FORM);
	if (d->run == NULL || d->done)
		return;
	/* The probes end on their own, unwaited for; the run is kept
	 * until the next F5, or the end, which waits for it. */
	detectrun_cancel(d->run);
	d->cancelled = true;
	frame_message(ui, ROLE_NORMAL, "detection cancelled; the form is as "
		      "it was");
}

/* F5 again: a new detection of what the form says. */
static void
again(struct ui *ui)
{
	screen_switch(ui, SCREEN_DETECT);
}

static struct listview *
detectview_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding detectview_bindings[] = {
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "Enter",
	  "fill the form from the chosen row (host, port, TLS)", choose,
	  "fill the form" },
	{ { UI_ESC, UI_KEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h') }, "Esc",
	  "back to the form unchanged (cancels the probes)", back, "back" },
	{ { UI_KEY(KEY_F(5)), UI_CTRL('g') }, "F5", "detect again",
	  again, NULL },
	UI_LIST_BINDINGS,
	UI_HELP_BINDING,
	{ { UI_KEY(KEY_F(10)), 'q' }, "q", "quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen detectview_screen = {
	.title = "detection",
	.size = sizeof(struct detectview),
	.free = detectview_free,
	.open = detectview_open,
	.draw = detectview_draw,
	.list = detectview_list,
	.bindings = detectview_bindings,
	.wake_fd = detectview_wake_fd,
	.on_wake = detectview_on_wake,
};
