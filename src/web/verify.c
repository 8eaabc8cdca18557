/*
 * verify.c - password checks off the event loop.
 *
 * An argon2id check costs tens of milliseconds and 64 MiB by design; on
 * the loop that carries every call's audio in 20 ms packets it would
 * stall the media of the whole box at each login. So the daemon checks
 * passwords on one worker thread: the login handler queues the check and
 * leaves its request unanswered; the worker runs argon2id on its own
 * copies of the hash and the password and hands the verdict back through
 * libre's thread-safe mqueue; the loop then finishes the login (session,
 * throttling) and answers on the kept connection.
 *
 * One worker, checks in order: at most one argon2id's memory at a time,
 * and a flood of logins waits its turn (beyond VERIFY_PENDING_MAX waiting,
 * a login is refused with 429) instead of eating the box. Without a
 * listener (tests, the fuzzer) there is no worker and logins are checked
 * inline, as before.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "core/sched.h"
#include "web/web_int.h"

#include <re_mqueue.h> /* after web_int.h: it needs re_types */

#define VERIFY_PENDING_MAX 64

/* One login waiting for its verdict. */
struct web_login {
	struct le le;  /* in the worker's queue (under mu) */
	struct le ple; /* in the loop's pending list until answered */
	struct web *w;
	struct http_conn *conn; /* referenced; NULL until attached */
	char user[CONFIG_NAME_MAX];
	char hash[CONFIG_HASH_MAX];
	char password[1024];
	char key[64]; /* the throttling key of the address */
	bool cookie;
	bool ok; /* the worker's verdict */
};

struct web_verifier {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct list todo; /* struct web_login, for the worker (under mu) */
	bool stop;        /* under mu */
	struct mqueue *mq;
	struct list pending; /* every login not answered yet (loop only) */
	size_t npending;
};

static void login_free(struct web_login *l)
{
	list_unlink(&l->le);
	list_unlink(&l->ple);
	mem_deref(l->conn);
	sodium_memzero(l->password, sizeof(l->password));
	free(l);
}

/* The worker: argon2id on its own copies, the verdict to the loop. */
static void *worker(void *arg)
{
	struct web_verifier *v = arg;

	sched_worker_normal(); /* a check holds a CPU for half a second */
	for (;;) {
		struct web_login *l;

		pthread_mutex_lock(&v->mu);
		while (!v->stop && !v->todo.head)
			pthread_cond_wait(&v->cond, &v->mu);
		if (v->stop) {
			pthread_mutex_unlock(&v->mu);
			return NULL;
		}
		l = v->todo.head->data;
		list_unlink(&l->le);
		pthread_mutex_unlock(&v->mu);
		l->ok = l->hash[0] &&
		        crypto_pwhash_str_verify(l->hash, l->password,
		                                 strlen(l->password)) == 0;
		sodium_memzero(l->password, sizeof(l->password));
		if (mqueue_push(v->mq, 0, l))
			l->ok = false; /* lost: the loop never hears of it */
	}
}

/* On the loop: the verdict is in; finish the login and answer. */
static void verdict_h(int id, void *data, void *arg)
{
	struct web_login *l = data;
	struct web_verifier *v = arg;
	struct web_reply r;

	(void)id;
	memset(&r, 0, sizeof(r));
	v->npending--;
	web_login_finish(l->w, l->user, l->ok, l->cookie, l->key, &r);
	if (l->conn)
		web_reply_send(l->conn, &r);
	web_reply_reset(&r);
	login_free(l);
}

int web_verify_start(struct web *w)
{
	struct web_verifier *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return ENOMEM;
	pthread_mutex_init(&v->mu, NULL);
	pthread_cond_init(&v->cond, NULL);
	err = mqueue_alloc(&v->mq, verdict_h, v);
	if (!err)
		err = pthread_create(&v->thread, NULL, worker, v);
	if (err) {
		mem_deref(v->mq);
		pthread_cond_destroy(&v->cond);
		pthread_mutex_destroy(&v->mu);
		free(v);
		return err;
	}
	w->verifier = v;
	return 0;
}

void web_verify_stop(struct web *w)
{
	struct web_verifier *v = w->verifier;

	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	v->stop = true;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->mu);
	pthread_join(v->thread, NULL);
	/* the worker is gone: what it did not take, and what it finished
	 * but the loop has not read, are dropped unanswered */
	v->mq = mem_deref(v->mq);
	while (v->pending.head)
		login_free(v->pending.head->data);
	pthread_cond_destroy(&v->cond);
	pthread_mutex_destroy(&v->mu);
	free(v);
	w->verifier = NULL;
}

bool web_verify_submit(struct web *w, const char *user, const char *hash,
                       const char *password, bool cookie, const char *key,
                       struct web_reply *r)
{
	struct web_verifier *v = w->verifier;
	struct web_login *l;

	if (v->npending >= VERIFY_PENDING_MAX) {
		r->retry_after = 1;
		web_reply_error(r, 429, "throttled",
		                "too many sign-ins at once; try again");
		return false;
	}
	l = calloc(1, sizeof(*l));
	if (!l || strlen(password) >= sizeof(l->password)) {
		free(l);
		web_reply_error(r, 500, "internal", "out of memory");
		return false;
	}
	l->w = w;
	l->cookie = cookie;
	snprintf(l->user, sizeof(l->user), "%s", user);
	snprintf(l->hash, sizeof(l->hash), "%s", hash ? hash : "");
	snprintf(l->password, sizeof(l->password), "%s", password);
	snprintf(l->key, sizeof(l->key), "%s", key);
	list_append(&v->pending, &l->ple, l);
	v->npending++;
	r->deferred = l;
	pthread_mutex_lock(&v->mu);
	list_append(&v->todo, &l->le, l);
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->mu);
	return true;
}

void web_verify_attach(struct web_login *l, struct http_conn *conn)
{
	l->conn = mem_ref(conn);
}
