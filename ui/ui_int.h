/* ui_int.h - what the screens of the interface share: the one context
 * struct, the screen vtable, key bindings and key codes. */
#ifndef IMAPCONN_UI_INT_H
#define IMAPCONN_UI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "options.h"
#include "theme.h"

/* Keys: characters are their code point; curses function keys (and
 * KEY_RESIZE) carry UI_FN, so they never collide with characters. */
#define UI_FN 0x40000000
#define UI_KEY(k) (UI_FN | (k))
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_ESC 27

/* The smallest screen the layout is made for. */
#define UI_MIN_COLS 80
#define UI_MIN_LINES 24

/* Connections ending in the background (cancelled or logging out)
 * whose events are still drained until they are done. */
#define UI_RETIRING_MAX 8

struct ui;
struct conn;
struct listview;
struct connform;
struct browser;
struct mboxview;
struct tlsview;
struct tview;
struct progress;
struct prompt;
struct detectview;
struct exportview;

typedef void (*ui_action_fn)(struct ui *);

/* One entry of a screen's key table, which ends with an entry whose
 * name and fn are both NULL.  An entry without keys (and fn NULL) only
 * documents, for the help, keys handled elsewhere; an entry without a
 * name works but is left out of the help (another entry explains it). */
struct ui_binding {
	int keys[4];		/* up to four keys, 0 ends */
	const char *name;	/* as shown: "Enter", "PgDn" */
	const char *help;	/* what it does */
	ui_action_fn fn;
	const char *brief;	/* in the status line ("connect"); NULL:
				 * only in the help */
};

#define UI_BINDING_END(b) ((b)->name == NULL && (b)->fn == NULL)

/* A screen.  draw is called once per loop pass when something changed;
 * key sees a key first (text input) and returns true when it took it,
 * else the bindings are looked up; on_event sees each event after the
 * connection's model took it in; list gives the list the shared moving
 * keys (UI_LIST_BINDINGS) act on.  A screen that waits on work of its
 * own (a detection) gives its descriptor with wake_fd (-1: none): the
 * loop then polls it, redraws every tick (a spinner) and calls on_wake
 * after each pass.  A screen whose keys change with its state gives
 * them with bindings_now (then bindings are the first ones).  Any
 * member but draw may be NULL. */
struct ui_screen {
	const char *title;
	void (*enter)(struct ui *);
	void (*draw)(struct ui *);
	bool (*key)(struct ui *, int key);
	void (*on_event)(struct ui *, const struct event *);
	struct listview *(*list)(struct ui *);
	const struct ui_binding *bindings;
	int (*wake_fd)(struct ui *);
	void (*on_wake)(struct ui *);
	const struct ui_binding *(*bindings_now)(const struct ui *);
};

/* The moving keys of every list, on the current screen's list. */
void ui_list_down(struct ui *ui);
void ui_list_up(struct ui *ui);
void ui_list_page_down(struct ui *ui);
void ui_list_page_up(struct ui *ui);
void ui_list_home(struct ui *ui);
void ui_list_end(struct ui *ui);

#define UI_LIST_BINDINGS						\
	{ { 0 }, "j k Up Down", "a line; PgUp PgDn a page; Home End "	\
	  "(g G) the ends", NULL, NULL },				\
	{ { 'j', UI_KEY(KEY_DOWN) }, NULL, NULL, ui_list_down, NULL },	\
	{ { 'k', UI_KEY(KEY_UP) }, NULL, NULL, ui_list_up, NULL },	\
	{ { UI_KEY(KEY_NPAGE), UI_CTRL('f') }, NULL, NULL,		\
	  ui_list_page_down, NULL },					\
	{ { UI_KEY(KEY_PPAGE), UI_CTRL('b') }, NULL, NULL,		\
	  ui_list_page_up, NULL },					\
	{ { UI_KEY(KEY_HOME), 'g' }, NULL, NULL, ui_list_home, NULL },	\
	{ { UI_KEY(KEY_END), 'G' }, NULL, NULL, ui_list_end, NULL }

/* The help key, the same on every screen (the form has its own entry:
 * ? is typed there). */
#define UI_HELP_BINDING							\
	{ { UI_KEY(KEY_F(1)), '?' }, "F1", "these keys (also ?)",	\
	  ui_show_help, "help" }

struct ui {
	struct options *o;		/* the command line; the form's
					 * values start from it */
	bool colour;
	struct conn *conn;		/* the current connection, or NULL */
	struct conn *retiring[UI_RETIRING_MAX];
	size_t nretiring;

	const struct ui_screen *screen;
	const struct ui_screen *back;	/* where the TLS and transcript
					 * views return to */
	struct connform *form;
	struct progress *progress;
	struct browser *browser;
	struct mboxview *mbox;
	struct tlsview *tlsview;
	struct tview *tview;
	struct prompt *prompt;		/* the status-line question */
	struct detectview *detect;
	struct exportview *exportview;
	FILE *transcript;		/* --transcript, or NULL */

	bool dirty;		/* redraw at the end of this pass */
	bool help;		/* the key help is showing */
	bool quitting;		/* q: logging out, then leaving */
	bool leave;		/* leave the loop now */
	bool more_events;	/* events left in a queue for next pass */
	int64_t quit_deadline;	/* clock_ms() */
	int sig_fd;		/* readable on SIGINT/SIGTERM/SIGHUP */
	char msg[512];		/* one-shot message over the status line */
	enum theme_role msg_role;
	int exit_status;
};

/* The attributes of a role on this terminal. */
int ui_attr(const struct ui *ui, enum theme_role role);

/* Show a message over the status line until the next key. */
void ui_message(struct ui *ui, enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Make s the current screen (calls its enter) and redraw. */
void ui_switch(struct ui *ui, const struct ui_screen *s);

/* Open a view (TLS, transcript) that returns to the current screen. */
void ui_open_view(struct ui *ui, const struct ui_screen *s);

/* Return from such a view. */
void ui_close_view(struct ui *ui);

/* Start a connection from the form's values (the retry and connect
 * keys); on success the progress screen shows. */
void ui_connect(struct ui *ui);

/* Back to the form; a connection still running is cancelled and ends
 * in the background. */
void ui_edit(struct ui *ui);

/* q: log out when connected, then leave. */
void ui_quit(struct ui *ui);

/* Actions several screens bind. */
void ui_show_help(struct ui *ui);
void ui_show_tls(struct ui *ui);
void ui_show_transcript(struct ui *ui);

/* Clear the screen, then draw the title line (row 0) with title and
 * the status line (last row) from the screen's bindings (or the
 * message). */
void ui_draw_frame(struct ui *ui, const char *title);

/* ui_draw_frame() without clearing the screen. */
void ui_draw_bars(struct ui *ui, const char *title);

/* The screens. */
extern const struct ui_screen connform_screen;
extern const struct ui_screen progress_screen;
extern const struct ui_screen browser_screen;
extern const struct ui_screen mboxview_screen;
extern const struct ui_screen tlsview_screen;
extern const struct ui_screen tview_screen;
extern const struct ui_screen detectview_screen;
extern const struct ui_screen exportview_screen;

#endif
