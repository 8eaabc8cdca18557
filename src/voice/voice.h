/*
 * voice.h - the SIP voice channel: registrar for agents' phones, calls
 * from trunks through the IVR into the routing engine, and the bridge
 * between caller and agent with media through the daemon.
 *
 * Runs on libre's event loop; the daemon creates it after the engine and
 * forwards every engine event to voice_engine_event().
 */
#ifndef CENTRALINO_VOICE_H
#define CENTRALINO_VOICE_H

#include <stdbool.h>
#include <stdint.h>

#include <centralino/acd.h>

struct config;
struct config_hold;
struct desk;
struct store;
struct voice;

enum voice_transport { VOICE_UDP = 0, VOICE_TCP, VOICE_TLS };

struct voice_listen {
	enum voice_transport transport;
	char address[64];      /* "127.0.0.1:5060", "[::1]:5060" */
	char certificate[256]; /* TLS only */
};

/** An agent's SRTP policy (agent `security.srtp`). */
enum voice_srtp {
	VOICE_SRTP_OPTIONAL = 0, /* offered over TLS, plain RTP accepted */
	VOICE_SRTP_REQUIRED,     /* plain RTP refused (488) */
	VOICE_SRTP_OFF,          /* never offered (a TLS phone without it) */
};

/** A phone identity: an agent of the engine and its SIP credentials. */
struct voice_phone {
	uint32_t agent; /* engine id */
	char user[128]; /* digest user name */
	char password[128];
	bool static_member; /* ready whenever registered */
	char outside[33];   /* mobile, rung through a trunk; "" none */
	bool tls_required;  /* REGISTER over UDP or TCP refused */
	enum voice_srtp srtp;
};

/** A call detail record, handed over when a call ends. */
struct voice_cdr {
	uint64_t contact; /* 0 when the call never reached a queue */
	const char *tenant, *caller, *number, *agent, *reason;
	uint64_t seconds;
	uint64_t caller_rtp_rx, caller_rtp_tx, agent_rtp_rx, agent_rtp_tx;
};

typedef void(voice_cdr_h)(const struct voice_cdr *cdr, void *arg);

/** What the channel needs; voice_params_from_config() fills it. */
struct voice_params {
	char realm[64];
	char media_address[64]; /* IP of RTP; "" the first listen's */
	char prompts_cache[256];
	struct voice_listen listen[8];
	unsigned nlisten;
	unsigned max_calls;
	unsigned retry_after_s;
	uint16_t rtp_min, rtp_max;
	uint32_t reg_min_s, reg_max_s, reg_default_s;
	unsigned auth_max_failures;
	uint32_t auth_window_s, auth_block_s;
	uint32_t nat_keepalive_s; /* OPTIONS to UDP phones behind NAT; 0 off */
	struct voice_phone *phones;
	size_t nphones;
	voice_cdr_h *cdrh; /* may be NULL */
	void *cdr_arg;
	struct desk *desk;   /* hosts voicemails; NULL: the engine alone */
	struct store *store; /* rotas' run-time overrides; NULL: the file's */
	/* false while the store cannot record: new calls get 503; NULL: ok */
	bool (*can_record)(void *arg);
	/* the channel buffered a row or a journal note of its own (a
	 * recording, a supervision) in store: commit soon; NULL: nothing */
	void (*stored)(void *arg);
	void *record_arg;
};

/** Counters for the operator and the benchmarks. */
struct voice_stats {
	unsigned calls;         /* calls up now (caller legs) */
	unsigned bridged;       /* of them, talking to an agent */
	unsigned registrations; /* phone bindings */
	uint64_t calls_total;   /* calls accepted since start */
	uint64_t calls_refused; /* 503 for capacity, 403/404 for routing */
	uint64_t auth_failures;
	uint64_t rtp_rx, rtp_tx; /* packets */
};

/** Defaults for everything but listen addresses and phones. */
void voice_params_init(struct voice_params *p);
/**
 * Fill p from cfg's sip section and agents (engine ids from acd).
 * Returns false when cfg has no sip section: no voice channel. p->phones
 * is allocated with malloc and is the caller's to free.
 */
bool voice_params_from_config(struct voice_params *p, const struct config *cfg,
                              const struct acd *acd);
/** Is a flow in emergency mode now? */
bool voice_emergency_on(const struct voice *v, const char *tenant,
                        const char *flow);
/** Switch a flow's emergency mode on or off at run time. */
int voice_emergency_set(struct voice *v, const char *tenant, const char *flow,
                        bool on);

/**
 * Start the voice channel, bound to the engine. p is copied (phones
 * too); hold (may be NULL) gives numbers, trunks and flows: the channel
 * takes a reference of its own. Returns 0, EINVAL (nothing to listen
 * on), EADDRINUSE, or another errno from the network.
 */
int voice_alloc(struct voice **vp, const struct voice_params *p,
                struct config_hold *hold, struct acd *acd);
/**
 * Take a new configuration without dropping a call: phones (passwords,
 * static membership, mobiles) and limits are updated at once, new calls
 * run the new numbers and flows, calls in progress keep the flows they
 * started with. Listen addresses and the realm need a restart (logged).
 */
int voice_reload(struct voice *v, const struct voice_params *p,
                 struct config_hold *hold);
/** Hang up every call, stop listening and free. NULL is accepted. */
void voice_free(struct voice *v);
/** Hand an engine event to the channel (offers ring phones, ...). */
void voice_engine_event(struct voice *v, const struct acd_event *ev);
void voice_stats(const struct voice *v, struct voice_stats *st);

/* ---- call controls (control.c, docs/voice.md) ---- */

/** A live call as the API shows it. */
struct voice_call_info {
	bool bridged;            /* talking to someone */
	bool held;               /* on hold now */
	uint64_t held_for_ms;    /* this hold so far */
	uint64_t held_total_ms;  /* every hold of this call, this one too */
	char from[64];           /* the caller's number ("" hidden) */
	const char *consult;     /* attended transfer: "ringing", "talking" */
	const char *supervision; /* a supervisor's mode, NULL: none */
	bool supervisor_on;      /* their phone answered (else ringing) */
	bool recording;          /* the call is being recorded */
};
/** The call of an engine contact: 0, or ENOENT when it has none. */
int voice_call_info(const struct voice *v, uint64_t contact,
                    struct voice_call_info *ci);
/**
 * Hold (the caller hears the music they waited on, the agent silence)
 * or resume the call of contact, and tell the engine. Returns 0; ENOENT
 * (no call), EPROTO (not talking to an agent of the engine), EALREADY
 * (already in that state).
 */
int voice_call_hold(struct voice *v, uint64_t contact, bool hold);
/** Hang up both sides; the contact ends (wrap-up). Errors as above. */
int voice_call_hangup(struct voice *v, uint64_t contact);

enum voice_target { VOICE_TO_QUEUE = 0, VOICE_TO_AGENT, VOICE_TO_NUMBER };

/** Where a blind transfer sends the caller. */
struct voice_transfer {
	enum voice_target to;
	uint32_t id;        /* the queue's or agent's engine id */
	int priority;       /* in the target queue */
	const char *number; /* an outside number (VOICE_TO_NUMBER) */
	bool attended;      /* consult the target first (agent, number) */
};
/**
 * Blind transfer: the agent's leg is hung up and the agent goes to
 * wrap-up; the caller waits on music for a queue (same contact), rings
 * an agent's phones, or an outside number through the outbound trunk.
 * Attended (t->attended, to an agent or a number): the caller is held
 * and the target rung for the agent to talk to; the transfer is then
 * completed or cancelled (below).
 * Returns 0; ENOENT, EPROTO as above; ENOENT also for a target of
 * another tenant; EINPROGRESS (a consultation is going on); EBUSY (the agent is not ready or has no phone);
 * ENXIO (nobody is logged in to the queue); EPERM (dialing.allow
 * refuses the number: nothing is dialled); ENODEV
 * (no outbound trunk); EINVAL.
 */
int voice_call_transfer(struct voice *v, uint64_t contact,
                        const struct voice_transfer *t);
/**
 * An attended transfer: the caller goes to the consulted target and the
 * agent to wrap-up (complete), or the target is hung up and the agent
 * talks to the caller again (cancel). Returns 0; ENOENT, EPROTO as
 * above; ENOTCONN (no consultation, or complete before it answered).
 */
int voice_call_transfer_complete(struct voice *v, uint64_t contact);
int voice_call_transfer_cancel(struct voice *v, uint64_t contact);

/* ---- supervision (monitor.c, docs/voice.md) ---- */

enum voice_supervise_mode { VOICE_LISTEN = 0, VOICE_WHISPER, VOICE_BARGE };

/** "listen", "whisper", "barge". */
const char *voice_supervise_mode_name(enum voice_supervise_mode m);
/** The mode of a name, -1 when none. */
int voice_supervise_mode_parse(const char *name);

/** A supervisor joining a live call. */
struct voice_supervise {
	enum voice_supervise_mode mode;
	uint32_t agent;     /* ring this agent's registered phone, or */
	const char *number; /* this outside number (dialing.allow); one */
	const char *user;   /* who asks: logs and journal */
};
/**
 * Ring the supervisor's phone for the call of contact; once answered
 * the mode is mixed in. Returns 0; ENOENT (no call); EPROTO (not
 * talking to an agent); EALREADY (supervised already); EBUSY (that
 * agent has no phone registered); EPERM (dialing.allow refuses the
 * number: nothing is dialled); ENODEV (no outbound trunk); EINVAL.
 */
int voice_call_supervise(struct voice *v, uint64_t contact,
                         const struct voice_supervise *s);
/** Change the mode. Returns 0; ENOENT; ENOTCONN (not supervised);
 * EALREADY (that mode already). */
int voice_call_supervise_mode(struct voice *v, uint64_t contact,
                              enum voice_supervise_mode mode);
/** The supervisor's phone is hung up; caller and agent as before.
 * Returns 0, ENOENT or ENOTCONN. */
int voice_call_supervise_stop(struct voice *v, uint64_t contact);

#endif
