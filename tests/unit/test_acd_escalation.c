/*
 * test_acd_escalation.c - escalation steps, fallbacks and callbacks.
 */
#include "acd_fixture.h"

static uint64_t fx_skilled(struct fx *f, uint32_t q, uint32_t skill,
                           unsigned min)
{
	struct acd_contact_params p = {.channel = ACD_CH_VOICE, .queue = q};

	p.reqs[0].skill = skill;
	p.reqs[0].min_proficiency = (uint8_t)min;
	p.nreqs = 1;
	return fx_contact_p(f, &p);
}

static void test_step_lowers_proficiency(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t es = fx_skill(f, "es"), q, a, b;
	uint64_t k;

	(void)state;
	p.steps[0] = (struct acd_step){.after = 30000,
	                               .min_proficiency = 2,
	                               .skill_from = ACD_NONE,
	                               .skill_to = ACD_NONE,
	                               .overflow_queue = ACD_NONE};
	p.nsteps = 1;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	acd_agent_skill_set(f->acd, a, es, 2);
	/* b could take it but is on a break: the contact waits for b */
	b = fx_agent(f, "b", q, 0);
	acd_agent_skill_set(f->acd, b, es, 5);
	acd_agent_presence(f->acd, b, ACD_PRESENCE_NOT_READY, "break");
	k = fx_skilled(f, q, es, 4);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	fx_advance(f, 29999);
	assert_int_equal(fx_offered_to(f, k), ACD_NONE);
	fx_advance(f, 1);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_ESCALATED, k), 1);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_int_equal(fx_last(f, ACD_EV_CONTACT_OFFERED)->decision.step, 1);
	fx_free(f);
}

static void test_step_overflow_and_priority(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p =
	    fx_queue_params(f, "main", ACD_STRAT_LINEAR);
	uint32_t over = fx_queue(f, "over", ACD_STRAT_LINEAR), q, a, b;
	uint64_t k1, k2;

	(void)state;
	p.steps[0] = (struct acd_step){.after = 60000,
	                               .priority_add = 10,
	                               .skill_from = ACD_NONE,
	                               .skill_to = ACD_NONE,
	                               .overflow_queue = over};
	p.nsteps = 1;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 0); /* logged in, busy elsewhere */
	acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, "meeting");
	b = fx_agent(f, "b", over, 0);
	acd_agent_presence(f->acd, b, ACD_PRESENCE_NOT_READY, "x");
	k1 = fx_contact(f, q, 0);
	fx_advance(f, 10000);
	k2 = fx_contact(f, over, 5); /* over's own, higher priority */
	fx_advance(f, 50000);        /* k1 overflows with +10 */
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_ESCALATED, k1), 1);
	fx_ready(f, b);
	/* b serves its own queue's members first? No: k1 now outranks */
	assert_int_equal(fx_offered_to(f, k1), b);
	assert_int_equal(fx_offered_to(f, k2), ACD_NONE);
	fx_free(f);
}

static void test_step_skipped_when_nobody(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t it = fx_skill(f, "it"), en = fx_skill(f, "en"), q, a;
	uint64_t k;

	(void)state;
	/* step 1 asks for "it" at 1; step 2 replaces it by "en" */
	p.steps[0] = (struct acd_step){.after = 30000,
	                               .min_proficiency = 1,
	                               .skill_from = ACD_NONE,
	                               .skill_to = ACD_NONE,
	                               .overflow_queue = ACD_NONE};
	p.steps[1] = (struct acd_step){.after = 90000,
	                               .skill_from = it,
	                               .skill_to = en,
	                               .overflow_queue = ACD_NONE};
	p.nsteps = 2;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	acd_agent_skill_set(f->acd, a, en, 3);
	/* nobody has "it": both steps are skipped at once, no waiting */
	k = fx_skilled(f, q, it, 3);
	assert_int_equal(fx_offered_to(f, k), a);
	assert_int_equal(fx_last(f, ACD_EV_CONTACT_OFFERED)->decision.step, 2);
	fx_free(f);
}

static void test_fallback_queue_full(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q;
	uint64_t k1, k2, k3;
	const struct acd_event *ev;

	(void)state;
	p.max_waiting = 2;
	p.fallback[ACD_FALLBACK_QUEUE_FULL].action = ACD_ACTION_CALLBACK;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	fx_agent(f, "a", q, 0);
	k1 = fx_contact(f, q, 0);
	k2 = fx_contact(f, q, 0);
	k3 = fx_contact(f, q, 0);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_FALLBACK, k1), 0);
	ev = fx_last(f, ACD_EV_CONTACT_FALLBACK);
	assert_non_null(ev);
	assert_int_equal(ev->contact, k3);
	assert_int_equal(ev->cause, ACD_FALLBACK_QUEUE_FULL);
	assert_int_equal(ev->fallback->action, ACD_ACTION_CALLBACK);
	/* the callback still waits, and no longer counts as a live caller */
	assert_int_equal(fx_count(f, ACD_EV_CALLBACK_SCHEDULED, k3), 1);
	assert_int_equal(acd_contact_state(f->acd, k3), ACD_CONTACT_WAITING);
	assert_int_equal(acd_contact_state(f->acd, k2), ACD_CONTACT_WAITING);
	/* k1 hangs up: room for one live caller, the callback not counted */
	assert_int_equal(acd_contact_abandon(f->acd, k1), 0);
	fx_contact(f, q, 0);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_FALLBACK, 0), 1);
	fx_contact(f, q, 0);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_FALLBACK, 0), 2);
	fx_free(f);
}

static void test_fallback_max_wait(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q;
	uint64_t k;

	(void)state;
	p.max_wait = 120000;
	p.fallback[ACD_FALLBACK_MAX_WAIT].action = ACD_ACTION_VOICEMAIL;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	fx_agent(f, "a", q, 0);
	k = fx_contact(f, q, 0);
	fx_advance(f, 119999);
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_WAITING);
	fx_advance(f, 1);
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_ENDED);
	assert_int_equal(fx_last(f, ACD_EV_CONTACT_FALLBACK)->fallback->action,
	                 ACD_ACTION_VOICEMAIL);
	fx_free(f);
}

static void test_max_wait_while_ringing(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a;
	uint64_t k;

	(void)state;
	p.max_wait = 10000;
	p.fallback[ACD_FALLBACK_MAX_WAIT].action = ACD_ACTION_MESSAGE;
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 1);
	k = fx_contact(f, q, 0);
	fx_advance(f, 10000); /* still ringing: the offer runs its course */
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_OFFERED);
	fx_advance(f, 5000); /* no answer: then the fallback */
	assert_int_equal(acd_contact_state(f->acd, k), ACD_CONTACT_ENDED);
	assert_int_equal(fx_count(f, ACD_EV_CONTACT_FALLBACK, k), 1);
	(void)a;
	fx_free(f);
}

static void test_fallback_nobody_logged_in(void **state)
{
	struct fx *f = fx_new();
	struct acd_queue_params p = fx_queue_params(f, "q", ACD_STRAT_LINEAR);
	uint32_t q, a;
	uint64_t k1, k2;

	(void)state;
	p.fallback[ACD_FALLBACK_NOBODY].action = ACD_ACTION_MESSAGE;
	snprintf(p.fallback[ACD_FALLBACK_NOBODY].target,
	         sizeof(p.fallback[0].target), "closed");
	assert_int_equal(acd_queue_add(f->acd, &p, &q), 0);
	a = fx_agent(f, "a", q, 0);
	k1 = fx_contact(f, q, 0);
	assert_int_equal(acd_contact_state(f->acd, k1), ACD_CONTACT_ENDED);
	assert_string_equal(
	    fx_last(f, ACD_EV_CONTACT_FALLBACK)->fallback->target, "closed");
	/* a logs in not ready: the next caller waits; a logs out: it goes */
	acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, "break");
	k2 = fx_contact(f, q, 0);
	assert_int_equal(acd_contact_state(f->acd, k2), ACD_CONTACT_WAITING);
	acd_agent_presence(f->acd, a, ACD_PRESENCE_OFFLINE, NULL);
	fx_check(f);
	assert_int_equal(acd_contact_state(f->acd, k2), ACD_CONTACT_ENDED);
	/* a voicemail (not a live caller) waits for someone to log in */
	struct acd_contact_params vm = {.channel = ACD_CH_VOICEMAIL,
	                                .queue = q};
	uint64_t k3 = fx_contact_p(f, &vm);

	assert_int_equal(acd_contact_state(f->acd, k3), ACD_CONTACT_WAITING);
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k3), a);
	fx_free(f);
}

static void test_callback_keeps_place(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LINEAR);
	uint32_t a = fx_agent(f, "a", q, 0);
	uint64_t k1, k2, k3;
	acd_time_t ewt;
	unsigned pos;

	(void)state;
	acd_agent_presence(f->acd, a, ACD_PRESENCE_NOT_READY, NULL);
	k1 = fx_contact(f, q, 0);
	f->now += 1000;
	k2 = fx_contact(f, q, 0);
	f->now += 1000;
	k3 = fx_contact(f, q, 0);
	/* k2 asks to be called back from 10 s on: out of line until then */
	assert_int_equal(acd_contact_callback(f->acd, k2, f->now + 10000), 0);
	assert_int_equal(acd_contact_state(f->acd, k2), ACD_CONTACT_SCHEDULED);
	assert_int_equal(acd_contact_ewt(f->acd, k3, &ewt, &pos), 0);
	assert_int_equal(pos, 1);
	fx_advance(f, 10000);
	assert_int_equal(acd_contact_state(f->acd, k2), ACD_CONTACT_WAITING);
	assert_int_equal(acd_contact_ewt(f->acd, k3, &ewt, &pos), 0);
	assert_int_equal(pos, 2); /* the callback is back ahead of k3 */
	fx_ready(f, a);
	assert_int_equal(fx_offered_to(f, k1), a);
	fx_accept(f, k1, a);
	fx_end(f, k1);
	assert_int_equal(fx_offered_to(f, k2), a);
	fx_free(f);
}

static void test_ewt_grows_with_position(void **state)
{
	struct fx *f = fx_new();
	uint32_t q = fx_queue(f, "q", ACD_STRAT_LONGEST_IDLE);
	uint32_t a = fx_agent(f, "a", q, 1), b = fx_agent(f, "b", q, 1);
	uint64_t k[6];
	acd_time_t prev = 0, ewt;
	unsigned pos;

	(void)state;
	/* history: each agent handles one 60 s contact */
	for (int i = 0; i < 2; i++) {
		uint64_t c = fx_contact(f, q, 0);

		fx_accept(f, c, fx_offered_to(f, c));
	}
	f->now += 60000;
	for (uint64_t c = 1; c <= 2; c++)
		fx_end(f, c);
	for (int i = 0; i < 2; i++) {
		uint64_t c = fx_contact(f, q, 0);

		fx_accept(f, c, fx_offered_to(f, c));
	}
	for (int i = 0; i < 6; i++)
		k[i] = fx_contact(f, q, 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(acd_contact_ewt(f->acd, k[i], &ewt, &pos), 0);
		assert_int_equal(pos, i);
		/* two agents of 60 s: one place is 30 s */
		assert_int_equal(ewt, 30000 * (i + 1));
		assert_true(ewt > prev);
		prev = ewt;
	}
	(void)a;
	(void)b;
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_step_lowers_proficiency),
	    cmocka_unit_test(test_step_overflow_and_priority),
	    cmocka_unit_test(test_step_skipped_when_nobody),
	    cmocka_unit_test(test_fallback_queue_full),
	    cmocka_unit_test(test_fallback_max_wait),
	    cmocka_unit_test(test_max_wait_while_ringing),
	    cmocka_unit_test(test_fallback_nobody_logged_in),
	    cmocka_unit_test(test_callback_keeps_place),
	    cmocka_unit_test(test_ewt_grows_with_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
