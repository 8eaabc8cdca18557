/*
 * tts.c - speech from text with espeak-ng, resampled to 8 kHz.
 *
 * espeak-ng keeps one global state per process, so this file does too:
 * it is initialised by the first synthesis and stays for the life of the
 * process. Terminating it when the last store goes was tried and
 * rejected: espeak-ng 1.51 initialised again after espeak_ng_Terminate()
 * hangs in espeak_ng_Synchronize(). Synchronous mode: Synthesize returns
 * when the callback has had every sample, which is all a prompt cache
 * needs (each prompt is synthesised once). Not thread-safe, like the
 * store that calls it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <espeak-ng/espeak_ng.h>

#include "core/log.h"
#include "media/media.h"
#include "media/media_int.h"

static bool ready;
static int espeak_rate;

struct synth {
	struct resampler *rs;
	struct pcm *out;
	int err;
};

static int tts_failed(const char *what, espeak_ng_STATUS st)
{
	char msg[256], q[300];

	espeak_ng_GetStatusCodeMessage(st, msg, sizeof(msg));
	log_event(LOG_ERROR, "media.tts", "step=%s status=0x%x reason=%s", what,
	          (unsigned)st, log_quote(msg, q, sizeof(q)));
	return EIO;
}

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	struct synth *sy = events ? events->user_data : NULL;
	float buf[1024];

	if (!sy || !wav || sy->err)
		return 0;
	for (int done = 0; done < n && !sy->err;) {
		int k = n - done < 1024 ? n - done : 1024;

		for (int i = 0; i < k; i++)
			buf[i] = wav[done + i] / 32768.0f;
		sy->err = resampler_push(sy->rs, buf, (size_t)k, sy->out);
		done += k;
	}
	return 0;
}

static int tts_init(void)
{
	espeak_ng_STATUS st;

	if (ready)
		return 0;
	espeak_ng_InitializePath(NULL);
	st = espeak_ng_Initialize(NULL);
	if (st != ENS_OK)
		return tts_failed("initialize", st);
	st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
	if (st != ENS_OK) {
		espeak_ng_Terminate();
		return tts_failed("output", st);
	}
	espeak_SetSynthCallback(on_samples);
	espeak_rate = espeak_ng_GetSampleRate();
	ready = true;
	return 0;
}

/* espeak's voice for lang: "it-IT" tries "it-it", then "it". */
static int set_voice(const char *lang)
{
	char name[32];
	size_t n = strlen(lang);

	if (!n || n >= sizeof(name))
		return EINVAL;
	for (size_t i = 0; i <= n; i++) {
		char c = lang[i] == '_' ? '-' : lang[i];

		if (c && !isalnum((unsigned char)c) && c != '-')
			return EINVAL;
		name[i] = (char)tolower((unsigned char)c);
	}
	if (espeak_ng_SetVoiceByName(name) == ENS_OK)
		return 0;
	name[strcspn(name, "-")] = '\0';
	if (espeak_ng_SetVoiceByName(name) == ENS_OK)
		return 0;
	return EINVAL;
}

int tts_synth(struct pcm *out, const char *text, const char *lang)
{
	struct synth sy = {.out = out};
	espeak_ng_STATUS st;
	int err;

	err = tts_init();
	if (err)
		return err;
	err = set_voice(lang);
	if (err)
		return err;
	err = resampler_alloc(&sy.rs, espeak_rate);
	if (err)
		return err;
	st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
	                          espeakCHARS_UTF8, NULL, &sy);
	if (st != ENS_OK)
		err = tts_failed("synthesize", st);
	else if (sy.err)
		err = sy.err;
	else
		err = resampler_flush(sy.rs, out);
	resampler_free(sy.rs);
	return err;
}
