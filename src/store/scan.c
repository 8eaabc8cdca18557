/*
 * scan.c - the journal by time, for reports: every row from a moment on,
 * and the agents' states at that moment.
 *
 * Both start from the first row at or after a wall time, found by the
 * index journal_wall; from there the walk goes by seq (the primary key),
 * so a report reads the rows of its range once, in journal order.
 */
#include <errno.h>
#include <stdio.h>

#include "store/store_int.h"

/* The first column of sql's first row, ?1 bound to a; *found: a row. */
static int query_seq(struct store *s, const char *sql, int64_t a, int64_t *vp,
                     bool *found)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	*found = false;
	if (rc != SQLITE_OK)
		return store_fail(s, "read journal", rc);
	sqlite3_bind_int64(st, 1, a);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*vp = sqlite3_column_int64(st, 0);
		*found = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	           ? 0
	           : store_fail(s, "read journal", rc);
}

/* The seq of the first row at or after from_ms; INT64_MAX when none. */
static int first_seq(struct store *s, int64_t from_ms, int64_t *seqp)
{
	bool found;
	int err = query_seq(s,
	                    "SELECT seq FROM journal WHERE wall_ms >= ?1 "
	                    "ORDER BY wall_ms, seq LIMIT 1",
	                    from_ms, seqp, &found);

	if (!err && !found)
		*seqp = INT64_MAX;
	return err;
}

/* Hand every row of st to h; st is finalized. */
static int rows(struct store *s, sqlite3_stmt *st, store_journal_h *h,
                void *arg)
{
	struct store_journal_entry e;
	int rc, ret = 0;

	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_journal_row(st, &e);
		ret = h(&e, arg);
	}
	if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_fail(s, "read journal", rc);
	sqlite3_finalize(st);
	return ret;
}

int store_journal_since(struct store *s, int64_t from_ms, store_journal_h *h,
                        void *arg)
{
	static const char sql[] = "SELECT " STORE_JOURNAL_COLUMNS
	                          " FROM journal WHERE seq >= ?1 ORDER BY seq";
	sqlite3_stmt *st;
	int64_t seq;
	int rc, err;

	if (!s || !h)
		return EINVAL;
	err = first_seq(s, from_ms, &seq);
	if (err || seq == INT64_MAX)
		return err;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read journal", rc);
	sqlite3_bind_int64(st, 1, seq);
	return rows(s, st, h, arg);
}

/* The (tenant, agent) after (tenant, agent) in run's agent-state rows;
 * copies into the buffers, *found false after the last. */
static int next_agent(struct store *s, sqlite3_stmt *st, int64_t run,
                      char *tenant, char *agent, size_t size, bool *found)
{
	int rc;

	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, agent, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		const char *a = (const char *)sqlite3_column_text(st, 1);

		snprintf(tenant, size, "%s", t ? t : "");
		snprintf(agent, size, "%s", a ? a : "");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	           ? 0
	           : store_fail(s, "read journal", rc);
}

/* The last agent-state row of (run, tenant, agent) before seq, to h. */
static int last_state(struct store *s, sqlite3_stmt *st, int64_t run,
                      const char *tenant, const char *agent, int64_t seq,
                      store_journal_h *h, void *arg)
{
	struct store_journal_entry e;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_journal_row(st, &e);
		ret = h(&e, arg);
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(s, "read journal", rc);
	}
	sqlite3_reset(st);
	return ret;
}

/*
 * A skip scan of the index journal_agent_state: one seek per agent for
 * the next name and one for its last state, rather than a walk over
 * every state change of a run that may have lasted months.
 */
static int agents_of_run(struct store *s, int64_t run, int64_t seq,
                         store_journal_h *h, void *arg)
{
	static const char next_sql[] =
	    "SELECT tenant, agent FROM journal WHERE type = 'agent-state' "
	    "AND run = ?1 AND (tenant, agent) > (?2, ?3) "
	    "ORDER BY tenant, agent LIMIT 1";
	static const char last_sql[] =
	    "SELECT " STORE_JOURNAL_COLUMNS " FROM journal WHERE "
	    "type = 'agent-state' AND run = ?1 AND tenant = ?2 AND agent = ?3 "
	    "AND seq < ?4 ORDER BY seq DESC LIMIT 1";
	char tenant[256] = "", agent[256] = "";
	sqlite3_stmt *next = NULL, *last = NULL;
	bool found = true;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(s->db, next_sql, -1, &next, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, last_sql, -1, &last, NULL);
	if (rc != SQLITE_OK)
		ret = store_fail(s, "read journal", rc);
	while (!ret && found) {
		ret = next_agent(s, next, run, tenant, agent, sizeof(tenant),
		                 &found);
		if (!ret && found)
			ret = last_state(s, last, run, tenant, agent, seq, h,
			                 arg);
	}
	sqlite3_finalize(next);
	sqlite3_finalize(last);
	return ret;
}

int store_journal_agents_at(struct store *s, int64_t from_ms,
                            store_journal_h *h, void *arg)
{
	int64_t seq, run;
	bool found;
	int err;

	if (!s || !h)
		return EINVAL;
	err = first_seq(s, from_ms, &seq);
	if (!err)
		err = query_seq(s,
		                "SELECT run FROM journal WHERE seq < ?1 "
		                "ORDER BY seq DESC LIMIT 1",
		                seq, &run, &found);
	if (err || !found)
		return err;
	return agents_of_run(s, run, seq, h, arg);
}
