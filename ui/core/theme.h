/* theme.h - what each part of the screen looks like: one table of
 * roles with a colour pair and a monochrome attribute. */
#ifndef IMAPCONN_THEME_H
#define IMAPCONN_THEME_H

#include <stdbool.h>

enum theme_role {
	ROLE_NORMAL = 0,
	ROLE_TITLE,		/* the top line */
	ROLE_STATUS,		/* the bottom line */
	ROLE_KEY,		/* a key name in the status line */
	ROLE_HEADING,		/* column headings, section names */
	ROLE_CURSOR,		/* the selected row */
	ROLE_FIELD,		/* an input field */
	ROLE_FIELD_CURRENT,	/* the field being edited */
	ROLE_LABEL,		/* a field's label */
	ROLE_DIM,		/* less important text, \Noselect */
	ROLE_OK,		/* a phase that succeeded, verified TLS */
	ROLE_RUNNING,		/* the phase under way */
	ROLE_WARN,		/* unencrypted, not verified, notes */
	ROLE_FAIL,		/* a failure */
	ROLE_BADGE,		/* special-use badges */
	ROLE_MATCH,		/* filter and search matches */
	ROLE_CLIENT,		/* transcript: what we sent */
	ROLE_SERVER,		/* transcript: what the server sent */
	ROLE_COUNT
};

/* Decide between colour and monochrome (colour only when the terminal
 * has colours and NO_COLOR is unset or empty) and set the colour pairs
 * up.  Call after initscr().  Returns true when colours are used: the
 * caller keeps that and passes it to theme_attr(). */
bool theme_init(void);

/* The attributes to draw a role with: its colour pair when colour is
 * true, else its monochrome attributes (bold, reverse, dim). */
int theme_attr(bool colour, enum theme_role role);

#endif
