/*
 * api_info.c - what the configuration holds, read through the API (the
 * user's tenants, the skills, the flows with their emergency switch, the
 * users for an administrator), and the audit log of administrative acts.
 * The configuration file owns these objects: they are read here and
 * changed by a reload (docs/api.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "voice/voice.h"
#include "web/web_int.h"

#define AUDIT_PAGE_MAX 500

void web_api_tenants(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < w->cfg->ntenants; i++) {
		const struct config_tenant *t = &w->cfg->tenants[i];
		if (web_user_tenant(w->cfg, call->user, t->name))
			json_array_append_new(
			    list, json_pack("{s:s,s:s}", "name", t->name,
			                    "timezone", t->timezone));
	}
	web_reply_json(r, 200, json_pack("{s:o}", "tenants", list));
}

void web_api_skills(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();

	(void)call;
	for (size_t i = 0; list && i < w->cfg->nskills; i++)
		json_array_append_new(list,
		                      json_string(w->cfg->skills[i].name));
	web_reply_json(r, 200, json_pack("{s:o}", "skills", list));
}

void web_api_flows(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < w->cfg->nflows; i++) {
		const struct config_flow *f = &w->cfg->flows[i];
		const char *tenant = w->cfg->tenants[f->tenant.index].name;
		if (!web_user_tenant(w->cfg, call->user, tenant))
			continue;
		json_array_append_new(
		    list,
		    json_pack("{s:s,s:s,s:b}", "tenant", tenant, "name",
		              f->name, "emergency",
		              w->voice && voice_emergency_on(w->voice, tenant,
		                                             f->name)));
	}
	web_reply_json(r, 200, json_pack("{s:o}", "flows", list));
}

/* Administrators: every user of their tenants, never a hash. */
void web_api_users(struct web *w, struct web_call *call, struct web_reply *r)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < w->cfg->nusers; i++) {
		const struct config_user *u = &w->cfg->users[i];
		json_t *tenants = json_array();
		bool shared = false;

		for (unsigned k = 0; k < u->ntenants; k++) {
			json_array_append_new(tenants,
			                      json_string(u->tenants[k].name));
			shared |= web_user_tenant(w->cfg, call->user,
			                          u->tenants[k].name);
		}
		if (!shared) {
			json_decref(tenants);
			continue;
		}
		json_array_append_new(
		    list, json_pack("{s:s,s:s,s:o,s:s?}", "name", u->name,
		                    "role", config_role_name(u->role),
		                    "tenants", tenants, "agent",
		                    u->agent.name[0] ? u->agent.name : NULL));
	}
	web_reply_json(r, 200, json_pack("{s:o}", "users", list));
}

struct audit_page {
	const struct web *w;
	const struct config_user *user;
	json_t *list;
};

static int audit_h(const struct store_audit_row *a, void *arg)
{
	struct audit_page *p = arg;
	char t[40] = "";
	time_t s = (time_t)(a->wall_ms / 1000);
	struct tm tm;

	/* an act of the whole daemon (a reload): administrators only, and
	 * an act in a tenant: who may see that tenant */
	if (a->tenant ? !web_user_tenant(p->w->cfg, p->user, a->tenant)
	              : p->user->role != CONFIG_ROLE_ADMINISTRATOR)
		return 0;
	if (gmtime_r(&s, &tm))
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_array_append_new(
	    p->list, json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s,s:s?}", "id",
	                       (json_int_t)a->key, "time", t, "user", a->user,
	                       "tenant", a->tenant, "action", a->action,
	                       "object", a->object, "detail", a->detail));
	return 0;
}

/* GET /api/v1/audit?before=ID: the newest acts first, a page at a time. */
void web_api_audit(struct web *w, struct web_call *call, struct web_reply *r)
{
	struct audit_page p = {w, call->user, json_array()};
	const struct pl *q = &call->msg->prm;
	uint64_t before = 0;
	struct pl v;
	int err;

	if (!w->store) {
		json_decref(p.list);
		web_reply_error(r, 409, "no-store",
		                "this daemon keeps no audit log");
		return;
	}
	if (q->l && !re_regex(q->p, q->l, "before=[^&]*", &v)) {
		if (!v.l || pl_u64(&v) == 0 ||
		    strspn(v.p, "0123456789") < v.l) {
			json_decref(p.list);
			web_reply_error(
			    r, 400, "bad-field",
			    "parameter 'before' must be an audit id");
			return;
		}
		before = pl_u64(&v);
	}
	(void)store_flush(w->store);
	err = store_audit_read(w->store, before, AUDIT_PAGE_MAX, audit_h, &p);
	if (err) {
		json_decref(p.list);
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the audit log cannot be read now");
		return;
	}
	web_reply_json(r, 200, json_pack("{s:o}", "audit", p.list));
}
