/* profile_expand.c - a command line that names a profile (--profile
 * NAME, or a HOST that is a profile's name) expanded into the profile's
 * options followed by its own, which override them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "options.h"
#include "profile.h"
#include "profile_expand.h"
#include "strv.h"

/* What the command line says about profiles. */
struct wanted {
	const char *config;	/* --config FILE; NULL: the default */
	const char *profile;	/* --profile NAME; NULL: none */
	bool *drop;		/* argv entries not passed on */
};

/* "--NAME VALUE" or "--NAME=VALUE" at argv[*i]: the value, the
 * entries marked dropped (unless drop is NULL); NULL when argv[*i] is
 * another option. */
static const char *
take(int argc, char **argv, int *i, const char *name, bool *drop)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=') {
		if (drop != NULL)
			drop[*i] = true;
		return a + n + 1;
	}
	if (a[n] != '\0' || *i + 1 >= argc)
		return NULL;
	if (drop != NULL)
		drop[*i] = drop[*i + 1] = true;
	return argv[++*i];
}

/* --config and --profile found and marked; the index of the first
 * positional argument into *pos (-1: none). */
static void
scan(int argc, char **argv, struct wanted *w, int *pos)
{
	*pos = -1;
	for (int i = 1; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--") == 0)
			break;
		if ((v = take(argc, argv, &i, "--config", NULL)) != NULL)
			w->config = v;	/* kept: the interface reads it */
		else if ((v = take(argc, argv, &i, "--profile", w->drop))
			 != NULL)
			w->profile = v;
		else if (options_takes_argument(argv[i]))
			i++;
		else if (argv[i][0] != '-' && *pos < 0)
			*pos = i;
	}
}

/* argv[0], the profile's arguments, then the command line's own. */
static int
build(int argc, char **argv, const bool *drop, const struct profile *p,
      int *out_argc, char ***out)
{
	char **pv, **v;
	int pn, n = 0;

	if (profile_args(p, argc, argv, &pn, &pv) != 0)
		return -1;
	v = calloc((size_t)(argc + pn + 1), sizeof(*v));
	if (v == NULL) {
		strv_free(pn, pv);
		return -1;
	}
	v[n++] = strdup(argv[0]);
	for (int i = 0; i < pn; i++)
		v[n++] = pv[i];
	free(pv);
	for (int i = 1; i < argc; i++)
		if (!drop[i])
			v[n++] = strdup(argv[i]);
	*out_argc = n;
	*out = v;
	for (int i = 0; i < n; i++)
		if (v[i] == NULL)
			return -1;
	return 0;
}

/* The profile the command line names in f, or NULL; -1 in *rc when
 * --profile names one f lacks. */
static const struct profile *
chosen(const struct profile_file *f, const struct wanted *w, char **argv,
       int pos, bool *drop, int *rc, char *err, size_t cap)
{
	const struct profile *p;

	if (w->profile != NULL) {
		p = profile_find(f, w->profile);
		if (p == NULL)
			*rc = errmsg(err, cap, "--profile '%s': no such "
				     "profile in %s", w->profile, f->path);
		return p;
	}
	p = pos > 0 ? profile_find(f, argv[pos]) : NULL;
	if (p != NULL)
		drop[pos] = true;
	return p;
}

static int
expand(int argc, char **argv, struct wanted *w, int *out_argc,
       char ***out, char *err, size_t cap)
{
	static const struct profile none = { NULL, 0, NULL, 0 };
	struct profile_file f;
	const struct profile *p;
	char path[4096];
	int pos, rc = 0, got;

	scan(argc, argv, w, &pos);
	if (w->config != NULL)
		snprintf(path, sizeof(path), "%s", w->config);
	else if (profile_default_path(path, sizeof(path)) != 0)
		path[0] = '\0';
	got = path[0] != '\0' ? profile_read(path, &f, err, cap) : 1;
	if (got < 0)
		return -1;
	if (got == 1 && (w->config != NULL || w->profile != NULL))
		return errmsg(err, cap, "%s: no such file",
			      path[0] ? path : "no configuration file");
	p = got == 0 ? chosen(&f, w, argv, pos, w->drop, &rc, err, cap)
		     : NULL;
	if (rc == 0 && build(argc, argv, w->drop, p != NULL ? p : &none,
			     out_argc, out) != 0)
		rc = errmsg(err, cap, "out of memory");
	if (got == 0)
		profile_file_free(&f);
	return rc;
}

int
profile_expand(int argc, char **argv, int *out_argc, char ***out,
	       char *err, size_t cap)
{
	struct wanted w = { NULL, NULL, calloc((size_t)argc + 1,
					       sizeof(bool)) };
	int rc;

	*out = NULL;
	*out_argc = 0;
	if (w.drop == NULL)
		return errmsg(err, cap, "out of memory");
	rc = expand(argc, argv, &w, out_argc, out, err, cap);
	free(w.drop);
	return rc;
}

void
profile_expand_free(int argc, char **argv)
{
	strv_free(argc, argv);
}

/* Whether arg, an account's argument, is an option the command line
 * sets itself. */
static bool
overridden(const char *arg, int n_cmd, char *const *cmd)
{
	char key[64];
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	len = strcspn(arg + 2, "=");
	if (len >= sizeof(key))
		return false;
	memcpy(key, arg + 2, len);
	key[len] = '\0';
	return profile_given(key, n_cmd, cmd);
}

/* The command line's options (not its host) appended to v at *n. */
static void
append_cmd(int n_cmd, char *const *cmd, char **v, int *n)
{
	for (int i = 1; i < n_cmd; i++) {
		if (strcmp(cmd[i], "--") == 0)
			break;
		if (cmd[i][0] != '-' || cmd[i][1] == '\0')
			continue;
		v[(*n)++] = strdup(cmd[i]);
		if (options_takes_argument(cmd[i]) && i + 1 < n_cmd)
			v[(*n)++] = strdup(cmd[++i]);
	}
}

int
profile_expand_over(int n_cmd, char *const *cmd, int n, char **args,
		    int *out_n, char ***out)
{
	char **v = calloc((size_t)(n + n_cmd + 1), sizeof(*v));
	int k = 0;

	*out = v;
	*out_n = 0;
	if (v == NULL) {
		strv_free(n, args);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (overridden(args[i], n_cmd, cmd))
			free(args[i]);
		else
			v[k++] = args[i];
	}
	free(args);
	append_cmd(n_cmd, cmd, v, &k);
	*out_n = k;
	for (int i = 0; i < k; i++)
		if (v[i] == NULL)
			return -1;
	return 0;
}
