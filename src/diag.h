/* diag.h - one line that names the likely cause of a failure and what
 * to try, from the failure value and the settings used. */
#ifndef IMAPCONN_DIAG_H
#define IMAPCONN_DIAG_H

#include "fail.h"
#include "options.h"

/* Fill f->hint (unless the session already did) from f's phase, class
 * and detail and the settings in o. */
void diag_explain(struct failure *f, const struct options *o);

#endif
