/* check_diag.c - diag_explain(): from a failure and the settings to the
 * hint that says what to try. */
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "diag.h"
#include "fail.h"
#include "options.h"

#define ARGS_MAX 6
#define NO_HINT ""

/* A failure, the command line it happened under, and a distinctive
 * part of the hint it must get (NO_HINT: none). */
struct diag_case {
	enum fail_class cls;
	enum phase phase;
	const char *detail;
	const char *args[ARGS_MAX];	/* HOST and options */
	const char *want;
};

static const struct diag_case cases[] = {
	/* TLS handshake */
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "TLS handshake failed: wrong "
	  "version number", { "--ssl", "h:143" },
	  "this port speaks plain IMAP" },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "TLS handshake failed: packet "
	  "length too long", { "imaps://h:143" },
	  "this port speaks plain IMAP" },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "TLS handshake failed: tlsv1 alert "
	  "protocol version", { "imaps://h" }, "no TLS version in common" },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "TLS handshake failed: unsupported "
	  "protocol", { "imaps://h" }, "--tls-min 1.0" },
	{ FAIL_TLS_HANDSHAKE, PHASE_STARTTLS, "TLS handshake failed: no "
	  "protocols available", { "--starttls", "h" },
	  "no TLS version in common" },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "TLS handshake failed: no shared "
	  "cipher", { "imaps://h" }, "no cipher in common" },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "TLS handshake failed: sslv3 alert "
	  "handshake failure", { "imaps://h" }, "TLS could not be set up" },
	{ FAIL_TLS_HANDSHAKE, PHASE_TLS, "", { "imaps://h" },
	  "TLS could not be set up" },
	/* certificate verification */
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: "
	  "self-signed certificate (depth 0)", { "imaps://h" },
	  "--ca-file" },
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: "
	  "self-signed certificate in certificate chain (depth 1)",
	  { "imaps://h" }, "self-signed: trust it with --ca-file" },
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: unable to "
	  "get local issuer certificate (depth 0)", { "imaps://h" },
	  "intermediate certificate" },
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: "
	  "certificate has expired (depth 0)", { "imaps://h" },
	  "has expired" },
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: "
	  "certificate is not yet valid (depth 0)", { "imaps://h" },
	  "clock" },
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: hostname "
	  "mismatch (depth 0): checked h, the certificate is for "
	  "DNS:other.example", { "imaps://h" }, "--server-name" },
	{ FAIL_TLS_VERIFY, PHASE_STARTTLS, "certificate verify failed: IP "
	  "address mismatch (depth 0)", { "--starttls", "192.0.2.7" },
	  "--server-name" },
	{ FAIL_TLS_VERIFY, PHASE_TLS, "certificate verify failed: "
	  "certificate revoked (depth 0)", { "imaps://h" },
	  "certificate is not trusted" },
	/* timeouts: the phase and the port decide */
	{ FAIL_TIMEOUT, PHASE_GREETING, "no greeting within 30 s",
	  { "h:993" }, "port 993 expects TLS" },
	{ FAIL_TIMEOUT, PHASE_GREETING, "no greeting within 30 s",
	  { "--port=993", "--no-ssl", "h" }, "expects TLS" },
	{ FAIL_TIMEOUT, PHASE_GREETING, "no greeting within 30 s",
	  { "--port", "993", "--starttls", "h" }, "--ssl" },
	{ FAIL_TIMEOUT, PHASE_GREETING, "no greeting within 30 s",
	  { "imaps://h" }, "did not answer within 30 s" },
	{ FAIL_TIMEOUT, PHASE_GREETING, "no greeting within 2.5 s",
	  { "--timeout=2.5", "h" }, "did not answer within 2.5 s" },
	{ FAIL_TIMEOUT, PHASE_GREETING, "no greeting within 30 s",
	  { "h:143" }, "larger --timeout" },
	{ FAIL_TIMEOUT, PHASE_CONNECT, "no answer within 30 s",
	  { "h:993" }, "firewall" },
	{ FAIL_TIMEOUT, PHASE_TLS, "no answer within 30 s",
	  { "imaps://h:143" }, "--no-ssl --starttls" },
	{ FAIL_TIMEOUT, PHASE_AUTH, "no answer within 30 s",
	  { "imaps://bob@h" }, "larger --timeout" },
	{ FAIL_TIMEOUT, PHASE_LIST, "no answer within 10 s",
	  { "--timeout", "10", "h:993" }, "within 10 s" },
	/* the network */
	{ FAIL_REFUSED, PHASE_CONNECT, "connection refused",
	  { "h" }, "nothing listens" },
	{ FAIL_DNS, PHASE_RESOLVE, "Name or service not known",
	  { "h" }, "getent hosts" },
	{ FAIL_UNREACHABLE, PHASE_CONNECT, "No route to host",
	  { "h" }, "no route to that address" },
	{ FAIL_NETWORK, PHASE_GREETING, "server closed the connection",
	  { "h" }, "--transcript" },
	/* login */
	{ FAIL_AUTH, PHASE_AUTH, "not sending the password over an "
	  "unencrypted connection", { "imap://bob@h" },
	  "--allow-plaintext-auth" },
	{ FAIL_AUTH, PHASE_AUTH, "the server disables LOGIN on this "
	  "connection (LOGINDISABLED) and offers no AUTHENTICATE PLAIN",
	  { "--allow-plaintext-auth", "imap://bob@h" },
	  "wants TLS first" },
	{ FAIL_AUTH, PHASE_AUTH, "the server refused the login as bob: "
	  "[AUTHENTICATIONFAILED] Authentication failed.",
	  { "imaps://bob@h" }, "check the user name and the password" },
	{ FAIL_STARTTLS, PHASE_STARTTLS, "the server sent PREAUTH on an "
	  "unencrypted connection; STARTTLS is required",
	  { "--starttls", "h" }, "logged in before TLS" },
	{ FAIL_STARTTLS, PHASE_STARTTLS, "the server does not offer "
	  "STARTTLS; STARTTLS is required, so nothing more was sent",
	  { "--starttls", "h" }, "--starttls=opportunistic" },
	/* the server and the protocol */
	{ FAIL_PROTOCOL, PHASE_STARTTLS, "3 bytes arrived after the "
	  "STARTTLS OK and before the TLS handshake: response injection",
	  { "--starttls", "h" }, "tampering" },
	{ FAIL_PROTOCOL, PHASE_GREETING, "expected a greeting (* OK, * "
	  "PREAUTH or * BYE), got: HTTP/1.1 400", { "h" }, "--transcript" },
	{ FAIL_TOO_LARGE, PHASE_LIST, "line longer than 65536 bytes",
	  { "h" }, "more than imapconn accepts" },
	{ FAIL_SERVER, PHASE_GREETING, "the server said BYE: too many "
	  "connections", { "h" }, "closed the connection" },
	{ FAIL_SERVER, PHASE_LIST, "LIST refused: NO internal error",
	  { "h" }, "refused the command" },
	/* the rest */
	{ FAIL_INPUT, PHASE_NONE, "cannot open /pw: No such file or "
	  "directory", { "h" }, "check the file" },
	{ FAIL_USAGE, PHASE_NONE, "bad option", { "h" }, "--help" },
	{ FAIL_INTERNAL, PHASE_CONNECT, "out of memory", { "h" }, "bug" },
	{ FAIL_CANCELLED, PHASE_GREETING, "cancelled", { "h:993" },
	  NO_HINT },
	{ FAIL_CANCELLED, PHASE_TLS, "wrong version number",
	  { "imaps://h" }, NO_HINT },
	{ FAIL_NONE, PHASE_NONE, "", { "h" }, NO_HINT },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void
parse_args(const char *const *args, struct options *o)
{
	char *argv[ARGS_MAX + 2];
	char err[OPTIONS_ERR_MAX];
	int argc = 0, rc;

	argv[argc++] = strdup("imapconn");
	for (size_t i = 0; i < ARGS_MAX && args[i] != NULL; i++)
		argv[argc++] = strdup(args[i]);
	argv[argc] = NULL;
	rc = options_parse(argc, argv, o, err, sizeof(err));
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	ck_assert_msg(rc == 0, "options refused: %s", err);
}

START_TEST(test_hint)
{
	const struct diag_case *c = &cases[_i];
	struct options o;
	struct failure f;

	parse_args(c->args, &o);
	fail_set(&f, c->phase, c->cls, "%s", c->detail);
	diag_explain(&f, &o);
	if (c->want[0] == '\0') {
		ck_assert_msg(f.hint[0] == '\0', "%s in %s: unexpected hint "
			      "'%s'", fail_class_name(c->cls),
			      phase_name(c->phase), f.hint);
		return;
	}
	ck_assert_msg(strstr(f.hint, c->want) != NULL, "%s in %s, '%s': "
		      "hint '%s' lacks '%s'", fail_class_name(c->cls),
		      phase_name(c->phase), c->detail, f.hint, c->want);
	/* one whole line, not cut by the buffer */
	ck_assert_msg(strlen(f.hint) < sizeof(f.hint) - 1, "hint cut: '%s'",
		      f.hint);
	ck_assert(strchr(f.hint, '\n') == NULL);
	/* the failure itself is left alone */
	ck_assert_int_eq(f.cls, c->cls);
	ck_assert_int_eq(f.phase, c->phase);
	ck_assert_str_eq(f.detail, c->detail);
}
END_TEST

/* A hint the session already set is kept, whatever the class. */
START_TEST(test_existing_hint_kept)
{
	static const char *const args[] = { "h:993", NULL };
	static const enum fail_class classes[] = {
		FAIL_TLS_HANDSHAKE, FAIL_TLS_VERIFY, FAIL_TIMEOUT,
		FAIL_REFUSED, FAIL_AUTH,
	};
	struct options o;

	parse_args(args, &o);
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		struct failure f;

		fail_set(&f, PHASE_GREETING, classes[i], "wrong version "
			 "number self-signed");
		fail_hint(&f, "the session knows better");
		diag_explain(&f, &o);
		ck_assert_str_eq(f.hint, "the session knows better");
	}
}
END_TEST

/* Explaining twice changes nothing. */
START_TEST(test_idempotent)
{
	static const char *const args[] = { "imaps://h", NULL };
	struct options o;
	struct failure f;
	char first[FAIL_HINT_MAX];

	parse_args(args, &o);
	fail_set(&f, PHASE_TLS, FAIL_TLS_VERIFY, "certificate verify failed: "
		 "self-signed certificate (depth 0)");
	diag_explain(&f, &o);
	memcpy(first, f.hint, sizeof(first));
	diag_explain(&f, &o);
	ck_assert_str_eq(f.hint, first);
}
END_TEST

/* Every class but none and cancelled gets some hint. */
START_TEST(test_every_class)
{
	static const char *const args[] = { "h", NULL };
	struct options o;

	parse_args(args, &o);
	for (int c = FAIL_USAGE; c < FAIL_CLASS_COUNT; c++) {
		struct failure f;

		fail_set(&f, PHASE_GREETING, (enum fail_class)c, "x");
		diag_explain(&f, &o);
		if (c == FAIL_CANCELLED)
			ck_assert_str_eq(f.hint, "");
		else
			ck_assert_msg(f.hint[0] != '\0', "no hint for %s",
				      fail_class_name((enum fail_class)c));
	}
}
END_TEST

static void
no_password_env(void)
{
	unsetenv("IMAPCONN_PASSWORD");
}

Suite *
suite_diag(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("explain");

	tcase_add_checked_fixture(tc, no_password_env, NULL);
	tcase_add_loop_test(tc, test_hint, 0, (int)N_CASES);
	tcase_add_test(tc, test_existing_hint_kept);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_every_class);
	suite_add_tcase(s, tc);
	return s;
}
