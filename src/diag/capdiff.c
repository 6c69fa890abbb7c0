/* capdiff.c - capability lists compared: before TLS, after TLS and
 * after login, the rows they make and the text that shows them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capdiff.h"
#include "caps.h"
#include "names.h"

#define NAME_W 28		/* a name column in the text table */

enum capdiff_slot
capdiff_slot_of(enum phase p, bool after_tls)
{
	if (p == PHASE_AUTH)
		return CAPDIFF_AFTER_LOGIN;
	return after_tls ? CAPDIFF_AFTER_TLS : CAPDIFF_BEFORE_TLS;
}

enum capdiff_tls
capdiff_tls_of(const struct endpoint *ep)
{
	if (ep->ssl)
		return CAPDIFF_TLS_IMPLICIT;
	return ep->starttls != STARTTLS_OFF ? CAPDIFF_TLS_STARTTLS :
	       CAPDIFF_TLS_NONE;
}

void
capdiff_free(struct capdiff *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->rows[i].name);
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

static struct capdiff_row *
find_row(const struct capdiff *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->rows[i].name) == len
		    && strncasecmp(d->rows[i].name, name, len) == 0)
			return &d->rows[i];
	return NULL;
}

/* Add one name of slot s; -1 when out of memory. */
static int
add_name(struct capdiff *d, enum capdiff_slot s, const char *name,
	 size_t len)
{
	struct capdiff_row *r = find_row(d, name, len);

	if (r != NULL) {
		r->in |= 1u << s;
		return 0;
	}
	if (d->n == CAPDIFF_NAMES_MAX) {
		d->truncated = true;
		return 0;
	}
	r = &d->rows[d->n];
	r->name = strndup(name, len);
	if (r->name == NULL)
		return -1;
	r->in = 1u << s;
	d->n++;
	return 0;
}

static int
add_list(struct capdiff *d, enum capdiff_slot s, const char *list)
{
	d->have[s] = true;
	for (list += strspn(list, " "); *list != '\0';
	     list += strspn(list, " ")) {
		size_t w = strcspn(list, " ");

		if (add_name(d, s, list, w) != 0)
			return -1;
		list += w;
	}
	return 0;
}

int
capdiff_build(struct capdiff *d, const char *const lists[CAPDIFF_SLOTS])
{
	capdiff_free(d);
	d->rows = calloc(CAPDIFF_NAMES_MAX, sizeof(*d->rows));
	if (d->rows == NULL)
		return -1;
	for (int s = 0; s < CAPDIFF_SLOTS; s++) {
		if (lists[s] == NULL)
			continue;
		if (add_list(d, (enum capdiff_slot)s, lists[s]) != 0) {
			capdiff_free(d);
			return -1;
		}
	}
	return 0;
}

enum capdiff_change
capdiff_change(const struct capdiff *d, const struct capdiff_row *r,
	       enum capdiff_slot from, enum capdiff_slot to)
{
	bool a, b;

	if ((unsigned)from >= CAPDIFF_SLOTS || (unsigned)to >= CAPDIFF_SLOTS
	    || !d->have[from] || !d->have[to])
		return CAPDIFF_NONE;
	a = (r->in & (1u << from)) != 0;
	b = (r->in & (1u << to)) != 0;
	if (a && b)
		return CAPDIFF_SAME;
	if (a)
		return CAPDIFF_REMOVED;
	return b ? CAPDIFF_ADDED : CAPDIFF_ABSENT;
}

const char *
capdiff_change_name(enum capdiff_change c)
{
	static const char *const names[] = {
		[CAPDIFF_NONE] = NULL,
		[CAPDIFF_SAME] = "same",
		[CAPDIFF_ADDED] = "added",
		[CAPDIFF_REMOVED] = "removed",
		[CAPDIFF_ABSENT] = "absent",
	};

	return NAMES_GET(names, c, NULL);
}

bool
capdiff_has(const struct capdiff *d, enum capdiff_slot s, const char *name)
{
	const struct capdiff_row *r = find_row(d, name, strlen(name));

	return (unsigned)s < CAPDIFF_SLOTS && r != NULL
	       && (r->in & (1u << s)) != 0;
}

size_t
capdiff_count(const struct capdiff *d, enum capdiff_slot from,
	      enum capdiff_slot to, enum capdiff_change c)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		if (capdiff_change(d, &d->rows[i], from, to) == c)
			n++;
	return n;
}

const char *
capdiff_tls_warning(const struct capdiff *d, const struct capdiff_row *r)
{
	enum capdiff_change c = capdiff_change(d, r, CAPDIFF_BEFORE_TLS,
					       CAPDIFF_AFTER_TLS);

	/* A mechanism the plain link offered and TLS does not suggests
	 * the plain list was not the server's own. */
	if (c == CAPDIFF_REMOVED && strncasecmp(r->name, "AUTH=", 5) == 0)
		return "offered in plain text only, not over TLS";
	if (c == CAPDIFF_ADDED && strcasecmp(r->name, "LOGINDISABLED") == 0)
		return "login disabled only once encrypted";
	if (c == CAPDIFF_ADDED && strcasecmp(r->name, "STARTTLS") == 0)
		return "STARTTLS offered only over TLS";
	return NULL;
}

enum capdiff_slot
capdiff_login_base(const struct capdiff *d)
{
	if (d->have[CAPDIFF_AFTER_TLS])
		return CAPDIFF_AFTER_TLS;
	if (d->have[CAPDIFF_BEFORE_TLS])
		return CAPDIFF_BEFORE_TLS;
	return CAPDIFF_SLOTS;
}

const char *
capdiff_note(const struct capdiff *d, enum capdiff_tls mode)
{
	bool before = d->have[CAPDIFF_BEFORE_TLS];
	bool after = d->have[CAPDIFF_AFTER_TLS];

	if (before && after)
		return NULL;
	if (!before && !after)
		return d->have[CAPDIFF_AFTER_LOGIN] ? "no capabilities "
		       "received before login" : "no capabilities received";
	if (mode == CAPDIFF_TLS_IMPLICIT || !before)
		return "implicit TLS: no plain-text capabilities";
	if (mode == CAPDIFF_TLS_NONE)
		return "no TLS: capabilities seen in plain text only";
	if (!capdiff_has(d, CAPDIFF_BEFORE_TLS, "STARTTLS"))
		return "STARTTLS was not offered (a possible downgrade): no "
		       "capabilities over TLS";
	return "no capabilities were received over TLS";
}

/* Append name to the len bytes of buf (cap bytes), a space before it;
 * when it does not fit with room for " ..." after it, "..." ends the
 * list and false is returned. */
static bool
join_add(char *buf, size_t cap, size_t *len, const char *name)
{
	size_t sep = *len > 0 ? 1 : 0;
	size_t w = strlen(name);

	if (*len + sep + w + 4 >= cap) {
		const char *more = sep ? " ..." : "...";

		if (*len + strlen(more) < cap) {
			memcpy(buf + *len, more, strlen(more) + 1);
			*len += strlen(more);
		}
		return false;
	}
	if (sep)
		buf[(*len)++] = ' ';
	memcpy(buf + *len, name, w + 1);
	*len += w;
	return true;
}

bool
capdiff_usable(const struct capdiff_row *r)
{
	return strncasecmp(r->name, "AUTH=", 5) == 0
	       && caps_mech_usable(r->name + 5, strlen(r->name + 5));
}

size_t
capdiff_mechs(const struct capdiff *d, bool usable, char *buf, size_t cap)
{
	enum capdiff_slot base = capdiff_login_base(d);
	size_t len = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < d->n && base < CAPDIFF_SLOTS; i++) {
		const struct capdiff_row *r = &d->rows[i];

		if ((r->in & (1u << base)) == 0
		    || strncasecmp(r->name, "AUTH=", 5) != 0
		    || capdiff_usable(r) != usable)
			continue;
		if (!join_add(buf, cap, &len, r->name + 5))
			break;
	}
	return len;
}

/* ---- text ----------------------------------------------------------- */

/* Whether row r belongs in a list of names: with from == to, those of
 * that list; else those whose change from..to is want. */
static bool
picked(const struct capdiff *d, const struct capdiff_row *r,
       enum capdiff_slot from, enum capdiff_slot to,
       enum capdiff_change want)
{
	if (from == to)
		return (unsigned)from < CAPDIFF_SLOTS
		       && (r->in & (1u << from)) != 0;
	return capdiff_change(d, r, from, to) == want;
}

size_t
capdiff_join(const struct capdiff *d, enum capdiff_slot from,
	     enum capdiff_slot to, enum capdiff_change want, char *buf,
	     size_t cap)
{
	size_t len = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		const struct capdiff_row *r = &d->rows[i];

		if (picked(d, r, from, to, want)
		    && !join_add(buf, cap, &len, r->name))
			break;
	}
	return len;
}

/* The names of the rows whose change from..to is c (or, with from ==
 * to, the names of that list), wrapped at width after prefix, the
 * following lines indented as deep. */
static void
print_names(const struct capdiff *d, FILE *out, const char *prefix,
	    enum capdiff_slot from, enum capdiff_slot to,
	    enum capdiff_change c, int width)
{
	int indent = (int)strlen(prefix), col = indent;

	fputs(prefix, out);
	for (size_t i = 0; i < d->n; i++) {
		const struct capdiff_row *r = &d->rows[i];
		int w = (int)strlen(r->name);

		if (!picked(d, r, from, to, c))
			continue;
		if (col > indent && col + 1 + w > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
		if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fputs(r->name, out);
		col += w;
	}
	fputc('\n', out);
}

static void
print_cell(FILE *out, const char *s)
{
	int n = (int)strlen(s);

	fputs(s, out);
	for (; n < NAME_W; n++)
		fputc(' ', out);
}

static void
print_table(const struct capdiff *d, FILE *out, const char *indent)
{
	fprintf(out, "%s  ", indent);
	print_cell(out, "before TLS");
	fputs(" | after TLS     (- gone after TLS, + added)\n", out);
	for (size_t i = 0; i < d->n; i++) {
		const struct capdiff_row *r = &d->rows[i];
		enum capdiff_change c = capdiff_change(d, r,
			CAPDIFF_BEFORE_TLS, CAPDIFF_AFTER_TLS);
		const char *warn = capdiff_tls_warning(d, r);

		if (c == CAPDIFF_ABSENT)
			continue;	/* seen after login only */
		fprintf(out, "%s%c ", indent, c == CAPDIFF_ADDED ? '+' :
			c == CAPDIFF_REMOVED ? '-' : ' ');
		print_cell(out, c == CAPDIFF_ADDED ? "" : r->name);
		fputs(c == CAPDIFF_REMOVED ? " |" : " | ", out);
		if (c != CAPDIFF_REMOVED)
			fputs(r->name, out);
		if (warn != NULL)
			fprintf(out, "   WARNING: %s", warn);
		fputc('\n', out);
	}
}

static void
print_login(const struct capdiff *d, FILE *out, const char *indent,
	    int width)
{
	enum capdiff_slot base = capdiff_login_base(d);
	char prefix[64];

	if (!d->have[CAPDIFF_AFTER_LOGIN])
		return;
	if (base == CAPDIFF_SLOTS) {
		snprintf(prefix, sizeof(prefix), "%safter login: ", indent);
		print_names(d, out, prefix, CAPDIFF_AFTER_LOGIN,
			    CAPDIFF_AFTER_LOGIN, CAPDIFF_NONE, width);
		return;
	}
	if (capdiff_count(d, base, CAPDIFF_AFTER_LOGIN, CAPDIFF_ADDED) == 0
	    && capdiff_count(d, base, CAPDIFF_AFTER_LOGIN,
			     CAPDIFF_REMOVED) == 0) {
		fprintf(out, "%safter login: the same\n", indent);
		return;
	}
	snprintf(prefix, sizeof(prefix), "%safter login, added:   ", indent);
	if (capdiff_count(d, base, CAPDIFF_AFTER_LOGIN, CAPDIFF_ADDED) > 0)
		print_names(d, out, prefix, base, CAPDIFF_AFTER_LOGIN,
			    CAPDIFF_ADDED, width);
	snprintf(prefix, sizeof(prefix), "%safter login, removed: ", indent);
	if (capdiff_count(d, base, CAPDIFF_AFTER_LOGIN, CAPDIFF_REMOVED) > 0)
		print_names(d, out, prefix, base, CAPDIFF_AFTER_LOGIN,
			    CAPDIFF_REMOVED, width);
}

void
capdiff_print(const struct capdiff *d, enum capdiff_tls mode, FILE *out,
	      const char *indent, int width)
{
	const char *note = capdiff_note(d, mode);
	char prefix[64];

	if (note == NULL) {
		print_table(d, out, indent);
	} else {
		fprintf(out, "%s(%s)\n", indent, note);
		snprintf(prefix, sizeof(prefix), "%s  ", indent);
		if (d->have[CAPDIFF_AFTER_TLS])
			print_names(d, out, prefix, CAPDIFF_AFTER_TLS,
				    CAPDIFF_AFTER_TLS, CAPDIFF_NONE, width);
		else if (d->have[CAPDIFF_BEFORE_TLS])
			print_names(d, out, prefix, CAPDIFF_BEFORE_TLS,
				    CAPDIFF_BEFORE_TLS, CAPDIFF_NONE, width);
	}
	print_login(d, out, indent, width);
	if (d->truncated)
		fprintf(out, "%s(more than %d names: the rest left out)\n",
			indent, CAPDIFF_NAMES_MAX);
}
