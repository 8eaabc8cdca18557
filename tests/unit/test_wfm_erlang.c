/*
 * test_wfm_erlang.c - Erlang C / Erlang A figures and staffing.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "centralino/wfm.h"

/* The textbook case: 100 calls in 30 minutes, AHT 180 s, 80 % in 20 s. */
#define TB_LAMBDA (100.0 / 1800.0)
#define TB_AHT    180.0
#define TB_T      20.0

static void assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.10g, want %.10g +- %g", got, want, tol);
}

static void textbook_vector(void **state)
{
	struct wfm_erlang e13, e14;
	unsigned agents = 0;

	(void)state;
	assert_int_equal(
	    wfm_staffing_agents(TB_LAMBDA, TB_AHT, TB_T, 0, 0.8, 0, &agents),
	    0);
	assert_int_equal(agents, 14);
	assert_int_equal(
	    wfm_erlang_figures(13, TB_LAMBDA, TB_AHT, TB_T, 0, &e13), 0);
	assert_near(e13.service_level, 0.796, 0.001);
	assert_true(e13.service_level < 0.8);
	assert_int_equal(
	    wfm_erlang_figures(14, TB_LAMBDA, TB_AHT, TB_T, 0, &e14), 0);
	assert_true(e14.service_level >= 0.8);
	assert_near(e14.occupancy, 10.0 / 14.0, 1e-12);
	assert_near(e14.abandon_rate, 0.0, 0.0);
}

/* Erlang C table values, a in erlangs (aht 1 s so lambda = a). */
static void erlang_c_known_values(void **state)
{
	static const struct {
		unsigned n;
		double a, c;
	} table[] = {
	    {3, 2.0, 4.0 / 9.0}, /* 0.4444 */
	    {1, 0.5, 0.5},       /* M/M/1: C = rho */
	    {2, 1.0, 1.0 / 3.0},
	};
	struct wfm_erlang e;

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		assert_int_equal(
		    wfm_erlang_figures(table[i].n, table[i].a, 1.0, 0.0, 0, &e),
		    0);
		assert_near(e.p_wait, table[i].c, 1e-12);
		/* with threshold 0, SL is the share that does not wait */
		assert_near(e.service_level, 1.0 - table[i].c, 1e-12);
		assert_near(e.asa, table[i].c / (table[i].n - table[i].a),
		            1e-12);
	}
	assert_near(wfm_erlang_b(3, 2.0), 4.0 / 19.0, 1e-15);
}

static void erlang_c_stable_at_scale(void **state)
{
	struct wfm_erlang e;

	(void)state;
	assert_int_equal(
	    wfm_erlang_figures(1000, 950.0 / 180.0, 180.0, 20.0, 0, &e), 0);
	assert_true(isfinite(e.p_wait) && e.p_wait > 0.0 && e.p_wait < 1.0);
	assert_true(isfinite(e.asa) && e.asa > 0.0);
	assert_true(e.service_level > 0.0 && e.service_level < 1.0);
	assert_near(e.occupancy, 0.95, 1e-12);
}

static void erlang_c_unstable_is_edom(void **state)
{
	struct wfm_erlang e;

	(void)state;
	assert_int_equal(wfm_erlang_figures(10, TB_LAMBDA, TB_AHT, TB_T, 0, &e),
	                 EDOM);
	assert_near(e.p_wait, 1.0, 0.0);
	assert_near(e.service_level, 0.0, 0.0);
	assert_true(isinf(e.asa));
	assert_int_equal(wfm_erlang_figures(9, TB_LAMBDA, TB_AHT, TB_T, 0, &e),
	                 EDOM);
}

static void bad_figures_are_einval(void **state)
{
	struct wfm_erlang e;
	unsigned n;

	(void)state;
	assert_int_equal(wfm_erlang_figures(5, -1.0, 180, 20, 0, &e), EINVAL);
	assert_int_equal(wfm_erlang_figures(5, 0.01, 0.0, 20, 0, &e), EINVAL);
	assert_int_equal(wfm_erlang_figures(5, 0.01, 180, -1, 0, &e), EINVAL);
	assert_int_equal(wfm_erlang_figures(5, 0.01, 180, 20, -5, &e), EINVAL);
	assert_int_equal(wfm_erlang_figures(5, NAN, 180, 20, 0, &e), EINVAL);
	assert_int_equal(wfm_staffing_agents(0.01, 180, 20, 0, 1.0, 0, &n),
	                 EINVAL);
	assert_int_equal(wfm_staffing_agents(0.01, 180, 20, 0, 0.0, 0, &n),
	                 EINVAL);
	assert_int_equal(wfm_staffing_agents(0.01, 180, 20, 0, 0.8, 1.5, &n),
	                 EINVAL);
	assert_int_equal(wfm_staffing_agents(1e6, 180, 20, 0, 0.8, 0, &n),
	                 ERANGE);
}

/* With patience far beyond any wait, nobody abandons: Erlang C again. */
static void erlang_a_tends_to_erlang_c(void **state)
{
	(void)state;
	for (unsigned n = 11; n <= 16; n++) {
		struct wfm_erlang c, a;

		assert_int_equal(
		    wfm_erlang_figures(n, TB_LAMBDA, TB_AHT, TB_T, 0, &c), 0);
		assert_int_equal(
		    wfm_erlang_figures(n, TB_LAMBDA, TB_AHT, TB_T, 1e9, &a), 0);
		assert_near(a.p_wait, c.p_wait, 1e-5);
		assert_near(a.service_level, c.service_level, 1e-5);
		assert_near(a.asa, c.asa, 1e-3 * c.asa);
		assert_near(a.occupancy, c.occupancy, 1e-5);
		assert_true(a.abandon_rate >= 0.0 && a.abandon_rate < 1e-5);
	}
}

/* Palm's closed form: A(x,y) = sum_k y^k / ((x+1)...(x+k)), x = n mu /
 * theta, y = lambda / theta; P(wait) = A E / (1 + (A-1) E) with E Erlang
 * B; P(ab | wait) = 1/(rho A) + 1 - 1/rho. Summed independently here. */
static void erlang_a_matches_palm(void **state)
{
	const double lambda = TB_LAMBDA, mu = 1.0 / TB_AHT, theta = 1.0 / 120;
	const unsigned n = 10;
	double x = n * mu / theta, y = lambda / theta, rho = lambda / (n * mu);
	double term = 1.0, big_a = 1.0;
	struct wfm_erlang e;

	(void)state;
	for (unsigned k = 1; k < 2000; k++) {
		term *= y / (x + k);
		big_a += term;
	}
	double eb = wfm_erlang_b(n, lambda / mu);
	double p_wait = big_a * eb / (1.0 + (big_a - 1.0) * eb);
	double p_ab = (1.0 / (rho * big_a) + 1.0 - 1.0 / rho) * p_wait;

	assert_int_equal(wfm_erlang_figures(n, lambda, TB_AHT, TB_T, 120, &e),
	                 0);
	assert_near(e.p_wait, p_wait, 1e-10);
	assert_near(e.abandon_rate, p_ab, 1e-10);
	/* Little: abandonments per second = theta * mean queue length. */
	assert_near(e.abandon_rate, theta * e.mean_wait_all, 1e-10);
	/* Monte Carlo (4e5 arrivals) gave SL 0.636, ASA 14.8 s. */
	assert_near(e.service_level, 0.6399, 0.0005);
	assert_near(e.asa, 14.55, 0.05);
	/* SL with an endless threshold = everyone who gets answered. */
	assert_int_equal(wfm_erlang_figures(n, lambda, TB_AHT, 1e6, 120, &e),
	                 0);
	assert_near(e.service_level, 1.0 - p_ab, 1e-7);
}

static void erlang_a_overload_is_finite(void **state)
{
	struct wfm_erlang e;

	(void)state;
	/* 10 erlangs on 8 agents, and 500 erlangs on 400 */
	assert_int_equal(wfm_erlang_figures(8, TB_LAMBDA, TB_AHT, TB_T, 60, &e),
	                 0);
	assert_true(isfinite(e.asa) && isfinite(e.mean_wait_all));
	assert_true(e.abandon_rate > 0.0 && e.abandon_rate < 1.0);
	assert_true(e.occupancy > 0.0 && e.occupancy <= 1.0);
	assert_int_equal(
	    wfm_erlang_figures(400, 500.0 / 180.0, 180.0, 20.0, 300, &e), 0);
	assert_true(isfinite(e.asa) && e.p_wait > 0.9 && e.p_wait <= 1.0);
	/* at least the excess load (100 of 500 erlangs) must abandon */
	assert_true(e.abandon_rate >= 0.2 - 1e-9 && e.abandon_rate < 1.0);
	assert_true(e.service_level >= 0.0 && e.service_level < 0.5);
}

static void more_agents_do_better(void **state)
{
	static const double patience[] = {0, 60, 300};

	(void)state;
	for (size_t p = 0; p < 3; p++) {
		struct wfm_erlang prev, cur;

		assert_int_equal(wfm_erlang_figures(11, TB_LAMBDA, TB_AHT, TB_T,
		                                    patience[p], &prev),
		                 0);
		for (unsigned n = 12; n <= 30; n++) {
			assert_int_equal(wfm_erlang_figures(n, TB_LAMBDA,
			                                    TB_AHT, TB_T,
			                                    patience[p], &cur),
			                 0);
			assert_true(cur.service_level > prev.service_level);
			assert_true(cur.asa < prev.asa);
			assert_true(cur.p_wait < prev.p_wait);
			assert_true(cur.abandon_rate <= prev.abandon_rate);
			prev = cur;
		}
	}
}

static void staffing_respects_max_occupancy(void **state)
{
	struct wfm_erlang e;
	unsigned n = 0;

	(void)state;
	/* 10 erlangs at 65 %: 10/0.65 = 15.4, so 16 agents (SL alone: 14) */
	assert_int_equal(
	    wfm_staffing_agents(TB_LAMBDA, TB_AHT, TB_T, 0, 0.8, 0.65, &n), 0);
	assert_int_equal(n, 16);
	assert_int_equal(wfm_erlang_figures(n, TB_LAMBDA, TB_AHT, TB_T, 0, &e),
	                 0);
	assert_true(e.occupancy <= 0.65);
	/* a loose cap does not change the answer */
	assert_int_equal(
	    wfm_staffing_agents(TB_LAMBDA, TB_AHT, TB_T, 0, 0.8, 0.9, &n), 0);
	assert_int_equal(n, 14);
	/* no calls, no agents */
	assert_int_equal(wfm_staffing_agents(0, TB_AHT, TB_T, 0, 0.8, 0, &n),
	                 0);
	assert_int_equal(n, 0);
}

/* Erlang A staffs fewer than Erlang C (abandons relieve the queue), and
 * its answer is the fewest: one agent less misses the target. */
static void staffing_erlang_a_is_minimal(void **state)
{
	struct wfm_erlang e;
	unsigned n = 0;

	(void)state;
	assert_int_equal(
	    wfm_staffing_agents(TB_LAMBDA, TB_AHT, TB_T, 120, 0.8, 0, &n), 0);
	assert_true(n < 14);
	assert_int_equal(
	    wfm_erlang_figures(n, TB_LAMBDA, TB_AHT, TB_T, 120, &e), 0);
	assert_true(e.service_level >= 0.8);
	assert_int_equal(
	    wfm_erlang_figures(n - 1, TB_LAMBDA, TB_AHT, TB_T, 120, &e), 0);
	assert_true(e.service_level < 0.8);
	/* a large centre: 2000 erlangs */
	assert_int_equal(
	    wfm_staffing_agents(2000.0 / 180.0, 180.0, 20.0, 0, 0.9, 0, &n), 0);
	assert_true(n > 2000 && n < 2200);
}

static void shrinkage_rounding(void **state)
{
	static const struct {
		unsigned agents;
		double shrinkage;
		unsigned want;
	} table[] = {
	    {14, 0.3, 20}, /* 14/0.7 is 20.000000000000004 in binary */
	    {14, 0.0, 14}, {14, 0.25, 19}, /* 18.67 */
	    {0, 0.5, 0},   {7, 0.3, 10},   {1, 0.01, 2},
	};
	unsigned got;

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		assert_int_equal(wfm_staffing_scheduled(
		                     table[i].agents, table[i].shrinkage, &got),
		                 0);
		assert_int_equal(got, table[i].want);
	}
	assert_int_equal(wfm_staffing_scheduled(14, 1.0, &got), EINVAL);
	assert_int_equal(wfm_staffing_scheduled(14, -0.1, &got), EINVAL);
}

static void forecast_reads_and_rejects(void **state)
{
	static const char good[] = "# comment\nstart,volume,aht\n"
	                           "08:00,100,180\n\n"
	                           "2024-05-06T08:30:00+02:00, 50 ,200\n";
	static const char badline[] = "08:00,100,180\n08:30,abc,180\n";
	struct wfm_forecast fc;
	char msg[128];
	size_t line = 0;
	FILE *f;

	(void)state;
	f = fmemopen((void *)good, sizeof(good) - 1, "r");
	assert_int_equal(wfm_forecast_read(f, 1800, &fc, &line, msg, 128), 0);
	fclose(f);
	assert_int_equal(fc.count, 2);
	assert_string_equal(fc.intervals[1].start, "2024-05-06T08:30:00+02:00");
	assert_int_equal(wfm_forecast_staff(&fc, 20, 0, 0.8, 0, 0.3, NULL), 0);
	assert_int_equal(fc.intervals[0].agents, 14);
	assert_int_equal(fc.intervals[0].scheduled, 20);
	wfm_forecast_reset(&fc);

	f = fmemopen((void *)badline, sizeof(badline) - 1, "r");
	assert_int_equal(wfm_forecast_read(f, 1800, &fc, &line, msg, 128),
	                 EBADMSG);
	fclose(f);
	assert_int_equal(line, 2);
	assert_int_equal(fc.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(textbook_vector),
	    cmocka_unit_test(erlang_c_known_values),
	    cmocka_unit_test(erlang_c_stable_at_scale),
	    cmocka_unit_test(erlang_c_unstable_is_edom),
	    cmocka_unit_test(bad_figures_are_einval),
	    cmocka_unit_test(erlang_a_tends_to_erlang_c),
	    cmocka_unit_test(erlang_a_matches_palm),
	    cmocka_unit_test(erlang_a_overload_is_finite),
	    cmocka_unit_test(more_agents_do_better),
	    cmocka_unit_test(staffing_respects_max_occupancy),
	    cmocka_unit_test(staffing_erlang_a_is_minimal),
	    cmocka_unit_test(shrinkage_rounding),
	    cmocka_unit_test(forecast_reads_and_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
