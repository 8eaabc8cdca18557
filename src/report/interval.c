/*
 * interval.c - interval reports: one pass over the journal of a range.
 *
 * Queue figures follow each queue entry ("visit") from its
 * contact-queued row to its outcome, however late, and credit everything
 * to the interval it entered in, so an interval's service level, ASA and
 * handle times describe the same contacts. Agent figures are time in
 * state, cut at interval boundaries. Rejected: counting each event in
 * the interval it happened in (Asterisk's queue_log style), where an
 * interval can answer more contacts than it was offered and a service
 * level above 100 % is possible.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report_int.h"

#define STOP 0x7ffe /* a walk's "enough": not an errno */

enum phase { WAITING = 0, TALKING, WRAPUP, DONE };

/* One queue entry counted in the report. */
struct visit {
	struct report_queue_row *row;
	uint64_t run;
	enum phase phase;
	bool resolved; /* answered, abandoned or given a fallback */
	acd_time_t talk_from, held_from, wrap_from; /* engine clock */
	acd_time_t hold;
};

/* An agent's current state in one run. */
struct track {
	uint64_t run;
	char *tenant, *agent, *reason;
	enum acd_agent_state state;
	acd_time_t since_t; /* engine clock */
	int64_t since_w;    /* wall clock */
	bool counted;       /* passes the tenant filter */
};

struct pass {
	const struct report_params *p;
	int64_t len; /* the interval, ms */
	int64_t now;
	struct rmap visits, qrows, arows, tracks;
	size_t open; /* visits not DONE */
	uint64_t run;
	uint64_t rows_read;
	int err;
};

static int64_t floor_to(int64_t t, int64_t len)
{
	int64_t q = t / len;

	return (q - (t % len < 0)) * len;
}

static bool eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool tenant_ok(const struct pass *x, const char *tenant)
{
	return !x->p->tenant || eq(x->p->tenant, tenant);
}

/* "a\x1fb\x1f" + start: the key of a row; its length. */
static size_t row_key(char *k, size_t size, const char *a, const char *b,
                      int64_t start)
{
	int n = snprintf(k, size, "%s\x1f%s\x1f", a ? a : "", b ? b : "");

	if (n < 0 || (size_t)n + sizeof(start) > size)
		return 0;
	memcpy(k + n, &start, sizeof(start));
	return (size_t)n + sizeof(start);
}

static struct report_queue_row *qrow(struct pass *x, const char *tenant,
                                     const char *queue, int64_t start)
{
	char k[600];
	size_t n = row_key(k, sizeof(k), tenant, queue, start);
	struct report_queue_row *r = n ? rmap_get(&x->qrows, k, n) : NULL;

	if (r || !n)
		return r;
	r = calloc(1, sizeof(*r));
	if (r) {
		r->tenant = report_strdup(tenant);
		r->queue = report_strdup(queue);
		r->start_ms = start;
	}
	if (!r || !r->tenant || !r->queue || rmap_put(&x->qrows, k, n, r)) {
		if (r) {
			free(r->tenant);
			free(r->queue);
		}
		free(r);
		x->err = ENOMEM;
		return NULL;
	}
	return r;
}

static struct report_agent_row *arow(struct pass *x, const char *tenant,
                                     const char *agent, int64_t start)
{
	char k[600];
	size_t n = row_key(k, sizeof(k), tenant, agent, start);
	struct report_agent_row *r = n ? rmap_get(&x->arows, k, n) : NULL;

	if (r || !n)
		return r;
	r = calloc(1, sizeof(*r));
	if (r) {
		r->tenant = report_strdup(tenant);
		r->agent = report_strdup(agent);
		r->start_ms = start;
	}
	if (!r || !r->tenant || !r->agent || rmap_put(&x->arows, k, n, r)) {
		if (r) {
			free(r->tenant);
			free(r->agent);
		}
		free(r);
		x->err = ENOMEM;
		return NULL;
	}
	return r;
}

/* ---- agents: time in state ------------------------------------------ */

static void reason_add(struct pass *x, struct report_agent_row *r,
                       const char *reason, int64_t ms)
{
	struct report_reason *v;
	const char *name = reason && *reason ? reason : "none";

	for (size_t i = 0; i < r->nreasons; i++) {
		if (!strcmp(r->reasons[i].reason, name)) {
			r->reasons[i].ms += ms;
			return;
		}
	}
	v = realloc(r->reasons, (r->nreasons + 1) * sizeof(*v));
	if (!v || !(v[r->nreasons].reason = report_strdup(name))) {
		if (v)
			r->reasons = v;
		x->err = ENOMEM;
		return;
	}
	v[r->nreasons++].ms = ms;
	r->reasons = v;
}

/*
 * Credit a's current state from its start to t_end (engine clock) to the
 * intervals it covers within [from, to). The engine's duration is placed
 * on the wall clock from the wall time of the state's first row.
 */
static void credit(struct pass *x, struct track *a, acd_time_t t_end)
{
	int64_t ws = a->since_w, we = ws + (t_end - a->since_t);
	int64_t lo = ws > x->p->from_ms ? ws : x->p->from_ms;
	int64_t hi = we < x->p->to_ms ? we : x->p->to_ms;

	if (!a->counted || a->state == ACD_AGENT_OFFLINE || lo >= hi)
		return;
	for (int64_t b = floor_to(lo, x->len); b < hi; b += x->len) {
		int64_t s = lo > b ? lo : b;
		int64_t e = hi < b + x->len ? hi : b + x->len;
		struct report_agent_row *r = arow(x, a->tenant, a->agent, b);

		if (!r)
			return;
		r->state_ms[a->state] += e - s;
		if (a->state == ACD_AGENT_NOT_READY)
			reason_add(x, r, a->reason, e - s);
	}
}

/* Close a's state at wall time w (its run ended, or the report did). */
static void credit_until_wall(struct pass *x, struct track *a, int64_t w)
{
	if (w > a->since_w)
		credit(x, a, a->since_t + (w - a->since_w));
	a->since_t += w > a->since_w ? w - a->since_w : 0;
	a->since_w = w > a->since_w ? w : a->since_w;
}

static size_t track_key(char *k, size_t size, uint64_t run, const char *tenant,
                        const char *agent)
{
	int n;

	if (size < sizeof(run))
		return 0;
	memcpy(k, &run, sizeof(run));
	n = snprintf(k + sizeof(run), size - sizeof(run), "%s%c%s",
	             tenant ? tenant : "", 0, agent ? agent : "");
	return n < 0 || (size_t)n >= size - sizeof(run)
	           ? 0
	           : sizeof(run) + (size_t)n;
}

static void track_free(void *value, void *arg)
{
	struct track *a = value;

	(void)arg;
	free(a->tenant);
	free(a->agent);
	free(a->reason);
	free(a);
}

/* The agent's new state from row e; a track is made on first sight. */
static void agent_state(struct pass *x, const struct store_journal_entry *e)
{
	char k[600];
	size_t n = track_key(k, sizeof(k), e->run, e->tenant, e->agent);
	struct track *a = n ? rmap_get(&x->tracks, k, n) : NULL;
	int st = -1;

	for (int i = 0; i < ACD_AGENT_STATE_COUNT; i++)
		if (e->agent_state &&
		    !strcmp(e->agent_state, acd_agent_state_name(i)))
			st = i;
	if (!n || st < 0)
		return; /* a row this binary cannot read: skipped */
	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a || !(a->tenant = report_strdup(e->tenant)) ||
		    !(a->agent = report_strdup(e->agent)) ||
		    rmap_put(&x->tracks, k, n, a)) {
			if (a)
				track_free(a, NULL);
			x->err = ENOMEM;
			return;
		}
		a->run = e->run;
		a->counted = tenant_ok(x, e->tenant);
	} else {
		credit(x, a, e->time);
	}
	free(a->reason);
	a->reason = e->reason ? report_strdup(e->reason) : NULL;
	a->state = (enum acd_agent_state)st;
	a->since_t = e->time;
	a->since_w = e->wall_ms;
}

/* Contact rows that count for the agent: offers and their outcomes. */
static void agent_count(struct pass *x, const struct store_journal_entry *e)
{
	struct report_agent_row *r;
	const char *t = e->type;

	if (!e->agent || e->wall_ms < x->p->from_ms ||
	    e->wall_ms >= x->p->to_ms || !tenant_ok(x, e->tenant))
		return;
	if (strcmp(t, "contact-offered") && strcmp(t, "offer-accepted") &&
	    strcmp(t, "offer-timeout") && strcmp(t, "offer-rejected") &&
	    strcmp(t, "contact-completed") && strcmp(t, "contact-transferred"))
		return;
	r = arow(x, e->tenant, e->agent, floor_to(e->wall_ms, x->len));
	if (!r)
		return;
	if (!strcmp(t, "contact-offered"))
		r->offers++;
	else if (!strcmp(t, "offer-accepted"))
		r->answered++;
	else if (!strcmp(t, "offer-timeout") || !strcmp(t, "offer-rejected"))
		r->missed++;
	else
		r->handled++;
}

struct run_end {
	struct pass *x;
	uint64_t run; /* tracks and visits of runs before this one end */
	int64_t wall;
};

static void track_end(void *value, void *arg)
{
	struct run_end *re = arg;
	struct track *a = value;

	if (a->run < re->run)
		credit_until_wall(re->x, a, re->wall);
	if (a->run < re->run)
		a->state = ACD_AGENT_OFFLINE;
}

/* ---- queues: visits --------------------------------------------------- */

static void visit_done(struct pass *x, struct visit *v)
{
	if (v->phase == DONE)
		return;
	if (!v->resolved)
		v->row->unresolved++;
	v->phase = DONE;
	x->open--;
}

static void visit_end(void *value, void *arg)
{
	struct run_end *re = arg;
	struct visit *v = value;

	if (v->run < re->run)
		visit_done(re->x, v);
}

/* A new run (or the end of the pass): every older run is over. */
static void runs_end(struct pass *x, uint64_t run, int64_t wall)
{
	struct run_end re = {.x = x, .run = run, .wall = wall};

	rmap_each(&x->tracks, track_end, &re);
	rmap_each(&x->visits, visit_end, &re);
}

/* A new queue entry of contact key; one before it (a transfer's) is over
 * and its struct is freed when the new one takes its place in the map. */
static void visit_start(struct pass *x, const struct store_journal_entry *e,
                        const uint64_t key[2])
{
	struct visit *v, *old = rmap_get(&x->visits, key, 2 * sizeof(*key));
	struct report_queue_row *r;

	if (e->wall_ms < x->p->from_ms || e->wall_ms >= x->p->to_ms ||
	    !tenant_ok(x, e->tenant) ||
	    (x->p->queue && !eq(x->p->queue, e->queue)))
		return;
	r = qrow(x, e->tenant, e->queue, floor_to(e->wall_ms, x->len));
	v = r ? calloc(1, sizeof(*v)) : NULL;
	if (!v || rmap_put(&x->visits, key, 2 * sizeof(*key), v)) {
		free(v);
		x->err = ENOMEM;
		return;
	}
	if (old) {
		visit_done(x, old);
		free(old);
	}
	v->row = r;
	v->run = e->run;
	v->held_from = -1;
	r->offered++;
	x->open++;
}

static void wait_seen(struct report_queue_row *r, acd_time_t wait)
{
	if (wait > r->longest_wait_ms)
		r->longest_wait_ms = wait;
}

/* The conversation is over at t: talk is its time less its holds. */
static void talk_end(struct visit *v, acd_time_t t)
{
	if (v->held_from >= 0)
		v->hold += t - v->held_from;
	v->held_from = -1;
	v->row->talk_ms += t - v->talk_from - v->hold;
	v->row->hold_ms += v->hold;
}

static void answered(struct pass *x, struct visit *v,
                     const struct store_journal_entry *e)
{
	struct report_queue_row *r = v->row;

	v->resolved = true;
	v->phase = TALKING;
	v->talk_from = e->time;
	r->answered++;
	r->answered_in_sl += e->wait <= x->p->sl_threshold_ms;
	r->wait_answered_ms += e->wait;
	wait_seen(r, e->wait);
}

static void abandoned(struct pass *x, struct visit *v,
                      const struct store_journal_entry *e)
{
	struct report_queue_row *r = v->row;

	v->resolved = true;
	r->abandoned++;
	r->abandoned_short += e->wait < x->p->short_abandon_ms;
	r->wait_abandoned_ms += e->wait;
	wait_seen(r, e->wait);
	visit_done(x, v);
}

/* A callback closed without reaching its customer (the voice channel's
 * reasons: docs/voice.md). */
static bool callback_failure(const char *reason)
{
	return reason && (!strncmp(reason, "callback-", 9) ||
	                  !strcmp(reason, "dial-refused"));
}

/* Handling ends: completed (after wrap-up or without) or transferred. */
static void handled(struct pass *x, struct visit *v,
                    const struct store_journal_entry *e, bool transfer)
{
	if (v->phase == TALKING)
		talk_end(v, e->time);
	else if (v->phase == WRAPUP)
		v->row->wrapup_ms += e->time - v->wrap_from;
	v->row->handled++;
	v->row->transferred += transfer;
	v->row->callback_failed += !transfer && callback_failure(e->reason);
	visit_done(x, v);
}

static void visit_event(struct pass *x, struct visit *v,
                        const struct store_journal_entry *e)
{
	const char *t = e->type;
	bool waiting = v->phase == WAITING, talking = v->phase == TALKING;

	if (!strcmp(t, "contact-offered") && waiting)
		v->row->offers++;
	else if ((!strcmp(t, "offer-timeout") ||
	          !strcmp(t, "offer-rejected")) &&
	         waiting)
		v->row->offers_missed++;
	else if (!strcmp(t, "offer-accepted") && waiting)
		answered(x, v, e);
	else if (!strcmp(t, "contact-connected") && talking && !v->hold &&
	         v->held_from < 0)
		v->talk_from = e->time; /* talk counts from the bridge */
	else if (!strcmp(t, "contact-held") && talking && v->held_from < 0)
		v->held_from = e->time;
	else if (!strcmp(t, "contact-resumed") && talking &&
	         v->held_from >= 0) {
		v->hold += e->time - v->held_from;
		v->held_from = -1;
	} else if (!strcmp(t, "contact-wrapup") && talking) {
		talk_end(v, e->time);
		v->phase = WRAPUP;
		v->wrap_from = e->time;
	} else if (!strcmp(t, "contact-completed") && !waiting)
		handled(x, v, e, false);
	else if (!strcmp(t, "callback-scheduled") && talking) {
		/* the daemon dialled the customer in vain: back in line, a
		 * new entry follows (contact-queued) */
		v->row->callback_retries++;
		visit_done(x, v);
	} else if (!strcmp(t, "contact-transferred") && talking)
		handled(x, v, e, true);
	else if (!strcmp(t, "contact-abandoned") && waiting)
		abandoned(x, v, e);
	else if (!strcmp(t, "contact-fallback") && waiting &&
	         e->fallback_action && strcmp(e->fallback_action, "callback") &&
	         strcmp(e->fallback_action, "none")) {
		v->row->fallback++;
		wait_seen(v->row, e->wait);
		v->resolved = true;
		visit_done(x, v);
	}
}

static void contact_row(struct pass *x, const struct store_journal_entry *e)
{
	const uint64_t key[2] = {e->run, e->contact};
	struct visit *v;

	if (!strcmp(e->type, "contact-queued")) {
		visit_start(x, e, key);
		return;
	}
	v = rmap_get(&x->visits, key, sizeof(key));
	if (v && v->phase != DONE)
		visit_event(x, v, e);
}

/* ---- the pass ---------------------------------------------------------- */

static int on_row(const struct store_journal_entry *e, void *arg)
{
	struct pass *x = arg;

	if (e->wall_ms >= x->p->to_ms &&
	    (!x->open || e->wall_ms >= x->p->to_ms + REPORT_LOOKAHEAD_MS))
		return STOP;
	x->rows_read++;
	if (x->run && e->run != x->run)
		runs_end(x, e->run, e->wall_ms);
	x->run = e->run;
	if (!strcmp(e->type, "agent-state")) {
		agent_state(x, e);
	} else if (e->contact) {
		agent_count(x, e);
		contact_row(x, e);
	}
	return x->err;
}

static int on_initial_state(const struct store_journal_entry *e, void *arg)
{
	struct pass *x = arg;

	x->run = e->run;
	agent_state(x, e);
	return x->err;
}

static int64_t real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int check_params(const struct report_params *p, char *err, size_t size)
{
	const char *msg = NULL;

	if (p->interval_min != 15 && p->interval_min != 30 &&
	    p->interval_min != 60)
		msg = "the interval must be 15, 30 or 60 minutes";
	else if (p->from_ms >= p->to_ms)
		msg = "the range is empty: from must be before to";
	else if (p->sl_threshold_ms < 0 || p->short_abandon_ms < 0)
		msg = "thresholds cannot be negative";
	if (msg && err && size)
		snprintf(err, size, "report: %s", msg);
	return msg ? EINVAL : 0;
}

/* ---- collecting the rows ------------------------------------------------ */

struct collect {
	void **v;
	size_t n;
};

static void collect_one(void *value, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = value;
}

static int by_queue(const void *a, const void *b)
{
	const struct report_queue_row *x = a, *y = b;
	int c = strcmp(x->tenant, y->tenant);

	if (!c)
		c = strcmp(x->queue, y->queue);
	return c ? c
	         : (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

static int by_agent(const void *a, const void *b)
{
	const struct report_agent_row *x = a, *y = b;
	int c = strcmp(x->tenant, y->tenant);

	if (!c)
		c = strcmp(x->agent, y->agent);
	return c ? c
	         : (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

/* The rows of map m, copied into one sorted array of n rows of size sz;
 * the map's row structs are freed (their strings move). */
static int collect(struct rmap *m, size_t sz,
                   int (*cmp)(const void *, const void *), void **arrayp,
                   size_t *np)
{
	struct collect c = {.v = calloc(m->n ? m->n : 1, sizeof(void *))};
	char *array = calloc(m->n ? m->n : 1, sz);

	if (!c.v || !array) {
		free(c.v);
		free(array);
		return ENOMEM;
	}
	rmap_each(m, collect_one, &c);
	for (size_t i = 0; i < c.n; i++) {
		memcpy(array + i * sz, c.v[i], sz);
		free(c.v[i]);
	}
	free(c.v);
	qsort(array, c.n, sz, cmp);
	*arrayp = array;
	*np = c.n;
	m->n = 0; /* the values are gone */
	return 0;
}

static void free_value(void *value, void *arg)
{
	(void)arg;
	free(value);
}

static void qrow_free(void *value, void *arg)
{
	struct report_queue_row *r = value;

	(void)arg;
	free(r->tenant);
	free(r->queue);
	free(r);
}

static void arow_free(void *value, void *arg)
{
	struct report_agent_row *r = value;

	(void)arg;
	for (size_t i = 0; i < r->nreasons; i++)
		free(r->reasons[i].reason);
	free(r->reasons);
	free(r->tenant);
	free(r->agent);
	free(r);
}

static void pass_free(struct pass *x)
{
	rmap_each(&x->visits, free_value, NULL);
	rmap_each(&x->tracks, track_free, NULL);
	if (x->qrows.n)
		rmap_each(&x->qrows, qrow_free, NULL);
	if (x->arows.n)
		rmap_each(&x->arows, arow_free, NULL);
	rmap_free(&x->visits);
	rmap_free(&x->tracks);
	rmap_free(&x->qrows);
	rmap_free(&x->arows);
}

static void track_close(void *value, void *arg)
{
	struct pass *x = arg;
	struct track *a = value;
	int64_t end = x->p->to_ms < x->now ? x->p->to_ms : x->now;

	credit_until_wall(x, a, end);
}

static void visit_close(void *value, void *arg)
{
	visit_done(arg, value);
}

/* The walk: agents at from, then every row from there on. */
static int walk(struct store *s, struct pass *x)
{
	int err =
	    store_journal_agents_at(s, x->p->from_ms, on_initial_state, x);

	if (!err)
		err = store_journal_since(s, x->p->from_ms, on_row, x);
	if (err == STOP)
		err = 0;
	if (!err && !x->err) {
		rmap_each(&x->tracks, track_close, x);
		rmap_each(&x->visits, visit_close, x);
	}
	return err ? err : x->err;
}

static int disposition_h(const char *tenant, const char *queue,
                         int64_t start_ms, const char *code, uint64_t n,
                         void *arg)
{
	struct report *r = arg;
	struct report_disposition *v, *d;

	v = realloc(r->dispositions,
	            (r->ndispositions + 1) * sizeof(*r->dispositions));
	if (!v)
		return ENOMEM;
	r->dispositions = v;
	d = &v[r->ndispositions];
	*d = (struct report_disposition){
	    .tenant = strdup(tenant ? tenant : ""),
	    .queue = strdup(queue ? queue : ""),
	    .code = strdup(code ? code : ""),
	    .start_ms = start_ms,
	    .contacts = n,
	};
	r->ndispositions++;
	return d->tenant && d->queue && d->code ? 0 : ENOMEM;
}

int report_compute(struct store *s, const struct report_params *p,
                   struct report **rp, char *err, size_t size)
{
	struct pass x = {.p = p};
	struct report *r;
	int e = check_params(p, err, size);

	if (e)
		return e;
	x.len = (int64_t)p->interval_min * 60000;
	x.now = p->now_ms ? p->now_ms : real_now();
	r = calloc(1, sizeof(*r));
	e = r ? walk(s, &x) : ENOMEM;
	if (e && e != ENOMEM && err && size)
		snprintf(err, size, "report: %s", store_errmsg(s));
	if (!e)
		e = collect(&x.qrows, sizeof(struct report_queue_row), by_queue,
		            (void **)&r->queues, &r->nqueues);
	if (!e)
		e = collect(&x.arows, sizeof(struct report_agent_row), by_agent,
		            (void **)&r->agents, &r->nagents);
	if (!e && !p->agents) {
		e = store_dispositions(s, p->from_ms, p->to_ms, x.len,
		                       p->tenant, p->queue, disposition_h, r);
		if (e && e != ENOMEM && err && size)
			snprintf(err, size, "report: %s", store_errmsg(s));
	}
	if (e == ENOMEM && err && size)
		snprintf(err, size, "report: out of memory");
	if (r) {
		r->p = *p;
		r->p.tenant = r->p.queue = NULL; /* not owned */
		r->rows_read = x.rows_read;
	}
	pass_free(&x);
	if (e) {
		report_free(r);
		return e;
	}
	*rp = r;
	return 0;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndispositions; i++) {
		free(r->dispositions[i].tenant);
		free(r->dispositions[i].queue);
		free(r->dispositions[i].code);
	}
	free(r->dispositions);
	for (size_t i = 0; i < r->nqueues; i++) {
		free(r->queues[i].tenant);
		free(r->queues[i].queue);
	}
	for (size_t i = 0; i < r->nagents; i++) {
		for (size_t j = 0; j < r->agents[i].nreasons; j++)
			free(r->agents[i].reasons[j].reason);
		free(r->agents[i].reasons);
		free(r->agents[i].tenant);
		free(r->agents[i].agent);
	}
	free(r->queues);
	free(r->agents);
	free(r);
}
