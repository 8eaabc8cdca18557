/*
 * recording.c - call recordings' rows, and the journal entries a channel
 * writes itself (a recording started, a supervisor joined): buffered
 * with the journal, committed by the same group commit.
 */
#include <errno.h>
#include <string.h>

#include "store/store_int.h"

int store_recording(struct store *s, const struct store_recording *r)
{
	const char *str[S_COUNT] = {NULL};
	struct op op = {.kind = OP_RECORDING};

	if (!s || !r || !r->contact || !r->path || r->duration_ms < -1)
		return EINVAL;
	str[S_TENANT] = r->tenant;
	str[S_QUEUE] = r->queue;
	str[S_AGENT] = r->agent;
	str[S_PAYLOAD] = r->path;
	op.contact = r->contact;
	op.time = r->started_ms;
	op.wait = r->duration_ms;
	return store_op_push(s, &op, str);
}

int store_recording_end(struct store *s, uint64_t contact, const char *path,
                        int64_t duration_ms)
{
	const char *str[S_COUNT] = {NULL};
	struct op op = {.kind = OP_RECORDING_END};

	if (!s || !contact || !path || duration_ms < 0)
		return EINVAL;
	str[S_PAYLOAD] = path;
	op.contact = contact;
	op.wait = duration_ms;
	return store_op_push(s, &op, str);
}

int store_prepare_recording(struct store *s)
{
	int rc = sqlite3_prepare_v3(
	    s->db,
	    "INSERT INTO recordings (run, contact, tenant, queue, agent, "
	    "path, started_ms, duration_ms, wall_ms) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9)",
	    -1, SQLITE_PREPARE_PERSISTENT, &s->ins_recording, NULL);

	/* by (run, contact): the index recordings_contact */
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(
		    s->db,
		    "UPDATE recordings SET duration_ms = ?3, wall_ms = ?4 "
		    "WHERE run = ?1 AND contact = ?2 AND path = ?5",
		    -1, SQLITE_PREPARE_PERSISTENT, &s->end_recording, NULL);
	return rc;
}

sqlite3_stmt *store_bind_recording(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->ins_recording;

	if (o->kind == OP_RECORDING_END) {
		st = s->end_recording;
		sqlite3_bind_int64(st, 1, (int64_t)s->run);
		sqlite3_bind_int64(st, 2, (int64_t)o->contact);
		sqlite3_bind_int64(st, 3, o->wait);
		sqlite3_bind_int64(st, 4, o->wall_ms);
		store_bind_text(st, 5, store_arena_get(s, o->str[S_PAYLOAD]));
		return st;
	}

	sqlite3_bind_int64(st, 1, (int64_t)s->run);
	sqlite3_bind_int64(st, 2, (int64_t)o->contact);
	store_bind_text(st, 3, store_arena_get(s, o->str[S_TENANT]));
	store_bind_text(st, 4, store_arena_get(s, o->str[S_QUEUE]));
	store_bind_text(st, 5, store_arena_get(s, o->str[S_AGENT]));
	store_bind_text(st, 6, store_arena_get(s, o->str[S_PAYLOAD]));
	sqlite3_bind_int64(st, 7, o->time);
	sqlite3_bind_int64(st, 8, o->wait);
	sqlite3_bind_int64(st, 9, o->wall_ms);
	return st;
}

int store_contact_recordings(struct store *s, uint64_t key,
                             store_recording_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT g.key, g.tenant, g.queue, g.agent, g.path, g.started_ms, "
	    "g.duration_ms FROM recordings g JOIN contact_runs r ON "
	    "g.run = r.run AND g.contact = r.id WHERE r.key = ?1 "
	    "ORDER BY g.key";
	sqlite3_stmt *st;
	int rc, err = 0;

	if (!s || !h || !key)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read recordings", rc);
	sqlite3_bind_int64(st, 1, (int64_t)key);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_recording r = {
		    .key = (uint64_t)sqlite3_column_int64(st, 0),
		    .contact = key,
		    .tenant = (const char *)sqlite3_column_text(st, 1),
		    .queue = (const char *)sqlite3_column_text(st, 2),
		    .agent = (const char *)sqlite3_column_text(st, 3),
		    .path = (const char *)sqlite3_column_text(st, 4),
		    .started_ms = sqlite3_column_int64(st, 5),
		    .duration_ms = sqlite3_column_int64(st, 6),
		};

		err = h(&r, arg);
	}
	if (!err && rc != SQLITE_DONE)
		err = store_fail(s, "read recordings", rc);
	sqlite3_finalize(st);
	return err;
}

int store_journal_note(struct store *s, const char *type, uint64_t contact,
                       int64_t time, const char *tenant, const char *queue,
                       const char *agent, const char *reason)
{
	const char *str[S_COUNT] = {tenant, queue, agent, reason, NULL};
	struct op op = {.kind = OP_NOTE};

	if (!s || !type || !*type || !contact)
		return EINVAL;
	str[S_SKILLS] = type;
	op.contact = contact;
	op.time = time;
	op.channel = (int)ACD_CH_VOICE;
	return store_op_push(s, &op, str);
}
