/* accountsave.c - s after a login: the connection of the form saved as
 * an account of the configuration file (host, port, TLS, user, where
 * the password comes from, never the password), under a name the user
 * types. */
#include <stdio.h>
#include <string.h>

#include "accountsave.h"
#include "escape.h"
#include "formmodel.h"
#include "frame.h"
#include "profile.h"
#include "prompt.h"
#include "ui_int.h"

#define BODY_MAX 8192

int
accountsave_path(const struct ui *ui, char *buf, size_t cap)
{
	if (ui->o->config_path[0] == '\0')
		return profile_default_path(buf, cap);
	snprintf(buf, cap, "%s", ui->o->config_path);
	return 0;
}

static void
save_named(struct ui *ui, const char *name)
{
	char body[BODY_MAX], err[PROFILE_ERR_MAX], path[4096], shown[300];

	if (accountsave_path(ui, path, sizeof(path)) != 0) {
		frame_message(ui, ROLE_FAIL, "no configuration file: neither "
			      "XDG_CONFIG_HOME nor HOME is set");
		return;
	}
	if (formmodel_profile(ui->form, body, sizeof(body), err,
			      sizeof(err)) != 0
	    || profile_append(path, name, body, err, sizeof(err)) != 0) {
		frame_message(ui, ROLE_FAIL, "%s", err);
		return;
	}
	escape_text(path, strlen(path), shown, sizeof(shown));
	frame_message(ui, ROLE_OK, "saved the account %s to %s (no "
		      "password): imapconn %s connects with it", name, shown,
		      name);
}

void
accountsave_ask(struct ui *ui)
{
	prompt_ask(ui, "save these settings as the account named",
		   save_named);
}
