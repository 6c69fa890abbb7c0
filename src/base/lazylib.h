/* lazylib.h - a shared library opened, and its functions looked up,
 * the first time the program needs one of them. */
#ifndef IMAPCONN_LAZYLIB_H
#define IMAPCONN_LAZYLIB_H

#include <stddef.h>

/* One function (or variable) to look up and where its address goes:
 * the offset of a pointer-sized member in the caller's table. */
struct lazylib_sym {
	const char *name;
	size_t off;
};

/* A library and the table its symbols fill.  Set soname, syms, nsyms
 * and table; the rest starts zeroed and is the loader's. */
struct lazylib {
	const char *soname;		/* e.g. "libcurl.so.4" */
	const struct lazylib_sym *syms;
	size_t nsyms;
	void *table;			/* struct of function pointers */
	int state;			/* 0 not tried, 1 loaded, -1 failed */
	char why[200];			/* when it failed */
};

/* Open l's library and fill its table, once per process (a mutex
 * guards the first time; threads may call it at once).  Returns
 * l->table, or NULL when the library or a symbol is missing: then
 * l->why says which.  A library already loaded costs no new mapping. */
const void *lazylib_get(struct lazylib *l);

#endif
