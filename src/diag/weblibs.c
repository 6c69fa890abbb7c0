/* weblibs.c - libcurl and libxml2, opened the first time an autoconfig
 * lookup needs them rather than at every start of the program. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ac_config.h"
#include "lazylib.h"
#include "weblibs.h"

#define SYM(type, name, member) { name, offsetof(type, member) }

/* libxml2's xmlFree is a variable holding the deallocator; a threaded
 * build with per-thread allocators reaches it through __xmlFree(). */
#if defined(LIBXML_THREAD_ALLOC_ENABLED) && defined(LIBXML_THREAD_ENABLED)
#define XML_FREE_SYM "__xmlFree"
#else
#define XML_FREE_SYM "xmlFree"
#endif

static void xml_free(void *p);

static const struct lazylib_sym curl_syms[] = {
	SYM(struct weblibs_curl, "curl_easy_init", easy_init),
	SYM(struct weblibs_curl, "curl_easy_setopt", easy_setopt),
	SYM(struct weblibs_curl, "curl_easy_getinfo", easy_getinfo),
	SYM(struct weblibs_curl, "curl_easy_strerror", easy_strerror),
	SYM(struct weblibs_curl, "curl_easy_escape", easy_escape),
	SYM(struct weblibs_curl, "curl_easy_cleanup", easy_cleanup),
	SYM(struct weblibs_curl, "curl_free", free),
	SYM(struct weblibs_curl, "curl_slist_append", slist_append),
	SYM(struct weblibs_curl, "curl_slist_free_all", slist_free_all),
	SYM(struct weblibs_curl, "curl_multi_init", multi_init),
	SYM(struct weblibs_curl, "curl_multi_add_handle", multi_add_handle),
	SYM(struct weblibs_curl, "curl_multi_remove_handle",
	    multi_remove_handle),
	SYM(struct weblibs_curl, "curl_multi_perform", multi_perform),
	SYM(struct weblibs_curl, "curl_multi_poll", multi_poll),
	SYM(struct weblibs_curl, "curl_multi_info_read", multi_info_read),
	SYM(struct weblibs_curl, "curl_multi_cleanup", multi_cleanup),
};

static const struct lazylib_sym xml_syms[] = {
	SYM(struct weblibs_xml, "xmlReadMemory", read_memory),
	SYM(struct weblibs_xml, "xmlDocGetRootElement", doc_get_root_element),
	SYM(struct weblibs_xml, "xmlNodeGetContent", node_get_content),
	SYM(struct weblibs_xml, "xmlGetProp", get_prop),
	SYM(struct weblibs_xml, "xmlFreeDoc", free_doc),
	SYM(struct weblibs_xml, XML_FREE_SYM, free_sym),
};

static struct weblibs_curl curl_table;
static struct weblibs_xml xml_table = { .free = xml_free };

static struct lazylib curl_lib = {
	.soname = CURL_SONAME,
	.syms = curl_syms,
	.nsyms = sizeof(curl_syms) / sizeof(curl_syms[0]),
	.table = &curl_table,
};

static struct lazylib xml_lib = {
	.soname = XML_SONAME,
	.syms = xml_syms,
	.nsyms = sizeof(xml_syms) / sizeof(xml_syms[0]),
	.table = &xml_table,
};

static void
say_why(const struct lazylib *l, char *why, size_t cap)
{
	if (why != NULL && cap > 0)
		snprintf(why, cap, "%s", l->why);
}

const struct weblibs_curl *
weblibs_curl(char *why, size_t cap)
{
	const struct weblibs_curl *c = lazylib_get(&curl_lib);

	if (c == NULL)
		say_why(&curl_lib, why, cap);
	return c;
}

/* xmlFree(p), once libxml2 is loaded. */
static void
xml_free(void *p)
{
	xmlFreeFunc *f;
#if defined(LIBXML_THREAD_ALLOC_ENABLED) && defined(LIBXML_THREAD_ENABLED)
	xmlFreeFunc *(*get)(void);

	memcpy(&get, &xml_table.free_sym, sizeof(get));
	f = get();
#else
	f = xml_table.free_sym;
#endif
	(*f)(p);
}

const struct weblibs_xml *
weblibs_xml(char *why, size_t cap)
{
	const struct weblibs_xml *x = lazylib_get(&xml_lib);

	if (x == NULL)
		say_why(&xml_lib, why, cap);
	return x;
}
