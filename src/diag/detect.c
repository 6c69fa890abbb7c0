/* detect.c - --detect: SRV records and the usual names, probed in
 * parallel without credentials (detect_print.c shows the result). */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "detect.h"
#include "escape.h"
#include "event.h"
#include "hostname.h"
#include "session.h"
#include "thread.h"
#include "tls.h"

/* ---- names ---------------------------------------------------------- */

static bool
is_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

static enum addr_kind
address_kind(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, buf) == 1)
		return ADDR_IPV4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return ADDR_IPV6;
	return ADDR_NAME;
}

/* An address "local@domain": a local part of visible characters and
 * a domain name. */
static bool
is_email(const char *s)
{
	const char *at = strrchr(s, '@');

	if (at == NULL || at == s)
		return false;
	for (const char *p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	return hostname_valid(at + 1);
}

int
detect_name_check(const char *name, char *err, size_t errcap)
{
	char shown[200];

	if (is_address(name) || hostname_valid(name) || is_email(name))
		return 0;
	escape_text(name, strlen(name), shown, sizeof(shown));
	snprintf(err, errcap, "--detect '%s': expected a domain or host "
		 "name (like example.com), an address (alice@example.com) or "
		 "an IP address", shown);
	return -1;
}

/* Copy a name without its trailing dot. */
static void
copy_name(char *dst, size_t cap, const char *src)
{
	size_t len = strlen(src);

	if (len > 1 && src[len - 1] == '.')
		len--;
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* ---- SRV answers ---------------------------------------------------- */

/* Whether a sorts before b: lower priority, then heavier weight. */
static bool
srv_before(const struct detect_srv *a, const struct detect_srv *b)
{
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->weight > b->weight;
}

/* Insert rec into the sorted out[0..*n), keeping at most cap. */
static void
srv_insert(struct detect_srv *out, size_t *n, size_t cap,
	   const struct detect_srv *rec)
{
	size_t i = *n;

	if (cap == 0)
		return;
	if (*n == cap) {
		if (!srv_before(rec, &out[cap - 1]))
			return;
		i = cap - 1;
	} else {
		(*n)++;
	}
	for (; i > 0 && srv_before(rec, &out[i - 1]); i--)
		out[i] = out[i - 1];
	out[i] = *rec;
}

/* One SRV record's rdata: 0 (rec filled), 1 (skip it) or -1 (bad). */
static int
srv_rdata(const ns_msg *h, const ns_rr *rr, struct detect_srv *rec)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	char target[NS_MAXDNAME];
	int used;

	if (ns_rr_rdlen(*rr) < 7)
		return -1;
	rec->priority = ns_get16(rd);
	rec->weight = ns_get16(rd + 2);
	rec->port = ns_get16(rd + 4);
	used = dn_expand(ns_msg_base(*h), ns_msg_end(*h), rd + 6, target,
			 sizeof(target));
	if (used < 0 || 6 + (size_t)used > ns_rr_rdlen(*rr))
		return -1;
	if (target[0] == '\0' || strcmp(target, ".") == 0) {
		rec->none = true;
		rec->target[0] = '\0';
		return 0;
	}
	if (rec->port == 0 || !hostname_valid(target))
		return 1;
	copy_name(rec->target, sizeof(rec->target), target);
	return 0;
}

int
detect_srv_parse(const unsigned char *msg, size_t len, const char *qname,
		 bool implicit_tls, struct detect_srv *out, size_t cap)
{
	ns_msg h;
	size_t n = 0;

	if (len > NS_MAXMSG || ns_initparse(msg, (int)len, &h) < 0)
		return -1;
	if (ns_msg_getflag(h, ns_f_rcode) != ns_r_noerror)
		return 0;
	for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
		struct detect_srv rec;
		ns_rr rr;
		int rc;

		if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
			return -1;
		if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in ||
		    strcasecmp(ns_rr_name(rr), qname) != 0)
			continue;
		memset(&rec, 0, sizeof(rec));
		rec.implicit_tls = implicit_tls;
		rc = srv_rdata(&h, &rr, &rec);
		if (rc < 0)
			return -1;
		if (rc == 0)
			srv_insert(out, &n, cap, &rec);
	}
	return (int)n;
}

/* ---- SRV lookups ---------------------------------------------------- */

/* One lookup, run on its own thread with its own resolver state. */
struct srv_job {
	char qname[CONFIG_HOST_MAX + 16];
	bool implicit_tls;
	double timeout_s;
	struct detect_srv recs[DETECT_SRV_MAX];
	int n;			/* records, or -1 */
	int herr;		/* h_errno of a failed query */
	bool malformed;
	int64_t ms;
};

/* Bound the query by the timeout: one try per name server, the
 * timeout shared among them (glibc waits retrans s per server). */
static void
bound_resolver(struct __res_state *rs, double timeout_s)
{
	int ns = rs->nscount > 0 ? rs->nscount : 1;
	int secs = (int)(timeout_s / ns);

	rs->retrans = secs > 0 ? secs : 1;
	rs->retry = 1;
}

static void *
srv_lookup(void *arg)
{
	struct srv_job *j = arg;
	struct __res_state rs;
	unsigned char *ans = malloc(NS_MAXMSG);
	int64_t t0 = clock_ms();
	int len;

	j->n = -1;
	j->herr = NETDB_INTERNAL;
	memset(&rs, 0, sizeof(rs));
	if (ans != NULL && res_ninit(&rs) == 0) {
		bound_resolver(&rs, j->timeout_s);
		len = res_nquery(&rs, j->qname, ns_c_in, ns_t_srv, ans,
				 NS_MAXMSG);
		if (len < 0)
			j->herr = rs.res_h_errno;
		else
			j->n = detect_srv_parse(ans, len > NS_MAXMSG ?
						NS_MAXMSG : (size_t)len,
						j->qname, j->implicit_tls,
						j->recs, DETECT_SRV_MAX);
		j->malformed = len >= 0 && j->n < 0;
		res_nclose(&rs);
	}
	free(ans);
	j->ms = clock_ms() - t0;
	return NULL;
}

static const struct {
	int herr;
	const char *text;
} herr_texts[] = {
	{ HOST_NOT_FOUND, "no SRV records (the name does not exist)" },
	{ NO_DATA, "no SRV records" },
	{ TRY_AGAIN, "no SRV records (DNS did not answer)" },
	{ NO_RECOVERY, "no SRV records (DNS refused the query)" },
};

static void
srv_status_text(const struct srv_job *j, struct detect_srv_status *st)
{
	const char *text = "no SRV records (the lookup failed)";

	snprintf(st->qname, sizeof(st->qname), "%s", j->qname);
	st->ms = j->ms;
	st->found = j->n > 0 ? j->n : 0;
	if (j->n == 1 && j->recs[0].none) {
		snprintf(st->text, sizeof(st->text), "\".\": the domain says "
			 "it offers no IMAP here");
		return;
	}
	if (j->n > 0) {
		snprintf(st->text, sizeof(st->text), "%d record%s", j->n,
			 j->n == 1 ? "" : "s");
		return;
	}
	if (j->n == 0)
		text = "no SRV records";
	else if (j->malformed)
		text = "no SRV records (the answer was malformed)";
	else
		for (size_t i = 0; i < sizeof(herr_texts) /
		     sizeof(herr_texts[0]); i++)
			if (herr_texts[i].herr == j->herr)
				text = herr_texts[i].text;
	snprintf(st->text, sizeof(st->text), "%s", text);
}

/* Both lookups at once; each is bounded by the timeout. */
static void
lookup_srv(struct detect_result *r)
{
	static const char *const prefix[2] = { "_imaps._tcp.", "_imap._tcp." };
	struct srv_job jobs[2];
	pthread_t th[2];
	bool started[2];

	for (int i = 0; i < 2; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		snprintf(jobs[i].qname, sizeof(jobs[i].qname), "%s%s",
			 prefix[i], r->params.name);
		jobs[i].implicit_tls = i == 0;
		jobs[i].timeout_s = r->params.timeout_s;
		started[i] = thread_start(&th[i], NULL, srv_lookup,
					  &jobs[i]) == 0;
		if (!started[i])
			srv_lookup(&jobs[i]);
	}
	for (int i = 0; i < 2; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		srv_status_text(&jobs[i], &r->srv_status[i]);
		for (int k = 0; k < jobs[i].n; k++)
			r->srv[r->nsrv++] = jobs[i].recs[k];
	}
}

/* ---- the plan ------------------------------------------------------- */

struct cand {
	char host[CONFIG_HOST_MAX];
	enum detect_origin origin;
};

#define CANDS_MAX (2 * DETECT_SRV_MAX + 3)

/* Add host, or make an SRV target the name or a guess; returns the
 * count. */
static size_t
add_cand(struct cand *c, size_t n, const char *host,
	 enum detect_origin origin)
{
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(c[i].host, host) == 0) {
			if (origin != DETECT_FROM_SRV)
				c[i].origin = origin;
			return n;
		}
	}
	if (n == CANDS_MAX)
		return n;
	snprintf(c[n].host, sizeof(c[n].host), "%s", host);
	c[n].origin = origin;
	return n + 1;
}

static size_t
plan_hosts(const struct detect_result *r, struct cand *c)
{
	static const char *const guesses[] = { "imap.", "mail." };
	const char *name = r->params.name;
	size_t n = 0;

	for (size_t i = 0; i < r->nsrv; i++)
		if (!r->srv[i].none)
			n = add_cand(c, n, r->srv[i].target, DETECT_FROM_SRV);
	n = add_cand(c, n, name, DETECT_FROM_NAME);
	if (r->name_is_ip)
		return n;
	for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		char g[CONFIG_HOST_MAX + 8];

		snprintf(g, sizeof(g), "%s%s", guesses[i], name);
		if (hostname_valid(g))
			n = add_cand(c, n, g, DETECT_FROM_GUESS);
	}
	return n;
}

static void
add_probe(struct detect_result *r, const struct cand *c, uint16_t port,
	  bool implicit_tls)
{
	struct detect_probe *p;

	for (size_t i = 0; i < r->n; i++) {
		p = &r->probes[i];
		if (strcasecmp(p->host, c->host) == 0 && p->port == port &&
		    p->implicit_tls == implicit_tls)
			return;
	}
	if (r->n == DETECT_PROBES_MAX)
		return;
	p = &r->probes[r->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->host, sizeof(p->host), "%s", c->host);
	p->port = port;
	p->implicit_tls = implicit_tls;
	p->origin = c->origin;
	/* --server-name, when given, is checked everywhere; else only a
	 * name learned from DNS is checked for the name typed. */
	snprintf(p->check_name, sizeof(p->check_name), "%s",
		 r->params.tls.server_name[0] ? r->params.tls.server_name :
		 c->origin == DETECT_FROM_SRV ? r->params.name : c->host);
}

/* The servers the autoconfig sources named, first, so that a probe
 * they share with a guess is theirs; plain-text ones are not probed. */
static void
plan_autoconfig(struct detect_result *r)
{
	static const enum detect_origin origin[AC_KIND_COUNT] = {
		[AC_AUTOCONFIG] = DETECT_FROM_AUTOCONFIG,
		[AC_WELL_KNOWN] = DETECT_FROM_AUTOCONFIG,
		[AC_ISPDB] = DETECT_FROM_AUTOCONFIG,
		[AC_AUTOCONFIG_HTTP] = DETECT_FROM_AUTOCONFIG_HTTP,
		[AC_MX] = DETECT_FROM_MX,
	};

	for (size_t k = 0; r->ac_asked && k < AC_KIND_COUNT; k++)
		for (size_t i = 0; i < r->ac.src[k].n; i++) {
			const struct clientconfig_server *sv =
				&r->ac.src[k].servers[i];
			struct cand c;

			if (sv->socket == CC_PLAIN)
				continue;
			snprintf(c.host, sizeof(c.host), "%s", sv->host);
			c.origin = origin[k];
			add_probe(r, &c, sv->port, sv->socket == CC_SSL);
		}
}

void
detect_trust_words(const struct detect_result *r, char *buf, size_t cap)
{
	const struct tls_opts *t = &r->params.tls;
	char file[2 * CONFIG_PATH_MAX], dir[2 * CONFIG_PATH_MAX];
	int n;

	escape_text(t->ca_file, strlen(t->ca_file), file, sizeof(file));
	escape_text(t->ca_dir, strlen(t->ca_dir), dir, sizeof(dir));
	n = snprintf(buf, cap, "trusting the system store%s%s%s%s",
		     t->ca_file[0] ? " and --ca-file " : "", file,
		     t->ca_dir[0] ? " and --ca-dir " : "", dir);
	if (n >= 0 && (size_t)n < cap && t->server_name[0] != '\0')
		snprintf(buf + n, cap - (size_t)n, "; every certificate "
			 "checked for %s (--server-name)", t->server_name);
}

void
detect_cert_advice(const struct detect_result *r, const char *ca_field,
		   char *buf, size_t cap)
{
	const struct tls_opts *t = &r->params.tls;

	if (t->ca_file[0] != '\0' || t->ca_dir[0] != '\0')
		snprintf(buf, cap, "certificate problems even with the CAs "
			 "given: see each one (a wrong name, an expired "
			 "certificate, a CA that is not the issuer)");
	else
		snprintf(buf, cap, "certificate problems: a private CA needs "
			 "its file (%s)", ca_field);
}

void
detect_plan(struct detect_result *r)
{
	struct cand c[CANDS_MAX];
	size_t nc = plan_hosts(r, c);

	r->n = 0;
	plan_autoconfig(r);
	for (size_t i = 0; i < nc; i++) {
		add_probe(r, &c[i], r->params.port_tls, true);
		add_probe(r, &c[i], r->params.port_starttls, false);
		for (size_t k = 0; k < r->nsrv; k++)
			if (!r->srv[k].none &&
			    strcasecmp(r->srv[k].target, c[i].host) == 0)
				add_probe(r, &c[i], r->srv[k].port,
					  r->srv[k].implicit_tls);
	}
}

/* ---- probing -------------------------------------------------------- */

static const struct {
	enum fail_class cls;
	enum detect_outcome outcome;
} outcome_map[] = {
	{ FAIL_TLS_VERIFY, DETECT_CERT },
	{ FAIL_REFUSED, DETECT_REFUSED },
	{ FAIL_TIMEOUT, DETECT_TIMEOUT },
	{ FAIL_STARTTLS, DETECT_NO_STARTTLS },
	{ FAIL_DNS, DETECT_DNS },
	{ FAIL_UNREACHABLE, DETECT_UNREACHABLE },
	{ FAIL_TLS_HANDSHAKE, DETECT_TLS },
	{ FAIL_CANCELLED, DETECT_CANCELLED },
};

static enum detect_outcome
outcome_of(enum fail_class cls)
{
	for (size_t i = 0; i < sizeof(outcome_map) / sizeof(outcome_map[0]);
	     i++)
		if (outcome_map[i].cls == cls)
			return outcome_map[i].outcome;
	return DETECT_ERROR;
}

static const struct {
	const char *name;
	const char *key;
} outcome_names[DETECT_OUTCOME_COUNT] = {
	[DETECT_PENDING] = { "not run", "not-run" },
	[DETECT_OK] = { "ok", "ok" },
	[DETECT_CERT] = { "certificate problem", "certificate" },
	[DETECT_REFUSED] = { "refused", "refused" },
	[DETECT_TIMEOUT] = { "timeout", "timeout" },
	[DETECT_NO_STARTTLS] = { "no STARTTLS", "no-starttls" },
	[DETECT_DNS] = { "dns", "dns" },
	[DETECT_UNREACHABLE] = { "unreachable", "unreachable" },
	[DETECT_TLS] = { "TLS failed", "tls-handshake" },
	[DETECT_ERROR] = { "failed", "error" },
	[DETECT_CANCELLED] = { "cancelled", "cancelled" },
};

const char *
detect_outcome_name(enum detect_outcome o)
{
	return (unsigned)o < DETECT_OUTCOME_COUNT ? outcome_names[o].name :
	       "?";
}

const char *
detect_outcome_key(enum detect_outcome o)
{
	return (unsigned)o < DETECT_OUTCOME_COUNT ? outcome_names[o].key :
	       "?";
}

/* AUTH=... and LOGINDISABLED from a capability list. */
static void
learn_auth(struct detect_probe *p, const char *caps)
{
	size_t len = 0;

	p->auth[0] = '\0';
	p->login_disabled = false;
	while (*caps != '\0') {
		size_t w = strcspn(caps, " ");

		if (w > 5 && strncasecmp(caps, "AUTH=", 5) == 0 &&
		    len + w - 5 + 2 < sizeof(p->auth))
			len += (size_t)snprintf(p->auth + len,
						sizeof(p->auth) - len,
						"%s%.*s", len ? " " : "",
						(int)(w - 5), caps + 5);
		if (w == 13 && strncasecmp(caps, "LOGINDISABLED", 13) == 0)
			p->login_disabled = true;
		caps += w;
		caps += strspn(caps, " ");
	}
}

/* "Dovecot 2.3.19" from the name and version of an ID answer, else
 * its pairs ("vendor=Example"); "" when it told nothing.  The values
 * are escaped already. */
static void
learn_server(struct detect_probe *p, const struct server_id *id)
{
	const char *name = server_id_get(id, "name");
	const char *version = server_id_get(id, "version");

	p->server[0] = '\0';
	if (id->result != SERVER_ID_ANSWERED || id->n == 0)
		return;
	if (name != NULL && name[0] != '\0')
		snprintf(p->server, sizeof(p->server), "%s%s%s", name,
			 version != NULL && version[0] ? " " : "",
			 version != NULL ? version : "");
	else
		server_id_line(id, p->server, sizeof(p->server));
}

static void
probe_event(struct detect_probe *p, const struct event *ev)
{
	switch (ev->type) {
	case EV_SERVER_ID:
		if (ev->server_id != NULL)
			learn_server(p, ev->server_id);
		break;
	case EV_TLS:
		snprintf(p->tls_version, sizeof(p->tls_version), "%s",
			 ev->tls->version);
		p->verified = ev->tls->verified;
		break;
	case EV_CAPS:
		if (ev->flag && ev->text != NULL)
			learn_auth(p, ev->text);
		break;
	case EV_FAILURE:
		p->outcome = outcome_of(ev->failure->cls);
		snprintf(p->detail, sizeof(p->detail), "%s",
			 ev->failure->detail);
		break;
	case EV_DONE:
		if (ev->flag)
			p->outcome = DETECT_OK;
		else if (p->outcome == DETECT_PENDING)
			p->outcome = DETECT_ERROR;
		p->ms = ev->at_ms;
		break;
	default:
		break;
	}
}

/* One probe's configuration: no user, so no credentials go out. */
static void
probe_config(const struct detect_result *r, const struct detect_probe *p,
	     struct conn_config *c)
{
	config_init(c);
	snprintf(c->ep.host, sizeof(c->ep.host), "%s", p->host);
	c->ep.kind = address_kind(p->host);
	c->ep.port = p->port;
	c->ep.ssl = p->implicit_tls;
	c->ep.ssl_set = true;
	c->ep.starttls = p->implicit_tls ? STARTTLS_OFF : STARTTLS_REQUIRED;
	c->ep.starttls_set = true;
	c->ep.tls = r->params.tls;
	c->ep.tls.server_name[0] = '\0';
	if (!r->name_is_ip || r->params.tls.server_name[0] != '\0')
		snprintf(c->ep.tls.server_name, sizeof(c->ep.tls.server_name),
			 "%s", p->check_name);
	c->timeout_s = r->params.timeout_s;
	c->stay_open = false;
	c->transcript = false;	/* nothing reads a probe's lines */
}

struct prober {
	struct event_queue *q;
	struct session *s;
	bool running;
};

static void
start_probe(const struct detect_result *r, struct detect_probe *p,
	    struct prober *pv)
{
	struct conn_config *c = malloc(sizeof(*c));
	struct failure f;

	pv->q = event_queue_new();
	if (c == NULL || pv->q == NULL) {
		p->outcome = DETECT_ERROR;
		snprintf(p->detail, sizeof(p->detail), "out of memory");
		free(c);
		return;
	}
	probe_config(r, p, c);
	pv->s = session_start(c, pv->q, &f);
	config_wipe(c);
	free(c);
	if (pv->s == NULL) {
		p->outcome = outcome_of(f.cls);
		snprintf(p->detail, sizeof(p->detail), "%s", f.detail);
		return;
	}
	pv->running = true;
}

/* Pop every event of one probe; false once it is done. */
static bool
drain(struct detect_probe *p, struct prober *pv)
{
	struct event *ev;
	bool running = true;

	for (ev = event_queue_pop(pv->q); ev != NULL;
	     ev = event_queue_pop(pv->q)) {
		probe_event(p, ev);
		if (ev->type == EV_DONE)
			running = false;
		event_free(ev);
	}
	return running;
}

static void
cancel_all(struct prober *pv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pv[i].running)
			session_cancel(pv[i].s);
}

/* Wait for every running probe; 1 when the user cancelled, 2 when the
 * overall deadline passed, else 0. */
static int
wait_probes(struct detect_result *r, struct prober *pv, int cancel_fd,
	    int64_t deadline)
{
	int why = 0;

	for (;;) {
		struct pollfd pfd[DETECT_PROBES_MAX + 1];
		nfds_t np = 0;
		int64_t left = deadline - clock_ms();

		for (size_t i = 0; i < r->n; i++)
			if (pv[i].running)
				pfd[np++] = (struct pollfd){
					.fd = event_queue_fd(pv[i].q),
					.events = POLLIN };
		if (np == 0)
			return why;
		if (left <= 0 && why == 0) {
			why = 2;
			cancel_all(pv, r->n);
		}
		pfd[np] = (struct pollfd){ .fd = why == 0 ? cancel_fd : -1,
					   .events = POLLIN };
		poll(pfd, np + 1, why != 0 ? 200 : (int)left);
		if (why == 0 && (pfd[np].revents & POLLIN)) {
			why = 1;
			cancel_all(pv, r->n);
		}
		for (size_t i = 0; i < r->n; i++)
			if (pv[i].running)
				pv[i].running = drain(&r->probes[i], &pv[i]);
	}
}

static int
probe_all(struct detect_result *r, int cancel_fd)
{
	struct prober *pv = calloc(r->n + 1, sizeof(*pv));
	int64_t deadline;
	int why;

	if (pv == NULL)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		start_probe(r, &r->probes[i], &pv[i]);
	deadline = clock_ms() + (int64_t)(r->params.timeout_s * 3000) + 1000;
	why = wait_probes(r, pv, cancel_fd, deadline);
	for (size_t i = 0; i < r->n; i++) {
		struct detect_probe *p = &r->probes[i];

		if (why == 2 && p->outcome == DETECT_CANCELLED) {
			p->outcome = DETECT_TIMEOUT;
			snprintf(p->detail, sizeof(p->detail), "not done "
				 "within %g s in all",
				 r->params.timeout_s * 3);
		}
		session_free(pv[i].s);
		event_queue_free(pv[i].q);
	}
	free(pv);
	return 0;
}

/* Which sources are preferred: the domain's own autoconfig over
 * verified HTTPS, then what was typed (and SRV), then the MX host's
 * provider, and plain HTTP last, never over a verified source. */
static int
origin_rank(enum detect_origin o)
{
	switch (o) {
	case DETECT_FROM_AUTOCONFIG:
		return 0;
	case DETECT_FROM_MX:
		return 2;
	case DETECT_FROM_AUTOCONFIG_HTTP:
		return 3;
	default:
		return 1;
	}
}

int
detect_recommend(const struct detect_result *r)
{
	for (int rank = 0; rank < 4; rank++)
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < r->n; i++) {
				const struct detect_probe *p = &r->probes[i];

				if (p->outcome == DETECT_OK && p->verified
				    && p->implicit_tls == (pass == 0)
				    && origin_rank(p->origin) == rank)
					return (int)i;
			}
	return -1;
}

/* The first autoconfig file that named host, port and mode, and its
 * entry (*sv); NULL if none. */
static const struct autoconfig_source *
ac_source(const struct detect_result *r, const struct detect_probe *p,
	  const struct clientconfig_server **sv)
{
	for (size_t k = 0; k < AC_MX; k++) {
		const struct autoconfig_source *s = &r->ac.src[k];

		for (size_t i = 0; i < s->n; i++) {
			*sv = &s->servers[i];
			if (strcasecmp((*sv)->host, p->host) == 0
			    && (*sv)->port == p->port
			    && ((*sv)->socket == CC_SSL) == p->implicit_tls)
				return s;
		}
	}
	return NULL;
}

const char *
detect_probe_user(const struct detect_result *r, size_t i)
{
	const struct detect_probe *p = &r->probes[i];
	const struct clientconfig_server *sv;

	if (p->origin != DETECT_FROM_AUTOCONFIG
	    && p->origin != DETECT_FROM_AUTOCONFIG_HTTP)
		return NULL;
	if (ac_source(r, p, &sv) == NULL || sv->username[0] == '\0')
		return NULL;
	return sv->username;
}

void
detect_probe_source(const struct detect_result *r, size_t i, char *buf,
		    size_t cap)
{
	const struct detect_probe *p = &r->probes[i];
	const struct clientconfig_server *sv;
	const struct autoconfig_source *s;

	switch (p->origin) {
	case DETECT_FROM_SRV:
		snprintf(buf, cap, "an SRV record (RFC 6186)");
		break;
	case DETECT_FROM_NAME:
		snprintf(buf, cap, "the name as typed");
		break;
	case DETECT_FROM_GUESS:
		snprintf(buf, cap, "a usual name for the domain");
		break;
	case DETECT_FROM_MX:
		snprintf(buf, cap, "the MX record (%s)", r->ac.src[AC_MX].said);
		break;
	default:
		s = ac_source(r, p, &sv);
		snprintf(buf, cap, "the autoconfig file at %s%s",
			 s != NULL ? s->where : "?",
			 p->origin == DETECT_FROM_AUTOCONFIG_HTTP
			 ? " (plain HTTP: not authenticated)" : "");
		break;
	}
}

void
detect_probe_endpoint(const struct detect_result *r, size_t i,
		      struct endpoint *ep)
{
	const struct detect_probe *p = &r->probes[i];

	endpoint_init(ep);
	snprintf(ep->host, sizeof(ep->host), "%s", p->host);
	ep->kind = address_kind(p->host);
	ep->port = p->port;
	ep->ssl = p->implicit_tls;
	ep->ssl_set = true;
	ep->starttls = p->implicit_tls ? STARTTLS_OFF : STARTTLS_REQUIRED;
	ep->starttls_set = true;
	/* An SRV target is connected to, but its certificate must still
	 * name what the user typed, as the probe checked it. */
	if ((!r->name_is_ip || r->params.tls.server_name[0] != '\0')
	    && strcasecmp(p->check_name, p->host) != 0)
		snprintf(ep->tls.server_name, sizeof(ep->tls.server_name),
			 "%s", p->check_name);
}

static void *
autoconfig_job(void *arg)
{
	struct detect_result *r = arg;
	char email[sizeof(r->ac.email)];

	memcpy(email, r->ac.email, sizeof(email));
	autoconfig_lookup(&r->ac, email, r->params.timeout_s,
			  r->params.tls.ca_file);
	return NULL;
}

/* With an address, its autoconfig sources are asked on a thread of
 * their own (*th; true when started) while the SRV lookups run; the
 * domain is what is probed. */
static bool
ask_autoconfig(struct detect_result *r, pthread_t *th)
{
	char *at = strrchr(r->params.name, '@');

	if (at == NULL)
		return false;
	snprintf(r->ac.email, sizeof(r->ac.email), "%s", r->params.name);
	memmove(r->params.name, at + 1, strlen(at + 1) + 1);
	r->ac_asked = true;
	if (thread_start(th, NULL, autoconfig_job, r) == 0)
		return true;
	autoconfig_job(r);
	return false;
}

int
detect_collect(const struct detect_params *p, int cancel_fd,
	       struct detect_result *r)
{
	int64_t t0 = clock_ms();
	pthread_t th;
	bool ac;
	int rc;

	memset(r, 0, sizeof(*r));
	r->params = *p;
	copy_name(r->params.name, sizeof(r->params.name), p->name);
	r->recommended = -1;
	ac = ask_autoconfig(r, &th);
	r->name_is_ip = is_address(r->params.name);
	if (!r->name_is_ip)
		lookup_srv(r);
	if (ac)
		pthread_join(th, NULL);
	detect_plan(r);
	rc = probe_all(r, cancel_fd);
	r->recommended = detect_recommend(r);
	r->total_ms = clock_ms() - t0;
	return rc;
}

/* ---- words for a table ----------------------------------------------- */

const char *
detect_mode_words(bool implicit_tls)
{
	return implicit_tls ? "implicit TLS" : "STARTTLS";
}

void
detect_result_words(const struct detect_probe *p, char *buf, size_t cap)
{
	if (p->outcome == DETECT_OK && !p->verified)
		snprintf(buf, cap, "ok, NOT verified");
	else
		snprintf(buf, cap, "%s", detect_outcome_name(p->outcome));
}
