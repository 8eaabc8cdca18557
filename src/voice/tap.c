/*
 * tap.c - the sides of a bridged call, frame by frame (see tap.h).
 *
 * Relayed RTP leaves at once, as it arrives; the recorder and the
 * supervisor's mix need the two sides side by side, so each side's
 * decoded audio waits in a short queue (mix.h) and the 20 ms media tick
 * takes one frame of each: the recording stays time-aligned whatever
 * the phones' packet sizes, and a side that sends nothing is silence.
 */
#include <string.h>

#include <re.h>

#include "voice/call.h"
#include "voice/callrec.h"
#include "voice/mix.h"
#include "voice/monitor.h"
#include "voice/tap.h"

enum { SIDE_CALLER = 0, SIDE_AGENT };

struct tap {
	struct mix_side side[2];
};

static void caller_pcm(const int16_t *pcm, size_t n, void *arg)
{
	struct tap *t = arg;

	mix_side_push(&t->side[SIDE_CALLER], pcm, n);
}

static void agent_pcm(const int16_t *pcm, size_t n, void *arg)
{
	struct tap *t = arg;

	mix_side_push(&t->side[SIDE_AGENT], pcm, n);
}

int tap_attach(struct call *call)
{
	struct tap *t = call->tap;

	if (!t) {
		t = mem_zalloc(sizeof(*t), NULL);
		if (!t)
			return ENOMEM;
		call->tap = t;
	}
	call->caller.pcmh = caller_pcm;
	call->caller.pcm_arg = t;
	if (call->agent && call->agent->leg.pcm_arg != t) {
		call->agent->leg.pcmh = agent_pcm;
		call->agent->leg.pcm_arg = t;
		mix_side_clear(&t->side[SIDE_AGENT]); /* a new voice */
	}
	return 0;
}

void tap_detach(struct call *call)
{
	struct tap *t = call->tap;

	if (!t)
		return;
	if (call->caller.pcm_arg == t)
		call->caller.pcmh = NULL;
	if (call->agent && call->agent->leg.pcm_arg == t)
		call->agent->leg.pcmh = NULL;
	call->tap = mem_deref(t);
}

void tap_tick(struct call *call)
{
	static const int16_t quiet[MIX_FRAME];
	struct tap *t = call->tap;
	int16_t caller[MIX_FRAME], agent[MIX_FRAME];

	if (call->agent && call->agent->leg.pcm_arg != t)
		tap_attach(call); /* bridged to another agent */
	mix_side_frame(&t->side[SIDE_CALLER], caller);
	mix_side_frame(&t->side[SIDE_AGENT], agent);
	/* on hold nothing is recorded: the gap stays, as silence */
	if (call->rec)
		callrec_frame(call->rec, call->held ? quiet : caller,
		              call->held ? quiet : agent);
	if (call->monitor)
		monitor_frame(call->monitor, caller, agent);
}
