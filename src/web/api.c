/*
 * api.c - the routes on queues, agents, flows and the configuration.
 *
 * Tenants are enforced here: an object of a tenant the user does not
 * belong to answers 404, exactly as one that does not exist, so a user
 * cannot even learn which names another tenant uses.
 */
#include <math.h>
#include <string.h>

#include "core/log.h"
#include "voice/voice.h"
#include "web/web_int.h"

/* A ratio or mean that may be undefined: JSON has no NaN. */
static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* The queue's wrap-up codes, as the desktop offers them at wrap-up; an
 * empty list when any code is accepted. */
static json_t *dispositions_json(const struct config_queue *q)
{
	json_t *list = json_array();
	for (unsigned i = 0; list && i < q->ndispositions; i++)
		json_array_append_new(list, json_string(q->dispositions[i]));
	return list;
}

static json_t *queue_json(const struct web *w, const struct config_queue *q,
                          uint32_t id)
{
	struct acd_queue_stats st;
	json_t *agents = json_object(), *j;
	memset(&st, 0, sizeof(st));
	(void)acd_queue_stats(w->acd, id, &st);
	for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++)
		json_object_set_new(agents, acd_agent_state_name(s),
		                    json_integer(st.agents[s]));
	j = json_pack(
	    "{s:s,s:s,s:o,s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o}",
	    "tenant", q->tenant.name, "name", q->name, "dispositions",
	    dispositions_json(q), "waiting", (json_int_t)st.waiting,
	    "oldest_wait_ms", (json_int_t)st.oldest_wait, "agents", agents,
	    "offered", (json_int_t)st.offered, "answered",
	    (json_int_t)st.answered, "answered_in_sl",
	    (json_int_t)st.answered_in_sl, "abandoned",
	    (json_int_t)st.abandoned, "abandoned_short",
	    (json_int_t)st.abandoned_short, "completed",
	    (json_int_t)st.completed, "service_level",
	    real_or_null(st.service_level), "asa_ms", real_or_null(st.asa_ms),
	    "abandon_rate", real_or_null(st.abandon_rate), "aht_ms",
	    real_or_null(st.aht_ms));
	/* the counters are today's (src/web/today.c): since when */
	if (j)
		json_object_set_new(j, "since",
		                    web_today_since_json(w, q->tenant.name));
	return j;
}

/* The engine id of a configured queue, ACD_NONE when not applied. */
static uint32_t queue_id(const struct web *w, const struct config_queue *q)
{
	uint32_t t = acd_tenant_find(w->acd, q->tenant.name);
	return t == ACD_NONE ? ACD_NONE : acd_queue_find(w->acd, t, q->name);
}

void web_api_queues(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < w->cfg->nqueues; i++) {
		const struct config_queue *q = &w->cfg->queues[i];
		uint32_t id = queue_id(w, q);
		if (id == ACD_NONE ||
		    !web_user_tenant(w->cfg, call->user, q->tenant.name))
			continue;
		json_array_append_new(list, queue_json(w, q, id));
	}
	web_reply_json(r, 200, json_pack("{s:o}", "queues", list));
}

void web_api_queue(struct web *w, struct web_call *call, struct web_reply *r)
{
	const char *tenant = call->params[0], *name = call->params[1];
	for (size_t i = 0; i < w->cfg->nqueues; i++) {
		const struct config_queue *q = &w->cfg->queues[i];
		uint32_t id;
		if (strcmp(q->tenant.name, tenant) || strcmp(q->name, name) ||
		    !web_user_tenant(w->cfg, call->user, tenant))
			continue;
		id = queue_id(w, q);
		if (id == ACD_NONE)
			break;
		web_reply_json(r, 200, queue_json(w, q, id));
		return;
	}
	web_reply_error(r, 404, "not-found", "no queue '%s' in tenant '%s'",
	                name, tenant);
}

uint32_t web_agent_id(const struct web *w, const struct config_agent *a)
{
	uint32_t t = acd_tenant_find(w->acd, a->tenant.name);
	return t == ACD_NONE ? ACD_NONE : acd_agent_find(w->acd, t, a->name);
}

/* May user see agent i? Its tenant's, and an agent only itself. */
static bool agent_visible(const struct web *w, const struct config_user *u,
                          size_t i)
{
	const struct config_agent *a = &w->cfg->agents[i];
	if (!web_user_tenant(w->cfg, u, a->tenant.name))
		return false;
	return u->role != CONFIG_ROLE_AGENT || u->agent.index == i;
}

void web_api_agents(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < w->cfg->nagents; i++) {
		uint32_t id = web_agent_id(w, &w->cfg->agents[i]);
		if (id == ACD_NONE || !agent_visible(w, call->user, i))
			continue;
		json_array_append_new(
		    list, web_agent_json(w, &w->cfg->agents[i], id));
	}
	web_reply_json(r, 200, json_pack("{s:o}", "agents", list));
}

size_t web_agent_of_call(const struct web *w, const struct web_call *call,
                         struct web_reply *r)
{
	for (size_t i = 0; i < w->cfg->nagents; i++) {
		const struct config_agent *a = &w->cfg->agents[i];
		if (!strcmp(a->tenant.name, call->params[0]) &&
		    !strcmp(a->name, call->params[1]) &&
		    web_user_tenant(w->cfg, call->user, a->tenant.name))
			return i;
	}
	web_reply_error(r, 404, "not-found", "no agent '%s' in tenant '%s'",
	                call->params[1], call->params[0]);
	return SIZE_MAX;
}

/* The "state" field as a presence; false after a 400. */
static bool presence_parse(struct web_reply *r, json_t *obj,
                           enum acd_presence *p)
{
	const char *s;
	if (!web_field_string(r, obj, "state", true, 16, &s))
		return false;
	if (!strcmp(s, "ready"))
		*p = ACD_PRESENCE_READY;
	else if (!strcmp(s, "not-ready"))
		*p = ACD_PRESENCE_NOT_READY;
	else if (!strcmp(s, "offline"))
		*p = ACD_PRESENCE_OFFLINE;
	else {
		web_reply_error(r, 400, "bad-field",
		                "field 'state' must be ready, not-ready or "
		                "offline");
		return false;
	}
	return true;
}

static void presence_set(struct web *w, const struct web_call *call, size_t i,
                         json_t *obj, struct web_reply *r)
{
	const struct config_agent *a = &w->cfg->agents[i];
	uint32_t id = web_agent_id(w, a);
	enum acd_presence p;
	const char *reason;
	int err;

	if (!presence_parse(r, obj, &p) ||
	    !web_field_string(r, obj, "reason", false, 64, &reason))
		return;
	err =
	    id == ACD_NONE ? ENOENT : acd_agent_presence(w->acd, id, p, reason);
	if (err == ENOENT) {
		web_reply_error(r, 409, "state-refused",
		                "agent '%s' is not in the routing engine",
		                a->name);
		return;
	}
	if (err) {
		web_reply_error(r, 409, "state-refused",
		                "the engine refused the change (%s)",
		                strerror(err));
		return;
	}
	log_event(LOG_INFO, "agent.presence-set",
	          "tenant=%s agent=%s state=%s user=%s", a->tenant.name,
	          a->name, acd_agent_state_name(acd_agent_state(w->acd, id)),
	          call->user->name);
	/* a supervisor forcing an agent's state is an administrative act */
	if (call->user->role != CONFIG_ROLE_AGENT)
		web_audit(w, call->user->name, a->tenant.name, "agent-state",
		          a->name,
		          acd_agent_state_name(acd_agent_state(w->acd, id)));
	web_reply_json(r, 200, web_agent_json(w, a, id));
}

void web_api_agent_state(struct web *w, struct web_call *call,
                         struct web_reply *r)
{
	static const char *const keys[] = {"state", "reason", NULL};
	size_t i = web_agent_of_call(w, call, r);
	json_t *obj;

	if (i == SIZE_MAX)
		return;
	if (!agent_visible(w, call->user, i)) {
		web_reply_error(r, 403, "forbidden",
		                "an agent changes only their own state");
		return;
	}
	obj = web_body_object(call, r, keys);
	if (!obj)
		return;
	presence_set(w, call, i, obj, r);
	json_decref(obj);
}
