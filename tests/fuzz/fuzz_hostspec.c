/* fuzz_hostspec.c - libFuzzer target: host specifications, their error
 * messages, and the secrets those messages must never show.
 *
 * The input is the specification (any bytes).  Checked: the parse is
 * deterministic; a failure points inside the input, leaves no key
 * password behind and formats (at every buffer size tried) to a
 * NUL-terminated line of printable ASCII; a success gives NUL-terminated
 * fields and a host without control bytes.  When a specification with
 * a certificate password parses, the same text made invalid (cut short,
 * or with a control byte after it) must fail with a message that shows
 * none of the password's bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hostspec.h"

#define MSG_CAP 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
check_terminated(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
}

/* Format err for text at several buffer sizes; every output is a
 * NUL-terminated line of printable ASCII that fits. */
static void
check_format(const struct hostspec_error *err, const char *text,
	     size_t len, char *full)
{
	static const size_t caps[] = { 1, 2, 3, 4, 17, 80 };
	char buf[MSG_CAP + 1];
	size_t n;

	hostspec_error_format(err, text, len, full, MSG_CAP);
	n = strnlen(full, MSG_CAP);
	if (n >= MSG_CAP)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)full[i] < 0x20
		    || (unsigned char)full[i] > 0x7e)
			abort();
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		memset(buf, 'Z', sizeof(buf));
		hostspec_error_format(err, text, len, buf, caps[i]);
		if (strnlen(buf, caps[i]) >= caps[i] || buf[caps[i]] != 'Z')
			abort();
	}
	buf[0] = 'Z';
	hostspec_error_format(err, text, len, buf, 0);
	if (buf[0] != 'Z')
		abort();
}

/* Count the places needle (n bytes) occurs in hay (len bytes). */
static size_t
count_in(const char *hay, size_t len, const char *needle, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; n > 0 && i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			count++;
	return count;
}

/* Make text (len bytes) invalid in variant v: cut its last byte, or
 * add a control byte.  Returns the new length; out holds len + 1. */
static size_t
make_invalid(const char *text, size_t len, int v, char *out)
{
	memcpy(out, text, len);
	if (v == 0)
		return len - 1;
	out[len] = '\x01';
	return len + 1;
}

/* The error for n bytes of in, formatted into msg; false if it parses. */
static bool
error_of(const char *in, size_t n, struct hostspec_error *err, char *msg)
{
	struct endpoint ep;

	if (hostspec_parse(in, n, &ep, err) == 0) {
		tls_opts_wipe(&ep.tls);
		return false;
	}
	hostspec_error_format(err, in, n, msg, MSG_CAP);
	return true;
}

/* text with the n bytes at `at` set to ch, into out (len bytes). */
static void
fill_span(const char *text, size_t len, size_t at, size_t n, char ch,
	  char *out)
{
	memcpy(out, text, len);
	memset(out + at, ch, n);
}

/* Could pw, seen in a message, only have come from the input?  True
 * when it is long, holds no backslash or quote, and neither begins
 * nor ends with a byte that escapes ("\xFF"), "..." or "***" produce. */
static bool
distinctive(const char *pw, size_t n)
{
	static const char edge[] = "0123456789ABCDEFx.*\\'\" ";

	return n >= 6 && strpbrk(pw, "\\\"") == NULL
	       && strchr(edge, pw[0]) == NULL
	       && strchr(edge, pw[n - 1]) == NULL;
}

/* text parsed with the key password pw, written as it is (no backslash
 * or quote) and found once in the text.  Made invalid, it must fail
 * with a message that does not depend on the password's bytes (the
 * password replaced by Z's or by Y's gives the same message) and, when
 * the password is distinctive, does not hold it.  The password's own
 * bytes may widen what is hidden (a ":pass" inside it), never narrow
 * it. */
static void
check_secret_hidden(const char *text, size_t len, const char *pw)
{
	size_t pwlen = strlen(pw), at;
	char *orig, *z, *y;
	const char *hit;
	struct hostspec_error e1, e2;
	char m1[MSG_CAP], m2[MSG_CAP], mo[MSG_CAP];

	if (strpbrk(pw, "\\\"") != NULL
	    || count_in(text, len, pw, pwlen) != 1)
		return;
	hit = memmem(text, len, pw, pwlen);
	at = (size_t)(hit - text);
	orig = malloc(len + 1);
	z = malloc(len + 1);
	y = malloc(len + 1);
	if (orig == NULL || z == NULL || y == NULL)
		abort();
	for (int v = 0; v < 2; v++) {
		size_t n = make_invalid(text, len, v, orig);

		fill_span(orig, n, at, pwlen, 'Z', z);
		fill_span(orig, n, at, pwlen, 'Y', y);
		if (!error_of(z, n, &e1, m1) || !error_of(y, n, &e2, m2))
			continue;
		if (e1.pos != e2.pos || strcmp(e1.msg, e2.msg) != 0
		    || strcmp(m1, m2) != 0) {
			fprintf(stderr, "the message shows the password's "
				"bytes:\n%s\n%s\n", m1, m2);
			abort();
		}
		if (distinctive(pw, pwlen) && error_of(orig, n, &e2, mo)
		    && strstr(mo, pw) != NULL && strstr(m1, pw) == NULL) {
			fprintf(stderr, "the message shows the password:\n"
				"%s\n", mo);
			abort();
		}
	}
	free(y);
	free(z);
	free(orig);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct endpoint a, b;
	struct hostspec_error ea, eb;
	char msg[MSG_CAP];
	int ra, rb;

	memset(&a, 0x5a, sizeof(a));
	memset(&b, 0xa5, sizeof(b));
	ra = hostspec_parse(text, size, &a, &ea);
	rb = hostspec_parse(text, size, &b, &eb);
	if (ra != rb)
		abort();
	if (ra != 0) {
		if (ea.pos > size || ea.pos != eb.pos
		    || strcmp(ea.msg, eb.msg) != 0)
			abort();
		check_terminated(ea.msg, sizeof(ea.msg));
		if (!all_zero(a.tls.key_password, sizeof(a.tls.key_password)))
			abort();
		check_format(&ea, text, size, msg);
		check_format(&ea, NULL, 0, msg);
		return 0;
	}
	if (strcmp(a.host, b.host) != 0 || a.kind != b.kind
	    || a.port != b.port || a.ssl != b.ssl || a.starttls != b.starttls
	    || strcmp(a.user, b.user) != 0
	    || strcmp(a.tls.key_password, b.tls.key_password) != 0)
		abort();
	check_terminated(a.host, sizeof(a.host));
	check_terminated(a.user, sizeof(a.user));
	check_terminated(a.mailbox, sizeof(a.mailbox));
	check_terminated(a.tls.key_password, sizeof(a.tls.key_password));
	check_terminated(a.tls.server_name, sizeof(a.tls.server_name));
	check_terminated(a.tls.ca_file, sizeof(a.tls.ca_file));
	if (a.host[0] == '\0')
		abort();
	for (const char *p = a.host; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	if (a.kind != ADDR_NAME && a.kind != ADDR_IPV4 && a.kind != ADDR_IPV6)
		abort();
	if (endpoint_port(&a) == 0)
		abort();
	if (a.tls.key_password[0] != '\0' && size > 0)
		check_secret_hidden(text, size, a.tls.key_password);
	tls_opts_wipe(&a.tls);
	tls_opts_wipe(&b.tls);
	return 0;
}
