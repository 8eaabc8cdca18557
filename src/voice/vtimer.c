/*
 * vtimer.c - a heap of timers behind one libre timer (see vtimer.h).
 */
#include "voice/vtimer.h"

static void vtimers_run(void *arg);

/* Arm the libre timer for the earliest deadline, only when it moved. */
static void arm(struct vtimers *t)
{
	const struct heap_node *top = heap_top(&t->heap);
	uint64_t now;

	if (!top) {
		tmr_cancel(&t->tmr);
		t->armed = -1;
		return;
	}
	if (top->key[0] == t->armed && tmr_isrunning(&t->tmr))
		return;
	now = tmr_jiffies();
	t->armed = top->key[0];
	tmr_start(&t->tmr,
	          (uint64_t)top->key[0] > now ? (uint64_t)top->key[0] - now : 0,
	          vtimers_run, t);
}

static void vtimers_run(void *arg)
{
	struct vtimers *t = arg;
	uint64_t now = tmr_jiffies();
	struct heap_node *top;

	t->armed = -1;
	while ((top = heap_top(&t->heap)) && (uint64_t)top->key[0] <= now) {
		struct vtimer *vt = (struct vtimer *)top;

		heap_remove(&t->heap, top);
		vt->on = false;
		vt->fire(vt->arg); /* may start or stop timers */
	}
	arm(t);
}

void vtimers_init(struct vtimers *t)
{
	heap_init(&t->heap);
	tmr_init(&t->tmr);
	t->seq = 0;
	t->armed = -1;
}

void vtimers_close(struct vtimers *t)
{
	tmr_cancel(&t->tmr);
	heap_reset(&t->heap);
}

void vtimer_start(struct vtimers *t, struct vtimer *vt, uint64_t delay,
                  vtimer_h *fire, void *arg)
{
	if (vt->on)
		heap_remove(&t->heap, &vt->hn);
	vt->hn.key[0] = (int64_t)(tmr_jiffies() + delay);
	vt->hn.key[1] = (int64_t)++t->seq;
	vt->hn.key[2] = vt->hn.key[3] = 0;
	vt->fire = fire;
	vt->arg = arg;
	vt->on = heap_push(&t->heap, &vt->hn) == 0;
	arm(t);
}

void vtimer_cancel(struct vtimers *t, struct vtimer *vt)
{
	if (!vt->on)
		return;
	heap_remove(&t->heap, &vt->hn);
	vt->on = false;
	arm(t);
}
