/* check_truststore.c - the system bundle indexed once and decoded on
 * demand: what verification finds, and what it had to decode. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "certgen.h"
#include "check_units.h"
#include "truststore.h"

static char dir[64];
static char bundle[256];
static struct certgen_cert *root_a, *root_b, *leaf_a, *leaf_b, *stray;

static void
append(FILE *out, const char *name)
{
	char path[256], buf[4096];
	size_t n;
	FILE *in;

	ck_assert_int_eq(certgen_path(path, sizeof(path), dir, name), 0);
	in = fopen(path, "r");
	ck_assert_ptr_nonnull(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
}

/* Root A, root B and an unrelated root in one bundle, with a key block
 * between them that the index skips; a leaf under each of A and B, and
 * one under a root the bundle lacks. */
static void
pki_setup(void)
{
	struct certgen_spec s;
	struct certgen_cert *other;
	const struct certgen_cert *roots[2];
	FILE *fp;

	snprintf(dir, sizeof(dir), "/tmp/check_truststore-XXXXXX");
	ck_assert_int_eq(certgen_mkdtemp(dir), 0);
	certgen_spec_init(&s, "Bundle Root A");
	s.ca = true;
	root_a = certgen_make(&s, NULL);
	certgen_spec_init(&s, "Bundle Root B");
	s.ca = true;
	root_b = certgen_make(&s, NULL);
	certgen_spec_init(&s, "Not In The Bundle");
	s.ca = true;
	other = certgen_make(&s, NULL);
	certgen_spec_init(&s, "leaf a");
	leaf_a = certgen_make(&s, root_a);
	certgen_spec_init(&s, "leaf b");
	leaf_b = certgen_make(&s, root_b);
	certgen_spec_init(&s, "stray leaf");
	stray = certgen_make(&s, other);
	ck_assert_ptr_nonnull(stray);
	roots[0] = root_b;
	roots[1] = root_a;
	ck_assert_int_eq(certgen_write_chain(roots, 2, dir, "two.pem"), 0);
	ck_assert_int_eq(certgen_write_key(root_a, dir, "key.pem", NULL), 0);
	ck_assert_int_eq(certgen_write_cert(root_a, dir, "a.pem"), 0);
	ck_assert_int_eq(certgen_write_cert(root_b, dir, "b.pem"), 0);
	certgen_free(other);
	ck_assert_int_eq(certgen_path(bundle, sizeof(bundle), dir,
				      "bundle.pem"), 0);
	fp = fopen(bundle, "w");
	ck_assert_ptr_nonnull(fp);
	append(fp, "b.pem");
	append(fp, "key.pem");
	append(fp, "a.pem");
	ck_assert_int_eq(fclose(fp), 0);
}

static void
pki_teardown(void)
{
	certgen_free(root_a);
	certgen_free(root_b);
	certgen_free(leaf_a);
	certgen_free(leaf_b);
	certgen_free(stray);
	ck_assert_int_eq(certgen_rmdir(dir), 0);
}

static X509_STORE *
bundle_store(const char *path)
{
	X509_STORE *st = X509_STORE_new();

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(truststore_add_bundle(st, path), 0);
	return st;
}

/* Verify leaf against st; X509_V_OK or the error. */
static int
verify(X509_STORE *st, const struct certgen_cert *leaf)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int err;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(X509_STORE_CTX_init(ctx, st, certgen_x509(leaf),
					     NULL), 1);
	X509_verify_cert(ctx);
	err = X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return err;
}

START_TEST(test_nothing_read_before_a_lookup)
{
	struct truststore_stats a, b;
	X509_STORE *st;

	truststore_stats(&a);
	st = bundle_store(bundle);
	truststore_stats(&b);
	ck_assert_uint_eq(b.indexed, a.indexed);
	ck_assert_uint_eq(b.decoded, a.decoded);
	X509_STORE_free(st);
}
END_TEST

/* Each chain decodes only its own root; the file is indexed once for
 * both stores. */
START_TEST(test_decodes_only_the_issuer)
{
	struct truststore_stats a, b;
	X509_STORE *st1 = bundle_store(bundle), *st2 = bundle_store(bundle);

	truststore_stats(&a);
	ck_assert_int_eq(verify(st1, leaf_a), X509_V_OK);
	ck_assert_int_eq(verify(st1, leaf_a), X509_V_OK);
	ck_assert_int_eq(verify(st2, leaf_b), X509_V_OK);
	truststore_stats(&b);
	ck_assert_uint_le(b.indexed - a.indexed, 1);
	ck_assert_uint_eq(b.decoded - a.decoded, 2);
	X509_STORE_free(st1);
	X509_STORE_free(st2);
}
END_TEST

/* A root the store already holds (--ca-file) is found without the
 * bundle. */
START_TEST(test_own_ca_first)
{
	struct truststore_stats a, b;
	X509_STORE *st = bundle_store(bundle);

	ck_assert_int_eq(X509_STORE_add_cert(st, certgen_x509(root_a)), 1);
	truststore_stats(&a);
	ck_assert_int_eq(verify(st, leaf_a), X509_V_OK);
	truststore_stats(&b);
	ck_assert_uint_eq(b.decoded, a.decoded);
	X509_STORE_free(st);
}
END_TEST

START_TEST(test_unknown_root)
{
	X509_STORE *st = bundle_store(bundle);

	ck_assert_int_eq(verify(st, stray),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	X509_STORE_free(st);
}
END_TEST

START_TEST(test_missing_or_odd_file)
{
	char path[256];
	X509_STORE *st;

	ck_assert_int_eq(certgen_path(path, sizeof(path), dir, "none.pem"),
			 0);
	st = bundle_store(path);
	ck_assert_int_eq(verify(st, leaf_a),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	X509_STORE_free(st);
	/* A key block is skipped; the certificates after it still count. */
	ck_assert_int_eq(certgen_path(path, sizeof(path), dir, "key.pem"),
			 0);
	st = bundle_store(path);
	ck_assert_int_eq(verify(st, leaf_a),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	X509_STORE_free(st);
	/* Another path replaces the index. */
	ck_assert_int_eq(certgen_path(path, sizeof(path), dir, "two.pem"),
			 0);
	st = bundle_store(path);
	ck_assert_int_eq(verify(st, leaf_b), X509_V_OK);
	X509_STORE_free(st);
}
END_TEST

static void *
verify_thread(void *arg)
{
	int *err = arg;
	X509_STORE *st = bundle_store(bundle);

	*err = verify(st, leaf_a);
	if (*err == X509_V_OK)
		*err = verify(st, leaf_b);
	X509_STORE_free(st);
	return NULL;
}

/* Parallel probes share the index. */
START_TEST(test_threads_share_one_index)
{
	struct truststore_stats a, b;
	pthread_t th[4];
	int err[4], i;

	truststore_stats(&a);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, verify_thread,
						&err[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(err[i], X509_V_OK);
	}
	truststore_stats(&b);
	ck_assert_uint_le(b.indexed - a.indexed, 1);
	ck_assert_uint_eq(b.decoded - a.decoded, 8);
}
END_TEST

Suite *
suite_truststore(void)
{
	Suite *s = suite_create("truststore");
	TCase *tc = units_case(s, "bundle", test_nothing_read_before_a_lookup,
			       test_decodes_only_the_issuer, test_own_ca_first,
			       test_unknown_root, test_missing_or_odd_file,
			       test_threads_share_one_index, NULL);

	tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
	return s;
}
