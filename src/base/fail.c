/* fail.c - failure classes, their names and exit codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"
#include "names.h"

static const struct {
	const char *name;
	int exit_code;
} fail_table[FAIL_CLASS_COUNT] = {
	[FAIL_NONE] = { "none", 0 },
	[FAIL_USAGE] = { "usage", 64 },
	[FAIL_INPUT] = { "input", 66 },
	[FAIL_DNS] = { "dns", 68 },
	[FAIL_REFUSED] = { "refused", 69 },
	[FAIL_UNREACHABLE] = { "unreachable", 69 },
	[FAIL_NETWORK] = { "network", 74 },
	[FAIL_TIMEOUT] = { "timeout", 75 },
	[FAIL_CANCELLED] = { "cancelled", 130 },
	[FAIL_TLS_VERIFY] = { "tls-verify", 80 },
	[FAIL_TLS_HANDSHAKE] = { "tls-handshake", 81 },
	[FAIL_STARTTLS] = { "starttls", 82 },
	[FAIL_PROTOCOL] = { "protocol", 76 },
	[FAIL_TOO_LARGE] = { "response-too-large", 76 },
	[FAIL_SERVER] = { "server", 83 },
	[FAIL_AUTH] = { "auth", 77 },
	[FAIL_INTERNAL] = { "internal", 70 },
	[FAIL_PIPELINING] = { "pipelining", 76 },
};

static const char *const reason_names[FAIL_REASON_COUNT] = {
	[FAIL_R_NONE] = NULL,
	[FAIL_R_TUNNEL_ENDED] = "tunnel-ended",
	[FAIL_R_DNS_TEMPORARY] = "dns-temporary",
	[FAIL_R_DNS_NO_ADDRESS] = "dns-no-address",
	[FAIL_R_HOST_TOO_LONG] = "host-too-long",
	[FAIL_R_DEADLINE] = "deadline",
	[FAIL_R_TLS_NOT_TLS] = "tls-not-tls",
	[FAIL_R_TLS_VERSION] = "tls-version",
	[FAIL_R_TLS_NO_PROTOCOLS] = "tls-no-protocols",
	[FAIL_R_TLS_NO_CIPHERS] = "tls-no-ciphers",
	[FAIL_R_TLS_NO_SHARED_CIPHER] = "tls-no-shared-cipher",
	[FAIL_R_TLS_CERT_REQUIRED] = "tls-cert-required",
	[FAIL_R_TLS_BAD_CLIENT_CERT] = "tls-bad-client-cert",
	[FAIL_R_TLS_UNKNOWN_CLIENT_CA] = "tls-unknown-client-ca",
	[FAIL_R_CERT_SELF_SIGNED] = "cert-self-signed",
	[FAIL_R_CERT_UNTRUSTED_ROOT] = "cert-untrusted-root",
	[FAIL_R_CERT_UNKNOWN_ISSUER] = "cert-unknown-issuer",
	[FAIL_R_CERT_EXPIRED] = "cert-expired",
	[FAIL_R_CERT_NOT_YET_VALID] = "cert-not-yet-valid",
	[FAIL_R_CERT_NAME_MISMATCH] = "cert-name-mismatch",
	[FAIL_R_CERT_REVOKED] = "cert-revoked",
	[FAIL_R_CERT_NO_CRL] = "cert-no-crl",
	[FAIL_R_CERT_CHAIN_TOO_LONG] = "cert-chain-too-long",
	[FAIL_R_CERT_KEY_TOO_SMALL] = "cert-key-too-small",
	[FAIL_R_CERT_CA_KEY_TOO_SMALL] = "cert-ca-key-too-small",
	[FAIL_R_CERT_WEAK_HASH] = "cert-weak-hash",
	[FAIL_R_CERT_PURPOSE] = "cert-purpose",
	[FAIL_R_CERT_OTHER] = "cert-other",
	[FAIL_R_CERT_PIN_MISMATCH] = "cert-pin-mismatch",
	[FAIL_R_CERT_CHANGED] = "cert-changed",
	[FAIL_R_PREAUTH_BEFORE_STARTTLS] = "preauth-before-starttls",
	[FAIL_R_STARTTLS_NOT_OFFERED] = "starttls-not-offered",
	[FAIL_R_STARTTLS_REFUSED] = "starttls-refused",
	[FAIL_R_STARTTLS_INJECTION] = "starttls-injection",
	[FAIL_R_PLAINTEXT_WITHHELD] = "plaintext-withheld",
	[FAIL_R_LOGINDISABLED] = "logindisabled",
	[FAIL_R_PLAIN_NOT_OFFERED] = "plain-not-offered",
	[FAIL_R_LOGIN_REFUSED] = "login-refused",
	[FAIL_R_MECH_NOT_OFFERED] = "mech-not-offered",
	[FAIL_R_SERVER_NOT_PROVEN] = "server-not-proven",
	[FAIL_R_OAUTH_REFUSED] = "oauth-refused",
	[FAIL_R_TOKEN_NEEDED] = "token-needed",
	[FAIL_R_OAUTH_NOT_OFFERED] = "oauth-not-offered",
	[FAIL_R_NO_KERBEROS_TICKET] = "no-kerberos-ticket",
	[FAIL_R_EXTERNAL_NO_CERT] = "external-no-cert",
	[FAIL_R_BYE] = "bye",
	[FAIL_R_TLS_AT_GREETING] = "tls-at-greeting",
	[FAIL_R_NOT_IMAP_GREETING] = "not-imap-greeting",
	[FAIL_R_SERVER_CLOSED] = "server-closed",
	[FAIL_R_CLOSED_IN_HANDSHAKE] = "closed-in-handshake",
};

const char *
fail_reason_name(enum fail_reason r)
{
	return NAMES_GET(reason_names, r, NULL);
}

const char *
fail_class_name(enum fail_class c)
{
	if ((unsigned)c >= FAIL_CLASS_COUNT)
		return "unknown";
	return fail_table[c].name;
}

int
fail_exit_code(enum fail_class c)
{
	if ((unsigned)c >= FAIL_CLASS_COUNT)
		return 70;
	return fail_table[c].exit_code;
}

static void
fail_vset(struct failure *f, enum phase p, enum fail_class c,
	  enum fail_reason r, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static void
fail_vset(struct failure *f, enum phase p, enum fail_class c,
	  enum fail_reason r, const char *fmt, va_list ap)
{
	memset(f, 0, sizeof(*f));
	f->phase = p;
	f->cls = c;
	f->reason = r;
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
}

void
fail_set(struct failure *f, enum phase p, enum fail_class c,
	 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_vset(f, p, c, FAIL_R_NONE, fmt, ap);
	va_end(ap);
}

void
fail_set_reason(struct failure *f, enum phase p, enum fail_class c,
		enum fail_reason r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_vset(f, p, c, r, fmt, ap);
	va_end(ap);
}

void
fail_hint(struct failure *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->hint, sizeof(f->hint), fmt, ap);
	va_end(ap);
}

void
fail_fact(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (cap == 0)
		return;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}
