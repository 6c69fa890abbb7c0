/* server_id.h - what a server says about itself in reply to ID
 * (RFC 2971): name, version, vendor and the like as key/value pairs,
 * taken from hostile input with bounds and escaped for display.
 *
 * A struct server_id is a plain value with no pointers: an event owns
 * one as a single allocation (free()), and consumers copy it. */
#ifndef IMAPCONN_SERVER_ID_H
#define IMAPCONN_SERVER_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct imap_response;

#define SERVER_ID_PAIRS_MAX 30	/* RFC 2971 allows no more */
#define SERVER_ID_KEY_SHOWN 64	/* an escaped key, NUL included; RFC 2971
				 * keys are at most 30 bytes */
#define SERVER_ID_VALUE_SHOWN 256	/* an escaped value, NUL included */
#define SERVER_ID_TEXT_MAX 256	/* the escaped text of a refusal */

enum server_id_result {
	SERVER_ID_NO_DATA = 0,	/* the reply came without "* ID" */
	SERVER_ID_ANSWERED,	/* "* ID (...)": the pairs kept */
	SERVER_ID_NIL,		/* "* ID NIL": nothing to tell */
	SERVER_ID_MALFORMED,	/* "* ID" followed by something else */
	SERVER_ID_REFUSED	/* a tagged NO or BAD */
};

/* One pair.  Both strings are escape_text() output, cut with "..."
 * when too long, so any of them is safe on a terminal. */
struct server_id_field {
	char key[SERVER_ID_KEY_SHOWN];
	char value[SERVER_ID_VALUE_SHOWN];	/* "" when nil */
	bool nil;				/* the value was NIL */
};

struct server_id {
	enum server_id_result result;
	size_t n;
	/* Pairs not kept: beyond SERVER_ID_PAIRS_MAX, not a (string
	 * nstring) pair, an empty key, a key already kept, a key without
	 * a value. */
	size_t left_out;
	struct server_id_field field[SERVER_ID_PAIRS_MAX];
	char text[SERVER_ID_TEXT_MAX];	/* REFUSED: "BAD: ...", escaped */
};

/* Empty: no data yet. */
void server_id_init(struct server_id *id);

/* Take r when it is an untagged "* ID ..." response: 0 taken (a later
 * one is ignored: the first answer counts), 1 not an ID response. */
int server_id_take(struct server_id *id, const struct imap_response *r);

/* The tagged reply to ID: a NO or BAD makes it REFUSED, with the
 * server's text. */
void server_id_finish(struct server_id *id, const struct imap_response *done);

/* "no-data", "answered", "nil", "malformed", "refused"; never NULL. */
const char *server_id_result_name(enum server_id_result r);

/* The value of key (compared without case); NULL when not there or
 * NIL. */
const char *server_id_get(const struct server_id *id, const char *key);

/* One line for a narrow place: "name=Dovecot; version=2.3", or what
 * the answer was ("ID NIL", "refused: BAD ...").  Always
 * NUL-terminated (cap > 0); returns the length written. */
size_t server_id_line(const struct server_id *id, char *buf, size_t cap);

/* Text lines for --check and the report, each after indent: one per
 * pair ("name      Dovecot"), or one saying what the answer was. */
void server_id_print(const struct server_id *id, FILE *out,
		     const char *indent);

#endif
