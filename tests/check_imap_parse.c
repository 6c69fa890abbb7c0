/* check_imap_parse.c - the IMAP response parser: real server responses
 * whole and split at every byte, hostile input, the typed helpers, and a
 * seeded random mutation run. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "imap_parse.h"


#define IN(lit) .in = lit, .len = sizeof(lit) - 1
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A failing check without Check's per-assertion bookkeeping, for the
 * hot loops. */
#define REQUIRE(cond, ...)				\
	do {						\
		if (!(cond))				\
			ck_abort_msg(__VA_ARGS__);	\
	} while (0)

/* Real responses ---------------------------------------------------- */

struct good_case {
	const char *name;
	const char *in;
	size_t len;
	enum imap_resp_kind kind;
	const char *tag;
	enum imap_status status;
	const char *keyword;
	enum imap_code code;
	const char *text;
	size_t text_len;	/* 0: strlen(text) */
	size_t ndata;
	bool has_number;
	uint64_t number;
};

#define UNT IMAP_RESP_UNTAGGED
#define TAG IMAP_RESP_TAGGED
#define CONT IMAP_RESP_CONTINUATION

static const struct good_case good_cases[] = {
	{ "dovecot greeting",
	  IN("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE "
	     "IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_CAPABILITY,
	  "Dovecot (Debian) ready.", 0, 0, false, 0 },
	{ "dovecot login",
	  IN("a1 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE "
	     "IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS "
	     "THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE "
	     "UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 "
	     "CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN "
	     "CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY "
	     "PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY "
	     "SPECIAL-USE] Logged in\r\n"),
	  TAG, "a1", IMAP_ST_OK, "OK", IMAP_CODE_CAPABILITY, "Logged in",
	  0, 0, false, 0 },
	{ "cyrus greeting",
	  IN("* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS "
	     "AUTH=PLAIN AUTH=LOGIN SASL-IR] mail.example.org Cyrus IMAP "
	     "3.6.1-Debian-3.6.1-4 server ready\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_CAPABILITY,
	  "mail.example.org Cyrus IMAP 3.6.1-Debian-3.6.1-4 server ready",
	  0, 0, false, 0 },
	{ "gmail greeting",
	  IN("* OK Gimap ready for requests from 203.0.113.5 "
	     "a1b2c3d4e5mb12345678\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE,
	  "Gimap ready for requests from 203.0.113.5 a1b2c3d4e5mb12345678",
	  0, 0, false, 0 },
	{ "gmail capability",
	  IN("* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST "
	     "CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN "
	     "AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH\r\n"),
	  UNT, "*", IMAP_ST_NONE, "CAPABILITY", IMAP_CODE_NONE, "", 0, 16,
	  false, 0 },
	{ "exchange greeting",
	  IN("* OK The Microsoft Exchange IMAP4 service is ready.\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE,
	  "The Microsoft Exchange IMAP4 service is ready.", 0, 0, false, 0 },
	{ "office 365 greeting with a bracketed trailer",
	  IN("* OK The Microsoft Exchange IMAP4 service is ready. "
	     "[TQBXADIAUABSADAANQBDAEEAMAAwADAAOQAuAGUAdQBy]\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE,
	  "The Microsoft Exchange IMAP4 service is ready. "
	  "[TQBXADIAUABSADAANQBDAEEAMAAwADAAOQAuAGUAdQBy]", 0, 0, false, 0 },
	{ "yahoo greeting",
	  IN("* OK [CAPABILITY IMAP4rev1 ID MOVE NAMESPACE XYMHIGHESTMODSEQ "
	     "UIDPLUS LITERAL+ CHILDREN X-MSG-EXT UNSELECT OBJECTID] "
	     "IMAP4rev1 Hello\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_CAPABILITY,
	  "IMAP4rev1 Hello", 0, 0, false, 0 },
	{ "preauth",
	  IN("* PREAUTH [CAPABILITY IMAP4rev1] Logged in as joe\r\n"),
	  UNT, "*", IMAP_ST_PREAUTH, "PREAUTH", IMAP_CODE_CAPABILITY,
	  "Logged in as joe", 0, 0, false, 0 },
	{ "list quoted name",
	  IN("* LIST (\\HasNoChildren) \"/\" \"INBOX/Sent Items\"\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "list literal name",
	  IN("* LIST (\\HasNoChildren) \"/\" {12}\r\nEntw&APw-rfe\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "list NIL delimiter",
	  IN("* LIST (\\HasNoChildren) NIL INBOX\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "list extended data",
	  IN("* LIST (\\Subscribed \\HasChildren) \".\" \"Archive\" "
	     "(\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 4,
	  false, 0 },
	{ "gmail list",
	  IN("* LIST (\\HasNoChildren \\Junk) \"/\" \"[Gmail]/Spam\"\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "list atom name with brackets",
	  IN("* LIST (\\HasChildren \\Noselect) \"/\" [Gmail]\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "lsub",
	  IN("* LSUB () \".\" #news.comp.mail.misc\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LSUB", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "list-status status",
	  IN("* STATUS \"INBOX\" (MESSAGES 17 UNSEEN 16)\r\n"),
	  UNT, "*", IMAP_ST_NONE, "STATUS", IMAP_CODE_NONE, "", 0, 2,
	  false, 0 },
	{ "status rfc example",
	  IN("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"),
	  UNT, "*", IMAP_ST_NONE, "STATUS", IMAP_CODE_NONE, "", 0, 2,
	  false, 0 },
	{ "select flags",
	  IN("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"),
	  UNT, "*", IMAP_ST_NONE, "FLAGS", IMAP_CODE_NONE, "", 0, 1,
	  false, 0 },
	{ "select permanentflags",
	  IN("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	     "\\Draft \\*)] Flags permitted.\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_PERMANENTFLAGS,
	  "Flags permitted.", 0, 0, false, 0 },
	{ "select exists",
	  IN("* 172 EXISTS\r\n"),
	  UNT, "*", IMAP_ST_NONE, "EXISTS", IMAP_CODE_NONE, "", 0, 0,
	  true, 172 },
	{ "select recent",
	  IN("* 0 RECENT\r\n"),
	  UNT, "*", IMAP_ST_NONE, "RECENT", IMAP_CODE_NONE, "", 0, 0,
	  true, 0 },
	{ "select unseen",
	  IN("* OK [UNSEEN 12] Message 12 is first unseen\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_UNSEEN,
	  "Message 12 is first unseen", 0, 0, false, 0 },
	{ "select uidvalidity",
	  IN("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_UIDVALIDITY, "UIDs valid",
	  0, 0, false, 0 },
	{ "select uidnext",
	  IN("* OK [UIDNEXT 4392] Predicted next UID\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_UIDNEXT,
	  "Predicted next UID", 0, 0, false, 0 },
	{ "select highestmodseq",
	  IN("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_HIGHESTMODSEQ, "Highest",
	  0, 0, false, 0 },
	{ "select read-write",
	  IN("a3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n"),
	  TAG, "a3", IMAP_ST_OK, "OK", IMAP_CODE_READ_WRITE,
	  "Select completed (0.001 + 0.000 secs).", 0, 0, false, 0 },
	{ "examine read-only",
	  IN("a3 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).\r\n"),
	  TAG, "a3", IMAP_ST_OK, "OK", IMAP_CODE_READ_ONLY,
	  "Examine completed (0.001 + 0.000 secs).", 0, 0, false, 0 },
	{ "dovecot authentication failed",
	  IN("a2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
	  TAG, "a2", IMAP_ST_NO, "NO", IMAP_CODE_AUTHENTICATIONFAILED,
	  "Authentication failed.", 0, 0, false, 0 },
	{ "gmail authentication failed",
	  IN("A0001 NO [AUTHENTICATIONFAILED] Invalid credentials "
	     "(Failure)\r\n"),
	  TAG, "A0001", IMAP_ST_NO, "NO", IMAP_CODE_AUTHENTICATIONFAILED,
	  "Invalid credentials (Failure)", 0, 0, false, 0 },
	{ "gmail alert",
	  IN("a2 NO [ALERT] Application-specific password required: "
	     "https://support.google.com/accounts/answer/185833 "
	     "(Failure)\r\n"),
	  TAG, "a2", IMAP_ST_NO, "NO", IMAP_CODE_ALERT,
	  "Application-specific password required: "
	  "https://support.google.com/accounts/answer/185833 (Failure)",
	  0, 0, false, 0 },
	{ "exchange login failed",
	  IN("a1 NO LOGIN failed.\r\n"),
	  TAG, "a1", IMAP_ST_NO, "NO", IMAP_CODE_NONE, "LOGIN failed.", 0,
	  0, false, 0 },
	{ "tagged bad",
	  IN("a9 BAD Error in IMAP command received by server.\r\n"),
	  TAG, "a9", IMAP_ST_BAD, "BAD", IMAP_CODE_NONE,
	  "Error in IMAP command received by server.", 0, 0, false, 0 },
	{ "bye",
	  IN("* BYE Logging out\r\n"),
	  UNT, "*", IMAP_ST_BYE, "BYE", IMAP_CODE_NONE, "Logging out", 0, 0,
	  false, 0 },
	{ "bye with code",
	  IN("* BYE [UNAVAILABLE] Server shutting down.\r\n"),
	  UNT, "*", IMAP_ST_BYE, "BYE", IMAP_CODE_UNAVAILABLE,
	  "Server shutting down.", 0, 0, false, 0 },
	{ "continuation with space",
	  IN("+ \r\n"),
	  CONT, "+", IMAP_ST_NONE, "", IMAP_CODE_NONE, "", 0, 0, false, 0 },
	{ "continuation bare",
	  IN("+\r\n"),
	  CONT, "+", IMAP_ST_NONE, "", IMAP_CODE_NONE, "", 0, 0, false, 0 },
	{ "continuation base64",
	  IN("+ YmFzZTY0\r\n"),
	  CONT, "+", IMAP_ST_NONE, "", IMAP_CODE_NONE, "YmFzZTY0", 0, 0,
	  false, 0 },
	{ "continuation dovecot idle",
	  IN("+ idling\r\n"),
	  CONT, "+", IMAP_ST_NONE, "", IMAP_CODE_NONE, "idling", 0, 0,
	  false, 0 },
	{ "continuation with code",
	  IN("+ [ALERT] go ahead\r\n"),
	  CONT, "+", IMAP_ST_NONE, "", IMAP_CODE_ALERT, "go ahead", 0, 0,
	  false, 0 },
	{ "fetch envelope",
	  IN("* 12 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID "
	     "1278455344230334865 UID 5 FLAGS (\\Seen) ENVELOPE "
	     "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"afternoon meeting\" "
	     "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) "
	     "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) "
	     "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) "
	     "((NIL NIL \"mooch\" \"owatagu.siam.edu\")) NIL NIL NIL "
	     "\"<B27397-0100000@Blurdybloop.COM>\"))\r\n"),
	  UNT, "*", IMAP_ST_NONE, "FETCH", IMAP_CODE_NONE, "", 0, 1,
	  true, 12 },
	{ "fetch envelope with literal subject",
	  IN("* 3 FETCH (ENVELOPE (\"Tue, 1 Oct 2024 10:00:00 +0000\" "
	     "{11}\r\nHi \"there\"! NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
	  UNT, "*", IMAP_ST_NONE, "FETCH", IMAP_CODE_NONE, "", 0, 1,
	  true, 3 },
	{ "fetch header section literal",
	  IN("* 2 FETCH (UID 6 BODY[HEADER.FIELDS (SUBJECT)] {18}\r\n"
	     "Subject: hello\r\n\r\n FLAGS ())\r\n"),
	  UNT, "*", IMAP_ST_NONE, "FETCH", IMAP_CODE_NONE, "", 0, 1,
	  true, 2 },
	{ "fetch multipart bodystructure",
	  IN("* 3 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" "
	     "\"us-ascii\") NIL NIL \"7bit\" 5 1 NIL NIL NIL NIL)(\"text\" "
	     "\"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL "
	     "NIL NIL NIL) \"alternative\" (\"boundary\" \"xyz\") NIL NIL "
	     "NIL))\r\n"),
	  UNT, "*", IMAP_ST_NONE, "FETCH", IMAP_CODE_NONE, "", 0, 1,
	  true, 3 },
	{ "fetch binary literal with NUL",
	  IN("* 4 FETCH (BINARY[1] ~{4}\r\n\0\1\2\3)\r\n"),
	  UNT, "*", IMAP_ST_NONE, "FETCH", IMAP_CODE_NONE, "", 0, 1,
	  true, 4 },
	{ "id",
	  IN("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n"),
	  UNT, "*", IMAP_ST_NONE, "ID", IMAP_CODE_NONE, "", 0, 1, false, 0 },
	{ "id NIL",
	  IN("* ID NIL\r\n"),
	  UNT, "*", IMAP_ST_NONE, "ID", IMAP_CODE_NONE, "", 0, 1, false, 0 },
	{ "enabled",
	  IN("* ENABLED CONDSTORE QRESYNC\r\n"),
	  UNT, "*", IMAP_ST_NONE, "ENABLED", IMAP_CODE_NONE, "", 0, 2,
	  false, 0 },
	{ "namespace",
	  IN("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"),
	  UNT, "*", IMAP_ST_NONE, "NAMESPACE", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "search empty",
	  IN("* SEARCH\r\n"),
	  UNT, "*", IMAP_ST_NONE, "SEARCH", IMAP_CODE_NONE, "", 0, 0,
	  false, 0 },
	{ "search trailing space",
	  IN("* SEARCH 2 84 882 \r\n"),
	  UNT, "*", IMAP_ST_NONE, "SEARCH", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "esearch",
	  IN("* ESEARCH (TAG \"a4\") UID COUNT 3 ALL 1:3\r\n"),
	  UNT, "*", IMAP_ST_NONE, "ESEARCH", IMAP_CODE_NONE, "", 0, 6,
	  false, 0 },
	{ "vanished",
	  IN("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"),
	  UNT, "*", IMAP_ST_NONE, "VANISHED", IMAP_CODE_NONE, "", 0, 2,
	  false, 0 },
	{ "quota",
	  IN("* QUOTA \"\" (STORAGE 10 512)\r\n"),
	  UNT, "*", IMAP_ST_NONE, "QUOTA", IMAP_CODE_NONE, "", 0, 2,
	  false, 0 },
	{ "cyrus referral",
	  IN("a1 NO [REFERRAL imap://user;AUTH=*@other.example.org/] Remote "
	     "mailbox\r\n"),
	  TAG, "a1", IMAP_ST_NO, "NO", IMAP_CODE_REFERRAL, "Remote mailbox",
	  0, 0, false, 0 },
	{ "badcharset",
	  IN("a5 NO [BADCHARSET (UTF-8 \"ISO-8859-1\")] unsupported\r\n"),
	  TAG, "a5", IMAP_ST_NO, "NO", IMAP_CODE_BADCHARSET, "unsupported",
	  0, 0, false, 0 },
	{ "literal inside a code, then text ending in {3}",
	  IN("a5 NO [BADCHARSET ({5}\r\nUTF-8)] text {3}\r\n"),
	  TAG, "a5", IMAP_ST_NO, "NO", IMAP_CODE_BADCHARSET, "text {3}", 0,
	  0, false, 0 },
	{ "quoted bracket and a literal inside a code",
	  IN("a5 NO [BADCHARSET (\"x]y\" {3}\r\nabc)] no {2}\r\n"),
	  TAG, "a5", IMAP_ST_NO, "NO", IMAP_CODE_BADCHARSET, "no {2}", 0,
	  0, false, 0 },
	{ "literal ending in CR, then a bare LF",
	  IN("* X {1}\r\n\r\n"),
	  UNT, "*", IMAP_ST_NONE, "X", IMAP_CODE_NONE, "", 0, 1, false, 0 },
	{ "unknown code with free-form arguments",
	  IN("* OK [XFOO a{b] done\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_UNKNOWN, "done", 0, 0,
	  false, 0 },
	{ "code without closing bracket is text",
	  IN("* OK [UIDVALIDITY 1\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE, "[UIDVALIDITY 1", 0, 0,
	  false, 0 },
	{ "empty brackets are text",
	  IN("* OK [] hi\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE, "[] hi", 0, 0,
	  false, 0 },
	{ "text ending in a literal count is text",
	  IN("* OK Hello {5}\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE, "Hello {5}", 0, 0,
	  false, 0 },
	{ "bare LF accepted",
	  IN("* OK hello\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE, "hello", 0, 0,
	  false, 0 },
	{ "lower-case keyword",
	  IN("* list (\\HasNoChildren) \"/\" INBOX\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "lower-case tagged ok",
	  IN("a1 ok done\r\n"),
	  TAG, "a1", IMAP_ST_OK, "OK", IMAP_CODE_NONE, "done", 0, 0,
	  false, 0 },
	{ "ok without text",
	  IN("* OK\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE, "", 0, 0, false, 0 },
	{ "code without text",
	  IN("* OK [UIDNEXT 4]\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_UIDNEXT, "", 0, 0, false, 0 },
	{ "extra spaces",
	  IN("*  OK  [READ-ONLY]  done\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_READ_ONLY, "done", 0, 0,
	  false, 0 },
	{ "closed",
	  IN("* OK [CLOSED] Previous mailbox closed.\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_CLOSED,
	  "Previous mailbox closed.", 0, 0, false, 0 },
	{ "utf-8 text",
	  IN("* OK Bienvenue, connect\xc3\xa9\r\n"),
	  UNT, "*", IMAP_ST_OK, "OK", IMAP_CODE_NONE,
	  "Bienvenue, connect\xc3\xa9", 0, 0, false, 0 },
	{ "literal+ from a server",
	  IN("* LIST () \"/\" {3+}\r\nabc\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "empty literal",
	  IN("* LIST () \"/\" {0}\r\n\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "largest message number",
	  IN("* 4294967295 EXISTS\r\n"),
	  UNT, "*", IMAP_ST_NONE, "EXISTS", IMAP_CODE_NONE, "", 0, 0,
	  true, 4294967295u },
	{ "mailbox named NIL",
	  IN("* LIST () \"/\" NIL\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "quoted escapes",
	  IN("* LIST () \"\\\\\" \"a\\\"b\\\\c\"\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
	{ "literal with NUL and CRLF inside",
	  IN("* LIST () \"/\" {5}\r\na\0\r\nb\r\n"),
	  UNT, "*", IMAP_ST_NONE, "LIST", IMAP_CODE_NONE, "", 0, 3,
	  false, 0 },
};

/* Canonical dumps, to compare whole and split runs ------------------ */

struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

static void
sb_grow(struct sbuf *b, size_t n)
{
	char *ns;

	if (b->len + n + 1 <= b->cap)
		return;
	b->cap = (b->len + n + 1) * 2;
	ns = realloc(b->s, b->cap);
	REQUIRE(ns != NULL, "out of memory");
	b->s = ns;
}

static void
sb_add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	REQUIRE(n >= 0, "vsnprintf");
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void
sb_bytes(struct sbuf *b, const char *p, size_t n)
{
	size_t i;

	sb_add(b, "%zu\"", n);
	sb_grow(b, 4 * n + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			snprintf(b->s + b->len, 5, "\\x%02x", c);
			b->len += 4;
		} else {
			b->s[b->len++] = (char)c;
		}
	}
	b->s[b->len] = '\0';
	sb_add(b, "\"");
}

static void
dump_value(struct sbuf *b, const struct imap_value *v)
{
	size_t i;

	switch (v->kind) {
	case IMAP_V_ATOM:
		sb_add(b, "A");
		sb_bytes(b, v->str, v->len);
		break;
	case IMAP_V_NUMBER:
		sb_add(b, "N%llu", (unsigned long long)v->num);
		break;
	case IMAP_V_STRING:
		sb_add(b, "S%s%s", v->literal ? "L" : "",
		       v->binary ? "B" : "");
		sb_bytes(b, v->str, v->len);
		break;
	case IMAP_V_NIL:
		sb_add(b, "NIL");
		break;
	case IMAP_V_LIST:
		sb_add(b, "(");
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				sb_add(b, " ");
			dump_value(b, &v->items[i]);
		}
		sb_add(b, ")");
		break;
	}
}

/* Run every helper; their results become part of the dump. */
static void
dump_helpers(struct sbuf *b, const struct imap_response *r)
{
	char **v = NULL;
	size_t n = 0;
	struct imap_list_entry le;
	struct imap_status_info si;
	struct imap_mailbox_info mi;
	struct imap_id_field *idf = NULL;
	int rc;

	rc = imap_resp_capabilities(r, &v, &n);
	sb_add(b, " caps=%d", rc);
	if (rc == 0)
		imap_strv_free(v, n);
	rc = imap_resp_enabled(r, &v, &n);
	sb_add(b, " enabled=%d", rc);
	if (rc == 0)
		imap_strv_free(v, n);
	rc = imap_resp_list(r, &le);
	sb_add(b, " list=%d", rc);
	if (rc == 0)
		imap_list_entry_free(&le);
	rc = imap_resp_status(r, &si);
	sb_add(b, " status=%d", rc);
	if (rc == 0)
		imap_status_info_free(&si);
	memset(&mi, 0, sizeof(mi));
	sb_add(b, " mailbox=%d", imap_resp_mailbox(r, &mi));
	imap_mailbox_info_free(&mi);
	rc = imap_resp_id(r, &idf, &n);
	sb_add(b, " id=%d", rc);
	if (rc == 0)
		imap_id_free(idf, n);
	sb_add(b, " bye=%d", imap_resp_is_bye(r));
}

static char *
dump_response(const struct imap_response *r)
{
	struct sbuf b = { NULL, 0, 0 };

	sb_add(&b, "%d|%s|%s|", (int)r->kind, r->tag,
	       imap_status_name(r->status));
	if (r->has_number)
		sb_add(&b, "#%llu", (unsigned long long)r->number);
	sb_add(&b, "|%s|%s|", r->keyword, imap_code_name(r->code_kind));
	dump_value(&b, &r->code);
	sb_add(&b, "|");
	sb_bytes(&b, r->text, r->text_len);
	sb_add(&b, "|");
	dump_value(&b, &r->data);
	sb_add(&b, "|");
	sb_bytes(&b, r->raw, r->raw_len);
	dump_helpers(&b, r);
	return b.s;
}

/* Feeding in chunks ------------------------------------------------- */

/* xorshift64*: the tests' only randomness, seeded per test. */
struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *g)
{
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return g->s * 2685821657736338717ull;
}

static size_t
rng_below(struct rng *g, size_t n)
{
	return n == 0 ? 0 : (size_t)(rng_next(g) % n);
}

enum chunk_mode { CH_WHOLE, CH_FIXED, CH_SPLIT, CH_RANDOM };

struct chunker {
	enum chunk_mode mode;
	size_t k;
	struct rng g;
};

static size_t
chunk_len(struct chunker *ch, size_t pos, size_t left)
{
	size_t n = left;

	switch (ch->mode) {
	case CH_WHOLE:
		break;
	case CH_FIXED:
		n = ch->k;
		break;
	case CH_SPLIT:
		n = pos < ch->k ? ch->k - pos : left;
		break;
	case CH_RANDOM:
		n = rng_below(&ch->g, 4) == 0 ? 1 + rng_below(&ch->g, 64)
					      : 1 + rng_below(&ch->g, 4);
		break;
	}
	return n < left ? n : left;
}

struct run {
	char **dumps;
	size_t n;
	enum imap_parse_result end;	/* NEED_MORE: no error */
	size_t pending;
	char err[256];
};

static void
run_take(struct imap_parser *p, struct run *out)
{
	struct imap_response *r = imap_parser_take(p);
	char **nd;

	REQUIRE(r != NULL, "OK without a response");
	REQUIRE(imap_parser_take(p) == NULL, "a response taken twice");
	nd = realloc(out->dumps, (out->n + 1) * sizeof(*nd));
	REQUIRE(nd != NULL, "out of memory");
	out->dumps = nd;
	out->dumps[out->n++] = dump_response(r);
	imap_response_free(r);
}

static void
feed_chunk(struct imap_parser *p, const char *in, size_t n,
	   struct run *out)
{
	size_t off = 0, used;
	enum imap_parse_result rc;

	for (;;) {
		rc = imap_parser_feed(p, in + off, n - off, &used);
		REQUIRE(used <= n - off, "used %zu of %zu", used, n - off);
		off += used;
		if (rc != IMAP_PARSE_OK)
			break;
		REQUIRE(used > 0, "OK without consuming");
		run_take(p, out);
		if (off == n)
			return;
	}
	if (rc == IMAP_PARSE_NEED_MORE) {
		REQUIRE(off == n, "NEED_MORE with input left");
		return;
	}
	REQUIRE(rc == IMAP_PARSE_BAD || rc == IMAP_PARSE_TOO_LARGE,
		"unexpected result %s", imap_parse_result_name(rc));
	REQUIRE(imap_parser_error(p)[0] != '\0', "error without message");
	out->end = rc;
}

static void
run_input(const char *in, size_t len, const struct imap_limits *lim,
	  struct chunker *ch, struct run *out)
{
	struct imap_parser *p = imap_parser_new(lim);
	size_t pos = 0, n;

	REQUIRE(p != NULL, "imap_parser_new");
	memset(out, 0, sizeof(*out));
	out->end = IMAP_PARSE_NEED_MORE;
	while (pos < len && out->end == IMAP_PARSE_NEED_MORE) {
		n = chunk_len(ch, pos, len - pos);
		feed_chunk(p, in + pos, n, out);
		pos += n;
	}
	out->pending = imap_parser_pending(p);
	snprintf(out->err, sizeof(out->err), "%s", imap_parser_error(p));
	imap_parser_free(p);
}

static void
run_free(struct run *r)
{
	imap_strv_free(r->dumps, r->n);
	memset(r, 0, sizeof(*r));
}

static void
runs_same(const struct run *a, const struct run *b, const char *what)
{
	size_t i;

	REQUIRE(a->n == b->n, "%s: %zu responses, not %zu", what, b->n,
		a->n);
	for (i = 0; i < a->n; i++)
		REQUIRE(strcmp(a->dumps[i], b->dumps[i]) == 0,
			"%s: response %zu differs:\n%s\n%s", what, i,
			a->dumps[i], b->dumps[i]);
	REQUIRE(a->end == b->end, "%s: ended %s, not %s", what,
		imap_parse_result_name(b->end),
		imap_parse_result_name(a->end));
	REQUIRE(a->pending == b->pending, "%s: %zu bytes pending, not %zu",
		what, b->pending, a->pending);
	REQUIRE(strcmp(a->err, b->err) == 0, "%s: error \"%s\", not \"%s\"",
		what, b->err, a->err);
}

/* One response fed whole. */
static struct imap_response *
parse_one(const char *in, size_t len, enum imap_parse_result *rc,
	  const struct imap_limits *lim)
{
	struct imap_parser *p = imap_parser_new(lim);
	struct imap_response *r;
	size_t used = 0;

	ck_assert_ptr_nonnull(p);
	*rc = imap_parser_feed(p, in, len, &used);
	r = imap_parser_take(p);
	if (*rc == IMAP_PARSE_OK)
		ck_assert_uint_eq(used, len);
	imap_parser_free(p);
	return r;
}

#define PARSE_OK(lit) parse_ok(lit, sizeof(lit) - 1)

static struct imap_response *
parse_ok(const char *in, size_t len)
{
	enum imap_parse_result rc;
	struct imap_response *r = parse_one(in, len, &rc, NULL);

	ck_assert_msg(rc == IMAP_PARSE_OK, "%s for %s",
		      imap_parse_result_name(rc), in);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* Tests: real responses --------------------------------------------- */

START_TEST(test_good_fields)
{
	const struct good_case *gc = &good_cases[_i];
	enum imap_parse_result rc;
	struct imap_response *r = parse_one(gc->in, gc->len, &rc, NULL);
	size_t tl = gc->text_len ? gc->text_len : strlen(gc->text);

	REQUIRE(rc == IMAP_PARSE_OK, "%s: %s", gc->name,
		imap_parse_result_name(rc));
	REQUIRE(r->kind == gc->kind, "%s: kind %d", gc->name, (int)r->kind);
	REQUIRE(strcmp(r->tag, gc->tag) == 0, "%s: tag %s", gc->name, r->tag);
	REQUIRE(r->status == gc->status, "%s: status %s", gc->name,
		imap_status_name(r->status));
	REQUIRE(strcmp(r->keyword, gc->keyword) == 0, "%s: keyword %s",
		gc->name, r->keyword);
	REQUIRE(r->code_kind == gc->code, "%s: code %s", gc->name,
		imap_code_name(r->code_kind));
	REQUIRE(r->code.kind == (gc->code == IMAP_CODE_NONE ? IMAP_V_NIL
							 : IMAP_V_LIST),
		"%s: code value kind %d", gc->name, (int)r->code.kind);
	REQUIRE(r->text_len == tl && memcmp(r->text, gc->text, tl) == 0 &&
		r->text[tl] == '\0', "%s: text \"%s\"", gc->name, r->text);
	REQUIRE(r->data.kind == IMAP_V_LIST && r->data.n == gc->ndata,
		"%s: %zu data items", gc->name, r->data.n);
	REQUIRE(r->has_number == gc->has_number && r->number == gc->number,
		"%s: number %llu", gc->name, (unsigned long long)r->number);
	REQUIRE(r->raw_len == gc->len && memcmp(r->raw, gc->in, gc->len) == 0,
		"%s: raw bytes differ", gc->name);
	imap_response_free(r);
}
END_TEST

/* IN (LEN bytes) cut at every split point, and fed k bytes at a time for
 * every k, with the chunker CH: each run the same as WHOLE. */
static void
splits_same(const char *in, size_t len, struct chunker *ch,
	    const struct run *whole, const char *name)
{
	struct run part;
	size_t k;

	for (k = 1; k < len; k++) {
		ch->mode = CH_SPLIT;
		ch->k = k;
		run_input(in, len, NULL, ch, &part);
		runs_same(whole, &part, name);
		run_free(&part);
		ch->mode = CH_FIXED;
		run_input(in, len, NULL, ch, &part);
		runs_same(whole, &part, name);
		run_free(&part);
	}
}

/* Whole, at every split point, and k bytes at a time for every k: the
 * same response. */
START_TEST(test_good_split)
{
	const struct good_case *gc = &good_cases[_i];
	struct chunker ch = { CH_WHOLE, 0, { 1 } };
	struct run whole;

	run_input(gc->in, gc->len, NULL, &ch, &whole);
	ck_assert_uint_eq(whole.n, 1);
	ck_assert_int_eq(whole.end, IMAP_PARSE_NEED_MORE);
	ck_assert_uint_eq(whole.pending, 0);
	splits_same(gc->in, gc->len, &ch, &whole, gc->name);
	run_free(&whole);
}
END_TEST

/* Every real response in one buffer: returned one at a time, each as
 * when alone, however the buffer is cut. */
START_TEST(test_many_in_one_buffer)
{
	struct sbuf all = { NULL, 0, 0 };
	struct chunker ch = { CH_WHOLE, 0, { 7 } };
	struct run one, whole, part;
	size_t i, k;

	for (i = 0; i < NELEM(good_cases); i++) {
		sb_grow(&all, good_cases[i].len);
		memcpy(all.s + all.len, good_cases[i].in, good_cases[i].len);
		all.len += good_cases[i].len;
	}
	run_input(all.s, all.len, NULL, &ch, &whole);
	ck_assert_uint_eq(whole.n, NELEM(good_cases));
	ck_assert_int_eq(whole.end, IMAP_PARSE_NEED_MORE);
	for (i = 0; i < NELEM(good_cases); i++) {
		run_input(good_cases[i].in, good_cases[i].len, NULL, &ch,
			  &one);
		ck_assert_str_eq(one.dumps[0], whole.dumps[i]);
		run_free(&one);
	}
	for (k = 1; k <= 7; k++) {
		ch.mode = CH_FIXED;
		ch.k = k;
		run_input(all.s, all.len, NULL, &ch, &part);
		runs_same(&whole, &part, "fixed chunks");
		run_free(&part);
	}
	ch.mode = CH_RANDOM;
	for (k = 0; k < 50; k++) {
		run_input(all.s, all.len, NULL, &ch, &part);
		runs_same(&whole, &part, "random chunks");
		run_free(&part);
	}
	run_free(&whole);
	free(all.s);
}
END_TEST

/* A SELECT exchange in one read: used stops at each response's end. */
START_TEST(test_used_counts)
{
	static const char sel[] =
		"* FLAGS (\\Answered \\Seen)\r\n"
		"* 3 EXISTS\r\n"
		"a3 OK [READ-WRITE] done\r\n";
	static const size_t ends[] = { 27, 39, 64 };
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	size_t off = 0, used, i, left;

	ck_assert_uint_eq(sizeof(sel) - 1, 64);
	for (i = 0; i < NELEM(ends); i++) {
		left = sizeof(sel) - 1 - off;
		ck_assert_int_eq(imap_parser_feed(p, sel + off, left, &used),
				 IMAP_PARSE_OK);
		off += used;
		ck_assert_uint_eq(off, ends[i]);
		ck_assert_uint_eq(imap_parser_pending(p), 0);
		/* Not taken yet: OK again, nothing consumed. */
		left = sizeof(sel) - 1 - off;
		ck_assert_int_eq(imap_parser_feed(p, sel + off, left, &used),
				 IMAP_PARSE_OK);
		ck_assert_uint_eq(used, 0);
		r = imap_parser_take(p);
		ck_assert_ptr_nonnull(r);
		imap_response_free(r);
	}
	ck_assert_ptr_null(imap_parser_take(p));
	ck_assert_int_eq(imap_parser_feed(p, "", 0, &used),
			 IMAP_PARSE_NEED_MORE);
	imap_parser_free(p);
}
END_TEST

/* Bytes after a STARTTLS OK are not consumed, so the caller sees them. */
START_TEST(test_starttls_injection_visible)
{
	static const char in[] = "a2 OK Begin TLS negotiation now\r\n"
				 "* OK injected\r\n";
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	size_t used;

	ck_assert_int_eq(imap_parser_feed(p, in, sizeof(in) - 1, &used),
			 IMAP_PARSE_OK);
	ck_assert_uint_eq(used, 33);
	ck_assert_uint_lt(used, sizeof(in) - 1);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	r = imap_parser_take(p);
	ck_assert_str_eq(r->tag, "a2");
	imap_response_free(r);
	imap_parser_free(p);
}
END_TEST

/* Tests: values of real responses ----------------------------------- */

static const struct imap_value *
item(const struct imap_value *list, size_t i, enum imap_vkind kind)
{
	ck_assert_int_eq(list->kind, IMAP_V_LIST);
	ck_assert_uint_lt(i, list->n);
	ck_assert_int_eq(list->items[i].kind, kind);
	return &list->items[i];
}

START_TEST(test_fetch_envelope_values)
{
	struct imap_response *r = PARSE_OK(
		"* 12 FETCH (X-GM-MSGID 1278455344230334865 UID 5 FLAGS "
		"(\\Seen) ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" "
		"\"afternoon meeting\" ((\"Fred Foobar\" NIL \"foobar\" "
		"\"Blurdybloop.COM\")) NIL NIL ((NIL NIL \"mooch\" "
		"\"owatagu.siam.edu\")) NIL NIL NIL \"<B27397@x>\") "
		"BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: hello\r\n"
		"\r\n)\r\n");
	const struct imap_value *f = item(&r->data, 0, IMAP_V_LIST);
	const struct imap_value *env, *addr;

	ck_assert_uint_eq(f->n, 10);
	ck_assert_str_eq(item(f, 0, IMAP_V_ATOM)->str, "X-GM-MSGID");
	ck_assert_uint_eq(item(f, 1, IMAP_V_NUMBER)->num,
			  1278455344230334865ull);
	ck_assert_uint_eq(item(f, 3, IMAP_V_NUMBER)->num, 5);
	ck_assert_str_eq(item(item(f, 5, IMAP_V_LIST), 0, IMAP_V_ATOM)->str,
			 "\\Seen");
	env = item(f, 7, IMAP_V_LIST);
	ck_assert_uint_eq(env->n, 10);
	ck_assert_str_eq(item(env, 1, IMAP_V_STRING)->str,
			 "afternoon meeting");
	addr = item(item(env, 2, IMAP_V_LIST), 0, IMAP_V_LIST);
	ck_assert_uint_eq(addr->n, 4);
	ck_assert_str_eq(item(addr, 0, IMAP_V_STRING)->str, "Fred Foobar");
	item(addr, 1, IMAP_V_NIL);
	item(env, 3, IMAP_V_NIL);
	addr = item(item(env, 5, IMAP_V_LIST), 0, IMAP_V_LIST);
	item(addr, 0, IMAP_V_NIL);
	ck_assert_str_eq(item(env, 9, IMAP_V_STRING)->str, "<B27397@x>");
	ck_assert_str_eq(item(f, 8, IMAP_V_ATOM)->str,
			 "BODY[HEADER.FIELDS (SUBJECT)]");
	ck_assert_uint_eq(item(f, 9, IMAP_V_STRING)->len, 18);
	ck_assert(item(f, 9, IMAP_V_STRING)->literal);
	ck_assert_mem_eq(item(f, 9, IMAP_V_STRING)->str,
			 "Subject: hello\r\n\r\n", 18);
	imap_response_free(r);
}
END_TEST

START_TEST(test_literal_values)
{
	struct imap_response *r = PARSE_OK(
		"* 4 FETCH (BINARY[1] ~{4}\r\n\0\1\2\3 X {0}\r\n)\r\n");
	const struct imap_value *f = item(&r->data, 0, IMAP_V_LIST);
	const struct imap_value *v = item(f, 1, IMAP_V_STRING);

	ck_assert(v->literal);
	ck_assert(v->binary);
	ck_assert_uint_eq(v->len, 4);
	ck_assert_mem_eq(v->str, "\0\1\2\3", 4);
	v = item(f, 3, IMAP_V_STRING);
	ck_assert(v->literal);
	ck_assert(!v->binary);
	ck_assert_uint_eq(v->len, 0);
	ck_assert_str_eq(v->str, "");
	imap_response_free(r);

	r = PARSE_OK("* LIST () \"\\\\\" \"a\\\"b\\\\c\"\r\n");
	ck_assert_str_eq(item(&r->data, 1, IMAP_V_STRING)->str, "\\");
	v = item(&r->data, 2, IMAP_V_STRING);
	ck_assert_uint_eq(v->len, 5);
	ck_assert_str_eq(v->str, "a\"b\\c");
	ck_assert(!v->literal);
	imap_response_free(r);
}
END_TEST

START_TEST(test_code_values)
{
	struct imap_response *r = PARSE_OK(
		"* OK [PERMANENTFLAGS (\\Seen \\*)] Flags permitted.\r\n");
	const struct imap_value *l;

	ck_assert_str_eq(item(&r->code, 0, IMAP_V_ATOM)->str,
			 "PERMANENTFLAGS");
	l = item(&r->code, 1, IMAP_V_LIST);
	ck_assert_str_eq(item(l, 1, IMAP_V_ATOM)->str, "\\*");
	imap_response_free(r);

	r = PARSE_OK("* OK [XFOO a{b] done\r\n");
	ck_assert_str_eq(item(&r->code, 0, IMAP_V_ATOM)->str, "XFOO");
	ck_assert_str_eq(item(&r->code, 1, IMAP_V_STRING)->str, "a{b");
	ck_assert_str_eq(r->text, "done");
	imap_response_free(r);

	r = PARSE_OK("a1 NO [REFERRAL imap://[::1]/x] moved\r\n");
	ck_assert_str_eq(item(&r->code, 1, IMAP_V_ATOM)->str,
			 "imap://[::1]/x");
	ck_assert_str_eq(r->text, "moved");
	imap_response_free(r);

	r = PARSE_OK("a5 NO [BADCHARSET ({5}\r\nUTF-8)] text {3}\r\n");
	l = item(&r->code, 1, IMAP_V_LIST);
	ck_assert_str_eq(item(l, 0, IMAP_V_STRING)->str, "UTF-8");
	ck_assert_str_eq(r->text, "text {3}");
	imap_response_free(r);
}
END_TEST

/* Every known code is recognised by name, in any case. */
START_TEST(test_code_names)
{
	char line[96];
	int c;
	struct imap_response *r;
	enum imap_parse_result rc;

	ck_assert_str_eq(imap_code_name(IMAP_CODE_READ_ONLY), "READ-ONLY");
	ck_assert_str_eq(imap_code_name(IMAP_CODE_NONE), "");
	ck_assert_str_eq(imap_code_name(IMAP_CODE_COUNT), "UNKNOWN");
	for (c = IMAP_CODE_ALERT; c < IMAP_CODE_COUNT; c++) {
		snprintf(line, sizeof(line), "* NO [%s] x\r\n",
			 imap_code_name((enum imap_code)c));
		if (c % 2 == 1)
			line[7] = (char)(line[7] - 'A' + 'a');
		r = parse_one(line, strlen(line), &rc, NULL);
		ck_assert_int_eq(rc, IMAP_PARSE_OK);
		ck_assert_msg(r->code_kind == (enum imap_code)c, "%s", line);
		imap_response_free(r);
	}
	r = PARSE_OK("* OK [X-UNHEARD-OF 1 2] x\r\n");
	ck_assert_int_eq(r->code_kind, IMAP_CODE_UNKNOWN);
	ck_assert_uint_eq(r->code.n, 3);
	imap_response_free(r);
}
END_TEST

START_TEST(test_names_and_classes)
{
	ck_assert_str_eq(imap_parse_result_name(IMAP_PARSE_NEED_MORE),
			 "need-more");
	ck_assert_str_eq(imap_parse_result_name((enum imap_parse_result)99),
			 "unknown");
	ck_assert_int_eq(imap_parse_fail_class(IMAP_PARSE_BAD),
			 FAIL_PROTOCOL);
	ck_assert_int_eq(imap_parse_fail_class(IMAP_PARSE_TOO_LARGE),
			 FAIL_TOO_LARGE);
	ck_assert_int_eq(imap_parse_fail_class(IMAP_PARSE_NOMEM),
			 FAIL_INTERNAL);
	ck_assert_int_eq(imap_parse_fail_class(IMAP_PARSE_OK), FAIL_NONE);
	ck_assert_str_eq(imap_status_name(IMAP_ST_PREAUTH), "PREAUTH");
	ck_assert_str_eq(imap_status_name(IMAP_ST_NONE), "");
}
END_TEST

/* Tests: hostile and malformed input -------------------------------- */

struct bad_case {
	const char *name;
	const char *in;
	size_t len;
	enum imap_parse_result want;
};

static const struct bad_case bad_cases[] = {
	{ "empty line", IN("\r\n"), IMAP_PARSE_BAD },
	{ "empty line, bare LF", IN("\n"), IMAP_PARSE_BAD },
	{ "spaces only", IN("   \r\n"), IMAP_PARSE_BAD },
	{ "star only", IN("*\r\n"), IMAP_PARSE_BAD },
	{ "star and space", IN("* \r\n"), IMAP_PARSE_BAD },
	{ "tag only", IN("a1\r\n"), IMAP_PARSE_BAD },
	{ "http reply as greeting", IN("HTTP/1.1 400 Bad Request\r\n"),
	  IMAP_PARSE_BAD },
	{ "ssh banner as greeting", IN("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"),
	  IMAP_PARSE_BAD },
	{ "smtp banner as greeting",
	  IN("220 mx.example.com ESMTP Postfix\r\n"), IMAP_PARSE_BAD },
	{ "tls record as greeting",
	  IN("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n"),
	  IMAP_PARSE_BAD },
	{ "unbalanced open paren",
	  IN("* LIST (\\HasNoChildren \"/\" INBOX\r\n"), IMAP_PARSE_BAD },
	{ "unbalanced close paren",
	  IN("* LIST (\\HasNoChildren)) \"/\" INBOX\r\n"), IMAP_PARSE_BAD },
	{ "NUL in quoted", IN("* LIST () \"/\" \"IN\0BOX\"\r\n"),
	  IMAP_PARSE_BAD },
	{ "CR in quoted", IN("* LIST () \"/\" \"IN\rBOX\"\r\n"),
	  IMAP_PARSE_BAD },
	{ "unterminated quoted", IN("* LIST () \"/\" \"INBOX\r\n"),
	  IMAP_PARSE_BAD },
	{ "bad escape in quoted", IN("* LIST () \"/\" \"a\\qb\"\r\n"),
	  IMAP_PARSE_BAD },
	{ "NUL in text", IN("* OK hel\0lo\r\n"), IMAP_PARSE_BAD },
	{ "bare CR in text", IN("* OK hel\rlo\r\n"), IMAP_PARSE_BAD },
	{ "NUL in atom", IN("* CAPABILITY IMAP4\0rev1\r\n"),
	  IMAP_PARSE_BAD },
	{ "NUL in tag", IN("a\0 OK x\r\n"), IMAP_PARSE_BAD },
	{ "number beyond 32 bits", IN("* 4294967296 EXISTS\r\n"),
	  IMAP_PARSE_BAD },
	{ "number far beyond 64 bits",
	  IN("* 99999999999999999999999999 EXISTS\r\n"), IMAP_PARSE_BAD },
	{ "number glued to keyword", IN("* 23EXISTS\r\n"), IMAP_PARSE_BAD },
	{ "number without keyword", IN("* 23\r\n"), IMAP_PARSE_BAD },
	{ "literal of 2^32", IN("* LIST () \"/\" {4294967296}\r\n"),
	  IMAP_PARSE_TOO_LARGE },
	{ "literal of 2^64-1",
	  IN("* LIST () \"/\" {18446744073709551615}\r\n"),
	  IMAP_PARSE_TOO_LARGE },
	{ "literal of 2^64",
	  IN("* LIST () \"/\" {18446744073709551616}\r\n"),
	  IMAP_PARSE_TOO_LARGE },
	{ "literal count of 40 digits",
	  IN("* X {9999999999999999999999999999999999999999}\r\n"),
	  IMAP_PARSE_TOO_LARGE },
	{ "literal one byte over literal_max",
	  IN("* LIST () \"/\" {16777217}\r\n"), IMAP_PARSE_TOO_LARGE },
	{ "negative literal", IN("* LIST () \"/\" {-1}\r\n"),
	  IMAP_PARSE_BAD },
	{ "empty literal count", IN("* LIST () \"/\" {}\r\n"),
	  IMAP_PARSE_BAD },
	{ "literal count with junk", IN("* LIST () \"/\" {12a}\r\n"),
	  IMAP_PARSE_BAD },
	{ "literal count too small for the name",
	  IN("* LIST (\\HasNoChildren) \"/\" {7}\r\nEntw&APw-rfe\r\n"),
	  IMAP_PARSE_BAD },
	{ "literal count not at line end",
	  IN("* LIST () \"/\" {3} abc\r\n"), IMAP_PARSE_BAD },
	{ "tagged BYE", IN("a1 BYE bye\r\n"), IMAP_PARSE_BAD },
	{ "tagged unknown", IN("a1 FOO bar\r\n"), IMAP_PARSE_BAD },
	{ "tag with wildcard", IN("a*1 OK x\r\n"), IMAP_PARSE_BAD },
	{ "tag too long",
	  IN("a1234567890123456789012345678901234567890123456789012345678901"
	     "234 OK x\r\n"), IMAP_PARSE_BAD },
	{ "keyword glued to paren", IN("* FLAGS(\\Seen)\r\n"),
	  IMAP_PARSE_BAD },
	{ "items without space", IN("* X \"a\"\"b\"\r\n"), IMAP_PARSE_BAD },
	{ "atom after list without space", IN("* X (a)b\r\n"),
	  IMAP_PARSE_BAD },
	{ "unbalanced bracket in atom", IN("* 1 FETCH (BODY[TEXT 1)\r\n"),
	  IMAP_PARSE_BAD },
	{ "NUL in code", IN("* OK [XFOO a\0{b] x\r\n"), IMAP_PARSE_BAD },
};

START_TEST(test_bad)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct imap_parser *p = imap_parser_new(NULL);
	enum imap_parse_result rc;
	size_t used = 99;
	char err[256];

	rc = imap_parser_feed(p, bc->in, bc->len, &used);
	ck_assert_msg(rc == bc->want, "%s: %s (%s)", bc->name,
		      imap_parse_result_name(rc), imap_parser_error(p));
	ck_assert_ptr_null(imap_parser_take(p));
	ck_assert_uint_le(used, bc->len);
	ck_assert_str_ne(imap_parser_error(p), "");
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	snprintf(err, sizeof(err), "%s", imap_parser_error(p));
	/* Final: good input afterwards changes nothing. */
	ck_assert_int_eq(imap_parser_feed(p, "* OK x\r\n", 8, &used), rc);
	ck_assert_uint_eq(used, 0);
	ck_assert_str_eq(imap_parser_error(p), err);
	imap_parser_free(p);
}
END_TEST

/* The same verdict however the bad input is cut. */
START_TEST(test_bad_split)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct chunker ch = { CH_WHOLE, 0, { 3 } };
	struct run whole;

	run_input(bc->in, bc->len, NULL, &ch, &whole);
	ck_assert_msg(whole.end == bc->want, "%s: %s", bc->name,
		      imap_parse_result_name(whole.end));
	ck_assert_uint_eq(whole.n, 0);
	splits_same(bc->in, bc->len, &ch, &whole, bc->name);
	run_free(&whole);
}
END_TEST

/* Error messages say what and where. */
START_TEST(test_error_messages)
{
	static const struct {
		const char *in;
		const char *says;
	} cases[] = {
		{ "* LIST () \"/\" {4294967296}\r\n", "4294967296 bytes" },
		{ "* X {99999999999999999999}\r\n", "beyond 64 bits" },
		{ "* LIST () \"/\" \"a\rb\"\r\n", "quoted string at byte 16" },
		{ "* 4294967296 EXISTS\r\n", "out of range at byte 2" },
		{ "* X ((a)\r\n", "missing ')'" },
		{ "\r\n", "empty line" },
	};
	struct imap_parser *p;
	size_t i, used;

	for (i = 0; i < NELEM(cases); i++) {
		p = imap_parser_new(NULL);
		ck_assert_int_ne(imap_parser_feed(p, cases[i].in,
						  strlen(cases[i].in), &used),
				 IMAP_PARSE_OK);
		ck_assert_msg(strstr(imap_parser_error(p), cases[i].says),
			      "\"%s\" lacks \"%s\"", imap_parser_error(p),
			      cases[i].says);
		imap_parser_free(p);
	}
}
END_TEST

/* No line end: NEED_MORE until line_max, then TOO_LARGE. */
START_TEST(test_line_max)
{
	struct imap_limits lim;
	struct imap_parser *p;
	char line[80];
	size_t used;
	static const char lit40[] =
		"* X {40}\r\n0123456789012345678901234567890123456789\r\n";

	imap_limits_default(&lim);
	lim.line_max = 64;
	p = imap_parser_new(&lim);
	memset(line, 'a', sizeof(line));
	memcpy(line, "* OK ", 5);
	ck_assert_int_eq(imap_parser_feed(p, line, 40, &used),
			 IMAP_PARSE_NEED_MORE);
	ck_assert_uint_eq(used, 40);
	ck_assert_uint_eq(imap_parser_pending(p), 40);
	ck_assert_int_eq(imap_parser_feed(p, line + 40, 24, &used),
			 IMAP_PARSE_NEED_MORE);
	ck_assert_int_eq(imap_parser_feed(p, line + 64, 1, &used),
			 IMAP_PARSE_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(imap_parser_error(p), "64"));
	imap_parser_free(p);

	/* Exactly line_max bytes, CRLF included: accepted. */
	p = imap_parser_new(&lim);
	line[62] = '\r';
	line[63] = '\n';
	ck_assert_int_eq(imap_parser_feed(p, line, 64, &used),
			 IMAP_PARSE_OK);
	imap_response_free(imap_parser_take(p));
	imap_parser_free(p);

	/* line_max applies to each line of a response, not to literals. */
	lim.line_max = 24;
	p = imap_parser_new(&lim);
	ck_assert_int_eq(imap_parser_feed(p, lit40, sizeof(lit40) - 1,
					  &used), IMAP_PARSE_OK);
	imap_response_free(imap_parser_take(p));
	imap_parser_free(p);
}
END_TEST

/* A literal cut short waits; so does its count. */
START_TEST(test_literal_cut_short)
{
	static const char in[] = "* LIST () \"/\" {12}\r\nEntw&APw-rfe\r\n";
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct imap_list_entry le;
	size_t used;

	ck_assert_int_eq(imap_parser_feed(p, in, 16, &used),
			 IMAP_PARSE_NEED_MORE);
	ck_assert_int_eq(imap_parser_feed(p, in + 16, 10, &used),
			 IMAP_PARSE_NEED_MORE);
	ck_assert_uint_eq(imap_parser_pending(p), 26);
	ck_assert_ptr_null(imap_parser_take(p));
	/* The literal's own CRLF-free bytes, then the line end. */
	ck_assert_int_eq(imap_parser_feed(p, in + 26, sizeof(in) - 1 - 26,
					  &used), IMAP_PARSE_OK);
	r = imap_parser_take(p);
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_uint_eq(le.name_len, 12);
	ck_assert_str_eq(le.name, "Entw&APw-rfe");
	imap_list_entry_free(&le);
	imap_response_free(r);
	imap_parser_free(p);
}
END_TEST

static char *
nested(size_t depth, bool close, size_t *len)
{
	char *s = malloc(2 * depth + 8);
	size_t n = 0, i;

	ck_assert_ptr_nonnull(s);
	memcpy(s, "* X ", 4);
	n = 4;
	for (i = 0; i < depth; i++)
		s[n++] = '(';
	for (i = 0; close && i < depth; i++)
		s[n++] = ')';
	s[n++] = '\r';
	s[n++] = '\n';
	*len = n;
	return s;
}

START_TEST(test_depth)
{
	enum imap_parse_result rc;
	struct imap_response *r;
	size_t len;
	char *s;

	s = nested(10000, false, &len);
	r = parse_one(s, len, &rc, NULL);
	ck_assert_int_eq(rc, IMAP_PARSE_TOO_LARGE);
	ck_assert_ptr_null(r);
	free(s);
	s = nested(10000, true, &len);
	parse_one(s, len, &rc, NULL);
	ck_assert_int_eq(rc, IMAP_PARSE_TOO_LARGE);
	free(s);
	s = nested(64, true, &len);
	r = parse_one(s, len, &rc, NULL);
	ck_assert_int_eq(rc, IMAP_PARSE_OK);
	imap_response_free(r);
	free(s);
	s = nested(65, true, &len);
	parse_one(s, len, &rc, NULL);
	ck_assert_int_eq(rc, IMAP_PARSE_TOO_LARGE);
	free(s);
}
END_TEST

START_TEST(test_items_max)
{
	struct imap_limits lim;
	enum imap_parse_result rc;
	struct imap_response *r;
	static const char ten[] = "* SEARCH 1 2 3 4 5 6 7 8 9 10\r\n";
	static const char eleven[] = "* SEARCH 1 2 3 4 5 6 7 8 9 10 11\r\n";
	static const char lits[] = "* X {0}\r\n {0}\r\n {0}\r\n {0}\r\n\r\n";

	imap_limits_default(&lim);
	lim.items_max = 10;
	r = parse_one(ten, sizeof(ten) - 1, &rc, &lim);
	ck_assert_int_eq(rc, IMAP_PARSE_OK);
	ck_assert_uint_eq(r->data.n, 10);
	imap_response_free(r);
	parse_one(eleven, sizeof(eleven) - 1, &rc, &lim);
	ck_assert_int_eq(rc, IMAP_PARSE_TOO_LARGE);
	lim.items_max = 3;
	parse_one(lits, sizeof(lits) - 1, &rc, &lim);
	ck_assert_int_eq(rc, IMAP_PARSE_TOO_LARGE);
}
END_TEST

START_TEST(test_response_max)
{
	struct imap_limits lim;
	struct imap_parser *p;
	size_t used;
	static const char in[] = "* X {600}\r\n";
	static const char more[] =
		"0123456789012345678901234567890123456789 {50}\r\n";

	imap_limits_default(&lim);
	lim.literal_max = 1000;
	lim.response_max = 500;
	p = imap_parser_new(&lim);
	ck_assert_int_eq(imap_parser_feed(p, in, sizeof(in) - 1, &used),
			 IMAP_PARSE_TOO_LARGE);
	imap_parser_free(p);

	/* Literals and lines add up: 10 + 40 + 7 bytes, then 50 more
	 * announced, over 100. */
	lim.response_max = 100;
	p = imap_parser_new(&lim);
	ck_assert_int_eq(imap_parser_feed(p, "* X {40}\r\n", 10, &used),
			 IMAP_PARSE_NEED_MORE);
	ck_assert_int_eq(imap_parser_feed(p, more, sizeof(more) - 1, &used),
			 IMAP_PARSE_TOO_LARGE);
	imap_parser_free(p);
}
END_TEST

/* A literal of exactly literal_max bytes, fed in 64 KiB pieces. */
START_TEST(test_literal_at_limit)
{
	static const char head[] = "* 1 FETCH (BODY[] {16777216}\r\n";
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	char *chunk = malloc(65536);
	size_t left = 16777216, used;
	const struct imap_value *v;

	ck_assert_ptr_nonnull(chunk);
	memset(chunk, 'x', 65536);
	ck_assert_int_eq(imap_parser_feed(p, head, sizeof(head) - 1, &used),
			 IMAP_PARSE_NEED_MORE);
	while (left > 0) {
		ck_assert_int_eq(imap_parser_feed(p, chunk, 65536, &used),
				 IMAP_PARSE_NEED_MORE);
		left -= 65536;
	}
	ck_assert_int_eq(imap_parser_feed(p, ")\r\n", 3, &used),
			 IMAP_PARSE_OK);
	r = imap_parser_take(p);
	v = item(item(&r->data, 0, IMAP_V_LIST), 1, IMAP_V_STRING);
	ck_assert_uint_eq(v->len, 16777216);
	ck_assert_int_eq(v->str[16777215], 'x');
	imap_response_free(r);
	imap_parser_free(p);
	free(chunk);
}
END_TEST

/* Tests: typed helpers ---------------------------------------------- */

START_TEST(test_capabilities)
{
	struct imap_response *r = PARSE_OK(
		"* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE "
		"IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) "
		"ready.\r\n");
	char **caps = NULL;
	size_t n = 0;

	ck_assert_int_eq(imap_resp_capabilities(r, &caps, &n), 0);
	ck_assert_uint_eq(n, 9);
	/* Spelt as sent: the caller compares without regard to case. */
	ck_assert_str_eq(caps[0], "IMAP4rev1");
	ck_assert_str_eq(caps[6], "LITERAL+");
	ck_assert_str_eq(caps[8], "AUTH=PLAIN");
	imap_strv_free(caps, n);
	imap_response_free(r);

	r = PARSE_OK("* CAPABILITY IMAP4rev1 UNSELECT auth=xoauth2\r\n");
	ck_assert_int_eq(imap_resp_capabilities(r, &caps, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(caps[2], "auth=xoauth2");
	imap_strv_free(caps, n);
	imap_response_free(r);

	r = PARSE_OK("* OK Gimap ready\r\n");
	caps = NULL;
	ck_assert_int_eq(imap_resp_capabilities(r, &caps, &n), 1);
	ck_assert_ptr_null(caps);
	imap_response_free(r);

	r = PARSE_OK("* CAPABILITY IMAP4rev1 \"quoted\"\r\n");
	ck_assert_int_eq(imap_resp_capabilities(r, &caps, &n), -1);
	ck_assert_ptr_null(caps);
	imap_response_free(r);

	r = PARSE_OK("* ENABLED condstore QRESYNC\r\n");
	ck_assert_int_eq(imap_resp_capabilities(r, &caps, &n), 1);
	ck_assert_int_eq(imap_resp_enabled(r, &caps, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(caps[0], "CONDSTORE");
	imap_strv_free(caps, n);
	imap_response_free(r);
}
END_TEST

START_TEST(test_list_entries)
{
	struct imap_response *r;
	struct imap_list_entry le;
	const struct imap_value *ci;

	r = PARSE_OK("* LIST (\\HasNoChildren \\Sent) \"/\" "
		     "\"INBOX/Sent Items\"\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_str_eq(le.keyword, "LIST");
	ck_assert_uint_eq(le.n_flags, 2);
	ck_assert_str_eq(le.flags[0], "\\HasNoChildren");
	ck_assert_str_eq(le.flags[1], "\\Sent");
	ck_assert_int_eq(le.delim, '/');
	ck_assert_str_eq(le.name, "INBOX/Sent Items");
	ck_assert_int_eq(le.ext.kind, IMAP_V_NIL);
	imap_list_entry_free(&le);
	imap_response_free(r);

	r = PARSE_OK("* LIST (\\noselect) NIL \"\"\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_int_eq(le.delim, 0);
	ck_assert_uint_eq(le.n_flags, 1);
	ck_assert_str_eq(le.flags[0], "\\noselect");
	ck_assert_uint_eq(le.name_len, 0);
	imap_list_entry_free(&le);
	imap_response_free(r);

	r = PARSE_OK("* LIST (\\Subscribed \\HasChildren) \".\" Archive "
		     "(\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_int_eq(le.delim, '.');
	ck_assert_uint_eq(le.n_flags, 2);
	ck_assert_str_eq(le.flags[1], "\\HasChildren");
	ck_assert_str_eq(item(&le.ext, 0, IMAP_V_STRING)->str, "CHILDINFO");
	ci = item(&le.ext, 1, IMAP_V_LIST);
	ck_assert_str_eq(item(ci, 0, IMAP_V_STRING)->str, "SUBSCRIBED");
	imap_response_free(r);
	/* The entry outlives the response. */
	ck_assert_str_eq(le.name, "Archive");
	ck_assert_str_eq(item(ci, 0, IMAP_V_STRING)->str, "SUBSCRIBED");
	imap_list_entry_free(&le);

	r = PARSE_OK("* LIST () \"\\\\\" {5}\r\na\0\r\nb\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_int_eq(le.delim, '\\');
	ck_assert_uint_eq(le.name_len, 5);
	ck_assert_mem_eq(le.name, "a\0\r\nb", 6);
	imap_list_entry_free(&le);
	imap_response_free(r);

	r = PARSE_OK("* LIST () \"/\" NIL\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_str_eq(le.name, "NIL");
	imap_list_entry_free(&le);
	imap_response_free(r);

	/* "]" is an ASTRING-CHAR outside response codes. */
	r = PARSE_OK("* LIST () \"/\" foo]bar\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_str_eq(le.name, "foo]bar");
	imap_list_entry_free(&le);
	imap_response_free(r);

	r = PARSE_OK("* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\"\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_str_eq(le.keyword, "XLIST");
	imap_list_entry_free(&le);
	imap_response_free(r);
}
END_TEST

START_TEST(test_list_malformed)
{
	static const char *const bad[] = {
		"* LIST \"x\" \"/\" INBOX\r\n",
		"* LIST () \"//\" INBOX\r\n",
		"* LIST () \"/\"\r\n",
		"* LIST () \"/\" INBOX NIL\r\n",
		"* LIST () \"/\" (INBOX)\r\n",
		"* LIST (\"\\\\Noselect\") \"/\" INBOX\r\n",
		"* LIST () \"/\" INBOX (a) (b)\r\n",
	};
	struct imap_list_entry le;
	struct imap_response *r;
	enum imap_parse_result rc;
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		r = parse_one(bad[i], strlen(bad[i]), &rc, NULL);
		ck_assert_int_eq(rc, IMAP_PARSE_OK);
		memset(&le, 0x5a, sizeof(le));
		ck_assert_msg(imap_resp_list(r, &le) == -1, "%s", bad[i]);
		ck_assert_int_eq(le.delim, 0x5a);
		imap_response_free(r);
	}
	r = PARSE_OK("* STATUS INBOX (MESSAGES 1)\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 1);
	imap_response_free(r);
}
END_TEST

START_TEST(test_status_info)
{
	struct imap_response *r;
	struct imap_status_info si;

	r = PARSE_OK("* STATUS \"INBOX\" (MESSAGES 17 UNSEEN 16 SIZE "
		     "8589934592 X-FOO (a b) UIDVALIDITY 4294967295)\r\n");
	ck_assert_int_eq(imap_resp_status(r, &si), 0);
	ck_assert_str_eq(si.name, "INBOX");
	ck_assert(si.has[IMAP_SI_MESSAGES]);
	ck_assert_uint_eq(si.value[IMAP_SI_MESSAGES], 17);
	ck_assert_uint_eq(si.value[IMAP_SI_UNSEEN], 16);
	ck_assert_uint_eq(si.value[IMAP_SI_SIZE], 8589934592ull);
	ck_assert_uint_eq(si.value[IMAP_SI_UIDVALIDITY], 4294967295u);
	ck_assert(!si.has[IMAP_SI_RECENT]);
	imap_status_info_free(&si);
	imap_response_free(r);

	r = PARSE_OK("* STATUS blurdybloop (MESSAGES 4294967296)\r\n");
	ck_assert_int_eq(imap_resp_status(r, &si), -1);
	imap_response_free(r);
	r = PARSE_OK("* STATUS blurdybloop (MESSAGES)\r\n");
	ck_assert_int_eq(imap_resp_status(r, &si), -1);
	imap_response_free(r);
	r = PARSE_OK("* STATUS blurdybloop (MESSAGES \"3\")\r\n");
	ck_assert_int_eq(imap_resp_status(r, &si), -1);
	imap_response_free(r);
	r = PARSE_OK("* LIST () \"/\" x\r\n");
	ck_assert_int_eq(imap_resp_status(r, &si), 1);
	imap_response_free(r);
}
END_TEST

static const char select_transcript[] =
	"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
	"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	"\\Draft \\*)] Flags permitted.\r\n"
	"* 172 EXISTS\r\n"
	"* 1 RECENT\r\n"
	"* OK [UNSEEN 12] Message 12 is first unseen\r\n"
	"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
	"* OK [UIDNEXT 4392] Predicted next UID\r\n"
	"* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
	"* LIST () \"/\" unrelated\r\n"
	"a3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n";

START_TEST(test_mailbox_info)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_mailbox_info mi;
	struct imap_response *r;
	size_t off = 0, used, changed = 0, n = 0;
	int rc;

	memset(&mi, 0, sizeof(mi));
	while (imap_parser_feed(p, select_transcript + off,
				sizeof(select_transcript) - 1 - off,
				&used) == IMAP_PARSE_OK) {
		off += used;
		r = imap_parser_take(p);
		rc = imap_resp_mailbox(r, &mi);
		ck_assert_int_ne(rc, -1);
		changed += rc == 0;
		n++;
		imap_response_free(r);
	}
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(changed, 9);
	ck_assert(mi.has_exists && mi.exists == 172);
	ck_assert(mi.has_recent && mi.recent == 1);
	ck_assert(mi.has_unseen && mi.unseen == 12);
	ck_assert(mi.has_uidvalidity && mi.uidvalidity == 3857529045u);
	ck_assert(mi.has_uidnext && mi.uidnext == 4392);
	ck_assert(mi.has_highestmodseq);
	ck_assert_uint_eq(mi.highestmodseq, 715194045007ull);
	ck_assert_int_eq(mi.access, IMAP_ACCESS_READ_WRITE);
	ck_assert_uint_eq(mi.n_flags, 5);
	ck_assert_str_eq(mi.flags[4], "\\Draft");
	ck_assert_uint_eq(mi.n_permflags, 6);
	ck_assert_str_eq(mi.permflags[5], "\\*");
	imap_mailbox_info_free(&mi);
	ck_assert_ptr_null(mi.flags);
	imap_parser_free(p);

	r = PARSE_OK("a4 OK [READ-ONLY] Examine completed.\r\n");
	ck_assert_int_eq(imap_resp_mailbox(r, &mi), 0);
	ck_assert_int_eq(mi.access, IMAP_ACCESS_READ_ONLY);
	imap_response_free(r);
	r = PARSE_OK("* OK [UIDVALIDITY 4294967296] too big\r\n");
	ck_assert_int_eq(imap_resp_mailbox(r, &mi), -1);
	ck_assert(!mi.has_uidvalidity);
	imap_response_free(r);
	r = PARSE_OK("* OK [UIDNEXT x] no\r\n");
	ck_assert_int_eq(imap_resp_mailbox(r, &mi), -1);
	imap_response_free(r);
	r = PARSE_OK("* FLAGS \\Seen\r\n");
	ck_assert_int_eq(imap_resp_mailbox(r, &mi), -1);
	ck_assert(!mi.has_flags);
	imap_response_free(r);
	r = PARSE_OK("* 3 EXPUNGE\r\n");
	ck_assert_int_eq(imap_resp_mailbox(r, &mi), 1);
	imap_response_free(r);
	imap_mailbox_info_free(&mi);
}
END_TEST

START_TEST(test_id_enabled_bye)
{
	struct imap_response *r;
	struct imap_id_field *f = NULL;
	size_t n = 99;

	r = PARSE_OK("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n");
	ck_assert_int_eq(imap_resp_id(r, &f, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(f[0].key, "name");
	ck_assert_str_eq(f[0].value, "Dovecot");
	ck_assert_ptr_null(f[1].value);
	imap_id_free(f, n);
	ck_assert(!imap_resp_is_bye(r));
	imap_response_free(r);

	r = PARSE_OK("* ID NIL\r\n");
	ck_assert_int_eq(imap_resp_id(r, &f, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(f);
	imap_response_free(r);

	r = PARSE_OK("* ID (\"name\")\r\n");
	ck_assert_int_eq(imap_resp_id(r, &f, &n), -1);
	imap_response_free(r);

	r = PARSE_OK("* BYE Disconnected for inactivity.\r\n");
	ck_assert(imap_resp_is_bye(r));
	ck_assert_int_eq(imap_resp_id(r, &f, &n), 1);
	ck_assert_str_eq(r->text, "Disconnected for inactivity.");
	imap_response_free(r);

	r = PARSE_OK("a1 OK [CAPABILITY IMAP4rev1 ID] done\r\n");
	ck_assert(!imap_resp_is_bye(r));
	imap_response_free(r);
}
END_TEST

/* Tests: seeded random mutations ------------------------------------ */

static const char interesting[] = "(){}[]\"\\ \r\n\0~+*%0123456789\xff";

static char
pick_interesting(struct rng *g)
{
	return interesting[rng_below(g, sizeof(interesting) - 1)];
}

/* Insert n bytes at at: a copy of src, or, when src is NULL, of the n
 * bytes already there (a duplicated span).  Unchanged when full. */
static size_t
insert_at(char *b, size_t len, size_t cap, size_t at, const char *src,
	  size_t n)
{
	if (len + n > cap || (src == NULL && at + n > len))
		return len;
	memmove(b + at + n, b + at, len - at);
	if (src != NULL)
		memcpy(b + at, src, n);
	return len + n;
}

static size_t
mutate_once(struct rng *g, char *b, size_t len, size_t cap)
{
	static const char *const counts[] = {
		"0", "1", "7", "65535", "4294967296", "18446744073709551616",
		"16777216", "-1", "",
	};
	size_t at = rng_below(g, len + 1), i;
	char tmp[128];

	switch (rng_below(g, 9)) {
	case 0:
		if (at < len)
			b[at] = (char)rng_next(g);
		return len;
	case 1:
		if (at < len)
			b[at] = pick_interesting(g);
		return len;
	case 2:
		tmp[0] = pick_interesting(g);
		return insert_at(b, len, cap, at, tmp, 1);
	case 3:
		if (at >= len)
			return len;
		memmove(b + at, b + at + 1, len - at - 1);
		return len - 1;
	case 4:
		return insert_at(b, len, cap, at, NULL, rng_below(g, 33));
	case 5:
		return at;
	case 6:
		snprintf(tmp, sizeof(tmp), "{%s}\r\n",
			 counts[rng_below(g, NELEM(counts))]);
		return insert_at(b, len, cap, at, tmp, strlen(tmp));
	case 7:
		memset(tmp, '(', sizeof(tmp));
		return insert_at(b, len, cap, at, tmp, 1 + rng_below(g, 100));
	default:
		for (i = at; i < len && !(b[i] >= '0' && b[i] <= '9'); i++)
			;
		if (i < len)
			b[i] = (char)('0' + rng_below(g, 10));
		return len;
	}
}

START_TEST(test_random_mutations)
{
	struct rng g = { 0x9e3779b97f4a7c15ull };
	struct imap_limits lims[2];
	struct chunker whole = { CH_WHOLE, 0, { 1 } };
	struct chunker rnd = { CH_RANDOM, 0, { 0x243f6a8885a308d3ull } };
	struct run a, b;
	size_t cap = 4096, len, i, k, ok = 0, bad = 0, big = 0, more = 0;
	char *buf = malloc(cap);
	const struct good_case *gc;
	int iter;

	ck_assert_ptr_nonnull(buf);
	imap_limits_default(&lims[0]);
	lims[1].line_max = 80;
	lims[1].literal_max = 40;
	lims[1].response_max = 300;
	lims[1].depth_max = 5;
	lims[1].items_max = 30;
	for (iter = 0; iter < 20000; iter++) {
		len = 0;
		for (i = 0; i == 0 || (i < 3 && rng_below(&g, 4) == 0); i++) {
			gc = &good_cases[rng_below(&g, NELEM(good_cases))];
			if (len + gc->len > cap / 2)
				break;
			memcpy(buf + len, gc->in, gc->len);
			len += gc->len;
		}
		for (k = 1 + rng_below(&g, 4); k > 0; k--)
			len = mutate_once(&g, buf, len, cap);
		run_input(buf, len, &lims[iter % 2], &whole, &a);
		run_input(buf, len, &lims[iter % 2], &rnd, &b);
		runs_same(&a, &b, "mutated input");
		ok += a.n;
		bad += a.end == IMAP_PARSE_BAD;
		big += a.end == IMAP_PARSE_TOO_LARGE;
		more += a.end == IMAP_PARSE_NEED_MORE && a.pending > 0;
		run_free(&a);
		run_free(&b);
	}
	/* The run reached every outcome. */
	ck_assert_uint_gt(ok, 1000);
	ck_assert_uint_gt(bad, 1000);
	ck_assert_uint_gt(big, 100);
	ck_assert_uint_gt(more, 100);
	free(buf);
}
END_TEST

/* A quoted string's escapes are undone once: "back\\slash" on the wire
 * is the 10 bytes back\slash, "a\"b" is a"b. */
START_TEST(test_quoted_backslash)
{
	struct imap_response *r;
	struct imap_list_entry le;

	r = PARSE_OK("* LIST () \"/\" \"back\\\\slash\"\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_uint_eq(le.name_len, 10);
	ck_assert_mem_eq(le.name, "back\\slash", 10);
	imap_list_entry_free(&le);
	imap_response_free(r);

	r = PARSE_OK("* LIST () \"/\" \"a\\\"b\\\\\\\\c\"\r\n");
	ck_assert_int_eq(imap_resp_list(r, &le), 0);
	ck_assert_uint_eq(le.name_len, 6);
	ck_assert_mem_eq(le.name, "a\"b\\\\c", 6);
	imap_list_entry_free(&le);
	imap_response_free(r);
}
END_TEST

Suite *
suite_imap_parse(void)
{
	Suite *s = suite_create("imap_parse");
	TCase *tc;

	tc = units_case(s, "real responses", test_many_in_one_buffer,
			test_used_counts, test_starttls_injection_visible,
			test_fetch_envelope_values, test_literal_values,
			test_code_values, test_code_names,
			test_names_and_classes, NULL);
	tcase_add_loop_test(tc, test_good_fields, 0, (int)NELEM(good_cases));
	tcase_add_loop_test(tc, test_good_split, 0, (int)NELEM(good_cases));
	tcase_set_timeout(tc, 120);

	tc = units_case(s, "hostile input", test_error_messages,
			test_line_max, test_literal_cut_short, test_depth,
			test_items_max, test_response_max,
			test_literal_at_limit, NULL);
	tcase_add_loop_test(tc, test_bad, 0, (int)NELEM(bad_cases));
	tcase_add_loop_test(tc, test_bad_split, 0, (int)NELEM(bad_cases));
	tcase_set_timeout(tc, 120);

	units_case(s, "helpers", test_capabilities, test_list_entries,
		   test_list_malformed, test_status_info, test_mailbox_info,
		   test_id_enabled_bye, test_quoted_backslash, NULL);

	tc = units_case(s, "random mutations", test_random_mutations, NULL);
	tcase_set_timeout(tc, 300);
	return s;
}
