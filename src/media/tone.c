/*
 * tone.c - call progress tones as clips, looped or played by the player.
 *
 * A clip made once and shared costs the callers nothing per frame but a
 * memcpy; a per-call oscillator was rejected for its sin() per sample.
 */
#include <errno.h>
#include <math.h>

#include "media/media.h"
#include "media/media_int.h"

struct tone_spec {
	const char *name;
	double freq; /* Hz */
	unsigned on_ms, off_ms;
	double level; /* peak, fraction of full scale */
};

static const struct tone_spec specs[] = {
    [MEDIA_TONE_RINGBACK] = {"ringback", 425, 1000, 4000, 0.3},
    [MEDIA_TONE_BEEP] = {"beep", 1000, 200, 0, 0.3},
};

int media_tone_clip(struct media_clip **clipp, enum media_tone tone)
{
	static const double two_pi = 6.28318530717958647692;
	const struct tone_spec *s;
	size_t on, ramp = MEDIA_SRATE / 200; /* 5 ms: no clicks */
	int err;

	if (!clipp || (unsigned)tone >= sizeof(specs) / sizeof(specs[0]))
		return EINVAL;
	s = &specs[tone];
	on = (size_t)s->on_ms * MEDIA_SRATE / 1000;
	err = media_clip_alloc(clipp, s->name,
	                       on + (size_t)s->off_ms * MEDIA_SRATE / 1000);
	if (err)
		return err;
	for (size_t i = 0; i < on; i++) {
		double g = 1.0;

		if (i < ramp)
			g = (double)i / ramp;
		else if (on - i < ramp)
			g = (double)(on - i) / ramp;
		(*clipp)->samples[i] = sample_to_s16(
		    g * s->level * sin(two_pi * s->freq * i / MEDIA_SRATE));
	}
	return 0;
}
