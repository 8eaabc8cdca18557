/*
 * test_web_users.c - the users section of the configuration: what is
 * accepted, and each refusal located and named.
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

#include "core/config.h"

#define HASH "\"$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA\""

static const char base[] =
    "tenants: [{name: demo}, {name: other}]\n"
    "queues: [{name: info, tenant: demo}]\n"
    "agents: [{name: agent1, tenant: demo, queues: [info]},\n"
    "         {name: agent9, tenant: other}]\n"
    "users:\n";

/* Parse base + users; on failure the first error's field and message. */
static int parse(const char *users, struct config **cfgp, char *why,
                 size_t size)
{
	struct config_errors errs = {0};
	char yaml[2048];
	int err;
	snprintf(yaml, sizeof(yaml), "%s%s", base, users);
	err = config_parse(yaml, strlen(yaml), "u.yaml", cfgp, &errs);
	why[0] = '\0';
	if (errs.n)
		snprintf(why, size, "%s: %s", errs.v[0].field,
		         errs.v[0].message);
	config_errors_free(&errs);
	return err;
}

static void test_users_accepted(void **state)
{
	struct config *cfg = NULL;
	char why[512];
	(void)state;
	assert_int_equal(
	    parse("  - {name: admin, password_hash: " HASH ",\n"
	          "     role: administrator, tenants: [demo, other]}\n"
	          "  - {name: maria, password_hash: " HASH ",\n"
	          "     role: agent, tenants: [demo], agent: agent1}\n",
	          &cfg, why, sizeof(why)),
	    0);
	assert_int_equal(cfg->nusers, 2);
	const struct config_user *m = config_user_find(cfg, "maria");
	assert_non_null(m);
	assert_int_equal(m->role, CONFIG_ROLE_AGENT);
	assert_int_equal(m->agent.index, 0);
	assert_int_equal(m->tenants[0].index, 0);
	assert_int_equal(config_user_find(cfg, "admin")->ntenants, 2);
	assert_null(config_user_find(cfg, "nobody"));
	assert_string_equal(config_role_name(CONFIG_ROLE_SUPERVISOR),
	                    "supervisor");
	config_free(cfg);
}

static void refused(const char *users, const char *field, const char *text)
{
	struct config *cfg = NULL;
	char why[512];
	assert_int_equal(parse(users, &cfg, why, sizeof(why)), EINVAL);
	assert_null(cfg);
	if (!strstr(why, field) || !strstr(why, text))
		fail_msg("expected '%s' ... '%s', got '%s'", field, text, why);
}

static void test_users_refused(void **state)
{
	(void)state;
	refused("  - {name: a, password_hash: \"secret\", role: agent,\n"
	        "     tenants: [demo], agent: agent1}\n",
	        "users[0].password_hash", "argon2id");
	refused("  - {name: a, password_hash: " HASH ", role: boss,\n"
	        "     tenants: [demo]}\n",
	        "users[0].role", "administrator, supervisor or agent");
	refused("  - {name: a, password_hash: " HASH ", role: supervisor,\n"
	        "     tenants: [nowhere]}\n",
	        "users[0].tenants[0]", "unknown tenant 'nowhere'");
	refused("  - {name: a, password_hash: " HASH ", role: agent,\n"
	        "     tenants: [demo]}\n",
	        "users[0].agent", "names one tenant and its agent");
	refused("  - {name: a, password_hash: " HASH ", role: agent,\n"
	        "     tenants: [demo], agent: agent9}\n",
	        "users[0].agent", "no agent 'agent9' in tenant 'demo'");
	refused("  - {name: a, password_hash: " HASH ", role: supervisor,\n"
	        "     tenants: [demo], agent: agent1}\n",
	        "users[0].agent", "only a user of role agent");
	refused("  - {name: a, password_hash: " HASH ", role: supervisor,\n"
	        "     tenants: [demo]}\n"
	        "  - {name: a, password_hash: " HASH ", role: supervisor,\n"
	        "     tenants: [demo]}\n",
	        "users[1]", "defined twice");
	refused("  - {name: a, role: supervisor, tenants: [demo]}\n",
	        "users[0]", "password_hash");
	refused("  - {name: a, password_hash: " HASH ", role: supervisor,\n"
	        "     tenants: []}\n",
	        "users[0].tenants", "1 to 16 tenants");
}

/* A hash is never echoed in a message, even a malformed one. */
static void test_hash_not_echoed(void **state)
{
	struct config *cfg = NULL;
	char why[512];
	(void)state;
	assert_int_equal(parse("  - {name: a, password_hash: \"hunter2\",\n"
	                       "     role: supervisor, tenants: [demo]}\n",
	                       &cfg, why, sizeof(why)),
	                 EINVAL);
	assert_null(strstr(why, "hunter2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_users_accepted),
	    cmocka_unit_test(test_users_refused),
	    cmocka_unit_test(test_hash_not_echoed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
