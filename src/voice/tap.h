/*
 * tap.h - what the caller and the agent of a bridged call say, taken
 * from their legs' received audio and handed, one 20 ms frame per side
 * and per media tick, to the call's recorder and its supervisor.
 */
#ifndef VOICE_TAP_H
#define VOICE_TAP_H

struct call;

/**
 * Listen to the call's caller and agent legs (their leg_pcm_h) from now
 * on; idempotent, and again after the agent's leg changed (a transfer).
 * Returns 0 or ENOMEM.
 */
int tap_attach(struct call *call);
/** Stop listening and free (the call ends, nobody needs the audio). */
void tap_detach(struct call *call);
/** The media tick of a bridged call: one frame of each side to the
 * recorder (silence on hold) and to the supervisor. */
void tap_tick(struct call *call);

#endif
