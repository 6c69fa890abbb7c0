/* thread.c - helper threads that leave the asynchronous signals to the
 * program's own threads. */
#include <pthread.h>
#include <signal.h>

#include "thread.h"

int
thread_start(pthread_t *tid, const pthread_attr_t *attr,
	     void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(tid, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
