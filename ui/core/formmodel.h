/* formmodel.h - the values of the connection form as data: host, port,
 * TLS choices, credentials (the password, the OAuth token's command,
 * the login mechanisms), timeout and the advanced TLS settings,
 * prefilled from the command line and kept while the program runs.
 * The form screen shows and edits them; the detection reads them and
 * writes what it found; a connection is built from them.  No curses
 * here. */
#ifndef IMAPCONN_FORMMODEL_H
#define IMAPCONN_FORMMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "options.h"

struct formmodel;
struct detect_params;

enum formmodel_id {
	FORM_HOST, FORM_PORT, FORM_TIMEOUT, FORM_TLS,
	FORM_VERIFY, FORM_CAFILE, FORM_USER, FORM_PASSWORD, FORM_TOKEN,
	FORM_ADVANCED, FORM_AUTH,
	FORM_CERT, FORM_KEY, FORM_KEYPW, FORM_TLSMIN, FORM_TLSMAX,
	FORM_DEPTH, FORM_CIPHERS, FORM_SUITES, FORM_SNI, FORM_CRL,
	FORM_CADIR, FORM_PLAIN,
	FORM_COUNT
};

enum formmodel_kind { FORM_TEXT, FORM_CHOICE, FORM_SECRET };

/* The choices of the TLS field, in their order. */
enum formmodel_tls {
	FORM_TLS_IMPLICIT = 0,	/* TLS from the first byte */
	FORM_TLS_STARTTLS,	/* STARTTLS required */
	FORM_TLS_OPPORTUNISTIC,	/* STARTTLS when offered, else plain */
	FORM_TLS_NONE		/* plain text */
};

/* What a field is. */
struct formmodel_field {
	const char *label;
	enum formmodel_kind kind;
	const char *const *choices;	/* FORM_CHOICE: NULL ends */
	size_t max;			/* characters a text field holds */
	bool advanced;			/* in the Advanced TLS section */
};

/* What field id is (static data). */
const struct formmodel_field *formmodel_field(enum formmodel_id id);

/* The values of o (the host as typed, the merged settings, the
 * password from IMAPCONN_PASSWORD, --password-file or
 * --password-command, read now; --oauth-token-command as the Token
 * command field, run only when connecting).  The model keeps its own copy of
 * every secret; o may be wiped after.  NULL when out of memory. */
struct formmodel *formmodel_new(const struct options *o);

/* The connection the form describes as an account of the
 * configuration file ("key = value" lines, imapconn.conf(5)) into b:
 * host, port, TLS mode and settings, user, mechanisms, the token
 * command, and where the password came from (--password-command or
 * --password-file), never the password.  0, or -1 with err (a field
 * that does not parse, focused). */
int formmodel_profile(struct formmodel *m, char *b, size_t cap, char *err,
		      size_t ecap);

/* A model from command-line arguments (an account's, without the
 * program's name), parsed into *o (wiped after); formmodel_ready() as
 * for a command line when connect is true, else never (as after
 * --form).  NULL with err: the options do not parse, or out of
 * memory. */
struct formmodel *formmodel_from_args(int argc, char **argv, bool connect,
				      struct options *o, char *err,
				      size_t cap);

/* Wipe the secrets and free the model.  NULL is fine. */
void formmodel_free(struct formmodel *m);

/* The text of a field, trimmed, into out (a choice: its name). */
void formmodel_text(const struct formmodel *m, enum formmodel_id id,
		    char *out, size_t cap);

/* The text of a field as last set or typed, for showing it. */
const char *formmodel_shown(const struct formmodel *m,
			    enum formmodel_id id);

/* The index of a choice field's value in its choices. */
int formmodel_choice(const struct formmodel *m, enum formmodel_id id);

/* Text typed into a text field (the spaces around it do not count):
 * the Host field is parsed again and what it says goes into the other
 * fields; a port typed no longer follows the TLS choice, and the TLS
 * choice follows it (993: implicit TLS, else STARTTLS) until one is
 * chosen. */
void formmodel_typed(struct formmodel *m, enum formmodel_id id,
		     const char *text);

/* Move a choice by step (wrapping); a TLS choice made so no longer
 * follows the port, and the port follows it (implicit TLS: 993, else
 * 143) until one is typed; Advanced TLS shows or hides its section. */
void formmodel_cycle(struct formmodel *m, enum formmodel_id id, int step);

/* Show or hide the Advanced TLS section. */
void formmodel_show_advanced(struct formmodel *m, bool on);

/* The password: its length in bytes; its last character dropped; all
 * of it wiped; the bytes of one character added (false when it does
 * not fit).  Each change forgets where it came from. */
size_t formmodel_pw_len(const struct formmodel *m);
void formmodel_pw_erase(struct formmodel *m);
void formmodel_pw_clear(struct formmodel *m);
bool formmodel_pw_add(struct formmodel *m, const char *mb, size_t n);

/* Where the password came from ("" when typed), what the Host field
 * says and whether it parses. */
const char *formmodel_pw_note(const struct formmodel *m);
const char *formmodel_host_info(const struct formmodel *m);

/* Where the OAuth token will come from, for a note beside its field:
 * the command's first line, IMAPCONN_OAUTH_TOKEN (the field empty and
 * the variable set), or "" (no token). */
const char *formmodel_token_note(const struct formmodel *m);
bool formmodel_host_ok(const struct formmodel *m);

/* Whether field id changed since the last call other than by being
 * typed into (formmodel_typed), and no longer: the form then shows
 * it again. */
bool formmodel_take_change(struct formmodel *m, enum formmodel_id id);

/* The field that should become the current one (the first to start
 * in, one that failed, the next one missing after a fill), or -1; the
 * request is taken. */
int formmodel_take_focus(struct formmodel *m);

/* Build a configuration from the fields: the Host field parsed again,
 * then every field applied over it (Auth as --auth takes it), --tunnel
 * from the command line.  With a user, the OAuth token is read now: the first
 * line the Token command prints, else IMAPCONN_OAUTH_TOKEN when set;
 * with a token (or --auth naming only mechanisms without one) no
 * password is needed.  Returns 0, or -1 with a one-line
 * reason in err (the offending field becomes the one to focus).  The
 * caller wipes *cfg (config_wipe) when done with it. */
int formmodel_config(struct formmodel *m, struct conn_config *cfg,
		     char *err, size_t cap);

/* What to detect for the detect key: the host of the Host field, the
 * ports of --detect-ports (else 993 and 143), the TLS settings of the
 * fields (verification always on) and the timeout when one was given
 * (else DETECT_TIMEOUT_S).  Returns 0, or -1 with a one-line reason in
 * err (the offending field becomes the one to focus).  The caller
 * wipes p->tls (tls_opts_wipe) when done with it. */
int formmodel_detect_params(struct formmodel *m, struct detect_params *p,
			    char *err, size_t cap);

/* Put a detected endpoint in the fields: Host (the bare host), Port,
 * TLS and Server name (shown when set: the name the
 * certificate must hold); the other fields keep their values.  The
 * field to focus becomes User or Password when they are empty. */
void formmodel_fill(struct formmodel *m, const struct endpoint *ep);

/* Make User the field to focus (to log in where a list needs it). */
void formmodel_focus_user(struct formmodel *m);

/* Whether the command line gave everything a connection needs (a host
 * that parses and, with a user, a password or a token's source): then
 * it starts at once. */
bool formmodel_ready(const struct formmodel *m);

#endif
