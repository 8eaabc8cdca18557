/*
 * consultq.h - an attended transfer to a queue.
 *
 * The agent consults whoever of the queue the engine chooses: the
 * consultation is a voice contact of its own in that queue (attribute
 * consult=KEY of the caller's contact), routed like any call by skills,
 * priority and waiting time, and counted in that queue's figures as
 * Genesys counts its consult interactions. Its agent's phone rings as a
 * consultation (control.c bridges it to the transferring agent, the
 * caller held). On completion the caller's call takes that contact as
 * its own (the first contact ends, its agent to wrap-up; the second goes
 * on connected to the new agent); on cancel it ends without wrap-up if
 * answered, or is abandoned while it waits.
 */
#ifndef VOICE_CONSULTQ_H
#define VOICE_CONSULTQ_H

#include <stdbool.h>
#include <stdint.h>

struct acd_event;
struct agent_leg;
struct call;
struct voice;

/** Enter the consultation in queue; the caller is already held. */
int consultq_start(struct call *call, uint32_t queue, int priority);
/** An engine event of a consultation's contact: true when it was one. */
bool consultq_engine_event(struct voice *v, const struct acd_event *ev);
/** One of its agent's phones answered: the offer accepted, the other
 * phones stop. False when the engine gave it to another (too late). */
bool consultq_answered(struct agent_leg *al);
/** A consultation's leg went (declined, unanswered, hung up): true when
 * it was one (freed here). */
bool consultq_leg_closed(struct agent_leg *al);
/** Completed: the call's contact becomes the consultation's. */
void consultq_complete(struct call *call);
/** Cancelled, or the call ends: the consultation's contact ends. */
void consultq_stop(struct call *call, const char *why);
/** "ringing" or "queued" while nobody answered; NULL when none. */
const char *consultq_state(const struct call *call);

#endif
