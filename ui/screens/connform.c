/* connform.c - the connection form screen (libform): a field for each
 * value of the form model, laid out from a table, choices toggled with
 * Space, the password masked, the token's command shown (never the
 * token), Enter to connect. */
#include <curses.h>
#include <errno.h>
#include <form.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "connlife.h"
#include "draw.h"
#include "formmodel.h"
#include "frame.h"
#include "screen.h"
#include "screens.h"

#define FORM_COL_LABEL 2
#define FORM_COL_FIELD 17
#define FORM_ROW_HOSTINFO 3
#define FORM_ROW_HELP 21
#define FORM_ROW_PLAN 22

/* Where each field of the model stands, and what it is for. */
struct place {
	int row, lcol, fcol, width;
	const char *help;
};

static const struct place places[FORM_COUNT] = {
	[FORM_HOST] = { 2, 2, 17, 60,
		"a name, an address, host:port, [v6]:port, "
		"imaps://user@host, (\"host\" :port 993)" },
	[FORM_PORT] = { 4, 2, 17, 7,
		"empty: 993 with implicit TLS, else 143 (follows the TLS "
		"choice until you type one)" },
	[FORM_TIMEOUT] = { 4, 30, 43, 13,
		"seconds to wait for the server each time (default 30)" },
	[FORM_TLS] = { 5, 2, 17, 14,
		"implicit (port 993), STARTTLS (stops if it fails), "
		"opportunistic or none; follows the port until changed" },
	[FORM_VERIFY] = { 6, 2, 17, 7,
		"check the certificate and the host name; off is insecure" },
	[FORM_CAFILE] = { 6, 30, 43, 35,
		"PEM file of CA certificates to trust as well (for a "
		"private CA)" },
	[FORM_USER] = { 7, 2, 17, 40,
		"log in as this user; empty: connect and stop before login" },
	[FORM_PASSWORD] = { 8, 2, 17, 40,
		"never shown, never written anywhere; Ctrl-U clears it" },
	[FORM_TOKEN] = { 9, 2, 17, 40,
		"its first line is an OAuth 2.0 token, run when connecting; "
		"empty: IMAPCONN_OAUTH_TOKEN" },
	[FORM_ADVANCED] = { 10, 2, 17, 8,
		"client certificate, TLS versions, ciphers, SNI, CRL (F2)" },
	[FORM_AUTH] = { 10, 30, 43, 35,
		"login mechanisms, as --auth takes them (scram-sha-256,plain);"
		" empty: the strongest offered" },
	[FORM_CERT] = { 11, 2, 17, 60, "client certificate (PEM)" },
	[FORM_KEY] = { 12, 2, 17, 60, "the client certificate's key (PEM)" },
	[FORM_KEYPW] = { 13, 2, 17, 60,
		"file whose first line is the key's password" },
	[FORM_TLSMIN] = { 14, 2, 17, 8,
		"lowest TLS version (default 1.2; 1.0 and 1.1 are insecure)" },
	[FORM_TLSMAX] = { 14, 30, 43, 8,
		"highest TLS version (default: the highest available)" },
	[FORM_DEPTH] = { 14, 56, 70, 4,
		"longest certificate chain accepted (empty: OpenSSL's "
		"default)" },
	[FORM_CIPHERS] = { 15, 2, 17, 60,
		"OpenSSL cipher list for TLS 1.2 and older" },
	[FORM_SUITES] = { 16, 2, 17, 60, "OpenSSL TLS 1.3 cipher suites" },
	[FORM_SNI] = { 17, 2, 17, 40,
		"SNI and the name the certificate must hold (default: "
		"the host)" },
	[FORM_CRL] = { 18, 2, 17, 60,
		"check revocation against this CRL (PEM)" },
	[FORM_CADIR] = { 19, 2, 17, 60,
		"hashed directory of CA certificates to trust as well" },
	[FORM_PLAIN] = { 20, 2, 17, 7,
		"allow the password over a connection without TLS "
		"(insecure)" },
};

/* The screen's own state: the libform fields that show the model. */
struct connform {
	FORM *form;
	FIELD *fields[FORM_COUNT + 1];
	bool posted;
	bool tried;			/* the form was made or failed */
	int selected;			/* the field whose value the next
					 * character replaces (entered with
					 * Tab or an arrow), or -1 */
	const struct formmodel *shown;	/* the model the fields show: an
					 * account chosen replaces it */
};

static enum formmodel_kind
kind(enum formmodel_id id)
{
	return formmodel_field(id)->kind;
}

static bool
advanced(enum formmodel_id id)
{
	return formmodel_field(id)->advanced;
}

static bool
advanced_shown(const struct ui *ui)
{
	return formmodel_choice(ui->form, FORM_ADVANCED);
}
/* ------------------------------------------------------------ fields */

static FIELD *
cur(const struct connform *f)
{
	return current_field(f->form);
}

static enum formmodel_id
cur_id(const struct connform *f)
{
	FIELD *c = cur(f);

	for (int i = 0; i < FORM_COUNT; i++)
		if (f->fields[i] == c)
			return (enum formmodel_id)i;
	return FORM_HOST;
}

static void
show_password(struct connform *f, const struct formmodel *m)
{
	char stars[64];
	size_t n = formmodel_pw_len(m);

	if (n > (size_t)places[FORM_PASSWORD].width - 1)
		n = (size_t)places[FORM_PASSWORD].width - 1;
	memset(stars, '*', n);
	stars[n] = '\0';
	set_field_buffer(f->fields[FORM_PASSWORD], 0, stars);
}

static void
show_advanced(struct connform *f, bool on)
{
	for (int i = 0; i < FORM_COUNT; i++) {
		if (!advanced((enum formmodel_id)i))
			continue;
		if (on)
			field_opts_on(f->fields[i], O_VISIBLE | O_ACTIVE);
		else
			field_opts_off(f->fields[i], O_VISIBLE | O_ACTIVE);
	}
}

/* Show a value of the model in its field. */
static void
show_value(struct connform *f, const struct formmodel *m,
	   enum formmodel_id id)
{
	if (kind(id) == FORM_SECRET) {
		show_password(f, m);
		return;
	}
	set_field_buffer(f->fields[id], 0, formmodel_shown(m, id));
	if (id == FORM_ADVANCED)
		show_advanced(f, formmodel_choice(m, id));
}

/* Show the values the model changed (all of them with every). */
static void
show_values(struct connform *f, struct formmodel *m, bool every)
{
	for (int i = 0; i < FORM_COUNT; i++)
		if (formmodel_take_change(m, (enum formmodel_id)i) || every)
			show_value(f, m, (enum formmodel_id)i);
}

/* Show what the model changed, then focus the field it asks for. */
static void
show_model(struct connform *f, struct formmodel *m)
{
	int focus;

	show_values(f, m, false);
	focus = formmodel_take_focus(m);
	if (focus >= 0)
		set_current_field(f->form, f->fields[focus]);
}

/* The form, up to date with the model; NULL when libform could not
 * make it. */
static struct connform *
form(struct ui *ui)
{
	struct connform *f = screen_data(ui, SCREEN_FORM);

	if (f->form == NULL)
		return NULL;
	show_model(f, ui->form);
	return f;
}

static FIELD *
make_field(enum formmodel_id id)
{
	const struct place *p = &places[id];
	FIELD *fl = new_field(1, p->width, p->row, p->fcol, 0, 0);
	int max = (int)formmodel_field(id)->max;

	if (fl == NULL)
		return NULL;
	field_opts_off(fl, O_AUTOSKIP | O_BLANK | O_WRAP);
	if (kind(id) == FORM_TEXT) {
		/* libform takes no limit below the width: text_key()
		 * keeps a short field to its max. */
		field_opts_off(fl, O_STATIC);
		set_max_field(fl, max > p->width ? max : p->width);
	} else {
		field_opts_off(fl, O_EDIT);
	}
	return fl;
}

/* ------------------------------------------------------------ set up */

static int
connform_init(struct ui *ui)
{
	struct connform *f = screen_data(ui, SCREEN_FORM);

	f->selected = -1;
	return 0;
}

static void
connform_free(void *data)
{
	struct connform *f = data;

	if (f->form != NULL) {
		unpost_form(f->form);
		free_form(f->form);
	}
	for (int i = 0; i < FORM_COUNT; i++)
		if (f->fields[i] != NULL)
			free_field(f->fields[i]);
}

/* Take the form off the screen (the terminal became too small); the
 * next draw puts it back. */
static void
connform_hide(struct ui *ui)
{
	struct connform *f = screen_data(ui, SCREEN_FORM);

	if (f->posted) {
		unpost_form(f->form);
		f->posted = false;
	}
}

/* libform needs curses started: the fields and the form are made when
 * the form is first shown.  Then a command line that gave everything a
 * connection needs connects at once; a form that could not be made
 * stays, saying so. */
static void
connform_enter(struct ui *ui)
{
	struct connform *f = screen_data(ui, SCREEN_FORM);
	bool first = !f->tried;

	connform_hide(ui);
	if (f->form != NULL) {
		if (f->shown != ui->form)
			show_values(f, ui->form, true);
		f->shown = ui->form;
		show_model(f, ui->form);
		return;
	}
	f->tried = true;
	for (int i = 0; i < FORM_COUNT; i++) {
		f->fields[i] = make_field((enum formmodel_id)i);
		if (f->fields[i] == NULL)
			return;
	}
	f->fields[FORM_COUNT] = NULL;
	show_values(f, ui->form, true);
	f->shown = ui->form;
	f->form = new_form(f->fields);
	if (f->form == NULL)
		return;
	show_model(f, ui->form);
	if (first && formmodel_ready(ui->form) && ui->o->monitor)
		screen_show_monitor(ui);
	else if (first && formmodel_ready(ui->form))
		connlife_start(ui);
}

/* ------------------------------------------------------------ keys */

static void
to_field_end(struct connform *f)
{
	if (kind(cur_id(f)) != FORM_CHOICE)
		form_driver(f->form, REQ_END_LINE);
}

/* Post the form again (first show, resize): that clears the screen
 * and puts the cursor at the start of the field. */
static void
repost(struct connform *f)
{
	if (f->posted)
		unpost_form(f->form);
	f->posted = post_form(f->form) == E_OK;
	if (f->posted)
		to_field_end(f);
}

/* Whether the current field holds a value. */
static bool
has_value(struct connform *f, const struct formmodel *m)
{
	enum formmodel_id id = cur_id(f);
	char text[CONFIG_PATH_MAX];

	if (kind(id) == FORM_SECRET)
		return formmodel_pw_len(m) > 0;
	formmodel_text(m, id, text, sizeof(text));
	return text[0] != '\0';
}

/* A field entered with Tab or an arrow has its value selected: the
 * first character typed replaces it, editing keys keep it. */
static void
enter_field(struct ui *ui, int req)
{
	struct connform *f = form(ui);

	if (f == NULL)
		return;
	form_driver(f->form, req);
	to_field_end(f);
	f->selected = kind(cur_id(f)) != FORM_CHOICE
		      && has_value(f, ui->form) ? (int)cur_id(f) : -1;
}

static void
next_field(struct ui *ui)
{
	enter_field(ui, REQ_NEXT_FIELD);
}

static void
prev_field(struct ui *ui)
{
	enter_field(ui, REQ_PREV_FIELD);
}

/* Whether the current field's value is selected, and no longer. */
static bool
take_selection(struct connform *f)
{
	bool was = f->selected >= 0 && f->selected == (int)cur_id(f);

	f->selected = -1;
	return was;
}

static void
cycle(struct connform *f, struct formmodel *m, int step)
{
	enum formmodel_id id = cur_id(f);

	if (kind(id) != FORM_CHOICE)
		return;
	formmodel_cycle(m, id, step);
	show_model(f, m);
}

static void
cycle_choice(struct ui *ui)
{
	struct connform *f = form(ui);

	if (f != NULL)
		cycle(f, ui->form, 1);
}

static void
toggle_advanced(struct ui *ui)
{
	struct connform *f = form(ui);

	if (f == NULL)
		return;
	formmodel_show_advanced(ui->form, !advanced_shown(ui));
	show_model(f, ui->form);
	if (!advanced_shown(ui) && advanced(cur_id(f)))
		set_current_field(f->form, f->fields[FORM_ADVANCED]);
}

static void
escape_hint(struct ui *ui)
{
	frame_message(ui, ROLE_NORMAL, "Enter connects; F10 quits");
}

/* F5: probe what the Host field names (the detection says why not). */
static void
detect(struct ui *ui)
{
	screen_switch(ui, SCREEN_DETECT);
}

static bool
is_text_key(int key)
{
	return (key & UI_FN) == 0 && key >= 0x20 && key != 0x7f;
}

static bool
is_erase_key(int key)
{
	return key == UI_KEY(KEY_BACKSPACE) || key == 0x7f
	       || key == UI_CTRL('h');
}

/* A character typed into the password: false when it does not fit. */
static bool
add_char(struct formmodel *m, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;
	bool ok;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)key, &st);
	ok = n != (size_t)-1 && formmodel_pw_add(m, mb, n);
	explicit_bzero(mb, sizeof(mb));
	return ok;
}

static bool
secret_key(struct connform *f, struct formmodel *m, int key)
{
	if (!is_text_key(key) && !is_erase_key(key) && key != UI_CTRL('u'))
		return false;
	if (take_selection(f) && is_text_key(key))
		formmodel_pw_clear(m);
	if (is_erase_key(key))
		formmodel_pw_erase(m);
	else if (key == UI_CTRL('u'))
		formmodel_pw_clear(m);
	else if (!add_char(m, key))
		return true;
	formmodel_take_change(m, FORM_PASSWORD);
	show_password(f, m);
	to_field_end(f);
	return true;
}

/* Editing keys of a text field, as libform requests. */
static const struct {
	int key;
	int req;
} edit_keys[] = {
	{ UI_KEY(KEY_LEFT), REQ_PREV_CHAR },
	{ UI_KEY(KEY_RIGHT), REQ_NEXT_CHAR },
	{ UI_KEY(KEY_HOME), REQ_BEG_LINE },
	{ UI_CTRL('a'), REQ_BEG_LINE },
	{ UI_KEY(KEY_END), REQ_END_LINE },
	{ UI_CTRL('e'), REQ_END_LINE },
	{ UI_KEY(KEY_BACKSPACE), REQ_DEL_PREV },
	{ 0x7f, REQ_DEL_PREV },
	{ UI_CTRL('h'), REQ_DEL_PREV },
	{ UI_KEY(KEY_DC), REQ_DEL_CHAR },
	{ UI_CTRL('d'), REQ_DEL_CHAR },
	{ UI_CTRL('u'), REQ_CLR_FIELD },
	{ UI_CTRL('k'), REQ_CLR_EOL },
	{ UI_CTRL('w'), REQ_DEL_WORD },
};

/* The libform request of an editing key, or -1. */
static int
edit_request(int key)
{
	for (size_t i = 0; i < sizeof(edit_keys) / sizeof(edit_keys[0]); i++)
		if (edit_keys[i].key == key)
			return edit_keys[i].req;
	return -1;
}

static bool
moves_only(int req)
{
	return req == REQ_PREV_CHAR || req == REQ_NEXT_CHAR
	       || req == REQ_BEG_LINE || req == REQ_END_LINE;
}

/* Whether a text field holds as many bytes as it may. */
static bool
field_full(const struct formmodel *m, enum formmodel_id id)
{
	char text[CONFIG_PATH_MAX];

	formmodel_text(m, id, text, sizeof(text));
	return strlen(text) >= formmodel_field(id)->max;
}

static bool
text_key(struct connform *f, struct formmodel *m, int key)
{
	enum formmodel_id id = cur_id(f);
	int req = edit_request(key);
	const char *text;
	bool selected;

	if (!is_text_key(key) && req < 0)
		return false;
	selected = take_selection(f);
	if (is_text_key(key)) {
		if (selected)
			form_driver(f->form, REQ_CLR_FIELD);
		else if (field_full(m, id))
			return true;
		form_driver_w(f->form, OK, (wchar_t)key);
	} else {
		form_driver(f->form, req);
		if (moves_only(req))
			return true;
	}
	form_driver(f->form, REQ_VALIDATION);
	text = field_buffer(f->fields[id], 0);
	formmodel_typed(m, id, text != NULL ? text : "");
	show_model(f, m);
	return true;
}

static bool
connform_key(struct ui *ui, int key)
{
	struct connform *f = form(ui);

	if (f == NULL)
		return false;
	/* Keys right after a resize come before the next draw: libform
	 * takes them only on a posted form. */
	if (!f->posted)
		repost(f);
	switch (kind(cur_id(f))) {
	case FORM_SECRET:
		return secret_key(f, ui->form, key);
	case FORM_TEXT:
		return text_key(f, ui->form, key);
	case FORM_CHOICE:
		if (key == ' ' || key == UI_KEY(KEY_RIGHT)) {
			cycle(f, ui->form, 1);
			return true;
		}
		if (key == UI_KEY(KEY_LEFT)) {
			cycle(f, ui->form, -1);
			return true;
		}
		return false;
	}
	return false;
}

/* ------------------------------------------------------------ drawing */

static void
draw_labels(struct ui *ui, struct connform *f)
{
	enum formmodel_id now = cur_id(f);

	for (int i = 0; i < FORM_COUNT; i++) {
		const struct place *d = &places[i];

		if (advanced((enum formmodel_id)i) && !advanced_shown(ui))
			continue;
		draw_text(stdscr, d->row, d->lcol, d->fcol - d->lcol - 1,
			  formmodel_field((enum formmodel_id)i)->label,
			  frame_attr(ui, i == (int)now ? ROLE_HEADING :
				     ROLE_LABEL));
	}
}

static void
set_backgrounds(struct ui *ui, struct connform *f)
{
	enum formmodel_id now = cur_id(f);

	for (int i = 0; i < FORM_COUNT; i++) {
		int attr = frame_attr(ui, i == (int)now ? ROLE_FIELD_CURRENT :
				      ROLE_FIELD);

		/* A selected value: as the cursor line of a list. */
		if (i == f->selected && i == (int)now)
			attr = frame_attr(ui, ROLE_CURSOR) | A_BOLD;
		set_field_back(f->fields[i], (chtype)attr);
	}
}

/* The connection these fields describe, in one line, with a warning
 * when it would not be protected. */
static enum theme_role
plan_line(const struct formmodel *m, char *buf, size_t cap)
{
	int tls = formmodel_choice(m, FORM_TLS);
	bool verify = formmodel_choice(m, FORM_VERIFY);
	bool clear = formmodel_choice(m, FORM_PLAIN);
	char user[CONFIG_STR_MAX];

	formmodel_text(m, FORM_USER, user, sizeof(user));
	if (tls == FORM_TLS_NONE) {
		snprintf(buf, cap, "NO TLS: plain text; %s", user[0] == '\0' ?
			 "no user, so no login" : clear ? "the password WILL "
			 "be sent in clear (Clear login: allow)" : "the "
			 "password will not be sent (Clear login: refuse)");
		return ROLE_FAIL;
	}
	if (!verify) {
		snprintf(buf, cap, "TLS WITHOUT verification: anyone on the "
			 "path could pose as the server");
		return ROLE_WARN;
	}
	if (tls == FORM_TLS_OPPORTUNISTIC) {
		snprintf(buf, cap, "STARTTLS if offered; if not, plain text "
			 "%s", user[0] == '\0' ? "(no user: no login)" :
			 clear ? "and the password sent IN CLEAR" :
			 "and the password is not sent");
		return ROLE_WARN;
	}
	snprintf(buf, cap, "%s, certificate and host name verified",
		 tls == FORM_TLS_IMPLICIT ? "TLS from the first byte" :
		 "STARTTLS required");
	return ROLE_OK;
}

/* A note to the right of a field, when there is one. */
static void
draw_note(struct ui *ui, const struct place *p, const char *note)
{
	if (note[0] != '\0')
		draw_text(stdscr, p->row, p->fcol + p->width + 1,
			  COLS - p->fcol - p->width - 2, note,
			  frame_attr(ui, ROLE_DIM));
}

static void
draw_notes(struct ui *ui, struct connform *f)
{
	const struct formmodel *m = ui->form;
	const struct place *pw = &places[FORM_PASSWORD];
	const int width = COLS - FORM_COL_FIELD - 1;
	char plan[256];
	enum theme_role role;

	draw_text(stdscr, FORM_ROW_HOSTINFO, FORM_COL_FIELD, width,
		  formmodel_host_info(m), frame_attr(ui, formmodel_host_ok(m) ?
						     ROLE_DIM : ROLE_FAIL));
	draw_note(ui, pw, formmodel_pw_note(m));
	draw_note(ui, &places[FORM_TOKEN], formmodel_token_note(m));
	if (!advanced_shown(ui)) {
		draw_text(stdscr, 12, 4, COLS - 6, "Host takes every host "
			  "form of make-imap-connection; what it says",
			  frame_attr(ui, ROLE_DIM));
		draw_text(stdscr, 13, 4, COLS - 6, "(port, TLS, user) fills "
			  "the fields.  Enter connects from any field.",
			  frame_attr(ui, ROLE_DIM));
		draw_text(stdscr, 14, 4, COLS - 6, "Not sure of the port or "
			  "TLS?  F5 finds where the server answers.",
			  frame_attr(ui, ROLE_DIM));
	}
	draw_text(stdscr, FORM_ROW_HELP, FORM_COL_LABEL, COLS - 4,
		  places[cur_id(f)].help, frame_attr(ui, ROLE_DIM));
	role = plan_line(m, plan, sizeof(plan));
	draw_text(stdscr, FORM_ROW_PLAN, FORM_COL_LABEL, COLS - 4, plan,
		  frame_attr(ui, role));
}

/* Blank the screen around the fields, which libform keeps drawn. */
static void
clear_around_fields(const struct ui *ui)
{
	for (int y = 1; y < LINES - 1; y++) {
		int x = 0;

		for (int i = 0; i < FORM_COUNT; i++) {
			const struct place *d = &places[i];

			if (d->row != y || (advanced((enum formmodel_id)i)
					    && !advanced_shown(ui)))
				continue;
			draw_fill(stdscr, y, x, d->fcol - x, 0);
			x = d->fcol + d->width;
		}
		draw_fill(stdscr, y, x, COLS - x, 0);
	}
}

static void
connform_draw(struct ui *ui)
{
	struct connform *f = form(ui);

	if (f == NULL) {
		frame_draw(ui, "connect to an IMAP server");
		draw_text(stdscr, 2, 2, COLS - 4, "out of memory",
			  frame_attr(ui, ROLE_FAIL));
		return;
	}
	set_backgrounds(ui, f);
	if (!f->posted)
		repost(f);
	else
		clear_around_fields(ui);
	frame_bars(ui, "connect to an IMAP server");
	draw_labels(ui, f);
	draw_notes(ui, f);
	if (f->posted && kind(cur_id(f)) != FORM_CHOICE) {
		pos_form_cursor(f->form);
		curs_set(1);
	}
}

static const struct ui_binding connform_bindings[] = {
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "Enter",
	  "connect with these settings", connlife_start, "connect" },
	{ { '\t', UI_KEY(KEY_DOWN) }, "Tab", "next field (also Down)",
	  next_field, NULL },
	{ { UI_KEY(KEY_BTAB), UI_KEY(KEY_UP) }, "S-Tab",
	  "previous field (also Up)", prev_field, NULL },
	{ { ' ' }, "Space", "change a choice (also Left, Right)",
	  cycle_choice, "change" },
	{ { UI_KEY(KEY_F(2)), UI_CTRL('t') }, "F2",
	  "show or hide the advanced TLS settings (also Ctrl-T)",
	  toggle_advanced, "advanced" },
	{ { UI_KEY(KEY_F(5)), UI_CTRL('g') }, "F5",
	  "detect: probe the Host's ports and TLS (also Ctrl-G)",
	  detect, "detect" },
	{ { UI_KEY(KEY_F(1)), '?' }, "F1",
	  "these keys (? too, outside text fields)", screen_show_help,
	  "help" },
	{ { UI_KEY(KEY_F(10)), 'q', UI_CTRL('q') }, "F10",
	  "quit (q too, outside text fields)", connlife_quit, "quit" },
	{ { UI_ESC }, "Esc", "nothing to cancel here", escape_hint, NULL },
	{ { 0 }, "Ctrl-U", "clear the field", NULL, NULL },
	{ { 0 }, "Ctrl-K", "clear to the end of the field", NULL, NULL },
	{ { 0 }, "Ctrl-W", "delete the word before the cursor", NULL,
	  NULL },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen connform_screen = {
	.title = "connection form",
	.size = sizeof(struct connform),
	.init = connform_init,
	.free = connform_free,
	.enter = connform_enter,
	.draw = connform_draw,
	.key = connform_key,
	.bindings = connform_bindings,
	.hide = connform_hide,
};
