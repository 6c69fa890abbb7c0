/* connlife.c - starting, replacing and ending the interface's
 * connection: one current, older ones drained in the background until
 * they are done. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "conn.h"
#include "connlife.h"
#include "formmodel.h"
#include "frame.h"
#include "screen.h"

#define CONNLIFE_QUIT_MS 3000	/* how long LOGOUT may take on q */

/* Let c end in the background: its events are drained until EV_DONE,
 * then it is freed. */
static void
retire(struct ui *ui, struct conn *c)
{
	if (c == NULL)
		return;
	conn_quit(c);
	if (c->done || ui->nretiring == UI_RETIRING_MAX) {
		conn_free(c);
		return;
	}
	ui->retiring[ui->nretiring++] = c;
}

/* A certificate accepted once for this host and port: its key joins
 * the pins of the connection. */
static void
pin_accepted(const struct ui *ui, struct conn_config *cfg)
{
	const struct endpoint *ep = &cfg->ep;
	char key[KNOWNCERTS_KEY_MAX], pin[PIN_TEXT_MAX];
	size_t used = strlen(ep->tls.pin);

	if (ui->once_key[0] == '\0')
		return;
	knowncerts_key(ep->host, ep->kind, endpoint_port(ep), key,
		       sizeof(key));
	if (strcmp(key, ui->once_key) != 0)
		return;
	pin_format(ui->once_spki, pin, sizeof(pin));
	snprintf(cfg->ep.tls.pin + used, sizeof(cfg->ep.tls.pin) - used,
		 "%s%s", used > 0 ? ";" : "", pin);
}

void
connlife_start(struct ui *ui)
{
	struct conn_config cfg;
	struct failure f;
	char err[512];

	if (formmodel_config(ui->form, &cfg, err, sizeof(err)) != 0) {
		screen_switch(ui, SCREEN_FORM);
		frame_message(ui, ROLE_FAIL, "%s", err);
		return;
	}
	pin_accepted(ui, &cfg);
	retire(ui, ui->conn);
	ui->conn = conn_start(&cfg, ui->o, &f);
	config_wipe(&cfg);
	if (ui->conn == NULL) {
		screen_switch(ui, SCREEN_FORM);
		frame_message(ui, ROLE_FAIL, "cannot start: %s", f.detail);
		return;
	}
	/* Every connection of the run goes to the one file, in order. */
	conn_set_transcript(ui->conn, ui->transcript);
	ui->back = -1;
	screen_switch(ui, SCREEN_PROGRESS);
}

void
connlife_edit(struct ui *ui)
{
	retire(ui, ui->conn);
	ui->conn = NULL;
	ui->back = -1;
	screen_switch(ui, SCREEN_FORM);
}

void
connlife_quit(struct ui *ui)
{
	if (ui->quitting) {
		ui->leave = true;	/* a second q: do not wait */
		return;
	}
	ui->quitting = true;
	ui->quit_deadline = clock_ms() + CONNLIFE_QUIT_MS;
	if (ui->conn != NULL)
		conn_quit(ui->conn);
	for (size_t i = 0; i < ui->nretiring; i++)
		conn_cancel(ui->retiring[i]);
	frame_message(ui, ROLE_RUNNING, "logging out...");
}

bool
connlife_all_done(const struct ui *ui)
{
	return (ui->conn == NULL || ui->conn->done) && ui->nretiring == 0;
}
