/*
 * mix.h - the arithmetic of call recording and supervision: a short
 * queue of one side's received audio, drained one 20 ms frame per media
 * tick; mixing voices; interleaving two sides into stereo.
 *
 * Plain functions on fixed buffers, no allocation, no clock and no
 * socket: they run in the media tick for every recorded or supervised
 * call, and the unit tests call them directly.
 */
#ifndef VOICE_MIX_H
#define VOICE_MIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIX_FRAME 160 /* samples in 20 ms at 8 kHz (LEG_FRAME) */
/* A side's queue holds 100 ms: enough for a phone's 30 ms packets and
 * its jitter; beyond that the oldest audio goes, so a side whose clock
 * runs fast never drifts further than that from the other. */
#define MIX_QUEUE (5 * MIX_FRAME)

/** What one side sent since the last tick, in 16-bit linear. */
struct mix_side {
	int16_t pcm[MIX_QUEUE];
	size_t n;
	uint64_t dropped; /* samples lost to overflow */
	uint64_t padded;  /* frames of silence given for want of audio */
};

/** Append received audio (a leg's decoded packet); drops the oldest
 * samples when the queue is full. */
void mix_side_push(struct mix_side *s, const int16_t *pcm, size_t n);
/**
 * Take the next 20 ms into frame: what the side sent, padded with
 * silence when it sent less (a lost packet, a phone that sends nothing
 * while its user is silent). Returns false when the whole frame is
 * silence for want of audio.
 */
bool mix_side_frame(struct mix_side *s, int16_t frame[MIX_FRAME]);
/** Forget what is queued (a hold, a new agent leg). */
void mix_side_clear(struct mix_side *s);
/** out = a + b, saturated to 16 bits; out may be a or b. */
void mix_add(int16_t out[MIX_FRAME], const int16_t a[MIX_FRAME],
             const int16_t b[MIX_FRAME]);
/** stereo[2i] = left[i], stereo[2i + 1] = right[i]. */
void mix_interleave(int16_t stereo[2 * MIX_FRAME],
                    const int16_t left[MIX_FRAME],
                    const int16_t right[MIX_FRAME]);

#endif
