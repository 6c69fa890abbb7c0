/* event.c - session events and the queue that carries them. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "names.h"

struct event_queue {
	pthread_mutex_t lock;
	struct event *head;
	struct event *tail;
	int wake[2];		/* [0] polled by the consumer */
};

struct event *
event_new(enum event_type type, enum phase p)
{
	struct event *ev = calloc(1, sizeof(*ev));

	if (ev == NULL)
		return NULL;
	ev->type = type;
	ev->phase = p;
	return ev;
}

int
event_set_text(struct event *ev, const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	free(ev->text);
	ev->text = copy;
	return 0;
}

int
event_set_failure(struct event *ev, const struct failure *f)
{
	struct failure *copy = malloc(sizeof(*copy));

	if (copy == NULL)
		return -1;
	*copy = *f;
	free(ev->failure);
	ev->failure = copy;
	return 0;
}

void
event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	free(ev->text);
	free(ev->failure);
	free(ev->tls);
	free(ev->mailbox);
	free(ev->selected);
	free(ev->message);
	free(ev->server_id);
	free(ev);
}

static const char *const event_names[] = {
	[EV_PHASE_START] = "phase-start",
	[EV_PHASE_END] = "phase-end",
	[EV_WAIT] = "wait",
	[EV_ADDRESS] = "address",
	[EV_ATTEMPT] = "attempt",
	[EV_TLS] = "tls",
	[EV_CAPS] = "capabilities",
	[EV_SERVER_ID] = "server-id",
	[EV_NOTE] = "note",
	[EV_RETRY] = "retry",
	[EV_TRANSCRIPT] = "transcript",
	[EV_MAILBOX] = "mailbox",
	[EV_SELECTED] = "selected",
	[EV_STATUS] = "status",
	[EV_MESSAGE] = "message",
	[EV_REQUEST_DONE] = "request-done",
	[EV_READY] = "ready",
	[EV_FAILURE] = "failure",
	[EV_DONE] = "done",
};

const char *
event_type_name(enum event_type t)
{
	return NAMES_GET(event_names, t, "unknown");
}

struct event_queue *
event_queue_new(void)
{
	struct event_queue *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	if (pipe2(q->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	return q;
}

void
event_batch_add(struct event_batch *b, struct event *ev)
{
	ev->next = NULL;
	if (b->tail != NULL)
		b->tail->next = ev;
	else
		b->head = ev;
	b->tail = ev;
	b->n++;
}

void
event_batch_clear(struct event_batch *b)
{
	struct event *ev = b->head;

	while (ev != NULL) {
		struct event *next = ev->next;

		event_free(ev);
		ev = next;
	}
	memset(b, 0, sizeof(*b));
}

void
event_queue_push_batch(struct event_queue *q, struct event_batch *b)
{
	static const char byte = 'e';
	ssize_t n;
	bool was_empty;

	if (b->head == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	was_empty = q->head == NULL;
	if (q->tail != NULL)
		q->tail->next = b->head;
	else
		q->head = b->head;
	q->tail = b->tail;
	pthread_mutex_unlock(&q->lock);
	memset(b, 0, sizeof(*b));
	/* The consumer pops until the queue is empty, so one wake-up per
	 * empty-to-non-empty change is enough.  A full pipe already wakes
	 * it: EAGAIN is fine. */
	if (!was_empty)
		return;
	do {
		n = write(q->wake[1], &byte, 1);
	} while (n < 0 && errno == EINTR);
}

void
event_queue_push(struct event_queue *q, struct event *ev)
{
	struct event_batch b = { 0 };

	event_batch_add(&b, ev);
	event_queue_push_batch(q, &b);
}

static void
drain_wake(struct event_queue *q)
{
	char buf[256];

	while (read(q->wake[0], buf, sizeof(buf)) > 0)
		;
}

struct event *
event_queue_pop(struct event_queue *q)
{
	struct event *ev;

	pthread_mutex_lock(&q->lock);
	ev = q->head;
	if (ev != NULL) {
		q->head = ev->next;
		if (q->head == NULL)
			q->tail = NULL;
		ev->next = NULL;
	} else {
		drain_wake(q);
	}
	pthread_mutex_unlock(&q->lock);
	return ev;
}

int
event_queue_fd(const struct event_queue *q)
{
	return q->wake[0];
}

void
event_queue_free(struct event_queue *q)
{
	struct event *ev;

	if (q == NULL)
		return;
	ev = q->head;
	while (ev != NULL) {
		struct event *next = ev->next;

		event_free(ev);
		ev = next;
	}
	close(q->wake[0]);
	close(q->wake[1]);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
