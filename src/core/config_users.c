/*
 * config_users.c - the users section: who signs in to the REST API, with
 * which role, for which tenants, and (role agent) as which agent.
 *
 *   users:
 *     - name: maria
 *       password_hash: "$argon2id$v=19$m=65536,t=2,p=1$..."
 *       role: agent
 *       tenants: [demo]
 *       agent: agent1
 *
 * Only an argon2id hash is kept, never a clear password: the file may be
 * read by more people than the ones who sign in. Names are resolved after
 * the routing sections (config_users_resolve()).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_users.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const role_names[] = {
    [CONFIG_ROLE_AGENT] = "agent",
    [CONFIG_ROLE_SUPERVISOR] = "supervisor",
    [CONFIG_ROLE_ADMINISTRATOR] = "administrator",
};

const char *config_role_name(enum config_role role)
{
	return (unsigned)role < COUNT(role_names) ? role_names[role] : "";
}

const struct config_user *config_user_find(const struct config *cfg,
                                           const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->nusers; i++) {
		if (!strcmp(cfg->users[i].name, name))
			return &cfg->users[i];
	}
	return NULL;
}

static bool u_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_user *u = obj;
	u->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, u->name, sizeof(u->name));
}

/* The hash is checked for its form only; it is never echoed. */
static bool u_hash(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	static const char prefix[] = "$argon2id$";
	struct config_user *u = obj;
	if (v->type != CNODE_SCALAR || cnode_is_null(v) ||
	    v->len >= sizeof(u->password_hash) || strlen(v->str) != v->len ||
	    strncmp(v->str, prefix, sizeof(prefix) - 1) != 0) {
		if (v->type != CNODE_BAD)
			cerr(c, v, path,
			     "expected an argon2id hash (\"$argon2id$...\", "
			     "under %zu characters); see docs/api.md",
			     sizeof(u->password_hash));
		return false;
	}
	memcpy(u->password_hash, v->str, v->len + 1);
	return true;
}

static bool u_role(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_user *u = obj;
	if (cexpect(c, v, path, CNODE_SCALAR)) {
		for (size_t i = 0; i < COUNT(role_names); i++) {
			if (!strcmp(v->str, role_names[i])) {
				u->role = (enum config_role)i;
				return true;
			}
		}
		cerr(c, v, path, "expected administrator, supervisor or agent");
	}
	return false;
}

static bool u_tenants(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	struct config_user *u = obj;
	char ipath[160];
	if (!cexpect(c, v, path, CNODE_SEQ))
		return false;
	if (v->n == 0 || v->n > COUNT(u->tenants)) {
		cerr(c, v, path, "expected 1 to %zu tenants",
		     COUNT(u->tenants));
		return false;
	}
	for (size_t i = 0; i < v->n; i++) {
		struct config_ref *r = &u->tenants[u->ntenants];
		cpath_index(ipath, sizeof(ipath), path, i);
		r->loc = cnode_loc(v->kids[i]);
		r->index = SIZE_MAX;
		if (cparse_name(c, v->kids[i], ipath, r->name, sizeof(r->name)))
			u->ntenants++;
	}
	return true;
}

static bool u_agent(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	struct config_user *u = obj;
	u->agent.loc = cnode_loc(v);
	return cparse_name(c, v, path, u->agent.name, sizeof(u->agent.name));
}

static bool user_parse(struct cctx *c, const struct cnode *v, const char *path,
                       void *item)
{
	static const struct cfield fields[] = {
	    {"name", u_name, true},    {"password_hash", u_hash, true},
	    {"role", u_role, true},    {"tenants", u_tenants, true},
	    {"agent", u_agent, false},
	};
	struct config_user *u = item;
	size_t before = cerrors(c);
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	u->loc = cnode_loc(v);
	u->agent.index = SIZE_MAX;
	cfields_parse(c, v, path, fields, COUNT(fields), u);
	return cerrors(c) == before;
}

bool config_users_section(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->users),
	                   (void **)&cfg->users, &cfg->nusers, user_parse);
}

size_t config_tenant_index(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ntenants; i++) {
		if (!strcmp(cfg->tenants[i].name, name))
			return i;
	}
	return SIZE_MAX;
}

static size_t agent_index(const struct config *cfg, size_t tenant,
                          const char *name)
{
	for (size_t i = 0; i < cfg->nagents; i++) {
		if (cfg->agents[i].tenant.index == tenant &&
		    !strcmp(cfg->agents[i].name, name))
			return i;
	}
	return SIZE_MAX;
}

/* Role rules: an agent user names one tenant and its agent; others none. */
static void user_agent_resolve(struct cctx *c, const struct config *cfg,
                               struct config_user *u, const char *path)
{
	char fpath[160];
	cpath_key(fpath, sizeof(fpath), path, "agent");
	if (u->role != CONFIG_ROLE_AGENT) {
		if (u->agent.name[0])
			cerr_at(c, u->agent.loc, fpath,
			        "only a user of role agent names an agent");
		return;
	}
	if (!u->agent.name[0] || u->ntenants != 1) {
		cerr_at(c, u->loc, fpath,
		        "a user of role agent names one tenant and its agent");
		return;
	}
	if (u->tenants[0].index == SIZE_MAX)
		return;
	u->agent.index = agent_index(cfg, u->tenants[0].index, u->agent.name);
	if (u->agent.index == SIZE_MAX)
		cerr_at(c, u->agent.loc, fpath, "no agent '%s' in tenant '%s'",
		        u->agent.name, u->tenants[0].name);
}

static void user_resolve(struct cctx *c, const struct config *cfg,
                         struct config_user *u, const char *path)
{
	char fpath[160];
	for (unsigned j = 0; j < u->ntenants; j++) {
		struct config_ref *r = &u->tenants[j];
		cpathf(fpath, sizeof(fpath), "%s.tenants[%u]", path, j);
		r->index = config_tenant_index(cfg, r->name);
		if (r->index == SIZE_MAX)
			cerr_at(c, r->loc, fpath, "unknown tenant '%s'",
			        r->name);
		for (unsigned k = 0; k < j; k++) {
			if (!strcmp(u->tenants[k].name, r->name))
				cerr_at(c, r->loc, fpath,
				        "tenant '%s' listed twice", r->name);
		}
	}
	user_agent_resolve(c, cfg, u, path);
}

void config_users_resolve(struct cctx *c, struct config *cfg)
{
	char path[64];
	for (size_t i = 0; i < cfg->nusers; i++) {
		struct config_user *u = &cfg->users[i];
		cpath_index(path, sizeof(path), "users", i);
		user_resolve(c, cfg, u, path);
		for (size_t k = 0; k < i; k++) {
			if (!strcmp(cfg->users[k].name, u->name))
				cerr_at(c, u->name_loc, path,
				        "user '%s' defined twice (line %u)",
				        u->name, cfg->users[k].name_loc.line);
		}
	}
	config_webhooks_resolve(c, cfg);
	config_rotas_resolve(c, cfg);
}
