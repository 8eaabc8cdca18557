/*
 * test_core_config.c - the YAML configuration: the demo parses into the
 * values it says, and each broken input is reported at its line, column
 * and field.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config_fixture.h"
#include "core/config.h"

/* The repository root, from this file's path as the compiler saw it. */
static const struct config_queue *queue(const struct config *cfg,
                                        const char *name)
{
	for (size_t i = 0; i < cfg->nqueues; i++) {
		if (!strcmp(cfg->queues[i].name, name))
			return &cfg->queues[i];
	}
	fail_msg("no queue %s", name);
	return NULL;
}

static void test_demo_parses(void **state)
{
	struct config *cfg = load_demo();

	(void)state;
	assert_int_equal(cfg->ntenants, 1);
	assert_string_equal(cfg->tenants[0].timezone, "Europe/Rome");
	assert_int_equal(cfg->nskills, 5);
	assert_int_equal(cfg->nqueues, 2);
	assert_int_equal(cfg->nagents, 10);

	const struct config_queue *h = queue(cfg, "health");
	assert_int_equal(h->strategy, ACD_STRAT_BEST_SKILL);
	assert_int_equal(h->wrapup, 10000);
	assert_int_equal(h->max_wait, 600000);
	assert_int_equal(h->offer_timeout, 20000);
	assert_int_equal(h->fallback[ACD_FALLBACK_MAX_WAIT].action,
	                 ACD_ACTION_CALLBACK);
	assert_int_equal(h->nsteps, 2);
	assert_int_equal(h->steps[0].after, 30000);
	assert_int_equal(h->steps[0].min_proficiency, 2);
	assert_int_equal(h->steps[1].after, 90000);
	assert_string_equal(h->steps[1].overflow.name, "information");
	assert_ptr_equal(&cfg->queues[h->steps[1].overflow.index],
	                 queue(cfg, "information"));

	const struct config_agent *a1 = &cfg->agents[0];
	assert_string_equal(a1->name, "agent1");
	assert_string_equal(a1->password, "demo");
	assert_int_equal(a1->nqueues, 2);
	assert_int_equal(a1->capacity[ACD_CH_VOICE], 1);
	assert_int_equal(cfg->agents[3].capacity[ACD_CH_CHAT], 3);
	assert_int_equal(cfg->agents[5].nqueues, 1);
	config_free(cfg);
}

static void test_defaults_and_forms(void **state)
{
	const char *yaml =
	    "tenants: [{name: t}]\n"
	    "skills: [s1, s2]\n"
	    "queues:\n"
	    "  - {name: q, tenant: t, offer_timeout: 500ms, max_wait: 2,\n"
	    "     after_no_answer: ready, priority: -5,\n"
	    "     escalation: [{after: 1h, priority: 3,\n"
	    "                   replace_skill: {from: s1}}]}\n"
	    "agents:\n"
	    "  - {name: a, tenant: t, queues: {q: 7}, call_shares: true,\n"
	    "     capacity: {voice: 2, chat: 0}}\n";
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	(void)state;
	assert_int_equal(parse(yaml, &cfg, &errs), 0);
	const struct config_queue *q = &cfg->queues[0];
	assert_string_equal(cfg->tenants[0].timezone, "UTC");
	assert_int_equal(q->strategy, ACD_STRAT_LONGEST_IDLE);
	assert_int_equal(q->offer_timeout, 500);
	assert_int_equal(q->max_wait, 2000);
	assert_int_equal(q->service_level, 20000);
	assert_int_equal(q->priority, -5);
	assert_true(q->no_answer_ready);
	assert_false(q->reject_ready);
	assert_int_equal(q->callback.attempts, 3);
	assert_int_equal(q->callback.retry_after, 300000);
	assert_int_equal(q->callback.ring, 30000);
	assert_int_equal(q->steps[0].after, 3600000);
	assert_int_equal(q->steps[0].skill_from.index, 0);
	assert_int_equal(q->steps[0].skill_to.index, SIZE_MAX);
	const struct config_agent *a = &cfg->agents[0];
	assert_int_equal(a->queues[0].priority, 7);
	assert_int_equal(a->queues[0].queue.index, 0);
	assert_true(a->call_shares);
	assert_int_equal(a->capacity[ACD_CH_VOICE], 2);
	assert_int_equal(a->capacity[ACD_CH_CALLBACK], 2);
	assert_int_equal(a->capacity[ACD_CH_CHAT], 0);
	assert_int_equal(a->capacity[ACD_CH_EMAIL], 1);
	config_free(cfg);
	config_errors_free(&errs);
}

#define HEAD "tenants: [{name: t}]\nskills: [s]\n"

static const struct vector vectors[] = {
    {"unknown field",
     HEAD "queues:\n  - name: q\n    tenant: t\n"
          "    colour: red\n",
     6, 5, "queues[0].colour", "unknown field 'colour'; expected one of name",
     1},
    {"callback attempts 0",
     HEAD "queues: [{name: q, tenant: t, callback: {attempts: 0}}]\n", 3, 52,
     "queues[0].callback.attempts", "out of range 1..20", 1},
    {"callback retry_after 10ms",
     HEAD "queues: [{name: q, tenant: t, callback: {retry_after: 10ms}}]\n", 3,
     55, "queues[0].callback.retry_after", "must be 1s or more", 1},
    {"callback ring 1h",
     HEAD "queues: [{name: q, tenant: t, callback: {ring: 1h}}]\n", 3, 48,
     "queues[0].callback.ring", "must be from 1s to 5m", 1},
    {"unknown section", "tenants: []\nphone: {}\n", 2, 1, "phone",
     "expected one of tenants, skills, queues, agents, sip", 1},
    {"bad duration", HEAD "queues: [{name: q, tenant: t, wrapup: 10x}]\n", 3,
     39, "queues[0].wrapup", "bad duration '10x'", 1},
    {"bad strategy",
     HEAD "queues:\n  - name: q\n    tenant: t\n    strategy: fastest\n", 6, 15,
     "queues[0].strategy",
     "unknown strategy 'fastest'; expected one of longest-idle", 1},
    {"unknown tenant", HEAD "queues: [{name: q, tenant: x}]\n", 3, 28,
     "queues[0].tenant", "unknown tenant 'x'", 1},
    {"duplicate agent",
     HEAD "agents:\n  - {name: a, tenant: t}\n  - {name: a, tenant: t}\n", 5,
     12, "agents[1].name", "duplicate agent 'a' in tenant 't'", 1},
    {"proficiency 9", HEAD "agents: [{name: a, tenant: t, skills: {s: 9}}]\n",
     3, 43, "agents[0].skills.s", "out of range 1..5", 1},
    {"syntax error", "tenants:\n  - name: [a, b\nskills: []\n", 3, 7, "",
     "YAML syntax error", 1},
    {"empty file", "", 1, 1, "", "the configuration is empty", 1},
    {"only a comment", "# nothing\n", 1, 1, "", "is empty", 1},
    {"alias", "tenants: &t [{name: t}]\nskills: *t\n", 2, 9, "",
     "aliases (*t) are not supported", 1},
    {"not a mapping", "- a\n- b\n", 1, 1, "", "expected a mapping", 1},
    {"wrong type", HEAD "queues: {name: q}\n", 3, 9, "queues",
     "expected a list, found a mapping", 1},
    {"missing name", HEAD "queues: [{tenant: t}]\n", 3, 10, "queues[0].name",
     "required field 'name' is missing", 1},
    {"duplicate key", "tenants: [{name: t, name: u}]\n", 1, 21,
     "tenants[0].name", "duplicate key 'name'", 1},
    {"forward without target",
     HEAD "queues: [{name: q, tenant: t, fallback: "
          "{max_wait: {action: forward}}}]\n",
     3, 52, "queues[0].fallback.max_wait", "forward needs a target", 1},
    {"unknown action",
     HEAD "queues: [{name: q, tenant: t, fallback: "
          "{max_wait: {action: pray}}}]\n",
     3, 61, "queues[0].fallback.max_wait.action", "unknown action 'pray'", 1},
    {"capacity 51",
     HEAD "agents: [{name: a, tenant: t, capacity: {chat: 51}}]\n", 3, 48,
     "agents[0].capacity.chat", "out of range 0..50", 1},
    {"callback capacity",
     HEAD "agents: [{name: a, tenant: t, capacity: {callback: 1}}]\n", 3, 42,
     "agents[0].capacity.callback", "use the voice capacity", 1},
    {"priority range", HEAD "queues: [{name: q, tenant: t, priority: 1001}]\n",
     3, 41, "queues[0].priority", "out of range -1000..1000", 1},
    {"cross tenant member",
     "tenants: [{name: t}, {name: u}]\nqueues: [{name: q, tenant: u}]\n"
     "agents: [{name: a, tenant: t, queues: [q]}]\n",
     3, 40, "agents[0].queues.q", "belongs to tenant 'u'", 1},
    {"overflow unknown",
     HEAD "queues: [{name: q, tenant: t, escalation: "
          "[{after: 1, overflow: z}]}]\n",
     3, 65, "queues[0].escalation[0].overflow", "unknown queue", 1},
    {"overflow to itself",
     HEAD "queues: [{name: q, tenant: t, escalation: "
          "[{after: 1, overflow: q}]}]\n",
     3, 65, "queues[0].escalation[0].overflow", "cannot overflow to itself", 1},
    {"step not increasing",
     HEAD "queues: [{name: q, tenant: t, escalation: [{after: 60s, "
          "priority: 1}, {after: 1m, priority: 1}]}]\n",
     3, 79, "queues[0].escalation[1].after", "not later than the step", 1},
    {"step does nothing",
     HEAD "queues: [{name: q, tenant: t, escalation: [{after: 1}]}]\n", 3, 44,
     "queues[0].escalation[0]", "changes nothing", 1},
    {"too many steps",
     HEAD "queues: [{name: q, tenant: t, escalation: [{after: 1, priority: 1},"
          "{after: 2, priority: 1},{after: 3, priority: 1},"
          "{after: 4, priority: 1},{after: 5, priority: 1},"
          "{after: 6, priority: 1},{after: 7, priority: 1},"
          "{after: 8, priority: 1},{after: 9, priority: 1}]}]\n",
     3, 236, "queues[0].escalation[8]", "more than 8 escalation steps", 1},
    {"duplicate skill", "skills: [a, b, a]\n", 1, 16, "skills[2]",
     "duplicate skill 'a'", 1},
    {"duplicate queue",
     HEAD "queues: [{name: q, tenant: t}, {name: q, tenant: t}]\n", 3, 39,
     "queues[1].name", "duplicate queue 'q' in tenant 't'", 1},
    {"multiple errors",
     HEAD "queues:\n  - name: q\n    tenant: t\n    strategy: fastest\n"
          "    wrapup: 10x\n"
          "agents:\n  - name: a\n    tenant: nobody\n    skills: {s: 0}\n",
     6, 15, "queues[0].strategy", "unknown strategy", 4},
    {"duplicate disposition",
     HEAD "queues: [{name: q, tenant: t, dispositions: [ok, ko, ok]}]\n", 3, 54,
     "queues[0].dispositions[2]", "disposition 'ok' is listed twice", 1},
    {"webhook url",
     HEAD "webhooks: [{name: w, tenant: t, url: \"ftp://x\", "
          "secret: 0123456789abcdef}]\n",
     3, 38, "webhooks[0].url", "expected an http:// or https:// URL", 1},
    {"webhook secret",
     HEAD "webhooks: [{name: w, tenant: t, url: \"http://x/h\", "
          "secret: short}]\n",
     3, 60, "webhooks[0].secret", "expected a secret of 16", 1},
    {"webhook event",
     HEAD "webhooks: [{name: w, tenant: t, url: \"http://x/h\", "
          "secret: 0123456789abcdef, events: [contact-queued, lunch]}]\n",
     3, 103, "webhooks[0].events[1]", "unknown event 'lunch'", 1},
    {"webhook tenant",
     HEAD "webhooks: [{name: w, tenant: nobody, url: \"http://x/h\", "
          "secret: 0123456789abcdef}]\n",
     3, 30, "webhooks[0].tenant", "unknown tenant 'nobody'", 1},
    {"two documents", "tenants: []\n---\nskills: []\n", 2, 1, "",
     "only one YAML document", 1},
    {"NUL in a name", "skills: [\"a\\0b\"]\n", 1, 10, "skills[0]",
     "control character", 1},
};

static int bad;

static void test_broken_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i]);
	assert_int_equal(bad, 0);
}

/* The billion laughs: refused at the first alias, nothing expanded. */
static void test_billion_laughs(void **state)
{
	const char *yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	                   "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	                   "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	                   "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	                   "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	(void)state;
	assert_int_equal(parse(yaml, &cfg, &errs), EINVAL);
	assert_int_equal(errs.n + errs.dropped, 36);
	assert_int_equal(errs.v[0].line, 2);
	assert_int_equal(errs.v[0].column, 8);
	config_errors_free(&errs);
}

static void test_deep_nesting(void **state)
{
	size_t depth = 100000;
	char *yaml = malloc(2 * depth + 1);
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	(void)state;
	assert_non_null(yaml);
	memset(yaml, '[', depth);
	memset(yaml + depth, ']', depth);
	yaml[2 * depth] = '\0';
	assert_int_equal(parse(yaml, &cfg, &errs), EINVAL);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0].message, "nested deeper than"));
	assert_int_equal(errs.v[0].column, 65);
	free(yaml);
	config_errors_free(&errs);
}

/* 150 bad agents: 100 kept, the rest counted and summarised. */
static void test_error_cap(void **state)
{
	char *yaml = malloc(150 * 40 + 64), *p = yaml;
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	char out[256];
	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, "agents:\n");
	for (int i = 0; i < 150; i++)
		p += sprintf(p, "  - {name: a%d, tenant: none}\n", i);
	assert_int_equal(parse(yaml, &cfg, &errs), EINVAL);
	assert_int_equal(errs.n, CONFIG_ERRORS_MAX);
	assert_int_equal(errs.dropped, 50);

	FILE *f = tmpfile();
	assert_non_null(f);
	config_errors_print(&errs, f);
	rewind(f);
	assert_non_null(fgets(out, sizeof(out), f));
	assert_string_equal(out, "t.yaml:2:24: agents[0].tenant: unknown "
	                         "tenant 'none'\n");
	while (fgets(out, sizeof(out), f))
		;
	assert_string_equal(out, "... and 50 more errors\n");
	fclose(f);
	free(yaml);
	config_errors_free(&errs);
}

static void test_missing_file(void **state)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	(void)state;
	assert_int_equal(config_load("/nonexistent/c.yaml", &cfg, &errs),
	                 ENOENT);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].file, "/nonexistent/c.yaml");
	assert_int_equal(errs.v[0].line, 0);
	config_errors_free(&errs);
}

/* A password is kept as given and never appears in a message. */
static void test_password_not_echoed(void **state)
{
	const char *yaml = "tenants: [{name: t}]\n"
	                   "agents: [{name: a, tenant: t, password: 1234}]\n";
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	(void)state;
	assert_int_equal(parse(yaml, &cfg, &errs), 0);
	assert_string_equal(cfg->agents[0].password, "1234");
	config_free(cfg);

	yaml = "tenants: [{name: t}]\n"
	       "agents: [{name: a, tenant: t, password: {x: hunter2}}]\n";
	assert_int_equal(parse(yaml, &cfg, &errs), EINVAL);
	assert_null(strstr(errs.v[0].message, "hunter2"));
	config_errors_free(&errs);
}

struct probe {
	acd_time_t now;
	unsigned offers;
	uint32_t offered_to;
	uint32_t queue;
};

static acd_time_t probe_clock(void *arg)
{
	return ((struct probe *)arg)->now;
}

static void probe_event(const struct acd_event *ev, void *arg)
{
	struct probe *p = arg;
	if (ev->type != ACD_EV_CONTACT_OFFERED)
		return;
	p->offers++;
	p->offered_to = ev->agent;
	p->queue = ev->queue;
}

/* The demo in a real engine: names found, a contact offered to a member. */
static void test_apply_demo(void **state)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	struct probe probe = {.now = 1000};
	struct acd *acd = NULL;
	char path[512];
	uint64_t contact;
	(void)state;
	assert_int_equal(
	    config_load(repo_path(path, sizeof(path), "examples/demo.yaml"),
	                &cfg, &errs),
	    0);
	assert_int_equal(acd_alloc(&acd, probe_clock, probe_event, &probe, 1),
	                 0);
	assert_int_equal(config_apply(cfg, acd, &errs), 0);
	assert_int_equal(errs.n, 0);

	uint32_t demo = acd_tenant_find(acd, "demo");
	assert_int_not_equal(demo, ACD_NONE);
	assert_int_not_equal(acd_skill_find(acd, "language-es"), ACD_NONE);
	uint32_t health = acd_queue_find(acd, demo, "health");
	uint32_t info = acd_queue_find(acd, demo, "information");
	assert_int_not_equal(health, ACD_NONE);
	assert_int_not_equal(info, ACD_NONE);
	uint32_t agent9 = acd_agent_find(acd, demo, "agent9");
	assert_int_not_equal(agent9, ACD_NONE);
	assert_int_equal(acd_agent_find(acd, demo, "agent11"), ACD_NONE);

	/* agent9 is a member of health only: a health call goes to agent9. */
	assert_int_equal(
	    acd_agent_presence(acd, agent9, ACD_PRESENCE_READY, NULL), 0);
	struct acd_contact_params cp = {.channel = ACD_CH_VOICE,
	                                .queue = health};
	assert_int_equal(acd_contact_add(acd, &cp, &contact), 0);
	uint64_t offered = contact;
	assert_int_equal(probe.offers, 1);
	assert_int_equal(probe.offered_to, agent9);
	assert_int_equal(probe.queue, health);

	/* agent9 is not a member of information: that call waits. */
	cp.queue = info;
	assert_int_equal(acd_contact_add(acd, &cp, &contact), 0);
	assert_int_equal(probe.offers, 1);

	/* Applying again (a reload of the same file) changes nothing: no
	 * error, and the contacts keep their state. */
	assert_int_equal(config_apply(cfg, acd, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_int_equal(acd_contact_state(acd, offered), ACD_CONTACT_OFFERED);
	assert_int_equal(acd_agent_state(acd, agent9), ACD_AGENT_RESERVED);

	/* A new file: agent9 moves to information, agent11 arrives, the
	 * others are gone and leave their queues. */
	static const char next[] =
	    "tenants: [{name: demo}]\n"
	    "skills: [health, information]\n"
	    "queues:\n"
	    "  - {name: information, tenant: demo}\n"
	    "  - {name: health, tenant: demo, strategy: best-skill}\n"
	    "agents:\n"
	    "  - {name: agent9, tenant: demo, skills: {information: 2},\n"
	    "     queues: [information]}\n"
	    "  - {name: agent11, tenant: demo, queues: [health]}\n";
	struct config *cfg2 = NULL;
	uint32_t queues[8];
	struct acd_agent_skill skills[8];

	assert_int_equal(
	    config_parse(next, sizeof(next) - 1, "next.yaml", &cfg2, &errs), 0);
	assert_int_equal(config_apply(cfg2, acd, &errs), 0);
	assert_int_equal(acd_agent_queues(acd, agent9, queues, 8), 1);
	assert_int_equal(queues[0], info);
	assert_int_equal(acd_agent_skills(acd, agent9, skills, 8), 1);
	assert_int_equal(skills[0].skill, acd_skill_find(acd, "information"));
	assert_int_not_equal(acd_agent_find(acd, demo, "agent11"), ACD_NONE);
	uint32_t agent1 = acd_agent_find(acd, demo, "agent1");
	assert_int_equal(acd_agent_queues(acd, agent1, queues, 8), 0);
	assert_int_equal(acd_agent_state(acd, agent1), ACD_AGENT_OFFLINE);
	config_free(cfg2);
	acd_free(acd);
	config_free(cfg);
	config_errors_free(&errs);
}

/* The health queue's step "after 90s overflow: information", applied by
 * acd_queue_update after both queues exist, reaches agent6. */
static void test_apply_overflow(void **state)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	struct probe probe = {.now = 1000};
	struct acd *acd = NULL;
	char path[512];
	uint64_t busy, waiting;
	(void)state;
	assert_int_equal(
	    config_load(repo_path(path, sizeof(path), "examples/demo.yaml"),
	                &cfg, &errs),
	    0);
	assert_int_equal(acd_alloc(&acd, probe_clock, probe_event, &probe, 1),
	                 0);
	assert_int_equal(config_apply(cfg, acd, &errs), 0);
	uint32_t demo = acd_tenant_find(acd, "demo");
	uint32_t health = acd_queue_find(acd, demo, "health");
	uint32_t agent6 = acd_agent_find(acd, demo, "agent6");
	uint32_t agent9 = acd_agent_find(acd, demo, "agent9");

	acd_agent_presence(acd, agent9, ACD_PRESENCE_READY, NULL);
	struct acd_contact_params cp = {.channel = ACD_CH_VOICE,
	                                .queue = health};
	assert_int_equal(acd_contact_add(acd, &cp, &busy), 0);
	assert_int_equal(acd_offer_accept(acd, busy, agent9), 0);
	acd_agent_presence(acd, agent6, ACD_PRESENCE_READY, NULL);
	assert_int_equal(acd_contact_add(acd, &cp, &waiting), 0);
	assert_int_equal(probe.offers, 1);
	probe.now += 89000;
	acd_timers_run(acd);
	assert_int_equal(probe.offers, 1);
	probe.now += 1000;
	acd_timers_run(acd);
	assert_int_equal(probe.offers, 2);
	assert_int_equal(probe.offered_to, agent6);
	assert_int_equal(acd_offer_accept(acd, waiting, agent6), 0);
	acd_contact_end(acd, busy);
	acd_contact_end(acd, waiting);
	acd_free(acd);
	config_free(cfg);
	config_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_parses),
	    cmocka_unit_test(test_defaults_and_forms),
	    cmocka_unit_test(test_broken_inputs),
	    cmocka_unit_test(test_billion_laughs),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_error_cap),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_password_not_echoed),
	    cmocka_unit_test(test_apply_demo),
	    cmocka_unit_test(test_apply_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
