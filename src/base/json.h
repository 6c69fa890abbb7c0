/* json.h - a small streaming JSON writer (RFC 8259) for --json. */
#ifndef IMAPCONN_JSON_H
#define IMAPCONN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json {
	FILE *out;
	int depth;
	bool need_comma[JSON_DEPTH_MAX];
};

/* Each call writes one member (key given, inside an object) or one
 * element (key NULL, inside an array or at the top).  Strings are
 * escaped; invalid UTF-8 never reaches the output. */
void json_begin(struct json *j, FILE *out);
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_strn(struct json *j, const char *key, const char *val,
	       size_t len);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Ends the document with a newline. */
void json_end(struct json *j);

#endif
