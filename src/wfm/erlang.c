/*
 * erlang.c - Erlang C and Erlang A (M/M/n+M) queue figures and staffing.
 *
 * Erlang C: Erlang B by the recurrence B(0)=1, B(n)=a B(n-1)/(n + a B(n-1))
 * (no factorials, stable for any n), then C = n B / (n - a (1 - B)),
 * SL = 1 - C exp(-(n - a) T / aht), ASA = C aht / (n - a), occupancy a/n.
 *
 * Erlang A: the birth-death chain of the number in system, birth rate
 * lambda, death rate min(k,n) mu + max(k-n,0) theta (mu = 1/aht,
 * theta = 1/patience). Relative to pi_n, the states below n sum to
 * (1 - B)/B with B = Erlang B(n, a), and q_m = pi_{n+m}/pi_n is
 * prod_{j=1..m} lambda / (n mu + j theta). The sum of q_m is Palm's
 * A(x,y) = x e^y y^-x gamma(x,y) with x = n mu/theta, y = lambda/theta;
 * we sum it term by term in log space until the terms are negligible,
 * which also gives the sums below in the same pass. By PASTA an arrival
 * sees m = k - n others waiting with probability pi_{n+m}. Ahead of it,
 * each stage ends at rate c + j theta (c = n mu; j still ahead), and its
 * own patience competes at rate theta, so
 *   P(served | m)       = prod_{j=0..m} (c + j theta)/(c + (j+1) theta)
 *                       = c / (c + (m+1) theta),
 *   E[wait | served, m] = sum_{j=1..m+1} 1 / (c + j theta).
 * Summing over m gives P(abandon) and ASA. For the service level the sum
 * over m of the (sub-)densities of "answered at time t after waiting" has
 * the closed form (Laplace transform of the stages is a Beta integral)
 *   h(t) = pi_n c exp(-(c + theta) t + y (1 - exp(-theta t))),
 * so SL = P(k < n) + integral_0^T h(t) dt, integrated numerically
 * (adaptive Simpson on panels of the chain's time scale). As theta -> 0,
 * h(t) -> pi_n c exp(-(c - lambda) t) and SL -> Erlang C's formula.
 * Mean time in queue over all arrivals is L_q / lambda (Little).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>

#include "centralino/wfm.h"

/* A term this far (e^-45 ~ 3e-20) below the largest one is negligible. */
#define LOG_NEGLIGIBLE (-45.0)
/* Queue states summed before Erlang A gives up as (nearly) unstable. */
#define QUEUE_STATES_MAX 20000000ul

double wfm_erlang_b(unsigned agents, double load)
{
	double b = 1.0;

	for (unsigned k = 1; k <= agents; k++)
		b = load * b / ((double)k + load * b);
	return b;
}

static bool finite_nonneg(double x)
{
	return isfinite(x) && x >= 0.0;
}

static void figures_idle(struct wfm_erlang *out)
{
	*out = (struct wfm_erlang){.service_level = 1.0};
}

static int erlang_c(unsigned n, double lambda, double aht, double threshold,
                    struct wfm_erlang *out)
{
	double a = lambda * aht;
	double b, c;

	if ((double)n <= a) {
		*out = (struct wfm_erlang){.p_wait = 1.0,
		                           .service_level = 0.0,
		                           .asa = INFINITY,
		                           .occupancy = 1.0,
		                           .mean_wait_all = INFINITY};
		return EDOM;
	}
	b = wfm_erlang_b(n, a);
	c = (double)n * b / ((double)n - a * (1.0 - b));
	out->p_wait = c;
	out->service_level = 1.0 - c * exp(-((double)n - a) * threshold / aht);
	out->asa = c * aht / ((double)n - a);
	out->occupancy = a / (double)n;
	out->abandon_rate = 0.0;
	out->mean_wait_all = out->asa;
	return 0;
}

/* Running sums over queue states, all scaled by exp(-ref). */
struct queue_sums {
	double ref;    /* log of the scale */
	double q;      /* sum of q_m */
	double served; /* sum of q_m P(served | m) */
	double wait;   /* sum of q_m P(served | m) E[wait | served, m] */
	double len;    /* sum of q_m m */
};

static void sums_add(struct queue_sums *s, double logq, double served,
                     double wait, double m)
{
	if (logq > s->ref) {
		double k = exp(s->ref - logq);

		s->q *= k;
		s->served *= k;
		s->wait *= k;
		s->len *= k;
		s->ref = logq;
	}
	double w = exp(logq - s->ref);

	s->q += w;
	s->served += w * served;
	s->wait += w * served * wait;
	s->len += w * m;
}

/*
 * Sum the queue states m = 0, 1, ... of M/M/n+M relative to pi_n. Returns
 * 0, or EDOM when the terms do not die out within QUEUE_STATES_MAX.
 */
static int queue_sum(double lambda, double c, double theta,
                     struct queue_sums *s)
{
	double logq = 0.0, harmonic = 0.0, maxlog = 0.0;

	*s = (struct queue_sums){.ref = 0.0};
	for (unsigned long m = 0; m < QUEUE_STATES_MAX; m++) {
		double next = c + (double)(m + 1) * theta;

		if (m > 0)
			logq += log(lambda / (c + (double)m * theta));
		harmonic += 1.0 / next;
		sums_add(s, logq, c / next, harmonic, (double)m);
		if (logq > maxlog)
			maxlog = logq;
		/* Past the peak (ratio < 1) and negligible: done. */
		if (lambda < next && logq - maxlog < LOG_NEGLIGIBLE)
			return 0;
	}
	return EDOM;
}

struct answer_density {
	double logc; /* log(pi_n c) */
	double rate; /* c + theta */
	double y;    /* lambda / theta */
	double theta;
};

static double density(const struct answer_density *d, double t)
{
	return exp(d->logc - d->rate * t - d->y * expm1(-d->theta * t));
}

static double simpson(const struct answer_density *d, double a, double b,
                      double fa, double fm, double fb, double whole, int depth)
{
	double m = 0.5 * (a + b);
	double lm = 0.5 * (a + m), rm = 0.5 * (m + b);
	double flm = density(d, lm), frm = density(d, rm);
	double left = (m - a) / 6.0 * (fa + 4.0 * flm + fm);
	double right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
	double diff = left + right - whole;

	/* Absolute and relative tolerance; the depth caps round-off chases. */
	if (depth <= 0 || fabs(diff) <= 1e-12 + 1e-10 * fabs(whole))
		return left + right + diff / 15.0;
	return simpson(d, a, m, fa, flm, fm, left, depth - 1) +
	       simpson(d, m, b, fm, frm, fb, right, depth - 1);
}

/* Integral of the answer density over [0, t_end], on panels no wider than
 * the chain's time scale so that no peak slips between samples. */
static double answered_within(const struct answer_density *d, double t_end)
{
	double scale = 1.0 / d->rate, sum = 0.0;
	double panels = ceil(t_end / scale);

	if (panels > 4096.0)
		panels = 4096.0;
	if (panels < 1.0)
		panels = 1.0;
	for (double i = 0.0; i < panels; i += 1.0) {
		double a = t_end * i / panels, b = t_end * (i + 1.0) / panels;
		double fa = density(d, a), fb = density(d, b);
		double fm = density(d, 0.5 * (a + b));

		sum += simpson(d, a, b, fa, fm, fb,
		               (b - a) / 6.0 * (fa + 4.0 * fm + fb), 18);
	}
	return sum;
}

/* log(exp(x) + exp(y)) without overflow. */
static double log_add(double x, double y)
{
	double hi = x > y ? x : y, lo = x > y ? y : x;

	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(lo - hi));
}

static int erlang_a(unsigned n, double lambda, double aht, double threshold,
                    double patience, struct wfm_erlang *out)
{
	double mu = 1.0 / aht, theta = 1.0 / patience, c = (double)n * mu;
	double b = wfm_erlang_b(n, lambda * aht);
	struct queue_sums s;
	int err;

	if (b <= 0.0) { /* pi_n underflows: nobody ever waits */
		figures_idle(out);
		out->occupancy = lambda * aht / (double)n;
		return 0;
	}
	err = queue_sum(lambda, c, theta, &s);
	if (err)
		return err;
	/* pi_n = 1 / ((1 - B)/B + sum q_m), in logs. */
	double below = log1p(-b) - log(b);
	double logpin = -log_add(n ? below : -INFINITY, s.ref + log(s.q));
	double pin = exp(logpin + s.ref); /* scale of the sums */
	double p_served_waiting = pin * s.served;

	out->p_wait = pin * s.q;
	out->abandon_rate = out->p_wait - p_served_waiting;
	if (out->abandon_rate < 0.0)
		out->abandon_rate = 0.0;
	out->asa = out->abandon_rate < 1.0
	               ? pin * s.wait / (1.0 - out->abandon_rate)
	               : 0.0;
	out->mean_wait_all = pin * s.len / lambda;
	out->occupancy = lambda * aht * (1.0 - out->abandon_rate) / (double)n;
	if (n == 0)
		out->occupancy = 0.0;
	struct answer_density d = {.logc = n ? logpin + log(c) : -INFINITY,
	                           .rate = c + theta,
	                           .y = lambda / theta,
	                           .theta = theta};
	out->service_level = 1.0 - out->p_wait;
	if (threshold > 0.0 && n > 0)
		out->service_level += answered_within(&d, threshold);
	if (out->service_level > 1.0)
		out->service_level = 1.0;
	return 0;
}

int wfm_erlang_figures(unsigned agents, double lambda, double aht,
                       double threshold, double patience,
                       struct wfm_erlang *out)
{
	if (!out || !finite_nonneg(lambda) || !isfinite(aht) || aht <= 0.0 ||
	    !finite_nonneg(threshold) || isnan(patience) || patience < 0.0)
		return EINVAL;
	if (lambda == 0.0) {
		figures_idle(out);
		return 0;
	}
	if (patience == 0.0 || isinf(patience))
		return erlang_c(agents, lambda, aht, threshold, out);
	return erlang_a(agents, lambda, aht, threshold, patience, out);
}

static bool meets(unsigned n, double lambda, double aht, double threshold,
                  double patience, double target_sl, double max_occupancy)
{
	struct wfm_erlang e;

	if (wfm_erlang_figures(n, lambda, aht, threshold, patience, &e))
		return false;
	if (e.service_level < target_sl)
		return false;
	return max_occupancy <= 0.0 || e.occupancy <= max_occupancy;
}

int wfm_staffing_agents(double lambda, double aht, double threshold,
                        double patience, double target_sl, double max_occupancy,
                        unsigned *agentsp)
{
	struct wfm_erlang probe;
	unsigned lo = 0, hi = 1;

	if (!agentsp || !(target_sl > 0.0 && target_sl < 1.0) ||
	    !(max_occupancy >= 0.0 && max_occupancy <= 1.0))
		return EINVAL;
	if (wfm_erlang_figures(1, lambda, aht, threshold, patience, &probe) ==
	    EINVAL)
		return EINVAL;
	if (lambda == 0.0) {
		*agentsp = 0;
		return 0;
	}
	/* SL rises and occupancy falls with agents, so the predicate is
	 * monotone: double until it holds, then bisect (lo fails, hi holds).
	 * A linear scan from the load would cost O(n^2) at 10^5 agents. */
	while (!meets(hi, lambda, aht, threshold, patience, target_sl,
	              max_occupancy)) {
		lo = hi;
		if (hi >= WFM_AGENTS_MAX)
			return ERANGE;
		hi = hi * 2 > WFM_AGENTS_MAX ? WFM_AGENTS_MAX : hi * 2;
	}
	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (meets(mid, lambda, aht, threshold, patience, target_sl,
		          max_occupancy))
			hi = mid;
		else
			lo = mid;
	}
	*agentsp = hi;
	return 0;
}

int wfm_staffing_scheduled(unsigned agents, double shrinkage,
                           unsigned *scheduledp)
{
	double x;

	if (!scheduledp || !(shrinkage >= 0.0 && shrinkage < 1.0))
		return EINVAL;
	x = (double)agents / (1.0 - shrinkage);
	/* 14 / 0.7 is 20.000000000000004 in binary: not 21 agents. */
	x = ceil(x * (1.0 - 1e-12));
	if (x > (double)UINT_MAX)
		return ERANGE;
	*scheduledp = (unsigned)x;
	return 0;
}
