/* sasl_server.c - a loopback IMAP server over TLS whose AUTHENTICATE is
 * GNU SASL's server: SCRAM with and without -PLUS, the channel binding
 * checked against its own side of the TLS connection.  One connection.
 *
 *   sasl_server --cert PEM --key PEM --port-file FILE --password PW
 *     [--mechs "SCRAM-SHA-256-PLUS SCRAM-SHA-256"] [--tls-max 1.2]
 *
 * It answers LIST with INBOX, LOGOUT with BYE, anything else with OK.
 * With --relay-to PORT it is instead a man in the middle with a trusted
 * certificate: it relays, through a TLS session of its own, to the
 * server on 127.0.0.1:PORT. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gsasl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#define LINE_MAX_ 8192

static SSL *ssl;
static const char *password;

static void
die(const char *what)
{
	fprintf(stderr, "sasl_server: %s\n", what);
	exit(2);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	char line[LINE_MAX_ + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (n < 0 || SSL_write(ssl, line, n) != n)
		die("write failed");
}

/* A line without CR LF; false at the end of the connection. */
static bool
read_line(char *buf, size_t cap)
{
	size_t n = 0;
	char c;

	while (SSL_read(ssl, &c, 1) == 1) {
		if (c == '\n') {
			if (n > 0 && buf[n - 1] == '\r')
				n--;
			buf[n] = '\0';
			return true;
		}
		if (n + 1 < cap)
			buf[n++] = c;
	}
	return false;
}

/* The channel binding of this side, base64, as GNU SASL takes it. */
static void
set_binding(Gsasl_session *sess, Gsasl_property prop)
{
	static const char label[] = "EXPORTER-Channel-Binding";
	unsigned char cb[64];
	size_t len = 0, n;
	char *b64;

	if (prop == GSASL_CB_TLS_EXPORTER && SSL_export_keying_material(ssl,
	    cb, 32, label, sizeof(label) - 1, NULL, 0, 0) == 1)
		len = 32;
	if (prop == GSASL_CB_TLS_UNIQUE)
		len = SSL_get_peer_finished(ssl, cb, sizeof(cb));
	if (len == 0 || gsasl_base64_to((char *)cb, len, &b64, &n) != 0)
		return;
	gsasl_property_set(sess, prop, b64);
	gsasl_free(b64);
}

static int
callback(Gsasl *ctx, Gsasl_session *sess, Gsasl_property prop)
{
	if (prop == GSASL_PASSWORD) {
		gsasl_property_set(sess, prop, password);
		return GSASL_OK;
	}
	if (prop == GSASL_CB_TLS_EXPORTER || prop == GSASL_CB_TLS_UNIQUE) {
		set_binding(sess, prop);
		return GSASL_OK;
	}
	return GSASL_NO_CALLBACK;
}

/* AUTHENTICATE mech [ir]: the exchange, then OK or NO. */
static void
authenticate(Gsasl *ctx, const char *tag, const char *mech, const char *ir)
{
	char in[LINE_MAX_], *out = NULL;
	Gsasl_session *sess;
	int rc;

	if (gsasl_server_start(ctx, mech, &sess) != GSASL_OK) {
		say("%s NO unknown mechanism\r\n", tag);
		return;
	}
	snprintf(in, sizeof(in), "%s", ir != NULL && strcmp(ir, "=") != 0
		 ? ir : "");
	if (ir == NULL) {
		say("+ \r\n");
		if (!read_line(in, sizeof(in)))
			exit(0);
	}
	for (;;) {
		rc = gsasl_step64(sess, in, &out);
		if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE)
			break;
		if (rc == GSASL_OK && (out == NULL || out[0] == '\0'))
			break;
		say("+ %s\r\n", out);
		gsasl_free(out);
		out = NULL;
		if (!read_line(in, sizeof(in)))
			exit(0);
		if (rc == GSASL_OK)
			break;
	}
	gsasl_free(out);
	fprintf(stderr, "sasl_server: %s %s\n", mech, gsasl_strerror(rc));
	if (rc == GSASL_OK)
		say("%s OK [CAPABILITY IMAP4rev1] %s done\r\n", tag, mech);
	else
		say("%s NO [AUTHENTICATIONFAILED] %s\r\n", tag,
		    gsasl_strerror(rc));
	gsasl_finish(sess);
}

static void
serve(Gsasl *ctx, const char *mechs)
{
	char line[LINE_MAX_], caps[400] = "", *save, *w;
	char buf[400];

	snprintf(buf, sizeof(buf), "%s", mechs);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		strncat(caps, " AUTH=", sizeof(caps) - strlen(caps) - 1);
		strncat(caps, w, sizeof(caps) - strlen(caps) - 1);
	}
	say("* OK [CAPABILITY IMAP4rev1 SASL-IR%s] ready\r\n", caps);
	while (read_line(line, sizeof(line))) {
		char *tag = strtok_r(line, " ", &save);
		char *cmd = strtok_r(NULL, " ", &save);

		if (tag == NULL || cmd == NULL)
			continue;
		if (strcasecmp(cmd, "AUTHENTICATE") == 0) {
			char *mech = strtok_r(NULL, " ", &save);
			char *ir = strtok_r(NULL, " ", &save);

			authenticate(ctx, tag, mech != NULL ? mech : "", ir);
		} else if (strcasecmp(cmd, "LIST") == 0) {
			say("* LIST () \"/\" INBOX\r\n%s OK done\r\n", tag);
		} else if (strcasecmp(cmd, "LOGOUT") == 0) {
			say("* BYE\r\n");
			say("%s OK\r\n", tag);
			break;
		} else {
			say("%s OK\r\n", tag);
		}
	}
}

/* Relay between ssl (the client's) and a TLS session of our own to
 * 127.0.0.1:port until either side ends. */
static void
relay(SSL_CTX *cctx, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	SSL *up;
	char buf[4096];
	int n;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("cannot connect to the server");
	up = SSL_new(cctx);
	if (up == NULL || SSL_set_fd(up, fd) != 1 || SSL_connect(up) != 1)
		die("TLS to the server failed");
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = SSL_get_fd(ssl), .events = POLLIN },
			{ .fd = fd, .events = POLLIN },
		};

		if (SSL_pending(ssl) == 0 && SSL_pending(up) == 0
		    && poll(p, 2, -1) < 0)
			break;
		if (SSL_pending(ssl) > 0 || (p[0].revents & POLLIN)) {
			n = SSL_read(ssl, buf, sizeof(buf));
			if (n <= 0 || SSL_write(up, buf, n) != n)
				break;
		}
		if (SSL_pending(up) > 0 || (p[1].revents & POLLIN)) {
			n = SSL_read(up, buf, sizeof(buf));
			if (n <= 0 || SSL_write(ssl, buf, n) != n)
				break;
		}
	}
	SSL_free(up);
	close(fd);
}

/* Listen on an ephemeral loopback port, written to port_file. */
static int
listen_loopback(const char *port_file)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char tmp[512];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	FILE *f;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0
	    || listen(fd, 1) != 0
	    || getsockname(fd, (struct sockaddr *)&a, &alen) != 0)
		die("cannot listen");
	snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
	f = fopen(tmp, "w");
	if (f == NULL)
		die("cannot write the port file");
	fprintf(f, "%u\n", ntohs(a.sin_port));
	fclose(f);
	if (rename(tmp, port_file) != 0)
		die("cannot write the port file");
	return fd;
}

int
main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *port_file = NULL;
	const char *mechs = "SCRAM-SHA-256-PLUS SCRAM-SHA-256";
	bool tls12 = false;
	int relay_port = 0;
	SSL_CTX *sctx;
	Gsasl *ctx;
	int lfd, fd;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--cert") == 0)
			cert = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0)
			key = argv[i + 1];
		else if (strcmp(argv[i], "--port-file") == 0)
			port_file = argv[i + 1];
		else if (strcmp(argv[i], "--password") == 0)
			password = argv[i + 1];
		else if (strcmp(argv[i], "--mechs") == 0)
			mechs = argv[i + 1];
		else if (strcmp(argv[i], "--relay-to") == 0)
			relay_port = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--tls-max") == 0)
			tls12 = strcmp(argv[i + 1], "1.2") == 0;
	}
	if (cert == NULL || key == NULL || port_file == NULL
	    || (password == NULL && relay_port == 0))
		die("usage: --cert PEM --key PEM --port-file F --password PW");
	sctx = SSL_CTX_new(TLS_server_method());
	if (sctx == NULL
	    || SSL_CTX_use_certificate_chain_file(sctx, cert) != 1
	    || SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
		die("cannot load the certificate");
	if (tls12)
		SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
	if (gsasl_init(&ctx) != GSASL_OK)
		die("gsasl_init");
	gsasl_callback_set(ctx, callback);
	alarm(60);
	lfd = listen_loopback(port_file);
	fd = accept(lfd, NULL, NULL);
	ssl = SSL_new(sctx);
	if (fd < 0 || ssl == NULL || SSL_set_fd(ssl, fd) != 1
	    || SSL_accept(ssl) != 1)
		die("TLS handshake failed");
	if (relay_port > 0)
		relay(SSL_CTX_new(TLS_client_method()), relay_port);
	else
		serve(ctx, mechs);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	close(lfd);
	SSL_CTX_free(sctx);
	gsasl_done(ctx);
	return 0;
}
