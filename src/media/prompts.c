/*
 * prompts.c - the prompt store: each prompt made once, kept in memory
 * by key and, for speech, on disk as <fnv64 of the key>.wav.
 *
 * The disk file carries its key in the WAV comment, so a hash collision
 * or a file from an older synthesis version is synthesised again rather
 * than played for the wrong text. Not thread-safe (see media.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <re.h>

#include "core/log.h"
#include "media/media.h"
#include "media/media_int.h"

/* Bump when synthesis changes, so old cache files are not reused. */
#define TTS_VERSION "espeak-ng/1"

enum { KEY_MAX = 200 }; /* bytes of the key kept in the WAV comment */

struct media_prompts {
	struct hash *cache; /* struct prompt by key */
	char *dir;          /* NULL: memory only */
	unsigned synths;
};

struct prompt {
	struct le le;
	char *key;
	struct media_clip *clip;
};

static void prompt_destructor(void *arg)
{
	struct prompt *pr = arg;

	hash_unlink(&pr->le);
	mem_deref(pr->key);
	mem_deref(pr->clip);
}

static void store_destructor(void *arg)
{
	struct media_prompts *store = arg;

	hash_flush(store->cache);
	mem_deref(store->cache);
	mem_deref(store->dir);
}

int media_prompts_alloc(struct media_prompts **storep, const char *cache_dir)
{
	struct media_prompts *store;
	int err;

	if (!storep)
		return EINVAL;
	if (cache_dir && mkdir(cache_dir, 0755) && errno != EEXIST)
		return errno;
	store = mem_zalloc(sizeof(*store), store_destructor);
	if (!store)
		return ENOMEM;
	err = hash_alloc(&store->cache, 64);
	if (!err && cache_dir)
		err = str_dup(&store->dir, cache_dir);
	if (err) {
		mem_deref(store);
		return err;
	}
	*storep = store;
	return 0;
}

unsigned media_prompts_synth_count(const struct media_prompts *store)
{
	return store ? store->synths : 0;
}

static bool key_equal(struct le *le, void *arg)
{
	const struct prompt *pr = le->data;

	return !strcmp(pr->key, arg);
}

static struct media_clip *lookup(struct media_prompts *store, const char *key)
{
	struct le *le = hash_lookup(store->cache, hash_joaat_str(key),
	                            key_equal, (void *)key);

	return le ? ((struct prompt *)le->data)->clip : NULL;
}

/* Keep clip under key; the store takes its own reference. */
static int remember(struct media_prompts *store, const char *key,
                    struct media_clip *clip)
{
	struct prompt *pr = mem_zalloc(sizeof(*pr), prompt_destructor);
	int err;

	if (!pr)
		return ENOMEM;
	err = str_dup(&pr->key, key);
	if (err) {
		mem_deref(pr);
		return err;
	}
	pr->clip = mem_ref(clip);
	hash_append(store->cache, hash_joaat_str(key), &pr->le, pr);
	return 0;
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int media_prompts_file(struct media_prompts *store, struct media_clip **clipp,
                       const char *path)
{
	struct media_clip *clip;
	char key[1024];
	int err;

	if (!store || !clipp || !path || !*path)
		return EINVAL;
	if (snprintf(key, sizeof(key), "file|%s", path) >= (int)sizeof(key))
		return ENAMETOOLONG;
	clip = lookup(store, key);
	if (clip) {
		*clipp = mem_ref(clip);
		return 0;
	}
	err = media_clip_load(&clip, path);
	if (err)
		return err;
	err = remember(store, key, clip);
	if (err) {
		mem_deref(clip);
		return err;
	}
	*clipp = clip;
	return 0;
}

/* "IT_it" -> "it-it"; EINVAL unless letters, digits and separators. */
static int lang_norm(char *buf, size_t size, const char *lang)
{
	size_t n = lang ? strlen(lang) : 0;

	if (!n || n >= size)
		return EINVAL;
	for (size_t i = 0; i <= n; i++) {
		char c = lang[i] == '_' ? '-' : lang[i];

		if (c && !isalnum((unsigned char)c) && c != '-')
			return EINVAL;
		buf[i] = (char)tolower((unsigned char)c);
	}
	return 0;
}

/* The WAV comment: the key, cut to KEY_MAX bytes on a UTF-8 boundary. */
static void key_comment(char *buf, const char *key)
{
	size_t n = strlen(key);

	if (n > KEY_MAX) {
		n = KEY_MAX;
		while (n && ((uint8_t)key[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, key, n);
	buf[n] = '\0';
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Synthesise key's text, keep it on disk if there is a cache. */
static int synthesise(struct media_prompts *store, struct media_clip **clipp,
                      const char *text, const char *lang, const char *path,
                      const char *comment)
{
	struct pcm out = {0};
	double t0 = now_ms();
	char q[300];
	int err;

	err = tts_synth(&out, text, lang);
	if (!err && !out.count)
		err = EIO;
	if (err) {
		free(out.samples);
		if (err != EINVAL) /* unknown language: logged by the caller */
			log_event(LOG_WARN, "media.tts",
			          "lang=%s err=%d text=%s", lang, err,
			          log_quote(text, q, sizeof(q)));
		return err;
	}
	err = clip_adopt(clipp, text, out.samples, out.count);
	if (err)
		return err;
	store->synths++;
	log_event(LOG_INFO, "media.tts", "lang=%s audio_ms=%u synth_ms=%.0f",
	          lang, media_clip_ms(*clipp), now_ms() - t0);
	if (path && clip_save_wav(*clipp, path, comment))
		log_event(LOG_WARN, "media.tts", "cache=%s err=write",
		          log_quote(path, q, sizeof(q)));
	return 0;
}

int media_prompts_text(struct media_prompts *store, struct media_clip **clipp,
                       const char *text, const char *lang)
{
	char norm[32], comment[KEY_MAX + 1], path[1024], *key = NULL;
	struct media_clip *clip;
	size_t size;
	int err;

	if (!store || !clipp || !text || !*text)
		return EINVAL;
	err = lang_norm(norm, sizeof(norm), lang);
	if (err)
		goto out;
	size = strlen(TTS_VERSION) + strlen(norm) + strlen(text) + 3;
	key = malloc(size);
	if (!key)
		return ENOMEM;
	snprintf(key, size, "%s|%s|%s", TTS_VERSION, norm, text);
	clip = lookup(store, key);
	if (clip) {
		*clipp = mem_ref(clip);
		goto out;
	}
	key_comment(comment, key);
	if (store->dir &&
	    snprintf(path, sizeof(path), "%s/%016llx.wav", store->dir,
	             (unsigned long long)fnv1a64(key)) >= (int)sizeof(path)) {
		err = ENAMETOOLONG;
		goto out;
	}
	clip = NULL;
	if (!store->dir || clip_load_cached(&clip, path, comment, text))
		err = synthesise(store, &clip, text, norm,
		                 store->dir ? path : NULL, comment);
	if (!err)
		err = remember(store, key, clip);
	if (err)
		mem_deref(clip);
	else
		*clipp = clip;
out:
	if (err == EINVAL)
		log_event(
		    LOG_WARN, "media.tts",
		    "lang=%s err=%d reason=\"unknown language\"",
		    log_quote(lang ? lang : "-", comment, sizeof(comment)),
		    err);
	free(key);
	return err;
}
