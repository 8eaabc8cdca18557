/*
 * sched.c - worker threads below the media loop (see sched.h).
 */
#include <pthread.h>
#include <sched.h>

#include "core/sched.h"

void sched_worker_normal(void)
{
	struct sched_param none = {0};
	int policy = sched_getscheduler(0);

	if (policy == SCHED_FIFO || policy == SCHED_RR)
		pthread_setschedparam(pthread_self(), SCHED_OTHER, &none);
}
