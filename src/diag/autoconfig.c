/* autoconfig.c - from an address to a server, as Thunderbird looks it
 * up: the autoconfig files over HTTPS (libcurl, verified, at once and
 * each bounded), the same over plain HTTP (not authenticated), and the
 * domain's MX host when it names a large provider. */
#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "autoconfig.h"
#include "clock.h"
#include "escape.h"
#include "thread.h"
#include "providers.h"
#include "weblibs.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define HTTP_SOURCES AC_MX	/* the sources fetched over HTTP(S) */

/* One HTTP(S) fetch and the body it brought, bounded. */
struct fetch {
	CURL *h;
	struct autoconfig_source *src;
	char *body;
	size_t len;
	bool too_large;
	int64_t t0;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t n = size * nmemb;
	char *grown;

	if (f->len + n > CLIENTCONFIG_BODY_MAX) {
		f->too_large = true;
		return 0;
	}
	grown = realloc(f->body, f->len + n + 1);
	if (grown == NULL)
		return 0;
	f->body = grown;
	memcpy(f->body + f->len, data, n);
	f->len += n;
	f->body[f->len] = '\0';
	return n;
}

/* --ca-file trusted alongside the system store (curl's CAINFO would
 * replace it). */
static CURLcode
add_ca(CURL *h, void *ssl_ctx, void *arg)
{
	X509_STORE *st = SSL_CTX_get_cert_store(ssl_ctx);

	(void)h;
	if (X509_STORE_load_file(st, arg) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

/* IMAPCONN_TEST_CONNECT_TO as a curl list, or NULL. */
static struct curl_slist *
connect_to_list(void)
{
	const struct weblibs_curl *cu = weblibs_curl(NULL, 0);
	const char *env = getenv("IMAPCONN_TEST_CONNECT_TO");
	struct curl_slist *l = NULL;
	char buf[1024], *save = NULL;

	if (env == NULL || snprintf(buf, sizeof(buf), "%s", env)
	    >= (int)sizeof(buf))
		return NULL;
	for (char *t = strtok_r(buf, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		struct curl_slist *n = cu->slist_append(l, t);

		if (n == NULL)
			break;
		l = n;
	}
	return l;
}

static void
where_of(struct autoconfig_report *r, enum autoconfig_kind k, char *buf,
	 size_t cap)
{
	const struct weblibs_curl *cu = weblibs_curl(NULL, 0);
	char *q = cu->easy_escape(NULL, r->email, 0);
	const char *e = q != NULL ? q : "";

	switch (k) {
	case AC_AUTOCONFIG:
	case AC_AUTOCONFIG_HTTP:
		snprintf(buf, cap, "%s://autoconfig.%s/mail/config-v1.1.xml"
			 "?emailaddress=%s", k == AC_AUTOCONFIG ? "https"
			 : "http", r->domain, e);
		break;
	case AC_WELL_KNOWN:
		snprintf(buf, cap, "https://%s/.well-known/autoconfig/mail/"
			 "config-v1.1.xml?emailaddress=%s", r->domain, e);
		break;
	default:
		snprintf(buf, cap, "https://autoconfig.thunderbird.net/v1.1/"
			 "%s", r->domain);
		break;
	}
	cu->free(q);
}

static CURL *
new_handle(struct fetch *f, double timeout_s, const char *ca_file,
	   struct curl_slist *connect_to)
{
	const struct weblibs_curl *cu = weblibs_curl(NULL, 0);
	bool https = f->src->kind != AC_AUTOCONFIG_HTTP;
	const char *proto = https ? "https" : "http";
	CURL *h = cu->easy_init();

	if (h == NULL)
		return NULL;
	cu->easy_setopt(h, CURLOPT_URL, f->src->where);
	cu->easy_setopt(h, CURLOPT_PROTOCOLS_STR, proto);
	cu->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, proto);
	cu->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	cu->easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	cu->easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_s * 1000));
	cu->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
	cu->easy_setopt(h, CURLOPT_USERAGENT, "imapconn");
	cu->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	cu->easy_setopt(h, CURLOPT_WRITEDATA, f);
	if (connect_to != NULL)
		cu->easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
	if (https && ca_file != NULL && ca_file[0] != '\0') {
		cu->easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, add_ca);
		cu->easy_setopt(h, CURLOPT_SSL_CTX_DATA, ca_file);
	}
	return h;
}

/* What a finished fetch said, into its source. */
static void
fetch_done(struct fetch *f, CURLcode rc, const char *email)
{
	const struct weblibs_curl *cu = weblibs_curl(NULL, 0);
	struct autoconfig_source *s = f->src;
	long code = 0;
	char why[160];

	s->ms = clock_ms() - f->t0;
	cu->easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &code);
	if (f->too_large) {
		snprintf(s->said, sizeof(s->said), "larger than %d KiB: not "
			 "read", CLIENTCONFIG_BODY_MAX / 1024);
	} else if (rc != CURLE_OK) {
		escape_text(cu->easy_strerror(rc),
			    strlen(cu->easy_strerror(rc)), why, sizeof(why));
		snprintf(s->said, sizeof(s->said), "%s", why);
	} else if (code != 200) {
		snprintf(s->said, sizeof(s->said), "HTTP %ld", code);
	} else if (clientconfig_parse(f->body != NULL ? f->body : "", f->len,
				      email, s->servers,
				      AUTOCONFIG_SERVERS_MAX, &s->n, s->said,
				      sizeof(s->said)) == 0) {
		s->authenticated = s->kind != AC_AUTOCONFIG_HTTP;
	}
}

/* Run the fetches to their end. */
static void
fetch_all(struct fetch *f, size_t n, const char *email)
{
	const struct weblibs_curl *cu = weblibs_curl(NULL, 0);
	CURLM *m = cu->multi_init();
	int running = 0;
	CURLMsg *msg;
	int left;

	if (m == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if (f[i].h != NULL)
			cu->multi_add_handle(m, f[i].h);
	do {
		if (cu->multi_perform(m, &running) != CURLM_OK)
			break;
		if (running > 0)
			cu->multi_poll(m, NULL, 0, 200, NULL);
	} while (running > 0);
	while ((msg = cu->multi_info_read(m, &left)) != NULL)
		for (size_t i = 0; i < n; i++)
			if (msg->msg == CURLMSG_DONE && f[i].h == msg->easy_handle)
				fetch_done(&f[i], msg->data.result, email);
	for (size_t i = 0; i < n; i++)
		if (f[i].h != NULL)
			cu->multi_remove_handle(m, f[i].h);
	cu->multi_cleanup(m);
}

/* Without libcurl, each web source says why it was not asked. */
static void
http_unavailable(struct autoconfig_report *r, const char *why)
{
	char clean[200];

	escape_text(why, strlen(why), clean, sizeof(clean));
	for (size_t k = 0; k < HTTP_SOURCES; k++)
		snprintf(r->src[k].said, sizeof(r->src[k].said),
			 "could not be asked: %s", clean);
}

static void
lookup_http(struct autoconfig_report *r, double timeout_s,
	    const char *ca_file)
{
	char why[200];
	const struct weblibs_curl *cu = weblibs_curl(why, sizeof(why));
	struct curl_slist *connect_to;
	struct fetch f[HTTP_SOURCES];

	if (cu == NULL) {
		http_unavailable(r, why);
		return;
	}
	connect_to = connect_to_list();
	memset(f, 0, sizeof(f));
	for (size_t k = 0; k < HTTP_SOURCES; k++) {
		f[k].src = &r->src[k];
		where_of(r, (enum autoconfig_kind)k, r->src[k].where,
			 sizeof(r->src[k].where));
		snprintf(r->src[k].said, sizeof(r->src[k].said),
			 "could not be asked");
		f[k].t0 = clock_ms();
		f[k].h = new_handle(&f[k], timeout_s, ca_file, connect_to);
	}
	fetch_all(f, HTTP_SOURCES, r->email);
	for (size_t k = 0; k < HTTP_SOURCES; k++) {
		cu->easy_cleanup(f[k].h);
		free(f[k].body);
	}
	cu->slist_free_all(connect_to);
}

/* The MX host of lowest preference in msg into host; 0 or -1. */
static int
mx_first(const unsigned char *msg, int len, char *host, size_t cap)
{
	ns_msg h;
	ns_rr rr;
	int best = 65536;

	if (ns_initparse(msg, len, &h) != 0)
		return -1;
	for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
		char name[NS_MAXDNAME];
		int pref;

		if (ns_parserr(&h, ns_s_an, i, &rr) != 0
		    || ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		pref = ns_get16(ns_rr_rdata(rr));
		if (pref >= best || dn_expand(ns_msg_base(h), ns_msg_end(h),
					      ns_rr_rdata(rr) + 2, name,
					      sizeof(name)) < 0)
			continue;
		best = pref;
		snprintf(host, cap, "%s", name);
	}
	return best < 65536 ? 0 : -1;
}

/* The MX record, and the provider its host names. */
static void
lookup_mx(struct autoconfig_report *r, double timeout_s)
{
	struct autoconfig_source *s = &r->src[AC_MX];
	unsigned char ans[4096];
	struct __res_state rs;
	const struct provider *p;
	char mx[NS_MAXDNAME], shown[120];
	int64_t t0 = clock_ms();
	int len = -1;

	snprintf(s->where, sizeof(s->where), "MX of %s", r->domain);
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) == 0) {
		rs.retrans = timeout_s >= 1 ? (int)timeout_s : 1;
		rs.retry = 1;
		len = res_nquery(&rs, r->domain, ns_c_in, ns_t_mx, ans,
				 sizeof(ans));
		res_nclose(&rs);
	}
	s->ms = clock_ms() - t0;
	if (len < 0 || mx_first(ans, len > (int)sizeof(ans) ?
				(int)sizeof(ans) : len, mx, sizeof(mx)) != 0) {
		snprintf(s->said, sizeof(s->said), "no MX record");
		return;
	}
	escape_text(mx, strlen(mx), shown, sizeof(shown));
	p = providers_find(mx);
	if (p == NULL) {
		snprintf(s->said, sizeof(s->said), "%s: no provider known "
			 "by it", shown);
		return;
	}
	snprintf(s->said, sizeof(s->said), "%s: %s's servers", shown,
		 p->name);
	snprintf(s->servers[0].host, sizeof(s->servers[0].host), "%s",
		 p->host);
	s->servers[0].port = 993;
	s->servers[0].socket = CC_SSL;
	s->n = 1;
}

struct mx_job {
	struct autoconfig_report *r;
	double timeout_s;
};

static void *
mx_job(void *arg)
{
	struct mx_job *j = arg;

	lookup_mx(j->r, j->timeout_s);
	return NULL;
}

void
autoconfig_lookup(struct autoconfig_report *r, const char *name,
		  double timeout_s, const char *ca_file)
{
	const char *at = strrchr(name, '@');
	struct mx_job job = { r, timeout_s };
	pthread_t th;
	bool started;

	memset(r, 0, sizeof(*r));
	if (at != NULL)
		snprintf(r->email, sizeof(r->email), "%s", name);
	snprintf(r->domain, sizeof(r->domain), "%s",
		 at != NULL ? at + 1 : name);
	for (size_t k = 0; k < AC_KIND_COUNT; k++)
		r->src[k].kind = (enum autoconfig_kind)k;
	/* The MX record while the files are fetched: each writes only
	 * its own source. */
	started = thread_start(&th, NULL, mx_job, &job) == 0;
	lookup_http(r, timeout_s, ca_file);
	if (started)
		pthread_join(th, NULL);
	else
		lookup_mx(r, timeout_s);
}

const char *
autoconfig_kind_key(enum autoconfig_kind k)
{
	static const char *const keys[AC_KIND_COUNT] = {
		"autoconfig", "well-known", "ispdb", "autoconfig-http", "mx"
	};

	return (unsigned)k < AC_KIND_COUNT ? keys[k] : "?";
}
