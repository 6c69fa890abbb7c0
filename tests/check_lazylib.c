/* check_lazylib.c - a library opened on first use fills its table
 * once, and a missing library or function says which. */
#include <stddef.h>
#include <string.h>

#include "check_units.h"
#include "lazylib.h"

struct libc_fns {
	size_t (*len)(const char *);
	int (*cmp)(const char *, const char *);
};

static const struct lazylib_sym libc_syms[] = {
	{ "strlen", offsetof(struct libc_fns, len) },
	{ "strcmp", offsetof(struct libc_fns, cmp) },
};

START_TEST(loads_once)
{
	struct libc_fns t;
	struct lazylib l = {
		.soname = "libc.so.6", .syms = libc_syms, .nsyms = 2,
		.table = &t,
	};
	const struct libc_fns *f;

	memset(&t, 0, sizeof(t));
	f = lazylib_get(&l);
	ck_assert_ptr_eq(f, &t);
	ck_assert_int_eq(l.state, 1);
	ck_assert_uint_eq(f->len("imapconn"), 8);
	ck_assert_int_eq(f->cmp("a", "a"), 0);
	/* Once loaded, the table is not filled again. */
	t.len = NULL;
	ck_assert_ptr_eq(lazylib_get(&l), &t);
	ck_assert_ptr_null(t.len);
}
END_TEST

START_TEST(missing_library)
{
	struct libc_fns t;
	struct lazylib l = {
		.soname = "libimapconn-none.so.0", .syms = libc_syms,
		.nsyms = 2, .table = &t,
	};

	ck_assert_ptr_null(lazylib_get(&l));
	ck_assert_int_eq(l.state, -1);
	ck_assert_ptr_nonnull(strstr(l.why, "libimapconn-none.so.0"));
	/* Not tried again. */
	l.why[0] = '\0';
	ck_assert_ptr_null(lazylib_get(&l));
	ck_assert_str_eq(l.why, "");
}
END_TEST

START_TEST(missing_function)
{
	static const struct lazylib_sym syms[] = {
		{ "strlen", offsetof(struct libc_fns, len) },
		{ "imapconn_no_such_function",
		  offsetof(struct libc_fns, cmp) },
	};
	struct libc_fns t;
	struct lazylib l = {
		.soname = "libc.so.6", .syms = syms, .nsyms = 2, .table = &t,
	};

	ck_assert_ptr_null(lazylib_get(&l));
	ck_assert_str_eq(l.why,
			 "libc.so.6 has no imapconn_no_such_function");
}
END_TEST

Suite *
suite_lazylib(void)
{
	Suite *s = suite_create("lazylib");

	units_case(s, "lazylib", loads_once, missing_library,
		   missing_function, NULL);
	return s;
}
