/* prompt.h - a question on the status line, over any screen: the name
 * of a file to save to, then, when that file exists, whether to
 * overwrite it.  While a question is asked it takes every key, so the
 * screen under it needs to know nothing about it. */
#ifndef IMAPCONN_PROMPT_H
#define IMAPCONN_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct prompt;
struct ui;

/* What saving does with the name typed ("~/" expanded): write the file
 * at path, replacing an existing one only when overwrite is true.
 * Returns 0 when written, -1 when it failed (either way it says so,
 * see prompt_write), or 1 when path exists and overwrite is false: the
 * prompt then asks whether to overwrite it, and calls again. */
typedef int (*prompt_save_fn)(struct ui *ui, const char *path,
			      bool overwrite);

/* The state, or NULL when out of memory; free with prompt_free() (NULL
 * is fine). */
struct prompt *prompt_new(void);
void prompt_free(struct prompt *p);

/* Ask "QUESTION: " on the status line with initial as the answer to
 * edit.  Enter saves with fn; Esc (or an empty answer) gives up and
 * says "not saved". */
void prompt_save(struct ui *ui, const char *question, const char *initial,
		 prompt_save_fn fn);

/* What a typed answer does (answer: UTF-8, maybe empty). */
typedef void (*prompt_answer_fn)(struct ui *ui, const char *answer);

/* Ask "QUESTION: " on the status line with an empty answer to type.
 * Enter passes the answer to fn; Esc gives up and says "cancelled". */
void prompt_ask(struct ui *ui, const char *question, prompt_answer_fn fn);

/* Whether a question is being asked. */
bool prompt_active(const struct prompt *p);

/* A key while a question is asked: the prompt takes every key. */
void prompt_key(struct ui *ui, int key);

/* Draw the question over the last line, the cursor in the answer. */
void prompt_draw(struct ui *ui);

/* For a prompt_save_fn: savefile_write() with mode, then the message
 * "saved WHAT to /absolute/path" or "could not save WHAT: reason"
 * (savefile_reason).  Returns what savefile_write() returned. */
int prompt_write(struct ui *ui, const char *path, bool overwrite,
		 const char *data, size_t len, mode_t mode,
		 const char *what);

#endif
