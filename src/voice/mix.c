/*
 * mix.c - side queues, mixing and interleaving (see mix.h).
 */
#include <string.h>

#include "voice/mix.h"

void mix_side_push(struct mix_side *s, const int16_t *pcm, size_t n)
{
	if (n >= MIX_QUEUE) { /* keep the newest */
		s->dropped += s->n + n - MIX_QUEUE;
		memcpy(s->pcm, pcm + n - MIX_QUEUE, sizeof(s->pcm));
		s->n = MIX_QUEUE;
		return;
	}
	if (s->n + n > MIX_QUEUE) {
		size_t drop = s->n + n - MIX_QUEUE;

		memmove(s->pcm, s->pcm + drop, (s->n - drop) * sizeof(*s->pcm));
		s->n -= drop;
		s->dropped += drop;
	}
	memcpy(s->pcm + s->n, pcm, n * sizeof(*pcm));
	s->n += n;
}

bool mix_side_frame(struct mix_side *s, int16_t frame[MIX_FRAME])
{
	size_t take = s->n < MIX_FRAME ? s->n : MIX_FRAME;

	memcpy(frame, s->pcm, take * sizeof(*frame));
	memset(frame + take, 0, (MIX_FRAME - take) * sizeof(*frame));
	memmove(s->pcm, s->pcm + take, (s->n - take) * sizeof(*s->pcm));
	s->n -= take;
	if (!take)
		s->padded++;
	return take > 0;
}

void mix_side_clear(struct mix_side *s)
{
	s->n = 0;
}

void mix_add(int16_t out[MIX_FRAME], const int16_t a[MIX_FRAME],
             const int16_t b[MIX_FRAME])
{
	for (size_t i = 0; i < MIX_FRAME; i++) {
		int32_t v = (int32_t)a[i] + b[i];

		out[i] = v > INT16_MAX   ? INT16_MAX
		         : v < INT16_MIN ? INT16_MIN
		                         : (int16_t)v;
	}
}

void mix_interleave(int16_t stereo[2 * MIX_FRAME],
                    const int16_t left[MIX_FRAME],
                    const int16_t right[MIX_FRAME])
{
	for (size_t i = 0; i < MIX_FRAME; i++) {
		stereo[2 * i] = left[i];
		stereo[2 * i + 1] = right[i];
	}
}
