/*
 * cmd_bench.c - `centralino bench routing`: the engine's cost per routing
 * decision at scale, and its memory.
 *
 * One tenant, one longest-idle queue, N agents ready and busy, M - N
 * contacts waiting. The timed loop ends a random agent's contact, so the
 * engine picks the best waiting contact for that agent (one decision),
 * which the event handler accepts at once; then one new contact arrives
 * so the backlog stays at M. The engine gets a simulated clock advanced
 * by 1 ms per iteration: it never reads real time, the loop does.
 * bench/README.md describes the scenario and the figures.
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

#include "centralino/acd.h"
#include "cli/args.h"
#include "cli/cli.h"

#define NO_CONTACT UINT64_MAX
/* A ring time no run reaches: no offer timer ever fires. */
#define OFFER_TIMEOUT_MS (1000LL * 3600 * 24 * 365 * 100)

struct bench_opts {
	uint64_t agents, contacts, skills, decisions, seed;
	bool json, check;
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
};

enum {
	OPT_AGENTS = 256,
	OPT_CONTACTS,
	OPT_SKILLS,
	OPT_DECISIONS,
	OPT_SEED,
	OPT_JSON,
	OPT_CHECK,
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

static void usage_bench(FILE *f)
{
	fputs("usage: centralino bench BENCHMARK [OPTIONS]\n"
	      "\n"
	      "benchmarks:\n"
	      "  routing    cost per routing decision and peak memory\n"
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

/* Parse a flag's unsigned integer within [lo, hi]. Returns 0, or 2 after
 * a message naming the flag. */
static int flag_uint(const char *flag, const char *arg, uint64_t lo,
                     uint64_t hi, uint64_t *x)
{
	char *end;

	errno = 0;
	*x = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || arg[0] == '-') {
		fprintf(stderr, "bench routing: --%s: '%s' is not a count\n",
		        flag, arg);
		return 2;
	}
	if (*x < lo || *x > hi) {
		fprintf(stderr,
		        "bench routing: --%s: %s is out of range [%llu, "
		        "%llu]\n",
		        flag, arg, (unsigned long long)lo,
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
		fprintf(stderr, "bench routing: %s\n", msg);
		return 2;
	}
	return 0;
}

/* Returns 0, -1 after --help, or 2 on a usage error. */
static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	int err;

	*o = (struct bench_opts){.decisions = 200000, .seed = 1};
	err = cli_options(argc, argv, "bench routing", long_options, set_option,
	                  o);
	if (err == -1)
		usage_routing(stdout);
	if (err)
		return err;
	return check_combination(o);
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

/* Offers are accepted from the handler: the engine allows the call back. */
static void bench_event(const struct acd_event *ev, void *arg)
{
	struct bench *b = arg;

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
	return err;
}

struct bench_result {
	double setup_s, loop_s, ns_per_decision, peak_rss_mib;
	uint64_t decisions;
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
	acd_totals(b->acd, &t0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (uint64_t i = 0; !err && i < b->o->decisions; i++)
		err = bench_step(b);
	r->loop_s = seconds_since(&start);
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
		fprintf(stderr, "bench routing: cannot write output\n");
	return err ? 1 : 0;
}

/* Verify the engine (--check), and that every call went through. */
static int bench_verify(const struct bench *b, const struct bench_result *r)
{
	char why[256];

	if (b->failures) {
		fprintf(stderr, "bench routing: %llu engine calls failed\n",
		        (unsigned long long)b->failures);
		return 1;
	}
	if (r->totals.contacts != b->o->contacts) {
		fprintf(stderr,
		        "bench routing: %zu contacts alive, want %llu\n",
		        r->totals.contacts, (unsigned long long)b->o->contacts);
		return 1;
	}
	if (b->o->check && acd_check(b->acd, why, sizeof(why))) {
		fprintf(stderr, "bench routing: engine check: %s\n", why);
		return 1;
	}
	return 0;
}

static int bench_routing(const struct bench_opts *o)
{
	struct bench b = {.o = o, .rng = o->seed};
	struct bench_result r = {0};
	int err, status = 1;

	b.skill_ids = calloc(o->skills ? o->skills : 1, sizeof(*b.skill_ids));
	b.conn = malloc(o->agents * sizeof(*b.conn));
	err = !b.skill_ids || !b.conn ? ENOMEM : 0;
	if (!err)
		err = acd_alloc(&b.acd, bench_clock, bench_event, &b, o->seed);
	if (err)
		goto out;
	memset(b.conn, 0xff, o->agents * sizeof(*b.conn)); /* NO_CONTACT */
	err = bench_run(&b, &r);
	if (err)
		goto out;
	status = bench_verify(&b, &r);
	if (!status)
		status = print_result(o, &r);
out:
	if (err)
		fprintf(stderr, "bench routing: %s\n", strerror(err));
	acd_free(b.acd);
	free(b.skill_ids);
	free(b.conn);
	return status;
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
	if (strcmp(argv[1], "routing")) {
		fprintf(stderr, "bench: unknown benchmark '%s'\n\n", argv[1]);
		usage_bench(stderr);
		return 2;
	}
	err = parse_args(argc - 1, argv + 1, &o);
	if (err)
		return err < 0 ? 0 : err;
	return bench_routing(&o);
}
