/* check_detect.c - --detect without the network: SRV answers parsed
 * from hand-built DNS packets (compression, ordering, hostile and
 * truncated packets), the plan of probes, the recommendation, the
 * names accepted, and both outputs of a made-up result. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_units.h"
#include "detect.h"
#include "detect_print.h"
#include "hostspec.h"
#include "options.h"
#include "testnet.h"
#include "testopts.h"

/* ---- a small DNS packet builder ------------------------------------- */

struct pkt {
	unsigned char b[2048];
	size_t n;
};

static void
put8(struct pkt *p, unsigned v)
{
	ck_assert_uint_lt(p->n, sizeof(p->b));
	p->b[p->n++] = (unsigned char)v;
}

static void
put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

/* put16s: the N 16-bit values V, in order; PUT16S(p, a, b, ...) counts
 * them. */
static void
put16s(struct pkt *p, const unsigned *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put16(p, v[i]);
}

#define PUT16S(p, ...)							\
	put16s((p), (const unsigned[]){ __VA_ARGS__ },			\
	       sizeof((const unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned))

/* A name as labels ("a.b" -> 1 a 1 b 0); "" is the root. */
static void
put_name(struct pkt *p, const char *name)
{
	while (*name != '\0') {
		size_t w = strcspn(name, ".");

		put8(p, (unsigned)w);
		for (size_t i = 0; i < w; i++)
			put8(p, (unsigned char)name[i]);
		name += w;
		if (*name == '.')
			name++;
	}
	put8(p, 0);
}

/* Labels of name, then a compression pointer to off. */
static void
put_name_ptr(struct pkt *p, const char *labels, unsigned off)
{
	while (*labels != '\0') {
		size_t w = strcspn(labels, ".");

		put8(p, (unsigned)w);
		for (size_t i = 0; i < w; i++)
			put8(p, (unsigned char)labels[i]);
		labels += w;
		if (*labels == '.')
			labels++;
	}
	put16(p, 0xc000 | off);
}

#define QNAME "_imaps._tcp.example.com"
#define QNAME_AT 12		/* the question's name follows the header */
#define EXAMPLE_COM_AT (QNAME_AT + 7 + 5)	/* "example.com" in it */

static void
begin(struct pkt *p, unsigned rcode, unsigned answers)
{
	memset(p, 0, sizeof(*p));
	put16(p, 0x1234);		/* id */
	put16(p, 0x8180 | rcode);	/* response, RD, RA */
	put16(p, 1);			/* one question */
	put16(p, answers);
	put16(p, 0);
	put16(p, 0);
	put_name(p, QNAME);
	put16(p, 33);			/* SRV */
	put16(p, 1);			/* IN */
}

/* An answer's owner (the question's name), type, class and TTL;
 * returns where its rdlength goes. */
static size_t
rr_begin(struct pkt *p, unsigned type)
{
	size_t at;

	put16(p, 0xc000 | QNAME_AT);
	put16(p, type);
	put16(p, 1);
	put16(p, 0);
	put16(p, 300);
	at = p->n;
	put16(p, 0);
	return at;
}

static void
rr_end(struct pkt *p, size_t at)
{
	size_t len = p->n - at - 2;

	p->b[at] = (unsigned char)(len >> 8);
	p->b[at + 1] = (unsigned char)(len & 0xff);
}

static void
srv(struct pkt *p, unsigned prio, unsigned weight, unsigned port,
    const char *target)
{
	size_t at = rr_begin(p, 33);

	put16(p, prio);
	put16(p, weight);
	put16(p, port);
	put_name(p, target);
	rr_end(p, at);
}

static int
parse(const struct pkt *p, struct detect_srv *out, size_t cap)
{
	memset(out, 0, cap * sizeof(*out));
	return detect_srv_parse(p->b, p->n, QNAME, true, out, cap);
}

/* ---- SRV parsing ---------------------------------------------------- */

START_TEST(test_srv_sorted)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];

	begin(&p, 0, 4);
	srv(&p, 10, 0, 993, "b.example.com");
	srv(&p, 0, 5, 993, "light.example.com");
	srv(&p, 0, 50, 10993, "heavy.example.com.");
	srv(&p, 20, 0, 993, "c.example.com");
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 4);
	ck_assert_str_eq(r[0].target, "heavy.example.com");
	ck_assert_int_eq(r[0].port, 10993);
	ck_assert_int_eq(r[0].weight, 50);
	ck_assert_str_eq(r[1].target, "light.example.com");
	ck_assert_str_eq(r[2].target, "b.example.com");
	ck_assert_int_eq(r[2].priority, 10);
	ck_assert_str_eq(r[3].target, "c.example.com");
	ck_assert(r[0].implicit_tls);
	ck_assert(!r[0].none);
}
END_TEST

/* The best cap records are kept, whatever the order they came in. */
START_TEST(test_srv_cap)
{
	struct pkt p;
	struct detect_srv r[3];

	begin(&p, 0, 6);
	for (unsigned prio = 6; prio > 0; prio--) {
		char name[32];

		snprintf(name, sizeof(name), "p%u.example.com", prio);
		srv(&p, prio, 0, 993, name);
	}
	ck_assert_int_eq(parse(&p, r, 3), 3);
	ck_assert_str_eq(r[0].target, "p1.example.com");
	ck_assert_str_eq(r[1].target, "p2.example.com");
	ck_assert_str_eq(r[2].target, "p3.example.com");
}
END_TEST

START_TEST(test_srv_compressed_target)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];
	size_t at;

	begin(&p, 0, 1);
	at = rr_begin(&p, 33);
	PUT16S(&p, 1, 1, 993);
	put_name_ptr(&p, "imap", EXAMPLE_COM_AT);
	rr_end(&p, at);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 1);
	ck_assert_str_eq(r[0].target, "imap.example.com");
}
END_TEST

/* RFC 2782: a target of "." says the service is not offered. */
START_TEST(test_srv_dot)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];

	begin(&p, 0, 1);
	srv(&p, 0, 0, 0, "");
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 1);
	ck_assert(r[0].none);
	ck_assert_str_eq(r[0].target, "");
}
END_TEST

/* Other types, other owners, port 0 and targets that are not host
 * names are skipped; the good record stays. */
START_TEST(test_srv_skipped)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];
	size_t at;

	begin(&p, 0, 6);
	at = rr_begin(&p, 5);			/* a CNAME */
	put_name(&p, "elsewhere.example.com");
	rr_end(&p, at);
	put_name(&p, "_imap._tcp.example.com");	/* another owner */
	PUT16S(&p, 33, 1, 0, 300);
	at = p.n;
	PUT16S(&p, 0, 0, 0, 143);
	put_name(&p, "other.example.com");
	rr_end(&p, at);
	srv(&p, 0, 0, 0, "port0.example.com");
	srv(&p, 0, 0, 993, "bad name.example.com");
	srv(&p, 0, 0, 993, "-dash.example.com");
	srv(&p, 5, 0, 993, "good.example.com");
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 1);
	ck_assert_str_eq(r[0].target, "good.example.com");
}
END_TEST

START_TEST(test_srv_nxdomain)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];

	begin(&p, 3, 0);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 0);
	begin(&p, 0, 0);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 0);
}
END_TEST

/* Every truncation of a good answer is either malformed or holds fewer
 * records; never more, never a crash. */
START_TEST(test_srv_truncated)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];
	size_t full;

	begin(&p, 0, 2);
	srv(&p, 0, 0, 993, "a.example.com");
	srv(&p, 1, 0, 993, "b.example.com");
	full = p.n;
	for (size_t len = 0; len < full; len++) {
		int n = detect_srv_parse(p.b, len, QNAME, true, r,
					 DETECT_SRV_MAX);

		ck_assert_msg(n == -1, "length %zu gave %d", len, n);
	}
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), 2);
}
END_TEST

START_TEST(test_srv_malformed)
{
	struct pkt p;
	struct detect_srv r[DETECT_SRV_MAX];
	size_t at;

	/* rdata too short for priority, weight, port and a name */
	begin(&p, 0, 1);
	at = rr_begin(&p, 33);
	PUT16S(&p, 0, 0);
	put8(&p, 0);
	rr_end(&p, at);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), -1);

	/* the target runs past its rdata, into the next record (an A
	 * record in the additional section, owner "ab": 2 a b 0) */
	begin(&p, 0, 1);
	p.b[11] = 1;
	at = rr_begin(&p, 33);
	PUT16S(&p, 0, 0, 993);
	put8(&p, 4);
	put8(&p, 'i');
	rr_end(&p, at);
	put_name(&p, "ab");
	PUT16S(&p, 1, 1, 0, 300, 4, 0x7f00, 0x0001);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), -1);

	/* a compression pointer to itself */
	begin(&p, 0, 1);
	at = rr_begin(&p, 33);
	PUT16S(&p, 0, 0, 993);
	put16(&p, 0xc000 | (unsigned)p.n);
	rr_end(&p, at);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), -1);

	/* a compression pointer past the end */
	begin(&p, 0, 1);
	at = rr_begin(&p, 33);
	PUT16S(&p, 0, 0, 993, 0xc000 | 0x3ff);
	rr_end(&p, at);
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), -1);

	/* more answers announced than present */
	begin(&p, 0, 3);
	srv(&p, 0, 0, 993, "a.example.com");
	ck_assert_int_eq(parse(&p, r, DETECT_SRV_MAX), -1);
}
END_TEST

/* ---- the plan ------------------------------------------------------- */

static void
params(struct detect_result *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->params.name, sizeof(r->params.name), "%s", name);
	r->params.port_tls = 993;
	r->params.port_starttls = 143;
	r->params.timeout_s = 5;
	r->recommended = -1;
}

struct want {
	const char *host;
	unsigned port;
	bool implicit_tls;
	enum detect_origin origin;
	const char *check;
};

static void
assert_plan(const struct detect_result *r, const struct want *w, size_t n)
{
	ck_assert_uint_eq(r->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct detect_probe *p = &r->probes[i];

		ck_assert_str_eq(p->host, w[i].host);
		ck_assert_uint_eq(p->port, w[i].port);
		ck_assert_int_eq(p->implicit_tls, w[i].implicit_tls);
		ck_assert_int_eq(p->origin, w[i].origin);
		ck_assert_str_eq(p->check_name, w[i].check);
		ck_assert_int_eq(p->outcome, DETECT_PENDING);
	}
}

START_TEST(test_plan_no_srv)
{
	static const struct want w[] = {
		{ "example.com", 993, true, DETECT_FROM_NAME, "example.com" },
		{ "example.com", 143, false, DETECT_FROM_NAME, "example.com" },
		{ "imap.example.com", 993, true, DETECT_FROM_GUESS,
		  "imap.example.com" },
		{ "imap.example.com", 143, false, DETECT_FROM_GUESS,
		  "imap.example.com" },
		{ "mail.example.com", 993, true, DETECT_FROM_GUESS,
		  "mail.example.com" },
		{ "mail.example.com", 143, false, DETECT_FROM_GUESS,
		  "mail.example.com" },
	};
	struct detect_result *r = malloc(sizeof(*r));

	params(r, "example.com");
	detect_plan(r);
	assert_plan(r, w, sizeof(w) / sizeof(w[0]));
	free(r);
}
END_TEST

/* SRV targets come first and are checked for the name typed; one that
 * is also a guess is checked for itself; an SRV record's own port is
 * probed too; a "." record adds nothing. */
START_TEST(test_plan_srv)
{
	static const struct want w[] = {
		{ "mx.example.net", 993, true, DETECT_FROM_SRV,
		  "example.com" },
		{ "mx.example.net", 143, false, DETECT_FROM_SRV,
		  "example.com" },
		{ "imap.example.com", 993, true, DETECT_FROM_GUESS,
		  "imap.example.com" },
		{ "imap.example.com", 143, false, DETECT_FROM_GUESS,
		  "imap.example.com" },
		{ "imap.example.com", 1143, false, DETECT_FROM_GUESS,
		  "imap.example.com" },
		{ "example.com", 993, true, DETECT_FROM_NAME, "example.com" },
		{ "example.com", 143, false, DETECT_FROM_NAME, "example.com" },
		{ "mail.example.com", 993, true, DETECT_FROM_GUESS,
		  "mail.example.com" },
		{ "mail.example.com", 143, false, DETECT_FROM_GUESS,
		  "mail.example.com" },
	};
	struct detect_result *r = malloc(sizeof(*r));

	params(r, "example.com");
	r->srv[0] = (struct detect_srv){ .priority = 0, .port = 993,
		.implicit_tls = true, .target = "mx.example.net" };
	r->srv[1] = (struct detect_srv){ .priority = 0, .port = 1143,
		.implicit_tls = false, .target = "imap.example.com" };
	r->srv[2] = (struct detect_srv){ .none = true };
	r->nsrv = 3;
	detect_plan(r);
	assert_plan(r, w, sizeof(w) / sizeof(w[0]));
	free(r);
}
END_TEST

START_TEST(test_plan_address)
{
	static const struct want w[] = {
		{ "192.0.2.7", 1993, true, DETECT_FROM_NAME, "192.0.2.7" },
		{ "192.0.2.7", 1143, false, DETECT_FROM_NAME, "192.0.2.7" },
	};
	struct detect_result *r = malloc(sizeof(*r));

	params(r, "192.0.2.7");
	r->name_is_ip = true;
	r->params.port_tls = 1993;
	r->params.port_starttls = 1143;
	detect_plan(r);
	assert_plan(r, w, sizeof(w) / sizeof(w[0]));
	free(r);
}
END_TEST

/* The same port for both modes still gives two probes. */
START_TEST(test_plan_same_port)
{
	struct detect_result *r = malloc(sizeof(*r));

	params(r, "localhost");
	r->params.port_tls = 10143;
	r->params.port_starttls = 10143;
	detect_plan(r);
	ck_assert_uint_eq(r->n, 6);
	ck_assert(r->probes[0].implicit_tls);
	ck_assert(!r->probes[1].implicit_tls);
	free(r);
}
END_TEST

/* ---- the recommendation --------------------------------------------- */

static void
set_probe(struct detect_result *r, size_t i, bool implicit_tls,
	  enum detect_outcome o, bool verified)
{
	r->probes[i].implicit_tls = implicit_tls;
	r->probes[i].outcome = o;
	r->probes[i].verified = verified;
	if (r->n <= i)
		r->n = i + 1;
}

START_TEST(test_recommend)
{
	struct detect_result *r = malloc(sizeof(*r));

	params(r, "example.com");
	set_probe(r, 0, false, DETECT_OK, true);
	set_probe(r, 1, true, DETECT_OK, false);
	set_probe(r, 2, true, DETECT_CERT, false);
	set_probe(r, 3, true, DETECT_OK, true);
	set_probe(r, 4, true, DETECT_OK, true);
	ck_assert_int_eq(detect_recommend(r), 3);
	set_probe(r, 3, true, DETECT_TIMEOUT, false);
	set_probe(r, 4, true, DETECT_REFUSED, false);
	ck_assert_int_eq(detect_recommend(r), 0);
	set_probe(r, 0, false, DETECT_NO_STARTTLS, false);
	ck_assert_int_eq(detect_recommend(r), -1);
	free(r);
}
END_TEST

/* What a row chosen from the table connects to: the probe's host, port
 * and mode, the certificate still checked for the name typed. */
START_TEST(test_probe_endpoint)
{
	static const struct {
		size_t probe;
		const char *host;
		unsigned port;
		bool ssl;
		enum starttls_mode starttls;
		const char *server_name;
	} w[] = {
		{ 0, "mx.example.net", 993, true, STARTTLS_OFF,
		  "example.com" },
		{ 1, "mx.example.net", 143, false, STARTTLS_REQUIRED,
		  "example.com" },
		{ 2, "imap.example.com", 993, true, STARTTLS_OFF, "" },
		{ 4, "imap.example.com", 1143, false, STARTTLS_REQUIRED, "" },
		{ 6, "example.com", 143, false, STARTTLS_REQUIRED, "" },
	};
	struct detect_result *r = malloc(sizeof(*r));
	struct endpoint ep, back;
	struct hostspec_error err;

	params(r, "example.com");
	r->srv[0] = (struct detect_srv){ .port = 993, .implicit_tls = true,
		.target = "mx.example.net" };
	r->srv[1] = (struct detect_srv){ .port = 1143,
		.target = "imap.example.com" };
	r->nsrv = 2;
	detect_plan(r);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		detect_probe_endpoint(r, w[i].probe, &ep);
		ck_assert_str_eq(ep.host, w[i].host);
		ck_assert_int_eq(ep.kind, ADDR_NAME);
		ck_assert_uint_eq(ep.port, w[i].port);
		ck_assert(ep.ssl == w[i].ssl && ep.ssl_set);
		ck_assert(ep.starttls == w[i].starttls && ep.starttls_set);
		ck_assert_str_eq(ep.tls.server_name, w[i].server_name);
		ck_assert(ep.tls.verify);
		ck_assert_str_eq(ep.tls.key_password, "");
	}
	/* An address: no server name; the host reads back as itself. */
	params(r, "2001:db8::7");
	r->name_is_ip = true;
	detect_plan(r);
	detect_probe_endpoint(r, 1, &ep);
	ck_assert_str_eq(ep.host, "2001:db8::7");
	ck_assert_int_eq(ep.kind, ADDR_IPV6);
	ck_assert(!ep.ssl && ep.starttls == STARTTLS_REQUIRED);
	ck_assert_str_eq(ep.tls.server_name, "");
	ck_assert_int_eq(hostspec_parse(ep.host, strlen(ep.host), &back,
					&err), 0);
	ck_assert_str_eq(back.host, ep.host);
	ck_assert_int_eq(back.kind, ADDR_IPV6);
	free(r);
}
END_TEST

/* ---- names and words ------------------------------------------------ */

START_TEST(test_names)
{
	static const struct {
		const char *name;
		int ok;
	} names[] = {
		{ "example.com", 0 }, { "localhost", 0 },
		{ "example.com.", 0 }, { "a_b.example", 0 },
		{ "127.0.0.1", 0 }, { "::1", 0 }, { "2001:db8::7", 0 },
		{ "xn--caf-dma.example", 0 },
		{ "", -1 }, { ".", -1 }, { "a..b", -1 }, { ".a", -1 },
		{ "exa mple.com", -1 }, { "-x.example", -1 },
		{ "x-.example", -1 }, { "host:993", -1 },
		{ "imap://example.com", -1 }, { "a\nb", -1 },
		{ "caf\xc3\xa9.example", -1 }, { "[::1]", -1 },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(detect_name_check(names[i].name, err,
						sizeof(err)) == names[i].ok,
			      "%s", names[i].name);
	ck_assert_int_eq(detect_name_check("a\033[2Jb", err, sizeof(err)),
			 -1);
	ck_assert_ptr_null(strchr(err, '\033'));
}
END_TEST

START_TEST(test_long_names)
{
	char name[300];
	char err[256];

	/* 63 is the longest label */
	memset(name, 'a', 63);
	strcpy(name + 63, ".example");
	ck_assert_int_eq(detect_name_check(name, err, sizeof(err)), 0);
	memset(name, 'a', 64);
	strcpy(name + 64, ".example");
	ck_assert_int_eq(detect_name_check(name, err, sizeof(err)), -1);
	/* 253 is the longest name: 63 + 1 + 63 + 1 + 63 + 1 + 61 */
	memset(name, 'a', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	ck_assert_int_eq(detect_name_check(name, err, sizeof(err)), 0);
	name[253] = 'a';
	name[254] = '\0';
	ck_assert_int_eq(detect_name_check(name, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_outcome_words)
{
	for (int i = 0; i < DETECT_OUTCOME_COUNT; i++) {
		ck_assert_ptr_nonnull(detect_outcome_name(i));
		ck_assert_ptr_nonnull(detect_outcome_key(i));
		for (int k = 0; k < i; k++)
			ck_assert_str_ne(detect_outcome_key(i),
					 detect_outcome_key(k));
	}
	ck_assert_str_eq(detect_outcome_name(DETECT_CERT),
			 "certificate problem");
	ck_assert_str_eq(detect_outcome_name(DETECT_NO_STARTTLS),
			 "no STARTTLS");
	ck_assert_str_eq(detect_outcome_key(DETECT_NO_STARTTLS),
			 "no-starttls");
}
END_TEST

/* ---- outputs -------------------------------------------------------- */

static struct detect_result *
made_up_result(void)
{
	struct detect_result *r = malloc(sizeof(*r));

	params(r, "example.com");
	snprintf(r->params.tls.ca_file, sizeof(r->params.tls.ca_file),
		 "/tmp/it's/ca.pem");
	r->srv[0] = (struct detect_srv){ .priority = 0, .port = 993,
		.implicit_tls = true, .target = "mx.example.net" };
	r->nsrv = 1;
	snprintf(r->srv_status[0].qname, sizeof(r->srv_status[0].qname),
		 "_imaps._tcp.example.com");
	snprintf(r->srv_status[0].text, sizeof(r->srv_status[0].text),
		 "1 record");
	snprintf(r->srv_status[1].qname, sizeof(r->srv_status[1].qname),
		 "_imap._tcp.example.com");
	snprintf(r->srv_status[1].text, sizeof(r->srv_status[1].text),
		 "no SRV records (the name does not exist)");
	detect_plan(r);
	r->probes[0].outcome = DETECT_CERT;
	snprintf(r->probes[0].detail, sizeof(r->probes[0].detail),
		 "certificate verify failed: hostname mismatch");
	r->probes[1].outcome = DETECT_NO_STARTTLS;
	r->probes[2].outcome = DETECT_OK;
	r->probes[2].verified = true;
	snprintf(r->probes[2].tls_version, sizeof(r->probes[2].tls_version),
		 "TLSv1.3");
	snprintf(r->probes[2].auth, sizeof(r->probes[2].auth),
		 "PLAIN LOGIN");
	snprintf(r->probes[2].server, sizeof(r->probes[2].server),
		 "Dovecot 2.3.19");
	r->recommended = detect_recommend(r);
	return r;
}

static char *
print(const struct detect_result *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (json)
		detect_print_json(r, m);
	else
		detect_print_text(r, m);
	fclose(m);
	return buf;
}

START_TEST(test_text_output)
{
	struct detect_result *r = made_up_result();
	char *out = print(r, false);

	ck_assert_int_eq(r->recommended, 2);
	ck_assert_ptr_nonnull(strstr(out, "note: the SRV target "
				     "mx.example.net differs from "
				     "example.com"));
	ck_assert_ptr_nonnull(strstr(out, "(RFC 7817)"));
	ck_assert_ptr_nonnull(strstr(out, "  mx.example.net      993  "
				     "implicit TLS  certificate problem  "
				     "-        -\n"));
	ck_assert_ptr_nonnull(strstr(out, "  example.com         993  "
				     "implicit TLS  ok                   "
				     "TLSv1.3  PLAIN LOGIN\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nservers, as their ID answers "
				     "name them\n  example.com port 993, "
				     "implicit TLS: Dovecot 2.3.19\n\n"));
	ck_assert_ptr_nonnull(strstr(out, "recommended: example.com port "
				     "993, implicit TLS, certificate "
				     "verified for example.com\n"));
	ck_assert_ptr_nonnull(strstr(out, "imapconn --check --ssl "
				     "--ca-file '/tmp/it'\\''s/ca.pem' -u "
				     "USER example.com:993\n"));
	free(out);
	free(r);
}
END_TEST

START_TEST(test_json_output)
{
	struct detect_result *r = made_up_result();
	char *out = print(r, true);

	ck_assert_ptr_nonnull(strstr(out, "\"srv_records\":[{\"service\":"
				     "\"imaps\",\"priority\":0,\"weight\":0,"
				     "\"port\":993,\"target\":"
				     "\"mx.example.net\"}]"));
	ck_assert_ptr_nonnull(strstr(out, "{\"host\":\"mx.example.net\","
				     "\"origin\":\"srv\",\"port\":993,"
				     "\"mode\":\"implicit-tls\","
				     "\"checked_name\":\"example.com\","
				     "\"result\":\"certificate\""));
	ck_assert_ptr_nonnull(strstr(out, "\"auth\":[\"PLAIN\",\"LOGIN\"],"
				     "\"login_disabled\":false,\"server\":"
				     "\"Dovecot 2.3.19\""));
	ck_assert_ptr_nonnull(strstr(out, "\"login_disabled\":false,"
				     "\"server\":null"));
	ck_assert_ptr_nonnull(strstr(out, "\"recommended\":{\"host\":"
				     "\"example.com\",\"port\":993,"
				     "\"mode\":\"implicit-tls\""));
	ck_assert_int_eq(out[strlen(out) - 1], '\n');
	free(out);
	free(r);
}
END_TEST

/* ---- probing, against a loopback listener that never answers -------- */

static void
silent_params(struct detect_params *p, uint16_t port, double timeout_s)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "127.0.0.1");
	p->port_tls = port;
	p->port_starttls = port;
	p->timeout_s = timeout_s;
	tls_opts_init(&p->tls);
}

/* The handshake and the greeting never come: both probes time out and
 * nothing is recommended.  (The time bounds leave room for valgrind.) */
START_TEST(test_collect_timeout)
{
	struct detect_params p;
	struct detect_result *r = malloc(sizeof(*r));
	uint16_t port;
	int lfd = test_listen_loopback(8, &port);

	silent_params(&p, port, 0.3);
	ck_assert_int_eq(detect_collect(&p, -1, r), 0);
	ck_assert_uint_eq(r->n, 2);
	ck_assert(r->name_is_ip);
	for (size_t i = 0; i < r->n; i++) {
		ck_assert_int_eq(r->probes[i].outcome, DETECT_TIMEOUT);
		ck_assert_str_ne(r->probes[i].detail, "");
	}
	ck_assert_int_eq(r->recommended, -1);
	ck_assert_int_lt(r->total_ms, 15000);
	close(lfd);
	free(r);
}
END_TEST

/* A readable cancel descriptor ends every probe at once. */
START_TEST(test_collect_cancel)
{
	struct detect_params p;
	struct detect_result *r = malloc(sizeof(*r));
	uint16_t port;
	int lfd = test_listen_loopback(8, &port);
	int pfd[2];

	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	silent_params(&p, port, 60);
	ck_assert_int_eq(detect_collect(&p, pfd[0], r), 0);
	for (size_t i = 0; i < r->n; i++)
		ck_assert_int_eq(r->probes[i].outcome, DETECT_CANCELLED);
	ck_assert_int_lt(r->total_ms, 15000);
	close(pfd[0]);
	close(pfd[1]);
	close(lfd);
	free(r);
}
END_TEST

/* ---- the options ---------------------------------------------------- */

START_TEST(test_options)
{
	struct options *o = malloc(sizeof(*o));
	char err[OPTIONS_ERR_MAX];

	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--detect",
				     "example.com", NULL), 0);
	ck_assert_int_eq(o->mode, MODE_DETECT);
	ck_assert_str_eq(o->detect_name, "example.com");
	ck_assert_int_eq(o->detect_port_tls, 0);
	ck_assert(!o->timeout_given);
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err),
				     "--detect=localhost", "--json",
				     "--detect-ports", "10993,10143",
				     "--timeout", "2", "--ca-file", "/ca.pem",
				     NULL), 0);
	ck_assert(o->json);
	ck_assert_int_eq(o->detect_port_tls, 10993);
	ck_assert_int_eq(o->detect_port_starttls, 10143);
	ck_assert(o->timeout_given);
	ck_assert(o->cfg.timeout_s == 2);
	ck_assert_str_eq(o->cfg.ep.tls.ca_file, "/ca.pem");
	/* The interface detects too: the ports go to its form. */
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--detect-ports",
				     "10993,10143", "localhost", NULL), 0);
	ck_assert_int_eq(o->mode, MODE_UI);
	ck_assert_int_eq(o->detect_port_tls, 10993);
	ck_assert_int_eq(o->detect_port_starttls, 10143);
	free(o);
}
END_TEST

START_TEST(test_option_errors)
{
	static const struct {
		const char *a[4];
		const char *msg;
	} bad[] = {
		{ { "--detect", "a b" }, "expected a domain or host name" },
		{ { "--detect", "x", "h" }, "give no HOST as well" },
		{ { "--detect-ports=993,143", "--check", "h" },
		  "--detect-ports goes with --detect" },
		{ { "--detect-ports=993,143", "--dry-run", "h" },
		  "--detect-ports goes with --detect" },
		{ { "--detect=x", "--detect-ports=993" }, "two ports" },
		{ { "--detect=x", "--detect-ports=0,143" }, "two ports" },
		{ { "--detect=x", "--detect-ports=993," }, "two ports" },
		{ { "--detect=x", "--detect-ports=993,143x" }, "two ports" },
		{ { "--detect=x", "--detect-ports=993,65536" }, "two ports" },
		{ { "--detect=x", "--detect-ports=+993,143" }, "two ports" },
	};
	struct options *o = malloc(sizeof(*o));
	char err[OPTIONS_ERR_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = test_parse_words(o, err, sizeof(err), bad[i].a[0],
				     bad[i].a[1], bad[i].a[2], bad[i].a[3],
				     NULL);

		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(err, bad[i].msg) != NULL, "%zu: %s", i,
			      err);
	}
	free(o);
}
END_TEST

Suite *
suite_detect(void)
{
	Suite *s = suite_create("detect");
	TCase *tc;

	units_case(s, "srv", test_srv_sorted, test_srv_cap,
		   test_srv_compressed_target, test_srv_dot, test_srv_skipped,
		   test_srv_nxdomain, test_srv_truncated, test_srv_malformed,
		   NULL);

	units_case(s, "plan", test_plan_no_srv, test_plan_srv,
		   test_plan_address, test_plan_same_port, test_recommend,
		   test_probe_endpoint, NULL);

	units_case(s, "words", test_names, test_long_names, test_outcome_words,
		   test_text_output, test_json_output, NULL);

	units_case(s, "options", test_options, test_option_errors, NULL);

	tc = units_case(s, "probing", test_collect_timeout,
			test_collect_cancel, NULL);
	tcase_set_timeout(tc, 60);
	return s;
}
