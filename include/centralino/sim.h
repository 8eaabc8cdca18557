/*
 * sim.h - the routing engine in simulated time.
 *
 * A discrete-event simulation drives the real engine (acd.h): the
 * simulator owns the clock, generates arrivals (Poisson streams whose rate
 * may change over time), answers every offer at once, ends each
 * conversation after an exponential handle time and lets customers hang
 * up after an exponential patience. Its events are merged with the
 * engine's own timers (acd_next_deadline()), so offers, wrap-ups and
 * escalations run exactly as in the daemon.
 *
 * It measures what a queue manager sees (service level, speed of answer,
 * abandonment, occupancy) and how well a waiting customer's estimated wait
 * matched the wait that followed: the engine's acd_contact_ewt() against
 * two baselines (Asterisk's smoothed hold time, and the plain queue-length
 * estimator). See docs/simulate.md.
 *
 * Deterministic: the same engine set-up, parameters and seed give the same
 * figures, bit for bit.
 */
#ifndef CENTRALINO_SIM_H
#define CENTRALINO_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <centralino/acd.h>

#define SIM_MAX_CHANGES 32 /* rate changes of one stream */

/** From `at` seconds on, a stream's rate is its base rate times factor. */
struct sim_rate_change {
	double at; /* seconds since the start of the simulation */
	double factor;
};

/** One stream of arrivals into a queue. */
struct sim_stream {
	uint32_t queue;
	enum acd_channel channel;
	int priority;
	struct acd_skill_req reqs[ACD_MAX_REQS];
	unsigned nreqs;
	double rate;     /* arrivals per second (base) */
	double aht;      /* mean handle time, seconds (exponential) */
	double patience; /* mean patience, seconds (exponential); 0: none */
	struct sim_rate_change changes[SIM_MAX_CHANGES]; /* sorted by at */
	unsigned nchanges;
};

/** Called now and then during a run; arrivals counts every stream's. */
typedef void(sim_progress_h)(uint64_t arrivals, double sim_seconds, void *arg);

struct sim_params {
	const struct sim_stream *streams;
	size_t nstreams;
	uint64_t contacts; /* stop arrivals after this many; 0: no limit */
	double duration;   /* stop arrivals after this time, s; 0: none */
	uint64_t warmup;   /* first arrivals left out of every figure */
	double threshold;  /* service-level threshold, seconds */
	uint64_t seed;     /* arrivals, handle times, patience */
	unsigned agents;   /* for the queue-length estimator; 0: count the
	                       queue's members logged in at each arrival */
	sim_progress_h *progress_h; /* may be NULL */
	void *arg;
};

/** Accuracy of one wait estimator over the answered contacts. */
struct sim_ewt_error {
	double mae;  /* mean absolute error, seconds */
	double rmse; /* root mean square error, seconds */
};

/** Figures over the measured arrivals (after the warm-up). */
struct sim_figures {
	uint64_t offered; /* measured arrivals */
	uint64_t answered;
	uint64_t abandoned;
	uint64_t other; /* ended by a fallback (hang-up, voicemail, ...) */
	double p_wait;  /* share not connected at the instant of arrival */
	double service_level; /* share answered within the threshold */
	double asa;           /* mean wait of answered contacts, seconds */
	double mean_wait_all; /* mean time before answer or leaving, seconds */
	double abandon_rate;  /* abandoned / offered */
	uint64_t ewt_samples; /* waiting contacts with an estimate, answered */
	struct sim_ewt_error ewt;       /* acd_contact_ewt() */
	struct sim_ewt_error asterisk;  /* smoothed hold time, blind to place */
	struct sim_ewt_error queue_len; /* (position + 1) / (agents * mu) */
};

struct sim_result {
	struct sim_figures total;
	struct sim_figures *queues; /* indexed by queue id; nqueues of them */
	size_t nqueues;
	uint64_t arrivals;  /* warm-up included */
	double occupancy;   /* busy agent time / logged-in agent time */
	double sim_seconds; /* simulated time, until the last contact left */
	double measured_seconds; /* first measured arrival to last arrival */
};

struct sim;

/**
 * Create a simulator and its engine (clock and event handler are the
 * simulator's; seed also seeds the engine's tie-breaking). Set the engine
 * up through sim_acd() before sim_run(). Returns 0, EINVAL or ENOMEM.
 */
int sim_alloc(struct sim **simp, uint64_t seed);
/** Free the simulator, its engine and its contacts. NULL is accepted. */
void sim_free(struct sim *sim);
/** The engine, for set-up (queues, agents, presence). Owned by sim. */
struct acd *sim_acd(struct sim *sim);
/** Simulated now, in ms (0 before the first run). */
acd_time_t sim_now(const struct sim *sim);

/**
 * Build the simple case in sim's engine: one tenant, one longest-idle
 * queue without wrap-up (service-level threshold in seconds), `agents`
 * agents all ready and members. *queuep (may be NULL) gets the queue.
 * Returns 0, EINVAL for no agents, or the engine's errno.
 */
int sim_setup_simple(struct sim *sim, unsigned agents, double threshold,
                     uint32_t *queuep);

/**
 * Run the simulation: arrivals until p->contacts or p->duration (one of
 * them must be set), then until every contact has left. Can be called
 * once per simulator. On success returns 0 and fills *r (free its queues
 * with sim_result_reset()); EINVAL for bad parameters (a stream's queue
 * unknown, rates or times negative or not finite, no stop condition);
 * ENOMEM; EALREADY on a second run.
 */
int sim_run(struct sim *sim, const struct sim_params *p, struct sim_result *r);

/** Free a result's per-queue figures. NULL is accepted. */
void sim_result_reset(struct sim_result *r);

/** Rate multiplier of a stream at time t seconds (1 before any change). */
double sim_stream_factor(const struct sim_stream *s, double t);

/* ---- scenarios ---------------------------------------------------- */

struct config;
struct config_errors;
struct sim_scenario_spec; /* a stream as written: names, not ids */

/**
 * A scenario file: a configuration (by path, relative to the scenario)
 * and a `simulation:` section with the arrival streams. See
 * docs/simulate.md for the format.
 */
struct sim_scenario {
	char file[256];
	struct config *config;
	double start;     /* clock time of the simulation's 0, s of the day */
	double duration;  /* seconds */
	double threshold; /* seconds */
	uint64_t warmup;  /* arrivals */
	uint64_t seed;
	bool has_seed;
	struct sim_scenario_spec *specs;
	size_t nspecs;
	struct sim_stream *streams; /* resolved by sim_scenario_setup() */
};

/**
 * Read the scenario at path and the configuration it names. Returns 0
 * and *scp (free with sim_scenario_free()); EINVAL with every problem
 * located (file:line:column) in errs; ENOENT, EACCES or EIO when a file
 * cannot be read; ENOMEM.
 */
int sim_scenario_load(const char *path, struct sim_scenario **scp,
                      struct config_errors *errs);

/**
 * Apply the scenario's configuration to sim's engine, log every agent in
 * and resolve the streams' queues and skills; fill *p (streams, duration,
 * warm-up, threshold; seed and progress are the caller's). The streams
 * stay owned by sc. Returns 0, or EINVAL with the problems in errs.
 */
int sim_scenario_setup(struct sim_scenario *sc, struct sim *sim,
                       struct sim_params *p, struct config_errors *errs);

/** Free a scenario and its configuration. NULL is accepted. */
void sim_scenario_free(struct sim_scenario *sc);

#endif
