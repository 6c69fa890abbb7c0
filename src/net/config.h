/* config.h - connection settings: endpoint, TLS options, credentials.
 *
 * Plain value structs, filled by the caller (command line, host
 * specification, form) and copied into a session.  Strings are fixed
 * buffers, always NUL-terminated, so a copy owns everything it holds.
 * Secrets (password, key password) are wiped by config_wipe(). */
#ifndef IMAPCONN_CONFIG_H
#define IMAPCONN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define CONFIG_HOST_MAX 256	/* DNS names are at most 253 octets */
#define CONFIG_HOST_UNICODE_MAX 1024	/* the same with U-labels */
#define CONFIG_PATH_MAX 1024
#define CONFIG_STR_MAX 512
#define CONFIG_SECRET_MAX 1024

enum addr_kind {
	ADDR_NAME = 0,		/* a host name, resolved later */
	ADDR_IPV4,		/* dotted or integer form, stored dotted */
	ADDR_IPV6		/* stored without brackets */
};

enum starttls_mode {
	STARTTLS_OFF = 0,
	STARTTLS_REQUIRED,	/* not offered or refused: stop */
	STARTTLS_OPPORTUNISTIC	/* the reference's "if supported" */
};

enum tls_version {
	TLSV_DEFAULT = 0,	/* min: 1.2; max: highest available */
	TLSV_1_0,
	TLSV_1_1,
	TLSV_1_2,
	TLSV_1_3
};

/* TLS client settings.  Empty strings mean "not given". */
struct tls_opts {
	bool verify;			/* default true */
	int verify_depth;		/* -1: OpenSSL's default */
	enum tls_version min_version;
	enum tls_version max_version;
	char ca_file[CONFIG_PATH_MAX];
	char ca_dir[CONFIG_PATH_MAX];
	char cert_file[CONFIG_PATH_MAX];
	char key_file[CONFIG_PATH_MAX];
	char key_password_file[CONFIG_PATH_MAX];
	char key_password[CONFIG_SECRET_MAX];	/* secret */
	char crl_file[CONFIG_PATH_MAX];
	char ciphers[CONFIG_STR_MAX];		/* TLS <= 1.2 list */
	char ciphersuites[CONFIG_STR_MAX];	/* TLS 1.3 list */
	char server_name[CONFIG_HOST_MAX];	/* SNI and name checked */
	char pin[CONFIG_STR_MAX];	/* "sha256//BASE64[;...]": the
					 * server's key must be one of
					 * these (pin.h) */
};

/* Where to connect and how, as a host specification describes it. */
struct endpoint {
	char host[CONFIG_HOST_MAX];	/* name or address, no brackets;
					 * an international name in its
					 * A-labels (xn--) */
	char host_unicode[CONFIG_HOST_UNICODE_MAX];	/* its U-labels, when
							 * it has A-labels;
							 * else "" */
	enum addr_kind kind;
	uint16_t port;			/* 0: not given (see endpoint_port) */
	bool ssl;			/* implicit TLS */
	bool ssl_set;			/* ssl given explicitly */
	enum starttls_mode starttls;
	bool starttls_set;		/* starttls given explicitly */
	char user[CONFIG_STR_MAX];	/* from a URL; empty if none */
	char mailbox[CONFIG_STR_MAX];	/* from a URL path; empty if none */
	struct tls_opts tls;
};

/* Everything one connection needs. */
struct conn_config {
	struct endpoint ep;
	char user[CONFIG_STR_MAX];
	char password[CONFIG_SECRET_MAX];	/* secret */
	bool have_password;
	char oauth_token[CONFIG_SECRET_MAX];	/* secret: an OAuth 2.0
						 * bearer token */
	bool have_token;
	double timeout_s;		/* per wait; default 30 */
	bool allow_plaintext_auth;
	char select[CONFIG_STR_MAX];	/* mailbox to open; empty: none */
	bool select_rw;			/* SELECT instead of EXAMINE */
	char transcript_path[CONFIG_PATH_MAX];
	bool transcript;		/* EV_TRANSCRIPT events wanted (by
					 * --transcript, --report, the
					 * interface's transcript view); when
					 * false none is built.  Default true */
	bool stay_open;			/* after the list, wait for requests
					 * (the terminal interface) */
	bool id_send_name;		/* ID tells our name and version
					 * instead of NIL */
	unsigned auth_mechs;		/* CONN_AUTH_* allowed (--auth);
					 * 0: any */
	bool no_pipelining;		/* one command per round trip */
	double deadline_s;		/* the whole connection up to the
					 * list; 0: config_deadline_s() */
	char tunnel[CONFIG_PATH_MAX];	/* --tunnel: a command for sh -c
					 * instead of a socket; "" none */
	char known_certs[CONFIG_PATH_MAX];	/* the file of certificates
						 * accepted for good
						 * (knowncerts.h); "" none */
};

/* Login mechanisms --auth may name. */
#define CONN_AUTH_LOGIN 1u
#define CONN_AUTH_PLAIN 2u
#define CONN_AUTH_SCRAM_SHA256_PLUS 4u
#define CONN_AUTH_SCRAM_SHA1_PLUS 8u
#define CONN_AUTH_SCRAM_SHA256 16u
#define CONN_AUTH_SCRAM_SHA1 32u
#define CONN_AUTH_GSSAPI 64u
#define CONN_AUTH_EXTERNAL 128u
#define CONN_AUTH_CRAM_MD5 256u
#define CONN_AUTH_OAUTHBEARER 512u
#define CONN_AUTH_XOAUTH2 1024u

/* Defaults of the reference and of secure practice: verify on,
 * TLS 1.2 minimum, timeout 30 s.  The TLS choice starts unset (implicit
 * TLS and STARTTLS off): endpoint_tls_default() fills it in. */
void tls_opts_init(struct tls_opts *t);
void endpoint_init(struct endpoint *ep);
void config_init(struct conn_config *c);

/* The bound on the whole connection up to the list: deadline_s, or
 * four times the timeout of one wait (120 s by default), so that a
 * server answering each wait just in time cannot stretch it. */
double config_deadline_s(const struct conn_config *c);

/* The port to use: the one given, else 993 with implicit TLS, else 143. */
uint16_t endpoint_port(const struct endpoint *ep);

/* Encrypted by default (RFC 8314): when the TLS choice was not given
 * (neither ssl_set nor starttls_set), port 993 means implicit TLS and
 * any other port STARTTLS required.  Implicit TLS not chosen and
 * STARTTLS not given also means STARTTLS required.  A choice given
 * (":starttls nil", --starttls=off, --ssl) is kept; the *_set flags are
 * left as they were, so a later call after the port changed follows
 * the new port. */
void endpoint_tls_default(struct endpoint *ep);

/* Name of a STARTTLS mode ("off", "required", "opportunistic"). */
const char *starttls_mode_name(enum starttls_mode m);

/* Name of a TLS version ("1.2", or "default"). */
const char *tls_version_name(enum tls_version v);

/* Parse "1.0".."1.3" (also "tls1.2", "TLSv1.2"); 0 on success. */
int tls_version_parse(const char *s, enum tls_version *out);

/* Wipe every secret in *c (OPENSSL_cleanse); a password that appears
 * in the tunnel command is replaced there by REDACT_MARK. */
void config_wipe(struct conn_config *c);
void tls_opts_wipe(struct tls_opts *t);

#endif
