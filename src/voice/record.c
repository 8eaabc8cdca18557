/*
 * record.c - WAV recording with libsndfile (see record.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <re.h>
#include <sndfile.h>

#include "voice/record.h"

struct record {
	SNDFILE *sf;
	char path[512];
	uint64_t frames, max_frames;
	record_full_h *fullh;
	void *arg;
	int full;
};

/* mkdir -p, for a directory under var/ that may not exist yet */
static int mkdirs(const char *dir)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(buf, 0750) && errno != EEXIST)
		return errno;
	return 0;
}

int record_open(struct record **rp, const char *dir, const char *prefix,
                uint64_t max_ms, record_full_h *fullh, void *arg)
{
	SF_INFO info = {.samplerate = 8000,
	                .channels = 1,
	                .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	struct record *r;
	int err = mkdirs(dir);

	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	snprintf(r->path, sizeof(r->path), "%s/%s-%lld-%08x.wav", dir, prefix,
	         (long long)time(NULL), rand_u32());
	r->sf = sf_open(r->path, SFM_WRITE, &info);
	if (!r->sf) {
		free(r);
		return EIO;
	}
	r->max_frames = max_ms * 8;
	r->fullh = fullh;
	r->arg = arg;
	*rp = r;
	return 0;
}

void record_pcm(const int16_t *pcm, size_t n, void *arg)
{
	struct record *r = arg;

	if (r->full)
		return;
	if (r->frames + n > r->max_frames)
		n = (size_t)(r->max_frames - r->frames);
	sf_write_short(r->sf, pcm, (sf_count_t)n);
	r->frames += n;
	if (r->frames >= r->max_frames) {
		r->full = 1;
		if (r->fullh)
			r->fullh(r->arg);
	}
}

unsigned record_seconds(const struct record *r)
{
	return (unsigned)(r->frames / 8000);
}

const char *record_path(const struct record *r)
{
	return r->path;
}

void record_close(struct record *r, int discard)
{
	if (!r)
		return;
	sf_close(r->sf);
	if (discard)
		remove(r->path);
	free(r);
}
