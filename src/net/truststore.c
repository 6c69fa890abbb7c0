/* truststore.c - the system's CA bundle, indexed by subject once per
 * process and decoded one certificate at a time, on demand. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "truststore.h"

/* A bundle is the system's own file: bounded all the same. */
#define TRUSTSTORE_MAX_CERTS 4096
#define TRUSTSTORE_MAX_DER (64L * 1024)

struct ts_entry {
	X509_NAME *subject;
	unsigned char *der;
	long len;
	bool aux;		/* "TRUSTED CERTIFICATE": trust settings */
};

/* The one index of the process: the certificates of one file. */
struct ts_index {
	char *path;		/* NULL until a file was indexed */
	struct ts_entry *e;
	size_t n;
	size_t cap;
};

/* Guards idx and stats; held while a lookup reads the index, so that
 * another path can replace it. */
static pthread_mutex_t ts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ts_index idx;
static struct truststore_stats stats;
static pthread_once_t meth_once = PTHREAD_ONCE_INIT;
static X509_LOOKUP_METHOD *meth;

/* Read the header of the next DER element in [*p, end); *p moves to
 * its contents.  Returns 0, or -1 when malformed or of indefinite
 * length. */
static int
der_next(const unsigned char **p, const unsigned char *end, long *len,
	 int *tag, int *cls)
{
	int r = ASN1_get_object(p, len, tag, cls, (long)(end - *p));

	if ((r & 0x80) != 0 || r == 0x21 || *len > end - *p)
		return -1;
	return 0;
}

/* The subject of a DER certificate, without decoding the rest of it
 * (the public key is what makes decoding slow): the fifth element of
 * the TBSCertificate after the optional [0] version. */
static X509_NAME *
subject_of(const unsigned char *der, long dlen)
{
	const unsigned char *p = der, *end = der + dlen, *start;
	long len;
	int tag, cls, n = 0;

	if (der_next(&p, end, &len, &tag, &cls) != 0)
		return NULL;
	end = p + len;
	if (der_next(&p, end, &len, &tag, &cls) != 0)
		return NULL;
	end = p + len;
	while (p < end) {
		start = p;
		if (der_next(&p, end, &len, &tag, &cls) != 0)
			return NULL;
		if (!(n == 0 && cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0))
			n++;
		if (n == 5) {
			const unsigned char *q = start;

			return d2i_X509_NAME(NULL, &q, (long)(p + len - start));
		}
		p += len;
	}
	return NULL;
}

static void
index_clear(struct ts_index *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		X509_NAME_free(x->e[i].subject);
		OPENSSL_free(x->e[i].der);
	}
	free(x->e);
	free(x->path);
	memset(x, 0, sizeof(*x));
}

/* Keep one PEM block; takes der. */
static void
index_add(struct ts_index *x, const char *name, unsigned char *der,
	  long len)
{
	bool aux = strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
	struct ts_entry *e;
	X509_NAME *subject = NULL;

	if ((aux || strcmp(name, PEM_STRING_X509) == 0 ||
	     strcmp(name, PEM_STRING_X509_OLD) == 0) &&
	    len <= TRUSTSTORE_MAX_DER && x->n < TRUSTSTORE_MAX_CERTS)
		subject = subject_of(der, len);
	if (subject != NULL && x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;

		e = realloc(x->e, cap * sizeof(*e));
		if (e == NULL) {
			X509_NAME_free(subject);
			subject = NULL;
		} else {
			x->e = e;
			x->cap = cap;
		}
	}
	if (subject == NULL) {
		OPENSSL_free(der);
		return;
	}
	x->e[x->n].subject = subject;
	x->e[x->n].der = der;
	x->e[x->n].len = len;
	x->e[x->n].aux = aux;
	x->n++;
}

/* Index the file at path, replacing what was there (ts_lock held). */
static void
index_load(struct ts_index *x, const char *path)
{
	BIO *in;
	char *name, *header;
	unsigned char *der;
	long len;

	index_clear(x);
	x->path = strdup(path);
	stats.indexed++;
	in = BIO_new_file(path, "r");
	if (in == NULL) {
		ERR_clear_error();
		return;
	}
	while (PEM_read_bio(in, &name, &header, &der, &len) == 1) {
		index_add(x, name, der, len);
		OPENSSL_free(name);
		OPENSSL_free(header);
	}
	ERR_clear_error();
	BIO_free(in);
}

static X509 *
entry_decode(const struct ts_entry *e)
{
	const unsigned char *p = e->der;
	X509 *c = e->aux ? d2i_X509_AUX(NULL, &p, e->len)
			 : d2i_X509(NULL, &p, e->len);

	if (c == NULL)
		ERR_clear_error();
	else
		stats.decoded++;
	return c;
}

/* Add every certificate of the index with that subject to st; ret
 * borrows the first (st holds it), as OpenSSL's own lookups do.
 * ts_lock held. */
static int
index_find(const struct ts_index *x, X509_STORE *st, const X509_NAME *nm,
	   X509_OBJECT *ret)
{
	size_t i;
	int found = 0;

	for (i = 0; i < x->n; i++) {
		X509 *c;

		if (X509_NAME_cmp(x->e[i].subject, nm) != 0)
			continue;
		c = entry_decode(&x->e[i]);
		if (c == NULL)
			continue;
		if (X509_STORE_add_cert(st, c) != 1) {
			ERR_clear_error();
		} else if (!found && X509_OBJECT_set1_X509(ret, c) == 1) {
			/* Borrowed: the caller takes its own reference. */
			X509_free(c);
			found = 1;
		}
		X509_free(c);
	}
	return found;
}

static int
lookup_by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type,
		  const X509_NAME *nm, X509_OBJECT *ret)
{
	const char *path = X509_LOOKUP_get_method_data(lu);
	X509_STORE *st = X509_LOOKUP_get_store(lu);
	int found;

	if (type != X509_LU_X509 || path == NULL || st == NULL)
		return 0;
	pthread_mutex_lock(&ts_lock);
	if (idx.path == NULL || strcmp(idx.path, path) != 0)
		index_load(&idx, path);
	found = index_find(&idx, st, nm, ret);
	pthread_mutex_unlock(&ts_lock);
	return found;
}

static void
lookup_free(X509_LOOKUP *lu)
{
	free(X509_LOOKUP_get_method_data(lu));
	X509_LOOKUP_set_method_data(lu, NULL);
}

static void
meth_make(void)
{
	meth = X509_LOOKUP_meth_new("imapconn system bundle");
	if (meth == NULL)
		return;
	X509_LOOKUP_meth_set_get_by_subject(meth, lookup_by_subject);
	X509_LOOKUP_meth_set_free(meth, lookup_free);
}

int
truststore_add_bundle(X509_STORE *st, const char *path)
{
	X509_LOOKUP *lu;
	char *copy;

	pthread_once(&meth_once, meth_make);
	if (meth == NULL)
		return -1;
	lu = X509_STORE_add_lookup(st, meth);
	copy = strdup(path);
	if (lu == NULL || copy == NULL) {
		free(copy);
		ERR_clear_error();
		return -1;
	}
	free(X509_LOOKUP_get_method_data(lu));
	X509_LOOKUP_set_method_data(lu, copy);
	return 0;
}

void
truststore_stats(struct truststore_stats *out)
{
	pthread_mutex_lock(&ts_lock);
	*out = stats;
	pthread_mutex_unlock(&ts_lock);
}
