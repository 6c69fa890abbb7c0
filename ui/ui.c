/* ui.c - the terminal interface's entry point. */
#include <stdio.h>

#include "ui.h"

int
ui_run(struct options *o)
{
	(void)o;
	fprintf(stderr, "imapconn: the terminal interface is not available "
		"in this build; use --check (see --help)\n");
	return 64;
}
