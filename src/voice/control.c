/*
 * control.c - what an agent (or a supervisor, through the API) does to a
 * call they are talking in: hold with the caller on music, resume, hang
 * up, and blind transfer to a queue, to an agent or to an outside number
 * (docs/voice.md, "Call controls").
 *
 * A hold only unbridges the media: the agent's phone keeps its session
 * (no re-INVITE, so a phone that cannot do hold still works) and gets
 * silence; the caller gets the music they waited on. The engine is told
 * (acd_contact_hold), so held time is reported and not counted as talk.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "media/media.h"
#include "voice/call.h"
#include "voice/consultq.h"
#include "voice/flow.h"
#include "voice/monitor.h"
#include "voice/voice_int.h"

#define TRANSFER_RING_MS 30000 /* an agent's phones ring for a transfer */

/* The call of contact, talking to an agent of the engine (not a
 * forward's outside number); NULL with *errp as call_talking(). */
static struct call *agent_call(struct voice *v, uint64_t contact, int *errp)
{
	struct call *call = call_talking(v, contact, errp);

	if (call && call->agent->agent == ACD_NONE) {
		*errp = EPROTO;
		return NULL;
	}
	return call;
}

void call_hold_music(struct call *call)
{
	struct voice *v = call->v;
	const struct config *cfg = call->cfg;
	struct media_clip *clip = NULL;
	int err = ENOENT;

	if (call->moh)
		return; /* what they heard while waiting */
	for (size_t i = 0; cfg && err && i < cfg->nprompts_music; i++)
		if (!strcmp(cfg->prompts_music[i].name, "default"))
			err = media_prompts_file(v->prompts, &clip,
			                         cfg->prompts_music[i].path);
	if (err && !v->ringback)
		media_tone_clip(&v->ringback, MEDIA_TONE_RINGBACK);
	call->moh = call_moh_get(v, err ? v->ringback : clip);
	mem_deref(clip);
}

void call_silence(struct leg *leg)
{
	static const int16_t zero[LEG_FRAME];

	if (leg->peer) /* talking to a consulted target meanwhile */
		return;
	leg_send_pcm(leg, zero);
}

static void media_hold(struct call *call)
{
	call_hold_music(call);
	call->caller.peer = NULL;
	call->agent->leg.peer = NULL;
	call->caller.marker = true; /* a new talk spurt: the music */
	call->agent->leg.marker = true;
	call->held = true;
	call->held_at = tmr_jiffies();
}

static void media_resume(struct call *call)
{
	call->held_ms += tmr_jiffies() - call->held_at;
	call->held = false;
	call->caller.marker = true;
	leg_bridge(&call->caller, &call->agent->leg);
}

int voice_call_hold(struct voice *v, uint64_t contact, bool hold)
{
	int err;
	struct call *call = agent_call(v, contact, &err);

	if (!call)
		return err;
	if (call->held == hold)
		return EALREADY;
	if (call->consult)
		return EINPROGRESS; /* complete or cancel the transfer first */
	err = acd_contact_hold(v->acd, contact, hold);
	if (err)
		return err;
	if (hold)
		media_hold(call);
	else
		media_resume(call);
	log_event(LOG_INFO, hold ? "call.held" : "call.resumed",
	          "contact=%" PRIu64 " agent=%s held_ms=%" PRIu64, contact,
	          acd_agent_name(v->acd, call->agent->agent), call->held_ms);
	return 0;
}

int voice_call_info(const struct voice *v, uint64_t contact,
                    struct voice_call_info *ci)
{
	const struct call *call = v ? call_by_contact(v, contact) : NULL;
	uint64_t now = tmr_jiffies();

	memset(ci, 0, sizeof(*ci));
	if (!call)
		return ENOENT;
	ci->bridged = call->state == CALL_BRIDGED;
	ci->held = call->held;
	ci->held_for_ms = call->held ? now - call->held_at : 0;
	ci->held_total_ms = call->held_ms + ci->held_for_ms;
	if (call->consult)
		ci->consult = call->consult->answered ? "talking" : "ringing";
	else if (call->consult_q)
		ci->consult = consultq_state(call);
	ci->supervision = monitor_mode(call->monitor, &ci->supervisor_on);
	ci->recording = call->rec != NULL;
	snprintf(ci->from, sizeof(ci->from), "%s", call->from);
	return 0;
}

int voice_call_hangup(struct voice *v, uint64_t contact)
{
	int err;
	struct call *call = agent_call(v, contact, &err);

	if (!call)
		return err;
	log_event(LOG_INFO, "call.hangup-asked", "contact=%" PRIu64 " agent=%s",
	          contact, acd_agent_name(v->acd, call->agent->agent));
	/* BYE to both sides; the engine's contact ends: wrap-up */
	call_hangup(call, "api-hangup");
	return 0;
}

/* The agent's leg goes (BYE) and the caller waits on music: a transfer. */
static void agent_release(struct call *call)
{
	struct agent_leg *al = call->agent;

	if (!call->held)
		media_hold(call);
	call->held = false;
	call->held_ms = 0;
	call->agent = NULL;
	call->v->st.bridged--;
	mem_deref(al); /* BYE */
}

/* Is anybody logged in to queue (but the agent transferring)? */
static bool staffed(struct voice *v, uint32_t queue)
{
	struct acd_queue_stats st;

	if (acd_queue_stats(v->acd, queue, &st))
		return false;
	return st.agents[ACD_AGENT_READY] + st.agents[ACD_AGENT_RESERVED] +
	           st.agents[ACD_AGENT_BUSY] + st.agents[ACD_AGENT_WRAPUP] +
	           st.agents[ACD_AGENT_NOT_READY] >
	       0;
}

static int to_queue(struct call *call, uint32_t queue, int priority)
{
	struct voice *v = call->v;
	uint32_t from = call->agent->agent;
	int err;

	agent_release(call);
	call->state = CALL_QUEUED;
	/* the engine offers it at once, maybe before this returns: the
	 * agent's leg had to go first */
	err = acd_contact_transfer(v->acd, call->contact, queue, priority);
	log_event(err ? LOG_ERROR : LOG_INFO, "call.transferred",
	          "contact=%" PRIu64 " agent=%s to=queue queue=%s error=%d",
	          call->contact, acd_agent_name(v->acd, from),
	          acd_queue_name(v->acd, queue), err);
	if (err)
		call_hangup(call, "transfer-failed");
	return 0;
}

/*
 * The engine has no offer to one named agent: the target's phones ring
 * directly, with the caller on music, as a forward does, and the
 * contact ends for the first agent (wrap-up). So that the engine does
 * not offer the target another contact meanwhile, only an agent that is
 * ready may be the target, and it is set not ready ("transfer") while
 * its phones ring; it goes ready again when the call ends or nobody
 * answers within TRANSFER_RING_MS (flow_forward_failed: the caller is
 * hung up).
 */
/* Nobody of the target answered in time: the caller is hung up. */
static void direct_timeout(void *arg)
{
	struct call *call = arg;

	log_event(LOG_INFO, "call.transfer-unanswered",
	          "contact=%" PRIu64 " agent=%s", call->contact,
	          acd_agent_name(call->v->acd, call->direct_agent));
	list_flush(&call->ringing); /* CANCEL */
	flow_forward_failed(call);
}

static int to_agent(struct call *call, uint32_t agent)
{
	struct voice *v = call->v;
	uint32_t from = call->agent->agent;
	int err = call_ring_direct(call, agent);

	if (err)
		return err;
	/* the bridge cancels it (the call's announce timer, idle now) */
	vtimer_start(&v->vt, &call->announce, TRANSFER_RING_MS, direct_timeout,
	             call);
	agent_release(call);
	call->state = CALL_FORWARDING;
	(void)acd_contact_end(v->acd, call->contact); /* first agent: wrap-up */
	log_event(LOG_INFO, "call.transferred",
	          "contact=%" PRIu64 " agent=%s to=agent target=%s",
	          call->contact, acd_agent_name(v->acd, from),
	          acd_agent_name(v->acd, agent));
	return 0;
}

/* An outside number through the outbound trunk (checked already). */
static int to_number(struct call *call, const char *number)
{
	struct voice *v = call->v;
	uint32_t from = call->agent->agent;
	int err = call_dial_outside(call, ACD_NONE, number);

	if (err)
		return err;
	agent_release(call);
	call->state = CALL_FORWARDING;
	(void)acd_contact_end(v->acd, call->contact); /* the agent: wrap-up */
	log_event(LOG_INFO, "call.transferred",
	          "contact=%" PRIu64 " agent=%s to=number number=%s",
	          call->contact, acd_agent_name(v->acd, from), number);
	return 0;
}

/*
 * What a transfer to t would answer, before anything is done:
 * EINPROGRESS (an attended transfer is going on), ENOENT (a
 * target of another tenant), ENXIO (nobody in the queue: the caller
 * would only hear its fallback), EBUSY (the agent is not ready or has no
 * phone), EPERM (dialing.allow refuses the number, logged), ENODEV (no
 * outbound trunk), EINVAL; 0 when it can go ahead.
 */
static int transfer_check(struct call *call, const struct voice_transfer *t)
{
	struct voice *v = call->v;
	struct phone *ph;

	if (call->consult || call->consult_q)
		return EINPROGRESS;
	switch (t->to) {
	case VOICE_TO_QUEUE:
		if (acd_queue_tenant(v->acd, t->id) != call->tenant)
			return ENOENT;
		return staffed(v, t->id) ? 0 : ENXIO;
	case VOICE_TO_AGENT:
		if (acd_agent_tenant(v->acd, t->id) != call->tenant)
			return ENOENT;
		ph = phone_of_agent(v, t->id);
		if (t->id == call->agent->agent || !ph || !ph->bindings.head ||
		    acd_agent_state(v->acd, t->id) != ACD_AGENT_READY)
			return EBUSY;
		return 0;
	case VOICE_TO_NUMBER:
		if (!t->number || !t->number[0])
			return EINVAL;
		if (!call->cfg || !config_dial_allowed(call->cfg, t->number)) {
			log_event(LOG_WARN, "dial.refused",
			          "number=%s reason=not-in-allow-list "
			          "contact=%" PRIu64 " via=transfer",
			          t->number, call->contact);
			return EPERM;
		}
		return call_trunk_out(call) ? 0 : ENODEV;
	}
	return EINVAL;
}

static int consult_start(struct call *call, const struct voice_transfer *t);

static int transfer(struct call *call, const struct voice_transfer *t)
{
	int err = transfer_check(call, t);

	if (err)
		return err;
	if (t->attended)
		return consult_start(call, t);
	switch (t->to) {
	case VOICE_TO_QUEUE:
		return to_queue(call, t->id, t->priority);
	case VOICE_TO_AGENT:
		return to_agent(call, t->id);
	default:
		return to_number(call, t->number);
	}
}

int voice_call_transfer(struct voice *v, uint64_t contact,
                        const struct voice_transfer *t)
{
	int err;
	struct call *call = agent_call(v, contact, &err);

	return call ? transfer(call, t) : err;
}

/* ---- attended transfer --------------------------------------------- */

/* The target agent may be offered contacts again (not while consulted). */
static void direct_restore(struct call *call)
{
	struct acd *acd = call->v->acd;

	if (!call->direct)
		return;
	call->direct = false;
	if (acd_agent_state(acd, call->direct_agent) == ACD_AGENT_NOT_READY)
		acd_agent_presence(acd, call->direct_agent, ACD_PRESENCE_READY,
		                   NULL);
}

/*
 * The caller is held (music) and the target rung: one registered phone
 * of an agent (set not ready meanwhile, as for a blind transfer), or a
 * number through the outbound trunk. Its leg is call->consult, outside
 * the call's ringing forks, and is bridged to the agent once it answers.
 */
static int consult_start(struct call *call, const struct voice_transfer *t)
{
	struct voice *v = call->v;
	struct agent_leg *al = NULL;
	struct phone *ph;
	int err = 0;

	if (!call->held) {
		err = acd_contact_hold(v->acd, call->contact, true);
		if (err)
			return err;
		media_hold(call);
	}
	if (t->to == VOICE_TO_QUEUE) /* whoever the engine chooses */
		return consultq_start(call, t->id, t->priority);
	if (t->to == VOICE_TO_AGENT) {
		ph = phone_of_agent(v, t->id);
		err = call_dial_binding(call, t->id, ph->bindings.head->data,
		                        &al);
	} else {
		err = call_dial_outside_leg(call, ACD_NONE, t->number, &al);
	}
	if (err)
		return err; /* the caller stays on hold with the agent */
	list_unlink(&al->le);
	al->consult = true;
	call->consult = al;
	if (t->to == VOICE_TO_AGENT) {
		call->direct = true;
		call->direct_agent = t->id;
		acd_agent_presence(v->acd, t->id, ACD_PRESENCE_NOT_READY,
		                   "transfer");
	}
	log_event(LOG_INFO, "call.consult",
	          "contact=%" PRIu64 " agent=%s target=%s", call->contact,
	          acd_agent_name(v->acd, call->agent->agent),
	          t->to == VOICE_TO_AGENT ? acd_agent_name(v->acd, t->id)
	                                  : t->number);
	return 0;
}

void call_consult_answered(struct agent_leg *al)
{
	struct call *call = al->call;

	if (call->consult_q && !call->consult && !consultq_answered(al))
		return; /* a queue's agent answered too late */
	if (call->consult != al || !call->agent)
		return;
	leg_bridge(&call->agent->leg, &al->leg);
	log_event(LOG_INFO, "call.consult-answered", "contact=%" PRIu64,
	          call->contact);
}

void call_consult_ended(struct agent_leg *al)
{
	struct call *call = al->call;

	if (consultq_leg_closed(al))
		return; /* a queue's agent declined, or hung up */

	log_event(LOG_INFO, "call.consult-ended",
	          "contact=%" PRIu64 " answered=%s", call->contact,
	          al->answered ? "yes" : "no");
	al->leg.sess = mem_deref(al->leg.sess);
	mem_deref(al); /* the agent hears silence again, the caller music */
	direct_restore(call);
}

int voice_call_transfer_complete(struct voice *v, uint64_t contact)
{
	int err;
	struct call *call = agent_call(v, contact, &err);
	struct agent_leg *al;
	uint32_t from;
	bool queue;

	if (!call)
		return err;
	al = call->consult;
	if (!al || !al->answered)
		return ENOTCONN;
	from = call->agent->agent;
	queue = call->consult_q != NULL;
	call->consult = NULL;
	al->consult = false;
	agent_release(call); /* BYE to the agent */
	call->agent = al;
	al->direct = !queue && al->agent != ACD_NONE; /* a queue's: engine */
	call->state = CALL_BRIDGED;
	v->st.bridged++;
	leg_bridge(&call->caller, &al->leg);
	(void)acd_contact_end(v->acd, contact); /* the agent: wrap-up */
	consultq_complete(call); /* the consultation's contact goes on */
	log_event(LOG_INFO, "call.transferred",
	          "contact=%" PRIu64 " agent=%s to=%s attended=yes", contact,
	          acd_agent_name(v->acd, from),
	          al->agent == ACD_NONE ? "number"
	                                : acd_agent_name(v->acd, al->agent));
	return 0;
}

int voice_call_transfer_cancel(struct voice *v, uint64_t contact)
{
	int err;
	struct call *call = agent_call(v, contact, &err);

	if (!call)
		return err;
	if (!call->consult && !call->consult_q)
		return ENOTCONN;
	log_event(LOG_INFO, "call.consult-cancelled", "contact=%" PRIu64,
	          contact);
	consultq_stop(call, "consult-cancelled"); /* a queue's contact ends */
	mem_deref(call->consult);                 /* CANCEL or BYE */
	direct_restore(call);
	return voice_call_hold(v, contact, false); /* back to the caller */
}

/* ---- REFER from the agent's phone ------------------------------------ */

/* The Refer-To's user part as a target of the call's tenant: a queue's
 * name, an agent's name, else an outside number. */
static int refer_target(struct call *call, const struct sip_msg *msg,
                        char *user, size_t size, struct voice_transfer *t)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	struct acd *acd = call->v->acd;
	struct sip_addr addr;

	if (!hdr || sip_addr_decode(&addr, &hdr->val) ||
	    !pl_isset(&addr.uri.user) || addr.uri.user.l >= size)
		return EBADMSG;
	pl_strcpy(&addr.uri.user, user, size);
	memset(t, 0, sizeof(*t));
	t->id = acd_queue_find(acd, call->tenant, user);
	if (t->id != ACD_NONE) {
		t->to = VOICE_TO_QUEUE;
		return 0;
	}
	t->id = acd_agent_find(acd, call->tenant, user);
	t->to = t->id != ACD_NONE ? VOICE_TO_AGENT : VOICE_TO_NUMBER;
	t->number = user;
	return 0;
}

/* The end of the implicit subscription (RFC 3515): how it went. */
static void refer_notify(struct agent_leg *al, const char *frag)
{
	struct sip_dialog *dlg = sipsess_dialog(al->leg.sess);

	if (dlg)
		(void)sip_drequestf(
		    NULL, al->call->v->sip, true, "NOTIFY", dlg, 0, NULL, NULL,
		    NULL, NULL,
		    "Event: refer\r\n"
		    "Subscription-State: terminated;"
		    "reason=noresource\r\n"
		    "Content-Type: message/sipfrag;version=2.0\r\n"
		    "Content-Length: %zu\r\n"
		    "\r\n%s",
		    strlen(frag), frag);
}

void call_refer(struct agent_leg *al, struct sip *sip,
                const struct sip_msg *msg)
{
	static const uint16_t codes[] = {[EPERM] = 403,
	                                 [ENOENT] = 404,
	                                 [EBUSY] = 486,
	                                 [ENXIO] = 486,
	                                 [ENODEV] = 503};
	struct call *call = al->call;
	struct voice_transfer t;
	char user[64];
	int err;

	if (call->agent != al || al->agent == ACD_NONE ||
	    call->state != CALL_BRIDGED ||
	    acd_contact_state(call->v->acd, call->contact) !=
	        ACD_CONTACT_CONNECTED) {
		sip_reply(sip, msg, 403, "Forbidden");
		return;
	}
	if (refer_target(call, msg, user, sizeof(user), &t)) {
		sip_reply(sip, msg, 400, "Bad Refer-To");
		return;
	}
	err = transfer_check(call, &t);
	log_event(err ? LOG_WARN : LOG_INFO, "call.refer",
	          "contact=%" PRIu64 " agent=%s target=%s error=%d",
	          call->contact, acd_agent_name(call->v->acd, al->agent), user,
	          err);
	if (err == EINPROGRESS) { /* an attended transfer from the API */
		sip_reply(sip, msg, 491, "Request Pending");
		return;
	}
	if (err) { /* refused before anything is done: the call stays */
		sip_reply(sip, msg,
		          (size_t)err < sizeof(codes) / sizeof(codes[0]) &&
		                  codes[err]
		              ? codes[err]
		              : 500,
		          "Transfer Refused");
		return;
	}
	sip_reply(sip, msg, 202, "Accepted");
	refer_notify(al, "SIP/2.0 200 OK\r\n");
	(void)transfer(call, &t); /* the agent's leg goes: BYE */
}
