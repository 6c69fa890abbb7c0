/* server_id.c - the pairs of a server's "* ID (...)", bounded and
 * escaped, and the lines that show them. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "imap_parse.h"
#include "names.h"
#include "server_id.h"

#define KEY_W 14		/* the key column in text output */

void
server_id_init(struct server_id *id)
{
	memset(id, 0, sizeof(*id));
	id->result = SERVER_ID_NO_DATA;
}

static bool
have_key(const struct server_id *id, const char *key)
{
	for (size_t i = 0; i < id->n; i++)
		if (strcasecmp(id->field[i].key, key) == 0)
			return true;
	return false;
}

/* Keep one pair when it is (string nstring) with a new, non-empty key
 * and there is room; count it as left out otherwise. */
static void
take_pair(struct server_id *id, const struct imap_value *k,
	  const struct imap_value *v)
{
	struct server_id_field *f = &id->field[id->n];

	if (id->n == SERVER_ID_PAIRS_MAX || k->kind != IMAP_V_STRING
	    || k->len == 0 || (v->kind != IMAP_V_STRING
			       && v->kind != IMAP_V_NIL)) {
		id->left_out++;
		return;
	}
	escape_text(k->str, k->len, f->key, sizeof(f->key));
	if (have_key(id, f->key)) {
		id->left_out++;
		return;
	}
	f->nil = v->kind == IMAP_V_NIL;
	if (f->nil)
		f->value[0] = '\0';
	else
		escape_text(v->str, v->len, f->value, sizeof(f->value));
	id->n++;
}

int
server_id_take(struct server_id *id, const struct imap_response *r)
{
	const struct imap_value *d = r->data.items;

	if (r->kind != IMAP_RESP_UNTAGGED || r->has_number
	    || strcmp(r->keyword, "ID") != 0)
		return 1;
	if (id->result != SERVER_ID_NO_DATA)
		return 0;
	if (r->data.n != 1 || (d[0].kind != IMAP_V_NIL
			       && d[0].kind != IMAP_V_LIST)) {
		id->result = SERVER_ID_MALFORMED;
		return 0;
	}
	if (d[0].kind == IMAP_V_NIL) {
		id->result = SERVER_ID_NIL;
		return 0;
	}
	id->result = SERVER_ID_ANSWERED;
	for (size_t i = 0; i + 1 < d[0].n; i += 2)
		take_pair(id, &d[0].items[i], &d[0].items[i + 1]);
	if (d[0].n % 2 != 0)
		id->left_out++;		/* a key without a value */
	return 0;
}

void
server_id_finish(struct server_id *id, const struct imap_response *done)
{
	size_t n;

	if (done->status == IMAP_ST_OK)
		return;
	id->result = SERVER_ID_REFUSED;
	n = (size_t)snprintf(id->text, sizeof(id->text), "%s: ",
			     imap_status_name(done->status));
	if (n < sizeof(id->text))
		escape_text(done->text, done->text_len, id->text + n,
			    sizeof(id->text) - n);
}

const char *
server_id_result_name(enum server_id_result r)
{
	static const char *const names[] = {
		[SERVER_ID_NO_DATA] = "no-data",
		[SERVER_ID_ANSWERED] = "answered",
		[SERVER_ID_NIL] = "nil",
		[SERVER_ID_MALFORMED] = "malformed",
		[SERVER_ID_REFUSED] = "refused",
	};

	return NAMES_GET(names, r, "unknown");
}

const char *
server_id_get(const struct server_id *id, const char *key)
{
	for (size_t i = 0; i < id->n; i++)
		if (strcasecmp(id->field[i].key, key) == 0)
			return id->field[i].nil ? NULL : id->field[i].value;
	return NULL;
}

/* What the answer was, when it holds no pairs to show. */
static const char *
result_words(const struct server_id *id)
{
	switch (id->result) {
	case SERVER_ID_NIL:
		return "nothing told (ID NIL)";
	case SERVER_ID_MALFORMED:
		return "a malformed answer, ignored";
	case SERVER_ID_NO_DATA:
		return "no answer (OK without \"* ID\")";
	case SERVER_ID_REFUSED:
		return "refused";
	default:
		return "no pairs";
	}
}

/* End the line after its last whole pair (snprintf may have cut a
 * UTF-8 sequence in two), with "..." when it fits. */
static size_t
cut_line(char *buf, size_t len, size_t cap)
{
	const char *more = len > 0 ? "; ..." : "...";
	size_t add = strlen(more);

	buf[len] = '\0';
	if (len + add < cap) {
		memcpy(buf + len, more, add + 1);
		len += add;
	}
	return len;
}

size_t
server_id_line(const struct server_id *id, char *buf, size_t cap)
{
	size_t len = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (id->result == SERVER_ID_REFUSED)
		snprintf(buf, cap, "refused (%s)", id->text);
	else if (id->n == 0)
		snprintf(buf, cap, "%s", result_words(id));
	if (id->result == SERVER_ID_REFUSED || id->n == 0)
		return strlen(buf);
	for (size_t i = 0; i < id->n; i++) {
		const struct server_id_field *f = &id->field[i];
		int w = snprintf(buf + len, cap - len, "%s%s=%s",
				 i > 0 ? "; " : "", f->key, f->nil ? "NIL" :
				 f->value);

		if (w < 0 || (size_t)w >= cap - len)
			return cut_line(buf, len, cap);
		len += (size_t)w;
	}
	return len;
}

void
server_id_print(const struct server_id *id, FILE *out, const char *indent)
{
	if (id->result == SERVER_ID_REFUSED) {
		fprintf(out, "%srefused (%s); the session went on\n", indent,
			id->text);
		return;
	}
	if (id->n == 0)
		fprintf(out, "%s%s\n", indent, result_words(id));
	for (size_t i = 0; i < id->n; i++) {
		const struct server_id_field *f = &id->field[i];

		fprintf(out, "%s%-*s %s\n", indent, KEY_W, f->key, f->nil ?
			"NIL" : f->value);
	}
	if (id->left_out > 0)
		fprintf(out, "%s(%zu pair%s left out: past %d, malformed or "
			"repeated)\n", indent, id->left_out,
			id->left_out == 1 ? "" : "s", SERVER_ID_PAIRS_MAX);
}
