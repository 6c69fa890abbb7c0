/* check_units.h - the Check suites, one per module. */
#ifndef IMAPCONN_CHECK_UNITS_H
#define IMAPCONN_CHECK_UNITS_H

#include <check.h>

Suite *suite_hostspec(void);

#endif
