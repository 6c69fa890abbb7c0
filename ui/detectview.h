/* detectview.h - the detection screen: F5 on the form probes the host
 * typed in the background (src/detect, without credentials), then
 * shows every host, port and mode with its result, TLS version and
 * authentication mechanisms, the recommended row chosen; Enter fills
 * the form from the row, Esc goes back without a change. */
#ifndef IMAPCONN_DETECTVIEW_H
#define IMAPCONN_DETECTVIEW_H

struct detectview;
struct ui;

/* The screen's state, or NULL when out of memory; free with
 * detectview_free() (NULL is fine; a detection still running is
 * cancelled and let go). */
struct detectview *detectview_new(void);
void detectview_free(struct detectview *d);

/* The form's detect key: start detecting what the form says and show
 * the screen, or say on the form why not. */
void detectview_open(struct ui *ui);

#endif
