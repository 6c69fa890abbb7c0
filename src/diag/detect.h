/* detect.h - --detect: find where a domain's IMAP server answers, from
 * RFC 6186 SRV records and the usual names, by probing each candidate
 * on the implicit TLS and STARTTLS ports without credentials.
 *
 * Every certificate is checked for the name the user typed, or for a
 * name derived from it by a fixed rule (imap.NAME, mail.NAME); never
 * for a name learned from DNS, which is not authenticated without
 * DNSSEC (RFC 7817).  The recommendation follows RFC 8314: implicit
 * TLS first, and only with a verified certificate. */
#ifndef IMAPCONN_DETECT_H
#define IMAPCONN_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "autoconfig.h"
#include "config.h"
#include "fail.h"
#include "server_id.h"


#define DETECT_SRV_MAX 4	/* records kept per service */
#define DETECT_PROBES_MAX 32
#define DETECT_TIMEOUT_S 5.0	/* per wait, unless --timeout says */

/* One SRV record (RFC 2782) of _imaps._tcp or _imap._tcp. */
struct detect_srv {
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
	bool implicit_tls;	/* from _imaps._tcp, else _imap._tcp */
	bool none;		/* target ".": the service is not offered */
	char target[CONFIG_HOST_MAX];	/* without the trailing dot */
};

/* What the lookup of one service's SRV records found. */
struct detect_srv_status {
	char qname[CONFIG_HOST_MAX + 16];	/* "_imaps._tcp.example.com" */
	int found;		/* records kept, "." targets included */
	int64_t ms;
	char text[160];		/* "2 records", "no SRV records (...)" */
};

/* Where a candidate host came from. */
enum detect_origin {
	DETECT_FROM_SRV,	/* an SRV target: learned from DNS */
	DETECT_FROM_NAME,	/* the name as typed */
	DETECT_FROM_GUESS,	/* imap.NAME or mail.NAME */
	DETECT_FROM_AUTOCONFIG,	/* an autoconfig file over verified HTTPS */
	DETECT_FROM_AUTOCONFIG_HTTP,	/* the same over plain HTTP: not
					 * authenticated */
	DETECT_FROM_MX		/* the provider the MX host names */
};

enum detect_outcome {
	DETECT_PENDING = 0,
	DETECT_OK,		/* greeting and capabilities over TLS */
	DETECT_CERT,		/* certificate or name not trusted */
	DETECT_REFUSED,
	DETECT_TIMEOUT,
	DETECT_NO_STARTTLS,
	DETECT_DNS,
	DETECT_UNREACHABLE,
	DETECT_TLS,		/* TLS could not be negotiated */
	DETECT_ERROR,		/* anything else */
	DETECT_CANCELLED,
	DETECT_OUTCOME_COUNT
};

/* One probe: a host, a port and a TLS mode, and what it found. */
struct detect_probe {
	char host[CONFIG_HOST_MAX];
	uint16_t port;
	bool implicit_tls;	/* else STARTTLS (required) */
	enum detect_origin origin;
	char check_name[CONFIG_HOST_MAX];	/* certificate checked for */
	enum detect_outcome outcome;
	char detail[FAIL_DETAIL_MAX];	/* the failure's detail, or "" */
	char tls_version[16];	/* "TLSv1.3"; "" if none */
	bool verified;		/* certificate and name checked out */
	char auth[256];		/* AUTH= mechanisms after TLS: "PLAIN
				 * LOGIN"; "" if none */
	bool login_disabled;	/* LOGINDISABLED after TLS */
	char server[SERVER_ID_VALUE_SHOWN];	/* what its ID answer calls
						 * it, escaped: "Dovecot";
						 * "" if nothing */
	int64_t ms;		/* from start to end of the probe */
};

/* What to detect and how. */
struct detect_params {
	char name[CONFIG_HOST_MAX];	/* as typed, trailing dot dropped */
	uint16_t port_tls;		/* implicit TLS, usually 993 */
	uint16_t port_starttls;		/* STARTTLS, usually 143 */
	double timeout_s;		/* per wait */
	struct tls_opts tls;		/* CA, client certificate, versions;
					 * server_name, when given, is the
					 * name every probe checks; else
					 * each probe checks its own */
};

/* Everything a detection found: a plain value, copy it freely. */
struct detect_result {
	struct detect_params params;
	bool name_is_ip;		/* an address: no SRV, no guesses */
	struct detect_srv_status srv_status[2];	/* _imaps, then _imap */
	size_t nsrv;
	struct detect_srv srv[2 * DETECT_SRV_MAX];
	size_t n;
	struct detect_probe probes[DETECT_PROBES_MAX];
	bool ac_asked;			/* an address was given: the
					 * autoconfig sources were asked */
	struct autoconfig_report ac;
	int recommended;		/* index in probes, or -1 */
	int64_t total_ms;
};

/* Whether name is something --detect can probe: a host or domain name
 * (letters, digits, '-', '_', dots; at most 253 characters), an IP
 * address, or an e-mail address at such a domain (its autoconfig
 * sources are then asked too).  0, or -1 with a one-line reason in
 * err. */
int detect_name_check(const char *name, char *err, size_t errcap);

/* Parse a DNS answer of len bytes to an SRV query for qname (no
 * trailing dot) into at most cap records in out, ordered by priority,
 * then by weight (heaviest first).  Records of another type, class or
 * owner name are skipped, and so are records with port 0 or a target
 * that is not a host name.  An answer with an error code holds no
 * records.  Returns the number of records stored, or -1 when the packet
 * is malformed (truncated, bad compression, rdata shorter than its
 * fields).  Does no I/O. */
int detect_srv_parse(const unsigned char *msg, size_t len,
		     const char *qname, bool implicit_tls,
		     struct detect_srv *out, size_t cap);

/* Fill r->probes (and r->n) from r->params and the SRV records in
 * r->srv: SRV targets first (in record order), then the name, then
 * imap.NAME and mail.NAME (not for an address), each on the implicit
 * TLS port and the STARTTLS port, plus each SRV record's own port.  A
 * host is probed once per port and mode; a host that is both an SRV
 * target and the name or a guess counts as the latter.  Certificates
 * are checked for the name typed, except for the guesses, checked for
 * themselves.  Does no I/O. */
void detect_plan(struct detect_result *r);

/* The probe to recommend (RFC 8314): the first that worked with a
 * verified certificate over implicit TLS, else the first over STARTTLS;
 * -1 when none did. */
int detect_recommend(const struct detect_result *r);

/* The endpoint that connects as probe i of r (i < r->n) did: its
 * host, port and TLS mode (implicit TLS, or STARTTLS required), and,
 * when its certificate was checked for another name than the host (an
 * SRV target), that name as the server name, so that a connection made
 * from it checks the certificate for the name typed (RFC 7817).  The
 * other TLS settings are left at their defaults in *ep (the caller's);
 * nothing secret is copied.  Does no I/O. */
void detect_probe_endpoint(const struct detect_result *r, size_t i,
			   struct endpoint *ep);

/* Run a detection: look up the SRV records (each lookup bounded by the
 * timeout), then probe every candidate at once, one session each with
 * no user (so no credentials are ever sent).  Blocks until all are
 * done, the overall deadline (three timeouts) passes or cancel_fd (-1:
 * none) becomes readable; probes still running then are cancelled.
 * Fills *r (the caller's).  Returns 0, or -1 when sessions could not be
 * started (out of memory). */
int detect_collect(const struct detect_params *p, int cancel_fd,
		   struct detect_result *r);

/* What the probes trusted and the name they checked when it was given,
 * one terminal-safe line: "trusting the system store and --ca-file
 * PATH; every certificate checked for NAME (--server-name)". */
void detect_trust_words(const struct detect_result *r, char *buf,
			size_t cap);

/* Why no recommendation came when certificates failed: with CAs given,
 * that they did not help and to look at each problem; else that a
 * private CA needs its file, named as ca_field ("--ca-file"). */
void detect_cert_advice(const struct detect_result *r, const char *ca_field,
			char *buf, size_t cap);

/* Short word for an outcome: "ok", "certificate problem", "refused",
 * ...; and its JSON form: "ok", "certificate", "refused", ... */
const char *detect_outcome_name(enum detect_outcome o);

/* How a table shows a probe: its mode ("implicit TLS", "STARTTLS"),
 * and its result, "ok, NOT verified" where verification was off. */
const char *detect_mode_words(bool implicit_tls);
void detect_result_words(const struct detect_probe *p, char *buf,
			 size_t cap);
const char *detect_outcome_key(enum detect_outcome o);
/* Where probe i's host came from, in words: "the autoconfig file at
 * URL", "an SRV record", ...; for a source of autoconfig, the first
 * that named it. */
void detect_probe_source(const struct detect_result *r, size_t i,
			 char *buf, size_t cap);
/* The user name the autoconfig source of probe i gives for the
 * address (escaped), or NULL when none does. */
const char *detect_probe_user(const struct detect_result *r, size_t i);

#endif
