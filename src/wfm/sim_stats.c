/*
 * sim_stats.c - what the simulator measures: outcomes of the measured
 * arrivals, occupancy, and the accuracy of three wait estimators.
 *
 * The estimates are taken once, at arrival, for each contact that has to
 * wait, and compared with the wait it then had when it is answered. An
 * abandoned contact has no observed wait (only a lower bound), so it is
 * left out of the errors rather than guessed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

void sim_occupancy_advance(struct sim *sim)
{
	if (sim->measuring) {
		double dt = (double)(sim->now - sim->last_t);

		sim->busy_ms += sim->busy * dt;
		sim->logged_ms += sim->logged * dt;
	}
	sim->last_t = sim->now;
}

/* Members of the queue logged in, for the queue-length estimator. */
static unsigned logged_in(const struct acd_queue_stats *st)
{
	unsigned n = 0;

	for (int i = 0; i < ACD_AGENT_STATE_COUNT; i++) {
		if (i != ACD_AGENT_OFFLINE)
			n += st->agents[i];
	}
	return n;
}

void sim_ewt_record(struct sim *sim, struct sim_contact *c)
{
	struct acd_queue_stats st;
	acd_time_t ewt;
	unsigned position, agents;

	if (!c->measured)
		return;
	/* No history yet (-1): left out for all three, to compare alike. */
	if (acd_contact_ewt(sim->acd, c->id, &ewt, &position) || ewt < 0)
		return;
	if (acd_queue_stats(sim->acd, c->queue, &st) || st.aht_ms <= 0)
		return;
	agents = sim->p->agents ? sim->p->agents : logged_in(&st);
	if (!agents)
		return;
	c->est[EST_OURS] = (double)ewt;
	/* Asterisk: the smoothed hold time minus the time waited (0). */
	c->est[EST_ASTERISK] = sim->acc[c->queue].holdtime;
	/* Whitt's queue-length estimator with the engine's mu. */
	c->est[EST_QUEUE_LEN] = (position + 1) * st.aht_ms / agents;
	c->has_ewt = true;
}

void sim_count_answered(struct sim *sim, struct sim_contact *c, acd_time_t wait)
{
	struct sim_acc *a = &sim->acc[c->queue];

	/* app_queue's recalc_holdtime(): (3 * old + new) / 4, every answer */
	a->holdtime = (3 * a->holdtime + (double)wait) / 4;
	if (!c->measured)
		return;
	a->answered++;
	a->wait_answered += (double)wait;
	a->wait_all += (double)wait;
	a->at_once += wait == 0;
	a->in_sl += wait <= sim_ms(sim->p->threshold);
	if (!c->has_ewt)
		return;
	a->ewt_n++;
	for (int i = 0; i < EST_COUNT; i++) {
		double e = c->est[i] - (double)wait;

		a->abs_err[i] += fabs(e);
		a->sq_err[i] += e * e;
	}
}

void sim_count_left(struct sim *sim, struct sim_contact *c, acd_time_t wait,
                    bool abandoned)
{
	struct sim_acc *a = &sim->acc[c->queue];

	if (!c->measured)
		return;
	if (abandoned)
		a->abandoned++;
	else
		a->other++;
	a->wait_all += (double)wait;
}

static void acc_add(struct sim_acc *to, const struct sim_acc *a)
{
	to->offered += a->offered;
	to->answered += a->answered;
	to->abandoned += a->abandoned;
	to->other += a->other;
	to->at_once += a->at_once;
	to->in_sl += a->in_sl;
	to->wait_answered += a->wait_answered;
	to->wait_all += a->wait_all;
	to->ewt_n += a->ewt_n;
	for (int i = 0; i < EST_COUNT; i++) {
		to->abs_err[i] += a->abs_err[i];
		to->sq_err[i] += a->sq_err[i];
	}
}

static double share(double x, double n)
{
	return n > 0 ? x / n : 0;
}

static void figures_of(const struct sim_acc *a, struct sim_figures *f)
{
	struct sim_ewt_error *err[EST_COUNT] = {&f->ewt, &f->asterisk,
	                                        &f->queue_len};
	double n = (double)a->offered, m = (double)a->ewt_n;

	memset(f, 0, sizeof(*f));
	f->offered = a->offered;
	f->answered = a->answered;
	f->abandoned = a->abandoned;
	f->other = a->other;
	f->p_wait = share(n - (double)a->at_once, n);
	f->service_level = share((double)a->in_sl, n);
	f->asa = share(a->wait_answered, (double)a->answered) / 1000;
	f->mean_wait_all = share(a->wait_all, n) / 1000;
	f->abandon_rate = share((double)a->abandoned, n);
	f->ewt_samples = a->ewt_n;
	for (int i = 0; i < EST_COUNT; i++) {
		err[i]->mae = share(a->abs_err[i], m) / 1000;
		err[i]->rmse = sqrt(share(a->sq_err[i], m)) / 1000;
	}
}

int sim_figures_fill(const struct sim *sim, struct sim_result *r)
{
	struct sim_acc total = {0};

	r->queues = calloc(sim->nacc ? sim->nacc : 1, sizeof(*r->queues));
	if (!r->queues)
		return ENOMEM;
	r->nqueues = sim->nacc;
	for (size_t i = 0; i < sim->nacc; i++) {
		figures_of(&sim->acc[i], &r->queues[i]);
		acc_add(&total, &sim->acc[i]);
	}
	figures_of(&total, &r->total);
	r->arrivals = sim->arrivals;
	r->occupancy = share(sim->busy_ms, sim->logged_ms);
	r->sim_seconds = (double)sim->now / 1000;
	r->measured_seconds =
	    (double)(sim->measure_to - sim->measure_from) / 1000;
	return 0;
}
