/* b64.h - the value of one base64 character, in the standard alphabet
 * (RFC 4648) or IMAP's modified one for mailbox names (RFC 3501). */
#ifndef IMAPCONN_B64_H
#define IMAPCONN_B64_H

/* The value (0 to 63) of c in the alphabet whose 64th character is
 * last ('/' for standard base64, ',' for modified), or -1. */
int b64_value(unsigned char c, char last);

#endif
