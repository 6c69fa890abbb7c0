/* truststore.h - the system's CA bundle file, indexed once per process
 * and looked up by subject, so that a connection decodes only the
 * certificates its chain asks for. */
#ifndef IMAPCONN_TRUSTSTORE_H
#define IMAPCONN_TRUSTSTORE_H

#include <stddef.h>

#include <openssl/x509_vfy.h>

/* Add to st a lookup that answers certificate lookups by subject from
 * the PEM bundle at path.  Nothing is read now: the first lookup of the
 * process (for that path) indexes the file by subject, reading each
 * certificate's name only; every lookup after that decodes just the
 * certificates with the subject asked for and adds them to st.  The
 * index is shared by every store and thread of the process (a mutex
 * guards it) and is read again only when another path is asked for.
 * A missing or unreadable file answers "not found".  path is copied.
 * Returns 0, or -1 when out of memory. */
int truststore_add_bundle(X509_STORE *st, const char *path);

/* What the process has done so far, for tests and benchmarks: how many
 * times a bundle file was indexed, and how many of its certificates
 * were decoded in all. */
struct truststore_stats {
	unsigned long indexed;
	unsigned long decoded;
};

void truststore_stats(struct truststore_stats *out);

#endif
