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
	plan(db,
	     "SELECT tenant, agent FROM journal WHERE type = 'agent-state' "
	     "AND run = 1 AND (tenant, agent) > ('t', 'a') "
	     "ORDER BY tenant, agent LIMIT 1",
	     buf, sizeof(buf));
	assert_non_null(strstr(buf, "journal_agent_state"));
	assert_null(strstr(buf, "TEMP B-TREE")); /* no sort: a seek */
	sqlite3_close(db);
}

static int64_t scripted_now(void *arg)
{
	return *(const int64_t *)arg;
}

struct seen {
	char line[16][96];
	size_t n;
};

/* "seq run tenant/agent state" or "seq run type" per row. */
static int note(const struct store_journal_entry *e, void *arg)
{
	struct seen *v = arg;

	assert_true(v->n < 16);
	snprintf(v->line[v->n++], sizeof(v->line[0]), "%llu %llu %s/%s %s",
	         (unsigned long long)e->seq, (unsigned long long)e->run,
	         e->tenant ? e->tenant : "-", e->agent ? e->agent : "-",
	         e->agent_state ? e->agent_state : e->type);
	return 0;
}

static void state_at(struct store *s, int64_t *now, int64_t t,
                     const char *tenant, const char *agent,
                     enum acd_agent_state st)
{
	struct acd_event ev = sfx_event(ACD_EV_AGENT_STATE, 0, t);

	*now = t;
	ev.agent = 1;
	ev.agent_state = st;
	assert_int_equal(store_journal_append(s, &ev, tenant, NULL, agent), 0);
}

/*
 * Run 1: t/a1 ready 1000, t/a2 ready 1100, t/a1 busy 2000, u/a1 not
 * ready 2100, a contact queued 2200, t/a1 wrap-up 3000. Run 2: t/a2
 * ready 5000. Rows are seq 1..7 in that order.
 */
static void test_report_scan_since_and_agents_at(void **state)
{
	struct sfx *f = *state;
	int64_t now = 900;
	struct store_params p = {.wall_ms = scripted_now, .wall_arg = &now};
	struct acd_event q = sfx_event(ACD_EV_CONTACT_QUEUED, 1, 2200);
	struct seen v = {0};

	sfx_open(f, &p);
	state_at(f->store, &now, 1000, "t", "a1", ACD_AGENT_READY);
	state_at(f->store, &now, 1100, "t", "a2", ACD_AGENT_READY);
	state_at(f->store, &now, 2000, "t", "a1", ACD_AGENT_BUSY);
	state_at(f->store, &now, 2100, "u", "a1", ACD_AGENT_NOT_READY);
	now = 2200;
	assert_int_equal(store_journal_append(f->store, &q, "t", "q", NULL), 0);
	state_at(f->store, &now, 3000, "t", "a1", ACD_AGENT_WRAPUP);
	assert_int_equal(store_close(f->store), 0);
	now = 4900;
	sfx_open(f, &p);
	state_at(f->store, &now, 5000, "t", "a2", ACD_AGENT_READY);
	assert_int_equal(store_flush(f->store), 0);

	assert_int_equal(store_journal_since(f->store, 2150, note, &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.line[0], "5 1 t/- contact-queued");
	assert_string_equal(v.line[2], "7 2 t/a2 ready");

	v.n = 0; /* the last state of each agent of run 1 before 2150 */
	assert_int_equal(store_journal_agents_at(f->store, 2150, note, &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.line[0], "3 1 t/a1 busy");
	assert_string_equal(v.line[1], "2 1 t/a2 ready");
	assert_string_equal(v.line[2], "4 1 u/a1 not-ready");

	v.n = 0; /* at 4000 run 1 is the last: a1 wraps up */
	assert_int_equal(store_journal_agents_at(f->store, 4000, note, &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.line[0], "6 1 t/a1 wrap-up");

	v.n = 0; /* after the last row: run 2's agents */
	assert_int_equal(store_journal_agents_at(f->store, 9000, note, &v), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.line[0], "7 2 t/a2 ready");

	v.n = 0; /* before the first row: nothing, and nothing after the end */
	assert_int_equal(store_journal_agents_at(f->store, 10, note, &v), 0);
	assert_int_equal(store_journal_since(f->store, 9000, note, &v), 0);
	assert_int_equal(v.n, 0);
}

static int stop_at_two(const struct store_journal_entry *e, void *arg)
{
	return ++*(int *)arg == 2 ? 42 : 0;
}

static void test_report_scan_stops_and_reads_only(void **state)
{
	struct sfx *f = *state;
	int64_t now = 100;
	struct store_params p = {.wall_ms = scripted_now, .wall_arg = &now};
	struct store_params ro = {.read_only = true};
	struct seen v = {0};
	int calls = 0;

	sfx_open(f, &p);
	for (int i = 0; i < 5; i++)
		state_at(f->store, &now, 1000 + i, "t", "a", ACD_AGENT_READY);
	assert_int_equal(store_close(f->store), 0);
	sfx_open(f, &ro); /* a report beside the daemon */
	assert_int_equal(store_journal_since(f->store, 0, stop_at_two, &calls),
	                 42);
	assert_int_equal(calls, 2);
	assert_int_equal(store_journal_agents_at(f->store, 1003, note, &v), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.line[0], "3 1 t/a ready");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_report_scan_indexes, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_report_scan_since_and_agents_at, sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_report_scan_stops_and_reads_only, sfx_setup, sfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
