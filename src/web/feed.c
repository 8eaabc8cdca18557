/*
 * feed.c - the engine's events as the WebSocket sends them: a ring of
 * the last WEB_FEED_MAX events, each serialised to JSON once, numbered by
 * one sequence for the whole process, and kept with its tenant, queue and
 * agent ids so that each subscriber is given only what it may see.
 *
 * The feed carries an epoch, 64 random bits drawn when it is created: a
 * client that comes back to a restarted daemon presents a resume token of
 * another epoch and is told to start again from REST, instead of being
 * given the wrong events under numbers that happen to match.
 *
 * One ring for everyone, not one queue per subscriber: an event costs one
 * serialisation however many browsers watch, a reconnecting client is
 * served from the same memory, and the memory is bounded by the ring
 * whatever the clients do. The alternative, a queue per client, grows
 * with the slowest client and copies every event once per client.
 */
#include <string.h>

#include <sodium.h>

#include "web/web_int.h"

struct web_feed {
	struct web_feed_entry *ring; /* seq s lives at (s - 1) % cap */
	size_t cap;
	uint64_t next; /* the seq of the next event; the first is 1 */
	size_t bytes;  /* JSON held */
	char epoch[WEB_EPOCH_HEX + 1];
};

static void entry_clear(struct web_feed *f, struct web_feed_entry *e)
{
	f->bytes -= e->full_len + e->figures_len;
	free(e->full);
	free(e->figures);
	memset(e, 0, sizeof(*e));
}

static void feed_destructor(void *arg)
{
	struct web_feed *f = arg;
	for (size_t i = 0; f->ring && i < f->cap; i++)
		entry_clear(f, &f->ring[i]);
	mem_deref(f->ring);
}

int web_feed_alloc(struct web_feed **fp, size_t cap)
{
	uint8_t epoch[WEB_EPOCH_HEX / 2];
	struct web_feed *f;

	if (!fp || !cap)
		return EINVAL;
	f = mem_zalloc(sizeof(*f), feed_destructor);
	if (!f)
		return ENOMEM;
	f->ring = mem_zalloc(cap * sizeof(*f->ring), NULL);
	if (!f->ring) {
		mem_deref(f);
		return ENOMEM;
	}
	f->cap = cap;
	f->next = 1;
	randombytes_buf(epoch, sizeof(epoch));
	sodium_bin2hex(f->epoch, sizeof(f->epoch), epoch, sizeof(epoch));
	*fp = f;
	return 0;
}

const char *web_feed_epoch(const struct web_feed *f)
{
	return f->epoch;
}

uint64_t web_feed_last(const struct web_feed *f)
{
	return f->next - 1;
}

uint64_t web_feed_first(const struct web_feed *f)
{
	return f->next > f->cap ? f->next - f->cap : 1;
}

size_t web_feed_bytes(const struct web_feed *f)
{
	return f->bytes;
}

const struct web_feed_entry *web_feed_at(const struct web_feed *f, uint64_t seq)
{
	if (seq < web_feed_first(f) || seq >= f->next)
		return NULL;
	return &f->ring[(seq - 1) % f->cap];
}

/* The tenant of an event: its own, else its agent's. */
static uint32_t event_tenant(const struct acd *acd, const struct acd_event *ev)
{
	if (ev->tenant != ACD_NONE)
		return ev->tenant;
	return ev->agent != ACD_NONE ? acd_agent_tenant(acd, ev->agent)
	                             : ACD_NONE;
}

static void set_name(json_t *obj, const char *key, const char *name)
{
	if (name)
		json_object_set_new(obj, key, json_string(name));
}

/* The queue's figures right after the event, into obj. */
static void figures_add(json_t *obj, const struct acd *acd, uint32_t queue)
{
	struct acd_queue_stats st;
	if (acd_queue_stats(acd, queue, &st))
		return;
	json_object_set_new(obj, "waiting", json_integer(st.waiting));
	json_object_set_new(obj, "oldest_wait_ms",
	                    json_integer(st.oldest_wait));
}

/* {"type", "seq", "ts", "tenant", ...}: what any message starts with. */
static json_t *head(const struct acd *acd, const char *type, uint64_t seq,
                    int64_t wall_ms, uint32_t tenant)
{
	json_t *obj = json_pack("{s:s,s:I,s:I}", "type", type, "seq",
	                        (json_int_t)seq, "ts", (json_int_t)wall_ms);
	if (obj && tenant != ACD_NONE)
		set_name(obj, "tenant", acd_tenant_name(acd, tenant));
	return obj;
}

static void contact_add(json_t *obj, const struct acd_event *ev)
{
	json_object_set_new(obj, "contact",
	                    json_integer((json_int_t)ev->contact));
	json_object_set_new(obj, "channel",
	                    json_string(acd_channel_name(ev->channel)));
	json_object_set_new(obj, "wait_ms", json_integer(ev->wait));
}

static json_t *event_json(const struct acd *acd, const struct acd_event *ev,
                          uint64_t seq, int64_t wall_ms, uint32_t tenant)
{
	json_t *obj = head(acd, acd_event_name(ev->type), seq, wall_ms, tenant);
	if (!obj)
		return NULL;
	if (ev->queue != ACD_NONE)
		set_name(obj, "queue", acd_queue_name(acd, ev->queue));
	if (ev->agent != ACD_NONE)
		set_name(obj, "agent", acd_agent_name(acd, ev->agent));
	if (ev->contact)
		contact_add(obj, ev);
	if (ev->reason && ev->reason[0])
		set_name(obj, "reason", ev->reason);
	if (ev->type == ACD_EV_AGENT_STATE) {
		set_name(obj, "state", acd_agent_state_name(ev->agent_state));
		set_name(obj, "previous", acd_agent_state_name(ev->agent_prev));
	}
	if (ev->type == ACD_EV_CONTACT_FALLBACK) {
		set_name(obj, "cause", acd_fallback_cause_name(ev->cause));
		if (ev->fallback)
			set_name(
			    obj, "action",
			    acd_fallback_action_name(ev->fallback->action));
	}
	if (ev->queue != ACD_NONE)
		figures_add(obj, acd, ev->queue);
	return obj;
}

/* The JSON text of obj (consumed) into *textp and *lenp; ENOMEM. */
static int dump(json_t *obj, char **textp, size_t *lenp)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (!text)
		return ENOMEM;
	*textp = text;
	*lenp = strlen(text);
	return 0;
}

int web_feed_append(struct web_feed *f, const struct acd *acd,
                    const struct acd_event *ev, int64_t wall_ms)
{
	struct web_feed_entry e = {0};
	int err;

	e.seq = f->next;
	e.tenant = event_tenant(acd, ev);
	e.queue = ev->queue;
	e.agent = ev->agent;
	err = dump(event_json(acd, ev, e.seq, wall_ms, e.tenant), &e.full,
	           &e.full_len);
	if (!err && ev->queue != ACD_NONE) {
		json_t *obj =
		    head(acd, "queue-figures", e.seq, wall_ms, e.tenant);
		if (obj) {
			set_name(obj, "queue", acd_queue_name(acd, ev->queue));
			figures_add(obj, acd, ev->queue);
		}
		err = dump(obj, &e.figures, &e.figures_len);
	}
	if (err) {
		free(e.full);
		return err;
	}
	entry_clear(f, &f->ring[(e.seq - 1) % f->cap]);
	f->ring[(e.seq - 1) % f->cap] = e;
	f->bytes += e.full_len + e.figures_len;
	f->next++;
	return 0;
}

/*
 * A chat's new message is told, not shown: the event carries the
 * contact, the message's seq and who wrote it, and the reader fetches
 * the text with GET .../messages?after=SEQ. The ring then holds no
 * conversation (it keeps 65,536 events in memory for resumes), and a
 * message is read through the one route that checks who may read it.
 */
int web_feed_append_chat(struct web_feed *f, const struct acd *acd,
                         const struct web_chat_note *n, int64_t wall_ms)
{
	struct web_feed_entry e = {0};
	json_t *obj;
	int err;

	e.seq = f->next;
	e.tenant = n->tenant;
	e.queue = ACD_NONE; /* no queue figures: nothing for colleagues */
	e.agent = n->agent;
	obj = head(acd, n->typing ? "chat-typing" : "chat-message", e.seq,
	           wall_ms, n->tenant);
	if (obj) {
		set_name(obj, "queue", acd_queue_name(acd, n->queue));
		if (n->agent != ACD_NONE)
			set_name(obj, "agent", acd_agent_name(acd, n->agent));
		json_object_set_new(obj, "contact",
		                    json_integer((json_int_t)n->contact));
		json_object_set_new(obj, "key",
		                    json_integer((json_int_t)n->key));
		json_object_set_new(obj, "channel", json_string("chat"));
		if (!n->typing)
			json_object_set_new(
			    obj, "message",
			    json_integer((json_int_t)n->message));
		set_name(obj, "sender", n->sender);
	}
	err = dump(obj, &e.full, &e.full_len);
	if (err)
		return err;
	entry_clear(f, &f->ring[(e.seq - 1) % f->cap]);
	f->ring[(e.seq - 1) % f->cap] = e;
	f->bytes += e.full_len;
	f->next++;
	return 0;
}

void web_view_build(struct web_view *v, const struct web *w,
                    const struct config_user *u)
{
	memset(v, 0, sizeof(*v));
	v->agent = ACD_NONE;
	for (unsigned i = 0; i < u->ntenants && i < CONFIG_USER_TENANTS; i++) {
		uint32_t t = acd_tenant_find(w->acd, u->tenants[i].name);
		if (t != ACD_NONE)
			v->tenants[v->ntenants++] = t;
	}
	v->all = u->role != CONFIG_ROLE_AGENT;
	if (v->all || !u->agent.name[0] || !v->ntenants)
		return;
	v->agent = acd_agent_find(w->acd, v->tenants[0], u->agent.name);
	if (v->agent == ACD_NONE)
		return;
	v->nqueues =
	    acd_agent_queues(w->acd, v->agent, v->queues, WEB_VIEW_QUEUES);
	if (v->nqueues > WEB_VIEW_QUEUES)
		v->nqueues = WEB_VIEW_QUEUES;
}

static bool has(const uint32_t *v, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] == id)
			return true;
	}
	return false;
}

const char *web_view_message(const struct web_view *v,
                             const struct web_feed_entry *e, size_t *lenp)
{
	if (!e || e->tenant == ACD_NONE ||
	    !has(v->tenants, v->ntenants, e->tenant))
		return NULL;
	if (v->all || (v->agent != ACD_NONE && e->agent == v->agent)) {
		*lenp = e->full_len;
		return e->full;
	}
	if (e->figures && e->queue != ACD_NONE &&
	    has(v->queues, v->nqueues, e->queue)) {
		*lenp = e->figures_len;
		return e->figures;
	}
	return NULL;
}
