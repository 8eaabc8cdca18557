/*
 * clip.c - clips: allocation, loading any audio file libsndfile reads,
 * and the 8 kHz WAV files of the prompt cache.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re.h>
#include <sndfile.h>

#include "core/log.h"
#include "media/media.h"
#include "media/media_int.h"

enum { CHUNK_FRAMES = 2048, MAX_CHANNELS = 64 };

static void clip_destructor(void *arg)
{
	struct media_clip *clip = arg;

	free(clip->samples);
	mem_deref(clip->name);
}

/* See media_int.h. */
int clip_adopt(struct media_clip **clipp, const char *name, int16_t *samples,
               size_t count)
{
	struct media_clip *clip;
	int err;

	clip = mem_zalloc(sizeof(*clip), clip_destructor);
	if (!clip) {
		free(samples);
		return ENOMEM;
	}
	clip->samples = samples;
	clip->count = count;
	err = str_dup(&clip->name, name ? name : "");
	if (err) {
		mem_deref(clip);
		return err;
	}
	*clipp = clip;
	return 0;
}

int media_clip_alloc(struct media_clip **clipp, const char *name, size_t count)
{
	int16_t *samples;

	if (!clipp)
		return EINVAL;
	samples = calloc(count ? count : 1, sizeof(*samples));
	if (!samples)
		return ENOMEM;
	return clip_adopt(clipp, name, samples, count);
}

unsigned media_clip_ms(const struct media_clip *clip)
{
	return clip ? (unsigned)(clip->count * 1000 / MEDIA_SRATE) : 0;
}

static int load_failed(const char *path, int err, const char *reason)
{
	char qp[512], qr[256];

	log_event(LOG_WARN, "media.load", "path=%s err=%d reason=%s",
	          log_quote(path, qp, sizeof(qp)), err,
	          log_quote(reason, qr, sizeof(qr)));
	return err;
}

/* Read every frame, mix to mono, resample into out. */
static int decode(SNDFILE *sf, const SF_INFO *info, struct pcm *out)
{
	struct resampler *rs = NULL;
	float *frames = NULL, mono[CHUNK_FRAMES];
	sf_count_t got;
	int ch = info->channels, err;

	err = resampler_alloc(&rs, info->samplerate);
	if (err)
		goto out;
	frames = malloc(sizeof(float) * CHUNK_FRAMES * (size_t)ch);
	if (!frames) {
		err = ENOMEM;
		goto out;
	}
	while ((got = sf_readf_float(sf, frames, CHUNK_FRAMES)) > 0) {
		for (sf_count_t i = 0; i < got; i++) {
			double sum = 0;

			for (int c = 0; c < ch; c++)
				sum += frames[i * ch + c];
			mono[i] = isfinite(sum) ? (float)(sum / ch) : 0.0f;
		}
		err = resampler_push(rs, mono, (size_t)got, out);
		if (err)
			goto out;
	}
	err = resampler_flush(rs, out);
out:
	free(frames);
	resampler_free(rs);
	return err;
}

/* Why a path cannot be opened as audio, as an errno. */
static int open_error(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return load_failed(path, errno, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return load_failed(path, EBADMSG, "not a regular file");
	if (access(path, R_OK))
		return load_failed(path, errno, strerror(errno));
	return 0;
}

int media_clip_load(struct media_clip **clipp, const char *path)
{
	struct pcm out = {0};
	SF_INFO info = {0};
	SNDFILE *sf;
	int err;

	if (!clipp || !path)
		return EINVAL;
	err = open_error(path);
	if (err)
		return err;
	sf = sf_open(path, SFM_READ, &info);
	if (!sf)
		return load_failed(path, EBADMSG, sf_strerror(NULL));
	if (info.channels < 1 || info.channels > MAX_CHANNELS ||
	    info.samplerate < 1 || info.samplerate > 768000) {
		err =
		    load_failed(path, EBADMSG, "unsupported channels or rate");
		goto out;
	}
	err = decode(sf, &info, &out);
	if (err)
		goto out;
	if (!out.count) {
		err = load_failed(path, EBADMSG, "no audio in the file");
		goto out;
	}
	err = clip_adopt(clipp, path, out.samples, out.count);
	out.samples = NULL;
out:
	free(out.samples);
	sf_close(sf);
	return err;
}

int clip_save_wav(const struct media_clip *clip, const char *path,
                  const char *comment)
{
	SF_INFO info = {.samplerate = MEDIA_SRATE,
	                .channels = 1,
	                .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	char tmp[1024];
	SNDFILE *sf;
	sf_count_t n;

	/* Written aside and renamed: a crash never leaves half a prompt. */
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return ENAMETOOLONG;
	sf = sf_open(tmp, SFM_WRITE, &info);
	if (!sf)
		return EIO;
	sf_set_string(sf, SF_STR_COMMENT, comment);
	n = sf_write_short(sf, clip->samples, (sf_count_t)clip->count);
	if (sf_close(sf) || n != (sf_count_t)clip->count || rename(tmp, path)) {
		unlink(tmp);
		return EIO;
	}
	return 0;
}

int clip_load_cached(struct media_clip **clipp, const char *path,
                     const char *comment, const char *name)
{
	SF_INFO info = {0};
	const char *stored;
	int16_t *samples = NULL;
	SNDFILE *sf;
	int err = EBADMSG;

	sf = sf_open(path, SFM_READ, &info);
	if (!sf)
		return ENOENT;
	stored = sf_get_string(sf, SF_STR_COMMENT);
	if (info.samplerate != MEDIA_SRATE || info.channels != 1 ||
	    info.frames <= 0 || info.frames > 3600 * MEDIA_SRATE || !stored ||
	    strcmp(stored, comment))
		goto out;
	samples = malloc((size_t)info.frames * sizeof(*samples));
	if (!samples) {
		err = ENOMEM;
		goto out;
	}
	if (sf_read_short(sf, samples, info.frames) != info.frames)
		goto out;
	err = clip_adopt(clipp, name, samples, (size_t)info.frames);
	samples = NULL;
out:
	free(samples);
	sf_close(sf);
	return err;
}
