/*
 * config_flow_resolve.c - a flow's names: nodes, calendars, queues of its
 * tenant, skills, music; numbers it forwards to against the allow-list;
 * and loops of nodes that jump to each other without ever waiting for
 * the caller (a `goto` cycle would spin the daemon's loop forever).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_int.h"

#define REPORTED 4 /* a node's colour bit: its loop has been reported */

static const char *const action_names[CONFIG_ACT_COUNT] = {
    "hours.closed", "play",    "menu", "set",   "queue",
    "voicemail",    "forward", "goto", "hangup"};

struct flow_resolver {
	struct cctx *c;
	struct config *cfg;
	const struct cnames *names;
	const struct cindex *calendars, *music;
	struct cindex nodes; /* scope: the flow's index */
	size_t fi;
	struct config_flow *f;
	char path[128];
};

static bool resolve(struct flow_resolver *r, const struct cindex *ix,
                    size_t scope, struct config_ref *ref, const char *path,
                    const char *what)
{
	const char *where = strchr(what, ' ');
	if (!ref->name[0])
		return false;
	ref->index = cindex_get(ix, scope, ref->name);
	if (ref->index != SIZE_MAX)
		return true;
	cerr_at(r->c, ref->loc, path, "unknown %.*s '%s'%s",
	        (int)(where ? where - what : (long)strlen(what)), what,
	        ref->name, where ? where : "");
	return false;
}

static void node_ref(struct flow_resolver *r, struct config_ref *ref,
                     const char *path)
{
	resolve(r, &r->nodes, r->fi, ref, path, "node in this flow");
}

static void queue_ref(struct flow_resolver *r, struct config_ref *ref,
                      const char *path)
{
	resolve(r, &r->names->queues, r->f->tenant.index, ref, path,
	        "queue in this tenant");
}

static void menu_resolve(struct flow_resolver *r, struct config_action *a,
                         const char *apath)
{
	char path[160];
	for (unsigned i = 0; i < a->noptions; i++)
		node_ref(r, &a->options[i].node,
		         cpathf(path, sizeof(path), "%s.options.%c", apath,
		                a->options[i].key));
	node_ref(r, &a->node, cpath_key(path, sizeof(path), apath, "default"));
}

static void music_resolve(struct flow_resolver *r, struct config_action *a,
                          const char *apath)
{
	char path[160];
	if (a->music.name[0]) {
		resolve(r, r->music, 0, &a->music,
		        cpath_key(path, sizeof(path), apath, "music"),
		        "music (see prompts.music)");
		return;
	}
	a->music.index = cindex_get(r->music, 0, "default");
	if (a->music.index != SIZE_MAX)
		snprintf(a->music.name, sizeof(a->music.name), "default");
}

static void action_resolve(struct flow_resolver *r, struct config_action *a,
                           const char *apath)
{
	char path[160];
	switch (a->type) {
	case CONFIG_ACT_HOURS:
		resolve(r, r->calendars, r->f->tenant.index, &a->calendar,
		        cpathf(path, sizeof(path), "%s.hours.calendar", apath),
		        "calendar in this tenant");
		node_ref(r, &a->node,
		         cpathf(path, sizeof(path), "%s.hours.closed", apath));
		break;
	case CONFIG_ACT_MENU:
		menu_resolve(r, a,
		             cpath_key(path, sizeof(path), apath, "menu"));
		break;
	case CONFIG_ACT_SET:
		for (unsigned i = 0; i < a->nskills; i++)
			resolve(r, &r->names->skills, 0, &a->skills[i].skill,
			        cpathf(path, sizeof(path), "%s.set.skills.%s",
			               apath, a->skills[i].skill.name),
			        "skill");
		break;
	case CONFIG_ACT_QUEUE:
		queue_ref(r, &a->queue,
		          cpath_key(path, sizeof(path), apath, "queue"));
		music_resolve(r, a, path);
		break;
	case CONFIG_ACT_VOICEMAIL:
		queue_ref(r, &a->queue,
		          cpath_key(path, sizeof(path), apath, "voicemail"));
		break;
	case CONFIG_ACT_FORWARD:
		if (!config_dial_allowed(r->cfg, a->number))
			cerr_at(r->c, a->node.loc,
			        cpath_key(path, sizeof(path), apath, "forward"),
			        "'%s' is not allowed by dialing.allow",
			        a->number);
		break;
	case CONFIG_ACT_GOTO:
		node_ref(r, &a->node,
		         cpath_key(path, sizeof(path), apath, "goto"));
		break;
	default:
		break;
	}
}

/* The jumps of node n made before the caller waits: hours (when closed)
 * and goto. Returns the index of the next one from action *pos on, or
 * SIZE_MAX when none is left. */
static size_t next_jump(const struct config_node *n, size_t *pos)
{
	while (*pos < n->nactions) {
		size_t i = (*pos)++;
		const struct config_action *a = &n->actions[i];
		if (a->type == CONFIG_ACT_HOURS && a->node.index != SIZE_MAX)
			return i;
		if (a->type == CONFIG_ACT_SET || a->type == CONFIG_ACT_HOURS)
			continue;
		*pos = n->nactions; /* after a goto, a wait or the end: done */
		if (a->type == CONFIG_ACT_GOTO && a->node.index != SIZE_MAX)
			return i;
	}
	return SIZE_MAX;
}

static void loop_report(struct flow_resolver *r, size_t from, size_t ai,
                        size_t to)
{
	const struct config_node *n = &r->f->nodes[from];
	const struct config_action *a = &n->actions[ai];
	char path[160];
	cerr_at(r->c, a->node.loc,
	        cpathf(path, sizeof(path), "%s.nodes.%s[%zu].%s", r->path,
	               n->name, ai, action_names[a->type]),
	        "node '%s' loops to itself without waiting",
	        r->f->nodes[to].name);
}

/* Depth-first over the jumps, iteratively (a flow may have many nodes):
 * a jump back to a node on the stack (colour 1; 2 when done) is a loop
 * that never waits. */
static void loops_check(struct flow_resolver *r, unsigned char *colour,
                        size_t *stack, size_t *pos)
{
	struct config_flow *f = r->f;
	for (size_t root = 0; root < f->nnodes; root++) {
		size_t depth = 0;
		if (colour[root])
			continue;
		stack[depth] = root;
		pos[depth++] = 0;
		colour[root] = 1;
		while (depth) {
			size_t n = stack[depth - 1];
			size_t ai = next_jump(&f->nodes[n], &pos[depth - 1]);
			if (ai == SIZE_MAX) {
				colour[n] = (colour[n] & REPORTED) | 2;
				depth--;
				continue;
			}
			size_t to = f->nodes[n].actions[ai].node.index;
			if ((colour[to] & 3) == 1 && !(colour[to] & REPORTED)) {
				loop_report(r, n, ai, to); /* once per node */
				colour[to] |= REPORTED;
			}
			if (colour[to])
				continue;
			colour[to] = 1;
			stack[depth] = to;
			pos[depth++] = 0;
		}
	}
}

static void loops(struct flow_resolver *r)
{
	size_t n = r->f->nnodes;
	unsigned char *colour = calloc(n, 1);
	size_t *stack = calloc(n, sizeof(*stack));
	size_t *pos = calloc(n, sizeof(*pos));
	if (!colour || !stack || !pos)
		r->c->nomem = true;
	else
		loops_check(r, colour, stack, pos);
	free(colour);
	free(stack);
	free(pos);
}

static void flow_resolve(struct flow_resolver *r)
{
	struct config_flow *f = r->f;
	char path[160], apath[160];
	for (size_t i = 0; i < f->nnodes; i++)
		cindex_put(&r->nodes, r->fi, f->nodes[i].name, i);
	if (f->start.name[0])
		node_ref(r, &f->start,
		         cpath_key(path, sizeof(path), r->path, "start"));
	else if (f->nnodes)
		f->start.index = 0;
	if (f->emergency_queue.name[0])
		queue_ref(
		    r, &f->emergency_queue,
		    cpath_key(path, sizeof(path), r->path, "emergency.queue"));
	for (size_t i = 0; i < f->nnodes; i++) {
		struct config_node *n = &f->nodes[i];
		for (size_t j = 0; j < n->nactions; j++) {
			cpathf(apath, sizeof(apath), "%s.nodes.%s[%zu]",
			       r->path, n->name, j);
			action_resolve(r, &n->actions[j], apath);
		}
	}
	loops(r);
}

void config_flows_resolve(struct cctx *c, struct config *cfg,
                          const struct cnames *names,
                          const struct cindex *calendars,
                          const struct cindex *music)
{
	struct flow_resolver r = {.c = c,
	                          .cfg = cfg,
	                          .names = names,
	                          .calendars = calendars,
	                          .music = music};
	size_t total = 0;
	for (size_t i = 0; i < cfg->nflows; i++)
		total += cfg->flows[i].nnodes;
	if (!cindex_init(&r.nodes, total)) {
		c->nomem = true;
		return;
	}
	for (r.fi = 0; r.fi < cfg->nflows; r.fi++) {
		r.f = &cfg->flows[r.fi];
		cpath_index(r.path, sizeof(r.path), "flows", r.fi);
		if (r.f->tenant.index != SIZE_MAX)
			flow_resolve(&r);
	}
	cindex_free(&r.nodes);
}
