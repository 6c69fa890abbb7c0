/* main.c - imapconn: parse the command line, then run the terminal
 * interface, --check, --dry-run, --detect, --known-certs, --forget
 * or --import. */
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ac_config.h"
#include "cli.h"
#include "detect_print.h"
#include "dryrun.h"
#include "importcmd.h"
#include "knowncmd.h"
#include "options.h"
#include "plugin.h"
#include "profile_expand.h"
#include "repeat.h"
#include "tlswarm.h"
#include "ui.h"

static int
run(int argc, char **argv)
{
	static struct options o;
	char err[OPTIONS_ERR_MAX], **args;
	int rc, nargs;
	bool plugin;

	/* OpenSSL writes with write(2): a closed peer must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* The character set only: numbers stay "2.5" for strtod() and
	 * every number written, messages stay in one language. */
	setlocale(LC_CTYPE, "");
	if (importcmd_wanted(argc, argv))
		return importcmd_run(argc, argv, stdout);
	if (profile_expand(argc, argv, &nargs, &args, err, sizeof(err))
	    != 0) {
		if (plugin_asked(argc, argv))
			return plugin_usage_error(err, stdout);
		fprintf(stderr, "imapconn: %s\n", err);
		return 64;
	}
	rc = options_parse(nargs, args, &o, err, sizeof(err));
	plugin = plugin_asked(nargs, args);
	profile_expand_free(nargs, args);
	if (rc != 0) {
		if (plugin)
			return plugin_usage_error(err, stdout);
		fprintf(stderr, "imapconn: %s\n", err);
		return 64;
	}
	switch (o.mode) {
	case MODE_HELP:
		fputs(options_usage(), stdout);
		return 0;
	case MODE_VERSION:
		printf("imapconn %s\n", PACKAGE_VERSION);
		return 0;
	case MODE_DRY_RUN:
		return dryrun_print(&o, stdout);
	case MODE_KNOWN_CERTS:
		return knowncmd_list(&o, stdout);
	case MODE_FORGET:
		return knowncmd_forget(&o, stdout);
	case MODE_CHECK:
		rc = o.have_repeat ? repeat_check(&o, stdout) :
		     cli_check(&o, stdout);
		break;
	case MODE_PLUGIN:
		rc = plugin_check(&o, stdout);
		break;
	case MODE_DETECT:
		rc = detect_print_run(&o, stdout);
		break;
	case MODE_UI:
	default:
		o.cmd_argc = argc;
		o.cmd_argv = argv;
		rc = ui_run(&o);
		break;
	}
	config_wipe(&o.cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc;

	/* OpenSSL gets ready on a thread while the rest sets up; it is
	 * done before the program ends. */
	if (options_may_connect(argc, argv))
		tlswarm_start();
	rc = run(argc, argv);
	tlswarm_wait();
	return rc;
}
