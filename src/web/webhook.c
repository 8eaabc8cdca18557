/*
 * webhook.c - a tenant's engine events POSTed to the URLs its webhooks
 * name, signed, in order, retried with backoff.
 *
 * Each webhook has its own queue of deliveries and at most one request in
 * flight, so a receiver sees the events in the order they happened; a
 * delivery that fails (no answer within 10 s, a connection refused, a
 * status other than 2xx) is tried again after retry_first, then twice as
 * long each time up to retry_max, and dropped after its attempts (logged,
 * counted). A queue holds at most WEBHOOK_QUEUE_MAX deliveries: beyond,
 * the oldest waiting one is dropped, so a receiver that is down for days
 * cannot grow the daemon's memory.
 *
 * The body is the event as the WebSocket feed serialises it. Headers:
 * X-Centralino-Delivery (epoch-seq: the same for every attempt, so a
 * receiver can drop a repeat), X-Centralino-Event, and
 * X-Centralino-Signature: t=UNIX,v1=HEX where HEX is the HMAC-SHA256 of
 * "UNIX.BODY" under the webhook's secret (a receiver checks it and
 * refuses old t against replays).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/log.h"
#include "web/web_int.h"

#include <re_dns.h> /* after web_int.h: it needs re_types and re_list */

#define WEBHOOK_QUEUE_MAX  10000
#define WEBHOOK_TIMEOUT_MS 10000

struct delivery {
	struct le le;
	char *body;
	size_t len;
	uint64_t seq;
	unsigned attempts;
	char type[32];
};

struct web_hook {
	struct le le;
	struct web *w;
	char name[CONFIG_NAME_MAX];
	char url[CONFIG_URL_MAX];
	char secret[CONFIG_SECRET_MAX];
	uint32_t tenant;
	uint64_t events;
	acd_time_t retry_first, retry_max;
	unsigned attempts;
	struct list queue; /* struct delivery, oldest first */
	size_t n;
	struct http_req *req; /* the head delivery in flight */
	struct tmr tmr;       /* its timeout, or the backoff before a retry */
	bool backing_off;
	uint64_t delivered, failures, dropped;
};

static void delivery_free(struct delivery *d)
{
	list_unlink(&d->le);
	free(d->body);
	free(d);
}

static void hook_destructor(void *arg)
{
	struct web_hook *h = arg;

	tmr_cancel(&h->tmr);
	h->req = mem_deref(h->req);
	while (h->queue.head)
		delivery_free(h->queue.head->data);
	list_unlink(&h->le);
	sodium_memzero(h->secret, sizeof(h->secret));
}

static void send_next(struct web_hook *h);

/* The head delivery is done with: delivered, or given up. */
static void head_done(struct web_hook *h)
{
	struct delivery *d = h->queue.head ? h->queue.head->data : NULL;

	if (d) {
		delivery_free(d);
		h->n--;
	}
}

static void retry_h(void *arg)
{
	struct web_hook *h = arg;

	h->backing_off = false;
	send_next(h);
}

/* The head delivery failed (why: for the log). */
static void failed(struct web_hook *h, const char *why)
{
	struct delivery *d = h->queue.head->data;
	acd_time_t wait = h->retry_first;

	h->failures++;
	if (++d->attempts >= h->attempts) {
		log_event(LOG_ERROR, "webhook.dropped",
		          "webhook=%s delivery=%" PRIu64 " attempts=%u "
		          "last=\"%s\"",
		          h->name, d->seq, d->attempts, why);
		h->dropped++;
		head_done(h);
		send_next(h);
		return;
	}
	for (unsigned i = 1; i < d->attempts && wait < h->retry_max; i++)
		wait *= 2;
	if (wait > h->retry_max)
		wait = h->retry_max;
	log_event(LOG_WARN, "webhook.retry",
	          "webhook=%s delivery=%" PRIu64 " attempt=%u in_ms=%lld "
	          "why=\"%s\"",
	          h->name, d->seq, d->attempts, (long long)wait, why);
	h->backing_off = true;
	tmr_start(&h->tmr, (uint64_t)wait, retry_h, h);
}

static void resp_h(int err, const struct http_msg *msg, void *arg)
{
	struct web_hook *h = arg;
	char why[64];

	/* libre has cleared h->req and frees the request itself */
	tmr_cancel(&h->tmr);
	if (!err && msg && msg->scode >= 200 && msg->scode < 300) {
		h->delivered++;
		head_done(h);
		send_next(h);
		return;
	}
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(err));
	else
		snprintf(why, sizeof(why), "status %u", msg ? msg->scode : 0);
	failed(h, why);
}

static void timeout_h(void *arg)
{
	struct web_hook *h = arg;

	h->req = mem_deref(h->req); /* no answer: cancelled, no resp_h */
	failed(h, "no answer within 10 s");
}

/* "t=UNIX,v1=HEX": HMAC-SHA256 of "UNIX.BODY" under the secret. */
static void sign(const struct web_hook *h, const struct delivery *d,
                 long long t, char *out, size_t size)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof(mac) + 1], ts[24];
	crypto_auth_hmacsha256_state st;

	snprintf(ts, sizeof(ts), "%lld.", t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)h->secret,
	                            strlen(h->secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	                              strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)d->body,
	                              d->len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, size, "t=%lld,v1=%s", t, hex);
}

static void send_next(struct web_hook *h)
{
	struct web *w = h->w;
	struct delivery *d;
	char sig[96];
	long long t = (long long)time(NULL);
	int err;

	if (h->req || h->backing_off || !h->queue.head || !w->http_cli)
		return;
	d = h->queue.head->data;
	sign(h, d, t, sig, sizeof(sig));
	err =
	    http_request(&h->req, w->http_cli, "POST", h->url, resp_h, NULL, h,
	                 "Content-Type: application/json\r\n"
	                 "Content-Length: %zu\r\n"
	                 "User-Agent: centralino\r\n"
	                 "X-Centralino-Event: %s\r\n"
	                 "X-Centralino-Delivery: %s-%" PRIu64 "\r\n"
	                 "X-Centralino-Signature: %s\r\n"
	                 "\r\n"
	                 "%b",
	                 d->len, d->type, web_feed_epoch(w->feed), d->seq, sig,
	                 d->body, d->len);
	if (err) {
		h->req = NULL;
		failed(h, strerror(err));
		return;
	}
	tmr_start(&h->tmr, WEBHOOK_TIMEOUT_MS, timeout_h, h);
}

void web_hooks_event(struct web *w, const struct web_feed_entry *e,
                     enum acd_event_type type)
{
	struct le *le;

	if (!e || (unsigned)type >= ACD_EV_COUNT)
		return;
	for (le = w->hooks.head; le; le = le->next) {
		struct web_hook *h = le->data;
		struct delivery *d;

		if (h->tenant != e->tenant || !(h->events & (1ULL << type)))
			continue;
		if (h->n >= WEBHOOK_QUEUE_MAX) {
			/* the oldest one not in flight makes room */
			struct le *old = h->queue.head->next;
			if (!old)
				continue;
			delivery_free(old->data);
			h->n--;
			if (h->dropped++ % 1000 == 0)
				log_event(
				    LOG_ERROR, "webhook.overflow",
				    "webhook=%s queued=%zu dropped=%" PRIu64,
				    h->name, h->n, h->dropped);
		}
		d = calloc(1, sizeof(*d));
		if (!d || !(d->body = malloc(e->full_len + 1))) {
			free(d);
			h->dropped++;
			continue;
		}
		memcpy(d->body, e->full, e->full_len + 1);
		d->len = e->full_len;
		d->seq = e->seq;
		snprintf(d->type, sizeof(d->type), "%s", acd_event_name(type));
		list_append(&h->queue, &d->le, d);
		h->n++;
		send_next(h);
	}
}

/* The hook of cfg's webhook c: the one of that name and URL kept (with
 * its queue), or a new one. NULL when out of memory. */
static struct web_hook *hook_for(struct web *w, struct list *old,
                                 const struct config_webhook *c)
{
	struct web_hook *h = NULL;
	struct le *le;

	for (le = old->head; le; le = le->next) {
		struct web_hook *o = le->data;
		if (!strcmp(o->name, c->name) && !strcmp(o->url, c->url)) {
			h = o;
			list_unlink(&h->le);
			break;
		}
	}
	if (!h) {
		h = mem_zalloc(sizeof(*h), hook_destructor);
		if (!h)
			return NULL;
		h->w = w;
		tmr_init(&h->tmr);
		snprintf(h->name, sizeof(h->name), "%s", c->name);
		snprintf(h->url, sizeof(h->url), "%s", c->url);
	}
	snprintf(h->secret, sizeof(h->secret), "%s", c->secret);
	h->tenant = acd_tenant_find(w->acd, c->tenant.name);
	h->events = c->events;
	h->retry_first = c->retry_first;
	h->retry_max = c->retry_max;
	h->attempts = c->attempts;
	return h;
}

/* A client for the webhooks' requests, with the system's resolvers. */
static int client_start(struct web *w)
{
	struct sa srv[8];
	uint32_t n = 8;
	char domain[64];
	int err;

	if (w->http_cli)
		return 0;
	if (dns_srv_get(domain, sizeof(domain), srv, &n) || !n)
		n = 0;
	if (n) {
		err = dnsc_alloc(&w->dnsc, NULL, srv, n);
		if (err)
			return err;
	}
	return http_client_alloc(&w->http_cli, w->dnsc);
}

int web_hooks_config(struct web *w)
{
	struct list old = w->hooks;
	int err = 0;

	list_init(&w->hooks);
	for (size_t i = 0; i < w->cfg->nwebhooks; i++) {
		struct web_hook *h = hook_for(w, &old, &w->cfg->webhooks[i]);
		if (!h) {
			err = ENOMEM;
			break;
		}
		list_append(&w->hooks, &h->le, h);
	}
	/* webhooks gone from the file: what they still held is dropped */
	while (old.head) {
		struct web_hook *h = old.head->data;
		if (h->n)
			log_event(LOG_WARN, "webhook.removed",
			          "webhook=%s dropped=%zu", h->name, h->n);
		list_unlink(&h->le);
		mem_deref(h);
	}
	if (!err && w->hooks.head)
		err = client_start(w);
	return err;
}

void web_hooks_free(struct web *w)
{
	while (w->hooks.head) {
		struct web_hook *h = w->hooks.head->data;
		list_unlink(&h->le);
		mem_deref(h);
	}
	w->http_cli = mem_deref(w->http_cli);
	w->dnsc = mem_deref(w->dnsc);
}

int web_hooks_metrics(const struct web *w, struct mbuf *mb)
{
	static const char *const names[] = {"delivered", "failures", "dropped"};
	int err = 0;

	for (int k = 0; k < 3; k++) {
		err |=
		    mbuf_printf(mb,
		                "# HELP centralino_webhook_%s_total Webhook "
		                "deliveries %s.\n"
		                "# TYPE centralino_webhook_%s_total counter\n",
		                names[k],
		                k == 0   ? "acknowledged with 2xx"
		                : k == 1 ? "attempts that failed"
		                         : "given up or pushed out",
		                names[k]);
		for (struct le *le = w->hooks.head; le; le = le->next) {
			const struct web_hook *h = le->data;
			uint64_t v = k == 0   ? h->delivered
			             : k == 1 ? h->failures
			                      : h->dropped;
			err |= mbuf_printf(mb,
			                   "centralino_webhook_%s_total{"
			                   "webhook=\"%s\"} %llu\n",
			                   names[k], h->name,
			                   (unsigned long long)v);
		}
	}
	err |= mbuf_printf(mb, "# HELP centralino_webhook_queued Deliveries "
	                       "waiting.\n# TYPE centralino_webhook_queued "
	                       "gauge\n");
	for (struct le *le = w->hooks.head; le; le = le->next) {
		const struct web_hook *h = le->data;
		err |= mbuf_printf(mb,
		                   "centralino_webhook_queued{webhook=\"%s\"} "
		                   "%zu\n",
		                   h->name, h->n);
	}
	return err;
}
