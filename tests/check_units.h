/* check_units.h - the Check suites, one per module. */
#ifndef IMAPCONN_CHECK_UNITS_H
#define IMAPCONN_CHECK_UNITS_H

#include <check.h>

Suite *suite_capdiff(void);
Suite *suite_caps(void);
Suite *suite_clientconfig(void);
Suite *suite_config(void);
Suite *suite_detect(void);
Suite *suite_detectrun(void);
Suite *suite_diag(void);
Suite *suite_dryrun(void);
Suite *suite_envelope(void);
Suite *suite_escape(void);
Suite *suite_hostname(void);
Suite *suite_event(void);
Suite *suite_export(void);
Suite *suite_formmodel(void);
Suite *suite_hostspec(void);
Suite *suite_idna(void);
Suite *suite_imap_cmd(void);
Suite *suite_imap_parse(void);
Suite *suite_json(void);
Suite *suite_lazylib(void);
Suite *suite_importacct(void);
Suite *suite_importaerc(void);
Suite *suite_importcause(void);
Suite *suite_importmbsync(void);
Suite *suite_importmutt(void);
Suite *suite_importofflineimap(void);
Suite *suite_importtbird(void);
Suite *suite_knowncerts(void);
Suite *suite_listview(void);
Suite *suite_mailbox(void);
Suite *suite_mboxname(void);
Suite *suite_mbtree(void);
Suite *suite_net(void);
Suite *suite_oautherr(void);
Suite *suite_profile(void);
Suite *suite_providers(void);
Suite *suite_options(void);
Suite *suite_password(void);
Suite *suite_pin(void);
Suite *suite_plugin(void);
Suite *suite_redact(void);
Suite *suite_report(void);
Suite *suite_rfc2047(void);
Suite *suite_run(void);
Suite *suite_sasl(void);
Suite *suite_savefile(void);
Suite *suite_server_id(void);
Suite *suite_stats(void);
Suite *suite_session(void);
Suite *suite_tls(void);
Suite *suite_truststore(void);
Suite *suite_validity(void);
Suite *suite_tunnel(void);

/* units_case: a test case NAME added to the suite S, holding the tests
   given after NAME (START_TEST's names) up to a NULL; returns it, for
   loop tests, fixtures and timeouts. */
TCase *units_case(Suite *s, const char *name, ...);

#endif
