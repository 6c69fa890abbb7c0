/* importcause.c - a failure matched to the setting of an imported
 * account most likely behind it, by the failure's reason or class. */
#include <string.h>
#include <sys/types.h>

#include "escape.h"
#include "importcause.h"

#define ANY_ROLE IMPORT_R_COUNT

/* What a failure points at: chosen by reason when reason is set,
 * else by class; the roles best first. */
static const struct {
	enum fail_class cls;
	enum fail_reason reason;
	enum import_role roles[IMPORTCAUSE_MAX];
	const char *why;
} rules[] = {
	{ FAIL_AUTH, FAIL_R_PLAINTEXT_WITHHELD,
	  { IMPORT_R_SECURITY, ANY_ROLE, ANY_ROLE },
	  "it chose an unencrypted connection, so the password was kept "
	  "back: choose STARTTLS or TLS" },
	{ FAIL_AUTH, FAIL_R_LOGINDISABLED,
	  { IMPORT_R_SECURITY, ANY_ROLE, ANY_ROLE },
	  "it chose plain text and the server refuses logins without TLS "
	  "(LOGINDISABLED): choose STARTTLS or TLS" },
	{ FAIL_AUTH, FAIL_R_LOGIN_REFUSED,
	  { IMPORT_R_USER, IMPORT_R_PASSWORD, ANY_ROLE },
	  "the server refused the login: the user name or the password" },
	{ FAIL_AUTH, FAIL_R_MECH_NOT_OFFERED,
	  { IMPORT_R_AUTH, ANY_ROLE, ANY_ROLE },
	  "the server offers none of the mechanisms it names" },
	{ FAIL_AUTH, FAIL_R_PLAIN_NOT_OFFERED,
	  { IMPORT_R_AUTH, ANY_ROLE, ANY_ROLE },
	  "the server offers none of the mechanisms it names" },
	{ FAIL_AUTH, FAIL_R_TOKEN_NEEDED,
	  { IMPORT_R_AUTH, IMPORT_R_PASSWORD, ANY_ROLE },
	  "the server takes only OAuth 2.0: a token command is needed" },
	{ FAIL_AUTH, FAIL_R_OAUTH_NOT_OFFERED,
	  { IMPORT_R_AUTH, IMPORT_R_PASSWORD, ANY_ROLE },
	  "a token was given but the server offers no OAuth mechanism" },
	{ FAIL_TLS_HANDSHAKE, FAIL_R_TLS_NOT_TLS,
	  { IMPORT_R_SECURITY, IMPORT_R_PORT, ANY_ROLE },
	  "implicit TLS against a port that does not speak it: the "
	  "security choice and the port disagree" },
	{ FAIL_PROTOCOL, FAIL_R_TLS_AT_GREETING,
	  { IMPORT_R_SECURITY, IMPORT_R_PORT, ANY_ROLE },
	  "the port speaks TLS from the first byte: choose implicit TLS "
	  "or the STARTTLS port" },
	{ FAIL_PROTOCOL, FAIL_R_NOT_IMAP_GREETING,
	  { IMPORT_R_PORT, IMPORT_R_HOST, ANY_ROLE },
	  "no IMAP server answers there: a wrong port or host" },
	{ FAIL_TLS_VERIFY, FAIL_R_CERT_NAME_MISMATCH,
	  { IMPORT_R_HOST, IMPORT_R_CA, ANY_ROLE },
	  "the certificate does not name this host" },
	{ FAIL_NETWORK, FAIL_R_TUNNEL_ENDED,
	  { IMPORT_R_TUNNEL, ANY_ROLE, ANY_ROLE },
	  "the tunnel command ended" },
	{ FAIL_TLS_VERIFY, FAIL_R_NONE,
	  { IMPORT_R_CA, IMPORT_R_SECURITY, ANY_ROLE },
	  "the server's certificate is not trusted with the CA "
	  "certificates chosen" },
	{ FAIL_TLS_HANDSHAKE, FAIL_R_NONE,
	  { IMPORT_R_SECURITY, IMPORT_R_PORT, IMPORT_R_CERT },
	  "TLS could not be negotiated with these settings" },
	{ FAIL_STARTTLS, FAIL_R_NONE,
	  { IMPORT_R_SECURITY, IMPORT_R_PORT, ANY_ROLE },
	  "it requires STARTTLS and the server on that port does not "
	  "offer it" },
	{ FAIL_REFUSED, FAIL_R_NONE,
	  { IMPORT_R_PORT, IMPORT_R_HOST, ANY_ROLE },
	  "nothing listens there: a wrong port or host" },
	{ FAIL_DNS, FAIL_R_NONE,
	  { IMPORT_R_HOST, ANY_ROLE, ANY_ROLE },
	  "the host name does not resolve" },
	{ FAIL_UNREACHABLE, FAIL_R_NONE,
	  { IMPORT_R_HOST, ANY_ROLE, ANY_ROLE },
	  "the host cannot be reached" },
	{ FAIL_TIMEOUT, FAIL_R_NONE,
	  { IMPORT_R_PORT, IMPORT_R_SECURITY, IMPORT_R_HOST },
	  "the server did not answer in time: a wrong port, or TLS "
	  "against a plain port" },
	{ FAIL_INPUT, FAIL_R_NONE,
	  { IMPORT_R_PASSWORD, IMPORT_R_CA, IMPORT_R_CERT },
	  "no password, or a file it names cannot be read" },
	{ FAIL_AUTH, FAIL_R_NONE,
	  { IMPORT_R_USER, IMPORT_R_PASSWORD, IMPORT_R_AUTH },
	  "the login failed" },
};

static const char *const role_names[IMPORT_R_COUNT] = {
	"the host", "the port", "the security (TLS, STARTTLS or plain)",
	"the user", "the password", "the mechanisms",
	"the CA certificates", "the client certificate", "the tunnel"
};

const char *
importcause_role_name(enum import_role r)
{
	return (unsigned)r < IMPORT_R_COUNT ? role_names[r] : "?";
}

static ssize_t
rule_of(const struct failure *f)
{
	size_t n = sizeof(rules) / sizeof(rules[0]);

	for (size_t i = 0; i < n; i++)
		if (f->reason != FAIL_R_NONE && rules[i].reason == f->reason)
			return (ssize_t)i;
	for (size_t i = 0; i < n; i++)
		if (rules[i].reason == FAIL_R_NONE && rules[i].cls == f->cls)
			return (ssize_t)i;
	return -1;
}

/* The last setting of role in a, or NULL. */
static const struct import_setting *
setting_of(const struct import_account *a, enum import_role role)
{
	for (size_t i = a->n_set; i > 0; i--)
		if (a->set[i - 1].role == role)
			return &a->set[i - 1];
	return NULL;
}

size_t
importcause_find(const struct import_account *a, const struct failure *f,
		 struct import_cause *out)
{
	ssize_t r = f->cls == FAIL_NONE ? -1 : rule_of(f);
	size_t n = 0;

	if (r < 0)
		return 0;
	for (size_t i = 0; i < IMPORTCAUSE_MAX; i++) {
		enum import_role role = rules[r].roles[i];

		if (role == ANY_ROLE)
			break;
		/* Beyond the first, only what the file says. */
		if (n > 0 && setting_of(a, role) == NULL)
			continue;
		out[n].role = role;
		out[n].set = setting_of(a, role);
		out[n].why = rules[r].why;
		n++;
	}
	return n;
}

void
importcause_print(const struct import_account *a,
		  const struct import_cause *c, size_t n, FILE *out)
{
	char file[4096];

	escape_text(a->file, strlen(a->file), file, sizeof(file));
	for (size_t i = 0; i < n; i++) {
		const char *lead = i == 0 ? "likely cause" : "also check";

		if (c[i].set != NULL)
			fprintf(out, "%s: %s:%d: %s (%s)%s%s\n", lead, file,
				c[i].set->line, c[i].set->said,
				importcause_role_name(c[i].role),
				i == 0 ? ": " : "", i == 0 ? c[i].why : "");
		else
			fprintf(out, "%s: %s:%d: account %s sets no %s "
				"(imapconn's default was used)%s%s\n", lead,
				file, a->line, a->name,
				importcause_role_name(c[i].role) + 4,
				i == 0 ? ": " : "", i == 0 ? c[i].why : "");
	}
}
