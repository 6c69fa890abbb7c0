/* prompt.c - the status-line question for saving files: a file name,
 * then "overwrite it? (y/n)" when the file exists; and a question
 * answered by typing a word. */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "frame.h"
#include "input.h"
#include "prompt.h"
#include "savefile.h"

enum prompt_state {
	PROMPT_NONE = 0,
	PROMPT_PATH,
	PROMPT_OVERWRITE,
	PROMPT_TEXT		/* prompt_ask(): any answer, to fn */
};

struct prompt {
	enum prompt_state state;
	char question[128];
	struct input answer;
	char path[PATH_MAX];		/* the answer, "~/" expanded */
	prompt_save_fn save;
	prompt_answer_fn answer_fn;
};

struct prompt *
prompt_new(void)
{
	return calloc(1, sizeof(struct prompt));
}

void
prompt_free(struct prompt *p)
{
	free(p);
}

void
prompt_save(struct ui *ui, const char *question, const char *initial,
	    prompt_save_fn fn)
{
	struct prompt *p = ui->prompt;

	snprintf(p->question, sizeof(p->question), "%s: ", question);
	input_set(&p->answer, initial);
	p->save = fn;
	p->state = PROMPT_PATH;
	ui->dirty = true;
}

void
prompt_ask(struct ui *ui, const char *question, prompt_answer_fn fn)
{
	struct prompt *p = ui->prompt;

	snprintf(p->question, sizeof(p->question), "%s: ", question);
	input_set(&p->answer, "");
	p->answer_fn = fn;
	p->state = PROMPT_TEXT;
	ui->dirty = true;
}

bool
prompt_active(const struct prompt *p)
{
	return p != NULL && p->state != PROMPT_NONE;
}

#define PROMPT_TYPED_MAX (INPUT_MAX * 4 + 1)

/* Enter: the question ends, its answer as UTF-8 into typed
 * (PROMPT_TYPED_MAX bytes). */
static void
take_answer(struct prompt *p, char *typed)
{
	p->state = PROMPT_NONE;
	input_utf8(&p->answer, typed, PROMPT_TYPED_MAX);
}

/* Enter on the file name. */
static void
answered(struct ui *ui)
{
	struct prompt *p = ui->prompt;
	char typed[PROMPT_TYPED_MAX];

	take_answer(p, typed);
	if (typed[0] == '\0') {
		frame_message(ui, ROLE_NORMAL, "not saved: no file name "
			      "given");
		return;
	}
	if (savefile_expand(typed, p->path, sizeof(p->path)) != 0) {
		frame_message(ui, ROLE_FAIL, "not saved: the file name is too "
			      "long");
		return;
	}
	if (p->save(ui, p->path, false) == 1)
		p->state = PROMPT_OVERWRITE;
}

/* Enter on a prompt_ask() answer. */
static void
text_answered(struct ui *ui)
{
	struct prompt *p = ui->prompt;
	char typed[PROMPT_TYPED_MAX];

	take_answer(p, typed);
	p->answer_fn(ui, typed);
}

void
prompt_key(struct ui *ui, int key)
{
	struct prompt *p = ui->prompt;

	if (p->state == PROMPT_OVERWRITE) {
		p->state = PROMPT_NONE;
		if (key == 'y' || key == 'Y')
			p->save(ui, p->path, true);
		else
			frame_message(ui, ROLE_NORMAL, "not saved");
		return;
	}
	switch (input_key(&p->answer, key)) {
	case INPUT_ENTER:
		if (p->state == PROMPT_TEXT)
			text_answered(ui);
		else
			answered(ui);
		break;
	case INPUT_ESCAPE:
		frame_message(ui, ROLE_NORMAL, p->state == PROMPT_TEXT ?
			      "cancelled" : "not saved");
		p->state = PROMPT_NONE;
		break;
	default:
		break;
	}
}

void
prompt_draw(struct ui *ui)
{
	struct prompt *p = ui->prompt;
	int st = frame_attr(ui, ROLE_STATUS), y = LINES - 1;

	if (p->state == PROMPT_PATH || p->state == PROMPT_TEXT) {
		input_draw(stdscr, y, 0, COLS, p->question, &p->answer, st);
		curs_set(1);
	} else if (p->state == PROMPT_OVERWRITE) {
		draw_fill(stdscr, y, 0, COLS, st);
		draw_textf(stdscr, y, 0, COLS, st | A_BOLD,
			   "%s exists: overwrite it? (y/n)", p->path);
	}
}

int
prompt_write(struct ui *ui, const char *path, bool overwrite,
	     const char *data, size_t len, mode_t mode, const char *what)
{
	char where[PATH_MAX + 1], why[PATH_MAX + 256];
	int rc = savefile_write(path, data, len, mode, overwrite, where,
				sizeof(where));

	if (rc == 0)
		frame_message(ui, ROLE_OK, "saved %s to %s", what, where);
	if (rc < 0) {
		savefile_reason(path, errno, why, sizeof(why));
		frame_message(ui, ROLE_FAIL, "could not save %s: %s", what,
			      why);
	}
	return rc;
}
