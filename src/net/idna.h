/* idna.h - internationalised host names (IDNA 2008, through libidn2):
 * a name with U-labels ("mail.bücher.example") to its A-labels
 * ("mail.xn--bcher-kva.example") for lookups and certificates, and back
 * for display. */
#ifndef IMAPCONN_IDNA_H
#define IMAPCONN_IDNA_H

#include <stdbool.h>
#include <stddef.h>

#define IDNA_WHY_MAX 200

/* Where and why a name could not be converted. */
struct idna_error {
	size_t pos;			/* byte offset of the label in the
					 * input */
	char why[IDNA_WHY_MAX];		/* "label 'b\u2603r': ..." */
};

/* True when name[0..len) has a label that IDNA concerns: a byte over
 * 0x7F, or an ASCII label starting with "xn--" (any case). */
bool idna_is_idn(const char *name, size_t len);

/* The A-label form of name[0..len) (any bytes; a trailing dot is kept
 * out of the conversion and dropped) into out (cap bytes, always
 * NUL-terminated).  Each label with a byte over 0x7F is converted by
 * IDNA 2008 lookup rules (NFC, UTS 46 non-transitional mapping, so
 * capitals fold); each "xn--" label is checked to decode to a valid
 * U-label and is lower-cased; other ASCII labels are copied,
 * lower-cased, as the A-labels are (their syntax is the
 * caller's to check).  Returns 0, or -1 with
 * *err naming the first bad label (escaped) and why: disallowed code
 * points, bad punycode, invalid UTF-8, a result over cap-1 bytes. */
int idna_to_ascii(const char *name, size_t len, char *out, size_t cap,
		  struct idna_error *err);

/* A NUL-terminated name as TLS and the resolver take it: copied as it
 * is when IDNA does not concern it (idna_is_idn), else
 * idna_to_ascii().  0, or -1 with *err set (also when it does not fit
 * in cap bytes). */
int idna_name(const char *name, char *out, size_t cap,
	      struct idna_error *err);

/* The U-label form of an ASCII name, for display ("mail.bücher.example"
 * for "mail.xn--bcher-kva.example"); the name itself when it has no
 * A-label or does not decode.  Always NUL-terminated when cap > 0. */
void idna_to_unicode(const char *ascii, char *out, size_t cap);

#endif
