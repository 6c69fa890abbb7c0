/* rfc2047.h - encoded-words (RFC 2047) in a header value, decoded to
 * UTF-8.
 *
 * "=?charset?B?...?=" and "=?charset?Q?...?=" are decoded for the
 * charsets UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 and Windows-1252
 * (and a few common aliases of these: "utf8", "latin1", "cp1252", ...),
 * with or without an RFC 2231 language suffix ("UTF-8*en").  Anything
 * that cannot be decoded stays as it was sent: a word in another
 * charset, invalid base64 or Q, a US-ASCII word with 8-bit bytes, a
 * UTF-8 word that is not valid UTF-8, an unterminated word.  A UTF-8
 * character split across adjacent UTF-8 words, which RFC 2047 forbids
 * but some mailers produce, is joined again.
 *
 * Whitespace between two adjacent words that are both decoded is
 * dropped (RFC 2047 6.2); any other text, whitespace included, is
 * copied byte for byte.  Words are recognised wherever they start,
 * also when glued to other text ("Re:=?UTF-8?Q?x?="), as most mail
 * readers do.
 *
 * The output is not safe to print: it may hold control characters
 * (an encoded ESC), NUL and whatever 8-bit bytes the input held.  Pass
 * it through escape_text() with the length returned. */
#ifndef IMAPCONN_RFC2047_H
#define IMAPCONN_RFC2047_H

#include <stddef.h>

/* Decode len bytes of in (any bytes; in need not be NUL-terminated)
 * into out (cap bytes, owned by the caller).  When cap > 0, out is
 * NUL-terminated and holds the longest prefix of the decoded text that
 * fits in cap - 1 bytes without splitting a UTF-8 character (or, for
 * bytes that are not UTF-8, a byte); nothing is written past cap, and
 * nothing at all when cap is 0.  Returns the length written, without
 * the NUL; the decoded text may itself hold NUL bytes, so use it
 * rather than strlen().  The text was cut when the result is below
 * rfc2047_decode_len(). */
size_t rfc2047_decode(const char *in, size_t len, char *out, size_t cap);

/* Length of the whole decoded text of in, without the NUL: a buffer of
 * that length plus one holds it all. */
size_t rfc2047_decode_len(const char *in, size_t len);

#endif
