/* json.c - a small streaming JSON writer for --json. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "json.h"

void
json_begin(struct json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void
put_string(struct json *j, const char *s, size_t len)
{
	char small[512];
	size_t need = escape_json_len(s, len) + 1;
	char *buf = need <= sizeof(small) ? small : malloc(need);

	if (buf == NULL) {
		fputs("\"\"", j->out);
		return;
	}
	escape_json(s, len, buf, need);
	fputc('"', j->out);
	fputs(buf, j->out);
	fputc('"', j->out);
	if (buf != small)
		free(buf);
}

/* The comma and key before a member or element. */
static void
prefix(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (key != NULL) {
		put_string(j, key, strlen(key));
		fputc(':', j->out);
	}
}

static void
open_container(struct json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void
close_container(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->out);
}

void
json_obj_open(struct json *j, const char *key)
{
	open_container(j, key, '{');
}

void
json_obj_close(struct json *j)
{
	close_container(j, '}');
}

void
json_arr_open(struct json *j, const char *key)
{
	open_container(j, key, '[');
}

void
json_arr_close(struct json *j)
{
	close_container(j, ']');
}

void
json_strn(struct json *j, const char *key, const char *val, size_t len)
{
	prefix(j, key);
	if (val == NULL)
		fputs("null", j->out);
	else
		put_string(j, val, len);
}

void
json_str(struct json *j, const char *key, const char *val)
{
	json_strn(j, key, val, val != NULL ? strlen(val) : 0);
}

void
json_int(struct json *j, const char *key, long long v)
{
	prefix(j, key);
	fprintf(j->out, "%lld", v);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	prefix(j, key);
	fputs(v ? "true" : "false", j->out);
}

void
json_null(struct json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->out);
}

void
json_end(struct json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}
