/*
 * test_voice_xferkeys.c - the keys of an agent's phone during a call:
 * the transfer codes found among other keys, the target's digits ended
 * by #, the codes while consulting, keys too far apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "voice/xferkeys.h"

static const struct config_features asterisk = {
    .ready = "*71",
    .not_ready = "*72",
    .logout = "*73",
    .blind_transfer = "#1",
    .attended_transfer = "*2",
    .transfer_cancel = "*1",
};

/* Feed keys 100 ms apart from *now; the last answer. */
static enum xferkeys_action keys(struct xferkeys *xk, bool consulting,
                                 const char *k, uint64_t *now)
{
	enum xferkeys_action a = XK_NONE;

	for (; *k; k++) {
		*now += 100;
		a = xferkeys_feed(xk, &asterisk, consulting, *k, *now);
	}
	return a;
}

static void test_blind_then_target(void **state)
{
	struct xferkeys xk = {0};
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(keys(&xk, false, "5", &now), XK_NONE);
	assert_int_equal(keys(&xk, false, "#1", &now), XK_START);
	assert_true(xk.collecting);
	assert_false(xk.attended);
	assert_int_equal(keys(&xk, false, "1", &now), XK_DIGIT);
	assert_int_equal(keys(&xk, false, "04", &now), XK_DIGIT);
	assert_int_equal(keys(&xk, false, "#", &now), XK_DIAL);
	assert_string_equal(xk.digits, "104");
	assert_false(xk.collecting);
}

static void test_attended_and_consulting(void **state)
{
	struct xferkeys xk = {0};
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(keys(&xk, false, "*2", &now), XK_START);
	assert_true(xk.attended);
	assert_int_equal(keys(&xk, false, "0612345678#", &now), XK_DIAL);
	assert_string_equal(xk.digits, "0612345678");
	/* consulting: a digit is nothing, *1 cancels, *2 completes */
	assert_int_equal(keys(&xk, true, "5", &now), XK_NONE);
	assert_int_equal(keys(&xk, true, "*1", &now), XK_CANCEL);
	assert_int_equal(keys(&xk, true, "*2", &now), XK_COMPLETE);
	/* not consulting, *1 is nothing */
	assert_int_equal(keys(&xk, false, "*1", &now), XK_NONE);
}

static void test_hash_alone_aborts(void **state)
{
	struct xferkeys xk = {0};
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(keys(&xk, false, "#1", &now), XK_START);
	assert_int_equal(keys(&xk, false, "*", &now), XK_NONE); /* ignored */
	assert_int_equal(keys(&xk, false, "#", &now), XK_ABORT);
	assert_false(xk.collecting);
}

static void test_keys_far_apart_are_no_code(void **state)
{
	struct xferkeys xk = {0};
	uint64_t now = 1000;

	(void)state;
	assert_int_equal(keys(&xk, false, "#", &now), XK_NONE);
	now += 5000; /* a customer's account number, keyed slowly */
	assert_int_equal(keys(&xk, false, "1", &now), XK_NONE);
	assert_false(xk.collecting);
}

static void test_target_bounded(void **state)
{
	struct xferkeys xk = {0};
	uint64_t now = 1000;
	char many[64];

	(void)state;
	memset(many, '7', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	assert_int_equal(keys(&xk, false, "#1", &now), XK_START);
	keys(&xk, false, many, &now);
	assert_int_equal(strlen(xk.digits), XFERKEYS_DIGITS - 1);
	assert_int_equal(keys(&xk, false, "#", &now), XK_DIAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blind_then_target),
	    cmocka_unit_test(test_attended_and_consulting),
	    cmocka_unit_test(test_hash_alone_aborts),
	    cmocka_unit_test(test_keys_far_apart_are_no_code),
	    cmocka_unit_test(test_target_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
