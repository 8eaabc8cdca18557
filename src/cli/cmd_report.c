/*
 * cmd_report.c - `centralino report`: interval reports and routing
 * explanations from the store's journal.
 *
 * The store is opened read-only, so a report runs beside the daemon.
 * Every flag is validated here with a message naming it; src/report/
 * then trusts its parameters.
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
#include <sys/stat.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "report/report.h"

enum format { FMT_TABLE = 0, FMT_JSON, FMT_CSV };

struct report_opts {
	const char *store;
	const char *from, *to;
	const char *contact;
	double interval, short_abandon, sl_threshold;
	struct report_params p;
	enum format format;
	uint64_t run, id;
};

enum {
	OPT_STORE = 256,
	OPT_FROM,
	OPT_TO,
	OPT_INTERVAL,
	OPT_TENANT,
	OPT_QUEUE,
	OPT_AGENTS,
	OPT_SHORT_ABANDON,
	OPT_SL_THRESHOLD,
	OPT_FORMAT,
	OPT_CONTACT,
};

static const struct option long_options[] = {
    {"store", required_argument, NULL, OPT_STORE},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"tenant", required_argument, NULL, OPT_TENANT},
    {"queue", required_argument, NULL, OPT_QUEUE},
    {"agents", no_argument, NULL, OPT_AGENTS},
    {"short-abandon", required_argument, NULL, OPT_SHORT_ABANDON},
    {"sl-threshold", required_argument, NULL, OPT_SL_THRESHOLD},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"contact", required_argument, NULL, OPT_CONTACT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs(
	    "usage: centralino report --store FILE [--from TIME] [--to TIME]\n"
	    "                         [--interval 15|30|60] [--tenant T] "
	    "[--queue Q] [--agents]\n"
	    "                         [--short-abandon S] [--sl-threshold S]"
	    " [--format F]\n"
	    "       centralino report --store FILE --contact RUN:ID "
	    "[--format F]\n"
	    "\n"
	    "Interval reports per queue (or per agent with --agents), or the "
	    "routing\nexplanation of one contact, computed from the store's "
	    "journal (read-only:\nit runs beside the daemon). See "
	    "docs/reports.md.\n"
	    "\n"
	    "  --store FILE         the store (store_path of the "
	    "configuration)\n"
	    "  --from TIME          start, included: Unix ms or ISO 8601 "
	    "(2026-11-23,\n"
	    "                       2026-11-23T09:00Z, "
	    "2026-11-23T10:00+01:00); default:\n"
	    "                       today 00:00 UTC\n"
	    "  --to TIME            end, excluded; default: the end of the "
	    "current interval\n"
	    "  --interval M         minutes per interval: 15 (default), 30 or "
	    "60\n"
	    "  --tenant T           only tenant T\n"
	    "  --queue Q            only queue Q\n"
	    "  --agents             the agent report instead of the queue "
	    "report\n"
	    "  --short-abandon S    abandons under S seconds are short "
	    "(default 5)\n"
	    "  --sl-threshold S     answered within S seconds is in service "
	    "level (default 20)\n"
	    "  --format F           table (default), json or csv\n"
	    "  --contact RUN:ID     explain how contact ID of run RUN was "
	    "routed\n"
	    "  --help               this text\n",
	    f);
}

/* RUN:ID, both whole numbers from 1. */
static int parse_contact(const char *arg, uint64_t *run, uint64_t *id)
{
	char *end;
	unsigned long long r, i;

	errno = 0;
	if (*arg < '0' || *arg > '9')
		goto bad;
	r = strtoull(arg, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		goto bad;
	i = strtoull(end + 1, &end, 10);
	if (errno || *end || !r || !i)
		goto bad;
	*run = r;
	*id = i;
	return 0;
bad:
	fprintf(stderr,
	        "report: --contact: '%s' is not RUN:ID (two whole numbers "
	        "from 1, e.g. 3:17)\n",
	        arg);
	return 2;
}

static int parse_format(const char *arg, enum format *f)
{
	if (!strcmp(arg, "table"))
		*f = FMT_TABLE;
	else if (!strcmp(arg, "json"))
		*f = FMT_JSON;
	else if (!strcmp(arg, "csv"))
		*f = FMT_CSV;
	else {
		fprintf(stderr,
		        "report: --format: '%s' is not table, json or csv\n",
		        arg);
		return 2;
	}
	return 0;
}

static int set_option(int c, const char *arg, void *opts)
{
	struct report_opts *o = opts;

	switch (c) {
	case OPT_STORE:
		o->store = arg;
		return 0;
	case OPT_FROM:
		o->from = arg;
		return 0;
	case OPT_TO:
		o->to = arg;
		return 0;
	case OPT_INTERVAL:
		if (strcmp(arg, "15") && strcmp(arg, "30") &&
		    strcmp(arg, "60")) {
			fprintf(stderr,
			        "report: --interval: '%s' is not 15, 30 or "
			        "60 (minutes)\n",
			        arg);
			return 2;
		}
		o->p.interval_min = (unsigned)atoi(arg);
		return 0;
	case OPT_TENANT:
		o->p.tenant = arg;
		return 0;
	case OPT_QUEUE:
		o->p.queue = arg;
		return 0;
	case OPT_AGENTS:
		o->p.agents = true;
		return 0;
	case OPT_SHORT_ABANDON:
		return cli_number("report", "short-abandon", arg, 0, 86400, 0,
		                  &o->short_abandon);
	case OPT_SL_THRESHOLD:
		return cli_number("report", "sl-threshold", arg, 0, 86400, 0,
		                  &o->sl_threshold);
	case OPT_FORMAT:
		return parse_format(arg, &o->format);
	case OPT_CONTACT:
		o->contact = arg;
		return parse_contact(arg, &o->run, &o->id);
	}
	return 2;
}

static int time_flag(const char *flag, const char *arg, int64_t *msp)
{
	char err[160];

	if (!report_time_parse(arg, msp, err, sizeof(err)))
		return 0;
	fprintf(stderr, "report: --%s: %s\n", flag, err);
	return 2;
}

/* --from and --to, or their defaults: today so far, whole intervals. */
static int range(struct report_opts *o)
{
	int64_t len = (int64_t)o->p.interval_min * 60000, now;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	o->p.to_ms = (now / len + 1) * len;
	o->p.from_ms = now / 86400000 * 86400000;
	if (o->from && time_flag("from", o->from, &o->p.from_ms))
		return 2;
	if (o->to && time_flag("to", o->to, &o->p.to_ms))
		return 2;
	if (o->p.from_ms >= o->p.to_ms) {
		fprintf(stderr, "report: --from must be before --to\n");
		return 2;
	}
	return 0;
}

static int check_combination(const struct report_opts *o)
{
	const char *msg = NULL;

	if (!o->store)
		msg = "missing --store FILE";
	else if (o->contact &&
	         (o->from || o->to || o->p.tenant || o->p.queue || o->p.agents))
		msg = "--contact explains one contact: drop --from, --to, "
		      "--tenant, --queue and --agents";
	if (msg) {
		fprintf(stderr, "report: %s\n", msg);
		return 2;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct report_opts *o)
{
	int err;

	*o = (struct report_opts){
	    .short_abandon = REPORT_SHORT_ABANDON_DEFAULT / 1000.0,
	    .sl_threshold = REPORT_SL_THRESHOLD_DEFAULT / 1000.0,
	    .p = {.interval_min = 15},
	};
	err = cli_options(argc, argv, "report", long_options, set_option, o);
	if (err == -1)
		usage(stdout);
	if (err)
		return err;
	err = check_combination(o);
	if (!err && !o->contact)
		err = range(o);
	o->p.short_abandon_ms = (int64_t)llround(o->short_abandon * 1000);
	o->p.sl_threshold_ms = (int64_t)llround(o->sl_threshold * 1000);
	return err;
}

/* Open the store read-only, with a message that names what is wrong. */
static struct store *open_store(const char *path)
{
	const struct store_params p = {.read_only = true};
	struct store *s = NULL;
	struct stat st;
	char err[600];

	if (stat(path, &st)) {
		fprintf(stderr, "report: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "report: %s: not a file\n", path);
		return NULL;
	}
	if (store_open(&s, path, &p, err, sizeof(err))) {
		fprintf(stderr, "report: %s\n", err);
		return NULL;
	}
	return s;
}

/* A store error: a file without a journal is not a store. */
static void store_error(const char *path, const char *msg)
{
	if (strstr(msg, "no such table"))
		fprintf(stderr,
		        "report: %s: not a centralino store (no journal)\n",
		        path);
	else
		fprintf(stderr, "%s\n", msg);
}

struct explain_out {
	enum format format;
	json_t *rows;
	acd_time_t first;
	bool any;
};

/* "2026-11-23T09:14:50.123Z" */
static void iso_ms(int64_t ms, char *buf, size_t size)
{
	char iso[32];

	report_time_format(ms, iso, sizeof(iso));
	snprintf(buf, size, "%.19s.%03dZ", iso,
	         (int)(((ms % 1000) + 1000) % 1000));
}

static void csv_text(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int explain_line(const struct store_journal_entry *e, const char *line,
                        void *arg)
{
	struct explain_out *x = arg;
	char at[40];

	if (!x->any)
		x->first = e->time;
	x->any = true;
	iso_ms(e->wall_ms, at, sizeof(at));
	if (x->format == FMT_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
		json_object_set_new(o, "at", json_string(at));
		json_object_set_new(
		    o, "elapsed_s",
		    json_real((double)(e->time - x->first) / 1000));
		json_object_set_new(o, "event", json_string(e->type));
		json_object_set_new(
		    o, "queue", e->queue ? json_string(e->queue) : json_null());
		json_object_set_new(
		    o, "agent", e->agent ? json_string(e->agent) : json_null());
		json_object_set_new(o, "text", json_string(line));
		json_array_append_new(x->rows, o);
	} else if (x->format == FMT_CSV) {
		printf("%" PRIu64 ",%s,%.3f,%s,", e->seq, at,
		       (double)(e->time - x->first) / 1000, e->type);
		csv_text(e->queue ? e->queue : "");
		putchar(',');
		csv_text(e->agent ? e->agent : "");
		putchar(',');
		csv_text(line);
		fputs("\r\n", stdout);
	} else {
		printf("%s %+9.3f s  %s\n", at,
		       (double)(e->time - x->first) / 1000, line);
	}
	return 0;
}

static int print_json(json_t *root)
{
	int err =
	    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

	json_decref(root);
	if (err || fputc('\n', stdout) == EOF || fflush(stdout)) {
		fprintf(stderr, "report: cannot write output\n");
		return 1;
	}
	return 0;
}

static int run_explain(struct store *s, const struct report_opts *o)
{
	struct explain_out x = {.format = o->format, .rows = json_array()};
	int err;

	if (o->format == FMT_CSV)
		fputs("seq,at,elapsed_s,event,queue,agent,text\r\n", stdout);
	err = report_explain(s, o->run, o->id, explain_line, &x);
	if (err == ENOENT) {
		fprintf(stderr,
		        "report: %s: no journal row of contact %" PRIu64
		        " in run %" PRIu64 "\n",
		        o->store, o->id, o->run);
	} else if (err) {
		store_error(o->store, store_errmsg(s));
	} else if (o->format == FMT_JSON) {
		json_t *root = json_object();

		json_object_set_new(root, "run",
		                    json_integer((json_int_t)o->run));
		json_object_set_new(root, "contact",
		                    json_integer((json_int_t)o->id));
		json_object_set_new(root, "events", x.rows);
		return print_json(root);
	}
	json_decref(x.rows);
	return err ? 1 : 0;
}

static int run_report(struct store *s, const struct report_opts *o)
{
	struct report *r = NULL;
	char err[600];
	int e = report_compute(s, &o->p, &r, err, sizeof(err));

	if (e) {
		store_error(o->store, err);
		return 1;
	}
	if (o->format == FMT_JSON) {
		e = print_json(report_json(r));
	} else {
		e = o->format == FMT_CSV ? report_csv(r, stdout)
		                         : report_table(r, stdout);
		if (e)
			fprintf(stderr, "report: cannot write output\n");
	}
	report_free(r);
	return e ? 1 : 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct store *s;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc == -1 ? 0 : rc;
	s = open_store(o.store);
	if (!s)
		return 1;
	rc = o.contact ? run_explain(s, &o) : run_report(s, &o);
	store_close(s);
	return rc;
}
