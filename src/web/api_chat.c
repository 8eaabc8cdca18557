/*
 * api_chat.c - the web chat channel: a visitor of a website opens a chat
 * in a queue open to the public, sees their place in line, writes and
 * reads messages, and leaves; the agent handling it reads and writes the
 * same conversation.
 *
 * A visitor signs in with nothing: opening a chat returns a token of 256
 * random bits that is the key to that chat alone (only its hash is kept,
 * in the store, so the visitor gets back in after a restart). Every
 * message carries the sender's own id and gets a seq: a message sent
 * again after a network blip is stored once, and a reader that asks for
 * what follows the last seq it saw misses nothing and sees nothing twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/log.h"
#include "desk/desk.h"
#include "email/email.h"
#include "store/store.h"
#include "web/web_int.h"

#define CHAT_TOKEN_BYTES 32
#define CHAT_TOKEN_HEX   (2 * CHAT_TOKEN_BYTES)
#define CHAT_HASH_HEX    (2 * crypto_hash_sha256_BYTES)
#define CHAT_BODY_MAX    4096  /* bytes of one message */
#define CHAT_CLIENT_MAX  64    /* bytes of a sender's message id */
#define CHAT_READ_MAX    500   /* messages in one answer */
#define CHAT_OPEN_MAX    10    /* chats one address may open ... */
#define CHAT_OPEN_WINDOW 60000 /* ... per this many ms */

/* ---- small helpers ----------------------------------------------------- */

/* The value of name in a query string ("?a=1&after=5"), as an unsigned
 * number: 0, ENOENT when absent, EINVAL when not a plain decimal. */
static int query_u64(const struct pl *prm, const char *name, uint64_t *vp)
{
	size_t nlen = strlen(name);
	const char *p = prm->p, *end = prm->p + prm->l;

	if (p < end && *p == '?')
		p++;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) > nlen && !memcmp(p, name, nlen) &&
		    p[nlen] == '=') {
			uint64_t v = 0;
			const char *d = p + nlen + 1;
			if (d == stop || stop - d > 19)
				return EINVAL;
			for (; d < stop; d++) {
				if (*d < '0' || *d > '9')
					return EINVAL;
				v = v * 10 + (uint64_t)(*d - '0');
			}
			*vp = v;
			return 0;
		}
		p = amp ? amp + 1 : end;
	}
	return ENOENT;
}

/* The "after" parameter: 0 when absent; false after a 400. */
static bool after_of(const struct web_call *call, struct web_reply *r,
                     uint64_t *afterp)
{
	const struct pl *prm = &call->msg->prm;
	int err = query_u64(prm, "after", afterp);

	if (err == ENOENT)
		*afterp = 0;
	if (err != EINVAL)
		return true;
	web_reply_error(r, 400, "bad-field",
	                "parameter 'after' must be the seq of a message");
	return false;
}

/* hex(sha256(token)) into out (CHAT_HASH_HEX + 1 bytes). */
static void token_hash(const char *token, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, CHAT_HASH_HEX + 1, h, sizeof(h));
}

/* A new message of chat c (seq), or its sender typing (seq 0): a
 * "chat-message" or "chat-typing" event for the supervisors and the
 * chat's agent, whose pages then fetch the message. */
static void message_told(struct web *w, const struct desk_contact *c,
                         uint64_t seq, const char *sender)
{
	struct web_chat_note n = {
	    .tenant = c->tenant,
	    .queue = c->queue,
	    .agent = c->agent,
	    .contact = c->contact,
	    .key = c->key,
	    .message = seq,
	    .sender = sender,
	    .typing = !seq,
	};
	struct timespec ts;

	if (!w->feed)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (web_feed_append_chat(w->feed, w->acd, &n,
	                         (int64_t)ts.tv_sec * 1000 +
	                             ts.tv_nsec / 1000000))
		log_event(LOG_WARN, "ws.feed-failed", "err=%d", ENOMEM);
	else
		web_subs_notify(w);
}

/* ---- opening a chat ------------------------------------------------------ */

/* Is addr over its share of new chats? Counts this one if not. */
static bool open_throttled(struct web *w, const struct sa *peer)
{
	char addr[64] = "?";
	uint64_t now = web_now(w);
	struct web_rate *free_slot = NULL, *oldest = &w->chat_rate[0];

	if (peer)
		(void)re_snprintf(addr, sizeof(addr), "%j", peer);
	for (size_t i = 0; i < WEB_CHAT_RATE_N; i++) {
		struct web_rate *e = &w->chat_rate[i];
		if (!e->addr[0] || now - e->window_start >= CHAT_OPEN_WINDOW) {
			if (!free_slot)
				free_slot = e;
			continue;
		}
		if (!strcmp(e->addr, addr)) {
			if (e->count >= CHAT_OPEN_MAX)
				return true;
			e->count++;
			return false;
		}
		if (e->window_start < oldest->window_start)
			oldest = e;
	}
	if (!free_slot)
		free_slot = oldest;
	snprintf(free_slot->addr, sizeof(free_slot->addr), "%s", addr);
	free_slot->window_start = now;
	free_slot->count = 1;
	return false;
}

/* The queue of tenant/name if it is open to the web chat, else ACD_NONE. */
static uint32_t public_queue(const struct web *w, const char *tenant,
                             const char *name)
{
	for (size_t i = 0; i < w->cfg->nqueues; i++) {
		const struct config_queue *q = &w->cfg->queues[i];
		uint32_t t;
		if (!q->web_chat || strcmp(q->tenant.name, tenant) ||
		    strcmp(q->name, name))
			continue;
		t = acd_tenant_find(w->acd, tenant);
		return t == ACD_NONE ? ACD_NONE
		                     : acd_queue_find(w->acd, t, name);
	}
	return ACD_NONE;
}

/* The visitor's data: name, topic, language, page; false after a 400. */
/* An address a mail may go to: local@domain.tld, nothing a header
 * could be bent with (spaces, controls, quotes, <>, commas). */
bool web_email_valid(const char *a)
{
	const char *at = strchr(a, '@');
	size_t n = strlen(a);

	if (!at || at == a || strchr(at + 1, '@') || n > 254 ||
	    !strchr(at + 1, '.') || at[1] == '.' || a[n - 1] == '.')
		return false;
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || (unsigned char)*a >= 127 ||
		    strchr("\"<>(),;:[]\\", *a))
			return false;
	return true;
}

static char *visitor_payload(struct web_reply *r, json_t *obj)
{
	static const char *const optional[] = {"topic", "language", "page"};
	json_t *p = json_object();
	const char *v;
	char *text = NULL;

	if (!p)
		goto nomem;
	if (!web_field_string(r, obj, "name", true, 128, &v))
		goto out;
	json_object_set_new(p, "name", json_string(v));
	for (size_t i = 0; i < sizeof(optional) / sizeof(*optional); i++) {
		if (!web_field_string(r, obj, optional[i], false, 256, &v))
			goto out;
		if (v)
			json_object_set_new(p, optional[i], json_string(v));
	}
	/* an address recognises a returning visitor and gets the transcript */
	if (!web_field_string(r, obj, "email", false, 255, &v))
		goto out;
	if (v && !web_email_valid(v)) {
		web_reply_error(r, 400, "bad-field",
		                "field 'email' is not an e-mail address");
		goto out;
	}
	if (v)
		json_object_set_new(p, "email", json_string(v));
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		goto nomem;
out:
	json_decref(p);
	return text;
nomem:
	json_decref(p);
	web_reply_error(r, 500, "no-memory", "out of memory");
	return NULL;
}

static json_t *place_json(const struct web *w, const struct desk_contact *c,
                          json_t *j)
{
	acd_time_t ewt;
	unsigned pos;
	enum acd_contact_state st = acd_contact_state(w->acd, c->contact);

	json_object_set_new(j, "state",
	                    json_string(store_contact_state_name(st)));
	if (!acd_contact_ewt(w->acd, c->contact, &ewt, &pos)) {
		json_object_set_new(j, "position", json_integer(pos + 1));
		json_object_set_new(j, "estimated_wait_ms",
		                    json_integer((json_int_t)ewt));
	}
	json_object_set_new(j, "agent",
	                    c->agent != ACD_NONE && st == ACD_CONTACT_CONNECTED
	                        ? json_string(acd_agent_name(w->acd, c->agent))
	                        : json_null());
	return j;
}

static bool chat_ready(const struct web *w, struct web_reply *r)
{
	if (w->desk && w->store)
		return true;
	web_reply_error(r, 409, "no-chat",
	                "this daemon keeps no conversations (no store)");
	return false;
}

/* POST /api/v1/chats: a visitor opens a chat; no sign-in. */
void web_api_chat_open(struct web *w, struct web_call *call,
                       struct web_reply *r)
{
	static const char *const keys[] = {"tenant", "queue",    "name",
	                                   "topic",  "language", "page",
	                                   "email",  NULL};
	struct desk_request rq = {.channel = ACD_CH_CHAT};
	char token[CHAT_TOKEN_HEX + 1], hash[CHAT_HASH_HEX + 1];
	unsigned char raw[CHAT_TOKEN_BYTES];
	const char *tenant, *queue;
	char *payload = NULL;
	uint64_t key = 0;
	json_t *obj;
	int err;

	if (!chat_ready(w, r) || !(obj = web_body_object(call, r, keys)))
		return;
	if (!web_field_string(r, obj, "tenant", true, CONFIG_NAME_MAX,
	                      &tenant) ||
	    !web_field_string(r, obj, "queue", true, CONFIG_NAME_MAX, &queue) ||
	    !(payload = visitor_payload(r, obj)))
		goto out;
	rq.queue = public_queue(w, tenant, queue);
	if (rq.queue == ACD_NONE) {
		web_reply_error(r, 404, "not-found",
		                "no chat queue '%s' in tenant '%s'", queue,
		                tenant);
		goto out;
	}
	if (open_throttled(w, call->peer)) {
		r->retry_after = CHAT_OPEN_WINDOW / 1000;
		web_reply_error(r, 429, "throttled",
		                "too many chats opened from this address");
		goto out;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	token_hash(token, hash);
	rq.payload = payload;
	rq.secret = hash;
	err = desk_create(w->desk, &rq, &key);
	if (err == EBUSY) {
		web_reply_error(r, 409, "queue-full",
		                "all our operators are busy and the line is "
		                "full; please try again later");
	} else if (err) {
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the chat could not be opened; try again");
	} else {
		const struct desk_contact *c = desk_find(w->desk, key);
		json_t *j = json_pack("{s:I,s:s}", "id", (json_int_t)key,
		                      "token", token);
		log_event(LOG_INFO, "chat.opened", "key=%" PRIu64 " queue=%s",
		          key, queue);
		web_reply_json(r, 201,
		               c && j ? place_json(w, c, j)
		                      : (json_object_set_new(
		                             j, "state", json_string("ended")),
		                         j));
	}
out:
	sodium_memzero(raw, sizeof(raw));
	free(payload);
	json_decref(obj);
}

/* ---- the visitor's chat ------------------------------------------------ */

/* What a visitor's token opens: the live chat, or an ended one's data
 * from the store; NULL after a 404 (a wrong token is as no chat). */
struct visit {
	uint64_t key;
	const struct desk_contact *live;
	bool ended;
	char outcome[32];
};

/* An ended chat's secret, outcome, queue and data, from the store. */
struct ended {
	char hash[CHAT_HASH_HEX + 1];
	char outcome[32];
	char tenant[CONFIG_NAME_MAX], queue[CONFIG_NAME_MAX];
	char *payload;
};

static int ended_h(const struct store_contact *c, void *arg)
{
	struct ended *e = arg;

	snprintf(e->hash, sizeof(e->hash), "%s", c->secret ? c->secret : "");
	snprintf(e->outcome, sizeof(e->outcome), "%s",
	         c->outcome ? c->outcome : "");
	snprintf(e->tenant, sizeof(e->tenant), "%s",
	         c->tenant ? c->tenant : "");
	snprintf(e->queue, sizeof(e->queue), "%s", c->queue ? c->queue : "");
	e->payload = c->payload ? strdup(c->payload) : NULL;
	return 0;
}

static bool visitor_of(struct web *w, const struct web_call *call,
                       struct web_reply *r, struct visit *v)
{
	char want[CHAT_HASH_HEX + 1], token[CHAT_TOKEN_HEX + 1];
	struct ended got = {"", "", "", "", NULL};
	const struct http_hdr *h = http_msg_xhdr(call->msg, "X-Chat-Token");

	memset(v, 0, sizeof(*v));
	if (!chat_ready(w, r))
		return false;
	v->key = web_key_param(call);
	if (h && h->val.l == CHAT_TOKEN_HEX && v->key) {
		(void)pl_strcpy(&h->val, token, sizeof(token));
		token_hash(token, want);
		v->live = desk_find(w->desk, v->key);
		if (v->live && v->live->secret)
			snprintf(got.hash, sizeof(got.hash), "%s",
			         v->live->secret);
		else if (!v->live && !store_flush(w->store))
			(void)store_contact_get(w->store, v->key, ended_h,
			                        &got);
		if (strlen(got.hash) == CHAT_HASH_HEX &&
		    !sodium_memcmp(got.hash, want, CHAT_HASH_HEX)) {
			v->ended = !v->live;
			snprintf(v->outcome, sizeof(v->outcome), "%s",
			         got.outcome);
			free(got.payload);
			return true;
		}
		free(got.payload);
	}
	web_reply_error(r, 404, "not-found",
	                "no chat %s for this token (header X-Chat-Token)",
	                call->params[0]);
	return false;
}

static int message_h(const struct store_message *m, void *arg)
{
	json_t *list = arg;
	char t[64] = "";
	json_t *j;

	if (m->wall_ms > 0) {
		time_t s = (time_t)(m->wall_ms / 1000);
		struct tm tm;
		if (gmtime_r(&s, &tm))
			snprintf(t, sizeof(t),
			         "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			         tm.tm_hour, tm.tm_min, tm.tm_sec,
			         (int)(m->wall_ms % 1000));
	}
	j = json_pack("{s:I,s:s,s:s?,s:s,s:s?,s:s}", "seq", (json_int_t)m->seq,
	              "sender", m->sender, "agent", m->agent, "client_id",
	              m->client_id, "body", m->body, "time", t);
	return j && !json_array_append_new(list, j) ? 0 : ENOMEM;
}

/* The messages of key after seq into j's "messages"; false after a 503. */
static bool messages_into(struct web *w, uint64_t key, uint64_t after,
                          json_t *j, struct web_reply *r)
{
	json_t *list = json_array();
	int err = list ? store_flush(w->store) : ENOMEM;

	if (!err)
		err = store_messages_read(w->store, key, after, CHAT_READ_MAX,
		                          message_h, list);
	if (err) {
		json_decref(list);
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the conversation cannot be read now");
		return false;
	}
	json_object_set_new(j, "messages", list);
	return true;
}

/* GET /api/v1/chats/{id}?after=SEQ: the place in line and new messages. */
void web_api_chat_read(struct web *w, struct web_call *call,
                       struct web_reply *r)
{
	struct visit v;
	uint64_t after;
	json_t *j;

	if (!visitor_of(w, call, r, &v) || !after_of(call, r, &after))
		return;
	j = json_pack("{s:I}", "id", (json_int_t)v.key);
	if (!j)
		return;
	if (v.live) {
		place_json(w, v.live, j);
		json_object_set_new(
		    j, "agent_typing",
		    json_boolean(web_typing_agent_now(w, v.key)));
	} else {
		json_object_set_new(j, "state", json_string("ended"));
		json_object_set_new(j, "outcome", json_string(v.outcome));
	}
	if (!messages_into(w, v.key, after, j, r)) {
		json_decref(j);
		return;
	}
	web_reply_json(r, 200, j);
}

/* The body of a message post: client_id and body; false after a 400. */
static bool message_fields(const struct web_call *call, struct web_reply *r,
                           json_t **objp, const char **idp, const char **bodyp,
                           const char *const *keys)
{
	*objp = web_body_object(call, r, keys);
	if (!*objp)
		return false;
	return web_field_string(r, *objp, "client_id", true, CHAT_CLIENT_MAX,
	                        idp) &&
	       web_field_string(r, *objp, "body", true, CHAT_BODY_MAX + 1,
	                        bodyp);
}

static void message_reply(struct web_reply *r, int err, uint64_t seq, bool dup)
{
	switch (err) {
	case 0:
		web_reply_json(r, dup ? 200 : 201,
		               json_pack("{s:I,s:b}", "seq", (json_int_t)seq,
		                         "duplicate", dup));
		return;
	case EPERM:
		web_reply_error(r, 409, "state-refused",
		                "the conversation is not open to this sender "
		                "now");
		return;
	case ENOENT:
		web_reply_error(r, 409, "state-refused",
		                "the conversation is over");
		return;
	default:
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the message could not be recorded; send it "
		                "again with the same client_id");
		return;
	}
}

/* POST /api/v1/chats/{id}/messages: the visitor writes. */
void web_api_chat_write(struct web *w, struct web_call *call,
                        struct web_reply *r)
{
	static const char *const keys[] = {"client_id", "body", NULL};
	const char *id, *body;
	struct visit v;
	uint64_t seq = 0;
	bool dup = false;
	json_t *obj = NULL;

	if (visitor_of(w, call, r, &v) &&
	    message_fields(call, r, &obj, &id, &body, keys)) {
		/* called first: seq and dup are what it returns */
		int err = v.live ? desk_message(w->desk, v.key, "visitor",
		                                ACD_NONE, id, body, &seq, &dup)
		                 : ENOENT;
		message_reply(r, err, seq, dup);
		if (!err && !dup && (v.live = desk_find(w->desk, v.key)))
			message_told(w, v.live, seq, "visitor");
	}
	json_decref(obj);
}

/* POST /api/v1/chats/{id}/typing: the visitor types; the agent's
 * desktop is told (at most every 2 s). */
void web_api_chat_typing(struct web *w, struct web_call *call,
                         struct web_reply *r)
{
	struct visit v;

	if (!visitor_of(w, call, r, &v))
		return;
	if (!v.live) {
		web_reply_error(r, 409, "state-refused",
		                "the conversation is over");
		return;
	}
	if (v.live->agent != ACD_NONE && web_typing_visitor(w, v.key))
		message_told(w, v.live, 0, "visitor");
	web_reply_json(r, 200, json_pack("{s:b}", "typing", 1));
}

/* DELETE /api/v1/chats/{id}: the visitor leaves. */
void web_api_chat_leave(struct web *w, struct web_call *call,
                        struct web_reply *r)
{
	struct visit v;

	if (!visitor_of(w, call, r, &v))
		return;
	if (v.live && !desk_withdraw(w->desk, v.key))
		(void)store_flush(w->store);
	web_reply_json(
	    r, 200,
	    json_pack("{s:I,s:s}", "id", (json_int_t)v.key, "state", "ended"));
}

/* ---- the agent's side --------------------------------------------------- */

/*
 * The live chat of the call that the signed-in user may read: its
 * tenant's, and an agent user's only when offered to or handled by its
 * agent (*agentp: that agent, else ACD_NONE). NULL after a 404.
 */
static const struct desk_contact *staff_chat(struct web *w,
                                             const struct web_call *call,
                                             struct web_reply *r,
                                             uint32_t *agentp)
{
	const struct config_user *u = call->user;
	const struct desk_contact *c =
	    w->desk ? desk_find(w->desk, web_key_param(call)) : NULL;

	*agentp = ACD_NONE;
	/* an e-mail's conversation too: its follow-ups and answers */
	if (c && (c->channel == ACD_CH_CHAT || c->channel == ACD_CH_EMAIL) &&
	    web_user_tenant(w->cfg, u, acd_tenant_name(w->acd, c->tenant))) {
		if (u->role != CONFIG_ROLE_AGENT)
			return c;
		*agentp = acd_agent_find(w->acd, c->tenant,
		                         w->cfg->agents[u->agent.index].name);
		if (*agentp != ACD_NONE && c->agent == *agentp)
			return c;
	}
	web_reply_error(r, 404, "not-found", "no open chat %s",
	                call->params[0]);
	return NULL;
}

/* GET /api/v1/contacts/{id}/messages?after=SEQ */
void web_api_contact_messages(struct web *w, struct web_call *call,
                              struct web_reply *r)
{
	const struct desk_contact *c;
	uint32_t agent;
	uint64_t after;
	json_t *j;

	if (!chat_ready(w, r) || !(c = staff_chat(w, call, r, &agent)) ||
	    !after_of(call, r, &after))
		return;
	j = json_pack("{s:I}", "id", (json_int_t)c->key);
	if (j && messages_into(w, c->key, after, j, r))
		web_reply_json(r, 200, j);
	else
		json_decref(j);
}

/* POST /api/v1/contacts/{id}/messages: the agent handling it writes. A
 * supervisor or an administrator does not write in a customer's chat. */
void web_api_contact_write(struct web *w, struct web_call *call,
                           struct web_reply *r)
{
	static const char *const keys[] = {"client_id", "body", NULL};
	const struct desk_contact *c;
	const char *id, *body;
	uint32_t agent;
	uint64_t seq = 0;
	bool dup = false;
	json_t *obj = NULL;

	if (!chat_ready(w, r) || !(c = staff_chat(w, call, r, &agent)))
		return;
	if (c->channel == ACD_CH_EMAIL) { /* it must go out by mail */
		web_reply_error(r, 409, "state-refused",
		                "answer an e-mail with POST "
		                "/api/v1/contacts/%llu/reply",
		                (unsigned long long)c->key);
		return;
	}
	if (agent == ACD_NONE) {
		web_reply_error(
		    r, 403, "forbidden",
		    "only the agent handling the chat writes in it");
		return;
	}
	if (message_fields(call, r, &obj, &id, &body, keys)) {
		uint64_t key = c->key;
		int err = desk_message(w->desk, key, "agent", agent, id, body,
		                       &seq, &dup);
		message_reply(r, err, seq, dup);
		if (!err && !dup && (c = desk_find(w->desk, key)))
			message_told(w, c, seq, "agent");
	}
	json_decref(obj);
}

/* POST /api/v1/contacts/{id}/typing: the agent handling the chat types;
 * the visitor's widget says so for the next 6 s. */
void web_api_contact_typing(struct web *w, struct web_call *call,
                            struct web_reply *r)
{
	const struct desk_contact *c;
	uint32_t agent;

	if (!chat_ready(w, r) || !(c = staff_chat(w, call, r, &agent)))
		return;
	if (agent == ACD_NONE || c->channel != ACD_CH_CHAT) {
		web_reply_error(r, 403, "forbidden",
		                "only the agent handling a chat types in it");
		return;
	}
	if (web_typing_agent(w, c->key)) {
		web_reply_error(r, 503, "no-memory", "try again");
		return;
	}
	web_reply_json(r, 200, json_pack("{s:b}", "typing", 1));
}

/* ---- the transcript by e-mail --------------------------------------------- */

/* What a transcript says, in the chat's language. */
struct transcript_text {
	const char *subject, *intro, *you, *agent, *none;
};

static const struct transcript_text *transcript_text(const char *lang)
{
	static const struct transcript_text it = {
	    "Trascrizione della sua chat [#%llu]",
	    "Ecco la sua conversazione con noi del %s (ora di %s).", "Lei",
	    "Operatore", "(nessun messaggio)"};
	static const struct transcript_text es = {
	    "Transcripción de su chat [#%llu]",
	    "Esta es su conversación con nosotros del %s (hora de %s).",
	    "Usted", "Agente", "(ningún mensaje)"};
	static const struct transcript_text en = {
	    "Transcript of your chat [#%llu]",
	    "Here is your conversation with us on %s (%s time).", "You",
	    "Operator", "(no messages)"};

	if (lang && !strcmp(lang, "it"))
		return &it;
	if (lang && !strcmp(lang, "es"))
		return &es;
	return &en;
}

struct transcript {
	FILE *f;
	const struct transcript_text *tx;
	const char *tz;
	uint64_t last; /* the last seq written */
	size_t n;
};

static int transcript_line(const struct store_message *m, void *arg)
{
	struct transcript *t = arg;
	struct tm tm = {0};

	t->last = m->seq;
	if (!m->body || !strcmp(m->sender, "system"))
		return 0; /* anonymised, or the daemon's own */
	(void)config_local_time(t->tz, (time_t)(m->wall_ms / 1000), &tm);
	fprintf(t->f, "[%02d:%02d] %s: %s\n", tm.tm_hour, tm.tm_min,
	        strcmp(m->sender, "agent") ? t->tx->you : t->tx->agent,
	        m->body);
	t->n++;
	return 0;
}

/* The chat's messages as text; NULL after a 503 in r (free it). */
static char *transcript_body(struct web *w, uint64_t key, const char *tz,
                             const struct transcript_text *tx, int64_t day_ms,
                             struct web_reply *r)
{
	struct transcript t = {.tx = tx, .tz = tz};
	char *text = NULL, day[32] = "";
	size_t len = 0;
	struct tm tm = {0};
	int err = 0;

	t.f = open_memstream(&text, &len);
	if (!t.f) {
		web_reply_error(r, 500, "no-memory", "out of memory");
		return NULL;
	}
	if (config_local_time(tz, (time_t)(day_ms / 1000), &tm))
		strftime(day, sizeof(day), "%d/%m/%Y", &tm);
	fprintf(t.f, tx->intro, day, tz[0] ? tz : "UTC");
	fputs("\n\n", t.f);
	for (uint64_t before = ~0ULL; !err && t.last != before;) {
		before = t.last;
		err = store_messages_read(w->store, key, t.last, CHAT_READ_MAX,
		                          transcript_line, &t);
	}
	if (!t.n)
		fprintf(t.f, "%s\n", tx->none);
	fclose(t.f);
	if (err) {
		free(text);
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the conversation cannot be read now");
		return NULL;
	}
	return text;
}

/* The chat's tenant, queue, address given at its start, language and
 * day, live or from the store; false when it is gone. */
struct chat_facts {
	char tenant[CONFIG_NAME_MAX], queue[CONFIG_NAME_MAX];
	char email[256], language[8];
	int64_t created_ms;
};

static int facts_h(const struct store_contact *c, void *arg)
{
	struct chat_facts *f = arg;
	json_t *p = c->payload ? json_loads(c->payload, 0, NULL) : NULL;
	const char *e = json_string_value(json_object_get(p, "email"));
	const char *l = json_string_value(json_object_get(p, "language"));

	snprintf(f->tenant, sizeof(f->tenant), "%s",
	         c->tenant ? c->tenant : "");
	snprintf(f->queue, sizeof(f->queue), "%s", c->queue ? c->queue : "");
	snprintf(f->email, sizeof(f->email), "%s", e ? e : "");
	snprintf(f->language, sizeof(f->language), "%s", l ? l : "");
	f->created_ms = c->created_ms;
	json_decref(p);
	return 0;
}

static const char *tenant_zone(const struct web *w, const char *tenant)
{
	size_t i = config_tenant_index(w->cfg, tenant);

	return i == SIZE_MAX ? "UTC" : w->cfg->tenants[i].timezone;
}

/* Mail it: 202, or why not. */
static void transcript_send(struct web *w, uint64_t key,
                            const struct chat_facts *f, const char *to,
                            struct web_reply *r)
{
	const struct transcript_text *tx = transcript_text(f->language);
	const char *tz = tenant_zone(w, f->tenant);
	char subject[128], *body;
	int err;

	if (!(body = transcript_body(w, key, tz, tx, f->created_ms, r)))
		return;
	snprintf(subject, sizeof(subject), tx->subject,
	         (unsigned long long)key);
	err =
	    email_notify(w->email, f->tenant, f->queue, key, to, subject, body);
	free(body);
	if (err == ENOTSUP) {
		web_reply_error(r, 409, "no-mailbox",
		                "no mailbox of tenant '%s' sends e-mail",
		                f->tenant);
		return;
	}
	if (err) {
		web_reply_error(r, 503, "not-queued",
		                "the transcript could not be queued (%s)",
		                strerror(err));
		return;
	}
	web_reply_json(
	    r, 202, json_pack("{s:I,s:b}", "id", (json_int_t)key, "queued", 1));
}

/* POST /api/v1/chats/{id}/transcript: the visitor has the conversation
 * mailed, to the address given at the chat's start if there was one. */
void web_api_chat_transcript(struct web *w, struct web_call *call,
                             struct web_reply *r)
{
	static const char *const keys[] = {"email", NULL};
	struct chat_facts f = {0};
	struct visit v;
	const char *to;
	json_t *obj = NULL;
	int err;

	if (!visitor_of(w, call, r, &v) ||
	    !(obj = web_body_object(call, r, keys)) ||
	    !web_field_string(r, obj, "email", true, 255, &to))
		goto out;
	if (!web_email_valid(to)) {
		web_reply_error(r, 400, "bad-field",
		                "field 'email' is not an e-mail address");
		goto out;
	}
	if (!w->email) {
		web_reply_error(r, 409, "no-email",
		                "this service sends no e-mail");
		goto out;
	}
	(void)store_flush(w->store);
	if (store_contact_get(w->store, v.key, facts_h, &f) || !f.tenant[0]) {
		r->retry_after = 5;
		web_reply_error(r, 503, "store-unavailable",
		                "the chat cannot be read now");
		goto out;
	}
	if (f.email[0] && strcasecmp(f.email, to)) {
		web_reply_error(r, 403, "forbidden",
		                "the transcript goes to the address given when "
		                "the chat started");
		goto out;
	}
	err = web_transcript_allowed(w, v.key);
	if (err) {
		r->retry_after = err == EAGAIN ? 60 : 0;
		web_reply_error(r, 429, "throttled",
		                err == EAGAIN ? "one transcript a minute"
		                              : "this chat's transcript was "
		                                "mailed enough times");
		goto out;
	}
	transcript_send(w, v.key, &f, to, r);
out:
	json_decref(obj);
}
