/* detectrun.c - a detection on its own thread; the interface polls a
 * pipe for its end and may walk away from it at any time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "detectrun.h"
#include "thread.h"

struct detectrun {
	pthread_t thread;
	pthread_mutex_t lock;
	int cancel[2];			/* the interface writes [1] */
	int done[2];			/* the thread writes [1] at its end */
	struct detect_params params;	/* a copy; secrets wiped at the end */
	struct detect_result result;
	int rc;				/* detect_collect()'s */
	int64_t started_ms;
	/* Under lock: */
	bool finished;			/* the thread is done with the run */
	bool abandoned;			/* nobody waits: the thread frees */
	/* The interface's own: */
	bool joined;
};

static void
close_pair(int fd[2])
{
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

static void
destroy(struct detectrun *d)
{
	tls_opts_wipe(&d->params.tls);
	tls_opts_wipe(&d->result.params.tls);
	close_pair(d->cancel);
	close_pair(d->done);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static void *
run(void *arg)
{
	struct detectrun *d = arg;
	bool abandoned;

	d->rc = detect_collect(&d->params, d->cancel[0], &d->result);
	tls_opts_wipe(&d->params.tls);
	tls_opts_wipe(&d->result.params.tls);
	pthread_mutex_lock(&d->lock);
	d->finished = true;
	abandoned = d->abandoned;
	pthread_mutex_unlock(&d->lock);
	if (abandoned) {
		destroy(d);
		return NULL;
	}
	if (write(d->done[1], "d", 1) < 0) {
		/* cannot happen with an empty pipe; the lock says done */
	}
	return NULL;
}

struct detectrun *
detectrun_start(const struct detect_params *p)
{
	struct detectrun *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->cancel[0] = d->cancel[1] = d->done[0] = d->done[1] = -1;
	if (pthread_mutex_init(&d->lock, NULL) != 0) {
		free(d);
		return NULL;
	}
	d->params = *p;
	d->started_ms = clock_ms();
	if (pipe2(d->cancel, O_CLOEXEC | O_NONBLOCK) != 0
	    || pipe2(d->done, O_CLOEXEC | O_NONBLOCK) != 0
	    || thread_start(&d->thread, NULL, run, d) != 0) {
		destroy(d);
		return NULL;
	}
	return d;
}

int
detectrun_fd(const struct detectrun *d)
{
	return d->done[0];
}

bool
detectrun_done(struct detectrun *d)
{
	bool finished;
	char c;

	if (d->joined)
		return true;
	pthread_mutex_lock(&d->lock);
	finished = d->finished;
	pthread_mutex_unlock(&d->lock);
	if (!finished)
		return false;
	/* Its last step is the byte it writes: the join is immediate. */
	pthread_join(d->thread, NULL);
	while (read(d->done[0], &c, 1) > 0)
		;
	d->joined = true;
	return true;
}

bool
detectrun_wait(struct detectrun *d, int ms)
{
	struct pollfd pfd = { .fd = d->done[0], .events = POLLIN };

	if (!d->joined && poll(&pfd, 1, ms) < 0 && errno != EINTR)
		return false;
	return detectrun_done(d);
}

const struct detect_result *
detectrun_result(const struct detectrun *d)
{
	return d->joined && d->rc == 0 ? &d->result : NULL;
}

void
detectrun_cancel(struct detectrun *d)
{
	if (d->joined)
		return;
	if (write(d->cancel[1], "c", 1) < 0 && errno != EAGAIN) {
		/* a full pipe already says cancel */
	}
}

int64_t
detectrun_elapsed_ms(const struct detectrun *d, int64_t now)
{
	return now - d->started_ms;
}

int64_t
detectrun_limit_ms(const struct detectrun *d)
{
	return (int64_t)(d->params.timeout_s * 4000) + 1000;
}

void
detectrun_free(struct detectrun *d)
{
	pthread_t thread;
	bool finished;

	if (d == NULL)
		return;
	detectrun_cancel(d);
	if (!d->joined) {
		thread = d->thread;
		pthread_mutex_lock(&d->lock);
		finished = d->finished;
		d->abandoned = !finished;
		pthread_mutex_unlock(&d->lock);
		/* Abandoned, d may be gone already: only the copy of the
		 * thread's id is used. */
		if (!finished) {
			pthread_detach(thread);
			return;
		}
		pthread_join(thread, NULL);
	}
	destroy(d);
}
