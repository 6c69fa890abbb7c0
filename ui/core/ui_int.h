/* ui_int.h - what the screens of the interface share: the one context
 * struct, the screen vtable and ids, key bindings and key codes. */
#ifndef IMAPCONN_UI_INT_H
#define IMAPCONN_UI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "knowncerts.h"
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
struct prompt;
struct formmodel;

/* The screens, as one screen asks the core for another: an index into
 * the table the interface was made with (see ui.c). */
enum screen_id {
	SCREEN_FORM,		/* the connection form, where it starts */
	SCREEN_PROGRESS,
	SCREEN_BROWSER,
	SCREEN_MBOX,
	SCREEN_TLS,
	SCREEN_TRANSCRIPT,
	SCREEN_DETECT,
	SCREEN_EXPORT,
	SCREEN_TRUST,		/* a certificate not trusted: accept it? */
	SCREEN_ACCOUNTS,	/* the configuration file's accounts */
	SCREEN_MONITOR,		/* connections repeated, a chart per phase */
	SCREEN_COUNT
};

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

/* A screen.  Its private data, size bytes the core allocates zeroed (none
 * when 0) and frees at the end, it reaches with screen_data(); init, once
 * the data is there, sets it up and returns 0, or -1 when out of memory;
 * free releases what the data holds (init may have failed), not the data
 * itself.  open, before the screen shows, returns 0, or -1 when it cannot
 * show now (it said why; nothing changes).  draw is called once per loop
 * pass when something changed; key sees a key first (text input) and
 * returns true when it took it, else the bindings are looked up; on_event
 * sees each event after the connection's model took it in; list gives the
 * list the shared moving keys (UI_LIST_BINDINGS) act on.  A screen that
 * waits on work of its own (a detection) gives its descriptor with wake_fd
 * (-1: none): the loop then polls it, redraws every tick (a spinner) and
 * calls on_wake after each pass.  A screen with a countdown says with
 * ticks whether one shows: the loop then redraws every tick.  A screen
 * whose keys change with its state gives them with bindings_now (then
 * bindings are the first ones).  hide takes what curses keeps drawn off
 * the screen (the terminal was resized), whichever screen shows.  A view
 * opened over another screen returns there; one opened from a view returns
 * where that view came from.  conn_keys: the keys of every screen that
 * shows a connection apply.  Any member but draw may be NULL. */
struct ui_screen {
	const char *title;
	size_t size;
	int (*init)(struct ui *);
	void (*free)(void *data);
	int (*open)(struct ui *);
	void (*enter)(struct ui *);
	void (*draw)(struct ui *);
	bool (*key)(struct ui *, int key);
	void (*on_event)(struct ui *, const struct event *);
	struct listview *(*list)(struct ui *);
	const struct ui_binding *bindings;
	int (*wake_fd)(struct ui *);
	void (*on_wake)(struct ui *);
	bool (*ticks)(const struct ui *);
	const struct ui_binding *(*bindings_now)(const struct ui *);
	void (*hide)(struct ui *);
	bool view;
	bool conn_keys;
};

struct ui {
	struct options *o;		/* the command line */
	bool colour;
	struct conn *conn;		/* the current connection, or NULL */
	struct conn *retiring[UI_RETIRING_MAX];
	size_t nretiring;

	const struct ui_screen *const *screens;	/* SCREEN_COUNT */
	void *data[SCREEN_COUNT];	/* each screen's own */
	enum screen_id cur;		/* the screen shown */
	int back;			/* where views return to, or -1 */
	struct formmodel *form;		/* the form's values */
	struct prompt *prompt;		/* the status-line question */
	const struct ui_binding *conn_bindings;	/* see conn_keys */
	FILE *transcript;		/* --transcript, or NULL */
	/* A certificate accepted once: its key is pinned for the
	 * connections of this run to that host and port. */
	char once_key[KNOWNCERTS_KEY_MAX];	/* "host:port"; "" none */
	char once_spki[PIN_B64_LEN + 1];

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

#endif
