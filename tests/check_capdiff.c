/* check_capdiff.c - capability lists compared: rows, changes, warnings,
 * the notes for a single list and the text table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capdiff.h"
#include "check_units.h"

/* What the test Dovecot says on its STARTTLS port, as EV_CAPS has it. */
static const char dovecot_before[] =
	"IMAP4REV1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
	"AUTH=PLAIN AUTH=LOGIN";
static const char dovecot_after[] =
	"IMAP4REV1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN "
	"AUTH=LOGIN";
static const char dovecot_login[] =
	"IMAP4REV1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
	"THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS "
	"LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC LIST-STATUS MOVE "
	"LITERAL+ NOTIFY SPECIAL-USE";

static void
build(struct capdiff *d, const char *before, const char *after,
      const char *login)
{
	const char *lists[CAPDIFF_SLOTS] = { before, after, login };

	memset(d, 0, sizeof(*d));
	ck_assert_int_eq(capdiff_build(d, lists), 0);
}

static const struct capdiff_row *
row(const struct capdiff *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->rows[i].name, name) == 0)
			return &d->rows[i];
	ck_abort_msg("no row %s", name);
	return NULL;
}

static enum capdiff_change
tls_change(const struct capdiff *d, const char *name)
{
	return capdiff_change(d, row(d, name), CAPDIFF_BEFORE_TLS,
			      CAPDIFF_AFTER_TLS);
}

/* The text capdiff_print() writes, owned by the caller. */
static char *
printed(const struct capdiff *d, enum capdiff_tls mode, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	capdiff_print(d, mode, f, "  ", width);
	fclose(f);
	return buf;
}

/* Whether text has a line that matches want exactly. */
static bool
has_line(const char *text, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len == n && memcmp(p, want, n) == 0)
			return true;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

/* ---- rows and changes ----------------------------------------------- */

START_TEST(test_dovecot_starttls)
{
	struct capdiff d;

	build(&d, dovecot_before, dovecot_after, dovecot_login);
	ck_assert(d.have[CAPDIFF_BEFORE_TLS] && d.have[CAPDIFF_AFTER_TLS]);
	ck_assert(d.have[CAPDIFF_AFTER_LOGIN]);
	/* Before TLS first, in the server's order; then the new ones. */
	ck_assert_str_eq(d.rows[0].name, "IMAP4REV1");
	ck_assert_str_eq(d.rows[7].name, "STARTTLS");
	ck_assert_str_eq(d.rows[10].name, "SORT");
	ck_assert_int_eq(tls_change(&d, "STARTTLS"), CAPDIFF_REMOVED);
	ck_assert_int_eq(tls_change(&d, "AUTH=PLAIN"), CAPDIFF_SAME);
	ck_assert_int_eq(tls_change(&d, "IMAP4REV1"), CAPDIFF_SAME);
	ck_assert_int_eq(tls_change(&d, "SORT"), CAPDIFF_ABSENT);
	ck_assert_int_eq(capdiff_change(&d, row(&d, "SORT"),
					CAPDIFF_AFTER_TLS,
					CAPDIFF_AFTER_LOGIN), CAPDIFF_ADDED);
	ck_assert_int_eq(capdiff_change(&d, row(&d, "AUTH=LOGIN"),
					CAPDIFF_AFTER_TLS,
					CAPDIFF_AFTER_LOGIN), CAPDIFF_REMOVED);
	ck_assert_uint_eq(capdiff_count(&d, CAPDIFF_BEFORE_TLS,
					CAPDIFF_AFTER_TLS, CAPDIFF_REMOVED),
			  1);
	ck_assert_uint_eq(capdiff_count(&d, CAPDIFF_BEFORE_TLS,
					CAPDIFF_AFTER_TLS, CAPDIFF_ADDED), 0);
	ck_assert_uint_eq(capdiff_count(&d, CAPDIFF_AFTER_TLS,
					CAPDIFF_AFTER_LOGIN, CAPDIFF_REMOVED),
			  2);
	ck_assert_int_eq(capdiff_login_base(&d), CAPDIFF_AFTER_TLS);
	for (size_t i = 0; i < d.n; i++)
		ck_assert_msg(capdiff_tls_warning(&d, &d.rows[i]) == NULL,
			      "%s warned", d.rows[i].name);
	ck_assert_ptr_null(capdiff_note(&d, CAPDIFF_TLS_STARTTLS));
	capdiff_free(&d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(d.rows);
}
END_TEST

/* The usual shape: login disabled and STARTTLS offered in plain text,
 * a mechanism once encrypted.  Nothing to warn about. */
START_TEST(test_logindisabled_server)
{
	struct capdiff d;

	build(&d, "IMAP4rev1 STARTTLS LOGINDISABLED",
	      "IMAP4rev1 AUTH=PLAIN", NULL);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_int_eq(tls_change(&d, "STARTTLS"), CAPDIFF_REMOVED);
	ck_assert_int_eq(tls_change(&d, "LOGINDISABLED"), CAPDIFF_REMOVED);
	ck_assert_int_eq(tls_change(&d, "AUTH=PLAIN"), CAPDIFF_ADDED);
	for (size_t i = 0; i < d.n; i++)
		ck_assert_ptr_null(capdiff_tls_warning(&d, &d.rows[i]));
	ck_assert_int_eq(capdiff_change(&d, &d.rows[0], CAPDIFF_AFTER_TLS,
					CAPDIFF_AFTER_LOGIN), CAPDIFF_NONE);
	capdiff_free(&d);
}
END_TEST

struct warn_case {
	const char *before, *after, *name;
	const char *want;	/* a word of the warning; NULL: none */
};

static const struct warn_case warn_cases[] = {
	{ "IMAP4rev1 STARTTLS AUTH=CRAM-MD5 AUTH=PLAIN",
	  "IMAP4rev1 AUTH=PLAIN", "AUTH=CRAM-MD5", "plain text only" },
	{ "IMAP4rev1 STARTTLS", "IMAP4rev1 LOGINDISABLED", "LOGINDISABLED",
	  "disabled" },
	{ "IMAP4rev1", "IMAP4rev1 STARTTLS", "STARTTLS", "only over TLS" },
	{ "IMAP4rev1 STARTTLS", "IMAP4rev1 AUTH=PLAIN", "AUTH=PLAIN", NULL },
	{ "IMAP4rev1 STARTTLS", "IMAP4rev1 STARTTLS", "STARTTLS", NULL },
	{ "IMAP4rev1 LOGINDISABLED", "IMAP4rev1", "LOGINDISABLED", NULL },
	{ "IMAP4rev1 auth=plain", "IMAP4rev1", "auth=plain",
	  "plain text only" },
};

START_TEST(test_warnings)
{
	const struct warn_case *t = &warn_cases[_i];
	struct capdiff d;
	const char *w;

	build(&d, t->before, t->after, NULL);
	w = capdiff_tls_warning(&d, row(&d, t->name));
	if (t->want == NULL)
		ck_assert_msg(w == NULL, "%s: warned '%s'", t->name, w);
	else
		ck_assert_msg(w != NULL && strstr(w, t->want) != NULL,
			      "%s: warning '%s', want '%s'", t->name,
			      w ? w : "(none)", t->want);
	capdiff_free(&d);
}
END_TEST

/* Case does not make a new name; repeats and extra spaces count once;
 * the first spelling is kept. */
START_TEST(test_case_repeats_spaces)
{
	struct capdiff d;

	build(&d, "  imap4rev1   IMAP4REV1 Idle ", "IMAP4rev1 IDLE idle",
	      "");
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.rows[0].name, "imap4rev1");
	ck_assert_str_eq(d.rows[1].name, "Idle");
	ck_assert_int_eq(tls_change(&d, "Idle"), CAPDIFF_SAME);
	ck_assert(capdiff_has(&d, CAPDIFF_AFTER_TLS, "IDLE"));
	ck_assert(!capdiff_has(&d, CAPDIFF_AFTER_TLS, "STARTTLS"));
	/* An empty list is a list with nothing in it. */
	ck_assert(d.have[CAPDIFF_AFTER_LOGIN]);
	ck_assert_int_eq(capdiff_change(&d, &d.rows[0], CAPDIFF_AFTER_TLS,
					CAPDIFF_AFTER_LOGIN), CAPDIFF_REMOVED);
	capdiff_free(&d);
}
END_TEST

START_TEST(test_missing_lists)
{
	struct capdiff d;

	build(&d, NULL, "IMAP4rev1 AUTH=PLAIN", NULL);
	ck_assert(!d.have[CAPDIFF_BEFORE_TLS]);
	ck_assert_int_eq(tls_change(&d, "AUTH=PLAIN"), CAPDIFF_NONE);
	ck_assert_ptr_null(capdiff_change_name(CAPDIFF_NONE));
	ck_assert_ptr_null(capdiff_tls_warning(&d, row(&d, "AUTH=PLAIN")));
	ck_assert_int_eq(capdiff_change(&d, &d.rows[0], CAPDIFF_SLOTS,
					CAPDIFF_AFTER_TLS), CAPDIFF_NONE);
	ck_assert(!capdiff_has(&d, CAPDIFF_SLOTS, "AUTH=PLAIN"));
	capdiff_free(&d);

	build(&d, NULL, NULL, NULL);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(capdiff_login_base(&d), CAPDIFF_SLOTS);
	capdiff_free(&d);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(capdiff_change_name(CAPDIFF_SAME), "same");
	ck_assert_str_eq(capdiff_change_name(CAPDIFF_ADDED), "added");
	ck_assert_str_eq(capdiff_change_name(CAPDIFF_REMOVED), "removed");
	ck_assert_str_eq(capdiff_change_name(CAPDIFF_ABSENT), "absent");
	ck_assert_ptr_null(capdiff_change_name((enum capdiff_change)99));
}
END_TEST

START_TEST(test_slots_and_modes)
{
	struct endpoint ep;

	ck_assert_int_eq(capdiff_slot_of(PHASE_CAPABILITY, false),
			 CAPDIFF_BEFORE_TLS);
	ck_assert_int_eq(capdiff_slot_of(PHASE_GREETING, false),
			 CAPDIFF_BEFORE_TLS);
	ck_assert_int_eq(capdiff_slot_of(PHASE_CAPABILITY, true),
			 CAPDIFF_AFTER_TLS);
	ck_assert_int_eq(capdiff_slot_of(PHASE_CAPABILITY_TLS, true),
			 CAPDIFF_AFTER_TLS);
	ck_assert_int_eq(capdiff_slot_of(PHASE_AUTH, true),
			 CAPDIFF_AFTER_LOGIN);
	ck_assert_int_eq(capdiff_slot_of(PHASE_AUTH, false),
			 CAPDIFF_AFTER_LOGIN);
	endpoint_init(&ep);
	ck_assert_int_eq(capdiff_tls_of(&ep), CAPDIFF_TLS_NONE);
	ep.starttls = STARTTLS_OPPORTUNISTIC;
	ck_assert_int_eq(capdiff_tls_of(&ep), CAPDIFF_TLS_STARTTLS);
	ep.ssl = true;		/* implicit TLS wins over STARTTLS */
	ck_assert_int_eq(capdiff_tls_of(&ep), CAPDIFF_TLS_IMPLICIT);
}
END_TEST

/* A union past the limit is cut, and says so. */
START_TEST(test_truncated)
{
	size_t cap = (CAPDIFF_NAMES_MAX + 10) * 8;
	char *list = malloc(cap);
	size_t len = 0;
	struct capdiff d;

	ck_assert_ptr_nonnull(list);
	for (int i = 0; i < CAPDIFF_NAMES_MAX + 10; i++)
		len += (size_t)snprintf(list + len, cap - len, "X%d ", i);
	build(&d, list, "X0 Y", NULL);
	ck_assert_uint_eq(d.n, CAPDIFF_NAMES_MAX);
	ck_assert(d.truncated);
	ck_assert(capdiff_has(&d, CAPDIFF_AFTER_TLS, "X0"));
	ck_assert(!capdiff_has(&d, CAPDIFF_AFTER_TLS, "Y"));
	capdiff_free(&d);
	free(list);
}
END_TEST

/* ---- notes for a single list ---------------------------------------- */

struct note_case {
	const char *before, *after, *login;
	enum capdiff_tls mode;
	const char *want;	/* NULL: both lists, no note */
};

static const struct note_case note_cases[] = {
	{ "A STARTTLS", "A", NULL, CAPDIFF_TLS_STARTTLS, NULL },
	{ NULL, "A", "A B", CAPDIFF_TLS_IMPLICIT,
	  "implicit TLS: no plain-text capabilities" },
	{ "A", NULL, "A B", CAPDIFF_TLS_NONE,
	  "no TLS: capabilities seen in plain text only" },
	{ "A", NULL, NULL, CAPDIFF_TLS_STARTTLS,
	  "STARTTLS was not offered (a possible downgrade): no "
	  "capabilities over TLS" },
	{ "A STARTTLS", NULL, NULL, CAPDIFF_TLS_STARTTLS,
	  "no capabilities were received over TLS" },
	{ NULL, NULL, NULL, CAPDIFF_TLS_IMPLICIT,
	  "no capabilities received" },
	{ NULL, NULL, "A", CAPDIFF_TLS_NONE,
	  "no capabilities received before login" },
};

START_TEST(test_notes)
{
	const struct note_case *t = &note_cases[_i];
	struct capdiff d;
	const char *note;

	build(&d, t->before, t->after, t->login);
	note = capdiff_note(&d, t->mode);
	if (t->want == NULL)
		ck_assert_ptr_null(note);
	else
		ck_assert_str_eq(note ? note : "(none)", t->want);
	capdiff_free(&d);
}
END_TEST

/* ---- text ----------------------------------------------------------- */

START_TEST(test_print_table)
{
	struct capdiff d;
	char *text;

	build(&d, "IMAP4rev1 STARTTLS LOGINDISABLED AUTH=CRAM-MD5",
	      "IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5", "IMAP4rev1 MOVE IDLE");
	text = printed(&d, CAPDIFF_TLS_STARTTLS, 79);
	ck_assert_msg(has_line(text, "    before TLS                   | "
			       "after TLS     (- gone after TLS, + added)"),
		      "%s", text);
	ck_assert_msg(has_line(text, "    IMAP4rev1                    | "
			       "IMAP4rev1"), "%s", text);
	ck_assert_msg(has_line(text, "  - STARTTLS                     |"),
		      "%s", text);
	ck_assert_msg(has_line(text, "  - LOGINDISABLED                |"),
		      "%s", text);
	ck_assert_msg(has_line(text, "  +                              | "
			       "AUTH=PLAIN"), "%s", text);
	ck_assert_msg(has_line(text, "  after login, added:   MOVE IDLE"),
		      "%s", text);
	ck_assert_msg(has_line(text, "  after login, removed: AUTH=CRAM-MD5 "
			       "AUTH=PLAIN"), "%s", text);
	/* Names seen after login only are not rows of the TLS table. */
	ck_assert_ptr_null(strstr(text, "| MOVE"));
	free(text);
	capdiff_free(&d);

	build(&d, "A STARTTLS AUTH=X", "A", "A");
	text = printed(&d, CAPDIFF_TLS_STARTTLS, 79);
	ck_assert_msg(has_line(text, "  - AUTH=X                       |   "
			       "WARNING: offered in plain text only, not "
			       "over TLS"), "%s", text);
	ck_assert_msg(has_line(text, "  after login: the same"), "%s", text);
	free(text);
	capdiff_free(&d);
}
END_TEST

/* Names are printed as the server spelt them; another spelling in a
 * later list is the same name, not a change. */
START_TEST(test_print_spelling)
{
	struct capdiff d;
	char *text;

	build(&d, NULL, "IMAP4rev1 RIGHTS=kxten auth=plain",
	      "imap4REV1 rights=KXTEN");
	text = printed(&d, CAPDIFF_TLS_IMPLICIT, 79);
	ck_assert_msg(has_line(text, "    IMAP4rev1 RIGHTS=kxten auth=plain"),
		      "%s", text);
	ck_assert_msg(has_line(text, "  after login, removed: auth=plain"),
		      "%s", text);
	ck_assert_ptr_null(strstr(text, "KXTEN"));
	ck_assert_ptr_null(strstr(text, "added"));
	free(text);
	capdiff_free(&d);
}
END_TEST

START_TEST(test_print_single)
{
	struct capdiff d;
	char *text;

	build(&d, NULL, "IMAP4rev1 AUTH=PLAIN", "IMAP4rev1 AUTH=PLAIN");
	text = printed(&d, CAPDIFF_TLS_IMPLICIT, 79);
	ck_assert_str_eq(text, "  (implicit TLS: no plain-text "
			 "capabilities)\n    IMAP4rev1 AUTH=PLAIN\n"
			 "  after login: the same\n");
	free(text);
	capdiff_free(&d);
}
END_TEST

/* Lists wrap at the width given, continuation lines under the first
 * name; a name longer than the width still comes whole. */
START_TEST(test_print_wraps)
{
	char list[2048] = "";
	struct capdiff d;
	char *text, *line, *save = NULL;

	for (int i = 0; i < 60; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "NAME%02d ", i);
	strcat(list, "A-VERY-LONG-CAPABILITY-NAME-THAT-IS-WIDER-THAN-FORTY");
	build(&d, NULL, list, NULL);
	text = printed(&d, CAPDIFF_TLS_IMPLICIT, 40);
	ck_assert_ptr_nonnull(strstr(text, "\n    A-VERY-LONG-CAPABILITY-"
				     "NAME-THAT-IS-WIDER-THAN-FORTY\n"));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "A-VERY-LONG") != NULL || line[2] == '(')
			continue;	/* the long name; the note */
		ck_assert_msg(strlen(line) <= 40, "too wide: '%s'", line);
		ck_assert_msg(strncmp(line, "    NAME", 8) == 0,
			      "not under the first: '%s'", line);
	}
	free(text);
	capdiff_free(&d);
}
END_TEST

START_TEST(test_join)
{
	struct capdiff d;
	char buf[64], tiny[16];

	build(&d, "A STARTTLS LOGINDISABLED", "A AUTH=PLAIN AUTH=LOGIN",
	      "A IDLE");
	ck_assert_uint_eq(capdiff_join(&d, CAPDIFF_BEFORE_TLS,
				       CAPDIFF_AFTER_TLS, CAPDIFF_REMOVED,
				       buf, sizeof(buf)),
			  strlen("STARTTLS LOGINDISABLED"));
	ck_assert_str_eq(buf, "STARTTLS LOGINDISABLED");
	capdiff_join(&d, CAPDIFF_BEFORE_TLS, CAPDIFF_AFTER_TLS, CAPDIFF_ADDED,
		     buf, sizeof(buf));
	ck_assert_str_eq(buf, "AUTH=PLAIN AUTH=LOGIN");
	capdiff_join(&d, CAPDIFF_AFTER_LOGIN, CAPDIFF_AFTER_LOGIN,
		     CAPDIFF_NONE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "A IDLE");
	/* Not comparable: nothing. */
	capdiff_join(&d, CAPDIFF_SLOTS, CAPDIFF_AFTER_TLS, CAPDIFF_ADDED, buf,
		     sizeof(buf));
	ck_assert_str_eq(buf, "");
	/* Cut between whole names, with "...", never past cap. */
	ck_assert_uint_eq(capdiff_join(&d, CAPDIFF_BEFORE_TLS,
				       CAPDIFF_AFTER_TLS, CAPDIFF_REMOVED,
				       tiny, sizeof(tiny)), 12);
	ck_assert_str_eq(tiny, "STARTTLS ...");
	ck_assert_uint_eq(capdiff_join(&d, CAPDIFF_BEFORE_TLS,
				       CAPDIFF_AFTER_TLS, CAPDIFF_REMOVED,
				       tiny, 8), 3);
	ck_assert_str_eq(tiny, "...");
	ck_assert_uint_eq(capdiff_join(&d, CAPDIFF_BEFORE_TLS,
				       CAPDIFF_AFTER_TLS, CAPDIFF_REMOVED,
				       tiny, 3), 0);
	ck_assert_str_eq(tiny, "");
	capdiff_free(&d);
}
END_TEST

Suite *
suite_capdiff(void)
{
	Suite *s = suite_create("capdiff");
	TCase *tc = tcase_create("capdiff");

	tcase_add_test(tc, test_dovecot_starttls);
	tcase_add_test(tc, test_logindisabled_server);
	tcase_add_loop_test(tc, test_warnings, 0,
			    sizeof(warn_cases) / sizeof(warn_cases[0]));
	tcase_add_test(tc, test_case_repeats_spaces);
	tcase_add_test(tc, test_missing_lists);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_slots_and_modes);
	tcase_add_test(tc, test_truncated);
	tcase_add_loop_test(tc, test_notes, 0,
			    sizeof(note_cases) / sizeof(note_cases[0]));
	tcase_add_test(tc, test_print_table);
	tcase_add_test(tc, test_print_spelling);
	tcase_add_test(tc, test_print_single);
	tcase_add_test(tc, test_print_wraps);
	tcase_add_test(tc, test_join);
	suite_add_tcase(s, tc);
	return s;
}
