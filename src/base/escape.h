/* escape.h - making hostile text safe for a terminal or a one-line report.
 *
 * Text from a server (mailbox names, response text, certificate fields)
 * may hold terminal escapes, line breaks, bidirectional overrides and
 * invalid UTF-8.  These functions copy it into a caller's buffer in a
 * form that is safe to print and still shows what was there.
 *
 * Both escapers share one truncation rule: out always receives a
 * NUL-terminated string when cap > 0 and nothing is written past cap.
 * When the whole escaped text does not fit, the output ends with "..."
 * after the longest run of whole escaped characters that leaves room
 * for it (when cap < 4, only as much of "..." as fits).  A character
 * and its escape are never split. */
#ifndef IMAPCONN_ESCAPE_H
#define IMAPCONN_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 character at in[0..len), len > 0.  Returns its
 * length in bytes (1-4) and sets *cp, or 0 when in[0] does not start a
 * complete, shortest-form sequence of a Unicode scalar value
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
size_t escape_utf8_decode(const char *in, size_t len, uint32_t *cp);

/* Encode the Unicode scalar value cp (below U+110000, not a surrogate:
 * the caller's to check) as UTF-8 into out.  Returns its length in
 * bytes (1-4). */
size_t escape_utf8_encode(uint32_t cp, char out[4]);

/* Escape len bytes of in (any bytes) for a terminal or a one-line
 * report, into out (cap bytes, owned by the caller).  Valid printable
 * UTF-8 passes through; everything else becomes a visible escape:
 *   ESC \e, TAB \t, LF \n, CR \r, other C0 controls and DEL \xNN
 *   (NUL is \x00), a backslash \\ where it could be read as the start
 *   of an escape (at the end, or before another backslash, a letter
 *   e t n r x u or anything not printable ASCII; elsewhere it is kept
 *   as it is, so escapes cannot be forged and "a\b" stays a\b),
 *   C1 controls (U+0080..U+009F), bidirectional controls (U+061C,
 *   U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and the line and
 *   paragraph separators (U+2028, U+2029) \uNNNN in lower-case hex,
 *   each byte that does not start valid UTF-8 \xNN.
 * Returns the length written, without the NUL. */
size_t escape_text(const char *in, size_t len, char *out, size_t cap);

/* Length escape_text() needs for all of in, without the NUL. */
size_t escape_text_len(const char *in, size_t len);

/* escape_text() for protocol lines and atoms, where a backslash is
 * ordinary syntax (\Seen, \HasChildren): the backslash passes through
 * undoubled; everything else is escaped as escape_text() does. */
size_t escape_line(const char *in, size_t len, char *out, size_t cap);

/* Escape len bytes of in as the contents of a JSON string (RFC 8259),
 * without the surrounding quotes, into out (cap bytes, owned by the
 * caller): \" and \\, \b \f \n \r \t, other C0 controls and DEL as
 * \u00XX, and the characters escape_text() shows as \uNNNN likewise
 * (so printing the JSON to a terminal stays safe).  Other valid UTF-8
 * passes through.  Each byte that does not start valid UTF-8 becomes
 * \ufffd (REPLACEMENT CHARACTER): the output is always valid UTF-8 and
 * valid JSON, and invalid bytes are not recoverable from it.
 * Returns the length written, without the NUL. */
size_t escape_json(const char *in, size_t len, char *out, size_t cap);

/* Length escape_json() needs for all of in, without the NUL. */
size_t escape_json_len(const char *in, size_t len);

#endif
