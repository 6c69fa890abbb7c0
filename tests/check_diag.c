/* check_diag.c - diag_explain(): from a failure, the settings and what
 * the session saw to the hint that says what to change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "check_units.h"
#include "diag.h"
#include "escape.h"
#include "event.h"
#include "fail.h"
#include "options.h"
#include "tls.h"

#define ARGS_MAX 8
#define WANT_MAX 4
#define DAY 86400
#define NOW 1767225600		/* 2026-01-01T00:00:00Z */

/* TLS summaries the cases refer to by name. */
enum tls_fixture {
	TLS_NONE = 0,		/* no summary */
	TLS_SELF,		/* a self-signed leaf */
	TLS_LEAF_ONLY,		/* only the leaf, its issuer unknown */
	TLS_NO_ROOT,		/* leaf + intermediate, root unknown */
	TLS_ROOT_SENT,		/* leaf + intermediate + untrusted root */
	TLS_EXPIRED,		/* the leaf expired 40 days ago */
	TLS_EXPIRED_CA,		/* the intermediate expired 3 days ago */
	TLS_NOT_YET,		/* the leaf is valid in 20 days */
	TLS_MISMATCH,		/* names: mail., imap.example.test, an IP */
	TLS_MISMATCH_IP,	/* checked an address, names only */
	TLS_WILDCARD,		/* *.example.test */
	TLS_CN_ONLY,		/* no SANs: the subject's CN */
	TLS_EXPIRED_SELF,	/* self-signed and expired 40 days ago */
	TLS_FIXTURE_COUNT
};

/* A failure, the command line it happened under, what the session
 * reported before it, and distinctive parts of the hint it must get
 * (none: no hint at all).  The detail is never looked at: each case
 * runs with a made-up one. */
struct diag_case {
	enum fail_class cls;
	enum phase phase;
	enum fail_reason reason;
	const char *fact;		/* what the failure carries, by
					 * reason: see set_fact() */
	const char *args[ARGS_MAX];	/* HOST and options */
	enum tls_fixture tls;
	const char *caps;		/* before TLS; NULL: none seen */
	const char *times;		/* "resolve=4,connect=3" (ms) */
	const char *want[WANT_MAX];
};

static const struct diag_case cases[] = {
	/* name resolution */
	{ FAIL_DNS, PHASE_RESOLVE, FAIL_R_NONE, NULL,
	  { "nohost.invalid" }, 0, NULL, NULL,
	  { "nohost.invalid does not resolve", "getent hosts nohost.invalid"
	  } },
	{ FAIL_DNS, PHASE_RESOLVE, FAIL_R_DNS_TEMPORARY, NULL,
	  { "h" }, 0, NULL, NULL,
	  { "no DNS server answered for h" } },
	{ FAIL_DNS, PHASE_RESOLVE, FAIL_R_DNS_NO_ADDRESS, NULL,
	  { "h" },
	  0, NULL, NULL, { "has no address" } },
	{ FAIL_DNS, PHASE_RESOLVE, FAIL_R_HOST_TOO_LONG, NULL,
	  { "h" },
	  0, NULL, NULL, { "getent hosts NAME" } },
	/* connection: one family, several, each failing its own way */
	{ FAIL_REFUSED, PHASE_CONNECT, FAIL_R_NONE,
	  "127.0.0.1=refused",
	  { "127.0.0.1" }, 0, NULL, NULL,
	  { "nothing listens on port 143 at 127.0.0.1 (IPv4)", "--port",
	    "try [::1] if it listens on IPv6 only" } },
	{ FAIL_REFUSED, PHASE_CONNECT, FAIL_R_NONE,
	  "[::1]=refused",
	  { "v6only.test:4711" }, 0, NULL, NULL,
	  { "at [::1] (IPv6), the only family v6only.test resolves to",
	    "try 127.0.0.1 if it listens on IPv4 only" } },
	{ FAIL_REFUSED, PHASE_CONNECT, FAIL_R_NONE,
	  "[2001:db8::1]=refused",
	  { "--ssl", "[2001:db8::1]" }, 0, NULL, NULL,
	  { "(IPv6)", "its IPv4 address if it listens on IPv4 only" } },
	{ FAIL_REFUSED, PHASE_CONNECT, FAIL_R_NONE,
	  "[::1]=refused 127.0.0.1=refused",
	  { "localhost" }, 0, NULL,
	  NULL, { "at [::1], 127.0.0.1 (IPv4 and IPv6):", "Port (--port" } },
	{ FAIL_TIMEOUT, PHASE_CONNECT, FAIL_R_NONE,
	  "192.0.2.1=timeout",
	  { "--timeout=1", "imaps://192.0.2.1" }, 0, NULL,
	  "resolve=0", { "no answer from 192.0.2.1 (IPv4) on port 993 "
	  "within 1 s", "firewall", "--timeout 3" } },
	{ FAIL_TIMEOUT, PHASE_CONNECT, FAIL_R_NONE,
	  "[::1]=refused 127.0.0.1=timeout",
	  { "--timeout", "1",
	  "localhost" }, 0, NULL, NULL, { "[::1] (IPv6) refused",
	  "127.0.0.1 (IPv4) did not answer in 1 s",
	  "firewall for the silent one",
	  "--timeout 3" } },
	{ FAIL_UNREACHABLE, PHASE_CONNECT, FAIL_R_NONE,
	  "[2001:db8::1]=unreachable",
	  { "[2001:db8::1]" }, 0, NULL, NULL,
	  { "no route to [2001:db8::1] (IPv6)", "no IPv6 route" } },
	{ FAIL_UNREACHABLE, PHASE_CONNECT, FAIL_R_NONE, NULL,
	  { "h" }, 0,
	  NULL, NULL, { "no route to that address" } },
	/* implicit TLS to a plain port, plain to a TLS port */
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_NOT_TLS, NULL,
	  { "--ssl", "h:143" }, 0, NULL, NULL,
	  { "this port (143) speaks plain IMAP", "--no-ssl --starttls",
	    "port 993" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_NOT_TLS, NULL,
	  { "imaps://h:143" }, 0, NULL, NULL,
	  { "speaks plain IMAP" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_STARTTLS, FAIL_R_TLS_NOT_TLS, NULL,
	  { "--starttls", "h" }, 0, NULL, NULL,
	  { "did not speak TLS after it" } },
	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_TLS_AT_GREETING, NULL,
	  { "h:4993" }, 0, NULL, NULL,
	  { "this port expects TLS", "Implicit TLS (--ssl)" } },
	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_NOT_IMAP_GREETING,
	  "\\x16\\x03\\x01 (bad line)",
	  { "h" }, 0,
	  NULL, NULL, { "this port expects TLS" } },
	{ FAIL_TIMEOUT, PHASE_GREETING, FAIL_R_NONE, NULL,
	  { "--starttls=off", "h:993" }, 0, NULL, NULL,
	  { "port 993 expects TLS", "--ssl" } },
	{ FAIL_TIMEOUT, PHASE_GREETING, FAIL_R_NONE, NULL,
	  { "--timeout=1", "h:4993" }, 0, NULL,
	  "resolve=4,connect=3,greeting=1001",
	  { "no answer within 1 s for the greeting (after resolve 4 ms, "
	    "connect 3 ms)", "if this port expects TLS, turn on Implicit "
	    "TLS (--ssl)", "if the server is only slow, try --timeout 3" } },
	/* other protocols where a greeting belongs */
	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_NOT_IMAP_GREETING,
	  "+OK POP3 ready",
	  { "h:110" }, 0, NULL,
	  NULL, { "this port speaks POP3, not IMAP" } },
	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_NOT_IMAP_GREETING,
	  "SSH-2.0-OpenSSH_9.6",
	  { "h:22" }, 0,
	  NULL, NULL, { "speaks SSH" } },
	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_NOT_IMAP_GREETING,
	  "hello",
	  { "h" }, 0, NULL, NULL,
	  { "does not speak IMAP" } },
	/* certificates */
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_SELF_SIGNED, NULL,
	  { "imaps://h" }, TLS_SELF,
	  NULL, NULL, { "(CN=mail.example.test) is self-signed",
	  "--ca-file FILE" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_SELF_SIGNED, NULL,
	  { "--ca-file=/ca.pem",
	  "imaps://h" }, TLS_SELF, NULL, NULL,
	  { "the CA file given does not hold it" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_SELF_SIGNED, NULL,
	  { "imaps://h" }, TLS_NONE,
	  NULL, NULL, { "is self-signed", "--ca-file" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNKNOWN_ISSUER, NULL,
	  { "imaps://h" },
	  TLS_LEAF_ONLY, NULL, NULL, { "sent only its own certificate",
	  "its issuer CN=R11 is neither in it nor trusted here",
	  "if CN=R11 is an intermediate, the server must also send it",
	  "if it is your private root CA, give it as CA file (--ca-file" } },
	/* the root is trusted by the CA file: a missing intermediate */
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNKNOWN_ISSUER, NULL,
	  { "--ca-file=/ca.pem",
	  "imaps://h" }, TLS_LEAF_ONLY, NULL, NULL,
	  { "its issuer CN=R11 is not in the CAs given",
	  "the server must also send that intermediate certificate" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNKNOWN_ISSUER, NULL,
	  { "imaps://h" },
	  TLS_NO_ROOT, NULL, NULL, { "ends at CN=Example Intermediate, "
	  "issued by CN=Example Root, which is not trusted here",
	  "if CN=Example Root is your private root CA, give it as CA file "
	  "(--ca-file FILE)" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNTRUSTED_ROOT, NULL,
	  { "imaps://h" }, TLS_ROOT_SENT, NULL, NULL,
	  { "ends in the root CA CN=Example Root, a private CA not trusted "
	  "here", "give that root as CA file (--ca-file FILE)" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNTRUSTED_ROOT, NULL,
	  { "--ca-file=/other.pem", "imaps://h" }, TLS_ROOT_SENT, NULL, NULL,
	  { "the root CA CN=Example Root", "the CA file given does not hold "
	  "it" } },
	/* without a summary (the detail only): still a root */
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNTRUSTED_ROOT, NULL,
	  { "imaps://h" }, TLS_NONE, NULL, NULL,
	  { "ends in the root CA, a private CA not trusted here" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_UNKNOWN_ISSUER, NULL,
	  { "imaps://h" },
	  TLS_NONE, NULL, NULL, { "certificate is not trusted" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_EXPIRED, NULL,
	  { "imaps://h" }, TLS_EXPIRED,
	  NULL, NULL, { "the server's certificate (CN=mail.example.test) "
	  "expired on 2025-11-22, 40 days ago (valid from 2025-09-23)",
	  "renew", "it says 2026-01-01" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_EXPIRED, NULL,
	  { "imaps://h" },
	  TLS_EXPIRED_CA, NULL, NULL, { "the CA certificate CN=Example "
	  "Intermediate expired on 2025-12-29, 3 days ago" } },
	/* Expired and self-signed: the renewal is the fix, not trust. */
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_SELF_SIGNED, NULL,
	  { "imaps://h" }, TLS_EXPIRED_SELF,
	  NULL, NULL, { "the server's certificate (CN=mail.example.test) "
	  "expired on 2025-11-22, 40 days ago", "must renew it" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_EXPIRED, NULL,
	  { "imaps://h" }, TLS_NONE,
	  NULL, NULL, { "has expired", "clock" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_NOT_YET_VALID, NULL,
	  { "imaps://h" },
	  TLS_NOT_YET, NULL, NULL, { "is valid only from 2026-01-21, in 20 "
	  "days (until 2026-04-21)", "check this machine's clock" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_NAME_MISMATCH,
	  "DNS:mail.example.test, DNS:imap.example.test, IP:192.0.2.7",
	  { "imaps://imap.exmaple.test" }, TLS_MISMATCH,
	  NULL, NULL, { "the certificate is for mail.example.test, "
	  "imap.example.test, 192.0.2.7, not imap.exmaple.test",
	  "either imap.exmaple.test is not this server's name",
	  "or it has the wrong certificate" } },
	{ FAIL_TLS_VERIFY, PHASE_STARTTLS, FAIL_R_CERT_NAME_MISMATCH,
	  "DNS:mail.example.test, DNS:imap.example.test",
	  { "--server-name=imap.exmaple.test", "--starttls", "192.0.2.7" },
	  TLS_NONE, NULL, NULL, { "not imap.exmaple.test",
	  "check the host name and Server name" } },
	{ FAIL_TLS_VERIFY, PHASE_STARTTLS, FAIL_R_CERT_NAME_MISMATCH, NULL,
	  { "--starttls", "192.0.2.8" },
	  TLS_MISMATCH_IP, NULL, NULL, { "not 192.0.2.8",
	  "connect by the server's host name", "not by address" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_NAME_MISMATCH, NULL,
	  { "imaps://example.test" }, TLS_WILDCARD,
	  NULL, NULL, { "*.example.test", "not example.test",
	  "wrong certificate" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_NAME_MISMATCH, NULL,
	  { "imaps://legacy.example" }, TLS_CN_ONLY,
	  NULL, NULL, { "legacy.example.test, not legacy.example" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_REVOKED, NULL,
	  { "imaps://h" }, TLS_NONE, NULL,
	  NULL, { "revoked" } },
	{ FAIL_TLS_VERIFY, PHASE_TLS, FAIL_R_CERT_OTHER, NULL,
	  { "imaps://h" }, TLS_NONE, NULL, NULL,
	  { "certificate is not trusted" } },
	/* TLS versions and ciphers */
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_VERSION, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "accepts none of TLS 1.2 to 1.3", "--tls-min 1.0",
	    "(insecure)" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_VERSION, NULL,
	  { "--tls-max=1.2", "imaps://h" }, 0, NULL,
	  NULL, { "does not accept TLS 1.2, the only version offered",
	  "--tls-max 1.3", "--tls-min 1.0" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_VERSION, NULL,
	  { "--tls-min=1.3", "imaps://h" }, 0, NULL,
	  NULL, { "does not accept TLS 1.3,", "lower TLS min (--tls-min "
	  "1.2)" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_VERSION,
	  "TLS 1.0",
	  { "imaps://h" }, 0, NULL,
	  NULL, { "the server offers only TLS 1.0, below TLS min 1.2",
	  "--tls-min 1.0", "insecure" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_VERSION,
	  "TLS 1.1",
	  { "--tls-min=1.0",
	  "--tls-max=1.0", "imaps://h" }, 0, NULL, NULL,
	  { "chose TLS 1.1, above TLS max 1.0", "--tls-max" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_STARTTLS, FAIL_R_TLS_VERSION,
	  "SSL 3.0",
	  { "--starttls",
	  "h" }, 0, NULL, NULL, { "only SSL 3.0, which no setting allows" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_VERSION, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "accepts none of TLS 1.2 to 1.3" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_NO_SHARED_CIPHER, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "no cipher in common", "--ciphers 'DEFAULT:@SECLEVEL=0'",
	    "insecure" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_NO_SHARED_CIPHER, NULL,
	  { "--tls-max=1.2", "--ciphers=ECDHE-ECDSA-"
	  "AES128-GCM-SHA256", "imaps://h" }, 0, NULL, NULL,
	  { "none of the ciphers offered (ECDHE-ECDSA-AES128-GCM-SHA256)",
	    "drop or widen Ciphers" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_NO_CIPHERS, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "leave no cipher to offer" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_CERT_REQUIRED, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "client certificate", "--cert" } },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_NONE, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "TLS could not be set up" } },
	{ FAIL_NETWORK, PHASE_TLS, FAIL_R_CLOSED_IN_HANDSHAKE, NULL,
	  { "imaps://h" }, 0, NULL,
	  NULL, { "may not speak TLS" } },
	/* STARTTLS, LOGINDISABLED, login */
	{ FAIL_STARTTLS, PHASE_STARTTLS, FAIL_R_STARTTLS_NOT_OFFERED, NULL,
	  { "--starttls", "h" }, 0, "IMAP4rev1", NULL,
	  { "does not offer STARTTLS", "possible downgrade: password not "
	  "sent", "--ssl, port 993" } },
	{ FAIL_STARTTLS, PHASE_STARTTLS, FAIL_R_STARTTLS_REFUSED, NULL,
	  { "--starttls", "h" }, 0, "IMAP4rev1 STARTTLS", NULL,
	  { "refused STARTTLS", "possible downgrade: password not sent" } },
	{ FAIL_STARTTLS, PHASE_STARTTLS, FAIL_R_PREAUTH_BEFORE_STARTTLS, NULL,
	  { "--starttls", "h" }, 0, NULL, NULL,
	  { "logged in before STARTTLS" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_PLAINTEXT_WITHHELD, NULL,
	  { "imap://bob@h" }, 0,
	  "IMAP4rev1 STARTTLS AUTH=PLAIN", NULL,
	  { "offers STARTTLS, turn it on (--starttls)",
	    "--allow-plaintext-auth" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_PLAINTEXT_WITHHELD, NULL,
	  { "imap://bob@h" }, 0, "IMAP4rev1", NULL,
	  { "Implicit TLS (--ssl, port 993)", "--allow-plaintext-auth" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGINDISABLED, NULL,
	  { "--allow-plaintext-auth",
	  "imap://bob@h" }, 0, "IMAP4rev1 STARTTLS LOGINDISABLED", NULL,
	  { "refuses logins before TLS (LOGINDISABLED) and offers STARTTLS",
	    "--starttls" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGINDISABLED, NULL,
	  { "--allow-plaintext-auth",
	  "imap://bob@h" }, 0, "IMAP4rev1 LOGINDISABLED", NULL,
	  { "offers no STARTTLS, so there is no way to TLS on this port",
	    "--ssl, port 993" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGINDISABLED, NULL,
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "refuses LOGIN even over TLS" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[AUTHENTICATIONFAILED] Authentication failed.",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "the server said \"Authentication failed.\" with "
	    "AUTHENTICATIONFAILED (RFC 5530)", "user name or password is "
	    "wrong" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[EXPIRED] Password expired",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "EXPIRED (RFC 5530)", "renew" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[UNAVAILABLE] Temporary authentication failure",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "UNAVAILABLE (RFC 5530)", "try again later" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[ALERT] Application-specific password required",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "Application-specific password required\" with ALERT (RFC "
	    "3501)", "do what it says" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "Login failed",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "\"Login failed\", without an RFC 5530 code",
	    "check the user name and the password" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[X-ODD] no",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "with [X-ODD]" } },
	/* A refused password at a provider that takes none, or its own */
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[AUTHENTICATIONFAILED] Invalid credentials (Failure)",
	  { "imaps://bob@imap.gmail.com" }, 0, NULL, NULL,
	  { "Gmail: no account password over IMAP", "an app password",
	    "--oauth-token-command, scope https://mail.google.com/" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "AUTHENTICATE failed.",
	  { "imaps://bob@outlook.office365.com" }, 0, NULL, NULL,
	  { "Outlook.com and Microsoft 365: no account password",
	    "OAuth 2.0 only", "IMAP.AccessAsUser.All" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_LOGIN_REFUSED,
	  "[AUTHENTICATIONFAILED] no",
	  { "imaps://bob@imap.gmx.net" }, 0, NULL, NULL,
	  { "GMX takes the account password once IMAP is allowed",
	    "check User and Password" } },
	/* OAuth: the server's error challenge read again */
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_OAUTH_REFUSED,
	  "{\"status\":\"401\",\"schemes\":\"Bearer\","
	  "\"scope\":\"https://mail.google.com/\"}",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "(status \"401\")", "has expired", "get a fresh one",
	    "\"https://mail.google.com/\"" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_OAUTH_REFUSED,
	  "{\"status\":\"insufficient_scope\",\"scope\":"
	  "\"https://outlook.office.com/IMAP.AccessAsUser.All\"}",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "lacks the mail scope", "\"https://outlook.office.com/"
	    "IMAP.AccessAsUser.All\"" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_OAUTH_REFUSED,
	  "{\"status\":\"400\"}",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "refused the OAuth request", "\"bob\"" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_OAUTH_REFUSED, "not json",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "could not be read", "mail scope" } },
	/* mechanisms and credentials that do not meet */
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_TOKEN_NEEDED, "XOAUTH2 OAUTHBEARER",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "it offers XOAUTH2 OAUTHBEARER", "not a password",
	    "--oauth-token-command", "IMAPCONN_OAUTH_TOKEN" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_OAUTH_NOT_OFFERED,
	  "SCRAM-SHA-256 PLAIN",
	  { "imaps://bob@h" }, 0, NULL, NULL,
	  { "no OAuth mechanism here, only SCRAM-SHA-256 PLAIN",
	    "password" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_NO_KERBEROS_TICKET, NULL,
	  { "--auth", "gssapi", "imaps://bob@h" }, 0, NULL, NULL,
	  { "no Kerberos ticket: run kinit", "klist" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_EXTERNAL_NO_CERT, NULL,
	  { "--auth", "external", "imaps://bob@h" }, 0, NULL, NULL,
	  { "--cert FILE and --key FILE" } },
	{ FAIL_AUTH, PHASE_AUTH, FAIL_R_MECH_NOT_OFFERED, "PLAIN XOAUTH2",
	  { "--auth", "scram-sha-256", "imaps://bob@h" }, 0, NULL, NULL,
	  { "the server offers PLAIN XOAUTH2", "--auth" } },
	{ FAIL_SERVER, PHASE_GREETING, FAIL_R_BYE,
	  "[UNAVAILABLE] Too many connections",
	  { "h" }, 0, NULL, NULL,
	  { "refused the connection at once (BYE \"Too many connections\")",
	    "try again later" } },
	{ FAIL_SERVER, PHASE_GREETING, FAIL_R_BYE,
	  "go away",
	  { "h" }, 0, NULL, NULL, { "(BYE \"go away\")", "overloaded" } },
	{ FAIL_SERVER, PHASE_LIST, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL, { "refused the command" } },
	/* timeouts in other phases */
	{ FAIL_TIMEOUT, PHASE_TLS, FAIL_R_NONE, NULL,
	  { "--timeout=1", "imaps://h:143" }, 0, NULL,
	  "resolve=1,connect=2,tls=1000", { "for the TLS handshake (after "
	  "resolve 1 ms, connect 2 ms)", "--no-ssl --starttls",
	  "--timeout 3" } },
	{ FAIL_TIMEOUT, PHASE_AUTH, FAIL_R_NONE, NULL,
	  { "--timeout=2", "imaps://bob@h" }, 0, NULL,
	  "resolve=1,connect=1,tls=20,greeting=1,capability=1",
	  { "for the login reply (after 5 phases in 24 ms, the slowest tls "
	    "20 ms)", "wrong password", "--timeout 10" } },
	{ FAIL_TIMEOUT, PHASE_LIST, FAIL_R_NONE, NULL,
	  { "--timeout=1", "h" }, 0, NULL,
	  "resolve=1,connect=2400,greeting=1",
	  { "for the mailbox list", "--timeout 10" } },
	{ FAIL_TIMEOUT, PHASE_GREETING, FAIL_R_NONE, NULL,
	  { "imaps://h" }, 0, NULL, NULL,
	  { "within 30 s for the greeting: if the server is only slow, try "
	    "--timeout 90" } },
	{ FAIL_TIMEOUT, PHASE_RESOLVE, FAIL_R_NONE, NULL,
	  { "--timeout=2.5", "h" }, 0, NULL, NULL,
	  { "within 2.5 s for the name lookup", "DNS server",
	    "--timeout 10" } },
	/* the rest */
	{ FAIL_PROTOCOL, PHASE_STARTTLS, FAIL_R_STARTTLS_INJECTION, NULL,
	  { "--starttls", "h" }, 0, NULL, NULL, { "tampering" } },
	{ FAIL_PROTOCOL, PHASE_LIST, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL,
	  { "--transcript" } },
	{ FAIL_TOO_LARGE, PHASE_LIST, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL, { "more than imapconn accepts" } },
	{ FAIL_NETWORK, PHASE_GREETING, FAIL_R_SERVER_CLOSED, NULL,
	  { "h" }, 0, NULL, NULL, { "before its greeting", "--ssl" } },
	{ FAIL_NETWORK, PHASE_LIST, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL, { "--transcript" } },
	{ FAIL_INPUT, PHASE_NONE, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL, { "check the file" } },
	{ FAIL_USAGE, PHASE_NONE, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL,
	  { "--help" } },
	{ FAIL_INTERNAL, PHASE_CONNECT, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL,
	  NULL, { "bug" } },
	{ FAIL_CANCELLED, PHASE_GREETING, FAIL_R_NONE, NULL,
	  { "h:993" }, 0, NULL,
	  NULL, { NULL } },
	{ FAIL_CANCELLED, PHASE_TLS, FAIL_R_TLS_NOT_TLS, NULL,
	  { "imaps://h" }, 0, NULL, NULL, { NULL } },
	{ FAIL_NONE, PHASE_NONE, FAIL_R_NONE, NULL,
	  { "h" }, 0, NULL, NULL, { NULL } },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---------------------------------------------------------------- */

static void
parse_args(const char *const *args, struct options *o)
{
	char *argv[ARGS_MAX + 2];
	char err[OPTIONS_ERR_MAX];
	int argc = 0, rc;

	argv[argc++] = strdup("imapconn");
	for (size_t i = 0; i < ARGS_MAX && args[i] != NULL; i++)
		argv[argc++] = strdup(args[i]);
	argv[argc] = NULL;
	rc = options_parse(argc, argv, o, err, sizeof(err));
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	ck_assert_msg(rc == 0, "options refused: %s", err);
}

static void
cert(struct tls_cert_info *c, const char *subject, const char *issuer,
     const char *sans, int64_t from_days, int64_t to_days)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->subject, sizeof(c->subject), "%s", subject);
	snprintf(c->issuer, sizeof(c->issuer), "%s", issuer);
	snprintf(c->sans, sizeof(c->sans), "%s", sans);
	c->not_before_epoch = NOW + from_days * DAY;
	c->not_after_epoch = NOW + to_days * DAY;
	c->self_signed = strcmp(subject, issuer) == 0;
}

static const char leaf_name[] = "O=Example,CN=mail.example.test";
static const char mid_name[] = "CN=Example Intermediate";
static const char root_name[] = "CN=Example Root";
static const char two_names[] = "DNS:mail.example.test, "
				"DNS:imap.example.test";

/* The summary of fixture x, as the TLS module would report it. */
static void
make_tls(enum tls_fixture x, struct tls_summary *t)
{
	static const struct {
		long err;
		int depth;
		int sent;
	} facts[TLS_FIXTURE_COUNT] = {
		[TLS_SELF] = { X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0, 1 },
		[TLS_LEAF_ONLY] = {
			X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 0, 1 },
		[TLS_NO_ROOT] = {
			X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 1, 2 },
		[TLS_ROOT_SENT] = {
			X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 2, 3 },
		[TLS_EXPIRED] = { X509_V_ERR_CERT_HAS_EXPIRED, 0, 2 },
		[TLS_EXPIRED_CA] = { X509_V_ERR_CERT_HAS_EXPIRED, 1, 2 },
		[TLS_NOT_YET] = { X509_V_ERR_CERT_NOT_YET_VALID, 0, 2 },
		[TLS_MISMATCH] = { X509_V_ERR_HOSTNAME_MISMATCH, 0, 2 },
		[TLS_MISMATCH_IP] = { X509_V_ERR_IP_ADDRESS_MISMATCH, 0, 2 },
		[TLS_WILDCARD] = { X509_V_ERR_HOSTNAME_MISMATCH, 0, 2 },
		[TLS_CN_ONLY] = { X509_V_ERR_HOSTNAME_MISMATCH, 0, 2 },
		[TLS_EXPIRED_SELF] = { X509_V_ERR_CERT_HAS_EXPIRED, 0, 1 },
	};
	static const char *const expected[TLS_FIXTURE_COUNT] = {
		[TLS_MISMATCH] = "imap.exmaple.test",
		[TLS_MISMATCH_IP] = "192.0.2.8",
		[TLS_WILDCARD] = "example.test",
		[TLS_CN_ONLY] = "legacy.example",
	};

	memset(t, 0, sizeof(*t));
	snprintf(t->version, sizeof(t->version), "TLSv1.3");
	snprintf(t->expected_name, sizeof(t->expected_name), "%s",
		 expected[x] != NULL ? expected[x] : "mail.example.test");
	t->verify_enabled = true;
	t->verify_error = facts[x].err;
	t->verify_error_depth = facts[x].depth;
	snprintf(t->verify_error_text, sizeof(t->verify_error_text), "%s",
		 X509_verify_cert_error_string(facts[x].err));
	t->chain_sent = t->chain_len = facts[x].sent;
	cert(&t->chain[0], leaf_name, mid_name, two_names, -100, 200);
	cert(&t->chain[1], mid_name, root_name, "", -1000, 1000);
	cert(&t->chain[2], root_name, root_name, "", -2000, 2000);
	if (x == TLS_SELF)
		cert(&t->chain[0], "CN=mail.example.test",
		     "CN=mail.example.test", "DNS:mail.example.test", -1, 30);
	if (x == TLS_LEAF_ONLY)
		cert(&t->chain[0], leaf_name, "C=US,O=Let's Encrypt,CN=R11",
		     two_names, -1, 80);
	if (x == TLS_EXPIRED)
		cert(&t->chain[0], leaf_name, mid_name, two_names, -100, -40);
	if (x == TLS_EXPIRED_CA)
		cert(&t->chain[1], mid_name, root_name, "", -1000, -3);
	if (x == TLS_NOT_YET)
		cert(&t->chain[0], leaf_name, mid_name, two_names, 20, 110);
	if (x == TLS_MISMATCH)
		snprintf(t->chain[0].sans, sizeof(t->chain[0].sans),
			 "%s, IP:192.0.2.7", two_names);
	if (x == TLS_WILDCARD)
		snprintf(t->chain[0].sans, sizeof(t->chain[0].sans),
			 "DNS:*.example.test");
	if (x == TLS_CN_ONLY)
		cert(&t->chain[0], "O=Old,CN=legacy.example.test", mid_name,
		     "", -1, 30);
	if (x == TLS_EXPIRED_SELF) {
		cert(&t->chain[0], "CN=mail.example.test",
		     "CN=mail.example.test", "DNS:mail.example.test", -100,
		     -40);
		t->chain[0].self_signed = true;
		t->nproblems = 2;
		t->problems[0].code = X509_V_ERR_CERT_HAS_EXPIRED;
		t->problems[1].code = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
	}
}

/* "resolve=4,connect=3" into in->phase_ms. */
static void
set_times(struct diag_input *in, const char *times)
{
	while (times != NULL && *times != '\0') {
		size_t len = strcspn(times, "=");
		bool found = false;

		for (int p = PHASE_RESOLVE; p < PHASE_COUNT; p++) {
			const char *name = phase_name((enum phase)p);

			if (strlen(name) != len ||
			    strncmp(name, times, len) != 0)
				continue;
			in->phase_ms[p] = atoll(times + len + 1);
			found = true;
		}
		ck_assert_msg(found, "bad times '%s'", times);
		times += strcspn(times, ",");
		times += *times == ',';
	}
}

/* "[::1]=refused 127.0.0.1=timeout" into f's attempts. */
static void
set_attempts(struct failure *f, const char *s)
{
	static const char *const outs[FAIL_OUT_COUNT] = {
		[FAIL_OUT_REFUSED] = "refused",
		[FAIL_OUT_TIMEOUT] = "timeout",
		[FAIL_OUT_UNREACHABLE] = "unreachable",
		[FAIL_OUT_OTHER] = "other",
	};

	while (*s != '\0' && f->n_attempts < FAIL_ATTEMPTS_MAX) {
		struct fail_attempt *a = &f->attempts[f->n_attempts++];
		size_t hl = strcspn(s, "="), ol;

		snprintf(a->host, sizeof(a->host), "%.*s", (int)hl, s);
		s += hl + (s[hl] == '=');
		ol = strcspn(s, " ");
		a->out = FAIL_OUT_OTHER;
		for (int o = 0; o < FAIL_OUT_COUNT; o++)
			if (strlen(outs[o]) == ol &&
			    strncmp(s, outs[o], ol) == 0)
				a->out = (enum fail_outcome)o;
		s += ol;
		s += strspn(s, " ");
	}
}

/* The fact a case's failure carries, where its reason keeps it. */
static void
set_fact(struct failure *f, const char *fact)
{
	if (fact == NULL)
		return;
	switch (f->reason) {
	case FAIL_R_LOGIN_REFUSED:
	case FAIL_R_BYE:
		fail_fact(f->said, sizeof(f->said), fact);
		break;
	case FAIL_R_NOT_IMAP_GREETING:
		fail_fact(f->got, sizeof(f->got), fact);
		break;
	case FAIL_R_OAUTH_REFUSED:
		fail_fact(f->challenge, sizeof(f->challenge), fact);
		break;
	case FAIL_R_TOKEN_NEEDED:
	case FAIL_R_OAUTH_NOT_OFFERED:
	case FAIL_R_MECH_NOT_OFFERED:
		fail_fact(f->mechs, sizeof(f->mechs), fact);
		break;
	case FAIL_R_TLS_VERSION:
		fail_fact(f->tls_chosen, sizeof(f->tls_chosen), fact);
		break;
	case FAIL_R_CERT_NAME_MISMATCH:
		fail_fact(f->cert_names, sizeof(f->cert_names), fact);
		break;
	default:
		set_attempts(f, fact);
		break;
	}
}

/* Explain c's failure with the detail given; *f gets the result. */
static void
explain_as(const struct diag_case *c, const char *detail,
	   struct options *o, struct tls_summary *t, struct failure *f)
{
	struct diag_input in;

	parse_args(c->args, o);
	diag_input_init(&in, &o->cfg);
	in.now = NOW;
	if (c->tls != TLS_NONE) {
		make_tls(c->tls, t);
		in.tls = t;
	}
	in.caps_before_tls = c->caps;
	set_times(&in, c->times);
	fail_set_reason(f, c->phase, c->cls, c->reason, "%s", detail);
	set_fact(f, c->fact);
	diag_explain(f, &in);
}

static const char case_detail[] = "what the failure says to people";

static void
explain_case(const struct diag_case *c, struct options *o,
	     struct tls_summary *t, struct failure *f)
{
	explain_as(c, case_detail, o, t, f);
}

START_TEST(test_hint)
{
	const struct diag_case *c = &cases[_i];
	struct tls_summary *t = malloc(sizeof(*t));
	struct options o;
	struct failure f;

	ck_assert_ptr_nonnull(t);
	explain_case(c, &o, t, &f);
	free(t);
	if (c->want[0] == NULL) {
		ck_assert_msg(f.hint[0] == '\0', "%s in %s: unexpected hint "
			      "'%s'", fail_class_name(c->cls),
			      phase_name(c->phase), f.hint);
		return;
	}
	for (size_t i = 0; i < WANT_MAX && c->want[i] != NULL; i++)
		ck_assert_msg(strstr(f.hint, c->want[i]) != NULL, "%s in %s, "
			      "%s: hint '%s' lacks '%s'",
			      fail_class_name(c->cls), phase_name(c->phase),
			      fail_reason_name(c->reason), f.hint,
			      c->want[i]);
	/* A name mismatch never offers a name of the certificate as the
	 * one to use: that is what an impostor's certificate asks for. */
	if (c->reason == FAIL_R_CERT_NAME_MISMATCH)
		ck_assert_msg(strstr(f.hint, "--server-name") == NULL &&
			      strstr(f.hint, "closest") == NULL &&
			      strstr(f.hint, "connect to it") == NULL &&
			      strstr(f.hint, "matching") == NULL,
			      "hint offers a name: '%s'", f.hint);
	/* An expired certificate is the server's to renew: never a hint
	 * to trust it. */
	if (c->tls == TLS_EXPIRED || c->tls == TLS_EXPIRED_SELF)
		ck_assert_msg(strstr(f.hint, "--ca-file") == NULL &&
			      strstr(f.hint, "--insecure") == NULL &&
			      strstr(f.hint, "trust") == NULL,
			      "hint offers trust: '%s'", f.hint);
	/* one whole line, not cut by the buffer */
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "hint cut: '%s'",
		      f.hint);
	ck_assert(strchr(f.hint, '\n') == NULL);
	/* the failure itself is left alone */
	ck_assert_int_eq(f.cls, c->cls);
	ck_assert_int_eq(f.phase, c->phase);
	ck_assert_str_eq(f.detail, case_detail);
	ck_assert_int_eq(f.reason, c->reason);
}
END_TEST

/* The detail is prose: any wording (or none) gives the same hint. */
START_TEST(test_reworded)
{
	static const char *const details[] = {
		"reworded", "", "BYE PREAUTH LOGINDISABLED unencrypted "
		"refused the login (--deadline) the tunnel command got: "
		"HTTP/1.1 the server chose TLS 1.0) wrong version number",
	};
	const struct diag_case *c = &cases[_i];
	struct tls_summary *t = malloc(sizeof(*t));
	struct options o;
	struct failure f;
	char first[FAIL_HINT_MAX];

	ck_assert_ptr_nonnull(t);
	explain_case(c, &o, t, &f);
	memcpy(first, f.hint, sizeof(first));
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		explain_as(c, details[i], &o, t, &f);
		ck_assert_str_eq(f.hint, first);
	}
	free(t);
}
END_TEST

/* Explaining twice changes nothing. */
START_TEST(test_idempotent)
{
	const struct diag_case *c = &cases[_i];
	struct tls_summary *t = malloc(sizeof(*t));
	struct diag_input in;
	struct options o;
	struct failure f;
	char first[FAIL_HINT_MAX];

	ck_assert_ptr_nonnull(t);
	explain_case(c, &o, t, &f);
	memcpy(first, f.hint, sizeof(first));
	diag_input_init(&in, &o.cfg);
	in.now = NOW;
	in.tls = c->tls != TLS_NONE ? t : NULL;
	in.caps_before_tls = c->caps;
	set_times(&in, c->times);
	diag_explain(&f, &in);
	ck_assert_str_eq(f.hint, first);
	free(t);
}
END_TEST

/* A hint the TLS module set is kept when only the general advice of the
 * class would replace it, and replaced when the facts say more. */
START_TEST(test_session_hint)
{
	static const char *const args[] = { "imaps://h", NULL };
	struct diag_input in;
	struct options o;
	struct failure f;

	parse_args(args, &o);
	diag_input_init(&in, &o.cfg);
	fail_set(&f, PHASE_TLS, FAIL_TLS_HANDSHAKE, "TLS handshake failed: "
		 "something new");
	fail_hint(&f, "the session knows better");
	diag_explain(&f, &in);
	ck_assert_str_eq(f.hint, "the session knows better");

	fail_set_reason(&f, PHASE_TLS, FAIL_TLS_HANDSHAKE, FAIL_R_TLS_NOT_TLS,
			"TLS handshake failed: wrong version number");
	fail_hint(&f, "the server did not answer in TLS");
	diag_explain(&f, &in);
	ck_assert_ptr_nonnull(strstr(f.hint, "speaks plain IMAP"));

	fail_set(&f, PHASE_GREETING, FAIL_CANCELLED, "cancelled");
	fail_hint(&f, "kept");
	diag_explain(&f, &in);
	ck_assert_str_eq(f.hint, "kept");
}
END_TEST

/* Every class but none and cancelled gets some hint, whatever the
 * reason, in every phase, even without the facts the reason has. */
START_TEST(test_every_class)
{
	static const char *const args[] = { "h", NULL };
	struct diag_input in;
	struct options o;

	parse_args(args, &o);
	diag_input_init(&in, &o.cfg);
	for (int c = FAIL_USAGE; c < FAIL_CLASS_COUNT; c++) {
		for (int r = FAIL_R_NONE; r < FAIL_REASON_COUNT; r++) {
			for (int p = PHASE_NONE; p < PHASE_COUNT; p++) {
				struct failure f;

				fail_set_reason(&f, (enum phase)p,
						(enum fail_class)c,
						(enum fail_reason)r, "x");
				diag_explain(&f, &in);
				if (c == FAIL_CANCELLED)
					ck_assert_str_eq(f.hint, "");
				else
					ck_assert_msg(f.hint[0] != '\0',
						      "no hint for %d in %d",
						      c, p);
			}
		}
	}
}
END_TEST

static bool
valid_utf8(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		uint32_t cp;
		size_t n = escape_utf8_decode(s, len, &cp);

		if (n == 0)
			return false;
		s += n;
		len -= n;
	}
	return true;
}

/* Long names and server texts: the hint still fits in one line, and
 * is not cut inside a character. */
START_TEST(test_long_inputs)
{
	char host[254], detail[FAIL_DETAIL_MAX], arg[300];
	const char *args[] = { arg, NULL };
	struct tls_summary *t = malloc(sizeof(*t));
	struct diag_input in;
	struct options o;
	struct failure f;

	ck_assert_ptr_nonnull(t);
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (size_t i = 60; i < sizeof(host) - 1; i += 61)
		host[i] = '.';
	snprintf(arg, sizeof(arg), "imaps://%s", host);
	parse_args(args, &o);
	diag_input_init(&in, &o.cfg);
	make_tls(TLS_MISMATCH, t);
	memset(t->chain[0].sans, 'b', sizeof(t->chain[0].sans) - 1);
	t->chain[0].sans[sizeof(t->chain[0].sans) - 1] = '\0';
	memcpy(t->chain[0].sans, "DNS:", 4);
	memset(t->chain[0].subject, 'c', sizeof(t->chain[0].subject) - 1);
	t->chain[0].subject[sizeof(t->chain[0].subject) - 1] = '\0';
	in.tls = t;
	fail_set(&f, PHASE_TLS, FAIL_TLS_VERIFY, "x");
	diag_explain(&f, &in);
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "cut: %s", f.hint);
	t->verify_error = X509_V_ERR_CERT_HAS_EXPIRED;
	diag_explain(&f, &in);
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "cut: %s", f.hint);

	snprintf(detail, sizeof(detail), "[AUTHENTICATIONFAILED] %0400d", 0);
	fail_set_reason(&f, PHASE_AUTH, FAIL_AUTH, FAIL_R_LOGIN_REFUSED,
			"x");
	fail_fact(f.said, sizeof(f.said), detail);
	diag_explain(&f, &in);
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "cut: %s", f.hint);

	snprintf(detail, sizeof(detail), "x");
	for (int i = 0; i < 100; i++)
		strcat(detail, "\xc3\xa9");
	fail_set_reason(&f, PHASE_GREETING, FAIL_SERVER, FAIL_R_BYE, "x");
	fail_fact(f.said, sizeof(f.said), detail);
	diag_explain(&f, &in);
	ck_assert_msg(valid_utf8(f.hint), "cut inside a character: %s",
		      f.hint);

	fail_set(&f, PHASE_RESOLVE, FAIL_DNS, "cannot resolve %s: Name or "
		 "service not known", host);
	diag_explain(&f, &in);
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "cut: %s", f.hint);

	fail_set(&f, PHASE_CONNECT, FAIL_REFUSED, "x");
	for (int i = 0; i < FAIL_ATTEMPTS_MAX; i++) {
		snprintf(f.attempts[i].host, sizeof(f.attempts[i].host),
			 "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:%d]", i);
		f.attempts[i].out = FAIL_OUT_REFUSED;
	}
	f.n_attempts = FAIL_ATTEMPTS_MAX;
	diag_explain(&f, &in);
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "cut: %s", f.hint);
	ck_assert_ptr_nonnull(strstr(f.hint, "and "));
	free(t);
}
END_TEST

static struct event *
phase_end(enum phase p, enum phase_result r, int64_t ms)
{
	struct event *ev = event_new(EV_PHASE_END, p);

	ck_assert_ptr_nonnull(ev);
	ev->result = r;
	ev->elapsed_ms = ms;
	return ev;
}

static struct event *
caps(const char *text, bool after_tls, enum phase p)
{
	struct event *ev = event_new(EV_CAPS, p);

	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(event_set_text(ev, text, strlen(text)), 0);
	ev->flag = after_tls;
	return ev;
}

/* diag_input_add() takes what the events tell, and nothing else. */
START_TEST(test_input_from_events)
{
	static const char *const args[] = { "--timeout=1", "h:4993", NULL };
	struct event *ev[8];
	struct diag_input in;
	struct options o;
	struct failure f;
	size_t n = 0;

	parse_args(args, &o);
	ev[n++] = phase_end(PHASE_RESOLVE, PHASE_OK, 4);
	ev[n++] = phase_end(PHASE_CONNECT, PHASE_OK, 3);
	ev[n++] = phase_end(PHASE_TLS, PHASE_SKIPPED, 99);
	ev[n++] = caps("IMAP4rev1 STARTTLS LOGINDISABLED", false,
		       PHASE_CAPABILITY);
	ev[n++] = caps("IMAP4rev1 AUTH=PLAIN", true, PHASE_CAPABILITY_TLS);
	ev[n++] = caps("IMAP4rev1 IDLE", false, PHASE_AUTH);
	ev[n] = event_new(EV_TLS, PHASE_STARTTLS);
	ck_assert_ptr_nonnull(ev[n]);
	ev[n]->tls = calloc(1, sizeof(*ev[n]->tls));
	ck_assert_ptr_nonnull(ev[n]->tls);
	n++;
	ev[n++] = event_new(EV_NOTE, PHASE_GREETING);
	diag_input_init(&in, &o.cfg);
	for (size_t i = 0; i < n; i++)
		diag_input_add(&in, ev[i]);
	ck_assert_ptr_eq(in.cfg, &o.cfg);
	ck_assert_int_eq(in.phase_ms[PHASE_RESOLVE], 4);
	ck_assert_int_eq(in.phase_ms[PHASE_CONNECT], 3);
	ck_assert_int_eq(in.phase_ms[PHASE_TLS], -1);
	ck_assert_int_eq(in.phase_ms[PHASE_GREETING], -1);
	ck_assert_str_eq(in.caps_before_tls,
			 "IMAP4rev1 STARTTLS LOGINDISABLED");
	ck_assert_ptr_eq(in.tls, ev[6]->tls);
	ck_assert(in.now > 1700000000);

	in.tls = NULL;
	fail_set(&f, PHASE_GREETING, FAIL_TIMEOUT, "no answer");
	diag_explain(&f, &in);
	ck_assert_msg(strstr(f.hint, "(after resolve 4 ms, connect 3 ms)")
		      != NULL, "%s", f.hint);
	for (size_t i = 0; i < n; i++)
		event_free(ev[i]);
}
END_TEST

static void
no_password_env(void)
{
	unsetenv("IMAPCONN_PASSWORD");
}

Suite *
suite_diag(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("explain");

	tcase_add_checked_fixture(tc, no_password_env, NULL);
	tcase_add_loop_test(tc, test_hint, 0, (int)N_CASES);
	tcase_add_loop_test(tc, test_idempotent, 0, (int)N_CASES);
	tcase_add_loop_test(tc, test_reworded, 0, (int)N_CASES);
	tcase_add_test(tc, test_session_hint);
	tcase_add_test(tc, test_every_class);
	tcase_add_test(tc, test_long_inputs);
	tcase_add_test(tc, test_input_from_events);
	suite_add_tcase(s, tc);
	return s;
}
