/* tlsview.h - the TLS view: version, cipher, SNI, the chain with
 * validity and fingerprints, verification per depth, the host name
 * against the certificate's names; s saves the chain as PEM. */
#ifndef IMAPCONN_TLSVIEW_H
#define IMAPCONN_TLSVIEW_H

#include <stddef.h>

struct tlsview;

/* The screen's state, or NULL when out of memory; free with
 * tlsview_free() (NULL is fine). */
struct tlsview *tlsview_new(void);
void tlsview_free(struct tlsview *t);

/* Write pem (len bytes) to path with mode 0644; with overwrite false an
 * existing file is left alone.  Returns 0, 1 when the file exists (and
 * overwrite is false), or -1 with errno set.  The absolute path is put
 * in where (cap bytes) when known, else path. */
int tlsview_save(const char *path, const char *pem, size_t len,
		 int overwrite, char *where, size_t cap);

#endif
