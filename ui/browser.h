/* browser.h - the mailbox browser: the server's folders as a tree,
 * with special-use badges, counts, a filter and raw names on demand. */
#ifndef IMAPCONN_BROWSER_H
#define IMAPCONN_BROWSER_H

struct browser;

/* The screen's state, or NULL when out of memory; free with
 * browser_free() (NULL is fine). */
struct browser *browser_new(void);
void browser_free(struct browser *b);

#endif
