/*
 * check.c - the engine's invariants, verified by a full walk (acd_check).
 * The randomized tests call it after every step.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "acd_int.h"

struct check {
	const struct acd *acd;
	char *buf;
	size_t size;
	int err;
};

static bool fail(struct check *ck, const char *fmt, ...)
{
	va_list ap;

	if (ck->err)
		return false;
	ck->err = EFAULT;
	va_start(ap, fmt);
	if (ck->size)
		vsnprintf(ck->buf, ck->size, fmt, ap);
	va_end(ap);
	return false;
}

static bool check_pool(struct check *ck, const struct pool *p)
{
	unsigned logged_in = 0, staffed = 0;

	if (ost_count(&p->contacts) && p->agents.n)
		return fail(ck,
		            "pool of queue %s: %zu waiting and %zu "
		            "available agents",
		            p->home->name, ost_count(&p->contacts),
		            p->agents.n);
	for (size_t i = 0; i < p->nelig; i++) {
		const struct agent *a = p->elig[i]->agent;
		bool avail = a->presence == ACD_PRESENCE_READY && !a->offer &&
		             agent_has_room(a, p->sig.cls);

		if (avail != (bool)heap_contains(&p->elig[i]->hn))
			return fail(ck, "agent %s: available=%d but in heap=%d",
			            a->name, avail,
			            heap_contains(&p->elig[i]->hn));
		logged_in += a->presence != ACD_PRESENCE_OFFLINE;
		if (a->presence == ACD_PRESENCE_READY)
			staffed += pool_capacity(p, a);
	}
	if (logged_in != p->logged_in || staffed != p->staffed)
		return fail(ck,
		            "pool of queue %s: logged_in %u/%u staffed %u/%u",
		            p->home->name, p->logged_in, logged_in, p->staffed,
		            staffed);
	return true;
}

/*
 * Contacts reserved for a as their preferred agent: each names a, waits,
 * and a may serve its pool; and a is not available in a class where one
 * waits for it (it would have taken it): the pools' invariant, for the
 * contacts that wait for one agent.
 */
static bool check_reserved(struct check *ck, const struct agent *a)
{
	unsigned n = 0;

	for (int cls = 0; a->reserved && cls < CLASS_COUNT; cls++) {
		size_t k = ost_count(&a->reserved[cls]);
		struct ost_node **v;

		if (!k)
			continue;
		n += (unsigned)k;
		if (a->presence == ACD_PRESENCE_READY && !a->offer &&
		    agent_has_room(a, (enum acd_class)cls))
			return fail(ck,
			            "agent %s available with %zu contacts "
			            "reserved for it in class %d",
			            a->name, k, cls);
		v = malloc(k * sizeof(*v));
		if (!v)
			continue;
		k = ost_collect(&a->reserved[cls], v, k);
		for (size_t i = 0; i < k && !ck->err; i++) {
			const struct contact *c = (const struct contact *)v[i];

			const struct preference *pf = contact_pref(ck->acd, c);

			if (!c->reserved || !pf || pf->agent != a ||
			    c->state != ACD_CONTACT_WAITING ||
			    c->sig.cls != cls || !pm_find(a, c->pool))
				fail(ck,
				     "contact %llu reserved for %s "
				     "out of step",
				     (unsigned long long)c->id, a->name);
		}
		free(v);
		if (ck->err)
			return false;
	}
	if (n != a->nreserved)
		return fail(ck, "agent %s: %u reserved contacts, counted %u",
		            a->name, a->nreserved, n);
	if (n && a->presence == ACD_PRESENCE_OFFLINE)
		return fail(ck, "agent %s logged out with %u reserved", a->name,
		            n);
	return true;
}

static bool check_agent(struct check *ck, const struct agent *a)
{
	if (!check_reserved(ck, a))
		return false;
	for (int cls = 0; cls < CLASS_COUNT; cls++) {
		if (a->active[cls] + a->wrapping[cls] > a->cap[cls])
			return fail(ck, "agent %s over capacity in class %d",
			            a->name, cls);
	}
	if (a->offer && (a->offer->agent != a ||
	                 a->offer->contact->state != ACD_CONTACT_OFFERED))
		return fail(ck, "agent %s: offer out of step", a->name);
	unsigned in_heaps = 0;

	for (size_t i = 0; i < a->npms; i++) {
		if (a->pms[i]->agent_idx != i || a->pms[i]->agent != a)
			return fail(ck, "agent %s: pool index broken", a->name);
		in_heaps += heap_contains(&a->pms[i]->hn) ? 1 : 0;
	}
	if (in_heaps != a->in_heaps)
		return fail(ck, "agent %s: in %u heaps, counted %u", a->name,
		            in_heaps, a->in_heaps);
	return true;
}

static bool check_contact(struct check *ck, const struct contact *c)
{
	bool in_tree = ost_contains(&c->on);
	const struct preference *pf = contact_pref(ck->acd, c);

	switch (c->state) {
	case ACD_CONTACT_WAITING:
		if (!in_tree || c->offers)
			return fail(ck, "contact %llu waiting but not in pool",
			            (unsigned long long)c->id);
		/* a preference is either a reservation with its timer, or
		 * spent: it never lingers on a contact in its pool */
		if (c->reserved != c->preferred ||
		    (c->preferred && (!pf || !heap_contains(&pf->t.hn))))
			return fail(ck, "contact %llu: preference out of step",
			            (unsigned long long)c->id);
		break;
	case ACD_CONTACT_OFFERED:
		if (in_tree || !c->offers || c->preferred)
			return fail(ck, "contact %llu offered: tree=%d",
			            (unsigned long long)c->id, in_tree);
		for (const struct offer *o = c->offers; o; o = o->next) {
			if (o->agent->offer != o)
				return fail(ck, "contact %llu: stale offer",
				            (unsigned long long)c->id);
		}
		break;
	case ACD_CONTACT_CONNECTED:
		if (in_tree || !c->agent || c->in_queue)
			return fail(ck, "contact %llu connected out of place",
			            (unsigned long long)c->id);
		break;
	default:
		if (in_tree)
			return fail(ck, "contact %llu in pool in state %d",
			            (unsigned long long)c->id, c->state);
	}
	return true;
}

static bool check_queue(struct check *ck, const struct queue *q)
{
	unsigned counts[ACD_AGENT_STATE_COUNT] = {0};
	unsigned n = 0;

	for (size_t i = 0; i < q->nmembers; i++)
		counts[q->members[i]->agent->state]++;
	for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++) {
		if (counts[s] != q->agents[s])
			return fail(ck,
			            "queue %s: %u agents in state %s, "
			            "counted %u",
			            q->name, q->agents[s],
			            acd_agent_state_name(s), counts[s]);
	}
	for (const struct contact *c = q->first; c; c = c->qnext)
		n++;
	if (n != q->in_queue)
		return fail(ck, "queue %s: list holds %u, count %u", q->name, n,
		            q->in_queue);
	for (size_t i = 0; i < q->npools; i++) {
		if (q->pools[i]->home == q && !check_pool(ck, q->pools[i]))
			return false;
	}
	return true;
}

int acd_check(const struct acd *acd, char *buf, size_t size)
{
	struct check ck = {acd, buf, size, 0};

	for (size_t i = 0; i < acd->nqueues && !ck.err; i++)
		check_queue(&ck, acd->queues[i]);
	for (size_t i = 0; i < acd->nagents && !ck.err; i++)
		check_agent(&ck, acd->agents[i]);
	for (size_t i = 0;
	     acd->contacts.slots && i <= acd->contacts.mask && !ck.err; i++) {
		const struct contact *c = acd->contacts.slots[i].value;

		if (c)
			check_contact(&ck, c);
	}
	return ck.err;
}
