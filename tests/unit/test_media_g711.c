/*
 * test_media_g711.c - G.711 against known code points, against spandsp
 * for every input, and round-trip error bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <spandsp.h>

#include "media/media.h"

/* Code points from ITU-T G.711 tables 1a/2a (and every codec's tests). */
static void test_known_code_points(void **state)
{
	static const struct {
		uint8_t code;
		int16_t linear;
	} ulaw[] = {{0xff, 0}, {0x7f, 0},  {0x80, 32124}, {0x00, -32124},
	            {0xfe, 8}, {0x7e, -8}, {0xef, 132},   {0xf0, 120}},
	  alaw[] = {{0xd5, 8},      {0x55, -8}, {0xaa, 32256},
	            {0x2a, -32256}, {0xd4, 24}, {0xc5, 264}};

	(void)state;
	assert_int_equal(media_linear_to_ulaw(0), 0xff);
	assert_int_equal(media_linear_to_alaw(0), 0xd5);
	assert_int_equal(media_linear_to_ulaw(32767), 0x80);
	assert_int_equal(media_linear_to_ulaw(-32768), 0x00);
	assert_int_equal(media_linear_to_alaw(32767), 0xaa);
	assert_int_equal(media_linear_to_alaw(-32768), 0x2a);
	for (size_t i = 0; i < sizeof(ulaw) / sizeof(ulaw[0]); i++)
		assert_int_equal(media_ulaw_to_linear(ulaw[i].code),
		                 ulaw[i].linear);
	for (size_t i = 0; i < sizeof(alaw) / sizeof(alaw[0]); i++)
		assert_int_equal(media_alaw_to_linear(alaw[i].code),
		                 alaw[i].linear);
}

/* Every one of the 65,536 inputs and 256 codes, as spandsp computes. */
static void test_same_as_spandsp(void **state)
{
	(void)state;
	for (int x = -32768; x <= 32767; x++) {
		assert_int_equal(media_linear_to_ulaw((int16_t)x),
		                 linear_to_ulaw(x));
		assert_int_equal(media_linear_to_alaw((int16_t)x),
		                 linear_to_alaw(x));
	}
	for (int c = 0; c < 256; c++) {
		assert_int_equal(media_ulaw_to_linear((uint8_t)c),
		                 ulaw_to_linear((uint8_t)c));
		assert_int_equal(media_alaw_to_linear((uint8_t)c),
		                 alaw_to_linear((uint8_t)c));
	}
}

/*
 * Decoding then encoding gives the code back (but µ-law's "-0"), and
 * encoding then decoding errs by at most half a step: 1/32 of the value
 * plus the smallest step (G.711 is 8-bit log-PCM: ~ 38 dB SNR).
 */
static void test_round_trip(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		if (c != 0x7f)
			assert_int_equal(media_linear_to_ulaw(
			                     media_ulaw_to_linear((uint8_t)c)),
			                 c);
		assert_int_equal(
		    media_linear_to_alaw(media_alaw_to_linear((uint8_t)c)), c);
	}
	for (int x = -32768; x <= 32767; x++) {
		int u = media_ulaw_to_linear(media_linear_to_ulaw((int16_t)x));
		int a = media_alaw_to_linear(media_linear_to_alaw((int16_t)x));
		int bound = abs(x) / 32 + 8;

		if (abs(x) <= 32124) /* µ-law's largest value */
			assert_true(abs(u - x) <= bound);
		if (abs(x) <= 32256)
			assert_true(abs(a - x) <= bound + 8);
	}
}

/* The frame functions agree with the per-sample ones. */
static void test_frames(void **state)
{
	int16_t pcm[MEDIA_FRAME], back[MEDIA_FRAME];
	uint8_t u[MEDIA_FRAME], a[MEDIA_FRAME];

	(void)state;
	for (int i = 0; i < MEDIA_FRAME; i++)
		pcm[i] = (int16_t)(i * 409 - 32768);
	media_ulaw_encode(u, pcm, MEDIA_FRAME);
	media_alaw_encode(a, pcm, MEDIA_FRAME);
	for (int i = 0; i < MEDIA_FRAME; i++) {
		assert_int_equal(u[i], media_linear_to_ulaw(pcm[i]));
		assert_int_equal(a[i], media_linear_to_alaw(pcm[i]));
	}
	media_ulaw_decode(back, u, MEDIA_FRAME);
	for (int i = 0; i < MEDIA_FRAME; i++)
		assert_int_equal(back[i], media_ulaw_to_linear(u[i]));
	media_alaw_decode(back, a, MEDIA_FRAME);
	for (int i = 0; i < MEDIA_FRAME; i++)
		assert_int_equal(back[i], media_alaw_to_linear(a[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_code_points),
	    cmocka_unit_test(test_same_as_spandsp),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
