/* knowncmd.c - --known-certs lists and --forget edits the file of
 * certificates accepted for good. */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "fail.h"
#include "knowncerts.h"
#include "knowncmd.h"

static void
warn_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "imapconn: %s\n", msg);
}

static int
load(const struct options *o, struct knowncerts *kc)
{
	char err[CONFIG_PATH_MAX + 128];

	knowncerts_init(kc);
	if (o->cfg.known_certs[0] == '\0') {
		fprintf(stderr, "imapconn: no place for known_certs: set "
			"XDG_DATA_HOME or HOME\n");
		return fail_exit_code(FAIL_INPUT);
	}
	if (knowncerts_load(kc, o->cfg.known_certs, warn_stderr, NULL, err,
			    sizeof(err)) != 0) {
		fprintf(stderr, "imapconn: %s\n", err);
		return fail_exit_code(FAIL_INPUT);
	}
	return 0;
}

int
knowncmd_list(const struct options *o, FILE *out)
{
	struct knowncerts kc;
	int rc = load(o, &kc);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < kc.n; i++)
		if (kc.e[i].raw == NULL)
			fprintf(out, "%s sha256//%s first seen %s, last seen %s\n",
				kc.e[i].key, kc.e[i].spki,
				kc.e[i].first_seen, kc.e[i].last_seen);
	fprintf(out, "%zu certificate%s accepted in %s\n",
		knowncerts_count(&kc), knowncerts_count(&kc) == 1 ? "" : "s",
		o->cfg.known_certs);
	knowncerts_free(&kc);
	return 0;
}

/* A bare IPv6 address ("::1") in the brackets the file's keys use. */
static void
forget_key(const char *what, char *buf, size_t cap)
{
	const char *first = strchr(what, ':');

	if (what[0] != '[' && first != NULL && strchr(first + 1, ':'))
		snprintf(buf, cap, "[%s]", what);
	else
		snprintf(buf, cap, "%s", what);
}

int
knowncmd_forget(const struct options *o, FILE *out)
{
	struct knowncerts kc;
	char key[sizeof(o->forget) + 2], shown[2 * sizeof(key)];
	char err[CONFIG_PATH_MAX + 128];
	size_t n;
	int rc = load(o, &kc);

	if (rc != 0)
		return rc;
	forget_key(o->forget, key, sizeof(key));
	escape_text(key, strlen(key), shown, sizeof(shown));
	n = knowncerts_forget(&kc, key);
	if (n == 0) {
		fprintf(out, "no certificate accepted for %s in %s\n", shown,
			o->cfg.known_certs);
		knowncerts_free(&kc);
		return 1;
	}
	rc = knowncerts_save(&kc, o->cfg.known_certs, err, sizeof(err));
	knowncerts_free(&kc);
	if (rc != 0) {
		fprintf(stderr, "imapconn: %s\n", err);
		return fail_exit_code(FAIL_INPUT);
	}
	fprintf(out, "forgot %zu certificate%s for %s: the next connection "
		"verifies it afresh\n", n, n == 1 ? "" : "s", shown);
	return 0;
}
