/* tlswarm.c - OpenSSL made ready on a thread of its own. */
#include <pthread.h>
#include <stdbool.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "thread.h"
#include "tlswarm.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t warm_thread;
static bool started, running;

/* The configuration, the providers and the algorithms a client
 * context fetches, left in OpenSSL's caches by a context made and
 * freed. */
static void *
warm_main(void *arg)
{
	(void)arg;
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) == 1)
		SSL_CTX_free(SSL_CTX_new(TLS_client_method()));
	ERR_clear_error();
	return NULL;
}

void
tlswarm_start(void)
{
	bool now;

	pthread_mutex_lock(&lock);
	now = !started;
	started = true;
	if (now)
		running = thread_start(&warm_thread, NULL, warm_main,
				       NULL) == 0;
	pthread_mutex_unlock(&lock);
	if (now && !running)
		warm_main(NULL);
}

void
tlswarm_wait(void)
{
	pthread_mutex_lock(&lock);
	if (running)
		pthread_join(warm_thread, NULL);
	running = false;
	pthread_mutex_unlock(&lock);
}
