/*
 * test_report_api.c - GET /api/v1/reports/queues through the web
 * dispatcher, over a store with a scripted quarter hour of two tenants.
 *
 * 09:00-09:15 UTC: demo/info c1 queued 09:01, answered after 8 s,
 * completed 09:04; demo/info c2 queued 09:05, abandoned after 30 s;
 * other/sales c3 queued 09:06, abandoned after 2 s (short). So demo/info:
 * offered 2, answered 1 in SL, SL 1 / 2; other/sales: offered 1, SL
 * 0 / 0 (null).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "web_fixture.h"

#define T9    1795424400000LL /* 2026-11-23T09:00:00Z */
#define RANGE "from=2026-11-23T09:00Z&to=1795425300000"

struct sf {
	struct wfx *w;
	struct store *store;
	char dir[64], path[128];
	int64_t now;
};

static int64_t scripted(void *arg)
{
	return *(int64_t *)arg;
}

static void put(struct sf *s, int64_t at_s, enum acd_event_type type,
                uint64_t c, const char *tenant, const char *queue,
                int64_t wait_s)
{
	struct acd_event ev = {.type = type,
	                       .contact = c,
	                       .time = at_s * 1000,
	                       .wait = wait_s * 1000};

	s->now = T9 + at_s * 1000;
	assert_int_equal(store_journal_append(s->store, &ev, tenant, queue,
	                                      c == 1 ? "agent1" : NULL),
	                 0);
}

static int setup(void **state)
{
	struct sf *s = calloc(1, sizeof(*s));
	struct store_params p = {.wall_ms = scripted};
	char err[256];

	assert_non_null(s);
	assert_int_equal(wfx_setup((void **)&s->w), 0);
	snprintf(s->dir, sizeof(s->dir), "/tmp/report-api-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/c.db", s->dir);
	p.wall_arg = &s->now;
	s->now = T9;
	assert_int_equal(store_open(&s->store, s->path, &p, err, sizeof(err)),
	                 0);
	put(s, 60, ACD_EV_CONTACT_QUEUED, 1, "demo", "info", 0);
	put(s, 68, ACD_EV_OFFER_ACCEPTED, 1, "demo", "info", 8);
	put(s, 240, ACD_EV_CONTACT_COMPLETED, 1, "demo", "info", 0);
	put(s, 300, ACD_EV_CONTACT_QUEUED, 2, "demo", "info", 0);
	put(s, 330, ACD_EV_CONTACT_ABANDONED, 2, "demo", "info", 30);
	put(s, 360, ACD_EV_CONTACT_QUEUED, 3, "other", "sales", 0);
	put(s, 362, ACD_EV_CONTACT_ABANDONED, 3, "other", "sales", 2);
	/* left buffered: the route flushes before it reads */
	s->w->web->store = s->store;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct sf *s = *state;
	char path[160];

	wfx_teardown((void **)&s->w);
	store_close(s->store);
	snprintf(path, sizeof(path), "%s-wal", s->path);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", s->path);
	unlink(path);
	unlink(s->path);
	rmdir(s->dir);
	free(s);
	return 0;
}

static json_t *get(struct sf *s, const char *user, const char *password,
                   const char *query, struct web_reply *r)
{
	char token[WEB_TOKEN_HEX + 1], path[256];

	wfx_login(s->w, user, password, token);
	snprintf(path, sizeof(path), "/api/v1/reports/queues?%s", query);
	wfx_call(s->w, "GET", path, token, NULL, r);
	return r->status == 200 ? wfx_json(r) : NULL;
}

static void test_report_api_tenants(void **state)
{
	struct sf *s = *state;
	struct web_reply r = {0};
	json_t *j = get(s, "sup", "sup-pw", RANGE "&interval=15", &r), *q;

	assert_int_equal(r.status, 200);
	q = json_object_get(j, "queues");
	assert_int_equal(json_array_size(q), 1); /* demo only */
	q = json_array_get(q, 0);
	assert_string_equal(json_string_value(json_object_get(q, "queue")),
	                    "info");
	assert_int_equal(json_integer_value(json_object_get(q, "offered")), 2);
	assert_true(json_real_value(json_object_get(q, "service_level")) ==
	            0.5);
	json_decref(j);
	web_reply_reset(&r);

	j = get(s, "admin", "admin-pw", RANGE, &r); /* both tenants */
	q = json_object_get(j, "queues");
	assert_int_equal(json_array_size(q), 2);
	q = json_array_get(q, 1);
	assert_string_equal(json_string_value(json_object_get(q, "tenant")),
	                    "other");
	assert_int_equal(
	    json_integer_value(json_object_get(q, "abandoned_short")), 1);
	assert_true(json_is_null(json_object_get(q, "service_level")));
	json_decref(j);
	web_reply_reset(&r);
}

static void test_report_api_errors(void **state)
{
	struct sf *s = *state;
	struct web_reply r = {0};

	get(s, "sup", "sup-pw", RANGE "&interval=20", &r);
	wfx_expect_error(&r, 400, "bad-query");
	web_reply_reset(&r);
	get(s, "sup", "sup-pw", "to=1795425300000", &r); /* no from */
	wfx_expect_error(&r, 400, "bad-query");
	web_reply_reset(&r);
	get(s, "sup", "sup-pw", "from=2026-11-23&to=2026-11-25", &r);
	wfx_expect_error(&r, 400, "bad-query"); /* over a day */
	web_reply_reset(&r);
	get(s, "sup", "sup-pw", RANGE "&sl_threshold=-1", &r);
	wfx_expect_error(&r, 400, "bad-query");
	web_reply_reset(&r);
	get(s, "sup", "sup-pw", RANGE "&tenant=other", &r);
	wfx_expect_error(&r, 404, "not-found");
	web_reply_reset(&r);
	get(s, "maria", "maria-pw", RANGE, &r); /* an agent */
	assert_int_equal(r.status, 403);
	web_reply_reset(&r);
	s->w->web->store = NULL;
	get(s, "sup", "sup-pw", RANGE, &r);
	wfx_expect_error(&r, 409, "no-store");
	web_reply_reset(&r);
	s->w->web->store = s->store;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_report_api_tenants, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_report_api_errors, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
