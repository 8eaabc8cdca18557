/*
 * sched.h - worker threads below the media loop.
 *
 * A media server is best run at real-time priority (contrib's systemd
 * unit: CPUSchedulingPolicy=rr), so that the 5 ms media tick is never
 * kept waiting behind other programs. Worker threads (password checks,
 * the e-mail channel) inherit it; a password check then would hold a
 * CPU for half a second at the loop's priority. They call this first.
 */
#ifndef CENTRALINO_SCHED_H
#define CENTRALINO_SCHED_H

/* The calling thread goes back to the normal policy (SCHED_OTHER) if the
 * process runs under a real-time one; nothing otherwise. */
void sched_worker_normal(void);

#endif
