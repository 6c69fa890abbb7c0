/* imap_cmd.c - IMAP commands out: tags, quoting, segments and the
 * redacted transcript text. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "imap_cmd.h"
#include "names.h"

/* A growing buffer, never larger than IMAP_CMD_MAX bytes of content. */
struct cmd_buf {
	char *p;
	size_t len;
	size_t cap;
};

/* Where a segment lies in the two buffers. */
struct seg_mark {
	size_t off;
	size_t len;
	size_t shown_off;
	bool wait;
};

enum cmd_state {
	CMD_IDLE = 0,		/* nothing begun yet */
	CMD_OPEN,		/* between begin and end */
	CMD_DONE		/* ended: segments available */
};

/* Where emitted text goes. */
enum emit_to {
	TO_BYTES = 1u << 0,
	TO_SHOWN = 1u << 1,
	TO_BOTH = TO_BYTES | TO_SHOWN
};

/* How the quoting function sends a string. */
enum str_form {
	FORM_ATOM,
	FORM_QUOTED,
	FORM_LITERAL
};

struct imap_cmd {
	struct cmd_buf bytes;	/* what is sent; may hold secrets */
	struct cmd_buf shown;	/* segment texts, each NUL-terminated */
	struct seg_mark *segs;
	size_t nsegs;
	size_t segcap;
	size_t seg_start;	/* current segment's start in bytes */
	size_t shown_start;	/* and in shown */
	unsigned flags;		/* enum imap_cmd_flag */
	enum cmd_state state;
	bool need_space;	/* the next argument needs SP first */
	char tag[IMAP_CMD_TAG_MAX];
	struct imap_cmd_error err;
};

static const char *const err_names[IMAP_CMD_E_COUNT] = {
	[IMAP_CMD_OK] = "no error",
	[IMAP_CMD_E_BYTE] = "byte not allowed in a command",
	[IMAP_CMD_E_TOO_BIG] = "command too large",
	[IMAP_CMD_E_NOMEM] = "out of memory",
	[IMAP_CMD_E_ARG] = "invalid command syntax",
	[IMAP_CMD_E_STATE] = "command not begun or already ended",
};

/* Tags ------------------------------------------------------------- */

static bool
ascii_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
valid_prefix(const char *prefix)
{
	size_t n;

	if (prefix == NULL)
		return false;
	n = strnlen(prefix, IMAP_CMD_TAG_PREFIX_MAX);
	if (n == 0 || n >= IMAP_CMD_TAG_PREFIX_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ascii_letter(prefix[i]))
			return false;
	}
	return true;
}

void
imap_tagger_init(struct imap_tagger *t, const char *prefix)
{
	memset(t, 0, sizeof(*t));
	if (valid_prefix(prefix))
		memcpy(t->prefix, prefix, strlen(prefix));
	else
		t->prefix[0] = 'A';
	t->next = 1;
}

int
imap_tagger_next(struct imap_tagger *t, char *tag, size_t cap)
{
	int n;

	if (cap == 0)
		return -1;
	n = snprintf(tag, cap, "%s%lu", t->prefix, t->next);
	if (n < 0 || (size_t)n >= cap) {
		tag[0] = '\0';
		return -1;
	}
	t->next++;
	return 0;
}

bool
imap_tagger_is_ours(const struct imap_tagger *t, const char *tag,
		    size_t len)
{
	size_t plen = strlen(t->prefix);
	unsigned long v = 0, d;

	if (len <= plen || memcmp(tag, t->prefix, plen) != 0)
		return false;
	if (tag[plen] == '0')
		return false;
	for (size_t i = plen; i < len; i++) {
		if (tag[i] < '0' || tag[i] > '9')
			return false;
		d = (unsigned long)(tag[i] - '0');
		if (v > (ULONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	return v < t->next;
}

/* Buffers and errors ------------------------------------------------ */

static void
buf_wipe(struct cmd_buf *b)
{
	if (b->p != NULL)
		OPENSSL_cleanse(b->p, b->len);
	b->len = 0;
}

static void
buf_free(struct cmd_buf *b)
{
	buf_wipe(b);
	free(b->p);
	b->p = NULL;
	b->cap = 0;
}

/* Grow by copying, so that no old copy of a secret stays in freed
 * memory. */
static int
buf_append(struct cmd_buf *b, const char *p, size_t n)
{
	size_t cap, len = b->len;
	char *np;

	if (n > IMAP_CMD_MAX - len)
		return IMAP_CMD_E_TOO_BIG;
	if (len + n > b->cap) {
		cap = b->cap != 0 ? b->cap : 256;
		while (cap < len + n)
			cap *= 2;
		np = malloc(cap);
		if (np == NULL)
			return IMAP_CMD_E_NOMEM;
		if (len > 0)
			memcpy(np, b->p, len);
		buf_free(b);
		b->p = np;
		b->cap = cap;
		b->len = len;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static void
copy_field(struct imap_cmd_error *e, const char *field)
{
	snprintf(e->field, sizeof(e->field), "%s",
		 field != NULL ? field : "");
}

/* Record the first error and wipe what was to be sent. */
static int
cmd_fail(struct imap_cmd *cmd, int code, const char *field)
{
	if (cmd->err.code == IMAP_CMD_OK) {
		cmd->err.code = (enum imap_cmd_err)code;
		copy_field(&cmd->err, field);
	}
	buf_wipe(&cmd->bytes);
	return cmd->err.code;
}

static int
cmd_ready(struct imap_cmd *cmd)
{
	if (cmd->err.code != IMAP_CMD_OK)
		return cmd->err.code;
	if (cmd->state != CMD_OPEN)
		return IMAP_CMD_E_STATE;
	return 0;
}

static int
emit(struct imap_cmd *cmd, const char *p, size_t n, unsigned to)
{
	int rc = 0;

	if (to & TO_BYTES)
		rc = buf_append(&cmd->bytes, p, n);
	if (rc == 0 && (to & TO_SHOWN))
		rc = buf_append(&cmd->shown, p, n);
	if (rc != 0)
		return cmd_fail(cmd, rc, NULL);
	return 0;
}

static int
emit_sep(struct imap_cmd *cmd)
{
	if (!cmd->need_space)
		return 0;
	return emit(cmd, " ", 1, TO_BOTH);
}

/* End the current segment with CRLF; wait: the server's "+" must come
 * before the next one. */
static int
seg_break(struct imap_cmd *cmd, bool wait)
{
	struct seg_mark *m;
	size_t cap;
	int rc;

	rc = emit(cmd, "\r\n", 2, TO_BYTES);
	if (rc == 0)
		rc = emit(cmd, "", 1, TO_SHOWN);
	if (rc != 0)
		return rc;
	if (cmd->nsegs == cmd->segcap) {
		cap = cmd->segcap != 0 ? cmd->segcap * 2 : 4;
		m = realloc(cmd->segs, cap * sizeof(*m));
		if (m == NULL)
			return cmd_fail(cmd, IMAP_CMD_E_NOMEM, NULL);
		cmd->segs = m;
		cmd->segcap = cap;
	}
	m = &cmd->segs[cmd->nsegs++];
	m->off = cmd->seg_start;
	m->len = cmd->bytes.len - cmd->seg_start;
	m->shown_off = cmd->shown_start;
	m->wait = wait;
	cmd->seg_start = cmd->bytes.len;
	cmd->shown_start = cmd->shown.len;
	return 0;
}

/* End the line here; what follows goes after the server's "+". */
static int
line_break(struct imap_cmd *cmd)
{
	int rc = cmd_ready(cmd);

	if (rc == 0)
		rc = seg_break(cmd, true);
	cmd->need_space = false;
	return rc;
}

/* Quoting ------------------------------------------------------------ */

static bool
atom_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("(){%*\"\\]", c) == NULL;
}

static bool
is_atom(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!atom_char((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* The one quoting decision for every string sent: literal for 8-bit
 * or long strings, atom where allowed and safe (NIL would read as
 * nothing), else a quoted string. */
static enum str_form
str_form(const char *s, size_t len, bool atom_ok)
{
	if (len > IMAP_CMD_QUOTED_MAX)
		return FORM_LITERAL;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return FORM_LITERAL;
	}
	if (!atom_ok || !is_atom(s, len))
		return FORM_QUOTED;
	if (len == 3 && strncasecmp(s, "NIL", 3) == 0)
		return FORM_QUOTED;
	return FORM_ATOM;
}

/* Refuse CR, LF and NUL, naming the field, the byte and its offset. */
static int
check_field(struct imap_cmd *cmd, const char *s, size_t len,
	    const char *field)
{
	unsigned char c;

	for (size_t i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' || c == '\n' || c == '\0') {
			cmd_fail(cmd, IMAP_CMD_E_BYTE, field);
			cmd->err.byte = c;
			cmd->err.offset = i;
			return cmd->err.code;
		}
	}
	return 0;
}

static int
put_quoted(struct imap_cmd *cmd, const char *s, size_t len, unsigned to)
{
	size_t run = 0;
	int rc;

	rc = emit(cmd, "\"", 1, to);
	for (size_t i = 0; rc == 0 && i < len; i++) {
		if (s[i] != '"' && s[i] != '\\')
			continue;
		rc = emit(cmd, s + run, i - run, to);
		if (rc == 0)
			rc = emit(cmd, "\\", 1, to);
		run = i;
	}
	if (rc == 0)
		rc = emit(cmd, s + run, len - run, to);
	if (rc == 0)
		rc = emit(cmd, "\"", 1, to);
	return rc;
}

static int
put_literal(struct imap_cmd *cmd, const char *s, size_t len, unsigned to)
{
	bool sync;
	char hdr[32];
	int n, rc;

	sync = !(cmd->flags & IMAP_CMD_LITERAL_PLUS) &&
	    !((cmd->flags & IMAP_CMD_LITERAL_MINUS) &&
	      len <= IMAP_CMD_LITERAL_MINUS_MAX);
	n = snprintf(hdr, sizeof(hdr), "{%zu%s}", len, sync ? "" : "+");
	rc = emit(cmd, hdr, (size_t)n, to);
	if (rc == 0 && sync)
		rc = seg_break(cmd, true);
	else if (rc == 0)
		rc = emit(cmd, "\r\n", 2, to);
	if (rc == 0)
		rc = emit(cmd, s, len, to);
	return rc;
}

/* Add SP and s in the form str_form() picks; with a placeholder, s is
 * a secret: the transcript shows the placeholder alone. */
static int
put_string(struct imap_cmd *cmd, const char *s, size_t len,
	   const char *field, bool atom_ok, const char *placeholder)
{
	unsigned to = placeholder != NULL ? TO_BYTES : TO_BOTH;
	int rc;

	rc = cmd_ready(cmd);
	if (rc != 0)
		return rc;
	if (s == NULL && len > 0)
		return cmd_fail(cmd, IMAP_CMD_E_ARG, field);
	if (s == NULL)
		s = "";
	rc = check_field(cmd, s, len, field);
	if (rc == 0)
		rc = emit_sep(cmd);
	if (rc == 0 && placeholder != NULL)
		rc = emit(cmd, placeholder, strlen(placeholder), TO_SHOWN);
	if (rc != 0)
		return rc;
	cmd->need_space = true;
	switch (str_form(s, len, atom_ok && placeholder == NULL)) {
	case FORM_ATOM:
		return emit(cmd, s, len, to);
	case FORM_QUOTED:
		return put_quoted(cmd, s, len, to);
	case FORM_LITERAL:
		break;
	}
	return put_literal(cmd, s, len, to);
}

/* The command --------------------------------------------------------- */

struct imap_cmd *
imap_cmd_new(void)
{
	return calloc(1, sizeof(struct imap_cmd));
}

void
imap_cmd_free(struct imap_cmd *cmd)
{
	if (cmd == NULL)
		return;
	buf_free(&cmd->bytes);
	buf_free(&cmd->shown);
	free(cmd->segs);
	free(cmd);
}

void
imap_cmd_set_flags(struct imap_cmd *cmd, unsigned flags)
{
	cmd->flags = flags;
}

int
imap_cmd_begin(struct imap_cmd *cmd, struct imap_tagger *t,
	       const char *name)
{
	int rc;

	buf_wipe(&cmd->bytes);
	buf_wipe(&cmd->shown);
	cmd->nsegs = 0;
	cmd->seg_start = 0;
	cmd->shown_start = 0;
	cmd->need_space = false;
	cmd->tag[0] = '\0';
	memset(&cmd->err, 0, sizeof(cmd->err));
	cmd->state = CMD_OPEN;
	if (name == NULL || !is_atom(name, strlen(name)))
		return cmd_fail(cmd, IMAP_CMD_E_ARG, "command");
	if (imap_tagger_next(t, cmd->tag, sizeof(cmd->tag)) != 0)
		return cmd_fail(cmd, IMAP_CMD_E_ARG, "tag");
	rc = emit(cmd, cmd->tag, strlen(cmd->tag), TO_BOTH);
	if (rc != 0)
		return rc;
	cmd->need_space = true;
	return imap_cmd_atom(cmd, name);
}

int
imap_cmd_atom(struct imap_cmd *cmd, const char *atom)
{
	int rc = cmd_ready(cmd);

	if (rc != 0)
		return rc;
	if (atom == NULL || !is_atom(atom, strlen(atom)))
		return cmd_fail(cmd, IMAP_CMD_E_ARG, "atom");
	rc = emit_sep(cmd);
	if (rc == 0)
		rc = emit(cmd, atom, strlen(atom), TO_BOTH);
	cmd->need_space = true;
	return rc;
}

int
imap_cmd_raw(struct imap_cmd *cmd, const char *text)
{
	int rc = cmd_ready(cmd);

	if (rc != 0)
		return rc;
	if (text == NULL || strpbrk(text, "\r\n") != NULL)
		return cmd_fail(cmd, IMAP_CMD_E_ARG, "raw");
	rc = emit_sep(cmd);
	if (rc == 0)
		rc = emit(cmd, text, strlen(text), TO_BOTH);
	cmd->need_space = true;
	return rc;
}

int
imap_cmd_astring(struct imap_cmd *cmd, const char *s, size_t len,
		 const char *field)
{
	return put_string(cmd, s, len, field, true, NULL);
}

int
imap_cmd_string(struct imap_cmd *cmd, const char *s, size_t len,
		const char *field)
{
	return put_string(cmd, s, len, field, false, NULL);
}

int
imap_cmd_secret(struct imap_cmd *cmd, const char *s, size_t len,
		const char *placeholder)
{
	int rc = cmd_ready(cmd);

	if (rc != 0)
		return rc;
	if (placeholder == NULL || strpbrk(placeholder, "\r\n") != NULL)
		return cmd_fail(cmd, IMAP_CMD_E_ARG, "placeholder");
	return put_string(cmd, s, len, placeholder, false, placeholder);
}

int
imap_cmd_open(struct imap_cmd *cmd)
{
	int rc = cmd_ready(cmd);

	if (rc == 0)
		rc = emit_sep(cmd);
	if (rc == 0)
		rc = emit(cmd, "(", 1, TO_BOTH);
	cmd->need_space = false;
	return rc;
}

int
imap_cmd_close(struct imap_cmd *cmd)
{
	int rc = cmd_ready(cmd);

	if (rc == 0)
		rc = emit(cmd, ")", 1, TO_BOTH);
	cmd->need_space = true;
	return rc;
}

int
imap_cmd_end(struct imap_cmd *cmd)
{
	int rc = cmd_ready(cmd);

	if (rc == 0)
		rc = seg_break(cmd, false);
	if (rc != 0)
		return rc;
	cmd->state = CMD_DONE;
	return 0;
}

const struct imap_cmd_error *
imap_cmd_error(const struct imap_cmd *cmd)
{
	return &cmd->err;
}

const char *
imap_cmd_strerror(enum imap_cmd_err code)
{
	return NAMES_GET(err_names, code, "unknown error");
}

static const char *
byte_name(unsigned char c)
{
	switch (c) {
	case '\r':
		return "carriage return";
	case '\n':
		return "line feed";
	case '\0':
		return "NUL";
	default:
		return "byte";
	}
}

void
imap_cmd_error_format(const struct imap_cmd_error *e, char *buf,
		      size_t cap)
{
	const char *field = e->field[0] != '\0' ? e->field : "command";

	if (cap == 0)
		return;
	if (e->code == IMAP_CMD_E_BYTE)
		snprintf(buf, cap, "%s: %s (0x%02x) at offset %zu is not "
			 "allowed", field, byte_name(e->byte), e->byte,
			 e->offset);
	else
		snprintf(buf, cap, "%s: %s", field,
			 imap_cmd_strerror(e->code));
}

const char *
imap_cmd_tag(const struct imap_cmd *cmd)
{
	return cmd->tag;
}

size_t
imap_cmd_nsegments(const struct imap_cmd *cmd)
{
	if (cmd->state != CMD_DONE || cmd->err.code != IMAP_CMD_OK)
		return 0;
	return cmd->nsegs;
}

int
imap_cmd_segment(const struct imap_cmd *cmd, size_t i,
		 struct imap_cmd_segment *seg)
{
	const struct seg_mark *m;

	if (i >= imap_cmd_nsegments(cmd))
		return -1;
	m = &cmd->segs[i];
	seg->data = cmd->bytes.p + m->off;
	seg->len = m->len;
	seg->shown = cmd->shown.p + m->shown_off;
	seg->wait = m->wait;
	return 0;
}

/* Ready-made commands ------------------------------------------------- */

static int
simple_command(struct imap_cmd *cmd, struct imap_tagger *t,
	       const char *name)
{
	imap_cmd_begin(cmd, t, name);
	return imap_cmd_end(cmd);
}

int
imap_cmd_capability(struct imap_cmd *cmd, struct imap_tagger *t)
{
	return simple_command(cmd, t, "CAPABILITY");
}

int
imap_cmd_starttls(struct imap_cmd *cmd, struct imap_tagger *t)
{
	return simple_command(cmd, t, "STARTTLS");
}

int
imap_cmd_logout(struct imap_cmd *cmd, struct imap_tagger *t)
{
	return simple_command(cmd, t, "LOGOUT");
}

int
imap_cmd_login(struct imap_cmd *cmd, struct imap_tagger *t,
	       const char *user, size_t user_len,
	       const char *password, size_t password_len)
{
	imap_cmd_begin(cmd, t, "LOGIN");
	imap_cmd_astring(cmd, user, user_len, "user");
	imap_cmd_secret(cmd, password, password_len, "<password>");
	return imap_cmd_end(cmd);
}

static void
wipe_free(unsigned char *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}

/* Add base64("\0user\0password") as a secret shown as "<sasl>". */
static int
put_plain_response(struct imap_cmd *cmd, const char *user, size_t ulen,
		   const char *password, size_t plen)
{
	unsigned char *msg, *b64;
	size_t mlen, blen;
	int rc, n;

	rc = cmd_ready(cmd);
	if (rc == 0)
		rc = check_field(cmd, user, ulen, "user");
	if (rc == 0)
		rc = check_field(cmd, password, plen, "<password>");
	if (rc != 0)
		return rc;
	if (ulen > IMAP_CMD_MAX || plen > IMAP_CMD_MAX - ulen)
		return cmd_fail(cmd, IMAP_CMD_E_TOO_BIG, "<sasl>");
	mlen = ulen + plen + 2;
	blen = 4 * ((mlen + 2) / 3) + 1;
	msg = malloc(mlen);
	b64 = malloc(blen);
	if (msg != NULL && b64 != NULL) {
		msg[0] = '\0';
		memcpy(msg + 1, user, ulen);
		msg[1 + ulen] = '\0';
		memcpy(msg + 2 + ulen, password, plen);
		n = EVP_EncodeBlock(b64, msg, (int)mlen);
		rc = emit_sep(cmd);
		if (rc == 0)
			rc = emit(cmd, "<sasl>", 6, TO_SHOWN);
		if (rc == 0)
			rc = emit(cmd, (const char *)b64, (size_t)n, TO_BYTES);
	} else {
		rc = cmd_fail(cmd, IMAP_CMD_E_NOMEM, "<sasl>");
	}
	wipe_free(msg, mlen);
	wipe_free(b64, blen);
	cmd->need_space = true;
	return rc;
}

int
imap_cmd_authenticate_plain(struct imap_cmd *cmd, struct imap_tagger *t,
			    const char *user, size_t user_len,
			    const char *password, size_t password_len,
			    bool sasl_ir)
{
	imap_cmd_begin(cmd, t, "AUTHENTICATE");
	imap_cmd_atom(cmd, "PLAIN");
	if (!sasl_ir)
		line_break(cmd);
	put_plain_response(cmd, user, user_len, password, password_len);
	return imap_cmd_end(cmd);
}

int
imap_cmd_authenticate(struct imap_cmd *cmd, struct imap_tagger *t,
		      const char *mech, const char *ir)
{
	int rc;

	imap_cmd_begin(cmd, t, "AUTHENTICATE");
	imap_cmd_atom(cmd, mech);
	if (ir == NULL)
		return imap_cmd_end(cmd);
	rc = cmd_ready(cmd);
	if (rc == 0 && strlen(ir) > IMAP_CMD_MAX)
		rc = cmd_fail(cmd, IMAP_CMD_E_TOO_BIG, "<sasl>");
	if (rc == 0)
		rc = emit_sep(cmd);
	if (rc == 0)
		rc = emit(cmd, "<sasl>", 6, TO_SHOWN);
	/* RFC 4959: "=" stands for an empty initial response. */
	if (rc == 0)
		rc = emit(cmd, ir[0] != '\0' ? ir : "=",
			  ir[0] != '\0' ? strlen(ir) : 1, TO_BYTES);
	cmd->need_space = true;
	if (rc != 0)
		return rc;
	return imap_cmd_end(cmd);
}

static void
put_status_items(struct imap_cmd *cmd)
{
	imap_cmd_open(cmd);
	imap_cmd_atom(cmd, "MESSAGES");
	imap_cmd_atom(cmd, "UNSEEN");
	imap_cmd_close(cmd);
}

int
imap_cmd_list(struct imap_cmd *cmd, struct imap_tagger *t, unsigned ret)
{
	imap_cmd_begin(cmd, t, "LIST");
	imap_cmd_string(cmd, "", 0, "reference");
	imap_cmd_string(cmd, "*", 1, "pattern");
	ret &= IMAP_LIST_CHILDREN | IMAP_LIST_SPECIAL_USE | IMAP_LIST_STATUS;
	if (ret != 0) {
		imap_cmd_atom(cmd, "RETURN");
		imap_cmd_open(cmd);
		if (ret & IMAP_LIST_CHILDREN)
			imap_cmd_atom(cmd, "CHILDREN");
		if (ret & IMAP_LIST_SPECIAL_USE)
			imap_cmd_atom(cmd, "SPECIAL-USE");
		if (ret & IMAP_LIST_STATUS) {
			imap_cmd_atom(cmd, "STATUS");
			put_status_items(cmd);
		}
		imap_cmd_close(cmd);
	}
	return imap_cmd_end(cmd);
}

int
imap_cmd_status(struct imap_cmd *cmd, struct imap_tagger *t,
		const char *mailbox, size_t len)
{
	imap_cmd_begin(cmd, t, "STATUS");
	imap_cmd_astring(cmd, mailbox, len, "mailbox");
	put_status_items(cmd);
	return imap_cmd_end(cmd);
}

int
imap_cmd_select(struct imap_cmd *cmd, struct imap_tagger *t,
		const char *mailbox, size_t len, bool read_write)
{
	imap_cmd_begin(cmd, t, read_write ? "SELECT" : "EXAMINE");
	imap_cmd_astring(cmd, mailbox, len, "mailbox");
	return imap_cmd_end(cmd);
}

int
imap_cmd_fetch_newest(struct imap_cmd *cmd, struct imap_tagger *t,
		      uint32_t exists, uint32_t count)
{
	char set[32];
	uint32_t lo;

	imap_cmd_begin(cmd, t, "FETCH");
	if (exists == 0 || count == 0) {
		cmd_fail(cmd, IMAP_CMD_E_ARG, "message count");
		return imap_cmd_end(cmd);
	}
	lo = count >= exists ? 1 : exists - count + 1;
	snprintf(set, sizeof(set), "%" PRIu32 ":%" PRIu32, lo, exists);
	imap_cmd_atom(cmd, set);
	imap_cmd_open(cmd);
	imap_cmd_atom(cmd, "UID");
	imap_cmd_atom(cmd, "FLAGS");
	imap_cmd_atom(cmd, "ENVELOPE");
	imap_cmd_close(cmd);
	return imap_cmd_end(cmd);
}

int
imap_cmd_id_nil(struct imap_cmd *cmd, struct imap_tagger *t)
{
	imap_cmd_begin(cmd, t, "ID");
	imap_cmd_atom(cmd, "NIL");
	return imap_cmd_end(cmd);
}

int
imap_cmd_id(struct imap_cmd *cmd, struct imap_tagger *t,
	    const char *version)
{
	imap_cmd_begin(cmd, t, "ID");
	imap_cmd_open(cmd);
	imap_cmd_string(cmd, "name", 4, "ID name");
	imap_cmd_string(cmd, "imapconn", 8, "ID name");
	imap_cmd_string(cmd, "version", 7, "ID version");
	if (version == NULL)
		cmd_fail(cmd, IMAP_CMD_E_ARG, "ID version");
	else
		imap_cmd_string(cmd, version, strlen(version), "ID version");
	imap_cmd_close(cmd);
	return imap_cmd_end(cmd);
}
