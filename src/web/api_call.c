/*
 * api_call.c - the controls of a live call through the API (docs/api.md,
 * docs/voice.md): hold, resume, hang up and blind transfer. Allowed to
 * the agent talking in the call and to the supervisors and
 * administrators of its tenant (their acts are audited); a contact of
 * another tenant answers 404 as one that does not exist.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "desk/desk.h"
#include "voice/voice.h"
#include "web/web_int.h"

#define NUMBER_MAX 33 /* digits of an outside number, as phones' mobiles */

void web_call_json(const struct web *w, const struct desk_contact *c, json_t *j)
{
	struct voice_call_info ci;
	json_t *o;

	/* a call, or a callback while the daemon calls it back by phone */
	if ((c->channel != ACD_CH_VOICE && c->channel != ACD_CH_CALLBACK) ||
	    !w->voice || voice_call_info(w->voice, c->contact, &ci))
		return;
	o = json_pack("{s:b,s:b,s:I,s:I,s:s}", "bridged", ci.bridged, "held",
	              ci.held, "held_for_ms", (json_int_t)ci.held_for_ms,
	              "held_total_ms", (json_int_t)ci.held_total_ms, "from",
	              ci.from);
	if (o && ci.consult) /* only while an attended transfer consults */
		json_object_set_new(o, "consult", json_string(ci.consult));
	if (o && ci.supervision) /* only while a supervisor is on it */
		json_object_set_new(
		    o, "supervision",
		    json_pack("{s:s,s:s}", "mode", ci.supervision, "phone",
		              ci.supervisor_on ? "talking" : "ringing"));
	if (o)
		json_object_set_new(o, "recording", json_boolean(ci.recording));
	json_object_set_new(j, "call", o);
}

/* A callback the daemon called back by phone: a call while it lasts. */
static bool called_back(const struct web *w, const struct desk_contact *c)
{
	struct voice_call_info ci;

	return c->channel == ACD_CH_CALLBACK &&
	       !voice_call_info(w->voice, c->contact, &ci);
}

/* The live call the user may act on, or NULL after an error in r. */
static const struct desk_contact *
call_of(struct web *w, const struct web_call *call, struct web_reply *r)
{
	const char *p = call->params[0];
	const struct config_user *u = call->user;
	const struct desk_contact *c =
	    w->desk ? desk_find(w->desk, web_key_param(call)) : NULL;

	if (!c ||
	    !web_user_tenant(w->cfg, u, acd_tenant_name(w->acd, c->tenant))) {
		web_reply_error(r, 404, "not-found", "no live contact %s", p);
		return NULL;
	}
	if (u->role == CONFIG_ROLE_AGENT &&
	    (c->agent == ACD_NONE ||
	     c->agent != web_agent_id(w, &w->cfg->agents[u->agent.index]))) {
		web_reply_error(r, 403, "forbidden",
		                "contact %s is not a call of agent '%s'", p,
		                w->cfg->agents[u->agent.index].name);
		return NULL;
	}
	if (!w->voice || (c->channel != ACD_CH_VOICE && !called_back(w, c))) {
		web_reply_error(r, 409, "not-a-call",
		                "contact %s is a %s, not a phone call", p,
		                acd_channel_name(c->channel));
		return NULL;
	}
	return c;
}

/* What is known of the contact before the act, which may end it. */
struct acted {
	uint64_t key;
	const char *tenant; /* the engine's name */
};

static struct acted acted_of(const struct web *w, const struct desk_contact *c)
{
	struct acted a = {c->key, acd_tenant_name(w->acd, c->tenant)};

	return a;
}

/* After the act: the log line, the audit (a supervisor's), the answer. */
static void done(struct web *w, const struct web_call *call,
                 struct web_reply *r, struct acted a, const char *action,
                 const char *detail, int err)
{
	uint64_t key = a.key;
	const char *tenant = a.tenant;
	char object[32];

	switch (err) {
	case 0:
		break;
	case EALREADY:
		web_reply_error(
		    r, 409, "state-refused",
		    "the call of contact %" PRIu64 " is already %s", key,
		    strcmp(action, "call-hold") ? "talking" : "on hold");
		return;
	case EBUSY:
		web_reply_error(r, 409, "agent-busy",
		                "the agent is not ready or has no phone "
		                "registered: the call stays where it is");
		return;
	case EINPROGRESS:
		web_reply_error(r, 409, "consulting",
		                "an attended transfer of contact %" PRIu64
		                " is going on: complete or cancel it first",
		                key);
		return;
	case ENOTCONN:
		web_reply_error(r, 409, "no-consultation",
		                "contact %" PRIu64 " has no transfer target %s",
		                key,
		                strcmp(action, "call-transfer-complete")
		                    ? "being consulted"
		                    : "on the line yet");
		return;
	case ENXIO:
		web_reply_error(r, 409, "queue-unstaffed",
		                "nobody is logged in to that queue: the call "
		                "stays where it is");
		return;
	case ENODEV:
		web_reply_error(r, 409, "no-trunk",
		                "tenant '%s' has no outbound trunk to dial "
		                "through",
		                tenant);
		return;
	case EPERM:
		web_reply_error(r, 403, "number-not-allowed",
		                "%s is not allowed by dialing.allow: nothing "
		                "was dialled",
		                detail);
		return;
	default:
		web_reply_error(r, 409, "state-refused",
		                "contact %" PRIu64
		                " is not a call connected to "
		                "an agent",
		                key);
		return;
	}
	log_event(LOG_INFO, "http.call-control",
	          "contact=%" PRIu64 " action=%s user=%s tenant=%s target=%s",
	          key, action, call->user->name, tenant, detail ? detail : "-");
	snprintf(object, sizeof(object), "contact %" PRIu64, key);
	if (call->user->role != CONFIG_ROLE_AGENT)
		web_audit(w, call->user->name, tenant, action, object, detail);
	web_contact_reply(w, r, key);
}

static void hold(struct web *w, struct web_call *call, struct web_reply *r,
                 bool on)
{
	const struct desk_contact *c = call_of(w, call, r);
	struct acted a;
	int err;

	if (!c)
		return;
	a = acted_of(w, c);
	err = voice_call_hold(w->voice, c->contact, on);
	done(w, call, r, a, on ? "call-hold" : "call-resume", NULL, err);
}

void web_api_call_hold(struct web *w, struct web_call *call,
                       struct web_reply *r)
{
	hold(w, call, r, true);
}

void web_api_call_resume(struct web *w, struct web_call *call,
                         struct web_reply *r)
{
	hold(w, call, r, false);
}

void web_api_call_hangup(struct web *w, struct web_call *call,
                         struct web_reply *r)
{
	const struct desk_contact *c = call_of(w, call, r);
	struct acted a;
	int err;

	if (!c)
		return;
	a = acted_of(w, c);
	err = voice_call_hangup(w->voice, c->contact); /* c may end here */
	done(w, call, r, a, "call-hangup", NULL, err);
}

/* "+390612345678", "0612345678", "*75": what a trunk may be asked;
 * false after a 400 in r. */
static bool number_ok(const char *s, struct web_reply *r)
{
	size_t n = strlen(s);
	bool ok = n && n < NUMBER_MAX;

	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '+') ||
		     s[i] == '*' || s[i] == '#';
	if (!ok)
		web_reply_error(r, 400, "bad-field",
		                "field 'number' must be digits (a leading +, "
		                "* and # allowed)");
	return ok;
}

/* The body's one target into t; false after a 400 or 404 in r. */
static bool target_parse(const struct web *w, const struct desk_contact *c,
                         json_t *obj, struct voice_transfer *t,
                         const char **namep, struct web_reply *r)
{
	const char *queue, *agent, *number;

	if (!web_field_string(r, obj, "queue", false, CONFIG_NAME_MAX,
	                      &queue) ||
	    !web_field_string(r, obj, "agent", false, CONFIG_NAME_MAX,
	                      &agent) ||
	    !web_field_string(r, obj, "number", false, NUMBER_MAX, &number))
		return false;
	if (!!queue + !!agent + !!number != 1) {
		web_reply_error(r, 400, "bad-field",
		                "give one of 'queue', 'agent' or 'number'");
		return false;
	}
	t->priority = c->priority;
	if (number) {
		t->to = VOICE_TO_NUMBER;
		t->number = *namep = number;
		return number_ok(number, r);
	}
	t->to = queue ? VOICE_TO_QUEUE : VOICE_TO_AGENT;
	*namep = queue ? queue : agent;
	t->id = queue ? acd_queue_find(w->acd, c->tenant, queue)
	              : acd_agent_find(w->acd, c->tenant, agent);
	if (t->id != ACD_NONE)
		return true;
	web_reply_error(r, 404, "not-found", "no %s '%s' in tenant '%s'",
	                queue ? "queue" : "agent", *namep,
	                acd_tenant_name(w->acd, c->tenant));
	return false;
}

void web_api_call_transfer(struct web *w, struct web_call *call,
                           struct web_reply *r)
{
	static const char *const keys[] = {"queue", "agent", "number",
	                                   "attended", NULL};
	const struct desk_contact *c = call_of(w, call, r);
	struct voice_transfer t = {.number = NULL};
	const char *name = NULL;
	char detail[80];
	struct acted a;
	json_t *obj;
	int err;

	if (!c || !(obj = web_body_object(call, r, keys)))
		return;
	a = acted_of(w, c);
	if (target_parse(w, c, obj, &t, &name, r) &&
	    web_field_bool(r, obj, "attended", false, &t.attended)) {
		snprintf(detail, sizeof(detail), "%s %s",
		         t.to == VOICE_TO_QUEUE   ? "queue"
		         : t.to == VOICE_TO_AGENT ? "agent"
		                                  : "number",
		         name);
		err = voice_call_transfer(w->voice, c->contact, &t);
		if (err == EPERM)
			log_event(LOG_WARN, "http.transfer-refused",
			          "contact=%" PRIu64 " number=%s user=%s "
			          "reason=not-in-allow-list",
			          a.key, name, call->user->name);
		done(w, call, r, a,
		     t.attended ? "call-transfer-attended" : "call-transfer",
		     err == EPERM ? name : detail, err);
	}
	json_decref(obj);
}

/* The end of an attended transfer: complete or cancel. */
static void consult_end(struct web *w, struct web_call *call,
                        struct web_reply *r, bool complete)
{
	const struct desk_contact *c = call_of(w, call, r);
	struct acted a;
	int err;

	if (!c)
		return;
	a = acted_of(w, c);
	err = complete ? voice_call_transfer_complete(w->voice, c->contact)
	               : voice_call_transfer_cancel(w->voice, c->contact);
	done(w, call, r, a,
	     complete ? "call-transfer-complete" : "call-transfer-cancel", NULL,
	     err);
}

void web_api_call_transfer_complete(struct web *w, struct web_call *call,
                                    struct web_reply *r)
{
	consult_end(w, call, r, true);
}

void web_api_call_transfer_cancel(struct web *w, struct web_call *call,
                                  struct web_reply *r)
{
	consult_end(w, call, r, false);
}

/* ---- supervision: listen, whisper, barge ------------------------------ */

/* The body's "mode" into *modep; false after a 400 in r. */
static bool mode_parse(json_t *obj, enum voice_supervise_mode *modep,
                       struct web_reply *r)
{
	const char *name;
	int m;

	if (!web_field_string(r, obj, "mode", true, 16, &name))
		return false;
	m = voice_supervise_mode_parse(name);
	if (m < 0) {
		web_reply_error(
		    r, 400, "bad-field",
		    "field 'mode' must be listen, whisper or barge");
		return false;
	}
	*modep = (enum voice_supervise_mode)m;
	return true;
}

/* The supervisor's phone: an agent of the call's tenant (their
 * registered phone) or a number; false after a 400 or 404 in r. */
static bool phone_parse(const struct web *w, const struct desk_contact *c,
                        json_t *obj, struct voice_supervise *s,
                        const char **namep, struct web_reply *r)
{
	const char *agent, *number;

	if (!web_field_string(r, obj, "agent", false, CONFIG_NAME_MAX,
	                      &agent) ||
	    !web_field_string(r, obj, "number", false, NUMBER_MAX, &number))
		return false;
	if (!agent == !number) {
		web_reply_error(r, 400, "bad-field",
		                "give one of 'agent' (a registered phone) or "
		                "'number'");
		return false;
	}
	*namep = agent ? agent : number;
	s->agent = ACD_NONE;
	if (number && !number_ok(number, r))
		return false;
	s->number = number;
	if (number)
		return true;
	s->agent = acd_agent_find(w->acd, c->tenant, agent);
	if (s->agent != ACD_NONE && s->agent == c->agent) {
		web_reply_error(r, 400, "bad-field",
		                "agent '%s' is the one in the call: name the "
		                "supervisor's own phone",
		                agent);
		return false;
	}
	if (s->agent != ACD_NONE)
		return true;
	web_reply_error(r, 404, "not-found", "no agent '%s' in tenant '%s'",
	                agent, acd_tenant_name(w->acd, c->tenant));
	return false;
}

/* After a supervision act: the refusal, or the audit and the contact. */
static void supervised(struct web *w, const struct web_call *call,
                       struct web_reply *r, struct acted a, const char *action,
                       const char *detail, int err)
{
	switch (err) {
	case EALREADY:
		web_reply_error(r, 409, "state-refused",
		                strcmp(action, "call-supervise")
		                    ? "the supervision is in that mode already"
		                    : "the call is supervised already");
		return;
	case ENOTCONN:
		web_reply_error(r, 409, "not-supervised",
		                "nobody supervises contact %" PRIu64, a.key);
		return;
	case EBUSY:
		web_reply_error(r, 409, "agent-busy",
		                "agent '%s' has no phone registered", detail);
		return;
	default:
		break;
	}
	done(w, call, r, a, action, detail, err);
}

/* POST /api/v1/contacts/{id}/supervise {mode, agent | number} */
void web_api_call_supervise(struct web *w, struct web_call *call,
                            struct web_reply *r)
{
	static const char *const keys[] = {"mode", "agent", "number", NULL};
	const struct desk_contact *c = call_of(w, call, r);
	struct voice_supervise s = {.user = call->user->name};
	const char *name = NULL;
	char detail[80];
	struct acted a;
	json_t *obj;
	int err;

	if (!c || !(obj = web_body_object(call, r, keys)))
		return;
	a = acted_of(w, c);
	if (mode_parse(obj, &s.mode, r) &&
	    phone_parse(w, c, obj, &s, &name, r)) {
		snprintf(detail, sizeof(detail), "%s %s",
		         voice_supervise_mode_name(s.mode), name);
		err = voice_call_supervise(w->voice, c->contact, &s);
		if (err == EPERM)
			log_event(LOG_WARN, "http.supervise-refused",
			          "contact=%" PRIu64 " number=%s user=%s "
			          "reason=not-in-allow-list",
			          a.key, name, call->user->name);
		supervised(w, call, r, a, "call-supervise",
		           err == EPERM || err == EBUSY ? name : detail, err);
	}
	json_decref(obj);
}

/* POST /api/v1/contacts/{id}/supervise/mode {mode} */
void web_api_call_supervise_mode(struct web *w, struct web_call *call,
                                 struct web_reply *r)
{
	static const char *const keys[] = {"mode", NULL};
	const struct desk_contact *c = call_of(w, call, r);
	enum voice_supervise_mode mode;
	struct acted a;
	json_t *obj;

	if (!c || !(obj = web_body_object(call, r, keys)))
		return;
	a = acted_of(w, c);
	if (mode_parse(obj, &mode, r))
		supervised(
		    w, call, r, a, "call-supervise-mode",
		    voice_supervise_mode_name(mode),
		    voice_call_supervise_mode(w->voice, c->contact, mode));
	json_decref(obj);
}

/* POST /api/v1/contacts/{id}/supervise/stop */
void web_api_call_supervise_stop(struct web *w, struct web_call *call,
                                 struct web_reply *r)
{
	const struct desk_contact *c = call_of(w, call, r);
	struct acted a;

	if (!c)
		return;
	a = acted_of(w, c);
	supervised(w, call, r, a, "call-supervise-stop", NULL,
	           voice_call_supervise_stop(w->voice, c->contact));
}
