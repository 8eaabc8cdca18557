/*
 * fuzz_session.c - libFuzzer target: what we parse of browser sessions
 * and of the WebSocket's request (src/web/auth.c, ws.c): the Cookie
 * header, X-CSRF-Token, Origin against Host, the resume token of the
 * query, and a subscriber started from whatever was accepted.
 *
 * The first byte picks what the rest is:
 *   0: one Cookie header value, parsed for two names;
 *   1: a query string for web_resume_parse();
 *   2: header lines added to "PUT /api/v1/agents/demo/agent1/state"
 *      with a valid session cookie (and, when bit 2 of the first byte is
 *      set, its valid X-CSRF-Token): more cookies, tokens, anything;
 *   3: a plan byte, "QUERY\n", then header lines for
 *      "GET /api/v1/events?QUERY" with
 *      the WebSocket headers and a bearer token (bit 2 set: the session
 *      cookie instead, so that Origin and Host are judged); a 101 starts
 *      a subscriber on a sink that keeps nothing, then a few events.
 * The web object lives across inputs; nothing may crash or leak.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "web/web_int.h"

#define INPUT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	struct config *cfg;
	struct acd *acd;
	struct web *web;
	struct sa peer;
	char cookie[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
	char bearer[WEB_TOKEN_HEX + 1];
} fx;

static const char yaml[] =
    "tenants: [{name: demo}, {name: other}]\n"
    "queues: [{name: info, tenant: demo}, {name: sales, tenant: other}]\n"
    "agents:\n"
    "  - {name: agent1, tenant: demo, queues: [info]}\n"
    "  - {name: agent9, tenant: other, queues: [sales]}\n"
    "users:\n"
    "  - {name: maria, password_hash: \"%s\", role: agent,\n"
    "     tenants: [demo], agent: agent1}\n";

static acd_time_t fixed_clock(void *arg)
{
	(void)arg;
	return 1000;
}

static void no_event(const struct acd_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

static void dispatch(const char *text, size_t len, struct web_reply *r)
{
	struct mbuf *mb = mbuf_alloc(len + 1);
	struct http_msg *msg = NULL;
	memset(r, 0, sizeof(*r));
	if (!mb || mbuf_write_mem(mb, (const uint8_t *)text, len))
		goto out;
	mb->pos = 0;
	if (http_msg_decode(&msg, mb, true))
		goto out;
	if (mbuf_get_left(mb) > msg->clen)
		mb->end = mb->pos + msg->clen;
	web_dispatch(fx.web, msg, &fx.peer, r);
out:
	mem_deref(msg);
	mem_deref(mb);
}

/* A string field of a JSON reply into out (WEB_TOKEN_HEX + 1 bytes). */
static void field(const struct web_reply *r, const char *key, char *out)
{
	json_t *j =
	    json_loadb((const char *)r->body->buf, r->body->end, 0, NULL);
	const char *v = json_string_value(json_object_get(j, key));
	if (!v || strlen(v) != WEB_TOKEN_HEX)
		abort();
	memcpy(out, v, WEB_TOKEN_HEX + 1);
	json_decref(j);
}

static void login(bool cookie)
{
	char text[256];
	struct web_reply r;
	const char *body = cookie ? "{\"user\":\"maria\",\"password\":\"pw\","
	                            "\"session\":\"cookie\"}"
	                          : "{\"user\":\"maria\",\"password\":\"pw\"}";
	int n = snprintf(text, sizeof(text),
	                 "POST /api/v1/login HTTP/1.1\r\nContent-Length: "
	                 "%zu\r\n\r\n%s",
	                 strlen(body), body);
	dispatch(text, (size_t)n, &r);
	if (r.status != 200 || !r.body)
		abort();
	if (cookie) {
		field(&r, "csrf_token", fx.csrf);
		memcpy(fx.cookie, strchr(r.set_cookie, '=') + 1, WEB_TOKEN_HEX);
	} else {
		field(&r, "token", fx.bearer);
	}
	web_reply_reset(&r);
}

static void setup(void)
{
	char h[crypto_pwhash_STRBYTES], text[1024];
	struct config_errors errs = {0};
	struct web_env env = {0};

	if (sodium_init() < 0 ||
	    crypto_pwhash_str(h, "pw", 2, crypto_pwhash_OPSLIMIT_MIN,
	                      crypto_pwhash_MEMLIMIT_MIN))
		abort();
	snprintf(text, sizeof(text), yaml, h);
	if (config_parse(text, strlen(text), "fuzz.yaml", &fx.cfg, &errs) ||
	    acd_alloc(&fx.acd, fixed_clock, no_event, NULL, 1) ||
	    config_apply(fx.cfg, fx.acd, &errs))
		abort();
	env.acd = fx.acd;
	env.cfg = fx.cfg;
	if (web_alloc(&fx.web, &env) || sa_set_str(&fx.peer, "::1", 40000))
		abort();
	/* A small ring: overflow and resets are reached too. */
	mem_deref(fx.web->feed);
	if (web_feed_alloc(&fx.web->feed, 8))
		abort();
	login(true);
	login(false);
}

static int null_send(const char *text, size_t len, void *arg)
{
	(void)text;
	(void)len;
	(void)arg;
	return 0;
}

static size_t null_backlog(void *arg)
{
	return *(const size_t *)arg;
}

static void emit(uint8_t kind)
{
	struct acd_event ev;
	uint32_t t = acd_tenant_find(fx.acd, kind & 1 ? "other" : "demo");
	memset(&ev, 0, sizeof(ev));
	ev.type = (enum acd_event_type)(kind % ACD_EV_COUNT);
	ev.tenant = kind & 2 ? t : ACD_NONE;
	ev.queue = acd_queue_find(fx.acd, t, kind & 1 ? "sales" : "info");
	ev.agent = acd_agent_find(fx.acd, t, kind & 1 ? "agent9" : "agent1");
	ev.contact = kind;
	web_engine_event(fx.web, &ev);
}

/* Mode 2 and 3: head and the input's header lines, dispatched. In mode
 * 3, plan (a byte) says how many events follow a 101 (plan % 12) and
 * whether the subscriber's socket is full (bit 7). */
static void request(const char *head, const uint8_t *lines, size_t len,
                    bool events, uint8_t plan)
{
	static char text[INPUT_MAX + 1024];
	struct web_reply r;
	struct web_sub *sub = NULL;
	size_t backlog = plan & 0x80 ? WEB_WS_TXQ_LOW : 0;
	struct web_sink sink = {null_send, null_backlog, NULL, &backlog};
	int n = snprintf(text, sizeof(text), "%s", head);
	memcpy(text + n, lines, len);
	n += (int)len;
	n += snprintf(text + n, sizeof(text) - (size_t)n,
	              "\r\nContent-Length: 17\r\n\r\n{\"state\":\"ready\"}");
	dispatch(text, (size_t)n, &r);
	if (events && r.status == 101 &&
	    !web_sub_alloc(&sub, fx.web, &r.upgrade)) {
		web_sub_start(sub, &sink);
		for (unsigned i = 0;
		     i < plan % 12u && list_count(&fx.web->subs); i++)
			emit((uint8_t)(plan + i * 37u));
		if (list_count(&fx.web->subs))
			mem_deref(sub); /* not closed by itself: ours to free */
	}
	web_reply_reset(&r);
}

/* Mode 3: a plan byte, "QUERY\n", header lines. */
static void events_request(const uint8_t *data, size_t size, bool cookie)
{
	const uint8_t *q = data + 1, *nl;
	size_t left = size - 1, qlen;
	char head[512];

	nl = memchr(q, '\n', left);
	qlen = nl ? (size_t)(nl - q) : left;
	if (qlen > 200)
		return;
	snprintf(head, sizeof(head),
	         "GET /api/v1/events?%.*s HTTP/1.1\r\nHost: x\r\n"
	         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	         "Sec-WebSocket-Version: 13\r\n%s%s\r\n",
	         (int)qlen, (const char *)q,
	         cookie ? "Cookie: " WEB_COOKIE_NAME "="
	                : "Authorization: Bearer ",
	         cookie ? fx.cookie : fx.bearer);
	request(head, nl ? nl + 1 : q + left, nl ? left - qlen - 1 : 0, true,
	        data[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char head[512];
	struct web_upgrade up;
	struct pl pl, val;
	bool flag;

	if (!fx.web)
		setup();
	if (size < 2 || size > INPUT_MAX)
		return 0;
	pl.p = (const char *)data + 1;
	pl.l = size - 1;
	flag = data[0] & 4;
	switch (data[0] % 4) {
	case 0:
		(void)web_cookie_parse(&pl, WEB_COOKIE_NAME, &val);
		(void)web_cookie_parse(&pl, "a", &val);
		break;
	case 1:
		memset(&up, 0, sizeof(up));
		(void)web_resume_parse(&pl, &up);
		break;
	case 2:
		snprintf(head, sizeof(head),
		         "PUT /api/v1/agents/demo/agent1/state HTTP/1.1\r\n"
		         "Host: x\r\nCookie: %s=%s\r\n%s%s%s",
		         WEB_COOKIE_NAME, fx.cookie,
		         flag ? "X-CSRF-Token: " : "", flag ? fx.csrf : "",
		         flag ? "\r\n" : "");
		request(head, data + 1, size - 1, false, 0);
		break;
	default:
		events_request(data + 1, size - 1, flag);
		break;
	}
	return 0;
}
