/*
 * test_acd_random.c - long random event sequences against the engine's
 * invariants: no agent over capacity or with two offers, no contact
 * connected twice, order within priority respected, nothing starves,
 * contacts reserved for a preferred agent included. acd_check() runs
 * after every step.
 */
#include "acd_fixture.h"

#define NQ      3
#define NAGENTS 12
#define MAXC    4096

struct model {
	struct fx *f;
	uint32_t q[NQ], agents[NAGENTS], skills[3];
	uint64_t rng;
	bool connected[MAXC]; /* by contact id */
	int prio[MAXC];
	acd_time_t vstart[MAXC];
	bool ordered; /* one queue, no skills: check global order */
	/* the contacts' states as the event stream tells them */
	bool waiting[MAXC], ended[MAXC];
	unsigned out[MAXC];
	uint64_t missed[NAGENTS]; /* the contact each agent last missed */
	uint64_t ncontacts;
};

/* Over all the runs: offers to a preferred agent, reservations ended. */
static unsigned preferred_offers, preferred_released;

static uint64_t rnd(struct model *m, uint64_t n)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return m->rng % n;
}

/*
 * With one queue and no skills every waiting contact is eligible for
 * every agent: the one offered must be first by priority, then age. The
 * exception is the contact the agent has just missed: it goes to another
 * agent rather than ring the same one again. Waiting means as the events
 * delivered so far tell it, i.e. at the moment of this offer.
 */
static void check_order(struct model *m, uint64_t offered, uint32_t agent)
{
	for (uint64_t c = 1; c <= m->ncontacts; c++) {
		if (c == offered || !m->waiting[c] || c == m->missed[agent])
			continue;
		if (m->prio[c] > m->prio[offered] ||
		    (m->prio[c] == m->prio[offered] &&
		     m->vstart[c] < m->vstart[offered]))
			fail_msg("contact %llu offered before better %llu",
			         (unsigned long long)offered,
			         (unsigned long long)c);
	}
	m->missed[agent] = 0;
}

static void track(struct model *m, const struct acd_event *ev)
{
	uint64_t c = ev->contact;

	switch (ev->type) {
	case ACD_EV_CONTACT_QUEUED:
		m->waiting[c] = true;
		break;
	case ACD_EV_CONTACT_OFFERED:
		m->waiting[c] = false;
		m->out[c]++;
		break;
	case ACD_EV_OFFER_TIMEOUT:
	case ACD_EV_OFFER_REJECTED:
		m->missed[ev->agent] = c;
		/* fall through */
	case ACD_EV_OFFER_WITHDRAWN:
		if (--m->out[c] == 0 && !m->ended[c] && !m->connected[c])
			m->waiting[c] = true;
		break;
	case ACD_EV_CONTACT_ABANDONED:
	case ACD_EV_CONTACT_FALLBACK:
		m->ended[c] = true;
		m->waiting[c] = false;
		break;
	default:
		break;
	}
}

static acd_time_t model_clock(void *arg)
{
	return ((struct model *)arg)->f->now;
}

static void on_event(const struct acd_event *ev, void *arg)
{
	struct model *m = arg;

	fx_on_event(ev, m->f);
	if (ev->type == ACD_EV_CONTACT_OFFERED && ev->decision.preferred)
		preferred_offers++;
	if (ev->type == ACD_EV_CONTACT_ESCALATED && ev->reason &&
	    !strncmp(ev->reason, "preferred-", 10))
		preferred_released++;
	if (ev->contact >= MAXC)
		return;
	if (ev->type == ACD_EV_CONTACT_OFFERED && m->ordered)
		check_order(m, ev->contact, ev->agent);
	track(m, ev);
	switch (ev->type) {
	case ACD_EV_OFFER_ACCEPTED:
		m->waiting[ev->contact] = false;
		if (m->connected[ev->contact])
			fail_msg("contact %llu connected twice",
			         (unsigned long long)ev->contact);
		m->connected[ev->contact] = true;
		break;
	case ACD_EV_CONTACT_TRANSFERRED:
	case ACD_EV_CONTACT_COMPLETED:
	case ACD_EV_CONTACT_WRAPUP:
		m->connected[ev->contact] = false;
		break;
	default:
		break;
	}
}

static struct model *model_new(uint64_t seed, bool ordered)
{
	static struct model m;
	char name[16];

	memset(&m, 0, sizeof(m));
	m.f = fx_new();
	acd_free(m.f->acd);
	assert_int_equal(acd_alloc(&m.f->acd, model_clock, on_event, &m, seed),
	                 0);
	assert_int_equal(acd_tenant_add(m.f->acd, "t1", &m.f->tenant), 0);
	m.rng = seed | 1;
	m.ordered = ordered;
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		m.skills[i] = fx_skill(m.f, name);
	}
	for (int i = 0; i < NQ; i++) {
		struct acd_queue_params p = fx_queue_params(
		    m.f,
		    i == 0   ? "q0"
		    : i == 1 ? "q1"
		             : "q2",
		    (enum acd_strategy)rnd(&m, ACD_STRAT_COUNT));
		p.wrapup = (acd_time_t)rnd(&m, 3) * 5000;
		p.no_answer_ready = rnd(&m, 2);
		assert_int_equal(acd_queue_add(m.f->acd, &p, &m.q[i]), 0);
	}
	for (int i = 0; i < NAGENTS; i++) {
		struct acd_agent_params p = {.tenant = m.f->tenant,
		                             .name = name};
		snprintf(name, sizeof(name), "a%d", i);
		p.capacity[ACD_CH_VOICE] = 1;
		p.capacity[ACD_CH_CHAT] = (uint8_t)(1 + rnd(&m, 3));
		p.capacity[ACD_CH_EMAIL] = 2;
		p.call_shares = rnd(&m, 2);
		assert_int_equal(acd_agent_add(m.f->acd, &p, &m.agents[i]), 0);
		for (int s = 0; s < 3; s++)
			acd_agent_skill_set(
			    m.f->acd, m.agents[i], m.skills[s],
			    (unsigned)(i == 0 ? 5 : rnd(&m, 6)));
		for (int q = 0; q < (ordered ? 1 : NQ); q++)
			if (i == 0 || rnd(&m, 2))
				acd_member_add(m.f->acd, m.agents[i], m.q[q],
				               (int)rnd(&m, 2));
	}
	return &m;
}

static void add_contact(struct model *m)
{
	static const enum acd_channel ch[] = {ACD_CH_VOICE, ACD_CH_CHAT,
	                                      ACD_CH_EMAIL, ACD_CH_CALLBACK};
	struct acd_contact_params p = {
	    .channel = m->ordered ? ACD_CH_VOICE : ch[rnd(m, 4)],
	    .queue = m->q[m->ordered ? 0 : rnd(m, NQ)],
	    .priority = (int)rnd(m, 3),
	};
	uint64_t id;

	if (!m->ordered && rnd(m, 2)) {
		p.reqs[0].skill = m->skills[rnd(m, 3)];
		p.reqs[0].min_proficiency = (uint8_t)(1 + rnd(m, 5));
		p.nreqs = 1;
	}
	if (p.channel == ACD_CH_CALLBACK)
		p.virtual_start = m->f->now - (acd_time_t)rnd(m, 60000);
	if (!m->ordered && rnd(m, 3) == 0) { /* last-agent routing */
		p.preferred_agent = m->agents[rnd(m, NAGENTS)];
		p.preferred_wait = 1 + (acd_time_t)rnd(m, 30000);
	}
	if (m->ncontacts + 1 >= MAXC)
		return;
	m->prio[m->ncontacts + 1] = p.priority;
	m->vstart[m->ncontacts + 1] =
	    p.virtual_start ? p.virtual_start : m->f->now;
	assert_int_equal(acd_contact_add(m->f->acd, &p, &id), 0);
	m->ncontacts = id;
}

/* Answer, reject or ignore an offer that is out. */
static void act_on_offer(struct model *m)
{
	uint64_t c = 1 + rnd(m, m->ncontacts ? m->ncontacts : 1);
	uint32_t a = fx_offered_to(m->f, c);

	if (acd_contact_state(m->f->acd, c) != ACD_CONTACT_OFFERED ||
	    a == ACD_NONE)
		return;
	if (rnd(m, 4))
		acd_offer_accept(m->f->acd, c, a);
	else
		acd_offer_reject(m->f->acd, c, a);
}

static void step(struct model *m)
{
	uint64_t c = 1 + rnd(m, m->ncontacts ? m->ncontacts : 1);
	uint32_t a = m->agents[rnd(m, NAGENTS)];

	switch (rnd(m, 10)) {
	case 0:
	case 1:
		add_contact(m);
		break;
	case 2:
		acd_agent_presence(m->f->acd, a, (enum acd_presence)rnd(m, 3),
		                   "random");
		break;
	case 3:
	case 4:
		act_on_offer(m);
		break;
	case 5:
		acd_contact_end(m->f->acd, c);
		break;
	case 6:
		if (rnd(m, 2))
			acd_contact_abandon(m->f->acd, c);
		else
			acd_contact_wrapup_done(m->f->acd, c);
		break;
	case 7:
		if (!m->ordered && rnd(m, 4) == 0)
			acd_contact_transfer(m->f->acd, c, m->q[rnd(m, NQ)], 0);
		else if (rnd(m, 2))
			acd_contact_hold(m->f->acd, c, rnd(m, 2));
		break;
	case 8:
		if (m->ordered || a == m->agents[0]) /* a0 serves all */
			break;
		if (rnd(m, 2))
			acd_agent_skill_set(m->f->acd, a, m->skills[rnd(m, 3)],
			                    (unsigned)rnd(m, 6));
		else if (rnd(m, 2)) /* leave a queue, even mid-contact */
			acd_member_remove(m->f->acd, a, m->q[rnd(m, NQ)]);
		else
			acd_member_add(m->f->acd, a, m->q[rnd(m, NQ)],
			               (int)rnd(m, 2));
		break;
	default:
		fx_advance(m->f, (acd_time_t)rnd(m, 8000));
		break;
	}
	fx_check(m->f);
}

/* Everyone ready, every offer answered, every contact ended: all drain. */
static void drain(struct model *m)
{
	for (int i = 0; i < NAGENTS; i++)
		acd_agent_presence(m->f->acd, m->agents[i], ACD_PRESENCE_READY,
		                   NULL);
	for (int round = 0; round < 2000; round++) {
		size_t alive = 0;

		for (uint64_t c = 1; c <= m->ncontacts; c++) {
			enum acd_contact_state s =
			    acd_contact_state(m->f->acd, c);

			if (s == ACD_CONTACT_ENDED)
				continue;
			alive++;
			if (s == ACD_CONTACT_OFFERED)
				acd_offer_accept(m->f->acd, c,
				                 fx_offered_to(m->f, c));
			else if (s == ACD_CONTACT_CONNECTED)
				acd_contact_end(m->f->acd, c);
			else if (s == ACD_CONTACT_WRAPUP)
				acd_contact_wrapup_done(m->f->acd, c);
		}
		fx_check(m->f);
		if (!alive)
			return;
		fx_advance(m->f, 1000);
	}
	for (uint64_t c = 1; c <= m->ncontacts; c++) {
		if (acd_contact_state(m->f->acd, c) != ACD_CONTACT_ENDED)
			fail_msg("contact %llu starved in state %d",
			         (unsigned long long)c,
			         acd_contact_state(m->f->acd, c));
	}
}

static void run(uint64_t seed, bool ordered, int steps)
{
	struct model *m = model_new(seed, ordered);

	for (int i = 0; i < steps; i++)
		step(m);
	drain(m);
	fx_free(m->f);
}

static void test_random_multi_queue(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		run(seed * 7919, false, 3000);
	/* the sequences went through last-agent routing, both ways */
	assert_true(preferred_offers > 100);
	assert_true(preferred_released > 100);
}

static void test_random_order_respected(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++)
		run(seed * 104729, true, 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_multi_queue),
	    cmocka_unit_test(test_random_order_respected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
