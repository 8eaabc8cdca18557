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
#include "voice/flow.h"
#include "voice/voice_int.h"

/* The call of contact, talking to an agent of the engine; NULL with
 * *errp ENOENT (no such call) or EPROTO (not talking to an agent). */
static struct call *agent_call(struct voice *v, uint64_t contact, int *errp)
{
	struct call *call = v ? call_by_contact(v, contact) : NULL;

	*errp = 0;
	if (!call) {
		*errp = ENOENT;
		return NULL;
	}
	if (call->state != CALL_BRIDGED || !call->agent ||
	    call->agent->agent == ACD_NONE ||
	    acd_contact_state(v->acd, contact) != ACD_CONTACT_CONNECTED) {
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

	if (acd_queue_tenant(v->acd, queue) != call->tenant)
		return ENOENT;
	if (!staffed(v, queue))
		return ENXIO; /* the caller would only hear the fallback */
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
 * answers (flow_forward_failed: the caller is told and hung up).
 */
static int to_agent(struct call *call, uint32_t agent)
{
	struct voice *v = call->v;
	uint32_t from = call->agent->agent;
	struct phone *ph = phone_of_agent(v, agent);
	int err;

	if (acd_agent_tenant(v->acd, agent) != call->tenant)
		return ENOENT;
	if (agent == from || !ph || !ph->bindings.head ||
	    acd_agent_state(v->acd, agent) != ACD_AGENT_READY)
		return EBUSY;
	err = call_ring_direct(call, agent);
	if (err)
		return err;
	agent_release(call);
	call->state = CALL_FORWARDING;
	(void)acd_contact_end(v->acd, call->contact); /* first agent: wrap-up */
	log_event(LOG_INFO, "call.transferred",
	          "contact=%" PRIu64 " agent=%s to=agent target=%s",
	          call->contact, acd_agent_name(v->acd, from),
	          acd_agent_name(v->acd, agent));
	return 0;
}

/* An outside number through the outbound trunk: refused (EPERM) unless
 * dialing.allow allows it, and nothing else changes then. */
static int to_number(struct call *call, const char *number)
{
	struct voice *v = call->v;
	uint32_t from = call->agent->agent;
	int err = call_dial_outside(call, ACD_NONE, number);

	if (err)
		return err == ENOENT ? ENODEV : err; /* no outbound trunk */
	agent_release(call);
	call->state = CALL_FORWARDING;
	(void)acd_contact_end(v->acd, call->contact); /* the agent: wrap-up */
	log_event(LOG_INFO, "call.transferred",
	          "contact=%" PRIu64 " agent=%s to=number number=%s",
	          call->contact, acd_agent_name(v->acd, from), number);
	return 0;
}

int voice_call_transfer(struct voice *v, uint64_t contact,
                        const struct voice_transfer *t)
{
	int err;
	struct call *call = agent_call(v, contact, &err);

	if (!call)
		return err;
	switch (t->to) {
	case VOICE_TO_QUEUE:
		return to_queue(call, t->id, t->priority);
	case VOICE_TO_AGENT:
		return to_agent(call, t->id);
	case VOICE_TO_NUMBER:
		if (!t->number || !t->number[0])
			return EINVAL;
		if (!call->cfg || !config_dial_allowed(call->cfg, t->number)) {
			log_event(LOG_WARN, "dial.refused",
			          "number=%s reason=not-in-allow-list "
			          "contact=%" PRIu64 " via=transfer",
			          t->number, contact);
			return EPERM;
		}
		return to_number(call, t->number);
	}
	return EINVAL;
}
