/*
 * test_media_clip.c - loading audio files: mixing, resampling to 8 kHz
 * with a real low-pass, and errors for what is not audio.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>
#include <sndfile.h>

#include "media/media.h"

static const double two_pi = 6.28318530717958647692;
static char dir[64];

/* Amplitude of the component at freq Hz in x[0..n) (Goertzel). */
static double tone_amplitude(const int16_t *x, size_t n, double freq)
{
	double w = two_pi * freq / MEDIA_SRATE, c = 2 * cos(w);
	double s1 = 0, s2 = 0;

	for (size_t i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	return 2 * sqrt(s1 * s1 + s2 * s2 - c * s1 * s2) / (double)n;
}

static double rms(const int16_t *x, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (double)x[i] * x[i];
	return sqrt(sum / (double)n);
}

/* Write a WAV at rate with channels; channel c holds sign[c] * sine. */
static void write_sine(const char *path, int rate, int channels, double freq,
                       double amp, double seconds, const int *sign)
{
	SF_INFO info = {.samplerate = rate,
	                .channels = channels,
	                .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	sf_count_t frames = (sf_count_t)(rate * seconds);
	short *buf = calloc((size_t)(frames * channels), sizeof(short));
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);

	assert_non_null(buf);
	assert_non_null(sf);
	for (sf_count_t i = 0; i < frames; i++) {
		double v = amp * 32767 * sin(two_pi * freq * i / rate);

		for (int c = 0; c < channels; c++)
			buf[i * channels + c] = (short)lrint(sign[c] * v);
	}
	assert_int_equal(sf_writef_short(sf, buf, frames), frames);
	sf_close(sf);
	free(buf);
}

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

/* A 16 kHz stereo 1 kHz sine: mono, 8 kHz, half the samples, tone kept. */
static void test_load_resamples_and_mixes(void **state)
{
	static const int same[] = {1, 1};
	struct media_clip *clip = NULL;
	char path[128];

	(void)state;
	path_of(path, sizeof(path), "sine1k.wav");
	write_sine(path, 16000, 2, 1000, 0.5, 1.0, same);
	assert_int_equal(media_clip_load(&clip, path), 0);
	assert_int_equal(clip->count, 8000);
	assert_int_equal(media_clip_ms(clip), 1000);
	assert_string_equal(clip->name, path);
	/* The middle, away from the filter's edges: 0.5 of full scale. */
	assert_true(fabs(tone_amplitude(clip->samples + 400, 7200, 1000) -
	                 0.5 * 32767) < 0.01 * 32767);
	assert_true(tone_amplitude(clip->samples + 400, 7200, 2000) < 30);
	mem_deref(clip);
}

/*
 * 6 kHz at 16 kHz would alias to 2 kHz: it must be gone, > 60 dB down
 * away from the file's edges (where the tone's abrupt start and end
 * have energy in the pass band whatever the filter).
 */
static void test_load_low_pass_stops_aliasing(void **state)
{
	static const int one[] = {1};
	struct media_clip *clip = NULL;
	double in = 0.5 * 32767 / sqrt(2.0), out;
	char path[128];

	(void)state;
	path_of(path, sizeof(path), "sine6k.wav");
	write_sine(path, 16000, 1, 6000, 0.5, 0.5, one);
	assert_int_equal(media_clip_load(&clip, path), 0);
	assert_int_equal(clip->count, 4000);
	out = rms(clip->samples + 400, clip->count - 800);
	print_message("6 kHz at 16 kHz: %.1f dB after loading\n",
	              20 * log10(out / in + 1e-9));
	assert_true(out < in * pow(10, -60 / 20.0));
	mem_deref(clip);

	/* A 3 kHz tone at 44.1 kHz is in the pass band: within 0.5 dB. */
	path_of(path, sizeof(path), "sine3k.wav");
	write_sine(path, 44100, 1, 3000, 0.5, 0.5, one);
	assert_int_equal(media_clip_load(&clip, path), 0);
	assert_int_equal(clip->count, 4000);
	out = tone_amplitude(clip->samples + 400, 3200, 3000);
	assert_true(fabs(20 * log10(out / (0.5 * 32767))) < 0.5);
	mem_deref(clip);
}

/* Opposite channels cancel: the mix is an average, not the left one. */
static void test_load_mixes_channels(void **state)
{
	static const int opposite[] = {1, -1};
	struct media_clip *clip = NULL;
	char path[128];

	(void)state;
	path_of(path, sizeof(path), "opposite.wav");
	write_sine(path, 8000, 2, 1000, 0.5, 0.2, opposite);
	assert_int_equal(media_clip_load(&clip, path), 0);
	assert_int_equal(clip->count, 1600);
	assert_true(rms(clip->samples, clip->count) < 2);
	mem_deref(clip);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Not audio, broken audio, no file: an errno, never a crash. */
static void test_load_errors(void **state)
{
	static const int one[] = {1};
	static const char text[] = "this is not a wav file at all\n";
	static const char riff[] = "RIFF\x24\x00\x00\x00WAVEjunk\xff\xff\xff";
	struct media_clip *clip = NULL;
	char path[128], good[128];
	unsigned char head[48];
	FILE *f;

	(void)state;
	path_of(path, sizeof(path), "text.wav");
	write_bytes(path, text, sizeof(text));
	assert_int_equal(media_clip_load(&clip, path), EBADMSG);
	write_bytes(path, riff, sizeof(riff));
	assert_int_equal(media_clip_load(&clip, path), EBADMSG);
	write_bytes(path, "", 0);
	assert_int_equal(media_clip_load(&clip, path), EBADMSG);

	/* A header with its data cut off. */
	path_of(good, sizeof(good), "good.wav");
	write_sine(good, 8000, 1, 440, 0.5, 0.1, one);
	f = fopen(good, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	write_bytes(path, head, 40);
	assert_int_equal(media_clip_load(&clip, path), EBADMSG);

	path_of(path, sizeof(path), "missing.wav");
	assert_int_equal(media_clip_load(&clip, path), ENOENT);
	assert_int_equal(media_clip_load(&clip, dir), EBADMSG);
	assert_null(clip);
}

/* Ringback: 1 s of 425 Hz then 4 s of silence; a beep of 200 ms. */
static void test_tones(void **state)
{
	struct media_clip *clip = NULL;

	(void)state;
	assert_int_equal(media_tone_clip(&clip, MEDIA_TONE_RINGBACK), 0);
	assert_int_equal(clip->count, 5 * MEDIA_SRATE);
	assert_true(tone_amplitude(clip->samples + 80, 7840, 425) > 9000);
	assert_true(tone_amplitude(clip->samples + 80, 7840, 1000) < 100);
	assert_true(rms(clip->samples + MEDIA_SRATE, 4 * MEDIA_SRATE) == 0);
	mem_deref(clip);
	assert_int_equal(media_tone_clip(&clip, MEDIA_TONE_BEEP), 0);
	assert_int_equal(clip->count, 1600);
	assert_true(tone_amplitude(clip->samples, 1600, 1000) > 8000);
	mem_deref(clip);
	assert_int_equal(media_tone_clip(&clip, (enum media_tone)99), EINVAL);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/centralino-media-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = {"sine1k.wav", "sine6k.wav",
	                                    "sine3k.wav", "opposite.wav",
	                                    "text.wav",   "good.wav"};
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_of(path, sizeof(path), names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_resamples_and_mixes),
	    cmocka_unit_test(test_load_low_pass_stops_aliasing),
	    cmocka_unit_test(test_load_mixes_channels),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_tones),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
