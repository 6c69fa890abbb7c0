/* export.h - the settings of a connection that worked, written for
 * another client: a neomuttrc snippet, an mbsyncrc account, a curl or
 * openssl s_client command, or the reference's make-imap-connection.
 *
 * Nothing written here ever holds a password or a key password: where
 * a client needs one, the output says where to put it (a PassCmd to
 * fill in, a prompt, a comment). */
#ifndef IMAPCONN_EXPORT_H
#define IMAPCONN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum export_format {
	EXPORT_NEOMUTT = 0,	/* neomuttrc: folder, spoolfile, TLS */
	EXPORT_MBSYNC,		/* isync: IMAPAccount and IMAPStore */
	EXPORT_CURL,		/* a curl command that lists the folders */
	EXPORT_OPENSSL,		/* an openssl s_client command */
	EXPORT_LISP,		/* (make-imap-connection '("host" ...) ...) */
	EXPORT_FORMAT_COUNT
};

#define EXPORT_ERR_MAX 256

/* Parse a format name ("neomutt", "mbsync", "curl", "openssl", "lisp";
 * also "isync" and "mutt"); 0, or -1 when unknown. */
int export_format_parse(const char *name, enum export_format *out);

/* Name of a format ("neomutt"); never NULL. */
const char *export_format_name(enum export_format f);

/* The names, for messages: "neomutt, mbsync, curl, openssl or lisp". */
const char *export_format_names(void);

/* Turn the settings of a connection that worked into what to export,
 * in place: with implicit TLS, STARTTLS is dropped; STARTTLS "if
 * offered" becomes required when the STARTTLS handshake happened
 * (starttls_done) and off when it did not; the port is made explicit;
 * relative file names (CA file and directory, certificate, key, key
 * password file, CRL) are made absolute against the current
 * directory.  Secrets in *c are wiped. */
void export_settle(struct conn_config *c, bool starttls_done);

/* Write the configuration or command of format fmt for *c to out.
 * Reads the endpoint (host, port, TLS mode, TLS options), the user and
 * the timeout; never the password or the key password.  Values are
 * quoted for the format: single quotes with '\'' in the shell commands,
 * \" and \\ in Lisp, neomuttrc and mbsyncrc strings.  Settings a format
 * cannot express are named in a comment.  Returns 0, or -1 with a
 * one-line reason in err (errcap bytes) when the format cannot express
 * the connection (openssl without TLS) or a value holds a control
 * character; nothing is written then. */
int export_write(enum export_format fmt, const struct conn_config *c,
		 FILE *out, char *err, size_t errcap);

/* Write s to out as one word for sh and bash: in single quotes, a '
 * inside as '\''. */
void export_shell_quote(FILE *out, const char *s);

#endif
