/* accounts.c - where the interface starts when the command line named
 * no host and there are accounts: those of the configuration file,
 * then those found in other mail clients' settings (read only), one a
 * row; Enter connects, e edits in the form, n starts a new one. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accountsave.h"
#include "connlife.h"
#include "draw.h"
#include "escape.h"
#include "formmodel.h"
#include "frame.h"
#include "importacct.h"
#include "importfind.h"
#include "listview.h"
#include "profile.h"
#include "profile_expand.h"
#include "screen.h"
#include "screens.h"
#include "strv.h"

#define TOP 4			/* the first account's row */
#define NAME_W 20
#define USER_W 24

struct accounts {
	struct listview lv;
	struct profile_file file;
	bool loaded;		/* file holds what was read */
	struct import_list *found;	/* other clients' accounts */
	char path[4096];
	char err[PROFILE_ERR_MAX];	/* why the file could not be read */
};

static struct accounts *
self(const struct ui *ui)
{
	return screen_data(ui, SCREEN_ACCOUNTS);
}

static size_t
profiles(const struct accounts *a)
{
	return a->loaded ? a->file.n : 0;
}

static size_t
rows(const struct accounts *a)
{
	return profiles(a) + (a->found != NULL ? a->found->n : 0);
}

/* Other clients' accounts, found under HOME (read, never written). */
static void
find_others(struct accounts *a)
{
	const char *home = getenv("HOME");

	if (a->found != NULL)
		importacct_free(a->found);
	free(a->found);
	a->found = home != NULL && home[0] == '/'
		   ? calloc(1, sizeof(*a->found)) : NULL;
	if (a->found != NULL)
		importfind_all(home, getenv("XDG_CONFIG_HOME"), a->found,
			       NULL);
}

/* Read the file again (it may have changed: s saves to it). */
static void
load(struct ui *ui)
{
	struct accounts *a = self(ui);

	if (a->loaded)
		profile_file_free(&a->file);
	a->loaded = false;
	a->err[0] = '\0';
	if (accountsave_path(ui, a->path, sizeof(a->path)) == 0)
		a->loaded = profile_read(a->path, &a->file, a->err,
					 sizeof(a->err)) == 0;
	find_others(a);
	listview_set_len(&a->lv, rows(a));
}

static void
accounts_free(void *data)
{
	struct accounts *a = data;

	if (a->loaded)
		profile_file_free(&a->file);
	if (a->found != NULL)
		importacct_free(a->found);
	free(a->found);
}

/* There is nothing to show without accounts: the form instead. */
static int
accounts_open(struct ui *ui)
{
	load(ui);
	return rows(self(ui)) > 0 ? 0 : -1;
}

static void
accounts_enter(struct ui *ui)
{
	listview_init(&self(ui)->lv, false);
	listview_set_len(&self(ui)->lv, rows(self(ui)));
}

/* What a row shows, from an account of the file or another client's. */
struct row {
	char name[128];
	const char *user, *host, *port, *tunnel;
	const char *file;	/* another client's file; NULL: ours */
	int line;
};

/* The value of option in an imported account, or "". */
static const char *
setting_of(const struct import_account *acc, const char *option)
{
	const struct import_setting *st = importacct_get(acc, option);

	return st != NULL && st->value != NULL ? st->value : "";
}

static void
row_of(const struct accounts *a, size_t i, struct row *r)
{
	const struct import_account *acc;
	const struct profile *p;

	memset(r, 0, sizeof(*r));
	if (i < profiles(a)) {
		p = &a->file.profiles[i];
		snprintf(r->name, sizeof(r->name), "%s", p->name);
		r->user = profile_value(p, "user");
		r->host = profile_value(p, "host");
		r->port = profile_value(p, "port");
		r->tunnel = profile_value(p, "tunnel");
		return;
	}
	acc = &a->found->acc[i - profiles(a)];
	snprintf(r->name, sizeof(r->name), "%s:%s",
		 importacct_client_name(acc->client), acc->name);
	r->user = setting_of(acc, "user");
	r->host = setting_of(acc, "host");
	r->port = setting_of(acc, "port");
	r->tunnel = setting_of(acc, "tunnel");
	r->file = acc->file;
	r->line = acc->line;
}

static void
draw_row(struct ui *ui, const struct row *r, int y, bool is_cursor)
{
	int attr = is_cursor ? frame_attr(ui, ROLE_CURSOR) : 0;
	const char *where = r->tunnel[0] ? r->tunnel : r->host;
	char raw[900], shown[900], user[300];
	int n;

	escape_text(r->user, strlen(r->user), user, sizeof(user));
	n = snprintf(raw, sizeof(raw), "%s%s%s%s",
		     r->tunnel[0] ? "tunnel: " : "", where,
		     r->port[0] ? " port " : "", r->port);
	if (r->file != NULL && n > 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - (size_t)n, "   (%s:%d)",
			 r->file, r->line);
	escape_text(raw, strlen(raw), shown, sizeof(shown));
	if (is_cursor)
		draw_fill(stdscr, y, 0, COLS, attr);
	draw_text(stdscr, y, 2, NAME_W - 1, r->name, attr | A_BOLD);
	draw_text(stdscr, y, 2 + NAME_W, USER_W - 1, user, attr);
	draw_text(stdscr, y, 2 + NAME_W + USER_W, COLS - NAME_W - USER_W - 3,
		  shown, attr);
}

static void
accounts_draw(struct ui *ui)
{
	struct accounts *a = self(ui);
	int h = frame_attr(ui, ROLE_HEADING);
	char shown[300];
	size_t first, n;

	frame_draw(ui, "accounts");
	escape_text(a->path, strlen(a->path), shown, sizeof(shown));
	draw_textf(stdscr, 1, 2, COLS - 4, frame_attr(ui, ROLE_DIM),
		   "from %s%s", shown, rows(a) > profiles(a) ? " and other "
		   "mail clients' settings (read only)" : "");
	draw_text(stdscr, TOP - 1, 2, NAME_W, "Account", h);
	draw_text(stdscr, TOP - 1, 2 + NAME_W, USER_W, "User", h);
	draw_text(stdscr, TOP - 1, 2 + NAME_W + USER_W, 20, "Server", h);
	listview_set_height(&a->lv, (size_t)(LINES - TOP - 2));
	n = listview_visible(&a->lv, &first);
	for (size_t i = 0; i < n; i++) {
		struct row r;

		row_of(a, first + i, &r);
		draw_row(ui, &r, TOP + (int)i, first + i == a->lv.cursor);
	}
}

/* The command-line arguments of row i (another client's account: its
 * settings translated, never its stored password), with the options
 * of imapconn's own command line over them. */
static int
account_args(const struct ui *ui, size_t i, int *n, char ***v)
{
	const struct accounts *a = self(ui);
	char **own = NULL;
	int k = 0, rc = -1;

	if (i < profiles(a))
		rc = profile_args(&a->file.profiles[i], 0, NULL, &k, &own);
	else if (i < rows(a))
		rc = importacct_args(&a->found->acc[i - profiles(a)], &k,
				     &own);
	if (rc != 0) {
		strv_free(k, own);
		return -1;
	}
	return profile_expand_over(ui->o->cmd_argc, ui->o->cmd_argv, k, own,
				   n, v);
}

/* The form's values become those of the account under the cursor
 * (ready to connect at once when connect is true); false (said why)
 * when its options do not parse. */
static bool
take_account(struct ui *ui, bool connect)
{
	struct accounts *a = self(ui);
	struct options *o = calloc(1, sizeof(*o));
	char err[OPTIONS_ERR_MAX], **v = NULL;
	struct formmodel *m = NULL;
	int n = 0;

	if (o != NULL && account_args(ui, a->lv.cursor, &n, &v) == 0)
		m = formmodel_from_args(n, v, connect, o, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "out of memory");
	if (v != NULL)
		strv_free(n, v);
	free(o);
	if (m == NULL) {
		frame_message(ui, ROLE_FAIL, "%s", err);
		return false;
	}
	formmodel_free(ui->form);
	ui->form = m;
	return true;
}

/* The form connects at once the first time it shows with a model
 * ready to; after that, it is asked to.  One without its password
 * stays on the form, in the Password field. */
static void
connect_account(struct ui *ui)
{
	if (!take_account(ui, true))
		return;
	screen_switch(ui, SCREEN_FORM);
	if (ui->cur == SCREEN_FORM && formmodel_ready(ui->form))
		connlife_start(ui);
}

static void
edit_account(struct ui *ui)
{
	if (take_account(ui, false))
		screen_switch(ui, SCREEN_FORM);
}

static void
new_account(struct ui *ui)
{
	struct formmodel *m = formmodel_new(ui->o);

	if (m == NULL) {
		frame_message(ui, ROLE_FAIL, "out of memory");
		return;
	}
	formmodel_free(ui->form);
	ui->form = m;
	screen_switch(ui, SCREEN_FORM);
}

static void
quit(struct ui *ui)
{
	ui->leave = true;
}

static struct listview *
accounts_list(struct ui *ui)
{
	return &self(ui)->lv;
}

static const struct ui_binding accounts_bindings[] = {
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "Enter",
	  "connect with this account", connect_account, "connect" },
	{ { 'e' }, "e", "edit this account's settings in the form",
	  edit_account, "edit" },
	{ { 'n' }, "n", "a new connection, from an empty form", new_account,
	  "new" },
	UI_LIST_BINDINGS,
	UI_HELP_BINDING,
	{ { 'q', UI_ESC }, "q", "quit", quit, "quit" },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen accounts_screen = {
	.title = "accounts",
	.size = sizeof(struct accounts),
	.free = accounts_free,
	.open = accounts_open,
	.enter = accounts_enter,
	.draw = accounts_draw,
	.list = accounts_list,
	.bindings = accounts_bindings,
};
