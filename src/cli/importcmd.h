/* importcmd.h - --import: the IMAP accounts of other mail clients'
 * settings listed as imapconn would run them, or one of them checked
 * with the failure traced to the file and line behind it. */
#ifndef IMAPCONN_IMPORTCMD_H
#define IMAPCONN_IMPORTCMD_H

#include <stdbool.h>
#include <stdio.h>

/* Whether the command line holds --import (before any "--"). */
bool importcmd_wanted(int argc, char **argv);

/* Run "imapconn --import [--check] [--use-stored-password] [WHICH]
 * [OPTION]...": the files under $HOME (and $XDG_CONFIG_HOME) read,
 * never written.  Without --check, every account (or the one WHICH
 * names: its number in the list, its name, or CLIENT:NAME) is printed
 * on out with its command line, its profile lines and what was not
 * translated.  With --check, the account WHICH names (WHICH may be
 * left out when there is one) is run as --check with OPTION...
 * overriding its settings, and a failure is followed by the file and
 * line of its likely cause.  A password stored in a file is used
 * only with --use-stored-password and never printed.  Returns the
 * exit status: that of --check, 0 for a listing, 64 for a usage
 * error or an unknown WHICH. */
int importcmd_run(int argc, char **argv, FILE *out);

#endif
