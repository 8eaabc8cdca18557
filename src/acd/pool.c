/*
 * pool.c - pools: contacts with one routing requirement, and the agents
 * eligible for them.
 *
 * A pool is created the first time a contact needs its requirement and
 * lives as long as its home queue. Creating one visits the members of its
 * queues once; after that, an agent's eligibility changes only when its
 * skills or memberships do (pools_refresh_agent).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd_int.h"

enum acd_class acd_class_of(enum acd_channel ch)
{
	switch (ch) {
	case ACD_CH_CHAT:
		return CLASS_CHAT;
	case ACD_CH_EMAIL:
		return CLASS_EMAIL;
	case ACD_CH_VOICEMAIL:
		return CLASS_VOICEMAIL;
	case ACD_CH_APP:
		return CLASS_APP;
	default:
		return CLASS_VOICE;
	}
}

static uint64_t sig_hash(const struct pool_sig *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

#define MIX(v) (h = (h ^ (uint64_t)(v)) * 0x100000001b3ULL)
	MIX(s->cls);
	MIX(s->nqueues);
	for (unsigned i = 0; i < s->nqueues; i++)
		MIX(s->queues[i]);
	MIX(s->nreqs);
	for (unsigned i = 0; i < s->nreqs; i++) {
		MIX(s->reqs[i].skill);
		MIX(s->reqs[i].min_proficiency);
	}
#undef MIX
	return h;
}

static bool sig_equal(const struct pool_sig *a, const struct pool_sig *b)
{
	if (a->cls != b->cls || a->nqueues != b->nqueues ||
	    a->nreqs != b->nreqs)
		return false;
	for (unsigned i = 0; i < a->nqueues; i++) {
		if (a->queues[i] != b->queues[i])
			return false;
	}
	for (unsigned i = 0; i < a->nreqs; i++) {
		if (a->reqs[i].skill != b->reqs[i].skill ||
		    a->reqs[i].min_proficiency != b->reqs[i].min_proficiency)
			return false;
	}
	return true;
}

static unsigned proficiency(const struct agent *a, uint32_t skill)
{
	unsigned lo = 0, hi = a->nskills;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (a->skills[mid].skill == skill)
			return a->skills[mid].proficiency;
		if (a->skills[mid].skill < skill)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static struct member *member_of(const struct agent *a, uint32_t queue)
{
	for (size_t i = 0; i < a->nmembers; i++) {
		if (a->members[i]->queue->id == queue)
			return a->members[i];
	}
	return NULL;
}

/* Eligible: a member of one of the sig's queues, with every skill. */
static struct member *eligible(const struct agent *a,
                               const struct pool_sig *sig, uint8_t *tierp)
{
	struct member *m = NULL;
	uint8_t tier;

	for (tier = 0; tier < sig->nqueues && !m; tier++)
		m = member_of(a, sig->queues[tier]);
	if (!m)
		return NULL;
	for (unsigned i = 0; i < sig->nreqs; i++) {
		if (proficiency(a, sig->reqs[i].skill) <
		    sig->reqs[i].min_proficiency)
			return NULL;
	}
	*tierp = (uint8_t)(tier - 1);
	return m;
}

unsigned pool_capacity(const struct pool *p, const struct agent *a)
{
	return a->cap[p->sig.cls];
}

static void pm_count(struct pool_member *pm, int sign)
{
	struct agent *a = pm->agent;
	struct pool *p = pm->pool;

	if (a->presence != ACD_PRESENCE_OFFLINE)
		p->logged_in += (unsigned)sign;
	if (a->presence == ACD_PRESENCE_READY)
		p->staffed += (unsigned)sign * pool_capacity(p, a);
}

/* The strategy's order; the heap's top is the agent to offer to. */
static void pm_key(struct acd *acd, struct pool_member *pm)
{
	const struct member *m = pm->member;
	const struct agent *a = pm->agent;
	const struct pool *p = pm->pool;
	int64_t *k = pm->hn.key;

	k[0] = ((int64_t)pm->tier << 32) + ((int64_t)INT32_MAX - m->priority);
	k[1] = a->idle_since;
	k[2] = 0;
	k[3] = a->id;
	switch (p->home->p.strategy) {
	case ACD_STRAT_FEWEST_CONTACTS:
		k[1] = (int64_t)m->handled;
		k[2] = a->idle_since;
		break;
	case ACD_STRAT_LEAST_TALK:
		k[1] = m->talk;
		k[2] = a->idle_since;
		break;
	case ACD_STRAT_ROUND_ROBIN:
		k[1] = (int64_t)m->rr_seq;
		break;
	case ACD_STRAT_LINEAR:
		k[1] = m->order;
		break;
	case ACD_STRAT_BEST_SKILL:
		k[1] = 0;
		for (unsigned i = 0; i < p->sig.nreqs; i++)
			k[1] -= proficiency(a, p->sig.reqs[i].skill);
		k[2] = a->idle_since;
		break;
	default: /* longest idle, ring all */
		break;
	}
}

void pool_agent_enter(struct acd *acd, struct pool_member *pm)
{
	if (heap_contains(&pm->hn))
		return;
	pm_key(acd, pm);
	if (!heap_push(&pm->pool->agents, &pm->hn))
		pm->agent->in_heaps++;
}

void pool_agent_leave(struct pool_member *pm)
{
	if (!heap_contains(&pm->hn))
		return;
	heap_remove(&pm->pool->agents, &pm->hn);
	pm->agent->in_heaps--;
}

void pools_leave_all(struct agent *a)
{
	/* most agents are in no heap (busy): don't touch their entries */
	for (size_t i = 0; i < a->npms && a->in_heaps; i++)
		pool_agent_leave(a->pms[i]);
}

static bool agent_available(const struct agent *a, enum acd_class cls)
{
	return a->presence == ACD_PRESENCE_READY && !a->offer &&
	       agent_has_room(a, cls);
}

static int pm_add(struct acd *acd, struct pool *p, struct agent *a,
                  struct member *m, uint8_t tier)
{
	struct pool_member *pm = calloc(1, sizeof(*pm));

	if (!pm)
		return ENOMEM;
	pm->hn.pos = HEAP_ABSENT;
	pm->agent = a;
	pm->pool = p;
	pm->member = m;
	pm->tier = tier;
	pm->agent_idx = a->npms;
	pm->pool_idx = p->nelig;
	if (vec_push(&a->pms, &a->npms, &a->pms_cap, pm)) {
		free(pm);
		return ENOMEM;
	}
	if (vec_push(&p->elig, &p->nelig, &p->elig_cap, pm)) {
		a->npms--;
		free(pm);
		return ENOMEM;
	}
	pm_count(pm, +1);
	if (agent_available(a, p->sig.cls))
		pool_agent_enter(acd, pm);
	return 0;
}

static void pm_del(struct pool_member *pm)
{
	struct agent *a = pm->agent;
	struct pool *p = pm->pool;

	pool_agent_leave(pm);
	pm_count(pm, -1);
	a->pms[pm->agent_idx] = a->pms[--a->npms];
	a->pms[pm->agent_idx]->agent_idx = pm->agent_idx;
	p->elig[pm->pool_idx] = p->elig[--p->nelig];
	p->elig[pm->pool_idx]->pool_idx = pm->pool_idx;
	free(pm);
}

static void pool_members_load(struct acd *acd, struct pool *p)
{
	uint64_t mark = ++acd->mark;

	for (unsigned i = 0; i < p->sig.nqueues; i++) {
		struct queue *q = acd->queues[p->sig.queues[i]];

		for (size_t j = 0; j < q->nmembers; j++) {
			struct agent *a = q->members[j]->agent;
			struct member *m;
			uint8_t tier;

			if (a->mark == mark)
				continue;
			a->mark = mark;
			m = eligible(a, &p->sig, &tier);
			if (m)
				pm_add(acd, p, a, m, tier);
		}
	}
}

static struct pool *pool_create(struct acd *acd, const struct pool_sig *sig,
                                uint64_t hash)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->sig = *sig;
	p->hash = hash;
	p->home = acd->queues[sig->queues[0]];
	heap_init(&p->agents);
	for (unsigned i = 0; i < sig->nqueues; i++) {
		struct queue *q = acd->queues[sig->queues[i]];

		if (vec_push(&q->pools, &q->npools, &q->pools_cap, p)) {
			while (i-- > 0)
				acd->queues[sig->queues[i]]->npools--;
			free(p);
			return NULL;
		}
	}
	p->hnext = idmap_get(&acd->pools, hash);
	if (idmap_put(&acd->pools, hash, p)) {
		for (unsigned i = 0; i < sig->nqueues; i++)
			acd->queues[sig->queues[i]]->npools--;
		free(p);
		return NULL;
	}
	acd->npools++;
	pool_members_load(acd, p);
	return p;
}

struct pool *pool_get(struct acd *acd, const struct pool_sig *sig)
{
	uint64_t hash = sig_hash(sig);
	struct pool *p;

	for (p = idmap_get(&acd->pools, hash); p; p = p->hnext) {
		if (sig_equal(&p->sig, sig))
			return p;
	}
	return pool_create(acd, sig, hash);
}

void pool_free(struct acd *acd, struct pool *p)
{
	(void)acd;
	heap_reset(&p->agents);
	for (size_t i = 0; i < p->nelig; i++)
		free(p->elig[i]);
	free(p->elig);
	free(p);
}

struct pool_member *pm_find(const struct agent *a, const struct pool *p)
{
	for (size_t i = 0; i < a->npms; i++) {
		if (a->pms[i]->pool == p)
			return a->pms[i];
	}
	return NULL;
}

void pools_refresh_agent(struct acd *acd, struct agent *a, struct queue *q)
{
	for (size_t i = 0; i < q->npools; i++) {
		struct pool *p = q->pools[i];
		struct pool_member *pm = pm_find(a, p);
		uint8_t tier = 0;
		struct member *m = eligible(a, &p->sig, &tier);

		if (m && !pm) {
			pm_add(acd, p, a, m, tier);
		} else if (!m && pm) {
			pm_del(pm);
		} else if (m) {
			pool_agent_leave(pm); /* re-keyed by agent_route */
			pm->member = m;
			pm->tier = tier;
		}
	}
}

/* The last agent who could take these contacts logged out. */
static void pool_emptied(struct acd *acd, struct pool *p)
{
	size_t n = ost_count(&p->contacts);
	struct ost_node **v;

	if (!n)
		return;
	v = malloc(n * sizeof(*v));
	if (!v)
		return;
	n = ost_collect(&p->contacts, v, n);
	for (size_t i = 0; i < n; i++)
		contact_nobody(acd, (struct contact *)v[i]);
	free(v);
}

void pools_count_agent(struct agent *a, int sign)
{
	for (size_t i = 0; i < a->npms; i++)
		pm_count(a->pms[i], sign);
}

void pool_presence_changed(struct acd *acd, struct agent *a,
                           enum acd_presence old)
{
	enum acd_presence now = a->presence;

	a->presence = old;
	pools_count_agent(a, -1);
	a->presence = now;
	pools_count_agent(a, +1);
	if (now != ACD_PRESENCE_OFFLINE || old == ACD_PRESENCE_OFFLINE)
		return;
	for (size_t i = 0; i < a->npms; i++) {
		struct pool *p = a->pms[i]->pool;

		if (p->logged_in == 0)
			pool_emptied(acd, p);
	}
}
