/*
 * message.c - the messages of conversations: buffered with the journal,
 * read back in order, found by the sender's own id so that a message sent
 * twice (a network blip, a retry) is stored once.
 */
#include <errno.h>
#include <string.h>

#include "store/store_int.h"

int store_message_add(struct store *s, const struct store_message *m)
{
	const char *str[S_COUNT] = {NULL};
	struct op op = {.kind = OP_MESSAGE};

	if (!s || !m || !m->contact || !m->seq || !m->sender || !m->client_id ||
	    !*m->client_id)
		return EINVAL;
	str[S_QUEUE] = m->sender;
	str[S_AGENT] = m->agent;
	str[S_REASON] = m->body;
	str[S_FB_TARGET] = m->client_id;
	op.key = m->contact;
	op.contact = m->seq;
	return store_op_push(s, &op, str);
}

sqlite3_stmt *store_bind_message(struct store *s, const struct op *o)
{
	sqlite3_stmt *st = s->ins_message;

	sqlite3_bind_int64(st, 1, (int64_t)o->key);
	sqlite3_bind_int64(st, 2, (int64_t)o->contact);
	sqlite3_bind_int64(st, 3, o->wall_ms);
	store_bind_text(st, 4, store_arena_get(s, o->str[S_QUEUE]));
	store_bind_text(st, 5, store_arena_get(s, o->str[S_AGENT]));
	store_bind_text(st, 6, store_arena_get(s, o->str[S_FB_TARGET]));
	store_bind_text(st, 7, store_arena_get(s, o->str[S_REASON]));
	return st;
}

/* Prepare sql with key as ?1; NULL after the error is set. */
static sqlite3_stmt *prepare(struct store *s, const char *sql, uint64_t key,
                             int *errp)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		*errp = store_fail(s, "read messages", rc);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, (int64_t)key);
	return st;
}

int store_messages_read(struct store *s, uint64_t key, uint64_t after,
                        size_t max, store_message_h *h, void *arg)
{
	sqlite3_stmt *st;
	int rc, err = 0;

	if (!s || !h || !key)
		return EINVAL;
	st = prepare(s,
	             "SELECT seq, wall_ms, sender, agent, client_id, body "
	             "FROM messages WHERE contact = ?1 AND seq > ?2 "
	             "ORDER BY seq LIMIT ?3",
	             key, &err);
	if (!st)
		return err;
	sqlite3_bind_int64(st, 2, (int64_t)after);
	sqlite3_bind_int64(st, 3, max ? (int64_t)max : -1);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_message m = {
		    .contact = key,
		    .seq = (uint64_t)sqlite3_column_int64(st, 0),
		    .wall_ms = sqlite3_column_int64(st, 1),
		    .sender = (const char *)sqlite3_column_text(st, 2),
		    .agent = (const char *)sqlite3_column_text(st, 3),
		    .client_id = (const char *)sqlite3_column_text(st, 4),
		    .body = (const char *)sqlite3_column_text(st, 5),
		};
		err = h(&m, arg);
	}
	if (!err && rc != SQLITE_DONE)
		err = store_fail(s, "read messages", rc);
	sqlite3_finalize(st);
	return err;
}

/* One integer of a one-row query into *vp; ENOENT without a row. */
static int one(struct store *s, sqlite3_stmt *st, uint64_t *vp)
{
	int rc = sqlite3_step(st), err = 0;

	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*vp = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		err = ENOENT;
	else
		err = store_fail(s, "read messages", rc);
	sqlite3_finalize(st);
	return err;
}

int store_message_find(struct store *s, uint64_t key, const char *sender,
                       const char *client_id, uint64_t *seqp)
{
	sqlite3_stmt *st;
	int err = 0;

	if (!s || !key || !sender || !client_id || !seqp)
		return EINVAL;
	st = prepare(s,
	             "SELECT seq FROM messages WHERE contact = ?1 AND "
	             "sender = ?2 AND client_id = ?3",
	             key, &err);
	if (!st)
		return err;
	sqlite3_bind_text(st, 2, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, client_id, -1, SQLITE_STATIC);
	return one(s, st, seqp);
}

int store_message_last(struct store *s, uint64_t key, uint64_t *seqp)
{
	sqlite3_stmt *st;
	int err = 0;

	if (!s || !key || !seqp)
		return EINVAL;
	*seqp = 0;
	st = prepare(s, "SELECT max(seq) FROM messages WHERE contact = ?1", key,
	             &err);
	if (!st)
		return err;
	err = one(s, st, seqp);
	return err == ENOENT ? 0 : err;
}
