/*
 * sim.c - the routing engine in simulated time (see sim.h).
 *
 * One event heap holds the simulator's own events: the next arrival of
 * each stream, each waiting customer's patience and each conversation's
 * end. The engine keeps its timers itself; the loop advances the clock to
 * whichever comes first, the simulator's next event or
 * acd_next_deadline(), and runs it. Agents answer every offer at once, so
 * the engine's ring timers start and stop at the same instant.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

/* ---- random numbers: xoshiro256**, seeded by splitmix64 ------------ */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(uint64_t s[4])
{
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double sim_exp(struct sim *sim, double mean)
{
	double u = (double)(rng_next(sim->rng) >> 11) * 0x1.0p-53; /* [0,1) */

	return -mean * log(1 - u);
}

acd_time_t sim_ms(double seconds)
{
	return (acd_time_t)llround(seconds * 1000);
}

/* ---- events ---------------------------------------------------------- */

void sim_schedule(struct sim *sim, struct sim_event *e, acd_time_t t)
{
	heap_remove(&sim->events, &e->hn);
	e->hn.key[0] = t;
	e->hn.key[1] = (int64_t)++sim->seq;
	e->hn.key[2] = e->hn.key[3] = 0;
	if (heap_push(&sim->events, &e->hn) && !sim->err)
		sim->err = ENOMEM;
}

static struct sim_contact *contact_new(struct sim *sim)
{
	struct sim_contact *c = sim->free_list;

	if (!c) {
		struct sim_slab *s = malloc(sizeof(*s));
		size_t n = sizeof(s->v) / sizeof(s->v[0]);

		if (!s)
			return NULL;
		s->next = sim->slabs;
		sim->slabs = s;
		for (size_t i = 0; i < n; i++)
			s->v[i].next_free = i + 1 < n ? &s->v[i + 1] : NULL;
		c = &s->v[0];
	}
	sim->free_list = c->next_free;
	memset(c, 0, sizeof(*c));
	c->ev.hn.pos = HEAP_ABSENT;
	return c;
}

static void contact_release(struct sim *sim, struct sim_contact *c)
{
	heap_remove(&sim->events, &c->ev.hn);
	c->next_free = sim->free_list;
	sim->free_list = c;
}

/* ---- the engine's side ----------------------------------------------- */

static acd_time_t sim_clock(void *arg)
{
	return ((const struct sim *)arg)->now;
}

static bool agent_busy(enum acd_agent_state s)
{
	return s == ACD_AGENT_RESERVED || s == ACD_AGENT_BUSY ||
	       s == ACD_AGENT_WRAPUP;
}

static void agent_state_changed(struct sim *sim, const struct acd_event *ev)
{
	sim_occupancy_advance(sim);
	sim->busy += agent_busy(ev->agent_state);
	sim->busy -= agent_busy(ev->agent_prev);
	sim->logged += ev->agent_state != ACD_AGENT_OFFLINE;
	sim->logged -= ev->agent_prev != ACD_AGENT_OFFLINE;
}

static void answered(struct sim *sim, const struct acd_event *ev)
{
	struct sim_contact *c = ev->user;
	const struct sim_stream *s = &sim->p->streams[c->stream];

	c->id = ev->contact;
	sim_count_answered(sim, c, ev->wait);
	c->ev.kind = SIM_END; /* replaces its patience */
	sim_schedule(sim, &c->ev, sim->now + sim_ms(sim_exp(sim, s->aht)));
}

static void fallback(struct sim *sim, const struct acd_event *ev)
{
	struct sim_contact *c = ev->user;

	if (ev->fallback && ev->fallback->action == ACD_ACTION_CALLBACK)
		return; /* it keeps its place: CALLBACK_SCHEDULED follows */
	sim_count_left(sim, c, ev->wait, false);
	contact_release(sim, c);
}

static void engine_event(const struct acd_event *ev, void *arg)
{
	struct sim *sim = arg;
	struct sim_contact *c = ev->user;

	if (ev->type == ACD_EV_AGENT_STATE) {
		agent_state_changed(sim, ev);
		return;
	}
	if (!sim->p) /* set-up, before the run: no contacts yet */
		return;
	/* ev->user is dereferenced only while the contact is ours: after
	 * its last event (completed, abandoned, ended by a fallback) the
	 * record is reused, and later events (withdrawn offers) ignore it. */
	switch (ev->type) {
	case ACD_EV_CONTACT_OFFERED:
		acd_offer_accept(sim->acd, ev->contact, ev->agent);
		break;
	case ACD_EV_OFFER_ACCEPTED:
		answered(sim, ev);
		break;
	case ACD_EV_CONTACT_COMPLETED:
		contact_release(sim, c);
		break;
	case ACD_EV_CONTACT_ABANDONED:
		sim_count_left(sim, c, ev->wait, true);
		contact_release(sim, c);
		break;
	case ACD_EV_CONTACT_FALLBACK:
		fallback(sim, ev);
		break;
	case ACD_EV_CALLBACK_SCHEDULED: /* a callback does not hang up */
		heap_remove(&sim->events, &c->ev.hn);
		break;
	default:
		break;
	}
}

/* ---- arrivals ---------------------------------------------------------- */

/* First rate change strictly after t, or INFINITY. */
static double change_after(const struct sim_stream *s, double t)
{
	for (unsigned i = 0; i < s->nchanges; i++) {
		if (s->changes[i].at > t)
			return s->changes[i].at;
	}
	return INFINITY;
}

double sim_stream_factor(const struct sim_stream *s, double t)
{
	double f = 1;

	for (unsigned i = 0; i < s->nchanges && s->changes[i].at <= t; i++)
		f = s->changes[i].factor;
	return f;
}

/*
 * Next arrival of a Poisson stream with a piecewise-constant rate: spend
 * one exponential unit of "intensity" across the pieces (exact, unlike
 * drawing with the rate at t and ignoring a change before the arrival).
 */
static double next_arrival(struct sim *sim, const struct sim_stream *s,
                           double t)
{
	double e = sim_exp(sim, 1);

	for (;;) {
		double r = s->rate * sim_stream_factor(s, t);
		double end = change_after(s, t);

		if (r > 0 && e / r <= end - t)
			return t + e / r;
		if (isinf(end))
			return INFINITY;
		e -= r * (end - t);
		t = end;
	}
}

static void source_advance(struct sim *sim, struct sim_source *src)
{
	const struct sim_params *p = sim->p;

	src->next = next_arrival(sim, src->s, src->next);
	if (isinf(src->next) || (p->duration > 0 && src->next > p->duration)) {
		src->next = INFINITY;
		sim->active_sources--;
		return;
	}
	src->ev.kind = SIM_ARRIVAL;
	sim_schedule(sim, &src->ev, sim_ms(src->next));
}

/* No more arrivals: the measured window closes now. */
static void arrivals_stop(struct sim *sim)
{
	for (size_t i = 0; i < sim->p->nstreams; i++) {
		heap_remove(&sim->events, &sim->sources[i].ev.hn);
		sim->sources[i].next = INFINITY;
	}
	heap_remove(&sim->events, &sim->stop.hn);
	sim->active_sources = 0;
	sim_occupancy_advance(sim);
	if (sim->measuring)
		sim->measure_to = sim->now;
	sim->measuring = false;
	sim->measure_done = true;
}

static void contact_params(const struct sim_stream *s,
                           struct acd_contact_params *cp, void *user)
{
	memset(cp, 0, sizeof(*cp));
	cp->channel = s->channel;
	cp->queue = s->queue;
	cp->priority = s->priority;
	memcpy(cp->reqs, s->reqs, sizeof(cp->reqs));
	cp->nreqs = s->nreqs;
	cp->user = user;
}

static void contact_arrive(struct sim *sim, struct sim_source *src)
{
	const struct sim_stream *s = src->s;
	struct sim_contact *c = contact_new(sim);
	struct acd_contact_params cp;
	uint64_t id;
	int err;

	if (!c) {
		sim->err = ENOMEM;
		return;
	}
	c->queue = s->queue;
	c->stream = src->index;
	c->measured = ++sim->arrivals > sim->p->warmup;
	if (c->measured && !sim->measuring && !sim->measure_done) {
		sim_occupancy_advance(sim);
		sim->measuring = true;
		sim->measure_from = sim->now;
	}
	if (c->measured)
		sim->acc[c->queue].offered++;
	contact_params(s, &cp, c);
	err = acd_contact_add(sim->acd, &cp, &id);
	if (err) {
		contact_release(sim, c);
		sim->err = err;
		return;
	}
	/* Gone already (a fallback at the door): released by its event. */
	if (acd_contact_state(sim->acd, id) != ACD_CONTACT_WAITING)
		return;
	c->id = id;
	sim_ewt_record(sim, c);
	if (s->patience > 0) {
		c->ev.kind = SIM_ABANDON;
		sim_schedule(sim, &c->ev,
		             sim->now + sim_ms(sim_exp(sim, s->patience)));
	}
}

static void arrival_fire(struct sim *sim, struct sim_source *src)
{
	const struct sim_params *p = sim->p;

	contact_arrive(sim, src);
	if (p->progress_h && (sim->arrivals & 0xffff) == 0)
		p->progress_h(sim->arrivals, (double)sim->now / 1000, p->arg);
	if (p->contacts && sim->arrivals >= p->contacts) {
		arrivals_stop(sim);
		return;
	}
	source_advance(sim, src);
	if (sim->active_sources == 0)
		arrivals_stop(sim);
}

/* ---- the loop ---------------------------------------------------------- */

static void event_fire(struct sim *sim, struct sim_event *e)
{
	struct sim_contact *c = (struct sim_contact *)e;
	enum acd_contact_state st;

	switch (e->kind) {
	case SIM_ARRIVAL:
		arrival_fire(sim, (struct sim_source *)e);
		break;
	case SIM_ABANDON:
		st = acd_contact_state(sim->acd, c->id);
		if (st == ACD_CONTACT_WAITING || st == ACD_CONTACT_OFFERED)
			acd_contact_abandon(sim->acd, c->id);
		break;
	case SIM_END:
		acd_contact_end(sim->acd, c->id);
		break;
	case SIM_STOP:
		arrivals_stop(sim);
		break;
	}
}

static void loop(struct sim *sim)
{
	while (!sim->err) {
		struct heap_node *top = heap_top(&sim->events);
		acd_time_t deadline = acd_next_deadline(sim->acd);

		if (!top && deadline < 0)
			break;
		if (deadline >= 0 && (!top || deadline <= top->key[0])) {
			if (deadline > sim->now)
				sim->now = deadline;
			acd_timers_run(sim->acd);
			continue;
		}
		heap_remove(&sim->events, top);
		if (top->key[0] > sim->now)
			sim->now = top->key[0];
		event_fire(sim, (struct sim_event *)top);
	}
}

static bool stream_valid(const struct sim_stream *s, size_t nqueues)
{
	double prev = -INFINITY;

	if (s->queue >= nqueues || !isfinite(s->rate) || s->rate < 0 ||
	    !isfinite(s->aht) || s->aht <= 0 || !isfinite(s->patience) ||
	    s->patience < 0 || s->nchanges > SIM_MAX_CHANGES ||
	    s->nreqs > ACD_MAX_REQS)
		return false;
	for (unsigned i = 0; i < s->nchanges; i++) {
		const struct sim_rate_change *ch = &s->changes[i];

		if (!isfinite(ch->at) || ch->at < prev || ch->at < 0 ||
		    !isfinite(ch->factor) || ch->factor < 0)
			return false;
		prev = ch->at;
	}
	return true;
}

static bool params_valid(const struct sim_params *p, size_t nqueues)
{
	if (!p->streams || !p->nstreams || !isfinite(p->duration) ||
	    p->duration < 0 || (!p->contacts && p->duration <= 0) ||
	    !isfinite(p->threshold) || p->threshold < 0)
		return false;
	for (size_t i = 0; i < p->nstreams; i++) {
		if (!stream_valid(&p->streams[i], nqueues))
			return false;
	}
	return true;
}

/* Allocate the run's state and schedule every stream's first arrival. */
static int run_start(struct sim *sim, const struct sim_params *p)
{
	struct acd_totals t;

	acd_totals(sim->acd, &t);
	if (!params_valid(p, t.queues))
		return EINVAL;
	sim->sources = calloc(p->nstreams, sizeof(*sim->sources));
	sim->acc = calloc(t.queues, sizeof(*sim->acc));
	if (!sim->sources || !sim->acc)
		return ENOMEM;
	sim->nacc = t.queues;
	sim->p = p;
	sim->last_t = sim->now;
	for (size_t i = 0; i < p->nstreams; i++) {
		struct sim_source *src = &sim->sources[i];

		src->s = &p->streams[i];
		src->index = (unsigned)i;
		src->ev.hn.pos = HEAP_ABSENT;
		src->next = (double)sim->now / 1000;
		sim->active_sources++;
		source_advance(sim, src);
	}
	if (p->duration > 0) {
		sim->stop.kind = SIM_STOP;
		sim_schedule(sim, &sim->stop, sim->now + sim_ms(p->duration));
	}
	if (sim->active_sources == 0)
		arrivals_stop(sim);
	return sim->err;
}

int sim_run(struct sim *sim, const struct sim_params *p, struct sim_result *r)
{
	int err;

	if (!sim || !p || !r)
		return EINVAL;
	if (sim->ran)
		return EALREADY;
	sim->ran = true;
	memset(r, 0, sizeof(*r));
	err = run_start(sim, p);
	if (err)
		goto out;
	loop(sim);
	err = sim->err;
	if (!err)
		err = sim_figures_fill(sim, r);
out:
	/* Nothing of the run may point into p once it returns. */
	while (heap_top(&sim->events))
		heap_remove(&sim->events, heap_top(&sim->events));
	sim->p = NULL;
	return err;
}

void sim_result_reset(struct sim_result *r)
{
	if (!r)
		return;
	free(r->queues);
	r->queues = NULL;
	r->nqueues = 0;
}

int sim_alloc(struct sim **simp, uint64_t seed)
{
	struct sim *sim;
	uint64_t x = seed;
	int err;

	if (!simp)
		return EINVAL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return ENOMEM;
	for (int i = 0; i < 4; i++)
		sim->rng[i] = splitmix64(&x);
	heap_init(&sim->events);
	sim->stop.hn.pos = HEAP_ABSENT;
	err =
	    acd_alloc(&sim->acd, sim_clock, engine_event, sim, splitmix64(&x));
	if (err) {
		free(sim);
		return err;
	}
	*simp = sim;
	return 0;
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	acd_free(sim->acd);
	heap_reset(&sim->events);
	while (sim->slabs) {
		struct sim_slab *s = sim->slabs;

		sim->slabs = s->next;
		free(s);
	}
	free(sim->sources);
	free(sim->acc);
	free(sim);
}

struct acd *sim_acd(struct sim *sim)
{
	return sim->acd;
}

acd_time_t sim_now(const struct sim *sim)
{
	return sim->now;
}

static int agents_add(struct acd *acd, uint32_t tenant, uint32_t queue,
                      unsigned agents)
{
	for (unsigned i = 0; i < agents; i++) {
		struct acd_agent_params ap = {.tenant = tenant};
		char name[32];
		uint32_t id;
		int err;

		snprintf(name, sizeof(name), "agent%u", i + 1);
		ap.name = name;
		err = acd_agent_add(acd, &ap, &id);
		if (!err)
			err = acd_member_add(acd, id, queue, 0);
		if (!err)
			err = acd_agent_presence(acd, id, ACD_PRESENCE_READY,
			                         NULL);
		if (err)
			return err;
	}
	return 0;
}

int sim_setup_simple(struct sim *sim, unsigned agents, double threshold,
                     uint32_t *queuep)
{
	struct acd_queue_params qp = {
	    .name = "simulated",
	    .strategy = ACD_STRAT_LONGEST_IDLE,
	    .sl_threshold = sim_ms(threshold),
	};
	uint32_t tenant, queue;
	int err;

	if (!agents || !isfinite(threshold) || threshold < 0)
		return EINVAL;
	err = acd_tenant_add(sim->acd, "simulated", &tenant);
	if (err)
		return err;
	qp.tenant = tenant;
	err = acd_queue_add(sim->acd, &qp, &queue);
	if (err)
		return err;
	if (queuep)
		*queuep = queue;
	return agents_add(sim->acd, tenant, queue, agents);
}
