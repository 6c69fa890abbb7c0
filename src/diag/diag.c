/* diag.c - hints: from a failure, the settings and what the session saw
 * before it failed, to the one line that says what to change. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/x509_vfy.h>

#include "diag.h"
#include "knowncerts.h"
#include "oautherr.h"
#include "providers.h"
#include "tls.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- */
/* The line being written                                           */

struct line {
	char s[FAIL_HINT_MAX];
	size_t len;
};

static void line_add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append to l; what does not fit is cut (diag_explain() then takes
 * the next rule, which says less in fewer words). */
static void
line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (l->len + 1 >= sizeof(l->s))
		return;
	va_start(ap, fmt);
	w = vsnprintf(l->s + l->len, sizeof(l->s) - l->len, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	l->len += (size_t)w;
	if (l->len >= sizeof(l->s))
		l->len = sizeof(l->s) - 1;
}

static bool
line_set(struct failure *f, const struct line *l)
{
	fail_hint(f, "%s", l->s);
	return true;
}

/* ---------------------------------------------------------------- */
/* Facts from the input                                             */

static const struct endpoint *
ep_of(const struct diag_input *in)
{
	return &in->cfg->ep;
}

static unsigned
port_of(const struct diag_input *in)
{
	return endpoint_port(ep_of(in));
}

/* Whether the space-separated list holds word (any case). */
static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (list != NULL && *list != '\0') {
		size_t len = strcspn(list, " ");

		if (len == n && strncasecmp(list, word, n) == 0)
			return true;
		list += len;
		list += strspn(list, " ");
	}
	return false;
}

/* "2026-01-31" for an epoch time. */
static void
date_text(int64_t epoch, char *buf, size_t cap)
{
	time_t t = (time_t)epoch;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		snprintf(buf, cap, "?");
	else
		strftime(buf, cap, "%Y-%m-%d", &tm);
}

/* "40 days", "1 day", "less than a day" between two epoch times,
 * rounded to the nearest day. */
static void
days_text(int64_t a, int64_t b, char *buf, size_t cap)
{
	int64_t secs = a > b ? a - b : b - a;
	int64_t d = (secs + 43200) / 86400;

	if (secs < 86400)
		snprintf(buf, cap, "less than a day");
	else
		snprintf(buf, cap, "%lld day%s", (long long)d, d == 1 ? "" :
			 "s");
}

/* A round timeout, in seconds, at least s. */
static double
round_timeout(double s)
{
	static const double steps[] = {
		1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600,
	};

	for (size_t i = 0; i < NELEM(steps); i++)
		if (steps[i] >= s)
			return steps[i];
	return s;
}

/* The slowest phase that ended before p, in ms (0: none). */
static int64_t
slowest_before(const struct diag_input *in, enum phase p)
{
	int64_t max = 0;

	for (int i = PHASE_RESOLVE; i < (int)p && i < PHASE_COUNT; i++)
		if (in->phase_ms[i] > max)
			max = in->phase_ms[i];
	return max;
}

/* A timeout that would have been enough for a server that is only slow:
 * three times the one used, and four times the slowest phase so far. */
static double
enough_timeout(const struct diag_input *in, enum phase p)
{
	double t = in->cfg->timeout_s * 3;
	double slow = (double)slowest_before(in, p) * 4 / 1000;

	return round_timeout(t > slow ? t : slow);
}

/* "resolve 4 ms, connect 3 ms", or for many phases their total and
 * the slowest one. */
static void
earlier_text(const struct diag_input *in, enum phase p, struct line *l)
{
	int n = 0, slowest = PHASE_NONE;
	int64_t total = 0;

	for (int i = PHASE_RESOLVE; i < (int)p && i < PHASE_COUNT; i++) {
		if (in->phase_ms[i] < 0)
			continue;
		n++;
		total += in->phase_ms[i];
		if (slowest == PHASE_NONE ||
		    in->phase_ms[i] > in->phase_ms[slowest])
			slowest = i;
	}
	if (n == 0)
		return;
	if (n > 3) {
		line_add(l, " (after %d phases in %lld ms, the slowest %s "
			 "%lld ms)", n, (long long)total,
			 phase_name((enum phase)slowest),
			 (long long)in->phase_ms[slowest]);
		return;
	}
	line_add(l, " (after");
	for (int i = PHASE_RESOLVE, k = 0; i < (int)p && i < PHASE_COUNT; i++)
		if (in->phase_ms[i] >= 0)
			line_add(l, "%s %s %lld ms", k++ ? "," : "",
				 phase_name((enum phase)i),
				 (long long)in->phase_ms[i]);
	line_add(l, ")");
}

/* ---------------------------------------------------------------- */
/* Name resolution and connection                                   */

static bool
dns_hint(struct failure *f, const struct diag_input *in)
{
	const char *full = ep_of(in)->host;
	struct line l = { .len = 0 };
	char host[101];

	fail_fact(host, sizeof(host), full);
	if (f->reason == FAIL_R_DNS_TEMPORARY)
		line_add(&l, "no DNS server answered for %s: check this "
			 "machine's network and resolver (/etc/resolv.conf), "
			 "then try again", host);
	else if (f->reason == FAIL_R_DNS_NO_ADDRESS)
		line_add(&l, "%s exists but has no address: check the name "
			 "(the mail server may have its own, such as "
			 "imap.DOMAIN)", host);
	else if (f->reason == FAIL_R_HOST_TOO_LONG)
		return false;
	else if (strlen(full) <= 60)
		line_add(&l, "%s does not resolve here: check its spelling; "
			 "`getent hosts %s` shows what this machine finds",
			 full, full);
	else
		line_add(&l, "the name does not resolve here: check its "
			 "spelling (`getent hosts NAME` shows what this "
			 "machine finds)");
	return line_set(f, &l);
}

static bool
is_v6(const struct fail_attempt *a)
{
	return a->host[0] == '[';
}

static bool
is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0;
}

/* The attempts with outcome out: their addresses (at most 3) and
 * families into l; the number of them is returned. */
static size_t
group_text(const struct fail_attempt *a, size_t n, enum fail_outcome out,
	   struct line *l)
{
	size_t count = 0, shown = 0;
	bool v4 = false, v6 = false;

	for (size_t i = 0; i < n; i++) {
		if (a[i].out != out)
			continue;
		count++;
		v4 |= !is_v6(&a[i]);
		v6 |= is_v6(&a[i]);
		if (shown++ < 3)
			line_add(l, "%s%s", shown > 1 ? ", " : "",
				 a[i].host);
	}
	if (shown > 3)
		line_add(l, " and %zu more", shown - 3);
	if (count > 0)
		line_add(l, " (%s)", v4 && v6 ? "IPv4 and IPv6" : v6 ?
			 "IPv6" : "IPv4");
	return count;
}

static const char *
family_name(bool v6)
{
	return v6 ? "IPv6" : "IPv4";
}

static void
refused_hint(const struct diag_input *in, const struct fail_attempt *a,
	     size_t n, struct line *l)
{
	const struct endpoint *ep = ep_of(in);
	bool one_family = true;

	for (size_t i = 1; i < n; i++)
		one_family &= is_v6(&a[i]) == is_v6(&a[0]);
	line_add(l, "nothing listens on port %u at ", port_of(in));
	group_text(a, n, FAIL_OUT_REFUSED, l);
	if (one_family && ep->kind == ADDR_NAME && strlen(ep->host) <= 60)
		line_add(l, ", the only family %s resolves to", ep->host);
	line_add(l, ": check Port (--port; 993 for TLS, 143 for STARTTLS) "
		 "and that the server runs");
	if (!one_family)
		return;
	if (is_loopback(a[0].host))
		line_add(l, ", or try %s if it listens on %s only",
			 is_v6(&a[0]) ? "127.0.0.1" : "[::1]",
			 family_name(!is_v6(&a[0])));
	else
		line_add(l, ", or its %s address if it listens on %s only",
			 family_name(!is_v6(&a[0])),
			 family_name(!is_v6(&a[0])));
}

static void
timed_out_hint(const struct diag_input *in, const struct fail_attempt *a,
	       size_t n, struct line *l)
{
	line_add(l, "no answer from ");
	group_text(a, n, FAIL_OUT_TIMEOUT, l);
	line_add(l, " on port %u within %g s: a firewall may drop the "
		 "connection, or the host is down; if the network is only "
		 "slow, try --timeout %g (Timeout)", port_of(in),
		 in->cfg->timeout_s, enough_timeout(in, PHASE_CONNECT));
}

static void
unreachable_hint(const struct diag_input *in, const struct fail_attempt *a,
		 size_t n, struct line *l)
{
	line_add(l, "no route to ");
	group_text(a, n, FAIL_OUT_UNREACHABLE, l);
	if (is_v6(&a[0]))
		line_add(l, ": this machine may have no IPv6 route; connect "
			 "to an IPv4 address of the server");
	else
		line_add(l, ": check the address and this machine's network");
}

/* Addresses that failed in different ways: say which did what. */
static void
mixed_hint(const struct diag_input *in, const struct fail_attempt *a, size_t n,
	   struct line *l)
{
	static const char *const verbs[FAIL_OUT_COUNT] = {
		[FAIL_OUT_REFUSED] = " refused",
		[FAIL_OUT_TIMEOUT] = " did not answer",
		[FAIL_OUT_UNREACHABLE] = " had no route",
		[FAIL_OUT_OTHER] = " failed",
	};
	size_t silent = 0;
	int groups = 0;

	for (int o = 0; o < FAIL_OUT_COUNT; o++) {
		struct line g = { .len = 0 };
		size_t k = group_text(a, n, (enum fail_outcome)o, &g);

		if (k == 0)
			continue;
		line_add(l, "%s%s%s", groups++ ? ", " : "", g.s, verbs[o]);
		if (o == FAIL_OUT_TIMEOUT) {
			line_add(l, " in %g s", in->cfg->timeout_s);
			silent = k;
		}
	}
	line_add(l, ": none accepts port %u; check Port (--port) and that "
		 "the server runs", port_of(in));
	if (silent > 0)
		line_add(l, ", and a firewall for the silent one%s (if only "
			 "slow: --timeout %g)", silent > 1 ? "s" : "",
			 enough_timeout(in, PHASE_CONNECT));
}

static bool
connect_hint(struct failure *f, const struct diag_input *in)
{
	typedef void (*group_fn)(const struct diag_input *in,
				 const struct fail_attempt *a, size_t n,
				 struct line *l);
	static const group_fn all_alike[FAIL_OUT_COUNT] = {
		[FAIL_OUT_REFUSED] = refused_hint,
		[FAIL_OUT_TIMEOUT] = timed_out_hint,
		[FAIL_OUT_UNREACHABLE] = unreachable_hint,
	};
	const struct fail_attempt *a = f->attempts;
	size_t n = f->n_attempts;
	struct line l = { .len = 0 };
	bool alike = true;
	group_fn fn;

	if (n == 0)
		return false;
	for (size_t i = 1; i < n; i++)
		alike &= a[i].out == a[0].out;
	fn = alike ? all_alike[a[0].out] : mixed_hint;
	if (fn == NULL)
		return false;
	fn(in, a, n, &l);
	return line_set(f, &l);
}

/* ---------------------------------------------------------------- */
/* Timeouts                                                         */

/* What a silence in a phase most likely means, said before the advice
 * for a slow server; first match wins. */
static const struct {
	enum phase phase;
	bool plain;		/* only without implicit TLS */
	unsigned port;		/* 0: any */
	const char *cause;
} silences[] = {
	{ PHASE_GREETING, true, 993, "port 993 expects TLS from the first "
	  "byte: turn on Implicit TLS (--ssl)" },
	{ PHASE_GREETING, true, 0, "if this port expects TLS, turn on "
	  "Implicit TLS (--ssl)" },
	{ PHASE_TLS, false, 0, "if this port speaks plain IMAP and waits, "
	  "use STARTTLS (--no-ssl --starttls)" },
	{ PHASE_STARTTLS, false, 0, "a server that accepts STARTTLS and then "
	  "stalls may be broken: try Implicit TLS (--ssl, port 993)" },
	{ PHASE_RESOLVE, false, 0, "the DNS server is slow or unreachable" },
	{ PHASE_AUTH, false, 0, "servers delay the answer to a wrong "
	  "password" },
};

/* NULL: nothing more likely than a slow server. */
static const char *
silence_cause(const struct diag_input *in, enum phase p)
{
	for (size_t i = 0; i < NELEM(silences); i++) {
		if (silences[i].phase != p)
			continue;
		if (silences[i].plain && ep_of(in)->ssl)
			continue;
		if (silences[i].port != 0 && silences[i].port != port_of(in))
			continue;
		return silences[i].cause;
	}
	return NULL;
}

static bool
timeout_hint(struct failure *f, const struct diag_input *in)
{
	const char *cause = silence_cause(in, f->phase);
	double t = enough_timeout(in, f->phase);
	struct line l = { .len = 0 };

	line_add(&l, "no answer within %g s for %s", in->cfg->timeout_s,
		 f->awaited[0] != '\0' ? f->awaited :
		 phase_waiting_for(f->phase));
	earlier_text(in, f->phase, &l);
	if (cause != NULL)
		line_add(&l, ": %s; if the server is only slow, try --timeout "
			 "%g (Timeout)", cause, t);
	else
		line_add(&l, ": if the server is only slow, try --timeout %g "
			 "(Timeout)", t);
	return line_set(f, &l);
}

/* ---------------------------------------------------------------- */
/* TLS handshake                                                    */

static enum tls_version
offered_max(const struct tls_opts *t)
{
	return t->max_version == TLSV_DEFAULT ? TLSV_1_3 : t->max_version;
}

static enum tls_version
offered_min(const struct tls_opts *t)
{
	if (t->min_version != TLSV_DEFAULT)
		return t->min_version;
	return offered_max(t) < TLSV_1_2 ? offered_max(t) : TLSV_1_2;
}

/* "TLS 1.2", or "TLS 1.2 to 1.3". */
static void
range_text(const struct tls_opts *t, char *buf, size_t cap)
{
	enum tls_version lo = offered_min(t), hi = offered_max(t);

	if (lo == hi)
		snprintf(buf, cap, "TLS %s", tls_version_name(lo));
	else
		snprintf(buf, cap, "TLS %s to %s", tls_version_name(lo),
			 tls_version_name(hi));
}

static bool
plain_port_hint(struct failure *f, const struct diag_input *in)
{
	fail_hint(f, "this port (%u) speaks plain IMAP, not TLS: use STARTTLS "
		  "here (--no-ssl --starttls: Implicit TLS off, STARTTLS "
		  "required), or port 993 with TLS", port_of(in));
	return true;
}

/* What to do about the version the server chose; false when it is one
 * of those offered (then something else failed). */
static bool
chosen_hint(const struct tls_opts *t, const char *chosen, struct line *l)
{
	enum tls_version v;

	if (tls_version_parse(chosen + (strncmp(chosen, "TLS ", 4) ? 0 : 4),
			      &v) != 0) {
		line_add(l, "the server offers only %.20s, which no setting "
			 "allows (it is broken): the server must be "
			 "upgraded", chosen);
		return true;
	}
	if (v >= offered_min(t) && v <= offered_max(t))
		return false;
	if (v > offered_max(t)) {
		line_add(l, "the server chose %s, above TLS max %s: raise or "
			 "drop TLS max (--tls-max)", chosen,
			 tls_version_name(offered_max(t)));
		return true;
	}
	line_add(l, "the server offers only %s, below TLS min %s: TLS min "
		 "%s (--tls-min %s) allows it (insecure: an obsolete "
		 "version)", chosen, tls_version_name(offered_min(t)),
		 tls_version_name(v), tls_version_name(v));
	return true;
}

static bool
version_hint(struct failure *f, const struct diag_input *in)
{
	const struct tls_opts *t = &ep_of(in)->tls;
	struct line l = { .len = 0 };
	char range[32];

	if (f->reason == FAIL_R_TLS_NO_PROTOCOLS &&
	    t->min_version != TLSV_DEFAULT && t->max_version != TLSV_DEFAULT
	    && t->min_version > t->max_version) {
		fail_hint(f, "TLS min %s is above TLS max %s (--tls-min, "
			  "--tls-max): no version is left to offer",
			  tls_version_name(t->min_version),
			  tls_version_name(t->max_version));
		return true;
	}
	if (f->tls_chosen[0] != '\0' && chosen_hint(t, f->tls_chosen, &l))
		return line_set(f, &l);
	range_text(t, range, sizeof(range));
	if (offered_min(t) == offered_max(t))
		line_add(&l, "the server does not accept %s, the only version "
			 "offered", range);
	else
		line_add(&l, "the server accepts none of %s, the versions "
			 "offered", range);
	if (offered_max(t) < TLSV_1_3)
		line_add(&l, "; if it is new, raise TLS max (--tls-max 1.3)");
	if (offered_min(t) > TLSV_1_2)
		line_add(&l, "; if it is older, lower TLS min (--tls-min "
			 "1.2)");
	else if (offered_min(t) > TLSV_1_0)
		line_add(&l, "; if it is old, TLS min 1.0 (--tls-min 1.0) "
			 "allows older versions (insecure)");
	return line_set(f, &l);
}

static bool
cipher_hint(struct failure *f, const struct diag_input *in)
{
	const struct tls_opts *t = &ep_of(in)->tls;
	const char *list = t->ciphers[0] != '\0' ? t->ciphers :
			   t->ciphersuites;

	if (list[0] != '\0') {
		fail_hint(f, "the server accepts none of the ciphers offered "
			  "(%.60s): drop or widen Ciphers (--ciphers, "
			  "--ciphersuites); 'DEFAULT:@SECLEVEL=0' also offers "
			  "weak ones (insecure)", list);
		return true;
	}
	fail_hint(f, "the server refused the handshake, most likely no "
		  "cipher in common with this client's defaults: an old "
		  "server may need --ciphers 'DEFAULT:@SECLEVEL=0' (Ciphers; "
		  "insecure)");
	return true;
}

/* ---------------------------------------------------------------- */
/* Certificate verification                                         */

/* What is known about a verification failure. */
struct verify_facts {
	enum fail_reason reason;	/* FAIL_R_CERT_* */
	int depth;			/* -1: unknown */
	const struct tls_summary *t;	/* NULL: not known */
	const struct tls_cert_info *cert;	/* the one at depth, if sent */
};

typedef bool (*verify_fn)(struct failure *f, const struct diag_input *in,
			  const struct verify_facts *v);

/* "CN=x" of a subject, else the whole subject, into buf. */
static void
short_name(const char *subject, char *buf, size_t cap)
{
	const char *cn = subject;
	size_t len;

	while (*cn != '\0' && !((cn == subject || cn[-1] == ',') &&
				strncmp(cn, "CN=", 3) == 0))
		cn++;
	if (*cn == '\0')
		cn = subject;
	len = cn == subject && strncmp(cn, "CN=", 3) != 0 ? strlen(cn) :
	      strcspn(cn, ",");
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, cn, len);
	buf[len] = '\0';
}

/* "the certificate (CN=x) is self-signed, not from a CA" and, when
 * given, that the CA file does not hold it, into l. */
static void
self_signed_start(struct line *l, const struct diag_input *in,
		  const struct verify_facts *v)
{
	char name[48] = "";

	l->len = 0;
	l->s[0] = '\0';
	if (v->cert != NULL)
		short_name(v->cert->subject, name, sizeof(name));
	line_add(l, "the certificate%s%s%s is self-signed, not from a CA",
		 name[0] ? " (" : "", name, name[0] ? ")" : "");
	if (ep_of(in)->tls.ca_file[0] != '\0')
		line_add(l, ", and the CA file given does not hold it");
}

/* The ways to trust a self-signed certificate, its key's pin first:
 * all of them when they fit in a hint, else the pin and the
 * interface. */
static bool
self_signed_pin(struct failure *f, const struct diag_input *in,
		const struct verify_facts *v, const char *spki)
{
	struct line l;

	self_signed_start(&l, in, v);
	line_add(&l, ": if you trust it, pin its key (--pin sha256//%s), "
		 "accept it in the interface or give it as CA file "
		 "(--ca-file FILE)", spki);
	if (l.len + 1 < sizeof(l.s))
		return line_set(f, &l);
	self_signed_start(&l, in, v);
	line_add(&l, ": if you trust it, pin its key (--pin sha256//%s) or "
		 "accept it in the interface", spki);
	if (l.len + 1 < sizeof(l.s))
		return line_set(f, &l);
	return false;
}

static bool
self_signed_hint(struct failure *f, const struct diag_input *in,
		 const struct verify_facts *v)
{
	struct line l;

	if (v->t != NULL && v->t->chain_len > 0 &&
	    v->t->chain[0].spki_sha256[0] != '\0')
		return self_signed_pin(f, in, v, v->t->chain[0].spki_sha256);
	self_signed_start(&l, in, v);
	line_add(&l, ": if you trust it, save it and give it as CA file "
		 "(--ca-file FILE); --insecure only looks");
	return line_set(f, &l);
}

/* Whether the user named trusted CAs (--ca-file, --ca-dir). */
static bool
ca_given(const struct diag_input *in)
{
	const struct tls_opts *t = &ep_of(in)->tls;

	return t->ca_file[0] != '\0' || t->ca_dir[0] != '\0';
}

/* The chain ends in a self-signed root that is not trusted: a private
 * CA, the usual case, or a CA file that does not hold it. */
static bool
untrusted_root_hint(struct failure *f, const struct diag_input *in,
		    const struct verify_facts *v)
{
	struct line l = { .len = 0 };
	char name[48] = "";

	if (v->cert != NULL)
		short_name(v->cert->subject, name, sizeof(name));
	line_add(&l, "the chain the server sent ends in the root CA%s%s, a "
		 "private CA not trusted here", name[0] ? " " : "", name);
	if (ca_given(in))
		line_add(&l, " (the CA file given does not hold it)");
	line_add(&l, ": if you trust it, give that root as CA file "
		 "(--ca-file FILE)");
	return line_set(f, &l);
}

/* Only the server's own certificate came and its issuer is not
 * trusted: with CAs given, an intermediate the server must send; else
 * that, or a private root to trust. */
static bool
leaf_only_hint(struct failure *f, const struct diag_input *in,
	       const char *issuer)
{
	if (ca_given(in)) {
		fail_hint(f, "the server sent only its own certificate, and "
			  "its issuer %s is not in the CAs given: the server "
			  "must also send that intermediate certificate (or "
			  "the CA file is not the one that issued it)",
			  issuer);
		return true;
	}
	fail_hint(f, "the server sent only its own certificate: its issuer "
		  "%s is neither in it nor trusted here; if %s is an "
		  "intermediate, the server must also send it; if it is your "
		  "private root CA, give it as CA file (--ca-file FILE)",
		  issuer, issuer);
	return true;
}

static bool
issuer_hint(struct failure *f, const struct diag_input *in,
	    const struct verify_facts *v)
{
	const struct tls_summary *t = v->t;
	char issuer[48], top[48];

	if (t == NULL || v->cert == NULL || v->depth < 0)
		return false;
	short_name(v->cert->issuer, issuer, sizeof(issuer));
	if (t->chain_sent == 1 && v->depth == 0 && !v->cert->self_signed)
		return leaf_only_hint(f, in, issuer);
	short_name(v->cert->subject, top, sizeof(top));
	fail_hint(f, "the chain the server sent ends at %s, issued by %s, "
		  "which is not trusted here: if %s is your private root CA, "
		  "give it as CA file (--ca-file FILE); if it is an "
		  "intermediate, the server must also send it", top, issuer,
		  issuer);
	return true;
}

/* "the server's certificate" or "the CA certificate CN=x". */
static void
which_cert(const struct verify_facts *v, char *buf, size_t cap)
{
	char name[48];

	short_name(v->cert->subject, name, sizeof(name));
	if (v->depth == 0)
		snprintf(buf, cap, "the server's certificate (%s)", name);
	else
		snprintf(buf, cap, "the CA certificate %s", name);
}

static bool
expired_hint(struct failure *f, const struct diag_input *in,
	     const struct verify_facts *v)
{
	char which[96], end[16], start[16], now[16], days[32];

	date_text(in->now, now, sizeof(now));
	if (v->cert == NULL) {
		fail_hint(f, "a certificate in the chain has expired: the "
			  "server must renew it, or this machine's clock is "
			  "wrong (it says %s)", now);
		return true;
	}
	which_cert(v, which, sizeof(which));
	date_text(v->cert->not_after_epoch, end, sizeof(end));
	date_text(v->cert->not_before_epoch, start, sizeof(start));
	days_text(in->now, v->cert->not_after_epoch, days, sizeof(days));
	fail_hint(f, "%s expired on %s, %s ago (valid from %s): the server "
		  "must renew it; if this machine's clock is wrong (it says "
		  "%s), fix the clock", which, end, days, start, now);
	return true;
}

static bool
not_yet_valid_hint(struct failure *f, const struct diag_input *in,
		   const struct verify_facts *v)
{
	char which[96], end[16], start[16], now[16], days[32];

	date_text(in->now, now, sizeof(now));
	if (v->cert == NULL) {
		fail_hint(f, "a certificate in the chain is not valid yet: "
			  "check this machine's clock (it says %s)", now);
		return true;
	}
	which_cert(v, which, sizeof(which));
	date_text(v->cert->not_after_epoch, end, sizeof(end));
	date_text(v->cert->not_before_epoch, start, sizeof(start));
	days_text(v->cert->not_before_epoch, in->now, days, sizeof(days));
	fail_hint(f, "%s is valid only from %s, in %s (until %s): check this "
		  "machine's clock (it says %s), or the server installed it "
		  "too early", which, start, days, end, now);
	return true;
}

#define NAMES_MAX 16

/* The names a certificate holds: its DNS and IP names ("DNS:a, IP:b"),
 * else its subject's CN. */
struct cert_names {
	size_t n;
	char name[NAMES_MAX][64];
};

static void
names_add(struct cert_names *cn, const char *s, size_t len)
{
	if (cn->n == NAMES_MAX || len == 0 || strncmp(s, "...", 3) == 0)
		return;
	if (len >= sizeof(cn->name[0]))
		len = sizeof(cn->name[0]) - 1;
	memcpy(cn->name[cn->n], s, len);
	cn->name[cn->n][len] = '\0';
	cn->n++;
}

/* Names from a list "DNS:a, DNS:b, IP:127.0.0.1" (the prefixes go). */
static void
names_parse(struct cert_names *cn, const char *list)
{
	while (*list != '\0') {
		size_t len = strcspn(list, ",");
		const char *colon = memchr(list, ':', len);

		if (colon != NULL && (strncmp(list, "DNS:", 4) == 0 ||
				      strncmp(list, "IP:", 3) == 0))
			names_add(cn, colon + 1,
				  len - (size_t)(colon + 1 - list));
		list += len;
		list += strspn(list, ", ");
	}
}

static bool
is_address(const char *name)
{
	return strspn(name, "0123456789.") == strlen(name) ||
	       strchr(name, ':') != NULL;
}

static void
cert_names_of(const struct failure *f, const struct verify_facts *v,
	      struct cert_names *cn)
{
	cn->n = 0;
	if (v->t != NULL && v->t->chain_len > 0) {
		names_parse(cn, v->t->chain[0].sans);
		if (cn->n == 0) {
			char name[64];

			short_name(v->t->chain[0].subject, name, sizeof(name));
			if (strncmp(name, "CN=", 3) == 0)
				names_add(cn, name + 3, strlen(name + 3));
		}
		return;
	}
	names_parse(cn, f->cert_names);
}

/* The names of cn (at most 3) and what it means, into l; without
 * full, the list is left to the TLS section.  A name the certificate
 * holds is never offered as the one to use: a certificate for other
 * names is what an impostor presents, so only the user can say which
 * name is right. */
static void
name_text(const struct diag_input *in, const struct cert_names *cn,
	  const char *typed, bool full, struct line *l)
{
	bool sni_given = ep_of(in)->tls.server_name[0] != '\0';

	if (full) {
		line_add(l, "the certificate is for ");
		for (size_t i = 0; i < cn->n && i < 3; i++)
			line_add(l, "%s%s", i ? ", " : "", cn->name[i]);
		if (cn->n > 3)
			line_add(l, " and %zu more", cn->n - 3);
		line_add(l, ", not %s", typed);
	} else {
		line_add(l, "the certificate is for other names than the one "
			 "checked");
	}
	if (is_address(typed))
		line_add(l, ": connect by the server's host name, not by "
			 "address, or it has the wrong certificate");
	else
		line_add(l, ": either %s is not this server's name (check "
			 "the host name%s) or it has the wrong certificate",
			 typed, sni_given ? " and Server name" : "");
}

static bool
name_hint(struct failure *f, const struct diag_input *in,
	  const struct verify_facts *v)
{
	const struct endpoint *ep = ep_of(in);
	const char *typed = v->t != NULL ? v->t->expected_name :
			    ep->tls.server_name[0] ? ep->tls.server_name :
			    ep->host;
	struct cert_names cn;
	struct line l = { .len = 0 };

	cert_names_of(f, v, &cn);
	if (cn.n == 0)
		return false;
	name_text(in, &cn, typed, true, &l);
	if (l.len + 1 >= sizeof(l.s)) {
		l.len = 0;
		name_text(in, &cn, typed, false, &l);
	}
	if (l.len + 1 >= sizeof(l.s)) {
		fail_hint(f, "the certificate is for other names than the one "
			  "checked (see the TLS section): a wrong host name, "
			  "or the server presents the wrong certificate");
		return true;
	}
	return line_set(f, &l);
}

static const struct {
	enum fail_reason reason;
	verify_fn fn;
	const char *text;
} verify_rules[] = {
	{ FAIL_R_CERT_UNTRUSTED_ROOT, untrusted_root_hint, NULL },
	{ FAIL_R_CERT_SELF_SIGNED, self_signed_hint, NULL },
	{ FAIL_R_CERT_UNKNOWN_ISSUER, issuer_hint, NULL },
	{ FAIL_R_CERT_EXPIRED, expired_hint, NULL },
	{ FAIL_R_CERT_NOT_YET_VALID, not_yet_valid_hint, NULL },
	{ FAIL_R_CERT_NAME_MISMATCH, name_hint, NULL },
	{ FAIL_R_CERT_REVOKED, NULL, "the certificate was revoked by its CA: "
	  "the server must get a new one" },
	{ FAIL_R_CERT_NO_CRL, NULL, "the CRL file (--crl-file) has no list "
	  "from this certificate's issuer: give the issuer's CRL" },
	{ FAIL_R_CERT_CHAIN_TOO_LONG, NULL, "the chain is longer than Verify "
	  "depth allows: raise it (--verify-depth)" },
	{ FAIL_R_CERT_KEY_TOO_SMALL, NULL, "the certificate's key is too weak "
	  "for this security level: the server must replace it; --ciphers "
	  "'DEFAULT:@SECLEVEL=0' accepts it (insecure)" },
	{ FAIL_R_CERT_CA_KEY_TOO_SMALL, NULL, "a CA key in the chain is too "
	  "weak for this security level: the server must replace it" },
	{ FAIL_R_CERT_WEAK_HASH, NULL, "a certificate in the chain is signed "
	  "with a weak hash (such as SHA-1): the server must replace it" },
	{ FAIL_R_CERT_PURPOSE, NULL, "the certificate is not meant for a TLS "
	  "server: the server must use a server certificate" },
};

/* The error, depth and chain from the summary when it has them, else
 * the failure's reason alone. */
static void
verify_facts_of(const struct failure *f, const struct diag_input *in,
		struct verify_facts *v)
{
	memset(v, 0, sizeof(*v));
	v->depth = -1;
	v->reason = f->reason;
	if (in->tls == NULL || in->tls->verify_error == X509_V_OK)
		return;
	v->t = in->tls;
	v->reason = tls_verify_reason(in->tls->verify_error);
	v->depth = in->tls->verify_error_depth;
	if (v->depth >= 0 && v->depth < v->t->chain_len)
		v->cert = &v->t->chain[v->depth];
}

/* The server's key is none of those pinned with --pin. */
static bool
pin_hint(struct failure *f)
{
	fail_hint(f, "the server's key is not one of those pinned (--pin): "
		  "someone may be intercepting the connection, or the server "
		  "has a new key; check the key shown with its "
		  "administrator before pinning it");
	return true;
}

/* The key differs from the one accepted for good for this host and
 * port: ssh's "REMOTE HOST IDENTIFICATION HAS CHANGED". */
static bool
changed_hint(struct failure *f, const struct diag_input *in)
{
	const struct endpoint *ep = ep_of(in);
	char key[KNOWNCERTS_KEY_MAX];
	struct line l = { .len = 0 };

	knowncerts_key(ep->host, ep->kind, endpoint_port(ep), key,
		       sizeof(key));
	line_add(&l, "someone may be intercepting the connection, or the "
		 "server has a new key: check the new key with its "
		 "administrator, then accept it with imapconn --forget %s "
		 "and connect again", key);
	if (l.len + 1 < sizeof(l.s))
		return line_set(f, &l);
	fail_hint(f, "someone may be intercepting the connection, or the "
		  "server has a new key: check it with its administrator, "
		  "then accept it with imapconn --forget HOST:PORT and "
		  "connect again");
	return true;
}

static bool
verify_hint(struct failure *f, const struct diag_input *in)
{
	struct verify_facts v;

	if (f->reason == FAIL_R_CERT_PIN_MISMATCH)
		return pin_hint(f);
	if (f->reason == FAIL_R_CERT_CHANGED)
		return changed_hint(f, in);

	verify_facts_of(f, in, &v);
	for (size_t i = 0; i < NELEM(verify_rules); i++) {
		if (verify_rules[i].reason != v.reason)
			continue;
		if (verify_rules[i].fn != NULL)
			return verify_rules[i].fn(f, in, &v);
		fail_hint(f, "%s", verify_rules[i].text);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* IMAP: greeting, STARTTLS, login                                  */

static const struct {
	const char *prefix;	/* of what came instead of a greeting */
	const char *what;
} other_protocols[] = {
	{ "HTTP/", "HTTP (a web server)" },
	{ "SSH-", "SSH" },
	{ "+OK", "POP3" },
	{ "-ERR", "POP3" },
	{ "220", "SMTP or FTP" },
	{ "\\x15\\x03", NULL },		/* a TLS alert */
	{ "\\x16\\x03", NULL },		/* a TLS handshake */
};

static bool
other_protocol_hint(struct failure *f, const struct diag_input *in)
{
	const char *got = f->got;

	for (size_t i = 0; i < NELEM(other_protocols); i++) {
		if (strncmp(got, other_protocols[i].prefix,
			    strlen(other_protocols[i].prefix)) != 0)
			continue;
		if (other_protocols[i].what == NULL)
			fail_hint(f, "this port expects TLS: a TLS record "
				  "came where the greeting belongs; turn on "
				  "Implicit TLS (--ssl)");
		else
			fail_hint(f, "this port speaks %s, not IMAP: check "
				  "Port (--port; 143 for IMAP with STARTTLS, "
				  "993 for IMAP over TLS)",
				  other_protocols[i].what);
		return true;
	}
	fail_hint(f, "this port does not speak IMAP: check Port (--port; 143 "
		  "for IMAP with STARTTLS, 993 for IMAP over TLS)");
	return true;
}

static bool
plaintext_hint(struct failure *f, const struct diag_input *in)
{
	static const char offered[] = "the connection is not encrypted, so "
		"the password was not sent: the server offers STARTTLS, turn "
		"it on (--starttls); Clear login (--allow-plaintext-auth) "
		"sends it in clear (insecure)";
	static const char other[] = "the connection is not encrypted, so "
		"the password was not sent: use Implicit TLS (--ssl, port "
		"993) or STARTTLS (--starttls); Clear login "
		"(--allow-plaintext-auth) sends it in clear (insecure)";

	fail_hint(f, "%s", has_word(in->caps_before_tls, "STARTTLS") ?
		  offered : other);
	return true;
}

static bool
logindisabled_hint(struct failure *f, const struct diag_input *in)
{
	static const char after_tls[] = "the server refuses LOGIN even over "
		"TLS and offers no AUTHENTICATE PLAIN, the ways imapconn logs "
		"in: ask its administrator";
	static const char offered[] = "the server refuses logins before TLS "
		"(LOGINDISABLED) and offers STARTTLS: turn on STARTTLS "
		"(--starttls)";
	static const char no_way[] = "the server refuses logins here "
		"(LOGINDISABLED) and offers no STARTTLS, so there is no way "
		"to TLS on this port: use Implicit TLS (--ssl, port 993)";
	static const char unknown[] = "the server wants TLS first "
		"(LOGINDISABLED): use STARTTLS (--starttls), or Implicit TLS "
		"(--ssl, port 993)";
	bool tls_up = ep_of(in)->ssl ||
		      (in->tls != NULL && in->tls->version[0] != '\0');
	const char *text = unknown;

	if (tls_up)
		text = after_tls;
	else if (has_word(in->caps_before_tls, "STARTTLS"))
		text = offered;
	else if (in->caps_before_tls != NULL)
		text = no_way;
	fail_hint(f, "%s", text);
	return true;
}

/* Response codes a refused login or a BYE may carry (RFC 5530, and
 * RFC 3501's ALERT), with what they mean for the user. */
static const struct {
	const char *code;
	const char *rfc;
	const char *meaning;
} resp_codes[] = {
	{ "AUTHENTICATIONFAILED", "RFC 5530", "the user name or password is "
	  "wrong: check User and Password" },
	{ "AUTHORIZATIONFAILED", "RFC 5530", "the password is right, but "
	  "this user may not log in as asked: check User" },
	{ "EXPIRED", "RFC 5530", "the password or account has expired: renew "
	  "it" },
	{ "PRIVACYREQUIRED", "RFC 5530", "the server wants an encrypted "
	  "connection: use TLS (--ssl or --starttls)" },
	{ "CONTACTADMIN", "RFC 5530", "the account needs its administrator "
	  "(it may be locked, or need a web login first)" },
	{ "UNAVAILABLE", "RFC 5530", "the server is not available now (a "
	  "back end may be down): try again later" },
	{ "LIMIT", "RFC 5530", "a limit was reached (connections, "
	  "attempts): close other clients, or wait" },
	{ "INUSE", "RFC 5530", "the account is in use elsewhere: close the "
	  "other session" },
	{ "SERVERBUG", "RFC 5530", "the server failed: tell its "
	  "administrator" },
	{ "ALERT", "RFC 3501", "the text is meant for you: do what it says" },
};

/* The response code and the text after it in what the server said
 * ("[CODE] text"), each cut to fit. */
static void
split_code(const char *p, char *code, size_t ccap, char *text,
	   size_t tcap)
{
	code[0] = '\0';
	if (*p == '[') {
		snprintf(code, ccap, "%.*s", (int)strcspn(p + 1, "] "), p + 1);
		p += strcspn(p, "]");
		if (*p == ']')
			p++;
		p += strspn(p, " ");
	}
	fail_fact(text, tcap, p);
}

/* The index of code in resp_codes, or -1. */
static int
code_index(const char *code)
{
	for (size_t i = 0; i < NELEM(resp_codes); i++)
		if (strcasecmp(code, resp_codes[i].code) == 0)
			return (int)i;
	return -1;
}

static bool
login_refused_hint(struct failure *f, const struct diag_input *in)
{
	char code[32], text[61];
	int i;

	split_code(f->said, code, sizeof(code), text, sizeof(text));
	i = code_index(code);
	if (i >= 0)
		fail_hint(f, "the server said \"%s\" with %s (%s): %s",
			  text, resp_codes[i].code, resp_codes[i].rfc,
			  resp_codes[i].meaning);
	else if (code[0] != '\0')
		fail_hint(f, "the server said \"%s\" with [%s]: check "
			  "the user name and the password (User, Password)",
			  text, code);
	else
		fail_hint(f, "the server said \"%s\", without an RFC 5530 "
			  "code: check the user name and the password (User, "
			  "Password)", text);
	return true;
}

/* A refused login at a large provider: what it takes instead of the
 * account password (most take none over IMAP). */
static bool
provider_login_hint(struct failure *f, const struct diag_input *in)
{
	const struct provider *p = providers_find(in->cfg->ep.host);

	if (p == NULL || in->cfg->have_token)
		return false;
	if (p->password_taken)
		fail_hint(f, "%s takes %s: check User and Password", p->name,
			  p->fix);
	else
		fail_hint(f, "%s: no account password over IMAP; log in with "
			  "%s", p->name, p->fix);
	return true;
}

static bool
bye_greeting_hint(struct failure *f, const struct diag_input *in)
{
	char code[32], text[61];
	int i;

	split_code(f->said, code, sizeof(code), text, sizeof(text));
	i = code_index(code);
	fail_hint(f, "the server refused the connection at once (BYE "
		  "\"%s\"): %s", text, i >= 0 ? resp_codes[i].meaning :
		  "it may be overloaded, or limit or block connections from "
		  "this address; try later, or ask its administrator");
	return true;
}

/* The server's OAuth error challenge (the JSON object, escaped when
 * it was kept) read again to say what it means. */
static bool
oauth_refused_hint(struct failure *f, const struct diag_input *in)
{
	struct oautherr e;
	char line[FAIL_HINT_MAX];

	if (oautherr_parse_json(&e, f->challenge, strlen(f->challenge))
	    != OAUTHERR_OK)
		return false;
	oautherr_hint(&e, in->cfg->user, line, sizeof(line));
	fail_hint(f, "%s", line);
	return true;
}

static bool
token_needed_hint(struct failure *f, const struct diag_input *in)
{
	(void)in;
	if (f->mechs[0] == '\0')
		return false;
	fail_hint(f, "the server takes an OAuth 2.0 token here (it offers "
		  "%s), not a password: give a token with "
		  "--oauth-token-command CMD or IMAPCONN_OAUTH_TOKEN",
		  f->mechs);
	return true;
}

static bool
oauth_not_offered_hint(struct failure *f, const struct diag_input *in)
{
	(void)in;
	if (f->mechs[0] == '\0')
		return false;
	fail_hint(f, "the server offers no OAuth mechanism here, only %s: "
		  "log in with a password instead of the token (drop "
		  "--oauth-token-command, IMAPCONN_OAUTH_TOKEN)", f->mechs);
	return true;
}

static bool
mech_not_offered_hint(struct failure *f, const struct diag_input *in)
{
	(void)in;
	if (f->mechs[0] == '\0')
		return false;
	fail_hint(f, "the server offers %s: name one of those that the "
		  "credentials can serve with --auth, or drop --auth",
		  f->mechs);
	return true;
}

/* ---------------------------------------------------------------- */
/* The table                                                        */

typedef bool (*hint_fn)(struct failure *f, const struct diag_input *in);

/* A hint for the failures of one class (in one phase, for one
 * reason).  fn writes the hint or returns false to let the next rule
 * try; without fn, text is the hint.  A rule without phase, reason and
 * fn is its class's general advice.  No rule reads the detail: that
 * is prose for people, free to change. */
struct rule {
	enum fail_class cls;
	enum phase phase;		/* ANY: any */
	enum fail_reason reason;	/* ANY_REASON: any */
	hint_fn fn;
	const char *text;
};

#define ANY PHASE_NONE
#define ANY_REASON FAIL_R_NONE

/* First match wins: specific rules before their class's general one. */
static const struct rule rules[] = {
	{ FAIL_NETWORK, ANY, FAIL_R_TUNNEL_ENDED, NULL, "the tunnel command "
	  "ended the session: its exit status and error output above say why; "
	  "run it by hand to see that it speaks IMAP on its standard input "
	  "and output" },
	{ FAIL_TIMEOUT, ANY, FAIL_R_TUNNEL_ENDED, NULL, "the tunnel command "
	  "said nothing in time: run it by hand to see that it starts an IMAP "
	  "server; if it is only slow (ssh), raise --timeout" },
	{ FAIL_SERVER, ANY, FAIL_R_TUNNEL_ENDED, NULL, "the tunnel command's "
	  "server refused the session: its text above says why" },
	{ FAIL_DNS, ANY, ANY_REASON, dns_hint, NULL },
	{ FAIL_DNS, ANY, ANY_REASON, NULL, "check the host name; `getent "
	  "hosts NAME` shows what this machine resolves" },
	{ FAIL_REFUSED, ANY, ANY_REASON, connect_hint, NULL },
	{ FAIL_REFUSED, ANY, ANY_REASON, NULL, "nothing listens on that port: "
	  "check Port (--port; 993 for TLS, 143 for STARTTLS) and the "
	  "server" },
	{ FAIL_UNREACHABLE, ANY, ANY_REASON, connect_hint, NULL },
	{ FAIL_UNREACHABLE, ANY, ANY_REASON, NULL, "no route to that address: "
	  "check the address and this machine's network" },
	{ FAIL_TIMEOUT, ANY, FAIL_R_DEADLINE, NULL, "the server answered each "
	  "wait in time but never finished: it is overloaded, or trickling on "
	  "purpose; if it is only slow, raise --deadline" },
	{ FAIL_TIMEOUT, PHASE_CONNECT, ANY_REASON, connect_hint, NULL },
	{ FAIL_TIMEOUT, ANY, ANY_REASON, timeout_hint, NULL },

	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, FAIL_R_TLS_NOT_TLS,
	  plain_port_hint, NULL },
	{ FAIL_TLS_HANDSHAKE, PHASE_STARTTLS, FAIL_R_TLS_NOT_TLS, NULL,
	  "the server accepted STARTTLS but did not speak TLS after it: a "
	  "broken server, or something in between; try Implicit TLS (--ssl, "
	  "port 993)" },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_VERSION, version_hint, NULL },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_NO_PROTOCOLS,
	  version_hint, NULL },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_NO_CIPHERS, NULL,
	  "Ciphers and TLS 1.3 suites (--ciphers, --ciphersuites) leave no "
	  "cipher to offer with these TLS versions: widen or drop them" },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_CERT_REQUIRED, NULL,
	  "the server wants a client certificate: give it with --cert FILE "
	  "and --key FILE (Client cert, Client key)" },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_BAD_CLIENT_CERT, NULL,
	  "the server did not accept the client certificate (--cert): check "
	  "it is the one the server expects, and still valid" },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_UNKNOWN_CLIENT_CA, NULL,
	  "the server does not trust the client certificate's issuer "
	  "(--cert): ask its administrator which CA it accepts" },
	{ FAIL_TLS_HANDSHAKE, ANY, FAIL_R_TLS_NO_SHARED_CIPHER,
	  cipher_hint, NULL },
	{ FAIL_TLS_HANDSHAKE, ANY, ANY_REASON, NULL, "TLS could not be set up "
	  "with this server (see the reason above): TLS min, TLS max and "
	  "Ciphers (--tls-min, --tls-max, --ciphers) change what is offered" },

	{ FAIL_TLS_VERIFY, ANY, ANY_REASON, verify_hint, NULL },
	{ FAIL_TLS_VERIFY, ANY, ANY_REASON, NULL, "the certificate is not "
	  "trusted: see the TLS section, or give the right CA as CA file "
	  "(--ca-file FILE)" },

	{ FAIL_STARTTLS, ANY, FAIL_R_PREAUTH_BEFORE_STARTTLS, NULL,
	  "the server logged in before STARTTLS could run, so TLS cannot "
	  "start (possible downgrade: password not sent): use Implicit TLS "
	  "(--ssl, port 993)" },
	{ FAIL_STARTTLS, ANY, FAIL_R_STARTTLS_NOT_OFFERED, NULL,
	  "the server does not offer STARTTLS (possible downgrade: password "
	  "not sent): use Implicit TLS (--ssl, port 993); to talk to it in "
	  "plain text anyway, --starttls=off (insecure; the password still "
	  "needs --allow-plaintext-auth)" },
	{ FAIL_STARTTLS, ANY, FAIL_R_STARTTLS_REFUSED, NULL, "the server "
	  "refused STARTTLS (possible downgrade: password not sent): use "
	  "Implicit TLS (--ssl, port 993); to talk to it in plain text "
	  "anyway, --starttls=off (insecure; the password still needs "
	  "--allow-plaintext-auth)" },
	{ FAIL_STARTTLS, ANY, ANY_REASON, NULL, "STARTTLS could not run, so "
	  "the password was not sent: use Implicit TLS (--ssl, port 993), or "
	  "--starttls=off for plain text (insecure)" },

	{ FAIL_AUTH, ANY, FAIL_R_PLAINTEXT_WITHHELD, plaintext_hint, NULL },
	{ FAIL_AUTH, ANY, FAIL_R_LOGINDISABLED, logindisabled_hint, NULL },
	{ FAIL_AUTH, ANY, FAIL_R_LOGIN_REFUSED, provider_login_hint, NULL },
	{ FAIL_AUTH, ANY, FAIL_R_LOGIN_REFUSED, login_refused_hint, NULL },
	{ FAIL_AUTH, ANY, FAIL_R_OAUTH_REFUSED, oauth_refused_hint, NULL },
	{ FAIL_AUTH, ANY, FAIL_R_OAUTH_REFUSED, NULL, "the server refused "
	  "the OAuth token and its error challenge could not be read: check "
	  "that the token is current, carries the mail scope and was issued "
	  "for the user" },
	{ FAIL_AUTH, ANY, FAIL_R_TOKEN_NEEDED, token_needed_hint, NULL },
	{ FAIL_AUTH, ANY, FAIL_R_TOKEN_NEEDED, NULL, "the server takes an "
	  "OAuth 2.0 token here, not a password: give a token with "
	  "--oauth-token-command CMD or IMAPCONN_OAUTH_TOKEN" },
	{ FAIL_AUTH, ANY, FAIL_R_OAUTH_NOT_OFFERED, oauth_not_offered_hint,
	  NULL },
	{ FAIL_AUTH, ANY, FAIL_R_OAUTH_NOT_OFFERED, NULL, "the server offers "
	  "no OAuth mechanism here: log in with a password instead of the "
	  "token" },
	{ FAIL_AUTH, ANY, FAIL_R_NO_KERBEROS_TICKET, NULL, "GSSAPI could not "
	  "start: no Kerberos ticket: run kinit (klist shows the credential "
	  "cache, KRB5CCNAME names it); if klist shows one, the KDC may not "
	  "know the server's principal imap/HOST" },
	{ FAIL_AUTH, ANY, FAIL_R_EXTERNAL_NO_CERT, NULL, "EXTERNAL logs in "
	  "with a TLS client certificate: give it with --cert FILE and --key "
	  "FILE (Client cert, Client key)" },
	{ FAIL_AUTH, ANY, FAIL_R_MECH_NOT_OFFERED, mech_not_offered_hint,
	  NULL },
	{ FAIL_AUTH, ANY, ANY_REASON, NULL, "check the user name and the "
	  "password (User, Password)" },

	{ FAIL_SERVER, PHASE_GREETING, FAIL_R_BYE, bye_greeting_hint, NULL },
	{ FAIL_SERVER, ANY, FAIL_R_BYE, NULL, "the server closed the "
	  "connection: its text above says why" },
	{ FAIL_SERVER, ANY, ANY_REASON, NULL, "the server refused the "
	  "command: its text above says why" },

	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_TLS_AT_GREETING, NULL,
	  "this port expects TLS: a TLS record came where the greeting "
	  "belongs; turn on Implicit TLS (--ssl)" },
	{ FAIL_PROTOCOL, PHASE_GREETING, FAIL_R_NOT_IMAP_GREETING,
	  other_protocol_hint, NULL },
	{ FAIL_PROTOCOL, ANY, FAIL_R_STARTTLS_INJECTION, NULL, "someone "
	  "between here and the server may be tampering with the connection: "
	  "use Implicit TLS (--ssl, port 993)" },
	{ FAIL_PROTOCOL, ANY, ANY_REASON, NULL, "the server does not speak "
	  "IMAP as expected: --transcript FILE shows the exchange" },

	{ FAIL_TOO_LARGE, ANY, ANY_REASON, NULL, "the server sent more than "
	  "imapconn accepts in one response: --transcript FILE shows the "
	  "exchange" },

	{ FAIL_NETWORK, PHASE_TLS, FAIL_R_CLOSED_IN_HANDSHAKE, NULL,
	  "the server closed the connection during the TLS handshake: this "
	  "port may not speak TLS (try --no-ssl --starttls), or it refuses "
	  "this client's offer" },
	{ FAIL_NETWORK, PHASE_GREETING, FAIL_R_SERVER_CLOSED, NULL,
	  "the server closed the connection before its greeting: it may "
	  "refuse this address or be overloaded; if this port expects TLS, "
	  "turn on Implicit TLS (--ssl)" },
	{ FAIL_NETWORK, ANY, ANY_REASON, NULL, "the connection broke: "
	  "--transcript FILE shows how far it got" },

	{ FAIL_INPUT, ANY, ANY_REASON, NULL, "check the file or password "
	  "source named above" },
	{ FAIL_USAGE, ANY, ANY_REASON, NULL, "see imapconn --help" },
	{ FAIL_INTERNAL, ANY, ANY_REASON, NULL, "this is a bug in imapconn or "
	  "the system is out of resources" },
	{ FAIL_PIPELINING, ANY, ANY_REASON, NULL, "the server mishandles "
	  "commands sent together: --no-pipelining sends one command per "
	  "round trip (slower, but this server needs it)" },
};

static bool
rule_matches(const struct rule *r, const struct failure *f)
{
	if (r->cls != f->cls)
		return false;
	if (r->phase != ANY && r->phase != f->phase)
		return false;
	return r->reason == ANY_REASON || r->reason == f->reason;
}

static bool
rule_is_general(const struct rule *r)
{
	return r->phase == ANY && r->reason == ANY_REASON && r->fn == NULL;
}

/* ---------------------------------------------------------------- */
/* The API                                                          */

void
diag_input_init(struct diag_input *in, const struct conn_config *cfg)
{
	memset(in, 0, sizeof(*in));
	in->cfg = cfg;
	for (int i = 0; i < PHASE_COUNT; i++)
		in->phase_ms[i] = -1;
	in->now = (int64_t)time(NULL);
}

void
diag_input_add(struct diag_input *in, const struct event *ev)
{
	switch (ev->type) {
	case EV_TLS:
		if (ev->tls != NULL)
			in->tls = ev->tls;
		break;
	case EV_CAPS:
		if (!ev->flag && ev->text != NULL && ev->phase != PHASE_AUTH)
			in->caps_before_tls = ev->text;
		break;
	case EV_PHASE_END:
		if (ev->result != PHASE_SKIPPED &&
		    (unsigned)ev->phase < PHASE_COUNT)
			in->phase_ms[ev->phase] = ev->elapsed_ms;
		break;
	default:
		break;
	}
}

void
diag_explain(struct failure *f, const struct diag_input *in)
{
	char before[FAIL_HINT_MAX];

	if (f->cls == FAIL_NONE || f->cls == FAIL_CANCELLED)
		return;
	memcpy(before, f->hint, sizeof(before));
	for (size_t i = 0; i < NELEM(rules); i++) {
		const struct rule *r = &rules[i];

		if (!rule_matches(r, f))
			continue;
		if (rule_is_general(r) && before[0] != '\0')
			return;
		if (r->fn == NULL) {
			fail_hint(f, "%s", r->text);
			return;
		}
		if (!r->fn(f, in))
			continue;
		if (strlen(f->hint) + 1 < sizeof(f->hint))
			return;
		/* Cut: the rules after it say less, but in one line. */
		memcpy(f->hint, before, sizeof(f->hint));
	}
}
