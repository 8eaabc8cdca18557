/*
 * worker.c - IMAP and SMTP on a thread of their own.
 *
 * libcurl's easy interface blocks for the length of a login, a search, a
 * fetch of a large mail or an SMTP transaction: on the loop that carries
 * every call's audio in 20 ms packets that is not acceptable, and its
 * multi interface would tie every step of a mail to a state machine on
 * the loop for no gain at a few mails a second. So one worker does the
 * talking: it polls each mailbox (UID SEARCH for what is not taken yet),
 * fetches and parses new mails (GMime: decoding is CPU work too), saves
 * their attachments, and hands each mail to the loop (a list, with
 * libre's mqueue to wake the loop). It marks a mail taken only when the
 * loop says so, after the contact's commit (email_worker_taken()); until
 * then the mail stays "in flight" and is not fetched twice. It sends
 * mails and tells the loop of each attempt; a stop lets the SMTP
 * transaction in hand finish and its outcome reach the loop.
 *
 * Each mailbox also has an IMAP IDLE connection (idle.c): the worker
 * waits in poll() on those sockets and on an eventfd that the loop's
 * jobs ring, and a mailbox whose IDLE says new mail is polled at once.
 * The poll every email.poll (5 s by default) stays, for servers without
 * IDLE and while an IDLE connection is broken.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <re.h>
#include <sodium.h>

#include "core/log.h"
#include "core/sched.h"
#include "email/email_int.h"

#include <re_mqueue.h>

/* The keyword that marks a mail as taken; \Seen goes with it. */
#define TAKEN_FLAG    "$CentralinoTaken"
#define SEND_ATTEMPTS 5
#define INFLIGHT_MAX  1000 /* mails handed to the loop, per mailbox */
#define FETCH_BATCH   50   /* mails fetched per mailbox per poll */

enum job_kind { JOB_TAKEN = 0, JOB_RELEASE, JOB_SEND };

struct job {
	struct le le;
	enum job_kind kind;
	size_t mailbox;
	uint32_t uid;
	uint64_t key, outbox;
	char *message_id, *rcpt, *text;
	size_t len;
	unsigned attempts;
	int64_t not_before; /* ms, CLOCK_MONOTONIC */
};

enum result_kind { RES_FETCHED = 1, RES_SENT };

struct result {
	struct le le;
	enum result_kind kind;
	size_t mailbox;
	uint32_t uid;
	struct email_mail *m;
	uint64_t key, outbox;
	char *message_id;
	int err;
	unsigned attempts;
	bool final;
	char error[160];
};

struct box {
	CURL *h; /* one IMAP login, kept */
	struct email_idle *idle;
	bool news; /* IDLE said new mail: poll now */
	uint32_t inflight[INFLIGHT_MAX];
	size_t ninflight;
	bool failing; /* logged once until it works again */
};

struct email_worker {
	struct email_worker_params p;
	pthread_t thread;
	pthread_mutex_t mu;
	struct list todo;  /* struct job (under mu) */
	struct list done;  /* struct result for the loop (under mu) */
	bool stop;         /* under mu */
	struct list later; /* sends waiting for a retry (worker only) */
	struct mqueue *mq;
	int wakefd; /* eventfd: a job or the stop for the worker */
	struct box *boxes;
	bool started;
};

/* A growing buffer that stops growing at max (the rest is counted). */
struct buf {
	char *p;
	size_t len, cap, max;
	bool cut;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void job_free(struct job *j)
{
	list_unlink(&j->le);
	free(j->message_id);
	free(j->rcpt);
	free(j->text);
	free(j);
}

/*
 * Hand r to the loop. Results wait in w->done and the mqueue only wakes
 * the loop: a result in the pipe when the daemon stops would be lost
 * with it, and an answer sent but not recorded as sent would be sent
 * again at the next start. email_worker_stop() delivers what is left.
 */
static void hand(struct email_worker *w, struct result *r,
                 enum result_kind kind)
{
	r->kind = kind;
	pthread_mutex_lock(&w->mu);
	list_append(&w->done, &r->le, r);
	pthread_mutex_unlock(&w->mu);
	/* a lost wake-up is made up by the next one, or by the stop */
	(void)mqueue_push(w->mq, kind, NULL);
}

static bool stopping(struct email_worker *w)
{
	bool stop;

	pthread_mutex_lock(&w->mu);
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

static size_t buf_write(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t len = size * n, room;

	room = b->max > b->len ? b->max - b->len : 0;
	if (len > room)
		b->cut = true;
	if (len < room)
		room = len;
	if (b->len + room + 1 > b->cap) {
		size_t cap = (b->len + room + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p)
			return 0; /* aborts the transfer */
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, room);
	b->len += room;
	b->p[b->len] = '\0';
	return len;
}

/* Perform h with url and the custom command (NULL: a fetch) into b. */
void email_curl_setup(void *h, const struct config_mailbox *mb, const char *url,
                      const char *user, const char *password, long timeout_ms)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password);
	}
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (mb->tls_ca[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, mb->tls_ca);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
}

static CURLcode imap_do(struct email_worker *w, const struct config_mailbox *mb,
                        CURL *h, const char *url, const char *command,
                        struct buf *b)
{
	email_curl_setup(h, mb, url, mb->user, mb->password, 120000L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	(void)w;
	return curl_easy_perform(h);
}

/* The mailbox URL without a trailing '/'. */
static void base_url(const struct config_mailbox *mb, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%s", mb->imap);
	n = strlen(buf);
	while (n && buf[n - 1] == '/')
		buf[--n] = '\0';
}

static bool inflight(const struct box *b, uint32_t uid)
{
	for (size_t i = 0; i < b->ninflight; i++)
		if (b->inflight[i] == uid)
			return true;
	return false;
}

static void inflight_del(struct box *b, uint32_t uid)
{
	for (size_t i = 0; i < b->ninflight; i++)
		if (b->inflight[i] == uid) {
			b->inflight[i] = b->inflight[--b->ninflight];
			return;
		}
}

/* Save a's bytes under dir by their SHA-256: the same file once, and a
 * mail fetched again after a crash finds its attachments there. */
static void save_attachment(const char *dir, struct email_attachment *a)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1], path[CONFIG_PATH_MAX + 80],
	    tmp[sizeof(path) + 8];
	struct stat st;
	FILE *f;

	if (!a->data || !dir[0])
		return;
	crypto_hash_sha256(h, a->data, a->size);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	if (stat(path, &st)) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		f = fopen(tmp, "wb");
		if (!f || fwrite(a->data, 1, a->size, f) != a->size ||
		    fflush(f) || fsync(fileno(f))) {
			if (f)
				fclose(f);
			unlink(tmp);
			log_event(LOG_ERROR, "email.attachment-failed",
			          "dir=%s error=\"%s\"", dir, strerror(errno));
			return;
		}
		fclose(f);
		if (rename(tmp, path)) {
			unlink(tmp);
			return;
		}
	}
	a->path = strdup(path);
	free(a->data);
	a->data = NULL;
}

/* Fetch and parse one mail, hand it to the loop. */
static void fetch_one(struct email_worker *w, size_t i, uint32_t uid)
{
	const struct config_mailbox *mb = &w->p.cfg->mailboxes[i];
	struct box *b = &w->boxes[i];
	struct buf raw = {.max = w->p.cfg->max_message_bytes};
	char url[CONFIG_URL_MAX + 32], base[CONFIG_URL_MAX];
	struct result *r;
	CURLcode rc;

	base_url(mb, base, sizeof(base));
	snprintf(url, sizeof(url), "%s/;UID=%u", base, uid);
	rc = imap_do(w, mb, b->h, url, NULL, &raw);
	if (rc != CURLE_OK || !raw.p) {
		log_event(LOG_WARN, "email.fetch-failed",
		          "mailbox=%s uid=%u error=\"%s\"", mb->name, uid,
		          curl_easy_strerror(rc));
		free(raw.p);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r || email_mime_parse(raw.p, raw.len,
	                           w->p.cfg->max_attachment_bytes, &r->m)) {
		free(r);
		free(raw.p);
		return;
	}
	r->m->truncated = raw.cut;
	free(raw.p);
	for (size_t k = 0; k < r->m->natt; k++)
		save_attachment(w->p.attachments, &r->m->att[k]);
	r->mailbox = i;
	r->uid = uid;
	b->inflight[b->ninflight++] = uid;
	hand(w, r, RES_FETCHED);
}

/* One look at mailbox i: what is not taken yet, fetched in UID order. */
static void poll_box(struct email_worker *w, size_t i)
{
	const struct config_mailbox *mb = &w->p.cfg->mailboxes[i];
	struct box *b = &w->boxes[i];
	struct buf out = {.max = 1 << 20};
	char base[CONFIG_URL_MAX];
	const char *p;
	unsigned fetched = 0;
	CURLcode rc;

	base_url(mb, base, sizeof(base));
	rc = imap_do(w, mb, b->h, base, "UID SEARCH UNKEYWORD " TAKEN_FLAG,
	             &out);
	if (rc != CURLE_OK) {
		if (!b->failing)
			log_event(LOG_ERROR, "email.imap-failed",
			          "mailbox=%s error=\"%s\"", mb->name,
			          curl_easy_strerror(rc));
		b->failing = true;
		free(out.p);
		return;
	}
	if (b->failing)
		log_event(LOG_INFO, "email.imap-recovered", "mailbox=%s",
		          mb->name);
	b->failing = false;
	p = out.p ? strstr(out.p, "SEARCH") : NULL;
	for (p = p ? p + 6 : NULL; p && *p && *p != '\r' && *p != '\n';) {
		char *end;
		unsigned long uid = strtoul(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		p = end;
		if (!uid || uid > UINT32_MAX || inflight(b, (uint32_t)uid) ||
		    b->ninflight == INFLIGHT_MAX || fetched == FETCH_BATCH)
			continue;
		fetch_one(w, i, (uint32_t)uid);
		fetched++;
	}
	free(out.p);
}

static void mark_taken(struct email_worker *w, size_t i, uint32_t uid)
{
	const struct config_mailbox *mb = &w->p.cfg->mailboxes[i];
	struct buf out = {.max = 4096};
	char base[CONFIG_URL_MAX], cmd[96];
	CURLcode rc;

	base_url(mb, base, sizeof(base));
	snprintf(cmd, sizeof(cmd), "UID STORE %u +FLAGS (\\Seen %s)", uid,
	         TAKEN_FLAG);
	rc = imap_do(w, mb, w->boxes[i].h, base, cmd, &out);
	free(out.p);
	if (rc != CURLE_OK)
		/* on record all the same: fetched again, found a duplicate
		 * by its Message-ID and marked then */
		log_event(LOG_WARN, "email.mark-failed",
		          "mailbox=%s uid=%u error=\"%s\"", mb->name, uid,
		          curl_easy_strerror(rc));
	else
		log_event(LOG_DEBUG, "email.marked", "mailbox=%s uid=%u",
		          mb->name, uid);
	inflight_del(&w->boxes[i], uid);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t upload_read(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t len = size * n < u->left ? size * n : u->left;

	memcpy(dst, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

/* One SMTP transaction; 0 or EIO with what went wrong in error. */
static int smtp_send(const struct config_mailbox *mb, const struct job *j,
                     char *error, size_t size)
{
	struct curl_slist *rcpt = NULL;
	struct upload u = {.p = j->text, .left = j->len};
	char from[CONFIG_EMAIL_TEXT_MAX + 2], to[400];
	CURL *h = curl_easy_init();
	CURLcode rc;

	if (!h)
		return ENOMEM;
	snprintf(from, sizeof(from), "<%s>", mb->address);
	snprintf(to, sizeof(to), "<%s>", j->rcpt);
	rcpt = curl_slist_append(rcpt, to);
	email_curl_setup(h, mb, mb->smtp,
	                 mb->smtp_user[0] ? mb->smtp_user : NULL,
	                 mb->smtp_password, 60000L);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		long code = 0;

		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code)
			snprintf(error, size, "%s (SMTP %ld)",
			         curl_easy_strerror(rc), code);
		else
			snprintf(error, size, "%s", curl_easy_strerror(rc));
		log_event(LOG_WARN, "email.smtp-failed",
		          "mailbox=%s contact=%llu attempt=%u error=\"%s\"",
		          mb->name, (unsigned long long)j->key, j->attempts + 1,
		          error);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : EIO;
}

/* The wait before try n + 1: 2 s, 4 s, 8 s ... at most 5 minutes. */
static int64_t backoff_ms(unsigned n)
{
	int64_t ms = 1000LL << (n < 20 ? n : 20);

	return ms < 300000 ? ms : 300000;
}

/* Tell the loop how attempt j->attempts went. */
static void report(struct email_worker *w, const struct job *j, int err,
                   const char *error, bool final)
{
	struct result *r = calloc(1, sizeof(*r));

	if (!r)
		return;
	r->key = j->key;
	r->outbox = j->outbox;
	r->message_id = strdup(j->message_id);
	r->err = err;
	r->attempts = j->attempts;
	r->final = final;
	snprintf(r->error, sizeof(r->error), "%s", error);
	if (!r->message_id) {
		free(r);
		return;
	}
	hand(w, r, RES_SENT);
}

/*
 * Send j, or keep it for a later try. The loop hears of every attempt of
 * an outbox answer (the store records them) and of the last of others.
 */
static void send_job(struct email_worker *w, struct job *j)
{
	const struct config_mailbox *mb = &w->p.cfg->mailboxes[j->mailbox];
	char error[160] = "";
	int err = smtp_send(mb, j, error, sizeof(error));
	unsigned max = j->outbox ? EMAIL_OUTBOX_ATTEMPTS : SEND_ATTEMPTS;
	bool final;

	j->attempts++;
	final = !err || j->attempts >= max;
	if (j->outbox || final)
		report(w, j, err, error, final);
	if (!final) {
		j->not_before = mono_ms() + backoff_ms(j->attempts);
		list_append(&w->later, &j->le, j);
		return;
	}
	job_free(j);
}

static void run_job(struct email_worker *w, struct job *j)
{
	switch (j->kind) {
	case JOB_TAKEN:
		mark_taken(w, j->mailbox, j->uid);
		break;
	case JOB_RELEASE:
		inflight_del(&w->boxes[j->mailbox], j->uid);
		break;
	case JOB_SEND:
		send_job(w, j);
		return;
	}
	job_free(j);
}

/* Sends whose retry is due go back to the queue. */
static void retries_due(struct email_worker *w, struct list *todo)
{
	int64_t now = mono_ms();
	struct le *le = w->later.head;

	while (le) {
		struct job *j = le->data;

		le = le->next;
		if (j->not_before <= now) {
			list_unlink(&j->le);
			list_append(todo, &j->le, j);
		}
	}
}

/* Wake the worker: a job, or the stop. */
static void wake(struct email_worker *w)
{
	uint64_t one = 1;

	if (write(w->wakefd, &one, sizeof(one)) < 0) {
		/* full (never, at 2^64 - 1) or closed: nothing to wake */
	}
}

/* Run each mailbox's IDLE connection; true if one has news. */
static bool idle_all(struct email_worker *w)
{
	bool any = false;
	int64_t now = mono_ms();

	for (size_t i = 0; i < w->p.cfg->nmailboxes; i++)
		if (email_idle_run(w->boxes[i].idle, now)) {
			w->boxes[i].news = true;
			any = true;
		}
	return any;
}

/* The first of: the next poll, an IDLE's deadline, a retry. */
static int64_t next_wake(struct email_worker *w, int64_t next_poll)
{
	int64_t at = next_poll;

	for (size_t i = 0; i < w->p.cfg->nmailboxes; i++) {
		int64_t d = email_idle_deadline(w->boxes[i].idle);

		if (d < at)
			at = d;
	}
	for (struct le *le = w->later.head; le; le = le->next) {
		const struct job *j = le->data;

		if (j->not_before < at)
			at = j->not_before;
	}
	return at;
}

/* Sleep until at, a job (the eventfd) or input on an IDLE socket. */
static void wait_events(struct email_worker *w, int64_t at)
{
	size_t n = w->p.cfg->nmailboxes, k = 1;
	struct pollfd *fds = calloc(n + 1, sizeof(*fds));
	int64_t ms = at - mono_ms();
	uint64_t count;

	if (!fds) {
		(void)poll(NULL, 0, 100); /* and try again */
		return;
	}
	fds[0].fd = w->wakefd;
	fds[0].events = POLLIN;
	for (size_t i = 0; i < n; i++) {
		int fd = email_idle_fd(w->boxes[i].idle);

		if (fd >= 0) {
			fds[k].fd = fd;
			fds[k++].events = POLLIN;
		}
	}
	if (ms > 3600000)
		ms = 3600000;
	if (ms > 0 && poll(fds, k, (int)ms) > 0 && (fds[0].revents & POLLIN))
		if (read(w->wakefd, &count, sizeof(count)) < 0) {
			/* EAGAIN: another read took it */
		}
	free(fds);
}

/* Take the jobs; false at a stop. */
static bool take_jobs(struct email_worker *w, struct list *todo)
{
	bool stop;

	pthread_mutex_lock(&w->mu);
	stop = w->stop;
	while (!stop && w->todo.head) {
		struct le *le = w->todo.head;

		list_unlink(le);
		list_append(todo, le, le->data);
	}
	pthread_mutex_unlock(&w->mu);
	return !stop;
}

/* Give back the jobs a stop left undone, for email_worker_stop(). */
static void give_back(struct email_worker *w, struct list *todo)
{
	pthread_mutex_lock(&w->mu);
	while (todo->head) {
		struct le *le = todo->head;

		list_unlink(le);
		list_append(&w->todo, le, le->data);
	}
	pthread_mutex_unlock(&w->mu);
}

/*
 * Poll every mailbox when due, and at once those IDLE woke. A woken one
 * gets a NOOP first: Dovecot brings a session's view of the mailbox up
 * to date after a command, not before, so a SEARCH alone would not see
 * the mail that IDLE told of on the other connection.
 */
static int64_t polls(struct email_worker *w, int64_t next_poll)
{
	bool all = mono_ms() >= next_poll;

	for (size_t i = 0; i < w->p.cfg->nmailboxes; i++) {
		if (w->boxes[i].news) {
			struct buf out = {.max = 1 << 16};
			char base[CONFIG_URL_MAX];

			base_url(&w->p.cfg->mailboxes[i], base, sizeof(base));
			(void)imap_do(w, &w->p.cfg->mailboxes[i], w->boxes[i].h,
			              base, "NOOP", &out);
			free(out.p);
		}
		if (all || w->boxes[i].news)
			poll_box(w, i);
		w->boxes[i].news = false;
	}
	return all ? mono_ms() + w->p.cfg->poll : next_poll;
}

static void *worker(void *arg)
{
	struct email_worker *w = arg;
	int64_t next_poll = 0;

	sched_worker_normal(); /* parsing mail must not delay the audio */
	for (;;) {
		struct list todo = LIST_INIT;
		bool idle;

		if (!take_jobs(w, &todo))
			return NULL;
		retries_due(w, &todo);
		/* a stop lets the job in hand finish, starts no other */
		while (todo.head && !stopping(w)) {
			struct job *j = todo.head->data;

			list_unlink(&j->le);
			run_job(w, j);
		}
		if (todo.head) {
			give_back(w, &todo);
			continue;
		}
		next_poll = polls(w, next_poll);
		idle = idle_all(w);
		pthread_mutex_lock(&w->mu);
		idle = idle || w->stop || w->todo.head;
		pthread_mutex_unlock(&w->mu);
		if (!idle)
			wait_events(w, next_wake(w, next_poll));
	}
}

/* One result on the loop; at a stop (!running) a fetched mail is only
 * freed: not marked, it is fetched again at the next start. */
static void deliver(struct email_worker *w, struct result *r, bool running)
{
	if (r->kind == RES_FETCHED) {
		if (running)
			w->p.fetchedh(r->mailbox, r->uid, r->m, w->p.arg);
		else
			email_mail_free(r->m);
	} else {
		struct email_sent s = {
		    .key = r->key,
		    .outbox = r->outbox,
		    .message_id = r->message_id,
		    .err = r->err,
		    .error = r->error,
		    .attempts = r->attempts,
		    .final = r->final,
		};

		w->p.senth(&s, w->p.arg);
	}
	free(r->message_id);
	free(r);
}

/* Everything the worker handed over so far, in order. */
static void results_deliver(struct email_worker *w, bool running)
{
	struct list l = LIST_INIT;

	pthread_mutex_lock(&w->mu);
	while (w->done.head) {
		struct le *le = w->done.head;

		list_unlink(le);
		list_append(&l, le, le->data);
	}
	pthread_mutex_unlock(&w->mu);
	while (l.head) {
		struct result *r = l.head->data;

		list_unlink(&r->le);
		deliver(w, r, running);
	}
}

/* On the loop: the worker has handed something over. */
static void result_h(int id, void *data, void *arg)
{
	(void)id;
	(void)data;
	results_deliver(arg, true);
}

int email_worker_start(struct email_worker **wp,
                       const struct email_worker_params *p)
{
	struct email_worker *w = calloc(1, sizeof(*w));
	int err = 0;

	if (!w)
		return ENOMEM;
	w->p = *p;
	pthread_mutex_init(&w->mu, NULL);
	w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wakefd < 0)
		err = errno;
	w->boxes = calloc(p->cfg->nmailboxes ? p->cfg->nmailboxes : 1,
	                  sizeof(*w->boxes));
	if (!w->boxes)
		err = ENOMEM;
	for (size_t i = 0; !err && i < p->cfg->nmailboxes; i++)
		if (!(w->boxes[i].h = curl_easy_init()) ||
		    email_idle_alloc(&w->boxes[i].idle, &p->cfg->mailboxes[i]))
			err = ENOMEM;
	if (!err)
		err = mqueue_alloc(&w->mq, result_h, w);
	if (!err)
		err = pthread_create(&w->thread, NULL, worker, w);
	if (err) {
		email_worker_stop(w);
		return err;
	}
	w->started = true;
	*wp = w;
	return 0;
}

void email_worker_stop(struct email_worker *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_mutex_unlock(&w->mu);
		wake(w);
		pthread_join(w->thread, NULL);
	}
	/* what the worker finished is recorded (an answer sent is not sent
	 * again); what it did not do is done again at the next start:
	 * mails not marked are fetched again (found by their Message-ID),
	 * answers still queued in the outbox are sent */
	results_deliver(w, false);
	while (w->todo.head)
		job_free(w->todo.head->data);
	while (w->later.head)
		job_free(w->later.head->data);
	w->mq = mem_deref(w->mq);
	for (size_t i = 0; w->boxes && i < w->p.cfg->nmailboxes; i++) {
		if (w->boxes[i].h)
			curl_easy_cleanup(w->boxes[i].h);
		email_idle_free(w->boxes[i].idle);
	}
	free(w->boxes);
	if (w->wakefd >= 0)
		close(w->wakefd);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

static void submit(struct email_worker *w, struct job *j)
{
	pthread_mutex_lock(&w->mu);
	list_append(&w->todo, &j->le, j);
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

static void mark_job(struct email_worker *w, enum job_kind kind, size_t mailbox,
                     uint32_t uid)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) /* the mail stays in flight until the next start */
		return;
	j->kind = kind;
	j->mailbox = mailbox;
	j->uid = uid;
	submit(w, j);
}

void email_worker_taken(struct email_worker *w, size_t mailbox, uint32_t uid)
{
	mark_job(w, JOB_TAKEN, mailbox, uid);
}

void email_worker_release(struct email_worker *w, size_t mailbox, uint32_t uid)
{
	mark_job(w, JOB_RELEASE, mailbox, uid);
}

int email_worker_send(struct email_worker *w, size_t mailbox, uint64_t key,
                      uint64_t outbox, unsigned attempts,
                      const char *message_id, const char *rcpt, char *text,
                      size_t len)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		free(text);
		return ENOMEM;
	}
	j->kind = JOB_SEND;
	j->mailbox = mailbox;
	j->key = key;
	j->outbox = outbox;
	j->attempts = attempts;
	j->message_id = strdup(message_id);
	j->rcpt = strdup(rcpt);
	j->text = text;
	j->len = len;
	if (!j->message_id || !j->rcpt) {
		job_free(j);
		return ENOMEM;
	}
	submit(w, j);
	return 0;
}
