/*
 * test_email_thread.c - which conversation a mail continues: In-Reply-To
 * and References against the Message-IDs on record (a contact's first
 * mail, a follow-up, an answer we sent), latest first; "[#KEY]" only for
 * an e-mail of the same tenant from the same sender.
 */
#include "email/email_int.h"
#include "store_fixture.h"

/* An e-mail contact of tenant from sender, first mail mid; its key. */
static uint64_t contact(struct store *s, uint64_t id, const char *tenant,
                        enum acd_channel ch, const char *mid, const char *from)
{
	char payload[256];
	struct store_contact c = {
	    .id = id,
	    .tenant = tenant,
	    .queue = "mail",
	    .channel = ch,
	    .virtual_start_ms = 1,
	    .payload = payload,
	    .state = ACD_CONTACT_WAITING,
	};

	snprintf(payload, sizeof(payload),
	         "{\"message_id\":\"%s\",\"from\":\"%s\"}", mid, from);
	assert_int_equal(store_contact_save(s, &c), 0);
	return c.key;
}

static void message(struct store *s, uint64_t key, uint64_t seq,
                    const char *sender, const char *mid)
{
	struct store_message m = {.contact = key,
	                          .seq = seq,
	                          .sender = sender,
	                          .client_id = mid,
	                          .body = "x"};

	assert_int_equal(store_message_add(s, &m), 0);
}

static uint64_t find(struct store *s, const char *tenant, const char *raw)
{
	struct email_mail *m = NULL;
	uint64_t key;

	assert_int_equal(email_mime_parse(raw, strlen(raw), 1024, &m), 0);
	key = email_thread_find(s, tenant, m);
	email_mail_free(m);
	return key;
}

static void test_email_thread_vectors(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	uint64_t a, b, chat;

	a = contact(s, 1, "demo", ACD_CH_EMAIL, "<a1@x>", "ada@example.org");
	b = contact(s, 2, "demo", ACD_CH_EMAIL, "<b1@x>", "bea@example.org");
	chat = contact(s, 3, "demo", ACD_CH_CHAT, "<c1@x>", "ada@example.org");
	contact(s, 4, "other", ACD_CH_EMAIL, "<o1@x>", "ada@example.org");
	message(s, a, 1, "visitor", "<a2@x>");
	message(s, a, 2, "agent", "<ans-a@centralino>");
	assert_int_equal(store_flush(s), 0);

	static const struct {
		const char *what, *headers, *from, *subject;
		int want; /* 0 none, 1 a, 2 b, 3 chat */
	} v[] = {
	    {"answers the first mail", "In-Reply-To: <a1@x>\r\n",
	     "z@example.org", "x", 1},
	    {"answers our answer", "In-Reply-To: <ans-a@centralino>\r\n",
	     "z@example.org", "x", 1},
	    {"answers a follow-up", "In-Reply-To: <a2@x>\r\n", "z@example.org",
	     "x", 1},
	    {"In-Reply-To first",
	     "In-Reply-To: <b1@x>\r\nReferences: <a1@x>\r\n", "z@example.org",
	     "x", 2},
	    {"References, latest first",
	     "References: <a1@x> <unknown@x> <b1@x>\r\n", "z@example.org", "x",
	     2},
	    {"unknown ids, then the subject", "In-Reply-To: <no@x>\r\n",
	     "bea@example.org", "Re: [#2] ok", 2},
	    {"the subject from another sender", "", "mallory@example.org",
	     "Re: [#1]", 0},
	    {"the subject, sender's case differs", "", "ADA@Example.org",
	     "Re: [#1]", 1},
	    {"a chat is no e-mail thread", "", "ada@example.org", "[#3]", 0},
	    {"a chat's ids are not on record", "In-Reply-To: <c1@x>\r\n",
	     "ada@example.org", "x", 0},
	    {"another tenant's id", "In-Reply-To: <o1@x>\r\n",
	     "ada@example.org", "x", 0},
	    {"another tenant's key", "", "ada@example.org", "[#4]", 0},
	    {"nothing", "", "ada@example.org", "hello", 0},
	};
	const uint64_t keys[] = {0, a, b, chat};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char raw[512];

		snprintf(raw, sizeof(raw),
		         "From: %s\r\nSubject: %s\r\n%s\r\nx\r\n", v[i].from,
		         v[i].subject, v[i].headers);
		if (find(s, "demo", raw) != keys[v[i].want])
			fail_msg("%s: got %llu", v[i].what,
			         (unsigned long long)find(s, "demo", raw));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_email_thread_vectors,
	                                    sfx_setup, sfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
