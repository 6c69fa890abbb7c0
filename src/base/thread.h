/* thread.h - helper threads that leave the asynchronous signals to the
 * program's own threads. */
#ifndef IMAPCONN_THREAD_H
#define IMAPCONN_THREAD_H

#include <pthread.h>

/* pthread_create(tid, attr, fn, arg), with every signal blocked in the
 * new thread but those a fault raises (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL): a resize or an interrupt keeps going to the thread that
 * polls for it.  The caller's mask is as it was on return.  Returns
 * pthread_create()'s result. */
int thread_start(pthread_t *tid, const pthread_attr_t *attr,
		 void *(*fn)(void *), void *arg);

#endif
