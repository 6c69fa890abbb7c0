/* diag.c - hints: from a failure to the one line that says what to
 * try. */
#include <string.h>

#include "diag.h"

struct detail_hint {
	enum fail_class cls;
	const char *needle;	/* in the detail; NULL matches any */
	const char *hint;
};

/* First match wins: specific details before their class's default. */
static const struct detail_hint detail_hints[] = {
	{ FAIL_TLS_VERIFY, "self-signed", "the server's certificate is "
	  "self-signed: trust it with --ca-file FILE, or connect without "
	  "checking with --insecure" },
	{ FAIL_TLS_VERIFY, "local issuer", "the certificate's issuer is not "
	  "trusted here: the server may not send its intermediate "
	  "certificate, or it uses a private CA (give it with --ca-file)" },
	{ FAIL_TLS_VERIFY, "expired", "the server's certificate has expired: "
	  "its administrator must renew it" },
	{ FAIL_TLS_VERIFY, "not yet valid", "the server's certificate is not "
	  "valid yet: check this machine's clock, or the certificate" },
	{ FAIL_TLS_VERIFY, "mismatch", "the certificate is for other names: "
	  "connect with one of them, or name the expected one with "
	  "--server-name" },
	{ FAIL_TLS_VERIFY, NULL, "the certificate is not trusted: see the "
	  "TLS section, or give the right CA with --ca-file" },
	{ FAIL_TLS_HANDSHAKE, "wrong version number", "this port speaks "
	  "plain IMAP, not TLS: use STARTTLS here (--no-ssl --starttls), or "
	  "port 993 with TLS" },
	{ FAIL_TLS_HANDSHAKE, "packet length too long", "this port speaks "
	  "plain IMAP, not TLS: use STARTTLS here (--no-ssl --starttls), or "
	  "port 993 with TLS" },
	{ FAIL_TLS_HANDSHAKE, "protocol", "no TLS version in common: the "
	  "server may be old; --tls-min 1.0 allows older versions "
	  "(insecure)" },
	{ FAIL_TLS_HANDSHAKE, "version", "no TLS version in common: the "
	  "server may be old; --tls-min 1.0 allows older versions "
	  "(insecure)" },
	{ FAIL_TLS_HANDSHAKE, "cipher", "no cipher in common: --ciphers "
	  "DEFAULT@SECLEVEL=0 would allow weaker ones (insecure)" },
	{ FAIL_TLS_HANDSHAKE, NULL, "TLS could not be set up with this "
	  "server: see the reason above" },
	{ FAIL_AUTH, "unencrypted", "use TLS (--ssl on port 993, or "
	  "--starttls), or --allow-plaintext-auth to send the password in "
	  "clear anyway" },
	{ FAIL_AUTH, "LOGINDISABLED", "the server wants TLS first: use "
	  "--starttls, or --ssl on port 993" },
	{ FAIL_AUTH, NULL, "check the user name and the password" },
	{ FAIL_STARTTLS, "PREAUTH", "the server logged in before TLS could "
	  "start: use implicit TLS (--ssl, port 993)" },
	{ FAIL_STARTTLS, NULL, "STARTTLS could not run, so the password was "
	  "not sent: use implicit TLS (--ssl, port 993), or "
	  "--starttls=opportunistic to go on unencrypted" },
	{ FAIL_PROTOCOL, "expected an IMAP greeting", "this port does not "
	  "speak IMAP: check the port (143 for IMAP and STARTTLS, 993 for "
	  "IMAP over TLS)" },
	{ FAIL_PROTOCOL, "injection", "someone between here and the server "
	  "may be tampering with the connection: use implicit TLS (--ssl, "
	  "port 993)" },
	{ FAIL_PROTOCOL, NULL, "the server does not speak IMAP as expected: "
	  "--transcript FILE shows the exchange" },
	{ FAIL_TOO_LARGE, NULL, "the server sent more than imapconn accepts "
	  "in one response: --transcript FILE shows the exchange" },
	{ FAIL_SERVER, "BYE", "the server closed the connection: its text "
	  "above says why" },
	{ FAIL_SERVER, NULL, "the server refused the command: its text "
	  "above says why" },
	{ FAIL_DNS, NULL, "check the host name; `getent hosts NAME` shows "
	  "what this machine resolves" },
	{ FAIL_REFUSED, NULL, "nothing listens on that port: check the port "
	  "(993 for TLS, 143 for STARTTLS) and the server" },
	{ FAIL_UNREACHABLE, NULL, "no route to that address: check the "
	  "address and this machine's network" },
	{ FAIL_NETWORK, NULL, "the connection broke: --transcript FILE "
	  "shows how far it got" },
	{ FAIL_INPUT, NULL, "check the file or password source named above" },
	{ FAIL_USAGE, NULL, "see imapconn --help" },
	{ FAIL_INTERNAL, NULL, "this is a bug in imapconn or the system is "
	  "out of resources" },
};

static void
timeout_hint(struct failure *f, const struct options *o)
{
	const struct endpoint *ep = &o->cfg.ep;
	uint16_t port = endpoint_port(ep);

	if (f->phase == PHASE_CONNECT)
		fail_hint(f, "no answer to the TCP connection: a firewall may "
			  "drop it, or the host is down");
	else if (f->phase == PHASE_GREETING && !ep->ssl && port == 993)
		fail_hint(f, "port 993 expects TLS from the first byte: turn "
			  "on implicit TLS (--ssl)");
	else if (f->phase == PHASE_TLS)
		fail_hint(f, "no answer to the TLS handshake: if this port "
			  "speaks plain IMAP, use --no-ssl --starttls");
	else
		fail_hint(f, "the server did not answer within %g s: if it is "
			  "only slow, try a larger --timeout", o->cfg.timeout_s);
}

void
diag_explain(struct failure *f, const struct options *o)
{
	if (f->hint[0] != '\0' || f->cls == FAIL_CANCELLED)
		return;
	if (f->cls == FAIL_TIMEOUT) {
		timeout_hint(f, o);
		return;
	}
	for (size_t i = 0; i < sizeof(detail_hints) / sizeof(detail_hints[0]);
	     i++) {
		const struct detail_hint *h = &detail_hints[i];

		if (h->cls != f->cls)
			continue;
		/* "Use STARTTLS here" is no advice when it was in use. */
		if (f->phase == PHASE_STARTTLS && h->hint != NULL
		    && strstr(h->hint, "use STARTTLS here") != NULL)
			continue;
		if (h->needle != NULL && strstr(f->detail, h->needle) == NULL)
			continue;
		fail_hint(f, "%s", h->hint);
		return;
	}
}
