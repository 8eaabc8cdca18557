/*
 * test_media_prompts.c - prompts from text with espeak-ng: synthesised
 * once, cached in memory and on disk; files loaded once. espeak-ng is a
 * real dependency: if it cannot start here, these tests fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>
#include <sndfile.h>

#include "media/media.h"

static char dir[64];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How many .wav files the cache directory holds. */
static unsigned cached_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		n += len > 4 && !strcmp(e->d_name + len - 4, ".wav");
	}
	closedir(d);
	return n;
}

static void test_text_synthesised_once(void **state)
{
	struct media_prompts *store = NULL;
	struct media_clip *clip = NULL, *again = NULL;
	double t0, ms;

	(void)state;
	assert_int_equal(media_prompts_alloc(&store, dir), 0);
	t0 = now_ms();
	assert_int_equal(media_prompts_text(store, &clip, "uno due tre", "it"),
	                 0);
	ms = now_ms() - t0;
	print_message("synthesised %u ms of speech in %.1f ms\n",
	              media_clip_ms(clip), ms);
	assert_true(media_clip_ms(clip) >= 500);
	assert_true(media_clip_ms(clip) <= 5000);
	assert_int_equal(media_prompts_synth_count(store), 1);
	assert_int_equal(cached_files(), 1);
	assert_string_equal(clip->name, "uno due tre");

	/* Again: the same clip, no synthesis. */
	assert_int_equal(media_prompts_text(store, &again, "uno due tre", "it"),
	                 0);
	assert_ptr_equal(again, clip);
	assert_int_equal(media_prompts_synth_count(store), 1);
	mem_deref(again);

	/* The same words in another language are another prompt. */
	assert_int_equal(media_prompts_text(store, &again, "uno due tre", "es"),
	                 0);
	assert_ptr_not_equal(again, clip);
	assert_int_equal(media_prompts_synth_count(store), 2);
	assert_int_equal(cached_files(), 2);
	mem_deref(again);
	mem_deref(store);

	/* A restart: a new store finds it on disk, sample for sample. */
	assert_int_equal(media_prompts_alloc(&store, dir), 0);
	assert_int_equal(media_prompts_text(store, &again, "uno due tre", "it"),
	                 0);
	assert_int_equal(media_prompts_synth_count(store), 0);
	assert_int_equal(again->count, clip->count);
	assert_memory_equal(again->samples, clip->samples,
	                    clip->count * sizeof(int16_t));
	mem_deref(again);
	mem_deref(clip);
	mem_deref(store);
}

static void test_languages_and_errors(void **state)
{
	static const char *const langs[] = {"it", "es", "en", "en-GB", "es_ES"};
	struct media_prompts *store = NULL;
	struct media_clip *clip = NULL;
	char text[256];

	(void)state;
	assert_int_equal(media_prompts_alloc(&store, NULL), 0);
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		assert_int_equal(
		    media_announce_text(text, sizeof(text), langs[i], 2, 300),
		    0);
		assert_int_equal(
		    media_prompts_text(store, &clip, text, langs[i]), 0);
		assert_true(media_clip_ms(clip) > 2000);
		clip = mem_deref(clip);
	}
	assert_int_equal(media_prompts_text(store, &clip, "ciao", "xx"),
	                 EINVAL);
	assert_int_equal(media_prompts_text(store, &clip, "ciao", "it it"),
	                 EINVAL);
	assert_int_equal(media_prompts_text(store, &clip, "ciao", ""), EINVAL);
	assert_int_equal(media_prompts_text(store, &clip, "", "it"), EINVAL);
	assert_null(clip);
	mem_deref(store);
}

/* A corrupt cache file is synthesised again, not played. */
static void test_corrupt_cache_file(void **state)
{
	struct media_prompts *store = NULL;
	struct media_clip *clip = NULL;
	char path[512];
	DIR *d;
	struct dirent *e;
	FILE *f;

	(void)state;
	assert_int_equal(media_prompts_alloc(&store, dir), 0);
	assert_int_equal(media_prompts_text(store, &clip, "quattro", "it"), 0);
	clip = mem_deref(clip);
	store = mem_deref(store);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "wb");
		assert_non_null(f);
		fputs("garbage", f);
		fclose(f);
	}
	closedir(d);
	assert_int_equal(media_prompts_alloc(&store, dir), 0);
	assert_int_equal(media_prompts_text(store, &clip, "quattro", "it"), 0);
	assert_int_equal(media_prompts_synth_count(store), 1);
	assert_true(media_clip_ms(clip) > 200);
	mem_deref(clip);
	mem_deref(store);
}

/* Files: loaded once per path; errors are load errors. */
static void test_files_loaded_once(void **state)
{
	SF_INFO info = {.samplerate = 16000,
	                .channels = 1,
	                .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	struct media_prompts *store = NULL;
	struct media_clip *a = NULL, *b = NULL;
	short pcm[1600] = {0};
	char path[512];
	SNDFILE *sf;

	(void)state;
	assert_int_equal(media_prompts_alloc(&store, NULL), 0);
	snprintf(path, sizeof(path), "%s/none.wav", dir);
	assert_int_equal(media_prompts_file(store, &a, path), ENOENT);
	snprintf(path, sizeof(path), "%s/file.wav", dir);
	sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	assert_int_equal(sf_write_short(sf, pcm, 1600), 1600);
	sf_close(sf);
	assert_int_equal(media_prompts_file(store, &a, path), 0);
	assert_int_equal(media_prompts_file(store, &b, path), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 800);
	assert_int_equal(media_prompts_synth_count(store), 0);
	mem_deref(a);
	mem_deref(b);
	mem_deref(store);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/centralino-prompts-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	(void)state;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_synthesised_once),
	    cmocka_unit_test(test_languages_and_errors),
	    cmocka_unit_test(test_corrupt_cache_file),
	    cmocka_unit_test(test_files_loaded_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
