/*
 * config_apply.c - make the routing engine match a validated
 * configuration, through include/centralino/acd.h only: at start, and
 * again on every reload without dropping a contact.
 *
 * Objects are matched by name (and tenant). What is new is created, what
 * exists is updated in place (queue settings, an agent's skills, capacity
 * and queues), an agent no longer in the file leaves all its queues and
 * is logged out. Queues and tenants are never deleted at run time: their
 * contacts keep waiting until a restart.
 *
 * Queues are applied without their escalation steps first and then with
 * them, because a step may overflow into a queue declared further down.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

struct applier {
	const struct config *cfg;
	struct acd *acd;
	struct config_errors *errs;
	uint32_t *tenants, *skills, *queues; /* ids by config index */
	int err;                             /* the first refusal */
};

static void refused(struct applier *ap, struct config_loc loc, const char *what,
                    const char *name, int err)
{
	config_errors_add(ap->errs, ap->cfg->file, loc.line, loc.column, what,
	                  "the engine refused '%s': %s", name, strerror(err));
	if (!ap->err)
		ap->err = err;
}

/* The id of a resolved reference, ACD_NONE when unused or not created. */
static uint32_t id_of(const uint32_t *ids, const struct config_ref *ref)
{
	return ref->index == SIZE_MAX ? ACD_NONE : ids[ref->index];
}

static void queue_params(struct applier *ap, const struct config_queue *q,
                         struct acd_queue_params *p, bool steps)
{
	memset(p, 0, sizeof(*p));
	p->tenant = id_of(ap->tenants, &q->tenant);
	p->name = q->name;
	p->strategy = q->strategy;
	p->priority = q->priority;
	p->offer_timeout = q->offer_timeout;
	p->wrapup = q->wrapup;
	p->max_wait = q->max_wait;
	p->max_waiting = q->max_waiting;
	p->sl_threshold = q->service_level;
	p->short_abandon = q->short_abandon;
	p->no_answer_ready = q->no_answer_ready;
	p->reject_ready = q->reject_ready;
	for (int i = 0; i < ACD_FALLBACK_CAUSE_COUNT; i++) {
		p->fallback[i].action = q->fallback[i].action;
		memcpy(p->fallback[i].target, q->fallback[i].target,
		       sizeof(p->fallback[i].target));
	}
	for (unsigned i = 0; steps && i < q->nsteps; i++) {
		const struct config_step *st = &q->steps[i];
		p->steps[i] = (struct acd_step){
		    .after = st->after,
		    .priority_add = st->priority_add,
		    .min_proficiency = (uint8_t)st->min_proficiency,
		    .skill_from = id_of(ap->skills, &st->skill_from),
		    .skill_to = id_of(ap->skills, &st->skill_to),
		    .overflow_queue = id_of(ap->queues, &st->overflow),
		};
	}
	p->nsteps = steps ? q->nsteps : 0;
}

static void queues_apply(struct applier *ap)
{
	struct acd_queue_params p;
	int err;
	for (size_t i = 0; i < ap->cfg->nqueues; i++) {
		const struct config_queue *q = &ap->cfg->queues[i];
		queue_params(ap, q, &p, false);
		if (p.tenant == ACD_NONE)
			continue;
		ap->queues[i] = acd_queue_find(ap->acd, p.tenant, q->name);
		if (ap->queues[i] != ACD_NONE)
			err = acd_queue_update(ap->acd, ap->queues[i], &p);
		else
			err = acd_queue_add(ap->acd, &p, &ap->queues[i]);
		if (err) {
			ap->queues[i] = ACD_NONE;
			refused(ap, q->loc, "queues", q->name, err);
		}
	}
	for (size_t i = 0; i < ap->cfg->nqueues; i++) {
		const struct config_queue *q = &ap->cfg->queues[i];
		if (ap->queues[i] == ACD_NONE)
			continue;
		queue_params(ap, q, &p, true);
		err = acd_queue_update(ap->acd, ap->queues[i], &p);
		if (err)
			refused(ap, q->loc, "queues.escalation", q->name, err);
	}
}

/* Leave the queues the file no longer lists for this agent. */
static void members_prune(struct applier *ap, const struct config_agent *a,
                          uint32_t agent)
{
	uint32_t now[256];
	size_t n = acd_agent_queues(ap->acd, agent, now, 256);

	for (size_t i = 0; i < n && i < 256; i++) {
		bool listed = false;

		for (size_t j = 0; a && j < a->nqueues && !listed; j++)
			listed =
			    id_of(ap->queues, &a->queues[j].queue) == now[i];
		if (!listed)
			acd_member_remove(ap->acd, agent, now[i]);
	}
}

/* Drop the skills the file no longer gives the agent. */
static void skills_prune(struct applier *ap, const struct config_agent *a,
                         uint32_t agent)
{
	struct acd_agent_skill now[64];
	size_t n = acd_agent_skills(ap->acd, agent, now, 64);

	for (size_t i = 0; i < n && i < 64; i++) {
		bool listed = false;

		for (size_t j = 0; j < a->nskills && !listed; j++)
			listed = id_of(ap->skills, &a->skills[j].skill) ==
			         now[i].skill;
		if (!listed)
			acd_agent_skill_set(ap->acd, agent, now[i].skill, 0);
	}
}

/* An agent the engine has already: bring it in line with the file. */
static void agent_update(struct applier *ap, const struct config_agent *a,
                         uint32_t agent, const struct acd_agent_params *p)
{
	skills_prune(ap, a, agent);
	for (unsigned i = 0; i < p->nskills; i++)
		acd_agent_skill_set(ap->acd, agent, p->skills[i].skill,
		                    p->skills[i].proficiency);
	for (int ch = 0; ch < ACD_CH_COUNT; ch++) {
		if (ch != ACD_CH_CALLBACK)
			acd_agent_capacity_set(ap->acd, agent,
			                       (enum acd_channel)ch,
			                       p->capacity[ch]);
	}
	members_prune(ap, a, agent);
}

static void members_apply(struct applier *ap, const struct config_agent *a,
                          uint32_t agent)
{
	for (size_t i = 0; i < a->nqueues; i++) {
		const struct config_member *m = &a->queues[i];
		uint32_t queue = id_of(ap->queues, &m->queue);
		if (queue == ACD_NONE)
			continue;
		int err = acd_member_add(ap->acd, agent, queue, m->priority);
		if (err)
			refused(ap, m->queue.loc, "agents.queues",
			        m->queue.name, err);
	}
}

static void agent_apply(struct applier *ap, const struct config_agent *a)
{
	struct acd_agent_skill skills[64];
	struct acd_agent_params p = {.name = a->name,
	                             .call_shares = a->call_shares};
	bool all_zero = true;
	uint32_t agent = ACD_NONE;

	p.tenant = id_of(ap->tenants, &a->tenant);
	if (p.tenant == ACD_NONE)
		return;
	for (int ch = 0; ch < ACD_CH_COUNT; ch++) {
		p.capacity[ch] = (uint8_t)a->capacity[ch];
		all_zero &= !a->capacity[ch];
	}
	struct acd_agent_skill *sv = skills;
	if (a->nskills > 64 && !(sv = calloc(a->nskills, sizeof(*sv)))) {
		refused(ap, a->loc, "agents", a->name, ENOMEM);
		return;
	}
	for (size_t i = 0; i < a->nskills; i++) {
		sv[p.nskills].skill = id_of(ap->skills, &a->skills[i].skill);
		sv[p.nskills].proficiency = (uint8_t)a->skills[i].proficiency;
		p.nskills += sv[p.nskills].skill != ACD_NONE;
	}
	p.skills = sv;
	agent = acd_agent_find(ap->acd, p.tenant, a->name);
	if (agent != ACD_NONE) {
		agent_update(ap, a, agent, &p);
		if (sv != skills)
			free(sv);
		members_apply(ap, a, agent);
		return;
	}
	int err = acd_agent_add(ap->acd, &p, &agent);
	if (sv != skills)
		free(sv);
	if (err) {
		refused(ap, a->loc, "agents", a->name, err);
		return;
	}
	/* All zero means "default" to acd_agent_add: say zero explicitly. */
	for (int ch = 0; all_zero && ch < ACD_CH_COUNT; ch++)
		acd_agent_capacity_set(ap->acd, agent, (enum acd_channel)ch, 0);
	members_apply(ap, a, agent);
}

static void names_apply(struct applier *ap)
{
	int err;
	for (size_t i = 0; i < ap->cfg->ntenants; i++) {
		const struct config_tenant *t = &ap->cfg->tenants[i];
		ap->tenants[i] = acd_tenant_find(ap->acd, t->name);
		if (ap->tenants[i] != ACD_NONE)
			continue;
		err = acd_tenant_add(ap->acd, t->name, &ap->tenants[i]);
		if (err) {
			ap->tenants[i] = ACD_NONE;
			refused(ap, t->loc, "tenants", t->name, err);
		}
	}
	for (size_t i = 0; i < ap->cfg->nskills; i++) {
		const struct config_skill *s = &ap->cfg->skills[i];
		ap->skills[i] = acd_skill_find(ap->acd, s->name);
		if (ap->skills[i] != ACD_NONE)
			continue;
		err = acd_skill_add(ap->acd, s->name, &ap->skills[i]);
		if (err) {
			ap->skills[i] = ACD_NONE;
			refused(ap, s->loc, "skills", s->name, err);
		}
	}
}

static bool agent_listed(const struct config *cfg, const char *tenant,
                         const char *name)
{
	for (size_t i = 0; i < cfg->nagents; i++) {
		const struct config_agent *a = &cfg->agents[i];

		if (!strcmp(a->name, name) && a->tenant.index != SIZE_MAX &&
		    !strcmp(cfg->tenants[a->tenant.index].name, tenant))
			return true;
	}
	return false;
}

/* Agents the file no longer lists: out of every queue, logged out. */
static void agents_retire(struct applier *ap)
{
	struct acd_totals t;

	acd_totals(ap->acd, &t);
	for (uint32_t id = 0; id < t.agents; id++) {
		const char *tenant =
		    acd_tenant_name(ap->acd, acd_agent_tenant(ap->acd, id));

		if (!tenant ||
		    agent_listed(ap->cfg, tenant, acd_agent_name(ap->acd, id)))
			continue;
		members_prune(ap, NULL, id);
		acd_agent_presence(ap->acd, id, ACD_PRESENCE_OFFLINE, NULL);
	}
}

static uint32_t *ids_alloc(size_t n)
{
	uint32_t *ids = malloc((n ? n : 1) * sizeof(*ids));
	for (size_t i = 0; ids && i < n; i++)
		ids[i] = ACD_NONE;
	return ids;
}

int config_apply(const struct config *cfg, struct acd *acd,
                 struct config_errors *errs)
{
	struct applier ap = {.cfg = cfg, .acd = acd, .errs = errs};
	ap.tenants = ids_alloc(cfg->ntenants);
	ap.skills = ids_alloc(cfg->nskills);
	ap.queues = ids_alloc(cfg->nqueues);
	if (!ap.tenants || !ap.skills || !ap.queues) {
		ap.err = ENOMEM;
		goto out;
	}
	names_apply(&ap);
	queues_apply(&ap);
	for (size_t i = 0; i < cfg->nagents; i++)
		agent_apply(&ap, &cfg->agents[i]);
	agents_retire(&ap);
out:
	free(ap.tenants);
	free(ap.skills);
	free(ap.queues);
	return ap.err;
}
