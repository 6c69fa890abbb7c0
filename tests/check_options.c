/* check_options.c - options_parse(): every option, its forms and errors. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "config.h"
#include "options.h"
#include "testopts.h"

#define ARGS_MAX 8
#define PIN_A "sha256//JmBfRUNE95hTjEh/czlOGmA3/maYtNMiOwR8+MqN66g="
#define PIN_B "sha256//54jsWVpLuLdnpCTb0Dlw0NhI11yUG4LY9zohEWj/ClM="
#define NEEDLES_MAX 4

/* A command line that parses, and what it must set.  want lists the
 * fields that differ from their defaults, in the order render() writes
 * them. */
struct ok_case {
	const char *args[ARGS_MAX];	/* after argv[0], NULL-terminated */
	const char *want;
};

static const struct ok_case ok_cases[] = {
	/* modes */
	{ { NULL }, "" },
	{ { "h" }, "host=h" },
	{ { "--check", "h" }, "mode=check host=h" },
	{ { "h", "--check" }, "mode=check host=h" },
	{ { "--check", "--", "h" }, "mode=check host=h" },
	{ { "--chec", "h" }, "mode=check host=h" },
	{ { "--dry-run", "h" }, "mode=dry-run host=h" },
	{ { "--check", "--json", "h" }, "mode=check json host=h" },
	{ { "--json", "--dry-run", "h" }, "mode=dry-run json host=h" },
	{ { "--help" }, "mode=help" },
	{ { "-h" }, "mode=help" },
	{ { "--version" }, "mode=version" },
	{ { "-V" }, "mode=version" },
	/* the port, in every GNU form */
	{ { "--port=993", "h" }, "host=h port=993" },
	{ { "--port", "993", "h" }, "host=h port=993" },
	{ { "-p993", "h" }, "host=h port=993" },
	{ { "-p", "993", "h" }, "host=h port=993" },
	{ { "--port=1", "h" }, "host=h port=1" },
	{ { "--port=65535", "h" }, "host=h port=65535" },
	/* TLS modes */
	{ { "--ssl", "h" }, "host=h ssl=1" },
	{ { "--tls", "h" }, "host=h ssl=1" },
	{ { "--no-ssl", "h" }, "host=h ssl=0" },
	{ { "--starttls", "h" }, "host=h starttls=required" },
	{ { "h", "--starttls" }, "host=h starttls=required" },
	{ { "--starttls=required", "h" }, "host=h starttls=required" },
	{ { "--starttls=opportunistic", "h" },
	  "host=h starttls=opportunistic" },
	{ { "--starttls=off", "h" }, "host=h starttls=off" },
	/* an optional value is never taken from the next word */
	{ { "--starttls", "required" }, "host=required starttls=required" },
	/* TLS settings */
	{ { "--insecure", "h" }, "host=h verify=0" },
	{ { "--verify-depth=0", "h" }, "host=h depth=0" },
	{ { "--verify-depth", "100", "h" }, "host=h depth=100" },
	{ { "--tls-min=1.3", "h" }, "host=h min=1.3" },
	{ { "--tls-max", "TLSv1.2", "h" }, "host=h max=1.2" },
	{ { "--tls-min=tls1.2", "--tls-max=1.2", "h" },
	  "host=h min=1.2 max=1.2" },
	{ { "--tls-min=1.0", "--tls-max=1.3", "h" },
	  "host=h min=1.0 max=1.3" },
	{ { "--ca-file=/ca.pem", "--ca-dir", "/certs", "h" },
	  "host=h ca=/ca.pem cadir=/certs" },
	{ { "--cert=/c.pem", "--key=/k.pem", "--key-password-file=/kp",
	    "h" }, "host=h cert=/c.pem key=/k.pem keypwfile=/kp" },
	{ { "--crl-file=/crl.pem", "h" }, "host=h crl=/crl.pem" },
	{ { "--ciphers=HIGH:!aNULL", "--ciphersuites",
	    "TLS_AES_256_GCM_SHA384", "h" },
	  "host=h ciphers=HIGH:!aNULL suites=TLS_AES_256_GCM_SHA384" },
	{ { "--server-name=imap.example.com", "192.0.2.7" },
	  "host=192.0.2.7 kind=ipv4 sni=imap.example.com" },
	/* login and the rest */
	{ { "--user=bob", "h" }, "host=h user=bob" },
	{ { "-u", "bob", "h" }, "host=h user=bob" },
	{ { "-ubob", "h" }, "host=h user=bob" },
	{ { "--password-file=/pw", "h" }, "host=h pw=file:/pw" },
	{ { "--password-command", "pass show imap", "h" },
	  "host=h pw=command:pass show imap" },
	{ { "--allow-plaintext-auth", "h" }, "host=h plain" },
	{ { "--auth=SCRAM-SHA-256,plain,xoauth2", "h" },
	  "host=h auth=1042" },
	{ { "--oauth-token-command", "oauth2 get", "h" },
	  "host=h tok=command:oauth2 get" },
	{ { "--id-send-name", "h" }, "host=h id-name" },
	{ { "--select=INBOX", "h" }, "host=h select=INBOX" },
	{ { "--select", "Sent Items", "--select-rw", "h" },
	  "host=h select=Sent Items rw" },
	{ { "--transcript=/tmp/t.log", "h" }, "host=h transcript=/tmp/t.log" },
	{ { "--timeout=2.5", "h" }, "host=h timeout=2.5" },
	{ { "--timeout", "86400", "h" }, "host=h timeout=86400" },
	{ { "--timeout=0.001", "h" }, "host=h timeout=0.001" },
	/* the host specification, alone and with options that agree */
	{ { "--check", "imaps://bob@imap.example.com:994/INBOX" },
	  "mode=check host=imap.example.com port=994 ssl=1 user=bob "
	  "select=INBOX" },
	{ { "imap://bob@h/INBOX", "--select-rw" },
	  "host=h user=bob select=INBOX rw" },
	{ { "--user=bob", "imap://bob@h" }, "host=h user=bob" },
	{ { "--select=INBOX", "imap://h/INBOX" }, "host=h select=INBOX" },
	{ { "--port=993", "h:993" }, "host=h port=993" },
	{ { "-p", "993", "(\"h\" :port 993)" }, "host=h port=993" },
	{ { "--ssl", "imaps://h" }, "host=h ssl=1" },
	{ { "--no-ssl", "(\"h\" :ssl nil)" }, "host=h ssl=0" },
	{ { "--starttls", "(\"h\" :starttls t)" },
	  "host=h starttls=required" },
	{ { "--starttls=off", "(\"h\" :starttls nil)" },
	  "host=h starttls=off" },
	{ { "--ca-file=a", "(\"h\" :ca-file \"a\")" }, "host=h ca=a" },
	{ { "--ca-file=b", "(\"h\" :ca-directory \"a\")" },
	  "host=h ca=b cadir=a" },
	{ { "(\"h\" :port 993 :ssl t :starttls :opportunistic)" },
	  "host=h port=993 ssl=1 starttls=opportunistic" },
	{ { "--port=143", "[2001:db8::7]" },
	  "host=2001:db8::7 kind=ipv6 port=143" },
	{ { "--ssl", "--port=993", "--starttls", "-u", "bob", "--insecure",
	    "h" }, "host=h port=993 ssl=1 starttls=required verify=0 "
	  "user=bob" },
	/* an international --server-name, in its A-labels */
	{ { "--server-name=Mail.B\xC3\xBC""cher.example", "h" },
	  "host=h sni=mail.xn--bcher-kva.example" },
	{ { "--server-name=mail.b\xC3\xBC""cher.example",
	    "(\"h\" :server-name \"mail.xn--bcher-kva.example\")" },
	  "host=h sni=mail.xn--bcher-kva.example" },
	/* --tunnel: HOST optional; TLS over it with a name to check */
	{ { "--check", "--tunnel", "ssh h imapd" },
	  "mode=check tunnel=ssh h imapd" },
	{ { "--dry-run", "--tunnel=ssh h imapd", "h" },
	  "mode=dry-run host=h tunnel=ssh h imapd" },
	{ { "--check", "--tunnel=c", "--starttls", "h" },
	  "mode=check host=h starttls=required tunnel=c" },
	{ { "--check", "--tunnel=c", "--ssl", "--server-name=h" },
	  "mode=check ssl=1 sni=h tunnel=c" },
	{ { "--check", "--tunnel=c", "--starttls", "--insecure" },
	  "mode=check starttls=required verify=0 tunnel=c" },
	/* pins, from the option or the host form; the known_certs file */
	{ { "--pin=" PIN_A ";" PIN_B, "h" },
	  "host=h pin=" PIN_A ";" PIN_B },
	{ { "--pin", PIN_A, "(\"h\" :pin \"" PIN_A "\")" },
	  "host=h pin=" PIN_A },
	{ { "--known-certs" }, "mode=known-certs" },
	{ { "--forget=mail.example:993" },
	  "mode=forget forget=mail.example:993" },
};

/* A command line that must be refused, and words its message holds. */
struct bad_case {
	const char *args[ARGS_MAX];
	const char *needles[NEEDLES_MAX];	/* NULL-terminated */
};

static const struct bad_case bad_cases[] = {
	/* conflicts between the host specification and options */
	{ { "--port=993", "h:143" },
	  { "two different ports", "143", "993" } },
	{ { "h:143", "-p", "993" }, { "two different ports", "143", "993" } },
	{ { "--port=993", "(\"h\" :port 995)" }, { "995", "993" } },
	{ { "--port=143", "imaps://h:993/" }, { "993", "143" } },
	{ { "--no-ssl", "imaps://h" }, { "implicit TLS", "--no-ssl" } },
	{ { "--ssl", "(\"h\" :ssl nil)" }, { "implicit TLS", "--ssl" } },
	{ { "--starttls=off", "(\"h\" :starttls t)" },
	  { "STARTTLS", "required", "off" } },
	{ { "--starttls", "(\"h\" :starttls :opportunistic)" },
	  { "STARTTLS", "opportunistic", "required" } },
	{ { "--ca-file", "b", "(\"h\" :ca-file \"a\")" },
	  { "--ca-file", "'a'", "'b'" } },
	{ { "--server-name=x", "(\"h\" :server-name \"y\")" },
	  { "--server-name", "'y'", "'x'" } },
	{ { "--user=alice", "imap://bob@h" }, { "user", "bob", "alice" } },
	{ { "--select=Sent", "imap://h/INBOX" },
	  { "mailbox", "INBOX", "Sent" } },
	/* options that need others */
	{ { "--select-rw", "h" }, { "--select-rw", "--select" } },
	{ { "--json", "h" }, { "--json", "--check", "--dry-run" } },
	{ { "--check" }, { "HOST" } },
	{ { "--dry-run", "--json" }, { "HOST" } },
	{ { "--password-file=a", "--password-command=b", "h" },
	  { "--password-file", "--password-command" } },
	{ { "--password-command=b", "--password-file=a", "h" },
	  { "--password-file", "--password-command" } },
	{ { "--server-name=a.\xE2\x98\x83", "h" },
	  { "--server-name", "label '\xE2\x98\x83'", "disallows" } },
	/* --tunnel */
	{ { "--check", "--tunnel=c", "--port=143" },
	  { "--tunnel", "port has no meaning" } },
	{ { "--check", "--tunnel=c", "h:993" },
	  { "--tunnel", "port has no meaning" } },
	{ { "--check", "--tunnel=c", "--starttls" },
	  { "TLS over --tunnel", "HOST or --server-name" } },
	{ { "--check", "--tunnel=c", "imaps://" },
	  { "imaps://" } },
	{ { "--tunnel=c", "--detect=example.com" },
	  { "--tunnel", "--detect" } },
	{ { "--check", "--tunnel=", "h" }, { "--tunnel", "empty" } },
	/* bad values */
	{ { "--timeout=0", "h" }, { "--timeout", "'0'", "greater than 0" } },
	{ { "--timeout=-1", "h" }, { "--timeout", "'-1'" } },
	{ { "--timeout", "-1", "h" }, { "--timeout", "'-1'" } },
	{ { "--timeout=abc", "h" }, { "--timeout", "'abc'" } },
	{ { "--timeout=1e9", "h" }, { "--timeout", "'1e9'", "86400" } },
	{ { "--timeout=nan", "h" }, { "--timeout", "'nan'" } },
	{ { "--timeout=inf", "h" }, { "--timeout", "'inf'" } },
	{ { "--timeout=2.5s", "h" }, { "--timeout", "'2.5s'" } },
	{ { "--timeout=", "h" }, { "--timeout" } },
	{ { "--timeout=86400.5", "h" }, { "--timeout", "'86400.5'" } },
	{ { "--port=0", "h" }, { "--port", "'0'", "1-65535" } },
	{ { "--port=65536", "h" }, { "--port", "'65536'", "1-65535" } },
	{ { "--port=abc", "h" }, { "--port", "'abc'" } },
	{ { "--port=+993", "h" }, { "--port", "'+993'" } },
	{ { "--port= 993", "h" }, { "--port", "' 993'" } },
	{ { "--port=993x", "h" }, { "--port", "'993x'" } },
	{ { "--port=", "h" }, { "--port" } },
	{ { "-p-1", "h" }, { "--port", "'-1'" } },
	{ { "--tls-min=1.3", "--tls-max=1.2", "h" },
	  { "--tls-min 1.3", "above", "--tls-max 1.2" } },
	{ { "--tls-min=1.4", "h" }, { "--tls-min", "'1.4'", "1.0" } },
	{ { "--tls-max=ssl3", "h" }, { "--tls-max", "'ssl3'" } },
	{ { "--starttls=maybe", "h" },
	  { "--starttls=maybe", "required, opportunistic or off" } },
	{ { "--starttls=", "h" }, { "--starttls" } },
	{ { "--verify-depth=101", "h" }, { "--verify-depth", "'101'" } },
	{ { "--verify-depth=-1", "h" }, { "--verify-depth", "'-1'" } },
	{ { "--user=", "h" }, { "--user", "empty" } },
	{ { "--ca-file=", "h" }, { "--ca-file", "empty" } },
	/* the shape of the command line */
	{ { "--bogus", "h" }, { "unknown option", "--bogus" } },
	{ { "-x", "h" }, { "unknown option", "-x" } },
	{ { "--ssl=yes", "h" }, { "--ssl" } },
	{ { "--ca", "h" }, { "--ca" } },
	{ { "h", "--port" }, { "--port", "needs a value" } },
	{ { "h", "-p" }, { "-p", "needs a value" } },
	{ { "h", "-u" }, { "-u", "needs a value" } },
	{ { "h1", "h2" }, { "one HOST", "'h2'" } },
	{ { "--check", "h1", "h2", "h3" }, { "one HOST", "'h2'" } },
	/* a bad host specification */
	{ { "--check", "h:0" }, { "port must be a number 1-65535" } },
	{ { "imap://bob:pw@h" }, { "password in the URL" } },
	{ { "http://h" }, { "unsupported URL scheme" } },
	/* pins and the known_certs file */
	{ { "--pin=sha256//x", "h" },
	  { "--pin: pin 'sha256//x'", "not the base64 of 32 bytes" } },
	{ { "(\"h\" :pin \"x\")" }, { "--pin: pin 'x'", "sha256//BASE64" } },
	{ { "--pin=" PIN_A, "(\"h\" :pin \"" PIN_B "\")" },
	  { "--pin given twice" } },
	{ { "--known-certs", "h" }, { "give no HOST" } },
	{ { "--forget=h", "h" }, { "give no HOST" } },
	/* repeated checks and the monitoring plugin */
	{ { "--repeat=3", "h" }, { "--repeat goes with --check" } },
	{ { "--check", "--repeat=-1", "h" }, { "--repeat", "whole number" } },
	{ { "--check", "--repeat=x", "h" }, { "--repeat", "'x'" } },
	{ { "--check", "--interval=1", "h" }, { "--interval goes with" } },
	{ { "--check", "--repeat=2", "--interval=0", "h" },
	  { "--interval", "greater than 0" } },
	{ { "--check", "--repeat=2", "--report=r", "h" },
	  { "--repeat", "--report" } },
	{ { "--check", "--monitor", "h" }, { "--monitor" } },
	{ { "--check", "-w", "100", "h" }, { "go with --plugin" } },
	{ { "--plugin", "-w", "500", "-c", "100", "h" },
	  { "-w 500 is above -c 100" } },
	{ { "--plugin", "-c", "0", "h" }, { "--critical", "'0'" } },
	{ { "--plugin", "--warn-phase=greeting", "h" }, { "PHASE=MS" } },
	{ { "--plugin", "--warn-phase=nothing=5", "h" }, { "PHASE=MS" } },
	{ { "--plugin", "--warn-phase=list=5x", "h" }, { "'5x'" } },
	{ { "--plugin", "--cert-days=30", "h" }, { "WARN,CRIT" } },
	{ { "--plugin", "--cert-days=7,30", "h" }, { "at least CRIT" } },
	{ { "--plugin" }, { "a HOST is needed" } },
};

#define N_OK (sizeof(ok_cases) / sizeof(ok_cases[0]))
#define N_BAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

/* ---- helpers -------------------------------------------------------- */

struct argv_copy {
	int argc;
	char *argv[ARGS_MAX + 2];
};

/* A writable argv (getopt permutes it) with "imapconn" in front. */
static void
argv_make(struct argv_copy *a, const char *const *args)
{
	a->argc = 0;
	a->argv[a->argc++] = strdup("imapconn");
	for (size_t i = 0; i < ARGS_MAX && args[i] != NULL; i++)
		a->argv[a->argc++] = strdup(args[i]);
	a->argv[a->argc] = NULL;
	for (int i = 0; i < a->argc; i++)
		ck_assert_ptr_nonnull(a->argv[i]);
}

static void
argv_free(struct argv_copy *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

static int
parse(const char *const *args, struct options *o, char *err, size_t cap)
{
	struct argv_copy a;
	int rc;

	argv_make(&a, args);
	rc = options_parse(a.argc, a.argv, o, err, cap);
	argv_free(&a);
	return rc;
}

/* As parse(), with the strings laid out in one buffer that every call
 * reuses, as a caller that parses line after line into the same
 * storage does. */
static int
parse_in_arena(const char *const *args, struct options *o, char *err,
	       size_t cap)
{
	static char arena[4096];
	char *argv[ARGS_MAX + 2];
	size_t used = 0;
	int argc = 0;

	memset(arena, 0, sizeof(arena));
	argv[argc++] = strcpy(arena, "imapconn");
	used = strlen(arena) + 1;
	for (size_t i = 0; i < ARGS_MAX && args[i] != NULL; i++) {
		size_t n = strlen(args[i]) + 1;

		ck_assert_uint_le(used + n, sizeof(arena));
		argv[argc++] = memcpy(arena + used, args[i], n);
		used += n;
	}
	argv[argc] = NULL;
	return options_parse(argc, argv, o, err, cap);
}

/* The command line as one string, for failure messages. */
static const char *
args_text(const char *const *args)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARGS_MAX && args[i] != NULL; i++)
		n += (size_t)snprintf(buf + n, n < sizeof(buf) ?
				      sizeof(buf) - n : 0, "%s[%s]",
				      i > 0 ? " " : "", args[i]);
	return buf;
}

static void
add(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n > 0 && n + 1 < cap) {
		buf[n++] = ' ';
		buf[n] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

static const char *const mode_names[] = {
	[MODE_UI] = "ui", [MODE_CHECK] = "check", [MODE_DRY_RUN] = "dry-run",
	[MODE_HELP] = "help", [MODE_VERSION] = "version",
	[MODE_KNOWN_CERTS] = "known-certs", [MODE_FORGET] = "forget",
};

static const char *const kind_names[] = {
	[ADDR_NAME] = "name", [ADDR_IPV4] = "ipv4", [ADDR_IPV6] = "ipv6",
};

static void
add_str(char *buf, size_t cap, const char *name, const char *value)
{
	if (value[0] != '\0')
		add(buf, cap, "%s=%s", name, value);
}

static void
render_tls(const struct tls_opts *t, char *buf, size_t cap)
{
	if (!t->verify)
		add(buf, cap, "verify=0");
	if (t->verify_depth != -1)
		add(buf, cap, "depth=%d", t->verify_depth);
	if (t->min_version != TLSV_DEFAULT)
		add(buf, cap, "min=%s", tls_version_name(t->min_version));
	if (t->max_version != TLSV_DEFAULT)
		add(buf, cap, "max=%s", tls_version_name(t->max_version));
	add_str(buf, cap, "ca", t->ca_file);
	add_str(buf, cap, "cadir", t->ca_dir);
	add_str(buf, cap, "cert", t->cert_file);
	add_str(buf, cap, "key", t->key_file);
	add_str(buf, cap, "keypwfile", t->key_password_file);
	add_str(buf, cap, "keypw", t->key_password);
	add_str(buf, cap, "crl", t->crl_file);
	add_str(buf, cap, "ciphers", t->ciphers);
	add_str(buf, cap, "suites", t->ciphersuites);
	add_str(buf, cap, "sni", t->server_name);
	add_str(buf, cap, "pin", t->pin);
}

/* Every field of *o that differs from its default, in a fixed order. */
static void
render(const struct options *o, char *buf, size_t cap)
{
	const struct conn_config *c = &o->cfg;
	const struct endpoint *ep = &c->ep;

	buf[0] = '\0';
	if (o->mode != MODE_UI)
		add(buf, cap, "mode=%s", mode_names[o->mode]);
	if (o->json)
		add(buf, cap, "json");
	if (o->have_host)
		add(buf, cap, "host=%s", ep->host);
	else if (ep->host[0] != '\0')
		add(buf, cap, "host-without-have_host=%s", ep->host);
	if (ep->kind != ADDR_NAME)
		add(buf, cap, "kind=%s", kind_names[ep->kind]);
	if (ep->port != 0)
		add(buf, cap, "port=%u", ep->port);
	if (ep->ssl_set)
		add(buf, cap, "ssl=%d", ep->ssl);
	else if (ep->ssl != (ep->port == 993 && !ep->starttls_set))
		add(buf, cap, "ssl-unset=%d", ep->ssl);
	if (ep->starttls_set)
		add(buf, cap, "starttls=%s", starttls_mode_name(ep->starttls));
	else if (ep->starttls != (ep->ssl ? STARTTLS_OFF : STARTTLS_REQUIRED)
		 && c->tunnel[0] == '\0' && o->mode != MODE_HELP
		 && o->mode != MODE_VERSION)
		add(buf, cap, "starttls-unset=%s",
		    starttls_mode_name(ep->starttls));
	render_tls(&ep->tls, buf, cap);
	add_str(buf, cap, "user", c->user);
	if (strcmp(c->user, ep->user) != 0)
		add(buf, cap, "ep.user=%s", ep->user);
	add_str(buf, cap, "select", c->select);
	if (c->select_rw)
		add(buf, cap, "rw");
	if (c->allow_plaintext_auth)
		add(buf, cap, "plain");
	if (c->id_send_name)
		add(buf, cap, "id-name");
	if (c->timeout_s != 30.0)
		add(buf, cap, "timeout=%g", c->timeout_s);
	add_str(buf, cap, "forget", o->forget);
	add_str(buf, cap, "transcript", c->transcript_path);
	add_str(buf, cap, "tunnel", c->tunnel);
	if (c->have_password || c->password[0] != '\0')
		add(buf, cap, "password-set");
	if (o->pw_source == PW_ENV)
		add(buf, cap, "pw=env");
	else if (o->pw_source == PW_FILE)
		add(buf, cap, "pw=file:%s", o->pw_arg);
	else if (o->pw_source == PW_COMMAND)
		add(buf, cap, "pw=command:%s", o->pw_arg);
	else if (o->pw_arg[0] != '\0')
		add(buf, cap, "pw_arg=%s", o->pw_arg);
	if (c->auth_mechs != 0)
		add(buf, cap, "auth=%u", c->auth_mechs);
	if (o->tok_source == TOK_COMMAND)
		add(buf, cap, "tok=command:%s", o->tok_arg);
}

static void
no_password_env(void)
{
	unsetenv("IMAPCONN_PASSWORD");
}

static void
check_ok(const struct ok_case *t, bool arena)
{
	struct options o;
	char err[OPTIONS_ERR_MAX], got[2048];
	int rc;

	rc = arena ? parse_in_arena(t->args, &o, err, sizeof(err)) :
		     parse(t->args, &o, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s: refused: %s", args_text(t->args), err);
	ck_assert_msg(err[0] == '\0', "%s: message '%s' on success",
		      args_text(t->args), err);
	render(&o, got, sizeof(got));
	ck_assert_msg(strcmp(got, t->want) == 0, "%s: got '%s', want '%s'",
		      args_text(t->args), got, t->want);
}

static void
check_bad(const struct bad_case *t, bool arena)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];
	int rc;

	rc = arena ? parse_in_arena(t->args, &o, err, sizeof(err)) :
		     parse(t->args, &o, err, sizeof(err));
	ck_assert_msg(rc == -1, "%s: accepted", args_text(t->args));
	ck_assert_msg(err[0] != '\0', "%s: no message", args_text(t->args));
	ck_assert_msg(strchr(err, '\n') == NULL, "%s: '%s' is not one line",
		      args_text(t->args), err);
	for (size_t i = 0; i < NEEDLES_MAX && t->needles[i] != NULL; i++)
		ck_assert_msg(strstr(err, t->needles[i]) != NULL,
			      "%s: message '%s' lacks '%s'",
			      args_text(t->args), err, t->needles[i]);
}

/* ---- the tables ----------------------------------------------------- */

START_TEST(test_ok)
{
	check_ok(&ok_cases[_i], false);
}
END_TEST

START_TEST(test_bad)
{
	check_bad(&bad_cases[_i], false);
}
END_TEST

/* The parser starts afresh each time: every case again, one after the
 * other in one process, with the arguments in reused storage. */
START_TEST(test_reparse)
{
	for (size_t i = 0; i < N_OK; i++)
		check_ok(&ok_cases[i], true);
	for (size_t i = 0; i < N_BAD; i++)
		check_bad(&bad_cases[i], true);
	for (size_t i = 0; i < N_OK; i++)
		check_ok(&ok_cases[N_OK - 1 - i], true);
}
END_TEST

/* ---- single cases --------------------------------------------------- */

START_TEST(test_host_text)
{
	static const char *const args[] = {
		"--check", " imaps://bob@h:994/INBOX ", NULL
	};
	struct options o;
	char err[OPTIONS_ERR_MAX];

	ck_assert_int_eq(parse(args, &o, err, sizeof(err)), 0);
	ck_assert(o.have_host);
	ck_assert_str_eq(o.host_text, " imaps://bob@h:994/INBOX ");
	ck_assert_str_eq(o.cfg.ep.host, "h");
	ck_assert_str_eq(o.cfg.ep.user, "bob");
	ck_assert_str_eq(o.cfg.ep.mailbox, "INBOX");
}
END_TEST

START_TEST(test_defaults)
{
	static const char *const args[] = { "--check", "h", NULL };
	struct options o;
	char err[OPTIONS_ERR_MAX];
	const struct conn_config *c = &o.cfg;

	ck_assert_int_eq(parse(args, &o, err, sizeof(err)), 0);
	ck_assert(c->ep.tls.verify);
	ck_assert_int_eq(c->ep.tls.verify_depth, -1);
	ck_assert_int_eq(c->ep.tls.min_version, TLSV_DEFAULT);
	ck_assert(c->timeout_s == 30.0);
	/* Encrypted by default (RFC 8314): STARTTLS on port 143. */
	ck_assert(!c->ep.ssl);
	ck_assert(!c->ep.ssl_set && !c->ep.starttls_set);
	ck_assert_int_eq(c->ep.starttls, STARTTLS_REQUIRED);
	ck_assert_uint_eq(endpoint_port(&c->ep), 143);
	ck_assert(!c->allow_plaintext_auth);
	ck_assert(!c->id_send_name);
	ck_assert(!c->have_password);
	ck_assert_int_eq(o.pw_source, PW_NONE);
	ck_assert_str_eq(o.pw_arg, "");
}
END_TEST

/* Encrypted by default (RFC 8314): the TLS each host form and option
 * leaves, when no TLS option or keyword chose it. */
static const struct {
	const char *args[ARGS_MAX];
	bool ssl;
	enum starttls_mode starttls;
	uint16_t port;		/* endpoint_port() */
} tls_defaults[] = {
	{ { "h" }, false, STARTTLS_REQUIRED, 143 },
	{ { "h:10143" }, false, STARTTLS_REQUIRED, 10143 },
	{ { "h:993" }, true, STARTTLS_OFF, 993 },
	{ { "--port=993", "h" }, true, STARTTLS_OFF, 993 },
	{ { "(\"h\" . 993)" }, true, STARTTLS_OFF, 993 },
	{ { "imap://h" }, false, STARTTLS_REQUIRED, 143 },
	{ { "imaps://h:10993" }, true, STARTTLS_OFF, 10993 },
	{ { "--no-ssl", "h:993" }, false, STARTTLS_REQUIRED, 993 },
	{ { "--starttls=off", "h" }, false, STARTTLS_OFF, 143 },
	{ { "--starttls=off", "h:993" }, false, STARTTLS_OFF, 993 },
	{ { "(\"h\" :starttls nil)" }, false, STARTTLS_OFF, 143 },
	{ { "(\"h\" :port 993 :starttls nil)" }, false, STARTTLS_OFF, 993 },
	{ { "(\"h\" :ssl nil)" }, false, STARTTLS_REQUIRED, 143 },
	{ { "--starttls=opportunistic", "h" }, false, STARTTLS_OPPORTUNISTIC,
	  143 },
	/* A tunnel is left plain unless asked. */
	{ { "--tunnel=c" }, false, STARTTLS_OFF, 143 },
};

START_TEST(test_tls_default)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	ck_assert_msg(parse(tls_defaults[_i].args, &o, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(o.cfg.ep.ssl, tls_defaults[_i].ssl);
	ck_assert_int_eq(o.cfg.ep.starttls, tls_defaults[_i].starttls);
	ck_assert_uint_eq(endpoint_port(&o.cfg.ep), tls_defaults[_i].port);
}
END_TEST

/* The environment is looked at for presence; an option wins. */
struct env_case {
	const char *value;	/* NULL: unset */
	const char *args[ARGS_MAX];
	enum password_source want;
};

static const struct env_case env_cases[] = {
	{ NULL, { "h" }, PW_NONE },
	{ "s3cret", { "h" }, PW_ENV },
	{ "", { "h" }, PW_ENV },
	{ "s3cret", { "--password-file=/pw", "h" }, PW_FILE },
	{ "s3cret", { "--password-command=cmd", "h" }, PW_COMMAND },
	{ NULL, { "--password-file=/pw", "h" }, PW_FILE },
};

START_TEST(test_env_password)
{
	const struct env_case *t = &env_cases[_i];
	struct options o;
	char err[OPTIONS_ERR_MAX];

	if (t->value != NULL)
		ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", t->value, 1), 0);
	else
		ck_assert_int_eq(unsetenv("IMAPCONN_PASSWORD"), 0);
	ck_assert_int_eq(parse(t->args, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.pw_source, t->want);
	ck_assert_str_eq(o.cfg.password, "");
	ck_assert(!o.cfg.have_password);
	unsetenv("IMAPCONN_PASSWORD");
}
END_TEST

/* A secret in the host specification stays out of every message. */
START_TEST(test_secret_not_in_message)
{
	static const char *const args[][ARGS_MAX] = {
		{ "(\"h\" :certificate-password \"Sup3rS3cret\" :port 0)" },
		{ "(\"h\" :certificate-password \"Sup3rS3cret\" :bogus 1)" },
		{ "--port=1", "(\"h\" :certificate-password \"Sup3rS3cret\" "
		  ":port 2)" },
		{ "--ca-file=x", "(\"h\" :certificate-password \"Sup3rS3cret\""
		  " :ca-file \"y\")" },
		{ "imap://bob:Sup3rS3cret@h/" },
	};

	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		struct options o;
		char err[OPTIONS_ERR_MAX];

		ck_assert_int_eq(parse(args[i], &o, err, sizeof(err)), -1);
		ck_assert_msg(err[0] != '\0', "case %zu: no message", i);
		ck_assert_msg(strstr(err, "Sup3rS3cret") == NULL,
			      "case %zu: message '%s' shows the secret", i,
			      err);
	}
}
END_TEST

/* Values longer than their field are refused, not cut. */
START_TEST(test_too_long)
{
	static const char *const prefixes[] = {
		"--user=", "--select=", "--ca-file=", "--password-file=",
		"--ciphers=", "--server-name=",
	};
	size_t len = CONFIG_PATH_MAX + 10;
	char *arg = malloc(len + 32);

	ck_assert_ptr_nonnull(arg);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *args[] = { arg, "h", NULL };
		size_t p = strlen(prefixes[i]);
		struct options o;
		char err[OPTIONS_ERR_MAX];

		memcpy(arg, prefixes[i], p);
		memset(arg + p, 'a', len);
		arg[p + len] = '\0';
		ck_assert_int_eq(parse(args, &o, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "too long") != NULL,
			      "%s: message '%s'", prefixes[i], err);
		ck_assert_msg(strncmp(err, prefixes[i], p - 1) == 0,
			      "'%s' does not name %s", err, prefixes[i]);
	}
	free(arg);
}
END_TEST

/* A long host specification is refused whole. */
START_TEST(test_host_too_long)
{
	size_t len = CONFIG_PATH_MAX + 10;
	char *host = malloc(len + 1);
	const char *args[] = { "--check", host, NULL };
	struct options o;
	char err[OPTIONS_ERR_MAX];

	ck_assert_ptr_nonnull(host);
	memset(host, 'a', len);
	host[len] = '\0';
	ck_assert_int_eq(parse(args, &o, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "too long") != NULL, "message '%s'", err);
	free(host);
}
END_TEST

/* A small error buffer is filled, terminated and not overrun. */
START_TEST(test_small_err)
{
	static const char *const args[] = { "--port=993", "h:143", NULL };
	struct options o;
	char err[16 + 1];

	memset(err, 'Z', sizeof(err));
	ck_assert_int_eq(parse(args, &o, err, sizeof(err) - 1), -1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 2);
	ck_assert_int_eq(err[sizeof(err) - 1], 'Z');
}
END_TEST

/* --export FORMAT or FORMAT:FILE; JSON only with a file. */
START_TEST(test_export_file)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	ck_assert_int_eq(test_parse_words(&o, err, sizeof(err), "--check",
					  "--export", "neomutt", "h", NULL),
			 0);
	ck_assert(o.have_export);
	ck_assert_int_eq(o.export_fmt, EXPORT_NEOMUTT);
	ck_assert_str_eq(o.export_path, "");
	ck_assert_int_eq(test_parse_words(&o, err, sizeof(err), "--check",
					  "--json", "--export=neomutt:/x/a:b",
					  "h", NULL), 0);
	ck_assert_int_eq(o.export_fmt, EXPORT_NEOMUTT);
	ck_assert_str_eq(o.export_path, "/x/a:b");
	ck_assert_int_eq(test_parse_words(&o, err, sizeof(err), "--check",
					  "--json", "--export", "curl", "h",
					  NULL), -1);
	ck_assert_ptr_nonnull(strstr(err, "FORMAT:FILE"));
	ck_assert_int_eq(test_parse_words(&o, err, sizeof(err), "--check",
					  "--export", "curl:", "h", NULL), -1);
	ck_assert_int_eq(test_parse_words(&o, err, sizeof(err), "--check",
					  "--export", "bogus:/f", "h", NULL),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "bogus:/f"));
}
END_TEST

START_TEST(test_usage)
{
	const char *u = options_usage();
	static const char *const words[] = {
		"--check", "--json", "--dry-run", "--port", "--ssl",
		"--no-ssl", "--starttls", "--timeout", "--ca-file", "--ca-dir",
		"--insecure", "--server-name", "--tls-min", "--tls-max",
		"--ciphers", "--ciphersuites", "--cert", "--key",
		"--key-password-file", "--verify-depth", "--crl-file",
		"--user", "--password-file", "--password-command",
		"--allow-plaintext-auth", "--select", "--select-rw",
		"--transcript", "--id-send-name", "--help", "--version",
		"IMAPCONN_PASSWORD", "--repeat", "--interval", "--monitor",
		"--plugin", "--warning", "--critical", "--warn-phase",
		"--cert-days", "encrypted by default",
		"port 993 implicit TLS", "STARTTLS, required",
	};

	ck_assert_ptr_nonnull(u);
	/* STARTTLS's mode, not STARTTLS, is what a bare --starttls means. */
	ck_assert_ptr_null(strstr(u, "required (the default)"));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_msg(strstr(u, words[i]) != NULL, "usage lacks %s",
			      words[i]);
	for (const char *line = u; *line != '\0';) {
		const char *nl = strchr(line, '\n');
		size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);

		ck_assert_msg(n <= 79, "usage line too wide: %.*s", (int)n,
			      line);
		line += n + (nl != NULL);
	}
}
END_TEST

/* --repeat, --interval and --plugin's thresholds as parsed. */
START_TEST(test_repeat_plugin)
{
	char *rep[] = { "imapconn", "--check", "--repeat", "0",
			"--interval=0.2", "h", NULL };
	char *plug[] = { "imapconn", "--plugin", "-w", "200", "-c", "1000",
			 "--warn-phase", "greeting=50", "--cert-days=30,7",
			 "h", NULL };
	static struct options o;
	char err[OPTIONS_ERR_MAX];

	ck_assert_int_eq(options_parse(6, rep, &o, err, sizeof(err)), 0);
	ck_assert(o.have_repeat);
	ck_assert_uint_eq(o.repeat, 0);
	ck_assert(o.interval_s > 0.19 && o.interval_s < 0.21);
	ck_assert_int_eq(options_parse(10, plug, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.mode, MODE_PLUGIN);
	ck_assert_int_eq(o.warn_ms, 200);
	ck_assert_int_eq(o.crit_ms, 1000);
	ck_assert_int_eq(o.warn_phase_ms[PHASE_GREETING], 50);
	ck_assert_int_eq(o.warn_phase_ms[PHASE_LIST], 0);
	ck_assert(o.have_cert_days);
	ck_assert_int_eq(o.cert_warn_days, 30);
	ck_assert_int_eq(o.cert_crit_days, 7);
	ck_assert(o.interval_s > 0.99 && o.interval_s < 1.01);
}
END_TEST

/* The guess made before parsing: only the modes that never connect
 * say no, and a value that looks like one of them is not taken for
 * it. */
START_TEST(test_may_connect)
{
	char *check[] = { "imapconn", "--check", "-u", "--help", "h", NULL };
	char *ui[] = { "imapconn", NULL };
	char *help[] = { "imapconn", "h", "-h", NULL };
	char *ver[] = { "imapconn", "--version", NULL };
	char *forget[] = { "imapconn", "--forget=h:993", NULL };
	char *dry[] = { "imapconn", "--dry-run", "h", NULL };
	char *after[] = { "imapconn", "--", "--version", NULL };
	char *prefix[] = { "imapconn", "--helpx", "h", NULL };

	ck_assert(options_may_connect(5, check));
	ck_assert(options_may_connect(1, ui));
	ck_assert(!options_may_connect(3, help));
	ck_assert(!options_may_connect(2, ver));
	ck_assert(!options_may_connect(2, forget));
	ck_assert(!options_may_connect(3, dry));
	ck_assert(options_may_connect(3, after));
	ck_assert(options_may_connect(3, prefix));
}
END_TEST

Suite *
suite_options(void)
{
	Suite *s = suite_create("options");
	TCase *tc = units_case(s, "parse", test_reparse, NULL);
	TCase *one = units_case(s, "single", test_host_text, test_defaults,
				test_secret_not_in_message, test_too_long,
				test_host_too_long, test_small_err, test_usage,
				test_export_file, test_repeat_plugin,
				test_may_connect, NULL);

	tcase_add_checked_fixture(tc, no_password_env, NULL);
	tcase_add_loop_test(tc, test_ok, 0, (int)N_OK);
	tcase_add_loop_test(tc, test_bad, 0, (int)N_BAD);
	tcase_add_checked_fixture(one, no_password_env, NULL);
	tcase_add_loop_test(one, test_tls_default, 0,
			    (int)(sizeof(tls_defaults) /
				  sizeof(tls_defaults[0])));
	tcase_add_loop_test(one, test_env_password, 0,
			    (int)(sizeof(env_cases) / sizeof(env_cases[0])));
	return s;
}
