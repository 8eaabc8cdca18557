/*
 * test_web_api.c - the REST API through its dispatcher, without sockets:
 * sign-in, tokens, throttling, roles, tenant isolation, the routes and
 * their errors.
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

static void test_login(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char token[WEB_TOKEN_HEX + 1];

	wfx_login(f, "sup", "sup-pw", token);
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"wrong\"}", &r);
	wfx_expect_error(&r, 401, "bad-credentials");
	/* An unknown user gets the very same answer. */
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"nobody\",\"password\":\"wrong\"}", &r);
	wfx_expect_error(&r, 401, "bad-credentials");
	wfx_call(f, "POST", "/api/v1/login", NULL, "{\"user\":\"sup\"}", &r);
	wfx_expect_error(&r, 400, "missing-field");
	assert_non_null(strstr((char *)r.body->buf, "'password'"));
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":5}", &r);
	wfx_expect_error(&r, 400, "bad-field");
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"x\",\"otp\":1}", &r);
	wfx_expect_error(&r, 400, "unknown-field");
	assert_non_null(strstr((char *)r.body->buf, "'otp'"));
	wfx_call(f, "POST", "/api/v1/login", NULL, "{\"user\":", &r);
	wfx_expect_error(&r, 400, "bad-json");
	wfx_call(f, "POST", "/api/v1/login", NULL, "[1]", &r);
	wfx_expect_error(&r, 400, "bad-json");
	web_reply_reset(&r);
}

/* Five failures from one address block it; others are not affected. */
static void test_login_throttle(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char token[WEB_TOKEN_HEX + 1];
	static const char bad[] = "POST /api/v1/login HTTP/1.1\r\n"
	                          "Content-Length: 34\r\n\r\n"
	                          "{\"user\":\"sup\",\"password\":\"wrong\"}";

	for (int i = 0; i < WEB_THROTTLE_MAX; i++) {
		wfx_send(f, &f->remote, bad, &r);
		wfx_expect_error(&r, 401, "bad-credentials");
	}
	wfx_send(f, &f->remote, bad, &r);
	wfx_expect_error(&r, 429, "throttled");
	assert_int_equal(r.retry_after, WEB_THROTTLE_BLK / 1000);
	/* Even the right password waits: the block is by address. */
	wfx_call(f, "POST", "/api/v1/login", NULL,
	         "{\"user\":\"sup\",\"password\":\"sup-pw\"}", &r);
	wfx_expect_error(&r, 429, "throttled");
	wfx_send(f, &f->loopback, bad, &r);
	wfx_expect_error(&r, 401, "bad-credentials");
	f->web->now_ms += WEB_THROTTLE_BLK;
	wfx_login(f, "sup", "sup-pw", token);
	web_reply_reset(&r);
}

static void test_tokens(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char token[WEB_TOKEN_HEX + 1], forged[WEB_TOKEN_HEX + 1];

	wfx_call(f, "GET", "/api/v1/queues", NULL, NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	assert_true(r.www_authenticate);
	wfx_login(f, "sup", "sup-pw", token);
	wfx_call(f, "GET", "/api/v1/queues", token, NULL, &r);
	assert_int_equal(r.status, 200);
	strcpy(forged, token);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	wfx_call(f, "GET", "/api/v1/queues", forged, NULL, &r);
	assert_int_equal(r.status, 401);
	wfx_call(f, "GET", "/api/v1/queues", "short", NULL, &r);
	assert_int_equal(r.status, 401);
	/* Expired. */
	f->web->now_ms += WEB_SESSION_TTL;
	wfx_call(f, "GET", "/api/v1/queues", token, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_int_equal(f->web->nsessions, 0);
	web_reply_reset(&r);
}

/* A user of demo never sees other's objects: 404 as if none existed. */
static void test_tenant_isolation(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char token[WEB_TOKEN_HEX + 1];
	json_t *j, *list;

	wfx_login(f, "sup", "sup-pw", token);
	wfx_call(f, "GET", "/api/v1/queues", token, NULL, &r);
	j = wfx_json(&r);
	list = json_object_get(j, "queues");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(list, 0), "name")),
	    "info");
	json_decref(j);
	wfx_call(f, "GET", "/api/v1/queues/demo/info", token, NULL, &r);
	assert_int_equal(r.status, 200);
	wfx_call(f, "GET", "/api/v1/queues/other/sales", token, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_call(f, "GET", "/api/v1/queues/other/nothing", token, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_call(f, "GET", "/api/v1/agents", token, NULL, &r);
	j = wfx_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "agents")), 2);
	json_decref(j);
	wfx_call(f, "PUT", "/api/v1/agents/other/agent9/state", token,
	         "{\"state\":\"ready\"}", &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_call(f, "POST", "/api/v1/flows/other/hotline/emergency", token,
	         "{\"on\":true}", &r);
	wfx_expect_error(&r, 404, "not-found");
	web_reply_reset(&r);
}

/* An agent sees and changes only itself; supervisors any of their own. */
static void test_agent_state(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char mine[WEB_TOKEN_HEX + 1], sup[WEB_TOKEN_HEX + 1];
	uint32_t demo = acd_tenant_find(f->acd, "demo");
	json_t *j;

	wfx_login(f, "maria", "maria-pw", mine);
	wfx_login(f, "sup", "sup-pw", sup);
	wfx_call(f, "PUT", "/api/v1/agents/demo/agent1/state", mine,
	         "{\"state\":\"ready\"}", &r);
	assert_int_equal(r.status, 200);
	j = wfx_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	                    "ready");
	json_decref(j);
	assert_int_equal(
	    acd_agent_state(f->acd, acd_agent_find(f->acd, demo, "agent1")),
	    ACD_AGENT_READY);
	wfx_call(f, "PUT", "/api/v1/agents/demo/agent2/state", mine,
	         "{\"state\":\"ready\"}", &r);
	wfx_expect_error(&r, 403, "forbidden");
	wfx_call(f, "GET", "/api/v1/agents", mine, NULL, &r);
	j = wfx_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "agents")), 1);
	json_decref(j);
	wfx_call(f, "PUT", "/api/v1/agents/demo/agent2/state", sup,
	         "{\"state\":\"not-ready\",\"reason\":\"lunch\"}", &r);
	assert_int_equal(r.status, 200);
	wfx_call(f, "PUT", "/api/v1/agents/demo/agent2/state", sup,
	         "{\"state\":\"asleep\"}", &r);
	wfx_expect_error(&r, 400, "bad-field");
	assert_non_null(strstr((char *)r.body->buf, "'state'"));
	wfx_call(f, "PUT", "/api/v1/agents/demo/agent2/state", sup, "", &r);
	wfx_expect_error(&r, 400, "bad-json");
	web_reply_reset(&r);
}

static void test_roles(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char mine[WEB_TOKEN_HEX + 1], sup[WEB_TOKEN_HEX + 1],
	    admin[WEB_TOKEN_HEX + 1];

	wfx_login(f, "maria", "maria-pw", mine);
	wfx_login(f, "sup", "sup-pw", sup);
	wfx_login(f, "admin", "admin-pw", admin);
	wfx_call(f, "POST", "/api/v1/flows/demo/hotline/emergency", mine,
	         "{\"on\":true}", &r);
	wfx_expect_error(&r, 403, "forbidden");
	/* No voice channel in the tests: the switch cannot be thrown. */
	wfx_call(f, "POST", "/api/v1/flows/demo/hotline/emergency", sup,
	         "{\"on\":true}", &r);
	wfx_expect_error(&r, 409, "no-voice");
	wfx_call(f, "POST", "/api/v1/flows/demo/hotline/emergency", sup,
	         "{\"on\":\"yes\"}", &r);
	wfx_expect_error(&r, 400, "bad-field");
	wfx_call(f, "POST", "/api/v1/reload", sup, NULL, &r);
	wfx_expect_error(&r, 403, "forbidden");
	assert_int_equal(f->reloads, 0);
	wfx_call(f, "POST", "/api/v1/reload", admin, "{}", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(f->reloads, 1);
	f->reload_err = EINVAL;
	wfx_call(f, "POST", "/api/v1/reload", admin, NULL, &r);
	wfx_expect_error(&r, 409, "reload-refused");
	assert_int_equal(f->reloads, 2);
	web_reply_reset(&r);
}

static void test_routing_errors(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char token[WEB_TOKEN_HEX + 1];

	wfx_login(f, "sup", "sup-pw", token);
	wfx_call(f, "DELETE", "/api/v1/queues", token, NULL, &r);
	wfx_expect_error(&r, 405, "method-not-allowed");
	assert_string_equal(r.allow, "GET");
	wfx_call(f, "GET", "/api/v1/nothing", token, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_call(f, "GET", "/api/v1/queues/", token, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_call(f, "GET", "/api/v1/queues/demo/in%66o", token, NULL, &r);
	assert_int_equal(r.status, 200);
	wfx_call(f, "GET", "/api/v1/queues/demo/in%0ao", token, NULL, &r);
	wfx_expect_error(&r, 404, "not-found");
	wfx_send(f, &f->remote,
	         "PUT /api/v1/agents/demo/agent2/state HTTP/1.1\r\n"
	         "Content-Length: 70000\r\n\r\n{}",
	         &r);
	wfx_expect_error(&r, 413, "too-large");
	web_reply_reset(&r);
}

static void test_metrics(void **state)
{
	struct wfx *f = *state;
	struct web_reply r = {0};
	char sup[WEB_TOKEN_HEX + 1], admin[WEB_TOKEN_HEX + 1];
	const char *text;

	wfx_send(f, &f->loopback, "GET /metrics HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(r.status, 200);
	r.body->pos = r.body->end;
	assert_int_equal(mbuf_write_u8(r.body, 0), 0);
	text = (const char *)r.body->buf;
	assert_non_null(strstr(
	    text,
	    "centralino_queue_waiting{tenant=\"demo\",queue=\"info\"} 0\n"));
	assert_non_null(strstr(
	    text, "centralino_agents{tenant=\"other\",state=\"offline\"} 1\n"));
	assert_non_null(strstr(text, "# TYPE centralino_queue_answered_total "
	                             "counter\n"));
	wfx_call(f, "GET", "/metrics", NULL, NULL, &r);
	wfx_expect_error(&r, 401, "unauthenticated");
	wfx_login(f, "sup", "sup-pw", sup);
	wfx_call(f, "GET", "/metrics", sup, NULL, &r);
	wfx_expect_error(&r, 403, "forbidden");
	wfx_login(f, "admin", "admin-pw", admin);
	wfx_call(f, "GET", "/metrics", admin, NULL, &r);
	assert_int_equal(r.status, 200);
	web_reply_reset(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_login, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_login_throttle, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_tenant_isolation, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_agent_state, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_roles, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_routing_errors, wfx_setup,
	                                    wfx_teardown),
	    cmocka_unit_test_setup_teardown(test_metrics, wfx_setup,
	                                    wfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
