/* tlsview.h - the TLS view: version, cipher, SNI, the chain with
 * validity and fingerprints, verification per depth, the host name
 * against the certificate's names; s saves the chain as PEM. */
#ifndef IMAPCONN_TLSVIEW_H
#define IMAPCONN_TLSVIEW_H

struct tlsview;

/* The screen's state, or NULL when out of memory; free with
 * tlsview_free() (NULL is fine). */
struct tlsview *tlsview_new(void);
void tlsview_free(struct tlsview *t);

#endif
