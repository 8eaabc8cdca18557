/*
 * record.h - recording a caller to a WAV file (8 kHz, 16-bit, mono):
 * voicemail today, call recording later.
 */
#ifndef VOICE_RECORD_H
#define VOICE_RECORD_H

#include <stddef.h>
#include <stdint.h>

struct record;

/** The recording reached its maximum length. */
typedef void(record_full_h)(void *arg);

/**
 * Create dir if needed and open a new file there, named from prefix and
 * the time. Stops taking audio after max_ms and calls fullh once.
 * Returns 0, or an errno (the directory or file cannot be made).
 */
int record_open(struct record **rp, const char *dir, const char *prefix,
                uint64_t max_ms, record_full_h *fullh, void *arg);
/** Append received audio (a leg_pcm_h). */
void record_pcm(const int16_t *pcm, size_t n, void *arg);
/** Seconds recorded so far. */
unsigned record_seconds(const struct record *r);
const char *record_path(const struct record *r);
/** Close the file; with discard, delete it. Frees r. */
void record_close(struct record *r, int discard);

#endif
