/* hostname.h - whether a text is a DNS host name. */
#ifndef IMAPCONN_HOSTNAME_H
#define IMAPCONN_HOSTNAME_H

#include <stdbool.h>

/* Labels of 1 to 63 ASCII letters, digits, '-' and '_' ('-' neither
 * first nor last in a label), joined by dots, at most 253 characters;
 * one trailing dot allowed ("example.org.").  No address, no empty
 * label, nothing outside ASCII (an international name is checked once
 * converted to its A-labels). */
bool hostname_valid(const char *s);

#endif
