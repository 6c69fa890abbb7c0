/* oautherr.h - the error challenge a server sends after a failed OAuth
 * 2.0 login (XOAUTH2, OAUTHBEARER), decoded and explained.
 *
 * RFC 7628 section 3.2.2 (and Google's XOAUTH2, which it follows) sends
 * the failure as a "+" continuation holding base64 of one JSON object:
 * "status" (an HTTP status such as "401" or an RFC 6750 error code
 * such as "invalid_token"), optional "schemes", "scope" and
 * "openid-configuration".  The text is the server's, so it is hostile:
 * bounded, validated (base64, then a strict parser for one flat object
 * of strings and numbers) and escaped only when it is shown.  Nothing
 * here allocates; the token itself is never seen by this module. */
#ifndef IMAPCONN_OAUTHERR_H
#define IMAPCONN_OAUTHERR_H

#include <stdbool.h>
#include <stddef.h>

#define OAUTHERR_INPUT_MAX 4096	/* base64 bytes accepted */
#define OAUTHERR_JSON_MAX 3072	/* JSON bytes accepted */
#define OAUTHERR_MEMBERS_MAX 32	/* members accepted in the object */
#define OAUTHERR_VALUE_MAX 256	/* bytes kept of a value, with the NUL */

/* Why a challenge could not be decoded. */
enum oautherr_error {
	OAUTHERR_OK = 0,
	OAUTHERR_EMPTY,		/* no bytes at all */
	OAUTHERR_TOO_LONG,	/* over OAUTHERR_INPUT_MAX or _JSON_MAX */
	OAUTHERR_BAD_BASE64,	/* a byte outside the alphabet, bad
				 * padding or length, stray bits */
	OAUTHERR_NOT_OBJECT,	/* JSON, but not an object */
	OAUTHERR_NESTED,	/* a member's value is an object or array */
	OAUTHERR_TOO_MANY,	/* over OAUTHERR_MEMBERS_MAX members */
	OAUTHERR_BAD_JSON	/* syntax, a raw control byte or invalid
				 * UTF-8 in a string, a bad escape, \u0000,
				 * a lone surrogate, data after the object */
};

/* What the status says went wrong. */
enum oautherr_reason {
	OAUTHERR_REASON_UNKNOWN = 0,	/* no status, or one not below */
	OAUTHERR_REASON_TOKEN,		/* "401" or "invalid_token" */
	OAUTHERR_REASON_SCOPE,		/* "403" or "insufficient_scope" */
	OAUTHERR_REASON_REQUEST		/* "400" or "invalid_request" */
};

/* One member's value as decoded: JSON escapes resolved, not escaped
 * for display (pass it through escape_text() before showing it).  The
 * text is valid UTF-8 without a NUL; a number keeps its spelling. */
struct oautherr_value {
	bool present;			/* the member was in the object */
	bool truncated;			/* longer than kept: cut after the
					 * last whole character that fit */
	size_t len;			/* bytes in text, without the NUL */
	char text[OAUTHERR_VALUE_MAX];	/* NUL-terminated */
};

/* A plain value filled by oautherr_decode(); owns nothing. */
struct oautherr {
	struct oautherr_value status;
	struct oautherr_value schemes;
	struct oautherr_value scope;
	struct oautherr_value openid;	/* "openid-configuration" */
	bool duplicate;			/* a known name came again: the
					 * first value is kept */
	enum oautherr_reason reason;	/* from status */
};

/* Decode the text of the server's "+" continuation (len bytes of b64,
 * without "+ " and without the line end) into *e.  Standard base64
 * (RFC 4648) with or without its "=" padding; nothing else, not even
 * spaces.  Then as oautherr_parse_json().  On any error *e is left
 * zeroed (reason unknown). */
enum oautherr_error oautherr_decode(struct oautherr *e, const char *b64,
				    size_t len);

/* Parse len bytes of already decoded JSON into *e: one object whose
 * members are strings, numbers, true, false or null (a nested object
 * or array is refused), white space around the tokens, nothing after
 * the object.  Names are matched exactly (JSON is case-sensitive);
 * other names are checked and skipped.  When a known name repeats, the
 * first value is kept and e->duplicate set, so the result does not
 * depend on which copy a reader would prefer.  e->reason is set from
 * status, compared without regard to case.  On any error *e is left
 * zeroed. */
enum oautherr_error oautherr_parse_json(struct oautherr *e, const char *json,
					size_t len);

/* A short phrase for err, e.g. "invalid base64"; static storage. */
const char *oautherr_strerror(enum oautherr_error err);

/* "unknown", "token", "scope" or "request", for JSON; static. */
const char *oautherr_reason_name(enum oautherr_reason r);

/* One line that shows what the server said, each value escaped
 * (escape_text()) and quoted, e.g.
 *   status "401", schemes "Bearer", scope "https://mail.google.com/"
 * into out (cap bytes, owned by the caller; NUL-terminated when
 * cap > 0, cut with "..." when it does not fit).  "no members" when
 * the object had none of the four.  Returns the length written. */
size_t oautherr_summary(const struct oautherr *e, char *out, size_t cap);

/* One line (no newline) that names the likely cause of e and what to
 * change, into out as oautherr_summary() writes.  user is the account
 * name that was sent with the token (NULL: not known); it and every
 * value quoted from e are escaped.  Returns the length written. */
size_t oautherr_hint(const struct oautherr *e, const char *user, char *out,
		     size_t cap);

#endif
