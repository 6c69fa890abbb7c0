/* envelope.c - a FETCH (UID FLAGS ENVELOPE) response as the summary
 * line of one message. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "envelope.h"
#include "escape.h"
#include "imap_parse.h"
#include "message.h"
#include "rfc2047.h"

/* The fields of an ENVELOPE (RFC 3501 7.4.2). */
enum env_field {
	ENV_DATE,
	ENV_SUBJECT,
	ENV_FROM,
	ENV_SENDER,
	ENV_REPLY_TO,
	ENV_TO,
	ENV_CC,
	ENV_BCC,
	ENV_IN_REPLY_TO,
	ENV_MESSAGE_ID,
	ENV_COUNT
};

/* The fields of one address. */
enum addr_field {
	ADDR_NAME,
	ADDR_ADL,
	ADDR_MAILBOX,
	ADDR_HOST,
	ADDR_COUNT
};

/* Envelope fields that are address lists; the others are nstrings. */
static const bool env_addr_list[ENV_COUNT] = {
	[ENV_FROM] = true,
	[ENV_SENDER] = true,
	[ENV_REPLY_TO] = true,
	[ENV_TO] = true,
	[ENV_CC] = true,
	[ENV_BCC] = true,
};

/* Raw text is decoded into TEXT_ROOM bytes at most, and never into
 * more than twice the field it is for: escape_text() writes at least
 * one byte for each byte it reads, so text cut here is still longer
 * than the field and is shown cut ("...") as escape_text() cuts. */
#define TEXT_ROOM 1024
#define SUBJECT_MAX sizeof(((struct message_summary *)0)->subject)
#define FROM_MAX sizeof(((struct message_summary *)0)->from)

_Static_assert(2 * SUBJECT_MAX <= TEXT_ROOM, "TEXT_ROOM too small");
_Static_assert(2 * FROM_MAX <= TEXT_ROOM, "TEXT_ROOM too small");

/* A name is shown before the address only if this much room is left
 * for it (NUL included). */
#define NAME_MIN 8

/* What the items of one FETCH gave. */
struct fetch_parts {
	uint32_t uid;
	bool seen;
	bool flagged;
	const struct imap_value *env;	/* NULL: no ENVELOPE */
};

/* Reads the value of one FETCH item into *p: 0, or -1 if malformed. */
typedef int (*fetch_item_fn)(const struct imap_value *v,
			     struct fetch_parts *p);

struct fetch_item {
	const char *name;	/* upper case */
	fetch_item_fn take;
};

static unsigned char
ascii_upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* Is v the atom name (given in upper case), in any case? */
static bool
atom_is(const struct imap_value *v, const char *name)
{
	size_t n = strlen(name);

	if (v->kind != IMAP_V_ATOM || v->len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (ascii_upper((unsigned char)v->str[i]) !=
		    (unsigned char)name[i])
			return false;
	}
	return true;
}

static bool
nstring_ok(const struct imap_value *v)
{
	return v->kind == IMAP_V_STRING || v->kind == IMAP_V_NIL;
}

/* NIL, or a list of addresses of four nstrings each.  An empty list,
 * which RFC 3501 does not allow, is taken as no address. */
static bool
addr_list_ok(const struct imap_value *v)
{
	const struct imap_value *a;

	if (v->kind == IMAP_V_NIL)
		return true;
	if (v->kind != IMAP_V_LIST)
		return false;
	for (size_t i = 0; i < v->n; i++) {
		a = &v->items[i];
		if (a->kind != IMAP_V_LIST || a->n != ADDR_COUNT)
			return false;
		for (size_t k = 0; k < ADDR_COUNT; k++) {
			if (!nstring_ok(&a->items[k]))
				return false;
		}
	}
	return true;
}

static bool
envelope_ok(const struct imap_value *v)
{
	if (v->kind != IMAP_V_LIST || v->n != ENV_COUNT)
		return false;
	for (size_t i = 0; i < ENV_COUNT; i++) {
		if (env_addr_list[i] ? !addr_list_ok(&v->items[i])
				     : !nstring_ok(&v->items[i]))
			return false;
	}
	return true;
}

static int
take_uid(const struct imap_value *v, struct fetch_parts *p)
{
	if (v->kind != IMAP_V_NUMBER || v->num == 0 || v->num > UINT32_MAX)
		return -1;
	p->uid = (uint32_t)v->num;
	return 0;
}

static int
take_flags(const struct imap_value *v, struct fetch_parts *p)
{
	if (v->kind != IMAP_V_LIST)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i].kind != IMAP_V_ATOM)
			return -1;
		if (atom_is(&v->items[i], "\\SEEN"))
			p->seen = true;
		if (atom_is(&v->items[i], "\\FLAGGED"))
			p->flagged = true;
	}
	return 0;
}

static int
take_envelope(const struct imap_value *v, struct fetch_parts *p)
{
	if (!envelope_ok(v))
		return -1;
	p->env = v;
	return 0;
}

/* The FETCH items read; all others are skipped. */
static const struct fetch_item fetch_items[] = {
	{ "UID", take_uid },
	{ "FLAGS", take_flags },
	{ "ENVELOPE", take_envelope },
};

static fetch_item_fn
fetch_item_find(const struct imap_value *name)
{
	for (size_t i = 0; i < sizeof(fetch_items) / sizeof(fetch_items[0]);
	     i++) {
		if (atom_is(name, fetch_items[i].name))
			return fetch_items[i].take;
	}
	return NULL;
}

/* Read the "name value" pairs of a FETCH item list into *p. */
static int
fetch_parts_read(const struct imap_value *att, struct fetch_parts *p)
{
	fetch_item_fn take;
	int rc;

	if (att->n == 0 || att->n % 2 != 0)
		return -1;
	for (size_t i = 0; i < att->n; i += 2) {
		if (att->items[i].kind != IMAP_V_ATOM)
			return -1;
		take = fetch_item_find(&att->items[i]);
		if (take == NULL)
			continue;
		rc = take(&att->items[i + 1], p);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Append n bytes of s to out (cap bytes, at bytes used), as many as
 * fit with the NUL; returns the new length. */
static size_t
cat(char *out, size_t cap, size_t at, const char *s, size_t n)
{
	if (at >= cap)
		return at;
	if (n > cap - 1 - at)
		n = cap - 1 - at;
	memcpy(out + at, s, n);
	out[at + n] = '\0';
	return at + n;
}

/* The bytes of an nstring: "" for NIL. */
static const char *
nstring_bytes(const struct imap_value *v, size_t *len)
{
	if (v->kind != IMAP_V_STRING) {
		*len = 0;
		return "";
	}
	*len = v->len;
	return v->str;
}

/* RFC 2047 decode and escape len bytes of s into out (cap bytes). */
static size_t
put_decoded(const char *s, size_t len, char *out, size_t cap)
{
	char raw[TEXT_ROOM];
	size_t n, room = 2 * cap < sizeof(raw) ? 2 * cap : sizeof(raw);

	n = rfc2047_decode(s, len, raw, room);
	return escape_text(raw, n, out, cap);
}

/* "Name <mailbox@host>", or "mailbox@host" without a name. */
static void
put_address(const struct imap_value *a, char *out, size_t cap)
{
	char raw[TEXT_ROOM], addr[FROM_MAX];
	const char *s;
	size_t len, n = 0, alen, name_cap;

	if (cap > sizeof(addr))
		cap = sizeof(addr);
	s = nstring_bytes(&a[ADDR_MAILBOX], &len);
	n = cat(raw, sizeof(raw), n, s, len);
	n = cat(raw, sizeof(raw), n, "@", 1);
	s = nstring_bytes(&a[ADDR_HOST], &len);
	n = cat(raw, sizeof(raw), n, s, len);
	alen = escape_text(raw, n, addr, cap);

	s = nstring_bytes(&a[ADDR_NAME], &len);
	name_cap = cap > alen + 3 ? cap - alen - 3 : 0;
	n = 0;
	if (len > 0 && name_cap >= NAME_MIN)
		n = put_decoded(s, len, out, name_cap);
	if (n == 0) {
		memcpy(out, addr, alen + 1);
		return;
	}
	n = cat(out, cap, n, " <", 2);
	n = cat(out, cap, n, addr, alen);
	cat(out, cap, n, ">", 1);
}

/* "name:;" for a group without members. */
static void
put_group(const struct imap_value *name, char *out, size_t cap)
{
	const char *s;
	size_t len, n;

	if (cap < 3) {
		out[0] = '\0';
		return;
	}
	s = nstring_bytes(name, &len);
	n = put_decoded(s, len, out, cap - 2);
	cat(out, cap, n, ":;", 2);
}

/* The first mailbox of an address list, skipping group markers
 * (host NIL: mailbox NIL ends a group, else it names one). */
static void
put_from(const struct imap_value *list, char *out, size_t cap)
{
	const struct imap_value *a, *group = NULL;

	out[0] = '\0';
	if (list->kind != IMAP_V_LIST)
		return;
	for (size_t i = 0; i < list->n; i++) {
		a = list->items[i].items;
		if (a[ADDR_HOST].kind != IMAP_V_NIL) {
			put_address(a, out, cap);
			return;
		}
		if (group == NULL && a[ADDR_MAILBOX].kind != IMAP_V_NIL)
			group = &a[ADDR_MAILBOX];
	}
	if (group != NULL)
		put_group(group, out, cap);
}

static bool
is_fetch(const struct imap_response *r)
{
	return r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_ST_NONE &&
	       strcmp(r->keyword, "FETCH") == 0;
}

static void
fill(const struct imap_response *r, const struct fetch_parts *p,
     struct message_summary *m)
{
	const struct imap_value *env = p->env->items;
	const char *s;
	size_t len;

	memset(m, 0, sizeof(*m));
	m->seq = (uint32_t)r->number;
	m->uid = p->uid;
	m->seen = p->seen;
	m->flagged = p->flagged;
	s = nstring_bytes(&env[ENV_DATE], &len);
	escape_text(s, len, m->date, sizeof(m->date));
	s = nstring_bytes(&env[ENV_SUBJECT], &len);
	put_decoded(s, len, m->subject, sizeof(m->subject));
	put_from(&env[ENV_FROM], m->from, sizeof(m->from));
}

int
envelope_from_fetch(const struct imap_response *r,
		    struct message_summary *out)
{
	struct fetch_parts p;
	struct message_summary m;
	const struct imap_value *d = &r->data;
	int rc;

	if (!is_fetch(r))
		return 1;
	if (!r->has_number || r->number == 0 || r->number > UINT32_MAX)
		return -1;
	if (d->kind != IMAP_V_LIST || d->n != 1 ||
	    d->items[0].kind != IMAP_V_LIST)
		return -1;
	memset(&p, 0, sizeof(p));
	rc = fetch_parts_read(&d->items[0], &p);
	if (rc != 0)
		return rc;
	if (p.env == NULL)
		return 1;
	fill(r, &p, &m);
	*out = m;
	return 0;
}
