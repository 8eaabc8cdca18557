/*
 * cmd_simulate.c - `centralino simulate`: the engine in simulated time.
 *
 * The simple case (one queue, N agents, Poisson arrivals) from flags, or
 * a scenario file (a configuration plus arrival streams). Text by default,
 * one JSON object with --json. Flags are validated here with a message
 * naming the flag; src/wfm/sim.c trusts its parameters.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "centralino/sim.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "core/config.h"

struct simulate_opts {
	double agents, arrival_rate, aht, patience, threshold;
	double contacts, warmup, seed;
	bool json, has_warmup, has_threshold, has_seed, has_contacts;
	const char *scenario;
};

enum {
	OPT_AGENTS = 256,
	OPT_ARRIVAL_RATE,
	OPT_AHT,
	OPT_PATIENCE,
	OPT_THRESHOLD,
	OPT_CONTACTS,
	OPT_SEED,
	OPT_WARMUP,
	OPT_JSON,
	OPT_SCENARIO,
};

static const struct option long_options[] = {
    {"agents", required_argument, NULL, OPT_AGENTS},
    {"arrival-rate", required_argument, NULL, OPT_ARRIVAL_RATE},
    {"aht", required_argument, NULL, OPT_AHT},
    {"patience", required_argument, NULL, OPT_PATIENCE},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"contacts", required_argument, NULL, OPT_CONTACTS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"json", no_argument, NULL, OPT_JSON},
    {"scenario", required_argument, NULL, OPT_SCENARIO},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs("usage: centralino simulate --agents N --arrival-rate PER_SECOND"
	      " --aht SECONDS [OPTIONS]\n"
	      "       centralino simulate --scenario FILE.yaml [--seed N] "
	      "[--json]\n"
	      "\n"
	      "Run the real routing engine in simulated time and measure "
	      "it.\n"
	      "\n"
	      "  --agents N           agents, all ready, one queue\n"
	      "  --arrival-rate R     contacts per second (Poisson)\n"
	      "  --aht S              mean handle time, seconds "
	      "(exponential)\n"
	      "  --patience S         mean patience, seconds (exponential);"
	      " default: nobody abandons\n"
	      "  --threshold S        service-level threshold, seconds "
	      "(default 20)\n"
	      "  --contacts N         arrivals to simulate (default 100000)\n"
	      "  --warmup N           first arrivals left out (default "
	      "contacts/10)\n"
	      "  --seed N             random seed (default 1)\n"
	      "  --scenario FILE      a scenario: config plus arrival "
	      "streams\n"
	      "  --json               print one JSON object\n"
	      "  --help               this text\n",
	      f);
}

static int flag_number(const char *flag, const char *arg, double lo,
                       bool lo_open, double hi, bool whole, double *x)
{
	return cli_number("simulate", flag, arg, lo, hi,
	                  (lo_open ? CLI_OPEN_LO : 0) | (whole ? CLI_WHOLE : 0),
	                  x);
}

static int set_option(int c, const char *arg, void *opts)
{
	struct simulate_opts *o = opts;
	const double big = 1e15; /* integers exact in a double */

	switch (c) {
	case OPT_AGENTS:
		return flag_number("agents", arg, 1, false, 100000, true,
		                   &o->agents);
	case OPT_ARRIVAL_RATE:
		return flag_number("arrival-rate", arg, 0, true, 1e6, false,
		                   &o->arrival_rate);
	case OPT_AHT:
		return flag_number("aht", arg, 0, true, 1e7, false, &o->aht);
	case OPT_PATIENCE:
		return flag_number("patience", arg, 0, true, 1e7, false,
		                   &o->patience);
	case OPT_THRESHOLD:
		o->has_threshold = true;
		return flag_number("threshold", arg, 0, false, 1e7, false,
		                   &o->threshold);
	case OPT_CONTACTS:
		o->has_contacts = true;
		return flag_number("contacts", arg, 1, false, big, true,
		                   &o->contacts);
	case OPT_SEED:
		o->has_seed = true;
		return flag_number("seed", arg, 0, false, big, true, &o->seed);
	case OPT_WARMUP:
		o->has_warmup = true;
		return flag_number("warmup", arg, 0, false, big, true,
		                   &o->warmup);
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_SCENARIO:
		o->scenario = arg;
		return 0;
	}
	return 2;
}

/* Cross-flag rules. Returns 0, or 2 after a message. */
static int opts_check(struct simulate_opts *o)
{
	const char *missing = NULL;

	if (o->scenario) {
		if (!isnan(o->agents) || !isnan(o->arrival_rate) ||
		    !isnan(o->aht) || o->patience > 0 || o->has_warmup ||
		    o->has_threshold || o->has_contacts) {
			fprintf(stderr,
			        "simulate: --scenario: takes only --seed "
			        "and --json (the file has the rest)\n");
			return 2;
		}
		return 0;
	}
	if (isnan(o->agents))
		missing = "agents";
	else if (isnan(o->arrival_rate))
		missing = "arrival-rate";
	else if (isnan(o->aht))
		missing = "aht";
	if (missing) {
		fprintf(stderr, "simulate: --%s is required (or --scenario)\n",
		        missing);
		return 2;
	}
	if (!o->has_warmup)
		o->warmup = floor(o->contacts / 10);
	if (o->warmup >= o->contacts) {
		fprintf(stderr,
		        "simulate: --warmup: %.0f leaves no contact "
		        "of --contacts %.0f to measure\n",
		        o->warmup, o->contacts);
		return 2;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct simulate_opts *o)
{
	int err;

	*o = (struct simulate_opts){
	    .agents = NAN,
	    .arrival_rate = NAN,
	    .aht = NAN,
	    .threshold = 20,
	    .contacts = 100000,
	    .seed = 1,
	};
	err = cli_options(argc, argv, "simulate", long_options, set_option, o);
	if (err)
		return err;
	return opts_check(o);
}

/* ---- progress ---------------------------------------------------------- */

struct progress {
	double started, last; /* wall seconds */
	uint64_t total;       /* arrivals expected; 0 when unknown */
	bool shown;
};

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_print(uint64_t arrivals, double sim_seconds, void *arg)
{
	struct progress *pr = arg;
	double now = wall_now();

	if (now - pr->last < 0.5)
		return;
	pr->last = now;
	pr->shown = true;
	if (pr->total)
		fprintf(stderr,
		        "\rsimulate: %" PRIu64 " of %" PRIu64
		        " contacts (%.0f%%), %.0f s simulated",
		        arrivals, pr->total, 100.0 * arrivals / pr->total,
		        sim_seconds);
	else
		fprintf(stderr,
		        "\rsimulate: %" PRIu64 " contacts, %.0f s simulated",
		        arrivals, sim_seconds);
	fflush(stderr);
}

static void progress_setup(struct progress *pr, struct sim_params *p, bool json)
{
	pr->started = pr->last = wall_now();
	pr->total = p->contacts;
	pr->shown = false;
	if (!json && isatty(STDERR_FILENO)) {
		p->progress_h = progress_print;
		p->arg = pr;
	}
}

static void progress_end(const struct progress *pr)
{
	if (pr->shown)
		fprintf(stderr, "\r\033[K");
}

/* ---- output ------------------------------------------------------------ */

static json_t *ewt_json(const struct sim_ewt_error *e)
{
	return json_pack("{s:f, s:f}", "mae", e->mae, "rmse", e->rmse);
}

/* The figures of one queue or of all, into obj. */
static void figures_json(json_t *obj, const struct sim_figures *f)
{
	json_object_set_new(obj, "offered",
	                    json_integer((json_int_t)f->offered));
	json_object_set_new(obj, "answered",
	                    json_integer((json_int_t)f->answered));
	json_object_set_new(obj, "abandoned",
	                    json_integer((json_int_t)f->abandoned));
	json_object_set_new(obj, "ended_by_fallback",
	                    json_integer((json_int_t)f->other));
	json_object_set_new(obj, "p_wait", json_real(f->p_wait));
	json_object_set_new(obj, "service_level", json_real(f->service_level));
	json_object_set_new(obj, "asa", json_real(f->asa));
	json_object_set_new(obj, "mean_wait_all", json_real(f->mean_wait_all));
	json_object_set_new(obj, "abandon_rate", json_real(f->abandon_rate));
	json_object_set_new(obj, "ewt_samples",
	                    json_integer((json_int_t)f->ewt_samples));
	json_object_set_new(obj, "ewt_mae", json_real(f->ewt.mae));
	json_object_set_new(obj, "ewt_rmse", json_real(f->ewt.rmse));
	json_object_set_new(obj, "ewt_baselines",
	                    json_pack("{s:o, s:o}", "asterisk",
	                              ewt_json(&f->asterisk), "queue_length",
	                              ewt_json(&f->queue_len)));
}

static void run_json(json_t *obj, const struct sim_result *r, double wall)
{
	json_object_set_new(obj, "occupancy", json_real(r->occupancy));
	json_object_set_new(obj, "arrivals",
	                    json_integer((json_int_t)r->arrivals));
	json_object_set_new(obj, "sim_seconds", json_real(r->sim_seconds));
	json_object_set_new(obj, "wall_seconds", json_real(wall));
	json_object_set_new(
	    obj, "contacts_per_second",
	    json_real(wall > 0 ? (double)r->arrivals / wall : 0));
}

static int json_print(json_t *obj)
{
	int err = obj ? json_dumpf(obj, stdout,
	                           JSON_INDENT(2) | JSON_REAL_PRECISION(10))
	              : -1;

	json_decref(obj);
	if (err) {
		fprintf(stderr, "simulate: cannot write the JSON output\n");
		return 1;
	}
	putchar('\n');
	return 0;
}

static void figures_text(FILE *f, const char *title,
                         const struct sim_figures *x)
{
	fprintf(f, "%s\n", title);
	fprintf(f, "  offered         %" PRIu64 "\n", x->offered);
	fprintf(f, "  answered        %" PRIu64 "\n", x->answered);
	fprintf(f, "  abandoned       %" PRIu64 " (%.2f %%)\n", x->abandoned,
	        100 * x->abandon_rate);
	if (x->other)
		fprintf(f, "  fallback        %" PRIu64 "\n", x->other);
	fprintf(f, "  waited          %.2f %%\n", 100 * x->p_wait);
	fprintf(f, "  service level   %.2f %%\n", 100 * x->service_level);
	fprintf(f, "  asa             %.2f s\n", x->asa);
	fprintf(f, "  mean wait (all) %.2f s\n", x->mean_wait_all);
	fprintf(f, "  wait estimates  %" PRIu64 " answered contacts\n",
	        x->ewt_samples);
	fprintf(f, "    engine        mae %.2f s  rmse %.2f s\n", x->ewt.mae,
	        x->ewt.rmse);
	fprintf(f, "    asterisk      mae %.2f s  rmse %.2f s\n",
	        x->asterisk.mae, x->asterisk.rmse);
	fprintf(f, "    queue length  mae %.2f s  rmse %.2f s\n",
	        x->queue_len.mae, x->queue_len.rmse);
}

static void run_text(FILE *f, const struct sim_result *r, double wall)
{
	fprintf(f, "occupancy         %.2f %%\n", 100 * r->occupancy);
	fprintf(f,
	        "simulated         %.0f s, %" PRIu64 " contacts in %.2f s "
	        "(%.0f contacts/s)\n",
	        r->sim_seconds, r->arrivals, wall,
	        wall > 0 ? (double)r->arrivals / wall : 0);
}

/* ---- the simple case ------------------------------------------------------ */

static int simple_output(const struct simulate_opts *o,
                         const struct sim_result *r, double wall)
{
	json_t *obj;

	if (!o->json) {
		figures_text(stdout, "simulated queue", &r->total);
		run_text(stdout, r, wall);
		return 0;
	}
	obj = json_object();
	if (!obj)
		return json_print(NULL);
	json_object_set_new(obj, "agents", json_integer((json_int_t)o->agents));
	json_object_set_new(obj, "arrival_rate", json_real(o->arrival_rate));
	json_object_set_new(obj, "aht", json_real(o->aht));
	json_object_set_new(obj, "patience",
	                    o->patience > 0 ? json_real(o->patience)
	                                    : json_null());
	json_object_set_new(obj, "threshold", json_real(o->threshold));
	json_object_set_new(obj, "contacts",
	                    json_integer((json_int_t)o->contacts));
	json_object_set_new(obj, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(obj, "warmup", json_integer((json_int_t)o->warmup));
	figures_json(obj, &r->total);
	run_json(obj, r, wall);
	return json_print(obj);
}

static int simulate_simple(const struct simulate_opts *o)
{
	struct sim_stream s = {
	    .channel = ACD_CH_VOICE,
	    .rate = o->arrival_rate,
	    .aht = o->aht,
	    .patience = o->patience,
	};
	struct sim_params p = {
	    .streams = &s,
	    .nstreams = 1,
	    .contacts = (uint64_t)o->contacts,
	    .warmup = (uint64_t)o->warmup,
	    .threshold = o->threshold,
	    .seed = (uint64_t)o->seed,
	    .agents = (unsigned)o->agents,
	};
	struct sim_result r = {0};
	struct progress pr;
	struct sim *sim = NULL;
	int err, ret = 1;

	err = sim_alloc(&sim, p.seed);
	if (!err)
		err = sim_setup_simple(sim, p.agents, o->threshold, &s.queue);
	progress_setup(&pr, &p, o->json);
	if (!err)
		err = sim_run(sim, &p, &r);
	progress_end(&pr);
	if (err) {
		fprintf(stderr, "simulate: %s\n", strerror(err));
		goto out;
	}
	ret = simple_output(o, &r, wall_now() - pr.started);
out:
	sim_result_reset(&r);
	sim_free(sim);
	return ret;
}

/* ---- a scenario ---------------------------------------------------------- */

static int scenario_output(const struct simulate_opts *o,
                           const struct sim_scenario *sc, struct acd *acd,
                           const struct sim_params *p,
                           const struct sim_result *r, double wall)
{
	json_t *obj, *queues;

	if (!o->json) {
		figures_text(stdout, "all queues", &r->total);
		for (size_t i = 0; i < r->nqueues; i++) {
			if (r->queues[i].offered)
				figures_text(stdout,
				             acd_queue_name(acd, (uint32_t)i),
				             &r->queues[i]);
		}
		run_text(stdout, r, wall);
		return 0;
	}
	obj = json_object();
	queues = json_object();
	if (!obj || !queues) {
		json_decref(queues);
		return json_print(obj);
	}
	json_object_set_new(obj, "scenario", json_string(sc->file));
	json_object_set_new(obj, "duration", json_real(sc->duration));
	json_object_set_new(obj, "threshold", json_real(p->threshold));
	json_object_set_new(obj, "seed", json_integer((json_int_t)p->seed));
	json_object_set_new(obj, "warmup", json_integer((json_int_t)p->warmup));
	figures_json(obj, &r->total);
	run_json(obj, r, wall);
	for (size_t i = 0; i < r->nqueues; i++) {
		json_t *q = json_object();

		if (!q)
			break;
		figures_json(q, &r->queues[i]);
		json_object_set_new(queues, acd_queue_name(acd, (uint32_t)i),
		                    q);
	}
	json_object_set_new(obj, "queues", queues);
	return json_print(obj);
}

static int simulate_scenario(const struct simulate_opts *o)
{
	struct config_errors errs = {0};
	struct sim_scenario *sc = NULL;
	struct sim_params p = {0};
	struct sim_result r = {0};
	struct sim *sim = NULL;
	struct progress pr;
	int err, ret = 1;

	err = sim_scenario_load(o->scenario, &sc, &errs);
	if (err)
		goto out;
	p.seed = sc->has_seed && !o->has_seed ? sc->seed : (uint64_t)o->seed;
	err = sim_alloc(&sim, p.seed);
	if (!err)
		err = sim_scenario_setup(sc, sim, &p, &errs);
	if (err)
		goto out;
	progress_setup(&pr, &p, o->json);
	err = sim_run(sim, &p, &r);
	progress_end(&pr);
	if (!err)
		ret = scenario_output(o, sc, sim_acd(sim), &p, &r,
		                      wall_now() - pr.started);
out:
	if (err) {
		config_errors_print(&errs, stderr);
		if (!errs.n)
			fprintf(stderr, "simulate: %s: %s\n", o->scenario,
			        strerror(err));
	}
	config_errors_free(&errs);
	sim_result_reset(&r);
	sim_free(sim);
	sim_scenario_free(sc);
	return ret;
}

int cmd_simulate(int argc, char **argv)
{
	struct simulate_opts o;
	int err = parse_args(argc, argv, &o);

	if (err == -1) {
		usage(stdout);
		return 0;
	}
	if (err) {
		fprintf(stderr,
		        "(centralino simulate --help lists the options)\n");
		return 2;
	}
	if (o.scenario)
		return simulate_scenario(&o);
	return simulate_simple(&o);
}
