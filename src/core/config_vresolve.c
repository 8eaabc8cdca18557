/*
 * config_vresolve.c - the voice sections' names across the file: tenants
 * of trunks, numbers, calendars and flows; duplicates; numbers to flows;
 * agents' outside numbers against the allow-list. And the lookups the
 * SIP side makes at run time.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/config_int.h"

struct vresolver {
	struct cctx *c;
	struct config *cfg;
	const struct cnames *names;
	struct cindex trunks, numbers, calendars, flows, music;
};

/* Resolve a tenant reference; false (reported) when unknown. */
static bool tenant_ref(struct vresolver *r, struct config_ref *t,
                       const char *path)
{
	if (!t->name[0])
		return false;
	t->index = cindex_get(&r->names->tenants, 0, t->name);
	if (t->index != SIZE_MAX)
		return true;
	cerr_at(r->c, t->loc, path, "unknown tenant '%s'", t->name);
	return false;
}

/* Register name in ix under scope; report a duplicate at loc. */
static void unique(struct vresolver *r, struct cindex *ix, size_t scope,
                   const char *name, size_t i, struct config_loc loc,
                   const char *path, const char *what,
                   const struct config_loc *first_loc)
{
	size_t first = cindex_put(ix, scope, name, i);
	const char *where = strchr(what, ' ');
	if (first != SIZE_MAX)
		cerr_at(r->c, loc, path,
		        "duplicate %.*s '%s'%s (first at line %u)",
		        (int)(where ? where - what : (long)strlen(what)), what,
		        name, where ? where : "", first_loc[0].line);
}

static void trunks_resolve(struct vresolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->ntrunks; i++) {
		struct config_trunk *t = &r->cfg->trunks[i];
		cpathf(path, sizeof(path), "trunks[%zu].tenant", i);
		if (!tenant_ref(r, &t->tenant, path) || !t->name[0])
			continue;
		size_t first = cindex_get(&r->trunks, t->tenant.index, t->name);
		cpathf(path, sizeof(path), "trunks[%zu].name", i);
		unique(r, &r->trunks, t->tenant.index, t->name, i, t->name_loc,
		       path, "trunk in this tenant",
		       first != SIZE_MAX ? &r->cfg->trunks[first].name_loc
		                         : &t->name_loc);
	}
}

static void calendars_resolve(struct vresolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->ncalendars; i++) {
		struct config_calendar *cal = &r->cfg->calendars[i];
		cpathf(path, sizeof(path), "calendars[%zu].tenant", i);
		if (!tenant_ref(r, &cal->tenant, path) || !cal->name[0])
			continue;
		if (!cal->timezone[0])
			snprintf(cal->timezone, sizeof(cal->timezone), "%s",
			         r->cfg->tenants[cal->tenant.index].timezone);
		size_t first =
		    cindex_get(&r->calendars, cal->tenant.index, cal->name);
		cpathf(path, sizeof(path), "calendars[%zu].name", i);
		unique(r, &r->calendars, cal->tenant.index, cal->name, i,
		       cal->name_loc, path, "calendar in this tenant",
		       first != SIZE_MAX ? &r->cfg->calendars[first].name_loc
		                         : &cal->name_loc);
	}
}

static void flows_register(struct vresolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->nflows; i++) {
		struct config_flow *f = &r->cfg->flows[i];
		cpathf(path, sizeof(path), "flows[%zu].tenant", i);
		if (!tenant_ref(r, &f->tenant, path) || !f->name[0])
			continue;
		size_t first = cindex_get(&r->flows, f->tenant.index, f->name);
		cpathf(path, sizeof(path), "flows[%zu].name", i);
		unique(r, &r->flows, f->tenant.index, f->name, i, f->name_loc,
		       path, "flow in this tenant",
		       first != SIZE_MAX ? &r->cfg->flows[first].name_loc
		                         : &f->name_loc);
	}
}

static void numbers_resolve(struct vresolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->nnumbers; i++) {
		struct config_number *n = &r->cfg->numbers[i];
		size_t first = cindex_get(&r->numbers, 0, n->number);
		cpathf(path, sizeof(path), "numbers[%zu].number", i);
		unique(r, &r->numbers, 0, n->number, i, n->number_loc, path,
		       "number",
		       first != SIZE_MAX ? &r->cfg->numbers[first].number_loc
		                         : &n->number_loc);
		cpathf(path, sizeof(path), "numbers[%zu].tenant", i);
		if (!tenant_ref(r, &n->tenant, path) || !n->flow.name[0])
			continue;
		n->flow.index =
		    cindex_get(&r->flows, n->tenant.index, n->flow.name);
		cpathf(path, sizeof(path), "numbers[%zu].flow", i);
		if (n->flow.index == SIZE_MAX)
			cerr_at(r->c, n->flow.loc, path,
			        "unknown flow '%s' in tenant '%s'",
			        n->flow.name, n->tenant.name);
	}
}

static bool outbound_in(const struct config *cfg, size_t tenant)
{
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		if (cfg->trunks[i].outbound &&
		    cfg->trunks[i].tenant.index == tenant)
			return true;
	}
	return false;
}

/* An agent's mobile is dialled: the allow-list and a trunk must agree. */
static void agents_outside(struct vresolver *r)
{
	char path[128];
	for (size_t i = 0; i < r->cfg->nagents; i++) {
		const struct config_agent *a = &r->cfg->agents[i];
		if (!a->outside[0])
			continue;
		cpathf(path, sizeof(path), "agents[%zu].outside", i);
		if (!config_dial_allowed(r->cfg, a->outside))
			cerr_at(r->c, a->outside_loc, path,
			        "'%s' is not allowed by dialing.allow",
			        a->outside);
		else if (a->tenant.index != SIZE_MAX &&
		         !outbound_in(r->cfg, a->tenant.index))
			cerr_at(r->c, a->outside_loc, path,
			        "no trunk of tenant '%s' has outbound to dial "
			        "it",
			        a->tenant.name);
	}
}

static void music_register(struct vresolver *r)
{
	for (size_t i = 0; i < r->cfg->nprompts_music; i++)
		cindex_put(&r->music, 0, r->cfg->prompts_music[i].name, i);
}

void config_voice_resolve(struct cctx *c, struct config *cfg,
                          const struct cnames *names)
{
	struct vresolver r = {.c = c, .cfg = cfg, .names = names};
	if (!cindex_init(&r.trunks, cfg->ntrunks) ||
	    !cindex_init(&r.numbers, cfg->nnumbers) ||
	    !cindex_init(&r.calendars, cfg->ncalendars) ||
	    !cindex_init(&r.flows, cfg->nflows) ||
	    !cindex_init(&r.music, cfg->nprompts_music)) {
		c->nomem = true;
		goto out;
	}
	trunks_resolve(&r);
	calendars_resolve(&r);
	flows_register(&r);
	numbers_resolve(&r);
	agents_outside(&r);
	music_register(&r);
	config_flows_resolve(c, cfg, names, &r.calendars, &r.music);
out:
	cindex_free(&r.trunks);
	cindex_free(&r.numbers);
	cindex_free(&r.calendars);
	cindex_free(&r.flows);
	cindex_free(&r.music);
}

const struct config_number *config_number_find(const struct config *cfg,
                                               const char *number)
{
	if (!cfg || !number)
		return NULL;
	for (size_t i = 0; i < cfg->nnumbers; i++) {
		if (!strcmp(cfg->numbers[i].number, number))
			return &cfg->numbers[i];
	}
	return NULL;
}

const struct config_trunk *config_trunk_match(const struct config *cfg,
                                              const char *source_ip)
{
	unsigned char addr[16];
	int family = AF_INET;
	if (!cfg || !source_ip)
		return NULL;
	if (inet_pton(AF_INET, source_ip, addr) != 1) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, source_ip, addr) != 1)
			return NULL;
	}
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
	                                         0, 0, 0, 0, 0xff, 0xff};
	if (family == AF_INET6 && !memcmp(addr, mapped, 12)) {
		memmove(addr, addr + 12, 4); /* ::ffff:a.b.c.d is IPv4 */
		family = AF_INET;
	}
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		const struct config_trunk *t = &cfg->trunks[i];
		for (size_t j = 0; j < t->nfrom; j++) {
			if (config_cidr_contains(&t->from[j], family, addr))
				return t;
		}
	}
	return NULL;
}

const struct config_flow *config_flow_find(const struct config *cfg,
                                           size_t tenant, const char *name)
{
	if (!cfg || !name)
		return NULL;
	for (size_t i = 0; i < cfg->nflows; i++) {
		const struct config_flow *f = &cfg->flows[i];
		if (f->tenant.index == tenant && !strcmp(f->name, name))
			return f;
	}
	return NULL;
}

size_t config_node_find(const struct config_flow *flow, const char *name)
{
	if (!flow || !name)
		return SIZE_MAX;
	for (size_t i = 0; i < flow->nnodes; i++) {
		if (!strcmp(flow->nodes[i].name, name))
			return i;
	}
	return SIZE_MAX;
}
