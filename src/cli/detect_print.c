/* detect_print.c - --detect on the command line: collect with the
 * options given, then show the result as a table or as JSON. */
#include <stdlib.h>
#include <string.h>

#include "ac_config.h"
#include "detect_print.h"
#include "export.h"
#include "json.h"
#include "options.h"
#include "tls.h"

static const char *
origin_key(enum detect_origin o)
{
	static const char *const keys[] = {
		[DETECT_FROM_SRV] = "srv",
		[DETECT_FROM_NAME] = "name",
		[DETECT_FROM_GUESS] = "guess",
		[DETECT_FROM_AUTOCONFIG] = "autoconfig",
		[DETECT_FROM_AUTOCONFIG_HTTP] = "autoconfig-http",
		[DETECT_FROM_MX] = "mx",
	};

	return keys[o];
}

/* The command that connects as recommended. */
static void
print_command(const struct detect_result *r, const struct detect_probe *p,
	      FILE *out)
{
	const struct tls_opts *t = &r->params.tls;
	const char *user = detect_probe_user(r, (size_t)(p - r->probes));

	fprintf(out, "imapconn --check %s", p->implicit_tls ? "--ssl" :
		"--starttls");
	if (t->ca_file[0] != '\0') {
		fputs(" --ca-file ", out);
		export_shell_quote(out, t->ca_file);
	}
	if (t->ca_dir[0] != '\0') {
		fputs(" --ca-dir ", out);
		export_shell_quote(out, t->ca_dir);
	}
	if ((!r->name_is_ip || t->server_name[0] != '\0')
	    && strcasecmp(p->check_name, p->host) != 0) {
		fputs(" --server-name ", out);
		export_shell_quote(out, p->check_name);
	}
	fputs(" -u ", out);
	if (user != NULL)
		export_shell_quote(out, user);
	else
		fputs("USER", out);
	fprintf(out, strchr(p->host, ':') ? " '[%s]:%u'" : " %s:%u",
		p->host, p->port);
}

static void
text_srv(const struct detect_result *r, FILE *out)
{
	if (r->name_is_ip) {
		fprintf(out, "SRV records: none looked up (%s is an "
			"address)\n", r->params.name);
		return;
	}
	fprintf(out, "SRV records (RFC 6186):\n");
	for (int i = 0; i < 2; i++)
		fprintf(out, "  %-28s %s (%lld ms)\n",
			r->srv_status[i].qname, r->srv_status[i].text,
			(long long)r->srv_status[i].ms);
	for (size_t i = 0; i < r->nsrv; i++) {
		const struct detect_srv *s = &r->srv[i];

		fprintf(out, "    %s priority %u weight %u: %s port %u\n",
			s->implicit_tls ? "_imaps" : "_imap ", s->priority,
			s->weight, s->none ? "." : s->target, s->port);
	}
}

/* What each autoconfig source said, and the servers it named. */
static void
text_autoconfig(const struct detect_result *r, FILE *out)
{
	if (!r->ac_asked)
		return;
	fprintf(out, "Autoconfiguration for %s (as Thunderbird looks it "
		"up):\n", r->ac.email);
	for (size_t k = 0; k < AC_KIND_COUNT; k++) {
		const struct autoconfig_source *s = &r->ac.src[k];

		fprintf(out, "  %-16s %s%s\n    %s (%lld ms)\n",
			autoconfig_kind_key(s->kind), s->where,
			s->kind == AC_AUTOCONFIG_HTTP ? " (not authenticated)"
			: "", s->said, (long long)s->ms);
		for (size_t i = 0; i < s->n; i++) {
			const struct clientconfig_server *sv = &s->servers[i];

			fprintf(out, "      %s port %u, %s%s%s%s%s\n", sv->host,
				sv->port, clientconfig_socket_words(sv->socket),
				sv->username[0] ? ", user " : "", sv->username,
				sv->auth[0] ? ", login " : "", sv->auth);
		}
	}
}

static void
text_notes(const struct detect_result *r, FILE *out)
{
	const char *name = r->params.name;
	char trust[3 * CONFIG_PATH_MAX];

	detect_trust_words(r, trust, sizeof(trust));
	fprintf(out, "Certificates: %s.\n", trust);

	if (r->name_is_ip)
		fprintf(out, "No credentials are sent.  Certificates are "
			"checked for the address %s.\n", name);
	else
		fprintf(out, "No credentials are sent.  Certificates are "
			"checked for %s as typed\n(imap.%s and mail.%s for "
			"themselves), never for a name\nlearned from DNS.\n",
			name, name, name);
	for (size_t i = 0; i < r->n; i++) {
		const struct detect_probe *p = &r->probes[i];

		if (p->origin != DETECT_FROM_SRV ||
		    (i > 0 && strcmp(r->probes[i - 1].host, p->host) == 0))
			continue;
		fprintf(out, "note: the SRV target %s differs from %s: its "
			"certificate is checked for %s, since\n  a name "
			"learned from DNS is not trusted without DNSSEC (RFC "
			"7817).\n", p->host, r->params.name, p->check_name);
	}
}

static void
text_table(const struct detect_result *r, FILE *out)
{
	int w = 4;

	for (size_t i = 0; i < r->n; i++)
		if ((int)strlen(r->probes[i].host) > w)
			w = (int)strlen(r->probes[i].host);
	fprintf(out, "\n  %-*s  %5s  %-12s  %-19s  %-7s  %s\n", w, "host",
		"port", "mode", "result", "TLS", "authentication");
	for (size_t i = 0; i < r->n; i++) {
		const struct detect_probe *p = &r->probes[i];
		char res[40];

		detect_result_words(p, res, sizeof(res));
		fprintf(out, "  %-*s  %5u  %-12s  %-19s  %-7s  %s%s\n", w,
			p->host, p->port, detect_mode_words(p->implicit_tls), res,
			p->tls_version[0] ? p->tls_version : "-",
			p->auth[0] ? p->auth : "-",
			p->login_disabled ? " (LOGINDISABLED)" : "");
	}
}

static const char *
probe_detail(const struct detect_probe *p)
{
	return p->detail;
}

static const char *
probe_server(const struct detect_probe *p)
{
	return p->server;
}

/* A section of one line per probe that has something to say: the
 * failure details, or what each server calls itself in its ID answer. */
static void
text_per_probe(const struct detect_result *r, FILE *out, const char *title,
	       const char *(*what)(const struct detect_probe *))
{
	bool header = false;

	for (size_t i = 0; i < r->n; i++) {
		const struct detect_probe *p = &r->probes[i];
		const char *text = what(p);

		if (text[0] == '\0')
			continue;
		if (!header)
			fprintf(out, "\n%s\n", title);
		header = true;
		fprintf(out, "  %s port %u, %s: %s\n", p->host, p->port,
			detect_mode_words(p->implicit_tls), text);
	}
}

static void
text_recommendation(const struct detect_result *r, FILE *out)
{
	const struct detect_probe *p;
	char from[400];

	if (r->recommended < 0) {
		fprintf(out, "\nrecommended: none: nothing answered over TLS "
			"with a verified certificate\n");
		for (size_t i = 0; i < r->n; i++)
			if (r->probes[i].outcome == DETECT_CERT) {
				char advice[256];

				detect_cert_advice(r, "--ca-file", advice,
						   sizeof(advice));
				fprintf(out, "hint: %s\n", advice);
				break;
			}
		return;
	}
	p = &r->probes[r->recommended];
	detect_probe_source(r, (size_t)r->recommended, from, sizeof(from));
	fprintf(out, "\nrecommended: %s port %u, %s, certificate verified "
		"for %s\n  (RFC 8314: implicit TLS first)\n  from %s\n  ",
		p->host, p->port, detect_mode_words(p->implicit_tls),
		p->check_name, from);
	print_command(r, p, out);
	fputc('\n', out);
}

void
detect_print_text(const struct detect_result *r, FILE *out)
{
	fprintf(out, "imapconn --detect %s: %zu probes, %g s per wait, %lld "
		"ms in all\n", r->params.name, r->n, r->params.timeout_s,
		(long long)r->total_ms);
	text_srv(r, out);
	text_autoconfig(r, out);
	text_notes(r, out);
	text_table(r, out);
	text_per_probe(r, out, "details", probe_detail);
	text_per_probe(r, out, "servers, as their ID answers name them",
		       probe_server);
	text_recommendation(r, out);
}

static void
json_srv(struct json *j, const struct detect_result *r)
{
	json_arr_open(j, "srv_lookups");
	for (int i = 0; i < 2 && !r->name_is_ip; i++) {
		json_obj_open(j, NULL);
		json_str(j, "name", r->srv_status[i].qname);
		json_int(j, "records", r->srv_status[i].found);
		json_str(j, "result", r->srv_status[i].text);
		json_int(j, "ms", r->srv_status[i].ms);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_arr_open(j, "srv_records");
	for (size_t i = 0; i < r->nsrv; i++) {
		const struct detect_srv *s = &r->srv[i];

		json_obj_open(j, NULL);
		json_str(j, "service", s->implicit_tls ? "imaps" : "imap");
		json_int(j, "priority", s->priority);
		json_int(j, "weight", s->weight);
		json_int(j, "port", s->port);
		json_str(j, "target", s->none ? "." : s->target);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void
json_ac_server(struct json *j, const struct clientconfig_server *sv)
{
	json_obj_open(j, NULL);
	json_str(j, "host", sv->host);
	json_int(j, "port", sv->port);
	json_str(j, "mode", sv->socket == CC_SSL ? "implicit-tls" :
		 sv->socket == CC_STARTTLS ? "starttls" : "plain");
	json_str(j, "username", sv->username[0] ? sv->username : NULL);
	json_str(j, "authentication", sv->auth[0] ? sv->auth : NULL);
	json_obj_close(j);
}

/* Each autoconfig source: where, what it said, the servers named. */
static void
json_autoconfig(struct json *j, const struct detect_result *r)
{
	if (!r->ac_asked) {
		json_null(j, "autoconfig");
		return;
	}
	json_obj_open(j, "autoconfig");
	json_str(j, "address", r->ac.email);
	json_arr_open(j, "sources");
	for (size_t k = 0; k < AC_KIND_COUNT; k++) {
		const struct autoconfig_source *s = &r->ac.src[k];

		json_obj_open(j, NULL);
		json_str(j, "source", autoconfig_kind_key(s->kind));
		json_str(j, "where", s->where);
		json_bool(j, "authenticated", s->authenticated);
		json_str(j, "result", s->said);
		json_int(j, "ms", s->ms);
		json_arr_open(j, "servers");
		for (size_t i = 0; i < s->n; i++)
			json_ac_server(j, &s->servers[i]);
		json_arr_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

static void
json_auth(struct json *j, const char *auth)
{
	json_arr_open(j, "auth");
	for (const char *w = auth; *w != '\0'; w += strspn(w, " ")) {
		size_t n = strcspn(w, " ");

		json_strn(j, NULL, w, n);
		w += n;
	}
	json_arr_close(j);
}

static void
json_probe(struct json *j, const struct detect_probe *p)
{
	json_obj_open(j, NULL);
	json_str(j, "host", p->host);
	json_str(j, "origin", origin_key(p->origin));
	json_int(j, "port", p->port);
	json_str(j, "mode", p->implicit_tls ? "implicit-tls" : "starttls");
	json_str(j, "checked_name", p->check_name);
	json_str(j, "result", detect_outcome_key(p->outcome));
	json_str(j, "detail", p->detail[0] ? p->detail : NULL);
	json_str(j, "tls_version", p->tls_version[0] ? p->tls_version :
		 NULL);
	json_bool(j, "verified", p->verified);
	json_auth(j, p->auth);
	json_bool(j, "login_disabled", p->login_disabled);
	json_str(j, "server", p->server[0] ? p->server : NULL);
	json_int(j, "ms", p->ms);
	json_obj_close(j);
}

static void
json_recommended(struct json *j, const struct detect_result *r)
{
	const struct detect_probe *p;
	char from[400];
	char *cmd = NULL;
	size_t len = 0;
	FILE *mem;

	if (r->recommended < 0) {
		json_null(j, "recommended");
		return;
	}
	p = &r->probes[r->recommended];
	mem = open_memstream(&cmd, &len);
	if (mem != NULL) {
		print_command(r, p, mem);
		fclose(mem);
	}
	json_obj_open(j, "recommended");
	json_str(j, "host", p->host);
	json_int(j, "port", p->port);
	json_str(j, "mode", p->implicit_tls ? "implicit-tls" : "starttls");
	json_str(j, "checked_name", p->check_name);
	detect_probe_source(r, (size_t)r->recommended, from, sizeof(from));
	json_str(j, "source", from);
	json_str(j, "command", cmd);
	json_obj_close(j);
	free(cmd);
}

void
detect_print_json(const struct detect_result *r, FILE *out)
{
	struct json j;

	json_begin(&j, out);
	json_obj_open(&j, NULL);
	json_str(&j, "imapconn", PACKAGE_VERSION);
	json_str(&j, "name", r->params.name);
	json_bool(&j, "name_is_address", r->name_is_ip);
	json_int(&j, "timeout_ms", (long long)(r->params.timeout_s * 1000));
	json_int(&j, "total_ms", r->total_ms);
	json_srv(&j, r);
	json_autoconfig(&j, r);
	json_arr_open(&j, "probes");
	for (size_t i = 0; i < r->n; i++)
		json_probe(&j, &r->probes[i]);
	json_arr_close(&j);
	json_recommended(&j, r);
	json_obj_close(&j);
	json_end(&j);
}

int
detect_print_run(const struct options *o, FILE *out)
{
	struct detect_params p;
	struct detect_result *r = malloc(sizeof(*r));
	int rc;

	if (r == NULL) {
		fprintf(stderr, "imapconn: out of memory\n");
		return 70;
	}
	memset(&p, 0, sizeof(p));
	/* detect_collect() drops a trailing dot. */
	snprintf(p.name, sizeof(p.name), "%s", o->detect_name);
	p.port_tls = o->detect_port_tls ? o->detect_port_tls : 993;
	p.port_starttls = o->detect_port_starttls ? o->detect_port_starttls :
	    143;
	p.timeout_s = o->timeout_given ? o->cfg.timeout_s : DETECT_TIMEOUT_S;
	p.tls = o->cfg.ep.tls;
	rc = detect_collect(&p, -1, r);
	tls_opts_wipe(&p.tls);
	if (rc != 0) {
		fprintf(stderr, "imapconn: out of memory\n");
		free(r);
		return 70;
	}
	if (o->json)
		detect_print_json(r, out);
	else
		detect_print_text(r, out);
	rc = r->recommended >= 0 ? 0 : 69;
	free(r);
	return rc;
}
