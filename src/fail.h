/* fail.h - every failure is a value: phase, class, detail and hint. */
#ifndef IMAPCONN_FAIL_H
#define IMAPCONN_FAIL_H

#include "phase.h"

enum fail_class {
	FAIL_NONE = 0,
	FAIL_USAGE,		/* bad option or host specification */
	FAIL_INPUT,		/* a file named by an option cannot be read */
	FAIL_DNS,		/* the name does not resolve */
	FAIL_REFUSED,		/* connection refused */
	FAIL_UNREACHABLE,	/* network or host unreachable */
	FAIL_NETWORK,		/* reset, closed, other socket errors */
	FAIL_TIMEOUT,		/* the server did not answer in time */
	FAIL_CANCELLED,		/* the user cancelled */
	FAIL_TLS_VERIFY,	/* certificate or host name not trusted */
	FAIL_TLS_HANDSHAKE,	/* TLS could not be negotiated */
	FAIL_STARTTLS,		/* STARTTLS required but unavailable */
	FAIL_PROTOCOL,		/* the server broke the protocol */
	FAIL_TOO_LARGE,		/* a response exceeded a limit */
	FAIL_SERVER,		/* the server refused (BYE, NO, BAD) */
	FAIL_AUTH,		/* authentication failed or not allowed */
	FAIL_INTERNAL,		/* out of memory, thread, bug */
	FAIL_PIPELINING,	/* the server mishandled commands sent
				 * together in one write */
	FAIL_CLASS_COUNT
};

#define FAIL_DETAIL_MAX 512
#define FAIL_HINT_MAX 256

struct failure {
	enum phase phase;
	enum fail_class cls;
	long long waited_ms;	/* for timeouts: how long it waited */
	char awaited[80];	/* for timeouts: what it waited for ("the
				 * reply to ID (A1)"); "": the phase's */
	char detail[FAIL_DETAIL_MAX];	/* errno text, OpenSSL reason,
					 * server text (already escaped) */
	char hint[FAIL_HINT_MAX];	/* one line: what to try */
};

/* Short name of a class, as in --json ("tls-verify"); never NULL. */
const char *fail_class_name(enum fail_class c);

/* Exit status of --check for a class (0 for FAIL_NONE). */
int fail_exit_code(enum fail_class c);

/* Fill *f; detail is printf-formatted and truncated to fit. */
void fail_set(struct failure *f, enum phase p, enum fail_class c,
	      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set the hint line; printf-formatted, truncated to fit. */
void fail_hint(struct failure *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
