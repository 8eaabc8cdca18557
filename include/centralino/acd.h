/*
 * acd.h - the routing engine (automatic contact distribution).
 *
 * The engine decides which agent gets which contact. It owns no socket and
 * never reads a clock of its own: the host hands it a clock, calls
 * acd_timers_run() when acd_next_deadline() is reached, and receives every
 * decision as a typed event. The daemon, the simulator and the tests drive
 * the same code.
 *
 * Matching is event-driven: it happens when a contact arrives, an agent
 * becomes available, an offer ends or a timer fires, and costs O(log n) in
 * agents and contacts. See docs/routing.md for the model.
 *
 * Events are queued and delivered after the call that caused them has
 * finished its work, so an event handler may call back into the engine
 * (accept an offer, end a contact) safely.
 */
#ifndef CENTRALINO_ACD_H
#define CENTRALINO_ACD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Milliseconds on the host's clock (monotonic or simulated). */
typedef int64_t acd_time_t;

#define ACD_NONE            UINT32_MAX /* no id */
#define ACD_MAX_REQS        8          /* skill requirements of one contact */
#define ACD_MAX_STEPS       8          /* escalation steps of one queue */
#define ACD_MAX_POOL_QUEUES 4          /* home queue plus overflow queues */
#define ACD_PROFICIENCY_MAX 5

enum acd_channel {
	ACD_CH_VOICE = 0,
	ACD_CH_CHAT,
	ACD_CH_EMAIL,
	ACD_CH_CALLBACK, /* counts against the agent's voice capacity */
	ACD_CH_VOICEMAIL,
	ACD_CH_APP,
	ACD_CH_COUNT
};

enum acd_strategy {
	ACD_STRAT_LONGEST_IDLE = 0,
	ACD_STRAT_FEWEST_CONTACTS,
	ACD_STRAT_LEAST_TALK,
	ACD_STRAT_ROUND_ROBIN,
	ACD_STRAT_LINEAR,
	ACD_STRAT_RANDOM,
	ACD_STRAT_BEST_SKILL,
	ACD_STRAT_RING_ALL,
	ACD_STRAT_COUNT
};

/** What a supervisor sees; derived from presence and current work. */
enum acd_agent_state {
	ACD_AGENT_OFFLINE = 0,
	ACD_AGENT_READY,
	ACD_AGENT_RESERVED, /* an offer is out */
	ACD_AGENT_BUSY,
	ACD_AGENT_WRAPUP,
	ACD_AGENT_NOT_READY,
	ACD_AGENT_STATE_COUNT
};

/** What the agent chose; the engine changes it only after a missed offer. */
enum acd_presence {
	ACD_PRESENCE_OFFLINE = 0,
	ACD_PRESENCE_READY,
	ACD_PRESENCE_NOT_READY,
};

enum acd_contact_state {
	ACD_CONTACT_SCHEDULED = 0, /* a callback not yet due */
	ACD_CONTACT_WAITING,
	ACD_CONTACT_OFFERED,
	ACD_CONTACT_CONNECTED,
	ACD_CONTACT_WRAPUP,
	ACD_CONTACT_ENDED,
};

enum acd_fallback_cause {
	ACD_FALLBACK_QUEUE_FULL = 0,
	ACD_FALLBACK_MAX_WAIT,
	ACD_FALLBACK_NOBODY, /* nobody who could take it is logged in */
	ACD_FALLBACK_CAUSE_COUNT
};

enum acd_fallback_action {
	ACD_ACTION_NONE = 0, /* keep waiting (no fallback configured) */
	ACD_ACTION_CALLBACK, /* becomes a callback that keeps its place */
	ACD_ACTION_VOICEMAIL,
	ACD_ACTION_MESSAGE, /* play a message, then hang up */
	ACD_ACTION_FORWARD, /* forward to target (a number) */
	ACD_ACTION_HANGUP,
};

struct acd_fallback {
	enum acd_fallback_action action;
	char target[64]; /* number or prompt name; "" when unused */
};

/** One requirement: the agent's proficiency in skill >= min_proficiency. */
struct acd_skill_req {
	uint32_t skill;
	uint8_t min_proficiency; /* 1..5 */
};

/**
 * One escalation step. Steps apply in order, each after its delay counted
 * from the contact's entry into the queue, and their effects accumulate.
 * A step whose pool has nobody logged in is skipped at once.
 */
struct acd_step {
	acd_time_t after;        /* ms since entering the queue */
	int priority_add;        /* raise the contact's priority */
	uint8_t min_proficiency; /* 0: unchanged; else lower every minimum */
	uint32_t skill_from;     /* ACD_NONE, or replace this requirement ... */
	uint32_t skill_to;       /* ... by this skill (ACD_NONE: drop it) */
	uint32_t overflow_queue; /* ACD_NONE, or add this queue's members */
};

struct acd_queue_params {
	uint32_t tenant;
	const char *name;
	enum acd_strategy strategy;
	int priority;             /* added to every contact's priority */
	acd_time_t offer_timeout; /* ring time: lease of one offer */
	acd_time_t wrapup;        /* after-contact work; 0: none */
	acd_time_t max_wait;      /* 0: no limit (live channels only) */
	unsigned max_waiting;     /* 0: no limit (live channels only) */
	acd_time_t sl_threshold;  /* service level threshold */
	acd_time_t short_abandon; /* abandons faster than this don't count */
	bool no_answer_ready;     /* after a missed offer stay ready */
	bool reject_ready;        /* after a rejected offer stay ready */
	struct acd_fallback fallback[ACD_FALLBACK_CAUSE_COUNT];
	struct acd_step steps[ACD_MAX_STEPS];
	unsigned nsteps;
};

struct acd_agent_skill {
	uint32_t skill;
	uint8_t proficiency; /* 1..5 */
};

struct acd_agent_params {
	uint32_t tenant;
	const char *name;
	/* Contacts at once, per channel; callbacks share the voice figure.
	 * All zero means the default: 1 voice, 1 of each other channel. */
	uint8_t capacity[ACD_CH_COUNT];
	bool call_shares; /* a call does not exclude other work */
	const struct acd_agent_skill *skills;
	unsigned nskills;
};

struct acd_contact_params {
	enum acd_channel channel;
	uint32_t queue;
	int priority;
	struct acd_skill_req reqs[ACD_MAX_REQS];
	unsigned nreqs;
	acd_time_t virtual_start; /* 0: now. A callback keeps its call's. */
	acd_time_t not_before;    /* 0: at once. Callbacks in a window. */
	const char *attributes;   /* "key=value;..." copied; may be NULL */
	void *user;               /* the host's, returned in events */
	/*
	 * Last-agent routing, when preferred_wait > 0: offered first to
	 * preferred_agent if they can take it now; reserved for them up to
	 * preferred_wait ms (from entering the queue) while they are logged
	 * in but busy; then, or at once if they are logged out or cannot
	 * serve it, an ordinary contact at its place (docs/routing.md).
	 * preferred_wait 0 (the default) means no preference: agent ids
	 * start at 0, so the id alone could not say "none".
	 */
	uint32_t preferred_agent;
	acd_time_t preferred_wait;
};

enum acd_event_type {
	ACD_EV_CONTACT_QUEUED = 0,
	ACD_EV_CONTACT_OFFERED,
	ACD_EV_OFFER_ACCEPTED,
	ACD_EV_OFFER_REJECTED,
	ACD_EV_OFFER_TIMEOUT,
	ACD_EV_OFFER_WITHDRAWN,   /* ring-all lost, abandon, agent left */
	ACD_EV_CONTACT_CONNECTED, /* media or conversation established */
	ACD_EV_CONTACT_HELD,
	ACD_EV_CONTACT_RESUMED,
	ACD_EV_CONTACT_TRANSFERRED,
	ACD_EV_CONTACT_WRAPUP,
	ACD_EV_CONTACT_COMPLETED,
	ACD_EV_CONTACT_ABANDONED,
	ACD_EV_CONTACT_ESCALATED,
	ACD_EV_CONTACT_FALLBACK,
	ACD_EV_CALLBACK_SCHEDULED,
	ACD_EV_AGENT_STATE,
	ACD_EV_COUNT
};

/** Why an offer went to this agent. */
struct acd_decision {
	enum acd_strategy strategy;
	unsigned step;       /* escalation steps applied to the contact */
	unsigned candidates; /* agents available for the contact */
	unsigned waiting;    /* contacts the agent could have taken */
	int64_t metric;      /* the strategy's figure for the chosen agent */
	bool agent_first;    /* the agent became free and chose the contact */
	bool preferred;      /* the contact's preferred agent (last agent);
	                        the event's reason is then "preferred-agent" */
};

/**
 * One engine event. Values are copies: valid during the callback only.
 * Fields that do not apply hold ACD_NONE, 0 or NULL.
 */
struct acd_event {
	enum acd_event_type type;
	acd_time_t time;
	uint64_t contact;
	uint32_t agent;
	uint32_t queue;
	uint32_t tenant;
	enum acd_channel channel;
	void *user;         /* the contact's host pointer */
	const char *reason; /* static text or the agent's reason code */
	acd_time_t wait;    /* queued time so far (offers, answers, abandon) */
	enum acd_agent_state agent_state; /* AGENT_STATE: new and previous */
	enum acd_agent_state agent_prev;
	struct acd_decision decision;  /* CONTACT_OFFERED */
	enum acd_fallback_cause cause; /* CONTACT_FALLBACK */
	const struct acd_fallback *fallback;
};

typedef void(acd_event_h)(const struct acd_event *ev, void *arg);
typedef acd_time_t(acd_clock_h)(void *arg);

struct acd;

/**
 * Create an engine. clock is read whenever the engine needs the time;
 * event_h receives every event (may be NULL). seed drives the random
 * strategy. Returns 0 or ENOMEM.
 */
int acd_alloc(struct acd **acdp, acd_clock_h *clock, acd_event_h *event_h,
              void *arg, uint64_t seed);
/** Free the engine and everything it holds. NULL is accepted. */
void acd_free(struct acd *acd);

/** Earliest timer deadline, or -1 when no timer is set. */
acd_time_t acd_next_deadline(const struct acd *acd);
/** Fire every timer whose deadline is at or before the clock's now. */
void acd_timers_run(struct acd *acd);

/* Registry. Names are unique per kind (per tenant for queues and agents).
 * Each returns 0, EEXIST, EINVAL or ENOMEM. */
int acd_tenant_add(struct acd *acd, const char *name, uint32_t *idp);
int acd_skill_add(struct acd *acd, const char *name, uint32_t *idp);
int acd_queue_add(struct acd *acd, const struct acd_queue_params *p,
                  uint32_t *idp);
/** Change a queue's settings at run time; contacts keep their places. */
int acd_queue_update(struct acd *acd, uint32_t queue,
                     const struct acd_queue_params *p);
int acd_agent_add(struct acd *acd, const struct acd_agent_params *p,
                  uint32_t *idp);

/** Look up by name; ACD_NONE when unknown. */
uint32_t acd_tenant_find(const struct acd *acd, const char *name);
uint32_t acd_skill_find(const struct acd *acd, const char *name);
uint32_t acd_queue_find(const struct acd *acd, uint32_t tenant,
                        const char *name);
uint32_t acd_agent_find(const struct acd *acd, uint32_t tenant,
                        const char *name);
const char *acd_tenant_name(const struct acd *acd, uint32_t tenant);
/** The tenant of an agent, ACD_NONE when unknown. */
uint32_t acd_agent_tenant(const struct acd *acd, uint32_t agent);
/** The tenant of a queue; ACD_NONE when unknown. */
uint32_t acd_queue_tenant(const struct acd *acd, uint32_t queue);
/** The engine's clock now (what its clock callback says). */
acd_time_t acd_now(const struct acd *acd);
const char *acd_queue_name(const struct acd *acd, uint32_t queue);
const char *acd_agent_name(const struct acd *acd, uint32_t agent);
const char *acd_skill_name(const struct acd *acd, uint32_t skill);

/**
 * Make agent a member of queue with a per-queue priority (higher is
 * offered first). Agent and queue must share a tenant (EPERM otherwise).
 * Changing the priority of an existing member is allowed.
 */
int acd_member_add(struct acd *acd, uint32_t agent, uint32_t queue,
                   int priority);
int acd_member_remove(struct acd *acd, uint32_t agent, uint32_t queue);
/** The queues agent is a member of: up to max ids into v; returns the
 * number of memberships (which may exceed max). */
size_t acd_agent_queues(const struct acd *acd, uint32_t agent, uint32_t *v,
                        size_t max);
/** The agent's skills: up to max into v; returns how many it has. */
size_t acd_agent_skills(const struct acd *acd, uint32_t agent,
                        struct acd_agent_skill *v, size_t max);
/** Set a skill's proficiency (1..5), or remove it with 0. */
int acd_agent_skill_set(struct acd *acd, uint32_t agent, uint32_t skill,
                        unsigned proficiency);
/** Set per-channel capacity (callbacks use the voice figure). */
int acd_agent_capacity_set(struct acd *acd, uint32_t agent, enum acd_channel ch,
                           unsigned capacity);

/**
 * Change an agent's presence. reason is a not-ready reason code (copied,
 * may be NULL). Going not ready or offline withdraws an offer that is out;
 * contacts already connected continue. Returns 0, ENOENT or EINVAL.
 */
int acd_agent_presence(struct acd *acd, uint32_t agent, enum acd_presence p,
                       const char *reason);
enum acd_agent_state acd_agent_state(const struct acd *acd, uint32_t agent);

/**
 * Hand a contact to the engine. On success *idp holds its id and the
 * contact is queued, offered, or (full queue, nobody logged in) given its
 * fallback, all reported by events. Returns 0, ENOENT (unknown queue),
 * EINVAL or ENOMEM.
 */
int acd_contact_add(struct acd *acd, const struct acd_contact_params *p,
                    uint64_t *idp);

/* Offers. Each returns 0; ENOENT for an unknown contact; ESTALE when the
 * offer to this agent is no longer out (withdrawn, timed out, another agent
 * won a ring-all): the agent must not connect the contact. */
int acd_offer_accept(struct acd *acd, uint64_t contact, uint32_t agent);
int acd_offer_reject(struct acd *acd, uint64_t contact, uint32_t agent);

/* A connected contact. Each returns 0, ENOENT, or EPROTO in a wrong state. */
/**
 * The conversation is established (the call bridged, the chat opened):
 * talk time counts from here. A channel where accepting is connecting
 * calls it right after acd_offer_accept().
 */
int acd_contact_connected(struct acd *acd, uint64_t contact);
int acd_contact_hold(struct acd *acd, uint64_t contact, bool hold);
/** The conversation is over: wrap-up (if the queue has one) or done. */
int acd_contact_end(struct acd *acd, uint64_t contact);
/**
 * The same, ended by the channel for reason (static text, e.g.
 * "callback-failed": the customer was never reached): no wrap-up, and
 * the CONTACT_COMPLETED event carries the reason. NULL is
 * acd_contact_end().
 */
int acd_contact_end_reason(struct acd *acd, uint64_t contact,
                           const char *reason);
/** The agent finished the wrap-up before its timer. */
int acd_contact_wrapup_done(struct acd *acd, uint64_t contact);
/** Move a connected contact to another queue; its agent goes to wrap-up. */
int acd_contact_transfer(struct acd *acd, uint64_t contact, uint32_t queue,
                         int priority);

/**
 * Put a connected contact back in its queue at its place (its virtual
 * start and priority kept), for the next agent: its agent cannot go on
 * (the desktop disconnected). No wrap-up, nothing counted as completed;
 * a CONTACT_TRANSFERRED event with reason (NULL: "requeued"). Set the
 * agent not ready first, or it may be offered the contact again.
 * Returns 0, ENOENT, or EPROTO if not connected.
 */
int acd_contact_requeue(struct acd *acd, uint64_t contact, const char *reason);

/**
 * A callback whose customer was not reached (busy, no answer, a failure):
 * its agent is freed (no wrap-up, nothing completed) and it goes back to
 * its queue at its place (virtual start and priority kept), scheduled
 * until not_before (0 or past: due at once). A CALLBACK_SCHEDULED event
 * with the agent and reason (NULL: "retry"). Returns 0, ENOENT, or
 * EPROTO if it is not a connected callback.
 */
int acd_contact_retry(struct acd *acd, uint64_t contact, acd_time_t not_before,
                      const char *reason);

/* A contact not yet connected. */
/** The customer left (hung up, closed the chat). */
int acd_contact_abandon(struct acd *acd, uint64_t contact);
/**
 * Turn a waiting call into a callback that keeps its place, due from
 * not_before (0: at once). Returns 0, ENOENT, or EPROTO if not waiting.
 */
int acd_contact_callback(struct acd *acd, uint64_t contact,
                         acd_time_t not_before);

enum acd_contact_state acd_contact_state(const struct acd *acd,
                                         uint64_t contact);
/** The attributes a contact was added with ("key=value;..."), or NULL;
 * valid until the contact changes or ends. */
const char *acd_contact_attributes(const struct acd *acd, uint64_t contact);

/**
 * Estimated wait of a waiting contact, position-aware: the contacts ahead
 * of it (callbacks included) that the same agents serve, those agents'
 * recent handle times and the queue's abandonment. *positionp (may be
 * NULL) gets the number of contacts ahead. Returns 0, ENOENT or EPROTO.
 */
int acd_contact_ewt(const struct acd *acd, uint64_t contact, acd_time_t *ewtp,
                    unsigned *positionp);

struct acd_queue_stats {
	unsigned waiting;       /* contacts waiting (and scheduled callbacks) */
	acd_time_t oldest_wait; /* ms; 0 when nobody waits */
	unsigned agents[ACD_AGENT_STATE_COUNT]; /* members by state */
	uint64_t offered; /* contacts that entered the queue */
	uint64_t answered;
	uint64_t answered_in_sl;
	uint64_t abandoned; /* short abandons excluded */
	uint64_t abandoned_short;
	uint64_t abandoned_in_sl; /* abandoned before the threshold */
	acd_time_t wait_answered; /* sum of answered contacts' waits */
	acd_time_t handle_time;   /* sum of completed handle times */
	uint64_t completed;
	double service_level; /* answered in SL / (answered + abandoned) */
	double asa_ms;        /* mean wait of answered contacts */
	double abandon_rate;  /* abandoned / (answered + abandoned) */
	double aht_ms;        /* recent handle time (smoothed) */
};

/** Live figures of a queue since it was created or last reset. */
int acd_queue_stats(const struct acd *acd, uint32_t queue,
                    struct acd_queue_stats *st);
/** Reset a queue's counters (start of day); waiting contacts stay. */
int acd_queue_stats_reset(struct acd *acd, uint32_t queue);

/** Engine-wide counts for benchmarks and the operator. */
struct acd_totals {
	uint64_t decisions; /* offers made */
	size_t contacts;    /* contacts alive */
	size_t agents;
	size_t queues;
	size_t pools;
};
void acd_totals(const struct acd *acd, struct acd_totals *t);

/**
 * Verify the engine's invariants: no pool holds both a waiting contact and
 * an available agent, no agent is available in a class where a contact is
 * reserved for it (its preferred agent), no agent is over capacity or
 * holds two offers, every
 * contact is where its state says, every count agrees with a recount.
 * Returns 0, or EFAULT with the first broken rule described in buf.
 * Costs a walk over everything: for tests and debugging.
 */
int acd_check(const struct acd *acd, char *buf, size_t size);

const char *acd_channel_name(enum acd_channel ch);
const char *acd_strategy_name(enum acd_strategy s);
const char *acd_agent_state_name(enum acd_agent_state s);
const char *acd_event_name(enum acd_event_type t);
const char *acd_fallback_action_name(enum acd_fallback_action a);
const char *acd_fallback_cause_name(enum acd_fallback_cause c);
/** Parse names back; return -1 when unknown. */
int acd_channel_parse(const char *s);
int acd_strategy_parse(const char *s);
int acd_fallback_action_parse(const char *s);

#endif
