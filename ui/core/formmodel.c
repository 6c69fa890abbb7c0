/* formmodel.c - the connection form's values as data: the Host field
 * parsed as it is typed and carried into the other fields, choices,
 * the password kept apart, the OAuth token read when connecting, and
 * the configuration built from them. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "detect.h"
#include "formmodel.h"
#include "hostspec.h"
#include "password.h"

static const char *const onoff[] = { "off", "on", NULL };
static const char *const tls_modes[] = {
	[FORM_TLS_IMPLICIT] = "implicit", [FORM_TLS_STARTTLS] = "STARTTLS",
	[FORM_TLS_OPPORTUNISTIC] = "opportunistic", [FORM_TLS_NONE] = "none",
	NULL
};
static const char *const versions[] = {
	[TLSV_DEFAULT] = "default", [TLSV_1_0] = "1.0", [TLSV_1_1] = "1.1",
	[TLSV_1_2] = "1.2", [TLSV_1_3] = "1.3", NULL
};
static const char *const shown[] = { "hidden", "shown", NULL };
static const char *const refuse_allow[] = { "refuse", "allow", NULL };

#define TXT(max) FORM_TEXT, NULL, (max)
#define CHO(list) FORM_CHOICE, (list), 0

static const struct formmodel_field fields[FORM_COUNT] = {
	[FORM_HOST] = { "Host", TXT(CONFIG_PATH_MAX - 1), false },
	[FORM_PORT] = { "Port", TXT(5), false },
	[FORM_TIMEOUT] = { "Timeout (s)", TXT(12), false },
	[FORM_TLS] = { "TLS", CHO(tls_modes), false },
	[FORM_VERIFY] = { "Verify cert", CHO(onoff), false },
	[FORM_CAFILE] = { "CA file", TXT(CONFIG_PATH_MAX - 1), false },
	[FORM_USER] = { "User", TXT(CONFIG_STR_MAX - 1), false },
	[FORM_PASSWORD] = { "Password", FORM_SECRET, NULL, 0, false },
	[FORM_TOKEN] = { "Token command", TXT(CONFIG_PATH_MAX - 1), false },
	[FORM_ADVANCED] = { "Advanced TLS", CHO(shown), false },
	[FORM_AUTH] = { "Auth", TXT(CONFIG_STR_MAX - 1), false },
	[FORM_CERT] = { "Client cert", TXT(CONFIG_PATH_MAX - 1), true },
	[FORM_KEY] = { "Client key", TXT(CONFIG_PATH_MAX - 1), true },
	[FORM_KEYPW] = { "Key pw file", TXT(CONFIG_PATH_MAX - 1), true },
	[FORM_TLSMIN] = { "TLS min", CHO(versions), true },
	[FORM_TLSMAX] = { "TLS max", CHO(versions), true },
	[FORM_DEPTH] = { "Verify depth", TXT(3), true },
	[FORM_CIPHERS] = { "Ciphers", TXT(CONFIG_STR_MAX - 1), true },
	[FORM_SUITES] = { "TLS 1.3 suites", TXT(CONFIG_STR_MAX - 1), true },
	[FORM_SNI] = { "Server name", TXT(CONFIG_HOST_MAX - 1), true },
	[FORM_CRL] = { "CRL file", TXT(CONFIG_PATH_MAX - 1), true },
	[FORM_CADIR] = { "CA directory", TXT(CONFIG_PATH_MAX - 1), true },
	[FORM_PLAIN] = { "Clear login", CHO(refuse_allow), true },
};

/* Text fields whose value is a string of the TLS settings. */
static const struct {
	enum formmodel_id id;
	size_t offset;
	size_t cap;
} tls_strings[] = {
#define TS(id, member) { id, offsetof(struct tls_opts, member), \
			 sizeof(((struct tls_opts *)0)->member) }
	TS(FORM_CAFILE, ca_file), TS(FORM_CERT, cert_file),
	TS(FORM_KEY, key_file), TS(FORM_KEYPW, key_password_file),
	TS(FORM_CIPHERS, ciphers), TS(FORM_SUITES, ciphersuites),
	TS(FORM_SNI, server_name), TS(FORM_CRL, crl_file),
	TS(FORM_CADIR, ca_dir),
#undef TS
};

#define NTLS_STRINGS (sizeof(tls_strings) / sizeof(tls_strings[0]))

struct formmodel {
	char text[FORM_COUNT][CONFIG_PATH_MAX];	/* as set or typed */
	int choice[FORM_COUNT];		/* index into fields[].choices */
	bool changed[FORM_COUNT];	/* set here, not yet shown */
	int focus;			/* the field to focus, or -1 */
	bool port_edited;		/* the port no longer follows TLS */
	bool tls_chosen;		/* TLS no longer follows the port */
	bool host_ok;
	char host_info[512];		/* what the Host field says */
	struct endpoint last_ep;	/* the Host field's last parse */
	char password[CONFIG_SECRET_MAX];	/* secret */
	size_t pw_len;
	char key_password[CONFIG_SECRET_MAX];	/* secret, from options */
	char pw_note[256];		/* where the password came from */
	bool from_command_line;		/* a host was given */
	struct options start;		/* the command line, no secrets */
};

const struct formmodel_field *
formmodel_field(enum formmodel_id id)
{
	return &fields[id];
}

/* ------------------------------------------------------------ values */

/* s without the spaces around it, into out. */
static void
trim(const char *s, char *out, size_t cap)
{
	const char *end;

	while (*s == ' ')
		s++;
	end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		end--;
	snprintf(out, cap, "%.*s", (int)(end - s), s);
}

void
formmodel_text(const struct formmodel *m, enum formmodel_id id, char *out,
	       size_t cap)
{
	trim(m->text[id], out, cap);
}

const char *
formmodel_shown(const struct formmodel *m, enum formmodel_id id)
{
	return m->text[id];
}

int
formmodel_choice(const struct formmodel *m, enum formmodel_id id)
{
	return m->choice[id];
}

static void
set_text(struct formmodel *m, enum formmodel_id id, const char *text)
{
	snprintf(m->text[id], sizeof(m->text[id]), "%s", text);
	m->changed[id] = true;
}

static void
choice_set(struct formmodel *m, enum formmodel_id id, int v)
{
	const char *const *c = fields[id].choices;
	int n = 0;

	while (c[n] != NULL)
		n++;
	if (v < 0)
		v = n - 1;
	if (v >= n)
		v = 0;
	m->choice[id] = v;
	set_text(m, id, c[v]);
}

/* Port follows the TLS choice until one is typed. */
static void
follow_port(struct formmodel *m)
{
	if (!m->port_edited)
		set_text(m, FORM_PORT, m->choice[FORM_TLS] == FORM_TLS_IMPLICIT
			 ? "993" : "143");
}

/* The TLS choice of an endpoint's settings. */
static enum formmodel_tls
tls_of(const struct endpoint *ep)
{
	if (ep->ssl)
		return FORM_TLS_IMPLICIT;
	if (ep->starttls == STARTTLS_REQUIRED)
		return FORM_TLS_STARTTLS;
	return ep->starttls == STARTTLS_OPPORTUNISTIC ?
	       FORM_TLS_OPPORTUNISTIC : FORM_TLS_NONE;
}

/* The TLS choice follows the port until one is made (RFC 8314: 993
 * implicit TLS, any other port STARTTLS). */
static void
follow_tls(struct formmodel *m)
{
	struct endpoint ep;

	if (m->tls_chosen)
		return;
	endpoint_init(&ep);
	ep.port = (uint16_t)atoi(m->text[FORM_PORT]);
	endpoint_tls_default(&ep);
	if (m->choice[FORM_TLS] != (int)tls_of(&ep))
		choice_set(m, FORM_TLS, (int)tls_of(&ep));
}

void
formmodel_show_advanced(struct formmodel *m, bool on)
{
	m->choice[FORM_ADVANCED] = on;
	set_text(m, FORM_ADVANCED, shown[on]);
}

bool
formmodel_take_change(struct formmodel *m, enum formmodel_id id)
{
	bool was = m->changed[id];

	m->changed[id] = false;
	return was;
}

int
formmodel_take_focus(struct formmodel *m)
{
	int id = m->focus;

	m->focus = -1;
	return id;
}

/* ------------------------------------------------------------ the host */

static void
describe_endpoint(const struct endpoint *ep, char *buf, size_t cap)
{
	static const char *const kinds[] = {
		[ADDR_NAME] = "a name", [ADDR_IPV4] = "an IPv4 address",
		[ADDR_IPV6] = "an IPv6 address",
	};
	int n = snprintf(buf, cap, "-> %s (%s)", ep->host, kinds[ep->kind]);

	if (n < 0 || (size_t)n >= cap)
		return;
	if (ep->port != 0)
		n += snprintf(buf + n, cap - (size_t)n, ", port %u", ep->port);
	if (ep->ssl_set && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, ", implicit TLS %s",
			      ep->ssl ? "on" : "off");
	if (ep->starttls_set && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, ", STARTTLS %s",
			      starttls_mode_name(ep->starttls));
	if (ep->user[0] != '\0' && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, ", user %s", ep->user);
}

/* The advanced TLS settings a host form carries; the section opens to
 * show them. */
static void
apply_host_tls(struct formmodel *m, const struct tls_opts *now,
	       const struct tls_opts *was)
{
	bool changed = false;
	char depth[16];

	if (now->min_version != was->min_version) {
		choice_set(m, FORM_TLSMIN, (int)now->min_version);
		changed = true;
	}
	if (now->max_version != was->max_version) {
		choice_set(m, FORM_TLSMAX, (int)now->max_version);
		changed = true;
	}
	if (now->verify_depth >= 0 && now->verify_depth != was->verify_depth) {
		snprintf(depth, sizeof(depth), "%d", now->verify_depth);
		set_text(m, FORM_DEPTH, depth);
		changed = true;
	}
	for (size_t i = 0; i < NTLS_STRINGS; i++) {
		const char *a = (const char *)now + tls_strings[i].offset;
		const char *b = (const char *)was + tls_strings[i].offset;

		if (a[0] == '\0' || strcmp(a, b) == 0)
			continue;
		set_text(m, tls_strings[i].id, a);
		changed |= fields[tls_strings[i].id].advanced;
	}
	if (changed)
		formmodel_show_advanced(m, true);
}

/* Copy into the fields what the Host field says and said differently
 * before, so values typed elsewhere stay unless the host changes them. */
static void
apply_host(struct formmodel *m, const struct endpoint *ep)
{
	const struct endpoint *old = &m->last_ep;
	char port[8];

	if (ep->port != 0 && ep->port != old->port) {
		snprintf(port, sizeof(port), "%u", ep->port);
		set_text(m, FORM_PORT, port);
		m->port_edited = true;
		follow_tls(m);
	}
	if ((ep->ssl_set || ep->starttls_set)
	    && (ep->ssl_set != old->ssl_set || ep->ssl != old->ssl
		|| ep->starttls_set != old->starttls_set
		|| ep->starttls != old->starttls)) {
		struct endpoint e = *ep;

		endpoint_tls_default(&e);
		choice_set(m, FORM_TLS, (int)tls_of(&e));
		m->tls_chosen = true;
		follow_port(m);
	}
	if (ep->tls.verify != old->tls.verify)
		choice_set(m, FORM_VERIFY, ep->tls.verify);
	if (ep->user[0] != '\0' && strcmp(ep->user, old->user) != 0)
		set_text(m, FORM_USER, ep->user);
	apply_host_tls(m, &ep->tls, &old->tls);
}

/* Parse the Host field as typed; with apply, carry what it says into
 * the other fields. */
static void
host_changed(struct formmodel *m, bool apply)
{
	char text[CONFIG_PATH_MAX];
	struct endpoint ep;
	struct hostspec_error err;

	formmodel_text(m, FORM_HOST, text, sizeof(text));
	m->host_ok = false;
	if (text[0] == '\0') {
		snprintf(m->host_info, sizeof(m->host_info), "e.g. "
			 "imap.example.com, mail.example.com:993, "
			 "imaps://alice@mail.example.com");
		return;
	}
	if (hostspec_parse(text, strlen(text), &ep, &err) != 0) {
		/* The input is on the line above: only where and what. */
		snprintf(m->host_info, sizeof(m->host_info), "at character "
			 "%zu: %s", err.pos + 1, err.msg);
		return;
	}
	m->host_ok = true;
	describe_endpoint(&ep, m->host_info, sizeof(m->host_info));
	tls_opts_wipe(&ep.tls);
	if (apply)
		apply_host(m, &ep);
	m->last_ep = ep;
}

void
formmodel_typed(struct formmodel *m, enum formmodel_id id,
		const char *text)
{
	trim(text, m->text[id], sizeof(m->text[id]));
	if (id == FORM_HOST)
		host_changed(m, true);
	if (id == FORM_PORT) {
		m->port_edited = m->text[id][0] != '\0';
		follow_tls(m);
	}
}

void
formmodel_cycle(struct formmodel *m, enum formmodel_id id, int step)
{
	choice_set(m, id, m->choice[id] + step);
	if (id == FORM_TLS) {
		m->tls_chosen = true;
		follow_port(m);
	}
	if (id == FORM_ADVANCED)
		formmodel_show_advanced(m, m->choice[id]);
}

const char *
formmodel_host_info(const struct formmodel *m)
{
	return m->host_info;
}

bool
formmodel_host_ok(const struct formmodel *m)
{
	return m->host_ok;
}

/* ------------------------------------------------------------ password */

size_t
formmodel_pw_len(const struct formmodel *m)
{
	return m->pw_len;
}

/* The password changed: the field shows it again, without a note. */
static void
pw_changed(struct formmodel *m)
{
	m->pw_note[0] = '\0';
	m->changed[FORM_PASSWORD] = true;
}

void
formmodel_pw_erase(struct formmodel *m)
{
	/* Drop the whole last UTF-8 character. */
	while (m->pw_len > 0) {
		unsigned char c = (unsigned char)m->password[--m->pw_len];

		m->password[m->pw_len] = '\0';
		if ((c & 0xc0) != 0x80)
			break;
	}
	pw_changed(m);
}

void
formmodel_pw_clear(struct formmodel *m)
{
	explicit_bzero(m->password, sizeof(m->password));
	m->pw_len = 0;
	pw_changed(m);
}

bool
formmodel_pw_add(struct formmodel *m, const char *mb, size_t n)
{
	if (m->pw_len + n >= sizeof(m->password))
		return false;
	memcpy(m->password + m->pw_len, mb, n);
	m->pw_len += n;
	pw_changed(m);
	return true;
}

const char *
formmodel_pw_note(const struct formmodel *m)
{
	return m->pw_note;
}

/* ------------------------------------------------------------ token */

/* Whether IMAPCONN_OAUTH_TOKEN holds a token. */
static bool
token_in_env(void)
{
	const char *v = getenv("IMAPCONN_OAUTH_TOKEN");

	return v != NULL && v[0] != '\0';
}

/* Whether the Token command field holds a command. */
static bool
token_command_given(const struct formmodel *m)
{
	char cmd[CONFIG_PATH_MAX];

	formmodel_text(m, FORM_TOKEN, cmd, sizeof(cmd));
	return cmd[0] != '\0';
}

/* Whether a token will be read when connecting. */
static bool
token_given(const struct formmodel *m)
{
	return token_command_given(m) || token_in_env();
}

/* The mechanisms of the Auth field (0: any) into *mechs.  0, or -1
 * with the reason in err (cap 0: none wanted). */
static int
auth_field(const struct formmodel *m, unsigned *mechs, char *err,
	   size_t cap)
{
	char list[CONFIG_STR_MAX], why[512];

	*mechs = 0;
	formmodel_text(m, FORM_AUTH, list, sizeof(list));
	if (list[0] == '\0')
		return 0;
	if (options_parse_auth(list, mechs, why, sizeof(why)) == 0)
		return 0;
	if (cap > 0)
		snprintf(err, cap, "%s", why);
	return -1;
}

/* The Auth field's text for the mechanisms of --auth: their names as
 * it takes them, in the order of caps_mech_names(). */
static void
auth_names(unsigned mechs, char *out, size_t cap)
{
	const char *p = caps_mech_names();
	size_t used = 0;

	out[0] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, ", ");

		if ((caps_mech_bit(p, n) & mechs) != 0 && used < cap)
			used += (size_t)snprintf(out + used, cap - used,
						 "%s%.*s", used ? "," : "",
						 (int)n, p);
		p += n;
		p += strspn(p, ", ");
	}
}

/* Whether a login could go ahead without more typing: a password, a
 * token to read, or --auth naming only mechanisms without a password. */
static bool
has_credentials(const struct formmodel *m)
{
	struct conn_config c;
	bool need;

	if (m->pw_len > 0 || token_given(m))
		return true;
	memset(&c, 0, sizeof(c));
	if (auth_field(m, &c.auth_mechs, NULL, 0) != 0)
		return false;
	need = password_wanted(&c);
	return !need;
}

const char *
formmodel_token_note(const struct formmodel *m)
{
	if (token_command_given(m))
		return "its first line, read to connect";
	return token_in_env() ? "from IMAPCONN_OAUTH_TOKEN" : "";
}

/* ------------------------------------------------------------ building */

static int
fail_at(struct formmodel *m, enum formmodel_id id, char *err, size_t cap,
	const char *msg)
{
	snprintf(err, cap, "%s: %s", fields[id].label, msg);
	if (fields[id].advanced)
		formmodel_show_advanced(m, true);
	m->focus = (int)id;
	return -1;
}

/* The token into cfg, from the Token command or IMAPCONN_OAUTH_TOKEN,
 * when one is given.  0, or -1 with the reason in err. */
static int
read_token(struct formmodel *m, struct conn_config *cfg, char *err,
	   size_t cap)
{
	char cmd[CONFIG_PATH_MAX];
	struct failure fl;

	formmodel_text(m, FORM_TOKEN, cmd, sizeof(cmd));
	if (cmd[0] == '\0' && !token_in_env())
		return 0;
	if (password_token(cmd[0] != '\0' ? cmd : NULL, "the command", cfg,
			   &fl) == 0)
		return 0;
	return fail_at(m, FORM_TOKEN, err, cap, fl.detail);
}

/* A whole number lo..hi from a field; empty gives dflt. */
static int
number_field(const struct formmodel *m, enum formmodel_id id, long lo,
	     long hi, long dflt, long *out)
{
	char text[32], *end;

	formmodel_text(m, id, text, sizeof(text));
	if (text[0] == '\0') {
		*out = dflt;
		return 0;
	}
	errno = 0;
	*out = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || text[0] == '-' || text[0] == '+'
	    || *out < lo || *out > hi)
		return -1;
	return 0;
}

static int
build_numbers(struct formmodel *m, struct conn_config *cfg, char *err,
	      size_t cap)
{
	char text[32], *end;
	long v;

	if (number_field(m, FORM_PORT, 1, 65535, 0, &v) != 0)
		return fail_at(m, FORM_PORT, err, cap, "a number 1-65535, "
			       "or empty for the usual port");
	cfg->ep.port = (uint16_t)v;
	if (number_field(m, FORM_DEPTH, 0, 100, -1, &v) != 0)
		return fail_at(m, FORM_DEPTH, err, cap, "a number 0-100, or "
			       "empty");
	cfg->ep.tls.verify_depth = (int)v;
	formmodel_text(m, FORM_TIMEOUT, text, sizeof(text));
	errno = 0;
	cfg->timeout_s = text[0] == '\0' ? 30 : strtod(text, &end);
	if (text[0] != '\0' && (errno != 0 || *end != '\0'
				|| !(cfg->timeout_s > 0)
				|| cfg->timeout_s > 86400))
		return fail_at(m, FORM_TIMEOUT, err, cap, "seconds, more "
			       "than 0 and at most 86400 (e.g. 30 or 2.5)");
	return 0;
}

static void
build_strings(const struct formmodel *m, struct conn_config *cfg)
{
	for (size_t i = 0; i < NTLS_STRINGS; i++)
		formmodel_text(m, tls_strings[i].id, (char *)&cfg->ep.tls +
			       tls_strings[i].offset, tls_strings[i].cap);
	formmodel_text(m, FORM_USER, cfg->user, sizeof(cfg->user));
	snprintf(cfg->ep.user, sizeof(cfg->ep.user), "%s", cfg->user);
	if (cfg->ep.tls.key_password[0] == '\0')
		memcpy(cfg->ep.tls.key_password, m->key_password,
		       sizeof(m->key_password));
	memcpy(cfg->password, m->password, sizeof(m->password));
	cfg->have_password = m->pw_len > 0;
}

static int
build_choices(struct formmodel *m, struct conn_config *cfg, char *err,
	      size_t cap)
{
	struct tls_opts *t = &cfg->ep.tls;

	static const enum starttls_mode st[] = {
		[FORM_TLS_IMPLICIT] = STARTTLS_OFF,
		[FORM_TLS_STARTTLS] = STARTTLS_REQUIRED,
		[FORM_TLS_OPPORTUNISTIC] = STARTTLS_OPPORTUNISTIC,
		[FORM_TLS_NONE] = STARTTLS_OFF,
	};
	int tls = m->choice[FORM_TLS];

	cfg->ep.ssl = tls == FORM_TLS_IMPLICIT;
	cfg->ep.ssl_set = true;
	cfg->ep.starttls = st[tls];
	cfg->ep.starttls_set = true;
	t->verify = m->choice[FORM_VERIFY];
	t->min_version = (enum tls_version)m->choice[FORM_TLSMIN];
	t->max_version = (enum tls_version)m->choice[FORM_TLSMAX];
	cfg->allow_plaintext_auth = m->choice[FORM_PLAIN];
	if (t->min_version != TLSV_DEFAULT && t->max_version != TLSV_DEFAULT
	    && t->min_version > t->max_version)
		return fail_at(m, FORM_TLSMIN, err, cap, "above TLS max");
	return 0;
}

/* The fields as a configuration, whether or not a password is there
 * yet.  0, or -1 with the reason in err. */
static int
build_from(struct formmodel *m, const char *host, struct conn_config *cfg,
	   char *err, size_t cap)
{
	struct hostspec_error herr;

	config_init(cfg);
	if (host[0] == '\0')
		return fail_at(m, FORM_HOST, err, cap, "type the server's "
			       "name or address");
	if (hostspec_parse(host, strlen(host), &cfg->ep, &herr) != 0) {
		hostspec_error_format(&herr, host, strlen(host), err, cap);
		m->focus = FORM_HOST;
		return -1;
	}
	if (build_numbers(m, cfg, err, cap) != 0
	    || build_choices(m, cfg, err, cap) != 0) {
		config_wipe(cfg);
		return -1;
	}
	build_strings(m, cfg);
	return 0;
}

static int
build(struct formmodel *m, struct conn_config *cfg, char *err, size_t cap)
{
	char host[CONFIG_PATH_MAX];

	formmodel_text(m, FORM_HOST, host, sizeof(host));
	return build_from(m, host, cfg, err, cap);
}

int
formmodel_config(struct formmodel *m, struct conn_config *cfg, char *err,
		 size_t cap)
{
	char why[512];

	if (build(m, cfg, err, cap) != 0)
		return -1;
	cfg->stay_open = true;
	/* --tunnel has no field: the command line's stays. */
	snprintf(cfg->tunnel, sizeof(cfg->tunnel), "%s", m->start.cfg.tunnel);
	/* Nor have --pin (unless the Host field has :pin) and the file of
	 * certificates accepted. */
	if (cfg->ep.tls.pin[0] == '\0')
		snprintf(cfg->ep.tls.pin, sizeof(cfg->ep.tls.pin), "%s",
			 m->start.cfg.ep.tls.pin);
	snprintf(cfg->known_certs, sizeof(cfg->known_certs), "%s",
		 m->start.cfg.known_certs);
	/* A URL's mailbox, else --select: opened once listed. */
	if (cfg->ep.mailbox[0] != '\0')
		snprintf(cfg->select, sizeof(cfg->select), "%s",
			 cfg->ep.mailbox);
	else
		snprintf(cfg->select, sizeof(cfg->select), "%s",
			 m->start.cfg.select);
	if (auth_field(m, &cfg->auth_mechs, why, sizeof(why)) != 0) {
		config_wipe(cfg);
		return fail_at(m, FORM_AUTH, err, cap, why);
	}
	if (cfg->user[0] == '\0')
		return 0;
	if (read_token(m, cfg, err, cap) != 0) {
		config_wipe(cfg);
		return -1;
	}
	if (!cfg->have_password && password_wanted(cfg)) {
		config_wipe(cfg);
		return fail_at(m, FORM_PASSWORD, err, cap, "type the "
			       "password, or give a Token command (or empty "
			       "User to stop before the login)");
	}
	return 0;
}

/* A detection waits DETECT_TIMEOUT_S unless a timeout was asked for:
 * on the command line, or typed into the form. */
static double
detect_timeout(const struct formmodel *m, const struct conn_config *cfg)
{
	char typed[32], start[32];

	formmodel_text(m, FORM_TIMEOUT, typed, sizeof(typed));
	snprintf(start, sizeof(start), "%g", m->start.cfg.timeout_s);
	if (m->start.timeout_given
	    || (typed[0] != '\0' && strcmp(typed, start) != 0))
		return cfg->timeout_s;
	return DETECT_TIMEOUT_S;
}

static void
detect_fill(const struct formmodel *m, const struct conn_config *cfg,
	    struct detect_params *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", cfg->ep.host);
	p->port_tls = m->start.detect_port_tls ?
		      m->start.detect_port_tls : 993;
	p->port_starttls = m->start.detect_port_starttls ?
			   m->start.detect_port_starttls : 143;
	p->timeout_s = detect_timeout(m, cfg);
	p->tls = cfg->ep.tls;
	/* A recommendation needs verified certificates (RFC 8314); each
	 * probe checks its own name (RFC 7817) unless Server name gives
	 * the one to check. */
	p->tls.verify = true;
}

int
formmodel_detect_params(struct formmodel *m, struct detect_params *p,
			char *err, size_t cap)
{
	struct conn_config *cfg = malloc(sizeof(*cfg));
	char why[256], host[CONFIG_PATH_MAX], *at;
	int rc;

	if (cfg == NULL) {
		snprintf(err, cap, "out of memory");
		return -1;
	}
	/* An address in Host: its domain is built and probed, and the
	 * address goes to --detect for its autoconfig sources. */
	formmodel_text(m, FORM_HOST, host, sizeof(host));
	at = strrchr(host, '@');
	if (at != NULL && detect_name_check(host, why, sizeof(why)) != 0)
		at = NULL;
	rc = build_from(m, at != NULL ? at + 1 : host, cfg, err, cap);
	if (rc == 0 && detect_name_check(cfg->ep.host, why, sizeof(why))
	    != 0)
		rc = fail_at(m, FORM_HOST, err, cap, why);
	if (rc == 0)
		detect_fill(m, cfg, p);
	if (rc == 0 && at != NULL)
		snprintf(p->name, sizeof(p->name), "%s", host);
	config_wipe(cfg);
	free(cfg);
	return rc;
}

void
formmodel_fill(struct formmodel *m, const struct endpoint *ep)
{
	char port[8], user[CONFIG_STR_MAX];

	set_text(m, FORM_HOST, ep->host);
	choice_set(m, FORM_TLS, (int)tls_of(ep));
	m->tls_chosen = true;
	snprintf(port, sizeof(port), "%u", endpoint_port(ep));
	set_text(m, FORM_PORT, port);
	m->port_edited = true;
	set_text(m, FORM_SNI, ep->tls.server_name);
	if (ep->tls.server_name[0] != '\0')
		formmodel_show_advanced(m, true);
	/* The Host field holds a bare name now: what it said before
	 * (a URL's port or TLS) no longer applies. */
	endpoint_init(&m->last_ep);
	host_changed(m, false);
	/* On to what is still missing for a login. */
	formmodel_text(m, FORM_USER, user, sizeof(user));
	m->focus = user[0] == '\0' ? FORM_USER : !has_credentials(m) ?
		   FORM_PASSWORD : FORM_HOST;
}

void
formmodel_focus_user(struct formmodel *m)
{
	m->focus = FORM_USER;
}

bool
formmodel_ready(const struct formmodel *m)
{
	return m->from_command_line && m->host_ok
	       && (m->start.cfg.user[0] == '\0' || has_credentials(m));
}

/* ------------------------------------------------------------ set up */

static void
prefill_password(struct formmodel *m, const struct options *o)
{
	static const char *const sources[] = {
		[PW_NONE] = "", [PW_ENV] = "from IMAPCONN_PASSWORD",
		[PW_FILE] = "from --password-file",
		[PW_COMMAND] = "from --password-command",
	};
	struct options *tmp;
	struct failure fl;

	memcpy(m->key_password, o->cfg.ep.tls.key_password,
	       sizeof(m->key_password));
	if (o->pw_source == PW_NONE)
		return;
	tmp = malloc(sizeof(*tmp));
	if (tmp == NULL)
		return;
	*tmp = *o;
	tmp->tok_source = TOK_NONE;	/* the token: when connecting */
	if (password_obtain(tmp, &tmp->cfg, false, &fl) == 0) {
		memcpy(m->password, tmp->cfg.password, sizeof(m->password));
		m->password[sizeof(m->password) - 1] = '\0';
		m->pw_len = strlen(m->password);
		snprintf(m->pw_note, sizeof(m->pw_note), "%s",
			 sources[o->pw_source]);
	} else {
		snprintf(m->pw_note, sizeof(m->pw_note), "not read: %s",
			 fl.detail);
	}
	config_wipe(&tmp->cfg);
	free(tmp);
}

/* Whether the command line set an advanced TLS setting: the section
 * shows then. */
static bool
advanced_given(const struct conn_config *c)
{
	const struct tls_opts *t = &c->ep.tls;

	return t->cert_file[0] || t->key_file[0] || t->ciphers[0]
	       || t->ciphersuites[0] || t->server_name[0] || t->crl_file[0]
	       || t->ca_dir[0] || t->min_version || t->max_version
	       || t->verify_depth >= 0 || c->allow_plaintext_auth;
}

static void
prefill(struct formmodel *m, const struct options *o)
{
	const struct conn_config *c = &o->cfg;
	const struct tls_opts *t = &c->ep.tls;
	char num[CONFIG_STR_MAX];

	set_text(m, FORM_HOST, o->host_text);
	m->port_edited = c->ep.port != 0;
	m->tls_chosen = c->ep.ssl_set || c->ep.starttls_set;
	snprintf(num, sizeof(num), "%u", c->ep.port);
	choice_set(m, FORM_TLS, (int)tls_of(&c->ep));
	set_text(m, FORM_PORT, num);
	follow_port(m);
	snprintf(num, sizeof(num), "%g", c->timeout_s);
	set_text(m, FORM_TIMEOUT, num);
	choice_set(m, FORM_VERIFY, t->verify);
	choice_set(m, FORM_TLSMIN, (int)t->min_version);
	choice_set(m, FORM_TLSMAX, (int)t->max_version);
	choice_set(m, FORM_PLAIN, c->allow_plaintext_auth);
	if (t->verify_depth >= 0) {
		snprintf(num, sizeof(num), "%d", t->verify_depth);
		set_text(m, FORM_DEPTH, num);
	}
	for (size_t i = 0; i < NTLS_STRINGS; i++)
		set_text(m, tls_strings[i].id, (const char *)t +
			 tls_strings[i].offset);
	set_text(m, FORM_USER, c->user);
	set_text(m, FORM_TOKEN, o->tok_source == TOK_COMMAND ? o->tok_arg :
		 "");
	auth_names(c->auth_mechs, num, sizeof(num));
	set_text(m, FORM_AUTH, num);
	formmodel_show_advanced(m, advanced_given(c));
	/* The fields hold the merged values: the host's own are known. */
	endpoint_init(&m->last_ep);
	host_changed(m, false);
	m->from_command_line = o->have_host && !o->show_form;
}

struct formmodel *
formmodel_new(const struct options *o)
{
	struct formmodel *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->focus = FORM_HOST;
	m->start = *o;
	config_wipe(&m->start.cfg);
	prefill_password(m, o);
	prefill(m, &m->start);
	if (o->host_text[0] != '\0' && o->cfg.user[0] != '\0'
	    && !has_credentials(m))
		m->focus = FORM_PASSWORD;
	return m;
}

void
formmodel_free(struct formmodel *m)
{
	if (m == NULL)
		return;
	explicit_bzero(m->password, sizeof(m->password));
	explicit_bzero(m->key_password, sizeof(m->key_password));
	m->pw_len = 0;
	free(m);
}

/* One "key = value" line into b (at *off), when value is not empty. */
static void
line(char *b, size_t cap, size_t *off, const char *key, const char *value)
{
	int n;

	if (value[0] == '\0' || *off >= cap)
		return;
	n = snprintf(b + *off, cap - *off, "%s = %s\n", key, value);
	if (n > 0)
		*off += (size_t)n;
}

/* The TLS settings that differ from the defaults. */
static void
tls_lines(const struct tls_opts *t, char *b, size_t cap, size_t *off)
{
	char num[16];

	line(b, cap, off, "ca-file", t->ca_file);
	line(b, cap, off, "ca-dir", t->ca_dir);
	line(b, cap, off, "cert", t->cert_file);
	line(b, cap, off, "key", t->key_file);
	line(b, cap, off, "crl-file", t->crl_file);
	line(b, cap, off, "server-name", t->server_name);
	line(b, cap, off, "ciphers", t->ciphers);
	line(b, cap, off, "ciphersuites", t->ciphersuites);
	line(b, cap, off, "pin", t->pin);
	line(b, cap, off, "insecure", t->verify ? "" : "yes");
	if (t->min_version != TLSV_DEFAULT)
		line(b, cap, off, "tls-min", tls_version_name(t->min_version));
	if (t->max_version != TLSV_DEFAULT)
		line(b, cap, off, "tls-max", tls_version_name(t->max_version));
	snprintf(num, sizeof(num), "%d", t->verify_depth);
	line(b, cap, off, "verify-depth", t->verify_depth >= 0 ? num : "");
}

/* Where the password comes from, never the password itself. */
static const char *
password_key(const struct options *o)
{
	switch (o->pw_source) {
	case PW_COMMAND:
		return "password-command";
	case PW_FILE:
		return "password-file";
	default:
		return NULL;
	}
}

int
formmodel_profile(struct formmodel *m, char *b, size_t cap, char *err,
		  size_t ecap)
{
	struct conn_config cfg;
	const char *pw = password_key(&m->start);
	char num[32], auth[256], token[CONFIG_PATH_MAX];
	size_t off = 0;

	b[0] = '\0';
	if (build(m, &cfg, err, ecap) != 0)
		return -1;
	line(b, cap, &off, "host", cfg.ep.host);
	snprintf(num, sizeof(num), "%u", endpoint_port(&cfg.ep));
	line(b, cap, &off, "port", num);
	line(b, cap, &off, "ssl", cfg.ep.ssl ? "yes" : "no");
	line(b, cap, &off, "starttls", starttls_mode_name(cfg.ep.starttls));
	line(b, cap, &off, "user", cfg.user);
	tls_lines(&cfg.ep.tls, b, cap, &off);
	formmodel_text(m, FORM_AUTH, auth, sizeof(auth));
	line(b, cap, &off, "auth", auth);
	formmodel_text(m, FORM_TOKEN, token, sizeof(token));
	line(b, cap, &off, "oauth-token-command", token);
	if (pw != NULL)
		line(b, cap, &off, pw, m->start.pw_arg);
	line(b, cap, &off, "allow-plaintext-auth",
	     cfg.allow_plaintext_auth ? "yes" : "");
	line(b, cap, &off, "tunnel", m->start.cfg.tunnel);
	config_wipe(&cfg);
	return off < cap ? 0 : fail_at(m, FORM_HOST, err, ecap, "too many "
					  "settings to save");
}

struct formmodel *
formmodel_from_args(int argc, char **argv, bool connect, struct options *o,
		    char *err, size_t cap)
{
	char **v = calloc((size_t)argc + 2, sizeof(*v));
	struct formmodel *m = NULL;

	if (v == NULL) {
		snprintf(err, cap, "out of memory");
		return NULL;
	}
	v[0] = "imapconn";
	memcpy(v + 1, argv, (size_t)argc * sizeof(*v));
	if (options_parse(argc + 1, v, o, err, cap) == 0) {
		o->show_form = !connect;
		m = formmodel_new(o);
		if (m == NULL)
			snprintf(err, cap, "out of memory");
	}
	config_wipe(&o->cfg);
	free(v);
	return m;
}
