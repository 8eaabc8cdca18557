/*
 * acd.c - the engine object: clock, timers, event delivery, registry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acd_int.h"

enum name_kind { NAME_TENANT = 1, NAME_SKILL, NAME_QUEUE, NAME_AGENT };

acd_time_t acd_now(const struct acd *acd)
{
	return acd->clock(acd->arg);
}

uint64_t acd_random(struct acd *acd)
{
	/* xorshift64*: deterministic for a seed, enough for tie-breaking */
	acd->rng ^= acd->rng >> 12;
	acd->rng ^= acd->rng << 25;
	acd->rng ^= acd->rng >> 27;
	return acd->rng * 0x2545f4914f6cdd1dULL;
}

int vec_push(void *vecp, size_t *n, size_t *cap, void *item)
{
	void ***vec = vecp;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		void **v = realloc(*vec, ncap * sizeof(*v));

		if (!v)
			return ENOMEM;
		*vec = v;
		*cap = ncap;
	}
	(*vec)[(*n)++] = item;
	return 0;
}

/*
 * Events are queued and delivered when the outermost engine call returns,
 * so a handler sees a consistent engine and may call back into it; events
 * its calls raise join the same queue, in order.
 */
static void deliver(struct acd *acd)
{
	if (acd->delivering)
		return;
	acd->delivering = true;
	for (size_t i = 0; i < acd->nevents; i++) {
		struct acd_event ev = acd->events[i];

		if (acd->event_h)
			acd->event_h(&ev, acd->arg);
	}
	acd->nevents = 0;
	acd->delivering = false;
}

void acd_enter(struct acd *acd)
{
	acd->depth++;
}

void acd_leave(struct acd *acd)
{
	if (--acd->depth == 0)
		deliver(acd);
}

struct acd_event *acd_event_new(struct acd *acd, enum acd_event_type type)
{
	static struct acd_event lost; /* out of memory: dropped, not a crash */
	struct acd_event *ev;

	if (acd->nevents == acd->events_cap) {
		size_t cap = acd->events_cap ? acd->events_cap * 2 : 64;
		struct acd_event *v = realloc(acd->events, cap * sizeof(*v));

		if (!v)
			return memset(&lost, 0, sizeof(lost));
		acd->events = v;
		acd->events_cap = cap;
	}
	ev = &acd->events[acd->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->time = acd_now(acd);
	ev->agent = ACD_NONE;
	ev->queue = ACD_NONE;
	ev->tenant = ACD_NONE;
	return ev;
}

struct acd_event *acd_event_contact(struct acd *acd, enum acd_event_type type,
                                    const struct contact *c)
{
	struct acd_event *ev = acd_event_new(acd, type);

	ev->contact = c->id;
	ev->queue = c->queue->id;
	ev->tenant = c->queue->tenant->id;
	ev->channel = c->channel;
	ev->user = c->user;
	ev->wait = ev->time - c->entered;
	return ev;
}

void timer_start(struct acd *acd, struct timer *t, acd_time_t deadline,
                 timer_h *fire)
{
	heap_remove(&acd->timers, &t->hn);
	t->hn.key[0] = deadline;
	t->hn.key[1] = (int64_t)++acd->timer_seq;
	t->hn.key[2] = t->hn.key[3] = 0;
	t->fire = fire;
	if (heap_push(&acd->timers, &t->hn))
		t->hn.pos = HEAP_ABSENT; /* out of memory: the timer is lost */
}

void timer_stop(struct acd *acd, struct timer *t)
{
	heap_remove(&acd->timers, &t->hn);
}

acd_time_t acd_next_deadline(const struct acd *acd)
{
	const struct heap_node *top = heap_top(&acd->timers);

	return top ? top->key[0] : -1;
}

void acd_timers_run(struct acd *acd)
{
	acd_time_t now = acd_now(acd);
	struct heap_node *top;

	acd_enter(acd);
	while ((top = heap_top(&acd->timers)) && top->key[0] <= now) {
		struct timer *t = (struct timer *)top;

		heap_remove(&acd->timers, top);
		t->fire(acd, t);
	}
	acd_leave(acd);
}

int acd_alloc(struct acd **acdp, acd_clock_h *clock, acd_event_h *event_h,
              void *arg, uint64_t seed)
{
	struct acd *acd;

	if (!acdp || !clock)
		return EINVAL;
	acd = calloc(1, sizeof(*acd));
	if (!acd)
		return ENOMEM;
	acd->clock = clock;
	acd->event_h = event_h;
	acd->arg = arg;
	acd->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	heap_init(&acd->timers);
	idmap_init(&acd->names);
	idmap_init(&acd->contacts);
	idmap_init(&acd->prefs);
	idmap_init(&acd->pools);
	*acdp = acd;
	return 0;
}

static void agent_free(struct agent *a)
{
	struct wrapup *w = a->wrapups;

	while (w) {
		struct wrapup *next = w->next;

		free(w);
		w = next;
	}
	for (size_t i = 0; i < a->nmembers; i++)
		free(a->members[i]);
	free(a->members);
	free(a->pms);
	free(a->reserved);
	free(a->skills);
	free(a->name);
	free(a);
}

static void queue_free(struct acd *acd, struct queue *q)
{
	for (size_t i = 0; i < q->npools; i++) {
		if (q->pools[i]->home == q)
			pool_free(acd, q->pools[i]);
	}
	free(q->pools);
	free(q->members);
	free(q->name);
	free(q);
}

void acd_free(struct acd *acd)
{
	if (!acd)
		return;
	heap_reset(&acd->timers); /* before the objects that hold timers */
	contacts_free_all(acd);
	for (size_t i = 0; i < acd->nqueues; i++)
		queue_free(acd, acd->queues[i]);
	for (size_t i = 0; i < acd->nagents; i++)
		agent_free(acd->agents[i]);
	for (size_t i = 0; i < acd->nskills; i++) {
		free(acd->skills[i]->name);
		free(acd->skills[i]);
	}
	for (size_t i = 0; i < acd->ntenants; i++) {
		free(acd->tenants[i]->name);
		free(acd->tenants[i]);
	}
	free(acd->queues);
	free(acd->agents);
	free(acd->skills);
	free(acd->tenants);
	free(acd->events);
	idmap_reset(&acd->names);
	idmap_reset(&acd->contacts);
	idmap_reset(&acd->prefs);
	idmap_reset(&acd->pools);
	free(acd);
}

static uint64_t name_key(enum name_kind kind, uint32_t tenant, const char *name)
{
	uint64_t h = IDMAP_FNV_SEED;

	h ^= (uint64_t)kind << 56 ^ tenant;
	h *= 0x100000001b3ULL;
	return idmap_hash_str(h, name);
}

static uint32_t name_find(const struct acd *acd, enum name_kind kind,
                          uint32_t tenant, const char *name)
{
	void *v;

	if (!name)
		return ACD_NONE;
	v = idmap_get(&acd->names, name_key(kind, tenant, name));
	/* Ids are stored plus one, so that id 0 is not a NULL value. */
	return v ? (uint32_t)((uintptr_t)v - 1) : ACD_NONE;
}

static int name_add(struct acd *acd, enum name_kind kind, uint32_t tenant,
                    const char *name, uint32_t id)
{
	return idmap_put(&acd->names, name_key(kind, tenant, name),
	                 (void *)(uintptr_t)(id + 1));
}

static bool name_valid(const char *name)
{
	return name && *name && strlen(name) < 128;
}

int acd_tenant_add(struct acd *acd, const char *name, uint32_t *idp)
{
	struct tenant *t;
	uint32_t id = (uint32_t)acd->ntenants;

	if (!name_valid(name))
		return EINVAL;
	if (name_find(acd, NAME_TENANT, 0, name) != ACD_NONE)
		return EEXIST;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->name = strdup(name)) ||
	    vec_push(&acd->tenants, &acd->ntenants, &acd->tenants_cap, t) ||
	    name_add(acd, NAME_TENANT, 0, name, id)) {
		if (t && acd->ntenants > id)
			acd->ntenants--;
		if (t)
			free(t->name);
		free(t);
		return ENOMEM;
	}
	t->id = id;
	if (idp)
		*idp = id;
	return 0;
}

int acd_skill_add(struct acd *acd, const char *name, uint32_t *idp)
{
	struct skill *s;
	uint32_t id = (uint32_t)acd->nskills;

	if (!name_valid(name))
		return EINVAL;
	if (name_find(acd, NAME_SKILL, 0, name) != ACD_NONE)
		return EEXIST;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name)) ||
	    vec_push(&acd->skills, &acd->nskills, &acd->skills_cap, s) ||
	    name_add(acd, NAME_SKILL, 0, name, id)) {
		if (s && acd->nskills > id)
			acd->nskills--;
		if (s)
			free(s->name);
		free(s);
		return ENOMEM;
	}
	s->id = id;
	if (idp)
		*idp = id;
	return 0;
}

static int queue_params_check(const struct acd *acd,
                              const struct acd_queue_params *p)
{
	if (p->tenant >= acd->ntenants ||
	    (unsigned)p->strategy >= ACD_STRAT_COUNT ||
	    p->nsteps > ACD_MAX_STEPS || p->offer_timeout < 0 ||
	    p->wrapup < 0 || p->max_wait < 0)
		return EINVAL;
	for (unsigned i = 0; i < p->nsteps; i++) {
		const struct acd_step *st = &p->steps[i];

		if (st->min_proficiency > ACD_PROFICIENCY_MAX ||
		    (st->overflow_queue != ACD_NONE &&
		     st->overflow_queue >= acd->nqueues) ||
		    (st->skill_from != ACD_NONE &&
		     st->skill_from >= acd->nskills) ||
		    (st->skill_to != ACD_NONE && st->skill_to >= acd->nskills))
			return EINVAL;
		if (st->overflow_queue != ACD_NONE &&
		    acd->queues[st->overflow_queue]->tenant->id != p->tenant)
			return EPERM;
	}
	return 0;
}

static void queue_params_set(struct queue *q, const struct acd_queue_params *p)
{
	q->p = *p;
	q->p.name = q->name;
	if (q->p.offer_timeout == 0)
		q->p.offer_timeout = 20000;
	for (int i = 0; i < ACD_FALLBACK_CAUSE_COUNT; i++)
		q->p.fallback[i].target[sizeof(q->p.fallback[i].target) - 1] =
		    '\0';
}

int acd_queue_add(struct acd *acd, const struct acd_queue_params *p,
                  uint32_t *idp)
{
	struct queue *q;
	uint32_t id = (uint32_t)acd->nqueues;
	int err;

	if (!p || !name_valid(p->name))
		return EINVAL;
	err = queue_params_check(acd, p);
	if (err)
		return err;
	if (name_find(acd, NAME_QUEUE, p->tenant, p->name) != ACD_NONE)
		return EEXIST;
	q = calloc(1, sizeof(*q));
	if (!q || !(q->name = strdup(p->name)) ||
	    vec_push(&acd->queues, &acd->nqueues, &acd->queues_cap, q) ||
	    name_add(acd, NAME_QUEUE, p->tenant, p->name, id)) {
		if (q && acd->nqueues > id)
			acd->nqueues--;
		if (q)
			free(q->name);
		free(q);
		return ENOMEM;
	}
	q->id = id;
	q->tenant = acd->tenants[p->tenant];
	q->rr_counter = 1ULL << 32;
	queue_params_set(q, p);
	if (idp)
		*idp = id;
	return 0;
}

int acd_queue_update(struct acd *acd, uint32_t queue,
                     const struct acd_queue_params *p)
{
	struct queue *q = queue_get(acd, queue);
	int err;

	if (!q)
		return ENOENT;
	if (!p || p->tenant != q->tenant->id)
		return EINVAL;
	err = queue_params_check(acd, p);
	if (err)
		return err;
	acd_enter(acd);
	queue_params_set(q, p);
	/* A new strategy re-orders the agents waiting in its pools. */
	for (size_t i = 0; i < q->nmembers; i++)
		agent_route(acd, q->members[i]->agent);
	acd_leave(acd);
	return 0;
}

static int agent_skills_copy(struct agent *a, const struct acd_agent_params *p,
                             size_t nskills)
{
	if (!p->nskills)
		return 0;
	a->skills = calloc(p->nskills, sizeof(*a->skills));
	if (!a->skills)
		return ENOMEM;
	for (unsigned i = 0; i < p->nskills; i++) {
		const struct acd_agent_skill *s = &p->skills[i];
		unsigned j;

		if (s->skill >= nskills || s->proficiency < 1 ||
		    s->proficiency > ACD_PROFICIENCY_MAX)
			return EINVAL;
		/* insertion sort: agents have few skills */
		for (j = a->nskills; j > 0 && a->skills[j - 1].skill > s->skill;
		     j--)
			a->skills[j] = a->skills[j - 1];
		if (j > 0 && a->skills[j - 1].skill == s->skill)
			return EINVAL;
		a->skills[j] = *s;
		a->nskills++;
	}
	return 0;
}

static void agent_capacity_init(struct agent *a,
                                const struct acd_agent_params *p)
{
	bool any = false;

	for (int ch = 0; ch < ACD_CH_COUNT; ch++)
		any |= p->capacity[ch] != 0;
	for (int cls = 0; cls < CLASS_COUNT; cls++)
		a->cap[cls] = 1;
	if (!any)
		return;
	for (int ch = 0; ch < ACD_CH_COUNT; ch++) {
		if (ch != ACD_CH_CALLBACK)
			a->cap[acd_class_of(ch)] = p->capacity[ch];
	}
}

int acd_agent_add(struct acd *acd, const struct acd_agent_params *p,
                  uint32_t *idp)
{
	struct agent *a;
	uint32_t id = (uint32_t)acd->nagents;
	int err;

	if (!p || !name_valid(p->name) || p->tenant >= acd->ntenants)
		return EINVAL;
	if (name_find(acd, NAME_AGENT, p->tenant, p->name) != ACD_NONE)
		return EEXIST;
	a = calloc(1, sizeof(*a));
	if (!a)
		return ENOMEM;
	err = agent_skills_copy(a, p, acd->nskills);
	if (!err && !(a->name = strdup(p->name)))
		err = ENOMEM;
	if (!err &&
	    (vec_push(&acd->agents, &acd->nagents, &acd->agents_cap, a) ||
	     name_add(acd, NAME_AGENT, p->tenant, p->name, id)))
		err = ENOMEM;
	if (err) {
		if (acd->nagents > id)
			acd->nagents--;
		free(a->skills);
		free(a->name);
		free(a);
		return err;
	}
	a->id = id;
	a->tenant = acd->tenants[p->tenant];
	a->call_shares = p->call_shares;
	a->presence = ACD_PRESENCE_OFFLINE;
	a->state = ACD_AGENT_OFFLINE;
	agent_capacity_init(a, p);
	if (idp)
		*idp = id;
	return 0;
}

uint32_t acd_tenant_find(const struct acd *acd, const char *name)
{
	return name_find(acd, NAME_TENANT, 0, name);
}

uint32_t acd_skill_find(const struct acd *acd, const char *name)
{
	return name_find(acd, NAME_SKILL, 0, name);
}

uint32_t acd_queue_find(const struct acd *acd, uint32_t tenant,
                        const char *name)
{
	return name_find(acd, NAME_QUEUE, tenant, name);
}

uint32_t acd_agent_find(const struct acd *acd, uint32_t tenant,
                        const char *name)
{
	return name_find(acd, NAME_AGENT, tenant, name);
}

struct queue *queue_get(const struct acd *acd, uint32_t id)
{
	return id < acd->nqueues ? acd->queues[id] : NULL;
}

struct agent *agent_get(const struct acd *acd, uint32_t id)
{
	return id < acd->nagents ? acd->agents[id] : NULL;
}

struct contact *contact_get(const struct acd *acd, uint64_t id)
{
	return idmap_get(&acd->contacts, id);
}

const char *acd_tenant_name(const struct acd *acd, uint32_t tenant)
{
	return tenant < acd->ntenants ? acd->tenants[tenant]->name : NULL;
}

uint32_t acd_agent_tenant(const struct acd *acd, uint32_t agent)
{
	struct agent *a = agent_get(acd, agent);

	return a ? a->tenant->id : ACD_NONE;
}

uint32_t acd_queue_tenant(const struct acd *acd, uint32_t queue)
{
	struct queue *q = queue_get(acd, queue);

	return q ? q->tenant->id : ACD_NONE;
}

const char *acd_queue_name(const struct acd *acd, uint32_t queue)
{
	struct queue *q = queue_get(acd, queue);

	return q ? q->name : NULL;
}

const char *acd_agent_name(const struct acd *acd, uint32_t agent)
{
	struct agent *a = agent_get(acd, agent);

	return a ? a->name : NULL;
}

const char *acd_skill_name(const struct acd *acd, uint32_t skill)
{
	return skill < acd->nskills ? acd->skills[skill]->name : NULL;
}

void acd_totals(const struct acd *acd, struct acd_totals *t)
{
	t->decisions = acd->decisions;
	t->contacts = acd->contacts.n;
	t->agents = acd->nagents;
	t->queues = acd->nqueues;
	t->pools = acd->npools;
}
