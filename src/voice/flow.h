/*
 * flow.h - the IVR: runs a flow of the configuration for a call (opening
 * hours, prompts, menus by DTMF, setting skills and priority, entering a
 * queue, voicemail, forwarding, hanging up) and carries out the engine's
 * fallbacks.
 */
#ifndef VOICE_FLOW_H
#define VOICE_FLOW_H

#include <re.h>

#include <centralino/acd.h>

struct call;
struct config_rota;
struct voice_phone;
struct voice;

/** Where an incoming call goes: resolved from its trunk and number. */
struct flow_route {
	uint32_t tenant; /* engine id */
	size_t flow;     /* index in cfg->flows */
	size_t number;   /* index in cfg->numbers */
	const char *say; /* a feature code's confirmation: say, hang up */
	const struct config_rota *rota;  /* a rota's number: flow SIZE_MAX */
	const struct voice_phone *phone; /* an agent's phone calling, or NULL */
};

/**
 * Decide where an INVITE goes: from a known trunk (by source address or
 * digest) to a configured number. Replies itself and returns NULL when
 * the call is not allowed (403), the number unknown (404) or a challenge
 * is due (407). The result is valid until the next call.
 */
const struct flow_route *flow_route(struct voice *v, const struct sip_msg *msg);
/** Prepare the call to run the route's flow. Returns an errno. */
int flow_attach(struct call *call, const struct flow_route *route);
/** The caller's media is up: run from the flow's first node. */
void flow_start(struct call *call);
void flow_dtmf(struct call *call, char key);
/** Release what the flow holds (timers); idempotent. */
void flow_stop(struct call *call);
/** Time to tell a waiting caller their position and wait. */
void flow_announce(struct call *call);
/** Carry out the engine's fallback for a waiting call. */
void flow_fallback(struct call *call, const struct acd_fallback *fb,
                   uint32_t queue);
void flow_callback_scheduled(struct call *call);
/** A key pressed while queued: the queue's callback_key asks the engine
 * for a callback that keeps the caller's place. */
void flow_queued_key(struct call *call, char key);
/** The outside number did not answer or refused. */
void flow_forward_failed(struct call *call);
/** "This call is recorded." in lang ("it", "es"; English otherwise). */
const char *flow_recorded_words(const char *lang);
/** Say text to the caller in the call's language, then hang up. */
void flow_message(struct call *call, const char *text);
/** The caller records a message for queue (an engine id), as the
 * voicemail action does. */
void flow_voicemail(struct call *call, uint32_t queue);
/** The last prompts of a closing call have played. */
void flow_finished(struct call *call);

#endif
