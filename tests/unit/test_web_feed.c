/*
 * test_web_feed.c - the event feed and its subscribers, without sockets:
 * the ring and its epoch, the JSON of an event (names, not ids), who sees
 * what (tenants, roles, an agent's own events and its queues' figures),
 * resume, reset (another epoch, too old, ahead), slow readers, sessions
 * that end, and the checks of GET /api/v1/events before its 101.
 *
 * Events are made here as the engine would hand them to
 * web_engine_event(), with the engine's real ids: the daemon passes every
 * engine event through unchanged, and the integration test
 * (web_ws.sh) drives the real engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web_fixture.h"

#define HEX_MAX (WEB_TOKEN_HEX + 1)

/* A test's sink: every message parsed, a backlog the test sets. */
struct capture {
	json_t *msgs;
	size_t backlog, per_send; /* per_send: backlog added by a send */
	bool closed;
	uint16_t code;
};

static int cap_send(const char *text, size_t len, void *arg)
{
	struct capture *c = arg;
	json_t *j = json_loadb(text, len, 0, NULL);
	assert_non_null(j);
	json_array_append_new(c->msgs, j);
	c->backlog += c->per_send;
	return 0;
}

static size_t cap_backlog(void *arg)
{
	return ((struct capture *)arg)->backlog;
}

static void cap_close(uint16_t code, const char *reason, void *arg)
{
	struct capture *c = arg;
	(void)reason;
	c->closed = true;
	c->code = code;
}

static const char ws_headers[] =
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n";

/* GET /api/v1/events{query} with token; the reply in r. */
static void events_get(struct wfx *f, const char *token, const char *query,
                       struct web_reply *r)
{
	char h[512], path[256];
	snprintf(h, sizeof(h), "Authorization: Bearer %s\r\n%s", token,
	         ws_headers);
	snprintf(path, sizeof(path), "/api/v1/events%s", query ? query : "");
	wfx_request(f, &f->remote, "GET", path, h, NULL, r);
}

/* Subscribe as the token's user; messages go to c. */
static struct web_sub *subscribe(struct wfx *f, const char *token,
                                 const char *query, struct capture *c)
{
	struct web_reply r = {0};
	struct web_sub *sub = NULL;
	struct web_sink sink = {cap_send, cap_backlog, cap_close, c};

	memset(c, 0, sizeof(*c));
	c->msgs = json_array();
	events_get(f, token, query, &r);
	assert_int_equal(r.status, 101);
	assert_int_equal(web_sub_alloc(&sub, f->web, &r.upgrade), 0);
	web_sub_start(sub, &sink);
	web_reply_reset(&r);
	return sub;
}

static void capture_free(struct capture *c, struct web_sub *sub)
{
	if (!c->closed)
		mem_deref(sub);
	json_decref(c->msgs);
}

static json_t *msg_at(const struct capture *c, size_t i)
{
	assert_true(i < json_array_size(c->msgs));
	return json_array_get(c->msgs, i);
}

static const char *str_of(const json_t *m, const char *key)
{
	const char *s = json_string_value(json_object_get(m, key));
	return s ? s : "";
}

static uint64_t seq_of(const json_t *m)
{
	return (uint64_t)json_integer_value(json_object_get(m, "seq"));
}

/* An engine event of type; queue and agent may be NULL. The agent-state
 * event has no tenant of its own, as the engine may send it. */
static void emit(struct wfx *f, enum acd_event_type type, const char *tenant,
                 const char *queue, const char *agent)
{
	struct acd_event ev;
	uint32_t t = acd_tenant_find(f->acd, tenant);
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.tenant = type == ACD_EV_AGENT_STATE ? ACD_NONE : t;
	ev.queue = queue ? acd_queue_find(f->acd, t, queue) : ACD_NONE;
	ev.agent = agent ? acd_agent_find(f->acd, t, agent) : ACD_NONE;
	ev.contact = queue ? 42 : 0;
	ev.wait = queue ? 1500 : 0;
	ev.reason = type == ACD_EV_AGENT_STATE ? "lunch" : NULL;
	ev.agent_state = ACD_AGENT_NOT_READY;
	ev.agent_prev = ACD_AGENT_READY;
	web_engine_event(f->web, &ev);
}

/* A feed of cap events in place of the usual one. */
static void small_feed(struct wfx *f, size_t cap)
{
	mem_deref(f->web->feed);
	f->web->feed = NULL;
	assert_int_equal(web_feed_alloc(&f->web->feed, cap), 0);
}

static void test_ring(void **state)
{
	struct wfx *f = *state;
	struct web_feed *other = NULL;
	const char *epoch;
	size_t bytes;

	small_feed(f, 4);
	epoch = web_feed_epoch(f->web->feed);
	assert_int_equal(strlen(epoch), WEB_EPOCH_HEX);
	assert_int_equal(strspn(epoch, "0123456789abcdef"), WEB_EPOCH_HEX);
	assert_int_equal(web_feed_alloc(&other, 4), 0);
	assert_string_not_equal(web_feed_epoch(other), epoch);
	mem_deref(other);
	assert_int_equal(web_feed_last(f->web->feed), 0);
	assert_null(web_feed_at(f->web->feed, 0));
	assert_null(web_feed_at(f->web->feed, 1));
	for (int i = 0; i < 4; i++)
		emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	bytes = web_feed_bytes(f->web->feed);
	assert_true(bytes > 0);
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_int_equal(web_feed_first(f->web->feed), 3);
	assert_int_equal(web_feed_last(f->web->feed), 6);
	assert_null(web_feed_at(f->web->feed, 2));
	assert_null(web_feed_at(f->web->feed, 7));
	assert_int_equal(web_feed_at(f->web->feed, 3)->seq, 3);
	assert_int_equal(web_feed_at(f->web->feed, 6)->seq, 6);
	/* Old entries are freed as new ones come: the memory stays put. */
	assert_int_equal(web_feed_bytes(f->web->feed), bytes);
}

static void test_event_json(void **state)
{
	struct wfx *f = *state;
	const struct web_feed_entry *e;
	json_t *j;

	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	emit(f, ACD_EV_CONTACT_OFFERED, "demo", "info", "agent2");
	e = web_feed_at(f->web->feed, 1);
	assert_null(e->figures);
	j = json_loads(e->full, 0, NULL);
	assert_string_equal(str_of(j, "type"), "agent-state");
	assert_int_equal(seq_of(j), 1);
	assert_string_equal(str_of(j, "tenant"), "demo");
	assert_string_equal(str_of(j, "agent"), "agent1");
	assert_string_equal(str_of(j, "state"), "not-ready");
	assert_string_equal(str_of(j, "previous"), "ready");
	assert_string_equal(str_of(j, "reason"), "lunch");
	assert_null(json_object_get(j, "queue"));
	assert_true(json_integer_value(json_object_get(j, "ts")) > 0);
	json_decref(j);
	e = web_feed_at(f->web->feed, 2);
	j = json_loads(e->full, 0, NULL);
	assert_string_equal(str_of(j, "type"), "contact-offered");
	assert_string_equal(str_of(j, "queue"), "info");
	assert_string_equal(str_of(j, "agent"), "agent2");
	assert_string_equal(str_of(j, "channel"), "voice");
	assert_int_equal(json_integer_value(json_object_get(j, "contact")), 42);
	assert_int_equal(json_integer_value(json_object_get(j, "wait_ms")),
	                 1500);
	assert_non_null(json_object_get(j, "waiting"));
	json_decref(j);
	/* The figures alone: no agent, no contact. */
	j = json_loads(e->figures, 0, NULL);
	assert_string_equal(str_of(j, "type"), "queue-figures");
	assert_int_equal(seq_of(j), 2);
	assert_string_equal(str_of(j, "queue"), "info");
	assert_null(json_object_get(j, "agent"));
	assert_null(json_object_get(j, "contact"));
	assert_non_null(json_object_get(j, "waiting"));
	json_decref(j);
}

/* Types of the messages after the hello, with their agent or queue. */
static void expect_types(const struct capture *c, const char *const *want,
                         size_t n)
{
	assert_int_equal(json_array_size(c->msgs), n + 1);
	assert_string_equal(str_of(msg_at(c, 0), "type"), "hello");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(str_of(msg_at(c, i + 1), "type"), want[i]);
}

static void test_view(void **state)
{
	struct wfx *f = *state;
	char admin[HEX_MAX], sup[HEX_MAX], maria[HEX_MAX];
	struct capture ca, cs, cm;
	struct web_sub *sa, *ss, *sm;
	static const char *const all[] = {
	    "agent-state",    "agent-state",     "agent-state",
	    "contact-queued", "contact-offered", "contact-queued",
	};
	static const char *const demo[] = {"agent-state", "agent-state",
	                                   "contact-queued", "contact-offered"};
	static const char *const mine[] = {"agent-state", "queue-figures",
	                                   "queue-figures"};

	wfx_login(f, "admin", "admin-pw", admin);
	wfx_login(f, "sup", "sup-pw", sup);
	wfx_login(f, "maria", "maria-pw", maria);
	sa = subscribe(f, admin, NULL, &ca);
	ss = subscribe(f, sup, NULL, &cs);
	sm = subscribe(f, maria, NULL, &cm);
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent2");
	emit(f, ACD_EV_AGENT_STATE, "other", NULL, "agent9");
	emit(f, ACD_EV_CONTACT_QUEUED, "demo", "info", NULL);
	emit(f, ACD_EV_CONTACT_OFFERED, "demo", "info", "agent2");
	emit(f, ACD_EV_CONTACT_QUEUED, "other", "sales", NULL);
	expect_types(&ca, all, 6);
	expect_types(&cs, demo, 4);
	/* An agent: its own events in full, its queue's figures only. */
	expect_types(&cm, mine, 3);
	assert_string_equal(str_of(msg_at(&cm, 1), "agent"), "agent1");
	assert_int_equal(seq_of(msg_at(&cm, 3)), 5);
	assert_null(json_object_get(msg_at(&cm, 3), "agent"));
	for (size_t i = 1; i < json_array_size(cs.msgs); i++)
		assert_string_equal(str_of(msg_at(&cs, i), "tenant"), "demo");
	assert_int_equal(web_sub_sent(sm), 4);
	capture_free(&ca, sa);
	capture_free(&cs, ss);
	capture_free(&cm, sm);
}

/* Disconnect, miss events, come back: exactly those, in order. */
static void test_resume(void **state)
{
	struct wfx *f = *state;
	char sup[HEX_MAX], query[128];
	struct capture c;
	struct web_sub *sub;
	json_t *hello;
	uint64_t last;

	wfx_login(f, "sup", "sup-pw", sup);
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	sub = subscribe(f, sup, NULL, &c);
	hello = msg_at(&c, 0);
	assert_string_equal(str_of(hello, "epoch"),
	                    web_feed_epoch(f->web->feed));
	assert_int_equal(seq_of(hello), 1);
	assert_false(json_is_true(json_object_get(hello, "resumed")));
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	emit(f, ACD_EV_AGENT_STATE, "other", NULL, "agent9");
	last = seq_of(msg_at(&c, json_array_size(c.msgs) - 1));
	assert_int_equal(last, 2);
	capture_free(&c, sub);
	for (int i = 0; i < 3; i++) {
		emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent2");
		emit(f, ACD_EV_AGENT_STATE, "other", NULL, "agent9");
	}
	snprintf(query, sizeof(query), "?resume=%s:%llu",
	         web_feed_epoch(f->web->feed), (unsigned long long)last);
	sub = subscribe(f, sup, query, &c);
	assert_int_equal(json_array_size(c.msgs), 4);
	assert_string_equal(str_of(msg_at(&c, 0), "type"), "hello");
	assert_true(json_is_true(json_object_get(msg_at(&c, 0), "resumed")));
	assert_int_equal(seq_of(msg_at(&c, 0)), 2);
	assert_int_equal(seq_of(msg_at(&c, 1)), 4);
	assert_int_equal(seq_of(msg_at(&c, 2)), 6);
	assert_int_equal(seq_of(msg_at(&c, 3)), 8);
	/* Then live ones, once. */
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent2");
	assert_int_equal(json_array_size(c.msgs), 5);
	assert_int_equal(seq_of(msg_at(&c, 4)), 10);
	capture_free(&c, sub);
	/* Up to date: the hello alone; "%3A" as URLSearchParams writes. */
	snprintf(query, sizeof(query), "?x=1&resume=%s%%3A10",
	         web_feed_epoch(f->web->feed));
	sub = subscribe(f, sup, query, &c);
	assert_int_equal(json_array_size(c.msgs), 1);
	assert_true(json_is_true(json_object_get(msg_at(&c, 0), "resumed")));
	capture_free(&c, sub);
}

static void expect_reset(struct wfx *f, const char *token, const char *query,
                         const char *reason)
{
	struct capture c;
	struct web_sub *sub = subscribe(f, token, query, &c);
	uint64_t before = f->web->ws.resets;
	json_t *m = msg_at(&c, 0);
	assert_int_equal(json_array_size(c.msgs), 1);
	assert_string_equal(str_of(m, "type"), "reset");
	assert_string_equal(str_of(m, "reason"), reason);
	assert_string_equal(str_of(m, "epoch"), web_feed_epoch(f->web->feed));
	assert_int_equal(seq_of(m), web_feed_last(f->web->feed));
	/* After a reset, live events follow as usual. */
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_int_equal(json_array_size(c.msgs), 2);
	assert_int_equal(seq_of(msg_at(&c, 1)), web_feed_last(f->web->feed));
	assert_int_equal(f->web->ws.resets, before);
	capture_free(&c, sub);
}

static void test_reset(void **state)
{
	struct wfx *f = *state;
	char sup[HEX_MAX], query[128];
	struct web_reply r = {0};

	small_feed(f, 4);
	wfx_login(f, "sup", "sup-pw", sup);
	for (int i = 0; i < 10; i++)
		emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	/* A daemon that restarted: same numbers, another epoch. */
	expect_reset(f, sup, "?resume=0123456789abcdef:9", "epoch");
	snprintf(query, sizeof(query), "?resume=%s:2",
	         web_feed_epoch(f->web->feed));
	expect_reset(f, sup, query, "too-old");
	snprintf(query, sizeof(query), "?resume=%s:99",
	         web_feed_epoch(f->web->feed));
	expect_reset(f, sup, query, "ahead");
	/* Resuming just before the oldest event held still works. */
	snprintf(query, sizeof(query), "?resume=%s:%llu",
	         web_feed_epoch(f->web->feed),
	         (unsigned long long)web_feed_first(f->web->feed) - 1);
	events_get(f, sup, query, &r);
	assert_int_equal(r.status, 101);
	assert_true(r.upgrade.resume);
	assert_int_equal(f->web->ws.resets, 3);
	web_reply_reset(&r);
}

static void test_slow_reader(void **state)
{
	struct wfx *f = *state;
	char sup[HEX_MAX];
	struct capture c;
	struct web_sub *sub;

	small_feed(f, 8);
	wfx_login(f, "sup", "sup-pw", sup);
	sub = subscribe(f, sup, NULL, &c);
	c.backlog = WEB_WS_TXQ_LOW;
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_int_equal(json_array_size(c.msgs), 1); /* paused */
	c.backlog = 0;
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_int_equal(json_array_size(c.msgs), 3); /* caught up */
	/* Paused past WEB_WS_STALL_MS: dropped. */
	c.backlog = WEB_WS_TXQ_LOW;
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	f->web->now_ms += WEB_WS_STALL_MS;
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_true(c.closed);
	assert_int_equal(c.code, 1008);
	assert_int_equal(f->web->ws.dropped_slow, 1);
	capture_free(&c, sub);
	/* Overtaken by the ring: dropped at once. */
	sub = subscribe(f, sup, NULL, &c);
	c.backlog = WEB_WS_TXQ_LOW;
	for (int i = 0; i < 9 && !c.closed; i++)
		emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_true(c.closed);
	assert_int_equal(f->web->ws.dropped_slow, 2);
	assert_int_equal(list_count(&f->web->subs), 0);
	capture_free(&c, sub);
}

/* A reader that drains its socket, however slowly, is not dropped: the
 * stall clock counts time without progress only. */
static void test_slow_but_steady(void **state)
{
	struct wfx *f = *state;
	char sup[HEX_MAX];
	struct capture c;
	struct web_sub *sub;

	wfx_login(f, "sup", "sup-pw", sup);
	sub = subscribe(f, sup, NULL, &c);
	c.backlog = WEB_WS_TXQ_LOW;
	for (int i = 0; i < 4; i++)
		emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	for (int i = 0; i < 3; i++) {
		/* One message drains, then the socket is full again. */
		f->web->now_ms += WEB_WS_STALL_MS - 1;
		c.backlog = 0;
		c.per_send = WEB_WS_TXQ_LOW;
		emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
		assert_false(c.closed);
		assert_int_equal(json_array_size(c.msgs), (size_t)i + 2);
	}
	f->web->now_ms += WEB_WS_STALL_MS;
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	assert_true(c.closed);
	capture_free(&c, sub);
}

static void test_session_ends(void **state)
{
	struct wfx *f = *state;
	char maria[HEX_MAX], sup[HEX_MAX], hash[crypto_pwhash_STRBYTES],
	    yaml[1024];
	struct capture c1, c2, c3;
	struct web_sub *s1, *s2, *s3;
	struct web_reply r = {0};
	struct config_errors errs = {0};
	struct config *cfg2 = NULL;

	wfx_login(f, "maria", "maria-pw", maria);
	wfx_login(f, "sup", "sup-pw", sup);
	s1 = subscribe(f, maria, NULL, &c1);
	s2 = subscribe(f, maria, NULL, &c2);
	s3 = subscribe(f, sup, NULL, &c3);
	assert_int_equal(list_count(&f->web->subs), 3);
	wfx_call(f, "POST", "/api/v1/logout", maria, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(c1.closed && c2.closed);
	assert_int_equal(c1.code, 1008);
	assert_false(c3.closed);
	/* A reload that removes the user. */
	wfx_hash(hash, "x");
	snprintf(yaml, sizeof(yaml),
	         "tenants: [{name: demo}, {name: other}]\n"
	         "queues: [{name: info, tenant: demo}, "
	         "{name: sales, tenant: other}]\n"
	         "users: [{name: admin, password_hash: \"%s\", "
	         "role: administrator, tenants: [demo]}]\n",
	         hash);
	assert_int_equal(
	    config_parse(yaml, strlen(yaml), "b.yaml", &cfg2, &errs), 0);
	web_config(f->web, cfg2);
	assert_true(c3.closed);
	web_config(f->web, f->cfg);
	config_free(cfg2);
	capture_free(&c1, s1);
	capture_free(&c2, s2);
	capture_free(&c3, s3);
	/* Expiry, found by the periodic check. */
	wfx_login(f, "sup", "sup-pw", sup);
	s1 = subscribe(f, sup, NULL, &c1);
	web_subs_check(f->web);
	assert_false(c1.closed);
	f->web->now_ms += WEB_SESSION_TTL;
	web_subs_check(f->web);
	assert_true(c1.closed);
	assert_int_equal(f->web->ws.closed_session, 4);
	capture_free(&c1, s1);
	web_reply_reset(&r);
}

/* The checks of GET /api/v1/events before it answers 101. */
static void test_route(void **state)
{
	struct wfx *f = *state;
	char sup[HEX_MAX], cookie[HEX_MAX], csrf[HEX_MAX], h[768];
	struct web_reply r = {0};

	wfx_login(f, "sup", "sup-pw", sup);
	wfx_call(f, "GET", "/api/v1/events", sup, NULL, &r);
	wfx_expect_error(&r, 400, "not-websocket");
	wfx_request(f, &f->remote, "GET", "/api/v1/events", ws_headers, NULL,
	            &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	events_get(f, sup, "?resume=zz:1", &r);
	wfx_expect_error(&r, 400, "bad-field");
	events_get(f, sup, "?resume=0123456789abcdef:", &r);
	wfx_expect_error(&r, 400, "bad-field");
	events_get(f, sup,
	           "?resume=0123456789abcdef:1&resume=0123456789abcdef:2", &r);
	wfx_expect_error(&r, 400, "bad-field");
	events_get(f, sup, "?resume=0123456789ABCDEF:18446744073709551615", &r);
	assert_int_equal(r.status, 101);
	assert_string_equal(r.upgrade.epoch, "0123456789abcdef");
	assert_true(r.upgrade.seq == UINT64_MAX);
	events_get(f, sup, "?resume=0123456789abcdef:18446744073709551616", &r);
	wfx_expect_error(&r, 400, "bad-field");
	/* A cookie: only from a page of this server (Host is "x"). */
	wfx_login_cookie(f, "sup", "sup-pw", cookie, csrf);
	snprintf(h, sizeof(h), "Cookie: %s=%s\r\n%s", WEB_COOKIE_NAME, cookie,
	         ws_headers);
	wfx_request(f, &f->remote, "GET", "/api/v1/events", h, NULL, &r);
	wfx_expect_error(&r, 403, "bad-origin");
	snprintf(h, sizeof(h),
	         "Cookie: %s=%s\r\nOrigin: https://evil.example\r\n%s",
	         WEB_COOKIE_NAME, cookie, ws_headers);
	wfx_request(f, &f->remote, "GET", "/api/v1/events", h, NULL, &r);
	wfx_expect_error(&r, 403, "bad-origin");
	snprintf(h, sizeof(h), "Cookie: %s=%s\r\nOrigin: http://x.evil\r\n%s",
	         WEB_COOKIE_NAME, cookie, ws_headers);
	wfx_request(f, &f->remote, "GET", "/api/v1/events", h, NULL, &r);
	wfx_expect_error(&r, 403, "bad-origin");
	snprintf(h, sizeof(h), "Cookie: %s=%s\r\nOrigin: http://X\r\n%s",
	         WEB_COOKIE_NAME, cookie, ws_headers);
	wfx_request(f, &f->remote, "GET", "/api/v1/events", h, NULL, &r);
	assert_int_equal(r.status, 101);
	assert_non_null(r.upgrade.session);
	assert_string_equal(r.upgrade.user, "sup");
	web_reply_reset(&r);
}

static void test_metrics(void **state)
{
	struct wfx *f = *state;
	char sup[HEX_MAX];
	struct capture c;
	struct web_sub *sub;
	struct web_reply r = {0};

	wfx_login(f, "sup", "sup-pw", sup);
	sub = subscribe(f, sup, NULL, &c);
	emit(f, ACD_EV_AGENT_STATE, "demo", NULL, "agent1");
	wfx_send(f, &f->loopback, "GET /metrics HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	r.body->pos = r.body->end;
	assert_int_equal(mbuf_write_u8(r.body, 0), 0);
	assert_non_null(
	    strstr((char *)r.body->buf, "\ncentralino_ws_connections 1\n"));
	assert_non_null(
	    strstr((char *)r.body->buf, "\ncentralino_ws_messages_total 2\n"));
	assert_non_null(
	    strstr((char *)r.body->buf, "\ncentralino_feed_events_total 1\n"));
	capture_free(&c, sub);
	web_reply_reset(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ring, wfx_setup, wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_event_json, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_view, wfx_setup, wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_resume, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_reset, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_slow_reader, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_slow_but_steady, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_ends, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_route, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_metrics, wfx_setup,
	                                    wfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
