/* check_units.c - runs every Check suite (CK_RUN_SUITE picks one); builds
   their test cases. */
#include <stdarg.h>
#include <stdlib.h>

#include "check_units.h"

static Suite *(*const suites[])(void) = {
	suite_capdiff,
	suite_caps,
	suite_clientconfig,
	suite_config,
	suite_detect,
	suite_detectrun,
	suite_diag,
	suite_dryrun,
	suite_envelope,
	suite_escape,
	suite_hostname,
	suite_event,
	suite_export,
	suite_formmodel,
	suite_hostspec,
	suite_idna,
	suite_imap_cmd,
	suite_imap_parse,
	suite_importacct,
	suite_importaerc,
	suite_importcause,
	suite_importmbsync,
	suite_importmutt,
	suite_importofflineimap,
	suite_importtbird,
	suite_json,
	suite_lazylib,
	suite_knowncerts,
	suite_listview,
	suite_mailbox,
	suite_mboxname,
	suite_mbtree,
	suite_net,
	suite_oautherr,
	suite_options,
	suite_password,
	suite_pin,
	suite_plugin,
	suite_profile,
	suite_providers,
	suite_redact,
	suite_report,
	suite_rfc2047,
	suite_run,
	suite_sasl,
	suite_savefile,
	suite_server_id,
	suite_stats,
	suite_session,
	suite_tls,
	suite_truststore,
	suite_validity,
	suite_tunnel,
};

TCase *
units_case(Suite *s, const char *name, ...)
{
	TCase *tc = tcase_create(name);
	const TTest *test;
	va_list ap;

	va_start(ap, name);
	while ((test = va_arg(ap, const TTest *)) != NULL)
		tcase_add_test(tc, test);
	va_end(ap);
	suite_add_tcase(s, tc);
	return tc;
}

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
