/*
 * test_email_store.c - the Message-IDs of e-mail contacts are on record
 * exactly when their contact or message is committed, and only theirs;
 * an agent's answer is in the outbox exactly when it is committed, and
 * each SMTP attempt is recorded there.
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

struct queued {
	uint64_t message, contact, seq;
	char message_id[64];
	char state[16];
	unsigned attempts, n;
};

static int queued_h(const struct store_outbox *o, void *arg)
{
	struct queued *q = arg;

	q->n++;
	q->message = o->message;
	q->contact = o->contact;
	q->seq = o->seq;
	q->attempts = o->attempts;
	snprintf(q->message_id, sizeof(q->message_id), "%s", o->message_id);
	snprintf(q->state, sizeof(q->state), "%s", o->state);
	return 0;
}

/* Answers are queued with their commit; visitors' messages, chats' and
 * what is sent are not in the queue. */
static void test_outbox_with_the_answer(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	uint64_t mail, chat;
	struct queued q = {0};
	sqlite3 *db;

	mail = save(s, 1, ACD_CH_EMAIL, "demo", "{\"message_id\":\"<m@x>\"}");
	chat = save(s, 2, ACD_CH_CHAT, "demo", NULL);
	struct store_message m = {.contact = mail,
	                          .seq = 1,
	                          .sender = "visitor",
	                          .client_id = "<again@x>",
	                          .body = "e poi?"};
	assert_int_equal(store_message_add(s, &m), 0);
	m.seq = 2;
	m.sender = "agent";
	m.agent = "agent1";
	m.client_id = "<a2@centralino>";
	m.body = "Ecco.";
	assert_int_equal(store_message_add(s, &m), 0);
	m.contact = chat;
	m.seq = 1;
	m.client_id = "c1";
	assert_int_equal(store_message_add(s, &m), 0);
	/* buffered: not queued before the commit */
	assert_int_equal(store_outbox_queued(s, 0, NULL, queued_h, &q), 0);
	assert_int_equal(q.n, 0);
	assert_int_equal(store_flush(s), 0);
	assert_int_equal(store_outbox_queued(s, 0, NULL, queued_h, &q), 0);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.contact, mail);
	assert_int_equal(q.seq, 2);
	assert_string_equal(q.message_id, "<a2@centralino>");
	assert_string_equal(q.state, "queued");
	assert_int_equal(q.attempts, 0);
	/* found by contact and Message-ID too */
	memset(&q, 0, sizeof(q));
	assert_int_equal(
	    store_outbox_queued(s, mail, "<a2@centralino>", queued_h, &q), 0);
	assert_int_equal(q.n, 1);
	assert_int_equal(
	    store_outbox_queued(s, mail, "<other@x>", queued_h, &q), 0);
	assert_int_equal(q.n, 1);
	/* two failed tries, then sent: out of the queue, history kept */
	assert_int_equal(
	    store_outbox_attempt(s, q.message, 1, "Couldn't connect", false),
	    0);
	assert_int_equal(
	    store_outbox_attempt(s, q.message, 2, "Couldn't connect", false),
	    0);
	memset(&q, 0, sizeof(q));
	assert_int_equal(store_outbox_queued(s, 0, NULL, queued_h, &q), 0);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.attempts, 2);
	assert_int_equal(store_outbox_attempt(s, q.message, 3, NULL, false), 0);
	memset(&q, 0, sizeof(q));
	assert_int_equal(store_outbox_queued(s, 0, NULL, queued_h, &q), 0);
	assert_int_equal(q.n, 0);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM email_outbox WHERE "
	                             "state = 'sent' AND attempts = 3 AND "
	                             "last_error = 'Couldn''t connect' AND "
	                             "sent_ms > 0"),
	                 1);
	sqlite3_close(db);
	assert_int_equal(store_outbox_attempt(s, 999, 1, NULL, true), ENOENT);
}

/* A final failure takes the answer out of the queue, as failed. */
static void test_outbox_given_up(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	uint64_t mail = save(s, 1, ACD_CH_EMAIL, "demo", NULL);
	struct store_message m = {.contact = mail,
	                          .seq = 1,
	                          .sender = "agent",
	                          .client_id = "<a1@centralino>",
	                          .body = "Ecco."};
	struct queued q = {0};
	sqlite3 *db;

	assert_int_equal(store_message_add(s, &m), 0);
	assert_int_equal(store_flush(s), 0);
	assert_int_equal(store_outbox_queued(s, 0, NULL, queued_h, &q), 0);
	assert_int_equal(
	    store_outbox_attempt(s, q.message, 60, "Recipient refused", true),
	    0);
	memset(&q, 0, sizeof(q));
	assert_int_equal(store_outbox_queued(s, 0, NULL, queued_h, &q), 0);
	assert_int_equal(q.n, 0);
	db = sfx_raw(f->path);
	assert_int_equal(sfx_int(db, "SELECT count(*) FROM email_outbox WHERE "
	                             "state = 'failed' AND sent_ms IS NULL"),
	                 1);
	sqlite3_close(db);
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
	    cmocka_unit_test_setup_teardown(test_outbox_with_the_answer,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_outbox_given_up, sfx_setup,
	                                    sfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
