/*
 * config_resolve.c - names across sections: duplicates, unknown tenants,
 * skills and queues, memberships that cross tenants.
 *
 * Lookups go through a small open-addressing hash of (tenant, name) so a
 * configuration of 100,000 agents resolves in linear time; a linear scan
 * per reference was the simpler alternative and is quadratic.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

static uint64_t hash(size_t scope, const char *s)
{
	uint64_t h = 1469598103934665603ULL ^ scope;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

bool cindex_init(struct cindex *ix, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	ix->v = calloc(cap, sizeof(*ix->v));
	ix->mask = cap - 1;
	return ix->v != NULL;
}

void cindex_free(struct cindex *ix)
{
	free(ix->v);
	ix->v = NULL;
}

static struct cindex_slot *slot_of(const struct cindex *ix, size_t scope,
                                   const char *name)
{
	size_t i = hash(scope, name) & ix->mask;
	for (;; i = (i + 1) & ix->mask) {
		struct cindex_slot *s = &ix->v[i];
		if (!s->name || (s->scope == scope && !strcmp(s->name, name)))
			return s;
	}
}

size_t cindex_get(const struct cindex *ix, size_t scope, const char *name)
{
	const struct cindex_slot *s = slot_of(ix, scope, name);
	return s->name ? s->index : SIZE_MAX;
}

size_t cindex_put(struct cindex *ix, size_t scope, const char *name,
                  size_t index)
{
	struct cindex_slot *s = slot_of(ix, scope, name);
	if (s->name)
		return s->index;
	*s = (struct cindex_slot){name, scope, index};
	return SIZE_MAX;
}

struct resolver {
	struct cctx *c;
	struct config *cfg;
	struct cindex tenants, skills, queues, agents, extensions;
};

static void tenants_resolve(struct resolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->ntenants; i++) {
		struct config_tenant *t = &r->cfg->tenants[i];
		if (!t->name[0])
			continue;
		size_t first = cindex_put(&r->tenants, 0, t->name, i);
		snprintf(path, sizeof(path), "tenants[%zu].name", i);
		if (first != SIZE_MAX)
			cerr_at(r->c, t->name_loc, path,
			        "duplicate tenant '%s' (first at line %u)",
			        t->name, r->cfg->tenants[first].name_loc.line);
	}
}

static void skills_resolve(struct resolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->nskills; i++) {
		struct config_skill *s = &r->cfg->skills[i];
		if (!s->name[0])
			continue;
		size_t first = cindex_put(&r->skills, 0, s->name, i);
		if (first != SIZE_MAX)
			cerr_at(r->c, s->loc,
			        cpath_index(path, sizeof(path), "skills", i),
			        "duplicate skill '%s' (first at line %u)",
			        s->name, r->cfg->skills[first].loc.line);
	}
}

/* Resolve ref against ix within tenant; report what, when unknown. */
static bool ref_resolve(struct resolver *r, const struct cindex *ix,
                        size_t tenant, struct config_ref *ref, const char *path,
                        const char *what)
{
	if (!ref->name[0])
		return false;
	ref->index = cindex_get(ix, tenant, ref->name);
	if (ref->index != SIZE_MAX)
		return true;
	cerr_at(r->c, ref->loc, path, "unknown %s '%s'", what, ref->name);
	return false;
}

static void queue_register(struct resolver *r, size_t i)
{
	struct config_queue *q = &r->cfg->queues[i];
	char qpath[128], path[128];
	cpath_index(qpath, sizeof(qpath), "queues", i);
	cpath_key(path, sizeof(path), qpath, "tenant");
	if (!ref_resolve(r, &r->tenants, 0, &q->tenant, path, "tenant") ||
	    !q->name[0])
		return;
	size_t first = cindex_put(&r->queues, q->tenant.index, q->name, i);
	if (first != SIZE_MAX)
		cerr_at(
		    r->c, q->name_loc,
		    cpath_key(path, sizeof(path), qpath, "name"),
		    "duplicate queue '%s' in tenant '%s' (first at line %u)",
		    q->name, q->tenant.name,
		    r->cfg->queues[first].name_loc.line);
}

static void step_resolve(struct resolver *r, size_t qi, unsigned si)
{
	struct config_queue *q = &r->cfg->queues[qi];
	struct config_step *st = &q->steps[si];
	char spath[128], path[128];
	snprintf(spath, sizeof(spath), "queues[%zu].escalation[%u]", qi, si);
	ref_resolve(r, &r->skills, 0, &st->skill_from,
	            cpath_key(path, sizeof(path), spath, "replace_skill.from"),
	            "skill");
	ref_resolve(r, &r->skills, 0, &st->skill_to,
	            cpath_key(path, sizeof(path), spath, "replace_skill.to"),
	            "skill");
	if (q->tenant.index == SIZE_MAX)
		return;
	cpath_key(path, sizeof(path), spath, "overflow");
	if (ref_resolve(r, &r->queues, q->tenant.index, &st->overflow, path,
	                "queue in this tenant") &&
	    st->overflow.index == qi)
		cerr_at(r->c, st->overflow.loc, path,
		        "a queue cannot overflow to itself");
}

/* Not in the agent's tenant: say where the queue is, if anywhere. */
static void member_unknown(struct resolver *r, const struct config_agent *a,
                           const struct config_ref *q, const char *path)
{
	for (size_t i = 0; i < r->cfg->nqueues; i++) {
		const struct config_queue *other = &r->cfg->queues[i];
		if (strcmp(other->name, q->name))
			continue;
		cerr_at(r->c, q->loc, path,
		        "queue '%s' belongs to tenant '%s', the agent to "
		        "tenant '%s'",
		        q->name, other->tenant.name, a->tenant.name);
		return;
	}
	cerr_at(r->c, q->loc, path, "unknown queue '%s' in tenant '%s'",
	        q->name, a->tenant.name);
}

static void agent_register(struct resolver *r, size_t ai, const char *apath)
{
	struct config_agent *a = &r->cfg->agents[ai];
	char path[128];
	if (!a->name[0])
		return;
	size_t first = cindex_put(&r->agents, a->tenant.index, a->name, ai);
	if (first != SIZE_MAX)
		cerr_at(
		    r->c, a->name_loc,
		    cpath_key(path, sizeof(path), apath, "name"),
		    "duplicate agent '%s' in tenant '%s' (first at line %u)",
		    a->name, a->tenant.name,
		    r->cfg->agents[first].name_loc.line);
	if (!a->extension[0])
		return;
	first = cindex_put(&r->extensions, a->tenant.index, a->extension, ai);
	if (first != SIZE_MAX)
		cerr_at(r->c, a->extension_loc,
		        cpath_key(path, sizeof(path), apath, "extension"),
		        "extension %s of agent '%s' is already agent '%s''s "
		        "(line %u)",
		        a->extension, a->name, r->cfg->agents[first].name,
		        r->cfg->agents[first].extension_loc.line);
}

static void agent_resolve(struct resolver *r, size_t ai)
{
	struct config_agent *a = &r->cfg->agents[ai];
	char apath[128], path[128];
	cpath_index(apath, sizeof(apath), "agents", ai);
	for (size_t i = 0; i < a->nskills; i++) {
		struct config_ref *s = &a->skills[i].skill;
		cpathf(path, sizeof(path), "%s.skills.%s", apath, s->name);
		ref_resolve(r, &r->skills, 0, s, path, "skill");
	}
	cpath_key(path, sizeof(path), apath, "tenant");
	if (!ref_resolve(r, &r->tenants, 0, &a->tenant, path, "tenant"))
		return;
	agent_register(r, ai, apath);
	for (size_t i = 0; i < a->nqueues; i++) {
		struct config_ref *q = &a->queues[i].queue;
		cpathf(path, sizeof(path), "%s.queues.%s", apath, q->name);
		q->index = cindex_get(&r->queues, a->tenant.index, q->name);
		if (q->index == SIZE_MAX)
			member_unknown(r, a, q, path);
	}
}

int config_resolve(struct cctx *c, struct config *cfg)
{
	struct resolver r = {.c = c, .cfg = cfg};
	int err = 0;
	if (!cindex_init(&r.tenants, cfg->ntenants) ||
	    !cindex_init(&r.skills, cfg->nskills) ||
	    !cindex_init(&r.queues, cfg->nqueues) ||
	    !cindex_init(&r.agents, cfg->nagents) ||
	    !cindex_init(&r.extensions, cfg->nagents)) {
		c->nomem = true;
		err = ENOMEM;
		goto out;
	}
	tenants_resolve(&r);
	skills_resolve(&r);
	for (size_t i = 0; i < cfg->nqueues; i++)
		queue_register(&r, i);
	for (size_t i = 0; i < cfg->nqueues; i++) {
		for (unsigned s = 0; s < cfg->queues[i].nsteps; s++)
			step_resolve(&r, i, s);
	}
	for (size_t i = 0; i < cfg->nagents; i++)
		agent_resolve(&r, i);
	struct cnames names = {r.tenants, r.skills, r.queues};
	config_voice_resolve(c, cfg, &names);
out:
	cindex_free(&r.tenants);
	cindex_free(&r.skills);
	cindex_free(&r.queues);
	cindex_free(&r.agents);
	cindex_free(&r.extensions);
	return err;
}
