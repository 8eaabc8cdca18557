/*
 * acd_int.h - the engine's internals, shared by the files of src/acd/.
 *
 * The model in one paragraph: a contact waits in exactly one *pool*, the
 * set of contacts with the same routing requirement (capacity class, the
 * queues whose members may serve it, the skills they need). Each pool also
 * holds a heap of the agents that are available for it right now, ordered
 * by the home queue's strategy. The engine keeps one invariant at rest: no
 * pool holds both a waiting contact and an available agent. So a contact
 * that arrives takes the top agent of its pool, and an agent that becomes
 * free looks at the first contact of each pool it is eligible for. Both
 * are O(log n) per pool, with a handful of pools per agent.
 */
#ifndef ACD_INT_H
#define ACD_INT_H

#include <centralino/acd.h>

#include "heap.h"
#include "idmap.h"
#include "ostree.h"

/* Capacity classes: callbacks count against voice. */
enum acd_class {
	CLASS_VOICE = 0,
	CLASS_CHAT,
	CLASS_EMAIL,
	CLASS_VOICEMAIL,
	CLASS_APP,
	CLASS_COUNT
};

struct acd;
struct timer;
typedef void(timer_h)(struct acd *acd, struct timer *t);

struct timer {
	struct heap_node hn; /* key[0] deadline, key[1] sequence */
	timer_h *fire;
};

struct tenant {
	uint32_t id;
	char *name;
};

struct skill {
	uint32_t id;
	char *name;
};

/** An agent's membership of a queue. */
struct member {
	struct agent *agent;
	struct queue *queue;
	int priority;
	uint32_t order;   /* position among the queue's members (linear) */
	uint64_t rr_seq;  /* last offer from this queue (round robin) */
	uint64_t handled; /* contacts answered (fewest contacts) */
	acd_time_t talk;  /* talk time (least talk time) */
	size_t agent_idx, queue_idx;
	unsigned refs; /* offers and connected contacts that credit it */
	bool removed;  /* out of its queue; freed with the last ref */
};

/** Requirement of a pool; contacts with equal signatures share a pool. */
struct pool_sig {
	uint8_t cls;
	uint8_t nqueues;
	uint8_t nreqs;
	uint32_t queues[ACD_MAX_POOL_QUEUES];    /* [0] is the home queue */
	struct acd_skill_req reqs[ACD_MAX_REQS]; /* sorted by skill */
};

/** An agent eligible for a pool; in pool->agents while available. */
struct pool_member {
	struct heap_node hn;
	struct agent *agent;
	struct pool *pool;
	struct member *member; /* membership of the first queue of the sig */
	uint8_t tier;          /* index of that queue in the sig */
	size_t agent_idx, pool_idx;
};

struct pool {
	struct pool_sig sig;
	uint64_t hash;
	struct pool *hnext; /* chain of pools with an equal hash */
	struct queue *home;
	struct ost contacts; /* waiting, by (priority, virtual start) */
	struct heap agents;  /* available eligible agents, by strategy */
	struct pool_member **elig;
	size_t nelig, elig_cap;
	unsigned logged_in; /* eligible agents not offline */
	unsigned staffed;   /* capacity of eligible agents who are ready */
};

struct queue {
	uint32_t id;
	struct tenant *tenant;
	char *name;
	struct acd_queue_params p;
	struct member **members;
	size_t nmembers, members_cap;
	uint32_t next_order;
	struct pool **pools; /* pools whose sig names this queue */
	size_t npools, pools_cap;
	uint64_t rr_counter;
	struct contact *first, *last; /* in the queue, by entry */
	unsigned in_queue;            /* contacts in that list */
	unsigned live_waiting;        /* of them, voice and chat */
	unsigned agents[ACD_AGENT_STATE_COUNT];
	struct acd_queue_stats st;
	double aht[CLASS_COUNT];   /* smoothed handle time, ms; 0: none */
	double abandons, exposure; /* decayed: abandonment rate estimate */
};

struct wrapup;

struct agent {
	uint32_t id;
	struct tenant *tenant;
	char *name;
	struct acd_agent_skill *skills; /* sorted by skill */
	unsigned nskills;
	uint8_t cap[CLASS_COUNT];
	uint8_t active[CLASS_COUNT];
	uint8_t wrapping[CLASS_COUNT];
	bool call_shares;
	enum acd_presence presence;
	char reason[32];
	enum acd_agent_state state; /* as last reported */
	acd_time_t idle_since;
	struct offer *offer;
	struct wrapup *wrapups;
	struct member **members;
	size_t nmembers, members_cap;
	struct pool_member **pms;
	size_t npms, pms_cap;
	uint64_t mark;     /* scratch for de-duplication */
	unsigned in_heaps; /* pool heaps the agent is in (available) */
	/* Contacts reserved for this agent as their preferred one, per
	 * class, by contact key (prefer.c); NULL until the first. */
	struct ost *reserved;
	unsigned nreserved;
};

struct offer {
	struct timer t;
	struct contact *contact;
	struct agent *agent;
	struct member *member; /* credited if answered (held) */
	struct offer *next;    /* of the same contact */
};

/** After-contact work holding one of the agent's slots. */
struct wrapup {
	struct timer t;
	struct agent *agent;
	struct contact *contact; /* NULL once the contact moved on */
	uint64_t contact_id;
	uint32_t queue;
	uint8_t cls;
	struct wrapup *next; /* of the same agent */
};

/*
 * A contact's preferred agent and the end of its wait for them, in
 * acd->prefs by contact id: few contacts have one, and a timer with them
 * in every contact cost 64 bytes each (`bench routing`: 605 MiB instead
 * of 537 at a million waiting; a pointer alone, 555).
 */
struct preference {
	struct timer t; /* first: the timer's address is the preference's */
	struct contact *contact;
	struct agent *agent;
	acd_time_t until;
};

struct contact {
	struct ost_node on; /* key: -priority, virtual start, id */
	uint64_t id;
	enum acd_channel channel;
	enum acd_contact_state state;
	struct queue *queue;
	struct pool *pool;
	int priority; /* the contact's own plus raises */
	struct pool_sig sig;
	unsigned step;  /* escalation steps applied */
	bool requeued;  /* going back to its place: never refused as full */
	bool preferred; /* has a preference, in acd->prefs (prefer.c) */
	bool reserved;  /* c->on is in its preferred agent's reserved tree */
	struct timer step_t;
	struct timer wait_t; /* max wait, or due time of a callback */
	acd_time_t arrival, entered, vstart;
	acd_time_t connected_at, held_since, held_total;
	struct offer *offers;
	struct agent *agent;
	struct member *member; /* of the connected agent, held */
	struct wrapup *wrapup;
	struct contact *qprev, *qnext;
	bool in_queue;
	bool fallback_pending;
	const char *end_reason; /* static: a channel's ending, or NULL */
	char *attributes;
	void *user;
};

struct acd {
	acd_clock_h *clock;
	acd_event_h *event_h;
	void *arg;
	uint64_t rng;
	struct heap timers;
	uint64_t timer_seq;
	struct tenant **tenants;
	size_t ntenants, tenants_cap;
	struct skill **skills;
	size_t nskills, skills_cap;
	struct queue **queues;
	size_t nqueues, queues_cap;
	struct agent **agents;
	size_t nagents, agents_cap;
	struct idmap names; /* hash of kind/tenant/name -> object */
	struct idmap contacts;
	struct idmap prefs; /* contact id -> struct preference */
	struct idmap pools;
	size_t npools;
	uint64_t next_contact;
	uint64_t decisions;
	uint64_t mark;
	struct acd_event *events; /* queued for delivery */
	size_t nevents, events_cap;
	unsigned depth;
	bool delivering;
};

/* acd.c */
void acd_enter(struct acd *acd);
void acd_leave(struct acd *acd);
struct acd_event *acd_event_new(struct acd *acd, enum acd_event_type type);
struct acd_event *acd_event_contact(struct acd *acd, enum acd_event_type type,
                                    const struct contact *c);
void timer_start(struct acd *acd, struct timer *t, acd_time_t deadline,
                 timer_h *fire);
void timer_stop(struct acd *acd, struct timer *t);
uint64_t acd_random(struct acd *acd);
struct queue *queue_get(const struct acd *acd, uint32_t id);
struct agent *agent_get(const struct acd *acd, uint32_t id);
struct contact *contact_get(const struct acd *acd, uint64_t id);
int vec_push(void *vecp, size_t *n, size_t *cap, void *item);

/* pool.c */
enum acd_class acd_class_of(enum acd_channel ch);
struct pool *pool_get(struct acd *acd, const struct pool_sig *sig);
void pool_free(struct acd *acd, struct pool *p);
void pool_agent_enter(struct acd *acd, struct pool_member *pm);
void pool_agent_leave(struct pool_member *pm);
/** Take the agent out of every pool heap it is in. */
void pools_leave_all(struct agent *a);
void pools_refresh_agent(struct acd *acd, struct agent *a, struct queue *q);
void pool_presence_changed(struct acd *acd, struct agent *a,
                           enum acd_presence old);
/** Count the agent in (+1) or out (-1) of its pools' staffing figures. */
void pools_count_agent(struct agent *a, int sign);
unsigned pool_capacity(const struct pool *p, const struct agent *a);
/** The agent's entry in pool p, or NULL when not eligible for it. */
struct pool_member *pm_find(const struct agent *a, const struct pool *p);

/* agent.c */
/** A membership found for crediting: held until member_release(). */
struct member *member_hold(struct member *m);
void member_release(struct member *m);
struct member *member_in(const struct agent *a, const struct queue *q);

/* route.c */
bool agent_has_room(const struct agent *a, enum acd_class cls);
void agent_route(struct acd *acd, struct agent *a);
void contact_route(struct acd *acd, struct contact *c);
void agent_state_update(struct acd *acd, struct agent *a);
void offer_withdraw_all(struct acd *acd, struct contact *c, const char *reason);
void offer_withdraw(struct acd *acd, struct offer *o, const char *reason);
void contact_requeue(struct acd *acd, struct contact *c);
void contact_key(struct contact *c);
bool contact_before(const struct contact *a, const struct contact *b);
/** Offer c (out of its pool) to the n agents of v, for decision d. */
void offer_make(struct acd *acd, struct contact *c, struct pool_member **v,
                size_t n, const struct acd_decision *d);

/* prefer.c: last-agent routing */
/** At the start of its wait: offered to or reserved for its preferred
 * agent (true), or an ordinary contact (false, preference dropped). */
bool prefer_place(struct acd *acd, struct contact *c);
/** The agent is free: offer it its best reserved contact (true). */
bool prefer_offer(struct acd *acd, struct agent *a);
/** c's preference, or NULL (none, or spent). */
static inline struct preference *contact_pref(const struct acd *acd,
                                              const struct contact *c)
{
	return c->preferred ? idmap_get(&acd->prefs, c->id) : NULL;
}
/** Record c's preference (c->id set). Returns 0 or ENOMEM. */
int prefer_new(struct acd *acd, struct contact *c, struct agent *a,
               acd_time_t until);
/** Take c out of its agent's reserved tree (no routing). */
void prefer_unreserve(struct acd *acd, struct contact *c);
/** Drop c's preference: its timer, its reservation (no routing). */
void prefer_drop(struct acd *acd, struct contact *c);
/** The agent logged out or may no longer serve some of its reserved
 * contacts: those go to their pools at their place. */
void prefer_recheck(struct acd *acd, struct agent *a);

/* contact.c */
void contact_enter_pool(struct acd *acd, struct contact *c);
/** Out of the pool's tree or the reserved tree it is waiting in. */
void contact_leave_pool(struct acd *acd, struct contact *c);
/** Into its pool, then offered or given the "nobody" fallback. */
void contact_place(struct acd *acd, struct contact *c);
void contact_leave_queue(struct acd *acd, struct contact *c);
void contact_fallback(struct acd *acd, struct contact *c,
                      enum acd_fallback_cause cause);
void contact_nobody(struct acd *acd, struct contact *c);
void contact_restart(struct acd *acd, struct contact *c, struct queue *q,
                     int priority);
/* The same, keeping a place in line: vstart, not now (a requeue), and
 * due from not_before (0: at once; a callback's next attempt). */
void contact_restart_at(struct acd *acd, struct contact *c, struct queue *q,
                        int priority, acd_time_t vstart, acd_time_t not_before);
void contact_free(struct acd *acd, struct contact *c);
void contacts_free_all(struct acd *acd);

/* stats.c */
void stats_answered(struct queue *q, acd_time_t wait);
void stats_abandoned(struct queue *q, enum acd_channel ch, acd_time_t wait);
void stats_completed(struct queue *q, enum acd_class cls, acd_time_t handle);

#endif
