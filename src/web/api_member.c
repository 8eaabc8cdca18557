/*
 * api_member.c - an agent's skills and queues, and a supervisor moving
 * an agent into or out of a queue at run time (src/members): PUT and
 * DELETE /api/v1/agents/{tenant}/{name}/queues/{queue}.
 *
 * The file owns an agent's skills and its queues; a move is the store's
 * and outlives reloads until it is cleared (docs/api.md).
 */
#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "members/members.h"
#include "web/web_int.h"

static json_t *skills_json(const struct config_agent *a)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < a->nskills; i++)
		json_array_append_new(
		    list,
		    json_pack("{s:s,s:i}", "name", a->skills[i].skill.name,
		              "proficiency", (int)a->skills[i].proficiency));
	return list;
}

static json_t *queue_entry(const char *queue, bool member, int priority,
                           const struct member_override *o)
{
	json_t *e =
	    json_pack("{s:s,s:b,s:i,s:s}", "name", queue, "member", member,
	              "priority", priority, "source", o ? "override" : "file");

	if (e && o) {
		json_object_set_new(e, "changed_by", json_string(o->user));
		json_object_set_new(e, "changed_ms", json_integer(o->wall_ms));
	}
	return e;
}

struct extra {
	const struct config_agent *a;
	json_t *list;
};

/* An override of a queue the file does not give the agent. */
static int extra_entry(const struct member_override *o, void *arg)
{
	struct extra *x = arg;

	if (!members_in_file(x->a, o->queue, NULL))
		json_array_append_new(
		    x->list, queue_entry(o->queue, o->member, o->priority, o));
	return 0;
}

/* The file's queues of agent a, each as a move has left it, then the
 * queues a move gave it. */
static json_t *queues_json(const struct web *w, const struct config_agent *a)
{
	struct extra x = {.a = a, .list = json_array()};

	for (size_t i = 0; x.list && i < a->nqueues; i++) {
		const char *q = a->queues[i].queue.name;
		const struct member_override *o =
		    members_find(w->members, a->tenant.name, a->name, q);

		json_array_append_new(
		    x.list,
		    o ? queue_entry(q, o->member, o->priority, o)
		      : queue_entry(q, true, a->queues[i].priority, NULL));
	}
	if (x.list)
		members_of(w->members, a->tenant.name, a->name, extra_entry,
		           &x);
	return x.list;
}

json_t *web_agent_json(const struct web *w, const struct config_agent *a,
                       uint32_t id)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "tenant", a->tenant.name,
	                 "name", a->name, "state",
	                 acd_agent_state_name(acd_agent_state(w->acd, id)),
	                 "skills", skills_json(a), "queues", queues_json(w, a));
}

/* The configured agent {tenant}/{name} of the call and its engine id,
 * or NULL after a 404. */
static const struct config_agent *agent_of(const struct web *w,
                                           const struct web_call *call,
                                           uint32_t *idp, struct web_reply *r)
{
	size_t i = web_agent_of_call(w, call, r);

	if (i == SIZE_MAX)
		return NULL;
	*idp = web_agent_id(w, &w->cfg->agents[i]);
	if (*idp != ACD_NONE)
		return &w->cfg->agents[i];
	web_reply_error(r, 404, "not-found", "no agent '%s' in tenant '%s'",
	                call->params[1], call->params[0]);
	return NULL;
}

static bool queue_known(const struct web *w, const char *tenant,
                        const char *queue, struct web_reply *r)
{
	for (size_t i = 0; i < w->cfg->nqueues; i++)
		if (!strcmp(w->cfg->queues[i].tenant.name, tenant) &&
		    !strcmp(w->cfg->queues[i].name, queue))
			return true;
	web_reply_error(r, 404, "not-found", "no queue '%s' in tenant '%s'",
	                queue, tenant);
	return false;
}

/* "priority": an integer in the engine's range; absent: the file's
 * priority in that queue, else 0. False after a 400. */
static bool priority_field(struct web_reply *r, json_t *obj,
                           const struct config_agent *a, const char *queue,
                           int *priority)
{
	json_t *v = json_object_get(obj, "priority");

	if (!v) {
		*priority = 0;
		(void)members_in_file(a, queue, priority);
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
	    json_integer_value(v) > 1000000) {
		web_reply_error(r, 400, "bad-field",
		                "field 'priority' must be an integer from "
		                "-1000000 to 1000000");
		return false;
	}
	*priority = (int)json_integer_value(v);
	return true;
}

static void member_result(struct web *w, const struct web_call *call,
                          const struct config_agent *a, uint32_t id, int err,
                          const char *act, struct web_reply *r)
{
	const char *queue = call->params[2];

	if (err == EALREADY) {
		web_reply_error(r, 409, "not-moved",
		                "agent '%s' was not moved in or out of queue "
		                "'%s': it has the file's membership already",
		                a->name, queue);
		return;
	}
	if (err == ENODEV) {
		web_reply_error(r, 409, "no-store",
		                "moving agents needs the store (store.path)");
		return;
	}
	if (err) {
		web_reply_error(r, err == ENOENT ? 409 : 503, "not-recorded",
		                "the move of agent '%s' could not be made (%s)",
		                a->name, strerror(err));
		return;
	}
	log_event(LOG_INFO, "members.changed",
	          "tenant=%s agent=%s queue=%s act=%s user=%s", a->tenant.name,
	          a->name, queue, act, call->user->name);
	web_reply_json(r, 200, web_agent_json(w, a, id));
}

void web_api_agent_queue_put(struct web *w, struct web_call *call,
                             struct web_reply *r)
{
	static const char *const keys[] = {"member", "priority", NULL};
	const char *queue = call->params[2];
	const struct config_agent *a;
	uint32_t id;
	json_t *obj;
	bool member;
	int priority, err;

	if (!(a = agent_of(w, call, &id, r)) ||
	    !queue_known(w, a->tenant.name, queue, r) ||
	    !(obj = web_body_object(call, r, keys)))
		return;
	if (!web_field_bool(r, obj, "member", true, &member) ||
	    !priority_field(r, obj, a, queue, &priority)) {
		json_decref(obj);
		return;
	}
	json_decref(obj);
	err = w->members ? members_set(w->members, w->cfg, a->tenant.name,
	                               a->name, queue, false, member, priority,
	                               call->user->name)
	                 : ENODEV;
	member_result(w, call, a, id, err, member ? "added" : "removed", r);
}

void web_api_agent_queue_delete(struct web *w, struct web_call *call,
                                struct web_reply *r)
{
	const char *queue = call->params[2];
	const struct config_agent *a;
	uint32_t id;
	int err;

	if (!(a = agent_of(w, call, &id, r)) ||
	    !queue_known(w, a->tenant.name, queue, r))
		return;
	err = w->members
	          ? members_set(w->members, w->cfg, a->tenant.name, a->name,
	                        queue, true, false, 0, call->user->name)
	          : ENODEV;
	member_result(w, call, a, id, err, "restored", r);
}
