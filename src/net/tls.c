/* tls.c - OpenSSL client: settings, verification, handshake, I/O and the
 * certificate summary. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "idna.h"
#include "net.h"
#include "tls.h"
#include "tlsinfo.h"
#include "tlswarm.h"
#include "truststore.h"

struct tls_client {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;			/* the caller's; -1 before the handshake */
	bool verify_enabled;
	int n_keys;		/* keys trusted whatever verification
				 * says (tls_client_trust_keys) */
	char keys[TLS_KEYS_MAX][TLS_SPKI_B64_MAX];
	bool name_is_ip;
	bool sni_sent;
	bool established;	/* the handshake completed */
	bool broken;		/* fatal error: no close_notify */
	bool shut;		/* close_notify sent */
	bool leaf_ok;		/* verification passed depth 0 */
	long first_error;	/* X509_V_OK until the first error */
	int first_error_depth;
	struct tls_problem problems[TLS_PROBLEMS_MAX];	/* every one */
	int nproblems;
	unsigned hello_version;	/* legacy_version of the ServerHello;
				 * 0 until one arrived */
	char name[CONFIG_HOST_MAX];	/* name or address checked */
	X509_STORE *own_file;	/* --ca-file alone, to tell where a trust
				 * anchor came from; NULL if not given */
	X509_STORE *own_dir;	/* --ca-dir alone; NULL if not given */
	char ca_file[CONFIG_PATH_MAX];
	char ca_dir[CONFIG_PATH_MAX];
};

/* ---------------------------------------------------------------- */
/* Text helpers                                                     */

/* Copy len bytes of src into dst (cap > 0 bytes, always terminated),
 * escaping every byte outside printable ASCII as \xHH, and a backslash
 * as \\ when quote_backslash (text whose backslashes are not already
 * escapes).  Truncates between escapes. */
static void
escape_bytes(char *dst, size_t cap, const unsigned char *src, size_t len,
	     bool quote_backslash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = src[i];

		if (c == '\\' && quote_backslash) {
			if (o + 2 >= cap)
				break;
			dst[o++] = '\\';
			dst[o++] = '\\';
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= cap)
				break;
			dst[o++] = (char)c;
			continue;
		}
		if (o + 4 >= cap)
			break;
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	dst[o] = '\0';
}

static void
escape_str(char *dst, size_t cap, const char *src)
{
	escape_bytes(dst, cap, (const unsigned char *)src, strlen(src), true);
}

/* Append s to the string in buf (cap bytes); "..." marks truncation. */
static void
append(char *buf, size_t cap, const char *s)
{
	size_t used = strlen(buf);
	size_t n = strlen(s);

	if (used + n < cap) {
		memcpy(buf + used, s, n + 1);
		return;
	}
	if (cap >= 4 && used <= cap - 4)
		memcpy(buf + cap - 4, "...", 4);
}

static const char *
errno_text(int err, char *buf, size_t cap)
{
#if defined(_GNU_SOURCE) && !defined(__APPLE__)
	return strerror_r(err, buf, cap);
#else
	if (strerror_r(err, buf, cap) != 0)
		snprintf(buf, cap, "error %d", err);
	return buf;
#endif
}

/* The reason of the earliest error in OpenSSL's queue with a known
 * text, into buf; the code through *code (0 if none).  Empties the
 * queue. */
static void
ssl_reason(char *buf, size_t cap, unsigned long *code)
{
	unsigned long e;

	buf[0] = '\0';
	*code = 0;
	for (e = ERR_get_error(); e != 0; e = ERR_get_error()) {
		const char *r = ERR_reason_error_string(e);

		if (*code == 0)
			*code = e;
		if (buf[0] == '\0' && r != NULL)
			escape_str(buf, cap, r);
	}
	if (buf[0] == '\0' && *code != 0)
		snprintf(buf, cap, "OpenSSL error %lx", *code);
	if (buf[0] == '\0')
		snprintf(buf, cap, "unknown error");
}

/* ---------------------------------------------------------------- */
/* Settings                                                         */

static int
fail_file(struct failure *f, const char *what, const char *path,
	  const char *why)
{
	char p[256];

	escape_str(p, sizeof(p), path);
	fail_set(f, PHASE_NONE, FAIL_INPUT, "cannot load %s %s: %s", what, p,
		 why);
	return -1;
}

static int
fail_file_ssl(struct failure *f, const char *what, const char *path)
{
	char why[256];
	unsigned long code;

	ssl_reason(why, sizeof(why), &code);
	return fail_file(f, what, path, why);
}

/* A readable regular file (dir false) or a directory (dir true)? */
static int
check_path(const char *path, bool dir, const char *what, struct failure *f)
{
	char buf[128];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return fail_file(f, what, path,
				 errno_text(errno, buf, sizeof(buf)));
	rc = fstat(fd, &st);
	close(fd);
	if (rc != 0)
		return fail_file(f, what, path,
				 errno_text(errno, buf, sizeof(buf)));
	if (dir && !S_ISDIR(st.st_mode))
		return fail_file(f, what, path, "not a directory");
	if (!dir && !S_ISREG(st.st_mode))
		return fail_file(f, what, path, "not a regular file");
	return 0;
}

/* The system store, looked up lazily: its hashed directory one
 * certificate per lookup, and the bundle file (when SSL_CERT_FILE names
 * one, or there is no directory) through truststore.c, which indexes it
 * by subject once per process and decodes only the certificates a chain
 * asks for, where loading the file decoded every one of them for every
 * connection (70 ms and more here).  A certificate --ca-file or
 * --ca-dir already holds is found before either is asked. */
static void
load_system_trust(SSL_CTX *ctx)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());
	const char *file = getenv(X509_get_default_cert_file_env());
	struct stat st;

	if (dir == NULL)
		dir = X509_get_default_cert_dir();
	SSL_CTX_set_default_verify_dir(ctx);
	if (file != NULL || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		truststore_add_bundle(SSL_CTX_get_cert_store(ctx),
				      file ? file
					   : X509_get_default_cert_file());
	ERR_clear_error();
}

static int
load_trust(SSL_CTX *ctx, const struct tls_opts *o, struct failure *f)
{
	/* A system without a default store still works with --ca-file. */
	load_system_trust(ctx);
	if (o->ca_file[0] != '\0') {
		if (check_path(o->ca_file, false, "CA file", f) != 0)
			return -1;
		if (SSL_CTX_load_verify_file(ctx, o->ca_file) != 1)
			return fail_file_ssl(f, "CA file", o->ca_file);
	}
	if (o->ca_dir[0] != '\0') {
		if (check_path(o->ca_dir, true, "CA directory", f) != 0)
			return -1;
		if (SSL_CTX_load_verify_dir(ctx, o->ca_dir) != 1)
			return fail_file_ssl(f, "CA directory", o->ca_dir);
	}
	return 0;
}

static int
load_crl(SSL_CTX *ctx, const char *path, struct failure *f)
{
	X509_STORE *st = SSL_CTX_get_cert_store(ctx);
	X509_LOOKUP *lu;

	if (check_path(path, false, "CRL file", f) != 0)
		return -1;
	lu = X509_STORE_add_lookup(st, X509_LOOKUP_file());
	if (lu == NULL)
		return fail_file_ssl(f, "CRL file", path);
	if (X509_load_crl_file(lu, path, X509_FILETYPE_PEM) <= 0)
		return fail_file_ssl(f, "CRL file", path);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx),
				    X509_V_FLAG_CRL_CHECK);
	return 0;
}

/* What the password callback gets: the password ("" if none), and
 * whether it was asked for (the key is encrypted). */
struct password_arg {
	const char *pw;
	bool asked;
};

/* Password callback: u is a struct password_arg, or NULL.  Never
 * prompts. */
static int
password_cb(char *buf, int size, int rwflag, void *u)
{
	struct password_arg *a = u;
	size_t n;

	if (a == NULL)
		return -1;
	a->asked = true;
	if (a->pw[0] == '\0' || size <= 0)
		return -1;
	n = strlen(a->pw);
	if (n > (size_t)size)
		n = (size_t)size;
	memcpy(buf, a->pw, n);
	return (int)n;
}

/* The first line of path into buf (cap bytes), without CR/LF.  Reads
 * with read(2) so that no stdio buffer keeps a copy. */
static int
read_password_file(const char *path, char *buf, size_t cap,
		   struct failure *f)
{
	char eb[128];
	size_t n = 0;
	int fd;

	if (check_path(path, false, "key password file", f) != 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_file(f, "key password file", path,
				 errno_text(errno, eb, sizeof(eb)));
	while (n + 1 < cap && memchr(buf, '\n', n) == NULL) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			close(fd);
			OPENSSL_cleanse(buf, cap);
			return fail_file(f, "key password file", path,
					 errno_text(err, eb, sizeof(eb)));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* Why a key did not load, with what the password callback saw. */
static int
fail_key(struct failure *f, const char *path, const struct password_arg *a)
{
	char why[256];
	unsigned long code;

	ssl_reason(why, sizeof(why), &code);
	if (a->asked && a->pw[0] == '\0')
		return fail_file(f, "key file", path,
				 "the key is encrypted and no password was "
				 "given");
	if (a->asked)
		append(why, sizeof(why), " (wrong password?)");
	else
		append(why, sizeof(why), " (not a PEM private key?)");
	return fail_file(f, "key file", path, why);
}

static int
use_key(SSL_CTX *ctx, const char *path, const char *pw, struct failure *f)
{
	struct password_arg a = { pw, false };
	BIO *b;
	EVP_PKEY *k;

	if (check_path(path, false, "key file", f) != 0)
		return -1;
	b = BIO_new_file(path, "r");
	if (b == NULL)
		return fail_file_ssl(f, "key file", path);
	k = PEM_read_bio_PrivateKey(b, NULL, password_cb, &a);
	BIO_free(b);
	if (k == NULL)
		return fail_key(f, path, &a);
	if (SSL_CTX_use_PrivateKey(ctx, k) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		EVP_PKEY_free(k);
		return fail_file_ssl(f, "key file", path);
	}
	EVP_PKEY_free(k);
	return 0;
}

/* Client certificate and key; the key file defaults to the certificate
 * file.  The password copy is wiped before returning. */
static int
load_client_cert(SSL_CTX *ctx, const struct tls_opts *o, struct failure *f)
{
	char pw[CONFIG_SECRET_MAX];
	const char *key = o->key_file[0] != '\0' ? o->key_file : o->cert_file;
	int rc;

	if (o->cert_file[0] == '\0') {
		if (o->key_file[0] == '\0')
			return 0;
		fail_set(f, PHASE_NONE, FAIL_USAGE,
			 "a key file was given without a certificate file");
		return -1;
	}
	if (check_path(o->cert_file, false, "certificate file", f) != 0)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1)
		return fail_file_ssl(f, "certificate file", o->cert_file);
	memset(pw, 0, sizeof(pw));
	if (o->key_password[0] != '\0')
		snprintf(pw, sizeof(pw), "%s", o->key_password);
	else if (o->key_password_file[0] != '\0' &&
		 read_password_file(o->key_password_file, pw, sizeof(pw),
				    f) != 0)
		return -1;
	rc = use_key(ctx, key, pw, f);
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}

static int
version_code(enum tls_version v)
{
	switch (v) {
	case TLSV_1_0:
		return TLS1_VERSION;
	case TLSV_1_1:
		return TLS1_1_VERSION;
	case TLSV_1_2:
		return TLS1_2_VERSION;
	case TLSV_1_3:
		return TLS1_3_VERSION;
	case TLSV_DEFAULT:
		break;
	}
	return 0;
}

static int
set_versions(SSL_CTX *ctx, const struct tls_opts *o, struct failure *f)
{
	enum tls_version lo = o->min_version;
	enum tls_version hi = o->max_version;

	if ((unsigned)lo > TLSV_1_3 || (unsigned)hi > TLSV_1_3) {
		fail_set(f, PHASE_NONE, FAIL_USAGE, "unknown TLS version");
		return -1;
	}
	if (lo == TLSV_DEFAULT)
		lo = hi != TLSV_DEFAULT && hi < TLSV_1_2 ? hi : TLSV_1_2;
	if (hi != TLSV_DEFAULT && hi < lo) {
		fail_set(f, PHASE_NONE, FAIL_USAGE,
			 "minimum TLS version %s is above the maximum %s",
			 tls_version_name(lo), tls_version_name(hi));
		return -1;
	}
	/* OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1) above security level 0. */
	if (lo < TLSV_1_2)
		SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_min_proto_version(ctx, version_code(lo)) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, version_code(hi)) != 1) {
		fail_set(f, PHASE_NONE, FAIL_USAGE,
			 "TLS versions %s to %s are not available",
			 tls_version_name(lo), tls_version_name(hi));
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/* Give OpenSSL a cipher list with set, unless it is empty; a list it
 * cannot use fails with what (and the list, escaped). */
static int
set_list(SSL_CTX *ctx, int (*set)(SSL_CTX *, const char *),
	 const char *list, const char *what, struct failure *f)
{
	char s[128];

	if (list[0] == '\0' || set(ctx, list) == 1)
		return 0;
	escape_str(s, sizeof(s), list);
	fail_set(f, PHASE_NONE, FAIL_USAGE, "%s \"%s\"", what, s);
	ERR_clear_error();
	return -1;
}

static int
set_ciphers(SSL_CTX *ctx, const struct tls_opts *o, struct failure *f)
{
	if (set_list(ctx, SSL_CTX_set_cipher_list, o->ciphers,
		     "no usable cipher in", f) != 0)
		return -1;
	return set_list(ctx, SSL_CTX_set_ciphersuites, o->ciphersuites,
			"bad TLS 1.3 cipher suite list", f);
}

/* The base64 SHA-256 of x's DER SubjectPublicKeyInfo into out
 * (TLS_SPKI_B64_MAX bytes); "" when it cannot be made. */
static void
spki_b64(X509 *x, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char *der = NULL;
	int derlen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);

	out[0] = '\0';
	if (derlen > 0 && EVP_Digest(der, (size_t)derlen, md, &mdlen,
				     EVP_sha256(), NULL) == 1)
		EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	OPENSSL_free(der);
}

/* Whether the server's certificate, the one being verified, has one of
 * the keys the caller trusts. */
static bool
leaf_key_trusted(const struct tls_client *t, X509_STORE_CTX *sctx)
{
	X509 *leaf = X509_STORE_CTX_get0_cert(sctx);
	char key[TLS_SPKI_B64_MAX];

	if (leaf == NULL)
		return false;
	ERR_set_mark();
	spki_b64(leaf, key);
	ERR_pop_to_mark();
	for (int i = 0; i < t->n_keys; i++)
		if (key[0] != '\0' && strcmp(key, t->keys[i]) == 0)
			return true;
	return false;
}

/* Record the first verification error; go on with verification off,
 * or when the server's key is one the caller trusts. */
static int
verify_cb(int ok, X509_STORE_CTX *sctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(sctx,
		SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_client *t = ssl != NULL ? SSL_get_app_data(ssl) : NULL;

	if (t == NULL)
		return ok;
	if (!ok && t->first_error == X509_V_OK) {
		t->first_error = X509_STORE_CTX_get_error(sctx);
		t->first_error_depth = X509_STORE_CTX_get_error_depth(sctx);
		if (t->first_error == X509_V_OK)
			t->first_error = X509_V_ERR_UNSPECIFIED;
	}
	if (ok && X509_STORE_CTX_get_error_depth(sctx) == 0)
		t->leaf_ok = true;
	if (ok || !t->verify_enabled)
		return 1;
	return t->n_keys > 0 && leaf_key_trusted(t, sctx);
}

#define TLS_GROUPS "P-256:X25519:P-384:X448:P-521"

static SSL_CTX *
make_ctx(const struct tls_opts *o, struct failure *f)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL,
			 "cannot create a TLS context");
		ERR_clear_error();
		return NULL;
	}
	/* Nothing may prompt on the terminal for a password. */
	SSL_CTX_set_default_passwd_cb(ctx, password_cb);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	if (o->verify_depth >= 0)
		SSL_CTX_set_verify_depth(ctx, o->verify_depth);
	/* The TLS 1.3 key share goes for the first group: P-256, the one
	 * every server must support (RFC 8446, 9.1).  With X25519 first, a
	 * server without it (Cyrus IMAP as Debian configures it) answers
	 * with a HelloRetryRequest: a round trip more. */
	if (SSL_CTX_set1_groups_list(ctx, TLS_GROUPS) != 1)
		ERR_clear_error();
	if (set_versions(ctx, o, f) != 0 || set_ciphers(ctx, o, f) != 0 ||
	    load_trust(ctx, o, f) != 0 ||
	    (o->crl_file[0] != '\0' && load_crl(ctx, o->crl_file, f) != 0) ||
	    load_client_cert(ctx, o, f) != 0) {
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	return ctx;
}

/* Strip brackets, an IPv6 zone and a trailing dot from the name to
 * check; say whether it is an address. */
static bool
normalize_name(char *name)
{
	unsigned char addr[16];
	size_t n = strlen(name);

	if (n >= 2 && name[0] == '[' && name[n - 1] == ']') {
		memmove(name, name + 1, n - 2);
		name[n - 2] = '\0';
	}
	if (inet_pton(AF_INET, name, addr) == 1)
		return true;
	if (strchr(name, ':') != NULL) {
		name[strcspn(name, "%")] = '\0';
		return inet_pton(AF_INET6, name, addr) == 1;
	}
	n = strlen(name);
	if (n > 1 && name[n - 1] == '.')
		name[n - 1] = '\0';
	return false;
}

/* The name OpenSSL sends and checks: an international one in its
 * A-labels, whoever gave it. */
static int
peer_name_ascii(struct tls_client *t, const char *name, struct failure *f)
{
	struct idna_error ierr;

	if (idna_name(name, t->name, sizeof(t->name), &ierr) == 0)
		return 0;
	fail_set(f, PHASE_NONE, FAIL_USAGE, "server name: %s", ierr.why);
	return -1;
}

static int
set_peer_name(struct tls_client *t, const struct tls_opts *o,
	      const char *host, enum addr_kind kind, struct failure *f)
{
	const char *name = o->server_name[0] != '\0' ? o->server_name : host;
	char shown[CONFIG_HOST_MAX];

	if (peer_name_ascii(t, name != NULL ? name : "", f) != 0)
		return -1;
	t->name_is_ip = normalize_name(t->name);
	if (o->server_name[0] == '\0' && kind != ADDR_NAME)
		t->name_is_ip = true;
	escape_str(shown, sizeof(shown), t->name);
	if (t->name[0] == '\0') {
		fail_set(f, PHASE_NONE, FAIL_USAGE, "no server name to check");
		return -1;
	}
	if (t->name_is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl),
						  t->name) == 1)
			return 0;
		fail_set(f, PHASE_NONE, FAIL_USAGE,
			 "\"%s\" is not an IP address", shown);
		ERR_clear_error();
		return -1;
	}
	SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set1_host(t->ssl, t->name) != 1 ||
	    SSL_set_tlsext_host_name(t->ssl, t->name) != 1) {
		fail_set(f, PHASE_NONE, FAIL_USAGE,
			 "\"%s\" cannot be used as a server name", shown);
		ERR_clear_error();
		return -1;
	}
	t->sni_sent = true;
	return 0;
}

/* Keep the version a ServerHello names, to say it when it is refused. */
static void
hello_seen(int write_p, int version, int content_type, const void *buf,
	   size_t len, SSL *ssl, void *arg)
{
	const unsigned char *b = buf;
	struct tls_client *t = arg;

	(void)version;
	(void)ssl;
	if (write_p || content_type != SSL3_RT_HANDSHAKE || len < 6 ||
	    b[0] != SSL3_MT_SERVER_HELLO)
		return;
	t->hello_version = (unsigned)b[4] << 8 | b[5];
}

/* "TLS 1.0": the version the server chose when it is the reason of
 * the failure (OpenSSL refused it), else "". */
static const char *
chosen_version(const struct tls_client *t, unsigned long code)
{
	static const struct {
		unsigned v;
		const char *name;
	} names[] = {
		{ 0x0300, "SSL 3.0" }, { 0x0301, "TLS 1.0" },
		{ 0x0302, "TLS 1.1" }, { 0x0303, "TLS 1.2" },
		{ 0x0304, "TLS 1.3" },
	};

	if (t->hello_version == 0 || ERR_GET_LIB(code) != ERR_LIB_SSL ||
	    ERR_GET_REASON(code) != SSL_R_UNSUPPORTED_PROTOCOL)
		return "";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == t->hello_version)
			return names[i].name;
	return "";
}

/* " (the server chose TLS 1.0)" for a version refused, else "". */
static void
hello_text(const struct tls_client *t, unsigned long code, char *buf,
	   size_t cap)
{
	const char *v = chosen_version(t, code);

	buf[0] = '\0';
	if (v[0] != '\0')
		snprintf(buf, cap, " (the server chose %s)", v);
}

/* The user's CAs again, each in a store of its own, so that the
 * summary can say which one the trust anchor came from.  make_ctx has
 * loaded them already: failing here is out of memory. */
static int
own_stores(struct tls_client *t, const struct tls_opts *o,
	   struct failure *f)
{
	snprintf(t->ca_file, sizeof(t->ca_file), "%s", o->ca_file);
	snprintf(t->ca_dir, sizeof(t->ca_dir), "%s", o->ca_dir);
	if (o->ca_file[0] != '\0') {
		t->own_file = X509_STORE_new();
		if (t->own_file == NULL ||
		    X509_STORE_load_file(t->own_file, o->ca_file) != 1)
			goto fail;
	}
	if (o->ca_dir[0] != '\0') {
		t->own_dir = X509_STORE_new();
		if (t->own_dir == NULL ||
		    X509_STORE_load_path(t->own_dir, o->ca_dir) != 1)
			goto fail;
	}
	return 0;
fail:
	ERR_clear_error();
	fail_set(f, PHASE_NONE, FAIL_INTERNAL, "cannot load the CAs given "
		 "a second time");
	return -1;
}

struct tls_client *
tls_client_new(const struct tls_opts *o, const char *host,
	       enum addr_kind kind, struct failure *f)
{
	struct tls_client *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL, "out of memory");
		return NULL;
	}
	tlswarm_wait();
	t->fd = -1;
	t->verify_enabled = o->verify;
	t->first_error = X509_V_OK;
	t->first_error_depth = -1;
	ERR_clear_error();
	t->ctx = make_ctx(o, f);
	if (t->ctx == NULL) {
		free(t);
		return NULL;
	}
	t->ssl = SSL_new(t->ctx);
	if (t->ssl == NULL) {
		fail_set(f, PHASE_NONE, FAIL_INTERNAL,
			 "cannot create a TLS connection");
		tls_client_free(t);
		ERR_clear_error();
		return NULL;
	}
	SSL_set_app_data(t->ssl, t);
	/* The server's OCSP answer, when it staples one (shown only). */
	SSL_set_tlsext_status_type(t->ssl, TLSEXT_STATUSTYPE_ocsp);
	SSL_set_msg_callback(t->ssl, hello_seen);
	SSL_set_msg_callback_arg(t->ssl, t);
	if (set_peer_name(t, o, host, kind, f) != 0 ||
	    own_stores(t, o, f) != 0) {
		tls_client_free(t);
		return NULL;
	}
	return t;
}

void
tls_client_free(struct tls_client *t)
{
	if (t == NULL)
		return;
	X509_STORE_free(t->own_file);
	X509_STORE_free(t->own_dir);
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	free(t);
}

/* ---------------------------------------------------------------- */
/* Certificates as text                                             */

static void
name_text(const X509_NAME *nm, char *buf, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;

	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &data);
		if (n > 0 && data != NULL)
			escape_bytes(buf, cap, (const unsigned char *)data,
				     (size_t)n, false);
	}
	BIO_free(b);
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
time_text(const ASN1_TIME *at, char *buf, size_t cap, int64_t *epoch)
{
	struct tm tm;

	buf[0] = '\0';
	*epoch = 0;
	if (at == NULL || ASN1_TIME_to_tm(at, &tm) != 1)
		return;
	if (strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
	*epoch = days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1,
				 tm.tm_mday) * 86400 +
		 tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

/* One subjectAltName entry as "DNS:name" or "IP:addr"; "" to skip. */
static void
general_name_text(const GENERAL_NAME *g, char *buf, size_t cap)
{
	const ASN1_STRING *s;
	const char *tag;
	char v[256];

	buf[0] = '\0';
	switch (g->type) {
	case GEN_DNS:
		tag = "DNS";
		s = g->d.dNSName;
		break;
	case GEN_EMAIL:
		tag = "email";
		s = g->d.rfc822Name;
		break;
	case GEN_URI:
		tag = "URI";
		s = g->d.uniformResourceIdentifier;
		break;
	case GEN_IPADD:
		s = g->d.iPAddress;
		if (s->length == 4)
			inet_ntop(AF_INET, s->data, v, sizeof(v));
		else if (s->length == 16)
			inet_ntop(AF_INET6, s->data, v, sizeof(v));
		else
			snprintf(v, sizeof(v), "(%d bytes)", s->length);
		snprintf(buf, cap, "IP:%s", v);
		return;
	default:
		return;
	}
	escape_bytes(v, sizeof(v), ASN1_STRING_get0_data(s),
		     (size_t)ASN1_STRING_length(s), true);
	snprintf(buf, cap, "%s:%s", tag, v);
}

static void
sans_text(X509 *x, char *buf, size_t cap)
{
	GENERAL_NAMES *gens;
	char one[272];

	buf[0] = '\0';
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return;
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		general_name_text(sk_GENERAL_NAME_value(gens, i), one,
				  sizeof(one));
		if (one[0] == '\0')
			continue;
		if (buf[0] != '\0')
			append(buf, cap, ", ");
		append(buf, cap, one);
	}
	GENERAL_NAMES_free(gens);
}

static void
fingerprints(X509 *x, struct tls_cert_info *ci)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32) {
		for (unsigned int i = 0; i < mdlen; i++) {
			ci->sha256[i * 3] = hex[md[i] >> 4];
			ci->sha256[i * 3 + 1] = hex[md[i] & 15];
			ci->sha256[i * 3 + 2] = i + 1 < mdlen ? ':' : '\0';
		}
	}
	spki_b64(x, ci->spki_sha256);
}

static void
cert_info(X509 *x, struct tls_cert_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	name_text(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
	name_text(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
	time_text(X509_get0_notBefore(x), ci->not_before,
		  sizeof(ci->not_before), &ci->not_before_epoch);
	time_text(X509_get0_notAfter(x), ci->not_after,
		  sizeof(ci->not_after), &ci->not_after_epoch);
	sans_text(x, ci->sans, sizeof(ci->sans));
	fingerprints(x, ci);
	ci->self_signed = X509_self_signed(x, 1) == 1;
}

/* ---------------------------------------------------------------- */
/* Handshake and I/O                                                */

static int
wait_io(struct tls_client *t, int ssl_err, int64_t deadline_ms,
	int cancel_fd, int64_t start, enum phase p, const char *doing,
	struct failure *f)
{
	short ev = ssl_err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
	long long waited;
	char eb[128];

	switch (net_wait(t->fd, ev, deadline_ms, cancel_fd)) {
	case NET_READY:
		return 0;
	case NET_TIMEOUT:
		waited = clock_ms() - start;
		fail_set(f, p, FAIL_TIMEOUT, "no answer after %lld ms %s",
			 waited, doing);
		f->waited_ms = waited;
		return -1;
	case NET_CANCELLED:
		fail_set(f, p, FAIL_CANCELLED, "cancelled %s", doing);
		return -1;
	case NET_ERROR:
		break;
	}
	fail_set(f, p, FAIL_NETWORK, "waiting for the server failed: %s",
		 errno_text(errno, eb, sizeof(eb)));
	return -1;
}

static const struct {
	long err;
	const char *hint;
} verify_hints[] = {
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
	  "the issuer is not trusted here, or the server does not send its "
	  "intermediate certificate; a private CA goes in --ca-file" },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
	  "the issuer is not trusted here, or the server does not send its "
	  "intermediate certificate; a private CA goes in --ca-file" },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
	  "the chain ends in a CA this system does not trust; if you trust "
	  "it, give it with --ca-file" },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
	  "the certificate is self-signed; if you trust it, give it with "
	  "--ca-file, or look with --insecure" },
	{ X509_V_ERR_CERT_HAS_EXPIRED,
	  "the certificate has expired: the server must renew it (or this "
	  "machine's clock is wrong)" },
	{ X509_V_ERR_CERT_NOT_YET_VALID,
	  "the certificate is not valid yet: check this machine's clock" },
	{ X509_V_ERR_HOSTNAME_MISMATCH,
	  "connect with a name the certificate holds, or give the expected "
	  "one with --server-name" },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH,
	  "connect by a name the certificate holds, not by address" },
	{ X509_V_ERR_CERT_REVOKED,
	  "the certificate was revoked by its CA" },
	{ X509_V_ERR_UNABLE_TO_GET_CRL,
	  "the CRL file has no list from this certificate's issuer" },
	{ X509_V_ERR_CERT_CHAIN_TOO_LONG,
	  "the chain is longer than the verify depth allows" },
};

/* OpenSSL's reasons for a failed handshake: the failure's reason and
 * a first hint (NULL: none). */
static const struct {
	int ssl_reason;
	enum fail_reason reason;
	const char *hint;
} handshake_hints[] = {
	{ SSL_R_WRONG_VERSION_NUMBER, FAIL_R_TLS_NOT_TLS,
	  "the server did not answer in TLS: on a plain-text port (143) "
	  "use STARTTLS; implicit TLS is usually port 993" },
	{ SSL_R_PACKET_LENGTH_TOO_LONG, FAIL_R_TLS_NOT_TLS,
	  "the server did not answer in TLS: on a plain-text port (143) "
	  "use STARTTLS; implicit TLS is usually port 993" },
	{ SSL_R_UNSUPPORTED_PROTOCOL, FAIL_R_TLS_VERSION,
	  "no TLS version in common with the server: see --tls-min and "
	  "--tls-max" },
	{ SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, FAIL_R_TLS_VERSION,
	  "no TLS version in common with the server: see --tls-min and "
	  "--tls-max" },
	{ SSL_R_NO_PROTOCOLS_AVAILABLE, FAIL_R_TLS_NO_PROTOCOLS,
	  "--tls-min and --tls-max leave no version to offer" },
	{ SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, FAIL_R_TLS_NO_SHARED_CIPHER,
	  "the server refused the offer: no cipher or key type in common?" },
	{ SSL_R_NO_SHARED_CIPHER, FAIL_R_TLS_NO_SHARED_CIPHER,
	  "no cipher in common with the server" },
	{ SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY,
	  FAIL_R_TLS_NO_SHARED_CIPHER, NULL },
	{ SSL_R_NO_CIPHERS_AVAILABLE, FAIL_R_TLS_NO_CIPHERS,
	  "--ciphers and --ciphersuites leave no cipher to offer" },
	{ SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, FAIL_R_TLS_CERT_REQUIRED,
	  "the server wants a client certificate" },
	{ SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, FAIL_R_TLS_BAD_CLIENT_CERT,
	  "the server did not accept the client certificate" },
	{ SSL_R_TLSV1_ALERT_UNKNOWN_CA, FAIL_R_TLS_UNKNOWN_CLIENT_CA,
	  "the server does not trust the client certificate's issuer" },
};

/* Verification errors and the reasons they give a failure. */
static const struct {
	long err;
	enum fail_reason reason;
} verify_reasons[] = {
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, FAIL_R_CERT_UNTRUSTED_ROOT },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, FAIL_R_CERT_SELF_SIGNED },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
	  FAIL_R_CERT_UNKNOWN_ISSUER },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, FAIL_R_CERT_UNKNOWN_ISSUER },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
	  FAIL_R_CERT_UNKNOWN_ISSUER },
	{ X509_V_ERR_CERT_HAS_EXPIRED, FAIL_R_CERT_EXPIRED },
	{ X509_V_ERR_CERT_NOT_YET_VALID, FAIL_R_CERT_NOT_YET_VALID },
	{ X509_V_ERR_HOSTNAME_MISMATCH, FAIL_R_CERT_NAME_MISMATCH },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH, FAIL_R_CERT_NAME_MISMATCH },
	{ X509_V_ERR_CERT_REVOKED, FAIL_R_CERT_REVOKED },
	{ X509_V_ERR_UNABLE_TO_GET_CRL, FAIL_R_CERT_NO_CRL },
	{ X509_V_ERR_CERT_CHAIN_TOO_LONG, FAIL_R_CERT_CHAIN_TOO_LONG },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, FAIL_R_CERT_KEY_TOO_SMALL },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, FAIL_R_CERT_CA_KEY_TOO_SMALL },
	{ X509_V_ERR_CA_MD_TOO_WEAK, FAIL_R_CERT_WEAK_HASH },
	{ X509_V_ERR_INVALID_PURPOSE, FAIL_R_CERT_PURPOSE },
};

enum fail_reason
tls_verify_reason(long err)
{
	if (err == X509_V_OK)
		return FAIL_R_NONE;
	for (size_t i = 0;
	     i < sizeof(verify_reasons) / sizeof(verify_reasons[0]); i++)
		if (verify_reasons[i].err == err)
			return verify_reasons[i].reason;
	return FAIL_R_CERT_OTHER;
}

static bool
is_name_mismatch(long e)
{
	return e == X509_V_ERR_HOSTNAME_MISMATCH ||
	       e == X509_V_ERR_IP_ADDRESS_MISMATCH ||
	       e == X509_V_ERR_EMAIL_MISMATCH;
}

/* ---------------------------------------------------------------- */
/* Every verification problem                                       */

/* How much a problem matters: the lower, the sooner it is shown (a
 * revoked or wrong certificate before one merely out of date, and that
 * before the trust it lacks).  Others rank last. */
static const struct {
	long err;
	int rank;
} problem_ranks[] = {
	{ X509_V_ERR_CERT_REVOKED, 0 },
	{ X509_V_ERR_HOSTNAME_MISMATCH, 1 },
	{ X509_V_ERR_IP_ADDRESS_MISMATCH, 1 },
	{ X509_V_ERR_CERT_HAS_EXPIRED, 2 },
	{ X509_V_ERR_CERT_NOT_YET_VALID, 3 },
	{ X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 4 },
	{ X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 5 },
	/* A chain cut short leaves the issuers above unfound too. */
	{ X509_V_ERR_CERT_CHAIN_TOO_LONG, 5 },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 6 },
	{ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, 6 },
	{ X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, 6 },
	{ X509_V_ERR_EE_KEY_TOO_SMALL, 7 },
	{ X509_V_ERR_CA_KEY_TOO_SMALL, 7 },
	{ X509_V_ERR_CA_MD_TOO_WEAK, 7 },
};

static int
problem_rank(long err)
{
	for (size_t i = 0;
	     i < sizeof(problem_ranks) / sizeof(problem_ranks[0]); i++)
		if (problem_ranks[i].err == err)
			return problem_ranks[i].rank;
	return 8;
}

/* "CN=x" of an RFC 2253 subject, else all of it, into buf. */
static void
short_subject(const char *subject, char *buf, size_t cap)
{
	const char *cn = strstr(subject, "CN=");

	while (cn != NULL && cn != subject && cn[-1] != ',')
		cn = strstr(cn + 1, "CN=");
	if (cn == NULL)
		snprintf(buf, cap, "%s", subject[0] ? subject : "(no name)");
	else
		snprintf(buf, cap, "%.*s", (int)strcspn(cn, ","), cn);
}

/* "RSA 1024 bits" for x's key. */
static void
key_text(X509 *x, char *buf, size_t cap)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	const char *type = k != NULL ? EVP_PKEY_get0_type_name(k) : NULL;

	snprintf(buf, cap, "%s %d bits", type != NULL ? type : "unknown",
		 k != NULL ? EVP_PKEY_get_bits(k) : 0);
}

/* The words after OpenSSL's reason for a problem with x. */
static void
problem_words(const struct tls_client *t, long err, X509 *x,
	      const struct tls_cert_info *ci, bool leaf_only, char *buf,
	      size_t cap)
{
	char name[CONFIG_HOST_MAX], issuer[128], more[64];

	buf[0] = '\0';
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(buf, cap, ", expired on %s (valid from %s)",
			 ci->not_after, ci->not_before);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(buf, cap, ", valid only from %s (until %s)",
			 ci->not_before, ci->not_after);
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		escape_str(name, sizeof(name), t->name);
		snprintf(buf, cap, ": checked %s, the certificate is for %s",
			 name, ci->sans[0] ? ci->sans : "no DNS or IP names");
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		snprintf(buf, cap, ": it signed itself, no CA vouches for it");
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		snprintf(buf, cap, ": this root is not trusted here");
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		short_subject(ci->issuer, issuer, sizeof(issuer));
		snprintf(buf, cap, ": its issuer %s was not sent and is not "
			 "trusted here%s", issuer, leaf_only ? " (the server "
			 "sent only its own certificate: a missing "
			 "intermediate?)" : "");
		break;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
		key_text(x, more, sizeof(more));
		snprintf(buf, cap, ": %s", more);
		break;
	case X509_V_ERR_CA_MD_TOO_WEAK:
		snprintf(buf, cap, ": signed with %s",
			 OBJ_nid2ln(X509_get_signature_nid(x)));
		break;
	default:
		break;
	}
}

/* Whether a and b say the same thing of one certificate (an issuer not
 * found, and so a signature that cannot be checked). */
static bool
same_problem(long a, long b)
{
	return a == b || (problem_rank(a) == 6 && problem_rank(b) == 6);
}

/* Add err at depth (for certificate x, NULL if none) to t's problems,
 * in order of importance; the same problem at the same depth once. */
static void
problem_add(struct tls_client *t, long err, int depth, X509 *x,
	    bool leaf_only)
{
	struct tls_problem *p;
	struct tls_cert_info ci;
	char who[160], words[320];
	int at;

	for (int i = 0; i < t->nproblems; i++)
		if (same_problem(t->problems[i].code, err) &&
		    t->problems[i].depth == depth)
			return;
	if (t->nproblems == TLS_PROBLEMS_MAX)
		return;
	at = t->nproblems;
	while (at > 0 && problem_rank(t->problems[at - 1].code) >
	       problem_rank(err))
		at--;
	memmove(&t->problems[at + 1], &t->problems[at],
		(size_t)(t->nproblems - at) * sizeof(t->problems[0]));
	t->nproblems++;
	p = &t->problems[at];
	p->code = err;
	p->depth = depth;
	if (x == NULL) {
		snprintf(p->text, sizeof(p->text), "%s (depth %d)",
			 X509_verify_cert_error_string(err), depth);
		return;
	}
	cert_info(x, &ci);
	short_subject(ci.subject, who, sizeof(who));
	problem_words(t, err, x, &ci, leaf_only, words, sizeof(words));
	snprintf(p->text, sizeof(p->text), "%s: %s (depth %d)%s",
		 X509_verify_cert_error_string(err), who, depth, words);
}

/* Verification callback of the second pass: note, go on. */
static int
collect_cb(int ok, X509_STORE_CTX *sctx)
{
	struct tls_client *t = X509_STORE_CTX_get_ex_data(sctx, 0);
	STACK_OF(X509) *sk;

	if (ok || t == NULL)
		return 1;
	sk = SSL_get_peer_cert_chain(t->ssl);
	problem_add(t, X509_STORE_CTX_get_error(sctx),
		    X509_STORE_CTX_get_error_depth(sctx),
		    X509_STORE_CTX_get_current_cert(sctx),
		    sk != NULL && sk_X509_num(sk) == 1);
	return 1;
}

/* The handshake stops at the first problem: verify the chain the
 * server sent once more, with the same trust, name and settings, going
 * on past each problem to name them all. */
static void
collect_problems(struct tls_client *t)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(t->ssl);
	X509_STORE_CTX *c;
	X509_VERIFY_PARAM *vp;

	t->nproblems = 0;
	if (sk == NULL || sk_X509_num(sk) == 0)
		return;
	c = X509_STORE_CTX_new();
	if (c == NULL)
		return;
	if (X509_STORE_CTX_init(c, SSL_CTX_get_cert_store(t->ctx),
				sk_X509_value(sk, 0), sk) == 1) {
		X509_STORE_CTX_set_default(c, "ssl_server");
		vp = X509_STORE_CTX_get0_param(c);
		X509_VERIFY_PARAM_set1(vp, SSL_get0_param(t->ssl));
		X509_VERIFY_PARAM_set_auth_level(vp,
			SSL_get_security_level(t->ssl));
		X509_STORE_CTX_set_ex_data(c, 0, t);
		X509_STORE_CTX_set_verify_cb(c, collect_cb);
		(void)X509_verify_cert(c);
	}
	X509_STORE_CTX_free(c);
	ERR_clear_error();
	/* Whatever the second pass found, the first error is there. */
	if (t->first_error != X509_V_OK)
		problem_add(t, t->first_error, t->first_error_depth, NULL,
			    false);
}

/* The names the server's certificate holds, for a mismatch message. */
static void
leaf_names(const struct tls_client *t, char *buf, size_t cap)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(t->ssl);
	X509 *leaf = sk != NULL && sk_X509_num(sk) > 0 ?
		     sk_X509_value(sk, 0) : NULL;
	char subj[256];

	snprintf(buf, cap, "(no certificate)");
	if (leaf == NULL)
		return;
	sans_text(leaf, buf, cap);
	if (buf[0] != '\0')
		return;
	name_text(X509_get_subject_name(leaf), subj, sizeof(subj));
	snprintf(buf, cap, "no DNS or IP names, subject %s", subj);
}

static int
verify_failure(struct tls_client *t, enum phase p, struct failure *f)
{
	long e = t->nproblems > 0 ? t->problems[0].code : t->first_error;
	int depth = t->nproblems > 0 ? t->problems[0].depth :
		    t->first_error_depth;
	const char *why = X509_verify_cert_error_string(e);
	char names[320], others[64] = "";
	char shown[CONFIG_HOST_MAX];

	if (t->nproblems > 1)
		snprintf(others, sizeof(others), " (and %d more problem%s, "
			 "see TLS)", t->nproblems - 1,
			 t->nproblems > 2 ? "s" : "");
	if (is_name_mismatch(e)) {
		leaf_names(t, names, sizeof(names));
		escape_str(shown, sizeof(shown), t->name);
		fail_set_reason(f, p, FAIL_TLS_VERIFY, tls_verify_reason(e),
				"certificate verify failed: %s (depth %d): "
				"checked %s, the certificate is for %s%s", why,
				depth, shown, names, others);
		fail_fact(f->cert_names, sizeof(f->cert_names), names);
	} else {
		fail_set_reason(f, p, FAIL_TLS_VERIFY, tls_verify_reason(e),
				"certificate verify failed: %s%s",
				t->nproblems > 0 ? t->problems[0].text : why,
				others);
	}
	for (size_t i = 0; i < sizeof(verify_hints) / sizeof(verify_hints[0]);
	     i++)
		if (verify_hints[i].err == e)
			fail_hint(f, "%s", verify_hints[i].hint);
	return -1;
}

static bool
is_unexpected_eof(unsigned long code)
{
	return ERR_GET_LIB(code) == ERR_LIB_SSL &&
	       ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

static bool
wants_io(int ssl_err)
{
	return ssl_err == SSL_ERROR_WANT_READ ||
	       ssl_err == SSL_ERROR_WANT_WRITE;
}

enum tls_op {
	OP_HANDSHAKE,
	OP_READ,
	OP_WRITE
};

static const struct {
	const char *name;	/* "<name> failed: <reason>" */
	const char *when;	/* "server closed the connection<when>" */
	const char *waiting;	/* what a wait in it is called */
} tls_ops[] = {
	[OP_HANDSHAKE] = { "TLS handshake", " during the TLS handshake",
			   "during the TLS handshake" },
	[OP_READ] = { "TLS read", "", "waiting for the server" },
	[OP_WRITE] = { "TLS write", " while data was being sent",
		       "sending to the server" },
};

/* A failed SSL_* call other than a wait: classify and fill *f. */
static int
io_failure(struct tls_client *t, int ssl_err, int saved_errno,
	   enum phase p, enum tls_op op, struct failure *f)
{
	const char *when = tls_ops[op].when;
	enum fail_reason closed = op == OP_HANDSHAKE ?
				  FAIL_R_CLOSED_IN_HANDSHAKE :
				  FAIL_R_SERVER_CLOSED;
	char why[256], chosen[40];
	unsigned long code;

	t->broken = ssl_err != SSL_ERROR_ZERO_RETURN;
	ssl_reason(why, sizeof(why), &code);
	if (ssl_err == SSL_ERROR_ZERO_RETURN) {
		fail_set_reason(f, p, FAIL_NETWORK, closed,
				"server closed the connection%s", when);
		return -1;
	}
	if (is_unexpected_eof(code) || (ssl_err == SSL_ERROR_SYSCALL &&
					code == 0 && saved_errno == 0)) {
		fail_set_reason(f, p, FAIL_NETWORK, closed,
				"server closed the connection%s (no TLS "
				"close_notify)", when);
		return -1;
	}
	if (ssl_err == SSL_ERROR_SYSCALL) {
		if (code == 0)
			errno_text(saved_errno, why, sizeof(why));
		if (code == 0 && (saved_errno == EPIPE ||
				  saved_errno == ECONNRESET))
			fail_set_reason(f, p, FAIL_NETWORK, closed,
					"server closed the connection%s (%s)",
					when, why);
		else
			fail_set(f, p, FAIL_NETWORK, "%s failed: %s",
				 tls_ops[op].name, why);
		return -1;
	}
	hello_text(t, code, chosen, sizeof(chosen));
	fail_set(f, p, FAIL_TLS_HANDSHAKE, "%s failed: %s%s",
		 tls_ops[op].name, why, chosen);
	fail_fact(f->tls_chosen, sizeof(f->tls_chosen),
		  chosen_version(t, code));
	for (size_t i = 0;
	     i < sizeof(handshake_hints) / sizeof(handshake_hints[0]); i++) {
		if (ERR_GET_LIB(code) != ERR_LIB_SSL ||
		    handshake_hints[i].ssl_reason != ERR_GET_REASON(code))
			continue;
		f->reason = handshake_hints[i].reason;
		if (handshake_hints[i].hint != NULL)
			fail_hint(f, "%s", handshake_hints[i].hint);
	}
	return -1;
}

/* After SSL_read_ex or SSL_write_ex failed (saved: errno just after
 * it): 0 once the socket is ready to try again, -1 with *f filled when
 * the call failed or the wait ended. */
static int
io_retry(struct tls_client *t, enum tls_op op, int saved, int64_t start,
	 int64_t deadline_ms, int cancel_fd, enum phase p, struct failure *f)
{
	int err = SSL_get_error(t->ssl, 0);

	if (!wants_io(err))
		return io_failure(t, err, saved, p, op, f);
	return wait_io(t, err, deadline_ms, cancel_fd, start, p,
		       tls_ops[op].waiting, f);
}

int
tls_handshake(struct tls_client *t, int fd, int64_t deadline_ms,
	      int cancel_fd, enum phase p, struct failure *f)
{
	int64_t start = clock_ms();

	if (t->fd >= 0) {
		fail_set(f, p, FAIL_INTERNAL, "TLS handshake started twice");
		return -1;
	}
	if (SSL_set_fd(t->ssl, fd) != 1) {
		fail_set(f, p, FAIL_INTERNAL,
			 "cannot start TLS on the socket");
		ERR_clear_error();
		return -1;
	}
	t->fd = fd;
	for (;;) {
		int rc, err, saved;

		ERR_clear_error();
		errno = 0;
		rc = SSL_connect(t->ssl);
		saved = errno;
		if (rc == 1) {
			t->established = true;
			if (t->first_error != X509_V_OK)
				collect_problems(t);
			if (t->verify_enabled && t->first_error != X509_V_OK)
				return verify_failure(t, p, f);
			return 0;
		}
		err = SSL_get_error(t->ssl, rc);
		if (wants_io(err)) {
			if (wait_io(t, err, deadline_ms, cancel_fd, start, p,
				    tls_ops[OP_HANDSHAKE].waiting, f) != 0)
				return -1;
			continue;
		}
		if (t->first_error == X509_V_OK &&
		    SSL_get_verify_result(t->ssl) != X509_V_OK)
			t->first_error = SSL_get_verify_result(t->ssl);
		if (t->verify_enabled && t->first_error != X509_V_OK) {
			t->broken = true;
			ERR_clear_error();
			collect_problems(t);
			return verify_failure(t, p, f);
		}
		return io_failure(t, err, saved, p, OP_HANDSHAKE, f);
	}
}

void
tls_client_trust_keys(struct tls_client *t, const char *const *keys, int n)
{
	t->n_keys = 0;
	for (int i = 0; i < n && t->n_keys < TLS_KEYS_MAX; i++)
		snprintf(t->keys[t->n_keys++], TLS_SPKI_B64_MAX, "%s",
			 keys[i]);
}

bool
tls_established(const struct tls_client *t)
{
	return t != NULL && t->established && !t->broken;
}

static int
check_ready(const struct tls_client *t, enum phase p, struct failure *f)
{
	if (t->established && !t->broken && !t->shut)
		return 0;
	fail_set(f, p, FAIL_INTERNAL, "no usable TLS connection");
	return -1;
}

int
tls_read(struct tls_client *t, void *buf, size_t cap, size_t *got,
	 int64_t deadline_ms, int cancel_fd, enum phase p, struct failure *f)
{
	int64_t start = clock_ms();

	*got = 0;
	if (check_ready(t, p, f) != 0)
		return -1;
	if (cap == 0) {
		fail_set(f, p, FAIL_INTERNAL, "no room to read into");
		return -1;
	}
	for (;;) {
		size_t n = 0;

		ERR_clear_error();
		errno = 0;
		if (SSL_read_ex(t->ssl, buf, cap, &n) == 1) {
			*got = n;
			return 0;
		}
		if (io_retry(t, OP_READ, errno, start, deadline_ms, cancel_fd,
			     p, f) != 0)
			return -1;
	}
}

int
tls_write_all(struct tls_client *t, const void *buf, size_t len,
	      int64_t deadline_ms, int cancel_fd, enum phase p,
	      struct failure *f)
{
	const unsigned char *b = buf;
	int64_t start = clock_ms();
	size_t off = 0;

	if (check_ready(t, p, f) != 0)
		return -1;
	while (off < len) {
		size_t n = 0;

		ERR_clear_error();
		errno = 0;
		if (SSL_write_ex(t->ssl, b + off, len - off, &n) == 1) {
			off += n;
			continue;
		}
		if (io_retry(t, OP_WRITE, errno, start, deadline_ms,
			     cancel_fd, p, f) != 0)
			return -1;
	}
	return 0;
}

size_t
tls_pending(const struct tls_client *t)
{
	int n = t->established ? SSL_pending(t->ssl) : 0;

	return n > 0 ? (size_t)n : 0;
}

int
tls_channel_binding(const struct tls_client *t, unsigned char *buf,
		    size_t cap, size_t *len, const char **type)
{
	static const char label[] = "EXPORTER-Channel-Binding";
	size_t n;

	if (t == NULL || !t->established)
		return -1;
	if (SSL_version(t->ssl) >= TLS1_3_VERSION) {
		/* RFC 9266: 32 bytes, no context. */
		if (cap < 32 || SSL_export_keying_material(t->ssl, buf, 32,
		    label, sizeof(label) - 1, NULL, 0, 0) != 1)
			return -1;
		*len = 32;
		*type = "tls-exporter";
		return 0;
	}
	/* RFC 5929: the first Finished message of the handshake, the
	 * client's on a new session (no resumption here). */
	n = SSL_session_reused(t->ssl) ? SSL_get_peer_finished(t->ssl, buf,
							       cap)
				       : SSL_get_finished(t->ssl, buf, cap);
	if (n == 0 || n > cap)
		return -1;
	*len = n;
	*type = "tls-unique";
	return 0;
}

void
tls_shutdown(struct tls_client *t)
{
	if (t == NULL || !t->established || t->broken || t->shut)
		return;
	t->shut = true;
	ERR_clear_error();
	SSL_shutdown(t->ssl);
	ERR_clear_error();
}

/* ---------------------------------------------------------------- */
/* Summary                                                          */

static void
summary_chain(const struct tls_client *t, struct tls_summary *out)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(t->ssl);
	STACK_OF(X509) *vc = SSL_get0_verified_chain(t->ssl);

	out->chain_sent = sk != NULL ? sk_X509_num(sk) : 0;
	out->chain_len = out->chain_sent < TLS_CHAIN_MAX ?
			 out->chain_sent : TLS_CHAIN_MAX;
	ERR_set_mark();
	for (int i = 0; i < out->chain_len; i++)
		cert_info(sk_X509_value(sk, i), &out->chain[i]);
	ERR_pop_to_mark();
	out->verified_chain_len = vc != NULL ? sk_X509_num(vc) : 0;
}

/* Whether store s holds certificate x. */
static bool
store_holds(X509_STORE *s, X509 *x)
{
	X509_STORE_CTX *c;
	X509_OBJECT *o = NULL;
	bool found = false;

	if (s == NULL || x == NULL)
		return false;
	c = X509_STORE_CTX_new();
	if (c == NULL)
		return false;
	if (X509_STORE_CTX_init(c, s, NULL, NULL) == 1)
		o = X509_STORE_CTX_get_obj_by_subject(
			c, X509_LU_X509, X509_get_subject_name(x));
	if (o != NULL)
		found = X509_cmp(X509_OBJECT_get0_X509(o), x) == 0;
	X509_OBJECT_free(o);
	X509_STORE_CTX_free(c);
	ERR_clear_error();
	return found;
}

/* "--ca-file PATH" (path escaped) into out. */
static void
trust_name(char *out, size_t cap, const char *option, const char *path)
{
	size_t n = (size_t)snprintf(out, cap, "%s ", option);

	if (n < cap)
		escape_str(out + n, cap - n, path);
}

/* Where trust came from: the store that holds the verified chain's
 * anchor; or, when not verified, the stores that were searched. */
static void
summary_trust(const struct tls_client *t, struct tls_summary *out)
{
	STACK_OF(X509) *vc = SSL_get0_verified_chain(t->ssl);
	X509 *anchor = vc != NULL && sk_X509_num(vc) > 0 ?
		       sk_X509_value(vc, sk_X509_num(vc) - 1) : NULL;
	char file[CONFIG_PATH_MAX + 16], dir[CONFIG_PATH_MAX + 16];

	trust_name(file, sizeof(file), "--ca-file", t->ca_file);
	trust_name(dir, sizeof(dir), "--ca-dir", t->ca_dir);
	if (!t->verify_enabled)
		snprintf(out->trust, sizeof(out->trust), "none (--insecure)");
	else if (out->verified && store_holds(t->own_file, anchor))
		snprintf(out->trust, sizeof(out->trust), "%s", file);
	else if (out->verified && store_holds(t->own_dir, anchor))
		snprintf(out->trust, sizeof(out->trust), "%s", dir);
	else if (out->verified)
		snprintf(out->trust, sizeof(out->trust), "the system store");
	else
		snprintf(out->trust, sizeof(out->trust), "none of %s%s%s%s"
			 "the system store", t->own_file ? file : "",
			 t->own_file ? ", " : "", t->own_dir ? dir : "",
			 t->own_dir ? ", " : "");
}

void
tls_get_summary(const struct tls_client *t, struct tls_summary *out)
{
	const SSL_CIPHER *c;
	long vr;

	memset(out, 0, sizeof(*out));
	out->verify_enabled = t->verify_enabled;
	out->verify_error_depth = -1;
	escape_str(out->expected_name, sizeof(out->expected_name), t->name);
	if (t->sni_sent) {
		out->sni_sent = true;
		escape_str(out->sni, sizeof(out->sni), t->name);
	}
	c = SSL_get_current_cipher(t->ssl);
	if (c != NULL) {
		snprintf(out->cipher, sizeof(out->cipher), "%s",
			 SSL_CIPHER_get_name(c));
		snprintf(out->version, sizeof(out->version), "%s",
			 SSL_get_version(t->ssl));
	}
	summary_chain(t, out);
	vr = SSL_get_verify_result(t->ssl);
	out->verify_error = t->first_error != X509_V_OK ? t->first_error : vr;
	memcpy(out->problems, t->problems, sizeof(out->problems));
	out->nproblems = t->nproblems;
	if (out->nproblems > 0)
		out->verify_error = out->problems[0].code;
	if (out->verify_error != X509_V_OK) {
		out->verify_error_depth = out->nproblems > 0 ?
					  out->problems[0].depth :
					  t->first_error_depth;
		snprintf(out->verify_error_text,
			 sizeof(out->verify_error_text), "%s",
			 X509_verify_cert_error_string(out->verify_error));
	}
	out->verified = out->chain_sent > 0 && t->leaf_ok &&
			out->verify_error == X509_V_OK;
	if (t->established)
		tlsinfo_fill(t->ssl, &out->details);
	else
		out->details.forward_secrecy = -1;
	summary_trust(t, out);
}

int
tls_chain_pem(const struct tls_client *t, char **pem_out, size_t *len_out)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(t->ssl);
	BIO *b;
	char *data = NULL;
	long n;
	int rc = -1;

	*pem_out = NULL;
	*len_out = 0;
	if (sk == NULL || sk_X509_num(sk) == 0)
		return -1;
	b = BIO_new(BIO_s_mem());
	if (b == NULL)
		return -1;
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (PEM_write_bio_X509(b, sk_X509_value(sk, i)) != 1)
			goto out;
	n = BIO_get_mem_data(b, &data);
	if (n <= 0 || data == NULL)
		goto out;
	*pem_out = malloc((size_t)n + 1);
	if (*pem_out == NULL)
		goto out;
	memcpy(*pem_out, data, (size_t)n);
	(*pem_out)[n] = '\0';
	*len_out = (size_t)n;
	rc = 0;
out:
	BIO_free(b);
	ERR_clear_error();
	return rc;
}
