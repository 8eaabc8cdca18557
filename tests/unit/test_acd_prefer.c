/*
 * test_acd_prefer.c - last-agent routing: a contact with a preferred
 * agent goes to them when they can take it, waits for them a while when
 * they are busy, and is an ordinary contact at its place otherwise.
 * Written as "state, event, expected assignment".
 */
#include "acd_fixture.h"

#define WAIT 60000 /* the preferred wait of these tests */

static uint64_t fx_email(struct fx *f, uint32_t q, uint32_t preferred,
                         acd_time_t wait)
{
	struct acd_contact_params p = {
	    .channel = ACD_CH_EMAIL,
	    .queue = q,
	    .preferred_agent = preferred,
	    .preferred_wait = wait,
	};

	return fx_contact_p(f, &p);
}

static void assert_preferred(const struct fx *f, uint64_t k, bool preferred)
{
	const struct acd_event *ev = fx_last_of(f, ACD_EV_CONTACT_OFFERED, k);

	assert_non_null(ev);
	assert_int_equal(ev->decision.preferred, preferred);
	if (preferred)
		assert_string_equal(ev->reason, "preferred-agent");
	else
		assert_null(ev->reason);
}

/* a handles k1; the queue's strategy would pick b, idle longer. */
static void test_free_preferred_agent_gets_it(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint32_t a;
	uint64_t k;

	(void)state;
	f->now += 5000;
	a = fx_agent(f, "a", q, 1);
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_preferred(f, k, true);
	assert_int_equal(acd_agent_state(f->acd, b), ACD_AGENT_READY);
	fx_accept(f, k, a);
	/* without a preference, the next goes by the strategy: to b */
	k = fx_email(f, q, 0, 0);
	assert_int_equal(fx_offered_to(f, k), b);
	assert_preferred(f, k, false);
	fx_free(f);
}

/* a is busy: k waits for a although b is ready, and a takes it when
 * free, before an older contact of the queue. */
static void test_busy_preferred_agent_gets_it_on_release(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 1);
	struct acd_contact_params p = {.channel = ACD_CH_EMAIL, .queue = q};
	struct acd_queue_stats st;
	uint64_t busy, old, k, older;
	uint32_t b;

	(void)state;
	busy = fx_email(f, q, 0, 0);
	fx_accept(f, busy, a);
	f->now += 1000;
	old = fx_email(f, q, 0, 0); /* waits: a is full, nobody else */
	f->now += 1000;
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_WAITING);
	assert_int_equal(acd_queue_stats(f->acd, q, &st), 0);
	assert_int_equal(st.waiting, 2);
	/* b comes: takes the old one, not the one reserved for a */
	b = fx_agent(f, "b", q, 1);
	assert_int_equal(fx_offered_to(f, old), b);
	fx_accept(f, old, b);
	fx_end(f, old);
	assert_int_equal(acd_agent_state(f->acd, b), ACD_AGENT_READY);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	/* b busy again; a contact older (by virtual start) than k waits */
	fx_accept(f, fx_email(f, q, 0, 0), b);
	f->now += 10000;
	p.virtual_start = f->now - 30000;
	older = fx_contact_p(f, &p);
	assert_int_equal(fx_offered_to(f, older), ACD_NONE);
	/* a is free: k first, its reserved contact, then older */
	fx_end(f, busy);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_preferred(f, k, true);
	assert_true(
	    fx_last_of(f, ACD_EV_CONTACT_OFFERED, k)->decision.agent_first);
	assert_int_equal(fx_offered_to(f, older), ACD_NONE);
	fx_accept(f, k, a);
	fx_end(f, k);
	assert_int_equal(fx_offered_to(f, older), a);
	fx_free(f);
}

/* The wait runs out: an ordinary contact at its original place, ahead
 * of those who came after it, for the next agent. */
static void test_wait_over_goes_to_queue_at_its_place(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 1);
	uint32_t b = fx_agent(f, "b", q, 0);
	uint64_t busy, k, later;
	unsigned pos;
	acd_time_t ewt;
	const struct acd_event *ev;

	(void)state;
	busy = fx_email(f, q, 0, 0);
	fx_accept(f, busy, a);
	k = fx_email(f, q, a, WAIT);
	f->now += 10000;
	later = fx_email(f, q, 0, 0);
	/* while reserved, k is not in line for others */
	assert_int_equal(acd_contact_ewt(f->acd, later, &ewt, &pos), 0);
	assert_int_equal(pos, 0);
	fx_advance(f, WAIT - 10000 - 1);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_ESCALATED, k), 0);
	fx_advance(f, 1);
	ev = fx_last(f, ACD_EV_CONTACT_ESCALATED);
	assert_non_null(ev);
	assert_int_equal(ev->contact, k);
	assert_string_equal(ev->reason, "preferred-wait-over");
	/* back at its place: first in line, counted in later's position */
	assert_int_equal(acd_contact_ewt(f->acd, k, &ewt, &pos), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(acd_contact_ewt(f->acd, later, &ewt, &pos), 0);
	assert_int_equal(pos, 1);
	fx_ready(f, b);
	assert_int_equal(fx_offered_to(f, k), b);
	assert_preferred(f, k, false);
	assert_int_equal(fx_offered_to(f, later), ACD_NONE);
	fx_accept(f, k, b);
	fx_end(f, k);
	assert_int_equal(fx_offered_to(f, later), b);
	fx_free(f);
}

/* The wait also ends with an agent ready: offered to them at once. */
static void test_wait_over_offers_to_ready_agent(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint64_t k;

	(void)state;
	/* a is logged in but paused: still reserved for */
	assert_int_equal(
	    acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, "lunch"), 0);
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	fx_advance(f, WAIT);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_free(f);
}

static void test_logged_out_preferred_agent_queue_at_once(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint32_t other = fx_queue(f, "other", ACD_STRAT_LONGEST_IDLE);
	uint32_t c = fx_agent(f, "c", other, 1);
	uint64_t k;

	(void)state;
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), b);
	assert_preferred(f, k, false);
	fx_accept(f, k, b);
	/* c is ready but not a member of q: it cannot take it, b is full,
	 * the contact waits in the queue for anyone */
	k = fx_email(f, q, c, WAIT);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_preferred(f, k, false);
	fx_free(f);
}

/* Reserved for a, who then logs out: to the queue at once. */
static void test_preferred_agent_leaves_releases(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint64_t busy, k, k2;

	(void)state;
	busy = fx_email(f, q, 0, 0);
	fx_accept(f, busy, b);
	fx_ready(f, a);
	fx_accept(f, fx_email(f, q, 0, 0), a);
	k = fx_email(f, q, a, WAIT);
	k2 = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	/* leaving the queue: it can no longer serve them */
	assert_int_equal(acd_member_remove(f->acd, a, q), 0);
	fx_check(f);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_ESCALATED, k), 1);
	assert_string_equal(fx_last(f, ACD_EV_CONTACT_ESCALATED)->reason,
	                    "preferred-agent-away");
	fx_end(f, busy);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_accept(f, k, b);
	fx_end(f, k);
	assert_int_equal(fx_offered_to(f, k2), b);
	fx_free(f);
}

static void test_logout_while_reserved(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 1);
	uint32_t b = fx_agent(f, "b", q, 0);
	uint64_t busy, k;

	(void)state;
	busy = fx_email(f, q, 0, 0);
	fx_accept(f, busy, a);
	fx_ready(f, b);
	fx_accept(f, fx_email(f, q, 0, 0), b);
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(
	    acd_agent_presence(f->acd, a, ACD_PRESENCE_OFFLINE, NULL), 0);
	fx_check(f);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_ESCALATED, k), 1);
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_WAITING);
	/* a's contact ends: a is logged out, it does not come back to a */
	fx_end(f, busy);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	fx_free(f);
}

/* A rejected offer to the preferred agent releases the contact. */
static void test_rejected_goes_to_queue(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint32_t a;
	uint64_t k;

	(void)state;
	f->now += 1000;
	a = fx_agent(f, "a", q, 1);
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_int_equal(acd_offer_reject(f->acd, k, a), 0);
	fx_check(f);
	assert_int_equal(fx_offered_to(f, k), b);
	assert_preferred(f, k, false);
	/* a back to ready: the contact is b's, not reserved again */
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_free(f);
}

/* A missed offer (no answer) too, and it is not reserved again. */
static void test_timed_out_goes_to_queue(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a, b;
	uint64_t k;

	(void)state;
	p.no_answer_ready = true;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	b = fx_agent(f, "b", q, 0);
	a = fx_agent(f, "a", q, 1);
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), a);
	fx_ready(f, b);
	fx_advance(f, 15000);
	assert_int_equal(fx_count(f, ACD_EV_OFFER_TIMEOUT, k), 1);
	/* linear: b first in order; a stayed ready */
	assert_int_equal(fx_offered_to(f, k), b);
	assert_preferred(f, k, false);
	fx_free(f);
}

/* In wrap-up, the preferred agent takes it when the wrap-up ends. */
static void test_wrapup_then_preferred(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a, b;
	uint64_t first, k;

	(void)state;
	p.wrapup = 30000;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	b = fx_agent(f, "b", q, 1);
	first = fx_email(f, q, 0, 0);
	assert_int_equal(fx_offered_to(f, first), a);
	fx_accept(f, first, a);
	fx_end(f, first);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_WRAPUP);
	/* the customer writes again: for a, though b is ready */
	k = fx_email(f, q, a, WAIT);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	assert_int_equal(acd_agent_state(f->acd, b), ACD_AGENT_READY);
	fx_advance(f, 30000);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_preferred(f, k, true);
	fx_free(f);
}

static void test_bad_preference_refused(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t t2, x;
	struct acd_agent_params ap = {.name = "x"};
	struct acd_contact_params p = {.channel = ACD_CH_EMAIL,
	                               .queue = q,
	                               .preferred_agent = 77,
	                               .preferred_wait = 1000};
	uint64_t id;

	(void)state;
	assert_int_equal(acd_contact_add(f->acd, &p, &id), EINVAL);
	assert_int_equal(acd_tenant_add(f->acd, "t2", &t2), 0);
	ap.tenant = t2;
	assert_int_equal(acd_agent_add(f->acd, &ap, &x), 0);
	p.preferred_agent = x;
	assert_int_equal(acd_contact_add(f->acd, &p, &id), EINVAL);
	p.preferred_wait = -1;
	assert_int_equal(acd_contact_add(f->acd, &p, &id), EINVAL);
	/* no wait: no preference, whatever the id says */
	p.preferred_wait = 0;
	assert_int_equal(acd_contact_add(f->acd, &p, &id), 0);
	fx_free(f);
}

/* An abandoned reserved contact (a chat) leaves no trace with its agent;
 * a call reserved for a busy agent goes by max_wait's fallback. */
static void test_reserved_contact_abandoned(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t a = fx_agent(f, "a", q, 1);
	struct acd_contact_params p = {.channel = ACD_CH_VOICE,
	                               .queue = q,
	                               .preferred_agent = a,
	                               .preferred_wait = WAIT};
	uint64_t busy, k;

	(void)state;
	busy = fx_contact(f, q, 0);
	fx_accept(f, busy, a);
	k = fx_contact_p(f, &p);
	assert_int_equal(acd_contact_abandon(f->acd, k), 0);
	fx_check(f);
	k = fx_contact_p(f, &p);
	assert_int_equal(acd_contact_callback(f->acd, k, f->now + 5000), 0);
	fx_check(f);
	fx_advance(f, 5000); /* due: a is still busy, reserved again */
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	fx_end(f, busy);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_preferred(f, k, true);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_free_preferred_agent_gets_it),
	    cmocka_unit_test(test_busy_preferred_agent_gets_it_on_release),
	    cmocka_unit_test(test_wait_over_goes_to_queue_at_its_place),
	    cmocka_unit_test(test_wait_over_offers_to_ready_agent),
	    cmocka_unit_test(test_logged_out_preferred_agent_queue_at_once),
	    cmocka_unit_test(test_preferred_agent_leaves_releases),
	    cmocka_unit_test(test_logout_while_reserved),
	    cmocka_unit_test(test_rejected_goes_to_queue),
	    cmocka_unit_test(test_timed_out_goes_to_queue),
	    cmocka_unit_test(test_wrapup_then_preferred),
	    cmocka_unit_test(test_bad_preference_refused),
	    cmocka_unit_test(test_reserved_contact_abandoned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
