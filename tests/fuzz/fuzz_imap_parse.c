/* fuzz_imap_parse.c - libFuzzer target: the response parser fed whole
 * and in chunks split as the input says, which must agree exactly.
 *
 * Input: byte 0 is a header (bit 7: small limits; bits 0-2: how many
 * split bytes follow), then that many split bytes (each gives a chunk
 * length, value + 1, used in turn; none: one byte at a time), then the
 * server's byte stream.  Both runs must return the same responses,
 * ending at the same offsets, then the same final result, pending
 * count and (but for too-large) error text.  Every response also goes
 * through the typed helpers, and each one's raw bytes must be the
 * input it consumed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap_parse.h"

#define MAX_SPLITS 7
#define MAX_RESPONSES 4096

/* A growable byte record of everything one run produced. */
struct rec {
	unsigned char *b;
	size_t len, cap;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
rec_put(struct rec *r, const void *p, size_t n)
{
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;

		while (cap < r->len + n)
			cap *= 2;
		r->b = realloc(r->b, cap);
		if (r->b == NULL)
			abort();
		r->cap = cap;
	}
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

static void
rec_u64(struct rec *r, uint64_t v)
{
	rec_put(r, &v, sizeof(v));
}

static void
rec_bytes(struct rec *r, const char *p, size_t n)
{
	rec_u64(r, n);
	if (p != NULL)
		rec_put(r, p, n);
}

static void
rec_str(struct rec *r, const char *s)
{
	rec_bytes(r, s, s != NULL ? strlen(s) : 0);
}

static void
rec_value(struct rec *r, const struct imap_value *v, unsigned depth)
{
	if (depth > 1100)
		abort();	/* deeper than any limit allows */
	rec_u64(r, v->kind);
	rec_u64(r, v->num);
	rec_u64(r, (uint64_t)v->literal << 1 | (uint64_t)v->binary);
	if (v->kind == IMAP_V_LIST) {
		if (v->str != NULL || (v->n > 0 && v->items == NULL))
			abort();
		rec_u64(r, v->n);
		for (size_t i = 0; i < v->n; i++)
			rec_value(r, &v->items[i], depth + 1);
		return;
	}
	if (v->kind == IMAP_V_NIL && v->str == NULL)
		return;
	if (v->str == NULL || v->str[v->len] != '\0')
		abort();	/* documented: NUL-terminated, len bytes */
	rec_bytes(r, v->str, v->len);
}

static void
helper_strv(int rc, char **v, size_t n)
{
	if (rc == 0)
		for (size_t i = 0; i < n; i++)
			if (v[i] == NULL)
				abort();
	if (rc == 0)
		imap_strv_free(v, n);
}

/* Every typed helper on r; results are checked for shape and freed. */
static void
run_helpers(const struct imap_response *r)
{
	char **v = NULL;
	size_t n = 0;
	struct imap_list_entry le;
	struct imap_status_info si;
	struct imap_mailbox_info mi;
	struct imap_id_field *idf = NULL;
	int rc;

	rc = imap_resp_capabilities(r, &v, &n);
	helper_strv(rc, v, n);
	v = NULL;
	n = 0;
	rc = imap_resp_enabled(r, &v, &n);
	helper_strv(rc, v, n);
	memset(&le, 0, sizeof(le));
	if (imap_resp_list(r, &le) == 0) {
		if (le.name == NULL || le.name[le.name_len] != '\0')
			abort();
		imap_list_entry_free(&le);
	}
	memset(&si, 0, sizeof(si));
	if (imap_resp_status(r, &si) == 0)
		imap_status_info_free(&si);
	memset(&mi, 0, sizeof(mi));
	imap_resp_mailbox(r, &mi);
	imap_mailbox_info_free(&mi);
	n = 0;
	if (imap_resp_id(r, &idf, &n) == 0)
		imap_id_free(idf, n);
	(void)imap_resp_is_bye(r);
}

/* Record one response; its raw bytes must be what it consumed. */
static void
rec_response(struct rec *r, const struct imap_response *resp,
	     const uint8_t *stream, size_t start, size_t end)
{
	if (resp->raw == NULL || resp->raw_len != end - start
	    || memcmp(resp->raw, stream + start, resp->raw_len) != 0
	    || resp->raw[resp->raw_len] != '\0')
		abort();
	if (resp->text == NULL || resp->text[resp->text_len] != '\0')
		abort();
	if (memchr(resp->tag, '\0', sizeof(resp->tag)) == NULL
	    || memchr(resp->keyword, '\0', sizeof(resp->keyword)) == NULL)
		abort();
	if (resp->has_number && resp->number > 4294967295u)
		abort();
	if (resp->data.kind != IMAP_V_LIST)
		abort();
	rec_u64(r, end);
	rec_u64(r, resp->kind);
	rec_str(r, resp->tag);
	rec_u64(r, resp->status);
	rec_u64(r, resp->has_number);
	rec_u64(r, resp->number);
	rec_str(r, resp->keyword);
	rec_u64(r, resp->code_kind);
	rec_value(r, &resp->code, 0);
	rec_bytes(r, resp->text, resp->text_len);
	rec_value(r, &resp->data, 0);
	/* Names must never be NULL, whatever the values. */
	if (imap_status_name(resp->status) == NULL
	    || imap_code_name(resp->code_kind) == NULL)
		abort();
	run_helpers(resp);
}

/* The end of a run: result, error text, what is still pending; and the
 * error, once returned, must stay final. */
static void
rec_end(struct rec *r, struct imap_parser *p, enum imap_parse_result res)
{
	size_t used = 1;

	rec_u64(r, res);
	/* Which limit a long response meets first (line or response)
	 * depends on how much of it one feed shows: both are too-large,
	 * with different words.  Syntax errors must match exactly. */
	if (res != IMAP_PARSE_TOO_LARGE)
		rec_str(r, imap_parser_error(p));
	rec_u64(r, imap_parser_pending(p));
	if (imap_parse_result_name(res) == NULL)
		abort();
	if (res == IMAP_PARSE_NEED_MORE || res == IMAP_PARSE_OK)
		return;
	if (imap_parser_error(p)[0] == '\0' || imap_parser_take(p) != NULL)
		abort();
	if (imap_parser_feed(p, "* OK x\r\n", 8, &used) != res || used != 0)
		abort();
}

/* Feed stream in chunks of the given lengths (cycled; none: 1 byte). */
static void
run(const uint8_t *stream, size_t len, const size_t *chunks, size_t nchunks,
    const struct imap_limits *lim, struct rec *out)
{
	struct imap_parser *p = imap_parser_new(lim);
	enum imap_parse_result res = IMAP_PARSE_NEED_MORE;
	size_t pos = 0, start = 0, ci = 0, nresp = 0;

	if (p == NULL)
		abort();
	while (pos < len && nresp < MAX_RESPONSES) {
		size_t chunk = nchunks > 0 ? chunks[ci++ % nchunks] : 1;
		size_t off = 0;

		if (chunk > len - pos)
			chunk = len - pos;
		while (off < chunk) {
			size_t used = 0;
			struct imap_response *resp;

			res = imap_parser_feed(p, (const char *)stream + pos +
					       off, chunk - off, &used);
			if (used > chunk - off)
				abort();
			off += used;
			if (res == IMAP_PARSE_NEED_MORE) {
				if (off != chunk)
					abort();
				break;
			}
			if (res != IMAP_PARSE_OK)
				goto end;
			resp = imap_parser_take(p);
			if (resp == NULL || imap_parser_take(p) != NULL)
				abort();
			rec_response(out, resp, stream, start, pos + off);
			imap_response_free(resp);
			start = pos + off;
			res = IMAP_PARSE_NEED_MORE;
			if (++nresp == MAX_RESPONSES)
				break;
		}
		pos += off;
	}
end:
	rec_end(out, p, res);
	imap_parser_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_limits small = {
		.line_max = 256, .literal_max = 600, .response_max = 2048,
		.depth_max = 8, .items_max = 64
	};
	size_t chunks[MAX_SPLITS], nchunks, whole;
	struct rec a = { 0 }, b = { 0 };
	const struct imap_limits *lim;

	if (size < 1)
		return 0;
	nchunks = data[0] & 7;
	lim = (data[0] & 0x80) ? &small : NULL;
	if (size < 1 + nchunks)
		return 0;
	for (size_t i = 0; i < nchunks; i++)
		chunks[i] = (size_t)data[1 + i] + 1;
	data += 1 + nchunks;
	size -= 1 + nchunks;
	whole = size > 0 ? size : 1;
	run(data, size, &whole, 1, lim, &a);
	run(data, size, chunks, nchunks, lim, &b);
	if (a.len != b.len || memcmp(a.b, b.b, a.len) != 0) {
		fprintf(stderr, "whole and split parses differ\n");
		abort();
	}
	free(a.b);
	free(b.b);
	return 0;
}
