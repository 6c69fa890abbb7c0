/* check_export.c - --export: the exact text of every format for four
 * connections (implicit TLS, STARTTLS with values that need quoting,
 * no TLS, IPv6 with many TLS settings), no secret in any of them, the
 * Lisp form read back by the host parser, and the settling rules. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_units.h"
#include "export.h"
#include "hostspec.h"
#include "options.h"
#include "testopts.h"

#define SECRET "Sup3rS3cret"
#define KEY_SECRET "KeyS3cret"
#define NCFG 4

/* The four connections the table below is written for. */
static void
make_cfg(int i, struct conn_config *c)
{
	struct tls_opts *t = &c->ep.tls;

	config_init(c);
	strcpy(c->password, SECRET);
	c->have_password = true;
	if (i == 0) {
		strcpy(c->ep.host, "imap.example.com");
		c->ep.ssl = true;
		c->ep.port = 993;
		strcpy(c->user, "alice");
		strcpy(t->ca_file, "/etc/ssl/private-ca.pem");
	} else if (i == 1) {
		strcpy(c->ep.host, "mail.example.org");
		c->ep.starttls = STARTTLS_REQUIRED;
		strcpy(c->user, "o'brien@example.org");
		strcpy(t->ca_file, "/home/o'brien/ca $HOME \"q\" `x` "
		       "back\\slash.pem");
	} else if (i == 2) {
		strcpy(c->ep.host, "192.0.2.7");
		c->ep.kind = ADDR_IPV4;
		c->ep.port = 1143;
		c->allow_plaintext_auth = true;
	} else {
		strcpy(c->ep.host, "::1");
		c->ep.kind = ADDR_IPV6;
		c->ep.ssl = true;
		c->ep.port = 10993;
		strcpy(c->user, "bob");
		strcpy(t->server_name, "localhost");
		t->verify = false;
		strcpy(t->cert_file, "/k/client.pem");
		strcpy(t->key_file, "/k/client.key");
		strcpy(t->key_password_file, "/k/pass");
		strcpy(t->key_password, KEY_SECRET);
		t->min_version = TLSV_1_2;
		t->max_version = TLSV_1_3;
		strcpy(t->ciphers, "HIGH:!aNULL");
		strcpy(t->ca_dir, "/etc/ssl/certs");
		c->timeout_s = 7.5;
	}
}

/* export_write() into a string the caller frees; *rc its result. */
static char *
render(enum export_format fmt, const struct conn_config *c, int *rc,
       char *err, size_t errcap)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(m);
	*rc = export_write(fmt, c, m, err, errcap);
	fclose(m);
	return buf;
}

static const struct {
	int cfg;
	enum export_format fmt;
	const char *text;	/* NULL: the format refuses */
} cases[] = {
	{ 0, EXPORT_NEOMUTT,
	  "# neomuttrc for alice at imap.example.com port 993, implicit TLS "
	  "(imapconn --export neomutt)\n"
	  "set folder = \"imaps://alice@imap.example.com:993/\"\n"
	  "set spoolfile = \"imaps://alice@imap.example.com:993/INBOX\"\n"
	  "set ssl_force_tls = yes\n"
	  "set ssl_starttls = no\n"
	  "# NeoMutt trusts the certificates in certificate_file and adds "
	  "those you\n"
	  "# accept to it: a copy of the CA file of your own is safer.\n"
	  "set certificate_file = \"/etc/ssl/private-ca.pem\"\n"
	  "# The password is not written here: NeoMutt asks for it, or set "
	  "imap_pass\n"
	  "# from a command of yours, e.g. set imap_pass = \"`pass show "
	  "mail`\".\n" },
	{ 0, EXPORT_MBSYNC,
	  "# mbsyncrc for alice at imap.example.com port 993, implicit TLS "
	  "(imapconn --export mbsync)\n"
	  "IMAPAccount imap.example.com\n"
	  "Host \"imap.example.com\"\n"
	  "Port 993\n"
	  "User \"alice\"\n"
	  "# mbsync runs PassCmd with /bin/sh and reads the password it "
	  "prints: put\n"
	  "# your command there (imapconn never writes the password).\n"
	  "PassCmd \"CHANGE-ME: a command that prints the password\"\n"
	  "# SSLType is TLSType from isync 1.5 on (both are read there).\n"
	  "SSLType IMAPS\n"
	  "CertificateFile \"/etc/ssl/private-ca.pem\"\n"
	  "\n"
	  "IMAPStore imap.example.com-remote\n"
	  "Account imap.example.com\n"
	  "\n"
	  "# A Channel joins it to a local store, for example:\n"
	  "# MaildirStore local\n"
	  "# Path ~/Mail/\n"
	  "# Inbox ~/Mail/INBOX\n"
	  "# Channel mail\n"
	  "# Far :imap.example.com-remote:\n"
	  "# Near :local:\n"
	  "# Patterns *\n" },
	{ 0, EXPORT_CURL,
	  "# curl: list the folders of alice at imap.example.com port 993, "
	  "implicit TLS (imapconn --export curl)\n"
	  "# curl asks for the password (a --netrc-file keeps it off the "
	  "command line).\n"
	  "curl --cacert '/etc/ssl/private-ca.pem' -u 'alice' "
	  "'imaps://imap.example.com:993/'\n" },
	{ 0, EXPORT_OPENSSL,
	  "# openssl s_client: the TLS handshake with imap.example.com port "
	  "993, implicit TLS (imapconn --export openssl)\n"
	  "# \"Verify return code: 0 (ok)\" means the certificate and the "
	  "name checked out;\n"
	  "# then IMAP commands can be typed (a1 CAPABILITY).\n"
	  "openssl s_client -connect 'imap.example.com:993' -servername "
	  "'imap.example.com' -verify_hostname 'imap.example.com' "
	  "-verify_return_error -CAfile '/etc/ssl/private-ca.pem' -crlf\n" },
	{ 0, EXPORT_LISP,
	  ";; make-imap-connection for alice at imap.example.com port 993, "
	  "implicit TLS (imapconn --export lisp)\n"
	  ";; The password is not written here: add :password from a safe "
	  "place.\n"
	  "(make-imap-connection '(\"imap.example.com\" :port 993 :ssl t "
	  ":ca-file \"/etc/ssl/private-ca.pem\") :user \"alice\")\n" },
	{ 1, EXPORT_NEOMUTT,
	  "# neomuttrc for o'brien@example.org at mail.example.org port 143, "
	  "STARTTLS (imapconn --export neomutt)\n"
	  "set folder = \"imap://o%27brien%40example.org@mail.example.org:143"
	  "/\"\n"
	  "set spoolfile = \"imap://o%27brien%40example.org@mail.example.org:"
	  "143/INBOX\"\n"
	  "set ssl_force_tls = yes\n"
	  "set ssl_starttls = yes\n"
	  "# NeoMutt trusts the certificates in certificate_file and adds "
	  "those you\n"
	  "# accept to it: a copy of the CA file of your own is safer.\n"
	  "set certificate_file = \"/home/o'brien/ca \\$HOME \\\"q\\\" "
	  "\\`x\\` back\\\\slash.pem\"\n"
	  "# The password is not written here: NeoMutt asks for it, or set "
	  "imap_pass\n"
	  "# from a command of yours, e.g. set imap_pass = \"`pass show "
	  "mail`\".\n" },
	{ 1, EXPORT_MBSYNC,
	  "# mbsyncrc for o'brien@example.org at mail.example.org port 143, "
	  "STARTTLS (imapconn --export mbsync)\n"
	  "IMAPAccount mail.example.org\n"
	  "Host \"mail.example.org\"\n"
	  "Port 143\n"
	  "User \"o'brien@example.org\"\n"
	  "# mbsync runs PassCmd with /bin/sh and reads the password it "
	  "prints: put\n"
	  "# your command there (imapconn never writes the password).\n"
	  "PassCmd \"CHANGE-ME: a command that prints the password\"\n"
	  "# SSLType is TLSType from isync 1.5 on (both are read there).\n"
	  "SSLType STARTTLS\n"
	  "CertificateFile \"/home/o'brien/ca $HOME \\\"q\\\" `x` "
	  "back\\\\slash.pem\"\n"
	  "\n"
	  "IMAPStore mail.example.org-remote\n"
	  "Account mail.example.org\n"
	  "\n"
	  "# A Channel joins it to a local store, for example:\n"
	  "# MaildirStore local\n"
	  "# Path ~/Mail/\n"
	  "# Inbox ~/Mail/INBOX\n"
	  "# Channel mail\n"
	  "# Far :mail.example.org-remote:\n"
	  "# Near :local:\n"
	  "# Patterns *\n" },
	{ 1, EXPORT_CURL,
	  "# curl: list the folders of o'brien@example.org at "
	  "mail.example.org port 143, STARTTLS (imapconn --export curl)\n"
	  "# curl asks for the password (a --netrc-file keeps it off the "
	  "command line).\n"
	  "curl --ssl-reqd --cacert '/home/o'\\''brien/ca $HOME \"q\" `x` "
	  "back\\slash.pem' -u 'o'\\''brien@example.org' "
	  "'imap://mail.example.org:143/'\n" },
	{ 1, EXPORT_OPENSSL,
	  "# openssl s_client: the TLS handshake with mail.example.org port "
	  "143, STARTTLS (imapconn --export openssl)\n"
	  "# \"Verify return code: 0 (ok)\" means the certificate and the "
	  "name checked out;\n"
	  "# then IMAP commands can be typed (a1 CAPABILITY).\n"
	  "openssl s_client -connect 'mail.example.org:143' -starttls imap "
	  "-servername 'mail.example.org' -verify_hostname "
	  "'mail.example.org' -verify_return_error -CAfile "
	  "'/home/o'\\''brien/ca $HOME \"q\" `x` back\\slash.pem' -crlf\n" },
	{ 1, EXPORT_LISP,
	  ";; make-imap-connection for o'brien@example.org at "
	  "mail.example.org port 143, STARTTLS (imapconn --export lisp)\n"
	  ";; The password is not written here: add :password from a safe "
	  "place.\n"
	  "(make-imap-connection '(\"mail.example.org\" :port 143 :starttls "
	  "t :ca-file \"/home/o'brien/ca $HOME \\\"q\\\" `x` "
	  "back\\\\slash.pem\") :user \"o'brien@example.org\")\n" },
	{ 2, EXPORT_NEOMUTT,
	  "# neomuttrc for 192.0.2.7 port 1143, no TLS (imapconn --export "
	  "neomutt)\n"
	  "# WARNING: no TLS: the password and the mail cross the network "
	  "unencrypted.\n"
	  "set folder = \"imap://192.0.2.7:1143/\"\n"
	  "set spoolfile = \"imap://192.0.2.7:1143/INBOX\"\n"
	  "set ssl_force_tls = no\n"
	  "set ssl_starttls = no\n" },
	{ 2, EXPORT_MBSYNC,
	  "# mbsyncrc for 192.0.2.7 port 1143, no TLS (imapconn --export "
	  "mbsync)\n"
	  "# WARNING: no TLS: the password and the mail cross the network "
	  "unencrypted.\n"
	  "IMAPAccount 192.0.2.7\n"
	  "Host \"192.0.2.7\"\n"
	  "Port 1143\n"
	  "# User: none was given to imapconn; add yours.\n"
	  "# mbsync runs PassCmd with /bin/sh and reads the password it "
	  "prints: put\n"
	  "# your command there (imapconn never writes the password).\n"
	  "PassCmd \"CHANGE-ME: a command that prints the password\"\n"
	  "# SSLType is TLSType from isync 1.5 on (both are read there).\n"
	  "SSLType None\n"
	  "\n"
	  "IMAPStore 192.0.2.7-remote\n"
	  "Account 192.0.2.7\n"
	  "\n"
	  "# A Channel joins it to a local store, for example:\n"
	  "# MaildirStore local\n"
	  "# Path ~/Mail/\n"
	  "# Inbox ~/Mail/INBOX\n"
	  "# Channel mail\n"
	  "# Far :192.0.2.7-remote:\n"
	  "# Near :local:\n"
	  "# Patterns *\n" },
	{ 2, EXPORT_CURL,
	  "# curl: list the folders of 192.0.2.7 port 1143, no TLS (imapconn "
	  "--export curl)\n"
	  "# WARNING: no TLS: the password and the mail cross the network "
	  "unencrypted.\n"
	  "curl 'imap://192.0.2.7:1143/'\n" },
	{ 2, EXPORT_OPENSSL, NULL },
	{ 2, EXPORT_LISP,
	  ";; make-imap-connection for 192.0.2.7 port 1143, no TLS (imapconn "
	  "--export lisp)\n"
	  ";; WARNING: no TLS: the password and the mail cross the network "
	  "unencrypted.\n"
	  "(make-imap-connection '(\"192.0.2.7\" :port 1143))\n" },
	{ 3, EXPORT_NEOMUTT,
	  "# neomuttrc for bob at ::1 port 10993, implicit TLS (imapconn "
	  "--export neomutt)\n"
	  "# WARNING: imapconn did not verify the certificate (--insecure).\n"
	  "# The certificate was checked for localhost, not for ::1.\n"
	  "set folder = \"imaps://bob@[::1]:10993/\"\n"
	  "set spoolfile = \"imaps://bob@[::1]:10993/INBOX\"\n"
	  "set ssl_force_tls = yes\n"
	  "set ssl_starttls = no\n"
	  "set ssl_ciphers = \"HIGH:!aNULL\"\n"
	  "# NeoMutt verifies the certificate and asks whether to accept one "
	  "it cannot.\n"
	  "# The password is not written here: NeoMutt asks for it, or set "
	  "imap_pass\n"
	  "# from a command of yours, e.g. set imap_pass = \"`pass show "
	  "mail`\".\n"
	  "# Not carried over (no such setting here): --ca-dir, --cert, "
	  "--key, --key-password-file, --server-name, --tls-min, "
	  "--tls-max.\n" },
	{ 3, EXPORT_MBSYNC,
	  "# mbsyncrc for bob at ::1 port 10993, implicit TLS (imapconn "
	  "--export mbsync)\n"
	  "# WARNING: imapconn did not verify the certificate (--insecure).\n"
	  "# The certificate was checked for localhost, not for ::1.\n"
	  "IMAPAccount imap---1\n"
	  "Host \"::1\"\n"
	  "Port 10993\n"
	  "User \"bob\"\n"
	  "# mbsync runs PassCmd with /bin/sh and reads the password it "
	  "prints: put\n"
	  "# your command there (imapconn never writes the password).\n"
	  "PassCmd \"CHANGE-ME: a command that prints the password\"\n"
	  "# SSLType is TLSType from isync 1.5 on (both are read there).\n"
	  "SSLType IMAPS\n"
	  "ClientCertificate \"/k/client.pem\"\n"
	  "ClientKey \"/k/client.key\"\n"
	  "CipherString \"HIGH:!aNULL\"\n"
	  "# mbsync verifies the certificate and refuses one it cannot, "
	  "unless\n"
	  "# CertificateFile holds it.\n"
	  "# Not carried over (no such setting here): --ca-dir, "
	  "--key-password-file, --server-name, --tls-min, --tls-max.\n"
	  "\n"
	  "IMAPStore imap---1-remote\n"
	  "Account imap---1\n"
	  "\n"
	  "# A Channel joins it to a local store, for example:\n"
	  "# MaildirStore local\n"
	  "# Path ~/Mail/\n"
	  "# Inbox ~/Mail/INBOX\n"
	  "# Channel mail\n"
	  "# Far :imap---1-remote:\n"
	  "# Near :local:\n"
	  "# Patterns *\n" },
	{ 3, EXPORT_CURL,
	  "# curl: list the folders of bob at ::1 port 10993, implicit TLS "
	  "(imapconn --export curl)\n"
	  "# WARNING: imapconn did not verify the certificate (--insecure).\n"
	  "# The certificate was checked for localhost, not for ::1.\n"
	  "# curl asks for the password (a --netrc-file keeps it off the "
	  "command line).\n"
	  "# curl asks for the key's password too.\n"
	  "curl --connect-to 'localhost:10993:[::1]:10993' --capath "
	  "'/etc/ssl/certs' --cert '/k/client.pem' --key '/k/client.key' "
	  "--ciphers 'HIGH:!aNULL' --tlsv1.2 --tls-max '1.3' --insecure -u "
	  "'bob' 'imaps://localhost:10993/'\n" },
	{ 3, EXPORT_OPENSSL,
	  "# openssl s_client: the TLS handshake with ::1 port 10993, "
	  "implicit TLS (imapconn --export openssl)\n"
	  "# WARNING: imapconn did not verify the certificate (--insecure).\n"
	  "# The certificate was checked for localhost, not for ::1.\n"
	  "# \"Verify return code: 0 (ok)\" means the certificate and the "
	  "name checked out;\n"
	  "# then IMAP commands can be typed (a1 CAPABILITY).\n"
	  "# Without -verify_return_error, s_client shows a failed "
	  "verification and goes on.\n"
	  "openssl s_client -connect '[::1]:10993' -servername 'localhost' "
	  "-verify_hostname 'localhost' -CApath '/etc/ssl/certs' -cert "
	  "'/k/client.pem' -key '/k/client.key' -pass 'file:/k/pass' -cipher "
	  "'HIGH:!aNULL' -min_protocol TLSv1.2 -max_protocol TLSv1.3 "
	  "-crlf\n" },
	{ 3, EXPORT_LISP,
	  ";; make-imap-connection for bob at ::1 port 10993, implicit TLS "
	  "(imapconn --export lisp)\n"
	  ";; WARNING: imapconn did not verify the certificate "
	  "(--insecure).\n"
	  ";; The certificate was checked for localhost, not for ::1.\n"
	  ";; The password is not written here: add :password from a safe "
	  "place.\n"
	  ";; The key's password goes in :certificate-password, from a safe "
	  "place too.\n"
	  "(make-imap-connection '(\"::1\" :port 10993 :ssl t :verify nil "
	  ":ca-directory \"/etc/ssl/certs\" :certificate \"/k/client.pem\" "
	  ":key \"/k/client.key\" :ciphers \"HIGH:!aNULL\" :server-name "
	  "\"localhost\" :method :tlsv1.2+) :user \"bob\" :timeout 7.5)\n"
	  ";; Not carried over (no such setting here): --tls-max.\n" },
};

START_TEST(test_exact_text)
{
	struct conn_config c;
	char err[EXPORT_ERR_MAX];
	char *out;
	int rc;

	make_cfg(cases[_i].cfg, &c);
	out = render(cases[_i].fmt, &c, &rc, err, sizeof(err));
	if (cases[_i].text == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(out, "");
		ck_assert_str_eq(err, "the connection used no TLS: there is "
				 "nothing for openssl s_client to show");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(err, "");
		ck_assert_str_eq(out, cases[_i].text);
	}
	free(out);
}
END_TEST

/* No format writes the password or the key's password, whatever the
 * settings. */
START_TEST(test_no_secret)
{
	struct conn_config c;
	char err[EXPORT_ERR_MAX];

	for (int i = 0; i < NCFG; i++) {
		make_cfg(i, &c);
		for (int f = 0; f < EXPORT_FORMAT_COUNT; f++) {
			int rc;
			char *out = render((enum export_format)f, &c, &rc, err,
					   sizeof(err));

			ck_assert_ptr_null(strstr(out, SECRET));
			ck_assert_ptr_null(strstr(out, KEY_SECRET));
			free(out);
		}
	}
}
END_TEST

/* A control character in any value: refused, nothing written. */
START_TEST(test_control_character)
{
	static const char *const bad[] = { "a\nb", "a\rb", "a\033b",
					   "a\x7f" "b" };
	struct conn_config c;
	char err[EXPORT_ERR_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int f = 0; f < EXPORT_FORMAT_COUNT; f++) {
			int rc;
			char *out;

			make_cfg(0, &c);
			strcpy(c.ep.tls.ca_file, bad[i]);
			out = render((enum export_format)f, &c, &rc, err,
				     sizeof(err));
			ck_assert_int_eq(rc, -1);
			ck_assert_str_eq(out, "");
			ck_assert_str_eq(err, "the --ca-file holds a control "
					 "character: it cannot be exported");
			free(out);
			make_cfg(1, &c);
			strcpy(c.user, bad[i]);
			out = render((enum export_format)f, &c, &rc, err,
				     sizeof(err));
			ck_assert_int_eq(rc, -1);
			ck_assert_str_eq(out, "");
			free(out);
		}
	}
}
END_TEST

/* The quoted host list of the Lisp form, as the host parser reads it,
 * gives back the endpoint exported. */
START_TEST(test_lisp_reads_back)
{
	struct conn_config c;
	struct endpoint ep;
	struct hostspec_error herr;
	char err[EXPORT_ERR_MAX];
	char *out, *start, *end;
	int rc;

	make_cfg(_i, &c);
	out = render(EXPORT_LISP, &c, &rc, err, sizeof(err));
	ck_assert_int_eq(rc, 0);
	start = strstr(out, "'(");
	ck_assert_ptr_nonnull(start);
	end = strstr(start, ") :user");
	if (end == NULL)
		end = strstr(start, "))");
	ck_assert_ptr_nonnull(end);
	rc = hostspec_parse(start, (size_t)(end + 1 - start), &ep, &herr);
	ck_assert_msg(rc == 0, "%s", herr.msg);
	ck_assert_str_eq(ep.host, c.ep.host);
	ck_assert_int_eq(ep.port, endpoint_port(&c.ep));
	ck_assert_int_eq(ep.ssl, c.ep.ssl);
	ck_assert_int_eq(ep.starttls, c.ep.starttls);
	ck_assert_int_eq(ep.tls.verify, c.ep.tls.verify);
	ck_assert_str_eq(ep.tls.ca_file, c.ep.tls.ca_file);
	ck_assert_str_eq(ep.tls.ca_dir, c.ep.tls.ca_dir);
	ck_assert_str_eq(ep.tls.cert_file, c.ep.tls.cert_file);
	ck_assert_str_eq(ep.tls.key_file, c.ep.tls.key_file);
	ck_assert_str_eq(ep.tls.ciphers, c.ep.tls.ciphers);
	ck_assert_str_eq(ep.tls.server_name, c.ep.tls.server_name);
	ck_assert_int_eq(ep.tls.min_version, c.ep.tls.min_version);
	ck_assert_str_eq(ep.tls.key_password, "");
	free(out);
}
END_TEST

START_TEST(test_settle)
{
	struct conn_config c;
	char cwd[CONFIG_PATH_MAX];
	char want[CONFIG_PATH_MAX + 16];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	make_cfg(1, &c);
	c.ep.starttls = STARTTLS_OPPORTUNISTIC;
	strcpy(c.ep.tls.ca_file, "ca.pem");
	strcpy(c.ep.tls.key_password, KEY_SECRET);
	export_settle(&c, true);
	ck_assert_int_eq(c.ep.starttls, STARTTLS_REQUIRED);
	ck_assert_int_eq(c.ep.port, 143);
	snprintf(want, sizeof(want), "%s/ca.pem", cwd);
	ck_assert_str_eq(c.ep.tls.ca_file, want);
	ck_assert_str_eq(c.password, "");
	ck_assert_str_eq(c.ep.tls.key_password, "");
	ck_assert(!c.have_password);

	make_cfg(1, &c);
	c.ep.starttls = STARTTLS_OPPORTUNISTIC;
	export_settle(&c, false);
	ck_assert_int_eq(c.ep.starttls, STARTTLS_OFF);

	make_cfg(0, &c);
	c.ep.starttls = STARTTLS_REQUIRED;
	c.ep.port = 0;
	export_settle(&c, false);
	ck_assert_int_eq(c.ep.starttls, STARTTLS_OFF);
	ck_assert(c.ep.ssl);
	ck_assert_int_eq(c.ep.port, 993);
	ck_assert_str_eq(c.ep.tls.ca_file, "/etc/ssl/private-ca.pem");
}
END_TEST

START_TEST(test_format_names)
{
	static const struct {
		const char *name;
		int fmt;
	} names[] = {
		{ "neomutt", EXPORT_NEOMUTT }, { "NeoMutt", EXPORT_NEOMUTT },
		{ "mutt", EXPORT_NEOMUTT }, { "mbsync", EXPORT_MBSYNC },
		{ "isync", EXPORT_MBSYNC }, { "curl", EXPORT_CURL },
		{ "openssl", EXPORT_OPENSSL }, { "lisp", EXPORT_LISP },
		{ "pine", -1 }, { "", -1 }, { "curl ", -1 },
	};
	enum export_format f;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int rc = export_format_parse(names[i].name, &f);

		ck_assert_int_eq(rc, names[i].fmt < 0 ? -1 : 0);
		if (rc == 0)
			ck_assert_int_eq(f, names[i].fmt);
	}
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		ck_assert_int_eq(export_format_parse(export_format_name(
				(enum export_format)i), &f), 0);
		ck_assert_int_eq(f, i);
	}
}
END_TEST

START_TEST(test_shell_quote)
{
	static const struct {
		const char *in;
		const char *out;
	} q[] = {
		{ "", "''" },
		{ "plain", "'plain'" },
		{ "two words", "'two words'" },
		{ "it's", "'it'\\''s'" },
		{ "'", "''\\'''" },
		{ "$HOME `x` \"q\" \\", "'$HOME `x` \"q\" \\'" },
	};

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		export_shell_quote(m, q[i].in);
		fclose(m);
		ck_assert_str_eq(buf, q[i].out);
		free(buf);
	}
}
END_TEST

/* ---- the option ------------------------------------------------------ */

START_TEST(test_option)
{
	struct options *o = malloc(sizeof(*o));
	char err[OPTIONS_ERR_MAX];

	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check",
				     "--export", "mbsync", "h", NULL), 0);
	ck_assert(o->have_export);
	ck_assert_int_eq(o->export_fmt, EXPORT_MBSYNC);
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check", "h",
				     NULL), 0);
	ck_assert(!o->have_export);
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check",
				     "--export=pine", "h", NULL), -1);
	ck_assert_str_eq(err, "--export 'pine': expected neomutt, mbsync, "
			 "curl, openssl or lisp");
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--export=curl",
				     "h", NULL), -1);
	ck_assert_str_eq(err, "--export goes with --check");
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check",
				     "--json", "--export=curl", "h", NULL),
			 -1);
	ck_assert_str_eq(err, "--export prints text: leave out --json, or "
			 "write it to a file with --export FORMAT:FILE");
	free(o);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_export(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("text");

	tcase_add_loop_test(tc, test_exact_text, 0, N(cases));
	tcase_add_test(tc, test_no_secret);
	tcase_add_test(tc, test_control_character);
	tcase_add_loop_test(tc, test_lisp_reads_back, 0, NCFG);
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_add_test(tc, test_settle);
	tcase_add_test(tc, test_format_names);
	tcase_add_test(tc, test_shell_quote);
	tcase_add_test(tc, test_option);
	suite_add_tcase(s, tc);
	return s;
}
