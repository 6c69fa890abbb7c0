/* mailbox.c - LIST entries, their attributes and special uses. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailbox.h"
#include "names.h"

struct mailbox_entry *
mailbox_entry_new(const char *raw, size_t raw_len, const char *display)
{
	size_t dlen = strlen(display);
	struct mailbox_entry *e;

	e = calloc(1, sizeof(*e) + raw_len + 1 + dlen + 1);
	if (e == NULL)
		return NULL;
	e->raw = (char *)(e + 1);
	memcpy(e->raw, raw, raw_len);
	e->raw[raw_len] = '\0';
	e->raw_len = raw_len;
	e->display = e->raw + raw_len + 1;
	memcpy(e->display, display, dlen + 1);
	e->name_valid = true;
	return e;
}

struct mailbox_entry *
mailbox_entry_renamed(const struct mailbox_entry *m, const char *raw,
		      size_t raw_len, const char *display)
{
	struct mailbox_entry *e = mailbox_entry_new(raw, raw_len, display);
	char *r, *d;

	if (e == NULL)
		return NULL;
	r = e->raw;
	d = e->display;
	*e = *m;
	e->raw = r;
	e->raw_len = raw_len;
	e->display = d;
	return e;
}

static const struct {
	const char *attr;
	unsigned flag;
	enum special_use special;
} attr_table[] = {
	{ "\\Noselect", MBOX_NOSELECT, SPECIAL_NONE },
	{ "\\NoInferiors", MBOX_NOINFERIORS, SPECIAL_NONE },
	{ "\\HasChildren", MBOX_HASCHILDREN, SPECIAL_NONE },
	{ "\\HasNoChildren", MBOX_HASNOCHILDREN, SPECIAL_NONE },
	{ "\\Marked", MBOX_MARKED, SPECIAL_NONE },
	{ "\\Unmarked", MBOX_UNMARKED, SPECIAL_NONE },
	{ "\\Subscribed", MBOX_SUBSCRIBED, SPECIAL_NONE },
	{ "\\NonExistent", MBOX_NONEXISTENT | MBOX_NOSELECT, SPECIAL_NONE },
	{ "\\Remote", MBOX_REMOTE, SPECIAL_NONE },
	{ "\\All", 0, SPECIAL_ALL },
	{ "\\Archive", 0, SPECIAL_ARCHIVE },
	{ "\\Drafts", 0, SPECIAL_DRAFTS },
	{ "\\Flagged", 0, SPECIAL_FLAGGED },
	{ "\\Junk", 0, SPECIAL_JUNK },
	{ "\\Sent", 0, SPECIAL_SENT },
	{ "\\Trash", 0, SPECIAL_TRASH },
};

const char *
mailbox_flag_name(unsigned bit)
{
	/* The first entry holding the bit: \Noselect comes before
	 * \NonExistent, which also sets it. */
	for (size_t i = 0; i < sizeof(attr_table) / sizeof(attr_table[0]);
	     i++)
		if (bit != 0 && (attr_table[i].flag & bit) == bit)
			return attr_table[i].attr;
	return NULL;
}

unsigned
mailbox_flag_parse(const char *attr, enum special_use *special)
{
	for (size_t i = 0; i < sizeof(attr_table) / sizeof(attr_table[0]);
	     i++) {
		if (strcasecmp(attr, attr_table[i].attr) != 0)
			continue;
		if (attr_table[i].special != SPECIAL_NONE)
			*special = attr_table[i].special;
		return attr_table[i].flag;
	}
	return 0;
}

static const char *const special_names[SPECIAL_COUNT] = {
	[SPECIAL_NONE] = "",
	[SPECIAL_INBOX] = "Inbox",
	[SPECIAL_ALL] = "All",
	[SPECIAL_ARCHIVE] = "Archive",
	[SPECIAL_DRAFTS] = "Drafts",
	[SPECIAL_FLAGGED] = "Flagged",
	[SPECIAL_JUNK] = "Junk",
	[SPECIAL_SENT] = "Sent",
	[SPECIAL_TRASH] = "Trash",
};

const char *
mailbox_special_name(enum special_use s)
{
	return NAMES_GET(special_names, s, "");
}
