/* pin.h - public key pins in curl's --pinnedpubkey form: the SHA-256
 * of the server's SubjectPublicKeyInfo, "sha256//BASE64", several
 * joined by ';'. */
#ifndef IMAPCONN_PIN_H
#define IMAPCONN_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_MAX 8		/* pins in one list */
#define PIN_B64_LEN 44		/* base64 of 32 bytes, with its '=' */
#define PIN_TEXT_MAX 56		/* "sha256//" + PIN_B64_LEN + NUL */

struct pin_set {
	int n;
	char b64[PIN_MAX][PIN_B64_LEN + 1];	/* the BASE64 parts */
};

/* Parse text ("sha256//BASE64[;sha256//BASE64]...", spaces around the
 * ';' allowed) into *out.  Each BASE64 must be the standard base64 of
 * exactly 32 bytes.  Returns 0, or -1 with a one-line reason in err
 * (naming the pin at fault, escaped).  An empty text is an error. */
int pin_parse(const char *text, struct pin_set *out, char *err,
	      size_t errcap);

/* Whether spki_b64 (the base64 SHA-256 of a SubjectPublicKeyInfo, as
 * struct tls_cert_info holds it) is one of the pins. */
bool pin_matches(const struct pin_set *p, const char *spki_b64);

/* "sha256//BASE64" for spki_b64 into buf (cap bytes, PIN_TEXT_MAX is
 * enough). */
void pin_format(const char *spki_b64, char *buf, size_t cap);

/* The pins as one line "sha256//A;sha256//B" into buf (cap bytes). */
void pin_list_text(const struct pin_set *p, char *buf, size_t cap);

#endif
