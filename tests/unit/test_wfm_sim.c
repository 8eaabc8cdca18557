/*
 * test_wfm_sim.c - the simulator against queueing theory.
 *
 * The engine in simulated time must reproduce Erlang C (and Erlang A with
 * patience) within statistical tolerance; the engine's wait estimate must
 * beat the two baselines where it claims to (abandonment, a surge); and a
 * seed must fix the outcome. Sizes are chosen so that each case stays
 * under a few seconds in an ASan Debug build, and tolerances so that a
 * wrong handle time, a lost contact or a skewed clock still fails.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "centralino/sim.h"
#include "centralino/wfm.h"
#include "core/config.h"

#define AHT       180.0
#define THRESHOLD 20.0

struct run {
	unsigned agents;
	double load; /* erlangs: rate = load / AHT */
	double patience;
	uint64_t contacts;
	uint64_t seed;
	const struct sim_rate_change *changes;
	unsigned nchanges;
};

static void simulate(const struct run *run, struct sim_result *r)
{
	struct sim_stream s = {
	    .channel = ACD_CH_VOICE,
	    .rate = run->load / AHT,
	    .aht = AHT,
	    .patience = run->patience,
	    .nchanges = run->nchanges,
	};
	struct sim_params p = {
	    .streams = &s,
	    .nstreams = 1,
	    .contacts = run->contacts,
	    .warmup = run->contacts / 10,
	    .threshold = THRESHOLD,
	    .seed = run->seed,
	    .agents = run->agents,
	};
	struct sim *sim = NULL;

	if (run->nchanges)
		memcpy(s.changes, run->changes,
		       run->nchanges * sizeof(s.changes[0]));
	assert_int_equal(sim_alloc(&sim, run->seed), 0);
	assert_int_equal(
	    sim_setup_simple(sim, run->agents, THRESHOLD, &s.queue), 0);
	assert_int_equal(sim_run(sim, &p, r), 0);
	sim_free(sim);
	/* Every measured arrival has an outcome: nothing lost in flight. */
	assert_int_equal(r->total.offered, run->contacts - run->contacts / 10);
	assert_int_equal(r->total.answered + r->total.abandoned +
	                     r->total.other,
	                 r->total.offered);
}

static void assert_near(const char *what, double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.6g, want %.6g +- %g", what, got, want, tol);
}

static void erlang(const struct run *run, struct wfm_erlang *e)
{
	assert_int_equal(wfm_erlang_figures(run->agents, run->load / AHT, AHT,
	                                    THRESHOLD, run->patience, e),
	                 0);
}

/*
 * Simulated p_wait, SL, ASA and occupancy against Erlang C. Near
 * saturation the waits are strongly correlated in time, so the heavy case
 * needs more contacts and wider tolerances: six seeds of 600k contacts at
 * 50 agents / 47 erlangs spread p_wait over +-0.02 and ASA over +-15 %.
 * A handle time 2 % too long would still double the ASA there.
 */
static void check_erlang_c(const struct run *run, double tol, double asa_rel)
{
	struct sim_result r;
	struct wfm_erlang e;

	simulate(run, &r);
	erlang(run, &e);
	print_message("agents %u load %g: p_wait %.4f/%.4f sl %.4f/%.4f "
	              "asa %.2f/%.2f occ %.4f/%.4f\n",
	              run->agents, run->load, r.total.p_wait, e.p_wait,
	              r.total.service_level, e.service_level, r.total.asa,
	              e.asa, r.occupancy, e.occupancy);
	assert_near("p_wait", r.total.p_wait, e.p_wait, tol);
	assert_near("service level", r.total.service_level, e.service_level,
	            tol);
	assert_near("asa", r.total.asa, e.asa, asa_rel * e.asa);
	assert_near("occupancy", r.occupancy, e.occupancy, 0.006);
	assert_near("mean wait (all)", r.total.mean_wait_all, e.mean_wait_all,
	            asa_rel * e.mean_wait_all);
	assert_int_equal(r.total.abandoned, 0);
	sim_result_reset(&r);
}

static void erlang_c_light(void **state)
{
	const struct run run = {
	    .agents = 10, .load = 6, .contacts = 300000, .seed = 11};

	(void)state;
	check_erlang_c(&run, 0.01, 0.08);
}

static void erlang_c_heavy(void **state)
{
	const struct run run = {
	    .agents = 50, .load = 47, .contacts = 1000000, .seed = 12};

	(void)state;
	check_erlang_c(&run, 0.03, 0.2);
}

/* With patience: p_wait, abandonment and SL against Erlang A. */
static void erlang_a(void **state)
{
	const struct run run = {.agents = 50,
	                        .load = 52,
	                        .patience = 180,
	                        .contacts = 300000,
	                        .seed = 13};
	struct sim_result r;
	struct wfm_erlang e;

	(void)state;
	simulate(&run, &r);
	erlang(&run, &e);
	print_message("erlang a: p_wait %.4f/%.4f abandon %.4f/%.4f sl "
	              "%.4f/%.4f asa %.2f/%.2f\n",
	              r.total.p_wait, e.p_wait, r.total.abandon_rate,
	              e.abandon_rate, r.total.service_level, e.service_level,
	              r.total.asa, e.asa);
	assert_near("p_wait", r.total.p_wait, e.p_wait, 0.012);
	assert_near("abandon rate", r.total.abandon_rate, e.abandon_rate,
	            0.1 * e.abandon_rate);
	assert_near("service level", r.total.service_level, e.service_level,
	            0.015);
	assert_near("asa", r.total.asa, e.asa, 0.1 * e.asa);
	assert_true(r.total.abandoned > 0);
	sim_result_reset(&r);
}

/* 100 calls in 30 minutes, AHT 180 s: 14 agents make 80 % in 20 s, 13
 * (Erlang C: 79.6 %) do not, and the simulation sees the same step. */
static void textbook(void **state)
{
	const double load = 100.0 / 1800.0 * AHT;
	struct run r13 = {
	    .agents = 13, .load = load, .contacts = 400000, .seed = 14};
	struct run r14 = r13;
	struct sim_result s13, s14;
	struct wfm_erlang e13, e14;

	(void)state;
	r14.agents = 14;
	simulate(&r13, &s13);
	simulate(&r14, &s14);
	erlang(&r13, &e13);
	erlang(&r14, &e14);
	print_message("textbook: 13 agents sl %.4f/%.4f, 14 agents %.4f/%.4f\n",
	              s13.total.service_level, e13.service_level,
	              s14.total.service_level, e14.service_level);
	assert_true(e13.service_level < 0.8 && e14.service_level >= 0.8);
	assert_near("13 agents", s13.total.service_level, e13.service_level,
	            0.01);
	assert_near("14 agents", s14.total.service_level, e14.service_level,
	            0.01);
	assert_true(s14.total.service_level >= 0.8);
	assert_true(s14.total.service_level > s13.total.service_level + 0.03);
	sim_result_reset(&s13);
	sim_result_reset(&s14);
}

static void assert_ours_best(const char *what, const struct sim_figures *f)
{
	print_message("%s: %llu samples; mae ours %.2f asterisk %.2f queue "
	              "length %.2f; rmse %.2f %.2f %.2f\n",
	              what, (unsigned long long)f->ewt_samples, f->ewt.mae,
	              f->asterisk.mae, f->queue_len.mae, f->ewt.rmse,
	              f->asterisk.rmse, f->queue_len.rmse);
	assert_true(f->ewt_samples > 1000);
	assert_true(f->ewt.mae < f->asterisk.mae);
	assert_true(f->ewt.mae < f->queue_len.mae);
	assert_true(f->ewt.rmse < f->queue_len.rmse);
}

/* Overload held by abandonment: ours accounts for those who leave. */
static void ewt_patience(void **state)
{
	const struct run run = {.agents = 50,
	                        .load = 52,
	                        .patience = 180,
	                        .contacts = 200000,
	                        .seed = 15};
	struct sim_result r;

	(void)state;
	simulate(&run, &r);
	assert_ours_best("ewt with patience", &r.total);
	sim_result_reset(&r);
}

/* The rate triples from 10:00 to 12:00 each day (for 16 days). */
static void ewt_surge(void **state)
{
	struct sim_rate_change ch[SIM_MAX_CHANGES];
	struct run run = {.agents = 50,
	                  .load = 30,
	                  .patience = 180,
	                  .contacts = 200000,
	                  .seed = 16,
	                  .changes = ch};

	(void)state;
	for (unsigned i = 0; i < SIM_MAX_CHANGES; i += 2) {
		ch[i] = (struct sim_rate_change){i * 43200.0 + 36000, 3.0};
		ch[i + 1] = (struct sim_rate_change){i * 43200.0 + 43200, 1.0};
	}
	run.nchanges = SIM_MAX_CHANGES;
	struct sim_result r;

	simulate(&run, &r);
	assert_ours_best("ewt in a surge", &r.total);
	sim_result_reset(&r);
}

/* Without abandonment and with exponential handle times, ours is the
 * queue-length estimator: a tie, not a win (docs/simulate.md). */
static void ewt_tie_without_patience(void **state)
{
	const struct run run = {
	    .agents = 50, .load = 47, .contacts = 100000, .seed = 17};
	struct sim_result r;

	(void)state;
	simulate(&run, &r);
	assert_true(r.total.ewt_samples > 1000);
	assert_near("ours vs queue length", r.total.ewt.mae,
	            r.total.queue_len.mae, 0.01);
	assert_true(r.total.ewt.mae < r.total.asterisk.mae);
	sim_result_reset(&r);
}

static void deterministic(void **state)
{
	const struct run run = {.agents = 20,
	                        .load = 19,
	                        .patience = 60,
	                        .contacts = 50000,
	                        .seed = 42};
	struct run other = run;
	struct sim_result a, b, c;

	(void)state;
	other.seed = 43;
	simulate(&run, &a);
	simulate(&run, &b);
	simulate(&other, &c);
	assert_memory_equal(&a.total, &b.total, sizeof(a.total));
	assert_true(a.sim_seconds == b.sim_seconds);
	assert_true(a.occupancy == b.occupancy);
	assert_true(memcmp(&a.total, &c.total, sizeof(a.total)) != 0);
	sim_result_reset(&a);
	sim_result_reset(&b);
	sim_result_reset(&c);
}

/* A rate schedule multiplies the base rate from each change on. */
static void rate_schedule(void **state)
{
	struct sim_stream s = {.rate = 1, .nchanges = 2};

	(void)state;
	s.changes[0] = (struct sim_rate_change){100, 3};
	s.changes[1] = (struct sim_rate_change){200, 0.5};
	assert_true(sim_stream_factor(&s, 0) == 1);
	assert_true(sim_stream_factor(&s, 99.9) == 1);
	assert_true(sim_stream_factor(&s, 100) == 3);
	assert_true(sim_stream_factor(&s, 150) == 3);
	assert_true(sim_stream_factor(&s, 1e9) == 0.5);
}

static void bad_params(void **state)
{
	struct sim_stream s = {.rate = 1, .aht = 10};
	struct sim_params p = {.streams = &s, .nstreams = 1, .contacts = 10};
	struct sim_result r;
	struct sim *sim = NULL;

	(void)state;
	assert_int_equal(sim_alloc(&sim, 1), 0);
	assert_int_equal(sim_setup_simple(sim, 0, 20, NULL), EINVAL);
	assert_int_equal(sim_setup_simple(sim, 2, 20, &s.queue), 0);
	s.aht = 0;
	assert_int_equal(sim_run(sim, &p, &r), EINVAL);
	sim_free(sim);

	assert_int_equal(sim_alloc(&sim, 1), 0);
	assert_int_equal(sim_setup_simple(sim, 2, 20, &s.queue), 0);
	s.aht = 10;
	s.queue = 7; /* unknown */
	assert_int_equal(sim_run(sim, &p, &r), EINVAL);
	s.queue = 0;
	p.contacts = 0; /* no stop condition */
	assert_int_equal(sim_run(sim, &p, &r), EALREADY);
	sim_free(sim);
}

/* A run by duration: arrivals stop at the end, contacts drain. */
static void duration_run(void **state)
{
	struct sim_stream s = {.rate = 0.5, .aht = 10, .patience = 30};
	struct sim_params p = {.streams = &s,
	                       .nstreams = 1,
	                       .duration = 3600,
	                       .threshold = 20,
	                       .seed = 3};
	struct wfm_erlang e;
	struct sim_result r;
	struct sim *sim = NULL;

	(void)state;
	assert_int_equal(sim_alloc(&sim, 3), 0);
	assert_int_equal(sim_setup_simple(sim, 6, 20, &s.queue), 0);
	assert_int_equal(sim_run(sim, &p, &r), 0);
	/* 1800 expected; Poisson sd ~42 */
	assert_true(r.arrivals > 1600 && r.arrivals < 2000);
	assert_true(r.sim_seconds >= 3590);
	assert_int_equal(r.total.answered + r.total.abandoned, r.total.offered);
	assert_int_equal(wfm_erlang_figures(6, 0.5, 10, 20, 30, &e), 0);
	assert_near("occupancy", r.occupancy, e.occupancy, 0.03);
	sim_result_reset(&r);
	sim_free(sim);
}

static const char scenario_config[] =
    "tenants: [{name: t}]\n"
    "skills: [it, billing]\n"
    "queues:\n"
    "  - {name: sales, tenant: t, strategy: longest-idle}\n"
    "  - {name: care, tenant: t, strategy: best-skill, wrapup: 5s}\n"
    "agents:\n"
    "  - {name: a1, tenant: t, skills: {it: 3}, queues: [sales]}\n"
    "  - {name: a2, tenant: t, skills: {it: 3}, queues: [sales]}\n"
    "  - {name: a3, tenant: t, skills: {billing: 4}, queues: [care]}\n"
    "  - {name: a4, tenant: t, skills: {billing: 2, it: 1},\n"
    "     queues: {sales: 0, care: 1}}\n";

static const char scenario_good[] =
    "config: cfg.yaml\n"
    "simulation:\n"
    "  start: \"09:00\"\n"
    "  duration: 2h\n"
    "  threshold: 30s\n"
    "  arrivals:\n"
    "    - {queue: sales, rate: 40, aht: 2m, patience: 90,\n"
    "       skills: {it: 2}, schedule: [{at: \"10:00\", factor: 3}]}\n"
    "    - {queue: care, rate: 20, aht: 180}\n";

static const char scenario_bad[] = "config: cfg.yaml\n"
                                   "simulation:\n"
                                   "  start: \"09:00\"\n"
                                   "  duration: 1h\n"
                                   "  arrivals:\n"
                                   "    - queue: sales\n"
                                   "      rate: 10\n"
                                   "      aht: 3x\n"
                                   "      schedule: [{at: \"08:00\", "
                                   "factor: 2}]\n";

static void file_write(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int scenario_run(const char *dir, const char *name, struct sim_result *r,
                        struct config_errors *errs)
{
	struct sim_params p = {.seed = 5};
	struct sim_scenario *sc = NULL;
	struct sim *sim = NULL;
	char path[256];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = sim_scenario_load(path, &sc, errs);
	if (err)
		return err;
	assert_true(sc->start == 9 * 3600 && sc->duration == 7200);
	assert_int_equal(sim_alloc(&sim, p.seed), 0);
	err = sim_scenario_setup(sc, sim, &p, errs);
	if (!err) {
		/* 10:00 is an hour after the start */
		assert_true(sc->streams[0].changes[0].at == 3600);
		err = sim_run(sim, &p, r);
	}
	sim_free(sim);
	sim_scenario_free(sc);
	return err;
}

/* A scenario: its config applied, streams resolved, per-queue figures;
 * a broken one reported with every problem located. */
static void scenario(void **state)
{
	char dir[] = "/tmp/test_wfm_sim.XXXXXX";
	struct config_errors errs = {0};
	struct sim_result r;
	char path[300];

	(void)state;
	assert_non_null(mkdtemp(dir));
	file_write(dir, "cfg.yaml", scenario_config);
	file_write(dir, "good.yaml", scenario_good);
	file_write(dir, "bad.yaml", scenario_bad);
	assert_int_equal(scenario_run(dir, "good.yaml", &r, &errs), 0);
	assert_int_equal(r.nqueues, 2);
	/* sales: 40/h for 1 h then 120/h; care: 20/h; two hours */
	assert_true(r.queues[0].offered > 120 && r.queues[0].offered < 200);
	assert_true(r.queues[1].offered > 20 && r.queues[1].offered < 65);
	assert_true(r.queues[0].abandoned > 0);
	assert_int_equal(r.queues[1].abandoned, 0);
	assert_int_equal(r.total.offered,
	                 r.queues[0].offered + r.queues[1].offered);
	sim_result_reset(&r);

	assert_int_equal(scenario_run(dir, "bad.yaml", &r, &errs), EINVAL);
	assert_int_equal(errs.n, 2);
	assert_int_equal(errs.v[0].line, 8); /* aht: 3x */
	assert_int_equal(errs.v[0].column, 12);
	assert_string_equal(errs.v[0].field, "simulation.arrivals[0].aht");
	assert_int_equal(errs.v[1].line, 9); /* 08:00 is before the start */
	config_errors_free(&errs);
	for (const char *const *f =
	         (const char *const[]){"cfg.yaml", "good.yaml", "bad.yaml",
	                               NULL};
	     *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rate_schedule),
	    cmocka_unit_test(bad_params),
	    cmocka_unit_test(duration_run),
	    cmocka_unit_test(scenario),
	    cmocka_unit_test(deterministic),
	    cmocka_unit_test(erlang_c_light),
	    cmocka_unit_test(erlang_c_heavy),
	    cmocka_unit_test(erlang_a),
	    cmocka_unit_test(textbook),
	    cmocka_unit_test(ewt_patience),
	    cmocka_unit_test(ewt_surge),
	    cmocka_unit_test(ewt_tie_without_patience),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
