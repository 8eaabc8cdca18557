/*
 * retention.c - personal data kept no longer than the configured period.
 *
 * A hospital line records health data: who called (a number), what the
 * chat or the app request said (the payload), what the caller left on
 * the voicemail, what was written in a chat. Once a contact has ended,
 * or a call's record was written, more than the period ago, its personal
 * fields and its messages' bodies become NULL, the recording of a
 * voicemail and of a recorded call is deleted, and the rows are marked with anonymised_ms. What the reports need stays: times, queues,
 * agents, outcomes, the journal (which holds no caller data).
 *
 * The daemon runs one step per event-loop turn, each one transaction of
 * a bounded batch, so the loop is never held for long. Rejected: one
 * DELETE of every old row in one statement, which holds the write lock
 * and the loop for as long as months of contacts take.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

/*
 * The recording a voicemail contact's attributes name ("file=PATH;..."),
 * into buf; false when there is none or it is not a plain path (a ".."
 * component: a row must never make us delete something elsewhere).
 */
static bool recording_of(const char *attributes, char *buf, size_t size)
{
	const char *p = attributes, *end;
	size_t n;

	while (p && strncmp(p, "file=", 5)) {
		p = strchr(p, ';');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return false;
	p += 5;
	end = strchr(p, ';');
	n = end ? (size_t)(end - p) : strlen(p);
	if (!n || n >= size)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return strcmp(buf, "..") && strncmp(buf, "../", 3) &&
	       !strstr(buf, "/../") && (n < 3 || strcmp(buf + n - 3, "/.."));
}

/* Delete path (a voicemail's or a recorded call's WAV); true when it is
 * gone or never was. */
static bool drop_file(struct store_retention *r, const char *path)
{
	if (!path || !unlink(path)) {
		r->files += path != NULL;
		return true;
	}
	if (errno == ENOENT)
		return true;
	if (!r->files_failed++)
		snprintf(r->file_error, sizeof(r->file_error), "%.200s: %s",
		         path, strerror(errno));
	return false;
}

/*
 * Delete the recording of a voicemail row. True when the row may be
 * anonymised: the file is gone (or never was); false when it could not
 * be deleted, so the row keeps its reference for the next pass.
 */
static bool drop_recording(struct store_retention *r, const char *channel,
                           const char *attributes)
{
	char path[512];

	if (!channel || strcmp(channel, "voicemail") ||
	    !recording_of(attributes, path, sizeof(path)))
		return true;
	return drop_file(r, path);
}

/*
 * The ended contacts due, oldest first, at most limit: their recordings
 * deleted, the keys that may be anonymised into keys. SQLite's code.
 */
static int due_contacts(struct store *s, int64_t before, size_t limit,
                        uint64_t *keys, size_t *nkeys,
                        struct store_retention *r)
{
	static const char sql[] =
	    "SELECT key, channel, attributes FROM contacts "
	    "WHERE anonymised_ms IS NULL AND ended_ms < ?1 "
	    "ORDER BY ended_ms LIMIT ?2";
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->examined++;
		if (drop_recording(r, (const char *)sqlite3_column_text(st, 1),
		                   (const char *)sqlite3_column_text(st, 2)))
			keys[(*nkeys)++] =
			    (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Run st (?1 a contact's key, ?2 now) once; SQLITE_OK when done. */
static int anonymise_one(sqlite3_stmt *st, uint64_t key, int64_t now)
{
	int rc;

	sqlite3_bind_int64(st, 1, (int64_t)key);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Anonymise the contacts keys and the messages of their conversations
 * (the select is over: no cursor is live on the table). */
static int anonymise_contacts(struct store *s, const uint64_t *keys, size_t n,
                              int64_t now, struct store_retention *r)
{
	static const char sql[] =
	    "UPDATE contacts SET payload = NULL, attributes = NULL, "
	    "secret = NULL, notes = NULL, customer = NULL, anonymised_ms = ?2 "
	    "WHERE key = ?1";
	static const char msgs[] =
	    "UPDATE messages SET body = NULL, anonymised_ms = ?2 "
	    "WHERE contact = ?1 AND anonymised_ms IS NULL";
	sqlite3_stmt *st, *mt = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, msgs, -1, &mt, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		rc = anonymise_one(st, keys[i], now);
		if (rc == SQLITE_OK)
			rc = anonymise_one(mt, keys[i], now);
		if (rc == SQLITE_OK)
			r->contacts++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(mt);
	return rc;
}

/* The call records due, oldest first, at most limit: caller cleared. */
static int anonymise_calls(struct store *s, int64_t before, int64_t now,
                           size_t limit, struct store_retention *r)
{
	static const char sql[] =
	    "UPDATE calls SET caller = NULL, anonymised_ms = ?1 WHERE key IN "
	    "(SELECT key FROM calls WHERE anonymised_ms IS NULL AND "
	    "wall_ms < ?2 ORDER BY wall_ms LIMIT ?3)";
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, (int64_t)limit);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		r->calls = (size_t)sqlite3_changes(s->db);
		r->examined += r->calls;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * The call recordings due, oldest first, at most limit: each file
 * deleted, then its row's path cleared; a file that cannot be deleted
 * keeps its row for the next pass. One that never ended (-1: still
 * going, or the daemon stopped first) counts from its start, a day
 * later: no call lasts a day, and one going on is not cut. SQLite's
 * code.
 */
static int drop_recordings(struct store *s, int64_t before, int64_t now,
                           size_t limit, struct store_retention *r)
{
	static const char due[] =
	    "SELECT key, path FROM recordings WHERE anonymised_ms IS NULL "
	    "AND wall_ms < ?1 AND (duration_ms >= 0 OR wall_ms < ?1 - "
	    "86400000) ORDER BY wall_ms LIMIT ?2";
	static const char done[] = "UPDATE recordings SET path = NULL, "
	                           "anonymised_ms = ?2 WHERE key = ?1";
	sqlite3_stmt *st, *up = NULL;
	int rc = sqlite3_prepare_v2(s->db, due, -1, &st, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, done, -1, &up, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, before);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->examined++;
		rc = SQLITE_OK;
		if (drop_file(r, (const char *)sqlite3_column_text(st, 1)))
			rc = anonymise_one(
			    up, (uint64_t)sqlite3_column_int64(st, 0), now);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* One batch inside an open transaction; SQLite's code. */
static int step_batch(struct store *s, int64_t before, int64_t now,
                      size_t batch, uint64_t *keys, struct store_retention *r)
{
	size_t n = 0;
	int rc = due_contacts(s, before, batch, keys, &n, r);

	if (rc == SQLITE_OK)
		rc = anonymise_contacts(s, keys, n, now, r);
	if (rc == SQLITE_OK && r->examined < batch)
		rc = anonymise_calls(s, before, now, batch - r->examined, r);
	if (rc == SQLITE_OK && r->examined < batch)
		rc = drop_recordings(s, before, now, batch - r->examined, r);
	return rc;
}

int store_retention_step(struct store *s, int64_t period_ms, size_t batch,
                         struct store_retention *r)
{
	const char *what = "retention: cannot begin";
	int64_t now;
	uint64_t *keys;
	int rc;

	if (!s || !r || period_ms <= 0)
		return EINVAL;
	*r = (struct store_retention){0};
	if (!s->run)
		return EACCES; /* opened read-only */
	if (!batch)
		batch = STORE_RETENTION_BATCH;
	keys = malloc(batch * sizeof(*keys));
	if (!keys)
		return ENOMEM;
	now = store_now(s);
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		what = "retention: cannot anonymise";
		rc = step_batch(s, now - period_ms, now, batch, keys, r);
	}
	if (rc == SQLITE_OK) {
		what = "retention: cannot commit";
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	}
	free(keys);
	if (rc != SQLITE_OK) {
		int err = store_fail(s, what, rc);
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		r->contacts = r->calls = 0; /* rolled back: nothing marked */
		return err;
	}
	r->more = r->examined >= batch;
	return 0;
}
