/*
 * call.h - calls: a caller leg from a trunk, the IVR flow it runs, its
 * place in the routing engine, and the agent legs that ring for it.
 */
#ifndef VOICE_CALL_H
#define VOICE_CALL_H

#include <re.h>

#include <centralino/acd.h>

#include "voice/leg.h"
#include "voice/vtimer.h"
#include "voice/xferkeys.h"

struct voice;
struct config_trunk;
struct flow_run;
struct media_clip;
struct media_player;
struct moh;
struct oncall;
struct screen;
struct tap;
struct callrec;
struct monitor;

enum call_state {
	CALL_FLOW = 0,   /* in the IVR: prompts, menus */
	CALL_QUEUED,     /* a contact of the engine, waiting (maybe ringing) */
	CALL_FORWARDING, /* an outside number rings for the caller */
	CALL_DIALING, /* a callback: the agent answered, the customer rings */
	CALL_BRIDGED, /* talking to an agent */
	CALL_CLOSING, /* a last message, then hang up */
};

/** An agent's phone ringing for a call (one per registered contact). */
struct agent_leg {
	struct le le; /* in call->ringing */
	struct call *call;
	struct leg leg;
	uint32_t agent;
	bool answered;
	bool direct;        /* a transfer to this agent: no engine offer */
	bool consult;       /* an attended transfer's target (call->consult) */
	const char *person; /* a rota's person (ACD_NONE agent), or NULL */
	struct screen *screen; /* that person being screened, or NULL */
	bool monitor;          /* a supervisor's phone (monitor.c) */
};

struct consultq;

struct call {
	struct le le;      /* in voice->call_list */
	struct le tick_le; /* in voice->tick_calls, its slot */
	struct le he;      /* in voice->calls, by contact, once queued */
	struct voice *v;
	struct config_hold *hold; /* the configuration the call started on */
	const struct config *cfg;
	struct leg caller;
	enum call_state state;
	bool established;   /* the caller's ACK came */
	bool callback_kept; /* the contact became a callback: outlives us */
	bool callback; /* calling a callback back: agent first (callback.c) */
	bool callback_done;   /* ... and the contact is dealt with: let it be */
	char display[80];     /* the agent's phone shows this, "" the caller */
	struct vtimer ring;   /* a callback's customer rings until then */
	int64_t not_after_ms; /* a callback's window ends (Unix ms), 0 none */
	uint64_t contact;     /* 0 until queued */
	uint32_t tenant;
	char from[64];   /* caller's number */
	char number[64]; /* number dialled */
	struct list ringing;
	struct agent_leg *agent; /* the one who answered */
	struct flow_run *flow;
	struct media_player *player;
	struct moh *moh; /* the shared music the caller holds on, or NULL */
	struct oncall *oncall; /* a rota's number: its people called */
	struct vtimer announce;
	uint64_t started;
	bool held;        /* on hold by the agent: music, no bridge */
	uint64_t held_at; /* tmr_jiffies() the hold began */
	uint64_t held_ms; /* earlier holds of this call, in total */
	bool direct;      /* transferred to direct_agent (set not ready) */
	uint32_t direct_agent;
	struct agent_leg *consult;  /* attended transfer: the target's leg */
	struct consultq *consult_q; /* ... to a queue, before an answer too */
	uint32_t queue;             /* the engine queue it entered last */
	bool recorded;       /* its queue records: announced, then recorded */
	bool announcing;     /* that announcement plays: the bridge waits */
	struct tap *tap;     /* the sides' audio for recorder and supervisor */
	struct callrec *rec; /* the recording, or NULL */
	struct monitor *monitor; /* a supervisor on the call, or NULL */
	struct xferkeys xk;      /* transfers by the agent's keys */
};

/** A new call of tenant, counted, with the current configuration;
 * NULL when out of memory. The caller's leg is not open yet. */
struct call *call_new(struct voice *v, uint32_t tenant);
/** The sipsess connection handler: a new INVITE. */
void call_incoming(const struct sip_msg *msg, void *arg);
/** Hold on clip's shared music stream (all its callers hear one). */
struct moh *call_moh_get(struct voice *v, struct media_clip *clip);
void call_moh_put(struct moh *m);
/** Start the 20 ms media tick; an errno. */
int call_media_start(struct voice *v);
/** Stop the tick and free its send queue (after calls_flush). */
void call_media_stop(struct voice *v);
/** Hang up every call. */
void calls_flush(struct voice *v);
/** End a call: hang up both sides, tell the engine, free. */
void call_hangup(struct call *call, const char *reason);
/** The call enters a queue of the engine; returns an errno. */
int call_enqueue(struct call *call, const struct acd_contact_params *p,
                 unsigned announce_s);
/** Announce position and wait again in ms. */
void call_announce_in(struct call *call, uint64_t ms);
/** Ring the agent for this call's offer. */
void call_ring_agent(struct call *call, uint32_t agent);
/**
 * Ring an outside number for the call, for agent (ACD_NONE: a forward,
 * bridged without the engine) through the tenant's outbound trunk.
 * Returns EPERM when dialing.allow refuses the number, ENOENT without an
 * outbound trunk, or another errno.
 */
int call_dial_outside(struct call *call, uint32_t agent, const char *number);
/** call_dial_outside(), and the leg ringing in *alp (the call's). */
int call_dial_outside_leg(struct call *call, uint32_t agent, const char *number,
                          struct agent_leg **alp);
/** Bridge the caller to al, one of the call's legs; the others stop. */
void call_bridge_leg(struct call *call, struct agent_leg *al);
/**
 * Ring agent's registered phones for a transfer, outside the engine's
 * offers: the first to answer is bridged; the agent is not ready
 * ("transfer") until the call ends. Returns EBUSY when no phone could be
 * rung.
 */
int call_ring_direct(struct call *call, uint32_t agent);
struct phone;
/**
 * Ring every registered phone of agent (ph: the agent's phone, NULL
 * none) for the call; each leg rung is given to each (when not NULL).
 * Returns how many phones ring.
 */
unsigned call_ring_bindings(struct call *call, uint32_t agent,
                            const struct phone *ph,
                            void (*each)(struct agent_leg *al, void *arg),
                            void *arg);
struct binding;
/** Ring one registered phone of agent for the call (a leg in ringing,
 * *alp when not NULL). Returns an errno. */
int call_dial_binding(struct call *call, uint32_t agent,
                      const struct binding *b, struct agent_leg **alp);
/** An attended transfer's target answered / left (control.c). */
void call_consult_answered(struct agent_leg *al);
void call_consult_ended(struct agent_leg *al);
/**
 * Where an outside number is dialled: its request URI through the
 * tenant's outbound trunk (*tp). dialing.allow is checked here, and a
 * refusal logged (dial.refused). Returns 0, EPERM (not allowed), ENOENT
 * (no outbound trunk) or EINVAL.
 */
int call_outside_uri(const struct call *call, const char *number, char *uri,
                     size_t size, const struct config_trunk **tp);
/** The digest credentials of trunk arg (a struct config_trunk). */
int call_trunk_auth(char **user, char **pass, const char *realm, void *arg);
/** The outbound trunk of the call's tenant, or NULL. */
const struct config_trunk *call_trunk_out(const struct call *call);
/**
 * A REFER from al's phone (control.c): a blind transfer to the queue,
 * agent or outside number that the Refer-To's user part names. Replies
 * 202 and NOTIFY when it is done, or an error (403, 404, 486, 503)
 * leaving the call as it was.
 */
void call_refer(struct agent_leg *al, struct sip *sip,
                const struct sip_msg *msg);
/** Stop ringing the agent (offer timed out or withdrawn). */
void call_stop_agent(struct call *call, uint32_t agent);
struct call *call_by_contact(const struct voice *v, uint64_t contact);
/**
 * The call of contact, bridged to an agent's leg and connected in the
 * engine; NULL with *errp ENOENT (no such call, or v NULL) or EPROTO (not
 * talking to an agent).
 */
struct call *call_talking(struct voice *v, uint64_t contact, int *errp);
/** The caller's music when an agent holds the call (control.c): the
 * music they waited on, else the "default" music, else ringing. */
void call_hold_music(struct call *call);
/** Send 20 ms of silence to a leg (an agent holding the call). */
void call_silence(struct leg *leg);

#endif
