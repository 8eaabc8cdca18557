/*
 * monitor.h - a supervisor on a live call: the daemon rings the
 * supervisor's phone and, once it answers, mixes in the media tick:
 * listen (the supervisor hears caller and agent, nobody hears them),
 * whisper (the agent hears caller and supervisor, the caller only the
 * agent), barge (each hears the other two). See docs/voice.md.
 */
#ifndef VOICE_MONITOR_H
#define VOICE_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

struct agent_leg;
struct call;
struct monitor;

/** One frame of caller and agent (tap.c): the supervisor's mix, and
 * the agent's and the caller's in whisper and barge. */
void monitor_frame(struct monitor *m, const int16_t *caller,
                   const int16_t *agent);
/** The supervisor's phone answered (call.c's agent_estab_h). */
void monitor_answered(struct agent_leg *al);
/** The supervisor's phone hung up or failed (agent_close_h): the
 * session ends. */
void monitor_leg_closed(struct agent_leg *al);
/** The mode of m (NULL: none) and whether its phone answered. */
const char *monitor_mode(const struct monitor *m, bool *answered);
/** The call ends: the supervisor's phone gets its BYE. */
void monitor_end(struct call *call, const char *reason);

#endif
