/* certgen.h - test-only certificate factory: CAs, intermediates, leaves
 * (good, expired, not yet valid, self-signed, wrong names), CRLs, and
 * their PEM files, made in-process with the OpenSSL 3 API.
 *
 * Typical use, for a server with an intermediate:
 *
 *	struct certgen_spec s;
 *	struct certgen_cert *ca, *mid, *leaf;
 *	const char *dns[] = { "localhost", NULL };
 *	const char *ips[] = { "127.0.0.1", "::1", NULL };
 *
 *	certgen_spec_init(&s, "Test Root CA");
 *	s.ca = true;
 *	ca = certgen_make(&s, NULL);			(self-signed)
 *	certgen_spec_init(&s, "Test Intermediate CA");
 *	s.ca = true;
 *	mid = certgen_make(&s, ca);
 *	certgen_spec_init(&s, "localhost");
 *	s.dns = dns;
 *	s.ips = ips;
 *	leaf = certgen_make(&s, mid);
 *	certgen_write_cert(ca, dir, "ca.pem");		(the --ca-file)
 *	const struct certgen_cert *chain[] = { leaf, mid };
 *	certgen_write_chain(chain, 2, dir, "chain.pem");	(server sends)
 *	certgen_write_key(leaf, dir, "leaf.key", NULL);
 *	...
 *	certgen_free(leaf); certgen_free(mid); certgen_free(ca);
 *
 * Nothing here prints or exits; every function reports failure by its
 * return value.  Not for production keys: the point is variety, fast. */
#ifndef IMAPCONN_CERTGEN_H
#define IMAPCONN_CERTGEN_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

enum certgen_key_type {
	CERTGEN_KEY_EC_P256 = 0,	/* fast; the default */
	CERTGEN_KEY_RSA_2048,
	CERTGEN_KEY_RSA_1024		/* weak: refused at level 2 and up */
};

/* What to put in a certificate.  Start from certgen_spec_init(); every
 * pointer is borrowed for the duration of certgen_make() only. */
struct certgen_spec {
	const char *cn;		/* subject CN, valid UTF-8 (control
				 * characters allowed); NULL: none */
	const char *org;	/* subject O; NULL: none */
	const char *const *dns;	/* NULL-terminated SAN DNS names, stored
				 * as given (any bytes but NUL, to make
				 * hostile names); NULL: none */
	const char *const *ips;	/* NULL-terminated SAN addresses, IPv4 or
				 * IPv6 text; NULL: none */
	long not_before;	/* validity start, seconds from now
				 * (default -3600) */
	long not_after;		/* validity end, seconds from now (default
				 * +30 days); both negative: expired; both
				 * positive: not yet valid */
	bool ca;		/* basicConstraints CA:TRUE + keyCertSign,
				 * cRLSign; else a TLS server/client leaf */
	int path_len;		/* CA path length; -1 (default): no limit */
	enum certgen_key_type key;
	long serial;		/* > 0: this serial; 0 (default): random */
};

/* A certificate with its private key; opaque. */
struct certgen_cert;

/* Defaults: the given CN (may be NULL), no SANs, valid from an hour ago
 * for 30 days, a leaf, P-256 key, random serial. */
void certgen_spec_init(struct certgen_spec *s, const char *cn);

/* Make a key and a certificate for it, signed by issuer (its key and
 * subject name), or self-signed when issuer is NULL.  An issuer need not
 * be a CA (to make bad chains).  Returns a certificate the caller frees
 * with certgen_free(), or NULL on failure (bad address text, OpenSSL
 * error).  Clears OpenSSL's error queue. */
struct certgen_cert *certgen_make(const struct certgen_spec *s,
				  const struct certgen_cert *issuer);

/* Free c; NULL is fine. */
void certgen_free(struct certgen_cert *c);

/* The certificate and key inside c, still owned by c (valid until
 * certgen_free): for an in-process server's SSL_CTX_use_certificate() or
 * for computing fingerprints.  Take a reference (X509_up_ref) to keep
 * one longer. */
X509 *certgen_x509(const struct certgen_cert *c);
EVP_PKEY *certgen_pkey(const struct certgen_cert *c);

/* dir + "/" + name into buf (cap bytes).  Returns 0, or -1 if it does not
 * fit. */
int certgen_path(char *buf, size_t cap, const char *dir, const char *name);

/* Write dir/name (created or replaced).  All return 0 or -1.
 *   certgen_write_cert   the certificate, PEM
 *   certgen_write_key    the private key, PKCS#8 PEM, mode 0600;
 *                        encrypted with AES-256-CBC under password when
 *                        password is not NULL
 *   certgen_write_chain  n certificates concatenated in the order given
 *                        (a server chain is leaf first, then issuers)
 *   certgen_write_both   certificate then key in one file (for servers
 *                        and clients that take a single file)
 *   certgen_write_crl    a CRL issued by ca (valid from an hour ago for
 *                        a day) revoking the n certificates given */
int certgen_write_cert(const struct certgen_cert *c, const char *dir,
		       const char *name);
int certgen_write_key(const struct certgen_cert *c, const char *dir,
		      const char *name, const char *password);
int certgen_write_chain(const struct certgen_cert *const *certs, size_t n,
			const char *dir, const char *name);
int certgen_write_both(const struct certgen_cert *c, const char *dir,
		       const char *name);
int certgen_write_crl(const struct certgen_cert *ca,
		      const struct certgen_cert *const *revoked, size_t n,
		      const char *dir, const char *name);

/* Upper-case hex SHA-256 of c's DER with colons ("AB:CD:...", 95
 * characters) into buf (at least 96 bytes).  Returns 0 or -1. */
int certgen_fingerprint(const struct certgen_cert *c, char *buf,
			size_t cap);

/* Make a fresh directory from a mkdtemp(3) template such as
 * "/tmp/imapconn-XXXXXX" (modified in place); remove it with everything
 * in it (one level: files only) with certgen_rmdir.  0 or -1. */
int certgen_mkdtemp(char *templ);
int certgen_rmdir(const char *dir);

#endif
