/* ui.h - the full-screen terminal interface. */
#ifndef IMAPCONN_UI_H
#define IMAPCONN_UI_H

#include "options.h"

/* Run the interface with the form prefilled from *o; returns the exit
 * status.  o's password is wiped before it returns. */
int ui_run(struct options *o);

#endif
