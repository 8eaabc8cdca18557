/*
 * callrec.h - recording a bridged call: a stereo WAV (8 kHz, 16-bit, the
 * caller left, the agent right) next to the store, under recordings/,
 * with its row in the store and its start and end in the journal.
 */
#ifndef VOICE_CALLREC_H
#define VOICE_CALLREC_H

#include <stdint.h>

struct call;
struct callrec;

/**
 * Start recording the call (bridged to an agent, its queue records):
 * the file is opened, the caller and agent legs listened to (tap.h),
 * recording-started journaled and logged. Does nothing when the call
 * records already. Returns 0, or an errno (the directory or the file
 * cannot be made: logged, the call goes on unrecorded).
 */
int callrec_start(struct call *call);
/** One 20 ms frame of each side (the media tick, tap.c). */
void callrec_frame(struct callrec *r, const int16_t *caller,
                   const int16_t *agent);
/**
 * Close the file and hand its row (contact, tenant, queue, agent, path,
 * start, duration) to the store; recording-ended journaled and logged.
 * Nothing when the call is not recorded.
 */
void callrec_stop(struct call *call);

#endif
