/* fail.c - failure classes, their names and exit codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"

static const struct {
	const char *name;
	int exit_code;
} fail_table[FAIL_CLASS_COUNT] = {
	[FAIL_NONE] = { "none", 0 },
	[FAIL_USAGE] = { "usage", 64 },
	[FAIL_INPUT] = { "input", 66 },
	[FAIL_DNS] = { "dns", 68 },
	[FAIL_REFUSED] = { "refused", 69 },
	[FAIL_UNREACHABLE] = { "unreachable", 69 },
	[FAIL_NETWORK] = { "network", 74 },
	[FAIL_TIMEOUT] = { "timeout", 75 },
	[FAIL_CANCELLED] = { "cancelled", 130 },
	[FAIL_TLS_VERIFY] = { "tls-verify", 80 },
	[FAIL_TLS_HANDSHAKE] = { "tls-handshake", 81 },
	[FAIL_STARTTLS] = { "starttls", 82 },
	[FAIL_PROTOCOL] = { "protocol", 76 },
	[FAIL_TOO_LARGE] = { "response-too-large", 76 },
	[FAIL_SERVER] = { "server", 83 },
	[FAIL_AUTH] = { "auth", 77 },
	[FAIL_INTERNAL] = { "internal", 70 },
	[FAIL_PIPELINING] = { "pipelining", 76 },
};

const char *
fail_class_name(enum fail_class c)
{
	if ((unsigned)c >= FAIL_CLASS_COUNT)
		return "unknown";
	return fail_table[c].name;
}

int
fail_exit_code(enum fail_class c)
{
	if ((unsigned)c >= FAIL_CLASS_COUNT)
		return 70;
	return fail_table[c].exit_code;
}

void
fail_set(struct failure *f, enum phase p, enum fail_class c,
	 const char *fmt, ...)
{
	va_list ap;

	memset(f, 0, sizeof(*f));
	f->phase = p;
	f->cls = c;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

void
fail_hint(struct failure *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->hint, sizeof(f->hint), fmt, ap);
	va_end(ap);
}
