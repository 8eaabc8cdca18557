/*
 * sim_int.h - the simulator's internals, shared by src/wfm/sim*.c.
 */
#ifndef WFM_SIM_INT_H
#define WFM_SIM_INT_H

#include <centralino/sim.h>

#include "acd/heap.h"

enum sim_kind { SIM_ARRIVAL = 0, SIM_ABANDON, SIM_END, SIM_STOP };

/* Estimators of the wait, in the order of struct sim_figures. */
enum { EST_OURS = 0, EST_ASTERISK, EST_QUEUE_LEN, EST_COUNT };

struct sim_event {
	struct heap_node hn; /* key[0] time (ms), key[1] sequence */
	uint8_t kind;
};

/* A contact in flight; carried by the engine as the contact's user. */
struct sim_contact {
	struct sim_event ev; /* its patience, then its end of conversation */
	uint64_t id;
	uint32_t queue;
	unsigned stream;
	bool measured, has_ewt;
	double est[EST_COUNT]; /* ms, at arrival */
	struct sim_contact *next_free;
};

/* A stream's generator: the time of its next arrival. */
struct sim_source {
	struct sim_event ev;
	const struct sim_stream *s;
	unsigned index;
	double next; /* seconds; INFINITY when the stream has ended */
};

/* Running sums of one queue, over the measured arrivals. */
struct sim_acc {
	uint64_t offered, answered, abandoned, other, at_once, in_sl;
	double wait_answered, wait_all; /* ms */
	uint64_t ewt_n;
	double abs_err[EST_COUNT], sq_err[EST_COUNT]; /* ms, ms^2 */
	double holdtime; /* Asterisk's smoothed hold time, ms; 0: none */
};

struct sim_slab {
	struct sim_slab *next;
	struct sim_contact v[1024];
};

struct sim {
	struct acd *acd;
	acd_time_t now;
	struct heap events;
	uint64_t seq;
	uint64_t rng[4];
	const struct sim_params *p;
	struct sim_source *sources;
	struct sim_acc *acc;
	size_t nacc;
	struct sim_contact *free_list;
	struct sim_slab *slabs;
	struct sim_event stop;
	uint64_t arrivals;
	unsigned active_sources;
	bool ran;
	int err; /* first failure inside a callback */
	/* occupancy: agents busy and logged in, integrated while measuring */
	unsigned busy, logged;
	bool measuring, measure_done;
	acd_time_t last_t, measure_from, measure_to;
	double busy_ms, logged_ms;
};

/* sim.c */
void sim_schedule(struct sim *sim, struct sim_event *e, acd_time_t t);
double sim_exp(struct sim *sim, double mean);
acd_time_t sim_ms(double seconds);

/* sim_stats.c */
void sim_occupancy_advance(struct sim *sim);
void sim_ewt_record(struct sim *sim, struct sim_contact *c);
void sim_count_answered(struct sim *sim, struct sim_contact *c,
                        acd_time_t wait);
void sim_count_left(struct sim *sim, struct sim_contact *c, acd_time_t wait,
                    bool abandoned);
int sim_figures_fill(const struct sim *sim, struct sim_result *r);

#endif
