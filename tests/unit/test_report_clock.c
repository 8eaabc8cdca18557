/*
 * test_report_clock.c - the store's wall clock can be scripted: what
 * reports bucket by (journal wall_ms, a run's start) follows it.
 */
#include <time.h>

#include "store_fixture.h"

static int64_t scripted_now(void *arg)
{
	return *(const int64_t *)arg;
}

static int keep_wall(const struct store_journal_entry *e, void *arg)
{
	*(int64_t *)arg = e->wall_ms;
	return 0;
}

static void test_report_clock_stamps_rows(void **state)
{
	struct sfx *f = *state;
	int64_t now = 1795424400000; /* 2026-11-23 09:00 UTC */
	struct store_params p = {.wall_ms = scripted_now, .wall_arg = &now};
	struct acd_event ev = sfx_event(ACD_EV_CONTACT_QUEUED, 1, 5);
	int64_t seen = 0;
	sqlite3 *db;

	sfx_open(f, &p);
	now += 90000;
	assert_int_equal(store_journal_append(f->store, &ev, "t", "q", NULL),
	                 0);
	now +=
	    1000; /* the row keeps the time of its append, not of the flush */
	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(store_journal_read(f->store, 0, 1, keep_wall, &seen),
	                 0);
	assert_int_equal(seen, 1795424490000);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT started_ms FROM runs"),
	                 1795424400000);
	sqlite3_close(db);
}

static void test_report_clock_default_is_real(void **state)
{
	struct sfx *f = *state;
	struct acd_event ev = sfx_event(ACD_EV_CONTACT_QUEUED, 1, 5);
	int64_t before = (int64_t)time(NULL) * 1000, seen = 0;

	sfx_open(f, NULL);
	assert_int_equal(store_journal_append(f->store, &ev, "t", "q", NULL),
	                 0);
	assert_int_equal(store_flush(f->store), 0);
	assert_int_equal(store_journal_read(f->store, 0, 1, keep_wall, &seen),
	                 0);
	assert_true(seen >= before && seen < before + 60000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_report_clock_stamps_rows,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_clock_default_is_real,
	                                    sfx_setup, sfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
