/*
 * vtimer.h - the voice channel's own timers: one heap, one libre timer.
 *
 * libre 1.1.0 keeps every timer in one sorted linked list and scans it on
 * each tmr_start(); with a timer per registered phone and per call the
 * scans cost most of the daemon's time at a few hundred calls a second.
 * Registrations, announcements and menus use these instead: O(log n) to
 * start or stop, and one libre timer armed at the earliest deadline.
 */
#ifndef VOICE_VTIMER_H
#define VOICE_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "acd/heap.h"

typedef void(vtimer_h)(void *arg);

/** A timer; all zero is a stopped timer. */
struct vtimer {
	struct heap_node hn; /* key[0] deadline (ms), key[1] sequence */
	vtimer_h *fire;
	void *arg;
	bool on;
};

struct vtimers {
	struct heap heap;
	struct tmr tmr;
	uint64_t seq;
	int64_t armed; /* deadline the libre timer is set for; -1 none */
};

void vtimers_init(struct vtimers *t);
/** Stop everything; the owners of the timers must be gone. */
void vtimers_close(struct vtimers *t);
/** (Re)start vt to fire after delay ms. */
void vtimer_start(struct vtimers *t, struct vtimer *vt, uint64_t delay,
                  vtimer_h *fire, void *arg);
/** Stop vt if it runs. */
void vtimer_cancel(struct vtimers *t, struct vtimer *vt);

static inline bool vtimer_running(const struct vtimer *vt)
{
	return vt->on;
}

#endif
