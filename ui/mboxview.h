/* mboxview.h - an opened mailbox: the data EXAMINE reports and its
 * newest messages. */
#ifndef IMAPCONN_MBOXVIEW_H
#define IMAPCONN_MBOXVIEW_H

struct mboxview;

/* The screen's state, or NULL when out of memory; free with
 * mboxview_free() (NULL is fine). */
struct mboxview *mboxview_new(void);
void mboxview_free(struct mboxview *m);

#endif
