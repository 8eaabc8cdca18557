/*
 * test_acd_routing.c - strategies, offers as leases, capacity and
 * concurrency, written as "state, event, expected assignment".
 */
#include "acd_fixture.h"

static void test_longest_idle_takes_first(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 1);
	uint32_t b, c;
	uint64_t k;

	f->now += 1000;
	b = fx_agent(f, "b", q, 1);
	f->now += 1000;
	c = fx_agent(f, "c", q, 1);
	(void)state;
	k = fx_contact(f, q, 0);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_RESERVED);
	fx_accept(f, k, a);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_BUSY);
	k = fx_contact(f, q, 0);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_accept(f, k, b);
	f->now += 1000;
	fx_end(f, k); /* b idle again, now the most recent */
	k = fx_contact(f, q, 0);
	assert_int_equal(fx_offered_to(f, k), c);
	fx_free(f);
}

static void test_waits_then_goes_to_ready_agent(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint64_t k = fx_contact(f, q, 0);
	struct acd_queue_stats st;

	(void)state;
	/* a is logged out: nobody logged in, no fallback set, it waits */
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_WAITING);
	assert_int_equal(
	    acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, "lunch"), 0);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	f->now += 5000;
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_true(fx_last(f, ACD_EV_CONTACT_OFFERED)->decision.agent_first);
	fx_accept(f, k, a);
	assert_int_equal(acd_queue_stats(f->acd, q, &st), 0);
	assert_int_equal(st.answered, 1);
	assert_int_equal(st.wait_answered, 5000);
	fx_free(f);
}

static void test_priority_then_virtual_start(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint64_t k1 = fx_contact(f, q, 0), k2, k3, k4;
	struct acd_contact_params cb = {.channel = ACD_CH_CALLBACK, .queue = q};

	(void)state;
	f->now += 1000;
	k2 = fx_contact(f, q, 5);
	f->now += 1000;
	/* a callback that keeps the place of a call from before k1 */
	cb.virtual_start = f->now - 10000;
	k3 = fx_contact_p(f, &cb);
	f->now += 1000;
	k4 = fx_contact(f, q, 0);
	fx_ready(f, a);
	uint64_t order[] = {k2, k3, k1, k4};

	for (int i = 0; i < 4; i++) {
		assert_int_equal(fx_offered_to(f, order[i]), a);
		fx_accept(f, order[i], a);
		fx_end(f, order[i]);
	}
	fx_free(f);
}

static const char *agent_reason(const struct fx *f, uint32_t agent,
                                enum acd_agent_state s)
{
	for (size_t i = f->nev; i-- > 0;) {
		const struct acd_event *ev = &f->ev[i];

		if (ev->type == ACD_EV_AGENT_STATE && ev->agent == agent &&
		    ev->agent_state == s)
			return ev->reason ? ev->reason : "";
	}
	return "(none)";
}

static void test_offer_timeout_moves_on(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t a = fx_agent(f, "a", q, 1);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint64_t k = fx_contact(f, q, 0);

	(void)state;
	assert_int_equal(fx_offered_to(f, k), a);
	fx_advance(f, 15000);
	assert_int_equal(fx_count(f, ACD_EV_OFFER_TIMEOUT, k), 1);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_NOT_READY);
	assert_string_equal(agent_reason(f, a, ACD_AGENT_NOT_READY),
	                    "no-answer");
	assert_int_equal(fx_offered_to(f, k), b);
	/* the late answer of a is refused: the lease is gone */
	assert_int_equal(acd_offer_accept(f->acd, k, a), ESTALE);
	fx_accept(f, k, b);
	fx_free(f);
}

static void test_no_answer_ready_keeps_agent(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a;
	uint64_t k;

	(void)state;
	p.no_answer_ready = true;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	k = fx_contact(f, q, 0);
	fx_advance(f, 15000);
	/* still ready, and the only agent: offered again */
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_OFFERED, k), 2);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_RESERVED);
	fx_free(f);
}

static void test_reject_goes_to_next(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t a = fx_agent(f, "a", q, 1);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint64_t k = fx_contact(f, q, 0);

	(void)state;
	assert_int_equal(acd_offer_reject(f->acd, k, b), ESTALE);
	assert_int_equal(acd_offer_reject(f->acd, k, a), 0);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_NOT_READY);
	assert_int_equal(fx_offered_to(f, k), b);
	assert_int_equal(acd_offer_accept(f->acd, 999, b), ENOENT);
	fx_free(f);
}

static void test_ring_all_first_wins(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_RING_ALL);
	uint32_t a = fx_agent(f, "a", q, 1);
	uint32_t b = fx_agent(f, "b", q, 1);
	uint32_t c = fx_agent(f, "c", q, 1);
	uint64_t k = fx_contact(f, q, 0), k2;

	(void)state;
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_OFFERED, k), 3);
	assert_int_equal(acd_agent_state(f->acd, c), ACD_AGENT_RESERVED);
	fx_accept(f, k, b);
	assert_int_equal(fx_count(f, ACD_EV_OFFER_WITHDRAWN, k), 2);
	/* the losers cannot connect the contact a second time */
	assert_int_equal(acd_offer_accept(f->acd, k, a), ESTALE);
	assert_int_equal(acd_offer_accept(f->acd, k, c), ESTALE);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_READY);
	assert_int_equal(fx_count(f, ACD_EV_OFFER_ACCEPTED, k), 1);
	/* the next call rings the two that are free */
	k2 = fx_contact(f, q, 0);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_OFFERED, k2), 2);
	fx_free(f);
}

static void test_ring_all_timeout_requeues(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_RING_ALL);
	uint32_t q;
	uint64_t k;

	(void)state;
	p.no_answer_ready = true;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	fx_agent(f, "a", q, 1);
	fx_agent(f, "b", q, 1);
	k = fx_contact(f, q, 0);
	fx_advance(f, 15000);
	assert_int_equal(fx_count(f, ACD_EV_OFFER_TIMEOUT, k), 2);
	/* both rung again, as a new round */
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_OFFERED, k), 4);
	fx_free(f);
}

static uint32_t fx_chat_agent(struct fx *f, const char *name, uint32_t q,
                              unsigned chats, bool shares)
{
	struct acd_agent_params p = {.tenant = f->tenant, .name = name};
	uint32_t id;

	p.capacity[ACD_CH_VOICE] = 1;
	p.capacity[ACD_CH_CHAT] = (uint8_t)chats;
	p.call_shares = shares;
	assert_int_equal(acd_agent_add(f->acd, &p, &id), 0);
	assert_int_equal(acd_member_add(f->acd, id, q, 0), 0);
	fx_ready(f, id);
	return id;
}

static uint64_t fx_chat(struct fx *f, uint32_t q)
{
	struct acd_contact_params p = {.channel = ACD_CH_CHAT, .queue = q};

	return fx_contact_p(f, &p);
}

static void test_chat_capacity(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_chat_agent(f, "a", q, 2, false);
	uint64_t c1, c2, c3;

	(void)state;
	f->accept_offers = 1;
	c1 = fx_chat(f, q);
	c2 = fx_chat(f, q);
	c3 = fx_chat(f, q);
	assert_int_equal(acd_contact_state(f->acd, c1), ACD_CONTACT_CONNECTED);
	assert_int_equal(acd_contact_state(f->acd, c2), ACD_CONTACT_CONNECTED);
	assert_int_equal(acd_contact_state(f->acd, c3), ACD_CONTACT_WAITING);
	fx_end(f, c1);
	assert_int_equal(acd_contact_state(f->acd, c3), ACD_CONTACT_CONNECTED);
	assert_int_equal(fx_offered_to(f, c3), a);
	fx_free(f);
}

static void test_call_excludes_other_work(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_chat_agent(f, "a", q, 3, false);
	uint32_t b;
	uint64_t call, chat;

	(void)state;
	f->accept_offers = 1;
	call = fx_contact(f, q, 0);
	chat = fx_chat(f, q);
	assert_int_equal(fx_offered_to(f, call), a);
	assert_int_equal(acd_contact_state(f->acd, chat), ACD_CONTACT_WAITING);
	fx_end(f, call);
	assert_int_equal(acd_contact_state(f->acd, chat),
	                 ACD_CONTACT_CONNECTED);
	/* an agent configured to blend takes a chat during a call */
	b = fx_chat_agent(f, "b", q, 3, true);
	acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, "x");
	call = fx_contact(f, q, 0);
	chat = fx_chat(f, q);
	assert_int_equal(fx_offered_to(f, call), b);
	assert_int_equal(fx_offered_to(f, chat), b);
	fx_free(f);
}

static void test_wrapup_blocks_until_done(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a;
	uint64_t k1, k2;

	(void)state;
	p.wrapup = 30000;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	k1 = fx_contact(f, q, 0);
	fx_accept(f, k1, a);
	fx_end(f, k1);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_WRAPUP);
	assert_int_equal(acd_contact_state(f->acd, k1), ACD_CONTACT_WRAPUP);
	k2 = fx_contact(f, q, 0);
	assert_int_equal(fx_offered_to(f, k2), ACD_NONE);
	fx_advance(f, 29999);
	assert_int_equal(fx_offered_to(f, k2), ACD_NONE);
	fx_advance(f, 1);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_COMPLETED, k1), 1);
	assert_int_equal(fx_offered_to(f, k2), a);
	fx_accept(f, k2, a);
	fx_end(f, k2);
	/* finished early by the agent */
	assert_int_equal(acd_contact_wrapup_done(f->acd, k2), 0);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_READY);
	fx_free(f);
}

static void test_skills_and_best_skill(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_BEST_SKILL);
	uint32_t it = fx_skill(f, "it");
	uint32_t a = fx_agent(f, "a", q, 1), b = fx_agent(f, "b", q, 1);
	uint32_t c = fx_agent(f, "c", q, 1);
	struct acd_contact_params p = {.channel = ACD_CH_VOICE, .queue = q};
	uint64_t k;

	(void)state;
	acd_agent_skill_set(f->acd, a, it, 2);
	acd_agent_skill_set(f->acd, b, it, 5);
	acd_agent_skill_set(f->acd, c, it, 3);
	p.reqs[0].skill = it;
	p.reqs[0].min_proficiency = 3;
	p.nreqs = 1;
	k = fx_contact_p(f, &p);
	assert_int_equal(fx_offered_to(f, k), b); /* highest proficiency */
	fx_accept(f, k, b);
	k = fx_contact_p(f, &p);
	assert_int_equal(fx_offered_to(f, k), c);
	fx_accept(f, k, c);
	k = fx_contact_p(f, &p);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE); /* a has only 2 */
	acd_agent_skill_set(f->acd, a, it, 4);
	fx_check(f);
	assert_int_equal(fx_offered_to(f, k), a);
	fx_free(f);
}

static void test_fewest_and_least_talk(void **state)
{
	struct fx *f = fx_new();
	uint32_t q1 = fx_queue(f, "few", ACD_STRAT_FEWEST_CONTACTS);
	uint32_t q2 = fx_queue(f, "talk", ACD_STRAT_LEAST_TALK);
	uint32_t a = fx_agent(f, "a", q1, 1), b = fx_agent(f, "b", q1, 0);
	uint64_t k;

	(void)state;
	acd_member_add(f->acd, a, q2, 0);
	acd_member_add(f->acd, b, q2, 0);
	/* a answers two short contacts in q1 */
	for (int i = 0; i < 2; i++) {
		k = fx_contact(f, q1, 0);
		assert_int_equal(fx_offered_to(f, k), a);
		fx_accept(f, k, a);
		f->now += 1000;
		fx_end(f, k);
	}
	/* b answers one long call in q2 while a is away */
	acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, NULL);
	fx_ready(f, b);
	k = fx_contact(f, q2, 0);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_accept(f, k, b);
	f->now += 30000;
	fx_ready(f, a);
	f->now += 30000;
	fx_end(f, k);
	/* fewest in q1: b (none there) although a has been idle longer */
	k = fx_contact(f, q1, 0);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_accept(f, k, b);
	f->now += 1000;
	fx_end(f, k);
	/* least talk in q2: a (none there), although b is idle longer */
	acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, NULL);
	f->now += 1000;
	fx_ready(f, a);
	k = fx_contact(f, q2, 0);
	assert_int_equal(fx_offered_to(f, k), a);
	fx_free(f);
}

static void test_round_robin_rotates(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_ROUND_ROBIN);
	uint32_t ag[3];
	char name[8];

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		ag[i] = fx_agent(f, name, q, 1);
	}
	for (int round = 0; round < 7; round++) {
		uint64_t k = fx_contact(f, q, 0);

		assert_int_equal(fx_offered_to(f, k), ag[round % 3]);
		fx_accept(f, k, ag[round % 3]);
		fx_end(f, k);
	}
	fx_free(f);
}

static void test_linear_and_member_priority(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t a = fx_agent(f, "a", q, 1), b = fx_agent(f, "b", q, 1);
	uint64_t k;

	(void)state;
	for (int i = 0; i < 3; i++) {
		k = fx_contact(f, q, 0);
		assert_int_equal(fx_offered_to(f, k), a);
		fx_accept(f, k, a);
		fx_end(f, k);
	}
	/* b gets a higher member priority: b first */
	assert_int_equal(acd_member_add(f->acd, b, q, 5), 0);
	k = fx_contact(f, q, 0);
	assert_int_equal(fx_offered_to(f, k), b);
	fx_free(f);
}

static void test_random_spreads(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_RANDOM);
	unsigned hits[4] = {0};
	char name[8];

	(void)state;
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		fx_agent(f, name, q, 1);
	}
	for (int i = 0; i < 400; i++) {
		uint64_t k = fx_contact(f, q, 0);
		uint32_t a = fx_offered_to(f, k);

		assert_true(a < 4);
		hits[a]++;
		fx_accept(f, k, a);
		fx_end(f, k);
	}
	for (int i = 0; i < 4; i++)
		assert_in_range(hits[i], 60, 140);
	fx_free(f);
}

static void test_shared_agent_takes_oldest(void **state)
{
	struct fx *f = fx_new();
	uint32_t q1 = fx_queue(f, "q1", ACD_STRAT_LONGEST_IDLE);
	uint32_t q2 = fx_queue(f, "q2", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q1, 0);
	uint64_t k1, k2, k3;

	(void)state;
	acd_member_add(f->acd, a, q2, 0);
	k1 = fx_contact(f, q1, 0);
	f->now += 1000;
	k2 = fx_contact(f, q2, 0);
	f->now += 1000;
	k3 = fx_contact(f, q2, 3); /* higher priority wins over age */
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k3), a);
	fx_accept(f, k3, a);
	fx_end(f, k3);
	assert_int_equal(fx_offered_to(f, k1), a);
	fx_accept(f, k1, a);
	fx_end(f, k1);
	assert_int_equal(fx_offered_to(f, k2), a);
	fx_free(f);
}

static void test_abandon_while_offered(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a;
	uint64_t k;
	struct acd_queue_stats st;

	(void)state;
	p.short_abandon = 5000;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	k = fx_contact(f, q, 0);
	f->now += 2000;
	assert_int_equal(acd_contact_abandon(f->acd, k), 0);
	assert_int_equal(fx_count(f, ACD_EV_OFFER_WITHDRAWN, k), 1);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_READY);
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_ENDED);
	assert_int_equal(acd_offer_accept(f->acd, k, a), ENOENT);
	acd_queue_stats(f->acd, q, &st);
	assert_int_equal(st.abandoned_short, 1);
	assert_int_equal(st.abandoned, 0);
	fx_free(f);
}

static void test_transfer_and_hold(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q1", ACD_STRAT_LINEAR);
	uint32_t q1, q2, a, b;
	uint64_t k;

	(void)state;
	p.wrapup = 10000;
	assert_int_equal(acd_queue_add(f->acd, &p, &q1), 0);
	q2 = fx_queue(f, "q2", ACD_STRAT_LINEAR);
	a = fx_agent(f, "a", q1, 1);
	b = fx_agent(f, "b", q2, 1);
	k = fx_contact(f, q1, 0);
	fx_accept(f, k, a);
	assert_int_equal(acd_contact_connected(f->acd, k), 0);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_CONNECTED, k), 1);
	assert_int_equal(acd_contact_hold(f->acd, k, true), 0);
	assert_int_equal(acd_contact_hold(f->acd, k, true), EPROTO);
	assert_int_equal(acd_contact_hold(f->acd, k, false), 0);
	assert_int_equal(acd_contact_transfer(f->acd, k, q2, 0), 0);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_WRAPUP);
	assert_int_equal(fx_offered_to(f, k), b); /* same contact id */
	fx_accept(f, k, b);
	fx_advance(f, 10000);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_READY);
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_CONNECTED);
	fx_free(f);
}

/* An agent's desktop is gone: the contact goes back at its place, ahead
 * of those who came after it, to the next agent; nothing completed. */
static void test_requeue_keeps_place(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	struct acd_queue_stats st;
	uint32_t q, a, b;
	uint64_t k1, k2, k3;
	unsigned pos;
	acd_time_t ewt;

	(void)state;
	p.wrapup = 10000;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	b = fx_agent(f, "b", q, 0);
	k1 = fx_contact(f, q, 0);
	fx_accept(f, k1, a);
	assert_int_equal(acd_contact_connected(f->acd, k1), 0);
	f->now += 5000;
	k2 = fx_contact(f, q, 0);
	f->now += 5000;
	k3 = fx_contact(f, q, 0);
	assert_int_equal(acd_contact_requeue(f->acd, k2, NULL), EPROTO);
	assert_int_equal(acd_contact_requeue(f->acd, 999, NULL), ENOENT);
	/* the agent is set not ready first, as the desk does */
	assert_int_equal(acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY,
	                                    "disconnected"),
	                 0);
	assert_int_equal(acd_contact_requeue(f->acd, k1, "disconnected"), 0);
	fx_check(f);
	assert_int_equal(acd_contact_state(f->acd, k1), ACD_CONTACT_WAITING);
	assert_int_equal(acd_agent_state(f->acd, a), ACD_AGENT_NOT_READY);
	/* first in line again, ahead of k2 and k3 */
	assert_int_equal(acd_contact_ewt(f->acd, k1, &ewt, &pos), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(acd_contact_ewt(f->acd, k2, &ewt, &pos), 0);
	assert_int_equal(pos, 1);
	fx_ready(f, b);
	assert_int_equal(fx_offered_to(f, k1), b);
	assert_int_equal(fx_offered_to(f, k3), ACD_NONE);
	assert_int_equal(fx_last(f, ACD_EV_CONTACT_TRANSFERRED)->contact, k1);
	assert_string_equal(fx_last(f, ACD_EV_CONTACT_TRANSFERRED)->reason,
	                    "disconnected");
	assert_int_equal(acd_queue_stats(f->acd, q, &st), 0);
	assert_int_equal(st.completed, 0);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_WRAPUP, 0), 0);
	fx_free(f);
}

/* A callback whose customer did not answer: the agent is free at once
 * (no wrap-up), the callback is scheduled again, and when due it is
 * first in line again, ahead of a call that came after it. */
static void test_callback_retry_keeps_place(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	struct acd_contact_params cb = {.channel = ACD_CH_CALLBACK};
	struct acd_queue_stats st;
	uint32_t q, a;
	uint64_t k1, k2, k3;
	unsigned pos;
	acd_time_t ewt;

	(void)state;
	p.wrapup = 10000;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	cb.queue = q;
	k1 = fx_contact_p(f, &cb);
	fx_accept(f, k1, a);
	f->now += 1000;
	k2 = fx_contact(f, q, 0);
	assert_int_equal(acd_contact_retry(f->acd, k2, 0, NULL), EPROTO);
	assert_int_equal(acd_contact_retry(f->acd, 999, 0, NULL), ENOENT);
	assert_int_equal(acd_contact_retry(f->acd, k1, f->now + 5000, "busy"),
	                 0);
	fx_check(f);
	assert_int_equal(acd_contact_state(f->acd, k1), ACD_CONTACT_SCHEDULED);
	assert_int_equal(fx_last(f, ACD_EV_CALLBACK_SCHEDULED)->agent, a);
	assert_string_equal(fx_last(f, ACD_EV_CALLBACK_SCHEDULED)->reason,
	                    "busy");
	/* the agent is free at once: no wrap-up; it takes the waiting call */
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_WRAPUP, 0), 0);
	assert_int_equal(fx_offered_to(f, k2), a);
	assert_int_equal(acd_offer_reject(f->acd, k2, a), 0);
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k2), a);
	assert_int_equal(acd_offer_reject(f->acd, k2, a), 0);
	f->now += 1000;
	k3 = fx_contact(f, q, 0);
	fx_advance(f, 5000); /* the callback is due again */
	fx_check(f);
	assert_int_equal(acd_contact_state(f->acd, k1), ACD_CONTACT_WAITING);
	assert_int_equal(acd_contact_ewt(f->acd, k1, &ewt, &pos), 0);
	assert_int_equal(pos, 0); /* ahead of k2 and k3, as it was */
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k1), a);
	assert_int_equal(fx_offered_to(f, k3), ACD_NONE);
	assert_int_equal(acd_queue_stats(f->acd, q, &st), 0);
	assert_int_equal(st.completed, 0);
	/* the last attempt fails too: ended for that reason, no wrap-up */
	fx_accept(f, k1, a);
	assert_int_equal(acd_contact_end_reason(f->acd, k1, "callback-failed"),
	                 0);
	fx_check(f);
	assert_int_equal(acd_contact_state(f->acd, k1), ACD_CONTACT_ENDED);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_WRAPUP, 0), 0);
	assert_string_equal(fx_last(f, ACD_EV_CONTACT_COMPLETED)->reason,
	                    "callback-failed");
	assert_int_equal(fx_offered_to(f, k2), a); /* free at once */
	fx_free(f);
}

static void test_tenants_do_not_mix(void **state)
{
	struct fx *f = fx_new();
	uint32_t t2, q, a;
	struct acd_agent_params p = {.name = "other"};

	(void)state;
	q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	assert_int_equal(acd_tenant_add(f->acd, "t2", &t2), 0);
	p.tenant = t2;
	assert_int_equal(acd_agent_add(f->acd, &p, &a), 0);
	assert_int_equal(acd_member_add(f->acd, a, q, 0), EPERM);
	assert_int_equal(acd_queue_find(f->acd, t2, "q"), ACD_NONE);
	assert_int_equal(acd_queue_find(f->acd, f->tenant, "q"), q);
	assert_int_equal(acd_tenant_add(f->acd, "t2", NULL), EEXIST);
	fx_free(f);
}

static void test_service_level_figures(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint64_t k[4];
	struct acd_queue_stats st;

	(void)state;
	for (int i = 0; i < 4; i++)
		k[i] = fx_contact(f, q, 0);
	f->now += 10000;
	fx_ready(f, a); /* k0 answered after 10 s */
	fx_accept(f, k[0], a);
	f->now += 20000;
	fx_end(f, k[0]); /* k1 offered at 30 s: out of SL */
	fx_accept(f, k[1], a);
	acd_contact_abandon(f->acd, k[3]);
	acd_queue_stats(f->acd, q, &st);
	assert_int_equal(st.offered, 4);
	assert_int_equal(st.answered, 2);
	assert_int_equal(st.answered_in_sl, 1);
	assert_int_equal(st.abandoned, 1);
	assert_int_equal(st.waiting, 1);
	assert_int_equal(st.oldest_wait, 30000);
	assert_true(st.service_level > 0.333 && st.service_level < 0.334);
	assert_true(st.asa_ms > 19999 && st.asa_ms < 20001);
	assert_int_equal(st.agents[ACD_AGENT_BUSY], 1);
	fx_free(f);
}

static void test_names_complete(void **state)
{
	(void)state;
	for (int i = 0; i < ACD_EV_COUNT; i++) {
		assert_non_null(acd_event_name(i));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(acd_event_name(i),
			                        acd_event_name(j));
	}
	assert_string_equal(acd_event_name(ACD_EV_CONTACT_CONNECTED),
	                    "contact-connected");
	assert_string_equal(acd_event_name(ACD_EV_AGENT_STATE), "agent-state");
	for (int i = 0; i < ACD_STRAT_COUNT; i++)
		assert_int_equal(acd_strategy_parse(acd_strategy_name(i)), i);
	for (int i = 0; i < ACD_CH_COUNT; i++)
		assert_int_equal(acd_channel_parse(acd_channel_name(i)), i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_longest_idle_takes_first),
	    cmocka_unit_test(test_waits_then_goes_to_ready_agent),
	    cmocka_unit_test(test_priority_then_virtual_start),
	    cmocka_unit_test(test_offer_timeout_moves_on),
	    cmocka_unit_test(test_no_answer_ready_keeps_agent),
	    cmocka_unit_test(test_reject_goes_to_next),
	    cmocka_unit_test(test_ring_all_first_wins),
	    cmocka_unit_test(test_ring_all_timeout_requeues),
	    cmocka_unit_test(test_chat_capacity),
	    cmocka_unit_test(test_call_excludes_other_work),
	    cmocka_unit_test(test_wrapup_blocks_until_done),
	    cmocka_unit_test(test_skills_and_best_skill),
	    cmocka_unit_test(test_fewest_and_least_talk),
	    cmocka_unit_test(test_round_robin_rotates),
	    cmocka_unit_test(test_linear_and_member_priority),
	    cmocka_unit_test(test_random_spreads),
	    cmocka_unit_test(test_shared_agent_takes_oldest),
	    cmocka_unit_test(test_abandon_while_offered),
	    cmocka_unit_test(test_transfer_and_hold),
	    cmocka_unit_test(test_requeue_keeps_place),
	    cmocka_unit_test(test_callback_retry_keeps_place),
	    cmocka_unit_test(test_tenants_do_not_mix),
	    cmocka_unit_test(test_service_level_figures),
	    cmocka_unit_test(test_names_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
