/*
 * callback.c - calling a callback back (see callback.h).
 *
 * When the engine offers a callback to an agent who takes calls by phone
 * (a registered phone, or an outside number), the daemon makes a call of
 * its own: the agent's phones ring as for a voice offer, showing
 * "Callback NUMBER"; the first to answer accepts the offer and hears the
 * number spoken, then ringing, while the customer is dialled through the
 * outbound trunk as the call's caller leg. The customer answering bridges
 * the two and the call goes on as any other. Busy, no answer within the
 * queue's callback.ring, or a failure: the attempt is counted, the agent
 * freed, and the callback goes back to its place, due after
 * callback.retry_after, until its attempts or the customer's window are
 * spent; then it is closed as callback-failed.
 *
 * Agents without a phone keep the desktop's offer: this file lets those
 * events pass (callback_engine_event() returns false).
 */
#define _DEFAULT_SOURCE /* timegm */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "desk/desk.h"
#include "media/media.h"
#include "voice/call.h"
#include "voice/callback.h"
#include "voice/callrec.h"
#include "voice/flow.h"
#include "voice/voice_int.h"

int64_t voice_callback_next(const struct config_callback *cb, unsigned attempts,
                            int64_t now_ms, int64_t not_after_ms)
{
	int64_t due;

	if (!cb || attempts >= cb->attempts)
		return 0;
	due = now_ms + cb->retry_after;
	if (not_after_ms > 0 && due >= not_after_ms)
		return 0; /* the customer asked not to be called then */
	return due;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The call's queue as configured; NULL if it left the file. */
static const struct config_queue *queue_of(const struct call *call)
{
	const struct config *cfg = call->cfg;
	const char *queue = acd_queue_name(call->v->acd, call->queue);
	const char *tenant = acd_tenant_name(call->v->acd, call->tenant);

	for (size_t i = 0; cfg && queue && tenant && i < cfg->nqueues; i++) {
		const struct config_queue *q = &cfg->queues[i];

		if (!strcmp(q->name, queue) &&
		    !strcmp(cfg->tenants[q->tenant.index].name, tenant))
			return q;
	}
	return NULL;
}

/* The queue's callback policy; the defaults if the queue left the file. */
static const struct config_callback *policy(const struct call *call)
{
	static const struct config_callback defaults = {3, 300000, 30000};
	const struct config_queue *q = queue_of(call);

	return q ? &q->callback : &defaults;
}

/* ---- the customer ------------------------------------------------------- */

/* "2026-11-24T09:00:00.000Z", as the API keeps not_after; 0 if not so. */
static int64_t utc_ms(const char *s)
{
	struct tm tm = {0};

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	                 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000;
}

/* A number the trunk can carry: digits, '+', '*', '#'. */
static bool number_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!strchr("0123456789+*#", *s))
			return false;
	}
	return true;
}

/* The value of key in "k=v;k=v" into buf; false when absent. */
static bool attribute(const char *attrs, const char *key, char *buf,
                      size_t size)
{
	size_t n = strlen(key);

	for (const char *p = attrs; p && *p;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > n && !strncmp(p, key, n) && p[n] == '=') {
			snprintf(buf, size, "%.*s", (int)(len - n - 1),
			         p + n + 1);
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The string value of "key" in a JSON text written by the API (compact,
 * so `"key":"value"`); false when absent or escaped (not a number). The
 * API's JSON library is not used here: its names clash with libre's. */
static bool json_text_field(const char *json, const char *key, char *buf,
                            size_t size)
{
	char pat[48];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = json ? strstr(json, pat) : NULL;
	if (!p)
		return false;
	p += strlen(pat);
	end = strchr(p, '"');
	if (!end || memchr(p, '\\', (size_t)(end - p)))
		return false;
	snprintf(buf, size, "%.*s", (int)(end - p), p);
	return true;
}

/* Who to call and until when: an API request's data ("number",
 * "not_after"), else the number of the call that asked ("from"). */
static bool customer_of(const struct voice *v, uint64_t contact, char *number,
                        size_t size, int64_t *not_afterp)
{
	const struct desk_contact *dc = desk_by_contact(v->p.desk, contact);
	const char *attrs =
	    dc ? dc->attributes : acd_contact_attributes(v->acd, contact);
	const char *payload = dc ? dc->payload : NULL;
	char until[40];

	*not_afterp =
	    json_text_field(payload, "not_after", until, sizeof(until))
	        ? utc_ms(until)
	        : 0;
	number[0] = '\0';
	if (!json_text_field(payload, "number", number, size))
		attribute(attrs, "from", number, size);
	return number_ok(number);
}

static int customer_offer_h(struct mbuf **descp, const struct sip_msg *msg,
                            void *arg)
{
	struct call *call = arg;

	return leg_sdp_answer(&call->caller, msg->mb, descp);
}

static int customer_answer_h(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;

	return leg_sdp_take_answer(&call->caller, msg->mb);
}

/* The customer's language, from the contact's attributes ("en" else). */
static void lang_of(const struct call *call, char *lang, size_t size)
{
	const struct desk_contact *dc =
	    desk_by_contact(call->v->p.desk, call->contact);

	snprintf(lang, size, "en");
	if (dc)
		attribute(dc->attributes, "lang", lang, size);
}

/* A queue that records: the customer hears so first, the agent silence
 * (the ringing stops); the tick bridges and records at its end, as for
 * a caller from a trunk (call.c, announced()). False: no recording. */
static bool record_announce(struct call *call)
{
	const struct config_queue *q = queue_of(call);
	const struct config_prompt *p = q ? &q->record_announce : NULL;
	struct voice *v = call->v;
	struct media_clip *clip = NULL;
	char lang[8];
	int err;

	if (!q || !q->record || !call->player)
		return false;
	lang_of(call, lang, sizeof(lang));
	if (p->given && p->is_file)
		err = media_prompts_file(v->prompts, &clip, p->text);
	else
		err = media_prompts_text(
		    v->prompts, &clip,
		    p->given ? p->text : flow_recorded_words(lang),
		    p->given && p->language != CONFIG_LANG_NONE
		        ? config_language_name(p->language)
		        : lang);
	media_player_interrupt(call->player);
	media_player_music(call->player, NULL);
	if (!err)
		err = media_player_play(call->player, clip);
	mem_deref(clip);
	call->recorded = true;
	call->announcing = !err;
	return true;
}

static void customer_estab_h(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	struct voice *v = call->v;

	(void)msg;
	if (call->established || !call->agent)
		return;
	call->established = true;
	vtimer_cancel(&v->vt, &call->ring);
	/* from here a call as any other: hold, transfer, hang-up */
	call->callback = false;
	call->display[0] = '\0';
	call->state = CALL_BRIDGED;
	if (!record_announce(call) || !call->announcing) {
		leg_bridge(&call->caller, &call->agent->leg);
		if (call->recorded) /* its announcement failed: record all the same */
			(void)callrec_start(call);
	}
	acd_contact_connected(v->acd, call->contact);
	log_event(LOG_INFO, "call.bridged",
	          "contact=%" PRIu64 " agent=%s callback=%s", call->contact,
	          acd_agent_name(v->acd, call->agent->agent), call->from);
}

/* Why an attempt failed, from the final answer (static text). */
static const char *failure(int err, const struct sip_msg *msg)
{
	if (msg && msg->scode) {
		switch (msg->scode) {
		case 486:
		case 600:
		case 603:
			return "busy";
		case 408:
		case 480:
		case 487:
			return "no-answer";
		default:
			return "failed";
		}
	}
	return err == ETIMEDOUT ? "no-answer" : "failed";
}

static void customer_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	bool talked = call->established;

	call->caller.sess = mem_deref(call->caller.sess);
	call_hangup(call, talked ? "caller-hangup" : failure(err, msg));
}

/* The customer's phone rang for callback.ring: CANCEL, a failed attempt. */
static void ring_over(void *arg)
{
	struct call *call = arg;

	call->caller.sess = mem_deref(call->caller.sess);
	call_hangup(call, "no-answer");
}

/* The customer, dialled as the call's caller leg. Returns an errno. */
static int customer_dial(struct call *call)
{
	struct voice *v = call->v;
	const struct config_trunk *t = NULL;
	struct mbuf *offer = NULL;
	char uri[256], from_uri[160];
	int err = call_outside_uri(call, call->from, uri, sizeof(uri), &t);

	if (err)
		return err;
	if (t->out_from[0])
		re_snprintf(from_uri, sizeof(from_uri), "%s", t->out_from);
	else
		re_snprintf(from_uri, sizeof(from_uri), "sip:centralino@%s",
		            v->p.realm);
	err = leg_media_open(&call->caller, v, NULL, call);
	if (!err)
		err = leg_sdp_offer(&call->caller, &offer);
	if (!err)
		err = sipsess_connect(
		    &call->caller.sess, v->sess_sock, uri, NULL, from_uri,
		    "centralino", NULL, 0, "application/sdp", offer,
		    call_trunk_auth, (void *)t, false, customer_offer_h,
		    customer_answer_h, NULL, customer_estab_h, NULL, NULL,
		    customer_close_h, call,
		    "Allow: INVITE, ACK, BYE, CANCEL, INFO\r\n");
	mem_deref(offer);
	if (!err)
		vtimer_start(&v->vt, &call->ring, (uint64_t)policy(call)->ring,
		             ring_over, call);
	return err;
}

/* ---- the agent -------------------------------------------------------- */

static const char *const calling_words[] = {
    "Richiamata al numero",
    "Devolviendo la llamada al",
    "Calling back",
};

/* "Calling back 0 6 1 2 ...", then ringing until the customer answers. */
static void agent_prompt(struct call *call)
{
	struct voice *v = call->v;
	struct media_clip *clip = NULL;
	char lang[8], text[160];
	size_t n;

	lang_of(call, lang, sizeof(lang));
	n = (size_t)snprintf(text, sizeof(text), "%s",
	                     calling_words[!strcmp(lang, "it")   ? 0
	                                   : !strcmp(lang, "es") ? 1
	                                                         : 2]);
	for (const char *d = call->from; *d && n + 3 < sizeof(text); d++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %c", *d);
	if (!call->player && media_player_alloc(&call->player))
		return;
	if (!media_prompts_text(v->prompts, &clip, text, lang))
		media_player_play(call->player, clip);
	mem_deref(clip);
	if (!v->ringback)
		media_tone_clip(&v->ringback, MEDIA_TONE_RINGBACK);
	media_player_music(call->player, v->ringback);
}

void callback_media(struct call *call)
{
	int16_t pcm[LEG_FRAME];

	if (!call->agent || !call->player)
		return;
	media_player_frame(call->player, pcm);
	leg_send_pcm(&call->agent->leg, pcm);
}

void callback_agent_answered(struct call *call, struct agent_leg *al)
{
	struct voice *v = call->v;
	int err;

	list_unlink(&al->le);
	list_flush(&call->ringing); /* the other phones: CANCEL */
	call->agent = al;
	call->state = CALL_DIALING;
	v->st.bridged++; /* the agent is on the line: counted from here */
	log_event(LOG_INFO, "callback.dialing",
	          "contact=%" PRIu64 " agent=%s number=%s", call->contact,
	          acd_agent_name(v->acd, al->agent), call->from);
	/* the customer first: a prompt not yet synthesised takes a while */
	err = customer_dial(call);
	if (err) {
		call_hangup(call,
		            err == EPERM ? "dial-refused" : "dial-failed");
		return;
	}
	agent_prompt(call);
}

/* ---- the engine's side ------------------------------------------------ */

static bool has_phone(const struct voice *v, uint32_t agent)
{
	const struct phone *ph = phone_of_agent(v, agent);

	return ph && (ph->bindings.head || ph->p.outside[0]);
}

/* A callback that cannot be made: accepted and closed with outcome. */
static void close_unmade(struct voice *v, const struct acd_event *ev,
                         const char *outcome)
{
	log_event(LOG_WARN, "callback.closed", "contact=%" PRIu64 " outcome=%s",
	          ev->contact, outcome);
	if (!acd_offer_accept(v->acd, ev->contact, ev->agent))
		acd_contact_end_reason(v->acd, ev->contact, outcome);
}

/* The engine offers a callback to an agent with a phone: ring it. */
static void offer(struct voice *v, const struct acd_event *ev)
{
	struct call *call;
	char number[33];
	int64_t not_after;

	if (!customer_of(v, ev->contact, number, sizeof(number), &not_after)) {
		close_unmade(v, ev, "callback-no-number");
		return;
	}
	if (not_after && wall_ms() >= not_after) {
		close_unmade(v, ev, "callback-expired");
		return;
	}
	if (!v->cfg || !config_dial_allowed(v->cfg, number)) {
		log_event(LOG_WARN, "dial.refused",
		          "number=%s reason=not-in-allow-list contact=%" PRIu64
		          " via=callback",
		          number, ev->contact);
		close_unmade(v, ev, "dial-refused");
		return;
	}
	call = call_new(v, ev->tenant);
	if (!call) {
		acd_offer_reject(v->acd, ev->contact, ev->agent);
		return;
	}
	call->callback = true;
	call->contact = ev->contact;
	call->queue = ev->queue;
	call->not_after_ms = not_after;
	call->state = CALL_QUEUED;
	snprintf(call->from, sizeof(call->from), "%s", number);
	snprintf(call->display, sizeof(call->display), "Callback %s", number);
	hash_append(v->calls, (uint32_t)ev->contact, &call->he, call);
	call_ring_agent(call, ev->agent);
}

/* Has one of the call's phones answered (its offer being accepted)? */
static bool answered(const struct call *call)
{
	for (struct le *le = call->ringing.head; le; le = le->next) {
		const struct agent_leg *al = le->data;

		if (al->answered)
			return true;
	}
	return false;
}

bool callback_engine_event(struct voice *v, const struct acd_event *ev)
{
	struct call *call = call_by_contact(v, ev->contact);

	if (call && !call->callback)
		return false; /* a caller still on the line: call.c's */
	switch (ev->type) {
	case ACD_EV_CONTACT_OFFERED:
		if (!has_phone(v, ev->agent))
			return false; /* the desktop's offer, as before */
		if (call)             /* ring all: another agent */
			call_ring_agent(call, ev->agent);
		else
			offer(v, ev);
		return true;
	case ACD_EV_OFFER_TIMEOUT:
	case ACD_EV_OFFER_REJECTED:
	case ACD_EV_OFFER_WITHDRAWN:
		if (!call || call->state != CALL_QUEUED)
			return call != NULL;
		call_stop_agent(call, ev->agent);
		if (!call->ringing.head) /* nobody rings: the call is over */
			mem_deref(call);
		return true;
	case ACD_EV_OFFER_ACCEPTED:
		/* accepted on the desktop while the phones rang: they stop,
		 * and the agent calls from there */
		if (call && call->state == CALL_QUEUED && !answered(call)) {
			mem_deref(call);
			return true;
		}
		return call != NULL;
	default:
		return call != NULL;
	}
}

void callback_unreached(struct call *call, const char *reason)
{
	struct voice *v = call->v;
	uint64_t contact = call->contact;
	const struct desk_contact *dc = desk_by_contact(v->p.desk, contact);
	unsigned attempts = (dc ? dc->attempts : 0) + 1;
	int64_t due;

	if (!strcmp(reason, "shutdown") ||
	    acd_contact_state(v->acd, contact) != ACD_CONTACT_CONNECTED)
		return; /* a restart puts it back as it was */
	call->callback_done = true;
	hash_unlink(&call->he);
	if (!strcmp(reason, "dial-refused")) {
		acd_contact_end_reason(v->acd, contact, "dial-refused");
		return;
	}
	due = strcmp(reason, "dial-failed")
	          ? voice_callback_next(policy(call), attempts, wall_ms(),
	                                call->not_after_ms)
	          : 0;
	log_event(LOG_INFO, "callback.attempt",
	          "contact=%" PRIu64 " number=%s attempt=%u reason=%s "
	          "next=%s",
	          contact, call->from, attempts, reason,
	          due ? "retry" : "give-up");
	if (due && v->p.desk &&
	    !desk_callback_retry(v->p.desk, contact, due, reason))
		return;
	if (v->p.desk)
		desk_callback_attempted(v->p.desk, contact);
	acd_contact_end_reason(v->acd, contact, "callback-failed");
}
