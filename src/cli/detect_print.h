/* detect_print.h - the command line's --detect: the probe engine's
 * result printed as a table or as JSON. */
#ifndef IMAPCONN_DETECT_PRINT_H
#define IMAPCONN_DETECT_PRINT_H

#include <stdio.h>

#include "detect.h"

struct options;

/* Print a result as a table, or as one JSON document. */
void detect_print_text(const struct detect_result *r, FILE *out);
void detect_print_json(const struct detect_result *r, FILE *out);

/* --detect: collect with the settings in *o, print (o->json: as JSON)
 * and return the exit status: 0 when a server is recommended, 69 when
 * nothing usable answered, 70 when out of memory. */
int detect_print_run(const struct options *o, FILE *out);

#endif
