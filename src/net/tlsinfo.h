/* tlsinfo.h - what else a TLS handshake agreed on, as text. */
#ifndef IMAPCONN_TLSINFO_H
#define IMAPCONN_TLSINFO_H

#include <openssl/ssl.h>

#include "tls.h"

/* Fill *d (overwritten entirely) from ssl after a completed handshake:
 * the server's key and its certificate's signature algorithm, the key
 * exchange and its group, forward secrecy, the stapled OCSP answer
 * (asked for with SSL_set_tlsext_status_type; checked against ssl's
 * trust store and the chain sent), and why the version or cipher is
 * weak.  Reads ssl only; leaves OpenSSL's error queue as it was. */
void tlsinfo_fill(SSL *ssl, struct tls_details *d);

#endif
