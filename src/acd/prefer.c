/*
 * prefer.c - last-agent routing: a contact that names a preferred agent
 * (the one who handled the conversation before) goes to them first.
 *
 * If the agent can take it now, it is offered to them at once. If they
 * are logged in but cannot (busy, in wrap-up, reserved, paused), the
 * contact waits in a tree of the agent's own, one per capacity class,
 * keyed like a pool's: it is *reserved* for them, and when they become
 * free they take it before any pool's contact. When the wait ends, or the
 * agent logs out or may no longer serve it, it enters its pool with its
 * key unchanged: an ordinary contact at its original place.
 *
 * A reserved contact is not in its pool's tree, so the pool invariant
 * (no waiting contact beside an available agent) holds untouched; its
 * counterpart here is that no agent is available for a class in which a
 * contact is reserved for it (acd_check). Each step is O(log n) in the
 * agent's reserved contacts, and an agent with none pays one test.
 *
 * A copy of the contact in both places (its pool and the agent's tree)
 * was rejected: two offers could race for it and every removal would
 * touch two trees. A per-contact "only agent X before T" filter inside
 * the pool was rejected too: it would make best_contact() skip contacts,
 * losing O(log n).
 */
#include <errno.h>
#include <stdlib.h>

#include "acd_int.h"

static void prefer_expire(struct acd *acd, struct timer *t);

int prefer_new(struct acd *acd, struct contact *c, struct agent *a,
               acd_time_t until)
{
	struct preference *pf = calloc(1, sizeof(*pf));

	if (!pf || idmap_put(&acd->prefs, c->id, pf)) {
		free(pf);
		return ENOMEM;
	}
	pf->t.hn.pos = HEAP_ABSENT;
	pf->contact = c;
	pf->agent = a;
	pf->until = until;
	c->preferred = true;
	return 0;
}

/* May a serve the contacts of pool p at all (logged in, eligible, with
 * capacity in its class)? *pmp gets its pool entry. */
static bool can_serve(const struct agent *a, const struct pool *p,
                      struct pool_member **pmp)
{
	if (!a || a->presence == ACD_PRESENCE_OFFLINE || !a->cap[p->sig.cls])
		return false;
	*pmp = pm_find(a, p);
	return *pmp != NULL;
}

static bool available(const struct agent *a, enum acd_class cls)
{
	return a->presence == ACD_PRESENCE_READY && !a->offer &&
	       agent_has_room(a, cls);
}

void prefer_unreserve(struct acd *acd, struct contact *c)
{
	struct preference *pf = contact_pref(acd, c);

	if (!c->reserved || !pf)
		return;
	ost_remove(&pf->agent->reserved[c->sig.cls], &c->on);
	pf->agent->nreserved--;
	c->reserved = false;
}

void prefer_drop(struct acd *acd, struct contact *c)
{
	struct preference *pf = contact_pref(acd, c);

	if (!pf)
		return;
	prefer_unreserve(acd, c);
	timer_stop(acd, &pf->t);
	idmap_del(&acd->prefs, c->id);
	free(pf);
	c->preferred = false;
}

static int reserve(struct acd *acd, struct contact *c)
{
	struct agent *a = contact_pref(acd, c)->agent;

	if (!a->reserved) {
		a->reserved = calloc(CLASS_COUNT, sizeof(*a->reserved));
		if (!a->reserved)
			return ENOMEM;
	}
	contact_key(c);
	ost_insert(&a->reserved[c->sig.cls], &c->on);
	a->nreserved++;
	c->reserved = true;
	return 0;
}

static void offer_preferred(struct acd *acd, struct contact *c,
                            struct pool_member *pm, bool agent_first)
{
	struct acd_decision d = {
	    .strategy = c->pool->home->p.strategy,
	    .candidates = 1,
	    .waiting = pm->agent->nreserved + (c->reserved ? 0 : 1),
	    .metric = c->entered,
	    .agent_first = agent_first,
	    .preferred = true,
	};

	/* the preference is spent: a miss puts it back in its pool */
	prefer_drop(acd, c);
	offer_make(acd, c, &pm, 1, &d);
}

bool prefer_place(struct acd *acd, struct contact *c)
{
	struct preference *pf = contact_pref(acd, c);
	struct pool_member *pm = NULL;

	if (!pf || acd_now(acd) >= pf->until ||
	    !can_serve(pf->agent, c->pool, &pm) ||
	    (!available(pf->agent, c->sig.cls) && reserve(acd, c))) {
		prefer_drop(acd, c);
		return false;
	}
	if (!c->reserved) {
		offer_preferred(acd, c, pm, false);
		return true;
	}
	timer_start(acd, &pf->t, pf->until, prefer_expire);
	return true;
}

bool prefer_offer(struct acd *acd, struct agent *a)
{
	struct contact *best = NULL;
	struct pool_member *pm = NULL;

	for (int cls = 0; cls < CLASS_COUNT; cls++) {
		struct contact *c =
		    (struct contact *)ost_first(&a->reserved[cls]);

		if (c && agent_has_room(a, (enum acd_class)cls) &&
		    (!best || contact_before(c, best)))
			best = c;
	}
	if (!best)
		return false;
	if (!can_serve(a, best->pool, &pm)) { /* cannot happen: recheck */
		prefer_recheck(acd, a);
		return false;
	}
	offer_preferred(acd, best, pm, true);
	return true;
}

/* The reserved contact goes to its pool, at its place, and is routed. */
static void release(struct acd *acd, struct contact *c, const char *reason)
{
	struct acd_event *ev =
	    acd_event_contact(acd, ACD_EV_CONTACT_ESCALATED, c);

	ev->agent = contact_pref(acd, c)->agent->id;
	ev->decision.step = c->step;
	ev->reason = reason;
	prefer_drop(acd, c);
	contact_place(acd, c);
}

static void prefer_expire(struct acd *acd, struct timer *t)
{
	struct contact *c = ((struct preference *)t)->contact;

	if (c->reserved)
		release(acd, c, "preferred-wait-over");
	else /* a callback not yet due: it has waited long enough */
		prefer_drop(acd, c);
}

void prefer_recheck(struct acd *acd, struct agent *a)
{
	struct ost_node **v;
	size_t n = 0;

	if (!a->nreserved)
		return;
	v = malloc(a->nreserved * sizeof(*v));
	if (!v)
		return;
	/* collected first: releasing changes the trees */
	for (int cls = 0; cls < CLASS_COUNT; cls++)
		n += ost_collect(&a->reserved[cls], v + n, a->nreserved - n);
	for (size_t i = 0; i < n; i++) {
		struct contact *c = (struct contact *)v[i];
		struct pool_member *pm;

		if (!can_serve(a, c->pool, &pm))
			release(acd, c, "preferred-agent-away");
	}
	free(v);
}
