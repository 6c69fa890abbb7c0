/* strv.h - arrays of strings the caller owns, as argv is built. */
#ifndef IMAPCONN_STRV_H
#define IMAPCONN_STRV_H

/* Free v[0..n) and v itself; nothing when v is NULL. */
void strv_free(int n, char **v);

#endif
