/*
 * web.c - the web object: the HTTP listener on libre's loop, the
 * configuration it reads, and the sending of replies that router.c built.
 */
#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "web/web_int.h"

#include <re_tcp.h>
#include <re_websock.h>

static void web_destructor(void *arg)
{
	struct web *w = arg;
	struct le *le = w->subs.head;
	w->closing = true;  /* the sockets closed now leave nobody "gone" */
	web_verify_stop(w); /* first: its logins hold connections */
	web_lag_stop(w);
	tmr_cancel(&w->check_tmr);
	while (le) {
		struct web_sub *sub = le->data;
		le = le->next;
		web_sub_close(sub, 1001, "going away");
	}
	w->sock = mem_deref(w->sock);
	web_sessions_flush(w);
	w->sessions = mem_deref(w->sessions);
	web_typing_flush(w);
	web_today_stop(w);
	w->websock = mem_deref(w->websock);
	w->feed = mem_deref(w->feed);
	web_hooks_free(w);
	web_presence_free(w);
}

/* The headers of a page: scripts, styles, connections and frames of
 * this origin only; no inline script (docs/pages.md). */
#define PAGE_HEADERS                                                       \
	"Content-Security-Policy: default-src 'self'; script-src 'self'; " \
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; "     \
	"object-src 'none'; base-uri 'none'; form-action 'self'; "         \
	"frame-ancestors 'none'\r\n"                                       \
	"Referrer-Policy: no-referrer\r\n"

/* The web chat's routes may be called from the page of any site: they
 * take no cookie, only the chat's token, which the page holds anyway. */
#define CORS_HEADERS                                                   \
	"Access-Control-Allow-Origin: *\r\n"                           \
	"Access-Control-Allow-Methods: GET, POST, DELETE\r\n"          \
	"Access-Control-Allow-Headers: Content-Type, X-Chat-Token\r\n" \
	"Access-Control-Max-Age: 600\r\n"

static size_t add(char *buf, size_t size, size_t n, const char *fmt,
                  const char *val)
{
	int k;
	if (n >= size)
		return n;
	k = snprintf(buf + n, size - n, fmt, val);
	return k < 0 ? n : n + (size_t)k;
}

/* Headers only some answers carry: the challenge, Retry-After, Allow,
 * Set-Cookie, Location, a page's ETag and policy, CORS. */
static void extra_headers(const struct web_reply *r, char *buf, size_t size)
{
	char retry[32];
	size_t n = 0;
	buf[0] = '\0';
	if (r->www_authenticate)
		n = add(buf, size, n, "%s",
		        "WWW-Authenticate: Bearer realm=\"centralino\"\r\n");
	if (r->retry_after) {
		snprintf(retry, sizeof(retry), "%u", r->retry_after);
		n = add(buf, size, n, "Retry-After: %s\r\n", retry);
	}
	if (r->allow)
		n = add(buf, size, n, "Allow: %s\r\n", r->allow);
	if (r->set_cookie[0])
		n = add(buf, size, n, "Set-Cookie: %s\r\n", r->set_cookie);
	if (r->location[0])
		n = add(buf, size, n, "Location: %s\r\n", r->location);
	if (r->etag[0])
		n = add(buf, size, n, "ETag: %s\r\n", r->etag);
	if (r->page)
		n = add(buf, size, n, "%s", PAGE_HEADERS);
	if (r->cors)
		(void)add(buf, size, n, "%s", CORS_HEADERS);
}

#define REPLY_QUEUED_MAX (256u << 10) /* under libre's 512 kB send queue */

static void reply_send(struct http_conn *conn, const struct web_reply *r)
{
	char extra[1536];
	size_t len = r->body ? r->body->end : 0;
	uint16_t status = r->status ? r->status : 500;
	int err;

	extra_headers(r, extra, sizeof(extra));
	/* libre queues what the socket does not take at once up to 512 kB
	 * and drops the rest: a recording's WAV would arrive cut (tested
	 * with 30 MB). Room for the whole answer, TLS's records included. */
	if (len > REPLY_QUEUED_MAX)
		tcp_conn_txqsz_set(http_conn_tcp(conn),
		                   len + len / 16 + sizeof(extra) + 65536);
	err = http_reply(conn, status, web_reason(status),
	                 "Content-Type: %s\r\n"
	                 "Content-Length: %zu\r\n"
	                 "Cache-Control: %s\r\n"
	                 "X-Content-Type-Options: nosniff\r\n"
	                 "%s"
	                 "\r\n"
	                 "%b",
	                 r->ctype ? r->ctype : "application/json", len,
	                 r->cache_control ? r->cache_control : "no-store",
	                 extra, r->body ? r->body->buf : NULL, len);
	if (err)
		log_event(LOG_WARN, "http.reply-failed", "status=%u err=%d",
		          status, err);
}

static void request_handler(struct http_conn *conn, const struct http_msg *msg,
                            void *arg)
{
	struct web *w = arg;
	struct web_reply r;
	char method[16], peer[64];
	memset(&r, 0, sizeof(r));
	web_dispatch(w, msg, http_conn_peer(conn), &r);
	if (r.deferred) {
		/* a sign-in: answered when its password check is done */
		web_verify_attach(r.deferred, conn);
		web_reply_reset(&r);
		return;
	}
	if (r.status == 101) {
		/* GET /api/v1/events: the WebSocket takes the connection. */
		int err = web_ws_accept(w, conn, msg, &r.upgrade);
		if (!err)
			return;
		w->replies[1]--;
		w->replies[4]++;
		web_reply_error(&r, 400, "not-websocket",
		                "the WebSocket handshake failed (%s)",
		                strerror(err));
	}
	(void)pl_strcpy(&msg->met, method, sizeof(method));
	(void)re_snprintf(peer, sizeof(peer), "%J", http_conn_peer(conn));
	/* Not the path: it may carry names the operator should not log. */
	log_event(LOG_DEBUG, "http.request", "method=%s status=%u peer=%s",
	          method, r.status, peer);
	reply_send(conn, &r);
	web_reply_reset(&r);
}

int web_alloc(struct web **wp, const struct web_env *env)
{
	struct web *w;
	struct sa laddr;
	int err;

	if (!wp || !env || !env->acd || !env->cfg)
		return EINVAL;
	w = mem_zalloc(sizeof(*w), web_destructor);
	if (!w)
		return ENOMEM;
	w->acd = env->acd;
	w->voice = env->voice;
	w->desk = env->desk;
	w->agent_grace_ms = env->agent_grace_ms ? env->agent_grace_ms : 30000;
	w->email = env->email;
	w->members = env->members;
	w->store = env->store;
	w->cfg = env->cfg;
	w->reload = env->reload;
	w->reload_arg = env->reload_arg;
	err = web_sessions_init(w);
	if (!err)
		err = web_typing_init(w);
	if (!err)
		err = web_today_config(w, 0);
	if (!err)
		err = web_feed_alloc(&w->feed, WEB_FEED_MAX);
	if (!err)
		err = web_hooks_config(w);
	if (!err)
		(void)web_pages_open(w, env->pages); /* missing: logged */
	if (err || !env->listen || !env->listen[0])
		goto out;
	err = websock_alloc(&w->websock, NULL, NULL);
	if (err)
		goto out;
	err = sa_decode(&laddr, env->listen, strlen(env->listen));
	if (err)
		goto out;
	w->secure = env->certificate && env->certificate[0];
	if (w->secure) /* cookies then get Secure */
		err = https_listen(&w->sock, &laddr, env->certificate,
		                   request_handler, w);
	else
		err = http_listen(&w->sock, &laddr, request_handler, w);
	/* passwords are checked off the loop; without the worker, inline */
	if (!err && web_verify_start(w))
		log_event(LOG_WARN, "http.verifier-failed",
		          "passwords=checked-on-the-loop");
	if (!err)
		web_lag_start(w);
	if (!err) /* listening now: arms the midnight timer */
		err = web_today_config(w, 0);
	if (!err)
		log_event(LOG_INFO, "http.listening",
		          "address=%s tls=%s users=%zu pages=%s", env->listen,
		          w->secure ? "yes" : "no", env->cfg->nusers,
		          w->pages[0] ? w->pages : "-");
out:
	if (err)
		mem_deref(w);
	else
		*wp = w;
	return err;
}

void web_config(struct web *w, const struct config *cfg)
{
	if (w && cfg) {
		w->cfg = cfg;
		web_subs_config(w);
		if (web_today_config(w, 0))
			log_event(LOG_ERROR, "queues.day-config-failed",
			          "error=%s", strerror(ENOMEM));
		if (web_hooks_config(w))
			log_event(LOG_ERROR, "webhook.config-failed",
			          "error=%s", strerror(ENOMEM));
	}
}

void web_reply_send(struct http_conn *conn, const struct web_reply *r)
{
	reply_send(conn, r);
}

const char *web_pages(const struct web *w)
{
	return w && w->pages[0] ? w->pages : NULL;
}

void web_free(struct web *w)
{
	mem_deref(w);
}
