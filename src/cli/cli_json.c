/* cli_json.c - --check --json: the whole run as one JSON document.
 * The fields are documented in doc/imapconn.1 (JSON OUTPUT). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ac_config.h"
#include "capdiff.h"
#include "cli_int.h"
#include "dryrun.h"
#include "json.h"
#include "mailbox.h"
#include "mboxname.h"
#include "mbtree.h"
#include "net.h"
#include "run.h"
#include "server_id.h"
#include "tls.h"
#include "validity.h"

static const char *
result_word(int r)
{
	return r == PHASE_OK ? "ok" : r == PHASE_FAILED ? "failed" :
	       "skipped";
}

static void
json_phases(struct json *j, const struct check_run *run)
{
	json_arr_open(j, "phases");
	for (size_t i = 0; i < run->rec->n; i++) {
		const struct run_item *it = &run->rec->items[i];

		if (it->type != EV_PHASE_END)
			continue;
		json_obj_open(j, NULL);
		json_str(j, "phase", phase_name(it->phase));
		json_str(j, "result", result_word(it->result));
		json_int(j, "ms", it->elapsed_ms);
		json_int(j, "at_ms", it->at_ms);
		json_str(j, "detail", it->text);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void
json_attempts(struct json *j, const struct check_run *run)
{
	json_arr_open(j, "addresses");
	for (size_t i = 0; i < run->rec->n; i++)
		if (run->rec->items[i].type == EV_ADDRESS)
			json_str(j, NULL, run->rec->items[i].text);
	json_arr_close(j);
	json_arr_open(j, "attempts");
	for (size_t i = 0; i < run->rec->n; i++) {
		const struct run_item *it = &run->rec->items[i];

		if (it->type != EV_ATTEMPT
		    || it->result == NET_ATTEMPT_STARTED)
			continue;
		json_obj_open(j, NULL);
		json_str(j, "address", it->text);
		json_str(j, "result", net_attempt_state_name(
				 (enum net_attempt_state)it->result));
		json_int(j, "ms", it->elapsed_ms);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void
json_cert(struct json *j, const struct tls_cert_info *c)
{
	char words[64];
	int64_t now = (int64_t)time(NULL);

	validity_words(c->not_before_epoch, c->not_after_epoch, now, words,
		       sizeof(words));
	json_obj_open(j, NULL);
	json_str(j, "subject", c->subject);
	json_str(j, "issuer", c->issuer);
	json_str(j, "not_before", c->not_before);
	json_str(j, "not_after", c->not_after);
	json_int(j, "days_left", validity_days_left(c->not_after_epoch, now));
	json_str(j, "validity", words);
	json_str(j, "names", c->sans);
	json_str(j, "sha256", c->sha256);
	json_str(j, "spki_sha256", c->spki_sha256);
	json_bool(j, "self_signed", c->self_signed);
	json_obj_close(j);
}

static void
json_tls_one(struct json *j, const struct run_item *it)
{
	const struct tls_summary *t = it->tls;

	json_obj_open(j, NULL);
	json_str(j, "phase", phase_name(it->phase));
	json_str(j, "version", t->version[0] ? t->version : NULL);
	json_str(j, "cipher", t->cipher[0] ? t->cipher : NULL);
	json_str(j, "sni", t->sni_sent ? t->sni : NULL);
	json_str(j, "expected_name", t->expected_name);
	json_bool(j, "verify_enabled", t->verify_enabled);
	json_bool(j, "verified", t->verified);
	json_int(j, "verify_error", t->verify_error);
	json_str(j, "verify_error_text", t->verify_error_text[0] ?
		 t->verify_error_text : NULL);
	json_int(j, "verify_error_depth", t->verify_error_depth);
	json_arr_open(j, "problems");
	for (int i = 0; i < t->nproblems && i < TLS_PROBLEMS_MAX; i++) {
		json_obj_open(j, NULL);
		json_int(j, "code", t->problems[i].code);
		json_int(j, "depth", t->problems[i].depth);
		json_str(j, "text", t->problems[i].text);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_str(j, "trust", t->trust[0] ? t->trust : NULL);
	/* "pin" or "known-certs" when one of them decided the trust. */
	json_str(j, "trusted_by", t->trusted_by[0] ? t->trusted_by : NULL);
	json_str(j, "key", t->details.key[0] ? t->details.key : NULL);
	json_str(j, "signature_algorithm", t->details.sig_alg[0] ?
		 t->details.sig_alg : NULL);
	json_str(j, "key_exchange", t->details.kx[0] ? t->details.kx : NULL);
	json_str(j, "group", t->details.group[0] ? t->details.group : NULL);
	if (t->details.forward_secrecy < 0)
		json_null(j, "forward_secrecy");
	else
		json_bool(j, "forward_secrecy", t->details.forward_secrecy);
	json_str(j, "ocsp", t->details.ocsp[0] ? t->details.ocsp : NULL);
	json_str(j, "weak", t->details.weak[0] ? t->details.weak : NULL);
	json_int(j, "chain_sent", t->chain_sent);
	json_int(j, "verified_chain_len", t->verified_chain_len);
	json_arr_open(j, "chain");
	for (int i = 0; i < t->chain_len; i++)
		json_cert(j, &t->chain[i]);
	json_arr_close(j);
	json_obj_close(j);
}

static void
json_by_type(struct json *j, const struct check_run *run,
	     enum event_type type, const char *key)
{
	json_arr_open(j, key);
	for (size_t i = 0; i < run->rec->n; i++) {
		const struct run_item *it = &run->rec->items[i];

		if (it->type != type || !run_in(run->rec, it, RUN_LAST)
		    || (type == EV_TLS && it->tls == NULL))
			continue;
		if (type == EV_TLS) {
			json_tls_one(j, it);
		} else if (type == EV_CAPS) {
			json_obj_open(j, NULL);
			json_str(j, "when", it->phase == PHASE_AUTH ?
				 "after-login" : it->flag ? "tls" :
				 "before-tls");
			json_str(j, "list", it->text);
			json_obj_close(j);
		} else {
			json_str(j, NULL, it->text);
		}
	}
	json_arr_close(j);
}

/* Whether slot s's list has r: null when that list never came. */
static void
json_in(struct json *j, const char *key, const struct capdiff *d,
	const struct capdiff_row *r, enum capdiff_slot s)
{
	if (d->have[s])
		json_bool(j, key, (r->in & (1u << s)) != 0);
	else
		json_null(j, key);
}

static void
json_cap_row(struct json *j, const struct capdiff *d,
	     const struct capdiff_row *r)
{
	json_obj_open(j, NULL);
	json_str(j, "name", r->name);
	json_in(j, "before_tls", d, r, CAPDIFF_BEFORE_TLS);
	json_in(j, "after_tls", d, r, CAPDIFF_AFTER_TLS);
	json_in(j, "after_login", d, r, CAPDIFF_AFTER_LOGIN);
	json_str(j, "change", capdiff_change_name(capdiff_change(d, r,
		 CAPDIFF_BEFORE_TLS, CAPDIFF_AFTER_TLS)));
	json_str(j, "after_login_change", capdiff_change_name(
		 capdiff_change(d, r, capdiff_login_base(d),
				CAPDIFF_AFTER_LOGIN)));
	json_str(j, "warning", capdiff_tls_warning(d, r));
	json_obj_close(j);
}

/* The mechanisms of the list the login uses that imapconn can use. */
static void
json_usable(struct json *j, const struct capdiff *d)
{
	enum capdiff_slot base = capdiff_login_base(d);

	json_arr_open(j, "usable_mechanisms");
	for (size_t i = 0; i < d->n && base < CAPDIFF_SLOTS; i++)
		if ((d->rows[i].in & (1u << base)) != 0
		    && capdiff_usable(&d->rows[i]))
			json_str(j, NULL, d->rows[i].name + 5);
	json_arr_close(j);
}

/* Every capability once, with the lists that had it. */
static void
json_caps_compared(struct json *j, const struct check_run *run)
{
	struct capdiff d;

	run_capdiff(run->rec, RUN_LAST, &d);
	json_arr_open(j, "capabilities_compared");
	for (size_t i = 0; i < d.n; i++)
		json_cap_row(j, &d, &d.rows[i]);
	json_arr_close(j);
	json_str(j, "capabilities_note",
		 capdiff_note(&d, capdiff_tls_of(&run->o->cfg.ep)));
	json_usable(j, &d);
	capdiff_free(&d);
}

static void
json_server_id(struct json *j, const struct check_run *run)
{
	const struct run_item *it = run_find(run->rec, EV_SERVER_ID, RUN_LAST,
					     false);
	const struct server_id *id = it != NULL ? it->server_id : NULL;

	if (id == NULL) {
		json_null(j, "server_id");
		json_null(j, "server_id_reply");
		return;
	}
	if (id->result == SERVER_ID_ANSWERED) {
		json_obj_open(j, "server_id");
		for (size_t i = 0; i < id->n; i++)
			json_str(j, id->field[i].key, id->field[i].nil ?
				 NULL : id->field[i].value);
		json_obj_close(j);
	} else {
		json_null(j, "server_id");
	}
	json_obj_open(j, "server_id_reply");
	json_str(j, "result", server_id_result_name(id->result));
	json_int(j, "left_out", (long long)id->left_out);
	json_str(j, "detail", id->result == SERVER_ID_REFUSED ? id->text :
		 NULL);
	json_obj_close(j);
}

static void
json_flag_list(struct json *j, unsigned flags)
{
	json_arr_open(j, "flags");
	for (unsigned bit = 1; bit <= MBOX_REMOTE; bit <<= 1)
		if (flags & bit)
			json_str(j, NULL, mailbox_flag_name(bit));
	json_arr_close(j);
}

/* The name as the server meant it, decoded from modified UTF-7 and
 * escaped once, by JSON (which keeps the document terminal-safe); a
 * name that is not valid modified UTF-7 goes in its displayed form. */
static void
json_mailbox_name(struct json *j, const struct mailbox_entry *m)
{
	size_t cap = 9 * m->raw_len / 8 + 2, len;
	char *name = malloc(cap);

	if (m->name_valid && name != NULL
	    && mboxname_decode(m->raw, m->raw_len, name, cap, &len) == 0)
		json_strn(j, "name", name, len);
	else
		json_str(j, "name", m->display);
	free(name);
}

static void
json_mailbox(struct json *j, const struct mailbox_entry *m)
{
	char delim[2] = { m->delim, '\0' };
	const char *special = mailbox_special_name(m->special);

	json_obj_open(j, NULL);
	json_mailbox_name(j, m);
	json_strn(j, "raw", m->raw, m->raw_len);
	json_bool(j, "name_valid", m->name_valid);
	json_str(j, "delimiter", m->delim ? delim : NULL);
	json_flag_list(j, m->flags);
	json_str(j, "special_use", special[0] ? special : NULL);
	if (m->has_status) {
		json_int(j, "messages", m->messages);
		json_int(j, "unseen", m->unseen);
	}
	json_obj_close(j);
}

/* A space-separated list ("\\Seen \\Answered") as an array of its
 * words, like mailboxes[].flags. */
static void
json_word_list(struct json *j, const char *key, const char *list)
{
	const char *p = list;

	json_arr_open(j, key);
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0)
			json_strn(j, NULL, p, n);
		p += n;
		p += strspn(p, " ");
	}
	json_arr_close(j);
}

static void
json_selected(struct json *j, const struct mailbox_data *d)
{
	char delim[2] = { d->delim, '\0' };

	json_obj_open(j, "selected");
	json_str(j, "name", d->name);
	json_bool(j, "read_only", d->read_only);
	json_int(j, "messages", d->exists);
	json_int(j, "recent", d->recent);
	if (d->have_uidvalidity)
		json_int(j, "uidvalidity", d->uidvalidity);
	if (d->have_uidnext)
		json_int(j, "uidnext", d->uidnext);
	if (d->have_unseen)
		json_int(j, "first_unseen", d->first_unseen);
	json_word_list(j, "flags", d->flags);
	json_word_list(j, "permanent_flags", d->permanent_flags);
	json_str(j, "separator", d->delim ? delim : NULL);
	json_obj_close(j);
}

static void
json_mailboxes(struct json *j, const struct check_run *run)
{
	const struct run_item *it = run_find(run->rec, EV_SELECTED, RUN_LAST,
					     true);
	const struct mbtree *t = run->rec->tree;
	struct mbtree_row row;

	json_arr_open(j, "mailboxes");
	for (size_t i = 0; i < mbtree_rows(t); i++) {
		mbtree_row(t, i, &row);
		if (row.entry != NULL)
			json_mailbox(j, row.entry);
	}
	json_arr_close(j);
	if (it != NULL && it->selected != NULL)
		json_selected(j, it->selected);
	else
		json_null(j, "selected");
}

static void
json_failure(struct json *j, const struct check_run *run)
{
	const struct failure *f = &run->rec->failure;

	if (!run->rec->failed) {
		json_null(j, "failure");
		return;
	}
	json_obj_open(j, "failure");
	json_str(j, "phase", phase_name(f->phase));
	json_str(j, "class", fail_class_name(f->cls));
	json_str(j, "reason", fail_reason_name(f->reason));
	json_str(j, "detail", f->detail);
	json_str(j, "hint", f->hint[0] ? f->hint : NULL);
	if (f->challenge[0] != '\0')
		json_str(j, "challenge", f->challenge);
	if (f->mechs[0] != '\0')
		json_word_list(j, "offered_mechanisms", f->mechs);
	if (f->cls == FAIL_TIMEOUT)
		json_int(j, "waited_ms", f->waited_ms);
	json_obj_close(j);
}

void
cli_json_print(const struct check_run *run, int exit_code)
{
	const struct conn_config *c = &run->o->cfg;
	struct json j;

	json_begin(&j, run->out);
	json_obj_open(&j, NULL);
	json_str(&j, "imapconn", PACKAGE_VERSION);
	if (run->number != 0)
		json_int(&j, "run", run->number);
	json_bool(&j, "ok", !run->rec->failed);
	json_int(&j, "exit_code", exit_code);
	json_int(&j, "total_ms", run->rec->total_ms);
	dryrun_endpoint_json(&j, c);
	json_bool(&j, "insecure", !c->ep.tls.verify);
	json_phases(&j, run);
	json_attempts(&j, run);
	json_by_type(&j, run, EV_TLS, "tls");
	json_by_type(&j, run, EV_CAPS, "capabilities");
	json_caps_compared(&j, run);
	json_server_id(&j, run);
	json_by_type(&j, run, EV_NOTE, "notes");
	json_by_type(&j, run, EV_RETRY, "retried");
	json_mailboxes(&j, run);
	json_failure(&j, run);
	json_obj_close(&j);
	json_end(&j);
}
