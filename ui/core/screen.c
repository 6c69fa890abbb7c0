/* screen.c - switching screens through the table the interface was
 * made with: the core knows screens by id and calls them only through
 * their table entry. */
#include <stddef.h>

#include "listview.h"
#include "screen.h"

void *
screen_data(const struct ui *ui, enum screen_id id)
{
	return ui->data[id];
}

/* Show id, whose open has agreed. */
static void
show(struct ui *ui, enum screen_id id)
{
	const struct ui_screen *s = ui->screens[id];

	ui->cur = id;
	ui->help = false;
	if (s->enter != NULL)
		s->enter(ui);
	ui->dirty = true;
}

static bool
may_open(struct ui *ui, enum screen_id id)
{
	const struct ui_screen *s = ui->screens[id];

	return s->open == NULL || s->open(ui) == 0;
}

void
screen_switch(struct ui *ui, enum screen_id id)
{
	if (may_open(ui, id))
		show(ui, id);
}

void
screen_open_view(struct ui *ui, enum screen_id id)
{
	if (!may_open(ui, id))
		return;
	if (!ui->screens[ui->cur]->view)
		ui->back = (int)ui->cur;
	show(ui, id);
}

void
screen_close_view(struct ui *ui)
{
	screen_switch(ui, ui->back >= 0 ? (enum screen_id)ui->back :
		      SCREEN_FORM);
}

void
screen_show_help(struct ui *ui)
{
	ui->help = true;
	ui->dirty = true;
}

void
screen_show_tls(struct ui *ui)
{
	screen_open_view(ui, SCREEN_TLS);
}

void
screen_show_monitor(struct ui *ui)
{
	screen_open_view(ui, SCREEN_MONITOR);
}

void
screen_show_transcript(struct ui *ui)
{
	screen_open_view(ui, SCREEN_TRANSCRIPT);
}

static struct listview *
current_list(struct ui *ui)
{
	const struct ui_screen *s = ui->screens[ui->cur];

	return s->list != NULL ? s->list(ui) : NULL;
}

void
screen_list_down(struct ui *ui)
{
	if (current_list(ui) != NULL)
		listview_move(current_list(ui), 1);
}

void
screen_list_up(struct ui *ui)
{
	if (current_list(ui) != NULL)
		listview_move(current_list(ui), -1);
}

void
screen_list_page_down(struct ui *ui)
{
	if (current_list(ui) != NULL)
		listview_page(current_list(ui), 1);
}

void
screen_list_page_up(struct ui *ui)
{
	if (current_list(ui) != NULL)
		listview_page(current_list(ui), -1);
}

void
screen_list_home(struct ui *ui)
{
	if (current_list(ui) != NULL)
		listview_home(current_list(ui));
}

void
screen_list_end(struct ui *ui)
{
	if (current_list(ui) != NULL)
		listview_end(current_list(ui));
}
