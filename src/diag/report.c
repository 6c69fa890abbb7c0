/* report.c - one text file about one connection for a support ticket,
 * built from copies of the session's events; never a secret. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "ac_config.h"
#include "capdiff.h"
#include "clock.h"
#include "escape.h"
#include "net.h"
#include "report.h"
#include "run.h"
#include "safefile.h"
#include "server_id.h"
#include "tls.h"
#include "validity.h"
#include "tunnel.h"

struct report {
	struct conn_config cfg;		/* secrets wiped */
	const struct run *run;		/* borrowed */
	bool failure_set;		/* report_set_failure() was called */
	bool have_failure;
	struct failure failure;
};

struct report *
report_new(const struct conn_config *c, const struct run *run)
{
	struct report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->run = run;
	report_set_config(r, c);
	return r;
}

void
report_set_config(struct report *r, const struct conn_config *c)
{
	if (r == NULL)
		return;
	r->cfg = *c;
	config_wipe(&r->cfg);
	r->cfg.have_password = false;
}

void
report_free(struct report *r)
{
	free(r);
}

void
report_set_failure(struct report *r, const struct failure *f)
{
	if (r == NULL)
		return;
	r->failure_set = true;
	r->have_failure = f != NULL;
	if (f != NULL)
		r->failure = *f;
}

/* The failure shown: the one set, else the run's; NULL: none. */
static const struct failure *
failure_of(const struct report *r)
{
	if (r->failure_set)
		return r->have_failure ? &r->failure : NULL;
	return r->run->failed ? &r->run->failure : NULL;
}

/* ---- writing -------------------------------------------------------- */

/* s, escaped for one line of text. */
static void
put_text(FILE *out, const char *s)
{
	size_t len = strlen(s);
	size_t cap = len * 4 + 1;
	char small[1024];
	char *buf = cap <= sizeof(small) ? small : malloc(cap);

	if (buf == NULL) {
		fputs("(out of memory)", out);
		return;
	}
	escape_line(s, len, buf, cap);
	fputs(buf, out);
	if (buf != small)
		free(buf);
}

/* Each line of s after indent, escaped. */
static void
put_lines(FILE *out, const char *indent, const char *s)
{
	while (*s != '\0') {
		size_t w = strcspn(s, "\n");
		char *line = strndup(s, w);

		if (line == NULL)
			return;
		fputs(indent, out);
		put_text(out, line);
		fputc('\n', out);
		free(line);
		s += w;
		if (*s == '\n')
			s++;
	}
}

/* f's detail, escaped, to the end of the line, and its hint on a line
 * of its own when it has one. */
static void
put_detail(FILE *out, const struct failure *f)
{
	put_text(out, f->detail);
	fputc('\n', out);
	if (f->hint[0] == '\0')
		return;
	fputs("hint      ", out);
	put_text(out, f->hint);
	fputc('\n', out);
}

static void
section(FILE *out, const char *title)
{
	size_t len = strlen(title);

	fprintf(out, "\n%s\n", title);
	for (size_t i = 0; i < len; i++)
		fputc('-', out);
	fputc('\n', out);
}

static void
iso_time(int64_t wall_ms, char *buf, size_t cap)
{
	time_t secs = (time_t)(wall_ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), cap - strlen(buf), ".%03dZ",
		 (int)(wall_ms % 1000));
}

static void
print_versions(FILE *out)
{
	struct utsname u;
	char now[40];

	iso_time(clock_wall_ms(), now, sizeof(now));
	fprintf(out, "written   %s\n", now);
	fprintf(out, "imapconn  %s\n", PACKAGE_VERSION);
	fprintf(out, "OpenSSL   %s (built with %s)\n",
		OpenSSL_version(OPENSSL_VERSION), OPENSSL_VERSION_TEXT);
#ifdef __GLIBC__
	fprintf(out, "libc      glibc %s\n", gnu_get_libc_version());
#endif
	if (uname(&u) == 0)
		fprintf(out, "system    %s %s %s %s\n", u.sysname, u.release,
			u.version, u.machine);
}

static void
print_result(const struct report *r, FILE *out)
{
	const struct run *run = r->run;
	const struct failure *f = failure_of(r);

	if (f != NULL) {
		if (f->phase == PHASE_NONE)
			fprintf(out, "result    FAILED before connecting "
				"(%s): ", fail_class_name(f->cls));
		else
			fprintf(out, "result    FAILED in %s (%s): ",
				phase_name(f->phase), fail_class_name(f->cls));
		put_detail(out, f);
	} else if (run->done && run->success) {
		fprintf(out, "result    ok, %lld ms in all\n",
			(long long)run->total_ms);
	} else if (run->ready) {
		/* Written from a connection still open (the interface). */
		fprintf(out, "result    ok so far: logged in and listed %zu "
			"mailbox%s in %lld ms; still connected\n",
			run->listed, run->listed == 1 ? "" : "es",
			(long long)run->ready_ms);
	} else {
		fputs("result    (the connection did not end)\n", out);
	}
	if (run->lost)
		fputs("note      memory ran short: parts of this report are "
		      "missing\n", out);
}

static const char *
tls_mode_words(const struct endpoint *ep)
{
	if (ep->ssl)
		return "implicit TLS";
	if (ep->starttls == STARTTLS_REQUIRED)
		return "STARTTLS required";
	if (ep->starttls == STARTTLS_OPPORTUNISTIC)
		return "STARTTLS if offered";
	return "no TLS (plain text)";
}

/* "name value" when value is set. */
static void
setting(FILE *out, const char *name, const char *value)
{
	if (value[0] == '\0')
		return;
	fprintf(out, "%-16s", name);
	put_text(out, value);
	fputc('\n', out);
}

static void
print_settings(const struct report *r, FILE *out)
{
	const struct conn_config *c = &r->cfg;
	const struct tls_opts *t = &c->ep.tls;
	static const char *const kinds[] = { "name", "IPv4", "IPv6" };

	section(out, "Settings");
	if (c->tunnel[0] != '\0') {
		char cmd[TUNNEL_SHOWN_MAX];

		tunnel_command_shown(c->tunnel, c->user, c->password, cmd,
				     sizeof(cmd));
		fprintf(out, "%-16s%s\n", "tunnel", cmd);
	}
	fprintf(out, "%-16s", "host");
	put_text(out, c->ep.host);
	fprintf(out, " (%s)\n", kinds[c->ep.kind]);
	setting(out, "written", c->ep.host_unicode);
	fprintf(out, "%-16s%u\n", "port", endpoint_port(&c->ep));
	fprintf(out, "%-16s%s\n", "TLS", tls_mode_words(&c->ep));
	fprintf(out, "%-16s%s\n", "verify", t->verify ? "yes" :
		"NO (--insecure)");
	fprintf(out, "%-16s%s .. %s\n", "TLS versions",
		tls_version_name(t->min_version),
		tls_version_name(t->max_version));
	setting(out, "CA file", t->ca_file);
	setting(out, "CA directory", t->ca_dir);
	setting(out, "server name", t->server_name);
	setting(out, "certificate", t->cert_file);
	setting(out, "key", t->key_file);
	setting(out, "CRL file", t->crl_file);
	setting(out, "ciphers", t->ciphers);
	setting(out, "ciphersuites", t->ciphersuites);
	if (t->verify_depth >= 0)
		fprintf(out, "%-16s%d\n", "verify depth", t->verify_depth);
	fprintf(out, "%-16s%g s per wait\n", "timeout", c->timeout_s);
	setting(out, "user", c->user);
	if (c->allow_plaintext_auth)
		fprintf(out, "%-16syes\n", "plaintext auth");
	setting(out, "select", c->select);
	fprintf(out, "%-16snever written to this report\n", "password");
}

static const char *
result_word(int result)
{
	static const char *const words[] = {
		[PHASE_OK] = "ok",
		[PHASE_FAILED] = "FAILED",
		[PHASE_SKIPPED] = "skipped",
	};

	return result >= PHASE_OK && result <= PHASE_SKIPPED ?
	       words[result] : "?";
}

static void
timeline_item(const struct run_item *it, FILE *out)
{
	const char *text = it->text != NULL ? it->text : "";

	if (it->type == EV_PHASE_END) {
		fprintf(out, "%7lld  %-15s %6lld ms  %-7s ",
			(long long)it->at_ms, phase_name(it->phase),
			(long long)it->elapsed_ms, result_word(it->result));
	} else if (it->type == EV_ADDRESS) {
		fputs("           address ", out);
	} else if (it->type == EV_ATTEMPT) {
		if (it->result == NET_ATTEMPT_STARTED)
			return;
		fputs("           attempt ", out);
		put_text(out, text);
		fprintf(out, ": %s (%lld ms)\n", net_attempt_state_name(
				(enum net_attempt_state)it->result),
			(long long)it->elapsed_ms);
		return;
	} else if (it->type == EV_NOTE) {
		fputs("           note: ", out);
	} else if (it->type == EV_RETRY) {
		fputs("           retried: ", out);
	} else {
		return;
	}
	put_text(out, text);
	fputc('\n', out);
}

static void
print_timeline(const struct report *r, FILE *out)
{
	section(out, "Timeline (ms since the start)");
	fprintf(out, "%7s  %-15s %9s  %-7s %s\n", "at", "phase", "took",
		"result", "detail");
	for (size_t i = 0; i < r->run->n; i++)
		timeline_item(&r->run->items[i], out);
	if (r->run->listed > 0)
		fprintf(out, "           %zu mailbox%s listed\n",
			r->run->listed, r->run->listed == 1 ? "" : "es");
}

/* The comparison's text, each line escaped like all server text. */
static void
print_compared(const struct report *r, const struct capdiff *d, FILE *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		return;
	capdiff_print(d, capdiff_tls_of(&r->cfg.ep), mem, "", 79);
	if (fclose(mem) == 0 && text != NULL) {
		fputs("\ncompared:\n", out);
		put_lines(out, "", text);
	}
	free(text);
}

static void
print_caps(const struct report *r, FILE *out)
{
	struct capdiff d;
	bool any = false;

	section(out, "Capabilities");
	for (size_t i = 0; i < r->run->n; i++) {
		const struct run_item *it = &r->run->items[i];

		if (it->type != EV_CAPS)
			continue;
		any = true;
		fprintf(out, "%-12s ", it->phase == PHASE_AUTH ?
			"after login" : it->flag ? "with TLS" : "before TLS");
		put_text(out, it->text != NULL ? it->text : "");
		fputc('\n', out);
	}
	if (!any) {
		fputs("(none received)\n", out);
		return;
	}
	if (run_capdiff(r->run, RUN_ALL, &d) == 0)
		print_compared(r, &d, out);
	capdiff_free(&d);
}

/* Why there is no answer to ID: the capabilities never came, did not
 * offer it, or the connection ended before a command could carry it. */
static const char *
why_no_id(const struct report *r)
{
	const char *why = "(not offered: no ID capability)";
	struct capdiff d;

	if (run_capdiff(r->run, RUN_ALL, &d) != 0)
		return "(not asked)";
	if (capdiff_login_base(&d) == CAPDIFF_SLOTS
	    && !d.have[CAPDIFF_AFTER_LOGIN])
		why = "(not asked: no capabilities were received)";
	for (int s = 0; s < CAPDIFF_SLOTS; s++)
		if (capdiff_has(&d, (enum capdiff_slot)s, "ID"))
			why = "(not asked: the connection ended first)";
	capdiff_free(&d);
	return why;
}

static void
print_server_id(const struct report *r, FILE *out)
{
	const struct run_item *it;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	section(out, "Server ID (RFC 2971)");
	for (size_t i = 0; i < r->run->n; i++) {
		it = &r->run->items[i];
		if (it->type != EV_SERVER_ID || it->server_id == NULL)
			continue;
		mem = open_memstream(&text, &len);
		if (mem == NULL)
			return;
		server_id_print(it->server_id, mem, "");
		if (fclose(mem) == 0 && text != NULL)
			put_lines(out, "", text);
		free(text);
		return;
	}
	fprintf(out, "%s\n", why_no_id(r));
}

void
report_print_cert(FILE *out, int i, const struct tls_cert_info *ci)
{
	char words[64];

	validity_words(ci->not_before_epoch, ci->not_after_epoch,
		       (int64_t)time(NULL), words, sizeof(words));
	fprintf(out, "  certificate %d%s\n", i, ci->self_signed ?
		" (self-signed)" : "");
	fprintf(out, "    subject   %s\n", ci->subject);
	fprintf(out, "    issuer    %s\n", ci->issuer);
	fprintf(out, "    valid     %s .. %s (%s)\n", ci->not_before,
		ci->not_after, words);
	if (ci->sans[0] != '\0')
		fprintf(out, "    names     %s\n", ci->sans);
	fprintf(out, "    SHA-256   %s\n", ci->sha256);
	fprintf(out, "    SPKI pin  sha256//%s\n", ci->spki_sha256);
}

void
report_tls_problems(const struct tls_summary *t,
		    void (*line)(void *arg, const char *text), void *arg)
{
	char buf[sizeof(t->problems[0].text) + 16];

	for (int i = 0; i < t->nproblems && i < TLS_PROBLEMS_MAX; i++) {
		snprintf(buf, sizeof(buf), "%d. %s", i + 1,
			 t->problems[i].text);
		line(arg, buf);
	}
}

static void
problem_line(void *arg, const char *text)
{
	fprintf(arg, "    %s\n", text);
}

const char *
report_tls_fs_words(const struct tls_summary *t)
{
	const struct tls_details *d = &t->details;

	if (d->forward_secrecy < 0)
		return NULL;
	if (strcmp(t->version, "TLSv1.3") == 0)
		return "yes (always with TLS 1.3)";
	return d->forward_secrecy ? "yes" : "NO (RSA key exchange: a stolen "
	       "server key opens recorded sessions)";
}

/* The details of a completed handshake, each on its line. */
static void
print_details(FILE *out, const struct tls_summary *t)
{
	const struct tls_details *d = &t->details;
	const char *fs = report_tls_fs_words(t);

	if (d->key[0] != '\0')
		fprintf(out, "  key       %s, certificate signed with %s\n",
			d->key, d->sig_alg);
	if (d->group[0] != '\0' || d->kx[0] != '\0')
		fprintf(out, "  exchange  %s%s%s\n", d->kx[0] ? d->kx : "-",
			d->group[0] ? ", group " : "", d->group);
	if (fs != NULL)
		fprintf(out, "  forward secrecy  %s\n", fs);
	if (d->ocsp[0] != '\0')
		fprintf(out, "  OCSP      %s\n", d->ocsp);
	if (d->weak[0] != '\0')
		fprintf(out, "  WEAK      %s\n", d->weak);
}

void
report_print_tls(FILE *out, const struct tls_summary *t)
{
	fprintf(out, "  version   %s\n", t->version[0] ? t->version : "-");
	fprintf(out, "  cipher    %s\n", t->cipher[0] ? t->cipher : "-");
	fprintf(out, "  SNI       %s\n", t->sni_sent ? t->sni : "(none)");
	print_details(out, t);
	fprintf(out, "  checked   %s\n", t->expected_name);
	if (t->verified)
		fprintf(out, "  verified  yes\n");
	else
		fprintf(out, "  verified  NO%s: %s (depth %d)\n",
			t->verify_enabled ? "" : " (--insecure)",
			t->verify_error_text[0] ? t->verify_error_text :
			"not checked", t->verify_error_depth);
	if (t->nproblems > 0) {
		fprintf(out, "  problems  %d, the most important first\n",
			t->nproblems);
		report_tls_problems(t, problem_line, out);
	}
	fprintf(out, "  trust     %s\n", t->trust[0] ? t->trust : "-");
}

static void
print_tls_one(const struct run_item *it, FILE *out)
{
	const struct tls_summary *t = it->tls;

	fprintf(out, "handshake in the %s phase\n", phase_name(it->phase));
	report_print_tls(out, t);
	fprintf(out, "  chain     %d sent, %d in the verified chain\n",
		t->chain_sent, t->verified_chain_len);
	for (int i = 0; i < t->chain_len; i++)
		report_print_cert(out, i, &t->chain[i]);
	if (it->text != NULL) {
		fputs("  as sent (PEM):\n", out);
		put_lines(out, "    ", it->text);
	}
}

static void
print_tls(const struct report *r, FILE *out)
{
	bool any = false;

	section(out, "TLS");
	for (size_t i = 0; i < r->run->n; i++) {
		if (r->run->items[i].type != EV_TLS
		    || r->run->items[i].tls == NULL)
			continue;
		any = true;
		print_tls_one(&r->run->items[i], out);
	}
	if (!any)
		fputs("(no TLS handshake)\n", out);
}

static void
print_failure(const struct report *r, FILE *out)
{
	const struct failure *f = failure_of(r);

	section(out, "Failure");
	if (f == NULL) {
		fputs("(none)\n", out);
		return;
	}
	fprintf(out, "phase     %s\n", phase_name(f->phase));
	fprintf(out, "class     %s (exit status %d)\n",
		fail_class_name(f->cls), fail_exit_code(f->cls));
	fputs("detail    ", out);
	put_detail(out, f);
	if (f->cls == FAIL_TIMEOUT)
		fprintf(out, "waited    %lld ms\n", f->waited_ms);
}

static void
print_line(const struct run_line *l, FILE *out)
{
	char stamp[40];

	iso_time(l->wall_ms, stamp, sizeof(stamp));
	fprintf(out, "%s %c: ", stamp, l->dir);
	put_text(out, l->text != NULL ? l->text : "");
	fputc('\n', out);
}

static void
print_transcript(const struct report *r, FILE *out)
{
	size_t total = run_lines(r->run);
	size_t head = total < REPORT_TRANSCRIPT_HEAD ? total :
	    REPORT_TRANSCRIPT_HEAD;
	size_t kept = total - head < REPORT_TRANSCRIPT_TAIL ? total - head :
	    REPORT_TRANSCRIPT_TAIL;
	size_t first = total - head - kept;

	section(out, "Transcript (the password shown as <password>, SASL "
		"data as <sasl>)");
	if (total == 0)
		fputs("(nothing was exchanged)\n", out);
	for (size_t i = 0; i < head; i++)
		print_line(run_line(r->run, i), out);
	if (first > 0)
		fprintf(out, "... %zu lines left out ...\n", first);
	for (size_t i = total - kept; i < total; i++)
		print_line(run_line(r->run, i), out);
}

void
report_print(const struct report *r, FILE *out)
{
	fputs("imapconn report\n===============\n", out);
	print_versions(out);
	print_result(r, out);
	print_settings(r, out);
	print_timeline(r, out);
	print_caps(r, out);
	print_server_id(r, out);
	print_tls(r, out);
	print_failure(r, out);
	print_transcript(r, out);
}

FILE *
report_create(const char *path, struct failure *f)
{
	return safefile_fopen("--report", path, true, f);
}

int
report_write(const struct report *r, const char *path, struct failure *f)
{
	FILE *out = report_create(path, f);

	if (out == NULL)
		return -1;
	report_print(r, out);
	if (fclose(out) != 0) {
		fail_set(f, PHASE_NONE, FAIL_INPUT, "--report %s: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}
