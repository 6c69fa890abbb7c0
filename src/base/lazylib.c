/* lazylib.c - a shared library opened, and its functions looked up,
 * the first time the program needs one of them. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lazylib.h"

static pthread_mutex_t lazylib_lock = PTHREAD_MUTEX_INITIALIZER;

/* Every symbol of l into its table; 0, or -1 with l->why set. */
static int
fill(struct lazylib *l, void *h)
{
	for (size_t i = 0; i < l->nsyms; i++) {
		void *p = dlsym(h, l->syms[i].name);

		if (p == NULL) {
			snprintf(l->why, sizeof(l->why), "%s has no %s",
				 l->soname, l->syms[i].name);
			return -1;
		}
		/* POSIX: a function's address fits a void pointer. */
		memcpy((char *)l->table + l->syms[i].off, &p, sizeof(p));
	}
	return 0;
}

static int
load(struct lazylib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	const char *e;

	if (h == NULL) {
		e = dlerror();
		snprintf(l->why, sizeof(l->why), "%s", e != NULL ? e :
			 l->soname);
		return -1;
	}
	if (fill(l, h) != 0) {
		dlclose(h);
		return -1;
	}
	return 0;
}

const void *
lazylib_get(struct lazylib *l)
{
	int state;

	pthread_mutex_lock(&lazylib_lock);
	if (l->state == 0)
		l->state = load(l) == 0 ? 1 : -1;
	state = l->state;
	pthread_mutex_unlock(&lazylib_lock);
	return state == 1 ? l->table : NULL;
}
