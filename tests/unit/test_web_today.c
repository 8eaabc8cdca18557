/*
 * test_web_today.c - the queues' counters are today's: each tenant's
 * queues start again at its own local midnight (Rome is an hour ahead
 * of UTC in November, New York five hours behind), and the API says
 * since when they run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "web/web_int.h"

/* 2026-11-24T22:30:00Z: 23:30 in Rome, 17:30 in New York */
#define T0       1795559400000LL
#define HOUR     3600000LL
#define ROME_MID (T0 + 30 * 60000)            /* 2026-11-24T23:00:00Z */
#define NY_MID   (T0 + 6 * HOUR + 30 * 60000) /* 2026-11-25T05:00:00Z */

static const char yaml[] = "tenants:\n"
                           "  - {name: rome, timezone: Europe/Rome}\n"
                           "  - {name: ny, timezone: America/New_York}\n"
                           "queues:\n"
                           "  - {name: q, tenant: rome}\n"
                           "  - {name: q, tenant: ny}\n";

struct tfx {
	struct config *cfg;
	struct acd *acd;
	struct web *web;
	acd_time_t now;
};

static acd_time_t clock_h(void *arg)
{
	return ((struct tfx *)arg)->now;
}

static void event_h(const struct acd_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

static int setup(void **state)
{
	struct config_errors errs = {0};
	struct tfx *f = calloc(1, sizeof(*f));
	struct web_env env = {0};

	assert_non_null(f);
	assert_int_equal(
	    config_parse(yaml, strlen(yaml), "today.yaml", &f->cfg, &errs), 0);
	f->now = 1000;
	assert_int_equal(acd_alloc(&f->acd, clock_h, event_h, f, 1), 0);
	assert_int_equal(config_apply(f->cfg, f->acd, &errs), 0);
	env.acd = f->acd;
	env.cfg = f->cfg;
	assert_int_equal(web_alloc(&f->web, &env), 0);
	web_today_stop(f->web); /* the day web_alloc() began: start at T0 */
	assert_int_equal(web_today_config(f->web, T0), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct tfx *f = *state;

	web_free(f->web);
	acd_free(f->acd);
	config_free(f->cfg);
	free(f);
	return 0;
}

static uint32_t queue_of(struct tfx *f, const char *tenant)
{
	return acd_queue_find(f->acd, acd_tenant_find(f->acd, tenant), "q");
}

/* A contact that enters tenant's queue and is abandoned there. */
static void abandoned(struct tfx *f, const char *tenant)
{
	struct acd_contact_params p = {.channel = ACD_CH_CHAT,
	                               .queue = queue_of(f, tenant)};
	uint64_t id;

	assert_int_equal(acd_contact_add(f->acd, &p, &id), 0);
	f->now += 10000;
	assert_int_equal(acd_contact_abandon(f->acd, id), 0);
}

static uint64_t offered(struct tfx *f, const char *tenant)
{
	struct acd_queue_stats st;

	assert_int_equal(acd_queue_stats(f->acd, queue_of(f, tenant), &st), 0);
	return st.offered;
}

static void test_midnight_per_tenant(void **state)
{
	struct tfx *f = *state;
	json_t *since;

	/* started at T0: both count since then */
	assert_int_equal(web_today_since(f->web, "rome"), T0);
	assert_int_equal(web_today_since(f->web, "ny"), T0);
	abandoned(f, "rome");
	abandoned(f, "ny");
	web_today_tick(f->web, ROME_MID - 1000);
	assert_int_equal(offered(f, "rome"), 1);

	/* Rome's midnight: its queue starts again, New York's goes on */
	web_today_tick(f->web, ROME_MID + 1000);
	assert_int_equal(offered(f, "rome"), 0);
	assert_int_equal(offered(f, "ny"), 1);
	assert_int_equal(web_today_since(f->web, "rome"), ROME_MID);
	since = web_today_since_json(f->web, "rome");
	assert_string_equal(json_string_value(since), "2026-11-24T23:00:00Z");
	json_decref(since);
	abandoned(f, "rome");
	web_today_tick(f->web, ROME_MID + 2 * HOUR);
	assert_int_equal(offered(f, "rome"), 1); /* once a day */

	/* New York's midnight, five hours after UTC's */
	web_today_tick(f->web, NY_MID - 1000);
	assert_int_equal(offered(f, "ny"), 1);
	web_today_tick(f->web, NY_MID + 1000);
	assert_int_equal(offered(f, "ny"), 0);
	assert_int_equal(offered(f, "rome"), 1);
	assert_int_equal(web_today_since(f->web, "ny"), NY_MID);
}

/* A reload keeps a tenant's day; a new tenant counts from the reload. */
static void test_reload_keeps_the_day(void **state)
{
	struct tfx *f = *state;

	web_today_tick(f->web, ROME_MID + 1000);
	assert_int_equal(web_today_config(f->web, ROME_MID + HOUR), 0);
	assert_int_equal(web_today_since(f->web, "rome"), ROME_MID);
	assert_int_equal(web_today_since(f->web, "ny"), T0);
	assert_int_equal(web_today_since(f->web, "nobody"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_midnight_per_tenant, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_reload_keeps_the_day, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
