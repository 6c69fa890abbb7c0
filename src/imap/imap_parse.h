/* imap_parse.h - resumable IMAP response parser: bytes in, responses out.
 *
 * The parser does no I/O.  The caller feeds whatever bytes it received;
 * the parser assembles one complete response (the line, every literal it
 * announces and the rest of the line), parses it and hands it back as a
 * plain value.  Every length, count and depth is bounded by a struct
 * imap_limits, checked before anything is allocated.
 *
 * Accepted beyond RFC 3501 / 9051, for real servers:
 *   - a bare LF ends a line like CRLF (a bare CR is a protocol error);
 *   - "* OK" with no text, "+" with no space, runs of spaces between
 *     items, trailing spaces;
 *   - 8-bit bytes in text, quoted strings and atoms (UTF-8 names);
 *   - atoms with "\" and "*" (\Noselect, \*), with "]" outside
 *     response codes (an ASTRING-CHAR: [Gmail]), and FETCH section
 *     atoms with brackets ("BODY[HEADER.FIELDS (FROM)]<0>");
 *   - items glued to a list only as "(...)(...)" (BODYSTRUCTURE); any
 *     other two items need a space between them;
 *   - {n+} and ~{n} (RFC 3516) literals; NUL bytes inside literals;
 *   - a "[" after a status with no "]" on its line starts plain text.
 * Rejected as IMAP_PARSE_BAD: NUL, CR or LF in a quoted string, NUL or
 * a bare CR anywhere outside a literal, a backslash in a quoted string
 * not followed by '"' or '\', unbalanced parentheses, an empty line, a
 * tagged response other than OK, NO or BAD.
 *
 * A "{n}" ending a line announces a literal, except in the free text of
 * a status response or continuation (after "* OK" and any [code]),
 * where it is text: "* OK Hello {5}" is complete.
 *
 * Numbers: a value made only of digits is IMAP_V_NUMBER when it fits 64
 * bits (MODSEQ, X-GM-MSGID), an atom otherwise.  The message number of
 * "* n EXISTS" and the 32-bit values the typed helpers return (EXISTS,
 * UIDVALIDITY, UIDNEXT, ...) are IMAP numbers, 0 to 4294967295: beyond
 * that the response is IMAP_PARSE_BAD, or the helper reports malformed
 * data.  Nothing wraps. */
#ifndef IMAPCONN_IMAP_PARSE_H
#define IMAPCONN_IMAP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fail.h"

/* Bounds on what one server may make the parser hold.  A plain value:
 * fill it with imap_limits_default() and adjust. */
struct imap_limits {
	size_t line_max;	/* bytes in one line, CRLF included; 64 KiB */
	size_t literal_max;	/* bytes in one literal; 16 MiB (the
				 * session asks for less) */
	size_t response_max;	/* bytes in one response, literals and
				 * line ends included; 32 MiB */
	unsigned depth_max;	/* nesting of parenthesised lists; 64
				 * (at most 1000 is used) */
	unsigned items_max;	/* values and literals in one response;
				 * 100000 */
};

/* Fill *l with the defaults above. */
void imap_limits_default(struct imap_limits *l);

enum imap_parse_result {
	IMAP_PARSE_OK = 0,	/* a response is ready: imap_parser_take */
	IMAP_PARSE_NEED_MORE,	/* all input used, no response complete */
	IMAP_PARSE_BAD,		/* the server broke the protocol */
	IMAP_PARSE_TOO_LARGE,	/* a limit was exceeded */
	IMAP_PARSE_NOMEM	/* out of memory */
};

/* "ok", "need-more", "bad", "too-large", "nomem"; never NULL. */
const char *imap_parse_result_name(enum imap_parse_result res);

/* The failure class of a result: FAIL_PROTOCOL for BAD, FAIL_TOO_LARGE,
 * FAIL_INTERNAL for NOMEM, FAIL_NONE for OK and NEED_MORE. */
enum fail_class imap_parse_fail_class(enum imap_parse_result res);

enum imap_resp_kind {
	IMAP_RESP_UNTAGGED,	/* "* ..." */
	IMAP_RESP_TAGGED,	/* "a1 OK ..." */
	IMAP_RESP_CONTINUATION	/* "+ ..." */
};

enum imap_status {
	IMAP_ST_NONE,		/* a data response or a continuation */
	IMAP_ST_OK,
	IMAP_ST_NO,
	IMAP_ST_BAD,
	IMAP_ST_PREAUTH,
	IMAP_ST_BYE
};

/* "OK", "NO", ...; "" for IMAP_ST_NONE; never NULL. */
const char *imap_status_name(enum imap_status s);

/* Response codes, RFC 3501, 4315, 5530, 7162, 9051. */
enum imap_code {
	IMAP_CODE_NONE = 0,	/* no [code] */
	IMAP_CODE_UNKNOWN,	/* a code not in this list */
	IMAP_CODE_ALERT,
	IMAP_CODE_CAPABILITY,
	IMAP_CODE_PERMANENTFLAGS,
	IMAP_CODE_UIDVALIDITY,
	IMAP_CODE_UIDNEXT,
	IMAP_CODE_UNSEEN,
	IMAP_CODE_READ_ONLY,
	IMAP_CODE_READ_WRITE,
	IMAP_CODE_TRYCREATE,
	IMAP_CODE_REFERRAL,
	IMAP_CODE_BADCHARSET,
	IMAP_CODE_PARSE,
	IMAP_CODE_UNAVAILABLE,
	IMAP_CODE_AUTHENTICATIONFAILED,
	IMAP_CODE_AUTHORIZATIONFAILED,
	IMAP_CODE_EXPIRED,
	IMAP_CODE_PRIVACYREQUIRED,
	IMAP_CODE_CONTACTADMIN,
	IMAP_CODE_NOPERM,
	IMAP_CODE_INUSE,
	IMAP_CODE_EXPUNGEISSUED,
	IMAP_CODE_CORRUPTION,
	IMAP_CODE_SERVERBUG,
	IMAP_CODE_CLIENTBUG,
	IMAP_CODE_CANNOT,
	IMAP_CODE_LIMIT,
	IMAP_CODE_OVERQUOTA,
	IMAP_CODE_ALREADYEXISTS,
	IMAP_CODE_NONEXISTENT,
	IMAP_CODE_APPENDUID,
	IMAP_CODE_COPYUID,
	IMAP_CODE_UIDNOTSTICKY,
	IMAP_CODE_HIGHESTMODSEQ,
	IMAP_CODE_NOMODSEQ,
	IMAP_CODE_CLOSED,
	IMAP_CODE_COUNT
};

/* The code as sent on the wire ("READ-ONLY"), "UNKNOWN" for
 * IMAP_CODE_UNKNOWN, "" for IMAP_CODE_NONE; never NULL. */
const char *imap_code_name(enum imap_code c);

enum imap_vkind {
	IMAP_V_ATOM,
	IMAP_V_NUMBER,		/* digits only, fits 64 bits: num */
	IMAP_V_STRING,		/* quoted or literal; may contain NUL */
	IMAP_V_NIL,
	IMAP_V_LIST
};

/* One value.  str is NUL-terminated and len bytes long for every kind
 * but IMAP_V_LIST (NULL, 0): the atom or digits as sent, the unescaped
 * string, "NIL" as sent.  A literal string may contain NUL: use len. */
struct imap_value {
	enum imap_vkind kind;
	char *str;
	size_t len;
	uint64_t num;		/* IMAP_V_NUMBER */
	bool literal;		/* string sent as {n} or ~{n} */
	bool binary;		/* string sent as ~{n} */
	struct imap_value *items;	/* IMAP_V_LIST */
	size_t n;
};

#define IMAP_TAG_MAX 64
#define IMAP_KEYWORD_MAX 32

/* One complete response.  The response owns every pointer in it,
 * including the values nested in code and data; free it with
 * imap_response_free(). */
struct imap_response {
	enum imap_resp_kind kind;
	char tag[IMAP_TAG_MAX + 1];	/* "a1"; "*" untagged; "+" */
	enum imap_status status;	/* IMAP_ST_NONE for data */
	bool has_number;		/* "* 23 EXISTS" */
	uint64_t number;		/* 0 .. 4294967295 */
	/* Upper-cased: "OK", "CAPABILITY", "EXISTS", "FETCH"; "" for a
	 * continuation.  An unknown keyword longer than 31 bytes is
	 * truncated (no known keyword is). */
	char keyword[IMAP_KEYWORD_MAX];
	/* [code ...] as a list whose first item is the code's name as
	 * sent; kind IMAP_V_NIL (str NULL) when there is no code.  A code
	 * whose arguments do not parse as values has its arguments as one
	 * IMAP_V_STRING: "[XFOO a{b]" gives (XFOO "a{b"). */
	struct imap_value code;
	enum imap_code code_kind;
	/* Text after status and code, or of a continuation: raw bytes,
	 * NUL-terminated, without the line end; "" when none.  Escaping
	 * for display is the caller's job. */
	char *text;
	size_t text_len;
	/* Items after the keyword of a data response, as a list; an empty
	 * list for status responses and continuations. */
	struct imap_value data;
	/* The response exactly as received, line ends and literals
	 * included; NUL-terminated. */
	char *raw;
	size_t raw_len;
};

/* Free r and everything it owns; NULL is accepted. */
void imap_response_free(struct imap_response *r);

struct imap_parser;

/* A new parser that copies *l (NULL: the defaults; a zero field: its
 * default).  NULL when out of memory.  Free with imap_parser_free. */
struct imap_parser *imap_parser_new(const struct imap_limits *l);

/* Free p, any response not taken and any partial input; NULL is
 * accepted. */
void imap_parser_free(struct imap_parser *p);

/* Feed len bytes.  *used is set to how many were consumed.
 *   IMAP_PARSE_OK: one response is complete; take it with
 *     imap_parser_take().  Bytes after *used belong to the next
 *     responses: feed them again.  Nothing beyond *used was read (so a
 *     caller can tell that a server sent bytes after a STARTTLS OK).
 *     Feeding again before taking returns OK again with *used = 0.
 *   IMAP_PARSE_NEED_MORE: *used == len; the parser keeps the partial
 *     response, however it was split (inside a line, a literal count,
 *     a literal's bytes).
 *   IMAP_PARSE_BAD, IMAP_PARSE_TOO_LARGE, IMAP_PARSE_NOMEM: see
 *     imap_parser_error().  The error is final: every later feed
 *     returns it again and consumes nothing.
 * buf need not be NUL-terminated and is not kept. */
enum imap_parse_result imap_parser_feed(struct imap_parser *p,
					const char *buf, size_t len,
					size_t *used);

/* The response made complete by the last feed, now owned by the
 * caller (free with imap_response_free); NULL when none is ready. */
struct imap_response *imap_parser_take(struct imap_parser *p);

/* What went wrong, one line, e.g. "quoted string contains NUL at byte
 * 12"; "" when nothing did.  Owned by p, valid until the next call. */
const char *imap_parser_error(const struct imap_parser *p);

/* Bytes of an incomplete response held by p; 0 between responses. */
size_t imap_parser_pending(const struct imap_parser *p);

/* Typed helpers.  Each returns 0 when r carries the data asked for and
 * *out is filled, 1 when r does not carry it (*out untouched), -1 when
 * it is malformed or memory ran out (*out untouched).  What they fill
 * is owned by the caller and independent of r. */

/* Capabilities of "* CAPABILITY ..." or of a "[CAPABILITY ...]" code,
 * spelt as the server sent them (compare them without regard to case).
 * Free with imap_strv_free(*caps, *n). */
int imap_resp_capabilities(const struct imap_response *r, char ***caps,
			   size_t *n);

/* Upper-cased names of "* ENABLED ...".  Free with imap_strv_free. */
int imap_resp_enabled(const struct imap_response *r, char ***names,
		      size_t *n);

/* Free n strings and the array; NULL is accepted. */
void imap_strv_free(char **v, size_t n);

/* One "* LIST (flags) delim name [ext]" (also LSUB and XLIST). */
struct imap_list_entry {
	char keyword[8];	/* "LIST", "LSUB" or "XLIST" */
	char **flags;		/* as sent: "\\HasNoChildren" */
	size_t n_flags;
	char delim;		/* 0 for NIL */
	char *name;		/* raw bytes as sent (quoted, literal or
				 * atom; still modified UTF-7 when the
				 * server uses it), NUL-terminated */
	size_t name_len;	/* a literal name may contain NUL */
	/* Extended data, e.g. ("CHILDINFO" ("SUBSCRIBED")); kind
	 * IMAP_V_NIL when absent. */
	struct imap_value ext;
};

int imap_resp_list(const struct imap_response *r,
		   struct imap_list_entry *out);

/* Free what *e holds and zero it. */
void imap_list_entry_free(struct imap_list_entry *e);

/* STATUS items (RFC 3501, 7162, 9051). */
enum imap_status_item {
	IMAP_SI_MESSAGES,
	IMAP_SI_RECENT,
	IMAP_SI_UIDNEXT,
	IMAP_SI_UIDVALIDITY,
	IMAP_SI_UNSEEN,
	IMAP_SI_DELETED,
	IMAP_SI_SIZE,		/* 64 bits */
	IMAP_SI_HIGHESTMODSEQ,	/* 64 bits */
	IMAP_SI_COUNT
};

/* One "* STATUS name (MESSAGES 3 UNSEEN 1 ...)".  Items the server did
 * not send have has[i] false; unknown items are skipped. */
struct imap_status_info {
	char *name;		/* raw bytes, NUL-terminated */
	size_t name_len;
	bool has[IMAP_SI_COUNT];
	uint64_t value[IMAP_SI_COUNT];
};

int imap_resp_status(const struct imap_response *r,
		     struct imap_status_info *out);

/* Free what *si holds and zero it. */
void imap_status_info_free(struct imap_status_info *si);

enum imap_access {
	IMAP_ACCESS_UNKNOWN = 0,
	IMAP_ACCESS_READ_ONLY,
	IMAP_ACCESS_READ_WRITE
};

/* What SELECT or EXAMINE told about a mailbox, gathered over several
 * responses.  Start from a zeroed struct and pass every response of
 * the command, the tagged one included. */
struct imap_mailbox_info {
	bool has_exists, has_recent, has_uidvalidity, has_uidnext;
	bool has_unseen, has_highestmodseq, has_flags, has_permflags;
	bool nomodseq;
	uint32_t exists;
	uint32_t recent;
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint32_t unseen;	/* first unseen message number */
	uint64_t highestmodseq;
	enum imap_access access;
	char **flags;		/* FLAGS, as sent */
	size_t n_flags;
	char **permflags;	/* PERMANENTFLAGS, as sent, "\\*" included */
	size_t n_permflags;
};

/* Update *mi from r: EXISTS, RECENT, FLAGS, and the codes UIDVALIDITY,
 * UIDNEXT, UNSEEN, PERMANENTFLAGS, HIGHESTMODSEQ, NOMODSEQ, READ-ONLY,
 * READ-WRITE.  Returns 0 when *mi changed, 1 when r carries none of
 * these, -1 when they are malformed (*mi unchanged). */
int imap_resp_mailbox(const struct imap_response *r,
		      struct imap_mailbox_info *mi);

/* Free what *mi holds and zero it. */
void imap_mailbox_info_free(struct imap_mailbox_info *mi);

/* One field of "* ID (...)": value NULL for NIL. */
struct imap_id_field {
	char *key;
	char *value;
};

/* The fields of "* ID (...)", or none (*fields NULL, *n 0) for
 * "* ID NIL".  Free with imap_id_free(*fields, *n). */
int imap_resp_id(const struct imap_response *r,
		 struct imap_id_field **fields, size_t *n);

/* Free n fields and the array; NULL is accepted. */
void imap_id_free(struct imap_id_field *fields, size_t n);

/* True for "* BYE ...": the server is closing; its reason is r->text. */
bool imap_resp_is_bye(const struct imap_response *r);

#endif
