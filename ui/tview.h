/* tview.h - the transcript view: the exchange with the server, as the
 * core redacted it, with timestamps; scrolls, searches with / and n. */
#ifndef IMAPCONN_TVIEW_H
#define IMAPCONN_TVIEW_H

struct tview;

/* The screen's state, or NULL when out of memory; free with
 * tview_free() (NULL is fine). */
struct tview *tview_new(void);
void tview_free(struct tview *t);

#endif
