/* connform.c - the connection form screen (libform): fields from a
 * table, the Host field parsed as it is typed, choices toggled with
 * Space, a masked password kept outside libform, Enter to connect. */
#include <curses.h>
#include <errno.h>
#include <form.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "connform.h"
#include "detect.h"
#include "detectview.h"
#include "draw.h"
#include "hostspec.h"
#include "password.h"
#include "ui_int.h"

#define FORM_COL_LABEL 2
#define FORM_COL_FIELD 17
#define FORM_ROW_HOSTINFO 3
#define FORM_ROW_HELP 21
#define FORM_ROW_PLAN 22

enum fid {
	F_HOST, F_PORT, F_TIMEOUT, F_SSL, F_STARTTLS, F_VERIFY, F_CAFILE,
	F_USER, F_PASSWORD, F_ADVANCED,
	F_CERT, F_KEY, F_KEYPW, F_TLSMIN, F_TLSMAX, F_DEPTH, F_CIPHERS,
	F_SUITES, F_SNI, F_CRL, F_CADIR, F_PLAIN,
	F_COUNT
};

enum fkind { FK_TEXT, FK_CHOICE, FK_SECRET };

static const char *const onoff[] = { "off", "on", NULL };
static const char *const starttls_modes[] = {
	[STARTTLS_OFF] = "off", [STARTTLS_REQUIRED] = "required",
	[STARTTLS_OPPORTUNISTIC] = "opportunistic", NULL
};
static const char *const versions[] = {
	[TLSV_DEFAULT] = "default", [TLSV_1_0] = "1.0", [TLSV_1_1] = "1.1",
	[TLSV_1_2] = "1.2", [TLSV_1_3] = "1.3", NULL
};
static const char *const shown[] = { "hidden", "shown", NULL };
static const char *const refuse_allow[] = { "refuse", "allow", NULL };

struct fdef {
	const char *label;
	int row, lcol, fcol, width;
	enum fkind kind;
	const char *const *choices;
	size_t max;		/* characters a text field holds */
	bool advanced;		/* in the Advanced TLS section */
	const char *help;
};

#define TXT(max) FK_TEXT, NULL, (max)
#define CHO(list) FK_CHOICE, (list), 0

static const struct fdef fdefs[F_COUNT] = {
	[F_HOST] = { "Host", 2, 2, 17, 60, TXT(CONFIG_PATH_MAX - 1), false,
		"a name, an address, host:port, [v6]:port, "
		"imaps://user@host, (\"host\" :port 993)" },
	[F_PORT] = { "Port", 4, 2, 17, 7, TXT(5), false,
		"empty: 993 with implicit TLS, else 143 (follows the TLS "
		"choice until you type one)" },
	[F_TIMEOUT] = { "Timeout (s)", 4, 30, 43, 13, TXT(12), false,
		"seconds to wait for the server each time (default 30)" },
	[F_SSL] = { "Implicit TLS", 5, 2, 17, 7, CHO(onoff), false,
		"TLS from the first byte (port 993); Space changes" },
	[F_STARTTLS] = { "STARTTLS", 5, 30, 43, 14, CHO(starttls_modes),
		false, "upgrade a plain connection: required stops if it "
		"fails, opportunistic goes on unencrypted" },
	[F_VERIFY] = { "Verify cert", 6, 2, 17, 7, CHO(onoff), false,
		"check the certificate and the host name; off is insecure" },
	[F_CAFILE] = { "CA file", 6, 30, 43, 35, TXT(CONFIG_PATH_MAX - 1),
		false, "PEM file of CA certificates to trust as well (for a "
		"private CA)" },
	[F_USER] = { "User", 7, 2, 17, 40, TXT(CONFIG_STR_MAX - 1), false,
		"log in as this user; empty: connect and stop before login" },
	[F_PASSWORD] = { "Password", 8, 2, 17, 40, FK_SECRET, NULL, 0, false,
		"never shown, never written anywhere; Ctrl-U clears it" },
	[F_ADVANCED] = { "Advanced TLS", 10, 2, 17, 8, CHO(shown), false,
		"client certificate, TLS versions, ciphers, SNI, CRL (F2)" },
	[F_CERT] = { "Client cert", 11, 2, 17, 60,
		TXT(CONFIG_PATH_MAX - 1), true, "client certificate (PEM)" },
	[F_KEY] = { "Client key", 12, 2, 17, 60, TXT(CONFIG_PATH_MAX - 1),
		true, "the client certificate's key (PEM)" },
	[F_KEYPW] = { "Key pw file", 13, 2, 17, 60,
		TXT(CONFIG_PATH_MAX - 1), true,
		"file whose first line is the key's password" },
	[F_TLSMIN] = { "TLS min", 14, 2, 17, 8, CHO(versions), true,
		"lowest TLS version (default 1.2; 1.0 and 1.1 are insecure)" },
	[F_TLSMAX] = { "TLS max", 14, 30, 43, 8, CHO(versions), true,
		"highest TLS version (default: the highest available)" },
	[F_DEPTH] = { "Verify depth", 14, 56, 70, 4, TXT(3), true,
		"longest certificate chain accepted (empty: OpenSSL's "
		"default)" },
	[F_CIPHERS] = { "Ciphers", 15, 2, 17, 60, TXT(CONFIG_STR_MAX - 1),
		true, "OpenSSL cipher list for TLS 1.2 and older" },
	[F_SUITES] = { "TLS 1.3 suites", 16, 2, 17, 60,
		TXT(CONFIG_STR_MAX - 1), true,
		"OpenSSL TLS 1.3 cipher suites" },
	[F_SNI] = { "Server name", 17, 2, 17, 40, TXT(CONFIG_HOST_MAX - 1),
		true, "SNI and the name the certificate must hold (default: "
		"the host)" },
	[F_CRL] = { "CRL file", 18, 2, 17, 60, TXT(CONFIG_PATH_MAX - 1),
		true, "check revocation against this CRL (PEM)" },
	[F_CADIR] = { "CA directory", 19, 2, 17, 60,
		TXT(CONFIG_PATH_MAX - 1), true,
		"hashed directory of CA certificates to trust as well" },
	[F_PLAIN] = { "Clear login", 20, 2, 17, 7, CHO(refuse_allow), true,
		"allow the password over a connection without TLS "
		"(insecure)" },
};

/* Text fields whose value is a string of the TLS settings. */
static const struct {
	enum fid id;
	size_t offset;
	size_t cap;
} tls_strings[] = {
#define TS(id, member) { id, offsetof(struct tls_opts, member), \
			 sizeof(((struct tls_opts *)0)->member) }
	TS(F_CAFILE, ca_file), TS(F_CERT, cert_file), TS(F_KEY, key_file),
	TS(F_KEYPW, key_password_file), TS(F_CIPHERS, ciphers),
	TS(F_SUITES, ciphersuites), TS(F_SNI, server_name),
	TS(F_CRL, crl_file), TS(F_CADIR, ca_dir),
#undef TS
};

struct connform {
	FORM *form;
	FIELD *fields[F_COUNT + 1];
	int choice[F_COUNT];		/* index into fdefs[].choices */
	bool posted;
	bool port_edited;		/* the port no longer follows TLS */
	bool host_ok;
	char host_info[512];		/* what the Host field says */
	struct endpoint last_ep;	/* the Host field's last parse */
	char password[CONFIG_SECRET_MAX];	/* secret */
	size_t pw_len;
	char key_password[CONFIG_SECRET_MAX];	/* secret, from options */
	char pw_note[256];		/* where the password came from */
	bool from_command_line;		/* a host was given */
	enum fid first;			/* the field to start in */
	int selected;			/* the field whose value the next
					 * character replaces (entered with
					 * Tab or an arrow), or -1 */
	struct options start;		/* the command line, no secrets */
};

/* ------------------------------------------------------------ fields */

static FIELD *
cur(const struct connform *f)
{
	return current_field(f->form);
}

static enum fid
cur_id(const struct connform *f)
{
	FIELD *c = cur(f);

	for (int i = 0; i < F_COUNT; i++)
		if (f->fields[i] == c)
			return (enum fid)i;
	return F_HOST;
}

/* The text of a field, trimmed, into out. */
static void
field_text(struct connform *f, enum fid id, char *out, size_t cap)
{
	const char *b, *end;

	if (f->posted && cur(f) == f->fields[id])
		form_driver(f->form, REQ_VALIDATION);
	b = field_buffer(f->fields[id], 0);
	if (b == NULL)
		b = "";
	while (*b == ' ')
		b++;
	end = b + strlen(b);
	while (end > b && end[-1] == ' ')
		end--;
	snprintf(out, cap, "%.*s", (int)(end - b), b);
}

static void
field_set(struct connform *f, enum fid id, const char *text)
{
	set_field_buffer(f->fields[id], 0, text);
}

static void
choice_set(struct connform *f, enum fid id, int v)
{
	const char *const *c = fdefs[id].choices;
	int n = 0;

	while (c[n] != NULL)
		n++;
	if (v < 0)
		v = n - 1;
	if (v >= n)
		v = 0;
	f->choice[id] = v;
	field_set(f, id, c[v]);
}

static void
show_password(struct connform *f)
{
	char stars[64];
	size_t n = f->pw_len;

	if (n > (size_t)fdefs[F_PASSWORD].width - 1)
		n = (size_t)fdefs[F_PASSWORD].width - 1;
	memset(stars, '*', n);
	stars[n] = '\0';
	field_set(f, F_PASSWORD, stars);
}

/* Port follows the TLS choice until one is typed. */
static void
follow_port(struct connform *f)
{
	if (!f->port_edited)
		field_set(f, F_PORT, f->choice[F_SSL] ? "993" : "143");
}

static void
show_advanced(struct connform *f, bool on)
{
	f->choice[F_ADVANCED] = on;
	field_set(f, F_ADVANCED, shown[on]);
	for (int i = 0; i < F_COUNT; i++) {
		if (!fdefs[i].advanced)
			continue;
		if (on)
			field_opts_on(f->fields[i], O_VISIBLE | O_ACTIVE);
		else
			field_opts_off(f->fields[i], O_VISIBLE | O_ACTIVE);
	}
}

static FIELD *
make_field(const struct fdef *d)
{
	FIELD *fl = new_field(1, d->width, d->row, d->fcol, 0, 0);

	if (fl == NULL)
		return NULL;
	field_opts_off(fl, O_AUTOSKIP | O_BLANK | O_WRAP);
	if (d->kind == FK_TEXT) {
		/* libform takes no limit below the width: text_key()
		 * keeps a short field to its max. */
		field_opts_off(fl, O_STATIC);
		set_max_field(fl, (int)d->max > d->width ? (int)d->max :
			      d->width);
	} else {
		field_opts_off(fl, O_EDIT);
	}
	return fl;
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
apply_host_tls(struct connform *f, const struct tls_opts *now,
	       const struct tls_opts *was)
{
	bool changed = false;
	char depth[16];

	if (now->min_version != was->min_version) {
		choice_set(f, F_TLSMIN, (int)now->min_version);
		changed = true;
	}
	if (now->max_version != was->max_version) {
		choice_set(f, F_TLSMAX, (int)now->max_version);
		changed = true;
	}
	if (now->verify_depth >= 0 && now->verify_depth != was->verify_depth) {
		snprintf(depth, sizeof(depth), "%d", now->verify_depth);
		field_set(f, F_DEPTH, depth);
		changed = true;
	}
	for (size_t i = 0; i < sizeof(tls_strings) / sizeof(tls_strings[0]);
	     i++) {
		const char *a = (const char *)now + tls_strings[i].offset;
		const char *b = (const char *)was + tls_strings[i].offset;

		if (a[0] == '\0' || strcmp(a, b) == 0)
			continue;
		field_set(f, tls_strings[i].id, a);
		changed |= fdefs[tls_strings[i].id].advanced;
	}
	if (changed)
		show_advanced(f, true);
}

/* Copy into the fields what the Host field says and said differently
 * before, so values typed elsewhere stay unless the host changes them. */
static void
apply_host(struct connform *f, const struct endpoint *ep)
{
	const struct endpoint *old = &f->last_ep;
	char port[8];

	if (ep->port != 0 && ep->port != old->port) {
		snprintf(port, sizeof(port), "%u", ep->port);
		field_set(f, F_PORT, port);
		f->port_edited = true;
	}
	if (ep->ssl_set && (!old->ssl_set || ep->ssl != old->ssl)) {
		choice_set(f, F_SSL, ep->ssl);
		follow_port(f);
	}
	if (ep->starttls_set && (!old->starttls_set
				 || ep->starttls != old->starttls))
		choice_set(f, F_STARTTLS, (int)ep->starttls);
	if (ep->tls.verify != old->tls.verify)
		choice_set(f, F_VERIFY, ep->tls.verify);
	if (ep->user[0] != '\0' && strcmp(ep->user, old->user) != 0)
		field_set(f, F_USER, ep->user);
	apply_host_tls(f, &ep->tls, &old->tls);
}

/* Parse the Host field as typed; with apply, carry what it says into
 * the other fields. */
static void
host_changed(struct connform *f, bool apply)
{
	char text[CONFIG_PATH_MAX];
	struct endpoint ep;
	struct hostspec_error err;

	field_text(f, F_HOST, text, sizeof(text));
	f->host_ok = false;
	if (text[0] == '\0') {
		snprintf(f->host_info, sizeof(f->host_info), "e.g. "
			 "imap.example.com, mail.example.com:993, "
			 "imaps://alice@mail.example.com");
		return;
	}
	if (hostspec_parse(text, strlen(text), &ep, &err) != 0) {
		/* The input is on the line above: only where and what. */
		snprintf(f->host_info, sizeof(f->host_info), "at character "
			 "%zu: %s", err.pos + 1, err.msg);
		return;
	}
	f->host_ok = true;
	describe_endpoint(&ep, f->host_info, sizeof(f->host_info));
	tls_opts_wipe(&ep.tls);
	if (apply)
		apply_host(f, &ep);
	f->last_ep = ep;
}

/* ------------------------------------------------------------ building */

static int
fail_at(struct connform *f, enum fid id, char *err, size_t cap,
	const char *msg)
{
	snprintf(err, cap, "%s: %s", fdefs[id].label, msg);
	if (fdefs[id].advanced)
		show_advanced(f, true);
	if (f->form != NULL)
		set_current_field(f->form, f->fields[id]);
	else
		f->first = id;
	return -1;
}

/* A whole number lo..hi from a field; empty gives dflt. */
static int
number_field(struct connform *f, enum fid id, long lo, long hi,
	     long dflt, long *out)
{
	char text[32], *end;

	field_text(f, id, text, sizeof(text));
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
build_numbers(struct connform *f, struct conn_config *cfg, char *err,
	      size_t cap)
{
	char text[32], *end;
	long v;

	if (number_field(f, F_PORT, 1, 65535, 0, &v) != 0)
		return fail_at(f, F_PORT, err, cap, "a number 1-65535, or "
			       "empty for the usual port");
	cfg->ep.port = (uint16_t)v;
	if (number_field(f, F_DEPTH, 0, 100, -1, &v) != 0)
		return fail_at(f, F_DEPTH, err, cap, "a number 0-100, or "
			       "empty");
	cfg->ep.tls.verify_depth = (int)v;
	field_text(f, F_TIMEOUT, text, sizeof(text));
	errno = 0;
	cfg->timeout_s = text[0] == '\0' ? 30 : strtod(text, &end);
	if (text[0] != '\0' && (errno != 0 || *end != '\0'
				|| !(cfg->timeout_s > 0)
				|| cfg->timeout_s > 86400))
		return fail_at(f, F_TIMEOUT, err, cap, "seconds, more than 0 "
			       "and at most 86400 (e.g. 30 or 2.5)");
	return 0;
}

static void
build_strings(struct connform *f, struct conn_config *cfg)
{
	for (size_t i = 0; i < sizeof(tls_strings) / sizeof(tls_strings[0]);
	     i++)
		field_text(f, tls_strings[i].id, (char *)&cfg->ep.tls +
			   tls_strings[i].offset, tls_strings[i].cap);
	field_text(f, F_USER, cfg->user, sizeof(cfg->user));
	snprintf(cfg->ep.user, sizeof(cfg->ep.user), "%s", cfg->user);
	if (cfg->ep.tls.key_password[0] == '\0')
		memcpy(cfg->ep.tls.key_password, f->key_password,
		       sizeof(f->key_password));
	memcpy(cfg->password, f->password, sizeof(f->password));
	cfg->have_password = f->pw_len > 0;
}

static int
build_choices(struct connform *f, struct conn_config *cfg, char *err,
	      size_t cap)
{
	struct tls_opts *t = &cfg->ep.tls;

	cfg->ep.ssl = f->choice[F_SSL];
	cfg->ep.ssl_set = true;
	cfg->ep.starttls = (enum starttls_mode)f->choice[F_STARTTLS];
	cfg->ep.starttls_set = true;
	t->verify = f->choice[F_VERIFY];
	t->min_version = (enum tls_version)f->choice[F_TLSMIN];
	t->max_version = (enum tls_version)f->choice[F_TLSMAX];
	cfg->allow_plaintext_auth = f->choice[F_PLAIN];
	if (t->min_version != TLSV_DEFAULT && t->max_version != TLSV_DEFAULT
	    && t->min_version > t->max_version)
		return fail_at(f, F_TLSMIN, err, cap, "above TLS max");
	return 0;
}

/* The fields as a configuration, whether or not a password is there
 * yet.  0, or -1 with the reason in err. */
static int
build(struct connform *f, struct conn_config *cfg, char *err, size_t cap)
{
	char host[CONFIG_PATH_MAX];
	struct hostspec_error herr;

	config_init(cfg);
	field_text(f, F_HOST, host, sizeof(host));
	if (host[0] == '\0')
		return fail_at(f, F_HOST, err, cap, "type the server's name "
			       "or address");
	if (hostspec_parse(host, strlen(host), &cfg->ep, &herr) != 0) {
		hostspec_error_format(&herr, host, strlen(host), err, cap);
		if (f->form != NULL)
			set_current_field(f->form, f->fields[F_HOST]);
		return -1;
	}
	if (build_numbers(f, cfg, err, cap) != 0
	    || build_choices(f, cfg, err, cap) != 0) {
		config_wipe(cfg);
		return -1;
	}
	build_strings(f, cfg);
	return 0;
}

int
connform_config(struct connform *f, struct conn_config *cfg, char *err,
		size_t cap)
{
	if (build(f, cfg, err, cap) != 0)
		return -1;
	cfg->stay_open = true;
	/* --tunnel has no field: the command line's stays. */
	snprintf(cfg->tunnel, sizeof(cfg->tunnel), "%s", f->start.cfg.tunnel);
	/* A URL's mailbox, else --select: opened once listed. */
	if (cfg->ep.mailbox[0] != '\0')
		snprintf(cfg->select, sizeof(cfg->select), "%s",
			 cfg->ep.mailbox);
	else
		snprintf(cfg->select, sizeof(cfg->select), "%s",
			 f->start.cfg.select);
	if (cfg->user[0] != '\0' && !cfg->have_password) {
		config_wipe(cfg);
		return fail_at(f, F_PASSWORD, err, cap, "type the password "
			       "(or empty User to stop before the login)");
	}
	return 0;
}

/* A detection waits DETECT_TIMEOUT_S unless a timeout was asked for:
 * on the command line, or typed into the form. */
static double
detect_timeout(struct connform *f, const struct conn_config *cfg)
{
	char typed[32], start[32];

	field_text(f, F_TIMEOUT, typed, sizeof(typed));
	snprintf(start, sizeof(start), "%g", f->start.cfg.timeout_s);
	if (f->start.timeout_given
	    || (typed[0] != '\0' && strcmp(typed, start) != 0))
		return cfg->timeout_s;
	return DETECT_TIMEOUT_S;
}

int
connform_detect_params(struct connform *f, struct detect_params *p,
		       char *err, size_t cap)
{
	struct conn_config *cfg = malloc(sizeof(*cfg));
	char why[256];
	int rc;

	if (cfg == NULL) {
		snprintf(err, cap, "out of memory");
		return -1;
	}
	rc = build(f, cfg, err, cap);
	if (rc == 0 && detect_name_check(cfg->ep.host, why, sizeof(why))
	    != 0)
		rc = fail_at(f, F_HOST, err, cap, why);
	if (rc == 0) {
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", cfg->ep.host);
		p->port_tls = f->start.detect_port_tls ?
			      f->start.detect_port_tls : 993;
		p->port_starttls = f->start.detect_port_starttls ?
				   f->start.detect_port_starttls : 143;
		p->timeout_s = detect_timeout(f, cfg);
		p->tls = cfg->ep.tls;
		/* A recommendation needs verified certificates (RFC 8314);
		 * each probe sets the name checked itself (RFC 7817). */
		p->tls.verify = true;
		p->tls.server_name[0] = '\0';
	}
	config_wipe(cfg);
	free(cfg);
	return rc;
}

void
connform_fill(struct connform *f, const struct endpoint *ep)
{
	char port[8], user[CONFIG_STR_MAX];

	if (f->form == NULL)
		return;
	field_set(f, F_HOST, ep->host);
	choice_set(f, F_SSL, ep->ssl);
	choice_set(f, F_STARTTLS, (int)ep->starttls);
	snprintf(port, sizeof(port), "%u", endpoint_port(ep));
	field_set(f, F_PORT, port);
	f->port_edited = true;
	field_set(f, F_SNI, ep->tls.server_name);
	if (ep->tls.server_name[0] != '\0')
		show_advanced(f, true);
	/* The Host field holds a bare name now: what it said before
	 * (a URL's port or TLS) no longer applies. */
	endpoint_init(&f->last_ep);
	host_changed(f, false);
	/* On to what is still missing for a login. */
	field_text(f, F_USER, user, sizeof(user));
	set_current_field(f->form, f->fields[user[0] == '\0' ? F_USER :
			  f->pw_len == 0 ? F_PASSWORD : F_HOST]);
}

void
connform_focus_user(struct connform *f)
{
	f->first = F_USER;
	if (f->form != NULL)
		set_current_field(f->form, f->fields[F_USER]);
}

bool
connform_ready(const struct connform *f)
{
	return f->form != NULL && f->from_command_line && f->host_ok
	       && (f->start.cfg.user[0] == '\0' || f->pw_len > 0);
}

/* ------------------------------------------------------------ set up */

static void
prefill_password(struct connform *f, const struct options *o)
{
	static const char *const sources[] = {
		[PW_NONE] = "", [PW_ENV] = "from IMAPCONN_PASSWORD",
		[PW_FILE] = "from --password-file",
		[PW_COMMAND] = "from --password-command",
	};
	struct conn_config *tmp;
	struct failure fl;

	memcpy(f->key_password, o->cfg.ep.tls.key_password,
	       sizeof(f->key_password));
	if (o->pw_source == PW_NONE)
		return;
	tmp = malloc(sizeof(*tmp));
	if (tmp == NULL)
		return;
	*tmp = o->cfg;
	if (password_obtain(o, tmp, false, &fl) == 0) {
		memcpy(f->password, tmp->password, sizeof(f->password));
		f->password[sizeof(f->password) - 1] = '\0';
		f->pw_len = strlen(f->password);
		snprintf(f->pw_note, sizeof(f->pw_note), "%s",
			 sources[o->pw_source]);
	} else {
		snprintf(f->pw_note, sizeof(f->pw_note), "not read: %s",
			 fl.detail);
	}
	config_wipe(tmp);
	free(tmp);
}

static void
prefill(struct connform *f, const struct options *o)
{
	const struct conn_config *c = &o->cfg;
	const struct tls_opts *t = &c->ep.tls;
	char num[32];
	bool adv;

	field_set(f, F_HOST, o->host_text);
	f->port_edited = c->ep.port != 0;
	snprintf(num, sizeof(num), "%u", c->ep.port);
	choice_set(f, F_SSL, c->ep.ssl);
	field_set(f, F_PORT, num);
	follow_port(f);
	snprintf(num, sizeof(num), "%g", c->timeout_s);
	field_set(f, F_TIMEOUT, num);
	choice_set(f, F_STARTTLS, (int)c->ep.starttls);
	choice_set(f, F_VERIFY, t->verify);
	choice_set(f, F_TLSMIN, (int)t->min_version);
	choice_set(f, F_TLSMAX, (int)t->max_version);
	choice_set(f, F_PLAIN, c->allow_plaintext_auth);
	if (t->verify_depth >= 0) {
		snprintf(num, sizeof(num), "%d", t->verify_depth);
		field_set(f, F_DEPTH, num);
	}
	for (size_t i = 0; i < sizeof(tls_strings) / sizeof(tls_strings[0]);
	     i++)
		field_set(f, tls_strings[i].id, (const char *)t +
			  tls_strings[i].offset);
	field_set(f, F_USER, c->user);
	adv = t->cert_file[0] || t->key_file[0] || t->ciphers[0]
	      || t->ciphersuites[0] || t->server_name[0] || t->crl_file[0]
	      || t->ca_dir[0] || t->min_version || t->max_version
	      || t->verify_depth >= 0 || c->allow_plaintext_auth;
	show_advanced(f, adv);
	/* The fields hold the merged values: the host's own are known. */
	endpoint_init(&f->last_ep);
	host_changed(f, false);
	f->from_command_line = o->have_host && !o->show_form;
}

struct connform *
connform_new(const struct options *o)
{
	struct connform *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->selected = -1;
	f->start = *o;
	config_wipe(&f->start.cfg);
	prefill_password(f, o);
	if (o->host_text[0] != '\0' && o->cfg.user[0] != '\0'
	    && f->pw_len == 0)
		f->first = F_PASSWORD;
	return f;
}

/* libform needs curses started: the fields and the form are made when
 * the form is first shown. */
static void
connform_enter(struct ui *ui)
{
	struct connform *f = ui->form;

	connform_hide(f);
	if (f->form != NULL)
		return;
	for (int i = 0; i < F_COUNT; i++) {
		f->fields[i] = make_field(&fdefs[i]);
		if (f->fields[i] == NULL)
			return;
	}
	f->fields[F_COUNT] = NULL;
	show_password(f);
	prefill(f, &f->start);
	f->form = new_form(f->fields);
	if (f->form != NULL)
		set_current_field(f->form, f->fields[f->first]);
}

void
connform_free(struct connform *f)
{
	if (f == NULL)
		return;
	explicit_bzero(f->password, sizeof(f->password));
	explicit_bzero(f->key_password, sizeof(f->key_password));
	f->pw_len = 0;
	if (f->form != NULL) {
		unpost_form(f->form);
		free_form(f->form);
	}
	for (int i = 0; i < F_COUNT; i++)
		if (f->fields[i] != NULL)
			free_field(f->fields[i]);
	free(f);
}

void
connform_hide(struct connform *f)
{
	if (f != NULL && f->posted) {
		unpost_form(f->form);
		f->posted = false;
	}
}

/* ------------------------------------------------------------ keys */

static void
to_field_end(struct connform *f)
{
	if (fdefs[cur_id(f)].kind != FK_CHOICE)
		form_driver(f->form, REQ_END_LINE);
}

/* Post the form again (first show, resize): that clears the screen
 * and puts the cursor at the start of the field. */
static void
repost(struct connform *f)
{
	if (f->posted)
		unpost_form(f->form);
	f->posted = post_form(f->form) == E_OK;
	if (f->posted)
		to_field_end(f);
}

/* Whether the current field holds a value. */
static bool
has_value(struct connform *f)
{
	enum fid id = cur_id(f);
	char text[CONFIG_PATH_MAX];

	if (fdefs[id].kind == FK_SECRET)
		return f->pw_len > 0;
	field_text(f, id, text, sizeof(text));
	return text[0] != '\0';
}

/* A field entered with Tab or an arrow has its value selected: the
 * first character typed replaces it, editing keys keep it. */
static void
enter_field(struct connform *f, int req)
{
	form_driver(f->form, req);
	to_field_end(f);
	f->selected = fdefs[cur_id(f)].kind != FK_CHOICE && has_value(f) ?
		      (int)cur_id(f) : -1;
}

static void
next_field(struct ui *ui)
{
	enter_field(ui->form, REQ_NEXT_FIELD);
}

static void
prev_field(struct ui *ui)
{
	enter_field(ui->form, REQ_PREV_FIELD);
}

/* Whether the current field's value is selected, and no longer. */
static bool
take_selection(struct connform *f)
{
	bool was = f->selected >= 0 && f->selected == (int)cur_id(f);

	f->selected = -1;
	return was;
}

static void
cycle(struct connform *f, int step)
{
	enum fid id = cur_id(f);

	if (fdefs[id].kind != FK_CHOICE)
		return;
	choice_set(f, id, f->choice[id] + step);
	if (id == F_SSL)
		follow_port(f);
	if (id == F_ADVANCED)
		show_advanced(f, f->choice[id]);
}

static void
cycle_choice(struct ui *ui)
{
	cycle(ui->form, 1);
}

static void
toggle_advanced(struct ui *ui)
{
	struct connform *f = ui->form;

	show_advanced(f, !f->choice[F_ADVANCED]);
	if (!f->choice[F_ADVANCED] && fdefs[cur_id(f)].advanced)
		set_current_field(f->form, f->fields[F_ADVANCED]);
}

static void
escape_hint(struct ui *ui)
{
	ui_message(ui, ROLE_NORMAL, "Enter connects; F10 quits");
}

static bool
is_text_key(int key)
{
	return (key & UI_FN) == 0 && key >= 0x20 && key != 0x7f;
}

static void
wipe_password(struct connform *f)
{
	explicit_bzero(f->password, sizeof(f->password));
	f->pw_len = 0;
}

static bool
is_erase_key(int key)
{
	return key == UI_KEY(KEY_BACKSPACE) || key == 0x7f
	       || key == UI_CTRL('h');
}

static bool
secret_key(struct connform *f, int key)
{
	if (!is_text_key(key) && !is_erase_key(key) && key != UI_CTRL('u'))
		return false;
	if (take_selection(f) && is_text_key(key))
		wipe_password(f);
	if (is_erase_key(key)) {
		if (f->pw_len > 0) {
			/* Drop the whole last UTF-8 character. */
			unsigned char c;

			do {
				c = (unsigned char)f->password[--f->pw_len];
				f->password[f->pw_len] = '\0';
			} while (f->pw_len > 0 && (c & 0xc0) == 0x80);
		}
	} else if (key == UI_CTRL('u')) {
		wipe_password(f);
	} else {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof(st));
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1 || f->pw_len + n >= sizeof(f->password))
			return true;
		memcpy(f->password + f->pw_len, mb, n);
		f->pw_len += n;
		explicit_bzero(mb, sizeof(mb));
	}
	f->pw_note[0] = '\0';
	show_password(f);
	to_field_end(f);
	return true;
}

/* Editing keys of a text field, as libform requests. */
static const struct {
	int key;
	int req;
} edit_keys[] = {
	{ UI_KEY(KEY_LEFT), REQ_PREV_CHAR },
	{ UI_KEY(KEY_RIGHT), REQ_NEXT_CHAR },
	{ UI_KEY(KEY_HOME), REQ_BEG_LINE },
	{ UI_CTRL('a'), REQ_BEG_LINE },
	{ UI_KEY(KEY_END), REQ_END_LINE },
	{ UI_CTRL('e'), REQ_END_LINE },
	{ UI_KEY(KEY_BACKSPACE), REQ_DEL_PREV },
	{ 0x7f, REQ_DEL_PREV },
	{ UI_CTRL('h'), REQ_DEL_PREV },
	{ UI_KEY(KEY_DC), REQ_DEL_CHAR },
	{ UI_CTRL('d'), REQ_DEL_CHAR },
	{ UI_CTRL('u'), REQ_CLR_FIELD },
	{ UI_CTRL('k'), REQ_CLR_EOL },
	{ UI_CTRL('w'), REQ_DEL_WORD },
};

/* The libform request of an editing key, or -1. */
static int
edit_request(int key)
{
	for (size_t i = 0; i < sizeof(edit_keys) / sizeof(edit_keys[0]); i++)
		if (edit_keys[i].key == key)
			return edit_keys[i].req;
	return -1;
}

static bool
moves_only(int req)
{
	return req == REQ_PREV_CHAR || req == REQ_NEXT_CHAR
	       || req == REQ_BEG_LINE || req == REQ_END_LINE;
}

/* Whether the current text field holds as many bytes as it may. */
static bool
field_full(struct connform *f, enum fid id)
{
	char text[CONFIG_PATH_MAX];

	field_text(f, id, text, sizeof(text));
	return strlen(text) >= fdefs[id].max;
}

static bool
text_key(struct connform *f, int key)
{
	enum fid id = cur_id(f);
	int req = edit_request(key);
	bool selected;

	if (!is_text_key(key) && req < 0)
		return false;
	selected = take_selection(f);
	if (is_text_key(key)) {
		if (selected)
			form_driver(f->form, REQ_CLR_FIELD);
		else if (field_full(f, id))
			return true;
		form_driver_w(f->form, OK, (wchar_t)key);
	} else {
		form_driver(f->form, req);
		if (moves_only(req))
			return true;
	}
	form_driver(f->form, REQ_VALIDATION);
	if (id == F_HOST)
		host_changed(f, true);
	if (id == F_PORT) {
		char port[16];

		field_text(f, F_PORT, port, sizeof(port));
		f->port_edited = port[0] != '\0';
	}
	return true;
}

static bool
connform_key(struct ui *ui, int key)
{
	struct connform *f = ui->form;

	if (f->form == NULL)
		return false;
	/* Keys right after a resize come before the next draw: libform
	 * takes them only on a posted form. */
	if (!f->posted)
		repost(f);
	switch (fdefs[cur_id(f)].kind) {
	case FK_SECRET:
		return secret_key(f, key);
	case FK_TEXT:
		return text_key(f, key);
	case FK_CHOICE:
		if (key == ' ' || key == UI_KEY(KEY_RIGHT)) {
			cycle(f, 1);
			return true;
		}
		if (key == UI_KEY(KEY_LEFT)) {
			cycle(f, -1);
			return true;
		}
		return false;
	}
	return false;
}

/* ------------------------------------------------------------ drawing */

static void
draw_labels(struct ui *ui, struct connform *f)
{
	enum fid now = cur_id(f);

	for (int i = 0; i < F_COUNT; i++) {
		const struct fdef *d = &fdefs[i];

		if (d->advanced && !f->choice[F_ADVANCED])
			continue;
		draw_text(stdscr, d->row, d->lcol, d->fcol - d->lcol - 1,
			  d->label, ui_attr(ui, i == (int)now ? ROLE_HEADING :
					    ROLE_LABEL));
	}
}

static void
set_backgrounds(struct ui *ui, struct connform *f)
{
	enum fid now = cur_id(f);

	for (int i = 0; i < F_COUNT; i++) {
		int attr = ui_attr(ui, i == (int)now ? ROLE_FIELD_CURRENT :
				   ROLE_FIELD);

		/* A selected value: as the cursor line of a list. */
		if (i == f->selected && i == (int)now)
			attr = ui_attr(ui, ROLE_CURSOR) | A_BOLD;
		set_field_back(f->fields[i], (chtype)attr);
	}
}

/* The connection these fields describe, in one line, with a warning
 * when it would not be protected. */
static enum theme_role
plan_line(struct connform *f, char *buf, size_t cap)
{
	bool ssl = f->choice[F_SSL], verify = f->choice[F_VERIFY];
	bool clear = f->choice[F_PLAIN];
	int st = f->choice[F_STARTTLS];
	char user[CONFIG_STR_MAX];

	field_text(f, F_USER, user, sizeof(user));
	if (!ssl && st == STARTTLS_OFF) {
		snprintf(buf, cap, "NO TLS: plain text; %s", user[0] == '\0' ?
			 "no user, so no login" : clear ? "the password WILL "
			 "be sent in clear (Clear login: allow)" : "the "
			 "password will not be sent (Clear login: refuse)");
		return ROLE_FAIL;
	}
	if (!verify) {
		snprintf(buf, cap, "TLS WITHOUT verification: anyone on the "
			 "path could pose as the server");
		return ROLE_WARN;
	}
	if (!ssl && st == STARTTLS_OPPORTUNISTIC) {
		snprintf(buf, cap, "STARTTLS if offered; if not, plain text "
			 "%s", user[0] == '\0' ? "(no user: no login)" :
			 clear ? "and the password sent IN CLEAR" :
			 "and the password is not sent");
		return ROLE_WARN;
	}
	snprintf(buf, cap, "%s, certificate and host name verified",
		 ssl ? "TLS from the first byte" : "STARTTLS required");
	return ROLE_OK;
}

static void
draw_notes(struct ui *ui, struct connform *f)
{
	const int width = COLS - FORM_COL_FIELD - 1;
	char plan[256];
	enum theme_role role;

	draw_text(stdscr, FORM_ROW_HOSTINFO, FORM_COL_FIELD, width,
		  f->host_info, ui_attr(ui, f->host_ok ? ROLE_DIM :
					ROLE_FAIL));
	if (f->pw_note[0] != '\0')
		draw_text(stdscr, fdefs[F_PASSWORD].row, FORM_COL_FIELD +
			  fdefs[F_PASSWORD].width + 1, COLS -
			  FORM_COL_FIELD - fdefs[F_PASSWORD].width - 2,
			  f->pw_note, ui_attr(ui, ROLE_DIM));
	if (!f->choice[F_ADVANCED]) {
		draw_text(stdscr, 12, 4, COLS - 6, "Host takes every host "
			  "form of make-imap-connection; what it says",
			  ui_attr(ui, ROLE_DIM));
		draw_text(stdscr, 13, 4, COLS - 6, "(port, TLS, user) fills "
			  "the fields.  Enter connects from any field.",
			  ui_attr(ui, ROLE_DIM));
		draw_text(stdscr, 14, 4, COLS - 6, "Not sure of the port or "
			  "TLS?  F5 finds where the server answers.",
			  ui_attr(ui, ROLE_DIM));
	}
	draw_text(stdscr, FORM_ROW_HELP, FORM_COL_LABEL, COLS - 4,
		  fdefs[cur_id(f)].help, ui_attr(ui, ROLE_DIM));
	role = plan_line(f, plan, sizeof(plan));
	draw_text(stdscr, FORM_ROW_PLAN, FORM_COL_LABEL, COLS - 4, plan,
		  ui_attr(ui, role));
}

/* Blank the screen around the fields, which libform keeps drawn. */
static void
clear_around_fields(struct connform *f)
{
	for (int y = 1; y < LINES - 1; y++) {
		int x = 0;

		for (int i = 0; i < F_COUNT; i++) {
			const struct fdef *d = &fdefs[i];

			if (d->row != y
			    || (d->advanced && !f->choice[F_ADVANCED]))
				continue;
			draw_fill(stdscr, y, x, d->fcol - x, 0);
			x = d->fcol + d->width;
		}
		draw_fill(stdscr, y, x, COLS - x, 0);
	}
}

static void
connform_draw(struct ui *ui)
{
	struct connform *f = ui->form;

	if (f->form == NULL) {
		ui_draw_frame(ui, "connect to an IMAP server");
		draw_text(stdscr, 2, 2, COLS - 4, "out of memory",
			  ui_attr(ui, ROLE_FAIL));
		return;
	}
	set_backgrounds(ui, f);
	if (!f->posted)
		repost(f);
	else
		clear_around_fields(f);
	ui_draw_bars(ui, "connect to an IMAP server");
	draw_labels(ui, f);
	draw_notes(ui, f);
	if (f->posted && fdefs[cur_id(f)].kind != FK_CHOICE) {
		pos_form_cursor(f->form);
		curs_set(1);
	}
}

static const struct ui_binding connform_bindings[] = {
	{ { '\r', '\n', UI_KEY(KEY_ENTER) }, "Enter",
	  "connect with these settings", ui_connect, "connect" },
	{ { '\t', UI_KEY(KEY_DOWN) }, "Tab", "next field (also Down)",
	  next_field, NULL },
	{ { UI_KEY(KEY_BTAB), UI_KEY(KEY_UP) }, "S-Tab",
	  "previous field (also Up)", prev_field, NULL },
	{ { ' ' }, "Space", "change a choice (also Left, Right)",
	  cycle_choice, "change" },
	{ { UI_KEY(KEY_F(2)), UI_CTRL('t') }, "F2",
	  "show or hide the advanced TLS settings (also Ctrl-T)",
	  toggle_advanced, "advanced" },
	{ { UI_KEY(KEY_F(5)), UI_CTRL('g') }, "F5",
	  "detect: probe the Host's ports and TLS (also Ctrl-G)",
	  detectview_open, "detect" },
	{ { UI_KEY(KEY_F(1)), '?' }, "F1",
	  "these keys (? too, outside text fields)", ui_show_help, "help" },
	{ { UI_KEY(KEY_F(10)), 'q', UI_CTRL('q') }, "F10",
	  "quit (q too, outside text fields)", ui_quit, "quit" },
	{ { UI_ESC }, "Esc", "nothing to cancel here", escape_hint, NULL },
	{ { 0 }, "Ctrl-U", "clear the field", NULL, NULL },
	{ { 0 }, "Ctrl-K", "clear to the end of the field", NULL, NULL },
	{ { 0 }, "Ctrl-W", "delete the word before the cursor", NULL,
	  NULL },
	{ { 0 }, NULL, NULL, NULL, NULL }
};

const struct ui_screen connform_screen = {
	.title = "connection form",
	.enter = connform_enter,
	.draw = connform_draw,
	.key = connform_key,
	.on_event = NULL,
	.list = NULL,
	.bindings = connform_bindings,
};
