/*
 * test_email_store.c - the Message-IDs of e-mail contacts are on record
 * exactly when their contact or message is committed, and only theirs.
 */
#include "store_fixture.h"

static uint64_t save(struct store *s, uint64_t id, enum acd_channel ch,
                     const char *tenant, const char *payload)
{
	struct store_contact c = {
	    .id = id,
	    .tenant = tenant,
	    .queue = "health",
	    .channel = ch,
	    .virtual_start_ms = 1,
	    .payload = payload,
	    .state = ACD_CONTACT_WAITING,
	};

	assert_int_equal(store_contact_save(s, &c), 0);
	return c.key;
}

static void test_email_ids_with_their_contact(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	uint64_t key, found = 0;

	key = save(s, 1, ACD_CH_EMAIL, "demo",
	           "{\"message_id\":\"<a1@example.org>\",\"subject\":\"x\"}");
	/* buffered, not committed: not taken yet */
	assert_int_equal(
	    store_email_find(s, "demo", "<a1@example.org>", &found), ENOENT);
	assert_int_equal(store_flush(s), 0);
	assert_int_equal(
	    store_email_find(s, "demo", "<a1@example.org>", &found), 0);
	assert_int_equal(found, key);
	/* per tenant */
	assert_int_equal(
	    store_email_find(s, "other", "<a1@example.org>", &found), ENOENT);
	/* saved again (a change, a recovery): still one row, same contact */
	struct store_contact c = {.key = key,
	                          .id = 2,
	                          .tenant = "demo",
	                          .queue = "health",
	                          .channel = ACD_CH_EMAIL,
	                          .virtual_start_ms = 1,
	                          .payload =
	                              "{\"message_id\":\"<a1@example.org>\"}",
	                          .state = ACD_CONTACT_CONNECTED};
	assert_int_equal(store_contact_save(s, &c), 0);
	assert_int_equal(store_flush(s), 0);
	sqlite3 *db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM email_ids"), 1);
	sqlite3_close(db);
}

static void test_email_ids_of_messages(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	uint64_t mail, chat, found = 0;

	mail = save(s, 1, ACD_CH_EMAIL, "demo", "{\"message_id\":\"<m@x>\"}");
	chat = save(s, 2, ACD_CH_CHAT, "demo", "{\"message_id\":\"<c@x>\"}");
	struct store_message m = {.contact = mail,
	                          .seq = 1,
	                          .sender = "agent",
	                          .client_id = "<reply@centralino>",
	                          .body = "Buongiorno"};
	assert_int_equal(store_message_add(s, &m), 0);
	m.contact = chat;
	m.client_id = "<chat@centralino>";
	assert_int_equal(store_message_add(s, &m), 0);
	assert_int_equal(store_flush(s), 0);
	assert_int_equal(
	    store_email_find(s, "demo", "<reply@centralino>", &found), 0);
	assert_int_equal(found, mail);
	/* a chat's payload and messages are not mails */
	assert_int_equal(store_email_find(s, "demo", "<c@x>", &found), ENOENT);
	assert_int_equal(
	    store_email_find(s, "demo", "<chat@centralino>", &found), ENOENT);
}

/* A payload that is not JSON, or has no message_id, never fails a flush. */
static void test_email_ids_odd_payloads(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	uint64_t found;

	save(s, 1, ACD_CH_EMAIL, "demo", "not json");
	save(s, 2, ACD_CH_EMAIL, "demo", "{\"message_id\":42}");
	save(s, 3, ACD_CH_EMAIL, "demo", NULL);
	save(s, 4, ACD_CH_EMAIL, NULL, "{\"message_id\":\"<n@x>\"}");
	assert_int_equal(store_flush(s), 0);
	sqlite3 *db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM contacts"), 4);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM email_ids"), 0);
	sqlite3_close(db);
	assert_int_equal(store_email_find(s, "demo", "<n@x>", &found), ENOENT);
	assert_int_equal(store_email_find(s, NULL, "<n@x>", &found), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_email_ids_with_their_contact,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_email_ids_of_messages,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_email_ids_odd_payloads,
	                                    sfx_setup, sfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
