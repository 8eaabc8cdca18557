/*
 * config_apply.c - a validated configuration into the routing engine,
 * through include/centralino/acd.h only.
 *
 * Queues are created without their escalation steps first and then
 * updated with them, because a step may overflow into a queue declared
 * further down the file.
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
		err = acd_queue_add(ap->acd, &p, &ap->queues[i]);
		if (err) {
			ap->queues[i] = ACD_NONE;
			refused(ap, q->loc, "queues", q->name, err);
		}
	}
	for (size_t i = 0; i < ap->cfg->nqueues; i++) {
		const struct config_queue *q = &ap->cfg->queues[i];
		if (!q->nsteps || ap->queues[i] == ACD_NONE)
			continue;
		queue_params(ap, q, &p, true);
		err = acd_queue_update(ap->acd, ap->queues[i], &p);
		if (err)
			refused(ap, q->loc, "queues.escalation", q->name, err);
	}
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
		err = acd_tenant_add(ap->acd, t->name, &ap->tenants[i]);
		if (err) {
			ap->tenants[i] = ACD_NONE;
			refused(ap, t->loc, "tenants", t->name, err);
		}
	}
	for (size_t i = 0; i < ap->cfg->nskills; i++) {
		const struct config_skill *s = &ap->cfg->skills[i];
		err = acd_skill_add(ap->acd, s->name, &ap->skills[i]);
		if (err) {
			ap->skills[i] = ACD_NONE;
			refused(ap, s->loc, "skills", s->name, err);
		}
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
out:
	free(ap.tenants);
	free(ap.skills);
	free(ap.queues);
	return ap.err;
}
