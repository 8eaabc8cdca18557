/*
 * agent.c - agents at run time: presence, memberships, skills, capacity.
 *
 * Every change ends with agent_route(), which re-keys the agent in its
 * pools and offers it the best waiting contact it may take.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acd_int.h"

int acd_agent_presence(struct acd *acd, uint32_t agent, enum acd_presence p,
                       const char *reason)
{
	struct agent *a = agent_get(acd, agent);
	enum acd_presence old;

	if (!a)
		return ENOENT;
	if (p != ACD_PRESENCE_OFFLINE && p != ACD_PRESENCE_READY &&
	    p != ACD_PRESENCE_NOT_READY)
		return EINVAL;
	acd_enter(acd);
	old = a->presence;
	snprintf(a->reason, sizeof(a->reason), "%s",
	         p == ACD_PRESENCE_NOT_READY && reason ? reason : "");
	a->presence = p;
	if (p == ACD_PRESENCE_READY && old != ACD_PRESENCE_READY)
		a->idle_since = acd_now(acd);
	if (p != ACD_PRESENCE_READY && a->offer) {
		struct contact *c = a->offer->contact;

		offer_withdraw(acd, a->offer, "agent-unavailable");
		if (!c->offers) /* back at its place, for someone else */
			contact_requeue(acd, c);
	}
	pool_presence_changed(acd, a, old);
	if (p == ACD_PRESENCE_OFFLINE) /* what waited for it goes to others */
		prefer_recheck(acd, a);
	agent_state_update(acd, a);
	agent_route(acd, a);
	acd_leave(acd);
	return 0;
}

enum acd_agent_state acd_agent_state(const struct acd *acd, uint32_t agent)
{
	struct agent *a = agent_get(acd, agent);

	return a ? a->state : ACD_AGENT_OFFLINE;
}

struct member *member_hold(struct member *m)
{
	if (m)
		m->refs++;
	return m;
}

void member_release(struct member *m)
{
	if (m && !--m->refs && m->removed)
		free(m);
}

struct member *member_in(const struct agent *a, const struct queue *q)
{
	for (size_t i = 0; i < a->nmembers; i++) {
		if (a->members[i]->queue == q)
			return a->members[i];
	}
	return NULL;
}

static struct member *member_find(const struct agent *a, uint32_t queue)
{
	for (size_t i = 0; i < a->nmembers; i++) {
		if (a->members[i]->queue->id == queue)
			return a->members[i];
	}
	return NULL;
}

static int member_new(struct agent *a, struct queue *q, int priority)
{
	struct member *m = calloc(1, sizeof(*m));

	if (!m)
		return ENOMEM;
	m->agent = a;
	m->queue = q;
	m->priority = priority;
	m->order = q->next_order++;
	m->rr_seq = m->order;
	m->agent_idx = a->nmembers;
	m->queue_idx = q->nmembers;
	if (vec_push(&a->members, &a->nmembers, &a->members_cap, m)) {
		free(m);
		return ENOMEM;
	}
	if (vec_push(&q->members, &q->nmembers, &q->members_cap, m)) {
		a->nmembers--;
		free(m);
		return ENOMEM;
	}
	q->agents[a->state]++;
	return 0;
}

int acd_member_add(struct acd *acd, uint32_t agent, uint32_t queue,
                   int priority)
{
	struct agent *a = agent_get(acd, agent);
	struct queue *q = queue_get(acd, queue);
	struct member *m;

	if (!a || !q)
		return ENOENT;
	if (a->tenant != q->tenant)
		return EPERM;
	if (priority < -1000000 || priority > 1000000)
		return EINVAL;
	m = member_find(a, queue);
	if (m) {
		m->priority = priority;
	} else {
		int err = member_new(a, q, priority);

		if (err)
			return err;
	}
	acd_enter(acd);
	pools_refresh_agent(acd, a, q);
	prefer_recheck(acd, a);
	agent_route(acd, a);
	acd_leave(acd);
	return 0;
}

int acd_member_remove(struct acd *acd, uint32_t agent, uint32_t queue)
{
	struct agent *a = agent_get(acd, agent);
	struct queue *q = queue_get(acd, queue);
	struct member *m;

	if (!a || !q)
		return ENOENT;
	m = member_find(a, queue);
	if (!m)
		return ENOENT;
	acd_enter(acd);
	a->members[m->agent_idx] = a->members[--a->nmembers];
	a->members[m->agent_idx]->agent_idx = m->agent_idx;
	q->members[m->queue_idx] = q->members[--q->nmembers];
	q->members[m->queue_idx]->queue_idx = m->queue_idx;
	q->agents[a->state]--;
	if (m->refs) /* an offer or a contact still credits it */
		m->removed = true;
	else
		free(m);
	pools_refresh_agent(acd, a, q);
	prefer_recheck(acd, a);
	agent_route(acd, a);
	acd_leave(acd);
	return 0;
}

size_t acd_agent_queues(const struct acd *acd, uint32_t agent, uint32_t *v,
                        size_t max)
{
	const struct agent *a = agent_get(acd, agent);

	if (!a)
		return 0;
	for (size_t i = 0; i < a->nmembers && i < max; i++)
		v[i] = a->members[i]->queue->id;
	return a->nmembers;
}

size_t acd_agent_skills(const struct acd *acd, uint32_t agent,
                        struct acd_agent_skill *v, size_t max)
{
	const struct agent *a = agent_get(acd, agent);

	if (!a)
		return 0;
	for (size_t i = 0; i < a->nskills && i < max; i++)
		v[i] = a->skills[i];
	return a->nskills;
}

static int skill_set(struct agent *a, uint32_t skill, unsigned proficiency)
{
	unsigned i;

	for (i = 0; i < a->nskills && a->skills[i].skill < skill; i++)
		;
	if (i < a->nskills && a->skills[i].skill == skill) {
		if (proficiency) {
			a->skills[i].proficiency = (uint8_t)proficiency;
		} else {
			memmove(&a->skills[i], &a->skills[i + 1],
			        (a->nskills - i - 1) * sizeof(a->skills[0]));
			a->nskills--;
		}
		return 0;
	}
	if (!proficiency)
		return 0;
	struct acd_agent_skill *v =
	    realloc(a->skills, (a->nskills + 1) * sizeof(*v));

	if (!v)
		return ENOMEM;
	a->skills = v;
	memmove(&v[i + 1], &v[i], (a->nskills - i) * sizeof(v[0]));
	v[i].skill = skill;
	v[i].proficiency = (uint8_t)proficiency;
	a->nskills++;
	return 0;
}

int acd_agent_skill_set(struct acd *acd, uint32_t agent, uint32_t skill,
                        unsigned proficiency)
{
	struct agent *a = agent_get(acd, agent);
	int err;

	if (!a || skill >= acd->nskills)
		return ENOENT;
	if (proficiency > ACD_PROFICIENCY_MAX)
		return EINVAL;
	err = skill_set(a, skill, proficiency);
	if (err)
		return err;
	acd_enter(acd);
	for (size_t i = 0; i < a->nmembers; i++)
		pools_refresh_agent(acd, a, a->members[i]->queue);
	prefer_recheck(acd, a);
	agent_route(acd, a);
	acd_leave(acd);
	return 0;
}

int acd_agent_capacity_set(struct acd *acd, uint32_t agent, enum acd_channel ch,
                           unsigned capacity)
{
	struct agent *a = agent_get(acd, agent);

	if (!a)
		return ENOENT;
	if ((unsigned)ch >= ACD_CH_COUNT || capacity > 255)
		return EINVAL;
	acd_enter(acd);
	/* staffed figures count capacity: take the agent out and back in */
	pools_count_agent(a, -1);
	a->cap[acd_class_of(ch)] = (uint8_t)capacity;
	pools_count_agent(a, +1);
	prefer_recheck(acd, a);
	agent_route(acd, a);
	acd_leave(acd);
	return 0;
}
