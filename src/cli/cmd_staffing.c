/*
 * cmd_staffing.c - `centralino staffing`: Erlang C / Erlang A staffing.
 *
 * One queue from its arrival rate, or a day from a forecast CSV; text by
 * default, JSON with --json, and an SVG chart of a forecast with --svg.
 * Every flag is validated here, at the edge, with a message naming it;
 * the wfm module then trusts its figures.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centralino/wfm.h"
#include "cli/args.h"
#include "cli/cli.h"

struct staffing_opts {
	double arrival_rate; /* NAN when not given */
	double volume;       /* NAN when not given */
	double interval;
	double aht; /* NAN when not given */
	double target_sl;
	double threshold;
	double patience;
	double max_occupancy;
	double shrinkage;
	bool json;
	const char *forecast;
	const char *svg;
};

enum {
	OPT_ARRIVAL_RATE = 256,
	OPT_VOLUME,
	OPT_INTERVAL,
	OPT_AHT,
	OPT_TARGET_SL,
	OPT_THRESHOLD,
	OPT_PATIENCE,
	OPT_MAX_OCCUPANCY,
	OPT_SHRINKAGE,
	OPT_JSON,
	OPT_FORECAST,
	OPT_SVG,
};

static const struct option long_options[] = {
    {"arrival-rate", required_argument, NULL, OPT_ARRIVAL_RATE},
    {"volume", required_argument, NULL, OPT_VOLUME},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"aht", required_argument, NULL, OPT_AHT},
    {"target-sl", required_argument, NULL, OPT_TARGET_SL},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"patience", required_argument, NULL, OPT_PATIENCE},
    {"max-occupancy", required_argument, NULL, OPT_MAX_OCCUPANCY},
    {"shrinkage", required_argument, NULL, OPT_SHRINKAGE},
    {"json", no_argument, NULL, OPT_JSON},
    {"forecast", required_argument, NULL, OPT_FORECAST},
    {"svg", required_argument, NULL, OPT_SVG},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs(
	    "usage: centralino staffing (--arrival-rate PER_SECOND | --volume "
	    "N "
	    "[--interval SECONDS])\n"
	    "                           --aht SECONDS [OPTIONS]\n"
	    "       centralino staffing --forecast FILE.csv [--interval "
	    "SECONDS]"
	    " [--svg FILE] [OPTIONS]\n"
	    "\n"
	    "Fewest agents meeting a service-level target (Erlang C; Erlang A "
	    "with --patience).\n"
	    "\n"
	    "  --arrival-rate R     contacts per second\n"
	    "  --volume N           contacts per interval (with --interval)\n"
	    "  --interval S         seconds per interval / forecast row "
	    "(default 1800)\n"
	    "  --aht S              mean handle time, seconds\n"
	    "  --target-sl F        share answered within threshold, in (0,1) "
	    "(default 0.8)\n"
	    "  --threshold S        service-level threshold, seconds "
	    "(default 20)\n"
	    "  --patience S         mean patience, seconds: Erlang A (0 = "
	    "Erlang C, default)\n"
	    "  --max-occupancy F    also keep occupancy <= F, in (0,1]\n"
	    "  --shrinkage F        share of paid time off the phones, in "
	    "[0,1) (default 0)\n"
	    "  --forecast FILE      CSV rows: start,volume,aht (header "
	    "allowed)\n"
	    "  --svg FILE           with --forecast: write an SVG chart\n"
	    "  --json               print JSON instead of text\n"
	    "  --help               this text\n",
	    f);
}

static int flag_number(const char *flag, const char *arg, double lo,
                       bool lo_open, double hi, bool hi_open, double *x)
{
	return cli_number(
	    "staffing", flag, arg, lo, hi,
	    (lo_open ? CLI_OPEN_LO : 0) | (hi_open ? CLI_OPEN_HI : 0), x);
}

static int set_option(int c, const char *arg, void *opts)
{
	struct staffing_opts *o = opts;
	const double inf = INFINITY;

	switch (c) {
	case OPT_ARRIVAL_RATE:
		return flag_number("arrival-rate", arg, 0, false, inf, true,
		                   &o->arrival_rate);
	case OPT_VOLUME:
		return flag_number("volume", arg, 0, false, inf, true,
		                   &o->volume);
	case OPT_INTERVAL:
		return flag_number("interval", arg, 0, true, inf, true,
		                   &o->interval);
	case OPT_AHT:
		return flag_number("aht", arg, 0, true, inf, true, &o->aht);
	case OPT_TARGET_SL:
		return flag_number("target-sl", arg, 0, true, 1, true,
		                   &o->target_sl);
	case OPT_THRESHOLD:
		return flag_number("threshold", arg, 0, false, inf, true,
		                   &o->threshold);
	case OPT_PATIENCE:
		return flag_number("patience", arg, 0, false, inf, true,
		                   &o->patience);
	case OPT_MAX_OCCUPANCY:
		return flag_number("max-occupancy", arg, 0, true, 1, false,
		                   &o->max_occupancy);
	case OPT_SHRINKAGE:
		return flag_number("shrinkage", arg, 0, false, 1, true,
		                   &o->shrinkage);
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_FORECAST:
		o->forecast = arg;
		return 0;
	case OPT_SVG:
		o->svg = arg;
		return 0;
	}
	return 2;
}

/* Flags that must or must not go together. Returns 0 or 2. */
static int check_combination(const struct staffing_opts *o)
{
	const char *msg = NULL;
	bool rate = !isnan(o->arrival_rate), volume = !isnan(o->volume);

	if (o->forecast && (rate || volume || !isnan(o->aht)))
		msg = "--forecast takes volume and --aht from the file; drop "
		      "--arrival-rate, --volume and --aht";
	else if (o->svg && !o->forecast)
		msg = "--svg needs --forecast";
	else if (!o->forecast && rate && volume)
		msg = "give --arrival-rate or --volume, not both";
	else if (!o->forecast && !rate && !volume)
		msg = "missing --arrival-rate (or --volume)";
	else if (!o->forecast && isnan(o->aht))
		msg = "missing --aht";
	if (msg) {
		fprintf(stderr, "staffing: %s\n", msg);
		return 2;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct staffing_opts *o)
{
	int err;

	*o = (struct staffing_opts){.arrival_rate = NAN,
	                            .volume = NAN,
	                            .interval = 1800,
	                            .aht = NAN,
	                            .target_sl = 0.8,
	                            .threshold = 20};
	err = cli_options(argc, argv, "staffing", long_options, set_option, o);
	if (err == -1)
		usage(stdout);
	if (err)
		return err;
	return check_combination(o);
}

/* Add a real to obj, or null when it is not finite (JSON has no inf). */
static void put_real(json_t *obj, const char *key, double x)
{
	json_object_set_new(obj, key, isfinite(x) ? json_real(x) : json_null());
}

static void put_figures(json_t *obj, const struct wfm_erlang *e, bool abandon)
{
	put_real(obj, "service_level", e->service_level);
	put_real(obj, "asa", e->asa);
	put_real(obj, "p_wait", e->p_wait);
	put_real(obj, "occupancy", e->occupancy);
	if (abandon)
		put_real(obj, "abandon_rate", e->abandon_rate);
	put_real(obj, "mean_wait_all", e->mean_wait_all);
}

static int print_json(json_t *root)
{
	int err =
	    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

	json_decref(root);
	if (err || fputc('\n', stdout) == EOF) {
		fprintf(stderr, "staffing: cannot write output\n");
		return 1;
	}
	return 0;
}

static bool erlang_a(const struct staffing_opts *o)
{
	return o->patience > 0 && !isinf(o->patience);
}

/* Print one queue's staffing. Returns the exit status. */
static int print_single(const struct staffing_opts *o, double lambda,
                        unsigned agents, unsigned scheduled,
                        const struct wfm_erlang *e)
{
	bool a = erlang_a(o);

	if (o->json) {
		json_t *root = json_object();

		json_object_set_new(root, "model",
		                    json_string(a ? "erlang_a" : "erlang_c"));
		put_real(root, "arrival_rate", lambda);
		put_real(root, "aht", o->aht);
		put_real(root, "load", lambda * o->aht);
		put_real(root, "target_sl", o->target_sl);
		put_real(root, "threshold", o->threshold);
		if (a)
			put_real(root, "patience", o->patience);
		json_object_set_new(root, "agents", json_integer(agents));
		json_object_set_new(root, "scheduled", json_integer(scheduled));
		put_figures(root, e, a);
		return print_json(root);
	}
	printf("model          %s, load %.3f erlangs\n",
	       a ? "Erlang A" : "Erlang C", lambda * o->aht);
	printf("agents         %u\n", agents);
	printf("scheduled      %u (shrinkage %.1f %%)\n", scheduled,
	       100 * o->shrinkage);
	printf("service_level  %.1f %% answered within %g s (target %.1f %%)\n",
	       100 * e->service_level, o->threshold, 100 * o->target_sl);
	printf("asa            %.1f s\n", e->asa);
	printf("p_wait         %.1f %%\n", 100 * e->p_wait);
	printf("occupancy      %.1f %%\n", 100 * e->occupancy);
	if (a)
		printf("abandon_rate   %.1f %%\n", 100 * e->abandon_rate);
	return 0;
}

static int staffing_error(int err)
{
	if (err == ERANGE)
		fprintf(stderr,
		        "staffing: no staffing up to %u agents meets the "
		        "target\n",
		        WFM_AGENTS_MAX);
	else
		fprintf(stderr, "staffing: cannot compute: %s\n",
		        strerror(err));
	return 1;
}

static int run_single(const struct staffing_opts *o)
{
	double lambda =
	    !isnan(o->arrival_rate) ? o->arrival_rate : o->volume / o->interval;
	struct wfm_erlang e;
	unsigned agents, scheduled;
	int err;

	err = wfm_staffing_agents(lambda, o->aht, o->threshold, o->patience,
	                          o->target_sl, o->max_occupancy, &agents);
	if (!err)
		err = wfm_staffing_scheduled(agents, o->shrinkage, &scheduled);
	if (!err)
		err = wfm_erlang_figures(agents, lambda, o->aht, o->threshold,
		                         o->patience, &e);
	if (err)
		return staffing_error(err);
	return print_single(o, lambda, agents, scheduled, &e);
}

static int forecast_json(const struct staffing_opts *o,
                         const struct wfm_forecast *fc)
{
	json_t *rows = json_array();

	for (size_t i = 0; i < fc->count; i++) {
		const struct wfm_interval *iv = &fc->intervals[i];
		json_t *row = json_object();

		json_object_set_new(row, "start", json_string(iv->start));
		put_real(row, "volume", iv->volume);
		put_real(row, "aht", iv->aht);
		put_real(row, "arrival_rate", iv->volume / fc->interval_s);
		json_object_set_new(row, "agents", json_integer(iv->agents));
		json_object_set_new(row, "scheduled",
		                    json_integer(iv->scheduled));
		put_figures(row, &iv->figures, erlang_a(o));
		json_array_append_new(rows, row);
	}
	return print_json(rows);
}

static void forecast_text(const struct staffing_opts *o,
                          const struct wfm_forecast *fc)
{
	bool a = erlang_a(o);
	double volume = 0, agent_hours = 0, sched_hours = 0;
	unsigned peak = 0;

	printf("%-20s %8s %7s %7s %9s %7s %8s %7s %7s%s\n", "start", "volume",
	       "aht", "agents", "scheduled", "sl", "asa", "p_wait", "occ",
	       a ? "  abandon" : "");
	for (size_t i = 0; i < fc->count; i++) {
		const struct wfm_interval *iv = &fc->intervals[i];
		const struct wfm_erlang *e = &iv->figures;

		printf("%-20s %8g %7g %7u %9u %6.1f%% %7.1fs %6.1f%% %6.1f%%",
		       iv->start, iv->volume, iv->aht, iv->agents,
		       iv->scheduled, 100 * e->service_level, e->asa,
		       100 * e->p_wait, 100 * e->occupancy);
		if (a)
			printf(" %7.1f%%", 100 * e->abandon_rate);
		putchar('\n');
		volume += iv->volume;
		peak = iv->agents > peak ? iv->agents : peak;
		agent_hours += iv->agents * fc->interval_s / 3600;
		sched_hours += iv->scheduled * fc->interval_s / 3600;
	}
	printf("\n%zu intervals of %g s, %g contacts, peak %u agents, "
	       "%.1f agent-hours on the phones, %.1f scheduled\n",
	       fc->count, fc->interval_s, volume, peak, agent_hours,
	       sched_hours);
}

static int write_svg(const char *path, const struct wfm_forecast *fc,
                     const char *title)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f) {
		fprintf(stderr, "staffing: %s: %s\n", path, strerror(errno));
		return 1;
	}
	err = wfm_forecast_svg(f, fc, title);
	if (fclose(f) || err) {
		fprintf(stderr, "staffing: %s: cannot write the chart\n", path);
		return 1;
	}
	return 0;
}

static int load_forecast(const struct staffing_opts *o, struct wfm_forecast *fc)
{
	char msg[200] = "";
	size_t line = 0;
	FILE *f = fopen(o->forecast, "r");
	int err;

	if (!f) {
		fprintf(stderr, "staffing: %s: %s\n", o->forecast,
		        strerror(errno));
		return 1;
	}
	err = wfm_forecast_read(f, o->interval, fc, &line, msg, sizeof(msg));
	fclose(f);
	if (err == EBADMSG)
		fprintf(stderr, "staffing: %s:%zu: %s\n", o->forecast, line,
		        msg);
	else if (err)
		fprintf(stderr, "staffing: %s: %s\n", o->forecast,
		        err == ENODATA ? "no rows" : strerror(err));
	return err ? 1 : 0;
}

static int run_forecast(const struct staffing_opts *o)
{
	struct wfm_forecast fc;
	char title[160];
	size_t bad = 0;
	int err, status;

	status = load_forecast(o, &fc);
	if (status)
		return status;
	err = wfm_forecast_staff(&fc, o->threshold, o->patience, o->target_sl,
	                         o->max_occupancy, o->shrinkage, &bad);
	if (err) {
		fprintf(stderr, "staffing: %s: row %s: ", o->forecast,
		        fc.intervals[bad].start);
		status = staffing_error(err);
		goto out;
	}
	if (o->json)
		status = forecast_json(o, &fc);
	else
		forecast_text(o, &fc);
	snprintf(title, sizeof(title), "Required agents: %.0f %% in %g s (%s)",
	         100 * o->target_sl, o->threshold,
	         erlang_a(o) ? "Erlang A" : "Erlang C");
	if (!status && o->svg)
		status = write_svg(o->svg, &fc, title);
out:
	wfm_forecast_reset(&fc);
	return status;
}

/*
 * The `staffing` subcommand (argv[0] is "staffing"). Returns 0, 1 when the
 * work fails (unreadable or malformed forecast, no staffing meets the
 * target, output error), 2 on a usage error.
 */
int cmd_staffing(int argc, char **argv)
{
	struct staffing_opts o;
	int status = parse_args(argc, argv, &o);

	if (status < 0)
		return 0; /* --help */
	if (status) {
		fprintf(stderr, "(see 'centralino staffing --help')\n");
		return status;
	}
	return o.forecast ? run_forecast(&o) : run_single(&o);
}
