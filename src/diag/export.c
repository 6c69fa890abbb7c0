/* export.c - the settings of a connection that worked, written as a
 * neomuttrc snippet, an mbsyncrc account, a curl or openssl s_client
 * command, or the reference's make-imap-connection form. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "errmsg.h"
#include "export.h"

/* How the connection is protected, as the outputs say it. */
enum exp_tls {
	XT_IMPLICIT,
	XT_STARTTLS,
	XT_STARTTLS_IF_OFFERED,
	XT_NONE
};

/* Settings beyond host, port, TLS mode and user that a format may or
 * may not be able to express. */
enum exp_setting {
	XS_CA_FILE,
	XS_CA_DIR,
	XS_CERT,
	XS_KEY,
	XS_KEY_PASSWORD_FILE,
	XS_CRL,
	XS_CIPHERS,
	XS_CIPHERSUITES,
	XS_SERVER_NAME,
	XS_DEPTH,
	XS_TLS_MIN,
	XS_TLS_MAX,
	XS_INSECURE,
	XS_COUNT
};

static const char *const setting_option[XS_COUNT] = {
	[XS_CA_FILE] = "--ca-file",
	[XS_CA_DIR] = "--ca-dir",
	[XS_CERT] = "--cert",
	[XS_KEY] = "--key",
	[XS_KEY_PASSWORD_FILE] = "--key-password-file",
	[XS_CRL] = "--crl-file",
	[XS_CIPHERS] = "--ciphers",
	[XS_CIPHERSUITES] = "--ciphersuites",
	[XS_SERVER_NAME] = "--server-name",
	[XS_DEPTH] = "--verify-depth",
	[XS_TLS_MIN] = "--tls-min",
	[XS_TLS_MAX] = "--tls-max",
	[XS_INSECURE] = "--insecure",
};

/* One export in progress. */
struct exp {
	const struct conn_config *c;
	const struct endpoint *ep;
	const struct tls_opts *t;
	FILE *out;
	uint16_t port;
	enum exp_tls tls;
	const char *name;	/* the name the certificate is checked for */
	bool name_is_ip;
	const char *comment;	/* "#" or ";;" */
	unsigned present;	/* bits of enum exp_setting given */
	unsigned carried;	/* bits written */
};

static const struct {
	const char *name;
	enum export_format fmt;
} format_names[] = {
	{ "neomutt", EXPORT_NEOMUTT },
	{ "mbsync", EXPORT_MBSYNC },
	{ "curl", EXPORT_CURL },
	{ "openssl", EXPORT_OPENSSL },
	{ "lisp", EXPORT_LISP },
	{ "mutt", EXPORT_NEOMUTT },
	{ "isync", EXPORT_MBSYNC },
};

int
export_format_parse(const char *name, enum export_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
	     i++) {
		if (strcasecmp(name, format_names[i].name) == 0) {
			*out = format_names[i].fmt;
			return 0;
		}
	}
	return -1;
}

const char *
export_format_name(enum export_format f)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
	     i++)
		if (format_names[i].fmt == f)
			return format_names[i].name;
	return "?";
}

const char *
export_format_names(void)
{
	return "neomutt, mbsync, curl, openssl or lisp";
}

/* ---- settling --------------------------------------------------- */

/* Make path absolute against the current directory, if it fits. */
static void
absolute_path(char *path, size_t cap)
{
	char cwd[CONFIG_PATH_MAX];
	char buf[CONFIG_PATH_MAX];
	int n;

	if (path[0] == '\0' || path[0] == '/')
		return;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return;
	n = snprintf(buf, sizeof(buf), "%s/%s", cwd, path);
	if (n < 0 || (size_t)n >= sizeof(buf) || (size_t)n >= cap)
		return;
	memcpy(path, buf, (size_t)n + 1);
}

void
export_settle(struct conn_config *c, bool starttls_done)
{
	struct endpoint *ep = &c->ep;
	struct tls_opts *t = &ep->tls;
	char *paths[] = {
		t->ca_file, t->ca_dir, t->cert_file, t->key_file,
		t->key_password_file, t->crl_file
	};

	config_wipe(c);
	c->have_password = false;
	if (ep->ssl)
		ep->starttls = STARTTLS_OFF;
	else if (ep->starttls == STARTTLS_OPPORTUNISTIC)
		ep->starttls = starttls_done ? STARTTLS_REQUIRED :
		    STARTTLS_OFF;
	ep->port = endpoint_port(ep);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		absolute_path(paths[i], CONFIG_PATH_MAX);
}

/* ---- checks before anything is written --------------------------- */

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* Every value an output may hold must be free of control characters:
 * none of the formats could carry one safely on one line. */
static int
check_values(const struct conn_config *c, char *err, size_t cap)
{
	const struct tls_opts *t = &c->ep.tls;
	const struct {
		const char *what;
		const char *val;
	} v[] = {
		{ "host", c->ep.host },
		{ "user", c->user },
		{ "--ca-file", t->ca_file },
		{ "--ca-dir", t->ca_dir },
		{ "--cert", t->cert_file },
		{ "--key", t->key_file },
		{ "--key-password-file", t->key_password_file },
		{ "--crl-file", t->crl_file },
		{ "--ciphers", t->ciphers },
		{ "--ciphersuites", t->ciphersuites },
		{ "--server-name", t->server_name },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (has_control(v[i].val))
			return errmsg(err, cap, "the %s holds a control "
				    "character: it cannot be exported",
				    v[i].what);
	if (c->ep.host[0] == '\0')
		return errmsg(err, cap, "no host to export");
	return 0;
}

static enum exp_tls
tls_mode(const struct endpoint *ep)
{
	if (ep->ssl)
		return XT_IMPLICIT;
	if (ep->starttls == STARTTLS_REQUIRED)
		return XT_STARTTLS;
	if (ep->starttls == STARTTLS_OPPORTUNISTIC)
		return XT_STARTTLS_IF_OFFERED;
	return XT_NONE;
}

static bool
is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s,
							    buf) == 1 ||
	    strchr(s, ':') != NULL;
}

static unsigned
present_settings(const struct exp *x)
{
	const struct tls_opts *t = x->t;
	const struct {
		enum exp_setting s;
		bool on;
	} v[] = {
		{ XS_CA_FILE, t->ca_file[0] != '\0' },
		{ XS_CA_DIR, t->ca_dir[0] != '\0' },
		{ XS_CERT, t->cert_file[0] != '\0' },
		{ XS_KEY, t->key_file[0] != '\0' },
		{ XS_KEY_PASSWORD_FILE, t->key_password_file[0] != '\0' },
		{ XS_CRL, t->crl_file[0] != '\0' },
		{ XS_CIPHERS, t->ciphers[0] != '\0' },
		{ XS_CIPHERSUITES, t->ciphersuites[0] != '\0' },
		{ XS_SERVER_NAME, t->server_name[0] != '\0' &&
		  strcasecmp(t->server_name, x->ep->host) != 0 },
		{ XS_DEPTH, t->verify_depth >= 0 },
		{ XS_TLS_MIN, t->min_version != TLSV_DEFAULT },
		{ XS_TLS_MAX, t->max_version != TLSV_DEFAULT },
		{ XS_INSECURE, !t->verify },
	};
	unsigned bits = 0;

	if (x->tls == XT_NONE)
		return 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].on)
			bits |= 1u << v[i].s;
	return bits;
}

static bool
has(const struct exp *x, enum exp_setting s)
{
	return (x->present & (1u << s)) != 0;
}

/* Whether s was given; marks it as written by the caller. */
static bool
carry(struct exp *x, enum exp_setting s)
{
	if (!has(x, s))
		return false;
	x->carried |= 1u << s;
	return true;
}

/* ---- quoting -------------------------------------------------------- */

void
export_shell_quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

/* "value" with a backslash before each byte of esc (and before \ and ")
 * : Lisp, neomuttrc and mbsyncrc strings. */
static void
put_dq(FILE *out, const char *s, const char *esc)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || strchr(esc, *s) != NULL)
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* In neomuttrc double quotes, $ expands a variable and ` runs a
 * command; a backslash makes both literal. */
static void
put_muttrc(FILE *out, const char *s)
{
	put_dq(out, s, "$`");
}

static void
put_lisp(FILE *out, const char *s)
{
	put_dq(out, s, "");
}

#define EXP_URL_MAX 4096

/* Append to buf (cap bytes, NUL-terminated, silently cut when full). */
static void
buf_add(char *buf, size_t cap, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "%s", s);
}

/* Percent-encode all but RFC 3986's unreserved characters. */
static void
buf_add_pct(char *buf, size_t cap, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char one[4] = { (char)c, '\0' };

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == '~'))
			snprintf(one, sizeof(one), "%%%02X", c);
		buf_add(buf, cap, one);
	}
}

/* A host for a URL or host:port: an IPv6 address in brackets, its zone
 * separator as %25 when url is true. */
static void
buf_add_host(char *buf, size_t cap, const char *host, bool url)
{
	if (strchr(host, ':') == NULL) {
		buf_add(buf, cap, host);
		return;
	}
	buf_add(buf, cap, "[");
	for (const char *p = host; *p != '\0'; p++) {
		char one[2] = { *p, '\0' };

		buf_add(buf, cap, *p == '%' && url ? "%25" : one);
	}
	buf_add(buf, cap, "]");
}

/* "host:port", the host in brackets if IPv6. */
static void
host_port(char *buf, size_t cap, const char *host, uint16_t port)
{
	char num[8];

	buf[0] = '\0';
	buf_add_host(buf, cap, host, false);
	snprintf(num, sizeof(num), ":%u", port);
	buf_add(buf, cap, num);
}

/* "imaps://user@host:port/" (user percent-encoded) then tail. */
static void
make_url(const struct exp *x, const char *host, bool with_user,
	 const char *tail, char *buf, size_t cap)
{
	char num[8];

	buf[0] = '\0';
	buf_add(buf, cap, x->tls == XT_IMPLICIT ? "imaps://" : "imap://");
	if (with_user && x->c->user[0] != '\0') {
		buf_add_pct(buf, cap, x->c->user);
		buf_add(buf, cap, "@");
	}
	buf_add_host(buf, cap, host, true);
	snprintf(num, sizeof(num), ":%u/", x->port);
	buf_add(buf, cap, num);
	buf_add(buf, cap, tail);
}

/* ---- comments --------------------------------------------------- */

static const char *
tls_words(enum exp_tls m)
{
	static const char *const words[] = {
		[XT_IMPLICIT] = "implicit TLS",
		[XT_STARTTLS] = "STARTTLS",
		[XT_STARTTLS_IF_OFFERED] = "STARTTLS if offered",
		[XT_NONE] = "no TLS",
	};

	return words[m];
}

/* "<c> <what> alice at host port 993, implicit TLS (imapconn --export
 * <fmt>)"; the user only when with_user is true. */
static void
put_title(const struct exp *x, const char *what, bool with_user,
	  enum export_format fmt)
{
	fprintf(x->out, "%s %s ", x->comment, what);
	if (with_user && x->c->user[0] != '\0')
		fprintf(x->out, "%s at ", x->c->user);
	fprintf(x->out, "%s port %u, %s (imapconn --export %s)\n",
		x->ep->host, x->port, tls_words(x->tls),
		export_format_name(fmt));
}

static void
put_warnings(const struct exp *x)
{
	if (x->tls == XT_NONE)
		fprintf(x->out, "%s WARNING: no TLS: the password and the "
			"mail cross the network unencrypted.\n", x->comment);
	if (x->tls == XT_STARTTLS_IF_OFFERED)
		fprintf(x->out, "%s WARNING: STARTTLS only if the server "
			"offers it: without it, nothing is encrypted.\n",
			x->comment);
	if (has(x, XS_INSECURE))
		fprintf(x->out, "%s WARNING: imapconn did not verify the "
			"certificate (--insecure).\n", x->comment);
	if (has(x, XS_SERVER_NAME))
		fprintf(x->out, "%s The certificate was checked for %s, not "
			"for %s.\n", x->comment, x->t->server_name,
			x->ep->host);
}

/* Name the settings given that the output could not express. */
static void
put_not_carried(const struct exp *x)
{
	unsigned left = x->present & ~x->carried;
	const char *sep = "";

	if (left == 0)
		return;
	fprintf(x->out, "%s Not carried over (no such setting here):",
		x->comment);
	for (int s = 0; s < XS_COUNT; s++) {
		if (!(left & (1u << s)))
			continue;
		fprintf(x->out, "%s %s", sep, setting_option[s]);
		sep = ",";
	}
	fputs(".\n", x->out);
}

/* How each tool spells the TLS versions 1.0 to 1.3. */
enum version_spelling { VS_CURL_MIN, VS_CURL_MAX, VS_OPENSSL, VS_LISP };
static const char *const version_words[][4] = {
	[VS_CURL_MIN] = { "--tlsv1.0", "--tlsv1.1", "--tlsv1.2", "--tlsv1.3" },
	[VS_CURL_MAX] = { "1.0", "1.1", "1.2", "1.3" },
	[VS_OPENSSL] = { "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" },
	[VS_LISP] = { ":tlsv1", ":tlsv1.1", ":tlsv1.2", ":tlsv1.3" },
};

static const char *
version_word(enum tls_version v, enum version_spelling how)
{
	return v >= TLSV_1_0 && v <= TLSV_1_3
	       ? version_words[how][v - TLSV_1_0] : "";
}

/* Where a tool gets the secrets the export leaves out: the login's
 * password when there is a user, the key's when a file holds it. */
static void
put_secret_notes(const struct exp *x, const char *password,
		 const char *key)
{
	if (x->c->user[0] != '\0')
		fputs(password, x->out);
	if (has(x, XS_KEY_PASSWORD_FILE))
		fputs(key, x->out);
}

/* ---- neomutt -------------------------------------------------------- */

static void
muttrc_set(const struct exp *x, const char *var, const char *val)
{
	fprintf(x->out, "set %s = ", var);
	put_muttrc(x->out, val);
	fputc('\n', x->out);
}

static void
write_neomutt(struct exp *x)
{
	FILE *out = x->out;
	bool tls = x->tls != XT_NONE;
	char url[EXP_URL_MAX];

	put_title(x, "neomuttrc for", true, EXPORT_NEOMUTT);
	put_warnings(x);
	make_url(x, x->ep->host, true, "", url, sizeof(url));
	muttrc_set(x, "folder", url);
	make_url(x, x->ep->host, true, "INBOX", url, sizeof(url));
	muttrc_set(x, "spoolfile", url);
	fprintf(out, "set ssl_force_tls = %s\n", x->tls == XT_IMPLICIT ||
		x->tls == XT_STARTTLS ? "yes" : "no");
	fprintf(out, "set ssl_starttls = %s\n", x->tls == XT_STARTTLS ||
		x->tls == XT_STARTTLS_IF_OFFERED ? "yes" : "no");
	if (carry(x, XS_CA_FILE)) {
		fputs("# NeoMutt trusts the certificates in certificate_file "
		      "and adds those you\n# accept to it: a copy of the CA "
		      "file of your own is safer.\n", out);
		muttrc_set(x, "certificate_file", x->t->ca_file);
	}
	if (!has(x, XS_KEY) || strcmp(x->t->key_file, x->t->cert_file) == 0) {
		if (carry(x, XS_CERT))
			muttrc_set(x, "ssl_client_cert", x->t->cert_file);
		carry(x, XS_KEY);
	}
	if (carry(x, XS_CIPHERS))
		muttrc_set(x, "ssl_ciphers", x->t->ciphers);
	if (carry(x, XS_INSECURE))
		fputs("# NeoMutt verifies the certificate and asks whether to "
		      "accept one it cannot.\n", out);
	if (tls && x->c->user[0] != '\0')
		fputs("# The password is not written here: NeoMutt asks for "
		      "it, or set imap_pass\n# from a command of yours, e.g. "
		      "set imap_pass = \"`pass show mail`\".\n", out);
	put_not_carried(x);
}

/* ---- mbsync --------------------------------------------------------- */

/* An mbsync section name from the host: letters, digits, . - _ only,
 * beginning with a letter or digit. */
static void
put_section_name(FILE *out, const char *host)
{
	unsigned char c0 = (unsigned char)host[0];

	if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') ||
	      (c0 >= '0' && c0 <= '9')))
		fputs("imap-", out);
	for (const char *p = host; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';

		fputc(ok ? c : '-', out);
	}
}

static void
mbsync_str(const struct exp *x, const char *key, const char *val)
{
	fprintf(x->out, "%s ", key);
	put_dq(x->out, val, "");
	fputc('\n', x->out);
}

static void
write_mbsync(struct exp *x)
{
	static const char *const types[] = {
		[XT_IMPLICIT] = "IMAPS",
		[XT_STARTTLS] = "STARTTLS",
		[XT_STARTTLS_IF_OFFERED] = "STARTTLS",
		[XT_NONE] = "None",
	};
	FILE *out = x->out;

	put_title(x, "mbsyncrc for", true, EXPORT_MBSYNC);
	put_warnings(x);
	if (x->tls == XT_STARTTLS_IF_OFFERED)
		fputs("# mbsync has no \"if offered\": TLSType STARTTLS "
		      "requires it.\n", out);
	fputs("IMAPAccount ", out);
	put_section_name(out, x->ep->host);
	fputc('\n', out);
	mbsync_str(x, "Host", x->ep->host);
	fprintf(out, "Port %u\n", x->port);
	if (x->c->user[0] != '\0')
		mbsync_str(x, "User", x->c->user);
	else
		fputs("# User: none was given to imapconn; add yours.\n", out);
	fputs("# mbsync runs PassCmd with /bin/sh and reads the password it "
	      "prints: put\n# your command there (imapconn never writes the "
	      "password).\n", out);
	fputs("PassCmd \"CHANGE-ME: a command that prints the password\"\n",
	      out);
	fputs("# SSLType is TLSType from isync 1.5 on (both are read "
	      "there).\n", out);
	fprintf(out, "SSLType %s\n", types[x->tls]);
	if (carry(x, XS_CA_FILE))
		mbsync_str(x, "CertificateFile", x->t->ca_file);
	if (carry(x, XS_CERT))
		mbsync_str(x, "ClientCertificate", x->t->cert_file);
	if (carry(x, XS_KEY))
		mbsync_str(x, "ClientKey", x->t->key_file);
	if (carry(x, XS_CIPHERS))
		mbsync_str(x, "CipherString", x->t->ciphers);
	if (carry(x, XS_INSECURE))
		fputs("# mbsync verifies the certificate and refuses one it "
		      "cannot, unless\n# CertificateFile holds it.\n", out);
	put_not_carried(x);
	fputs("\nIMAPStore ", out);
	put_section_name(out, x->ep->host);
	fputs("-remote\nAccount ", out);
	put_section_name(out, x->ep->host);
	fputs("\n\n# A Channel joins it to a local store, for example:\n"
	      "# MaildirStore local\n# Path ~/Mail/\n# Inbox ~/Mail/INBOX\n"
	      "# Channel mail\n# Far :", out);
	put_section_name(out, x->ep->host);
	fputs("-remote:\n# Near :local:\n# Patterns *\n", out);
}

/* ---- curl ----------------------------------------------------------- */

static void
shell_opt(const struct exp *x, const char *opt, const char *val)
{
	fprintf(x->out, " %s ", opt);
	export_shell_quote(x->out, val);
}

/* The settings that are a file or a list, as curl, openssl s_client
 * and the Lisp form name them, in the order they are written. */
enum exp_tool { TOOL_CURL, TOOL_OPENSSL, TOOL_LISP, TOOL_COUNT };
static const struct {
	enum exp_setting s;
	const char *name[TOOL_COUNT];
} tool_opts[] = {
	{ XS_CA_FILE, { "--cacert", "-CAfile", ":ca-file" } },
	{ XS_CA_DIR, { "--capath", "-CApath", ":ca-directory" } },
	{ XS_CERT, { "--cert", "-cert", ":certificate" } },
	{ XS_KEY, { "--key", "-key", ":key" } },
	{ XS_KEY_PASSWORD_FILE, { NULL, "-pass", NULL } },
	{ XS_CRL, { "--crlfile", "-CRL", ":crl-file" } },
	{ XS_CIPHERS, { "--ciphers", "-cipher", ":ciphers" } },
	{ XS_CIPHERSUITES, { "--tls13-ciphers", "-ciphersuites",
			     ":ciphersuites" } },
};

static const char *
setting_value(const struct tls_opts *t, enum exp_setting s)
{
	switch (s) {
	case XS_CA_FILE:
		return t->ca_file;
	case XS_CA_DIR:
		return t->ca_dir;
	case XS_CERT:
		return t->cert_file;
	case XS_KEY:
		return t->key_file;
	case XS_KEY_PASSWORD_FILE:
		return t->key_password_file;
	case XS_CRL:
		return t->crl_file;
	case XS_CIPHERS:
		return t->ciphers;
	case XS_CIPHERSUITES:
		return t->ciphersuites;
	default:
		return "";
	}
}

static void
lisp_kw(const struct exp *x, const char *kw, const char *val)
{
	fprintf(x->out, " %s ", kw);
	put_lisp(x->out, val);
}

/* Write each file or list setting given that the tool has a name for;
 * openssl reads its key's password as "file:PATH" and checks the CRL
 * only with -crl_check. */
static void
put_tool_opts(struct exp *x, enum exp_tool tool)
{
	char pass[CONFIG_PATH_MAX + 8];

	for (size_t i = 0; i < sizeof(tool_opts) / sizeof(tool_opts[0]); i++) {
		enum exp_setting s = tool_opts[i].s;
		const char *name = tool_opts[i].name[tool];
		const char *val = setting_value(x->t, s);

		if (name == NULL || !carry(x, s))
			continue;
		if (s == XS_KEY_PASSWORD_FILE) {
			snprintf(pass, sizeof(pass), "file:%s", val);
			val = pass;
		}
		if (tool == TOOL_LISP)
			lisp_kw(x, name, val);
		else
			shell_opt(x, name, val);
		if (s == XS_CRL && tool == TOOL_OPENSSL)
			fputs(" -crl_check", x->out);
	}
}

static void
curl_tls_options(struct exp *x)
{
	const struct tls_opts *t = x->t;

	put_tool_opts(x, TOOL_CURL);
	if (carry(x, XS_TLS_MIN))
		fprintf(x->out, " %s", version_word(t->min_version, VS_CURL_MIN));
	if (carry(x, XS_TLS_MAX))
		shell_opt(x, "--tls-max", version_word(t->max_version,
						       VS_CURL_MAX));
	if (carry(x, XS_INSECURE))
		fputs(" --insecure", x->out);
}

/* --connect-to NAME:PORT:HOST:PORT, so that the URL can carry the name
 * the certificate is checked for. */
static void
curl_connect_to(const struct exp *x)
{
	char from[EXP_URL_MAX], to[EXP_URL_MAX];

	host_port(from, sizeof(from), x->t->server_name, x->port);
	host_port(to, sizeof(to), x->ep->host, x->port);
	buf_add(from, sizeof(from), ":");
	buf_add(from, sizeof(from), to);
	shell_opt(x, "--connect-to", from);
}

static void
write_curl(struct exp *x)
{
	FILE *out = x->out;
	const char *url_host = x->ep->host;
	char url[EXP_URL_MAX];

	put_title(x, "curl: list the folders of", true, EXPORT_CURL);
	put_warnings(x);
	put_secret_notes(x, "# curl asks for the password (a --netrc-file "
			 "keeps it off the command line).\n",
			 "# curl asks for the key's password too.\n");
	fputs("curl", out);
	if (x->tls == XT_STARTTLS)
		fputs(" --ssl-reqd", out);
	if (x->tls == XT_STARTTLS_IF_OFFERED)
		fputs(" --ssl", out);
	if (carry(x, XS_SERVER_NAME)) {
		curl_connect_to(x);
		url_host = x->t->server_name;
	}
	curl_tls_options(x);
	if (x->c->user[0] != '\0')
		shell_opt(x, "-u", x->c->user);
	make_url(x, url_host, false, "", url, sizeof(url));
	fputc(' ', out);
	export_shell_quote(out, url);
	fputc('\n', out);
	carry(x, XS_KEY_PASSWORD_FILE);
	put_not_carried(x);
}

/* ---- openssl s_client ----------------------------------------------- */

static void
openssl_tls_options(struct exp *x)
{
	const struct tls_opts *t = x->t;

	put_tool_opts(x, TOOL_OPENSSL);
	if (carry(x, XS_DEPTH))
		fprintf(x->out, " -verify_depth %d", t->verify_depth);
	if (carry(x, XS_TLS_MIN))
		fprintf(x->out, " -min_protocol %s",
			version_word(t->min_version, VS_OPENSSL));
	if (carry(x, XS_TLS_MAX))
		fprintf(x->out, " -max_protocol %s",
			version_word(t->max_version, VS_OPENSSL));
}

static void
write_openssl(struct exp *x)
{
	FILE *out = x->out;
	char hp[EXP_URL_MAX];

	put_title(x, "openssl s_client: the TLS handshake with", false,
		  EXPORT_OPENSSL);
	put_warnings(x);
	fputs("# \"Verify return code: 0 (ok)\" means the certificate and "
	      "the name checked out;\n# then IMAP commands can be typed "
	      "(a1 CAPABILITY).\n", out);
	if (carry(x, XS_INSECURE))
		fputs("# Without -verify_return_error, s_client shows a "
		      "failed verification and goes on.\n", out);
	host_port(hp, sizeof(hp), x->ep->host, x->port);
	fputs("openssl s_client", out);
	shell_opt(x, "-connect", hp);
	if (x->tls != XT_IMPLICIT)
		fputs(" -starttls imap", out);
	carry(x, XS_SERVER_NAME);
	if (x->name_is_ip) {
		fputs(" -noservername", out);
		shell_opt(x, "-verify_ip", x->name);
	} else {
		shell_opt(x, "-servername", x->name);
		shell_opt(x, "-verify_hostname", x->name);
	}
	if (!has(x, XS_INSECURE))
		fputs(" -verify_return_error", out);
	openssl_tls_options(x);
	fputs(" -crlf\n", out);
	put_not_carried(x);
}

/* ---- Lisp ----------------------------------------------------------- */

/* :method, as the reference names the versions: at least min ("+"),
 * or exactly min when max is the same. */
static void
lisp_method(struct exp *x)
{
	const struct tls_opts *t = x->t;
	bool exact = t->max_version == t->min_version;

	if (!carry(x, XS_TLS_MIN))
		return;
	if (exact)
		carry(x, XS_TLS_MAX);
	fprintf(x->out, " :method %s%s", version_word(t->min_version, VS_LISP),
		exact ? "" : "+");
}

static void
lisp_tls_keywords(struct exp *x)
{
	const struct tls_opts *t = x->t;

	if (carry(x, XS_INSECURE))
		fputs(" :verify nil", x->out);
	put_tool_opts(x, TOOL_LISP);
	if (carry(x, XS_SERVER_NAME))
		lisp_kw(x, ":server-name", t->server_name);
	if (carry(x, XS_DEPTH))
		fprintf(x->out, " :max-depth %d", t->verify_depth);
	lisp_method(x);
}

static void
write_lisp(struct exp *x)
{
	FILE *out = x->out;

	put_title(x, "make-imap-connection for", true, EXPORT_LISP);
	put_warnings(x);
	put_secret_notes(x, ";; The password is not written here: add "
			 ":password from a safe place.\n",
			 ";; The key's password goes in :certificate-password, "
			 "from a safe place too.\n");
	fputs("(make-imap-connection '(", out);
	put_lisp(out, x->ep->host);
	fprintf(out, " :port %u", x->port);
	if (x->tls == XT_IMPLICIT)
		fputs(" :ssl t", out);
	if (x->tls == XT_STARTTLS)
		fputs(" :starttls t", out);
	if (x->tls == XT_STARTTLS_IF_OFFERED)
		fputs(" :starttls :opportunistic", out);
	lisp_tls_keywords(x);
	fputc(')', out);
	if (x->c->user[0] != '\0')
		lisp_kw(x, ":user", x->c->user);
	if (x->c->timeout_s != 30)
		fprintf(out, " :timeout %g", x->c->timeout_s);
	fputs(")\n", out);
	carry(x, XS_KEY_PASSWORD_FILE);
	put_not_carried(x);
}

/* ---- the entry point ------------------------------------------------ */

typedef void (*exp_writer)(struct exp *);

static const exp_writer writers[EXPORT_FORMAT_COUNT] = {
	[EXPORT_NEOMUTT] = write_neomutt,
	[EXPORT_MBSYNC] = write_mbsync,
	[EXPORT_CURL] = write_curl,
	[EXPORT_OPENSSL] = write_openssl,
	[EXPORT_LISP] = write_lisp,
};

int
export_write(enum export_format fmt, const struct conn_config *c,
	     FILE *out, char *err, size_t errcap)
{
	struct exp x;

	if (errcap > 0)
		err[0] = '\0';
	if ((unsigned)fmt >= EXPORT_FORMAT_COUNT)
		return errmsg(err, errcap, "unknown export format");
	if (check_values(c, err, errcap) != 0)
		return -1;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.ep = &c->ep;
	x.t = &c->ep.tls;
	x.out = out;
	x.port = endpoint_port(&c->ep);
	x.tls = tls_mode(&c->ep);
	x.name = x.t->server_name[0] != '\0' ? x.t->server_name :
	    c->ep.host;
	x.name_is_ip = is_ip(x.name);
	x.comment = fmt == EXPORT_LISP ? ";;" : "#";
	x.present = present_settings(&x);
	if (fmt == EXPORT_OPENSSL && x.tls == XT_NONE)
		return errmsg(err, errcap, "the connection used no TLS: there "
			    "is nothing for openssl s_client to show");
	writers[fmt](&x);
	return 0;
}
