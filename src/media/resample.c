/*
 * resample.c - any rate to 8 kHz through a polyphase windowed-sinc
 * low-pass (see media_int.h).
 *
 * Output sample n sits at input time t = n * M / L (L/M = 8000/in_rate
 * in lowest terms): t = i + phase / L. It is the dot product of the
 * taps input samples around i with the kernel row of its phase. Rows are
 * computed once per converter; with more than MAX_PHASES phases (odd
 * rates) the phase is quantised to 1/MAX_PHASES of a sample, well below
 * what 16 bits can show at 8 kHz.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "media/media.h"
#include "media/media_int.h"

enum { MAX_PHASES = 1024, MAX_RATE = 768000 };

static const double stop_db = 75.0; /* stop-band attenuation */
static const double pi = 3.14159265358979323846;

struct resampler {
	int64_t L, M; /* output/input ratio, lowest terms */
	int phases;   /* rows of the table */
	int taps;     /* per row, even */
	float *table; /* phases x taps */
	float *buf;   /* input samples base .. base + len */
	size_t len, cap;
	int64_t base; /* input index of buf[0] */
	int64_t next; /* next output index */
	int64_t nin;  /* input samples pushed */
	bool bypass;  /* already 8 kHz */
};

int16_t sample_to_s16(double v)
{
	double s = floor(v * 32768.0 + 0.5);

	if (s != s) /* NaN from a broken float file */
		return 0;
	if (s > 32767.0)
		return 32767;
	if (s < -32768.0)
		return -32768;
	return (int16_t)s;
}

static int64_t gcd(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Modified Bessel function of the first kind, order 0 (power series). */
static double bessel_i0(double x)
{
	double sum = 1.0, term = 1.0;

	for (int k = 1; k < 50 && term > 1e-12 * sum; k++) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}

/* One row: the kernel at u = taps/2 - 1 - k + frac, normalised to 1. */
static void kernel_row(float *row, int taps, double frac, double fc,
                       double beta)
{
	double half = taps / 2.0, sum = 0.0;

	for (int k = 0; k < taps; k++) {
		double u = half - 1 - k + frac, r = u / half, x = 2 * fc * u;
		double sinc = fabs(x) < 1e-9 ? 1.0 : sin(pi * x) / (pi * x);
		double w = fabs(r) >= 1.0 ? 0.0
		                          : bessel_i0(beta * sqrt(1 - r * r)) /
		                                bessel_i0(beta);

		row[k] = (float)(2 * fc * sinc * w);
		sum += row[k];
	}
	for (int k = 0; k < taps; k++)
		row[k] = (float)(row[k] / sum);
}

/* Kaiser design: cut-off and transition scale with the lower Nyquist. */
static int design(struct resampler *rs, int in_rate)
{
	double nyq = (in_rate < MEDIA_SRATE ? in_rate : MEDIA_SRATE) / 2.0;
	double fc = 0.925 * nyq / in_rate, dw = 0.15 * nyq / in_rate;
	double beta = 0.1102 * (stop_db - 8.7);
	int taps = (int)ceil((stop_db - 8) / (2.285 * 2 * pi * dw));

	rs->taps = taps + (taps & 1);
	rs->phases = rs->L <= MAX_PHASES ? (int)rs->L : MAX_PHASES;
	rs->table = malloc(sizeof(float) * (size_t)rs->phases * rs->taps);
	if (!rs->table)
		return ENOMEM;
	for (int p = 0; p < rs->phases; p++)
		kernel_row(rs->table + (size_t)p * rs->taps, rs->taps,
		           (double)p / rs->phases, fc, beta);
	return 0;
}

int resampler_alloc(struct resampler **rsp, int in_rate)
{
	struct resampler *rs;
	int64_t g;
	int err;

	if (!rsp || in_rate <= 0 || in_rate > MAX_RATE)
		return EINVAL;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return ENOMEM;
	g = gcd(MEDIA_SRATE, in_rate);
	rs->L = MEDIA_SRATE / g;
	rs->M = in_rate / g;
	rs->bypass = in_rate == MEDIA_SRATE;
	if (!rs->bypass) {
		err = design(rs, in_rate);
		if (err) {
			resampler_free(rs);
			return err;
		}
		/* Zeros before the first sample: base = -taps. */
		rs->cap = 2 * (size_t)rs->taps;
		rs->buf = calloc(rs->cap, sizeof(float));
		if (!rs->buf) {
			resampler_free(rs);
			return ENOMEM;
		}
		rs->len = (size_t)rs->taps;
		rs->base = -rs->taps;
	}
	*rsp = rs;
	return 0;
}

void resampler_free(struct resampler *rs)
{
	if (!rs)
		return;
	free(rs->table);
	free(rs->buf);
	free(rs);
}

int pcm_reserve(struct pcm *out, size_t more)
{
	size_t cap = out->cap ? out->cap : 4096;
	int16_t *p;

	if (out->count + more <= out->cap)
		return 0;
	while (cap < out->count + more)
		cap *= 2;
	p = realloc(out->samples, cap * sizeof(*p));
	if (!p)
		return ENOMEM;
	out->samples = p;
	out->cap = cap;
	return 0;
}

static int buf_append(struct resampler *rs, const float *in, size_t n)
{
	if (rs->len + n > rs->cap) {
		size_t cap = rs->cap;
		float *p;

		while (cap < rs->len + n)
			cap *= 2;
		p = realloc(rs->buf, cap * sizeof(*p));
		if (!p)
			return ENOMEM;
		rs->buf = p;
		rs->cap = cap;
	}
	if (in)
		memcpy(rs->buf + rs->len, in, n * sizeof(*in));
	else
		memset(rs->buf + rs->len, 0, n * sizeof(*in));
	rs->len += n;
	return 0;
}

/* Compute outputs while their window is in the buffer, up to limit. */
static int run(struct resampler *rs, int64_t limit, struct pcm *out)
{
	int64_t half = rs->taps / 2, end = rs->base + (int64_t)rs->len;
	int64_t first_needed;

	for (; rs->next < limit; rs->next++) {
		int64_t p = rs->next * rs->M, i = p / rs->L, ph = p % rs->L;
		const float *x = rs->buf + (i - half + 1 - rs->base);
		const float *h;
		float acc = 0.0f;

		if (i + half >= end)
			break;
		if (rs->phases != rs->L)
			ph = ph * rs->phases / rs->L;
		h = rs->table + ph * rs->taps;
		for (int k = 0; k < rs->taps; k++)
			acc += h[k] * x[k];
		if (pcm_reserve(out, 1))
			return ENOMEM;
		out->samples[out->count++] = sample_to_s16(acc);
	}
	first_needed = rs->next * rs->M / rs->L - half + 1;
	if (first_needed > rs->base) {
		size_t drop = (size_t)(first_needed - rs->base);

		if (drop > rs->len)
			drop = rs->len;
		memmove(rs->buf, rs->buf + drop,
		        (rs->len - drop) * sizeof(float));
		rs->len -= drop;
		rs->base += (int64_t)drop;
	}
	return 0;
}

int resampler_push(struct resampler *rs, const float *in, size_t n,
                   struct pcm *out)
{
	int err;

	if (rs->bypass) {
		err = pcm_reserve(out, n);
		for (size_t k = 0; !err && k < n; k++)
			out->samples[out->count++] = sample_to_s16(in[k]);
		return err;
	}
	err = buf_append(rs, in, n);
	if (err)
		return err;
	rs->nin += (int64_t)n;
	return run(rs, INT64_MAX, out);
}

int resampler_flush(struct resampler *rs, struct pcm *out)
{
	int64_t total;
	int err;

	if (rs->bypass)
		return 0;
	total = (rs->nin * rs->L + rs->M - 1) / rs->M;
	err = buf_append(rs, NULL, (size_t)rs->taps + 1);
	if (err)
		return err;
	return run(rs, total, out);
}
