/* importmutt.h - the IMAP accounts of neomutt and mutt configuration files. */
#ifndef IMAPCONN_IMPORTMUTT_H
#define IMAPCONN_IMPORTMUTT_H

#include "importacct.h"

/* The IMAP accounts of text (len bytes, hostile) read from file,
 * appended to *out with the line of every setting; what cannot be
 * translated becomes a note of the account.  Pure: no I/O. */
void importmutt_parse(const char *text, size_t len, const char *file,
		     struct import_list *out);

#endif
