/*
 * test_email_config.c - the email section's last_agent_wait: its
 * default, its forms, and the checker's located errors; a mailbox's
 * tls_ca.
 */
#include "config_fixture.h"

#include "core/config_email.h"

#define MAILBOX(extra)                               \
	"tenants: [{name: t}]\n"                     \
	"queues: [{name: q, tenant: t}]\n"           \
	"email:\n"                                   \
	"  mailboxes:\n"                             \
	"    - name: help\n"                         \
	"      tenant: t\n"                          \
	"      queue: q\n"                           \
	"      imap: \"imap://127.0.0.1:1/INBOX\"\n" \
	"      user: help\n"                         \
	"      password: pw\n"                       \
	"      address: help@example.org\n" extra

static acd_time_t wait_of(const char *yaml)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	acd_time_t ms;

	if (parse(yaml, &cfg, &errs)) {
		config_errors_print(&errs, stderr);
		fail_msg("refused");
	}
	assert_non_null(cfg->email);
	ms = cfg->email->mailboxes[0].last_agent_wait;
	config_free(cfg);
	config_errors_free(&errs);
	return ms;
}

static void test_last_agent_wait_forms(void **state)
{
	(void)state;
	assert_int_equal(wait_of(MAILBOX("")), 10 * 60 * 1000); /* default */
	assert_int_equal(wait_of(MAILBOX("      last_agent_wait: 90s\n")),
	                 90000);
	assert_int_equal(wait_of(MAILBOX("      last_agent_wait: 0\n")), 0);
	assert_int_equal(wait_of(MAILBOX("      last_agent_wait: 1d\n")),
	                 86400000);
}

/* tls_ca: none by default (the system's authorities), or the file. */
static void test_tls_ca(void **state)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	(void)state;
	assert_int_equal(parse(MAILBOX(""), &cfg, &errs), 0);
	assert_string_equal(cfg->email->mailboxes[0].tls_ca, "");
	config_free(cfg);
	cfg = NULL;
	assert_int_equal(
	    parse(MAILBOX("      tls_ca: /etc/centralino/asl-ca.pem\n"), &cfg,
	          &errs),
	    0);
	assert_string_equal(cfg->email->mailboxes[0].tls_ca,
	                    "/etc/centralino/asl-ca.pem");
	config_free(cfg);
	config_errors_free(&errs);
}

static const struct vector vectors[] = {
    {"bad wait", MAILBOX("      last_agent_wait: soon\n"), 12, 24,
     "email.mailboxes[0].last_agent_wait", "bad duration 'soon'", 1},
    {"negative wait", MAILBOX("      last_agent_wait: -5m\n"), 12, 24,
     "email.mailboxes[0].last_agent_wait", "bad duration '-5m'", 1},
    {"wait too long", MAILBOX("      last_agent_wait: 2d\n"), 12, 24,
     "email.mailboxes[0].last_agent_wait", "longer than 86400 s", 1},
    {"tls_ca not a file name", MAILBOX("      tls_ca: [a, b]\n"), 12, 15,
     "email.mailboxes[0].tls_ca", "expected a file", 1},
};

static void test_last_agent_wait_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_last_agent_wait_forms),
	    cmocka_unit_test(test_last_agent_wait_errors),
	    cmocka_unit_test(test_tls_ca),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
