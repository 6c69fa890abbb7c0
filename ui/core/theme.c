/* theme.c - colours and their monochrome equivalents, as one table. */
#include <curses.h>
#include <stdlib.h>

#include "theme.h"

struct theme_entry {
	short fg, bg;		/* colour pair; -1: the terminal's default */
	int colour_extra;	/* attributes added in colour */
	int mono;		/* attributes without colour */
};

static const struct theme_entry theme_table[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0, 0 },
	[ROLE_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[ROLE_STATUS] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_KEY] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[ROLE_HEADING] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[ROLE_CURSOR] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[ROLE_FIELD] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
	[ROLE_FIELD_CURRENT] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_LABEL] = { -1, -1, 0, 0 },
	[ROLE_DIM] = { -1, -1, A_DIM, A_DIM },
	[ROLE_OK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[ROLE_RUNNING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_FAIL] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_BADGE] = { COLOR_MAGENTA, -1, 0, A_BOLD },
	[ROLE_MATCH] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_CLIENT] = { COLOR_CYAN, -1, 0, A_BOLD },
	[ROLE_SERVER] = { -1, -1, 0, 0 },
};

bool
theme_init(void)
{
	const char *no_color = getenv("NO_COLOR");
	bool defaults;

	if (!has_colors() || (no_color != NULL && *no_color != '\0'))
		return false;
	if (start_color() != OK)
		return false;
	defaults = use_default_colors() == OK;
	for (int r = 1; r < ROLE_COUNT; r++) {
		short fg = theme_table[r].fg, bg = theme_table[r].bg;

		if (!defaults && fg < 0)
			fg = COLOR_WHITE;
		if (!defaults && bg < 0)
			bg = COLOR_BLACK;
		init_pair((short)r, fg, bg);
	}
	return true;
}

int
theme_attr(bool colour, enum theme_role role)
{
	const struct theme_entry *e;

	if ((unsigned)role >= ROLE_COUNT)
		role = ROLE_NORMAL;
	e = &theme_table[role];
	if (!colour)
		return e->mono;
	if (role == ROLE_NORMAL)
		return 0;
	return (int)COLOR_PAIR(role) | e->colour_extra;
}
