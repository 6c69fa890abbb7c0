/* screens.h - the screens of the interface, each a table of functions
 * over data of its own (see struct ui_screen); only the table of
 * screens the interface is made with names them. */
#ifndef IMAPCONN_SCREENS_H
#define IMAPCONN_SCREENS_H

#include "ui_int.h"

/* The connection form: host, port, TLS choices, credentials, timeout
 * and the advanced TLS settings (the values are the form model's). */
extern const struct ui_screen connform_screen;

/* Every phase of the login with its state and time, the countdown of
 * the running wait, the security of the connection, notes, and on
 * failure the reason and what to try. */
extern const struct ui_screen progress_screen;

/* The server's folders as a tree, with special-use badges, counts, a
 * filter and raw names on demand. */
extern const struct ui_screen browser_screen;

/* An opened mailbox: the data EXAMINE reports and its newest
 * messages. */
extern const struct ui_screen mboxview_screen;

/* Version, cipher, SNI, the chain with validity and fingerprints,
 * verification per depth, the host name against the certificate's
 * names; s saves the chain as PEM. */
extern const struct ui_screen tlsview_screen;

/* The exchange with the server, as the core redacted it, with
 * timestamps; scrolls, searches with / and n. */
extern const struct ui_screen tview_screen;

/* F5 on the form probes the host typed in the background (src/detect,
 * without credentials), then shows every host, port and mode with its
 * result, TLS version and authentication mechanisms, the recommended
 * row chosen; Enter fills the form from the row, Esc goes back without
 * a change. */
extern const struct ui_screen detectview_screen;

/* After a successful login: the settings of the connection that worked
 * for another client, in each format of src/export.h (neomutt, mbsync,
 * curl, openssl, lisp), never with the password; s saves the one
 * shown to a file. */
extern const struct ui_screen exportview_screen;

/* A certificate that failed verification: its problems, the TLS
 * details and fingerprints, and the choices reject, accept once (its
 * key pinned for this run) and accept always (saved in known_certs);
 * a name mismatch on a certificate from a trusted CA is accepted only
 * once the host name is typed. */
extern const struct ui_screen trustview_screen;

/* The accounts of the configuration file, where the interface starts
 * when the command line named no host: Enter connects, e edits in the
 * form, n starts an empty one. */
extern const struct ui_screen accounts_screen;

/* m on the progress or mailbox screen, or --monitor: the form's
 * connection made again and again at an interval, a chart of the last
 * runs per phase with its median and 95th percentile, the failures
 * listed with their hints; Space pauses, + and - change the interval,
 * R writes every run's timings to a file. */
extern const struct ui_screen monitor_screen;

#endif
