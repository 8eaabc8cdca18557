/*
 * callrec.c - a call's stereo recording (see callrec.h).
 *
 * The media tick hands one frame of each side per 20 ms (tap.c); they
 * are interleaved into a buffer of one second, written with libsndfile
 * when full and at the end: one write(2) a second per call rather than
 * fifty, and no allocation after the start.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <re.h>
#include <sndfile.h>

#include "core/config.h"
#include "core/log.h"
#include "store/store.h"
#include "voice/call.h"
#include "voice/callrec.h"
#include "voice/mix.h"
#include "voice/tap.h"
#include "voice/voice_int.h"

#define CALLREC_BUFFER (50 * 2 * MIX_FRAME) /* one second, stereo */

struct callrec {
	SNDFILE *sf;
	char path[512];
	int16_t buf[CALLREC_BUFFER];
	size_t nbuf;     /* samples buffered (both channels) */
	uint64_t frames; /* 20 ms frames recorded */
	int64_t started_ms;
	bool write_failed;
	uint64_t contact;
	char tenant[64], queue[64], agent[64];
};

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* recordings/ next to the store's file, as voicemail/ is. */
static int rec_dir(const struct config *cfg, char *buf, size_t size)
{
	voice_store_dir(cfg, "recordings", buf, size);
	if (mkdir(buf, 0750) && errno != EEXIST)
		return errno;
	return 0;
}

static void flush(struct callrec *r)
{
	sf_count_t n = (sf_count_t)(r->nbuf / 2);

	if (n && sf_writef_short(r->sf, r->buf, n) != n && !r->write_failed) {
		r->write_failed = true;
		log_event(LOG_ERROR, "call.recording-failed",
		          "contact=%" PRIu64 " path=%s error=%s", r->contact,
		          r->path, sf_strerror(r->sf));
	}
	r->nbuf = 0;
}

static void callrec_destructor(void *arg)
{
	struct callrec *r = arg;

	if (!r->sf)
		return;
	flush(r);
	sf_close(r->sf);
}

void callrec_frame(struct callrec *r, const int16_t *caller,
                   const int16_t *agent)
{
	mix_interleave(r->buf + r->nbuf, caller, agent);
	r->nbuf += 2 * MIX_FRAME;
	r->frames++;
	if (r->nbuf == CALLREC_BUFFER)
		flush(r);
}

static int rec_open(struct callrec *r, const struct config *cfg)
{
	SF_INFO info = {.samplerate = 8000,
	                .channels = 2,
	                .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	char dir[400];
	int err = rec_dir(cfg, dir, sizeof(dir));

	if (err)
		return err;
	snprintf(r->path, sizeof(r->path), "%s/call-%" PRIu64 "-%lld-%08x.wav",
	         dir, r->contact, (long long)(r->started_ms / 1000),
	         rand_u32());
	r->sf = sf_open(r->path, SFM_WRITE, &info);
	if (!r->sf)
		return EIO;
	/* the header follows each second's write: a daemon that stops
	 * mid-call leaves a WAV that plays up to its last second */
	sf_command(r->sf, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
	return 0;
}

/* The names of the call's tenant, queue and agent into r. */
static void rec_names(struct callrec *r, const struct call *call)
{
	const struct acd *acd = call->v->acd;
	const char *t = acd_tenant_name(acd, call->tenant);
	const char *q = acd_queue_name(acd, call->queue);
	const char *a = acd_agent_name(acd, call->agent->agent);

	snprintf(r->tenant, sizeof(r->tenant), "%s", t ? t : "");
	snprintf(r->queue, sizeof(r->queue), "%s", q ? q : "");
	snprintf(r->agent, sizeof(r->agent), "%s", a ? a : "");
}

/* The journal's note of the recording, beside the engine's events. */
static void journal(const struct call *call, const char *type,
                    const char *reason)
{
	const struct callrec *r = call->rec;
	struct store *s = call->v->p.store;

	if (s)
		(void)store_journal_note(s, type, r->contact,
		                         (int64_t)acd_now(call->v->acd),
		                         r->tenant, r->queue, r->agent, reason);
	voice_stored(call->v);
}

/* The recording's row, from its start: a file never goes unlisted. */
static void row(const struct call *call)
{
	const struct callrec *r = call->rec;
	struct store *s = call->v->p.store;
	const struct store_recording g = {
	    .contact = r->contact,
	    .tenant = r->tenant,
	    .queue = r->queue,
	    .agent = r->agent,
	    .path = r->path,
	    .started_ms = r->started_ms,
	    .duration_ms = -1,
	};

	if (s && store_recording(s, &g))
		log_event(LOG_ERROR, "call.recording-unrecorded",
		          "contact=%" PRIu64 " path=%s", r->contact, r->path);
	voice_stored(call->v);
}

int callrec_start(struct call *call)
{
	struct callrec *r;
	int err;

	if (call->rec || !call->agent)
		return 0;
	r = mem_zalloc(sizeof(*r), callrec_destructor);
	if (!r)
		return ENOMEM;
	r->contact = call->contact;
	r->started_ms = wall_ms();
	rec_names(r, call);
	err = rec_open(r, call->cfg);
	if (!err)
		err = tap_attach(call);
	if (err) {
		log_event(LOG_ERROR, "call.recording-failed",
		          "contact=%" PRIu64 " path=%s error=%s", r->contact,
		          r->path, strerror(err));
		mem_deref(r);
		return err;
	}
	call->rec = r;
	row(call);
	journal(call, "recording-started", NULL);
	log_event(LOG_INFO, "call.recording-started",
	          "contact=%" PRIu64 " tenant=%s queue=%s agent=%s path=%s",
	          r->contact, r->tenant, r->queue, r->agent, r->path);
	return 0;
}

void callrec_stop(struct call *call)
{
	struct callrec *r = call->rec;
	struct store *s = call->v->p.store;
	int64_t duration_ms;
	char seconds[24];

	if (!r)
		return;
	duration_ms = (int64_t)r->frames * 20;
	snprintf(seconds, sizeof(seconds), "%.1f", duration_ms / 1000.0);
	journal(call, "recording-ended", seconds);
	if (s && store_recording_end(s, r->contact, r->path, duration_ms))
		log_event(LOG_ERROR, "call.recording-unrecorded",
		          "contact=%" PRIu64 " path=%s", r->contact, r->path);
	log_event(LOG_INFO, "call.recording-ended",
	          "contact=%" PRIu64 " tenant=%s queue=%s agent=%s path=%s "
	          "seconds=%s",
	          r->contact, r->tenant, r->queue, r->agent, r->path, seconds);
	call->rec = NULL;
	mem_deref(r); /* the file is complete on disk */
}
