/*
 * route.c - matching contacts and agents, and the offers between them.
 *
 * Two entry points keep the invariant of acd_int.h: contact_route() when a
 * contact enters a pool, agent_route() when an agent may have become
 * available. Nothing polls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acd_int.h"

bool agent_has_room(const struct agent *a, enum acd_class cls)
{
	unsigned used = a->active[cls] + a->wrapping[cls];

	if (used >= a->cap[cls])
		return false;
	/* A call (and its wrap-up) excludes other work unless configured. */
	if (!a->call_shares && cls != CLASS_VOICE &&
	    a->active[CLASS_VOICE] + a->wrapping[CLASS_VOICE] > 0)
		return false;
	return true;
}

static enum acd_agent_state agent_state_of(const struct agent *a)
{
	unsigned active = 0, wrapping = 0;

	for (int i = 0; i < CLASS_COUNT; i++) {
		active += a->active[i];
		wrapping += a->wrapping[i];
	}
	if (a->offer)
		return ACD_AGENT_RESERVED;
	if (active)
		return ACD_AGENT_BUSY;
	if (wrapping)
		return ACD_AGENT_WRAPUP;
	if (a->presence == ACD_PRESENCE_OFFLINE)
		return ACD_AGENT_OFFLINE;
	if (a->presence == ACD_PRESENCE_NOT_READY)
		return ACD_AGENT_NOT_READY;
	return ACD_AGENT_READY;
}

void agent_state_update(struct acd *acd, struct agent *a)
{
	enum acd_agent_state old = a->state, now = agent_state_of(a);
	struct acd_event *ev;

	if (now == old)
		return;
	a->state = now;
	for (size_t i = 0; i < a->nmembers; i++) {
		a->members[i]->queue->agents[old]--;
		a->members[i]->queue->agents[now]++;
	}
	ev = acd_event_new(acd, ACD_EV_AGENT_STATE);
	ev->agent = a->id;
	ev->tenant = a->tenant->id;
	ev->agent_state = now;
	ev->agent_prev = old;
	ev->reason =
	    now == ACD_AGENT_NOT_READY && a->reason[0] ? a->reason : NULL;
}

void contact_key(struct contact *c)
{
	c->on.key[0] = -((int64_t)c->queue->p.priority + c->priority);
	c->on.key[1] = c->vstart;
	c->on.key[2] = (int64_t)c->id;
}

bool contact_before(const struct contact *a, const struct contact *b)
{
	for (int i = 0; i < OST_KEYS; i++) {
		if (a->on.key[i] != b->on.key[i])
			return a->on.key[i] < b->on.key[i];
	}
	return false;
}

static void offer_timeout(struct acd *acd, struct timer *t);

/* The membership a contact credits: known from the pool entry when the
 * agent serves the contact's home queue, else looked up. */
static struct member *credited(const struct contact *c, struct agent *a,
                               const struct pool_member *pm)
{
	if (pm && pm->tier == 0 && pm->member->queue == c->queue)
		return pm->member;
	return member_in(a, c->queue);
}

static void offer_one(struct acd *acd, struct contact *c, struct agent *a,
                      const struct acd_decision *d,
                      const struct pool_member *pm)
{
	struct offer *o = calloc(1, sizeof(*o));
	struct member *m;
	struct acd_event *ev;

	if (!o)
		return;
	m = credited(c, a, pm);
	o->member = member_hold(m);
	o->t.hn.pos = HEAP_ABSENT;
	o->contact = c;
	o->agent = a;
	o->next = c->offers;
	c->offers = o;
	a->offer = o;
	pools_leave_all(a);
	if (m && c->queue->p.strategy == ACD_STRAT_ROUND_ROBIN)
		m->rr_seq = ++c->queue->rr_counter;
	timer_start(acd, &o->t, acd_now(acd) + c->queue->p.offer_timeout,
	            offer_timeout);
	ev = acd_event_contact(acd, ACD_EV_CONTACT_OFFERED, c);
	ev->agent = a->id;
	ev->decision = *d;
	ev->decision.step = c->step;
	if (d->preferred)
		ev->reason = "preferred-agent";
	acd->decisions++;
	agent_state_update(acd, a);
}

void offer_make(struct acd *acd, struct contact *c, struct pool_member **v,
                size_t n, const struct acd_decision *d)
{
	contact_leave_pool(acd, c);
	c->state = ACD_CONTACT_OFFERED;
	for (size_t i = 0; i < n; i++)
		offer_one(acd, c, v[i]->agent, d, v[i]);
	if (!c->offers) /* out of memory: back to its place */
		contact_requeue(acd, c);
}

/*
 * Random: a uniform draw among the available agents of the best tier. A
 * random key per agent was rejected: the agents passed over keep their
 * keys, so the choice drifts away from uniform. Draws that land outside
 * the best tier are retried a few times, then the top is taken.
 */
static struct pool_member *random_pick(struct acd *acd, struct heap *h)
{
	struct heap_node *top = heap_top(h);

	for (int i = 0; i < 8; i++) {
		struct heap_node *n = h->v[acd_random(acd) % h->n];

		if (n->key[0] == top->key[0])
			return (struct pool_member *)n;
	}
	return (struct pool_member *)top;
}

void contact_route(struct acd *acd, struct contact *c)
{
	struct pool *p = c->pool;
	struct pool_member *pm = (struct pool_member *)heap_top(&p->agents);
	struct acd_decision d = {
	    .strategy = p->home->p.strategy,
	    .candidates = (unsigned)p->agents.n,
	    .waiting = 1,
	};

	if (!pm || c->state != ACD_CONTACT_WAITING)
		return;
	if (d.strategy == ACD_STRAT_RANDOM)
		pm = random_pick(acd, &p->agents);
	d.metric = pm->hn.key[1];
	if (d.strategy != ACD_STRAT_RING_ALL) {
		offer_make(acd, c, &pm, 1, &d);
		return;
	}
	/* Ring all: every available eligible agent at once. */
	size_t n = p->agents.n;
	struct pool_member **v = malloc(n * sizeof(*v));

	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct pool_member *)p->agents.v[i];
	offer_make(acd, c, v, n, &d);
	free(v);
}

/* The best contact this agent may take, among the pools it serves. */
static struct contact *best_contact(const struct agent *a, unsigned *nwaiting,
                                    struct pool_member **pmp)
{
	struct contact *best = NULL;

	*nwaiting = 0;
	for (size_t i = 0; i < a->npms; i++) {
		struct pool *p = a->pms[i]->pool;
		struct contact *c;

		if (!agent_has_room(a, p->sig.cls))
			continue;
		c = (struct contact *)ost_first(&p->contacts);
		if (!c)
			continue;
		*nwaiting += (unsigned)ost_count(&p->contacts);
		if (!best || contact_before(c, best)) {
			best = c;
			*pmp = a->pms[i];
		}
	}
	return best;
}

void agent_route(struct acd *acd, struct agent *a)
{
	struct pool_member *pm = NULL;
	struct contact *c;
	unsigned nwaiting;

	pools_leave_all(a);
	if (a->presence != ACD_PRESENCE_READY || a->offer)
		return;
	/* its reserved contacts before any other work (prefer.c) */
	if (a->nreserved && prefer_offer(acd, a))
		return;
	c = best_contact(a, &nwaiting, &pm);
	if (c) {
		struct acd_decision d = {
		    .strategy = c->pool->home->p.strategy,
		    .candidates = 1,
		    .waiting = nwaiting,
		    .metric = c->entered,
		    .agent_first = true,
		};

		offer_make(acd, c, &pm, 1, &d);
		return;
	}
	for (size_t i = 0; i < a->npms; i++) {
		if (agent_has_room(a, a->pms[i]->pool->sig.cls))
			pool_agent_enter(acd, a->pms[i]);
	}
}

/* Unlink an offer; the caller decides what becomes of both sides. */
static void offer_end(struct acd *acd, struct offer *o)
{
	struct contact *c = o->contact;
	struct offer **pp;

	for (pp = &c->offers; *pp; pp = &(*pp)->next) {
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	}
	timer_stop(acd, &o->t);
	o->agent->offer = NULL;
	member_release(o->member);
	free(o);
}

void contact_requeue(struct acd *acd, struct contact *c)
{
	c->state = ACD_CONTACT_WAITING;
	contact_enter_pool(acd, c);
	if (c->fallback_pending) { /* the maximum wait passed while ringing */
		uint64_t id = c->id;

		c->fallback_pending = false;
		contact_fallback(acd, c, ACD_FALLBACK_MAX_WAIT);
		if (contact_get(acd, id) != c) /* gone: c is freed */
			return;
	}
	contact_route(acd, c);
}

void offer_withdraw(struct acd *acd, struct offer *o, const char *reason)
{
	struct agent *a = o->agent;
	struct contact *c = o->contact;
	struct acd_event *ev =
	    acd_event_contact(acd, ACD_EV_OFFER_WITHDRAWN, c);

	ev->agent = a->id;
	ev->reason = reason;
	offer_end(acd, o);
	agent_state_update(acd, a);
	agent_route(acd, a);
}

void offer_withdraw_all(struct acd *acd, struct contact *c, const char *reason)
{
	while (c->offers)
		offer_withdraw(acd, c->offers, reason);
}

static struct offer *offer_find(const struct contact *c, uint32_t agent)
{
	for (struct offer *o = c->offers; o; o = o->next) {
		if (o->agent->id == agent)
			return o;
	}
	return NULL;
}

/* A missed offer: the agent leaves ready unless the queue keeps it. */
static void offer_missed(struct acd *acd, struct offer *o, bool keep_ready,
                         const char *reason)
{
	struct contact *c = o->contact;
	struct agent *a = o->agent;
	enum acd_presence old = a->presence;

	offer_end(acd, o);
	if (!keep_ready && a->presence == ACD_PRESENCE_READY) {
		a->presence = ACD_PRESENCE_NOT_READY;
		snprintf(a->reason, sizeof(a->reason), "%s", reason);
		pool_presence_changed(acd, a, old);
	}
	agent_state_update(acd, a);
	/* The agent first, so that a new ring-all round includes it. */
	agent_route(acd, a);
	if (!c->offers)
		contact_requeue(acd, c);
}

static void offer_timeout(struct acd *acd, struct timer *t)
{
	struct offer *o = (struct offer *)t;
	struct acd_event *ev =
	    acd_event_contact(acd, ACD_EV_OFFER_TIMEOUT, o->contact);

	ev->agent = o->agent->id;
	ev->reason = "no-answer";
	offer_missed(acd, o, o->contact->queue->p.no_answer_ready, "no-answer");
}

int acd_offer_reject(struct acd *acd, uint64_t contact, uint32_t agent)
{
	struct contact *c = contact_get(acd, contact);
	struct offer *o;
	struct acd_event *ev;

	if (!c)
		return ENOENT;
	o = offer_find(c, agent);
	if (!o)
		return ESTALE;
	acd_enter(acd);
	ev = acd_event_contact(acd, ACD_EV_OFFER_REJECTED, c);
	ev->agent = agent;
	ev->reason = "rejected";
	offer_missed(acd, o, c->queue->p.reject_ready, "rejected");
	acd_leave(acd);
	return 0;
}

static void contact_connect(struct acd *acd, struct contact *c, struct agent *a,
                            struct member *m)
{
	acd_time_t now = acd_now(acd);
	struct acd_event *ev = acd_event_contact(acd, ACD_EV_OFFER_ACCEPTED, c);

	ev->agent = a->id;
	c->state = ACD_CONTACT_CONNECTED;
	c->agent = a;
	c->connected_at = now;
	a->active[acd_class_of(c->channel)]++;
	c->member = m; /* the offer's hold passes to the contact */
	if (m && !m->removed)
		m->handled++;
	stats_answered(c->queue, now - c->entered);
	timer_stop(acd, &c->step_t);
	timer_stop(acd, &c->wait_t);
}

int acd_offer_accept(struct acd *acd, uint64_t contact, uint32_t agent)
{
	struct contact *c = contact_get(acd, contact);
	struct member *m;
	struct offer *o;
	struct agent *a;

	if (!c)
		return ENOENT;
	o = offer_find(c, agent);
	if (!o)
		return ESTALE;
	acd_enter(acd);
	a = o->agent;
	m = member_hold(o->member);
	offer_end(acd, o);
	contact_leave_queue(acd, c);
	contact_connect(acd, c, a, m);
	/* Ring all: the others lose, atomically with this answer. */
	offer_withdraw_all(acd, c, "answered-elsewhere");
	agent_state_update(acd, a);
	agent_route(acd, a);
	acd_leave(acd);
	return 0;
}
