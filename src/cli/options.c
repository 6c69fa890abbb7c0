/* options.c - the command line, parsed into a connection configuration. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "detect.h"
#include "errmsg.h"
#include "export.h"
#include "hostspec.h"
#include "idna.h"
#include "knowncerts.h"
#include "options.h"
#include "pin.h"

enum opt_id {
	OPT_HELP = 'h',
	OPT_PORT = 'p',
	OPT_USER = 'u',
	OPT_VERSION = 'V',
	OPT_WARNING = 'w',
	OPT_CRITICAL = 'c',
	OPT_DRY_RUN = 256,
	OPT_CHECK,
	OPT_JSON,
	OPT_FORM,
	OPT_SSL,
	OPT_NO_SSL,
	OPT_STARTTLS,
	OPT_INSECURE,
	OPT_CA_FILE,
	OPT_CA_DIR,
	OPT_CERT,
	OPT_KEY,
	OPT_KEY_PASSWORD_FILE,
	OPT_CRL_FILE,
	OPT_CIPHERS,
	OPT_CIPHERSUITES,
	OPT_SERVER_NAME,
	OPT_VERIFY_DEPTH,
	OPT_TLS_MIN,
	OPT_TLS_MAX,
	OPT_TIMEOUT,
	OPT_PASSWORD_FILE,
	OPT_PASSWORD_COMMAND,
	OPT_OAUTH_TOKEN_COMMAND,
	OPT_ALLOW_PLAINTEXT_AUTH,
	OPT_SELECT,
	OPT_SELECT_RW,
	OPT_TRANSCRIPT,
	OPT_ID_SEND_NAME,
	OPT_EXPORT,
	OPT_REPORT,
	OPT_DETECT,
	OPT_DETECT_PORTS,
	OPT_AUTH,
	OPT_NO_PIPELINING,
	OPT_DEADLINE,
	OPT_TUNNEL,
	OPT_PIN,
	OPT_KNOWN_CERTS,
	OPT_FORGET,
	OPT_CONFIG,
	OPT_REPEAT,
	OPT_INTERVAL,
	OPT_MONITOR,
	OPT_PLUGIN,
	OPT_WARN_PHASE,
	OPT_CERT_DAYS
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "form", no_argument, NULL, OPT_FORM },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "ssl", no_argument, NULL, OPT_SSL },
	{ "tls", no_argument, NULL, OPT_SSL },
	{ "no-ssl", no_argument, NULL, OPT_NO_SSL },
	{ "starttls", optional_argument, NULL, OPT_STARTTLS },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "ca-dir", required_argument, NULL, OPT_CA_DIR },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "key-password-file", required_argument, NULL,
	  OPT_KEY_PASSWORD_FILE },
	{ "crl-file", required_argument, NULL, OPT_CRL_FILE },
	{ "ciphers", required_argument, NULL, OPT_CIPHERS },
	{ "ciphersuites", required_argument, NULL, OPT_CIPHERSUITES },
	{ "server-name", required_argument, NULL, OPT_SERVER_NAME },
	{ "verify-depth", required_argument, NULL, OPT_VERIFY_DEPTH },
	{ "tls-min", required_argument, NULL, OPT_TLS_MIN },
	{ "tls-max", required_argument, NULL, OPT_TLS_MAX },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "user", required_argument, NULL, OPT_USER },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "password-command", required_argument, NULL,
	  OPT_PASSWORD_COMMAND },
	{ "oauth-token-command", required_argument, NULL,
	  OPT_OAUTH_TOKEN_COMMAND },
	{ "allow-plaintext-auth", no_argument, NULL,
	  OPT_ALLOW_PLAINTEXT_AUTH },
	{ "select", required_argument, NULL, OPT_SELECT },
	{ "select-rw", no_argument, NULL, OPT_SELECT_RW },
	{ "transcript", required_argument, NULL, OPT_TRANSCRIPT },
	{ "id-send-name", no_argument, NULL, OPT_ID_SEND_NAME },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "detect", required_argument, NULL, OPT_DETECT },
	{ "detect-ports", required_argument, NULL, OPT_DETECT_PORTS },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "no-pipelining", no_argument, NULL, OPT_NO_PIPELINING },
	{ "deadline", required_argument, NULL, OPT_DEADLINE },
	{ "tunnel", required_argument, NULL, OPT_TUNNEL },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "known-certs", no_argument, NULL, OPT_KNOWN_CERTS },
	{ "forget", required_argument, NULL, OPT_FORGET },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "monitor", no_argument, NULL, OPT_MONITOR },
	{ "plugin", no_argument, NULL, OPT_PLUGIN },
	{ "warning", required_argument, NULL, OPT_WARNING },
	{ "critical", required_argument, NULL, OPT_CRITICAL },
	{ "warn-phase", required_argument, NULL, OPT_WARN_PHASE },
	{ "cert-days", required_argument, NULL, OPT_CERT_DAYS },
	{ NULL, 0, NULL, 0 }
};

/* What the command line set, to merge with the host specification. */
struct cli_set {
	struct endpoint ep;	/* values given by options */
	bool port, ssl, starttls, verify, depth, tls_min, tls_max;
};

static const char usage_text[] =
"Usage: imapconn [OPTION]... [HOST | PROFILE]\n"
"Connect to an IMAP server and show, live, what happens.\n"
"\n"
"HOST is any host form of make-imap-connection: a name, an IPv4 or IPv6\n"
"address (or an IPv4 integer), host:port, [v6]:port, (\"host\" . port),\n"
"(\"host\" :port 993 :ssl t :starttls t ...), or an imap:// or imaps://\n"
"URL.  Without --check or --dry-run, the terminal interface opens.\n"
"PROFILE is an account of the configuration file\n"
"($XDG_CONFIG_HOME/imapconn/config, see imapconn.conf(5)); the options\n"
"given here override its values.\n"
"      --profile=NAME       the account NAME of the configuration file\n"
"      --config=FILE        read the accounts from FILE instead\n"
"      --import [--check] [WHICH]  list the IMAP accounts of mbsync,\n"
"                           neomutt, mutt, Thunderbird, aerc and\n"
"                           offlineimap settings under $HOME, or check\n"
"                           WHICH (number, NAME or CLIENT:NAME) and name\n"
"                           the file and line behind a failure\n"
"      --use-stored-password  with --import --check: use a password\n"
"                           stored in the client's file\n"
"\n"
"Modes:\n"
"      --check              connect once without the interface, print the\n"
"                           timeline and exit with a status per failure\n"
"      --json               with --check or --dry-run: one JSON document\n"
"      --dry-run            print the endpoint and the phases; connect to\n"
"                           nothing\n"
"      --form               in the interface, show the form first even\n"
"                           when the command line says enough to connect\n"
"      --detect=NAME        find where NAME's IMAP server answers: SRV\n"
"                           records, NAME, imap.NAME, mail.NAME on ports\n"
"                           993 and 143, probed without credentials\n"
"      --detect-ports=TLS,STARTTLS  probe these ports instead of 993,143\n"
"                           (with --detect, or the interface's F5)\n"
"      --export=FORMAT[:FILE]  with --check, after a successful connection:\n"
"                           its settings for neomutt, mbsync, curl,\n"
"                           openssl or lisp (never the password), alone\n"
"                           on standard output (the timeline goes to\n"
"                           standard error), or to a new FILE (mode 600)\n"
"      --report=FILE        with --check: write a report for a support\n"
"                           ticket to FILE (mode 600, no password)\n"
"      --repeat=N           with --check: N connections (0: until\n"
"                           Ctrl-C), a line each, then per phase the\n"
"                           count, failures, min, median, p95 and max\n"
"      --interval=SECONDS   between repeated connections (default 1)\n"
"      --monitor            in the interface, the monitor screen:\n"
"                           connections repeated, a chart per phase\n"
"      --plugin             a monitoring plugin: one line IMAP OK,\n"
"                           WARNING, CRITICAL or UNKNOWN with\n"
"                           performance data, exit 0, 1, 2 or 3\n"
"  -w, --warning=MS         --plugin: WARNING above MS in all\n"
"  -c, --critical=MS        --plugin: CRITICAL above MS in all\n"
"      --warn-phase=PHASE=MS  --plugin: WARNING when PHASE takes more\n"
"      --cert-days=WARN,CRIT  --plugin: WARNING or CRITICAL when the\n"
"                           certificate has fewer days left\n"
"\n"
"Connection:\n"
"  -p, --port=PORT          port (default 143, or 993 with --ssl)\n"
"      --ssl, --tls         implicit TLS from the first byte\n"
"      --no-ssl             no implicit TLS (STARTTLS required, unless\n"
"                           --starttls says otherwise)\n"
"      --starttls[=MODE]    required (MODE left out), opportunistic\n"
"                           (unencrypted when not offered) or off\n"
"                           (plain text; the password still needs\n"
"                           --allow-plaintext-auth)\n"
"                           With none of these, encrypted by default\n"
"                           (RFC 8314): port 993 implicit TLS, any\n"
"                           other port STARTTLS, required\n"
"      --timeout=SECONDS    how long to wait for the server each time\n"
"                           (default 30; fractions allowed)\n"
"      --deadline=SECONDS   bound on the whole connection up to the\n"
"                           list (default four times the timeout)\n"
"      --tunnel=CMD         speak IMAP over the standard input and output\n"
"                           of CMD (run with /bin/sh -c), e.g. 'ssh host\n"
"                           /usr/lib/dovecot/imap'; HOST is then optional;\n"
"                           no TLS unless --ssl or --starttls is given\n"
"\n"
"TLS (verification is on and TLS 1.2 is the minimum by default):\n"
"      --ca-file=FILE       trust the CA certificates in FILE\n"
"      --ca-dir=DIR         trust the hashed CA directory DIR\n"
"      --insecure           do not verify the certificate (said on every\n"
"                           output)\n"
"      --server-name=NAME   SNI and the name the certificate must hold\n"
"      --tls-min=VERSION    1.0, 1.1, 1.2 or 1.3\n"
"      --tls-max=VERSION    1.0, 1.1, 1.2 or 1.3\n"
"      --ciphers=LIST       OpenSSL cipher list for TLS 1.2 and older\n"
"      --ciphersuites=LIST  OpenSSL TLS 1.3 cipher suites\n"
"      --cert=FILE          client certificate (PEM)\n"
"      --key=FILE           client key (PEM)\n"
"      --key-password-file=FILE  first line is the key's password\n"
"      --verify-depth=N     maximum certificate chain depth\n"
"      --crl-file=FILE      check revocation against this CRL\n"
"      --pin=sha256//BASE64[;sha256//BASE64]  the server's public key must\n"
"                           be one of these (SHA-256 of its SPKI, as\n"
"                           curl's --pinnedpubkey); it is then trusted\n"
"                           even when verification fails\n"
"      --known-certs        list the certificates accepted for good\n"
"                           ($XDG_DATA_HOME/imapconn/known_certs)\n"
"      --forget=HOST[:PORT] remove HOST's accepted certificates (on PORT)\n"
"\n"
"Login:\n"
"  -u, --user=NAME          log in as NAME (or user@ in the URL)\n"
"      --password-file=FILE the first line of FILE is the password\n"
"      --password-command=CMD  the first line CMD prints is the password\n"
"                           (otherwise IMAPCONN_PASSWORD, or a prompt)\n"
"      --oauth-token-command=CMD  the first line CMD prints is an OAuth 2.0\n"
"                           token (otherwise IMAPCONN_OAUTH_TOKEN)\n"
"      --allow-plaintext-auth  allow the password over an unencrypted\n"
"                           connection\n"
"      --auth=MECH[,MECH]   log in only with these: login, plain,\n"
"                           scram-sha-256[-plus], scram-sha-1[-plus],\n"
"                           cram-md5, gssapi, external, oauthbearer,\n"
"                           xoauth2 (default: the strongest the server\n"
"                           offers that the credentials serve)\n"
"      --no-pipelining      one command per round trip (for servers\n"
"                           that mishandle commands sent together)\n"
"      --select=MAILBOX     open MAILBOX read-only (EXAMINE) after login\n"
"      --select-rw          open it read-write (SELECT)\n"
"      --transcript=FILE    write the protocol exchange to FILE, the\n"
"                           password and SASL data redacted\n"
"      --id-send-name       answer the server's ID with imapconn's name\n"
"                           and version (default: ID NIL, telling nothing)\n"
"\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n"
"\n"
"Exit status of --check: 0 connected; 64 usage; 66 unreadable input\n"
"file; 68 DNS; 69 refused or unreachable; 70 internal; 74 network; 75\n"
"timeout; 76 protocol; 77 authentication; 80 certificate not trusted;\n"
"81 TLS handshake; 82 STARTTLS unavailable; 83 server refused; 130\n"
"cancelled.  See imapconn(1).\n";

const char *
options_usage(void)
{
	return usage_text;
}

/* Copy an option's value into a fixed buffer; too long is an error. */
static int
copy_arg(char *dst, size_t cap, const char *arg, const char *name,
	 char *err, size_t errcap)
{
	size_t len = strlen(arg);

	if (len >= cap)
		return errmsg(err, errcap, "--%s: value too long (%zu bytes,"
				" at most %zu)", name, len, cap - 1);
	if (len == 0)
		return errmsg(err, errcap, "--%s: empty value", name);
	memcpy(dst, arg, len + 1);
	return 0;
}

static int
parse_port(const char *arg, uint16_t *port, char *err, size_t errcap)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > 65535
	    || arg[0] == '+' || arg[0] == '-' || arg[0] == ' ')
		return errmsg(err, errcap, "--port '%s': port must be a "
				"number 1-65535", arg);
	*port = (uint16_t)v;
	return 0;
}

/* Seconds for --timeout or --deadline (name), fractions allowed. */
static int
parse_seconds(const char *arg, const char *name, double *out, char *err,
	      size_t errcap)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(v)
	    || v <= 0 || v > 86400)
		return errmsg(err, errcap, "--%s '%s': expected seconds "
				"greater than 0 and at most 86400 (e.g. 30 or "
				"2.5)", name, arg);
	*out = v;
	return 0;
}

static int
parse_depth(const char *arg, int *out, char *err, size_t errcap)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 100)
		return errmsg(err, errcap, "--verify-depth '%s': expected a"
				" number 0-100", arg);
	*out = (int)v;
	return 0;
}

static int
parse_starttls(const char *arg, enum starttls_mode *m, char *err,
	       size_t errcap)
{
	if (arg == NULL || strcmp(arg, "required") == 0)
		*m = STARTTLS_REQUIRED;
	else if (strcmp(arg, "opportunistic") == 0)
		*m = STARTTLS_OPPORTUNISTIC;
	else if (strcmp(arg, "off") == 0)
		*m = STARTTLS_OFF;
	else
		return errmsg(err, errcap, "--starttls=%s: expected "
				"required, opportunistic or off", arg);
	return 0;
}

static int
parse_version(const char *arg, const char *name, enum tls_version *v,
	      char *err, size_t errcap)
{
	if (tls_version_parse(arg, v) != 0)
		return errmsg(err, errcap, "--%s '%s': expected 1.0, 1.1, "
				"1.2 or 1.3", name, arg);
	return 0;
}

/* Options that fill a string of the TLS settings, as a table. */
static char *
tls_string_field(struct tls_opts *t, int id, size_t *cap)
{
	struct {
		int id;
		char *field;
		size_t cap;
	} map[] = {
		{ OPT_CA_FILE, t->ca_file, sizeof(t->ca_file) },
		{ OPT_CA_DIR, t->ca_dir, sizeof(t->ca_dir) },
		{ OPT_CERT, t->cert_file, sizeof(t->cert_file) },
		{ OPT_KEY, t->key_file, sizeof(t->key_file) },
		{ OPT_KEY_PASSWORD_FILE, t->key_password_file,
		  sizeof(t->key_password_file) },
		{ OPT_CRL_FILE, t->crl_file, sizeof(t->crl_file) },
		{ OPT_CIPHERS, t->ciphers, sizeof(t->ciphers) },
		{ OPT_CIPHERSUITES, t->ciphersuites, sizeof(t->ciphersuites) },
		{ OPT_SERVER_NAME, t->server_name, sizeof(t->server_name) },
		{ OPT_PIN, t->pin, sizeof(t->pin) },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].id == id) {
			*cap = map[i].cap;
			return map[i].field;
		}
	}
	return NULL;
}

static const char *
long_name(int id)
{
	for (const struct option *lo = long_options; lo->name; lo++)
		if (lo->val == id)
			return lo->name;
	return "?";
}

/* --server-name, an international name in its A-labels. */
static int
parse_server_name(struct tls_opts *t, const char *arg, char *err,
		  size_t errcap)
{
	struct idna_error ierr;
	char ascii[CONFIG_HOST_MAX];

	if (idna_name(arg, ascii, sizeof(ascii), &ierr) != 0)
		return errmsg(err, errcap, "--server-name: %s", ierr.why);
	return copy_arg(t->server_name, sizeof(t->server_name), ascii,
			"server-name", err, errcap);
}

static int
apply_tls_option(struct cli_set *cs, int id, const char *arg, char *err,
		 size_t errcap)
{
	struct tls_opts *t = &cs->ep.tls;
	size_t cap;
	char *field = tls_string_field(t, id, &cap);

	if (id == OPT_SERVER_NAME)
		return parse_server_name(t, arg, err, errcap);
	if (field != NULL)
		return copy_arg(field, cap, arg, long_name(id), err, errcap);
	switch (id) {
	case OPT_INSECURE:
		t->verify = false;
		cs->verify = true;
		return 0;
	case OPT_VERIFY_DEPTH:
		cs->depth = true;
		return parse_depth(arg, &t->verify_depth, err, errcap);
	case OPT_TLS_MIN:
		cs->tls_min = true;
		return parse_version(arg, "tls-min", &t->min_version, err,
				     errcap);
	case OPT_TLS_MAX:
		cs->tls_max = true;
		return parse_version(arg, "tls-max", &t->max_version, err,
				     errcap);
	}
	return 1;	/* not a TLS option */
}

static int
apply_conn_option(struct options *o, struct cli_set *cs, int id,
		  const char *arg, char *err, size_t errcap)
{
	struct conn_config *c = &o->cfg;

	switch (id) {
	case OPT_PORT:
		cs->port = true;
		return parse_port(arg, &cs->ep.port, err, errcap);
	case OPT_SSL:
	case OPT_NO_SSL:
		cs->ssl = true;
		cs->ep.ssl = id == OPT_SSL;
		return 0;
	case OPT_STARTTLS:
		cs->starttls = true;
		return parse_starttls(arg, &cs->ep.starttls, err, errcap);
	case OPT_TIMEOUT:
		o->timeout_given = true;
		return parse_seconds(arg, "timeout", &c->timeout_s, err,
				     errcap);
	case OPT_USER:
		return copy_arg(c->user, sizeof(c->user), arg, "user", err,
				errcap);
	case OPT_ALLOW_PLAINTEXT_AUTH:
		c->allow_plaintext_auth = true;
		return 0;
	case OPT_SELECT:
		return copy_arg(c->select, sizeof(c->select), arg, "select",
				err, errcap);
	case OPT_SELECT_RW:
		c->select_rw = true;
		return 0;
	case OPT_ID_SEND_NAME:
		c->id_send_name = true;
		return 0;
	case OPT_TUNNEL:
		return copy_arg(c->tunnel, sizeof(c->tunnel), arg, "tunnel",
				err, errcap);
	case OPT_TRANSCRIPT:
		return copy_arg(c->transcript_path,
				sizeof(c->transcript_path), arg, "transcript",
				err, errcap);
	}
	return 1;
}

static int
apply_mode_option(struct options *o, int id, const char *arg, char *err,
		  size_t errcap)
{
	switch (id) {
	case OPT_HELP:
		o->mode = MODE_HELP;
		return 0;
	case OPT_VERSION:
		o->mode = MODE_VERSION;
		return 0;
	case OPT_DRY_RUN:
		o->mode = MODE_DRY_RUN;
		return 0;
	case OPT_CHECK:
		o->mode = MODE_CHECK;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_FORM:
		o->show_form = true;
		return 0;
	case OPT_PASSWORD_FILE:
	case OPT_PASSWORD_COMMAND:
		if (o->pw_source == PW_FILE || o->pw_source == PW_COMMAND)
			return errmsg(err, errcap, "--password-file and "
					"--password-command: give only one");
		o->pw_source = id == OPT_PASSWORD_FILE ? PW_FILE : PW_COMMAND;
		return copy_arg(o->pw_arg, sizeof(o->pw_arg), arg,
				long_name(id), err, errcap);
	case OPT_OAUTH_TOKEN_COMMAND:
		o->tok_source = TOK_COMMAND;
		return copy_arg(o->tok_arg, sizeof(o->tok_arg), arg,
				long_name(id), err, errcap);
	}
	return 1;
}

/* A port 1-65535 in s[0..len), digits only. */
static bool
port_span(const char *s, size_t len, uint16_t *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* "993,143": the ports --detect probes for implicit TLS and STARTTLS. */
static int
parse_detect_ports(struct options *o, const char *arg, char *err,
		   size_t errcap)
{
	const char *comma = strchr(arg, ',');

	if (comma == NULL || !port_span(arg, (size_t)(comma - arg),
					&o->detect_port_tls) ||
	    !port_span(comma + 1, strlen(comma + 1),
		       &o->detect_port_starttls))
		return errmsg(err, errcap, "--detect-ports '%s': expected "
				"two ports 1-65535, implicit TLS then "
				"STARTTLS (e.g. 993,143)", arg);
	return 0;
}

int
options_parse_auth(const char *arg, unsigned *out, char *err,
		   size_t errcap)
{
	const char *p = arg;

	*out = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		unsigned bit = caps_mech_bit(p, n);

		if (bit == 0)
			return errmsg(err, errcap, "'%.*s' is not a mechanism "
				      "imapconn knows (%s)", (int)n, p,
				      caps_mech_names());
		*out |= bit;
		p += n;
		if (*p == ',')
			p++;
	}
	if (*out == 0)
		return errmsg(err, errcap, "name at least one mechanism (%s)",
			      caps_mech_names());
	return 0;
}

/* --auth scram-sha-256,plain: the mechanisms a login may use. */
static int
parse_auth(const char *arg, unsigned *out, char *err, size_t errcap)
{
	char why[512];

	if (options_parse_auth(arg, out, why, sizeof(why)) == 0)
		return 0;
	return errmsg(err, errcap, "--auth '%s': %s", arg, why);
}

/* --auth, --no-pipelining and --deadline. */
static int
apply_login_option(struct options *o, int id, const char *arg, char *err,
		   size_t errcap)
{
	switch (id) {
	case OPT_AUTH:
		return parse_auth(arg, &o->cfg.auth_mechs, err, errcap);
	case OPT_NO_PIPELINING:
		o->cfg.no_pipelining = true;
		return 0;
	case OPT_DEADLINE:
		return parse_seconds(arg, "deadline", &o->cfg.deadline_s, err,
				     errcap);
	}
	return 1;
}

/* --export FORMAT or FORMAT:FILE. */
static int
parse_export(struct options *o, const char *arg, char *err, size_t errcap)
{
	const char *colon = strchr(arg, ':');
	char name[32];

	snprintf(name, sizeof(name), "%.*s", colon != NULL ?
		 (int)(colon - arg) : (int)strlen(arg), arg);
	if (export_format_parse(name, &o->export_fmt) != 0)
		return errmsg(err, errcap, "--export '%s': expected %s",
				arg, export_format_names());
	o->have_export = true;
	o->export_path[0] = '\0';
	if (colon == NULL)
		return 0;
	return copy_arg(o->export_path, sizeof(o->export_path), colon + 1,
			"export FORMAT:FILE", err, errcap);
}

/* A whole number lo..hi for option name into *out. */
static int
parse_long(const char *arg, const char *name, long lo, long hi,
	   long *out, char *err, size_t errcap)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi
	    || arg[0] == '+' || arg[0] == ' ')
		return errmsg(err, errcap, "--%s '%s': expected a whole "
				"number %ld-%ld", name, arg, lo, hi);
	*out = v;
	return 0;
}

/* --warn-phase PHASE=MS, PHASE a name as the timeline shows it. */
static int
parse_warn_phase(struct options *o, const char *arg, char *err,
		 size_t errcap)
{
	const char *eq = strchr(arg, '=');

	for (int p = PHASE_NONE + 1; eq != NULL && p < PHASE_COUNT; p++) {
		const char *name = phase_name((enum phase)p);

		if (strlen(name) == (size_t)(eq - arg)
		    && strncmp(name, arg, (size_t)(eq - arg)) == 0)
			return parse_long(eq + 1, "warn-phase", 1, 86400000,
					  &o->warn_phase_ms[p], err, errcap);
	}
	return errmsg(err, errcap, "--warn-phase '%s': expected PHASE=MS, "
			"PHASE a name of the timeline (greeting, "
			"authenticate, list ...)", arg);
}

/* --cert-days WARN,CRIT: WARN at least CRIT. */
static int
parse_cert_days(struct options *o, const char *arg, char *err,
		size_t errcap)
{
	const char *comma = strchr(arg, ',');
	char first[24];

	if (comma == NULL || (size_t)(comma - arg) >= sizeof(first))
		return errmsg(err, errcap, "--cert-days '%s': expected "
				"WARN,CRIT in days (e.g. 30,7)", arg);
	snprintf(first, sizeof(first), "%.*s", (int)(comma - arg), arg);
	if (parse_long(first, "cert-days", 0, 100000, &o->cert_warn_days,
		       err, errcap) != 0
	    || parse_long(comma + 1, "cert-days", 0, 100000,
			  &o->cert_crit_days, err, errcap) != 0)
		return -1;
	if (o->cert_warn_days < o->cert_crit_days)
		return errmsg(err, errcap, "--cert-days '%s': WARN must be "
				"at least CRIT", arg);
	o->have_cert_days = true;
	return 0;
}

/* --repeat, --interval, --monitor and the --plugin thresholds. */
static int
apply_repeat_option(struct options *o, int id, const char *arg, char *err,
		    size_t errcap)
{
	long n;

	switch (id) {
	case OPT_REPEAT:
		o->have_repeat = true;
		if (parse_long(arg, "repeat", 0, 1000000, &n, err,
			       errcap) != 0)
			return -1;
		o->repeat = (unsigned)n;
		return 0;
	case OPT_INTERVAL:
		o->have_interval = true;
		return parse_seconds(arg, "interval", &o->interval_s, err,
				     errcap);
	case OPT_MONITOR:
		o->monitor = true;
		return 0;
	case OPT_PLUGIN:
		o->mode = MODE_PLUGIN;
		return 0;
	case OPT_WARNING:
	case OPT_CRITICAL:
		return parse_long(arg, long_name(id), 1, 86400000, id ==
				  OPT_WARNING ? &o->warn_ms : &o->crit_ms,
				  err, errcap);
	case OPT_WARN_PHASE:
		return parse_warn_phase(o, arg, err, errcap);
	case OPT_CERT_DAYS:
		return parse_cert_days(o, arg, err, errcap);
	}
	return 1;
}

/* --export, --report, --detect and --detect-ports. */
static int
apply_extra_option(struct options *o, int id, const char *arg, char *err,
		   size_t errcap)
{
	switch (id) {
	case OPT_EXPORT:
		return parse_export(o, arg, err, errcap);
	case OPT_REPORT:
		return copy_arg(o->report_path, sizeof(o->report_path), arg,
				"report", err, errcap);
	case OPT_DETECT:
		o->mode = MODE_DETECT;
		if (detect_name_check(arg, err, errcap) != 0)
			return -1;
		return copy_arg(o->detect_name, sizeof(o->detect_name), arg,
				"detect", err, errcap);
	case OPT_DETECT_PORTS:
		return parse_detect_ports(o, arg, err, errcap);
	case OPT_KNOWN_CERTS:
		o->mode = MODE_KNOWN_CERTS;
		return 0;
	case OPT_FORGET:
		o->mode = MODE_FORGET;
		return copy_arg(o->forget, sizeof(o->forget), arg, "forget",
				err, errcap);
	case OPT_CONFIG:
		return copy_arg(o->config_path, sizeof(o->config_path), arg,
				"config", err, errcap);
	}
	return 1;
}

static int
apply_option(struct options *o, struct cli_set *cs, int id,
	     const char *arg, char *err, size_t errcap)
{
	int rc = apply_mode_option(o, id, arg, err, errcap);

	if (rc <= 0)
		return rc;
	rc = apply_extra_option(o, id, arg, err, errcap);
	if (rc <= 0)
		return rc;
	rc = apply_repeat_option(o, id, arg, err, errcap);
	if (rc <= 0)
		return rc;
	rc = apply_login_option(o, id, arg, err, errcap);
	if (rc <= 0)
		return rc;
	rc = apply_conn_option(o, cs, id, arg, err, errcap);
	if (rc <= 0)
		return rc;
	rc = apply_tls_option(cs, id, arg, err, errcap);
	if (rc <= 0)
		return rc;
	return errmsg(err, errcap, "unknown option (try --help)");
}

/* A string given both in the host form and by an option must agree. */
static int
merge_string(char *dst, const char *cli, const char *what, char *err,
	     size_t errcap)
{
	if (cli[0] == '\0')
		return 0;
	if (dst[0] != '\0' && strcmp(dst, cli) != 0)
		return errmsg(err, errcap, "%s given twice with different "
				"values: '%s' in the host specification and "
				"'%s' by option", what, dst, cli);
	strcpy(dst, cli);
	return 0;
}

static int
merge_tls_strings(struct tls_opts *t, const struct tls_opts *cli,
		  char *err, size_t errcap)
{
	static const int ids[] = {
		OPT_CA_FILE, OPT_CA_DIR, OPT_CERT, OPT_KEY,
		OPT_KEY_PASSWORD_FILE, OPT_CRL_FILE, OPT_CIPHERS,
		OPT_CIPHERSUITES, OPT_SERVER_NAME, OPT_PIN
	};
	struct tls_opts copy = *cli;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		size_t cap;
		char *dst = tls_string_field(t, ids[i], &cap);
		const char *src = tls_string_field(&copy, ids[i], &cap);
		char what[64];

		snprintf(what, sizeof(what), "--%s", long_name(ids[i]));
		if (merge_string(dst, src, what, err, errcap) != 0)
			return -1;
	}
	return 0;
}

static int
merge_port(struct endpoint *ep, const struct cli_set *cs, char *err,
	   size_t errcap)
{
	if (!cs->port)
		return 0;
	if (ep->port != 0 && ep->port != cs->ep.port)
		return errmsg(err, errcap, "two different ports: %u in the "
				"host specification and %u from --port; give "
				"one", ep->port, cs->ep.port);
	ep->port = cs->ep.port;
	return 0;
}

static int
merge_flags(struct endpoint *ep, const struct cli_set *cs, char *err,
	    size_t errcap)
{
	if (cs->ssl) {
		if (ep->ssl_set && ep->ssl != cs->ep.ssl)
			return errmsg(err, errcap, "implicit TLS is %s in "
					"the host specification but %s by "
					"option", ep->ssl ? "on" : "off",
					cs->ep.ssl ? "--ssl" : "--no-ssl");
		ep->ssl = cs->ep.ssl;
		ep->ssl_set = true;
	}
	if (cs->starttls) {
		if (ep->starttls_set && ep->starttls != cs->ep.starttls)
			return errmsg(err, errcap, "STARTTLS is %s in the "
					"host specification but %s by option",
					starttls_mode_name(ep->starttls),
					starttls_mode_name(cs->ep.starttls));
		ep->starttls = cs->ep.starttls;
		ep->starttls_set = true;
	}
	if (cs->verify)
		ep->tls.verify = false;
	if (cs->depth)
		ep->tls.verify_depth = cs->ep.tls.verify_depth;
	if (cs->tls_min)
		ep->tls.min_version = cs->ep.tls.min_version;
	if (cs->tls_max)
		ep->tls.max_version = cs->ep.tls.max_version;
	return 0;
}

/* --tunnel replaces the socket: no port; TLS over it needs a name to
 * check the certificate against. */
static int
check_tunnel(const struct options *o, char *err, size_t errcap)
{
	const struct endpoint *ep = &o->cfg.ep;

	if (o->cfg.tunnel[0] == '\0')
		return 0;
	if (o->mode == MODE_DETECT)
		return errmsg(err, errcap, "--tunnel and --detect: give "
				"only one");
	if (ep->port != 0)
		return errmsg(err, errcap, "--tunnel replaces the "
				"connection: a port has no meaning with it");
	if ((ep->ssl || ep->starttls != STARTTLS_OFF) && ep->tls.verify
	    && ep->host[0] == '\0' && ep->tls.server_name[0] == '\0')
		return errmsg(err, errcap, "TLS over --tunnel checks the "
				"certificate against a name: give HOST or "
				"--server-name (or --insecure)");
	return 0;
}

static bool
plugin_thresholds(const struct options *o)
{
	for (int p = 0; p < PHASE_COUNT; p++)
		if (o->warn_phase_ms[p] != 0)
			return true;
	return o->warn_ms != 0 || o->crit_ms != 0 || o->have_cert_days;
}

/* --repeat, --interval, --monitor and --plugin's thresholds. */
static int
check_repeat(const struct options *o, char *err, size_t errcap)
{
	if (o->have_repeat && o->mode != MODE_CHECK)
		return errmsg(err, errcap, "--repeat goes with --check");
	if (o->have_repeat && (o->have_export || o->report_path[0]
			       || o->cfg.transcript_path[0]))
		return errmsg(err, errcap, "--repeat: --export, --report and "
				"--transcript describe one connection; leave "
				"them out");
	/* The interface's monitor opens with m too. */
	if (o->have_interval && !o->have_repeat && o->mode != MODE_UI)
		return errmsg(err, errcap, "--interval goes with --repeat or "
				"the interface's monitor");
	if (o->monitor && o->mode != MODE_UI)
		return errmsg(err, errcap, "--monitor is a screen of the "
				"interface: leave out --check and --plugin");
	if (plugin_thresholds(o) && o->mode != MODE_PLUGIN)
		return errmsg(err, errcap, "-w, -c, --warn-phase and "
				"--cert-days go with --plugin");
	if (o->warn_ms != 0 && o->crit_ms != 0 && o->warn_ms > o->crit_ms)
		return errmsg(err, errcap, "-w %ld is above -c %ld",
				o->warn_ms, o->crit_ms);
	return 0;
}

static int
check_extra_consistency(const struct options *o, char *err, size_t errcap)
{
	if (check_repeat(o, err, errcap) != 0)
		return -1;
	if (o->have_export && o->mode != MODE_CHECK)
		return errmsg(err, errcap, "--export goes with --check");
	if (o->have_export && o->json && o->export_path[0] == '\0')
		return errmsg(err, errcap, "--export prints text: leave out "
				"--json, or write it to a file with "
				"--export FORMAT:FILE");
	if (o->report_path[0] != '\0' && o->mode != MODE_CHECK)
		return errmsg(err, errcap, "--report goes with --check");
	/* The interface detects too (F5 on the form). */
	if (o->detect_port_tls != 0 && o->mode != MODE_DETECT
	    && o->mode != MODE_UI)
		return errmsg(err, errcap, "--detect-ports goes with "
				"--detect or the interface");
	if (o->mode == MODE_DETECT && o->have_host)
		return errmsg(err, errcap, "--detect takes the name to "
				"probe: give no HOST as well");
	return check_tunnel(o, err, errcap);
}

/* --pin, from the option or the host specification, is well formed;
 * --known-certs and --forget take no HOST. */
static int
check_trust(const struct options *o, char *err, size_t errcap)
{
	const char *pin = o->cfg.ep.tls.pin;
	struct pin_set ps;
	char why[256];

	if (pin[0] != '\0' && pin_parse(pin, &ps, why, sizeof(why)) != 0)
		return errmsg(err, errcap, "--pin: %s", why);
	if ((o->mode == MODE_KNOWN_CERTS || o->mode == MODE_FORGET) &&
	    o->have_host)
		return errmsg(err, errcap, "--known-certs and --forget work "
				"on the file alone: give no HOST");
	return 0;
}

static int
check_consistency(struct options *o, char *err, size_t errcap)
{
	struct conn_config *c = &o->cfg;
	const struct tls_opts *t = &c->ep.tls;

	if (t->min_version != TLSV_DEFAULT && t->max_version != TLSV_DEFAULT
	    && t->min_version > t->max_version)
		return errmsg(err, errcap, "--tls-min %s is above --tls-max "
				"%s", tls_version_name(t->min_version),
				tls_version_name(t->max_version));
	if (c->select_rw && c->select[0] == '\0')
		return errmsg(err, errcap, "--select-rw needs --select "
				"MAILBOX");
	if (o->json && o->mode != MODE_CHECK && o->mode != MODE_DRY_RUN
	    && o->mode != MODE_DETECT)
		return errmsg(err, errcap, "--json goes with --check, "
				"--dry-run or --detect");
	if (check_extra_consistency(o, err, errcap) != 0 ||
	    check_trust(o, err, errcap) != 0)
		return -1;
	if (!o->have_host && c->tunnel[0] == '\0'
	    && (o->mode == MODE_CHECK || o->mode == MODE_DRY_RUN
		|| o->mode == MODE_PLUGIN))
		return errmsg(err, errcap, "a HOST is needed (try --help)");
	return 0;
}

static int
parse_host(struct options *o, const char *arg, char *err, size_t errcap)
{
	struct hostspec_error herr;
	size_t len = strlen(arg);

	if (len >= sizeof(o->host_text))
		return errmsg(err, errcap, "host specification too long "
				"(%zu bytes)", len);
	memcpy(o->host_text, arg, len + 1);
	if (hostspec_parse(arg, len, &o->cfg.ep, &herr) != 0) {
		hostspec_error_format(&herr, arg, len, err, errcap);
		return -1;
	}
	o->have_host = true;
	return 0;
}

static int
merge_all(struct options *o, const struct cli_set *cs, char *err,
	  size_t errcap)
{
	struct endpoint *ep = &o->cfg.ep;

	if (merge_port(ep, cs, err, errcap) != 0)
		return -1;
	if (merge_flags(ep, cs, err, errcap) != 0)
		return -1;
	if (merge_tls_strings(&ep->tls, &cs->ep.tls, err, errcap) != 0)
		return -1;
	if (merge_string(ep->user, o->cfg.user, "user", err, errcap) != 0)
		return -1;
	strcpy(o->cfg.user, ep->user);
	if (merge_string(ep->mailbox, o->cfg.select, "mailbox", err,
			 errcap) != 0)
		return -1;
	strcpy(o->cfg.select, ep->mailbox);
	return 0;
}

static int
parse_args(int argc, char **argv, struct options *o, struct cli_set *cs,
	   char *err, size_t errcap)
{
	int id;

	opterr = 0;
	optind = 0;	/* glibc: 0 also resets getopt's own state */
	while ((id = getopt_long(argc, argv, ":hVp:u:w:c:", long_options,
				 NULL)) != -1) {
		if (id == '?')
			return errmsg(err, errcap, "unknown option '%s' "
					"(try --help)", argv[optind - 1]);
		if (id == ':')
			return errmsg(err, errcap, "option '%s' needs a "
					"value", argv[optind - 1]);
		if (apply_option(o, cs, id, optarg, err, errcap) != 0)
			return -1;
	}
	if (optind < argc - 1)
		return errmsg(err, errcap, "one HOST only: '%s' is extra",
				argv[optind + 1]);
	if (optind == argc - 1)
		return parse_host(o, argv[optind], err, errcap);
	return 0;
}

bool
options_takes_argument(const char *arg)
{
	if (strcmp(arg, "-u") == 0 || strcmp(arg, "-p") == 0)
		return true;
	if (strncmp(arg, "--", 2) != 0 || strchr(arg, '=') != NULL)
		return false;
	for (const struct option *o = long_options; o->name != NULL; o++)
		if (strcmp(o->name, arg + 2) == 0)
			return o->has_arg == required_argument;
	return false;
}

int
options_parse(int argc, char **argv, struct options *o, char *err,
	      size_t errcap)
{
	struct cli_set cs;

	memset(o, 0, sizeof(*o));
	config_init(&o->cfg);
	o->interval_s = 1;
	memset(&cs, 0, sizeof(cs));
	endpoint_init(&cs.ep);
	err[0] = '\0';
	if (getenv("IMAPCONN_PASSWORD") != NULL)
		o->pw_source = PW_ENV;
	if (getenv("IMAPCONN_OAUTH_TOKEN") != NULL)
		o->tok_source = TOK_ENV;
	if (parse_args(argc, argv, o, &cs, err, errcap) != 0)
		return -1;
	if (o->mode == MODE_HELP || o->mode == MODE_VERSION)
		return 0;
	if (merge_all(o, &cs, err, errcap) != 0)
		return -1;
	if (knowncerts_default_path(o->cfg.known_certs,
				    sizeof(o->cfg.known_certs)) != 0)
		o->cfg.known_certs[0] = '\0';
	/* A tunnel is often encrypted itself (ssh): plain unless asked. */
	if (o->cfg.tunnel[0] == '\0')
		endpoint_tls_default(&o->cfg.ep);
	return check_consistency(o, err, errcap);
}

/* The modes that never connect, as the command line names them. */
static bool
names_offline_mode(const char *arg)
{
	static const char *const offline[] = {
		"-h", "--help", "-V", "--version", "--dry-run",
		"--known-certs", "--forget", "--import",
	};
	size_t n;

	for (size_t i = 0; i < sizeof(offline) / sizeof(offline[0]); i++) {
		n = strlen(offline[i]);
		if (strncmp(arg, offline[i], n) == 0 &&
		    (arg[n] == '\0' || arg[n] == '='))
			return true;
	}
	return false;
}

bool
options_may_connect(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (names_offline_mode(argv[i]))
			return false;
		if (options_takes_argument(argv[i]))
			i++;
	}
	return true;
}
