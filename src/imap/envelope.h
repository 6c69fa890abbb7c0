/* envelope.h - a FETCH (UID FLAGS ENVELOPE) response as the summary
 * line of one message. */
#ifndef IMAPCONN_ENVELOPE_H
#define IMAPCONN_ENVELOPE_H

struct imap_response;
struct message_summary;

/* Fill *out from r when r is "* n FETCH (...)" carrying ENVELOPE:
 *   seq      n;
 *   uid      UID, 0 when the response has none;
 *   seen, flagged   \Seen and \Flagged in FLAGS (false without FLAGS);
 *   date     the envelope date as sent;
 *   from     the first mailbox of the From list (group markers
 *            skipped, members of a group count) as "Name <mailbox@host>",
 *            or "mailbox@host" when the name is NIL or empty; when the
 *            list holds only groups without members, the first group's
 *            name as "name:;"; "" when NIL;
 *   subject  the subject; "" when NIL.
 * Names and the subject are RFC 2047 decoded.  Every text field is
 * passed through escape_text() and truncated to fit as it truncates; a
 * long name is shortened before the address is.
 * Returns 0 when *out is filled, 1 when r is not a FETCH carrying
 * ENVELOPE, -1 when r is a malformed FETCH: no number or number 0, no
 * single parenthesised item list, an odd count of items, a UID that is
 * not a number from 1 to 4294967295, FLAGS that are not a list of
 * atoms, an ENVELOPE that is not a list of ten fields with an nstring
 * or an address list (NIL, or a list of four-nstring addresses) where
 * RFC 3501 puts one.  *out is untouched unless 0 is returned.  r stays
 * owned by the caller; nothing in *out points into it. */
int envelope_from_fetch(const struct imap_response *r,
			struct message_summary *out);

#endif
