/*
 * api_contact.c - the routes on contacts: an app or a web page creates a
 * chat, an app request or a callback request; anyone of the tenant reads
 * a contact and its routing story; an agent accepts, rejects, finishes
 * and wraps up the contacts offered to them; the customer withdraws.
 *
 * A creation is answered 201 only once the contact is committed to the
 * store: a client that heard yes never loses its place, whatever
 * happens to the daemon afterwards.
 */
#define _DEFAULT_SOURCE /* timegm */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "desk/desk.h"
#include "store/store.h"
#include "web/web_int.h"

#define PAYLOAD_MAX 8192 /* bytes of a contact's "data", as JSON */

/* ---- times: Unix ms on the wire as RFC 3339 text ---------------------- */

/* "2026-11-24T09:30:00Z", "...+01:00", "....250Z" into Unix ms. */
static bool rfc3339_parse(const char *s, int64_t *msp)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, n = 0, frac = 0, digits = 0, off = 0;
	char zone;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	           &n) != 6 ||
	    n != 19)
		return false;
	s += n;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*s - '0');
	for (; digits > 0 && digits < 3; digits++)
		frac *= 10;
	zone = *s++;
	if (zone == '+' || zone == '-') {
		int oh, om;
		if (sscanf(s, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh > 23 || om > 59)
			return false;
		off = (oh * 60 + om) * (zone == '-' ? -1 : 1);
		s += n;
	} else if (zone != 'Z' && zone != 'z') {
		return false;
	}
	if (*s || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*msp = ((int64_t)timegm(&tm) - (int64_t)off * 60) * 1000 + frac;
	return true;
}

json_t *web_time_json(int64_t ms)
{
	char buf[64];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || !gmtime_r(&t, &tm))
		return json_null();
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return json_string(buf);
}

/* ---- reading a contact -------------------------------------------------- */

static bool desk_ready(const struct web *w, struct web_reply *r)
{
	if (w->desk)
		return true;
	web_reply_error(r, 409, "no-desk",
	                "contacts are not served by this daemon");
	return false;
}

/* The {id} parameter, a contact key; false after a 404. */
static bool key_of_call(const struct web_call *call, struct web_reply *r,
                        uint64_t *keyp)
{
	const char *p = call->params[0];
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(p, &end, 10);
	if (*p < '1' || *p > '9' || *end || errno) {
		web_reply_error(r, 404, "not-found", "no contact '%s'", p);
		return false;
	}
	*keyp = (uint64_t)v;
	return true;
}

static json_t *data_json(const char *payload)
{
	json_t *j = payload ? json_loads(payload, 0, NULL) : NULL;

	return j ? j : json_object();
}

static const char *state_of(const struct web *w, const struct desk_contact *c)
{
	return store_contact_state_name(acd_contact_state(w->acd, c->contact));
}

/* What a caller did in the phone menu, from the call's attributes
 * ("menu=1;menu=2;lang=it;from=..."): {"menu": ["1", "2"], "language":
 * "it"}; NULL for a contact with neither. */
static json_t *ivr_json(const char *attributes)
{
	json_t *menu = json_array(), *j = NULL;
	const char *lang = NULL, *p = attributes;
	size_t lang_len = 0;

	while (p && *p && menu) {
		size_t n = strcspn(p, ";");

		if (n > 5 && n < 16 && !strncmp(p, "menu=", 5))
			json_array_append_new(menu, json_stringn(p + 5, n - 5));
		else if (n > 5 && n < 16 && !strncmp(p, "lang=", 5)) {
			lang = p + 5;
			lang_len = n - 5;
		}
		p += n + (p[n] == ';');
	}
	if (menu && (json_array_size(menu) || lang)) {
		j = json_pack("{s:O}", "menu", menu);
		if (j && lang)
			json_object_set_new(j, "language",
			                    json_stringn(lang, lang_len));
	}
	json_decref(menu);
	return j;
}

static json_t *live_json(const struct web *w, const struct desk_contact *c)
{
	json_t *j = json_pack(
	    "{s:I,s:s,s:s,s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:b}", "id",
	    (json_int_t)c->key, "tenant", acd_tenant_name(w->acd, c->tenant),
	    "queue", acd_queue_name(w->acd, c->queue), "channel",
	    acd_channel_name(c->channel), "state", state_of(w, c), "priority",
	    c->priority, "created", web_time_json(c->created_ms),
	    "virtual_start", web_time_json(c->virtual_start_ms), "not_before",
	    web_time_json(c->not_before_ms), "data", data_json(c->payload),
	    "recovered", c->recovered);
	acd_time_t ewt;
	unsigned pos;

	if (!j)
		return NULL;
	json_object_set_new(j, "agent",
	                    c->agent == ACD_NONE ? json_null()
	                                         : json_string(acd_agent_name(
	                                               w->acd, c->agent)));
	if (c->channel == ACD_CH_VOICE) {
		json_t *ivr = ivr_json(c->attributes);

		if (ivr)
			json_object_set_new(j, "ivr", ivr);
	}
	if (c->owner != ACD_NONE) { /* kept for its preferred agent */
		json_object_set_new(
		    j, "owner", json_string(acd_agent_name(w->acd, c->owner)));
		json_object_set_new(j, "owner_until",
		                    web_time_json(c->owner_until_ms));
	}
	if (!acd_contact_ewt(w->acd, c->contact, &ewt, &pos)) {
		json_object_set_new(j, "position", json_integer(pos + 1));
		json_object_set_new(j, "estimated_wait_ms",
		                    json_integer((json_int_t)ewt));
	}
	web_call_json(w, c, j);
	return j;
}

/* An ended contact, as the store keeps it. */
static int stored_h(const struct store_contact *c, void *arg)
{
	json_t **jp = arg;

	*jp = json_pack(
	    "{s:I,s:s?,s:s?,s:s,s:s,s:s?,s:i,s:o,s:o,s:o,s:o,s:o}", "id",
	    (json_int_t)c->key, "tenant", c->tenant, "queue", c->queue,
	    "channel", acd_channel_name(c->channel), "state",
	    c->outcome ? "ended" : "unknown", "outcome", c->outcome, "priority",
	    c->priority, "created", web_time_json(c->created_ms),
	    "virtual_start", web_time_json(c->virtual_start_ms), "not_before",
	    web_time_json(c->not_before_ms), "ended",
	    web_time_json(c->ended_ms), "data", data_json(c->payload));
	if (*jp && c->disposition)
		json_object_set_new(*jp, "disposition",
		                    json_string(c->disposition));
	if (*jp && c->notes)
		json_object_set_new(*jp, "notes", json_string(c->notes));
	return 0;
}

/* An ended contact as the store has it (flushed first), or its id and
 * state alone when there is no store to ask. */
static json_t *ended_json(struct web *w, uint64_t key)
{
	json_t *j = NULL;

	if (w->store && !store_flush(w->store))
		(void)store_contact_get(w->store, key, stored_h, &j);
	return j ? j
	         : json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:o,s:o}", "id",
	                     (json_int_t)key, "tenant", "", "queue", "",
	                     "channel", "chat", "state", "ended", "priority", 0,
	                     "created", json_null(), "data", json_object());
}

/* What is buffered is written first, so a read sees up to now; 0. A
 * failing store is the flush timer's to report: the read goes on. */
static int store_flush_quiet(struct web *w)
{
	(void)store_flush(w->store);
	return 0;
}

/*
 * The contact of the call that the user may see, as JSON (the caller's),
 * or NULL after a 404: another tenant's answers as one that never was.
 */
json_t *web_contact_lookup(struct web *w, const struct web_call *call,
                           struct web_reply *r,
                           const struct desk_contact **livep)
{
	const struct desk_contact *c;
	json_t *j = NULL;
	uint64_t key;

	*livep = NULL;
	if (!desk_ready(w, r) || !key_of_call(call, r, &key))
		return NULL;
	c = desk_find(w->desk, key);
	if (c) {
		if (web_user_tenant(w->cfg, call->user,
		                    acd_tenant_name(w->acd, c->tenant))) {
			*livep = c;
			j = live_json(w, c);
		}
	} else if (w->store && !store_flush_quiet(w) &&
	           !store_contact_get(w->store, key, stored_h, &j) &&
	           !web_user_tenant(
	               w->cfg, call->user,
	               json_string_value(json_object_get(j, "tenant")))) {
		json_decref(j);
		j = NULL;
	}
	if (!j)
		web_reply_error(r, 404, "not-found", "no contact %s",
		                call->params[0]);
	return j;
}

void web_api_contact(struct web *w, struct web_call *call, struct web_reply *r)
{
	const struct desk_contact *live;
	json_t *j = web_contact_lookup(w, call, r, &live);

	if (j)
		web_reply_json(r, 200, j);
}

/* ---- the routing story ---------------------------------------------- */

static int story_h(const struct store_journal_entry *e, void *arg)
{
	json_t *list = arg, *j;

	j = json_pack("{s:I,s:I,s:o,s:s,s:s?,s:s?,s:s?,s:s?}", "seq",
	              (json_int_t)e->seq, "run", (json_int_t)e->run, "time",
	              web_time_json(e->wall_ms), "type", e->type, "queue",
	              e->queue, "agent", e->agent, "channel", e->channel,
	              "reason", e->reason);
	if (!j)
		return ENOMEM;
	if (e->wait)
		json_object_set_new(j, "wait_ms", json_integer(e->wait));
	if (e->has_decision)
		json_object_set_new(
		    j, "decision",
		    json_pack("{s:s?,s:i,s:i,s:i,s:I,s:b}", "strategy",
		              e->strategy, "step", (int)e->step, "candidates",
		              (int)e->candidates, "waiting", (int)e->waiting,
		              "metric", (json_int_t)e->metric, "agent_first",
		              e->agent_first));
	if (e->fallback_cause)
		json_object_set_new(j, "fallback",
		                    json_pack("{s:s,s:s?,s:s?}", "cause",
		                              e->fallback_cause, "action",
		                              e->fallback_action, "target",
		                              e->fallback_target));
	return json_array_append_new(list, j) ? ENOMEM : 0;
}

void web_api_contact_journal(struct web *w, struct web_call *call,
                             struct web_reply *r)
{
	const struct desk_contact *live;
	json_t *j = web_contact_lookup(w, call, r, &live), *list;
	uint64_t key;
	int err;

	if (!j)
		return;
	key = (uint64_t)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (!w->store) {
		web_reply_error(r, 409, "no-store",
		                "this daemon keeps no journal");
		return;
	}
	list = json_array();
	(void)store_flush_quiet(w); /* the story up to this moment */
	err =
	    list ? store_contact_journal(w->store, key, story_h, list) : ENOMEM;
	if (err) {
		json_decref(list);
		web_reply_error(r, 503, "store-unavailable",
		                "the journal cannot be read now (%s)",
		                strerror(err));
		return;
	}
	web_reply_json(
	    r, 200,
	    json_pack("{s:I,s:o}", "id", (json_int_t)key, "events", list));
}

/* ---- the customer's earlier contacts ------------------------------------ */

static int history_h(const struct store_history_row *h, void *arg)
{
	json_t **jp = arg, *e;

	if (!json_object_get(*jp, "customer"))
		json_object_set_new(*jp, "customer", json_string(h->customer));
	e = json_pack("{s:I,s:s?,s:s?,s:o,s:s?,s:s?,s:s?,s:s?}", "id",
	              (json_int_t)h->key, "channel", h->channel, "queue",
	              h->queue, "created", web_time_json(h->created_ms),
	              "outcome", h->outcome, "agent", h->agent, "disposition",
	              h->disposition, "notes", h->notes);
	if (e && h->ended_ms)
		json_object_set_new(e, "ended", web_time_json(h->ended_ms));
	return json_array_append_new(json_object_get(*jp, "contacts"), e)
	           ? ENOMEM
	           : 0;
}

/* GET /api/v1/contacts/{id}/history: the same customer's earlier
 * contacts, newest first (10), for the agent who has this one. */
void web_api_contact_history(struct web *w, struct web_call *call,
                             struct web_reply *r)
{
	const struct desk_contact *live;
	json_t *j = web_contact_lookup(w, call, r, &live), *out;
	uint64_t key;
	int err;

	if (!j)
		return;
	key = (uint64_t)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (!w->store) {
		web_reply_error(r, 409, "no-store",
		                "this daemon keeps no contacts");
		return;
	}
	out = json_pack("{s:I,s:[]}", "id", (json_int_t)key, "contacts");
	(void)store_flush_quiet(w); /* the contact itself is written */
	err = out ? store_customer_history(w->store, key, 10, history_h, &out)
	          : ENOMEM;
	if (err) {
		json_decref(out);
		web_reply_error(r, 503, "store-unavailable",
		                "the contacts cannot be read now (%s)",
		                strerror(err));
		return;
	}
	if (!json_object_get(out, "customer")) {
		char who[256];

		json_object_set_new(
		    out, "customer",
		    store_customer_of(w->store, key, who, sizeof(who))
		        ? json_null()
		        : json_string(who));
	}
	web_reply_json(r, 200, out);
}

/* ---- creating a contact ---------------------------------------------- */

/* The "channel" field: what an outside client may create. */
static bool channel_parse(struct web_reply *r, json_t *obj,
                          enum acd_channel *chp)
{
	const char *s;

	if (!web_field_string(r, obj, "channel", true, 16, &s))
		return false;
	if (!strcmp(s, "chat"))
		*chp = ACD_CH_CHAT;
	else if (!strcmp(s, "app"))
		*chp = ACD_CH_APP;
	else if (!strcmp(s, "callback"))
		*chp = ACD_CH_CALLBACK;
	else {
		web_reply_error(
		    r, 400, "bad-field",
		    "field 'channel' must be chat, app or callback");
		return false;
	}
	return true;
}

/* "skills": {"italian": 2, ...}, each a configured skill, 1..5. */
static bool skills_parse(const struct web *w, struct web_reply *r, json_t *obj,
                         struct desk_request *rq)
{
	json_t *v = json_object_get(obj, "skills"), *level;
	const char *name;

	if (!v)
		return true;
	if (!json_is_object(v) || json_object_size(v) > ACD_MAX_REQS) {
		web_reply_error(r, 400, "bad-field",
		                "field 'skills' must be an object of up to %d "
		                "skills and levels",
		                ACD_MAX_REQS);
		return false;
	}
	json_object_foreach(v, name, level)
	{
		uint32_t id = acd_skill_find(w->acd, name);
		json_int_t l = json_integer_value(level);

		if (id == ACD_NONE || !json_is_integer(level) || l < 1 ||
		    l > ACD_PROFICIENCY_MAX) {
			web_reply_error(r, 400, "bad-field",
			                "field 'skills': '%.64s' must be a "
			                "configured skill with a level 1 to %d",
			                name, ACD_PROFICIENCY_MAX);
			return false;
		}
		rq->reqs[rq->nreqs].skill = id;
		rq->reqs[rq->nreqs].min_proficiency = (uint8_t)l;
		rq->nreqs++;
	}
	return true;
}

/* An optional time field: RFC 3339 text; 0 when absent. */
static bool time_field(struct web_reply *r, json_t *obj, const char *key,
                       int64_t *msp)
{
	json_t *v = json_object_get(obj, key);

	*msp = 0;
	if (!v)
		return true;
	if (!json_is_string(v) || !rfc3339_parse(json_string_value(v), msp)) {
		web_reply_error(
		    r, 400, "bad-field",
		    "field '%s' must be a time such as "
		    "2026-11-24T09:30:00Z or 2026-11-24T10:30:00+01:00",
		    key);
		return false;
	}
	return true;
}

/* priority, the callback window and data; false after a 400. */
static bool details_parse(struct web_reply *r, json_t *obj,
                          struct desk_request *rq, int64_t *not_afterp)
{
	json_t *v = json_object_get(obj, "priority");

	if (v && (!json_is_integer(v) || json_integer_value(v) < -100 ||
	          json_integer_value(v) > 100)) {
		web_reply_error(r, 400, "bad-field",
		                "field 'priority' must be an integer from -100 "
		                "to 100");
		return false;
	}
	rq->priority = v ? (int)json_integer_value(v) : 0;
	if (!time_field(r, obj, "not_before", &rq->not_before_ms) ||
	    !time_field(r, obj, "not_after", not_afterp))
		return false;
	if (*not_afterp && *not_afterp <= rq->not_before_ms) {
		web_reply_error(r, 400, "bad-field",
		                "field 'not_after' must be after 'not_before'");
		return false;
	}
	if ((rq->not_before_ms || *not_afterp) &&
	    rq->channel != ACD_CH_CALLBACK) {
		web_reply_error(r, 400, "bad-field",
		                "a time window ('not_before', 'not_after') is "
		                "for callbacks only");
		return false;
	}
	v = json_object_get(obj, "data");
	if (v && !json_is_object(v)) {
		web_reply_error(r, 400, "bad-field",
		                "field 'data' must be an object");
		return false;
	}
	return true;
}

/* The payload kept with the contact: data and the window's end. */
static char *payload_dump(struct web_reply *r, json_t *obj, int64_t not_after)
{
	json_t *data = json_object_get(obj, "data");
	json_t *p = data ? json_deep_copy(data) : json_object();
	char *text;

	if (p && not_after)
		json_object_set_new(p, "not_after", web_time_json(not_after));
	text = p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(p);
	if (text && strlen(text) > PAYLOAD_MAX) {
		free(text);
		web_reply_error(r, 413, "too-large",
		                "field 'data' is over %d bytes as JSON",
		                PAYLOAD_MAX);
		return NULL;
	}
	if (!text)
		web_reply_error(r, 500, "no-memory", "out of memory");
	return text;
}

/*
 * "agent" and "agent_wait" (seconds, default 1800): the contact is kept
 * for that agent first (a personal callback; docs/contacts.md), until
 * agent_wait after it is due. An agent user names only itself.
 */
static bool owner_parse(const struct web *w, const struct web_call *call,
                        struct web_reply *r, json_t *obj,
                        struct desk_request *rq)
{
	const struct config_user *u = call->user;
	json_t *v = json_object_get(obj, "agent_wait");
	uint32_t tenant = acd_queue_tenant(w->acd, rq->queue);
	const char *name;
	int64_t wait_s = 1800;

	if (!web_field_string(r, obj, "agent", false, CONFIG_NAME_MAX, &name))
		return false;
	if (!name) {
		if (v)
			web_reply_error(r, 400, "bad-field",
			                "field 'agent_wait' needs 'agent'");
		return !v;
	}
	if (v && (!json_is_integer(v) || json_integer_value(v) < 60 ||
	          json_integer_value(v) > 7 * 86400)) {
		web_reply_error(r, 400, "bad-field",
		                "field 'agent_wait' must be seconds from 60 to "
		                "604800");
		return false;
	}
	if (v)
		wait_s = json_integer_value(v);
	if (u->role == CONFIG_ROLE_AGENT &&
	    strcmp(name, w->cfg->agents[u->agent.index].name)) {
		web_reply_error(r, 403, "forbidden",
		                "an agent keeps contacts for itself only");
		return false;
	}
	rq->preferred_agent = acd_agent_find(w->acd, tenant, name);
	if (rq->preferred_agent == ACD_NONE) {
		web_reply_error(r, 400, "bad-field",
		                "field 'agent': no agent '%s' in tenant '%s'",
		                name, acd_tenant_name(w->acd, tenant));
		return false;
	}
	rq->preferred_wait_ms = wait_s * 1000; /* from when it is due */
	return true;
}

/* The queue the body names, in a tenant the user belongs to. */
static bool queue_parse(const struct web *w, const struct web_call *call,
                        struct web_reply *r, json_t *obj, uint32_t *qp)
{
	const char *tenant, *queue;
	uint32_t t;

	if (!web_field_string(r, obj, "tenant", true, CONFIG_NAME_MAX,
	                      &tenant) ||
	    !web_field_string(r, obj, "queue", true, CONFIG_NAME_MAX, &queue))
		return false;
	t = web_user_tenant(w->cfg, call->user, tenant)
	        ? acd_tenant_find(w->acd, tenant)
	        : ACD_NONE;
	*qp = t == ACD_NONE ? ACD_NONE : acd_queue_find(w->acd, t, queue);
	if (*qp == ACD_NONE) {
		web_reply_error(r, 404, "not-found",
		                "no queue '%s' in tenant '%s'", queue, tenant);
		return false;
	}
	return true;
}

static void create_reply(struct web *w, struct web_reply *r, int err,
                         uint64_t key)
{
	const struct desk_contact *c = desk_find(w->desk, key);
	json_t *j;

	switch (err) {
	case 0:
		break;
	case EBUSY:
		web_reply_error(r, 409, "queue-full",
		                "the queue is full; try again later");
		return;
	case EIO:
	case ENOSPC:
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the contact could not be recorded, so it was "
		                "not taken; try again");
		return;
	default:
		web_reply_error(r, 500, "internal",
		                "the contact was not taken "
		                "(%s)",
		                strerror(err));
		return;
	}
	/* created, and already through its first routing: it may even be
	 * over (a fallback), in which case the store tells */
	j = c ? live_json(w, c) : ended_json(w, key);
	web_reply_json(r, 201, j);
}

void web_api_contact_create(struct web *w, struct web_call *call,
                            struct web_reply *r)
{
	static const char *const keys[] = {"tenant",     "queue",  "channel",
	                                   "priority",   "skills", "not_before",
	                                   "not_after",  "data",   "agent",
	                                   "agent_wait", NULL};
	struct desk_request rq = {0};
	int64_t not_after = 0;
	uint64_t key = 0;
	char *payload = NULL;
	json_t *obj;
	int err;

	if (!desk_ready(w, r) || !(obj = web_body_object(call, r, keys)))
		return;
	if (queue_parse(w, call, r, obj, &rq.queue) &&
	    channel_parse(r, obj, &rq.channel) &&
	    skills_parse(w, r, obj, &rq) &&
	    details_parse(r, obj, &rq, &not_after) &&
	    owner_parse(w, call, r, obj, &rq) &&
	    (payload = payload_dump(r, obj, not_after))) {
		rq.payload = payload;
		err = desk_create(w->desk, &rq, &key);
		if (!err)
			log_event(LOG_INFO, "contact.created",
			          "key=%" PRIu64 " channel=%s queue=%s user=%s",
			          key, acd_channel_name(rq.channel),
			          acd_queue_name(w->acd, rq.queue),
			          call->user->name);
		create_reply(w, r, err, key);
	}
	free(payload);
	json_decref(obj);
}

/* ---- the agent's actions ---------------------------------------------- */

/* The body of an action: who acts and what they record. */
struct action_body {
	json_t *obj; /* NULL: no body */
	uint32_t agent;
	const char *disposition, *notes;
};

/*
 * The engine id of the agent acting: an agent user acts as itself; a
 * supervisor or an administrator names an agent of the contact's tenant
 * in "agent". ACD_NONE after an error in r.
 */
static uint32_t acting_agent(const struct web *w, const struct web_call *call,
                             const struct desk_contact *c, json_t *obj,
                             struct web_reply *r)
{
	const struct config_user *u = call->user;
	const char *name = NULL;
	uint32_t id;

	if (u->role == CONFIG_ROLE_AGENT) {
		name = w->cfg->agents[u->agent.index].name;
	} else if (!obj) {
		web_reply_error(r, 400, "missing-field",
		                "field 'agent' is required: the agent this is "
		                "done for");
		return ACD_NONE;
	} else if (!web_field_string(r, obj, "agent", true, CONFIG_NAME_MAX,
	                             &name)) {
		return ACD_NONE;
	}
	id = acd_agent_find(w->acd, c->tenant, name);
	if (id == ACD_NONE)
		web_reply_error(r, 404, "not-found",
		                "no agent '%s' in the contact's tenant", name);
	return id;
}

/* The configured queue of contact c, or NULL. */
static const struct config_queue *queue_cfg(const struct web *w,
                                            const struct desk_contact *c)
{
	const char *tenant = acd_tenant_name(w->acd, c->tenant);
	const char *queue = acd_queue_name(w->acd, c->queue);

	for (size_t i = 0; tenant && queue && i < w->cfg->nqueues; i++)
		if (!strcmp(w->cfg->queues[i].tenant.name, tenant) &&
		    !strcmp(w->cfg->queues[i].name, queue))
			return &w->cfg->queues[i];
	return NULL;
}

/* "disposition" (one of the queue's codes when it lists some) and
 * "notes"; false after a 400. */
static bool record_parse(const struct web *w, const struct desk_contact *c,
                         struct action_body *b, struct web_reply *r)
{
	const struct config_queue *q = queue_cfg(w, c);
	bool known = false;

	if (!web_field_string(r, b->obj, "disposition", false, CONFIG_NAME_MAX,
	                      &b->disposition) ||
	    !web_field_string(r, b->obj, "notes", false, 4097, &b->notes))
		return false;
	if (!b->disposition || !q || !q->ndispositions)
		return true;
	for (unsigned i = 0; i < q->ndispositions; i++)
		known |= !strcmp(q->dispositions[i], b->disposition);
	if (!known)
		web_reply_error(
		    r, 400, "bad-field",
		    "field 'disposition' must be one of the codes of "
		    "queue '%s' (%s%s%s...)",
		    q->name, q->dispositions[0],
		    q->ndispositions > 1 ? ", " : "",
		    q->ndispositions > 1 ? q->dispositions[1] : "");
	return known;
}

static void action_reply(struct web *w, struct web_reply *r, int err,
                         uint64_t key, const char *what)
{
	const struct desk_contact *c;

	switch (err) {
	case 0:
		/* an end the agent heard of is not undone by a crash */
		(void)store_flush_quiet(w);
		c = desk_find(w->desk, key);
		web_reply_json(r, 200,
		               c ? live_json(w, c) : ended_json(w, key));
		return;
	case EPERM:
		web_reply_error(r, 403, "forbidden",
		                "contact %" PRIu64 " is not offered to or "
		                "handled by this agent",
		                key);
		return;
	case ESTALE:
		web_reply_error(r, 409, "offer-gone",
		                "the offer of contact %" PRIu64 " is no longer "
		                "out (taken, timed out or withdrawn)",
		                key);
		return;
	default:
		web_reply_error(r, 409, "state-refused",
		                "contact %" PRIu64 " cannot be %s now", key,
		                what);
		return;
	}
}

void web_contact_reply(struct web *w, struct web_reply *r, uint64_t key)
{
	action_reply(w, r, 0, key, NULL);
}

enum action { ACCEPT, REJECT, FINISH, WRAPUP_DONE };

static void agent_action(struct web *w, struct web_call *call,
                         struct web_reply *r, enum action a)
{
	static const char *const what[] = {"accepted", "rejected", "finished",
	                                   "wrapped up"};
	static const char *const keys[] = {"agent", "disposition", "notes",
	                                   NULL};
	const struct desk_contact *c;
	json_t *j = web_contact_lookup(w, call, r, &c);
	struct action_body b = {NULL, ACD_NONE, NULL, NULL};
	uint64_t key;
	int err;

	json_decref(j);
	if (!j)
		return;
	/* a phone call's wrap-up is the agent's to end too (the call's own
	 * controls are api_call.c's) */
	if (!c ||
	    (!c->hosted && !(a == WRAPUP_DONE && c->channel == ACD_CH_VOICE))) {
		web_reply_error(r, 409, "state-refused",
		                "contact %s is not open on the desk",
		                call->params[0]);
		return;
	}
	key = c->key;
	if (call->body_len && !(b.obj = web_body_object(call, r, keys)))
		return;
	b.agent = acting_agent(w, call, c, b.obj, r);
	if (b.agent == ACD_NONE)
		goto out;
	if (a == FINISH || a == WRAPUP_DONE) {
		if (!record_parse(w, c, &b, r))
			goto out;
	} else if (json_object_get(b.obj, "disposition") ||
	           json_object_get(b.obj, "notes")) {
		web_reply_error(
		    r, 400, "bad-field",
		    "a disposition and notes are recorded by finish "
		    "or wrapup-done");
		goto out;
	}
	err = a == ACCEPT   ? desk_accept(w->desk, key, b.agent)
	      : a == REJECT ? desk_reject(w->desk, key, b.agent)
	      : a == FINISH ? desk_finish(w->desk, key, b.agent)
	                    : desk_wrapup_done(w->desk, key, b.agent);
	/* recorded once the engine agreed, before the answer's commit */
	if (!err && (b.disposition || b.notes))
		err = desk_record(w->desk, key, b.disposition, b.notes);
	log_event(err ? LOG_DEBUG : LOG_INFO, "contact.action",
	          "key=%" PRIu64 " action=%s agent=%s user=%s disposition=%s "
	          "error=%d",
	          key, what[a], acd_agent_name(w->acd, b.agent),
	          call->user->name, b.disposition ? b.disposition : "-", err);
	action_reply(w, r, err, key, what[a]);
out:
	json_decref(b.obj);
}

void web_api_contact_accept(struct web *w, struct web_call *call,
                            struct web_reply *r)
{
	agent_action(w, call, r, ACCEPT);
}

void web_api_contact_reject(struct web *w, struct web_call *call,
                            struct web_reply *r)
{
	agent_action(w, call, r, REJECT);
}

void web_api_contact_finish(struct web *w, struct web_call *call,
                            struct web_reply *r)
{
	agent_action(w, call, r, FINISH);
}

void web_api_contact_wrapup_done(struct web *w, struct web_call *call,
                                 struct web_reply *r)
{
	agent_action(w, call, r, WRAPUP_DONE);
}

/* DELETE: the customer withdrew (closed the chat, cancelled). */
void web_api_contact_withdraw(struct web *w, struct web_call *call,
                              struct web_reply *r)
{
	const struct desk_contact *c;
	json_t *j = web_contact_lookup(w, call, r, &c);
	uint64_t key;
	int err;

	json_decref(j);
	if (!j)
		return;
	key = c ? c->key : 0;
	err = c && c->hosted ? desk_withdraw(w->desk, key) : ENOENT;
	if (err) {
		web_reply_error(r, 409, "state-refused",
		                "contact %s is not open on the desk",
		                call->params[0]);
		return;
	}
	web_reply_json(r, 200, ended_json(w, key)); /* c is gone */
}

/* ---- the list ------------------------------------------------------- */

struct lister {
	const struct web *w;
	const struct config_user *user;
	uint32_t agent; /* an agent user's own, else ACD_NONE */
	json_t *list;
};

static void list_one(const struct desk_contact *c, void *arg)
{
	struct lister *l = arg;

	if (!web_user_tenant(l->w->cfg, l->user,
	                     acd_tenant_name(l->w->acd, c->tenant)))
		return;
	/* an agent: what it has, and what is kept for it (its callbacks) */
	if (l->user->role == CONFIG_ROLE_AGENT && c->agent != l->agent &&
	    c->owner != l->agent)
		return;
	if (json_array_size(l->list) < 1000)
		json_array_append_new(l->list, live_json(l->w, c));
}

/* GET: the live contacts of the user's tenants (an agent: its own). */
void web_api_contacts(struct web *w, struct web_call *call, struct web_reply *r)
{
	struct lister l = {.w = w, .user = call->user, .agent = ACD_NONE};

	if (!desk_ready(w, r))
		return;
	if (call->user->role == CONFIG_ROLE_AGENT)
		l.agent =
		    web_agent_id(w, &w->cfg->agents[call->user->agent.index]);
	l.list = json_array();
	desk_each(w->desk, list_one, &l);
	web_reply_json(r, 200, json_pack("{s:o}", "contacts", l.list));
}
