/* check_hostspec.c - every host form, every error, and fuzzed input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "config.h"
#include "hostspec.h"

#define NS (-1)			/* ssl or starttls not given */
#define FUZZ_ROUNDS 6000
#define FUZZ_SEED 0x1d872b41u

/* A valid specification and the endpoint it must give.  extra lists
 * user, mailbox and every TLS field that differs from its default, in
 * the order render_extra() writes them. */
struct ok_case {
	const char *in;
	const char *host;
	enum addr_kind kind;
	unsigned port;
	int ssl;		/* NS, or the value given */
	int starttls;		/* NS, or the mode given */
	const char *extra;
};

static const struct ok_case ok_cases[] = {
	/* host names */
	{ "imap.example.com", "imap.example.com", ADDR_NAME, 0, NS, NS, "" },
	{ "imap.example.com.", "imap.example.com", ADDR_NAME, 0, NS, NS, "" },
	{ "localhost", "localhost", ADDR_NAME, 0, NS, NS, "" },
	{ "mail_1.my-host.example", "mail_1.my-host.example", ADDR_NAME, 0,
	  NS, NS, "" },
	{ " \timap.example.com\r\n", "imap.example.com", ADDR_NAME, 0, NS,
	  NS, "" },
	{ "IMAP.Example.COM", "IMAP.Example.COM", ADDR_NAME, 0, NS, NS, "" },
	{ "xn--mnchen-3ya.example", "xn--mnchen-3ya.example", ADDR_NAME, 0,
	  NS, NS, "" },
	/* international names: their A-labels */
	{ "m\xC3\xBCnchen.example", "xn--mnchen-3ya.example", ADDR_NAME, 0,
	  NS, NS, "" },
	{ "Mail.B\xC3\x9C""CHER.Example.", "mail.xn--bcher-kva.example",
	  ADDR_NAME, 0, NS, NS, "" },
	{ "XN--MNCHEN-3YA.example", "xn--mnchen-3ya.example", ADDR_NAME, 0,
	  NS, NS, "" },
	{ "imaps://bob@mail.b\xC3\xBC""cher.example:994/INBOX",
	  "mail.xn--bcher-kva.example", ADDR_NAME, 994, 1, NS,
	  "user=bob mailbox=INBOX" },
	{ "(\"mail.b\xC3\xBC""cher.example\" :port 993 :ssl t "
	  ":server-name \"imap.b\xC3\xBC""cher.example\")",
	  "mail.xn--bcher-kva.example", ADDR_NAME, 993, 1, NS,
	  "sni=imap.xn--bcher-kva.example" },
	{ "(\"mail.b\xC3\xBC""cher.example\" . 143)",
	  "mail.xn--bcher-kva.example", ADDR_NAME, 143, NS, NS, "" },
	{ "mail.b\xC3\xBC""cher.example:143", "mail.xn--bcher-kva.example",
	  ADDR_NAME, 143, NS, NS, "" },
	/* IPv4, dotted and integer */
	{ "192.0.2.7", "192.0.2.7", ADDR_IPV4, 0, NS, NS, "" },
	{ "0.0.0.0", "0.0.0.0", ADDR_IPV4, 0, NS, NS, "" },
	{ "255.255.255.255", "255.255.255.255", ADDR_IPV4, 0, NS, NS, "" },
	{ "3221225991", "192.0.2.7", ADDR_IPV4, 0, NS, NS, "" },
	{ "0", "0.0.0.0", ADDR_IPV4, 0, NS, NS, "" },
	{ "4294967295", "255.255.255.255", ADDR_IPV4, 0, NS, NS, "" },
	/* IPv6 */
	{ "2001:db8::7", "2001:db8::7", ADDR_IPV6, 0, NS, NS, "" },
	{ "::1", "::1", ADDR_IPV6, 0, NS, NS, "" },
	{ "fe80::1%lo", "fe80::1%lo", ADDR_IPV6, 0, NS, NS, "" },
	{ "::ffff:192.0.2.7", "::ffff:192.0.2.7", ADDR_IPV6, 0, NS, NS, "" },
	{ "[2001:db8::7]:993", "2001:db8::7", ADDR_IPV6, 993, NS, NS, "" },
	{ "[2001:db8::7]", "2001:db8::7", ADDR_IPV6, 0, NS, NS, "" },
	{ "[fe80::1%eth0]:143", "fe80::1%eth0", ADDR_IPV6, 143, NS, NS, "" },
	/* host:port */
	{ "imap.example.com:99", "imap.example.com", ADDR_NAME, 99, NS, NS,
	  "" },
	{ "imap.example.com:65535", "imap.example.com", ADDR_NAME, 65535, NS,
	  NS, "" },
	{ "imap.example.com:1", "imap.example.com", ADDR_NAME, 1, NS, NS, "" },
	{ "192.0.2.7:143", "192.0.2.7", ADDR_IPV4, 143, NS, NS, "" },
	{ "3221225991:993", "192.0.2.7", ADDR_IPV4, 993, NS, NS, "" },
	{ "\"imap.example.com:99\"", "imap.example.com", ADDR_NAME, 99, NS,
	  NS, "" },
	/* the pair */
	{ "(\"imap.example.com\" . 99)", "imap.example.com", ADDR_NAME, 99,
	  NS, NS, "" },
	{ "'(\"imap.example.com\" . 99)", "imap.example.com", ADDR_NAME, 99,
	  NS, NS, "" },
	{ "' ( \"imap.example.com\"\n .\t99 ) ", "imap.example.com",
	  ADDR_NAME, 99, NS, NS, "" },
	{ "(3221225991 . 993)", "192.0.2.7", ADDR_IPV4, 993, NS, NS, "" },
	{ "(\"imap.example.com\". 99)", "imap.example.com", ADDR_NAME, 99, NS,
	  NS, "" },
	/* the list */
	{ "(\"imap.example.com\")", "imap.example.com", ADDR_NAME, 0, NS, NS,
	  "" },
	{ "(\"imap.example.com\" :port 993 :ssl t)", "imap.example.com",
	  ADDR_NAME, 993, 1, NS, "" },
	{ "(\"imap.example.com\" :ssl t)", "imap.example.com", ADDR_NAME, 0,
	  1, NS, "" },
	{ "(\"h\" :ssl nil :starttls t)", "h", ADDR_NAME, 0, 0,
	  STARTTLS_REQUIRED, "" },
	{ "(\"h\" :starttls :opportunistic)", "h", ADDR_NAME, 0, NS,
	  STARTTLS_OPPORTUNISTIC, "" },
	{ "(\"h\" :starttls nil)", "h", ADDR_NAME, 0, NS, STARTTLS_OFF, "" },
	{ "(\"h\" :SSL T :StartTLS NIL :PORT 143)", "h", ADDR_NAME, 143, 1,
	  STARTTLS_OFF, "" },
	{ "(\"h\" :ssl t :starttls t)", "h", ADDR_NAME, 0, 1,
	  STARTTLS_REQUIRED, "" },
	{ "(\"h\":port 993)", "h", ADDR_NAME, 993, NS, NS, "" },
	{ "(\"h\" :port nil)", "h", ADDR_NAME, 0, NS, NS, "" },
	{ "(\"192.0.2.7\" :port 993)", "192.0.2.7", ADDR_IPV4, 993, NS, NS,
	  "" },
	{ "(\"2001:db8::7\" :port 993)", "2001:db8::7", ADDR_IPV6, 993, NS,
	  NS, "" },
	{ "(\"[2001:db8::7]\")", "2001:db8::7", ADDR_IPV6, 0, NS, NS, "" },
	{ "(3221225991 :ssl t)", "192.0.2.7", ADDR_IPV4, 0, 1, NS, "" },
	{ "(\"h\" :certificate \"/c.pem\" :key \"/k.pem\" "
	  ":certificate-password \"p\\\"w\\\\\")", "h", ADDR_NAME, 0, NS, NS,
	  "cert=/c.pem key=/k.pem keypw=p\"w\\" },
	{ "(\"h\" :ca-file \"/etc/ca.pem\" :ca-directory \"/etc/certs\" "
	  ":crl-file \"/crl.pem\")", "h", ADDR_NAME, 0, NS, NS,
	  "ca=/etc/ca.pem cadir=/etc/certs crl=/crl.pem" },
	{ "(\"h\" :pin \"sha256//x;sha256//y\")", "h", ADDR_NAME, 0, NS, NS,
	  "pin=sha256//x;sha256//y" },
	{ "(\"h\" :ca-file nil)", "h", ADDR_NAME, 0, NS, NS, "" },
	{ "(\"h\" :ca-file \"\")", "h", ADDR_NAME, 0, NS, NS, "" },
	{ "(\"h\" :verify nil)", "h", ADDR_NAME, 0, NS, NS, "verify=0" },
	{ "(\"h\" :verify :none)", "h", ADDR_NAME, 0, NS, NS, "verify=0" },
	{ "(\"h\" :verify :peer :max-depth 0)", "h", ADDR_NAME, 0, NS, NS,
	  "depth=0" },
	{ "(\"h\" :verify t :max-depth 100)", "h", ADDR_NAME, 0, NS, NS,
	  "depth=100" },
	{ "(\"h\" :method :sslv23)", "h", ADDR_NAME, 0, NS, NS, "" },
	{ "(\"h\" :method \"sslv23\")", "h", ADDR_NAME, 0, NS, NS, "" },
	{ "(\"h\" :method :tlsv1)", "h", ADDR_NAME, 0, NS, NS,
	  "min=1.0 max=1.0" },
	{ "(\"h\" :method :tlsv1.1)", "h", ADDR_NAME, 0, NS, NS,
	  "min=1.1 max=1.1" },
	{ "(\"h\" :method :tlsv1.2)", "h", ADDR_NAME, 0, NS, NS,
	  "min=1.2 max=1.2" },
	{ "(\"h\" :method :TLSv1.3)", "h", ADDR_NAME, 0, NS, NS,
	  "min=1.3 max=1.3" },
	{ "(\"h\" :method :tlsv1.2+)", "h", ADDR_NAME, 0, NS, NS, "min=1.2" },
	{ "(\"h\" :method \"tlsv1.3+\")", "h", ADDR_NAME, 0, NS, NS,
	  "min=1.3" },
	{ "(\"h\" :ciphers \"HIGH:!aNULL\" :ciphersuites "
	  "\"TLS_AES_256_GCM_SHA384\" :server-name \"imap.example.com\")",
	  "h", ADDR_NAME, 0, NS, NS, "ciphers=HIGH:!aNULL "
	  "suites=TLS_AES_256_GCM_SHA384 sni=imap.example.com" },
	/* URLs */
	{ "imap://imap.example.com", "imap.example.com", ADDR_NAME, 0, NS,
	  NS, "" },
	{ "imaps://imap.example.com", "imap.example.com", ADDR_NAME, 0, 1,
	  NS, "" },
	{ "IMAPS://bob@imap.example.com:994/INBOX", "imap.example.com",
	  ADDR_NAME, 994, 1, NS, "user=bob mailbox=INBOX" },
	{ "imap://bob%40example.com;AUTH=*@[2001:db8::7]:143/Sent%20Items",
	  "2001:db8::7", ADDR_IPV6, 143, NS, NS,
	  "user=bob@example.com mailbox=Sent Items" },
	{ "imap://;AUTH=PLAIN@h/", "h", ADDR_NAME, 0, NS, NS, "" },
	{ "imap://h/INBOX;UIDVALIDITY=123", "h", ADDR_NAME, 0, NS, NS,
	  "mailbox=INBOX" },
	{ "imap://192.0.2.7/a/b", "192.0.2.7", ADDR_IPV4, 0, NS, NS,
	  "mailbox=a/b" },
	{ "imap://bob@h.example@host", "host", ADDR_NAME, 0, NS, NS,
	  "user=bob@h.example" },
	{ "imap://[fe80::1%25lo]/", "fe80::1%lo", ADDR_IPV6, 0, NS, NS, "" },
	{ "imaps://3221225991/", "192.0.2.7", ADDR_IPV4, 0, 1, NS, "" },
	{ "imap://h/%E2%82%AC", "h", ADDR_NAME, 0, NS, NS,
	  "mailbox=\xE2\x82\xAC" },
};

/* A malformed specification: where it goes wrong and what is said. */
struct bad_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	size_t pos;
	const char *msg;	/* a distinctive part of the message */
};

static const struct bad_case bad_cases[] = {
	/* the input as a whole */
	{ "", 0, 0, "empty host specification" },
	{ " \t\n", 0, 0, "empty host specification" },
	{ "imap\0example", 12, 4, "NUL byte in the host specification" },
	/* host names */
	{ "imap..example.com", 0, 5, "empty label in host name" },
	{ ".example.com", 0, 0, "empty label in host name" },
	{ "example.com..", 0, 12, "empty label in host name" },
	{ ".", 0, 0, "empty label in host name" },
	{ "-imap.example.com", 0, 0, "label must not begin with '-'" },
	{ "imap-.example.com", 0, 4, "label must not end with '-'" },
	{ "imap example.com", 0, 4, "invalid character ' ' in host name" },
	{ "m\xFFnchen.example", 0, 0, "label 'm\\xffnchen' is not valid "
	  "UTF-8" },
	{ "mail.b\xE2\x98\x83r.example", 0, 5, "label 'b\xE2\x98\x83r' holds "
	  "a code point IDNA 2008 disallows" },
	{ "mail.xn--zz.example", 0, 5, "label 'xn--zz' is not valid "
	  "punycode" },
	{ "xn--n3h.example:993", 0, 0, "label 'xn--n3h' decodes to a code "
	  "point IDNA 2008 disallows" },
	{ "imap://a.b\xC3\xBC-.example/", 0, 9, "label 'b\xC3\xBC-'" },
	{ "(\"x.\xE2\x98\x83\" :ssl t)", 0, 4, "label '\xE2\x98\x83'" },
	{ "(\"h\" :server-name \"a.\xE2\x98\x83\")", 0, 21,
	  "server-name: host name label '\xE2\x98\x83'" },
	{ "b\xC3\xBC cher.example", 0, 3, "invalid character ' ' in host "
	  "name" },
	{ "imap.example.com/", 0, 16, "invalid character '/' in host name" },
	{ "0x7f.1", 0, 0, "write it dotted, like 192.0.2.7" },
	/* IPv4 */
	{ "07.1.2.3", 0, 0, "leading zero in IPv4 address part (some "
	  "programs read it as octal)" },
	{ "192.0.2.07", 0, 8, "read it as octal" },
	{ "192.0.2.256", 0, 8, "IPv4 address part must be 0-255" },
	{ "192.0.2", 0, 7, "IPv4 address must have 4 parts" },
	{ "192.0.2.7.1", 0, 9, "IPv4 address has more than 4 parts" },
	{ "192..2.7", 0, 4, "empty part in IPv4 address" },
	{ "192.0.2.7.", 0, 9, "more than 4 parts" },
	{ "4294967296", 0, 0, "integer must be 0-4294967295" },
	{ "99999999999999999999999", 0, 0, "must be 0-4294967295" },
	{ "0123", 0, 0, "leading zero in an integer IPv4 address" },
	/* ports */
	{ "imap.example.com:", 0, 17, "port must be a number 1-65535" },
	{ "imap.example.com:0", 0, 17, "port must be a number 1-65535" },
	{ "imap.example.com:65536", 0, 17, "port must be a number 1-65535" },
	{ "imap.example.com:99x", 0, 17, "port must be a number 1-65535" },
	{ ":993", 0, 0, "missing host before ':'" },
	/* IPv6 */
	{ "2001:db8::g", 0, 10, "invalid character 'g' in IPv6 address" },
	{ "2001:db8:::7", 0, 0, "not a valid IPv6 address" },
	{ "fe80::1%", 0, 8, "empty IPv6 zone after '%'" },
	{ "fe80::1%l o", 0, 9, "invalid character ' ' in IPv6 zone" },
	{ "[2001:db8::7", 0, 12, "missing ']' after the IPv6 address" },
	{ "[2001:db8::7]993", 0, 13, "expected ':port' after ']'" },
	{ "[2001:db8::7]:0", 0, 14, "port must be a number 1-65535" },
	{ "[]:993", 0, 1, "expected an IPv6 address in brackets" },
	{ "[192.0.2.7]:993", 0, 1, "not a valid IPv6 address" },
	/* quoted */
	{ "\"imap.example.com", 0, 0, "unterminated string" },
	{ "\"imap.example.com\" x", 0, 18, "unexpected text after the quoted "
	  "host" },
	/* the list and the pair */
	{ "(\"h\" :port \"x\")", 0, 11, "port must be a number 1-65535" },
	{ "(\"h\" :port 0)", 0, 11, "port must be a number 1-65535" },
	{ "(\"h\" :port 65536)", 0, 11, "port must be a number 1-65535" },
	{ "(\"h\" :foo 1)", 0, 5, "unknown keyword :foo (expected one of "
	  ":port :ssl :starttls :certificate :key :certificate-password "
	  ":ca-file :ca-directory :verify :max-depth :method :ciphers "
	  ":ciphersuites :server-name :crl-file :pin)" },
	{ "(\"h\" :port 1 :PORT 2)", 0, 13, "keyword :port given twice" },
	{ "(\"h", 0, 1, "unterminated string (missing closing '\"')" },
	{ "(\"h\" :port 993", 0, 14, "missing ')' at the end of the list" },
	{ "(\"h\" :port 993) x", 0, 16, "unexpected text after the closing "
	  "')'" },
	{ "(\"h\" :port)", 0, 10, "missing value after :port" },
	{ "(\"h\" :ssl yes)", 0, 10, "ssl must be t or nil" },
	{ "(\"h\" :starttls 1)", 0, 15, "starttls must be t, nil or "
	  ":opportunistic" },
	{ "(\"h\" :verify :maybe)", 0, 13, "verify must be t, nil, :peer or "
	  ":none" },
	{ "(\"h\" :max-depth 101)", 0, 16, "max-depth must be a number "
	  "0-100" },
	{ "(\"h\" :method :sslv3)", 0, 13, "method :sslv3 is insecure and not "
	  "supported by OpenSSL 3" },
	{ "(\"h\" :method \"SSLv2\")", 0, 13, "method :sslv2 is insecure" },
	{ "(\"h\" :method :tlsv1.4)", 0, 13, "method must be :sslv23, "
	  ":tlsv1" },
	{ "(\"h\" :method :abcdefghijklmnop)", 0, 13, "method must be" },
	{ "(\"h\" :\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12 1)",
	  0, 5, "unknown keyword :\\x01\\x02\\x03\\x04\\x05\\x06\\x07"
	  "\\x08\\x0E\\x0F... (expected one of :port " },
	{ "(\"h\" :ca-file /etc/ca)", 0, 14, "ca-file must be a string in "
	  "double quotes" },
	{ "(\"h\" :ca-file \"a\\nb\")", 0, 16, "unknown escape in string" },
	{ "(\"h\" :ciphers \"a\tb\")", 0, 16, "control character in ciphers" },
	{ "()", 0, 1, "expected a host (a string or an integer) after '('" },
	{ "(imap.example.com :port 1)", 0, 1, "the host must be a string in "
	  "double quotes or an integer IPv4 address" },
	{ "(\"h\" . )", 0, 7, "missing port after '.'" },
	{ "(\"h\" . 99 100)", 0, 10, "expected ')' after the port" },
	{ "(\"h\" . \"99\")", 0, 7, "port must be a number 1-65535" },
	{ "(\"h\" . 99", 0, 9, "missing ')' after the port" },
	{ "'\"h\"", 0, 1, "expected '(' after the quote" },
	{ "(\"h:99\")", 0, 3, "a host string takes no :port" },
	{ "(\"\" :port 1)", 0, 2, "expected a host name or address" },
	{ "(\"h\" port 1)", 0, 5, "expected a keyword such as :port, or ')'" },
	{ "(4294967296)", 0, 1, "must be 0-4294967295" },
	{ "(\"h\" :ssl t", 0, 11, "missing ')'" },
	{ "(\"h\" :port (1))", 0, 11, "port must be a number 1-65535" },
	/* URLs */
	{ "http://imap.example.com", 0, 0, "unsupported URL scheme http "
	  "(expected imap:// or imaps://)" },
	{ "imap://bob:hunter2@h/", 0, 11, "a password in the URL is not "
	  "accepted; use IMAPCONN_PASSWORD or --password-file" },
	{ "imap://", 0, 7, "expected a host name or address in the URL" },
	{ "imap://@h", 0, 7, "empty user name before '@'" },
	{ "imap://bob;AUTH@h", 0, 10, "expected ;AUTH=<mechanism>" },
	{ "imap://bob;AUTH=@h", 0, 16, "missing mechanism after ;AUTH=" },
	{ "imap://h/INBOX%2", 0, 14, "bad percent escape in mailbox name" },
	{ "imap://h/IN%0D%0ABOX", 0, 11, "mailbox name contains CR, LF or "
	  "NUL" },
	{ "imap://bob%00@h", 0, 10, "user name contains CR, LF or NUL" },
	{ "imap://bob%zz@h", 0, 10, "bad percent escape in user name" },
	{ "imap://h:0/", 0, 9, "port must be a number 1-65535" },
	{ "imap://h/INBOX?x", 0, 14, "unexpected text after the mailbox "
	  "name" },
	{ "imap://[fe80::1%lo]/", 0, 15, "an IPv6 zone in a URL is written "
	  "%25zone" },
	{ "imap://::1/", 0, 7, "an IPv6 address in brackets" },
	{ "imap://h/IN\x01" "BOX", 0, 11, "control character in mailbox "
	  "name" },
};

#define N_OK (sizeof(ok_cases) / sizeof(ok_cases[0]))
#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* ---- helpers -------------------------------------------------------- */

/* A heap copy of exactly len bytes, so that reading past it is caught
 * by the address sanitizer. */
static char *
exact_copy(const char *s, size_t len)
{
	char *c = malloc(len > 0 ? len : 1);

	ck_assert_ptr_nonnull(c);
	memcpy(c, s, len);
	return c;
}

static int
parse_exact(const char *s, size_t len, struct endpoint *ep,
	    struct hostspec_error *err)
{
	char *c = exact_copy(s, len);
	int rc = hostspec_parse(c, len, ep, err);

	free(c);
	return rc;
}

static void
add_field(char *buf, size_t cap, const char *name, const char *value)
{
	size_t n = strlen(buf);

	if (value[0] == '\0')
		return;
	snprintf(buf + n, cap - n, "%s%s=%s", n > 0 ? " " : "", name, value);
}

/* user, mailbox and the TLS fields that differ from their defaults. */
static void
render_extra(const struct endpoint *ep, char *buf, size_t cap)
{
	const struct tls_opts *t = &ep->tls;
	char num[16];

	buf[0] = '\0';
	add_field(buf, cap, "user", ep->user);
	add_field(buf, cap, "mailbox", ep->mailbox);
	add_field(buf, cap, "verify", t->verify ? "" : "0");
	snprintf(num, sizeof(num), "%d", t->verify_depth);
	add_field(buf, cap, "depth", t->verify_depth == -1 ? "" : num);
	add_field(buf, cap, "min", t->min_version == TLSV_DEFAULT ? "" :
		  tls_version_name(t->min_version));
	add_field(buf, cap, "max", t->max_version == TLSV_DEFAULT ? "" :
		  tls_version_name(t->max_version));
	add_field(buf, cap, "cert", t->cert_file);
	add_field(buf, cap, "key", t->key_file);
	add_field(buf, cap, "keypw", t->key_password);
	add_field(buf, cap, "keypwfile", t->key_password_file);
	add_field(buf, cap, "ca", t->ca_file);
	add_field(buf, cap, "cadir", t->ca_dir);
	add_field(buf, cap, "crl", t->crl_file);
	add_field(buf, cap, "ciphers", t->ciphers);
	add_field(buf, cap, "suites", t->ciphersuites);
	add_field(buf, cap, "sni", t->server_name);
	add_field(buf, cap, "pin", t->pin);
}

static void
format_exact(const struct hostspec_error *err, const char *s, size_t len,
	     char *buf, size_t cap)
{
	char *c = exact_copy(s, len);

	hostspec_error_format(err, c, len, buf, cap);
	free(c);
}

/* ---- the tables ---------------------------------------------------- */

START_TEST(test_ok)
{
	const struct ok_case *t = &ok_cases[_i];
	struct endpoint ep;
	struct hostspec_error err;
	char extra[4096];
	int rc;

	rc = parse_exact(t->in, strlen(t->in), &ep, &err);
	ck_assert_msg(rc == 0, "'%s': %s at %zu", t->in, err.msg, err.pos);
	ck_assert_str_eq(ep.host, t->host);
	ck_assert_int_eq(ep.kind, t->kind);
	ck_assert_uint_eq(ep.port, t->port);
	ck_assert_int_eq(ep.ssl, t->ssl == 1);
	ck_assert_int_eq(ep.ssl_set, t->ssl != NS);
	ck_assert_int_eq(ep.starttls,
			 t->starttls == NS ? STARTTLS_OFF : t->starttls);
	ck_assert_int_eq(ep.starttls_set, t->starttls != NS);
	render_extra(&ep, extra, sizeof(extra));
	ck_assert_str_eq(extra, t->extra);
}
END_TEST

START_TEST(test_bad)
{
	const struct bad_case *t = &bad_cases[_i];
	size_t len = t->len > 0 ? t->len : strlen(t->in);
	struct endpoint ep;
	struct hostspec_error err;
	int rc;

	rc = parse_exact(t->in, len, &ep, &err);
	ck_assert_msg(rc == -1, "'%s' was accepted", t->in);
	ck_assert_msg(strstr(err.msg, t->msg) != NULL,
		      "'%s': message '%s' lacks '%s'", t->in, err.msg,
		      t->msg);
	ck_assert_msg(err.pos == t->pos, "'%s': position %zu, not %zu",
		      t->in, err.pos, t->pos);
	ck_assert_str_eq(ep.host, "");
}
END_TEST

#define BUECHER "mail.b\xC3\xBC""cher.example"

/* An international name keeps its U-labels for display, from every
 * form; an ASCII name has none. */
START_TEST(test_idn_unicode)
{
	static const struct {
		const char *in;
		const char *unicode;
	} cases[] = {
		{ "mail.b\xC3\xBC""cher.example", BUECHER },
		{ "MAIL.B\xC3\x9C""CHER.EXAMPLE", BUECHER },
		{ "mail.xn--bcher-kva.example", BUECHER },
		{ "imap://mail.b\xC3\xBC""cher.example:143",
		  "mail.b\xC3\xBC""cher.example" },
		{ "(\"stra\xC3\x9F""e.example\" :ssl t)",
		  "stra\xC3\x9F""e.example" },
		{ "imap.example.com", "" },
		{ "192.0.2.7", "" },
	};
	struct endpoint ep;
	struct hostspec_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *in = cases[i].in;

		ck_assert_msg(parse_exact(in, strlen(in), &ep, &err) == 0,
			      "%s: %s", in, err.msg);
		ck_assert_str_eq(ep.host_unicode, cases[i].unicode);
	}
}
END_TEST

/* A name whose A-labels make it too long fails at the label that
 * overflows, never cut. */
START_TEST(test_idn_too_long)
{
	char in[600];
	struct endpoint ep;
	struct hostspec_error err;
	size_t n = 0;

	/* 7 labels of 30 u-umlauts (60 bytes each, A-labels longer). */
	memcpy(in, "x.", 2);
	n = 2;
	for (int l = 0; l < 7; l++) {
		for (int k = 0; k < 30; k++) {
			in[n++] = (char)0xC3;
			in[n++] = (char)0xBC;
		}
		in[n++] = '.';
	}
	memcpy(in + n, "example", 8);
	ck_assert_int_eq(parse_exact(in, strlen(in), &ep, &err), -1);
	ck_assert_uint_eq((err.pos - 2) % 61, 0);
	ck_assert_uint_gt(err.pos, 2);
	ck_assert_ptr_nonnull(strstr(err.msg, "makes the name too long"));
	ck_assert_str_eq(ep.host, "");
}
END_TEST

/* ---- lengths: limits are errors, never truncation ------------------ */

static char *
repeat(char c, size_t n, const char *prefix, const char *suffix)
{
	size_t a = strlen(prefix), b = strlen(suffix);
	char *s = malloc(a + n + b + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, prefix, a);
	memset(s + a, c, n);
	memcpy(s + a + n, suffix, b + 1);
	return s;
}

/* A name of len bytes: labels of 63 'a's, then what is left. */
static char *
long_name(size_t len)
{
	char *s = malloc(len + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (i % 64 == 63) ? '.' : 'a';
	s[len] = '\0';
	return s;
}

START_TEST(test_name_lengths)
{
	struct endpoint ep;
	struct hostspec_error err;
	char *s;

	s = long_name(253);
	ck_assert_int_eq(parse_exact(s, 253, &ep, &err), 0);
	ck_assert_str_eq(ep.host, s);
	free(s);
	s = long_name(254);
	ck_assert_int_eq(parse_exact(s, 254, &ep, &err), -1);
	ck_assert_uint_eq(err.pos, 253);
	ck_assert_str_eq(err.msg, "host name longer than 253 characters");
	free(s);
	/* A dot at byte 253 counts too: "a.a.a...b" once overflowed
	 * ep.host into the fields after it. */
	s = malloc(40002);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < 40000; i += 2) {
		s[i] = 'a';
		s[i + 1] = '.';
	}
	s[40000] = 'b';
	ck_assert_int_eq(parse_exact(s, 301, &ep, &err), -1);
	ck_assert_uint_eq(err.pos, 253);
	ck_assert_str_eq(err.msg, "host name longer than 253 characters");
	ck_assert_int_eq(parse_exact(s, 40001, &ep, &err), -1);
	ck_assert_uint_eq(err.pos, 253);
	free(s);
	s = repeat('a', 63, "", ".example");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), 0);
	free(s);
	s = repeat('a', 64, "", ".example");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), -1);
	ck_assert_uint_eq(err.pos, 63);
	ck_assert_str_eq(err.msg, "host name label longer than 63 "
			 "characters");
	free(s);
}
END_TEST

START_TEST(test_string_lengths)
{
	struct endpoint ep;
	struct hostspec_error err;
	char *s;

	s = repeat('c', CONFIG_PATH_MAX - 1, "(\"h\" :ca-file \"", "\")");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), 0);
	ck_assert_uint_eq(strlen(ep.tls.ca_file), CONFIG_PATH_MAX - 1);
	free(s);
	s = repeat('c', CONFIG_PATH_MAX, "(\"h\" :ca-file \"", "\")");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), -1);
	ck_assert_uint_eq(err.pos, 14);
	ck_assert_str_eq(err.msg, "ca-file longer than 1023 bytes");
	ck_assert_str_eq(ep.tls.ca_file, "");
	free(s);
	s = repeat('Q', CONFIG_SECRET_MAX, "(\"h\" :certificate-password \"",
		   "\")");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), -1);
	ck_assert_str_eq(err.msg, "certificate-password longer than 1023 "
			 "bytes");
	ck_assert_str_eq(ep.tls.key_password, "");
	free(s);
	s = repeat('u', CONFIG_STR_MAX, "imap://", "@h/");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), -1);
	ck_assert_uint_eq(err.pos, 7);
	ck_assert_str_eq(err.msg, "user name longer than 511 bytes");
	free(s);
	s = repeat('m', CONFIG_STR_MAX - 1, "imap://h/", "");
	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), 0);
	ck_assert_uint_eq(strlen(ep.mailbox), CONFIG_STR_MAX - 1);
	free(s);
}
END_TEST

/* The longest unknown keyword still leaves room for the whole list. */
START_TEST(test_long_keyword)
{
	struct endpoint ep;
	struct hostspec_error err;
	const char *tail = ":crl-file :pin)";
	char *s = repeat('\x7f', 300, "(\"h\" :", " 1)");
	size_t n;

	ck_assert_int_eq(parse_exact(s, strlen(s), &ep, &err), -1);
	n = strlen(err.msg);
	ck_assert_uint_gt(n, strlen(tail));
	ck_assert_str_eq(err.msg + n - strlen(tail), tail);
	ck_assert_uint_eq(err.pos, 5);
	free(s);
}
END_TEST

/* A failed parse leaves no secret behind in the endpoint. */
START_TEST(test_failure_wipes)
{
	static const char in[] =
	    "(\"h\" :certificate-password \"hunter2\" :port 0)";
	struct endpoint ep, fresh;
	struct hostspec_error err;

	ck_assert_int_eq(parse_exact(in, sizeof(in) - 1, &ep, &err), -1);
	endpoint_init(&fresh);
	ck_assert(memcmp(&ep, &fresh, sizeof(ep)) == 0);
	ck_assert(strstr(err.msg, "hunter2") == NULL);
}
END_TEST

/* ---- hostspec_error_format ----------------------------------------- */

/* Parses s (which must fail) and formats the error into buf. */
static void
parse_format(const char *s, size_t len, char *buf, size_t cap)
{
	struct endpoint ep;
	struct hostspec_error err;

	ck_assert_int_eq(parse_exact(s, len, &ep, &err), -1);
	format_exact(&err, s, len, buf, cap);
}

START_TEST(test_format_plain)
{
	static const char in[] = "(\"h\" :port \"x\")";
	char buf[512];

	parse_format(in, sizeof(in) - 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host specification (\"h\" :port \"x\") at "
			 "character 12: port must be a number 1-65535");
	parse_format("", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host specification \"\" at character 1: "
			 "empty host specification");
}
END_TEST

START_TEST(test_format_escapes)
{
	static const char in[] = "imap\x01.example.com\xff";
	char buf[512];

	parse_format(in, sizeof(in) - 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host specification imap\\x01.example.com"
			 "\\xFF at character 5: invalid character \\x01 in "
			 "host name");
	parse_format("a\0b", 3, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host specification a\\x00b at character 2: "
			 "NUL byte in the host specification");
}
END_TEST

START_TEST(test_format_secret_keyword)
{
	static const char in[] =
	    "(\"h\" :certificate-password \"hunter2\" :port 0)";
	static const char open[] =
	    "(\"h\" :Certificate-Password \"hun\\\"ter2";
	static const char typo[] =
	    "(\"h\" :certificate-pasword \"hunter2\")";
	char buf[512];

	parse_format(in, sizeof(in) - 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host specification (\"h\" "
			 ":certificate-password *** :port 0) at character "
			 "44: port must be a number 1-65535");
	parse_format(open, sizeof(open) - 1, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "hun"));
	ck_assert_ptr_null(strstr(buf, "ter2"));
	ck_assert_ptr_nonnull(strstr(buf, ":Certificate-Password ***"));
	parse_format(typo, sizeof(typo) - 1, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "hunter2"));
	ck_assert_ptr_nonnull(strstr(buf, "unknown keyword "
				     ":certificate-pasword"));
}
END_TEST

START_TEST(test_format_secret_url)
{
	static const char in[] = "imap://bob:hunter2@h/INBOX";
	static const char slash[] = "imaps://bob:hun/ter2@h";
	char buf[512];

	parse_format(in, sizeof(in) - 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "host specification imap://bob:***@h/INBOX at "
			 "character 12: a password in the URL is not "
			 "accepted; use IMAPCONN_PASSWORD or "
			 "--password-file");
	parse_format(slash, sizeof(slash) - 1, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "hun"));
	ck_assert_ptr_null(strstr(buf, "ter2"));
}
END_TEST

/* Long input is shown around the position; a secret cut by the
 * window still shows as *** and nothing of it leaks. */
START_TEST(test_format_window)
{
	char buf[512];
	char *s;

	s = repeat('a', 300, "", " b");
	parse_format(s, strlen(s), buf, sizeof(buf));
	free(s);
	s = repeat('a', 64, "host specification ...", "... at character 64: "
		   "host name label longer than 63 characters");
	ck_assert_str_eq(buf, s);
	free(s);
	s = repeat('a', 300, "", ".example com");
	parse_format(s, strlen(s), buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "host specification ...aaa"));
	ck_assert_ptr_nonnull(strstr(buf, "at character 64: "));
	free(s);
	s = repeat('Q', 200, "(\"h\" :certificate-password \"", "\" :ssl 2)");
	parse_format(s, strlen(s), buf, sizeof(buf));
	ck_assert_ptr_null(strchr(buf, 'Q'));
	ck_assert_str_eq(buf, "host specification ...*** :ssl 2) at "
			 "character 236: ssl must be t or nil");
	free(s);
}
END_TEST

START_TEST(test_format_small_buffers)
{
	static const char in[] = "(\"h\" :port \"x\")";
	struct hostspec_error err = { 3, "x" };
	char buf[16];

	memset(buf, '#', sizeof(buf));
	hostspec_error_format(&err, in, sizeof(in) - 1, buf, 0);
	ck_assert_int_eq(buf[0], '#');
	hostspec_error_format(&err, in, sizeof(in) - 1, buf, 1);
	ck_assert_str_eq(buf, "");
	hostspec_error_format(&err, in, sizeof(in) - 1, buf, 15);
	ck_assert_str_eq(buf, "host specifica");
	ck_assert_int_eq(buf[15], '#');
}
END_TEST

START_TEST(test_format_bad_error)
{
	struct hostspec_error err;
	char buf[256];

	memset(&err, 'z', sizeof(err));
	err.pos = 1000;
	hostspec_error_format(&err, "ab", 2, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "host specification ab at "
				     "character 3: zzz"));
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
}
END_TEST

/* ---- fuzzing -------------------------------------------------------- */

static uint32_t
next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static const char interesting[] = "()\"'\\:.%[]@/; \t0123456789tTnN+-";

/* One random change to buf[0..*len) (capacity cap). */
static void
mutate(uint32_t *rng, char *buf, size_t *len, size_t cap)
{
	uint32_t r = next_random(rng);
	size_t at = *len > 0 ? r % *len : 0;
	char c = (r >> 8) & 1 ? (char)(r >> 16)
	    : interesting[(r >> 16) % (sizeof(interesting) - 1)];

	switch ((r >> 24) % 5) {
	case 0:
		if (*len > 0)
			buf[at] = c;
		break;
	case 1:
		if (*len < cap) {
			memmove(buf + at + 1, buf + at, *len - at);
			buf[at] = c;
			(*len)++;
		}
		break;
	case 2:
		if (*len > 0) {
			memmove(buf + at, buf + at + 1, *len - at - 1);
			(*len)--;
		}
		break;
	case 3:
		*len = at;
		break;
	default:
		if (*len > 0 && *len * 2 <= cap) {
			memcpy(buf + *len, buf + at, *len - at);
			*len += *len - at;
		}
		break;
	}
}

static const char *
seed_input(uint32_t *rng, size_t *len)
{
	uint32_t k = next_random(rng) % (N_OK + N_BAD);

	if (k < N_OK) {
		*len = strlen(ok_cases[k].in);
		return ok_cases[k].in;
	}
	k -= N_OK;
	*len = bad_cases[k].len > 0 ? bad_cases[k].len
	    : strlen(bad_cases[k].in);
	return bad_cases[k].in;
}

static void
check_endpoint_sane(const struct endpoint *ep)
{
	ck_assert_ptr_nonnull(memchr(ep->host, '\0', sizeof(ep->host)));
	ck_assert_uint_gt(strlen(ep->host), 0);
	ck_assert_ptr_nonnull(memchr(ep->user, '\0', sizeof(ep->user)));
	ck_assert_ptr_nonnull(memchr(ep->mailbox, '\0',
				     sizeof(ep->mailbox)));
	ck_assert(strpbrk(ep->user, "\r\n") == NULL);
	ck_assert(strpbrk(ep->mailbox, "\r\n") == NULL);
	ck_assert_int_le(ep->kind, ADDR_IPV6);
}

START_TEST(test_fuzz)
{
	uint32_t rng = FUZZ_SEED;
	unsigned accepted = 0, refused = 0;
	char work[1024], out[512];

	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		struct endpoint ep;
		struct hostspec_error err;
		size_t len;
		const char *seed = seed_input(&rng, &len);
		int edits = 1 + (int)(next_random(&rng) % 4);
		char *c;
		int rc;

		memcpy(work, seed, len);
		for (int i = 0; i < edits; i++)
			mutate(&rng, work, &len, sizeof(work));
		c = exact_copy(work, len);
		rc = hostspec_parse(c, len, &ep, &err);
		ck_assert(rc == 0 || rc == -1);
		if (rc == 0) {
			check_endpoint_sane(&ep);
			accepted++;
		} else {
			ck_assert_uint_le(err.pos, len);
			ck_assert_uint_gt(strlen(err.msg), 0);
			hostspec_error_format(&err, c, len, out, sizeof(out));
			ck_assert_uint_lt(strlen(out), sizeof(out));
			ck_assert(strncmp(out, "host specification ",
					  19) == 0);
			refused++;
		}
		free(c);
	}
	ck_assert_uint_gt(accepted, FUZZ_ROUNDS / 50);
	ck_assert_uint_gt(refused, FUZZ_ROUNDS / 2);
}
END_TEST

/* Random bytes, not derived from any case. */
START_TEST(test_fuzz_random)
{
	uint32_t rng = FUZZ_SEED ^ 0x5a5a5a5au;
	char work[256], out[512];

	for (int round = 0; round < FUZZ_ROUNDS / 2; round++) {
		struct endpoint ep;
		struct hostspec_error err;
		size_t len = next_random(&rng) % sizeof(work);
		char *c;

		for (size_t i = 0; i < len; i++)
			work[i] = (char)next_random(&rng);
		c = exact_copy(work, len);
		if (hostspec_parse(c, len, &ep, &err) == 0) {
			check_endpoint_sane(&ep);
		} else {
			ck_assert_uint_le(err.pos, len);
			hostspec_error_format(&err, c, len, out, sizeof(out));
			ck_assert_uint_lt(strlen(out), sizeof(out));
		}
		free(c);
	}
}
END_TEST

Suite *
suite_hostspec(void)
{
	Suite *s = suite_create("hostspec");
	TCase *tc = units_case(s, "parse", test_name_lengths,
			       test_string_lengths, test_long_keyword,
			       test_failure_wipes, test_idn_unicode,
			       test_idn_too_long, NULL);
	units_case(s, "format", test_format_plain, test_format_escapes,
		   test_format_secret_keyword, test_format_secret_url,
		   test_format_window, test_format_small_buffers,
		   test_format_bad_error, NULL);
	TCase *fuzz = units_case(s, "fuzz", test_fuzz, test_fuzz_random, NULL);

	tcase_add_loop_test(tc, test_ok, 0, (int)N_OK);
	tcase_add_loop_test(tc, test_bad, 0, (int)N_BAD);
	tcase_set_timeout(fuzz, 60);
	return s;
}
