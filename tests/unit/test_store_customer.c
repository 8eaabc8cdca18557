/*
 * test_store_customer.c - who a contact's customer is (a caller's
 * number, a callback's number, a visitor's or a mail's address), and the
 * same customer's earlier contacts: newest first, in one tenant, with
 * the agent who answered, the disposition and the notes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store_fixture.h"

static uint64_t next_id;

/* A contact saved now and flushed; its key. */
static uint64_t contact(struct store *s, const char *tenant,
                        enum acd_channel ch, const char *attributes,
                        const char *payload)
{
	struct store_contact c = {
	    .id = ++next_id,
	    .tenant = tenant,
	    .queue = "health",
	    .channel = ch,
	    .virtual_start_ms = 1767225600000LL,
	    .attributes = attributes,
	    .payload = payload,
	    .state = ACD_CONTACT_WAITING,
	};

	assert_int_equal(store_contact_save(s, &c), 0);
	assert_int_equal(store_flush(s), 0);
	return c.key;
}

static void customer_is(struct store *s, uint64_t key, const char *want)
{
	char who[128];
	int err = store_customer_of(s, key, who, sizeof(who));

	if (!want) {
		assert_int_equal(err, ENOENT);
		return;
	}
	assert_int_equal(err, 0);
	assert_string_equal(who, want);
}

/* Each channel's way of saying who the customer is, cleaned. */
static void test_customer_recognised(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);

	customer_is(s,
	            contact(s, "asl", ACD_CH_VOICE,
	                    "menu=2;lang=it;from=+39 06-1234.5678", NULL),
	            "+390612345678");
	customer_is(
	    s, contact(s, "asl", ACD_CH_VOICE, "from=0612345678;lang=it", NULL),
	    "0612345678");
	customer_is(s,
	            contact(s, "asl", ACD_CH_CALLBACK, NULL,
	                    "{\"number\":\"(06) 1234 5678\"}"),
	            "0612345678");
	customer_is(
	    s,
	    contact(s, "asl", ACD_CH_CHAT, NULL,
	            "{\"name\":\"Ada\",\"email\":\" Ada@Example.ORG \"}"),
	    "ada@example.org");
	customer_is(
	    s,
	    contact(s, "asl", ACD_CH_EMAIL, NULL,
	            "{\"from\":\"Bruno@Example.org\",\"subject\":\"x\"}"),
	    "bruno@example.org");
	/* nobody to recognise: a chat without an address, a call with no
	 * caller, a payload that is not JSON */
	customer_is(s,
	            contact(s, "asl", ACD_CH_CHAT, NULL, "{\"name\":\"Ada\"}"),
	            NULL);
	customer_is(s, contact(s, "asl", ACD_CH_VOICE, "menu=1;from=", NULL),
	            NULL);
	customer_is(s, contact(s, "asl", ACD_CH_APP, NULL, "not json"), NULL);
}

struct seen {
	uint64_t keys[16];
	const char *agent[16];
	char notes[16][64];
	size_t n;
};

static int seen_h(const struct store_history_row *r, void *arg)
{
	struct seen *v = arg;

	assert_true(v->n < 16);
	v->keys[v->n] = r->key;
	v->agent[v->n] =
	    r->agent ? (r->agent[0] == 'm' ? "maria" : "other") : NULL;
	snprintf(v->notes[v->n], sizeof(v->notes[0]), "%s",
	         r->notes ? r->notes : "");
	v->n++;
	return 0;
}

/* The earlier contacts of the same customer in the same tenant, newest
 * first, with who answered and what they wrote. */
static void test_customer_history(void **state)
{
	struct sfx *f = *state;
	struct store *s = sfx_open(f, NULL);
	struct acd_event ev = sfx_event(ACD_EV_OFFER_ACCEPTED, 0, 100);
	struct seen v = {0};
	uint64_t call1, cb, other_tenant, chat, call2;

	call1 = contact(s, "asl", ACD_CH_VOICE, "from=0612345678", NULL);
	ev.contact = next_id;
	assert_int_equal(store_journal_append(s, &ev, "asl", "health", "maria"),
	                 0);
	assert_int_equal(store_contact_end(s, call1, "completed", 0), 0);
	assert_int_equal(
	    store_contact_disposition(s, call1, "booked", "Tuesday 9:00"), 0);
	cb = contact(s, "asl", ACD_CH_CALLBACK, NULL,
	             "{\"number\":\"06 1234 5678\"}");
	other_tenant =
	    contact(s, "inps", ACD_CH_VOICE, "from=0612345678", NULL);
	chat = contact(s, "asl", ACD_CH_CHAT, NULL,
	               "{\"email\":\"ada@example.org\"}");
	call2 = contact(s, "asl", ACD_CH_VOICE, "from=0612345678", NULL);
	assert_int_equal(store_flush(s), 0);

	assert_int_equal(store_customer_history(s, call2, 10, seen_h, &v), 0);
	assert_int_equal(v.n, 2); /* not the other tenant's, not the chat */
	assert_int_equal(v.keys[0], cb);
	assert_null(v.agent[0]);
	assert_int_equal(v.keys[1], call1);
	assert_string_equal(v.agent[1], "maria");
	assert_string_equal(v.notes[1], "Tuesday 9:00");
	/* only what came before: the first call has no history */
	v.n = 0;
	assert_int_equal(store_customer_history(s, call1, 10, seen_h, &v), 0);
	assert_int_equal(v.n, 0);
	/* at most max */
	assert_int_equal(store_customer_history(s, call2, 1, seen_h, &v), 0);
	assert_int_equal(v.n, 1);
	(void)other_tenant;
	(void)chat;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_customer_recognised, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_customer_history, sfx_setup,
	                                    sfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
