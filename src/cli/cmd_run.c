/*
 * cmd_run.c - `centralino run`: the contact center on a configuration.
 *
 * Loads and checks the configuration, builds the routing engine on the
 * monotonic clock, and drives its timers until SIGINT or SIGTERM. The
 * channels (SIP voice, the web API and pages, e-mail) attach to this loop
 * as they arrive; until then the daemon routes nothing from outside.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <centralino/acd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/event_log.h"
#include "core/log.h"

static volatile sig_atomic_t stop_signal, reload_signal;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_signal = 1;
	else
		stop_signal = sig;
}

static acd_time_t monotonic_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (acd_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct acd *engine;

static void on_engine_event(const struct acd_event *ev, void *arg)
{
	(void)arg;
	event_log(engine, ev);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: centralino run --config FILE [--log-level LEVEL]\n"
	           "\n"
	           "Start the contact center on FILE (YAML; see "
	           "docs/configuration.md).\n"
	           "  --config FILE      the configuration\n"
	           "  --log-level LEVEL  debug, info (default), warn or error\n"
	           "Stops on SIGINT or SIGTERM. SIGHUP checks FILE again and "
	           "reports its errors.\n");
}

/* Load, check and apply the configuration to a new engine. */
static int start(const char *path, struct config **cfgp)
{
	struct config_errors errs = {0};
	int err = config_load(path, cfgp, &errs);

	if (!err) {
		err = acd_alloc(&engine, monotonic_ms, on_engine_event, NULL,
		                (uint64_t)time(NULL));
		if (!err)
			err = config_apply(*cfgp, engine, &errs);
	}
	if (err) {
		config_errors_print(&errs, stderr);
		log_event(LOG_ERROR, "config.refused", "file=%s errors=%zu",
		          path, errs.n + errs.dropped);
	}
	config_errors_free(&errs);
	return err;
}

static void reload_check(const char *path)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	if (config_load(path, &cfg, &errs)) {
		config_errors_print(&errs, stderr);
		log_event(LOG_WARN, "config.reload-refused",
		          "file=%s errors=%zu kept=running", path,
		          errs.n + errs.dropped);
	} else {
		log_event(LOG_INFO, "config.reload-checked",
		          "file=%s result=valid note=\"applied at the next "
		          "start\"",
		          path);
	}
	config_free(cfg);
	config_errors_free(&errs);
}

/* Sleep until the engine's next timer or a signal, then run timers. */
static void loop(const char *path)
{
	while (!stop_signal) {
		acd_time_t next = acd_next_deadline(engine);
		acd_time_t now = monotonic_ms(NULL);
		int timeout = 1000;

		if (next >= 0 && next - now < timeout)
			timeout = next > now ? (int)(next - now) : 0;
		if (poll(NULL, 0, timeout) < 0 && errno != EINTR)
			break;
		if (reload_signal) {
			reload_signal = 0;
			reload_check(path);
		}
		acd_timers_run(engine);
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL;
	struct config *cfg = NULL;
	struct acd_totals t;
	int c, level;

	while ((c = getopt_long(argc, argv, "c:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'l':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr,
				        "run: --log-level: unknown level "
				        "'%s'; expected debug, info, "
				        "warn or error\n",
				        optarg);
				return 2;
			}
			log_set_level((enum log_level)level);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!path || optind < argc) {
		usage(stderr);
		return 2;
	}
	if (start(path, &cfg)) {
		acd_free(engine);
		config_free(cfg);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	acd_totals(engine, &t);
	log_event(LOG_INFO, "centralino.started",
	          "version=%s config=%s queues=%zu agents=%zu channels=none",
	          CENTRALINO_VERSION, path, t.queues, t.agents);
	loop(path);
	log_event(LOG_INFO, "centralino.stopped", "signal=%d",
	          (int)stop_signal);
	acd_free(engine);
	config_free(cfg);
	return 0;
}
