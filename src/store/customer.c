/*
 * customer.c - a customer's earlier contacts, for the agent who has one
 * of theirs now ("she called twice last week about her booking").
 *
 * Who the customer is comes from the contact itself, set once by a
 * trigger when the contact is first written (schema 11): a caller's
 * number ("from=" in a call's attributes), a callback's or an app's
 * "number", a chat visitor's "email", an e-mail's or a voicemail's
 * "from"; numbers lose their spaces, dashes, dots and brackets,
 * addresses are lowered. Retention clears it with the rest.
 */
#include <errno.h>
#include <stdio.h>

#include "store/store_int.h"

int store_customer_history(struct store *s, uint64_t key, size_t max,
                           store_history_h *h, void *arg)
{
	static const char sql[] =
	    "SELECT c.key, c.channel, c.queue, c.created_ms, c.ended_ms, "
	    "c.outcome, c.disposition, c.notes, (SELECT j.agent FROM "
	    "contact_runs r JOIN journal j ON j.run = r.run AND j.contact = "
	    "r.id WHERE r.key = c.key AND j.type IN ('offer-accepted', "
	    "'contact-connected') AND j.agent IS NOT NULL ORDER BY j.seq DESC "
	    "LIMIT 1), me.customer FROM contacts me JOIN contacts c ON "
	    "c.tenant = me.tenant AND c.customer = me.customer AND c.key < "
	    "me.key WHERE me.key = ?1 ORDER BY c.key DESC LIMIT ?2";
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (!s || !key || !h)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_ERROR && !s->run)
		return 0; /* read-only, a file from before schema 11: none */
	if (rc != SQLITE_OK)
		return store_fail(s, "read a customer's contacts", rc);
	sqlite3_bind_int64(st, 1, (int64_t)key);
	sqlite3_bind_int64(st, 2, (int64_t)(max ? max : 10));
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_history_row row = {
		    .key = (uint64_t)sqlite3_column_int64(st, 0),
		    .channel = (const char *)sqlite3_column_text(st, 1),
		    .queue = (const char *)sqlite3_column_text(st, 2),
		    .created_ms = sqlite3_column_int64(st, 3),
		    .ended_ms = sqlite3_column_int64(st, 4),
		    .outcome = (const char *)sqlite3_column_text(st, 5),
		    .disposition = (const char *)sqlite3_column_text(st, 6),
		    .notes = (const char *)sqlite3_column_text(st, 7),
		    .agent = (const char *)sqlite3_column_text(st, 8),
		    .customer = (const char *)sqlite3_column_text(st, 9),
		};
		ret = h(&row, arg);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, "read a customer's contacts", rc);
	sqlite3_finalize(st);
	return ret;
}

int store_customer_of(struct store *s, uint64_t key, char *out, size_t size)
{
	static const char sql[] =
	    "SELECT customer FROM contacts WHERE key = ?1";
	sqlite3_stmt *st;
	int rc, ret = ENOENT;

	if (!s || !key || !out || !size)
		return EINVAL;
	out[0] = '\0';
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_ERROR && !s->run)
		return ENOENT;
	if (rc != SQLITE_OK)
		return store_fail(s, "read a customer", rc);
	sqlite3_bind_int64(st, 1, (int64_t)key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		snprintf(out, size, "%s",
		         (const char *)sqlite3_column_text(st, 0));
		ret = 0;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = store_fail(s, "read a customer", rc);
	}
	sqlite3_finalize(st);
	return ret;
}
