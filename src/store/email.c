/*
 * email.c - the Message-IDs of e-mail contacts: which contact a mail
 * taken from a mailbox, or one we sent, belongs to. The rows are written
 * by triggers (migration 9) in the transaction that commits the contact
 * or the message, never by a separate write that a crash could split
 * from it: that is what lets the e-mail channel mark a mail as taken in
 * its mailbox only after the commit, and find it again after a crash.
 */
#include <errno.h>

#include "store/store_int.h"

int store_email_find(struct store *s, const char *tenant,
                     const char *message_id, uint64_t *keyp)
{
	sqlite3_stmt *st;
	int rc, err = 0;

	if (!s || !tenant || !message_id || !keyp)
		return EINVAL;
	rc = sqlite3_prepare_v2(s->db,
	                        "SELECT contact FROM email_ids WHERE "
	                        "tenant = ?1 AND message_id = ?2",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, "find a mail", rc);
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, message_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*keyp = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		err = ENOENT;
	else
		err = store_fail(s, "find a mail", rc);
	sqlite3_finalize(st);
	return err;
}
