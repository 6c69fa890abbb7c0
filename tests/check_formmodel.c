/* check_formmodel.c - the connection form's values without curses: the
 * command line and every host form into the fields, the port following
 * Implicit TLS, the password kept apart and wiped, the OAuth token's
 * command run only when connecting, the configuration and
 * the detection built from the fields, and a detection's fill. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_units.h"
#include "config.h"
#include "detect.h"
#include "formmodel.h"
#include "options.h"
#include "testopts.h"

/* The model of a command line: the words after argv[0], at most six,
 * parsed; o is wiped at once (the model keeps its own copy). */
static struct formmodel *
model_of(const char *const *w)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];
	struct formmodel *m;

	ck_assert_msg(test_parse_words(&o, err, sizeof(err), w[0], w[1],
				       w[2], w[3], w[4], w[5],
				       (const char *)NULL) == 0, "%s", err);
	m = formmodel_new(&o);
	ck_assert_ptr_nonnull(m);
	config_wipe(&o.cfg);
	memset(&o, 0, sizeof(o));
	return m;
}

#define MODEL(...) model_of((const char *const []){ __VA_ARGS__, NULL, \
			    NULL, NULL, NULL, NULL, NULL })
#define NO_WORDS NULL

/* The trimmed text of a field. */
static const char *
text(const struct formmodel *m, enum formmodel_id id)
{
	static char buf[CONFIG_PATH_MAX];

	formmodel_text(m, id, buf, sizeof(buf));
	return buf;
}

static bool
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The configuration of the fields, which must build. */
static void
config_ok(struct formmodel *m, struct conn_config *cfg)
{
	char err[512] = "";

	ck_assert_msg(formmodel_config(m, cfg, err, sizeof(err)) == 0, "%s",
		      err);
}

/* Drop the focus requests made so far. */
static void
drop_focus(struct formmodel *m)
{
	while (formmodel_take_focus(m) >= 0)
		continue;
}

/* ------------------------------------------------------------ hosts */

START_TEST(test_plain_host)
{
	struct formmodel *m = MODEL("imap.example.com");
	struct conn_config cfg;

	ck_assert_str_eq(text(m, FORM_HOST), "imap.example.com");
	ck_assert(formmodel_host_ok(m));
	ck_assert_ptr_nonnull(strstr(formmodel_host_info(m),
				     "imap.example.com (a name)"));
	ck_assert_str_eq(text(m, FORM_PORT), "143");
	/* Encrypted by default (RFC 8314): STARTTLS on port 143. */
	ck_assert_str_eq(text(m, FORM_TLS), "STARTTLS");
	ck_assert_int_eq(formmodel_choice(m, FORM_TLS), FORM_TLS_STARTTLS);
	ck_assert_str_eq(text(m, FORM_TIMEOUT), "30");
	ck_assert_str_eq(text(m, FORM_VERIFY), "on");
	ck_assert_str_eq(text(m, FORM_USER), "");
	ck_assert_str_eq(text(m, FORM_ADVANCED), "hidden");
	ck_assert_uint_eq(formmodel_pw_len(m), 0);
	ck_assert_str_eq(formmodel_pw_note(m), "");
	ck_assert(formmodel_ready(m));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_HOST);
	ck_assert_int_eq(formmodel_take_focus(m), -1);
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.host, "imap.example.com");
	ck_assert_uint_eq(cfg.ep.port, 143);
	ck_assert(!cfg.ep.ssl);
	ck_assert_int_eq(cfg.ep.starttls, STARTTLS_REQUIRED);
	ck_assert(cfg.ep.tls.verify);
	ck_assert_str_eq(cfg.user, "");
	ck_assert(!cfg.have_password);
	ck_assert(cfg.stay_open);
	ck_assert(cfg.timeout_s == 30);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

START_TEST(test_url_host)
{
	struct formmodel *m = MODEL("imaps://alice@mail.example.com/Sent");
	struct conn_config cfg;
	char err[512] = "";

	ck_assert_str_eq(text(m, FORM_HOST),
			 "imaps://alice@mail.example.com/Sent");
	ck_assert_str_eq(text(m, FORM_PORT), "993");
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_USER), "alice");
	/* A user and no password: not ready, the password is asked. */
	ck_assert(!formmodel_ready(m));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_PASSWORD);
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Password: "));
	ck_assert(formmodel_pw_add(m, "pw", 2));
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.host, "mail.example.com");
	ck_assert_uint_eq(cfg.ep.port, 993);
	ck_assert(cfg.ep.ssl);
	ck_assert_str_eq(cfg.user, "alice");
	ck_assert_str_eq(cfg.ep.user, "alice");
	ck_assert_str_eq(cfg.password, "pw");
	ck_assert(cfg.have_password);
	ck_assert_str_eq(cfg.select, "Sent");
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

START_TEST(test_host_port)
{
	struct formmodel *m = MODEL("mail.example.com:1993");
	struct conn_config cfg;

	ck_assert_str_eq(text(m, FORM_PORT), "1993");
	ck_assert_str_eq(text(m, FORM_TLS), "STARTTLS");
	/* A port given no longer follows the TLS choice. */
	formmodel_cycle(m, FORM_TLS, -1);
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_PORT), "1993");
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.host, "mail.example.com");
	ck_assert_uint_eq(cfg.ep.port, 1993);
	ck_assert(cfg.ep.ssl);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* The host forms of make-imap-connection: what each puts in the
 * fields and in the configuration. */
static const struct {
	const char *spec;
	const char *host;
	const char *port;	/* the Port field */
	const char *tls;	/* the TLS field */
	const char *starttls;	/* the configuration's STARTTLS mode */
} forms[] = {
	{ "mail.example.com", "mail.example.com", "143", "STARTTLS",
	  "required" },
	{ "192.0.2.7", "192.0.2.7", "143", "STARTTLS", "required" },
	{ "3221225991", "192.0.2.7", "143", "STARTTLS", "required" },
	{ "2001:db8::7", "2001:db8::7", "143", "STARTTLS", "required" },
	{ "[2001:db8::7]:993", "2001:db8::7", "993", "implicit", "off" },
	{ "mail.example.com:1143", "mail.example.com", "1143", "STARTTLS",
	  "required" },
	{ "(\"mail.example.com\" . 993)", "mail.example.com", "993",
	  "implicit", "off" },
	{ "(\"mail.example.com\" :port 993 :ssl t)", "mail.example.com",
	  "993", "implicit", "off" },
	{ "(\"mail.example.com\" :ssl t)", "mail.example.com", "993",
	  "implicit", "off" },
	{ "(\"mail.example.com\" :starttls t)", "mail.example.com", "143",
	  "STARTTLS", "required" },
	/* The reference's plain text, asked for by name. */
	{ "(\"mail.example.com\" :starttls nil)", "mail.example.com", "143",
	  "none", "off" },
	{ "(\"mail.example.com\" :port 993 :ssl nil :starttls nil)",
	  "mail.example.com", "993", "none", "off" },
	{ "imap://mail.example.com", "mail.example.com", "143", "STARTTLS",
	  "required" },
	{ "imaps://mail.example.com:10993", "mail.example.com", "10993",
	  "implicit", "off" },
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static void
check_form(struct formmodel *m, size_t i)
{
	struct conn_config cfg;

	ck_assert_msg(formmodel_host_ok(m), "%s: %s", forms[i].spec,
		      formmodel_host_info(m));
	ck_assert_str_eq(text(m, FORM_PORT), forms[i].port);
	ck_assert_str_eq(text(m, FORM_TLS), forms[i].tls);
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.host, forms[i].host);
	ck_assert_uint_eq(cfg.ep.port, (unsigned)atoi(forms[i].port));
	ck_assert_int_eq(cfg.ep.ssl, strcmp(forms[i].tls, "implicit") == 0);
	ck_assert_str_eq(starttls_mode_name(cfg.ep.starttls),
			 forms[i].starttls);
	config_wipe(&cfg);
}

/* Given on the command line (_i even) or typed into the Host field of
 * an empty form (_i odd): the same fields. */
START_TEST(test_host_forms)
{
	size_t i = (size_t)_i / 2;
	struct formmodel *m;

	if (_i % 2 == 0) {
		m = MODEL(forms[i].spec);
		ck_assert_str_eq(text(m, FORM_HOST), forms[i].spec);
	} else {
		m = MODEL(NO_WORDS);
		ck_assert(!formmodel_host_ok(m));
		formmodel_typed(m, FORM_HOST, forms[i].spec);
		ck_assert_str_eq(text(m, FORM_HOST), forms[i].spec);
	}
	check_form(m, i);
	formmodel_free(m);
}
END_TEST

START_TEST(test_host_info)
{
	struct formmodel *m = MODEL(NO_WORDS);

	ck_assert(!formmodel_host_ok(m));
	ck_assert(!formmodel_ready(m));
	ck_assert_ptr_nonnull(strstr(formmodel_host_info(m), "e.g."));
	formmodel_typed(m, FORM_HOST, "  mail.example.com:99999 ");
	ck_assert(!formmodel_host_ok(m));
	ck_assert_ptr_nonnull(strstr(formmodel_host_info(m),
				     "at character"));
	ck_assert_ptr_null(strchr(formmodel_host_info(m), '\n'));
	formmodel_typed(m, FORM_HOST, "  imaps://bob@192.0.2.7  ");
	ck_assert(formmodel_host_ok(m));
	ck_assert_str_eq(formmodel_shown(m, FORM_HOST),
			 "imaps://bob@192.0.2.7");
	ck_assert_ptr_nonnull(strstr(formmodel_host_info(m),
				     "192.0.2.7 (an IPv4 address)"));
	ck_assert_ptr_nonnull(strstr(formmodel_host_info(m), "user bob"));
	ck_assert_str_eq(text(m, FORM_USER), "bob");
	formmodel_free(m);
}
END_TEST

/* What a typed Host says goes into the fields it names, and only
 * those; a field it no longer names keeps what it holds. */
START_TEST(test_host_carries)
{
	struct formmodel *m = MODEL(NO_WORDS);

	formmodel_typed(m, FORM_TIMEOUT, "12");
	formmodel_typed(m, FORM_HOST, "imaps://carol@h.example.com:1993");
	ck_assert_str_eq(text(m, FORM_PORT), "1993");
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_USER), "carol");
	ck_assert_str_eq(text(m, FORM_TIMEOUT), "12");
	formmodel_typed(m, FORM_USER, "dave");
	formmodel_typed(m, FORM_HOST, "h.example.com");
	ck_assert_str_eq(text(m, FORM_PORT), "1993");
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_USER), "dave");
	formmodel_free(m);
}
END_TEST

/* ------------------------------------------------------------ choices */

START_TEST(test_port_follows_tls)
{
	struct formmodel *m = MODEL("h.example.com");
	struct conn_config cfg;

	formmodel_take_change(m, FORM_PORT);
	formmodel_cycle(m, FORM_TLS, -1);
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_PORT), "993");
	ck_assert(formmodel_take_change(m, FORM_PORT));
	formmodel_cycle(m, FORM_TLS, 1);
	ck_assert_str_eq(text(m, FORM_TLS), "STARTTLS");
	ck_assert_str_eq(text(m, FORM_PORT), "143");
	/* Backwards, wrapping. */
	formmodel_cycle(m, FORM_TLS, -1);
	formmodel_cycle(m, FORM_TLS, -1);
	ck_assert_str_eq(text(m, FORM_TLS), "none");
	ck_assert_str_eq(text(m, FORM_PORT), "143");
	formmodel_cycle(m, FORM_TLS, 1);
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_PORT), "993");
	/* A port typed stays; the TLS chosen stays with it. */
	formmodel_typed(m, FORM_PORT, " 2000 ");
	ck_assert_str_eq(text(m, FORM_PORT), "2000");
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	formmodel_cycle(m, FORM_TLS, 3);
	ck_assert_str_eq(text(m, FORM_TLS), "none");
	ck_assert_str_eq(text(m, FORM_PORT), "2000");
	config_ok(m, &cfg);
	ck_assert_uint_eq(cfg.ep.port, 2000);
	ck_assert(!cfg.ep.ssl);
	ck_assert_int_eq(cfg.ep.starttls, STARTTLS_OFF);
	config_wipe(&cfg);
	/* Emptied, it follows again; empty is the usual port. */
	formmodel_typed(m, FORM_PORT, "");
	config_ok(m, &cfg);
	ck_assert_uint_eq(cfg.ep.port, 0);
	ck_assert_uint_eq(endpoint_port(&cfg.ep), 143);
	config_wipe(&cfg);
	formmodel_cycle(m, FORM_TLS, 1);
	ck_assert_str_eq(text(m, FORM_PORT), "993");
	formmodel_free(m);
}
END_TEST

START_TEST(test_port_from_command_line)
{
	struct formmodel *m = MODEL("--port=1143", "h.example.com");

	ck_assert_str_eq(text(m, FORM_PORT), "1143");
	formmodel_cycle(m, FORM_TLS, -1);
	ck_assert_str_eq(text(m, FORM_PORT), "1143");
	formmodel_free(m);
	m = MODEL("--ssl", "h.example.com");
	ck_assert_str_eq(text(m, FORM_PORT), "993");
	formmodel_cycle(m, FORM_TLS, 1);
	ck_assert_str_eq(text(m, FORM_PORT), "143");
	formmodel_free(m);
}
END_TEST

/* A TLS choice made stays tls whatever port is typed. */
static void
tls_stays(struct formmodel *m, const char *tls)
{
	ck_assert_str_eq(text(m, FORM_TLS), tls);
	formmodel_typed(m, FORM_PORT, "993");
	ck_assert_str_eq(text(m, FORM_TLS), tls);
	formmodel_typed(m, FORM_PORT, "143");
	ck_assert_str_eq(text(m, FORM_TLS), tls);
}

/* The TLS choice follows the port until one is made: 993 implicit
 * TLS, any other STARTTLS (RFC 8314). */
START_TEST(test_tls_follows_port)
{
	struct formmodel *m = MODEL(NO_WORDS);
	struct conn_config cfg;

	ck_assert_str_eq(text(m, FORM_TLS), "STARTTLS");
	formmodel_typed(m, FORM_HOST, "h.example.com");
	formmodel_typed(m, FORM_PORT, "993");
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	config_ok(m, &cfg);
	ck_assert(cfg.ep.ssl);
	config_wipe(&cfg);
	formmodel_typed(m, FORM_PORT, "10143");
	ck_assert_str_eq(text(m, FORM_TLS), "STARTTLS");
	config_ok(m, &cfg);
	ck_assert(!cfg.ep.ssl);
	ck_assert_int_eq(cfg.ep.starttls, STARTTLS_REQUIRED);
	config_wipe(&cfg);
	/* Chosen, it stays whatever the port. */
	formmodel_cycle(m, FORM_TLS, 2);
	tls_stays(m, "none");
	formmodel_free(m);
	/* --starttls=off: the reference's plain text, kept. */
	m = MODEL("--starttls=off", "h.example.com");
	tls_stays(m, "none");
	formmodel_free(m);
}
END_TEST

START_TEST(test_choices_wrap)
{
	struct formmodel *m = MODEL("h.example.com");

	ck_assert_str_eq(text(m, FORM_TLSMIN), "default");
	formmodel_cycle(m, FORM_TLSMIN, -1);
	ck_assert_str_eq(text(m, FORM_TLSMIN), "1.3");
	formmodel_cycle(m, FORM_TLSMIN, 1);
	ck_assert_str_eq(text(m, FORM_TLSMIN), "default");
	ck_assert_int_eq(formmodel_choice(m, FORM_TLSMIN), 0);
	formmodel_cycle(m, FORM_TLS, 1);
	ck_assert_str_eq(formmodel_shown(m, FORM_TLS),
			 formmodel_field(FORM_TLS)->choices[
				 formmodel_choice(m, FORM_TLS)]);
	formmodel_free(m);
}
END_TEST

START_TEST(test_advanced)
{
	struct formmodel *m = MODEL("h.example.com");

	ck_assert(formmodel_field(FORM_CIPHERS)->advanced);
	ck_assert(!formmodel_field(FORM_CAFILE)->advanced);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 0);
	formmodel_take_change(m, FORM_ADVANCED);
	formmodel_cycle(m, FORM_ADVANCED, 1);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 1);
	ck_assert_str_eq(text(m, FORM_ADVANCED), "shown");
	ck_assert(formmodel_take_change(m, FORM_ADVANCED));
	formmodel_cycle(m, FORM_ADVANCED, 1);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 0);
	ck_assert_str_eq(text(m, FORM_ADVANCED), "hidden");
	formmodel_show_advanced(m, true);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 1);
	ck_assert_str_eq(text(m, FORM_ADVANCED), "shown");
	formmodel_show_advanced(m, false);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 0);
	ck_assert(formmodel_take_change(m, FORM_ADVANCED));
	/* A Host carrying a setting of the section opens it... */
	formmodel_typed(m, FORM_HOST, "(\"h.example.com\" :ca-file "
			"\"/x/ca.pem\")");
	ck_assert_str_eq(text(m, FORM_CAFILE), "/x/ca.pem");
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 0);
	formmodel_typed(m, FORM_HOST, "(\"h.example.com\" :ciphers "
			"\"HIGH\")");
	ck_assert_str_eq(text(m, FORM_CIPHERS), "HIGH");
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 1);
	formmodel_free(m);
	/* ...and so does an advanced option on the command line. */
	m = MODEL("--tls-min=1.3", "h.example.com");
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 1);
	ck_assert_str_eq(text(m, FORM_TLSMIN), "1.3");
	formmodel_free(m);
	m = MODEL("--ca-file=/x/ca.pem", "h.example.com");
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 0);
	ck_assert_str_eq(text(m, FORM_CAFILE), "/x/ca.pem");
	formmodel_free(m);
}
END_TEST

START_TEST(test_take_change)
{
	struct formmodel *m = MODEL("h.example.com");

	ck_assert(formmodel_take_change(m, FORM_HOST));
	ck_assert(!formmodel_take_change(m, FORM_HOST));
	for (int i = 0; i < FORM_COUNT; i++)
		formmodel_take_change(m, (enum formmodel_id)i);
	/* Typed: the form shows it already. */
	formmodel_typed(m, FORM_PORT, "2000");
	ck_assert(!formmodel_take_change(m, FORM_PORT));
	formmodel_typed(m, FORM_HOST, "h.example.com:995");
	ck_assert(!formmodel_take_change(m, FORM_HOST));
	ck_assert(formmodel_take_change(m, FORM_PORT));
	ck_assert(!formmodel_take_change(m, FORM_PORT));
	ck_assert(!formmodel_take_change(m, FORM_TLS));
	formmodel_cycle(m, FORM_VERIFY, 1);
	ck_assert(formmodel_take_change(m, FORM_VERIFY));
	ck_assert(!formmodel_take_change(m, FORM_VERIFY));
	ck_assert(formmodel_pw_add(m, "x", 1));
	ck_assert(formmodel_take_change(m, FORM_PASSWORD));
	ck_assert(!formmodel_take_change(m, FORM_PASSWORD));
	formmodel_pw_erase(m);
	ck_assert(formmodel_take_change(m, FORM_PASSWORD));
	formmodel_pw_clear(m);
	ck_assert(formmodel_take_change(m, FORM_PASSWORD));
	for (int i = 0; i < FORM_COUNT; i++)
		ck_assert(!formmodel_take_change(m, (enum formmodel_id)i));
	formmodel_free(m);
}
END_TEST

START_TEST(test_take_focus)
{
	struct formmodel *m = MODEL("h.example.com");

	ck_assert_int_eq(formmodel_take_focus(m), FORM_HOST);
	ck_assert_int_eq(formmodel_take_focus(m), -1);
	formmodel_focus_user(m);
	ck_assert_int_eq(formmodel_take_focus(m), FORM_USER);
	ck_assert_int_eq(formmodel_take_focus(m), -1);
	formmodel_free(m);
	m = MODEL("-u", "bob", "h.example.com");
	ck_assert_int_eq(formmodel_take_focus(m), FORM_PASSWORD);
	ck_assert_int_eq(formmodel_take_focus(m), -1);
	formmodel_free(m);
	m = MODEL("-u", "bob");
	ck_assert_int_eq(formmodel_take_focus(m), FORM_HOST);
	formmodel_free(m);
}
END_TEST

START_TEST(test_typed_trimmed)
{
	struct formmodel *m = MODEL("h.example.com");
	struct conn_config cfg;

	formmodel_typed(m, FORM_USER, "  bob  ");
	ck_assert_str_eq(text(m, FORM_USER), "bob");
	ck_assert(formmodel_pw_add(m, " ", 1));
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.user, "bob");
	ck_assert_str_eq(cfg.ep.user, "bob");
	/* The password is kept as typed, spaces and all. */
	ck_assert_str_eq(cfg.password, " ");
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* ------------------------------------------------------------ password */

START_TEST(test_password_multibyte)
{
	struct formmodel *m = MODEL("-u", "bob", "h.example.com");
	struct conn_config cfg;
	static const char *const chars[] = {
		"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"
	};
	size_t lens[] = { 1, 3, 6, 10 }, n = 0;

	for (size_t i = 0; i < 4; i++) {
		ck_assert(formmodel_pw_add(m, chars[i], strlen(chars[i])));
		ck_assert_uint_eq(formmodel_pw_len(m), lens[i]);
	}
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.password, "a\xc3\xa9\xe2\x82\xac"
			 "\xf0\x9f\x98\x80");
	config_wipe(&cfg);
	/* Erase drops whole characters, and leaves no byte behind. */
	for (size_t i = 4; i-- > 1;) {
		formmodel_pw_erase(m);
		ck_assert_uint_eq(formmodel_pw_len(m), lens[i - 1]);
		config_ok(m, &cfg);
		ck_assert_uint_eq(strlen(cfg.password), lens[i - 1]);
		ck_assert(all_zero(cfg.password + lens[i - 1],
				   sizeof(cfg.password) - lens[i - 1]));
		config_wipe(&cfg);
	}
	formmodel_pw_erase(m);
	ck_assert_uint_eq(formmodel_pw_len(m), 0);
	formmodel_pw_erase(m);
	ck_assert_uint_eq(formmodel_pw_len(m), 0);
	/* Up to the room there is, one byte kept for the end. */
	while (formmodel_pw_add(m, "x", 1))
		n++;
	ck_assert_uint_eq(n, CONFIG_SECRET_MAX - 1);
	ck_assert(!formmodel_pw_add(m, "\xc3\xa9", 2));
	ck_assert_uint_eq(formmodel_pw_len(m), CONFIG_SECRET_MAX - 1);
	formmodel_pw_erase(m);
	ck_assert(!formmodel_pw_add(m, "\xc3\xa9", 2));
	ck_assert(formmodel_pw_add(m, "y", 1));
	config_ok(m, &cfg);
	ck_assert_uint_eq(strlen(cfg.password), CONFIG_SECRET_MAX - 1);
	ck_assert_int_eq(cfg.password[CONFIG_SECRET_MAX - 2], 'y');
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

START_TEST(test_password_clear)
{
	struct formmodel *m = MODEL("-u", "bob", "h.example.com");
	struct conn_config cfg;
	char err[512] = "";

	ck_assert(formmodel_pw_add(m, "s3cret-pw", 9));
	formmodel_pw_clear(m);
	ck_assert_uint_eq(formmodel_pw_len(m), 0);
	/* Nothing of it left: with a user the configuration asks for it,
	 * without one the configuration carries no byte of it. */
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert(all_zero(cfg.password, sizeof(cfg.password)));
	formmodel_typed(m, FORM_USER, "");
	config_ok(m, &cfg);
	ck_assert(!cfg.have_password);
	ck_assert(all_zero(cfg.password, sizeof(cfg.password)));
	config_wipe(&cfg);
	/* A shorter one typed after: only its bytes. */
	ck_assert(formmodel_pw_add(m, "ab", 2));
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.password, "ab");
	ck_assert(all_zero(cfg.password + 2, sizeof(cfg.password) - 2));
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* Where the password came from, and each change (_i: add, erase,
 * clear) forgetting it. */
START_TEST(test_password_note)
{
	struct formmodel *m;
	struct conn_config cfg;

	ck_assert_int_eq(setenv("IMAPCONN_PASSWORD", "env-pw", 1), 0);
	m = MODEL("-u", "bob", "h.example.com");
	ck_assert_int_eq(unsetenv("IMAPCONN_PASSWORD"), 0);
	ck_assert_str_eq(formmodel_pw_note(m), "from IMAPCONN_PASSWORD");
	ck_assert_uint_eq(formmodel_pw_len(m), 6);
	ck_assert(formmodel_ready(m));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_HOST);
	/* Kept in the model, though the options were wiped. */
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.password, "env-pw");
	ck_assert(cfg.have_password);
	config_wipe(&cfg);
	switch (_i) {
	case 0:
		ck_assert(formmodel_pw_add(m, "x", 1));
		ck_assert_uint_eq(formmodel_pw_len(m), 7);
		break;
	case 1:
		formmodel_pw_erase(m);
		ck_assert_uint_eq(formmodel_pw_len(m), 5);
		break;
	default:
		formmodel_pw_clear(m);
		ck_assert_uint_eq(formmodel_pw_len(m), 0);
		break;
	}
	ck_assert_str_eq(formmodel_pw_note(m), "");
	formmodel_free(m);
}
END_TEST

START_TEST(test_password_sources)
{
	struct formmodel *m;

	unsetenv("IMAPCONN_PASSWORD");
	m = MODEL("-u", "bob", "--password-command=printf cmd-pw",
		  "h.example.com");
	ck_assert_str_eq(formmodel_pw_note(m), "from --password-command");
	ck_assert_uint_eq(formmodel_pw_len(m), 6);
	ck_assert(formmodel_ready(m));
	formmodel_free(m);
	m = MODEL("-u", "bob",
		  "--password-file=/nonexistent/imapconn/password",
		  "h.example.com");
	ck_assert_ptr_eq(strstr(formmodel_pw_note(m), "not read: "),
			 formmodel_pw_note(m));
	ck_assert_uint_eq(formmodel_pw_len(m), 0);
	ck_assert(!formmodel_ready(m));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_PASSWORD);
	formmodel_free(m);
}
END_TEST

/* ------------------------------------------------------------ token */

#define TOKEN_CMD "printf 'secret-token\\n'"

/* --oauth-token-command fills the field, counts as credentials and is
 * not run until a configuration is built. */
START_TEST(test_token_prefill)
{
	char dir[] = "/tmp/check-formmodel-XXXXXX", cmd[128], ran[64];
	struct formmodel *m;
	struct conn_config cfg;

	unsetenv("IMAPCONN_OAUTH_TOKEN");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ran, sizeof(ran), "%s/ran", dir);
	snprintf(cmd, sizeof(cmd), "--oauth-token-command=touch %s; "
		 TOKEN_CMD, ran);
	m = MODEL("-u", "bob", "--password-command=printf pw", cmd,
		  "h.example.com");
	ck_assert_str_eq(text(m, FORM_TOKEN), cmd + strlen("--oauth-token-"
							   "command="));
	ck_assert_str_eq(formmodel_token_note(m),
			 "its first line, read to connect");
	ck_assert_int_ne(access(ran, F_OK), 0);
	config_ok(m, &cfg);
	ck_assert_int_eq(access(ran, F_OK), 0);
	ck_assert(cfg.have_token);
	ck_assert_str_eq(cfg.oauth_token, "secret-token");
	ck_assert_str_eq(cfg.password, "pw");
	config_wipe(&cfg);
	formmodel_free(m);
	unlink(ran);
	rmdir(dir);
	/* No password with it: ready all the same, nothing to focus. */
	m = MODEL("-u", "bob", "--oauth-token-command=" TOKEN_CMD,
		  "h.example.com");
	ck_assert(formmodel_ready(m));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_HOST);
	formmodel_free(m);
}
END_TEST

/* A token command typed: the configuration holds the token and needs
 * no password; without it the password is asked for. */
START_TEST(test_token_typed)
{
	struct formmodel *m;
	struct conn_config cfg;
	char err[512] = "";

	unsetenv("IMAPCONN_OAUTH_TOKEN");
	m = MODEL("-u", "bob", "h.example.com");
	ck_assert_str_eq(text(m, FORM_TOKEN), "");
	ck_assert_str_eq(formmodel_token_note(m), "");
	ck_assert(!formmodel_ready(m));
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Password: "));
	formmodel_typed(m, FORM_TOKEN, "  " TOKEN_CMD " ");
	config_ok(m, &cfg);
	ck_assert(cfg.have_token);
	ck_assert_str_eq(cfg.oauth_token, "secret-token");
	ck_assert(!cfg.have_password);
	ck_assert_str_eq(cfg.user, "bob");
	config_wipe(&cfg);
	ck_assert(all_zero(cfg.oauth_token, sizeof(cfg.oauth_token)));
	formmodel_free(m);
}
END_TEST

/* IMAPCONN_OAUTH_TOKEN when the field is empty; the field's command
 * first. */
START_TEST(test_token_env)
{
	struct formmodel *m;
	struct conn_config cfg;

	ck_assert_int_eq(setenv("IMAPCONN_OAUTH_TOKEN", "env-token", 1), 0);
	m = MODEL("-u", "bob", "h.example.com");
	ck_assert_str_eq(formmodel_token_note(m),
			 "from IMAPCONN_OAUTH_TOKEN");
	ck_assert(formmodel_ready(m));
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.oauth_token, "env-token");
	config_wipe(&cfg);
	formmodel_typed(m, FORM_TOKEN, TOKEN_CMD);
	ck_assert_str_eq(formmodel_token_note(m),
			 "its first line, read to connect");
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.oauth_token, "secret-token");
	config_wipe(&cfg);
	ck_assert_int_eq(unsetenv("IMAPCONN_OAUTH_TOKEN"), 0);
	formmodel_free(m);
}
END_TEST

/* A command that fails: the reason names the field, not the token;
 * without a user no token is read. */
START_TEST(test_token_fails)
{
	struct formmodel *m;
	struct conn_config cfg;
	char err[512] = "";

	unsetenv("IMAPCONN_OAUTH_TOKEN");
	m = MODEL("-u", "bob", "h.example.com");
	formmodel_pw_add(m, "pw", 2);
	drop_focus(m);
	formmodel_typed(m, FORM_TOKEN, "printf leaked-token; exit 3");
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_eq(strstr(err, "Token command: "), err);
	ck_assert_ptr_nonnull(strstr(err, "exit status 3"));
	ck_assert_ptr_null(strstr(err, "leaked-token"));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_TOKEN);
	formmodel_typed(m, FORM_USER, "");
	config_ok(m, &cfg);
	ck_assert(!cfg.have_token);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* --auth fills the Auth field; naming only mechanisms without a
 * password, none is needed; a name typed wrong is refused there. */
START_TEST(test_token_auth)
{
	struct formmodel *m;
	struct conn_config cfg;
	char err[512] = "";

	unsetenv("IMAPCONN_OAUTH_TOKEN");
	m = MODEL("-u", "bob", "--auth=EXTERNAL,gssapi", "h.example.com");
	ck_assert_str_eq(text(m, FORM_AUTH), "gssapi,external");
	ck_assert(formmodel_ready(m));
	config_ok(m, &cfg);
	ck_assert_uint_eq(cfg.auth_mechs,
			  CONN_AUTH_GSSAPI | CONN_AUTH_EXTERNAL);
	ck_assert(!cfg.have_password);
	config_wipe(&cfg);
	formmodel_typed(m, FORM_AUTH, "scram-sha-256,plain");
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Password: "));
	ck_assert(formmodel_pw_add(m, "pw", 2));
	config_ok(m, &cfg);
	ck_assert_uint_eq(cfg.auth_mechs,
			  CONN_AUTH_SCRAM_SHA256 | CONN_AUTH_PLAIN);
	config_wipe(&cfg);
	drop_focus(m);
	formmodel_typed(m, FORM_AUTH, "scram,plain");
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_eq(strstr(err, "Auth: 'scram' is not a mechanism"),
			 err);
	ck_assert_int_eq(formmodel_take_focus(m), FORM_AUTH);
	formmodel_typed(m, FORM_AUTH, "");
	config_ok(m, &cfg);
	ck_assert_uint_eq(cfg.auth_mechs, 0);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* ------------------------------------------------------------ building */

/* A field typed wrong: the reason names it and it becomes the field to
 * focus. */
static const struct {
	enum formmodel_id id;
	const char *typed;
	const char *reason;	/* the start of the error */
} wrong[] = {
	{ FORM_HOST, "", "Host: type the server's name" },
	{ FORM_HOST, "h.example.com:99999", "host specification" },
	{ FORM_HOST, "(\"h.example.com\" :port x)", "host specification" },
	{ FORM_PORT, "0", "Port: " },
	{ FORM_PORT, "65536", "Port: " },
	{ FORM_PORT, "12a", "Port: " },
	{ FORM_PORT, "-1", "Port: " },
	{ FORM_PORT, "+1", "Port: " },
	{ FORM_TIMEOUT, "0", "Timeout (s): " },
	{ FORM_TIMEOUT, "-2", "Timeout (s): " },
	{ FORM_TIMEOUT, "abc", "Timeout (s): " },
	{ FORM_TIMEOUT, "2.5s", "Timeout (s): " },
	{ FORM_TIMEOUT, "86401", "Timeout (s): " },
	{ FORM_TIMEOUT, "nan", "Timeout (s): " },
	{ FORM_TIMEOUT, "inf", "Timeout (s): " },
	{ FORM_DEPTH, "101", "Verify depth: " },
	{ FORM_DEPTH, "x", "Verify depth: " },
};

#define NWRONG (sizeof(wrong) / sizeof(wrong[0]))

START_TEST(test_config_errors)
{
	struct formmodel *m = MODEL("h.example.com");
	struct conn_config cfg;
	char err[512] = "";

	drop_focus(m);
	formmodel_typed(m, wrong[_i].id, wrong[_i].typed);
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, wrong[_i].reason,
			      strlen(wrong[_i].reason)) == 0, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_int_eq(formmodel_take_focus(m), wrong[_i].id);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED),
			 formmodel_field(wrong[_i].id)->advanced);
	/* The detection builds from the same fields. */
	err[0] = '\0';
	{
		struct detect_params p;

		ck_assert_int_eq(formmodel_detect_params(m, &p, err,
							 sizeof(err)), -1);
	}
	ck_assert(err[0] != '\0');
	ck_assert_int_eq(formmodel_take_focus(m), wrong[_i].id);
	formmodel_free(m);
}
END_TEST

START_TEST(test_config_tls_versions)
{
	struct formmodel *m = MODEL("h.example.com");
	struct conn_config cfg;
	char err[512] = "";

	drop_focus(m);
	while (strcmp(text(m, FORM_TLSMIN), "1.3") != 0)
		formmodel_cycle(m, FORM_TLSMIN, 1);
	while (strcmp(text(m, FORM_TLSMAX), "1.2") != 0)
		formmodel_cycle(m, FORM_TLSMAX, 1);
	formmodel_show_advanced(m, false);
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "TLS min: above TLS max");
	ck_assert_int_eq(formmodel_take_focus(m), FORM_TLSMIN);
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 1);
	/* Equal, or either left at the default: fine. */
	formmodel_cycle(m, FORM_TLSMAX, 1);
	config_ok(m, &cfg);
	ck_assert_int_eq(cfg.ep.tls.min_version, TLSV_1_3);
	ck_assert_int_eq(cfg.ep.tls.max_version, TLSV_1_3);
	config_wipe(&cfg);
	formmodel_cycle(m, FORM_TLSMAX, 1);
	config_ok(m, &cfg);
	ck_assert_int_eq(cfg.ep.tls.max_version, TLSV_DEFAULT);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

START_TEST(test_config_missing_password)
{
	struct formmodel *m = MODEL("(\"h.example.com\" :certificate-password "
				    "\"kp-secret\")");
	struct conn_config cfg;
	char err[512] = "";

	drop_focus(m);
	formmodel_typed(m, FORM_USER, "bob");
	memset(&cfg, 0x55, sizeof(cfg));
	ck_assert_int_eq(formmodel_config(m, &cfg, err, sizeof(err)), -1);
	ck_assert_ptr_eq(strstr(err, "Password: type the password"), err);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_int_eq(formmodel_take_focus(m), FORM_PASSWORD);
	/* No secret left in what failed. */
	ck_assert(all_zero(cfg.password, sizeof(cfg.password)));
	ck_assert(all_zero(cfg.ep.tls.key_password,
			   sizeof(cfg.ep.tls.key_password)));
	/* With the password, the key's password comes along. */
	ck_assert(formmodel_pw_add(m, "pw", 2));
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.tls.key_password, "kp-secret");
	config_wipe(&cfg);
	ck_assert(all_zero(cfg.ep.tls.key_password,
			   sizeof(cfg.ep.tls.key_password)));
	/* The model's own copy, from the command line, stays when the
	 * Host no longer says it. */
	formmodel_typed(m, FORM_HOST, "h.example.com");
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.tls.key_password, "kp-secret");
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

START_TEST(test_config_fields)
{
	struct formmodel *m = MODEL("--timeout=2.5", "--select=Archive",
				    "--tunnel=cat", "imap.example.com");
	struct conn_config cfg;

	formmodel_typed(m, FORM_CAFILE, " /x/ca.pem ");
	formmodel_typed(m, FORM_SNI, "sni.example.com");
	formmodel_typed(m, FORM_DEPTH, "4");
	formmodel_cycle(m, FORM_VERIFY, 1);
	formmodel_cycle(m, FORM_PLAIN, 1);
	config_ok(m, &cfg);
	ck_assert(cfg.timeout_s == 2.5);
	ck_assert_str_eq(cfg.select, "Archive");
	ck_assert_str_eq(cfg.tunnel, "cat");
	ck_assert_str_eq(cfg.ep.tls.ca_file, "/x/ca.pem");
	ck_assert_str_eq(cfg.ep.tls.server_name, "sni.example.com");
	ck_assert_int_eq(cfg.ep.tls.verify_depth, 4);
	ck_assert(!cfg.ep.tls.verify);
	ck_assert(cfg.allow_plaintext_auth);
	config_wipe(&cfg);
	/* Empty: the defaults. */
	formmodel_typed(m, FORM_TIMEOUT, "");
	formmodel_typed(m, FORM_DEPTH, " ");
	config_ok(m, &cfg);
	ck_assert(cfg.timeout_s == 30);
	ck_assert_int_eq(cfg.ep.tls.verify_depth, -1);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* ------------------------------------------------------------ detection */

START_TEST(test_detect_params)
{
	struct formmodel *m = MODEL("-u", "bob", "mail.example.com");
	struct detect_params p;
	char err[512] = "";

	/* No password needed to probe. */
	ck_assert_msg(formmodel_detect_params(m, &p, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(p.name, "mail.example.com");
	ck_assert_uint_eq(p.port_tls, 993);
	ck_assert_uint_eq(p.port_starttls, 143);
	ck_assert(p.timeout_s == DETECT_TIMEOUT_S);
	ck_assert(p.tls.verify);
	tls_opts_wipe(&p.tls);
	/* A timeout typed counts; the one shown at the start does not. */
	formmodel_typed(m, FORM_TIMEOUT, "7");
	ck_assert_int_eq(formmodel_detect_params(m, &p, err, sizeof(err)),
			 0);
	ck_assert(p.timeout_s == 7);
	formmodel_typed(m, FORM_TIMEOUT, "30");
	ck_assert_int_eq(formmodel_detect_params(m, &p, err, sizeof(err)),
			 0);
	ck_assert(p.timeout_s == DETECT_TIMEOUT_S);
	/* The host of the Host field, whatever form. */
	formmodel_typed(m, FORM_HOST, "imaps://bob@[2001:db8::7]:1993");
	ck_assert_int_eq(formmodel_detect_params(m, &p, err, sizeof(err)),
			 0);
	ck_assert_str_eq(p.name, "2001:db8::7");
	ck_assert_uint_eq(p.port_tls, 993);
	/* An address: --detect gets it whole, for its autoconfig. */
	formmodel_typed(m, FORM_HOST, "alice@example.com");
	ck_assert_msg(formmodel_detect_params(m, &p, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(p.name, "alice@example.com");
	formmodel_typed(m, FORM_HOST, "al ice@example.com");
	ck_assert_int_eq(formmodel_detect_params(m, &p, err, sizeof(err)),
			 -1);
	formmodel_free(m);
}
END_TEST

START_TEST(test_detect_options)
{
	struct formmodel *m = MODEL("--detect-ports=995,1143", "--insecure",
				    "--server-name=sni.example.com",
				    "--timeout=9", "--ca-file=/x/ca.pem",
				    "mail.example.com");
	struct detect_params p;
	char err[512] = "";

	ck_assert_msg(formmodel_detect_params(m, &p, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(p.port_tls, 995);
	ck_assert_uint_eq(p.port_starttls, 1143);
	ck_assert(p.timeout_s == 9);
	/* Verification always; Server name is the name every probe
	 * checks, as --detect takes --server-name. */
	ck_assert(p.tls.verify);
	ck_assert_str_eq(p.tls.server_name, "sni.example.com");
	ck_assert_str_eq(p.tls.ca_file, "/x/ca.pem");
	tls_opts_wipe(&p.tls);
	formmodel_free(m);
}
END_TEST

/* A detected endpoint: host, port and TLS mode, a server name when the
 * certificate names another host. */
static void
detected(struct endpoint *ep, const char *host, uint16_t port, bool tls,
	 const char *sni)
{
	endpoint_init(ep);
	snprintf(ep->host, sizeof(ep->host), "%s", host);
	ep->port = port;
	ep->ssl = tls;
	ep->ssl_set = true;
	ep->starttls = tls ? STARTTLS_OFF : STARTTLS_REQUIRED;
	ep->starttls_set = true;
	snprintf(ep->tls.server_name, sizeof(ep->tls.server_name), "%s", sni);
}

START_TEST(test_fill)
{
	struct formmodel *m = MODEL("imaps://alice@old.example.com:1993/Sent");
	struct endpoint ep;
	struct conn_config cfg;

	formmodel_typed(m, FORM_TIMEOUT, "7");
	formmodel_typed(m, FORM_CAFILE, "/x/ca.pem");
	drop_focus(m);
	for (int i = 0; i < FORM_COUNT; i++)
		formmodel_take_change(m, (enum formmodel_id)i);
	detected(&ep, "mail.example.com", 143, false, "");
	formmodel_fill(m, &ep);
	ck_assert_str_eq(text(m, FORM_HOST), "mail.example.com");
	ck_assert_str_eq(text(m, FORM_PORT), "143");
	ck_assert_str_eq(text(m, FORM_TLS), "STARTTLS");
	ck_assert(formmodel_take_change(m, FORM_HOST));
	ck_assert(formmodel_take_change(m, FORM_PORT));
	ck_assert(formmodel_take_change(m, FORM_TLS));
	ck_assert(formmodel_host_ok(m));
	ck_assert_ptr_nonnull(strstr(formmodel_host_info(m),
				     "mail.example.com (a name)"));
	/* The other fields keep their values. */
	ck_assert_str_eq(text(m, FORM_USER), "alice");
	ck_assert_str_eq(text(m, FORM_TIMEOUT), "7");
	ck_assert_str_eq(text(m, FORM_CAFILE), "/x/ca.pem");
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 0);
	/* On to what a login still needs. */
	ck_assert_int_eq(formmodel_take_focus(m), FORM_PASSWORD);
	ck_assert(formmodel_pw_add(m, "pw", 2));
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.host, "mail.example.com");
	ck_assert_uint_eq(cfg.ep.port, 143);
	ck_assert(!cfg.ep.ssl);
	ck_assert_int_eq(cfg.ep.starttls, STARTTLS_REQUIRED);
	ck_assert_str_eq(cfg.user, "alice");
	ck_assert_str_eq(cfg.ep.tls.ca_file, "/x/ca.pem");
	ck_assert(cfg.timeout_s == 7);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

START_TEST(test_fill_sni)
{
	struct formmodel *m = MODEL(NO_WORDS);
	struct endpoint ep;
	struct conn_config cfg;

	formmodel_typed(m, FORM_HOST, "example.com");
	drop_focus(m);
	detected(&ep, "imap.provider.example", 993, true, "example.com");
	formmodel_fill(m, &ep);
	ck_assert_str_eq(text(m, FORM_HOST), "imap.provider.example");
	ck_assert_str_eq(text(m, FORM_PORT), "993");
	ck_assert_str_eq(text(m, FORM_TLS), "implicit");
	ck_assert_str_eq(text(m, FORM_SNI), "example.com");
	ck_assert_int_eq(formmodel_choice(m, FORM_ADVANCED), 1);
	ck_assert_int_eq(formmodel_take_focus(m), FORM_USER);
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.tls.server_name, "example.com");
	ck_assert_uint_eq(cfg.ep.port, 993);
	config_wipe(&cfg);
	/* An address, and both User and Password there: neither asked. */
	formmodel_typed(m, FORM_USER, "bob");
	ck_assert(formmodel_pw_add(m, "pw", 2));
	detected(&ep, "2001:db8::7", 143, false, "");
	formmodel_fill(m, &ep);
	ck_assert_str_eq(text(m, FORM_HOST), "2001:db8::7");
	ck_assert_str_eq(text(m, FORM_SNI), "");
	ck_assert(formmodel_host_ok(m));
	{
		int f = formmodel_take_focus(m);

		ck_assert_int_ne(f, FORM_USER);
		ck_assert_int_ne(f, FORM_PASSWORD);
	}
	config_ok(m, &cfg);
	ck_assert_str_eq(cfg.ep.host, "2001:db8::7");
	ck_assert_int_eq(cfg.ep.kind, ADDR_IPV6);
	config_wipe(&cfg);
	formmodel_free(m);
}
END_TEST

/* ------------------------------------------------------------ start */

START_TEST(test_ready)
{
	struct formmodel *m = MODEL("h.example.com");

	ck_assert(formmodel_ready(m));
	formmodel_free(m);
	m = MODEL("--form", "h.example.com");
	ck_assert(!formmodel_ready(m));
	ck_assert(formmodel_host_ok(m));
	formmodel_free(m);
	m = MODEL(NO_WORDS);
	ck_assert(!formmodel_ready(m));
	formmodel_free(m);
	m = MODEL("-u", "bob", "h.example.com");
	ck_assert(!formmodel_ready(m));
	formmodel_free(m);
	m = MODEL("--timeout=5");
	formmodel_typed(m, FORM_HOST, "h.example.com");
	ck_assert(!formmodel_ready(m));
	formmodel_free(m);
	formmodel_free(NULL);
}
END_TEST

Suite *
suite_formmodel(void)
{
	Suite *s = suite_create("formmodel");
	TCase *hosts = units_case(s, "hosts", test_plain_host, test_url_host,
				  test_host_port, test_host_info,
				  test_host_carries, NULL);
	TCase *password = units_case(s, "password", test_password_multibyte,
				     test_password_clear,
				     test_password_sources, NULL);
	TCase *building = units_case(s, "building",
				     test_config_tls_versions,
				     test_config_missing_password,
				     test_config_fields, test_detect_params,
				     test_detect_options, NULL);

	units_case(s, "fields", test_port_follows_tls,
		   test_port_from_command_line, test_tls_follows_port, test_choices_wrap,
		   test_advanced, test_take_change, test_take_focus,
		   test_typed_trimmed, NULL);
	units_case(s, "fill", test_fill, test_fill_sni, NULL);
	units_case(s, "start", test_ready, NULL);
	units_case(s, "token", test_token_prefill, test_token_typed,
		   test_token_env, test_token_fails, test_token_auth, NULL);
	tcase_add_loop_test(hosts, test_host_forms, 0, (int)(2 * NFORMS));
	tcase_add_loop_test(password, test_password_note, 0, 3);
	tcase_add_loop_test(building, test_config_errors, 0, (int)NWRONG);
	return s;
}
