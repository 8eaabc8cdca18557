/*
 * test_voice_mix.c - the arithmetic of recording and supervision: a
 * side's queue gives one 20 ms frame per tick, whatever the phone's
 * packet size, silence when it sent nothing, and never drifts more than
 * its bound; voices add with saturation; stereo interleaves left, right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "voice/mix.h"

static void ramp(int16_t *pcm, size_t n, int16_t from)
{
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)(from + (int16_t)i);
}

/* 30 ms packets in, 20 ms frames out: the samples in order, none lost. */
static void test_voice_mix_reframe(void **state)
{
	struct mix_side s = {0};
	int16_t in[240], frame[MIX_FRAME];
	int16_t next = 0;

	(void)state;
	for (int p = 0; p < 20; p += 2) { /* 60 ms in, 60 ms out */
		ramp(in, 240, (int16_t)(p * 240));
		mix_side_push(&s, in, 240);
		ramp(in, 240, (int16_t)((p + 1) * 240));
		mix_side_push(&s, in, 240);
		for (int f = 0; f < 3; f++) {
			assert_true(mix_side_frame(&s, frame));
			for (size_t i = 0; i < MIX_FRAME; i++)
				assert_int_equal(frame[i], next++);
		}
	}
	assert_int_equal(s.n, 0);
	assert_int_equal(s.dropped, 0);
}

/* Nothing sent: a frame of silence, counted; a short packet is padded. */
static void test_voice_mix_silence(void **state)
{
	struct mix_side s = {0};
	int16_t in[MIX_FRAME], frame[MIX_FRAME];

	(void)state;
	memset(frame, 0x55, sizeof(frame));
	assert_false(mix_side_frame(&s, frame));
	for (size_t i = 0; i < MIX_FRAME; i++)
		assert_int_equal(frame[i], 0);
	assert_int_equal(s.padded, 1);
	ramp(in, 80, 100);
	mix_side_push(&s, in, 80);
	assert_true(mix_side_frame(&s, frame));
	assert_int_equal(frame[0], 100);
	assert_int_equal(frame[79], 179);
	assert_int_equal(frame[80], 0);
	assert_int_equal(frame[159], 0);
}

/* A side that sends faster than the tick keeps at most MIX_QUEUE: the
 * oldest audio goes, the newest stays, the delay stays bounded. */
static void test_voice_mix_bounded(void **state)
{
	struct mix_side s = {0};
	int16_t in[MIX_FRAME], frame[MIX_FRAME];

	(void)state;
	for (int p = 0; p < 10; p++) {
		ramp(in, MIX_FRAME, (int16_t)(p * MIX_FRAME));
		mix_side_push(&s, in, MIX_FRAME);
	}
	assert_int_equal(s.n, MIX_QUEUE);
	assert_int_equal(s.dropped, 10 * MIX_FRAME - MIX_QUEUE);
	assert_true(mix_side_frame(&s, frame));
	assert_int_equal(frame[0], 10 * MIX_FRAME - MIX_QUEUE);
	/* one packet larger than the queue: its newest samples */
	int16_t big[MIX_QUEUE + 40];
	ramp(big, MIX_QUEUE + 40, 0);
	mix_side_push(&s, big, MIX_QUEUE + 40);
	assert_int_equal(s.n, MIX_QUEUE);
	assert_true(mix_side_frame(&s, frame));
	assert_int_equal(frame[0], 40);
	mix_side_clear(&s);
	assert_false(mix_side_frame(&s, frame));
}

static void test_voice_mix_add(void **state)
{
	int16_t a[MIX_FRAME], b[MIX_FRAME], out[MIX_FRAME];

	(void)state;
	for (size_t i = 0; i < MIX_FRAME; i++) {
		a[i] = (int16_t)(i * 100);
		b[i] = (int16_t) - (int16_t)(i * 50);
	}
	a[1] = 30000, b[1] = 30000;   /* saturates high */
	a[2] = -30000, b[2] = -30000; /* and low */
	mix_add(out, a, b);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], INT16_MAX);
	assert_int_equal(out[2], INT16_MIN);
	assert_int_equal(out[10], 500);
	mix_add(a, a, b); /* in place */
	assert_memory_equal(a, out, sizeof(out));
}

static void test_voice_mix_interleave(void **state)
{
	int16_t l[MIX_FRAME], r[MIX_FRAME], st[2 * MIX_FRAME];

	(void)state;
	ramp(l, MIX_FRAME, 0);
	ramp(r, MIX_FRAME, 1000);
	mix_interleave(st, l, r);
	for (size_t i = 0; i < MIX_FRAME; i++) {
		assert_int_equal(st[2 * i], (int16_t)i);
		assert_int_equal(st[2 * i + 1], (int16_t)(1000 + i));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_voice_mix_reframe),
	    cmocka_unit_test(test_voice_mix_silence),
	    cmocka_unit_test(test_voice_mix_bounded),
	    cmocka_unit_test(test_voice_mix_add),
	    cmocka_unit_test(test_voice_mix_interleave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
