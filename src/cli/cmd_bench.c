/*
 * cmd_bench.c - `centralino bench routing`: the engine's cost per routing
 * decision at scale, and its memory; `bench store`: the same workload
 * with every event journaled in a store, against none; `bench journal`:
 * the events per second the store takes, by group-commit batch.
 *
 * One tenant, one longest-idle queue, N agents ready and busy, M - N
 * contacts waiting. The timed loop ends a random agent's contact, so the
 * engine picks the best waiting contact for that agent (one decision),
 * which the event handler accepts at once; then one new contact arrives
 * so the backlog stays at M. The engine gets a simulated clock advanced
 * by 1 ms per iteration: it never reads real time, the loop does.
 * With a store, every event is appended as `centralino run` does and the
 * buffer flushed every flush_ms of real time (the daemon's timer).
 * bench/README.md describes the scenarios and the figures.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "centralino/acd.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "store/store.h"

#define NO_CONTACT UINT64_MAX
/* A ring time no run reaches: no offer timer ever fires. */
#define OFFER_TIMEOUT_MS (1000LL * 3600 * 24 * 365 * 100)

struct bench_opts {
	const char *name; /* "bench routing", "bench store", ... */
	uint64_t agents, contacts, skills, decisions, seed;
	bool json, check;
	/* bench store and bench journal */
	uint64_t flush_ms, batch, events;
	enum store_durability durability;
	const char *dir; /* where the scratch store goes */
};

/* The engine plus what the host side knows about it. */
struct bench {
	struct acd *acd;
	acd_time_t now;      /* the engine's clock, ms */
	uint64_t rng;        /* the bench's own draws */
	uint32_t queue;      /* the one queue */
	uint32_t *skill_ids; /* [skills] */
	uint64_t *conn;      /* [agent] connected contact, or NO_CONTACT */
	size_t nbusy;        /* agents holding a contact */
	uint64_t failures;   /* engine calls that returned an error */
	const struct bench_opts *o;
	struct store *store; /* NULL: no journal */
	struct timespec flushed_at;
	uint64_t journaled, flushes;
};

enum {
	OPT_AGENTS = 256,
	OPT_CONTACTS,
	OPT_SKILLS,
	OPT_DECISIONS,
	OPT_SEED,
	OPT_JSON,
	OPT_CHECK,
	OPT_FLUSH_MS,
	OPT_DURABILITY,
	OPT_DIR,
	OPT_BATCH,
	OPT_EVENTS,
};

static const struct option long_options[] = {
    {"agents", required_argument, NULL, OPT_AGENTS},
    {"contacts", required_argument, NULL, OPT_CONTACTS},
    {"skills", required_argument, NULL, OPT_SKILLS},
    {"decisions", required_argument, NULL, OPT_DECISIONS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"json", no_argument, NULL, OPT_JSON},
    {"check", no_argument, NULL, OPT_CHECK},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const struct option store_options[] = {
    {"agents", required_argument, NULL, OPT_AGENTS},
    {"contacts", required_argument, NULL, OPT_CONTACTS},
    {"skills", required_argument, NULL, OPT_SKILLS},
    {"decisions", required_argument, NULL, OPT_DECISIONS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"flush-ms", required_argument, NULL, OPT_FLUSH_MS},
    {"durability", required_argument, NULL, OPT_DURABILITY},
    {"dir", required_argument, NULL, OPT_DIR},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const struct option journal_options[] = {
    {"batch", required_argument, NULL, OPT_BATCH},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"durability", required_argument, NULL, OPT_DURABILITY},
    {"dir", required_argument, NULL, OPT_DIR},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage_bench(FILE *f)
{
	fputs("usage: centralino bench BENCHMARK [OPTIONS]\n"
	      "\n"
	      "benchmarks:\n"
	      "  routing    cost per routing decision and peak memory\n"
	      "  store      the routing workload with its journal in a store, "
	      "against none\n"
	      "  journal    events per second the store takes, by batch\n"
	      "\n"
	      "'centralino bench BENCHMARK --help' describes one.\n",
	      f);
}

static void usage_routing(FILE *f)
{
	fputs("usage: centralino bench routing --agents N --contacts M "
	      "[--skills K]\n"
	      "                                [--decisions D] [--seed S] "
	      "[--check] [--json]\n"
	      "\n"
	      "N agents ready and busy, M - N contacts waiting in one "
	      "longest-idle\n"
	      "queue; then D times: end a random agent's contact, the engine "
	      "gives\n"
	      "that agent the best waiting contact, one new contact arrives.\n"
	      "\n"
	      "  --agents N      agents, all logged in and ready (>= 1)\n"
	      "  --contacts M    contacts alive at all times (>= N)\n"
	      "  --skills K      K skills, one required per contact, 1-3 per "
	      "agent\n"
	      "                  (default 0: no skill requirement)\n"
	      "  --decisions D   timed iterations (default 200000)\n"
	      "  --seed S        random seed (default 1)\n"
	      "  --check         verify the engine's invariants afterwards\n"
	      "  --json          one JSON object instead of a line of text\n"
	      "  --help          this text\n",
	      f);
}

static void usage_store(FILE *f)
{
	fputs(
	    "usage: centralino bench store [--agents N] [--contacts M] "
	    "[--skills K]\n"
	    "                              [--decisions D] [--seed S] "
	    "[--flush-ms F]\n"
	    "                              [--durability normal|full] "
	    "[--dir DIR] [--json]\n"
	    "\n"
	    "The routing workload (see bench routing) twice: without a "
	    "store, then\nwith every engine event appended to a store "
	    "as the daemon does and\nflushed every F ms of real time "
	    "(group commit).\n"
	    "\n"
	    "  --agents N, --contacts M, --skills K, --decisions D, --seed S\n"
	    "                  as bench routing (defaults 1000, 11000, 0, "
	    "200000, 1)\n"
	    "  --flush-ms F    ms between flushes (default 5, the "
	    "daemon's)\n"
	    "  --durability D  normal (default) or full\n"
	    "  --dir DIR       where the scratch store goes (default "
	    "/tmp)\n"
	    "  --json          one JSON object instead of a line of text\n"
	    "  --help          this text\n",
	    f);
}

static void usage_journal(FILE *f)
{
	fputs("usage: centralino bench journal [--batch B] [--events E] "
	      "[--durability normal|full]\n"
	      "                                [--dir DIR] [--json]\n"
	      "\n"
	      "E journal events (queued, offered, accepted in turn, with "
	      "names) appended\nto a fresh store and flushed every B "
	      "events: one transaction per flush.\n"
	      "\n"
	      "  --batch B       events per flush (default 1000)\n"
	      "  --events E      events in all (default 200000)\n"
	      "  --durability D  normal (default) or full\n"
	      "  --dir DIR       where the scratch store goes (default "
	      "/tmp)\n"
	      "  --json          one JSON object instead of a line of text\n"
	      "  --help          this text\n",
	      f);
}

static const char *bench_name = "bench routing"; /* for messages */

/* Parse a flag's unsigned integer within [lo, hi]. Returns 0, or 2 after
 * a message naming the flag. */
static int flag_uint(const char *flag, const char *arg, uint64_t lo,
                     uint64_t hi, uint64_t *x)
{
	char *end;

	errno = 0;
	*x = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || arg[0] == '-') {
		fprintf(stderr, "%s: --%s: '%s' is not a count\n", bench_name,
		        flag, arg);
		return 2;
	}
	if (*x < lo || *x > hi) {
		fprintf(stderr, "%s: --%s: %s is out of range [%llu, %llu]\n",
		        bench_name, flag, arg, (unsigned long long)lo,
		        (unsigned long long)hi);
		return 2;
	}
	return 0;
}

static int set_option(int c, const char *arg, void *opts)
{
	struct bench_opts *o = opts;
	switch (c) {
	case OPT_AGENTS:
		return flag_uint("agents", arg, 1, 10000000, &o->agents);
	case OPT_CONTACTS:
		return flag_uint("contacts", arg, 1, 100000000, &o->contacts);
	case OPT_SKILLS:
		return flag_uint("skills", arg, 0, 10000, &o->skills);
	case OPT_DECISIONS:
		return flag_uint("decisions", arg, 1, UINT32_MAX,
		                 &o->decisions);
	case OPT_SEED:
		return flag_uint("seed", arg, 0, UINT64_MAX, &o->seed);
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_CHECK:
		o->check = true;
		return 0;
	case OPT_FLUSH_MS:
		return flag_uint("flush-ms", arg, 1, 60000, &o->flush_ms);
	case OPT_BATCH:
		return flag_uint("batch", arg, 1, 100000, &o->batch);
	case OPT_EVENTS:
		return flag_uint("events", arg, 1, 100000000, &o->events);
	case OPT_DIR:
		o->dir = arg;
		return 0;
	case OPT_DURABILITY:
		if (!strcmp(arg, "normal") || !strcmp(arg, "full")) {
			o->durability = arg[0] == 'f' ? STORE_DURABILITY_FULL
			                              : STORE_DURABILITY_NORMAL;
			return 0;
		}
		fprintf(stderr,
		        "%s: --durability: '%s' is not normal or full\n",
		        bench_name, arg);
		return 2;
	}
	return 2;
}

/* Flags that must go together. Returns 0 or 2 after a message. */
static int check_combination(const struct bench_opts *o)
{
	const char *msg = NULL;

	if (!o->agents)
		msg = "missing --agents";
	else if (!o->contacts)
		msg = "missing --contacts";
	else if (o->contacts < o->agents)
		msg = "--contacts must be at least --agents (every agent "
		      "busy)";
	else if (o->skills > o->agents)
		msg = "--skills must not exceed --agents (every skill needs "
		      "an agent)";
	if (msg) {
		fprintf(stderr, "%s: %s\n", bench_name, msg);
		return 2;
	}
	return 0;
}

/* argv[0] names the benchmark. Returns 0, -1 after --help, or 2. */
static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	bool store = !strcmp(argv[0], "store");
	bool journal = !strcmp(argv[0], "journal");
	int err;

	*o = (struct bench_opts){.decisions = 200000,
	                         .seed = 1,
	                         .flush_ms = 5,
	                         .batch = 1000,
	                         .events = 200000,
	                         .dir = "/tmp"};
	if (store) { /* a mid-sized box by default: 1,000 agents */
		o->agents = 1000;
		o->contacts = 11000;
	}
	bench_name = o->name = journal ? "bench journal"
	                       : store ? "bench store"
	                               : "bench routing";
	err = cli_options(argc, argv, o->name,
	                  journal ? journal_options
	                  : store ? store_options
	                          : long_options,
	                  set_option, o);
	if (err == -1)
		(journal ? usage_journal
		 : store ? usage_store
		         : usage_routing)(stdout);
	if (err)
		return err;
	return journal ? 0 : check_combination(o);
}

/* splitmix64: the bench's draws, independent of the engine's. */
static uint64_t draw(struct bench *b)
{
	uint64_t z = (b->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static acd_time_t bench_clock(void *arg)
{
	return ((const struct bench *)arg)->now;
}

static void busy_add(struct bench *b, uint32_t agent, uint64_t contact)
{
	if (b->conn[agent] != NO_CONTACT) { /* capacity 1: cannot happen */
		b->failures++;
		return;
	}
	b->conn[agent] = contact;
	b->nbusy++;
}

/*
 * A random busy agent: draws until one holds a contact. A dense list of
 * busy agents was rejected: at 100,000 agents its upkeep cost the bench
 * three cache misses per iteration, charged to the engine; nearly every
 * agent is busy, so the draws rarely repeat. Needs nbusy > 0.
 */
static uint32_t busy_pick(struct bench *b)
{
	uint32_t agent;

	do
		agent = (uint32_t)(draw(b) % b->o->agents);
	while (b->conn[agent] == NO_CONTACT);
	return agent;
}

/* Forget the agent's contact; returns it. */
static uint64_t busy_take(struct bench *b, uint32_t agent)
{
	uint64_t contact = b->conn[agent];

	b->conn[agent] = NO_CONTACT;
	b->nbusy--;
	return contact;
}

/* The event into the store with its names, as `centralino run` does. */
static void bench_journal_event(struct bench *b, const struct acd_event *ev)
{
	uint32_t tenant = ev->tenant;

	if (tenant == ACD_NONE && ev->agent != ACD_NONE)
		tenant = acd_agent_tenant(b->acd, ev->agent);
	if (store_journal_append(b->store, ev, acd_tenant_name(b->acd, tenant),
	                         acd_queue_name(b->acd, ev->queue),
	                         acd_agent_name(b->acd, ev->agent)))
		b->failures++;
	else
		b->journaled++;
}

/* Offers are accepted from the handler: the engine allows the call back. */
static void bench_event(const struct acd_event *ev, void *arg)
{
	struct bench *b = arg;

	if (b->store)
		bench_journal_event(b, ev);
	if (ev->type == ACD_EV_CONTACT_OFFERED) {
		if (acd_offer_accept(b->acd, ev->contact, ev->agent))
			b->failures++;
	} else if (ev->type == ACD_EV_OFFER_ACCEPTED) {
		if (ev->agent < b->o->agents)
			busy_add(b, ev->agent, ev->contact);
		else
			b->failures++;
	}
}

/* "any" at 5 for everyone, then 1-3 distinct skills of the K at 1..5;
 * the first is agent % K, so that every skill has agents. */
static unsigned agent_skills(struct bench *b, uint32_t agent,
                             struct acd_agent_skill *v, uint32_t any)
{
	uint64_t k = b->o->skills;
	unsigned n = 1, want = k ? 1 + (unsigned)(draw(b) % 3) : 0;

	v[0] = (struct acd_agent_skill){.skill = any, .proficiency = 5};
	if (want > k)
		want = (unsigned)k;
	while (n < want + 1) {
		uint64_t s = n == 1 ? agent % k : draw(b) % k;
		bool dup = false;

		for (unsigned i = 1; i < n; i++)
			dup |= v[i].skill == b->skill_ids[s];
		if (dup)
			continue;
		v[n].skill = b->skill_ids[s];
		v[n++].proficiency = (uint8_t)(1 + draw(b) % 5);
	}
	return n;
}

/* The tenant, the skills and the queue. Returns 0 or an errno. */
static int setup_registry(struct bench *b, uint32_t *tenantp, uint32_t *anyp)
{
	struct acd_queue_params qp = {.name = "bench",
	                              .strategy = ACD_STRAT_LONGEST_IDLE,
	                              .offer_timeout = OFFER_TIMEOUT_MS,
	                              .sl_threshold = 20000};
	char name[32];
	int err;

	err = acd_tenant_add(b->acd, "bench", tenantp);
	if (!err)
		err = acd_skill_add(b->acd, "any", anyp);
	for (uint64_t i = 0; !err && i < b->o->skills; i++) {
		snprintf(name, sizeof(name), "skill%llu",
		         (unsigned long long)i);
		err = acd_skill_add(b->acd, name, &b->skill_ids[i]);
	}
	qp.tenant = *tenantp;
	if (!err)
		err = acd_queue_add(b->acd, &qp, &b->queue);
	return err;
}

/* Every agent added, made a member, and ready. Returns 0 or an errno. */
static int setup_agents(struct bench *b)
{
	struct acd_agent_skill skills[4];
	struct acd_agent_params ap = {.skills = skills};
	uint32_t tenant, any, id;
	char name[32];
	int err = setup_registry(b, &tenant, &any);

	ap.tenant = tenant;
	ap.name = name;
	for (uint64_t i = 0; !err && i < b->o->agents; i++) {
		snprintf(name, sizeof(name), "agent%llu",
		         (unsigned long long)i);
		ap.nskills = agent_skills(b, (uint32_t)i, skills, any);
		err = acd_agent_add(b->acd, &ap, &id);
		if (!err && id != i) /* ids are dense from 0 */
			err = EPROTO;
		if (!err)
			err = acd_member_add(b->acd, id, b->queue, 0);
		if (!err)
			err = acd_agent_presence(b->acd, id, ACD_PRESENCE_READY,
			                         NULL);
	}
	return err;
}

/* One new contact needing one random skill (none when K is 0). */
static int contact_new(struct bench *b)
{
	struct acd_contact_params cp = {.channel = ACD_CH_VOICE,
	                                .queue = b->queue};
	uint64_t id;

	if (b->o->skills) {
		cp.reqs[0].skill = b->skill_ids[draw(b) % b->o->skills];
		cp.reqs[0].min_proficiency = 1;
		cp.nreqs = 1;
	}
	return acd_contact_add(b->acd, &cp, &id);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Group commit: flush once flush_ms of real time has passed, as the
 * daemon's timer does. Returns 0 or the flush's errno. */
static int bench_flush(struct bench *b, bool now)
{
	int err;

	if (!now &&
	    seconds_since(&b->flushed_at) * 1000 < (double)b->o->flush_ms)
		return 0;
	err = store_flush(b->store);
	if (err)
		fprintf(stderr, "%s: %s\n", b->o->name, store_errmsg(b->store));
	b->flushes++;
	clock_gettime(CLOCK_MONOTONIC, &b->flushed_at);
	return err;
}

/* One iteration: end a random busy agent's contact, add one. */
static int bench_step(struct bench *b)
{
	uint32_t agent;
	int err;

	b->now++;
	if (!b->nbusy)
		return EPROTO; /* nobody connected: the scenario broke */
	agent = busy_pick(b);
	err = acd_contact_end(b->acd, busy_take(b, agent));
	if (!err)
		err = contact_new(b);
	if (!err && b->store)
		err = bench_flush(b, false);
	return err;
}

struct bench_result {
	double setup_s, loop_s, ns_per_decision, peak_rss_mib;
	uint64_t decisions;
	uint64_t journaled, flushes; /* events written by the loop */
	size_t busy_after_setup;
	struct acd_totals totals;
};

static double peak_rss_mib(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

/* Setup, then the timed loop. Returns 0 or an errno. */
static int bench_run(struct bench *b, struct bench_result *r)
{
	struct acd_totals t0;
	struct timespec start;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	err = setup_agents(b);
	for (uint64_t i = 0; !err && i < b->o->contacts; i++)
		err = contact_new(b);
	r->setup_s = seconds_since(&start);
	r->busy_after_setup = b->nbusy;
	if (err)
		return err;
	if (b->store && (err = bench_flush(b, true))) /* the setup's events */
		return err;
	b->journaled = b->flushes = 0;
	acd_totals(b->acd, &t0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (uint64_t i = 0; !err && i < b->o->decisions; i++)
		err = bench_step(b);
	if (!err && b->store) /* the last events count, committed */
		err = bench_flush(b, true);
	r->loop_s = seconds_since(&start);
	r->journaled = b->journaled;
	r->flushes = b->flushes;
	acd_totals(b->acd, &r->totals);
	r->decisions = r->totals.decisions - t0.decisions;
	r->ns_per_decision =
	    r->decisions ? r->loop_s * 1e9 / (double)r->decisions : 0;
	r->peak_rss_mib = peak_rss_mib();
	return err;
}

static int print_result(const struct bench_opts *o,
                        const struct bench_result *r)
{
	uint64_t waiting = r->totals.contacts - r->busy_after_setup;

	if (!o->json) {
		printf("routing: %llu agents, %llu contacts (%llu waiting), "
		       "%llu skills, %zu pools: %llu decisions, %.0f "
		       "ns/decision, peak RSS %.1f MiB, setup %.2f s\n",
		       (unsigned long long)o->agents,
		       (unsigned long long)o->contacts,
		       (unsigned long long)waiting,
		       (unsigned long long)o->skills, r->totals.pools,
		       (unsigned long long)r->decisions, r->ns_per_decision,
		       r->peak_rss_mib, r->setup_s);
		return 0;
	}
	json_t *root = json_pack(
	    "{sI sI sI sI sI sI sf sf sf sf sI sI}", "agents",
	    (json_int_t)o->agents, "contacts", (json_int_t)o->contacts,
	    "skills", (json_int_t)o->skills, "waiting", (json_int_t)waiting,
	    "decisions", (json_int_t)r->decisions, "pools",
	    (json_int_t)r->totals.pools, "ns_per_decision", r->ns_per_decision,
	    "peak_rss_mib", r->peak_rss_mib, "setup_seconds", r->setup_s,
	    "loop_seconds", r->loop_s, "seed", (json_int_t)o->seed,
	    "iterations", (json_int_t)o->decisions);
	int err = !root || json_dumpf(root, stdout, JSON_REAL_PRECISION(6)) ||
	          fputc('\n', stdout) == EOF;

	json_decref(root);
	if (err)
		fprintf(stderr, "%s: cannot write output\n", o->name);
	return err ? 1 : 0;
}

/* Verify the engine (--check), and that every call went through. */
static int bench_verify(const struct bench *b, const struct bench_result *r)
{
	char why[256];

	if (b->failures) {
		fprintf(stderr, "%s: %llu engine or store calls failed\n",
		        b->o->name, (unsigned long long)b->failures);
		return 1;
	}
	if (r->totals.contacts != b->o->contacts) {
		fprintf(stderr, "%s: %zu contacts alive, want %llu\n",
		        b->o->name, r->totals.contacts,
		        (unsigned long long)b->o->contacts);
		return 1;
	}
	if (b->o->check && acd_check(b->acd, why, sizeof(why))) {
		fprintf(stderr, "%s: engine check: %s\n", b->o->name, why);
		return 1;
	}
	return 0;
}

/* The workload once, journaled into store when not NULL. Returns 0, or
 * 1 after a message. */
static int routing_once(const struct bench_opts *o, struct store *store,
                        struct bench_result *r)
{
	struct bench b = {.o = o, .rng = o->seed, .store = store};
	int err, status = 1;

	b.skill_ids = calloc(o->skills ? o->skills : 1, sizeof(*b.skill_ids));
	b.conn = malloc(o->agents * sizeof(*b.conn));
	err = !b.skill_ids || !b.conn ? ENOMEM : 0;
	if (!err)
		err = acd_alloc(&b.acd, bench_clock, bench_event, &b, o->seed);
	if (err)
		goto out;
	memset(b.conn, 0xff, o->agents * sizeof(*b.conn)); /* NO_CONTACT */
	clock_gettime(CLOCK_MONOTONIC, &b.flushed_at);
	err = bench_run(&b, r);
	if (err)
		goto out;
	status = bench_verify(&b, r);
out:
	if (err)
		fprintf(stderr, "%s: %s\n", o->name, strerror(err));
	b.store = NULL; /* acd_free's last events are not timed */
	acd_free(b.acd);
	free(b.skill_ids);
	free(b.conn);
	return status;
}

static int bench_routing(const struct bench_opts *o)
{
	struct bench_result r = {0};
	int status = routing_once(o, NULL, &r);

	return status ? status : print_result(o, &r);
}

/* A scratch store: DIR/centralino-bench-XXXXXX/bench.db. */
struct scratch {
	char dir[256], path[300];
	struct store *store;
};

static int scratch_open(struct scratch *sc, const struct bench_opts *o)
{
	/* A buffer far above the daemon's bound: this measures throughput,
	 * not the refusal of work beyond the bound (tested elsewhere). */
	const struct store_params p = {.durability = o->durability,
	                               .max_buffered = 10000000};
	char err[600];

	snprintf(sc->dir, sizeof(sc->dir), "%s/centralino-bench-XXXXXX",
	         o->dir);
	if (!mkdtemp(sc->dir)) {
		fprintf(stderr, "%s: --dir %s: %s\n", o->name, o->dir,
		        strerror(errno));
		return 1;
	}
	snprintf(sc->path, sizeof(sc->path), "%s/bench.db", sc->dir);
	if (store_open(&sc->store, sc->path, &p, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", o->name, err);
		rmdir(sc->dir);
		return 1;
	}
	return 0;
}

/* Close and remove the scratch store; its size in MiB first. */
static double scratch_close(struct scratch *sc)
{
	static const char *const ext[] = {"", "-wal", "-shm"};
	char f[320];
	double mib = 0;
	FILE *fp;

	store_close(sc->store);
	for (size_t i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s%s", sc->path, ext[i]);
		if (!i && (fp = fopen(f, "rb"))) {
			fseek(fp, 0, SEEK_END);
			mib = (double)ftell(fp) / (1024.0 * 1024.0);
			fclose(fp);
		}
		unlink(f);
	}
	rmdir(sc->dir);
	return mib;
}

static const char *durability_name(enum store_durability d)
{
	return d == STORE_DURABILITY_FULL ? "full" : "normal";
}

static int print_store(const struct bench_opts *o,
                       const struct bench_result *off,
                       const struct bench_result *on, double mib)
{
	double dps_off =
	    off->loop_s > 0 ? (double)off->decisions / off->loop_s : 0;
	double dps_on = on->loop_s > 0 ? (double)on->decisions / on->loop_s : 0;
	double eps = on->loop_s > 0 ? (double)on->journaled / on->loop_s : 0;
	json_t *root;
	int err;

	if (!o->json) {
		printf("store: %llu agents, %llu contacts: %.0f decisions/s "
		       "without a store, %.0f with (%s, flush every %llu ms): "
		       "%.0f events/s journaled, %.1f events per flush\n",
		       (unsigned long long)o->agents,
		       (unsigned long long)o->contacts, dps_off, dps_on,
		       durability_name(o->durability),
		       (unsigned long long)o->flush_ms, eps,
		       on->flushes ? (double)on->journaled / (double)on->flushes
		                   : 0);
		return 0;
	}
	root = json_pack(
	    "{ss sI sI sI sI ss sI sf sf sf sf sf sI sI sf sf sf sf}",
	    "benchmark", "store", "agents", (json_int_t)o->agents, "contacts",
	    (json_int_t)o->contacts, "skills", (json_int_t)o->skills,
	    "decisions", (json_int_t)on->decisions, "durability",
	    durability_name(o->durability), "flush_ms", (json_int_t)o->flush_ms,
	    "ns_per_decision_off", off->ns_per_decision, "ns_per_decision_on",
	    on->ns_per_decision, "decisions_per_second_off", dps_off,
	    "decisions_per_second_on", dps_on, "slowdown",
	    dps_on > 0 ? dps_off / dps_on : 0, "events",
	    (json_int_t)on->journaled, "flushes", (json_int_t)on->flushes,
	    "events_per_decision",
	    on->decisions ? (double)on->journaled / (double)on->decisions : 0,
	    "events_per_second_on", eps, "store_mib", mib, "peak_rss_mib",
	    on->peak_rss_mib);
	err = !root || json_dumpf(root, stdout, JSON_REAL_PRECISION(6)) ||
	      fputc('\n', stdout) == EOF;
	json_decref(root);
	if (err)
		fprintf(stderr, "%s: cannot write output\n", o->name);
	return err ? 1 : 0;
}

/* The routing workload without a store, then with one. */
static int bench_store(const struct bench_opts *o)
{
	struct bench_result off = {0}, on = {0};
	struct scratch sc = {0};
	double mib;
	int status = routing_once(o, NULL, &off);

	if (status || (status = scratch_open(&sc, o)))
		return status;
	status = routing_once(o, sc.store, &on);
	mib = scratch_close(&sc);
	return status ? status : print_store(o, &off, &on, mib);
}

/* Event i of the journal bench: queued, offered (a decision, an agent),
 * accepted, in turn, for contact i / 3. */
static int journal_one(struct store *s, uint64_t i)
{
	static const enum acd_event_type types[] = {ACD_EV_CONTACT_QUEUED,
	                                            ACD_EV_CONTACT_OFFERED,
	                                            ACD_EV_OFFER_ACCEPTED};
	struct acd_event ev = {.type = types[i % 3],
	                       .time = (acd_time_t)i,
	                       .contact = 1 + i / 3,
	                       .agent = (uint32_t)(i % 50),
	                       .channel = ACD_CH_VOICE,
	                       .reason = "arrival",
	                       .decision = {.strategy = ACD_STRAT_LONGEST_IDLE,
	                                    .candidates = 3,
	                                    .waiting = 1,
	                                    .metric = 41000}};
	char agent[16];

	snprintf(agent, sizeof(agent), "agent%u", (unsigned)(i % 50));
	return store_journal_append(s, &ev, "bench", "health",
	                            i % 3 ? agent : NULL);
}

static int bench_journal(const struct bench_opts *o)
{
	struct scratch sc = {0};
	struct store_stats st;
	struct timespec t0;
	double secs;
	int err = 0;

	if (scratch_open(&sc, o))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; !err && i < o->events; i++) {
		err = journal_one(sc.store, i);
		if (!err && ((i + 1) % o->batch == 0 || i + 1 == o->events))
			err = store_flush(sc.store);
	}
	secs = seconds_since(&t0);
	store_stats(sc.store, &st);
	if (err)
		fprintf(stderr, "%s: %s\n", o->name,
		        store_errmsg(sc.store)[0] ? store_errmsg(sc.store)
		                                  : strerror(err));
	scratch_close(&sc);
	if (err)
		return 1;
	if (!o->json)
		printf(
		    "journal: %llu events, %llu per flush, durability %s: "
		    "%.0f events/s\n",
		    (unsigned long long)o->events, (unsigned long long)o->batch,
		    durability_name(o->durability), (double)o->events / secs);
	else
		printf(
		    "{\"benchmark\": \"journal\", \"events\": %llu, "
		    "\"batch\": %llu, \"durability\": \"%s\", \"commits\": "
		    "%llu, \"seconds\": %.6f, \"events_per_second\": %.0f}\n",
		    (unsigned long long)o->events, (unsigned long long)o->batch,
		    durability_name(o->durability),
		    (unsigned long long)st.commits, secs,
		    (double)o->events / secs);
	return 0;
}

/**
 * `centralino bench BENCHMARK ...`. argv[0] is "bench". Returns 0, 1 when
 * the benchmark failed, 2 on a usage error (with a message naming it).
 */
int cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	int err;

	if (argc < 2) {
		usage_bench(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage_bench(stdout);
		return 0;
	}
	if (strcmp(argv[1], "routing") && strcmp(argv[1], "store") &&
	    strcmp(argv[1], "journal")) {
		fprintf(stderr, "bench: unknown benchmark '%s'\n\n", argv[1]);
		usage_bench(stderr);
		return 2;
	}
	err = parse_args(argc - 1, argv + 1, &o);
	if (err)
		return err < 0 ? 0 : err;
	if (!strcmp(argv[1], "store"))
		return bench_store(&o);
	if (!strcmp(argv[1], "journal"))
		return bench_journal(&o);
	return bench_routing(&o);
}
