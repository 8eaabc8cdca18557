/*
 * members.c - agents moved between queues at run time (members.h).
 *
 * The overrides are few (a supervisor's moves of the day) and read on
 * every list of agents, so they are kept in memory, hashed by agent, and
 * written through to the store, which holds them across restarts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "core/log.h"
#include "members/members.h"
#include "store/store.h"

struct members {
	struct acd *acd;
	struct store *store;
	struct hash *byagent; /* of struct entry, keyed by tenant and agent */
};

struct entry {
	struct le le;
	struct member_override o;
};

static uint32_t agent_key(const char *tenant, const char *agent)
{
	return hash_joaat_str(tenant) * 31u + hash_joaat_str(agent);
}

static struct entry *entry_find(const struct members *m, const char *tenant,
                                const char *agent, const char *queue)
{
	struct le *le =
	    list_head(hash_list(m->byagent, agent_key(tenant, agent)));

	for (; le; le = le->next) {
		struct entry *e = le->data;
		if (!strcmp(e->o.tenant, tenant) &&
		    !strcmp(e->o.agent, agent) && !strcmp(e->o.queue, queue))
			return e;
	}
	return NULL;
}

/* Keep o in memory, replacing the one of the same agent and queue. */
static int entry_put(struct members *m, const struct member_override *o)
{
	struct entry *e = entry_find(m, o->tenant, o->agent, o->queue);

	if (!e) {
		e = mem_zalloc(sizeof(*e), NULL);
		if (!e)
			return ENOMEM;
		hash_append(m->byagent, agent_key(o->tenant, o->agent), &e->le,
		            e);
	}
	e->o = *o;
	return 0;
}

static void copy(char *dst, const char *src)
{
	snprintf(dst, CONFIG_NAME_MAX, "%s", src ? src : "");
}

static int loaded(const struct store_member *sm, void *arg)
{
	struct member_override o = {.member = sm->member > 0,
	                            .priority = sm->priority,
	                            .wall_ms = sm->wall_ms};

	copy(o.tenant, sm->tenant);
	copy(o.agent, sm->agent);
	copy(o.queue, sm->queue);
	copy(o.user, sm->user);
	return entry_put(arg, &o);
}

static void members_destroy(void *arg)
{
	struct members *m = arg;

	hash_flush(m->byagent);
	mem_deref(m->byagent);
}

int members_alloc(struct members **mp, struct acd *acd, struct store *store)
{
	struct members *m;
	int err;

	if (!mp || !acd)
		return EINVAL;
	m = mem_zalloc(sizeof(*m), members_destroy);
	if (!m)
		return ENOMEM;
	m->acd = acd;
	m->store = store;
	err = hash_alloc(&m->byagent, 64);
	if (!err && store)
		err = store_member_overrides(store, loaded, m);
	if (err) {
		mem_deref(m);
		return err;
	}
	*mp = m;
	return 0;
}

void members_free(struct members *m)
{
	mem_deref(m);
}

/* The engine's ids of an override's agent and queue; false if gone. */
static bool engine_ids(const struct members *m, const char *tenant,
                       const char *agent, const char *queue, uint32_t *ap,
                       uint32_t *qp)
{
	uint32_t t = acd_tenant_find(m->acd, tenant);

	if (t == ACD_NONE)
		return false;
	*ap = acd_agent_find(m->acd, t, agent);
	*qp = acd_queue_find(m->acd, t, queue);
	return *ap != ACD_NONE && *qp != ACD_NONE;
}

static const struct config_agent *
file_agent(const struct config *cfg, const char *tenant, const char *agent)
{
	for (size_t i = 0; cfg && i < cfg->nagents; i++) {
		const struct config_agent *a = &cfg->agents[i];
		if (!strcmp(a->tenant.name, tenant) && !strcmp(a->name, agent))
			return a;
	}
	return NULL;
}

bool members_in_file(const struct config_agent *a, const char *queue,
                     int *priority)
{
	for (size_t i = 0; a && i < a->nqueues; i++) {
		if (!strcmp(a->queues[i].queue.name, queue)) {
			if (priority)
				*priority = a->queues[i].priority;
			return true;
		}
	}
	return false;
}

/* Make the engine say member (at priority) for agent in queue. */
static int engine_set(struct members *m, uint32_t agent, uint32_t queue,
                      bool member, int priority)
{
	int err;

	if (member)
		return acd_member_add(m->acd, agent, queue, priority);
	err = acd_member_remove(m->acd, agent, queue);
	return err == ENOENT ? 0 : err; /* already out */
}

/* hash_apply handler: one override back on the engine. */
static bool reapply(struct le *le, void *arg)
{
	struct members *m = arg;
	const struct member_override *o = &((struct entry *)le->data)->o;
	uint32_t agent, queue;
	int err;

	if (!engine_ids(m, o->tenant, o->agent, o->queue, &agent, &queue)) {
		log_event(LOG_WARN, "members.override-unused",
		          "tenant=%s agent=%s queue=%s why=\"the agent or the "
		          "queue is not in the configuration\"",
		          o->tenant, o->agent, o->queue);
		return false;
	}
	err = engine_set(m, agent, queue, o->member, o->priority);
	if (err)
		log_event(LOG_WARN, "members.override-refused",
		          "tenant=%s agent=%s queue=%s error=\"%s\"", o->tenant,
		          o->agent, o->queue, strerror(err));
	return false;
}

void members_apply(struct members *m)
{
	if (m)
		(void)hash_apply(m->byagent, reapply, m);
}

/* Clear the override: the store first, then what the file says. */
static int clear(struct members *m, const struct config *cfg, struct entry *e,
                 uint32_t agent, uint32_t queue, const char *user)
{
	struct store_member sm = {.tenant = e->o.tenant,
	                          .agent = e->o.agent,
	                          .queue = e->o.queue,
	                          .member = -1};
	int priority = 0, err = store_member_override(m->store, &sm, user);
	bool in;

	if (err)
		return err;
	in = members_in_file(file_agent(cfg, e->o.tenant, e->o.agent),
	                     e->o.queue, &priority);
	hash_unlink(&e->le);
	mem_deref(e);
	return engine_set(m, agent, queue, in, priority);
}

int members_set(struct members *m, const struct config *cfg, const char *tenant,
                const char *agent, const char *queue, bool clearing,
                bool member, int priority, const char *user)
{
	struct member_override o = {.member = member, .priority = priority};
	struct store_member sm = {.tenant = tenant,
	                          .agent = agent,
	                          .queue = queue,
	                          .member = member ? 1 : 0,
	                          .priority = priority};
	uint32_t a, q;
	struct entry *e;
	int err;

	if (!m || !tenant || !agent || !queue || !user)
		return EINVAL;
	if (!m->store)
		return ENODEV;
	if (!engine_ids(m, tenant, agent, queue, &a, &q))
		return ENOENT;
	if (priority < -1000000 || priority > 1000000)
		return EINVAL;
	e = entry_find(m, tenant, agent, queue);
	if (clearing)
		return e ? clear(m, cfg, e, a, q, user) : EALREADY;
	err = store_member_override(m->store, &sm, user);
	if (err)
		return err;
	copy(o.tenant, tenant);
	copy(o.agent, agent);
	copy(o.queue, queue);
	copy(o.user, user);
	o.wall_ms = (int64_t)time(NULL) * 1000;
	err = entry_put(m, &o);
	return err ? err : engine_set(m, a, q, member, priority);
}

const struct member_override *members_find(const struct members *m,
                                           const char *tenant,
                                           const char *agent, const char *queue)
{
	const struct entry *e = m ? entry_find(m, tenant, agent, queue) : NULL;

	return e ? &e->o : NULL;
}

int members_of(const struct members *m, const char *tenant, const char *agent,
               members_h *h, void *arg)
{
	struct le *le;
	int ret = 0;

	if (!m)
		return 0;
	le = list_head(hash_list(m->byagent, agent_key(tenant, agent)));
	for (; le && !ret; le = le->next) {
		const struct entry *e = le->data;
		if (!strcmp(e->o.tenant, tenant) && !strcmp(e->o.agent, agent))
			ret = h(&e->o, arg);
	}
	return ret;
}
