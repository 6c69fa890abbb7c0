/* weblibs.h - libcurl and libxml2, opened the first time an autoconfig
 * lookup needs them rather than at every start of the program. */
#ifndef IMAPCONN_WEBLIBS_H
#define IMAPCONN_WEBLIBS_H

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/* The libcurl functions autoconfig.c calls (curl_easy_init is
 * easy_init, and so on). */
struct weblibs_curl {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*easy_cleanup)(CURL *);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *,
					   const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *,
				unsigned int, int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
};

/* The libxml2 functions clientconfig.c calls; free is xmlFree. */
struct weblibs_xml {
	xmlDoc *(*read_memory)(const char *, int, const char *,
			       const char *, int);
	xmlNode *(*doc_get_root_element)(const xmlDoc *);
	xmlChar *(*node_get_content)(const xmlNode *);
	xmlChar *(*get_prop)(const xmlNode *, const xmlChar *);
	void (*free_doc)(xmlDoc *);
	void (*free)(void *);		/* xmlFree */
	void *free_sym;			/* what xmlFree is read from */
};

/* libcurl's functions, opened on the first call (once per process,
 * safe from any thread), or NULL when it cannot be loaded: then why
 * (cap bytes, may be NULL) says what is missing. */
const struct weblibs_curl *weblibs_curl(char *why, size_t cap);

/* The same for libxml2. */
const struct weblibs_xml *weblibs_xml(char *why, size_t cap);

#endif
