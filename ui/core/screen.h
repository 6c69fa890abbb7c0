/* screen.h - which screen shows: switching by id, views that return
 * where they were opened, each screen's private data, and the keys
 * every screen shares (moving in its list, the help). */
#ifndef IMAPCONN_SCREEN_H
#define IMAPCONN_SCREEN_H

#include "ui_int.h"

/* The private data of screen id (owned by the core, see struct
 * ui_screen), or NULL when it has none. */
void *screen_data(const struct ui *ui, enum screen_id id);

/* Make id the current screen and redraw: its open first, which may
 * refuse (then nothing changes), then its enter.  The key help
 * closes. */
void screen_switch(struct ui *ui, enum screen_id id);

/* Open a view (TLS, transcript, export) that returns to the current
 * screen; as screen_switch(). */
void screen_open_view(struct ui *ui, enum screen_id id);

/* Return from such a view (to the form when it came from nowhere). */
void screen_close_view(struct ui *ui);

/* Keys several screens bind: the help; the TLS and transcript views
 * (their open says why not when there is nothing to show). */
void screen_show_help(struct ui *ui);
void screen_show_tls(struct ui *ui);
void screen_show_transcript(struct ui *ui);
/* The monitor: the form's connection again and again. */
void screen_show_monitor(struct ui *ui);

/* The moving keys of every list, on the current screen's list. */
void screen_list_down(struct ui *ui);
void screen_list_up(struct ui *ui);
void screen_list_page_down(struct ui *ui);
void screen_list_page_up(struct ui *ui);
void screen_list_home(struct ui *ui);
void screen_list_end(struct ui *ui);

#define UI_LIST_BINDINGS						\
	{ { 0 }, "j k Up Down", "a line; PgUp PgDn a page; Home End "	\
	  "(g G) the ends", NULL, NULL },				\
	{ { 'j', UI_KEY(KEY_DOWN) }, NULL, NULL, screen_list_down,	\
	  NULL },							\
	{ { 'k', UI_KEY(KEY_UP) }, NULL, NULL, screen_list_up, NULL },	\
	{ { UI_KEY(KEY_NPAGE), UI_CTRL('f') }, NULL, NULL,		\
	  screen_list_page_down, NULL },				\
	{ { UI_KEY(KEY_PPAGE), UI_CTRL('b') }, NULL, NULL,		\
	  screen_list_page_up, NULL },					\
	{ { UI_KEY(KEY_HOME), 'g' }, NULL, NULL, screen_list_home,	\
	  NULL },							\
	{ { UI_KEY(KEY_END), 'G' }, NULL, NULL, screen_list_end, NULL }

/* The help key, the same on every screen (the form has its own entry:
 * ? is typed there). */
#define UI_HELP_BINDING							\
	{ { UI_KEY(KEY_F(1)), '?' }, "F1", "these keys (also ?)",	\
	  screen_show_help, "help" }

#endif
