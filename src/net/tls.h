/* tls.h - the TLS client of one connection: verification, handshake,
 * deadline-aware I/O and a copyable certificate summary.
 *
 * One struct tls_client belongs to one connection and is used by one
 * thread at a time.  Every wait goes through net_wait() with the
 * caller's deadline and cancel descriptor.  The module never prints and
 * never prompts (an encrypted key without a password fails).  It writes
 * to the socket with write(2): the program must ignore SIGPIPE. */
#ifndef IMAPCONN_TLS_H
#define IMAPCONN_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fail.h"
#include "phase.h"

#define TLS_CHAIN_MAX 8
#define TLS_TRUST_MAX (2 * CONFIG_PATH_MAX + 64)
#define TLS_KEYS_MAX 16		/* keys tls_client_trust_keys() keeps */
#define TLS_SPKI_B64_MAX 64	/* base64 of a SHA-256, NUL included */

/* One certificate, as text.  Every string is NUL-terminated, printable
 * ASCII only, safe to put on a terminal: in subject and issuer, bytes
 * that are control characters or not ASCII are RFC 2253 escapes
 * ("\1B", "\C3\A9"); in sans, such bytes are "\x1B" and a backslash is
 * "\\".  Long values are truncated to fit ("..." ends a cut sans). */
struct tls_cert_info {
	char subject[256];	/* RFC 2253, one line: "CN=a,O=b" */
	char issuer[256];
	char not_before[32];	/* ISO 8601 UTC: "2025-01-31T12:00:00Z" */
	char not_after[32];
	int64_t not_before_epoch;	/* seconds since 1970, UTC */
	int64_t not_after_epoch;
	char sans[512];		/* "DNS:a, DNS:b, IP:127.0.0.1"; "" if none */
	char sha256[96];	/* certificate fingerprint, upper-case hex
				 * pairs joined by colons ("AB:CD:..."), as
				 * `openssl x509 -fingerprint -sha256` */
	char spki_sha256[64];	/* base64 SHA-256 of the DER
				 * SubjectPublicKeyInfo (an HPKP pin) */
	bool self_signed;	/* issuer = subject and own key signs it */
};

#define TLS_PROBLEMS_MAX 8

/* One problem verification found in the chain the server sent. */
struct tls_problem {
	long code;		/* X509_V_ERR_* */
	int depth;		/* in the chain verification built: 0 is the
				 * server's own certificate; -1 unknown */
	char text[384];		/* one line, terminal-safe: OpenSSL's
				 * reason, the certificate, and the dates
				 * or names involved */
};

/* What else a completed handshake agreed on, as text (ASCII from
 * OpenSSL's own tables and the certificate; "" when not known). */
struct tls_details {
	char key[48];		/* the server's key: "EC 256 bits (P-256)",
				 * "RSA 2048 bits" */
	char sig_alg[64];	/* its certificate's signature algorithm:
				 * "ecdsa-with-SHA256" */
	char group[32];		/* the key exchange group: "x25519",
				 * "secp256r1"; "" when none */
	int forward_secrecy;	/* 1 yes (ECDHE, DHE, TLS 1.3), 0 no (RSA
				 * key exchange), -1 not known */
	char kx[16];		/* the key exchange: "ECDHE", "RSA", "any"
				 * (TLS 1.3) */
	char ocsp[160];		/* the stapled OCSP answer: "not stapled",
				 * "good (this update ..., next ...)",
				 * "REVOKED on ...", "unknown", "unreadable" */
	char weak[192];		/* why the version or cipher accepted is
				 * weak; "" when neither is */
};

/* What the handshake negotiated and what verification found.  A plain
 * value (fixed arrays, no pointers): copy it freely. */
struct tls_summary {
	char version[16];	/* "TLSv1.3"; "" if not negotiated */
	char cipher[128];	/* "TLS_AES_256_GCM_SHA384"; "" if none */
	char sni[256];		/* the server name sent; "" if none */
	bool sni_sent;
	bool verify_enabled;	/* false with --insecure */
	bool verified;		/* the chain and name checked out */
	long verify_error;	/* problems[0]'s X509_V_ERR_*; 0 (X509_V_OK)
				 * if none */
	char verify_error_text[256];	/* X509_verify_cert_error_string */
	int verify_error_depth;	/* chain depth of that error; -1 if none */
	/* Every problem of the chain (verification goes on past each to
	 * find them), the most important first: revoked, name mismatch,
	 * expired, not yet valid, self-signed, untrusted root, unknown
	 * issuer, weak key or hash, the others; the same problem at two
	 * depths counts twice.  problems[0] is verify_error. */
	struct tls_problem problems[TLS_PROBLEMS_MAX];
	int nproblems;
	char expected_name[256];	/* the name or address checked */
	int chain_len;		/* entries in chain[] (<= TLS_CHAIN_MAX) */
	int chain_sent;		/* certificates the server sent (may be
				 * more than chain_len) */
	struct tls_cert_info chain[TLS_CHAIN_MAX];	/* as sent: [0] is
							 * the server's own */
	int verified_chain_len;	/* length of the chain verification
				 * built, trust anchor included; after a
				 * failure, as far as it got */
	struct tls_details details;	/* once the handshake completed */
	char trust[TLS_TRUST_MAX];	/* where trust came from, one line,
					 * terminal-safe: "--ca-file PATH",
					 * "--ca-dir PATH", "the system
					 * store", "none (--insecure)", or
					 * "none of --ca-file PATH, the
					 * system store" when not verified */
	char trusted_by[16];	/* what trusted the key in place of (or
				 * beside) the chain: "pin" (--pin),
				 * "known-certs" (accepted earlier); ""
				 * for the chain alone.  Set by the
				 * session, "" from tls_get_summary() */
};

struct tls_client;

/* Make a client for one connection to host (a name, or an address when
 * kind is ADDR_IPV4/ADDR_IPV6).  o is read, not kept; the caller keeps
 * owning it and wipes its secrets (tls_opts_wipe).
 *
 * Trust: o->ca_file and o->ca_dir when given, and the system's store
 * in addition (a private CA is trusted alongside the public ones, as
 * `openssl s_client -CAfile` does), looked up only when the chain asks
 * for a certificate the given ones lack: OpenSSL's hashed directory
 * (SSL_CERT_DIR) and, when SSL_CERT_FILE names one or there is no
 * directory, the bundle file, indexed once per process (truststore.h).  The name checked is o->server_name when set,
 * else host (brackets, an IPv6 zone and a trailing dot dropped); a name
 * is checked against the certificate's DNS names (no partial
 * wildcards) and sent as SNI; an address is checked against its IP
 * addresses and no SNI is sent.  TLS 1.2 is the minimum unless
 * o->min_version says otherwise (1.0 and 1.1 also lower OpenSSL's
 * security level to 0; a maximum below 1.2 with no minimum given makes
 * the minimum equal to it).  With o->verify false the result of
 * verification is still recorded for the summary but does not stop the
 * handshake.
 *
 * Returns a client the caller frees with tls_client_free(), or NULL
 * with *f filled (phase PHASE_NONE): FAIL_INPUT for a file that cannot
 * be loaded (CA file or directory, certificate, key, key password file,
 * CRL; the detail names the file and OpenSSL's reason), FAIL_USAGE for
 * contradictory settings (versions, cipher lists, key without
 * certificate), FAIL_INTERNAL when out of memory. */
/* The reason a failure gets for the verification error err
 * (X509_V_ERR_*): FAIL_R_NONE for X509_V_OK, FAIL_R_CERT_OTHER for
 * an error no hint tells apart. */
enum fail_reason tls_verify_reason(long err);

struct tls_client *tls_client_new(const struct tls_opts *o, const char *host,
				  enum addr_kind kind, struct failure *f);

/* Trust the server whose own certificate has one of keys (n of them,
 * the base64 SHA-256 of a SubjectPublicKeyInfo, as spki_sha256 holds
 * it; at most TLS_KEYS_MAX) whatever verification finds: a failure no
 * longer stops the handshake, which completes; tls_handshake() still
 * reports it as FAIL_TLS_VERIFY, but the connection stays up
 * (tls_established() is true) for the caller, who decided to trust
 * the key, to go on.  Any other key that fails verification stops the
 * handshake as usual, before the client sends anything of its own.
 * Call before tls_handshake(); keys is copied. */
void tls_client_trust_keys(struct tls_client *t, const char *const *keys,
			   int n);

/* Whether the handshake completed and nothing broke the connection
 * since (false for NULL). */
bool tls_established(const struct tls_client *t);

/* Run the handshake on fd: connected, non-blocking, still owned by the
 * caller (tls_client_free does not close it).  Waits go through
 * net_wait() with deadline_ms (clock_ms() units) and cancel_fd (-1:
 * none).  Failures are reported in phase p (PHASE_TLS or
 * PHASE_STARTTLS):
 *   FAIL_TLS_VERIFY     the certificate or name was not accepted; the
 *                       detail has OpenSSL's reason and the depth, and
 *                       on a name mismatch the names the certificate
 *                       holds
 *   FAIL_TLS_HANDSHAKE  TLS could not be negotiated; OpenSSL's reason
 *                       ("wrong version number", "unsupported
 *                       protocol", "sslv3 alert handshake failure")
 *   FAIL_TIMEOUT        the deadline passed; waited_ms is set
 *   FAIL_CANCELLED      cancel_fd became readable
 *   FAIL_NETWORK        the peer closed or reset the connection
 * Returns 0 on success, -1 with *f filled; the hint is set when there
 * is an obvious next step.  Whatever the outcome, tls_get_summary() and
 * tls_chain_pem() then show what was received.  Call it once per
 * client. */
int tls_handshake(struct tls_client *t, int fd, int64_t deadline_ms,
		  int cancel_fd, enum phase p, struct failure *f);

/* Read between 1 and cap bytes of decrypted data into buf, waiting as
 * needed; *got says how many.  Returns 0, or -1 with *f filled in phase
 * p: FAIL_NETWORK "server closed the connection" when the peer closed
 * (cleanly or not; the detail says which) or reset it, FAIL_TIMEOUT,
 * FAIL_CANCELLED, FAIL_TLS_HANDSHAKE for a TLS-level error after the
 * handshake (an alert, a bad record). */
int tls_read(struct tls_client *t, void *buf, size_t cap, size_t *got,
	     int64_t deadline_ms, int cancel_fd, enum phase p,
	     struct failure *f);

/* Write all len bytes of buf, waiting as needed.  Returns 0, or -1 with
 * *f filled as for tls_read(). */
int tls_write_all(struct tls_client *t, const void *buf, size_t len,
		  int64_t deadline_ms, int cancel_fd, enum phase p,
		  struct failure *f);

/* Decrypted bytes buffered inside OpenSSL that tls_read() returns
 * without waiting (poll() on the descriptor does not see them). */
size_t tls_pending(const struct tls_client *t);

/* Send close_notify if the handshake completed and nothing failed;
 * never waits, ignores errors.  The descriptor stays open. */
void tls_shutdown(struct tls_client *t);

/* The channel binding of an established connection for SCRAM -PLUS:
 * under TLS 1.3 "tls-exporter" (RFC 9266: 32 bytes exported with the
 * label "EXPORTER-Channel-Binding" and no context), under TLS 1.2
 * "tls-unique" (RFC 5929).  Fills buf (cap bytes, at least 32), *len
 * and *type (static); -1 when there is none. */
int tls_channel_binding(const struct tls_client *t, unsigned char *buf,
			size_t cap, size_t *len, const char **type);

/* Free the client and everything OpenSSL holds for it; NULL is fine.
 * Does not close the descriptor. */
void tls_client_free(struct tls_client *t);

/* Fill *out (the caller's, overwritten entirely) from the current state:
 * after a successful handshake, and also after a failed one (the
 * certificates received and the verification error are kept; version
 * and cipher are set once the server's hello arrived). */
void tls_get_summary(const struct tls_client *t, struct tls_summary *out);

/* The certificates the server sent, in its order, as PEM.  On success
 * returns 0 and sets *pem_out to a NUL-terminated buffer the caller
 * frees with free(), and *len_out to its length without the NUL.
 * Returns -1 when no certificate was received or memory ran out. */
int tls_chain_pem(const struct tls_client *t, char **pem_out,
		  size_t *len_out);

#endif
