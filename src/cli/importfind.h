/* importfind.h - where other mail clients keep their settings, read
 * (never written) and handed to each client's parser. */
#ifndef IMAPCONN_IMPORTFIND_H
#define IMAPCONN_IMPORTFIND_H

#include <stdio.h>

#include "importacct.h"

#define IMPORT_FILE_MAX (1024 * 1024)	/* larger files are skipped */

/* Read every client file found under home (and config, the XDG
 * configuration directory: home/.config when NULL or "") into *out,
 * in a fixed order: ~/.mbsyncrc; ~/.neomuttrc,
 * CONFIG/neomutt/neomuttrc, ~/.muttrc, ~/.mutt/muttrc;
 * ~/.thunderbird/ * /prefs.js (sorted); CONFIG/aerc/accounts.conf;
 * ~/.offlineimaprc.  Each file read, or that could not be read, is
 * said on log ("read FILE: 2 accounts"), NULL for silence.  Returns
 * the number of files read. */
int importfind_all(const char *home, const char *config,
		   struct import_list *out, FILE *log);

#endif
