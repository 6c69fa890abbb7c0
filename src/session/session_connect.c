/* session_connect.c - the connection under IMAP: the name looked up
 * and TCP connected (or a tunnel command started), TLS on it (made
 * early on a thread of its own), and its end. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "session_connect.h"
#include "session_emit.h"
#include "session_int.h"
#include "session_time.h"
#include "session_trust.h"
#include "session_tunnel.h"
#include "thread.h"
#include "tls.h"

/* "127.0.0.1:993" or "[::1]:993" for the connected peer. */
static void
peer_name(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
			snprintf(buf, cap, "[%s]:%u", host, port);
			return;
		}
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			  host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	snprintf(buf, cap, "%s:%u", host, port);
}

static void
attempt_cb(const struct net_attempt *a, void *arg)
{
	struct session *s = arg;
	struct event *ev = event_new(EV_ATTEMPT, PHASE_CONNECT);

	if (ev == NULL)
		return;
	ev->result = a->state;
	ev->elapsed_ms = a->elapsed_ms;
	if (event_set_text(ev, a->addr->text, strlen(a->addr->text)) != 0) {
		event_free(ev);
		return;
	}
	session_emit_event(s, ev);
}

static int
phase_resolve(struct session *s, struct net_addrs *addrs)
{
	const struct endpoint *ep = &s->cfg.ep;

	session_emit_begin(s, PHASE_RESOLVE);
	if (ep->host_unicode[0] != '\0')
		session_emit_note(s, "%s is an international name: its "
				  "A-labels %s are looked up and checked in "
				  "the certificate", ep->host_unicode,
				  ep->host);
	if (net_resolve(ep->host, endpoint_port(ep), ep->kind,
			session_time_deadline(s), s->cancel[0], addrs,
			&s->fail) != 0)
		return -1;
	for (size_t i = 0; i < addrs->n; i++) {
		struct event *ev = event_new(EV_ADDRESS, PHASE_RESOLVE);

		if (ev == NULL)
			continue;
		if (event_set_text(ev, addrs->a[i].text,
				   strlen(addrs->a[i].text)) != 0) {
			event_free(ev);
			continue;
		}
		session_emit_event(s, ev);
	}
	session_emit_end(s, PHASE_OK, "%zu address%s%s", addrs->n,
			 addrs->n == 1 ? "" : "es", ep->kind == ADDR_NAME ? ""
			 : " (an address literal: no lookup)");
	return 0;
}

static int
phase_connect(struct session *s, const struct net_addrs *addrs)
{
	char peer[NET_ADDR_TEXT_MAX + 8];
	int fd = -1;

	session_emit_begin(s, PHASE_CONNECT);
	if (net_connect(addrs, session_time_deadline(s), s->cancel[0],
			attempt_cb, s, &fd, &s->fail) != 0)
		return -1;
	link_init(&s->link, fd, s->cancel[0]);
	peer_name(fd, peer, sizeof(peer));
	session_emit_end(s, PHASE_OK, "%s", peer);
	return 0;
}

/* "TLSv1.3, TLS_AES_256_GCM_SHA384, verified" for a phase line, and
 * why the version or cipher is weak ("" if not) into weak. */
static void
tls_line(struct session *s, char *buf, size_t cap, char *weak,
	 size_t wcap)
{
	struct tls_summary *sum = malloc(sizeof(*sum));

	buf[0] = '\0';
	weak[0] = '\0';
	if (sum == NULL || s->link.tls == NULL) {
		free(sum);
		return;
	}
	tls_get_summary(s->link.tls, sum);
	if (s->trusted_by != NULL)
		snprintf(buf, cap, "%s, %s, trusted: the key %s", sum->version,
			 sum->cipher, strcmp(s->trusted_by, "pin") == 0 ?
			 "matches --pin" : "was accepted before (known_certs)");
	else if (sum->verified)
		snprintf(buf, cap, "%s, %s, verified", sum->version,
			 sum->cipher);
	else
		snprintf(buf, cap, "%s, %s, NOT VERIFIED (%s)", sum->version,
			 sum->cipher, sum->verify_error_text[0] ?
			 sum->verify_error_text : "verification off");
	snprintf(weak, wcap, "%s", sum->details.weak);
	free(sum);
}

/* Making a TLS context costs tens of milliseconds in OpenSSL 3, so it
 * is made on a thread of its own while the name resolves and the TCP
 * connection is set up. */
static void *
tls_prepare_main(void *arg)
{
	struct session *s = arg;
	const struct endpoint *ep = &s->cfg.ep;

	s->tls_ready = tls_client_new(&ep->tls, ep->host, ep->kind,
				      &s->tls_fail);
	return NULL;
}

static void
tls_prepare(struct session *s)
{
	const struct endpoint *ep = &s->cfg.ep;

	if (!ep->ssl && ep->starttls == STARTTLS_OFF)
		return;
	s->tls_preparing = thread_start(&s->tls_thread, NULL,
					tls_prepare_main, s) == 0;
	if (!s->tls_preparing)
		tls_prepare_main(s);
}

/* The prepared client, now the caller's (NULL with *f set). */
static struct tls_client *
tls_take(struct session *s, enum phase p)
{
	struct tls_client *t;

	if (s->tls_preparing)
		pthread_join(s->tls_thread, NULL);
	s->tls_preparing = false;
	t = s->tls_ready;
	s->tls_ready = NULL;
	if (t == NULL && s->tls_fail.cls == FAIL_NONE)
		fail_set(&s->tls_fail, p, FAIL_INTERNAL, "no TLS client");
	if (t == NULL) {
		s->fail = s->tls_fail;
		s->fail.phase = p;
	}
	return t;
}

void
session_connect_discard(struct session *s)
{
	if (s->tls_preparing)
		pthread_join(s->tls_thread, NULL);
	s->tls_preparing = false;
	tls_client_free(s->tls_ready);
	s->tls_ready = NULL;
}

/* TLS on the link in phase p; the summary is reported either way. */
int
session_connect_tls(struct session *s, enum phase p)
{
	const struct endpoint *ep = &s->cfg.ep;
	struct tls_client *t = tls_take(s, p);
	char line[400], weak[sizeof(((struct tls_details *)0)->weak)];
	int rc;

	if (t == NULL) {
		s->usable = false;
		return -1;
	}
	session_trust_prepare(s, t);
	rc = link_start_tls(&s->link, t, session_time_deadline(s), p,
			    &s->fail);
	rc = session_trust_check(s, t, rc);
	session_emit_tls(s);
	if (rc != 0) {
		s->usable = false;
		return -1;
	}
	tls_line(s, line, sizeof(line), weak, sizeof(weak));
	session_emit_end(s, PHASE_OK, "%s", line);
	if (weak[0] != '\0')
		session_emit_note(s, "WEAK TLS: %s", weak);
	if (!ep->tls.verify)
		session_emit_note(s, "the certificate was NOT verified "
				  "(--insecure): anyone on the path could be "
				  "reading this connection");
	return 0;
}

int
session_connect_open(struct session *s)
{
	struct net_addrs addrs;

	tls_prepare(s);
	if (s->cfg.tunnel[0] != '\0')
		return session_tunnel_open(s);
	if (phase_resolve(s, &addrs) != 0 || phase_connect(s, &addrs) != 0)
		return -1;
	return 0;
}

int
session_connect_implicit_tls(struct session *s)
{
	if (!s->cfg.ep.ssl)
		return 0;
	session_emit_begin(s, PHASE_TLS);
	return session_connect_tls(s, PHASE_TLS);
}
