/* mailbox.h - a mailbox as the server lists it, and the data of an
 * opened (examined or selected) mailbox: plain values for events. */
#ifndef IMAPCONN_MAILBOX_H
#define IMAPCONN_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mbox_flag {
	MBOX_NOSELECT = 1u << 0,
	MBOX_NOINFERIORS = 1u << 1,
	MBOX_HASCHILDREN = 1u << 2,
	MBOX_HASNOCHILDREN = 1u << 3,
	MBOX_MARKED = 1u << 4,
	MBOX_UNMARKED = 1u << 5,
	MBOX_SUBSCRIBED = 1u << 6,
	MBOX_NONEXISTENT = 1u << 7,
	MBOX_REMOTE = 1u << 8
};

enum special_use {
	SPECIAL_NONE = 0,
	SPECIAL_INBOX,		/* not a flag: the name INBOX */
	SPECIAL_ALL,
	SPECIAL_ARCHIVE,
	SPECIAL_DRAFTS,
	SPECIAL_FLAGGED,
	SPECIAL_JUNK,
	SPECIAL_SENT,
	SPECIAL_TRASH,
	SPECIAL_COUNT
};

/* One LIST entry.  raw is the name as the server sent it (for
 * commands), display the decoded and escaped name for people. */
struct mailbox_entry {
	char delim;		/* 0 when the server said NIL */
	unsigned flags;		/* enum mbox_flag bits */
	enum special_use special;
	bool name_valid;	/* false: invalid modified UTF-7, shown raw */
	bool has_status;
	uint32_t messages;
	uint32_t unseen;
	size_t raw_len;
	char *raw;		/* points into the same allocation */
	char *display;		/* points into the same allocation */
};

/* One allocation holding the entry and both names (free() frees it),
 * or NULL when out of memory.  raw may contain any bytes. */
struct mailbox_entry *mailbox_entry_new(const char *raw, size_t raw_len,
					const char *display);

/* A copy of m with other names (one allocation, as mailbox_entry_new),
 * or NULL when out of memory. */
struct mailbox_entry *mailbox_entry_renamed(const struct mailbox_entry *m,
					    const char *raw, size_t raw_len,
					    const char *display);

/* The LIST attribute of one flag bit ("\\Noselect" for MBOX_NOSELECT),
 * or NULL.  The bits' order (lowest first) is the order to show them. */
const char *mailbox_flag_name(unsigned bit);

/* The flag bit of a LIST attribute ("\\Noselect"), case-insensitive;
 * 0 if unknown.  Special-use attributes set *special instead. */
unsigned mailbox_flag_parse(const char *attr, enum special_use *special);

/* Name of a special use ("Sent"); "" for SPECIAL_NONE. */
const char *mailbox_special_name(enum special_use s);

#define MAILBOX_FLAGS_MAX 512
#define MAILBOX_NAME_MAX 1024

/* The reference's mailbox data, from EXAMINE or SELECT. */
struct mailbox_data {
	char name[MAILBOX_NAME_MAX];	/* display form */
	char delim;
	bool read_only;
	bool have_uidvalidity, have_uidnext, have_unseen;
	uint32_t exists;
	uint32_t recent;
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t first_unseen;
	char flags[MAILBOX_FLAGS_MAX];		/* "\\Seen \\Answered ..." */
	char permanent_flags[MAILBOX_FLAGS_MAX];
};

#endif
