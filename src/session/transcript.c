/* transcript.c - the protocol exchange written to a file as it
 * happens. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "safefile.h"
#include "transcript.h"

FILE *
transcript_open(const char *path, struct failure *f)
{
	return safefile_fopen("--transcript", path, true, f);
}

void
transcript_write(FILE *t, const struct event *ev)
{
	time_t secs;
	struct tm tm;
	char stamp[32];

	if (t == NULL || ev->type != EV_TRANSCRIPT)
		return;
	secs = (time_t)(ev->wall_ms / 1000);
	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(t, "%s.%03dZ %c: %s\n", stamp, (int)(ev->wall_ms % 1000),
		ev->dir, ev->text != NULL ? ev->text : "");
	fflush(t);
}
