/*
 * monitor.c - supervision of a live call (see monitor.h).
 *
 * The supervisor's phone is a leg of the call that is never bridged:
 * it gets the mix of caller and agent every tick (the sides' frames
 * from tap.c), and its own audio waits in a side queue of its own. In
 * listen the caller and the agent stay relayed to each other as before;
 * in whisper the caller's audio no longer goes straight to the agent
 * but mixed with the supervisor's; in barge both directions are mixed.
 * A hold keeps its music and silence: the supervisor still hears both.
 * Rejected: a conference bridge per supervised call, which would move
 * every supervised call's media into another process for the sake of a
 * few additions per sample.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "store/store.h"
#include "voice/call.h"
#include "voice/mix.h"
#include "voice/monitor.h"
#include "voice/tap.h"
#include "voice/voice_int.h"

#define MONITOR_RING_MS 30000 /* the supervisor's phone rings this long */

struct monitor {
	struct call *call;
	struct agent_leg *sup; /* the supervisor's phone */
	enum voice_supervise_mode mode;
	bool answered;
	uint32_t phone_agent; /* the phone's agent, set not ready; or NONE */
	char user[64];        /* who asked: logs, journal */
	char phone[64];       /* the agent name or number rung */
	struct vtimer ring;
	struct mix_side said; /* what the supervisor says */
};

static const char *const mode_names[] = {"listen", "whisper", "barge"};

const char *voice_supervise_mode_name(enum voice_supervise_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "?";
}

int voice_supervise_mode_parse(const char *name)
{
	for (int i = 0; name && i < 3; i++)
		if (!strcmp(name, mode_names[i]))
			return i;
	return -1;
}

static void journal(const struct monitor *m, const char *type,
                    const char *reason)
{
	const struct call *call = m->call;
	struct voice *v = call->v;

	if (v->p.store)
		(void)store_journal_note(v->p.store, type, call->contact,
		                         (int64_t)acd_now(v->acd),
		                         acd_tenant_name(v->acd, call->tenant),
		                         NULL, m->user, reason);
	voice_stored(v);
}

/* Caller and agent relayed to each other again (listen, or the end). */
static void relay_restore(struct call *call)
{
	if (call->state == CALL_BRIDGED && call->agent && !call->held &&
	    !call->consult && !call->announcing)
		leg_bridge(&call->caller, &call->agent->leg);
}

static void monitor_destructor(void *arg)
{
	struct monitor *m = arg;
	struct call *call = m->call;
	struct voice *v = call->v;

	vtimer_cancel(&v->vt, &m->ring);
	if (call->monitor == m)
		call->monitor = NULL;
	relay_restore(call);
	mem_deref(m->sup); /* CANCEL, or BYE once answered */
	if (m->phone_agent != ACD_NONE &&
	    acd_agent_state(v->acd, m->phone_agent) == ACD_AGENT_NOT_READY)
		acd_agent_presence(v->acd, m->phone_agent, ACD_PRESENCE_READY,
		                   NULL);
}

void monitor_end(struct call *call, const char *reason)
{
	struct monitor *m = call->monitor;

	if (!m)
		return;
	journal(m, "supervision-ended", reason);
	log_event(LOG_INFO, "call.supervision-ended",
	          "contact=%" PRIu64 " user=%s reason=%s", call->contact,
	          m->user, reason);
	mem_deref(m);
	if (!call->rec) /* nobody needs the sides' audio any more */
		tap_detach(call);
}

static void sup_pcm(const int16_t *pcm, size_t n, void *arg)
{
	struct monitor *m = arg;

	mix_side_push(&m->said, pcm, n);
}

void monitor_answered(struct agent_leg *al)
{
	struct monitor *m = al->call->monitor;

	if (!m || m->sup != al)
		return;
	m->answered = true;
	vtimer_cancel(&al->call->v->vt, &m->ring);
	al->leg.pcmh = sup_pcm;
	al->leg.pcm_arg = m;
	journal(m, "supervision-started", voice_supervise_mode_name(m->mode));
	log_event(LOG_INFO, "call.supervision-started",
	          "contact=%" PRIu64 " user=%s phone=%s mode=%s",
	          al->call->contact, m->user, m->phone,
	          voice_supervise_mode_name(m->mode));
}

void monitor_leg_closed(struct agent_leg *al)
{
	struct call *call = al->call;
	struct monitor *m = call->monitor;

	al->leg.sess = mem_deref(al->leg.sess);
	if (m && m->sup == al)
		monitor_end(call, m->answered ? "supervisor-hangup"
		                              : "supervisor-unreachable");
	else
		mem_deref(al);
}

static void ring_timeout(void *arg)
{
	struct monitor *m = arg;

	monitor_end(m->call, "no-answer");
}

/* Who is relayed to whom in the mode: only where nothing is mixed. */
static void relay_for(struct call *call, enum voice_supervise_mode mode)
{
	call->caller.peer = mode == VOICE_LISTEN ? &call->agent->leg : NULL;
	call->agent->leg.peer = mode == VOICE_BARGE ? NULL : &call->caller;
}

void monitor_frame(struct monitor *m, const int16_t *caller,
                   const int16_t *agent)
{
	struct call *call = m->call;
	int16_t said[MIX_FRAME], out[MIX_FRAME];

	if (!m->answered)
		return;
	mix_side_frame(&m->said, said);
	mix_add(out, caller, agent);
	leg_send_pcm(&m->sup->leg, out);
	if (call->held || call->consult || !call->agent)
		return; /* music and silence, as without a supervisor */
	relay_for(call, m->mode);
	if (m->mode == VOICE_LISTEN)
		return;
	mix_add(out, caller, said);
	leg_send_pcm(&call->agent->leg, out);
	if (m->mode == VOICE_BARGE) {
		mix_add(out, agent, said);
		leg_send_pcm(&call->caller, out);
	}
}

/* Ring the supervisor's phone: an agent's first registered binding,
 * or a number through the outbound trunk (dialing.allow). */
static int ring(struct monitor *m, const struct voice_supervise *s)
{
	struct call *call = m->call;
	struct voice *v = call->v;
	struct phone *ph;
	int err;

	if (s->number) {
		snprintf(m->phone, sizeof(m->phone), "%s", s->number);
		err = call_dial_outside_leg(call, ACD_NONE, s->number, &m->sup);
		return err == ENOENT ? ENODEV : err;
	}
	ph = phone_of_agent(v, s->agent);
	if (!ph || !ph->bindings.head)
		return EBUSY;
	snprintf(m->phone, sizeof(m->phone), "%s",
	         acd_agent_name(v->acd, s->agent));
	err =
	    call_dial_binding(call, s->agent, ph->bindings.head->data, &m->sup);
	if (err)
		return err;
	if (acd_agent_state(v->acd, s->agent) == ACD_AGENT_READY) {
		/* offered nothing while they supervise */
		acd_agent_presence(v->acd, s->agent, ACD_PRESENCE_NOT_READY,
		                   "supervising");
		m->phone_agent = s->agent;
	}
	return 0;
}

int voice_call_supervise(struct voice *v, uint64_t contact,
                         const struct voice_supervise *s)
{
	int err;
	struct call *call = call_talking(v, contact, &err);
	struct monitor *m;

	if (!call)
		return err;
	if (call->monitor)
		return EALREADY;
	if ((unsigned)s->mode > VOICE_BARGE ||
	    (!s->number) == (s->agent == ACD_NONE))
		return EINVAL;
	m = mem_zalloc(sizeof(*m), monitor_destructor);
	if (!m)
		return ENOMEM;
	m->call = call;
	m->mode = s->mode;
	m->phone_agent = ACD_NONE;
	snprintf(m->user, sizeof(m->user), "%s", s->user ? s->user : "-");
	err = ring(m, s);
	if (err) {
		mem_deref(m);
		return err;
	}
	list_unlink(&m->sup->le); /* the monitor's, not a fork of the call */
	m->sup->monitor = true;
	call->monitor = m;
	if (tap_attach(call)) {
		monitor_end(call, "no-memory");
		return ENOMEM;
	}
	vtimer_start(&v->vt, &m->ring, MONITOR_RING_MS, ring_timeout, m);
	log_event(LOG_INFO, "call.supervision-ringing",
	          "contact=%" PRIu64 " user=%s phone=%s mode=%s", contact,
	          m->user, m->phone, voice_supervise_mode_name(m->mode));
	return 0;
}

int voice_call_supervise_mode(struct voice *v, uint64_t contact,
                              enum voice_supervise_mode mode)
{
	struct call *call = v ? call_by_contact(v, contact) : NULL;
	struct monitor *m = call ? call->monitor : NULL;

	if (!call)
		return ENOENT;
	if (!m)
		return ENOTCONN;
	if ((unsigned)mode > VOICE_BARGE)
		return EINVAL;
	if (m->mode == mode)
		return EALREADY;
	m->mode = mode;
	if (mode == VOICE_LISTEN)
		relay_restore(call);
	journal(m, "supervision-mode", voice_supervise_mode_name(mode));
	log_event(LOG_INFO, "call.supervision-mode",
	          "contact=%" PRIu64 " user=%s mode=%s", contact, m->user,
	          voice_supervise_mode_name(mode));
	return 0;
}

int voice_call_supervise_stop(struct voice *v, uint64_t contact)
{
	struct call *call = v ? call_by_contact(v, contact) : NULL;

	if (!call)
		return ENOENT;
	if (!call->monitor)
		return ENOTCONN;
	monitor_end(call, "stopped");
	return 0;
}

const char *monitor_mode(const struct monitor *m, bool *answered)
{
	*answered = m && m->answered;
	return m ? voice_supervise_mode_name(m->mode) : NULL;
}
