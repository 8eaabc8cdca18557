/*
 * test_media_player.c - prompts in order, music that resumes where it
 * stopped, barge-in, exact frame counts, and the cost of a frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>
#include <re.h>

#include "media/media.h"

/* A clip whose sample i is base + i, so a sample tells where it came from. */
static struct media_clip *ramp(const char *name, int base, size_t count)
{
	struct media_clip *clip = NULL;

	assert_int_equal(media_clip_alloc(&clip, name, count), 0);
	for (size_t i = 0; i < count; i++)
		clip->samples[i] = (int16_t)(base + (int)i);
	return clip;
}

/* out[from .. from + n) holds base + first, base + first + 1, ... */
static void assert_ramp(const int16_t *out, size_t from, size_t n, int base,
                        int first)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[from + i], base + first + (int)i);
}

static void test_prompts_then_music(void **state)
{
	struct media_clip *a = ramp("a", 1000, 250), *b = ramp("b", 5000, 100);
	struct media_clip *m = ramp("music", 10000, 500);
	struct media_player *p = NULL;
	int16_t out[MEDIA_FRAME];

	(void)state;
	assert_int_equal(media_player_alloc(&p), 0);
	assert_false(media_player_frame(p, out)); /* nothing: silence */
	assert_int_equal(out[0], 0);
	assert_int_equal(media_player_play(p, a), 0);
	assert_int_equal(media_player_play(p, b), 0);
	media_player_music(p, m);
	assert_true(media_player_busy(p));

	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 160, 1000, 0);
	assert_true(media_player_frame(p, out)); /* a's end runs into b */
	assert_ramp(out, 0, 90, 1000, 160);
	assert_ramp(out, 90, 70, 5000, 0);
	assert_true(media_player_frame(p, out)); /* b's end, then music */
	assert_ramp(out, 0, 30, 5000, 70);
	assert_ramp(out, 30, 130, 10000, 0);
	assert_false(media_player_busy(p));
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 160, 10000, 130);

	/* A prompt pauses the music; barge-in; the music goes on at 290. */
	assert_int_equal(media_player_play(p, a), 0);
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 160, 1000, 0);
	media_player_interrupt(p);
	assert_false(media_player_busy(p));
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 160, 10000, 290);
	/* 450 .. 499, then the loop starts again. */
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 50, 10000, 450);
	assert_ramp(out, 50, 110, 10000, 0);

	/* The same music again keeps its place; another starts at 0. */
	media_player_music(p, m);
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 160, 10000, 110);
	media_player_music(p, b);
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 100, 5000, 0);
	assert_ramp(out, 100, 60, 5000, 0);
	media_player_music(p, NULL);
	assert_false(media_player_frame(p, out));

	mem_deref(p);
	mem_deref(a);
	mem_deref(b);
	mem_deref(m);
}

static void test_interrupt_drops_queue(void **state)
{
	struct media_clip *a = ramp("a", 1000, 8000);
	struct media_player *p = NULL;
	int16_t out[MEDIA_FRAME];

	(void)state;
	assert_int_equal(media_player_alloc(&p), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(media_player_play(p, a), 0);
	assert_true(media_player_frame(p, out));
	media_player_interrupt(p);
	assert_false(media_player_busy(p));
	assert_false(media_player_frame(p, out)); /* no music: silence */
	for (int i = 0; i < MEDIA_FRAME; i++)
		assert_int_equal(out[i], 0);
	/* Playable again after a barge-in, from the clip's start. */
	assert_int_equal(media_player_play(p, a), 0);
	assert_true(media_player_frame(p, out));
	assert_ramp(out, 0, 160, 1000, 0);

	/* A full queue refuses, and frees what it holds on the way out. */
	media_player_interrupt(p);
	for (int i = 0; i < MEDIA_PLAYER_QUEUE; i++)
		assert_int_equal(media_player_play(p, a), 0);
	assert_int_equal(media_player_play(p, a), EOVERFLOW);
	assert_int_equal(media_player_play(p, NULL), EINVAL);
	mem_deref(p);
	mem_deref(a);
}

/* One second is exactly 50 frames; a 170-sample clip is two. */
static void test_frame_count(void **state)
{
	struct media_clip *one_s = ramp("1s", 1, 8000),
	                  *odd = ramp("o", 1, 170);
	struct media_player *p = NULL;
	int16_t out[MEDIA_FRAME];
	unsigned frames = 0;

	(void)state;
	assert_int_equal(media_player_alloc(&p), 0);
	assert_int_equal(media_player_play(p, one_s), 0);
	while (media_player_frame(p, out))
		frames++;
	assert_int_equal(frames, 50);
	assert_int_equal(media_player_play(p, odd), 0);
	assert_true(media_player_frame(p, out));
	assert_true(media_player_frame(p, out));
	assert_int_equal(out[9], 170);
	assert_int_equal(out[10], 0); /* the rest of the frame is silence */
	assert_false(media_player_frame(p, out));
	mem_deref(p);
	mem_deref(one_s);
	mem_deref(odd);
}

/* What a caller on hold costs per 20 ms: a frame and its µ-law. */
static void test_frame_cost(void **state)
{
	enum { FRAMES = 200000 };
	struct media_clip *m = ramp("music", -4000, 8 * 8000 + 37);
	struct media_player *p = NULL;
	int16_t out[MEDIA_FRAME];
	uint8_t ulaw[MEDIA_FRAME];
	struct timespec t0, t1;
	unsigned sum = 0;
	double ns;

	(void)state;
	assert_int_equal(media_player_alloc(&p), 0);
	media_player_music(p, m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < FRAMES; i++) {
		media_player_frame(p, out);
		media_ulaw_encode(ulaw, out, MEDIA_FRAME);
		sum += ulaw[i % MEDIA_FRAME];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
	     FRAMES;
	print_message("player frame + ulaw encode: %.0f ns per frame (%u)\n",
	              ns, sum & 1);
	/* 20 µs would be 1,000 callers per core: far off even under ASan. */
	assert_true(ns < 20000);
	mem_deref(p);
	mem_deref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prompts_then_music),
	    cmocka_unit_test(test_interrupt_drops_queue),
	    cmocka_unit_test(test_frame_count),
	    cmocka_unit_test(test_frame_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
