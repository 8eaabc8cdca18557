/*
 * config_flow.c - the schema of a call flow: its tenant, language,
 * emergency override, first node, and nodes (a mapping of names to lists
 * of actions, config_action.c). References are resolved in
 * config_flow_resolve.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool ref(struct cctx *c, const struct cnode *v, const char *path,
                struct config_ref *r)
{
	r->loc = cnode_loc(v);
	r->index = SIZE_MAX;
	return cparse_name(c, v, path, r->name, sizeof(r->name));
}

static bool f_name(struct cctx *c, const struct cnode *v, const char *path,
                   void *obj)
{
	struct config_flow *f = obj;
	f->name_loc = cnode_loc(v);
	return cparse_name(c, v, path, f->name, sizeof(f->name));
}

static bool f_tenant(struct cctx *c, const struct cnode *v, const char *path,
                     void *obj)
{
	return ref(c, v, path, &((struct config_flow *)obj)->tenant);
}

static bool f_language(struct cctx *c, const struct cnode *v, const char *path,
                       void *obj)
{
	return cparse_language(c, v, path,
	                       &((struct config_flow *)obj)->language);
}

static bool f_start(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return ref(c, v, path, &((struct config_flow *)obj)->start);
}

static bool e_message(struct cctx *c, const struct cnode *v, const char *path,
                      void *obj)
{
	return cparse_prompt(c, v, path,
	                     &((struct config_flow *)obj)->emergency_message);
}

static bool e_queue(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	return ref(c, v, path, &((struct config_flow *)obj)->emergency_queue);
}

static bool f_emergency(struct cctx *c, const struct cnode *v, const char *path,
                        void *obj)
{
	static const struct cfield fields[] = {
	    {"message", e_message, true},
	    {"queue", e_queue, false},
	};
	struct config_flow *f = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	f->emergency = true;
	cfields_parse(c, v, path, fields, COUNT(fields), f);
	return true;
}

/* One node: its name (a key) and its list of actions. */
static void node_parse(struct cctx *c, struct config_flow *f,
                       const struct cnode *map, size_t i, const char *path)
{
	struct config_node *n = &f->nodes[f->nnodes];
	const struct cnode *list = map->kids[i + 1];
	char npath[128];
	if (!cmap_key(c, map, i, path, npath, sizeof(npath)) ||
	    !cparse_name(c, map->kids[i], npath, n->name, sizeof(n->name)))
		return;
	n->loc = cnode_loc(map->kids[i]);
	f->nnodes++; /* kept even when its actions are wrong: one error */
	if (!cexpect(c, list, npath, CNODE_SEQ))
		return;
	if (!list->n) {
		cerr(c, list, npath, "a node needs at least one action");
		return;
	}
	clist_parse(c, list, npath, sizeof(*n->actions), (void **)&n->actions,
	            &n->nactions, config_action_parse);
}

static bool f_nodes(struct cctx *c, const struct cnode *v, const char *path,
                    void *obj)
{
	struct config_flow *f = obj;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	if (!v->n) {
		cerr(c, v, path, "a flow needs at least one node");
		return false;
	}
	f->nodes = calloc(v->n / 2, sizeof(*f->nodes));
	if (!f->nodes) {
		c->nomem = true;
		return false;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2)
		node_parse(c, f, v, i, path);
	return true;
}

static bool flow_parse(struct cctx *c, const struct cnode *v, const char *path,
                       void *item)
{
	static const struct cfield fields[] = {
	    {"name", f_name, true},          {"tenant", f_tenant, true},
	    {"language", f_language, false}, {"emergency", f_emergency, false},
	    {"start", f_start, false},       {"nodes", f_nodes, true},
	};
	struct config_flow *f = item;
	if (!cexpect(c, v, path, CNODE_MAP))
		return false;
	f->loc = cnode_loc(v);
	f->language = CONFIG_LANG_EN;
	f->tenant.index = SIZE_MAX;
	f->start.index = SIZE_MAX;
	f->emergency_queue.index = SIZE_MAX;
	cfields_parse(c, v, path, fields, COUNT(fields), f);
	return true; /* kept even when wrong: its nodes are freed with it */
}

bool config_flows_section(struct cctx *c, const struct cnode *v,
                          const char *path, void *obj)
{
	struct config *cfg = obj;
	return clist_parse(c, v, path, sizeof(*cfg->flows),
	                   (void **)&cfg->flows, &cfg->nflows, flow_parse);
}
