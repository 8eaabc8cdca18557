/*
 * callback.h - calling a callback back: the agent's phone first, then
 * the customer through the outbound trunk, with a retry policy and the
 * customer's window (docs/voice.md, "Callbacks").
 */
#ifndef VOICE_CALLBACK_H
#define VOICE_CALLBACK_H

#include <stdbool.h>
#include <stdint.h>

#include <centralino/acd.h>

struct agent_leg;
struct call;
struct config_callback;
struct voice;

/**
 * When to dial a callback's customer again after a failed attempt:
 * attempts is how many were made (this one included), now_ms and
 * not_after_ms (0: no window) are Unix ms. Returns the due time, or 0
 * to give up: the queue's attempts are spent, or the next would come at
 * or after the end of the customer's window.
 */
int64_t voice_callback_next(const struct config_callback *cb, unsigned attempts,
                            int64_t now_ms, int64_t not_after_ms);

/**
 * An engine event of a callback contact. Returns true when the voice
 * channel handles it (an offer to an agent who takes calls by phone, and
 * what follows), false to leave it to the desktop.
 */
bool callback_engine_event(struct voice *v, const struct acd_event *ev);
/** The agent answered (the offer is accepted): now dial the customer. */
void callback_agent_answered(struct call *call, struct agent_leg *al);
/** 20 ms to the agent while the customer rings: the prompt, ringing. */
void callback_media(struct call *call);
/**
 * The call ends before the customer talked (busy, no answer, failure,
 * the agent hung up): the attempt is counted and the contact scheduled
 * again or closed as callback-failed. The caller frees the call.
 */
void callback_unreached(struct call *call, const char *reason);

#endif
