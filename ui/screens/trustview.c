/* trustview.c - the screen a certificate that failed verification
 * opens: what is wrong with it, its details as --check prints them,
 * and the choice to reject it, accept it once or accept it always. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conn.h"
#include "connlife.h"
#include "draw.h"
#include "frame.h"
#include "knowncerts.h"
#include "listview.h"
#include "pin.h"
#include "prompt.h"
#include "report.h"
#include "screen.h"
#include "screens.h"
#include "tls.h"

#define TRUSTVIEW_LINES 200
#define TRUSTVIEW_LINE_MAX 300

struct trustview_line {
	enum theme_role role;
	char text[TRUSTVIEW_LINE_MAX];
};

struct trustview {
	struct listview lv;		/* scroll-only */
	struct trustview_line *lines;
	size_t n;
	char key[KNOWNCERTS_KEY_MAX];	/* "host:port" of the connection */
	char spki[PIN_B64_LEN + 1];	/* the server's key */
	bool always;			/* the choice waiting for the name */
};

static struct trustview *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_TRUST);
}

static int
trustview_init(struct ui *ui)
{
	struct trustview *t = self(ui);

	t->lines = calloc(TRUSTVIEW_LINES, sizeof(*t->lines));
	return t->lines != NULL ? 0 : -1;
}

static void
trustview_free(void *data)
{
	struct trustview *t = data;

	free(t->lines);
}

/* Whether the connection failed on a certificate the user may accept:
 * verification on, a key received, and neither a pin nor an accepted
 * certificate that says otherwise. */
static bool
acceptable(const struct conn *c)
{
	return c != NULL && c->failed && c->fail.cls == FAIL_TLS_VERIFY &&
	       c->fail.reason != FAIL_R_CERT_PIN_MISMATCH &&
	       c->fail.reason != FAIL_R_CERT_CHANGED && c->tls != NULL &&
	       c->tls->verify_enabled && c->tls->chain_len > 0 &&
	       c->tls->chain[0].spki_sha256[0] != '\0';
}

/* A certificate from a trusted CA whose only fault is the name: the
 * host name typed may be wrong, or the server is not the one meant. */
static bool
name_only(const struct conn *c)
{
	return c->fail.reason == FAIL_R_CERT_NAME_MISMATCH
	       && (c->tls == NULL || c->tls->nproblems <= 1);
}

static int
trustview_open(struct ui *ui)
{
	if (!acceptable(ui->conn))
		return -1;
	return 0;
}

static void
add(struct trustview *t, enum theme_role role, const char *text,
    size_t len)
{
	if (t->n == TRUSTVIEW_LINES)
		return;
	if (len >= TRUSTVIEW_LINE_MAX)
		len = TRUSTVIEW_LINE_MAX - 1;
	t->lines[t->n].role = role;
	memcpy(t->lines[t->n].text, text, len);
	t->lines[t->n].text[len] = '\0';
	t->n++;
}

static void
addf(struct trustview *t, enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
addf(struct trustview *t, enum theme_role role, const char *fmt, ...)
{
	char line[TRUSTVIEW_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	add(t, role, line, strlen(line));
}

/* text on lines of the screen's width, cut after a space, each
 * starting with indent. */
static void
add_wrapped(struct trustview *t, enum theme_role role, const char *indent,
	    const char *text)
{
	size_t cols = COLS > 64 ? (size_t)COLS - 4 : 60;
	size_t left = strlen(text);
	char line[TRUSTVIEW_LINE_MAX];

	if (cols > sizeof(line) - 1)
		cols = sizeof(line) - 1;
	while (left > 0) {
		size_t width = cols - strlen(indent), n = left;

		if (n > width) {
			n = width;
			while (n > width / 2 && text[n - 1] != ' ')
				n--;
			if (n == width / 2)
				n = width;
		}
		snprintf(line, sizeof(line), "%s%.*s", indent, (int)n, text);
		add(t, role, line, strlen(line));
		text += n;
		left -= n;
		indent = "    ";
	}
}

/* The TLS block and the chain as --check prints them, one line each. */
static void
add_details(struct trustview *t, const struct tls_summary *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		return;
	report_print_tls(mem, s);
	for (int i = 0; i < s->chain_len; i++)
		report_print_cert(mem, i, &s->chain[i]);
	if (fclose(mem) == 0) {
		for (char *p = text; *p != '\0';) {
			size_t n = strcspn(p, "\n");

			add(t, ROLE_NORMAL, p, n);
			p += n + (p[n] == '\n');
		}
	}
	free(text);
}

static void
build(struct ui *ui)
{
	struct trustview *t = self(ui);
	const struct conn *c = ui->conn;
	const struct endpoint *ep = &c->diag_o.cfg.ep;

	t->n = 0;
	knowncerts_key(ep->host, ep->kind, endpoint_port(ep), t->key,
		       sizeof(t->key));
	snprintf(t->spki, sizeof(t->spki), "%s", c->tls->chain[0].spki_sha256);
	addf(t, ROLE_FAIL, "The certificate of %s is NOT trusted", t->key);
	add_wrapped(t, ROLE_FAIL, "  ", c->fail.detail);
	if (c->fail.hint[0] != '\0') {
		char hint[FAIL_HINT_MAX + 8];

		snprintf(hint, sizeof(hint), "hint: %s", c->fail.hint);
		add_wrapped(t, ROLE_DIM, "  ", hint);
	}
	addf(t, ROLE_NORMAL, "%s", "");
	addf(t, ROLE_HEADING, "Its key (SPKI SHA-256): sha256//%s", t->spki);
	addf(t, ROLE_NORMAL, "  Check it with the server's administrator "
	     "before you accept it.");
	if (name_only(c))
		addf(t, ROLE_WARN, "  The certificate comes from a trusted CA "
		     "but is for other names: accepting it asks you to type "
		     "the host name.");
	addf(t, ROLE_NORMAL, "%s", "");
	add_details(t, c->tls);
	listview_set_len(&t->lv, t->n);
}

static void
trustview_enter(struct ui *ui)
{
	listview_init(&self(ui)->lv, true);
	build(ui);
}

/* ------------------------------------------------------------ choices */

static void
reject(struct ui *ui)
{
	screen_switch(ui, SCREEN_PROGRESS);
	frame_message(ui, ROLE_WARN, "certificate rejected: not connected");
}

/* Save the key for good, then connect again. */
static void
accept_always_now(struct ui *ui)
{
	struct trustview *t = self(ui);
	struct knowncerts kc;
	char today[KNOWNCERTS_DATE_MAX], err[CONFIG_PATH_MAX + 128];
	char path[CONFIG_PATH_MAX];
	int rc;

	/* A copy: connecting again frees the connection it came from. */
	snprintf(path, sizeof(path), "%s", ui->conn->diag_o.cfg.known_certs);
	if (path[0] == '\0') {
		frame_message(ui, ROLE_FAIL, "no place for known_certs: set "
			      "XDG_DATA_HOME or HOME (accept once works)");
		return;
	}
	knowncerts_date(time(NULL), today);
	knowncerts_init(&kc);
	rc = knowncerts_load(&kc, path, NULL, NULL, err, sizeof(err));
	if (rc == 0 &&
	    knowncerts_remember(&kc, t->key, t->spki, today) != 0) {
		snprintf(err, sizeof(err), "too many entries");
		rc = -1;
	}
	if (rc == 0)
		rc = knowncerts_save(&kc, path, err, sizeof(err));
	knowncerts_free(&kc);
	if (rc != 0) {
		frame_message(ui, ROLE_FAIL, "not saved: %s", err);
		return;
	}
	connlife_start(ui);
	frame_message(ui, ROLE_OK, "certificate of %s accepted for good "
		      "(saved in %s)", t->key, path);
}

/* Pin the key for the connections of this run, then connect again. */
static void
accept_once_now(struct ui *ui)
{
	struct trustview *t = self(ui);

	snprintf(ui->once_key, sizeof(ui->once_key), "%s", t->key);
	snprintf(ui->once_spki, sizeof(ui->once_spki), "%s", t->spki);
	connlife_start(ui);
	frame_message(ui, ROLE_OK, "certificate of %s accepted for this "
		      "run", t->key);
}

/* The host name typed, to accept a certificate for other names. */
static void
name_typed(struct ui *ui, const char *answer)
{
	struct trustview *t = self(ui);
	const char *host = ui->conn->diag_o.cfg.ep.host;

	if (strcasecmp(answer, host) != 0) {
		frame_message(ui, ROLE_WARN, "not accepted: that is not %s",
			      host);
		return;
	}
	if (t->always)
		accept_always_now(ui);
	else
		accept_once_now(ui);
}

static void
choose(struct ui *ui, bool always)
{
	char q[CONFIG_HOST_MAX + 64];

	if (!acceptable(ui->conn))
		return;
	self(ui)->always = always;
	if (!name_only(ui->conn)) {
		if (always)
			accept_always_now(ui);
		else
			accept_once_now(ui);
		return;
	}
	snprintf(q, sizeof(q), "type the host name (%s) to accept it",
		 ui->conn->diag_o.cfg.ep.host);
	prompt_ask(ui, q, name_typed);
}

static void
accept_once(struct ui *ui)
{
	choose(ui, false);
}

static void
accept_always(struct ui *ui)
{
	choose(ui, true);
}

/* ------------------------------------------------------------ drawing */

static void
trustview_draw(struct ui *ui)
{
	struct trustview *t = self(ui);
	int top = 2;
	size_t first, n;

	frame_draw(ui, "Certificate NOT trusted: (r)eject, accept (o)nce, "
		   "(a)ccept always");
	listview_set_height(&t->lv, (size_t)(LINES - top - 1));
	listview_set_len(&t->lv, t->n);
	n = listview_visible(&t->lv, &first);
	for (size_t i = 0; i < n; i++) {
		const struct trustview_line *l = &t->lines[first + i];

		draw_text(stdscr, top + (int)i, 1, COLS - 2, l->text,
			  frame_attr(ui, l->role));
	}
}

static struct listview *
trustview_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding trustview_bindings[] = {
	{ { 'r', UI_ESC }, "r", "reject the certificate: do not connect "
	  "(also Esc)", reject, "reject" },
	{ { 'o' }, "o", "accept it once: trust its key for this run",
	  accept_once, "accept once" },
	{ { 'a' }, "a", "accept it always: save its key in known_certs",
	  accept_always, "accept always" },
	UI_LIST_BINDINGS,
	UI_HELP_BINDING,
	{ { 'q' }, "q", "quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen trustview_screen = {
	.title = "Trust",
	.size = sizeof(struct trustview),
	.init = trustview_init,
	.free = trustview_free,
	.open = trustview_open,
	.enter = trustview_enter,
	.draw = trustview_draw,
	.list = trustview_list,
	.bindings = trustview_bindings,
	.conn_keys = true,
};
