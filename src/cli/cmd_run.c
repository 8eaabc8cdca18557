/*
 * cmd_run.c - `centralino run`: the contact center on a configuration.
 *
 * Loads and checks the configuration, builds the routing engine, starts
 * the channels the configuration asks for (SIP voice today; the web API
 * and e-mail attach the same way), and runs libre's event loop until
 * SIGINT or SIGTERM. The engine's clock is the loop's.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <re.h>

#include <centralino/acd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/event_log.h"
#include "core/log.h"
#include "desk/desk.h"
#include "email/email.h"
#include "members/members.h"
#include "store/store.h"
#include "voice/voice.h"
#include "web/web.h"

static volatile sig_atomic_t stop_signal, reload_signal;
static struct acd *engine;
static struct voice *voice;
static struct web *web;
static const char *config_path;
static struct tmr engine_tmr, signal_tmr, flush_tmr;
static struct store *store;
static struct desk *desk; /* contacts that are not calls; the ledger */
static int store_failing; /* the last flush's error, 0 when fine */
static struct tmr retention_tmr;
static struct email *email;         /* mailboxes in, answers out */
static struct members *members;     /* agents moved between queues */
static struct config_hold *current; /* the configuration in force */

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_signal = 1;
	else
		stop_signal = sig;
}

/* The engine's clock is libre's: milliseconds since start, monotonic. */
static acd_time_t loop_ms(void *arg)
{
	(void)arg;
	return (acd_time_t)tmr_jiffies();
}

static void engine_timers(void *arg);

/* Arm one loop timer at the engine's next deadline. */
/*
 * Only when the deadline moved: libre 1.1.0 keeps its timers in one
 * sorted list and scans it on every tmr_start(), and at 500 calls/s tens
 * of thousands of SIP transaction timers are pending; re-arming on every
 * engine event made that scan most of the daemon's work.
 */
static void engine_arm(void)
{
	static acd_time_t armed = -1;
	acd_time_t next = acd_next_deadline(engine), now = loop_ms(NULL);

	if (next == armed && (next < 0 || tmr_isrunning(&engine_tmr)))
		return;
	armed = next;
	if (next < 0)
		tmr_cancel(&engine_tmr);
	else
		tmr_start(&engine_tmr, next > now ? (uint64_t)(next - now) : 0,
		          engine_timers, NULL);
}

static void engine_timers(void *arg)
{
	(void)arg;
	acd_timers_run(engine);
	engine_arm();
}

/* Group commit: the journal is written once per few milliseconds of
 * events, never one transaction per event. A failure keeps the events
 * buffered; the next flush retries them. */
static void flush_h(void *arg)
{
	int err = store_flush(store);

	(void)arg;
	if (err && err != store_failing)
		log_event(LOG_ERROR, "store.flush-failed",
		          "error=\"%s\" pending=%zu", store_errmsg(store),
		          store_pending(store));
	else if (!err && store_failing)
		log_event(LOG_INFO, "store.recovered", "pending=0");
	store_failing = err;
	if (err) /* retry while it fails, a little slower */
		tmr_start(&flush_tmr, 200, flush_h, NULL);
}

/* Retention: a pass at start, then one an hour. */
#define RETENTION_EVERY_MS (3600 * 1000)
/* Between two batches of a pass: the loop serves calls meanwhile. */
#define RETENTION_BATCH_GAP_MS 10

static struct {
	size_t anonymised, files, files_failed;
	char file_error[320]; /* the pass's first recording not deleted */
} pass;

static void pass_end(acd_time_t period)
{
	log_event(
	    pass.files_failed ? LOG_WARN : LOG_INFO, "store.retention",
	    "anonymised=%zu files=%zu files_failed=%zu period_s=%lld%s%s%s",
	    pass.anonymised, pass.files, pass.files_failed,
	    (long long)(period / 1000), pass.files_failed ? " error=\"" : "",
	    pass.file_error, pass.files_failed ? "\"" : "");
	memset(&pass, 0, sizeof(pass));
}

/*
 * One batch of personal data past retention (store_retention_step(): one
 * transaction of 500 rows at most), then the next batch on a later turn
 * of the loop, so a backlog of months never holds calls up; one log line
 * per pass. The period is read from the configuration in force, so a
 * reload changes it for the next batch.
 */
static void retention_h(void *arg)
{
	acd_time_t period = config_hold_cfg(current)->retention_personal_ms;
	struct store_retention r;
	int err;

	(void)arg;
	if (!store || period <= 0) {
		tmr_start(&retention_tmr, RETENTION_EVERY_MS, retention_h,
		          NULL);
		return;
	}
	err = store_retention_step(store, period, 0, &r);
	if (err) {
		log_event(LOG_ERROR, "store.retention-failed",
		          "anonymised=%zu error=\"%s\"", pass.anonymised,
		          store_errmsg(store));
		memset(&pass, 0, sizeof(pass));
		tmr_start(&retention_tmr, RETENTION_EVERY_MS, retention_h,
		          NULL);
		return;
	}
	pass.anonymised += r.contacts + r.calls;
	pass.files += r.files;
	if (r.files_failed && !pass.files_failed++)
		snprintf(pass.file_error, sizeof(pass.file_error), "%s",
		         r.file_error);
	if (r.more && r.contacts + r.calls) {
		tmr_start(&retention_tmr, RETENTION_BATCH_GAP_MS, retention_h,
		          NULL);
		return;
	}
	pass_end(period);
	tmr_start(&retention_tmr, RETENTION_EVERY_MS, retention_h, NULL);
}

static void journal(const struct acd_event *ev)
{
	const char *tenant = acd_tenant_name(engine, ev->tenant);

	if (ev->tenant == ACD_NONE && ev->agent != ACD_NONE)
		tenant = acd_tenant_name(engine,
		                         acd_agent_tenant(engine, ev->agent));
	if (store_journal_append(store, ev, tenant,
	                         acd_queue_name(engine, ev->queue),
	                         acd_agent_name(engine, ev->agent)) == ENOSPC)
		log_event(LOG_ERROR, "store.full", "pending=%zu",
		          store_pending(store));
	if (!tmr_isrunning(&flush_tmr))
		tmr_start(&flush_tmr, 5, flush_h, NULL);
}

/* Every engine call that sets a timer also raises an event, and events
 * arrive after the call has finished: the right moment to re-arm. */
static void on_engine_event(const struct acd_event *ev, void *arg)
{
	(void)arg;
	event_log(engine, ev);
	if (store)
		journal(ev);
	if (desk)
		desk_engine_event(desk, ev);
	if (voice)
		voice_engine_event(voice, ev);
	web_engine_event(web, ev);
	engine_arm();
}

static void usage(FILE *f)
{
	fprintf(f, "usage: centralino run --config FILE [--log-level LEVEL]\n"
	           "\n"
	           "Start the contact center on FILE (YAML; see "
	           "docs/configuration.md).\n"
	           "  --config FILE      the configuration\n"
	           "  --log-level LEVEL  debug, info (default), warn or error\n"
	           "Stops on SIGINT or SIGTERM. SIGHUP reloads FILE without "
	           "dropping a call;\na file with errors is refused and the "
	           "one in force stays.\n");
}

/* Nothing accepted may be lost: without its store the daemon does not
 * start. */
static int store_start(const struct config *cfg)
{
	char err[512];
	struct store_params p = {.durability = cfg->store_full
	                                           ? STORE_DURABILITY_FULL
	                                           : STORE_DURABILITY_NORMAL};
	int rc = store_open(&store, cfg->store_path, &p, err, sizeof(err));

	if (rc) {
		log_event(LOG_ERROR, "store.open-failed",
		          "path=%s error=\"%s\"", cfg->store_path, err);
		return rc;
	}
	log_event(LOG_INFO, "store.opened", "path=%s run=%llu durability=%s",
	          cfg->store_path, (unsigned long long)store_run(store),
	          cfg->store_full ? "full" : "normal");
	return 0;
}

/* The desk, and what an earlier run left unfinished back in its queues:
 * before any channel opens, so nothing new overtakes it. */
static int desk_start(void)
{
	struct desk_params p = {.acd = engine, .store = store};
	struct desk_stats st;
	size_t recovered, orphans;
	int err = desk_alloc(&desk, &p);

	if (!err)
		err = desk_recover(desk, &recovered, &orphans);
	if (err) {
		log_event(LOG_ERROR, "desk.recovery-failed", "error=\"%s\"",
		          store_errmsg(store));
		return err;
	}
	desk_stats(desk, &st);
	log_event(orphans ? LOG_WARN : LOG_INFO, "desk.recovered",
	          "recovered=%zu interrupted=%llu orphans=%zu", recovered,
	          (unsigned long long)st.interrupted, orphans);
	return 0;
}

/* The supervisors' moves of agents between queues, on top of the file:
 * before the desk's recovery puts contacts back in line. */
static int members_start(void)
{
	int err = members_alloc(&members, engine, store);

	if (err) {
		log_event(LOG_ERROR, "members.load-failed", "error=\"%s\"",
		          store ? store_errmsg(store) : strerror(err));
		return err;
	}
	members_apply(members);
	return 0;
}

/* Load, check and apply the configuration to a new engine. */
static int start(const char *path)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	int err = config_load(path, &cfg, &errs);

	if (!err && !(current = config_hold_new(cfg)))
		err = ENOMEM;
	if (!err) {
		err = acd_alloc(&engine, loop_ms, on_engine_event, NULL,
		                (uint64_t)time(NULL));
		if (!err)
			err = config_apply(config_hold_cfg(current), engine,
			                   &errs);
	}
	if (err) {
		config_errors_print(&errs, stderr);
		log_event(LOG_ERROR, "config.refused", "file=%s errors=%zu",
		          path, errs.n + errs.dropped);
	}
	config_errors_free(&errs);
	if (!err)
		err = store_start(config_hold_cfg(current));
	if (!err)
		err = members_start();
	return err ? err : desk_start();
}

/*
 * SIGHUP: a bad file is refused with its errors and the one in force
 * stays; a good one is applied to the engine and the channels in place,
 * without dropping a call or a waiting caller.
 */
static int reload(const char *path)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	struct config_hold *next;
	struct voice_params vp;
	int err;

	if (config_load(path, &cfg, &errs)) {
		config_errors_print(&errs, stderr);
		log_event(LOG_WARN, "config.reload-refused",
		          "file=%s errors=%zu kept=running", path,
		          errs.n + errs.dropped);
		config_errors_free(&errs);
		return EINVAL;
	}
	next = config_hold_new(cfg);
	if (!next)
		return ENOMEM;
	err = config_apply(cfg, engine, &errs);
	members_apply(members); /* a reload never undoes a supervisor's move */
	config_errors_print(&errs, stderr);
	if (voice && voice_params_from_config(&vp, cfg, engine)) {
		err |= voice_reload(voice, &vp, next);
		free(vp.phones);
	}
	if (web)
		web_config(web, cfg);
	config_hold_unref(current);
	current = next;
	log_event(err ? LOG_WARN : LOG_INFO, "config.reloaded",
	          "file=%s refusals=%zu", path, errs.n + errs.dropped);
	config_errors_free(&errs);
	return 0;
}

/* POST /api/v1/reload: the same as SIGHUP. */
static int reload_api(void *arg)
{
	(void)arg;
	return reload(config_path);
}

static void signal_poll(void *arg)
{
	const char *path = arg;

	if (stop_signal) {
		re_cancel();
		return;
	}
	if (reload_signal) {
		reload_signal = 0;
		reload(path);
	}
	tmr_start(&signal_tmr, 200, signal_poll, arg);
}

static void on_re_signal(int sig)
{
	stop_signal = sig;
	re_cancel();
}

/* Can the store record new work? Not while its flushes fail, nor with
 * its buffer nine tenths full: new calls are refused (503) meanwhile. */
static bool can_record(void *arg)
{
	struct store_stats st;

	(void)arg;
	if (!store)
		return true;
	if (store_failing)
		return false;
	store_stats(store, &st);
	return st.pending < st.max_buffered / 10 * 9;
}

/* The voice channel buffered a row of its own (a recording's, a
 * journal note): committed with the next group commit, in 5 ms. */
static void store_soon(void *arg)
{
	(void)arg;
	if (store && !tmr_isrunning(&flush_tmr))
		tmr_start(&flush_tmr, 5, flush_h, NULL);
}

/* A call's record goes to the store with the journal. */
static void on_cdr(const struct voice_cdr *c, void *arg)
{
	struct store_cdr r = {
	    .contact = c->contact,
	    .tenant = c->tenant,
	    .caller = c->caller,
	    .number = c->number,
	    .agent = c->agent,
	    .reason = c->reason,
	    .seconds = (int64_t)c->seconds,
	    .caller_rtp_rx = c->caller_rtp_rx,
	    .caller_rtp_tx = c->caller_rtp_tx,
	    .agent_rtp_rx = c->agent_rtp_rx,
	    .agent_rtp_tx = c->agent_rtp_tx,
	};

	(void)arg;
	if (!store)
		return;
	if (store_cdr(store, &r) == ENOSPC)
		log_event(LOG_ERROR, "store.full", "pending=%zu",
		          store_pending(store));
	if (!tmr_isrunning(&flush_tmr))
		tmr_start(&flush_tmr, 5, flush_h, NULL);
}

static int channels_start(void)
{
	const struct config *cfg = config_hold_cfg(current);
	struct voice_params vp;
	int err;

	if (!voice_params_from_config(&vp, cfg, engine))
		return 0; /* no sip section: no voice channel */
	vp.cdrh = on_cdr;
	vp.desk = desk;
	vp.store = store;
	vp.can_record = can_record;
	vp.stored = store_soon;
	err = voice_alloc(&voice, &vp, current, engine);
	free(vp.phones);
	return err;
}

/* The e-mail channel, when the configuration has mailboxes: after the
 * desk's recovery, like every channel. */
static int email_start(void)
{
	struct email_params p = {
	    .acd = engine,
	    .desk = desk,
	    .store = store,
	    .cfg = current,
	    .store_path = config_hold_cfg(current)->store_path,
	};

	return email_alloc(&email, &p);
}

static int web_start(void)
{
	const struct config *cfg = config_hold_cfg(current);
	struct web_env env = {
	    .listen = cfg->http_listen.text,
	    .acd = engine,
	    .voice = voice,
	    .desk = desk,
	    .store = store,
	    .email = email,
	    .members = members,
	    .cfg = cfg,
	    .reload = reload_api,
	    .pages = cfg->http_pages,
	    .certificate = cfg->http_certificate,
	    .agent_grace_ms = (uint64_t)cfg->http_agent_grace,
	};

	if (!cfg->http_listen.text[0])
		return 0; /* no http section: no web side */
	return web_alloc(&web, &env);
}

/* Where to point a phone and a browser: printed once, for a person. */
static void banner(const char *path)
{
	const struct config *cfg = config_hold_cfg(current);
	const struct config_sip *s = &cfg->sip;

	printf("Centralino is running on %s.\n", path);
	for (unsigned i = 0; i < s->nlisten; i++)
		printf("  Phones:  register a softphone to sip:%s (%s) as an "
		       "agent of the file, e.g. %s\n",
		       s->listen[i].address.text,
		       s->listen[i].transport == CONFIG_TCP   ? "tcp"
		       : s->listen[i].transport == CONFIG_TLS ? "tls"
		                                              : "udp",
		       cfg->nagents ? cfg->agents[0].name : "-");
	for (size_t i = 0; s->nlisten && i < cfg->nnumbers && i < 4; i++)
		printf("  Calls:   number %s %s: sip:%s@%s\n",
		       cfg->numbers[i].number,
		       cfg->numbers[i].rota[0]
		           ? "rings whoever is on call today (a rota)"
		           : "answers calls from a trunk",
		       cfg->numbers[i].number, s->listen[0].address.text);
	if (cfg->http_listen.text[0]) {
		const char *h = cfg->http_listen.text;
		const char *sc = cfg->http_certificate[0] ? "https" : "http";
		printf("  API:     %s://%s/api/v1/ (docs/api.md; sign in as a "
		       "user of the file); metrics at /metrics\n",
		       sc, h);
		if (web_pages(web))
			printf("  Pages:   agent desktop %s://%s/agent/, "
			       "wallboard %s://%s/wallboard/,\n"
			       "           administration %s://%s/admin/, "
			       "chat widget demo %s://%s/chat/demo.html "
			       "(docs/pages.md)\n",
			       sc, h, sc, h, sc, h, sc, h);
		else
			printf("  Pages:   none: no folder '%s' (http.pages, "
			       "docs/pages.md)\n",
			       cfg->http_pages);
	}
	printf("Logs go to stderr, one line per event. Stop with Ctrl-C.\n");
	fflush(stdout);
}

/* libre's loop carries SIP, RTP and the engine's timers. */
static int loop(const char *path)
{
	int err = channels_start();

	if (!err)
		err = email_start();
	if (!err)
		err = web_start();
	if (err) {
		log_event(LOG_ERROR, "centralino.channels-failed", "error=%s",
		          strerror(err));
		return err;
	}
	/* sigaction, not signal(): under strict POSIX, signal() resets the
	 * handler after one delivery and a second SIGHUP would kill us */
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	banner(path);
	tmr_start(&signal_tmr, 200, signal_poll, (void *)path);
	tmr_start(&retention_tmr, 0, retention_h, NULL);
	engine_arm();
	err = re_main(on_re_signal);
	tmr_cancel(&signal_tmr);
	tmr_cancel(&retention_tmr);
	tmr_cancel(&engine_tmr);
	web_free(web);
	web = NULL;
	email_free(email);
	email = NULL;
	voice_free(voice);
	voice = NULL;
	tmr_cancel(&flush_tmr);
	return err;
}

/* As many sockets as the system lets us have: calls need two each. */
static int fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur > 1048576 ? 1048576 : (int)rl.rlim_cur;
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
	config_path = path;
	if (libre_init())
		return 1;
	fd_setsize(fd_limit()); /* libre 1.1.0 starts with no room */
	if (start(path)) {
		acd_free(engine);
		desk_free(desk);
		members_free(members);
		if (store)
			store_close(store);
		config_hold_unref(current);
		libre_close();
		return 1;
	}
	acd_totals(engine, &t);
	log_event(LOG_INFO, "centralino.started",
	          "version=%s config=%s queues=%zu agents=%zu",
	          CENTRALINO_VERSION, path, t.queues, t.agents);
	c = loop(path);
	log_event(LOG_INFO, "centralino.stopped", "signal=%d",
	          (int)stop_signal);
	acd_free(engine); /* its last events reach the journal */
	desk_free(desk);
	members_free(members);
	if (store && store_close(store))
		log_event(LOG_ERROR, "store.close-failed", "pending-lost=yes");
	config_hold_unref(current);
	libre_close();
	return c ? 1 : 0;
}
