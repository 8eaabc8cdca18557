/*
 * test_report_scan.c - what reports read from the store: the indexes of
 * schema 4 are there and used.
 */
#include "store_fixture.h"

/* The query plan of sql, its lines joined. */
static void plan(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	char q[512];
	sqlite3_stmt *st;
	size_t n = 0;

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	buf[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s; ",
		                      (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

static void test_report_scan_indexes(void **state)
{
	struct sfx *f = *state;
	char buf[512];
	sqlite3 *db;

	sfx_open(f, NULL);
	db = sfx_raw(f->path);
	plan(db,
	     "SELECT seq FROM journal WHERE wall_ms >= 5 ORDER BY wall_ms "
	     "LIMIT 1",
	     buf, sizeof(buf));
	assert_non_null(strstr(buf, "journal_wall"));
	plan(db,
	     "SELECT seq FROM journal WHERE type = 'agent-state' AND run = 1 "
	     "AND tenant = 't' AND agent = 'a' AND seq < 9 ORDER BY seq DESC "
	     "LIMIT 1",
	     buf, sizeof(buf));
	assert_non_null(strstr(buf, "journal_agent_state"));
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_report_scan_indexes, sfx_setup,
	                                    sfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
