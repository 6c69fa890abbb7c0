/* dryrun.c - --dry-run: print the endpoint and the phases that would
 * run, as text or JSON, and connect to nothing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dryrun.h"
#include "escape.h"
#include "json.h"
#include "phase.h"
#include "tunnel.h"

#define PLAN_MAX 12

struct plan_step {
	enum phase phase;
	char what[256];
};

struct plan {
	size_t n;
	struct plan_step step[PLAN_MAX];
};

static void
plan_add(struct plan *pl, enum phase p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
plan_add(struct plan *pl, enum phase p, const char *fmt, ...)
{
	struct plan_step *s = &pl->step[pl->n++];
	va_list ap;

	s->phase = p;
	va_start(ap, fmt);
	vsnprintf(s->what, sizeof(s->what), fmt, ap);
	va_end(ap);
}

static const char *
kind_name(enum addr_kind k)
{
	switch (k) {
	case ADDR_IPV4:
		return "IPv4 address";
	case ADDR_IPV6:
		return "IPv6 address";
	case ADDR_NAME:
		break;
	}
	return "host name";
}

static const char *
port_source(const struct endpoint *ep)
{
	if (ep->port != 0)
		return "given";
	return ep->ssl ? "default for implicit TLS" : "default";
}

static const char *
tls_name_checked(const struct endpoint *ep)
{
	return ep->tls.server_name[0] ? ep->tls.server_name : ep->host;
}

static void
plan_tls_steps(const struct conn_config *c, struct plan *pl)
{
	const struct endpoint *ep = &c->ep;
	char name[CONFIG_HOST_MAX * 4];

	escape_line(tls_name_checked(ep), strlen(tls_name_checked(ep)), name,
		    sizeof(name));
	if (ep->ssl)
		plan_add(pl, PHASE_TLS, "TLS handshake, certificate checked "
			 "for %s", ep->tls.verify ? name :
			 "nothing (--insecure)");
	plan_add(pl, PHASE_GREETING, "wait for the greeting (OK, PREAUTH or "
		 "BYE)");
	plan_add(pl, PHASE_CAPABILITY, "CAPABILITY, unless the greeting "
		 "carries them");
	if (ep->starttls == STARTTLS_OFF)
		return;
	if (ep->ssl) {
		plan_add(pl, PHASE_STARTTLS, "skipped: implicit TLS is "
			 "already on (SSL first, as the reference does)");
		return;
	}
	plan_add(pl, PHASE_STARTTLS, "STARTTLS (%s), then a TLS handshake",
		 starttls_mode_name(ep->starttls));
	plan_add(pl, PHASE_CAPABILITY_TLS, "CAPABILITY again, forgetting "
		 "what was said before TLS");
}

static void
plan_connect(const struct endpoint *ep, struct plan *pl)
{
	char u[CONFIG_HOST_UNICODE_MAX];

	escape_text(ep->host_unicode, strlen(ep->host_unicode), u,
		    sizeof(u));
	if (ep->kind == ADDR_NAME)
		plan_add(pl, PHASE_RESOLVE, "look up %s%s%s%s (IPv6 and "
			 "IPv4)", ep->host, u[0] ? ", written " : "", u,
			 u[0] ? "," : "");
	else
		plan_add(pl, PHASE_RESOLVE, "none: an address literal");
	plan_add(pl, PHASE_CONNECT, "TCP to port %u, each address in turn "
		 "(250 ms head start each)", endpoint_port(ep));
}

static void
plan_build(const struct conn_config *c, struct plan *pl)
{
	const struct endpoint *ep = &c->ep;
	char user[128];

	escape_line(c->user, strlen(c->user), user, sizeof(user));
	pl->n = 0;
	if (c->tunnel[0] != '\0')
		plan_add(pl, PHASE_TUNNEL, "run the command with /bin/sh -c; "
			 "its standard input and output carry IMAP (no lookup,"
			 " no TCP)");
	else
		plan_connect(ep, pl);
	plan_tls_steps(c, pl);
	if (c->user[0] != '\0')
		plan_add(pl, PHASE_AUTH, "log in as %s (AUTHENTICATE PLAIN or "
			 "LOGIN; never without TLS unless %s)", user,
			 c->tunnel[0] ? "over the tunnel, trusted as ssh is" :
			 "--allow-plaintext-auth");
	else
		plan_add(pl, PHASE_AUTH, "skipped: no user given");
	plan_add(pl, PHASE_LIST, "%sLIST \"\" \"*\"", c->user[0] ? "" :
		 "only after PREAUTH: ");
	if (c->select[0] != '\0')
		plan_add(pl, PHASE_SELECT, "%s", c->select_rw ?
			 "SELECT the mailbox (read-write)" :
			 "EXAMINE the mailbox (read-only)");
	plan_add(pl, PHASE_LOGOUT, "LOGOUT");
	if (c->tunnel[0] != '\0')
		plan_add(pl, PHASE_TUNNEL_EXIT, "wait for the command to exit "
			 "(%d s), then end it; report its exit status",
			 TUNNEL_GRACE_MS / 1000);
}

/* One "  label value" line; the value is the user's and may hold
 * anything, so it is escaped; empty shows as "(none)". */
static void
print_field(FILE *out, const char *label, const char *value,
	    const char *suffix)
{
	char buf[CONFIG_PATH_MAX * 4];

	if (value[0] == '\0')
		snprintf(buf, sizeof(buf), "(none)");
	else
		escape_line(value, strlen(value), buf, sizeof(buf));
	fprintf(out, "  %-13s %s%s\n", label, buf, suffix);
}

static void
print_tls_text(const struct tls_opts *t, FILE *out)
{
	fprintf(out, "  verify:       %s\n", t->verify ? "on" :
		"OFF (--insecure: the certificate is not checked)");
	fprintf(out, "  TLS versions: %s to %s\n",
		t->min_version == TLSV_DEFAULT ? "1.2" :
		tls_version_name(t->min_version),
		t->max_version == TLSV_DEFAULT ? "1.3" :
		tls_version_name(t->max_version));
	print_field(out, "CA file:", t->ca_file, "");
	print_field(out, "CA dir:", t->ca_dir, "");
	print_field(out, "server name:", t->server_name, "");
	print_field(out, "client cert:", t->cert_file, "");
	print_field(out, "client key:", t->key_file,
		    t->key_password[0] || t->key_password_file[0] ?
		    " (with a password)" : "");
	print_field(out, "CRL file:", t->crl_file, "");
	print_field(out, "ciphers:", t->ciphers, "");
	print_field(out, "ciphersuites:", t->ciphersuites, "");
	print_field(out, "pinned keys:", t->pin, "");
	if (t->verify_depth >= 0)
		fprintf(out, "  verify depth: %d\n", t->verify_depth);
}

/* The host; an international name in both forms. */
static void
print_host(const struct endpoint *ep, FILE *out)
{
	char u[CONFIG_HOST_UNICODE_MAX * 4];

	fprintf(out, "  host:         %s (%s)\n", ep->host,
		kind_name(ep->kind));
	if (ep->host_unicode[0] == '\0')
		return;
	escape_text(ep->host_unicode, strlen(ep->host_unicode), u,
		    sizeof(u));
	fprintf(out, "  written:      %s (A-labels above are looked up and "
		"checked in the certificate)\n", u);
}

static void
print_tunnel(const struct conn_config *c, FILE *out)
{
	char cmd[TUNNEL_SHOWN_MAX];

	tunnel_command_shown(c->tunnel, c->user, c->password, cmd,
			     sizeof(cmd));
	fprintf(out, "  tunnel:       %s\n", cmd);
	print_field(out, "host:", c->ep.host, "");
}

static void
print_text(const struct options *o, const struct plan *pl, FILE *out)
{
	const struct conn_config *c = &o->cfg;
	const struct endpoint *ep = &c->ep;

	fprintf(out, "endpoint\n");
	if (c->tunnel[0] != '\0')
		print_tunnel(c, out);
	else
		print_host(ep, out);
	if (c->tunnel[0] == '\0')
		fprintf(out, "  port:         %u (%s)\n", endpoint_port(ep),
			port_source(ep));
	fprintf(out, "  implicit TLS: %s\n", ep->ssl ? "yes" : "no");
	fprintf(out, "  STARTTLS:     %s\n", starttls_mode_name(ep->starttls));
	print_tls_text(&ep->tls, out);
	print_field(out, "user:", c->user, "");
	print_field(out, "mailbox:", c->select, "");
	fprintf(out, "  timeout:      %g s for each wait\n", c->timeout_s);
	if (!ep->ssl && ep->starttls != STARTTLS_REQUIRED && !c->tunnel[0])
		fprintf(out, "  warning:      the connection %s unencrypted"
			"%s\n", ep->starttls == STARTTLS_OFF ? "stays" :
			"may stay", c->allow_plaintext_auth ?
			", and the password may be sent in clear" :
			"; no password is sent over it");
	fprintf(out, "phases\n");
	for (size_t i = 0; i < pl->n; i++)
		fprintf(out, "  %zu. %-14s %s\n", i + 1,
			phase_name(pl->step[i].phase), pl->step[i].what);
}

static void
print_tls_json(struct json *j, const struct tls_opts *t)
{
	json_obj_open(j, "tls");
	json_bool(j, "verify", t->verify);
	json_str(j, "min_version", t->min_version == TLSV_DEFAULT ? "1.2" :
		 tls_version_name(t->min_version));
	json_str(j, "max_version", t->max_version == TLSV_DEFAULT ? "1.3" :
		 tls_version_name(t->max_version));
	json_str(j, "ca_file", t->ca_file[0] ? t->ca_file : NULL);
	json_str(j, "ca_dir", t->ca_dir[0] ? t->ca_dir : NULL);
	json_str(j, "server_name", t->server_name[0] ? t->server_name : NULL);
	json_str(j, "cert_file", t->cert_file[0] ? t->cert_file : NULL);
	json_str(j, "key_file", t->key_file[0] ? t->key_file : NULL);
	json_str(j, "crl_file", t->crl_file[0] ? t->crl_file : NULL);
	json_str(j, "ciphers", t->ciphers[0] ? t->ciphers : NULL);
	json_str(j, "ciphersuites", t->ciphersuites[0] ? t->ciphersuites :
		 NULL);
	json_int(j, "verify_depth", t->verify_depth);
	json_str(j, "pin", t->pin[0] ? t->pin : NULL);
	json_obj_close(j);
}

void
dryrun_endpoint_json(struct json *j, const struct conn_config *c)
{
	const struct endpoint *ep = &c->ep;

	char cmd[TUNNEL_SHOWN_MAX];

	tunnel_command_shown(c->tunnel, c->user, c->password, cmd,
			     sizeof(cmd));
	json_obj_open(j, "endpoint");
	json_str(j, "host", ep->host);
	json_str(j, "host_unicode", ep->host_unicode[0] ? ep->host_unicode :
		 NULL);
	json_str(j, "tunnel", c->tunnel[0] ? cmd : NULL);
	json_str(j, "address_kind", ep->kind == ADDR_NAME ? "name" :
		 ep->kind == ADDR_IPV4 ? "ipv4" : "ipv6");
	json_int(j, "port", endpoint_port(ep));
	json_bool(j, "port_given", ep->port != 0);
	json_bool(j, "implicit_tls", ep->ssl);
	json_str(j, "starttls", starttls_mode_name(ep->starttls));
	print_tls_json(j, &ep->tls);
	json_str(j, "user", c->user[0] ? c->user : NULL);
	json_str(j, "mailbox", c->select[0] ? c->select : NULL);
	json_bool(j, "allow_plaintext_auth", c->allow_plaintext_auth);
	json_int(j, "timeout_ms", (long long)(c->timeout_s * 1000 + 0.5));
	json_obj_close(j);
}

static void
print_json(const struct options *o, const struct plan *pl, FILE *out)
{
	struct json j;

	json_begin(&j, out);
	json_obj_open(&j, NULL);
	dryrun_endpoint_json(&j, &o->cfg);
	json_arr_open(&j, "phases");
	for (size_t i = 0; i < pl->n; i++) {
		json_obj_open(&j, NULL);
		json_str(&j, "phase", phase_name(pl->step[i].phase));
		json_str(&j, "what", pl->step[i].what);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

int
dryrun_print(const struct options *o, FILE *out)
{
	struct plan pl;

	plan_build(&o->cfg, &pl);
	if (o->json)
		print_json(o, &pl, out);
	else
		print_text(o, &pl, out);
	return 0;
}
