/* check_report.c - --report: the sections built from a made-up run,
 * no secret from the settings, hostile text escaped, long transcripts
 * cut in the middle, and the file made private (mode 600). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check_units.h"
#include "options.h"
#include "report.h"
#include "run.h"
#include "server_id.h"
#include "tls.h"
#include "testopts.h"

#define SECRET "Sup3rS3cret"
#define KEY_SECRET "KeyS3cret"

/* The record the report under test reads. */
static struct run *rec;

/* A report on a new record for c. */
static struct report *
new_report(const struct conn_config *c)
{
	struct report *r;

	rec = run_new(c, REPORT_TRANSCRIPT_TAIL);
	ck_assert_ptr_nonnull(rec);
	r = report_new(c, rec);
	ck_assert_ptr_nonnull(r);
	return r;
}

static void
free_report(struct report *r)
{
	report_free(r);
	run_free(rec);
	rec = NULL;
}

static void
feed(struct run *to, enum event_type type, enum phase p,
     const char *text)
{
	struct event *ev = event_new(type, p);

	ck_assert_ptr_nonnull(ev);
	if (text != NULL)
		ck_assert_int_eq(event_set_text(ev, text, strlen(text)), 0);
	ev->at_ms = 12;
	ev->elapsed_ms = 3;
	ev->wall_ms = 1767603600123LL;	/* 2026-01-05T09:00:00.123Z */
	ev->dir = 'C';
	if (type == EV_PHASE_END)
		ev->result = PHASE_OK;
	if (type == EV_ATTEMPT)
		ev->result = 1;		/* NET_ATTEMPT_CONNECTED */
	if (type == EV_CAPS && p == PHASE_STARTTLS)
		ev->flag = true;
	run_apply(to, ev);
	event_free(ev);
}

static void
feed_tls(struct run *to)
{
	struct event *ev = event_new(EV_TLS, PHASE_STARTTLS);
	struct tls_summary *t = calloc(1, sizeof(*t));
	const char *pem = "-----BEGIN CERTIFICATE-----\nMIIBxTCCAWug\n"
	    "-----END CERTIFICATE-----\n";

	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(t);
	strcpy(t->version, "TLSv1.3");
	strcpy(t->cipher, "TLS_AES_256_GCM_SHA384");
	strcpy(t->sni, "imap.example.com");
	t->sni_sent = true;
	t->verify_enabled = true;
	t->verified = true;
	strcpy(t->expected_name, "imap.example.com");
	t->verify_error_depth = -1;
	t->chain_len = 1;
	t->chain_sent = 1;
	t->verified_chain_len = 2;
	strcpy(t->chain[0].subject, "CN=imap.example.com");
	strcpy(t->chain[0].issuer, "CN=Example CA");
	strcpy(t->chain[0].not_before, "2026-01-01T00:00:00Z");
	strcpy(t->chain[0].not_after, "2026-04-01T00:00:00Z");
	strcpy(t->chain[0].sans, "DNS:imap.example.com");
	strcpy(t->chain[0].sha256, "AB:CD:EF");
	strcpy(t->chain[0].spki_sha256, "cGlu");
	ev->tls = t;
	ck_assert_int_eq(event_set_text(ev, pem, strlen(pem)), 0);
	run_apply(to, ev);
	event_free(ev);
}

/* An answer to ID whose value would clear a terminal. */
static void
feed_server_id(struct run *to)
{
	struct event *ev = event_new(EV_SERVER_ID, PHASE_AUTH);
	struct server_id *id = calloc(1, sizeof(*id));

	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(id);
	server_id_init(id);
	id->result = SERVER_ID_ANSWERED;
	id->n = 2;
	strcpy(id->field[0].key, "name");
	strcpy(id->field[0].value, "Evil\x1b[2J");
	strcpy(id->field[1].key, "version");
	id->field[1].nil = true;
	ev->server_id = id;
	run_apply(to, ev);
	event_free(ev);
}

static struct report *
made_up_report(void)
{
	struct conn_config c;
	struct report *r;
	struct failure f;

	config_init(&c);
	strcpy(c.ep.host, "imap.example.com");
	c.ep.starttls = STARTTLS_REQUIRED;
	strcpy(c.user, "alice");
	strcpy(c.password, SECRET);
	c.have_password = true;
	strcpy(c.ep.tls.key_password, KEY_SECRET);
	strcpy(c.ep.tls.ca_file, "/etc/ssl/ca.pem");
	r = new_report(&c);
	ck_assert_ptr_nonnull(r);
	config_wipe(&c);
	feed(rec, EV_PHASE_START, PHASE_RESOLVE, NULL);
	feed(rec, EV_ADDRESS, PHASE_RESOLVE, "192.0.2.7:143");
	feed(rec, EV_PHASE_END, PHASE_RESOLVE, "1 address");
	feed(rec, EV_ATTEMPT, PHASE_CONNECT, "192.0.2.7:143");
	feed(rec, EV_PHASE_END, PHASE_CONNECT, "192.0.2.7:143");
	feed(rec, EV_TRANSCRIPT, PHASE_GREETING, "* OK ready\x1b[2J");
	feed(rec, EV_CAPS, PHASE_CAPABILITY,
	     "IMAP4rev1 STARTTLS LOGINDISABLED");
	feed_tls(rec);
	feed(rec, EV_CAPS, PHASE_STARTTLS, "IMAP4rev1 AUTH=PLAIN");
	feed(rec, EV_TRANSCRIPT, PHASE_AUTH, "A3 LOGIN alice <password>");
	feed(rec, EV_CAPS, PHASE_AUTH, "IMAP4rev1 IDLE");
	feed_server_id(rec);
	feed(rec, EV_NOTE, PHASE_AUTH, "a note\nwith a line break");
	feed(rec, EV_MAILBOX, PHASE_LIST, NULL);
	feed(rec, EV_MAILBOX, PHASE_LIST, NULL);
	fail_set(&f, PHASE_SELECT, FAIL_SERVER, "NO [NONEXISTENT] no such "
		 "mailbox");
	fail_hint(&f, "check the name with the list above");
	report_set_failure(r, &f);
	return r;
}

static char *
print(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	report_print(r, m);
	fclose(m);
	return buf;
}

START_TEST(test_sections)
{
	static const char *const want[] = {
		"imapconn report\n===============\n",
		"\nimapconn  ",
		"\nOpenSSL   OpenSSL 3.",
		"\nsystem    ",
		"\nresult    FAILED in select (server): NO [NONEXISTENT] no "
		"such mailbox\nhint      check the name with the list above\n",
		"\nSettings\n--------\n"
		"host            imap.example.com (name)\n"
		"port            143\nTLS             STARTTLS required\n",
		"\nCA file         /etc/ssl/ca.pem\n",
		"\nuser            alice\n",
		"\npassword        never written to this report\n",
		"\nTimeline (ms since the start)\n",
		"\n     12  resolve              3 ms  ok      1 address\n",
		"\n           address 192.0.2.7:143\n",
		"\n           attempt 192.0.2.7:143: connected (3 ms)\n",
		"\n           note: a note\\nwith a line break\n",
		"\n           2 mailboxes listed\n",
		"\nCapabilities\n------------\n"
		"before TLS   IMAP4rev1 STARTTLS LOGINDISABLED\n"
		"with TLS     IMAP4rev1 AUTH=PLAIN\n"
		"after login  IMAP4rev1 IDLE\n",
		"\ncompared:\n  before TLS ",
		"\n  IMAP4rev1                    | IMAP4rev1\n"
		"- STARTTLS                     |\n"
		"- LOGINDISABLED                |\n"
		"+                              | AUTH=PLAIN\n"
		"after login, added:   IDLE\n"
		"after login, removed: AUTH=PLAIN\n",
		"\nServer ID (RFC 2971)\n--------------------\n"
		"name           Evil\\e[2J\n"
		"version        NIL\n",
		"\nhandshake in the starttls phase\n  version   TLSv1.3\n",
		"\n  verified  yes\n",
		"\n    subject   CN=imap.example.com\n"
		"    issuer    CN=Example CA\n",
		"\n    names     DNS:imap.example.com\n"
		"    SHA-256   AB:CD:EF\n",
		"\n  as sent (PEM):\n    -----BEGIN CERTIFICATE-----\n"
		"    MIIBxTCCAWug\n    -----END CERTIFICATE-----\n",
		"\nFailure\n-------\nphase     select\n"
		"class     server (exit status 83)\n",
		"\n2026-01-05T09:00:00.123Z C: * OK ready\\e[2J\n",
		"\n2026-01-05T09:00:00.123Z C: A3 LOGIN alice <password>\n",
	};
	struct report *r = made_up_report();
	char *out = print(r);

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(out, want[i]) != NULL, "missing: %s\n"
			      "in:\n%s", want[i], out);
	ck_assert_ptr_null(strstr(out, SECRET));
	ck_assert_ptr_null(strstr(out, KEY_SECRET));
	ck_assert_ptr_null(strchr(out, '\x1b'));
	free(out);
	free_report(r);
}
END_TEST

START_TEST(test_success)
{
	struct conn_config c;
	struct report *r;
	struct event *ev;
	char *out;

	config_init(&c);
	strcpy(c.ep.host, "::1");
	c.ep.kind = ADDR_IPV6;
	c.ep.ssl = true;
	r = new_report(&c);
	ev = event_new(EV_DONE, PHASE_LOGOUT);
	ev->flag = true;
	ev->at_ms = 52;
	run_apply(rec, ev);
	event_free(ev);
	report_set_failure(r, NULL);
	out = print(r);
	ck_assert_ptr_nonnull(strstr(out, "\nresult    ok, 52 ms in all\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nhost            ::1 (IPv6)\n"
				     "port            993\n"
				     "TLS             implicit TLS\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nFailure\n-------\n(none)\n"));
	ck_assert_ptr_nonnull(strstr(out, "(nothing was exchanged)"));
	ck_assert_ptr_nonnull(strstr(out, "(no TLS handshake)"));
	ck_assert_ptr_nonnull(strstr(out, "\nServer ID (RFC 2971)\n"
				     "--------------------\n(not asked: no "
				     "capabilities were received)\n"));
	free(out);
	free_report(r);
}
END_TEST

/* A report from a connection still open (the interface writes one
 * from the mailbox list) says how far it got, and that it is open. */
START_TEST(test_still_open)
{
	struct conn_config c;
	struct report *r;
	struct event *ev;
	char *out;

	config_init(&c);
	strcpy(c.ep.host, "imap.example.com");
	r = new_report(&c);
	out = print(r);
	ck_assert_ptr_nonnull(strstr(out,
				     "\nresult    (the connection did not end)\n"));
	free(out);
	feed(rec, EV_MAILBOX, PHASE_LIST, NULL);
	feed(rec, EV_MAILBOX, PHASE_LIST, NULL);
	ev = event_new(EV_READY, PHASE_LIST);
	ev->at_ms = 87;
	run_apply(rec, ev);
	event_free(ev);
	out = print(r);
	ck_assert_ptr_nonnull(strstr(out, "\nresult    ok so far: logged in "
				     "and listed 2 mailboxes in 87 ms; still "
				     "connected\n"));
	free(out);
	free_report(r);
}
END_TEST

/* The first and the last lines are kept; the middle is counted. */
START_TEST(test_long_transcript)
{
	struct conn_config c;
	struct report *r;
	const size_t total = REPORT_TRANSCRIPT_HEAD +
	    REPORT_TRANSCRIPT_TAIL + 10;
	char line[64];
	char *out;

	config_init(&c);
	strcpy(c.ep.host, "localhost");
	r = new_report(&c);
	for (size_t i = 0; i < total; i++) {
		snprintf(line, sizeof(line), "* LIST line %zu.", i);
		feed(rec, EV_TRANSCRIPT, PHASE_LIST, line);
	}
	out = print(r);
	ck_assert_ptr_nonnull(strstr(out, "C: * LIST line 0.\n"));
	snprintf(line, sizeof(line), "C: * LIST line %d.\n",
		 REPORT_TRANSCRIPT_HEAD - 1);
	ck_assert_ptr_nonnull(strstr(out, line));
	snprintf(line, sizeof(line), "C: * LIST line %d.\n",
		 REPORT_TRANSCRIPT_HEAD);
	ck_assert_ptr_null(strstr(out, line));
	snprintf(line, sizeof(line), "C: * LIST line %d.\n",
		 REPORT_TRANSCRIPT_HEAD + 9);
	ck_assert_ptr_null(strstr(out, line));
	snprintf(line, sizeof(line), "C: * LIST line %d.\n",
		 REPORT_TRANSCRIPT_HEAD + 10);
	ck_assert_ptr_nonnull(strstr(out, line));
	snprintf(line, sizeof(line), "C: * LIST line %zu.\n", total - 1);
	ck_assert_ptr_nonnull(strstr(out, line));
	ck_assert_ptr_nonnull(strstr(out, "\n... 10 lines left out ...\n"));
	free(out);
	free_report(r);
}
END_TEST

START_TEST(test_file_private)
{
	char dir[] = "/tmp/check_report.XXXXXX";
	char path[64];
	struct stat st;
	struct failure f;
	struct report *r;
	struct conn_config c;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0644), 0);
	ck_assert_int_eq(write(fd, "old text that is longer", 23), 23);
	close(fd);

	config_init(&c);
	strcpy(c.ep.host, "localhost");
	r = new_report(&c);
	ck_assert_int_eq(report_write(r, path, &f), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_gt(st.st_size, 100);
	unlink(path);

	ck_assert_int_eq(report_write(r, path, &f), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	unlink(path);
	rmdir(dir);

	snprintf(path, sizeof(path), "%s/no/such/dir", dir);
	ck_assert_int_eq(report_write(r, path, &f), -1);
	ck_assert_int_eq(f.cls, FAIL_INPUT);
	ck_assert_ptr_nonnull(strstr(f.detail, path));
	ck_assert_ptr_nonnull(strstr(f.detail, "--report "));
	ck_assert_ptr_nonnull(strstr(f.detail, "does not exist"));
	free_report(r);
}
END_TEST

/* An expired certificate reads as the interface says it. */
START_TEST(test_cert_expired_words)
{
	struct conn_config c;
	struct report *r;
	struct event *ev = event_new(EV_TLS, PHASE_TLS);
	struct tls_summary *t = calloc(1, sizeof(*t));
	int64_t now = (int64_t)time(NULL);
	char *out;

	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(t);
	t->chain_len = t->chain_sent = 1;
	t->chain[0].not_before_epoch = now - 3000 * 86400LL;
	t->chain[0].not_after_epoch = now - 2501 * 86400LL - 3600;
	ev->tls = t;
	config_init(&c);
	r = new_report(&c);
	run_apply(rec, ev);
	event_free(ev);
	out = print(r);
	ck_assert_ptr_nonnull(strstr(out, " (EXPIRED 2501 days ago)\n"));
	ck_assert_ptr_null(strstr(out, "days left"));
	free(out);
	free_report(r);
}
END_TEST

/* A symbolic link is not followed: its target keeps its text and mode. */
START_TEST(test_file_symlink_refused)
{
	char dir[] = "/tmp/check_report.XXXXXX";
	char target[64], link[64], buf[16] = "";
	struct failure f;
	struct report *r;
	struct conn_config c;
	struct stat st;
	FILE *in;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	in = fopen(target, "w");
	ck_assert_ptr_nonnull(in);
	fputs("keep", in);
	fclose(in);
	ck_assert_int_eq(chmod(target, 0644), 0);
	ck_assert_int_eq(symlink(target, link), 0);
	config_init(&c);
	r = new_report(&c);
	ck_assert_int_eq(report_write(r, link, &f), -1);
	ck_assert_ptr_nonnull(strstr(f.detail, "symbolic link"));
	free_report(r);
	in = fopen(target, "r");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), in));
	fclose(in);
	ck_assert_str_eq(buf, "keep");
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	unlink(link);
	unlink(target);
	rmdir(dir);
}
END_TEST

START_TEST(test_null)
{
	report_set_config(NULL, NULL);
	report_set_failure(NULL, NULL);
	report_free(NULL);
}
END_TEST

/* ---- the option ------------------------------------------------------ */

START_TEST(test_option)
{
	struct options *o = malloc(sizeof(*o));
	char err[OPTIONS_ERR_MAX];

	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check",
				     "--report", "/tmp/r.txt", "h", NULL), 0);
	ck_assert_str_eq(o->report_path, "/tmp/r.txt");
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check",
				     "--json", "--report=r", "h", NULL), 0);
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--report=r", "h",
				     NULL), -1);
	ck_assert_str_eq(err, "--report goes with --check");
	ck_assert_int_eq(test_parse_words(o, err, sizeof(err), "--check",
				     "--report=", "h", NULL), -1);
	ck_assert_str_eq(err, "--report: empty value");
	free(o);
}
END_TEST

Suite *
suite_report(void)
{
	Suite *s = suite_create("report");

	units_case(s, "report", test_sections, test_success,
		   test_still_open, test_long_transcript, test_file_private,
		   test_file_symlink_refused, test_cert_expired_words,
		   test_null, test_option, NULL);
	return s;
}
