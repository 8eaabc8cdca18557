/*
 * media_int.h - internals shared by the media module's files.
 */
#ifndef CENTRALINO_MEDIA_INT_H
#define CENTRALINO_MEDIA_INT_H

#include <stddef.h>
#include <stdint.h>

struct media_clip;

/*
 * Rate converter from any rate to MEDIA_SRATE: a Kaiser-windowed sinc
 * low-pass (flat to 3.4 kHz, 70 dB down from 4 kHz) evaluated as a
 * polyphase filter, fed in pieces. Nearest-sample or linear
 * interpolation was rejected: they fold everything above 4 kHz back
 * into the voice band.
 */
struct resampler;

/** A growing buffer of 16-bit samples (malloc'ed). */
struct pcm {
	int16_t *samples;
	size_t count, cap;
};

/** Room for more samples after count. Returns 0 or ENOMEM. */
int pcm_reserve(struct pcm *out, size_t more);

/** Converter from in_rate Hz. Returns 0, EINVAL or ENOMEM. */
int resampler_alloc(struct resampler **rsp, int in_rate);
void resampler_free(struct resampler *rs);
/**
 * Push n input samples in [-1, 1); the outputs they complete are
 * appended to out. Returns 0 or ENOMEM.
 */
int resampler_push(struct resampler *rs, const float *in, size_t n,
                   struct pcm *out);
/** End of input: append the last outputs. Returns 0 or ENOMEM. */
int resampler_flush(struct resampler *rs, struct pcm *out);

/** Round and saturate a sample in [-1, 1) to 16 bits. */
int16_t sample_to_s16(double v);

/**
 * A clip that takes over samples (malloc'ed; freed on failure too) and
 * copies name. Returns 0 or ENOMEM.
 */
int clip_adopt(struct media_clip **clipp, const char *name, int16_t *samples,
               size_t count);
/** Write clip as an 8 kHz 16-bit WAV at path (atomically). 0 or errno. */
int clip_save_wav(const struct media_clip *clip, const char *path,
                  const char *comment);
/**
 * Load a WAV written by clip_save_wav() if its comment matches, as a clip
 * called name. Returns 0, ENOENT, EBADMSG (another or a broken file) or
 * ENOMEM.
 */
int clip_load_cached(struct media_clip **clipp, const char *path,
                     const char *comment, const char *name);

/* espeak-ng (tts.c): one process-wide engine, started on first use. */
/**
 * Append to out the speech of text (UTF-8) in lang's espeak voice.
 * Returns 0, EINVAL (no such voice), EIO (espeak-ng failed; logged) or
 * ENOMEM.
 */
int tts_synth(struct pcm *out, const char *text, const char *lang);

#endif
