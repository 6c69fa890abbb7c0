/* options.h - the command line, parsed into a connection configuration. */
#ifndef IMAPCONN_OPTIONS_H
#define IMAPCONN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "export.h"
#include "phase.h"

enum run_mode {
	MODE_UI = 0,		/* the terminal interface */
	MODE_CHECK,		/* --check: run once, print, exit status */
	MODE_DRY_RUN,		/* --dry-run: print the plan, connect nowhere */
	MODE_DETECT,		/* --detect NAME: find where IMAP answers */
	MODE_KNOWN_CERTS,	/* --known-certs: list the file */
	MODE_FORGET,		/* --forget HOST[:PORT] */
	MODE_PLUGIN,		/* --plugin: one status line, exit 0-3 */
	MODE_HELP,
	MODE_VERSION
};

enum password_source {
	PW_NONE = 0,		/* none given: prompt when needed */
	PW_ENV,			/* IMAPCONN_PASSWORD */
	PW_FILE,		/* --password-file */
	PW_COMMAND		/* --password-command */
};

enum token_source {
	TOK_NONE = 0,
	TOK_ENV,		/* IMAPCONN_OAUTH_TOKEN */
	TOK_COMMAND		/* --oauth-token-command */
};

struct options {
	enum run_mode mode;
	bool json;			/* --json with --check/--dry-run */
	bool show_form;			/* --form: the form first, always */
	bool have_host;
	char host_text[CONFIG_PATH_MAX];	/* as typed, for the form */
	struct conn_config cfg;
	enum password_source pw_source;
	char pw_arg[CONFIG_PATH_MAX];	/* file name or command */
	enum token_source tok_source;
	char tok_arg[CONFIG_PATH_MAX];	/* --oauth-token-command */
	bool timeout_given;		/* --timeout was given */
	bool have_export;		/* --export FORMAT (with --check) */
	enum export_format export_fmt;
	char export_path[CONFIG_PATH_MAX];	/* FORMAT:FILE; "" if none */
	char report_path[CONFIG_PATH_MAX];	/* --report FILE; "" if none */
	char detect_name[CONFIG_HOST_MAX];	/* --detect NAME, as typed */
	uint16_t detect_port_tls;	/* --detect-ports; 0: 993 */
	uint16_t detect_port_starttls;	/* --detect-ports; 0: 143 */
	char forget[CONFIG_HOST_MAX + 8];	/* --forget HOST[:PORT] */
	char config_path[CONFIG_PATH_MAX];	/* --config FILE; "": the
						 * default */
	bool have_repeat;		/* --repeat N (with --check) */
	unsigned repeat;		/* connections; 0: until stopped */
	bool monitor;			/* --monitor: the monitor screen */
	bool have_interval;		/* --interval was given */
	double interval_s;		/* between connections; default 1 */
	long warn_ms, crit_ms;		/* --plugin -w, -c: the whole
					 * connection, ms; 0: none */
	long warn_phase_ms[PHASE_COUNT];	/* --warn-phase; 0: none */
	bool have_cert_days;		/* --cert-days WARN,CRIT */
	long cert_warn_days, cert_crit_days;
	/* The command line as typed, set by main() once options_parse()
	 * is done: the accounts screen puts its options over the account
	 * chosen.  cmd_argc = 0: none. */
	int cmd_argc;
	char *const *cmd_argv;
};

#define OPTIONS_ERR_MAX 1024

/* Parse argv into *o (reset first).  The environment is read for
 * IMAPCONN_PASSWORD's presence only (its value is read later by
 * password_obtain).  Returns 0, or -1 with a one-line message in err
 * that names the option and what was wrong. */
int options_parse(int argc, char **argv, struct options *o,
		  char *err, size_t errcap);

/* The CONN_AUTH_* bits of a list of mechanisms as --auth takes them
 * ("scram-sha-256,plain", any case) into *out.  Returns 0, or -1 with
 * a one-line reason in err (an unknown name, or none named). */
int options_parse_auth(const char *arg, unsigned *out, char *err,
		       size_t errcap);

/* The --help text. */
const char *options_usage(void);

/* Whether arg is an option whose value is the next argument ("-u",
 * "--user"; not "--user=x"). */
bool options_takes_argument(const char *arg);
/* Whether the command line may lead to a TLS connection, read before
 * it is parsed (so that OpenSSL can get ready meanwhile): false when
 * it names a mode that never connects (--help, --version, --dry-run,
 * --known-certs, --forget, --import).  A wrong guess costs time only. */
bool options_may_connect(int argc, char **argv);

#endif
