/*
 * wfm.h - workforce planning: how many agents a queue needs.
 *
 * Erlang C (M/M/n, nobody abandons) and Erlang A (M/M/n+M, Palm's model
 * with exponential patience) give the service level, speed of answer,
 * occupancy and abandonment of a queue staffed with n agents, and the
 * fewest agents that meet a service-level target. A forecast (one row per
 * interval: start, volume, handle time) turns into a staffing table and an
 * SVG chart. See docs/staffing.md for the formulas.
 *
 * Everything here is pure computation on the caller's figures: no clock,
 * no global state, safe to call from any thread.
 */
#ifndef CENTRALINO_WFM_H
#define CENTRALINO_WFM_H

#include <stddef.h>
#include <stdio.h>

/** Upper bound of wfm_staffing_agents()' search. */
#define WFM_AGENTS_MAX 100000u

/*
 * Erlang B blocking probability of `agents` servers offered `load`
 * erlangs, by the recurrence B(0)=1, B(n)=a B(n-1)/(n + a B(n-1)): stable
 * for any n, no factorials. Returns a value in [0,1] (1 for no agents; it
 * underflows to 0 only when agents is far above the load).
 */
double wfm_erlang_b(unsigned agents, double load);

/** Figures of one queue at a given staffing. Times in seconds. */
struct wfm_erlang {
	double p_wait;        /* probability an arrival has to wait */
	double service_level; /* share of arrivals answered within threshold
	                         (Erlang A: abandoned ones count as not
	                         answered in SL) */
	double asa;           /* mean wait of answered contacts, seconds */
	double occupancy;     /* agent utilisation */
	double abandon_rate;  /* share of arrivals that abandon (0 for
	                         Erlang C) */
	double mean_wait_all; /* mean time in queue over all arrivals */
};

/*
 * Figures of a queue with `agents` agents. lambda: arrivals per second;
 * aht: mean handle time in seconds; threshold: service-level threshold in
 * seconds; patience: mean patience in seconds (exponential), 0 or INFINITY
 * = nobody abandons (Erlang C).
 *
 * Returns 0 and fills *out; EINVAL for figures that are negative, not
 * finite or zero where they may not be (aht); EDOM for Erlang C with load
 * >= agents (unstable: *out gets p_wait=1, service_level=0,
 * asa=mean_wait_all=INFINITY, occupancy=1), and for Erlang A so close to
 * instability (huge patience, overload) that the queue-length
 * distribution cannot be summed.
 */
int wfm_erlang_figures(unsigned agents, double lambda, double aht,
                       double threshold, double patience,
                       struct wfm_erlang *out);

/*
 * Fewest agents whose service level is at least target_sl (in (0,1)) and,
 * when max_occupancy > 0, whose occupancy is at most max_occupancy (in
 * (0,1]). lambda == 0 needs 0 agents.
 *
 * Returns 0 and *agentsp; EINVAL for bad figures; ERANGE when no staffing
 * up to WFM_AGENTS_MAX meets the target.
 */
int wfm_staffing_agents(double lambda, double aht, double threshold,
                        double patience, double target_sl, double max_occupancy,
                        unsigned *agentsp);

/*
 * Agents to schedule so that `agents` are on the phones after shrinkage
 * (breaks, training, absence; a share in [0,1)):
 * ceil(agents / (1 - shrinkage)), with a tolerance for rounding noise so
 * that 14 agents at 30 % shrinkage give 20, not 21.
 *
 * Returns 0 and *scheduledp; EINVAL for shrinkage outside [0,1); ERANGE
 * when the result does not fit an unsigned.
 */
int wfm_staffing_scheduled(unsigned agents, double shrinkage,
                           unsigned *scheduledp);

/** One interval of a forecast, and its staffing once computed. */
struct wfm_interval {
	char start[40];            /* as written: "08:00" or an ISO 8601 time */
	double volume;             /* contacts offered in the interval */
	double aht;                /* mean handle time, seconds */
	unsigned agents;           /* required on the phones */
	unsigned scheduled;        /* after shrinkage */
	struct wfm_erlang figures; /* at `agents` */
};

/** A day (or any run) of intervals of equal length. */
struct wfm_forecast {
	struct wfm_interval *intervals;
	size_t count;
	double interval_s; /* seconds per row */
};

/*
 * Read a forecast in CSV: one row per interval, "start,volume,aht"
 * (start as HH:MM[:SS] or YYYY-MM-DD[T ]HH:MM[:SS][zone]). A header line
 * is allowed first; blank lines and lines starting with '#' are skipped.
 * interval_s is the length of each row in seconds.
 *
 * Returns 0 and fills *fc (free with wfm_forecast_reset()); EBADMSG with
 * *linep set to the first bad line (message in errbuf); EINVAL for a bad
 * interval_s; ENOMEM; ENODATA for a file with no rows. On error *fc is
 * left empty.
 */
int wfm_forecast_read(FILE *f, double interval_s, struct wfm_forecast *fc,
                      size_t *linep, char *errbuf, size_t errlen);

/* Free the rows of a forecast and empty it. Safe on an empty one. */
void wfm_forecast_reset(struct wfm_forecast *fc);

/*
 * Staff every interval of the forecast (fills agents, scheduled and
 * figures). Returns 0, or the first error of wfm_staffing_agents() /
 * wfm_staffing_scheduled() with *badp set to the row index.
 */
int wfm_forecast_staff(struct wfm_forecast *fc, double threshold,
                       double patience, double target_sl, double max_occupancy,
                       double shrinkage, size_t *badp);

/*
 * Write an SVG chart of a staffed forecast: required and scheduled agents
 * as step lines over the intervals (left axis), volume as bars (right
 * axis), with axes, labels, a title and a legend. Returns 0, or EIO when
 * writing fails, EINVAL for an empty forecast.
 */
int wfm_forecast_svg(FILE *f, const struct wfm_forecast *fc, const char *title);

#endif
