/*
 * admin.c - what people change at run time and the audit of it (the
 * rotas' overrides, agents moved between queues), and what agents
 * recorded (dispositions) for reports. Rare writes that someone waits
 * for: each is its own transaction, committed before the caller
 * answers, with its audit row.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

/* Run sql with the text parameters v (NULL: SQL NULL), then ?n+1 = now
 * when the statement has it. */
static int exec_texts(struct store *s, const char *sql, const char *const *v,
                      int n)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	for (int i = 0; i < n; i++)
		store_bind_text(st, i + 1, v[i]);
	if (sqlite3_bind_parameter_count(st) > n)
		sqlite3_bind_int64(st, n + 1, store_now(s));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Run the statement sql with v (n texts) and an audit row, in one
 * transaction committed before this returns, after what was buffered. */
static int change_audited(struct store *s, const char *what, const char *sql,
                          const char *const *v, int n,
                          const char *const audit[5])
{
	int rc, err = store_flush(s);

	if (err)
		return err;
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = exec_texts(s, sql, v, n);
	if (rc == SQLITE_OK)
		rc = exec_texts(
		    s,
		    "INSERT INTO audit (user, tenant, action, object, "
		    "detail, wall_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    audit, 5);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err = store_fail(s, what, rc);
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	return 0;
}

int store_rota_override(struct store *s, const char *tenant, const char *rota,
                        const char *date, const char *duty, const char *user)
{
	char object[200];
	const char *set[] = {tenant, rota, date, duty, user};
	const char *audit[] = {
	    user, tenant, duty ? "rota-override-set" : "rota-override-cleared",
	    object, duty};

	if (!s || !tenant || !rota || !date || !user || !s->run)
		return EINVAL;
	snprintf(object, sizeof(object), "rota %s/%s %s", tenant, rota, date);
	if (!duty)
		return change_audited(
		    s, "rota override",
		    "DELETE FROM rota_overrides WHERE tenant = "
		    "?1 AND rota = ?2 AND date = ?3",
		    set, 3, audit);
	return change_audited(s, "rota override",
	                      "INSERT OR REPLACE INTO rota_overrides "
	                      "(tenant, rota, date, duty, user, wall_ms) "
	                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                      set, 5, audit);
}

int store_member_override(struct store *s, const struct store_member *m,
                          const char *user)
{
	char object[200], prio[24], detail[40];
	const char *set[] = {m->tenant, m->agent,
	                     m->queue,  m->member > 0 ? "1" : "0",
	                     prio,      user};
	const char *audit[] = {user, m->tenant,
	                       m->member > 0   ? "member-added"
	                       : m->member < 0 ? "member-restored"
	                                       : "member-removed",
	                       object, m->member > 0 ? detail : NULL};

	if (!s || !m->tenant || !m->agent || !m->queue || !user || !s->run)
		return EINVAL;
	snprintf(object, sizeof(object), "agent %s/%s queue %s", m->tenant,
	         m->agent, m->queue);
	snprintf(prio, sizeof(prio), "%d", m->priority);
	snprintf(detail, sizeof(detail), "priority %d", m->priority);
	if (m->member < 0)
		return change_audited(
		    s, "member override",
		    "DELETE FROM member_overrides WHERE "
		    "tenant = ?1 AND agent = ?2 AND queue = ?3",
		    set, 3, audit);
	return change_audited(
	    s, "member override",
	    "INSERT OR REPLACE INTO member_overrides (tenant, "
	    "agent, queue, member, priority, user, wall_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	    set, 6, audit);
}

int store_member_overrides(struct store *s, store_member_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT tenant, agent, queue, member, priority, user, wall_ms "
	    "FROM member_overrides ORDER BY tenant, agent, queue";
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!s || !h)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_ERROR && !s->run)
		return 0; /* read-only, a file from before schema 10: none */
	if (rc != SQLITE_OK)
		return store_fail(s, "read member overrides", rc);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_member m = {
		    .tenant = (const char *)sqlite3_column_text(st, 0),
		    .agent = (const char *)sqlite3_column_text(st, 1),
		    .queue = (const char *)sqlite3_column_text(st, 2),
		    .member = sqlite3_column_int(st, 3) ? 1 : 0,
		    .priority = sqlite3_column_int(st, 4),
		    .user = (const char *)sqlite3_column_text(st, 5),
		    .wall_ms = sqlite3_column_int64(st, 6),
		};
		ret = h(&m, arg);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read member overrides", rc);
	sqlite3_finalize(st);
	return ret;
}

int store_rota_overrides(struct store *s, const char *tenant, const char *rota,
                         const char *first, const char *last,
                         store_override_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT date, duty, user, wall_ms FROM rota_overrides WHERE "
	    "tenant = ?1 AND rota = ?2 AND date BETWEEN ?3 AND ?4 "
	    "ORDER BY date";
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!s || !tenant || !rota || !first || !last || !h)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read rota overrides", rc);
	store_bind_text(st, 1, tenant);
	store_bind_text(st, 2, rota);
	store_bind_text(st, 3, first);
	store_bind_text(st, 4, last);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = h((const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1),
		        (const char *)sqlite3_column_text(st, 2),
		        sqlite3_column_int64(st, 3), arg);
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read rota overrides", rc);
	sqlite3_finalize(st);
	return ret;
}

int store_dispositions(struct store *s, int64_t from_ms, int64_t to_ms,
                       int64_t len_ms, const char *tenant, const char *queue,
                       store_disposition_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT tenant, queue, ?1 + (ended_ms - ?1) / ?3 * ?3, disposition,"
	    " count(*) FROM contacts WHERE disposition IS NOT NULL AND "
	    "ended_ms >= ?1 AND ended_ms < ?2 AND (?4 IS NULL OR tenant = ?4) "
	    "AND (?5 IS NULL OR queue = ?5) GROUP BY 1, 2, 3, 4 "
	    "ORDER BY 1, 2, 3, 4";
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!s || !h || len_ms <= 0 || from_ms >= to_ms)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_ERROR && !s->run)
		return 0; /* read-only, a file from before schema 7: none */
	if (rc != SQLITE_OK)
		return store_fail(s, "read dispositions", rc);
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	sqlite3_bind_int64(st, 3, len_ms);
	store_bind_text(st, 4, tenant);
	store_bind_text(st, 5, queue);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = h((const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1),
		        sqlite3_column_int64(st, 2),
		        (const char *)sqlite3_column_text(st, 3),
		        (uint64_t)sqlite3_column_int64(st, 4), arg);
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read dispositions", rc);
	sqlite3_finalize(st);
	return ret;
}

int store_audit_read(struct store *s, uint64_t before, size_t max,
                     store_audit_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT key, wall_ms, user, tenant, action, object, detail FROM "
	    "audit WHERE ?1 = 0 OR key < ?1 ORDER BY key DESC LIMIT ?2";
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!s || !h)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read the audit log", rc);
	sqlite3_bind_int64(st, 1, (int64_t)before);
	sqlite3_bind_int64(st, 2, max ? (int64_t)max : -1);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_audit_row a = {
		    .key = (uint64_t)sqlite3_column_int64(st, 0),
		    .wall_ms = sqlite3_column_int64(st, 1),
		    .user = (const char *)sqlite3_column_text(st, 2),
		    .tenant = (const char *)sqlite3_column_text(st, 3),
		    .action = (const char *)sqlite3_column_text(st, 4),
		    .object = (const char *)sqlite3_column_text(st, 5),
		    .detail = (const char *)sqlite3_column_text(st, 6),
		};
		ret = h(&a, arg);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read the audit log", rc);
	sqlite3_finalize(st);
	return ret;
}
