/* tlsview.c - the TLS view screen, built as lines of text when it opens
 * (and again when TLS, capabilities or the server's ID arrive): the
 * chain and its verification, who the server says it is, and the
 * capabilities before and after TLS side by side; saving the chain. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "capdiff.h"
#include "conn.h"
#include "connlife.h"
#include "draw.h"
#include "frame.h"
#include "listview.h"
#include "prompt.h"
#include "report.h"
#include "screen.h"
#include "screens.h"
#include "server_id.h"
#include "tls.h"
#include "validity.h"

#define TLSVIEW_LINES 320
#define TLSVIEW_LINE_MAX 600
#define TLSVIEW_DEFAULT_PATH "./imapconn-chain.pem"

struct tlsview_line {
	enum theme_role role;
	char text[TLSVIEW_LINE_MAX];
};

struct tlsview {
	struct listview lv;		/* scroll-only */
	struct tlsview_line *lines;
	size_t n;
};

static int
tlsview_init(struct ui *ui)
{
	struct tlsview *t = screen_data(ui, SCREEN_TLS);

	t->lines = calloc(TLSVIEW_LINES, sizeof(*t->lines));
	return t->lines != NULL ? 0 : -1;
}

static void
tlsview_free(void *data)
{
	struct tlsview *t = data;

	free(t->lines);
}

static struct tlsview *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_TLS);
}

/* Only a connection with TLS has something to show. */
static int
tlsview_open(struct ui *ui)
{
	if (ui->conn == NULL || ui->conn->tls == NULL) {
		frame_message(ui, ROLE_WARN, "no TLS yet on this connection: "
			      "nothing to show");
		return -1;
	}
	return 0;
}

static void
add(struct tlsview *t, enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add(struct tlsview *t, enum theme_role role, const char *fmt, ...)
{
	va_list ap;

	if (t->n == TLSVIEW_LINES)
		return;
	t->lines[t->n].role = role;
	va_start(ap, fmt);
	vsnprintf(t->lines[t->n].text, TLSVIEW_LINE_MAX, fmt, ap);
	va_end(ap);
	t->n++;
}

/* ------------------------------------------------------------ building */

#define VALUE_COL 17		/* where values start */
#define VALUE_W 60		/* a value's columns on an 80-column screen */

/* "  label        value": the value (printable ASCII from the core)
 * wrapped after a space, colon or comma, continuation lines indented
 * under it. */
static void
add_value(struct tlsview *t, enum theme_role role, const char *indent,
	  const char *label, const char *value)
{
	int pad = VALUE_COL - 1 - (int)strlen(indent);
	size_t left = strlen(value);
	bool first = true;

	do {
		size_t n = left;

		if (n > VALUE_W) {
			n = VALUE_W;
			while (n > VALUE_W / 2 && value[n - 1] != ' '
			       && value[n - 1] != ':' && value[n - 1] != ',')
				n--;
			if (n == VALUE_W / 2)
				n = VALUE_W;
		}
		add(t, role, "%s%-*s %.*s", indent, pad, first ? label : "",
		    (int)n, value);
		value += n;
		left -= n;
		first = false;
	} while (left > 0);
}

/* add_value() with a printf-formatted value, at the first level. */
static void
add_field(struct tlsview *t, enum theme_role role, const char *label,
	  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
add_field(struct tlsview *t, enum theme_role role, const char *label,
	  const char *fmt, ...)
{
	char value[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	add_value(t, role, "  ", label, value);
}

/* Key, exchange, forward secrecy, OCSP, and what is weak. */
static void
add_details(struct tlsview *t, const struct tls_summary *s)
{
	const struct tls_details *d = &s->details;
	const char *fs = report_tls_fs_words(s);

	if (d->key[0] != '\0')
		add_field(t, ROLE_NORMAL, "Server key", "%s, certificate "
			  "signed with %s", d->key, d->sig_alg);
	if (d->group[0] != '\0' || d->kx[0] != '\0')
		add_field(t, ROLE_NORMAL, "Key exchange", "%s%s%s",
			  d->kx[0] ? d->kx : "-", d->group[0] ? ", group " :
			  "", d->group);
	if (fs != NULL)
		add_field(t, d->forward_secrecy ? ROLE_NORMAL : ROLE_WARN,
			  "Fwd secrecy", "%s", fs);
	if (d->ocsp[0] != '\0')
		add_field(t, strncmp(d->ocsp, "REVOKED", 7) == 0 ? ROLE_FAIL :
			  ROLE_NORMAL, "OCSP", "%s", d->ocsp);
	if (d->weak[0] != '\0')
		add_field(t, ROLE_WARN, "WEAK", "%s", d->weak);
}

static void
add_connection(struct tlsview *t, const struct tls_summary *s)
{
	add(t, ROLE_HEADING, "Connection");
	add_field(t, ROLE_NORMAL, "Version", "%s", s->version[0] ?
		  s->version : "- (no TLS version agreed)");
	add_field(t, ROLE_NORMAL, "Cipher", "%s", s->cipher[0] ? s->cipher :
		  "-");
	add_field(t, ROLE_NORMAL, "SNI sent", "%s", s->sni_sent ? s->sni :
		  "(none: connecting to an address)");
	add_details(t, s);
	add_field(t, s->verify_enabled ? ROLE_NORMAL : ROLE_WARN,
		  "Verification", "%s", s->verify_enabled ? "on" :
		  "OFF (insecure: the result below is only informative)");
	if (s->verified)
		add_field(t, ROLE_OK, "Result", "verified: the chain and the "
			  "host name check out");
	else
		add_field(t, ROLE_FAIL, "Result", "NOT VERIFIED: %s (depth "
			  "%d)", s->verify_error_text[0] ?
			  s->verify_error_text : "not checked",
			  s->verify_error_depth);
	add_field(t, s->verified ? ROLE_NORMAL : ROLE_WARN, "Trusted by",
		  "%s", s->trust[0] ? s->trust : "-");
}

static void
problem_line(void *arg, const char *text)
{
	add(arg, ROLE_FAIL, "  %s", text);
}

/* Every problem verification found, the most important first. */
static void
add_problems(struct tlsview *t, const struct tls_summary *s)
{
	if (s->nproblems == 0)
		return;
	add(t, ROLE_NORMAL, "%s", "");
	add(t, ROLE_HEADING, "Problems (%d, the most important first)",
	    s->nproblems);
	report_tls_problems(s, problem_line, t);
}

/* The first problem at depth d, or NULL. */
static const struct tls_problem *
problem_at(const struct tls_summary *s, int d)
{
	for (int i = 0; i < s->nproblems && i < TLS_PROBLEMS_MAX; i++)
		if (s->problems[i].depth == d)
			return &s->problems[i];
	return NULL;
}

/* Whether a certificate name ("DNS:x", "IP:y") is exactly the one
 * expected; only a marker for the eye: OpenSSL made the decision. */
static bool
same_name(const char *san, const char *expected)
{
	const char *colon = strchr(san, ':');

	return colon != NULL && strcasecmp(colon + 1, expected) == 0;
}

static void
add_sans(struct tlsview *t, const struct tls_summary *s,
	 const struct tls_cert_info *leaf)
{
	char sans[sizeof(leaf->sans)];
	char *save = NULL, *tok;
	bool first = true;

	snprintf(sans, sizeof(sans), "%s", leaf->sans);
	for (tok = strtok_r(sans, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		add_field(t, ROLE_NORMAL, first ? "Certificate" : "", "%s%s",
			  tok, same_name(tok, s->expected_name) ?
			  "   <- the expected name" : "");
		first = false;
	}
}

static void
add_names(struct tlsview *t, const struct tls_summary *s)
{
	const struct tls_cert_info *leaf = s->chain_len > 0 ? &s->chain[0] :
					   NULL;

	add(t, ROLE_NORMAL, "%s", "");
	add(t, ROLE_HEADING, "Host name");
	add_field(t, ROLE_NORMAL, "Expected", "%s", s->expected_name);
	if (leaf == NULL || leaf->sans[0] == '\0')
		add_field(t, ROLE_WARN, "Certificate", "no subject "
			  "alternative names%s%s", leaf ? "; subject " : "",
			  leaf ? leaf->subject : "");
	else
		add_sans(t, s, leaf);
	if (s->verified)
		add_field(t, ROLE_OK, "Verdict", "the name matches");
	else if (strstr(s->verify_error_text, "mismatch") != NULL)
		add_field(t, ROLE_FAIL, "Verdict", "does NOT match: %s",
			  s->verify_error_text);
	else if (!s->verify_enabled && s->verify_error == 0)
		add_field(t, ROLE_WARN, "Verdict", "not checked (verification "
			  "off)");
	else
		add_field(t, ROLE_WARN, "Verdict", "not reached: verification "
			  "stopped first (%s)", s->verify_error_text);
}

static void
add_validity(struct tlsview *t, const struct tls_cert_info *ci)
{
	char words[64];
	long days = validity_words(ci->not_before_epoch, ci->not_after_epoch,
				   (int64_t)time(NULL), words, sizeof(words));

	add(t, days < 0 ? ROLE_FAIL : days < 14 ? ROLE_WARN : ROLE_NORMAL,
	    "      valid      %s .. %s (%s)", ci->not_before, ci->not_after,
	    words);
}

static void
add_cert(struct tlsview *t, int i, const struct tls_cert_info *ci)
{
	char pin[sizeof(ci->spki_sha256) + 8];

	add(t, ROLE_HEADING, "  [%d]%s", i, ci->self_signed ?
	    " self-signed" : "");
	add_value(t, ROLE_NORMAL, "      ", "subject", ci->subject);
	add_value(t, ROLE_NORMAL, "      ", "issuer", ci->issuer);
	add_validity(t, ci);
	if (ci->sans[0] != '\0')
		add_value(t, ROLE_NORMAL, "      ", "names", ci->sans);
	add_value(t, ROLE_NORMAL, "      ", "SHA-256", ci->sha256);
	snprintf(pin, sizeof(pin), "sha256//%s", ci->spki_sha256);
	add_value(t, ROLE_NORMAL, "      ", "SPKI pin", pin);
}

static void
add_chain(struct tlsview *t, const struct tls_summary *s)
{
	add(t, ROLE_NORMAL, "%s", "");
	add(t, ROLE_HEADING, "Chain as sent (%d certificate%s%s)",
	    s->chain_sent, s->chain_sent == 1 ? "" : "s",
	    s->chain_sent > s->chain_len ? ", the first ones shown" : "");
	for (int i = 0; i < s->chain_len; i++)
		add_cert(t, i, &s->chain[i]);
}

static void
add_depths(struct tlsview *t, const struct tls_summary *s)
{
	int n = s->verified_chain_len > s->chain_len ? s->verified_chain_len :
		s->chain_len;

	add(t, ROLE_NORMAL, "%s", "");
	add(t, ROLE_HEADING, "Verification by depth (%d in the chain "
	    "verification built)", s->verified_chain_len);
	for (int d = 0; d < n; d++) {
		const char *who = d < s->chain_len ? s->chain[d].subject :
				  "(from the local trust store)";

		const struct tls_problem *p = problem_at(s, d);

		if (s->verified)
			add(t, ROLE_OK, "  depth %d  ok       %s", d, who);
		else if (p != NULL)
			add(t, ROLE_FAIL, "  depth %d  FAILED   %s", d, p->text);
		else if (d == s->verify_error_depth)
			add(t, ROLE_FAIL, "  depth %d  FAILED   %s: %s", d,
			    who, s->verify_error_text);
		else
			add(t, ROLE_DIM, "  depth %d  no error reported   %s",
			    d, who);
	}
}

/* ------------------------------------------------ server and capabilities */

#define CAP_W 30		/* a name column of the side-by-side lists */

static bool
id_offered(const struct capdiff *d)
{
	for (int s = 0; s < CAPDIFF_SLOTS; s++)
		if (capdiff_has(d, (enum capdiff_slot)s, "ID"))
			return true;
	return false;
}

static void
add_server_id(struct tlsview *t, const struct conn *c,
	      const struct capdiff *d)
{
	const struct server_id *id = c->server_id;
	char line[SERVER_ID_TEXT_MAX + 32];

	add(t, ROLE_NORMAL, "%s", "");
	add(t, ROLE_HEADING, "Server ID (its answer to ID, RFC 2971)");
	if (id == NULL) {
		add(t, ROLE_DIM, "  %s", !id_offered(d) ? "not offered (no ID "
		    "capability)" : c->ready || c->done ? "not asked: no "
		    "command went out to carry it" : "no answer yet");
		return;
	}
	if (id->n == 0) {
		server_id_line(id, line, sizeof(line));
		add(t, id->result == SERVER_ID_REFUSED ? ROLE_WARN : ROLE_DIM,
		    "  %s", line);
		return;
	}
	for (size_t i = 0; i < id->n; i++)
		add_value(t, id->field[i].nil ? ROLE_DIM : ROLE_NORMAL, "  ",
			  id->field[i].key, id->field[i].nil ? "NIL" :
			  id->field[i].value);
	if (id->left_out > 0)
		add(t, ROLE_DIM, "  (%zu pair%s left out: past %d, malformed "
		    "or repeated)", id->left_out, id->left_out == 1 ? "" : "s",
		    SERVER_ID_PAIRS_MAX);
}

/* Before and after TLS, one name per line; a changed one in colour,
 * a suspicious change with its reason under it. */
static void
add_cap_rows(struct tlsview *t, const struct capdiff *d)
{
	add(t, ROLE_DIM, "    %-*s %s", CAP_W, "before TLS", "after TLS");
	for (size_t i = 0; i < d->n; i++) {
		const struct capdiff_row *r = &d->rows[i];
		enum capdiff_change c = capdiff_change(d, r,
			CAPDIFF_BEFORE_TLS, CAPDIFF_AFTER_TLS);
		const char *warn = capdiff_tls_warning(d, r);

		if (c == CAPDIFF_ABSENT)
			continue;	/* seen after login only */
		add(t, warn != NULL ? ROLE_FAIL : c == CAPDIFF_ADDED ? ROLE_OK
		    : c == CAPDIFF_REMOVED ? ROLE_WARN : ROLE_NORMAL,
		    "  %c %-*.*s %s", c == CAPDIFF_ADDED ? '+' :
		    c == CAPDIFF_REMOVED ? '-' : ' ', CAP_W, CAP_W,
		    c == CAPDIFF_ADDED ? "" : r->name,
		    c == CAPDIFF_REMOVED ? "" : r->name);
		if (warn != NULL)
			add(t, ROLE_FAIL, "      ! %s", warn);
	}
}

static void
add_cap_login(struct tlsview *t, const struct capdiff *d)
{
	enum capdiff_slot base = capdiff_login_base(d);
	char names[2048];

	if (!d->have[CAPDIFF_AFTER_LOGIN] || base == CAPDIFF_SLOTS)
		return;
	capdiff_join(d, base, CAPDIFF_AFTER_LOGIN, CAPDIFF_ADDED, names,
		   sizeof(names));
	if (names[0] != '\0')
		add_value(t, ROLE_OK, "  ", "+ after login", names);
	capdiff_join(d, base, CAPDIFF_AFTER_LOGIN, CAPDIFF_REMOVED, names,
		   sizeof(names));
	if (names[0] != '\0')
		add_value(t, ROLE_WARN, "  ", "- after login", names);
	if (capdiff_count(d, base, CAPDIFF_AFTER_LOGIN, CAPDIFF_ADDED) == 0
	    && capdiff_count(d, base, CAPDIFF_AFTER_LOGIN,
			     CAPDIFF_REMOVED) == 0)
		add_value(t, ROLE_DIM, "  ", "after login", "the same");
}

static void
add_caps(struct tlsview *t, const struct conn *c, const struct capdiff *d)
{
	const char *note = capdiff_note(d, capdiff_tls_of(&c->diag_o.cfg.ep));
	enum capdiff_slot one = d->have[CAPDIFF_AFTER_TLS] ?
				CAPDIFF_AFTER_TLS : CAPDIFF_BEFORE_TLS;
	char names[2048];

	add(t, ROLE_NORMAL, "%s", "");
	add(t, ROLE_HEADING, "Capabilities before and after TLS (- gone, + "
	    "added)");
	if (note == NULL) {
		add_cap_rows(t, d);
	} else {
		add(t, ROLE_DIM, "  %s", note);
		capdiff_join(d, one, one, CAPDIFF_NONE, names,
			     sizeof(names));
		if (names[0] != '\0')
			add_value(t, ROLE_NORMAL, "  ", "", names);
	}
	add_cap_login(t, d);
}

static void
build(struct ui *ui)
{
	struct tlsview *t = self(ui);
	const struct tls_summary *s = ui->conn != NULL ? ui->conn->tls :
				      NULL;
	struct capdiff d;

	t->n = 0;
	if (s == NULL) {
		add(t, ROLE_DIM, "no TLS on this connection (yet)");
	} else {
		add_connection(t, s);
		add_problems(t, s);
		add_names(t, s);
		add_chain(t, s);
		add_depths(t, s);
	}
	memset(&d, 0, sizeof(d));
	if (ui->conn != NULL && conn_capdiff(ui->conn, &d) == 0
	    && capdiff_login_base(&d) != CAPDIFF_SLOTS) {
		add_server_id(t, ui->conn, &d);
		add_caps(t, ui->conn, &d);
	}
	capdiff_free(&d);
	listview_set_len(&t->lv, t->n);
}

static void
tlsview_enter(struct ui *ui)
{
	struct tlsview *t = self(ui);

	listview_init(&t->lv, true);
	build(ui);
}

static void
tlsview_on_event(struct ui *ui, const struct event *ev)
{
	if (ev->type == EV_TLS || ev->type == EV_CAPS
	    || ev->type == EV_SERVER_ID)
		build(ui);
}

/* ------------------------------------------------------------ saving */

static size_t
count_certs(const char *pem)
{
	const char *p = strstr(pem, "-----BEGIN CERTIFICATE");
	size_t n = 0;

	while (p != NULL) {
		n++;
		p = strstr(p + 1, "-----BEGIN CERTIFICATE");
	}
	return n;
}

static int
save_chain(struct ui *ui, const char *path, bool overwrite)
{
	const char *pem = ui->conn != NULL ? ui->conn->pem : NULL;
	char what[64];
	size_t n;

	if (pem == NULL) {
		frame_message(ui, ROLE_WARN, "the server sent no certificate");
		return -1;
	}
	n = count_certs(pem);
	snprintf(what, sizeof(what), "%zu certificate%s (PEM)", n,
		 n == 1 ? "" : "s");
	return prompt_write(ui, path, overwrite, pem, strlen(pem), 0644,
			    what);
}

static void
ask_path(struct ui *ui)
{
	if (ui->conn == NULL || ui->conn->pem == NULL) {
		frame_message(ui, ROLE_WARN, "the server sent no certificate "
			      "to save");
		return;
	}
	prompt_save(ui, "save the chain (PEM) to", TLSVIEW_DEFAULT_PATH,
		    save_chain);
}

/* ------------------------------------------------------------ drawing */

static void
tlsview_draw(struct ui *ui)
{
	struct tlsview *t = self(ui);
	int top = 2;
	size_t first, n;

	frame_draw(ui, "TLS: certificate chain and verification");
	listview_set_height(&t->lv, (size_t)(LINES - top - 1));
	listview_set_len(&t->lv, t->n);
	n = listview_visible(&t->lv, &first);
	for (size_t i = 0; i < n; i++) {
		const struct tlsview_line *l = &t->lines[first + i];

		draw_text(stdscr, top + (int)i, 1, COLS - 2, l->text,
			  frame_attr(ui, l->role));
	}
}

static struct listview *
tlsview_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding tlsview_bindings[] = {
	{ { UI_KEY(KEY_BACKSPACE), 0x7f, UI_CTRL('h'), UI_ESC }, "Backspace",
	  "back (also Esc)", screen_close_view, "back" },
	{ { 's' }, "s", "save the chain as PEM (asks for a file name)",
	  ask_path, "save chain" },
	UI_LIST_BINDINGS,
	{ { 'l' }, "l", "transcript of the exchange", screen_show_transcript,
	  "transcript" },
	UI_HELP_BINDING,
	{ { 'q' }, "q", "log out and quit", connlife_quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen tlsview_screen = {
	.title = "TLS",
	.size = sizeof(struct tlsview),
	.init = tlsview_init,
	.free = tlsview_free,
	.open = tlsview_open,
	.enter = tlsview_enter,
	.draw = tlsview_draw,
	.on_event = tlsview_on_event,
	.list = tlsview_list,
	.bindings = tlsview_bindings,
	.view = true,
	.conn_keys = true,
};
