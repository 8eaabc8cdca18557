/*
 * xferkeys.c - transfers by the keys of the agent's phone (see
 * xferkeys.h). The keys are matched here; the transfers themselves are
 * control.c's, as from the API or a REFER.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "voice/call.h"
#include "voice/voice_int.h"
#include "voice/xferkeys.h"

#define FIRST_DIGIT_MS 10000 /* after the code, to start keying */
#define NEXT_DIGIT_MS  4000  /* between digits: a pause ends the target */
#define CODE_GAP_MS    2000  /* keys further apart are not one code */

static bool ends_with(const struct xferkeys *xk, const char *code)
{
	size_t n = strlen(code);

	return n && n <= xk->nrecent &&
	       !memcmp(xk->recent + xk->nrecent - n, code, n);
}

static void remember(struct xferkeys *xk, char key, uint64_t now_ms)
{
	if (xk->nrecent && now_ms - xk->last_ms > CODE_GAP_MS)
		xk->nrecent = 0;
	xk->last_ms = now_ms;
	if (xk->nrecent == sizeof(xk->recent)) {
		memmove(xk->recent, xk->recent + 1, sizeof(xk->recent) - 1);
		xk->nrecent--;
	}
	xk->recent[xk->nrecent++] = key;
}

static enum xferkeys_action collect(struct xferkeys *xk, char key)
{
	if (key == '#') {
		xk->collecting = false;
		return xk->ndigits ? XK_DIAL : XK_ABORT;
	}
	if (key < '0' || key > '9' || xk->ndigits + 1 >= sizeof(xk->digits))
		return XK_NONE; /* not a digit, or too many: ignored */
	xk->digits[xk->ndigits++] = key;
	xk->digits[xk->ndigits] = '\0';
	return XK_DIGIT;
}

enum xferkeys_action xferkeys_feed(struct xferkeys *xk,
                                   const struct config_features *f,
                                   bool consulting, char key, uint64_t now_ms)
{
	if (xk->collecting)
		return collect(xk, key);
	remember(xk, key, now_ms);
	if (consulting) {
		if (ends_with(xk, f->transfer_cancel)) {
			xk->nrecent = 0;
			return XK_CANCEL;
		}
		if (ends_with(xk, f->attended_transfer)) {
			xk->nrecent = 0;
			return XK_COMPLETE;
		}
		return XK_NONE;
	}
	if (ends_with(xk, f->blind_transfer) ||
	    ends_with(xk, f->attended_transfer)) {
		xk->attended = ends_with(xk, f->attended_transfer);
		xk->nrecent = 0;
		xk->collecting = true;
		xk->ndigits = 0;
		xk->digits[0] = '\0';
		return XK_START;
	}
	return XK_NONE;
}

/* ---- in a call ------------------------------------------------------ */

/* The digits as a target of the call's tenant: an agent's extension, a
 * queue's or an agent's name, else an outside number. */
static void resolve(struct call *call, const char *digits,
                    struct voice_transfer *t)
{
	struct acd *acd = call->v->acd;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; call->cfg && i < call->cfg->nagents; i++) {
		const struct config_agent *a = &call->cfg->agents[i];

		if (strcmp(a->extension, digits))
			continue;
		t->id = acd_agent_find(acd, call->tenant, a->name);
		if (t->id != ACD_NONE) {
			t->to = VOICE_TO_AGENT;
			return;
		}
	}
	t->id = acd_queue_find(acd, call->tenant, digits);
	if (t->id != ACD_NONE) {
		t->to = VOICE_TO_QUEUE;
		return;
	}
	t->id = acd_agent_find(acd, call->tenant, digits);
	t->to = t->id != ACD_NONE ? VOICE_TO_AGENT : VOICE_TO_NUMBER;
	t->number = digits;
}

/* Back to the caller, if we took them away. */
static void abort_transfer(struct call *call, const char *why)
{
	struct xferkeys *xk = &call->xk;

	vtimer_cancel(&call->v->vt, &xk->tmr);
	xk->collecting = false;
	log_event(LOG_INFO, "call.transfer-keys",
	          "contact=%" PRIu64 " result=%s", call->contact, why);
	if (xk->held)
		(void)voice_call_hold(call->v, call->contact, false);
	xk->held = false;
}

static void dial(struct call *call)
{
	struct xferkeys *xk = &call->xk;
	struct voice_transfer t;
	int err;

	vtimer_cancel(&call->v->vt, &xk->tmr);
	xk->collecting = false;
	resolve(call, xk->digits, &t);
	t.attended = xk->attended;
	if (!t.attended && xk->held) {
		/* a blind transfer takes the call as the agent had it */
		(void)voice_call_hold(call->v, call->contact, false);
		xk->held = false;
	}
	err = voice_call_transfer(call->v, call->contact, &t);
	log_event(err ? LOG_WARN : LOG_INFO, "call.transfer-keys",
	          "contact=%" PRIu64 " target=%s kind=%s attended=%s error=%d",
	          call->contact, xk->digits,
	          t.to == VOICE_TO_QUEUE   ? "queue"
	          : t.to == VOICE_TO_AGENT ? "agent"
	                                   : "number",
	          t.attended ? "yes" : "no", err);
	if (err && xk->held) /* refused: the agent has the caller back */
		(void)voice_call_hold(call->v, call->contact, false);
	xk->held = false; /* done: control.c owns the hold from here */
}

static void pause_h(void *arg)
{
	struct call *call = arg;

	if (call->xk.ndigits)
		dial(call);
	else
		abort_transfer(call, "no-target");
}

static void start(struct call *call)
{
	struct xferkeys *xk = &call->xk;

	xk->held = false;
	if (!call->held && !voice_call_hold(call->v, call->contact, true))
		xk->held = true; /* the caller hears music meanwhile */
	log_event(LOG_INFO, "call.transfer-keys",
	          "contact=%" PRIu64 " agent=%s attended=%s", call->contact,
	          acd_agent_name(call->v->acd, call->agent->agent),
	          xk->attended ? "yes" : "no");
	vtimer_start(&call->v->vt, &xk->tmr, FIRST_DIGIT_MS, pause_h, call);
}

void xferkeys_key(struct agent_leg *al, char key)
{
	struct call *call = al->call;
	struct xferkeys *xk = &call->xk;

	if (call->agent != al || al->agent == ACD_NONE ||
	    call->state != CALL_BRIDGED || !call->contact || !call->cfg)
		return; /* only the answering agent, in a call of the engine */
	switch (xferkeys_feed(xk, &call->cfg->features, call->consult != NULL,
	                      key, tmr_jiffies())) {
	case XK_START:
		start(call);
		break;
	case XK_DIGIT:
		vtimer_start(&call->v->vt, &xk->tmr, NEXT_DIGIT_MS, pause_h,
		             call);
		break;
	case XK_DIAL:
		dial(call);
		break;
	case XK_ABORT:
		abort_transfer(call, "cancelled");
		break;
	case XK_COMPLETE:
		log_event(LOG_INFO, "call.transfer-keys",
		          "contact=%" PRIu64 " result=complete error=%d",
		          call->contact,
		          voice_call_transfer_complete(call->v, call->contact));
		break;
	case XK_CANCEL:
		log_event(LOG_INFO, "call.transfer-keys",
		          "contact=%" PRIu64 " result=cancel error=%d",
		          call->contact,
		          voice_call_transfer_cancel(call->v, call->contact));
		break;
	case XK_NONE:
		break;
	}
}

bool xferkeys_hangup(struct agent_leg *al)
{
	struct call *call = al->call;

	if (call->agent != al || !call->consult || !call->consult->answered)
		return false;
	log_event(LOG_INFO, "call.transfer-keys",
	          "contact=%" PRIu64 " result=complete-by-hangup",
	          call->contact);
	return voice_call_transfer_complete(call->v, call->contact) == 0;
}

void xferkeys_stop(struct call *call)
{
	vtimer_cancel(&call->v->vt, &call->xk.tmr);
}
