/* certgen.c - test-only certificates, keys and CRLs with OpenSSL 3. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "certgen.h"

struct certgen_cert {
	X509 *x;
	EVP_PKEY *pkey;
};

void
certgen_spec_init(struct certgen_spec *s, const char *cn)
{
	memset(s, 0, sizeof(*s));
	s->cn = cn;
	s->not_before = -3600;
	s->not_after = 30L * 24 * 3600;
	s->path_len = -1;
	s->key = CERTGEN_KEY_EC_P256;
}

static EVP_PKEY *
make_key(enum certgen_key_type type)
{
	switch (type) {
	case CERTGEN_KEY_EC_P256:
		return EVP_EC_gen("P-256");
	case CERTGEN_KEY_RSA_2048:
		return EVP_RSA_gen(2048);
	case CERTGEN_KEY_RSA_1024:
		return EVP_RSA_gen(1024);
	}
	return NULL;
}

static int
set_serial(X509 *x, long serial)
{
	unsigned char r[8];
	BIGNUM *bn;
	int ok;

	if (serial > 0)
		return ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ==
		       1 ? 0 : -1;
	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	r[0] &= 0x7f;
	r[0] |= 0x01;		/* positive, never zero */
	bn = BN_bin2bn(r, sizeof(r), NULL);
	if (bn == NULL)
		return -1;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static int
set_subject(X509 *x, const struct certgen_spec *s)
{
	X509_NAME *nm = X509_get_subject_name(x);

	if (s->org != NULL &&
	    X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_UTF8,
				       (const unsigned char *)s->org, -1, -1,
				       0) != 1)
		return -1;
	if (s->cn != NULL &&
	    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
				       (const unsigned char *)s->cn, -1, -1,
				       0) != 1)
		return -1;
	return 0;
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (ex == NULL)
		return -1;
	ok = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return ok == 1 ? 0 : -1;
}

static int
push_name(GENERAL_NAMES *gens, int type, ASN1_STRING *value)
{
	GENERAL_NAME *g;

	if (value == NULL)
		return -1;
	g = GENERAL_NAME_new();
	if (g == NULL) {
		ASN1_STRING_free(value);
		return -1;
	}
	GENERAL_NAME_set0_value(g, type, value);
	if (sk_GENERAL_NAME_push(gens, g) <= 0) {
		GENERAL_NAME_free(g);
		return -1;
	}
	return 0;
}

static ASN1_STRING *
ia5(const char *text)
{
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();

	if (s != NULL && ASN1_STRING_set(s, text, (int)strlen(text)) != 1) {
		ASN1_IA5STRING_free(s);
		return NULL;
	}
	return s;
}

/* subjectAltName built directly, so names may hold any bytes. */
static int
add_sans(X509 *x, const struct certgen_spec *s)
{
	GENERAL_NAMES *gens;
	int rc = 0;

	if ((s->dns == NULL || s->dns[0] == NULL) &&
	    (s->ips == NULL || s->ips[0] == NULL))
		return 0;
	gens = sk_GENERAL_NAME_new_null();
	if (gens == NULL)
		return -1;
	for (size_t i = 0; rc == 0 && s->dns != NULL && s->dns[i] != NULL;
	     i++)
		rc = push_name(gens, GEN_DNS, ia5(s->dns[i]));
	for (size_t i = 0; rc == 0 && s->ips != NULL && s->ips[i] != NULL;
	     i++)
		rc = push_name(gens, GEN_IPADD, a2i_IPADDRESS(s->ips[i]));
	if (rc == 0 && X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
				     X509V3_ADD_DEFAULT) != 1)
		rc = -1;
	GENERAL_NAMES_free(gens);
	return rc;
}

static int
add_extensions(X509 *x, X509 *issuer, const struct certgen_spec *s)
{
	X509V3_CTX ctx;
	char bc[64];
	bool rsa = s->key != CERTGEN_KEY_EC_P256;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if (s->ca && s->path_len >= 0)
		snprintf(bc, sizeof(bc), "critical,CA:TRUE,pathlen:%d",
			 s->path_len);
	else
		snprintf(bc, sizeof(bc), "critical,CA:%s",
			 s->ca ? "TRUE" : "FALSE");
	if (add_ext(x, &ctx, NID_basic_constraints, bc) != 0 ||
	    add_ext(x, &ctx, NID_key_usage, s->ca ?
		    "critical,keyCertSign,cRLSign" : rsa ?
		    "critical,digitalSignature,keyEncipherment" :
		    "critical,digitalSignature") != 0 ||
	    (!s->ca && add_ext(x, &ctx, NID_ext_key_usage,
			       "serverAuth,clientAuth") != 0) ||
	    add_ext(x, &ctx, NID_subject_key_identifier, "hash") != 0 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid") != 0)
		return -1;
	return add_sans(x, s);
}

static int
fill_cert(struct certgen_cert *c, const struct certgen_spec *s,
	  const struct certgen_cert *issuer)
{
	X509 *ix = issuer != NULL ? issuer->x : c->x;
	EVP_PKEY *ik = issuer != NULL ? issuer->pkey : c->pkey;
	ASN1_TIME *nb = X509_getm_notBefore(c->x);
	ASN1_TIME *na = X509_getm_notAfter(c->x);

	if (X509_set_version(c->x, X509_VERSION_3) != 1 ||
	    set_serial(c->x, s->serial) != 0 ||
	    set_subject(c->x, s) != 0 ||
	    X509_set_issuer_name(c->x, X509_get_subject_name(ix)) != 1 ||
	    X509_gmtime_adj(nb, s->not_before) == NULL ||
	    X509_gmtime_adj(na, s->not_after) == NULL ||
	    X509_set_pubkey(c->x, c->pkey) != 1 ||
	    add_extensions(c->x, ix, s) != 0)
		return -1;
	return X509_sign(c->x, ik, EVP_sha256()) > 0 ? 0 : -1;
}

struct certgen_cert *
certgen_make(const struct certgen_spec *s, const struct certgen_cert *issuer)
{
	struct certgen_cert *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->pkey = make_key(s->key);
	c->x = X509_new();
	if (c->pkey == NULL || c->x == NULL || fill_cert(c, s, issuer) != 0) {
		certgen_free(c);
		c = NULL;
	}
	ERR_clear_error();
	return c;
}

void
certgen_free(struct certgen_cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x);
	EVP_PKEY_free(c->pkey);
	free(c);
}

X509 *
certgen_x509(const struct certgen_cert *c)
{
	return c->x;
}

EVP_PKEY *
certgen_pkey(const struct certgen_cert *c)
{
	return c->pkey;
}

int
certgen_path(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* Open dir/name for writing as a BIO; mode 0600 when secret. */
static BIO *
open_out(const char *dir, const char *name, bool secret)
{
	char path[4096];
	int fd;
	FILE *fp;
	BIO *b;

	if (certgen_path(path, sizeof(path), dir, name) != 0)
		return NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  secret ? 0600 : 0644);
	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		close(fd);
		return NULL;
	}
	b = BIO_new_fp(fp, BIO_CLOSE);
	if (b == NULL)
		fclose(fp);
	return b;
}

/* Flush and close b; 0 if everything written got out. */
static int
close_out(BIO *b, int ok)
{
	if (BIO_flush(b) != 1)
		ok = 0;
	BIO_free(b);
	ERR_clear_error();
	return ok ? 0 : -1;
}

int
certgen_write_cert(const struct certgen_cert *c, const char *dir,
		   const char *name)
{
	return certgen_write_chain(&c, 1, dir, name);
}

int
certgen_write_chain(const struct certgen_cert *const *certs, size_t n,
		    const char *dir, const char *name)
{
	BIO *b = open_out(dir, name, false);
	int ok = 1;

	if (b == NULL)
		return -1;
	for (size_t i = 0; ok && i < n; i++)
		ok = PEM_write_bio_X509(b, certs[i]->x) == 1;
	return close_out(b, ok);
}

static int
write_key(BIO *b, const struct certgen_cert *c, const char *password)
{
	if (password == NULL)
		return PEM_write_bio_PKCS8PrivateKey(b, c->pkey, NULL, NULL, 0,
						     NULL, NULL) == 1;
	return PEM_write_bio_PKCS8PrivateKey(b, c->pkey, EVP_aes_256_cbc(),
					     password, (int)strlen(password),
					     NULL, NULL) == 1;
}

int
certgen_write_key(const struct certgen_cert *c, const char *dir,
		  const char *name, const char *password)
{
	BIO *b = open_out(dir, name, true);

	if (b == NULL)
		return -1;
	return close_out(b, write_key(b, c, password));
}

int
certgen_write_both(const struct certgen_cert *c, const char *dir,
		   const char *name)
{
	BIO *b = open_out(dir, name, true);
	int ok;

	if (b == NULL)
		return -1;
	ok = PEM_write_bio_X509(b, c->x) == 1 && write_key(b, c, NULL);
	return close_out(b, ok);
}

static X509_CRL *
make_crl(const struct certgen_cert *ca,
	 const struct certgen_cert *const *revoked, size_t n)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *last = X509_gmtime_adj(NULL, -3600);
	ASN1_TIME *next = X509_gmtime_adj(NULL, 24 * 3600);
	int ok = crl != NULL && last != NULL && next != NULL &&
		 X509_CRL_set_version(crl, X509_CRL_VERSION_2) == 1 &&
		 X509_CRL_set_issuer_name(crl,
					  X509_get_subject_name(ca->x)) == 1 &&
		 X509_CRL_set1_lastUpdate(crl, last) == 1 &&
		 X509_CRL_set1_nextUpdate(crl, next) == 1;

	for (size_t i = 0; ok && i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();

		ok = r != NULL && X509_REVOKED_set_serialNumber(r,
			X509_get_serialNumber(revoked[i]->x)) == 1 &&
		     X509_REVOKED_set_revocationDate(r, last) == 1 &&
		     X509_CRL_add0_revoked(crl, r) == 1;
		if (!ok)
			X509_REVOKED_free(r);
	}
	ok = ok && X509_CRL_sort(crl) == 1 &&
	     X509_CRL_sign(crl, ca->pkey, EVP_sha256()) > 0;
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	if (!ok) {
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

int
certgen_write_crl(const struct certgen_cert *ca,
		  const struct certgen_cert *const *revoked, size_t n,
		  const char *dir, const char *name)
{
	X509_CRL *crl = make_crl(ca, revoked, n);
	BIO *b;
	int ok;

	if (crl == NULL) {
		ERR_clear_error();
		return -1;
	}
	b = open_out(dir, name, false);
	if (b == NULL) {
		X509_CRL_free(crl);
		return -1;
	}
	ok = PEM_write_bio_X509_CRL(b, crl) == 1;
	X509_CRL_free(crl);
	return close_out(b, ok);
}

int
certgen_fingerprint(const struct certgen_cert *c, char *buf, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (cap < 96 || X509_digest(c->x, EVP_sha256(), md, &len) != 1 ||
	    len != 32)
		return -1;
	for (unsigned int i = 0; i < len; i++) {
		buf[i * 3] = hex[md[i] >> 4];
		buf[i * 3 + 1] = hex[md[i] & 15];
		buf[i * 3 + 2] = i + 1 < len ? ':' : '\0';
	}
	return 0;
}

int
certgen_mkdtemp(char *templ)
{
	return mkdtemp(templ) != NULL ? 0 : -1;
}

int
certgen_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int rc = 0;

	if (d == NULL)
		return -1;
	for (e = readdir(d); e != NULL; e = readdir(d)) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		if (certgen_path(path, sizeof(path), dir, e->d_name) != 0 ||
		    unlink(path) != 0)
			rc = -1;
	}
	closedir(d);
	if (rmdir(dir) != 0)
		rc = -1;
	return rc;
}
