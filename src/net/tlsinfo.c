/* tlsinfo.c - what else a TLS handshake agreed on, as text: the
 * server's key and signature algorithm, the key exchange group, forward
 * secrecy, the stapled OCSP answer, and whether the version or cipher
 * accepted is weak. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tlsinfo.h"

static void
key_words(X509 *leaf, struct tls_details *d)
{
	EVP_PKEY *k = leaf != NULL ? X509_get0_pubkey(leaf) : NULL;
	const char *type;
	char group[32] = "";
	size_t len = 0;

	if (k == NULL)
		return;
	type = EVP_PKEY_get0_type_name(k);
	if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
					   group, sizeof(group), &len) != 1)
		group[0] = '\0';
	snprintf(d->key, sizeof(d->key), "%s %d bits%s%s%s",
		 type != NULL ? type : "unknown", EVP_PKEY_get_bits(k),
		 group[0] ? " (" : "", group, group[0] ? ")" : "");
	snprintf(d->sig_alg, sizeof(d->sig_alg), "%s",
		 OBJ_nid2ln(X509_get_signature_nid(leaf)));
}

static const struct {
	int nid;
	const char *name;
	int fs;
} kx_kinds[] = {
	{ NID_kx_ecdhe, "ECDHE", 1 }, { NID_kx_dhe, "DHE", 1 },
	{ NID_kx_ecdhe_psk, "ECDHE-PSK", 1 }, { NID_kx_dhe_psk, "DHE-PSK", 1 },
	{ NID_kx_any, "any", 1 }, { NID_kx_rsa, "RSA", 0 },
	{ NID_kx_rsa_psk, "RSA-PSK", 0 }, { NID_kx_psk, "PSK", 0 },
};

static void
exchange_words(SSL *ssl, struct tls_details *d)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int nid = c != NULL ? SSL_CIPHER_get_kx_nid(c) : NID_undef;
	int g = SSL_get_negotiated_group(ssl);
	const char *gname = g != 0 ? SSL_group_to_name(ssl, g) : NULL;

	d->forward_secrecy = -1;
	for (size_t i = 0; i < sizeof(kx_kinds) / sizeof(kx_kinds[0]); i++)
		if (kx_kinds[i].nid == nid) {
			d->forward_secrecy = kx_kinds[i].fs;
			snprintf(d->kx, sizeof(d->kx), "%s", kx_kinds[i].name);
		}
	if (gname != NULL)
		snprintf(d->group, sizeof(d->group), "%s", gname);
}

/* Why what was accepted is weak, or "". */
static void
weak_words(SSL *ssl, struct tls_details *d)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int v = SSL_version(ssl);
	int cnid = c != NULL ? SSL_CIPHER_get_cipher_nid(c) : NID_undef;
	int bits = c != NULL ? SSL_CIPHER_get_bits(c, NULL) : 0;
	size_t n = 0;

	d->weak[0] = '\0';
	if (v != 0 && v < TLS1_2_VERSION)
		n += (size_t)snprintf(d->weak, sizeof(d->weak), "%s is "
				      "obsolete (RFC 8996)",
				      SSL_get_version(ssl));
	if (c == NULL || n >= sizeof(d->weak))
		return;
	if (cnid == NID_rc4 || cnid == NID_des_ede3_cbc || cnid == NID_des_cbc
	    || (bits > 0 && bits < 128))
		snprintf(d->weak + n, sizeof(d->weak) - n, "%sthe cipher %s "
			 "is broken or too short (%d bits)", n ? "; " : "",
			 SSL_CIPHER_get_name(c), bits);
	else if (d->forward_secrecy == 0)
		snprintf(d->weak + n, sizeof(d->weak) - n, "%sthe cipher %s "
			 "has no forward secrecy (RSA key exchange)",
			 n ? "; " : "", SSL_CIPHER_get_name(c));
	else if (v != 0 && v < TLS1_2_VERSION)
		snprintf(d->weak + n, sizeof(d->weak) - n, ", with the cipher "
			 "%s", SSL_CIPHER_get_name(c));
}

static void
gt_text(const ASN1_GENERALIZEDTIME *t, char *buf, size_t cap)
{
	struct tm tm;

	buf[0] = '\0';
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "-");
}

/* The status of leaf (issued by issuer) in the basic response bs. */
static void
ocsp_status(OCSP_BASICRESP *bs, X509 *leaf, X509 *issuer, bool signed_ok,
	    struct tls_details *d)
{
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, leaf, issuer);
	ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
	int status = -1, reason = 0;
	char a[32], b[32];

	if (id == NULL || OCSP_resp_find_status(bs, id, &status, &reason,
						&rev, &thisu, &nextu) != 1) {
		snprintf(d->ocsp, sizeof(d->ocsp), "stapled, but not about "
			 "this certificate");
		OCSP_CERTID_free(id);
		return;
	}
	OCSP_CERTID_free(id);
	gt_text(thisu, a, sizeof(a));
	gt_text(status == V_OCSP_CERTSTATUS_REVOKED ? rev : nextu, b,
		sizeof(b));
	snprintf(d->ocsp, sizeof(d->ocsp), "%s (%s %s, %s %s)%s",
		 status == V_OCSP_CERTSTATUS_GOOD ? "good" :
		 status == V_OCSP_CERTSTATUS_REVOKED ? "REVOKED" : "unknown",
		 "this update", a, status == V_OCSP_CERTSTATUS_REVOKED ?
		 "revoked" : "next update", b, signed_ok ? "" :
		 "; its signature NOT verified");
}

static void
ocsp_words(SSL *ssl, X509 *leaf, struct tls_details *d)
{
	const unsigned char *p = NULL;
	long len = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
	STACK_OF(X509) *vc = SSL_get0_verified_chain(ssl);
	X509_STORE *st = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
	OCSP_RESPONSE *r;
	OCSP_BASICRESP *bs;
	X509 *issuer = vc != NULL && sk_X509_num(vc) > 1 ?
		       sk_X509_value(vc, 1) : NULL;

	if (p == NULL || len <= 0) {
		snprintf(d->ocsp, sizeof(d->ocsp), "not stapled");
		return;
	}
	r = d2i_OCSP_RESPONSE(NULL, &p, len);
	bs = r != NULL && OCSP_response_status(r) ==
	     OCSP_RESPONSE_STATUS_SUCCESSFUL ? OCSP_response_get1_basic(r) :
	     NULL;
	if (bs == NULL || leaf == NULL || issuer == NULL)
		snprintf(d->ocsp, sizeof(d->ocsp), "stapled, unreadable");
	else
		ocsp_status(bs, leaf, issuer, OCSP_basic_verify(
			bs, SSL_get_peer_cert_chain(ssl), st, 0) == 1, d);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(r);
}

void
tlsinfo_fill(SSL *ssl, struct tls_details *d)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
	X509 *leaf = sk != NULL && sk_X509_num(sk) > 0 ?
		     sk_X509_value(sk, 0) : NULL;

	memset(d, 0, sizeof(*d));
	d->forward_secrecy = -1;
	ERR_set_mark();
	key_words(leaf, d);
	exchange_words(ssl, d);
	weak_words(ssl, d);
	ocsp_words(ssl, leaf, d);
	ERR_pop_to_mark();
}
