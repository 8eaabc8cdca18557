/*
 * ws.c - GET /api/v1/events: the engine's events pushed over a
 * WebSocket (libre's websock), from the feed (feed.c), with resume.
 *
 * Each subscriber keeps a cursor into the feed, not a queue of its own:
 * it sends from the ring while the socket's send buffer is under
 * WEB_WS_TXQ_LOW and pauses above it, so a slow reader costs at most that
 * buffer. A reader paused for WEB_WS_STALL_MS, or one that the ring has
 * overtaken, is disconnected (1008): it reconnects with its resume token
 * and gets what is still held, or a reset. The alternative, queueing
 * every message on the socket, lets one stalled browser hold megabytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/log.h"
#include "web/web_int.h"

#include <re_tcp.h>
#include <re_websock.h>

#define RETRY_MS 50 /* a paused subscriber looks again this soon */

struct web_sub {
	struct le le;         /* in w->subs */
	struct le session_le; /* in its session's list */
	struct web *w;
	struct web_session *session; /* outlives it: closes it when ending */
	char user[CONFIG_NAME_MAX];
	struct web_upgrade resume; /* what the client asked for */
	struct web_view view;
	struct web_sink sink;
	struct websock_conn *conn; /* the daemon's socket; NULL in tests */
	struct tmr tmr;            /* retry while paused */
	uint64_t cursor;           /* the next seq to look at */
	uint64_t paused_since;     /* ms; 0 while it keeps up */
	uint64_t sent;
	bool started;
};

static void sub_destructor(void *arg)
{
	struct web_sub *sub = arg;
	list_unlink(&sub->le);
	list_unlink(&sub->session_le);
	tmr_cancel(&sub->tmr);
	mem_deref(sub->conn);
	/* an agent's last desktop gone: its chats go back after the grace */
	web_presence_left(sub->w, sub->view.agent);
}

uint32_t web_sub_agent(const struct web_sub *sub)
{
	return sub->view.agent;
}

static void check_h(void *arg);

int web_sub_alloc(struct web_sub **subp, struct web *w,
                  const struct web_upgrade *up)
{
	const struct config_user *u = config_user_find(w->cfg, up->user);
	struct web_sub *sub;

	if (!u || !up->session)
		return ENOENT;
	sub = mem_zalloc(sizeof(*sub), sub_destructor);
	if (!sub)
		return ENOMEM;
	sub->w = w;
	sub->session = up->session;
	sub->resume = *up;
	sub->resume.session = NULL;
	snprintf(sub->user, sizeof(sub->user), "%s", u->name);
	web_view_build(&sub->view, w, u);
	list_append(&w->subs, &sub->le, sub);
	web_session_attach(up->session, &sub->session_le, sub);
	web_presence_joined(w, sub->view.agent);
	if (!tmr_isrunning(&w->check_tmr))
		tmr_start(&w->check_tmr, WEB_WS_CHECK_MS, check_h, w);
	*subp = sub;
	return 0;
}

void web_sub_close(struct web_sub *sub, uint16_t code, const char *reason)
{
	if (!sub)
		return;
	log_event(LOG_INFO, "ws.closed",
	          "user=%s code=%u reason=\"%s\" sent=%llu", sub->user, code,
	          reason, (unsigned long long)sub->sent);
	if (sub->sink.closeh)
		sub->sink.closeh(code, reason, sub->sink.arg);
	mem_deref(sub);
}

void web_sub_session_ended(struct web_sub *sub)
{
	sub->w->ws.closed_session++;
	web_sub_close(sub, 1008, "session ended");
}

uint64_t web_sub_sent(const struct web_sub *sub)
{
	return sub->sent;
}

static int sub_send(struct web_sub *sub, const char *text, size_t len)
{
	int err = sub->sink.sendh(text, len, sub->sink.arg);
	if (!err) {
		sub->sent++;
		sub->w->ws.messages++;
	}
	return err;
}

static void retry_h(void *arg);

/* Send from the cursor what the view allows, while the socket keeps up. */
static void sub_pump(struct web_sub *sub)
{
	struct web *w = sub->w;
	const uint64_t last = web_feed_last(w->feed);
	const uint64_t start = sub->cursor;
	const char *text;
	size_t len, budget = WEB_WS_PUMP_MAX;

	if (!sub->started)
		return;
	if (sub->cursor < web_feed_first(w->feed))
		goto slow; /* the ring overtook it: events are lost to it */
	while (sub->cursor <= last && budget) {
		if (sub->sink.backlogh(sub->sink.arg) >= WEB_WS_TXQ_LOW)
			break;
		text = web_view_message(
		    &sub->view, web_feed_at(w->feed, sub->cursor), &len);
		if (text && sub_send(sub, text, len))
			goto slow; /* over WEB_WS_TXQ_MAX, or the socket died */
		sub->cursor++;
		budget--;
	}
	if (sub->cursor > last) {
		sub->paused_since = 0;
		return;
	}
	/* Paused means behind with no progress: a reader that drains its
	 * socket, however slowly, starts the clock again. */
	if (!sub->paused_since || sub->cursor != start)
		sub->paused_since = web_now(w);
	else if (web_now(w) - sub->paused_since >= WEB_WS_STALL_MS)
		goto slow;
	if (!tmr_isrunning(&sub->tmr))
		tmr_start(&sub->tmr, budget ? RETRY_MS : 0, retry_h, sub);
	return;
slow:
	w->ws.dropped_slow++;
	web_sub_close(sub, 1008, "too slow: reconnect with resume");
}

static void retry_h(void *arg)
{
	sub_pump(arg);
}

/* Where the subscriber starts, and why it cannot resume (NULL: it can). */
static const char *resume_point(const struct web_sub *sub, uint64_t *seqp)
{
	const struct web_feed *f = sub->w->feed;
	const struct web_upgrade *up = &sub->resume;
	*seqp = web_feed_last(f);
	if (!up->resume)
		return NULL;
	if (strcmp(up->epoch, web_feed_epoch(f)))
		return "epoch"; /* another process: its numbers mean nothing */
	if (up->seq > web_feed_last(f))
		return "ahead";
	if (up->seq + 1 < web_feed_first(f))
		return "too-old";
	*seqp = up->seq;
	return NULL;
}

void web_sub_start(struct web_sub *sub, const struct web_sink *sink)
{
	struct web *w = sub->w;
	const char *why;
	uint64_t seq;
	char text[192];
	int n;

	sub->sink = *sink;
	sub->started = true;
	why = resume_point(sub, &seq);
	if (why) {
		w->ws.resets++;
		n = snprintf(text, sizeof(text),
		             "{\"type\":\"reset\",\"epoch\":\"%s\",\"seq\":"
		             "%llu,\"reason\":\"%s\"}",
		             web_feed_epoch(w->feed), (unsigned long long)seq,
		             why);
	} else {
		n = snprintf(text, sizeof(text),
		             "{\"type\":\"hello\",\"epoch\":\"%s\",\"seq\":"
		             "%llu,\"resumed\":%s}",
		             web_feed_epoch(w->feed), (unsigned long long)seq,
		             sub->resume.resume ? "true" : "false");
	}
	sub->cursor = seq + 1;
	if (sub_send(sub, text, (size_t)n)) {
		web_sub_close(sub, 1011, "cannot send");
		return;
	}
	sub_pump(sub);
}

void web_subs_notify(struct web *w)
{
	struct le *le = w->subs.head;
	while (le) {
		struct web_sub *sub = le->data;
		le = le->next;
		sub_pump(sub);
	}
}

void web_subs_config(struct web *w)
{
	struct le *le = w->subs.head;
	while (le) {
		struct web_sub *sub = le->data;
		const struct config_user *u =
		    config_user_find(w->cfg, sub->user);
		le = le->next;
		if (!u) {
			w->ws.closed_session++;
			web_sub_close(sub, 1008, "user removed");
			continue;
		}
		web_view_build(&sub->view, w, u);
	}
}

void web_subs_check(struct web *w)
{
	struct le *le = w->subs.head;
	while (le) {
		struct web_sub *sub = le->data;
		le = le->next;
		if (!web_session_alive(w, sub->session))
			web_sub_session_ended(sub);
		else if (sub->paused_since) {
			sub_pump(sub);
		}
	}
}

static void check_h(void *arg)
{
	struct web *w = arg;
	web_subs_check(w);
	if (w->subs.head)
		tmr_start(&w->check_tmr, WEB_WS_CHECK_MS, check_h, w);
}

/* ---- the route: checks before the 101 ---- */

/* Does the page that opens a cookie-signed WebSocket come from us? The
 * browser sends Origin on every WebSocket and a page cannot forge it;
 * without this, any site could open one with the user's cookie
 * (cross-site WebSocket hijacking: SameSite does not cover every case,
 * a sibling subdomain is "same site"). */
static bool origin_ok(const struct http_msg *msg)
{
	const struct http_hdr *o = http_msg_xhdr(msg, "Origin");
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_HOST);
	struct pl host;

	if (!o || !h || http_msg_xhdr_count(msg, "Origin") != 1)
		return false;
	host = o->val;
	if (host.l > 7 && !strncasecmp(host.p, "http://", 7))
		pl_advance(&host, 7);
	else if (host.l > 8 && !strncasecmp(host.p, "https://", 8))
		pl_advance(&host, 8);
	else
		return false;
	return host.l == h->val.l && !strncasecmp(host.p, h->val.p, host.l);
}

/* "EPOCH:SEQ" into up; false when it is not that. */
static bool token_parse(const char *s, struct web_upgrade *up)
{
	const char *colon = strchr(s, ':');
	char *end;
	unsigned long long seq;

	if (!colon || colon - s != WEB_EPOCH_HEX || !colon[1] ||
	    strlen(colon + 1) > 20)
		return false;
	for (size_t i = 0; i < WEB_EPOCH_HEX; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
		up->epoch[i] = ch;
	}
	up->epoch[WEB_EPOCH_HEX] = '\0';
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
	}
	errno = 0;
	seq = strtoull(colon + 1, &end, 10);
	if (errno || *end)
		return false;
	up->seq = seq;
	up->resume = true;
	return true;
}

int web_resume_parse(const struct pl *query, struct web_upgrade *up)
{
	struct pl q = *query;
	bool seen = false;

	if (q.l && q.p[0] == '?')
		pl_advance(&q, 1);
	while (q.l) {
		const char *amp = memchr(q.p, '&', q.l);
		struct pl pair = {q.p, amp ? (size_t)(amp - q.p) : q.l};
		char value[64];
		pl_advance(&q, amp ? pair.l + 1 : pair.l);
		if (pair.l < 7 || memcmp(pair.p, "resume=", 7))
			continue; /* other parameters are not ours to judge */
		pl_advance(&pair, 7);
		if (seen || !web_segment_decode(&pair, value, sizeof(value)) ||
		    !token_parse(value, up))
			return EINVAL;
		seen = true;
	}
	return 0;
}

static bool is_websocket(const struct http_msg *msg)
{
	return http_msg_hdr_has_value(msg, HTTP_HDR_UPGRADE, "websocket") &&
	       http_msg_hdr(msg, HTTP_HDR_SEC_WEBSOCKET_KEY) &&
	       http_msg_hdr_has_value(msg, HTTP_HDR_SEC_WEBSOCKET_VERSION,
	                              "13");
}

void web_api_events(struct web *w, struct web_call *call, struct web_reply *r)
{
	struct web_upgrade *up = &r->upgrade;
	(void)w;
	if (!is_websocket(call->msg)) {
		web_reply_error(r, 400, "not-websocket",
		                "this path is a WebSocket (RFC 6455, version "
		                "13): send Upgrade: websocket");
		return;
	}
	if (call->cookie && !origin_ok(call->msg)) {
		web_reply_error(r, 403, "bad-origin",
		                "a WebSocket signed by the session cookie must "
		                "come from a page of this server (Origin must "
		                "match Host)");
		return;
	}
	memset(up, 0, sizeof(*up));
	if (web_resume_parse(&call->msg->prm, up)) {
		web_reply_error(r, 400, "bad-field",
		                "query 'resume' must be EPOCH:SEQ, as the last "
		                "hello, reset or event gave them");
		return;
	}
	up->session = call->session;
	snprintf(up->user, sizeof(up->user), "%s", call->user->name);
	r->status = 101;
}

/* ---- the daemon's side: libre's WebSocket as the sink ---- */

static int ws_send(const char *text, size_t len, void *arg)
{
	struct web_sub *sub = arg;
	return websock_send(sub->conn, WEBSOCK_TEXT, "%b", text, len);
}

static size_t ws_backlog(void *arg)
{
	struct web_sub *sub = arg;
	struct tcp_conn *tc = websock_tcp(sub->conn);
	return tc ? tcp_conn_txqsz(tc) : 0;
}

static void ws_close(uint16_t code, const char *reason, void *arg)
{
	struct web_sub *sub = arg;
	(void)websock_close(sub->conn, (enum websock_scode)code, "%s", reason);
}

/* What the client sends is not read: pings are answered by libre, and
 * frames are bounded by it (128 KiB). */
static void recv_h(const struct websock_hdr *hdr, struct mbuf *mb, void *arg)
{
	(void)hdr;
	(void)mb;
	(void)arg;
}

static void close_h(int err, void *arg)
{
	struct web_sub *sub = arg;
	log_event(LOG_INFO, "ws.closed", "user=%s by=peer err=%d sent=%llu",
	          sub->user, err, (unsigned long long)sub->sent);
	sub->sink.closeh = NULL;
	mem_deref(sub);
}

int web_ws_accept(struct web *w, struct http_conn *conn,
                  const struct http_msg *msg, const struct web_upgrade *up)
{
	const struct web_sink sink = {ws_send, ws_backlog, ws_close, NULL};
	struct web_sub *sub;
	struct web_sink mine = sink;
	int err;

	if (!w->websock)
		return ENOTSUP;
	err = web_sub_alloc(&sub, w, up);
	if (err)
		return err;
	err = websock_accept(&sub->conn, w->websock, conn, msg, WEB_WS_PING_MS,
	                     recv_h, close_h, sub);
	if (err) {
		mem_deref(sub);
		return err;
	}
	tcp_conn_txqsz_set(websock_tcp(sub->conn), WEB_WS_TXQ_MAX);
	w->ws.opened++;
	log_event(LOG_INFO, "ws.opened", "user=%s resume=%s", sub->user,
	          up->resume ? "yes" : "no");
	mine.arg = sub;
	web_sub_start(sub, &mine);
	return 0;
}

void web_engine_event(struct web *w, const struct acd_event *ev)
{
	struct timespec ts;
	int64_t wall;
	if (!w || !w->feed || !ev)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (web_feed_append(w->feed, w->acd, ev, wall)) {
		log_event(LOG_WARN, "ws.feed-failed", "err=%d", ENOMEM);
		return;
	}
	web_subs_notify(w);
	web_hooks_event(w, web_feed_at(w->feed, web_feed_last(w->feed)),
	                ev->type);
}

static int sample(struct mbuf *mb, const char *name, const char *type,
                  const char *help, uint64_t value)
{
	return mbuf_printf(mb, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name,
	                   help, name, type, name, (unsigned long long)value);
}

int web_ws_metrics(const struct web *w, struct mbuf *mb)
{
	int err = 0;
	err |= sample(mb, "centralino_ws_connections", "gauge",
	              "WebSockets open now.", list_count(&w->subs));
	err |= sample(mb, "centralino_ws_connections_total", "counter",
	              "WebSockets accepted.", w->ws.opened);
	err |= sample(mb, "centralino_ws_messages_total", "counter",
	              "Messages sent on WebSockets.", w->ws.messages);
	err |= sample(mb, "centralino_ws_resets_total", "counter",
	              "Resume tokens answered with a reset.", w->ws.resets);
	err |= sample(mb, "centralino_ws_dropped_slow_total", "counter",
	              "WebSockets closed for reading too slowly.",
	              w->ws.dropped_slow);
	err |= sample(mb, "centralino_ws_closed_session_total", "counter",
	              "WebSockets closed as their session ended.",
	              w->ws.closed_session);
	err |= sample(mb, "centralino_feed_events_total", "counter",
	              "Engine events put in the feed.", web_feed_last(w->feed));
	err |= sample(mb, "centralino_feed_bytes", "gauge",
	              "JSON held by the feed's ring.", web_feed_bytes(w->feed));
	return err;
}
