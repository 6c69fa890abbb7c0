/* fail.h - every failure is a value: phase, class, detail and hint. */
#ifndef IMAPCONN_FAIL_H
#define IMAPCONN_FAIL_H

#include <stddef.h>

#include "phase.h"

enum fail_class {
	FAIL_NONE = 0,
	FAIL_USAGE,		/* bad option or host specification */
	FAIL_INPUT,		/* a file named by an option cannot be read */
	FAIL_DNS,		/* the name does not resolve */
	FAIL_REFUSED,		/* connection refused */
	FAIL_UNREACHABLE,	/* network or host unreachable */
	FAIL_NETWORK,		/* reset, closed, other socket errors */
	FAIL_TIMEOUT,		/* the server did not answer in time */
	FAIL_CANCELLED,		/* the user cancelled */
	FAIL_TLS_VERIFY,	/* certificate or host name not trusted */
	FAIL_TLS_HANDSHAKE,	/* TLS could not be negotiated */
	FAIL_STARTTLS,		/* STARTTLS required but unavailable */
	FAIL_PROTOCOL,		/* the server broke the protocol */
	FAIL_TOO_LARGE,		/* a response exceeded a limit */
	FAIL_SERVER,		/* the server refused (BYE, NO, BAD) */
	FAIL_AUTH,		/* authentication failed or not allowed */
	FAIL_INTERNAL,		/* out of memory, thread, bug */
	FAIL_PIPELINING,	/* the server mishandled commands sent
				 * together in one write */
	FAIL_CLASS_COUNT
};

/* The situation behind a failure, finer than its class: what the
 * hints choose by.  Set where the failure is raised; the detail text
 * stays prose for people and is never matched. */
enum fail_reason {
	FAIL_R_NONE = 0,
	FAIL_R_TUNNEL_ENDED,		/* the tunnel command ended */
	FAIL_R_DNS_TEMPORARY,		/* no DNS server answered */
	FAIL_R_DNS_NO_ADDRESS,		/* the name has no address */
	FAIL_R_HOST_TOO_LONG,		/* the host name is too long */
	FAIL_R_DEADLINE,		/* trickling past --deadline */
	FAIL_R_TLS_NOT_TLS,		/* the server did not answer in TLS */
	FAIL_R_TLS_VERSION,		/* no TLS version in common */
	FAIL_R_TLS_NO_PROTOCOLS,	/* no TLS version left to offer */
	FAIL_R_TLS_NO_CIPHERS,		/* no cipher left to offer */
	FAIL_R_TLS_NO_SHARED_CIPHER,	/* the server refused the offer */
	FAIL_R_TLS_CERT_REQUIRED,	/* a client certificate is wanted */
	FAIL_R_TLS_BAD_CLIENT_CERT,	/* the client certificate refused */
	FAIL_R_TLS_UNKNOWN_CLIENT_CA,	/* its issuer not trusted */
	FAIL_R_CERT_SELF_SIGNED,	/* the server's own, self-signed */
	FAIL_R_CERT_UNTRUSTED_ROOT,	/* the chain ends in an untrusted
					 * self-signed root */
	FAIL_R_CERT_UNKNOWN_ISSUER,	/* an issuer is not known here */
	FAIL_R_CERT_EXPIRED,
	FAIL_R_CERT_NOT_YET_VALID,
	FAIL_R_CERT_NAME_MISMATCH,	/* host name or address not in it */
	FAIL_R_CERT_REVOKED,
	FAIL_R_CERT_NO_CRL,		/* no CRL from the issuer */
	FAIL_R_CERT_CHAIN_TOO_LONG,	/* above --verify-depth */
	FAIL_R_CERT_KEY_TOO_SMALL,	/* the server's key is weak */
	FAIL_R_CERT_CA_KEY_TOO_SMALL,	/* a CA key is weak */
	FAIL_R_CERT_WEAK_HASH,		/* signed with a weak hash */
	FAIL_R_CERT_PURPOSE,		/* not a TLS server certificate */
	FAIL_R_CERT_OTHER,		/* any other verification error */
	FAIL_R_CERT_PIN_MISMATCH,	/* the key is none of --pin's */
	FAIL_R_CERT_CHANGED,		/* not the key remembered in
					 * known_certs for host and port */
	FAIL_R_PREAUTH_BEFORE_STARTTLS,	/* PREAUTH on a plain connection */
	FAIL_R_STARTTLS_NOT_OFFERED,
	FAIL_R_STARTTLS_REFUSED,
	FAIL_R_STARTTLS_INJECTION,	/* bytes between the OK and TLS */
	FAIL_R_PLAINTEXT_WITHHELD,	/* password kept off plain text */
	FAIL_R_LOGINDISABLED,		/* LOGINDISABLED, no AUTH=PLAIN */
	FAIL_R_PLAIN_NOT_OFFERED,	/* --auth plain without AUTH=PLAIN */
	FAIL_R_LOGIN_REFUSED,		/* the server said NO to the login */
	FAIL_R_MECH_NOT_OFFERED,	/* --auth named only mechanisms the
					 * server does not offer */
	FAIL_R_SERVER_NOT_PROVEN,	/* SCRAM: the server could not
					 * prove it knows the password */
	FAIL_R_OAUTH_REFUSED,		/* OAuth refused after an error
					 * challenge (in challenge) */
	FAIL_R_TOKEN_NEEDED,		/* only OAuth offered, a password
					 * given */
	FAIL_R_OAUTH_NOT_OFFERED,	/* a token given, no OAuth offered */
	FAIL_R_NO_KERBEROS_TICKET,	/* GSSAPI could not start: no
					 * usable Kerberos ticket */
	FAIL_R_EXTERNAL_NO_CERT,	/* EXTERNAL without a client
					 * certificate */
	FAIL_R_BYE,			/* the server said BYE */
	FAIL_R_TLS_AT_GREETING,		/* a TLS record instead */
	FAIL_R_NOT_IMAP_GREETING,	/* something else instead */
	FAIL_R_SERVER_CLOSED,		/* the server closed the connection */
	FAIL_R_CLOSED_IN_HANDSHAKE,	/* ... during the TLS handshake */
	FAIL_REASON_COUNT
};

#define FAIL_DETAIL_MAX 512
#define FAIL_HINT_MAX 256
#define FAIL_ATTEMPTS_MAX 16

/* How one connection attempt ended. */
enum fail_outcome {
	FAIL_OUT_REFUSED = 0,
	FAIL_OUT_TIMEOUT,
	FAIL_OUT_UNREACHABLE,
	FAIL_OUT_OTHER,
	FAIL_OUT_COUNT
};

struct fail_attempt {
	char host[72];		/* "127.0.0.1", "[::1]" (no port) */
	enum fail_outcome out;
};

struct failure {
	enum phase phase;
	enum fail_class cls;
	enum fail_reason reason;	/* FAIL_R_NONE: none more precise
					 * than the class */
	long long waited_ms;	/* for timeouts: how long it waited */
	char awaited[80];	/* for timeouts: what it waited for ("the
				 * reply to ID (A1)"); "": the phase's */
	char detail[FAIL_DETAIL_MAX];	/* errno text, OpenSSL reason,
					 * server text (already escaped) */
	char hint[FAIL_HINT_MAX];	/* one line: what to try */
	/* Facts a hint quotes, set where the failure is raised; "" or 0
	 * when not known.  Text from the server is already escaped. */
	char said[160];		/* the server's words, "[CODE] text"
				 * (FAIL_R_LOGIN_REFUSED, FAIL_R_BYE) */
	char challenge[320];	/* a SASL error challenge, decoded and
				 * escaped (OAuth: the JSON object) */
	char mechs[160];	/* the SASL mechanisms the server
				 * offers, escaped, "SCRAM-SHA-256 PLAIN"
				 * (the mechanism reasons) */
	char got[64];		/* the start of what came where the
				 * greeting belongs */
	char tls_chosen[16];	/* the TLS version the server chose,
				 * "TLS 1.0" */
	char cert_names[320];	/* the names the server's certificate
				 * holds, "DNS:a, IP:b" */
	size_t n_attempts;	/* the connection attempts made */
	struct fail_attempt attempts[FAIL_ATTEMPTS_MAX];
};

/* Short name of a class, as in --json ("tls-verify"); never NULL. */
const char *fail_class_name(enum fail_class c);

/* Short name of a reason, as in --json ("cert-expired"); NULL for
 * FAIL_R_NONE and for a value out of range. */
const char *fail_reason_name(enum fail_reason r);

/* Exit status of --check for a class (0 for FAIL_NONE). */
int fail_exit_code(enum fail_class c);

/* Fill *f (reason FAIL_R_NONE, no facts); detail is printf-formatted
 * and truncated to fit. */
void fail_set(struct failure *f, enum phase p, enum fail_class c,
	      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* fail_set() with a reason. */
void fail_set_reason(struct failure *f, enum phase p, enum fail_class c,
		     enum fail_reason r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Copy the text src into the fact dst of cap bytes, cut to fit (never
 * inside a UTF-8 sequence). */
void fail_fact(char *dst, size_t cap, const char *src);

/* Set the hint line; printf-formatted, truncated to fit. */
void fail_hint(struct failure *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
