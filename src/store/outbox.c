/*
 * outbox.c - the e-mail outbox: agents' answers to e-mail contacts until
 * they are sent. A row is written by a trigger (migration 12) in the very
 * transaction that commits the answer to its conversation, so an answer
 * the agent was told is saved is also queued, crash or not; the e-mail
 * channel records each SMTP attempt here, and at start sends again what
 * is still queued (src/email/outbox.c, docs/email.md).
 */
#include <errno.h>

#include "store/store_int.h"

int store_outbox_queued(struct store *s, uint64_t contact,
                        const char *message_id, store_outbox_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT message, contact, seq, message_id, state, attempts, "
	    "last_error FROM email_outbox WHERE state = 'queued' AND "
	    "(?1 = 0 OR (contact = ?1 AND message_id = ?2)) ORDER BY message";
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!s || !h || (contact && !message_id))
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "read the e-mail outbox", rc);
	sqlite3_bind_int64(st, 1, (int64_t)contact);
	store_bind_text(st, 2, message_id);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_outbox o = {
		    .message = (uint64_t)sqlite3_column_int64(st, 0),
		    .contact = (uint64_t)sqlite3_column_int64(st, 1),
		    .seq = (uint64_t)sqlite3_column_int64(st, 2),
		    .message_id = (const char *)sqlite3_column_text(st, 3),
		    .state = (const char *)sqlite3_column_text(st, 4),
		    .attempts = (unsigned)sqlite3_column_int(st, 5),
		    .last_error = (const char *)sqlite3_column_text(st, 6),
		};
		ret = h(&o, arg);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read the e-mail outbox", rc);
	sqlite3_finalize(st);
	return ret;
}

int store_outbox_attempt(struct store *s, uint64_t message, unsigned attempts,
                         const char *error, bool final)
{
	static const char sql[] =
	    "UPDATE email_outbox SET attempts = ?2, "
	    "last_error = coalesce(?3, last_error), "
	    "state = CASE WHEN ?3 IS NULL THEN 'sent' WHEN ?4 THEN 'failed' "
	    "ELSE 'queued' END, sent_ms = CASE WHEN ?3 IS NULL THEN ?5 END "
	    "WHERE message = ?1";
	sqlite3_stmt *st;
	int rc;

	if (!s || !message)
		return EINVAL;
	/* a statement of its own, committed at once: what was sent must
	 * not be sent again after a crash that comes a moment later */
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "record an e-mail sent", rc);
	sqlite3_bind_int64(st, 1, (int64_t)message);
	sqlite3_bind_int(st, 2, (int)attempts);
	store_bind_text(st, 3, error);
	sqlite3_bind_int(st, 4, final);
	sqlite3_bind_int64(st, 5, store_now(s));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "record an e-mail sent", rc);
	return sqlite3_changes(s->db) ? 0 : ENOENT;
}
