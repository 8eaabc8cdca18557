/*
 * test_report_day.c - the interval reports on a scripted day whose
 * figures are computed by hand below.
 *
 * The day, 2026-11-23, wall clock UTC; the report covers [09:00, 10:00)
 * in 15-minute intervals I1 09:00, I2 09:15, I3 09:30, I4 09:45, with a
 * service-level threshold of 20 s and short abandons under 5 s.
 *
 * Tenant asl, queues health and billing, agents ann and bob; tenant
 * city, queue health (the same name), agent cy. Run 1's engine clock
 * reads wall + 2 h (it started at 07:00); the daemon crashes and run 2
 * starts at 09:50 with its clock at 500 ms: a duration that mixed runs
 * would be hours off.
 *
 * Before the range: ann ready 08:50, bob not ready "meeting" 08:55.
 *
 *   c1  asl/health 09:02:00 queued, offered to ann; accepted 09:02:10
 *       (wait 10 s, in SL); connected 09:02:12; held 09:04:12-09:04:42
 *       (30 s); wrap-up 09:06:12 (talk 240 - 30 = 210 s); completed
 *       09:06:42 (wrap-up 30 s).
 *   bob ready 09:05:00.
 *   c2  asl/health 09:07:00 queued, offered to bob; offer timeout
 *       09:07:15 (bob not ready "no-answer"); offered to ann 09:07:15;
 *       accepted and connected 09:07:40 (wait 40 s, out of SL); wrap-up
 *       09:10:00 (talk 140 s); completed 09:10:20 (wrap-up 20 s).
 *   bob ready 09:08:00.
 *   c3  asl/billing 09:08:30 queued, offered to bob; rejected 09:08:33
 *       (bob not ready "rejected"); abandoned 09:08:36 (6 s: counted).
 *   bob ready 09:09:00, not ready "lunch" 09:10:00.
 *   c4  asl/billing 09:11:00 queued; abandoned 09:11:03 (3 s: short).
 *   c5  asl/health 09:12:00 queued, offered to ann; accepted and
 *       connected 09:12:05 (wait 5 s); wrap-up 09:18:05 on the engine's
 *       clock, but its contact-wrapup row is stamped 09:18:09 (a slow
 *       flush): talk is 360 s, not 364; completed 09:19:05 (wrap-up
 *       60 s). The contact crosses 09:15: it counts in I1.
 *   cy (city) ready 09:15:00.
 *   c6  city/health 09:20:00 queued, offered to cy; accepted, connected
 *       09:20:02 (2 s); completed 09:25:02, no wrap-up (talk 300 s).
 *   c7  asl/health 09:29:50 queued, offered to ann; accepted and
 *       connected 09:30:05 (15 s): answered in I3, counted in I2; wrap-up
 *       09:33:05 (talk 180 s), completed 09:33:35 (wrap-up 30 s).
 *   ann not ready "break" 09:33:35; cy offline 09:40:00.
 *   c8  asl/billing 09:41:00 queued; fallback max-wait to voicemail
 *       09:42:00 (60 s).
 *   ann ready, bob ready 09:45:00.
 *   c9  asl/health 09:46:00 queued, offered to ann; accepted, connected
 *       09:46:04 (4 s). Never ends: run 1 crashes.
 *   c10 city/health 09:47:00 queued; nobody: waits, cut by the crash.
 *   Run 2, from 09:50:00: ann and bob ready 09:50:00.
 *   r2 c1 asl/health 09:52:00 queued (the same id as run 1's c1),
 *       offered to ann; accepted, connected 09:52:03 (3 s); wrap-up
 *       09:55:03 (talk 180 s); completed 09:55:13 (wrap-up 10 s).
 *   r2 c2 asl/health 09:58:00 queued; abandoned 09:58:04 (short).
 *   r2 c4 asl/health 09:59:00 queued, offered to ann; accepted and
 *       connected 10:00:10 (70 s), after the range: counted in I4;
 *       wrap-up 10:03:10 (talk 180 s), completed 10:03:20 (wrap-up 10 s).
 *   r2 c3 asl/health 10:01:00 queued: after the range. ann offline
 *       10:05:00.
 */
#include <math.h>

#include "report/report.h"
#include "store_fixture.h"

#define DAY9        1795424400000LL /* 2026-11-23T09:00:00Z */
#define AT(h, m, s) (DAY9 + ((((h)-9) * 60 + (m)) * 60 + (s)) * 1000LL)
#define MIN15       (15 * 60000LL)

struct day {
	struct store *s;
	int64_t now;    /* the store's wall clock */
	int64_t offset; /* engine clock = wall + offset */
};

static int64_t day_now(void *arg)
{
	return ((struct day *)arg)->now;
}

/* Append ev at engine time (wall + offset), stamped at wall stamp. */
static void put(struct day *d, int64_t wall, int64_t stamp,
                struct acd_event *ev, const char *tenant, const char *queue,
                const char *agent)
{
	ev->time = wall + d->offset;
	d->now = stamp;
	assert_int_equal(store_journal_append(d->s, ev, tenant, queue, agent),
	                 0);
}

static void ev(struct day *d, int64_t wall, enum acd_event_type type,
               uint64_t contact, const char *tenant, const char *queue,
               const char *agent, int64_t wait_s)
{
	struct acd_event e = {.type = type,
	                      .contact = contact,
	                      .channel = ACD_CH_VOICE,
	                      .wait = wait_s * 1000};

	put(d, wall, wall, &e, tenant, queue, agent);
}

static void offer(struct day *d, int64_t wall, uint64_t contact,
                  const char *tenant, const char *queue, const char *agent,
                  int64_t wait_s, unsigned candidates, int64_t idle_s)
{
	struct acd_event e = {.type = ACD_EV_CONTACT_OFFERED,
	                      .contact = contact,
	                      .channel = ACD_CH_VOICE,
	                      .wait = wait_s * 1000};

	e.decision = (struct acd_decision){
	    .strategy = ACD_STRAT_LONGEST_IDLE,
	    .candidates = candidates,
	    .waiting = 1,
	    .metric = wall + d->offset - idle_s * 1000, /* idle since */
	};
	put(d, wall, wall, &e, tenant, queue, agent);
}

static void state(struct day *d, int64_t wall, const char *tenant,
                  const char *agent, enum acd_agent_state prev,
                  enum acd_agent_state now, const char *reason)
{
	struct acd_event e = {.type = ACD_EV_AGENT_STATE,
	                      .agent_state = now,
	                      .agent_prev = prev,
	                      .reason = reason};

	put(d, wall, wall, &e, tenant, NULL, agent);
}

#define OFF  ACD_AGENT_OFFLINE
#define RDY  ACD_AGENT_READY
#define RES  ACD_AGENT_RESERVED
#define BUSY ACD_AGENT_BUSY
#define WRAP ACD_AGENT_WRAPUP
#define NR   ACD_AGENT_NOT_READY

/* A contact answered by agent: queued, offered, accepted, connected. */
static void answer(struct day *d, uint64_t c, const char *tenant,
                   const char *queue, const char *agent, int64_t queued,
                   int64_t accepted, enum acd_agent_state prev)
{
	ev(d, queued, ACD_EV_CONTACT_QUEUED, c, tenant, queue, NULL, 0);
	offer(d, queued, c, tenant, queue, agent, 0, 1, 60);
	state(d, queued, tenant, agent, prev, RES, NULL);
	ev(d, accepted, ACD_EV_OFFER_ACCEPTED, c, tenant, queue, agent,
	   (accepted - queued) / 1000);
	state(d, accepted, tenant, agent, RES, BUSY, NULL);
	ev(d, accepted, ACD_EV_CONTACT_CONNECTED, c, tenant, queue, agent,
	   (accepted - queued) / 1000);
}

/* Wrap-up at w (engine), completed at done; the agent is ready after. */
static void finish(struct day *d, uint64_t c, const char *tenant,
                   const char *queue, const char *agent, int64_t w,
                   int64_t done)
{
	ev(d, w, ACD_EV_CONTACT_WRAPUP, c, tenant, queue, agent, 0);
	state(d, w, tenant, agent, BUSY, WRAP, NULL);
	ev(d, done, ACD_EV_CONTACT_COMPLETED, c, tenant, queue, agent, 0);
	state(d, done, tenant, agent, WRAP, RDY, NULL);
}

static void run1_morning(struct day *d)
{
	struct acd_event e;

	state(d, AT(8, 50, 0), "asl", "ann", OFF, RDY, NULL);
	state(d, AT(8, 55, 0), "asl", "bob", OFF, NR, "meeting");
	/* c1: hold 30 s, talk 210 s, wrap-up 30 s */
	answer(d, 1, "asl", "health", "ann", AT(9, 2, 0), AT(9, 2, 10), RDY);
	ev(d, AT(9, 2, 12), ACD_EV_CONTACT_CONNECTED, 1, "asl", "health", "ann",
	   12);
	ev(d, AT(9, 4, 12), ACD_EV_CONTACT_HELD, 1, "asl", "health", "ann", 0);
	ev(d, AT(9, 4, 42), ACD_EV_CONTACT_RESUMED, 1, "asl", "health", "ann",
	   0);
	state(d, AT(9, 5, 0), "asl", "bob", NR, RDY, NULL);
	finish(d, 1, "asl", "health", "ann", AT(9, 6, 12), AT(9, 6, 42));
	/* c2: bob does not answer, ann does after 40 s */
	ev(d, AT(9, 7, 0), ACD_EV_CONTACT_QUEUED, 2, "asl", "health", NULL, 0);
	offer(d, AT(9, 7, 0), 2, "asl", "health", "bob", 0, 2, 120);
	state(d, AT(9, 7, 0), "asl", "bob", RDY, RES, NULL);
	ev(d, AT(9, 7, 15), ACD_EV_OFFER_TIMEOUT, 2, "asl", "health", "bob",
	   15);
	state(d, AT(9, 7, 15), "asl", "bob", RES, NR, "no-answer");
	offer(d, AT(9, 7, 15), 2, "asl", "health", "ann", 15, 1, 33);
	state(d, AT(9, 7, 15), "asl", "ann", RDY, RES, NULL);
	ev(d, AT(9, 7, 40), ACD_EV_OFFER_ACCEPTED, 2, "asl", "health", "ann",
	   40);
	state(d, AT(9, 7, 40), "asl", "ann", RES, BUSY, NULL);
	ev(d, AT(9, 7, 40), ACD_EV_CONTACT_CONNECTED, 2, "asl", "health", "ann",
	   40);
	state(d, AT(9, 8, 0), "asl", "bob", NR, RDY, NULL);
	/* c3: rejected by bob, abandoned after 6 s */
	ev(d, AT(9, 8, 30), ACD_EV_CONTACT_QUEUED, 3, "asl", "billing", NULL,
	   0);
	offer(d, AT(9, 8, 30), 3, "asl", "billing", "bob", 0, 1, 30);
	state(d, AT(9, 8, 30), "asl", "bob", RDY, RES, NULL);
	ev(d, AT(9, 8, 33), ACD_EV_OFFER_REJECTED, 3, "asl", "billing", "bob",
	   3);
	state(d, AT(9, 8, 33), "asl", "bob", RES, NR, "rejected");
	ev(d, AT(9, 8, 36), ACD_EV_CONTACT_ABANDONED, 3, "asl", "billing", NULL,
	   6);
	state(d, AT(9, 9, 0), "asl", "bob", NR, RDY, NULL);
	finish(d, 2, "asl", "health", "ann", AT(9, 10, 0), AT(9, 10, 20));
	state(d, AT(9, 10, 0), "asl", "bob", RDY, NR, "lunch");
	/* c4: a short abandon */
	ev(d, AT(9, 11, 0), ACD_EV_CONTACT_QUEUED, 4, "asl", "billing", NULL,
	   0);
	ev(d, AT(9, 11, 3), ACD_EV_CONTACT_ABANDONED, 4, "asl", "billing", NULL,
	   3);
	/* c5: across 09:15, its wrap-up row stamped 4 s late */
	answer(d, 5, "asl", "health", "ann", AT(9, 12, 0), AT(9, 12, 5), RDY);
	state(d, AT(9, 15, 0), "city", "cy", OFF, RDY, NULL);
	state(d, AT(9, 18, 5), "asl", "ann", BUSY, WRAP, NULL);
	e = (struct acd_event){.type = ACD_EV_CONTACT_WRAPUP, .contact = 5};
	put(d, AT(9, 18, 5), AT(9, 18, 9), &e, "asl", "health", "ann");
	ev(d, AT(9, 19, 5), ACD_EV_CONTACT_COMPLETED, 5, "asl", "health", "ann",
	   0);
	state(d, AT(9, 19, 5), "asl", "ann", WRAP, RDY, NULL);
}

static void run1_rest(struct day *d)
{
	struct acd_fallback vm = {.action = ACD_ACTION_VOICEMAIL};
	struct acd_event e;

	/* c6: city, no wrap-up */
	answer(d, 6, "city", "health", "cy", AT(9, 20, 0), AT(9, 20, 2), RDY);
	ev(d, AT(9, 25, 2), ACD_EV_CONTACT_COMPLETED, 6, "city", "health", "cy",
	   0);
	state(d, AT(9, 25, 2), "city", "cy", BUSY, RDY, NULL);
	/* c7: queued in I2, answered in I3 */
	answer(d, 7, "asl", "health", "ann", AT(9, 29, 50), AT(9, 30, 5), RDY);
	finish(d, 7, "asl", "health", "ann", AT(9, 33, 5), AT(9, 33, 35));
	state(d, AT(9, 33, 35), "asl", "ann", RDY, NR, "break");
	state(d, AT(9, 40, 0), "city", "cy", RDY, OFF, NULL);
	/* c8: voicemail after a minute */
	ev(d, AT(9, 41, 0), ACD_EV_CONTACT_QUEUED, 8, "asl", "billing", NULL,
	   0);
	e = (struct acd_event){.type = ACD_EV_CONTACT_FALLBACK,
	                       .contact = 8,
	                       .wait = 60000,
	                       .cause = ACD_FALLBACK_MAX_WAIT,
	                       .fallback = &vm,
	                       .reason = "max-wait"};
	put(d, AT(9, 42, 0), AT(9, 42, 0), &e, "asl", "billing", NULL);
	state(d, AT(9, 45, 0), "asl", "ann", NR, RDY, NULL);
	state(d, AT(9, 45, 0), "asl", "bob", NR, RDY, NULL);
	/* c9 answered, c10 waiting: then the crash */
	answer(d, 9, "asl", "health", "ann", AT(9, 46, 0), AT(9, 46, 4), RDY);
	ev(d, AT(9, 47, 0), ACD_EV_CONTACT_QUEUED, 10, "city", "health", NULL,
	   0);
}

static void run2(struct day *d)
{
	state(d, AT(9, 50, 0), "asl", "ann", OFF, RDY, NULL);
	state(d, AT(9, 50, 0), "asl", "bob", OFF, RDY, NULL);
	answer(d, 1, "asl", "health", "ann", AT(9, 52, 0), AT(9, 52, 3), RDY);
	finish(d, 1, "asl", "health", "ann", AT(9, 55, 3), AT(9, 55, 13));
	ev(d, AT(9, 58, 0), ACD_EV_CONTACT_QUEUED, 2, "asl", "health", NULL, 0);
	ev(d, AT(9, 58, 4), ACD_EV_CONTACT_ABANDONED, 2, "asl", "health", NULL,
	   4);
	answer(d, 4, "asl", "health", "ann", AT(9, 59, 0), AT(10, 0, 10), RDY);
	ev(d, AT(10, 1, 0), ACD_EV_CONTACT_QUEUED, 3, "asl", "health", NULL, 0);
	finish(d, 4, "asl", "health", "ann", AT(10, 3, 10), AT(10, 3, 20));
	state(d, AT(10, 5, 0), "asl", "ann", RDY, OFF, NULL);
}

/* Write the day into the fixture's store; leave it open read-only. */
static void script_day(struct sfx *f)
{
	struct day d = {.now = AT(7, 0, 0), .offset = 2 * 3600000LL};
	struct store_params p = {.wall_ms = day_now, .wall_arg = &d};
	const struct store_params ro = {.read_only = true};

	d.s = sfx_open(f, &p);
	run1_morning(&d);
	run1_rest(&d);
	assert_int_equal(store_close(d.s), 0);
	d.now = AT(9, 49, 58); /* the restart */
	d.offset = 500 - AT(9, 50, 0);
	d.s = sfx_open(f, &p);
	run2(&d);
	assert_int_equal(store_close(d.s), 0);
	sfx_open(f, &ro);
}

static struct report *day_report(struct sfx *f, unsigned minutes,
                                 const char *tenant, const char *queue)
{
	struct report_params p = {.from_ms = AT(9, 0, 0),
	                          .to_ms = AT(10, 0, 0),
	                          .interval_min = minutes,
	                          .tenant = tenant,
	                          .queue = queue,
	                          .sl_threshold_ms = 20000,
	                          .short_abandon_ms = 5000,
	                          .agents = true,
	                          .now_ms = AT(12, 0, 0)};
	struct report *r = NULL;
	char err[256] = "";

	if (report_compute(f->store, &p, &r, err, sizeof(err)))
		fail_msg("report_compute: %s", err);
	return r;
}

static const struct report_queue_row *qrow(const struct report *r,
                                           const char *tenant,
                                           const char *queue, int64_t start)
{
	for (size_t i = 0; i < r->nqueues; i++) {
		const struct report_queue_row *q = &r->queues[i];

		if (!strcmp(q->tenant, tenant) && !strcmp(q->queue, queue) &&
		    q->start_ms == start)
			return q;
	}
	fail_msg("no row %s/%s at %lld", tenant, queue, (long long)start);
	return NULL;
}

static const struct report_agent_row *arow(const struct report *r,
                                           const char *tenant,
                                           const char *agent, int64_t start)
{
	for (size_t i = 0; i < r->nagents; i++) {
		const struct report_agent_row *a = &r->agents[i];

		if (!strcmp(a->tenant, tenant) && !strcmp(a->agent, agent) &&
		    a->start_ms == start)
			return a;
	}
	fail_msg("no row %s/%s at %lld", tenant, agent, (long long)start);
	return NULL;
}

static int64_t reason(const struct report_agent_row *a, const char *why)
{
	for (size_t i = 0; i < a->nreasons; i++) {
		if (!strcmp(a->reasons[i].reason, why))
			return a->reasons[i].ms;
	}
	return 0;
}

#define assert_near(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static void test_report_day_health(void **state)
{
	struct sfx *f = *state;
	struct report *r;
	const struct report_queue_row *q;

	script_day(f);
	r = day_report(f, 15, NULL, NULL);
	/* I1: c1 (10 s), c2 (40 s), c5 (5 s); all handled */
	q = qrow(r, "asl", "health", AT(9, 0, 0));
	assert_int_equal(q->offered, 3);
	assert_int_equal(q->answered, 3);
	assert_int_equal(q->answered_in_sl, 2); /* 10 s, 5 s */
	assert_int_equal(q->abandoned, 0);
	assert_int_equal(q->offers, 4); /* c2 rang bob, then ann */
	assert_int_equal(q->offers_missed, 1);
	assert_near(report_service_level(q), 2.0 / 3); /* 2 / (3 - 0) */
	assert_near(report_asa(q), 55.0 / 3);          /* (10+40+5) / 3 */
	assert_int_equal(q->talk_ms, 710000);          /* 210+140+360 */
	assert_int_equal(q->hold_ms, 30000);           /* c1 */
	assert_int_equal(q->wrapup_ms, 110000);        /* 30+20+60 */
	assert_int_equal(q->handled, 3);
	assert_near(report_aht(q), 850.0 / 3); /* (710+30+110) / 3 */
	assert_int_equal(q->longest_wait_ms, 40000);
	/* I2: c7, queued 09:29:50, answered 09:30:05 */
	q = qrow(r, "asl", "health", AT(9, 15, 0));
	assert_int_equal(q->offered, 1);
	assert_int_equal(q->answered_in_sl, 1);
	assert_near(report_asa(q), 15);
	assert_near(report_aht(q), 210); /* 180 talk + 30 wrap-up */
	/* I4: run 1's c9 (4 s, never ended), run 2's c1 (3 s), c2 short,
	 * c4 (70 s, answered and handled after the range) */
	q = qrow(r, "asl", "health", AT(9, 45, 0));
	assert_int_equal(q->offered, 4);
	assert_int_equal(q->answered, 3);
	assert_int_equal(q->answered_in_sl, 2);
	assert_int_equal(q->abandoned, 1);
	assert_int_equal(q->abandoned_short, 1);
	assert_int_equal(q->handled, 2);
	assert_int_equal(q->unresolved, 0);
	assert_near(report_service_level(q), 2.0 / 3); /* 2 / (4 - 1) */
	assert_near(report_abandon_rate(q), 0.0);      /* (1 - 1) / (4 - 1) */
	assert_near(report_asa(q), 77.0 / 3);          /* (4 + 3 + 70) / 3 */
	assert_near(report_aht(q), 190); /* (180 + 10 + 180 + 10) / 2 */
	assert_int_equal(q->longest_wait_ms, 70000);
	report_free(r);
}

static void test_report_day_billing_city(void **state)
{
	struct sfx *f = *state;
	struct report *r;
	const struct report_queue_row *q;

	script_day(f);
	r = day_report(f, 15, NULL, NULL);
	/* I1: c3 abandoned after 6 s, c4 after 3 s (short) */
	q = qrow(r, "asl", "billing", AT(9, 0, 0));
	assert_int_equal(q->offered, 2);
	assert_int_equal(q->abandoned, 2);
	assert_int_equal(q->abandoned_short, 1);
	assert_int_equal(q->offers_missed, 1);
	assert_near(report_service_level(q), 0.0); /* 0 / (2 - 1) */
	assert_near(report_abandon_rate(q), 1.0);  /* (2 - 1) / (2 - 1) */
	assert_true(isnan(report_asa(q)) && isnan(report_aht(q)));
	assert_int_equal(q->longest_wait_ms, 6000);
	/* I3: c8 to voicemail after 60 s */
	q = qrow(r, "asl", "billing", AT(9, 30, 0));
	assert_int_equal(q->offered, 1);
	assert_int_equal(q->fallback, 1);
	assert_int_equal(q->unresolved, 0);
	assert_int_equal(q->longest_wait_ms, 60000);
	/* city: c6 without wrap-up; c10 cut by the crash */
	q = qrow(r, "city", "health", AT(9, 15, 0));
	assert_int_equal(q->handled, 1);
	assert_int_equal(q->talk_ms, 300000);
	assert_int_equal(q->wrapup_ms, 0);
	q = qrow(r, "city", "health", AT(9, 45, 0));
	assert_int_equal(q->offered, 1);
	assert_int_equal(q->unresolved, 1);
	assert_near(report_service_level(q), 0.0);
	/* rows: asl/billing I1, I3; asl/health I1, I2, I4; city I2, I4 */
	assert_int_equal(r->nqueues, 7);
	report_free(r);
}

static void test_report_day_agents(void **state)
{
	struct sfx *f = *state;
	struct report *r;
	const struct report_agent_row *a;

	script_day(f);
	r = day_report(f, 15, NULL, NULL);
	/* ann I1: ready 120+33+100, ringing 10+25+5, talking 242+140+175,
	 * wrap-up 30+20 */
	a = arow(r, "asl", "ann", AT(9, 0, 0));
	assert_int_equal(a->state_ms[RDY], 253000);
	assert_int_equal(a->state_ms[RES], 40000);
	assert_int_equal(a->state_ms[BUSY], 557000);
	assert_int_equal(a->state_ms[WRAP], 50000);
	assert_int_equal(report_logged_in(a), 900000);
	assert_near(report_occupancy(a), 647.0 / 900);
	assert_int_equal(a->offers, 3);
	assert_int_equal(a->answered, 3);
	assert_int_equal(a->handled, 2); /* c5 ends in I2 */
	/* ann I3: ringing 5 (c7 from 09:29:50), talking 180, wrap-up 30,
	 * break 685 */
	a = arow(r, "asl", "ann", AT(9, 30, 0));
	assert_int_equal(a->state_ms[RES], 5000);
	assert_int_equal(a->state_ms[BUSY], 180000);
	assert_int_equal(a->state_ms[NR], 685000);
	assert_int_equal(reason(a, "break"), 685000);
	/* ann I4: run 1 ready 60, ringing 4, talking 236 until run 2's first
	 * row at 09:50; run 2 ready 120+227, ringing 3+60 (c4 from 09:59),
	 * talking 180, wrap-up 10 */
	a = arow(r, "asl", "ann", AT(9, 45, 0));
	assert_int_equal(a->state_ms[RDY], 407000);
	assert_int_equal(a->state_ms[RES], 67000);
	assert_int_equal(a->state_ms[BUSY], 416000);
	assert_int_equal(a->state_ms[WRAP], 10000);
	assert_int_equal(report_logged_in(a), 900000);
	/* bob I1: meeting 300 (since 08:55), no-answer 45, rejected 27,
	 * lunch 300; ready 120+30+60; ringing 15+3 */
	a = arow(r, "asl", "bob", AT(9, 0, 0));
	assert_int_equal(reason(a, "meeting"), 300000);
	assert_int_equal(reason(a, "no-answer"), 45000);
	assert_int_equal(reason(a, "rejected"), 27000);
	assert_int_equal(reason(a, "lunch"), 300000);
	assert_int_equal(a->state_ms[NR], 672000);
	assert_int_equal(a->state_ms[RDY], 210000);
	assert_int_equal(a->state_ms[RES], 18000);
	assert_int_equal(a->missed, 2);
	assert_near(report_occupancy(a), 18.0 / 228);
	a = arow(r, "asl", "bob", AT(9, 15, 0));
	assert_int_equal(reason(a, "lunch"), 900000);
	assert_true(isnan(report_occupancy(a)));
	/* cy: ready 300+298, ringing 2, talking 300; then 600 ready */
	a = arow(r, "city", "cy", AT(9, 15, 0));
	assert_int_equal(a->state_ms[RDY], 598000);
	assert_int_equal(a->state_ms[BUSY], 300000);
	a = arow(r, "city", "cy", AT(9, 30, 0));
	assert_int_equal(report_logged_in(a), 600000);
	/* ann 4, bob 4, cy 2 (offline from 09:40) */
	assert_int_equal(r->nagents, 10);
	report_free(r);
}

static void test_report_day_filters_and_hours(void **state)
{
	struct sfx *f = *state;
	struct report *r;
	const struct report_queue_row *q;

	script_day(f);
	r = day_report(f, 60, NULL, NULL);
	/* the hour of asl/health: 3 + 1 + 4 offered, 7 answered (5 in SL),
	 * one short abandon: SL 5 / (8 - 1) */
	q = qrow(r, "asl", "health", AT(9, 0, 0));
	assert_int_equal(q->offered, 8);
	assert_int_equal(q->answered, 7);
	assert_near(report_service_level(q), 5.0 / 7);
	assert_int_equal(r->nqueues, 3);
	assert_int_equal(r->nagents, 3);
	report_free(r);

	r = day_report(f, 30, "city", NULL);
	assert_int_equal(r->nqueues, 2); /* 09:00 (c6), 09:30 (c10) */
	for (size_t i = 0; i < r->nqueues; i++)
		assert_string_equal(r->queues[i].tenant, "city");
	assert_int_equal(r->nagents, 2);
	assert_string_equal(r->agents[0].agent, "cy");
	report_free(r);

	r = day_report(f, 15, "asl", "billing");
	assert_int_equal(r->nqueues, 2);
	assert_string_equal(r->queues[1].queue, "billing");
	report_free(r);
}

/*
 * A transfer, alone in a store: c1 queued in asl/health 09:01:00,
 * answered and connected by ann 09:01:05 (5 s), transferred to billing
 * 09:03:05 (talk 120 s); queued in asl/billing 09:03:05, answered by bob
 * 09:03:15 (10 s), completed 09:05:25 without wrap-up (talk 130 s).
 * Each queue counts its own entry.
 */
static void test_report_day_transfer(void **state)
{
	struct sfx *f = *state;
	struct day d = {.now = AT(8, 0, 0), .offset = 0};
	struct store_params p = {.wall_ms = day_now, .wall_arg = &d};
	const struct store_params ro = {.read_only = true};
	struct report *r;
	const struct report_queue_row *q;

	d.s = sfx_open(f, &p);
	answer(&d, 1, "asl", "health", "ann", AT(9, 1, 0), AT(9, 1, 5), RDY);
	ev(&d, AT(9, 3, 5), ACD_EV_CONTACT_TRANSFERRED, 1, "asl", "health",
	   "ann", 125);
	answer(&d, 1, "asl", "billing", "bob", AT(9, 3, 5), AT(9, 3, 15), RDY);
	ev(&d, AT(9, 5, 25), ACD_EV_CONTACT_COMPLETED, 1, "asl", "billing",
	   "bob", 0);
	assert_int_equal(store_close(d.s), 0);
	sfx_open(f, &ro);
	r = day_report(f, 15, NULL, NULL);
	assert_int_equal(r->nqueues, 2);
	q = qrow(r, "asl", "health", AT(9, 0, 0));
	assert_int_equal(q->offered, 1);
	assert_int_equal(q->handled, 1);
	assert_int_equal(q->transferred, 1);
	assert_int_equal(q->talk_ms, 120000);
	q = qrow(r, "asl", "billing", AT(9, 0, 0));
	assert_int_equal(q->offered, 1);
	assert_int_equal(q->transferred, 0);
	assert_int_equal(q->wait_answered_ms, 10000);
	assert_int_equal(q->talk_ms, 130000);
	report_free(r);
	r = day_report(f, 15, NULL, "billing"); /* only the second entry */
	assert_int_equal(r->nqueues, 1);
	assert_int_equal(r->queues[0].handled, 1);
	report_free(r);
}

/*
 * Two callbacks the daemon dialled, alone in a store: c1 queued in
 * asl/health 09:01:00, accepted by ann 09:01:05, its customer busy:
 * callback-scheduled 09:01:10, queued again (its next attempt) 09:06:10,
 * accepted 09:06:12, busy again and closed as callback-failed 09:06:20.
 * c2 queued 09:02:00, accepted 09:02:05, the customer answers (connected
 * 09:02:20), completed 09:04:20. Each entry counts once.
 */
static void test_report_day_callbacks(void **cm)
{
	struct sfx *f = *cm;
	struct day d = {.now = AT(8, 0, 0), .offset = 0};
	struct store_params p = {.wall_ms = day_now, .wall_arg = &d};
	const struct store_params ro = {.read_only = true};
	struct acd_event failed = {.type = ACD_EV_CONTACT_COMPLETED,
	                           .contact = 1,
	                           .channel = ACD_CH_CALLBACK,
	                           .reason = "callback-failed"};
	struct acd_event retry = {.type = ACD_EV_CALLBACK_SCHEDULED,
	                          .contact = 1,
	                          .channel = ACD_CH_CALLBACK,
	                          .reason = "busy"};
	struct report *r;
	const struct report_queue_row *q;

	d.s = sfx_open(f, &p);
	answer(&d, 1, "asl", "health", "ann", AT(9, 1, 0), AT(9, 1, 5), RDY);
	put(&d, AT(9, 1, 10), AT(9, 1, 10), &retry, "asl", "health", "ann");
	state(&d, AT(9, 1, 10), "asl", "ann", BUSY, RDY, NULL);
	answer(&d, 2, "asl", "health", "ann", AT(9, 2, 0), AT(9, 2, 5), RDY);
	ev(&d, AT(9, 4, 20), ACD_EV_CONTACT_COMPLETED, 2, "asl", "health",
	   "ann", 0);
	state(&d, AT(9, 4, 20), "asl", "ann", BUSY, RDY, NULL);
	answer(&d, 1, "asl", "health", "ann", AT(9, 6, 10), AT(9, 6, 12), RDY);
	put(&d, AT(9, 6, 20), AT(9, 6, 20), &failed, "asl", "health", "ann");
	assert_int_equal(store_close(d.s), 0);
	sfx_open(f, &ro);
	r = day_report(f, 15, NULL, NULL);
	q = qrow(r, "asl", "health", AT(9, 0, 0));
	assert_int_equal(q->offered, 3); /* c1 twice, c2 once */
	assert_int_equal(q->answered, 3);
	assert_int_equal(q->unresolved, 0);
	assert_int_equal(q->callback_retries, 1);
	assert_int_equal(q->handled, 2);
	assert_int_equal(q->callback_failed, 1);
	report_free(r);
}

struct lines {
	char text[8][256];
	size_t n;
};

static int keep_line(const struct store_journal_entry *e, const char *line,
                     void *arg)
{
	struct lines *l = arg;

	assert_true(l->n < 8);
	snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", line);
	return 0;
}

static void test_report_day_explain(void **state)
{
	struct sfx *f = *state;
	struct lines l = {0};

	script_day(f);
	assert_int_equal(report_explain(f->store, 1, 2, keep_line, &l), 0);
	assert_int_equal(l.n, 8);
	assert_string_equal(l.text[0], "queued in health (tenant asl, voice)");
	assert_string_equal(l.text[1],
	                    "offered to bob by longest-idle among 2 "
	                    "candidates (idle 120.0 s, the longest; waited "
	                    "0.0 s)");
	assert_string_equal(l.text[2], "bob did not answer in time: back in "
	                               "line at its place");
	assert_string_equal(l.text[3],
	                    "offered to ann by longest-idle among 1 "
	                    "candidate (idle 33.0 s, the longest; waited "
	                    "15.0 s)");
	assert_string_equal(l.text[4], "ann answered after 40.0 s in line");
	assert_string_equal(l.text[6], "conversation over: ann in wrap-up");
	l.n = 0; /* run 2's contact 1 is another contact */
	assert_int_equal(report_explain(f->store, 2, 1, keep_line, &l), 0);
	assert_int_equal(l.n, 6);
	assert_int_equal(report_explain(f->store, 2, 99, keep_line, &l),
	                 ENOENT);
}

/* Last-agent routing in the story: the offer to the preferred agent and
 * the end of a reservation read as what they are. */
static void test_report_explain_preferred(void **state)
{
	struct store_journal_entry e = {.type = "contact-offered",
	                                .agent = "ann",
	                                .reason = "preferred-agent",
	                                .strategy = "longest-idle",
	                                .candidates = 1,
	                                .waiting = 1,
	                                .agent_first = true,
	                                .wait = 42000};
	char line[512];

	(void)state;
	report_explain_line(&e, line, sizeof(line));
	assert_string_equal(line, "offered to ann, its preferred agent (who "
	                          "handled the conversation before), as soon "
	                          "as they were free (waited 42.0 s)");
	e.agent_first = false;
	e.wait = 0;
	report_explain_line(&e, line, sizeof(line));
	assert_string_equal(line, "offered to ann, its preferred agent (who "
	                          "handled the conversation before), free "
	                          "when it arrived (waited 0.0 s)");
	e.type = "contact-escalated";
	e.reason = "preferred-wait-over";
	report_explain_line(&e, line, sizeof(line));
	assert_string_equal(line, "no longer reserved for ann "
	                          "(preferred-wait-over): in line for every "
	                          "agent, at its place");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_explain_preferred),
	    cmocka_unit_test_setup_teardown(test_report_day_health, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_day_billing_city,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_day_agents, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_day_filters_and_hours,
	                                    sfx_setup, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_day_explain, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_day_transfer, sfx_setup,
	                                    sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_report_day_callbacks,
	                                    sfx_setup, sfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
