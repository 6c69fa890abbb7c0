/* reportsave.c - writing the current connection's report to a file:
 * the report as it stands, with the failure and hint the screen shows. */
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"
#include "frame.h"
#include "prompt.h"
#include "report.h"
#include "reportsave.h"
#include "savefile.h"

/* The report as text, into *text (the caller frees it).  0, or -1 when
 * out of memory. */
static int
render(struct conn *c, char **text, size_t *len)
{
	FILE *mem = open_memstream(text, len);

	if (mem == NULL)
		return -1;
	/* The failure as explained on screen, hint included. */
	report_set_failure(c->report, c->failed ? &c->fail : NULL);
	report_print(c->report, mem);
	if (fclose(mem) != 0) {
		free(*text);
		return -1;
	}
	return 0;
}

static int
save_report(struct ui *ui, const char *path, bool overwrite)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (ui->conn == NULL) {
		frame_message(ui, ROLE_WARN, "no connection to report on");
		return -1;
	}
	if (render(ui->conn, &text, &len) != 0) {
		frame_message(ui, ROLE_FAIL, "out of memory: no report "
			      "written");
		return -1;
	}
	rc = prompt_write(ui, path, overwrite, text, len, 0600,
			  "the report");
	free(text);
	return rc;
}

void
reportsave_ask(struct ui *ui)
{
	char path[CONFIG_HOST_MAX + 64];

	if (ui->conn == NULL) {
		frame_message(ui, ROLE_WARN, "no connection to report on");
		return;
	}
	savefile_default_name("report", ui->conn->diag_o.cfg.ep.host, "txt",
			      path, sizeof(path));
	prompt_save(ui, "write the report (mode 600) to", path, save_report);
}
