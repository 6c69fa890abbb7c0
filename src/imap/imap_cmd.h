/* imap_cmd.h - IMAP commands out: tags, the one quoting function, and the
 * redacted transcript line built beside the bytes sent.
 *
 * A command is built into a struct imap_cmd by imap_cmd_begin(), then
 * arguments, then imap_cmd_end().  Every string argument goes through
 * one quoting function that picks atom, quoted string or literal.  CR,
 * LF and NUL are never sent: they make the command fail with an error
 * value naming the field, the byte and its offset.
 *
 * Errors are sticky: after the first one, the following calls do
 * nothing and return it again, so a builder can check only the result
 * of imap_cmd_end().  imap_cmd_begin() clears it.  Any other call
 * before the first begin or after imap_cmd_end() returns
 * IMAP_CMD_E_STATE and changes nothing.
 *
 * The finished command is a sequence of segments.  Each ends with CRLF,
 * either the end of a line or of a synchronising literal's "{n}": after
 * sending a segment whose wait flag is set, the caller must wait for
 * the server's "+" continuation before sending the next (or give up on
 * a tagged NO/BAD).  Each segment comes with its transcript text: the
 * same bytes without the final CRLF, where every secret is replaced by
 * its placeholder, whatever its wire form ("A1 LOGIN bob <password>").
 * The text of a segment may still hold the CRLF of a non-synchronising
 * literal, never a secret: escape it before showing it. */
#ifndef IMAPCONN_IMAP_CMD_H
#define IMAPCONN_IMAP_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMAP_CMD_MAX (1024 * 1024)	/* bytes of one command, all
					 * segments; larger is refused */
#define IMAP_CMD_QUOTED_MAX 1000	/* longer strings go as literals */
#define IMAP_CMD_LITERAL_MINUS_MAX 4096	/* LITERAL-: largest {n+} */
#define IMAP_CMD_TAG_PREFIX_MAX 8	/* prefix letters, with the NUL */
#define IMAP_CMD_TAG_MAX 32		/* a tag, with the NUL */
#define IMAP_CMD_FIELD_MAX 32		/* a field name in an error */

/* What the server advertised, for imap_cmd_set_flags(). */
enum imap_cmd_flag {
	IMAP_CMD_LITERAL_PLUS = 1u << 0,	/* every literal as {n+} */
	IMAP_CMD_LITERAL_MINUS = 1u << 1	/* {n+} up to 4096 bytes */
};

/* RETURN options of imap_cmd_list(). */
enum imap_list_return {
	IMAP_LIST_CHILDREN = 1u << 0,
	IMAP_LIST_SPECIAL_USE = 1u << 1,
	IMAP_LIST_STATUS = 1u << 2	/* STATUS (MESSAGES UNSEEN) */
};

enum imap_cmd_err {
	IMAP_CMD_OK = 0,
	IMAP_CMD_E_BYTE,	/* CR, LF or NUL in an argument */
	IMAP_CMD_E_TOO_BIG,	/* the command would exceed IMAP_CMD_MAX */
	IMAP_CMD_E_NOMEM,	/* out of memory */
	IMAP_CMD_E_ARG,		/* an atom, raw text or number that is not
				 * allowed there (a bug in the caller) */
	IMAP_CMD_E_STATE,	/* a call before begin or after end
				 * (never recorded in the command) */
	IMAP_CMD_E_COUNT
};

/* Why a command could not be built.  field names the argument as the
 * caller did ("mailbox", "user", or a secret's placeholder such as
 * "<password>": a secret's bytes are never copied here). */
struct imap_cmd_error {
	enum imap_cmd_err code;
	char field[IMAP_CMD_FIELD_MAX];	/* "" when not about a field */
	unsigned char byte;		/* IMAP_CMD_E_BYTE: the byte */
	size_t offset;			/* IMAP_CMD_E_BYTE: its offset */
};

/* Gives tags "A1", "A2", ...: a prefix of letters and a counter.  A
 * plain value owned by the session; one per connection. */
struct imap_tagger {
	char prefix[IMAP_CMD_TAG_PREFIX_MAX];
	unsigned long next;
};

/* One piece of a finished command, pointing into the command: valid
 * until the next imap_cmd_begin() or imap_cmd_free() on it. */
struct imap_cmd_segment {
	const char *data;	/* bytes to send, ending with CRLF */
	size_t len;
	const char *shown;	/* NUL-terminated transcript text */
	bool wait;		/* wait for "+" before the next segment */
};

struct imap_cmd;

/* Start tags at 1 with prefix (1-7 ASCII letters; anything else, NULL
 * included, means "A"). */
void imap_tagger_init(struct imap_tagger *t, const char *prefix);

/* Write the next tag into tag (cap bytes, NUL-terminated) and advance.
 * Returns 0, or -1 (nothing advanced) when cap is too small. */
int imap_tagger_next(struct imap_tagger *t, char *tag, size_t cap);

/* Is tag (len bytes) one this tagger has given out: the prefix, as
 * given, then a decimal number from 1 to the last one, without leading
 * zeros? */
bool imap_tagger_is_ours(const struct imap_tagger *t, const char *tag,
			 size_t len);

/* A new, empty command, owned by the caller (imap_cmd_free()); NULL
 * when out of memory.  It can be reused for any number of commands. */
struct imap_cmd *imap_cmd_new(void);

/* Wipe (OPENSSL_cleanse) every buffer that held bytes to send, secrets
 * included, and free the command.  NULL is allowed. */
void imap_cmd_free(struct imap_cmd *cmd);

/* Set enum imap_cmd_flag bits for the following commands: how
 * literals may be sent, from the server's capabilities. */
void imap_cmd_set_flags(struct imap_cmd *cmd, unsigned flags);

/* Wipe any previous command and start "<tag> <name>" with the next tag
 * of t.  name is an atom ("LOGIN"). */
int imap_cmd_begin(struct imap_cmd *cmd, struct imap_tagger *t,
		   const char *name);

/* Add SP and an atom ("RETURN", "1:5"), sent and shown as it is;
 * IMAP_CMD_E_ARG if it is not a valid atom. */
int imap_cmd_atom(struct imap_cmd *cmd, const char *atom);

/* Add SP and text sent and shown as it is ("(MESSAGES UNSEEN)"), for
 * syntax the caller has written; never user input.  CR, LF and NUL are
 * refused (IMAP_CMD_E_ARG). */
int imap_cmd_raw(struct imap_cmd *cmd, const char *text);

/* Add SP and len bytes of s (any bytes, borrowed) as an astring: an
 * atom when s is a plain atom (and not NIL), else a quoted string, or
 * a literal when s holds 8-bit bytes or is longer than
 * IMAP_CMD_QUOTED_MAX.  field names the argument in errors. */
int imap_cmd_astring(struct imap_cmd *cmd, const char *s, size_t len,
		     const char *field);

/* Like imap_cmd_astring() for grammar that wants a string: a quoted
 * string or a literal, never an atom. */
int imap_cmd_string(struct imap_cmd *cmd, const char *s, size_t len,
		    const char *field);

/* Add SP and a secret (len bytes of s, borrowed) as a quoted string or
 * literal; the transcript shows placeholder ("<password>") instead,
 * which also names the field in errors. */
int imap_cmd_secret(struct imap_cmd *cmd, const char *s, size_t len,
		    const char *placeholder);

/* Add SP (unless right after another "(") and "("; the next argument
 * follows without SP. */
int imap_cmd_open(struct imap_cmd *cmd);

/* Add ")". */
int imap_cmd_close(struct imap_cmd *cmd);

/* Add CRLF and finish the command; its segments are then available.
 * Returns the first error of the command, or 0. */
int imap_cmd_end(struct imap_cmd *cmd);

/* The first error since imap_cmd_begin() (code IMAP_CMD_OK if none);
 * owned by cmd. */
const struct imap_cmd_error *imap_cmd_error(const struct imap_cmd *cmd);

/* Short description of an error code; never NULL. */
const char *imap_cmd_strerror(enum imap_cmd_err code);

/* One line for a failure detail, into buf (cap bytes, NUL-terminated
 * when cap > 0), e.g. "mailbox: line feed (0x0a) at offset 7 is not
 * allowed". */
void imap_cmd_error_format(const struct imap_cmd_error *e, char *buf,
			   size_t cap);

/* The tag of the command begun last ("" before any); owned by cmd. */
const char *imap_cmd_tag(const struct imap_cmd *cmd);

/* Number of segments of a finished command (0 if it is not finished
 * or failed).  One segment means the command can be pipelined. */
size_t imap_cmd_nsegments(const struct imap_cmd *cmd);

/* Fill *seg with segment i of a finished command; -1 if there is no
 * such segment. */
int imap_cmd_segment(const struct imap_cmd *cmd, size_t i,
		     struct imap_cmd_segment *seg);

/* Ready-made commands.  Each begins a command in cmd with the next tag
 * of t, ends it and returns as imap_cmd_end() does.  Strings are
 * borrowed and given with their lengths (any bytes). */

/* CAPABILITY, STARTTLS, LOGOUT. */
int imap_cmd_capability(struct imap_cmd *cmd, struct imap_tagger *t);
int imap_cmd_starttls(struct imap_cmd *cmd, struct imap_tagger *t);
int imap_cmd_logout(struct imap_cmd *cmd, struct imap_tagger *t);

/* LOGIN user password, shown as "LOGIN user <password>". */
int imap_cmd_login(struct imap_cmd *cmd, struct imap_tagger *t,
		   const char *user, size_t user_len,
		   const char *password, size_t password_len);

/* AUTHENTICATE PLAIN with base64("\0user\0password").  With sasl_ir
 * (the server has SASL-IR) one segment "AUTHENTICATE PLAIN <b64>",
 * shown as "AUTHENTICATE PLAIN <sasl>"; else two: the command, to wait
 * for "+" after, then the base64 line, shown as "<sasl>".  The
 * plaintext and base64 copies made here are wiped. */
/* AUTHENTICATE mech, with the initial response ir (base64, "" for an
 * empty one, sent as "=") when ir is not NULL: one segment, shown as
 * "AUTHENTICATE mech <sasl>".  The exchange that follows is the
 * caller's. */
int imap_cmd_authenticate(struct imap_cmd *cmd, struct imap_tagger *t,
			  const char *mech, const char *ir);
int imap_cmd_authenticate_plain(struct imap_cmd *cmd, struct imap_tagger *t,
				const char *user, size_t user_len,
				const char *password, size_t password_len,
				bool sasl_ir);

/* LIST "" "*", with RETURN (...) for the enum imap_list_return bits in
 * ret (0: none), in the order CHILDREN SPECIAL-USE STATUS. */
int imap_cmd_list(struct imap_cmd *cmd, struct imap_tagger *t,
		  unsigned ret);

/* STATUS mailbox (MESSAGES UNSEEN); mailbox is the raw name. */
int imap_cmd_status(struct imap_cmd *cmd, struct imap_tagger *t,
		    const char *mailbox, size_t len);

/* SELECT mailbox when read_write, else EXAMINE mailbox (raw name). */
int imap_cmd_select(struct imap_cmd *cmd, struct imap_tagger *t,
		    const char *mailbox, size_t len, bool read_write);

/* FETCH lo:hi (UID FLAGS ENVELOPE) for the newest count of exists
 * messages; IMAP_CMD_E_ARG when exists or count is 0. */
int imap_cmd_fetch_newest(struct imap_cmd *cmd, struct imap_tagger *t,
			  uint32_t exists, uint32_t count);

/* ID NIL: asks the server who it is without saying who we are. */
int imap_cmd_id_nil(struct imap_cmd *cmd, struct imap_tagger *t);

/* ID ("name" "imapconn" "version" version); version is a C string. */
int imap_cmd_id(struct imap_cmd *cmd, struct imap_tagger *t,
		const char *version);

#endif
