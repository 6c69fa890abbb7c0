/* importofflineimap.h - the IMAP accounts of ~/.offlineimaprc. */
#ifndef IMAPCONN_IMPORTOFFLINEIMAP_H
#define IMAPCONN_IMPORTOFFLINEIMAP_H

#include "importacct.h"

/* The IMAP accounts of text (len bytes, hostile) read from file,
 * appended to *out with the line of every setting; what cannot be
 * translated becomes a note of the account.  Pure: no I/O. */
void importofflineimap_parse(const char *text, size_t len, const char *file,
		     struct import_list *out);

#endif
