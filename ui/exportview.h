/* exportview.h - the export screen, after a successful login: the
 * settings of the connection that worked for another client, in each
 * format of src/export.h (neomutt, mbsync, curl, openssl, lisp), never
 * with the password; s saves the one shown to a file. */
#ifndef IMAPCONN_EXPORTVIEW_H
#define IMAPCONN_EXPORTVIEW_H

struct exportview;
struct ui;

/* The screen's state, or NULL when out of memory; free with
 * exportview_free() (NULL is fine). */
struct exportview *exportview_new(void);
void exportview_free(struct exportview *e);

/* The browser's export key: show the screen for the current
 * connection, or say why not (it has not logged in). */
void exportview_open(struct ui *ui);

#endif
