/* accountsave.h - the connection of the form saved as an account of
 * the configuration file, under a name the user types. */
#ifndef IMAPCONN_ACCOUNTSAVE_H
#define IMAPCONN_ACCOUNTSAVE_H

#include <stddef.h>

struct ui;

/* The configuration file: --config, else the default path.  0, or -1
 * when there is none (no HOME nor XDG_CONFIG_HOME). */
int accountsave_path(const struct ui *ui, char *buf, size_t cap);

/* Ask for a name, then append the form's connection to the file as
 * that account (never the password); the status line says where, or
 * why not. */
void accountsave_ask(struct ui *ui);

#endif
