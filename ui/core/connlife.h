/* connlife.h - the life of the interface's connection: started from
 * the form's values, cancelled when the form is edited again, logged
 * out on q; connections left behind end in the background. */
#ifndef IMAPCONN_CONNLIFE_H
#define IMAPCONN_CONNLIFE_H

#include <stdbool.h>

#include "ui_int.h"

/* Start a connection from the form's values (the retry and connect
 * keys); on success the progress screen shows, else the form with the
 * reason. */
void connlife_start(struct ui *ui);

/* Back to the form; a connection still running is cancelled and ends
 * in the background. */
void connlife_edit(struct ui *ui);

/* q: log out when connected, then leave (a second q leaves at once). */
void connlife_quit(struct ui *ui);

/* Whether every connection, current and in the background, is done. */
bool connlife_all_done(const struct ui *ui);

#endif
