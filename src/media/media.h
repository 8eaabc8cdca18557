/*
 * media.h - audio for the voice channel, with no SIP and no sockets:
 * clips (WAV files and prompts synthesised from text), G.711, a player
 * of prompts and music on hold, in-band DTMF, tones and the sentences
 * that announce a caller's position and estimated wait.
 *
 * All audio here is 8 kHz, mono, signed 16-bit linear; a frame is 20 ms,
 * MEDIA_FRAME samples.
 *
 * Threads: every object belongs to one thread at a time. Clips are
 * reference-counted with libre's mem_ref()/mem_deref(), which are not
 * atomic: a clip may be read by several threads (its samples never
 * change after creation) but references must be taken and dropped on one
 * thread, or under the caller's lock.
 */
#ifndef CENTRALINO_MEDIA_H
#define CENTRALINO_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	MEDIA_SRATE = 8000, /* samples per second */
	MEDIA_FRAME = 160,  /* samples in 20 ms */
};

/*
 * Clips
 */

/** Immutable audio, reference-counted (mem_deref() to release). */
struct media_clip {
	int16_t *samples; /* count samples, 8 kHz mono */
	size_t count;
	char *name; /* file path or prompt text, for logs */
};

/**
 * Allocate a clip of count zeroed samples called name (copied). The
 * creator fills samples before sharing it. Returns 0, EINVAL or ENOMEM.
 */
int media_clip_alloc(struct media_clip **clipp, const char *name, size_t count);

/**
 * Load any file libsndfile reads (WAV, AIFF, FLAC, ...): channels mixed
 * to mono, resampled to 8 kHz through a windowed-sinc low-pass, rounded
 * to 16 bits. Returns 0, ENOENT or EACCES (cannot open the file),
 * EBADMSG (not audio, corrupt, or empty) or ENOMEM; each error is logged
 * once as event=media.load with the path and the reason.
 */
int media_clip_load(struct media_clip **clipp, const char *path);

/** Length of a clip in milliseconds. */
unsigned media_clip_ms(const struct media_clip *clip);

/*
 * Prompt store: prompts from text (espeak-ng) or from files, each made
 * once and shared. Single-threaded: one store per thread, or a lock.
 */
struct media_prompts;

/**
 * Create a store that keeps synthesised prompts in cache_dir (created if
 * missing; NULL keeps them in memory only). espeak-ng is initialised on
 * the first text prompt. Returns 0, ENOMEM or the errno of mkdir.
 */
int media_prompts_alloc(struct media_prompts **storep, const char *cache_dir);

/**
 * The prompt that speaks text (UTF-8) in lang ("it", "es", "en", or a
 * region form like "it-IT"), synthesised only if it is neither in memory
 * nor in the cache directory as <fnv64>.wav. *clipp gets a new reference.
 * Returns 0, EINVAL (unknown language or empty text), EIO (espeak-ng
 * failed or cannot initialise) or ENOMEM; errors are logged.
 */
int media_prompts_text(struct media_prompts *store, struct media_clip **clipp,
                       const char *text, const char *lang);

/**
 * The clip of a file, loaded once per path (see media_clip_load() for
 * the errors). *clipp gets a new reference.
 */
int media_prompts_file(struct media_prompts *store, struct media_clip **clipp,
                       const char *path);

/** How many prompts this store has synthesised (cache misses). */
unsigned media_prompts_synth_count(const struct media_prompts *store);

/*
 * G.711 (ITU-T G.711, the same values as spandsp's and Sun's reference
 * code). One sample inline for transcoding loops; frames below.
 */

/* Segment of a magnitude below 0x8000: 0 under 0x100, then one per bit. */
static inline int media_g711_segment(int v)
{
	/* gcc and clang, the compilers we build with: one instruction. */
	return v < 0x100 ? 0 : 24 - __builtin_clz((unsigned)v);
}

static inline uint8_t media_linear_to_ulaw(int16_t pcm)
{
	int v = pcm, mask = 0xff, seg;

	if (v < 0) {
		v = -v;
		mask = 0x7f;
	}
	v += 0x84; /* bias: 132 */
	if (v > 0x7fff)
		v = 0x7fff;
	seg = media_g711_segment(v);
	return (uint8_t)(((seg << 4) | ((v >> (seg + 3)) & 0x0f)) ^ mask);
}

static inline int16_t media_ulaw_to_linear(uint8_t code)
{
	int u = ~code & 0xff;
	int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);

	return (int16_t)((u & 0x80) ? 0x84 - t : t - 0x84);
}

static inline uint8_t media_linear_to_alaw(int16_t pcm)
{
	int v = pcm, mask = 0xd5, seg;

	if (v < 0) {
		v = ~v; /* -v - 1: the A-law's negative side is offset */
		mask = 0x55;
	}
	seg = media_g711_segment(v);
	v = seg ? (v >> (seg + 3)) & 0x0f : (v >> 4) & 0x0f;
	return (uint8_t)(((seg << 4) | v) ^ mask);
}

static inline int16_t media_alaw_to_linear(uint8_t code)
{
	int a = code ^ 0x55, seg = (a & 0x70) >> 4;
	int t = seg ? (((a & 0x0f) << 4) + 0x108) << (seg - 1)
	            : ((a & 0x0f) << 4) + 8;

	return (int16_t)((a & 0x80) ? t : -t);
}

/** Encode n samples (a frame: MEDIA_FRAME) to G.711 µ-law. */
void media_ulaw_encode(uint8_t *dst, const int16_t *src, size_t n);
/** Decode n µ-law bytes to linear. */
void media_ulaw_decode(int16_t *dst, const uint8_t *src, size_t n);
/** Encode n samples to G.711 A-law. */
void media_alaw_encode(uint8_t *dst, const int16_t *src, size_t n);
/** Decode n A-law bytes to linear. */
void media_alaw_decode(int16_t *dst, const uint8_t *src, size_t n);

/*
 * Player: a queue of prompts played in order, then music on hold looped
 * from where it last stopped. No allocation per frame.
 */
struct media_player;

enum { MEDIA_PLAYER_QUEUE = 16 }; /* prompts that may wait at once */

/** Allocate an idle player (mem_deref() frees it and its references). */
int media_player_alloc(struct media_player **playerp);

/**
 * Append clip to the prompt queue (the player takes a reference).
 * Returns 0, EINVAL (NULL) or EOVERFLOW (MEDIA_PLAYER_QUEUE prompts
 * already waiting).
 */
int media_player_play(struct media_player *player, struct media_clip *clip);

/**
 * Set the music looped when no prompt is waiting (NULL: silence). A new
 * clip starts from its beginning; the same clip keeps its place.
 */
void media_player_music(struct media_player *player, struct media_clip *clip);

/**
 * Drop every queued prompt, the one playing included (barge-in on a
 * key). Music goes on from where it stopped.
 */
void media_player_interrupt(struct media_player *player);

/** True while prompts remain to be played. */
bool media_player_busy(const struct media_player *player);

/**
 * Fill the next 20 ms: prompts first (one ending mid-frame runs into the
 * next, without a gap), then music; silence for the rest. Returns true
 * when any of the frame came from a clip.
 */
bool media_player_frame(struct media_player *player, int16_t out[MEDIA_FRAME]);

/*
 * In-band DTMF (spandsp). Never link librem into the same binary: both
 * export goertzel_*() and detection silently breaks.
 */
struct media_dtmf_rx;

/** Called once per key press with '0'-'9', '*', '#' or 'A'-'D'. */
typedef void(media_dtmf_h)(char digit, void *arg);

/** Allocate a detector that reports to dtmfh. Returns 0 or ENOMEM. */
int media_dtmf_rx_alloc(struct media_dtmf_rx **rxp, media_dtmf_h *dtmfh,
                        void *arg);
/** Feed n samples (any n; frames are usual); the handler may run. */
void media_dtmf_rx_feed(struct media_dtmf_rx *rx, const int16_t *samples,
                        size_t n);

/**
 * Fill out with n samples of the key's two tones (-10 dBm0 each, phase
 * starting at zero, so generate a whole key press at once). Returns 0 or
 * EINVAL (not a DTMF key).
 */
int media_dtmf_gen(char digit, int16_t *out, size_t n);

/*
 * Tones, as clips to loop or play with the player; make each once.
 */
enum media_tone {
	MEDIA_TONE_RINGBACK, /* 425 Hz, 1 s on, 4 s off (Italy, CEPT) */
	MEDIA_TONE_BEEP,     /* 1000 Hz, 200 ms */
};

/** Allocate a clip holding one period of the tone. 0, EINVAL or ENOMEM. */
int media_tone_clip(struct media_clip **clipp, enum media_tone tone);

/*
 * Announcements
 */

/**
 * Write into buf the sentence announcing a caller's place and wait in
 * lang ("it", "es", "en" or a region form). position is the number of
 * contacts ahead (acd_contact_ewt()): 0 says "you are next", n says "you
 * are number n + 1 in the queue". ewt_seconds < 0 leaves the wait out;
 * otherwise it is rounded: under a minute, minutes (5-minute steps past
 * 10 minutes), about an hour, hours. Returns 0, EINVAL (unknown
 * language) or ERANGE (buf too small; buf then holds "").
 */
int media_announce_text(char *buf, size_t size, const char *lang,
                        unsigned position, long ewt_seconds);

#endif
