/* check_tls.c - the TLS client against an in-process TLS server on a
 * socketpair, with certificates made by certgen. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "certgen.h"
#include "check_units.h"
#include "clock.h"
#include "config.h"
#include "diag.h"
#include "fail.h"
#include "options.h"
#include "tls.h"
#include "truststore.h"


#define DAY (24L * 3600)

/* The directory of certificates, made once per test case by pki_setup
 * in the runner's process, so that it goes away even when a forked test
 * fails.  Tests read it (test_rsa_leaf adds a file). */
static char pki_dir[64];

/* ---- helpers ------------------------------------------------------ */

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		continue;
}

/* dir/name into buf; name NULL gives "". */
static void
pki_path(char *buf, size_t cap, const char *name)
{
	buf[0] = '\0';
	if (name != NULL)
		ck_assert_int_eq(certgen_path(buf, cap, pki_dir, name), 0);
}

static void
write_text(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	pki_path(path, sizeof(path), name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Make a leaf signed by issuer (self-signed if NULL) and write
 * <base>.pem, <base>.key and <base>-chain.pem (leaf, then issuer). */
static struct certgen_cert *
make_leaf(const struct certgen_spec *s, const struct certgen_cert *issuer,
	  const char *base)
{
	struct certgen_cert *c = certgen_make(s, issuer);
	const struct certgen_cert *chain[2] = { c, issuer };
	char name[64];

	ck_assert_ptr_nonnull(c);
	snprintf(name, sizeof(name), "%s.pem", base);
	ck_assert_int_eq(certgen_write_cert(c, pki_dir, name), 0);
	snprintf(name, sizeof(name), "%s.key", base);
	ck_assert_int_eq(certgen_write_key(c, pki_dir, name, NULL), 0);
	snprintf(name, sizeof(name), "%s-chain.pem", base);
	ck_assert_int_eq(certgen_write_chain(chain, issuer != NULL ? 2 : 1,
					     pki_dir, name), 0);
	return c;
}

static void
spec_leaf(struct certgen_spec *s, const char *cn)
{
	static const char *const dns[] = { "localhost", NULL };
	static const char *const ips[] = { "127.0.0.1", "::1", NULL };

	certgen_spec_init(s, cn);
	s->dns = dns;
	s->ips = ips;
}

static void
make_clients(const struct certgen_cert *mid)
{
	struct certgen_spec s;
	struct certgen_cert *c;
	const struct certgen_cert *chain[2];

	certgen_spec_init(&s, "imapconn client");
	c = certgen_make(&s, mid);
	ck_assert_ptr_nonnull(c);
	chain[0] = c;
	chain[1] = mid;
	ck_assert_int_eq(certgen_write_chain(chain, 2, pki_dir,
					     "client-chain.pem"), 0);
	ck_assert_int_eq(certgen_write_key(c, pki_dir, "client.key",
					   "sesame"), 0);
	ck_assert_int_eq(certgen_write_both(c, pki_dir, "client-both.pem"),
			 0);
	certgen_free(c);
	write_text("client.pass", "sesame\nsecond line\n");
	write_text("bad.key", "-----BEGIN PRIVATE KEY-----\nnot a key\n"
		   "-----END PRIVATE KEY-----\n");
}

/* Point OpenSSL's default store at an empty file and directory, so that
 * what this machine trusts cannot change a result (and loading it does
 * not slow every test down).  The "system store" cases undo it. */
static void
hide_system_store(void)
{
	char path[256];

	pki_path(path, sizeof(path), "empty-store.pem");
	ck_assert_int_eq(setenv("SSL_CERT_FILE", path, 1), 0);
	ck_assert_int_eq(setenv("SSL_CERT_DIR", pki_dir, 1), 0);
}

static void
use_system_store(void)
{
	ck_assert_int_eq(unsetenv("SSL_CERT_FILE"), 0);
	ck_assert_int_eq(unsetenv("SSL_CERT_DIR"), 0);
}

/* Files in pki_dir:
 *   ca.pem                  root CA (the --ca-file)
 *   leaf*, expired*, future*, wild*, revoked*, ctrl*   signed by the
 *                           intermediate; *-chain.pem = leaf + it
 *   self*                   self-signed leaf
 *   crl.pem                 the intermediate's CRL revoking "revoked"
 *   client-chain.pem, client.key (password "sesame"), client.pass,
 *   client-both.pem, bad.key, empty-store.pem */
static void
pki_setup(void)
{
	static const char *const wild[] = { "*.example.com",
					    "imap*.example.net", NULL };
	static const char *const ctrl[] = { "bad\x1b[31m.example",
					    "localhost", NULL };
	struct certgen_spec s;
	struct certgen_cert *root, *mid, *revoked;
	const struct certgen_cert *rl[1];

	snprintf(pki_dir, sizeof(pki_dir), "/tmp/check_tls-XXXXXX");
	ck_assert_int_eq(certgen_mkdtemp(pki_dir), 0);
	write_text("empty-store.pem", "");
	certgen_spec_init(&s, "Test Root CA");
	s.org = "imapconn tests";
	s.ca = true;
	root = certgen_make(&s, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(certgen_write_cert(root, pki_dir, "ca.pem"), 0);
	certgen_spec_init(&s, "Test Intermediate CA");
	s.ca = true;
	s.path_len = 0;
	mid = certgen_make(&s, root);
	ck_assert_ptr_nonnull(mid);

	spec_leaf(&s, "localhost");
	certgen_free(make_leaf(&s, mid, "leaf"));
	s.not_before = -30 * DAY;
	s.not_after = -DAY;
	certgen_free(make_leaf(&s, mid, "expired"));
	s.not_before = DAY;
	s.not_after = 30 * DAY;
	certgen_free(make_leaf(&s, mid, "future"));
	spec_leaf(&s, "localhost");
	certgen_free(make_leaf(&s, NULL, "self"));
	revoked = make_leaf(&s, mid, "revoked");
	rl[0] = revoked;
	ck_assert_int_eq(certgen_write_crl(mid, rl, 1, pki_dir, "crl.pem"),
			 0);
	certgen_free(revoked);
	certgen_spec_init(&s, "wildcards");
	s.dns = wild;
	certgen_free(make_leaf(&s, mid, "wild"));
	certgen_spec_init(&s, "evil\x1b]0;owned\x07name");
	s.dns = ctrl;
	certgen_free(make_leaf(&s, mid, "ctrl"));
	make_clients(mid);
	certgen_free(mid);
	certgen_free(root);
}

static void
pki_teardown(void)
{
	ck_assert_int_eq(certgen_rmdir(pki_dir), 0);
}

/* Before each test, in its own process. */
static void
test_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	hide_system_store();
}

/* ---- the in-process server ---------------------------------------- */

enum srv_script {
	SRV_HANDSHAKE = 0,	/* accept, then wait for the client to go */
	SRV_ECHO,		/* accept, echo one chunk, then see below */
	SRV_BINDING		/* accept, keep the channel binding */
};

struct srv {
	SSL_CTX *ctx;
	int fd;			/* the server's end */
	enum srv_script script;
	pthread_t th;
	bool running;
	/* results, read after srv_join */
	bool sni_called;
	bool sni_present;
	char sni[256];
	int accept_rc;
	bool client_cert;
	bool close_notify_seen;
	unsigned char binding[64];	/* as the server sees it */
	size_t binding_len;
};

static int
sni_cb(SSL *ssl, int *alert, void *arg)
{
	struct srv *s = arg;
	const char *n = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	s->sni_called = true;
	if (n != NULL) {
		s->sni_present = true;
		snprintf(s->sni, sizeof(s->sni), "%s", n);
	}
	return SSL_TLSEXT_ERR_OK;
}

/* Echo the first chunk as "* echo <chunk>* second\r\n" in one record.
 * Then "BYE" makes the server close (close_notify and shutdown); a
 * close_notify from the client is recorded and answered. */
static void
srv_echo(struct srv *s, SSL *ssl)
{
	char buf[256], out[300];
	size_t n = 0, w;

	if (SSL_read_ex(ssl, buf, sizeof(buf) - 1, &n) != 1)
		return;
	buf[n] = '\0';
	snprintf(out, sizeof(out), "* echo %s* second\r\n", buf);
	if (SSL_write_ex(ssl, out, strlen(out), &w) != 1)
		return;
	if (SSL_read_ex(ssl, buf, sizeof(buf) - 1, &n) == 1) {
		SSL_shutdown(ssl);
		shutdown(s->fd, SHUT_RDWR);
		return;
	}
	if (SSL_get_error(ssl, 0) == SSL_ERROR_ZERO_RETURN) {
		s->close_notify_seen = true;
		SSL_shutdown(ssl);
	}
}

/* The channel binding on the server's side: RFC 9266's exporter under
 * TLS 1.3, the client's Finished (RFC 5929 tls-unique) under 1.2. */
static void
srv_binding(struct srv *s, SSL *ssl)
{
	static const char label[] = "EXPORTER-Channel-Binding";

	if (SSL_version(ssl) >= TLS1_3_VERSION) {
		if (SSL_export_keying_material(ssl, s->binding, 32, label,
					       sizeof(label) - 1, NULL, 0, 0)
		    == 1)
			s->binding_len = 32;
		return;
	}
	s->binding_len = SSL_get_peer_finished(ssl, s->binding,
					       sizeof(s->binding));
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;
	SSL *ssl = SSL_new(s->ctx);
	char c;

	if (ssl == NULL || SSL_set_fd(ssl, s->fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	s->accept_rc = SSL_accept(ssl);
	if (s->accept_rc == 1) {
		s->client_cert = SSL_get0_peer_certificate(ssl) != NULL;
		if (s->script == SRV_BINDING)
			srv_binding(s, ssl);
		if (s->script == SRV_ECHO)
			srv_echo(s, ssl);
		else
			while (read(s->fd, &c, 1) > 0)
				continue;
	}
	SSL_free(ssl);
	ERR_clear_error();
	return NULL;
}

/* A server context with the chain and key files (names in pki_dir);
 * TLS 1.3 only when tls13; client certificates required when
 * want_client. */
static void
srv_init(struct srv *s, const char *chain, const char *key, bool tls13,
	 bool want_client)
{
	char cp[256], kp[256], ca[256];

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	pki_path(cp, sizeof(cp), chain);
	pki_path(kp, sizeof(kp), key);
	pki_path(ca, sizeof(ca), "ca.pem");
	s->ctx = SSL_CTX_new(TLS_server_method());
	ck_assert_ptr_nonnull(s->ctx);
	ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(s->ctx, cp), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(s->ctx, kp,
						     SSL_FILETYPE_PEM), 1);
	SSL_CTX_set_tlsext_servername_callback(s->ctx, sni_cb);
	SSL_CTX_set_tlsext_servername_arg(s->ctx, s);
	if (tls13)
		SSL_CTX_set_min_proto_version(s->ctx, TLS1_3_VERSION);
	if (want_client) {
		ck_assert_int_eq(SSL_CTX_load_verify_file(s->ctx, ca), 1);
		SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER |
				   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
}

static void
srv_start(struct srv *s, int fd)
{
	s->fd = fd;
	ck_assert_int_eq(pthread_create(&s->th, NULL, srv_main, s), 0);
	s->running = true;
}

static void
srv_join(struct srv *s)
{
	if (s->running)
		pthread_join(s->th, NULL);
	s->running = false;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	SSL_CTX_free(s->ctx);
	s->ctx = NULL;
}

/* A connected socketpair: [0] the client's (non-blocking), [1] the
 * server's. */
static void
pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL,
			       fcntl(sv[0], F_GETFL) | O_NONBLOCK), 0);
}

/* ---- one client connection ---------------------------------------- */

struct run {
	struct tls_opts o;
	const char *host;
	enum addr_kind kind;
	struct srv srv;
	int cfd;
	struct tls_client *t;
	int rc;
	struct failure f;
	struct tls_summary sum;
};

/* Options with the test CA as ca_file. */
static void
run_init(struct run *r, const char *host, enum addr_kind kind)
{
	memset(r, 0, sizeof(*r));
	tls_opts_init(&r->o);
	pki_path(r->o.ca_file, sizeof(r->o.ca_file), "ca.pem");
	r->host = host;
	r->kind = kind;
	r->cfd = -1;
}

/* Start the server (already srv_init'ed) and do the handshake; the
 * summary is taken whatever the outcome. */
static void
run_handshake(struct run *r)
{
	int sv[2];

	pair(sv);
	r->cfd = sv[0];
	srv_start(&r->srv, sv[1]);
	r->t = tls_client_new(&r->o, r->host, r->kind, &r->f);
	ck_assert_msg(r->t != NULL, "tls_client_new: %s", r->f.detail);
	r->rc = tls_handshake(r->t, r->cfd, clock_deadline(10), -1,
			      PHASE_TLS, &r->f);
	tls_get_summary(r->t, &r->sum);
}

static void
run_finish(struct run *r)
{
	tls_client_free(r->t);
	r->t = NULL;
	if (r->cfd >= 0)
		close(r->cfd);
	r->cfd = -1;
	srv_join(&r->srv);
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return true;
	return false;
}

/* ---- handshake outcomes, table-driven ------------------------------ */

struct hs_case {
	const char *name;
	const char *chain;		/* what the server sends */
	const char *key;
	const char *host;
	enum addr_kind kind;
	const char *server_name;
	const char *ca;			/* ca_file other than ca.pem */
	bool no_ca;			/* no ca_file */
	bool system_store;		/* this machine's default store */
	bool insecure;
	bool depth0;			/* verify_depth 0 */
	const char *crl;
	enum tls_version cmin, cmax;
	bool srv13;			/* server: TLS 1.3 only */
	bool srv_old;			/* server: TLS 1.0 up, level 0 */
	enum fail_class want;		/* FAIL_NONE: success */
	const char *text;		/* in the detail (or, on success, in
					 * verify_error_text); NULL: any */
	const char *text_alt;		/* or this */
	const char *text2;		/* also in the detail */
	int depth;			/* verify_error_depth; -2: any */
	int chain_len;			/* 0: any */
	const char *version;		/* NULL: any */
	bool verified;
	const char *sni;		/* SNI the server saw; NULL: none */
	enum fail_reason reason;	/* of the failure */
	const char *hint;		/* in the hint diag gives it */
};

static const struct hs_case hs_cases[] = {
	{ .name = "verified", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "localhost", .want = FAIL_NONE, .depth = -1,
	  .chain_len = 2, .version = "TLSv1.3", .verified = true,
	  .sni = "localhost" },
	{ .name = "no CA", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "localhost", .no_ca = true, .want = FAIL_TLS_VERIFY,
	  .text = "unable to get local issuer certificate",
	  .text_alt = "self-signed certificate in certificate chain",
	  .depth = 1, .chain_len = 2, .sni = "localhost" },
	{ .name = "no CA, system store", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .no_ca = true,
	  .system_store = true, .want = FAIL_TLS_VERIFY,
	  .text = "unable to get local issuer certificate", .depth = 1,
	  .chain_len = 2, .sni = "localhost" ,
	  .reason = FAIL_R_CERT_UNKNOWN_ISSUER, .hint = NULL },
	{ .name = "CA file and system store", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .system_store = true,
	  .want = FAIL_NONE, .depth = -1, .chain_len = 2, .verified = true,
	  .sni = "localhost" },
	{ .name = "wrong name", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "wrong.example", .want = FAIL_TLS_VERIFY,
	  .text = "hostname mismatch", .text2 = "DNS:localhost, IP:127.0.0.1",
	  .depth = 0, .chain_len = 2, .sni = "wrong.example" ,
	  .reason = FAIL_R_CERT_NAME_MISMATCH,
	  .hint = "the certificate is for localhost, 127.0.0.1, ::1, not "
	  "wrong.example" },
	{ .name = "IPv4 literal", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "127.0.0.1", .kind = ADDR_IPV4, .want = FAIL_NONE,
	  .depth = -1, .chain_len = 2, .verified = true, .sni = NULL },
	{ .name = "IPv6 literal", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "::1", .kind = ADDR_IPV6, .want = FAIL_NONE, .depth = -1,
	  .verified = true, .sni = NULL },
	{ .name = "wrong IP", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "10.9.8.7", .kind = ADDR_IPV4, .want = FAIL_TLS_VERIFY,
	  .text = "IP address mismatch", .text2 = "IP:127.0.0.1",
	  .depth = 0, .sni = NULL ,
	  .reason = FAIL_R_CERT_NAME_MISMATCH, .hint = "not 10.9.8.7" },
	{ .name = "server name", .chain = "leaf-chain.pem", .key = "leaf.key",
	  .host = "127.0.0.1", .kind = ADDR_IPV4, .server_name = "localhost",
	  .want = FAIL_NONE, .depth = -1, .verified = true,
	  .sni = "localhost" },
	{ .name = "expired", .chain = "expired-chain.pem",
	  .key = "expired.key", .host = "localhost", .want = FAIL_TLS_VERIFY,
	  .text = "certificate has expired", .depth = 0, .chain_len = 2,
	  .sni = "localhost" ,
	  .reason = FAIL_R_CERT_EXPIRED, .hint = "the server must renew it" },
	{ .name = "not yet valid", .chain = "future-chain.pem",
	  .key = "future.key", .host = "localhost", .want = FAIL_TLS_VERIFY,
	  .text = "certificate is not yet valid", .depth = 0,
	  .sni = "localhost" ,
	  .reason = FAIL_R_CERT_NOT_YET_VALID, .hint = "is valid only from" },
	{ .name = "self-signed", .chain = "self.pem", .key = "self.key",
	  .host = "localhost", .want = FAIL_TLS_VERIFY,
	  .text = "self-signed certificate", .depth = 0, .chain_len = 1,
	  .sni = "localhost" ,
	  .reason = FAIL_R_CERT_SELF_SIGNED,
	  .hint = "is self-signed, not from a CA" },
	{ .name = "self-signed given as CA file", .chain = "self.pem",
	  .key = "self.key", .host = "localhost", .ca = "self.pem",
	  .want = FAIL_NONE, .depth = -1, .chain_len = 1, .verified = true,
	  .sni = "localhost" },
	{ .name = "insecure self-signed", .chain = "self.pem",
	  .key = "self.key", .host = "localhost", .insecure = true,
	  .want = FAIL_NONE, .text = "self-signed certificate", .depth = 0,
	  .chain_len = 1, .verified = false, .sni = "localhost" },
	{ .name = "insecure wrong name", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "wrong.example", .insecure = true,
	  .want = FAIL_NONE, .text = "hostname mismatch", .depth = 0,
	  .verified = false, .sni = "wrong.example" },
	{ .name = "missing intermediate", .chain = "leaf.pem",
	  .key = "leaf.key", .host = "localhost", .want = FAIL_TLS_VERIFY,
	  .text = "unable to get local issuer certificate", .depth = 0,
	  .chain_len = 1, .sni = "localhost" ,
	  .reason = FAIL_R_CERT_UNKNOWN_ISSUER,
	  .hint = "sent only its own certificate" },
	{ .name = "server 1.3, client max 1.2", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .cmax = TLSV_1_2,
	  .srv13 = true, .want = FAIL_TLS_HANDSHAKE, .depth = -2,
	  .text = "protocol version", .text_alt = "unsupported protocol",
	  .sni = "localhost" ,
	  .reason = FAIL_R_TLS_VERSION, .hint = NULL },
	{ .name = "client max 1.2", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .cmax = TLSV_1_2,
	  .want = FAIL_NONE, .depth = -1, .version = "TLSv1.2",
	  .verified = true, .sni = "localhost" },
	{ .name = "TLS 1.1 when asked for", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .cmin = TLSV_1_1,
	  .cmax = TLSV_1_1, .srv_old = true, .want = FAIL_NONE, .depth = -1,
	  .version = "TLSv1.1", .verified = true, .sni = "localhost" },
	{ .name = "max 1.1 lowers the minimum", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .cmax = TLSV_1_1,
	  .srv_old = true, .want = FAIL_NONE, .depth = -1,
	  .version = "TLSv1.1", .verified = true, .sni = "localhost" },
	{ .name = "TLS 1.1 server, default client", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .srv_old = true,
	  .want = FAIL_NONE, .depth = -1, .version = "TLSv1.3",
	  .verified = true, .sni = "localhost" },
	{ .name = "wildcard", .chain = "wild-chain.pem", .key = "wild.key",
	  .host = "imap.example.com", .want = FAIL_NONE, .depth = -1,
	  .verified = true, .sni = "imap.example.com" },
	{ .name = "no partial wildcard", .chain = "wild-chain.pem",
	  .key = "wild.key", .host = "imap1.example.net",
	  .want = FAIL_TLS_VERIFY, .text = "hostname mismatch",
	  .text2 = "DNS:imap*.example.net", .depth = 0,
	  .sni = "imap1.example.net" ,
	  .reason = FAIL_R_CERT_NAME_MISMATCH,
	  .hint = "imap*.example.net, not imap1.example.net" },
	{ .name = "trailing dot", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost.", .want = FAIL_NONE,
	  .depth = -1, .verified = true, .sni = "localhost" },
	{ .name = "revoked", .chain = "revoked-chain.pem",
	  .key = "revoked.key", .host = "localhost", .crl = "crl.pem",
	  .want = FAIL_TLS_VERIFY, .text = "certificate revoked", .depth = 0,
	  .sni = "localhost" ,
	  .reason = FAIL_R_CERT_REVOKED, .hint = "revoked by its CA" },
	{ .name = "CRL, not revoked", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .crl = "crl.pem",
	  .want = FAIL_NONE, .depth = -1, .verified = true,
	  .sni = "localhost" },
	{ .name = "verify depth 0", .chain = "leaf-chain.pem",
	  .key = "leaf.key", .host = "localhost", .depth0 = true,
	  .want = FAIL_TLS_VERIFY, .text = "certificate chain too long",
	  .depth = -2, .sni = "localhost" ,
	  .reason = FAIL_R_CERT_CHAIN_TOO_LONG, .hint = "--verify-depth" },
};

static void
check_failure(const struct hs_case *c, const struct run *r)
{
	ck_assert_msg(r->rc == -1, "%s: handshake succeeded", c->name);
	ck_assert_msg(r->f.cls == c->want, "%s: class %s, detail %s",
		      c->name, fail_class_name(r->f.cls), r->f.detail);
	ck_assert_int_eq(r->f.phase, PHASE_TLS);
	ck_assert_msg(r->f.detail[0] != '\0', "%s: empty detail", c->name);
	ck_assert_msg(c->text == NULL || strstr(r->f.detail, c->text) ||
		      (c->text_alt && strstr(r->f.detail, c->text_alt)),
		      "%s: detail \"%s\"", c->name, r->f.detail);
	ck_assert_msg(c->text2 == NULL || strstr(r->f.detail, c->text2),
		      "%s: detail \"%s\"", c->name, r->f.detail);
	if (c->want == FAIL_TLS_VERIFY) {
		ck_assert_int_ne(r->sum.verify_error, 0);
		ck_assert(!r->sum.verified);
		ck_assert_int_ge(r->sum.chain_len, 1);
		ck_assert_ptr_nonnull(strstr(r->f.detail,
					     r->sum.verify_error_text));
	}
}

/* The hint diag gives the failure f, under the options the run used. */
static void
hint_of(const struct run *r, const struct failure *f, bool summary,
	char *hint, size_t cap)
{
	struct options *o = calloc(1, sizeof(*o));
	struct diag_input in;
	struct failure g = *f;

	ck_assert_ptr_nonnull(o);
	snprintf(o->cfg.ep.host, sizeof(o->cfg.ep.host), "%s", r->host);
	o->cfg.ep.kind = r->kind;
	o->cfg.ep.ssl = true;
	o->cfg.ep.tls = r->o;
	o->cfg.timeout_s = 10;
	diag_input_init(&in, &o->cfg);
	in.tls = summary ? &r->sum : NULL;
	diag_explain(&g, &in);
	snprintf(hint, cap, "%s", g.hint);
	free(o);
}

/* The real failure has its reason, and its hint does not depend on
 * the words of its detail, with or without the TLS summary. */
static void
check_hint(const struct hs_case *c, const struct run *r)
{
	struct failure reworded = r->f;
	char first[FAIL_HINT_MAX], again[FAIL_HINT_MAX];

	if (c->reason != FAIL_R_NONE)
		ck_assert_msg(r->f.reason == c->reason, "%s: reason %s",
			      c->name, fail_reason_name(r->f.reason));
	snprintf(reworded.detail, sizeof(reworded.detail), "reworded");
	for (int summary = 0; summary < 2; summary++) {
		hint_of(r, &r->f, summary, first, sizeof(first));
		hint_of(r, &reworded, summary, again, sizeof(again));
		ck_assert_str_eq(again, first);
	}
	ck_assert_msg(c->hint == NULL || strstr(first, c->hint) != NULL,
		      "%s: hint \"%s\"", c->name, first);
}

static void
check_success(const struct hs_case *c, const struct run *r)
{
	ck_assert_msg(r->rc == 0, "%s: %s: %s", c->name,
		      fail_class_name(r->f.cls), r->f.detail);
	ck_assert_int_eq(r->sum.verified, c->verified);
	ck_assert_int_ne(r->sum.cipher[0], '\0');
	if (c->verified) {
		ck_assert_int_eq(r->sum.verify_error, 0);
		ck_assert_int_eq(r->sum.verified_chain_len,
				 c->ca != NULL ? 1 : 3);
	} else {
		ck_assert_int_ne(r->sum.verify_error, 0);
	}
	ck_assert_msg(c->text == NULL ||
		      strstr(r->sum.verify_error_text, c->text) != NULL,
		      "%s: verify error \"%s\"", c->name,
		      r->sum.verify_error_text);
}

START_TEST(test_handshake_table)
{
	const struct hs_case *c = &hs_cases[_i];
	struct run r;
	char crl[256];

	run_init(&r, c->host, c->kind);
	if (c->no_ca)
		r.o.ca_file[0] = '\0';
	if (c->ca != NULL)
		pki_path(r.o.ca_file, sizeof(r.o.ca_file), c->ca);
	if (c->system_store)
		use_system_store();
	r.o.verify = !c->insecure;
	r.o.min_version = c->cmin;
	r.o.max_version = c->cmax;
	if (c->depth0)
		r.o.verify_depth = 0;
	if (c->server_name != NULL)
		snprintf(r.o.server_name, sizeof(r.o.server_name), "%s",
			 c->server_name);
	pki_path(crl, sizeof(crl), c->crl);
	snprintf(r.o.crl_file, sizeof(r.o.crl_file), "%s", crl);
	srv_init(&r.srv, c->chain, c->key, c->srv13, false);
	if (c->srv_old) {
		SSL_CTX_set_security_level(r.srv.ctx, 0);
		SSL_CTX_set_min_proto_version(r.srv.ctx, TLS1_VERSION);
	}
	run_handshake(&r);
	if (c->want == FAIL_NONE)
		check_success(c, &r);
	else
		check_failure(c, &r);
	if (c->want != FAIL_NONE)
		check_hint(c, &r);
	if (c->depth != -2)
		ck_assert_msg(r.sum.verify_error_depth == c->depth,
			      "%s: depth %d", c->name,
			      r.sum.verify_error_depth);
	if (c->chain_len != 0)
		ck_assert_int_eq(r.sum.chain_len, c->chain_len);
	if (c->version != NULL)
		ck_assert_str_eq(r.sum.version, c->version);
	ck_assert_int_eq(r.sum.verify_enabled, !c->insecure);
	run_finish(&r);
	if (c->want == FAIL_TLS_HANDSHAKE)
		return;		/* refused before looking at the name */
	ck_assert(r.srv.sni_called);
	ck_assert_int_eq(r.srv.sni_present, c->sni != NULL);
	ck_assert_int_eq(r.sum.sni_sent, c->sni != NULL);
	if (c->sni != NULL) {
		ck_assert_str_eq(r.srv.sni, c->sni);
		ck_assert_str_eq(r.sum.sni, c->sni);
	}
}
END_TEST

/* The system bundle (SSL_CERT_FILE, here the test root alone, beside a
 * directory without hashed names) is indexed once per process and
 * decoded only when --ca-file does not hold the root. */
START_TEST(test_system_bundle_lazily)
{
	struct truststore_stats a, b;
	struct run r;
	char path[256];
	int i;

	pki_path(path, sizeof(path), "ca.pem");
	ck_assert_int_eq(setenv("SSL_CERT_FILE", path, 1), 0);
	truststore_stats(&a);
	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
	run_handshake(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.sum.trust + strlen(r.sum.trust) - 6, "ca.pem");
	run_finish(&r);
	truststore_stats(&b);
	ck_assert_uint_eq(b.decoded, a.decoded);
	for (i = 0; i < 2; i++) {
		run_init(&r, "localhost", ADDR_NAME);
		r.o.ca_file[0] = '\0';
		srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
		run_handshake(&r);
		ck_assert_int_eq(r.rc, 0);
		ck_assert_str_eq(r.sum.trust, "the system store");
		run_finish(&r);
	}
	truststore_stats(&b);
	ck_assert_uint_eq(b.indexed - a.indexed, 1);
	ck_assert_uint_eq(b.decoded - a.decoded, 2);
}
END_TEST

/* ---- the summary in detail ---------------------------------------- */

static X509 *
read_cert(const char *name)
{
	char path[256];
	BIO *b;
	X509 *x;

	pki_path(path, sizeof(path), name);
	b = BIO_new_file(path, "r");
	ck_assert_ptr_nonnull(b);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ck_assert_ptr_nonnull(x);
	return x;
}

/* "AB:CD:..." of the SHA-256 of the certificate's DER, computed here. */
static void
der_fingerprint(X509 *x, char *out, size_t cap)
{
	unsigned char *der = NULL, md[32];
	unsigned int mdlen = 0;
	int n = i2d_X509(x, &der);

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(EVP_Digest(der, (size_t)n, md, &mdlen,
				    EVP_sha256(), NULL), 1);
	OPENSSL_free(der);
	out[0] = '\0';
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%02X",
			 i > 0 ? ":" : "", md[i]);
}

static void
spki_pin(X509 *x, char *out)
{
	unsigned char *der = NULL, md[32];
	unsigned int mdlen = 0;
	int n = i2d_PUBKEY(X509_get0_pubkey(x), &der);

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(EVP_Digest(der, (size_t)n, md, &mdlen,
				    EVP_sha256(), NULL), 1);
	OPENSSL_free(der);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

START_TEST(test_summary_fields)
{
	struct run r;
	const struct tls_cert_info *leaf, *mid;
	X509 *x = read_cert("leaf.pem");
	char fp[100], pin[64];
	int64_t span;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
	run_handshake(&r);
	ck_assert_msg(r.rc == 0, "%s", r.f.detail);
	ck_assert_str_eq(r.sum.version, "TLSv1.3");
	ck_assert(r.sum.verified);
	ck_assert_str_eq(r.sum.expected_name, "localhost");
	ck_assert_int_eq(r.sum.chain_len, 2);
	ck_assert_int_eq(r.sum.chain_sent, 2);
	leaf = &r.sum.chain[0];
	mid = &r.sum.chain[1];
	ck_assert_str_eq(leaf->subject, "CN=localhost");
	ck_assert_str_eq(leaf->issuer, "CN=Test Intermediate CA");
	ck_assert_str_eq(mid->issuer, "CN=Test Root CA,O=imapconn tests");
	ck_assert_str_eq(leaf->sans, "DNS:localhost, IP:127.0.0.1, IP:::1");
	der_fingerprint(x, fp, sizeof(fp));
	ck_assert_str_eq(leaf->sha256, fp);
	spki_pin(x, pin);
	ck_assert_str_eq(leaf->spki_sha256, pin);
	ck_assert_int_eq(strlen(leaf->spki_sha256), 44);
	ck_assert_str_ne(mid->sha256, leaf->sha256);
	ck_assert_int_eq(strlen(leaf->not_before), 20);
	ck_assert_int_eq(leaf->not_after[19], 'Z');
	ck_assert_int_eq(leaf->not_before[10], 'T');
	span = leaf->not_after_epoch - leaf->not_before_epoch;
	ck_assert_int_ge(span, 30 * DAY + 3600 - 5);
	ck_assert_int_le(span, 30 * DAY + 3600 + 5);
	ck_assert_int_le(leaf->not_before_epoch, time(NULL) - 3600 + 60);
	ck_assert_int_ge(leaf->not_before_epoch, time(NULL) - 3600 - 60);
	ck_assert(!leaf->self_signed);
	ck_assert(!mid->self_signed);
	X509_free(x);
	run_finish(&r);
}
END_TEST

START_TEST(test_summary_self_signed_flag)
{
	struct run r;

	run_init(&r, "localhost", ADDR_NAME);
	r.o.verify = false;
	srv_init(&r.srv, "self.pem", "self.key", false, false);
	run_handshake(&r);
	ck_assert_msg(r.rc == 0, "%s", r.f.detail);
	ck_assert_int_eq(r.sum.chain_len, 1);
	ck_assert(r.sum.chain[0].self_signed);
	ck_assert_str_eq(r.sum.chain[0].subject, r.sum.chain[0].issuer);
	ck_assert_int_eq(r.sum.verify_error,
			 X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	ck_assert(!r.sum.verified);
	run_finish(&r);
}
END_TEST

START_TEST(test_summary_escapes_controls)
{
	struct run r;
	const struct tls_cert_info *leaf;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "ctrl-chain.pem", "ctrl.key", false, false);
	run_handshake(&r);
	ck_assert_msg(r.rc == 0, "%s", r.f.detail);
	leaf = &r.sum.chain[0];
	ck_assert(!has_control(leaf->subject));
	ck_assert(!has_control(leaf->sans));
	ck_assert_msg(strstr(leaf->subject, "evil\\1B]0\\;owned\\07name") !=
		      NULL, "subject %s", leaf->subject);
	ck_assert_msg(strstr(leaf->sans, "DNS:bad\\x1B[31m.example") != NULL,
		      "sans %s", leaf->sans);
	run_finish(&r);
}
END_TEST

/* certgen's RSA keys work for a server, and the summary says so. */
START_TEST(test_rsa_leaf)
{
	static const char *const dns[] = { "rsa.example", NULL };
	struct certgen_spec spec;
	struct certgen_cert *c;
	struct run r;

	certgen_spec_init(&spec, "rsa.example");
	spec.dns = dns;
	spec.key = CERTGEN_KEY_RSA_2048;
	c = certgen_make(&spec, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_PKEY_get_base_id(certgen_pkey(c)), EVP_PKEY_RSA);
	ck_assert_int_eq(certgen_write_both(c, pki_dir, "rsa.pem"), 0);
	certgen_free(c);
	run_init(&r, "rsa.example", ADDR_NAME);
	pki_path(r.o.ca_file, sizeof(r.o.ca_file), "rsa.pem");
	srv_init(&r.srv, "rsa.pem", "rsa.pem", false, false);
	run_handshake(&r);
	ck_assert_msg(r.rc == 0, "%s", r.f.detail);
	ck_assert(r.sum.verified);
	ck_assert(r.sum.chain[0].self_signed);
	ck_assert_str_eq(r.sum.chain[0].sans, "DNS:rsa.example");
	run_finish(&r);
}
END_TEST

START_TEST(test_chain_pem)
{
	struct run r;
	char *pem = NULL;
	size_t len = 0;
	BIO *b;
	X509 *x, *want = read_cert("leaf.pem");
	int n = 0;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
	run_handshake(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(tls_chain_pem(r.t, &pem, &len), 0);
	ck_assert_ptr_nonnull(pem);
	ck_assert_uint_eq(strlen(pem), len);
	b = BIO_new_mem_buf(pem, (int)len);
	for (x = PEM_read_bio_X509(b, NULL, NULL, NULL); x != NULL;
	     x = PEM_read_bio_X509(b, NULL, NULL, NULL)) {
		if (n == 0)
			ck_assert_int_eq(X509_cmp(x, want), 0);
		n++;
		X509_free(x);
	}
	ERR_clear_error();
	ck_assert_int_eq(n, 2);
	BIO_free(b);
	free(pem);
	X509_free(want);
	run_finish(&r);
}
END_TEST

/* After a verification failure the summary and the PEM chain are still
 * there: what a "missing intermediate" diagnosis needs. */
START_TEST(test_chain_after_failure)
{
	struct run r;
	char *pem = NULL;
	size_t len = 0;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf.pem", "leaf.key", false, false);
	run_handshake(&r);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.f.cls, FAIL_TLS_VERIFY);
	ck_assert_int_eq(r.sum.chain_len, 1);
	ck_assert_str_eq(r.sum.chain[0].subject, "CN=localhost");
	ck_assert_str_eq(r.sum.chain[0].issuer, "CN=Test Intermediate CA");
	ck_assert_int_eq(r.sum.verify_error,
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	ck_assert_int_ne(r.f.hint[0], '\0');
	ck_assert_int_eq(tls_chain_pem(r.t, &pem, &len), 0);
	ck_assert_ptr_nonnull(strstr(pem, "BEGIN CERTIFICATE"));
	free(pem);
	run_finish(&r);
}
END_TEST

/* ---- I/O ------------------------------------------------------------ */

static void
read_exactly(struct run *r, char *buf, size_t want)
{
	size_t have = 0, got;

	while (have < want) {
		ck_assert_msg(tls_read(r->t, buf + have, want - have, &got,
				       clock_deadline(10), -1, PHASE_GREETING,
				       &r->f) == 0, "%s", r->f.detail);
		ck_assert_uint_gt(got, 0);
		have += got;
	}
	buf[have] = '\0';
}

START_TEST(test_read_write_round_trip)
{
	static const char want[] = "* echo a1 NOOP\r\n* second\r\n";
	struct run r;
	char buf[128];
	size_t got = 0;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
	r.srv.script = SRV_ECHO;
	run_handshake(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(tls_write_all(r.t, "a1 NOOP\r\n", 9,
				       clock_deadline(10), -1, PHASE_GREETING,
				       &r.f), 0);
	ck_assert_int_eq(tls_read(r.t, buf, 4, &got, clock_deadline(10), -1,
				  PHASE_GREETING, &r.f), 0);
	ck_assert_uint_eq(got, 4);
	ck_assert_int_eq(memcmp(buf, "* ec", 4), 0);
	ck_assert_uint_eq(tls_pending(r.t), strlen(want) - 4);
	read_exactly(&r, buf + 4, strlen(want) - 4);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(tls_pending(r.t), 0);
	ck_assert_int_eq(tls_write_all(r.t, "BYE\r\n", 5, clock_deadline(10),
				       -1, PHASE_LOGOUT, &r.f), 0);
	ck_assert_int_eq(tls_read(r.t, buf, sizeof(buf), &got,
				  clock_deadline(10), -1, PHASE_LOGOUT, &r.f),
			 -1);
	ck_assert_int_eq(r.f.cls, FAIL_NETWORK);
	ck_assert_int_eq(r.f.phase, PHASE_LOGOUT);
	ck_assert_ptr_nonnull(strstr(r.f.detail,
				     "server closed the connection"));
	run_finish(&r);
	ck_assert(r.srv.client_cert == false);
}
END_TEST

/* The client's channel binding is the server's: tls-exporter under
 * TLS 1.3, tls-unique under TLS 1.2. */
START_TEST(test_channel_binding)
{
	unsigned char cb[64];
	const char *type = NULL;
	size_t len = 0;
	struct run r;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", _i == 0, false);
	if (_i == 1)
		SSL_CTX_set_max_proto_version(r.srv.ctx, TLS1_2_VERSION);
	r.srv.script = SRV_BINDING;
	run_handshake(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(tls_channel_binding(r.t, cb, sizeof(cb), &len,
					     &type), 0);
	run_finish(&r);
	ck_assert_str_eq(type, _i == 0 ? "tls-exporter" : "tls-unique");
	ck_assert_uint_eq(len, _i == 0 ? 32 : 12);
	ck_assert_uint_eq(len, r.srv.binding_len);
	ck_assert_int_eq(memcmp(cb, r.srv.binding, len), 0);
	ck_assert_int_eq(tls_channel_binding(NULL, cb, sizeof(cb), &len,
					     &type), -1);
}
END_TEST

START_TEST(test_shutdown_sends_close_notify)
{
	struct run r;
	char buf[64];

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
	r.srv.script = SRV_ECHO;
	run_handshake(&r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(tls_write_all(r.t, "x\r\n", 3, clock_deadline(10),
				       -1, PHASE_LOGOUT, &r.f), 0);
	read_exactly(&r, buf, strlen("* echo x\r\n* second\r\n"));
	tls_shutdown(r.t);
	tls_shutdown(r.t);
	pthread_join(r.srv.th, NULL);
	r.srv.running = false;
	ck_assert(r.srv.close_notify_seen);
	run_finish(&r);
}
END_TEST

START_TEST(test_read_timeout)
{
	struct run r;
	char buf[16];
	size_t got = 99;
	int64_t t0;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, false);
	run_handshake(&r);
	ck_assert_int_eq(r.rc, 0);
	t0 = clock_ms();
	ck_assert_int_eq(tls_read(r.t, buf, sizeof(buf), &got,
				  clock_ms() + 200, -1, PHASE_LIST, &r.f), -1);
	ck_assert_int_eq(r.f.cls, FAIL_TIMEOUT);
	ck_assert_int_eq(r.f.phase, PHASE_LIST);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_ge(r.f.waited_ms, 150);
	ck_assert_int_lt(clock_ms() - t0, 2000);
	run_finish(&r);
}
END_TEST

START_TEST(test_client_certificate)
{
	struct run r;
	char buf[64];

	run_init(&r, "localhost", ADDR_NAME);
	pki_path(r.o.cert_file, sizeof(r.o.cert_file), "client-chain.pem");
	pki_path(r.o.key_file, sizeof(r.o.key_file), "client.key");
	pki_path(r.o.key_password_file, sizeof(r.o.key_password_file),
		 "client.pass");
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, true);
	r.srv.script = SRV_ECHO;
	run_handshake(&r);
	ck_assert_msg(r.rc == 0, "%s", r.f.detail);
	ck_assert_int_eq(tls_write_all(r.t, "y\r\n", 3, clock_deadline(10),
				       -1, PHASE_AUTH, &r.f), 0);
	read_exactly(&r, buf, strlen("* echo y\r\n* second\r\n"));
	run_finish(&r);
	ck_assert_int_eq(r.srv.accept_rc, 1);
	ck_assert(r.srv.client_cert);
}
END_TEST

/* The server wants a client certificate and gets none: in TLS 1.3 the
 * client learns it on its first read. */
START_TEST(test_client_certificate_missing)
{
	struct run r;
	char buf[64];
	size_t got;

	run_init(&r, "localhost", ADDR_NAME);
	srv_init(&r.srv, "leaf-chain.pem", "leaf.key", false, true);
	run_handshake(&r);
	if (r.rc == 0)
		ck_assert_int_eq(tls_read(r.t, buf, sizeof(buf), &got,
					  clock_deadline(10), -1, PHASE_TLS,
					  &r.f), -1);
	ck_assert_int_eq(r.f.cls, FAIL_TLS_HANDSHAKE);
	ck_assert_msg(strstr(r.f.detail, "certificate required") != NULL,
		      "%s", r.f.detail);
	ck_assert_int_ne(r.f.hint[0], '\0');
	run_finish(&r);
	ck_assert(!r.srv.client_cert);
}
END_TEST

/* ---- failures without a TLS server ------------------------------- */

START_TEST(test_handshake_timeout)
{
	struct tls_opts o;
	struct failure f;
	struct tls_client *t;
	int sv[2];
	int64_t t0;

	tls_opts_init(&o);
	pair(sv);
	t = tls_client_new(&o, "localhost", ADDR_NAME, &f);
	ck_assert_ptr_nonnull(t);
	t0 = clock_ms();
	ck_assert_int_eq(tls_handshake(t, sv[0], clock_ms() + 300, -1,
				       PHASE_TLS, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_TIMEOUT);
	ck_assert_int_eq(f.phase, PHASE_TLS);
	ck_assert_int_ge(f.waited_ms, 250);
	ck_assert_int_lt(clock_ms() - t0, 3000);
	ck_assert_ptr_nonnull(strstr(f.detail, "TLS handshake"));
	tls_client_free(t);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* Thread: write one byte to *arg after 100 ms. */
static void *
cancel_later(void *arg)
{
	int fd = *(int *)arg;
	ssize_t n;

	sleep_ms(100);
	n = write(fd, "x", 1);
	return n == 1 ? arg : NULL;
}

START_TEST(test_handshake_cancel)
{
	struct tls_opts o;
	struct failure f;
	struct tls_client *t;
	int sv[2], cp[2];
	pthread_t th;
	void *res = NULL;
	int64_t t0;

	tls_opts_init(&o);
	pair(sv);
	ck_assert_int_eq(pipe(cp), 0);
	t = tls_client_new(&o, "localhost", ADDR_NAME, &f);
	ck_assert_ptr_nonnull(t);
	t0 = clock_ms();
	ck_assert_int_eq(pthread_create(&th, NULL, cancel_later, &cp[1]), 0);
	ck_assert_int_eq(tls_handshake(t, sv[0], clock_deadline(10), cp[0],
				       PHASE_STARTTLS, &f), -1);
	pthread_join(th, &res);
	ck_assert_ptr_nonnull(res);
	ck_assert_int_eq(f.cls, FAIL_CANCELLED);
	ck_assert_int_eq(f.phase, PHASE_STARTTLS);
	ck_assert_int_ge(clock_ms() - t0, 80);
	ck_assert_int_lt(clock_ms() - t0, 2000);
	tls_client_free(t);
	close(sv[0]);
	close(sv[1]);
	close(cp[0]);
	close(cp[1]);
}
END_TEST

START_TEST(test_plain_text_peer)
{
	static const char greeting[] = "* OK IMAP ready\r\n";
	struct tls_opts o;
	struct failure f;
	struct tls_summary sum;
	struct tls_client *t;
	int sv[2];

	tls_opts_init(&o);
	pair(sv);
	ck_assert_int_eq(write(sv[1], greeting, strlen(greeting)),
			 (ssize_t)strlen(greeting));
	t = tls_client_new(&o, "localhost", ADDR_NAME, &f);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tls_handshake(t, sv[0], clock_deadline(10), -1,
				       PHASE_TLS, &f), -1);
	ck_assert_msg(f.cls == FAIL_TLS_HANDSHAKE, "%s: %s",
		      fail_class_name(f.cls), f.detail);
	ck_assert_int_ne(f.detail[0], '\0');
	ck_assert_msg(strstr(f.detail, "wrong version number") != NULL ||
		      strstr(f.detail, "packet length") != NULL, "%s",
		      f.detail);
	ck_assert_ptr_nonnull(strstr(f.hint, "STARTTLS"));
	tls_get_summary(t, &sum);
	ck_assert_int_eq(sum.chain_len, 0);
	ck_assert(!sum.verified);
	tls_client_free(t);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* Thread: read the ClientHello from *arg, then close the connection. */
static void *
read_then_close(void *arg)
{
	int fd = *(int *)arg;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (shutdown(fd, SHUT_RDWR) != 0 || n <= 0)
		return NULL;
	return arg;
}

START_TEST(test_peer_closes_during_handshake)
{
	struct tls_opts o;
	struct failure f;
	struct tls_client *t;
	pthread_t th;
	void *res = NULL;
	int sv[2];

	tls_opts_init(&o);
	pair(sv);
	ck_assert_int_eq(pthread_create(&th, NULL, read_then_close, &sv[1]),
			 0);
	t = tls_client_new(&o, "localhost", ADDR_NAME, &f);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tls_handshake(t, sv[0], clock_deadline(10), -1,
				       PHASE_TLS, &f), -1);
	pthread_join(th, &res);
	ck_assert_ptr_nonnull(res);
	ck_assert_msg(f.cls == FAIL_NETWORK, "%s: %s",
		      fail_class_name(f.cls), f.detail);
	ck_assert_msg(strstr(f.detail, "closed") != NULL, "%s", f.detail);
	tls_shutdown(t);
	tls_client_free(t);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* ---- settings that cannot be used ---------------------------------- */

struct input_case {
	const char *name;
	const char *ca, *ca_dir, *cert, *key, *pw_file, *crl;	/* in dir */
	const char *pw;
	enum tls_version min, max;
	const char *ciphers;
	enum fail_class want;
	const char *text;	/* in the detail */
};

static const struct input_case input_cases[] = {
	{ "missing CA file", .ca = "no-such-ca.pem", .want = FAIL_INPUT,
	  .text = "no-such-ca.pem: No such file or directory" },
	{ "CA file without certificates", .ca = "client.pass",
	  .want = FAIL_INPUT, .text = "CA file" },
	{ "missing CA dir", .ca_dir = "no-such-dir", .want = FAIL_INPUT,
	  .text = "no-such-dir" },
	{ "CA dir is a file", .ca_dir = "ca.pem", .want = FAIL_INPUT,
	  .text = "not a directory" },
	{ "bad key", .cert = "client-chain.pem", .key = "bad.key",
	  .want = FAIL_INPUT, .text = "bad.key: " },
	{ "key needs password", .cert = "client-chain.pem",
	  .key = "client.key", .want = FAIL_INPUT,
	  .text = "client.key: the key is encrypted" },
	{ "wrong password", .cert = "client-chain.pem", .key = "client.key",
	  .pw = "hunter2", .want = FAIL_INPUT, .text = "wrong password?" },
	{ "missing password file", .cert = "client-chain.pem",
	  .key = "client.key", .pw_file = "no-such-pass",
	  .want = FAIL_INPUT, .text = "no-such-pass" },
	{ "key of another certificate", .cert = "client-chain.pem",
	  .key = "leaf.key", .want = FAIL_INPUT, .text = "leaf.key" },
	{ "missing certificate", .cert = "no-such-cert.pem",
	  .key = "leaf.key", .want = FAIL_INPUT, .text = "no-such-cert.pem" },
	{ "key without certificate", .key = "leaf.key", .want = FAIL_USAGE,
	  .text = "without a certificate" },
	{ "missing CRL", .crl = "no-such-crl.pem", .want = FAIL_INPUT,
	  .text = "no-such-crl.pem" },
	{ "CRL file without CRLs", .crl = "bad.key", .want = FAIL_INPUT,
	  .text = "bad.key" },
	{ "min above max", .min = TLSV_1_3, .max = TLSV_1_2,
	  .want = FAIL_USAGE, .text = "1.3" },
	{ "bad cipher list", .ciphers = "NO-SUCH-CIPHER", .want = FAIL_USAGE,
	  .text = "NO-SUCH-CIPHER" },
	{ "password file", .cert = "client-chain.pem", .key = "client.key",
	  .pw_file = "client.pass", .want = FAIL_NONE },
	{ "password", .cert = "client-chain.pem", .key = "client.key",
	  .pw = "sesame", .want = FAIL_NONE },
	{ "certificate and key in one file", .cert = "client-both.pem",
	  .want = FAIL_NONE },
	{ "TLS 1.0 allowed", .min = TLSV_1_0, .want = FAIL_NONE },
};

START_TEST(test_input_table)
{
	const struct input_case *c = &input_cases[_i];
	struct tls_opts o;
	struct failure f;
	struct tls_client *t;

	tls_opts_init(&o);
	pki_path(o.ca_file, sizeof(o.ca_file), c->ca);
	pki_path(o.ca_dir, sizeof(o.ca_dir), c->ca_dir);
	pki_path(o.cert_file, sizeof(o.cert_file), c->cert);
	pki_path(o.key_file, sizeof(o.key_file), c->key);
	pki_path(o.key_password_file, sizeof(o.key_password_file),
		 c->pw_file);
	pki_path(o.crl_file, sizeof(o.crl_file), c->crl);
	if (c->pw != NULL)
		snprintf(o.key_password, sizeof(o.key_password), "%s", c->pw);
	if (c->ciphers != NULL)
		snprintf(o.ciphers, sizeof(o.ciphers), "%s", c->ciphers);
	o.min_version = c->min;
	o.max_version = c->max;
	memset(&f, 0, sizeof(f));
	t = tls_client_new(&o, "localhost", ADDR_NAME, &f);
	if (c->want == FAIL_NONE) {
		ck_assert_msg(t != NULL, "%s: %s", c->name, f.detail);
		tls_client_free(t);
		return;
	}
	ck_assert_msg(t == NULL, "%s: accepted", c->name);
	ck_assert_msg(f.cls == c->want, "%s: class %s (%s)", c->name,
		      fail_class_name(f.cls), f.detail);
	ck_assert_msg(strstr(f.detail, c->text) != NULL, "%s: detail %s",
		      c->name, f.detail);
	ck_assert_msg(strstr(f.detail, "sesame") == NULL &&
		      strstr(f.detail, "hunter2") == NULL, "%s: secret in %s",
		      c->name, f.detail);
	ck_assert(ERR_peek_error() == 0);
}
END_TEST

START_TEST(test_bad_address)
{
	struct tls_opts o;
	struct failure f;

	tls_opts_init(&o);
	ck_assert_ptr_null(tls_client_new(&o, "not-an-ip", ADDR_IPV4, &f));
	ck_assert_int_eq(f.cls, FAIL_USAGE);
	ck_assert_ptr_null(tls_client_new(&o, "", ADDR_NAME, &f));
	ck_assert_int_eq(f.cls, FAIL_USAGE);
}
END_TEST

Suite *
suite_tls(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = units_case(s, "handshake", test_summary_fields,
			       test_summary_self_signed_flag,
			       test_summary_escapes_controls, test_rsa_leaf,
			       test_chain_pem, test_chain_after_failure,
			       test_client_certificate,
			       test_client_certificate_missing,
			       test_system_bundle_lazily, NULL);
	TCase *io = units_case(s, "io", test_read_write_round_trip,
			       test_shutdown_sends_close_notify,
			       test_read_timeout, test_handshake_timeout,
			       test_handshake_cancel, test_plain_text_peer,
			       test_peer_closes_during_handshake, NULL);
	TCase *in = units_case(s, "input", test_bad_address, NULL);

	tcase_add_loop_test(io, test_channel_binding, 0, 2);

	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	tcase_add_checked_fixture(tc, test_setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_handshake_table, 0,
			    (int)(sizeof(hs_cases) / sizeof(hs_cases[0])));

	tcase_add_unchecked_fixture(io, pki_setup, pki_teardown);
	tcase_add_checked_fixture(io, test_setup, NULL);
	tcase_set_timeout(io, 30);

	tcase_add_unchecked_fixture(in, pki_setup, pki_teardown);
	tcase_add_checked_fixture(in, test_setup, NULL);
	tcase_set_timeout(in, 30);
	tcase_add_loop_test(in, test_input_table, 0,
			    (int)(sizeof(input_cases) /
				  sizeof(input_cases[0])));
	return s;
}
