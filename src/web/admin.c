/*
 * admin.c - supervisors' and administrators' switches: a flow's
 * emergency mode, and reloading the configuration; the audit log every
 * administrative act is written in.
 */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "store/store.h"
#include "voice/voice.h"
#include "web/web_int.h"

static void emergency_set(struct web *w, const struct web_call *call, bool on,
                          struct web_reply *r)
{
	const char *tenant = call->params[0], *flow = call->params[1];
	int err;

	if (!w->voice) {
		web_reply_error(r, 409, "no-voice",
		                "the voice channel is not running (no sip "
		                "section)");
		return;
	}
	err = voice_emergency_set(w->voice, tenant, flow, on);
	if (err == ENOENT) {
		web_reply_error(r, 404, "not-found",
		                "no flow '%s' in tenant '%s'", flow, tenant);
		return;
	}
	if (err) {
		web_reply_error(r, 409, "emergency-refused",
		                "the voice channel refused the switch (%s)",
		                strerror(err));
		return;
	}
	log_event(LOG_WARN, "http.emergency", "tenant=%s flow=%s on=%s user=%s",
	          tenant, flow, on ? "true" : "false", call->user->name);
	web_audit(w, call->user->name, tenant,
	          on ? "emergency-on" : "emergency-off", flow, NULL);
	web_reply_json(r, 200,
	               json_pack("{s:s,s:s,s:b}", "tenant", tenant, "flow",
	                         flow, "emergency", on));
}

void web_api_emergency(struct web *w, struct web_call *call,
                       struct web_reply *r)
{
	static const char *const keys[] = {"on", NULL};
	const char *tenant = call->params[0], *flow = call->params[1];
	size_t t = config_tenant_index(w->cfg, tenant);
	json_t *obj;
	bool on;

	if (t == SIZE_MAX || !web_user_tenant(w->cfg, call->user, tenant) ||
	    !config_flow_find(w->cfg, t, flow)) {
		web_reply_error(r, 404, "not-found",
		                "no flow '%s' in tenant '%s'", flow, tenant);
		return;
	}
	obj = web_body_object(call, r, keys);
	if (!obj)
		return;
	if (web_field_bool(r, obj, "on", true, &on))
		emergency_set(w, call, on, r);
	json_decref(obj);
}

/*
 * The callback may replace the configuration (web_config()): the user
 * record of the call belongs to the old one, so nothing of the call is
 * read after it returns.
 */
void web_api_reload(struct web *w, struct web_call *call, struct web_reply *r)
{
	static const char *const keys[] = {NULL};
	char user[CONFIG_NAME_MAX];
	int err;
	if (call->body_len) {
		/* Nothing to say, but "{}" is what many clients send. */
		json_t *obj = web_body_object(call, r, keys);
		if (!obj)
			return;
		json_decref(obj);
	}
	if (!w->reload) {
		web_reply_error(r, 409, "reload-unavailable",
		                "this daemon cannot reload from the API");
		return;
	}
	log_event(LOG_WARN, "http.reload", "user=%s", call->user->name);
	snprintf(user, sizeof(user), "%s", call->user->name);
	call->user = NULL;
	err = w->reload(w->reload_arg);
	web_audit(w, user, NULL, err ? "reload-refused" : "reload",
	          "configuration", NULL);
	if (err) {
		web_reply_error(r, 409, "reload-refused",
		                "the new configuration was refused (%s); the "
		                "old one stays in force, see the daemon's log",
		                strerror(err));
		return;
	}
	web_reply_json(r, 200, json_pack("{s:b}", "reloaded", 1));
}

void web_audit(struct web *w, const char *user, const char *tenant,
               const char *action, const char *object, const char *detail)
{
	/* rare and wanted at once: committed now, not with the journal */
	if (w->store &&
	    (store_audit(w->store, user, tenant, action, object, detail) ||
	     store_flush(w->store)))
		log_event(LOG_ERROR, "audit.unrecorded",
		          "user=%s action=%s object=%s", user, action, object);
}
