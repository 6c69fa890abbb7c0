/* importcmd.c - --import: other clients' IMAP accounts listed as
 * imapconn command lines and profiles, or one checked with its
 * failure traced to the line of the file that caused it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "importcause.h"
#include "importcmd.h"
#include "importfind.h"
#include "options.h"
#include "strv.h"

/* What the command line asks of --import. */
struct import_req {
	bool check;
	bool use_stored;
	const char *which;	/* NULL: all */
	int n_rest;		/* the other arguments, for options_parse */
	char **rest;
};

bool
importcmd_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--import") == 0)
			return true;
		if (options_takes_argument(argv[i]))
			i++;
	}
	return false;
}

/* Sort argv into *r; rest[] points into argv. */
static int
request(int argc, char **argv, struct import_req *r)
{
	memset(r, 0, sizeof(*r));
	r->rest = calloc((size_t)argc + 1, sizeof(*r->rest));
	if (r->rest == NULL)
		return -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--import") == 0)
			continue;
		if (strcmp(a, "--check") == 0)
			r->check = true;
		else if (strcmp(a, "--use-stored-password") == 0)
			r->use_stored = true;
		else if (a[0] != '-' && r->which == NULL)
			r->which = a;
		else {
			r->rest[r->n_rest++] = argv[i];
			if (options_takes_argument(a) && i + 1 < argc)
				r->rest[r->n_rest++] = argv[++i];
		}
	}
	return 0;
}

/* The account which names: "3", "NAME" or "CLIENT:NAME"; NULL. */
static struct import_account *
find(struct import_list *l, const char *which)
{
	char *end, full[512];
	long n = strtol(which, &end, 10);

	if (*end == '\0' && n >= 1 && (size_t)n <= l->n)
		return &l->acc[n - 1];
	for (size_t i = 0; i < l->n; i++) {
		snprintf(full, sizeof(full), "%s:%s",
			 importacct_client_name(l->acc[i].client),
			 l->acc[i].name);
		if (strcmp(which, l->acc[i].name) == 0
		    || strcmp(which, full) == 0)
			return &l->acc[i];
	}
	return NULL;
}

static void
print_profile(const struct import_account *a, FILE *out)
{
	char esc[IMPORT_LINE_MAX * 4], name[65];
	size_t n = 0;

	/* A profile's name: letters, digits, - _ . @ */
	for (const char *c = a->name; *c != '\0' && n < 64; c++, n++)
		name[n] = isalnum((unsigned char)*c)
			  || strchr("-_.@", *c) != NULL ? *c : '-';
	name[n] = '\0';
	fprintf(out, "   profile:\n     [%s]\n", name);
	for (size_t i = 0; i < a->n_set; i++) {
		const struct import_setting *s = &a->set[i];
		const char *v = s->value != NULL ? s->value : "yes";

		escape_text(v, strlen(v), esc, sizeof(esc));
		fprintf(out, "     %s = %s\n", s->option, esc);
	}
}

static void
print_account(const struct import_account *a, size_t idx, FILE *out)
{
	char file[4096], cmd[IMPORT_LINE_MAX * 2], esc[sizeof(cmd) * 4];

	escape_text(a->file, strlen(a->file), file, sizeof(file));
	importacct_command(a, cmd, sizeof(cmd));
	escape_text(cmd, strlen(cmd), esc, sizeof(esc));
	fprintf(out, "%zu. %s:%s (%s:%d)\n   %s\n", idx,
		importacct_client_name(a->client), a->name, file, a->line,
		esc[0] != '\0' ? esc : "(too long to show)");
	for (size_t i = 0; i < a->n_set; i++)
		fprintf(out, "     %s:%d: %s -> --%s\n", file,
			a->set[i].line, a->set[i].said, a->set[i].option);
	print_profile(a, out);
	if (a->n_notes > 0)
		fprintf(out, "   not translated:\n");
	for (size_t i = 0; i < a->n_notes; i++)
		fprintf(out, "     %s:%d: %s\n", file, a->notes[i].line,
			a->notes[i].text);
}

static int
list(const struct import_list *l, const struct import_account *only,
     FILE *out)
{
	if (l->n == 0)
		fprintf(out, "no IMAP account found\n");
	for (size_t i = 0; i < l->n; i++)
		if (only == NULL || only == &l->acc[i])
			print_account(&l->acc[i], i + 1, out);
	if (l->full)
		fprintf(out, "more than %d accounts: the rest not read\n",
			IMPORT_ACCOUNTS_MAX);
	return 0;
}

/* The settings whose options err names, with their lines. */
static void
option_error(const struct import_account *a, const char *err, FILE *out)
{
	char opt[96], file[4096];

	escape_text(a->file, strlen(a->file), file, sizeof(file));
	for (size_t i = 0; i < a->n_set; i++) {
		snprintf(opt, sizeof(opt), "--%s ", a->set[i].option);
		if (strstr(err, opt) != NULL)
			fprintf(out, "imapconn: from %s:%d: %s\n", file,
				a->set[i].line, a->set[i].said);
	}
}

/* The account's arguments (*ac of them in *av, owned), then the
 * command line's own, then --check: *argc of them in a new *argv
 * whose strings belong to av and argv (getopt reorders *argv). */
static int
check_args(const struct import_account *a, const struct import_req *r,
	   int *ac, char ***av, int *argc, char ***argv)
{
	char **v;

	if (importacct_args(a, ac, av) != 0)
		return -1;
	v = calloc((size_t)(*ac + r->n_rest + 3), sizeof(*v));
	if (v == NULL)
		return -1;
	v[0] = "imapconn";
	memcpy(v + 1, *av, (size_t)*ac * sizeof(*v));
	memcpy(v + 1 + *ac, r->rest, (size_t)r->n_rest * sizeof(*v));
	v[1 + *ac + r->n_rest] = "--check";
	*argc = *ac + r->n_rest + 2;
	*argv = v;
	return 0;
}

/* Whether the account names a password or token source itself. */
static bool
has_secret_source(const struct import_account *a)
{
	return importacct_get(a, "password-command") != NULL
	       || importacct_get(a, "password-file") != NULL
	       || importacct_get(a, "oauth-token-command") != NULL;
}

static void
stored_password(const struct import_account *a, bool use, FILE *out)
{
	char file[4096];

	if (a->stored_password == NULL || has_secret_source(a))
		return;
	escape_text(a->file, strlen(a->file), file, sizeof(file));
	if (use) {
		setenv("IMAPCONN_PASSWORD", a->stored_password, 1);
		fprintf(out, "using the password stored at %s:%d\n", file,
			a->password_line);
	} else {
		fprintf(out, "not using the password stored at %s:%d "
			"(--use-stored-password uses it)\n", file,
			a->password_line);
	}
}

static int
check(const struct import_account *a, size_t idx,
      const struct import_req *r, FILE *out)
{
	static struct options o;
	struct import_cause c[IMPORTCAUSE_MAX];
	char err[OPTIONS_ERR_MAX], **v = NULL, **av = NULL;
	struct failure f;
	int argc, ac = 0, rc;

	/* Before the parse: it looks for IMAPCONN_PASSWORD. */
	stored_password(a, r->use_stored, stderr);
	rc = check_args(a, r, &ac, &av, &argc, &v);
	if (rc == 0)
		rc = options_parse(argc, v, &o, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "out of memory");
	strv_free(ac, av);
	free(v);
	if (rc != 0) {
		fprintf(stderr, "imapconn: %s\n", err);
		option_error(a, err, stderr);
		return 64;
	}
	print_account(a, idx, o.json ? stderr : out);
	rc = cli_check_failure(&o, out, &f);
	config_wipe(&o.cfg);
	importcause_print(a, c, importcause_find(a, &f, c),
			  o.json ? stderr : out);
	return rc;
}

static int
run(const struct import_req *r, FILE *out)
{
	static struct import_list l;
	const char *home = getenv("HOME");
	struct import_account *a = NULL;
	int rc;

	if (!r->check && r->n_rest > 0) {
		fprintf(stderr, "imapconn: --import: %s goes with --import "
			"--check\n", r->rest[0]);
		return 64;
	}
	if (home == NULL || home[0] == '\0') {
		fprintf(stderr, "imapconn: --import: HOME is not set\n");
		return 64;
	}
	importfind_all(home, getenv("XDG_CONFIG_HOME"), &l,
		       r->check ? NULL : out);
	if (r->which != NULL && (a = find(&l, r->which)) == NULL) {
		fprintf(stderr, "imapconn: --import: no account '%s' (give "
			"its number, NAME or CLIENT:NAME)\n", r->which);
		rc = 64;
	} else if (!r->check) {
		rc = list(&l, a, out);
	} else if (a == NULL && l.n != 1) {
		fprintf(stderr, "imapconn: --import --check: %zu accounts: "
			"name one (its number, NAME or CLIENT:NAME)\n", l.n);
		rc = 64;
	} else {
		a = a != NULL ? a : &l.acc[0];
		rc = check(a, (size_t)(a - l.acc) + 1, r, out);
	}
	importacct_free(&l);
	return rc;
}

int
importcmd_run(int argc, char **argv, FILE *out)
{
	struct import_req r;
	int rc;

	if (request(argc, argv, &r) != 0) {
		fprintf(stderr, "imapconn: out of memory\n");
		return 70;
	}
	rc = run(&r, out);
	free(r.rest);
	return rc;
}
